//! Asking the records questions: filters, views, curation (issue 4).

use crate::util::{Env, add};

/// Six events, chosen so that each filter keeps a different subset.
const FIXTURE: &str = r#"{"key": "e1", "title": "Regional seminar on border security", "kind": "seminar", "start": "2020-12-30", "end": "2021-01-02", "mode": "virtual", "region": "Central Asia", "project": "Border Management Programme", "tags": ["borders", "SALW"], "organizers": ["UNODC"], "partners": ["OSCE"], "sessions": ["Opening"], "participants": [{"name": "V. V. Barchuk", "organization": "RATS SCO", "position": "Deputy Director", "role": "head of delegation", "session": "Opening", "contribution": "report"}]}
{"key": "e2", "title": "Conference on café security", "kind": "conference", "start": "2021-03-16", "end": "2021-03-18", "mode": "in-person", "location": "Vienna", "region": "Europe", "tags": ["SALW"], "organizers": ["OSCE"], "partners": ["UNODC"], "participants": [{"name": "V. V. Barchuk", "organization": "RATS SCO", "position": "Director", "role": "speaker", "contribution": "presentation"}, {"name": "A. Smith", "organization": "UNODC", "role": "moderator"}]}
{"key": "e3", "title": "Expert meeting on financing", "kind": "meeting", "start": "2021-03-31", "end": "2021-04-01", "mode": "hybrid", "region": "central asia", "project": "Countering the Financing of Terrorism", "tags": ["financing"], "organizers": ["RATS SCO"], "participants": [{"name": "A. Smith", "organization": "UNODC", "role": "speaker"}]}
{"key": "e4", "title": "Workshop on cyber threats", "kind": "workshop", "start": "2021-12-31", "organizers": ["UNOCT"], "sessions": ["Threat landscape"], "participants": [{"name": "J. Doe", "organization": "OSCE", "role": "Speaker", "session": "Threat landscape"}]}
{"key": "e5", "title": "Summit of heads of delegation", "kind": "summit", "start": "2022-06-01", "end": "2022-06-02", "mode": "in-person", "region": "Europe", "tags": ["borders"], "organizers": ["UNOCT", "OSCE"], "participants": [{"name": "V. V. Barchuk", "organization": "RATS SCO", "position": "Director", "role": "head of delegation"}]}
{"key": "e6", "title": "Seminar without anyone", "kind": "seminar", "start": "2023-01-10"}
"#;

fn fixture() -> Option<Env> {
    let env = Env::new()?;
    let out = env.run_stdin(&["import", "--format", "ndjson"], FIXTURE.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    Some(env)
}

/// The keys of the events `list` returns with these flags, in order.
fn keys(env: &Env, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["list", "--format", "json"];
    args.extend_from_slice(flags);
    let out = env.run(&args);
    assert_eq!(out.code, 0, "list {flags:?}: {}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dates_whole_or_partial() {
    let Some(env) = fixture() else { return };
    let cases: &[(&[&str], &[&str])] = &[
        (&["--from", "2021"], &["e1", "e2", "e3", "e4", "e5", "e6"]),
        (&["--to", "2020"], &["e1"]),
        (
            &["--from", "2021", "--to", "2021"],
            &["e1", "e2", "e3", "e4"],
        ),
        (&["--on", "2021-03"], &["e2", "e3"]),
        (&["--on", "2021-04"], &["e3"]),
        (&["--on", "2021-01-02"], &["e1"]),
        (&["--on", "2021-01-03"], &[]),
        (&["--on", "2022"], &["e5"]),
        (&["--to", "2021-03-16"], &["e1", "e2"]),
        (&["--to", "2021-03-15"], &["e1"]),
        (
            &["--from", "2021-03-18", "--to", "2021-03-31"],
            &["e2", "e3"],
        ),
        (&["--from", "2021-03-19", "--to", "2021-03-30"], &[]),
        (&["--from", "2021-02", "--on", "2021"], &["e2", "e3", "e4"]),
    ];
    for (flags, want) in cases {
        assert_eq!(keys(&env, flags), *want, "{flags:?}");
    }
    let stderr = env.fails(1, &["list", "--on", "2021-13"]);
    assert_eq!(
        stderr.trim_end(),
        "error: invalid --on \"2021-13\": there is no month 13"
    );
    let stderr = env.fails(1, &["list", "--from", "21"]);
    assert!(
        stderr.contains("expected a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY"),
        "{stderr}"
    );
}

#[test]
fn organizations_people_and_roles() {
    let Some(env) = fixture() else { return };
    let cases: &[(&[&str], &[&str])] = &[
        (&["--org", "osce"], &["e1", "e2", "e4", "e5"]),
        (&["--org", "OSCE", "--org-role", "organizer"], &["e2", "e5"]),
        (&["--org", "OSCE", "--org-role", "partner"], &["e1"]),
        (&["--org", "OSCE", "--org-role", "participant"], &["e4"]),
        (
            &["--org", "rats sco", "--org-role", "participant"],
            &["e1", "e2", "e5"],
        ),
        (&["--person", "v. v. barchuk"], &["e1", "e2", "e5"]),
        (&["--role", "speaker"], &["e2", "e3", "e4"]),
        (
            &["--person", "V. V. Barchuk", "--role", "head of delegation"],
            &["e1", "e5"],
        ),
        (
            &["--person", "A. Smith", "--role", "head of delegation"],
            &[],
        ),
        (
            &[
                "--org",
                "UNODC",
                "--person",
                "A. Smith",
                "--from",
                "2021-03-20",
            ],
            &["e3"],
        ),
    ];
    for (flags, want) in cases {
        assert_eq!(keys(&env, flags), *want, "{flags:?}");
    }
    let stderr = env.fails(2, &["list", "--org-role", "organizer"]);
    assert!(stderr.contains("--org <ORG>"), "{stderr}");
}

#[test]
fn kind_mode_region_project_and_tags() {
    let Some(env) = fixture() else { return };
    let cases: &[(&[&str], &[&str])] = &[
        (&["--kind", "Seminar"], &["e1", "e6"]),
        (&["--mode", "in-person"], &["e2", "e5"]),
        (&["--mode", "VIRTUAL"], &["e1"]),
        (&["--region", "Central Asia"], &["e1", "e3"]),
        (&["--project", "programme"], &["e1"]),
        (&["--project", "financing of"], &["e3"]),
        (&["--tag", "salw"], &["e1", "e2"]),
        (&["--tag", "SALW", "--tag", "borders"], &["e1"]),
        (&["--tag", "borders", "--kind", "summit"], &["e5"]),
    ];
    for (flags, want) in cases {
        assert_eq!(keys(&env, flags), *want, "{flags:?}");
    }
    let stderr = env.fails(1, &["list", "--mode", "remote"]);
    assert_eq!(
        stderr.trim_end(),
        "error: invalid --mode \"remote\": expected one of in-person, virtual, hybrid"
    );
}

#[test]
fn full_text_search() {
    let Some(env) = fixture() else { return };
    let cases: &[(&[&str], &[&str])] = &[
        (&["--search", "security"], &["e1", "e2"]),
        (&["--search", "border security"], &["e1"]),
        (&["--search", "\"border security\""], &["e1"]),
        (&["--search", "\"security border\""], &[]),
        (&["--search", "financ*"], &["e3"]),
        (&["--search", "cafe"], &["e2"]),
        (&["--search", "borders"], &["e1", "e5"]),
        (&["--search", "landscape"], &["e4"]),
        (&["--search", "programme"], &["e1"]),
        (&["--search", "seminar OR (x) -y: NEAR"], &[]),
        (&["--search", "seminar", "--kind", "seminar"], &["e1", "e6"]),
    ];
    for (flags, want) in cases {
        assert_eq!(keys(&env, flags), *want, "{flags:?}");
    }
    let stderr = env.fails(1, &["list", "--search", "\"unclosed"]);
    assert!(stderr.contains("a quoted phrase is not closed"), "{stderr}");
    // The search index follows edits.
    env.ok(&["edit-event", "e6", "--title", "Seminar on maritime piracy"]);
    assert_eq!(keys(&env, &["--search", "piracy"]), ["e6"]);
    assert_eq!(keys(&env, &["--search", "anyone"]), Vec::<String>::new());
}

#[test]
fn sorting_and_limits() {
    let Some(env) = fixture() else { return };
    assert_eq!(
        keys(&env, &["--sort", "-start", "--limit", "2"]),
        ["e6", "e5"]
    );
    assert_eq!(
        keys(&env, &["--sort", "title"]),
        ["e2", "e3", "e1", "e6", "e5", "e4"]
    );
    assert_eq!(keys(&env, &["--limit", "1"]), ["e1"]);
}

#[test]
fn unknown_names_get_suggestions() {
    let Some(env) = fixture() else { return };
    let out = env.run(&["list", "--org", "OSEC"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "No events match.\n");
    assert_eq!(
        out.stderr,
        "No organization is called \"OSEC\"; did you mean \"OSCE\"?\n"
    );
    let out = env.run(&["list", "--person", "Barchuck", "--format", "json"]);
    assert_eq!(out.stdout, "[]\n");
    assert_eq!(
        out.stderr,
        "No person is called \"Barchuck\"; did you mean \"V. V. Barchuk\"?\n"
    );
    let out = env.run(&["list", "--org", "Zzyzx"]);
    assert_eq!(out.stderr, "No organization is called \"Zzyzx\"\n");
}

#[test]
fn the_organizations_view() {
    let Some(env) = fixture() else { return };
    env.ok(&[
        "org",
        "alias",
        "OSCE",
        "Organization for Security and Co-operation in Europe",
    ]);
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
    let osce = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "OSCE")
        .unwrap();
    assert_eq!(
        *osce,
        serde_json::json!({
            "name": "OSCE",
            "aliases": ["Organization for Security and Co-operation in Europe"],
            "initialisms": [],
            "events": 4, "as_organizer": 2, "as_partner": 1, "as_participant": 1,
            "first": "2020-12-30", "last": "2022-06-01"
        })
    );
    let names: Vec<_> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["OSCE", "RATS SCO", "UNOCT", "UNODC"]);
    let found: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--search", "co-operation", "--format", "json"]))
            .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    let csv = env.ok(&["orgs", "--format", "csv"]);
    assert!(csv.starts_with("name,aliases,initialisms,events,as_organizer,as_partner,as_participant,first,last\nOSCE,Organization for Security and Co-operation in Europe,,4,2,1,1,2020-12-30,2022-06-01\n"), "{csv}");
    insta::assert_snapshot!(env.ok(&["orgs"]));
}

#[test]
fn the_people_views() {
    let Some(env) = fixture() else { return };
    let people: serde_json::Value =
        serde_json::from_str(&env.ok(&["people", "--format", "json"])).unwrap();
    let barchuk = &people[2];
    assert_eq!(
        *barchuk,
        serde_json::json!({
            "name": "V. V. Barchuk", "aliases": [], "events": 3,
            "position": "Director", "organization": "RATS SCO",
            "first": "2020-12-30", "last": "2022-06-01"
        })
    );
    let unodc: serde_json::Value =
        serde_json::from_str(&env.ok(&["people", "--org", "unodc", "--format", "json"])).unwrap();
    assert_eq!(unodc.as_array().unwrap().len(), 1);
    assert_eq!(unodc[0]["name"], "A. Smith");

    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["person", "v. v. barchuk", "--format", "json"])).unwrap();
    assert_eq!(history["name"], "V. V. Barchuk");
    let entries = history["history"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["start"], "2020-12-30");
    assert_eq!(entries[0]["position"], "Deputy Director");
    assert_eq!(entries[0]["session"], "Opening");
    assert_eq!(entries[0]["contribution"], "report");
    assert_eq!(entries[1]["position"], "Director");
    assert_eq!(entries[1]["role"], "speaker");
    insta::assert_snapshot!(env.ok(&["person", "V. V. Barchuk"]));

    // The one person of that surname.
    assert!(
        env.ok(&["person", "Barchuk"])
            .starts_with("V. V. Barchuk: 3 participations")
    );
    let stderr = env.fails(1, &["person", "Barchuck"]);
    assert_eq!(
        stderr.trim_end(),
        "error: no person is called \"Barchuck\"; did you mean \"V. V. Barchuk\"?"
    );
}

#[test]
fn stats_with_bars() {
    let Some(env) = fixture() else { return };
    let by_year: serde_json::Value =
        serde_json::from_str(&env.ok(&["stats", "--by", "year", "--format", "json"])).unwrap();
    assert_eq!(
        by_year,
        serde_json::json!([
            // e1 runs from 2020-12-30 to 2021-01-02: it counts in both years.
            {"year": "2020", "events": 1}, {"year": "2021", "events": 4},
            {"year": "2022", "events": 1}, {"year": "2023", "events": 1}
        ])
    );
    let by_org: serde_json::Value = serde_json::from_str(
        &env.ok(&["stats", "--by", "org", "--from", "2021", "--format", "json"]),
    )
    .unwrap();
    assert_eq!(
        by_org[0],
        serde_json::json!({"org": "OSCE", "events": 4, "headed": 0})
    );
    let by_mode = env.ok(&["stats", "--by", "mode", "--format", "csv"]);
    assert_eq!(
        by_mode,
        "mode,events\nin-person,2\nhybrid,1\nvirtual,1\n,2\n"
    );
    let by_region: serde_json::Value = serde_json::from_str(&env.ok(&[
        "stats", "--by", "region", "--tag", "borders", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(
        by_region,
        serde_json::json!([{"region": "Central Asia", "events": 1}, {"region": "Europe", "events": 1}])
    );
    insta::assert_snapshot!(env.ok(&["stats", "--by", "kind"]));
}

/// The lines of one dump that are not in the other: what a command changed.
fn changed(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let removed = b
        .iter()
        .filter(|l| !a.contains(l))
        .map(|l| l.to_string())
        .collect();
    let added = a
        .iter()
        .filter(|l| !b.contains(l))
        .map(|l| l.to_string())
        .collect();
    (removed, added)
}

/// The rows of every table but the search index (SQLite's own business), each line
/// `table: cells`.
fn dump(env: &Env) -> String {
    crate::util::typed_dump(env)
        .lines()
        // The records, not the log of their changes (`history.rs` tests that), nor the
        // summaries counted from them (`summaries.rs`).
        .filter(|l| {
            !l.starts_with("## ")
                && !l.starts_with("event_fts")
                && !l.starts_with("operation")
                && !l.starts_with("organization_summary")
                && !l.starts_with("person_summary")
                && !l.starts_with("event_facet")
                && !l.starts_with("sqlite_sequence: \"operation\"")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn aliases_renames_and_merges() {
    let Some(env) = fixture() else { return };
    // Three spellings of one body, as three organizations.
    let id = add(
        &env,
        "Briefing",
        "2023-02-01",
        "2023-02-01",
        &["--organizer", "SCO RATS", "--key", "b1"],
    );
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "Observer",
        "--org",
        "Executive Committee of the SCO Regional Anti-Terrorist Structure",
    ]);

    let stderr = env.fails(1, &["org", "alias", "RATS SCO", "OSCE"]);
    assert_eq!(
        stderr.trim_end(),
        "error: \"OSCE\" is already a name of another organization, \"OSCE\"; to make them one, use `events org merge`"
    );
    let stderr = env.fails(1, &["org", "alias", "Nobody", "X"]);
    assert!(
        stderr.starts_with("error: no organization is called \"Nobody\""),
        "{stderr}"
    );

    let before = dump(&env);
    env.ok(&["org", "merge", "RATS SCO", "SCO RATS"]);
    let (removed, added) = changed(&before, &dump(&env));
    // The link moved, the name became an alias, the organization row went: nothing else.
    assert_eq!(removed.len(), 3, "{removed:#?}");
    assert_eq!(added.len(), 2, "{added:#?}");
    assert!(
        removed
            .iter()
            .any(|l| l.starts_with("organization: ") && l.contains("\"SCO RATS\"")),
        "{removed:#?}"
    );
    assert!(
        added
            .iter()
            .all(|l| l.starts_with("event_organization: ") || l.starts_with("organization_name: ")),
        "{added:#?}"
    );

    env.ok(&[
        "org",
        "merge",
        "RATS SCO",
        "Executive Committee of the SCO Regional Anti-Terrorist Structure",
    ]);
    // Every name finds every event of the one organization now.
    for name in [
        "sco rats",
        "RATS SCO",
        "executive committee of the sco regional anti-terrorist structure",
    ] {
        assert_eq!(
            keys(&env, &["--org", name]),
            ["e1", "e2", "e3", "e5", "b1"],
            "{name}"
        );
    }
    assert_eq!(
        keys(&env, &["--org", "sco rats", "--org-role", "participant"]),
        ["e1", "e2", "e5", "b1"]
    );
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--search", "rats", "--format", "json"])).unwrap();
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    assert_eq!(
        orgs[0]["aliases"],
        serde_json::json!([
            "Executive Committee of the SCO Regional Anti-Terrorist Structure",
            "SCO RATS"
        ])
    );
    assert_eq!(orgs[0]["events"], 5);

    env.ok(&["org", "rename", "RATS SCO", "RATS SCO Executive Committee"]);
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--search", "rats", "--format", "json"])).unwrap();
    assert_eq!(orgs[0]["name"], "RATS SCO Executive Committee");
    assert_eq!(orgs[0]["aliases"].as_array().unwrap().len(), 3);
    assert_eq!(keys(&env, &["--org", "RATS SCO"]).len(), 5);

    env.ok(&["person", "alias", "V. V. Barchuk", "Vladimir Barchuk"]);
    let other = add(&env, "Later", "2024-01-01", "2024-01-01", &["--key", "l1"]);
    env.ok(&[
        "add-participant",
        &other,
        "--name",
        "Barchuk V.",
        "--role",
        "speaker",
    ]);
    env.ok(&["person", "merge", "V. V. Barchuk", "Barchuk V."]);
    assert_eq!(keys(&env, &["--person", "vladimir barchuk"]).len(), 4);
    assert_eq!(
        keys(&env, &["--person", "Barchuk V.", "--role", "speaker"]).len(),
        2
    );
    let stderr = env.fails(1, &["person", "merge", "V. V. Barchuk", "Vladimir Barchuk"]);
    assert!(stderr.contains("are already the same person"), "{stderr}");
}

#[test]
fn edits_change_exactly_what_they_say() {
    let Some(env) = fixture() else { return };
    let before = dump(&env);
    env.ok(&[
        "edit-event",
        "e4",
        "--location",
        "Geneva",
        "--add-tag",
        "cyber",
    ]);
    let (removed, added) = changed(&before, &dump(&env));
    // The event row (location, updated_at) and one new tag row.
    assert_eq!(removed.len(), 1, "{removed:#?}");
    assert_eq!(added.len(), 2, "{added:#?}");
    assert!(added.iter().any(|l| l.contains("\"Geneva\"")));
    assert!(added.iter().any(|l| l.contains("\"cyber\"")));

    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "e2", "--format", "json"])).unwrap();
    let participants = v["participants"].clone();
    env.ok(&[
        "edit-event",
        "e2",
        "--remove-partner",
        "unodc",
        "--add-organizer",
        "UNOCT",
        "--tag",
        "one",
        "--tag",
        "two",
        "--mode",
        "hybrid",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "e2", "--format", "json"])).unwrap();
    assert_eq!(v["partners"], serde_json::json!([]));
    assert_eq!(v["organizers"], serde_json::json!(["OSCE", "UNOCT"]));
    assert_eq!(v["tags"], serde_json::json!(["one", "two"]));
    assert_eq!(v["mode"], "hybrid");
    assert_eq!(v["participants"], participants, "participants untouched");

    let before = dump(&env);
    for (args, message) in [
        (
            &["edit-event", "e2", "--end", "2021-03-01"][..],
            "error: invalid --end \"2021-03-01\": is before the event's start, 2021-03-16; give --start too to move the event",
        ),
        (
            &["edit-event", "e2", "--remove-tag", "nope"],
            "error: \"nope\" is not a tag of event 2",
        ),
        (
            &["edit-event", "e2", "--key", "e3"],
            "error: invalid --key \"e3\": event 3 has it already",
        ),
        (
            &["edit-event", "e2", "--title", " "],
            "error: invalid --title \" \": must not be empty",
        ),
        (
            &["edit-event", "e99", "--title", "x"],
            "error: no event with key \"e99\"; `events list` shows the events there are",
        ),
        (
            &["edit-participant", "999", "--role", "x"],
            "error: no participation has id 999; `events show EVENT` lists an event's participations",
        ),
        (
            &["edit-participant", "2", "--name", ""],
            "error: invalid --name \"\": must not be empty",
        ),
    ] {
        let stderr = env.fails(1, args);
        assert_eq!(stderr.trim_end(), message, "{args:?}");
        assert_eq!(dump(&env), before, "{args:?}");
    }
    let out = env.run(&["edit-event", "e2", "--mode", "Hybrid"]);
    assert!(out.stderr.contains("nothing changed"), "{}", out.stderr);
    assert_eq!(dump(&env), before);

    // Participation 2 is V. V. Barchuk at e2.
    env.ok(&[
        "edit-participant",
        "2",
        "--role",
        "keynote",
        "--session",
        "Closing",
        "--org",
        "",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "e2", "--format", "json"])).unwrap();
    assert_eq!(v["participants"][0]["role"], "keynote");
    assert_eq!(v["participants"][0]["session"], "Closing");
    assert!(v["participants"][0]["organization"].is_null());
    assert_eq!(v["sessions"], serde_json::json!(["Closing"]));
    assert_eq!(keys(&env, &["--search", "closing"]), ["e2"]);
}

#[test]
fn removals_keep_organizations_and_people() {
    let Some(env) = fixture() else { return };
    let people_before = env.ok(&["people", "--format", "csv"]).lines().count();
    let orgs_before = env.ok(&["orgs", "--format", "csv"]).lines().count();

    let before = dump(&env);
    env.ok(&["remove-participant", "3"]);
    let (removed, added) = changed(&before, &dump(&env));
    // The participation; and the event's updated_at, if the clock has moved on.
    let not_event = |l: &&String| !l.starts_with("event: ");
    assert_eq!(removed.iter().filter(not_event).count(), 1, "{removed:#?}");
    assert!(
        removed
            .iter()
            .any(|l| l.starts_with("participation: Integer(3) |")),
        "{removed:#?}"
    );
    assert_eq!(added.iter().filter(not_event).count(), 0, "{added:#?}");

    let stderr = env.fails(1, &["remove-event", "e2"]);
    assert!(
        stderr.contains("not removing event 2, \"Conference on café security\""),
        "{stderr}"
    );
    assert!(stderr.contains("without --yes"), "{stderr}");
    let out = env.run(&["remove-event", "e2", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("Removed event 2"), "{}", out.stderr);
    assert_eq!(keys(&env, &[]), ["e1", "e3", "e4", "e5", "e6"]);
    assert_eq!(keys(&env, &["--search", "café"]), Vec::<String>::new());
    assert_eq!(
        env.ok(&["people", "--format", "csv"]).lines().count(),
        people_before
    );
    assert_eq!(
        env.ok(&["orgs", "--format", "csv"]).lines().count(),
        orgs_before
    );
    let stderr = env.fails(1, &["show", "e2"]);
    assert!(stderr.contains("no event with key \"e2\""), "{stderr}");
}

#[test]
fn export_and_import_carry_aliases() {
    let Some(env) = fixture() else { return };
    env.ok(&[
        "org",
        "alias",
        "OSCE",
        "Organization for Security and Co-operation in Europe",
    ]);
    env.ok(&["person", "alias", "V. V. Barchuk", "Barchuk V. V."]);
    let exported = env.ok(&["export"]);
    assert!(exported.ends_with(
        "{\"organization\":\"OSCE\",\"aliases\":[\"Organization for Security and Co-operation in Europe\"]}\n{\"person\":\"V. V. Barchuk\",\"aliases\":[\"Barchuk V. V.\"]}\n"
    ), "{exported}");
    for format in ["ndjson", "json"] {
        let Some(copy) = Env::new() else { return };
        let file = env.ok(&["export", "--format", format]);
        let out = copy.run_stdin(&["import", "--format", format], file.as_bytes());
        assert!(out.stderr.contains("2 new aliases"), "{}", out.stderr);
        assert_eq!(
            copy.ok(&["orgs", "--format", "json"]),
            env.ok(&["orgs", "--format", "json"])
        );
        assert_eq!(
            copy.ok(&["people", "--format", "json"]),
            env.ok(&["people", "--format", "json"])
        );
        assert_eq!(
            keys(&copy, &["--person", "barchuk v. v."]),
            ["e1", "e2", "e5"]
        );
    }
    // An alias that is another's name (from before the import) is a problem like any other.
    let Some(copy) = Env::new() else { return };
    copy.ok(&[
        "add-event",
        "--title",
        "Y",
        "--start",
        "2020-01-01",
        "--organizer",
        "B",
    ]);
    let clash = "{\"title\": \"X\", \"start\": \"2021-01-01\", \"organizers\": [\"A\", \"B\"]}\n{\"organization\": \"A\", \"aliases\": [\"b\"]}\n";
    let stderr = copy
        .run_stdin(&["import", "--format", "ndjson"], clash.as_bytes())
        .stderr;
    assert!(
        stderr.starts_with(
            "<stdin>: line 2: aliases \"b\": is already a name of another organization, \"B\""
        ),
        "{stderr}"
    );
}

#[test]
fn two_names_of_one_organization_are_one_link() {
    let Some(env) = fixture() else { return };
    env.ok(&["org", "alias", "UNODC", "UN Office on Drugs and Crime"]);
    let id = env.ok(&[
        "add-event",
        "--title",
        "Z",
        "--start",
        "2024-01-01",
        "--key",
        "z",
        "--organizer",
        "UNODC",
        "--organizer",
        "UN Office on Drugs and Crime",
        "--organizer",
        "OSCE",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", id.trim(), "--format", "json"])).unwrap();
    assert_eq!(v["organizers"], serde_json::json!(["UNODC", "OSCE"]));
    // After a merge, the original records import again, unchanged.
    env.ok(&["org", "merge", "OSCE", "UNOCT"]);
    let out = env.run_stdin(&["import", "--format", "ndjson"], FIXTURE.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("0 created, 0 updated, 6 unchanged"),
        "{}",
        out.stderr
    );
    env.ok(&[
        "edit-event",
        "z",
        "--organizer",
        "unodc",
        "--organizer",
        "un office on drugs and crime",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "z", "--format", "json"])).unwrap();
    assert_eq!(v["organizers"], serde_json::json!(["UNODC"]));
}

#[test]
fn the_latest_position_comes_with_its_own_organization() {
    let Some(env) = Env::new() else { return };
    let a = env.ok(&["add-event", "--title", "A", "--start", "2021-01-01"]);
    let b = env.ok(&["add-event", "--title", "B", "--start", "2022-01-01"]);
    env.ok(&[
        "add-participant",
        a.trim(),
        "--name",
        "Pat",
        "--position",
        "Pos A",
        "--org",
        "X",
    ]);
    env.ok(&["add-participant", b.trim(), "--name", "Pat", "--org", "Y"]);
    let people: serde_json::Value =
        serde_json::from_str(&env.ok(&["people", "--format", "json"])).unwrap();
    assert_eq!(people[0]["position"], "Pos A");
    assert_eq!(people[0]["organization"], "X");
}

#[test]
fn a_full_export_keeps_every_alias_in_a_stable_order() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "A",
        "--start",
        "2022-01-01",
        "--organizer",
        "Late",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "B",
        "--start",
        "2021-01-01",
        "--organizer",
        "Early",
    ]);
    env.ok(&["org", "alias", "Late", "L"]);
    env.ok(&["org", "alias", "Early", "E"]);
    env.ok(&[
        "add-event",
        "--title",
        "C",
        "--start",
        "2023-01-01",
        "--organizer",
        "Gone",
    ]);
    env.ok(&["org", "alias", "Gone", "G"]);
    env.ok(&["edit-event", "3", "--remove-organizer", "G"]);
    let first = env.ok(&["export"]);
    assert!(
        first.contains(r#"{"organization":"Gone","aliases":["G"]}"#),
        "{first}"
    );
    let Some(copy) = Env::new() else { return };
    copy.run_stdin(&["import", "--format", "ndjson"], first.as_bytes());
    let again = copy.ok(&["export"]);
    assert_eq!(
        crate::util::without_ids(&again),
        crate::util::without_ids(&first)
    );
    // A narrowed export has only the aliases of what it holds.
    let narrowed = env.ok(&["export", "--from", "2022"]);
    assert!(
        narrowed.contains(r#""aliases":["L"]"#) && !narrowed.contains(r#""aliases":["E"]"#),
        "{narrowed}"
    );
}

#[test]
fn the_help_of_every_new_command_has_an_example() {
    for args in [
        &["orgs", "--help"][..],
        &["org", "--help"],
        &["people", "--help"],
        &["person", "--help"],
        &["stats", "--help"],
        &["edit-event", "--help"],
        &["edit-participant", "--help"],
        &["remove-participant", "--help"],
        &["remove-event", "--help"],
    ] {
        let out = crate::util::bare_cmd().args(args).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Example"), "{args:?}: {help}");
    }
}

mod brute_force {
    use proptest::prelude::*;

    use crate::util::{Env, ids};

    const ORGS: [&str; 4] = [
        "UNODC",
        "OSCE",
        "RATS SCO",
        "UN Office of Counter-Terrorism",
    ];

    #[derive(Debug, Clone)]
    struct Generated {
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
        organizers: Vec<usize>,
        partners: Vec<usize>,
        delegations: Vec<usize>,
    }

    fn event() -> impl Strategy<Value = Generated> {
        (
            0u64..900,
            0u64..12,
            prop::collection::btree_set(0..4usize, 0..3),
            prop::collection::btree_set(0..4usize, 0..2),
            prop::collection::vec(0..4usize, 0..3),
        )
            .prop_map(|(day, len, organizers, partners, delegations)| {
                let start =
                    chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(day);
                Generated {
                    start,
                    end: start + chrono::Days::new(len),
                    organizers: organizers.iter().copied().collect(),
                    // An organization is organizer or partner of an event, not both.
                    partners: partners.difference(&organizers).copied().collect(),
                    delegations,
                }
            })
    }

    fn query() -> impl Strategy<Value = (Option<u64>, Option<u64>, Option<(usize, bool)>)> {
        (
            prop::option::of(0u64..950),
            prop::option::of(0u64..950),
            prop::option::of((0..4usize, any::<bool>())),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// `list --from --to --org` returns exactly the events a plain scan would, in order.
        #[test]
        fn list_agrees_with_a_scan(
            events in prop::collection::vec(event(), 0..25),
            queries in prop::collection::vec(query(), 1..5),
        ) {
            let Some(env) = Env::new() else { return Ok(()) };
            let ndjson: String = events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let names = |ix: &[usize]| ix.iter().map(|&i| ORGS[i]).collect::<Vec<_>>();
                    let participants: Vec<serde_json::Value> = e
                        .delegations
                        .iter()
                        .map(|&o| serde_json::json!({"name": format!("P{o}"), "organization": ORGS[o]}))
                        .collect();
                    format!(
                        "{}\n",
                        serde_json::json!({
                            "key": format!("k{i}"),
                            "title": format!("Event {i}"),
                            "start": e.start.to_string(),
                            "end": e.end.to_string(),
                            "organizers": names(&e.organizers),
                            "partners": names(&e.partners),
                            "participants": participants,
                        })
                    )
                })
                .collect();
            let out = env.run_stdin(&["import", "--format", "ndjson"], ndjson.as_bytes());
            prop_assert_eq!(out.code, 0, "{}", out.stderr);

            let day = |d: u64| chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d);
            for (from, to, org) in queries {
                let (from, to) = match (from, to) {
                    (Some(a), Some(b)) if b < a => (Some(b), Some(a)),
                    other => other,
                };
                let mut args = vec!["list".to_string(), "--format".into(), "json".into()];
                if let Some(f) = from {
                    args.extend(["--from".into(), day(f).to_string()]);
                }
                if let Some(t) = to {
                    args.extend(["--to".into(), day(t).to_string()]);
                }
                if let Some((o, shout)) = org {
                    let name = if shout { ORGS[o].to_uppercase() } else { ORGS[o].to_lowercase() };
                    args.extend(["--org".into(), name]);
                }
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                let got = ids(&env.ok(&argv));

                let mut want: Vec<(chrono::NaiveDate, i64)> = events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| from.is_none_or(|f| e.end >= day(f)))
                    .filter(|(_, e)| to.is_none_or(|t| e.start <= day(t)))
                    .filter(|(_, e)| {
                        org.is_none_or(|(o, _)| {
                            e.organizers.contains(&o) || e.partners.contains(&o) || e.delegations.contains(&o)
                        })
                    })
                    .map(|(i, e)| (e.start, i as i64 + 1))
                    .collect();
                want.sort();
                let want: Vec<i64> = want.into_iter().map(|(_, id)| id).collect();
                prop_assert_eq!(got, want, "{:?}", args);
            }
        }
    }
}
