//! iCalendar (RFC 5545): one all-day VEVENT per event, for calendar programs.

use std::io::Write;

use anyhow::Result;
use chrono::{Datelike, Days};

use crate::model::Event;

/// Writes a VCALENDAR one VEVENT at a time.
pub struct CalendarWriter<W: Write> {
    out: W,
}

impl<W: Write> CalendarWriter<W> {
    pub fn new(mut out: W) -> Result<Self> {
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            concat!(
                "PRODID:-//events//events ",
                env!("CARGO_PKG_VERSION"),
                "//EN"
            ),
            "CALSCALE:GREGORIAN",
        ] {
            write_line(&mut out, line)?;
        }
        Ok(CalendarWriter { out })
    }

    pub fn write(&mut self, e: &Event) -> Result<()> {
        let out = &mut self.out;
        write_line(out, "BEGIN:VEVENT")?;
        // From the key, which every event has and keeps wherever it goes; never from the id,
        // which is local to one database. (`id-ID` is only for a record that lacks one.)
        let uid = match &e.key {
            Some(key) => format!("key-{}@events", uid_part(key)),
            None => format!("id-{}@events", e.id),
        };
        write_line(out, &format!("UID:{}", text(&uid)))?;
        write_line(out, &format!("DTSTAMP:{}", stamp(&e.updated_at)))?;
        write_line(
            out,
            &format!("DTSTART;VALUE=DATE:{}", e.start.format("%Y%m%d")),
        )?;
        // DTEND is exclusive: the day after the last day. iCalendar cannot write a date after
        // the year 9999, so an event that ends on 9999-12-31 says how many days it lasts
        // instead (DURATION, which RFC 5545 allows in place of DTEND).
        match e
            .end
            .checked_add_days(Days::new(1))
            .filter(|d| d.year() <= 9999)
        {
            Some(after) => {
                write_line(out, &format!("DTEND;VALUE=DATE:{}", after.format("%Y%m%d")))?
            }
            None => {
                let days = (e.end - e.start).num_days() + 1;
                write_line(out, &format!("DURATION:P{days}D"))?
            }
        }
        write_line(out, &format!("SUMMARY:{}", text(&e.title)))?;
        if let Some(location) = &e.location {
            write_line(out, &format!("LOCATION:{}", text(location)))?;
        }
        let categories: Vec<String> = e.kind.iter().chain(&e.tags).map(|c| text(c)).collect();
        if !categories.is_empty() {
            write_line(out, &format!("CATEGORIES:{}", categories.join(",")))?;
        }
        // For `import` of this file: the kind and the description as stored (CATEGORIES holds
        // the kind among the tags, DESCRIPTION prose made of every field), in properties that
        // calendar programs keep and do not show.
        if let Some(kind) = &e.kind {
            write_line(out, &format!("X-EVENTS-KIND:{}", text(kind)))?;
        }
        if let Some(d) = e
            .description
            .as_deref()
            .filter(|d| !text(d).trim().is_empty())
        {
            write_line(out, &format!("X-EVENTS-DESCRIPTION:{}", text(d)))?;
        }
        // Nothing to say is no DESCRIPTION at all, rather than an empty one.
        let description = text(&description(e));
        if !description.trim().is_empty() {
            write_line(out, &format!("DESCRIPTION:{description}"))?;
        }
        if let Some(url) = e.source.as_deref().filter(|s| super::is_web_address(s)) {
            write_line(out, &format!("URL:{}", strip_controls(url)))?;
        }
        write_line(out, "END:VEVENT")
    }

    pub fn finish(mut self) -> Result<W> {
        write_line(&mut self.out, "END:VCALENDAR")?;
        Ok(self.out)
    }
}

/// The event in prose: its description, then who organized it and who took part, as what.
fn description(e: &Event) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(d) = &e.description {
        lines.push(d.clone());
        lines.push(String::new());
    }
    if let Some(mode) = e.mode {
        lines.push(format!("Mode: {mode}"));
    }
    for (label, value) in [
        ("Region", &e.region),
        ("Project", &e.project),
        ("Source", &e.source),
    ] {
        if let Some(v) = value {
            lines.push(format!("{label}: {v}"));
        }
    }
    if !e.organizers.is_empty() {
        lines.push(format!("Organizers: {}", e.organizers.join("; ")));
    }
    if !e.partners.is_empty() {
        lines.push(format!("Partners: {}", e.partners.join("; ")));
    }
    if !e.participants.is_empty() {
        lines.push("Participants:".to_string());
        for p in &e.participants {
            let mut line = format!("- {}", p.name);
            let about: Vec<&str> = [p.position.as_deref(), p.organization.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !about.is_empty() {
                line.push_str(&format!(" ({})", about.join(", ")));
            }
            if let Some(role) = &p.role {
                line.push_str(&format!(": {role}"));
            }
            if let Some(session) = &p.session {
                line.push_str(&format!("; session: {session}"));
            }
            if let Some(c) = &p.contribution {
                line.push_str(&format!("; {c}"));
            }
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// `2026-11-30T13:40:00Z` as an iCalendar UTC date-time, `20261130T134000Z`.
fn stamp(timestamp: &str) -> String {
    let digits: String = timestamp.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 14 {
        format!("{}T{}Z", &digits[..8], &digits[8..])
    } else {
        "19700101T000000Z".to_string()
    }
}

/// A key as a UID may hold it: a control character (which iCalendar text may not hold, and an
/// older database's key may) is written `%XX`, and `%` itself `%25`, so that two keys never
/// give one UID.
fn uid_part(key: &str) -> std::borrow::Cow<'_, str> {
    if !key.chars().any(|c| c == '%' || c.is_control()) {
        return key.into();
    }
    let mut out = String::with_capacity(key.len() + 8);
    for c in key.chars() {
        if c == '%' || c.is_control() {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Escapes a TEXT value: backslash, semicolon, comma and newline; other control characters,
/// which TEXT may not hold, are dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line, folded at 75 octets (never inside a UTF-8 character), with CRLF.
fn write_line(out: &mut impl Write, line: &str) -> Result<()> {
    let mut start = 0;
    let mut limit = 75;
    while line.len() - start > limit {
        let mut cut = start + limit;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        out.write_all(&line.as_bytes()[start..cut])?;
        out.write_all(b"\r\n ")?;
        start = cut;
        limit = 74; // the leading space of a continuation counts
    }
    out.write_all(&line.as_bytes()[start..])?;
    out.write_all(b"\r\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\\d\ne\r\nf\u{1b}"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let mut out = Vec::new();
        let line = format!("SUMMARY:{}", "é".repeat(100));
        write_line(&mut out, &line).unwrap();
        let text = String::from_utf8(out).unwrap();
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn stamps() {
        assert_eq!(stamp("2026-11-30T13:40:05Z"), "20261130T134005Z");
    }
}
