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

/// The new names to check: those of entities created after an id (an import's, already
/// written), or names about to be created.
pub(super) enum New<'a> {
    Since(i64),
    Names(&'a [String]),
}

/// For each new name, the closest name of an entity known before it (with a smaller id; a
/// name about to be created comes after all), if one is close. In the order created.
pub(super) fn near_names(
    conn: &Connection,
    entity: &Entity,
    new: New<'_>,
) -> Result<Vec<NearName>> {
    if matches!(new, New::Names(names) if names.is_empty()) {
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
    // (id, name, skeleton, where its skeleton is or would be among the known ones)
    let checked: Vec<(i64, String, String, usize)> = match new {
        New::Since(since) => known
            .iter()
            .enumerate()
            .filter(|(_, (_, id, _))| *id > since)
            .map(|(at, (s, id, name))| (*id, name.clone(), s.clone(), at))
            .collect(),
        New::Names(names) => names
            .iter()
            .map(|name| {
                let s = skeleton(name);
                let at = known.partition_point(|(k, _, _)| k.as_str() < s.as_str());
                (i64::MAX, name.clone(), s, at)
            })
            .collect(),
    };
    let mut found: Vec<(i64, NearName)> = Vec::new();
    // One note per entity, whichever of its names is close.
    let mut noted: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (id, name, wanted, at) in checked {
        if wanted.is_empty() || (id != i64::MAX && noted.contains(&id)) {
            continue;
        }
        let letters = wanted.chars().count();
        let allowed = tolerance(letters);
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let wanted_digits = digits(&wanted);
        // The run of equal skeletons may be longer than the window: it is read whole.
        let equal = |i: &usize| known[*i].0 == wanted;
        let first = (0..at).rev().take_while(|i| equal(i)).last().unwrap_or(at);
        let last = (at..known.len())
            .take_while(|i| equal(i))
            .last()
            .map_or(at, |i| i + 1);
        let window = first.saturating_sub(NEIGHBOURS)..(last + NEIGHBOURS).min(known.len());
        let mut best: Option<(usize, &str)> = None;
        for (other, other_id, other_name) in &known[window] {
            if *other_id >= id {
                continue; // itself, or created after it
            }
            let distance = if *other == wanted {
                0
            } else if allowed == 0
                || other.chars().count().abs_diff(letters) > allowed
                // Numbers are not typos: "Office 1623" is not "Office 1333".
                || digits(other) != wanted_digits
            {
                continue;
            } else {
                strsim::levenshtein(other, &wanted)
            };
            if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, other_name));
            }
        }
        if let Some((_, known)) = best {
            noted.insert(id);
            found.push((
                id,
                NearName {
                    what: entity.what,
                    new: name,
                    known: known.to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(id, _)| *id);
    Ok(found.into_iter().map(|(_, near)| near).collect())
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
        let created: bool = conn
            .prepare_cached(entity.created_since)?
            .query_row([since], |r| r.get(0))?;
        if created {
            found.extend(near_names(conn, entity, New::Since(since))?);
        }
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
        let mut new: Vec<String> = Vec::new();
        for name in names {
            let key = crate::model::name_key(name);
            if find(&self.conn, entity, name)?.is_none()
                && !new.iter().any(|n| crate::model::name_key(n) == key)
            {
                new.push(crate::model::normalize_name(name));
            }
        }
        near_names(&self.conn, entity, New::Names(&new))
    }
}
