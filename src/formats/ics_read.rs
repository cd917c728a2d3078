//! Reading iCalendar (RFC 5545) for `import`: each VEVENT becomes an event record.
//!
//! The structure of the file (its lines, their unfolding, BEGIN/END) is followed here, so
//! that every problem names the physical line its VEVENT or property starts on; each content
//! line is read by the `icalendar` crate's parser (names, parameters and their quoting,
//! TEXT unescaping).
//!
//! What a VEVENT gives: SUMMARY the title, DESCRIPTION, LOCATION, URL the source, every
//! CATEGORIES the tags, UID the key ([`key_of_uid`]). ATTENDEEs with a name ([`attendees`])
//! are participants to add, yielded after all the events as a participants file's rows are,
//! each added unless its person is a participant of the event already: a calendar never
//! removes or changes a participant. A property the VEVENT leaves out is a field the record
//! leaves out: an update keeps what is stored for it. Of several VEVENTs of the file with one
//! UID, the latest version only is read ([`superseded`]). The dates are those of the event's own time zone
//! ([`Zone`]); an end is exclusive (an all-day DTEND is the day after the last; a timed end at
//! midnight ends the day before). Recurring events are refused, cancelled ones skipped.

use std::io::Read;

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset as _, TimeZone,
    Utc, Weekday,
};

use super::{Item, Problem, ReadResult};
use crate::model::{EventRecord, Field, ParticipantRecord, key_problem, name_key};

/// Reads a calendar whole (calendars are small, and a VTIMEZONE or X-WR-TIMEZONE may come
/// after the events that use it), then yields its events and problems in file order.
pub struct Reader<R: Read> {
    input: Option<R>,
    items: std::vec::IntoIter<ReadResult>,
}

impl<R: Read> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input: Some(input),
            items: Vec::new().into_iter(),
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        if let Some(mut input) = self.input.take() {
            let mut bytes = Vec::new();
            self.items = match input.read_to_end(&mut bytes) {
                Ok(_) => read_calendar(&bytes),
                Err(e) => vec![Err(Problem::new(1, format!("cannot read the input: {e}")))],
            }
            .into_iter();
        }
        self.items.next()
    }
}

/// A content line, unfolded, with the physical line it starts on.
#[derive(Debug, Clone)]
struct Line {
    number: u64,
    text: String,
}

/// A component (VCALENDAR, VEVENT, VTIMEZONE, STANDARD...) and what it holds.
#[derive(Debug, Default)]
struct Block {
    name: String,
    line: u64,
    lines: Vec<Line>,
    children: Vec<Block>,
}

/// A property read by the parser: its name upper-cased, its value (TEXT unescaped, except
/// CATEGORIES, a list), its parameters (names upper-cased).
#[derive(Debug, Clone)]
struct Prop {
    line: u64,
    name: String,
    value: String,
    params: Vec<(String, String)>,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn problem(&self, reason: impl Into<String>) -> Problem {
        Problem {
            value: Some(shown(&self.value)),
            ..Problem::field(self.line, self.name.clone(), reason)
        }
    }
}

/// A value as a problem quotes it: the first 200 characters of a longer one.
fn shown(value: &str) -> String {
    match value.char_indices().nth(200) {
        None => value.to_string(),
        Some((at, _)) => format!("{}...", &value[..at]),
    }
}

fn read_calendar(bytes: &[u8]) -> Vec<ReadResult> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            return vec![Err(Problem::new(
                line,
                "invalid UTF-8; an iCalendar file is UTF-8",
            ))];
        }
    };
    let calendars = match structure(text) {
        Ok(calendars) => calendars,
        Err(problem) => return vec![Err(problem)],
    };
    // Every VEVENT of the file, with the calendar it is in; of several with one UID (and no
    // RECURRENCE-ID: an update of the same event, sent again), the latest version only.
    let mut vevents: Vec<(usize, &Block)> = Vec::new();
    for (at, calendar) in calendars.iter().enumerate() {
        for block in calendar.children.iter().filter(|b| b.name == "VEVENT") {
            vevents.push((at, block));
        }
    }
    let superseded = superseded(&vevents);
    let mut out = Vec::new();
    // Attendees come after all the events, as a workbook's participants after its events:
    // each is added to an event written before it.
    let mut attendees = Vec::new();
    let zones: Vec<Zones> = calendars.iter().map(Zones::of).collect();
    for (at, calendar) in calendars.iter().enumerate() {
        // A cancellation sent by mail (METHOD:CANCEL) cancels every event it holds.
        let (props, _) = read_props(calendar);
        let cancel = props
            .iter()
            .any(|p| p.name == "METHOD" && p.value.trim().eq_ignore_ascii_case("CANCEL"));
        for (_, block) in vevents.iter().filter(|(c, _)| *c == at) {
            if let Some(what) = superseded.get(&block.line) {
                out.push(Ok(Item::Skipped {
                    line: block.line,
                    key: None,
                    what: what.clone(),
                }));
                continue;
            }
            let (items, more) = event(block, &zones[at], cancel);
            out.extend(items);
            attendees.extend(more);
        }
    }
    out.extend(attendees);
    out
}

/// The VEVENTs (by line) that another of the file with the same UID supersedes, and why: of
/// those that are not an occurrence's override (RECURRENCE-ID), the one with the highest
/// SEQUENCE, then the latest DTSTAMP, then the last in the file is read.
fn superseded(vevents: &[(usize, &Block)]) -> std::collections::HashMap<u64, String> {
    struct Version {
        line: u64,
        uid: String,
        summary: Option<String>,
        sequence: i64,
        stamp: String,
    }
    let mut groups: std::collections::HashMap<String, Vec<Version>> =
        std::collections::HashMap::new();
    for (_, block) in vevents {
        let (props, _) = read_props(block);
        let one = |name: &str| props.iter().find(|p| p.name == name);
        if one("RECURRENCE-ID").is_some() {
            continue;
        }
        let Some(uid) = one("UID")
            .map(|p| p.value.trim().to_string())
            .filter(|u| !u.is_empty())
        else {
            continue;
        };
        let group = key_of_uid(&uid).map_or_else(|| uid.clone(), |k| name_key(&k));
        groups.entry(group).or_default().push(Version {
            line: block.line,
            uid,
            summary: one("SUMMARY").map(|p| p.value.clone()),
            sequence: one("SEQUENCE")
                .and_then(|p| p.value.trim().parse().ok())
                .unwrap_or(0),
            // YYYYMMDDTHHMMSSZ: in the order of time as text.
            stamp: one("DTSTAMP")
                .map(|p| p.value.trim().to_ascii_uppercase())
                .unwrap_or_default(),
        });
    }
    let mut out = std::collections::HashMap::new();
    for versions in groups.values().filter(|v| v.len() > 1) {
        let Some(latest) = versions
            .iter()
            .max_by(|a, b| (a.sequence, &a.stamp, a.line).cmp(&(b.sequence, &b.stamp, b.line)))
        else {
            continue;
        };
        for v in versions.iter().filter(|v| v.line != latest.line) {
            let summary = v
                .summary
                .as_ref()
                .map(|s| format!(", SUMMARY {s:?}"))
                .unwrap_or_default();
            let why = if v.sequence != latest.sequence {
                format!("SEQUENCE {} before {}", v.sequence, latest.sequence)
            } else if v.stamp != latest.stamp {
                format!("DTSTAMP {} before {}", v.stamp, latest.stamp)
            } else {
                "the same SEQUENCE and DTSTAMP, earlier in the file".to_string()
            };
            out.insert(
                v.line,
                format!(
                    "the VEVENT of line {} (UID {:?}{summary}) is an older version of the one of \
                     line {} ({why})",
                    v.line, v.uid, latest.line
                ),
            );
        }
    }
    out
}

/// Unfolds the lines and nests the components; a file that does not hold calendars, or whose
/// BEGIN and END do not pair, is one problem.
fn structure(text: &str) -> Result<Vec<Block>, Problem> {
    let mut lines: Vec<Line> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let number = i as u64 + 1;
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.text.push_str(rest),
            _ if raw.trim().is_empty() => {}
            _ => lines.push(Line {
                number,
                text: raw.to_string(),
            }),
        }
    }
    if lines.is_empty() {
        return Err(Problem::new(
            1,
            "the calendar is empty; an iCalendar file starts with BEGIN:VCALENDAR",
        ));
    }
    let mut roots: Vec<Block> = Vec::new();
    let mut stack: Vec<Block> = Vec::new();
    for line in lines {
        let upper = line.text.to_ascii_uppercase();
        if let Some(name) = upper.strip_prefix("BEGIN:") {
            let name = name.trim().to_string();
            if stack.is_empty() && name != "VCALENDAR" {
                return Err(Problem {
                    value: Some(line.text.clone()),
                    ..Problem::new(
                        line.number,
                        "not an iCalendar file: expected BEGIN:VCALENDAR",
                    )
                });
            }
            stack.push(Block {
                name,
                line: line.number,
                ..Block::default()
            });
        } else if let Some(name) = upper.strip_prefix("END:") {
            let name = name.trim();
            let Some(open) = stack.pop() else {
                return Err(Problem {
                    value: Some(line.text.clone()),
                    ..Problem::new(line.number, "END without a BEGIN")
                });
            };
            if open.name != name {
                return Err(Problem {
                    value: Some(line.text.clone()),
                    ..Problem::new(
                        line.number,
                        format!(
                            "broken calendar: END:{name} where BEGIN:{} of line {} ends",
                            open.name, open.line
                        ),
                    )
                });
            }
            match stack.last_mut() {
                Some(parent) => parent.children.push(open),
                None => roots.push(open),
            }
        } else {
            match stack.last_mut() {
                Some(block) => block.lines.push(line),
                None => {
                    return Err(Problem {
                        value: Some(line.text.clone()),
                        ..Problem::new(
                            line.number,
                            if roots.is_empty() {
                                "not an iCalendar file: expected BEGIN:VCALENDAR"
                            } else {
                                "a line after END:VCALENDAR"
                            },
                        )
                    });
                }
            }
        }
    }
    if let Some(open) = stack.pop() {
        return Err(Problem::new(
            open.line,
            format!(
                "broken calendar: BEGIN:{} is never ended (no END:{})",
                open.name, open.name
            ),
        ));
    }
    Ok(roots)
}

/// Reads one content line with the `icalendar` parser: `None` if it is not one property.
fn parse_line(line: &Line) -> Option<Prop> {
    // The parser unescapes TEXT by upper-case property names only; names are
    // case-insensitive (RFC 5545 3.1).
    let name_end = line.text.find([';', ':']).unwrap_or(line.text.len());
    let text = format!(
        "{}{}",
        line.text[..name_end].to_ascii_uppercase(),
        &line.text[name_end..]
    );
    let wrapped = format!("BEGIN:LINE\n{text}\nEND:LINE\n");
    let components = icalendar::parser::read_calendar_simple(&wrapped).ok()?;
    let [component] = components.as_slice() else {
        return None;
    };
    let [property] = component.properties.as_slice() else {
        return None;
    };
    Some(Prop {
        line: line.number,
        name: property.name.as_str().to_ascii_uppercase(),
        value: property.val.as_str().to_string(),
        params: property
            .params
            .iter()
            .map(|p| {
                (
                    p.key.as_str().to_ascii_uppercase(),
                    p.val
                        .as_ref()
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    })
}

/// The properties of a component: those a line cannot be read as are problems.
fn read_props(block: &Block) -> (Vec<Prop>, Vec<Problem>) {
    let mut props = Vec::new();
    let mut problems = Vec::new();
    for line in &block.lines {
        match parse_line(line) {
            Some(p) => props.push(p),
            None => problems.push(Problem::new(
                line.number,
                format!(
                    "cannot read {:?} as a property, NAME;PARAM=VALUE:VALUE",
                    shown(&line.text)
                ),
            )),
        }
    }
    (props, problems)
}

// ---------------------------------------------------------------------------------------
// Events

fn event(block: &Block, zones: &Zones, cancel: bool) -> (Vec<ReadResult>, Vec<ReadResult>) {
    let (props, mut problems) = read_props(block);
    let one = |name: &str| props.iter().find(|p| p.name == name);
    let uid = one("UID").map(|p| p.value.trim().to_string());
    let summary = one("SUMMARY").map(|p| p.value.clone());
    // Who the event is, for messages about it as a whole.
    let named = || {
        let mut about = Vec::new();
        if let Some(uid) = &uid {
            about.push(format!("UID {uid:?}"));
        }
        if let Some(summary) = &summary {
            about.push(format!("SUMMARY {summary:?}"));
        }
        if about.is_empty() {
            format!("the VEVENT of line {}", block.line)
        } else {
            format!("the VEVENT of line {} ({})", block.line, about.join(", "))
        }
    };

    let cancelled = one("STATUS").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED"));
    if cancelled || cancel {
        return (
            vec![Ok(Item::Skipped {
                line: block.line,
                key: uid.as_deref().and_then(key_of_uid),
                what: format!(
                    "{} is cancelled ({})",
                    named(),
                    if cancelled {
                        "STATUS:CANCELLED"
                    } else {
                        "METHOD:CANCEL"
                    }
                ),
            })],
            Vec::new(),
        );
    }
    for name in ["RRULE", "RDATE"] {
        if let Some(p) = one(name) {
            problems.push(p.problem(format!(
                "{} repeats, and recurring events are not imported; export its occurrences \
                 as single events from the calendar program (or remove {name} to import the \
                 first one only)",
                named()
            )));
        }
    }
    if let Some(p) = one("RECURRENCE-ID") {
        problems.push(p.problem(format!(
            "{} changes one occurrence of a recurring event, and recurring events are not \
             imported; export the occurrences as single events from the calendar program",
            named()
        )));
    }

    let mut record = EventRecord::default();
    let mut present: Vec<Field> = vec![Field::Start, Field::End];
    match summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => {
            record.title = summary.clone().unwrap_or_default();
            present.push(Field::Title);
        }
        _ => problems.push(Problem {
            value: summary.clone(),
            ..Problem::field(
                one("SUMMARY").map_or(block.line, |p| p.line),
                "SUMMARY",
                format!(
                    "{}; every event needs a title",
                    if summary.is_some() {
                        "is empty"
                    } else {
                        "is missing"
                    }
                ),
            )
        }),
    }
    if let Some(key) = uid.as_deref().and_then(key_of_uid) {
        record.key = Some(key);
        present.push(Field::Key);
    }
    // Our own export writes the description and the kind as they are stored in X-EVENTS-
    // properties, beside the prose for people (DESCRIPTION) and the kind among CATEGORIES.
    let ours = uid.as_deref().is_some_and(is_our_uid);
    let kind = one("X-EVENTS-KIND").map(|p| p.value.clone());
    if let Some(kind) = &kind {
        record.kind = Some(kind.clone());
        present.push(Field::Kind);
    }
    let description = match one("X-EVENTS-DESCRIPTION") {
        Some(p) => Some(p.value.clone()),
        // Prose made from the record's other fields, not a description of its own.
        None if ours => None,
        None => one("DESCRIPTION").map(|p| p.value.clone()),
    };
    if let Some(d) = description {
        record.description = Some(d);
        present.push(Field::Description);
    }
    if let Some(p) = one("LOCATION") {
        record.location = Some(p.value.clone());
        present.push(Field::Location);
    }
    if let Some(p) = one("URL") {
        record.source = Some(p.value.trim().to_string());
        present.push(Field::Source);
    }
    let categories: Vec<&Prop> = props.iter().filter(|p| p.name == "CATEGORIES").collect();
    if !categories.is_empty() {
        let mut tags: Vec<String> = categories
            .iter()
            .flat_map(|p| text_list(&p.value))
            .filter(|t| !t.trim().is_empty())
            .collect();
        if let Some(kind) = &kind
            && let Some(at) = tags.iter().position(|t| name_key(t) == name_key(kind))
        {
            tags.remove(at);
        }
        record.tags = tags;
        present.push(Field::Tags);
    }
    // Attendees add to the event with its key, and never take away or change a participant
    // stored (with an organization and a position given by hand, say); an event without a
    // key (our export's `id-N@events`) has them in its record, as its whole list.
    let participants = attendees(&props);
    let mut added = Vec::new();
    match &record.key {
        Some(key) => {
            for (line, participant) in participants {
                added.push(Ok(Item::Participant {
                    line,
                    event: format!("{}{key}", crate::model::KEY_PREFIX),
                    record: participant,
                    by_person: true,
                }));
            }
        }
        None if !participants.is_empty() => {
            record.participants = participants.into_iter().map(|(_, p)| p).collect();
            present.push(Field::Participants);
        }
        None => {}
    }

    match dates(block, &props, zones) {
        Ok((start, end)) => {
            record.start = crate::dates::iso(start);
            record.end = Some(crate::dates::iso(end));
        }
        Err(mut more) => problems.append(&mut more),
    }

    if !problems.is_empty() {
        return (problems.into_iter().map(Err).collect(), Vec::new());
    }
    let absent = Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Id && !present.contains(f))
        .collect();
    (
        vec![Ok(Item::Event {
            line: block.line,
            record: Box::new(record),
            absent,
        })],
        added,
    )
}

/// The key a UID gives. Our own export's UIDs (`key-KEY@events`) give back KEY (and
/// `id-N@events`, of an event that had no key, none: an id belongs to one database). Any
/// other UID is the key as it is, unless it is one a key cannot be (digits only, `key:...`,
/// control characters): then `uid-` before it, control characters written `%XX`.
pub fn key_of_uid(uid: &str) -> Option<String> {
    let uid = uid.trim();
    if uid.is_empty() {
        return None;
    }
    if let Some(key) = uid
        .strip_prefix("key-")
        .and_then(|rest| rest.strip_suffix("@events"))
        .filter(|key| !key.is_empty())
    {
        return Some(percent_decode(key));
    }
    if is_our_uid(uid) {
        return None;
    }
    if key_problem(uid).is_some() {
        let mut key = String::from("uid-");
        for c in uid.chars() {
            if c.is_control() {
                key.push_str(&format!("%{:02X}", u32::from(c)));
            } else {
                key.push(c);
            }
        }
        return Some(key);
    }
    Some(uid.to_string())
}

/// A UID our export wrote: `key-KEY@events`, or `id-N@events`.
fn is_our_uid(uid: &str) -> bool {
    uid.strip_suffix("@events").is_some_and(|rest| {
        rest.strip_prefix("key-").is_some_and(|k| !k.is_empty())
            || rest
                .strip_prefix("id-")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Undoes the export's `%XX` (of `%` and control characters); anything else stays.
fn percent_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after
            .get(..2)
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[2..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The items of a TEXT list (CATEGORIES), split at commas that are not escaped, unescaped.
fn text_list(value: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let Some(current) = items.last_mut() else {
            break;
        };
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => current.push('\n'),
                Some(other) => current.push(other),
                None => current.push('\\'),
            },
            ',' => items.push(String::new()),
            c => current.push(c),
        }
    }
    items.into_iter().map(|s| s.trim().to_string()).collect()
}

/// The participants an event's ATTENDEEs give: each with a name (CN) is one, with the role
/// "chair" when ROLE=CHAIR. Left out: an ATTENDEE with only an address (or a CN that is the
/// address), a room or resource (CUTYPE), a NON-PARTICIPANT (for information), one who
/// DECLINED, and a name given twice. ORGANIZER is not read: it is the mailbox the
/// invitation came from, most often, rather than someone who took part.
fn attendees(props: &[Prop]) -> Vec<(u64, ParticipantRecord)> {
    let mut out: Vec<(u64, ParticipantRecord)> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in props.iter().filter(|p| p.name == "ATTENDEE") {
        let Some(name) = p.param("CN").map(str::trim).filter(|n| !n.is_empty()) else {
            continue;
        };
        let address = p.value.trim();
        let address = address
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("mailto:"))
            .map_or(address, |_| &address[7..]);
        let upper = |param: &str| p.param(param).map(str::to_ascii_uppercase);
        if name.eq_ignore_ascii_case(address)
            || name.contains('@') && !name.contains(' ')
            || upper("CUTYPE").is_some_and(|c| c == "ROOM" || c == "RESOURCE")
            || upper("ROLE").is_some_and(|r| r == "NON-PARTICIPANT")
            || upper("PARTSTAT").is_some_and(|s| s == "DECLINED")
            || !seen.insert(name_key(name))
        {
            continue;
        }
        out.push((
            p.line,
            ParticipantRecord {
                name: name.to_string(),
                role: upper("ROLE")
                    .filter(|r| r == "CHAIR")
                    .map(|_| "chair".to_string()),
                ..ParticipantRecord::default()
            },
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Dates

/// A DTSTART or DTEND as written: a date, or a date-time in UTC, in a named zone, or
/// floating (no zone: as written wherever one is).
#[derive(Debug, Clone)]
enum When {
    Date(NaiveDate),
    Utc(NaiveDateTime),
    Zoned(NaiveDateTime, Zone),
    Floating(NaiveDateTime),
}

fn parse_when(p: &Prop, zones: &Zones) -> Result<When, Problem> {
    let value = p.value.trim();
    let is_date = p
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && !value.contains('T'));
    if is_date {
        return NaiveDate::parse_from_str(value, "%Y%m%d")
            .ok()
            .filter(|_| value.len() == 8)
            .map(When::Date)
            .ok_or_else(|| p.problem("is not a date, YYYYMMDD (20210316)"));
    }
    let bad = || {
        p.problem(
            "is not a date-time, YYYYMMDDTHHMMSS (20210316T093000, with Z for UTC) or a date, \
             YYYYMMDD",
        )
    };
    let (digits, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    if digits.len() != 15 {
        return Err(bad());
    }
    let at = NaiveDateTime::parse_from_str(digits, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    if utc {
        return Ok(When::Utc(at));
    }
    match p.param("TZID") {
        None => Ok(When::Floating(at)),
        Some(tzid) => match zones.find(tzid) {
            Some(zone) => Ok(When::Zoned(at, zone)),
            None => Err(Problem {
                value: Some(shown(tzid)),
                ..Problem::field(
                    p.line,
                    format!("{} TZID", p.name),
                    "is an unknown time zone: neither an IANA name (Asia/Tashkent) nor one \
                     a VTIMEZONE of the file defines",
                )
            }),
        },
    }
}

/// The first and last dates of an event, in its own time zone.
fn dates(
    block: &Block,
    props: &[Prop],
    zones: &Zones,
) -> Result<(NaiveDate, NaiveDate), Vec<Problem>> {
    let one = |name: &str| props.iter().find(|p| p.name == name);
    let Some(dtstart) = one("DTSTART") else {
        return Err(vec![Problem::field(
            block.line,
            "DTSTART",
            "is missing; every event needs a start",
        )]);
    };
    let mut problems = Vec::new();
    let start = parse_when(dtstart, zones)
        .map_err(|e| problems.push(e))
        .ok();
    let end = one("DTEND").map(|p| (p, parse_when(p, zones)));
    let duration = one("DURATION").map(|p| (p, parse_duration(&p.value)));
    let end = match (end, duration) {
        (Some((_, Err(e))), _) => {
            problems.push(e);
            None
        }
        (Some((p, Ok(when))), _) => Some(End::At(p, when)),
        (None, Some((p, None))) => {
            problems
                .push(p.problem("is not a duration, like PT1H30M, P2D or P1W (a positive one)"));
            None
        }
        (None, Some((p, Some(d)))) => Some(End::After(p, d)),
        (None, None) => Some(End::None),
    };
    let (Some(start), Some(end)) = (start, end) else {
        return Err(problems);
    };

    // The event's zone: its start's; a UTC start's, the calendar's zone, else UTC (and a
    // floating or all-day start's too, for an end given in UTC or another zone).
    let zone = match &start {
        When::Utc(_) => match zones.calendar_zone() {
            Ok(zone) => zone,
            Err(problem) => return Err(vec![problem]),
        },
        When::Zoned(_, zone) => zone.clone(),
        When::Date(_) | When::Floating(_) => zones.calendar_zone().unwrap_or(Zone::Utc),
    };
    let local = |when: &When| -> NaiveDateTime {
        match when {
            When::Date(d) => d.and_time(NaiveTime::MIN),
            When::Utc(at) => zone.local(at.and_utc()),
            When::Floating(at) => *at,
            When::Zoned(at, z) if z.same(&zone) => *at,
            When::Zoned(at, z) => zone.local(z.utc(*at)),
        }
    };
    let start_local = local(&start);
    let overflow =
        |p: &Prop| p.problem("gives an end after 9999-12-31, the last date an event can have");
    let end_local = match end {
        End::None => match start {
            When::Date(d) => d.and_time(NaiveTime::MIN) + Days::new(1),
            _ => start_local,
        },
        End::At(p, when) => {
            let end_local = local(&when);
            if end_local < start_local {
                return Err(vec![
                    p.problem(format!("is before DTSTART, {}", dtstart.value.trim())),
                ]);
            }
            end_local
        }
        End::After(p, d) => {
            let days = start_local.checked_add_days(Days::new(d.days));
            let end = match (&start, days) {
                (_, None) => None,
                (When::Date(_) | When::Floating(_), Some(at)) => at.checked_add_signed(d.time),
                (_, Some(at)) => {
                    // Days are of the calendar, hours of the clock (RFC 5545 3.3.6).
                    let utc = zone.utc(at).checked_add_signed(d.time);
                    utc.map(|utc| zone.local(utc))
                }
            };
            match end {
                Some(end) if end.year() <= 9999 => end,
                _ => return Err(vec![overflow(p)]),
            }
        }
    };
    let first = start_local.date();
    let last = if end_local <= start_local {
        first
    } else if end_local.time() == NaiveTime::MIN {
        // Exclusive: an end at midnight ends the day before.
        end_local.date().pred_opt().unwrap_or(first).max(first)
    } else {
        end_local.date()
    };
    if first.year() > 9999 || last.year() > 9999 || first.year() < 1 {
        return Err(vec![dtstart.problem("is outside the years 0001-9999")]);
    }
    Ok((first, last))
}

enum End<'a> {
    None,
    At(&'a Prop, When),
    After(&'a Prop, Dur),
}

/// A DURATION: whole days (of the calendar) and a time (of the clock).
#[derive(Debug, Clone, Copy)]
struct Dur {
    days: u64,
    time: Duration,
}

/// `P2D`, `PT1H30M`, `P1W`, `P1DT2H` (a leading `+` too); `None` if it is not one, or is
/// negative. One too long for any date (`P99999999W`) is one all the same, whose end comes
/// after 9999-12-31.
fn parse_duration(value: &str) -> Option<Dur> {
    let value = value.trim();
    let value = value.strip_prefix('+').unwrap_or(value);
    let mut rest = value.strip_prefix(['P', 'p'])?;
    let mut days: u64 = 0;
    let mut seconds: u64 = 0;
    let mut in_time = false;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['T', 't']) {
            if in_time {
                return None;
            }
            in_time = true;
            rest = r;
            continue;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // A number too large for any date is still a duration: one no end can come of.
        let n: u64 = rest[..digits].parse().unwrap_or(u64::MAX);
        let unit = rest[digits..].chars().next()?;
        rest = &rest[digits + unit.len_utf8()..];
        any = true;
        let (days_per, seconds_per) = match (in_time, unit.to_ascii_uppercase()) {
            (false, 'W') => (7, 0),
            (false, 'D') => (1, 0),
            (true, 'H') => (0, 3600),
            (true, 'M') => (0, 60),
            (true, 'S') => (0, 1),
            _ => return None,
        };
        days = days.saturating_add(n.saturating_mul(days_per));
        seconds = seconds.saturating_add(n.saturating_mul(seconds_per));
    }
    // Beyond any date there is (some 12,700 years): the end it gives is after 9999-12-31.
    let seconds = i64::try_from(seconds.min(400_000_000_000)).ok()?;
    any.then_some(Dur {
        days,
        time: Duration::try_seconds(seconds)?,
    })
}

// ---------------------------------------------------------------------------------------
// Time zones

/// A time zone an event's times are in.
#[derive(Debug, Clone)]
enum Zone {
    Utc,
    Iana(chrono_tz::Tz),
    /// Defined by a VTIMEZONE of the file.
    Defined(std::rc::Rc<Defined>),
}

impl Zone {
    fn same(&self, other: &Zone) -> bool {
        match (self, other) {
            (Zone::Utc, Zone::Utc) => true,
            (Zone::Iana(a), Zone::Iana(b)) => a == b,
            (Zone::Defined(a), Zone::Defined(b)) => a.tzid == b.tzid,
            _ => false,
        }
    }

    /// The wall-clock time of an instant.
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Utc => at.naive_utc(),
            Zone::Iana(tz) => tz.from_utc_datetime(&at.naive_utc()).naive_local(),
            Zone::Defined(d) => at.naive_utc() + Duration::seconds(d.offset_at(at.naive_utc())),
        }
    }

    /// The instant of a wall-clock time: in a gap (clocks put forward), as if before it; when
    /// it is there twice (clocks put back), the first.
    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Utc => local.and_utc(),
            Zone::Iana(tz) => match tz.from_local_datetime(&local).earliest() {
                Some(at) => at.with_timezone(&Utc),
                None => {
                    let offset = tz
                        .offset_from_utc_datetime(&(local - Duration::hours(3)))
                        .fix()
                        .local_minus_utc();
                    (local - Duration::seconds(offset.into())).and_utc()
                }
            },
            Zone::Defined(d) => {
                let mut offsets: Vec<i64> = d.observances.iter().map(|o| o.to).collect();
                offsets.sort_unstable();
                offsets.reverse(); // the earliest instant first
                for offset in &offsets {
                    let utc = local - Duration::seconds(*offset);
                    if d.offset_at(utc) == *offset {
                        return utc.and_utc();
                    }
                }
                let guess = d.offset_at(local);
                (local - Duration::seconds(guess)).and_utc()
            }
        }
    }
}

/// A VTIMEZONE: its STANDARD and DAYLIGHT observances.
#[derive(Debug)]
struct Defined {
    tzid: String,
    observances: Vec<Observance>,
}

#[derive(Debug)]
struct Observance {
    /// The first onset, in local time before it (TZOFFSETFROM).
    start: NaiveDateTime,
    from: i64,
    to: i64,
    rule: Option<Rule>,
    rdates: Vec<NaiveDateTime>,
}

/// The yearly rules time zones use: `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU` (an UNTIL too).
#[derive(Debug)]
struct Rule {
    month: u32,
    /// The nth weekday of the month (negative: from its end); or a day of the month.
    day: RuleDay,
    until: Option<NaiveDateTime>,
}

#[derive(Debug)]
enum RuleDay {
    Nth(i32, Weekday),
    MonthDay(u32),
}

impl Defined {
    /// Seconds east of UTC at an instant (given as a naive UTC time).
    fn offset_at(&self, utc: NaiveDateTime) -> i64 {
        let year = utc.year();
        let mut best: Option<(NaiveDateTime, i64)> = None;
        let mut earliest: Option<(NaiveDateTime, i64)> = None;
        for o in &self.observances {
            let mut onsets: Vec<NaiveDateTime> = vec![o.start];
            onsets.extend(&o.rdates);
            if let Some(rule) = &o.rule {
                let mut years = vec![year - 1, year, year + 1];
                if let Some(until) = rule.until {
                    years.push(until.year());
                }
                for y in years {
                    if let Some(at) = rule.onset(y, o.start.time())
                        && at >= o.start
                        && rule.until.is_none_or(|u| at <= u)
                    {
                        onsets.push(at);
                    }
                }
            }
            for onset in onsets {
                let at = onset - Duration::seconds(o.from);
                if earliest.is_none_or(|(e, _)| at < e) {
                    earliest = Some((at, o.from));
                }
                if at <= utc && best.is_none_or(|(b, _)| at > b) {
                    best = Some((at, o.to));
                }
            }
        }
        best.or(earliest).map_or(0, |(_, offset)| offset)
    }
}

impl Rule {
    fn parse(value: &str) -> Option<Rule> {
        let mut freq = None;
        let mut month = None;
        let mut day = None;
        let mut until = None;
        for part in value.split(';') {
            let (k, v) = part.split_once('=')?;
            match k.to_ascii_uppercase().as_str() {
                "FREQ" => freq = Some(v.to_ascii_uppercase()),
                "BYMONTH" => month = v.parse::<u32>().ok().filter(|m| (1..=12).contains(m)),
                "BYDAY" => {
                    let v = v.trim();
                    let at = v.len().checked_sub(2)?;
                    let (n, wd) = (v.get(..at)?, v.get(at..)?);
                    let n: i32 = if n.is_empty() { 1 } else { n.parse().ok()? };
                    let wd = match wd.to_ascii_uppercase().as_str() {
                        "MO" => Weekday::Mon,
                        "TU" => Weekday::Tue,
                        "WE" => Weekday::Wed,
                        "TH" => Weekday::Thu,
                        "FR" => Weekday::Fri,
                        "SA" => Weekday::Sat,
                        "SU" => Weekday::Sun,
                        _ => return None,
                    };
                    day = Some(RuleDay::Nth(n, wd));
                }
                "BYMONTHDAY" => day = Some(RuleDay::MonthDay(v.parse().ok()?)),
                "UNTIL" => {
                    let v = v.trim_end_matches(['Z', 'z']);
                    until = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                        .ok()
                        .or_else(|| {
                            NaiveDate::parse_from_str(v, "%Y%m%d")
                                .ok()
                                .map(|d| d.and_time(NaiveTime::MIN))
                        });
                }
                _ => {}
            }
        }
        (freq.as_deref() == Some("YEARLY")).then_some(())?;
        Some(Rule {
            month: month?,
            day: day?,
            until,
        })
    }

    fn onset(&self, year: i32, time: NaiveTime) -> Option<NaiveDateTime> {
        let date = match self.day {
            RuleDay::MonthDay(d) => NaiveDate::from_ymd_opt(year, self.month, d)?,
            RuleDay::Nth(n, wd) if n > 0 => {
                NaiveDate::from_weekday_of_month_opt(year, self.month, wd, u8::try_from(n).ok()?)?
            }
            RuleDay::Nth(n, wd) => {
                let next_month = if self.month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, self.month + 1, 1)?
                };
                let last = next_month.pred_opt()?;
                let back =
                    (last.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
                let weeks = u64::try_from(n.checked_neg()?.checked_sub(1)?).ok()?;
                last.checked_sub_days(Days::new(u64::from(back) + 7 * weeks))
                    .filter(|d| d.month() == self.month)?
            }
        };
        Some(date.and_time(time))
    }
}

/// The time zones a calendar knows: its VTIMEZONEs, and the zone it says it is in
/// (X-WR-TIMEZONE).
struct Zones {
    defined: Vec<std::rc::Rc<Defined>>,
    calendar: Option<Prop>,
}

impl Zones {
    fn of(calendar: &Block) -> Zones {
        let mut defined = Vec::new();
        for block in calendar.children.iter().filter(|b| b.name == "VTIMEZONE") {
            let (props, _) = read_props(block);
            let Some(tzid) = props.iter().find(|p| p.name == "TZID") else {
                continue;
            };
            let mut observances = Vec::new();
            for o in &block.children {
                if o.name != "STANDARD" && o.name != "DAYLIGHT" {
                    continue;
                }
                let (props, _) = read_props(o);
                let get = |name: &str| props.iter().find(|p| p.name == name);
                let start = get("DTSTART").and_then(|p| {
                    NaiveDateTime::parse_from_str(p.value.trim(), "%Y%m%dT%H%M%S").ok()
                });
                let from = get("TZOFFSETFROM").and_then(|p| parse_offset(&p.value));
                let to = get("TZOFFSETTO").and_then(|p| parse_offset(&p.value));
                let (Some(start), Some(to)) = (start, to) else {
                    continue;
                };
                let rdates = props
                    .iter()
                    .filter(|p| p.name == "RDATE")
                    .flat_map(|p| p.value.split(','))
                    .filter_map(|v| NaiveDateTime::parse_from_str(v.trim(), "%Y%m%dT%H%M%S").ok())
                    .collect();
                observances.push(Observance {
                    start,
                    from: from.unwrap_or(to),
                    to,
                    rule: get("RRULE").and_then(|p| Rule::parse(&p.value)),
                    rdates,
                });
            }
            if !observances.is_empty() {
                defined.push(std::rc::Rc::new(Defined {
                    tzid: tzid.value.trim().to_string(),
                    observances,
                }));
            }
        }
        let calendar = calendar
            .lines
            .iter()
            .filter_map(parse_line)
            .find(|p| p.name == "X-WR-TIMEZONE");
        Zones { defined, calendar }
    }

    /// The zone a TZID names: the VTIMEZONE of the file with that TZID (RFC 5545 makes it
    /// the definition, even of a name chrono-tz knows, such as `EST`); else an IANA name (case
    /// aside); else a Windows name (Outlook's) of a zone; else the IANA name it ends with
    /// (`/mozilla.org/20050126_1/Asia/Tashkent`).
    fn find(&self, tzid: &str) -> Option<Zone> {
        let tzid = tzid.trim();
        if let Some(d) = self.defined.iter().find(|d| d.tzid == tzid) {
            return Some(Zone::Defined(d.clone()));
        }
        if let Some(zone) = iana(tzid) {
            return Some(zone);
        }
        if let Some(name) = WINDOWS_ZONES
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(tzid))
            .map(|(_, iana)| iana)
        {
            return iana(name);
        }
        tzid.match_indices('/')
            .find_map(|(at, _)| iana(&tzid[at + 1..]))
    }

    /// The zone of UTC times: the calendar's (X-WR-TIMEZONE), else UTC.
    fn calendar_zone(&self) -> Result<Zone, Problem> {
        match &self.calendar {
            None => Ok(Zone::Utc),
            Some(p) => self.find(&p.value).ok_or_else(|| {
                p.problem(
                    "is an unknown time zone (for the UTC times of the calendar's events): \
                     neither an IANA name (Asia/Tashkent) nor one a VTIMEZONE of the file defines",
                )
            }),
        }
    }
}

fn iana(name: &str) -> Option<Zone> {
    if name.eq_ignore_ascii_case("UTC") || name.eq_ignore_ascii_case("GMT") {
        return Some(Zone::Utc);
    }
    name.parse::<chrono_tz::Tz>()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
                .copied()
        })
        .map(Zone::Iana)
}

/// `+0500`, `-0430`, `+053000` as seconds east of UTC.
fn parse_offset(value: &str) -> Option<i64> {
    let value = value.trim();
    let (sign, digits) = match value.as_bytes().first()? {
        b'+' => (1, &value[1..]),
        b'-' => (-1, &value[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..4].parse().ok()?;
    let s: i64 = digits.get(4..6).map_or(Some(0), |s| s.parse().ok())?;
    Some(sign * (h * 3600 + m * 60 + s))
}

/// Windows' names of time zones (as Outlook writes them in TZID) and the IANA zone each
/// stands for (CLDR's windowsZones, the zone of territory 001): the common ones. A file's
/// VTIMEZONE of the name comes first.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("UTC", "UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("India Standard Time", "Asia/Kolkata"),
    ("Nepal Standard Time", "Asia/Kathmandu"),
    ("Central Asia Standard Time", "Asia/Bishkek"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<ReadResult> {
        Reader::new(text.as_bytes()).collect()
    }

    fn dates_of(text: &str) -> (String, Option<String>) {
        match read(text).remove(0) {
            Ok(Item::Event { record, .. }) => (record.start, record.end),
            other => panic!("{other:?}"),
        }
    }

    fn cal(body: &str) -> String {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n")
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever a VEVENT holds, the reader gives records or problems.
        #[test]
        fn any_vevent_is_read_without_a_panic(lines in prop::collection::vec(prop_oneof![
            Just("DTSTART;VALUE=DATE:99991231".to_string()),
            Just("DTSTART:00010101T000000Z".to_string()),
            Just("DTSTART;TZID=Pacific/Kiritimati:99991231T233000".to_string()),
            Just("DTSTART;TZID=Z:20210316T100000".to_string()),
            Just("DTEND:99991231T235959Z".to_string()),
            Just("DTEND;TZID=Etc/GMT+12:00010101T000000".to_string()),
            Just("DURATION:P999999999W".to_string()),
            Just("DURATION:PT999999999H999999999M".to_string()),
            Just("X-WR-TIMEZONE:Pacific/Kiritimati".to_string()),
            Just("UID:key-%ZZ%4@events".to_string()),
            Just("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-2147483648SU".to_string()),
            Just("ATTENDEE;CN=\"x\":mailto:".to_string()),
            "[A-Z;=:,\"\\\\ -]{0,20}",
            "\\PC{0,20}",
            "(DTSTART|DTEND|DURATION|UID|CATEGORIES|ATTENDEE)[;:][ -~]{0,20}",
        ], 0..12), zone in prop::collection::vec(prop_oneof![
            Just("DTSTART:99991231T235959".to_string()),
            Just("DTSTART:00010101T000000".to_string()),
            Just("TZOFFSETTO:+9959".to_string()),
            Just("TZOFFSETFROM:-995959".to_string()),
            Just("RRULE:FREQ=YEARLY;BYMONTH=12;BYDAY=-5SU;UNTIL=99991231T000000Z".to_string()),
            Just("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31".to_string()),
            Just("RDATE:00010101T000000,99991231T235959".to_string()),
            "[ -~]{0,30}",
        ], 0..8)) {
            let text = format!(
                "BEGIN:VCALENDAR\nX-WR-TIMEZONE:Zone\nBEGIN:VTIMEZONE\nTZID:Zone\nBEGIN:DAYLIGHT\n\
                 {}\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nSUMMARY:S\n{}\nEND:VEVENT\nEND:VCALENDAR\n",
                zone.join("\n"),
                lines.join("\n").replace("TZID=Z:", "TZID=Zone:")
            );
            let _ = read(&text);
        }
    }

    #[test]
    fn uids_give_keys() {
        assert_eq!(
            key_of_uid("abc@google.com").as_deref(),
            Some("abc@google.com")
        );
        assert_eq!(key_of_uid("key-2021-x@events").as_deref(), Some("2021-x"));
        assert_eq!(
            key_of_uid("key-a%25b%0Ac@events").as_deref(),
            Some("a%b\nc")
        );
        assert_eq!(key_of_uid("id-12@events"), None);
        assert_eq!(key_of_uid("12345").as_deref(), Some("uid-12345"));
        assert_eq!(key_of_uid("key:x").as_deref(), Some("uid-key:x"));
        assert_eq!(key_of_uid(" "), None);
    }

    #[test]
    fn durations() {
        let d = parse_duration("P1DT2H30M").unwrap();
        assert_eq!((d.days, d.time.num_minutes()), (1, 150));
        assert_eq!(parse_duration("P2W").unwrap().days, 14);
        assert!(parse_duration("-P1D").is_none());
        assert!(parse_duration("P").is_none());
        assert!(parse_duration("PT").is_none());
        assert!(parse_duration("P1H").is_none());
        assert!(parse_duration("P99999999W").is_some());
        assert!(parse_duration("PT99999999999999999999999H").is_some());
    }

    #[test]
    fn categories_split_at_unescaped_commas() {
        assert_eq!(text_list("a,b\\,c, d"), ["a", "b,c", "d"]);
    }

    #[test]
    fn a_rule_gives_the_last_sunday() {
        let rule = Rule::parse("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU").unwrap();
        let at = rule
            .onset(2021, NaiveTime::from_hms_opt(2, 0, 0).unwrap())
            .unwrap();
        assert_eq!(at.to_string(), "2021-03-28 02:00:00");
        let rule = Rule::parse("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU").unwrap();
        let at = rule.onset(2021, NaiveTime::MIN).unwrap();
        assert_eq!(at.date().to_string(), "2021-11-07");
    }

    #[test]
    fn a_defined_zone_with_summer_time() {
        let text = cal(
            "BEGIN:VTIMEZONE\r\nTZID:Mine\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n\
             TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n\
             END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n\
             TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n\
             END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:S\r\n\
             DTSTART;TZID=Mine:20210701T230000\r\nDTEND:20210701T223000Z\r\nEND:VEVENT\r\n",
        );
        // 22:30Z is 00:30 on 2 July in summer (+02): the event spans two dates.
        assert_eq!(
            dates_of(&text),
            ("2021-07-01".to_string(), Some("2021-07-02".to_string()))
        );
    }

    #[test]
    fn a_floating_start_and_a_utc_end_meet_in_the_calendars_zone() {
        let text = cal(
            "X-WR-TIMEZONE:Asia/Tashkent\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:S\r\n\
             DTSTART:20210316T233000\r\nDTEND:20210316T200000Z\r\nEND:VEVENT\r\n",
        );
        assert_eq!(
            dates_of(&text),
            ("2021-03-16".to_string(), Some("2021-03-17".to_string()))
        );
    }

    #[test]
    fn problems_name_lines() {
        let text = cal("BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:S\r\nDTSTART:2021031\r\nEND:VEVENT\r\n");
        let problems: Vec<Problem> = read(&text).into_iter().map(|r| r.unwrap_err()).collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 6);
        assert_eq!(problems[0].field.as_deref(), Some("DTSTART"));
        assert_eq!(problems[0].value.as_deref(), Some("2021031"));
    }
}
