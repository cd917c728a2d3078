//! `events list`: the events that pass the filters, as a table, JSON or CSV, written as they
//! are read: none is kept.

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
    let mut count = 0u64;
    match args.format {
        ListFormat::Json => {
            let mut out = render::data_stdout(Style::Json);
            let mut writer = formats::json::PrettyArrayWriter::new(&mut out);
            store.each_event(&filter, |e| {
                count += 1;
                writer.write(&e)
            })?;
            writer.finish()?;
            out.flush()?;
        }
        ListFormat::Csv => {
            let mut out = render::data_stdout(Style::Text);
            let mut writer = formats::csv::EventWriter::new(&mut out, !args.raw)?;
            store.each_event(&filter, |e| {
                count += 1;
                writer.write(&e)
            })?;
            let split = writer.split_items().to_vec();
            writer.finish()?;
            out.flush()?;
            if let Some(warning) = formats::split_items_warning(&split, "CSV reads back") {
                ctx.note(&warning);
            }
        }
        // A table shows a line per event: no need to read what it does not show.
        ListFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            store.scan_summaries(&filter, &mut |scan| {
                count =
                    tables::write_event_list(&mut out, &mut |f| scan.each(f), Terminal::detect())?;
                Ok(())
            })?;
            if count == 0 {
                // `--limit 0` on a database with events: none are shown, but there are some.
                let filtered = filter.is_narrowed() || filter.limit == Some(0);
                let message = if filtered {
                    "No events match."
                } else {
                    "No events yet. Record one with `events add-event`."
                };
                writeln!(out, "{message}")?;
            }
            out.flush()?;
        }
    }
    if count == 0 {
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}
