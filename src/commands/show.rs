//! `events show`: one event with everything recorded about it.

use std::io::{BufWriter, Write};

use anyhow::{Result, anyhow};

use crate::Context;
use crate::cli::{ShowArgs, ShowFormat};
use crate::formats;
use crate::model::RecordKind;
use crate::render::{self, Style, Terminal, changes, tables};

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let id = super::resolve_event(&mut *store, &args.event)?;
    let event = store
        .get_event(id)?
        .ok_or_else(|| anyhow!("event {id} has just been removed"))?;

    match args.format {
        ShowFormat::Json => {
            let mut out = render::data_stdout(Style::Json);
            formats::json::write_event(&mut out, &event)?;
            out.flush()?;
        }
        ShowFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let term = Terminal::detect();
            writeln!(out, "{}", tables::event_fields(&event, term))?;
            if event.participants.is_empty() {
                writeln!(out, "No participants recorded.")?;
            } else {
                writeln!(out, "Participants ({})", event.participants.len())?;
                writeln!(out, "{}", tables::participants(&event.participants, term))?;
            }
            // When, and by whom, as the log says; for an event older than the log (or whose
            // history was pruned), when, as its own stamp says.
            let last = match store.last_change(RecordKind::Event, id)? {
                Some(last) => format!(
                    "Last changed {} UTC by {}, operation {} ({}).",
                    changes::moment(&last.at),
                    last.who(),
                    last.operation,
                    last.command
                ),
                None => format!(
                    "Last changed {} UTC (the history does not say by whom).",
                    changes::moment(&event.updated_at)
                ),
            };
            writeln!(out, "{}", tables::heading(&last, term))?;
            out.flush()?;
        }
    }
    Ok(())
}
