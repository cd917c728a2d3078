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

use super::abbrev::{PersonName, abbreviation_key, initialism, organization_key};
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

/// What a finding is about: the `kind` of the JSON, `--only`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    DuplicateOrganizations,
    DuplicatePeople,
    DuplicateEvents,
    MissingSource,
    MissingOrganization,
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
        findings.extend(duplicate_entities(
            FindingKind::DuplicateOrganizations,
            &survey.organizations,
            &organization_pairs(&survey.organizations),
            "org",
        ));
    }
    if wanted(FindingKind::DuplicatePeople) {
        findings.extend(duplicate_entities(
            FindingKind::DuplicatePeople,
            &survey.people,
            &person_pairs(&survey.people),
            "person",
        ));
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

/// Pairs of entities (`a < b`, indexes) that may be one.
type Pairs = HashSet<(usize, usize)>;

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// The groups the linked pairs make: each set of entities linked all to all is one group;
/// where links chain entities that are not all linked to each other ("Barchuk" to "V.
/// Barchuk" and to "A. Barchuk"), each link is a group of its own, so that no finding says
/// two records are one when nothing links them.
fn groups(pairs: &Pairs) -> Vec<Vec<usize>> {
    // Union-find over the entities that have a link, numbered densely.
    let mut sorted: Vec<(usize, usize)> = pairs.iter().copied().collect();
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
    let mut out = Vec::new();
    for (_, (group, links)) in components {
        let k = group.len();
        if links.len() == k * (k - 1) / 2 {
            out.push(group);
        } else {
            out.extend(links.into_iter().map(|(a, b)| vec![a, b]));
        }
    }
    out
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
    let mut found: Vec<Finding> = groups(pairs)
        .into_iter()
        .map(|group| {
            let mut members: Vec<&NamedEntity> = group.iter().map(|&i| &entities[i]).collect();
            members.sort_by(|a, b| name_order(&a.name, &b.name));
            let keep = members
                .iter()
                .copied()
                .enumerate()
                .max_by(|(ia, a), (ib, b)| {
                    (a.uses, a.name.chars().count())
                        .cmp(&(b.uses, b.name.chars().count()))
                        .then(ib.cmp(ia))
                })
                .map(|(_, e)| e)
                .unwrap_or(members[0]);
            let others: Vec<&NamedEntity> = members
                .iter()
                .copied()
                .filter(|e| !std::ptr::eq(*e, keep))
                .collect();
            let commands = others
                .iter()
                .map(|o| {
                    format!(
                        "events {command} merge {}",
                        name_words(&[keep.name.as_str(), o.name.as_str()])
                    )
                })
                .collect();
            let names = std::iter::once(keep)
                .chain(others)
                .map(|e| e.name.clone())
                .collect();
            Finding::new(kind, names, Vec::new(), commands)
        })
        .collect();
    // By the first name in order of any finding's names.
    found.sort_by(|a, b| {
        let first = |f: &Finding| {
            f.names
                .iter()
                .min_by(|x, y| name_order(x, y))
                .cloned()
                .unwrap_or_default()
        };
        name_order(&first(a), &first(b)).then_with(|| a.names.cmp(&b.names))
    });
    found
}

/// Whether a name is written in capitals, as an abbreviation is ("UNODC", "RATS SCO",
/// "U.N.O.D.C."): its abbreviation key, if so.
fn capitals_key(name: &str) -> Option<String> {
    if name.chars().any(char::is_lowercase) {
        return None;
    }
    abbreviation_key(name)
}

/// The organizations that may be one: a name of each with the same organization key (case,
/// accents, punctuation, spelling and word order aside), or one's name written in capitals
/// that is the initialism another's name gives. Two names of one organization are never a
/// finding.
fn organization_pairs(orgs: &[NamedEntity]) -> Pairs {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_initialism: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, org) in orgs.iter().enumerate() {
        for name in org.names() {
            let key = organization_key(name);
            if !key.is_empty() {
                by_key.entry(key).or_default().push(i);
            }
            if let Some(initials) = initialism(name) {
                by_initialism.entry(initials).or_default().push(i);
            }
        }
    }
    let mut pairs = Pairs::new();
    for block in by_key.values() {
        link_all(block, &mut pairs);
    }
    for (i, org) in orgs.iter().enumerate() {
        for name in org.names() {
            if let Some(key) = capitals_key(name)
                && let Some(block) = by_initialism.get(&key)
            {
                for &j in block {
                    if j != i {
                        pairs.insert(pair(i, j));
                    }
                }
            }
        }
    }
    pairs
}

/// Links every two distinct entities of a block.
fn link_all(block: &[usize], pairs: &mut Pairs) {
    let mut distinct: Vec<usize> = block.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    for (n, &a) in distinct.iter().enumerate() {
        for &b in &distinct[n + 1..] {
            pairs.insert((a, b));
        }
    }
}

/// A person's name taken apart, with what the comparisons need of it.
struct Parsed {
    entity: usize,
    name: PersonName,
    /// The letters of the surname and of the given names written whole (not initials).
    words: String,
    digits: String,
}

/// The people who may be one: the same surname with compatible given names or initials
/// ("V. V. Barchuk", "Barchuk V.V.", "Vladimir Barchuk"); the same whole names in another
/// order ("Barchuk Vladimir"); a surname written alone, when one
/// person only has that surname beside it; or the same initials and names written whole a
/// letter or two apart for long names ("Jehangir Khan", "Jahangir Khan"; short ones must be
/// equal, as for near names). Not two of whom another pair of names disagrees.
fn person_pairs(people: &[NamedEntity]) -> Pairs {
    let mut parsed: Vec<Parsed> = Vec::new();
    for (i, person) in people.iter().enumerate() {
        for name in person.names() {
            let Some(name) = PersonName::parse(name) else {
                continue;
            };
            let mut words = name.surname.clone();
            for g in name.given.iter().filter(|g| g.chars().count() > 1) {
                words.push_str(g);
            }
            let words = skeleton(&words);
            parsed.push(Parsed {
                entity: i,
                digits: words.chars().filter(char::is_ascii_digit).collect(),
                words,
                name,
            });
        }
    }
    let mut by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_given: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, p) in parsed.iter().enumerate() {
        by_surname.entry(&p.name.surname).or_default().push(n);
        if p.name.given.iter().any(|g| g.chars().count() > 1) {
            by_given.entry(p.name.given.join(" ")).or_default().push(n);
        }
    }
    let mut pairs = Pairs::new();
    let mut conflicts = Pairs::new();
    // Whole names in another order ("Vladimir Barchuk", "Barchuk Vladimir"): the same words.
    let mut by_words: HashMap<Vec<&str>, Vec<usize>> = HashMap::new();
    for p in &parsed {
        if p.name.given.is_empty() || p.name.given.iter().any(|g| g.chars().count() < 2) {
            continue;
        }
        let mut words: Vec<&str> = p.name.given.iter().map(String::as_str).collect();
        words.push(&p.name.surname);
        words.sort_unstable();
        by_words.entry(words).or_default().push(p.entity);
    }
    for block in by_words.values() {
        link_all(block, &mut pairs);
    }
    for block in by_surname.values() {
        let entities: HashSet<usize> = block.iter().map(|&n| parsed[n].entity).collect();
        // Those known also by a name with initials or given names: their surname alone (an
        // alias "Barchuk" of "V. V. Barchuk") names them, not someone else.
        let specified: HashSet<usize> = block
            .iter()
            .filter(|&&n| !parsed[n].name.given.is_empty())
            .map(|&n| parsed[n].entity)
            .collect();
        for (x, &a) in block.iter().enumerate() {
            for &b in &block[x + 1..] {
                let (pa, pb) = (&parsed[a], &parsed[b]);
                if pa.entity == pb.entity {
                    continue;
                }
                let same = match (pa.name.given.is_empty(), pb.name.given.is_empty()) {
                    (true, true) => true,
                    // "Barchuk" beside one other Barchuk only.
                    (true, false) => !specified.contains(&pa.entity) && entities.len() == 2,
                    (false, true) => !specified.contains(&pb.entity) && entities.len() == 2,
                    (false, false) => pa.name.compatible(&pb.name) || close(pa, pb),
                };
                if same {
                    pairs.insert(pair(pa.entity, pb.entity));
                } else if !pa.name.given.is_empty() && !pb.name.given.is_empty() {
                    conflicts.insert(pair(pa.entity, pb.entity));
                }
            }
        }
    }
    for block in by_given.values() {
        for (x, &a) in block.iter().enumerate() {
            for &b in &block[x + 1..] {
                let (pa, pb) = (&parsed[a], &parsed[b]);
                if pa.entity != pb.entity && close(pa, pb) {
                    pairs.insert(pair(pa.entity, pb.entity));
                }
            }
        }
    }
    // Two people one of whose names agree with the other's while another disagrees ("V. V.
    // Barchuk" also known as "V. Barchuk", beside "V. A. Barchuk") are two.
    pairs.retain(|p| !conflicts.contains(p));
    pairs
}

/// Whether two names with the same initials are written whole a letter or two apart, as
/// near names are ([`tolerance`]): numbers must agree, short names be equal.
fn close(a: &Parsed, b: &Parsed) -> bool {
    if a.name.initials() != b.name.initials()
        || a.name.given.len() != b.name.given.len()
        || a.digits != b.digits
        || a.words.is_empty()
    {
        return false;
    }
    let (la, lb) = (a.words.chars().count(), b.words.chars().count());
    let allowed = tolerance(la.min(lb));
    la.abs_diff(lb) <= allowed && strsim::levenshtein(&a.words, &b.words) <= allowed
}

/// A title as titles are compared: case, accents and punctuation off, spacing normalized.
fn folded_title(title: &str) -> String {
    let folded = sort_key(title);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// How many characters two titles of `len` characters may differ by and still be one: a
/// tenth (none below ten characters).
fn title_tolerance(len: usize) -> usize {
    len / 10
}

/// A title with what the comparison needs of it.
struct Title {
    folded: String,
    len: usize,
    digits: String,
    /// How many times each letter or digit occurs (others counted together): half the
    /// difference of two counts is at most the edit distance, and costs nothing to compute.
    counts: [u16; 37],
}

impl Title {
    fn new(title: &str) -> Title {
        let folded = folded_title(title);
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
            folded,
            counts,
        }
    }

    /// Whether the two are nearly the same title.
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
    }
}

/// Events recorded twice: starting at most [`DAYS_APART`] days apart, with nearly the same
/// title. The one with the most participants is kept (then one with a source, then the
/// first); the fix removes the others.
fn duplicate_events(events: &[EventBrief]) -> Vec<Finding> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        (events[a].start, &events[a].key).cmp(&(events[b].start, &events[b].key))
    });
    // Laid out in date order, so that the events compared with one are next to it in memory.
    let days: Vec<i64> = order
        .iter()
        .map(|&i| i64::from(events[i].start.num_days_from_ce()))
        .collect();
    let titles: Vec<Title> = order
        .iter()
        .map(|&i| Title::new(&events[i].title))
        .collect();
    let mut pairs = Pairs::new();
    for x in 0..order.len() {
        for y in x + 1..order.len() {
            if days[y] - days[x] > DAYS_APART {
                break;
            }
            if titles[x].near(&titles[y]) {
                pairs.insert(pair(order[x], order[y]));
            }
        }
    }
    let mut found: Vec<(usize, Finding)> = groups(&pairs)
        .into_iter()
        .map(|mut group| {
            group.sort_by(|&a, &b| {
                let (ea, eb) = (&events[a], &events[b]);
                (eb.participants, eb.has_source)
                    .cmp(&(ea.participants, ea.has_source))
                    .then((ea.start, &ea.key).cmp(&(eb.start, &eb.key)))
            });
            let first = group
                .iter()
                .copied()
                .min_by(|&a, &b| {
                    (events[a].start, &events[a].key).cmp(&(events[b].start, &events[b].key))
                })
                .unwrap_or(group[0]);
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
        })
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
        let chained = people_groups(&[&["V. Barchuk"], &["V. V. Barchuk"], &["V. A. Barchuk"]]);
        assert_eq!(chained.len(), 2, "{chained:?}");
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
