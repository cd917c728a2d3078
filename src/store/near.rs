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
//!
//! Also the ranking of known names that a name no one has may have meant (`similar`). Both
//! are written once, above the backends: a backend only lists the names it knows.

use std::collections::HashMap;

use super::fold::{skeleton, sort_key};
use crate::model::EntityKind;
use crate::model::abbrev::{PersonName, abbreviation_key, initialism, significant_words};

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

/// What names of `kind` are compared by: their skeletons; for people, the skeleton of the
/// name in one order, surname first ("Barchuk V.V." and "V. V. Barchuk" are one spelling).
fn compared(kind: EntityKind, name: &str) -> String {
    match kind {
        EntityKind::Person => crate::model::abbrev::PersonName::parse(name)
            .map(|p| p.key().replace(' ', ""))
            .unwrap_or_else(|| skeleton(name)),
        EntityKind::Organization => skeleton(name),
    }
}

/// The ways a typed name may be compared: for a person, each way of reading it (surname last,
/// or first: "Barchuk Vladimir"); else as [`compared`] says.
fn compared_typed(kind: EntityKind, name: &str) -> Vec<String> {
    let readings = match kind {
        EntityKind::Person => crate::model::abbrev::PersonName::readings(name),
        EntityKind::Organization => Vec::new(),
    };
    if readings.is_empty() {
        return vec![compared(kind, name)];
    }
    readings.iter().map(|p| p.key().replace(' ', "")).collect()
}

/// How many sorted skeletons on each side of a new one are compared with it.
const NEIGHBOURS: usize = 4;

/// How many letters two skeletons of this length may differ by and still be close: short
/// names (acronyms: UNDP, UNEP) must be equal.
pub(crate) fn tolerance(letters: usize) -> usize {
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

/// For each organization or person an import created (`created` gives, for an id of `names`,
/// all the names of `kind` with their entity's id, its place in the order the import created
/// them, or `None` for one it did not create), the closest name of one known before it, if
/// one is close; in the order created. Bounded work per name: its skeleton's neighbours among
/// all the skeletons, sorted. The order is the import's own: ids say nothing of it (on a
/// server, another session's entity may have a larger id than one created here before it).
pub(crate) fn near_created(
    kind: EntityKind,
    names: Vec<(i64, String)>,
    created: impl Fn(i64) -> Option<usize>,
) -> Vec<NearName> {
    let mut known: Vec<(String, i64, String)> = names
        .into_iter()
        .map(|(id, name)| (compared(kind, &name), id, name))
        .collect();
    known.sort_unstable();
    let mut found: Vec<(usize, NearName)> = Vec::new();
    // One note per entity, whichever of its names is close.
    let mut noted: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (at, (wanted, id, name)) in known.iter().enumerate() {
        let Some(place) = created(*id) else {
            continue;
        };
        if wanted.is_empty() || noted.contains(id) {
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
            if other_id == id || created(*other_id).is_some_and(|p| p > place) {
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
                place,
                NearName {
                    what: kind.as_str(),
                    new: name.clone(),
                    known: close.to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(place, _)| *place);
    found.into_iter().map(|(_, near)| near).collect()
}

/// Compares names typed on a command line (about to be created) with every known name, in
/// one pass: `add` each known name, then `finish` says, for each typed name, the closest
/// known one, if one is close.
pub(crate) struct NearTyped<'a> {
    kind: EntityKind,
    wanted: Vec<(&'a String, Wanted)>,
    best: Vec<Option<(usize, String)>>,
}

impl<'a> NearTyped<'a> {
    pub(crate) fn new(kind: EntityKind, names: &'a [String]) -> NearTyped<'a> {
        let wanted: Vec<(&String, Wanted)> = names
            .iter()
            .flat_map(|n| {
                compared_typed(kind, n)
                    .into_iter()
                    .map(move |key| (n, Wanted::new(key)))
            })
            .filter(|(_, w)| !w.skeleton.is_empty())
            .collect();
        NearTyped {
            kind,
            best: vec![None; wanted.len()],
            wanted,
        }
    }

    /// Whether there is nothing to compare (no typed name has a skeleton).
    pub(crate) fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    pub(crate) fn add(&mut self, name: &str) {
        let other = compared(self.kind, name);
        for ((_, w), best) in self.wanted.iter().zip(self.best.iter_mut()) {
            if let Some(distance) = w.distance(&other)
                && best.as_ref().is_none_or(|(d, _)| distance < *d)
            {
                *best = Some((distance, name.to_string()));
            }
        }
    }

    pub(crate) fn finish(self) -> Vec<NearName> {
        let what = self.kind.as_str();
        // A typed name read two ways is told once, by its closest.
        let mut closest: Vec<(&String, usize, String)> = Vec::new();
        for ((new, _), best) in self.wanted.iter().zip(self.best) {
            let Some((distance, known)) = best else {
                continue;
            };
            match closest.iter_mut().find(|(n, _, _)| std::ptr::eq(*n, *new)) {
                Some(entry) if distance < entry.1 => *entry = (new, distance, known),
                Some(_) => {}
                None => closest.push((new, distance, known)),
            }
        }
        closest
            .into_iter()
            .map(|(new, _, known)| NearName {
                what,
                new: new.clone(),
                known,
            })
            .collect()
    }
}

/// Ranks organizations or people for a name no one has (`name`), to suggest what may have
/// been meant: those with a name (own or alias) that contains it or that it contains first,
/// then by Jaro-Winkler similarity; accents, case and spacing aside. An organization is also
/// compared by the initialisms its names give, with the name read as an abbreviation
/// ("UNDOC" is close to UNODC). None that are not alike at all: a name contained counts
/// from three letters up (not "A"); a name of two words or more must share a word with a
/// name only alike in its letters; a name with no letter or digit (".") is like nothing.
/// `add` each known name with its entity's id, then `best` gives the `n` closest entities,
/// each once, with its name that came closest.
pub(crate) struct Similar {
    wanted: String,
    /// The name read as an abbreviation, for an organization: its letters, upper-case.
    abbreviation: Option<String>,
    /// A person's name read surname first ([`PersonName::key`]), so that "Barchuck" is close
    /// to "V. V. Barchuk".
    person: Option<String>,
    /// For an organization typed in two significant words or more, those words (of three
    /// letters or more): a name alike only in its letters must share one of them, so that
    /// "UN Counter Terrorism Centr" is not "United Nations Drug Programme".
    words: Option<Vec<String>>,
    /// Whether the name has a letter or digit: one without ("." or "-") is like nothing.
    has_letters: bool,
    /// Per entity: its best score and the name that gave it.
    scored: HashMap<i64, (f64, String)>,
}

/// The words of `name` that tell it apart: its significant words of three letters or more
/// ("UN", "of" and "the" are in too many names to tell anything).
fn telling_words(name: &str) -> Vec<String> {
    let mut words = significant_words(name);
    words.retain(|w| w.chars().count() >= 3);
    words
}

/// Whether two words are one, a typo aside ("Centr" and "Center", "Terorism" and
/// "Terrorism").
fn same_word(a: &str, b: &str) -> bool {
    a == b
        || (a.chars().count() >= 4 && b.chars().count() >= 4 && strsim::jaro_winkler(a, b) >= 0.9)
}

/// Whether `part`, found inside a name or containing one, is long enough to say something:
/// three letters or digits or more ("A" is in almost every name).
fn telling_part(part: &str) -> bool {
    part.chars().filter(|c| c.is_alphanumeric()).count() >= 3
}

impl Similar {
    pub(crate) fn new(kind: EntityKind, name: &str) -> Similar {
        Similar {
            wanted: sort_key(name),
            abbreviation: match kind {
                EntityKind::Organization => abbreviation_key(name),
                EntityKind::Person => None,
            },
            person: match kind {
                EntityKind::Organization => None,
                EntityKind::Person => PersonName::parse(name).map(|p| p.key()),
            },
            words: match kind {
                EntityKind::Organization => {
                    Some(telling_words(name)).filter(|words| words.len() >= 2)
                }
                EntityKind::Person => None,
            },
            has_letters: name.chars().any(char::is_alphanumeric),
            scored: HashMap::new(),
        }
    }

    pub(crate) fn add(&mut self, id: i64, candidate: &str) {
        if !self.has_letters {
            return;
        }
        let key = sort_key(candidate);
        // A name of one or two letters is alike only with another as short: "A" is not "ASEA".
        let mut score = if telling_part(&key) == telling_part(&self.wanted) {
            strsim::jaro_winkler(&self.wanted, &key)
        } else {
            0.0
        };
        let contains = (telling_part(&self.wanted) && key.contains(&self.wanted))
            || (telling_part(&key) && self.wanted.contains(&key));
        if contains {
            score += 1.0;
        } else if let Some(words) = &self.words
            && score >= 0.75
            && !telling_words(candidate)
                .iter()
                .any(|known| words.iter().any(|w| same_word(w, known)))
        {
            // Alike in letters only: no word in common.
            score = 0.0;
        }
        if let Some(abbreviation) = &self.abbreviation
            && let Some(initialism) = initialism(candidate)
        {
            score = score.max(strsim::jaro_winkler(abbreviation, &initialism));
        }
        if let Some(wanted) = &self.person
            && let Some(known) = PersonName::parse(candidate)
        {
            let known = known.key();
            score = score.max(strsim::jaro_winkler(wanted, &known));
            // The surname, typed alone, that a name has.
            if known.starts_with(wanted.as_str()) && !wanted.contains(' ') {
                score = score.max(1.0);
            }
        }
        if score < 0.75 {
            return;
        }
        let better = |(best, name): &(f64, String)| {
            score > *best || (score == *best && candidate < name.as_str())
        };
        match self.scored.get(&id) {
            Some(held) if !better(held) => {}
            _ => {
                self.scored.insert(id, (score, candidate.to_string()));
            }
        }
    }

    /// The `n` closest: each entity's id and its name that came closest.
    pub(crate) fn best(self, n: usize) -> Vec<(i64, String)> {
        let mut scored: Vec<(i64, (f64, String))> = self.scored.into_iter().collect();
        scored.sort_by(|a, b| {
            b.1.0
                .total_cmp(&a.1.0)
                .then_with(|| a.1.1.cmp(&b.1.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        scored.truncate(n);
        scored
            .into_iter()
            .map(|(id, (_, name))| (id, name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(new: &str, known: &str) -> NearName {
        NearName {
            what: "organization",
            new: new.to_string(),
            known: known.to_string(),
        }
    }

    #[test]
    fn an_import_hears_of_its_new_names_close_to_older_ones() {
        let names = vec![
            (1, "UN Office on Drugs and Crime".to_string()),
            (2, "Office 1623".to_string()),
            (3, "UN Office on Drugs & Crime".to_string()),
            (4, "Office 1333".to_string()),
            (5, "UNDP".to_string()),
            (6, "UNEP".to_string()),
        ];
        // Ids above 2 are the import's, created in id order: numbers are no typos, nor are
        // short names a letter apart; a new name is compared with those created before it
        // only.
        let found = near_created(EntityKind::Organization, names, |id| {
            (id > 2).then_some(id as usize)
        });
        assert_eq!(
            found,
            vec![near(
                "UN Office on Drugs & Crime",
                "UN Office on Drugs and Crime"
            )]
        );
    }

    #[test]
    fn what_an_import_created_is_told_by_its_order_not_by_ids() {
        // On a server, another session may commit a name with a larger id than one this
        // import created before it: that one is known, not the import's.
        let names = vec![
            (3, "UN Office on Drugs & Crime".to_string()),
            (9, "UN Office on Drugs and Crime".to_string()),
            (5, "UN Office on Drugs und Crime".to_string()),
        ];
        // The import created 5, then 3.
        let order = |id| match id {
            5 => Some(0),
            3 => Some(1),
            _ => None,
        };
        let found = near_created(EntityKind::Organization, names, order);
        assert_eq!(
            found,
            vec![
                near(
                    "UN Office on Drugs und Crime",
                    "UN Office on Drugs and Crime"
                ),
                near("UN Office on Drugs & Crime", "UN Office on Drugs and Crime"),
            ]
        );
    }

    #[test]
    fn typed_names_are_compared_with_every_known_name() {
        let typed = vec!["V.V. Barchuk".to_string(), "Someone Else".to_string()];
        let mut near = NearTyped::new(EntityKind::Person, &typed);
        for known in [
            "Anna Ivanova",
            "v. v. barchuk",
            "V V Barchuk",
            "Barchuk V.V.",
        ] {
            near.add(known);
        }
        assert_eq!(
            near.finish(),
            vec![NearName {
                what: "person",
                new: "V.V. Barchuk".into(),
                known: "v. v. barchuk".into(),
            }]
        );
    }

    #[test]
    fn similar_names_rank_containing_ones_first() {
        let mut similar = Similar::new(EntityKind::Organization, "unodc");
        for (id, known) in [
            (1, "UNODC Regional Office"),
            (2, "UNDP"),
            (3, "OSCE"),
            (4, "UNODA"),
        ] {
            similar.add(id, known);
        }
        assert_eq!(
            similar.best(2),
            vec![
                (1, "UNODC Regional Office".to_string()),
                (4, "UNODA".to_string())
            ]
        );
    }

    #[test]
    fn similar_entities_come_once_by_initialism_and_accent_blind() {
        let mut similar = Similar::new(EntityKind::Organization, "UNDOC");
        for (id, known) in [
            (1, "UN Office on Drugs and Crime"),
            (1, "United Nations Office on Drugs and Crime"),
            (2, "Interpol"),
        ] {
            similar.add(id, known);
        }
        let best = similar.best(3);
        assert_eq!(best.len(), 1);
        assert_eq!(best[0].0, 1);
        let mut similar = Similar::new(EntityKind::Person, "Michele Coninx");
        similar.add(7, "Michèle Coninsx");
        similar.add(7, "M. Coninsx");
        assert_eq!(similar.best(3), vec![(7, "Michèle Coninsx".to_string())]);
    }

    #[test]
    fn similar_names_are_relevant() {
        let known = [
            (1, "A"),
            (2, "United Nations Drug Programme"),
            (3, "UN Counter-Terrorism Centre"),
            (4, "UN Office of Counter-Terrorism"),
            (5, "ASEAN"),
        ];
        let best = |kind, typed: &str| {
            let mut similar = Similar::new(kind, typed);
            for (id, name) in known {
                similar.add(id, name);
            }
            similar
                .best(5)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<i64>>()
        };
        let org = EntityKind::Organization;
        // A one-letter name is in almost every name: not a reason to suggest it.
        assert_eq!(best(org, "Asia Pacific Group"), Vec::<i64>::new());
        assert!(!best(org, "ASEA").contains(&1));
        // Contained from three letters up.
        assert_eq!(best(org, "Asean"), [5]);
        // Alike in letters, no word in common: not suggested.
        assert_eq!(best(org, "UN Counter Terrorism Centr"), [3, 4]);
        assert_eq!(best(org, "UN Counter Terorism Center"), [3, 4]);
        // A name with no letter is like nothing.
        assert!(best(EntityKind::Person, ".").is_empty());
        assert!(best(org, "-").is_empty());
    }
}
