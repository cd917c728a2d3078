//! Batch writes: one import is one transaction, whatever the number of records, and applying
//! the same record twice changes nothing the second time.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use super::curate::add_aliases;
use super::entity::{ORGANIZATION, PERSON};
use super::events::{
    Names, Sessions, canonical, event_with_key, find_same_event, get_event, insert_event,
    insert_links, insert_participant, now, organization_id, person_id, refresh_search,
    resolve_event, session_id, touch_event, update_event_row,
};
use super::schema::FTS_FILL;
use crate::model::{AliasRecord, Event, NewEvent, NewParticipant, name_key};

/// What applying one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Nothing: the record matches (by key, or by title and start date) an event that an
    /// earlier record of the same import, on this line, already wrote.
    SameAsLine(u64),
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

/// An import in progress: a write transaction that is committed or rolled back as a whole.
pub struct Import<'a> {
    tx: Transaction<'a>,
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
    /// The largest organization and person ids before the import: those after are its own.
    last_ids: [i64; 2],
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
            last_ids,
        })
        .and_then(|import| {
            // Which event each record of this import wrote, by line: a second record for the
            // same event is an error. On disk, not in memory, so that memory does not grow
            // with the file. Dropped with the transaction.
            import.tx.execute_batch(
                "CREATE TEMP TABLE import_line (event_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)",
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
        let existing = match &event.key {
            Some(key) => event_with_key(&self.tx, key)?,
            None => {
                // Records without a key are matched by title and start date: that index
                // is needed from here on.
                self.build_now(TITLE_INDEX)?;
                find_same_event(&self.tx, &event.title, event.start)?
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
            None => (
                insert_event(&self.tx, &mut self.names, event, &self.stamp)?,
                Outcome::Created,
            ),
            Some(id) => {
                let stored = self.load(id)?;
                let merged;
                let event = if absent.is_empty() {
                    event
                } else {
                    merged = {
                        let mut e = event.clone();
                        e.keep_absent(&stored, absent);
                        e
                    };
                    &merged
                };
                if same_event(&stored, &canonical(&self.tx, event)?) {
                    (id, Outcome::Unchanged)
                } else {
                    self.replace(id, event)?;
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
            Outcome::SameAsLine(_) => {}
        }
        Ok(outcome)
    }

    /// Adds a participation to an existing event (id or key) unless an identical one is there.
    /// `Ok(None)` when there is no such event.
    pub fn apply_participant(
        &mut self,
        event_ref: &str,
        p: &NewParticipant,
    ) -> Result<Option<Outcome>> {
        let Some(event_id) = resolve_event(&self.tx, event_ref)? else {
            return Ok(None);
        };
        let outcome = if self.has_participation(event_id, p)? {
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
    pub fn apply_aliases(&mut self, record: &AliasRecord) -> Result<Result<(), (String, String)>> {
        let (entity, id) = match (&record.organization, &record.person) {
            (Some(name), _) => (
                &ORGANIZATION,
                self.names.organization(&self.tx, name, &self.stamp)?,
            ),
            (None, Some(name)) => (&PERSON, self.names.person(&self.tx, name, &self.stamp)?),
            (None, None) => return Ok(Ok(())),
        };
        Ok(
            add_aliases(&self.tx, entity, id, &record.aliases)?.map(|added| {
                self.stats.aliases_added += added;
            }),
        )
    }

    /// Builds a deferred index now rather than at the end.
    fn build_now(&mut self, name: &str) -> Result<()> {
        if let Some(at) = self.deferred_indexes.iter().position(|(n, _)| n == name) {
            let (_, sql) = self.deferred_indexes.remove(at);
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// Whether the event already has a participation recording exactly this.
    fn has_participation(&self, event_id: i64, p: &NewParticipant) -> Result<bool> {
        let Some(person) = person_id(&self.tx, &p.name)? else {
            return Ok(false);
        };
        let org = match &p.organization {
            None => None,
            Some(name) => match organization_id(&self.tx, name)? {
                Some(id) => Some(id),
                None => return Ok(false),
            },
        };
        let session = match &p.session {
            None => None,
            Some(name) => match session_id(&self.tx, event_id, name)? {
                Some(id) => Some(id),
                None => return Ok(false),
            },
        };
        Ok(self
            .tx
            .prepare_cached(
                // Texts compared as the filters compare them: case and spacing aside.
                "SELECT EXISTS (SELECT 1 FROM participation
                  WHERE person_id = ?2 AND event_id = ?1 AND organization_id IS ?3
                    AND events_key(position) IS ?4 AND events_key(role) IS ?5
                    AND session_id IS ?6 AND events_key(contribution) IS ?7)",
            )?
            .query_row(
                params![
                    event_id,
                    person,
                    org,
                    p.position.as_deref().map(name_key),
                    p.role.as_deref().map(name_key),
                    session,
                    p.contribution.as_deref().map(name_key)
                ],
                |r| r.get(0),
            )?)
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

    /// Overwrites the event's fields and replaces all its links. A record without a key
    /// leaves the stored key as it is.
    fn replace(&mut self, id: i64, event: &NewEvent) -> Result<()> {
        update_event_row(&self.tx, id, event, &self.stamp, true)?;
        for sql in [
            "DELETE FROM participation WHERE event_id = ?1",
            "DELETE FROM session WHERE event_id = ?1",
            "DELETE FROM event_organization WHERE event_id = ?1",
            "DELETE FROM event_tag WHERE event_id = ?1",
        ] {
            self.tx.prepare_cached(sql)?.execute([id])?;
        }
        insert_links(&self.tx, &mut self.names, id, event, &self.stamp)
    }
}

fn keys_eq(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(name_key) == b.map(name_key)
}

fn names_eq(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| name_key(a) == name_key(b))
}

/// Whether storing `new` over `stored` would change nothing a user can see. Organizations
/// and people are compared by name key, since they resolve to the same entity.
fn same_event(stored: &Event, new: &NewEvent) -> bool {
    let key_same = new.key.is_none() || new.key == stored.key;
    key_same
        && stored.title == new.title
        && stored.kind == new.kind
        && stored.start == new.start
        && stored.end == new.end
        && stored.mode == new.mode
        && stored.location == new.location
        && stored.region == new.region
        && stored.project == new.project
        && stored.description == new.description
        && stored.source == new.source
        && stored.tags == new.tags
        && names_eq(&stored.organizers, &new.organizers)
        && names_eq(&stored.partners, &new.partners)
        && stored.sessions == new.sessions
        && stored.participants.len() == new.participants.len()
        && stored
            .participants
            .iter()
            .zip(&new.participants)
            .all(|(s, n)| {
                name_key(&s.name) == name_key(&n.name)
                    && keys_eq(s.organization.as_deref(), n.organization.as_deref())
                    && s.position == n.position
                    && s.role == n.role
                    && keys_eq(s.session.as_deref(), n.session.as_deref())
                    && s.contribution == n.contribution
            })
}
