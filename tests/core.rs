//! The core commands: add-event, add-participant, list, show, completions, man.

use std::io::Read;
use std::process::Stdio;

use crate::util::{Env, add, bare_cmd, ids, record_seed};

/// Timestamps differ from run to run; snapshots show them as a placeholder.
macro_rules! snapshot {
    ($value:expr) => {
        insta::with_settings!({filters => vec![
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIMESTAMP]"),
        ]}, {
            insta::assert_snapshot!($value);
        });
    };
}

#[test]
fn add_event_prints_only_the_id() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&["add-event", "--title", "Seminar", "--start", "2021-03-16"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "1\n");
    assert!(out.stderr.contains("Added event 1"), "{}", out.stderr);
    let out = env.run(&[
        "-q",
        "add-event",
        "--title",
        "Other",
        "--start",
        "2021-03-17",
    ]);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("2\n", ""));
}

#[test]
fn add_participant_prints_the_participation_id() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    assert_eq!(
        env.ok(&["add-participant", &id, "--name", "Jehangir Khan"]),
        "3\n"
    );
    // By key, too.
    assert_eq!(
        env.ok(&["add-participant", "rats-2021-03", "--name", "N. German"]),
        "4\n"
    );
}

#[test]
fn the_seed_seminar_is_found_by_its_dates_and_organizations() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    let found = |args: &[&str]| {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        ids(&env.ok(&all))
    };
    let seed: i64 = id.parse().unwrap();
    assert_eq!(
        found(&["--from", "2021-03-17", "--to", "2021-03-17"]),
        [seed]
    );
    assert_eq!(found(&["--from", "2021-03-18"]), [seed]);
    assert_eq!(found(&["--to", "2021-03-16"]), [seed]);
    assert_eq!(found(&["--from", "2021-03-19"]), Vec::<i64>::new());
    assert_eq!(found(&["--to", "2021-03-15"]), Vec::<i64>::new());
    assert_eq!(
        found(&[
            "--from",
            "2021-01-01",
            "--to",
            "2021-12-31",
            "--org",
            "rats sco executive committee"
        ]),
        [seed]
    );
    // Organizer, partner and a participant's organization all count, in any case.
    for org in [
        "UN OFFICE ON DRUGS AND CRIME",
        "un regional centre for preventive diplomacy for central asia",
        "RATS SCO  Executive Committee",
    ] {
        assert_eq!(found(&["--org", org]), [seed], "{org}");
    }
    assert_eq!(found(&["--org", "OSCE"]), Vec::<i64>::new());
}

#[test]
fn list_orders_by_start_then_id() {
    let Some(env) = Env::new() else { return };
    add(&env, "C", "2021-05-01", "2021-05-01", &[]);
    add(&env, "A", "2020-01-01", "2022-01-01", &[]);
    add(&env, "B", "2021-05-01", "2021-05-02", &[]);
    assert_eq!(ids(&env.ok(&["list", "--format", "json"])), [2, 1, 3]);
}

#[test]
fn list_table() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    add(
        &env,
        "Expert meeting",
        "2021-03-30",
        "2021-04-02",
        &["--kind", "meeting", "--mode", "in-person"],
    );
    add(
        &env,
        "Year-end conference",
        "2021-12-30",
        "2022-01-02",
        &["--kind", "conference"],
    );
    add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    snapshot!(env.ok(&["list"]));
}

#[test]
fn list_csv() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    add(
        &env,
        "Quotes \"and\", commas",
        "2022-02-01",
        "2022-02-01",
        &["--tag", "a", "--tag", "b"],
    );
    snapshot!(env.ok(&["list", "--format", "csv"]));
}

#[test]
fn list_when_there_is_nothing() {
    let Some(env) = Env::new() else { return };
    assert_eq!(env.ok(&["list", "--format", "json"]), "[]\n");
    assert_eq!(
        env.ok(&["list", "--format", "csv"]).lines().count(),
        1,
        "a header only"
    );
    assert!(env.ok(&["list"]).contains("No events yet"));
    // Reading never creates the database (nor, on a server, its tables).
    assert_eq!(env.dump(), "(no database)");
    add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    assert!(
        env.ok(&["list", "--from", "2023-01-01"])
            .contains("No events match")
    );
}

/// An empty file (`touch events.db`) reads as an empty database and stays an empty file
/// whatever reads it; the first write makes it a database.
#[test]
fn an_empty_file_reads_as_an_empty_database_and_stays_empty() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    std::fs::write(&env.db, b"").unwrap();
    for args in [
        &["list"][..],
        &["orgs"],
        &["people"],
        &["stats", "--by", "year"],
        &["doctor"],
        &["export"],
        &["check"],
    ] {
        env.ok(args);
        assert_eq!(std::fs::metadata(&env.db).unwrap().len(), 0, "{args:?}");
    }
    assert!(env.ok(&["list"]).contains("No events yet"));
    add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    assert_eq!(
        env.ok(&["list", "--format", "json"])
            .matches("Briefing")
            .count(),
        1
    );
}

#[test]
fn show_table() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "Deputy",
        "--org",
        "rats sco executive committee",
        "--role",
        "delegate",
    ]);
    env.ok(&["add-participant", &id, "--name", "Observer"]);
    snapshot!(crate::util::without_last_change(&env.ok(&["show", &id])));
}

#[test]
fn show_json() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    snapshot!(env.ok(&["show", "rats-2021-03", "--format", "json"]));
}

#[test]
fn show_json_has_nulls_and_empty_lists() {
    let Some(env) = Env::new() else { return };
    let id = add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["end"], "2022-02-01");
    // Every event has a key: one not given is generated.
    assert_eq!(v["key"], "2022-02-01-briefing");
    for field in [
        "kind",
        "mode",
        "location",
        "region",
        "project",
        "description",
        "source",
    ] {
        assert!(v[field].is_null(), "{field}");
    }
    for field in ["tags", "organizers", "partners", "sessions", "participants"] {
        assert_eq!(v[field], serde_json::json!([]), "{field}");
    }
}

#[test]
fn names_are_shared_case_insensitively() {
    let Some(env) = Env::new() else { return };
    let a = add(
        &env,
        "A",
        "2021-01-01",
        "2021-01-01",
        &["--organizer", "UN Office on Drugs and Crime"],
    );
    add(
        &env,
        "B",
        "2021-02-01",
        "2021-02-01",
        &["--organizer", "un office on drugs  and crime"],
    );
    env.ok(&["add-participant", &a, "--name", "V. V. Barchuk"]);
    env.ok(&["add-participant", &a, "--name", "v. v.   BARCHUK"]);
    let dump = env.dump();
    let section = |name: &str| {
        dump.split(&format!("## {name}\n"))
            .nth(1)
            .unwrap()
            .split("## ")
            .next()
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(section("organization"), 1);
    assert_eq!(section("person"), 1);
    // The first spelling is the one shown.
    let b: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "2", "--format", "json"])).unwrap();
    assert_eq!(b["organizers"][0], "UN Office on Drugs and Crime");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    let before = env.dump();
    let cases: &[(&[&str], &str)] = &[
        (
            &["add-event", "--title", "X", "--start", "2021-02-30"],
            "error: invalid --start \"2021-02-30\": February 2021 has 28 days",
        ),
        (
            &["add-event", "--title", "X", "--start", "16/03/2021"],
            "error: invalid --start \"16/03/2021\": expected a date as YYYY-MM-DD",
        ),
        (
            &[
                "add-event",
                "--title",
                "X",
                "--start",
                "2021-03-16",
                "--end",
                "2021-03-15",
            ],
            "error: invalid --end \"2021-03-15\": is before the start, 2021-03-16",
        ),
        (
            &[
                "add-event",
                "--title",
                "X",
                "--start",
                "2021-03-16",
                "--end",
                "2021-04-31",
            ],
            "error: invalid --end \"2021-04-31\": April 2021 has 30 days",
        ),
        (
            &["add-event", "--title", "", "--start", "2021-03-16"],
            "error: invalid --title \"\": must not be empty",
        ),
        (
            &["add-event", "--title", "  \t", "--start", "2021-03-16"],
            "error: invalid --title \"  \\t\": must not be empty",
        ),
        (
            &[
                "add-event",
                "--title",
                "X",
                "--start",
                "2021-03-16",
                "--mode",
                "online",
            ],
            "error: invalid --mode \"online\": expected one of in-person, virtual, hybrid",
        ),
        (
            &[
                "add-event",
                "--title",
                "X",
                "--start",
                "2021-03-16",
                "--key",
                "rats-2021-03",
            ],
            "error: an event with key \"rats-2021-03\" already exists (id 1); choose another --key",
        ),
        (
            &["add-participant", "99", "--name", "X"],
            "error: no event with id 99; `events list` shows the events there are",
        ),
        (
            &["add-participant", "1", "--name", " "],
            "error: invalid --name \" \": must not be empty",
        ),
        (
            &["show", "no-such-key"],
            "error: no event with key \"no-such-key\"; `events list` shows the events there are",
        ),
        (
            &["list", "--from", "2021-13-01"],
            "error: invalid --from \"2021-13-01\": there is no month 13",
        ),
        (
            &["list", "--from", "2021-03-02", "--to", "2021-03-01"],
            "error: invalid --to \"2021-03-01\": is before --from \"2021-03-02\"",
        ),
    ];
    for (args, message) in cases {
        let stderr = env.fails(1, args);
        assert_eq!(stderr.trim_end(), *message, "events {args:?}");
        assert_eq!(env.dump(), before, "events {args:?} changed the database");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let Some(env) = Env::new() else { return };
    let stderr = env.fails(
        1,
        &[
            "add-event",
            "--title",
            "",
            "--start",
            "2021-02-29",
            "--mode",
            "remote",
        ],
    );
    assert_eq!(
        stderr.trim_end(),
        "error: invalid --title \"\": must not be empty; \
         invalid --start \"2021-02-29\": February 2021 has 28 days; \
         invalid --mode \"remote\": expected one of in-person, virtual, hybrid"
    );
    assert_eq!(env.dump(), "(no database)");
}

#[test]
fn usage_errors_quote_hostile_text_escaped() {
    let Some(env) = Env::new() else { return };
    for args in [
        &["list", "--limit", "1\u{1b}]52;c;aGk=\u{7}\r\u{202e}\u{9b}"][..],
        &["list", "--format", "x\u{1b}[2J"],
        &["frob\u{200b}\u{1b}[31m"],
    ] {
        let stderr = env.fails(2, args);
        assert!(
            !stderr
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}' || c == '\u{200b}'),
            "{stderr:?}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let Some(env) = Env::new() else { return };
    for args in [
        &["add-event", "--title", "X"][..],
        &["add-event", "--start", "2021-01-01"],
        &["list", "--bogus"],
        &["list", "--format", "xml"],
        &["show"],
        &["completions", "tcsh"],
        &["frobnicate"],
    ] {
        let stderr = env.fails(2, args);
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    assert_eq!(env.dump(), "(no database)");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let Some(env) = Env::new() else { return };
    let long = "x".repeat(20_000);
    for day in 1..=9 {
        let date = format!("2021-01-0{day}");
        add(&env, "Long", &date, &date, &["--description", &long]);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
        .args(["--db"])
        .arg(env.target())
        .args(["list", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is now closed; the rest of the 180 kB cannot be written.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn hostile_text_is_escaped_in_tables_and_exact_in_json() {
    let Some(env) = Env::new() else { return };
    let title = "Seminar \u{1b}[2J\u{1b}]52;c;aGk=\u{7} over\rwrite \u{202e}desrever";
    let id = add(
        &env,
        title,
        "2021-01-01",
        "2021-01-01",
        &["--organizer", "Org\u{9b}31m"],
    );
    for args in [&["list"][..], &["show", &id]] {
        let out = env.ok(args);
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
            "events {args:?} printed a control character: {out:?}"
        );
        assert!(out.contains("\\u{1b}[2J"), "{out}");
    }
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(v["title"], title);
    assert_eq!(v["organizers"][0], "Org\u{9b}31m");
    // Error messages escape what they quote too.
    let stderr = env.fails(1, &["show", "\u{1b}[2Jnope"]);
    assert!(stderr.contains("\\u{1b}[2Jnope"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'));
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[test]
fn the_database_location() {
    // Where a file goes; a URL in $EVENTS_DB: server::a_url_in_events_db_is_used.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    // $EVENTS_DB, with missing directories created.
    let db = env.dir.path().join("a/b/custom.db");
    bare_cmd()
        .env("EVENTS_DB", &db)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .assert()
        .success();
    assert!(db.exists());
    // --db wins over $EVENTS_DB.
    bare_cmd()
        .env("EVENTS_DB", &db)
        .arg("--db")
        .arg(&env.db)
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .stdout("[]\n");
    // $XDG_DATA_HOME, else ~/.local/share.
    let xdg = env.dir.path().join("xdg");
    bare_cmd()
        .env("XDG_DATA_HOME", &xdg)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .assert()
        .success();
    assert!(xdg.join("events/events.db").exists());
    let home = env.dir.path().join("home");
    bare_cmd()
        .env("HOME", &home)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .assert()
        .success();
    assert!(home.join(".local/share/events/events.db").exists());
}

#[cfg(unix)]
#[test]
fn new_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let db = env.dir.path().join("new/dir/events.db");
    bare_cmd()
        .arg("--db")
        .arg(&db)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .assert()
        .success();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    // On a server: server::another_programs_tables_are_refused_and_left_untouched.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    std::fs::write(&env.db, "name,date\nnot,a database\n").unwrap();
    let stderr = env.fails(1, &["list"]);
    assert!(
        stderr.contains("is not an events database (it is not a SQLite file)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&env.db).unwrap(),
        "name,date\nnot,a database\n"
    );

    // Marked by another program with a version, but no tables yet.
    let Some(versioned) = Env::sqlite_only() else {
        return;
    };
    versioned.sql("PRAGMA user_version = 7;");
    let stderr = versioned.fails(1, &["list"]);
    assert!(
        stderr.contains("is a SQLite database of another program"),
        "{stderr}"
    );

    let Some(other) = Env::sqlite_only() else {
        return;
    };
    other.sql("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
    let before = other.dump();
    let stderr = other.fails(1, &["add-event", "--title", "X", "--start", "2021-01-01"]);
    assert!(
        stderr.contains("is a SQLite database of another program"),
        "{stderr}"
    );
    assert_eq!(other.dump(), before);
}

#[test]
fn a_newer_database_is_refused() {
    // On a server: server::a_newer_schema_is_refused_naming_both_versions.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    add(&env, "X", "2021-01-01", "2021-01-01", &[]);
    env.sql("PRAGMA user_version = 99;");
    let before = env.dump();
    let stderr = env.fails(1, &["list"]);
    assert!(
        stderr.contains(
            "has schema version 99, newer than this events understands (6); upgrade events"
        ),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn no_colour_outside_a_terminal() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    let out = env
        .cmd()
        .env_remove("NO_COLOR")
        .args(["show", "1"])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b), "escape codes in a pipe");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = bare_cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("add-participant"), "{shell}");
    }
    let out = bare_cmd().arg("man").output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH events 1"), "{page}");
    assert!(page.contains("add\\-event"), "{page}");
}

#[test]
fn help_has_examples_and_version_works() {
    for sub in [
        "add-event",
        "add-participant",
        "list",
        "show",
        "completions",
        "man",
    ] {
        let out = bare_cmd().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Example"), "{sub}: {help}");
    }
    bare_cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("events {}\n", env!("CARGO_PKG_VERSION")));
}
