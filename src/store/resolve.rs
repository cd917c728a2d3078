//! Which organization or person a name as typed means, above the backends: an exact name or
//! alias first (case and spacing aside, as a backend finds it); else, for an organization,
//! the one whose name (own or alias) gives the initialism typed ("UNODC" for "UN Office on
//! Drugs and Crime"); for a person, the one with a name written the same way but for order,
//! dots and spaces ("Barchuk V.V." for "V. V. Barchuk"), else the one whose name it may be a
//! shorter form of ("Barchuk", "V. Barchuk"). Several that fit are never chosen between: the
//! caller hears of them all ([`StoreError::Ambiguous`]).
//!
//! A backend only lists its names (`each_name`), and only when the exact lookup missed.
//! An import keeps an [`Initialisms`] index instead, built once at its first miss and kept
//! up to date as it creates organizations and names, so that it never reads every name per
//! record.

use std::collections::HashMap;

use super::error::StoreError;
use super::fold::sort_key;
use crate::model::EntityKind;
use crate::model::abbrev::{PersonName, abbreviation_key, initialism};

/// How a name that is no one's own or alias was found to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// It is the initialism of the organization's name (or of an alias).
    Initialism,
    /// It is a person's name written otherwise: initials after, dots and spaces aside.
    Spelling,
    /// It may be a shorter form of a person's name: the surname alone, or fewer initials.
    Surname,
}

/// Gathers, from every name of every organization or person, those a typed name fits by
/// something else than being it; see the module's documentation.
pub(crate) struct Matcher {
    wanted: Wanted,
    /// Per step (initialism, or the person's spelling, then surname): the ids that fit, each
    /// once, with one of their names, in the order met.
    first: Vec<(i64, String)>,
    second: Vec<(i64, String)>,
}

enum Wanted {
    Initialism(String),
    Person(PersonName),
}

impl Matcher {
    /// A matcher for `typed`, or `None` when it cannot fit anything but by being a name (an
    /// organization's name not written like an abbreviation, a person's with no word).
    pub(crate) fn new(kind: EntityKind, typed: &str) -> Option<Matcher> {
        let wanted = match kind {
            EntityKind::Organization => Wanted::Initialism(abbreviation_key(typed)?),
            EntityKind::Person => Wanted::Person(PersonName::parse(typed)?),
        };
        Some(Matcher {
            wanted,
            first: Vec::new(),
            second: Vec::new(),
        })
    }

    /// Considers one name of the organization or person `id`.
    pub(crate) fn add(&mut self, id: i64, name: &str) {
        let push = |list: &mut Vec<(i64, String)>| {
            if !list.iter().any(|(other, _)| *other == id) {
                list.push((id, name.to_string()));
            }
        };
        match &self.wanted {
            Wanted::Initialism(key) => {
                if initialism(name).as_deref() == Some(key.as_str()) {
                    push(&mut self.first);
                }
            }
            Wanted::Person(wanted) => {
                let Some(known) = PersonName::parse(name) else {
                    return;
                };
                if known.key() == wanted.key() {
                    push(&mut self.first);
                } else if known.compatible(wanted) {
                    push(&mut self.second);
                }
            }
        }
    }

    /// The ones that fit at the first step where any does (each with one of its names), and
    /// how; `None` when none does.
    pub(crate) fn finish(self) -> Option<(Basis, Vec<(i64, String)>)> {
        let (first, second) = match self.wanted {
            Wanted::Initialism(_) => (Basis::Initialism, Basis::Initialism),
            Wanted::Person(_) => (Basis::Spelling, Basis::Surname),
        };
        if !self.first.is_empty() {
            Some((first, self.first))
        } else if !self.second.is_empty() {
            Some((second, self.second))
        } else {
            None
        }
    }
}

/// The error for a typed name that several fit: their own names, each once, sorted.
pub(crate) fn ambiguous(
    kind: EntityKind,
    typed: &str,
    basis: Basis,
    mut names: Vec<String>,
) -> StoreError {
    names.sort_by_cached_key(|n| (sort_key(n), n.clone()));
    names.dedup();
    StoreError::Ambiguous {
        kind,
        typed: typed.to_string(),
        basis,
        names,
    }
}

/// The organizations of an import by the initialisms their names give: what a reference
/// that is no one's name is looked up in, without reading every name again.
#[derive(Default)]
pub(crate) struct Initialisms {
    /// Initialism -> the organizations whose names give it, each once, with one such name.
    by_key: HashMap<String, Vec<(i64, String)>>,
}

impl Initialisms {
    /// Adds one name of organization `id`.
    pub(crate) fn add(&mut self, id: i64, name: &str) {
        let Some(key) = initialism(name) else {
            return;
        };
        let ids = self.by_key.entry(key).or_default();
        if !ids.iter().any(|(other, _)| *other == id) {
            ids.push((id, name.to_string()));
        }
    }

    /// The organizations whose names give `key` as their initialism.
    pub(crate) fn get(&self, key: &str) -> &[(i64, String)] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// Organization `other` was merged into `keep`: its names are `keep`'s.
    pub(crate) fn merged(&mut self, keep: i64, other: i64) {
        for ids in self.by_key.values_mut() {
            if !ids.iter().any(|(id, _)| *id == other) {
                continue;
            }
            let has_keep = ids.iter().any(|(id, _)| *id == keep);
            if has_keep {
                ids.retain(|(id, _)| *id != other);
            } else {
                for (id, _) in ids.iter_mut() {
                    if *id == other {
                        *id = keep;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(kind: EntityKind, typed: &str, names: &[(i64, &str)]) -> Option<(Basis, Vec<i64>)> {
        let mut matcher = Matcher::new(kind, typed)?;
        for (id, name) in names {
            matcher.add(*id, name);
        }
        matcher
            .finish()
            .map(|(basis, ids)| (basis, ids.into_iter().map(|(id, _)| id).collect()))
    }

    #[test]
    fn an_initialism_fits_every_organization_whose_names_give_it() {
        let names = [
            (1, "UN Office on Drugs and Crime"),
            (1, "United Nations Office on Drugs and Crime"),
            (2, "United Nations Development Programme"),
            (3, "United Nations Drug Programme"),
        ];
        let org = EntityKind::Organization;
        assert_eq!(
            matched(org, "u.n.o.d.c.", &names),
            Some((Basis::Initialism, vec![1]))
        );
        assert_eq!(
            matched(org, "UNDP", &names),
            Some((Basis::Initialism, vec![2, 3]))
        );
        assert_eq!(matched(org, "OSCE", &names), None);
        // Not written like an abbreviation: no initialism is looked for.
        assert!(Matcher::new(org, "Office (of) X").is_none());
    }

    #[test]
    fn a_spelling_comes_before_a_surname() {
        let names = [
            (1, "V. V. Barchuk"),
            (2, "Vladimir Barchuk"),
            (3, "A. Ivanova"),
        ];
        let person = EntityKind::Person;
        assert_eq!(
            matched(person, "Barchuk V.V.", &names),
            Some((Basis::Spelling, vec![1]))
        );
        assert_eq!(
            matched(person, "Barchuk", &names),
            Some((Basis::Surname, vec![1, 2]))
        );
        assert_eq!(
            matched(person, "Ivanova", &names),
            Some((Basis::Surname, vec![3]))
        );
        assert_eq!(matched(person, "Petrov", &names), None);
    }

    #[test]
    fn a_merge_moves_initialisms() {
        let mut index = Initialisms::default();
        index.add(1, "UN Office on Drugs and Crime");
        index.add(2, "United Nations Office on Drugs and Crime");
        index.add(3, "United Nations Drug Programme");
        assert_eq!(index.get("UNODC").len(), 2);
        index.merged(1, 2);
        assert_eq!(
            index.get("UNODC"),
            &[(1, "UN Office on Drugs and Crime".into())]
        );
        index.merged(1, 3);
        assert_eq!(index.get("UNDP")[0].0, 1);
    }
}
