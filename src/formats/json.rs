//! JSON: events in the interchange shape of [`EventRecord`](crate::model::EventRecord).

use std::io::Write;

use anyhow::Result;

use crate::model::{Event, EventRecord};

/// Writes events as one pretty-printed JSON array (`[]` when there are none).
pub fn write_events(out: &mut impl Write, events: &[Event]) -> Result<()> {
    let records: Vec<EventRecord> = events.iter().map(EventRecord::from).collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)?;
    Ok(())
}

/// Writes one event as a pretty-printed JSON object.
pub fn write_event(out: &mut impl Write, event: &Event) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, &EventRecord::from(event))?;
    writeln!(out)?;
    Ok(())
}
