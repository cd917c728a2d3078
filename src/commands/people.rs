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
    let people = store.people(org.as_deref())?.unwrap_or_default();
    // Closed once read unless needed for suggestions: its page cache (up to 16 MB on SQLite)
    // is then free for the table's cells.
    let mut store = if people.is_empty() {
        Some(store)
    } else {
        drop(store);
        None
    };
    super::print_view(
        args.format,
        &people,
        &[
            "name",
            "aliases",
            "events",
            "position",
            "organization",
            "first",
            "last",
        ],
        people.iter().map(|p| {
            vec![
                Cow::from(p.name.as_str()),
                Cow::from(p.aliases.join("; ")),
                Cow::from(p.events.to_string()),
                Cow::from(p.position.as_deref().unwrap_or("")),
                Cow::from(p.organization.as_deref().unwrap_or("")),
                Cow::from(p.first.as_deref().unwrap_or("")),
                Cow::from(p.last.as_deref().unwrap_or("")),
            ]
        }),
        people.is_empty().then_some("No people."),
        |out, term| tables::write_people(out, &people, term).map(drop),
    )?;
    if let (Some(store), Some(_)) = (store.as_mut(), args.org.as_ref()) {
        let filter = EventFilter {
            org: args.org.clone(),
            ..EventFilter::default()
        };
        super::suggest_names(ctx, &mut **store, &filter)?;
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
