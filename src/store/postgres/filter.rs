//! A filter compiled into one SELECT of events, in the filter's order: fixed fragments of SQL,
//! every value a bound parameter (`$1`, `$2`...). The same events in the same order as
//! SQLite's compiler (`sqlite/filter.rs`) for the same records: where SQLite calls the store's
//! functions (`events_key`, `events_sort_key`), this reads the key columns the writers fill
//! in Rust with the same functions; names of organizations and people are looked up in the
//! SELECT itself (a name no one has selects nothing), so a filter costs one round trip.

use postgres::types::ToSql;

use super::search::tsquery;

use crate::model::{EventFilter, LinkRole, Sort, name_key};

/// A bound value of a query.
pub(super) type Param = Box<dyn ToSql + Sync>;

/// The SQL of a query and the values of its parameters, `$1` first.
pub(super) struct Query {
    pub(super) sql: String,
    pub(super) params: Vec<Param>,
}

impl Query {
    /// The values to pass with [`Query::sql`] to `query`, `bind` or `execute`.
    pub(super) fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(|p| p.as_ref() as _).collect()
    }

    /// Adds a value and returns its placeholder (`$n`), to put into the SQL.
    pub(super) fn bind(&mut self, value: impl ToSql + Sync + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }
}

/// The query that selects `columns` (of `event e`) of the events passing `filter`, in its
/// order and within its limit. A caller may add parameters with [`Query::bind`] and wrap the
/// SQL (`... WHERE e.id IN (SELECT id FROM (<sql>) chosen)`).
pub(super) fn event_query(filter: &EventFilter, columns: &str) -> Query {
    let mut q = Query {
        sql: String::new(),
        params: Vec::new(),
    };
    let mut sql = format!("SELECT {columns} FROM event e WHERE true");
    if let Some(from) = filter.from {
        let p = q.bind(from);
        sql.push_str(&format!(" AND e.end_date >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = q.bind(to);
        sql.push_str(&format!(" AND e.start_date <= {p}"));
    }
    if let Some(org) = &filter.org {
        // The organization known by this name or an alias; none (NULL) matches no link.
        let p = q.bind(name_key(org));
        let org = format!("(SELECT organization_id FROM organization_name WHERE name_key = {p})");
        let links = match filter.org_role {
            Some(LinkRole::Organizer) => format!(
                "SELECT event_id FROM event_organization WHERE organization_id = {org} AND role = 'organizer'"
            ),
            Some(LinkRole::Partner) => format!(
                "SELECT event_id FROM event_organization WHERE organization_id = {org} AND role = 'partner'"
            ),
            Some(LinkRole::Participant) => {
                format!("SELECT event_id FROM participation WHERE organization_id = {org}")
            }
            None => format!(
                "SELECT event_id FROM event_organization WHERE organization_id = {org}
                 UNION SELECT event_id FROM participation WHERE organization_id = {org}"
            ),
        };
        sql.push_str(&format!(" AND e.id IN ({links})"));
    }
    match (&filter.person, &filter.role) {
        (Some(person), role) => {
            let p = q.bind(name_key(person));
            sql.push_str(&format!(
                " AND e.id IN (SELECT event_id FROM participation
                                WHERE person_id = (SELECT person_id FROM person_name WHERE name_key = {p})"
            ));
            if let Some(role) = role {
                let p = q.bind(name_key(role));
                sql.push_str(&format!(
                    " AND left(role_key, 200) = left({p}, 200) AND role_key = {p}"
                ));
            }
            sql.push(')');
        }
        (None, Some(role)) => {
            let p = q.bind(name_key(role));
            sql.push_str(&format!(
                " AND e.id IN (SELECT event_id FROM participation
                                WHERE left(role_key, 200) = left({p}, 200) AND role_key = {p})"
            ));
        }
        (None, None) => {}
    }
    if let Some(head) = &filter.head {
        let p = q.bind(name_key(head));
        sql.push_str(&format!(
            " AND e.id IN (SELECT event_id FROM participation
                            WHERE person_id = (SELECT person_id FROM person_name WHERE name_key = {p})
                              AND head)"
        ));
    }
    if let Some(kind) = &filter.kind {
        let p = q.bind(kind.clone());
        sql.push_str(&format!(" AND e.kind = {p}"));
    }
    if let Some(mode) = filter.mode {
        let p = q.bind(mode.as_str().to_string());
        sql.push_str(&format!(" AND e.mode = {p}"));
    }
    if let Some(region) = &filter.region {
        let p = q.bind(name_key(region));
        sql.push_str(&format!(" AND e.region_key = {p}"));
    }
    if let Some(project) = &filter.project {
        let p = q.bind(name_key(project));
        sql.push_str(&format!(" AND strpos(e.project_key, {p}) > 0"));
    }
    for tag in &filter.tags {
        let p = q.bind(name_key(tag));
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM event_tag t WHERE t.event_id = e.id
                 AND left(t.tag_key, 200) = left({p}, 200) AND t.tag_key = {p})"
        ));
    }
    if let Some(search) = &filter.search {
        let query = tsquery(search);
        if query.is_empty() {
            // A term with no token in it: SQLite's FTS5 finds nothing for it (an empty
            // phrase), and so nothing for the whole search.
            sql.push_str(" AND false");
        } else {
            let p = q.bind(query);
            sql.push_str(&format!(" AND e.search @@ {p}::text::tsquery"));
        }
    }
    sql.push_str(match filter.sort {
        Sort::Start => " ORDER BY e.start_date, e.id",
        Sort::StartDescending => " ORDER BY e.start_date DESC, e.id DESC",
        Sort::Title => " ORDER BY e.title_sort, e.title_key, e.start_date, e.id",
    });
    if let Some(limit) = filter.limit {
        let p = q.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        sql.push_str(&format!(" LIMIT {p}"));
    }
    q.sql = sql;
    q
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::model::{Mode, search_query};

    /// Every field of a filter becomes fixed SQL and bound values: no text of the user's is
    /// ever in the SQL, and the placeholders are the values, in order.
    #[test]
    fn every_value_is_a_parameter() {
        let evil = "x'); DROP TABLE event; --";
        let filter = EventFilter {
            from: NaiveDate::from_ymd_opt(2020, 1, 1),
            to: NaiveDate::from_ymd_opt(2021, 1, 1),
            org: Some(evil.into()),
            org_role: None,
            person: Some(evil.into()),
            role: Some(evil.into()),
            head: Some(evil.into()),
            kind: Some(evil.into()),
            mode: Some(Mode::Virtual),
            region: Some(evil.into()),
            project: Some(evil.into()),
            tags: vec![evil.into(), evil.into()],
            search: Some(search_query(&format!("{evil} traffick*")).unwrap()),
            sort: Sort::Title,
            limit: Some(5),
        };
        let query = event_query(&filter, "e.id");
        assert!(!query.sql.contains("DROP") && !query.sql.contains("traffick"));
        assert_eq!(query.params.len(), 14);
        for n in 1..=14 {
            assert!(query.sql.contains(&format!("${n}")), "${n}: {}", query.sql);
        }
        assert!(!query.sql.contains("$15"));
        // The organization's name is bound once and used in both of its links.
        assert_eq!(
            query.sql.matches("name_key = $3)").count(),
            2,
            "{}",
            query.sql
        );
        assert!(
            query
                .sql
                .ends_with(" ORDER BY e.title_sort, e.title_key, e.start_date, e.id LIMIT $14")
        );
    }

    /// A search that can find nothing (a term with no token) is said in the SQL, with no
    /// tsquery bound.
    #[test]
    fn a_search_for_no_token_selects_nothing() {
        let filter = EventFilter {
            search: Some(search_query("seminar \u{345}").unwrap()),
            ..EventFilter::default()
        };
        let query = event_query(&filter, "e.id");
        assert!(query.sql.contains(" AND false"), "{}", query.sql);
        assert!(query.params.is_empty());
    }
}
