//! `events add-event`: record a new event and print its id.

use std::io::Write;

use anyhow::{Result, bail};

use crate::Context;
use crate::cli::AddEventArgs;
use crate::dates::compact_range;
use crate::model::{EventRecord, Identity, key_problem};

pub fn run(ctx: &Context, args: &AddEventArgs) -> Result<()> {
    let record = EventRecord {
        id: None,
        key: args.key.clone(),
        title: args.title.clone(),
        kind: args.kind.clone(),
        start: args.start.clone(),
        end: args.end.clone(),
        mode: args.mode.clone(),
        location: args.location.clone(),
        region: args.region.clone(),
        project: args.project.clone(),
        description: args.description.clone(),
        source: args.source.clone(),
        tags: args.tag.clone(),
        organizers: args.organizer.clone(),
        partners: args.partner.clone(),
        sessions: Vec::new(),
        participants: Vec::new(),
    };
    let mut event = record
        .validate()
        .map_err(|errors| super::invalid_flags(errors, super::event_flag))?;
    if let Some(key) = &event.key
        && let Some(reason) = key_problem(key)
    {
        bail!("invalid --key {key:?}: {reason}");
    }

    let mut store = super::open(ctx)?;
    super::resolve_orgs(ctx, &mut *store, &mut event.organizers)?;
    super::resolve_orgs(ctx, &mut *store, &mut event.partners)?;
    let same = store.find_same_event(&event.title, event.start)?;
    let near = store.near_organizations(&[&event.organizers[..], &event.partners[..]].concat())?;
    let Identity { id, key } = store.add_event(&event)?;
    writeln!(std::io::stdout(), "{id}")?;
    super::note_near_names(ctx, &near);
    if let Some(other) = same {
        ctx.note(&format!(
            "warning: event {} ({}) has the same title and start date; `events show {}` to compare",
            other.id, other.key, other.id
        ));
    }
    // The key is said, generated or not: it is how other databases and files know the event.
    ctx.note(&format!(
        "Added event {id}, key {key} ({}): {}",
        compact_range(event.start, event.end),
        event.title
    ));
    Ok(())
}
