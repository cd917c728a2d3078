//! Queries and writes on events and everything linked to them.

use rusqlite::params_from_iter;

use super::SqliteStore;
use super::error::search_error;
use super::filter::event_query;
use super::history;
use super::lookup::{Keys, event_with_key, organization_id};
use super::names::{Names, Sessions};
use super::read::{EVENT_COLUMNS, LinkReader, SUMMARY_COLUMNS, event_from_row};
use super::write::{
    check_head, insert_event, insert_participant, now, refresh_search, same_participation,
    set_head, touch_event,
};

use crate::model::{Event, EventFilter, Identity, NewEvent, NewParticipant, RecordKind, State};
use crate::store::error::{Result, StoreError};
use crate::store::{GeneratedKeys, Journal, ParticipantAdded, Scan};

impl SqliteStore {
    /// Records a new event with its organizations, tags, sessions and participants, in one
    /// transaction; one without a key is given one (see [`GeneratedKeys`]).
    pub(super) fn add_event(&mut self, event: &NewEvent) -> Result<Identity> {
        let tx = self.write()?;
        if let Some(key) = &event.key
            && let Some(id) = event_with_key(&tx, key)?
        {
            return Err(StoreError::DuplicateKey {
                key: key.clone(),
                id,
            });
        }
        let key = match &event.key {
            Some(key) => key.clone(),
            None => {
                GeneratedKeys::default().unique_key(&mut Keys(&tx), &event.title, event.start)?
            }
        };
        let mut names = Names::default();
        let state = insert_event(&tx, &mut names, event, &key, &now())?;
        let id = state.id;
        refresh_search(&tx, id)?;
        let mut journal = Journal::new("add-event");
        journal.created(RecordKind::Event, State::Event(Box::new(state)));
        history::created(&tx, &mut journal, &names.created)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(Identity { id, key })
    }

    /// Records one participation in an existing event, unless an identical one (see
    /// [`same_participation`]) is there already.
    pub(super) fn add_participant(
        &mut self,
        event_id: i64,
        p: &NewParticipant,
    ) -> Result<ParticipantAdded> {
        let tx = self.write()?;
        let mut journal = Journal::new("add-participant");
        history::before(&tx, &mut journal, RecordKind::Event, event_id)?;
        // A participation is recorded once: asking for it again finds the one there.
        // Asking for it again as head makes it the head (if the delegation has none).
        let organization = match &p.organization {
            Some(name) => organization_id(&tx, name)?,
            None => None,
        };
        if let Some(id) = same_participation(&tx, event_id, p, None)? {
            let is_head: bool = tx
                .prepare_cached("SELECT head FROM participation WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
            if !p.head || is_head {
                return Ok(ParticipantAdded::AlreadyThere(id));
            }
            if let Some(org) = organization {
                check_head(&tx, event_id, org, Some(id))?;
            }
            let stamp = now();
            set_head(&tx, id, true)?;
            touch_event(&tx, event_id, &stamp)?;
            history::after(&tx, &mut journal, RecordKind::Event, event_id)?;
            history::log(&tx, journal)?;
            tx.commit()?;
            return Ok(ParticipantAdded::MadeHead(id));
        }
        // A second head is refused before anything is written.
        if p.head
            && let Some(org) = organization
        {
            check_head(&tx, event_id, org, None)?;
        }
        let stamp = now();
        let mut names = Names::default();
        let id = insert_participant(
            &tx,
            &mut names,
            &mut Sessions::default(),
            event_id,
            p,
            &stamp,
        )?;
        touch_event(&tx, event_id, &stamp)?;
        refresh_search(&tx, event_id)?;
        history::after(&tx, &mut journal, RecordKind::Event, event_id)?;
        history::created(&tx, &mut journal, &names.created)?;
        history::log(&tx, journal)?;
        tx.commit()?;
        Ok(ParticipantAdded::New(id))
    }

    /// The events that pass `filter`, in its order, with all their links.
    pub(super) fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        self.read_events(filter, |event| {
            events.push(event);
            Ok::<(), StoreError>(())
        })?;
        Ok(events)
    }

    /// Gives `f` the events that pass `filter`, in its order, with what a one-line summary
    /// shows (their organizers and how many people took part), to read as often as it asks,
    /// one at a time, all from one snapshot (a read transaction).
    pub(super) fn scan_summaries(
        &self,
        filter: &EventFilter,
        f: &mut dyn FnMut(&mut dyn Scan) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.sort_on_disk()?;
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(StoreError::from)?;
        match event_query(&tx, filter, SUMMARY_COLUMNS)? {
            // An organization or person no one has heard of: nothing passes.
            None => f(&mut Summaries {
                statement: None,
                values: Vec::new(),
                filter,
            })?,
            Some((sql, values)) => {
                let statement = tx.prepare(&sql).map_err(|e| search_error(e, filter))?;
                f(&mut Summaries {
                    statement: Some(statement),
                    values,
                    filter,
                })?;
            }
        }
        tx.finish().map_err(StoreError::from)?;
        Ok(())
    }

    /// Has what a query must sort (a `--sort title`, a search's matches in date order) sorted
    /// in temporary files once it outgrows the page cache, as SQLite does by default: the
    /// bundled build keeps temporary storage in memory (`SQLITE_TEMP_STORE=2`), which would
    /// hold all of a million events at once.
    pub(super) fn sort_on_disk(&self) -> Result<()> {
        self.conn.pragma_update(None, "temp_store", "FILE")?;
        Ok(())
    }

    /// Calls `f` with each event that passes `filter`, in the filter's order, holding one
    /// event at a time. All of it is read from one snapshot of the database. An error of
    /// `f`'s ends the reading and is returned as it is.
    pub(super) fn read_events<E: From<StoreError>>(
        &self,
        filter: &EventFilter,
        mut f: impl FnMut(Event) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.sort_on_disk()?;
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(StoreError::from)?;
        {
            let Some((sql, values)) = event_query(&tx, filter, EVENT_COLUMNS)? else {
                return Ok(()); // an organization or person no one has heard of
            };
            let mut stmt = tx.prepare(&sql).map_err(StoreError::from)?;
            let mut links = LinkReader::new(&tx)?;
            let mut rows = stmt
                .query(params_from_iter(values))
                .map_err(|e| search_error(e, filter))?;
            while let Some(row) = rows.next().map_err(|e| search_error(e, filter))? {
                let mut event = event_from_row(row).map_err(StoreError::from)?;
                links.load(&mut event)?;
                f(event)?;
            }
        }
        tx.finish().map_err(StoreError::from)?;
        Ok(())
    }
}

/// The summaries of [`SqliteStore::scan_summaries`], read from the start at each
/// [`Scan::each`]; no statement when nothing can pass.
struct Summaries<'c, 'f> {
    statement: Option<rusqlite::Statement<'c>>,
    values: Vec<rusqlite::types::Value>,
    filter: &'f EventFilter,
}

impl Scan for Summaries<'_, '_> {
    fn each(&mut self, f: &mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let Some(statement) = &mut self.statement else {
            return Ok(());
        };
        let filter = self.filter;
        let mut rows = statement
            .query(params_from_iter(&self.values))
            .map_err(|e| search_error(e, filter))?;
        while let Some(row) = rows.next().map_err(|e| search_error(e, filter))? {
            let mut event = event_from_row(row).map_err(StoreError::from)?;
            let organizers: String = row.get(14).map_err(StoreError::from)?;
            // json_group_array of TEXT values: always an array of strings.
            event.organizers = serde_json::from_str(&organizers).unwrap_or_default();
            event.participant_count =
                usize::try_from(row.get::<_, i64>(15).map_err(StoreError::from)?).unwrap_or(0);
            f(event)?;
        }
        Ok(())
    }
}
