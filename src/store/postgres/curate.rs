//! Aliases, renames and merges of organizations and people: the same rules and errors as the
//! SQLite backend's (`sqlite/curate.rs`), each change inside the caller's write transaction.
//! The key columns that SQLite computes with `events_key()`/`events_sort_key()` are written
//! here from Rust (`name_key`, `name_sort`), and duplicate participations are found by their
//! stored `*_key` columns. No search document holds an organization's or a person's name, so
//! nothing here has a search document to refresh.

use postgres::Transaction;

use super::entity::{find, of};
use super::history::Logged;

use crate::model::{EntityKind, name_key};
use crate::store::error::{Result, StoreError};
use crate::store::fold::sort_key;
use crate::store::{AliasOutcome, Found, MergeReport, Merged};

/// A count of rows as the reports count them.
fn rows(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn require(tx: &mut Transaction<'_>, kind: EntityKind, name: &str) -> Result<Found> {
    find(tx, kind, name)?.ok_or_else(|| StoreError::NotFound {
        kind,
        name: name.to_string(),
    })
}

/// The error for a name that is already another entity's.
fn taken(kind: EntityKind, name: &str, owner: &Found) -> StoreError {
    StoreError::NameTaken {
        kind,
        name: name.to_string(),
        owner: owner.name.clone(),
    }
}

/// The log's name of a command on organizations or people: `org alias`, `person merge`.
pub(super) fn command(kind: EntityKind, verb: &str) -> String {
    match kind {
        EntityKind::Organization => format!("org {verb}"),
        EntityKind::Person => format!("person {verb}"),
    }
}

/// Makes `alias` another name of the entity known by `name`.
pub(super) fn add_alias(
    tx: &mut Transaction<'_>,
    log: &mut Logged,
    kind: EntityKind,
    name: &str,
    alias: &str,
) -> Result<AliasOutcome> {
    let found = require(tx, kind, name)?;
    log.before(tx, kind.into(), found.id)?;
    Ok(match find(tx, kind, alias)? {
        Some(owner) if owner.id == found.id => AliasOutcome::AlreadyThere { name: found.name },
        Some(owner) => return Err(taken(kind, alias, &owner)),
        None => {
            tx.execute(of(kind).insert_name, &[&name_key(alias), &found.id, &alias])?;
            AliasOutcome::Added { name: found.name }
        }
    })
}

/// Removes `alias` from the names of the entity known by `name`; returns its own name.
/// Its own name cannot be removed (a rename changes it).
pub(super) fn remove_alias(
    tx: &mut Transaction<'_>,
    log: &mut Logged,
    kind: EntityKind,
    name: &str,
    alias: &str,
) -> Result<String> {
    let found = require(tx, kind, name)?;
    log.before(tx, kind.into(), found.id)?;
    match find(tx, kind, alias)? {
        None => {
            return Err(StoreError::NotAName {
                kind,
                alias: alias.to_string(),
                of: found.name,
            });
        }
        Some(owner) if owner.id != found.id => {
            return Err(StoreError::NameOfAnother {
                kind,
                alias: alias.to_string(),
                of: found.name,
                owner: owner.name,
            });
        }
        Some(_) if name_key(alias) == name_key(&found.name) => {
            return Err(StoreError::OwnName {
                kind,
                alias: alias.to_string(),
            });
        }
        Some(_) => {}
    }
    tx.execute(of(kind).delete_name, &[&name_key(alias)])?;
    Ok(found.name)
}

/// Renames the entity known by `name`; the old name stays as an alias. Returns the old name.
pub(super) fn rename(
    tx: &mut Transaction<'_>,
    log: &mut Logged,
    kind: EntityKind,
    name: &str,
    new: &str,
) -> Result<String> {
    let sql = of(kind);
    let found = require(tx, kind, name)?;
    log.before(tx, kind.into(), found.id)?;
    let key = name_key(new);
    match find(tx, kind, new)? {
        Some(owner) if owner.id != found.id => return Err(taken(kind, new, &owner)),
        // Already one of its names (perhaps spelt otherwise): that spelling becomes it.
        Some(_) => {
            tx.execute(sql.update_name, &[&key, &new])?;
        }
        None => {
            tx.execute(sql.insert_name, &[&key, &found.id, &new])?;
        }
    }
    tx.execute(
        sql.set_entity_name,
        &[&found.id, &new, &key, &sort_key(new)],
    )?;
    Ok(found.name)
}

/// Moves every link of `other` to `keep`; `other`'s names become aliases of `keep`, and
/// `other` is no more.
pub(super) fn merge(
    tx: &mut Transaction<'_>,
    log: &mut Logged,
    kind: EntityKind,
    keep: &str,
    other: &str,
) -> Result<Merged> {
    let kept = require(tx, kind, keep)?;
    let merged = require(tx, kind, other)?;
    if kept.id == merged.id {
        return Err(StoreError::AlreadyOne {
            kind,
            keep: keep.to_string(),
            other: other.to_string(),
            name: kept.name,
        });
    }
    // The one kept, the one merged, and every event whose links move.
    log.journal()
        .set_subject(format!("{:?} into {:?}", merged.name, kept.name));
    log.before(tx, kind.into(), kept.id)?;
    log.before(tx, kind.into(), merged.id)?;
    log.before_events_using(tx, kind, merged.id)?;
    let report = merge_entities(tx, kind, kept.id, merged.id)?;
    Ok(Merged {
        keep: kept.name,
        other: merged.name,
        report,
    })
}

/// Whether participation `q` says the same as `p`, older: the same person, organization and
/// session, and the same position, role and contribution compared as the filters compare
/// them (by their keys: case and spacing aside). Whether either heads the delegation does
/// not count: the one kept heads it if either did.
macro_rules! same_older {
    ($what:literal) => {
        concat!(
            "SELECT ",
            $what,
            " FROM participation q
              WHERE q.event_id = p.event_id
                AND q.person_id = p.person_id
                AND q.organization_id IS NOT DISTINCT FROM p.organization_id
                AND q.session_id IS NOT DISTINCT FROM p.session_id
                AND q.position_key IS NOT DISTINCT FROM p.position_key
                AND q.role_key IS NOT DISTINCT FROM p.role_key
                AND q.contribution_key IS NOT DISTINCT FROM p.contribution_key
                AND q.id < p.id"
        )
    };
}

/// Removes the participations that say the same as an older one of the same event (see
/// `same_older`). `$column = $1` says which participations a change may have made alike.
/// A macro so that each statement is a constant. (Every row is judged against the table as
/// it was before the statement, so of three alike only the oldest stays, as in SQLite.)
macro_rules! collapse_duplicates {
    ($column:literal) => {
        concat!(
            "DELETE FROM participation p WHERE p.",
            $column,
            " = $1 AND EXISTS (",
            same_older!("1"),
            ")"
        )
    };
}

/// The oldest participation that each head to be removed by `collapse_duplicates!` says the
/// same as: it heads the delegation in its stead.
macro_rules! heirs_of_heads {
    ($column:literal) => {
        concat!(
            "SELECT (",
            same_older!("min(q.id)"),
            ") FROM participation p WHERE p.",
            $column,
            " = $1 AND p.head AND EXISTS (",
            same_older!("1"),
            ")"
        )
    };
}

/// The statements that collapse duplicates: which heads pass to whom, and the deletion.
pub(super) struct Collapse {
    heirs: &'static str,
    delete: &'static str,
}

const COLLAPSE_BY_PERSON: Collapse = Collapse {
    heirs: heirs_of_heads!("person_id"),
    delete: collapse_duplicates!("person_id"),
};
/// The same within event `$1` (after an edit renames or removes its sessions).
pub(super) const COLLAPSE_IN_EVENT: Collapse = Collapse {
    heirs: heirs_of_heads!("event_id"),
    delete: collapse_duplicates!("event_id"),
};
const COLLAPSE_BY_ORGANIZATION: Collapse = Collapse {
    heirs: heirs_of_heads!("organization_id"),
    delete: collapse_duplicates!("organization_id"),
};

/// Removes the participations that `collapse` finds the same as an older one (of those with
/// `id` in its column); an older one takes the head of a delegation from one removed (after
/// it is gone: a delegation has one head at a time). Returns how many were removed.
pub(super) fn collapse_alike(
    tx: &mut Transaction<'_>,
    collapse: &Collapse,
    id: i64,
) -> Result<u64> {
    let heirs: Vec<i64> = tx
        .query(collapse.heirs, &[&id])?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let removed = tx.execute(collapse.delete, &[&id])?;
    if !heirs.is_empty() {
        tx.execute(
            "UPDATE participation SET head = true WHERE id = ANY($1)",
            &[&heirs],
        )?;
    }
    Ok(removed)
}

/// Moves every link of entity `other_id` to `keep_id`; `other_id`'s names become aliases of
/// `keep_id`, and `other_id` is no more. Used by `merge`; an import whose alias record names
/// an entity that the same import created needs the same (`ImportTxn::absorb`).
pub(super) fn merge_entities(
    tx: &mut Transaction<'_>,
    kind: EntityKind,
    keep_id: i64,
    other_id: i64,
) -> Result<MergeReport> {
    let mut report = MergeReport::default();
    match kind {
        EntityKind::Organization => {
            // Where both were linked to an event in the same role, one link is enough.
            let merged_links = tx.execute(
                "DELETE FROM event_organization l
                  WHERE l.organization_id = $2 AND EXISTS (
                        SELECT 1 FROM event_organization k
                         WHERE k.event_id = l.event_id
                           AND k.role = l.role AND k.organization_id = $1)",
                &[&keep_id, &other_id],
            )?;
            let moved = tx.execute(
                "UPDATE event_organization SET organization_id = $1 WHERE organization_id = $2",
                &[&keep_id, &other_id],
            )?;
            report.links = rows(merged_links + moved);
            // Where one was organizer and the other partner, the organizer's link stays.
            report.partner_links_dropped = rows(tx.execute(
                "DELETE FROM event_organization l
                  WHERE l.organization_id = $1 AND l.role = 'partner' AND EXISTS (
                        SELECT 1 FROM event_organization k
                         WHERE k.event_id = l.event_id
                           AND k.organization_id = $1 AND k.role = 'organizer')",
                &[&keep_id],
            )?);
            // Where both delegations at an event had a head, the kept organization's stays
            // head; the other's is a member of the one delegation.
            report.heads_stepped_down = rows(tx.execute(
                "UPDATE participation p SET head = false
                  WHERE p.organization_id = $2 AND p.head AND EXISTS (
                        SELECT 1 FROM participation k
                         WHERE k.event_id = p.event_id AND k.organization_id = $1 AND k.head)",
                &[&keep_id, &other_id],
            )?);
            report.participations = rows(tx.execute(
                "UPDATE participation SET organization_id = $1 WHERE organization_id = $2",
                &[&keep_id, &other_id],
            )?);
            report.duplicates = rows(collapse_alike(tx, &COLLAPSE_BY_ORGANIZATION, keep_id)?);
        }
        EntityKind::Person => {
            report.participations = rows(tx.execute(
                "UPDATE participation SET person_id = $1 WHERE person_id = $2",
                &[&keep_id, &other_id],
            )?);
            report.duplicates = rows(collapse_alike(tx, &COLLAPSE_BY_PERSON, keep_id)?);
        }
    }
    let sql = of(kind);
    report.names = rows(tx.execute(sql.move_names, &[&keep_id, &other_id])?);
    tx.execute(sql.delete, &[&other_id])?;
    Ok(report)
}
