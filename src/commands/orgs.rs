//! `events orgs`: every organization with its aliases and how it took part in events.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use anyhow::Result;

use crate::Context;
use crate::cli::{ListFormat, OrgsArgs};
use crate::formats;
use crate::render::{Terminal, tables};
use crate::store::Store;

pub fn run(ctx: &Context, args: &OrgsArgs) -> Result<()> {
    let store = Store::open_for_reading(&ctx.db_path)?;
    store.read_everything()?;
    let orgs = store.organizations(args.search.as_deref())?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &orgs)?;
            writeln!(out)?;
        }
        ListFormat::Csv => formats::csv::write_table(
            &mut out,
            &[
                "name",
                "aliases",
                "events",
                "as_organizer",
                "as_partner",
                "as_participant",
                "first",
                "last",
            ],
            orgs.iter().map(|o| {
                vec![
                    Cow::from(o.name.as_str()),
                    Cow::from(o.aliases.join("; ")),
                    Cow::from(o.events.to_string()),
                    Cow::from(o.as_organizer.to_string()),
                    Cow::from(o.as_partner.to_string()),
                    Cow::from(o.as_participant.to_string()),
                    Cow::from(o.first.as_deref().unwrap_or("")),
                    Cow::from(o.last.as_deref().unwrap_or("")),
                ]
            }),
        )?,
        ListFormat::Table if orgs.is_empty() => writeln!(out, "No organizations.")?,
        ListFormat::Table => writeln!(out, "{}", tables::organizations(&orgs, Terminal::detect()))?,
    }
    out.flush()?;
    Ok(())
}
