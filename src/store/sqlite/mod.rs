//! The SQLite backend: a database in one file. All of its SQL, its migrations, its search
//! syntax (FTS5) and its file handling are here; what it answers is the store's interface
//! ([`crate::store::Store`]), in domain types.
//!
//! One concern per module: `connection` opens and migrates, `files` handles the file and
//! what SQLite keeps beside it, `staging` builds a new database aside, `schema` holds the
//! migrations; `lookup` finds events and names, `filter` compiles a filter into one SELECT,
//! `search` writes search terms as FTS5, `read` loads events and their links, `write` writes
//! them, `names` caches the organizations and people a write meets; `events`, `curate`,
//! `views`, `import` and `maintain` are the operations; `error` maps SQLite's result codes.

mod connection;
mod curate;
mod entity;
mod error;
mod events;
mod files;
mod filter;
mod history;
mod import;
mod lookup;
mod maintain;
mod names;
mod read;
mod schema;
mod search;
mod staging;
mod summary;
mod survey;
mod views;
mod write;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, TransactionBehavior};

pub(crate) use files::refuse_database_file;
use staging::NewDatabase;

use crate::model::{
    AliasRecord, EntityKind, Event, EventFilter, EventRef, Identity, NewEvent, NewParticipant,
    OrgSummary, ParticipantRecord, PersonHistory, PersonSummary, StatsBy, StatsRow,
};
use crate::store::error::Result;
use crate::store::{
    Access, AliasOutcome, Counts, Found, Import, ListsChanged, Merged, ParticipantAdded,
    SessionEdit, SessionsEdited, Store,
};

/// An open `events` database file.
pub struct SqliteStore {
    conn: Connection,
    /// What opening did that a person should hear of (an upgrade of the schema), for the
    /// command to print, or not under `--quiet`.
    notice: Option<String>,
    /// For an import into a database that did not exist: where it is built, and where it
    /// belongs. Declared after `conn`, so that the connection is closed before the files
    /// are removed.
    staged: Option<(NewDatabase, PathBuf)>,
}

/// Opens the database file at `path`.
pub(super) fn open(path: &Path, access: Access) -> Result<Box<dyn Store>> {
    let store = match access {
        Access::Write => SqliteStore::open(path)?,
        Access::Read => SqliteStore::open_for_reading(path)?,
        // A database that is not there is built beside its place and moved there only once
        // complete, so a failed import leaves no file behind.
        Access::Import if !path.exists() => {
            let new = NewDatabase::beside(path);
            let mut store = SqliteStore::open(&new.path)?;
            store.staged = Some((new, path.to_path_buf()));
            store
        }
        Access::Import => SqliteStore::open(path)?,
    };
    Ok(Box::new(store))
}

/// An empty database in memory: what a database that is not there yet reads as.
pub(super) fn empty() -> Result<Box<dyn Store>> {
    Ok(Box::new(SqliteStore::open_in_memory()?))
}

impl SqliteStore {
    fn write(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// The interface, answered by the operations of this backend's modules.
impl Store for SqliteStore {
    fn log(&mut self, filter: &crate::model::LogFilter) -> Result<Vec<crate::model::Operation>> {
        SqliteStore::log(self, filter)
    }

    fn operation(&mut self, id: i64) -> Result<Option<crate::model::Operation>> {
        SqliteStore::operation(self, id)
    }

    fn last_change(
        &mut self,
        kind: crate::model::RecordKind,
        id: i64,
    ) -> Result<Option<crate::model::LastChange>> {
        SqliteStore::last_change(self, kind, id)
    }

    fn removed_event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        SqliteStore::removed_event_with_key(self, key)
    }

    fn undo(&mut self, op: Option<i64>) -> Result<crate::store::Undone> {
        SqliteStore::undo(self, op)
    }

    fn log_count_before(&mut self, before: &str) -> Result<u64> {
        SqliteStore::log_count_before(self, before)
    }

    fn prune_log(&mut self, before: &str) -> Result<u64> {
        SqliteStore::prune_log(self, before)
    }

    fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>> {
        lookup::resolve_event(&self.conn, reference)
    }

    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        lookup::keys_like(&self.conn, text)
    }

    fn find_same_event(&mut self, title: &str, start: NaiveDate) -> Result<Option<Identity>> {
        Ok(lookup::same_events(&self.conn, title, start)?
            .into_iter()
            .next())
    }

    fn get_event(&mut self, id: i64) -> Result<Option<Event>> {
        read::get_event(&self.conn, id)
    }

    fn list_events(&mut self, filter: &EventFilter) -> Result<Vec<Event>> {
        SqliteStore::list_events(self, filter)
    }

    fn scan_summaries(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(&mut dyn crate::store::Scan) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        SqliteStore::scan_summaries(self, filter, f)
    }

    fn visit_events(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.read_events(filter, f)
    }

    fn add_event(&mut self, event: &NewEvent) -> Result<Identity> {
        SqliteStore::add_event(self, event)
    }

    fn add_participant(&mut self, event: i64, p: &NewParticipant) -> Result<ParticipantAdded> {
        SqliteStore::add_participant(self, event, p)
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
        SqliteStore::edit_event(self, id, expected, event, lists, sessions, since)
    }

    fn participation(&mut self, id: i64) -> Result<Option<(i64, ParticipantRecord)>> {
        SqliteStore::participation(self, id)
    }

    fn edit_participation(
        &mut self,
        id: i64,
        event: i64,
        expected: &ParticipantRecord,
        p: &NewParticipant,
        since: Option<&str>,
    ) -> Result<()> {
        SqliteStore::edit_participation(self, id, event, expected, p, since)
    }

    fn remove_participation(&mut self, id: i64, event: i64) -> Result<()> {
        SqliteStore::remove_participation(self, id, event)
    }

    fn remove_event(&mut self, id: i64) -> Result<()> {
        SqliteStore::remove_event(self, id)
    }

    fn find_entity(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>> {
        entity::find(&self.conn, entity::of(kind), name)
    }

    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        entity::each_name(&self.conn, entity::of(kind), f)
    }

    fn each_name_with_surname(
        &mut self,
        surnames: &[String],
        f: &mut dyn FnMut(i64, &str),
    ) -> Result<()> {
        entity::each_name_with_surname(&self.conn, surnames, f)
    }

    fn add_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<AliasOutcome> {
        SqliteStore::add_alias(self, entity::of(kind), name, alias)
    }

    fn remove_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<String> {
        SqliteStore::remove_alias(self, entity::of(kind), name, alias)
    }

    fn rename(&mut self, kind: EntityKind, name: &str, new: &str) -> Result<String> {
        SqliteStore::rename(self, entity::of(kind), name, new)
    }

    fn merge(&mut self, kind: EntityKind, keep: &str, other: &str) -> Result<Merged> {
        SqliteStore::merge(self, entity::of(kind), keep, other)
    }

    // `orgs` and `people` read a summary row each; `stats` narrowed by a filter counts
    // events, grouping them in temporary files once they outgrow the cache. No memory map:
    // its pages would count in the process's memory (a 1 GiB map made `stats --by org` with
    // a filter peak at 199 MB at 100k events).

    fn organizations(&mut self, search: Option<&str>) -> Result<Vec<OrgSummary>> {
        self.read_many_rows()?;
        SqliteStore::organizations(self, search)
    }

    fn people(
        &mut self,
        org: Option<&str>,
        f: &mut dyn FnMut(PersonSummary) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.read_many_rows()?;
        SqliteStore::people(self, org, f)
    }

    fn person_history(&mut self, name: &str) -> Result<Option<PersonHistory>> {
        SqliteStore::person_history(self, name)
    }

    fn alias_records(&mut self, filter: &EventFilter) -> Result<Vec<AliasRecord>> {
        SqliteStore::alias_records(self, filter)
    }

    fn stats(&mut self, by: StatsBy, filter: &EventFilter) -> Result<Vec<StatsRow>> {
        if filter.is_narrowed() {
            self.read_many_rows()?;
            self.sort_on_disk()?;
        }
        SqliteStore::stats(self, by, filter)
    }

    fn begin_import(&mut self) -> Result<Import<'_>> {
        Ok(Import::new(Box::new(SqliteStore::begin_import(self)?)))
    }

    fn put_in_place(mut self: Box<Self>) -> Result<Option<Box<dyn Store>>> {
        let Some((mut new, target)) = self.staged.take() else {
            return Ok(None);
        };
        // Back in WAL mode, as every database (an import builds it with a rollback journal
        // in memory: `begin_import`); closed first: its write-ahead log is then in the file
        // itself.
        let _: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        drop(self);
        if new.put_in_place(&target)? {
            return Ok(None);
        }
        // Another process created the database meanwhile: what was built is read again,
        // and removed once read.
        let mut built = SqliteStore::open(&new.path)?;
        built.staged = Some((new, target));
        Ok(Some(Box::new(built)))
    }

    fn check(&mut self) -> Result<Vec<String>> {
        SqliteStore::check(self)
    }

    fn counts(&mut self) -> Result<Counts> {
        SqliteStore::counts(self)
    }

    fn survey(&mut self) -> Result<crate::model::Survey> {
        SqliteStore::survey(self)
    }

    fn backup(&mut self, to: &Path) -> Result<()> {
        SqliteStore::backup(self, to)
    }
}
