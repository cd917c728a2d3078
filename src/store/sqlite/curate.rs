//! Curation: other names (aliases), renames and merges of organizations and people; editing
//! and removing events and participations. Nothing here removes an organization or a person
//! that something still refers to, and every change is one transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::entity::{Entity, find};
use super::history::{self, Logged, events_using};
use super::names::{Names, Sessions, session_id};
use super::read::get_event;
use super::write::{
    check_head, now, participant_refs, refresh_search, replace_event_orgs, replace_event_tags,
    same_participation, touch_event, update_event_row, update_participation,
};

use crate::model::{
    EntityKind, Event, NewEvent, NewParticipant, ParticipantRecord, RecordKind, name_key,
};
use crate::store::error::{Result, StoreError};
use crate::store::history::refuse_changed_since;
use crate::store::{
    AliasConflict, AliasOutcome, Found, Journal, ListsChanged, MergeReport, Merged, SessionEdit,
    SessionsEdited,
};

/// The command an entity's curation is logged as: `org alias`, `person merge`...
fn command(entity: &Entity, verb: &str) -> String {
    match entity.kind {
        EntityKind::Organization => format!("org {verb}"),
        EntityKind::Person => format!("person {verb}"),
    }
}

fn require(conn: &Connection, entity: &Entity, name: &str) -> Result<Found> {
    find(conn, entity, name)?.ok_or_else(|| StoreError::NotFound {
        kind: entity.kind,
        name: name.to_string(),
    })
}

/// The error for a name that is already another entity's.
fn taken(entity: &Entity, name: &str, owner: &Found) -> StoreError {
    StoreError::NameTaken {
        kind: entity.kind,
        name: name.to_string(),
        owner: owner.name.clone(),
    }
}

/// Gives entity `id` each of `aliases` that it does not have yet. Stops at the first that is
/// a name of another entity and returns it with that entity's name.
pub(super) fn add_aliases(
    conn: &Connection,
    entity: &Entity,
    id: i64,
    aliases: &[String],
) -> Result<std::result::Result<u64, AliasConflict>> {
    let mut added = 0;
    for alias in aliases {
        match find(conn, entity, alias)? {
            Some(owner) if owner.id == id => {}
            Some(owner) => {
                return Ok(Err(AliasConflict {
                    alias: alias.clone(),
                    owner: owner.name,
                }));
            }
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

/// A participation: the event it belongs to and what it records.
fn participation(conn: &Connection, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.event_id, pe.name, o.name, p.position, p.role, s.name, p.contribution,
                    p.head
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
                    head: r.get(7)?,
                },
            ))
        })
        .optional()?)
}

/// Whether participation `q` says the same as `participation`, older: the same person,
/// organization and session, and the same position, role and contribution compared as the
/// filters compare them (case and spacing aside). Whether either heads the delegation does
/// not count: the one kept heads it if either did.
macro_rules! same_older {
    ($what:literal) => {
        concat!(
            "SELECT ",
            $what,
            " FROM participation q
          WHERE q.event_id = participation.event_id
            AND q.person_id = participation.person_id
            AND q.organization_id IS participation.organization_id
            AND q.session_id IS participation.session_id
            AND events_key(q.position) IS events_key(participation.position)
            AND events_key(q.role) IS events_key(participation.role)
            AND events_key(q.contribution) IS events_key(participation.contribution)
            AND q.id < participation.id"
        )
    };
}

/// Removes the participations that say the same as an older one of the same event (see
/// `same_older`). `$column = ?1` says which participations a change may have made alike.
/// A macro so that each statement is a constant.
macro_rules! collapse_duplicates {
    ($column:literal) => {
        concat!(
            "DELETE FROM participation WHERE ",
            $column,
            " = ?1 AND EXISTS (",
            same_older!("1"),
            ")"
        )
    };
}

/// The oldest participation that each head to be removed by `collapse_duplicates!` says
/// the same as: it heads the delegation in its stead.
macro_rules! heirs_of_heads {
    ($column:literal) => {
        concat!(
            "SELECT (",
            same_older!("min(q.id)"),
            ") FROM participation WHERE ",
            $column,
            " = ?1 AND head AND EXISTS (",
            same_older!("1"),
            ")"
        )
    };
}

/// The statements that collapse duplicates: which heads pass to whom, and the deletion.
struct Collapse {
    heirs: &'static str,
    delete: &'static str,
}

const COLLAPSE_BY_PERSON: Collapse = Collapse {
    heirs: heirs_of_heads!("person_id"),
    delete: collapse_duplicates!("person_id"),
};
const COLLAPSE_BY_ORGANIZATION: Collapse = Collapse {
    heirs: heirs_of_heads!("organization_id"),
    delete: collapse_duplicates!("organization_id"),
};
const COLLAPSE_IN_EVENT: Collapse = Collapse {
    heirs: heirs_of_heads!("event_id"),
    delete: collapse_duplicates!("event_id"),
};

/// Removes the participations that `collapse` finds the same as an older one (of those with
/// `id` in its column); an older one takes the head of a delegation from one removed (after
/// it is gone: a delegation has one head at a time). Returns how many were removed.
fn collapse_alike(conn: &Connection, collapse: &Collapse, id: i64) -> Result<usize> {
    let heirs = conn
        .prepare_cached(collapse.heirs)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let removed = conn.prepare_cached(collapse.delete)?.execute([id])?;
    for heir in heirs {
        super::write::set_head(conn, heir, true)?;
    }
    Ok(removed)
}

/// Applies session edits to event `id`, in order. An edit naming a session the event does
/// not have is an error.
fn edit_sessions(tx: &Connection, id: i64, edits: &[SessionEdit]) -> Result<SessionsEdited> {
    let mut done = SessionsEdited::default();
    let session = |name: &str| -> Result<i64> {
        session_id(tx, id, name)?.ok_or_else(|| StoreError::NoSession {
            event: id,
            name: name.to_string(),
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
        done.duplicates = collapse_alike(tx, &COLLAPSE_IN_EVENT, id)?;
    }
    Ok(done)
}

impl SqliteStore {
    /// Makes `alias` another name of the entity known by `name`.
    pub(super) fn add_alias(
        &mut self,
        entity: &Entity,
        name: &str,
        alias: &str,
    ) -> Result<AliasOutcome> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        let mut journal = Journal::new(command(entity, "alias"));
        history::before(&tx, &mut journal, entity.kind.into(), found.id)?;
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
        history::after(&tx, &mut journal, entity.kind.into(), found.id)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Removes `alias` from the names of the entity known by `name`; returns its own name.
    /// Its own name cannot be removed (a rename changes it).
    pub(super) fn remove_alias(
        &mut self,
        entity: &Entity,
        name: &str,
        alias: &str,
    ) -> Result<String> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        match find(&tx, entity, alias)? {
            None => {
                return Err(StoreError::NotAName {
                    kind: entity.kind,
                    alias: alias.to_string(),
                    of: found.name,
                });
            }
            Some(owner) if owner.id != found.id => {
                return Err(StoreError::NameOfAnother {
                    kind: entity.kind,
                    alias: alias.to_string(),
                    of: found.name,
                    owner: owner.name,
                });
            }
            Some(_) if name_key(alias) == name_key(&found.name) => {
                return Err(StoreError::OwnName {
                    kind: entity.kind,
                    alias: alias.to_string(),
                });
            }
            Some(_) => {}
        }
        let mut journal = Journal::new(command(entity, "alias"));
        history::before(&tx, &mut journal, entity.kind.into(), found.id)?;
        tx.prepare_cached(entity.delete_name)?
            .execute([name_key(alias)])?;
        history::after(&tx, &mut journal, entity.kind.into(), found.id)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(found.name)
    }

    /// Renames the entity known by `name`; the old name stays as an alias. Returns the old name.
    pub(super) fn rename(&mut self, entity: &Entity, name: &str, new: &str) -> Result<String> {
        let tx = self.write()?;
        let found = require(&tx, entity, name)?;
        let mut journal = Journal::new(command(entity, "rename"));
        history::before(&tx, &mut journal, entity.kind.into(), found.id)?;
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
        history::after(&tx, &mut journal, entity.kind.into(), found.id)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(found.name)
    }

    /// Moves every link of `other` to `keep`; `other`'s names become aliases of `keep`, and
    /// `other` is no more.
    pub(super) fn merge(&mut self, entity: &Entity, keep: &str, other: &str) -> Result<Merged> {
        let tx = self.write()?;
        let kept = require(&tx, entity, keep)?;
        let merged = require(&tx, entity, other)?;
        if kept.id == merged.id {
            return Err(StoreError::AlreadyOne {
                kind: entity.kind,
                keep: keep.to_string(),
                other: other.to_string(),
                name: kept.name,
            });
        }
        // The two, and every event whose links move.
        let kind: RecordKind = entity.kind.into();
        let mut journal = Journal::new(command(entity, "merge"));
        journal.set_subject(format!("{:?} into {:?}", merged.name, kept.name));
        history::before(&tx, &mut journal, kind, kept.id)?;
        history::before(&tx, &mut journal, kind, merged.id)?;
        let events = events_using(&tx, entity.kind, merged.id, usize::MAX)?;
        for &event in &events {
            history::before(&tx, &mut journal, RecordKind::Event, event)?;
        }
        let report = merge_entities(&tx, entity, kept.id, merged.id)?;
        history::after(&tx, &mut journal, kind, kept.id)?;
        history::after(&tx, &mut journal, kind, merged.id)?;
        for &event in &events {
            history::after(&tx, &mut journal, RecordKind::Event, event)?;
        }
        history::log(&tx, journal)?;
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
    /// nothing is written and the error is [`StoreError::ChangedMeanwhile`].
    pub(super) fn edit_event(
        &mut self,
        id: i64,
        expected: &Event,
        event: &NewEvent,
        lists: ListsChanged,
        sessions: &[SessionEdit],
        since: Option<&str>,
    ) -> Result<SessionsEdited> {
        let tx = self.write()?;
        let stored = get_event(&tx, id)?;
        if let (Some(since), Some(stored)) = (since, &stored) {
            refuse_changed_since(&mut Logged(&tx), id, &stored.updated_at, since)?;
        }
        if stored.as_ref() != Some(expected) {
            return Err(StoreError::ChangedMeanwhile);
        }
        let mut journal = Journal::new("edit-event");
        history::before(&tx, &mut journal, RecordKind::Event, id)?;
        if let Some(key) = &event.key {
            let other: Option<i64> = tx
                .prepare_cached("SELECT id FROM event WHERE key = ?1 AND id <> ?2")?
                .query_row(params![key, id], |r| r.get(0))
                .optional()?;
            if let Some(other) = other {
                return Err(StoreError::DuplicateKey {
                    key: key.clone(),
                    id: other,
                });
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
        history::after(&tx, &mut journal, RecordKind::Event, id)?;
        history::created(&tx, &mut journal, &names.created)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(edited)
    }

    /// A participation: the event it belongs to and what it records.
    pub(super) fn participation(&self, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
        participation(&self.conn, id)
    }

    /// Overwrites what participation `id` of event `event_id` records, provided it still
    /// records `expected` (what the caller read): else [`StoreError::ChangedMeanwhile`],
    /// nothing written.
    pub(super) fn edit_participation(
        &mut self,
        id: i64,
        event_id: i64,
        expected: &ParticipantRecord,
        p: &NewParticipant,
        since: Option<&str>,
    ) -> Result<()> {
        let tx = self.write()?;
        if let Some(since) = since {
            let updated_at: Option<String> = tx
                .prepare_cached("SELECT updated_at FROM event WHERE id = ?1")?
                .query_row([event_id], |r| r.get(0))
                .optional()?;
            if let Some(updated_at) = updated_at {
                refuse_changed_since(&mut Logged(&tx), event_id, &updated_at, since)?;
            }
        }
        if participation(&tx, id)?.as_ref() != Some(&(event_id, expected.clone())) {
            return Err(StoreError::ChangedMeanwhile);
        }
        let mut journal = Journal::new("edit-participant");
        history::before(&tx, &mut journal, RecordKind::Event, event_id)?;
        // A participation is recorded once: an edit must not make two say the same.
        if let Some(other) = same_participation(&tx, event_id, p, Some(id))? {
            return Err(StoreError::SameAsAnother { other });
        }
        // A second head of its delegation is refused before anything is written.
        if p.head
            && let Some(name) = &p.organization
            && let Some(org) = find(&tx, &super::entity::ORGANIZATION, name)?
        {
            check_head(&tx, event_id, org.id, Some(id))?;
        }
        let stamp = now();
        let mut names = Names::default();
        let refs = participant_refs(
            &tx,
            &mut names,
            &mut Sessions::default(),
            event_id,
            p,
            &stamp,
        )?;
        update_participation(&tx, id, refs, p)?;
        touch_event(&tx, event_id, &stamp)?;
        refresh_search(&tx, event_id)?;
        history::after(&tx, &mut journal, RecordKind::Event, event_id)?;
        history::created(&tx, &mut journal, &names.created)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes one participation; the person and organization stay.
    pub(super) fn remove_participation(&mut self, id: i64, event_id: i64) -> Result<()> {
        let tx = self.write()?;
        let mut journal = Journal::new("remove-participant");
        history::before(&tx, &mut journal, RecordKind::Event, event_id)?;
        tx.prepare_cached("DELETE FROM participation WHERE id = ?1")?
            .execute([id])?;
        touch_event(&tx, event_id, &now())?;
        history::after(&tx, &mut journal, RecordKind::Event, event_id)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an event with its links, sessions and participations; organizations and
    /// people stay.
    pub(super) fn remove_event(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        let mut journal = Journal::new("remove-event");
        history::before(&tx, &mut journal, RecordKind::Event, id)?;
        super::write::delete_event(&tx, id)?;
        journal.after(RecordKind::Event, id, None);
        history::log(&tx, journal)?;
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
    if entity.kind == EntityKind::Organization {
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
        // Where both delegations at an event had a head, the kept organization's stays head;
        // the other's is a member of the one delegation.
        report.heads_stepped_down = conn.execute(
            "UPDATE participation SET head = 0
              WHERE organization_id = ?2 AND head AND EXISTS (
                    SELECT 1 FROM participation k
                     WHERE k.event_id = participation.event_id
                       AND k.organization_id = ?1 AND k.head)",
            params![keep_id, other_id],
        )?;
        report.participations = conn.execute(
            "UPDATE participation SET organization_id = ?1 WHERE organization_id = ?2",
            params![keep_id, other_id],
        )?;
        report.duplicates = collapse_alike(conn, &COLLAPSE_BY_ORGANIZATION, keep_id)?;
    } else {
        report.participations = conn.execute(
            "UPDATE participation SET person_id = ?1 WHERE person_id = ?2",
            params![keep_id, other_id],
        )?;
        report.duplicates = collapse_alike(conn, &COLLAPSE_BY_PERSON, keep_id)?;
    }
    report.names = conn
        .prepare_cached(entity.move_names)?
        .execute(params![keep_id, other_id])?;
    conn.prepare_cached(entity.delete)?.execute([other_id])?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    use crate::model::test_event as event;

    #[test]
    fn an_edit_of_a_record_changed_meanwhile_writes_nothing() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let added = Store::add_event(
            &mut store,
            &event(r#"{"key": "a", "title": "A", "start": "2021-03-16"}"#),
        )
        .unwrap();
        let read = Store::get_event(&mut store, added.id).unwrap().unwrap();
        // Another process changes the event between this one's read and its write.
        let other = event(r#"{"key": "a", "title": "Other", "start": "2021-03-16"}"#);
        let lists = ListsChanged::default();
        Store::edit_event(&mut store, added.id, &read, &other, lists, &[], None).unwrap();
        let mine = event(r#"{"key": "a", "title": "Mine", "start": "2021-03-16"}"#);
        let err =
            Store::edit_event(&mut store, added.id, &read, &mine, lists, &[], None).unwrap_err();
        assert!(matches!(err, StoreError::ChangedMeanwhile), "{err:?}");
        let now = Store::get_event(&mut store, added.id).unwrap().unwrap();
        assert_eq!(now.title, "Other");
    }

    #[test]
    fn a_generated_key_is_never_given_again() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let record = event(r#"{"title": "A", "start": "2021-03-16"}"#);
        let first = Store::add_event(&mut store, &record).unwrap();
        let second = Store::add_event(&mut store, &record).unwrap();
        assert_eq!(second.key, format!("{}-2", first.key));
        Store::remove_event(&mut store, second.id).unwrap();
        Store::remove_event(&mut store, first.id).unwrap();
        // Both keys are retired: the next event of that title and date gets a third.
        let third = Store::add_event(&mut store, &record).unwrap();
        assert_eq!(third.key, format!("{}-3", first.key));
    }
}
