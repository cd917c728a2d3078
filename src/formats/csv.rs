//! CSV: one row per event, columns named as the JSON fields, list fields joined with `; `.

use std::io::Write;

use anyhow::Result;

use crate::dates::iso;
use crate::model::Event;

/// The columns of an event row, in order.
pub const EVENT_COLUMNS: [&str; 16] = [
    "id",
    "key",
    "title",
    "kind",
    "start",
    "end",
    "mode",
    "location",
    "region",
    "project",
    "description",
    "source",
    "tags",
    "organizers",
    "partners",
    "sessions",
];

/// Writes a header row and one row per event.
pub fn write_events(out: &mut impl Write, events: &[Event]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(EVENT_COLUMNS)?;
    for e in events {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        writer.write_record([
            e.id.to_string(),
            opt(&e.key),
            e.title.clone(),
            opt(&e.kind),
            iso(e.start),
            iso(e.end),
            e.mode.map(|m| m.as_str().to_string()).unwrap_or_default(),
            opt(&e.location),
            opt(&e.region),
            opt(&e.project),
            opt(&e.description),
            opt(&e.source),
            e.tags.join("; "),
            e.organizers.join("; "),
            e.partners.join("; "),
            e.sessions.join("; "),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
