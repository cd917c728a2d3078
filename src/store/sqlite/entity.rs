//! Organizations and people: named entities, each known by its own name and any aliases, all
//! unique by name key in one table of names. One description of each kind's tables, used by
//! every lookup, import and curation.

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{EntityKind, name_key};
use crate::store::Found;
use crate::store::error::Result;

/// The SQL of one kind of named entity. Only these constants are ever put into SQL text.
pub(super) struct Entity {
    /// Which kind this is.
    pub(super) kind: EntityKind,
    /// `?1` a name key: the entity's id and own name.
    pub(super) find: &'static str,
    /// `?1` a name, `?2` the time: a new entity (its name row comes from `insert_name`).
    pub(super) insert: &'static str,
    /// `?1` name key, `?2` id, `?3` name.
    pub(super) insert_name: &'static str,
    /// `?1` name key, `?2` the name as it is to be spelt.
    pub(super) update_name: &'static str,
    /// `?1` name key: that name is no longer any entity's.
    pub(super) delete_name: &'static str,
    /// `?1` id, `?2` its new own name.
    pub(super) set_entity_name: &'static str,
    /// Every name of entity `?2` becomes a name of entity `?1`.
    pub(super) move_names: &'static str,
    /// `?1` id.
    pub(super) delete: &'static str,
    /// `?1` id, `?2` the key of its own name: its other names, by key.
    pub(super) aliases: &'static str,
    /// Every name of every entity: entity id, name.
    pub(super) all_names: &'static str,
    /// `?1` id: its id, own name and creation time.
    pub(super) row: &'static str,
    /// `?1` id, `?2` own name, `?3` creation time: the row made or set so.
    pub(super) put: &'static str,
    /// `?1` id: every name of it goes.
    pub(super) clear_names: &'static str,
    /// `?1` id, `?2` how many: the events linking to it, by id.
    pub(super) events_using: &'static str,
}

pub(super) const ORGANIZATION: Entity = Entity {
    kind: EntityKind::Organization,
    find: "SELECT o.id, o.name FROM organization_name n JOIN organization o ON o.id = n.organization_id
            WHERE n.name_key = ?1",
    insert: "INSERT INTO organization (name, created_at) VALUES (?1, ?2)",
    insert_name: "INSERT INTO organization_name (name_key, organization_id, name) VALUES (?1, ?2, ?3)",
    update_name: "UPDATE organization_name SET name = ?2 WHERE name_key = ?1",
    delete_name: "DELETE FROM organization_name WHERE name_key = ?1",
    set_entity_name: "UPDATE organization SET name = ?2 WHERE id = ?1",
    move_names: "UPDATE organization_name SET organization_id = ?1 WHERE organization_id = ?2",
    delete: "DELETE FROM organization WHERE id = ?1",
    aliases: "SELECT name FROM organization_name
               WHERE organization_id = ?1 AND name_key <> ?2 ORDER BY name_key",
    all_names: "SELECT organization_id, name FROM organization_name",
    row: "SELECT id, name, created_at FROM organization WHERE id = ?1",
    put: "INSERT INTO organization (id, name, created_at) VALUES (?1, ?2, ?3)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at",
    clear_names: "DELETE FROM organization_name WHERE organization_id = ?1",
    events_using: "SELECT event_id FROM event_organization WHERE organization_id = ?1
                   UNION SELECT event_id FROM participation WHERE organization_id = ?1
                   ORDER BY 1 LIMIT ?2",
};

pub(super) const PERSON: Entity = Entity {
    kind: EntityKind::Person,
    find: "SELECT p.id, p.name FROM person_name n JOIN person p ON p.id = n.person_id
            WHERE n.name_key = ?1",
    insert: "INSERT INTO person (name, created_at) VALUES (?1, ?2)",
    // Each name with its surname, as `PersonName` reads it (indexed: see
    // `each_name_with_surname`).
    insert_name: "INSERT INTO person_name (name_key, person_id, name, surname)
                  VALUES (?1, ?2, ?3, events_surname(?3))",
    update_name: "UPDATE person_name SET name = ?2, surname = events_surname(?2) WHERE name_key = ?1",
    delete_name: "DELETE FROM person_name WHERE name_key = ?1",
    set_entity_name: "UPDATE person SET name = ?2 WHERE id = ?1",
    move_names: "UPDATE person_name SET person_id = ?1 WHERE person_id = ?2",
    delete: "DELETE FROM person WHERE id = ?1",
    aliases: "SELECT name FROM person_name WHERE person_id = ?1 AND name_key <> ?2 ORDER BY name_key",
    all_names: "SELECT person_id, name FROM person_name",
    row: "SELECT id, name, created_at FROM person WHERE id = ?1",
    put: "INSERT INTO person (id, name, created_at) VALUES (?1, ?2, ?3)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at",
    clear_names: "DELETE FROM person_name WHERE person_id = ?1",
    events_using: "SELECT DISTINCT event_id FROM participation WHERE person_id = ?1
                   ORDER BY 1 LIMIT ?2",
};

/// The SQL of one kind.
pub(super) fn of(kind: EntityKind) -> &'static Entity {
    match kind {
        EntityKind::Organization => &ORGANIZATION,
        EntityKind::Person => &PERSON,
    }
}

/// Calls `f` with the id and each name (own or alias) of every entity of a kind, in the
/// table's order.
pub(super) fn each_name(
    conn: &Connection,
    entity: &Entity,
    f: &mut dyn FnMut(i64, &str),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(entity.all_names)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        f(row.get(0)?, &name);
    }
    Ok(())
}

/// Calls `f` with the id and each name of the people whose names have one of `surnames`
/// (folded, as `PersonName` reads them), through their index.
pub(super) fn each_name_with_surname(
    conn: &Connection,
    surnames: &[String],
    f: &mut dyn FnMut(i64, &str),
) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("SELECT person_id, name FROM person_name WHERE surname = ?1")?;
    for surname in surnames {
        let mut rows = stmt.query([surname])?;
        while let Some(row) = rows.next()? {
            let name: String = row.get(1)?;
            f(row.get(0)?, &name);
        }
    }
    Ok(())
}

/// The entity known by `name` (its own or an alias, compared as names are), if any.
pub(super) fn find(conn: &Connection, entity: &Entity, name: &str) -> Result<Option<Found>> {
    find_by_key(conn, entity, &name_key(name))
}

pub(super) fn find_by_key(conn: &Connection, entity: &Entity, key: &str) -> Result<Option<Found>> {
    Ok(conn
        .prepare_cached(entity.find)?
        .query_row([key], |r| {
            Ok(Found {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .optional()?)
}

/// The other names an entity is known by, by key.
pub(super) fn aliases(
    conn: &Connection,
    entity: &Entity,
    id: i64,
    name: &str,
) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(entity.aliases)?
        .query_map(params![id, name_key(name)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
