//! `events list`: the events that pass the filters, as a table, JSON or CSV.

use std::io::{BufWriter, Write};

use anyhow::{Result, anyhow};

use crate::Context;
use crate::cli::{ListArgs, ListFormat};
use crate::dates::parse_date;
use crate::formats;
use crate::model::{EventFilter, name_key};
use crate::render::{Terminal, tables};
use crate::store::Store;

pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let filter = filter_from(args)?;
    let store = Store::open_for_reading(&ctx.db_path)?;
    let events = store.list_events(&filter)?;

    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Json => formats::json::write_events(&mut out, &events)?,
        ListFormat::Csv => formats::csv::write_events(&mut out, &events)?,
        ListFormat::Table if events.is_empty() => {
            let filtered = filter != EventFilter::default();
            let message = if filtered {
                "No events match."
            } else {
                "No events yet. Record one with `events add-event`."
            };
            writeln!(out, "{message}")?;
        }
        ListFormat::Table => {
            writeln!(out, "{}", tables::event_list(&events, Terminal::detect()))?;
        }
    }
    out.flush()?;
    Ok(())
}

fn filter_from(args: &ListArgs) -> Result<EventFilter> {
    let date = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_date(t).map_err(|reason| anyhow!("invalid --{flag} {t:?}: {reason}")))
            .transpose()
    };
    let from = date("from", &args.from)?;
    let to = date("to", &args.to)?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(anyhow!(
            "invalid --to {:?}: is before --from {:?}",
            args.to.as_deref().unwrap_or(""),
            args.from.as_deref().unwrap_or("")
        ));
    }
    let org = args
        .org
        .as_deref()
        .filter(|o| !name_key(o).is_empty())
        .map(str::to_string);
    Ok(EventFilter { from, to, org })
}
