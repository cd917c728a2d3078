//! Reading events: the columns of an event row, and the statements that load its links (tags,
//! organizations, sessions, participants).

use rusqlite::{Connection, OptionalExtension, Row};

use crate::model::{Event, Mode, OrgRole, Participant, name_key};
use crate::store::error::Result;

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

/// The columns of [`EVENT_COLUMNS`] a one-line summary shows (the others read as NULL), then
/// its organizers as a JSON array and how many people took part, in one statement.
pub(super) const SUMMARY_COLUMNS: &str = "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
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
    "SELECT p.id, pe.name, o.name, p.position, p.role, s.name, p.contribution, p.head
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
                    head: r.get(7)?,
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
