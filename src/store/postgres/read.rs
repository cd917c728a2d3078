//! Loading events with their links: the columns of an event row, and the statements that
//! load the links (tags, organizations, sessions, participants) of a batch of events at once,
//! in SQLite's order (`sqlite/read.rs`). Many events are read through a portal (a cursor) a
//! batch at a time, so that an export of every event holds one batch, not all of them.

use std::collections::HashMap;

use postgres::{GenericClient, Row, Transaction};

use super::filter::event_query;

use crate::model::{Event, EventFilter, Mode, OrgRole, Participant, ParticipantRecord, name_key};
use crate::store::Scan;
use crate::store::error::{Failure, Result, StoreError};

/// How many events are read, and have their links read, per round trip.
const BATCH: i32 = 500;

/// The columns [`event_from_row`] reads.
macro_rules! event_columns {
    () => {
        "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
         e.location, e.region, e.project, e.description, e.source, e.created_at, e.updated_at"
    };
}

const EVENT_COLUMNS: &str = event_columns!();

const EVENT_BY_ID: &str = concat!("SELECT ", event_columns!(), " FROM event e WHERE e.id = $1");

const EVENTS_FROM: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM event e WHERE e.id >= $1 ORDER BY e.id LIMIT $2"
);

/// The columns of [`EVENT_COLUMNS`] a one-line summary shows (the others read as NULL), then
/// its organizers in order and how many people took part, in one statement.
const SUMMARY_COLUMNS: &str = "e.id, e.key, e.title, e.kind, e.start_date, e.end_date, e.mode, \
     NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, e.created_at, e.updated_at, \
     ARRAY(SELECT o.name FROM event_organization eo \
             JOIN organization o ON o.id = eo.organization_id \
            WHERE eo.event_id = e.id AND eo.role = 'organizer' ORDER BY eo.ord), \
     (SELECT count(DISTINCT p.person_id) FROM participation p WHERE p.event_id = e.id)";

fn event_from_row(row: &Row) -> Result<Event> {
    let mode: Option<String> = row.try_get(6)?;
    Ok(Event {
        id: row.try_get(0)?,
        key: row.try_get(1)?,
        title: row.try_get(2)?,
        kind: row.try_get(3)?,
        start: row.try_get(4)?,
        end: row.try_get(5)?,
        // The schema's CHECK admits only the three modes.
        mode: mode.as_deref().and_then(Mode::parse),
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
        participant_count: 0,
    })
}

/// One event with all its links.
pub(super) fn get_event(tx: &mut Transaction<'_>, id: i64) -> Result<Option<Event>> {
    let Some(row) = tx.query_opt(EVENT_BY_ID, &[&id])? else {
        return Ok(None);
    };
    let mut events = [event_from_row(&row)?];
    load_links(tx, &mut events)?;
    let [event] = events;
    Ok(Some(event))
}

/// Up to `limit` events from id `first` on, in id order, with all their links.
pub(super) fn events_from(
    client: &mut impl GenericClient,
    first: i64,
    limit: i64,
) -> Result<Vec<Event>> {
    let rows = client.query(EVENTS_FROM, &[&first, &limit])?;
    let mut events = rows
        .iter()
        .map(event_from_row)
        .collect::<Result<Vec<Event>>>()?;
    load_links(client, &mut events)?;
    Ok(events)
}

/// The events passing `filter`, in its order, with all their links.
pub(super) fn list_events(tx: &mut Transaction<'_>, filter: &EventFilter) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    read_events(tx, filter, |event| {
        events.push(event);
        Ok::<(), StoreError>(())
    })?;
    Ok(events)
}

/// Gives `f` the events passing `filter`, with their organizers and how many took part, to
/// read through a portal (a cursor) a batch at a time, as often as it asks, all within `tx`
/// (a snapshot).
pub(super) fn scan_summaries(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    f: &mut dyn FnMut(&mut dyn Scan) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // The summaries' subqueries make the planner's estimate of a search of many rows high
    // enough to compile the query first (JIT), which took 0.5 s of a 0.6 s `list --search`
    // of 2,000 matches among 100,000 events, and saves nothing on queries this simple.
    tx.batch_execute("SET LOCAL jit = off")?;
    let query = event_query(filter, SUMMARY_COLUMNS);
    let statement = tx
        .prepare(query.sql.as_str())
        .map_err(|e| search_error(e, filter))?;
    f(&mut Summaries {
        tx,
        statement,
        query,
        filter,
    })
}

/// The summaries of [`scan_summaries`], read from the start at each [`Scan::each`].
struct Summaries<'a, 't> {
    tx: &'a mut Transaction<'t>,
    statement: postgres::Statement,
    query: super::filter::Query,
    filter: &'a EventFilter,
}

impl Scan for Summaries<'_, '_> {
    fn each(&mut self, f: &mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let filter = self.filter;
        // Through a portal: `query` would hold every row in memory at once.
        let portal = self
            .tx
            .bind(&self.statement, &self.query.params())
            .map_err(|e| search_error(e, filter))?;
        loop {
            let rows = self
                .tx
                .query_portal(&portal, BATCH)
                .map_err(|e| search_error(e, filter))?;
            for row in &rows {
                let mut event = event_from_row(row)?;
                event.organizers = row.try_get(14).map_err(StoreError::from)?;
                event.participant_count =
                    usize::try_from(row.try_get::<_, i64>(15).map_err(StoreError::from)?)
                        .unwrap_or(0);
                f(event)?;
            }
            if rows.len() < BATCH as usize {
                return Ok(());
            }
        }
    }
}

/// Calls `f` with each event passing `filter`, in its order, one at a time.
pub(super) fn visit_events(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    f: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    read_events(tx, filter, f)
}

/// Calls `f` with each event that passes `filter`, in the filter's order, with all its links,
/// reading a batch of events at a time through a portal. An error of `f`'s ends the reading
/// and is returned as it is.
fn read_events<E: From<StoreError>>(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
    mut f: impl FnMut(Event) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let query = event_query(filter, EVENT_COLUMNS);
    let portal = tx
        .bind(query.sql.as_str(), &query.params())
        .map_err(|e| search_error(e, filter))?;
    loop {
        let rows = tx
            .query_portal(&portal, BATCH)
            .map_err(|e| search_error(e, filter))?;
        let mut events = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>>>()?;
        load_links(tx, &mut events)?;
        for event in events {
            f(event)?;
        }
        if rows.len() < BATCH as usize {
            return Ok(());
        }
    }
}

/// An error of a query of the events passing `filter`: one about the search's text or size
/// (a tsquery PostgreSQL cannot take) is the search's; the rest of the query is fixed text.
fn search_error(e: postgres::Error, filter: &EventFilter) -> StoreError {
    let reason = e.as_db_error().and_then(|db| {
        let class = &db.code().code()[..2];
        // 22: data exceptions (a tsquery's syntax), 54: program limits (its size).
        (filter.search.is_some() && (class == "22" || class == "54"))
            .then(|| db.message().to_string())
    });
    match reason {
        Some(reason) => StoreError::BadSearch { reason },
        None => e.into(),
    }
}

const LINK_TAGS: &str = "SELECT event_id, tag FROM event_tag
      WHERE event_id = ANY($1) ORDER BY event_id, ord";
const LINK_ORGS: &str = "SELECT eo.event_id, eo.role, o.name FROM event_organization eo
       JOIN organization o ON o.id = eo.organization_id
      WHERE eo.event_id = ANY($1) ORDER BY eo.event_id, eo.role, eo.ord";
const LINK_SESSIONS: &str = "SELECT event_id, name FROM session
      WHERE event_id = ANY($1) ORDER BY event_id, id";
const LINK_PARTICIPANTS: &str =
    "SELECT p.event_id, p.id, pe.name, o.name, p.position, p.role, s.name, p.contribution,
            p.head
       FROM participation p
       JOIN person pe ON pe.id = p.person_id
       LEFT JOIN organization o ON o.id = p.organization_id
       LEFT JOIN session s ON s.id = p.session_id
      WHERE p.event_id = ANY($1) ORDER BY p.event_id, p.id";

/// Loads the tags, organizations, sessions and participants of `events`: four statements
/// for them all.
fn load_links(client: &mut impl GenericClient, events: &mut [Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let at: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Which of `events` a row is a link of: every row names one of `ids`.
    let event = |row: &Row| -> Result<usize> {
        let id: i64 = row.try_get(0)?;
        at.get(&id).copied().ok_or_else(|| StoreError::Database {
            failure: Failure::Other,
            message: format!("a link of event {id}, which was not asked for"),
            inner: None,
        })
    };
    for e in events.iter_mut() {
        e.tags.clear();
        e.organizers.clear();
        e.partners.clear();
        e.sessions.clear();
        e.participants.clear();
    }
    for row in client.query(LINK_TAGS, &[&ids])? {
        let i = event(&row)?;
        events[i].tags.push(row.try_get(1)?);
    }
    for row in client.query(LINK_ORGS, &[&ids])? {
        let i = event(&row)?;
        let role: String = row.try_get(1)?;
        let name: String = row.try_get(2)?;
        if role == OrgRole::Organizer.as_str() {
            events[i].organizers.push(name);
        } else {
            events[i].partners.push(name);
        }
    }
    for row in client.query(LINK_SESSIONS, &[&ids])? {
        let i = event(&row)?;
        events[i].sessions.push(row.try_get(1)?);
    }
    for row in client.query(LINK_PARTICIPANTS, &[&ids])? {
        let i = event(&row)?;
        events[i].participants.push(Participant {
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            organization: row.try_get(3)?,
            position: row.try_get(4)?,
            role: row.try_get(5)?,
            session: row.try_get(6)?,
            contribution: row.try_get(7)?,
            head: row.try_get(8)?,
        });
    }
    for event in events.iter_mut() {
        // People, not participations: one person in two sessions is one.
        let mut people: Vec<String> = event
            .participants
            .iter()
            .map(|p| name_key(&p.name))
            .collect();
        people.sort_unstable();
        people.dedup();
        event.participant_count = people.len();
    }
    Ok(())
}

/// A participation: its event and what it records.
pub(super) fn participation(
    client: &mut impl GenericClient,
    id: i64,
) -> Result<Option<(i64, ParticipantRecord)>> {
    let row = client.query_opt(
        "SELECT p.event_id, pe.name, o.name, p.position, p.role, s.name, p.contribution,
                p.head
           FROM participation p
           JOIN person pe ON pe.id = p.person_id
           LEFT JOIN organization o ON o.id = p.organization_id
           LEFT JOIN session s ON s.id = p.session_id
          WHERE p.id = $1",
        &[&id],
    )?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get(0)?,
        ParticipantRecord {
            name: row.try_get(1)?,
            organization: row.try_get(2)?,
            position: row.try_get(3)?,
            role: row.try_get(4)?,
            session: row.try_get(5)?,
            contribution: row.try_get(6)?,
            head: row.try_get(7)?,
        },
    )))
}

/// A store on the test server, in a schema of its own that is dropped at the end.
#[cfg(test)]
pub(super) mod testing {
    use crate::store::{Access, Location, PgUrl, Store};

    /// The URL of the test server, if one is given; under CI, one must be.
    pub(in crate::store::postgres) fn server() -> Option<String> {
        let url = std::env::var("EVENTS_TEST_POSTGRES").ok();
        if url.is_none() && std::env::var_os("CI").is_some() {
            panic!("CI is set but EVENTS_TEST_POSTGRES is not: the PostgreSQL tests cannot run");
        }
        url
    }

    /// An `events` store in schema `schema` of the test server, made anew, and a client of
    /// its own on that schema (to look, or to damage); the schema is dropped with it.
    pub(in crate::store::postgres) struct TestStore {
        pub(in crate::store::postgres) store: Box<dyn Store>,
        pub(in crate::store::postgres) client: postgres::Client,
        schema: String,
    }

    impl TestStore {
        pub(in crate::store::postgres) fn new(name: &str) -> Option<TestStore> {
            let server = server()?;
            let schema = format!("events_unit_{name}_{}", std::process::id());
            let mut client = postgres::Client::connect(&server, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
                     SET search_path = {schema}"
                ))
                .unwrap();
            let join = if server.contains('?') { '&' } else { '?' };
            let url =
                PgUrl::parse(&format!("{server}{join}options=-csearch_path%3D{schema}")).unwrap();
            let store = crate::store::open(&Location::Postgres(url), Access::Write).unwrap();
            Some(TestStore {
                store,
                client,
                schema,
            })
        }
    }

    impl Drop for TestStore {
        fn drop(&mut self) {
            let _ = self
                .client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::testing::TestStore;
    use crate::model::{
        Event, EventFilter, EventRef, LinkRole, Mode, NewEvent, NewParticipant, Sort, search_query,
    };
    use crate::store::{Access, Location};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn event(title: &str, start: &str, end: &str) -> NewEvent {
        NewEvent {
            key: None,
            title: title.into(),
            kind: None,
            start: day(start),
            end: day(end),
            mode: None,
            location: None,
            region: None,
            project: None,
            description: None,
            source: None,
            tags: Vec::new(),
            organizers: Vec::new(),
            partners: Vec::new(),
            sessions: Vec::new(),
            participants: Vec::new(),
        }
    }

    fn participant(
        name: &str,
        org: Option<&str>,
        role: Option<&str>,
        session: Option<&str>,
    ) -> NewParticipant {
        NewParticipant {
            name: name.into(),
            organization: org.map(String::from),
            position: None,
            role: role.map(String::from),
            session: session.map(String::from),
            contribution: None,
            head: false,
        }
    }

    /// Records with ties in every order, names in several spellings, links of every kind.
    fn records() -> Vec<NewEvent> {
        let mut workshop = event(
            "Regional workshop on arms trafficking",
            "2021-11-23",
            "2021-11-25",
        );
        workshop.key = Some("unodc-2021-11".into());
        workshop.kind = Some("workshop".into());
        workshop.mode = Some(Mode::Hybrid);
        workshop.location = Some("Almaty".into());
        workshop.region = Some("Central Asia".into());
        workshop.project = Some("Terrorism, Weapons and Crime".into());
        workshop.tags = strings(&["SALW", "training"]);
        workshop.organizers = strings(&[
            "UN Office on Drugs and Crime",
            "UN Counter-Terrorism Centre",
        ]);
        workshop.partners = strings(&["RATS SCO"]);
        workshop.sessions = strings(&["Panel B", "Opening"]);
        workshop.participants = vec![
            participant("Ana Li", Some("Ökotrust"), Some("speaker"), Some("Opening")),
            participant("Ana Li", None, Some("moderator"), Some("Panel B")),
            NewParticipant {
                position: Some("Director".into()),
                ..participant("Bo Chen", Some("RATS SCO"), Some("Speaker"), None)
            },
        ];
        let mut cafe = event(
            "Café des Arts: anti-trafficking seminar",
            "2020-02-01",
            "2020-02-01",
        );
        cafe.description = Some("Contact x@y.org. Law enforcement.".into());
        cafe.tags = strings(&["law", "enforcement"]);
        cafe.organizers = strings(&["Ökotrust"]);
        cafe.region = Some("central asia".into());
        cafe.participants = vec![participant("ana li", None, Some("Keynote"), None)];
        let mut eclair = event("Éclair tasting", "2020-02-01", "2020-02-03");
        eclair.kind = Some("seminar".into());
        eclair.project = Some("Terrorism prevention".into());
        eclair.tags = strings(&["Training"]);
        eclair.partners = strings(&["un office on drugs and crime"]);
        let mut tokyo = event("東京 会議 on counter‐terrorism", "2019-05-05", "2019-05-07");
        tokyo.mode = Some(Mode::Virtual);
        let mut zeta = event("zeta meeting", "2022-01-01", "2022-01-01");
        zeta.organizers = strings(&["UN Office on Drugs and Crime"]);
        let eclair_plain = event("eclair tasting", "2020-02-01", "2020-02-01");
        let eclair_upper = event("ECLAIR TASTING", "2018-01-01", "2018-01-01");
        vec![
            workshop,
            cafe,
            eclair,
            tokyo,
            zeta,
            eclair_plain,
            eclair_upper,
        ]
    }

    /// Filters of every field and order.
    fn filters() -> Vec<EventFilter> {
        let all = EventFilter::default;
        let mut filters = vec![
            all(),
            EventFilter {
                sort: Sort::Title,
                ..all()
            },
            EventFilter {
                sort: Sort::StartDescending,
                limit: Some(3),
                ..all()
            },
            EventFilter {
                sort: Sort::Title,
                limit: Some(4),
                ..all()
            },
            EventFilter {
                limit: Some(0),
                ..all()
            },
            EventFilter {
                from: Some(day("2020-02-02")),
                to: Some(day("2021-11-23")),
                ..all()
            },
            EventFilter {
                from: Some(day("2021-11-26")),
                ..all()
            },
            EventFilter {
                org: Some("un office on drugs and crime".into()),
                ..all()
            },
            EventFilter {
                org: Some("UN Office on Drugs and Crime".into()),
                org_role: Some(LinkRole::Partner),
                ..all()
            },
            EventFilter {
                org: Some("UN Office on Drugs and Crime".into()),
                org_role: Some(LinkRole::Organizer),
                ..all()
            },
            EventFilter {
                org: Some("ökotrust".into()),
                org_role: Some(LinkRole::Participant),
                ..all()
            },
            EventFilter {
                org: Some("Ökotrust".into()),
                ..all()
            },
            EventFilter {
                org: Some("nobody".into()),
                ..all()
            },
            EventFilter {
                person: Some("ANA LI".into()),
                ..all()
            },
            EventFilter {
                person: Some("ana li".into()),
                role: Some("MODERATOR".into()),
                ..all()
            },
            EventFilter {
                person: Some("nobody".into()),
                ..all()
            },
            EventFilter {
                role: Some("speaker".into()),
                ..all()
            },
            EventFilter {
                kind: Some("seminar".into()),
                ..all()
            },
            EventFilter {
                mode: Some(Mode::Virtual),
                ..all()
            },
            EventFilter {
                region: Some("CENTRAL  ASIA".into()),
                ..all()
            },
            EventFilter {
                project: Some("terror".into()),
                ..all()
            },
            EventFilter {
                project: Some("".into()),
                ..all()
            },
            EventFilter {
                tags: strings(&["TRAINING"]),
                ..all()
            },
            EventFilter {
                tags: strings(&["training", "salw"]),
                ..all()
            },
        ];
        for text in [
            "cafe",
            "CAFÉ",
            "traffick*",
            "anti-trafficking",
            "\"law enforcement\"",
            "x@y.org",
            "東京",
            "counter-terrorism",
            "terror*",
            "\"opening panel\"",
            "\"b opening\"",
            "eclair",
            "seminar \u{345}",
        ] {
            filters.push(EventFilter {
                search: Some(search_query(text).unwrap()),
                sort: Sort::Title,
                ..all()
            });
        }
        filters
    }

    /// An event as compared: the times of writing aside.
    fn comparable(mut event: Event) -> Event {
        event.created_at.clear();
        event.updated_at.clear();
        event
    }

    /// The same records, written through the store interface on both backends, read back
    /// alike: every filter gives the same events, in the same order, with the same links.
    #[test]
    fn reads_agree_with_sqlite() {
        let Some(mut pg) = TestStore::new("reads") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut sqlite =
            crate::store::open(&Location::File(dir.path().join("e.db")), Access::Write).unwrap();
        for record in records() {
            let a = pg.store.add_event(&record).unwrap();
            let b = sqlite.add_event(&record).unwrap();
            assert_eq!(a, b);
        }
        let mut found = 0;
        for filter in filters() {
            found += usize::from(!pg.store.list_events(&filter).unwrap().is_empty());
            let a: Vec<Event> = pg
                .store
                .list_events(&filter)
                .unwrap()
                .into_iter()
                .map(comparable)
                .collect();
            let b: Vec<Event> = sqlite
                .list_events(&filter)
                .unwrap()
                .into_iter()
                .map(comparable)
                .collect();
            assert_eq!(a, b, "list_events {filter:?}");
            let a: Vec<Event> = pg
                .store
                .list_summaries(&filter)
                .unwrap()
                .into_iter()
                .map(comparable)
                .collect();
            let b: Vec<Event> = sqlite
                .list_summaries(&filter)
                .unwrap()
                .into_iter()
                .map(comparable)
                .collect();
            assert_eq!(a, b, "list_summaries {filter:?}");
            // Read twice over one snapshot, the same both times, on both backends.
            for store in [&mut pg.store, &mut sqlite] {
                let mut twice: [Vec<Event>; 2] = [Vec::new(), Vec::new()];
                store
                    .scan_summaries(&filter, &mut |scan| {
                        for pass in &mut twice {
                            scan.each(&mut |e| {
                                pass.push(comparable(e));
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(twice[0], a, "scan_summaries {filter:?}");
                assert_eq!(twice[1], a, "scan_summaries again {filter:?}");
            }
            let mut a = Vec::new();
            pg.store
                .visit_events(&filter, &mut |e| {
                    a.push(comparable(e));
                    Ok(())
                })
                .unwrap();
            let b: Vec<Event> = sqlite
                .list_events(&filter)
                .unwrap()
                .into_iter()
                .map(comparable)
                .collect();
            assert_eq!(a, b, "visit_events {filter:?}");
        }
        assert!(found > 30, "{found} filters found something");
        // By title: accents and case aside, then as written (byte order), then by date.
        let by_title = EventFilter {
            sort: Sort::Title,
            ..EventFilter::default()
        };
        let titles: Vec<String> = pg
            .store
            .list_summaries(&by_title)
            .unwrap()
            .into_iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(
            titles,
            [
                "Café des Arts: anti-trafficking seminar",
                "ECLAIR TASTING",
                "eclair tasting",
                "Éclair tasting",
                "Regional workshop on arms trafficking",
                "zeta meeting",
                "東京 会議 on counter‐terrorism",
            ]
        );
        for id in 0..=8 {
            assert_eq!(
                pg.store.get_event(id).unwrap().map(comparable),
                sqlite.get_event(id).unwrap().map(comparable),
                "event {id}"
            );
            assert_eq!(
                pg.store.participation(id).unwrap(),
                sqlite.participation(id).unwrap()
            );
        }
        for reference in [
            EventRef::Id(1),
            EventRef::Id(99),
            EventRef::Key("unodc-2021-11".into()),
            EventRef::Key("UNODC-2021-11".into()),
        ] {
            assert_eq!(
                pg.store.resolve_event(&reference).unwrap(),
                sqlite.resolve_event(&reference).unwrap()
            );
        }
        for text in ["UNODC-2021-11", "unodc-2021-11", "nothing"] {
            assert_eq!(
                pg.store.keys_like(text).unwrap(),
                sqlite.keys_like(text).unwrap()
            );
        }
        for (title, start) in [
            ("ÉCLAIR  tasting", "2020-02-01"),
            ("eclair tasting", "2020-02-01"),
            ("x", "2020-02-01"),
        ] {
            assert_eq!(
                pg.store.find_same_event(title, day(start)).unwrap(),
                sqlite.find_same_event(title, day(start)).unwrap()
            );
        }
        assert_eq!(pg.store.counts().unwrap(), sqlite.counts().unwrap());
        assert_eq!(pg.store.check().unwrap(), Vec::<String>::new());
    }
}
