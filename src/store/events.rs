//! Queries and writes on events and everything linked to them.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter, types::Value};

use super::Store;
use super::entity::{Entity, ORGANIZATION, PERSON, find, find_by_key};
use super::schema::FTS_FILL_ONE;
use crate::model::{
    Event, EventFilter, EventRef, Identity, LinkRole, Mode, NewEvent, NewParticipant, OrgRole,
    Participant, Sort, generated_key, name_key,
};

/// The moment a row is written, as stored in `created_at` and `updated_at`.
pub(super) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What `add_participant` did, with the participation's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantAdded {
    New(i64),
    /// Nothing: an identical participation was there, this one.
    AlreadyThere(i64),
}

impl Store {
    /// The event a reference names, if any.
    pub fn resolve_event(&self, reference: &EventRef) -> Result<Option<i64>> {
        resolve_event(&self.conn, reference)
    }

    /// The stored keys equal to `text` but for case (`text` itself included, if stored): what
    /// a reference that found nothing may have meant.
    pub fn keys_like(&self, text: &str) -> Result<Vec<String>> {
        keys_like(&self.conn, text)
    }

    /// Records a new event with its organizations, tags, sessions and participants, in one
    /// transaction; one without a key is given one (see [`generated_key`]).
    pub fn add_event(&mut self, event: &NewEvent) -> Result<Identity> {
        let tx = self.write()?;
        if let Some(key) = &event.key
            && let Some(id) = event_with_key(&tx, key)?
        {
            bail!("an event with key {key:?} already exists (id {id}); choose another --key");
        }
        let added = insert_event(&tx, &mut Names::default(), event, &now())?;
        refresh_search(&tx, added.id)?;
        tx.commit()?;
        Ok(added)
    }

    /// Records one participation in an existing event, unless an identical one (see
    /// [`Sameness`]) is there already.
    pub fn add_participant(
        &mut self,
        event_id: i64,
        p: &NewParticipant,
    ) -> Result<ParticipantAdded> {
        let tx = self.write()?;
        // A participation is recorded once: asking for it again finds the one there.
        if let Some(id) = same_participation(&tx, event_id, p, None)? {
            return Ok(ParticipantAdded::AlreadyThere(id));
        }
        let stamp = now();
        let id = insert_participant(
            &tx,
            &mut Names::default(),
            &mut Sessions::default(),
            event_id,
            p,
            &stamp,
        )?;
        touch_event(&tx, event_id, &stamp)?;
        refresh_search(&tx, event_id)?;
        tx.commit()?;
        Ok(ParticipantAdded::New(id))
    }

    /// The first event with the same title (compared case-insensitively) and start date, if
    /// any.
    pub fn find_same_event(&self, title: &str, start: NaiveDate) -> Result<Option<Identity>> {
        Ok(same_events(&self.conn, title, start)?.into_iter().next())
    }

    /// The events that pass `filter`, in its order, with all their links.
    pub fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        self.each_event(filter, |event| {
            events.push(event);
            Ok(())
        })?;
        Ok(events)
    }

    /// The events that pass `filter`, in its order, with what a one-line summary shows: their
    /// organizers and how many participations they have (no tags, sessions or participants).
    pub fn list_summaries(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let Some((sql, values)) = event_query(&self.conn, filter, SUMMARY_COLUMNS)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let events = stmt
            .query_map(params_from_iter(values), |row| {
                let mut event = event_from_row(row)?;
                let organizers: String = row.get(14)?;
                // json_group_array of TEXT values: always an array of strings.
                event.organizers = serde_json::from_str(&organizers).unwrap_or_default();
                event.participant_count = usize::try_from(row.get::<_, i64>(15)?).unwrap_or(0);
                Ok(event)
            })
            .map_err(search_error)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(search_error)?;
        Ok(events)
    }

    /// Calls `f` with each event that passes `filter`, in the filter's order, holding one
    /// event at a time. All of it is read from one snapshot of the database.
    pub fn each_event(
        &self,
        filter: &EventFilter,
        mut f: impl FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let Some((sql, values)) = event_query(&tx, filter, EVENT_COLUMNS)? else {
                return Ok(()); // an organization or person no one has heard of
            };
            let mut stmt = tx.prepare(&sql)?;
            let mut links = LinkReader::new(&tx)?;
            let mut rows = stmt.query(params_from_iter(values)).map_err(search_error)?;
            while let Some(row) = rows.next().map_err(search_error)? {
                let mut event = event_from_row(row)?;
                links.load(&mut event)?;
                f(event)?;
            }
        }
        tx.finish()?;
        Ok(())
    }

    /// One event with all its links.
    pub fn get_event(&self, id: i64) -> Result<Option<Event>> {
        get_event(&self.conn, id)
    }

    /// The id of the person known by `name` (or an alias), if any.
    pub fn person_id(&self, name: &str) -> Result<Option<i64>> {
        person_id(&self.conn, name)
    }

    /// Up to `n` known organization names (or aliases) closest to `name`, closest first.
    pub fn similar_organizations(&self, name: &str, n: usize) -> Result<Vec<String>> {
        similar(&self.conn, "SELECT name FROM organization_name", name, n)
    }

    /// Up to `n` known names (or aliases) of people closest to `name`, closest first.
    pub fn similar_people(&self, name: &str, n: usize) -> Result<Vec<String>> {
        similar(&self.conn, "SELECT name FROM person_name", name, n)
    }

    /// The own name of the organization known by `name` (or an alias), if any.
    pub fn organization_name(&self, name: &str) -> Result<Option<String>> {
        Ok(find(&self.conn, &ORGANIZATION, name)?.map(|found| found.name))
    }

    /// The id of the organization known by `name` (case-insensitively), if any.
    pub fn organization_id(&self, name: &str) -> Result<Option<i64>> {
        organization_id(&self.conn, name)
    }
}

/// The SQL (and its bound values) that selects the events passing `filter`, in its order;
/// `None` when it names an organization or person that does not exist, so nothing can pass.
/// The text is put together from fixed fragments only: every value is a bound parameter.
pub(super) fn event_query(
    conn: &Connection,
    filter: &EventFilter,
    columns: &str,
) -> Result<Option<(String, Vec<Value>)>> {
    let mut sql = format!("SELECT {columns} FROM event e WHERE 1 = 1");
    let mut values: Vec<Value> = Vec::new();
    let text = |s: &str| Value::Text(s.to_string());
    if let Some(from) = filter.from {
        sql.push_str(" AND e.end_date >= ?");
        values.push(Value::Text(crate::dates::iso(from)));
    }
    if let Some(to) = filter.to {
        sql.push_str(" AND e.start_date <= ?");
        values.push(Value::Text(crate::dates::iso(to)));
    }
    if let Some(org) = &filter.org {
        let Some(org_id) = organization_id(conn, org)? else {
            return Ok(None);
        };
        let links = match filter.org_role {
            Some(LinkRole::Organizer) => {
                "SELECT event_id FROM event_organization WHERE organization_id = ? AND role = 'organizer'"
            }
            Some(LinkRole::Partner) => {
                "SELECT event_id FROM event_organization WHERE organization_id = ? AND role = 'partner'"
            }
            Some(LinkRole::Participant) => {
                "SELECT event_id FROM participation WHERE organization_id = ?"
            }
            None => {
                "SELECT event_id FROM event_organization WHERE organization_id = ?
                 UNION SELECT event_id FROM participation WHERE organization_id = ?"
            }
        };
        sql.push_str(&format!(" AND e.id IN ({links})"));
        let binds = if filter.org_role.is_none() { 2 } else { 1 };
        values.extend(std::iter::repeat_n(Value::Integer(org_id), binds));
    }
    match (&filter.person, &filter.role) {
        (Some(person), role) => {
            let Some(person_id) = person_id(conn, person)? else {
                return Ok(None);
            };
            sql.push_str(" AND e.id IN (SELECT event_id FROM participation WHERE person_id = ?");
            values.push(Value::Integer(person_id));
            if let Some(role) = role {
                sql.push_str(" AND events_key(role) = ?");
                values.push(Value::Text(name_key(role)));
            }
            sql.push(')');
        }
        (None, Some(role)) => {
            sql.push_str(
                " AND e.id IN (SELECT event_id FROM participation WHERE events_key(role) = ?)",
            );
            values.push(Value::Text(name_key(role)));
        }
        (None, None) => {}
    }
    if let Some(kind) = &filter.kind {
        sql.push_str(" AND e.kind = ?");
        values.push(text(kind));
    }
    if let Some(mode) = filter.mode {
        sql.push_str(" AND e.mode = ?");
        values.push(text(mode.as_str()));
    }
    if let Some(region) = &filter.region {
        sql.push_str(" AND events_key(e.region) = ?");
        values.push(Value::Text(name_key(region)));
    }
    if let Some(project) = &filter.project {
        sql.push_str(" AND instr(events_key(e.project), ?) > 0");
        values.push(Value::Text(name_key(project)));
    }
    for tag in &filter.tags {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM event_tag t WHERE t.event_id = e.id AND events_key(t.tag) = ?)",
        );
        values.push(Value::Text(name_key(tag)));
    }
    if let Some(search) = &filter.search {
        sql.push_str(" AND e.id IN (SELECT rowid FROM event_fts WHERE event_fts MATCH ?)");
        values.push(text(search));
    }
    sql.push_str(match filter.sort {
        Sort::Start => " ORDER BY e.start_date, e.id",
        Sort::StartDescending => " ORDER BY e.start_date DESC, e.id DESC",
        Sort::Title => " ORDER BY events_sort_key(e.title), e.title_key, e.start_date, e.id",
    });
    if let Some(limit) = filter.limit {
        sql.push_str(" LIMIT ?");
        values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    Ok(Some((sql, values)))
}

/// A failed full-text query says so, rather than in SQLite's words alone.
fn search_error(e: rusqlite::Error) -> anyhow::Error {
    let message = e.to_string();
    if message.contains("fts5") {
        anyhow::anyhow!("the --search text cannot be searched for: {message}")
    } else {
        e.into()
    }
}

/// The id of the organization known by `name` or an alias, if any.
pub(super) fn organization_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(find(conn, &ORGANIZATION, name)?.map(|found| found.id))
}

/// The id of the person known by `name` or an alias, if any.
pub(super) fn person_id(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(find(conn, &PERSON, name)?.map(|found| found.id))
}

/// The `n` names from `names_sql` most like `name`: those that contain it or that it contains
/// first, then by Jaro-Winkler similarity of their keys; none that are not alike at all.
fn similar(conn: &Connection, names_sql: &str, name: &str, n: usize) -> Result<Vec<String>> {
    let wanted = name_key(name);
    let mut stmt = conn.prepare(names_sql)?;
    let mut rows = stmt.query([])?;
    let mut scored: Vec<(f64, String)> = Vec::new();
    while let Some(row) = rows.next()? {
        let candidate: String = row.get(0)?;
        let key = name_key(&candidate);
        let mut score = strsim::jaro_winkler(&wanted, &key);
        if !wanted.is_empty() && (key.contains(&wanted) || wanted.contains(&key)) {
            score += 1.0;
        }
        if score >= 0.75 {
            scored.push((score, candidate));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(n);
    Ok(scored.into_iter().map(|(_, name)| name).collect())
}

/// The event a reference names, if any: an id is only ever looked up as an id, a key as a key.
pub(super) fn resolve_event(conn: &Connection, reference: &EventRef) -> Result<Option<i64>> {
    match reference {
        EventRef::Id(id) => Ok(conn
            .prepare_cached("SELECT id FROM event WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?),
        EventRef::Key(key) => event_with_key(conn, key),
    }
}

/// The stored keys equal to `text` but for case, `text` itself first if stored; a few at most.
/// Reads every key: only for a reference that found nothing.
pub(super) fn keys_like(conn: &Connection, text: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key FROM event WHERE events_key(key) = ?1 ORDER BY key = ?2 DESC, key LIMIT 5",
    )?;
    let keys = stmt
        .query_map(params![name_key(text), text], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// The event with this key, if any.
pub(super) fn event_with_key(conn: &Connection, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM event WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// The events with this title (compared as names are) and start date, oldest first; at most
/// a few, which is all a message needs.
pub(super) fn same_events(
    conn: &Connection,
    title: &str,
    start: NaiveDate,
) -> Result<Vec<Identity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key FROM event WHERE start_date = ?1 AND title_key = ?2 ORDER BY id LIMIT 5",
    )?;
    let found = stmt
        .query_map(params![start, name_key(title)], |r| {
            Ok(Identity {
                id: r.get(0)?,
                key: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found)
}

/// A key no event has, nor had, for an event with this title and start date:
/// [`generated_key`], else it with the next free `-2`, `-3`... suffix. A key an event had
/// before (removed, or renamed) is never generated again, so nothing that held it comes to
/// name another event. `next` remembers, per generated key, the last suffix given, so that
/// many events of one title and date (an import) cost one lookup each, not one per suffix
/// already taken.
pub(super) fn unique_key(
    conn: &Connection,
    title: &str,
    start: NaiveDate,
    next: &mut HashMap<String, u64>,
) -> rusqlite::Result<String> {
    let base = generated_key(title, start);
    let mut taken = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM event WHERE key = ?1)
             OR EXISTS (SELECT 1 FROM retired_key WHERE key = ?1)",
    )?;
    let mut n = match next.get(&base) {
        Some(&n) => n,
        None if !taken.query_row([&base], |r| r.get::<_, bool>(0))? => return Ok(base),
        None => highest_suffix(conn, &base)?,
    };
    loop {
        n += 1;
        let key = format!("{base}-{n}");
        if !taken.query_row([&key], |r| r.get::<_, bool>(0))? {
            if next.len() >= NAME_CACHE_LIMIT {
                next.clear();
            }
            next.insert(base, n);
            return Ok(key);
        }
    }
}

/// The largest `N` of the keys `BASE-N` that events have or had (1 when there is none: the
/// base itself is the first).
fn highest_suffix(conn: &Connection, base: &str) -> rusqlite::Result<u64> {
    // Every key that starts with `BASE-` sorts between `BASE-` and `BASE.` ('.' follows
    // '-'), so the indexes of both tables find them.
    let mut stmt = conn.prepare_cached(
        "SELECT key FROM event WHERE key > ?1 || '-' AND key < ?1 || '.'
         UNION ALL
         SELECT key FROM retired_key WHERE key > ?1 || '-' AND key < ?1 || '.'",
    )?;
    let keys = stmt.query_map([base], |r| r.get::<_, String>(0))?;
    let mut highest = 1;
    for key in keys {
        let key = key?;
        let suffix = key.get(base.len() + 1..).unwrap_or_default();
        if !suffix.is_empty()
            && suffix.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = suffix.parse::<u64>()
        {
            highest = highest.max(n);
        }
    }
    Ok(highest)
}

/// One event with all its links.
pub(super) fn get_event(conn: &Connection, id: i64) -> Result<Option<Event>> {
    let event = conn
        .prepare_cached(EVENT_BY_ID)?
        .query_row([id], event_from_row)
        .optional()?;
    match event {
        Some(mut event) => {
            load_links(conn, &mut event)?;
            Ok(Some(event))
        }
        None => Ok(None),
    }
}

/// Writes a new event and its links, giving it a key if it has none; returns its id and key.
pub(super) fn insert_event(
    conn: &Connection,
    names: &mut Names,
    event: &NewEvent,
    stamp: &str,
) -> Result<Identity> {
    let key = match &event.key {
        Some(key) => key.clone(),
        None => unique_key(conn, &event.title, event.start, &mut names.key_suffixes)?,
    };
    write_event_row(
        conn,
        "INSERT INTO event (id, key, title, kind, start_date, end_date, mode, location, region,
                            project, description, source, created_at, updated_at, title_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
        None,
        Some(&key),
        event,
        stamp,
    )?;
    let id = conn.last_insert_rowid();
    insert_links(conn, names, id, event, stamp)?;
    Ok(Identity { id, key })
}

/// Brings the event's full-text search row up to date (or removes it, if the event is gone).
pub(super) fn refresh_search(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM event_fts WHERE rowid = ?1")?
        .execute([id])?;
    conn.prepare_cached(FTS_FILL_ONE)?.execute([id])?;
    Ok(())
}

/// The event as it would read once stored: every organization and person under the name it
/// is stored under (an alias gives way to the name), and two names of one organization in a
/// list made one. What an update is compared by.
pub(super) fn canonical(conn: &Connection, event: &NewEvent) -> Result<NewEvent> {
    let own_name = |entity: &Entity, name: &str| -> Result<String> {
        Ok(find(conn, entity, name)?.map_or_else(|| name.to_string(), |found| found.name))
    };
    let org = |name: &str| own_name(&ORGANIZATION, name);
    let person = |name: &str| own_name(&PERSON, name);
    let orgs = |names: &[String]| -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            let name = org(name)?;
            if !out.iter().any(|o| name_key(o) == name_key(&name)) {
                out.push(name);
            }
        }
        Ok(out)
    };
    let mut event = event.clone();
    event.organizers = orgs(&event.organizers)?;
    event.partners = orgs(&event.partners)?;
    for p in &mut event.participants {
        p.name = person(&p.name)?;
        if let Some(o) = &p.organization {
            p.organization = Some(org(o)?);
        }
    }
    Ok(event)
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
    write_event_row(conn, sql, Some(id), event.key.as_deref(), event, stamp)
}

/// Runs an INSERT or UPDATE of an event's own fields, whose parameters are `?1` the id (none
/// for a new event), then its fields in table order (`?2` is `key`, which stands for the
/// event's), `?13` the time and `?14` the title key.
fn write_event_row(
    conn: &Connection,
    sql: &str,
    id: Option<i64>,
    key: Option<&str>,
    event: &NewEvent,
    stamp: &str,
) -> Result<()> {
    conn.prepare_cached(sql)?.execute(params![
        id,
        key,
        event.title,
        event.kind,
        event.start,
        event.end,
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

/// The columns of [`EVENT_COLUMNS`] a one-line summary shows (the others read as NULL), then
/// its organizers as a JSON array and how many people took part, in one statement.
const SUMMARY_COLUMNS: &str = "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
     NULL, NULL, NULL, NULL, NULL, e.created_at, e.updated_at, \
     (SELECT json_group_array(name) FROM (SELECT o.name FROM event_organization eo \
        JOIN organization o ON o.id = eo.organization_id \
       WHERE eo.event_id = e.id AND eo.role = 'organizer' ORDER BY eo.ord)), \
     (SELECT count(DISTINCT p.person_id) FROM participation p WHERE p.event_id = e.id)";

/// The columns [`event_from_row`] reads. A macro so that [`EVENT_BY_ID`] is a constant.
macro_rules! event_columns {
    () => {
        "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
         e.location, e.region, e.project, e.description, e.source, e.created_at, e.updated_at"
    };
}

pub(super) const EVENT_COLUMNS: &str = event_columns!();

const EVENT_BY_ID: &str = concat!("SELECT ", event_columns!(), " FROM event e WHERE e.id = ?1");

pub(super) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let mode: Option<String> = row.get(6)?;
    Ok(Event {
        id: row.get(0)?,
        key: row.get(1)?,
        title: row.get(2)?,
        kind: row.get(3)?,
        start: row.get(4)?,
        end: row.get(5)?,
        // The schema's CHECK admits only the three modes.
        mode: mode.as_deref().and_then(Mode::parse),
        location: row.get(7)?,
        region: row.get(8)?,
        project: row.get(9)?,
        description: row.get(10)?,
        source: row.get(11)?,
        created_at: row.get(12)?,
        updated_at: row.get(13)?,
        tags: Vec::new(),
        organizers: Vec::new(),
        partners: Vec::new(),
        sessions: Vec::new(),
        participants: Vec::new(),
        participant_count: 0,
    })
}

/// Loads an event's tags, organizations, sessions and participants.
pub(super) fn load_links(conn: &Connection, event: &mut Event) -> Result<()> {
    LinkReader::cached(conn)?.load(event)
}

/// The statements that read an event's links, prepared once for many events (a statement
/// looked up in rusqlite's cache for every event costs more than the query itself).
pub(super) struct LinkReader<'c> {
    tags: LinkStatement<'c>,
    orgs: LinkStatement<'c>,
    sessions: LinkStatement<'c>,
    participants: LinkStatement<'c>,
}

/// A statement of its own, or one borrowed from the connection's cache.
enum LinkStatement<'c> {
    Own(rusqlite::Statement<'c>),
    Cached(rusqlite::CachedStatement<'c>),
}

impl<'c> std::ops::Deref for LinkStatement<'c> {
    type Target = rusqlite::Statement<'c>;
    fn deref(&self) -> &Self::Target {
        match self {
            LinkStatement::Own(s) => s,
            LinkStatement::Cached(s) => s,
        }
    }
}

impl std::ops::DerefMut for LinkStatement<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            LinkStatement::Own(s) => s,
            LinkStatement::Cached(s) => s,
        }
    }
}

const LINK_TAGS: &str = "SELECT tag FROM event_tag WHERE event_id = ?1 ORDER BY ord";
const LINK_ORGS: &str = "SELECT eo.role, o.name FROM event_organization eo
       JOIN organization o ON o.id = eo.organization_id
      WHERE eo.event_id = ?1 ORDER BY eo.role, eo.ord";
const LINK_SESSIONS: &str = "SELECT name FROM session WHERE event_id = ?1 ORDER BY id";
const LINK_PARTICIPANTS: &str =
    "SELECT p.id, pe.name, o.name, p.position, p.role, s.name, p.contribution
       FROM participation p
       JOIN person pe ON pe.id = p.person_id
       LEFT JOIN organization o ON o.id = p.organization_id
       LEFT JOIN session s ON s.id = p.session_id
      WHERE p.event_id = ?1 ORDER BY p.id";

impl<'c> LinkReader<'c> {
    /// Statements prepared for this reader alone: for a loop over many events.
    pub(super) fn new(conn: &'c Connection) -> Result<Self> {
        Ok(LinkReader {
            tags: LinkStatement::Own(conn.prepare(LINK_TAGS)?),
            orgs: LinkStatement::Own(conn.prepare(LINK_ORGS)?),
            sessions: LinkStatement::Own(conn.prepare(LINK_SESSIONS)?),
            participants: LinkStatement::Own(conn.prepare(LINK_PARTICIPANTS)?),
        })
    }

    /// Statements from the connection's cache: for one event now and then.
    pub(super) fn cached(conn: &'c Connection) -> Result<Self> {
        Ok(LinkReader {
            tags: LinkStatement::Cached(conn.prepare_cached(LINK_TAGS)?),
            orgs: LinkStatement::Cached(conn.prepare_cached(LINK_ORGS)?),
            sessions: LinkStatement::Cached(conn.prepare_cached(LINK_SESSIONS)?),
            participants: LinkStatement::Cached(conn.prepare_cached(LINK_PARTICIPANTS)?),
        })
    }

    pub(super) fn load(&mut self, event: &mut Event) -> Result<()> {
        event.tags = self
            .tags
            .query_map([event.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        event.organizers.clear();
        event.partners.clear();
        let mut rows = self.orgs.query([event.id])?;
        while let Some(row) = rows.next()? {
            let role: String = row.get(0)?;
            let name: String = row.get(1)?;
            if role == OrgRole::Organizer.as_str() {
                event.organizers.push(name);
            } else {
                event.partners.push(name);
            }
        }
        event.sessions = self
            .sessions
            .query_map([event.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        event.participants = self
            .participants
            .query_map([event.id], |r| {
                Ok(Participant {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    organization: r.get(2)?,
                    position: r.get(3)?,
                    role: r.get(4)?,
                    session: r.get(5)?,
                    contribution: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // People, not participations: one person in two sessions is one.
        let mut people: Vec<String> = event
            .participants
            .iter()
            .map(|p| name_key(&p.name))
            .collect();
        people.sort_unstable();
        people.dedup();
        event.participant_count = people.len();
        Ok(())
    }
}

/// Writes an event's tags, organizations, sessions and participants.
pub(super) fn insert_links(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
) -> Result<()> {
    insert_tags(conn, event_id, &event.tags)?;
    insert_orgs(
        conn,
        names,
        event_id,
        OrgRole::Organizer,
        &event.organizers,
        stamp,
    )?;
    insert_orgs(
        conn,
        names,
        event_id,
        OrgRole::Partner,
        &event.partners,
        stamp,
    )?;
    let mut sessions = Sessions::default();
    for name in &event.sessions {
        sessions.id(conn, event_id, name)?;
    }
    // Identical participations (see [`Sameness`]) are recorded once.
    let mut seen: Vec<Sameness> = Vec::with_capacity(event.participants.len());
    for p in &event.participants {
        let refs = participant_refs(conn, names, &mut sessions, event_id, p, stamp)?;
        let same = sameness(refs, p);
        if !seen.contains(&same) {
            insert_participation(conn, event_id, refs, p, stamp)?;
            seen.push(same);
        }
    }
    Ok(())
}

fn insert_tags(conn: &Connection, event_id: i64, tags: &[String]) -> Result<()> {
    let mut insert =
        conn.prepare_cached("INSERT INTO event_tag (event_id, ord, tag) VALUES (?1, ?2, ?3)")?;
    for (ord, tag) in tags.iter().enumerate() {
        insert.execute(params![event_id, ord as i64, tag])?;
    }
    Ok(())
}

fn insert_orgs(
    conn: &Connection,
    names: &mut Names,
    event_id: i64,
    role: OrgRole,
    orgs: &[String],
    stamp: &str,
) -> Result<()> {
    // Two names of one organization (its name and an alias) are one link.
    let mut linked = Vec::with_capacity(orgs.len());
    for name in orgs {
        let org = names.organization(conn, name, stamp)?;
        if linked.contains(&org) {
            continue;
        }
        // Names that differ can still be one organization's: refused in the other role too.
        let other: Option<String> = conn
            .prepare_cached(
                "SELECT o.name FROM event_organization eo JOIN organization o ON o.id = eo.organization_id
                  WHERE eo.event_id = ?1 AND eo.organization_id = ?2 AND eo.role <> ?3",
            )?
            .query_row(params![event_id, org, role.as_str()], |r| r.get(0))
            .optional()?;
        if let Some(own) = other {
            let already = match role {
                OrgRole::Organizer => "a partner",
                OrgRole::Partner => "an organizer",
            };
            let as_own = if name_key(&own) == name_key(name) {
                String::new()
            } else {
                format!(", as {own:?}")
            };
            bail!(
                "{} {name:?} is already {already} of the event{as_own}; an organization is the organizer or a partner of an event, not both",
                role.as_str()
            );
        }
        conn.prepare_cached(
            "INSERT INTO event_organization (event_id, role, ord, organization_id)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![event_id, role.as_str(), linked.len() as i64, org])?;
        linked.push(org);
    }
    Ok(())
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
            insert_orgs(conn, names, event_id, role, list, stamp)?;
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
) -> Result<(i64, Option<i64>, Option<i64>)> {
    let person = names.person(conn, &p.name, stamp)?;
    let org = match &p.organization {
        Some(name) => Some(names.organization(conn, name, stamp)?),
        None => None,
    };
    let session = match &p.session {
        Some(name) => Some(sessions.id(conn, event_id, name)?),
        None => None,
    };
    Ok((person, org, session))
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

/// What makes two participations of one event the same, as merges compare them: the same
/// person, organization and session (by id), and the same position, role and contribution,
/// case and spacing aside.
type Sameness = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn sameness(refs: (i64, Option<i64>, Option<i64>), p: &NewParticipant) -> Sameness {
    (
        refs.0,
        refs.1,
        refs.2,
        p.position.as_deref().map(name_key),
        p.role.as_deref().map(name_key),
        p.contribution.as_deref().map(name_key),
    )
}

/// The participation of the event that records the same as `p` (see [`Sameness`]), if any,
/// other than `except`.
pub(super) fn same_participation(
    conn: &Connection,
    event_id: i64,
    p: &NewParticipant,
    except: Option<i64>,
) -> Result<Option<i64>> {
    let Some(person) = person_id(conn, &p.name)? else {
        return Ok(None);
    };
    let org = match &p.organization {
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
    let (person, org, session, position, role, contribution) = sameness((person, org, session), p);
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
                person,
                org,
                position,
                role,
                session,
                contribution,
                except
            ],
            |r| r.get(0),
        )
        .optional()?)
}

/// Writes one participation whose person, organization and session are `refs`.
fn insert_participation(
    conn: &Connection,
    event_id: i64,
    (person, org, session): (i64, Option<i64>, Option<i64>),
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO participation (event_id, person_id, organization_id, position, role,
                                    session_id, contribution, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        event_id,
        person,
        org,
        p.position,
        p.role,
        session,
        p.contribution,
        stamp
    ])
    .with_context(|| format!("recording participant {:?}", p.name))?;
    Ok(conn.last_insert_rowid())
}

/// Finds organizations and people by name, creating them when new, and remembers the ids it
/// has seen so that a long import does not look the same name up a thousand times.
#[derive(Default)]
pub(super) struct Names {
    orgs: HashMap<String, i64>,
    people: HashMap<String, i64>,
    /// How many organizations were created through this cache.
    pub orgs_created: u64,
    /// How many people were created through this cache.
    pub people_created: u64,
    /// The last suffix given to each generated key (see [`unique_key`]).
    pub key_suffixes: HashMap<String, u64>,
}

/// Past this many remembered names, the cache starts afresh, so memory stays bounded.
const NAME_CACHE_LIMIT: usize = 200_000;

/// Finds the entity known by `name`, creating it if new; `created` counts creations.
fn find_or_create(
    conn: &Connection,
    entity: &Entity,
    cache: &mut HashMap<String, i64>,
    created: &mut u64,
    name: &str,
    stamp: &str,
) -> Result<i64> {
    let key = name_key(name);
    if let Some(&id) = cache.get(&key) {
        return Ok(id);
    }
    let id = match find_by_key(conn, entity, &key)? {
        Some(found) => found.id,
        None => {
            conn.prepare_cached(entity.insert)?
                .execute(params![name, stamp])?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(entity.insert_name)?
                .execute(params![key, id, name])?;
            *created += 1;
            id
        }
    };
    if cache.len() >= NAME_CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, id);
    Ok(id)
}

impl Names {
    /// Forgets every name seen: after a merge, a name may belong to another entity.
    pub(super) fn forget(&mut self) {
        self.orgs.clear();
        self.people.clear();
    }

    /// The organization known by `name`, created if new.
    pub(super) fn organization(
        &mut self,
        conn: &Connection,
        name: &str,
        stamp: &str,
    ) -> Result<i64> {
        find_or_create(
            conn,
            &ORGANIZATION,
            &mut self.orgs,
            &mut self.orgs_created,
            name,
            stamp,
        )
    }

    /// The person known by `name`, created if new.
    pub(super) fn person(&mut self, conn: &Connection, name: &str, stamp: &str) -> Result<i64> {
        find_or_create(
            conn,
            &PERSON,
            &mut self.people,
            &mut self.people_created,
            name,
            stamp,
        )
    }
}

/// The sessions of one event met so far, by name key.
#[derive(Default)]
pub(super) struct Sessions(Vec<(String, i64)>);

impl Sessions {
    /// The session of the event called `name`, created if new.
    pub(super) fn id(&mut self, conn: &Connection, event_id: i64, name: &str) -> Result<i64> {
        let key = name_key(name);
        if let Some((_, id)) = self.0.iter().find(|(k, _)| *k == key) {
            return Ok(*id);
        }
        let id = session_for(conn, event_id, name, &key)?;
        self.0.push((key, id));
        Ok(id)
    }
}

/// The id of the event's session called `name`, if any.
pub(super) fn session_id(conn: &Connection, event_id: i64, name: &str) -> Result<Option<i64>> {
    session_by_key(conn, event_id, &name_key(name))
}

fn session_by_key(conn: &Connection, event_id: i64, key: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM session WHERE event_id = ?1 AND name_key = ?2")?
        .query_row(params![event_id, key], |r| r.get(0))
        .optional()?)
}

/// The session of the event called `name`, created if new.
fn session_for(conn: &Connection, event_id: i64, name: &str, key: &str) -> Result<i64> {
    if let Some(id) = session_by_key(conn, event_id, key)? {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO session (event_id, name, name_key) VALUES (?1, ?2, ?3)")?
        .execute(params![event_id, name, key])?;
    Ok(conn.last_insert_rowid())
}
