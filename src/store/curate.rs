//! Curation: other names (aliases), renames and merges of organizations and people; editing
//! and removing events and participations. Nothing here removes an organization or a person
//! that something still refers to, and every change is one transaction.

use anyhow::{Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use super::entity::{Entity, Found, ORGANIZATION, find};
use super::events::{
    Names, Sessions, get_event, now, participant_refs, refresh_search, replace_event_orgs,
    replace_event_tags, same_participation, session_id, touch_event, update_event_row,
};
use crate::model::{Event, NewEvent, NewParticipant, ParticipantRecord, name_key};

fn require(conn: &Connection, entity: &Entity, name: &str) -> Result<Found> {
    find(conn, entity, name)?.ok_or_else(|| {
        anyhow::anyhow!(
            "no {} is called {name:?}; `events {}` lists them",
            entity.what,
            entity.listing
        )
    })
}

/// The error for a name that is already another entity's.
fn taken(entity: &Entity, name: &str, owner: &Found) -> anyhow::Error {
    anyhow::anyhow!(
        "{name:?} is already a name of another {}, {:?}; to make them one, use `events {} merge`",
        entity.what,
        owner.name,
        entity.command
    )
}

/// Gives entity `id` each of `aliases` that it does not have yet. Stops at the first that is
/// a name of another entity and returns it with that entity's name.
pub(super) fn add_aliases(
    conn: &Connection,
    entity: &Entity,
    id: i64,
    aliases: &[String],
) -> Result<Result<u64, (String, String)>> {
    let mut added = 0;
    for alias in aliases {
        match find(conn, entity, alias)? {
            Some(owner) if owner.id == id => {}
            Some(owner) => return Ok(Err((alias.clone(), owner.name))),
            None => {
                conn.prepare_cached(entity.insert_name)?.execute(params![
                    name_key(alias),
                    id,
                    alias
                ])?;
                added += 1;
            }
        }
    }
    Ok(Ok(added))
}

/// What an alias request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasOutcome {
    Added { name: String },
    AlreadyThere { name: String },
}

/// An edit found the record changed by another process between the caller's read and its
/// write: nothing was written. The caller reads the record again and redoes the edit, so two
/// edits of different fields at once both hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangedMeanwhile;

impl std::fmt::Display for ChangedMeanwhile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the record was changed by another process meanwhile; try again")
    }
}

impl std::error::Error for ChangedMeanwhile {}

/// An edit would make a participation record the same as another of its event, `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SameAsAnother {
    pub other: i64,
}

impl std::fmt::Display for SameAsAnother {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "participation {} already records that", self.other)
    }
}

impl std::error::Error for SameAsAnother {}

/// A participation: the event it belongs to and what it records.
fn participation(conn: &Connection, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.event_id, pe.name, o.name, p.position, p.role, s.name, p.contribution
               FROM participation p
               JOIN person pe ON pe.id = p.person_id
               LEFT JOIN organization o ON o.id = p.organization_id
               LEFT JOIN session s ON s.id = p.session_id
              WHERE p.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                ParticipantRecord {
                    name: r.get(1)?,
                    organization: r.get(2)?,
                    position: r.get(3)?,
                    role: r.get(4)?,
                    session: r.get(5)?,
                    contribution: r.get(6)?,
                },
            ))
        })
        .optional()?)
}

/// What a merge moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeReport {
    /// Organizer and partner links moved (organizations only).
    pub links: usize,
    /// Participations whose person or organization changed.
    pub participations: usize,
    /// Names (the merged one's own and its aliases) that became aliases.
    pub names: usize,
    /// Participations removed because the merge made them identical to another.
    pub duplicates: usize,
    /// Partner links removed where the merged organization became both organizer and
    /// partner of an event: it stays organizer.
    pub partner_links_dropped: usize,
}

/// Removes the participations that say the same as an older one of the same event: the same
/// person, organization and session, and the same position, role and contribution compared
/// as the filters compare them (case and spacing aside). `$column = ?1` says which
/// participations a change may have made alike. A macro so that each statement is a constant.
macro_rules! collapse_duplicates {
    ($column:literal) => {
        concat!(
            "DELETE FROM participation WHERE ",
            $column,
            " = ?1 AND EXISTS (
                SELECT 1 FROM participation q
                 WHERE q.event_id = participation.event_id
                   AND q.person_id = participation.person_id
                   AND q.organization_id IS participation.organization_id
                   AND q.session_id IS participation.session_id
                   AND events_key(q.position) IS events_key(participation.position)
                   AND events_key(q.role) IS events_key(participation.role)
                   AND events_key(q.contribution) IS events_key(participation.contribution)
                   AND q.id < participation.id)"
        )
    };
}

const COLLAPSE_BY_PERSON: &str = collapse_duplicates!("person_id");
const COLLAPSE_BY_ORGANIZATION: &str = collapse_duplicates!("organization_id");
const COLLAPSE_IN_EVENT: &str = collapse_duplicates!("event_id");

/// A change to an event's sessions, as `edit-event` asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEdit {
    /// Rename a session; onto the name of another session of the event, merge the two.
    Rename { old: String, new: String },
    /// Remove a session; its participations stay, with no session.
    Remove(String),
}

/// What session edits did beyond what they say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionsEdited {
    /// Sessions merged into another by a rename.
    pub merged: usize,
    /// Participations left with no session by a removal.
    pub unassigned: usize,
    /// Participations removed because they became identical to another.
    pub duplicates: usize,
}

/// Applies session edits to event `id`, in order. An edit naming a session the event does
/// not have is an error.
fn edit_sessions(tx: &Connection, id: i64, edits: &[SessionEdit]) -> Result<SessionsEdited> {
    let mut done = SessionsEdited::default();
    let session = |name: &str| -> Result<i64> {
        session_id(tx, id, name)?.ok_or_else(|| {
            anyhow::anyhow!(
                "event {id} has no session {name:?}; `events show {id}` lists its sessions"
            )
        })
    };
    for edit in edits {
        match edit {
            SessionEdit::Rename { old, new } => {
                let from = session(old)?;
                match session_id(tx, id, new)? {
                    Some(into) if into != from => {
                        tx.prepare_cached(
                            "UPDATE participation SET session_id = ?2 WHERE session_id = ?1",
                        )?
                        .execute(params![from, into])?;
                        tx.prepare_cached("DELETE FROM session WHERE id = ?1")?
                            .execute([from])?;
                        done.merged += 1;
                    }
                    // A new name, or a new spelling of the same name.
                    _ => {
                        tx.prepare_cached(
                            "UPDATE session SET name = ?2, name_key = ?3 WHERE id = ?1",
                        )?
                        .execute(params![from, new, name_key(new)])?;
                    }
                }
            }
            SessionEdit::Remove(name) => {
                let gone = session(name)?;
                done.unassigned += tx
                    .prepare_cached(
                        "UPDATE participation SET session_id = NULL WHERE session_id = ?1",
                    )?
                    .execute([gone])?;
                tx.prepare_cached("DELETE FROM session WHERE id = ?1")?
                    .execute([gone])?;
            }
        }
    }
    if !edits.is_empty() {
        done.duplicates = tx.prepare_cached(COLLAPSE_IN_EVENT)?.execute([id])?;
    }
    Ok(done)
}

/// What a merge did, with both names as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub keep: String,
    pub other: String,
    pub report: MergeReport,
}

impl Store {
    /// Makes `alias` another name of the entity known by `name`.
    pub fn add_alias(&mut self, entity: &Entity, name: &str, alias: &str) -> Result<AliasOutcome> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        let outcome = match find(&tx, entity, alias)? {
            Some(owner) if owner.id == found.id => AliasOutcome::AlreadyThere { name: found.name },
            Some(owner) => return Err(taken(entity, alias, &owner)),
            None => {
                tx.prepare_cached(entity.insert_name)?.execute(params![
                    name_key(alias),
                    found.id,
                    alias
                ])?;
                AliasOutcome::Added { name: found.name }
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Removes `alias` from the names of the entity known by `name`; returns its own name.
    /// Its own name cannot be removed (a rename changes it).
    pub fn remove_alias(&mut self, entity: &Entity, name: &str, alias: &str) -> Result<String> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        match find(&tx, entity, alias)? {
            None => bail!(
                "{alias:?} is not a name of {:?}; `events {}` lists the names of each",
                found.name,
                entity.listing
            ),
            Some(owner) if owner.id != found.id => bail!(
                "{alias:?} is not a name of {:?} but of another {}, {:?}",
                found.name,
                entity.what,
                owner.name
            ),
            Some(_) if name_key(alias) == name_key(&found.name) => bail!(
                "{alias:?} is the name of this {}, not an alias; to change it, use `events {} rename`",
                entity.what,
                entity.command
            ),
            Some(_) => {}
        }
        tx.prepare_cached(entity.delete_name)?
            .execute([name_key(alias)])?;
        tx.commit()?;
        Ok(found.name)
    }

    /// Renames the entity known by `name`; the old name stays as an alias. Returns the old name.
    pub fn rename(&mut self, entity: &Entity, name: &str, new: &str) -> Result<String> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        match find(&tx, entity, new)? {
            Some(owner) if owner.id != found.id => return Err(taken(entity, new, &owner)),
            // Already one of its names (perhaps spelt otherwise): that spelling becomes it.
            Some(_) => {
                tx.prepare_cached(entity.update_name)?
                    .execute(params![name_key(new), new])?;
            }
            None => {
                tx.prepare_cached(entity.insert_name)?.execute(params![
                    name_key(new),
                    found.id,
                    new
                ])?;
            }
        }
        tx.prepare_cached(entity.set_entity_name)?
            .execute(params![found.id, new])?;
        tx.commit()?;
        Ok(found.name)
    }

    /// Moves every link of `other` to `keep`; `other`'s names become aliases of `keep`, and
    /// `other` is no more.
    pub fn merge(&mut self, entity: &Entity, keep: &str, other: &str) -> Result<Merged> {
        let tx = self.write()?;
        let kept = require(&tx, entity, keep)?;
        let merged = require(&tx, entity, other)?;
        if kept.id == merged.id {
            bail!(
                "{keep:?} and {other:?} are already the same {}, {:?}",
                entity.what,
                kept.name
            );
        }
        let report = merge_entities(&tx, entity, kept.id, merged.id)?;
        tx.commit()?;
        Ok(Merged {
            keep: kept.name,
            other: merged.name,
            report,
        })
    }

    /// Overwrites an event's own fields with `event`'s, and its tags, organizers and partners
    /// where `lists` says they changed. Its sessions and participants stay as they are.
    /// Then applies `sessions`, the edits of its sessions, in order.
    /// `expected` is the event as the caller read it: if another process changed it since,
    /// nothing is written and the error is [`ChangedMeanwhile`] (read again, and redo).
    pub fn edit_event(
        &mut self,
        id: i64,
        expected: &Event,
        event: &NewEvent,
        lists: ListsChanged,
        sessions: &[SessionEdit],
    ) -> Result<SessionsEdited> {
        let tx = self.write()?;
        if get_event(&tx, id)?.as_ref() != Some(expected) {
            return Err(ChangedMeanwhile.into());
        }
        if let Some(key) = &event.key {
            let other: Option<i64> = tx
                .prepare_cached("SELECT id FROM event WHERE key = ?1 AND id <> ?2")?
                .query_row(params![key, id], |r| r.get(0))
                .optional()?;
            if let Some(other) = other {
                bail!("invalid --key {key:?}: event {other} has it already");
            }
        }
        let stamp = now();
        update_event_row(&tx, id, event, &stamp, false)?;
        let mut names = Names::default();
        if lists.tags {
            replace_event_tags(&tx, id, &event.tags)?;
        }
        if lists.organizers || lists.partners {
            replace_event_orgs(
                &tx,
                &mut names,
                id,
                event,
                &stamp,
                lists.organizers,
                lists.partners,
            )?;
        }
        let edited = edit_sessions(&tx, id, sessions)?;
        refresh_search(&tx, id)?;
        tx.commit()?;
        Ok(edited)
    }

    /// A participation: the event it belongs to and what it records.
    pub fn participation(&self, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
        participation(&self.conn, id)
    }

    /// Overwrites what participation `id` of event `event_id` records, provided it still
    /// records `expected` (what the caller read): else [`ChangedMeanwhile`], nothing written.
    pub fn edit_participation(
        &mut self,
        id: i64,
        event_id: i64,
        expected: &ParticipantRecord,
        p: &NewParticipant,
    ) -> Result<()> {
        let tx = self.write()?;
        if participation(&tx, id)?.as_ref() != Some(&(event_id, expected.clone())) {
            return Err(ChangedMeanwhile.into());
        }
        // A participation is recorded once: an edit must not make two say the same.
        if let Some(other) = same_participation(&tx, event_id, p, Some(id))? {
            return Err(SameAsAnother { other }.into());
        }
        let stamp = now();
        let mut names = Names::default();
        let (person, org, session) = participant_refs(
            &tx,
            &mut names,
            &mut Sessions::default(),
            event_id,
            p,
            &stamp,
        )?;
        tx.prepare_cached(
            "UPDATE participation SET person_id = ?2, organization_id = ?3, position = ?4,
                    role = ?5, session_id = ?6, contribution = ?7
              WHERE id = ?1",
        )?
        .execute(params![
            id,
            person,
            org,
            p.position,
            p.role,
            session,
            p.contribution
        ])?;
        touch_event(&tx, event_id, &stamp)?;
        refresh_search(&tx, event_id)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes one participation; the person and organization stay.
    pub fn remove_participation(&mut self, id: i64, event_id: i64) -> Result<()> {
        let tx = self.write()?;
        tx.prepare_cached("DELETE FROM participation WHERE id = ?1")?
            .execute([id])?;
        touch_event(&tx, event_id, &now())?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an event with its links, sessions and participations; organizations and
    /// people stay.
    pub fn remove_event(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        tx.prepare_cached("DELETE FROM event WHERE id = ?1")?
            .execute([id])?;
        tx.prepare_cached("DELETE FROM event_fts WHERE rowid = ?1")?
            .execute([id])?;
        tx.commit()?;
        Ok(())
    }
}

/// Moves every link of entity `other_id` to `keep_id`; `other_id`'s names become aliases of
/// `keep_id`, and `other_id` is no more. Used by `merge` and by an import whose alias record
/// names an entity that the same import created.
pub(super) fn merge_entities(
    conn: &Connection,
    entity: &Entity,
    keep_id: i64,
    other_id: i64,
) -> Result<MergeReport> {
    let mut report = MergeReport::default();
    if entity.what == ORGANIZATION.what {
        // Where both were linked to an event in the same role, one link is enough.
        let merged_links = conn.execute(
            "DELETE FROM event_organization
              WHERE organization_id = ?2 AND EXISTS (
                    SELECT 1 FROM event_organization k
                     WHERE k.event_id = event_organization.event_id
                       AND k.role = event_organization.role AND k.organization_id = ?1)",
            params![keep_id, other_id],
        )?;
        report.links = merged_links
            + conn.execute(
                "UPDATE event_organization SET organization_id = ?1 WHERE organization_id = ?2",
                params![keep_id, other_id],
            )?;
        // Where one was organizer and the other partner, the organizer's link stays.
        report.partner_links_dropped = conn.execute(
            "DELETE FROM event_organization
              WHERE organization_id = ?1 AND role = 'partner' AND EXISTS (
                    SELECT 1 FROM event_organization k
                     WHERE k.event_id = event_organization.event_id
                       AND k.organization_id = ?1 AND k.role = 'organizer')",
            [keep_id],
        )?;
        report.participations = conn.execute(
            "UPDATE participation SET organization_id = ?1 WHERE organization_id = ?2",
            params![keep_id, other_id],
        )?;
        report.duplicates = conn.execute(COLLAPSE_BY_ORGANIZATION, [keep_id])?;
    } else {
        report.participations = conn.execute(
            "UPDATE participation SET person_id = ?1 WHERE person_id = ?2",
            params![keep_id, other_id],
        )?;
        report.duplicates = conn.execute(COLLAPSE_BY_PERSON, [keep_id])?;
    }
    report.names = conn
        .prepare_cached(entity.move_names)?
        .execute(params![keep_id, other_id])?;
    conn.prepare_cached(entity.delete)?.execute([other_id])?;
    Ok(report)
}

/// Which of an event's lists an edit changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListsChanged {
    pub tags: bool,
    pub organizers: bool,
    pub partners: bool,
}
