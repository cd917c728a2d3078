//! The operation log on this backend: the states of records as the log keeps them (read
//! exactly, and put back exactly by an undo), the log's rows (written in the transaction of
//! the write they record), and its queries. What to log and how to undo is decided above
//! the backends (`crate::store::history`); this reads and writes.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::SqliteStore;
use super::entity::{self, aliases};
use super::summary;
use super::write::{insert_rows, refresh_search};
use crate::model::{
    Change, EntityKind, EntityState, EventState, LastChange, LogFilter, Named, NewOperation,
    Operation, ParticipationState, RecordKind, State, log_time,
};
use crate::store::error::{Failure, Result, StoreError};
use crate::store::history::{self, os_user};
use crate::store::summary::Dirty;
use crate::store::{HistoryTxn, Journal, Undone};

/// A write transaction (or any connection in one), as the log and undo see it.
pub(super) struct Logged<'c>(pub &'c Connection);

/// What gives the log a connection inside a write transaction: [`Logged`], and an import.
pub(super) trait OnConnection {
    fn conn(&self) -> &Connection;
}

impl OnConnection for Logged<'_> {
    fn conn(&self) -> &Connection {
        self.0
    }
}

impl<T: OnConnection> HistoryTxn for T {
    fn state(&mut self, kind: RecordKind, id: i64) -> Result<Option<State>> {
        state(self.conn(), kind, id)
    }

    fn clear_names(&mut self, kind: EntityKind, id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(entity::of(kind).clear_names)?
            .execute([id])?;
        Ok(())
    }

    fn put_entity(&mut self, kind: EntityKind, state: &EntityState) -> Result<()> {
        put_entity(self.conn(), kind, state)
    }

    fn delete_entity(&mut self, kind: EntityKind, id: i64) -> Result<()> {
        self.conn()
            .prepare_cached(entity::of(kind).delete)?
            .execute([id])?;
        Ok(())
    }

    fn put_event(&mut self, state: &EventState) -> Result<()> {
        put_event(self.conn(), state)
    }

    fn delete_event(&mut self, id: i64) -> Result<()> {
        super::write::delete_event(self.conn(), id)
    }

    fn events_using(&mut self, kind: EntityKind, id: i64, limit: usize) -> Result<Vec<i64>> {
        events_using(self.conn(), kind, id, limit)
    }

    fn name_owner(&mut self, kind: EntityKind, name: &str) -> Result<Option<i64>> {
        Ok(entity::find(self.conn(), entity::of(kind), name)?.map(|found| found.id))
    }

    fn key_owner(&mut self, key: &str) -> Result<Option<i64>> {
        super::lookup::event_with_key(self.conn(), key)
    }

    fn operation(&mut self, id: i64) -> Result<Option<Operation>> {
        operation(self.conn(), id, Deferred::Left)
    }

    fn later_on_same_records(&mut self, op: i64) -> Result<Vec<Operation>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(concat!(
            "SELECT ",
            operation_columns!(),
            " FROM operation o
              WHERE o.id IN (SELECT l.operation FROM operation_change c
                               JOIN operation_change l
                                 ON l.kind = c.kind AND l.record = c.record
                                AND l.operation > c.operation
                              WHERE c.operation = ?1)
              ORDER BY o.id"
        ))?;
        let ops = stmt
            .query_map([op], operation_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ops)
    }

    fn newest_not_undone(&mut self) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT max(id) FROM operation WHERE undone_by IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>> {
        last_change(self.conn(), kind, id)
    }

    fn changes_since(
        &mut self,
        kind: RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<LastChange>> {
        let mut stmt = self.conn().prepare_cached(concat!(
            "SELECT ",
            last_change_columns!(),
            " FROM operation o
              WHERE o.id IN (SELECT operation FROM operation_change
                              WHERE kind = ?1 AND record = ?2)
                AND (?3 IS NULL OR o.id > ?3) AND (?4 IS NULL OR o.at > ?4)
              ORDER BY o.id"
        ))?;
        let changes = stmt
            .query_map(
                params![kind.as_str(), id, after, since],
                last_change_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(changes)
    }

    fn set_undone_by(&mut self, op: i64, by: Option<i64>) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("UPDATE operation SET undone_by = ?2 WHERE id = ?1 RETURNING undoes")?
            .query_row(params![op, by], |r| r.get(0))
            .optional()?
            .flatten())
    }

    fn record(&mut self, op: &NewOperation) -> Result<i64> {
        record(self.conn(), op)
    }
}

/// The columns [`operation_from_row`] reads, of `operation o`. A macro so that statements
/// are constants.
macro_rules! operation_columns {
    () => {
        "o.id, o.at, o.user_name, o.os_user, o.command, o.summary, o.undoes, o.undone_by,
         (SELECT count(*) FROM operation_change c WHERE c.operation = o.id)"
    };
}

/// The columns [`last_change_from_row`] reads, of `operation o`.
macro_rules! last_change_columns {
    () => {
        "o.id, o.at, o.user_name, o.os_user, o.command"
    };
}

use {last_change_columns, operation_columns};

fn operation_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Operation> {
    Ok(Operation {
        id: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        os_user: r.get(3)?,
        command: r.get(4)?,
        summary: r.get(5)?,
        undoes: r.get(6)?,
        undone_by: r.get(7)?,
        change_count: r.get::<_, i64>(8)?.try_into().unwrap_or(0),
        changes: Vec::new(),
    })
}

fn last_change_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LastChange> {
    Ok(LastChange {
        operation: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        os_user: r.get(3)?,
        command: r.get(4)?,
    })
}

/// A record as it is now, ids and all; `None` when it is not there.
pub(super) fn state(conn: &Connection, kind: RecordKind, id: i64) -> Result<Option<State>> {
    Ok(match kind.entity() {
        None => event_state(conn, id)?.map(|e| State::Event(Box::new(e))),
        Some(kind) => entity_state(conn, kind, id)?.map(State::Entity),
    })
}

/// An event as stored, with every link, ids included.
pub(super) fn event_state(conn: &Connection, id: i64) -> Result<Option<EventState>> {
    let event = conn
        .prepare_cached(
            "SELECT id, key, title, kind, start_date, end_date, mode, location, region, project,
                    description, source, created_at, updated_at
               FROM event WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(EventState {
                id: r.get(0)?,
                key: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                start: r.get(4)?,
                end: r.get(5)?,
                mode: r.get(6)?,
                location: r.get(7)?,
                region: r.get(8)?,
                project: r.get(9)?,
                description: r.get(10)?,
                source: r.get(11)?,
                created_at: r.get(12)?,
                updated_at: r.get(13)?,
                tags: Vec::new(),
                organizers: Vec::new(),
                partners: Vec::new(),
                sessions: Vec::new(),
                participants: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut event) = event else {
        return Ok(None);
    };
    event.tags = conn
        .prepare_cached("SELECT tag FROM event_tag WHERE event_id = ?1 ORDER BY ord")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT eo.role, eo.organization_id, o.name FROM event_organization eo
           JOIN organization o ON o.id = eo.organization_id
          WHERE eo.event_id = ?1 ORDER BY eo.role, eo.ord",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        let role: String = row.get(0)?;
        let named = Named {
            id: row.get(1)?,
            name: row.get(2)?,
        };
        if role == "organizer" {
            event.organizers.push(named);
        } else {
            event.partners.push(named);
        }
    }
    drop(rows);
    event.sessions = conn
        .prepare_cached("SELECT name FROM session WHERE event_id = ?1 ORDER BY id")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    event.participants = conn
        .prepare_cached(
            "SELECT p.id, p.person_id, pe.name, p.organization_id, o.name, p.position, p.role,
                    s.name, p.contribution, p.head, p.created_at
               FROM participation p
               JOIN person pe ON pe.id = p.person_id
               LEFT JOIN organization o ON o.id = p.organization_id
               LEFT JOIN session s ON s.id = p.session_id
              WHERE p.event_id = ?1 ORDER BY p.id",
        )?
        .query_map([id], |r| {
            let organization: Option<i64> = r.get(3)?;
            Ok(ParticipationState {
                id: r.get(0)?,
                person: Named {
                    id: r.get(1)?,
                    name: r.get(2)?,
                },
                organization: match organization {
                    Some(id) => Some(Named {
                        id,
                        name: r.get(4)?,
                    }),
                    None => None,
                },
                position: r.get(5)?,
                role: r.get(6)?,
                session: r.get(7)?,
                contribution: r.get(8)?,
                head: r.get(9)?,
                created_at: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(event))
}

/// An organization or person as stored: its own name and its aliases.
pub(super) fn entity_state(
    conn: &Connection,
    kind: EntityKind,
    id: i64,
) -> Result<Option<EntityState>> {
    let entity = entity::of(kind);
    let row: Option<(i64, String, String)> = conn
        .prepare_cached(entity.row)?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((id, name, created_at)) = row else {
        return Ok(None);
    };
    let aliases = aliases(conn, entity, id, &name)?;
    Ok(Some(EntityState {
        id,
        name,
        aliases,
        created_at,
    }))
}

/// Puts an organization or person back as `state` has it (its names cleared before).
fn put_entity(conn: &Connection, kind: EntityKind, state: &EntityState) -> Result<()> {
    let entity = entity::of(kind);
    conn.prepare_cached(entity.put)?
        .execute(params![state.id, state.name, state.created_at])?;
    // A name another's now was refused before anything was written
    // (`history::refuse_names_taken`); the unique index stays the last guard.
    for name in std::iter::once(&state.name).chain(&state.aliases) {
        conn.prepare_cached(entity.insert_name)?.execute(params![
            crate::model::name_key(name),
            state.id,
            name
        ])?;
    }
    Ok(())
}

/// Puts an event back as `state` has it: its row with every field and time stamp, its tags,
/// organizers and partners in order, its sessions anew in order, its participations with
/// their ids; its search text.
fn put_event(conn: &Connection, state: &EventState) -> Result<()> {
    // A key another event's now was refused before anything was written
    // (`history::refuse_names_taken`); the unique index stays the last guard.
    // An UPDATE where the event is there, an INSERT where not; not an upsert, whose
    // conflict clause would override the `OR IGNORE` of the trigger that retires the key it
    // replaces (a key taken back by an undo is retired again by its redo).
    let there = conn
        .prepare_cached("SELECT 1 FROM event WHERE id = ?1")?
        .exists([state.id])?;
    let sql = if there {
        "UPDATE event SET key = ?2, title = ?3, kind = ?4, start_date = ?5, end_date = ?6,
                mode = ?7, location = ?8, region = ?9, project = ?10, description = ?11,
                source = ?12, created_at = ?13, updated_at = ?14, title_key = events_key(?3)
          WHERE id = ?1"
    } else {
        "INSERT INTO event (id, key, title, kind, start_date, end_date, mode, location, region,
                            project, description, source, created_at, updated_at, title_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, events_key(?3))"
    };
    conn.prepare_cached(sql)?.execute(params![
        state.id,
        state.key,
        state.title,
        state.kind,
        state.start,
        state.end,
        state.mode,
        state.location,
        state.region,
        state.project,
        state.description,
        state.source,
        state.created_at,
        state.updated_at,
    ])?;
    let id = state.id;
    // Everything linked goes, and comes back as the state has it: participations first (a
    // delegation never has two heads on the way), sessions anew in their order.
    for sql in [
        "DELETE FROM participation WHERE event_id = ?1",
        "DELETE FROM session WHERE event_id = ?1",
        "DELETE FROM event_tag WHERE event_id = ?1",
        "DELETE FROM event_organization WHERE event_id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([id])?;
    }
    let mut tag =
        conn.prepare_cached("INSERT INTO event_tag (event_id, ord, tag) VALUES (?1, ?2, ?3)")?;
    for (ord, t) in state.tags.iter().enumerate() {
        tag.execute(params![id, ord as i64, t])?;
    }
    let mut org = conn.prepare_cached(
        "INSERT INTO event_organization (event_id, role, ord, organization_id)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (role, list) in [
        ("organizer", &state.organizers),
        ("partner", &state.partners),
    ] {
        for (ord, o) in list.iter().enumerate() {
            org.execute(params![id, role, ord as i64, o.id])?;
        }
    }
    let mut sessions: Vec<(String, i64)> = Vec::with_capacity(state.sessions.len());
    let mut session =
        conn.prepare_cached("INSERT INTO session (event_id, name, name_key) VALUES (?1, ?2, ?3)")?;
    for name in &state.sessions {
        session.execute(params![id, name, crate::model::name_key(name)])?;
        sessions.push((name.clone(), conn.last_insert_rowid()));
    }
    let mut participation = conn.prepare_cached(
        "INSERT INTO participation (id, event_id, person_id, organization_id, position, role,
                                    session_id, contribution, created_at, head)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for p in &state.participants {
        let session = p.session.as_ref().and_then(|s| {
            sessions
                .iter()
                .find(|(name, _)| name == s)
                .map(|(_, id)| *id)
        });
        participation.execute(params![
            p.id,
            id,
            p.person.id,
            p.organization.as_ref().map(|o| o.id),
            p.position,
            p.role,
            session,
            p.contribution,
            p.created_at,
            p.head,
        ])?;
    }
    refresh_search(conn, id)
}

/// The events that link to an organization or person now, the first `limit` by id.
pub(super) fn events_using(
    conn: &Connection,
    kind: EntityKind,
    id: i64,
    limit: usize,
) -> Result<Vec<i64>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    Ok(conn
        .prepare_cached(entity::of(kind).events_using)?
        .query_map(params![id, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether the states after that the log did not write (an import's created events) are
/// read (`log`, `log show`) or left out (an undo, which reads only the states before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deferred {
    Read,
    Left,
}

fn operation(conn: &Connection, id: i64, deferred: Deferred) -> Result<Option<Operation>> {
    let op = conn
        .prepare_cached(concat!(
            "SELECT ",
            operation_columns!(),
            " FROM operation o WHERE o.id = ?1"
        ))?
        .query_row([id], operation_from_row)
        .optional()?;
    match op {
        Some(mut op) => {
            op.changes = changes(conn, op.id, deferred)?;
            Ok(Some(op))
        }
        None => Ok(None),
    }
}

/// The changes of operation `op`, in order.
fn changes(conn: &Connection, op: i64, deferred: Deferred) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, record, label, before, after FROM operation_change
          WHERE operation = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([op])?;
    let mut changes = Vec::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let kind: String = row.get(1)?;
        let damaged = |what: String| StoreError::Database {
            failure: Failure::Damaged,
            message: format!("change {seq} of operation {op} in the log: {what}"),
            inner: None,
        };
        let kind = RecordKind::parse(&kind).ok_or_else(|| damaged(format!("kind {kind:?}")))?;
        let state = |text: Option<String>| -> Result<Option<State>> {
            match text {
                None => Ok(None),
                Some(text) => State::from_json(kind, &text)
                    .map(Some)
                    .map_err(|e| damaged(e.to_string())),
            }
        };
        let record: i64 = row.get(2)?;
        let before = state(row.get(4)?)?;
        let mut after = state(row.get(5)?)?;
        if before.is_none() && after.is_none() && deferred == Deferred::Read {
            after = deferred_after(conn, kind, record, op)?;
        }
        changes.push(Change {
            kind,
            id: record,
            label: row.get(3)?,
            before,
            after,
        });
    }
    Ok(changes)
}

/// The state after operation `op` of a record it created and whose state after it did not
/// write (an import's events: a change with neither state): the state before the record's
/// next change, else the record as it is now. Every change of a record is logged, so the
/// two are the same.
fn deferred_after(
    conn: &Connection,
    kind: RecordKind,
    record: i64,
    op: i64,
) -> Result<Option<State>> {
    let mut found = match next_before(conn, kind, record, op)? {
        Some(json) => Some(
            State::from_json(kind, &json).map_err(|e| StoreError::Database {
                failure: Failure::Damaged,
                message: format!("the log's state of {kind} {record}: {e}"),
                inner: None,
            })?,
        ),
        None => state(conn, kind, record)?,
    };
    if let Some(State::Event(event)) = &mut found {
        // The names of what it links to, as they were right after the operation.
        history::names_after(event, |kind, id| next_before(conn, kind, id, op))?;
    }
    Ok(found)
}

/// The log's JSON of a record's state before its first change after operation `op`, if
/// one changed it since (and it was there before that change).
fn next_before(conn: &Connection, kind: RecordKind, id: i64, op: i64) -> Result<Option<String>> {
    let before: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT before FROM operation_change
              WHERE kind = ?1 AND record = ?2 AND operation > ?3
              ORDER BY operation LIMIT 1",
        )?
        .query_row(params![kind.as_str(), id, op], |r| r.get(0))
        .optional()?;
    Ok(before.flatten())
}

/// The newest operation that changed the record, if any.
fn last_change(conn: &Connection, kind: RecordKind, id: i64) -> Result<Option<LastChange>> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT ",
            last_change_columns!(),
            " FROM operation o
              WHERE o.id = (SELECT max(operation) FROM operation_change
                             WHERE kind = ?1 AND record = ?2)"
        ))?
        .query_row(params![kind.as_str(), id], last_change_from_row)
        .optional()?)
}

/// Writes an operation to the log, stamped now and with the OS user; returns its id.
pub(super) fn record(conn: &Connection, op: &NewOperation) -> Result<i64> {
    let id = insert_operation(conn, &op.command, &op.summary, op.undoes)?;
    let mut change = conn.prepare_cached(INSERT_CHANGE)?;
    for (seq, c) in op.changes.iter().enumerate() {
        change.execute(params![
            id,
            seq as i64,
            c.kind.as_str(),
            c.id,
            c.label,
            c.before.as_ref().map(State::to_json),
            c.after.as_ref().map(State::to_json),
        ])?;
    }
    insert_organizations(conn, id, op.organizations.iter().copied())?;
    // The summaries follow every write, in its transaction.
    summary::refresh(conn, &Dirty::of(&op.changes))?;
    Ok(id)
}

/// `?1` operation, `?2` seq, `?3` kind, `?4` record, `?5` label, `?6` before, `?7` after.
pub(super) const INSERT_CHANGE: &str =
    "INSERT INTO operation_change (operation, seq, kind, record, label, before, after)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// The row of an operation, stamped now and with the OS user.
pub(super) fn insert_operation(
    conn: &Connection,
    command: &str,
    summary: &str,
    undoes: Option<i64>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO operation (at, user_name, os_user, command, summary, undoes)
         VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
    )?
    .execute(params![
        log_time(chrono::Utc::now()),
        os_user(),
        command,
        summary,
        undoes
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Notes the organizations an operation touched (for `log --org`).
pub(super) fn insert_organizations(
    conn: &Connection,
    op: i64,
    organizations: impl IntoIterator<Item = i64>,
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO operation_organization (organization, operation) VALUES (?1, ?2)",
    )?;
    for org in organizations {
        insert.execute(params![org, op])?;
    }
    Ok(())
}

/// Logs what `journal` collected as one operation, if it changed anything; returns its id.
pub(super) fn log(conn: &Connection, journal: Journal) -> Result<Option<i64>> {
    match journal.finish(None) {
        Some(op) => Ok(Some(record(conn, &op)?)),
        None => Ok(None),
    }
}

/// A record's state before a write's first change to it, in `journal`.
pub(super) fn before(
    conn: &Connection,
    journal: &mut Journal,
    kind: RecordKind,
    id: i64,
) -> Result<()> {
    if !journal.touched(kind, id) {
        journal.before(kind, id, state(conn, kind, id)?);
    }
    Ok(())
}

/// A record's state as the write leaves it, in `journal`.
pub(super) fn after(
    conn: &Connection,
    journal: &mut Journal,
    kind: RecordKind,
    id: i64,
) -> Result<()> {
    journal.after(kind, id, state(conn, kind, id)?);
    Ok(())
}

/// The organizations and people a write created (from [`super::names::Names::created`]),
/// as it leaves them, in `journal`, in the order created.
pub(super) fn created(
    conn: &Connection,
    journal: &mut Journal,
    created: &[(EntityKind, Named)],
) -> Result<()> {
    for (kind, named) in created {
        journal.before((*kind).into(), named.id, None);
        after(conn, journal, (*kind).into(), named.id)?;
    }
    Ok(())
}

/// An import's log, written as the import goes, so that a large import holds no record's
/// state in memory. The events, organizations and people it creates go to the log as they
/// are inserted, their states built from what was inserted (never read back), under an
/// operation row made for the first. An event there before goes to the log at its first
/// change, with its state before (read then); its state after is read at the commit. An
/// organization or person created and changed again (given an alias, merged into another)
/// has its state after read again at the commit. The organizations and people there before
/// that it changes (few) are collected in the import's [`Journal`]: the state before read
/// before the first change, and after read at the commit.
/// [`ImportLog::finish`] completes the operation before the commit; nothing is logged when
/// nothing changed.
#[derive(Default)]
pub(super) struct ImportLog {
    /// The operation's row, once made.
    op: Option<i64>,
    /// The next change's place in the operation.
    next_seq: i64,
    /// The place of each record of the journal, kept from its first change.
    seqs: HashMap<(RecordKind, i64), i64>,
    /// How many events were created, in the log. Which they are, the log says (a row with
    /// no state before), not a set in memory that would grow with the file.
    created: usize,
    /// How many organizations and people were created, in the log (organizations first).
    entities_created: [usize; 2],
    /// Of those, the ones changed again since (their state after is read at the commit).
    restream_entities: BTreeSet<(RecordKind, i64)>,
    /// Of those, the ones changed again since (their state after is read at the commit).
    restream: BTreeSet<i64>,
    /// The events there before and changed, in the log with their state before.
    changed: BTreeSet<i64>,
    /// The records of the journal whose state after is read at the commit.
    reread: BTreeSet<(RecordKind, i64)>,
    /// The organizations the events in the log link to (for `log --org`): a hash set, as
    /// each event of the import adds its nine or so (sorted once, at the end).
    organizations: HashSet<i64, foldhash::fast::RandomState>,
    /// Where an event's JSON is written, again and again.
    json: Vec<u8>,
    /// What the import changed that the summaries depend on, refreshed at the end: the
    /// events it created as it built them, the state before of each event it changed
    /// (counted out) and the state after (counted in, at the end).
    dirty: Dirty,
    /// The organizations and people the created events link to, as met (many, for a large
    /// import): dirty too.
    created_links: (Vec<i64>, Vec<i64>),
    /// The rows of created records not written yet (place, kind, id, label, state after:
    /// an event's is read at the end, an organization's or person's is its first): written
    /// several a statement, and all before the log is read.
    pending: Vec<(i64, &'static str, i64, String, Option<String>)>,
}

/// How many created events' rows [`ImportLog`] writes at a time.
const PENDING_ROWS: usize = 64;

/// Takes the repeats out of a list of ids met (sorting it) once it fills two thirds of its
/// room, and makes room for as many again: it holds at most about twice as many ids as there
/// are records linked to, not one per link met, so an import's memory does not grow with its
/// file (a million events link to nine million organizations and people, with repeats).
fn compact(ids: &mut Vec<i64>) {
    const FLOOR: usize = 1 << 16;
    if ids.len() >= FLOOR && ids.len() >= 2 * ids.capacity() / 3 {
        ids.sort_unstable();
        ids.dedup();
        // Room to grow to twice the distinct ids before the next pass.
        ids.reserve(ids.len().max(FLOOR));
    }
}

impl ImportLog {
    fn place(&mut self) -> i64 {
        self.next_seq += 1;
        self.next_seq - 1
    }

    fn operation(&mut self, conn: &Connection, command: &str) -> Result<i64> {
        match self.op {
            Some(op) => Ok(op),
            None => {
                // Its time, summary and command are set by `finish`.
                let op = insert_operation(conn, command, "", None)?;
                self.op = Some(op);
                Ok(op)
            }
        }
    }

    fn note_organizations(&mut self, state: &EventState) {
        self.organizations.extend(state.organization_ids());
    }

    /// Writes the change of an event there before to the log, with its state before (its
    /// state after is read at the commit). A created event's row has neither: its state
    /// after is the state its next change finds, or the event as it is (see
    /// `deferred_after`); an import's log would otherwise hold every event it created a
    /// second time.
    fn write_event(
        &mut self,
        conn: &Connection,
        journal: &Journal,
        state: &EventState,
    ) -> Result<()> {
        let op = self.operation(conn, journal.command())?;
        let seq = self.place();
        self.note_organizations(state);
        // The same bytes as `State::to_json` (an untagged enum writes what it holds), into
        // one buffer for the whole import.
        self.json.clear();
        serde_json::to_writer(&mut self.json, state).map_err(|e| StoreError::Database {
            failure: Failure::Other,
            message: format!("event {} for the log: {e}", state.id),
            inner: None,
        })?;
        // serde_json writes UTF-8.
        let json = std::str::from_utf8(&self.json).unwrap_or_default();
        conn.prepare_cached(INSERT_CHANGE)?.execute(params![
            op,
            seq,
            RecordKind::Event.as_str(),
            state.id,
            state.title,
            Some(json),
            None::<&str>
        ])?;
        Ok(())
    }

    /// An event the import created, as it inserted it: written to the log now, or with
    /// the next few (its row has no state: see `write_event`).
    pub(super) fn event_created(
        &mut self,
        conn: &Connection,
        journal: &Journal,
        state: &EventState,
    ) -> Result<()> {
        self.dirty.groups(state, 1);
        self.created_links.0.extend(state.organization_ids());
        self.created_links
            .1
            .extend(state.participants.iter().map(|p| p.person.id));
        for ids in [&mut self.created_links.0, &mut self.created_links.1] {
            compact(ids);
        }
        self.operation(conn, journal.command())?;
        let seq = self.place();
        self.note_organizations(state);
        let row = (
            seq,
            RecordKind::Event.as_str(),
            state.id,
            state.title.clone(),
            None,
        );
        self.pend(conn, row)?;
        self.created += 1;
        Ok(())
    }

    /// An organization or person the import created, as it created it: written to the log
    /// with the next few (an import may create tens of thousands).
    pub(super) fn entity_created(
        &mut self,
        conn: &Connection,
        journal: &Journal,
        kind: EntityKind,
        named: &Named,
        created_at: &str,
    ) -> Result<()> {
        self.operation(conn, journal.command())?;
        let seq = self.place();
        if kind == EntityKind::Organization {
            self.organizations.insert(named.id);
        }
        let state = State::Entity(EntityState {
            id: named.id,
            name: named.name.clone(),
            aliases: Vec::new(),
            created_at: created_at.to_string(),
        });
        let row = (
            seq,
            RecordKind::from(kind).as_str(),
            named.id,
            named.name.clone(),
            Some(state.to_json()),
        );
        self.pend(conn, row)?;
        self.entities_created[entity_slot(kind)] += 1;
        // Its summary is made at the end (with no events, if none links to it).
        self.dirty.entity(kind.into(), named.id);
        Ok(())
    }

    /// A created record's row, to be written with the next few.
    fn pend(
        &mut self,
        conn: &Connection,
        row: (i64, &'static str, i64, String, Option<String>),
    ) -> Result<()> {
        self.pending.push(row);
        if self.pending.len() >= PENDING_ROWS {
            self.write_pending(conn)?;
        }
        Ok(())
    }

    /// Writes the rows of created records that wait.
    fn write_pending(&mut self, conn: &Connection) -> Result<()> {
        let (Some(op), false) = (self.op, self.pending.is_empty()) else {
            return Ok(());
        };
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(self.pending.len() * 6);
        for (seq, kind, id, label, after) in &self.pending {
            values.extend([&op as &dyn ToSql, seq, kind, id, label, after]);
        }
        insert_rows(
            conn,
            "operation_change (operation, seq, kind, record, label, after)",
            6,
            &values,
        )?;
        self.pending.clear();
        Ok(())
    }

    /// Whether the import created this record: it is in the log, and was not touched
    /// before (see `touch`: a record there before is in the log once touched).
    fn created_here(&self, conn: &Connection, kind: RecordKind, id: i64) -> Result<bool> {
        let Some(op) = self.op else {
            return Ok(false);
        };
        Ok(conn
            .prepare_cached(
                "SELECT 1 FROM operation_change WHERE kind = ?2 AND record = ?3 AND operation = ?1",
            )?
            .query_row(params![op, kind.as_str(), id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// A record the import is about to change: its state before, if this is the first
    /// change; its state after is read at the commit.
    pub(super) fn touch(
        &mut self,
        conn: &Connection,
        journal: &mut Journal,
        kind: RecordKind,
        id: i64,
    ) -> Result<()> {
        // What follows may read the log.
        self.write_pending(conn)?;
        if kind == RecordKind::Event {
            if self.restream.contains(&id) || self.changed.contains(&id) {
                return Ok(());
            }
            if self.created_here(conn, kind, id)? {
                // Counted in as created; counted out as it is now, and in again as it is
                // left.
                if let Some(now) = event_state(conn, id)? {
                    self.dirty.event(&now, -1);
                }
                self.restream.insert(id);
            } else if let Some(before) = event_state(conn, id)? {
                self.write_event(conn, journal, &before)?;
                self.dirty.event(&before, -1);
                self.changed.insert(id);
            }
            return Ok(());
        }
        if self.restream_entities.contains(&(kind, id)) {
            return Ok(());
        }
        if !journal.touched(kind, id) {
            // One the import created is in the log already: its state after is read again.
            if self.created_here(conn, kind, id)? {
                self.restream_entities.insert((kind, id));
                return Ok(());
            }
            let seq = self.place();
            self.seqs.insert((kind, id), seq);
            journal.before(kind, id, state(conn, kind, id)?);
        }
        self.reread.insert((kind, id));
        Ok(())
    }

    /// Completes the operation: the states after of what changed since it was written or
    /// first changed, the changes of the journal, the organizations, the summary and the
    /// time. Nothing when nothing changed. `counted`: every summary, if the import counted
    /// them as it wrote (see [`summary::Counting`]).
    pub(super) fn finish(
        mut self,
        conn: &Connection,
        mut journal: Journal,
        counted: Option<summary::Recount>,
    ) -> Result<()> {
        self.write_pending(conn)?;
        let mut tally: HashMap<(RecordKind, &'static str), usize> = HashMap::new();
        if self.created > 0 {
            tally.insert((RecordKind::Event, "created"), self.created);
        }
        if let Some(op) = self.op {
            // The label is the event's title as the import leaves it (as before, if removed).
            let mut update = conn.prepare_cached(
                "UPDATE operation_change SET label = coalesce(?4, label), after = ?5
                  WHERE kind = ?2 AND record = ?3 AND operation = ?1",
            )?;
            let mut relabel = conn.prepare_cached(
                "UPDATE operation_change SET label = ?4
                  WHERE kind = ?2 AND record = ?3 AND operation = ?1",
            )?;
            for id in std::mem::take(&mut self.restream) {
                // An event the import created is there still: nothing it does removes one.
                // Its state after stays unwritten; its label is its title as it is left.
                if let Some(state) = event_state(conn, id)? {
                    self.note_organizations(&state);
                    self.dirty.event(&state, 1);
                    relabel.execute(params![op, RecordKind::Event.as_str(), id, state.title])?;
                }
            }
            let mut before = conn.prepare_cached(
                "SELECT before FROM operation_change
                  WHERE kind = ?2 AND record = ?3 AND operation = ?1",
            )?;
            let mut same = conn.prepare_cached(
                "DELETE FROM operation_change WHERE kind = ?2 AND record = ?3 AND operation = ?1",
            )?;
            for id in std::mem::take(&mut self.changed) {
                let after = event_state(conn, id)?;
                if let Some(state) = &after {
                    self.note_organizations(state);
                    self.dirty.event(state, 1);
                }
                let label = after.as_ref().map(|e| e.title.clone());
                let after = after.map(|e| State::Event(Box::new(e)).to_json());
                let was: Option<String> =
                    before.query_row(params![op, RecordKind::Event.as_str(), id], |r| r.get(0))?;
                if after == was {
                    same.execute(params![op, RecordKind::Event.as_str(), id])?;
                    continue;
                }
                let verb = if after.is_some() {
                    "changed"
                } else {
                    "removed"
                };
                *tally.entry((RecordKind::Event, verb)).or_default() += 1;
                update.execute(params![op, RecordKind::Event.as_str(), id, label, after])?;
            }
            for (kind, id) in std::mem::take(&mut self.restream_entities) {
                // Created, then changed: as it is left; merged into another, no change at all.
                match state(conn, kind, id)? {
                    None => {
                        same.execute(params![op, kind.as_str(), id])?;
                        if let Some(kind) = kind.entity() {
                            self.entities_created[entity_slot(kind)] -= 1;
                        }
                    }
                    Some(after) => {
                        update.execute(params![
                            op,
                            kind.as_str(),
                            id,
                            after.label(),
                            after.to_json()
                        ])?;
                    }
                }
            }
        }
        for (kind, n) in [EntityKind::Organization, EntityKind::Person]
            .into_iter()
            .map(|kind| (kind, self.entities_created[entity_slot(kind)]))
        {
            if n > 0 {
                tally.insert((kind.into(), "created"), n);
            }
        }
        for (kind, id) in std::mem::take(&mut self.reread) {
            after(conn, &mut journal, kind, id)?;
        }
        let subject = journal.subject().map(str::to_string);
        let command = journal.command().to_string();
        if let Some(finished) = journal.finish(None) {
            let op = self.operation(conn, &command)?;
            let mut insert = conn.prepare_cached(INSERT_CHANGE)?;
            for c in &finished.changes {
                *tally.entry((c.kind, c.verb())).or_default() += 1;
                let seq = match self.seqs.get(&(c.kind, c.id)) {
                    Some(&seq) => seq,
                    None => self.place(),
                };
                insert.execute(params![
                    op,
                    seq,
                    c.kind.as_str(),
                    c.id,
                    c.label,
                    c.before.as_ref().map(State::to_json),
                    c.after.as_ref().map(State::to_json),
                ])?;
            }
            self.organizations.extend(finished.organizations);
            self.dirty.extend(Dirty::of(&finished.changes));
        }
        let (mut organizations, mut people) = std::mem::take(&mut self.created_links);
        for ids in [&mut organizations, &mut people] {
            ids.sort_unstable();
            ids.dedup();
        }
        self.dirty.organizations.extend(organizations);
        self.dirty.people.extend(people);
        summary::refresh_counted(conn, &std::mem::take(&mut self.dirty), counted)?;
        let Some(op) = self.op else {
            return Ok(());
        };
        let total: usize = tally.values().sum();
        if total == 0 {
            // Nothing changed after all: no operation, and its id is given again.
            conn.execute("DELETE FROM operation WHERE id = ?1", [op])?;
            conn.execute(
                "UPDATE sqlite_sequence SET seq = ?1 - 1 WHERE name = 'operation' AND seq = ?1",
                [op],
            )?;
            return Ok(());
        }
        let mut organizations: Vec<i64> = std::mem::take(&mut self.organizations)
            .into_iter()
            .collect();
        organizations.sort_unstable();
        insert_organizations(conn, op, organizations)?;
        let summary = if total == 1 {
            // One change: said as every write says it, from its states.
            history::summary(subject.as_deref(), &changes(conn, op, Deferred::Read)?)
        } else {
            history::count_summary(subject.as_deref(), &tally)
        };
        conn.prepare_cached(
            "UPDATE operation SET at = ?2, command = ?3, summary = ?4 WHERE id = ?1",
        )?
        .execute(params![op, log_time(chrono::Utc::now()), command, summary])?;
        if cfg!(debug_assertions) {
            // What was logged from what was written must be what is read, byte for byte (the
            // tests run a debug build). One change at a time: an import may log a million.
            let mut stmt = conn.prepare(
                "SELECT kind, record, after FROM operation_change
                  WHERE operation = ?1 AND (before IS NOT NULL OR after IS NOT NULL)",
            )?;
            let mut rows = stmt.query([op])?;
            while let Some(row) = rows.next()? {
                let kind: String = row.get(0)?;
                let id: i64 = row.get(1)?;
                let logged: Option<String> = row.get(2)?;
                let Some(kind) = RecordKind::parse(&kind) else {
                    continue;
                };
                let now = state(conn, kind, id)?.map(|s| s.to_json());
                assert_eq!(
                    logged, now,
                    "the import logged a state of {kind} {id} that differs from the one stored"
                );
            }
        }
        Ok(())
    }
}

/// Where an entity kind's count is kept in [`ImportLog`].
fn entity_slot(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Organization => 0,
        EntityKind::Person => 1,
    }
}

impl SqliteStore {
    pub(super) fn log(&mut self, filter: &LogFilter) -> Result<Vec<Operation>> {
        let limit = filter
            .limit
            .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut ops: Vec<Operation> = self
            .conn
            .prepare_cached(concat!(
                "SELECT ",
                operation_columns!(),
                " FROM operation o
                  WHERE (?1 IS NULL OR o.id IN (SELECT operation FROM operation_change
                                                 WHERE kind = 'event' AND record = ?1))
                    AND (?2 IS NULL OR o.id IN (SELECT operation FROM operation_organization
                                                 WHERE organization = ?2))
                    AND (?3 IS NULL OR o.at >= ?3)
                    AND (?4 IS NULL OR o.at < ?4)
                    AND (?5 IS NULL OR lower(o.user_name) = lower(?5)
                         OR lower(o.os_user) = lower(?5))
                  ORDER BY o.id DESC LIMIT ?6"
            ))?
            .query_map(
                params![
                    filter.event,
                    filter.organization,
                    filter.since,
                    filter.until,
                    filter.user,
                    limit
                ],
                operation_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        if filter.changes {
            for op in &mut ops {
                op.changes = changes(&self.conn, op.id, Deferred::Read)?;
            }
        }
        Ok(ops)
    }

    pub(super) fn operation(&mut self, id: i64) -> Result<Option<Operation>> {
        operation(&self.conn, id, Deferred::Read)
    }

    pub(super) fn removed_event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT record FROM operation_change
                  WHERE kind = 'event' AND before IS NOT NULL AND after IS NULL
                    AND json_extract(before, '$.key') = ?1
                  ORDER BY operation DESC LIMIT 1",
            )?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>> {
        last_change(&self.conn, kind, id)
    }

    /// Reverts operation `op` (the newest not undone, for `None`) in one transaction.
    pub(super) fn undo(&mut self, op: Option<i64>) -> Result<Undone> {
        let tx = self.write()?;
        let undone = history::undo(&mut Logged(&tx), op)?;
        tx.commit()?;
        Ok(undone)
    }

    pub(super) fn log_count_before(&mut self, before: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM operation WHERE at < ?1",
            [before],
            |r| r.get(0),
        )?;
        Ok(n.try_into().unwrap_or(0))
    }

    /// Drops the operations from before `before`, their changes with them (the foreign
    /// keys cascade); an undo of one that stays no longer names it.
    pub(super) fn prune_log(&mut self, before: &str) -> Result<u64> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM operation WHERE at < ?1", [before])?;
        tx.commit()?;
        Ok(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AliasRecord, EventFilter, NewParticipant, test_event};
    use crate::store::{ListsChanged, Outcome, SessionEdit, Store};

    fn store() -> SqliteStore {
        SqliteStore::open_in_memory().unwrap()
    }

    /// Everything a user can see of the records (and the ids of participations), as text;
    /// the log aside. Sessions by name: an undo may give them new ids.
    fn snapshot(store: &mut SqliteStore) -> String {
        let mut out = String::new();
        let tables = [
            "SELECT * FROM event ORDER BY id",
            "SELECT * FROM event_tag ORDER BY event_id, ord",
            "SELECT * FROM event_organization ORDER BY event_id, role, ord",
            "SELECT event_id, name, name_key FROM session ORDER BY event_id, id",
            "SELECT p.id, p.event_id, person_id, organization_id, position, role, s.name,
                    contribution, created_at, head
               FROM participation p LEFT JOIN session s ON s.id = p.session_id ORDER BY p.id",
            "SELECT * FROM organization ORDER BY id",
            "SELECT * FROM organization_name ORDER BY name_key",
            "SELECT * FROM person ORDER BY id",
            "SELECT * FROM person_name ORDER BY name_key",
            "SELECT rowid, * FROM event_fts WHERE event_fts MATCH 'a OR b OR c OR x OR day'",
        ];
        for sql in tables {
            let mut stmt = store.conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let values: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                out.push_str(&values.join("|"));
                out.push('\n');
            }
            out.push_str("--\n");
        }
        let events = Store::list_events(store, &EventFilter::default()).unwrap();
        out.push_str(&format!("{events:?}\n"));
        out.push_str(&format!(
            "{:?}\n",
            Store::organizations(store, None).unwrap()
        ));
        let mut people = Vec::new();
        Store::people(store, None, &mut |p| {
            people.push(p);
            Ok(())
        })
        .unwrap();
        out.push_str(&format!("{people:?}\n"));
        out
    }

    /// Each created or changed record of the last operation is, after it, as read now.
    fn assert_after_states_read_back(store: &mut SqliteStore) {
        let newest = Logged(&store.conn).newest_not_undone().unwrap().unwrap();
        let op = Store::operation(store, newest).unwrap().unwrap();
        assert!(!op.changes.is_empty());
        for change in &op.changes {
            let now = state(&store.conn, change.kind, change.id).unwrap();
            assert_eq!(change.after, now, "{} {}", change.kind, change.id);
        }
    }

    fn participant(json: &str) -> NewParticipant {
        let event = test_event(&format!(
            r#"{{"title": "T", "start": "2021-01-01", "participants": [{json}]}}"#
        ));
        event.participants[0].clone()
    }

    const RICH: &str = r#"{"key": "rich", "title": "Rich", "start": "2021-03-16",
        "end": "2021-03-18", "kind": "seminar", "mode": "hybrid", "location": "Vienna",
        "region": "Europe", "project": "P", "description": "D", "source": "S",
        "tags": ["x", "a"], "organizers": ["AU", "African Union", "Zeta"],
        "partners": ["Beta"], "sessions": ["Day 1", "day 1", "Day 2"],
        "participants": [
            {"name": "Ann", "organization": "au", "role": "delegate", "head": true,
             "session": "DAY 1"},
            {"name": "Bob", "organization": "Beta", "session": "Day 3"},
            {"name": "Ann", "organization": "AU", "role": "Delegate"},
            {"name": "Cy"}
        ]}"#;

    #[test]
    fn the_state_an_insert_builds_is_the_state_read() {
        let mut s = store();
        Store::add_event(
            &mut s,
            &test_event(
                r#"{"title": "Old", "start": "2020-01-01", "organizers": ["African Union"]}"#,
            ),
        )
        .unwrap();
        Store::add_alias(&mut s, EntityKind::Organization, "African Union", "AU").unwrap();
        let id = Store::add_event(&mut s, &test_event(RICH)).unwrap().id;
        assert_after_states_read_back(&mut s);
        let op = Store::log(
            &mut s,
            &LogFilter {
                event: Some(id),
                changes: true,
                ..LogFilter::default()
            },
        )
        .unwrap();
        assert_eq!(op.len(), 1);
        assert_eq!(op[0].command, "add-event");
        // The event, then the organizations and people it created.
        let kinds: Vec<(RecordKind, &str)> =
            op[0].changes.iter().map(|c| (c.kind, c.verb())).collect();
        assert_eq!(
            kinds,
            [
                (RecordKind::Event, "created"),
                (RecordKind::Organization, "created"),
                (RecordKind::Organization, "created"),
                (RecordKind::Person, "created"),
                (RecordKind::Person, "created"),
                (RecordKind::Person, "created"),
            ]
        );
    }

    #[test]
    fn an_import_logs_one_operation_with_states_as_read() {
        let mut s = store();
        Store::add_event(
            &mut s,
            &test_event(
                r#"{"key": "old", "title": "Old", "start": "2020-01-01",
                            "organizers": ["African Union"]}"#,
            ),
        )
        .unwrap();
        let before = snapshot(&mut s);
        let mut import = Store::begin_import(&mut s).unwrap();
        import.describe("import", Some("file.json".to_string()));
        assert_eq!(
            import.apply(&test_event(RICH), 1, &[]).unwrap(),
            Outcome::Created
        );
        let second = test_event(
            r#"{"key": "two", "title": "Two", "start": "2021-05-01",
                "organizers": ["Gamma"], "participants": [{"name": "Dee", "organization": "G."}]}"#,
        );
        assert_eq!(import.apply(&second, 2, &[]).unwrap(), Outcome::Created);
        let old = test_event(
            r#"{"key": "old", "title": "Old, renamed", "start": "2020-01-01",
                "organizers": ["African Union"], "participants": [{"name": "Ann"}]}"#,
        );
        assert_eq!(import.apply(&old, 3, &[]).unwrap(), Outcome::Updated);
        // "G." was made an organization of its own: an alias record makes it Gamma's.
        import
            .apply_aliases(&AliasRecord {
                organization: Some("Gamma".into()),
                person: None,
                aliases: vec!["G.".into(), "Gam".into()],
            })
            .unwrap()
            .unwrap();
        import.commit().unwrap();
        assert_after_states_read_back(&mut s);
        let ops = Store::log(&mut s, &LogFilter::default()).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].command, "import");
        assert_eq!(
            ops[0].summary,
            "file.json: events: 2 created, 1 changed; 3 organizations created; 4 people created"
        );
        let after = snapshot(&mut s);
        // Undone as a whole; and redone.
        let undone = Store::undo(&mut s, None).unwrap();
        assert_eq!(undone.reverted.id, ops[0].id);
        assert_eq!(snapshot(&mut s), before);
        Store::undo(&mut s, None).unwrap();
        assert_eq!(snapshot(&mut s), after);
    }

    #[test]
    fn an_import_of_one_new_event_is_described() {
        let mut s = store();
        let mut import = Store::begin_import(&mut s).unwrap();
        import
            .apply(
                &test_event(r#"{"title": "One", "start": "2021-01-01"}"#),
                1,
                &[],
            )
            .unwrap();
        import.commit().unwrap();
        let ops = Store::log(&mut s, &LogFilter::default()).unwrap();
        assert_eq!(ops[0].summary, r#"event 1 "One" created"#);
        // One that changes nothing logs nothing.
        let mut import = Store::begin_import(&mut s).unwrap();
        import
            .apply(
                &test_event(r#"{"key": "2021-01-01-one", "title": "One", "start": "2021-01-01"}"#),
                1,
                &[],
            )
            .unwrap();
        import.commit().unwrap();
        assert_eq!(Store::log(&mut s, &LogFilter::default()).unwrap().len(), 1);
    }

    /// Each write, undone, gives back exactly what was there; undone again, what it made.
    #[test]
    fn every_write_is_undone_exactly_and_redone() {
        let mut s = store();
        let id = Store::add_event(&mut s, &test_event(RICH)).unwrap().id;
        let other = Store::add_event(
            &mut s,
            &test_event(
                r#"{"title": "Other", "start": "2021-01-01", "organizers": ["Beta"],
                            "participants": [{"name": "Bob", "organization": "Zeta"}]}"#,
            ),
        )
        .unwrap()
        .id;
        type Write = Box<dyn Fn(&mut SqliteStore)>;
        let writes: Vec<(&str, Write)> = vec![
            (
                "add-participant",
                Box::new(move |s| {
                    let p = participant(
                        r#"{"name": "Eve", "organization": "New Org", "session": "Day 9"}"#,
                    );
                    Store::add_participant(s, id, &p).unwrap();
                }),
            ),
            (
                "edit-event",
                Box::new(move |s| {
                    let expected = Store::get_event(s, id).unwrap().unwrap();
                    let mut edited = test_event(RICH);
                    edited.title = "Rich, edited".into();
                    edited.tags = vec!["b".into()];
                    edited.organizers = vec!["Zeta".into(), "Brand New".into()];
                    let lists = ListsChanged {
                        tags: true,
                        organizers: true,
                        partners: false,
                    };
                    let sessions = [
                        SessionEdit::Rename {
                            old: "Day 2".into(),
                            new: "Day 1".into(),
                        },
                        SessionEdit::Remove("Day 3".into()),
                    ];
                    Store::edit_event(s, id, &expected, &edited, lists, &sessions, None).unwrap();
                }),
            ),
            (
                "edit-participant",
                Box::new(move |s| {
                    let event = Store::get_event(s, id).unwrap().unwrap();
                    let first = &event.participants[0];
                    let (_, expected) = Store::participation(s, first.id).unwrap().unwrap();
                    let p = participant(
                        r#"{"name": "Ann", "organization": "Other Org", "position": "Director"}"#,
                    );
                    Store::edit_participation(s, first.id, id, &expected, &p, None).unwrap();
                }),
            ),
            (
                "remove-participant",
                Box::new(move |s| {
                    let event = Store::get_event(s, id).unwrap().unwrap();
                    Store::remove_participation(s, event.participants[1].id, id).unwrap();
                }),
            ),
            (
                "org alias",
                Box::new(|s| {
                    Store::add_alias(s, EntityKind::Organization, "Zeta", "Z").unwrap();
                }),
            ),
            (
                "org rename",
                Box::new(|s| {
                    Store::rename(s, EntityKind::Organization, "Beta", "Beta Two").unwrap();
                }),
            ),
            (
                "org merge",
                Box::new(|s| {
                    Store::merge(s, EntityKind::Organization, "Zeta", "AU").unwrap();
                }),
            ),
            (
                "person merge",
                Box::new(|s| {
                    Store::merge(s, EntityKind::Person, "Bob", "Cy").unwrap();
                }),
            ),
            (
                "remove-event",
                Box::new(move |s| {
                    Store::remove_event(s, id).unwrap();
                }),
            ),
            (
                "remove-event",
                Box::new(move |s| {
                    Store::remove_event(s, other).unwrap();
                }),
            ),
        ];
        for (command, write) in writes {
            let before = snapshot(&mut s);
            write(&mut s);
            let after = snapshot(&mut s);
            assert_ne!(before, after, "{command}");
            let newest = Store::log(&mut s, &LogFilter::default()).unwrap();
            assert_eq!(newest[0].command, command);
            assert_after_states_read_back(&mut s);
            let undone = Store::undo(&mut s, None).unwrap();
            assert_eq!(undone.reverted.command, command);
            assert_eq!(snapshot(&mut s), before, "undo of {command}");
            // An undone operation cannot be undone twice.
            let err = Store::undo(&mut s, Some(undone.reverted.id)).unwrap_err();
            assert!(
                matches!(err, StoreError::AlreadyUndone { by, .. } if by == undone.operation),
                "{err:?}"
            );
            // The undo of the undo redoes.
            Store::undo(&mut s, None).unwrap();
            assert_eq!(snapshot(&mut s), after, "redo of {command}");
        }
    }

    #[test]
    fn a_later_change_blocks_an_undo() {
        let mut s = store();
        let id = Store::add_event(&mut s, &test_event(RICH)).unwrap().id;
        Store::add_participant(&mut s, id, &participant(r#"{"name": "Eve"}"#)).unwrap();
        let first = Store::log(&mut s, &LogFilter::default()).unwrap();
        let before = snapshot(&mut s);
        let err = Store::undo(&mut s, Some(first[1].id)).unwrap_err();
        match err {
            StoreError::UndoBlocked { later, .. } => assert_eq!(later, [first[0].id]),
            other => panic!("{other:?}"),
        }
        assert_eq!(snapshot(&mut s), before);
        assert_eq!(Store::log(&mut s, &LogFilter::default()).unwrap().len(), 2);
    }

    #[test]
    fn the_guard_refuses_an_edit_after_a_change() {
        let mut s = store();
        let id = Store::add_event(&mut s, &test_event(RICH)).unwrap().id;
        let since = log_time(chrono::Utc::now());
        Store::add_participant(&mut s, id, &participant(r#"{"name": "Eve"}"#)).unwrap();
        let expected = Store::get_event(&mut s, id).unwrap().unwrap();
        let edited = test_event(RICH);
        let err = Store::edit_event(
            &mut s,
            id,
            &expected,
            &edited,
            ListsChanged::default(),
            &[],
            Some(&since),
        )
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::ChangedSince { changes, .. } if changes.len() == 1),
            "{err:?}"
        );
        let now = log_time(chrono::Utc::now() + chrono::Duration::seconds(1));
        Store::edit_event(
            &mut s,
            id,
            &expected,
            &edited,
            ListsChanged::default(),
            &[],
            Some(&now),
        )
        .unwrap();
    }

    #[test]
    fn the_ids_an_import_meets_stay_as_many_as_the_records() {
        let mut ids = Vec::new();
        for i in 0..2_000_000_i64 {
            ids.push(i * 7919 % 5000);
            compact(&mut ids);
            assert!(
                ids.capacity() <= 4 * (1 << 16),
                "{} ids kept",
                ids.capacity()
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids, (0..5000).collect::<Vec<i64>>());
    }

    #[test]
    fn the_log_is_filtered_and_pruned() {
        let mut s = store();
        let id = Store::add_event(&mut s, &test_event(RICH)).unwrap().id;
        Store::add_event(
            &mut s,
            &test_event(r#"{"title": "B", "start": "2021-01-01"}"#),
        )
        .unwrap();
        Store::rename(&mut s, EntityKind::Organization, "Zeta", "Zed").unwrap();
        let zeta = entity::find(&s.conn, &entity::ORGANIZATION, "Zed")
            .unwrap()
            .unwrap()
            .id;
        let ids = |ops: Vec<Operation>| ops.iter().map(|o| o.id).collect::<Vec<_>>();
        let all = Store::log(&mut s, &LogFilter::default()).unwrap();
        assert_eq!(ids(all.clone()), [3, 2, 1]);
        assert_eq!(all[0].change_count, 1);
        assert!(all[0].changes.is_empty());
        let by = |s: &mut SqliteStore, f: LogFilter| ids(Store::log(s, &f).unwrap());
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    event: Some(id),
                    ..Default::default()
                }
            ),
            [1]
        );
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    organization: Some(zeta),
                    ..Default::default()
                }
            ),
            [3, 1]
        );
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    limit: Some(1),
                    ..Default::default()
                }
            ),
            [3]
        );
        let user = os_user().to_uppercase();
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    user: Some(user),
                    ..Default::default()
                }
            ),
            [3, 2, 1]
        );
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    user: Some("nobody at all".into()),
                    ..Default::default()
                }
            ),
            Vec::<i64>::new()
        );
        let third = all[0].at.clone();
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    since: Some(third.clone()),
                    ..Default::default()
                }
            ),
            [3]
        );
        assert_eq!(
            by(
                &mut s,
                LogFilter {
                    until: Some(third.clone()),
                    ..Default::default()
                }
            ),
            [2, 1]
        );
        assert_eq!(Store::log_count_before(&mut s, &third).unwrap(), 2);
        assert_eq!(Store::prune_log(&mut s, &third).unwrap(), 2);
        assert_eq!(by(&mut s, LogFilter::default()), [3]);
        assert_eq!(
            Store::last_change(&mut s, RecordKind::Event, id).unwrap(),
            None
        );
        // Ids are not given again.
        Store::rename(&mut s, EntityKind::Organization, "Zed", "Zeta").unwrap();
        assert_eq!(by(&mut s, LogFilter::default()), [4, 3]);
        let last = Store::last_change(&mut s, RecordKind::Organization, zeta)
            .unwrap()
            .unwrap();
        assert_eq!((last.operation, last.command.as_str()), (4, "org rename"));
    }
}
