//! `events stats --by ...`: how many events fall in each year, kind, mode, organization or
//! region, with a bar beside each count.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use anyhow::Result;
use serde_json::{Map, Value};

use crate::Context;
use crate::cli::{ListFormat, StatsArgs, StatsByArg};
use crate::formats;
use crate::model::StatsBy;
use crate::render::{Terminal, tables};
use crate::store::Store;

pub fn run(ctx: &Context, args: &StatsArgs) -> Result<()> {
    let filter = super::event_filter(&args.filter)?;
    let by = match args.by {
        StatsByArg::Year => StatsBy::Year,
        StatsByArg::Kind => StatsBy::Kind,
        StatsByArg::Mode => StatsBy::Mode,
        StatsByArg::Org => StatsBy::Org,
        StatsByArg::Region => StatsBy::Region,
    };
    let store = Store::open_for_reading(&ctx.db_path)?;
    store.read_everything()?;
    let rows = store.stats(by, &filter)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Json => {
            let list: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut object = Map::new();
                    object.insert(
                        by.as_str().to_string(),
                        r.value.clone().map_or(Value::Null, Value::String),
                    );
                    object.insert("events".to_string(), Value::from(r.events));
                    Value::Object(object)
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        ListFormat::Csv => formats::csv::write_table(
            &mut out,
            &[by.as_str(), "events"],
            rows.iter().map(|r| {
                vec![
                    Cow::from(r.value.as_deref().unwrap_or("")),
                    Cow::from(r.events.to_string()),
                ]
            }),
        )?,
        ListFormat::Table if rows.is_empty() => writeln!(out, "No events match.")?,
        ListFormat::Table => writeln!(
            out,
            "{}",
            tables::stats(by.as_str(), &rows, Terminal::detect())
        )?,
    }
    out.flush()?;
    drop(out);
    if rows.is_empty() {
        super::suggest_names(ctx, &store, &filter)?;
    }
    Ok(())
}
