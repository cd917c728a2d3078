//! `events add-event`: record a new event and print its id.

use std::io::Write;

use anyhow::Result;

use crate::Context;
use crate::cli::AddEventArgs;
use crate::dates::compact_range;
use crate::model::EventRecord;
use crate::store::Store;

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
    let event = record
        .validate()
        .map_err(|errors| super::invalid_flags(errors, super::event_flag))?;

    let mut store = Store::open(&ctx.db_path)?;
    let same = store.find_same_event(&event.title, event.start)?;
    let near = store.near_organizations(&[&event.organizers[..], &event.partners[..]].concat())?;
    let id = store.add_event(&event)?;
    writeln!(std::io::stdout(), "{id}")?;
    super::note_near_names(ctx, &near);
    if let Some(other) = same {
        ctx.note(&format!(
            "warning: event {other} has the same title and start date; `events show {other}` to compare"
        ));
    }
    ctx.note(&format!(
        "Added event {id} ({}): {}",
        compact_range(event.start, event.end),
        event.title
    ));
    Ok(())
}
