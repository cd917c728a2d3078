//! Issue 11: the operation log (`events log`, `log show`, `--prune`), `events undo` (and
//! redo), `events edit` in an editor, and `--if-unchanged-since`; on both backends.

use std::path::Path;

use serde_json::Value;

use crate::util::{Env, Output, add, ids, record_seed, without_last_change};

/// The log as `log --format json` gives it (with these flags), newest first.
fn log(env: &Env, flags: &[&str]) -> Vec<Value> {
    let mut args = vec!["log", "--format", "json"];
    args.extend_from_slice(flags);
    let out = env.ok(&args);
    let value: Value = serde_json::from_str(&out).expect("log JSON");
    value.as_array().expect("an array").clone()
}

/// The newest operation.
fn newest(env: &Env) -> Value {
    log(env, &["--limit", "1"])
        .into_iter()
        .next()
        .expect("an operation in the log")
}

fn op_id(op: &Value) -> String {
    op["id"].as_i64().expect("an operation id").to_string()
}

/// Everything a user can read of the records: the list, each event as `show` gives it (JSON,
/// and the table, which shows the participations' ids), the organizations and the people.
fn state(env: &Env) -> String {
    let list = env.ok(&["list", "--format", "json"]);
    let mut all = list.clone();
    for id in ids(&list) {
        let id = id.to_string();
        all.push_str(&env.ok(&["show", &id, "--format", "json"]));
        all.push_str(&without_last_change(&env.ok(&["show", &id])));
    }
    all.push_str(&env.ok(&["orgs", "--format", "json"]));
    all.push_str(&env.ok(&["people", "--format", "json"]));
    all
}

/// The seed seminar, with a head of delegation and a second event.
fn seeded(env: &Env) -> String {
    let id = record_seed(env);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "A. Head",
        "--org",
        "UN Office on Drugs and Crime",
        "--role",
        "head of delegation",
        "--head",
    ]);
    add(
        env,
        "Workshop on border security",
        "2022-05-10",
        "2022-05-11",
        &[
            "--key",
            "ws-2022",
            "--organizer",
            "UN Office on Drugs and Crime",
            "--tag",
            "borders",
        ],
    );
    id
}

/// The event's fields as `show --format json` gives them.
fn shown(env: &Env, reference: &str) -> Value {
    serde_json::from_str(&env.ok(&["show", reference, "--format", "json"])).expect("JSON")
}

/// The change to `kind` `id` in an operation.
fn change<'a>(op: &'a Value, kind: &str, id: i64) -> &'a Value {
    op["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["kind"] == kind && c["id"] == id)
        .unwrap_or_else(|| panic!("no change to {kind} {id} in {op:#}"))
}

fn event_id(env: &Env, reference: &str) -> i64 {
    shown(env, reference)["id"].as_i64().expect("an id")
}

#[test]
fn every_write_is_logged_with_its_command_summary_and_states() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    let event: i64 = id.parse().unwrap();
    // add-event: the event created, and each organization new to the database.
    let ops = log(&env, &[]);
    assert_eq!(ops.len(), 3, "{ops:#?}");
    let first = ops.last().unwrap();
    assert_eq!(first["command"], "add-event");
    assert_eq!(
        first["summary"],
        format!(
            "event {event} \"Virtual regional seminar on judicial and law enforcement cooperation and information exchange\" created; 4 organizations created"
        )
    );
    let made = change(first, "event", event);
    assert_eq!(made["before"], Value::Null);
    assert_eq!(made["after"]["title"], shown(&env, &id)["title"]);
    assert_eq!(made["after"]["key"], "rats-2021-03");
    let orgs: Vec<&Value> = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "organization")
        .collect();
    assert_eq!(orgs.len(), 4, "three organizers and a partner: {first:#}");
    assert!(
        orgs.iter()
            .all(|c| c["before"].is_null() && c["after"]["name"].is_string())
    );
    for key in [
        "id",
        "at",
        "user",
        "os_user",
        "command",
        "summary",
        "undoes",
        "undone_by",
        "changes",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first:#}");
    }
    for key in ["kind", "id", "label", "before", "after"] {
        assert!(made.get(key).is_some(), "{key} in {made:#}");
    }
    // add-participant: the event changed (a participation more), the person created.
    let second = &ops[1];
    assert_eq!(second["command"], "add-participant");
    let c = change(second, "event", event);
    assert_eq!(c["before"]["participants"].as_array().unwrap().len(), 0);
    assert_eq!(c["after"]["participants"].as_array().unwrap().len(), 1);
    assert_eq!(
        c["after"]["participants"][0]["person"]["name"],
        "V. V. Barchuk"
    );
    assert!(
        second["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "person" && c["before"].is_null())
    );

    // Each command, and what its newest operation says.
    let steps: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["edit-event", &id, "--location", "Almaty"],
            "edit-event",
        ),
        (
            vec!["edit-participant", "1", "--position", "Director"],
            "edit-participant",
        ),
        (
            vec![
                "org",
                "alias",
                "UN Office on Drugs and Crime",
                "UNODC office",
            ],
            "org alias",
        ),
        (
            vec![
                "org",
                "alias",
                "UN Office on Drugs and Crime",
                "UNODC office",
                "--remove",
            ],
            "org alias",
        ),
        (
            vec!["org", "rename", "UN Counter-Terrorism Centre", "UNCCT"],
            "org rename",
        ),
        (
            vec!["person", "alias", "V. V. Barchuk", "Vladimir Barchuk"],
            "person alias",
        ),
        (
            vec!["person", "rename", "V. I. Voronkov", "Vladimir Voronkov"],
            "person rename",
        ),
        (vec!["remove-participant", "2"], "remove-participant"),
    ];
    for (args, command) in steps {
        let before = log(&env, &[]).len();
        env.ok(&args);
        let ops = log(&env, &[]);
        assert_eq!(ops.len(), before + 1, "one operation for {args:?}");
        assert_eq!(ops[0]["command"], command, "{args:?}: {:#}", ops[0]);
        assert!(!ops[0]["summary"].as_str().unwrap().is_empty());
    }
    // The fields edited, before and after.
    let edit = log(&env, &[])
        .into_iter()
        .find(|op| op["command"] == "edit-event")
        .unwrap();
    let c = change(&edit, "event", event);
    assert_eq!(c["before"]["location"], Value::Null);
    assert_eq!(c["after"]["location"], "Almaty");
    assert_eq!(
        edit["summary"],
        format!(
            "event {event} \"{}\": location changed",
            shown(&env, &id)["title"].as_str().unwrap()
        )
    );
    let renamed = log(&env, &[])
        .into_iter()
        .find(|op| op["command"] == "person rename")
        .unwrap();
    assert!(
        renamed["summary"]
            .as_str()
            .unwrap()
            .ends_with("\"V. I. Voronkov\" renamed \"Vladimir Voronkov\""),
        "{renamed:#}"
    );
    let edited = log(&env, &[])
        .into_iter()
        .find(|op| op["command"] == "edit-participant")
        .unwrap();
    let c = change(&edited, "event", event);
    assert_eq!(
        c["before"]["participants"][0]["position"],
        "Deputy Director"
    );
    assert_eq!(c["after"]["participants"][0]["position"], "Director");
    assert_eq!(c["after"]["participants"][0]["id"], 1);
    // A rename: the organization's own name before and after, the old one an alias after.
    let rename = log(&env, &[])
        .into_iter()
        .find(|op| op["command"] == "org rename")
        .unwrap();
    let c = &rename["changes"][0];
    assert_eq!(c["kind"], "organization");
    assert_eq!(c["before"]["name"], "UN Counter-Terrorism Centre");
    assert_eq!(c["after"]["name"], "UNCCT");
    assert!(
        c["after"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&Value::from("UN Counter-Terrorism Centre"))
    );

    // A merge names both, the one merged away removed.
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-09-01",
        "--organizer",
        "UNODC Vienna",
    ]);
    env.ok(&[
        "org",
        "merge",
        "UN Office on Drugs and Crime",
        "UNODC Vienna",
    ]);
    let merge = newest(&env);
    assert_eq!(merge["command"], "org merge");
    assert!(
        merge["summary"]
            .as_str()
            .unwrap()
            .contains("\"UNODC Vienna\" into \"UN Office on Drugs and Crime\""),
        "{merge:#}"
    );
    let gone = merge["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "organization" && c["after"].is_null())
        .expect("the organization merged away");
    assert_eq!(gone["before"]["name"], "UNODC Vienna");
    assert!(
        merge["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "event"),
        "the event whose organizer moved: {merge:#}"
    );
    env.ok(&["person", "merge", "V. V. Barchuk", "Vladimir Voronkov"]);
    assert_eq!(newest(&env)["command"], "person merge");

    // An import is one operation, whatever it holds.
    let file = env.file(
        "two.json",
        r#"[{"key": "a-2021", "title": "A", "start": "2021-10-01"},
            {"key": "b-2021", "title": "B", "start": "2021-11-01", "organizers": ["New Org"]},
            {"key": "rats-2021-03", "region": "Eurasia"}]"#,
    );
    env.ok(&["import", &file]);
    let import = newest(&env);
    assert_eq!(import["command"], "import");
    let changes = import["changes"].as_array().unwrap();
    assert_eq!(
        changes.iter().filter(|c| c["kind"] == "event").count(),
        3,
        "{import:#}"
    );
    let c = change(&import, "event", event);
    assert_eq!(c["before"]["region"], "Central Asia");
    assert_eq!(c["after"]["region"], "Eurasia");

    // remove-event: the event as it was, and nothing after.
    env.ok(&["remove-event", "a-2021", "--yes"]);
    let removed = newest(&env);
    assert_eq!(removed["command"], "remove-event");
    assert_eq!(removed["changes"][0]["after"], Value::Null);
    assert_eq!(removed["changes"][0]["before"]["title"], "A");

    // A command that changes nothing logs nothing.
    let before = log(&env, &[]).len();
    env.ok(&["edit-event", &id, "--location", "Almaty"]);
    env.ok(&["org", "alias", "UNCCT", "UNCCT"]);
    assert_eq!(log(&env, &[]).len(), before);
}

#[test]
fn an_empty_log_says_so_and_succeeds() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&["log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("The log is empty"), "{}", out.stderr);
    add(&env, "One", "2021-01-05", "2021-01-05", &[]);
    let out = env.run(&["log", "--user", "no-such-user"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("No operation in the log matches"),
        "{}",
        out.stderr
    );
    let out = env.run(&["log", "--user", "no-such-user", "--format", "json"]);
    assert_eq!(out.stdout.trim(), "[]");
}

#[test]
fn the_log_table_and_log_show() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    env.ok(&[
        "edit-event",
        &id,
        "--location",
        "Almaty",
        "--add-tag",
        "cooperation",
        "--remove-tag",
        "SALW",
    ]);
    let edit = op_id(&newest(&env));
    let table = env.ok(&["log"]);
    assert!(table.contains("edit-event"), "{table}");
    assert!(table.contains("add-participant"), "{table}");
    assert!(table.contains("At (UTC)"), "{table}");
    // Newest first.
    assert!(table.find("edit-event").unwrap() < table.find("add-event").unwrap());
    let diff = env.ok(&["log", "show", &edit]);
    assert!(
        diff.starts_with(&format!("Operation {edit}: edit-event")),
        "{diff}"
    );
    assert!(diff.contains("location: (none) -> \"Almaty\""), "{diff}");
    assert!(
        diff.contains("tags: added \"cooperation\"; removed \"SALW\""),
        "{diff}"
    );
    // A participant edited, field by field, by participation id.
    env.ok(&[
        "edit-participant",
        "1",
        "--role",
        "speaker",
        "--position",
        "",
    ]);
    let diff = env.ok(&["log", "show", &op_id(&newest(&env))]);
    assert!(
        diff.contains("changed 1 (\"V. V. Barchuk\"): position \"Deputy Director\" -> (none); role \"head of delegation\" -> \"speaker\""),
        "{diff}"
    );
    // Removed, created.
    env.ok(&["remove-participant", "2"]);
    let diff = env.ok(&["log", "show", &op_id(&newest(&env))]);
    assert!(diff.contains("removed 2: \"V. I. Voronkov\""), "{diff}");
    env.ok(&["remove-event", "ws-2022", "--yes"]);
    let diff = env.ok(&["log", "show", &op_id(&newest(&env))]);
    assert!(
        diff.contains("\"Workshop on border security\" removed"),
        "{diff}"
    );
    let diff = env.ok(&["log", "show", "1"]);
    assert!(diff.contains("created"), "{diff}");
    assert!(
        diff.contains("  title: \"Virtual regional seminar"),
        "{diff}"
    );
    assert!(
        !diff.contains("(none) ->"),
        "a new record shows its fields: {diff}"
    );
    // A rename: the name before and after, the old one an alias.
    env.ok(&["org", "rename", "UN Office on Drugs and Crime", "UNODC"]);
    let diff = env.ok(&["log", "show", &op_id(&newest(&env))]);
    assert!(
        diff.contains("  name: \"UN Office on Drugs and Crime\" -> \"UNODC\""),
        "{diff}"
    );
    assert!(
        diff.contains("  aliases: added \"UN Office on Drugs and Crime\""),
        "{diff}"
    );
    // JSON: the one operation.
    let one: Value =
        serde_json::from_str(&env.ok(&["log", "show", &edit, "--format", "json"])).unwrap();
    assert_eq!(one["id"].to_string(), edit);
    assert_eq!(one["changes"][0]["after"]["location"], "Almaty");
    // An operation there is not.
    let err = env.fails(1, &["log", "show", "9999"]);
    assert!(err.contains("no operation 9999 in the log"), "{err}");
}

#[test]
fn user_text_in_the_log_is_escaped() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "Evil \u{1b}]2;pwned\u{7} title",
        "2021-01-05",
        "2021-01-05",
        &[],
    );
    for args in [&["log"][..], &["log", "show", "1"]] {
        let out = env.ok(args);
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }
}

#[test]
fn the_log_filters() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    env.ok(&["edit-event", "ws-2022", "--location", "Bishkek"]);
    let other = add(
        &env,
        "Gone soon",
        "2023-01-01",
        "2023-01-01",
        &["--key", "gone"],
    );
    env.ok(&["remove-event", "gone", "--yes"]);
    let all = log(&env, &[]);
    assert_eq!(all.len(), 8);
    // Fixed times, a day apart, oldest first.
    let mut sql = String::new();
    for (i, op) in all.iter().rev().enumerate() {
        sql.push_str(&format!(
            "UPDATE operation SET at = '2021-02-{:02}T10:00:00.000000Z' WHERE id = {};\n",
            i + 1,
            op["id"]
        ));
    }
    env.sql(&sql);
    let ats = |ops: &[Value]| -> Vec<String> {
        ops.iter()
            .map(|o| o["at"].as_str().unwrap()[..10].to_string())
            .collect()
    };
    assert_eq!(
        ats(&log(&env, &["--since", "2021-02-07"])),
        ["2021-02-08", "2021-02-07"]
    );
    // --until is inclusive of its day.
    assert_eq!(
        ats(&log(&env, &["--until", "2021-02-02"])),
        ["2021-02-02", "2021-02-01"]
    );
    assert_eq!(
        ats(&log(
            &env,
            &[
                "--since",
                "2021-02-03T10:00:00Z",
                "--until",
                "2021-02-04T09:59:59Z"
            ]
        )),
        ["2021-02-03"]
    );
    assert_eq!(
        ats(&log(
            &env,
            &[
                "--since",
                "2021-02-03T12:00:00+02:00",
                "--until",
                "2021-02-04"
            ]
        )),
        ["2021-02-04", "2021-02-03"]
    );
    let err = env.fails(1, &["log", "--since", "2021-02-30"]);
    assert!(err.contains("invalid --since \"2021-02-30\""), "{err}");
    let err = env.fails(1, &["log", "--until", "last week"]);
    assert!(err.contains("invalid --until \"last week\""), "{err}");
    // --limit: the newest.
    assert_eq!(
        ats(&log(&env, &["--limit", "2"])),
        ["2021-02-08", "2021-02-07"]
    );
    // --event: by id, key; a removed event's id still works.
    let seminar = log(&env, &["--event", "rats-2021-03"]);
    assert_eq!(seminar.len(), 4, "{seminar:#?}");
    assert_eq!(log(&env, &["--event", &id]).len(), 4);
    let gone = log(&env, &["--event", &other]);
    assert_eq!(
        gone.iter()
            .map(|o| o["command"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["remove-event", "add-event"]
    );
    let err = env.fails(1, &["log", "--event", "no-such-key"]);
    assert!(err.contains("no event with key \"no-such-key\""), "{err}");
    // --org: by name, alias or initialism; the events it organized count.
    let unodc = log(&env, &["--org", "UN Office on Drugs and Crime"]);
    let commands: Vec<&str> = unodc
        .iter()
        .map(|o| o["command"].as_str().unwrap())
        .collect();
    assert!(commands.contains(&"edit-event"), "{commands:?}");
    assert_eq!(log(&env, &["--org", "UNODC"]), unodc);
    assert!(
        !unodc.iter().any(|o| o["id"] == all[0]["id"]),
        "not the removal of an event it had nothing to do with"
    );
    // A name no one has: nothing, and the closest names said (as `list --org` does).
    let out = env.run(&["log", "--org", "UN Office on Drugs and Crim"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    assert!(
        out.stderr.contains(
            "No organization is called \"UN Office on Drugs and Crim\"; did you mean \"UN Office on Drugs and Crime\""
        ),
        "{}",
        out.stderr
    );
    // --user: the role or the OS user, any case.
    let user = all[0]["user"].as_str().unwrap().to_string();
    assert_eq!(log(&env, &["--user", &user.to_uppercase()]).len(), 8);
    assert_eq!(log(&env, &["--user", "no-such-user"]).len(), 0);
}

#[test]
fn prune_asks_or_needs_yes_and_keeps_the_records() {
    let Some(env) = Env::new() else { return };
    seeded(&env);
    let all = log(&env, &[]);
    let mut sql = String::new();
    for (i, op) in all.iter().rev().enumerate() {
        let day = if i < 3 { "2021-01-10" } else { "2022-01-10" };
        sql.push_str(&format!(
            "UPDATE operation SET at = '{day}T10:00:00.000000Z' WHERE id = {};\n",
            op["id"]
        ));
    }
    env.sql(&sql);
    let records = state(&env);
    // No terminal, no --yes: refused, nothing dropped.
    let err = env.fails(1, &["log", "--prune", "--before", "2022-01-01"]);
    assert!(err.contains("--yes"), "{err}");
    assert!(err.contains("3 operations"), "{err}");
    assert_eq!(log(&env, &[]).len(), all.len());
    let out = env.run(&["log", "--prune", "--before", "2022-01-01", "--yes"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("Dropped 3 operations"),
        "{}",
        out.stderr
    );
    assert_eq!(log(&env, &[]).len(), all.len() - 3);
    assert_eq!(state(&env), records, "the records stay as they are");
    // Nothing more before then.
    let out = env.run(&["log", "--prune", "--before", "2022-01-01"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("nothing pruned"), "{}", out.stderr);
    // A pruned operation is no more.
    let err = env.fails(1, &["log", "show", &all.last().unwrap()["id"].to_string()]);
    assert!(err.contains("was pruned"), "{err}");
    // --before is needed, and goes with --prune only.
    assert_eq!(env.run(&["log", "--prune"]).code, 2);
    assert_eq!(env.run(&["log", "--before", "2022-01-01"]).code, 2);
}

/// Runs `args`, then `events undo`: the records must be back exactly as they were.
fn undone_exactly(env: &Env, args: &[&str]) {
    let before = state(env);
    let out = env.run(args);
    assert_eq!(out.code, 0, "events {args:?}: {}", out.stderr);
    let after = state(env);
    assert_ne!(after, before, "events {args:?} changed nothing");
    let op = newest(env);
    let out = env.run(&["undo"]);
    assert_eq!(out.code, 0, "undo of {args:?}: {}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("Undid operation {}", op_id(&op))),
        "{}",
        out.stderr
    );
    assert_eq!(state(env), before, "undo of events {args:?}");
    // And undoing the undo redoes.
    let out = env.run(&["undo"]);
    assert_eq!(out.code, 0, "redo of {args:?}: {}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("Redid operation {}", op_id(&op))),
        "{}",
        out.stderr
    );
    assert_eq!(state(env), after, "redo of events {args:?}");
    let out = env.run(&["undo"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(state(env), before, "undo of the redo of events {args:?}");
}

#[test]
fn undo_restores_each_kind_of_write_exactly() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    undone_exactly(
        &env,
        &[
            "add-event",
            "--title",
            "New one",
            "--start",
            "2021-06-01",
            "--organizer",
            "A brand new organization",
            "--partner",
            "UN Office on Drugs and Crime",
            "--tag",
            "x",
        ],
    );
    undone_exactly(
        &env,
        &[
            "add-participant",
            &id,
            "--name",
            "Someone New",
            "--org",
            "Another new organization",
            "--session",
            "A new session",
            "--head",
        ],
    );
    undone_exactly(
        &env,
        &[
            "edit-event",
            &id,
            "--title",
            "Renamed",
            "--start",
            "2021-04-01",
            "--location",
            "Almaty",
            "--add-organizer",
            "Yet another organization",
            "--remove-partner",
            "UN Regional Centre for Preventive Diplomacy for Central Asia",
            "--tag",
            "one",
            "--rename-session",
            "The role of international and regional organizations",
            "Session one",
        ],
    );
    undone_exactly(
        &env,
        &[
            "edit-event",
            &id,
            "--remove-session",
            "The role of international and regional organizations",
        ],
    );
    undone_exactly(
        &env,
        &[
            "edit-participant",
            "1",
            "--name",
            "A Newcomer",
            "--org",
            "UN Office on Drugs and Crime",
            "--no-head",
        ],
    );
    undone_exactly(&env, &["edit-participant", "3", "--no-head"]);
    undone_exactly(&env, &["remove-participant", "3"]);
    undone_exactly(&env, &["remove-event", &id, "--yes"]);
    undone_exactly(
        &env,
        &["org", "alias", "UN Office on Drugs and Crime", "UNODC HQ"],
    );
    env.ok(&["org", "alias", "UN Office on Drugs and Crime", "UNODC HQ"]);
    undone_exactly(
        &env,
        &[
            "org",
            "alias",
            "UN Office on Drugs and Crime",
            "UNODC HQ",
            "--remove",
        ],
    );
    undone_exactly(&env, &["person", "alias", "V. V. Barchuk", "Barchuk V.V."]);
    undone_exactly(
        &env,
        &["org", "rename", "UN Office on Drugs and Crime", "UNODC"],
    );
    undone_exactly(
        &env,
        &["person", "rename", "V. V. Barchuk", "Vladimir Barchuk"],
    );
    undone_exactly(
        &env,
        &[
            "org",
            "merge",
            "UN Office on Drugs and Crime",
            "RATS SCO Executive Committee",
        ],
    );
    undone_exactly(&env, &["person", "merge", "V. V. Barchuk", "A. Head"]);
    let file = env.file(
        "several.json",
        r#"[{"key": "imp-1", "title": "Imported one", "start": "2021-10-01",
             "organizers": ["Imported organization"],
             "participants": [{"name": "Imported Person", "organization": "UN Office on Drugs and Crime"}]},
            {"key": "imp-2", "title": "Imported two", "start": "2021-11-01", "tags": ["t"]},
            {"key": "rats-2021-03", "location": "Tashkent", "tags": ["updated"]},
            {"key": "ws-2022", "title": "Workshop on border security", "start": "2022-05-10",
             "participants": [{"name": "V. V. Barchuk", "organization": "RATS SCO Executive Committee", "head": true}]},
            {"organization": "UN Office on Drugs and Crime", "aliases": ["UNODC imported"]}]"#,
    );
    undone_exactly(&env, &["import", &file]);
}

#[test]
fn undo_of_the_editor_s_save_restores_the_event() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let editor = fake_editor(
        &env,
        "sed.sh",
        r#"sed -i -e 's/"location": null/"location": "Almaty"/' -e 's/"V. I. Voronkov"/"Someone Else"/' "$1""#,
    );
    let before = state(&env);
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(newest(&env)["command"], "edit");
    assert_ne!(state(&env), before);
    env.ok(&["undo"]);
    assert_eq!(state(&env), before);
}

#[test]
fn a_conflicting_undo_is_refused_naming_the_later_operation() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    env.ok(&["edit-event", &id, "--location", "Almaty"]);
    let first = op_id(&newest(&env));
    env.ok(&["edit-event", &id, "--title", "Later title"]);
    let later = op_id(&newest(&env));
    let dump = env.dump();
    let err = env.fails(1, &["undo", &first]);
    assert!(
        err.contains(&format!("operation {first} cannot be undone")),
        "{err}"
    );
    assert!(err.contains(&format!("operation {later}")), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(env.dump(), dump, "nothing changed");
    // An organization the operation created, used by a later event: refused too.
    env.ok(&[
        "add-event",
        "--title",
        "Makes",
        "--start",
        "2021-01-01",
        "--organizer",
        "Fresh Org",
    ]);
    let makes = op_id(&newest(&env));
    env.ok(&[
        "add-event",
        "--title",
        "Uses",
        "--start",
        "2021-01-02",
        "--organizer",
        "Fresh Org",
    ]);
    let uses = op_id(&newest(&env));
    let err = env.fails(1, &["undo", &makes]);
    assert!(err.contains(&format!("operation {uses}")), "{err}");
    // Newest first works.
    env.ok(&["undo", &uses]);
    env.ok(&["undo", &makes]);
    env.ok(&["undo", &later]);
    let undo_of_later = op_id(&newest(&env));
    // ... unless what was undone is redone: then it stands in the way again.
    env.ok(&["undo", &undo_of_later]);
    let err = env.fails(1, &["undo", &first]);
    assert!(err.contains(&format!("operation {later}")), "{err}");
    env.ok(&["undo", &later]);
    env.ok(&["undo", &first]);
    assert_eq!(shown(&env, &id)["location"], Value::Null);
    assert!(
        shown(&env, &id)["title"]
            .as_str()
            .unwrap()
            .starts_with("Virtual regional seminar")
    );
}

#[test]
fn undo_of_an_undo_redoes_and_undone_operations_are_marked() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    env.ok(&["edit-event", &id, "--location", "Almaty"]);
    let edit = op_id(&newest(&env));
    let out = env.run(&["undo"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(shown(&env, &id)["location"], Value::Null);
    let undo = newest(&env);
    assert_eq!(undo["command"], "undo");
    assert_eq!(undo["undoes"].to_string(), edit);
    assert!(
        out.stderr
            .contains(&format!("This undo is operation {}", op_id(&undo))),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("redoes it"), "{}", out.stderr);
    // Marked in the log.
    let ops = log(&env, &[]);
    let edited = ops.iter().find(|o| op_id(o) == edit).unwrap();
    assert_eq!(edited["undone_by"], undo["id"]);
    assert!(
        env.ok(&["log"])
            .contains(&format!("[undone by {}]", op_id(&undo)))
    );
    // Undone twice: refused, naming the undo.
    let err = env.fails(1, &["undo", &edit]);
    assert!(
        err.contains(&format!(
            "operation {edit} was undone already, by operation {}",
            op_id(&undo)
        )),
        "{err}"
    );
    // `events undo ID-of-undo` redoes.
    env.ok(&["undo", &op_id(&undo)]);
    assert_eq!(shown(&env, &id)["location"], "Almaty");
    let ops = log(&env, &[]);
    let edited = ops.iter().find(|o| op_id(o) == edit).unwrap();
    assert_eq!(edited["undone_by"], Value::Null, "it stands again");
    // -q: nothing said.
    let out = env.run(&["-q", "undo"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    assert_eq!(shown(&env, &id)["location"], Value::Null);
}

/// Undo, redo, undo again: the first undo stands again, so the edit is marked undone by it
/// and what came before the edit can still be undone (it was blocked by the edit).
#[test]
fn undo_redo_undo_again_leaves_the_edit_undone_and_the_older_operations_free() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    env.ok(&["edit-event", &id, "--project", "Borders"]);
    let before = op_id(&newest(&env));
    env.ok(&["edit-event", &id, "--location", "Almaty"]);
    let edit = op_id(&newest(&env));
    env.ok(&["undo"]);
    let undo = op_id(&newest(&env));
    env.ok(&["undo"]);
    let redo = op_id(&newest(&env));
    assert_eq!(shown(&env, &id)["location"], "Almaty");
    env.ok(&["undo", &redo]);
    let again = op_id(&newest(&env));
    assert_eq!(shown(&env, &id)["location"], Value::Null);
    let ops = log(&env, &[]);
    let undone_by =
        |op: &str| ops.iter().find(|o| op_id(o) == op).unwrap()["undone_by"].to_string();
    assert_eq!(
        undone_by(&edit),
        undo,
        "the edit is undone by the first undo"
    );
    assert_eq!(undone_by(&undo), "null", "which stands again");
    assert_eq!(undone_by(&redo), again);
    assert_eq!(undone_by(&again), "null");
    // Nothing stands in the way of the operation before the edit, on the same event.
    env.ok(&["undo", &before]);
    assert_ne!(shown(&env, &id)["project"], "Borders");
    assert_eq!(env.run(&["check"]).code, 0);
}

#[test]
fn undo_with_nothing_to_undo_or_no_such_operation() {
    let Some(env) = Env::new() else { return };
    let err = env.fails(1, &["undo"]);
    assert!(err.contains("nothing to undo"), "{err}");
    add(&env, "One", "2021-01-05", "2021-01-05", &[]);
    let err = env.fails(1, &["undo", "999"]);
    assert!(err.contains("no operation 999 in the log"), "{err}");
}

#[test]
fn show_says_when_and_by_whom_the_event_was_last_changed() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let json = env.ok(&["show", &id, "--format", "json"]);
    env.ok(&["edit-participant", "1", "--role", "speaker"]);
    let op = newest(&env);
    let table = env.ok(&["show", &id]);
    let line = table.lines().last().unwrap();
    assert!(line.starts_with("Last changed "), "{table}");
    assert!(
        line.contains(&format!(
            "by {}, operation {} (edit-participant)",
            op["user"].as_str().unwrap(),
            op_id(&op)
        )) || line.contains(&format!(", operation {} (edit-participant)", op_id(&op))),
        "{line}"
    );
    assert!(line.contains(&op["at"].as_str().unwrap()[..10]), "{line}");
    // The JSON does not carry it.
    env.ok(&["undo"]);
    assert_eq!(env.ok(&["show", &id, "--format", "json"]), json);
}

#[test]
fn if_unchanged_since_guards_edit_event_and_edit_participant() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let dump = env.dump();
    // Changed since 2000: refused, saying by whom, nothing written.
    let err = env.fails(
        1,
        &[
            "edit-event",
            &id,
            "--location",
            "Almaty",
            "--if-unchanged-since",
            "2000-01-01T00:00:00Z",
        ],
    );
    assert!(err.contains(&format!("event {id} was changed by")), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let err = env.fails(
        1,
        &[
            "edit-participant",
            "1",
            "--role",
            "x",
            "--if-unchanged-since",
            "2000-01-01T00:00:00+01:00",
        ],
    );
    assert!(err.contains(&format!("event {id} was changed by")), "{err}");
    assert_eq!(env.dump(), dump);
    // Unchanged since the last change: written.
    let at = log(&env, &["--event", &id, "--limit", "1"])[0]["at"]
        .as_str()
        .unwrap()
        .to_string();
    env.ok(&[
        "edit-event",
        &id,
        "--location",
        "Almaty",
        "--if-unchanged-since",
        &at,
    ]);
    assert_eq!(shown(&env, &id)["location"], "Almaty");
    env.ok(&[
        "edit-participant",
        "1",
        "--role",
        "speaker",
        "--if-unchanged-since",
        "2999-01-01T00:00:00Z",
    ]);
    // ... and now that moment is past.
    let err = env.fails(
        1,
        &[
            "edit-participant",
            "1",
            "--role",
            "x",
            "--if-unchanged-since",
            &at,
        ],
    );
    assert!(err.contains("(operation "), "{err}");
    // A moment that is not one: the flag and the value named.
    for bad in ["yesterday", "2021-03-01", "2021-03-01 10:00:00"] {
        let err = env.fails(
            1,
            &[
                "edit-event",
                &id,
                "--title",
                "X",
                "--if-unchanged-since",
                bad,
            ],
        );
        assert!(
            err.contains(&format!("invalid --if-unchanged-since {bad:?}")),
            "{err}"
        );
    }
}

// The editor.

/// A fake editor: a shell script run as `$VISUAL FILE`.
fn fake_editor(env: &Env, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = env.file(name, format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `events edit REFERENCE` with `editor` as $VISUAL (and $EDITOR a program that fails, not
/// to be run), temporary files in the test's directory.
fn edit(env: &Env, editor: &str, reference: &str) -> Output {
    let out = env
        .cmd()
        .args(["edit", reference])
        .env("VISUAL", editor)
        .env("EDITOR", "false")
        .env("TMPDIR", env.dir.path())
        .output()
        .expect("run events");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The files left in the test's directory to edit events in.
fn kept(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("events-") && n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn edit_saves_a_valid_change_as_one_operation() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    // The editor sees what `show --format json` shows, in a file named after the event.
    let editor = fake_editor(
        &env,
        "look.sh",
        r#"cp "$1" "$(dirname "$0")/seen.json"; basename "$1" > "$(dirname "$0")/name.txt"
sed -i -e 's/"location": null/"location": "Almaty"/' -e 's/"role": "opening address"/"role": "keynote"/' "$1""#,
    );
    let json = env.ok(&["show", &id, "--format", "json"]);
    let out = edit(&env, &editor, "rats-2021-03");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains(&format!("Updated event {id}")),
        "{}",
        out.stderr
    );
    let seen = std::fs::read_to_string(env.dir.path().join("seen.json")).unwrap();
    assert_eq!(seen, json);
    let name = std::fs::read_to_string(env.dir.path().join("name.txt")).unwrap();
    assert!(name.starts_with("events-rats-2021-03-"), "{name}");
    let now = shown(&env, &id);
    assert_eq!(now["location"], "Almaty");
    assert_eq!(now["participants"][1]["role"], "keynote");
    // The participations kept their ids.
    let table = env.ok(&["show", &id]);
    assert!(without_last_change(&table).contains("keynote"), "{table}");
    let op = newest(&env);
    assert_eq!(op["command"], "edit");
    assert_eq!(op["changes"].as_array().unwrap().len(), 1, "{op:#}");
    let c = change(&op, "event", event_id(&env, &id));
    let ids_before: Vec<&Value> = c["before"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    let ids_after: Vec<&Value> = c["after"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    assert_eq!(ids_before, ids_after);
    assert!(
        kept(&env).is_empty(),
        "the file is removed: {:?}",
        kept(&env)
    );
}

#[test]
fn edit_without_a_change_changes_nothing() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let dump = env.dump();
    // The editor saves nothing.
    let out = edit(&env, "true", &id);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("nothing changed"), "{}", out.stderr);
    // Another layout, no delegations, the same record: nothing either.
    let editor = fake_editor(
        &env,
        "reformat.sh",
        r#"tr -d '\n' < "$1" | sed -e 's/,  *"delegations": \[.*\]}$/}/' > "$1.new" && mv "$1.new" "$1""#,
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("nothing changed"), "{}", out.stderr);
    assert_eq!(env.dump(), dump);
    assert!(kept(&env).is_empty(), "{:?}", kept(&env));
}

/// The one file kept, named in the message; its text.
fn kept_text(env: &Env, stderr: &str) -> String {
    let files = kept(env);
    assert_eq!(files.len(), 1, "{files:?}");
    let path = env.dir.path().join(&files[0]);
    assert!(
        stderr.contains(&path.display().to_string()),
        "the message names {}: {stderr}",
        path.display()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    text
}

#[test]
fn edit_refuses_invalid_text_and_keeps_it() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let dump = env.dump();
    // Broken JSON: the line it breaks on.
    let editor = fake_editor(
        &env,
        "broken.sh",
        r#"printf '{\n  "title": "T",\n  oops\n}\n' > "$1""#,
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("line 3: broken JSON"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert!(kept_text(&env, &out.stderr).contains("oops"));
    // An invalid field: the message import gives.
    let editor = fake_editor(
        &env,
        "date.sh",
        r#"sed -i 's/"start": "2021-03-16"/"start": "2021-02-30"/' "$1""#,
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    let said = "start \"2021-02-30\": February 2021 has 28 days";
    assert!(out.stderr.contains(said), "{}", out.stderr);
    kept_text(&env, &out.stderr);
    let file = env.file(
        "bad.json",
        r#"[{"key": "k", "title": "T", "start": "2021-02-30"}]"#,
    );
    let import = env.fails(1, &["import", &file]);
    assert!(import.contains(said), "{import}");
    // An unknown field, as import says it.
    let editor = fake_editor(&env, "field.sh", r#"sed -i 's/"region":/"regoin":/' "$1""#);
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("unknown field `regoin`"),
        "{}",
        out.stderr
    );
    kept_text(&env, &out.stderr);
    // The id cannot change.
    let editor = fake_editor(
        &env,
        "id.sh",
        &format!(r#"sed -i 's/"id": {id},/"id": 77,/' "$1""#),
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("id \"77\": is not this event's id"),
        "{}",
        out.stderr
    );
    kept_text(&env, &out.stderr);
    // The editor fails: nothing written, the text kept.
    let editor = fake_editor(
        &env,
        "fails.sh",
        r#"sed -i 's/"location": null/"location": "X"/' "$1"; exit 3"#,
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("exited with status 3"),
        "{}",
        out.stderr
    );
    assert!(kept_text(&env, &out.stderr).contains("\"location\": \"X\""));
    assert_eq!(env.dump(), dump, "nothing written");
}

#[test]
fn edit_refuses_to_overwrite_a_change_made_while_editing() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let bin = assert_cmd::cargo::cargo_bin!("events");
    let target = env.target().to_string_lossy().into_owned();
    let editor = fake_editor(
        &env,
        "meanwhile.sh",
        &format!(
            r#"'{}' --db '{}' edit-event '{id}' --title 'Changed meanwhile' >/dev/null 2>&1 || exit 9
sed -i 's/"location": null/"location": "Almaty"/' "$1""#,
            bin.display(),
            target
        ),
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 1, "{out:?}");
    let meanwhile = newest(&env);
    assert_eq!(meanwhile["command"], "edit-event");
    assert!(
        out.stderr.contains(&format!(
            "event {id} was changed by {}",
            meanwhile["user"].as_str().unwrap()
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "(operation {}, edit-event) while you edited it",
            op_id(&meanwhile)
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert!(kept_text(&env, &out.stderr).contains("\"location\": \"Almaty\""));
    let now = shown(&env, &id);
    assert_eq!(now["title"], "Changed meanwhile");
    assert_eq!(now["location"], Value::Null);
}

#[test]
fn edit_of_an_event_there_is_not() {
    let Some(env) = Env::new() else { return };
    seeded(&env);
    let out = edit(&env, "true", "no-such-key");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no event with key \"no-such-key\""),
        "{}",
        out.stderr
    );
    assert!(Path::new(&env.dir.path()).exists());
    assert!(kept(&env).is_empty());
}

#[test]
fn edit_without_an_editor_or_a_terminal_says_what_to_set() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let out = env
        .cmd()
        .args(["edit", &id])
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .env("TMPDIR", env.dir.path())
        .output()
        .expect("run events");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("set $VISUAL or $EDITOR"), "{stderr}");
    assert!(kept(&env).is_empty());
    // An empty variable is as good as none: the next one is used.
    let out = env
        .cmd()
        .args(["edit", &id])
        .env("VISUAL", "")
        .env("EDITOR", "true")
        .env("TMPDIR", env.dir.path())
        .output()
        .expect("run events");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn edit_ignores_the_delegations_and_says_so() {
    let Some(env) = Env::new() else { return };
    let id = seeded(&env);
    let dump = env.dump();
    // A head named in the delegations only: nothing to save, and a note on why.
    let editor = fake_editor(
        &env,
        "head.sh",
        r#"sed -i '/"delegations"/,$ s/"head": null/"head": "V. I. Voronkov"/' "$1""#,
    );
    let out = edit(&env, &editor, &id);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("\"delegations\" is derived"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing changed"), "{}", out.stderr);
    assert_eq!(env.dump(), dump);
}

/// A change of an event's key undone and redone gives it back each time; the undo prints its
/// own operation id on standard output.
#[test]
fn a_key_change_is_undone_and_redone() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    env.ok(&["edit-event", &id, "--key", "rats-x"]);
    let undo = env.ok(&["undo"]);
    assert_eq!(undo.trim(), op_id(&newest(&env)), "the undo's id on stdout");
    assert_eq!(shown(&env, &id)["key"], "rats-2021-03");
    let redo = env.run(&["undo"]);
    assert_eq!(redo.code, 0, "{redo:?}");
    assert!(redo.stderr.contains("undoes it again"), "{}", redo.stderr);
    assert_eq!(shown(&env, &id)["key"], "rats-x");
    env.ok(&["undo"]);
    assert_eq!(shown(&env, &id)["key"], "rats-2021-03");
}

/// An undo that would take back a name or a key that a later operation gave to another
/// record is refused, naming that operation; nothing changes.
#[test]
fn an_undo_whose_name_or_key_is_taken_since_names_who_took_it() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "A",
        "--start",
        "2021-01-01",
        "--key",
        "ka",
        "--organizer",
        "Org One",
    ]);
    env.ok(&["org", "alias", "Org One", "O1"]);
    env.ok(&["org", "alias", "Org One", "O1", "--remove"]);
    let removed = op_id(&newest(&env));
    env.ok(&[
        "add-event",
        "--title",
        "B",
        "--start",
        "2021-01-02",
        "--organizer",
        "Org Two",
    ]);
    env.ok(&["org", "alias", "Org Two", "O1"]);
    let gave = op_id(&newest(&env));
    let dump = env.dump();
    let err = env.fails(1, &["undo", &removed]);
    assert!(err.contains("the name \"O1\""), "{err}");
    assert!(err.contains(&format!("by operation {gave}")), "{err}");
    assert_eq!(env.dump(), dump, "nothing changed");

    env.ok(&["remove-event", "ka", "--yes"]);
    let removal = op_id(&newest(&env));
    env.ok(&[
        "add-event",
        "--title",
        "C",
        "--start",
        "2021-02-01",
        "--key",
        "ka",
    ]);
    let took = op_id(&newest(&env));
    let dump = env.dump();
    let err = env.fails(1, &["undo", &removal]);
    assert!(err.contains("the key \"ka\""), "{err}");
    assert!(err.contains(&format!("by operation {took}")), "{err}");
    assert_eq!(env.dump(), dump, "nothing changed");
}

/// An organization an import created, used since by an event the import did not write, is
/// not removed by the import's undo, however many events the import linked it to.
#[test]
fn an_organization_an_import_created_and_used_since_blocks_its_undo() {
    let Some(env) = Env::new() else { return };
    let records: Vec<String> = (0..1005)
        .map(|i| {
            format!(
                r#"{{"key":"b{i}","title":"Event {i}","start":"2021-01-01","organizers":["Big Org"]}}"#
            )
        })
        .collect();
    let file = env.file("big.ndjson", records.join("\n"));
    env.ok(&["import", &file]);
    let import = op_id(&newest(&env));
    env.ok(&[
        "add-event",
        "--title",
        "Later",
        "--start",
        "2021-03-03",
        "--organizer",
        "Big Org",
    ]);
    let later = op_id(&newest(&env));
    let dump = env.dump();
    let err = env.fails(1, &["undo", &import]);
    assert!(err.contains(&format!("by operation {later}")), "{err}");
    assert_eq!(env.dump(), dump, "nothing changed");
}

/// The state after of an event an import created, which the log reads when asked, names
/// what it links to as they were named then, not as renamed since.
#[test]
fn an_imported_event_is_shown_in_the_log_with_the_names_of_then() {
    let Some(env) = Env::new() else { return };
    let file = env.file(
        "one.json",
        r#"[{"key":"a","title":"T","start":"2021-01-01","organizers":["Old Name"],
             "participants":[{"name":"Ann Smith","organization":"Old Name"}]}]"#,
    );
    env.ok(&["import", &file]);
    let import = op_id(&newest(&env));
    env.ok(&["org", "rename", "Old Name", "New Name"]);
    env.ok(&["person", "rename", "Ann Smith", "Ann Smith-Jones"]);
    let op = log(&env, &[])
        .into_iter()
        .find(|op| op_id(op) == import)
        .expect("the import");
    let after = &change(&op, "event", 1)["after"];
    assert_eq!(after["organizers"][0]["name"], "Old Name", "{after}");
    assert_eq!(
        after["participants"][0]["person"]["name"], "Ann Smith",
        "{after}"
    );
    assert_eq!(
        after["participants"][0]["organization"]["name"], "Old Name",
        "{after}"
    );
    // Once the event changes, its state before that change says the same.
    env.ok(&["edit-event", "a", "--title", "T2"]);
    let op = log(&env, &[])
        .into_iter()
        .find(|op| op_id(op) == import)
        .expect("the import");
    assert_eq!(
        change(&op, "event", 1)["after"]["organizers"][0]["name"],
        "Old Name"
    );
}

/// `log --event` finds a removed event by the key it had, as by its id.
#[test]
fn the_log_of_a_removed_event_is_found_by_its_key() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    env.ok(&["edit-event", &id, "--location", "Tashkent"]);
    env.ok(&["remove-event", "rats-2021-03", "--yes"]);
    let by_key = log(&env, &["--event", "rats-2021-03"]);
    let by_id = log(&env, &["--event", &id]);
    assert!(by_key.len() >= 3, "{by_key:#?}");
    assert_eq!(by_key, by_id);
    assert_eq!(by_key[0]["command"], "remove-event");
    env.fails(1, &["log", "--event", "no-such-key"]);
}
