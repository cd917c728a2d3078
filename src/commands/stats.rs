//! `events stats --by ...`: how many events fall in each year, kind, mode, organization or
//! region, with a bar beside each count.

use std::borrow::Cow;

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde_json::{Map, Value};

use crate::Context;
use crate::cli::{StatsArgs, StatsByArg};
use crate::model::StatsBy;
use crate::render::tables;

pub fn run(ctx: &Context, args: &StatsArgs) -> Result<()> {
    if let Some(sort) = args.filter.sort {
        let sort = sort.to_possible_value().map(|v| v.get_name().to_string());
        bail!(
            "invalid --sort {:?}: it orders events, and stats lists groups (years in order, others most events first); leave it out",
            sort.unwrap_or_default()
        );
    }
    let mut filter = super::event_filter(&args.filter)?;
    let by = match args.by {
        StatsByArg::Year => StatsBy::Year,
        StatsByArg::Kind => StatsBy::Kind,
        StatsByArg::Mode => StatsBy::Mode,
        StatsByArg::Org => StatsBy::Org,
        StatsByArg::Region => StatsBy::Region,
    };
    let mut store = super::open_for_reading(ctx)?;
    super::resolve_filter(&mut *store, &mut filter)?;
    let rows = store.stats(by, &filter)?;
    let json: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut object = Map::new();
            object.insert(
                by.as_str().to_string(),
                r.value.clone().map_or(Value::Null, Value::String),
            );
            object.insert("events".to_string(), Value::from(r.events));
            if let Some(headed) = r.headed {
                object.insert("headed".to_string(), Value::from(headed));
            }
            Value::Object(object)
        })
        .collect();
    let header: &[&str] = if by == StatsBy::Org {
        &["org", "events", "headed"]
    } else {
        &[by.as_str(), "events"]
    };
    super::print_view(
        args.format,
        &json,
        header,
        rows.iter().map(|r| {
            let mut row = vec![
                Cow::from(r.value.as_deref().unwrap_or("")),
                Cow::from(r.events.to_string()),
            ];
            if let Some(headed) = r.headed {
                row.push(Cow::from(headed.to_string()));
            }
            row
        }),
        rows.is_empty().then_some("No events match."),
        |out, term| {
            Ok(writeln!(
                out,
                "{}",
                tables::stats(by.as_str(), &rows, term)
            )?)
        },
    )?;
    if rows.is_empty() {
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}
