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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Write};

use anyhow::{Context as _, Result, bail};
use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Workbook as Book, Worksheet, XlsxError,
};

use super::csv::{EVENT_COLUMNS, Kind, PARTICIPANT_COLUMNS, Table};
use super::{Item, Problem, ReadResult};
use crate::dates::iso;
use crate::model::{AliasRecord, Event, EventFilter, key_reference, name_key, organization_roles};
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
/// and in `split` the events (and the names) whose list items or aliases hold the list
/// separator `;`.
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
            split.push(super::event_named(&e));
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
        if org.aliases.iter().any(|a| a.contains(';')) {
            split.push(format!("the aliases of the organization {:?}", org.name));
        }
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
        if person.aliases.iter().any(|a| a.contains(';')) {
            split.push(format!("the aliases of {:?}", person.name));
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
    for roles in organization_roles(e) {
        let counts = orgs.entry(roles.key).or_default();
        counts.events += 1;
        counts.organizer += i64::from(roles.organizer);
        counts.partner += i64::from(roles.partner);
        counts.participant += i64::from(roles.participant);
    }
    let mut seen_people = HashSet::new();
    for p in &e.participants {
        let person = name_key(&p.name);
        if seen_people.insert(person.clone()) {
            *people.entry(person).or_default() += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading
//
// Cells are read as the worksheet's XML holds them (calamine's cell reader), never as a
// grid of rows times columns: a workbook with one stray cell at XFD1048576 is a few cells,
// not billions. Only the cells under the named columns a sheet reads are kept.

/// A sheet to read: its header row, read when the workbook is opened.
struct SheetHeader {
    which: &'static str,
    /// Its name as written in the workbook.
    name: String,
    /// The header: its row (from 0) and its non-blank cells (column from 0, text); `None` for
    /// an empty sheet.
    header: Option<Header>,
    /// Why the sheet cannot be read, when it cannot.
    error: Option<String>,
}

type XlsxBook = Xlsx<Cursor<Vec<u8>>>;

/// A header row: its row (from 0) and its non-blank cells (column from 0, text).
type Header = (u32, Vec<(u32, String)>);

/// A workbook opened for import: the sheets it will read, and those it will not.
pub struct Workbook {
    book: XlsxBook,
    /// Our sheets it has, in reading order.
    sheets: Vec<SheetHeader>,
    ignored: Vec<String>,
}

/// The columns a sheet knows (reads, or knows to skip); others are not read.
fn known_columns(which: &str) -> Vec<&'static str> {
    match which {
        EVENTS => EVENT_COLUMNS.to_vec(),
        PARTICIPANTS => PARTICIPANT_COLUMNS
            .iter()
            .chain(INFORMATIVE.iter())
            .copied()
            .collect(),
        ORGANIZATIONS => ORGANIZATION_COLUMNS.to_vec(),
        _ => PEOPLE_COLUMNS.to_vec(),
    }
}

fn column_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The first row of a sheet that is not blank: its row and cells.
fn read_header(book: &mut XlsxBook, name: &str) -> Result<Option<Header>, String> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut header: Option<Header> = None;
    while let Some(cell) = cells.next_cell().map_err(|e| format!("cannot read: {e}"))? {
        let (row, col) = cell.get_position();
        if let Some((at, _)) = &header
            && row > *at
        {
            break;
        }
        let text = cell_text(&Data::from(cell.get_value().clone())).unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        header
            .get_or_insert_with(|| (row, Vec::new()))
            .1
            .push((col, text));
    }
    Ok(header)
}

impl Workbook {
    /// Opens a workbook; an error when it is none, or has none of the sheets read.
    pub fn open(bytes: Vec<u8>) -> Result<Workbook> {
        let mut book = Xlsx::new(Cursor::new(bytes))
            .context("not an Excel workbook (.xlsx); save it as \"Excel Workbook (.xlsx)\"")?;
        let names = book.sheet_names();
        let mut sheets = Vec::new();
        let mut ignored = Vec::new();
        for which in SHEETS {
            if let Some(name) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(which)) {
                let (header, error) = match read_header(&mut book, name) {
                    Ok(header) => (header, None),
                    Err(e) => (None, Some(e)),
                };
                sheets.push(SheetHeader {
                    which,
                    name: name.clone(),
                    header,
                    error,
                });
            }
        }
        for name in &names {
            if !sheets.iter().any(|s| &s.name == name) {
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

    /// The columns of the sheets read that are not read (a person's notes beside the
    /// records): each sheet with the columns' names as written in its header.
    pub fn ignored_columns(&self) -> Vec<(&'static str, Vec<String>)> {
        let mut ignored = Vec::new();
        for sheet in &self.sheets {
            let Some((_, cells)) = &sheet.header else {
                continue;
            };
            let known = known_columns(sheet.which);
            let unknown: Vec<String> = cells
                .iter()
                .filter(|(_, name)| !known.contains(&column_key(name).as_str()))
                .map(|(_, name)| name.trim().to_string())
                .collect();
            if !unknown.is_empty() {
                ignored.push((sheet.which, unknown));
            }
        }
        ignored
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

/// A cell kept: its value, and whether it holds a formula (with its text, when told).
struct Kept {
    value: Data,
    formula: Option<Option<String>>,
}

/// The cells of a row under the columns read (in the reader's order), and the first value
/// under a column that has no name.
#[derive(Default)]
struct RowCells {
    cells: Vec<Option<Kept>>,
    stray: Option<(u32, String)>,
}

impl RowCells {
    fn is_blank(&self) -> bool {
        self.stray.is_none()
            && self.cells.iter().flatten().all(|kept| {
                kept.formula.is_none() && cell_text(&kept.value).is_ok_and(|t| t.trim().is_empty())
            })
    }
}

/// The rows of one sheet being read.
struct SheetRows {
    which: &'static str,
    rows: std::collections::btree_map::IntoIter<u32, RowCells>,
    reader: RowReader,
}

enum RowReader {
    Table(Table),
    /// The positions of the names and their aliases among the cells read; of people or of
    /// organizations.
    Aliases {
        person: bool,
        name: usize,
        aliases: Option<usize>,
    },
}

impl RowReader {
    /// The name of the column of the cell read at `i`.
    fn column(&self, i: usize) -> Option<String> {
        match self {
            RowReader::Table(table) => table.columns().get(i).cloned(),
            RowReader::Aliases { name, .. } if i == *name => Some("name".to_string()),
            RowReader::Aliases { aliases, .. } if Some(i) == *aliases => {
                Some("aliases".to_string())
            }
            RowReader::Aliases { .. } => None,
        }
    }
}

/// Yields the records of a workbook's sheets, then nothing.
pub struct Records {
    book: XlsxBook,
    sheets: Vec<SheetHeader>,
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
        let Some(sheet) = self.sheets.pop() else {
            return false;
        };
        let which = sheet.which;
        if let Some(error) = sheet.error {
            self.pending.push(in_sheet(which, Problem::new(0, error)));
            return true;
        }
        let Some((header_row, header)) = sheet.header else {
            return true; // an empty sheet: nothing to read
        };
        let header_line = u64::from(header_row) + 1;
        // The columns read, in the header's order: those the sheet knows. The others are
        // not read (the caller says so).
        let known = known_columns(which);
        let read: Vec<(u32, String)> = header
            .iter()
            .filter(|(_, name)| known.contains(&column_key(name).as_str()))
            .cloned()
            .collect();
        let names: Vec<&str> = read.iter().map(|(_, name)| name.as_str()).collect();
        let reader = match which {
            EVENTS | PARTICIPANTS => {
                let (kind, informative): (Kind, &[&str]) = if which == EVENTS {
                    (Kind::Events, &[])
                } else {
                    (Kind::Participants, &INFORMATIVE)
                };
                Table::new(header_line, &names, Some(kind), informative, false)
                    .map(RowReader::Table)
            }
            _ => alias_columns(header_line, &names, which == PEOPLE),
        };
        let reader = match reader {
            Ok(reader) => reader,
            Err(problems) => {
                self.pending
                    .extend(problems.into_iter().rev().map(|p| in_sheet(which, p)));
                return true;
            }
        };
        let position: HashMap<u32, usize> = read
            .iter()
            .enumerate()
            .map(|(i, (col, _))| (*col, i))
            .collect();
        let named: HashSet<u32> = header.iter().map(|(col, _)| *col).collect();
        let strays = matches!(reader, RowReader::Table(_));
        match read_rows(
            &mut self.book,
            &sheet.name,
            header_row,
            &position,
            &named,
            strays,
        ) {
            Ok(rows) => {
                self.current = Some(SheetRows {
                    which,
                    rows: rows.into_iter(),
                    reader,
                });
            }
            Err(e) => self.pending.push(in_sheet(which, Problem::new(0, e))),
        }
        true
    }
}

/// The rows under a sheet's header: the cells of the columns read (`position`: a column's
/// place among them), and in a table (`strays`) the first value under a column with no name.
fn read_rows(
    book: &mut XlsxBook,
    name: &str,
    header_row: u32,
    position: &HashMap<u32, usize>,
    named: &HashSet<u32>,
    strays: bool,
) -> Result<BTreeMap<u32, RowCells>, String> {
    use calamine::XlsxFormulaMetadata as Formula;
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut rows: BTreeMap<u32, RowCells> = BTreeMap::new();
    // Formula metadata without the expansion of shared formulas: nothing is sized by an
    // index the file gives.
    while let Some(cell) = cells
        .next_cell_with_formula_metadata()
        .map_err(|e| format!("cannot read: {e}"))?
    {
        let (row, col) = cell.pos;
        if row <= header_row {
            continue;
        }
        if let Some(&i) = position.get(&col) {
            let formula = cell.formula.map(|f| match f {
                Formula::Normal { formula } | Formula::Shared { formula, .. } => Some(formula),
                _ => None,
            });
            let cells = &mut rows.entry(row).or_default().cells;
            if cells.len() < position.len() {
                cells.resize_with(position.len(), || None);
            }
            cells[i] = Some(Kept {
                value: Data::from(cell.value),
                formula,
            });
        } else if strays && !named.contains(&col) {
            let text = cell_text(&Data::from(cell.value)).unwrap_or_default();
            if !text.trim().is_empty() {
                let row = rows.entry(row).or_default();
                if row.stray.is_none() {
                    row.stray = Some((col, text));
                }
            }
        }
    }
    Ok(rows)
}

/// The columns of an Organizations or People sheet (those it knows): `name` (required) and
/// `aliases` are read.
fn alias_columns(line: u64, names: &[&str], person: bool) -> Result<RowReader, Vec<Problem>> {
    let columns: Vec<String> = names.iter().map(|n| column_key(n)).collect();
    let mut problems = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if columns[..i].contains(column) {
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

/// The last day of Excel's calendar, 9999-12-31, as a serial number of the 1900 and of the
/// 1904 date system.
const LAST_DAY: [f64; 2] = [2_958_465.0, 2_957_003.0];

/// A cell as text: a number as written in the cell (2021, not 2021.0), a date as YYYY-MM-DD,
/// a flag as true or false. What cannot be read (an error cell such as `#N/A`, a date
/// outside Excel's calendar, a time of day) is a reason, with the value when there is one.
fn cell_text(cell: &Data) -> Result<String, (String, Option<String>)> {
    let text = match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let serial = dt.as_f64();
            // calamine gives the first or the last day of the calendar for a serial number
            // outside it: told apart here, not taken for a date.
            if (0.0..1.0).contains(&serial) {
                return Err((
                    "a time of day, not a date; type the date (YYYY-MM-DD)".to_string(),
                    Some(number_text(serial)),
                ));
            }
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            let clamped = (y, m, d) == (9999, 12, 31) && !LAST_DAY.contains(&serial.floor());
            if !serial.is_finite() || serial < 0.0 || clamped {
                return Err((
                    "a date cell whose serial number is outside Excel's calendar (1900-01-01 \
                     to 9999-12-31); type the date (YYYY-MM-DD)"
                        .to_string(),
                    Some(number_text(serial)),
                ));
            }
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        // ISO 8601 (from OpenDocument): its date part, when it starts with one.
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(date) if crate::dates::parse_date(date).is_ok() => date.to_string(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err((format!("the cell holds the error {e}"), None)),
    };
    Ok(text)
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // 1e300, not three hundred digits.
        format!("{f:?}")
    }
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
            let Some((row, cells)) = sheet.rows.next() else {
                self.current = None;
                continue;
            };
            if cells.is_blank() {
                continue;
            }
            let line = u64::from(row) + 1;
            let which = sheet.which;
            if let Some(result) = read_row(&sheet.reader, line, cells) {
                return Some(result.map_err(|p| in_sheet(which, p)));
            }
        }
    }
}

/// A row's record; `None` for a name without other names, which records nothing.
fn read_row(reader: &RowReader, line: u64, row: RowCells) -> Option<ReadResult> {
    let width = match reader {
        RowReader::Table(table) => table.columns().len(),
        RowReader::Aliases { name, aliases, .. } => (*name).max(aliases.unwrap_or(0)) + 1,
    };
    let mut texts = Vec::with_capacity(width);
    for (i, kept) in row.cells.into_iter().enumerate() {
        let Some(kept) = kept else {
            texts.push(String::new());
            continue;
        };
        let problem = |reason: String, value: Option<String>| {
            let problem = match reader.column(i) {
                Some(column) => Problem::field(line, column, reason),
                None => Problem::new(line, reason),
            };
            Some(Err(Problem { value, ..problem }))
        };
        // No value saved with the formula (openpyxl and others save none): read as empty, it
        // would erase the stored field.
        if let Some(formula) = &kept.formula
            && (kept.value == Data::Empty || kept.value == Data::String(String::new()))
        {
            let shown = formula
                .as_ref()
                .map(|f| format!(" (={f})"))
                .unwrap_or_default();
            return problem(
                format!(
                    "a formula with no computed value{shown}; open and save the workbook in a \
                     spreadsheet program, or type the value"
                ),
                None,
            );
        }
        match cell_text(&kept.value) {
            Ok(text) => texts.push(text),
            Err((reason, value)) => return problem(reason, value),
        }
    }
    if let Some((col, text)) = row.stray {
        // Past the named columns, or under an empty header cell: a value of no column.
        return Some(Err(Problem {
            value: Some(text),
            ..Problem::new(
                line,
                format!(
                    "a value in column {}, which has no name in the header row",
                    column_letters(col as usize)
                ),
            )
        }));
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
            Err(("the cell holds the error #N/A".to_string(), None))
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
