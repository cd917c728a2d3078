//! The round-trip law, over generated events: export, import into an empty database and
//! export again gives the same records (ids aside), and text comes back exactly as given.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::util::{Env, without_ids};

/// Text with the characters that break naive formats: quotes, commas, semicolons, line
/// breaks, controls, formula starters, and any Unicode but NUL (which no backend stores:
/// `import` refuses it, see `nul_is_refused_by_every_backend`).
fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => any::<char>().prop_map(|c| if c == '\0' { '\u{1}' } else { c }),
        2 => prop::sample::select(vec!['"', ',', ';', '\n', '\r', '\t', '=', '+', '-', '@', '\'', ' ', '\\', '\u{1b}', '\u{1}']),
        4 => prop::char::range('a', 'z'),
    ];
    prop::collection::vec(ch, 0..14).prop_map(String::from_iter)
}

fn name_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Distinct names (as the tool compares them), none blank.
fn names(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 1..=max).prop_map(|v| {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<String> = v
            .into_iter()
            .filter(|n| !name_key(n).is_empty() && seen.insert(name_key(n)))
            .collect();
        if out.is_empty() {
            out.push("Fallback".to_string());
        }
        out
    })
}

fn optional(s: impl Strategy<Value = String>) -> impl Strategy<Value = Option<String>> {
    prop::option::of(s)
}

#[derive(Debug, Clone)]
struct World {
    orgs: Vec<String>,
    people: Vec<String>,
    events: Vec<Value>,
}

fn world(csv: bool) -> impl Strategy<Value = World> {
    (names(5), names(5)).prop_flat_map(move |(orgs, people)| {
        let (o, p) = (orgs.len(), people.len());
        let event = (
            text(),
            (1900i32..2100, 1u32..=365, 0u64..10),
            prop::option::of(prop::sample::select(vec!["in-person", "virtual", "hybrid"])),
            prop::collection::vec(optional(text()), 6),
            prop::collection::vec(text(), 0..4),
            prop::collection::vec(0..o, 0..3),
            prop::collection::vec(0..o, 0..2),
            prop::collection::vec(
                (
                    0..p,
                    prop::option::of(0..o),
                    prop::collection::vec(optional(text()), 3),
                ),
                0..4,
            ),
            any::<bool>(),
        );
        let orgs2 = orgs.clone();
        let people2 = people.clone();
        prop::collection::vec(event, 0..6).prop_map(move |events| {
            let events = events
                .into_iter()
                .enumerate()
                .map(
                    |(
                        i,
                        (
                            title,
                            (y, day, len),
                            mode,
                            texts,
                            tags,
                            organizers,
                            partners,
                            parts,
                            keyed,
                        ),
                    )| {
                        let start = chrono::NaiveDate::from_yo_opt(y, day).unwrap();
                        let end = start + chrono::Days::new(len);
                        // Unique titles (and keys) so no record matches another of the file.
                        let title = format!("{i} {title}");
                        let mut tags: Vec<String> = tags;
                        if csv {
                            tags.retain(|t| !t.contains(';'));
                        }
                        let pick = |ix: &[usize]| -> Vec<String> {
                            let mut seen = std::collections::HashSet::new();
                            ix.iter()
                                .filter(|&&i| seen.insert(i))
                                .map(|&i| orgs2[i].clone())
                                .collect()
                        };
                        let fold = |n: &String| {
                            n.split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .to_lowercase()
                        };
                        // The first participant of each organization (by name) heads its
                        // delegation: one head each.
                        let mut headed: Vec<String> = Vec::new();
                        let participants: Vec<Value> = if csv {
                            vec![]
                        } else {
                            parts
                                .iter()
                                .map(|(person, org, t)| {
                                    let organization = org.map(|o| orgs2[o].clone());
                                    let head = match &organization {
                                        Some(o)
                                            if !o.trim().is_empty()
                                                && !headed.contains(&fold(o)) =>
                                        {
                                            headed.push(fold(o));
                                            true
                                        }
                                        _ => false,
                                    };
                                    json!({
                                        "name": people2[*person],
                                        "organization": organization,
                                        "position": t[0], "role": t[1], "contribution": t[2],
                                        "head": head,
                                    })
                                })
                                .collect()
                        };
                        let mut organizers = pick(&organizers);
                        let mut partners = pick(&partners);
                        // An organization is organizer or partner of an event, not both.
                        let key = |n: &String| {
                            n.split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .to_lowercase()
                        };
                        partners.retain(|p| !organizers.iter().any(|o| key(o) == key(p)));
                        if csv {
                            organizers.retain(|n| !n.contains(';'));
                            partners.retain(|n| !n.contains(';'));
                        }
                        json!({
                            "key": keyed.then(|| format!("key-{i}")),
                            "title": title,
                            "kind": texts[0],
                            "start": start.format("%Y-%m-%d").to_string(),
                            "end": end.format("%Y-%m-%d").to_string(),
                            "mode": mode,
                            "location": texts[1],
                            "region": texts[2],
                            "project": texts[3],
                            "description": texts[4],
                            "source": texts[5],
                            "tags": tags,
                            "organizers": organizers,
                            "partners": partners,
                            "participants": participants,
                        })
                    },
                )
                .collect();
            World {
                orgs: orgs.clone(),
                people: people.clone(),
                events,
            }
        })
    })
}

fn blank_to_null(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if s.trim().is_empty() => Value::Null,
        _ => v.clone(),
    }
}

fn check(world: &World, format: &str) -> Result<(), TestCaseError> {
    let _ = (&world.orgs, &world.people);
    let ndjson: String = world.events.iter().map(|e| format!("{e}\n")).collect();
    let Some(first) = Env::new() else {
        return Ok(());
    };
    let out = first.run_stdin(&["import", "--format", "ndjson"], ndjson.as_bytes());
    prop_assert_eq!(out.code, 0, "{}", out.stderr);
    let exported = first.ok(&["export"]);

    // Prose comes back exactly.
    let records = without_ids(&exported);
    prop_assert_eq!(records.len(), world.events.len());
    for record in &records {
        let i: usize = record["title"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let given = &world.events[i];
        prop_assert_eq!(&record["title"], &given["title"]);
        for field in ["description", "location", "region", "project", "source"] {
            prop_assert_eq!(&record[field], &blank_to_null(&given[field]), "{}", field);
        }
        // Every head stays a head (participations made one keep it).
        let heads = |v: &Value| {
            v["participants"]
                .as_array()
                .map_or(0, |ps| ps.iter().filter(|p| p["head"] == true).count())
        };
        prop_assert_eq!(heads(record), heads(given));
    }

    let file = first.ok(&["export", "--format", format]);
    let Some(second) = Env::new() else {
        return Ok(());
    };
    let out = second.run_stdin(&["import", "--format", format], file.as_bytes());
    prop_assert_eq!(out.code, 0, "{}", out.stderr);
    prop_assert_eq!(without_ids(&second.ok(&["export"])), records);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn ndjson_round_trip(world in world(false)) {
        check(&world, "ndjson")?;
    }

    #[test]
    fn json_round_trip(world in world(false)) {
        check(&world, "json")?;
    }

    #[test]
    fn csv_round_trip(world in world(true)) {
        check(&world, "csv")?;
    }
}

/// A NUL character cannot be kept by PostgreSQL's text, so no backend takes one: the record is
/// refused, naming the field and the line, and nothing is written.
#[test]
fn nul_is_refused_by_every_backend() {
    let Some(env) = Env::new() else { return };
    let ndjson = concat!(
        r#"{"title": "Fine", "start": "2021-01-01"}"#,
        "\n",
        r#"{"title": "Bad", "start": "2021-01-02", "participants": [{"name": "A\u0000B"}]}"#,
        "\n",
    );
    let out = env.run_stdin(&["import", "--format", "ndjson", "-"], ndjson.as_bytes());
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("line 2")
            && out.stderr.contains("participants[0].name")
            && out.stderr.contains("NUL"),
        "{}",
        out.stderr
    );
    assert_eq!(env.ok(&["list", "--format", "json"]), "[]\n");
}
