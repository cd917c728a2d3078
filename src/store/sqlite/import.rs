//! Imports into SQLite: one write transaction for the whole import, its statements
//! prepared once per connection; into an empty database, a bulk load whose secondary indexes
//! and search index are built once at the end. What to do with each record is decided above
//! the backends (`crate::store::import`); this only finds, reads and writes.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Transaction, params};

use super::SqliteStore;
use super::curate::{add_aliases, merge_entities};
use super::entity::find;
use super::history::{ImportLog, OnConnection, events_using};
use super::lookup::{Keys, event_with_key, keys_like, resolve_event, same_events};
use super::names::{Names, Sessions};
use super::read::get_event;
use super::schema::FTS_FILL;
use super::summary::CountingAside;
use super::write::{
    insert_event, insert_participant, now, participant_refs, refresh_search, replace_event_orgs,
    replace_event_tags, same_participation, touch_event, update_event_row, update_participation,
};

use crate::model::{
    EntityKind, Event, EventRef, Field, Identity, NewEvent, NewParticipant, RecordKind, name_key,
};
use crate::store::error::Result;
use crate::store::error::StoreError;
use crate::store::{
    AliasConflict, Found, ImportTxn, KeySpace, MergeReport, ParticipationPlan, Write,
};

/// An import in progress: a write transaction that is committed or rolled back as a whole.
pub(super) struct SqliteImport<'a> {
    tx: Transaction<'a>,
    /// Whether an interruption says that nothing was imported (see `begin_import`).
    armed: bool,
    /// What the import logs at its commit: what is not written to the log as it goes.
    journal: crate::store::Journal,
    /// The import's log, written as it goes (see [`ImportLog`]).
    log: ImportLog,
    /// How many of the organizations and people in `names.created` are in the log.
    logged_created: usize,
    names: Names,
    stamp: String,
    /// Events whose participants a participants file changed.
    touched: BTreeSet<i64>,
    /// Indexes dropped for a bulk load into an empty database, as `CREATE INDEX` statements
    /// to run again before the commit.
    deferred_indexes: Vec<(String, String)>,
    /// Whether this is such a bulk load, whose search index is built at the end too.
    bulk: bool,
    /// Into a database with no events, organizations or people, every summary counted as
    /// the import writes (rather than read back and counted at the end), as long as it only
    /// creates: the first change to a record there (the import's own) stops the count.
    counted: Option<CountingAside>,
    /// Whether foreign keys go unchecked as rows are written: into a database built aside,
    /// they are checked at the end instead, all at once ([`check_keys`]), as long as the
    /// import only creates (see [`SqliteImport::enforce_keys`]).
    unchecked_keys: bool,
}

/// Sets how many bytes of terms the search index gathers in memory before it writes them.
const FTS_HASH_SIZE: &str = "INSERT INTO event_fts (event_fts, rank) VALUES ('hashsize', ?1)";
/// FTS5's own, and a bulk load's.
const FTS_DEFAULT_HASH_SIZE: i64 = 1 << 20;
const FTS_BULK_HASH_SIZE: i64 = 8 << 20;

/// The index that finds a record without a key: built as soon as one comes.
const TITLE_INDEX: &str = "event_start_title";

/// Indexes that an import into an empty database builds once at the end rather than row by
/// row: building an index from sorted data is several times faster than inserting into it at
/// random. An import into an empty database never reads them (it never replaces an event it
/// did not write itself), but for the title index, built as soon as a record without a key
/// needs it. Unique indexes stay: they enforce the keys.
const DEFERRABLE_INDEXES: &[&str] = &[
    TITLE_INDEX,
    "event_start",
    "event_end",
    "participation_event",
    "event_tag_tag",
    "event_organization_organization",
    "participation_person",
    "participation_organization",
    "participation_session",
    "organization_name_organization",
    "person_name_person",
];

impl SqliteStore {
    /// Starts an import: takes the write lock for the whole of it.
    pub(super) fn begin_import(&mut self) -> Result<SqliteImport<'_>> {
        // An 8 MiB page cache: measured fastest for a large import (bench/import.sh), and small.
        self.conn.pragma_update(None, "cache_size", -8192)?;
        // The bundled SQLite keeps temporary tables and the sorts that build indexes in memory
        // (SQLITE_TEMP_STORE=2): for an import, whose line table and deferred indexes grow
        // with the file, they go to temporary files, so that memory does not.
        self.sort_on_disk()?;
        if self.staged.is_some() {
            // A database built aside (see `staging`) is no one's until it is put in place:
            // a rollback journal in memory (which holds only the pages there before, those of
            // an empty schema) writes each page once, where the write-ahead log writes it
            // twice (the log, then the checkpoint). A failed or interrupted build is removed
            // whole, as before; the commit syncs the file before it is put in place; it is
            // put in place in WAL mode (`put_in_place`).
            let _: String = self
                .conn
                .query_row("PRAGMA journal_mode = MEMORY", [], |r| r.get(0))?;
        }
        // Into a database built aside, foreign keys are checked when the import ends, not
        // row by row: a lookup of each key's row for each of a million rows written was a
        // tenth of the import's time or more (bench/import.sh). The pragma takes effect only
        // outside a transaction.
        let unchecked_keys = self.staged.is_some();
        if unchecked_keys {
            self.conn.pragma_update(None, "foreign_keys", false)?;
        }
        let armed = self.staged.is_none();
        let tx = self.write()?;
        let (empty, nothing): (bool, bool) = tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM event),
                    NOT EXISTS (SELECT 1 FROM organization) AND NOT EXISTS (SELECT 1 FROM person)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut deferred_indexes = Vec::new();
        if empty {
            let mut stmt = tx.prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            )?;
            let indexes: Vec<(String, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            drop(stmt);
            for (name, sql) in indexes {
                if DEFERRABLE_INDEXES.contains(&name.as_str()) {
                    // The name comes from the schema, never from input.
                    tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                    deferred_indexes.push((name, sql));
                }
            }
        }
        // Into a database there already, an interrupted import says that nothing was
        // imported, as into a new one (whose files `staging` arms): SQLite rolls back a
        // transaction its process did not commit.
        if armed {
            crate::store::interrupt::arm(&[]);
        }
        Ok(SqliteImport {
            armed,
            journal: crate::store::Journal::new("import"),
            log: ImportLog::default(),
            logged_created: 0,
            tx,
            names: Names::default(),
            stamp: now(),
            deferred_indexes,
            bulk: empty,
            counted: if empty && nothing {
                CountingAside::start()
            } else {
                None
            },
            unchecked_keys,
            touched: BTreeSet::new(),
        })
        .and_then(|import| {
            // Which event each record of this import wrote, by line: a second record for the
            // same event is an error. On disk, not in memory, so that memory does not grow
            // with the file. Dropped with the transaction.
            // Temporary tables belong to the connection, not to the transaction: one left by
            // an earlier import on this connection (committed with it) is replaced.
            import.tx.execute_batch(
                "DROP TABLE IF EXISTS temp.import_line;
                 CREATE TEMP TABLE import_line (event_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)",
            )?;
            Ok(import)
        })
    }
}

impl KeySpace for SqliteImport<'_> {
    type Error = StoreError;

    fn key_taken(&mut self, key: &str) -> Result<bool> {
        Ok(Keys(&self.tx).key_taken(key)?)
    }

    fn suffixed_keys(&mut self, base: &str) -> Result<Vec<String>> {
        Ok(Keys(&self.tx).suffixed_keys(base)?)
    }
}

impl ImportTxn for SqliteImport<'_> {
    fn journal(&mut self) -> &mut crate::store::Journal {
        &mut self.journal
    }

    fn changes_since(
        &mut self,
        kind: crate::model::RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<crate::model::LastChange>> {
        crate::store::HistoryTxn::changes_since(self, kind, id, after, since)
    }

    fn event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        event_with_key(&self.tx, key)
    }

    fn events_like(&mut self, title: &str, start: NaiveDate) -> Result<Vec<Identity>> {
        // Only a record without a key (from some other source) is matched by title and start
        // date: that index is needed from here on.
        self.build_now(TITLE_INDEX)?;
        same_events(&self.tx, title, start)
    }

    fn line_of(&mut self, event: i64) -> Result<Option<u64>> {
        let line: Option<i64> = self
            .tx
            .prepare_cached("SELECT line FROM temp.import_line WHERE event_id = ?1")?
            .query_row([event], |r| r.get(0))
            .optional()?;
        Ok(line.map(|line| line.try_into().unwrap_or(0)))
    }

    fn record_line(&mut self, event: i64, line: u64) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO temp.import_line (event_id, line) VALUES (?1, ?2)")?
            .execute(params![event, i64::try_from(line).unwrap_or(i64::MAX)])?;
        Ok(())
    }

    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        self.reading_events()?;
        get_event(&self.tx, id)
    }

    fn find(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>> {
        // Most names an import asks about (every organization of an event with organizers
        // and partners, to check their roles) were written by it or met before.
        if let Some(named) = self.names.known(kind, name) {
            return Ok(Some(Found {
                id: named.id,
                name: named.name,
            }));
        }
        find(&self.tx, super::entity::of(kind), name)
    }

    fn began_empty(&self) -> bool {
        self.bulk
    }

    fn insert_event(&mut self, event: &NewEvent, key: &str) -> Result<i64> {
        let state = insert_event(&self.tx, &mut self.names, event, key, &self.stamp)?;
        // The event, then what its links created (as on PostgreSQL).
        self.log.event_created(&self.tx, &self.journal, &state)?;
        self.log_created()?;
        let id = state.id;
        if let Some(counting) = &mut self.counted {
            counting.event(state);
        }
        Ok(id)
    }

    /// Writes the `fields` that changed: the event's own fields, and each list that changed.
    /// Sessions and participations are updated as `plan` says, where they differ, not
    /// replaced. A record without a key leaves the stored key as it is.
    fn update_event(
        &mut self,
        id: i64,
        event: &NewEvent,
        fields: &[Field],
        plan: Option<&ParticipationPlan>,
    ) -> Result<()> {
        let changed = |field: Field| fields.contains(&field);
        self.touch(RecordKind::Event, id)?;
        update_event_row(&self.tx, id, event, &self.stamp, true)?;
        if changed(Field::Tags) {
            replace_event_tags(&self.tx, id, &event.tags)?;
        }
        if changed(Field::Organizers) || changed(Field::Partners) {
            replace_event_orgs(
                &self.tx,
                &mut self.names,
                id,
                event,
                &self.stamp,
                changed(Field::Organizers),
                changed(Field::Partners),
            )?;
        }
        if let Some(plan) = plan {
            self.apply_plan(id, plan)?;
        }
        self.log_created()?;
        Ok(())
    }

    fn event_changed(&mut self, id: i64) -> Result<()> {
        // A bulk load indexes all its events for search at the end, in one go.
        if !self.bulk {
            refresh_search(&self.tx, id)?;
        }
        Ok(())
    }

    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>> {
        resolve_event(&self.tx, reference)
    }

    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        keys_like(&self.tx, text)
    }

    fn has_participation(&mut self, event_id: i64, p: &NewParticipant) -> Result<bool> {
        self.reading_events()?;
        Ok(same_participation(&self.tx, event_id, p, None)?.is_some())
    }

    fn add_participation(&mut self, event: i64, p: &NewParticipant) -> Result<()> {
        self.touch(RecordKind::Event, event)?;
        insert_participant(
            &self.tx,
            &mut self.names,
            &mut Sessions::default(),
            event,
            p,
            &self.stamp,
        )?;
        // Its time stamp and search text are brought up to date once, at the end.
        self.touched.insert(event);
        self.log_created()?;
        Ok(())
    }

    fn entity(&mut self, kind: EntityKind, name: &str) -> Result<(i64, bool)> {
        let found = self.names.entity(&self.tx, kind, name, &self.stamp)?;
        self.log_created()?;
        Ok(found)
    }

    fn take_created(&mut self) -> Vec<(EntityKind, i64)> {
        // Every write that creates one logs it before it returns.
        debug_assert_eq!(self.logged_created, self.names.created.len());
        self.logged_created = 0;
        std::mem::take(&mut self.names.created)
            .into_iter()
            .map(|(kind, named)| (kind, named.id))
            .collect()
    }

    fn absorb(&mut self, kind: EntityKind, keep: i64, other: i64) -> Result<MergeReport> {
        // The two, and the events whose links move.
        self.touch(kind.into(), keep)?;
        self.touch(kind.into(), other)?;
        for event in events_using(&self.tx, kind, other, usize::MAX)? {
            self.touch(RecordKind::Event, event)?;
        }
        let report = merge_entities(&self.tx, super::entity::of(kind), keep, other)?;
        // A name may now be another's.
        self.names.forget();
        Ok(report)
    }

    fn add_aliases(
        &mut self,
        kind: EntityKind,
        id: i64,
        aliases: &[String],
    ) -> Result<std::result::Result<u64, AliasConflict>> {
        self.touch(kind.into(), id)?;
        add_aliases(&self.tx, super::entity::of(kind), id, aliases)
    }

    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        super::entity::each_name(&self.tx, super::entity::of(kind), f)
    }

    // Makes the import permanent: what was deferred is done now, then the log (which
    // reads what changed, with every index there), then the commit.
    fn commit(mut self: Box<Self>) -> Result<()> {
        self.log_created()?;
        // Every record is written: the summaries are made while the indexes are built.
        // (Nothing is created from here on; were anything, the count would be lost, and
        // everything counted again.)
        if let Some(counting) = &mut self.counted {
            counting.close();
        }
        // No name is looked up from here on: the memory goes to building the indexes.
        self.names = Names::default();
        // A second thread sorts while the first reads (the reading thread is done by now).
        self.tx.pragma_update(None, "threads", 1)?;
        for &id in &self.touched {
            touch_event(&self.tx, id, &self.stamp)?;
            refresh_search(&self.tx, id)?;
        }
        for (_, sql) in &self.deferred_indexes {
            self.tx.execute_batch(sql)?;
        }
        if self.bulk {
            // Built with 8 MiB of terms in memory rather than FTS5's 1 MiB: fewer segments
            // written and merged again (0.7 s -> 0.45 s at 100,000 events); the setting
            // (kept in the index's own table) is put back for the writes that follow.
            self.tx.execute(FTS_HASH_SIZE, [FTS_BULK_HASH_SIZE])?;
            self.tx.execute(FTS_FILL, [])?;
            self.tx.execute(FTS_HASH_SIZE, [FTS_DEFAULT_HASH_SIZE])?;
        }
        self.log_created()?;
        let journal = std::mem::replace(&mut self.journal, crate::store::Journal::new(""));
        let counted = self.counted.take().and_then(CountingAside::finish);
        std::mem::take(&mut self.log).finish(&self.tx, journal, counted)?;
        self.tx.execute_batch("DROP TABLE temp.import_line")?;
        if self.unchecked_keys {
            check_keys(&self.tx)?;
        }
        if self.armed {
            // From here, an interruption may come after the commit.
            crate::store::interrupt::disarm();
        }
        self.end("COMMIT")
    }

    /// Discards everything the import did.
    fn rollback(self: Box<Self>) -> Result<()> {
        if self.armed {
            crate::store::interrupt::disarm();
        }
        self.end("ROLLBACK")
    }
}

impl OnConnection for SqliteImport<'_> {
    fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }
}

impl SqliteImport<'_> {
    /// A record about to be changed, for the log.
    fn touch(&mut self, kind: RecordKind, id: i64) -> Result<()> {
        self.counted = None;
        self.enforce_keys()?;
        self.reading_events()?;
        self.log.touch(&self.tx, &mut self.journal, kind, id)
    }

    /// Checks foreign keys row by row from here on, as SQLite does, if they went unchecked:
    /// a change to a record (a merge, a session removed), unlike a creation, counts on the
    /// keys' cascades. What was written so far is checked first. The pragma takes effect
    /// only between transactions: the transaction so far is committed first, to the
    /// database built aside, which no one sees until it is put in place and which is
    /// removed whole if the import fails or is interrupted.
    fn enforce_keys(&mut self) -> Result<()> {
        if !self.unchecked_keys {
            return Ok(());
        }
        check_keys(&self.tx)?;
        self.tx.execute_batch("COMMIT")?;
        self.tx.pragma_update(None, "foreign_keys", true)?;
        // Only now: a failure before leaves the import to turn them on as it ends.
        self.unchecked_keys = false;
        self.tx.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Ends the transaction with `sql` (`COMMIT` or `ROLLBACK`), and checks foreign keys
    /// again on the connection if they went unchecked.
    fn end(self: Box<Self>, sql: &str) -> Result<()> {
        let ended = self.tx.execute_batch(sql);
        if self.unchecked_keys {
            self.tx.pragma_update(None, "foreign_keys", true)?;
        }
        ended?;
        // No transaction is left for `tx` to end.
        Ok(())
    }

    /// Logs the organizations and people created since last asked.
    fn log_created(&mut self) -> Result<()> {
        for (kind, named) in &self.names.created[self.logged_created..] {
            self.log
                .entity_created(&self.tx, &self.journal, *kind, named, &self.stamp)?;
            if let Some(counting) = &mut self.counted {
                counting.entity(*kind, named);
            }
        }
        self.logged_created = self.names.created.len();
        Ok(())
    }

    /// Builds the index of participations by event, if it was deferred: an import that reads
    /// back the events it writes (a participant added to one, a workbook's Participants
    /// sheet) would otherwise scan every participation for each one, in time that grows
    /// with the square of the file.
    fn reading_events(&mut self) -> Result<()> {
        self.build_now("participation_event")
    }

    /// Builds a deferred index now rather than at the end.
    fn build_now(&mut self, name: &str) -> Result<()> {
        if let Some(at) = self.deferred_indexes.iter().position(|(n, _)| n == name) {
            let (_, sql) = self.deferred_indexes.remove(at);
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }

    /// Carries out `plan` (see [`ParticipationPlan`]) on the event's sessions and
    /// participations.
    fn apply_plan(&mut self, event_id: i64, plan: &ParticipationPlan) -> Result<()> {
        for name in &plan.remove_sessions {
            // Their participations lose the session (`ON DELETE SET NULL`).
            self.tx
                .prepare_cached("DELETE FROM session WHERE event_id = ?1 AND name_key = ?2")?
                .execute(params![event_id, name_key(name)])?;
        }
        for (old, new) in &plan.rename_sessions {
            self.tx
                .prepare_cached(
                    "UPDATE session SET name = ?3 WHERE event_id = ?1 AND name_key = ?2",
                )?
                .execute(params![event_id, name_key(old), new])?;
        }
        let mut sessions = Sessions::default();
        for name in &plan.add_sessions {
            sessions.id(&self.tx, event_id, name)?;
        }
        // Heads that change stop heading first: a delegation has one head at a time.
        for id in &plan.unhead {
            super::write::set_head(&self.tx, *id, false)?;
        }
        for write in &plan.write {
            match write {
                Write::Change(id, p) => {
                    let refs = participant_refs(
                        &self.tx,
                        &mut self.names,
                        &mut sessions,
                        event_id,
                        p,
                        &self.stamp,
                    )?;
                    // The same person: the row keeps its id, the rest is the record's.
                    update_participation(&self.tx, *id, refs, p)?;
                }
                Write::Add(p) => {
                    insert_participant(
                        &self.tx,
                        &mut self.names,
                        &mut sessions,
                        event_id,
                        p,
                        &self.stamp,
                    )?;
                }
            }
        }
        for id in &plan.remove {
            self.tx
                .prepare_cached("DELETE FROM participation WHERE id = ?1")?
                .execute([id])?;
        }
        Ok(())
    }
}

/// Checks every foreign key of every table, as `PRAGMA foreign_key_check` does, cheaply
/// where it can: a key to a table whose ids run without a gap holds for every row if its
/// least and greatest values are such ids (every key an import writes is an integer it was
/// given by SQLite); the least and greatest of a column are two lookups in its index. Other
/// tables' keys are checked row by row. A broken key is an error, naming the row.
fn check_keys(conn: &rusqlite::Connection) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut spans: std::collections::HashMap<String, Option<(i64, i64)>> = Default::default();
    for table in &tables {
        let keys: Vec<(String, String, Option<String>)> = conn
            .prepare(r#"SELECT "from", "table", "to" FROM pragma_foreign_key_list(?1)"#)?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut row_by_row = false;
        for (column, parent, to) in keys {
            if to.as_deref() != Some("id") {
                row_by_row = true;
                break;
            }
            let span = match spans.get(&parent) {
                Some(span) => *span,
                None => {
                    let span = gapless_ids(conn, &parent)?;
                    spans.insert(parent, span);
                    span
                }
            };
            // The names come from the schema, never from input. Through an index of the
            // column, min() and max() each alone are a lookup (a query of both scans the
            // table); without one (an index deferred, when the check comes in the middle of
            // an import), one scan for both.
            let sql = if leads_an_index(conn, table, &column)? {
                format!(
                    r#"SELECT (SELECT min("{column}") FROM "{table}"),
                              (SELECT max("{column}") FROM "{table}")"#
                )
            } else {
                format!(r#"SELECT min("{column}"), max("{column}") FROM "{table}""#)
            };
            let (least, greatest): (Value, Value) =
                conn.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let holds = match (least, greatest, span) {
                (Value::Null, Value::Null, _) => true,
                (Value::Integer(least), Value::Integer(greatest), Some((low, high))) => {
                    low <= least && greatest <= high
                }
                _ => false,
            };
            if !holds {
                row_by_row = true;
                break;
            }
        }
        if row_by_row {
            let broken: Option<(Option<i64>, String)> = conn
                .prepare("SELECT rowid, parent FROM pragma_foreign_key_check(?1)")?
                .query_row([table], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((rowid, parent)) = broken {
                return Err(StoreError::Database {
                    failure: crate::store::error::Failure::Other,
                    message: format!(
                        "foreign key: row {} of {table} refers to a missing row of {parent}",
                        rowid.map_or_else(|| "?".to_string(), |id| id.to_string())
                    ),
                    inner: None,
                });
            }
        }
    }
    Ok(())
}

/// Whether `column` of `table` is the first column of one of its indexes (not a partial
/// one, which holds only some rows).
fn leads_an_index(conn: &rusqlite::Connection, table: &str, column: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) AS l,
                                          pragma_index_info(l.name) AS i
                             WHERE NOT l.partial AND i.seqno = 0 AND i.name = ?2)",
        )?
        .query_row([table, column], |r| r.get(0))?)
}

/// The least and greatest ids of `table` if every id between them is there (none: an
/// empty span).
fn gapless_ids(conn: &rusqlite::Connection, table: &str) -> Result<Option<(i64, i64)>> {
    // The name comes from the schema, never from input. Three queries in one, each answered
    // without a scan (together, they scan the table).
    let (count, low, high): (i64, Option<i64>, Option<i64>) = conn.query_row(
        &format!(
            r#"SELECT (SELECT count(*) FROM "{table}"), (SELECT min(id) FROM "{table}"),
                      (SELECT max(id) FROM "{table}")"#
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(match (low, high) {
        (Some(low), Some(high)) if high.checked_sub(low) == Some(count - 1) => Some((low, high)),
        (None, None) => Some((1, 0)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Outcome, Store};

    use crate::model::test_event as event;

    /// The check made at the end of an import into a new database finds a broken key, by
    /// the span of ids where they run without a gap, row by row where they do not.
    #[test]
    fn foreign_keys_are_checked_at_the_end() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
             INSERT INTO parent (id) VALUES (1), (2), (3);
             INSERT INTO child (parent_id) VALUES (1), (3), (NULL);",
        )
        .unwrap();
        check_keys(&conn).unwrap();
        conn.execute("INSERT INTO child (id, parent_id) VALUES (9, 4)", [])
            .unwrap();
        let broken = check_keys(&conn).unwrap_err().to_string();
        assert!(
            broken.contains("row 9 of child") && broken.contains("parent"),
            "{broken}"
        );
        // Ids with a gap: row by row.
        conn.execute_batch("DELETE FROM child WHERE id = 9; DELETE FROM parent WHERE id = 2")
            .unwrap();
        check_keys(&conn).unwrap();
        conn.execute("INSERT INTO child (id, parent_id) VALUES (8, 2)", [])
            .unwrap();
        let broken = check_keys(&conn).unwrap_err().to_string();
        assert!(broken.contains("row 8 of child"), "{broken}");
        // No parent at all.
        conn.execute_batch("DELETE FROM child WHERE id = 8; DELETE FROM parent")
            .unwrap();
        assert!(check_keys(&conn).is_err());
        conn.execute("DELETE FROM child WHERE parent_id IS NOT NULL", [])
            .unwrap();
        check_keys(&conn).unwrap();
        // The column indexed (its least and greatest values looked up, not scanned for): the
        // same answers. A partial index holds only some rows: not used for them.
        conn.execute_batch(
            "INSERT INTO parent (id) VALUES (1), (2);
             INSERT INTO child (parent_id) VALUES (2), (1);
             CREATE INDEX child_some ON child(parent_id) WHERE parent_id > 1;",
        )
        .unwrap();
        assert!(!leads_an_index(&conn, "child", "parent_id").unwrap());
        check_keys(&conn).unwrap();
        conn.execute_batch("CREATE INDEX child_parent ON child(parent_id)")
            .unwrap();
        assert!(leads_an_index(&conn, "child", "parent_id").unwrap());
        check_keys(&conn).unwrap();
        conn.execute("INSERT INTO child (id, parent_id) VALUES (7, 3)", [])
            .unwrap();
        let broken = check_keys(&conn).unwrap_err().to_string();
        assert!(broken.contains("row 7 of child"), "{broken}");
    }

    #[test]
    fn imports_can_follow_each_other_on_one_connection() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let first = event(r#"{"key": "a", "title": "A", "start": "2021-03-16"}"#);
        let second = event(r#"{"key": "b", "title": "B", "start": "2021-03-17"}"#);
        let mut import = Store::begin_import(&mut store).unwrap();
        assert!(matches!(
            import.apply(&first, 1, &[]).unwrap(),
            Outcome::Created
        ));
        import.commit().unwrap();
        // A second import, committed; then a third, rolled back: each starts afresh, and
        // the first record of each is its own, whatever line earlier imports wrote.
        let mut import = Store::begin_import(&mut store).unwrap();
        assert!(matches!(
            import.apply(&first, 1, &[]).unwrap(),
            Outcome::Unchanged
        ));
        assert!(matches!(
            import.apply(&second, 2, &[]).unwrap(),
            Outcome::Created
        ));
        import.commit().unwrap();
        let mut import = Store::begin_import(&mut store).unwrap();
        assert!(matches!(
            import.apply(&second, 1, &[]).unwrap(),
            Outcome::Unchanged
        ));
        import.rollback().unwrap();
        let import = Store::begin_import(&mut store).unwrap();
        import.commit().unwrap();
    }
}
