//! The operation log on PostgreSQL (issue 11): reading a record's state exactly (the same
//! JSON bytes as SQLite's for the same data), putting one back for an undo, writing an
//! operation with its changes, and the log's queries.
//!
//! A write journals in its own transaction ([`Logged`]): it reads the state of each record
//! before its first change, runs, then reads each record again, adds the organizations and
//! people it created (every one with an id above the largest there before: the write lock
//! keeps every other writer out, and new rows take the identity sequence's next ids), and
//! logs the operation before the commit. The import logs its run its own way, in bulk (see
//! [`ImportLog`]).
//!
//! `at` is the server's clock, so that a team's clients agree on the order of what they did;
//! the user is the database role (`current_user`), with the OS user where it is another name.

use std::collections::HashMap;

use chrono::NaiveDate;
use postgres::{GenericClient, Row, Transaction};

use super::PgStore;

use super::import::PgImport;
use super::{search, summary};
use crate::model::{
    Change, EntityKind, EntityState, EventState, LastChange, LogFilter, Named, NewOperation,
    Operation, ParticipationState, RecordKind, State, name_key,
};
use crate::store::error::{Failure, Result, StoreError};
use crate::store::fold::sort_key;
use crate::store::history::{self, HistoryTxn, Journal, Undone, os_user};
use crate::store::summary::Dirty;

// Reading states.

const EVENT_ROWS: &str = "SELECT id, key, title, kind, start_date, end_date, mode, location,
        region, project, description, source, created_at, updated_at
   FROM event WHERE id = ANY($1) ORDER BY id";
const EVENT_TAGS: &str = "SELECT event_id, tag FROM event_tag
  WHERE event_id = ANY($1) ORDER BY event_id, ord";
const EVENT_ORGS: &str = "SELECT eo.event_id, eo.role, o.id, o.name FROM event_organization eo
   JOIN organization o ON o.id = eo.organization_id
  WHERE eo.event_id = ANY($1) ORDER BY eo.event_id, eo.role, eo.ord";
const EVENT_SESSIONS: &str = "SELECT event_id, name FROM session
  WHERE event_id = ANY($1) ORDER BY event_id, id";
const EVENT_PARTICIPANTS: &str =
    "SELECT p.event_id, p.id, pe.id, pe.name, o.id, o.name, p.position, p.role, s.name,
            p.contribution, p.head, p.created_at
       FROM participation p
       JOIN person pe ON pe.id = p.person_id
       LEFT JOIN organization o ON o.id = p.organization_id
       LEFT JOIN session s ON s.id = p.session_id
      WHERE p.event_id = ANY($1) ORDER BY p.event_id, p.id";

fn date(d: NaiveDate) -> String {
    crate::dates::iso(d)
}

fn missing(what: String) -> StoreError {
    StoreError::Database {
        failure: Failure::Other,
        message: what,
        inner: None,
    }
}

/// The states of the events `ids` that are there, by id: five statements for them all.
pub(super) fn event_states(
    client: &mut impl GenericClient,
    ids: &[i64],
) -> Result<HashMap<i64, EventState>> {
    let mut states: HashMap<i64, EventState> = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(states);
    }
    for row in client.query(EVENT_ROWS, &[&ids])? {
        let id: i64 = row.try_get(0)?;
        states.insert(
            id,
            EventState {
                id,
                key: row.try_get(1)?,
                title: row.try_get(2)?,
                kind: row.try_get(3)?,
                start: date(row.try_get(4)?),
                end: date(row.try_get(5)?),
                mode: row.try_get(6)?,
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
            },
        );
    }
    fn of<'s>(states: &'s mut HashMap<i64, EventState>, row: &Row) -> Result<&'s mut EventState> {
        let id: i64 = row.try_get(0)?;
        states
            .get_mut(&id)
            .ok_or_else(|| missing(format!("a link of event {id}, which was not read")))
    }
    for row in client.query(EVENT_TAGS, &[&ids])? {
        of(&mut states, &row)?.tags.push(row.try_get(1)?);
    }
    for row in client.query(EVENT_ORGS, &[&ids])? {
        let role: &str = row.try_get(1)?;
        let named = Named {
            id: row.try_get(2)?,
            name: row.try_get(3)?,
        };
        let state = of(&mut states, &row)?;
        match role {
            "organizer" => state.organizers.push(named),
            _ => state.partners.push(named),
        }
    }
    for row in client.query(EVENT_SESSIONS, &[&ids])? {
        of(&mut states, &row)?.sessions.push(row.try_get(1)?);
    }
    for row in client.query(EVENT_PARTICIPANTS, &[&ids])? {
        let organization = match row.try_get::<_, Option<i64>>(4)? {
            Some(id) => Some(Named {
                id,
                name: row.try_get(5)?,
            }),
            None => None,
        };
        let p = ParticipationState {
            id: row.try_get(1)?,
            person: Named {
                id: row.try_get(2)?,
                name: row.try_get(3)?,
            },
            organization,
            position: row.try_get(6)?,
            role: row.try_get(7)?,
            session: row.try_get(8)?,
            contribution: row.try_get(9)?,
            head: row.try_get(10)?,
            created_at: row.try_get(11)?,
        };
        of(&mut states, &row)?.participants.push(p);
    }
    Ok(states)
}

/// The SQL of one kind's states.
struct EntitySql {
    rows: &'static str,
    names: &'static str,
}

const ORGANIZATION_STATE: EntitySql = EntitySql {
    rows: "SELECT id, name, name_key, created_at FROM organization WHERE id = ANY($1)",
    names: "SELECT organization_id, name, name_key FROM organization_name
             WHERE organization_id = ANY($1) ORDER BY organization_id, name_key",
};
const PERSON_STATE: EntitySql = EntitySql {
    rows: "SELECT id, name, name_key, created_at FROM person WHERE id = ANY($1)",
    names: "SELECT person_id, name, name_key FROM person_name
             WHERE person_id = ANY($1) ORDER BY person_id, name_key",
};

/// The states of the organizations or people `ids` that are there, by id: their own name and
/// every other name, as written, by name key.
pub(super) fn entity_states(
    client: &mut impl GenericClient,
    kind: EntityKind,
    ids: &[i64],
) -> Result<HashMap<i64, EntityState>> {
    let sql = match kind {
        EntityKind::Organization => &ORGANIZATION_STATE,
        EntityKind::Person => &PERSON_STATE,
    };
    let mut states: HashMap<i64, (String, EntityState)> = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    for row in client.query(sql.rows, &[&ids])? {
        let id: i64 = row.try_get(0)?;
        let key: String = row.try_get(2)?;
        states.insert(
            id,
            (
                key,
                EntityState {
                    id,
                    name: row.try_get(1)?,
                    aliases: Vec::new(),
                    created_at: row.try_get(3)?,
                },
            ),
        );
    }
    for row in client.query(sql.names, &[&ids])? {
        let id: i64 = row.try_get(0)?;
        let key: &str = row.try_get(2)?;
        if let Some((own, state)) = states.get_mut(&id)
            && key != own
        {
            state.aliases.push(row.try_get(1)?);
        }
    }
    Ok(states.into_iter().map(|(id, (_, s))| (id, s)).collect())
}

/// A record's state as it is now; `None` when it is not there.
pub(super) fn state(
    client: &mut impl GenericClient,
    kind: RecordKind,
    id: i64,
) -> Result<Option<State>> {
    Ok(match kind.entity() {
        None => event_states(client, &[id])?
            .remove(&id)
            .map(|e| State::Event(Box::new(e))),
        Some(entity) => entity_states(client, entity, &[id])?
            .remove(&id)
            .map(State::Entity),
    })
}

/// The states of many records of one kind, by id.
pub(super) fn states(
    client: &mut impl GenericClient,
    kind: RecordKind,
    ids: &[i64],
) -> Result<HashMap<i64, State>> {
    let mut found = HashMap::with_capacity(ids.len());
    // In batches, so that no statement carries an array of a million ids.
    for chunk in ids.chunks(1000) {
        match kind.entity() {
            None => found.extend(
                event_states(client, chunk)?
                    .into_iter()
                    .map(|(id, e)| (id, State::Event(Box::new(e)))),
            ),
            Some(entity) => found.extend(
                entity_states(client, entity, chunk)?
                    .into_iter()
                    .map(|(id, e)| (id, State::Entity(e))),
            ),
        }
    }
    Ok(found)
}

// Putting records back.

fn put_entity(tx: &mut Transaction<'_>, kind: EntityKind, state: &EntityState) -> Result<()> {
    let upsert = match kind {
        EntityKind::Organization => {
            "INSERT INTO organization (id, name, name_key, name_sort, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                 name_sort = excluded.name_sort, created_at = excluded.created_at"
        }
        EntityKind::Person => {
            "INSERT INTO person (id, name, name_key, name_sort, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                 name_sort = excluded.name_sort, created_at = excluded.created_at"
        }
    };
    let key = name_key(&state.name);
    tx.execute(
        upsert,
        &[
            &state.id,
            &state.name,
            &key,
            &sort_key(&state.name),
            &state.created_at,
        ],
    )?;
    let names: Vec<&String> = std::iter::once(&state.name).chain(&state.aliases).collect();
    let keys: Vec<String> = names.iter().map(|n| name_key(n)).collect();
    let insert = match kind {
        EntityKind::Organization => {
            "INSERT INTO organization_name (name_key, organization_id, name)
             SELECT k, $1, n FROM unnest($2::text[], $3::text[]) AS t(k, n)"
        }
        EntityKind::Person => {
            "INSERT INTO person_name (name_key, person_id, name)
             SELECT k, $1, n FROM unnest($2::text[], $3::text[]) AS t(k, n)"
        }
    };
    tx.execute(insert, &[&state.id, &keys, &names])?;
    Ok(())
}

fn parse_date(field: &str, id: i64, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        missing(format!(
            "event {id} in the log has {field} {text:?}, not a date"
        ))
    })
}

/// Puts event `state.id` back exactly as `state` has it: row, lists in order, sessions (new
/// ids, in order), participations with their ids; then its search text.
fn put_event(tx: &mut Transaction<'_>, state: &EventState) -> Result<()> {
    let id = state.id;
    let key = state
        .key
        .as_deref()
        .ok_or_else(|| missing(format!("event {id} in the log has no key")))?;
    let start = parse_date("start", id, &state.start)?;
    let end = parse_date("end", id, &state.end)?;
    let keyed = |t: &Option<String>| t.as_deref().map(name_key);
    tx.execute(
        "INSERT INTO event (id, key, title, kind, start_date, end_date, mode, location, region,
                            project, description, source, created_at, updated_at, key_folded,
                            title_key, title_sort, kind_key, region_key, project_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19, $20)
         ON CONFLICT (id) DO UPDATE SET key = excluded.key, title = excluded.title,
             kind = excluded.kind, start_date = excluded.start_date,
             end_date = excluded.end_date, mode = excluded.mode, location = excluded.location,
             region = excluded.region, project = excluded.project,
             description = excluded.description, source = excluded.source,
             created_at = excluded.created_at, updated_at = excluded.updated_at,
             key_folded = excluded.key_folded, title_key = excluded.title_key,
             title_sort = excluded.title_sort, kind_key = excluded.kind_key,
             region_key = excluded.region_key, project_key = excluded.project_key",
        &[
            &id,
            &key,
            &state.title,
            &state.kind,
            &start,
            &end,
            &state.mode,
            &state.location,
            &state.region,
            &state.project,
            &state.description,
            &state.source,
            &state.created_at,
            &state.updated_at,
            &name_key(key),
            &name_key(&state.title),
            &sort_key(&state.title),
            &keyed(&state.kind),
            &keyed(&state.region),
            &keyed(&state.project),
        ],
    )?;
    // Its links go, then come back as they were. (Participations first: they refer to the
    // sessions.)
    tx.execute("DELETE FROM participation WHERE event_id = $1", &[&id])?;
    tx.execute("DELETE FROM session WHERE event_id = $1", &[&id])?;
    tx.execute("DELETE FROM event_tag WHERE event_id = $1", &[&id])?;
    tx.execute("DELETE FROM event_organization WHERE event_id = $1", &[&id])?;
    if !state.tags.is_empty() {
        let keys: Vec<String> = state.tags.iter().map(|t| name_key(t)).collect();
        tx.execute(
            "INSERT INTO event_tag (event_id, ord, tag, tag_key)
             SELECT $1, ord - 1, tag, tag_key
               FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(tag, tag_key, ord)",
            &[&id, &state.tags, &keys],
        )?;
    }
    for (role, list) in [
        ("organizer", &state.organizers),
        ("partner", &state.partners),
    ] {
        if list.is_empty() {
            continue;
        }
        let orgs: Vec<i64> = list.iter().map(|o| o.id).collect();
        tx.execute(
            "INSERT INTO event_organization (event_id, role, ord, organization_id)
             SELECT $1, $2, ord - 1, org FROM unnest($3::bigint[]) WITH ORDINALITY AS t(org, ord)",
            &[&id, &role, &orgs],
        )?;
    }
    // Sessions in their order (new ids, in that order), then the participations with their
    // own ids, each list in one statement.
    let mut sessions: HashMap<String, i64> = HashMap::new();
    if !state.sessions.is_empty() {
        let keys: Vec<String> = state.sessions.iter().map(|n| name_key(n)).collect();
        let ids: Vec<i64> = tx
            .query(
                "SELECT nextval(pg_get_serial_sequence('session', 'id'))
                   FROM generate_series(1, $1::bigint)",
                &[&(keys.len() as i64)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        tx.execute(
            "INSERT INTO session (id, event_id, name, name_key)
             SELECT i, $1, n, k FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(i, n, k)",
            &[&id, &ids, &state.sessions, &keys],
        )?;
        sessions.extend(keys.into_iter().zip(ids));
    }
    if !state.participants.is_empty() {
        let keyed = |t: &Option<String>| t.as_deref().map(name_key);
        let mut session_ids: Vec<Option<i64>> = Vec::with_capacity(state.participants.len());
        for p in &state.participants {
            session_ids.push(match &p.session {
                Some(name) => Some(*sessions.get(&name_key(name)).ok_or_else(|| {
                    missing(format!("event {id} in the log: no session {name:?}"))
                })?),
                None => None,
            });
        }
        let ps = &state.participants;
        let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
        let people: Vec<i64> = ps.iter().map(|p| p.person.id).collect();
        let orgs: Vec<Option<i64>> = ps
            .iter()
            .map(|p| p.organization.as_ref().map(|o| o.id))
            .collect();
        let positions: Vec<Option<&str>> = ps.iter().map(|p| p.position.as_deref()).collect();
        let roles: Vec<Option<&str>> = ps.iter().map(|p| p.role.as_deref()).collect();
        let contributions: Vec<Option<&str>> =
            ps.iter().map(|p| p.contribution.as_deref()).collect();
        let created: Vec<&str> = ps.iter().map(|p| p.created_at.as_str()).collect();
        let position_keys: Vec<Option<String>> = ps.iter().map(|p| keyed(&p.position)).collect();
        let role_keys: Vec<Option<String>> = ps.iter().map(|p| keyed(&p.role)).collect();
        let contribution_keys: Vec<Option<String>> =
            ps.iter().map(|p| keyed(&p.contribution)).collect();
        let heads: Vec<bool> = ps.iter().map(|p| p.head).collect();
        tx.execute(
            "INSERT INTO participation (id, event_id, person_id, organization_id, position,
                                        role, session_id, contribution, created_at,
                                        position_key, role_key, contribution_key, head)
             SELECT i, $1, pe, o, po, r, s, c, ca, pk, rk, ck, h
               FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[],
                           $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[],
                           $12::text[], $13::bool[])
                    AS t(i, pe, o, po, r, s, c, ca, pk, rk, ck, h)",
            &[
                &id,
                &ids,
                &people,
                &orgs,
                &positions,
                &roles,
                &session_ids,
                &contributions,
                &created,
                &position_keys,
                &role_keys,
                &contribution_keys,
                &heads,
            ],
        )?;
    }
    search::refresh(tx, &[id])?;
    Ok(())
}

/// Of the organizations or people `ids`, those an event links to, each with one such event:
/// one query for them all.
fn entities_in_use(
    client: &mut impl GenericClient,
    kind: EntityKind,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>> {
    let sql = match kind {
        EntityKind::Organization => {
            "SELECT x.id, (SELECT event_id FROM event_organization WHERE organization_id = x.id
                            UNION ALL
                           SELECT event_id FROM participation WHERE organization_id = x.id
                           LIMIT 1)
               FROM unnest($1::bigint[]) AS x(id)"
        }
        EntityKind::Person => {
            "SELECT x.id, (SELECT event_id FROM participation WHERE person_id = x.id LIMIT 1)
               FROM unnest($1::bigint[]) AS x(id)"
        }
    };
    let rows = client.query(sql, &[&ids])?;
    let mut used = Vec::new();
    for row in rows {
        let event: Option<i64> = row.try_get(1)?;
        if let Some(event) = event {
            used.push((row.try_get(0)?, event));
        }
    }
    Ok(used)
}

/// The events linking to an organization or person, by id, the first `limit`.
pub(super) fn events_using(
    client: &mut impl GenericClient,
    kind: EntityKind,
    id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    let sql = match kind {
        EntityKind::Organization => {
            "SELECT event_id FROM event_organization WHERE organization_id = $1
             UNION SELECT event_id FROM participation WHERE organization_id = $1
             ORDER BY 1 LIMIT $2"
        }
        EntityKind::Person => {
            "SELECT DISTINCT event_id FROM participation WHERE person_id = $1
             ORDER BY 1 LIMIT $2"
        }
    };
    Ok(client
        .query(sql, &[&id, &limit])?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

// The log.

/// The columns [`operation_from_row`] reads, from `operation o`.
macro_rules! operation_columns {
    () => {
        "o.id, o.at, o.user_name, o.os_user, o.command, o.summary, o.undoes, o.undone_by,
         (SELECT count(*) FROM operation_change c WHERE c.operation = o.id)"
    };
}

fn operation_from_row(row: &Row) -> Result<Operation> {
    let count: i64 = row.try_get(8)?;
    Ok(Operation {
        id: row.try_get(0)?,
        at: row.try_get(1)?,
        user: row.try_get(2)?,
        os_user: row.try_get(3)?,
        command: row.try_get(4)?,
        summary: row.try_get(5)?,
        undoes: row.try_get(6)?,
        undone_by: row.try_get(7)?,
        change_count: u64::try_from(count).unwrap_or(0),
        changes: Vec::new(),
    })
}

fn change_from_row(row: &Row) -> Result<Change> {
    let kind: &str = row.try_get(1)?;
    let id: i64 = row.try_get(2)?;
    let kind = RecordKind::parse(kind)
        .ok_or_else(|| missing(format!("a change to a record of kind {kind:?}")))?;
    let json = |column: usize| -> Result<Option<State>> {
        let text: Option<&str> = row.try_get(column)?;
        text.map(|text| {
            State::from_json(kind, text).map_err(|e| {
                missing(format!(
                    "the log's state of {kind} {id} cannot be read: {e}"
                ))
            })
        })
        .transpose()
    };
    Ok(Change {
        kind,
        id,
        label: row.try_get(3)?,
        before: json(4)?,
        after: json(5)?,
    })
}

/// Whether the states after that the log did not write (an import's created events) are
/// read (`log`, `log show`) or left out (an undo, which reads only the states before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deferred {
    Read,
    Left,
}

/// Fills in the changes of `ops`.
fn load_changes(
    client: &mut impl GenericClient,
    ops: &mut [Operation],
    deferred_afters: Deferred,
) -> Result<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = ops.iter().map(|o| o.id).collect();
    let at: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Changes with neither state: events an import created, whose state after is not
    // written (as on SQLite): by operation, (kind, record, place).
    let mut deferred: HashMap<i64, Vec<(RecordKind, i64, usize)>> = HashMap::new();
    for row in client.query(
        "SELECT operation, kind, record, label, before, after FROM operation_change
          WHERE operation = ANY($1) ORDER BY operation, seq",
        &[&ids],
    )? {
        let op: i64 = row.try_get(0)?;
        if let Some(&i) = at.get(&op) {
            let change = change_from_row(&row)?;
            if change.before.is_none()
                && change.after.is_none()
                && deferred_afters == Deferred::Read
            {
                deferred.entry(op).or_default().push((
                    change.kind,
                    change.id,
                    ops[i].changes.len(),
                ));
            }
            ops[i].changes.push(change);
        }
    }
    for (op, records) in deferred {
        let i = at[&op];
        for kind in [
            RecordKind::Event,
            RecordKind::Organization,
            RecordKind::Person,
        ] {
            let of_kind: Vec<(i64, usize)> = records
                .iter()
                .filter(|(k, _, _)| *k == kind)
                .map(|(_, id, place)| (*id, *place))
                .collect();
            for chunk in of_kind.chunks(1000) {
                let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
                let mut after = deferred_after(client, kind, op, &ids)?;
                for (id, place) in chunk {
                    ops[i].changes[*place].after = after.remove(id);
                }
            }
        }
    }
    Ok(())
}

/// The states after operation `op` of records `ids` of `kind` it created and whose state
/// after it did not write (an import's events): each the state before its next change,
/// else the record as it is now (as SQLite's log reads them).
fn deferred_after(
    client: &mut impl GenericClient,
    kind: RecordKind,
    op: i64,
    ids: &[i64],
) -> Result<HashMap<i64, State>> {
    let mut found: HashMap<i64, State> = HashMap::with_capacity(ids.len());
    let mut now: Vec<i64> = Vec::new();
    let mut next: HashMap<i64, Option<String>> = HashMap::new();
    for row in client.query(
        "SELECT DISTINCT ON (record) record, before FROM operation_change
          WHERE kind = $1 AND record = ANY($2) AND operation > $3
          ORDER BY record, operation",
        &[&kind.as_str(), &ids, &op],
    )? {
        next.insert(row.try_get(0)?, row.try_get(1)?);
    }
    for &id in ids {
        match next.remove(&id) {
            Some(Some(json)) => {
                let state = State::from_json(kind, &json).map_err(|e| {
                    missing(format!(
                        "the log's state of {kind} {id} cannot be read: {e}"
                    ))
                })?;
                found.insert(id, state);
            }
            _ => now.push(id),
        }
    }
    found.extend(states(client, kind, &now)?);
    // The names of what the events link to, as they were right after the operation.
    // Each linked record's next state before, read once for all the events.
    let mut befores: HashMap<(RecordKind, i64), Option<String>> = HashMap::new();
    for state in found.values_mut() {
        if let State::Event(event) = state {
            crate::store::history::names_after(event, |kind, id| {
                if let Some(before) = befores.get(&(kind, id)) {
                    return Ok(before.clone());
                }
                let before: Option<String> = client
                    .query_opt(
                        "SELECT before FROM operation_change
                          WHERE kind = $1 AND record = $2 AND operation > $3
                          ORDER BY operation LIMIT 1",
                        &[&kind.as_str(), &id, &op],
                    )?
                    .map(|row| row.try_get::<_, Option<String>>(0))
                    .transpose()?
                    .flatten();
                befores.insert((kind, id), before.clone());
                Ok(before)
            })?;
        }
    }
    Ok(found)
}

/// The changes of operation `op`, in order.
pub(super) fn changes_of(client: &mut impl GenericClient, op: i64) -> Result<Vec<Change>> {
    Ok(operation(client, op, Deferred::Read)?
        .map(|o| o.changes)
        .unwrap_or_default())
}

/// Gives the id of an operation that is not logged after all back to the sequence, if it is
/// the last drawn and the role may (else it stays drawn: a gap).
pub(super) fn give_back_operation(client: &mut impl GenericClient, op: i64) -> Result<()> {
    client.execute(
        "SELECT setval(s, $1, false)
           FROM (SELECT CAST(pg_get_serial_sequence('operation', 'id') AS regclass) AS s) q
          WHERE CASE WHEN has_sequence_privilege(s, 'UPDATE')
                      AND has_sequence_privilege(s, 'SELECT, USAGE')
                     THEN pg_sequence_last_value(s) = $1 END",
        &[&op],
    )?;
    Ok(())
}

fn operation(
    client: &mut impl GenericClient,
    id: i64,
    deferred: Deferred,
) -> Result<Option<Operation>> {
    let Some(row) = client.query_opt(
        concat!(
            "SELECT ",
            operation_columns!(),
            " FROM operation o WHERE o.id = $1"
        ),
        &[&id],
    )?
    else {
        return Ok(None);
    };
    let mut ops = [operation_from_row(&row)?];
    load_changes(client, &mut ops, deferred)?;
    let [op] = ops;
    Ok(Some(op))
}

fn later_on_same_records(client: &mut impl GenericClient, op: i64) -> Result<Vec<Operation>> {
    client
        .query(
            concat!(
                "SELECT ",
                operation_columns!(),
                " FROM operation o
                  WHERE o.id IN (SELECT l.operation FROM operation_change c
                                   JOIN operation_change l
                                     ON l.kind = c.kind AND l.record = c.record
                                    AND l.operation > c.operation
                                  WHERE c.operation = $1)
                  ORDER BY o.id"
            ),
            &[&op],
        )?
        .iter()
        .map(operation_from_row)
        .collect()
}

fn newest_not_undone(client: &mut impl GenericClient) -> Result<Option<i64>> {
    Ok(client
        .query_one("SELECT max(id) FROM operation WHERE undone_by IS NULL", &[])?
        .get(0))
}

fn last_change_from_row(row: &Row) -> Result<LastChange> {
    Ok(LastChange {
        operation: row.try_get(0)?,
        at: row.try_get(1)?,
        user: row.try_get(2)?,
        os_user: row.try_get(3)?,
        command: row.try_get(4)?,
    })
}

fn last_change(
    client: &mut impl GenericClient,
    kind: RecordKind,
    id: i64,
) -> Result<Option<LastChange>> {
    client
        .query_opt(
            "SELECT o.id, o.at, o.user_name, o.os_user, o.command
               FROM operation o
              WHERE o.id = (SELECT max(operation) FROM operation_change
                             WHERE kind = $1 AND record = $2)",
            &[&kind.as_str(), &id],
        )?
        .map(|row| last_change_from_row(&row))
        .transpose()
}

fn changes_since(
    client: &mut impl GenericClient,
    kind: RecordKind,
    id: i64,
    after: Option<i64>,
    since: Option<&str>,
) -> Result<Vec<LastChange>> {
    client
        .query(
            "SELECT o.id, o.at, o.user_name, o.os_user, o.command
               FROM operation o
              WHERE o.id IN (SELECT operation FROM operation_change
                              WHERE kind = $1 AND record = $2)
                AND ($3::bigint IS NULL OR o.id > $3)
                AND ($4::text IS NULL OR o.at > $4)
              ORDER BY o.id",
            &[&kind.as_str(), &id, &after, &since],
        )?
        .iter()
        .map(last_change_from_row)
        .collect()
}

fn set_undone_by(client: &mut impl GenericClient, op: i64, by: Option<i64>) -> Result<Option<i64>> {
    Ok(client
        .query_opt(
            "UPDATE operation SET undone_by = $2 WHERE id = $1 RETURNING undoes",
            &[&op, &by],
        )?
        .and_then(|r| r.get(0)))
}

/// Writes the operation's own row, stamped by the server's clock and with its role (and the
/// OS user where that is another name); its id.
pub(super) fn insert_operation(
    client: &mut impl GenericClient,
    command: &str,
    summary: &str,
    undoes: Option<i64>,
) -> Result<i64> {
    Ok(client
        .query_one(
            "INSERT INTO operation (at, user_name, os_user, command, summary, undoes)
             VALUES (to_char(clock_timestamp() AT TIME ZONE 'UTC',
                             'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
                     current_user::text,
                     CASE WHEN $1::text <> current_user::text THEN $1::text END,
                     $2, $3, $4)
             RETURNING id",
            &[&os_user(), &command, &summary, &undoes],
        )?
        .get(0))
}

/// Links operation `op` to the organizations it touched.
pub(super) fn insert_organizations(
    client: &mut impl GenericClient,
    op: i64,
    orgs: &[i64],
) -> Result<()> {
    if orgs.is_empty() {
        return Ok(());
    }
    client.execute(
        "INSERT INTO operation_organization (organization, operation)
         SELECT DISTINCT o, $1::bigint FROM unnest($2::bigint[]) AS t(o)
         ON CONFLICT DO NOTHING",
        &[&op, &orgs],
    )?;
    Ok(())
}

/// Writes an operation with its changes (in one statement) and organizations; its id.
pub(super) fn record(client: &mut impl GenericClient, op: &NewOperation) -> Result<i64> {
    let id = insert_operation(client, &op.command, &op.summary, op.undoes)?;
    let mut seqs: Vec<i32> = Vec::with_capacity(op.changes.len());
    let mut kinds: Vec<&str> = Vec::with_capacity(op.changes.len());
    let mut records: Vec<i64> = Vec::with_capacity(op.changes.len());
    let mut labels: Vec<&str> = Vec::with_capacity(op.changes.len());
    let mut befores: Vec<Option<String>> = Vec::with_capacity(op.changes.len());
    let mut afters: Vec<Option<String>> = Vec::with_capacity(op.changes.len());
    for (seq, change) in op.changes.iter().enumerate() {
        seqs.push(i32::try_from(seq + 1).unwrap_or(i32::MAX));
        kinds.push(change.kind.as_str());
        records.push(change.id);
        labels.push(&change.label);
        befores.push(change.before.as_ref().map(State::to_json));
        afters.push(change.after.as_ref().map(State::to_json));
    }
    client.execute(
        "INSERT INTO operation_change (operation, seq, kind, record, label, before, after)
         SELECT $1::bigint, s, k, r, l, b, a
           FROM unnest($2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
                AS t(s, k, r, l, b, a)",
        &[&id, &seqs, &kinds, &records, &labels, &befores, &afters],
    )?;
    insert_organizations(client, id, &op.organizations)?;
    // The summaries, from what the changes say: every write but the import comes here,
    // once it has written all it writes.
    summary::refresh(client, &Dirty::of(&op.changes))?;
    Ok(id)
}

// A write's journal.

/// A write in progress, journaled: the records it is about to change are noted with
/// [`Logged::before`] before it changes them; [`Logged::finish`] logs the operation.
pub(super) struct Logged {
    journal: Journal,
}

impl Logged {
    /// Starts journaling a write of `command`.
    pub(super) fn new(command: impl Into<String>) -> Result<Logged> {
        Ok(Logged {
            journal: Journal::new(command),
        })
    }

    pub(super) fn journal(&mut self) -> &mut Journal {
        &mut self.journal
    }

    /// Notes the state of a record about to change (once: a second call does nothing).
    pub(super) fn before(
        &mut self,
        tx: &mut Transaction<'_>,
        kind: RecordKind,
        id: i64,
    ) -> Result<()> {
        if !self.journal.touched(kind, id) {
            let now = state(tx, kind, id)?;
            self.journal.before(kind, id, now);
        }
        Ok(())
    }

    /// Notes the state of every event that links to an organization or person now (a merge
    /// moves their links).
    pub(super) fn before_events_using(
        &mut self,
        tx: &mut Transaction<'_>,
        kind: EntityKind,
        id: i64,
    ) -> Result<()> {
        let events = events_using(tx, kind, id, i64::MAX)?;
        let mut found = states(tx, RecordKind::Event, &events)?;
        for event in events {
            if !self.journal.touched(RecordKind::Event, event) {
                let state = found.remove(&event);
                self.journal.before(RecordKind::Event, event, state);
            }
        }
        Ok(())
    }

    /// Notes a record the write creates (its state is read at the end).
    pub(super) fn creates(&mut self, kind: RecordKind, id: i64) {
        self.journal.before(kind, id, None);
    }

    /// Reads every record touched as the write leaves it, with the organizations and people
    /// it `created` (in the order it created them), and logs the operation (nothing if
    /// nothing changed).
    pub(super) fn finish(
        mut self,
        tx: &mut Transaction<'_>,
        created: &[(EntityKind, i64)],
    ) -> Result<Option<i64>> {
        for &(kind, id) in created {
            self.journal.before(kind.into(), id, None);
        }
        // Read in batches, by kind: a merge of a large organization touches thousands of
        // events.
        let records = self.journal.records();
        let mut now: HashMap<RecordKind, HashMap<i64, State>> = HashMap::new();
        for kind in [
            RecordKind::Event,
            RecordKind::Organization,
            RecordKind::Person,
        ] {
            let ids: Vec<i64> = records
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect();
            if !ids.is_empty() {
                now.insert(kind, states(tx, kind, &ids)?);
            }
        }
        for (kind, id) in records {
            let state = now.get_mut(&kind).and_then(|m| m.remove(&id));
            self.journal.after(kind, id, state);
        }
        match self.journal.finish(None) {
            Some(op) => Ok(Some(record(tx, &op)?)),
            None => Ok(None),
        }
    }
}

// The history over a write transaction.

/// A write transaction as [`HistoryTxn`] sees it.
pub(super) struct PgHistory<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    /// States read ahead ([`HistoryTxn::prefetch`]), each given once; forgotten at any
    /// write.
    read: HashMap<(RecordKind, i64), Option<State>>,
    /// Events, then organizations and people, to remove: removed in one statement a kind
    /// (in that order) before whatever comes next (an undo of an import removes thousands).
    removed: [Vec<i64>; 3],
    /// Organizations, then people, whose names are to be cleared: done in one statement a
    /// kind before whatever comes next.
    cleared: [Vec<i64>; 2],
}

impl<'t, 'c> PgHistory<'t, 'c> {
    pub(super) fn new(tx: &'t mut Transaction<'c>) -> PgHistory<'t, 'c> {
        PgHistory {
            tx,
            read: HashMap::new(),
            removed: Default::default(),
            cleared: Default::default(),
        }
    }

    /// Carries out the removals waiting, and forgets the states read ahead.
    fn settle(&mut self) -> Result<()> {
        self.read.clear();
        for (i, sql) in [
            "DELETE FROM organization_name WHERE organization_id = ANY($1)",
            "DELETE FROM person_name WHERE person_id = ANY($1)",
        ]
        .into_iter()
        .enumerate()
        {
            if !self.cleared[i].is_empty() {
                let ids = std::mem::take(&mut self.cleared[i]);
                self.tx.execute(sql, &[&ids])?;
            }
        }
        for (i, sql) in [
            "DELETE FROM event WHERE id = ANY($1)",
            "DELETE FROM organization WHERE id = ANY($1)",
            "DELETE FROM person WHERE id = ANY($1)",
        ]
        .into_iter()
        .enumerate()
        {
            if !self.removed[i].is_empty() {
                let ids = std::mem::take(&mut self.removed[i]);
                self.tx.execute(sql, &[&ids])?;
            }
        }
        Ok(())
    }
}

impl HistoryTxn for PgHistory<'_, '_> {
    fn state(&mut self, kind: RecordKind, id: i64) -> Result<Option<State>> {
        if self
            .removed
            .iter()
            .chain(&self.cleared)
            .any(|ids| !ids.is_empty())
        {
            self.settle()?;
        }
        match self.read.remove(&(kind, id)) {
            Some(state) => Ok(state),
            None => state(self.tx, kind, id),
        }
    }
    fn prefetch(&mut self, records: &[(RecordKind, i64)]) -> Result<()> {
        self.settle()?;
        for kind in [
            RecordKind::Event,
            RecordKind::Organization,
            RecordKind::Person,
        ] {
            let ids: Vec<i64> = records
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect();
            let mut found = states(self.tx, kind, &ids)?;
            for id in ids {
                self.read.insert((kind, id), found.remove(&id));
            }
        }
        Ok(())
    }
    fn clear_names(&mut self, kind: EntityKind, id: i64) -> Result<()> {
        if self.removed.iter().any(|ids| !ids.is_empty()) {
            self.settle()?;
        }
        self.read.clear();
        self.cleared[match kind {
            EntityKind::Organization => 0,
            EntityKind::Person => 1,
        }]
        .push(id);
        Ok(())
    }
    fn put_entity(&mut self, kind: EntityKind, state: &EntityState) -> Result<()> {
        self.settle()?;
        put_entity(self.tx, kind, state)
    }
    fn delete_entity(&mut self, kind: EntityKind, id: i64) -> Result<()> {
        // Events first: what an event refers to goes after it.
        if !self.removed[0].is_empty() {
            self.settle()?;
        }
        self.removed[match kind {
            EntityKind::Organization => 1,
            EntityKind::Person => 2,
        }]
        .push(id);
        Ok(())
    }
    fn put_event(&mut self, state: &EventState) -> Result<()> {
        self.settle()?;
        put_event(self.tx, state)
    }
    fn delete_event(&mut self, id: i64) -> Result<()> {
        if self.removed[1..].iter().any(|ids| !ids.is_empty()) {
            self.settle()?;
        }
        self.removed[0].push(id);
        Ok(())
    }
    fn events_using(&mut self, kind: EntityKind, id: i64, limit: usize) -> Result<Vec<i64>> {
        self.settle()?;
        events_using(self.tx, kind, id, i64::try_from(limit).unwrap_or(i64::MAX))
    }
    fn entities_in_use(&mut self, kind: EntityKind, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        self.settle()?;
        entities_in_use(self.tx, kind, ids)
    }
    fn name_owner(&mut self, kind: EntityKind, name: &str) -> Result<Option<i64>> {
        self.settle()?;
        Ok(super::entity::find(self.tx, kind, name)?.map(|found| found.id))
    }
    fn key_owner(&mut self, key: &str) -> Result<Option<i64>> {
        self.settle()?;
        super::write::event_with_key(self.tx, key, None)
    }
    fn operation(&mut self, id: i64) -> Result<Option<Operation>> {
        self.settle()?;
        operation(self.tx, id, Deferred::Left)
    }
    fn later_on_same_records(&mut self, op: i64) -> Result<Vec<Operation>> {
        self.settle()?;
        later_on_same_records(self.tx, op)
    }
    fn newest_not_undone(&mut self) -> Result<Option<i64>> {
        self.settle()?;
        newest_not_undone(self.tx)
    }
    fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>> {
        self.settle()?;
        last_change(self.tx, kind, id)
    }
    fn changes_since(
        &mut self,
        kind: RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<LastChange>> {
        self.settle()?;
        changes_since(self.tx, kind, id, after, since)
    }
    fn set_undone_by(&mut self, op: i64, by: Option<i64>) -> Result<Option<i64>> {
        self.settle()?;
        set_undone_by(self.tx, op, by)
    }
    fn record(&mut self, op: &NewOperation) -> Result<i64> {
        self.settle()?;
        record(self.tx, op)
    }
}

// The history over an import: what the import's guard asks.

impl PgImport<'_> {
    pub(super) fn changes_since(
        &mut self,
        kind: RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<LastChange>> {
        let tx = self.settled()?;
        changes_since(tx, kind, id, after, since)
    }
}

// The store's history.

/// The operations that pass a filter, newest first.
const LOG: &str = concat!(
    "SELECT ",
    operation_columns!(),
    " FROM operation o
      WHERE ($1::bigint IS NULL OR EXISTS (SELECT 1 FROM operation_change c
                                            WHERE c.kind = 'event' AND c.record = $1
                                              AND c.operation = o.id))
        AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM operation_organization x
                                            WHERE x.organization = $2 AND x.operation = o.id))
        AND ($3::text IS NULL OR o.at >= $3)
        AND ($4::text IS NULL OR o.at < $4)
        AND ($5::text IS NULL OR lower(o.user_name) = lower($5)
                              OR lower(o.os_user) = lower($5))
      ORDER BY o.id DESC
      LIMIT $6"
);

impl PgStore {
    pub(super) fn log(&mut self, filter: &LogFilter) -> Result<Vec<Operation>> {
        let limit: Option<i64> = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut tx = self.snapshot()?;
        let mut ops = tx
            .query(
                LOG,
                &[
                    &filter.event,
                    &filter.organization,
                    &filter.since,
                    &filter.until,
                    &filter.user,
                    &limit,
                ],
            )?
            .iter()
            .map(operation_from_row)
            .collect::<Result<Vec<_>>>()?;
        if filter.changes {
            load_changes(&mut tx, &mut ops, Deferred::Read)?;
        }
        tx.commit()?;
        Ok(ops)
    }

    pub(super) fn operation(&mut self, id: i64) -> Result<Option<Operation>> {
        let mut tx = self.snapshot()?;
        let op = operation(&mut tx, id, Deferred::Read)?;
        tx.commit()?;
        Ok(op)
    }

    pub(super) fn removed_event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .client
            .query_opt(
                "SELECT record FROM operation_change
                  WHERE kind = 'event' AND before IS NOT NULL AND after IS NULL
                    AND before::json->>'key' = $1
                  ORDER BY operation DESC LIMIT 1",
                &[&key],
            )?
            .map(|row| row.get(0)))
    }

    pub(super) fn last_change(&mut self, kind: RecordKind, id: i64) -> Result<Option<LastChange>> {
        last_change(&mut self.client, kind, id)
    }

    pub(super) fn undo(&mut self, op: Option<i64>) -> Result<Undone> {
        let mut tx = self.write()?;
        let mut history = PgHistory::new(&mut tx);
        let undone = history::undo(&mut history, op)?;
        // Whatever removal waits is done before the commit.
        history.settle()?;
        tx.commit()?;
        Ok(undone)
    }

    pub(super) fn log_count_before(&mut self, before: &str) -> Result<u64> {
        let n: i64 = self
            .client
            .query_one("SELECT count(*) FROM operation WHERE at < $1", &[&before])?
            .get(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(super) fn prune_log(&mut self, before: &str) -> Result<u64> {
        let mut tx = self.write()?;
        let n = tx.execute("DELETE FROM operation WHERE at < $1", &[&before])?;
        tx.commit()?;
        Ok(n)
    }
}
