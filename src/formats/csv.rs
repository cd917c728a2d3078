//! CSV: one row per event, columns named as the JSON fields, list fields joined with `; `;
//! or, when the header has `event` and `name` columns, one row per participant.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
//! a carriage return) are written with a `'` in front, and the reader takes that `'` off
//! again, so a CSV round trip gives the text back exactly. (A cell that already starts with
//! `'` before such a character gets one more `'`, for the same reason.)

use std::borrow::Cow;
use std::io::{BufRead, Read, Write};

use anyhow::Result;

use super::{Item, MAX_RECORD_BYTES, Problem, ReadResult};
use crate::dates::iso;
use crate::model::{Event, EventRecord, Field, ParticipantRecord};

/// The columns of an event row, in order: the fields of an event record but its participants,
/// which a row cannot hold.
pub const EVENT_COLUMNS: &[&str] = match super::EVENT_FIELDS.split_last() {
    // Checked by a test: the last field is `participants`.
    Some((_, columns)) => columns,
    None => &[],
};

/// The columns of a participant row; `event` and `name` are required. `head` says whether
/// they headed their organization's delegation (see [`parse_flag`]).
pub const PARTICIPANT_COLUMNS: [&str; 8] = [
    "event",
    "name",
    "organization",
    "position",
    "role",
    "session",
    "contribution",
    "head",
];

/// A yes-or-no cell: true/false, yes/no, 1/0, in any case and spacing; empty is no. `None`
/// for anything else.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" | "" => Some(false),
        _ => None,
    }
}

const LIST_SEPARATOR: &str = "; ";

/// The columns that hold lists, each item guarded on its own.
const LIST_COLUMNS: [&str; 4] = ["tags", "organizers", "partners", "sessions"];

fn starts_like_formula(text: &str) -> bool {
    let rest = text.trim_start_matches('\'');
    matches!(
        rest.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// A cell as written: formulas neutralized with a leading `'`.
pub fn guard(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell as read: the `'` that [`guard`] adds is taken off.
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => text,
    }
}

/// Writes event rows, one [`Event`] at a time, after a header row.
pub struct EventWriter<W: Write> {
    writer: csv::Writer<W>,
    /// Whether cells that a spreadsheet would run as formulas get a leading `'`.
    guarded: bool,
    /// The keys of the events written with a list item holding the list separator `;`,
    /// which a reader of the file takes for two items.
    split: Vec<String>,
}

impl<W: Write> EventWriter<W> {
    /// `guarded`: neutralize formulas (the default everywhere); `false` writes text exactly.
    pub fn new(out: W, guarded: bool) -> Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(EVENT_COLUMNS)?;
        Ok(EventWriter {
            writer,
            guarded,
            split: Vec::new(),
        })
    }

    /// The events written so far (`event "key"`) whose list items (tags, organizers,
    /// partners, sessions) hold a `;`: reading the file back splits those items.
    pub fn split_items(&self) -> &[String] {
        &self.split
    }

    pub fn write(&mut self, e: &Event) -> Result<()> {
        let guarded = self.guarded;
        let cell = move |text: &str| -> String {
            if guarded {
                guard(text).into_owned()
            } else {
                text.to_string()
            }
        };
        let opt = |v: &Option<String>| v.as_deref().map(cell).unwrap_or_default();
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|i| cell(i)).collect();
            items.join(LIST_SEPARATOR)
        };
        let lists = [&e.tags, &e.organizers, &e.partners, &e.sessions];
        if lists
            .iter()
            .any(|l| l.iter().any(|item| item.contains(';')))
        {
            self.split.push(super::event_named(e));
        }
        self.writer.write_record([
            e.id.to_string(),
            opt(&e.key),
            cell(&e.title),
            opt(&e.kind),
            iso(e.start),
            iso(e.end),
            e.mode.map(|m| m.as_str().to_string()).unwrap_or_default(),
            opt(&e.location),
            opt(&e.region),
            opt(&e.project),
            opt(&e.description),
            opt(&e.source),
            list(&e.tags),
            list(&e.organizers),
            list(&e.partners),
            list(&e.sessions),
        ])?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// Writes any table of text as CSV: a header, then the rows, every cell guarded.
pub fn write_table<'a>(
    out: &mut impl Write,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cow<'a, str>>>,
) -> Result<()> {
    let mut writer = TableWriter::new(out, header)?;
    for row in rows {
        writer.write(&row)?;
    }
    writer.finish()
}

/// [`write_table`] a row at a time.
pub struct TableWriter<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, header: &[&str]) -> Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(header)?;
        Ok(TableWriter { writer })
    }

    pub fn write(&mut self, row: &[Cow<'_, str>]) -> Result<()> {
        for cell in row {
            self.writer.write_field(guard(cell).as_bytes())?;
        }
        // Ends the record.
        self.writer.write_record(std::iter::empty::<&[u8]>())?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// What the rows of a table hold: events, or participants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Kind {
    #[default]
    Events,
    Participants,
}

/// The columns of a table of records (a CSV file's header, a worksheet's first row) and how
/// a row of text under them becomes a record: the one set of column rules that the CSV reader
/// and the workbook reader ([`super::xlsx`]) share.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// The column each cell of a row belongs to: trimmed, lowercase.
    columns: Vec<String>,
    kind: Kind,
    /// The event fields the table has no column for.
    absent: Vec<Field>,
    /// Whether cells may carry the `'` that [`guard`] adds, to be taken off (CSV); a
    /// workbook's cells are typed text, read exactly.
    guarded: bool,
}

impl Table {
    /// Reads a header row. `kind`: what the rows hold, or `None` to tell it from the columns
    /// (`event` and `name`: participants). `informative`: columns known but not read (a
    /// worksheet's participant rows name the event's title and start beside its key).
    pub(crate) fn new(
        line: u64,
        names: &[&str],
        kind: Option<Kind>,
        informative: &[&str],
        guarded: bool,
    ) -> Result<Table, Vec<Problem>> {
        let columns: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
        let has = |name: &str| columns.iter().any(|c| c == name);
        let kind = kind.unwrap_or(if has("event") && has("name") {
            Kind::Participants
        } else {
            Kind::Events
        });
        let (known, required): (&[&str], &[&str]) = match kind {
            Kind::Events => (EVENT_COLUMNS, &["title", "start"]),
            Kind::Participants => (&PARTICIPANT_COLUMNS, &["event", "name"]),
        };
        let mut problems = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            let column_str = column.as_str();
            if !known.contains(&column_str) && !informative.contains(&column_str) {
                let mut expected = known.to_vec();
                expected.extend_from_slice(informative);
                problems.push(Problem::field(
                    line,
                    column.clone(),
                    format!("unknown column; expected some of: {}", expected.join(", ")),
                ));
            } else if columns[..i].contains(column) {
                problems.push(Problem::field(
                    line,
                    column.clone(),
                    "the column appears twice",
                ));
            }
        }
        for column in required {
            if !has(column) {
                problems.push(Problem::field(
                    line,
                    *column,
                    "a required column is missing",
                ));
            }
        }
        // A row never holds participants; an update keeps them, and any field the table
        // has no column for.
        let absent = Field::ALL
            .into_iter()
            .filter(|f| {
                *f != Field::Id
                    && (*f == Field::Participants || !columns.iter().any(|have| have == f.as_str()))
            })
            .collect();
        if problems.is_empty() {
            Ok(Table {
                columns,
                kind,
                absent,
                guarded,
            })
        } else {
            Err(problems)
        }
    }

    /// The columns, trimmed and lowercase, in the table's order.
    pub(crate) fn columns(&self) -> &[String] {
        &self.columns
    }

    /// That a row has as many cells as the header.
    fn check_width(&self, line: u64, cells: usize) -> Result<(), Problem> {
        if cells != self.columns.len() {
            return Err(Problem::new(
                line,
                format!(
                    "the row has {cells} cells, the header {}",
                    self.columns.len()
                ),
            ));
        }
        Ok(())
    }

    /// Turns one row, a cell of text per column, into a record.
    pub(crate) fn convert(&self, line: u64, row: &[&str]) -> ReadResult {
        self.check_width(line, row.len())?;
        let guarded = self.guarded;
        fn maybe_unguard(guarded: bool, text: &str) -> &str {
            if guarded { unguard(text) } else { text }
        }
        let mut cells = Vec::with_capacity(self.columns.len());
        for (column, &text) in self.columns.iter().zip(row) {
            // List cells are unguarded item by item, below.
            if LIST_COLUMNS.contains(&column.as_str()) {
                cells.push((column.as_str(), text));
            } else {
                cells.push((column.as_str(), maybe_unguard(guarded, text)));
            }
        }
        let text = |value: &str| (!value.is_empty()).then(|| value.to_string());
        let list = |value: &str| -> Vec<String> {
            value
                .split(';')
                .map(|item| maybe_unguard(guarded, item.trim()).to_string())
                .filter(|item| !item.is_empty())
                .collect()
        };
        match self.kind {
            Kind::Events => {
                let mut record = EventRecord::default();
                for (column, value) in cells {
                    match column {
                        "id" if !value.trim().is_empty() => match value.trim().parse() {
                            Ok(id) => record.id = Some(id),
                            Err(_) => {
                                return Err(Problem {
                                    value: Some(value.to_string()),
                                    ..Problem::field(line, "id", "expected a whole number")
                                });
                            }
                        },
                        "key" => record.key = text(value),
                        "title" => record.title = value.to_string(),
                        "kind" => record.kind = text(value),
                        "start" => record.start = value.to_string(),
                        "end" => record.end = text(value),
                        "mode" => record.mode = text(value),
                        "location" => record.location = text(value),
                        "region" => record.region = text(value),
                        "project" => record.project = text(value),
                        "description" => record.description = text(value),
                        "source" => record.source = text(value),
                        "tags" => record.tags = list(value),
                        "organizers" => record.organizers = list(value),
                        "partners" => record.partners = list(value),
                        "sessions" => record.sessions = list(value),
                        _ => {}
                    }
                }
                Ok(Item::Event {
                    line,
                    record: Box::new(record),
                    absent: self.absent.clone(),
                })
            }
            Kind::Participants => {
                let mut event = String::new();
                let mut record = ParticipantRecord::default();
                for (column, value) in cells {
                    match column {
                        "event" => event = value.trim().to_string(),
                        "name" => record.name = value.to_string(),
                        "organization" => record.organization = text(value),
                        "position" => record.position = text(value),
                        "role" => record.role = text(value),
                        "session" => record.session = text(value),
                        "contribution" => record.contribution = text(value),
                        "head" => match parse_flag(value) {
                            Some(head) => record.head = head,
                            None => {
                                return Err(Problem {
                                    value: Some(value.to_string()),
                                    ..Problem::field(
                                        line,
                                        "head",
                                        "expected true or false (yes/no, 1/0; empty is false)",
                                    )
                                });
                            }
                        },
                        _ => {}
                    }
                }
                if event.is_empty() {
                    return Err(Problem::field(line, "event", "must not be empty"));
                }
                Ok(Item::Participant {
                    line,
                    event,
                    record,
                    by_person: false,
                })
            }
        }
    }
}

/// Reads event rows or participant rows, whichever the header says, one row at a time.
///
/// Rows are split by hand rather than by the csv crate, whose line numbers drift on blank
/// lines and `\r\n` endings: a problem must point at the right line.
pub struct Reader<R: BufRead> {
    input: R,
    /// The last line read, from 1.
    line: u64,
    /// The bytes of the row being read, and its cells.
    buf: Vec<u8>,
    row: Vec<Vec<u8>>,
    /// The header's columns and what its rows become.
    table: Table,
    /// Problems with the header, reported before anything else.
    pending: Vec<Problem>,
    /// What is wrong with the row just read, if its cells could not be told apart.
    bad_row: Option<Problem>,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        let mut reader = Reader {
            input,
            line: 0,
            buf: Vec::new(),
            row: Vec::new(),
            table: Table::default(),
            pending: Vec::new(),
            bad_row: None,
            done: false,
        };
        if let Err(problems) = reader.read_header() {
            reader.pending = problems;
            reader.pending.reverse(); // popped from the end
            reader.done = true;
        }
        reader
    }

    /// Reads the next row that is not blank into `row`; returns the line it starts on, or
    /// `None` at the end of the input. A quoted cell may span lines.
    fn read_row(&mut self) -> Result<Option<u64>, Problem> {
        loop {
            self.buf.clear();
            let start = self.line + 1;
            let mut quotes = QuoteState::default();
            loop {
                let before = self.buf.len();
                let read = read_physical_line(&mut self.input, &mut self.buf)
                    .map_err(|e| Problem::new(start, format!("cannot read: {e}")))?;
                if read == 0 {
                    break;
                }
                self.line += 1;
                if self.buf.len() > MAX_RECORD_BYTES {
                    return Err(Problem::new(
                        start,
                        format!("the row is longer than {} MiB", MAX_RECORD_BYTES >> 20),
                    ));
                }
                quotes.scan(&self.buf[before..]);
                if !quotes.in_quotes {
                    break;
                }
            }
            let in_quotes = quotes.in_quotes;
            if self.buf.is_empty() {
                return Ok(None);
            }
            if in_quotes {
                return Err(Problem::new(
                    start,
                    "broken CSV: a quoted cell is not closed before the end of the input",
                ));
            }
            let mut end = self.buf.len();
            if self.buf[..end].ends_with(b"\n") {
                end -= 1;
            }
            if self.buf[..end].ends_with(b"\r") {
                end -= 1;
            }
            if end == 0 {
                continue; // a blank line
            }
            if let Err(BadQuote { at, cell }) = split_cells(&self.buf[..end], &mut self.row) {
                // The line the stray text is on: a quoted cell may have spanned lines.
                let line = start + self.buf[..at].iter().filter(|&&b| b == b'\n').count() as u64;
                let reason = "broken CSV: text after the closing quote of a quoted cell; \
                              a quote inside a quoted cell is written twice, as \"\"";
                // `"title";"start"`: a header quoted and separated by semicolons.
                if self.table.columns.is_empty()
                    && let Ok(header) = std::str::from_utf8(&self.buf[..end])
                    && let Some(hint) = separator_hint(header)
                {
                    self.bad_row = Some(Problem::new(start, hint));
                    return Ok(Some(start));
                }
                // The row's end is known: the rows after it are read on.
                self.bad_row = Some(match self.table.columns.get(cell) {
                    Some(column) => Problem::field(line, column.clone(), reason),
                    None => Problem::new(line, reason),
                });
            }
            return Ok(Some(start));
        }
    }

    fn read_header(&mut self) -> Result<(), Vec<Problem>> {
        match self.read_row() {
            Ok(Some(_)) => {
                if let Some(problem) = self.bad_row.take() {
                    return Err(vec![problem]);
                }
            }
            Ok(None) => {
                self.done = true; // empty input: no records
                return Ok(());
            }
            Err(problem) => return Err(vec![problem]),
        }
        let line = self.line;
        let mut columns = Vec::with_capacity(self.row.len());
        for (i, cell) in self.row.iter().enumerate() {
            let cell = if i == 0 {
                cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
            } else {
                cell
            };
            match std::str::from_utf8(cell) {
                Ok(name) => columns.push(name.trim().to_lowercase()),
                Err(_) => return Err(vec![Problem::new(line, "invalid UTF-8 in the header")]),
            }
        }
        if let [column] = columns.as_slice()
            && let Some(hint) = separator_hint(column)
        {
            return Err(vec![Problem::new(line, hint)]);
        }
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        self.table = Table::new(line, &names, None, &[], true)?;
        Ok(())
    }

    fn convert(&self, line: u64) -> ReadResult {
        self.table.check_width(line, self.row.len())?;
        let mut cells = Vec::with_capacity(self.row.len());
        for (column, cell) in self.table.columns.iter().zip(self.row.iter()) {
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push(text),
                Err(_) => return Err(Problem::field(line, column.clone(), "invalid UTF-8")),
            }
        }
        self.table.convert(line, &cells)
    }
}

/// Where a row's reading stands: inside a quoted cell or not, and at the start of a cell or
/// not (a `"` opens a quoted cell only there; elsewhere it is just a character).
struct QuoteState {
    in_quotes: bool,
    at_cell_start: bool,
    /// Inside quotes, a `"` just seen: the end of the cell, unless another `"` follows.
    quote_pending: bool,
}

impl Default for QuoteState {
    fn default() -> Self {
        QuoteState {
            in_quotes: false,
            at_cell_start: true,
            quote_pending: false,
        }
    }
}

impl QuoteState {
    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_quotes {
                if self.quote_pending {
                    self.quote_pending = false;
                    if b == b'"' {
                        continue; // "" is a quote inside the cell
                    }
                    self.in_quotes = false;
                } else {
                    if b == b'"' {
                        self.quote_pending = true;
                    }
                    continue;
                }
            }
            match b {
                b'"' if self.at_cell_start => {
                    self.in_quotes = true;
                    self.at_cell_start = false;
                }
                b',' | b'\n' => self.at_cell_start = true,
                b'\r' => {}
                _ => self.at_cell_start = false,
            }
        }
        // A quote that ends the input's last line closes its cell.
        if self.quote_pending && bytes.last() != Some(&b'"') {
            self.quote_pending = false;
            self.in_quotes = false;
        }
    }
}

/// Appends one line, with its `\n`, to `buf`; returns the number of bytes read.
fn read_physical_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let limit = (MAX_RECORD_BYTES + 2) as u64;
    let mut limited = input.take(limit.saturating_sub(buf.len() as u64));
    limited.read_until(b'\n', buf)
}

/// A header read as one column that holds known column names between `;` (as spreadsheets
/// set to some languages save "CSV") or tabs: what to say instead of "unknown column".
fn separator_hint(column: &str) -> Option<String> {
    let (separator, name) = [(';', "semicolons"), ('\t', "tabs")]
        .into_iter()
        .find(|(c, _)| column.contains(*c))?;
    let known = column.split(separator).any(|name| {
        let name = name.trim().trim_matches('"').trim().to_lowercase();
        let name = name.as_str();
        EVENT_COLUMNS.contains(&name) || PARTICIPANT_COLUMNS.contains(&name)
    });
    (known && !column.contains(',')).then(|| {
        let column = column.trim_start_matches('\u{feff}');
        format!(
            "the header {column:?} has no comma: the file seems separated by {name}; \
             events reads comma-separated CSV: save it as CSV with commas \
             (in a spreadsheet: \"CSV (comma delimited)\")"
        )
    })
}

/// Text after the closing quote of a quoted cell (`"Seminar "Security" 2021"`): where it
/// starts in the row, and in which cell.
struct BadQuote {
    at: usize,
    cell: usize,
}

/// Splits one row into its cells (RFC 4180: `"` quotes a cell, `""` inside it is a `"`).
/// Like most readers, it takes stray quotes in an unquoted cell as they are; but a quoted cell
/// must end at its closing quote: anything between that quote and the next comma means a
/// quote inside the cell was not doubled, and taking the text as it comes would alter it
/// silently (the csv crate and spreadsheets each guess differently).
fn split_cells(row: &[u8], cells: &mut Vec<Vec<u8>>) -> Result<(), BadQuote> {
    cells.clear();
    let mut i = 0;
    loop {
        let mut cell = Vec::new();
        if row.get(i) == Some(&b'"') {
            i += 1;
            while i < row.len() {
                if row[i] == b'"' {
                    if row.get(i + 1) == Some(&b'"') {
                        cell.push(b'"');
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else {
                    cell.push(row[i]);
                    i += 1;
                }
            }
            if i < row.len() && row[i] != b',' {
                return Err(BadQuote {
                    at: i,
                    cell: cells.len(),
                });
            }
        }
        while i < row.len() && row[i] != b',' {
            cell.push(row[i]);
            i += 1;
        }
        cells.push(cell);
        if i >= row.len() {
            return Ok(());
        }
        i += 1; // the comma
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        if let Some(problem) = self.pending.pop() {
            return Some(Err(problem));
        }
        if self.done {
            return None;
        }
        match self.read_row() {
            Ok(Some(line)) => Some(match self.bad_row.take() {
                Some(problem) => Err(problem),
                None => self.convert(line),
            }),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(problem) => {
                self.done = true;
                Some(Err(problem))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_columns_are_the_fields_but_participants() {
        assert_eq!(super::super::EVENT_FIELDS.last(), Some(&"participants"));
        assert_eq!(EVENT_COLUMNS.len(), super::super::EVENT_FIELDS.len() - 1);
    }

    #[test]
    fn guard_and_unguard_are_inverse() {
        for text in [
            "=SUM(A1)", "+1", "-x", "@a", "\tx", "\rx", "'=x", "''@", "'plain", "plain", "",
        ] {
            assert_eq!(unguard(&guard(text)), text, "{text:?}");
        }
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("plain"), "plain");
    }

    #[test]
    fn event_rows() {
        let input = "title,start,end,tags,organizers,id\r\nSeminar,2021-03-16,2021-03-18,a; b;,'=X; Y,7\r\n\r\nOther,2021-04-01,,,,\r\n";
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        assert_eq!(items.len(), 2);
        let Ok(Item::Event { line, record, .. }) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(*line, 2);
        assert_eq!(record.tags, ["a", "b"]);
        assert_eq!(record.organizers, ["=X", "Y"]);
        assert_eq!(record.id, Some(7));
        let Ok(Item::Event { line, record, .. }) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!((*line, record.end.as_deref()), (4, None));
    }

    #[test]
    fn quoted_cells_span_lines_and_keep_their_bytes() {
        let input = "title,start,description\n\"A, \"\"quoted\"\"\",2021-01-01,\"one\r\ntwo\n\"\n\nB,2021-01-02,\n";
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        let Ok(Item::Event {
            line: 2, record, ..
        }) = &items[0]
        else {
            panic!("{items:?}")
        };
        assert_eq!(record.title, "A, \"quoted\"");
        assert_eq!(record.description.as_deref(), Some("one\r\ntwo\n"));
        assert!(
            matches!(&items[1], Ok(Item::Event { line: 6, .. })),
            "{items:?}"
        );
    }

    #[test]
    fn a_stray_quote_inside_a_cell_is_just_a_character() {
        let input = "title,start\nthe \"best\" seminar,2021-01-01\nB,2021-01-02\n";
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        assert_eq!(items.len(), 2, "{items:?}");
        let Ok(Item::Event { record, .. }) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(record.title, "the \"best\" seminar");
    }

    #[test]
    fn an_unclosed_quote_is_a_problem() {
        let items: Vec<_> =
            Reader::new("title,start\n\"A,2021-01-01\nB,2021\n".as_bytes()).collect();
        assert_eq!(
            items,
            [Err(Problem::new(
                2,
                "broken CSV: a quoted cell is not closed before the end of the input"
            ))]
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_a_problem() {
        let input =
            "title,start\nA,2021-01-01\n\"Seminar \"Security\" 2021\",2021-01-02\n\"x\ny\"z,2021\n";
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        assert!(items[0].is_ok(), "{items:?}");
        let e = items[1].clone().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (3, Some("title")));
        assert!(
            e.reason
                .starts_with("broken CSV: text after the closing quote")
        );
        let e = items[2].clone().unwrap_err();
        assert_eq!(e.line, 5, "the line the stray text is on");
    }

    #[test]
    fn a_semicolon_separated_file_gets_a_hint() {
        for header in ["title;start", "\"Title\";\"Start\"", "\u{feff}event;name"] {
            let input = format!("{header}\nA;2021-01-01\n");
            let items: Vec<_> = Reader::new(input.as_bytes()).collect();
            assert_eq!(items.len(), 1, "{items:?}");
            let e = items[0].clone().unwrap_err();
            assert!(e.reason.contains("separated by semicolons"), "{e}");
        }
        let items: Vec<_> = Reader::new("titel;x\n".as_bytes()).collect();
        assert!(
            items[0]
                .clone()
                .unwrap_err()
                .reason
                .starts_with("unknown column")
        );
    }

    #[test]
    fn participant_rows() {
        let input = "event,name,role\nrats-2021,V. V. Barchuk,head of delegation\n,Nobody,\n";
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        assert!(
            matches!(&items[0], Ok(Item::Participant { line: 2, event, .. }) if event == "rats-2021")
        );
        assert_eq!(
            items[1],
            Err(Problem::field(3, "event", "must not be empty"))
        );
    }

    #[test]
    fn header_problems() {
        let items: Vec<_> = Reader::new("titel,start\nx,2021-01-01\n".as_bytes()).collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(
            items[0].clone().unwrap_err().field.as_deref(),
            Some("titel")
        );
        assert_eq!(
            items[1].clone().unwrap_err().field.as_deref(),
            Some("title")
        );
    }

    #[test]
    fn ragged_rows_and_bad_bytes() {
        let input = b"title,start\nA,2021-01-01,extra\nB\xff,2021-01-01\n";
        let items: Vec<_> = Reader::new(&input[..]).collect();
        assert_eq!(
            items[0],
            Err(Problem::new(2, "the row has 3 cells, the header 2"))
        );
        assert_eq!(items[1], Err(Problem::field(3, "title", "invalid UTF-8")));
    }

    #[test]
    fn flags() {
        for yes in ["true", "YES", " 1 ", "True"] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["false", "No", "0", "", "  "] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        for neither in ["y", "maybe", "2", "oui"] {
            assert_eq!(parse_flag(neither), None, "{neither}");
        }
    }
}
