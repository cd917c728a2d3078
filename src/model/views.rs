//! What the summary commands show: organizations, people, a person's history, statistics.

use serde::Serialize;

/// One organization as `events orgs` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgSummary {
    pub name: String,
    pub aliases: Vec<String>,
    /// The initialisms its name and aliases give, but those it is called already
    /// ([`crate::model::abbrev::derived_initialisms`]); filled above the backends.
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
