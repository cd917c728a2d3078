//! What `events doctor` reads: every event in brief, the participations without an
//! organization, every organization and person with all their names and how much each is
//! used; all from one snapshot (a repeatable-read transaction), a batch at a time.

use postgres::Transaction;

use crate::model::{EventBrief, NamedEntities, NamedEntity, Survey, Unaffiliated};
use crate::store::error::Result;

/// How many rows are read per round trip.
const BATCH: i32 = 5000;

const EVENTS: &str = "SELECT e.key, e.title, e.start_date, coalesce(btrim(e.source), '') <> '',
        coalesce(c.n, 0)
   FROM event e
   LEFT JOIN (SELECT event_id, count(*) AS n FROM participation GROUP BY event_id) c
     ON c.event_id = e.id";

const UNAFFILIATED: &str = "SELECT p.id, e.key, e.title, e.start_date, pe.name
   FROM participation p
   JOIN event e ON e.id = p.event_id
   JOIN person pe ON pe.id = p.person_id
  WHERE p.organization_id IS NULL";

const ORGANIZATIONS: &str = "SELECT o.id, o.name, n.name
   FROM organization o JOIN organization_name n ON n.organization_id = o.id";

const ORGANIZATION_USES: &str = "SELECT organization_id, count(*) FROM (
        SELECT organization_id FROM event_organization
        UNION ALL
        SELECT organization_id FROM participation WHERE organization_id IS NOT NULL) l
  GROUP BY organization_id";

const PEOPLE: &str = "SELECT p.id, p.name, n.name
   FROM person p JOIN person_name n ON n.person_id = p.id";

const PERSON_USES: &str = "SELECT person_id, count(*) FROM participation GROUP BY person_id";

/// Calls `f` with each row `sql` gives, read through a portal a batch at a time.
fn each_row(
    tx: &mut Transaction<'_>,
    sql: &str,
    mut f: impl FnMut(&postgres::Row) -> Result<()>,
) -> Result<()> {
    let portal = tx.bind(sql, &[])?;
    loop {
        let rows = tx.query_portal(&portal, BATCH)?;
        for row in &rows {
            f(row)?;
        }
        if rows.len() < BATCH as usize {
            return Ok(());
        }
    }
}

pub(super) fn survey(tx: &mut Transaction<'_>) -> Result<Survey> {
    let mut events = Vec::new();
    each_row(tx, EVENTS, |row| {
        events.push(EventBrief {
            key: row.try_get(0)?,
            title: row.try_get(1)?,
            start: row.try_get(2)?,
            has_source: row.try_get(3)?,
            participants: row.try_get::<_, i64>(4)?.unsigned_abs(),
        });
        Ok(())
    })?;
    let mut unaffiliated = Vec::new();
    each_row(tx, UNAFFILIATED, |row| {
        unaffiliated.push(Unaffiliated {
            participation: row.try_get(0)?,
            event_key: row.try_get(1)?,
            event_title: row.try_get(2)?,
            event_start: row.try_get(3)?,
            person: row.try_get(4)?,
        });
        Ok(())
    })?;
    Ok(Survey {
        events,
        unaffiliated,
        organizations: entities(tx, ORGANIZATIONS, ORGANIZATION_USES)?,
        people: entities(tx, PEOPLE, PERSON_USES)?,
    })
}

/// Every entity of a kind with its names (`names`: id, own name, a name) and uses (`uses`:
/// id, count).
fn entities(tx: &mut Transaction<'_>, names: &str, uses: &str) -> Result<Vec<NamedEntity>> {
    let mut entities = NamedEntities::default();
    each_row(tx, names, |row| {
        let own: String = row.try_get(1)?;
        entities.name(row.try_get(0)?, &own, row.try_get(2)?);
        Ok(())
    })?;
    each_row(tx, uses, |row| {
        entities.uses(row.try_get(0)?, row.try_get(1)?);
        Ok(())
    })?;
    Ok(entities.finish())
}
