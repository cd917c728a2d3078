//! Events as the store holds them and as they are written to it: [`Event`] and its
//! [`Participant`]s as read, [`NewEvent`] and [`NewParticipant`] validated and ready to be
//! stored, how an event was held ([`Mode`]) and the roles organizations play.

use std::fmt;

use chrono::{Datelike as _, NaiveDate};

use super::field::Field;
use super::names::{name_key, name_set, normalize_name};
use super::record::FieldError;
use crate::dates;

/// How an event was held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    InPerson,
    Virtual,
    Hybrid,
}

impl Mode {
    /// The accepted spellings, as shown in messages and help.
    pub const CHOICES: &'static str = "in-person, virtual, hybrid";

    /// The canonical name, as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InPerson => "in-person",
            Mode::Virtual => "virtual",
            Mode::Hybrid => "hybrid",
        }
    }

    /// Parses a mode case-insensitively; `in person` is taken for `in-person`.
    pub fn parse(text: &str) -> Option<Mode> {
        match normalize_name(text).to_lowercase().as_str() {
            "in-person" | "in person" => Some(Mode::InPerson),
            "virtual" => Some(Mode::Virtual),
            "hybrid" => Some(Mode::Hybrid),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role an organization plays in an event, other than sending participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgRole {
    Organizer,
    Partner,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Organizer => "organizer",
            OrgRole::Partner => "partner",
        }
    }
}

/// The named bodies events are linked to: each known by its own name and any aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Organization,
    Person,
}

impl EntityKind {
    /// "organization" or "person", as messages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Organization => "organization",
            EntityKind::Person => "person",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated event, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub key: Option<String>,
    pub title: String,
    pub kind: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub mode: Option<Mode>,
    pub location: Option<String>,
    pub region: Option<String>,
    pub project: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    pub organizers: Vec<String>,
    pub partners: Vec<String>,
    pub sessions: Vec<String>,
    pub participants: Vec<NewParticipant>,
}

impl NewEvent {
    /// Takes, for each field named in `absent`, the stored event's value instead: a record
    /// that cannot say something (a CSV row has no participants, and may lack columns) leaves
    /// it as it is.
    ///
    /// Two fields depend on others. A record that gives `start` but not `end` moves the whole
    /// event, keeping its length (as `edit-event --start` does); one that moves it past
    /// 9999-12-31 is refused, naming `start`. And a record that gives `sessions` but leaves
    /// out `participants` keeps the participations, but those in a session no longer listed
    /// lose their session (as `edit-event --remove-session` does): `"sessions": []` clears.
    pub fn keep_absent(&mut self, stored: &Event, absent: &[Field]) -> Result<(), FieldError> {
        for field in absent {
            match *field {
                Field::Key => self.key = stored.key.clone(),
                Field::Kind => self.kind = stored.kind.clone(),
                Field::End if absent.contains(&Field::Start) => self.end = stored.end,
                Field::End => {
                    self.end = self
                        .start
                        .checked_add_signed(stored.end - stored.start)
                        .filter(|end| end.year() <= 9999)
                        .ok_or_else(|| {
                            FieldError::new(
                                "start",
                                &dates::iso(self.start),
                                format!(
                                    "the event lasts {} days and would end after 9999-12-31; \
                                     give its end too",
                                    (stored.end - stored.start).num_days() + 1
                                ),
                            )
                        })?;
                }
                Field::Mode => self.mode = stored.mode,
                Field::Location => self.location = stored.location.clone(),
                Field::Region => self.region = stored.region.clone(),
                Field::Project => self.project = stored.project.clone(),
                Field::Description => self.description = stored.description.clone(),
                Field::Source => self.source = stored.source.clone(),
                Field::Tags => self.tags = stored.tags.clone(),
                Field::Organizers => self.organizers = stored.organizers.clone(),
                Field::Partners => self.partners = stored.partners.clone(),
                Field::Sessions => self.sessions = stored.sessions.clone(),
                Field::Participants => {
                    let listed: Vec<String> = self.sessions.iter().map(|s| name_key(s)).collect();
                    let sessions_given = !absent.contains(&Field::Sessions);
                    self.participants = stored
                        .participants
                        .iter()
                        .map(|p| NewParticipant {
                            name: p.name.clone(),
                            organization: p.organization.clone(),
                            position: p.position.clone(),
                            role: p.role.clone(),
                            session: p
                                .session
                                .clone()
                                .filter(|s| !sessions_given || listed.contains(&name_key(s))),
                            contribution: p.contribution.clone(),
                            head: p.head,
                        })
                        .collect();
                }
                // A title or start date left out was taken from the stored event before the
                // record was validated (by the import); an id is no field of a record's own.
                Field::Id | Field::Title | Field::Start => {}
            }
        }
        // Every session a participant names is a session of the event.
        let named: Vec<String> = self
            .sessions
            .iter()
            .cloned()
            .chain(self.participants.iter().filter_map(|p| p.session.clone()))
            .collect();
        self.sessions = name_set(&named);
        Ok(())
    }
}

/// A validated participation, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParticipant {
    pub name: String,
    pub organization: Option<String>,
    pub position: Option<String>,
    pub role: Option<String>,
    pub session: Option<String>,
    pub contribution: Option<String>,
    /// Whether they headed their organization's delegation (never without an organization;
    /// at most one per event and organization).
    pub head: bool,
}

/// An event as stored, with everything linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub key: Option<String>,
    pub title: String,
    pub kind: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub mode: Option<Mode>,
    pub location: Option<String>,
    pub region: Option<String>,
    pub project: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub tags: Vec<String>,
    pub organizers: Vec<String>,
    pub partners: Vec<String>,
    pub sessions: Vec<String>,
    pub participants: Vec<Participant>,
    /// How many people took part (also when `participants` was not loaded).
    pub participant_count: usize,
}

/// A participation as stored: who took part, for whom, as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub organization: Option<String>,
    pub position: Option<String>,
    pub role: Option<String>,
    pub session: Option<String>,
    pub contribution: Option<String>,
    /// Whether they headed their organization's delegation.
    pub head: bool,
}

impl From<&Event> for NewEvent {
    /// What a stored event records, as it is (not validated again: an event an older
    /// version recorded may have a key `add-event` refuses today).
    fn from(e: &Event) -> NewEvent {
        NewEvent {
            key: e.key.clone(),
            title: e.title.clone(),
            kind: e.kind.clone(),
            start: e.start,
            end: e.end,
            mode: e.mode,
            location: e.location.clone(),
            region: e.region.clone(),
            project: e.project.clone(),
            description: e.description.clone(),
            source: e.source.clone(),
            tags: e.tags.clone(),
            organizers: e.organizers.clone(),
            partners: e.partners.clone(),
            sessions: e.sessions.clone(),
            participants: e.participants.iter().map(NewParticipant::from).collect(),
        }
    }
}

impl From<&Participant> for NewParticipant {
    /// What a stored participation records, without its id.
    fn from(p: &Participant) -> NewParticipant {
        NewParticipant {
            name: p.name.clone(),
            organization: p.organization.clone(),
            position: p.position.clone(),
            role: p.role.clone(),
            session: p.session.clone(),
            contribution: p.contribution.clone(),
            head: p.head,
        }
    }
}

/// What tells a stored event apart: its id, local to one database, and its key, which it keeps
/// wherever it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub id: i64,
    pub key: String,
}
