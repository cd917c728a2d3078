//! The summaries on PostgreSQL (see `crate::store::summary`): `organization_summary`,
//! `person_summary` and `event_facet` (schema version 4), kept current by every write in its
//! own transaction, and checked against a recount.
//!
//! - A logged write ([`super::history::record`], which every write but the import goes
//!   through, undo included) refreshes what its changes make dirty: the organizations and
//!   people its events' states link to, before and after, and those it changed itself, are
//!   counted again from their own links (the indexes on `organization_id` and `person_id` of
//!   `event_organization` and `participation`); the groups of its events' states before and
//!   after take their difference.
//! - The import collects the same from the states it logs (`import_log.rs`); its created
//!   events' groups are counted from the rows as it leaves them, in one statement.
//! - Past a quarter of all organizations (or people), they are all counted again in one
//!   grouped statement rather than id by id: an import of thousands of events.
//!
//! The one statement that counts an organization's (or person's) summary serves both, the
//! id-by-id refresh (`$1` the ids) and the whole recount (`$1` NULL, folded away by the
//! planner: every statement here is planned for the values it is given), and `check`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use postgres::GenericClient;

use super::runs::IdRuns;
use crate::model::EventState;
use crate::store::error::Result;
use crate::store::summary::Dirty;

/// Past this many ids, the refresh asks how many there are in all, and counts every one
/// again when the dirty ones are more than a quarter.
const FEW: usize = 1000;

/// The most summaries written by one statement (see [`Added::apply`]).
const CHUNK: usize = 10_000;

/// Every organization's summary as counted now from its links (`$1`: only these ids; NULL:
/// all): id, events, as organizer, as partner, as participant, headed, first and last
/// start dates. Its links are made one row per event first (hashed, not sorted: a whole
/// recount reads a million of them), then joined to their events' dates.
const COUNT_ORGANIZATIONS: &str = "
    WITH link AS (
         SELECT organization_id, event_id,
                bool_or(role = 'organizer') AS organizer, bool_or(role = 'partner') AS partner,
                bool_or(role = 'participant') AS participant, count(*) FILTER (WHERE head) AS head
           FROM (SELECT organization_id, event_id, role, false AS head FROM event_organization
                  WHERE $1::bigint[] IS NULL OR organization_id = ANY($1)
                 UNION ALL
                 SELECT organization_id, event_id, 'participant', head FROM participation
                  WHERE organization_id IS NOT NULL
                    AND ($1::bigint[] IS NULL OR organization_id = ANY($1))) l
          GROUP BY organization_id, event_id),
         counted AS (
         SELECT l.organization_id, count(*) AS events,
                count(*) FILTER (WHERE l.organizer) AS organizer,
                count(*) FILTER (WHERE l.partner) AS partner,
                count(*) FILTER (WHERE l.participant) AS participant,
                sum(l.head)::bigint AS headed, min(e.start_date) AS first, max(e.start_date) AS last
           FROM link l JOIN event e ON e.id = l.event_id
          GROUP BY l.organization_id)
    SELECT o.id, coalesce(c.events, 0), coalesce(c.organizer, 0), coalesce(c.partner, 0),
           coalesce(c.participant, 0), coalesce(c.headed, 0), c.first, c.last
      FROM organization o LEFT JOIN counted c ON c.organization_id = o.id
     WHERE $1::bigint[] IS NULL OR o.id = ANY($1)";

/// Every person's summary as counted now (`$1` as above): id, events, first and last start
/// dates, and the position and organization of one participation: the latest that records
/// a position, else the latest that records an organization (as `people` always showed).
const COUNT_PEOPLE: &str = "
    WITH took AS (
         SELECT pa.person_id, pa.event_id, pa.id, pa.position, pa.organization_id, e.start_date
           FROM participation pa JOIN event e ON e.id = pa.event_id
          WHERE $1::bigint[] IS NULL OR pa.person_id = ANY($1)),
         counted AS (
         SELECT person_id, count(*) AS events, min(start_date) AS first, max(start_date) AS last
           FROM (SELECT person_id, event_id, min(start_date) AS start_date FROM took
                  GROUP BY person_id, event_id) one
          GROUP BY person_id),
         latest AS (
         SELECT DISTINCT ON (person_id) person_id, position, organization_id FROM took
          WHERE position IS NOT NULL OR organization_id IS NOT NULL
          ORDER BY person_id, position IS NULL, start_date DESC, id DESC)
    SELECT p.id, coalesce(c.events, 0), c.first, c.last, l.position, l.organization_id
      FROM person p
      LEFT JOIN counted c ON c.person_id = p.id
      LEFT JOIN latest l ON l.person_id = p.id
     WHERE $1::bigint[] IS NULL OR p.id = ANY($1)";

/// The number of events of every group (`$1`: only the events of these ids; NULL: all):
/// facet, value as spelt (NULL: none recorded; a year as four digits), events. An event
/// counts in every year from its start to its end.
fn count_facets() -> String {
    format!(
        "WITH chosen AS (SELECT kind, mode, region, start_date, end_date FROM event
                          WHERE $1::bigint[] IS NULL OR id = ANY($1))
         {FACET_GROUPS}"
    )
}

/// As [`count_facets`], of the events of ids `$1[i]` to `$2[i]` (runs of ids: an import's).
fn count_facets_of_runs() -> String {
    format!(
        "WITH chosen AS (SELECT e.kind, e.mode, e.region, e.start_date, e.end_date
                           FROM unnest($1::bigint[], $2::bigint[]) AS r(first, last)
                           JOIN event e ON e.id BETWEEN r.first AND r.last)
         {FACET_GROUPS}"
    )
}

/// The groups of the events `chosen`, and how many each (see [`count_facets`]).
const FACET_GROUPS: &str = "
    SELECT 'kind', kind, count(*) FROM chosen GROUP BY kind
    UNION ALL
    SELECT 'mode', mode, count(*) FROM chosen GROUP BY mode
    UNION ALL
    SELECT 'region', region, count(*) FROM chosen GROUP BY region
    UNION ALL
    SELECT 'year', lpad(y::text, greatest(4, length(y::text)), '0'), count(*)
      FROM chosen,
           generate_series(extract(year FROM start_date)::int,
                           extract(year FROM end_date)::int) AS y
     GROUP BY y";

/// Adds `$3` events to the group (`$1` facet, `$2` value) of each row (then the groups
/// left with none are taken out).
const ADD_TO_FACETS: &str = "
    INSERT INTO event_facet (facet, value, events)
    SELECT f, v, sum(n) FROM unnest($1::text[], $2::text[], $3::bigint[]) AS d(f, v, n)
     GROUP BY f, v
        ON CONFLICT (facet, (value IS NULL), md5(coalesce(value, '')))
        DO UPDATE SET events = event_facet.events + excluded.events";

/// Brings the summaries up to date with what a write changed (in its transaction, after its
/// last write to the records).
pub(super) fn refresh(client: &mut impl GenericClient, dirty: &Dirty) -> Result<()> {
    refresh_entities(client, dirty)?;
    refresh_facets(client, dirty)
}

/// The groups' part of [`refresh`]: their differences added.
fn refresh_facets(client: &mut impl GenericClient, dirty: &Dirty) -> Result<()> {
    let mut facets: Vec<&str> = Vec::new();
    let mut values: Vec<Option<&str>> = Vec::new();
    let mut deltas: Vec<i64> = Vec::new();
    for (facet, value, n) in dirty.facet_changes() {
        facets.push(facet.as_str());
        values.push(value);
        deltas.push(n);
    }
    add_to_facets(client, &facets, &values, &deltas)
}

/// The organizations' and people's part of [`refresh`].
fn refresh_entities(client: &mut impl GenericClient, dirty: &Dirty) -> Result<()> {
    let orgs: Vec<i64> = dirty.organizations.iter().copied().collect();
    let people: Vec<i64> = dirty.people.iter().copied().collect();
    if !orgs.is_empty() {
        let all = most(client, "SELECT count(*) FROM organization", orgs.len())?;
        if all {
            roomy(client)?;
        }
        recount_organizations(client, (!all).then_some(&orgs))?;
    }
    if !people.is_empty() {
        let all = most(client, "SELECT count(*) FROM person", people.len())?;
        if all {
            roomy(client)?;
        }
        recount_people(client, (!all).then_some(&people))?;
    }
    Ok(())
}

/// Gives the rest of the transaction room to hash and sort in memory: a whole recount
/// groups a million links, which the default (4 MB) sends to disk in many passes.
fn roomy(client: &mut impl GenericClient) -> Result<()> {
    client.batch_execute("SET LOCAL work_mem = '64MB'")?;
    Ok(())
}

/// Whether `n` ids are more than a quarter of all (`count` counts them): then all are
/// counted again at once.
fn most(client: &mut impl GenericClient, count: &str, n: usize) -> Result<bool> {
    if n <= FEW {
        return Ok(false);
    }
    let total: i64 = client.query_one(count, &[])?.get(0);
    Ok(n.saturating_mul(4) > usize::try_from(total).unwrap_or(0))
}

/// Adds `deltas[i]` events to group (`facets[i]`, `values[i]`).
fn add_to_facets(
    client: &mut impl GenericClient,
    facets: &[&str],
    values: &[Option<&str>],
    deltas: &[i64],
) -> Result<()> {
    if facets.is_empty() {
        return Ok(());
    }
    client.execute(ADD_TO_FACETS, &[&facets, &values, &deltas])?;
    // (Statements apart: a statement does not see what its own other parts wrote.)
    client.execute("DELETE FROM event_facet WHERE events = 0", &[])?;
    Ok(())
}

/// Counts the groups of the events `ids` as they are now and adds them: an import's created
/// events, whose states it does not keep.
fn add_events_to_facets(client: &mut impl GenericClient, ids: &IdRuns) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let (firsts, lasts): (Vec<i64>, Vec<i64>) = ids.runs().unzip();
    let rows = client.query(&count_facets_of_runs(), &[&firsts, &lasts])?;
    let facets: Vec<&str> = rows.iter().map(|r| r.get(0)).collect();
    let values: Vec<Option<&str>> = rows.iter().map(|r| r.get(1)).collect();
    let deltas: Vec<i64> = rows.iter().map(|r| r.get(2)).collect();
    add_to_facets(client, &facets, &values, &deltas)
}

/// What an import is to refresh, known once its log is written (see `import_log.rs`).
#[derive(Default)]
pub(super) struct ImportSummaries {
    /// The organizations and people to count again; the groups of the events there before,
    /// by difference.
    pub(super) dirty: Dirty,
    /// The events the import created, whose groups are counted from their rows: as runs of
    /// ids (an import's are drawn in blocks), not one entry each.
    pub(super) created_events: IdRuns,
    /// When the import only created records (no record there before changed, none it
    /// created changed again or merged away): what its events add, summed as it created
    /// them, and the organizations and people it created. Then nothing is counted again
    /// but the people there before that its events link to.
    pub(super) added: Option<(Added, Vec<i64>, Vec<i64>)>,
}

impl ImportSummaries {
    /// Brings the summaries up to date with the import. When it created more than a
    /// quarter of all events, every group is counted again (one scan of the events) rather
    /// than its events by id.
    pub(super) fn refresh(&self, client: &mut impl GenericClient) -> Result<()> {
        if let Some((added, orgs, people)) = &self.added
            && !added.unread
        {
            return added.apply(client, orgs, people);
        }
        refresh_entities(client, &self.dirty)?;
        let created = self.created_events.len();
        if created > FEW && most(client, "SELECT count(*) FROM event", created)? {
            return recount_facets(client);
        }
        refresh_facets(client, &self.dirty)?;
        add_events_to_facets(client, &self.created_events)
    }
}

/// An organization's summary as events add to it. (Dates as dates, not their text: one of
/// these is kept for every organization and person an import meets, tens of thousands.)
#[derive(Default)]
struct OrgAdded {
    events: i64,
    organizer: i64,
    partner: i64,
    participant: i64,
    headed: i64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

/// A person's summary as events add to it; `latest`: the key (records a position, start,
/// participation id), position and organization of the participation `people` shows.
#[derive(Default)]
struct PersonAdded {
    events: i64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    latest: Option<Latest>,
}

/// Which participation `people` shows: its key (records a position, its event's start, its
/// id), its position and organization.
type Latest = ((bool, NaiveDate, i64), Option<Box<str>>, Option<i64>);

/// What new events add to the summaries, summed in memory as an import creates them (a
/// new event adds to each count; first and last dates widen), so that an import of new
/// records does not count every link again in SQL (a million of them at 100k events).
#[derive(Default)]
pub(super) struct Added {
    organizations: HashMap<i64, OrgAdded>,
    people: HashMap<i64, PersonAdded>,
    /// The groups of the new events.
    facets: Dirty,
    /// An event's start was not a date as the log writes it (not expected): then what was
    /// summed is not used, and the summaries are counted again instead.
    unread: bool,
}

fn widen(first: &mut Option<NaiveDate>, last: &mut Option<NaiveDate>, date: NaiveDate) {
    if first.is_none_or(|f| date < f) {
        *first = Some(date);
    }
    if last.is_none_or(|l| date > l) {
        *last = Some(date);
    }
}

impl Added {
    /// A new event, as created.
    pub(super) fn event(&mut self, e: &EventState) {
        self.facets.event(e, 1);
        // Only its groups are wanted of it (the links are summed below).
        self.facets.organizations.clear();
        self.facets.people.clear();
        let Ok(start) = NaiveDate::parse_from_str(&e.start, "%Y-%m-%d") else {
            self.unread = true;
            return;
        };
        let mut roles: HashMap<i64, [bool; 3]> = HashMap::new();
        for (i, list) in [&e.organizers, &e.partners].into_iter().enumerate() {
            for o in list {
                roles.entry(o.id).or_default()[i] = true;
            }
        }
        let mut people: HashSet<i64> = HashSet::new();
        for p in &e.participants {
            if let Some(o) = &p.organization {
                roles.entry(o.id).or_default()[2] = true;
                if p.head {
                    self.organizations.entry(o.id).or_default().headed += 1;
                }
            }
            let added = self.people.entry(p.person.id).or_default();
            if people.insert(p.person.id) {
                added.events += 1;
                widen(&mut added.first, &mut added.last, start);
            }
            if p.position.is_some() || p.organization.is_some() {
                let key = (p.position.is_some(), start, p.id);
                if added.latest.as_ref().is_none_or(|(k, _, _)| *k < key) {
                    added.latest = Some((
                        key,
                        p.position.as_deref().map(Box::from),
                        p.organization.as_ref().map(|o| o.id),
                    ));
                }
            }
        }
        for (id, [organizer, partner, participant]) in roles {
            let added = self.organizations.entry(id).or_default();
            added.events += 1;
            added.organizer += i64::from(organizer);
            added.partner += i64::from(partner);
            added.participant += i64::from(participant);
            widen(&mut added.first, &mut added.last, start);
        }
    }

    /// Adds it all to the summaries: to those of the organizations (made for those the
    /// import created), the groups; the people it created are written as summed, those
    /// there before counted again (their latest participation may be an older one's).
    fn apply(&self, client: &mut impl GenericClient, orgs: &[i64], people: &[i64]) -> Result<()> {
        let added: Vec<(&i64, &OrgAdded)> = self.organizations.iter().collect();
        for chunk in added.chunks(CHUNK) {
            let mut ids = Vec::new();
            let (mut n, mut organizer, mut partner, mut participant, mut headed) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let (mut first, mut last) = (Vec::new(), Vec::new());
            for (id, o) in chunk {
                ids.push(**id);
                n.push(o.events);
                organizer.push(o.organizer);
                partner.push(o.partner);
                participant.push(o.participant);
                headed.push(o.headed);
                first.push(o.first);
                last.push(o.last);
            }
            client.execute(
                "INSERT INTO organization_summary (organization_id, events, as_organizer,
                                                   as_partner, as_participant, headed,
                                                   first_date, last_date)
                 SELECT id, n, o, p, pa, h, f, l
                   FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                               $5::bigint[], $6::bigint[], $7::date[], $8::date[])
                        AS a(id, n, o, p, pa, h, f, l)
                 ON CONFLICT (organization_id) DO UPDATE
                    SET events = organization_summary.events + excluded.events,
                        as_organizer = organization_summary.as_organizer + excluded.as_organizer,
                        as_partner = organization_summary.as_partner + excluded.as_partner,
                        as_participant = organization_summary.as_participant
                                         + excluded.as_participant,
                        headed = organization_summary.headed + excluded.headed,
                        first_date = least(organization_summary.first_date, excluded.first_date),
                        last_date = greatest(organization_summary.last_date, excluded.last_date)",
                &[
                    &ids,
                    &n,
                    &organizer,
                    &partner,
                    &participant,
                    &headed,
                    &first,
                    &last,
                ],
            )?;
        }
        // Those it created that no new event links to.
        for chunk in orgs.chunks(CHUNK) {
            client.execute(
                "INSERT INTO organization_summary (organization_id, events, as_organizer,
                                                   as_partner, as_participant, headed)
                 SELECT id, 0, 0, 0, 0, 0 FROM unnest($1::bigint[]) AS a(id)
                 ON CONFLICT (organization_id) DO NOTHING",
                &[&chunk],
            )?;
        }
        // People: those it created as summed; those there before counted again.
        let created: HashSet<i64> = people.iter().copied().collect();
        let before: Vec<i64> = self
            .people
            .keys()
            .copied()
            .filter(|id| !created.contains(id))
            .collect();
        if most(client, "SELECT count(*) FROM person", before.len())? {
            roomy(client)?;
            recount_people(client, None)?;
        } else {
            // A chunk at a time: the statement's parameters are encoded whole, and an
            // import meets tens of thousands of people.
            for chunk in people.chunks(CHUNK) {
                let (mut ids, mut n, mut first, mut last, mut position, mut organization) = (
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                );
                for id in chunk {
                    let p = self.people.get(id);
                    ids.push(*id);
                    n.push(p.map_or(0, |p| p.events));
                    first.push(p.and_then(|p| p.first));
                    last.push(p.and_then(|p| p.last));
                    let latest = p.and_then(|p| p.latest.as_ref());
                    position.push(latest.and_then(|(_, position, _)| position.as_deref()));
                    organization.push(latest.and_then(|(_, _, o)| *o));
                }
                client.execute(
                    "INSERT INTO person_summary (person_id, events, first_date, last_date,
                                                 position, organization_id)
                     SELECT id, n, f, l, p, o
                       FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[],
                                   $5::text[], $6::bigint[]) AS a(id, n, f, l, p, o)",
                    &[&ids, &n, &first, &last, &position, &organization],
                )?;
            }
            if !before.is_empty() {
                recount_people(client, Some(&before))?;
            }
        }
        refresh_facets(client, &self.facets)
    }
}

/// Counts the summaries of organizations `ids` (all, for `None`) again.
fn recount_organizations(client: &mut impl GenericClient, ids: Option<&Vec<i64>>) -> Result<()> {
    // The row of one no longer there went with it (ON DELETE CASCADE).
    let sql = format!(
        "INSERT INTO organization_summary (organization_id, events, as_organizer, as_partner,
                                           as_participant, headed, first_date, last_date)
         {COUNT_ORGANIZATIONS}
         ON CONFLICT (organization_id) DO UPDATE
            SET events = excluded.events, as_organizer = excluded.as_organizer,
                as_partner = excluded.as_partner, as_participant = excluded.as_participant,
                headed = excluded.headed, first_date = excluded.first_date,
                last_date = excluded.last_date
          WHERE (organization_summary.events, organization_summary.as_organizer,
                 organization_summary.as_partner, organization_summary.as_participant,
                 organization_summary.headed, organization_summary.first_date,
                 organization_summary.last_date)
                IS DISTINCT FROM (excluded.events, excluded.as_organizer, excluded.as_partner,
                                  excluded.as_participant, excluded.headed, excluded.first_date,
                                  excluded.last_date)"
    );
    client.execute(&sql, &[&ids])?;
    Ok(())
}

/// Counts the summaries of people `ids` (all, for `None`) again.
fn recount_people(client: &mut impl GenericClient, ids: Option<&Vec<i64>>) -> Result<()> {
    let sql = format!(
        "INSERT INTO person_summary (person_id, events, first_date, last_date, position,
                                     organization_id)
         {COUNT_PEOPLE}
         ON CONFLICT (person_id) DO UPDATE
            SET events = excluded.events, first_date = excluded.first_date,
                last_date = excluded.last_date, position = excluded.position,
                organization_id = excluded.organization_id
          WHERE (person_summary.events, person_summary.first_date, person_summary.last_date,
                 person_summary.position, person_summary.organization_id)
                IS DISTINCT FROM (excluded.events, excluded.first_date, excluded.last_date,
                                  excluded.position, excluded.organization_id)"
    );
    client.execute(&sql, &[&ids])?;
    Ok(())
}

/// Counts every summary again: at the migration that makes them, and after a large import.
pub(super) fn recount_all(client: &mut impl GenericClient) -> Result<()> {
    roomy(client)?;
    recount_organizations(client, None)?;
    recount_people(client, None)?;
    recount_facets(client)
}

/// Counts every group again.
fn recount_facets(client: &mut impl GenericClient) -> Result<()> {
    client.execute("DELETE FROM event_facet", &[])?;
    let none: Option<Vec<i64>> = None;
    client.execute(
        &format!(
            "INSERT INTO event_facet (facet, value, events) {}",
            count_facets()
        ),
        &[&none],
    )?;
    Ok(())
}

// Checking.

/// A date as a finding says it.
fn day(row: &postgres::Row, i: usize) -> Result<String> {
    Ok(row
        .try_get::<_, Option<chrono::NaiveDate>>(i)?
        .map_or_else(|| "none".to_string(), crate::dates::iso))
}

/// An organization's summary as a finding says it, from 7 columns at `at` (as SQLite's
/// check words it).
fn organization_said(row: &postgres::Row, at: usize) -> Result<String> {
    let n = |i: usize| -> Result<i64> { Ok(row.try_get::<_, Option<i64>>(at + i)?.unwrap_or(0)) };
    Ok(format!(
        "{} events ({} as organizer, {} as partner, {} as participant, {} headed), first {}, last {}",
        n(0)?,
        n(1)?,
        n(2)?,
        n(3)?,
        n(4)?,
        day(row, at + 5)?,
        day(row, at + 6)?
    ))
}

/// A person's summary as a finding says it, from 5 columns at `at`.
fn person_said(row: &postgres::Row, at: usize) -> Result<String> {
    let position: Option<String> = row.try_get(at + 3)?;
    let organization: Option<i64> = row.try_get(at + 4)?;
    Ok(format!(
        "{} events, first {}, last {}, position {:?}, organization {}",
        row.try_get::<_, Option<i64>>(at)?.unwrap_or(0),
        day(row, at + 1)?,
        day(row, at + 2)?,
        position.as_deref().unwrap_or(""),
        organization.map_or("none".to_string(), |o| o.to_string())
    ))
}

/// Compares every summary with a recount; each difference a finding (`summary: ...`),
/// naming the record and both counts, worded as SQLite's.
pub(super) fn check(client: &mut impl GenericClient, problems: &mut Vec<String>) -> Result<()> {
    let none: Option<Vec<i64>> = None;
    // Stored, then counted: the same columns side by side (id, its name, whether it has a
    // summary, whether it is there).
    let orgs = format!(
        "WITH counted (id, events, as_organizer, as_partner, as_participant, headed, first_date,
                       last_date) AS ({COUNT_ORGANIZATIONS})
         SELECT coalesce(s.organization_id, c.id), o.name, s.organization_id IS NOT NULL,
                c.id IS NOT NULL,
                s.events, s.as_organizer, s.as_partner, s.as_participant, s.headed,
                s.first_date, s.last_date,
                c.events, c.as_organizer, c.as_partner, c.as_participant, c.headed,
                c.first_date, c.last_date
           FROM organization_summary s
           FULL JOIN counted c ON c.id = s.organization_id
           LEFT JOIN organization o ON o.id = coalesce(s.organization_id, c.id)
          WHERE (s.events, s.as_organizer, s.as_partner, s.as_participant, s.headed,
                 s.first_date, s.last_date)
                IS DISTINCT FROM (c.events, c.as_organizer, c.as_partner, c.as_participant,
                                  c.headed, c.first_date, c.last_date)
          ORDER BY 1"
    );
    for row in client.query(&orgs, &[&none])? {
        problems.push(finding(&row, "organization", organization_said, 4, 11)?);
    }
    let people = format!(
        "WITH counted (id, events, first_date, last_date, position, organization_id)
                 AS ({COUNT_PEOPLE})
         SELECT coalesce(s.person_id, c.id), p.name, s.person_id IS NOT NULL, c.id IS NOT NULL,
                s.events, s.first_date, s.last_date, s.position, s.organization_id,
                c.events, c.first_date, c.last_date, c.position, c.organization_id
           FROM person_summary s
           FULL JOIN counted c ON c.id = s.person_id
           LEFT JOIN person p ON p.id = coalesce(s.person_id, c.id)
          WHERE (s.events, s.first_date, s.last_date, s.position, s.organization_id)
                IS DISTINCT FROM (c.events, c.first_date, c.last_date, c.position,
                                  c.organization_id)
          ORDER BY 1"
    );
    for row in client.query(&people, &[&none])? {
        problems.push(finding(&row, "person", person_said, 4, 9)?);
    }
    let facets = format!(
        "WITH counted (facet, value, events) AS ({})
         SELECT coalesce(s.facet, c.facet), coalesce(s.value, c.value), s.events, c.events
           FROM event_facet s
           FULL JOIN counted c ON c.facet = s.facet AND c.value IS NOT DISTINCT FROM s.value
          WHERE s.events IS DISTINCT FROM c.events
          ORDER BY 1, 2",
        count_facets()
    );
    for row in client.query(&facets, &[&none])? {
        let facet: String = row.try_get(0)?;
        let value: Option<String> = row.try_get(1)?;
        let stored: Option<i64> = row.try_get(2)?;
        let counted: Option<i64> = row.try_get(3)?;
        let group = match value {
            Some(value) => format!("{facet} {value:?}"),
            None => format!("{facet} none recorded"),
        };
        problems.push(format!(
            "summary: {group} has {} events in the summary, {} counted",
            stored.unwrap_or(0),
            counted.unwrap_or(0)
        ));
    }
    Ok(())
}

/// One finding about an organization's or person's summary (`said` reads one side's
/// columns: the stored at `stored`, the counted at `counted`).
fn finding(
    row: &postgres::Row,
    kind: &str,
    said: fn(&postgres::Row, usize) -> Result<String>,
    stored: usize,
    counted: usize,
) -> Result<String> {
    let id: i64 = row.try_get(0)?;
    let name = row
        .try_get::<_, Option<String>>(1)?
        .map_or(String::new(), |n| format!(" {n:?}"));
    let (has_summary, is_there): (bool, bool) = (row.try_get(2)?, row.try_get(3)?);
    Ok(match (has_summary, is_there) {
        (false, _) => format!(
            "summary: {kind} {id}{name} has none; counted: {}",
            said(row, counted)?
        ),
        (true, true) => format!(
            "summary: {kind} {id}{name}: the summary says {}; counted: {}",
            said(row, stored)?,
            said(row, counted)?
        ),
        // (ON DELETE CASCADE makes this one impossible, but for a damaged schema.)
        (true, false) => format!("summary: {kind} {id} is no more, and has one"),
    })
}
