//! The history of changes: every command that writes records one [`Operation`], with the
//! state of each record it touched before and after ([`Change`]), in the same transaction as
//! the changes themselves. A state holds everything needed to put the record back exactly
//! as it was: its id, its fields, its lists in order, the ids of its participations and of
//! the organizations and people it links to, its time stamps.
//!
//! States are kept as JSON text in the log (the same bytes on both backends): these types
//! are that JSON's shape, and the field order is the order it is written in.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::EntityKind;

/// What kind of record a change is to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Event,
    Organization,
    Person,
}

impl RecordKind {
    /// As the log stores it and JSON writes it: `event`, `organization`, `person`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Event => "event",
            RecordKind::Organization => "organization",
            RecordKind::Person => "person",
        }
    }

    pub fn parse(text: &str) -> Option<RecordKind> {
        match text {
            "event" => Some(RecordKind::Event),
            "organization" => Some(RecordKind::Organization),
            "person" => Some(RecordKind::Person),
            _ => None,
        }
    }

    /// The entity kind, for an organization or a person.
    pub fn entity(self) -> Option<EntityKind> {
        match self {
            RecordKind::Event => None,
            RecordKind::Organization => Some(EntityKind::Organization),
            RecordKind::Person => Some(EntityKind::Person),
        }
    }
}

impl From<EntityKind> for RecordKind {
    fn from(kind: EntityKind) -> RecordKind {
        match kind {
            EntityKind::Organization => RecordKind::Organization,
            EntityKind::Person => RecordKind::Person,
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organization or person a state links to: by id (what is restored) and by its own name
/// at the time (what is shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// An event as stored, with every link, ids included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventState {
    pub id: i64,
    pub key: Option<String>,
    pub title: String,
    pub kind: Option<String>,
    /// YYYY-MM-DD.
    pub start: String,
    /// YYYY-MM-DD, inclusive.
    pub end: String,
    /// `in-person`, `virtual`, `hybrid`.
    pub mode: Option<String>,
    pub location: Option<String>,
    pub region: Option<String>,
    pub project: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// In their order.
    pub tags: Vec<String>,
    /// In their order.
    pub organizers: Vec<Named>,
    /// In their order.
    pub partners: Vec<Named>,
    /// The sessions' names, in their order (their ids are nobody's business).
    pub sessions: Vec<String>,
    /// By id.
    pub participants: Vec<ParticipationState>,
}

impl EventState {
    /// The organizations the event links to (organizers, partners, participants'), with
    /// repeats.
    pub fn organization_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.organizers
            .iter()
            .chain(&self.partners)
            .chain(
                self.participants
                    .iter()
                    .filter_map(|p| p.organization.as_ref()),
            )
            .map(|o| o.id)
    }
}

/// A participation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationState {
    pub id: i64,
    pub person: Named,
    pub organization: Option<Named>,
    pub position: Option<String>,
    pub role: Option<String>,
    /// The session's name, one of the event's `sessions`.
    pub session: Option<String>,
    pub contribution: Option<String>,
    pub head: bool,
    pub created_at: String,
}

/// An organization or a person as stored: its own name and its aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityState {
    pub id: i64,
    pub name: String,
    /// Every other name it is known by, as written, sorted by name key.
    pub aliases: Vec<String>,
    pub created_at: String,
}

/// A record's state: an event's, or an organization's or person's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum State {
    Event(Box<EventState>),
    Entity(EntityState),
}

impl State {
    pub fn id(&self) -> i64 {
        match self {
            State::Event(e) => e.id,
            State::Entity(e) => e.id,
        }
    }

    /// How a person knows the record: an event by its title (and key), an organization or
    /// person by its own name.
    pub fn label(&self) -> String {
        match self {
            State::Event(e) => e.title.clone(),
            State::Entity(e) => e.name.clone(),
        }
    }

    /// Reads a state of `kind` from the log's JSON.
    pub fn from_json(kind: RecordKind, json: &str) -> serde_json::Result<State> {
        Ok(match kind {
            RecordKind::Event => State::Event(Box::new(serde_json::from_str(json)?)),
            RecordKind::Organization | RecordKind::Person => {
                State::Entity(serde_json::from_str(json)?)
            }
        })
    }

    /// The log's JSON of this state.
    pub fn to_json(&self) -> String {
        // A state holds only strings, numbers, booleans and lists of them: it always
        // serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn as_event(&self) -> Option<&EventState> {
        match self {
            State::Event(e) => Some(e),
            State::Entity(_) => None,
        }
    }

    pub fn as_entity(&self) -> Option<&EntityState> {
        match self {
            State::Event(_) => None,
            State::Entity(e) => Some(e),
        }
    }
}

/// One record touched by an operation: `before` is `None` for a record it created, `after`
/// for one it removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: RecordKind,
    pub id: i64,
    /// The record as a person knows it (an event's title, a name), for the log's tables.
    pub label: String,
    pub before: Option<State>,
    pub after: Option<State>,
}

impl Change {
    /// What the change did: `created`, `removed` or `changed`.
    pub fn verb(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "created",
            (Some(_), None) => "removed",
            (Some(_), Some(_)) => "changed",
        }
    }
}

/// One command that wrote, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operation {
    pub id: i64,
    /// When, in UTC, RFC 3339 with microseconds: `2026-12-01T12:41:18.123456Z`.
    pub at: String,
    /// Who: on SQLite the OS user; on PostgreSQL the database role.
    pub user: String,
    /// On PostgreSQL, the OS user where it is not the role's name.
    pub os_user: Option<String>,
    /// The command, as typed: `add-event`, `org merge`, `import`, `undo`...
    pub command: String,
    /// One line on what it did.
    pub summary: String,
    /// For an undo: the operation it reverted.
    pub undoes: Option<i64>,
    /// The undo that reverted this operation, if one did (and was not itself undone).
    pub undone_by: Option<i64>,
    /// How many records it touched.
    pub change_count: u64,
    /// The changes, when asked for (`log show`, `log --format json`); else empty.
    pub changes: Vec<Change>,
}

impl Operation {
    /// Who, as the log shows it: `role (os user)` where they differ.
    pub fn who(&self) -> String {
        match &self.os_user {
            Some(os) => format!("{} ({os})", self.user),
            None => self.user.clone(),
        }
    }
}

/// An operation to record: what a write collected ([`crate::store::Journal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperation {
    pub command: String,
    pub summary: String,
    pub undoes: Option<i64>,
    pub changes: Vec<Change>,
    /// The organizations the operation touched or whose events it touched (for
    /// `log --org`), each once.
    pub organizations: Vec<i64>,
}

/// Which operations `events log` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Those that touched this event.
    pub event: Option<i64>,
    /// Those that touched this organization or an event it organized, partnered or took
    /// part in.
    pub organization: Option<i64>,
    /// At or after this moment (UTC, the log's format).
    pub since: Option<String>,
    /// Before this moment (UTC, the log's format).
    pub until: Option<String>,
    /// By this user (the role or the OS user), case aside.
    pub user: Option<String>,
    /// The newest this many.
    pub limit: Option<usize>,
    /// With their changes.
    pub changes: bool,
}

/// The last change to a record: when, by whom, by which operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastChange {
    pub operation: i64,
    pub at: String,
    pub user: String,
    pub os_user: Option<String>,
    pub command: String,
}

impl LastChange {
    pub fn who(&self) -> String {
        match &self.os_user {
            Some(os) => format!("{} ({os})", self.user),
            None => self.user.clone(),
        }
    }
}

/// The moment a write is logged: UTC, RFC 3339, microseconds. Sorts as text in time order.
pub fn log_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}
