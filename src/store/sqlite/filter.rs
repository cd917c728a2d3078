//! The filter compiler: an [`EventFilter`] as one SELECT of fixed fragments, every value a
//! bound parameter.

use rusqlite::{Connection, types::Value};

use super::lookup::{organization_id, person_id};

use crate::model::{EventFilter, LinkRole, Sort, name_key};
use crate::store::error::Result;

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
    if let Some(head) = &filter.head {
        let Some(person_id) = person_id(conn, head)? else {
            return Ok(None);
        };
        sql.push_str(
            " AND e.id IN (SELECT event_id FROM participation WHERE person_id = ? AND head)",
        );
        values.push(Value::Integer(person_id));
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
        values.push(Value::Text(super::search::fts5_query(search)));
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
