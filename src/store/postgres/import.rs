//! A bulk import into PostgreSQL: one transaction, holding the schema's write lock from the
//! first record to the commit. What to do with each record is decided above the backends
//! (`crate::store::import`), one record at a time; this answers its questions without a round
//! trip to the server per row where it can, and writes in bulk:
//!
//! - Ids are reserved from the tables' identity sequences in blocks (the write lock keeps
//!   every other writer out, so they are the ids row-by-row inserts would have had; the
//!   unused end of the last block is given back at the end).
//! - New rows (events, tags, organization links, sessions, participations, new organizations
//!   and people and their names) are encoded at once in `COPY`'s text format and kept in
//!   memory, then sent with one `COPY ... FROM STDIN` per table: every few thousand events,
//!   and before any read that must see them.
//! - What the import wrote is remembered (the events' keys, titles and lines; the names of
//!   organizations and people found or created), so that the lookups of later records are
//!   answered from memory, and from the server only for what was there before the import
//!   (nothing, when it began empty).
//! - Into tables the import's own transaction created (the first import into a database),
//!   the foreign keys and the indexes that enforce nothing are set aside and made again once
//!   before the commit (see [`PgImport::defer_checks`]): PostgreSQL checks a reference row by
//!   row at a cost larger than the row's own writing. No one else sees those tables until the
//!   commit, so no reader waits.
//! - Stored events that records match are read ahead in batches (see
//!   [`PgImport::read_ahead`]); updates of them (rarer) are written statement by statement,
//!   after a flush.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::Write as _;

use chrono::NaiveDate;
use postgres::Transaction;

use super::import_log::ImportLog;
use super::runs::{Hashed, LineRuns, hash_of};
use super::{curate, entity, history, read, search};
use crate::model::{
    EntityKind, Event, EventRef, EventState, Field, Identity, Mode, Named, NewEvent,
    NewParticipant, OrgRole, ParticipationState, RecordKind, name_key,
};
use crate::store::error::{Result, StoreError};
use crate::store::fold::sort_key;
use crate::store::plan::{OnceEach, ParticipantRefs, Sameness};
use crate::store::{
    AliasConflict, Found, ImportTxn, KeySpace, MergeReport, ParticipationPlan, Write,
};

/// Past this many events (or participations) waiting, they are sent. (A few, in a debug
/// build, as the tests run: so that what an import finds of its own records is found both
/// among the rows waiting and among those sent.)
const FLUSH_EVENTS: usize = if cfg!(debug_assertions) { 3 } else { 2_000 };
const FLUSH_PARTICIPATIONS: usize = 20_000;
/// Past this many remembered names of one kind, the name cache starts afresh (after a flush),
/// so that memory stays bounded.
const NAME_CACHE_LIMIT: usize = 200_000;
/// Past this many keys of stored events remembered, they are forgotten.
const STORED_KEYS_LIMIT: usize = 10_000;
/// The most stored events read ahead at once.
const READ_AHEAD_LIMIT: usize = 256;
/// The most ids reserved at once.
const MAX_BLOCK: i64 = 8192;

/// The tables whose ids the import reserves, by index into [`PgImport::ids`].
const EVENT: usize = 0;
const ORGANIZATION: usize = 1;
const PERSON: usize = 2;
const SESSION: usize = 3;
const PARTICIPATION: usize = 4;
const ID_TABLES: [&str; 5] = [
    "event",
    "organization",
    "person",
    "session",
    "participation",
];

/// Ids reserved from one table's identity sequence, handed out in order.
#[derive(Default)]
struct Ids {
    /// Reserved, not given yet.
    free: VecDeque<i64>,
    /// The first and the last id this import reserved, if it reserved any.
    first: Option<i64>,
    last: i64,
    /// How many ids were reserved so far: the next block is as large (up to a limit).
    reserved: i64,
}

/// An event as a record is matched to it: its key, start date and title key.
#[derive(Clone)]
struct Identified {
    key: String,
    start: NaiveDate,
    title_key: String,
}

/// One name's entry in the cache: the organization or person it is a name of.
type NameCache = HashMap<String, Found>;

/// Rows waiting to be sent, each table's in `COPY`'s text format.
#[derive(Default)]
struct Pending {
    organization: Vec<u8>,
    organization_name: Vec<u8>,
    person: Vec<u8>,
    person_name: Vec<u8>,
    event: Vec<u8>,
    session: Vec<u8>,
    event_tag: Vec<u8>,
    event_organization: Vec<u8>,
    participation: Vec<u8>,
    /// The events whose own rows wait.
    events: HashSet<i64>,
    /// Of the events created whose rows wait: key, start date and title key (those sent
    /// are read back by id; see [`PgImport::identities`]).
    identities: HashMap<i64, Identified>,
    participations: usize,
    /// What the participations added by [`ImportTxn::add_participation`] that wait record,
    /// by event: a later identical one is found here.
    added: HashMap<i64, Vec<Sameness>>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.organization.is_empty()
            && self.organization_name.is_empty()
            && self.person.is_empty()
            && self.person_name.is_empty()
            && self.event.is_empty()
            && self.session.is_empty()
            && self.event_tag.is_empty()
            && self.event_organization.is_empty()
            && self.participation.is_empty()
    }
}

/// One row in `COPY`'s text format: fields separated by tabs, `\N` for NULL, backslash,
/// tab, newline and carriage return escaped.
pub(super) struct Row<'a>(&'a mut Vec<u8>, bool);

impl<'a> Row<'a> {
    pub(super) fn new(buf: &'a mut Vec<u8>) -> Row<'a> {
        Row(buf, true)
    }

    fn sep(&mut self) {
        if !self.1 {
            self.0.push(b'\t');
        }
        self.1 = false;
    }

    pub(super) fn text(mut self, value: &str) -> Self {
        self.sep();
        // The runs between the bytes to escape are copied whole: most texts (and the log's
        // JSON, a large part of what an import sends) have none.
        let bytes = value.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                _ => continue,
            };
            self.0.extend_from_slice(&bytes[from..i]);
            self.0.extend_from_slice(escaped);
            from = i + 1;
        }
        self.0.extend_from_slice(&bytes[from..]);
        self
    }

    fn opt(self, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    pub(super) fn null(mut self) -> Self {
        self.sep();
        self.0.extend_from_slice(b"\\N");
        self
    }

    pub(super) fn int(mut self, value: i64) -> Self {
        self.sep();
        let _ = write!(self.0, "{value}");
        self
    }

    fn opt_int(self, value: Option<i64>) -> Self {
        match value {
            Some(value) => self.int(value),
            None => self.null(),
        }
    }

    fn date(mut self, value: NaiveDate) -> Self {
        self.sep();
        self.0
            .extend_from_slice(crate::dates::iso(value).as_bytes());
        self
    }

    pub(super) fn end(self) {
        self.0.push(b'\n');
    }
}

/// Writes `rows` to a `COPY` a piece at a time: the writer copies what it is given into its
/// own buffer before sending it, and given a batch whole (megabytes) it would hold it twice.
pub(super) fn write_chunked(writer: &mut impl std::io::Write, rows: &[u8]) -> std::io::Result<()> {
    for chunk in rows.chunks(64 * 1024) {
        writer.write_all(chunk)?;
    }
    Ok(())
}

/// An import in progress.
pub(super) struct PgImport<'a> {
    tx: Transaction<'a>,
    /// What the import logs at its commit: its command and subject (see `Import::describe`).
    journal: crate::store::Journal,
    /// Its changes, logged as it goes (see `import_log`).
    log: ImportLog,
    /// The time every row written is stamped with.
    stamp: String,
    began_empty: bool,
    /// Whether the server may know keys this import does not: events stored before it, or
    /// retired keys.
    keys_elsewhere: bool,
    ids: [Ids; 5],
    pending: Pending,
    /// The events this import created, by the hash of their key, and of their start date
    /// and title key: 8 bytes an event, not its texts (a candidate found is checked
    /// against the event's row; see [`PgImport::identities`]). The second only from the
    /// first record matched by title and start date (one without a key, or any record when
    /// the store held events): a file whose records all have keys never needs it.
    keys: Hashed,
    titles: Option<Hashed>,
    /// Events stored before the import, by key, as found (a participants file names each
    /// several times); bounded, and forgotten when an update changes a key.
    stored_keys: HashMap<String, i64>,
    /// Stored events read ahead (see [`PgImport::read_ahead`]), by id, and how many to read
    /// at the next miss.
    ahead: HashMap<i64, Event>,
    ahead_size: usize,
    /// How many the last read ahead found.
    ahead_read: usize,
    /// Which line of the import wrote each event it wrote (as runs: see `runs.rs`).
    lines: LineRuns,
    /// Organizations, then people, by name key: the ones met (found or created) so far.
    names: [NameCache; 2],
    /// Whether the name cache of a kind holds every name of that kind: then a name it does
    /// not hold is no one's, and no round trip is needed to know it.
    names_complete: [bool; 2],
    /// The own names of the organizations, then people, that this import created.
    own: [HashMap<i64, String>; 2],
    /// Created and not yet taken.
    created: Vec<(EntityKind, i64)>,
    /// The sessions of events this import created or met, by event and name key, until the
    /// next flush.
    sessions: HashMap<(i64, String), i64>,
    /// Events whose participants a participants file changed: their time stamp and search
    /// text are brought up to date at the end.
    touched: BTreeSet<i64>,
    /// Updated events whose search text is brought up to date at the end.
    changed: BTreeSet<i64>,
    /// What a load into an empty schema set aside, to be made again before the commit
    /// (statements made from the catalog's own definitions, never from input).
    deferred: Vec<String>,
    /// How many events this import created.
    inserted: u64,
}

fn slot(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Organization => 0,
        EntityKind::Person => 1,
    }
}

fn key_of(text: Option<&str>) -> Option<String> {
    text.map(name_key)
}

/// From this many new events on, an import gathers the planner's statistics before it commits.
const ANALYZE_AFTER: u64 = 1_000;

impl<'a> PgImport<'a> {
    /// Starts an import in `tx`, which holds the write lock; `created`: `tx` made the tables.
    pub(super) fn new(mut tx: Transaction<'a>, created: bool) -> Result<PgImport<'a>> {
        let row = tx.query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM event), EXISTS (SELECT 1 FROM retired_key)",
            &[],
        )?;
        let (began_empty, retired): (bool, bool) = (row.get(0), row.get(1));
        let mut import = PgImport {
            journal: crate::store::Journal::new("import"),
            log: ImportLog::default(),
            tx,
            stamp: crate::store::now(),
            began_empty,
            keys_elsewhere: !began_empty || retired,
            ids: Default::default(),
            pending: Pending::default(),
            keys: Hashed::default(),
            titles: None,
            stored_keys: HashMap::new(),
            ahead: HashMap::new(),
            ahead_size: 16,
            ahead_read: 0,
            lines: LineRuns::default(),
            names: Default::default(),
            names_complete: [false; 2],
            own: Default::default(),
            created: Vec::new(),
            sessions: HashMap::new(),
            touched: BTreeSet::new(),
            changed: BTreeSet::new(),
            deferred: Vec::new(),
            inserted: 0,
        };
        // Only tables this transaction made: setting aside the keys and indexes of tables
        // others can see would lock them, and readers would wait for the import to end.
        if created {
            import.defer_checks()?;
        }
        for kind in [EntityKind::Organization, EntityKind::Person] {
            import.load_names(kind)?;
        }
        Ok(import)
    }

    /// Reads every name of a kind into the cache, unless there are too many to keep: then
    /// each name is looked up when met, once.
    fn load_names(&mut self, kind: EntityKind) -> Result<()> {
        let (count, all) = match kind {
            EntityKind::Organization => (
                "SELECT count(*) FROM organization_name",
                "SELECT n.name_key, o.id, o.name FROM organization_name n
                   JOIN organization o ON o.id = n.organization_id",
            ),
            EntityKind::Person => (
                "SELECT count(*) FROM person_name",
                "SELECT n.name_key, p.id, p.name FROM person_name n
                   JOIN person p ON p.id = n.person_id",
            ),
        };
        let n: i64 = self.tx.query_one(count, &[])?.get(0);
        if n as usize >= NAME_CACHE_LIMIT / 2 {
            return Ok(());
        }
        let cache = &mut self.names[slot(kind)];
        for row in self.tx.query(all, &[])? {
            cache.insert(
                row.get(0),
                Found {
                    id: row.get(1),
                    name: row.get(2),
                },
            );
        }
        self.names_complete[slot(kind)] = true;
        Ok(())
    }

    /// For a load into tables this transaction created: sets aside the foreign
    /// keys and the indexes that enforce nothing, to be made again once, before the commit.
    /// Checking a reference row by row (a trigger and a locking query for each) costs PostgreSQL
    /// more than the rows' own writing, and building an index at once from all its rows is
    /// several times faster than inserting into it row by row; made again, each key is checked
    /// in one pass over the table. This is SQLite's import's bulk load, on PostgreSQL. Only
    /// for tables no one else can see yet: on others, it would lock them until the commit and
    /// readers would wait. The primary keys and unique constraints stay: what this import
    /// reads while it runs it finds by them (see [`PgImport::restore`]). The digest indexes
    /// that keep long keys and names unique are set aside too (what this import writes is
    /// unique by its own bookkeeping, and made again they check it once: a duplicate would
    /// fail the import whole); not those of `retired_key`, whose trigger's `ON CONFLICT`
    /// needs its index, nor the summaries' (their `ON CONFLICT` needs theirs, and a record
    /// removed takes its summary with it, whenever that happens).
    fn defer_checks(&mut self) -> Result<()> {
        let owner: bool = self
            .tx
            .query_one(
                "SELECT coalesce(bool_and(pg_has_role(c.relowner, 'USAGE')), false)
                   FROM pg_class c
                  WHERE c.relnamespace = CAST(current_schema() AS regnamespace)
                    AND c.relkind = 'r'",
                &[],
            )?
            .get(0);
        if !owner {
            return Ok(());
        }
        let keys = self.tx.query(
            "SELECT quote_ident(t.relname), quote_ident(c.conname), pg_get_constraintdef(c.oid)
               FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
              WHERE c.contype = 'f'
                AND c.connamespace = CAST(current_schema() AS regnamespace)
                AND t.relname NOT IN ('organization_summary', 'person_summary', 'event_facet')
              ORDER BY c.oid",
            &[],
        )?;
        let indexes = self.tx.query(
            "SELECT quote_ident(i.relname), pg_get_indexdef(i.oid)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
              WHERE i.relnamespace = CAST(current_schema() AS regnamespace)
                AND NOT x.indisprimary
                AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.oid)
                AND x.indrelid NOT IN (CAST('retired_key' AS regclass),
                    CAST('organization_summary' AS regclass), CAST('person_summary' AS regclass),
                    CAST('event_facet' AS regclass))
              ORDER BY i.oid",
            &[],
        )?;
        let mut drop = String::new();
        for row in &keys {
            let (table, name, definition): (&str, &str, &str) =
                (row.get(0), row.get(1), row.get(2));
            drop.push_str(&format!("ALTER TABLE {table} DROP CONSTRAINT {name};\n"));
            self.deferred.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            ));
        }
        for row in &indexes {
            let (name, definition): (&str, &str) = (row.get(0), row.get(1));
            drop.push_str(&format!("DROP INDEX {name};\n"));
            // Indexes first: they are quicker to build than keys are to check.
            self.deferred.insert(0, definition.to_string());
        }
        if !drop.is_empty() {
            self.tx.batch_execute(&drop)?;
        }
        Ok(())
    }

    /// Makes again what [`PgImport::defer_checks`] set aside (after sending what waits): at the
    /// commit, or before a read that needs an index.
    fn restore(&mut self) -> Result<()> {
        if self.deferred.is_empty() {
            return Ok(());
        }
        self.flush()?;
        // Sorting for the indexes in memory rather than on disk where it fits: for this
        // transaction only (the server's default is 64 MB).
        self.tx
            .batch_execute("SET LOCAL maintenance_work_mem = '256MB'")?;
        let statements = std::mem::take(&mut self.deferred).join(";\n");
        self.tx.batch_execute(&statements)?;
        Ok(())
    }

    /// Reads stored event `id` and the ones after it by id, with their links, in one go: a file
    /// imported again meets its events in the order they were created, and reading them one by
    /// one costs several round trips each. How many are read adapts to how many of the last
    /// batch were asked for (down to none: then one at a time). The keys read are remembered.
    fn read_ahead(&mut self, id: i64) -> Result<()> {
        // How useful the last batch was: what is left of it was never asked for.
        let unused = self.ahead.len();
        self.ahead.clear();
        if self.ahead_read > 0 {
            self.ahead_size = if unused * 4 > self.ahead_read * 3 {
                self.ahead_size / 4
            } else if unused * 4 < self.ahead_read {
                (self.ahead_size * 2).min(READ_AHEAD_LIMIT)
            } else {
                self.ahead_size
            };
        }
        if self.ahead_size <= 1 {
            return Ok(());
        }
        let limit = self.ahead_size as i64;
        let events = read::events_from(&mut self.tx, id, limit)?;
        self.ahead_read = events.len();
        for event in events {
            if let Some(key) = &event.key {
                if self.stored_keys.len() >= STORED_KEYS_LIMIT {
                    self.stored_keys.clear();
                }
                self.stored_keys.insert(key.clone(), event.id);
            }
            self.ahead.insert(event.id, event);
        }
        Ok(())
    }

    /// An event read ahead, checked (in a debug build, as the tests run) against what
    /// `read::get_event` reads: the two must never differ.
    fn checked(&mut self, event: Event) -> Result<Event> {
        if cfg!(debug_assertions) {
            let read = read::get_event(&mut self.tx, event.id)?;
            assert_eq!(read.as_ref(), Some(&event), "an event read ahead differs");
        }
        Ok(event)
    }

    /// The next id of a table, reserving a block from its sequence when the last is used up.
    /// No other writer draws from the sequences while the write lock is held, so the ids are
    /// the ones rows inserted one by one would have had.
    fn next_id(&mut self, table: usize) -> Result<i64> {
        if self.ids[table].free.is_empty() {
            let count = self.ids[table].reserved.clamp(16, MAX_BLOCK);
            let rows = self.tx.query(
                "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2::bigint)",
                &[&ID_TABLES[table], &count],
            )?;
            let ids = &mut self.ids[table];
            for row in rows {
                let id: i64 = row.get(0);
                ids.first.get_or_insert(id);
                ids.last = id;
                ids.free.push_back(id);
            }
            ids.reserved += count;
        }
        self.ids[table]
            .free
            .pop_front()
            .ok_or_else(|| StoreError::Database {
                failure: crate::store::Failure::Other,
                message: format!(
                    "no id could be reserved for a new row of {}",
                    ID_TABLES[table]
                ),
                inner: None,
            })
    }

    /// Gives each sequence back the ids reserved and not used (`all`: every id this import
    /// reserved, as for a rollback), if they are its last and no one has drawn from it since,
    /// and the role may (else they stay drawn: a gap, as rolled-back inserts leave).
    fn give_back_ids(&mut self, all: bool) -> Result<()> {
        for (table, ids) in ID_TABLES.iter().zip(&self.ids) {
            let Some(first) = ids.first else { continue };
            let from = match (all, ids.free.front()) {
                (true, _) => first,
                (false, Some(&next)) => next,
                (false, None) => continue,
            };
            let unused = if all {
                ids.reserved
            } else {
                ids.free.len() as i64
            };
            if ids.last - from + 1 != unused {
                continue; // not one run at the end: left as it is
            }
            self.tx.execute(
                "SELECT setval(s, $2, false)
                   FROM (SELECT CAST(pg_get_serial_sequence($1, 'id') AS regclass) AS s) q
                  WHERE CASE WHEN has_sequence_privilege(s, 'UPDATE')
                              AND has_sequence_privilege(s, 'SELECT, USAGE')
                             THEN pg_sequence_last_value(s) = $3 END",
                &[table, &from, &ids.last],
            )?;
        }
        Ok(())
    }

    /// Sends every row waiting, table by table in the order their references need.
    fn flush(&mut self) -> Result<()> {
        // What the rows change, as it was (for the log).
        self.log.read_befores(&mut self.tx)?;
        if self.pending.is_empty() {
            self.pending.events.clear();
            self.pending.identities.clear();
            return self.log.flush(&mut self.tx, &self.journal);
        }
        let pending = std::mem::take(&mut self.pending);
        let tables: [(&str, &Vec<u8>); 9] = [
            (
                "COPY organization (id, name, name_key, name_sort, created_at) FROM STDIN",
                &pending.organization,
            ),
            (
                "COPY organization_name (name_key, organization_id, name) FROM STDIN",
                &pending.organization_name,
            ),
            (
                "COPY person (id, name, name_key, name_sort, created_at) FROM STDIN",
                &pending.person,
            ),
            (
                "COPY person_name (name_key, person_id, name) FROM STDIN",
                &pending.person_name,
            ),
            (
                "COPY event (id, key, title, kind, start_date, end_date, mode, location, region,
                             project, description, source, created_at, updated_at, key_folded,
                             title_key, title_sort, kind_key, region_key, project_key, search)
                 FROM STDIN",
                &pending.event,
            ),
            (
                "COPY session (id, event_id, name, name_key) FROM STDIN",
                &pending.session,
            ),
            (
                "COPY event_tag (event_id, ord, tag, tag_key) FROM STDIN",
                &pending.event_tag,
            ),
            (
                "COPY event_organization (event_id, role, ord, organization_id) FROM STDIN",
                &pending.event_organization,
            ),
            (
                "COPY participation (id, event_id, person_id, organization_id, position, role,
                                     session_id, contribution, created_at, position_key,
                                     role_key, contribution_key, head)
                 FROM STDIN",
                &pending.participation,
            ),
        ];
        for (copy, rows) in tables {
            if rows.is_empty() {
                continue;
            }
            let mut writer = self.tx.copy_in(copy)?;
            write_chunked(&mut writer, rows)?;
            writer.finish()?;
        }
        // Sent, the sessions are found on the server.
        self.sessions.clear();
        // And the log's rows of what they created.
        self.log.flush(&mut self.tx, &self.journal)
    }

    /// Key, start date and title key of the events `ids`, which this import created: of
    /// those whose rows wait, as kept; of the others, read by id (in one query).
    fn identities(&mut self, ids: &[i64]) -> Result<Vec<(i64, Identified)>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut sent = Vec::new();
        for &id in ids {
            match self.pending.identities.get(&id) {
                Some(identified) => found.push((id, identified.clone())),
                None => sent.push(id),
            }
        }
        if !sent.is_empty() {
            for row in self.tx.query(
                "SELECT id, key, start_date, title_key FROM event WHERE id = ANY($1)",
                &[&sent],
            )? {
                found.push((
                    row.try_get(0)?,
                    Identified {
                        key: row.try_get(1)?,
                        start: row.try_get(2)?,
                        title_key: row.try_get(3)?,
                    },
                ));
            }
        }
        found.sort_by_key(|(id, _)| *id);
        Ok(found)
    }

    /// The events this import created by start date and title key (see `titles`), made
    /// when first asked for from the rows it sent, a block of ids at a time.
    fn titles(&mut self) -> Result<&Hashed> {
        if self.titles.is_none() {
            self.flush()?;
            let mut titles = Hashed::default();
            let runs: Vec<(i64, i64)> = self.log.created_events().runs().collect();
            for (first, last) in runs {
                let mut from = first;
                while from <= last {
                    let to = last.min(from.saturating_add(9_999));
                    for row in self.tx.query(
                        "SELECT id, start_date, title_key FROM event
                          WHERE id BETWEEN $1 AND $2",
                        &[&from, &to],
                    )? {
                        let (id, start, title_key): (i64, NaiveDate, &str) =
                            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                        titles.insert(hash_of(&(start, title_key)), id);
                    }
                    from = to.saturating_add(1);
                    if to == i64::MAX {
                        break;
                    }
                }
            }
            self.titles = Some(titles);
        }
        Ok(self.titles.get_or_insert_default())
    }

    /// The event this import created with `key`, if any.
    fn created_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        let candidates = self.keys.get(hash_of(&key));
        if candidates.is_empty() {
            return Ok(None);
        }
        Ok(self
            .identities(&candidates)?
            .into_iter()
            .find(|(_, e)| e.key == key)
            .map(|(id, _)| id))
    }

    /// The transaction with everything this import wrote on the server and its indexes
    /// made, for the log's reads and writes.
    pub(super) fn settled(&mut self) -> Result<&mut Transaction<'a>> {
        self.flush()?;
        self.restore()?;
        // What is read ahead may be changed by what comes.
        self.ahead.clear();
        Ok(&mut self.tx)
    }

    /// Sends what waits if enough does.
    fn maybe_flush(&mut self) -> Result<()> {
        if self.pending.events.len() >= FLUSH_EVENTS
            || self.pending.participations >= FLUSH_PARTICIPATIONS
        {
            self.flush()?;
        }
        Ok(())
    }

    /// The organization or person known by `name`, from the cache or the server.
    fn find_name(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>> {
        let key = name_key(name);
        if let Some(found) = self.names[slot(kind)].get(&key) {
            return Ok(Some(found.clone()));
        }
        self.find_on_server(kind, key)
    }

    /// The organization or person with the name key `key`, found on the server (and
    /// remembered), unless the cache holds every name.
    fn find_on_server(&mut self, kind: EntityKind, key: String) -> Result<Option<Found>> {
        if self.names_complete[slot(kind)] {
            return Ok(None);
        }
        let found = entity::find_by_key(&mut self.tx, entity::of(kind), &key)?;
        if let Some(found) = &found {
            self.remember(kind, key, found.clone())?;
        }
        Ok(found)
    }

    /// Remembers a name of an organization or person, the cache bounded.
    fn remember(&mut self, kind: EntityKind, key: String, found: Found) -> Result<()> {
        if self.names[slot(kind)].len() >= NAME_CACHE_LIMIT {
            // What the cache forgets must be on the server.
            self.flush()?;
            self.names[slot(kind)].clear();
            self.names_complete[slot(kind)] = false;
        }
        self.names[slot(kind)].insert(key, found);
        Ok(())
    }

    /// The organization or person known by `name`, created (its rows waiting) if new.
    fn entity_id(&mut self, kind: EntityKind, name: &str) -> Result<(i64, bool)> {
        let key = name_key(name);
        if let Some(found) = self.names[slot(kind)].get(&key) {
            return Ok((found.id, false));
        }
        if let Some(found) = self.find_on_server(kind, key.clone())? {
            return Ok((found.id, false));
        }
        let (table, id) = match kind {
            EntityKind::Organization => (ORGANIZATION, self.next_id(ORGANIZATION)?),
            EntityKind::Person => (PERSON, self.next_id(PERSON)?),
        };
        let (rows, name_rows) = match table {
            ORGANIZATION => (
                &mut self.pending.organization,
                &mut self.pending.organization_name,
            ),
            _ => (&mut self.pending.person, &mut self.pending.person_name),
        };
        Row::new(rows)
            .int(id)
            .text(name)
            .text(&key)
            .text(&sort_key(name))
            .text(&self.stamp)
            .end();
        Row::new(name_rows).text(&key).int(id).text(name).end();
        self.own[slot(kind)].insert(id, name.to_string());
        self.log.created_entity(kind.into(), id, name, &self.stamp);
        self.remember(
            kind,
            key,
            Found {
                id,
                name: name.to_string(),
            },
        )?;
        self.created.push((kind, id));
        Ok((id, true))
    }

    /// An organization or person as a state names it: its id and own name, found from a
    /// name it was written as (in the cache, as it has just been met), else by its id.
    fn named(&mut self, kind: EntityKind, id: i64, written: &str) -> Result<Named> {
        // One this import created: by its id, without folding a name.
        if let Some(name) = self.own[slot(kind)].get(&id) {
            return Ok(Named {
                id,
                name: name.clone(),
            });
        }
        if let Some(found) = self.names[slot(kind)].get(&name_key(written))
            && found.id == id
        {
            return Ok(Named {
                id,
                name: found.name.clone(),
            });
        }
        Ok(Named {
            id,
            name: self.own_name(kind, id)?,
        })
    }

    /// The organizations `ids` of a list written as `names`, as a state names them.
    fn named_list(&mut self, ids: &[i64], names: &[String]) -> Result<Vec<Named>> {
        let mut list = Vec::with_capacity(ids.len());
        for &id in ids {
            if self.own[0].contains_key(&id) {
                list.push(self.named(EntityKind::Organization, id, "")?);
                continue;
            }
            let written = names.iter().find(|name| {
                self.names[0]
                    .get(&name_key(name))
                    .is_some_and(|found| found.id == id)
            });
            list.push(match written {
                Some(name) => self.named(EntityKind::Organization, id, &name.clone())?,
                None => Named {
                    id,
                    name: self.own_name(EntityKind::Organization, id)?,
                },
            });
        }
        Ok(list)
    }

    /// The own name of an organization or person.
    fn own_name(&mut self, kind: EntityKind, id: i64) -> Result<String> {
        if let Some(name) = self.own[slot(kind)].get(&id) {
            return Ok(name.clone());
        }
        let sql = match kind {
            EntityKind::Organization => "SELECT name FROM organization WHERE id = $1",
            EntityKind::Person => "SELECT name FROM person WHERE id = $1",
        };
        Ok(self.tx.query_one(sql, &[&id])?.get(0))
    }

    /// The event's session called `name`, if any.
    fn session_id(&mut self, event: i64, name: &str) -> Result<Option<i64>> {
        let key = name_key(name);
        if let Some(&id) = self.sessions.get(&(event, key.clone())) {
            return Ok(Some(id));
        }
        if self.pending.events.contains(&event) {
            // All its sessions are in the cache.
            return Ok(None);
        }
        let id: Option<i64> = self
            .tx
            .query_opt(
                "SELECT id FROM session WHERE event_id = $1 AND name_key = $2",
                &[&event, &key],
            )?
            .map(|r| r.get(0));
        if let Some(id) = id {
            self.sessions.insert((event, key), id);
        }
        Ok(id)
    }

    /// The event's session called `name`, created (its row waiting) if new.
    fn session_for(&mut self, event: i64, name: &str) -> Result<i64> {
        if let Some(id) = self.session_id(event, name)? {
            return Ok(id);
        }
        let id = self.next_id(SESSION)?;
        let key = name_key(name);
        Row::new(&mut self.pending.session)
            .int(id)
            .int(event)
            .text(name)
            .text(&key)
            .end();
        self.sessions.insert((event, key), id);
        Ok(id)
    }

    /// The person, organization and session a participation refers to, created if new.
    fn participant_refs(&mut self, event: i64, p: &NewParticipant) -> Result<Sameness> {
        Ok(Sameness::new(self.participant_ids(event, p)?, p))
    }

    /// The ids a participation refers to: person, organization, session.
    fn participant_ids(&mut self, event: i64, p: &NewParticipant) -> Result<ParticipantRefs> {
        let person = self.entity_id(EntityKind::Person, &p.name)?.0;
        let organization = match &p.organization {
            Some(name) => Some(self.entity_id(EntityKind::Organization, name)?.0),
            None => None,
        };
        let session = match &p.session {
            Some(name) => Some(self.session_for(event, name)?),
            None => None,
        };
        Ok(ParticipantRefs {
            person,
            organization,
            session,
        })
    }

    /// A participation's row, waiting.
    fn push_participation(
        &mut self,
        event: i64,
        refs: &Sameness,
        p: &NewParticipant,
    ) -> Result<i64> {
        let id = self.next_id(PARTICIPATION)?;
        Row::new(&mut self.pending.participation)
            .int(id)
            .int(event)
            .int(refs.refs.person)
            .opt_int(refs.refs.organization)
            .opt(p.position.as_deref())
            .opt(p.role.as_deref())
            .opt_int(refs.refs.session)
            .opt(p.contribution.as_deref())
            .text(&self.stamp)
            .opt(refs.position.as_deref())
            .opt(refs.role.as_deref())
            .opt(refs.contribution.as_deref())
            .text(if p.head { "t" } else { "f" })
            .end();
        self.pending.participations += 1;
        Ok(id)
    }

    /// The organizations of a list, each once (two names of one are one link), none of
    /// which may be one of `others` (the other role's).
    fn org_ids(&mut self, role: OrgRole, names: &[String], others: &[i64]) -> Result<Vec<i64>> {
        let mut linked = Vec::with_capacity(names.len());
        for name in names {
            let org = self.entity_id(EntityKind::Organization, name)?.0;
            if linked.contains(&org) {
                continue;
            }
            if others.contains(&org) {
                return Err(StoreError::BothRoles {
                    role,
                    name: name.clone(),
                    stored: self.own_name(EntityKind::Organization, org)?,
                });
            }
            linked.push(org);
        }
        Ok(linked)
    }

    /// Writes the organizations of the event in one role, replacing those it had.
    fn replace_orgs(&mut self, event: i64, role: OrgRole, orgs: &[i64]) -> Result<()> {
        let ords: Vec<i64> = (0..orgs.len() as i64).collect();
        self.tx.execute(
            "INSERT INTO event_organization (event_id, role, ord, organization_id)
             SELECT $1, $2, ord, org FROM unnest($3::bigint[], $4::bigint[]) AS t(ord, org)",
            &[&event, &role.as_str(), &ords, &orgs],
        )?;
        Ok(())
    }

    /// Carries out `plan` (see [`ParticipationPlan`]) on a stored event's sessions and
    /// participations (on the server: what it refers to is sent first).
    fn apply_plan(&mut self, event: i64, plan: &ParticipationPlan) -> Result<()> {
        let remove: Vec<String> = plan.remove_sessions.iter().map(|n| name_key(n)).collect();
        if !remove.is_empty() {
            // Their participations lose the session (`ON DELETE SET NULL`).
            self.tx.execute(
                "DELETE FROM session WHERE event_id = $1 AND name_key = ANY($2)",
                &[&event, &remove],
            )?;
        }
        for (old, new) in &plan.rename_sessions {
            self.tx.execute(
                "UPDATE session SET name = $3 WHERE event_id = $1 AND name_key = $2",
                &[&event, &name_key(old), new],
            )?;
        }
        // Sessions met from here on are the server's, or new.
        self.sessions.retain(|(e, _), _| *e != event);
        for name in &plan.add_sessions {
            self.session_for(event, name)?;
        }
        // Heads that change stop heading first: a delegation has one head at a time.
        if !plan.unhead.is_empty() {
            self.flush()?;
            self.tx.execute(
                "UPDATE participation SET head = false WHERE id = ANY($1)",
                &[&plan.unhead],
            )?;
        }
        for write in &plan.write {
            match write {
                Write::Change(id, p) => {
                    let refs = self.participant_refs(event, p)?;
                    self.flush()?;
                    // The same person: the row keeps its id, the rest is the record's.
                    self.tx.execute(
                        "UPDATE participation SET person_id = $2, organization_id = $3,
                                position = $4, role = $5, session_id = $6, contribution = $7,
                                position_key = $8, role_key = $9, contribution_key = $10,
                                head = $11
                          WHERE id = $1",
                        &[
                            id,
                            &refs.refs.person,
                            &refs.refs.organization,
                            &p.position,
                            &p.role,
                            &refs.refs.session,
                            &p.contribution,
                            &refs.position,
                            &refs.role,
                            &refs.contribution,
                            &p.head,
                        ],
                    )?;
                }
                Write::Add(p) => {
                    let refs = self.participant_refs(event, p)?;
                    self.push_participation(event, &refs, p)?;
                }
            }
        }
        self.flush()?;
        if !plan.remove.is_empty() {
            self.tx.execute(
                "DELETE FROM participation WHERE id = ANY($1)",
                &[&plan.remove],
            )?;
        }
        Ok(())
    }
}

impl KeySpace for PgImport<'_> {
    type Error = StoreError;

    fn key_taken(&mut self, key: &str) -> Result<bool> {
        if self.created_with_key(key)?.is_some() {
            return Ok(true);
        }
        if !self.keys_elsewhere {
            return Ok(false);
        }
        // And what was there before the import, as any write asks.
        super::write::Keys(&mut self.tx).key_taken(key)
    }

    fn suffixed_keys(&mut self, base: &str) -> Result<Vec<String>> {
        // Asked only when a generated key is taken already (the events of one title and
        // date are matched, not given new keys): the server answers, this import's keys
        // among the rest, once they are sent (they are not kept here: see `keys`).
        self.flush()?;
        super::write::Keys(&mut self.tx).suffixed_keys(base)
    }
}

impl ImportTxn for PgImport<'_> {
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
        PgImport::changes_since(self, kind, id, after, since)
    }

    fn event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        if let Some(id) = self.created_with_key(key)? {
            return Ok(Some(id));
        }
        if self.began_empty {
            return Ok(None);
        }
        if let Some(&id) = self.stored_keys.get(key) {
            return Ok(Some(id));
        }
        let id: Option<i64> = self
            .tx
            .query_opt("SELECT id FROM event WHERE key = $1", &[&key])?
            .map(|r| r.get(0));
        if let Some(id) = id {
            if self.stored_keys.len() >= STORED_KEYS_LIMIT {
                self.stored_keys.clear();
            }
            self.stored_keys.insert(key.to_string(), id);
        }
        Ok(id)
    }

    fn events_like(&mut self, title: &str, start: NaiveDate) -> Result<Vec<Identity>> {
        let title_key = name_key(title);
        let mut found: BTreeMap<i64, String> = BTreeMap::new();
        if !self.began_empty {
            // Sent rows of this import's are found here too; the map has each once.
            for row in self.tx.query(
                "SELECT id, key FROM event WHERE start_date = $1 AND title_key = $2
                  ORDER BY id LIMIT 5",
                &[&start, &title_key],
            )? {
                found.insert(row.get(0), row.get(1));
            }
        }
        let candidates = self.titles()?.get(hash_of(&(start, title_key.as_str())));
        if !candidates.is_empty() {
            for (id, e) in self.identities(&candidates)? {
                if e.start == start && e.title_key == title_key {
                    found.insert(id, e.key);
                }
            }
        }
        Ok(found
            .into_iter()
            .take(5)
            .map(|(id, key)| Identity { id, key })
            .collect())
    }

    fn line_of(&mut self, event: i64) -> Result<Option<u64>> {
        Ok(self.lines.get(event))
    }

    fn record_line(&mut self, event: i64, line: u64) -> Result<()> {
        self.lines.insert(event, line);
        Ok(())
    }

    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        self.restore()?;
        if let Some(event) = self.ahead.remove(&id) {
            return Ok(Some(self.checked(event)?));
        }
        if self.pending.events.contains(&id) || self.pending.added.contains_key(&id) {
            self.flush()?;
        }
        if self.ahead_size > 1 {
            self.read_ahead(id)?;
            if let Some(event) = self.ahead.remove(&id) {
                return Ok(Some(self.checked(event)?));
            }
        }
        read::get_event(&mut self.tx, id)
    }

    fn find(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>> {
        self.find_name(kind, name)
    }

    fn began_empty(&self) -> bool {
        self.began_empty
    }

    fn insert_event(&mut self, event: &NewEvent, key: &str) -> Result<i64> {
        let id = self.next_id(EVENT)?;
        self.inserted += 1;
        self.log.reserve(RecordKind::Event, id);
        // Its sessions are all in the cache from here on.
        self.pending.events.insert(id);
        // Organizers first; then partners, none of which may be one of them.
        let organizers = self.org_ids(OrgRole::Organizer, &event.organizers, &[])?;
        let partners = self.org_ids(OrgRole::Partner, &event.partners, &organizers)?;
        let mut sessions: Vec<String> = Vec::new();
        for name in &event.sessions {
            if self.session_id(id, name)?.is_none() {
                sessions.push(name.clone());
            }
            self.session_for(id, name)?;
        }
        let mut once = OnceEach::default();
        for p in &event.participants {
            if let Some(name) = &p.session
                && self.session_id(id, name)?.is_none()
            {
                sessions.push(name.clone());
            }
            once.add(self.participant_ids(id, p)?, p);
        }
        // As written: with the keys of their texts, each heading its delegation if one of
        // its repeats did.
        let participations: Vec<(Sameness, NewParticipant)> = once
            .rows
            .into_iter()
            .map(|(refs, p, head)| (Sameness::new(refs, p), NewParticipant { head, ..p.clone() }))
            .collect();
        let document = search::document(
            &event.title,
            event.description.as_deref(),
            event.project.as_deref(),
            &event.tags,
            &sessions,
        );
        Row::new(&mut self.pending.event)
            .int(id)
            .text(key)
            .text(&event.title)
            .opt(event.kind.as_deref())
            .date(event.start)
            .date(event.end)
            .opt(event.mode.map(Mode::as_str))
            .opt(event.location.as_deref())
            .opt(event.region.as_deref())
            .opt(event.project.as_deref())
            .opt(event.description.as_deref())
            .opt(event.source.as_deref())
            .text(&self.stamp)
            .text(&self.stamp)
            .text(&name_key(key))
            .text(&name_key(&event.title))
            .text(&sort_key(&event.title))
            .opt(key_of(event.kind.as_deref()).as_deref())
            .opt(key_of(event.region.as_deref()).as_deref())
            .opt(key_of(event.project.as_deref()).as_deref())
            .text(&document)
            .end();
        for (ord, tag) in event.tags.iter().enumerate() {
            Row::new(&mut self.pending.event_tag)
                .int(id)
                .int(ord as i64)
                .text(tag)
                .text(&name_key(tag))
                .end();
        }
        for (role, orgs) in [
            (OrgRole::Organizer, &organizers),
            (OrgRole::Partner, &partners),
        ] {
            for (ord, org) in orgs.iter().enumerate() {
                Row::new(&mut self.pending.event_organization)
                    .int(id)
                    .text(role.as_str())
                    .int(ord as i64)
                    .int(*org)
                    .end();
            }
        }
        let mut participants = Vec::with_capacity(participations.len());
        for (refs, p) in &participations {
            let participation = self.push_participation(id, refs, p)?;
            participants.push((participation, refs.refs, p));
        }
        // The log's state of the event, from what was written.
        let session_keys: Vec<String> = sessions.iter().map(|s| name_key(s)).collect();
        let state = EventState {
            id,
            key: Some(key.to_string()),
            title: event.title.clone(),
            kind: event.kind.clone(),
            start: crate::dates::iso(event.start),
            end: crate::dates::iso(event.end),
            mode: event.mode.map(|m| m.as_str().to_string()),
            location: event.location.clone(),
            region: event.region.clone(),
            project: event.project.clone(),
            description: event.description.clone(),
            source: event.source.clone(),
            created_at: self.stamp.clone(),
            updated_at: self.stamp.clone(),
            tags: event.tags.clone(),
            organizers: self.named_list(&organizers, &event.organizers)?,
            partners: self.named_list(&partners, &event.partners)?,
            participants: participants
                .into_iter()
                .map(|(participation, refs, p)| {
                    // The session as stored: its first spelling.
                    let session = p.session.as_ref().map(|name| {
                        let key = name_key(name);
                        session_keys
                            .iter()
                            .position(|k| *k == key)
                            .map(|i| sessions[i].clone())
                            .unwrap_or_else(|| name.clone())
                    });
                    let organization = match (refs.organization, &p.organization) {
                        (Some(org), Some(name)) => {
                            Some(self.named(EntityKind::Organization, org, name)?)
                        }
                        _ => None,
                    };
                    Ok(ParticipationState {
                        id: participation,
                        person: self.named(EntityKind::Person, refs.person, &p.name)?,
                        organization,
                        position: p.position.clone(),
                        role: p.role.clone(),
                        session,
                        contribution: p.contribution.clone(),
                        head: p.head,
                        created_at: self.stamp.clone(),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            sessions,
        };
        self.log.created_event(state);
        let title_key = name_key(&event.title);
        self.keys.insert(hash_of(&key), id);
        if let Some(titles) = &mut self.titles {
            titles.insert(hash_of(&(event.start, title_key.as_str())), id);
        }
        self.pending.identities.insert(
            id,
            Identified {
                key: key.to_string(),
                start: event.start,
                title_key,
            },
        );
        self.maybe_flush()?;
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
        // Its state before, read with those of the events read ahead with it (the next ones
        // an import of the file again may update).
        let next: Vec<i64> = self.ahead.keys().copied().collect();
        self.log.changes_event(&mut self.tx, id, &next)?;
        let changed = |field: Field| fields.contains(&field);
        // The organizations of the lists replaced, found or created in the order SQLite's
        // import creates them.
        let (organizers, partners) = (changed(Field::Organizers), changed(Field::Partners));
        let mut lists: Vec<(OrgRole, Vec<i64>)> = Vec::new();
        for (role, names, replace) in [
            (OrgRole::Organizer, &event.organizers, organizers),
            (OrgRole::Partner, &event.partners, partners),
        ] {
            if replace {
                let mut ids = Vec::new();
                for name in names {
                    let org = self.entity_id(EntityKind::Organization, name)?.0;
                    if !ids.contains(&org) {
                        ids.push(org);
                    }
                }
                lists.push((role, ids));
            }
        }
        // What the updates refer to must be on the server.
        self.flush()?;
        if event.key.is_some() {
            // The event's key may change: its old one names nothing now.
            self.stored_keys.clear();
        }
        self.ahead.remove(&id);
        // A record without a key keeps the stored one.
        super::write::update_event_row(&mut self.tx, id, event, &self.stamp, true)?;
        // Found from here on by its key and title as they are now (a candidate is checked
        // against its row: what it no longer is finds nothing).
        if let Some(key) = &event.key {
            self.keys.insert(hash_of(&key.as_str()), id);
        }
        if let Some(titles) = &mut self.titles {
            titles.insert(hash_of(&(event.start, name_key(&event.title).as_str())), id);
        }
        if changed(Field::Tags) {
            super::write::replace_event_tags(&mut self.tx, id, &event.tags)?;
        }
        if !lists.is_empty() {
            // Both lists go before either is written again: an organization may move from
            // one to the other.
            for (role, _) in &lists {
                self.tx.execute(
                    "DELETE FROM event_organization WHERE event_id = $1 AND role = $2",
                    &[&id, &role.as_str()],
                )?;
            }
            for (role, ids) in &lists {
                let other = match role {
                    OrgRole::Organizer => OrgRole::Partner,
                    OrgRole::Partner => OrgRole::Organizer,
                };
                let others: Vec<i64> = self
                    .tx
                    .query(
                        "SELECT organization_id FROM event_organization
                          WHERE event_id = $1 AND role = $2",
                        &[&id, &other.as_str()],
                    )?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let names = match role {
                    OrgRole::Organizer => &event.organizers,
                    OrgRole::Partner => &event.partners,
                };
                // Checked as SQLite's import checks it (the list as the record gives it).
                self.org_ids(*role, names, &others)?;
                self.replace_orgs(id, *role, ids)?;
            }
        }
        if let Some(plan) = plan {
            self.apply_plan(id, plan)?;
        }
        self.changed.insert(id);
        Ok(())
    }

    fn event_changed(&mut self, _id: i64) -> Result<()> {
        // A new event's search text is written with it; an updated one's at the end (see
        // `update_event`).
        Ok(())
    }

    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>> {
        match reference {
            EventRef::Id(id) => {
                if self.lines.contains(*id) || self.pending.events.contains(id) {
                    return Ok(Some(*id));
                }
                Ok(self
                    .tx
                    .query_opt("SELECT id FROM event WHERE id = $1", &[id])?
                    .map(|r| r.get(0)))
            }
            EventRef::Key(key) => self.event_with_key(key),
        }
    }

    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        self.restore()?;
        self.flush()?;
        Ok(self
            .tx
            .query(
                "SELECT key FROM event WHERE key_folded = $1
                  ORDER BY key = $2 DESC, key LIMIT 5",
                &[&name_key(text), &text],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn has_participation(&mut self, event: i64, p: &NewParticipant) -> Result<bool> {
        self.restore()?;
        if self.pending.events.contains(&event) {
            self.flush()?;
        }
        // Nothing is created to find out: a name not known yet is in no participation.
        let Some(person) = self.find_name(EntityKind::Person, &p.name)? else {
            return Ok(false);
        };
        let organization = match &p.organization {
            None => None,
            Some(name) => match self.find_name(EntityKind::Organization, name)? {
                Some(found) => Some(found.id),
                None => return Ok(false),
            },
        };
        let session = match &p.session {
            None => None,
            Some(name) => match self.session_id(event, name)? {
                Some(id) => Some(id),
                None => return Ok(false),
            },
        };
        let same = Sameness::new(
            ParticipantRefs {
                person: person.id,
                organization,
                session,
            },
            p,
        );
        if self
            .pending
            .added
            .get(&event)
            .is_some_and(|added| added.contains(&same))
        {
            return Ok(true);
        }
        Ok(self
            .tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM participation
                  WHERE event_id = $1 AND person_id = $2
                    AND organization_id IS NOT DISTINCT FROM $3
                    AND session_id IS NOT DISTINCT FROM $4
                    AND position_key IS NOT DISTINCT FROM $5
                    AND role_key IS NOT DISTINCT FROM $6
                    AND contribution_key IS NOT DISTINCT FROM $7)",
                &[
                    &event,
                    &same.refs.person,
                    &same.refs.organization,
                    &same.refs.session,
                    &same.position,
                    &same.role,
                    &same.contribution,
                ],
            )?
            .get(0))
    }

    fn add_participation(&mut self, event: i64, p: &NewParticipant) -> Result<()> {
        self.log.changes_later(event);
        self.ahead.remove(&event);
        let refs = self.participant_refs(event, p)?;
        self.push_participation(event, &refs, p)?;
        self.pending.added.entry(event).or_default().push(refs);
        // Its time stamp and search text are brought up to date once, at the end.
        self.touched.insert(event);
        self.maybe_flush()
    }

    fn entity(&mut self, kind: EntityKind, name: &str) -> Result<(i64, bool)> {
        self.entity_id(kind, name)
    }

    fn take_created(&mut self) -> Vec<(EntityKind, i64)> {
        std::mem::take(&mut self.created)
    }

    fn absorb(&mut self, kind: EntityKind, keep: i64, other: i64) -> Result<MergeReport> {
        self.restore()?;
        self.flush()?;
        // The log: the one kept changes, the events whose links move change, the other is no
        // more (one this import created: it is not logged at all).
        self.log.changes(&mut self.tx, kind.into(), keep)?;
        // Their states before read a thousand at a time, not one by one.
        let events = history::events_using(&mut self.tx, kind, other, i64::MAX)?;
        for (i, &event) in events.iter().enumerate() {
            let next = &events[i + 1..events.len().min(i + 1 + 999)];
            self.log.changes_event(&mut self.tx, event, next)?;
        }
        self.log.changes(&mut self.tx, kind.into(), other)?;
        let report = curate::merge_entities(&mut self.tx, kind, keep, other)?;
        self.log.gone(kind.into(), other);
        // The other's names are now the kept one's.
        let name = self.own_name(kind, keep)?;
        for found in self.names[slot(kind)].values_mut() {
            if found.id == other {
                *found = Found {
                    id: keep,
                    name: name.clone(),
                };
            }
        }
        self.own[slot(kind)].remove(&other);
        // Events read ahead may name the merged one.
        self.ahead.clear();
        Ok(report)
    }

    fn add_aliases(
        &mut self,
        kind: EntityKind,
        id: i64,
        aliases: &[String],
    ) -> Result<std::result::Result<u64, AliasConflict>> {
        let mut added = 0;
        for alias in aliases {
            match self.find_name(kind, alias)? {
                Some(owner) if owner.id == id => {}
                Some(owner) => {
                    return Ok(Err(AliasConflict {
                        alias: alias.clone(),
                        owner: owner.name,
                    }));
                }
                None => {
                    self.log.changes(&mut self.tx, kind.into(), id)?;
                    let key = name_key(alias);
                    let rows = match kind {
                        EntityKind::Organization => &mut self.pending.organization_name,
                        EntityKind::Person => &mut self.pending.person_name,
                    };
                    Row::new(rows).text(&key).int(id).text(alias).end();
                    let name = self.own_name(kind, id)?;
                    self.remember(kind, key, Found { id, name })?;
                    added += 1;
                }
            }
        }
        Ok(Ok(added))
    }

    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        self.flush()?;
        entity::each_name(&mut self.tx, kind, f)
    }

    // Makes the import permanent: what waits is sent, what was deferred is done, then the
    // commit.
    fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        self.restore()?;
        // What answered the records' questions is not needed from here: freed before the
        // log and the summaries are written (the summed summaries of the people met are sent
        // then, while tens of thousands of names would be held for nothing).
        self.names = Default::default();
        self.own = Default::default();
        self.keys = Hashed::default();
        self.titles = None;
        self.lines = LineRuns::default();
        self.ahead = HashMap::new();
        self.stored_keys = HashMap::new();
        if !self.touched.is_empty() {
            let touched: Vec<i64> = self.touched.iter().copied().collect();
            self.tx.execute(
                "UPDATE event SET updated_at = $2 WHERE id = ANY($1)",
                &[&touched, &self.stamp],
            )?;
        }
        // The log, once everything is written.
        let log = std::mem::take(&mut self.log);
        let (_, summaries) = log.finish(&mut self.tx, &self.journal)?;
        let refresh: Vec<i64> = self.touched.union(&self.changed).copied().collect();
        if !refresh.is_empty() {
            search::refresh(&mut self.tx, &refresh)?;
        }
        self.give_back_ids(false)?;
        // The planner's statistics, which autovacuum gathers only a while after the commit:
        // without them, the first queries after a large load take its tables for empty and
        // may join them row by row (a `check` of 100k events ran for minutes). Only the owner
        // may gather them; for another role the server skips it with a notice. A small
        // sample (`default_statistics_target` 10, 3,000 rows a table) tells the sizes and the
        // spread the plans depend on in a tenth of the time of the default's (1.1 s at 100k
        // events); autovacuum refines them as the tables change.
        if self.inserted >= ANALYZE_AFTER {
            self.tx.batch_execute(
                "SET LOCAL default_statistics_target = 10;
                 ANALYZE organization, organization_name, person, person_name, event, event_tag,
                         event_organization, session, participation",
            )?;
        }
        // The summaries, once the planner knows the tables' sizes (an import into an empty
        // database counts them all, in a few grouped statements).
        summaries.refresh(&mut self.tx)?;
        if self.inserted >= ANALYZE_AFTER {
            self.tx.batch_execute(
                "SET LOCAL default_statistics_target = 10;
                 ANALYZE organization_summary, person_summary, event_facet",
            )?;
        }
        // From here, an interruption may come after the server committed.
        crate::store::interrupt::disarm();
        self.tx.commit()?;
        Ok(())
    }

    /// Discards everything the import did (and gives back the ids it reserved).
    fn rollback(mut self: Box<Self>) -> Result<()> {
        crate::store::interrupt::disarm();
        // Only while the transaction can still run a statement (a failed one cannot): else the
        // ids stay drawn, a gap as any rolled-back insert leaves on PostgreSQL.
        if let Some(op) = self.log.op()
            && history::give_back_operation(&mut self.tx, op).is_err()
        {
            return Ok(self.tx.rollback()?);
        }
        if self.give_back_ids(true).is_err() {
            return Ok(self.tx.rollback()?);
        }
        self.tx.rollback()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Row;

    #[test]
    fn copy_text_escapes_backslash_tab_newline_and_return_only() {
        let mut buf = Vec::new();
        Row::new(&mut buf)
            .text("plain")
            .text("a\\b\tc\nd\re \"é\"")
            .text("")
            .null()
            .text("\\")
            .end();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "plain\ta\\\\b\\tc\\nd\\re \"é\"\t\t\\N\t\\\\\n"
        );
    }
}
