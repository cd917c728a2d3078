//! The store: where records are kept, behind one interface ([`Store`]) in domain types only.
//! The commands open one with [`open`] and a [`Location`], and never learn which backend
//! answers.
//!
//! What does not depend on the database is written here, once: which stored event an import
//! record is and what it changes (`import`), which organization or person a name as typed
//! means, by its initialism or a surname (`resolve`), which known names are close to a new one
//! or to a name no one has (`near`), how names sort (`fold`), which key an event without one is given
//! (`keys`), how an event's sessions and participations are updated by difference (`plan`). A backend finds, reads and writes:
//! `sqlite/` (a file; the only backend today) holds all of its SQL, migrations, search
//! syntax and file handling. Every value reaches a database as a bound parameter.
//!
//! The interface is a trait, [`Store`], used as `Box<dyn Store>`, with a transaction object
//! for imports ([`ImportTxn`]): a backend is a type of its own that the rest of the program
//! cannot reach into, and a second one is added without touching the first. Dynamic dispatch
//! costs a call per operation (a few per imported record), never per row.

mod edits;
mod error;
pub(crate) mod fold;
mod history;
mod import;
mod interrupt;
mod keys;
mod near;
mod plan;
mod postgres;
mod resolve;
mod sqlite;
pub mod summary;
mod tokens;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use edits::{
    AliasOutcome, Counts, Found, ListsChanged, MergeReport, Merged, ParticipantAdded, SessionEdit,
    SessionsEdited,
};
pub(crate) use error::ambiguity;
pub use error::{Failure, Result, StoreError};
pub use history::{HistoryTxn, Journal, Undone, changed_fields, describe as describe_change};
pub use import::{
    AliasConflict, AliasProblem, AmbiguousName, Import, ImportStats, ImportTxn, Outcome, ReadAs,
    RoleConflict, Twins, Update,
};
pub(crate) use interrupt::not_in_this_thread;
pub use keys::{GeneratedKeys, KeySpace};
pub use near::NearName;
pub(crate) use near::tolerance;
pub use plan::{ParticipationPlan, Write};
pub use postgres::url::{looks_like_a_connection, redact_loosely};
pub use postgres::{PgUrl, is_postgres_url};
pub use resolve::{Abbreviations, Basis};

pub use crate::model::EntityKind;
use crate::model::{
    AliasRecord, Event, EventFilter, EventRef, Identity, LastChange, LogFilter, NewEvent,
    NewParticipant, Operation, OrgSummary, ParticipantRecord, PersonHistory, PersonSummary,
    RecordKind, StatsBy, StatsRow, normalize_name,
};
use near::{NearTyped, Similar};

/// The moment a row is written, as every backend stores it in `created_at` and `updated_at`.
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Where the records are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A database file (SQLite).
    File(PathBuf),
    /// A schema in a database on a PostgreSQL server.
    Postgres(PgUrl),
}

impl Location {
    /// Whether there is a database there already.
    pub fn exists(&self) -> bool {
        match self {
            Location::File(path) => path.exists(),
            Location::Postgres(url) => postgres::exists(url),
        }
    }

    /// Refuses a `backup` where the database is not a file: a server's copies are made with
    /// its own tools (the error says which).
    pub fn refuse_backup(&self) -> Result<()> {
        match self {
            Location::File(_) => Ok(()),
            Location::Postgres(url) => Err(url.no_backup()),
        }
    }

    /// Refuses `target` as a file to write when writing it would overwrite the database
    /// itself or a file it keeps beside it. `what` names the target in the message.
    pub fn refuse_as_output(&self, target: &Path, what: &str) -> Result<()> {
        match self {
            Location::File(path) => sqlite::refuse_database_file(path, target, what),
            // No file of the client's is the database.
            Location::Postgres(_) => Ok(()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => path.display().fmt(f),
            // Its password hidden.
            Location::Postgres(url) => url.fmt(f),
        }
    }
}

/// What a command opens the store for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// To write: the database is created if it does not exist, and its schema brought up to
    /// date.
    Write,
    /// To read only: one that does not exist reads as empty and is not created; one that
    /// may be read but not written is read as it stands.
    Read,
    /// To import: as `Write`, but a database that does not exist yet is built aside and
    /// appears only once complete ([`Store::put_in_place`]), so that a failed import leaves
    /// none behind.
    Import,
}

/// Opens the store at `location`.
pub fn open(location: &Location, access: Access) -> Result<Box<dyn Store>> {
    match location {
        Location::File(path) => sqlite::open(path, access),
        Location::Postgres(url) => match postgres::open(url, access)? {
            Some(store) => Ok(store),
            // No schema there yet, read: as empty as a file that is not there (an empty
            // database in memory answers every read as one would).
            None => sqlite::empty(),
        },
    }
}

/// An open store. Each method that writes is one transaction. Reads take `&mut self` too: a
/// server's client (the `postgres` crate's) needs it for every query.
pub trait Store {
    /// What opening did that a person should hear of (an upgrade of an older schema, and
    /// where a copy as it was is), once.
    fn take_notice(&mut self) -> Option<String>;

    // Events.

    /// The event a reference names, if any.
    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>>;
    /// The stored keys equal to `text` but for case (`text` itself first, if stored), a few
    /// at most: what a reference that found nothing may have meant.
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>>;
    /// The first event with the same title (compared as names are) and start date, if any.
    fn find_same_event(&mut self, title: &str, start: NaiveDate) -> Result<Option<Identity>>;
    /// One event with all its links.
    fn get_event(&mut self, id: i64) -> Result<Option<Event>>;
    /// The events that pass `filter`, in its order, with all their links.
    fn list_events(&mut self, filter: &EventFilter) -> Result<Vec<Event>>;
    /// Gives `f` the events that pass `filter`, in its order, with what a one-line summary
    /// shows: their organizers and how many people took part (no tags, sessions or
    /// participants). `f` reads them through a [`Scan`], one at a time, as many times over as
    /// it needs (a table measures its columns, then prints), every time from the same
    /// snapshot; none is kept. An error of `f`'s ends the reading and is returned as it is.
    fn scan_summaries(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(&mut dyn Scan) -> anyhow::Result<()>,
    ) -> anyhow::Result<()>;
    /// Calls `f` with each event that passes `filter`, in its order, one at a time, all read
    /// from one snapshot. An error of `f`'s ends the reading and is returned as it is.
    fn visit_events(
        &mut self,
        filter: &EventFilter,
        f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<()>;
    /// Records a new event with its organizations, tags, sessions and participants; one
    /// without a key is given one.
    fn add_event(&mut self, event: &NewEvent) -> Result<Identity>;
    /// Records one participation in an existing event, unless an identical one (the same
    /// person, organization and session, the same position, role and contribution, case and
    /// spacing aside; whether it heads its delegation aside) is there already: asked for as
    /// head, that one becomes the head ([`ParticipantAdded::MadeHead`]). A second head of a
    /// delegation is [`StoreError::HeadTaken`], nothing written.
    fn add_participant(&mut self, event: i64, p: &NewParticipant) -> Result<ParticipantAdded>;
    /// Overwrites an event's own fields with `event`'s, and its tags, organizers and partners
    /// where `lists` says they changed, then applies the edits of its sessions, in order.
    /// `expected` is the event as the caller read it: if another process changed it since,
    /// nothing is written and the error is [`StoreError::ChangedMeanwhile`] (read again, and
    /// redo).
    /// `since`, if given (`--if-unchanged-since`, in the log's format), refuses the edit
    /// with [`StoreError::ChangedSince`] when the event was changed after that moment (by an
    /// operation of the log, or as its `updated_at` says), nothing written.
    fn edit_event(
        &mut self,
        id: i64,
        expected: &Event,
        event: &NewEvent,
        lists: ListsChanged,
        sessions: &[SessionEdit],
        since: Option<&str>,
    ) -> Result<SessionsEdited>;
    /// A participation: the event it belongs to and what it records.
    fn participation(&mut self, id: i64) -> Result<Option<(i64, ParticipantRecord)>>;
    /// Overwrites what participation `id` of event `event` records, provided it still
    /// records `expected` (what the caller read): else [`StoreError::ChangedMeanwhile`],
    /// nothing written. Making it a second head of its delegation is
    /// [`StoreError::HeadTaken`], nothing written.
    /// `since` guards the edit as `edit_event`'s does, for the participation's event.
    fn edit_participation(
        &mut self,
        id: i64,
        event: i64,
        expected: &ParticipantRecord,
        p: &NewParticipant,
        since: Option<&str>,
    ) -> Result<()>;
    /// Removes one participation; the person and organization stay.
    fn remove_participation(&mut self, id: i64, event: i64) -> Result<()>;
    /// Removes an event with its links, sessions and participations.
    fn remove_event(&mut self, id: i64) -> Result<()>;

    // Organizations and people.

    /// The organization or person known by `name` (its own or an alias), if any.
    fn find_entity(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>>;
    /// Calls `f` with the id and each name (own or alias) of every organization or person.
    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()>;
    /// Calls `f` with the id and each name of the people, at least every name whose surname
    /// (as [`crate::model::abbrev::PersonName`] reads and folds it) is one of `surnames`: the
    /// only names a typed name may fit by its spelling or surname. A backend with no index of
    /// surnames gives every name.
    fn each_name_with_surname(
        &mut self,
        surnames: &[String],
        f: &mut dyn FnMut(i64, &str),
    ) -> Result<()> {
        let _ = surnames;
        self.each_name(EntityKind::Person, f)
    }
    /// Makes `alias` another name of the one known by `name`.
    fn add_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<AliasOutcome>;
    /// Removes `alias` from the names of the one known by `name`; returns its own name.
    fn remove_alias(&mut self, kind: EntityKind, name: &str, alias: &str) -> Result<String>;
    /// Renames the one known by `name`; the old name stays as an alias. Returns the old name.
    fn rename(&mut self, kind: EntityKind, name: &str, new: &str) -> Result<String>;
    /// Moves every link of `other` to `keep`; `other`'s names become aliases of `keep`.
    fn merge(&mut self, kind: EntityKind, keep: &str, other: &str) -> Result<Merged>;

    // Views.

    /// Every organization (or those with a name or alias containing `search`), by name.
    fn organizations(&mut self, search: Option<&str>) -> Result<Vec<OrgSummary>>;
    /// Calls `f` with every person (or those who represented `org`: none when `org` is no
    /// one), by name, one at a time, all read from one snapshot. An error of `f`'s ends the
    /// reading and is returned as it is.
    fn people(
        &mut self,
        org: Option<&str>,
        f: &mut dyn FnMut(PersonSummary) -> anyhow::Result<()>,
    ) -> anyhow::Result<()>;
    /// Everything the person known by `name` took part in, oldest first.
    fn person_history(&mut self, name: &str) -> Result<Option<PersonHistory>>;
    /// The aliases of the organizations and people of the events passing `filter` (of all,
    /// for a filter that narrows nothing), as records an import gives back.
    fn alias_records(&mut self, filter: &EventFilter) -> Result<Vec<AliasRecord>>;
    /// How many of the events passing `filter` fall in each group.
    fn stats(&mut self, by: StatsBy, filter: &EventFilter) -> Result<Vec<StatsRow>>;

    // Imports.

    /// Starts an import: one write transaction for the whole of it.
    fn begin_import(&mut self) -> Result<Import<'_>>;
    /// For a store opened with [`Access::Import`] where there was no database: puts the one
    /// built in place. `Some(built)` when another process created a database there meanwhile:
    /// what was built is to be imported into it.
    fn put_in_place(self: Box<Self>) -> Result<Option<Box<dyn Store>>>;

    // History.

    /// The operations of the log that pass `filter`, newest first; with their changes when
    /// it asks for them.
    fn log(&mut self, filter: &LogFilter) -> Result<Vec<Operation>>;
    /// One operation of the log, with its changes.
    fn operation(&mut self, id: i64) -> Result<Option<Operation>>;
    /// The newest operation that changed the record, if any.
    fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>>;
    /// The event the log last saw removed with this key, if any (`log --event KEY` of an
    /// event no longer there).
    fn removed_event_with_key(&mut self, key: &str) -> Result<Option<i64>>;
    /// Reverts operation `op` (the newest that has not been undone, for `None`) in one
    /// transaction, logged as an operation of its own (`undo`): see [`history::undo`].
    fn undo(&mut self, op: Option<i64>) -> Result<Undone>;
    /// How many operations the log holds from before `before` (the log's format).
    fn log_count_before(&mut self, before: &str) -> Result<u64>;
    /// Drops the operations from before `before` from the log, in one transaction; the
    /// records themselves stay as they are. Returns how many were dropped.
    fn prune_log(&mut self, before: &str) -> Result<u64>;

    // Care.

    /// What the database's own checks find wrong; empty when all is well.
    fn check(&mut self) -> Result<Vec<String>>;
    /// How many events, organizations, people and participations there are.
    fn counts(&mut self) -> Result<Counts>;
    /// What `doctor` reads, all from one snapshot: every event in brief, the participations
    /// without an organization, every organization and person with all their names and how
    /// much each is used. In no particular order.
    fn survey(&mut self) -> Result<crate::model::Survey>;
    /// Writes a consistent copy of the database to the new file `to`.
    fn backup(&mut self, to: &Path) -> Result<()>;
}

/// The events of one query, read again from the start at each [`Scan::each`], all from the
/// snapshot the store opened for it: see [`Store::scan_summaries`].
pub trait Scan {
    /// Calls `f` with each event, in order, one at a time. An error of `f`'s ends the reading
    /// and is returned as it is.
    fn each(&mut self, f: &mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()>;
}

/// What every backend answers the same way, from what it finds.
impl dyn Store + '_ {
    /// The events that pass `filter`, in its order, as a one-line summary shows them (see
    /// [`Store::scan_summaries`]), all at once.
    pub fn list_summaries(&mut self, filter: &EventFilter) -> anyhow::Result<Vec<Event>> {
        let mut events = Vec::new();
        self.scan_summaries(filter, &mut |scan| {
            scan.each(&mut |event| {
                events.push(event);
                Ok(())
            })
        })?;
        Ok(events)
    }

    /// Calls `f` with each event that passes `filter`; see [`Store::visit_events`].
    pub fn each_event(
        &mut self,
        filter: &EventFilter,
        mut f: impl FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.visit_events(filter, &mut f)
    }

    /// The id of the organization known by `name` (or an alias), if any.
    pub fn organization_id(&mut self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .find_entity(EntityKind::Organization, name)?
            .map(|found| found.id))
    }

    /// The own name of the organization known by `name` (or an alias), if any.
    pub fn organization_name(&mut self, name: &str) -> Result<Option<String>> {
        Ok(self
            .find_entity(EntityKind::Organization, name)?
            .map(|found| found.name))
    }

    /// The organization or person `typed` means: the one known by that name or alias (case
    /// and spacing aside); else the one organization whose name or alias gives it as its
    /// initialism ("UNODC"), or the one person with a name written the same way but for order,
    /// dots and spaces ("Barchuk V.V."), else the one person it may be a shorter name of
    /// ("Barchuk"). `None` when nothing fits; [`StoreError::Ambiguous`], naming them all, when
    /// several do at the first step where any does. Every name is read only when the exact
    /// lookup misses.
    pub fn resolve(&mut self, kind: EntityKind, typed: &str) -> Result<Option<Found>> {
        match self.find_entity(kind, typed)? {
            Some(found) => Ok(Some(found)),
            None => self.fitting(kind, typed),
        }
    }

    /// What `typed`, no one's name, fits: see [`Self::resolve`].
    fn fitting(&mut self, kind: EntityKind, typed: &str) -> Result<Option<Found>> {
        let Some(mut matcher) = resolve::Matcher::new(kind, typed) else {
            return Ok(None);
        };
        // A person's name fits only names of the same surname: those, through an index.
        match matcher.surnames() {
            Some(surnames) => {
                self.each_name_with_surname(&surnames, &mut |id, name| matcher.add(id, name))?
            }
            None => self.each_name(kind, &mut |id, name| matcher.add(id, name))?,
        }
        let Some((basis, fits)) = matcher.finish() else {
            return Ok(None);
        };
        let mut found: Vec<Found> = Vec::with_capacity(fits.len());
        for (_, name) in fits {
            if let Some(one) = self.find_entity(kind, &name)?
                && !found.iter().any(|f| f.id == one.id)
            {
                found.push(one);
            }
        }
        if found.len() > 1 {
            let names = found.into_iter().map(|f| f.name).collect();
            return Err(resolve::ambiguous(kind, typed, basis, names));
        }
        Ok(found.pop())
    }

    /// Which abbreviations reach which organization ([`Abbreviations`]), every name read once;
    /// `organizations` is how many there are, if known (at least as many names), else 0.
    pub fn abbreviations(&mut self, organizations: usize) -> Result<Abbreviations> {
        let mut abbreviations = Abbreviations::with_capacity(organizations);
        self.each_name(EntityKind::Organization, &mut |id, name| {
            abbreviations.add(id, name)
        })?;
        Ok(abbreviations)
    }

    /// A name for the organization or person `typed` means ([`Self::resolve`]) that the
    /// backends find as it is: `typed` itself when it is a name or an alias (so messages say
    /// it as the user wrote it) or when nothing fits (a name to create, or to report as
    /// unknown); else the own name of the one it fits.
    pub fn resolved_name(&mut self, kind: EntityKind, typed: &str) -> Result<String> {
        if self.find_entity(kind, typed)?.is_some() {
            return Ok(typed.to_string());
        }
        Ok(self
            .fitting(kind, typed)?
            .map_or_else(|| typed.to_string(), |found| found.name))
    }

    /// The id of the person known by `name` (or an alias), if any.
    pub fn person_id(&mut self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .find_entity(EntityKind::Person, name)?
            .map(|found| found.id))
    }

    /// Up to `n` organizations whose names (own, aliases, or the initialisms they give) are
    /// closest to `name`, closest first, each once under its own name.
    pub fn similar_organizations(&mut self, name: &str, n: usize) -> Result<Vec<String>> {
        self.similar(EntityKind::Organization, name, n)
    }

    /// Up to `n` people whose names (own or aliases) are closest to `name`, closest first,
    /// each once under their own name.
    pub fn similar_people(&mut self, name: &str, n: usize) -> Result<Vec<String>> {
        self.similar(EntityKind::Person, name, n)
    }

    fn similar(&mut self, kind: EntityKind, name: &str, n: usize) -> Result<Vec<String>> {
        let mut similar = Similar::new(kind, name);
        self.each_name(kind, &mut |id, known| similar.add(id, known))?;
        let mut own: Vec<String> = Vec::new();
        for (_, known) in similar.best(n) {
            if let Some(found) = self.find_entity(kind, &known)?
                && !own.contains(&found.name)
            {
                own.push(found.name);
            }
        }
        Ok(own)
    }

    /// For each organization of `names` that does not exist yet (it would be created), the
    /// known name it is close to, if any.
    pub fn near_organizations(&mut self, names: &[String]) -> Result<Vec<NearName>> {
        self.near(EntityKind::Organization, names)
    }

    /// For each person of `names` who does not exist yet, the known name close to theirs.
    pub fn near_people(&mut self, names: &[String]) -> Result<Vec<NearName>> {
        self.near(EntityKind::Person, names)
    }

    fn near(&mut self, kind: EntityKind, names: &[String]) -> Result<Vec<NearName>> {
        let mut new: Vec<String> = Vec::new();
        for name in names {
            let key = crate::model::name_key(name);
            if self.find_entity(kind, name)?.is_none()
                && !new.iter().any(|n| crate::model::name_key(n) == key)
            {
                new.push(normalize_name(name));
            }
        }
        let mut near = NearTyped::new(kind, &new);
        if near.is_empty() {
            return Ok(Vec::new());
        }
        self.each_name(kind, &mut |_, known| near.add(known))?;
        Ok(near.finish())
    }
}
