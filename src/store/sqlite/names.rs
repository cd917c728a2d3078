//! The caches of an import or a write: organizations and people found or created by name,
//! and the sessions of one event, so that a long import does not look one name up a thousand
//! times.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::entity::{Entity, ORGANIZATION, PERSON, find_by_key};
use super::write::insert_rows;

use crate::model::{EntityKind, Named, name_key};
use crate::store::error::Result;

/// Finds organizations and people by name, creating them when new, and remembers the ids it
/// has seen so that a long import does not look the same name up a thousand times.
/// Each name's entity is remembered with its own name (what a state of the log shows).
///
/// Remembered by the name as written, not by its key: a name met again (nearly every one, in
/// an import) is found without computing its key (folding case allocates, and Unicode case is
/// slow) and with one hash. Two spellings of one name are two entries for the same entity.
#[derive(Default)]
pub(super) struct Names {
    orgs: NameCache,
    people: NameCache,
    /// The organizations and people created through this cache, in order, until taken:
    /// by id and the name they were given.
    pub created: Vec<(EntityKind, Named)>,
}

/// Names as written to what they name. Hashed with foldhash, several times faster than the
/// standard library's SipHash on short strings (an import hashes about fifteen names an
/// event); its seeds are random, per map.
type NameCache = HashMap<String, Cached, RandomState>;

/// What a name as written names: an id, and the entity's own name if it is not that name
/// (most are: the name it was created with). So a name met again is read from the key just
/// compared, not from a second string elsewhere in memory.
struct Cached {
    id: i64,
    own: Option<String>,
}

impl Cached {
    fn named(&self, name: &str) -> Named {
        Named {
            id: self.id,
            name: self.own.as_deref().unwrap_or(name).to_string(),
        }
    }
}

/// Past this many remembered names, the cache starts afresh, so memory stays bounded.
pub(super) const NAME_CACHE_LIMIT: usize = 200_000;

/// Finds the entity known by `name`, creating it if new; and whether this call created it.
fn find_or_create(
    conn: &Connection,
    entity: &Entity,
    cache: &mut NameCache,
    name: &str,
    stamp: &str,
) -> Result<(Named, bool)> {
    if let Some(cached) = cache.get(name) {
        return Ok((cached.named(name), false));
    }
    let key = name_key(name);
    let (found, created) = match find_by_key(conn, entity, &key)? {
        Some(found) => (
            Named {
                id: found.id,
                name: found.name,
            },
            false,
        ),
        None => {
            conn.prepare_cached(entity.insert)?
                .execute(params![name, stamp])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(entity.insert_name)?
                .execute(params![key, id, name])?;
            (
                Named {
                    id,
                    name: name.to_string(),
                },
                true,
            )
        }
    };
    if cache.len() >= NAME_CACHE_LIMIT {
        cache.clear();
    }
    let own = (found.name != name).then(|| found.name.clone());
    cache.insert(name.to_string(), Cached { id: found.id, own });
    Ok((found, created))
}

impl Names {
    /// Forgets every name seen: after a merge, a name may belong to another entity.
    pub(super) fn forget(&mut self) {
        self.orgs.clear();
        self.people.clear();
    }

    /// The organization or person known by `name` as written, if this cache has met it.
    pub(super) fn known(&self, kind: EntityKind, name: &str) -> Option<Named> {
        let cache = match kind {
            EntityKind::Organization => &self.orgs,
            EntityKind::Person => &self.people,
        };
        cache.get(name).map(|cached| cached.named(name))
    }

    /// The organization or person known by `name`, created if new; and whether this call
    /// created it (a name met before through this cache never was).
    pub(super) fn entity(
        &mut self,
        conn: &Connection,
        kind: EntityKind,
        name: &str,
        stamp: &str,
    ) -> Result<(i64, bool)> {
        let (named, created) = self.named(conn, kind, name, stamp)?;
        Ok((named.id, created))
    }

    /// The organization or person known by `name`, created if new, by id and own name; and
    /// whether this call created it.
    pub(super) fn named(
        &mut self,
        conn: &Connection,
        kind: EntityKind,
        name: &str,
        stamp: &str,
    ) -> Result<(Named, bool)> {
        let (named, created) = match kind {
            EntityKind::Organization => {
                find_or_create(conn, &ORGANIZATION, &mut self.orgs, name, stamp)?
            }
            EntityKind::Person => find_or_create(conn, &PERSON, &mut self.people, name, stamp)?,
        };
        if created {
            self.created.push((kind, named.clone()));
        }
        Ok((named, created))
    }
}

/// The sessions of one event met so far, by name key, with their names as stored, in the
/// order met (for a new event, the order they were created in).
#[derive(Default)]
pub(super) struct Sessions {
    met: Vec<(String, i64, String)>,
    /// Whether the event was just inserted: it has no session but those met here, so none
    /// is looked up.
    new_event: bool,
}

impl Sessions {
    /// The sessions of an event just inserted, which has none yet: those `names` names
    /// (each once, whatever its case and spacing), created now, several a statement, in
    /// the order named.
    pub(super) fn of_new_event<'a>(
        conn: &Connection,
        event_id: i64,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Sessions> {
        let mut met: Vec<(String, i64, String)> = Vec::new();
        for name in names {
            let key = name_key(name);
            if !met.iter().any(|(k, _, _)| *k == key) {
                met.push((key, 0, name.to_string()));
            }
        }
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(met.len() * 3);
        for (key, _, name) in &met {
            values.extend([&event_id as &dyn ToSql, name, key]);
        }
        if !met.is_empty() {
            let first = insert_rows(conn, "session (event_id, name, name_key)", 3, &values)?;
            for (id, (_, at, _)) in (first..).zip(&mut met) {
                *at = id;
            }
        }
        Ok(Sessions {
            met,
            new_event: true,
        })
    }

    /// The session of the event called `name`, created if new.
    pub(super) fn id(&mut self, conn: &Connection, event_id: i64, name: &str) -> Result<i64> {
        Ok(self.session(conn, event_id, name)?.0)
    }

    /// The session of the event called `name`, created if new: its id and its name as
    /// stored.
    pub(super) fn session(
        &mut self,
        conn: &Connection,
        event_id: i64,
        name: &str,
    ) -> Result<(i64, &str)> {
        let key = name_key(name);
        let at = match self.met.iter().position(|(k, _, _)| *k == key) {
            Some(at) => at,
            None => {
                let (id, stored) = if self.new_event {
                    (
                        insert_session(conn, event_id, name, &key)?,
                        name.to_string(),
                    )
                } else {
                    session_for(conn, event_id, name, &key)?
                };
                self.met.push((key, id, stored));
                self.met.len() - 1
            }
        };
        let (_, id, stored) = &self.met[at];
        Ok((*id, stored))
    }

    /// The names of the sessions met, in the order met.
    pub(super) fn names(&self) -> Vec<String> {
        self.met.iter().map(|(_, _, name)| name.clone()).collect()
    }
}

/// The id of the event's session called `name`, if any.
pub(super) fn session_id(conn: &Connection, event_id: i64, name: &str) -> Result<Option<i64>> {
    session_by_key(conn, event_id, &name_key(name))
}

fn session_by_key(conn: &Connection, event_id: i64, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM session WHERE event_id = ?1 AND name_key = ?2")?
        .query_row(params![event_id, key], |r| r.get(0))
        .optional()?)
}

/// The session of the event called `name`, created if new: its id and stored name.
fn session_for(conn: &Connection, event_id: i64, name: &str, key: &str) -> Result<(i64, String)> {
    let stored: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, name FROM session WHERE event_id = ?1 AND name_key = ?2")?
        .query_row(params![event_id, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some(stored) = stored {
        return Ok(stored);
    }
    Ok((insert_session(conn, event_id, name, key)?, name.to_string()))
}

/// A new session of the event; its id.
fn insert_session(conn: &Connection, event_id: i64, name: &str, key: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO session (event_id, name, name_key) VALUES (?1, ?2, ?3)")?
        .execute(params![event_id, name, key])?;
    Ok(conn.last_insert_rowid())
}
