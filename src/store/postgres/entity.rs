//! Organizations and people: named entities, each known by its own name and any aliases, all
//! unique by name key in one table of names per kind. One description of each kind's tables
//! (its SQL), used by every lookup, write, import and curation; and [`Names`], the cache of
//! the organizations and people one write meets.

use std::collections::HashMap;

use postgres::GenericClient;

use crate::model::{EntityKind, name_key};
use crate::store::Found;
use crate::store::error::Result;
use crate::store::fold::sort_key;

/// The SQL of one kind of named entity. Only these constants are ever put into SQL text.
pub(super) struct Entity {
    /// `$1` a name key: the entity's id and own name.
    pub(super) find: &'static str,
    /// `$1` a name, `$2` its name key, `$3` its sort key, `$4` the time: a new entity's id
    /// (its name row comes from `insert_name`).
    pub(super) insert: &'static str,
    /// `$1` name key, `$2` id, `$3` name.
    pub(super) insert_name: &'static str,
    /// `$1` name key, `$2` the name as it is to be spelt.
    pub(super) update_name: &'static str,
    /// `$1` name key: that name is no longer any entity's.
    pub(super) delete_name: &'static str,
    /// `$1` id, `$2` its new own name, `$3` its name key, `$4` its sort key.
    pub(super) set_entity_name: &'static str,
    /// Every name of entity `$2` becomes a name of entity `$1`.
    pub(super) move_names: &'static str,
    /// `$1` id.
    pub(super) delete: &'static str,
    /// `$1` id, `$2` the key of its own name: its other names, by key.
    pub(super) aliases: &'static str,
    /// Every name of every entity: entity id, name; by name key (the order of SQLite's
    /// table of names).
    pub(super) all_names: &'static str,
}

pub(super) const ORGANIZATION: Entity = Entity {
    find: "SELECT o.id, o.name FROM organization_name n JOIN organization o ON o.id = n.organization_id
            WHERE n.name_key = $1",
    insert: "INSERT INTO organization (name, name_key, name_sort, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
    insert_name: "INSERT INTO organization_name (name_key, organization_id, name) VALUES ($1, $2, $3)",
    update_name: "UPDATE organization_name SET name = $2 WHERE name_key = $1",
    delete_name: "DELETE FROM organization_name WHERE name_key = $1",
    set_entity_name: "UPDATE organization SET name = $2, name_key = $3, name_sort = $4 WHERE id = $1",
    move_names: "UPDATE organization_name SET organization_id = $1 WHERE organization_id = $2",
    delete: "DELETE FROM organization WHERE id = $1",
    aliases: "SELECT name FROM organization_name
               WHERE organization_id = $1 AND name_key <> $2 ORDER BY name_key",
    all_names: "SELECT organization_id, name FROM organization_name ORDER BY name_key",
};

pub(super) const PERSON: Entity = Entity {
    find: "SELECT p.id, p.name FROM person_name n JOIN person p ON p.id = n.person_id
            WHERE n.name_key = $1",
    insert: "INSERT INTO person (name, name_key, name_sort, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
    insert_name: "INSERT INTO person_name (name_key, person_id, name) VALUES ($1, $2, $3)",
    update_name: "UPDATE person_name SET name = $2 WHERE name_key = $1",
    delete_name: "DELETE FROM person_name WHERE name_key = $1",
    set_entity_name: "UPDATE person SET name = $2, name_key = $3, name_sort = $4 WHERE id = $1",
    move_names: "UPDATE person_name SET person_id = $1 WHERE person_id = $2",
    delete: "DELETE FROM person WHERE id = $1",
    aliases: "SELECT name FROM person_name WHERE person_id = $1 AND name_key <> $2 ORDER BY name_key",
    all_names: "SELECT person_id, name FROM person_name ORDER BY name_key",
};

/// The SQL of one kind.
pub(super) fn of(kind: EntityKind) -> &'static Entity {
    match kind {
        EntityKind::Organization => &ORGANIZATION,
        EntityKind::Person => &PERSON,
    }
}

/// The organization or person known by `name` (its own or an alias, compared as names
/// are), if any.
pub(super) fn find(
    client: &mut impl GenericClient,
    kind: EntityKind,
    name: &str,
) -> Result<Option<Found>> {
    find_by_key(client, of(kind), &name_key(name))
}

/// The entity whose name (own or alias) has this name key, if any.
pub(super) fn find_by_key(
    client: &mut impl GenericClient,
    entity: &Entity,
    key: &str,
) -> Result<Option<Found>> {
    Ok(client.query_opt(entity.find, &[&key])?.map(|row| Found {
        id: row.get(0),
        name: row.get(1),
    }))
}

/// Calls `f` with the id and each name (own or alias) of every organization or person, by
/// name key.
pub(super) fn each_name(
    client: &mut impl GenericClient,
    kind: EntityKind,
    f: &mut dyn FnMut(i64, &str),
) -> Result<()> {
    for row in client.query(of(kind).all_names, &[])? {
        let name: &str = row.get(1);
        f(row.get(0), name);
    }
    Ok(())
}

/// Creates an entity called `name` (whose name key is `key`), with its own name row; its id.
fn create(
    client: &mut impl GenericClient,
    entity: &Entity,
    name: &str,
    key: &str,
    stamp: &str,
) -> Result<i64> {
    let id: i64 = client
        .query_one(entity.insert, &[&name, &key, &sort_key(name), &stamp])?
        .get(0);
    client.execute(entity.insert_name, &[&key, &id, &name])?;
    Ok(id)
}

/// The other names an entity is known by, by key.
pub(super) fn aliases(
    client: &mut impl GenericClient,
    entity: &Entity,
    id: i64,
    name: &str,
) -> Result<Vec<String>> {
    Ok(client
        .query(entity.aliases, &[&id, &name_key(name)])?
        .into_iter()
        .map(|row| row.get(0))
        .collect())
}

/// Finds organizations and people by name, creating them when new, and remembers the ids it
/// has seen so that a long write does not look the same name up a thousand times.
#[derive(Default)]
pub(super) struct Names {
    orgs: HashMap<String, i64>,
    people: HashMap<String, i64>,
    /// The organizations and people created through this cache, in order, until taken.
    pub(super) created: Vec<(EntityKind, i64)>,
}

/// Past this many remembered names, the cache starts afresh, so memory stays bounded.
const NAME_CACHE_LIMIT: usize = 200_000;

impl Names {
    /// The organization known by `name`, created (at `stamp`) if new.
    pub(super) fn organization(
        &mut self,
        client: &mut impl GenericClient,
        name: &str,
        stamp: &str,
    ) -> Result<i64> {
        Ok(self
            .entity(client, EntityKind::Organization, name, stamp)?
            .0)
    }

    /// The person known by `name`, created (at `stamp`) if new.
    pub(super) fn person(
        &mut self,
        client: &mut impl GenericClient,
        name: &str,
        stamp: &str,
    ) -> Result<i64> {
        Ok(self.entity(client, EntityKind::Person, name, stamp)?.0)
    }

    /// The organization or person known by `name`, created (at `stamp`) if new; and whether
    /// this call created it (a name met before through this cache never was).
    pub(super) fn entity(
        &mut self,
        client: &mut impl GenericClient,
        kind: EntityKind,
        name: &str,
        stamp: &str,
    ) -> Result<(i64, bool)> {
        let cache = match kind {
            EntityKind::Organization => &mut self.orgs,
            EntityKind::Person => &mut self.people,
        };
        let key = name_key(name);
        if let Some(&id) = cache.get(&key) {
            return Ok((id, false));
        }
        let entity = of(kind);
        let (id, created) = match find_by_key(client, entity, &key)? {
            Some(found) => (found.id, false),
            None => (create(client, entity, name, &key, stamp)?, true),
        };
        if cache.len() >= NAME_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, id);
        if created {
            self.created.push((kind, id));
        }
        Ok((id, created))
    }
}
