//! Curation and data-model defects of issue 8: moving events, session and alias edits, merges
//! that collapse duplicates, stats groups, near-names, roles compared as filters compare them.

use crate::util::{Env, add};

/// The `year,events` rows of `stats --by year` with these flags, as CSV lines.
fn stats(env: &Env, flags: &[&str]) -> Vec<String> {
    let mut args = vec!["stats", "--format", "csv"];
    args.extend_from_slice(flags);
    env.ok(&args).lines().skip(1).map(str::to_string).collect()
}

/// The start and end of an event, as `show --format json` gives them.
fn dates(env: &Env, id: &str) -> (String, String) {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", id, "--format", "json"])).expect("JSON");
    (
        v["start"].as_str().unwrap().to_string(),
        v["end"].as_str().unwrap().to_string(),
    )
}

// Item 20 and the first message of item 19: `--start` alone moves the whole event.
#[test]
fn moving_the_start_moves_a_one_day_event() {
    let Some(env) = Env::new() else { return };
    let id = add(&env, "One-day meeting", "2021-03-16", "2021-03-16", &[]);
    // Later than its end: the end, not typed, moves with it (no complaint about --end).
    let out = env.run(&["edit-event", &id, "--start", "2021-03-20"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("--end"), "{}", out.stderr);
    assert_eq!(dates(&env, &id), ("2021-03-20".into(), "2021-03-20".into()));
    // A year earlier: still one day, counted in its new year.
    env.ok(&["edit-event", &id, "--start", "2020-03-20"]);
    assert_eq!(dates(&env, &id), ("2020-03-20".into(), "2020-03-20".into()));
    assert_eq!(stats(&env, &["--by", "year"]), ["2020,1"]);
}

#[test]
fn moving_the_start_keeps_a_multi_day_event_s_length() {
    let Some(env) = Env::new() else { return };
    let id = add(&env, "Seminar", "2021-03-16", "2021-03-18", &[]);
    env.ok(&["edit-event", &id, "--start", "2021-12-31"]);
    assert_eq!(dates(&env, &id), ("2021-12-31".into(), "2022-01-02".into()));
    assert_eq!(stats(&env, &["--by", "year"]), ["2021,1", "2022,1"]);
    // --end alone changes the end only.
    env.ok(&["edit-event", &id, "--end", "2022-01-05"]);
    assert_eq!(dates(&env, &id), ("2021-12-31".into(), "2022-01-05".into()));
    // Both: as given.
    env.ok(&[
        "edit-event",
        &id,
        "--start",
        "2021-01-10",
        "--end",
        "2021-01-11",
    ]);
    assert_eq!(dates(&env, &id), ("2021-01-10".into(), "2021-01-11".into()));
    // An end before the start names both.
    let err = env.fails(
        1,
        &[
            "edit-event",
            &id,
            "--start",
            "2021-02-10",
            "--end",
            "2021-02-01",
        ],
    );
    assert_eq!(
        err.trim_end(),
        r#"error: invalid --end "2021-02-01": is before --start "2021-02-10""#
    );
    let err = env.fails(1, &["edit-event", &id, "--end", "2021-01-01"]);
    assert_eq!(
        err.trim_end(),
        r#"error: invalid --end "2021-01-01": is before the event's start, 2021-01-10; give --start too to move the event"#
    );
    // Past the last day there is.
    let err = env.fails(1, &["edit-event", &id, "--start", "9999-12-31"]);
    assert!(err.contains("would end after 9999-12-31"), "{err}");
    assert_eq!(dates(&env, &id), ("2021-01-10".into(), "2021-01-11".into()));
}

// Item 23: --limit picks groups; no group outside the period; multi-year events.
#[test]
fn stats_limit_applies_to_groups() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "A",
        "2021-01-10",
        "2021-01-10",
        &["--organizer", "OSCE"],
    );
    add(
        &env,
        "B",
        "2021-02-10",
        "2021-02-10",
        &["--organizer", "UNODC"],
    );
    add(
        &env,
        "C",
        "2021-03-10",
        "2021-03-10",
        &["--organizer", "UNODC"],
    );
    add(
        &env,
        "D",
        "2021-04-10",
        "2021-04-10",
        &["--organizer", "UNOCT"],
    );
    add(
        &env,
        "E",
        "2021-05-10",
        "2021-05-10",
        &["--organizer", "UNOCT", "--partner", "UNODC"],
    );
    assert_eq!(
        stats(&env, &["--by", "org", "--limit", "2"]),
        ["UNODC,3,0", "UNOCT,2,0"]
    );
    assert_eq!(stats(&env, &["--by", "org", "--limit", "1"]), ["UNODC,3,0"]);
    assert_eq!(
        stats(&env, &["--by", "org", "--limit", "0"]),
        Vec::<String>::new()
    );
    let err = env.fails(1, &["stats", "--by", "org", "--sort", "title"]);
    assert!(err.starts_with("error: invalid --sort \"title\""), "{err}");
    let help = env.ok(&["stats", "--help"]);
    assert!(help.contains("those with the most events"), "{help}");
    assert!(help.contains("every year it runs in"), "{help}");
}

#[test]
fn stats_by_year_stays_within_the_period() {
    let Some(env) = Env::new() else { return };
    add(&env, "New year meeting", "2021-12-30", "2022-01-02", &[]);
    add(&env, "Spring meeting", "2022-04-01", "2022-04-01", &[]);
    add(&env, "Long programme", "2019-06-01", "2023-06-01", &[]);
    assert_eq!(
        stats(&env, &["--by", "year"]),
        ["2019,1", "2020,1", "2021,2", "2022,3", "2023,1"]
    );
    assert_eq!(
        stats(&env, &["--by", "year", "--from", "2022"]),
        ["2022,3", "2023,1"]
    );
    assert_eq!(
        stats(&env, &["--by", "year", "--from", "2021", "--to", "2021"]),
        ["2021,2"]
    );
    assert_eq!(stats(&env, &["--by", "year", "--on", "2020"]), ["2020,1"]);
    assert_eq!(stats(&env, &["--by", "year", "--limit", "1"]), ["2022,3"]);
}

// Item 25: an alias can be removed; the own name cannot.
#[test]
fn aliases_can_be_removed() {
    let Some(env) = Env::new() else { return };
    let id = add(
        &env,
        "Seminar",
        "2021-03-16",
        "2021-03-16",
        &["--organizer", "UN Office on Drugs and Crime"],
    );
    env.ok(&["org", "alias", "UN Office on Drugs and Crime", "UN"]);
    assert_eq!(
        env.ok(&["list", "--org", "un", "--format", "csv"])
            .lines()
            .count(),
        2
    );
    let out = env.run(&[
        "org",
        "alias",
        "UN Office on Drugs and Crime",
        "un",
        "--remove",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        r#""un" is no longer a name of "UN Office on Drugs and Crime""#
    );
    // "UN" now names no one: it is free for another organization.
    let out = env.run(&["list", "--org", "UN"]);
    assert!(
        out.stderr.contains("No organization is called \"UN\""),
        "{}",
        out.stderr
    );
    env.ok(&["edit-event", &id, "--add-partner", "UN"]);
    let orgs = env.ok(&["orgs", "--format", "csv"]);
    assert!(orgs.contains("\nUN,,"), "{orgs}");

    let err = env.fails(
        1,
        &[
            "org",
            "alias",
            "--remove",
            "UN Office on Drugs and Crime",
            "un office on drugs and crime",
        ],
    );
    assert_eq!(
        err.trim_end(),
        r#"error: "un office on drugs and crime" is the name of this organization, not an alias; to change it, use `events org rename`"#
    );
    let err = env.fails(
        1,
        &[
            "org",
            "alias",
            "--remove",
            "UN Office on Drugs and Crime",
            "UN",
        ],
    );
    assert_eq!(
        err.trim_end(),
        r#"error: "UN" is not a name of "UN Office on Drugs and Crime" but of another organization, "UN""#
    );
    let err = env.fails(
        1,
        &[
            "org",
            "alias",
            "--remove",
            "UN Office on Drugs and Crime",
            "UNODC",
        ],
    );
    assert!(
        err.starts_with(r#"error: "UNODC" is not a name of "UN Office on Drugs and Crime""#),
        "{err}"
    );

    env.ok(&["add-participant", &id, "--name", "V. V. Barchuk"]);
    env.ok(&["person", "alias", "V. V. Barchuk", "Barchouk"]);
    env.ok(&["person", "alias", "v. v. barchuk", "barchouk", "--remove"]);
    let err = env.fails(1, &["person", "Barchouk"]);
    assert!(err.contains("no person is called"), "{err}");
    let err = env.fails(1, &["person", "alias", "--remove", "Barchouk", "X"]);
    assert!(err.contains("no person is called \"Barchouk\""), "{err}");
    // A spelling of his name with the initials after it needs no alias.
    env.ok(&["person", "alias", "V. V. Barchuk", "Barchuk V.V."]);
    env.ok(&["person", "alias", "Barchuk", "barchuk v.v.", "--remove"]);
    assert!(
        env.ok(&["person", "Barchuk V.V."])
            .starts_with("V. V. Barchuk: 1 participation"),
    );
}

// Item 22: merges collapse participations that became identical; People counts people.
#[test]
fn merges_collapse_identical_participations() {
    let Some(env) = Env::new() else { return };
    let id = add(
        &env,
        "Seminar",
        "2021-03-16",
        "2021-03-18",
        &["--key", "s-2021"],
    );
    let part = |name: &str, role: &str, org: &str| {
        env.ok(&[
            "add-participant",
            &id,
            "--name",
            name,
            "--org",
            org,
            "--role",
            role,
            "--session",
            "Opening",
        ]);
    };
    part("V. V. Barchuk", "Speaker", "RATS SCO");
    part("Vladimir Barchuk", "speaker ", "SCO RATS");
    part("Vladimir Barchuk", "moderator", "RATS SCO");
    part("A. Smith", "speaker", "RATS SCO");
    // The People column of the event's row in `list`.
    let people = |env: &Env| -> String {
        let table = env.ok(&["list"]);
        let row = table.lines().nth(3).unwrap_or_default();
        let last = row.split('┆').next_back().unwrap_or_default();
        last.trim_matches(|c: char| c == '│' || c.is_whitespace())
            .to_string()
    };
    assert_eq!(people(&env), "3");
    let out = env.run(&["person", "merge", "V. V. Barchuk", "Vladimir Barchuk"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("2 participations moved"),
        "{}",
        out.stderr
    );
    // Different organizations: not identical yet.
    assert_eq!(count_participations(&env, &id), 4);
    let out = env.run(&["org", "merge", "RATS SCO", "SCO RATS"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("; 1 participation identical to another at the same event was removed"),
        "{}",
        out.stderr
    );
    // Speaker and "speaker " are one role; the moderator stays.
    assert_eq!(count_participations(&env, &id), 3);
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
    let roles: Vec<&str> = show["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["Speaker", "moderator", "speaker"]);
    // Two people took part (one of them twice).
    assert_eq!(people(&env), "2");
}

fn count_participations(env: &Env, id: &str) -> usize {
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", id, "--format", "json"])).unwrap();
    show["participants"].as_array().unwrap().len()
}

// Item 24: sessions renamed, merged and removed; search follows.
#[test]
fn sessions_can_be_renamed_merged_and_removed() {
    let Some(env) = Env::new() else { return };
    let id = add(&env, "Seminar", "2021-03-16", "2021-03-18", &[]);
    let part = |name: &str, session: &str| {
        env.ok(&[
            "add-participant",
            &id,
            "--name",
            name,
            "--role",
            "speaker",
            "--session",
            session,
        ]);
    };
    part("A. Smith", "Openning");
    part("B. Jones", "Opening");
    part("A. Smith", "Opening");
    part("C. Doe", "Lunch talks");
    part("C. Doe", "Closing");
    let sessions = |env: &Env| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
        v["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let found = |env: &Env, words: &str| {
        env.ok(&["list", "--search", words, "--format", "csv"])
            .lines()
            .count()
            - 1
    };
    assert_eq!(found(&env, "openning"), 1);

    // A rename onto an existing session merges them; A. Smith was in both, now once.
    let out = env.run(&["edit-event", &id, "--rename-session", "openning", "Opening"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 session was merged into another of the same name"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 participation identical to another removed"),
        "{}",
        out.stderr
    );
    assert_eq!(sessions(&env), ["Opening", "Lunch talks", "Closing"]);
    assert_eq!(count_participations(&env, &id), 4);
    assert_eq!(found(&env, "openning"), 0);

    // A plain rename, and a removal: C. Doe's participation stays, with no session.
    let out = env.run(&[
        "edit-event",
        &id,
        "--rename-session",
        "Closing",
        "Closing remarks",
        "--remove-session",
        "LUNCH TALKS",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 participation in the removed sessions now has no session"),
        "{}",
        out.stderr
    );
    assert_eq!(sessions(&env), ["Opening", "Closing remarks"]);
    assert_eq!(count_participations(&env, &id), 4);
    assert_eq!(found(&env, "lunch"), 0);
    assert_eq!(found(&env, "remarks"), 1);

    // A session the event does not have, and an empty new name, change nothing.
    let before = env.dump();
    let err = env.fails(
        1,
        &[
            "edit-event",
            &id,
            "--remove-session",
            "Lunch talks",
            "--title",
            "X",
        ],
    );
    assert_eq!(
        err.trim_end(),
        format!(
            "error: event {id} has no session \"Lunch talks\"; `events show {id}` lists its sessions"
        )
    );
    let err = env.fails(1, &["edit-event", &id, "--rename-session", "Opening", " "]);
    assert!(err.contains("the new name must not be empty"), "{err}");
    assert_eq!(env.dump(), before);
}

// Item 26: an organization is organizer or partner of an event, not both.
#[test]
fn an_organization_is_organizer_or_partner_not_both() {
    let Some(env) = Env::new() else { return };
    let err = env.fails(
        1,
        &[
            "add-event",
            "--title",
            "S",
            "--start",
            "2021-03-16",
            "--organizer",
            "OSCE",
            "--partner",
            "osce",
        ],
    );
    assert_eq!(
        err.trim_end(),
        r#"error: invalid --partner "osce": is also an organizer; an organization is the organizer or a partner of an event, not both"#
    );
    let id = add(
        &env,
        "S",
        "2021-03-16",
        "2021-03-16",
        &[
            "--organizer",
            "UN Office on Drugs and Crime",
            "--partner",
            "OSCE",
        ],
    );
    env.ok(&["org", "alias", "UN Office on Drugs and Crime", "UNODC"]);
    let before = env.dump();
    // Through an alias, on edit.
    let err = env.fails(1, &["edit-event", &id, "--add-partner", "UNODC"]);
    assert_eq!(
        err.trim_end(),
        format!(
            r#"error: invalid --add-partner "UNODC": it is an organizer of event {id}, and an organization is the organizer or a partner of an event, not both; to make it a partner, give --remove-organizer "UNODC" too"#
        )
    );
    let err = env.fails(1, &["edit-event", &id, "--partner", "UNODC"]);
    assert_eq!(
        err.trim_end(),
        format!(
            r#"error: invalid --partner "UNODC": it is an organizer of event {id}, and an organization is the organizer or a partner of an event, not both; to make it a partner, give --remove-organizer "UNODC" too"#
        )
    );
    let err = env.fails(1, &["edit-event", &id, "--add-organizer", "osce"]);
    assert_eq!(
        err.trim_end(),
        format!(
            r#"error: invalid --add-organizer "osce": it is a partner of event {id}, and an organization is the organizer or a partner of an event, not both; to make it an organizer, give --remove-partner "osce" too"#
        )
    );
    // Contradictory list edits are refused, whatever their order.
    for args in [
        [
            "--remove-organizer",
            "UNODC",
            "--add-organizer",
            "UN Office on Drugs and Crime",
        ],
        ["--add-organizer", "UNODC", "--remove-organizer", "UNODC"],
    ] {
        let mut full = vec!["edit-event", id.as_str()];
        full.extend(args);
        let err = env.fails(1, &full);
        assert!(
            err.contains("contradict each other; give one of them"),
            "{err}"
        );
    }
    let err = env.fails(
        1,
        &["edit-event", &id, "--remove-tag", "x", "--add-tag", "X"],
    );
    assert_eq!(
        err.trim_end(),
        r#"error: --add-tag "X" and --remove-tag "x" contradict each other; give one of them"#
    );
    assert_eq!(env.dump(), before);
    // Moving an organization from partner to organizer is no contradiction.
    env.ok(&[
        "edit-event",
        &id,
        "--remove-partner",
        "OSCE",
        "--add-organizer",
        "OSCE",
    ]);
    // In an import, with its line.
    let file = env.file(
        "both.ndjson",
        "{\"title\": \"T\", \"start\": \"2021-01-01\", \"organizers\": [\"A\"], \"partners\": [\"a\"]}\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains("line 1") && err.contains("is also an organizer"),
        "{err}"
    );
}

#[test]
fn a_merge_that_makes_an_organizer_a_partner_keeps_it_organizer() {
    let Some(env) = Env::new() else { return };
    let id = add(
        &env,
        "S",
        "2021-03-16",
        "2021-03-16",
        &[
            "--organizer",
            "UNODC",
            "--partner",
            "UN Office on Drugs and Crime",
            "--partner",
            "OSCE",
        ],
    );
    let out = env.run(&["org", "merge", "UN Office on Drugs and Crime", "UNODC"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("it was both organizer and partner of 1 event: it stays organizer"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(
        v["organizers"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    assert_eq!(v["partners"], serde_json::json!(["OSCE"]));
}

// Item 27: texts compared as the filters compare them; titles sorted as people read.
#[test]
fn participants_csv_compares_roles_as_filters_do() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "Seminar",
        "2021-03-16",
        "2021-03-16",
        &["--key", "s1"],
    );
    let csv = env.file(
        "p.csv",
        "event,name,organization,role,contribution\n\
         s1,V. V. Barchuk,RATS SCO,Speaker,Report\n\
         s1,V. V. Barchuk,RATS SCO,speaker ,report\n\
         s1,v. v.  barchuk,rats sco,SPEAKER,  REPORT\n\
         s1,V. V. Barchuk,RATS SCO,moderator,report\n",
    );
    let out = env.run(&["import", &csv]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("4 participants from"), "{}", out.stderr);
    assert!(
        out.stderr.contains("2 added, 2 already there"),
        "{}",
        out.stderr
    );
    assert_eq!(count_participations(&env, "s1"), 2);
    // The filter agrees: one role, whatever its spelling.
    let found = env.ok(&["list", "--role", "speaker", "--format", "csv"]);
    assert_eq!(found.lines().count(), 2, "{found}");
}

#[test]
fn titles_sort_as_people_read() {
    let Some(env) = Env::new() else { return };
    for title in ["zeta", "Éclair", "eclair", "Alpha", "École", "beta"] {
        add(&env, title, "2021-03-16", "2021-03-16", &[]);
    }
    let out = env.ok(&["list", "--sort", "title", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Alpha", "beta", "eclair", "Éclair", "École", "zeta"]
    );
    // Names in the views too.
    add(
        &env,
        "x",
        "2021-03-16",
        "2021-03-16",
        &[
            "--organizer",
            "Zentrum",
            "--organizer",
            "Œuvre",
            "--organizer",
            "Ökumene",
            "--organizer",
            "Alpha",
        ],
    );
    let orgs = env.ok(&["orgs", "--format", "csv"]);
    let names: Vec<&str> = orgs
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(names, ["Alpha", "Œuvre", "Ökumene", "Zentrum"]);
}

// Item 6: a new name close to a known one gets a note; it is still created.
#[test]
fn a_new_name_close_to_a_known_one_gets_a_note() {
    let Some(env) = Env::new() else { return };
    let id = add(
        &env,
        "S",
        "2021-03-16",
        "2021-03-16",
        &[
            "--organizer",
            "UN Office on Drugs and Crime",
            "--organizer",
            "UN Counter-Terrorism Centre",
            "--organizer",
            "UNDP",
            "--organizer",
            "Regional Office 1623",
        ],
    );
    env.ok(&["add-participant", &id, "--name", "V. V. Barchuk"]);

    let out = env.run(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-04-01",
        "--organizer",
        "UN Office on Drugs & Crime",
        "--partner",
        "UN Office of Counter-Terrorism",
        "--partner",
        "UNEP",
        // Numbers are never typos.
        "--partner",
        "Regional Office 1633",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let notes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    assert_eq!(
        notes,
        [
            r#"note: new organization "UN Office on Drugs & Crime"; did you mean "UN Office on Drugs and Crime"?"#
        ]
    );
    let second = out.stdout.trim().to_string();

    let out = env.run(&[
        "add-participant",
        &second,
        "--name",
        "v.v. barchuk",
        "--org",
        "UN Office on Drugs & Crime",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("note:"))
            .collect::<Vec<_>>(),
        [r#"note: new person "v.v. barchuk"; did you mean "V. V. Barchuk"?"#]
    );
    // Created all the same; -q silences the note.
    assert!(
        env.ok(&["people", "--format", "csv"])
            .contains("v.v. barchuk")
    );
    let out = env.run(&["-q", "add-participant", &second, "--name", "V. V. Barchuck"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let out = env.run(&["edit-participant", "3", "--name", "V V Barchuk"]);
    assert!(
        out.stderr
            .contains(r#"note: new person "V V Barchuk"; did you mean"#),
        "{}",
        out.stderr
    );
    let out = env.run(&["edit-event", &second, "--add-partner", "UNDP "]);
    assert!(
        !out.stderr.contains("note:"),
        "a known name: {}",
        out.stderr
    );
    // Written otherwise, a name in capitals is that organization, and the command says so.
    let out = env.run(&["edit-event", &second, "--add-partner", "U.N.D.P."]);
    assert!(
        out.stderr
            .contains(r#"note: "U.N.D.P." is read as "UNDP", whose abbreviation it is"#),
        "{}",
        out.stderr
    );
    let out = env.run(&[
        "edit-event",
        &second,
        "--add-partner",
        "UN Counter-Terrorism Centr",
    ]);
    assert!(
        out.stderr.contains(
            r#"note: new organization "UN Counter-Terrorism Centr"; did you mean "UN Counter-Terrorism Centre"?"#
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_import_summarises_near_names() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "S",
        "2021-03-16",
        "2021-03-16",
        &["--organizer", "UN Office on Drugs and Crime"],
    );
    let file = env.file(
        "near.ndjson",
        concat!(
            r#"{"title": "A", "start": "2021-05-01", "organizers": ["UN Office on Drugs & Crime", "OSCE"], "participants": [{"name": "Vladimir Barchuk"}]}"#, "\n",
            r#"{"title": "B", "start": "2021-05-02", "organizers": ["O.S.C.E."], "participants": [{"name": "vladimir  barchuck"}, {"name": "A. Smith"}]}"#, "\n",
        ),
    );
    let out = env.run(&["import", "--dry-run", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // After the dry run's own lines (one per event) and its summary.
    let notes: Vec<&str> = out.stderr.lines().skip(3).collect();
    assert_eq!(
        notes,
        [
            "note: 3 new names are close to others (`events org merge` or `events person merge` makes two one):",
            r#"  new organization "UN Office on Drugs & Crime"; did you mean "UN Office on Drugs and Crime"?"#,
            r#"  new organization "O.S.C.E."; did you mean "OSCE"?"#,
            r#"  new person "vladimir barchuck"; did you mean "Vladimir Barchuk"?"#,
        ],
        "{}",
        out.stderr
    );
    let out = env.run(&["-q", "import", &file]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(env.ok(&["orgs", "--format", "csv"]).contains("O.S.C.E."));
}

#[test]
fn an_import_refuses_organizer_and_partner_through_an_alias() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "S",
        "2021-03-16",
        "2021-03-16",
        &["--organizer", "UN Office on Drugs and Crime"],
    );
    env.ok(&["org", "alias", "UN Office on Drugs and Crime", "UNODC"]);
    let before = env.dump();
    let file = env.file(
        "alias.ndjson",
        "{\"title\": \"T\", \"start\": \"2021-01-01\", \"organizers\": [\"UNODC\"], \"partners\": [\"UN Office on Drugs and Crime\"]}\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains("alias.ndjson: line 1: partners \"UN Office on Drugs and Crime\": is also an organizer of the event, as \"UNODC\"; an organization"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn two_edits_of_different_fields_at_once_both_hold() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "T", "--start", "2021-01-01"]);
    for round in 0..15 {
        let title = format!("Title {round}");
        let location = format!("Place {round}");
        let spawn = |args: &[&str]| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
                .arg("--db")
                .arg(env.target())
                .arg("-q")
                .args(args)
                .spawn()
                .unwrap()
        };
        let mut a = spawn(&["edit-event", "1", "--title", &title]);
        let mut b = spawn(&["edit-event", "1", "--location", &location]);
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        let shown: serde_json::Value =
            serde_json::from_str(&env.ok(&["show", "1", "--format", "json"])).unwrap();
        assert_eq!(
            (shown["title"].as_str(), shown["location"].as_str()),
            (Some(title.as_str()), Some(location.as_str())),
            "round {round}: one edit undid the other"
        );
    }
}

#[test]
fn an_edit_never_makes_two_participations_record_the_same() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-01-01",
        "--key",
        "e",
    ]);
    env.ok(&["add-participant", "e", "--name", "A", "--role", "speaker"]);
    env.ok(&["add-participant", "e", "--name", "B", "--role", "speaker"]);
    let dump = env.dump();
    for args in [
        &["edit-participant", "2", "--name", "A"][..],
        &["edit-participant", "2", "--name", "a", "--role", "Speaker "][..],
    ] {
        let err = env.fails(1, args);
        assert!(
            err.contains("would then record the same as participation 1"),
            "{args:?}: {err}"
        );
        assert_eq!(env.dump(), dump, "nothing changed");
    }
}

#[test]
fn renaming_one_session_twice_in_a_command_is_refused() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-01-01",
        "--key",
        "e",
    ]);
    env.ok(&["add-participant", "e", "--name", "P1", "--session", "A"]);
    env.ok(&["add-participant", "e", "--name", "P2", "--session", "B"]);
    let dump = env.dump();
    for renames in [
        ["A", "B", "B", "A"],
        ["A", "B", "B", "C"],
        ["A", "B", "A", "C"],
    ] {
        let err = env.fails(
            1,
            &[
                "edit-event",
                "e",
                "--rename-session",
                renames[0],
                renames[1],
                "--rename-session",
                renames[2],
                renames[3],
            ],
        );
        assert!(
            err.contains("rename one session twice"),
            "{renames:?}: {err}"
        );
        assert_eq!(env.dump(), dump);
    }
}

#[test]
fn a_list_given_in_full_names_its_own_flag_when_it_takes_from_the_other() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-01-01",
        "--key",
        "e",
        "--partner",
        "P",
        "--organizer",
        "O",
    ]);
    let err = env.fails(1, &["edit-event", "e", "--organizer", "P"]);
    assert!(
        err.starts_with("error: invalid --organizer \"P\": it is a partner of event 1")
            && err.contains("give --remove-partner \"P\" too"),
        "{err}"
    );
    env.ok(&[
        "edit-event",
        "e",
        "--organizer",
        "P",
        "--remove-partner",
        "P",
    ]);
}
