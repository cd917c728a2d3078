//! Writing events: their rows, their links (tags, organizations, sessions, participations),
//! their time stamps and their search text.

use rusqlite::{Connection, OptionalExtension, ToSql, params, params_from_iter};

use super::lookup::{organization_id, person_id};
use super::names::{Names, Sessions, session_id};
use super::schema::FTS_FILL_ONE;

use crate::dates::iso;
use crate::model::{
    EntityKind, EventState, Mode, Named, NewEvent, NewParticipant, OrgRole, ParticipationState,
    name_key,
};
use crate::store::error::{Result, StoreError};
use crate::store::plan::{OnceEach, ParticipantRefs, Sameness};

pub(super) use crate::store::now;

/// Writes a new event and its links under `key`; returns it as the log keeps it, built from
/// what was written (exactly what [`super::history`] would read back: ids, own names,
/// sessions in the order created, participations in the order inserted).
pub(super) fn insert_event(
    conn: &Connection,
    names: &mut Names,
    event: &NewEvent,
    key: &str,
    stamp: &str,
) -> Result<EventState> {
    // Formatted once: written, then kept in the state.
    let (start, end) = (iso(event.start), iso(event.end));
    write_event_row(
        conn,
        "INSERT INTO event (id, key, title, kind, start_date, end_date, mode, location, region,
                            project, description, source, created_at, updated_at, title_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
        None,
        Some(key),
        event,
        (&start, &end),
        stamp,
    )?;
    let id = conn.last_insert_rowid();
    let links = insert_links(conn, names, id, event, stamp)?;
    Ok(EventState {
        id,
        key: Some(key.to_string()),
        title: event.title.clone(),
        kind: event.kind.clone(),
        start,
        end,
        mode: event.mode.map(|m| m.as_str().to_string()),
        location: event.location.clone(),
        region: event.region.clone(),
        project: event.project.clone(),
        description: event.description.clone(),
        source: event.source.clone(),
        created_at: stamp.to_string(),
        updated_at: stamp.to_string(),
        tags: event.tags.clone(),
        organizers: links.organizers,
        partners: links.partners,
        sessions: links.sessions,
        participants: links.participants,
    })
}

/// What [`insert_links`] wrote, as a state of the log shows it.
pub(super) struct Links {
    organizers: Vec<Named>,
    partners: Vec<Named>,
    sessions: Vec<String>,
    participants: Vec<ParticipationState>,
}

/// Removes an event with its links, sessions and participations (the foreign keys cascade),
/// and its search row.
pub(super) fn delete_event(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM event WHERE id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM event_fts WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

/// Brings the event's full-text search row up to date (or removes it, if the event is gone).
pub(super) fn refresh_search(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM event_fts WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached(FTS_FILL_ONE)?.execute([id])?;
    Ok(())
}

/// Overwrites an event's own fields (not its links). With `keep_key`, a `None` key leaves the
/// stored key as it is (an import record without a key); without, it clears it (an edit).
pub(super) fn update_event_row(
    conn: &Connection,
    id: i64,
    event: &NewEvent,
    stamp: &str,
    keep_key: bool,
) -> Result<()> {
    let sql = if keep_key {
        "UPDATE event SET key = coalesce(?2, key), title = ?3, kind = ?4, start_date = ?5,
                end_date = ?6, mode = ?7, location = ?8, region = ?9, project = ?10,
                description = ?11, source = ?12, updated_at = ?13, title_key = ?14
          WHERE id = ?1"
    } else {
        "UPDATE event SET key = ?2, title = ?3, kind = ?4, start_date = ?5,
                end_date = ?6, mode = ?7, location = ?8, region = ?9, project = ?10,
                description = ?11, source = ?12, updated_at = ?13, title_key = ?14
          WHERE id = ?1"
    };
    write_event_row(
        conn,
        sql,
        Some(id),
        event.key.as_deref(),
        event,
        (&iso(event.start), &iso(event.end)),
        stamp,
    )
}

/// Runs an INSERT or UPDATE of an event's own fields, whose parameters are `?1` the id (none
/// for a new event), then its fields in table order (`?2` is `key`, which stands for the
/// event's, and `?5`, `?6` its dates, as written), `?13` the time and `?14` the title key.
fn write_event_row(
    conn: &Connection,
    sql: &str,
    id: Option<i64>,
    key: Option<&str>,
    event: &NewEvent,
    (start, end): (&str, &str),
    stamp: &str,
) -> Result<()> {
    conn.prepare_cached(sql)?.execute(params![
        id,
        key,
        event.title,
        event.kind,
        start,
        end,
        event.mode.map(Mode::as_str),
        event.location,
        event.region,
        event.project,
        event.description,
        event.source,
        stamp,
        name_key(&event.title),
    ])?;
    Ok(())
}

/// Marks an event as changed now.
pub(super) fn touch_event(conn: &Connection, id: i64, stamp: &str) -> Result<()> {
    conn.prepare_cached("UPDATE event SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id, stamp])?;
    Ok(())
}

/// Writes an event's tags, organizations, sessions and participants.
pub(super) fn insert_links(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
) -> Result<Links> {
    insert_tags(conn, event_id, &event.tags)?;
    // Organizers first; then partners, none of which may be one of them.
    let organizers = insert_orgs(
        conn,
        names,
        event_id,
        OrgRole::Organizer,
        &event.organizers,
        stamp,
        &[],
    )?;
    let organizer_ids: Vec<i64> = organizers.iter().map(|o| o.id).collect();
    let partners = insert_orgs(
        conn,
        names,
        event_id,
        OrgRole::Partner,
        &event.partners,
        stamp,
        &organizer_ids,
    )?;
    // Its sessions, then those its participants name, in that order.
    let named_sessions = event.sessions.iter().map(String::as_str).chain(
        event
            .participants
            .iter()
            .filter_map(|p| p.session.as_deref()),
    );
    let mut sessions = Sessions::of_new_event(conn, event_id, named_sessions)?;
    let mut once = OnceEach::default();
    // The names of each row of `once`, index for index.
    let mut named: Vec<Refs> = Vec::with_capacity(event.participants.len());
    for p in &event.participants {
        let refs = participant_named(conn, names, &mut sessions, event_id, p, stamp)?;
        once.add(refs.ids, p);
        if once.rows.len() > named.len() {
            named.push(refs);
        }
    }
    let first = insert_participations(conn, event_id, &once.rows, stamp)?;
    let mut participants = Vec::with_capacity(once.rows.len());
    for ((id, (_, p, head)), refs) in (first..).zip(once.rows).zip(named) {
        participants.push(ParticipationState {
            id,
            person: refs.person,
            organization: refs.organization,
            position: p.position.clone(),
            role: p.role.clone(),
            session: refs.session,
            contribution: p.contribution.clone(),
            head,
            created_at: stamp.to_string(),
        });
    }
    Ok(Links {
        organizers,
        partners,
        sessions: sessions.names(),
        participants,
    })
}

/// At most this many rows go in one `INSERT` of an event's links: one statement run instead
/// of one a row (its start and end, its cursors and the `AUTOINCREMENT` counter's read and
/// write paid once), and few enough shapes of statement to stay in the statement cache.
const ROWS_PER_INSERT: usize = 8;

/// Inserts rows of `width` values each (`values`, row after row) into `into`, a table and
/// its columns (`event_tag (event_id, ord, tag)`), several rows a statement. Returns the
/// rowid of the first row inserted: the rows of a rowid table get consecutive ids (the
/// transaction holds the write lock, and new ids are the largest so far plus one), the last
/// one's given by SQLite.
///
/// `INSERT OR FAIL`: a row refused leaves those before it written, where the default
/// (`ABORT`) takes back the whole statement, and so must copy each page the statement
/// changes to a statement journal first (a tenth of a large import's writing, measured
/// with `perf`). Every write of this store is one transaction that an error rolls back
/// whole, so nothing is left half-written; a caller that goes on after an error removes
/// what the statement wrote (see `insert_participations`).
pub(super) fn insert_rows(
    conn: &Connection,
    into: &str,
    width: usize,
    values: &[&dyn ToSql],
) -> rusqlite::Result<i64> {
    const INSERT: &str = "INSERT OR FAIL INTO ";
    let rows = values.len() / width;
    for chunk in values.chunks(width * ROWS_PER_INSERT) {
        let n = chunk.len() / width;
        let mut sql = String::with_capacity(INSERT.len() + into.len() + 8 + n * (width * 2 + 3));
        sql.push_str(INSERT);
        sql.push_str(into);
        sql.push_str(" VALUES ");
        for row in 0..n {
            if row > 0 {
                sql.push(',');
            }
            sql.push('(');
            for column in 0..width {
                if column > 0 {
                    sql.push(',');
                }
                sql.push('?');
            }
            sql.push(')');
        }
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(chunk.iter()))?;
    }
    Ok(conn.last_insert_rowid() - rows as i64 + 1)
}

fn insert_tags(conn: &Connection, event_id: i64, tags: &[String]) -> Result<()> {
    let ords: Vec<i64> = (0..tags.len() as i64).collect();
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(tags.len() * 3);
    for (ord, tag) in ords.iter().zip(tags) {
        values.extend([&event_id as &dyn ToSql, ord, tag]);
    }
    insert_rows(conn, "event_tag (event_id, ord, tag)", 3, &values)?;
    Ok(())
}

/// Links the organizations `orgs` to the event in `role`; returns them, by id and own name.
/// None may be one of `others`, the organizations linked in the other role (compared as
/// organizations: two names of one are one).
fn insert_orgs(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    role: OrgRole,
    orgs: &[String],
    stamp: &str,
    others: &[i64],
) -> Result<Vec<Named>> {
    // Two names of one organization (its name and an alias) are one link.
    let mut linked: Vec<Named> = Vec::with_capacity(orgs.len());
    for name in orgs {
        let (org, _) = names.named(conn, EntityKind::Organization, name, stamp)?;
        if linked.iter().any(|l| l.id == org.id) {
            continue;
        }
        if others.contains(&org.id) {
            return Err(StoreError::BothRoles {
                role,
                name: name.clone(),
                stored: org.name,
            });
        }
        linked.push(org);
    }
    let role = role.as_str();
    let ords: Vec<i64> = (0..linked.len() as i64).collect();
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(linked.len() * 4);
    for (ord, org) in ords.iter().zip(&linked) {
        values.extend([&event_id as &dyn ToSql, &role, ord, &org.id]);
    }
    insert_rows(
        conn,
        "event_organization (event_id, role, ord, organization_id)",
        4,
        &values,
    )?;
    Ok(linked)
}

/// Replaces an event's tags.
pub(super) fn replace_event_tags(conn: &Connection, event_id: i64, tags: &[String]) -> Result<()> {
    conn.prepare_cached("DELETE FROM event_tag WHERE event_id = ?1")?
        .execute([event_id])?;
    insert_tags(conn, event_id, tags)
}

/// Replaces an event's organizers, partners, or both, with `event`'s.
pub(super) fn replace_event_orgs(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
    organizers: bool,
    partners: bool,
) -> Result<()> {
    let lists = [
        (OrgRole::Organizer, &event.organizers, organizers),
        (OrgRole::Partner, &event.partners, partners),
    ];
    // Both lists go before either is written again: an organization may move from one to
    // the other.
    for (role, _, replace) in lists {
        if replace {
            conn.prepare_cached(
                "DELETE FROM event_organization WHERE event_id = ?1 AND role = ?2",
            )?
            .execute(params![event_id, role.as_str()])?;
        }
    }
    for (role, list, replace) in lists {
        if replace {
            // The other role's organizations as they are now (kept, or just written).
            let other = match role {
                OrgRole::Organizer => OrgRole::Partner,
                OrgRole::Partner => OrgRole::Organizer,
            };
            let others = conn
                .prepare_cached(
                    "SELECT organization_id FROM event_organization
                      WHERE event_id = ?1 AND role = ?2",
                )?
                .query_map(params![event_id, other.as_str()], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            insert_orgs(conn, names, event_id, role, list, stamp, &others)?;
        }
    }
    Ok(())
}

/// The person, organization and session a participation refers to, created if new.
pub(super) fn participant_refs(
    conn: &Connection,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<ParticipantRefs> {
    Ok(participant_named(conn, names, sessions, event_id, p, stamp)?.ids)
}

/// What a participation refers to: by id, and as the log shows it (own names, the
/// session's name as stored).
struct Refs {
    ids: ParticipantRefs,
    person: Named,
    organization: Option<Named>,
    session: Option<String>,
}

/// The person, organization and session a participation refers to, created if new, by id
/// and by name.
fn participant_named(
    conn: &Connection,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<Refs> {
    let (person, _) = names.named(conn, EntityKind::Person, &p.name, stamp)?;
    let organization = match &p.organization {
        Some(name) => Some(names.named(conn, EntityKind::Organization, name, stamp)?.0),
        None => None,
    };
    let session = match &p.session {
        Some(name) => {
            let (id, stored) = sessions.session(conn, event_id, name)?;
            Some((id, stored.to_string()))
        }
        None => None,
    };
    Ok(Refs {
        ids: ParticipantRefs {
            person: person.id,
            organization: organization.as_ref().map(|o| o.id),
            session: session.as_ref().map(|s| s.0),
        },
        person,
        organization,
        session: session.map(|s| s.1),
    })
}

/// The participation of the event that records the same as `p` (see [`Sameness`]), if any,
/// other than `except`. Nothing is created to find out: a name not known yet is in no
/// participation.
pub(super) fn same_participation(
    conn: &Connection,
    event_id: i64,
    p: &NewParticipant,
    except: Option<i64>,
) -> Result<Option<i64>> {
    let Some(person) = person_id(conn, &p.name)? else {
        return Ok(None);
    };
    let organization = match &p.organization {
        None => None,
        Some(name) => match organization_id(conn, name)? {
            Some(id) => Some(id),
            None => return Ok(None),
        },
    };
    let session = match &p.session {
        None => None,
        Some(name) => match session_id(conn, event_id, name)? {
            Some(id) => Some(id),
            None => return Ok(None),
        },
    };
    let same = Sameness::new(
        ParticipantRefs {
            person,
            organization,
            session,
        },
        p,
    );
    Ok(conn
        .prepare_cached(
            // Texts compared as the filters compare them: case and spacing aside.
            "SELECT id FROM participation
              WHERE person_id = ?2 AND event_id = ?1 AND organization_id IS ?3
                AND events_key(position) IS ?4 AND events_key(role) IS ?5
                AND session_id IS ?6 AND events_key(contribution) IS ?7 AND id IS NOT ?8
              ORDER BY id LIMIT 1",
        )?
        .query_row(
            params![
                event_id,
                same.refs.person,
                same.refs.organization,
                same.position,
                same.role,
                same.refs.session,
                same.contribution,
                except
            ],
            |r| r.get(0),
        )
        .optional()?)
}

/// The head of the delegation of organization `organization` at event `event_id`, other than
/// participation `except`, as the error a second head is refused with; `Ok(())` when it has
/// none.
pub(super) fn check_head(
    conn: &Connection,
    event_id: i64,
    organization: i64,
    except: Option<i64>,
) -> Result<()> {
    let head: Option<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT p.id, pe.name, o.name FROM participation p
               JOIN person pe ON pe.id = p.person_id
               JOIN organization o ON o.id = p.organization_id
              WHERE p.event_id = ?1 AND p.organization_id = ?2 AND p.head AND p.id IS NOT ?3",
        )?
        .query_row(params![event_id, organization, except], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match head {
        None => Ok(()),
        Some((participation, head, organization)) => Err(StoreError::HeadTaken {
            event: event_id,
            organization,
            head,
            participation,
        }),
    }
}

/// Whether an error is a constraint's refusal of a row (the transaction goes on).
fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// Whether an error is the database refusing a second head of one delegation (the partial
/// unique index `participation_head`): the checks before writing missed it.
fn is_second_head(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(message))
        if f.code == rusqlite::ErrorCode::ConstraintViolation
            && message.contains("participation.event_id, participation.organization_id"))
}

/// A write of participation `p` (`id`, once written) of event `event_id` for organization
/// `organization`: a second head of its delegation, refused by the database, as the error
/// that names the head there.
fn head_error(
    conn: &Connection,
    e: rusqlite::Error,
    event_id: i64,
    organization: Option<i64>,
    id: Option<i64>,
) -> StoreError {
    match organization {
        Some(org) if is_second_head(&e) => match check_head(conn, event_id, org, id) {
            Err(taken) => taken,
            Ok(()) => e.into(),
        },
        _ => e.into(),
    }
}

/// Marks participation `id` as the head of its delegation, or not.
pub(super) fn set_head(conn: &Connection, id: i64, head: bool) -> Result<()> {
    conn.prepare_cached("UPDATE participation SET head = ?2 WHERE id = ?1")?
        .execute(params![id, head])?;
    Ok(())
}

pub(super) fn insert_participant(
    conn: &Connection,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    let refs = participant_refs(conn, names, sessions, event_id, p, stamp)?;
    insert_participation(conn, event_id, refs, p, stamp)
}

/// Writes one participation whose person, organization and session are `refs`.
/// Overwrites what participation `id` records (its event stays); so it keeps its id.
pub(super) fn update_participation(
    conn: &Connection,
    id: i64,
    refs: ParticipantRefs,
    p: &NewParticipant,
) -> Result<()> {
    let event_id: i64 = conn
        .prepare_cached("SELECT event_id FROM participation WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    conn.prepare_cached(
        "UPDATE participation SET person_id = ?2, organization_id = ?3, position = ?4,
                role = ?5, session_id = ?6, contribution = ?7, head = ?8
          WHERE id = ?1",
    )?
    .execute(params![
        id,
        refs.person,
        refs.organization,
        p.position,
        p.role,
        refs.session,
        p.contribution,
        p.head
    ])
    .map_err(|e| head_error(conn, e, event_id, refs.organization, Some(id)))?;
    Ok(())
}

/// Writes the participations of a new event (each row's person, organization and session
/// given); returns the id of the first, the others following it.
fn insert_participations(
    conn: &Connection,
    event_id: i64,
    rows: &[(ParticipantRefs, &NewParticipant, bool)],
    stamp: &str,
) -> Result<i64> {
    let mut first = None;
    // The last row written (ids only grow): the event is new, so its rows after this one
    // are those of a statement that failed.
    let mut last = 0;
    for rows in rows.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(rows.len() * 9);
        for (refs, p, head) in rows {
            values.extend([
                &event_id as &dyn ToSql,
                &refs.person,
                &refs.organization,
                &p.position,
                &p.role,
                &refs.session,
                &p.contribution,
                &stamp,
                head,
            ]);
        }
        match insert_rows(
            conn,
            "participation (event_id, person_id, organization_id, position, role,
                                        session_id, contribution, created_at, head)",
            9,
            &values,
        ) {
            Ok(id) => {
                first.get_or_insert(id);
                last = id + rows.len() as i64 - 1;
            }
            // Refused (a second head of a delegation, say): the rows before the one refused
            // were written (`insert_rows`); taken back, then written again one at a time, so
            // that the row refused says why. (Any other failure, a full disk say, may have
            // ended the transaction: said as it is.)
            Err(e) if is_constraint(&e) && !conn.is_autocommit() => {
                conn.prepare_cached("DELETE FROM participation WHERE event_id = ?1 AND id > ?2")?
                    .execute(params![event_id, last])?;
                for (refs, p, head) in rows {
                    let p = NewParticipant {
                        head: *head,
                        ..(*p).clone()
                    };
                    insert_participation(conn, event_id, *refs, &p, stamp)?;
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    // No rows: no id (the caller numbers none).
    Ok(first.unwrap_or(0))
}

fn insert_participation(
    conn: &Connection,
    event_id: i64,
    refs: ParticipantRefs,
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO participation (event_id, person_id, organization_id, position, role,
                                    session_id, contribution, created_at, head)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        event_id,
        refs.person,
        refs.organization,
        p.position,
        p.role,
        refs.session,
        p.contribution,
        stamp,
        p.head
    ])
    .map_err(
        |e| match head_error(conn, e, event_id, refs.organization, None) {
            taken @ StoreError::HeadTaken { .. } => taken,
            other => StoreError::Context {
                context: format!("recording participant {:?}", p.name),
                source: Box::new(other),
            },
        },
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::sqlite::SqliteStore;

    /// The database's own refusal of a second head (the commands check first; this is the
    /// backstop): the same error as the check gives, naming the head there.
    #[test]
    fn the_database_refuses_a_second_head_naming_the_first() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let event = crate::model::test_event(
            r#"{"title": "A", "start": "2021-01-01",
                "participants": [{"name": "X", "organization": "O", "head": true}]}"#,
        );
        let id = Store::add_event(&mut store, &event).unwrap().id;
        let p = NewParticipant {
            name: "Y".into(),
            organization: Some("o".into()),
            position: None,
            role: None,
            session: None,
            contribution: None,
            head: true,
        };
        let err = insert_participant(
            &store.conn,
            &mut Names::default(),
            &mut Sessions::default(),
            id,
            &p,
            "2021-01-01T00:00:00Z",
        )
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::HeadTaken { participation: 1, head, organization, .. }
                if head == "X" && organization == "O"),
            "{err:?}"
        );
        // Not a head: welcome.
        let member = NewParticipant { head: false, ..p };
        insert_participant(
            &store.conn,
            &mut Names::default(),
            &mut Sessions::default(),
            id,
            &member,
            "2021-01-01T00:00:00Z",
        )
        .unwrap();
    }

    /// A second head among a new event's rows, past the checks: the rows the statement
    /// wrote before the one refused are taken back before each is written again alone, so
    /// each is there once and the error names the first head.
    #[test]
    fn a_refused_row_among_several_leaves_each_row_before_it_once() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        // The people and their organization, from another event.
        let other = crate::model::test_event(
            r#"{"title": "A", "start": "2021-01-01",
                "participants": [{"name": "X", "organization": "O"},
                                 {"name": "Y"}, {"name": "Z"}]}"#,
        );
        Store::add_event(&mut store, &other).unwrap();
        let event = crate::model::test_event(r#"{"title": "B", "start": "2021-01-02"}"#);
        let id = Store::add_event(&mut store, &event).unwrap().id;
        let ids = |table: &str, name: &str| -> i64 {
            store
                .conn
                .query_row(
                    &format!("SELECT {table}_id FROM {table}_name WHERE name = ?1"),
                    [name],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let org = Some(ids("organization", "O"));
        let refs = |name| ParticipantRefs {
            person: ids("person", name),
            organization: org,
            session: None,
        };
        let p = |name: &str, head| NewParticipant {
            name: name.into(),
            organization: Some("O".into()),
            position: None,
            role: None,
            session: None,
            contribution: None,
            head,
        };
        let (y, x, z) = (p("Y", false), p("X", true), p("Z", true));
        // As every write runs: in a transaction.
        store.conn.execute_batch("BEGIN").unwrap();
        let err = insert_participations(
            &store.conn,
            id,
            &[
                (refs("Y"), &y, false),
                (refs("X"), &x, true),
                (refs("Z"), &z, true),
            ],
            "2021-01-01T00:00:00Z",
        )
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::HeadTaken { head, .. } if head == "X"),
            "{err:?}"
        );
        let rows: Vec<i64> = store
            .conn
            .prepare("SELECT person_id FROM participation WHERE event_id = ?1 ORDER BY id")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, [refs("Y").person, refs("X").person]);
    }
}
