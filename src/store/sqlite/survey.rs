//! What `events doctor` reads: every event in brief, the participations without an
//! organization, every organization and person with all their names and how much each is
//! used; all from one snapshot (one read transaction).

use rusqlite::Connection;

use super::SqliteStore;
use crate::model::{EventBrief, NamedEntities, NamedEntity, Survey, Unaffiliated};
use crate::store::error::Result;

const EVENTS: &str = "SELECT e.key, e.title, e.start_date, coalesce(trim(e.source), '') <> '',
        (SELECT count(*) FROM participation p WHERE p.event_id = e.id)
   FROM event e";

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
        SELECT organization_id FROM participation WHERE organization_id IS NOT NULL)
  GROUP BY organization_id";

const PEOPLE: &str = "SELECT p.id, p.name, n.name
   FROM person p JOIN person_name n ON n.person_id = p.id";

const PERSON_USES: &str = "SELECT person_id, count(*) FROM participation GROUP BY person_id";

impl SqliteStore {
    pub(super) fn survey(&mut self) -> Result<Survey> {
        self.read_everything()?;
        let tx = self.conn.transaction()?;
        let survey = read(&tx)?;
        tx.commit()?;
        Ok(survey)
    }
}

fn read(conn: &Connection) -> Result<Survey> {
    let mut events = Vec::new();
    let mut stmt = conn.prepare(EVENTS)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        events.push(EventBrief {
            key: row.get(0)?,
            title: row.get(1)?,
            start: row.get(2)?,
            has_source: row.get(3)?,
            participants: row.get::<_, i64>(4)?.unsigned_abs(),
        });
    }
    let mut unaffiliated = Vec::new();
    let mut stmt = conn.prepare(UNAFFILIATED)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        unaffiliated.push(Unaffiliated {
            participation: row.get(0)?,
            event_key: row.get(1)?,
            event_title: row.get(2)?,
            event_start: row.get(3)?,
            person: row.get(4)?,
        });
    }
    Ok(Survey {
        events,
        unaffiliated,
        organizations: entities(conn, ORGANIZATIONS, ORGANIZATION_USES)?,
        people: entities(conn, PEOPLE, PERSON_USES)?,
    })
}

/// Every entity of a kind with its names (`names`: id, own name, a name) and uses (`uses`:
/// id, count).
fn entities(conn: &Connection, names: &str, uses: &str) -> Result<Vec<NamedEntity>> {
    let mut entities = NamedEntities::default();
    let mut stmt = conn.prepare(names)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let own: String = row.get(1)?;
        entities.name(row.get(0)?, &own, row.get(2)?);
    }
    let mut stmt = conn.prepare(uses)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        entities.uses(row.get(0)?, row.get(1)?);
    }
    Ok(entities.finish())
}
