//! Finding what a name, a key or a reference stands for: events, organizations, people.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::entity::{ORGANIZATION, PERSON, find};

use crate::model::{EventRef, Identity, name_key};
use crate::store::KeySpace;
use crate::store::error::Result;

/// The id of the organization known by `name` or an alias, if any.
pub(super) fn organization_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(find(conn, &ORGANIZATION, name)?.map(|found| found.id))
}

/// The id of the person known by `name` or an alias, if any.
pub(super) fn person_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(find(conn, &PERSON, name)?.map(|found| found.id))
}

/// The event a reference names, if any: an id is only ever looked up as an id, a key as a key.
pub(super) fn resolve_event(conn: &Connection, reference: &EventRef) -> Result<Option<i64>> {
    match reference {
        EventRef::Id(id) => Ok(conn
            .prepare_cached("SELECT id FROM event WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?),
        EventRef::Key(key) => event_with_key(conn, key),
    }
}

/// The stored keys equal to `text` but for case, `text` itself first if stored; a few at most.
/// Reads every key: only for a reference that found nothing.
pub(super) fn keys_like(conn: &Connection, text: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key FROM event WHERE events_key(key) = ?1 ORDER BY key = ?2 DESC, key LIMIT 5",
    )?;
    let keys = stmt
        .query_map(params![name_key(text), text], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// The event with this key, if any.
pub(super) fn event_with_key(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM event WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// The events with this title (compared as names are) and start date, oldest first; at most
/// a few, which is all a message needs.
pub(super) fn same_events(
    conn: &Connection,
    title: &str,
    start: NaiveDate,
) -> Result<Vec<Identity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key FROM event WHERE start_date = ?1 AND title_key = ?2 ORDER BY id LIMIT 5",
    )?;
    let found = stmt
        .query_map(params![start, name_key(title)], |r| {
            Ok(Identity {
                id: r.get(0)?,
                key: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found)
}

/// The keys events have and had, as [`crate::store::KeySpace`] asks: what
/// [`crate::store::GeneratedKeys`] needs to give a key, inside the caller's transaction.
pub(super) struct Keys<'a>(pub &'a Connection);

impl KeySpace for Keys<'_> {
    type Error = rusqlite::Error;

    fn key_taken(&mut self, key: &str) -> rusqlite::Result<bool> {
        self.0
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM event WHERE key = ?1)
                     OR EXISTS (SELECT 1 FROM retired_key WHERE key = ?1)",
            )?
            .query_row([key], |r| r.get(0))
    }

    fn suffixed_keys(&mut self, base: &str) -> rusqlite::Result<Vec<String>> {
        // Every key that starts with `BASE-` sorts between `BASE-` and `BASE.` ('.' follows
        // '-' in byte order, which is how SQLite compares text), so the indexes of both
        // tables find them; the caller keeps those with digits after the `-`.
        self.0
            .prepare_cached(
                "SELECT key FROM event WHERE key > ?1 || '-' AND key < ?1 || '.'
                 UNION ALL
                 SELECT key FROM retired_key WHERE key > ?1 || '-' AND key < ?1 || '.'",
            )?
            .query_map([base], |r| r.get(0))?
            .collect()
    }
}
