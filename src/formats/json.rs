//! JSON: events in the interchange shape of [`EventRecord`](crate::model::EventRecord), as one
//! array. The reader streams the array, holding one element at a time.

use std::io::{self, BufRead, Write};

use anyhow::Result;

use super::{MAX_RECORD_BYTES, Problem, ReadResult, parse_event};
use crate::model::{Delegation, Event, EventRecord};

/// Writes events as one pretty-printed JSON array (`[]` when there are none), one event at a
/// time: what `list` prints. The same text as `serde_json::to_writer_pretty` of them all, so
/// that it never holds more than one event.
pub struct PrettyArrayWriter<W: Write> {
    out: W,
    count: u64,
    buf: Vec<u8>,
}

impl<W: Write> PrettyArrayWriter<W> {
    pub fn new(out: W) -> Self {
        PrettyArrayWriter {
            out,
            count: 0,
            buf: Vec::new(),
        }
    }

    pub fn write(&mut self, event: &Event) -> Result<()> {
        self.write_value(&EventRecord::from(event))
    }

    /// Writes any other element, such as a person's summary.
    pub fn write_value(&mut self, value: &impl serde::Serialize) -> Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        serde_json::to_writer_pretty(&mut buf, value)?;
        let written = self.write_pretty(&buf);
        self.buf = buf;
        written
    }

    /// Writes one element, already serialized by `serde_json::to_writer_pretty`.
    pub fn write_pretty(&mut self, element: &[u8]) -> Result<()> {
        self.out
            .write_all(if self.count == 0 { b"[\n  " } else { b",\n  " })?;
        // An element of the array is indented one level more than an object alone: every
        // line after its first gets two more spaces. A newline in JSON text is always one
        // between tokens (one inside a string is written `\n`).
        let mut lines = element.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            self.out.write_all(b"\n  ")?;
            self.out.write_all(line)?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        self.out
            .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        Ok(self.out)
    }
}

/// Writes one event as a pretty-printed JSON object: what `show` prints, the record and its
/// delegations (see [`Delegation::of`]).
pub fn write_event(out: &mut impl Write, event: &Event) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Shown {
        #[serde(flatten)]
        record: EventRecord,
        delegations: Vec<Delegation>,
    }
    let shown = Shown {
        record: EventRecord::from(event),
        delegations: Delegation::of(event),
    };
    serde_json::to_writer_pretty(&mut *out, &shown)?;
    writeln!(out)?;
    Ok(())
}

/// Writes a JSON array one event at a time, each element on a line of its own: what `export`
/// writes, so that it never holds more than one event.
pub struct ArrayWriter<W: Write> {
    out: W,
    count: u64,
}

impl<W: Write> ArrayWriter<W> {
    pub fn new(out: W) -> Self {
        ArrayWriter { out, count: 0 }
    }

    pub fn write(&mut self, event: &Event) -> Result<()> {
        self.out
            .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, &EventRecord::from(event))?;
        self.count += 1;
        Ok(())
    }

    /// Writes any other element, such as an alias record.
    pub fn write_value(&mut self, value: &impl serde::Serialize) -> Result<()> {
        self.out
            .write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, value)?;
        self.count += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        self.out
            .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        Ok(self.out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    BeforeArray,
    FirstElement,
    NextElement,
    /// After the closing `]`: only white space may follow.
    Closed,
    /// Nothing more to read.
    Done,
}

/// Reads the elements of one JSON array of event objects, one at a time, each with the line
/// it starts on.
pub struct ArrayReader<R> {
    input: R,
    /// The line the reader is on, from 1.
    line: u64,
    state: State,
    buf: Vec<u8>,
}

impl<R: BufRead> ArrayReader<R> {
    pub fn new(input: R) -> Self {
        ArrayReader {
            input,
            line: 1,
            state: State::BeforeArray,
            buf: Vec::new(),
        }
    }

    /// Skips white space (and a byte order mark at the start); returns the next byte
    /// without consuming it.
    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(None);
            }
            let mut used = 0;
            if self.state == State::BeforeArray && available.starts_with(b"\xEF\xBB\xBF") {
                used = 3;
            }
            let mut found = None;
            for &b in &available[used..] {
                match b {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    _ => {
                        found = Some(b);
                        break;
                    }
                }
                used += 1;
            }
            self.input.consume(used);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    /// Copies one JSON value into `buf`, from its first byte to its last.
    fn read_value(&mut self) -> Result<(), Problem> {
        let start = self.line;
        self.buf.clear();
        let mut depth: u32 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut first = true;
        let mut scalar = false;
        loop {
            let available = self
                .input
                .fill_buf()
                .map_err(|e| Problem::new(self.line, format!("cannot read: {e}")))?;
            if available.is_empty() {
                if scalar && !self.buf.is_empty() {
                    return Ok(());
                }
                return Err(Problem::new(
                    start,
                    "broken JSON: the input ends inside this record",
                ));
            }
            let mut end = None;
            for (i, &b) in available.iter().enumerate() {
                if first {
                    first = false;
                    scalar = !matches!(b, b'{' | b'[' | b'"');
                }
                if b == b'\n' {
                    self.line += 1;
                }
                if scalar {
                    if matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        if b == b'\n' {
                            self.line -= 1; // not part of the value: counted when skipped
                        }
                        end = Some(i);
                        break;
                    }
                    continue;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let used = end.unwrap_or(available.len());
            if self.buf.len() + used > MAX_RECORD_BYTES {
                return Err(Problem::new(
                    start,
                    format!("the record is longer than {} MiB", MAX_RECORD_BYTES >> 20),
                ));
            }
            self.buf.extend_from_slice(&available[..used]);
            self.input.consume(used);
            if end.is_some() {
                return Ok(());
            }
        }
    }

    fn fail(&mut self, problem: Problem) -> Option<ReadResult> {
        self.state = State::Done;
        Some(Err(problem))
    }
}

impl<R: BufRead> Iterator for ArrayReader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        let io_problem = |line, e: io::Error| Problem::new(line, format!("cannot read: {e}"));
        loop {
            if self.state == State::Done {
                return None;
            }
            let next = match self.skip_space() {
                Ok(next) => next,
                Err(e) => {
                    let line = self.line;
                    return self.fail(io_problem(line, e));
                }
            };
            match (self.state, next) {
                (State::Closed, None) => {
                    self.state = State::Done;
                    return None;
                }
                (State::Closed, Some(_)) => {
                    let line = self.line;
                    return self.fail(Problem::new(
                        line,
                        "broken JSON: more after the end of the array",
                    ));
                }
                (State::Done, _) => return None,
                (State::BeforeArray, Some(b'[')) => {
                    self.input.consume(1);
                    self.state = State::FirstElement;
                }
                (State::BeforeArray, _) => {
                    let line = self.line;
                    return self.fail(Problem::new(
                        line,
                        "broken JSON: expected an array of events, starting with `[`",
                    ));
                }
                (State::FirstElement | State::NextElement, Some(b']')) => {
                    self.input.consume(1);
                    self.state = State::Closed;
                }
                (State::NextElement, Some(b',')) => {
                    self.input.consume(1);
                    match self.skip_space() {
                        Ok(Some(b']')) => {
                            let line = self.line;
                            return self
                                .fail(Problem::new(line, "broken JSON: a comma before `]`"));
                        }
                        Ok(_) => self.state = State::FirstElement,
                        Err(e) => {
                            let line = self.line;
                            return self.fail(io_problem(line, e));
                        }
                    }
                }
                (State::NextElement, Some(_)) => {
                    let line = self.line;
                    return self.fail(Problem::new(
                        line,
                        "broken JSON: expected `,` or `]` after a record",
                    ));
                }
                (State::FirstElement | State::NextElement, None) => {
                    let line = self.line;
                    return self.fail(Problem::new(
                        line,
                        "broken JSON: the input ends before the array is closed with `]`",
                    ));
                }
                (State::FirstElement, Some(_)) => {
                    let start = self.line;
                    if let Err(p) = self.read_value() {
                        return self.fail(p);
                    }
                    self.state = State::NextElement;
                    return Some(parse_event(start, &self.buf));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Item;
    use crate::model::{Mode, Participant};

    fn event(id: i64, title: &str) -> Event {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        Event {
            id,
            key: Some(format!("k{id}")),
            title: title.to_string(),
            kind: Some("seminar".into()),
            start: day("2021-03-16"),
            end: day("2021-03-18"),
            mode: Some(Mode::Hybrid),
            location: None,
            region: Some("Europe".into()),
            project: None,
            description: Some("two\nlines, \"quoted\" \u{1b}[2J".into()),
            source: None,
            created_at: "2021-01-01T00:00:00Z".into(),
            updated_at: "2021-01-02T00:00:00Z".into(),
            tags: vec!["a".into(), "b; c".into()],
            organizers: vec!["UNODC".into()],
            partners: Vec::new(),
            sessions: vec!["Opening".into()],
            participants: vec![Participant {
                id: 1,
                name: "Ana Lima".into(),
                organization: Some("UNODC".into()),
                position: None,
                role: Some("speaker".into()),
                session: Some("Opening".into()),
                contribution: None,
                head: true,
            }],
            participant_count: 1,
        }
    }

    /// One event at a time, the same text as the whole array pretty-printed at once.
    #[test]
    fn pretty_array_is_written_as_serde_json_writes_it() {
        for n in 0..3 {
            let events: Vec<Event> = (0..n).map(|i| event(i, "Border\tsecurity")).collect();
            let mut streamed = Vec::new();
            let mut writer = PrettyArrayWriter::new(&mut streamed);
            for e in &events {
                writer.write(e).unwrap();
            }
            writer.finish().unwrap();
            let records: Vec<EventRecord> = events.iter().map(EventRecord::from).collect();
            let mut whole = serde_json::to_vec_pretty(&records).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    fn read(input: &str) -> Vec<Result<(u64, String), (u64, String)>> {
        ArrayReader::new(input.as_bytes())
            .map(|r| match r {
                Ok(Item::Event { line, record, .. }) => Ok((line, record.title)),
                Ok(
                    Item::Participant { line, .. }
                    | Item::Aliases { line, .. }
                    | Item::Skipped { line, .. },
                ) => Ok((line, String::new())),
                Err(p) => Err((p.line, p.reason)),
            })
            .collect()
    }

    #[test]
    fn elements_come_with_the_line_they_start_on() {
        let input = "[\n  {\"title\": \"A [x]\", \"start\": \"2021-01-01\"},\n  {\n    \"title\": \"B \\\" }\",\n    \"start\": \"2021-01-02\"\n  }\n]\n";
        assert_eq!(
            read(input),
            [Ok((2, "A [x]".to_string())), Ok((3, "B \" }".to_string()))]
        );
        assert_eq!(read("[]"), []);
        assert_eq!(read("\u{feff} [ ] \n"), []);
    }

    #[test]
    fn a_bad_element_does_not_stop_the_rest() {
        let input = "[{\"titel\": \"A\"},\n 5,\n {\"title\": \"C\", \"start\": \"2021-01-01\"}]";
        let results = read(input);
        assert_eq!(results.len(), 3);
        assert!(matches!(&results[0], Err((1, r)) if r.starts_with("unknown field `titel`")));
        assert!(matches!(&results[1], Err((2, r)) if r.starts_with("expected an event object")));
        assert_eq!(results[2], Ok((3, "C".to_string())));
    }

    #[test]
    fn broken_arrays_stop_with_a_problem() {
        let cases = [
            (
                "{\"title\": \"A\"}",
                1,
                "broken JSON: expected an array of events, starting with `[`",
            ),
            (
                "[{\"title\": \"A\"",
                1,
                "broken JSON: the input ends inside this record",
            ),
            (
                "[{\"title\": \"A\", \"start\": \"2021-01-01\"}\n\n",
                3,
                "broken JSON: the input ends before the array is closed with `]`",
            ),
            (
                "[{\"title\": \"A\", \"start\": \"2021-01-01\"},\n]",
                2,
                "broken JSON: a comma before `]`",
            ),
            (
                "[{\"title\": \"A\", \"start\": \"2021-01-01\"} {}]",
                1,
                "broken JSON: expected `,` or `]` after a record",
            ),
            ("[]\n[]", 2, "broken JSON: more after the end of the array"),
        ];
        for (input, line, reason) in cases {
            let last = read(input).pop().unwrap();
            assert_eq!(last, Err((line, reason.to_string())), "{input}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let input = format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000));
        let results = read(&input);
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
    }
}
