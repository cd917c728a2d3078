//! `check` and the counts it prints. The server keeps its own files whole and enforces the
//! foreign keys and constraints, so what is checked here is what it cannot know: the columns
//! computed in Rust (the `*_key` and `*_sort` columns, which play the part of SQLite's
//! indexes on `events_key(...)`, and the search documents, SQLite's FTS index) against what
//! the stored texts give now, and the links no constraint states. Findings are worded as
//! SQLite's check words them, under the same headings (`integrity:`, `foreign keys:`,
//! `search index:`). Everything is read a batch at a time, through portals.

use postgres::{GenericClient, Transaction};

use super::{search, summary};

use crate::model::name_key;
use crate::store::Counts;
use crate::store::error::Result;
use crate::store::fold::sort_key;

/// How many rows are read per round trip.
const BATCH: i32 = 1000;

/// How a key column is computed from its text.
#[derive(Clone, Copy)]
enum Computed {
    /// [`name_key`]: a `*_key` column.
    Key,
    /// [`sort_key`]: a `*_sort` column.
    Sort,
}

/// The computed columns of each table: a statement selecting a row's name for a message,
/// then pairs (text, its computed column); and the names of those columns.
const COMPUTED: &[(&str, &[(&str, Computed)])] = &[
    (
        "SELECT 'event ' || id, key, key_folded, title, title_key, title, title_sort,
                kind, kind_key, region, region_key, project, project_key
           FROM event ORDER BY id",
        &[
            ("key_folded", Computed::Key),
            ("title_key", Computed::Key),
            ("title_sort", Computed::Sort),
            ("kind_key", Computed::Key),
            ("region_key", Computed::Key),
            ("project_key", Computed::Key),
        ],
    ),
    (
        "SELECT 'tag ' || (ord + 1) || ' of event ' || event_id, tag, tag_key
           FROM event_tag ORDER BY event_id, ord",
        &[("tag_key", Computed::Key)],
    ),
    (
        "SELECT 'organization ' || id, name, name_key, name, name_sort
           FROM organization ORDER BY id",
        &[("name_key", Computed::Key), ("name_sort", Computed::Sort)],
    ),
    (
        "SELECT 'a name of organization ' || organization_id, name, name_key
           FROM organization_name ORDER BY organization_id, name_key",
        &[("name_key", Computed::Key)],
    ),
    (
        "SELECT 'person ' || id, name, name_key, name, name_sort FROM person ORDER BY id",
        &[("name_key", Computed::Key), ("name_sort", Computed::Sort)],
    ),
    (
        "SELECT 'a name of person ' || person_id, name, name_key
           FROM person_name ORDER BY person_id, name_key",
        &[("name_key", Computed::Key)],
    ),
    (
        "SELECT 'session ' || id || ' of event ' || event_id, name, name_key
           FROM session ORDER BY id",
        &[("name_key", Computed::Key)],
    ),
    (
        "SELECT 'participation ' || id, position, position_key, role, role_key,
                contribution, contribution_key
           FROM participation ORDER BY id",
        &[
            ("position_key", Computed::Key),
            ("role_key", Computed::Key),
            ("contribution_key", Computed::Key),
        ],
    ),
];

/// Links that no constraint rules out and that no command makes: each a statement selecting
/// a finding's text.
const LINKS: &[&str] = &[
    // Every organization and person is known by its own name (the table of names holds it),
    // as every lookup by name assumes.
    "SELECT 'integrity: organization ' || o.id || ': its own name is not among its names'
       FROM organization o
      WHERE NOT EXISTS (SELECT 1 FROM organization_name n
                         WHERE n.organization_id = o.id AND n.name_key = o.name_key)
      ORDER BY o.id",
    "SELECT 'integrity: person ' || p.id || ': its own name is not among its names'
       FROM person p
      WHERE NOT EXISTS (SELECT 1 FROM person_name n
                         WHERE n.person_id = p.id AND n.name_key = p.name_key)
      ORDER BY p.id",
    // A participation's session is one of its event's.
    "SELECT 'foreign keys: participation ' || p.id || ' of event ' || p.event_id
            || ' is in session ' || s.id || ' of event ' || s.event_id
       FROM participation p JOIN session s ON s.id = p.session_id
      WHERE s.event_id <> p.event_id
      ORDER BY p.id",
];

/// What is wrong with the records that the database's constraints do not already rule out.
/// A check that fails is itself a finding; the transaction ends with it, and so does the
/// checking.
pub(super) fn check(tx: &mut Transaction<'_>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if let Err(e) = run_checks(tx, &mut problems) {
        problems.push(format!("integrity: {e}"));
    }
    Ok(problems)
}

fn run_checks(tx: &mut Transaction<'_>, problems: &mut Vec<String>) -> Result<()> {
    for (sql, columns) in COMPUTED {
        let portal = tx.bind(*sql, &[])?;
        loop {
            let rows = tx.query_portal(&portal, BATCH)?;
            for row in &rows {
                let what: String = row.try_get(0)?;
                for (i, (column, computed)) in columns.iter().enumerate() {
                    let text: Option<String> = row.try_get(1 + 2 * i)?;
                    let stored: Option<String> = row.try_get(2 + 2 * i)?;
                    let expected = text.as_deref().map(|t| match computed {
                        Computed::Key => name_key(t),
                        Computed::Sort => sort_key(t),
                    });
                    if stored != expected {
                        problems.push(format!(
                            "integrity: {what}: {column} is not what its text gives"
                        ));
                    }
                }
            }
            if rows.len() < BATCH as usize {
                break;
            }
        }
    }
    for sql in LINKS {
        for row in tx.query(*sql, &[])? {
            problems.push(row.try_get(0)?);
        }
    }
    // The summaries `orgs`, `people` and `stats` read, against a recount.
    summary::check(tx, problems)?;
    // The search documents, against what the stored texts give now.
    let portal = tx.bind("SELECT id FROM event ORDER BY id", &[])?;
    loop {
        let rows = tx.query_portal(&portal, BATCH)?;
        let ids = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        let (ids, documents) = search::documents(tx, &ids)?;
        for row in tx.query(
            "SELECT d.id FROM unnest($1::bigint[], $2::text[]) AS d (id, search)
               JOIN event e ON e.id = d.id
              WHERE e.search <> d.search::tsvector
              ORDER BY d.id",
            &[&ids, &documents],
        )? {
            let id: i64 = row.try_get(0)?;
            problems.push(format!(
                "search index: event {id}: its search document is not what its texts give"
            ));
        }
        if rows.len() < BATCH as usize {
            return Ok(());
        }
    }
}

/// How many events, organizations, people and participations there are.
pub(super) fn counts(client: &mut impl GenericClient) -> Result<Counts> {
    let row = client.query_one(
        "SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM organization),
                (SELECT count(*) FROM person), (SELECT count(*) FROM participation)",
        &[],
    )?;
    Ok(Counts {
        events: row.try_get(0)?,
        organizations: row.try_get(1)?,
        people: row.try_get(2)?,
        participations: row.try_get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::read::testing::TestStore;
    use crate::model::{NewEvent, NewParticipant};

    /// A sound database has no finding; each kind of damage its own, worded as SQLite's
    /// check words its findings (a heading, then what is wrong where).
    #[test]
    fn check_finds_what_constraints_let_through() {
        let Some(mut db) = TestStore::new("check") else {
            return;
        };
        let day = NaiveDate::from_ymd_opt(2021, 11, 23).unwrap();
        let person = |name: &str, session: &str| NewParticipant {
            name: name.into(),
            organization: Some("Ökotrust".into()),
            position: None,
            role: Some("Speaker".into()),
            session: Some(session.into()),
            contribution: None,
            head: false,
        };
        for (title, session) in [("Café seminar", "Opening"), ("Workshop", "Panel")] {
            db.store
                .add_event(&NewEvent {
                    key: None,
                    title: title.into(),
                    kind: Some("seminar".into()),
                    start: day,
                    end: day,
                    mode: None,
                    location: None,
                    region: Some("Central Asia".into()),
                    project: None,
                    description: Some("About trafficking".into()),
                    source: None,
                    tags: vec!["SALW".into()],
                    organizers: vec!["UNODC".into()],
                    partners: Vec::new(),
                    sessions: vec![session.into()],
                    participants: vec![person("Ana Li", session)],
                })
                .unwrap();
        }
        assert_eq!(db.store.check().unwrap(), Vec::<String>::new());
        let counts = db.store.counts().unwrap();
        assert_eq!(
            (
                counts.events,
                counts.organizations,
                counts.people,
                counts.participations
            ),
            (2, 2, 1, 2)
        );
        db.client
            .batch_execute(
                "UPDATE event SET title_sort = 'x', search = '' WHERE id = 1;
                 UPDATE event_tag SET tag_key = 'SALW' WHERE event_id = 2;
                 UPDATE participation SET role_key = NULL WHERE id = 2;
                 UPDATE person SET name_sort = 'ana  li';
                 DELETE FROM organization_name WHERE name_key = 'ökotrust';
                 UPDATE participation SET session_id = 1 WHERE id = 2;",
            )
            .unwrap();
        assert_eq!(
            db.store.check().unwrap(),
            [
                "integrity: event 1: title_sort is not what its text gives",
                "integrity: tag 1 of event 2: tag_key is not what its text gives",
                "integrity: person 1: name_sort is not what its text gives",
                "integrity: participation 2: role_key is not what its text gives",
                "integrity: organization 2: its own name is not among its names",
                "foreign keys: participation 2 of event 2 is in session 1 of event 1",
                "search index: event 1: its search document is not what its texts give",
            ]
        );
    }
}
