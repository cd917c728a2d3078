//! The operation an import logs, written in bulk: an import of a million records is one
//! operation of a million changes, and the log must not cost it more than a quarter of its
//! time (nor hold every state in memory till the end).
//!
//! - A record the import creates (an event, an organization, a person) has its state built
//!   from what the import writes, ids included, encoded once as JSON into a `COPY` row of
//!   `operation_change`, and sent with the import's own rows (the operation's row is written
//!   first, when the first changes are sent; its summary, once known, at the end).
//! - A record there before the import that it changes (an event updated or given
//!   participants, an organization or person given aliases) has its state read before its
//!   first change, and again at the end, in batches where it can: an updated event's with
//!   those of the events read ahead with it, the events a participants file adds to just
//!   before the rows that change them are sent.
//! - A created record changed again later in the import (a later record of the same key, a
//!   participant, an alias, a merge of names) is read again at the end, and its row
//!   rewritten; one created and then merged into another (an alias record) is taken out.
//!
//! The changes are numbered (`seq`) in the order their records were first touched.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write as _;

use postgres::Transaction;

use super::history::{self, states};
use super::import::{Row, write_chunked};
use super::runs::IdRuns;
use super::summary::{Added, ImportSummaries};
use crate::model::{EntityState, EventState, RecordKind, State};
use crate::store::Journal;
use crate::store::error::Result;
use crate::store::summary::Dirty;

/// Rows sent in one go: the log's rows waiting, the states after read and compared.
const BATCH: usize = 1000;

/// The records the import created, of each kind, as runs of ids (see `runs.rs`): what an
/// import of new records keeps of each stays the same size whatever the file's.
#[derive(Default)]
struct Created([IdRuns; 3]);

impl Created {
    fn slot(kind: RecordKind) -> usize {
        match kind {
            RecordKind::Event => 0,
            RecordKind::Organization => 1,
            RecordKind::Person => 2,
        }
    }

    fn of(&self, kind: RecordKind) -> &IdRuns {
        &self.0[Self::slot(kind)]
    }

    fn of_mut(&mut self, kind: RecordKind) -> &mut IdRuns {
        &mut self.0[Self::slot(kind)]
    }

    fn contains(&self, kind: RecordKind, id: i64) -> bool {
        self.of(kind).contains(id)
    }
}

/// What an import logs, while it runs.
#[derive(Default)]
pub(super) struct ImportLog {
    /// The operation's id, once its row is written.
    op: Option<i64>,
    seq: i32,
    /// The records it created: their rows carry their places, which nothing needs again
    /// (a row is found by its record).
    created: Created,
    /// Created records changed since their rows were made: read again at the end.
    again: HashSet<(RecordKind, i64)>,
    /// Created records that are no more (merged into another).
    gone: HashSet<(RecordKind, i64)>,
    /// The records there before the import that it touched, with their places.
    slots: HashMap<(RecordKind, i64), i32>,
    /// The records there before the import, in the order touched, with their place: their
    /// state before is in the log (or in `rows`), not kept here.
    existing: Vec<(RecordKind, i64, i32)>,
    /// Rows waiting, in `COPY`'s text format: of created records, and of records there
    /// before (their state before; their state after written at the end). Each ends with
    /// the operation's id once it is known (see [`ImportLog::end_row`]).
    rows: Vec<u8>,
    /// How many rows `rows` holds.
    waiting: usize,
    /// Organizations touched or linked from an event touched.
    organizations: BTreeSet<i64>,
    /// The place of a created record whose state is logged once it is written (an event
    /// comes before the organizations and people its links create, as in SQLite's log).
    reserved: Option<((RecordKind, i64), i32)>,
    /// Events there before the import whose changes wait to be sent (participants added):
    /// their state before is read in one go, just before they are sent.
    lazy: Vec<i64>,
    /// States of events there before the import, read with another's (see
    /// [`ImportLog::changes_event`]), not changed since.
    read: HashMap<i64, State>,
    /// What the summaries are to count again, from the states that pass through: the groups
    /// of the events there before (their states before, then after); those of the events
    /// created are counted from their rows at the end.
    dirty: Dirty,
    /// What the events it created add to the summaries, as created (used when they are all
    /// it did: see [`ImportSummaries::added`]).
    added: Added,
}

impl ImportLog {
    /// Whether the record has been touched.
    pub(super) fn touched(&self, kind: RecordKind, id: i64) -> bool {
        self.created.contains(kind, id) || self.slots.contains_key(&(kind, id))
    }

    /// Notes that a record is about to change: one it created is read again at the end.
    /// Whether it was touched before (then nothing more is to be done).
    fn again(&mut self, kind: RecordKind, id: i64) -> bool {
        if self.created.contains(kind, id) {
            self.again.insert((kind, id));
            return true;
        }
        self.slots.contains_key(&(kind, id))
    }

    fn next_seq(&mut self) -> i32 {
        self.seq += 1;
        self.seq
    }

    fn note_organizations(&mut self, kind: RecordKind, state: &State) {
        match state {
            State::Entity(e) if kind == RecordKind::Organization => {
                self.organizations.insert(e.id);
            }
            State::Event(e) => self.organizations.extend(e.organization_ids()),
            State::Entity(_) => {}
        }
    }

    /// The organizations and people a state links to (an organization or person, itself)
    /// are dirty: their summaries are counted again.
    fn note_links(&mut self, kind: RecordKind, state: &State) {
        match state {
            State::Entity(e) => self.dirty.entity(kind, e.id),
            State::Event(e) => self.dirty.links(e),
        }
    }

    /// A state of a record there before the import, counted `sign` times in the summaries
    /// (-1 its state before, +1 its state after).
    fn note_existing(&mut self, kind: RecordKind, state: &State, sign: i64) {
        match state {
            State::Event(e) => self.dirty.event(e, sign),
            State::Entity(e) => self.dirty.entity(kind, e.id),
        }
    }

    /// Keeps the next place for a record about to be created (see [`ImportLog::created`]).
    pub(super) fn reserve(&mut self, kind: RecordKind, id: i64) {
        let seq = self.next_seq();
        self.reserved = Some(((kind, id), seq));
    }

    /// A record the import created, as it wrote it.
    pub(super) fn created(&mut self, kind: RecordKind, state: State) {
        let id = state.id();
        if self.touched(kind, id) {
            return;
        }
        self.note_organizations(kind, &state);
        self.note_links(kind, &state);
        if let State::Event(e) = &state {
            self.added.event(e);
        }
        let seq = match self.reserved.take() {
            Some((record, seq)) if record == (kind, id) => seq,
            other => {
                self.reserved = other;
                self.next_seq()
            }
        };
        self.created.of_mut(kind).insert(id);
        self.waiting += 1;
        let row = Row::new(&mut self.rows)
            .int(seq.into())
            .text(kind.as_str())
            .int(id)
            .text(&state.label())
            .null();
        let row = match kind {
            // An event's state after is not written: it is the state its next change finds,
            // or the event as it is (see `history::deferred_after`, as on SQLite). An import's
            // log would otherwise hold every event it created a second time.
            RecordKind::Event => row.null(),
            _ => row.text(&state.to_json()),
        };
        Self::end_row(row, self.op);
    }

    /// Ends a row of the log: with the operation's id when it is known, so that the row is
    /// sent as it is; the rows written before it was (the first batch) are given it as they
    /// are sent.
    fn end_row(row: Row<'_>, op: Option<i64>) {
        match op {
            Some(op) => row.int(op).end(),
            None => row.end(),
        }
    }

    /// An organization or person the import created, as it wrote it: its own name.
    pub(super) fn created_entity(&mut self, kind: RecordKind, id: i64, name: &str, stamp: &str) {
        self.created(
            kind,
            State::Entity(EntityState {
                id,
                name: name.to_string(),
                aliases: Vec::new(),
                created_at: stamp.to_string(),
            }),
        );
    }

    /// A created event, as it wrote it.
    pub(super) fn created_event(&mut self, state: EventState) {
        self.created(RecordKind::Event, State::Event(Box::new(state)));
    }

    /// Notes that the import is about to change a record: one it created is read again at
    /// the end; the state of one there before is read now, before its first change.
    pub(super) fn changes(
        &mut self,
        tx: &mut Transaction<'_>,
        kind: RecordKind,
        id: i64,
    ) -> Result<()> {
        self.changes_event_among(tx, kind, id, &[])
    }

    /// As [`ImportLog::changes`] for event `id`, reading the states of the events `next` (read
    /// ahead, that the import is likely to change next) with its own, in one go: an import
    /// that updates many stored events reads their states a batch at a time.
    pub(super) fn changes_event(
        &mut self,
        tx: &mut Transaction<'_>,
        id: i64,
        next: &[i64],
    ) -> Result<()> {
        self.changes_event_among(tx, RecordKind::Event, id, next)
    }

    fn changes_event_among(
        &mut self,
        tx: &mut Transaction<'_>,
        kind: RecordKind,
        id: i64,
        next: &[i64],
    ) -> Result<()> {
        if self.again(kind, id) {
            return Ok(());
        }
        let before = match self.read.remove(&id).filter(|_| kind == RecordKind::Event) {
            Some(state) => Some(state),
            None if kind == RecordKind::Event && !next.is_empty() => {
                // Those not touched yet (a touched one's state is known).
                let mut ids: Vec<i64> = next
                    .iter()
                    .copied()
                    .filter(|e| !self.touched(RecordKind::Event, *e))
                    .collect();
                ids.push(id);
                let mut found = states(tx, RecordKind::Event, &ids)?;
                let state = found.remove(&id);
                self.read = found;
                state
            }
            None => history::state(tx, kind, id)?,
        };
        let Some(before) = before else {
            return Ok(());
        };
        self.note_organizations(kind, &before);
        let seq = self.next_seq();
        self.slots.insert((kind, id), seq);
        self.logs_before(kind, id, seq, &before);
        Ok(())
    }

    /// The row of a record there before the import, with its state before (and its label
    /// then, kept if it is removed), its state after to come (see [`ImportLog::finish`]).
    fn logs_before(&mut self, kind: RecordKind, id: i64, seq: i32, before: &State) {
        self.note_existing(kind, before, -1);
        self.waiting += 1;
        let row = Row::new(&mut self.rows)
            .int(seq.into())
            .text(kind.as_str())
            .int(id)
            .text(&before.label())
            .text(&before.to_json())
            .null();
        Self::end_row(row, self.op);
        self.existing.push((kind, id, seq));
    }

    /// Notes that the import is about to change an event with rows that wait to be sent: as
    /// [`ImportLog::changes`], but the state of one there before is read with the others,
    /// at the next [`ImportLog::read_befores`] (which comes before any of them is sent).
    pub(super) fn changes_later(&mut self, id: i64) {
        let key = (RecordKind::Event, id);
        // Read again with the others, just before its rows are sent: as it is then.
        self.read.remove(&id);
        if self.again(key.0, key.1) {
            return;
        }
        let seq = self.next_seq();
        self.slots.insert(key, seq);
        self.lazy.push(id);
    }

    /// Reads the states before of the events [`ImportLog::changes_later`] noted: before the
    /// rows that change them are sent.
    pub(super) fn read_befores(&mut self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.lazy.is_empty() {
            return Ok(());
        }
        let lazy = std::mem::take(&mut self.lazy);
        let mut found = states(tx, RecordKind::Event, &lazy)?;
        for id in lazy {
            if let Some(before) = found.remove(&id) {
                self.note_organizations(RecordKind::Event, &before);
                let seq = self.slots[&(RecordKind::Event, id)];
                self.logs_before(RecordKind::Event, id, seq, &before);
            }
        }
        Ok(())
    }

    /// A record the import created that is no more.
    pub(super) fn gone(&mut self, kind: RecordKind, id: i64) {
        if self.created.contains(kind, id) {
            self.gone.insert((kind, id));
        }
    }

    /// The operation's row, written when first needed.
    fn operation(&mut self, tx: &mut Transaction<'_>, journal: &Journal) -> Result<i64> {
        if let Some(op) = self.op {
            return Ok(op);
        }
        let op = history::insert_operation(tx, journal.command(), "", None)?;
        self.op = Some(op);
        Ok(op)
    }

    /// Sends the rows waiting (after the import's own rows), once there are enough of them
    /// for one `COPY` (an import that updates events sends its rows after each).
    pub(super) fn flush(&mut self, tx: &mut Transaction<'_>, journal: &Journal) -> Result<()> {
        if self.waiting < BATCH {
            return Ok(());
        }
        self.send(tx, journal)
    }

    /// Sends the rows waiting, however few.
    fn send(&mut self, tx: &mut Transaction<'_>, journal: &Journal) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        self.waiting = 0;
        // Whether the rows were written knowing the operation (all but the first batch's).
        let with_op = self.op.is_some();
        let op = self.operation(tx, journal)?;
        let rows = std::mem::take(&mut self.rows);
        let mut writer = tx.copy_in(
            "COPY operation_change (seq, kind, record, label, before, after, operation)
             FROM STDIN",
        )?;
        if with_op {
            write_chunked(&mut writer, &rows)?;
        } else {
            // Each row ends with its operation, which is known only now.
            let suffix = format!("\t{op}\n");
            for line in rows.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                writer.write_all(line)?;
                writer.write_all(suffix.as_bytes())?;
            }
        }
        writer.finish()?;
        Ok(())
    }

    /// Writes what is left (everything the import wrote is on the server): the rows
    /// waiting, the states after of the records there before (a row whose record is as it
    /// was taken out), the rows of created records changed since, the operation's summary
    /// and organizations. Returns the operation's id, or `None` when the import changed
    /// nothing.
    pub(super) fn finish(
        mut self,
        tx: &mut Transaction<'_>,
        journal: &Journal,
    ) -> Result<(Option<i64>, ImportSummaries)> {
        self.send(tx, journal)?;
        // Those merged away are not logged at all.
        for (kind, id) in &self.gone {
            self.created.of_mut(*kind).remove(*id);
        }
        // Only created records, each as it was created: their summaries are what they add.
        let only_created = self.lazy.is_empty()
            && self.slots.is_empty()
            && self.again.is_empty()
            && self.gone.is_empty();
        let added = only_created.then(|| {
            (
                std::mem::take(&mut self.added),
                self.created.of(RecordKind::Organization).iter().collect(),
                self.created.of(RecordKind::Person).iter().collect(),
            )
        });
        let mut tally: HashMap<(RecordKind, &'static str), usize> = HashMap::new();
        for kind in [
            RecordKind::Event,
            RecordKind::Organization,
            RecordKind::Person,
        ] {
            let n = self.created.of(kind).len();
            if n > 0 {
                tally.insert((kind, "created"), n);
            }
        }
        // Created records read again.
        let mut again: HashMap<RecordKind, Vec<i64>> = HashMap::new();
        for (kind, id) in &self.again {
            if !self.gone.contains(&(*kind, *id)) {
                again.entry(*kind).or_default().push(*id);
            }
        }
        let mut gone: HashMap<RecordKind, Vec<i64>> = HashMap::new();
        for (kind, id) in &self.gone {
            gone.entry(*kind).or_default().push(*id);
        }
        let mut kinds: Vec<&str> = Vec::new();
        let mut records: Vec<i64> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        let mut afters: Vec<Option<String>> = Vec::new();
        for (kind, ids) in &again {
            let mut found = states(tx, *kind, ids)?;
            for id in ids {
                let after = found.remove(id);
                if let Some(state) = &after {
                    self.note_organizations(*kind, state);
                    self.note_links(*kind, state);
                }
                kinds.push(kind.as_str());
                records.push(*id);
                labels.push(after.as_ref().map(State::label).unwrap_or_default());
                // An event's state after stays unwritten (see `created`); its label is its
                // title as the import leaves it.
                afters.push(match kind {
                    RecordKind::Event => None,
                    _ => after.as_ref().map(State::to_json),
                });
            }
        }
        // Records there before: their state now, a chunk at a time, compared with the state
        // before logged (the same JSON: unchanged, the row is taken out).
        let existing = std::mem::take(&mut self.existing);
        for chunk in existing.chunks(BATCH) {
            let mut now: HashMap<RecordKind, HashMap<i64, State>> = HashMap::new();
            for kind in [
                RecordKind::Event,
                RecordKind::Organization,
                RecordKind::Person,
            ] {
                let ids: Vec<i64> = chunk
                    .iter()
                    .filter(|(k, _, _)| *k == kind)
                    .map(|(_, id, _)| *id)
                    .collect();
                if !ids.is_empty() {
                    now.insert(kind, states(tx, kind, &ids)?);
                }
            }
            // Those still there (a removed one's row is right as it is: its label and
            // state before, no state after).
            let mut kept: Vec<(RecordKind, State)> = Vec::new();
            let mut kept_seqs: Vec<i32> = Vec::new();
            let mut kept_labels: Vec<String> = Vec::new();
            let mut kept_afters: Vec<String> = Vec::new();
            for (kind, id, seq) in chunk {
                match now.get_mut(kind).and_then(|m| m.remove(id)) {
                    Some(state) => {
                        self.note_existing(*kind, &state, 1);
                        kept_seqs.push(*seq);
                        kept_labels.push(state.label());
                        kept_afters.push(state.to_json());
                        kept.push((*kind, state));
                    }
                    None => *tally.entry((*kind, "removed")).or_default() += 1,
                }
            }
            if kept.is_empty() {
                continue;
            }
            let op = self.operation(tx, journal)?;
            let unchanged: std::collections::HashSet<i32> = tx
                .query(
                    "WITH d AS (SELECT * FROM unnest($2::int[], $3::text[], $4::text[])
                                          AS d(s, l, a)),
                          same AS (DELETE FROM operation_change c USING d
                                    WHERE c.operation = $1 AND c.seq = d.s
                                      AND c.before = d.a COLLATE \"C\"
                                   RETURNING c.seq),
                          changed AS (UPDATE operation_change c SET label = d.l, after = d.a
                                        FROM d
                                       WHERE c.operation = $1 AND c.seq = d.s
                                         AND c.before <> d.a COLLATE \"C\")
                     SELECT seq FROM same",
                    &[&op, &kept_seqs, &kept_labels, &kept_afters],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            for ((kind, state), seq) in kept.iter().zip(&kept_seqs) {
                if unchanged.contains(seq) {
                    continue;
                }
                self.note_organizations(*kind, state);
                *tally.entry((*kind, "changed")).or_default() += 1;
            }
        }
        let total: usize = tally.values().sum();
        if total == 0 {
            // Nothing changed after all: nothing is logged.
            if let Some(op) = self.op {
                tx.execute("DELETE FROM operation WHERE id = $1", &[&op])?;
                history::give_back_operation(tx, op)?;
            }
            return Ok((None, ImportSummaries::default()));
        }
        let op = self.operation(tx, journal)?;
        // The rows of created records are found by their record (one a record in an
        // operation): their places are not kept.
        for (kind, ids) in &gone {
            tx.execute(
                "DELETE FROM operation_change
                  WHERE operation = $1 AND kind = $2 AND record = ANY($3)",
                &[&op, &kind.as_str(), ids],
            )?;
        }
        if !records.is_empty() {
            tx.execute(
                "UPDATE operation_change c SET label = d.l, after = d.a
                   FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS d(k, r, l, a)
                  WHERE c.operation = $1 AND c.kind = d.k AND c.record = d.r",
                &[&op, &kinds, &records, &labels, &afters],
            )?;
        }
        let summary = if total == 1 {
            // One change: said as every write says it, from its states.
            let changes = history::changes_of(tx, op)?;
            crate::store::history::summary(journal.subject(), &changes)
        } else {
            crate::store::history::count_summary(journal.subject(), &tally)
        };
        tx.execute(
            "UPDATE operation SET command = $2, summary = $3,
                    at = to_char(clock_timestamp() AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')
              WHERE id = $1",
            &[&op, &journal.command(), &summary],
        )?;
        let orgs: Vec<i64> = self.organizations.iter().copied().collect();
        history::insert_organizations(tx, op, &orgs)?;
        if cfg!(debug_assertions) && self.seq <= 5000 {
            // What was logged from what was written must be what is read (the tests run a
            // debug build).
            for change in history::changes_of(tx, op)? {
                let now = history::state(tx, change.kind, change.id)?;
                assert_eq!(
                    change.after, now,
                    "the import logged a state of {} {} that differs from the one stored",
                    change.kind, change.id
                );
            }
        }
        let summaries = ImportSummaries {
            dirty: std::mem::take(&mut self.dirty),
            created_events: std::mem::take(self.created.of_mut(RecordKind::Event)),
            added,
        };
        Ok((Some(op), summaries))
    }

    /// The events the import created so far.
    pub(super) fn created_events(&self) -> &IdRuns {
        self.created.of(RecordKind::Event)
    }

    /// Gives the operation's id back if the import is rolled back (see
    /// `PgImport::give_back_ids`).
    pub(super) fn op(&self) -> Option<i64> {
        self.op
    }
}
