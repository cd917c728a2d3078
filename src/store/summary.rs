//! The summaries a write keeps current, so that `orgs`, `people`, `stats` and `person` read a
//! row per organization, person or group instead of counting every event again: per
//! organization its events (in any role, as organizer, partner, participant), the
//! delegations it headed, its first and latest start dates; per person their events, first
//! and latest dates, latest position and organization; per year, kind, mode and region the
//! number of events.
//!
//! What a write changed is said once, here, from what it logs ([`Dirty`]): every write logs
//! each record it touched with its whole state before and after (the operation log), so the
//! organizations and people whose summaries may have changed are those its events' states
//! link to, before and after, and those it changed itself (a rename moves one in the order, a
//! merge removes one). Their summaries are counted again by the backend (an index-driven
//! count of one organization's or person's links, not of all events). The per-group counts
//! are sums, kept by difference: an event's state before counts -1 in its groups, its state
//! after +1.
//!
//! `check` counts everything again and compares; the tests compare after random sequences
//! of every kind of write.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Change, EventState, RecordKind, State};

/// A dimension `stats` counts events by, kept per value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    /// An event counts in every year it runs in (`2021`).
    Year,
    Kind,
    Mode,
    Region,
}

impl Facet {
    pub const ALL: [Facet; 4] = [Facet::Year, Facet::Kind, Facet::Mode, Facet::Region];

    /// As stored: `year`, `kind`, `mode`, `region`.
    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Year => "year",
            Facet::Kind => "kind",
            Facet::Mode => "mode",
            Facet::Region => "region",
        }
    }

    pub fn parse(text: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// What one write changed that the summaries depend on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dirty {
    /// Organizations whose summary is to be counted again (one that no longer exists loses
    /// its summary).
    pub organizations: BTreeSet<i64>,
    /// People likewise.
    pub people: BTreeSet<i64>,
    /// The net change of the number of events per group: a value as stored (exact spelling;
    /// `None`: none recorded; a year as four digits).
    facets: BTreeMap<(Facet, Option<String>), i64>,
}

impl Dirty {
    pub fn new() -> Dirty {
        Dirty::default()
    }

    /// What the changes of one operation make dirty.
    pub fn of<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Dirty {
        let mut dirty = Dirty::new();
        for change in changes {
            dirty.change(change);
        }
        dirty
    }

    /// One change of a record: an event's state before counts -1 in its groups and its
    /// state after +1, and both make what they link to dirty; an organization or person
    /// changed is dirty itself.
    pub fn change(&mut self, change: &Change) {
        match change.kind {
            RecordKind::Event => {
                if let Some(State::Event(before)) = &change.before {
                    self.event(before, -1);
                }
                if let Some(State::Event(after)) = &change.after {
                    self.event(after, 1);
                }
            }
            RecordKind::Organization => {
                self.organizations.insert(change.id);
            }
            RecordKind::Person => {
                self.people.insert(change.id);
            }
        }
    }

    /// An event's state, counted `sign` times (+1: it is there now; -1: it was, and is no
    /// longer as it was): its groups, and the organizations and people it links to.
    pub fn event(&mut self, state: &EventState, sign: i64) {
        self.links(state);
        self.groups(state, sign);
    }

    /// The organizations and people an event's state links to, to count again (its groups
    /// left alone: for a caller that counts those otherwise).
    pub fn links(&mut self, state: &EventState) {
        self.organizations.extend(state.organization_ids());
        self.people
            .extend(state.participants.iter().map(|p| p.person.id));
    }

    /// An event's groups only, counted `sign` times: for a caller that gathers the
    /// organizations and people it links to itself (an import of 100,000 events gathers
    /// their ids in a list, sorted once, rather than in the sets one at a time).
    pub fn groups(&mut self, state: &EventState, sign: i64) {
        for (facet, value) in [
            (Facet::Kind, &state.kind),
            (Facet::Mode, &state.mode),
            (Facet::Region, &state.region),
        ] {
            *self.facets.entry((facet, value.clone())).or_default() += sign;
        }
        for year in years(&state.start, &state.end) {
            *self
                .facets
                .entry((Facet::Year, Some(format!("{year:04}"))))
                .or_default() += sign;
        }
    }

    /// An organization or person to count again (created, renamed, merged away...).
    pub fn entity(&mut self, kind: RecordKind, id: i64) {
        match kind {
            RecordKind::Organization => {
                self.organizations.insert(id);
            }
            RecordKind::Person => {
                self.people.insert(id);
            }
            RecordKind::Event => {}
        }
    }

    /// Adds what another write made dirty.
    pub fn extend(&mut self, other: Dirty) {
        self.organizations.extend(other.organizations);
        self.people.extend(other.people);
        for (group, n) in other.facets {
            *self.facets.entry(group).or_default() += n;
        }
    }

    /// The groups whose count changed, with by how much (never 0).
    pub fn facet_changes(&self) -> impl Iterator<Item = (Facet, Option<&str>, i64)> + '_ {
        self.facets
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((facet, value), n)| (*facet, value.as_deref(), *n))
    }

    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty()
            && self.people.is_empty()
            && self.facet_changes().next().is_none()
    }
}

/// The years an event runs in, from its start and end dates (`YYYY-MM-DD`); none if they do
/// not read as dates (a stored event's always do).
pub fn years(start: &str, end: &str) -> std::ops::RangeInclusive<i32> {
    let year = |d: &str| d.get(..4).and_then(|y| y.parse::<i32>().ok());
    let (first, last) = match (year(start), year(end)) {
        (Some(a), Some(b)) if a <= b => (a, b),
        (Some(a), _) => (a, a),
        // Nothing.
        _ => (1, 0),
    };
    first..=last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Named, ParticipationState};

    fn event(
        kind: Option<&str>,
        start: &str,
        end: &str,
        orgs: &[i64],
        people: &[i64],
    ) -> EventState {
        EventState {
            id: 1,
            key: None,
            title: "T".into(),
            kind: kind.map(str::to_string),
            start: start.into(),
            end: end.into(),
            mode: None,
            location: None,
            region: None,
            project: None,
            description: None,
            source: None,
            created_at: String::new(),
            updated_at: String::new(),
            tags: Vec::new(),
            organizers: orgs
                .iter()
                .map(|&id| Named {
                    id,
                    name: format!("O{id}"),
                })
                .collect(),
            partners: Vec::new(),
            sessions: Vec::new(),
            participants: people
                .iter()
                .map(|&id| ParticipationState {
                    id,
                    person: Named {
                        id,
                        name: format!("P{id}"),
                    },
                    organization: None,
                    position: None,
                    role: None,
                    session: None,
                    contribution: None,
                    head: false,
                    created_at: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn an_edit_moves_counts_between_groups_and_dirties_both_sides() {
        let before = event(Some("seminar"), "2020-12-30", "2021-01-02", &[1, 2], &[7]);
        let after = event(Some("Seminar"), "2021-03-16", "2021-03-18", &[2, 3], &[8]);
        let change = Change {
            kind: RecordKind::Event,
            id: 1,
            label: "T".into(),
            before: Some(State::Event(Box::new(before))),
            after: Some(State::Event(Box::new(after))),
        };
        let dirty = Dirty::of([&change]);
        assert_eq!(dirty.organizations, BTreeSet::from([1, 2, 3]));
        assert_eq!(dirty.people, BTreeSet::from([7, 8]));
        let changes: Vec<_> = dirty.facet_changes().collect();
        assert_eq!(
            changes,
            vec![
                (Facet::Year, Some("2020"), -1),
                (Facet::Kind, Some("Seminar"), 1),
                (Facet::Kind, Some("seminar"), -1),
            ]
        );
    }
}
