//! Finding what a reference or a key stands for.

use chrono::NaiveDate;
use postgres::GenericClient;

use crate::model::{EventRef, Identity, name_key};
use crate::store::error::Result;

/// The event a reference names, if any: an id is only ever looked up as an id, a key as a key.
pub(super) fn resolve_event(
    client: &mut impl GenericClient,
    reference: &EventRef,
) -> Result<Option<i64>> {
    let row = match reference {
        EventRef::Id(id) => client.query_opt("SELECT id FROM event WHERE id = $1", &[id])?,
        EventRef::Key(key) => client.query_opt("SELECT id FROM event WHERE key = $1", &[key])?,
    };
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The stored keys equal to `text` but for case, `text` itself first if stored; a few at most.
pub(super) fn keys_like(client: &mut impl GenericClient, text: &str) -> Result<Vec<String>> {
    let rows = client.query(
        "SELECT key FROM event WHERE key_folded = $1 ORDER BY key = $2 DESC, key LIMIT 5",
        &[&name_key(text), &text],
    )?;
    Ok(rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?)
}

/// The events with this title (compared as names are) and start date, oldest first; a few.
pub(super) fn same_events(
    client: &mut impl GenericClient,
    title: &str,
    start: NaiveDate,
) -> Result<Vec<Identity>> {
    let rows = client.query(
        "SELECT id, key FROM event WHERE start_date = $1 AND title_key = $2 ORDER BY id LIMIT 5",
        &[&start, &name_key(title)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Identity {
                id: r.try_get(0)?,
                key: r.try_get(1)?,
            })
        })
        .collect()
}
