//! Near-names: a new organization or person whose name is close to one already known
//! ("UN Office on Drugs & Crime" beside "UN Office on Drugs and Crime") is most often the same
//! body spelt otherwise. The store says so; the command prints a note, and creates it anyway.
//!
//! Closeness is stricter than the ranking that suggests names after a miss (`similar`):
//! there, a loose match helps; here, an unasked-for note must not cry wolf over distinct
//! bodies that share words ("UN Counter-Terrorism Centre", "UN Office of Counter-Terrorism").
//! Two names are close when their skeletons (case, accents, spacing and punctuation taken
//! out, `&` read as `and`) are equal, or, for long ones, a letter or two apart. The work per
//! new name is bounded: its skeleton is looked up among all the skeletons, sorted, and only
//! a few neighbours on each side are compared.

use anyhow::Result;
use rusqlite::Connection;

use super::Store;
use super::entity::{Entity, ORGANIZATION, PERSON, find};
use super::fold::skeleton;

/// A name created (or about to be) that is close to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearName {
    /// "organization" or "person".
    pub what: &'static str,
    /// The new name.
    pub new: String,
    /// The name it is close to, as written (it may be an alias).
    pub known: String,
}

/// How many sorted skeletons on each side of a new one are compared with it.
const NEIGHBOURS: usize = 4;

/// How many letters two skeletons of this length may differ by and still be close: short
/// names (acronyms: UNDP, UNEP) must be equal.
fn tolerance(letters: usize) -> usize {
    match letters {
        0..=7 => 0,
        8..=15 => 1,
        _ => 2,
    }
}

/// For each of `new` (an entity id, or `i64::MAX` for one not yet created, and its name), the
/// closest name of an entity with a smaller id, if one is close.
pub(super) fn near_names(
    conn: &Connection,
    entity: &Entity,
    new: &[(i64, String)],
) -> Result<Vec<NearName>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let mut known: Vec<(String, i64, String)> = Vec::new();
    let mut stmt = conn.prepare_cached(entity.all_names)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        known.push((skeleton(&name), row.get(0)?, name));
    }
    known.sort_unstable();
    let mut found = Vec::new();
    for (id, name) in new {
        let wanted = skeleton(name);
        if wanted.is_empty() {
            continue;
        }
        let letters = wanted.chars().count();
        let allowed = tolerance(letters);
        let at = known.partition_point(|(s, _, _)| s.as_str() < wanted.as_str());
        // The run of equal skeletons may be longer than the window: it is read whole.
        let equal_end = at
            + known[at..]
                .iter()
                .take_while(|(s, _, _)| *s == wanted)
                .count();
        let window = at.saturating_sub(NEIGHBOURS)..(equal_end + NEIGHBOURS).min(known.len());
        let mut best: Option<(usize, &str)> = None;
        for (other, other_id, other_name) in &known[window] {
            if other_id >= id {
                continue; // itself, or created after it
            }
            let distance = if *other == wanted {
                0
            } else if allowed == 0 || other.chars().count().abs_diff(letters) > allowed {
                continue;
            } else {
                strsim::levenshtein(other, &wanted)
            };
            if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, other_name));
            }
        }
        if let Some((_, known)) = best {
            found.push(NearName {
                what: entity.what,
                new: name.clone(),
                known: known.to_string(),
            });
        }
    }
    Ok(found)
}

/// The largest id of each kind: what an import compares with at its end to tell the
/// entities it created.
pub(super) fn last_ids(conn: &Connection) -> Result<[i64; 2]> {
    let last = |entity: &Entity| -> Result<i64> {
        Ok(conn
            .prepare_cached(entity.last_id)?
            .query_row([], |r| r.get(0))?)
    };
    Ok([last(&ORGANIZATION)?, last(&PERSON)?])
}

/// The near-names among the entities created since `last` (from [`last_ids`]), each
/// compared with those known before it.
pub(super) fn near_names_since(conn: &Connection, last: [i64; 2]) -> Result<Vec<NearName>> {
    let mut found = Vec::new();
    for (entity, since) in [(&ORGANIZATION, last[0]), (&PERSON, last[1])] {
        let created: Vec<(i64, String)> = conn
            .prepare_cached(entity.created_since)?
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        found.extend(near_names(conn, entity, &created)?);
    }
    Ok(found)
}

impl Store {
    /// For each organization of `names` that does not exist yet (it would be created), the
    /// known name it is close to, if any.
    pub fn near_organizations(&self, names: &[String]) -> Result<Vec<NearName>> {
        self.near(&ORGANIZATION, names)
    }

    /// For each person of `names` who does not exist yet, the known name close to theirs.
    pub fn near_people(&self, names: &[String]) -> Result<Vec<NearName>> {
        self.near(&PERSON, names)
    }

    fn near(&self, entity: &Entity, names: &[String]) -> Result<Vec<NearName>> {
        let mut new: Vec<(i64, String)> = Vec::new();
        for name in names {
            let key = crate::model::name_key(name);
            if find(&self.conn, entity, name)?.is_none()
                && !new.iter().any(|(_, n)| crate::model::name_key(n) == key)
            {
                new.push((i64::MAX, crate::model::normalize_name(name)));
            }
        }
        near_names(&self.conn, entity, &new)
    }
}
