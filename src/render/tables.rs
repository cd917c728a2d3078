//! The tables each command prints: turns domain values into escaped cells and columns, which
//! `layout` fits to the terminal and comfy-table draws.

use super::Terminal;
use super::layout::{Column, Grid, cap, render, wrap, write_rows};
use super::text::{escape, escape_multiline};
use crate::dates::compact_range;
use crate::model::{
    Event, Finding, HistoryEntry, OrgSummary, Participant, PersonSummary, StatsRow, delegations,
};

/// The most characters of one value a table with a row per item shows; `--format json`
/// shows all of it.
const CELL_LIMIT: usize = 1_000;
/// The same for a field of `show`, which has room for a long description.
const FIELD_LIMIT: usize = 10_000;

/// A value as a table cell shows it: escaped, at most `CELL_LIMIT` characters.
pub(super) fn text(value: &str) -> String {
    escape(&cap(value, CELL_LIMIT)).into_owned()
}

fn optional(value: Option<&str>) -> String {
    text(value.unwrap_or(""))
}

/// A name with its other names on a line below it.
fn with_aliases(name: &str, aliases: &[String]) -> String {
    let mut cell = text(name);
    for (i, alias) in aliases.iter().enumerate() {
        cell.push_str(if i == 0 { "\n(also " } else { "; " });
        cell.push_str(&text(alias));
    }
    if !aliases.is_empty() {
        cell.push(')');
    }
    cell
}

fn grid(columns: &[Column]) -> Grid {
    Grid {
        columns: columns.to_vec(),
        header: true,
        rows: Vec::new(),
        group_first: false,
        ruled: false,
    }
}

/// A line of text above a table, escaped, cut and wrapped like a cell.
pub fn heading(line: &str, term: Terminal) -> String {
    let line = text(line);
    match term.width {
        Some(width) => wrap(&line, usize::from(width)),
        None => line,
    }
}

/// The columns of [`write_event_list`].
const EVENT_LIST: [Column; 6] = [
    Column::number("ID"),
    Column::fixed("Dates"),
    Column::main("Title"),
    Column::text("Kind"),
    Column::main("Organizers"),
    Column::number("People"),
];

/// The cells of an event's line in [`write_event_list`].
fn event_line(e: &Event) -> Vec<String> {
    // Kind and mode share a column: at 80 columns there is no room for both.
    let kind = [
        e.kind.as_deref().map(text),
        e.mode.map(|m| m.as_str().to_string()),
    ];
    let kind: Vec<String> = kind.into_iter().flatten().collect();
    let organizers: Vec<String> = e.organizers.iter().map(|o| text(o)).collect();
    vec![
        e.id.to_string(),
        compact_range(e.start, e.end),
        text(&e.title),
        kind.join(" · "),
        organizers.join("; "),
        e.participant_count.to_string(),
    ]
}

/// Events read again from the start at each call, in the same order: each call passes every
/// event to the callback, and returns its error.
pub type Events<'a> =
    dyn FnMut(&mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()> + 'a;

/// One line per event: what `list` prints, written to `out` (then a newline) as the events
/// are read, a few lines at a time: the layout reads them again as often as it must (see
/// [`layout::write_rows`](super::layout::write_rows)), keeping only the cells of a few.
/// Returns how many events there were; writes nothing when there were none.
pub fn write_event_list(
    out: &mut dyn std::io::Write,
    events: &mut Events<'_>,
    term: Terminal,
) -> anyhow::Result<u64> {
    write_rows(out, &EVENT_LIST, term, &mut |f| {
        events(&mut |e| f(event_line(&e)))
    })
}

/// The event's own fields, one per row; absent fields are left out.
pub fn event_fields(e: &Event, term: Terminal) -> String {
    let mut grid = Grid {
        columns: vec![Column::fixed(""), Column::main("")],
        header: false,
        rows: Vec::new(),
        group_first: false,
        ruled: false,
    };
    let mut row = |name: &str, value: String| grid.rows.push(vec![name.to_string(), value]);
    let field = |value: &str| escape(&cap(value, FIELD_LIMIT)).into_owned();
    let lines = |value: &str| escape_multiline(&cap(value, FIELD_LIMIT)).into_owned();
    row("ID", e.id.to_string());
    if let Some(key) = &e.key {
        row("Key", field(key));
    }
    row("Title", lines(&e.title));
    if let Some(kind) = &e.kind {
        row("Kind", field(kind));
    }
    let days = (e.end - e.start).num_days() + 1;
    let dates = if days == 1 {
        compact_range(e.start, e.end)
    } else {
        format!("{} ({days} days)", compact_range(e.start, e.end))
    };
    row("Dates", dates);
    if let Some(mode) = e.mode {
        row("Mode", mode.as_str().to_string());
    }
    for (name, value) in [
        ("Location", &e.location),
        ("Region", &e.region),
        ("Project", &e.project),
    ] {
        if let Some(value) = value {
            row(name, field(value));
        }
    }
    for (name, list) in [
        ("Organizers", &e.organizers),
        ("Partners", &e.partners),
        ("Sessions", &e.sessions),
    ] {
        if !list.is_empty() {
            let values: Vec<_> = list.iter().map(|v| text(v)).collect();
            row(name, values.join("\n"));
        }
    }
    if !e.tags.is_empty() {
        let tags: Vec<_> = e.tags.iter().map(|t| text(t)).collect();
        row("Tags", tags.join(", "));
    }
    if let Some(source) = &e.source {
        row("Source", field(source));
    }
    if let Some(description) = &e.description {
        row("Description", lines(description));
    }
    row("Added", field(&e.created_at));
    row("Updated", field(&e.updated_at));
    render(&grid, term)
}

/// A role as a table shows it, `(head)` first for the head of a delegation: plain text, which
/// reads the same on any terminal and through a pipe.
fn role_cell(role: Option<&str>, head: bool) -> String {
    match (head, role) {
        (false, role) => optional(role),
        (true, None) => "(head)".to_string(),
        (true, Some(role)) => format!("(head) {}", text(role)),
    }
}

/// The participants by delegation (see [`delegations`]): one group per organization they
/// represented, in the order each first appears, its head first and marked `(head)` in the
/// role column; those without an organization last. Each with their participation id.
pub fn participants(list: &[Participant], term: Terminal) -> String {
    let mut grid = grid(&[
        Column::main("Organization"),
        Column::number("ID"),
        Column::main("Name"),
        Column::text("Position"),
        Column::text("Role"),
        Column::text("Session"),
        Column::text("Contribution"),
    ]);
    grid.group_first = true;
    for (org, members) in delegations(list) {
        for p in members {
            grid.rows.push(vec![
                org.map_or_else(|| "(none)".to_string(), text),
                p.id.to_string(),
                text(&p.name),
                optional(p.position.as_deref()),
                role_cell(p.role.as_deref(), p.head),
                optional(p.session.as_deref()),
                optional(p.contribution.as_deref()),
            ]);
        }
    }
    render(&grid, term)
}

fn dates_or_blank(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(first), Some(last)) if first == last => first.clone(),
        // A no-break space keeps the dash with the first date when the range wraps.
        (Some(first), Some(last)) => format!("{first}\u{a0}– {last}"),
        _ => String::new(),
    }
}

const ORGANIZATIONS: [Column; 6] = [
    Column::main("Organization"),
    Column::number("Events"),
    Column::number("Organizer"),
    Column::number("Partner"),
    Column::number("Attended"),
    Column::words("First – last"),
];

/// The cells of an organization's line in [`write_organizations`].
fn organization_line(o: &OrgSummary) -> Vec<String> {
    let mut name = with_aliases(&o.name, &o.aliases);
    if !o.initialisms.is_empty() {
        // Beside the aliases, marked as derived: no one wrote them.
        let derived = format!("(derived {})", o.initialisms.join("; "));
        name.push('\n');
        name.push_str(&text(&derived));
    }
    vec![
        name,
        o.events.to_string(),
        o.as_organizer.to_string(),
        o.as_partner.to_string(),
        o.as_participant.to_string(),
        dates_or_blank(&o.first, &o.last),
    ]
}

/// `events orgs`: one row per organization, its other names below its name, written to `out`
/// (then a newline) a few lines at a time (see [`write_rows`]), keeping only their cells.
pub fn write_organizations(
    out: &mut dyn std::io::Write,
    orgs: &[OrgSummary],
    term: Terminal,
) -> anyhow::Result<u64> {
    write_rows(out, &ORGANIZATIONS, term, &mut |f| {
        orgs.iter().try_for_each(|o| f(organization_line(o)))
    })
}

const PEOPLE: [Column; 5] = [
    Column::main("Name"),
    Column::number("Events"),
    Column::text("Latest position"),
    Column::main("Latest organization"),
    Column::words("First – last"),
];

/// The cells of a person's line in [`write_people`].
fn person_line(p: &PersonSummary) -> Vec<String> {
    vec![
        with_aliases(&p.name, &p.aliases),
        p.events.to_string(),
        optional(p.position.as_deref()),
        optional(p.organization.as_deref()),
        dates_or_blank(&p.first, &p.last),
    ]
}

/// `events people`: one row per person, their other names below their name, written to `out`
/// (then a newline) a few lines at a time (see [`write_rows`]), keeping only their cells.
/// Records read again from the start at each call, in the same order: each call passes every
/// one to the callback, and returns its error.
pub type Source<'a, T> =
    dyn FnMut(&mut dyn FnMut(T) -> anyhow::Result<()>) -> anyhow::Result<()> + 'a;

/// `people` calls its callback with each person, and may be called more than once (see
/// [`Rows`]); returns how many there were, and writes nothing when there were none.
pub fn write_people(
    out: &mut dyn std::io::Write,
    term: Terminal,
    people: &mut Source<'_, PersonSummary>,
) -> anyhow::Result<u64> {
    write_rows(out, &PEOPLE, term, &mut |f| {
        people(&mut |p| f(person_line(&p)))
    })
}

const HISTORY: [Column; 7] = [
    // A compact range (`2021-03-16 – 18`) is never wrapped: its end means nothing alone.
    Column::fixed("Dates"),
    Column::main("Event"),
    Column::text("Position"),
    Column::main("Organization"),
    Column::text("Role"),
    Column::text("Session"),
    Column::text("Contribution"),
];

/// The cells of a participation's line in [`write_history`].
fn history_line(h: &HistoryEntry) -> Vec<String> {
    let dates = match (
        crate::dates::parse_date(&h.start),
        crate::dates::parse_date(&h.end),
    ) {
        (Ok(start), Ok(end)) => compact_range(start, end),
        _ => h.start.clone(),
    };
    vec![
        dates,
        format!("{} (#{})", text(&h.title), h.event),
        optional(h.position.as_deref()),
        optional(h.organization.as_deref()),
        role_cell(h.role.as_deref(), h.head),
        optional(h.session.as_deref()),
        optional(h.contribution.as_deref()),
    ]
}

/// `events person NAME`: one row per participation, oldest first, written to `out` (then a
/// newline) a few lines at a time (see [`write_rows`]), keeping only their cells.
pub fn write_history(
    out: &mut dyn std::io::Write,
    entries: &[HistoryEntry],
    term: Terminal,
) -> anyhow::Result<u64> {
    write_rows(out, &HISTORY, term, &mut |f| {
        entries.iter().try_for_each(|h| f(history_line(h)))
    })
}

/// `events stats`: each group with its count and a bar as long as the count (the largest fills
/// the bar's width), so that a trend shows at a glance.
pub fn stats(by: &str, rows: &[StatsRow], term: Terminal) -> String {
    let heading = match by {
        "org" => "Organization",
        "year" => "Year",
        "kind" => "Kind",
        "mode" => "Mode",
        _ => "Region",
    };
    let headed = by == "org";
    let mut columns = vec![Column::main(heading), Column::number("Events")];
    if headed {
        // Delegations it headed: events where its representative was head.
        columns.push(Column::number("Headed"));
    }
    columns.push(Column::fixed(""));
    let mut grid = grid(&columns);
    let max = rows.iter().map(|r| r.events).max().unwrap_or(0).max(1);
    let bar_width = term
        .width
        .map(|w| usize::from(w).saturating_sub(40).clamp(10, 50))
        .unwrap_or(40);
    for r in rows {
        let eighths = (r.events as f64 / max as f64 * (bar_width * 8) as f64).round() as usize;
        let mut row = vec![
            r.value
                .as_deref()
                .map_or_else(|| "(none)".to_string(), text),
            r.events.to_string(),
        ];
        if headed {
            row.push(r.headed.unwrap_or(0).to_string());
        }
        row.push(bar(eighths.max(usize::from(r.events > 0))));
        grid.rows.push(row);
    }
    render(&grid, term)
}

/// `events doctor`: one row per finding, grouped by kind: the records it names (names, or
/// events as `KEY (START) TITLE`, one a line) and the commands that would set it right.
pub fn findings(findings: &[Finding], term: Terminal) -> String {
    let mut grid = grid(&[
        Column::text("Check"),
        Column::main("Records"),
        Column::main("Fix"),
    ]);
    grid.group_first = true;
    grid.ruled = true;
    for f in findings {
        let mut records: Vec<String> = f
            .events
            .iter()
            .map(|e| format!("{} ({}) {}", text(&e.key), e.start, text(&e.title)))
            .collect();
        if f.events.is_empty() {
            // Found through an alias: `Foo Agency (as "Global Peace Centre")`.
            records.extend(f.names.iter().enumerate().map(|(i, n)| {
                match f.matched.get(i).filter(|m| *m != n) {
                    Some(m) => format!("{} (as \"{}\")", text(n), text(m)),
                    None => text(n),
                }
            }));
        } else if !f.names.is_empty() {
            let names: Vec<String> = f.names.iter().map(|n| text(n)).collect();
            records.push(format!("people: {}", names.join("; ")));
        }
        let fix: Vec<String> = f.commands.iter().map(|c| text(c)).collect();
        grid.rows.push(vec![
            f.kind.as_str().to_string(),
            records.join("\n"),
            fix.join("\n"),
        ]);
    }
    render(&grid, term)
}

/// A bar `eighths`/8 characters long, in Unicode block elements.
fn bar(eighths: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let mut bar = "█".repeat(eighths / 8);
    bar.push_str(PARTS[eighths % 8]);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_grow_by_eighths() {
        assert_eq!(bar(0), "");
        assert_eq!(bar(1), "▏");
        assert_eq!(bar(8), "█");
        assert_eq!(bar(20), "██▌");
    }
}
