//! Loading events with their links.

use postgres::{GenericClient, Transaction};

use crate::model::{Event, EventFilter, ParticipantRecord};
use crate::store::error::Result;

/// One event with all its links.
pub(super) fn get_event(tx: &mut Transaction<'_>, id: i64) -> Result<Option<Event>> {
    {
        let _ = (tx, id);
        todo!("postgres get_event")
    }
}

/// The events passing `filter`, in its order, with all their links.
pub(super) fn list_events(tx: &mut Transaction<'_>, filter: &EventFilter) -> Result<Vec<Event>> {
    {
        let _ = (tx, filter);
        todo!("postgres list_events")
    }
}

/// The events passing `filter`, with their organizers and how many took part.
pub(super) fn list_summaries(tx: &mut Transaction<'_>, filter: &EventFilter) -> Result<Vec<Event>> {
    {
        let _ = (tx, filter);
        todo!("postgres list_summaries")
    }
}

/// Calls `f` with each event passing `filter`, in its order, one at a time.
pub(super) fn visit_events(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    {
        let _ = (tx, filter, f);
        todo!("postgres visit_events")
    }
}

/// A participation: its event and what it records.
pub(super) fn participation(
    client: &mut impl GenericClient,
    id: i64,
) -> Result<Option<(i64, ParticipantRecord)>> {
    {
        let _ = (client, id);
        todo!("postgres participation")
    }
}
