//! What `events doctor` reads of the records ([`Survey`], one snapshot) and what it finds
//! there ([`Finding`]): organizations and people recorded twice under two spellings, events
//! recorded twice, and what records lack (a source, an organization, participants).
//!
//! Pure functions of the survey, the same on every backend. Nothing is compared with
//! everything: names are put in blocks by a key two spellings of one body share (the
//! organization key, the initialism, the surname, the given names) and compared within a
//! block; events are compared only with those starting within [`DAYS_APART`] days, and two
//! titles are measured only when their letter counts leave them a chance.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::abbrev::{
    PersonName, abbreviation_key, folded_words, initialism, is_function_word, organization_key,
};
use crate::store::fold::{skeleton, sort_key};
use crate::store::tolerance;

/// An event as `doctor` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventBrief {
    pub key: String,
    pub title: String,
    pub start: NaiveDate,
    /// Whether a source is recorded (a blank one is none).
    pub has_source: bool,
    /// How many participations it records.
    pub participants: u64,
}

/// A participation that names no organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unaffiliated {
    /// The participation's id, as `show` prints it.
    pub participation: i64,
    pub event_key: String,
    pub event_title: String,
    pub event_start: NaiveDate,
    /// The person's own name.
    pub person: String,
}

/// An organization or a person with every name it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEntity {
    /// Its own name.
    pub name: String,
    /// Its aliases (its own name not among them).
    pub aliases: Vec<String>,
    /// How many links (organizer, partner, participation) it has: the one kept by a merge
    /// is the one most used.
    pub uses: u64,
}

/// Gathers [`NamedEntity`]s from rows of names (id, own name, a name) and of uses (id,
/// count), as a backend reads them.
#[derive(Debug, Default)]
pub struct NamedEntities {
    at: std::collections::HashMap<i64, usize>,
    out: Vec<NamedEntity>,
}

impl NamedEntities {
    /// One name (`name`) of the entity `id`, whose own name is `own`.
    pub fn name(&mut self, id: i64, own: &str, name: String) {
        let out = &mut self.out;
        let i = *self.at.entry(id).or_insert_with(|| {
            out.push(NamedEntity {
                name: own.to_string(),
                aliases: Vec::new(),
                uses: 0,
            });
            out.len() - 1
        });
        if crate::model::name_key(&name) != crate::model::name_key(own) {
            self.out[i].aliases.push(name);
        }
    }

    /// How many links the entity `id` has (one whose names were not read is left out).
    pub fn uses(&mut self, id: i64, count: i64) {
        if let Some(&i) = self.at.get(&id) {
            self.out[i].uses = count.unsigned_abs();
        }
    }

    /// The entities in the order `orgs` and `people` list them, each one's aliases in the
    /// order `show` lists them (by their keys): the same on every backend, whatever order
    /// the rows came in (PostgreSQL returns a merged entity's names in storage order).
    pub fn finish(self) -> Vec<NamedEntity> {
        let mut out = self.out;
        for entity in &mut out {
            entity
                .aliases
                .sort_by_cached_key(|a| (crate::model::name_key(a), a.clone()));
        }
        out.sort_by_cached_key(|e| {
            (
                sort_key(&e.name),
                crate::model::name_key(&e.name),
                e.name.clone(),
            )
        });
        out
    }
}

impl NamedEntity {
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Everything `doctor` reads, from one snapshot of the records, in no particular order.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    pub events: Vec<EventBrief>,
    pub unaffiliated: Vec<Unaffiliated>,
    pub organizations: Vec<NamedEntity>,
    pub people: Vec<NamedEntity>,
}

/// What a finding is about: the `kind` of the JSON, `--only`'s values (the variants' docs
/// are their help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Two organizations whose names are one spelt otherwise, or one the initialism of the other
    DuplicateOrganizations,
    /// Two people with one surname and initials or given names that agree, or names a letter apart
    DuplicatePeople,
    /// Two events starting within three days with nearly the same title
    DuplicateEvents,
    /// Events without a source
    MissingSource,
    /// Participations without an organization
    MissingOrganization,
    /// Events without participants
    NoParticipants,
}

impl FindingKind {
    /// Every kind, in the order findings are reported.
    pub const ALL: [FindingKind; 6] = [
        FindingKind::DuplicateOrganizations,
        FindingKind::DuplicatePeople,
        FindingKind::DuplicateEvents,
        FindingKind::MissingSource,
        FindingKind::MissingOrganization,
        FindingKind::NoParticipants,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::DuplicateOrganizations => "duplicate-organizations",
            FindingKind::DuplicatePeople => "duplicate-people",
            FindingKind::DuplicateEvents => "duplicate-events",
            FindingKind::MissingSource => "missing-source",
            FindingKind::MissingOrganization => "missing-organization",
            FindingKind::NoParticipants => "no-participants",
        }
    }
}

/// An event named in a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventNamed {
    pub key: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub start: String,
}

impl EventNamed {
    fn of(key: &str, title: &str, start: NaiveDate) -> EventNamed {
        EventNamed {
            key: key.to_string(),
            title: title.to_string(),
            start: start.format("%Y-%m-%d").to_string(),
        }
    }
}

/// One thing `doctor` found: the records it is about and the commands that would set it
/// right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The organizations or people (their own names; the one a merge keeps first), or the
    /// people of a participation without an organization.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// For duplicates found through an alias: beside each of `names`, the name (own or
    /// alias) through which it was found; empty when every one was found by its own name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<String>,
    /// The events (the one to keep first, for duplicates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventNamed>,
    /// The commands, as a shell reads them, each complete.
    #[serde(skip)]
    pub commands: Vec<String>,
    /// The commands joined by ` && `: one line to copy.
    pub fix: String,
}

impl Finding {
    fn new(
        kind: FindingKind,
        names: Vec<String>,
        events: Vec<EventNamed>,
        commands: Vec<String>,
    ) -> Finding {
        Finding {
            kind,
            names,
            matched: Vec::new(),
            events,
            fix: commands.join(" && "),
            commands,
        }
    }
}

/// How many days apart two events may start and still be one recorded twice.
pub const DAYS_APART: i64 = 3;

/// What `doctor` finds in `survey`, for the kinds in `only` (all when empty), by kind in the
/// order of [`FindingKind::ALL`], then by the first record each names.
pub fn diagnose(survey: &Survey, only: &[FindingKind]) -> Vec<Finding> {
    let wanted = |kind| only.is_empty() || only.contains(&kind);
    let mut findings = Vec::new();
    if wanted(FindingKind::DuplicateOrganizations) {
        let (pairs, ambiguous) = organization_pairs(&survey.organizations);
        let mut found = duplicate_entities(
            FindingKind::DuplicateOrganizations,
            &survey.organizations,
            &pairs,
            "org",
        );
        found.extend(ambiguous_abbreviations(&survey.organizations, &ambiguous));
        sort_by_first_name(&mut found);
        findings.extend(found);
    }
    if wanted(FindingKind::DuplicatePeople) {
        let mut found = duplicate_entities(
            FindingKind::DuplicatePeople,
            &survey.people,
            &person_pairs(&survey.people),
            "person",
        );
        sort_by_first_name(&mut found);
        findings.extend(found);
    }
    if wanted(FindingKind::DuplicateEvents) {
        findings.extend(duplicate_events(&survey.events));
    }
    let mut events: Vec<&EventBrief> = survey.events.iter().collect();
    events.sort_by(|a, b| (a.start, &a.key).cmp(&(b.start, &b.key)));
    if wanted(FindingKind::MissingSource) {
        for e in events.iter().filter(|e| !e.has_source) {
            findings.push(Finding::new(
                FindingKind::MissingSource,
                Vec::new(),
                vec![EventNamed::of(&e.key, &e.title, e.start)],
                vec![format!(
                    "events edit-event {} --source URL",
                    event_word(&e.key)
                )],
            ));
        }
    }
    if wanted(FindingKind::MissingOrganization) {
        findings.extend(missing_organizations(&survey.unaffiliated));
    }
    if wanted(FindingKind::NoParticipants) {
        for e in events.iter().filter(|e| e.participants == 0) {
            findings.push(Finding::new(
                FindingKind::NoParticipants,
                Vec::new(),
                vec![EventNamed::of(&e.key, &e.title, e.start)],
                vec![format!(
                    "events add-participant {} --name NAME --org ORGANIZATION",
                    event_word(&e.key)
                )],
            ));
        }
    }
    findings
}

/// An event's key as a word of a command line.
fn event_word(key: &str) -> String {
    let reference = super::key_reference(key);
    crate::render::text::shell_word(&reference).into_owned()
}

/// Names as the words of a command line, after `--` when one would read as an option.
fn name_words(names: &[&str]) -> String {
    let words: Vec<String> = names
        .iter()
        .map(|n| crate::render::text::shell_word(n).into_owned())
        .collect();
    if names.iter().any(|n| n.starts_with('-')) {
        format!("-- {}", words.join(" "))
    } else {
        words.join(" ")
    }
}

/// The order names are listed in: as `orgs` and `people` sort them, then as written.
fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// Pairs of entities (`a < b`, indexes) that may be one, each with the names (indexes in
/// [`NamedEntity::names`], own name 0) through which they were found.
#[derive(Debug, Default)]
struct Pairs(HashMap<(usize, usize), (usize, usize)>);

impl Pairs {
    /// Links entity `a` (by its name `an`) with `b` (by `bn`); own names are preferred as
    /// what the link was found through.
    fn link(&mut self, a: usize, an: usize, b: usize, bn: usize) {
        if a == b {
            return;
        }
        let (key, names) = if a < b {
            ((a, b), (an, bn))
        } else {
            ((b, a), (bn, an))
        };
        self.0
            .entry(key)
            .and_modify(|cur| {
                if (names.0 + names.1, names) < (cur.0 + cur.1, *cur) {
                    *cur = names;
                }
            })
            .or_insert(names);
    }

    fn contains(&self, a: usize, b: usize) -> bool {
        self.0.contains_key(&(a.min(b), a.max(b)))
    }
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// The groups the linked pairs make: each set of entities linked all to all is one group; a
/// set where one (the hub) is linked to all the others, which are not all linked to each
/// other ("V. Barchuk" to "V. V. Barchuk" and to "V. A. Barchuk"), is one group whose merge is
/// left to a person (`hubs`: for organizations and people, not events); where links chain
/// otherwise, each link is a group of its own. So no
/// finding says two records are one when nothing links them, and no two fixes run one after
/// the other merge records that nothing links.
fn groups(pairs: &Pairs, hubs: bool) -> Vec<Group> {
    // Union-find over the entities that have a link, numbered densely.
    let mut sorted: Vec<(usize, usize)> = pairs.0.keys().copied().collect();
    sorted.sort_unstable();
    let mut members: Vec<usize> = sorted.iter().flat_map(|&(a, b)| [a, b]).collect();
    members.sort_unstable();
    members.dedup();
    let at = |x: usize| members.binary_search(&x).unwrap_or(0);
    let mut parent: Vec<usize> = (0..members.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(a, b) in &sorted {
        let (ra, rb) = (root(&mut parent, at(a)), root(&mut parent, at(b)));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    /// A component's entities and its links.
    type Component = (Vec<usize>, Vec<(usize, usize)>);
    let mut components: BTreeMap<usize, Component> = BTreeMap::new();
    for (i, &m) in members.iter().enumerate() {
        let r = root(&mut parent, i);
        components.entry(r).or_default().0.push(m);
    }
    for &(a, b) in &sorted {
        let r = root(&mut parent, at(a));
        components.entry(r).or_default().1.push((a, b));
    }
    components
        .into_values()
        .flat_map(|(group, links)| {
            let k = group.len();
            if links.len() == k * (k - 1) / 2 {
                vec![Group {
                    members: group,
                    hub: None,
                }]
            } else if hubs
                && let Some(&hub) = group
                    .iter()
                    .find(|&&m| links.iter().filter(|&&(a, b)| a == m || b == m).count() == k - 1)
            {
                // One linked to all the others, which are not all linked to each other
                // ("V. V. Barchuk" beside "Viktor Barchuk" and "Vladimir Barchuk"): one
                // finding, the merge left to a person.
                vec![Group {
                    members: group,
                    hub: Some(hub),
                }]
            } else {
                links
                    .into_iter()
                    .map(|(a, b)| Group {
                        members: vec![a, b],
                        hub: None,
                    })
                    .collect()
            }
        })
        .collect()
}

/// Entities (or events) that may be one: linked all to all, or all to one, the `hub`, that
/// may be any of the others (they are not all linked to each other).
struct Group {
    members: Vec<usize>,
    hub: Option<usize>,
}

/// Findings of duplicates in the order they are reported: by the first name shown (as `orgs`
/// and `people` sort names), then by the names.
fn sort_by_first_name(found: &mut [Finding]) {
    found.sort_by(|a, b| {
        let first = |f: &Finding| f.names.first().cloned().unwrap_or_default();
        name_order(&first(a), &first(b)).then_with(|| a.names.cmp(&b.names))
    });
}

/// Beside each of `members` (a group), the name through which the group's links found it:
/// its own name when any link found it by that, else an alias.
fn matched_names(members: &[usize], entities: &[NamedEntity], pairs: &Pairs) -> Vec<String> {
    members
        .iter()
        .map(|&m| {
            let at = members
                .iter()
                .filter(|&&o| o != m)
                .filter_map(|&o| {
                    pairs
                        .0
                        .get(&pair(m, o))
                        .map(|&(a, b)| if m < o { a } else { b })
                })
                .min()
                .unwrap_or(0);
            entities[m]
                .names()
                .nth(at)
                .unwrap_or(&entities[m].name)
                .to_string()
        })
        .collect()
}

impl Finding {
    /// Records the names the records were found through, when any is not their own name.
    fn found_through(mut self, matched: Vec<String>) -> Finding {
        if matched != self.names {
            self.matched = matched;
        }
        self
    }
}

/// One finding per group of organizations or people that may be one, with the merges that
/// would make them one: the one most used is kept (then the longest name, then the first in
/// order), the others merged into it.
fn duplicate_entities(
    kind: FindingKind,
    entities: &[NamedEntity],
    pairs: &Pairs,
    command: &str,
) -> Vec<Finding> {
    let placeholder = match kind {
        FindingKind::DuplicatePeople => "PERSON",
        _ => "ORGANIZATION",
    };
    groups(pairs, true)
        .into_iter()
        .map(|Group { mut members, hub }| {
            members.sort_by(|&a, &b| name_order(&entities[a].name, &entities[b].name));
            let commands = if let Some(hub) = hub {
                // The hub first; which of the others it is, a person says.
                members.retain(|&m| m != hub);
                members.insert(0, hub);
                vec![format!(
                    "events {command} merge {}",
                    name_words(&[placeholder, entities[hub].name.as_str()])
                )]
            } else {
                let keep_at = members
                    .iter()
                    .enumerate()
                    .max_by(|(ia, a), (ib, b)| {
                        let (a, b) = (&entities[**a], &entities[**b]);
                        (a.uses, a.name.chars().count())
                            .cmp(&(b.uses, b.name.chars().count()))
                            .then(ib.cmp(ia))
                    })
                    .map_or(0, |(at, _)| at);
                let keep = members.remove(keep_at);
                members.insert(0, keep);
                members[1..]
                    .iter()
                    .map(|&o| {
                        format!(
                            "events {command} merge {}",
                            name_words(&[entities[keep].name.as_str(), entities[o].name.as_str()])
                        )
                    })
                    .collect()
            };
            let names = members.iter().map(|&i| entities[i].name.clone()).collect();
            Finding::new(kind, names, Vec::new(), commands)
                .found_through(matched_names(&members, entities, pairs))
        })
        .collect()
}

/// Whether a name is written in capitals, as an abbreviation is ("UNODC", "RATS SCO",
/// "U.N.O.D.C."): its abbreviation key, if so.
fn capitals_key(name: &str) -> Option<String> {
    if name.chars().any(char::is_lowercase) {
        return None;
    }
    abbreviation_key(name)
}

/// An abbreviation (a name written in capitals) that is the initialism of several
/// organizations that are not one ("UNSC": "UN Security Council", "UN Special Committee"):
/// which one it stands for, if any, is for a person to say.
struct Ambiguous {
    /// The organization so named, and which of its names.
    abbreviation: (usize, usize),
    /// The organizations whose names give it, and which name.
    candidates: Vec<(usize, usize)>,
}

/// The organizations that may be one: a name of each with the same organization key (case,
/// accents, punctuation, spelling and word order aside), or one's name written in capitals
/// that is the initialism another's name gives, when it is the initialism of that one only
/// (or of several that are one); when of several, an [`Ambiguous`] instead. An abbreviation
/// one's own names give is explained: others that give it too are not linked by it. Two names
/// of one organization are never a finding.
fn organization_pairs(orgs: &[NamedEntity]) -> (Pairs, Vec<Ambiguous>) {
    let mut by_key: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut by_initialism: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (i, org) in orgs.iter().enumerate() {
        for (at, name) in org.names().enumerate() {
            let key = organization_key(name);
            if !key.is_empty() {
                by_key.entry(key).or_default().push((i, at));
            }
            if let Some(initials) = initialism(name) {
                by_initialism.entry(initials).or_default().push((i, at));
            }
        }
    }
    let mut pairs = Pairs::default();
    for block in by_key.values() {
        link_all(block, &mut pairs);
    }
    let mut links = Vec::new();
    let mut ambiguous = Vec::new();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    for (i, org) in orgs.iter().enumerate() {
        for (at, name) in org.names().enumerate() {
            let Some(key) = capitals_key(name) else {
                continue;
            };
            let Some(block) = by_initialism.get(&key) else {
                continue;
            };
            // One whose own names give the abbreviation ("UN Security Council", also known
            // as "UNSC") is what it stands for: others that give it too are not it.
            if !seen.insert((i, key)) || block.iter().any(|&(j, _)| j == i) {
                continue;
            }
            let mut candidates: Vec<(usize, usize)> =
                block.iter().copied().filter(|&(j, _)| j != i).collect();
            candidates.sort_unstable();
            candidates.dedup_by_key(|c| c.0);
            let one_body = candidates
                .iter()
                .enumerate()
                .all(|(x, a)| candidates[x + 1..].iter().all(|b| pairs.contains(a.0, b.0)));
            if one_body {
                links.extend(candidates.into_iter().map(|(j, jn)| (i, at, j, jn)));
            } else {
                ambiguous.push(Ambiguous {
                    abbreviation: (i, at),
                    candidates,
                });
            }
        }
    }
    // A name in capitals of two words or more, each a word in capitals of another's name
    // ("SCO RATS", "RATS SCO Executive Committee"): the other written short. Not one word
    // ("UN" is in many names).
    let mut by_word: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, org) in orgs.iter().enumerate() {
        for (at, name) in org.names().enumerate() {
            let mut words = capital_words(name);
            words.sort_unstable();
            words.dedup();
            for w in words {
                by_word.entry(w).or_default().push((i, at));
            }
        }
    }
    for (i, org) in orgs.iter().enumerate() {
        for (at, name) in org.names().enumerate() {
            let words = capital_words(name);
            if words.len() < 2
                || name.chars().any(char::is_lowercase)
                || words.len() != name.split_whitespace().count()
            {
                continue;
            }
            let Some(smallest) = words
                .iter()
                .filter_map(|w| by_word.get(w))
                .min_by_key(|b| b.len())
            else {
                continue;
            };
            // Another of its own names has the words: what it stands for is itself.
            if smallest
                .iter()
                .any(|&(j, jn)| j == i && jn != at && has_words(orgs[j].names().nth(jn), &words))
            {
                continue;
            }
            let mut candidates: Vec<(usize, usize)> = smallest
                .iter()
                .copied()
                .filter(|&(j, jn)| j != i && has_words(orgs[j].names().nth(jn), &words))
                .collect();
            candidates.sort_unstable();
            candidates.dedup_by_key(|c| c.0);
            if candidates.is_empty() {
                continue;
            }
            let one_body = candidates
                .iter()
                .enumerate()
                .all(|(x, a)| candidates[x + 1..].iter().all(|b| pairs.contains(a.0, b.0)));
            if one_body {
                links.extend(candidates.into_iter().map(|(j, jn)| (i, at, j, jn)));
            } else {
                ambiguous.push(Ambiguous {
                    abbreviation: (i, at),
                    candidates,
                });
            }
        }
    }
    for (i, at, j, jn) in links {
        pairs.link(i, at, j, jn);
    }
    (pairs, ambiguous)
}

/// The words of a name written in capitals, of two letters or more ("RATS", "SCO" of "RATS
/// SCO Executive Committee"), punctuation around them off.
fn capital_words(name: &str) -> Vec<&str> {
    name.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !w.chars().any(char::is_lowercase)
        })
        .collect()
}

/// Whether `name` has each of `words` as a word in capitals.
fn has_words(name: Option<&str>, words: &[&str]) -> bool {
    let Some(name) = name else { return false };
    let own = capital_words(name);
    words.iter().all(|w| own.contains(w))
}

/// One finding per abbreviation that is the initialism of several organizations: the
/// abbreviation first, then those organizations; the fix is the merge with the one it stands
/// for left to fill in (`ORGANIZATION`).
fn ambiguous_abbreviations(orgs: &[NamedEntity], ambiguous: &[Ambiguous]) -> Vec<Finding> {
    ambiguous
        .iter()
        .map(|a| {
            let mut candidates = a.candidates.clone();
            candidates.sort_by(|x, y| name_order(&orgs[x.0].name, &orgs[y.0].name));
            let all: Vec<(usize, usize)> =
                std::iter::once(a.abbreviation).chain(candidates).collect();
            let names = all.iter().map(|&(i, _)| orgs[i].name.clone()).collect();
            let matched = all
                .iter()
                .map(|&(i, at)| orgs[i].names().nth(at).unwrap_or(&orgs[i].name).to_string())
                .collect();
            let abbreviation = orgs[a.abbreviation.0].name.as_str();
            Finding::new(
                FindingKind::DuplicateOrganizations,
                names,
                Vec::new(),
                vec![format!(
                    "events org merge {}",
                    name_words(&["ORGANIZATION", abbreviation])
                )],
            )
            .found_through(matched)
        })
        .collect()
}

/// Links every two distinct entities of a block (entity, name).
fn link_all(block: &[(usize, usize)], pairs: &mut Pairs) {
    for (n, &(a, an)) in block.iter().enumerate() {
        for &(b, bn) in &block[n + 1..] {
            pairs.link(a, an, b, bn);
        }
    }
}

/// A person's name taken apart, with what the comparisons need of it.
struct Parsed {
    entity: usize,
    /// Which of the entity's names it is.
    at: usize,
    name: PersonName,
    /// The letters of the surname and of the given names written whole (not initials).
    words: String,
    /// The numbers written in the name, in order ("John Smith 2": 2).
    numbers: String,
    /// The name's letters and digits, folded, in order: "Jean-Pierre Martin" and "Jean
    /// Pierre Martin" have one.
    skeleton: String,
    /// The surname and given names, sorted, when every given name is written whole.
    whole: Option<Vec<String>>,
    /// The initials of the given names ([`PersonName::initials`]), once.
    initials: String,
}

/// The numbers written in a name, in order, a space between two.
fn numbers(name: &str) -> String {
    let mut out = String::new();
    let mut last_digit = false;
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !last_digit && !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
        }
        last_digit = c.is_ascii_digit();
    }
    out
}

/// What two names of two people say of them: `Some(true)` one person, `Some(false)` two (the
/// names disagree), `None` nothing.
fn judge(a: &Parsed, b: &Parsed) -> Option<bool> {
    if a.numbers != b.numbers {
        return Some(false);
    }
    if a.skeleton == b.skeleton || (a.whole.is_some() && a.whole == b.whole) {
        return Some(true);
    }
    if a.name.surname == b.name.surname && !a.name.given.is_empty() && !b.name.given.is_empty() {
        return Some(a.name.compatible(&b.name) || close(a, b));
    }
    close(a, b).then_some(true)
}

/// The people who may be one: the same surname with compatible given names or initials
/// ("V. V. Barchuk", "Barchuk V.V.", "Vladimir Barchuk"); the same letters once spacing
/// and punctuation are set aside ("Jean-Pierre Martin", "Jean Pierre Martin"); the same whole
/// names in another order ("Barchuk Vladimir", "Fernanda Maria Lopez"); a surname written
/// alone, when one person only has that surname beside it; or the same initials and names
/// written whole a letter or two apart for long names ("Jehangir Khan", "Jahangir Khan";
/// short ones must be equal, as for near names). Numbers must agree ("John Smith 2" is not
/// "John Smith 3" nor "John Smith"). Not two of whom another pair of names disagrees.
fn person_pairs(people: &[NamedEntity]) -> Pairs {
    let mut parsed: Vec<Parsed> = Vec::new();
    for (i, person) in people.iter().enumerate() {
        for (at, raw) in person.names().enumerate() {
            let Some(name) = PersonName::parse(raw) else {
                continue;
            };
            let mut words = name.surname.clone();
            for g in name.given.iter().filter(|g| g.chars().count() > 1) {
                words.push_str(g);
            }
            let whole = (!name.given.is_empty()
                && name.given.iter().all(|g| g.chars().count() > 1))
            .then(|| {
                let mut all = name.given.clone();
                all.push(name.surname.clone());
                all.sort_unstable();
                all
            });
            parsed.push(Parsed {
                entity: i,
                at,
                initials: name.initials(),
                words: skeleton(&words),
                numbers: numbers(raw),
                skeleton: skeleton(raw),
                whole,
                name,
            });
        }
    }
    // By surname, then by the first letter of the given names ("" for a surname alone):
    // two names of one surname are linked only when their first given names begin alike
    // ([`PersonName::compatible`], [`close`]) or one is the surname alone, so a common
    // surname ("Ivanov" thousands of times) is not one block of every Ivanov.
    let mut by_surname: HashMap<&str, BTreeMap<Option<char>, Vec<usize>>> = HashMap::new();
    // By the given names with a surname a letter or two apart (its deletion neighbourhood:
    // the surname with up to [`tolerance`] letters taken out, hashed with the given names):
    // a typo in the surname meets its twin, and only it ("Ivan" with every surname would
    // be a block of thousands).
    let mut by_typo: Vec<(u64, usize)> = Vec::new();
    let mut others: HashMap<(u8, String), Vec<usize>> = HashMap::new();
    for (n, p) in parsed.iter().enumerate() {
        by_surname
            .entry(&p.name.surname)
            .or_default()
            .entry(p.name.given.first().and_then(|g| g.chars().next()))
            .or_default()
            .push(n);
        if p.name.given.iter().any(|g| g.chars().count() > 1) {
            let depth = tolerance(p.words.chars().count());
            if depth > 0 {
                let given = p.name.given.join(" ");
                for variant in deletions(&p.name.surname, depth) {
                    by_typo.push((block_hash(&given, &variant), n));
                }
            }
        }
        if let Some(whole) = &p.whole {
            others.entry((1, whole.join(" "))).or_default().push(n);
        }
        if !p.skeleton.is_empty() {
            others.entry((2, p.skeleton.clone())).or_default().push(n);
        }
    }
    let mut pairs = Pairs::default();
    let mut conflicts: HashSet<(usize, usize)> = HashSet::new();
    let mut record =
        |pa: &Parsed, pb: &Parsed, verdict: Option<bool>, pairs: &mut Pairs| match verdict {
            Some(true) => pairs.link(pa.entity, pa.at, pb.entity, pb.at),
            Some(false) => {
                conflicts.insert(pair(pa.entity, pb.entity));
            }
            None => {}
        };
    for initials in by_surname.values() {
        let block = || initials.values().flatten().copied();
        let entities: HashSet<usize> = block().map(|n| parsed[n].entity).collect();
        // Those known also by a name with initials or given names: their surname alone (an
        // alias "Barchuk" of "V. V. Barchuk") names them, not someone else.
        let specified: HashSet<usize> = block()
            .filter(|&n| !parsed[n].name.given.is_empty())
            .map(|n| parsed[n].entity)
            .collect();
        let alone = initials.get(&None).map_or(&[][..], Vec::as_slice);
        let mut compare = |a: usize, b: usize, pairs: &mut Pairs| {
            let (pa, pb) = (&parsed[a], &parsed[b]);
            if pa.entity == pb.entity {
                return;
            }
            let verdict =
                surname_verdict(pa, pb, |e| !specified.contains(&e) && entities.len() == 2);
            record(pa, pb, verdict, pairs);
        };
        for list in initials.values() {
            for (x, &a) in list.iter().enumerate() {
                for &b in &list[x + 1..] {
                    compare(a, b, &mut pairs);
                }
            }
        }
        // A surname alone beside the others of its surname: linked only when one other
        // person has it, so compared with all only then.
        if entities.len() == 2 {
            for &a in alone {
                for (_, list) in initials.range(Some(char::MIN)..) {
                    for &b in list {
                        compare(a, b, &mut pairs);
                    }
                }
            }
        }
    }
    by_typo.sort_unstable();
    by_typo.dedup();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for block in by_typo.chunk_by(|a, b| a.0 == b.0) {
        for (x, &(_, a)) in block.iter().enumerate() {
            for &(_, b) in &block[x + 1..] {
                let (pa, pb) = (&parsed[a], &parsed[b]);
                // One surname: judged in its block above.
                if pa.entity != pb.entity
                    && pa.name.surname != pb.name.surname
                    && seen.insert((a.min(b), a.max(b)))
                {
                    record(pa, pb, judge(pa, pb), &mut pairs);
                }
            }
        }
    }
    for block in others.values() {
        for (x, &a) in block.iter().enumerate() {
            for &b in &block[x + 1..] {
                let (pa, pb) = (&parsed[a], &parsed[b]);
                if pa.entity != pb.entity {
                    record(pa, pb, judge(pa, pb), &mut pairs);
                }
            }
        }
    }
    // Names of one surname not compared above (other first letters, a surname alone among
    // several) can only disagree: asked of the pairs found linked, which a disagreement
    // unlinks.
    let mut names_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (n, p) in parsed.iter().enumerate() {
        names_of.entry(p.entity).or_default().push(n);
    }
    let none: Vec<usize> = Vec::new();
    for &(a, b) in pairs.0.keys() {
        let (na, nb) = (
            names_of.get(&a).unwrap_or(&none),
            names_of.get(&b).unwrap_or(&none),
        );
        for &x in na {
            for &y in nb {
                let (px, py) = (&parsed[x], &parsed[y]);
                if px.name.surname == py.name.surname
                    && surname_verdict(px, py, |_| false) == Some(false)
                {
                    conflicts.insert((a, b));
                }
            }
        }
    }
    // Two people one of whose names agree with the other's while another disagrees ("V. V.
    // Barchuk" also known as "V. Barchuk", beside "V. A. Barchuk") are two.
    pairs.0.retain(|p, _| !conflicts.contains(p));
    pairs
}

/// What two names of one surname say of two people: [`judge`] when both have given names or
/// initials; a surname alone is one with another surname alone, with a name with given names
/// when `alone_names` says so of its person; numbers must agree.
fn surname_verdict(a: &Parsed, b: &Parsed, alone_names: impl Fn(usize) -> bool) -> Option<bool> {
    match (a.name.given.is_empty(), b.name.given.is_empty()) {
        (false, false) => judge(a, b),
        _ if a.numbers != b.numbers => Some(false),
        (true, true) => Some(true),
        // "Barchuk" beside one other Barchuk only.
        (true, false) => alone_names(a.entity).then_some(true),
        (false, true) => alone_names(b.entity).then_some(true),
    }
}

/// `word` with up to `depth` of its letters taken out, each way once (`word` itself among
/// them): two words `depth` edits apart (a letter changed, added, taken out, two swapped)
/// have one of these in common.
fn deletions(word: &str, depth: usize) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let mut last = vec![word.to_string()];
    for _ in 0..depth {
        let mut next = Vec::new();
        for w in &last {
            let chars: Vec<char> = w.chars().collect();
            for skip in 0..chars.len() {
                next.push(
                    chars
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != skip)
                        .map(|(_, c)| c)
                        .collect::<String>(),
                );
            }
        }
        next.sort_unstable();
        next.dedup();
        out.extend(next.iter().cloned());
        last = next;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A block's key: the given names and a surname's variant, hashed (two keys that collide only
/// put two names in one block, where [`judge`] tells them apart).
fn block_hash(given: &str, variant: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    given.hash(&mut h);
    variant.hash(&mut h);
    h.finish()
}

/// Whether one surname is the other's feminine form ("Ivanov", "Ivanova"; "Kowalski",
/// "Kowalska"): two people of one family, not a typo.
fn feminine_forms(a: &str, b: &str) -> bool {
    const ENDINGS: &[(&str, &str)] = &[
        ("", "a"),
        ("", "ova"),
        ("ski", "ska"),
        ("cki", "cka"),
        ("sky", "skaya"),
        ("skiy", "skaya"),
        ("skii", "skaya"),
    ];
    ENDINGS.iter().any(|(m, f)| {
        let stems = |x: &str, y: &str| {
            matches!((x.strip_suffix(m), y.strip_suffix(f)), (Some(s), Some(t)) if s == t && !s.is_empty())
        };
        stems(a, b) || stems(b, a)
    })
}

/// Whether two names with the same initials are written whole a letter or two apart, as
/// near names are ([`tolerance`]): numbers must agree, short names be equal, and a surname
/// is not its own feminine form.
fn close(a: &Parsed, b: &Parsed) -> bool {
    if a.initials != b.initials
        || a.name.given.len() != b.name.given.len()
        || a.numbers != b.numbers
        || a.words.is_empty()
        || feminine_forms(&a.name.surname, &b.name.surname)
    {
        return false;
    }
    let (la, lb) = (a.words.chars().count(), b.words.chars().count());
    let allowed = tolerance(la.min(lb));
    la.abs_diff(lb) <= allowed && strsim::levenshtein(&a.words, &b.words) <= allowed
}

/// How many characters two titles of `len` characters may differ by and still be one: a
/// tenth (none below ten characters).
fn title_tolerance(len: usize) -> usize {
    len / 10
}

/// How many letters a word of a title may differ by from its counterpart and still be a typo
/// of it: none up to 3 letters, 1 up to 7, 2 beyond.
fn word_tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether a word of a title is a number: digits, or a roman numeral ("II", "xiv").
fn is_number(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit()) || is_roman(word)
}

/// Whether a word (lower-case) is a roman numeral written as they are ("iv", not "iiii").
fn is_roman(word: &str) -> bool {
    if word.is_empty() || word.len() > 15 || !word.chars().all(|c| "ivxlcdm".contains(c)) {
        return false;
    }
    let value = |c: char| match c {
        'i' => 1,
        'v' => 5,
        'x' => 10,
        'l' => 50,
        'c' => 100,
        'd' => 500,
        _ => 1000,
    };
    let digits: Vec<u32> = word.chars().map(value).collect();
    let mut total = 0u32;
    for (n, &d) in digits.iter().enumerate() {
        if digits.get(n + 1).is_some_and(|&next| next > d) {
            total = total.saturating_sub(d);
        } else {
            total += d;
        }
    }
    roman(total) == word
}

/// `n` in roman numerals, lower-case.
fn roman(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// The words of `m` that are not function words.
fn significant(m: &[String]) -> Vec<&String> {
    m.iter().filter(|w| !is_function_word(w)).collect()
}

/// Whether the words where two titles differ are typos of each other: once the words both
/// begin and end with are set aside, the rest are close word by word (or, when they are not
/// as many, written together: "work shop", "workshop"), a function word more or less aside,
/// and no number differs.
fn words_close(a: &[String], b: &[String]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if ma.iter().chain(mb).any(|w| is_number(w)) {
        return false;
    }
    let near = |x: &str, y: &str| {
        let (lx, ly) = (x.chars().count(), y.chars().count());
        let allowed = word_tolerance(lx.min(ly));
        lx.abs_diff(ly) <= allowed && strsim::levenshtein(x, y) <= allowed
    };
    let close = |ma: &[&String], mb: &[&String]| {
        if ma.len() == mb.len() {
            ma.iter().zip(mb).all(|(x, y)| near(x, y))
        } else {
            near(
                &ma.iter().map(|w| w.as_str()).collect::<String>(),
                &mb.iter().map(|w| w.as_str()).collect::<String>(),
            )
        }
    };
    let all: (Vec<&String>, Vec<&String>) = (ma.iter().collect(), mb.iter().collect());
    if close(&all.0, &all.1) {
        return true;
    }
    // A function word more or less ("on the border", "on border") is a slip too.
    let (sa, sb) = (significant(ma), significant(mb));
    (sa.len() != ma.len() || sb.len() != mb.len()) && close(&sa, &sb)
}

/// A title with what the comparison needs of it.
struct Title {
    /// Its words folded as organization names are ([`folded_words`]), function words kept.
    words: Vec<String>,
    folded: String,
    len: usize,
    digits: String,
    /// How many times each letter or digit occurs (others counted together): half the
    /// difference of two counts is at most the edit distance, and costs nothing to compute.
    counts: [u16; 37],
}

impl Title {
    fn new(title: &str) -> Title {
        let words = folded_words(title);
        let folded = words.join(" ");
        let mut counts = [0u16; 37];
        for c in folded.chars() {
            let slot = match c {
                'a'..='z' => c as usize - 'a' as usize,
                '0'..='9' => 26 + c as usize - '0' as usize,
                _ => 36,
            };
            counts[slot] = counts[slot].saturating_add(1);
        }
        Title {
            len: folded.chars().count(),
            digits: folded.chars().filter(char::is_ascii_digit).collect(),
            words,
            folded,
            counts,
        }
    }

    /// Whether the two are nearly the same title: within a tenth of their length of each
    /// other, the words that differ each a typo of its counterpart, numbers (roman ones too)
    /// the same.
    fn near(&self, other: &Title) -> bool {
        let allowed = title_tolerance(self.len.max(other.len));
        if self.len.abs_diff(other.len) > allowed {
            return false;
        }
        if self.folded == other.folded {
            return true;
        }
        if allowed == 0 || self.digits != other.digits {
            return false;
        }
        let apart: u32 = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        if (apart as usize).div_ceil(2) > allowed {
            return false;
        }
        strsim::levenshtein(&self.folded, &other.folded) <= allowed
            && words_close(&self.words, &other.words)
    }
}

/// Events recorded twice: starting at most [`DAYS_APART`] days apart, with nearly the same
/// title. The one with the most participants is kept (then one with a source, then the
/// first); the fix removes the others.
fn duplicate_events(events: &[EventBrief]) -> Vec<Finding> {
    // Laid out by day, then by the title's length: the events compared with one are next to
    // it in memory, and within a day only those whose length leaves them a chance are
    // reached (thousands of events on one day are not all compared with each other).
    let titles: Vec<Title> = events.iter().map(|e| Title::new(&e.title)).collect();
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        (events[a].start, titles[a].len, &events[a].key).cmp(&(
            events[b].start,
            titles[b].len,
            &events[b].key,
        ))
    });
    let days: Vec<i64> = order
        .iter()
        .map(|&i| i64::from(events[i].start.num_days_from_ce()))
        .collect();
    let lens: Vec<usize> = order.iter().map(|&i| titles[i].len).collect();
    // Where each day's events begin in `order`, and where they end.
    let mut spans: Vec<(i64, usize, usize)> = Vec::new();
    for (x, &d) in days.iter().enumerate() {
        match spans.last_mut() {
            Some(last) if last.0 == d => last.2 = x + 1,
            _ => spans.push((d, x, x + 1)),
        }
    }
    let mut pairs = Pairs::default();
    for (s, &(day, from, to)) in spans.iter().enumerate() {
        for x in from..to {
            let len = lens[x];
            // A longer title `l` is within reach while `l - len <= l / 10`.
            let reach = |l: usize| l - title_tolerance(l) <= len;
            let mut compare = |y: usize| {
                if titles[order[x]].near(&titles[order[y]]) {
                    pairs.link(order[x], 0, order[y], 0);
                }
            };
            // The same day: the longer ones after it (the shorter ones compared it).
            for y in (x + 1..to).take_while(|&y| reach(lens[y])) {
                compare(y);
            }
            // The next days within reach: those from a tenth shorter to a tenth longer.
            for &(other, f, t) in spans[s + 1..].iter() {
                if other - day > DAYS_APART {
                    break;
                }
                let shortest = len - title_tolerance(len);
                let start = f + lens[f..t].partition_point(|&l| l < shortest);
                for y in (start..t).take_while(|&y| reach(lens[y])) {
                    compare(y);
                }
            }
        }
    }
    // Events have no hub: a removal is never left to fill in.
    let mut found: Vec<(usize, Finding)> = groups(&pairs, false)
        .into_iter()
        .map(
            |Group {
                 members: mut group, ..
             }| {
                group.sort_by(|&a, &b| {
                    let (ea, eb) = (&events[a], &events[b]);
                    (eb.participants, eb.has_source)
                        .cmp(&(ea.participants, ea.has_source))
                        .then((ea.start, &ea.key).cmp(&(eb.start, &eb.key)))
                });
                // Reported by the first event shown: the one kept.
                let first = group[0];
                let commands = group[1..]
                    .iter()
                    .map(|&i| format!("events remove-event {}", event_word(&events[i].key)))
                    .collect();
                let named = group
                    .iter()
                    .map(|&i| EventNamed::of(&events[i].key, &events[i].title, events[i].start))
                    .collect();
                (
                    first,
                    Finding::new(FindingKind::DuplicateEvents, Vec::new(), named, commands),
                )
            },
        )
        .collect();
    found.sort_by(|(a, _), (b, _)| {
        (events[*a].start, &events[*a].key).cmp(&(events[*b].start, &events[*b].key))
    });
    found.into_iter().map(|(_, f)| f).collect()
}

/// One finding per event with participations that name no organization: its people, and a
/// command per participation.
fn missing_organizations(list: &[Unaffiliated]) -> Vec<Finding> {
    let mut sorted: Vec<&Unaffiliated> = list.iter().collect();
    sorted.sort_by(|a, b| {
        (a.event_start, &a.event_key, a.participation).cmp(&(
            b.event_start,
            &b.event_key,
            b.participation,
        ))
    });
    let mut found: Vec<Finding> = Vec::new();
    for chunk in sorted.chunk_by(|a, b| a.event_key == b.event_key) {
        let first = chunk[0];
        let mut names: Vec<String> = Vec::new();
        for u in chunk {
            if !names.contains(&u.person) {
                names.push(u.person.clone());
            }
        }
        let commands = chunk
            .iter()
            .map(|u| {
                format!(
                    "events edit-participant {} --org ORGANIZATION",
                    u.participation
                )
            })
            .collect();
        found.push(Finding::new(
            FindingKind::MissingOrganization,
            names,
            vec![EventNamed::of(
                &first.event_key,
                &first.event_title,
                first.event_start,
            )],
            commands,
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entities(names: &[&[&str]]) -> Vec<NamedEntity> {
        names
            .iter()
            .map(|n| NamedEntity {
                name: n[0].to_string(),
                aliases: n[1..].iter().map(|a| a.to_string()).collect(),
                uses: 1,
            })
            .collect()
    }

    fn org_groups(names: &[&[&str]]) -> Vec<Vec<String>> {
        let survey = Survey {
            organizations: entities(names),
            ..Survey::default()
        };
        diagnose(&survey, &[FindingKind::DuplicateOrganizations])
            .into_iter()
            .map(|f| f.names)
            .collect()
    }

    fn people_groups(names: &[&[&str]]) -> Vec<Vec<String>> {
        let survey = Survey {
            people: entities(names),
            ..Survey::default()
        };
        diagnose(&survey, &[FindingKind::DuplicatePeople])
            .into_iter()
            .map(|f| f.names)
            .collect()
    }

    #[test]
    fn names_come_in_one_order_whatever_order_the_rows_came_in() {
        let rows = [
            (1, "Foo Agency", "Global Peace Centre"),
            (1, "Foo Agency", "Foo Agency"),
            (1, "Foo Agency", "Global Peace Center"),
            (2, "Bar", "Bar"),
        ];
        let gather = |rows: &mut dyn Iterator<Item = &(i64, &str, &str)>| {
            let mut e = NamedEntities::default();
            for &(id, own, name) in rows {
                e.name(id, own, name.to_string());
            }
            e.finish()
        };
        let forward = gather(&mut rows.iter());
        let backward = gather(&mut rows.iter().rev());
        assert_eq!(forward, backward);
        assert_eq!(forward[0].name, "Bar");
        assert_eq!(
            forward[1].aliases,
            ["Global Peace Center", "Global Peace Centre"]
        );
        // The alias through which a duplicate is found is then the same too.
        for mut organizations in [forward, backward] {
            organizations.push(NamedEntity {
                name: "Centre for Global Peace".to_string(),
                aliases: Vec::new(),
                uses: 1,
            });
            let survey = Survey {
                organizations,
                ..Survey::default()
            };
            let found = diagnose(&survey, &[FindingKind::DuplicateOrganizations]);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(
                found[0].matched,
                ["Centre for Global Peace", "Global Peace Center"]
            );
        }
    }

    #[test]
    fn names_in_capitals_of_several_words() {
        assert_eq!(
            org_groups(&[&["RATS SCO Executive Committee"], &["SCO RATS"]]),
            [["RATS SCO Executive Committee", "SCO RATS"]]
        );
        // The seed's three spellings are one finding.
        assert_eq!(
            org_groups(&[
                &["RATS SCO Executive Committee"],
                &["Executive Committee of the SCO RATS"],
                &["SCO RATS"],
            ])
            .len(),
            1
        );
        for (a, b) in [
            ("UN", "UN Office on Drugs and Crime"),
            ("United Nations", "UN Office on Drugs and Crime"),
            ("SCO RATS", "SCO Secretariat"),
        ] {
            assert!(org_groups(&[&[a], &[b]]).is_empty(), "{a} / {b}");
        }
        // Already an alias of the one it stands for: nothing.
        assert!(
            org_groups(&[
                &["RATS SCO Executive Committee", "SCO RATS"],
                &["RATS SCO Council"]
            ])
            .is_empty()
        );
    }

    #[test]
    fn typos_in_surnames_are_found_among_many_of_one_given_name() {
        // Many people of few given names and one surname each: blocks stay small, and a
        // surname a letter off (first, last, swapped) still meets its twin.
        let given = ["Ivan", "Anna", "Olga", "Sergei", "Maria"];
        let mut seed: u64 = 20261201;
        let mut names: Vec<String> = (0..2000)
            .map(|i| {
                let surname: String = (0..8)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        char::from(b'a' + ((seed >> 33) % 26) as u8)
                    })
                    .collect();
                format!("{} {surname}", given[i % given.len()])
            })
            .collect();
        names.extend(
            [
                "Vladimir Barchuk",
                "Vladimir Parchuk",
                "Alexandra Kowalczyk",
                "Alexandra Kowalcyzk",
                "Vladimir Petrovsky",
                "Vladimir Petrovski",
            ]
            .map(String::from),
        );
        let refs: Vec<Vec<&str>> = names.iter().map(|n| vec![n.as_str()]).collect();
        let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        let groups = people_groups(&slices);
        assert_eq!(groups.len(), 3, "{:?}", &groups[..groups.len().min(5)]);
        assert!(deletions("abc", 1).contains(&"ac".to_string()));
        assert_eq!(deletions("ab", 2), ["", "a", "ab", "b"]);
    }

    #[test]
    fn events_on_one_day_are_compared_only_with_titles_of_a_like_length() {
        let day = NaiveDate::from_ymd_opt(2021, 5, 10).unwrap_or_default();
        let next = NaiveDate::from_ymd_opt(2021, 5, 12).unwrap_or_default();
        let mut events: Vec<EventBrief> = (0..3000)
            .map(|i| EventBrief {
                key: format!("e{i}"),
                title: format!("{} on item {i}", "Seminar ".repeat(1 + i % 7)),
                start: day,
                has_source: true,
                participants: 1,
            })
            .collect();
        for (key, title, start) in [
            ("a", "Regional seminar on judicial cooperation", day),
            ("b", "Regional Semnar on judical co-operation", next),
            ("c", "Workshop on border security in Central Asia", next),
            ("d", "Workshop on border security in Central Asia.", day),
        ] {
            events.push(EventBrief {
                key: key.to_string(),
                title: title.to_string(),
                start,
                has_source: true,
                participants: 1,
            });
        }
        let survey = Survey {
            events,
            ..Survey::default()
        };
        let found = diagnose(&survey, &[FindingKind::DuplicateEvents]);
        let keys: Vec<Vec<&str>> = found
            .iter()
            .map(|f| f.events.iter().map(|e| e.key.as_str()).collect())
            .collect();
        assert_eq!(keys, [vec!["a", "b"], vec!["d", "c"]], "{found:?}");
    }

    #[test]
    fn kinds_are_named_alike_everywhere() {
        use clap::ValueEnum;
        for kind in FindingKind::ALL {
            let value = kind.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(value.as_deref(), Some(kind.as_str()));
            let json = serde_json::to_value(kind).unwrap_or_default();
            assert_eq!(json, kind.as_str());
        }
        assert_eq!(FindingKind::value_variants(), FindingKind::ALL);
    }

    #[test]
    fn organizations_spelt_otherwise_are_found() {
        for (a, b) in [
            (
                "RATS SCO Executive Committee",
                "Executive Committee of the SCO RATS",
            ),
            (
                "UN Office on Drugs & Crime",
                "U.N. Office on Drugs and Crime",
            ),
            ("UN Office on Drugs and Crime", "UNODC"),
            ("UN Counter-Terrorism Centre", "UN Counter-Terrorism Center"),
            ("Shanghai Cooperation Organisation", "SCO"),
            (
                "UN Office of Counter-Terrorism",
                "UN Counter-Terrorism Office",
            ),
        ] {
            assert_eq!(org_groups(&[&[a], &[b]]).len(), 1, "{a} / {b}");
        }
    }

    #[test]
    fn distinct_organizations_sharing_words_are_not() {
        for (a, b) in [
            (
                "UN Office of Counter-Terrorism",
                "UN Counter-Terrorism Centre",
            ),
            ("United Nations", "UN Office on Drugs and Crime"),
            (
                "UN Counter-Terrorism Centre",
                "UN Counter-Terrorism Committee",
            ),
            ("Office 1623", "Office 1333"),
        ] {
            assert_eq!(
                org_groups(&[&[a], &[b]]),
                Vec::<Vec<String>>::new(),
                "{a} / {b}"
            );
        }
        // Two names of one organization are not a finding.
        assert!(org_groups(&[&["UN Office on Drugs and Crime", "UNODC"]]).is_empty());
    }

    #[test]
    fn people_spelt_otherwise_are_found() {
        assert_eq!(
            people_groups(&[&["V. V. Barchuk"], &["V.V. Barchuk"], &["Barchuk V.V."]]).len(),
            1
        );
        for (a, b) in [
            ("V. V. Barchuk", "Vladimir Barchuk"),
            ("M.Conynx", "M. Conynx"),
            ("Jehangir Khan", "Jahangir Khan"),
            ("Nakamitsu", "Izumi Nakamitsu"),
            ("Vladimir Barchuk", "Barchuk Vladimir"),
            ("Barchuk, Vladimir", "Vladimir Barchuk"),
        ] {
            assert_eq!(people_groups(&[&[a], &[b]]).len(), 1, "{a} / {b}");
        }
    }

    #[test]
    fn distinct_people_are_not() {
        for (a, b) in [
            ("V. V. Barchuk", "A. Barchuk"),
            ("Viktor Barchuk", "Vladimir Barchuk"),
            ("V. Barchuk", "A. Barchuk"),
            ("V. V. Barchuk", "V. V. Borchuk"),
            ("A. B. Ivanov-17", "A. B. Ivanov-18"),
        ] {
            assert!(people_groups(&[&[a], &[b]]).is_empty(), "{a} / {b}");
        }
        // "Barchuk" alone beside two Barchuks is no one in particular; the two are linked
        // to it each, not to each other.
        assert!(people_groups(&[&["Barchuk"], &["V. Barchuk"], &["A. Barchuk"]]).is_empty());
        // Nor is one's own alias "Barchuk" beside another Barchuk.
        assert!(people_groups(&[&["V. V. Barchuk", "Barchuk"], &["A. Barchuk"]]).is_empty());
        assert!(people_groups(&[&["V. V. Barchuk", "V. Barchuk"], &["V. A. Barchuk"]]).is_empty());
        // "V. Barchuk" may be either of two who are not one: one finding, the merge left to
        // a person (pasted as it is, it merges nothing).
        let survey = Survey {
            people: entities(&[&["V. Barchuk"], &["V. V. Barchuk"], &["V. A. Barchuk"]]),
            ..Survey::default()
        };
        let found = diagnose(&survey, &[FindingKind::DuplicatePeople]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].names,
            ["V. Barchuk", "V. A. Barchuk", "V. V. Barchuk"]
        );
        assert_eq!(found[0].fix, "events person merge PERSON 'V. Barchuk'");
        // A chain with no one linked to all: each link on its own.
        let chained = people_groups(&[
            &["Jehangir Khan"],
            &["Jahangir Khan"],
            &["Jahangir Kahn"],
            &["Jahangiri Kahn"],
        ]);
        assert!(chained.iter().all(|g| g.len() == 2), "{chained:?}");
    }

    fn org_findings(names: &[&[&str]]) -> Vec<Finding> {
        let survey = Survey {
            organizations: entities(names),
            ..Survey::default()
        };
        diagnose(&survey, &[FindingKind::DuplicateOrganizations])
    }

    #[test]
    fn an_abbreviation_of_several_is_one_finding_left_to_a_person() {
        let found = org_findings(&[
            &["UN Special Committee"],
            &["UNSC"],
            &["UN Security Council"],
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].names,
            ["UNSC", "UN Security Council", "UN Special Committee"]
        );
        assert_eq!(found[0].fix, "events org merge ORGANIZATION UNSC");
        // Several that are one body are one: merged all.
        let found = org_findings(&[
            &["UNDP"],
            &["UN Development Programme"],
            &["United Nations Development Programme"],
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].commands.len(), 2, "{found:?}");
        assert!(!found[0].fix.contains("ORGANIZATION"), "{found:?}");
        // Two bodies, one of them written twice: the abbreviation is left to a person, the
        // two spellings are merged.
        let found = org_findings(&[
            &["UNDP"],
            &["UN Development Programme"],
            &["UN Drug Programme"],
            &["United Nations Development Programme"],
        ]);
        let names: Vec<Vec<String>> = found.iter().map(|f| f.names.clone()).collect();
        assert_eq!(
            names,
            [
                vec![
                    "UNDP",
                    "UN Development Programme",
                    "UN Drug Programme",
                    "United Nations Development Programme"
                ],
                vec![
                    "United Nations Development Programme",
                    "UN Development Programme"
                ],
            ],
            "{found:?}"
        );
        // Once the abbreviation is an alias of the one it stands for, nothing is found.
        assert!(
            org_findings(&[&["UN Security Council", "UNSC"], &["UN Special Committee"]]).is_empty()
        );
    }

    #[test]
    fn found_through_an_alias_says_so() {
        let found = org_findings(&[
            &["Global Peace Center"],
            &["Foo Agency", "Global Peace Centre"],
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].names, ["Global Peace Center", "Foo Agency"]);
        assert_eq!(
            found[0].matched,
            ["Global Peace Center", "Global Peace Centre"]
        );
        let json = serde_json::to_value(&found[0]).unwrap_or_default();
        assert_eq!(json["matched"][1], "Global Peace Centre", "{json}");
        // By their own names: no `matched`.
        let found = org_findings(&[&["Global Peace Center"], &["Global Peace Centre"]]);
        assert!(found[0].matched.is_empty(), "{found:?}");
        let json = serde_json::to_value(&found[0]).unwrap_or_default();
        assert!(json.get("matched").is_none(), "{json}");
    }

    #[test]
    fn organizations_with_ampersands_and_spaced_letters() {
        for (a, b) in [
            ("Smith&Jones Foundation", "Smith and Jones Foundation"),
            ("U. N. Women", "UN Women"),
            ("U.N.Women", "UN Women"),
        ] {
            assert_eq!(org_groups(&[&[a], &[b]]).len(), 1, "{a} / {b}");
        }
    }

    #[test]
    fn findings_come_by_the_first_name_shown() {
        let groups = people_groups(&[
            &["Vladimir Barchuk"],
            &["V. V. Barchuk"],
            &["Izumi Nakamitsu"],
            &["Nakamitsu"],
        ]);
        assert_eq!(
            groups,
            [
                vec!["Izumi Nakamitsu", "Nakamitsu"],
                vec!["Vladimir Barchuk", "V. V. Barchuk"]
            ]
        );
    }

    #[test]
    fn numbers_in_names_must_agree() {
        for (a, b) in [
            ("John Smith 2", "John Smith 3"),
            ("Agent 007", "Agent 008"),
            ("John Smith", "John Smith 2"),
            ("J. Smith 2", "John Smith"),
        ] {
            assert!(people_groups(&[&[a], &[b]]).is_empty(), "{a} / {b}");
        }
        assert_eq!(
            people_groups(&[&["John Smith 2"], &["J. Smith 2"]]).len(),
            1
        );
        // Never one finding for people not all alike.
        let groups = people_groups(&[
            &["John Smith"],
            &["J. Smith"],
            &["John Smith 2"],
            &["Smith J."],
            &["John Smith 3"],
        ]);
        assert_eq!(
            groups,
            [vec!["John Smith", "J. Smith", "Smith J."]],
            "{groups:?}"
        );
    }

    #[test]
    fn hyphens_apostrophes_and_order_of_given_names() {
        for (a, b) in [
            ("Jean-Pierre Martin", "Jean Pierre Martin"),
            ("Anne-Marie Dupont", "Anne Marie Dupont"),
            ("Hans-Dieter Müller", "Hans Dieter Muller"),
            ("Ahmad Al-Rashid", "Ahmad Al Rashid"),
            ("Mary-Jane O'Neil", "Mary Jane ONeil"),
            ("Maria Fernanda Lopez", "Fernanda Maria Lopez"),
            ("J.-P. Martin", "Jean-Pierre Martin"),
            ("John Smith", "Jon Smith"),
        ] {
            assert_eq!(people_groups(&[&[a], &[b]]).len(), 1, "{a} / {b}");
        }
        assert_eq!(
            people_groups(&[
                &["Jean-Pierre Martin"],
                &["J.-P. Martin"],
                &["Jean Pierre Martin"]
            ])
            .len(),
            1
        );
        for (a, b) in [
            ("Jean-Pierre Martin", "Jean-Paul Martin"),
            ("Maria Fernanda Lopez", "Fernanda Lucia Lopez"),
        ] {
            assert!(people_groups(&[&[a], &[b]]).is_empty(), "{a} / {b}");
        }
    }

    #[test]
    fn feminine_surnames_are_not_typos() {
        for (a, b) in [
            ("Ivan Ivanov", "Ivan Ivanova"),
            ("Ivan Petrov", "Ivan Petrova"),
            ("Anna Kowalski", "Anna Kowalska"),
            ("Olga Novak", "Olga Novakova"),
        ] {
            assert!(people_groups(&[&[a], &[b]]).is_empty(), "{a} / {b}");
        }
        assert!(feminine_forms("ivanov", "ivanova"));
        assert!(!feminine_forms("ivanov", "ivanof"));
    }

    #[test]
    fn titles_differing_by_a_whole_word_or_a_numeral_are_not_near() {
        let t = |s: &str| Title::new(s);
        for (a, b) in [
            (
                "Regional seminar on justice and energy in Tashkent",
                "Regional seminar on justice and cyber in Tashkent",
            ),
            (
                "Regional seminar on arms trafficking",
                "Regional seminar on drugs trafficking",
            ),
            (
                "Meeting I of the working group on border security",
                "Meeting II of the working group on border security",
            ),
            (
                "Meeting IV of the working group on border security",
                "Meeting VI of the working group on border security",
            ),
        ] {
            assert!(!t(a).near(&t(b)), "{a} / {b}");
        }
        for (a, b) in [
            (
                "U.N. regional workshop on border security",
                "United Nations regional workshop on border security",
            ),
            (
                "Regional seminar on judicial cooperation",
                "Regional Semnar on judical co-operation",
            ),
            (
                "Workshop on Smith&Jones archives in Vienna",
                "Workshop on Smith and Jones archives in Vienna",
            ),
            (
                "Regional work shop on border security",
                "Regional workshop on border security",
            ),
            (
                "Regional seminar on the border security issues",
                "Regional seminar on border security issues",
            ),
        ] {
            assert!(t(a).near(&t(b)), "{a} / {b}");
        }
        assert!(is_roman("xiv") && is_roman("i") && !is_roman("iiii") && !is_roman("civil"));
    }

    #[test]
    fn near_titles() {
        let t = |s: &str| Title::new(s);
        assert!(
            t("Regional seminar on judicial cooperation")
                .near(&t("Regional Seminar on Judicial Co-operation."))
        );
        assert!(
            t("Regional seminar on judicial cooperation")
                .near(&t("Regional seminar on judical cooperation"))
        );
        assert!(!t("Meeting 12 of the Council").near(&t("Meeting 13 of the Council")));
        assert!(!t("Seminar on arms").near(&t("Seminar on crime")));
        assert!(
            !t("OSCE-wide Counter-Terrorism Conference")
                .near(&t("OSCE-wide Counter-Terrorism Workshop"))
        );
    }
}
