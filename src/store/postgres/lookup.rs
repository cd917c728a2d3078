//! Finding what a reference or a key stands for.

use chrono::NaiveDate;
use postgres::GenericClient;

use crate::model::{EventRef, Identity};
use crate::store::error::Result;

/// The event a reference names, if any: an id is only ever looked up as an id, a key as a key.
pub(super) fn resolve_event(
    client: &mut impl GenericClient,
    reference: &EventRef,
) -> Result<Option<i64>> {
    {
        let _ = (client, reference);
        todo!("postgres lookup")
    }
}

/// The stored keys equal to `text` but for case, `text` itself first if stored; a few at most.
pub(super) fn keys_like(client: &mut impl GenericClient, text: &str) -> Result<Vec<String>> {
    {
        let _ = (client, text);
        todo!("postgres keys_like")
    }
}

/// The events with this title (compared as names are) and start date, oldest first; a few.
pub(super) fn same_events(
    client: &mut impl GenericClient,
    title: &str,
    start: NaiveDate,
) -> Result<Vec<Identity>> {
    {
        let _ = (client, title, start);
        todo!("postgres same_events")
    }
}
