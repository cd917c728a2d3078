//! What the summary commands show: organizations, people, a person's history, statistics.

use serde::Serialize;

use super::event::{Event, Participant};
use super::names::name_key;

/// The people who represented one organization at an event, as `show --format json` lists
/// them: its head (if one is marked) and every member, the head among them, each person once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    pub organization: String,
    pub head: Option<String>,
    pub members: Vec<String>,
}

impl Delegation {
    /// The delegations of an event, in the order their organizations first appear among its
    /// participants (by participation id): the head first among the members, then the others
    /// in the order they appear. People without an organization are in none.
    pub fn of(event: &Event) -> Vec<Delegation> {
        delegations(&event.participants)
            .into_iter()
            .filter_map(|(org, members)| {
                let organization = org?.to_string();
                let head = members.iter().find(|p| p.head).map(|p| p.name.clone());
                let mut names: Vec<String> = Vec::new();
                for p in members {
                    if !names.iter().any(|n| name_key(n) == name_key(&p.name)) {
                        names.push(p.name.clone());
                    }
                }
                Some(Delegation {
                    organization,
                    head,
                    members: names,
                })
            })
            .collect()
    }
}

/// The participations of an event by delegation: one group per organization, in the order
/// each first appears, its head first and then the others in the order they are listed; the
/// participations without an organization last, as one group (`None`).
pub fn delegations(participants: &[Participant]) -> Vec<(Option<&str>, Vec<&Participant>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Participant>)> = Vec::new();
    for p in participants {
        let org = p.organization.as_deref();
        match groups.iter_mut().find(|(o, _)| *o == org) {
            Some((_, members)) => members.push(p),
            None => groups.push((org, vec![p])),
        }
    }
    // Without an organization: last.
    groups.sort_by_key(|(org, _)| org.is_none());
    for (_, members) in &mut groups {
        // Stable: the others keep their order.
        members.sort_by_key(|p| !p.head);
    }
    groups
}

/// The roles one organization had in one event: organizer, partner, or sending someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRoles<'a> {
    /// As the event first names it.
    pub name: &'a str,
    /// Its [`name_key`].
    pub key: String,
    pub organizer: bool,
    pub partner: bool,
    pub participant: bool,
}

/// Each organization of `event` once, with its roles there, in the order the event first
/// names them: organizers, partners, then the participants' organizations.
pub fn organization_roles(event: &Event) -> Vec<OrgRoles<'_>> {
    let mut out: Vec<OrgRoles<'_>> = Vec::new();
    let named = (event.organizers.iter().map(|o| (o, 0)))
        .chain(event.partners.iter().map(|o| (o, 1)))
        .chain(
            event
                .participants
                .iter()
                .filter_map(|p| p.organization.as_ref())
                .map(|o| (o, 2)),
        );
    for (name, role) in named {
        let key = name_key(name);
        let at = match out.iter().position(|r| r.key == key) {
            Some(at) => at,
            None => {
                out.push(OrgRoles {
                    name,
                    key,
                    organizer: false,
                    partner: false,
                    participant: false,
                });
                out.len() - 1
            }
        };
        let roles = &mut out[at];
        match role {
            0 => roles.organizer = true,
            1 => roles.partner = true,
            _ => roles.participant = true,
        }
    }
    out
}

/// One organization as `events orgs` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgSummary {
    pub name: String,
    pub aliases: Vec<String>,
    /// The initialisms its name and aliases give, but those it is called already
    /// ([`crate::model::abbrev::derived_initialisms`]) and those that do not name it (another's
    /// name, or several organizations'); filled above the backends.
    pub initialisms: Vec<String>,
    /// Events it took part in, in any role.
    pub events: i64,
    pub as_organizer: i64,
    pub as_partner: i64,
    /// Events a participant represented it at.
    pub as_participant: i64,
    /// The start dates of its first and latest events.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// One person as `events people` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonSummary {
    pub name: String,
    pub aliases: Vec<String>,
    pub events: i64,
    /// The position and organization of their latest participation that records one.
    pub position: Option<String>,
    pub organization: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// One participation in a person's history (`events person NAME`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The event's id.
    pub event: i64,
    pub key: Option<String>,
    pub start: String,
    pub end: String,
    pub title: String,
    pub position: Option<String>,
    pub organization: Option<String>,
    pub role: Option<String>,
    pub session: Option<String>,
    pub contribution: Option<String>,
    /// Whether they headed their organization's delegation at the event.
    pub head: bool,
    /// The participation's id, for `edit-participant` and `remove-participant`.
    pub participation: i64,
}

/// A person and everything they took part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonHistory {
    pub name: String,
    pub aliases: Vec<String>,
    pub history: Vec<HistoryEntry>,
}

/// What `events stats` counts events by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsBy {
    Year,
    Kind,
    Mode,
    Org,
    Region,
}

impl StatsBy {
    pub fn as_str(self) -> &'static str {
        match self {
            StatsBy::Year => "year",
            StatsBy::Kind => "kind",
            StatsBy::Mode => "mode",
            StatsBy::Org => "org",
            StatsBy::Region => "region",
        }
    }
}

/// One group of `events stats`: a value of the dimension (absent: none recorded) and how many
/// events have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRow {
    pub value: Option<String>,
    pub events: i64,
    /// By organization: at how many of those events a person representing it headed its
    /// delegation (`None` by any other dimension).
    pub headed: Option<i64>,
}

impl StatsRow {
    /// Keeps the `limit` groups with the most events (among equals, those first in `rows`),
    /// in the order they are in: what `stats --limit N` shows.
    pub fn keep_largest(rows: &mut Vec<StatsRow>, limit: Option<u64>) {
        let Some(limit) = limit else { return };
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if rows.len() <= limit {
            return;
        }
        let mut ranked: Vec<usize> = (0..rows.len()).collect();
        ranked.sort_by_key(|&i| (std::cmp::Reverse(rows[i].events), i));
        let mut kept = vec![false; rows.len()];
        for &i in &ranked[..limit] {
            kept[i] = true;
        }
        let mut i = 0;
        rows.retain(|_| {
            i += 1;
            kept[i - 1]
        });
    }
}
