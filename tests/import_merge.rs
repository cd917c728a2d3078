//! What an import does to what is there: JSON records merged into the events they match, the
//! changes a dry run lists, alias records anywhere in a file, badly quoted CSV, and the files
//! an interrupted import leaves behind.

use serde_json::{Value, json};

use crate::util::{Env, add, example, holds_nothing};

const SEED_KEY: &str = "rats-2021-03";

fn show(env: &Env, key: &str) -> Value {
    serde_json::from_str(&env.ok(&["show", key, "--format", "json"])).unwrap()
}

/// The rows of one table in the dump, ids and time stamps included.
fn rows(env: &Env, table: &str) -> Vec<String> {
    let prefix = format!("{table}: ");
    crate::util::typed_dump(env)
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(str::to_string)
        .collect()
}

fn import_ndjson(env: &Env, args: &[&str], lines: &[Value]) -> crate::util::Output {
    let input: Vec<String> = lines.iter().map(Value::to_string).collect();
    let mut all = vec!["import", "--format", "ndjson"];
    all.extend_from_slice(args);
    env.run_stdin(&all, input.join("\n").as_bytes())
}

#[test]
fn a_partial_record_changes_only_what_it_gives() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let before = show(&env, SEED_KEY);
    let participations = rows(&env, "participation");
    assert_eq!(participations.len(), 12, "{participations:?}");

    let out = import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "title": "New"})]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(": 0 created, 1 updated, 0 unchanged;"),
        "{}",
        out.stderr
    );
    let mut expected = before.clone();
    expected["title"] = json!("New");
    let after = show(&env, SEED_KEY);
    assert_eq!(after, expected);
    // Not one participation was written again: same rows, same ids.
    assert_eq!(rows(&env, "participation"), participations);

    // The same partial record again changes nothing.
    let dump = env.dump();
    let out = import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "title": "New"})]);
    assert!(
        out.stderr.contains(": 0 created, 0 updated, 1 unchanged;"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);
}

#[test]
fn null_and_empty_lists_clear() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let before = show(&env, SEED_KEY);
    let record = json!({"key": SEED_KEY, "description": null, "kind": null, "tags": [],
                        "organizers": null, "participants": [], "sessions": []});
    let out = import_ndjson(&env, &[], &[record]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut expected = before.clone();
    for field in ["description", "kind"] {
        expected[field] = Value::Null;
    }
    for field in [
        "tags",
        "organizers",
        "participants",
        "sessions",
        "delegations",
    ] {
        expected[field] = json!([]);
    }
    assert_eq!(show(&env, SEED_KEY), expected);
    // The other events keep their participations.
    assert_eq!(rows(&env, "participation").len(), 12 - 8);
}

#[test]
fn changed_participants_keep_the_ids_of_the_ones_that_stay() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let before = show(&env, SEED_KEY);
    let participations = rows(&env, "participation");
    let seed_rows: Vec<&String> = participations.iter().take(8).collect();

    // The first participant goes, one comes, the others are listed in another order, and
    // the last one's role changes.
    let mut list: Vec<Value> = before["participants"].as_array().unwrap().clone();
    list.remove(0);
    list.reverse();
    list[0]["role"] = json!("speaker");
    list.push(json!({"name": "A. Newcomer", "organization": "UN Office on Drugs and Crime"}));
    let out = import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "participants": list})]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    let after = rows(&env, "participation");
    // Rows 2-7 as they were; row 8 (the last, whose role changed) kept its id.
    for row in &seed_rows[1..7] {
        assert!(after.contains(row), "{row} is gone: {after:?}");
    }
    assert!(!after.contains(seed_rows[0]));
    let last_id = seed_rows[7].split(" | ").next().unwrap();
    assert!(
        after
            .iter()
            .any(|r| r.starts_with(&format!("{last_id} | ")) && r.contains("\"speaker\"")),
        "{after:?}"
    );
    assert_eq!(after.len(), participations.len());
    let v = show(&env, SEED_KEY);
    assert_eq!(v["participants"].as_array().unwrap().len(), 8);
    assert_eq!(v["participants"][7]["name"], "A. Newcomer");
}

#[test]
fn a_dry_run_lists_the_fields_that_would_change() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let dump = env.dump();
    let records = [
        json!({"key": SEED_KEY, "title": "New", "tags": ["one"], "description": "New text."}),
        json!({"key": "osce-2021-10"}),
        json!({"key": "new-one", "title": "A new seminar", "start": "2024-01-01"}),
        json!({"title": "Keyless", "start": "2024-02-01"}),
    ];
    let out = import_ndjson(&env, &["--dry-run"], &records);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[..3],
        [
            format!("would update \"{SEED_KEY}\": title, description, tags"),
            "would create \"new-one\"".to_string(),
            "would create \"Keyless\" (2024-02-01)".to_string(),
        ]
    );
    assert!(
        lines[3].starts_with(
            "Dry run, nothing written: would import 4 events from <stdin>: 2 created, 1 updated, 1 unchanged;"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(lines.len(), 4);
    assert_eq!(env.dump(), dump, "a dry run writes nothing");
    // -q keeps them quiet too.
    let out = import_ndjson(&env, &["--dry-run", "-q"], &records);
    assert_eq!(out.stderr, "");
}

#[test]
fn a_partial_record_for_no_event_says_what_is_missing() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let dump = env.dump();
    let out = import_ndjson(
        &env,
        &[],
        &[json!({"key": "no-such-event", "title": "New"})],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "<stdin>: line 1: start: is missing: no event has the key \"no-such-event\" to update, \
             and a new event needs a title and a start date"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);
}

#[test]
fn text_after_a_closing_quote_is_refused_with_its_line() {
    let Some(env) = Env::new() else { return };
    let file = env.file(
        "bad.csv",
        "title,start\nGood,2021-01-01\n\"Seminar \"Security\" 2021\",2021-02-01\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "bad.csv: line 3: title: broken CSV: text after the closing quote of a quoted cell; \
             a quote inside a quoted cell is written twice, as \"\""
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
    assert!(holds_nothing(&env), "nothing was imported");
    // Written as RFC 4180 says, the same title goes in as it is.
    let file = env.file(
        "good.csv",
        "title,start\n\"Seminar \"\"Security\"\" 2021\",2021-02-01\n",
    );
    env.ok(&["import", &file]);
    assert!(
        env.ok(&["list", "--format", "csv"])
            .contains("\"Seminar \"\"Security\"\" 2021\"")
    );
}

#[test]
fn a_semicolon_separated_file_gets_a_hint() {
    let Some(env) = Env::new() else { return };
    let file = env.file(
        "semi.csv",
        "title;start;end\nSeminar;2021-01-01;2021-01-02\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "semi.csv: line 1: the header \"title;start;end\" has no comma: the file seems \
             separated by semicolons"
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
}

/// The `.events.db.import-PID` files beside the database.
#[cfg(unix)]
fn staging_files(env: &Env) -> Vec<String> {
    std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".import-"))
        .collect()
}

/// Starts an import into a new database, reading stdin, and waits until it is building the
/// database beside its place (its staging file is there); the import then waits for input.
#[cfg(unix)]
fn start_fresh_import(env: &Env) -> std::process::Child {
    use std::io::Write as _;
    use std::os::unix::process::CommandExt as _;
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"));
    // SAFETY: only async-signal-safe calls between fork and exec. A test run in the background
    // (`cargo test &`, nohup) would pass on SIGINT or SIGHUP ignored, and `events` rightly
    // keeps an ignored signal ignored: the child starts with the default actions.
    unsafe {
        command.pre_exec(|| {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    let mut child = command
        .env_remove("EVENTS_DB")
        .arg("--db")
        .arg(&env.db)
        .args(["import", "--format", "ndjson", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"title\": \"A\", \"start\": \"2021-01-01\"}\n")
        .unwrap();
    // Kept open (leaked into the child's lifetime) so that the import goes on waiting.
    std::mem::forget(stdin);
    let mut waited = 0;
    while staging_files(env).is_empty() {
        assert!(waited < 3000, "the import never started building");
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    child
}

#[cfg(unix)]
#[test]
fn an_interrupted_import_into_a_new_database_removes_its_files() {
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        // The staging file beside the database file is what is watched.
        let Some(env) = Env::sqlite_only() else {
            return;
        };
        let mut child = start_fresh_import(&env);
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        // Ended by the signal itself, as a shell expects (it says 128 + the signal's number).
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        assert_eq!(stderr, "events: interrupted; nothing was imported\n");
        assert_eq!(staging_files(&env), Vec::<String>::new(), "SIG{signal}");
        assert!(!env.db.exists());
    }
}

#[cfg(unix)]
#[test]
fn what_an_import_killed_outright_left_goes_with_the_next_write() {
    // Files beside the database; on a server: server::a_killed_import_leaves_nothing.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let mut child = start_fresh_import(&env);
    child.kill().unwrap(); // SIGKILL: nothing can clean up
    child.wait().unwrap();
    assert!(!staging_files(&env).is_empty());
    env.ok(&["add-event", "--title", "Seminar", "--start", "2021-01-01"]);
    assert_eq!(staging_files(&env), Vec::<String>::new());

    // Beside a database that exists, by any command that writes.
    env.ok(&["edit-event", "1", "--title", "Renamed"]);
    assert_eq!(staging_files(&env), Vec::<String>::new());
}

#[test]
fn alias_records_may_come_before_or_after_the_events_that_use_them() {
    let export = |env: &Env| env.ok(&["export"]);
    // The reference: aliases first.
    let Some(first) = Env::new() else { return };
    let aliases = [
        json!({"organization": "RATS SCO Executive Committee", "aliases": ["SCO RATS", "RATS"]}),
        json!({"person": "V. V. Barchuk", "aliases": ["Barchuk V. V."]}),
    ];
    let events = [
        json!({"key": "a", "title": "A", "start": "2021-01-01", "organizers": ["SCO RATS"],
               "participants": [{"name": "Barchuk V. V.", "organization": "RATS"}]}),
        json!({"key": "b", "title": "B", "start": "2021-02-01",
               "organizers": ["RATS SCO Executive Committee", "RATS"],
               "participants": [{"name": "V. V. Barchuk", "organization": "SCO RATS"}]}),
    ];
    let all: Vec<Value> = aliases.iter().chain(&events).cloned().collect();
    let out = import_ndjson(&first, &[], &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("1 new organization, 1 new person, 3 new aliases"),
        "{}",
        out.stderr
    );

    // The same records with the aliases last, into a new database and into an existing one.
    for existing in [false, true] {
        let Some(env) = Env::new() else { return };
        if existing {
            env.ok(&["add-event", "--title", "Other", "--start", "2020-01-01"]);
        }
        let all: Vec<Value> = events.iter().chain(&aliases).cloned().collect();
        let out = import_ndjson(&env, &[], &all);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stderr
                .contains("1 new organization, 1 new person, 3 new aliases"),
            "{}",
            out.stderr
        );
        assert_eq!(
            env.ok(&["orgs", "--format", "json"]),
            first.ok(&["orgs", "--format", "json"])
        );
        assert_eq!(
            env.ok(&["people", "--format", "json"]),
            first.ok(&["people", "--format", "json"])
        );
        let exported = export(&env);
        let lines: Vec<&str> = exported
            .lines()
            .filter(|l| !l.contains("\"Other\""))
            .collect();
        let expected = export(&first);
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(
            crate::util::without_ids(&lines.join("\n")),
            crate::util::without_ids(&expected.join("\n"))
        );
    }
}

#[test]
fn an_alias_that_was_another_name_before_the_import_is_still_a_conflict() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "Y",
        "--start",
        "2020-01-01",
        "--organizer",
        "SCO RATS",
    ]);
    let dump = env.dump();
    let out = import_ndjson(
        &env,
        &[],
        &[json!({"organization": "RATS SCO Executive Committee", "aliases": ["SCO RATS"]})],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "<stdin>: line 1: aliases \"SCO RATS\": is already a name of another organization, \"SCO RATS\""
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);
}

#[test]
fn a_malformed_alias_record_is_reported_as_one() {
    let Some(env) = Env::new() else { return };
    let records = [
        r#"{"organization": "UNODC", "aliases": "UN Office on Drugs and Crime"}"#,
        r#"{"organization": "UNODC", "aliases": ["X"], "title": "T"}"#,
        r#"{"person": 5, "aliases": ["X"]}"#,
        r#"{"aliases": ["X"]}"#,
        r#"{"organization": "A", "person": "B", "aliases": []}"#,
        r#"{"title": "T", "start": "2021-01-01", "organization": "UNODC"}"#,
    ];
    let out = env.run_stdin(
        &["import", "--format", "ndjson"],
        records.join("\n").as_bytes(),
    );
    assert_eq!(out.code, 1);
    let shape =
        r#"(in an alias record, {"organization" or "person": NAME, "aliases": [NAME, ...]})"#;
    let expected = [
        format!("<stdin>: line 1: aliases: invalid type: string \"UN Office on Drugs and Crime\", expected a sequence {shape}"),
        format!("<stdin>: line 2: title: unknown field `title`, expected one of `organization`, `person`, `aliases` {shape}"),
        format!("<stdin>: line 3: person: invalid type: integer `5`, expected a string {shape}"),
        format!("<stdin>: line 4: organization: is missing; an alias record gives a name and its other names {shape}"),
        "<stdin>: line 5: person \"B\": an alias record names an organization or a person, not both".to_string(),
        "<stdin>: line 6: organization: unknown field `organization`, expected one of `id`, `key`, `title`, `kind`, `start`, `end`, `mode`, `location`, `region`, `project`, `description`, `source`, `tags`, `organizers`, `partners`, `sessions`, `participants`".to_string(),
        "error: 6 problems in <stdin>; nothing was imported".to_string(),
    ];
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines, expected);
}

/// The start and end dates of a stored event.
fn dates(env: &Env, key: &str) -> (String, String) {
    let v = show(env, key);
    (
        v["start"].as_str().unwrap().to_string(),
        v["end"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_start_without_an_end_moves_the_event_keeping_its_length() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-03-16".into(), "2021-03-18".into())
    );

    // Later: the three days move with it.
    let out = import_ndjson(
        &env,
        &["--dry-run"],
        &[json!({"key": SEED_KEY, "start": "2021-04-01"})],
    );
    assert!(
        out.stderr
            .starts_with(&format!("would update \"{SEED_KEY}\": start, end\n")),
        "{}",
        out.stderr
    );
    import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "start": "2021-04-01"})],
    );
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-04-01".into(), "2021-04-03".into())
    );
    // Earlier: the same.
    import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "start": "2021-03-01"})],
    );
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-03-01".into(), "2021-03-03".into())
    );

    // An end alone changes the end only.
    import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "end": "2021-03-05"})]);
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-03-01".into(), "2021-03-05".into())
    );
    // Both: as given.
    import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "start": "2021-03-10", "end": "2021-03-10"})],
    );
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-03-10".into(), "2021-03-10".into())
    );

    // An end alone before the stored start is a problem that names both.
    let dump = env.dump();
    let out = import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "end": "2021-03-09"})]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "<stdin>: line 1: end \"2021-03-09\": is before the stored start, 2021-03-10 \
             (the record leaves out `start`)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);
    // Moved past the last date there is, it would end after it: a problem too.
    import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "end": "2021-03-12"})]);
    let dump = env.dump();
    let out = import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "start": "9999-12-30"})],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "<stdin>: line 1: start \"9999-12-30\": the event lasts 3 days and would end after \
             9999-12-31; give its end too"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);

    // A CSV without an `end` column moves the event the same way.
    import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "start": "2021-03-16", "end": "2021-03-18"})],
    );
    let csv = env.file(
        "moved.csv",
        format!("key,title,start\n{SEED_KEY},Moved,2021-05-10\n"),
    );
    env.ok(&["import", &csv]);
    assert_eq!(
        dates(&env, SEED_KEY),
        ("2021-05-10".into(), "2021-05-12".into())
    );
}

/// An event with the same person twice under two names of one organization, then the alias
/// record that makes those names one.
fn alias_merge_records() -> [Value; 2] {
    [
        json!({"key": "e1", "title": "T", "start": "2021-01-01", "participants": [
            {"name": "Ann", "organization": "UNODC", "role": "speaker"},
            {"name": "Ann", "organization": "UN Office on Drugs and Crime", "role": "speaker"}]}),
        json!({"organization": "UN Office on Drugs and Crime", "aliases": ["UNODC"]}),
    ]
}

#[test]
fn importing_an_alias_merge_twice_changes_nothing_the_second_time() {
    let Some(env) = Env::new() else { return };
    let records = alias_merge_records();
    let out = import_ndjson(&env, &[], &records);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        show(&env, "e1")["participants"].as_array().unwrap().len(),
        1
    );
    let dump = env.dump();

    let out = import_ndjson(&env, &[], &records);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(": 0 created, 0 updated, 1 unchanged;"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);

    // Identical participants in one record (case and spacing aside) are one.
    let out = import_ndjson(
        &env,
        &[],
        &[
            json!({"key": "e2", "title": "T2", "start": "2021-02-01", "participants": [
            {"name": "Bob", "organization": "UNODC", "role": "Speaker"},
            {"name": "bob", "organization": "UN Office on Drugs and Crime", "role": "speaker "}]}),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        show(&env, "e2")["participants"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn adding_a_participation_already_recorded_adds_nothing() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--key",
        "e1",
        "--title",
        "T",
        "--start",
        "2021-01-01",
    ]);
    let first = env.run(&[
        "add-participant",
        "e1",
        "--name",
        "Ann",
        "--role",
        "speaker",
    ]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let id = first.stdout.trim().to_string();
    let dump = env.dump();

    let again = env.run(&[
        "add-participant",
        "e1",
        "--name",
        "ann",
        "--role",
        "Speaker ",
    ]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout.trim(), id);
    assert!(
        again
            .stderr
            .contains(&format!("already recorded as participation {id}")),
        "{}",
        again.stderr
    );
    assert_eq!(env.dump(), dump);

    // Another role is another participation.
    let other = env.ok(&["add-participant", "e1", "--name", "Ann", "--role", "chair"]);
    assert_ne!(other.trim(), id);
}

#[test]
fn an_organizer_given_as_partner_is_a_problem_and_the_import_goes_on() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let dump = env.dump();
    let records = [
        json!({"key": SEED_KEY, "partners": ["UN Office on Drugs and Crime"]}),
        json!({"key": "ok-1", "title": "Fine", "start": "2021-01-01"}),
        json!({"key": "bad-date", "title": "Bad", "start": "2021-02-30"}),
    ];
    let out = import_ndjson(&env, &[], &records);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "<stdin>: line 1: partners \"UN Office on Drugs and Crime\": is also an organizer \
             of the event"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("<stdin>: line 3: start \"2021-02-30\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("error: 2 problems in <stdin>; nothing was imported"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);

    // By an alias too; and an organizer given where the record keeps the stored partners.
    let out = import_ndjson(
        &env,
        &[],
        &[
            json!({"organization": "UN Office on Drugs and Crime", "aliases": ["UNODC"]}),
            json!({"key": SEED_KEY, "partners": ["UNODC"]}),
            json!({"key": "osce-2021-10", "title": "Other", "start": "2021-10-01",
                   "organizers": ["A"], "partners": ["B"]}),
            json!({"organization": "A", "aliases": ["B"]}),
            json!({"key": "x-1", "title": "X", "start": "2021-01-01",
                   "organizers": ["A"], "partners": ["B"]}),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let problems: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        problems,
        [
            "<stdin>: line 2: partners \"UNODC\": is also an organizer of the event, as \
             \"UN Office on Drugs and Crime\" (the record leaves out `organizers`, which keeps \
             the stored ones); an organization is the organizer or a partner of an event, not both",
            // Line 3 named A organizer and B partner of one event: B cannot become A's alias.
            "<stdin>: line 4: aliases \"B\": makes the organization both organizer and partner \
             of 1 event of this file, which name it by both names; an organization is one or the other",
            "<stdin>: line 5: partners \"B\": is also an organizer of the event, as \"A\"; \
             an organization is the organizer or a partner of an event, not both",
            "error: 3 problems in <stdin>; nothing was imported",
        ]
    );
    let out = import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY,
                 "organizers": ["UN Regional Centre for Preventive Diplomacy for Central Asia"]})],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "<stdin>: line 1: organizers \"UN Regional Centre for Preventive Diplomacy for \
             Central Asia\": is also a partner of the event (the record leaves out `partners`, \
             which keeps the stored ones)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), dump);
}

#[test]
fn malformed_alias_records_say_what_is_wrong() {
    let Some(env) = Env::new() else { return };
    let out = import_ndjson(
        &env,
        &[],
        &[
            json!({"organization": null, "aliases": ["A"]}),
            json!({"aliases": ["B"]}),
            json!({"organization": "X"}),
            json!({"person": null, "aliases": ["C"]}),
        ],
    );
    assert_eq!(out.code, 1);
    for expected in [
        "<stdin>: line 1: organization: is null;",
        "<stdin>: line 2: organization: is missing;",
        "<stdin>: line 3: aliases: is missing;",
        "<stdin>: line 4: person: is null;",
    ] {
        assert!(out.stderr.contains(expected), "{expected}\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("organization \"\""), "{}", out.stderr);
    assert!(
        out.stderr.contains("error: 4 problems in <stdin>"),
        "{}",
        out.stderr
    );
    assert!(holds_nothing(&env));
}

#[test]
fn an_empty_sessions_list_clears_the_sessions_participants_name() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let before = show(&env, SEED_KEY);
    let participations = rows(&env, "participation");

    let out = import_ndjson(
        &env,
        &["--dry-run"],
        &[json!({"key": SEED_KEY, "sessions": []})],
    );
    assert!(
        out.stderr.starts_with(&format!(
            "would update \"{SEED_KEY}\": sessions, participants\n"
        )),
        "{}",
        out.stderr
    );
    let out = import_ndjson(&env, &[], &[json!({"key": SEED_KEY, "sessions": []})]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = show(&env, SEED_KEY);
    assert_eq!(after["sessions"], json!([]));
    // Every participation stays, with its id, without a session.
    let kept = after["participants"].as_array().unwrap();
    assert_eq!(kept.len(), before["participants"].as_array().unwrap().len());
    assert!(kept.iter().all(|p| p["session"].is_null()), "{kept:?}");
    assert_eq!(rows(&env, "participation").len(), participations.len());
    let ids = |v: &Value| -> Vec<Value> {
        v["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].clone())
            .collect()
    };
    assert_eq!(ids(&after), ids(&before));

    // Sessions kept by name, and sessions the record's participants name, stay.
    env.ok(&[
        "add-participant",
        SEED_KEY,
        "--name",
        "Zed",
        "--session",
        "Closing",
    ]);
    env.ok(&[
        "add-participant",
        SEED_KEY,
        "--name",
        "Yan",
        "--session",
        "Panel",
    ]);
    let out = import_ndjson(
        &env,
        &[],
        &[json!({"key": SEED_KEY, "sessions": ["Panel"]})],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = show(&env, SEED_KEY);
    assert_eq!(after["sessions"], json!(["Panel"]));
    let out = import_ndjson(
        &env,
        &[],
        &[
            json!({"key": SEED_KEY, "sessions": [], "participants": [{"name": "Zed", "session": "Closing"}]}),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(show(&env, SEED_KEY)["sessions"], json!(["Closing"]));
}

#[test]
fn an_alias_record_after_the_events_refuses_what_it_would_refuse_before_them() {
    let event = json!({"key": "e1", "title": "E", "start": "2021-01-01",
                       "organizers": ["UNODC"], "partners": ["United Nations Office on Drugs and Crime"]});
    let alias =
        json!({"organization": "United Nations Office on Drugs and Crime", "aliases": ["UNODC"]});
    for records in [[event.clone(), alias.clone()], [alias, event]] {
        let Some(env) = Env::new() else { return };
        let out = import_ndjson(&env, &[], &records);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains("both organizer and partner")
                || out.stderr.contains("is also an organizer"),
            "{}",
            out.stderr
        );
        assert!(holds_nothing(&env), "nothing was imported");
    }
}

/// The command a note suggests names the event it means: a key made of digits as `key:5`
/// (plain `5` is the id 5, another event), and a key a shell would split, quoted.
#[test]
fn the_commands_notes_suggest_name_the_right_event() {
    let Some(env) = Env::new() else { return };
    for i in 1..=5 {
        add(&env, &format!("Event {i}"), "2020-01-01", "2020-01-01", &[]);
    }
    let file = env.file(
        "digits.ndjson",
        r#"{"key": "5", "title": "Digits", "start": "2021-01-01"}"#,
    );
    env.ok(&["import", &file]);
    env.ok(&["edit-event", "key:5", "--key", "five"]);
    let out = env.run(&["import", &file]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("`events remove-event key:5 --yes` takes the new one away"),
        "{}",
        out.stderr
    );
    let file = env.file(
        "quote.ndjson",
        r#"{"key": "it's a key", "title": "Quoted", "start": "2021-02-01"}"#,
    );
    env.ok(&["import", &file]);
    env.ok(&["edit-event", "it's a key", "--key", "quoted"]);
    let out = env.run(&["import", &file]);
    assert!(
        out.stderr
            .contains(r#"`events remove-event 'it'\''s a key' --yes`"#),
        "{}",
        out.stderr
    );
    // A key that starts with `-` would be read as an option.
    let file = env.file(
        "dash.ndjson",
        r#"{"key": "-2", "title": "Dash", "start": "2021-03-01"}"#,
    );
    env.ok(&["import", &file]);
    env.ok(&["edit-event", "key:-2", "--key", "dash"]);
    let out = env.run(&["import", &file]);
    assert!(
        out.stderr.contains("`events remove-event key:-2 --yes`"),
        "{}",
        out.stderr
    );
}
