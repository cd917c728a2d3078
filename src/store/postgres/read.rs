//! Loading events with their links: the columns of an event row, and the statements that
//! load the links (tags, organizations, sessions, participants) of a batch of events at once,
//! in SQLite's order (`sqlite/read.rs`). Many events are read through a portal (a cursor) a
//! batch at a time, so that an export of every event holds one batch, not all of them.

use std::collections::HashMap;

use postgres::{GenericClient, Row, Transaction};

use super::filter::event_query;

use crate::model::{Event, EventFilter, Mode, OrgRole, Participant, ParticipantRecord, name_key};
use crate::store::error::{Failure, Result, StoreError};

/// How many events are read, and have their links read, per round trip.
const BATCH: i32 = 500;

/// The columns [`event_from_row`] reads.
macro_rules! event_columns {
    () => {
        "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
         e.location, e.region, e.project, e.description, e.source, e.created_at, e.updated_at"
    };
}

const EVENT_COLUMNS: &str = event_columns!();

const EVENT_BY_ID: &str = concat!("SELECT ", event_columns!(), " FROM event e WHERE e.id = $1");

/// The columns of [`EVENT_COLUMNS`] a one-line summary shows (the others read as NULL), then
/// its organizers in order and how many people took part, in one statement.
const SUMMARY_COLUMNS: &str = "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
     NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, e.created_at, e.updated_at, \
     ARRAY(SELECT o.name FROM event_organization eo \
             JOIN organization o ON o.id = eo.organization_id \
            WHERE eo.event_id = e.id AND eo.role = 'organizer' ORDER BY eo.ord), \
     (SELECT count(DISTINCT p.person_id) FROM participation p WHERE p.event_id = e.id)";

fn event_from_row(row: &Row) -> Result<Event> {
    let mode: Option<String> = row.try_get(6)?;
    Ok(Event {
        id: row.try_get(0)?,
        key: row.try_get(1)?,
        title: row.try_get(2)?,
        kind: row.try_get(3)?,
        start: row.try_get(4)?,
        end: row.try_get(5)?,
        // The schema's CHECK admits only the three modes.
        mode: mode.as_deref().and_then(Mode::parse),
        location: row.try_get(7)?,
        region: row.try_get(8)?,
        project: row.try_get(9)?,
        description: row.try_get(10)?,
        source: row.try_get(11)?,
        created_at: row.try_get(12)?,
        updated_at: row.try_get(13)?,
        tags: Vec::new(),
        organizers: Vec::new(),
        partners: Vec::new(),
        sessions: Vec::new(),
        participants: Vec::new(),
        participant_count: 0,
    })
}

/// One event with all its links.
pub(super) fn get_event(tx: &mut Transaction<'_>, id: i64) -> Result<Option<Event>> {
    let Some(row) = tx.query_opt(EVENT_BY_ID, &[&id])? else {
        return Ok(None);
    };
    let mut events = [event_from_row(&row)?];
    load_links(tx, &mut events)?;
    let [event] = events;
    Ok(Some(event))
}

/// The events passing `filter`, in its order, with all their links.
pub(super) fn list_events(tx: &mut Transaction<'_>, filter: &EventFilter) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    read_events(tx, filter, |event| {
        events.push(event);
        Ok::<(), StoreError>(())
    })?;
    Ok(events)
}

/// The events passing `filter`, with their organizers and how many took part.
pub(super) fn list_summaries(tx: &mut Transaction<'_>, filter: &EventFilter) -> Result<Vec<Event>> {
    let query = event_query(filter, SUMMARY_COLUMNS);
    let rows = tx
        .query(query.sql.as_str(), &query.params())
        .map_err(|e| search_error(e, filter))?;
    rows.iter()
        .map(|row| {
            let mut event = event_from_row(row)?;
            event.organizers = row.try_get(14)?;
            event.participant_count = usize::try_from(row.try_get::<_, i64>(15)?).unwrap_or(0);
            Ok(event)
        })
        .collect()
}

/// Calls `f` with each event passing `filter`, in its order, one at a time.
pub(super) fn visit_events(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    read_events(tx, filter, f)
}

/// Calls `f` with each event that passes `filter`, in the filter's order, with all its links,
/// reading a batch of events at a time through a portal. An error of `f`'s ends the reading
/// and is returned as it is.
fn read_events<E: From<StoreError>>(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    mut f: impl FnMut(Event) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let query = event_query(filter, EVENT_COLUMNS);
    let portal = tx
        .bind(query.sql.as_str(), &query.params())
        .map_err(|e| search_error(e, filter))?;
    loop {
        let rows = tx
            .query_portal(&portal, BATCH)
            .map_err(|e| search_error(e, filter))?;
        let mut events = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>>>()?;
        load_links(tx, &mut events)?;
        for event in events {
            f(event)?;
        }
        if rows.len() < BATCH as usize {
            return Ok(());
        }
    }
}

/// An error of a query of the events passing `filter`: one about the search's text or size
/// (a tsquery PostgreSQL cannot take) is the search's; the rest of the query is fixed text.
fn search_error(e: postgres::Error, filter: &EventFilter) -> StoreError {
    let reason = e.as_db_error().and_then(|db| {
        let class = &db.code().code()[..2];
        // 22: data exceptions (a tsquery's syntax), 54: program limits (its size).
        (filter.search.is_some() && (class == "22" || class == "54"))
            .then(|| db.message().to_string())
    });
    match reason {
        Some(reason) => StoreError::BadSearch { reason },
        None => e.into(),
    }
}

const LINK_TAGS: &str = "SELECT event_id, tag FROM event_tag
      WHERE event_id = ANY($1) ORDER BY event_id, ord";
const LINK_ORGS: &str = "SELECT eo.event_id, eo.role, o.name FROM event_organization eo
       JOIN organization o ON o.id = eo.organization_id
      WHERE eo.event_id = ANY($1) ORDER BY eo.event_id, eo.role, eo.ord";
const LINK_SESSIONS: &str = "SELECT event_id, name FROM session
      WHERE event_id = ANY($1) ORDER BY event_id, id";
const LINK_PARTICIPANTS: &str =
    "SELECT p.event_id, p.id, pe.name, o.name, p.position, p.role, s.name, p.contribution
       FROM participation p
       JOIN person pe ON pe.id = p.person_id
       LEFT JOIN organization o ON o.id = p.organization_id
       LEFT JOIN session s ON s.id = p.session_id
      WHERE p.event_id = ANY($1) ORDER BY p.event_id, p.id";

/// Loads the tags, organizations, sessions and participants of `events`: four statements
/// for them all.
fn load_links(client: &mut impl GenericClient, events: &mut [Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let at: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Which of `events` a row is a link of: every row names one of `ids`.
    let event = |row: &Row| -> Result<usize> {
        let id: i64 = row.try_get(0)?;
        at.get(&id).copied().ok_or_else(|| StoreError::Database {
            failure: Failure::Other,
            message: format!("a link of event {id}, which was not asked for"),
            inner: None,
        })
    };
    for e in events.iter_mut() {
        e.tags.clear();
        e.organizers.clear();
        e.partners.clear();
        e.sessions.clear();
        e.participants.clear();
    }
    for row in client.query(LINK_TAGS, &[&ids])? {
        let i = event(&row)?;
        events[i].tags.push(row.try_get(1)?);
    }
    for row in client.query(LINK_ORGS, &[&ids])? {
        let i = event(&row)?;
        let role: String = row.try_get(1)?;
        let name: String = row.try_get(2)?;
        if role == OrgRole::Organizer.as_str() {
            events[i].organizers.push(name);
        } else {
            events[i].partners.push(name);
        }
    }
    for row in client.query(LINK_SESSIONS, &[&ids])? {
        let i = event(&row)?;
        events[i].sessions.push(row.try_get(1)?);
    }
    for row in client.query(LINK_PARTICIPANTS, &[&ids])? {
        let i = event(&row)?;
        events[i].participants.push(Participant {
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            organization: row.try_get(3)?,
            position: row.try_get(4)?,
            role: row.try_get(5)?,
            session: row.try_get(6)?,
            contribution: row.try_get(7)?,
        });
    }
    for event in events.iter_mut() {
        // People, not participations: one person in two sessions is one.
        let mut people: Vec<String> = event
            .participants
            .iter()
            .map(|p| name_key(&p.name))
            .collect();
        people.sort_unstable();
        people.dedup();
        event.participant_count = people.len();
    }
    Ok(())
}

/// A participation: its event and what it records.
pub(super) fn participation(
    client: &mut impl GenericClient,
    id: i64,
) -> Result<Option<(i64, ParticipantRecord)>> {
    let row = client.query_opt(
        "SELECT p.event_id, pe.name, o.name, p.position, p.role, s.name, p.contribution
           FROM participation p
           JOIN person pe ON pe.id = p.person_id
           LEFT JOIN organization o ON o.id = p.organization_id
           LEFT JOIN session s ON s.id = p.session_id
          WHERE p.id = $1",
        &[&id],
    )?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get(0)?,
        ParticipantRecord {
            name: row.try_get(1)?,
            organization: row.try_get(2)?,
            position: row.try_get(3)?,
            role: row.try_get(4)?,
            session: row.try_get(5)?,
            contribution: row.try_get(6)?,
        },
    )))
}
