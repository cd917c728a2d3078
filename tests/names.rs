//! Names as people write them: an organization named by the initialism of its name, a person
//! by their surname or with the initials written after it; several that fit refused with
//! all of them listed; "did you mean" once per organization or person, accents aside; the
//! derived initialisms in `orgs`. On both backends.

use crate::util::{Env, example};

/// Three events; two organizations whose names give UNDP, one that gives UNODC (by its name
/// and by its alias), two Barchuks, a name with an accent.
const FIXTURE: &str = r#"[
{"key": "dev", "title": "Development forum", "start": "2022-01-10",
 "organizers": ["United Nations Development Programme"],
 "participants": [{"name": "V. V. Barchuk", "organization": "United Nations Drug Programme"}]},
{"key": "drugs", "title": "Drugs seminar", "start": "2022-02-10",
 "organizers": ["UN Office on Drugs and Crime"], "partners": ["United Nations Drug Programme"],
 "participants": [{"name": "Vladimir Barchuk", "organization": "UN Office on Drugs and Crime"},
                  {"name": "Michèle Coninsx", "organization": "Ökotrust"}]},
{"key": "osce", "title": "Security conference", "start": "2022-03-10",
 "organizers": ["Organization for Security and Co-operation in Europe"],
 "participants": [{"name": "A. Ivanova", "organization": "Okotrusts"}]},
{"organization": "UN Office on Drugs and Crime",
 "aliases": ["United Nations Office on Drugs and Crime"]}
]"#;

fn fixture() -> Option<Env> {
    let env = Env::new()?;
    let file = env.file("fixture.json", FIXTURE);
    env.ok(&["import", &file]);
    Some(env)
}

/// The keys of the events `list` gives with these arguments.
fn keys(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let events: serde_json::Value = serde_json::from_str(&env.ok(&all)).expect("JSON");
    events
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e["key"].as_str().unwrap_or_default().to_string())
        .collect()
}

const UNDP: &str = "error: \"UNDP\" is the initialism of 2 organizations: \"United Nations Development Programme\", \"United Nations Drug Programme\"; name one of them, or make \"UNDP\" an alias of one (`events org alias NAME UNDP`)";

#[test]
fn an_initialism_finds_its_one_organization_in_every_filter_and_view() {
    let Some(env) = fixture() else { return };
    for typed in ["UNODC", "unodc", "U.N.O.D.C.", "UN ODC"] {
        assert_eq!(keys(&env, &["--org", typed]), ["drugs"], "{typed}");
    }
    assert_eq!(keys(&env, &["--org", "OSCE"]), ["osce"]);
    assert_eq!(
        keys(&env, &["--org", "UNODC", "--org-role", "participant"]),
        ["drugs"]
    );
    let export = env.ok(&["export", "--org", "unodc"]);
    assert_eq!(export.matches("\"key\"").count(), 1, "{export}");
    assert!(export.contains("\"key\":\"drugs\""), "{export}");
    let stats = env.ok(&["stats", "--by", "year", "--org", "UNODC", "--format", "csv"]);
    assert_eq!(stats, "year,events\n2022,1\n");
    let people = env.ok(&["people", "--org", "UNODC", "--format", "csv"]);
    assert!(people.contains("\nVladimir Barchuk,"), "{people}");
    assert_eq!(people.lines().count(), 2, "{people}");
}

#[test]
fn an_initialism_of_several_is_refused_naming_them_all() {
    let Some(env) = fixture() else { return };
    let before = env.dump();
    for args in [
        &["list", "--org", "UNDP"][..],
        &["list", "--org", "u.n.d.p."],
        &["export", "--org", "UNDP"],
        &["stats", "--by", "org", "--org", "UNDP"],
        &["people", "--org", "UNDP"],
        &["org", "alias", "UNDP", "Programme"],
        &["org", "rename", "UNDP", "Programme"],
        &["org", "merge", "UNDP", "OSCE"],
        &["org", "merge", "OSCE", "UNDP"],
        &[
            "add-event",
            "--title",
            "T",
            "--start",
            "2023-01-01",
            "--organizer",
            "UNDP",
        ],
        &[
            "add-event",
            "--title",
            "T",
            "--start",
            "2023-01-01",
            "--partner",
            "UNDP",
        ],
        &["edit-event", "dev", "--organizer", "UNDP"],
        &["edit-event", "dev", "--add-partner", "UNDP"],
        &["edit-event", "drugs", "--remove-partner", "UNDP"],
        &[
            "add-participant",
            "dev",
            "--name",
            "New Person",
            "--org",
            "UNDP",
        ],
    ] {
        let stderr = env.fails(1, args);
        // The alias to make is suggested plain, as abbreviations are written.
        let expected = if args.contains(&"u.n.d.p.") {
            UNDP.replacen("\"UNDP\"", "\"u.n.d.p.\"", 1)
        } else {
            UNDP.to_string()
        };
        assert_eq!(stderr.trim_end(), expected, "{args:?}");
    }
    // An edit of a participation too.
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["person", "V. V. Barchuk", "--format", "json"])).unwrap();
    let participation = history["history"][0]["participation"].to_string();
    let stderr = env.fails(1, &["edit-participant", &participation, "--org", "UNDP"]);
    assert_eq!(stderr.trim_end(), UNDP);
    assert_eq!(env.dump(), before, "nothing was written");
}

#[test]
fn an_import_refuses_an_initialism_of_several_naming_the_line_and_field() {
    let Some(env) = fixture() else { return };
    let before = env.dump();
    let file = env.file(
        "more.ndjson",
        concat!(
            r#"{"key": "a", "title": "A", "start": "2023-01-01", "organizers": ["OSCE"]}"#,
            "\n",
            r#"{"key": "b", "title": "B", "start": "2023-01-02", "partners": ["UNDP"]}"#,
            "\n",
            r#"{"key": "c", "title": "C", "start": "2023-01-03", "participants": [{"name": "X", "organization": "undp"}]}"#,
            "\n",
            r#"{"organization": "UNDP", "aliases": ["The Programme"]}"#,
            "\n",
        ),
    );
    let out = env.run(&["import", &file]);
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let reason = "is the initialism of 2 organizations: \"United Nations Development Programme\", \"United Nations Drug Programme\"; name one of them, or make";
    assert!(
        lines[0].ends_with(&format!(
            "line 2: partners \"UNDP\": {reason} \"UNDP\" an alias of one (an alias record, or `events org alias NAME UNDP`)"
        )),
        "{}",
        out.stderr
    );
    assert!(
        lines[1].contains(&format!(
            "line 3: participants[0].organization \"undp\": {reason} \"UNDP\" an alias of one (an alias record, or `events org alias NAME UNDP`)"
        )),
        "{}",
        out.stderr
    );
    assert!(
        lines[2].contains(&format!("line 4: organization \"UNDP\": {reason}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(
            "error: 3 problems in <file>; nothing was imported\n"
                .replace("<file>", &file)
                .as_str()
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before, "nothing was written");
    // The participants of a CSV file, the same.
    let csv = env.file("participants.csv", "event,name,organization\ndev,Y,UNDP\n");
    let out = env.run(&["import", &csv]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains(&format!("line 2: organization \"UNDP\": {reason}")),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before, "nothing was written");
}

#[test]
fn an_alias_wins_over_an_initialism() {
    let Some(env) = fixture() else { return };
    env.ok(&[
        "org",
        "alias",
        "United Nations Development Programme",
        "UNDP",
    ]);
    assert_eq!(keys(&env, &["--org", "UNDP"]), ["dev"]);
    // The Drug Programme is still found by its own name.
    assert_eq!(
        keys(&env, &["--org", "United Nations Drug Programme"]),
        ["dev", "drugs"]
    );
    // And an organization called by the initialism of another is that one.
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2023-01-01",
        "--organizer",
        "UNOCT",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "U",
        "--start",
        "2023-01-02",
        "--organizer",
        "UN Office of Counter-Terrorism",
    ]);
    assert_eq!(keys(&env, &["--org", "UNOCT"]).len(), 1);
}

#[test]
fn an_initialism_names_its_organization_where_organizations_are_recorded() {
    let Some(env) = fixture() else { return };
    let orgs_before = env.ok(&["orgs", "--format", "csv"]).lines().count();
    let out = env.run(&[
        "add-event",
        "--title",
        "New seminar",
        "--start",
        "2023-05-01",
        "--key",
        "new",
        "--organizer",
        "UNODC",
        "--partner",
        "osce",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains(
            "note: \"UNODC\" is read as \"UN Office on Drugs and Crime\", whose abbreviation it is"
        ),
        "{}",
        out.stderr
    );
    let show = |key: &str| -> serde_json::Value {
        serde_json::from_str(&env.ok(&["show", key, "--format", "json"])).unwrap()
    };
    let event = show("new");
    assert_eq!(
        event["organizers"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    assert_eq!(
        event["partners"],
        serde_json::json!(["Organization for Security and Co-operation in Europe"])
    );
    // Edits: replace, add, remove.
    env.ok(&[
        "edit-event",
        "new",
        "--organizer",
        "OSCE",
        "--partner",
        "UNODC",
    ]);
    let event = show("new");
    assert_eq!(
        event["organizers"],
        serde_json::json!(["Organization for Security and Co-operation in Europe"])
    );
    assert_eq!(
        event["partners"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    env.ok(&["edit-event", "new", "--remove-partner", "UNODC"]);
    env.ok(&["edit-event", "new", "--add-partner", "U.N.O.D.C."]);
    assert_eq!(
        show("new")["partners"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    // Participants.
    let id = env.ok(&[
        "add-participant",
        "new",
        "--name",
        "P. Q. Speaker",
        "--org",
        "OSCE",
    ]);
    let event = show("new");
    assert_eq!(
        event["participants"][0]["organization"],
        "Organization for Security and Co-operation in Europe"
    );
    env.ok(&["edit-participant", id.trim(), "--org", "UNODC"]);
    assert_eq!(
        show("new")["participants"][0]["organization"],
        "UN Office on Drugs and Crime"
    );
    assert_eq!(
        env.ok(&["orgs", "--format", "csv"]).lines().count(),
        orgs_before,
        "no organization was created"
    );
    // Curation, both sides of a merge.
    env.ok(&["org", "alias", "UNODC", "Drugs Office"]);
    assert_eq!(keys(&env, &["--org", "Drugs Office"]), ["drugs", "new"]);
    env.ok(&["org", "rename", "OSCE", "OSCE Secretariat"]);
    assert_eq!(keys(&env, &["--org", "OSCE Secretariat"]), ["osce", "new"]);
    env.ok(&["org", "merge", "UNODC", "Ökotrust"]);
    env.ok(&["org", "merge", "Drugs Office", "OSCE"]);
    let orgs = env.ok(&["orgs", "--format", "csv"]);
    assert!(
        !orgs.contains("\nÖkotrust,") && !orgs.contains("\nOSCE Secretariat,"),
        "{orgs}"
    );
}

/// An import reads abbreviations of the organizations there before it; one the same file
/// creates is found by its name only, so that a file reads the same whatever the order of its
/// records, and an export imports back with every organization it had.
#[test]
fn an_import_reads_abbreviations_of_organizations_there_before_it() {
    let Some(env) = fixture() else { return };
    let file = env.file(
        "more.json",
        r#"[
{"key": "a", "title": "A", "start": "2023-01-01", "organizers": ["UNODC"],
 "participants": [{"name": "X", "organization": "Collective Security Treaty Organization"}]},
{"key": "b", "title": "B", "start": "2023-01-02", "partners": ["CSTO"],
 "participants": [{"name": "Y", "organization": "osce"}]},
{"key": "c", "title": "C", "start": "2023-01-03", "organizers": ["Eurasian Economic Union"]},
{"key": "d", "title": "D", "start": "2023-01-04", "organizers": ["E.E.U."]},
{"organization": "CSTO", "aliases": ["ODKB"]}
]"#,
    );
    let out = env.run(&["import", &file]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("4 new organizations"), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "note: \"UNODC\" is read as \"UN Office on Drugs and Crime\", whose abbreviation it is"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(keys(&env, &["--org", "UNODC"]), ["drugs", "a"]);
    assert_eq!(
        keys(&env, &["--org", "Collective Security Treaty Organization"]),
        ["a"]
    );
    assert_eq!(keys(&env, &["--org", "ODKB"]), ["b"]);
    assert_eq!(keys(&env, &["--org", "Eurasian Economic Union"]), ["c"]);
    assert_eq!(keys(&env, &["--org", "OSCE"]), ["osce", "b"]);
    // A later import reads them all; a name written as the abbreviation ("E.E.U.") wins over
    // the initialism another's name gives.
    let events = env.file(
        "events.csv",
        "key,title,start,organizers,partners
e,E,2023-02-01,EEU,UNODC
",
    );
    env.ok(&["import", &events]);
    assert_eq!(keys(&env, &["--org", "E.E.U."]), ["d", "e"]);
    assert_eq!(keys(&env, &["--org", "Eurasian Economic Union"]), ["c"]);
    let participants = env.file(
        "participants.csv",
        "event,name,organization\ne,Z,csto\ne,W,u.n.o.d.c.\ne,V,CSTO Org\n",
    );
    let out = env.run(&["import", &participants]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("1 new organization"), "{}", out.stderr);
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "e", "--format", "json"])).unwrap();
    let orgs: Vec<&str> = show["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organization"].as_str().unwrap())
        .collect();
    assert_eq!(orgs, ["CSTO", "UN Office on Drugs and Crime", "CSTO Org"]);
}

/// Organizations one's name abbreviates another's ("AU", "African Union") come back as they
/// were from an export, in every format, whatever the order.
#[test]
fn an_export_imports_back_with_each_organization_it_had() {
    let Some(env) = Env::new() else { return };
    // The abbreviation first: after the two, it would be refused as theirs.
    env.ok(&[
        "add-event",
        "--title",
        "Lit",
        "--start",
        "2024-03-09",
        "--organizer",
        "UNDP",
        "--key",
        "u0",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "AU thing",
        "--start",
        "2024-03-05",
        "--organizer",
        "AU",
        "--key",
        "au1",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "African Union thing",
        "--start",
        "2024-03-01",
        "--organizer",
        "African Union",
        "--key",
        "au2",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "Dev",
        "--start",
        "2024-03-02",
        "--organizer",
        "United Nations Development Programme",
        "--key",
        "u1",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "Drug",
        "--start",
        "2024-03-03",
        "--organizer",
        "United Nations Drug Programme",
        "--key",
        "u2",
    ]);
    let orgs = env.ok(&["orgs", "--format", "csv"]);
    for format in ["ndjson", "json", "csv"] {
        let export = env.ok(&["export", "--format", format]);
        let other = Env::new().unwrap();
        let file = other.file(&format!("all.{format}"), export);
        other.ok(&["import", &file]);
        assert_eq!(other.ok(&["orgs", "--format", "csv"]), orgs, "{format}");
    }
}

#[test]
fn a_person_is_found_by_initials_written_after_or_by_surname() {
    let Some(env) = fixture() else { return };
    for typed in ["Barchuk V.V.", "VV Barchuk", "barchuk, v. v."] {
        let out = env.ok(&["person", typed]);
        assert!(
            out.starts_with("V. V. Barchuk: 1 participation"),
            "{typed}: {out}"
        );
    }
    assert!(
        env.ok(&["person", "Ivanova"])
            .starts_with("A. Ivanova: 1 participation")
    );
    assert!(
        env.ok(&["person", "Coninsx"])
            .starts_with("Michèle Coninsx:")
    );
    // Two Barchuks: the surname alone, or an initial both have, is either.
    for typed in ["Barchuk", "V. Barchuk"] {
        let stderr = env.fails(1, &["person", typed]);
        assert_eq!(
            stderr.trim_end(),
            format!(
                "error: {typed:?} may be the name of 2 people: \"V. V. Barchuk\", \"Vladimir Barchuk\"; name one of them (with initials or given names)"
            )
        );
        let stderr = env.fails(1, &["list", "--person", typed]);
        assert!(stderr.contains("may be the name of 2 people"), "{stderr}");
    }
    assert_eq!(keys(&env, &["--person", "Barchuk V.V."]), ["dev"]);
    assert_eq!(keys(&env, &["--person", "Vladimir Barchuk"]), ["drugs"]);
    assert_eq!(keys(&env, &["--person", "Ivanova"]), ["osce"]);
    let stats = env.ok(&[
        "stats", "--by", "year", "--person", "Ivanova", "--format", "csv",
    ]);
    assert_eq!(stats, "year,events\n2022,1\n");
    // Curation.
    env.ok(&["person", "alias", "Barchuk V.V.", "Valery Barchuk"]);
    env.ok(&["person", "rename", "Ivanova", "Anna Ivanova"]);
    assert!(
        env.ok(&["person", "A. Ivanova"])
            .starts_with("Anna Ivanova (also A. Ivanova): 1")
    );
    env.ok(&["person", "merge", "Valery Barchuk", "Vladimir Barchuk"]);
    assert!(
        env.ok(&["person", "Barchuk"])
            .starts_with("V. V. Barchuk (also Valery Barchuk, Vladimir Barchuk): 2 participations")
    );
    // Two people whose names are one spelling: said so, with the merge that makes them one.
    env.ok(&["add-participant", "osce", "--name", "Barchuk V.V."]);
    let stderr = env.fails(1, &["person", "V.V. Barchuk"]);
    assert_eq!(
        stderr.trim_end(),
        "error: \"V.V. Barchuk\" is written like the name of 2 people: \"Barchuk V.V.\", \"V. V. Barchuk\"; name one of them, or, if they are one person, make them one with `events person merge`"
    );
    // Adding a participant takes the name as given: a new person.
    let out = env.run(&["add-participant", "osce", "--name", "Coninsx"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        env.ok(&["person", "Coninsx", "--format", "json"])
            .contains("\"name\": \"Coninsx\""),
    );
}

#[test]
fn did_you_mean_names_each_one_once_accents_aside() {
    let Some(env) = fixture() else { return };
    // By the initialism its names give; once, though it has two names that give it.
    let out = env.run(&["list", "--org", "UNDOC"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.starts_with(
            "No organization is called \"UNDOC\"; did you mean \"UN Office on Drugs and Crime\""
        ),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.matches("Drugs and Crime").count(),
        1,
        "{}",
        out.stderr
    );
    // By an alias, under the own name.
    env.ok(&["org", "alias", "OSCE", "Organisation pour la sécurité"]);
    let out = env.run(&["list", "--org", "Organisation pour la securite et"]);
    assert_eq!(
        out.stderr,
        "No organization is called \"Organisation pour la securite et\"; did you mean \"Organization for Security and Co-operation in Europe\"?\n"
    );
    // Accents aside: "Okotrust" is Ökotrust more than Okotrusts.
    let out = env.run(&["people", "--org", "Okotrust"]);
    assert!(
        out.stderr.starts_with(
            "No organization is called \"Okotrust\"; did you mean \"Ökotrust\" or \"Okotrusts\"?"
        ),
        "{}",
        out.stderr
    );
    let stderr = env.fails(1, &["person", "Michele Coninx"]);
    assert_eq!(
        stderr.trim_end(),
        "error: no person is called \"Michele Coninx\"; did you mean \"Michèle Coninsx\"?"
    );
    let stderr = env.fails(1, &["person", "Barchuck"]);
    assert_eq!(
        stderr.trim_end(),
        "error: no person is called \"Barchuck\"; did you mean \"V. V. Barchuk\" or \"Vladimir Barchuk\"?"
    );
}

#[test]
fn orgs_shows_the_initialisms_names_give() {
    let Some(env) = fixture() else { return };
    let initialisms_of = |name: &str| -> serde_json::Value {
        let orgs: serde_json::Value =
            serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
        orgs.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .map(|o| o["initialisms"].clone())
            .unwrap_or_default()
    };
    // Two organizations give UNDP: `--org UNDP` names neither, so neither shows it.
    assert_eq!(
        initialisms_of("United Nations Development Programme"),
        serde_json::json!([])
    );
    assert_eq!(
        initialisms_of("United Nations Drug Programme"),
        serde_json::json!([])
    );
    env.ok(&[
        "org",
        "alias",
        "United Nations Drug Programme",
        "Drug Programme of the UN",
    ]);
    env.ok(&[
        "org",
        "alias",
        "United Nations Development Programme",
        "UNDP",
    ]);
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
    let of = |name: &str| -> serde_json::Value {
        orgs.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .map(|o| o["initialisms"].clone())
            .unwrap_or_default()
    };
    // Once, from the name and its alias alike.
    assert_eq!(
        of("UN Office on Drugs and Crime"),
        serde_json::json!(["UNODC"])
    );
    // Not one that is a name already.
    assert_eq!(
        of("United Nations Development Programme"),
        serde_json::json!([])
    );
    // Not one that is another's name or alias: that one wins.
    assert_eq!(
        of("United Nations Drug Programme"),
        serde_json::json!(["DPUN"])
    );
    assert_eq!(
        of("Organization for Security and Co-operation in Europe"),
        serde_json::json!(["OSCE"])
    );
    assert_eq!(of("Ökotrust"), serde_json::json!([]));
    let table = env.ok(&["orgs"]);
    assert!(
        table.contains("│ United Nations Development Programme"),
        "{table}"
    );
    assert!(table.contains("│ (also UNDP)"), "{table}");
    assert!(table.contains("│ (derived DPUN)"), "{table}");
    let csv = env.ok(&["orgs", "--format", "csv"]);
    assert!(
        csv.contains("\nUnited Nations Drug Programme,Drug Programme of the UN,DPUN,"),
        "{csv}"
    );
}

#[test]
fn the_seed_abbreviations_find_the_seed_seminar_after_the_quick_start() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    for org in ["UNCCT", "UNOCT", "UNODC", "UNRCCA", "RATS SCO"] {
        let keys = keys(&env, &["--org", org]);
        assert!(
            keys.contains(&"rats-2021-03".to_string()),
            "{org}: {keys:?}"
        );
    }
    // A derived one, on the example data: the UN Counter-Terrorism Centre.
    assert_eq!(
        keys(&env, &["--org", "UNCTC", "--org-role", "organizer"]),
        ["rats-2021-03", "unodc-2022-06"]
    );
    let stderr = env.fails(1, &["person", "Barchuk"]);
    assert!(
        stderr.contains("\"V. V. Barchuk\", \"Vladimir Barchuk\""),
        "{stderr}"
    );
    // The head of a delegation, found as a person is.
    assert_eq!(keys(&env, &["--head", "Barchuk V.V."]), ["rats-2021-03"]);
    let stderr = env.fails(1, &["list", "--head", "Barchuk"]);
    assert!(stderr.contains("may be the name of 2 people"), "{stderr}");
    assert!(
        env.ok(&["person", "Barchuk V.V."])
            .starts_with("V. V. Barchuk: 2 participations")
    );
}

/// An alias written as an abbreviation wins over the initialisms of other organizations'
/// names however it is typed: case, dots and spaces aside.
#[test]
fn an_alias_wins_over_initialisms_with_dots_and_spaces_too() {
    let Some(env) = fixture() else { return };
    env.ok(&[
        "org",
        "alias",
        "United Nations Development Programme",
        "UNDP",
    ]);
    for typed in ["UNDP", "undp", "U.N.D.P.", "U N D P", "u.n.d.p"] {
        assert_eq!(keys(&env, &["--org", typed]), ["dev"], "{typed}");
    }
    // Where several organizations have names written so, none is chosen.
    env.ok(&["org", "alias", "United Nations Drug Programme", "U.N.D.P."]);
    let err = env.fails(1, &["list", "--org", "u n d p"]);
    assert!(
        err.starts_with("error: \"u n d p\" is written like the names of 2 organizations:"),
        "{err}"
    );
    // Not a name written in capitals: "Okotrust" is no abbreviation of "Ökotrust".
    let out = env.run(&["list", "--org", "Okotrust"]);
    assert!(
        out.stderr.starts_with("No organization is called"),
        "{}",
        out.stderr
    );
}

/// A person typed surname first, or with a shortened given name, or with more initials than
/// a record has.
#[test]
fn people_typed_surname_first_or_shortened() {
    let Some(env) = fixture() else { return };
    let out = env.ok(&["person", "Barchuk Vladimir"]);
    assert!(
        out.starts_with("Vladimir Barchuk: 1 participation"),
        "{out}"
    );
    // "Vl." may be Vladimir, and V. V. Barchuk's first initial is V: both are listed.
    let err = env.fails(1, &["person", "Vl. Barchuk"]);
    assert!(
        err.contains("\"V. V. Barchuk\", \"Vladimir Barchuk\""),
        "{err}"
    );
    // A second initial that no record of Vladimir Barchuk has is not read as him.
    let err = env.fails(1, &["person", "V. L. Barchuk"]);
    assert!(err.starts_with("error: no person is called"), "{err}");
    // Surname first in capitals, as documents write it; a shortened given name after it.
    for typed in ["BARCHUK Vladimir", "BARCHUK VLADIMIR", "Barchuk VLADIMIR"] {
        let out = env.ok(&["person", typed]);
        assert!(
            out.starts_with("Vladimir Barchuk: 1 participation"),
            "{typed}: {out}"
        );
    }
    let err = env.fails(1, &["person", "Barchuk Vl."]);
    assert!(
        err.contains("\"V. V. Barchuk\", \"Vladimir Barchuk\""),
        "{err}"
    );
    // Written surname first, a new person gets the near-name note.
    let out = env.run(&["add-participant", "osce", "--name", "BARCHUK Vladimir"]);
    assert!(
        out.stderr
            .contains("note: new person \"BARCHUK Vladimir\"; did you mean \"Vladimir Barchuk\"?"),
        "{}",
        out.stderr
    );
}

#[test]
fn did_you_mean_suggests_only_relevant_names() {
    let Some(env) = fixture() else { return };
    for organizer in ["A", "UN Counter-Terrorism Centre"] {
        env.ok(&[
            "add-event",
            "--title",
            "T",
            "--start",
            "2023-01-01",
            "--organizer",
            organizer,
        ]);
    }
    // Not the one-letter "A", contained in almost anything; not "United Nations Drug
    // Programme", alike in letters but with no word in common.
    let out = env.run(&["list", "--org", "UN Counter Terrorism Centr"]);
    assert_eq!(
        out.stderr,
        "No organization is called \"UN Counter Terrorism Centr\"; did you mean \"UN Counter-Terrorism Centre\"?\n"
    );
    let out = env.run(&["list", "--org", "Asia Pacific Group"]);
    assert_eq!(
        out.stderr,
        "No organization is called \"Asia Pacific Group\"\n"
    );
    // A name with no letter is like no one's.
    let stderr = env.fails(1, &["person", "."]);
    assert_eq!(stderr.trim_end(), "error: no person is called \".\"");
}

#[test]
fn a_merge_of_one_names_both_as_typed() {
    let Some(env) = fixture() else { return };
    let before = env.dump();
    // One by its initialism, the other by an alias: both as typed, then the one they are.
    let stderr = env.fails(
        1,
        &[
            "org",
            "merge",
            "unodc",
            "United Nations Office on Drugs and Crime",
        ],
    );
    assert_eq!(
        stderr.trim_end(),
        "error: \"unodc\" and \"United Nations Office on Drugs and Crime\" are already the same organization, \"UN Office on Drugs and Crime\""
    );
    let stderr = env.fails(1, &["person", "merge", "Barchuk V.V.", "V. V. Barchuk"]);
    assert_eq!(
        stderr.trim_end(),
        "error: \"Barchuk V.V.\" and \"V. V. Barchuk\" are already the same person, \"V. V. Barchuk\""
    );
    assert_eq!(env.dump(), before, "nothing was written");
}

/// A new person whose name is a known one written in another order gets the near-name note,
/// on the command line and in an import; created all the same.
#[test]
fn a_new_person_written_in_another_order_gets_a_note() {
    let Some(env) = fixture() else { return };
    let out = env.run(&["add-participant", "osce", "--name", "Barchuk V.V."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("note: new person \"Barchuk V.V.\"; did you mean \"V. V. Barchuk\"?"),
        "{}",
        out.stderr
    );
    let file = env.file("p.csv", "event,name\nosce,\"Coninsx, Michèle\"\n");
    let out = env.run(&["import", &file]);
    assert!(
        out.stderr
            .contains("new person \"Coninsx, Michèle\"; did you mean \"Michèle Coninsx\"?"),
        "{}",
        out.stderr
    );
}
