//! Finding what a name, a key or a reference stands for: events, organizations, people.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::entity::{ORGANIZATION, PERSON, find};
use super::names::NAME_CACHE_LIMIT;

use crate::model::{EventRef, Identity, generated_key, name_key};
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

/// A key no event has, nor had, for an event with this title and start date:
/// [`generated_key`], else it with the next free `-2`, `-3`... suffix. A key an event had
/// before (removed, or renamed) is never generated again, so nothing that held it comes to
/// name another event. `next` remembers, per generated key, the last suffix given, so that
/// many events of one title and date (an import) cost one lookup each, not one per suffix
/// already taken.
pub(super) fn unique_key(
    conn: &Connection,
    title: &str,
    start: NaiveDate,
    next: &mut HashMap<String, u64>,
) -> rusqlite::Result<String> {
    let base = generated_key(title, start);
    let mut taken = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM event WHERE key = ?1)
             OR EXISTS (SELECT 1 FROM retired_key WHERE key = ?1)",
    )?;
    let mut n = match next.get(&base) {
        Some(&n) => n,
        None if !taken.query_row([&base], |r| r.get::<_, bool>(0))? => return Ok(base),
        None => highest_suffix(conn, &base)?,
    };
    loop {
        n += 1;
        let key = format!("{base}-{n}");
        if !taken.query_row([&key], |r| r.get::<_, bool>(0))? {
            if next.len() >= NAME_CACHE_LIMIT {
                next.clear();
            }
            next.insert(base, n);
            return Ok(key);
        }
    }
}

/// The largest `N` of the keys `BASE-N` that events have or had (1 when there is none: the
/// base itself is the first).
fn highest_suffix(conn: &Connection, base: &str) -> rusqlite::Result<u64> {
    // Every key that starts with `BASE-` sorts between `BASE-` and `BASE.` ('.' follows
    // '-'), so the indexes of both tables find them.
    let mut stmt = conn.prepare_cached(
        "SELECT key FROM event WHERE key > ?1 || '-' AND key < ?1 || '.'
         UNION ALL
         SELECT key FROM retired_key WHERE key > ?1 || '-' AND key < ?1 || '.'",
    )?;
    let keys = stmt.query_map([base], |r| r.get::<_, String>(0))?;
    let mut highest = 1;
    for key in keys {
        let key = key?;
        let suffix = key.get(base.len() + 1..).unwrap_or_default();
        if !suffix.is_empty()
            && suffix.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = suffix.parse::<u64>()
        {
            highest = highest.max(n);
        }
    }
    Ok(highest)
}
