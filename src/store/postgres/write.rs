//! Writing events, their links, sessions and participations.

use postgres::Transaction;

use crate::model::{Event, Identity, NewEvent, NewParticipant, ParticipantRecord};
use crate::store::error::Result;
use crate::store::{ListsChanged, ParticipantAdded, SessionEdit, SessionsEdited};

pub(super) fn add_event(tx: &mut Transaction<'_>, event: &NewEvent) -> Result<Identity> {
    {
        let _ = (tx, event);
        todo!("postgres add_event")
    }
}

pub(super) fn add_participant(
    tx: &mut Transaction<'_>,
    event: i64,
    p: &NewParticipant,
) -> Result<ParticipantAdded> {
    {
        let _ = (tx, event, p);
        todo!("postgres add_participant")
    }
}

pub(super) fn edit_event(
    tx: &mut Transaction<'_>,
    id: i64,
    expected: &Event,
    event: &NewEvent,
    lists: ListsChanged,
    sessions: &[SessionEdit],
) -> Result<SessionsEdited> {
    {
        let _ = (tx, id, expected, event, lists, sessions);
        todo!("postgres edit_event")
    }
}

pub(super) fn edit_participation(
    tx: &mut Transaction<'_>,
    id: i64,
    event: i64,
    expected: &ParticipantRecord,
    p: &NewParticipant,
) -> Result<()> {
    {
        let _ = (tx, id, event, expected, p);
        todo!("postgres edit_participation")
    }
}

pub(super) fn remove_participation(tx: &mut Transaction<'_>, id: i64, event: i64) -> Result<()> {
    {
        let _ = (tx, id, event);
        todo!("postgres remove_participation")
    }
}

pub(super) fn remove_event(tx: &mut Transaction<'_>, id: i64) -> Result<()> {
    {
        let _ = (tx, id);
        todo!("postgres remove_event")
    }
}
