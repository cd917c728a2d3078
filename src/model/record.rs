//! The one interchange shape (`EventRecord`) that `--format json`, export and import all
//! share, and its validation.
//!
//! Raw input (command-line flags or a record read from a file) arrives as an [`EventRecord`];
//! [`EventRecord::validate`] turns it into a [`NewEvent`] whose every field is known to be good,
//! or into the list of every field that is not. The store only ever sees validated values.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::event::{Event, Mode, NewEvent, NewParticipant, Participant};
use super::names::{name_key, name_set, normalize_name};
use crate::dates;

/// One event in the interchange shape: what `--format json` prints and what import reads.
///
/// Every field but `title` and `start` may be left out on input (and those two too, by a
/// record that updates the event with its key); a record that updates an event keeps what it
/// leaves out (see `formats::Item::Event`). On output every field is present, absent values
/// as `null` and lists as arrays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "text_or_null")]
    pub title: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "text_or_null")]
    pub start: String,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub organizers: Vec<String>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub partners: Vec<String>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub sessions: Vec<String>,
    #[serde(default, deserialize_with = "participants_or_null")]
    pub participants: Vec<ParticipantRecord>,
}

/// A required text field: `null` reads as empty, which validation then refuses by name.
fn text_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A list field: `null` reads as the empty list.
fn list_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// The participants: `null` reads as none, and each must be an object (serde would otherwise
/// take an array for a participant, its fields by position).
fn participants_or_null<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ParticipantRecord>, D::Error> {
    let list = Option::<Vec<ObjectOnly<ParticipantRecord>>>::deserialize(d)?;
    Ok(list.unwrap_or_default().into_iter().map(|o| o.0).collect())
}

/// A value that must be written as a JSON object.
struct ObjectOnly<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Objects<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Objects<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a participant object, {\"name\": ...}")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Objects(std::marker::PhantomData))
            .map(ObjectOnly)
    }
}

/// One participant in the interchange shape, nested in its event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRecord {
    #[serde(default, deserialize_with = "text_or_null")]
    pub name: String,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub contribution: Option<String>,
    /// Whether they headed the delegation of their organization (`false` when left out).
    #[serde(default, deserialize_with = "bool_or_null")]
    pub head: bool,
}

/// A flag: `null` reads as `false`.
fn bool_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or_default())
}

/// The other names of one organization or person, as export writes them after the events and
/// import reads them back: `{"organization": "RATS SCO Executive Committee", "aliases":
/// ["SCO RATS"]}` (or `"person": ...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(default, deserialize_with = "list_or_null")]
    pub aliases: Vec<String>,
}

/// A field that failed validation: which field, the value given and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the interchange shape (`start`, `participants[2].name`, ...).
    pub field: String,
    pub value: String,
    pub reason: String,
}

impl FieldError {
    pub(super) fn new(field: impl Into<String>, value: &str, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` quotes the value and escapes any control character in it.
        write!(f, "{} {:?}: {}", self.field, self.value, self.reason)
    }
}

impl EventRecord {
    /// Checks every field and returns the validated event, or every problem found.
    ///
    /// Names (organizations, people, sessions, tags, key, kind) have their white space
    /// normalized; prose (title, description, ...) is kept exactly. A blank optional field is
    /// taken as absent.
    pub fn validate(&self) -> Result<NewEvent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let one = |field: &str, value: &Option<String>| (field.to_string(), value.clone());
        let mut texts = vec![
            one("key", &self.key),
            ("title".to_string(), Some(self.title.clone())),
            one("kind", &self.kind),
            ("start".to_string(), Some(self.start.clone())),
            one("end", &self.end),
            one("mode", &self.mode),
            one("location", &self.location),
            one("region", &self.region),
            one("project", &self.project),
            one("description", &self.description),
            one("source", &self.source),
        ];
        for (list, values) in [
            ("tags", &self.tags),
            ("organizers", &self.organizers),
            ("partners", &self.partners),
            ("sessions", &self.sessions),
        ] {
            for (i, value) in values.iter().enumerate() {
                texts.push((format!("{list}[{i}]"), Some(value.clone())));
            }
        }
        errors.extend(nul_errors(texts));

        if self.title.trim().is_empty() {
            errors.push(FieldError::new("title", &self.title, "must not be empty"));
        }
        let key = optional_name(self.key.as_deref());
        let start = match dates::parse_date(&self.start) {
            Ok(date) => Some(date),
            Err(reason) => {
                errors.push(FieldError::new("start", &self.start, reason));
                None
            }
        };
        let end = match self.end.as_deref().filter(|e| !e.trim().is_empty()) {
            None => start,
            Some(text) => match dates::parse_date(text) {
                Ok(end) => {
                    if let Some(start) = start.filter(|&start| end < start) {
                        errors.push(FieldError::new(
                            "end",
                            text,
                            format!("is before the start, {}", dates::iso(start)),
                        ));
                    }
                    Some(end)
                }
                Err(reason) => {
                    errors.push(FieldError::new("end", text, reason));
                    None
                }
            },
        };
        let mode = match optional_text(self.mode.as_deref()) {
            None => None,
            Some(text) => match Mode::parse(text) {
                Some(mode) => Some(mode),
                None => {
                    errors.push(FieldError::new(
                        "mode",
                        text,
                        format!("expected one of {}", Mode::CHOICES),
                    ));
                    None
                }
            },
        };

        let mut participants = Vec::with_capacity(self.participants.len());
        for (i, p) in self.participants.iter().enumerate() {
            match p.validate() {
                Ok(p) => participants.push(p),
                Err(mut e) => {
                    e.field = format!("participants[{i}].{}", e.field);
                    errors.push(e);
                }
            }
        }

        // One organization is the organizer or a partner of an event, not both.
        let organizers: std::collections::HashSet<String> =
            self.organizers.iter().map(|o| name_key(o)).collect();
        for partner in &self.partners {
            if !partner.trim().is_empty() && organizers.contains(&name_key(partner)) {
                errors.push(FieldError::new(
                    "partners",
                    partner,
                    "is also an organizer; an organization is the organizer or a partner of an event, not both",
                ));
            }
        }

        // One head per delegation: per organization (by name key; two names of one
        // organization are found when the store resolves them).
        if let Some(e) = second_head(&participants) {
            errors.push(e);
        }

        // A session named by a participant is a session of the event.
        let named: Vec<String> = self
            .sessions
            .iter()
            .cloned()
            .chain(participants.iter().filter_map(|p| p.session.clone()))
            .collect();
        let sessions = name_set(&named);

        match (start, end) {
            (Some(start), Some(end)) if errors.is_empty() => Ok(NewEvent {
                key,
                title: self.title.clone(),
                kind: optional_name(self.kind.as_deref()).map(|k| k.to_lowercase()),
                start,
                end,
                mode,
                location: optional_text(self.location.as_deref()).map(str::to_string),
                region: optional_text(self.region.as_deref()).map(str::to_string),
                project: optional_text(self.project.as_deref()).map(str::to_string),
                description: optional_text(self.description.as_deref()).map(str::to_string),
                source: optional_text(self.source.as_deref()).map(str::to_string),
                tags: name_set(&self.tags),
                organizers: name_set(&self.organizers),
                partners: name_set(&self.partners),
                sessions,
                participants,
            }),
            _ => Err(errors),
        }
    }
}

impl AliasRecord {
    /// Checks an alias record: it names exactly one organization or person, and its names are
    /// not blank.
    pub fn validate(&self) -> Result<AliasRecord, FieldError> {
        let mut texts = vec![
            ("organization".to_string(), self.organization.clone()),
            ("person".to_string(), self.person.clone()),
        ];
        for (i, alias) in self.aliases.iter().enumerate() {
            texts.push((format!("aliases[{i}]"), Some(alias.clone())));
        }
        if let Some(e) = nul_errors(texts).into_iter().next() {
            return Err(e);
        }
        let (field, name) = match (&self.organization, &self.person) {
            (Some(_), Some(_)) => {
                return Err(FieldError::new(
                    "person",
                    self.person.as_deref().unwrap_or(""),
                    "an alias record names an organization or a person, not both",
                ));
            }
            (Some(name), None) => ("organization", name),
            (None, Some(name)) => ("person", name),
            (None, None) => {
                return Err(FieldError::new(
                    "organization",
                    "",
                    "an alias record names an organization or a person",
                ));
            }
        };
        let Some(name) = optional_name(Some(name)) else {
            return Err(FieldError::new(field, name, "must not be empty"));
        };
        let aliases = name_set(&self.aliases);
        let (organization, person) = if field == "organization" {
            (Some(name), None)
        } else {
            (None, Some(name))
        };
        Ok(AliasRecord {
            organization,
            person,
            aliases,
        })
    }
}

impl ParticipantRecord {
    /// Checks a participant; the error's field is relative to the participant.
    pub fn validate(&self) -> Result<NewParticipant, FieldError> {
        let texts = vec![
            ("name".to_string(), Some(self.name.clone())),
            ("organization".to_string(), self.organization.clone()),
            ("position".to_string(), self.position.clone()),
            ("role".to_string(), self.role.clone()),
            ("session".to_string(), self.session.clone()),
            ("contribution".to_string(), self.contribution.clone()),
        ];
        if let Some(e) = nul_errors(texts).into_iter().next() {
            return Err(e);
        }
        let Some(name) = optional_name(Some(&self.name)) else {
            return Err(FieldError::new("name", &self.name, "must not be empty"));
        };
        let organization = optional_name(self.organization.as_deref());
        if self.head && organization.is_none() {
            return Err(FieldError::new(
                "head",
                "true",
                "a head heads the delegation of an organization; give the organization too",
            ));
        }
        Ok(NewParticipant {
            name,
            organization,
            position: optional_text(self.position.as_deref()).map(str::to_string),
            role: optional_text(self.role.as_deref()).map(str::to_string),
            session: optional_name(self.session.as_deref()),
            contribution: optional_text(self.contribution.as_deref()).map(str::to_string),
            head: self.head,
        })
    }
}

/// The first participant of `participants` who is a second head of one delegation (an
/// organization, by name key), as the error of its `head` field. One participation heads a
/// delegation: a head who took part in two sessions is marked head in one of them.
pub fn second_head(participants: &[NewParticipant]) -> Option<FieldError> {
    let mut heads: Vec<(String, usize)> = Vec::new();
    for (i, p) in participants.iter().enumerate() {
        let (true, Some(org)) = (p.head, &p.organization) else {
            continue;
        };
        let org_key = name_key(org);
        if let Some(&(_, first)) = heads.iter().find(|(key, _)| *key == org_key) {
            return Some(FieldError::new(
                format!("participants[{i}].head"),
                "true",
                format!(
                    "the delegation of {org:?} is already headed by {:?} (participants[{first}]); a delegation has one head",
                    participants[first].name
                ),
            ));
        }
        heads.push((org_key, i));
    }
    None
}

/// The fields (name, value) that hold a NUL character. PostgreSQL's text cannot keep one, so
/// no backend takes one: records move between databases as they are.
fn nul_errors(texts: Vec<(String, Option<String>)>) -> Vec<FieldError> {
    texts
        .into_iter()
        .filter_map(|(field, value)| {
            let value = value.filter(|v| v.contains('\0'))?;
            Some(FieldError::new(
                field,
                &value,
                "holds a NUL character (U+0000), which events does not store (a PostgreSQL database cannot)",
            ))
        })
        .collect()
}

/// Prose is kept exactly, but blank counts as absent.
fn optional_text(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

fn optional_name(text: Option<&str>) -> Option<String> {
    text.map(normalize_name).filter(|t| !t.is_empty())
}

impl From<&Event> for EventRecord {
    fn from(e: &Event) -> Self {
        EventRecord {
            id: Some(e.id),
            key: e.key.clone(),
            title: e.title.clone(),
            kind: e.kind.clone(),
            start: dates::iso(e.start),
            end: Some(dates::iso(e.end)),
            mode: e.mode.map(|m| m.as_str().to_string()),
            location: e.location.clone(),
            region: e.region.clone(),
            project: e.project.clone(),
            description: e.description.clone(),
            source: e.source.clone(),
            tags: e.tags.clone(),
            organizers: e.organizers.clone(),
            partners: e.partners.clone(),
            sessions: e.sessions.clone(),
            participants: e.participants.iter().map(ParticipantRecord::from).collect(),
        }
    }
}

impl From<&Participant> for ParticipantRecord {
    fn from(p: &Participant) -> Self {
        ParticipantRecord {
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

/// A validated event from its JSON, for the unit tests of the layers above.
#[cfg(test)]
pub(crate) fn test_event(json: &str) -> NewEvent {
    serde_json::from_str::<EventRecord>(json)
        .expect("a JSON event record")
        .validate()
        .expect("a valid event record")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> EventRecord {
        EventRecord {
            title: "Seminar".into(),
            start: "2021-03-16".into(),
            ..Default::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn end_defaults_to_start() {
        let e = record().validate().unwrap();
        assert_eq!(e.start, e.end);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let r = EventRecord {
            title: "  ".into(),
            start: "2021-02-30".into(),
            end: Some("2021-13-01".into()),
            mode: Some("online".into()),
            participants: vec![ParticipantRecord::default()],
            ..Default::default()
        };
        assert_eq!(
            fields(r.validate().unwrap_err()),
            ["title", "start", "end", "mode", "participants[0].name"]
        );
    }

    #[test]
    fn end_before_start_names_both() {
        let r = EventRecord {
            end: Some("2021-03-15".into()),
            ..record()
        };
        let errors = r.validate().unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            r#"end "2021-03-15": is before the start, 2021-03-16"#
        );
    }

    #[test]
    fn names_are_normalized_and_deduplicated_prose_is_kept() {
        let r = EventRecord {
            title: " A  title ".into(),
            kind: Some(" Seminar ".into()),
            mode: Some("Virtual".into()),
            tags: vec![
                "SALW".into(),
                "salw".into(),
                " ".into(),
                "counter-terrorism".into(),
            ],
            organizers: vec!["UN  Office".into(), "un office".into()],
            ..record()
        };
        let e = r.validate().unwrap();
        assert_eq!(e.title, " A  title ");
        assert_eq!(e.kind.as_deref(), Some("seminar"));
        assert_eq!(e.mode, Some(Mode::Virtual));
        assert_eq!(e.tags, ["SALW", "counter-terrorism"]);
        assert_eq!(e.organizers, ["UN Office"]);
    }

    #[test]
    fn modes() {
        assert_eq!(Mode::parse("In-Person"), Some(Mode::InPerson));
        assert_eq!(Mode::parse("in  person"), Some(Mode::InPerson));
        assert_eq!(Mode::parse("HYBRID"), Some(Mode::Hybrid));
        assert_eq!(Mode::parse("online"), None);
    }

    #[test]
    fn json_shape_has_every_field() {
        let e = record().validate().unwrap();
        let stored = Event {
            id: 1,
            key: e.key,
            title: e.title,
            kind: None,
            start: e.start,
            end: e.end,
            mode: None,
            location: None,
            region: None,
            project: None,
            description: None,
            source: None,
            created_at: String::new(),
            updated_at: String::new(),
            tags: vec![],
            organizers: vec![],
            partners: vec![],
            sessions: vec![],
            participants: vec![],
            participant_count: 0,
        };
        let json = serde_json::to_string(&EventRecord::from(&stored)).unwrap();
        assert_eq!(
            json,
            r#"{"id":1,"key":null,"title":"Seminar","kind":null,"start":"2021-03-16","end":"2021-03-16","mode":null,"location":null,"region":null,"project":null,"description":null,"source":null,"tags":[],"organizers":[],"partners":[],"sessions":[],"participants":[]}"#
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<EventRecord>(r#"{"titel": "x", "start": "2021-01-01"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `titel`"), "{err}");
    }
}
