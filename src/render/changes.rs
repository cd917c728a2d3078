//! The history as a person reads it: `events log`'s table (one row per operation) and
//! `events log show`'s diff (each record an operation touched, before -> after per field).
//! User text is escaped as in every other table.

use super::Terminal;
use super::layout::{Column, Grid, cap, render};
use super::tables::text;
use super::text::escape;
use crate::model::{Change, EntityState, EventState, Named, Operation, ParticipationState, State};

/// The most characters of one quoted value the log shows (as many as a table cell, `text`);
/// `--format json` shows all of it.
const VALUE_LIMIT: usize = 1_000;

/// A value quoted, as messages quote values: `"Almaty"`.
fn quoted(value: &str) -> String {
    escape(&format!("{:?}", cap(value, VALUE_LIMIT))).into_owned()
}

fn optional(value: Option<&str>) -> String {
    value.map_or_else(|| "(none)".to_string(), quoted)
}

/// A moment of the log (`2026-12-01T12:41:18.123456Z`) to the second, as tables show it:
/// `2026-12-01 12:41:18`. One that does not read as a time is shown as it is.
pub fn moment(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => text(at),
    }
}

/// `events log`: one row per operation, newest first; an operation undone says by which.
pub fn log(operations: &[Operation], term: Terminal) -> String {
    let mut grid = Grid {
        columns: vec![
            Column::number("ID"),
            Column::words("At (UTC)"),
            Column::text("User"),
            Column::text("Command"),
            Column::main("Summary"),
        ],
        header: true,
        rows: Vec::new(),
        group_first: false,
        ruled: false,
    };
    for op in operations {
        let mut summary = text(&op.summary);
        if let Some(by) = op.undone_by {
            summary.push_str(&format!(" [undone by {by}]"));
        }
        grid.rows.push(vec![
            op.id.to_string(),
            moment(&op.at),
            text(&op.who()),
            text(&op.command),
            summary,
        ]);
    }
    render(&grid, term)
}

/// `events log show OP`: the operation, then each record it touched, field by field.
pub fn operation(op: &Operation) -> String {
    let mut out = format!(
        "Operation {}: {}, {} UTC, by {}\n{}\n",
        op.id,
        text(&op.command),
        moment(&op.at),
        text(&op.who()),
        text(&op.summary)
    );
    if let Some(undoes) = op.undoes {
        out.push_str(&format!("It undid operation {undoes}.\n"));
    }
    if let Some(by) = op.undone_by {
        out.push_str(&format!(
            "Undone by operation {by} (`events undo {by}` redoes it).\n"
        ));
    }
    for change in &op.changes {
        out.push('\n');
        out.push_str(&change_text(change));
    }
    out
}

/// One record's change: a heading line, then a line per field that differs (all fields of a
/// record created).
pub fn change_text(change: &Change) -> String {
    let label = quoted(&change.label);
    let mut lines = vec![format!(
        "{} {} {label} {}",
        change.kind,
        change.id,
        change.verb()
    )];
    match (&change.before, &change.after) {
        (Some(State::Event(before)), Some(State::Event(after))) => {
            event_diff(&mut lines, before, after);
        }
        (None, Some(State::Event(after))) => {
            event_diff(&mut lines, &empty_event(after), after);
        }
        (Some(State::Entity(before)), Some(State::Entity(after))) => {
            entity_diff(&mut lines, before, after);
        }
        (None, Some(State::Entity(after))) => {
            let empty = EntityState {
                id: after.id,
                name: String::new(),
                aliases: Vec::new(),
                created_at: String::new(),
            };
            lines.push(format!("  name: {}", quoted(&after.name)));
            if !after.aliases.is_empty() {
                entity_aliases(&mut lines, &empty, after);
            }
        }
        _ => {}
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// An event with nothing in it, to show a new one as changes from nothing.
fn empty_event(like: &EventState) -> EventState {
    // Fields that are empty text where they are `None`: a field of nothing (see `field`).
    let nothing = |value: &Option<String>| value.as_ref().map(|_| String::new());
    EventState {
        id: like.id,
        key: nothing(&like.key),
        title: String::new(),
        kind: nothing(&like.kind),
        start: String::new(),
        end: String::new(),
        mode: nothing(&like.mode),
        location: nothing(&like.location),
        region: nothing(&like.region),
        project: nothing(&like.project),
        description: nothing(&like.description),
        source: nothing(&like.source),
        created_at: like.created_at.clone(),
        updated_at: like.updated_at.clone(),
        tags: Vec::new(),
        organizers: Vec::new(),
        partners: Vec::new(),
        sessions: Vec::new(),
        participants: Vec::new(),
    }
}

/// A field that differs: `name: "before" -> "after"`; compared with nothing (empty text, in
/// a record created), `name: "value"`.
fn field(lines: &mut Vec<String>, name: &str, before: Option<&str>, after: Option<&str>) {
    if before == after {
        return;
    }
    match before {
        Some("") => lines.push(format!("  {name}: {}", optional(after))),
        _ => lines.push(format!(
            "  {name}: {} -> {}",
            optional(before),
            optional(after)
        )),
    }
}

/// A list's items added and removed; a list that only changed order says so.
fn list(lines: &mut Vec<String>, name: &str, before: &[String], after: &[String]) {
    if before == after {
        return;
    }
    let added: Vec<String> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|a| quoted(a))
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|b| !after.contains(b))
        .map(|b| quoted(b))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if parts.is_empty() {
        let order: Vec<String> = after.iter().map(|a| quoted(a)).collect();
        parts.push(format!("reordered: {}", order.join(", ")));
    }
    lines.push(format!("  {name}: {}", parts.join("; ")));
}

fn names(list: &[Named]) -> Vec<String> {
    list.iter().map(|n| n.name.clone()).collect()
}

fn event_diff(lines: &mut Vec<String>, before: &EventState, after: &EventState) {
    field(lines, "key", before.key.as_deref(), after.key.as_deref());
    field(lines, "title", Some(&before.title), Some(&after.title));
    field(lines, "kind", before.kind.as_deref(), after.kind.as_deref());
    field(lines, "start", Some(&before.start), Some(&after.start));
    field(lines, "end", Some(&before.end), Some(&after.end));
    field(lines, "mode", before.mode.as_deref(), after.mode.as_deref());
    field(
        lines,
        "location",
        before.location.as_deref(),
        after.location.as_deref(),
    );
    field(
        lines,
        "region",
        before.region.as_deref(),
        after.region.as_deref(),
    );
    field(
        lines,
        "project",
        before.project.as_deref(),
        after.project.as_deref(),
    );
    field(
        lines,
        "description",
        before.description.as_deref(),
        after.description.as_deref(),
    );
    field(
        lines,
        "source",
        before.source.as_deref(),
        after.source.as_deref(),
    );
    list(lines, "tags", &before.tags, &after.tags);
    list(
        lines,
        "organizers",
        &names(&before.organizers),
        &names(&after.organizers),
    );
    list(
        lines,
        "partners",
        &names(&before.partners),
        &names(&after.partners),
    );
    list(lines, "sessions", &before.sessions, &after.sessions);
    participants(lines, &before.participants, &after.participants);
}

/// Participants by participation id: added, removed, and changed field by field.
fn participants(
    lines: &mut Vec<String>,
    before: &[ParticipationState],
    after: &[ParticipationState],
) {
    let find = |list: &[ParticipationState], id: i64| list.iter().position(|p| p.id == id);
    let mut out: Vec<String> = Vec::new();
    for p in after {
        match find(before, p.id) {
            None => out.push(format!("    added {}: {}", p.id, participation(p))),
            Some(i) => {
                let was = &before[i];
                if was == p {
                    continue;
                }
                let mut fields: Vec<String> = Vec::new();
                let mut one = |name: &str, b: Option<&str>, a: Option<&str>| {
                    if b != a {
                        fields.push(format!("{name} {} -> {}", optional(b), optional(a)));
                    }
                };
                one("name", Some(&was.person.name), Some(&p.person.name));
                one(
                    "organization",
                    was.organization.as_ref().map(|o| o.name.as_str()),
                    p.organization.as_ref().map(|o| o.name.as_str()),
                );
                one("position", was.position.as_deref(), p.position.as_deref());
                one("role", was.role.as_deref(), p.role.as_deref());
                one("session", was.session.as_deref(), p.session.as_deref());
                one(
                    "contribution",
                    was.contribution.as_deref(),
                    p.contribution.as_deref(),
                );
                if was.head != p.head {
                    fields.push(format!("head {} -> {}", was.head, p.head));
                }
                if fields.is_empty() {
                    // The same text, another person or organization of the same name.
                    fields.push("relinked".to_string());
                }
                out.push(format!(
                    "    changed {} ({}): {}",
                    p.id,
                    quoted(&p.person.name),
                    fields.join("; ")
                ));
            }
        }
    }
    for p in before {
        if find(after, p.id).is_none() {
            out.push(format!("    removed {}: {}", p.id, participation(p)));
        }
    }
    if !out.is_empty() {
        lines.push("  participants:".to_string());
        lines.extend(out);
    }
}

/// A participation in one line: `"Name" (Organization), position "P", role "R", head`.
fn participation(p: &ParticipationState) -> String {
    let mut text = quoted(&p.person.name);
    if let Some(org) = &p.organization {
        text.push_str(&format!(" ({})", quoted(&org.name)));
    }
    for (name, value) in [
        ("position", &p.position),
        ("role", &p.role),
        ("session", &p.session),
        ("contribution", &p.contribution),
    ] {
        if let Some(value) = value {
            text.push_str(&format!(", {name} {}", quoted(value)));
        }
    }
    if p.head {
        text.push_str(", head of the delegation");
    }
    text
}

fn entity_diff(lines: &mut Vec<String>, before: &EntityState, after: &EntityState) {
    field(lines, "name", Some(&before.name), Some(&after.name));
    entity_aliases(lines, before, after);
}

fn entity_aliases(lines: &mut Vec<String>, before: &EntityState, after: &EntityState) {
    list(lines, "aliases", &before.aliases, &after.aliases);
}
