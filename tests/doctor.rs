//! `events doctor`: what the records get wrong, on a database seeded with known duplicates
//! and known non-duplicates of every kind, on the example data, on nothing; the fixes it
//! suggests, run as a shell runs them.

use serde_json::{Value, json};

use crate::util::{Env, example};

/// Records built to trip every check, and to not trip it: names of one body spelt otherwise
/// beside distinct bodies that share words; events recorded twice beside events alike in
/// all but the date or the number; what records lack. ("SCO" comes first: a name given
/// after the organization it abbreviates would be read as that organization.)
const SEEDED: &str = r#"{"key": "e-border-1", "title": "Regional seminar on border security", "start": "2021-05-10", "source": "https://example.org/1", "organizers": ["UN Office on Drugs & Crime"], "participants": [{"name": "V. V. Barchuk", "organization": "SCO"}, {"name": "Jehangir Khan", "organization": "UN Office of Counter-Terrorism"}]}
{"key": "e-border-2", "title": "Regional Seminar on Border Security.", "start": "2021-05-12", "source": "https://example.org/2", "organizers": ["U.N. Office on Drugs and Crime"], "participants": [{"name": "Barchuk V.V.", "organization": "Shanghai Cooperation Organisation"}, {"name": "Jahangir Khan", "organization": "UN Counter-Terrorism Office"}]}
{"key": "e-border-3", "title": "Regional seminar on border security", "start": "2021-09-01", "source": "https://example.org/3", "organizers": ["UN Counter-Terrorism Centre"], "participants": [{"name": "Vladimir Barchuk", "organization": "United Nations"}, {"name": "A. Barchuk", "organization": "UN Counter-Terrorism Centre"}]}
{"key": "e-meeting-12", "title": "Meeting 12 of the Council", "start": "2022-01-10", "source": "https://example.org/4", "organizers": ["UN Regional Centre for Preventive Diplomacy for Central Asia"], "participants": [{"name": "Viktor Petrov", "organization": "UN Regional Centre for Preventive Diplomacy for Central Asia"}, {"name": "M.Conynx", "organization": "United Nations"}]}
{"key": "e-meeting-13", "title": "Meeting 13 of the Council", "start": "2022-01-10", "source": "https://example.org/5", "participants": [{"name": "Vladimir Petrov", "organization": "United Nations"}, {"name": "M. Conynx", "organization": "United Nations"}]}
{"key": "e-no-source", "title": "Workshop on cyber threats", "start": "2022-03-01", "participants": [{"name": "Izumi Nakamitsu", "organization": "United Nations"}]}
{"key": "e-empty", "title": "Briefing without anyone", "start": "2022-04-01", "source": "https://example.org/7"}
{"key": "e-no-org", "title": "Expert meeting on financing", "start": "2022-05-01", "source": "https://example.org/8", "participants": [{"name": "Nakamitsu"}, {"name": "O. V. Syromolotov"}, {"name": "Izumi Nakamitsu", "organization": "United Nations"}]}
{"organization": "UN Regional Centre for Preventive Diplomacy for Central Asia", "aliases": ["UN Regional Center for Preventive Diplomacy for Central Asia", "UNRCCA"]}
"#;

fn seeded() -> Option<Env> {
    let env = Env::new()?;
    env.run_stdin(&["import", "--format", "ndjson"], SEEDED.as_bytes());
    assert_eq!(
        env.ok(&["list", "--format", "json"])
            .matches("\"key\"")
            .count(),
        8
    );
    Some(env)
}

fn findings(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["doctor", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&env.ok(&all)).expect("JSON")
}

fn event(key: &str, title: &str, start: &str) -> Value {
    json!({"key": key, "title": title, "start": start})
}

#[test]
fn finds_every_kind_and_no_false_alarm() {
    let Some(env) = seeded() else { return };
    let found = findings(&env, &[]);
    // The participations' ids, as the fix gives them: checked below by running it.
    let fix = found[9]["fix"].as_str().unwrap_or_default().to_string();
    let ids: Vec<&str> = fix
        .split(' ')
        .enumerate()
        .filter(|(i, _)| i % 6 == 2)
        .map(|(_, word)| word)
        .collect();
    let [first, second] = ids[..] else {
        panic!("two participations in {fix}")
    };
    let expected = json!([
        {"kind": "duplicate-organizations",
         "names": ["Shanghai Cooperation Organisation", "SCO"],
         "fix": "events org merge 'Shanghai Cooperation Organisation' SCO"},
        {"kind": "duplicate-organizations",
         "names": ["U.N. Office on Drugs and Crime", "UN Office on Drugs & Crime"],
         "fix": "events org merge 'U.N. Office on Drugs and Crime' 'UN Office on Drugs & Crime'"},
        {"kind": "duplicate-organizations",
         "names": ["UN Office of Counter-Terrorism", "UN Counter-Terrorism Office"],
         "fix": "events org merge 'UN Office of Counter-Terrorism' 'UN Counter-Terrorism Office'"},
        {"kind": "duplicate-people",
         "names": ["Izumi Nakamitsu", "Nakamitsu"],
         "fix": "events person merge 'Izumi Nakamitsu' Nakamitsu"},
        {"kind": "duplicate-people",
         "names": ["Jahangir Khan", "Jehangir Khan"],
         "fix": "events person merge 'Jahangir Khan' 'Jehangir Khan'"},
        {"kind": "duplicate-people",
         "names": ["M. Conynx", "M.Conynx"],
         "fix": "events person merge 'M. Conynx' M.Conynx"},
        {"kind": "duplicate-people",
         "names": ["Vladimir Barchuk", "Barchuk V.V.", "V. V. Barchuk"],
         "fix": "events person merge 'Vladimir Barchuk' 'Barchuk V.V.' && events person merge 'Vladimir Barchuk' 'V. V. Barchuk'"},
        {"kind": "duplicate-events",
         "events": [
             event("e-border-1", "Regional seminar on border security", "2021-05-10"),
             event("e-border-2", "Regional Seminar on Border Security.", "2021-05-12")],
         "fix": "events remove-event e-border-2"},
        {"kind": "missing-source",
         "events": [event("e-no-source", "Workshop on cyber threats", "2022-03-01")],
         "fix": "events edit-event e-no-source --source URL"},
        {"kind": "missing-organization",
         "names": ["Nakamitsu", "O. V. Syromolotov"],
         "events": [event("e-no-org", "Expert meeting on financing", "2022-05-01")],
         "fix": format!("events edit-participant {first} --org ORGANIZATION && events edit-participant {second} --org ORGANIZATION")},
        {"kind": "no-participants",
         "events": [event("e-empty", "Briefing without anyone", "2022-04-01")],
         "fix": "events add-participant e-empty --name NAME --org ORGANIZATION"},
    ]);
    assert_eq!(
        found,
        expected,
        "{}",
        serde_json::to_string_pretty(&found).unwrap_or_default()
    );
    // Not among them: "UN Counter-Terrorism Centre" beside the Office, "United Nations"
    // beside the Office on Drugs and Crime, "A. Barchuk" beside "V. V. Barchuk", Viktor
    // beside Vladimir Petrov, two names of one organization, the seminar again in September,
    // meetings 12 and 13 on one day.
    let text = found.to_string();
    for absent in [
        "UN Counter-Terrorism Centre",
        "United Nations\"",
        "A. Barchuk",
        "Petrov",
        "Central Asia",
        "e-border-3",
        "e-meeting",
    ] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    // The status is 0 all the same; the number is said on stderr.
    let out = env.run(&["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "11 findings\n");
    // The ids are those of Nakamitsu's and Syromolotov's participations: once given an
    // organization, they are no longer found.
    for id in [first, second] {
        env.ok(&["edit-participant", id, "--org", "United Nations"]);
    }
    assert_eq!(
        findings(&env, &["--only", "missing-organization"]),
        json!([])
    );
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "e-no-org", "--format", "json"])).unwrap();
    let orgs: Vec<&serde_json::Value> = show["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["organization"])
        .collect();
    assert_eq!(orgs, [&json!("United Nations"); 3], "{show}");
}

#[test]
fn the_table_groups_findings_by_kind() {
    let Some(env) = seeded() else { return };
    let table = env.ok(&[
        "doctor",
        "--only",
        "duplicate-people",
        "--only",
        "missing-source",
    ]);
    let first_column: Vec<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("│ "))
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        first_column,
        [
            "Check",
            "duplicate-people",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "missing-source",
            ""
        ],
        "{table}"
    );
    assert!(
        table.contains("e-no-source (2022-03-01) Workshop on"),
        "{table}"
    );
    assert!(
        table.contains("events person merge 'Izumi Nakamitsu'"),
        "{table}"
    );
    assert!(!table.contains("duplicate-organizations"), "{table}");
    // --only picks kinds; an unknown one is a usage error.
    let only: Value = findings(&env, &["--only", "no-participants"]);
    assert_eq!(only.as_array().map(Vec::len), Some(1), "{only}");
    env.fails(2, &["doctor", "--only", "duplicates"]);
}

/// On the example data, what it was built with: the RATS committee under two names and
/// Barchuk under two; nothing else.
#[test]
fn finds_on_the_examples_only_what_they_hold() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    assert_eq!(
        findings(&env, &[]),
        json!([
            {"kind": "duplicate-organizations",
             "names": ["RATS SCO Executive Committee", "Executive Committee of the SCO RATS"],
             "fix": "events org merge 'RATS SCO Executive Committee' 'Executive Committee of the SCO RATS'"},
            {"kind": "duplicate-people",
             "names": ["V. V. Barchuk", "Vladimir Barchuk"],
             "fix": "events person merge 'V. V. Barchuk' 'Vladimir Barchuk'"},
        ])
    );
}

/// The fixes work as written: each run by a shell, after which doctor no longer finds what
/// they fixed.
#[test]
fn suggested_fixes_work_when_run() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let bin = std::path::Path::new(assert_cmd::cargo::cargo_bin!("events"))
        .parent()
        .expect("the binary's directory")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    for finding in findings(&env, &[]).as_array().expect("an array") {
        let fix = finding["fix"].as_str().expect("a fix");
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(fix)
            .env("PATH", &path)
            .env("EVENTS_DB", env.target())
            .env_remove("XDG_DATA_HOME")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run sh");
        assert!(status.success(), "{fix}");
    }
    assert_eq!(findings(&env, &[]), json!([]));
    assert_eq!(env.ok(&["doctor"]), "No findings.\n");
    let person: Value =
        serde_json::from_str(&env.ok(&["person", "Vladimir Barchuk", "--format", "json"]))
            .expect("JSON");
    assert_eq!(person["name"], "V. V. Barchuk", "{person}");
}

/// A database that does not exist reads as empty, and is not created.
#[test]
fn nothing_is_found_in_nothing() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&["doctor"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "No findings.\n"),
        "{out:?}"
    );
    let out = env.run(&["doctor", "--format", "json"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]\n"), "{out:?}");
    assert_eq!(out.stderr, "no findings\n");
    if env.url.is_none() {
        assert!(!env.db.exists(), "doctor created the database");
    }
}

/// Names with control characters are escaped in the table, as in every table, and kept
/// exactly in JSON.
#[test]
fn control_characters_are_escaped_in_the_table() {
    let Some(env) = Env::new() else { return };
    env.run_stdin(
        &["import", "--format", "ndjson"],
        "{\"key\": \"x\", \"title\": \"X\", \"start\": \"2022-01-01\", \"source\": \"s\", \"organizers\": [\"Evil\\u0007 \\u001b Org\", \"org evil\"], \"participants\": [{\"name\": \"A. Person\", \"organization\": \"org evil\"}]}\n"
            .as_bytes(),
    );
    let table = env.ok(&["doctor"]);
    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains(r"Evil\u{7} \u{1b} Org"), "{table}");
    let found = findings(&env, &[]);
    assert_eq!(
        found[0]["names"],
        json!(["org evil", "Evil\u{7} \u{1b} Org"]),
        "{found}"
    );
}

/// Records with one event per organization (as organizer) and one per person (each with an
/// organization of their own), so that only the names can be findings.
fn named(orgs: &[&str], aliases: &[(&str, &str)], people: &[&str]) -> Option<Env> {
    let env = Env::new()?;
    let mut lines = String::new();
    for (i, org) in orgs.iter().enumerate() {
        lines.push_str(&format!(
            "{}\n",
            json!({"key": format!("o{i}"), "title": format!("Organized {i}"),
                   "start": format!("{}-01-01", 1900 + i), "source": "s",
                   "organizers": [org]})
        ));
    }
    for (i, person) in people.iter().enumerate() {
        lines.push_str(&format!(
            "{}\n",
            json!({"key": format!("p{i}"), "title": format!("Attended {i}"),
                   "start": format!("{}-01-01", 1900 + i), "source": "s",
                   "participants": [{"name": person, "organization": format!("Org{i}")}]})
        ));
    }
    for (org, alias) in aliases {
        lines.push_str(&format!(
            "{}\n",
            json!({"organization": org, "aliases": [alias]})
        ));
    }
    env.run_stdin(&["import", "--format", "ndjson"], lines.as_bytes());
    Some(env)
}

/// An abbreviation that is the initialism of several organizations is one finding, its fix
/// left for a person to fill in (pasted as it is, it changes nothing); found through an
/// alias, a finding says which; `&` and spaced letters fold; findings come by the first name
/// shown.
#[test]
fn organizations_from_a_new_users_pass() {
    let Some(env) = named(
        &[
            "UNSC",
            "UN Security Council",
            "UN Special Committee",
            "UNDP",
            "UN Development Programme",
            "UN Drug Programme",
            "Smith&Jones Foundation",
            "Smith and Jones Foundation",
            "U. N. Women",
            "U.N.Women",
            "UN Women",
            "UNWomen",
            "Global Peace Center",
            "Foo Agency",
        ],
        &[("Foo Agency", "Global Peace Centre")],
        &[],
    ) else {
        return;
    };
    let found = findings(&env, &["--only", "duplicate-organizations"]);
    assert_eq!(
        found,
        json!([
            {"kind": "duplicate-organizations",
             "names": ["Global Peace Center", "Foo Agency"],
             "matched": ["Global Peace Center", "Global Peace Centre"],
             "fix": "events org merge 'Global Peace Center' 'Foo Agency'"},
            {"kind": "duplicate-organizations",
             "names": ["Smith and Jones Foundation", "Smith&Jones Foundation"],
             "fix": "events org merge 'Smith and Jones Foundation' 'Smith&Jones Foundation'"},
            {"kind": "duplicate-organizations",
             "names": ["U. N. Women", "U.N.Women", "UN Women", "UNWomen"],
             "fix": "events org merge 'U. N. Women' U.N.Women && events org merge 'U. N. Women' 'UN Women' && events org merge 'U. N. Women' UNWomen"},
            {"kind": "duplicate-organizations",
             "names": ["UNDP", "UN Development Programme", "UN Drug Programme"],
             "fix": "events org merge ORGANIZATION UNDP"},
            {"kind": "duplicate-organizations",
             "names": ["UNSC", "UN Security Council", "UN Special Committee"],
             "fix": "events org merge ORGANIZATION UNSC"},
        ]),
        "{}",
        serde_json::to_string_pretty(&found).unwrap_or_default()
    );
    let table = env.ok(&["doctor", "--only", "duplicate-organizations"]);
    assert!(table.contains(r#"Foo Agency (as "Global Peace"#), "{table}");
    // The placeholder as it is names no organization: nothing is merged.
    let out = env.run(&["org", "merge", "ORGANIZATION", "UNSC"]);
    assert_eq!(out.code, 1, "{out:?}");
    // Filled in, it settles the abbreviation: the other body is no longer linked by it.
    env.ok(&["org", "merge", "UN Security Council", "UNSC"]);
    let found = findings(&env, &["--only", "duplicate-organizations"]);
    assert!(!found.to_string().contains("UNSC"), "{found}");
    assert!(!found.to_string().contains("Special"), "{found}");
}

/// Numbers in person names must agree; hyphens, apostrophes and the order of given names
/// are set aside; a feminine surname is not a typo; no finding merges people not all alike.
#[test]
fn people_from_a_new_users_pass() {
    let Some(env) = named(
        &[],
        &[],
        &[
            "John Smith 2",
            "John Smith 3",
            "Agent 007",
            "Agent 008",
            "John Smith",
            "J. Smith",
            "Jon Smith",
            "Jean-Pierre Martin",
            "Jean Pierre Martin",
            "Hans-Dieter Müller",
            "Hans Dieter Muller",
            "Ahmad Al-Rashid",
            "Ahmad Al Rashid",
            "Mary-Jane O'Neil",
            "Mary Jane ONeil",
            "Maria Fernanda Lopez",
            "Fernanda Maria Lopez",
            "Ivan Ivanov",
            "Ivan Ivanova",
            "Ivan Petrov",
            "Ivan Petrova",
        ],
    ) else {
        return;
    };
    let found = findings(&env, &["--only", "duplicate-people"]);
    let names: Vec<Vec<&str>> = found
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            f["names"]
                .as_array()
                .expect("names")
                .iter()
                .map(|n| n.as_str().unwrap_or_default())
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        [
            vec!["Ahmad Al Rashid", "Ahmad Al-Rashid"],
            vec!["Fernanda Maria Lopez", "Maria Fernanda Lopez"],
            vec!["Hans Dieter Muller", "Hans-Dieter Müller"],
            vec!["Jean Pierre Martin", "Jean-Pierre Martin"],
            vec!["John Smith", "J. Smith", "Jon Smith"],
            vec!["Mary-Jane O'Neil", "Mary Jane ONeil"],
        ],
        "{found}"
    );
}

/// Titles fold as organization names do ("U.N." is "United Nations"); titles that differ by
/// a whole word, or by a roman numeral, are two events.
#[test]
fn events_from_a_new_users_pass() {
    let Some(env) = Env::new() else { return };
    let mut lines = String::new();
    for (key, title, start) in [
        (
            "un-1",
            "U.N. regional workshop on border security",
            "2021-03-01",
        ),
        (
            "un-2",
            "United Nations regional workshop on border security",
            "2021-03-01",
        ),
        (
            "energy",
            "Regional seminar on justice and energy in Tashkent",
            "2021-04-01",
        ),
        (
            "cyber",
            "Regional seminar on justice and cyber in Tashkent",
            "2021-04-01",
        ),
        ("arms", "Regional seminar on arms trafficking", "2021-05-01"),
        (
            "drugs",
            "Regional seminar on drugs trafficking",
            "2021-05-01",
        ),
        (
            "meeting-1",
            "Meeting I of the working group on border security",
            "2021-06-01",
        ),
        (
            "meeting-2",
            "Meeting II of the working group on border security",
            "2021-06-01",
        ),
    ] {
        lines.push_str(&format!(
            "{}\n",
            json!({"key": key, "title": title, "start": start, "source": "s",
                   "participants": [{"name": "P. Person", "organization": "O"}]})
        ));
    }
    env.run_stdin(&["import", "--format", "ndjson"], lines.as_bytes());
    assert_eq!(
        findings(&env, &["--only", "duplicate-events"]),
        json!([
            {"kind": "duplicate-events",
             "events": [
                 event("un-1", "U.N. regional workshop on border security", "2021-03-01"),
                 event("un-2", "United Nations regional workshop on border security", "2021-03-01")],
             "fix": "events remove-event un-2"},
        ])
    );
    // The fix asks first; in a script it wants --yes.
    let out = env.run(&["remove-event", "un-2"]);
    assert_ne!(out.code, 0, "{out:?}");
    env.ok(&["remove-event", "un-2", "--yes"]);
    assert_eq!(findings(&env, &["--only", "duplicate-events"]), json!([]));
}

/// The seed's third spelling of the RATS committee, its two words in capitals, is found with
/// the name that has both; one word in capitals ("UN") links nothing.
#[test]
fn a_name_in_capitals_of_several_words() {
    let Some(env) = named(
        &[
            "RATS SCO Executive Committee",
            "SCO RATS",
            "UN",
            "UN Office on Drugs and Crime",
            "UN Counter-Terrorism Centre",
        ],
        &[],
        &[],
    ) else {
        return;
    };
    let found = findings(&env, &["--only", "duplicate-organizations"]);
    assert_eq!(
        found,
        json!([
            {"kind": "duplicate-organizations",
             "names": ["RATS SCO Executive Committee", "SCO RATS"],
             "fix": "events org merge 'RATS SCO Executive Committee' 'SCO RATS'"},
        ]),
        "{}",
        serde_json::to_string_pretty(&found).unwrap_or_default()
    );
}

/// One person who may be either of two who are not one ("V. V. Barchuk" beside "Viktor
/// Barchuk" and "Vladimir Barchuk"): one finding, whose merge a person fills in; pasted as it
/// is, it merges nothing.
#[test]
fn one_who_may_be_either_of_two_is_left_to_a_person() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    env.ok(&[
        "add-participant",
        "osce-2021-10",
        "--name",
        "Viktor Barchuk",
    ]);
    assert_eq!(
        findings(&env, &["--only", "duplicate-people"]),
        json!([{
            "kind": "duplicate-people",
            "names": ["V. V. Barchuk", "Viktor Barchuk", "Vladimir Barchuk"],
            "fix": "events person merge PERSON 'V. V. Barchuk'"
        }])
    );
    let before = env.dump();
    env.fails(1, &["person", "merge", "PERSON", "V. V. Barchuk"]);
    assert_eq!(env.dump(), before);
}
