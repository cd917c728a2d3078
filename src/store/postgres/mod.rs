//! The PostgreSQL backend: records on a server, shared by a team. All of its SQL, its
//! migrations and its search syntax (tsquery) are here; what it answers is the store's
//! interface ([`crate::store::Store`]), in domain types, the same answers as the SQLite
//! backend's for the same records.
//!
//! One concern per module: `url` reads the URL (and hides its password), `tls` sets up
//! encryption, `connection` connects, finds or makes the schema and migrates it under a lock,
//! `schema` holds the migrations, `error` maps SQLSTATEs; `lookup` finds events, `filter`
//! compiles a filter into one SELECT, `search` builds search documents and queries, `read`
//! loads events and their links, `write` writes them, `entity` finds organizations and people
//! by name, `curate` renames, aliases and merges them, `views` answers `orgs`, `people`,
//! `person` and `stats`, `import` is a bulk import, `maintain` checks and counts.
//!
//! Every write is one transaction holding the schema's advisory lock (as SQLite's
//! `BEGIN IMMEDIATE`: one writer at a time; readers never wait and never see half a write).

mod connection;
mod curate;
mod entity;
mod error;
mod filter;
mod history;
mod import;
mod import_log;
mod lookup;
mod maintain;
mod read;
mod runs;
mod schema;
mod search;
mod summary;
mod survey;
mod tls;
pub mod url;
mod views;
mod write;

use std::path::Path;

use chrono::NaiveDate;
use postgres::{Client, IsolationLevel, Transaction};

pub use url::{PgUrl, is_postgres_url};

use crate::model::RecordKind;
use crate::model::{
    AliasRecord, EntityKind, Event, EventFilter, EventRef, Identity, NewEvent, NewParticipant,
    OrgSummary, ParticipantRecord, PersonHistory, PersonSummary, StatsBy, StatsRow,
};
use crate::store::error::Result;
use crate::store::{
    Access, AliasOutcome, Counts, Found, Import, ListsChanged, Merged, ParticipantAdded,
    SessionEdit, SessionsEdited, Store,
};
use entity::Names;
use history::Logged;

/// A connection to an `events` schema on a PostgreSQL server.
pub struct PgStore {
    client: Client,
    /// The URL: the schema that holds the tables (the connection's search path), for the
    /// write lock and for an import that creates the schema in its own transaction.
    url: PgUrl,
    /// There was no schema when an import opened the store: its transaction makes it.
    create_on_import: bool,
    /// What opening did that a person should hear of (an upgrade of an older schema).
    notice: Option<String>,
}

/// Opens the store the URL names; `None` to read where there is nothing of ours yet (no
/// schema): the store reads that as an empty database, as a missing file, creating nothing.
pub(super) fn open(url: &PgUrl, access: Access) -> Result<Option<Box<dyn Store>>> {
    Ok(match access {
        Access::Write => Some(Box::new(PgStore::open(url)?)),
        Access::Import => Some(Box::new(PgStore::open_for_import(url)?)),
        Access::Read => {
            PgStore::open_for_reading(url)?.map(|store| Box::new(store) as Box<dyn Store>)
        }
    })
}

/// Whether the URL's database holds an `events` schema (of any version). A server that
/// cannot be reached says so when the store is opened, not here.
pub(super) fn exists(url: &PgUrl) -> bool {
    let Ok(mut client) = connection::connect(url) else {
        return true;
    };
    !matches!(
        connection::inspect(&mut client, url),
        Ok(connection::Found::Nothing)
    )
}

impl PgStore {
    fn new(client: Client, url: &PgUrl) -> PgStore {
        PgStore {
            client,
            url: url.clone(),
            create_on_import: false,
            notice: None,
        }
    }

    /// A write transaction: the schema's write lock is held until it ends.
    fn write(&mut self) -> Result<Transaction<'_>> {
        let mut tx = self.client.transaction()?;
        connection::lock(&mut tx, &self.url.schema)?;
        Ok(tx)
    }

    /// A read-only transaction that sees one snapshot, for reads of several statements.
    fn snapshot(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?)
    }
}

/// Refuses a write to event `id` guarded by `--if-unchanged-since` when the event was changed
/// after `since` (see [`crate::store::history::refuse_changed_since`]).
fn guard(tx: &mut Transaction<'_>, id: i64, since: Option<&str>) -> Result<()> {
    let Some(since) = since else {
        return Ok(());
    };
    let updated_at: Option<String> = tx
        .query_opt("SELECT updated_at FROM event WHERE id = $1", &[&id])?
        .map(|row| row.get(0));
    match updated_at {
        Some(updated_at) => crate::store::history::refuse_changed_since(
            &mut history::PgHistory::new(tx),
            id,
            &updated_at,
            since,
        ),
        // The write itself says that it is gone.
        None => Ok(()),
    }
}

/// The interface, answered by the operations of this backend's modules.
impl Store for PgStore {
    fn log(&mut self, filter: &crate::model::LogFilter) -> Result<Vec<crate::model::Operation>> {
        PgStore::log(self, filter)
    }

    fn operation(&mut self, id: i64) -> Result<Option<crate::model::Operation>> {
        PgStore::operation(self, id)
    }

    fn last_change(
        &mut self,
        kind: crate::model::RecordKind,
        id: i64,
    ) -> Result<Option<crate::model::LastChange>> {
        PgStore::last_change(self, kind, id)
    }

    fn removed_event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        PgStore::removed_event_with_key(self, key)
    }

    fn undo(&mut self, op: Option<i64>) -> Result<crate::store::Undone> {
        PgStore::undo(self, op)
    }

    fn log_count_before(&mut self, before: &str) -> Result<u64> {
        PgStore::log_count_before(self, before)
    }

    fn prune_log(&mut self, before: &str) -> Result<u64> {
        PgStore::prune_log(self, before)
    }

    fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>> {
        lookup::resolve_event(&mut self.client, reference)
    }

    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        lookup::keys_like(&mut self.client, text)
    }

    fn find_same_event(&mut self, title: &str, start: NaiveDate) -> Result<Option<Identity>> {
        Ok(lookup::same_events(&mut self.client, title, start)?
            .into_iter()
            .next())
    }

    fn get_event(&mut self, id: i64) -> Result<Option<Event>> {
        let mut tx = self.snapshot()?;
        let event = read::get_event(&mut tx, id)?;
        tx.commit()?;
        Ok(event)
    }

    fn list_events(&mut self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut tx = self.snapshot()?;
        let events = read::list_events(&mut tx, filter)?;
        tx.commit()?;
        Ok(events)
    }

    fn scan_summaries(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(&mut dyn crate::store::Scan) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut tx = self.snapshot()?;
        read::scan_summaries(&mut tx, filter, f)?;
        tx.commit()?;
        Ok(())
    }

    fn visit_events(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut tx = self.snapshot()?;
        read::visit_events(&mut tx, filter, f)?;
        tx.commit()?;
        Ok(())
    }

    fn add_event(&mut self, event: &NewEvent) -> Result<Identity> {
        let mut tx = self.write()?;
        let mut log = Logged::new("add-event")?;
        let mut names = Names::default();
        let identity = write::add_event(&mut tx, &mut names, event)?;
        log.creates(RecordKind::Event, identity.id);
        log.finish(&mut tx, &names.created)?;
        tx.commit()?;
        Ok(identity)
    }

    fn add_participant(&mut self, event: i64, p: &NewParticipant) -> Result<ParticipantAdded> {
        let mut tx = self.write()?;
        let mut log = Logged::new("add-participant")?;
        log.before(&mut tx, RecordKind::Event, event)?;
        let mut names = Names::default();
        let added = write::add_participant(&mut tx, &mut names, event, p)?;
        log.finish(&mut tx, &names.created)?;
        tx.commit()?;
        Ok(added)
    }

    fn edit_event(
        &mut self,
        id: i64,
        expected: &Event,
        event: &NewEvent,
        lists: ListsChanged,
        sessions: &[SessionEdit],
        since: Option<&str>,
    ) -> Result<SessionsEdited> {
        let mut tx = self.write()?;
        guard(&mut tx, id, since)?;
        let mut log = Logged::new("edit-event")?;
        log.before(&mut tx, RecordKind::Event, id)?;
        let mut names = Names::default();
        let edited = write::edit_event(&mut tx, &mut names, id, expected, event, lists, sessions)?;
        log.finish(&mut tx, &names.created)?;
        tx.commit()?;
        Ok(edited)
    }

    fn participation(&mut self, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
        read::participation(&mut self.client, id)
    }

    fn edit_participation(
        &mut self,
        id: i64,
        event: i64,
        expected: &ParticipantRecord,
        p: &NewParticipant,
        since: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write()?;
        guard(&mut tx, event, since)?;
        let mut log = Logged::new("edit-participant")?;
        log.before(&mut tx, RecordKind::Event, event)?;
        let mut names = Names::default();
        write::edit_participation(&mut tx, &mut names, id, event, expected, p)?;
        log.finish(&mut tx, &names.created)?;
        tx.commit()?;
        Ok(())
    }

    fn remove_participation(&mut self, id: i64, event: i64) -> Result<()> {
        let mut tx = self.write()?;
        let mut log = Logged::new("remove-participant")?;
        log.before(&mut tx, RecordKind::Event, event)?;
        write::remove_participation(&mut tx, id, event)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(())
    }

    fn remove_event(&mut self, id: i64) -> Result<()> {
        let mut tx = self.write()?;
        let mut log = Logged::new("remove-event")?;
        log.before(&mut tx, RecordKind::Event, id)?;
        write::remove_event(&mut tx, id)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(())
    }

    fn find_entity(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>> {
        entity::find(&mut self.client, kind, name)
    }

    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        entity::each_name(&mut self.client, kind, f)
    }

    fn add_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<AliasOutcome> {
        let mut tx = self.write()?;
        let mut log = Logged::new(curate::command(kind, "alias"))?;
        let outcome = curate::add_alias(&mut tx, &mut log, kind, name, alias)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(outcome)
    }

    fn remove_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<String> {
        let mut tx = self.write()?;
        let mut log = Logged::new(curate::command(kind, "alias"))?;
        let own = curate::remove_alias(&mut tx, &mut log, kind, name, alias)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(own)
    }

    fn rename(&mut self, kind: EntityKind, name: &str, new: &str) -> Result<String> {
        let mut tx = self.write()?;
        let mut log = Logged::new(curate::command(kind, "rename"))?;
        let old = curate::rename(&mut tx, &mut log, kind, name, new)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(old)
    }

    fn merge(&mut self, kind: EntityKind, keep: &str, other: &str) -> Result<Merged> {
        let mut tx = self.write()?;
        let mut log = Logged::new(curate::command(kind, "merge"))?;
        let merged = curate::merge(&mut tx, &mut log, kind, keep, other)?;
        log.finish(&mut tx, &[])?;
        tx.commit()?;
        Ok(merged)
    }

    fn organizations(&mut self, search: Option<&str>) -> Result<Vec<OrgSummary>> {
        let mut tx = self.snapshot()?;
        let orgs = views::organizations(&mut tx, search)?;
        tx.commit()?;
        Ok(orgs)
    }

    fn people(
        &mut self,
        org: Option<&str>,
        f: &mut dyn FnMut(PersonSummary) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut tx = self.snapshot()?;
        views::people(&mut tx, org, f)?;
        tx.commit()?;
        Ok(())
    }

    fn person_history(&mut self, name: &str) -> Result<Option<PersonHistory>> {
        let mut tx = self.snapshot()?;
        let history = views::person_history(&mut tx, name)?;
        tx.commit()?;
        Ok(history)
    }

    fn alias_records(&mut self, filter: &EventFilter) -> Result<Vec<AliasRecord>> {
        let mut tx = self.snapshot()?;
        let records = views::alias_records(&mut tx, filter)?;
        tx.commit()?;
        Ok(records)
    }

    fn stats(&mut self, by: StatsBy, filter: &EventFilter) -> Result<Vec<StatsRow>> {
        let mut tx = self.snapshot()?;
        let rows = views::stats(&mut tx, by, filter)?;
        tx.commit()?;
        Ok(rows)
    }

    fn begin_import(&mut self) -> Result<Import<'_>> {
        let mut tx = self.client.transaction()?;
        connection::lock(&mut tx, &self.url.schema)?;
        let created = match self.create_on_import {
            true => connection::upgrade(&mut tx, &self.url)? == 0,
            false => false,
        };
        let import = import::PgImport::new(tx, created)?;
        // Interrupted, it says that nothing was imported: the server rolls the transaction
        // back when the connection goes.
        crate::store::interrupt::arm(&[]);
        Ok(Import::new(Box::new(import)))
    }

    fn put_in_place(self: Box<Self>) -> Result<Option<Box<dyn Store>>> {
        // An import is one transaction on the server: there is nothing to put in place.
        Ok(None)
    }

    fn check(&mut self) -> Result<Vec<String>> {
        let mut tx = self.snapshot()?;
        let problems = maintain::check(&mut tx)?;
        tx.commit()?;
        Ok(problems)
    }

    fn counts(&mut self) -> Result<Counts> {
        maintain::counts(&mut self.client)
    }

    fn survey(&mut self) -> Result<crate::model::Survey> {
        let mut tx = self.snapshot()?;
        let survey = survey::survey(&mut tx)?;
        tx.commit()?;
        Ok(survey)
    }

    fn backup(&mut self, _to: &Path) -> Result<()> {
        Err(self.url.no_backup())
    }
}
