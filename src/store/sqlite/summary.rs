//! The summaries this backend keeps current (see [`crate::store::summary`]): a row per
//! organization (`organization_summary`), per person (`person_summary`) and per group of
//! `stats` (`event_facet`), so that `orgs`, `people` and `stats` read one row per line they
//! print instead of counting every event again.
//!
//! Every write refreshes them in its own transaction, from what it logs
//! ([`refresh`], called where an operation is written, and at the end of an import): the
//! organizations and people it made dirty are counted again one by one, each an
//! index-driven count of its own links; a write that made many of them dirty (an import)
//! counts everything again in one pass over the links instead ([`Recount`]), which is also
//! what the migration that made the tables and `check` do. The groups are kept by difference.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::RandomState;

use rusqlite::{Connection, params};

use crate::model::{EntityKind, EventState, Named, name_key};
use crate::store::fold::sort_key;
use crate::store::summary::Dirty;

/// 6: the tables, empty (the migration fills them with [`recount_everything`]). Each
/// summary row holds its entity's name as `orgs` and `people` sort it (`sort_key`,
/// `name_key`: what `events_sort_key` and `events_key` give), indexed, so that those views
/// read in order without sorting. `event_facet`'s groups "none recorded" are `recorded = 0`
/// with the value `''`; without rowid, its rows are in the order of their key whatever
/// order they were written in. (`IF NOT EXISTS`: a database whose recorded version was set
/// back by hand runs this migration again, and its summaries are counted again.)
pub(super) const V6_SUMMARIES: &str = r#"
CREATE TABLE IF NOT EXISTS organization_summary (
    organization_id INTEGER PRIMARY KEY REFERENCES organization(id) ON DELETE CASCADE,
    sort_key        TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    events          INTEGER NOT NULL,   -- distinct events it took part in, in any role
    as_organizer    INTEGER NOT NULL,
    as_partner      INTEGER NOT NULL,
    as_participant  INTEGER NOT NULL,   -- events a participant represented it at
    headed          INTEGER NOT NULL,   -- participations heading its delegation
    first_date      TEXT,               -- the first and latest start dates of its events
    last_date       TEXT
);
CREATE INDEX IF NOT EXISTS organization_summary_order ON organization_summary(sort_key, name_key, organization_id);
CREATE INDEX IF NOT EXISTS organization_summary_events ON organization_summary(events DESC, name_key);

CREATE TABLE IF NOT EXISTS person_summary (
    person_id       INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    sort_key        TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    events          INTEGER NOT NULL,
    first_date      TEXT,
    last_date       TEXT,
    -- Of one participation: the latest that records a position, else the latest that
    -- records an organization.
    position        TEXT,
    organization_id INTEGER REFERENCES organization(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS person_summary_order ON person_summary(sort_key, name_key, person_id);
CREATE INDEX IF NOT EXISTS person_summary_organization ON person_summary(organization_id);

CREATE TABLE IF NOT EXISTS event_facet (
    facet    TEXT NOT NULL CHECK (facet IN ('year', 'kind', 'mode', 'region')),
    recorded INTEGER NOT NULL CHECK (recorded IN (0, 1)),
    value    TEXT NOT NULL CHECK (recorded OR value = ''),
    events   INTEGER NOT NULL,
    PRIMARY KEY (facet, recorded, value)
) WITHOUT ROWID;

-- What a summary of an organization counts again, found by organization: the heads.
CREATE INDEX IF NOT EXISTS participation_head_organization ON participation(organization_id) WHERE head;
"#;

/// Every group of `stats`, counted from the events: facet, recorded, value, events. An event
/// counts in every year from its start to its end. A macro, so that the statements that use
/// it are constants.
macro_rules! facets_counted {
    () => {
        "
    WITH RECURSIVE years (year, last) AS (
        SELECT CAST(substr(start_date, 1, 4) AS INTEGER), CAST(substr(end_date, 1, 4) AS INTEGER)
          FROM event
        UNION ALL
        SELECT year + 1, last FROM years WHERE year < last)
    SELECT 'year', 1, printf('%04d', year), count(*) FROM years GROUP BY year
    UNION ALL
    SELECT 'kind', kind IS NOT NULL, coalesce(kind, ''), count(*) FROM event GROUP BY kind
    UNION ALL
    SELECT 'mode', mode IS NOT NULL, coalesce(mode, ''), count(*) FROM event GROUP BY mode
    UNION ALL
    SELECT 'region', region IS NOT NULL, coalesce(region, ''), count(*) FROM event GROUP BY region"
    };
}
const FACETS_COUNTED: &str = facets_counted!();

/// `?1` an organization: its summary, counted again from its links (nothing if it is gone).
const ORGANIZATION_COUNTED: &str = "
    INSERT INTO organization_summary (organization_id, sort_key, name_key, events, as_organizer,
                                      as_partner, as_participant, headed, first_date, last_date)
    SELECT o.id, events_sort_key(o.name), events_key(o.name), d.n,
           (SELECT count(*) FROM event_organization
             WHERE organization_id = ?1 AND role = 'organizer'),
           (SELECT count(*) FROM event_organization
             WHERE organization_id = ?1 AND role = 'partner'),
           (SELECT count(DISTINCT event_id) FROM participation WHERE organization_id = ?1),
           (SELECT count(*) FROM participation WHERE organization_id = ?1 AND head),
           d.first, d.last
      FROM organization o,
           (SELECT count(*) AS n, min(e.start_date) AS first, max(e.start_date) AS last
              FROM (SELECT event_id FROM event_organization WHERE organization_id = ?1
                    UNION
                    SELECT event_id FROM participation WHERE organization_id = ?1) l
              JOIN event e ON e.id = l.event_id) d
     WHERE o.id = ?1";

/// `?1` a person: their summary, counted again from their participations (nothing if they
/// are gone). The position and organization of one participation: the latest that records
/// a position, else the latest that records an organization.
const PERSON_COUNTED: &str = "
    INSERT INTO person_summary (person_id, sort_key, name_key, events, first_date, last_date,
                                position, organization_id)
    SELECT p.id, events_sort_key(p.name), events_key(p.name), d.n, d.first, d.last,
           b.position, b.organization_id
      FROM person p,
           (SELECT count(DISTINCT pa.event_id) AS n, min(e.start_date) AS first,
                   max(e.start_date) AS last
              FROM participation pa JOIN event e ON e.id = pa.event_id
             WHERE pa.person_id = ?1) d
      LEFT JOIN (SELECT q.position, q.organization_id FROM participation q
                   JOIN event f ON f.id = q.event_id
                  WHERE q.person_id = ?1
                    AND (q.position IS NOT NULL OR q.organization_id IS NOT NULL)
                  ORDER BY q.position IS NULL, f.start_date DESC, q.id DESC LIMIT 1) b ON 1
     WHERE p.id = ?1";

/// Brings the summaries up to date with what one write changed, in its transaction.
pub(super) fn refresh(conn: &Connection, dirty: &Dirty) -> rusqlite::Result<()> {
    refresh_counted(conn, dirty, None)
}

/// [`refresh`], given every summary when the write counted them itself (an import into an
/// empty database: see [`Counting`]).
pub(super) fn refresh_counted(
    conn: &Connection,
    dirty: &Dirty,
    counted: Option<Recount>,
) -> rusqlite::Result<()> {
    if dirty.is_empty() {
        return Ok(());
    }
    if let Some(recount) = counted {
        write_recount(conn, &recount)?;
    } else if is_large(conn, dirty)? {
        write_recount(conn, &Recount::everything(conn)?)?;
    } else {
        let mut delete =
            conn.prepare_cached("DELETE FROM organization_summary WHERE organization_id = ?1")?;
        let mut insert = conn.prepare_cached(ORGANIZATION_COUNTED)?;
        for &id in &dirty.organizations {
            delete.execute([id])?;
            insert.execute([id])?;
        }
        let mut delete = conn.prepare_cached("DELETE FROM person_summary WHERE person_id = ?1")?;
        let mut insert = conn.prepare_cached(PERSON_COUNTED)?;
        for &id in &dirty.people {
            delete.execute([id])?;
            insert.execute([id])?;
        }
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO event_facet (facet, recorded, value, events) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (facet, recorded, value) DO UPDATE SET events = events + excluded.events",
    )?;
    let mut gone = conn.prepare_cached(
        "DELETE FROM event_facet WHERE facet = ?1 AND recorded = ?2 AND value = ?3 AND events = 0",
    )?;
    for (facet, value, n) in dirty.facet_changes() {
        let key = params![facet.as_str(), value.is_some(), value.unwrap_or("")];
        add.execute(params![
            facet.as_str(),
            value.is_some(),
            value.unwrap_or(""),
            n
        ])?;
        gone.execute(key)?;
    }
    Ok(())
}

/// Whether so many organizations or people are dirty (more than a quarter of either, and
/// more than a few hundred) that one pass over every link costs less than counting each.
fn is_large(conn: &Connection, dirty: &Dirty) -> rusqlite::Result<bool> {
    const FEW: usize = 256;
    if dirty.organizations.len() <= FEW && dirty.people.len() <= FEW {
        return Ok(false);
    }
    let (orgs, people): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM organization_summary), (SELECT count(*) FROM person_summary)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let large = |dirty: usize, all: i64| dirty > FEW && dirty as i64 * 4 > all;
    Ok(large(dirty.organizations.len(), orgs) || large(dirty.people.len(), people))
}

/// Counts every summary again and writes them all: the migration that made the tables.
pub(super) fn recount_everything(conn: &Connection) -> rusqlite::Result<()> {
    write_recount(conn, &Recount::everything(conn)?)?;
    conn.execute("DELETE FROM event_facet", [])?;
    conn.execute(
        concat!(
            "INSERT INTO event_facet (facet, recorded, value, events) ",
            facets_counted!()
        ),
        [],
    )?;
    Ok(())
}

fn write_recount(conn: &Connection, recount: &Recount) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM organization_summary", [])?;
    conn.execute("DELETE FROM person_summary", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO organization_summary (organization_id, sort_key, name_key, events,
             as_organizer, as_partner, as_participant, headed, first_date, last_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (id, o) in &recount.organizations {
        insert.execute(params![
            id,
            o.sort_key,
            o.name_key,
            o.events,
            o.as_organizer,
            o.as_partner,
            o.as_participant,
            o.headed,
            o.first,
            o.last
        ])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO person_summary (person_id, sort_key, name_key, events, first_date,
             last_date, position, organization_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (id, p) in &recount.people {
        insert.execute(params![
            id,
            p.sort_key,
            p.name_key,
            p.events,
            p.first,
            p.last,
            p.position,
            p.organization
        ])?;
    }
    Ok(())
}

/// One organization's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct OrgRow {
    sort_key: String,
    name_key: String,
    events: i64,
    as_organizer: i64,
    as_partner: i64,
    as_participant: i64,
    headed: i64,
    first: Option<String>,
    last: Option<String>,
}

/// One person's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PersonRow {
    sort_key: String,
    name_key: String,
    events: i64,
    first: Option<String>,
    last: Option<String>,
    position: Option<String>,
    organization: Option<i64>,
}

/// Every summary counted from the records, in one pass over every link of every event, in
/// event order (no sort: the links are read in the order of their indexes by event).
#[derive(Debug, Default)]
pub(super) struct Recount {
    organizations: BTreeMap<i64, OrgRow>,
    people: BTreeMap<i64, PersonRow>,
}

/// How an organization takes part in an event, as [`Counting::link`] is told.
#[derive(Clone, Copy)]
enum LinkRole {
    Organizer = 0,
    Partner = 1,
    Participant = 2,
}

/// A date as [`Counting`] keeps it: `YYYYMMDD` as a number for a date written `YYYY-MM-DD`
/// (every date the records hold, in the same order as their text); any other text (a
/// database edited by hand) is [`ODD`] plus its place in [`Dates::odd`].
type DateId = u32;

/// Where the ids of dates not written `YYYY-MM-DD` start.
const ODD: DateId = 100_000_000;

/// The dates met, compared in the order of their text, without touching memory for most.
#[derive(Default)]
struct Dates {
    odd: Vec<String>,
}

impl Dates {
    fn id(&mut self, date: &str) -> DateId {
        let b = date.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0, |n: DateId, &d| {
                d.is_ascii_digit().then(|| n * 10 + DateId::from(d - b'0'))
            })
        };
        if b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
        {
            return y * 10_000 + m * 100 + d;
        }
        let at = match self.odd.iter().position(|o| o == date) {
            Some(at) => at,
            None => {
                self.odd.push(date.to_string());
                self.odd.len() - 1
            }
        };
        // Fewer odd dates than four thousand million.
        ODD.saturating_add(DateId::try_from(at).unwrap_or(DateId::MAX))
    }

    fn text(&self, id: DateId) -> String {
        if id < ODD {
            format!("{:04}-{:02}-{:02}", id / 10_000, id / 100 % 100, id % 100)
        } else {
            self.odd
                .get((id - ODD) as usize)
                .cloned()
                .unwrap_or_default()
        }
    }

    fn cmp(&self, a: DateId, b: DateId) -> std::cmp::Ordering {
        if a < ODD && b < ODD {
            a.cmp(&b)
        } else {
            self.text(a).cmp(&self.text(b))
        }
    }
}

/// The first and latest start dates of someone's events so far.
#[derive(Default, Clone, Copy)]
struct Span(Option<(DateId, DateId)>);

/// An organization's counts so far (its names are kept apart: they are not touched while
/// counting, and counting touches a tally for every link of every event).
#[derive(Default)]
struct OrgTally {
    events: i64,
    as_organizer: i64,
    as_partner: i64,
    as_participant: i64,
    headed: i64,
    span: Span,
}

/// A person's counts so far: the event last counted for them (a person's participations in
/// one event count one event), and the participation their position is taken from so far
/// (whether it records one, its event's start, its id: the greatest wins), with its
/// position and organization.
#[derive(Default)]
struct PersonTally {
    events: i64,
    span: Span,
    last_event: Option<i64>,
    latest: Option<(bool, DateId, i64)>,
    position: Option<String>,
    organization: Option<i64>,
}

/// What [`CountingAside`] is told, in order.
enum Count {
    Entity(EntityKind, i64, String),
    Event(Box<EventState>),
}

/// [`Counting`] on a thread of its own, fed as the import writes: the writing thread, the
/// import's slowest, only hands each created record over (in batches, through a bounded
/// channel, so memory stays bounded), and the count, then the summaries' rows, are made
/// beside it, on the core the reading thread leaves idle for half the time, and during the
/// commit's index builds. Measured (perf, 100,000 events): the count was a tenth of the
/// writing thread's time.
pub(super) struct CountingAside {
    batch: Vec<Count>,
    /// `None` once closed.
    sender: Option<std::sync::mpsc::SyncSender<Vec<Count>>>,
    thread: Option<std::thread::JoinHandle<Recount>>,
    /// Set when the count is given up: the thread stops without making the rows.
    given_up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Whether a record went uncounted (the thread stopped, or the count was closed): the
    /// count is then no one's.
    lost: bool,
}

/// How many records [`CountingAside`] hands over at a time, and how many batches may wait:
/// a few hundred events' states at most in flight (each with its texts).
const COUNT_BATCH: usize = 64;
const COUNT_BATCHES_WAITING: usize = 4;

impl CountingAside {
    /// Starts the counting thread; `None` if the system will not start one (the import
    /// counts everything at the end instead).
    pub(super) fn start() -> Option<Self> {
        use std::sync::atomic::Ordering;
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Count>>(COUNT_BATCHES_WAITING);
        let given_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = given_up.clone();
        let thread = std::thread::Builder::new()
            .name("events-count".into())
            .spawn(move || {
                crate::store::not_in_this_thread();
                let mut counting = Counting::default();
                for batch in receiver {
                    if stop.load(Ordering::Relaxed) {
                        return Recount::default();
                    }
                    for count in batch {
                        match count {
                            Count::Entity(EntityKind::Organization, id, name) => {
                                counting.organization(id, &name)
                            }
                            Count::Entity(EntityKind::Person, id, name) => {
                                counting.person(id, &name)
                            }
                            Count::Event(state) => counting.event(&state),
                        }
                    }
                }
                if stop.load(Ordering::Relaxed) {
                    return Recount::default();
                }
                counting.finish()
            })
            .ok()?;
        Some(CountingAside {
            batch: Vec::with_capacity(COUNT_BATCH),
            sender: Some(sender),
            thread: Some(thread),
            given_up,
            lost: false,
        })
    }

    fn send(&mut self, count: Count) {
        self.batch.push(count);
        if self.batch.len() >= COUNT_BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(COUNT_BATCH));
        match &self.sender {
            Some(sender) if sender.send(batch).is_ok() => {}
            _ => self.lost = true,
        }
    }

    /// An organization or person, with no events yet.
    pub(super) fn entity(&mut self, kind: EntityKind, named: &Named) {
        self.send(Count::Entity(kind, named.id, named.name.clone()));
    }

    /// An event as written (see [`Counting::event`]).
    pub(super) fn event(&mut self, state: EventState) {
        self.send(Count::Event(Box::new(state)));
    }

    /// Tells the thread that everything was given: it counts what waits, then makes the
    /// summaries' rows while the caller goes on.
    pub(super) fn close(&mut self) {
        self.flush();
        self.sender = None;
    }

    /// Every summary, once counted; `None` if a record went uncounted (the caller counts
    /// them all again).
    pub(super) fn finish(mut self) -> Option<Recount> {
        self.close();
        let recount = self.thread.take()?.join().ok();
        recount.filter(|_| !self.lost)
    }
}

impl Drop for CountingAside {
    /// A count given up (the import changed a record, or failed): the thread is told to
    /// stop and is waited for, so that none outlives its import.
    fn drop(&mut self) {
        self.given_up
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.sender = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Every summary, counted from the records given to it one at a time: each organization and
/// person, then each link of each event, an event's links one after the other. What
/// [`Recount::everything`] reads is given to it; so is what an import into an empty database
/// writes, as it writes it ([`Counting::event`]), so that the import need not read it all
/// back to count it.
///
/// Made to be fed millions of links: a tally is small and holds no text but a position, and
/// dates are kept once each ([`Counting::dates`], compared as text), so that each link
/// touches little memory.
#[derive(Default)]
pub(super) struct Counting {
    organizations: HashMap<i64, OrgTally, RandomState>,
    people: HashMap<i64, PersonTally, RandomState>,
    /// Every organization and person, by id and own name, as given.
    names: [Vec<(i64, String)>; 2],
    dates: Dates,
    /// The event being counted and its start, and the organizations it links to with how
    /// they took part: organizer, partner, participant.
    event: Option<(i64, DateId)>,
    links: Vec<(i64, [bool; 3])>,
}

impl Counting {
    /// An organization, with no events yet.
    pub(super) fn organization(&mut self, id: i64, name: &str) {
        self.organizations.insert(id, OrgTally::default());
        self.names[0].push((id, name.to_string()));
    }

    /// A person, with no events yet.
    pub(super) fn person(&mut self, id: i64, name: &str) {
        self.people.insert(id, PersonTally::default());
        self.names[1].push((id, name.to_string()));
    }

    /// An event as written: every link it has. Its organizations and people are counted
    /// already.
    pub(super) fn event(&mut self, state: &EventState) {
        for (role, orgs) in [
            (LinkRole::Organizer, &state.organizers),
            (LinkRole::Partner, &state.partners),
        ] {
            for org in orgs {
                self.link(state.id, &state.start, role, Some(org.id), false, None);
            }
        }
        for p in &state.participants {
            let person = Some((p.person.id, p.position.as_deref(), p.id));
            let org = p.organization.as_ref().map(|o| o.id);
            self.link(
                state.id,
                &state.start,
                LinkRole::Participant,
                org,
                p.head,
                person,
            );
        }
    }

    /// One link of the event `event_id`, which starts on `start`: an organization's (as
    /// organizer, partner, or the one a participant represented, heading its delegation or
    /// not) and a participant's (person, position, participation).
    fn link(
        &mut self,
        event_id: i64,
        start: &str,
        role: LinkRole,
        organization: Option<i64>,
        head: bool,
        person: Option<(i64, Option<&str>, i64)>,
    ) {
        let date = match self.event {
            Some((id, date)) if id == event_id => date,
            _ => {
                self.end_event();
                let date = self.dates.id(start);
                self.event = Some((event_id, date));
                date
            }
        };
        if let Some(org) = organization {
            let i = match self.links.iter().position(|(o, _)| *o == org) {
                Some(i) => i,
                None => {
                    self.links.push((org, [false; 3]));
                    self.links.len() - 1
                }
            };
            self.links[i].1[role as usize] = true;
            if head && let Some(o) = self.organizations.get_mut(&org) {
                o.headed += 1;
            }
        }
        let Some((person, position, id)) = person else {
            return;
        };
        let Some(p) = self.people.get_mut(&person) else {
            return;
        };
        let dates = &self.dates;
        if p.last_event != Some(event_id) {
            p.last_event = Some(event_id);
            p.events += 1;
            p.span.widen(dates, date);
        }
        if position.is_some() || organization.is_some() {
            let later = match p.latest {
                None => true,
                Some((has, at, pid)) => position
                    .is_some()
                    .cmp(&has)
                    .then(dates.cmp(date, at))
                    .then(id.cmp(&pid))
                    .is_gt(),
            };
            if later {
                p.latest = Some((position.is_some(), date, id));
                p.position = position.map(str::to_string);
                p.organization = organization;
            }
        }
    }

    /// Counts the event being counted in the summaries of the organizations it links to.
    fn end_event(&mut self) {
        let Some((_, date)) = self.event.take() else {
            return;
        };
        for (org, [organizer, partner, participant]) in self.links.drain(..) {
            let Some(o) = self.organizations.get_mut(&org) else {
                continue;
            };
            o.events += 1;
            o.as_organizer += i64::from(organizer);
            o.as_partner += i64::from(partner);
            o.as_participant += i64::from(participant);
            o.span.widen(&self.dates, date);
        }
    }

    /// Every summary counted.
    pub(super) fn finish(mut self) -> Recount {
        self.end_event();
        let [org_names, person_names] = std::mem::take(&mut self.names);
        let span = |span: Span| -> (Option<String>, Option<String>) {
            match span.0 {
                None => (None, None),
                Some((first, last)) => (Some(self.dates.text(first)), Some(self.dates.text(last))),
            }
        };
        let mut organizations = BTreeMap::new();
        for (id, name) in org_names {
            let Some(o) = self.organizations.remove(&id) else {
                continue;
            };
            let (first, last) = span(o.span);
            let row = OrgRow {
                sort_key: sort_key(&name),
                name_key: name_key(&name),
                events: o.events,
                as_organizer: o.as_organizer,
                as_partner: o.as_partner,
                as_participant: o.as_participant,
                headed: o.headed,
                first,
                last,
            };
            organizations.insert(id, row);
        }
        let mut people = BTreeMap::new();
        for (id, name) in person_names {
            let Some(p) = self.people.remove(&id) else {
                continue;
            };
            let (first, last) = span(p.span);
            let row = PersonRow {
                sort_key: sort_key(&name),
                name_key: name_key(&name),
                events: p.events,
                first,
                last,
                position: p.position,
                organization: p.organization,
            };
            people.insert(id, row);
        }
        Recount {
            organizations,
            people,
        }
    }
}

impl Span {
    /// Widens the span to take in `date`.
    fn widen(&mut self, dates: &Dates, date: DateId) {
        self.0 = Some(match self.0 {
            None => (date, date),
            Some((first, last)) => (
                if dates.cmp(date, first).is_lt() {
                    date
                } else {
                    first
                },
                if dates.cmp(date, last).is_gt() {
                    date
                } else {
                    last
                },
            ),
        });
    }
}

impl Recount {
    fn everything(conn: &Connection) -> rusqlite::Result<Recount> {
        let mut counting = Counting::default();
        let mut stmt = conn.prepare("SELECT id, name FROM organization")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            counting.organization(r.get(0)?, r.get_ref(1)?.as_str()?);
        }
        let mut stmt = conn.prepare("SELECT id, name FROM person")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            counting.person(r.get(0)?, r.get_ref(1)?.as_str()?);
        }
        // Each link with its event's start; an event's links one after the other (the two
        // kinds merged by event, each read in the order of an index by event).
        let mut stmt = conn.prepare(
            "SELECT eo.event_id, e.start_date, eo.role = 'partner', eo.organization_id,
                    0, NULL, NULL, NULL
               FROM event_organization eo JOIN event e ON e.id = eo.event_id
             UNION ALL
             SELECT pa.event_id, e.start_date, 2, pa.organization_id, pa.head, pa.person_id,
                    pa.position, pa.id
               FROM participation pa JOIN event e ON e.id = pa.event_id
             ORDER BY 1",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let role = match r.get::<_, i64>(2)? {
                0 => LinkRole::Organizer,
                1 => LinkRole::Partner,
                _ => LinkRole::Participant,
            };
            let person = match r.get::<_, Option<i64>>(5)? {
                Some(person) => Some((person, r.get_ref(6)?.as_str_or_null()?, r.get(7)?)),
                None => None,
            };
            counting.link(
                r.get(0)?,
                r.get_ref(1)?.as_str()?,
                role,
                r.get(3)?,
                r.get(4)?,
                person,
            );
        }
        Ok(counting.finish())
    }
}

/// What differs between the summaries and a count of the records: one finding per record
/// or group, naming it and both versions.
pub(super) fn check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let recount = Recount::everything(conn)?;
    let mut findings = Vec::new();
    let names = |sql: &str| -> rusqlite::Result<HashMap<i64, String>> {
        conn.prepare(sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    };

    let org_names = names("SELECT id, name FROM organization")?;
    let mut stored: BTreeMap<i64, OrgRow> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT organization_id, sort_key, name_key, events, as_organizer, as_partner,
                as_participant, headed, first_date, last_date FROM organization_summary",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        stored.insert(
            r.get(0)?,
            OrgRow {
                sort_key: r.get(1)?,
                name_key: r.get(2)?,
                events: r.get(3)?,
                as_organizer: r.get(4)?,
                as_partner: r.get(5)?,
                as_participant: r.get(6)?,
                headed: r.get(7)?,
                first: r.get(8)?,
                last: r.get(9)?,
            },
        );
    }
    let describe_org = |o: &OrgRow| {
        format!(
            "{} events ({} as organizer, {} as partner, {} as participant, {} headed), first {}, last {}, sorted as {:?} {:?}",
            o.events,
            o.as_organizer,
            o.as_partner,
            o.as_participant,
            o.headed,
            o.first.as_deref().unwrap_or("none"),
            o.last.as_deref().unwrap_or("none"),
            o.sort_key,
            o.name_key
        )
    };
    compare(
        "organization",
        &org_names,
        &stored,
        &recount.organizations,
        describe_org,
        &mut findings,
    );

    let person_names = names("SELECT id, name FROM person")?;
    let mut stored: BTreeMap<i64, PersonRow> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT person_id, sort_key, name_key, events, first_date, last_date, position,
                organization_id FROM person_summary",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        stored.insert(
            r.get(0)?,
            PersonRow {
                sort_key: r.get(1)?,
                name_key: r.get(2)?,
                events: r.get(3)?,
                first: r.get(4)?,
                last: r.get(5)?,
                position: r.get(6)?,
                organization: r.get(7)?,
            },
        );
    }
    let describe_person = |p: &PersonRow| {
        format!(
            "{} events, first {}, last {}, position {:?}, organization {}, sorted as {:?} {:?}",
            p.events,
            p.first.as_deref().unwrap_or("none"),
            p.last.as_deref().unwrap_or("none"),
            p.position.as_deref().unwrap_or(""),
            p.organization.map_or("none".to_string(), |o| o.to_string()),
            p.sort_key,
            p.name_key
        )
    };
    compare(
        "person",
        &person_names,
        &stored,
        &recount.people,
        describe_person,
        &mut findings,
    );

    let read = |sql: &str| -> rusqlite::Result<BTreeMap<(String, bool, String), i64>> {
        conn.prepare(sql)?
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)))?
            .collect()
    };
    let stored = read("SELECT facet, recorded, value, events FROM event_facet")?;
    let counted = read(FACETS_COUNTED)?;
    for key in stored
        .keys()
        .chain(counted.keys().filter(|k| !stored.contains_key(*k)))
    {
        let (facet, recorded, value) = key;
        let (a, b) = (stored.get(key), counted.get(key));
        if a != b {
            let group = match recorded {
                true => format!("{facet} {value:?}"),
                false => format!("{facet} none recorded"),
            };
            findings.push(format!(
                "summary: {group} has {} events in the summary, {} counted",
                a.copied().unwrap_or(0),
                b.copied().unwrap_or(0)
            ));
        }
    }
    Ok(findings)
}

/// Compares the stored summaries of one kind with the counted ones.
fn compare<T: PartialEq>(
    kind: &str,
    names: &HashMap<i64, String>,
    stored: &BTreeMap<i64, T>,
    counted: &BTreeMap<i64, T>,
    describe: impl Fn(&T) -> String,
    findings: &mut Vec<String>,
) {
    let name = |id: &i64| names.get(id).map_or(String::new(), |n| format!(" {n:?}"));
    for (id, row) in counted {
        match stored.get(id) {
            None => findings.push(format!(
                "summary: {kind} {id}{} has none; counted: {}",
                name(id),
                describe(row)
            )),
            Some(s) if s != row => findings.push(format!(
                "summary: {kind} {id}{}: the summary says {}; counted: {}",
                name(id),
                describe(s),
                describe(row)
            )),
            Some(_) => {}
        }
    }
    for id in stored.keys().filter(|id| !counted.contains_key(id)) {
        findings.push(format!("summary: {kind} {id} is no more, and has one"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Dates compare as their texts do, and give their texts back, whatever the text
        /// (a date, nearly one, or anything a database edited by hand may hold).
        #[test]
        fn dates_compare_as_their_text(
            a in "([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{0,11}|.{0,12})",
            b in "([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{0,11}|.{0,12})",
        ) {
            let mut dates = Dates::default();
            let (x, y) = (dates.id(&a), dates.id(&b));
            proptest::prop_assert_eq!(dates.cmp(x, y), a.cmp(&b));
            proptest::prop_assert_eq!(dates.text(x), a);
            proptest::prop_assert_eq!(dates.text(y), b);
        }
    }
}
