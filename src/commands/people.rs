//! `events people` (everyone, with their latest position) and `events person NAME` (one
//! person's history), and the person curation subcommands.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use anyhow::{Result, bail};

use crate::Context;
use crate::cli::{ListFormat, PeopleArgs, PersonAction, PersonArgs};
use crate::formats;
use crate::model::EventFilter;
use crate::render::{self, Style, Terminal, tables};

pub fn run(ctx: &Context, args: &PeopleArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let org = match args.org.as_deref() {
        Some(typed) => Some(super::org_name(&mut *store, typed)?),
        None => None,
    };
    let org = org.as_deref();
    // Written as read, one person at a time: there may be hundreds of thousands.
    let mut count = 0u64;
    match args.format {
        ListFormat::Json => {
            let mut out = render::data_stdout(Style::Json);
            let mut writer = formats::json::PrettyArrayWriter::new(&mut out);
            store.people(org, &mut |p| {
                count += 1;
                writer.write_value(&p)
            })?;
            writer.finish()?;
            out.flush()?;
        }
        ListFormat::Csv => {
            let mut out = render::data_stdout(Style::Text);
            let header = [
                "name",
                "aliases",
                "events",
                "position",
                "organization",
                "first",
                "last",
            ];
            let mut writer = formats::csv::TableWriter::new(&mut out, &header)?;
            store.people(org, &mut |p| {
                count += 1;
                writer.write(&[
                    Cow::from(p.name.as_str()),
                    Cow::from(p.aliases.join("; ")),
                    Cow::from(p.events.to_string()),
                    Cow::from(p.position.as_deref().unwrap_or("")),
                    Cow::from(p.organization.as_deref().unwrap_or("")),
                    Cow::from(p.first.as_deref().unwrap_or("")),
                    Cow::from(p.last.as_deref().unwrap_or("")),
                ])
            })?;
            writer.finish()?;
            out.flush()?;
        }
        ListFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            count =
                tables::write_people(&mut out, Terminal::detect(), &mut |f| store.people(org, f))?;
            if count == 0 {
                writeln!(out, "No people.")?;
            }
            out.flush()?;
        }
    }
    if count == 0 && args.org.is_some() {
        let filter = EventFilter {
            org: args.org.clone(),
            ..EventFilter::default()
        };
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}

pub fn person(ctx: &Context, args: &PersonArgs) -> Result<()> {
    // `person show merge` reaches a person whose name is a subcommand's.
    let (name, format) = match &args.command {
        Some(PersonAction::Curate(command)) => return super::curate::person(ctx, command),
        Some(PersonAction::Show(show)) => (show.name.as_str(), show.format),
        None => match args.name.as_deref() {
            Some(name) => (name, args.format),
            None => bail!("give a person's name"),
        },
    };
    let mut store = super::open_for_reading(ctx)?;
    let name = &store.resolved_name(crate::store::EntityKind::Person, name)?;
    let Some(history) = store.person_history(name)? else {
        let close = store.similar_people(name, 3)?;
        bail!("{}", super::no_such_name("no", "person", name, &close));
    };
    match format {
        ListFormat::Json => super::print_json(&history)?,
        ListFormat::Csv => {
            let mut out = render::data_stdout(Style::Text);
            formats::csv::write_table(
                &mut out,
                &[
                    "event",
                    "key",
                    "start",
                    "end",
                    "title",
                    "position",
                    "organization",
                    "role",
                    "session",
                    "contribution",
                    "head",
                    "participation",
                ],
                history.history.iter().map(|h| {
                    let opt = |v: &Option<String>| Cow::from(v.clone().unwrap_or_default());
                    vec![
                        Cow::from(h.event.to_string()),
                        opt(&h.key),
                        Cow::from(h.start.as_str()),
                        Cow::from(h.end.as_str()),
                        Cow::from(h.title.as_str()),
                        opt(&h.position),
                        opt(&h.organization),
                        opt(&h.role),
                        opt(&h.session),
                        opt(&h.contribution),
                        Cow::from(if h.head { "true" } else { "false" }),
                        Cow::from(h.participation.to_string()),
                    ]
                }),
            )?;
            out.flush()?;
        }
        ListFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let mut heading = history.name.clone();
            if !history.aliases.is_empty() {
                heading.push_str(&format!(" (also {})", history.aliases.join(", ")));
            }
            let n = history.history.len();
            heading.push_str(&format!(
                ": {n} {}",
                if n == 1 {
                    "participation"
                } else {
                    "participations"
                }
            ));
            let term = Terminal::detect();
            writeln!(out, "{}", tables::heading(&heading, term))?;
            if n > 0 {
                tables::write_history(&mut out, &history.history, term)?;
            }
            out.flush()?;
        }
    }
    Ok(())
}
