//! NDJSON: one event object per line; blank lines are allowed.

use std::io::{BufRead, Write};

use anyhow::Result;

use super::{MAX_RECORD_BYTES, Problem, ReadResult, parse_event, read_line_capped};
use crate::model::{Event, EventRecord};

/// Reads event records line by line, holding one line at a time.
pub struct Reader<R> {
    input: R,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = ReadResult;

    fn next(&mut self) -> Option<ReadResult> {
        while !self.done {
            let too_long = match read_line_capped(&mut self.input, &mut self.buf, MAX_RECORD_BYTES)
            {
                Ok(Some(too_long)) => too_long,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(Problem::new(
                        self.line + 1,
                        format!("cannot read: {e}"),
                    )));
                }
            };
            self.line += 1;
            if too_long {
                return Some(Err(Problem::new(
                    self.line,
                    format!("the line is longer than {} MiB", MAX_RECORD_BYTES >> 20),
                )));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(parse_event(self.line, bytes));
        }
        None
    }
}

/// Writes one event per line.
pub fn write_event(out: &mut impl Write, event: &Event) -> Result<()> {
    serde_json::to_writer(&mut *out, &EventRecord::from(event))?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Item;

    fn read(input: &str) -> Vec<Result<u64, Problem>> {
        Reader::new(input.as_bytes())
            .map(|r| {
                r.map(|item| match item {
                    Item::Event { line, .. } => line,
                    Item::Participant { line, .. }
                    | Item::Aliases { line, .. }
                    | Item::Skipped { line, .. } => line,
                })
            })
            .collect()
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_counted() {
        let input = "\n{\"title\":\"A\",\"start\":\"2021-01-01\"}\n  \r\n{\"title\":\"B\",\"start\":\"2021-01-02\"}";
        assert_eq!(read(input), [Ok(2), Ok(4)]);
    }

    #[test]
    fn problems_name_the_line_and_field() {
        let input = "{\"title\":\"A\",\"start\":\"2021-01-01\"}\n{\"titel\":\"B\"}\n{\"title\":5}\n{\"title\":\"C\"\n";
        let results = read(input);
        assert_eq!(results[0], Ok(1));
        let e = results[1].clone().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (2, Some("titel")));
        assert!(
            e.reason.starts_with("unknown field `titel`"),
            "{}",
            e.reason
        );
        let e = results[2].clone().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (3, Some("title")));
        assert_eq!(e.reason, "invalid type: integer `5`, expected a string");
        let e = results[3].clone().unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.reason.starts_with("broken JSON"), "{}", e.reason);
    }

    #[test]
    fn invalid_utf8_is_a_problem() {
        let input = b"{\"title\":\"\xff\",\"start\":\"2021-01-01\"}\n";
        let e = Reader::new(&input[..]).next().unwrap().unwrap_err();
        assert_eq!((e.line, e.reason.as_str()), (1, "invalid UTF-8"));
    }
}
