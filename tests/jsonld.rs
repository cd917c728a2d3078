//! `export --format jsonld`: events as schema.org `Event` objects.

use serde_json::{Value, json};

use crate::util::{Env, add, record_seed};

fn export(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["export", "--format", "jsonld"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.ok(&args)).unwrap()
}

#[test]
fn the_seed_seminar_as_schema_org() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    // A second session talk, and the same person twice: one attendee.
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "v. v. barchuk",
        "--session",
        "Closing",
        "--contribution",
        "Conclusions",
    ]);
    let all = export(&env, &[]);
    let events = all.as_array().unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["@context"], "https://schema.org");
    assert_eq!(e["@type"], "Event");
    assert_eq!(e["identifier"], "rats-2021-03");
    assert_eq!(
        e["name"],
        "Virtual regional seminar on judicial and law enforcement cooperation and information exchange"
    );
    assert!(e.get("additionalType").is_none());
    assert_eq!(e["startDate"], "2021-03-16");
    assert_eq!(e["endDate"], "2021-03-18");
    assert_eq!(
        e["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(e["location"], json!({"@type": "VirtualLocation"}));
    assert_eq!(
        e["organizer"],
        json!([
            {"@type": "Organization", "name": "UN Counter-Terrorism Centre"},
            {"@type": "Organization", "name": "UN Office of Counter-Terrorism"},
            {"@type": "Organization", "name": "UN Office on Drugs and Crime"},
        ])
    );
    assert_eq!(
        e["contributor"],
        json!([{"@type": "Organization", "name": "UN Regional Centre for Preventive Diplomacy for Central Asia"}])
    );
    assert_eq!(
        e["about"],
        json!({"@type": "Project", "name": "Exploring the Relationship between Terrorism, Weapons and Crime"})
    );
    assert_eq!(
        e["keywords"],
        json!(["seminar", "counter-terrorism", "SALW"])
    );
    // A source that is no web address is what the event is the subject of.
    assert_eq!(
        e["subjectOf"],
        json!({"@type": "CreativeWork", "name": "Executive Committee RATS SCO"})
    );
    assert!(e.get("url").is_none());
    assert_eq!(
        e["attendee"],
        json!([
            {"@type": "Person", "name": "V. V. Barchuk", "jobTitle": "Deputy Director",
             "affiliation": {"@type": "Organization", "name": "RATS SCO Executive Committee"}},
            {"@type": "Person", "name": "V. I. Voronkov", "jobTitle": "Under-Secretary-General",
             "affiliation": {"@type": "Organization", "name": "UN Office of Counter-Terrorism"}},
        ])
    );
    let sessions = e["subEvent"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        sessions[0]["name"],
        "The role of international and regional organizations"
    );
    assert_eq!(sessions[0]["startDate"], "2021-03-16");
    assert_eq!(sessions[0]["endDate"], "2021-03-18");
    assert_eq!(sessions[0]["performer"][0]["name"], "V. V. Barchuk");
    assert_eq!(
        sessions[0]["workFeatured"],
        json!([{"@type": "CreativeWork", "name": "report",
                "author": {"@type": "Person", "name": "V. V. Barchuk"}}])
    );
    assert_eq!(sessions[1]["name"], "Closing");
    assert_eq!(sessions[1]["workFeatured"][0]["name"], "Conclusions");
}

#[test]
fn modes_give_places_and_attendance_modes() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "In person",
        "2021-01-01",
        "2021-01-02",
        &[
            "--mode",
            "in-person",
            "--location",
            "Almaty",
            "--region",
            "Central Asia",
            "--source",
            "https://example.org/news/1",
        ],
    );
    add(
        &env,
        "Hybrid",
        "2021-02-01",
        "2021-02-01",
        &["--mode", "hybrid", "--location", "Tashkent"],
    );
    add(
        &env,
        "Online",
        "2021-03-01",
        "2021-03-01",
        &["--mode", "virtual", "--location", "Zoom"],
    );
    add(&env, "Unknown", "2021-04-01", "2021-04-01", &[]);
    add(
        &env,
        "Twice",
        "2021-05-01",
        "2021-05-01",
        &["--kind", "workshop", "--tag", "Workshop", "--tag", "SALW"],
    );
    let all = export(&env, &[]);
    let [in_person, hybrid, online, unknown, twice] = all.as_array().unwrap().as_slice() else {
        panic!("{all}")
    };
    assert_eq!(twice["keywords"], json!(["workshop", "SALW"]));
    assert_eq!(
        in_person["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(
        in_person["location"],
        json!({"@type": "Place", "name": "Almaty", "address": "Almaty",
               "containedInPlace": {"@type": "Place", "name": "Central Asia"}})
    );
    assert_eq!(in_person["url"], "https://example.org/news/1");
    assert!(in_person.get("subjectOf").is_none());
    assert_eq!(
        hybrid["eventAttendanceMode"],
        "https://schema.org/MixedEventAttendanceMode"
    );
    assert_eq!(
        hybrid["location"],
        json!([{"@type": "Place", "name": "Tashkent", "address": "Tashkent"},
               {"@type": "VirtualLocation"}])
    );
    assert_eq!(
        online["location"],
        json!({"@type": "VirtualLocation", "name": "Zoom"})
    );
    // Nothing known is nothing said.
    assert_eq!(
        unknown,
        &json!({"@context": "https://schema.org", "@type": "Event",
                "identifier": unknown["identifier"], "name": "Unknown",
                "startDate": "2021-04-01", "endDate": "2021-04-01"})
    );
}

#[test]
fn text_is_kept_exactly_and_cannot_close_a_script_element() {
    let Some(env) = Env::new() else { return };
    let title = "</script><script>alert(1)</script> & \u{1b}[31m \"quoted\"\nline";
    add(&env, title, "2021-01-01", "2021-01-01", &[]);
    let text = env.ok(&["export", "--format", "jsonld"]);
    assert!(!text.contains('<'), "{text}");
    assert!(!text.contains('&'), "{text}");
    assert!(text.contains("\\u003c/script\\u003e"), "{text}");
    let all: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(all[0]["name"], title);
}

#[test]
fn filters_and_the_file_extension_apply() {
    let Some(env) = Env::new() else { return };
    add(&env, "One", "2021-01-01", "2021-01-01", &[]);
    add(&env, "Two", "2022-01-01", "2022-01-01", &[]);
    let out = env.dir.path().join("web.jsonld");
    let out = out.to_str().unwrap();
    env.ok(&["export", "--from", "2022", "--output", out]);
    let all: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["name"], "Two");
    assert_eq!(
        env.ok(&["export", "--format", "jsonld", "--from", "2030"]),
        "[]\n"
    );
}
