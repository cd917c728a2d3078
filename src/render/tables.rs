//! All comfy-table code: turns events into the tables `list` and `show` print.

use comfy_table::{
    Attribute, Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width, presets,
};
use unicode_width::UnicodeWidthStr;

use super::Terminal;
use super::text::{escape, escape_multiline};
use crate::dates::compact_range;
use crate::model::{Event, HistoryEntry, OrgSummary, Participant, PersonSummary, StatsRow};

fn new_table(term: Terminal, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic);
    // Width and colour are decided once, from `Terminal`, never by comfy-table's own probing.
    table.force_no_tty();
    if let Some(width) = term.width {
        table.set_width(width);
    }
    if !header.is_empty() {
        table.set_header(header.iter().map(|h| {
            let cell = Cell::new(h);
            if term.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
    if term.color {
        table.enforce_styling();
    }
    table
}

/// The widest a column is kept from wrapping a word: longer words are split.
const LONGEST_WHOLE_WORD: usize = 24;

/// Sets column widths once the rows are in, to fit the terminal: the `whole` columns (ids,
/// dates, counts) never wrap; the others share what is left, each at least as wide as its
/// longest word (up to a limit) and no wider than its longest line, narrow columns first.
fn fit_columns(table: &mut Table, width: Option<u16>, whole: &[usize]) {
    let Some(width) = width else {
        return;
    };
    let columns = table.column_count();
    let mut longest_line = vec![0usize; columns];
    let mut longest_word = vec![0usize; columns];
    let header = table.header().into_iter();
    for row in header.chain(table.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate() {
            let content = cell.content();
            let line = content
                .lines()
                .map(UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            let word = content
                .split_whitespace()
                .map(UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            longest_line[i] = longest_line[i].max(line);
            longest_word[i] = longest_word[i].max(word.min(LONGEST_WHOLE_WORD));
        }
    }
    // Each column has a border on its left and one space of padding on each side, and the
    // table one more border on the right.
    let frame = 3 * columns + 1;
    let whole_width: usize = whole.iter().map(|&i| longest_line[i]).sum();
    let left = usize::from(width).saturating_sub(frame + whole_width);

    let wrapping: Vec<usize> = (0..columns).filter(|i| !whole.contains(i)).collect();
    if wrapping.iter().map(|&i| longest_line[i]).sum::<usize>() <= left {
        return; // everything fits on one line
    }
    // Start each wrapping column at its longest word; if even that is too wide, shrink them
    // all alike and let long words split.
    let mut widths = longest_line.clone();
    for &i in &wrapping {
        widths[i] = longest_word[i].min(longest_line[i]).max(1);
    }
    let mut least: usize = wrapping.iter().map(|&i| widths[i]).sum();
    if least > left {
        // Narrow the widest column, one character at a time, till they fit or all are 1 wide.
        while least > left {
            let Some(&widest) = wrapping
                .iter()
                .filter(|&&i| widths[i] > 1)
                .max_by_key(|&&i| widths[i])
            else {
                break;
            };
            widths[widest] -= 1;
            least -= 1;
        }
    } else {
        // Share the rest out evenly, the columns that need least first, none beyond its
        // longest line.
        let mut spare = left - least;
        let mut by_need = wrapping.clone();
        by_need.sort_by_key(|&i| longest_line[i] - widths[i]);
        for (n, &i) in by_need.iter().enumerate() {
            let give = (longest_line[i] - widths[i]).min(spare / (by_need.len() - n));
            widths[i] += give;
            spare -= give;
        }
    }
    // An absolute width counts the padding.
    let constraints = widths.into_iter().map(|w| {
        let w = (w + 2).min(usize::from(u16::MAX)) as u16;
        ColumnConstraint::Absolute(Width::Fixed(w))
    });
    table.set_constraints(constraints);
}

fn text(value: &str) -> Cell {
    Cell::new(escape(value))
}

fn optional(value: Option<&str>) -> Cell {
    text(value.unwrap_or(""))
}

fn number(n: impl ToString) -> Cell {
    Cell::new(n.to_string()).set_alignment(CellAlignment::Right)
}

/// One line per event: what `list` prints.
pub fn event_list(events: &[Event], term: Terminal) -> Table {
    let mut table = new_table(
        term,
        &[
            "ID",
            "Dates",
            "Title",
            "Kind",
            "Mode",
            "Organizers",
            "People",
        ],
    );
    for e in events {
        table.add_row(vec![
            number(e.id),
            Cell::new(compact_range(e.start, e.end)),
            text(&e.title),
            optional(e.kind.as_deref()),
            Cell::new(e.mode.map(|m| m.as_str()).unwrap_or("")),
            text(&e.organizers.join("; ")),
            number(e.participant_count),
        ]);
    }
    fit_columns(&mut table, term.width, &[0, 1, 6]);
    table
}

/// The event's own fields, one per row; absent fields are left out.
pub fn event_fields(e: &Event, term: Terminal) -> Table {
    let mut table = new_table(term, &[]);
    let mut row = |name: &str, value: Cell| {
        let name = Cell::new(name);
        let name = if term.color {
            name.add_attribute(Attribute::Bold)
        } else {
            name
        };
        table.add_row(vec![name, value]);
    };
    row("ID", Cell::new(e.id));
    if let Some(key) = &e.key {
        row("Key", text(key));
    }
    row("Title", Cell::new(escape_multiline(&e.title)));
    if let Some(kind) = &e.kind {
        row("Kind", text(kind));
    }
    let days = (e.end - e.start).num_days() + 1;
    let dates = if days == 1 {
        compact_range(e.start, e.end)
    } else {
        format!("{} ({days} days)", compact_range(e.start, e.end))
    };
    row("Dates", Cell::new(dates));
    if let Some(mode) = e.mode {
        row("Mode", Cell::new(mode));
    }
    for (name, value) in [
        ("Location", &e.location),
        ("Region", &e.region),
        ("Project", &e.project),
    ] {
        if let Some(value) = value {
            row(name, text(value));
        }
    }
    for (name, list) in [
        ("Organizers", &e.organizers),
        ("Partners", &e.partners),
        ("Sessions", &e.sessions),
    ] {
        if !list.is_empty() {
            let lines: Vec<_> = list.iter().map(|v| escape(v)).collect();
            row(name, Cell::new(lines.join("\n")));
        }
    }
    if !e.tags.is_empty() {
        let tags: Vec<_> = e.tags.iter().map(|t| escape(t)).collect();
        row("Tags", Cell::new(tags.join(", ")));
    }
    if let Some(source) = &e.source {
        row("Source", text(source));
    }
    if let Some(description) = &e.description {
        row("Description", Cell::new(escape_multiline(description)));
    }
    row("Added", Cell::new(&e.created_at));
    row("Updated", Cell::new(&e.updated_at));
    fit_columns(&mut table, term.width, &[0]);
    table
}

/// The participants, grouped by the organization or delegation they represented (groups in
/// the order they first appear), each with their participation id.
pub fn participants(list: &[Participant], term: Terminal) -> Table {
    let mut table = new_table(
        term,
        &[
            "Organization",
            "ID",
            "Name",
            "Position",
            "Role",
            "Session",
            "Contribution",
        ],
    );
    let mut groups: Vec<(Option<&str>, Vec<&Participant>)> = Vec::new();
    for p in list {
        let org = p.organization.as_deref();
        match groups.iter_mut().find(|(o, _)| *o == org) {
            Some((_, members)) => members.push(p),
            None => groups.push((org, vec![p])),
        }
    }
    for (org, members) in groups {
        for (i, p) in members.into_iter().enumerate() {
            let org_cell = match (i, org) {
                (0, Some(org)) => text(org),
                (0, None) => Cell::new("(none)"),
                _ => Cell::new(""),
            };
            table.add_row(vec![
                org_cell,
                number(p.id),
                text(&p.name),
                optional(p.position.as_deref()),
                optional(p.role.as_deref()),
                optional(p.session.as_deref()),
                optional(p.contribution.as_deref()),
            ]);
        }
    }
    fit_columns(&mut table, term.width, &[1]);
    table
}

fn dates_or_blank(first: &Option<String>, last: &Option<String>) -> Cell {
    match (first, last) {
        (Some(first), Some(last)) if first == last => Cell::new(first),
        (Some(first), Some(last)) => Cell::new(format!("{first} – {last}")),
        _ => Cell::new(""),
    }
}

/// `events orgs`: one row per organization.
pub fn organizations(orgs: &[OrgSummary], term: Terminal) -> Table {
    let mut table = new_table(
        term,
        &[
            "Organization",
            "Also known as",
            "Events",
            "Organizer",
            "Partner",
            "Attended",
            "First – last",
        ],
    );
    for o in orgs {
        let aliases: Vec<_> = o.aliases.iter().map(|a| escape(a)).collect();
        table.add_row(vec![
            text(&o.name),
            Cell::new(aliases.join("\n")),
            number(o.events),
            number(o.as_organizer),
            number(o.as_partner),
            number(o.as_participant),
            dates_or_blank(&o.first, &o.last),
        ]);
    }
    fit_columns(&mut table, term.width, &[2, 3, 4, 5, 6]);
    table
}

/// `events people`: one row per person.
pub fn people(people: &[PersonSummary], term: Terminal) -> Table {
    let mut table = new_table(
        term,
        &[
            "Name",
            "Also known as",
            "Events",
            "Latest position",
            "Latest organization",
            "First – last",
        ],
    );
    for p in people {
        let aliases: Vec<_> = p.aliases.iter().map(|a| escape(a)).collect();
        table.add_row(vec![
            text(&p.name),
            Cell::new(aliases.join("\n")),
            number(p.events),
            optional(p.position.as_deref()),
            optional(p.organization.as_deref()),
            dates_or_blank(&p.first, &p.last),
        ]);
    }
    fit_columns(&mut table, term.width, &[2, 5]);
    table
}

/// `events person NAME`: one row per participation, oldest first.
pub fn history(entries: &[HistoryEntry], term: Terminal) -> Table {
    let mut table = new_table(
        term,
        &[
            "Dates",
            "Event",
            "Position",
            "Organization",
            "Role",
            "Session",
            "Contribution",
        ],
    );
    for h in entries {
        let dates = match (
            crate::dates::parse_date(&h.start),
            crate::dates::parse_date(&h.end),
        ) {
            (Ok(start), Ok(end)) => compact_range(start, end),
            _ => h.start.clone(),
        };
        table.add_row(vec![
            Cell::new(dates),
            Cell::new(format!("{} (#{})", escape(&h.title), h.event)),
            optional(h.position.as_deref()),
            optional(h.organization.as_deref()),
            optional(h.role.as_deref()),
            optional(h.session.as_deref()),
            optional(h.contribution.as_deref()),
        ]);
    }
    fit_columns(&mut table, term.width, &[0]);
    table
}

/// `events stats`: each group with its count and a bar as long as the count (the largest fills
/// the bar's width), so that a trend shows at a glance.
pub fn stats(by: &str, rows: &[StatsRow], term: Terminal) -> Table {
    let heading = match by {
        "org" => "Organization",
        "year" => "Year",
        "kind" => "Kind",
        "mode" => "Mode",
        _ => "Region",
    };
    let mut table = new_table(term, &[heading, "Events", ""]);
    let max = rows.iter().map(|r| r.events).max().unwrap_or(0).max(1);
    let bar_width = term
        .width
        .map(|w| usize::from(w).saturating_sub(40).clamp(10, 50))
        .unwrap_or(40);
    for r in rows {
        let eighths = (r.events as f64 / max as f64 * (bar_width * 8) as f64).round() as usize;
        table.add_row(vec![
            r.value.as_deref().map_or(Cell::new("(none)"), text),
            number(r.events),
            Cell::new(bar(eighths.max(usize::from(r.events > 0)))),
        ]);
    }
    fit_columns(&mut table, term.width, &[1, 2]);
    table
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
