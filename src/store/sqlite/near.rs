//! Near-names: a new organization or person whose name is close to one already known
//! ("UN Office on Drugs & Crime" beside "UN Office on Drugs and Crime") is most often the same
//! body spelt otherwise. The store says so; the command prints a note, and creates it anyway.
//!
//! Closeness is stricter than the ranking that suggests names after a miss (`similar`):
//! there, a loose match helps; here, an unasked-for note must not cry wolf over distinct
//! bodies that share words ("UN Counter-Terrorism Centre", "UN Office of Counter-Terrorism").
//! Two names are close when their skeletons (case, accents, spacing and punctuation taken
//! out, `&` read as `and`) are equal, or, for long ones, a letter or two apart. A name typed
//! on the command line is compared with every known name; in an import, the work per new name
//! is bounded: its skeleton is placed among all the skeletons, sorted, and only a few
//! neighbours on each side are compared.

use crate::store::error::Result;
use rusqlite::Connection;

use super::Store;
use super::entity::{Entity, ORGANIZATION, PERSON, find};
use crate::store::fold::skeleton;

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

/// A new name's skeleton and what closeness to it allows.
struct Wanted {
    skeleton: String,
    letters: usize,
    allowed: usize,
    digits: String,
}

fn digits(skeleton: &str) -> String {
    skeleton.chars().filter(char::is_ascii_digit).collect()
}

impl Wanted {
    fn new(skeleton: String) -> Wanted {
        let letters = skeleton.chars().count();
        Wanted {
            digits: digits(&skeleton),
            allowed: tolerance(letters),
            letters,
            skeleton,
        }
    }

    /// How far `other` (a skeleton) is, if it is close.
    fn distance(&self, other: &str) -> Option<usize> {
        if other == self.skeleton {
            return Some(0);
        }
        if self.allowed == 0
            || other.chars().count().abs_diff(self.letters) > self.allowed
            // Numbers are not typos: "Office 1623" is not "Office 1333".
            || digits(other) != self.digits
        {
            return None;
        }
        Some(strsim::levenshtein(other, &self.skeleton)).filter(|&d| d <= self.allowed)
    }
}

/// For each organization or person created since id `since` (an import's, written), the
/// closest name of one known before it, if one is close; in the order created. Bounded work
/// per name: its skeleton's neighbours among all the skeletons, sorted.
fn near_created(conn: &Connection, entity: &Entity, since: i64) -> Result<Vec<NearName>> {
    let mut known: Vec<(String, i64, String)> = Vec::new();
    let mut stmt = conn.prepare_cached(entity.all_names)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        known.push((skeleton(&name), row.get(0)?, name));
    }
    known.sort_unstable();
    let mut found: Vec<(i64, NearName)> = Vec::new();
    // One note per entity, whichever of its names is close.
    let mut noted: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (at, (wanted, id, name)) in known.iter().enumerate() {
        if *id <= since || wanted.is_empty() || noted.contains(id) {
            continue;
        }
        let wanted = Wanted::new(wanted.clone());
        // The run of equal skeletons may be longer than the window: it is read whole.
        let equal = |i: &usize| known[*i].0 == wanted.skeleton;
        let first = (0..at).rev().take_while(|i| equal(i)).last().unwrap_or(at);
        let last = (at..known.len())
            .take_while(|i| equal(i))
            .last()
            .map_or(at, |i| i + 1);
        let window = first.saturating_sub(NEIGHBOURS)..(last + NEIGHBOURS).min(known.len());
        let mut best: Option<(usize, &str)> = None;
        for (other, other_id, other_name) in &known[window] {
            if other_id >= id {
                continue; // itself, or created after it
            }
            if let Some(distance) = wanted.distance(other)
                && best.is_none_or(|(d, _)| distance < d)
            {
                best = Some((distance, other_name));
            }
        }
        if let Some((_, close)) = best {
            noted.insert(*id);
            found.push((
                *id,
                NearName {
                    what: entity.what,
                    new: name.clone(),
                    known: close.to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(id, _)| *id);
    Ok(found.into_iter().map(|(_, near)| near).collect())
}

/// For each of `names` (about to be created), the closest known name, if one is close. A few
/// names typed on a command line are compared with every known name, in one pass.
fn near_typed(conn: &Connection, entity: &Entity, names: &[String]) -> Result<Vec<NearName>> {
    let wanted: Vec<(&String, Wanted)> = names
        .iter()
        .map(|n| (n, Wanted::new(skeleton(n))))
        .filter(|(_, w)| !w.skeleton.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut best: Vec<Option<(usize, String)>> = vec![None; wanted.len()];
    let mut stmt = conn.prepare_cached(entity.all_names)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        let other = skeleton(&name);
        for ((_, w), best) in wanted.iter().zip(best.iter_mut()) {
            if let Some(distance) = w.distance(&other)
                && best.as_ref().is_none_or(|(d, _)| distance < *d)
            {
                *best = Some((distance, name.clone()));
            }
        }
    }
    Ok(wanted
        .iter()
        .zip(best)
        .filter_map(|((new, _), best)| {
            best.map(|(_, known)| NearName {
                what: entity.what,
                new: (*new).clone(),
                known,
            })
        })
        .collect())
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
            found.extend(near_created(conn, entity, since)?);
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
        near_typed(&self.conn, entity, &new)
    }
}
