//! JSON-LD: events as schema.org `Event` objects, the shape search engines and news sites
//! read from a page's `<script type="application/ld+json">`.
//!
//! Each element of the array is a whole document (its own `@context`), so that one event can
//! be copied into a page alone. `<`, `>` and `&` are written as `\u003c`, `\u003e` and
//! `\u0026`: the same text to a JSON reader, and never the end of the `<script>` element it is
//! pasted into.

use serde_json::{Map, Value, json};

use crate::dates;
use crate::model::{Event, Mode, Participant, name_key};

/// The `@context` of every object.
pub const CONTEXT: &str = "https://schema.org";

/// The schema.org object for one event.
///
/// - `eventAttendanceMode` from the mode (in-person: Offline, virtual: Online, hybrid: Mixed).
/// - `location`: a `Place` named by the location (with the region as the place it is in) for
///   an event held in person, a `VirtualLocation` (named by the location) for a virtual one,
///   both (the place named by the location) for a hybrid one.
/// - `organizer`: the organizers; `contributor`: the partners (schema.org's `sponsor` is one
///   who pays; a partner helps make the event, which `contributor` says).
/// - `attendee`: each person once, with the position (`jobTitle`) and organization
///   (`affiliation`) they first appear with; `subEvent`: each session, its speakers as
///   `performer` and what they presented as `workFeatured` (a `CreativeWork` by them).
/// - `url` from a source that is a web address; any other source is what the event is the
///   subject of (`subjectOf`, a `CreativeWork` by that name).
/// - `identifier` the key, `keywords` the kind and the tags, `about` the project.
pub fn event(e: &Event) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), CONTEXT.into());
    o.insert("@type".into(), "Event".into());
    if let Some(key) = &e.key {
        o.insert("identifier".into(), key.as_str().into());
    }
    o.insert("name".into(), e.title.as_str().into());
    if let Some(d) = &e.description {
        o.insert("description".into(), d.as_str().into());
    }
    o.insert("startDate".into(), dates::iso(e.start).into());
    o.insert("endDate".into(), dates::iso(e.end).into());
    if let Some(mode) = e.mode {
        let mode = match mode {
            Mode::InPerson => "OfflineEventAttendanceMode",
            Mode::Virtual => "OnlineEventAttendanceMode",
            Mode::Hybrid => "MixedEventAttendanceMode",
        };
        o.insert(
            "eventAttendanceMode".into(),
            format!("https://schema.org/{mode}").into(),
        );
    }
    if let Some(location) = location(e) {
        o.insert("location".into(), location);
    }
    if !e.organizers.is_empty() {
        o.insert("organizer".into(), organizations(&e.organizers));
    }
    if !e.partners.is_empty() {
        o.insert("contributor".into(), organizations(&e.partners));
    }
    if let Some(project) = &e.project {
        o.insert("about".into(), json!({"@type": "Project", "name": project}));
    }
    // The kind too: schema.org has no property for it (`additionalType` wants a URL).
    // Each once, whatever the case (a kind "workshop" and a tag "Workshop").
    let mut keywords: Vec<&str> = Vec::new();
    for word in e.kind.iter().chain(&e.tags) {
        if !keywords.iter().any(|k| name_key(k) == name_key(word)) {
            keywords.push(word);
        }
    }
    if !keywords.is_empty() {
        o.insert("keywords".into(), keywords.into());
    }
    match e.source.as_deref() {
        Some(url) if super::is_web_address(url) => {
            o.insert("url".into(), url.into());
        }
        Some(source) => {
            o.insert(
                "subjectOf".into(),
                json!({"@type": "CreativeWork", "name": source}),
            );
        }
        None => {}
    }
    let attendees = attendees(&e.participants);
    if !attendees.is_empty() {
        o.insert("attendee".into(), attendees.into());
    }
    let sessions: Vec<Value> = e.sessions.iter().map(|s| session(e, s)).collect();
    if !sessions.is_empty() {
        o.insert("subEvent".into(), sessions.into());
    }
    Value::Object(o)
}

fn location(e: &Event) -> Option<Value> {
    let place = || {
        let name = e.location.as_deref()?;
        let mut place = json!({"@type": "Place", "name": name, "address": name});
        if let Some(region) = &e.region {
            place["containedInPlace"] = json!({"@type": "Place", "name": region});
        }
        Some(place)
    };
    let online = json!({"@type": "VirtualLocation"});
    match e.mode {
        // The location of a virtual event names where it was held online ("Zoom").
        Some(Mode::Virtual) => Some(match &e.location {
            Some(name) => json!({"@type": "VirtualLocation", "name": name}),
            None => online,
        }),
        // That of a hybrid event is the place.
        Some(Mode::Hybrid) => Some(match place() {
            Some(place) => json!([place, online]),
            None => online,
        }),
        Some(Mode::InPerson) | None => place(),
    }
}

fn organizations(names: &[String]) -> Value {
    names
        .iter()
        .map(|name| json!({"@type": "Organization", "name": name}))
        .collect()
}

fn person(p: &Participant) -> Value {
    let mut o = Map::new();
    o.insert("@type".into(), "Person".into());
    o.insert("name".into(), p.name.as_str().into());
    if let Some(position) = &p.position {
        o.insert("jobTitle".into(), position.as_str().into());
    }
    if let Some(org) = &p.organization {
        o.insert(
            "affiliation".into(),
            json!({"@type": "Organization", "name": org}),
        );
    }
    Value::Object(o)
}

/// Each person once, as they first appear (a person may take part several times: in two
/// sessions, say), with a position and an organization from a later appearance where the
/// first gives none.
fn attendees(participants: &[Participant]) -> Vec<Value> {
    let mut seen: Vec<(String, Participant)> = Vec::new();
    for p in participants {
        let key = name_key(&p.name);
        match seen.iter_mut().find(|(k, _)| *k == key) {
            Some((_, first)) => {
                if first.position.is_none() {
                    first.position = p.position.clone();
                }
                if first.organization.is_none() {
                    first.organization = p.organization.clone();
                }
            }
            None => seen.push((key, p.clone())),
        }
    }
    seen.iter().map(|(_, p)| person(p)).collect()
}

fn session(e: &Event, name: &str) -> Value {
    let key = name_key(name);
    let speakers: Vec<&Participant> = e
        .participants
        .iter()
        .filter(|p| p.session.as_deref().is_some_and(|s| name_key(s) == key))
        .collect();
    let mut o = Map::new();
    o.insert("@type".into(), "Event".into());
    o.insert("name".into(), name.into());
    // A session has no dates of its own: it is within its event's.
    o.insert("startDate".into(), dates::iso(e.start).into());
    o.insert("endDate".into(), dates::iso(e.end).into());
    let performers: Vec<Value> = speakers.iter().map(|p| person(p)).collect();
    if !performers.is_empty() {
        o.insert("performer".into(), performers.into());
    }
    let works: Vec<Value> = speakers
        .iter()
        .filter_map(|p| {
            let title = p.contribution.as_deref()?;
            Some(json!({
                "@type": "CreativeWork",
                "name": title,
                "author": {"@type": "Person", "name": p.name},
            }))
        })
        .collect();
    if !works.is_empty() {
        o.insert("workFeatured".into(), works.into());
    }
    Value::Object(o)
}

/// Writes `<`, `>` and `&` of serialized JSON as `\u003c`, `\u003e` and `\u0026`. In JSON they
/// can only be inside strings, where the escape is the same character.
pub fn escape_for_html(json: &[u8], out: &mut Vec<u8>) {
    for &b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            b => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_read_back_the_same() {
        let value = json!({"name": "</script><b>A & B</b>"});
        let mut out = Vec::new();
        escape_for_html(value.to_string().as_bytes(), &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
