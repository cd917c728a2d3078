//! Batch writes: one import is one transaction, whatever the number of records, and applying
//! the same record twice changes nothing the second time.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use super::curate::{add_aliases, merge_entities};
use super::entity::{ORGANIZATION, PERSON, find};
use super::events::{
    Names, Sessions, canonical, event_with_key, get_event, insert_event, insert_participant,
    keys_like, now, participant_refs, refresh_search, replace_event_orgs, replace_event_tags,
    resolve_event, same_events, same_participation, touch_event, update_event_row,
};
use super::schema::FTS_FILL;
use crate::model::{AliasRecord, Event, EventRef, FieldError, NewEvent, NewParticipant, name_key};

/// Why an alias record cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasProblem {
    /// The alias is already a name of another organization or person, `owner`.
    Taken { alias: String, owner: String },
    /// The alias names an organization that this import created, and making it one with the
    /// record's organization would make that organization both organizer and partner of
    /// `events` events (as the events of the file name them).
    BothRoles { alias: String, events: usize },
}

/// What applying one record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Nothing: the record matches (by key, or by title and start date) an event that an
    /// earlier record of the same import, on this line, already wrote.
    SameAsLine(u64),
    /// Nothing: the record has no key, and several stored events have its title and start
    /// date; these are their keys (the first few).
    Ambiguous(Vec<String>),
    /// Nothing: completed from the stored event, the record is not a valid event.
    Invalid(FieldError),
    /// Nothing: the record would make one organization both organizer and partner.
    BothRoles(RoleConflict),
}

/// One organization named both organizer and partner of an event by a record: directly,
/// under two of its names, or by one list of the record and the other, stored, list that the
/// record leaves as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConflict {
    /// The list of the record to blame: `partners`, or `organizers` when the record leaves
    /// out `partners`.
    pub field: &'static str,
    /// The name as that list gives it.
    pub name: String,
    /// The same organization's name as the other list gives it.
    pub other: String,
    /// Whether the other list is the stored one, which the record leaves out.
    pub other_kept: bool,
}

/// Counts of what an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub orgs_created: u64,
    pub people_created: u64,
    /// Other names given to organizations and people.
    pub aliases_added: u64,
}

/// The events an import created beside a stored event of the same title and start date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Twins {
    pub count: u64,
    /// The first: the created event's key, and the stored one's.
    pub first: Option<(String, String)>,
}

/// An import in progress: a write transaction that is committed or rolled back as a whole.
pub struct Import<'a> {
    tx: Transaction<'a>,
    /// Events created beside one of the same title and start date.
    twins: Twins,
    names: Names,
    stamp: String,
    stats: ImportStats,
    /// Events whose participants a participants file changed.
    touched: BTreeSet<i64>,
    /// Indexes dropped for a bulk load into an empty database, as `CREATE INDEX` statements
    /// to run again before the commit.
    deferred_indexes: Vec<(String, String)>,
    /// Whether this is such a bulk load, whose search index is built at the end too.
    bulk: bool,
    /// What the last record applied changed, when it updated an event.
    last_update: Option<Update>,
    /// The highest organization and person ids before the import: any higher one is an
    /// organization or person this import created.
    last_ids: [i64; 2],
    /// The event [`Import::stored_with_key`] read last: a partial record reads its event to
    /// complete itself, then [`Import::apply`] needs the same event, unchanged in between.
    preloaded: std::cell::RefCell<Option<Event>>,
}

/// Which fields an update changed, of which event (for `import --dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The event's key after the update, if it has one.
    pub key: Option<String>,
    pub title: String,
    pub start: NaiveDate,
    /// The fields that changed, in the order of the interchange shape.
    pub fields: Vec<&'static str>,
}

/// The index that finds a record without a key: built as soon as one comes.
const TITLE_INDEX: &str = "event_start_title";

/// Indexes that an import into an empty database builds once at the end rather than row by
/// row: building an index from sorted data is several times faster than inserting into it at
/// random. An import into an empty database never reads them (it never replaces an event it
/// did not write itself), but for the title index, built as soon as a record without a key
/// needs it. Unique indexes stay: they enforce the keys.
const DEFERRABLE_INDEXES: &[&str] = &[
    TITLE_INDEX,
    "event_start",
    "event_end",
    "participation_event",
    "event_tag_tag",
    "event_organization_organization",
    "participation_person",
    "participation_organization",
    "participation_session",
    "organization_name_organization",
    "person_name_person",
];

impl Store {
    /// Starts an import: takes the write lock for the whole of it.
    pub fn begin_import(&mut self) -> Result<Import<'_>> {
        // An 8 MiB page cache: measured fastest for a large import (bench/import.sh), and small.
        self.conn.pragma_update(None, "cache_size", -8192)?;
        let tx = self.write()?;
        let empty: bool =
            tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM event)", [], |r| r.get(0))?;
        let last_ids = super::near::last_ids(&tx)?;
        let mut deferred_indexes = Vec::new();
        if empty {
            let mut stmt = tx.prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            )?;
            let indexes: Vec<(String, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            for (name, sql) in indexes {
                if DEFERRABLE_INDEXES.contains(&name.as_str()) {
                    // The name comes from the schema, never from input.
                    tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                    deferred_indexes.push((name, sql));
                }
            }
        }
        Ok(Import {
            tx,
            names: Names::default(),
            stamp: now(),
            stats: ImportStats::default(),
            deferred_indexes,
            bulk: empty,
            touched: BTreeSet::new(),
            last_update: None,
            last_ids,
            preloaded: std::cell::RefCell::new(None),
            twins: Twins::default(),
        })
        .and_then(|import| {
            // Which event each record of this import wrote, by line: a second record for the
            // same event is an error. On disk, not in memory, so that memory does not grow
            // with the file. Dropped with the transaction.
            // Temporary tables belong to the connection, not to the transaction: one left by
            // an earlier import on this connection (committed with it) is replaced.
            import.tx.execute_batch(
                "DROP TABLE IF EXISTS temp.import_line;
                 CREATE TEMP TABLE import_line (event_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)",
            )?;
            Ok(import)
        })
    }
}

impl Import<'_> {
    /// Creates the event, or updates the one it matches (by key, else by title and start
    /// date), replacing its links with the record's. `line` is where the record is.
    /// Fields named in `absent` are ones the record cannot hold: a matched event keeps its own.
    pub fn apply(&mut self, event: &NewEvent, line: u64, absent: &[&str]) -> Result<Outcome> {
        // A record is matched by its key: every stored event has one, and every export
        // carries it. Ids are never matched: they are local to one database.
        self.last_update = None;
        // Read for this record by `stored_with_key`, if it was; never kept past it.
        let preloaded = self.preloaded.take();
        let existing = match &event.key {
            Some(key) => event_with_key(&self.tx, key)?,
            None => {
                // Only a record without a key (from some other source) is matched by title
                // and start date: that index is needed from here on.
                self.build_now(TITLE_INDEX)?;
                let mut same = same_events(&self.tx, &event.title, event.start)?;
                if same.len() > 1 {
                    return Ok(Outcome::Ambiguous(
                        same.into_iter().map(|e| e.key).collect(),
                    ));
                }
                same.pop().map(|e| e.id)
            }
        };
        if let Some(id) = existing {
            let earlier: Option<i64> = self
                .tx
                .prepare_cached("SELECT line FROM temp.import_line WHERE event_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if let Some(earlier) = earlier {
                return Ok(Outcome::SameAsLine(earlier.try_into().unwrap_or(0)));
            }
        }
        let (id, outcome) = match existing {
            None => {
                if let Some(conflict) = self.role_conflict(event, &[])? {
                    return Ok(Outcome::BothRoles(conflict));
                }
                // An event of the same title and start date already there (not in a bulk
                // load: the database was empty) may be this one under a key it had before.
                let twin = if self.bulk {
                    None
                } else {
                    same_events(&self.tx, &event.title, event.start)?
                        .into_iter()
                        .next()
                };
                let created = insert_event(&self.tx, &mut self.names, event, &self.stamp)?;
                if let Some(twin) = twin {
                    self.twins.count += 1;
                    if self.twins.first.is_none() {
                        self.twins.first = Some((created.key.clone(), twin.key));
                    }
                }
                (created.id, Outcome::Created)
            }
            Some(id) => {
                let stored = match preloaded {
                    Some(event) if event.id == id => event,
                    _ => self.load(id)?,
                };
                let mut event = event.clone();
                if let Err(e) = event.keep_absent(&stored, absent) {
                    return Ok(Outcome::Invalid(e));
                }
                if let Some(conflict) = self.role_conflict(&event, absent)? {
                    return Ok(Outcome::BothRoles(conflict));
                }
                let mut canonical = canonical(&self.tx, &event)?;
                collapse_participants(&mut event, &mut canonical);
                let fields = changed_fields(&stored, &canonical);
                if fields.is_empty() {
                    (id, Outcome::Unchanged)
                } else {
                    self.update(id, &event, &fields)?;
                    self.last_update = Some(Update {
                        key: event.key.clone().or(stored.key),
                        title: event.title.clone(),
                        start: event.start,
                        fields,
                    });
                    (id, Outcome::Updated)
                }
            }
        };
        // A bulk load indexes all its events for search at the end, in one go.
        if outcome != Outcome::Unchanged && !self.bulk {
            refresh_search(&self.tx, id)?;
        }
        self.tx
            .prepare_cached("INSERT INTO temp.import_line (event_id, line) VALUES (?1, ?2)")?
            .execute(params![id, i64::try_from(line).unwrap_or(i64::MAX)])?;
        match outcome {
            Outcome::Created => self.stats.created += 1,
            Outcome::Updated => self.stats.updated += 1,
            Outcome::Unchanged => self.stats.unchanged += 1,
            Outcome::SameAsLine(_)
            | Outcome::Ambiguous(_)
            | Outcome::Invalid(_)
            | Outcome::BothRoles(_) => {}
        }
        Ok(outcome)
    }

    /// Adds a participation to an existing event unless an identical one is there.
    /// `Ok(None)` when there is no such event.
    pub fn apply_participant(
        &mut self,
        event_ref: &EventRef,
        p: &NewParticipant,
    ) -> Result<Option<Outcome>> {
        self.preloaded.take();
        let Some(event_id) = resolve_event(&self.tx, event_ref)? else {
            return Ok(None);
        };
        let outcome = if same_participation(&self.tx, event_id, p, None)?.is_some() {
            self.stats.unchanged += 1;
            Outcome::Unchanged
        } else {
            insert_participant(
                &self.tx,
                &mut self.names,
                &mut Sessions::default(),
                event_id,
                p,
                &self.stamp,
            )?;
            // Its time stamp and search text are brought up to date once, at the end.
            self.touched.insert(event_id);
            self.stats.created += 1;
            Outcome::Created
        };
        Ok(Some(outcome))
    }

    /// Gives the organization or person that `record` names (created if new) the other names
    /// it lists. `Ok(Err((alias, owner)))` when an alias is a name of someone else.
    ///
    /// An alias record may come anywhere in a file: an event before it that named one of its
    /// aliases made that name a new organization or person of its own. Such a one, created by
    /// this import under the very name the record gives as an alias, is merged into the
    /// record's: what the file means is one entity. A name that was there before the import,
    /// or that this import gave to another as an alias, stays a conflict.
    pub fn apply_aliases(&mut self, record: &AliasRecord) -> Result<Result<(), AliasProblem>> {
        // A merge below may rename what an event read for a record names.
        self.preloaded.take();
        let (entity, id, floor) = match (&record.organization, &record.person) {
            (Some(name), _) => (
                &ORGANIZATION,
                self.names.organization(&self.tx, name, &self.stamp)?,
                self.last_ids[0],
            ),
            (None, Some(name)) => (
                &PERSON,
                self.names.person(&self.tx, name, &self.stamp)?,
                self.last_ids[1],
            ),
            (None, None) => return Ok(Ok(())),
        };
        for alias in &record.aliases {
            let Some(owner) = find(&self.tx, entity, alias)? else {
                continue;
            };
            if owner.id != id && owner.id > floor && name_key(&owner.name) == name_key(alias) {
                let report = merge_entities(&self.tx, entity, id, owner.id)?;
                // An event named one of the two as organizer and the other as partner: with
                // the alias record first, that event would have been refused; so it is here.
                if report.partner_links_dropped > 0 {
                    return Ok(Err(AliasProblem::BothRoles {
                        alias: alias.clone(),
                        events: report.partner_links_dropped,
                    }));
                }
                // Its names are now aliases (the record's among them), and it is not a new
                // entity of the import's after all.
                self.stats.aliases_added += report.names as u64;
                if entity.what == ORGANIZATION.what {
                    self.names.orgs_created = self.names.orgs_created.saturating_sub(1);
                } else {
                    self.names.people_created = self.names.people_created.saturating_sub(1);
                }
                self.names.forget();
            }
        }
        Ok(add_aliases(&self.tx, entity, id, &record.aliases)?
            .map(|added| {
                self.stats.aliases_added += added;
            })
            .map_err(|(alias, owner)| AliasProblem::Taken { alias, owner }))
    }

    /// Whether a stored event (or one this import wrote) has this key.
    pub fn has_key(&self, key: &str) -> Result<bool> {
        Ok(event_with_key(&self.tx, key)?.is_some())
    }

    /// Whether a stored event (or one this import wrote) has this id.
    pub fn has_id(&self, id: i64) -> Result<bool> {
        Ok(resolve_event(&self.tx, &EventRef::Id(id))?.is_some())
    }

    /// The stored keys equal to `text` but for case, as [`Store::keys_like`].
    pub fn keys_like(&self, text: &str) -> Result<Vec<String>> {
        keys_like(&self.tx, text)
    }

    /// Builds a deferred index now rather than at the end.
    fn build_now(&mut self, name: &str) -> Result<()> {
        if let Some(at) = self.deferred_indexes.iter().position(|(n, _)| n == name) {
            let (_, sql) = self.deferred_indexes.remove(at);
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// The first organization that `event` names both organizer and partner, compared as
    /// the organizations they resolve to (an alias is its organization's name). `absent` says
    /// which of the two lists the record leaves out (kept from the stored event).
    fn role_conflict(&self, event: &NewEvent, absent: &[&str]) -> Result<Option<RoleConflict>> {
        // Both lists as stored: nothing to say (and nothing to write).
        let both_kept = absent.contains(&"organizers") && absent.contains(&"partners");
        if both_kept || event.organizers.is_empty() || event.partners.is_empty() {
            return Ok(None);
        }
        let own_key = |name: &str| -> Result<String> {
            Ok(find(&self.tx, &ORGANIZATION, name)?
                .map_or_else(|| name_key(name), |found| name_key(&found.name)))
        };
        let mut organizers = Vec::with_capacity(event.organizers.len());
        for name in &event.organizers {
            organizers.push((own_key(name)?, name));
        }
        for partner in &event.partners {
            let key = own_key(partner)?;
            if let Some((_, organizer)) = organizers.iter().find(|(k, _)| *k == key) {
                // The list the record gives is the one to blame.
                let partners_kept = absent.contains(&"partners");
                let (field, name, other) = if partners_kept {
                    ("organizers", (*organizer).clone(), partner.clone())
                } else {
                    ("partners", partner.clone(), (*organizer).clone())
                };
                return Ok(Some(RoleConflict {
                    field,
                    name,
                    other,
                    other_kept: absent.contains(&"organizers") || partners_kept,
                }));
            }
        }
        Ok(None)
    }

    /// The organizations and people this import created whose names are close to another's
    /// (known before, or created earlier by the import).
    pub fn near_names(&self) -> Result<Vec<super::NearName>> {
        super::near::near_names_since(&self.tx, self.last_ids)
    }

    /// What has been done so far.
    pub fn stats(&self) -> ImportStats {
        ImportStats {
            orgs_created: self.names.orgs_created,
            people_created: self.names.people_created,
            ..self.stats
        }
    }

    /// Makes the import permanent.
    pub fn commit(self) -> Result<()> {
        for &id in &self.touched {
            touch_event(&self.tx, id, &self.stamp)?;
            refresh_search(&self.tx, id)?;
        }
        for (_, sql) in &self.deferred_indexes {
            self.tx.execute_batch(sql)?;
        }
        if self.bulk {
            self.tx.execute(FTS_FILL, [])?;
        }
        self.tx.execute_batch("DROP TABLE temp.import_line")?;
        self.tx.commit()?;
        Ok(())
    }

    /// Discards everything the import did.
    pub fn rollback(self) -> Result<()> {
        self.tx.rollback()?;
        Ok(())
    }

    fn load(&self, id: i64) -> Result<Event> {
        get_event(&self.tx, id)?.with_context(|| format!("event {id} has gone"))
    }

    /// Writes the `fields` that changed: the event's own fields, and each list that changed.
    /// Sessions and participations are updated where they differ, not replaced, so that the
    /// ones that stay keep their ids (a script may hold a participation's id). A record
    /// without a key leaves the stored key as it is.
    fn update(&mut self, id: i64, event: &NewEvent, fields: &[&str]) -> Result<()> {
        let changed = |field: &str| fields.contains(&field);
        update_event_row(&self.tx, id, event, &self.stamp, true)?;
        if changed("tags") {
            replace_event_tags(&self.tx, id, &event.tags)?;
        }
        if changed("organizers") || changed("partners") {
            replace_event_orgs(
                &self.tx,
                &mut self.names,
                id,
                event,
                &self.stamp,
                changed("organizers"),
                changed("partners"),
            )?;
        }
        if changed("sessions") || changed("participants") {
            self.update_sessions(id, &event.sessions)?;
            self.update_participants(id, &event.participants)?;
        }
        Ok(())
    }

    /// Makes the event's sessions `names`: the ones no longer named go (their participations
    /// lose the session, or go too, below), new ones come, a new spelling is taken.
    fn update_sessions(&mut self, event_id: i64, names: &[String]) -> Result<()> {
        let stored: Vec<(i64, String, String)> = self
            .tx
            .prepare_cached("SELECT id, name, name_key FROM session WHERE event_id = ?1")?
            .query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (session, name, key) in &stored {
            match names.iter().find(|n| name_key(n) == *key) {
                None => {
                    self.tx
                        .prepare_cached("DELETE FROM session WHERE id = ?1")?
                        .execute([session])?;
                }
                Some(new) if new != name => {
                    self.tx
                        .prepare_cached("UPDATE session SET name = ?2 WHERE id = ?1")?
                        .execute(params![session, new])?;
                }
                Some(_) => {}
            }
        }
        let mut sessions = Sessions::default();
        for name in names {
            sessions.id(&self.tx, event_id, name)?;
        }
        Ok(())
    }

    /// Makes the event's participations `wanted`, touching only the difference: a stored row
    /// that records exactly a wanted participation stays as it is; one of the same person that
    /// differs otherwise is updated in place; the rest are removed or added.
    fn update_participants(&mut self, event_id: i64, wanted: &[NewParticipant]) -> Result<()> {
        type Row = (
            i64,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        );
        let mut stored: Vec<(i64, Row)> = self
            .tx
            .prepare_cached(
                "SELECT id, person_id, organization_id, position, role, session_id, contribution
                   FROM participation WHERE event_id = ?1 ORDER BY id",
            )?
            .query_map([event_id], |r| {
                Ok((
                    r.get(0)?,
                    (
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut sessions = Sessions::default();
        let mut unmatched: Vec<(usize, Row)> = Vec::new();
        for (i, p) in wanted.iter().enumerate() {
            let (person, org, session) = participant_refs(
                &self.tx,
                &mut self.names,
                &mut sessions,
                event_id,
                p,
                &self.stamp,
            )?;
            let row: Row = (
                person,
                org,
                p.position.clone(),
                p.role.clone(),
                session,
                p.contribution.clone(),
            );
            match stored.iter().position(|(_, s)| *s == row) {
                Some(at) => {
                    stored.remove(at);
                }
                None => unmatched.push((i, row)),
            }
        }
        for (i, row) in unmatched {
            let p = &wanted[i];
            let same_person = stored.iter().position(|(_, s)| s.0 == row.0);
            match same_person {
                Some(at) => {
                    let (id, _) = stored.remove(at);
                    self.tx
                        .prepare_cached(
                            "UPDATE participation SET organization_id = ?2, position = ?3,
                                    role = ?4, session_id = ?5, contribution = ?6
                              WHERE id = ?1",
                        )?
                        .execute(params![id, row.1, row.2, row.3, row.4, row.5])?;
                }
                None => {
                    insert_participant(
                        &self.tx,
                        &mut self.names,
                        &mut sessions,
                        event_id,
                        p,
                        &self.stamp,
                    )?;
                }
            }
        }
        for (id, _) in stored {
            self.tx
                .prepare_cached("DELETE FROM participation WHERE id = ?1")?
                .execute([id])?;
        }
        Ok(())
    }

    /// The event with this key, with everything linked to it: what a record that leaves out
    /// its title or start date is completed from.
    pub fn stored_with_key(&self, key: &str) -> Result<Option<Event>> {
        match event_with_key(&self.tx, key)? {
            Some(id) => {
                let event = self.load(id)?;
                self.preloaded.replace(Some(event.clone()));
                Ok(Some(event))
            }
            None => Ok(None),
        }
    }

    /// The events created beside a stored one of the same title and start date.
    pub fn twins(&self) -> &Twins {
        &self.twins
    }

    /// What the last record applied changed, if it updated an event.
    pub fn last_update(&self) -> Option<&Update> {
        self.last_update.as_ref()
    }
}

/// Drops from `event` each participant that records the same as an earlier one, compared as
/// merges compare participations: the same person and organization (by the names they resolve
/// to, which `canonical` holds, index for index), the same session, position, role and
/// contribution, case and spacing aside. So a record never asks for two identical rows.
fn collapse_participants(event: &mut NewEvent, canonical: &mut NewEvent) {
    let mut seen = std::collections::HashSet::new();
    let keep: Vec<bool> = canonical
        .participants
        .iter()
        .map(|p| {
            let text = |t: &Option<String>| t.as_deref().map(name_key);
            seen.insert((
                name_key(&p.name),
                text(&p.organization),
                text(&p.session),
                text(&p.position),
                text(&p.role),
                text(&p.contribution),
            ))
        })
        .collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    for list in [&mut event.participants, &mut canonical.participants] {
        let mut at = keep.iter();
        list.retain(|_| *at.next().unwrap_or(&true));
    }
}

fn names_eq(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| name_key(a) == name_key(b))
}

/// Which fields storing `new` over `stored` would change, as a user sees them (none: the
/// record is already there). Organizations and people are compared by name key, since they
/// resolve to the same entity; sessions and participants as sets, since the order they are
/// listed in is only the order they were recorded in.
fn changed_fields(stored: &Event, new: &NewEvent) -> Vec<&'static str> {
    let participant = |name: &str,
                       org: Option<&str>,
                       position: &Option<String>,
                       role: &Option<String>,
                       session: Option<&str>,
                       contribution: &Option<String>| {
        (
            name_key(name),
            org.map(name_key),
            position.clone(),
            role.clone(),
            session.map(name_key),
            contribution.clone(),
        )
    };
    let mut stored_participants: Vec<_> = stored
        .participants
        .iter()
        .map(|p| {
            participant(
                &p.name,
                p.organization.as_deref(),
                &p.position,
                &p.role,
                p.session.as_deref(),
                &p.contribution,
            )
        })
        .collect();
    let mut new_participants: Vec<_> = new
        .participants
        .iter()
        .map(|p| {
            participant(
                &p.name,
                p.organization.as_deref(),
                &p.position,
                &p.role,
                p.session.as_deref(),
                &p.contribution,
            )
        })
        .collect();
    stored_participants.sort();
    new_participants.sort();
    let sorted = |names: &[String]| {
        let mut names = names.to_vec();
        names.sort();
        names
    };
    let checks = [
        ("key", new.key.is_some() && new.key != stored.key),
        ("title", stored.title != new.title),
        ("kind", stored.kind != new.kind),
        ("start", stored.start != new.start),
        ("end", stored.end != new.end),
        ("mode", stored.mode != new.mode),
        ("location", stored.location != new.location),
        ("region", stored.region != new.region),
        ("project", stored.project != new.project),
        ("description", stored.description != new.description),
        ("source", stored.source != new.source),
        ("tags", stored.tags != new.tags),
        ("organizers", !names_eq(&stored.organizers, &new.organizers)),
        ("partners", !names_eq(&stored.partners, &new.partners)),
        (
            "sessions",
            sorted(&stored.sessions) != sorted(&new.sessions),
        ),
        ("participants", stored_participants != new_participants),
    ];
    checks
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(field, _)| field)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventRecord;

    fn event(json: &str) -> NewEvent {
        serde_json::from_str::<EventRecord>(json)
            .unwrap()
            .validate()
            .unwrap()
    }

    #[test]
    fn imports_can_follow_each_other_on_one_connection() {
        let mut store = Store::open_in_memory().unwrap();
        let first = event(r#"{"key": "a", "title": "A", "start": "2021-03-16"}"#);
        let second = event(r#"{"key": "b", "title": "B", "start": "2021-03-17"}"#);
        let mut import = store.begin_import().unwrap();
        assert!(matches!(
            import.apply(&first, 1, &[]).unwrap(),
            Outcome::Created
        ));
        import.commit().unwrap();
        // A second import, committed; then a third, rolled back: each starts afresh, and
        // the first record of each is its own, whatever line earlier imports wrote.
        let mut import = store.begin_import().unwrap();
        assert!(matches!(
            import.apply(&first, 1, &[]).unwrap(),
            Outcome::Unchanged
        ));
        assert!(matches!(
            import.apply(&second, 2, &[]).unwrap(),
            Outcome::Created
        ));
        import.commit().unwrap();
        let mut import = store.begin_import().unwrap();
        assert!(matches!(
            import.apply(&second, 1, &[]).unwrap(),
            Outcome::Unchanged
        ));
        import.rollback().unwrap();
        let import = store.begin_import().unwrap();
        import.commit().unwrap();
    }
}
