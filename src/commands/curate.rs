//! `events org alias|rename|merge` and `events person merge|alias|rename`: the same body
//! written three ways made one, without losing any name.

use anyhow::Result;

use crate::Context;
use crate::cli::{OrgCommand, PersonCommand};
use crate::model::normalize_name;
use crate::store::{AliasOutcome, EntityKind, StoreError};

const ORGANIZATION: EntityKind = EntityKind::Organization;
const PERSON: EntityKind = EntityKind::Person;

pub fn org(ctx: &Context, command: &OrgCommand) -> Result<()> {
    match command {
        OrgCommand::Alias { org, alias, remove } => {
            alias_of(ctx, ORGANIZATION, org, alias, *remove)
        }
        OrgCommand::Rename { org, new } => rename(ctx, ORGANIZATION, org, new),
        OrgCommand::Merge { keep, other } => merge(ctx, ORGANIZATION, keep, other),
    }
}

pub fn person(ctx: &Context, command: &PersonCommand) -> Result<()> {
    match command {
        PersonCommand::Merge { keep, other } => merge(ctx, PERSON, keep, other),
        PersonCommand::Alias {
            person,
            alias,
            remove,
        } => alias_of(ctx, PERSON, person, alias, *remove),
        PersonCommand::Rename { person, new } => rename(ctx, PERSON, person, new),
    }
}

/// A name as stored: white space normalized; refused when blank.
fn checked_name(what: &str, name: &str) -> Result<String> {
    let name = normalize_name(name);
    if name.is_empty() {
        anyhow::bail!("invalid {what} {name:?}: must not be empty");
    }
    Ok(name)
}

fn alias_of(
    ctx: &Context,
    entity: EntityKind,
    name: &str,
    alias: &str,
    remove: bool,
) -> Result<()> {
    let alias = checked_name("alias", alias)?;
    let mut store = super::open_existing(ctx, &format!("{} is called {name:?}", entity))?;
    let name = &store.resolved_name(entity, name)?;
    if remove {
        let name = store.remove_alias(entity, name, &alias)?;
        ctx.note(&format!("{alias:?} is no longer a name of {name:?}"));
        return Ok(());
    }
    match store.add_alias(entity, name, &alias)? {
        AliasOutcome::Added { name } => {
            ctx.note(&format!("{alias:?} is now another name of {name:?}"))
        }
        AliasOutcome::AlreadyThere { name } => ctx.note(&format!(
            "{alias:?} is already a name of {name:?}; nothing changed"
        )),
    }
    Ok(())
}

fn rename(ctx: &Context, entity: EntityKind, name: &str, new: &str) -> Result<()> {
    let new = checked_name("new name", new)?;
    let mut store = super::open_existing(ctx, &format!("{} is called {name:?}", entity))?;
    let name = &store.resolved_name(entity, name)?;
    let old = store.rename(entity, name, &new)?;
    if crate::model::name_key(&old) == crate::model::name_key(&new) {
        ctx.note(&format!("Renamed {old:?} to {new:?}"));
    } else {
        ctx.note(&format!(
            "Renamed {old:?} to {new:?}; {old:?} stays as an alias"
        ));
    }
    Ok(())
}

fn merge(ctx: &Context, entity: EntityKind, keep: &str, other: &str) -> Result<()> {
    let mut store = super::open_existing(ctx, &format!("{} is called {keep:?}", entity))?;
    let (typed_keep, typed_other) = (keep, other);
    let keep = &store.resolved_name(entity, keep)?;
    let other = &store.resolved_name(entity, other)?;
    let merged = match store.merge(entity, keep, other) {
        Ok(merged) => merged,
        // Both named as typed (one may be an initialism, the other a name), with the one
        // they are.
        Err(StoreError::AlreadyOne { kind, name, .. }) => {
            return Err(StoreError::AlreadyOne {
                kind,
                keep: normalize_name(typed_keep),
                other: normalize_name(typed_other),
                name,
            }
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let r = merged.report;
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let moved = if entity == ORGANIZATION {
        format!(
            "{} and {} moved",
            n(
                r.links,
                "organizer or partner link",
                "organizer or partner links"
            ),
            n(r.participations, "participation", "participations")
        )
    } else {
        format!(
            "{} moved",
            n(r.participations, "participation", "participations")
        )
    };
    let duplicates = if r.duplicates > 0 {
        format!(
            "; {} identical to another at the same event {} removed",
            n(r.duplicates, "participation", "participations"),
            if r.duplicates == 1 { "was" } else { "were" }
        )
    } else {
        String::new()
    };
    let both = if r.partner_links_dropped > 0 {
        format!(
            "; it was both organizer and partner of {}: it stays organizer",
            n(r.partner_links_dropped, "event", "events")
        )
    } else {
        String::new()
    };
    let heads = if r.heads_stepped_down > 0 {
        format!(
            "; where both delegations had a head ({}), the head of {:?} stays head",
            n(r.heads_stepped_down, "event", "events"),
            merged.keep,
        )
    } else {
        String::new()
    };
    ctx.note(&format!(
        "Merged {:?} into {:?}: {moved}; {} now {}{duplicates}{both}{heads}",
        merged.other,
        merged.keep,
        n(r.names, "name", "names"),
        if r.names == 1 {
            "is an alias"
        } else {
            "are aliases"
        }
    ));
    Ok(())
}
