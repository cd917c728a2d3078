//! `events add-participant`: record that someone took part in an event.

use std::io::Write;

use anyhow::Result;

use crate::Context;
use crate::cli::AddParticipantArgs;
use crate::model::ParticipantRecord;
use crate::store::ParticipantAdded;

pub fn run(ctx: &Context, args: &AddParticipantArgs) -> Result<()> {
    let record = ParticipantRecord {
        name: args.name.clone(),
        organization: args.org.clone(),
        position: args.position.clone(),
        role: args.role.clone(),
        session: args.session.clone(),
        contribution: args.contribution.clone(),
        head: args.head,
    };
    if record.head
        && record
            .organization
            .as_deref()
            .is_none_or(|o| o.trim().is_empty())
    {
        anyhow::bail!(
            "invalid --head: a head heads the delegation of an organization; give --org too"
        );
    }
    let mut participant = record.validate().map_err(|e| {
        super::invalid_flags(vec![e], |field| match field {
            "organization" => "org",
            other => other,
        })
    })?;

    let mut store = super::open_existing(ctx, &format!("event with id or key {:?}", args.event))?;
    let event_id = super::resolve_event(&mut *store, &args.event)?;
    if let Some(org) = &mut participant.organization {
        super::resolve_orgs(ctx, &mut *store, std::slice::from_mut(org))?;
    }
    let near = super::near_participant(&mut *store, &participant)?;
    // Idempotent, as a participants CSV is: the id is the one there, for scripts.
    let (id, already) = match store.add_participant(event_id, &participant)? {
        ParticipantAdded::New(id) => (id, None),
        ParticipantAdded::AlreadyThere(id) => (id, Some("nothing added")),
        ParticipantAdded::MadeHead(id) => (id, Some("it now heads its delegation")),
    };
    writeln!(std::io::stdout(), "{id}")?;
    if let Some(what) = already {
        ctx.note(&format!(
            "{} is already recorded as participation {id} of event {event_id}; {what}",
            participant.name
        ));
        return Ok(());
    }
    super::note_near_names(ctx, &near);
    ctx.note(&format!(
        "Added {} to event {event_id} (participation {id})",
        participant.name
    ));
    Ok(())
}
