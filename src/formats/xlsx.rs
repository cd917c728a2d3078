//! Excel workbooks (.xlsx): written with rust_xlsxwriter, read with calamine.
//!
//! A workbook has the sheets `Events` (the columns of the CSV export, one row per event),
//! `Participants` (one row per participation, its event named by key), `Organizations` and
//! `People` (names, their other names, counts). Reading one back, the `Events` and
//! `Participants` rows go through the CSV reader's column rules ([`super::csv::Table`]), so
//! that a workbook edited by a person imports as the same table saved as CSV would; the
//! aliases of `Organizations` and `People` become alias records. Sheets of other names are
//! not read (the caller says so).
//!
//! Cells are typed: text is written as text (a string cell, never a formula, whatever it
//! starts with: no `'` guard is needed, and none is written or taken off), dates as dates
//! (yyyy-mm-dd), numbers as numbers.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};

use anyhow::{Context as _, Result, bail};
use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Workbook as Book, Worksheet, XlsxError,
};

use super::csv::{EVENT_COLUMNS, Kind, Table};
use super::{Item, Problem, ReadResult};
use crate::dates::iso;
use crate::model::{AliasRecord, Event, EventFilter, key_reference, name_key};
use crate::store::Store;

pub const EVENTS: &str = "Events";
pub const PARTICIPANTS: &str = "Participants";
pub const ORGANIZATIONS: &str = "Organizations";
pub const PEOPLE: &str = "People";

/// The sheets read, in the order they are read: events before the participations that name
/// them; aliases last, as an export's alias records come after its events.
pub const SHEETS: [&str; 4] = [EVENTS, PARTICIPANTS, ORGANIZATIONS, PEOPLE];

/// The columns of the Participants sheet. `title` and `start` tell a reader which event the
/// key names; reading, only `event` does.
const PARTICIPANT_SHEET_COLUMNS: [&str; 10] = [
    "event",
    "title",
    "start",
    "name",
    "organization",
    "position",
    "role",
    "head",
    "session",
    "contribution",
];
const INFORMATIVE: [&str; 2] = ["title", "start"];

const ORGANIZATION_COLUMNS: [&str; 6] = [
    "name",
    "aliases",
    "events",
    "as organizer",
    "as partner",
    "as participant",
];
const PEOPLE_COLUMNS: [&str; 3] = ["name", "aliases", "events"];

/// The widest a column is made, in characters: a long description stays readable in its cell.
const MAX_WIDTH: usize = 60;

/// The most UTF-16 units an Excel cell holds.
const MAX_CELL: usize = 32_767;

const SEPARATOR: &str = "; ";

// ---------------------------------------------------------------------------------------
// Writing

/// One worksheet being written: its next row and the width each column needs.
struct Sheet {
    sheet: Worksheet,
    header: Vec<&'static str>,
    row: u32,
    widths: Vec<usize>,
}

impl Sheet {
    fn new(book: &mut Book, name: &str, header: &[&'static str], bold: &Format) -> Result<Sheet> {
        // Rows go to a temporary file as they are written: a large export is not held.
        let mut sheet = book.new_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, title) in header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, bold)?;
        }
        Ok(Sheet {
            sheet,
            header: header.to_vec(),
            row: 1,
            // Room for the filter button beside the title.
            widths: header.iter().map(|h| h.chars().count() + 3).collect(),
        })
    }

    fn fit(&mut self, col: u16, chars: usize) {
        if let Some(width) = self.widths.get_mut(col as usize) {
            *width = (*width).max(chars.min(MAX_WIDTH));
        }
    }

    fn text(&mut self, col: u16, text: &str) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let units = text.encode_utf16().count();
        if units > MAX_CELL {
            bail!(
                "its {} is {units} characters long (UTF-16 units), more than an Excel cell \
                 holds (32,767)",
                self.header.get(col as usize).unwrap_or(&"text")
            );
        }
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        self.fit(col, longest);
        self.sheet.write_string(self.row, col, text)?;
        Ok(())
    }

    fn opt(&mut self, col: u16, text: &Option<String>) -> Result<()> {
        self.text(col, text.as_deref().unwrap_or_default())
    }

    fn number(&mut self, col: u16, n: i64) -> Result<(), XlsxError> {
        self.fit(col, n.to_string().len());
        self.sheet.write_number(self.row, col, n as f64)?;
        Ok(())
    }

    fn date(&mut self, col: u16, date: chrono::NaiveDate, format: &Format) -> Result<()> {
        use chrono::Datelike;
        self.fit(col, 10);
        // Excel counts days from 1900, with a 29 February 1900 that never was: earlier
        // dates are written as text (which the reader takes as a date all the same).
        let excel = (1901..=9999).contains(&date.year()).then(|| {
            ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        });
        match excel {
            Some(Ok(day)) => {
                self.sheet
                    .write_date_with_format(self.row, col, &day, format)?;
            }
            _ => {
                self.sheet.write_string(self.row, col, iso(date))?;
            }
        }
        Ok(())
    }

    fn flag(&mut self, col: u16, value: bool) -> Result<(), XlsxError> {
        self.fit(col, 5);
        self.sheet.write_boolean(self.row, col, value)?;
        Ok(())
    }

    fn end_row(&mut self) {
        self.row += 1;
    }

    /// The header frozen, a filter on every column, the columns sized to their content.
    fn finish(mut self) -> Result<Worksheet> {
        let last_col = self.widths.len().saturating_sub(1) as u16;
        self.sheet.set_freeze_panes(1, 0)?;
        self.sheet.autofilter(0, 0, self.row - 1, last_col)?;
        for (col, width) in self.widths.iter().enumerate() {
            self.sheet
                .set_column_width(col as u16, *width as f64 + 1.0)?;
        }
        Ok(self.sheet)
    }
}

/// Counts of an organization's events in the export.
#[derive(Default)]
struct OrgCounts {
    events: i64,
    organizer: i64,
    partner: i64,
    participant: i64,
}

/// Writes the workbook of the events that pass `filter` to `out`; returns how many events,
/// and the keys of those whose list items hold the list separator `;`.
pub fn write_workbook(
    store: &mut dyn Store,
    filter: &EventFilter,
    out: impl Write + Send,
    split: &mut Vec<String>,
) -> Result<u64> {
    let mut book = Book::new();
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let mut events = Sheet::new(&mut book, EVENTS, EVENT_COLUMNS, &bold)?;
    let mut participants = Sheet::new(&mut book, PARTICIPANTS, &PARTICIPANT_SHEET_COLUMNS, &bold)?;
    let mut orgs: HashMap<String, OrgCounts> = HashMap::new();
    let mut people: HashMap<String, i64> = HashMap::new();
    let mut count = 0;
    let mut newest = String::new();
    store.each_event(filter, |e| {
        count += 1;
        if e.updated_at > newest {
            newest.clone_from(&e.updated_at);
        }
        write_event(&mut events, &mut participants, &e, &day).map_err(|err| cell_error(err, &e))?;
        let lists = [&e.tags, &e.organizers, &e.partners, &e.sessions];
        if lists
            .iter()
            .any(|l| l.iter().any(|item| item.contains(';')))
        {
            split.push(e.key.clone().unwrap_or_else(|| e.title.clone()));
        }
        count_links(&e, &mut orgs, &mut people);
        Ok(())
    })?;
    // With a filter, the organizations and people of the events written; else all, those
    // of no event too (their other names are recorded all the same).
    let all = !filter.is_narrowed() && filter.limit.is_none();
    let mut sheet = Sheet::new(&mut book, ORGANIZATIONS, &ORGANIZATION_COLUMNS, &bold)?;
    for org in store.organizations(None)? {
        let counts = orgs.get(&name_key(&org.name));
        if counts.is_none() && !all {
            continue;
        }
        let c = counts.map_or([0; 4], |c| {
            [c.events, c.organizer, c.partner, c.participant]
        });
        sheet.text(0, &org.name)?;
        sheet.text(1, &org.aliases.join(SEPARATOR))?;
        for (i, n) in c.into_iter().enumerate() {
            sheet.number(2 + i as u16, n)?;
        }
        sheet.end_row();
    }
    let organizations = sheet;
    let mut sheet = Sheet::new(&mut book, PEOPLE, &PEOPLE_COLUMNS, &bold)?;
    store.people(None, &mut |person| {
        let n = people.get(&name_key(&person.name));
        if n.is_none() && !all {
            return Ok(());
        }
        sheet.text(0, &person.name)?;
        sheet.text(1, &person.aliases.join(SEPARATOR))?;
        sheet.number(2, n.copied().unwrap_or(0))?;
        sheet.end_row();
        Ok(())
    })?;
    for sheet in [events, participants, organizations, sheet] {
        book.push_worksheet(sheet.finish()?);
    }
    book.set_properties(&DocProperties::new().set_creation_datetime(&created(&newest)?));
    book.save_to_writer(out)?;
    Ok(count)
}

/// The workbook's creation time: when the newest of its events last changed (1970-01-01 for
/// none), not the time of the export, so that the same records give the same file, byte for
/// byte.
fn created(newest: &str) -> Result<ExcelDateTime> {
    use chrono::{Datelike as _, Timelike as _};
    let t = chrono::DateTime::parse_from_rfc3339(newest)
        .map(|t| t.naive_utc())
        .unwrap_or_default();
    let year = u16::try_from(t.year()).unwrap_or(1970);
    Ok(
        ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)?.and_hms(
            t.hour() as u16,
            t.minute() as u8,
            t.second(),
        )?,
    )
}

/// What to tell a user about the events of a workbook whose list items hold a `;`.
pub fn split_items_warning(split: &[String]) -> Option<String> {
    let first = split.first()?;
    let more = match split.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "warning: a list item holds a `;`, which an import of the workbook reads as two items \
         (event {first:?}{more}); use --format json or ndjson to keep it whole"
    ))
}

/// Which event a text too long for Excel is in.
fn cell_error(err: anyhow::Error, e: &Event) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot write the event {:?} to a workbook: {err}; export it as --format ndjson or \
         json, which keep any length",
        e.key.as_deref().unwrap_or(&e.title)
    )
}

fn write_event(
    events: &mut Sheet,
    participants: &mut Sheet,
    e: &Event,
    day: &Format,
) -> Result<()> {
    let list = |v: &[String]| v.join(SEPARATOR);
    events.number(0, e.id)?;
    events.opt(1, &e.key)?;
    events.text(2, &e.title)?;
    events.opt(3, &e.kind)?;
    events.date(4, e.start, day)?;
    events.date(5, e.end, day)?;
    events.text(6, e.mode.map(|m| m.as_str()).unwrap_or_default())?;
    events.opt(7, &e.location)?;
    events.opt(8, &e.region)?;
    events.opt(9, &e.project)?;
    events.opt(10, &e.description)?;
    events.opt(11, &e.source)?;
    events.text(12, &list(&e.tags))?;
    events.text(13, &list(&e.organizers))?;
    events.text(14, &list(&e.partners))?;
    events.text(15, &list(&e.sessions))?;
    events.end_row();
    // Every stored event has a key; the id stands in for one without, as the participants
    // CSV takes either.
    let event = match &e.key {
        Some(key) => key_reference(key),
        None => e.id.to_string(),
    };
    for p in &e.participants {
        participants.text(0, &event)?;
        participants.text(1, &e.title)?;
        participants.date(2, e.start, day)?;
        participants.text(3, &p.name)?;
        participants.opt(4, &p.organization)?;
        participants.opt(5, &p.position)?;
        participants.opt(6, &p.role)?;
        participants.flag(7, p.head)?;
        participants.opt(8, &p.session)?;
        participants.opt(9, &p.contribution)?;
        participants.end_row();
    }
    Ok(())
}

fn count_links(
    e: &Event,
    orgs: &mut HashMap<String, OrgCounts>,
    people: &mut HashMap<String, i64>,
) {
    let mut any: HashSet<String> = HashSet::new();
    for name in &e.organizers {
        let key = name_key(name);
        any.insert(key.clone());
        orgs.entry(key).or_default().organizer += 1;
    }
    for name in &e.partners {
        let key = name_key(name);
        any.insert(key.clone());
        orgs.entry(key).or_default().partner += 1;
    }
    let mut represented = HashSet::new();
    let mut seen_people = HashSet::new();
    for p in &e.participants {
        if let Some(org) = &p.organization {
            let key = name_key(org);
            any.insert(key.clone());
            if represented.insert(key.clone()) {
                orgs.entry(key).or_default().participant += 1;
            }
        }
        let person = name_key(&p.name);
        if seen_people.insert(person.clone()) {
            *people.entry(person).or_default() += 1;
        }
    }
    for key in any {
        orgs.entry(key).or_default().events += 1;
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// A workbook opened for import: the sheets it will read, and those it will not.
pub struct Workbook {
    book: Xlsx<Cursor<Vec<u8>>>,
    /// Our sheets it has, in reading order: (which, its name as written).
    sheets: Vec<(&'static str, String)>,
    ignored: Vec<String>,
}

impl Workbook {
    /// Opens a workbook; an error when it is none, or has none of the sheets read.
    pub fn open(bytes: Vec<u8>) -> Result<Workbook> {
        let book = Xlsx::new(Cursor::new(bytes))
            .context("not an Excel workbook (.xlsx); save it as \"Excel Workbook (.xlsx)\"")?;
        let names = book.sheet_names();
        let mut sheets = Vec::new();
        let mut ignored = Vec::new();
        for which in SHEETS {
            if let Some(name) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(which)) {
                sheets.push((which, name.clone()));
            }
        }
        for name in &names {
            if !sheets.iter().any(|(_, n)| n == name) {
                ignored.push(name.clone());
            }
        }
        if sheets.is_empty() {
            bail!(
                "the workbook has no sheet named {}; its sheets: {}",
                SHEETS.join(", "),
                names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Ok(Workbook {
            book,
            sheets,
            ignored,
        })
    }

    /// The names of the sheets not read.
    pub fn ignored_sheets(&self) -> &[String] {
        &self.ignored
    }

    /// The records of the sheets read, row by row.
    pub fn records(self) -> Records {
        let mut sheets = self.sheets;
        sheets.reverse(); // popped from the end
        Records {
            book: self.book,
            sheets,
            current: None,
            pending: Vec::new(),
        }
    }
}

/// The rows of one sheet being read.
struct SheetRows {
    which: &'static str,
    range: calamine::Range<Data>,
    /// The row number of the range's first row.
    first_row: u64,
    /// The column of the range's first column, from 0.
    first_col: usize,
    /// The next row of the range to read.
    next: usize,
    reader: RowReader,
}

/// The cells of row `i` of `range`, unless it is blank.
fn row_of(range: &calamine::Range<Data>, i: usize) -> Option<Vec<Data>> {
    let cells: Vec<Data> = (0..range.width())
        .map(|j| range.get((i, j)).cloned().unwrap_or_default())
        .collect();
    let blank = cells
        .iter()
        .all(|c| cell_text(c).is_ok_and(|t| t.trim().is_empty()));
    (!blank).then_some(cells)
}

enum RowReader {
    Table(Table),
    /// The columns of the names and their aliases; of people or of organizations.
    Aliases {
        person: bool,
        name: usize,
        aliases: Option<usize>,
    },
}

/// Yields the records of a workbook's sheets, then nothing.
pub struct Records {
    book: Xlsx<Cursor<Vec<u8>>>,
    sheets: Vec<(&'static str, String)>,
    current: Option<SheetRows>,
    /// Problems waiting to be yielded (a header's), in reverse order.
    pending: Vec<Problem>,
}

fn in_sheet(which: &str, mut problem: Problem) -> Problem {
    problem.sheet = Some(which.to_string());
    problem
}

impl Records {
    /// Loads the next sheet; its header's problems go to `pending`.
    fn open_next(&mut self) -> bool {
        let Some((which, name)) = self.sheets.pop() else {
            return false;
        };
        let range = match self.book.worksheet_range(&name) {
            Ok(range) => range,
            Err(e) => {
                self.pending.push(in_sheet(
                    which,
                    Problem::new(0, format!("cannot read: {e}")),
                ));
                return true;
            }
        };
        let (first_row, first_col) = range
            .start()
            .map_or((1, 0), |(row, col)| (row as u64 + 1, col as usize));
        // The first row that is not blank is the header.
        let Some((at, header)) =
            (0..range.height()).find_map(|i| row_of(&range, i).map(|r| (i, r)))
        else {
            return true; // an empty sheet: nothing to read
        };
        let header_line = first_row + at as u64;
        // Cells of the header as text; the columns end at the last named one.
        let mut names: Vec<String> = header
            .iter()
            .map(|c| cell_text(c).unwrap_or_default())
            .collect();
        while names.last().is_some_and(|n| n.trim().is_empty()) {
            names.pop();
        }
        let reader = match which {
            EVENTS | PARTICIPANTS => {
                let (kind, informative): (Kind, &[&str]) = if which == EVENTS {
                    (Kind::Events, &[])
                } else {
                    (Kind::Participants, &INFORMATIVE)
                };
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                match Table::new(header_line, &names, Some(kind), informative, false) {
                    Ok(table) => RowReader::Table(table),
                    Err(problems) => {
                        self.pending
                            .extend(problems.into_iter().rev().map(|p| in_sheet(which, p)));
                        return true;
                    }
                }
            }
            _ => {
                let known: &[&str] = if which == ORGANIZATIONS {
                    &ORGANIZATION_COLUMNS
                } else {
                    &PEOPLE_COLUMNS
                };
                match alias_columns(header_line, &names, known, which == PEOPLE) {
                    Ok(reader) => reader,
                    Err(problems) => {
                        self.pending
                            .extend(problems.into_iter().rev().map(|p| in_sheet(which, p)));
                        return true;
                    }
                }
            }
        };
        self.current = Some(SheetRows {
            which,
            range,
            first_row,
            first_col,
            next: at + 1,
            reader,
        });
        true
    }
}

/// The columns of an Organizations or People sheet: `name` (required) and `aliases` are read.
fn alias_columns(
    line: u64,
    names: &[String],
    known: &[&str],
    person: bool,
) -> Result<RowReader, Vec<Problem>> {
    let columns: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let mut problems = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if !known.contains(&column.as_str()) {
            problems.push(Problem::field(
                line,
                column.clone(),
                format!("unknown column; expected some of: {}", known.join(", ")),
            ));
        } else if columns[..i].contains(column) {
            problems.push(Problem::field(
                line,
                column.clone(),
                "the column appears twice",
            ));
        }
    }
    let find = |name: &str| columns.iter().position(|c| c == name);
    let name = find("name");
    if name.is_none() {
        problems.push(Problem::field(line, "name", "a required column is missing"));
    }
    match name {
        Some(name) if problems.is_empty() => Ok(RowReader::Aliases {
            person,
            name,
            aliases: find("aliases"),
        }),
        _ => Err(problems),
    }
}

/// A cell as text: a number as written in the cell (2021, not 2021.0), a date as YYYY-MM-DD,
/// a flag as true or false. An error cell (`#N/A`) is a problem.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        // ISO 8601 (from OpenDocument): its date part, when it starts with one.
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(date) if crate::dates::parse_date(date).is_ok() => date.to_string(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds the error {e}")),
    })
}

impl Iterator for Records {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        loop {
            if let Some(problem) = self.pending.pop() {
                return Some(Err(problem));
            }
            let Some(sheet) = &mut self.current else {
                if !self.open_next() {
                    return None;
                }
                continue;
            };
            if sheet.next >= sheet.range.height() {
                self.current = None;
                continue;
            }
            let i = sheet.next;
            sheet.next += 1;
            let Some(cells) = row_of(&sheet.range, i) else {
                continue; // a blank row
            };
            let line = sheet.first_row + i as u64;
            let which = sheet.which;
            if let Some(result) = read_row(&sheet.reader, line, sheet.first_col, &cells) {
                return Some(result.map_err(|p| in_sheet(which, p)));
            }
        }
    }
}

/// A row's record; `None` for a name without other names, which records nothing.
fn read_row(reader: &RowReader, line: u64, first_col: usize, cells: &[Data]) -> Option<ReadResult> {
    let width = match reader {
        RowReader::Table(table) => table.columns().len(),
        RowReader::Aliases { name, aliases, .. } => (*name).max(aliases.unwrap_or(0)) + 1,
    };
    let mut texts = Vec::with_capacity(width);
    for (i, cell) in cells.iter().enumerate() {
        let text = match cell_text(cell) {
            Ok(text) => text,
            // Only the columns read matter.
            Err(_) if i >= width => continue,
            Err(reason) => return Some(Err(column_problem(reader, line, i, reason))),
        };
        if i >= width {
            // Past the last column named: a value there belongs to no column.
            if !text.trim().is_empty() && matches!(reader, RowReader::Table(_)) {
                return Some(Err(Problem {
                    value: Some(text),
                    ..Problem::new(
                        line,
                        format!(
                            "a value in column {}, which has no name in the header row",
                            column_letters(first_col + i)
                        ),
                    )
                }));
            }
            continue;
        }
        texts.push(text);
    }
    texts.resize(width, String::new());
    match reader {
        RowReader::Table(table) => {
            let cells: Vec<&str> = texts.iter().map(String::as_str).collect();
            Some(table.convert(line, &cells))
        }
        RowReader::Aliases {
            person,
            name,
            aliases,
        } => {
            let aliases: Vec<String> = aliases
                .map(|i| texts[i].as_str())
                .unwrap_or_default()
                .split(';')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
            if aliases.is_empty() {
                return None;
            }
            let name = texts[*name].clone();
            if name.trim().is_empty() {
                return Some(Err(Problem::field(
                    line,
                    "name",
                    "must not be empty: whose other names are these?",
                )));
            }
            let record = if *person {
                AliasRecord {
                    organization: None,
                    person: Some(name),
                    aliases,
                }
            } else {
                AliasRecord {
                    organization: Some(name),
                    person: None,
                    aliases,
                }
            };
            Some(Ok(Item::Aliases { line, record }))
        }
    }
}

fn column_problem(reader: &RowReader, line: u64, i: usize, reason: String) -> Problem {
    match reader {
        RowReader::Table(table) => match table.columns().get(i) {
            Some(column) => Problem::field(line, column.clone(), reason),
            None => Problem::new(line, reason),
        },
        RowReader::Aliases { .. } => Problem::new(line, reason),
    }
}

/// `A`, `B`, ... `Z`, `AA`: a column as Excel names it (from 0).
fn column_letters(mut i: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    use super::*;

    #[test]
    fn cells_as_text() {
        assert_eq!(cell_text(&Data::Float(2021.0)), Ok("2021".to_string()));
        assert_eq!(cell_text(&Data::Float(1.5)), Ok("1.5".to_string()));
        assert_eq!(cell_text(&Data::Int(-7)), Ok("-7".to_string()));
        assert_eq!(cell_text(&Data::Bool(true)), Ok("true".to_string()));
        let date = ExcelDateTime::new(44271.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(date)),
            Ok("2021-03-16".to_string())
        );
        let date = ExcelDateTime::new(42809.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            cell_text(&Data::DateTime(date)),
            Ok("2021-03-16".to_string())
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2021-03-16T10:00:00".to_string())),
            Ok("2021-03-16".to_string())
        );
        assert_eq!(
            cell_text(&Data::Error(CellErrorType::NA)),
            Err("the cell holds the error #N/A".to_string())
        );
    }

    #[test]
    fn column_names() {
        let names: Vec<String> = [0, 25, 26, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(names, ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]);
    }
}
