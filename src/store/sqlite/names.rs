//! The caches of an import or a write: organizations and people found or created by name,
//! and the sessions of one event, so that a long import does not look one name up a thousand
//! times.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::entity::{Entity, ORGANIZATION, PERSON, find_by_key};

use crate::model::{EntityKind, name_key};
use crate::store::error::Result;

/// Finds organizations and people by name, creating them when new, and remembers the ids it
/// has seen so that a long import does not look the same name up a thousand times.
#[derive(Default)]
pub(super) struct Names {
    orgs: HashMap<String, i64>,
    people: HashMap<String, i64>,
    /// The organizations and people created through this cache, in order, until taken.
    pub created: Vec<(EntityKind, i64)>,
}

/// Past this many remembered names, the cache starts afresh, so memory stays bounded.
pub(super) const NAME_CACHE_LIMIT: usize = 200_000;

/// Finds the entity known by `name`, creating it if new; and whether this call created it.
fn find_or_create(
    conn: &Connection,
    entity: &Entity,
    cache: &mut HashMap<String, i64>,
    name: &str,
    stamp: &str,
) -> Result<(i64, bool)> {
    let key = name_key(name);
    if let Some(&id) = cache.get(&key) {
        return Ok((id, false));
    }
    let (id, created) = match find_by_key(conn, entity, &key)? {
        Some(found) => (found.id, false),
        None => {
            conn.prepare_cached(entity.insert)?
                .execute(params![name, stamp])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(entity.insert_name)?
                .execute(params![key, id, name])?;
            (id, true)
        }
    };
    if cache.len() >= NAME_CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, id);
    Ok((id, created))
}

impl Names {
    /// Forgets every name seen: after a merge, a name may belong to another entity.
    pub(super) fn forget(&mut self) {
        self.orgs.clear();
        self.people.clear();
    }

    /// The organization known by `name`, created if new.
    pub(super) fn organization(
        &mut self,
        conn: &Connection,
        name: &str,
        stamp: &str,
    ) -> Result<i64> {
        Ok(self.entity(conn, EntityKind::Organization, name, stamp)?.0)
    }

    /// The person known by `name`, created if new.
    pub(super) fn person(&mut self, conn: &Connection, name: &str, stamp: &str) -> Result<i64> {
        Ok(self.entity(conn, EntityKind::Person, name, stamp)?.0)
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
        let (id, created) = match kind {
            EntityKind::Organization => {
                find_or_create(conn, &ORGANIZATION, &mut self.orgs, name, stamp)?
            }
            EntityKind::Person => find_or_create(conn, &PERSON, &mut self.people, name, stamp)?,
        };
        if created {
            self.created.push((kind, id));
        }
        Ok((id, created))
    }
}

/// The sessions of one event met so far, by name key.
#[derive(Default)]
pub(super) struct Sessions(Vec<(String, i64)>);

impl Sessions {
    /// The session of the event called `name`, created if new.
    pub(super) fn id(&mut self, conn: &Connection, event_id: i64, name: &str) -> Result<i64> {
        let key = name_key(name);
        if let Some((_, id)) = self.0.iter().find(|(k, _)| *k == key) {
            return Ok(*id);
        }
        let id = session_for(conn, event_id, name, &key)?;
        self.0.push((key, id));
        Ok(id)
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

/// The session of the event called `name`, created if new.
fn session_for(conn: &Connection, event_id: i64, name: &str, key: &str) -> Result<i64> {
    if let Some(id) = session_by_key(conn, event_id, key)? {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO session (event_id, name, name_key) VALUES (?1, ?2, ?3)")?
        .execute(params![event_id, name, key])?;
    Ok(conn.last_insert_rowid())
}
