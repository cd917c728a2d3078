//! `events list`: the events that pass the filters, as a table, JSON or CSV.

use std::io::{BufWriter, Write};

use anyhow::Result;

use crate::Context;
use crate::cli::{ListArgs, ListFormat};
use crate::formats;
use crate::render::{self, Style, Terminal, tables};

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let mut filter = super::event_filter(&args.filter)?;
    let mut store = super::open_for_reading(ctx)?;
    super::resolve_filter(&mut *store, &mut filter)?;
    // A table shows a line per event: no need to read what it does not show.
    let events = match args.format {
        ListFormat::Table => store.list_summaries(&filter)?,
        ListFormat::Json | ListFormat::Csv => store.list_events(&filter)?,
    };

    match args.format {
        ListFormat::Json => {
            let mut out = render::data_stdout(Style::Json);
            formats::json::write_events(&mut out, &events)?;
            out.flush()?;
        }
        ListFormat::Csv => {
            let mut out = render::data_stdout(Style::Text);
            let split = formats::csv::write_events(&mut out, &events, !args.raw)?;
            out.flush()?;
            if let Some(warning) = formats::csv::split_items_warning(&split) {
                ctx.note(&warning);
            }
        }
        ListFormat::Table if events.is_empty() => {
            // `--limit 0` on a database with events: none are shown, but there are some.
            let filtered = filter.is_narrowed() || filter.limit == Some(0);
            let message = if filtered {
                "No events match."
            } else {
                "No events yet. Record one with `events add-event`."
            };
            writeln!(std::io::stdout(), "{message}")?;
        }
        ListFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            writeln!(out, "{}", tables::event_list(&events, Terminal::detect()))?;
            out.flush()?;
        }
    }
    if events.is_empty() {
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}
