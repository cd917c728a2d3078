//! The operation log, above the backends: what a write collects ([`Journal`]), how an
//! operation is summed up in one line, and how one is undone ([`undo`]): which later
//! operations forbid it, and in which order its records are put back. A backend reads and
//! writes states and log rows ([`HistoryTxn`]) inside its own write transaction; every
//! decision is taken here, once for both.

use std::collections::{BTreeSet, HashMap};

use super::error::{Result, StoreError};
use crate::model::{
    Change, EntityKind, EntityState, EventState, LastChange, NewOperation, Operation, RecordKind,
    State,
};

/// What one write did, record by record, collected while it writes: the state of each
/// record before its first change and after its last. Finished, it is the operation to log.
///
/// A backend calls [`Journal::before`] with a record's state before it first writes to it
/// (`None` for a record it creates), and [`Journal::after`] once the record is as the write
/// leaves it (`None` for one it removed). A record touched twice keeps its first `before`
/// and its last `after`.
#[derive(Debug)]
pub struct Journal {
    command: String,
    subject: Option<String>,
    changes: Vec<Change>,
    index: HashMap<(RecordKind, i64), usize>,
    /// Organizations touched or linked from an event touched (for `log --org`).
    organizations: BTreeSet<i64>,
}

impl Journal {
    /// A journal for a command, named as typed (`add-event`, `org merge`, `import`).
    pub fn new(command: impl Into<String>) -> Journal {
        Journal {
            command: command.into(),
            subject: None,
            changes: Vec::new(),
            index: HashMap::new(),
            organizations: BTreeSet::new(),
        }
    }

    /// The command name given.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// What the operation is about, if said.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Renames the command (an import run by `edit` is logged as `edit`).
    pub fn set_command(&mut self, command: impl Into<String>) {
        self.command = command.into();
    }

    /// What the operation is about, said first in its summary: an import's file, the two
    /// names of a merge.
    pub fn set_subject(&mut self, subject: impl Into<String>) {
        self.subject = Some(subject.into());
    }

    /// Whether the record has been touched already (its `before` is known).
    pub fn touched(&self, kind: RecordKind, id: i64) -> bool {
        self.index.contains_key(&(kind, id))
    }

    /// The records touched, in the order they were first touched.
    pub fn records(&self) -> Vec<(RecordKind, i64)> {
        self.changes.iter().map(|c| (c.kind, c.id)).collect()
    }

    /// How many records were touched.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Records the state of a record before the write's first change to it; `None` for a
    /// record the write creates. Does nothing for a record touched already.
    pub fn before(&mut self, kind: RecordKind, id: i64, state: Option<State>) {
        if self.touched(kind, id) {
            return;
        }
        if let Some(state) = &state {
            self.note_organizations(kind, state);
        }
        self.index.insert((kind, id), self.changes.len());
        let label = state.as_ref().map(State::label).unwrap_or_default();
        self.changes.push(Change {
            kind,
            id,
            label,
            before: state,
            after: None,
        });
    }

    /// Records the state of a record as the write leaves it; `None` for one it removed. A
    /// record not touched before is taken to be new.
    pub fn after(&mut self, kind: RecordKind, id: i64, state: Option<State>) {
        if !self.touched(kind, id) {
            self.before(kind, id, None);
        }
        if let Some(state) = &state {
            self.note_organizations(kind, state);
        }
        let i = self.index[&(kind, id)];
        let change = &mut self.changes[i];
        if let Some(state) = &state {
            change.label = state.label();
        }
        change.after = state;
    }

    /// A record the write created, as it left it: `before(None)` and `after(state)` at once.
    pub fn created(&mut self, kind: RecordKind, state: State) {
        let id = state.id();
        self.before(kind, id, None);
        self.after(kind, id, Some(state));
    }

    fn note_organizations(&mut self, kind: RecordKind, state: &State) {
        match (kind, state) {
            (RecordKind::Organization, state) => {
                self.organizations.insert(state.id());
            }
            (RecordKind::Event, State::Event(e)) => {
                self.organizations.extend(e.organization_ids());
            }
            _ => {}
        }
    }

    /// The operation to log, or `None` when the write changed nothing (every record as it
    /// was): a command that changes nothing logs nothing.
    pub fn finish(self, undoes: Option<i64>) -> Option<NewOperation> {
        let changes: Vec<Change> = self
            .changes
            .into_iter()
            .filter(|c| c.before != c.after)
            .collect();
        if changes.is_empty() {
            return None;
        }
        let summary = summary(self.subject.as_deref(), &changes);
        Some(NewOperation {
            command: self.command,
            summary,
            undoes,
            changes,
            organizations: self.organizations.into_iter().collect(),
        })
    }
}

/// One line on what the changes did: the one record and what changed in it, or how many of
/// each kind were created, changed and removed; after the subject, if any.
pub fn summary(subject: Option<&str>, changes: &[Change]) -> String {
    let body = match changes {
        [one] => describe(one),
        _ => {
            // One event among organizations and people (an event added with new names):
            // the event said in full, the rest counted.
            let mut events = changes.iter().filter(|c| c.kind == RecordKind::Event);
            match (events.next(), events.next()) {
                (Some(event), None) => format!(
                    "{}; {}",
                    describe(event),
                    counts(changes.iter().filter(|c| c.kind != RecordKind::Event))
                ),
                _ => counts(changes.iter()),
            }
        }
    };
    match subject {
        Some(subject) => format!("{subject}: {body}"),
        None => body,
    }
}

/// One change in a few words: `event 12 "Title": title, tags changed`.
pub fn describe(change: &Change) -> String {
    let what = format!("{} {} {:?}", change.kind, change.id, change.label);
    match (&change.before, &change.after) {
        (Some(State::Event(before)), Some(State::Event(after))) => {
            let fields = changed_fields(before, after);
            if fields.is_empty() {
                format!("{what} changed")
            } else {
                format!("{what}: {} changed", fields.join(", "))
            }
        }
        (Some(State::Entity(before)), Some(State::Entity(after))) => {
            if before.name != after.name {
                format!(
                    "{} {} {:?} renamed {:?}",
                    change.kind, change.id, before.name, after.name
                )
            } else {
                format!("{what}: names changed")
            }
        }
        _ => format!("{what} {}", change.verb()),
    }
}

fn counts<'a>(changes: impl Iterator<Item = &'a Change>) -> String {
    let mut tally: HashMap<(RecordKind, &'static str), usize> = HashMap::new();
    for c in changes {
        *tally.entry((c.kind, c.verb())).or_default() += 1;
    }
    tallied(&tally)
}

/// [`summary`] of more than one change, from how many records of each kind were `created`,
/// `changed` and `removed`: for a backend that does not hold every change at once (an
/// import of a million records).
pub fn count_summary(
    subject: Option<&str>,
    tally: &HashMap<(RecordKind, &'static str), usize>,
) -> String {
    let body = tallied(tally);
    match subject {
        Some(subject) => format!("{subject}: {body}"),
        None => body,
    }
}

fn tallied(tally: &HashMap<(RecordKind, &'static str), usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for kind in [
        RecordKind::Event,
        RecordKind::Organization,
        RecordKind::Person,
    ] {
        let counts: Vec<(usize, &str)> = ["created", "changed", "removed"]
            .into_iter()
            .map(|verb| (tally.get(&(kind, verb)).copied().unwrap_or(0), verb))
            .filter(|(n, _)| *n > 0)
            .collect();
        let noun = |n: usize| match (kind, n) {
            (RecordKind::Event, 1) => "event",
            (RecordKind::Event, _) => "events",
            (RecordKind::Organization, 1) => "organization",
            (RecordKind::Organization, _) => "organizations",
            (RecordKind::Person, 1) => "person",
            (RecordKind::Person, _) => "people",
        };
        match counts.as_slice() {
            [] => {}
            // "4 events created"
            [(n, verb)] => parts.push(format!("{n} {} {verb}", noun(*n))),
            // "organizations: 1 changed, 1 removed"
            _ => {
                let said: Vec<String> = counts.iter().map(|(n, v)| format!("{n} {v}")).collect();
                parts.push(format!("{}: {}", noun(2), said.join(", ")));
            }
        }
    }
    parts.join("; ")
}

/// The fields of an event that differ between two states, by their interchange names.
pub fn changed_fields(before: &EventState, after: &EventState) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            fields.push(name);
        }
    };
    check("key", before.key != after.key);
    check("title", before.title != after.title);
    check("kind", before.kind != after.kind);
    check("start", before.start != after.start);
    check("end", before.end != after.end);
    check("mode", before.mode != after.mode);
    check("location", before.location != after.location);
    check("region", before.region != after.region);
    check("project", before.project != after.project);
    check("description", before.description != after.description);
    check("source", before.source != after.source);
    check("tags", before.tags != after.tags);
    check("organizers", before.organizers != after.organizers);
    check("partners", before.partners != after.partners);
    check("sessions", before.sessions != after.sessions);
    check("participants", before.participants != after.participants);
    fields
}

/// What a backend's write transaction does for the log and for undo. Every method runs in
/// the transaction it was made from; nothing is committed here.
pub trait HistoryTxn {
    /// A record as it is now, ids and all; `None` when it is not there.
    fn state(&mut self, kind: RecordKind, id: i64) -> Result<Option<State>>;
    /// Says that the states of `records` are about to be read, each once, before any
    /// write: a backend may read them in one go (an undo of an import of a hundred thousand
    /// events). Reading without it is the same, record by record.
    fn prefetch(&mut self, records: &[(RecordKind, i64)]) -> Result<()> {
        let _ = records;
        Ok(())
    }
    /// The organization or person known by `name` now (its own name or an alias, compared
    /// as names are), if any.
    fn name_owner(&mut self, kind: EntityKind, name: &str) -> Result<Option<i64>>;
    /// The event with this key now, if any.
    fn key_owner(&mut self, key: &str) -> Result<Option<i64>>;
    /// Of the organizations or people `ids`, those an event links to now (as organizer,
    /// partner or through a participation), each with one such event.
    fn entities_in_use(&mut self, kind: EntityKind, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        let mut used = Vec::new();
        for &id in ids {
            if let Some(&event) = self.events_using(kind, id, 1)?.first() {
                used.push((id, event));
            }
        }
        Ok(used)
    }
    /// Removes every name (its own and its aliases) of an organization or person, so that
    /// names may move between the records an undo puts back.
    fn clear_names(&mut self, kind: EntityKind, id: i64) -> Result<()>;
    /// Puts an organization or person back as `state` has it: its row (made, with its id,
    /// where it is not there; its own name and creation time set) and exactly its names (its
    /// own and its aliases; the caller cleared them first).
    fn put_entity(&mut self, kind: EntityKind, state: &EntityState) -> Result<()>;
    /// Removes an organization or person that nothing links to any more.
    fn delete_entity(&mut self, kind: EntityKind, id: i64) -> Result<()>;
    /// Puts an event back as `state` has it: its row (made, with its id, where it is not
    /// there), every field and time stamp, its tags, organizers, partners and sessions in
    /// order, its participations with their ids; its search text brought up to date.
    fn put_event(&mut self, state: &EventState) -> Result<()>;
    /// Removes an event with everything linked to it (its search text too).
    fn delete_event(&mut self, id: i64) -> Result<()>;
    /// The events that link to an organization or person now (as organizer, partner or
    /// through a participation), the first `limit` by id.
    fn events_using(&mut self, kind: EntityKind, id: i64, limit: usize) -> Result<Vec<i64>>;
    /// One operation, with its changes as an undo needs them: the state after of a record
    /// it created and did not write (an import's events, see the backends' log) is left
    /// out (`None`), an undo reading only the states before.
    fn operation(&mut self, id: i64) -> Result<Option<Operation>>;
    /// The operations newer than `op` that changed a record `op` changed, oldest first,
    /// without their changes.
    fn later_on_same_records(&mut self, op: i64) -> Result<Vec<Operation>>;
    /// The newest operation, of all, that has not been undone.
    fn newest_not_undone(&mut self) -> Result<Option<i64>>;
    /// The newest operation that changed the record, if any.
    fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>>;
    /// The operations that changed the record after operation `after` (all, for `None`)
    /// or at a time later than `since` (the log's format), oldest first.
    fn changes_since(
        &mut self,
        kind: RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<LastChange>>;
    /// Marks operation `op` as undone by `by`, or as not undone (`None`); returns the
    /// operation `op` undoes, if it is an undo.
    fn set_undone_by(&mut self, op: i64, by: Option<i64>) -> Result<Option<i64>>;
    /// Writes an operation to the log, stamped with the time and the user, with its changes
    /// (in order) and the organizations it touched; returns its id. (An undo's marks on the
    /// operations it reverts are [`HistoryTxn::set_undone_by`]'s.)
    fn record(&mut self, op: &NewOperation) -> Result<i64>;
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// The operation reverted.
    pub reverted: Operation,
    /// The undo's own operation id.
    pub operation: i64,
    /// What the undo changed, summed up.
    pub summary: String,
}

/// Reverts operation `op` (the newest not undone, for `None`) in the backend's write
/// transaction `txn`, and logs the undo as an operation of its own; nothing is committed.
///
/// Refused, with nothing written, when a later operation changed a record `op` changed (an
/// undo of `op` included: then `op` is undone already), when a record `op`'s states link
/// to is gone, or when `op` created an organization or person that another event links to
/// now.
pub fn undo(txn: &mut dyn HistoryTxn, op: Option<i64>) -> Result<Undone> {
    let id = match op {
        Some(id) => id,
        None => txn.newest_not_undone()?.ok_or(StoreError::NothingToUndo)?,
    };
    let reverted = txn.operation(id)?.ok_or(StoreError::NoOperation { id })?;
    refuse_conflicts(txn, &reverted)?;

    let mut journal = Journal::new("undo");
    journal.set_subject(format!("operation {} ({})", reverted.id, reverted.command));
    let mut there: Vec<(EntityKind, i64)> = Vec::new();
    let records: Vec<(RecordKind, i64)> = reverted.changes.iter().map(|c| (c.kind, c.id)).collect();
    txn.prefetch(&records)?;
    for change in &reverted.changes {
        let now = txn.state(change.kind, change.id)?;
        if let Some(kind) = change.kind.entity()
            && now.is_some()
        {
            there.push((kind, change.id));
        }
        journal.before(change.kind, change.id, now);
    }
    // Names first: a merge's undo takes the merged one's names back from the one kept.
    for (kind, id) in there {
        txn.clear_names(kind, id)?;
    }
    for change in &reverted.changes {
        if let (Some(kind), Some(State::Entity(before))) = (change.kind.entity(), &change.before) {
            txn.put_entity(kind, before)?;
        }
    }
    for change in &reverted.changes {
        if change.kind == RecordKind::Event {
            match &change.before {
                Some(State::Event(before)) => txn.put_event(before)?,
                _ => txn.delete_event(change.id)?,
            }
        }
    }
    // Last, what the operation created, once no event links to it (an event it did not put
    // back may, since: then the undo is refused, and nothing it wrote stays).
    refuse_created_in_use(txn, &reverted)?;
    for change in &reverted.changes {
        if let Some(kind) = change.kind.entity()
            && change.before.is_none()
        {
            txn.delete_entity(kind, change.id)?;
        }
    }
    txn.prefetch(&records)?;
    for change in &reverted.changes {
        let now = txn.state(change.kind, change.id)?;
        journal.after(change.kind, change.id, now);
    }
    let operation = journal
        .finish(Some(reverted.id))
        .ok_or(StoreError::NothingToUndo)?;
    let summary = operation.summary.clone();
    let undo_id = txn.record(&operation)?;
    txn.set_undone_by(reverted.id, Some(undo_id))?;
    // Undoing an undo redoes what it undid: that operation stands again; if it is an undo
    // itself, what it undid is undone by it again; and so on down the chain (undo, redo,
    // undo again: the first operation is undone by the first undo, which stands).
    let mut next = reverted.undoes;
    let mut by = None;
    while let Some(op) = next {
        next = txn.set_undone_by(op, by)?;
        by = match by {
            None => Some(op),
            Some(_) => None,
        };
    }
    Ok(Undone {
        reverted,
        operation: undo_id,
        summary,
    })
}

/// Refuses to undo `op` where a later operation stands in the way (see [`undo`]).
fn refuse_conflicts(txn: &mut dyn HistoryTxn, op: &Operation) -> Result<()> {
    // A later operation that was undone since, and a later undo of an operation later than
    // `op`, cancel out: only what still has its effect stands in the way (so operations can
    // be undone one after another, newest first).
    let later: Vec<Operation> = txn
        .later_on_same_records(op.id)?
        .into_iter()
        .filter(|l| l.undone_by.is_none() && l.undoes.is_none_or(|u| u <= op.id))
        .collect();
    if !later.is_empty() {
        if let Some(by) = op.undone_by
            && later.iter().any(|l| l.id == by)
        {
            return Err(StoreError::AlreadyUndone { op: op.id, by });
        }
        return Err(StoreError::UndoBlocked {
            op: op.id,
            reason: "its records were changed since".to_string(),
            later: later.into_iter().map(|l| l.id).collect(),
        });
    }
    // The organizations and people the states before link to must still be there.
    let created: BTreeSet<(RecordKind, i64)> = op
        .changes
        .iter()
        .filter(|c| c.before.is_none())
        .map(|c| (c.kind, c.id))
        .collect();
    let mut needed: BTreeSet<(RecordKind, i64)> = BTreeSet::new();
    for change in &op.changes {
        if let Some(State::Event(e)) = &change.before {
            needed.extend(
                e.organizers
                    .iter()
                    .chain(&e.partners)
                    .map(|o| (RecordKind::Organization, o.id)),
            );
            for p in &e.participants {
                needed.insert((RecordKind::Person, p.person.id));
                if let Some(o) = &p.organization {
                    needed.insert((RecordKind::Organization, o.id));
                }
            }
        }
    }
    let restored: BTreeSet<(RecordKind, i64)> = op
        .changes
        .iter()
        .filter(|c| c.before.is_some() && c.kind != RecordKind::Event)
        .map(|c| (c.kind, c.id))
        .collect();
    let mut blocking: BTreeSet<i64> = BTreeSet::new();
    for (kind, id) in needed {
        if restored.contains(&(kind, id)) || created.contains(&(kind, id)) {
            continue;
        }
        if txn.state(kind, id)?.is_none() {
            if let Some(last) = txn.last_change(kind, id)? {
                blocking.insert(last.operation);
            } else {
                return Err(StoreError::UndoBlocked {
                    op: op.id,
                    reason: format!("{kind} {id}, which it needs, is gone"),
                    later: Vec::new(),
                });
            }
        }
    }
    if !blocking.is_empty() {
        return Err(StoreError::UndoBlocked {
            op: op.id,
            reason: "an organization or person it needs was removed since".to_string(),
            later: blocking.into_iter().collect(),
        });
    }
    refuse_names_taken(txn, op)
}

/// Refuses to undo `op` when a name or key its states before hold is another record's now
/// (given by a later operation to an organization, person or event that `op` did not touch),
/// naming the operation that last changed that record.
fn refuse_names_taken(txn: &mut dyn HistoryTxn, op: &Operation) -> Result<()> {
    let touched: BTreeSet<(RecordKind, i64)> = op.changes.iter().map(|c| (c.kind, c.id)).collect();
    let mut blocking: BTreeSet<i64> = BTreeSet::new();
    let mut taken: Vec<String> = Vec::new();
    for change in &op.changes {
        match (&change.before, change.kind.entity()) {
            (Some(State::Entity(before)), Some(kind)) => {
                for name in std::iter::once(&before.name).chain(&before.aliases) {
                    if let Some(owner) = txn.name_owner(kind, name)?
                        && !touched.contains(&(change.kind, owner))
                    {
                        taken.push(format!("the name {name:?} is another {kind}'s now"));
                        if let Some(last) = txn.last_change(change.kind, owner)? {
                            blocking.insert(last.operation);
                        }
                    }
                }
            }
            (Some(State::Event(before)), None) => {
                if let Some(key) = &before.key
                    && let Some(owner) = txn.key_owner(key)?
                    && !touched.contains(&(RecordKind::Event, owner))
                {
                    taken.push(format!("the key {key:?} is event {owner}'s now"));
                    if let Some(last) = txn.last_change(RecordKind::Event, owner)? {
                        blocking.insert(last.operation);
                    }
                }
            }
            _ => {}
        }
    }
    if taken.is_empty() {
        return Ok(());
    }
    let more = match taken.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Err(StoreError::UndoBlocked {
        op: op.id,
        reason: format!("{}{more}, given", taken[0]),
        later: blocking.into_iter().collect(),
    })
}

/// Refuses to remove the organizations and people `op` created (undoing it) where an event
/// links to one still, once the undo's own events are put back: an event `op` did not touch,
/// changed by a later operation, which is named. Nothing is written yet when it refuses.
fn refuse_created_in_use(txn: &mut dyn HistoryTxn, op: &Operation) -> Result<()> {
    let mut blocking: BTreeSet<i64> = BTreeSet::new();
    for kind in [EntityKind::Organization, EntityKind::Person] {
        let ids: Vec<i64> = op
            .changes
            .iter()
            .filter(|c| c.before.is_none() && c.kind.entity() == Some(kind))
            .map(|c| c.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        for (_, event) in txn.entities_in_use(kind, &ids)? {
            if let Some(last) = txn.last_change(RecordKind::Event, event)? {
                blocking.insert(last.operation);
            }
        }
    }
    if !blocking.is_empty() {
        return Err(StoreError::UndoBlocked {
            op: op.id,
            reason: "an organization or person it created is used by events changed since"
                .to_string(),
            later: blocking.into_iter().collect(),
        });
    }
    Ok(())
}

/// Refuses a write guarded by `--if-unchanged-since` ([`StoreError::ChangedSince`]) when
/// event `id`, stamped `updated_at` now, was changed after `since` (the log's format): by an
/// operation of the log, or, older than the log, as its stamp says.
pub fn refuse_changed_since(
    txn: &mut dyn HistoryTxn,
    id: i64,
    updated_at: &str,
    since: &str,
) -> Result<()> {
    let changes = txn.changes_since(RecordKind::Event, id, None, Some(since))?;
    // The log's times are the database's clock (a server's, on PostgreSQL), an event's
    // `updated_at` the client's: the stamp is read only for an event the log does not know,
    // changed before there was one.
    let older_than_the_log =
        changes.is_empty() && txn.last_change(RecordKind::Event, id)?.is_none();
    if !changes.is_empty() || (older_than_the_log && is_later(updated_at, since)) {
        return Err(StoreError::ChangedSince {
            what: format!("event {id}"),
            changes,
            at: Some(updated_at.to_string()),
        });
    }
    Ok(())
}

/// Whether time stamp `a` is later than `b`, both RFC 3339 (`2026-12-01T12:00:00Z`, with
/// or without fractions of a second); one that does not read as a time is not later.
pub fn is_later(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a > b,
        _ => false,
    }
}

/// Who runs this program, as the OS knows them: the login name of the process's user, else
/// `$USER`, else `uid N`.
pub fn os_user() -> String {
    // SAFETY: getuid cannot fail; getpwuid_r writes into the buffers given, whose sizes are
    // passed, and the name it points to lives in `buf`, read before `buf` is dropped.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            let name = std::ffi::CStr::from_ptr(pwd.pw_name).to_string_lossy();
            if !name.is_empty() {
                return name.into_owned();
            }
        }
        match std::env::var("USER") {
            Ok(user) if !user.is_empty() => user,
            _ => format!("uid {uid}"),
        }
    }
}

/// Gives each organization and person an event's state links to the own name it had right
/// after the operation that created the event, for a state after that the log did not write
/// but read later (the event as its next change found it, or as it is): a rename since is
/// logged on the organization or person, not on the events that link to it. `next_before`
/// answers, for one of them, the log's JSON of its state before its first change after that
/// operation (`None` when it has not changed since: the name the state holds is right).
pub fn names_after(
    state: &mut EventState,
    mut next_before: impl FnMut(RecordKind, i64) -> Result<Option<String>>,
) -> Result<()> {
    // The own name in the state before its first change after the operation: the log's
    // JSON of that state, from `next_before`.
    let mut name_after = |kind: RecordKind, id: i64| -> Result<Option<String>> {
        let Some(json) = next_before(kind, id)? else {
            return Ok(None);
        };
        match State::from_json(kind, &json) {
            Ok(State::Entity(entity)) => Ok(Some(entity.name)),
            Ok(State::Event(_)) => Ok(None),
            Err(e) => Err(StoreError::Database {
                failure: super::error::Failure::Damaged,
                message: format!("the log's state of {kind} {id}: {e}"),
                inner: None,
            }),
        }
    };
    let mut known: HashMap<(RecordKind, i64), Option<String>> = HashMap::new();
    let mut rename = |kind: RecordKind, named: &mut crate::model::Named| -> Result<()> {
        let name = match known.get(&(kind, named.id)) {
            Some(name) => name.clone(),
            None => {
                let name = name_after(kind, named.id)?;
                known.insert((kind, named.id), name.clone());
                name
            }
        };
        if let Some(name) = name {
            named.name = name;
        }
        Ok(())
    };
    for org in state.organizers.iter_mut().chain(state.partners.iter_mut()) {
        rename(RecordKind::Organization, org)?;
    }
    for p in &mut state.participants {
        rename(RecordKind::Person, &mut p.person)?;
        if let Some(org) = &mut p.organization {
            rename(RecordKind::Organization, org)?;
        }
    }
    Ok(())
}
