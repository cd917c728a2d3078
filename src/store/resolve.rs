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

use std::borrow::Cow;
use std::collections::HashMap;

use super::error::StoreError;
use super::fold::sort_key;
use crate::model::EntityKind;
use crate::model::abbrev::{
    PersonName, abbreviation_key, derived_from, initialism, written_abbreviation,
};

/// How a name that is no one's own or alias was found to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// It is an organization's abbreviated name (or alias) written otherwise: case, dots and
    /// spaces aside ("U.N.D.P." for an alias "UNDP").
    Abbreviation,
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
    /// The ids that fit, each once, with one of their names, in the order met: `closer`, by
    /// a name written otherwise (an organization's abbreviation, a person's spelling);
    /// `looser`, by an initialism or as a shorter form of a person's name.
    closer: Vec<(i64, String)>,
    looser: Vec<(i64, String)>,
}

enum Wanted {
    Initialism(String),
    /// The readings of a typed person's name (see [`PersonName::readings`]).
    Person(Vec<PersonName>),
}

impl Matcher {
    /// A matcher for `typed`, or `None` when it cannot fit anything but by being a name (an
    /// organization's name not written like an abbreviation, a person's with no word).
    pub(crate) fn new(kind: EntityKind, typed: &str) -> Option<Matcher> {
        let wanted = match kind {
            EntityKind::Organization => Wanted::Initialism(abbreviation_key(typed)?),
            EntityKind::Person => {
                let readings = PersonName::readings(typed);
                if readings.is_empty() {
                    return None;
                }
                Wanted::Person(readings)
            }
        };
        Some(Matcher {
            wanted,
            closer: Vec::new(),
            looser: Vec::new(),
        })
    }

    /// The surnames a person's name must have to fit (folded, as [`PersonName`] reads them);
    /// `None` for an organization.
    pub(crate) fn surnames(&self) -> Option<Vec<String>> {
        match &self.wanted {
            Wanted::Initialism(_) => None,
            Wanted::Person(readings) => {
                let mut surnames: Vec<String> =
                    readings.iter().map(|r| r.surname.clone()).collect();
                surnames.dedup();
                Some(surnames)
            }
        }
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
                // A name written as an abbreviation (an alias "UNDP") before the initialisms
                // names give: an explicit name wins.
                if written_abbreviation(name).as_deref() == Some(key.as_str()) {
                    push(&mut self.closer);
                } else if initialism(name).as_deref() == Some(key.as_str()) {
                    push(&mut self.looser);
                }
            }
            Wanted::Person(readings) => {
                let Some(known) = PersonName::parse(name) else {
                    return;
                };
                if readings.iter().any(|wanted| known.key() == wanted.key()) {
                    push(&mut self.closer);
                } else if readings.iter().any(|wanted| wanted.may_be(&known)) {
                    push(&mut self.looser);
                }
            }
        }
    }

    /// The ones that fit at the first step where any does (each with one of its names), and
    /// how; `None` when none does.
    pub(crate) fn finish(self) -> Option<(Basis, Vec<(i64, String)>)> {
        let (first, second) = match self.wanted {
            Wanted::Initialism(_) => (Basis::Abbreviation, Basis::Initialism),
            Wanted::Person(_) => (Basis::Spelling, Basis::Surname),
        };
        if !self.closer.is_empty() {
            Some((first, self.closer))
        } else if !self.looser.is_empty() {
            Some((second, self.looser))
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

/// The organizations of an import by the abbreviations their names are written as and the
/// initialisms they give: what a reference that is no one's name is looked up in, without
/// reading every name again.
#[derive(Default)]
pub(crate) struct Initialisms {
    /// Abbreviation key -> the organizations with a name written so (an alias "UNDP"), each
    /// once, with that name.
    written: HashMap<String, Vec<(i64, String)>>,
    /// Initialism -> the organizations whose names give it, each once, with one such name.
    derived: HashMap<String, Vec<(i64, String)>>,
}

impl Initialisms {
    /// Whether no name is abbreviated here (none was there before an import, say).
    pub(crate) fn is_empty(&self) -> bool {
        self.written.is_empty() && self.derived.is_empty()
    }

    /// Adds one name of organization `id`.
    pub(crate) fn add(&mut self, id: i64, name: &str) {
        let keys = [
            (written_abbreviation(name), &mut self.written),
            (initialism(name), &mut self.derived),
        ];
        for (key, map) in keys {
            let Some(key) = key else { continue };
            let ids = map.entry(key).or_default();
            if !ids.iter().any(|(other, _)| *other == id) {
                ids.push((id, name.to_string()));
            }
        }
    }

    /// The organizations `key` (an abbreviation key) fits, at the first step where any does,
    /// and how: those with a name written so, else those whose names give it.
    pub(crate) fn get(&self, key: &str) -> (Basis, &[(i64, String)]) {
        match self.written.get(key) {
            Some(ids) if !ids.is_empty() => (Basis::Abbreviation, ids),
            _ => (
                Basis::Initialism,
                self.derived.get(key).map_or(&[], Vec::as_slice),
            ),
        }
    }

    /// Organization `other` was merged into `keep`: its names are `keep`'s.
    pub(crate) fn merged(&mut self, keep: i64, other: i64) {
        for ids in self.written.values_mut().chain(self.derived.values_mut()) {
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

/// Which abbreviations reach which organization, from every name read once: what `orgs`
/// shows beside each organization are the initialisms its names give that `--org` would
/// resolve to it, by the same steps as [`Initialisms`] after the exact names. What each name
/// gives is worked out once, as it is added, and kept with it for [`Self::shown`].
#[derive(Default)]
pub struct Abbreviations {
    /// Each name, by key: the exact step, and what the name gives.
    names: HashMap<String, Named>,
    /// Abbreviation key -> the organizations with a name written so ([`Initialisms`]'s).
    written: HashMap<String, Owners>,
    /// Initialism -> the organizations whose names give it.
    derived: HashMap<String, Owners>,
}

/// What a name gives: its abbreviation key and its initialism.
type Given<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>);

/// One name of an organization and what it gives.
struct Named {
    id: i64,
    /// Its [`abbreviation_key`].
    abbreviation: Option<String>,
    /// Its [`initialism`].
    initialism: Option<String>,
}

/// The organizations a key fits: all that [`Abbreviations::shown`] asks is whether another
/// than one does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owners {
    One(i64),
    Several,
}

impl Owners {
    fn add(owners: Option<Owners>, id: i64) -> Owners {
        match owners {
            None => Owners::One(id),
            Some(Owners::One(other)) if other == id => Owners::One(id),
            Some(_) => Owners::Several,
        }
    }
}

impl Abbreviations {
    /// Room for the names of `organizations` organizations, so that the maps are not
    /// rehashed, each key hashed again, as they grow.
    pub(crate) fn with_capacity(organizations: usize) -> Abbreviations {
        Abbreviations {
            names: HashMap::with_capacity(organizations),
            written: HashMap::new(),
            derived: HashMap::with_capacity(organizations),
        }
    }

    pub(crate) fn add(&mut self, id: i64, name: &str) {
        let abbreviation = abbreviation_key(name);
        let initialism = initialism(name);
        // As `written_abbreviation`: written in capitals, like an abbreviation otherwise.
        let written = abbreviation
            .as_ref()
            .filter(|_| !name.chars().any(char::is_lowercase));
        for (key, map) in [
            (written, &mut self.written),
            (initialism.as_ref(), &mut self.derived),
        ] {
            if let Some(key) = key {
                match map.get_mut(key) {
                    Some(owners) => *owners = Owners::add(Some(*owners), id),
                    None => {
                        map.insert(key.clone(), Owners::One(id));
                    }
                }
            }
        }
        self.names.insert(
            crate::model::name_key(name),
            Named {
                id,
                abbreviation,
                initialism,
            },
        );
    }

    /// What `orgs` shows beside the organization called `name` with `aliases`: the
    /// initialisms its names give ([`crate::model::abbrev::derived_initialisms`]) that name it
    /// and no other.
    pub fn shown(&self, name: &str, aliases: &[String]) -> Vec<String> {
        let Some(own) = self.names.get(&crate::model::name_key(name)) else {
            return Vec::new();
        };
        let id = own.id;
        // What each name gives, as added (worked out again for a name not added).
        let mut given: Vec<Given<'_>> = Vec::with_capacity(1 + aliases.len());
        given.push((
            own.abbreviation.as_deref().map(Cow::Borrowed),
            own.initialism.as_deref().map(Cow::Borrowed),
        ));
        for alias in aliases {
            given.push(match self.names.get(&crate::model::name_key(alias)) {
                Some(named) => (
                    named.abbreviation.as_deref().map(Cow::Borrowed),
                    named.initialism.as_deref().map(Cow::Borrowed),
                ),
                None => (
                    abbreviation_key(alias).map(Cow::Owned),
                    initialism(alias).map(Cow::Owned),
                ),
            });
        }
        let keys: Vec<(Option<&str>, Option<&str>)> = given
            .iter()
            .map(|(called, derived)| (called.as_deref(), derived.as_deref()))
            .collect();
        derived_from(&keys)
            .into_iter()
            .filter(|key| self.reaches(key, id))
            .map(str::to_string)
            .collect()
    }

    /// Whether the initialism `key` resolves to organization `id` alone: it is no other's
    /// name, and the organizations with a name written so, else those whose names give it,
    /// are `id` only.
    fn reaches(&self, key: &str, id: i64) -> bool {
        self.names
            .get(&crate::model::name_key(key))
            .is_none_or(|named| named.id == id)
            && match self.written.get(key).or_else(|| self.derived.get(key)) {
                Some(&owners) => owners == Owners::One(id),
                None => true,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_initialism_is_shown_where_it_reaches() {
        let mut reach = Abbreviations::default();
        for (id, name) in [
            (1, "United Nations Development Programme"),
            (2, "United Nations Drug Programme"),
            (3, "U.N.D.P."),
            (4, "UN Office on Drugs and Crime"),
            (4, "United Nations Office on Drugs and Crime"),
            (5, "Organization for Security and Co-operation in Europe"),
            (6, "Office for Security and Co-operation in Europe"),
            (7, "Group of Twenty"),
            (8, "Shanghai Cooperation Organisation"),
            (9, "sco"),
        ] {
            reach.add(id, name);
        }
        let shown = |name: &str, aliases: &[&str]| {
            let aliases: Vec<String> = aliases.iter().map(|a| a.to_string()).collect();
            reach.shown(name, &aliases)
        };
        // Another's name, dots aside: that one wins.
        assert!(shown("United Nations Development Programme", &[]).is_empty());
        // Two organizations give it: ambiguous, not shown.
        assert!(shown("Organization for Security and Co-operation in Europe", &[]).is_empty());
        // Its two names give it: one organization.
        assert_eq!(
            shown(
                "UN Office on Drugs and Crime",
                &["United Nations Office on Drugs and Crime"]
            ),
            ["UNODC"]
        );
        assert_eq!(shown("group of twenty", &[]), ["GT"]);
        assert!(shown("Unknown Body", &[]).is_empty());
        // Another's name, case aside, and given by this one only: still another's.
        assert!(shown("Shanghai Cooperation Organisation", &[]).is_empty());
    }

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
        // A name written as the abbreviation wins over the initialisms others give.
        let mut with_alias = names.to_vec();
        with_alias.push((2, "UNDP"));
        assert_eq!(
            matched(org, "U.N.D.P.", &with_alias),
            Some((Basis::Abbreviation, vec![2]))
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
        // Surname first, given name after.
        assert_eq!(
            matched(person, "Barchuk Vladimir", &names),
            Some((Basis::Spelling, vec![2]))
        );
        // "Vl." may be Vladimir, and a lone V. either of them: never one chosen.
        assert_eq!(
            matched(person, "Vl. Barchuk", &names),
            Some((Basis::Surname, vec![1, 2]))
        );
        // More initials than a stored name has: not that name.
        assert_eq!(matched(person, "V. L. Barchuk", &names), None);
    }

    #[test]
    fn a_merge_moves_initialisms() {
        let mut index = Initialisms::default();
        index.add(1, "UN Office on Drugs and Crime");
        index.add(2, "United Nations Office on Drugs and Crime");
        index.add(3, "United Nations Drug Programme");
        assert_eq!(index.get("UNODC").1.len(), 2);
        index.merged(1, 2);
        assert_eq!(
            index.get("UNODC"),
            (
                Basis::Initialism,
                &[(1, "UN Office on Drugs and Crime".into())][..]
            )
        );
        index.merged(1, 3);
        assert_eq!(index.get("UNDP").1[0].0, 1);
        index.add(4, "U.N.D.P.");
        assert_eq!(
            index.get("UNDP"),
            (Basis::Abbreviation, &[(4, "U.N.D.P.".into())][..])
        );
    }
}
