//! Machine-readable formats, one module each: reading records for `import` and writing them
//! for `list`, `show` and `export`. Text is read and written exactly as it is.

pub mod csv;
pub mod ics;
pub mod ics_read;
pub mod json;
pub mod jsonld;
pub mod ndjson;
pub mod xlsx;

use std::fmt;
use std::io::{self, BufRead};

use crate::model::{AliasRecord, EventRecord, Field, FieldError, ParticipantRecord};

/// Whether a source is a web address (http or https, no white space): what iCalendar's URL,
/// schema.org's `url` and the report's links take.
pub fn is_web_address(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// The longest record (a JSON element, an NDJSON line) an import accepts, so that a file with
/// no line breaks cannot make `events` hold it whole.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// One record read from a file, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Event {
        line: u64,
        record: Box<EventRecord>,
        /// The fields the record cannot hold or leaves out (a JSON object's missing members;
        /// a CSV file's missing columns, and always `participants`): an update keeps what is
        /// stored for them (merge semantics, as RFC 7386).
        absent: Vec<Field>,
    },
    /// Other names of an organization or a person.
    Aliases { line: u64, record: AliasRecord },
    /// A row of a participants CSV: someone who took part in the event `event` (id or key).
    Participant {
        line: u64,
        event: String,
        record: ParticipantRecord,
        /// A calendar's ATTENDEE: added unless its person is a participant of the event
        /// already, whatever the details stored with them (a participants CSV's row is added
        /// unless the very same participation is there).
        by_person: bool,
    },
    /// A record the file holds but that is not imported, and why (a calendar's cancelled
    /// event): said after the import. `key` is the key it would have had.
    Skipped {
        line: u64,
        key: Option<String>,
        what: String,
    },
}

/// Something wrong with the input, pointing at the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line; in a workbook, the row of [`Problem::sheet`] (0: the sheet as a whole).
    pub line: u64,
    /// The worksheet the row is on, for a workbook; `None` for the other formats, whose
    /// problems read `line N: ...`.
    pub sheet: Option<String>,
    /// The field (or column) at fault, when there is one.
    pub field: Option<String>,
    /// The value refused, when it can be shown.
    pub value: Option<String>,
    pub reason: String,
}

impl Problem {
    pub fn new(line: u64, reason: impl Into<String>) -> Problem {
        Problem {
            line,
            sheet: None,
            field: None,
            value: None,
            reason: reason.into(),
        }
    }

    pub fn field(line: u64, field: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.into()),
            ..Problem::new(line, reason)
        }
    }

    pub fn from_field_error(line: u64, e: FieldError) -> Problem {
        Problem {
            line,
            sheet: None,
            field: Some(e.field),
            value: Some(e.value),
            reason: e.reason,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            None => write!(f, "line {}: ", self.line)?,
            Some(sheet) if self.line == 0 => write!(f, "{sheet}: ")?,
            Some(sheet) => write!(f, "{sheet} row {}: ", self.line)?,
        }
        match (&self.field, &self.value) {
            (Some(field), Some(value)) => write!(f, "{field} {value:?}: ")?,
            (Some(field), None) => write!(f, "{field}: ")?,
            _ => {}
        }
        f.write_str(&self.reason)
    }
}

/// What a reader yields: a record, or a problem. After a problem that the reader cannot
/// recover from (broken JSON in an array, an unreadable file) it yields nothing more.
pub type ReadResult = Result<Item, Problem>;

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Json,
    Ndjson,
    Csv,
    Xlsx,
    Ics,
}

impl InputFormat {
    /// The format a file name's extension says, if any.
    pub fn from_extension(path: &std::path::Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(InputFormat::Json),
            "ndjson" | "jsonl" => Some(InputFormat::Ndjson),
            "csv" => Some(InputFormat::Csv),
            "xlsx" => Some(InputFormat::Xlsx),
            "ics" | "ical" => Some(InputFormat::Ics),
            _ => None,
        }
    }
}

/// Reads one line (without its `\n` or `\r\n`) into `buf`, at most `limit` bytes of it; the
/// rest of a longer line is skipped. Returns `None` at the end of input, else whether the line
/// was cut short.
pub(crate) fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, done) = match memchr_newline(available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(too_long))
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Turns a serde error on a record into a problem naming the field it arose in.
pub(crate) fn json_problem(
    line: u64,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> Problem {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let mut reason = inner.to_string();
    // serde_json ends its messages with the position in the record; the line given is the
    // record's own, so the position would only confuse.
    if let Some(at) = reason.rfind(" at line ") {
        reason.truncate(at);
    }
    let reason = reason
        .replace("struct EventRecord", "an event object")
        .replace("struct ParticipantRecord", "a participant object");
    let reason = match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("broken JSON: {reason}")
        }
        _ => reason,
    };
    if path == "." || path == "?" || path.is_empty() {
        Problem::new(line, reason)
    } else {
        Problem::field(line, path, reason)
    }
}

/// The fields of an event record, as JSON names them ([`Field::ALL`]'s names).
pub const EVENT_FIELDS: [&str; 17] = {
    let mut names = [""; 17];
    let mut i = 0;
    while i < names.len() {
        names[i] = Field::ALL[i].as_str();
        i += 1;
    }
    names
};

fn broken(line: u64, e: serde_json::Error) -> Problem {
    let mut reason = e.to_string();
    if let Some(at) = reason.rfind(" at line ") {
        reason.truncate(at);
    }
    Problem::new(line, format!("broken JSON: {reason}"))
}

/// Says that a problem is one of an alias record, and what such a record looks like.
fn alias_problem(mut problem: Problem) -> Problem {
    problem.reason = format!(
        "{} (in an alias record, {{\"organization\" or \"person\": NAME, \"aliases\": [NAME, ...]}})",
        problem
            .reason
            .replace("struct AliasRecord", "an alias record")
    );
    problem
}

/// The names of the members of the JSON object `bytes` (known to be valid JSON), in order;
/// nested objects' members are not included.
fn top_level_keys(bytes: &[u8]) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0u32;
    let mut i = 0;
    // The last string that ended at depth 1: a key if a `:` follows.
    let mut candidate: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 {
                    candidate = Some((start, i.min(bytes.len() - 1)));
                }
            }
            b':' if depth == 1 => {
                if let Some((start, end)) = candidate.take() {
                    let raw = &bytes[start..=end];
                    let key = if raw.contains(&b'\\') {
                        serde_json::from_slice::<String>(raw).unwrap_or_default()
                    } else {
                        String::from_utf8_lossy(&raw[1..raw.len() - 1]).into_owned()
                    };
                    keys.push(key);
                }
            }
            b'{' | b'[' => {
                depth += 1;
                candidate = None;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => candidate = None,
            _ => {}
        }
        i += 1;
    }
    keys
}

/// Reads a `T` from `bytes` through `de`, a deserializer of them: first as it is, then, only
/// if that fails, again from the start keeping track of where it is, for the path of what is
/// wrong (`participants[2].name`). Tracking every key read was a third of the time an import
/// spends reading records, nearly all of which are well formed.
fn deserialize_tracked<'de, T: serde::Deserialize<'de>>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    bytes: &'de [u8],
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    match T::deserialize(&mut *de) {
        Ok(value) => Ok(value),
        Err(_) => {
            *de = serde_json::Deserializer::from_slice(bytes);
            serde_path_to_error::deserialize(&mut *de)
        }
    }
}

/// Parses one JSON object into an event record (or an alias record).
pub(crate) fn parse_event(line: u64, bytes: &[u8]) -> ReadResult {
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = line
            + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
        return Err(Problem::new(at, "invalid UTF-8"));
    }
    // serde would take an array for an event, its fields by position.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Problem::new(
            line,
            "expected an event object, {\"title\": ...}",
        ));
    }
    let keys = top_level_keys(bytes);
    let has = |name: &str| keys.iter().any(|k| k == name);
    // An alias record (which export writes after the events) names an organization or a
    // person, which no event does, with aliases or nothing of an event beside; or it has
    // aliases and nothing of an event. Then it is read as one, and what is wrong with it is
    // said of an alias record. (An event with a stray `organization` stays an event, whose
    // unknown field that is.)
    let event_like = keys.iter().any(|k| EVENT_FIELDS.contains(&k.as_str()));
    let names_one = has("organization") || has("person");
    let alias_like =
        (names_one && has("aliases")) || ((names_one || has("aliases")) && !event_like);
    if alias_like {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let record: AliasRecord = deserialize_tracked(&mut de, bytes)
            .map_err(|e| alias_problem(json_problem(line, e)))?;
        de.end().map_err(|e| broken(line, e))?;
        // Said here, where `null` and a field left out are still told apart: serde reads
        // both as `None` (and a missing `aliases` as none).
        let missing = if record.organization.is_none() && record.person.is_none() {
            Some(match (has("organization"), has("person")) {
                (true, _) => ("organization", "is null"),
                (false, true) => ("person", "is null"),
                (false, false) => ("organization", "is missing"),
            })
        } else if !has("aliases") {
            Some(("aliases", "is missing"))
        } else {
            None
        };
        if let Some((field, what)) = missing {
            return Err(alias_problem(Problem::field(
                line,
                field,
                format!("{what}; an alias record gives a name and its other names"),
            )));
        }
        return Ok(Item::Aliases { line, record });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let record: EventRecord =
        deserialize_tracked(&mut de, bytes).map_err(|e| json_problem(line, e))?;
    de.end().map_err(|e| broken(line, e))?;
    // Merge semantics (RFC 7386): a field left out keeps what is stored; `null` clears it.
    let absent = Field::ALL
        .into_iter()
        .filter(|field| *field != Field::Id && !has(field.as_str()))
        .collect();
    Ok(Item::Event {
        line,
        record: Box::new(record),
        absent,
    })
}

/// `event "key"` (else its title): an event named in a warning.
pub fn event_named(e: &crate::model::Event) -> String {
    format!("event {:?}", e.key.as_ref().unwrap_or(&e.title))
}

/// What to tell a user about the records written whose list items (or aliases) hold the
/// list separator `;`, which a reader of the file takes for two items: `split` names them
/// (`event "key"`), `reads` says who reads them back ("CSV reads back").
pub fn split_items_warning(split: &[String], reads: &str) -> Option<String> {
    let first = split.first()?;
    let more = match split.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "warning: a list item holds a `;`, which {reads} as two items ({first}{more}); use \
         --format json or ndjson to keep it whole"
    ))
}

#[cfg(test)]
mod robustness {
    //! Whatever bytes arrive, the readers end with records or problems, never a panic.

    use proptest::prelude::*;

    use super::{csv, ics_read, json, ndjson};

    /// Bytes that look a little like our formats, and some that do not at all.
    fn input() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"{\"title\": \"T\", \"start\": \"2021-01-01\"}".to_vec()),
            Just(b"[".to_vec()),
            Just(b"]".to_vec()),
            Just(b"{".to_vec()),
            Just(b"}".to_vec()),
            Just(b",".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\\".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"title,start\n".to_vec()),
            Just(b"event,name\n".to_vec()),
            Just(b"\xff\xfe".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\"aliases\"".to_vec()),
            Just(b"BEGIN:VCALENDAR\r\n".to_vec()),
            Just(b"BEGIN:VEVENT\n".to_vec()),
            Just(b"END:VEVENT\n".to_vec()),
            Just(b"END:VCALENDAR\n".to_vec()),
            Just(b"DTSTART;TZID=Asia/Tashkent:20210316T233000\n".to_vec()),
            Just(b"DTSTART;VALUE=DATE:20210316\n".to_vec()),
            Just(b"DTEND:20210317T010000Z\n".to_vec()),
            Just(b"DURATION:P1DT2H\n".to_vec()),
            Just(b"SUMMARY:T\n".to_vec()),
            Just(b"CATEGORIES:a\\,b,c\n".to_vec()),
            Just(b"ATTENDEE;CN=\"A, B\";ROLE=CHAIR:mailto:a@b\n".to_vec()),
            Just(b"BEGIN:VTIMEZONE\nTZID:X\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETTO:+0500\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:STANDARD\nEND:VTIMEZONE\n".to_vec()),
            Just(b" ".to_vec()),
            prop::collection::vec(any::<u8>(), 0..20),
        ];
        prop::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn readers_never_panic(bytes in input()) {
            let n = bytes.len() + 2;
            prop_assert!(ndjson::Reader::new(&bytes[..]).take(n).count() <= n);
            prop_assert!(json::ArrayReader::new(&bytes[..]).take(n).count() <= n);
            prop_assert!(csv::Reader::new(&bytes[..]).take(n).count() <= n);
            prop_assert!(ics_read::Reader::new(&bytes[..]).take(n).count() <= n);
        }

        #[test]
        fn dates_and_searches_never_panic(text in "\\\\PC{0,12}|[0-9-]{0,12}") {
            let _ = crate::dates::parse_date(&text);
            let _ = crate::dates::parse_period(&text);
            let _ = crate::model::search_query(&text);
        }
    }

    #[test]
    fn the_members_of_an_object_are_its_own_not_its_childrens() {
        let keys = super::top_level_keys(
            br#"{"key": "a:b", "participants": [{"name": "x", "role": null}],
                "title": "T", "tags": ["k:", {"x": 1}], "end" : null}"#,
        );
        assert_eq!(keys, ["key", "participants", "title", "tags", "end"]);
        assert_eq!(super::top_level_keys(b"{}"), Vec::<String>::new());
    }

    #[test]
    fn a_huge_line_is_a_problem_not_a_crash() {
        let mut bytes = b"{\"title\": \"".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', super::MAX_RECORD_BYTES + 10));
        bytes.extend_from_slice(b"\"}\n{\"title\": \"B\", \"start\": \"2021-01-01\"}\n");
        let items: Vec<_> = ndjson::Reader::new(&bytes[..]).collect();
        assert_eq!(items.len(), 2);
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("longer than 16 MiB")
        );
        assert!(items[1].is_ok());
    }
}
