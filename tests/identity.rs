//! Identity: every event has a stable key that exports carry and imports match by; a reference
//! names one event only; ids are never reused; calendars know events by their keys.

use crate::util::{Env, add, without_ids};

const TITLE: &str = "Expert meeting on firearms trafficking";

/// Loads the database that `events` wrote at schema version 2 (tests/fixtures/schema-v2.sql).
fn old_database() -> Option<Env> {
    let env = Env::sqlite_only()?;
    let dump = std::fs::read_to_string(format!(
        "{}/tests/fixtures/schema-v2.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    rusqlite::Connection::open(&env.db)
        .unwrap()
        .execute_batch(&dump)
        .unwrap();
    Some(env)
}

/// What else an `UPDATE event SET key = ...` sets: on PostgreSQL, the key's folded copy the
/// writers keep beside it (`key_folded`), which SQLite computes when it reads. (The keys
/// given here are their own folded form.)
fn also_folded(key: &str) -> String {
    if crate::POSTGRES {
        format!(", key_folded = '{key}'")
    } else {
        String::new()
    }
}

/// The keys of the events `list` shows, in order.
fn keys(env: &Env) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["key"]
                .as_str()
                .expect("every event has a key")
                .to_string()
        })
        .collect()
}

/// Exports `from`, imports that into `to`; returns the import's stderr.
fn export_import(from: &Env, to: &Env, format: &str) -> String {
    let file = from.file(
        &format!("all.{format}"),
        from.ok(&["export", "--format", format]),
    );
    let out = to.run(&["import", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stderr
}

#[test]
fn add_event_generates_a_readable_key() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&[
        "add-event",
        "--title",
        "Virtual regional seminar on judicial and law enforcement cooperation and information exchange",
        "--start",
        "2021-03-16",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "1\n", "the id alone on stdout");
    assert!(
        out.stderr
            .contains("Added event 1, key 2021-03-16-virtual-regional-seminar-on-judicial ("),
        "{}",
        out.stderr
    );
    // Taken keys get a suffix; accents are folded.
    add(
        &env,
        "Séminaire régional à Genève",
        "2022-01-10",
        "2022-01-10",
        &[],
    );
    add(
        &env,
        "Séminaire régional à Genève",
        "2022-01-10",
        "2022-01-10",
        &[],
    );
    add(
        &env,
        "Séminaire régional à Genève",
        "2022-01-10",
        "2022-01-10",
        &["--key", "own-key"],
    );
    assert_eq!(
        keys(&env),
        [
            "2021-03-16-virtual-regional-seminar-on-judicial",
            "2022-01-10-seminaire-regional-a-geneve",
            "2022-01-10-seminaire-regional-a-geneve-2",
            "own-key"
        ]
    );
    env.ok(&["show", "2022-01-10-seminaire-regional-a-geneve-2"]);
}

/// Issue 8, item 1: two events with one title and start date (add-event only warns), with
/// keys or without, export and import back, into a new database and into the same one.
#[test]
fn an_export_always_imports_back() {
    for own_key in [&[][..], &["--key", "firearms-geneva"][..]] {
        let Some(env) = Env::new() else { return };
        add(
            &env,
            TITLE,
            "2021-05-04",
            "2021-05-04",
            &["--location", "Vienna"],
        );
        let mut second = vec![
            "add-event",
            "--title",
            TITLE,
            "--start",
            "2021-05-04",
            "--location",
            "Geneva",
        ];
        second.extend_from_slice(own_key);
        let out = env.run(&second);
        assert_eq!(out.stdout, "2\n");
        assert!(
            out.stderr.contains("warning: event 1 (2021-05-04-expert-meeting-on-firearms-trafficking) has the same title and start date"),
            "{}",
            out.stderr
        );
        let export = env.ok(&["export"]);
        for format in ["ndjson", "json", "csv"] {
            let Some(copy) = Env::new() else { return };
            let stderr = export_import(&env, &copy, format);
            assert!(
                stderr.contains(": 2 created, 0 updated"),
                "{format}: {stderr}"
            );
            if format != "csv" {
                assert_eq!(
                    without_ids(&copy.ok(&["export"])),
                    without_ids(&export),
                    "{format}"
                );
            }
            assert_eq!(keys(&copy), keys(&env), "{format}");
            // And into the database it came from: nothing changes.
            let before = env.dump();
            let stderr = export_import(&env, &env, format);
            assert!(
                stderr.contains(": 0 created, 0 updated, 2 unchanged"),
                "{format}: {stderr}"
            );
            assert_eq!(env.dump(), before, "{format}");
        }
    }
}

#[test]
fn ids_in_files_are_never_matched() {
    let Some(env) = Env::new() else { return };
    add(&env, "Here", "2021-01-01", "2021-01-01", &["--key", "here"]);
    // Event 1 of another database is another event.
    let file = env.file(
        "other.ndjson",
        r#"{"id": 1, "key": "there", "title": "There", "start": "2022-01-01"}"#,
    );
    assert!(env.ok(&["import", &file]).is_empty());
    assert_eq!(keys(&env), ["here", "there"]);
    let csv = env.file("other.csv", "id,title,start\n1,Elsewhere,2023-01-01\n");
    env.ok(&["import", &csv]);
    assert_eq!(keys(&env), ["here", "there", "2023-01-01-elsewhere"]);
}

#[test]
fn a_keyless_record_is_matched_by_title_and_start_unless_that_is_ambiguous() {
    let Some(env) = Env::new() else { return };
    add(&env, TITLE, "2021-05-04", "2021-05-04", &[]);
    let file = env.file(
        "foreign.ndjson",
        format!(r#"{{"title": "{TITLE}", "start": "2021-05-04", "location": "Vienna"}}"#),
    );
    let out = env.run(&["import", &file]);
    assert!(
        out.stderr.contains("0 created, 1 updated"),
        "{}",
        out.stderr
    );
    // A keyless record keeps the key it matched.
    assert_eq!(
        keys(&env),
        ["2021-05-04-expert-meeting-on-firearms-trafficking"]
    );

    add(&env, TITLE, "2021-05-04", "2021-05-04", &[]);
    let before = env.dump();
    let stderr = env.fails(1, &["import", &file]);
    assert!(
        stderr.contains(&format!(
            "foreign.ndjson: line 1: title \"{TITLE}\": the record has no key, and several events have this title and start date (keys \"2021-05-04-expert-meeting-on-firearms-trafficking\" and \"2021-05-04-expert-meeting-on-firearms-trafficking-2\"); give it the key of the one it is for"
        )),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn a_key_cannot_be_taken_away() {
    let Some(env) = Env::new() else { return };
    add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    let before = env.dump();
    for empty in ["", "  "] {
        let stderr = env.fails(1, &["edit-event", "1", "--key", empty]);
        assert!(
            stderr.starts_with(&format!(
                "error: invalid --key {empty:?}: every event keeps a key"
            )),
            "{stderr}"
        );
    }
    assert_eq!(env.dump(), before);
    env.ok(&["edit-event", "1", "--key", "briefing-2022"]);
    assert_eq!(keys(&env), ["briefing-2022"]);
}

/// Issue 8, item 5: the tool's own CSV, edited, imports back onto the events it came from.
#[test]
fn the_csv_of_list_updates_the_events_it_came_from() {
    let Some(env) = Env::new() else { return };
    add(&env, "Briefing", "2022-02-01", "2022-02-01", &[]);
    add(
        &env,
        "Other",
        "2022-03-01",
        "2022-03-01",
        &["--location", "Vienna"],
    );
    let csv = env.ok(&["list", "--format", "csv"]);
    let edited = csv.replace(",Briefing,", ",Briefing on precursors,");
    assert_ne!(edited, csv);
    let file = env.file("edited.csv", &edited);
    let out = env.run(&["import", &file]);
    assert!(
        out.stderr.contains(": 0 created, 1 updated, 1 unchanged"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "1", "--format", "json"])).unwrap();
    assert_eq!(v["title"], "Briefing on precursors");
    assert_eq!(v["key"], "2022-02-01-briefing", "the key stays");
    assert_eq!(keys(&env).len(), 2);
}

/// Issue 8, item 2: no reference can name two events.
#[test]
fn keys_made_of_digits_are_refused() {
    let Some(env) = Env::new() else { return };
    add(&env, "One", "2021-01-01", "2021-01-01", &["--key", "one"]);
    let before = env.dump();
    let stderr = env.fails(
        1,
        &[
            "add-event",
            "--title",
            "X",
            "--start",
            "2021-01-01",
            "--key",
            "5",
        ],
    );
    assert_eq!(
        stderr,
        "error: invalid --key \"5\": a key made only of digits would read as an id; give one with a letter or a `-` in it\n"
    );
    let stderr = env.fails(1, &["edit-event", "one", "--key", "003"]);
    assert!(
        stderr.starts_with("error: invalid --key \"003\": a key made only of digits"),
        "{stderr}"
    );
    let stderr = env.fails(1, &["edit-event", "one", "--key", "key:x"]);
    assert!(
        stderr.starts_with("error: invalid --key \"key:x\": a key cannot start with `key:`"),
        "{stderr}"
    );
    let file = env.file(
        "digits.ndjson",
        "{\"key\": \"7\", \"title\": \"X\", \"start\": \"2021-01-01\"}\n",
    );
    assert_eq!(env.dump(), before);
    // A file may be the export of an older events, which gave such keys: it imports back, and
    // says how to reach and rename them.
    let out = env.run(&["import", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "reach it as `key:7`, and give it another with `events edit-event key:7 --key NEW`"
        ),
        "{}",
        out.stderr
    );
    // Digits among other characters are a key like any other.
    env.ok(&["edit-event", "one", "--key", "2021-01"]);
}

#[test]
fn an_id_is_only_a_plain_decimal_number() {
    let Some(env) = Env::new() else { return };
    add(&env, "One", "2021-01-01", "2021-01-01", &["--key", "one"]);
    add(&env, "Two", "2021-02-01", "2021-02-01", &["--key", "two"]);
    assert!(env.ok(&["show", "2"]).contains("Two"));
    for reference in ["02", "+2"] {
        let stderr = env.fails(1, &["show", reference]);
        assert_eq!(
            stderr,
            format!(
                "error: no event with key {reference:?}; an id is written as a plain number: 2\n"
            )
        );
        env.fails(1, &["edit-event", reference, "--title", "X"]);
        env.fails(1, &["remove-event", reference, "--yes"]);
        env.fails(1, &["add-participant", reference, "--name", "X"]);
    }
    let stderr = env.fails(1, &["show", "3"]);
    assert_eq!(
        stderr,
        "error: no event with id 3; `events list` shows the events there are\n"
    );
    // `key:` always means a key.
    assert!(env.ok(&["show", "key:two"]).contains("Two"));
    env.fails(1, &["show", "key:2"]);
}

#[test]
fn keys_are_case_sensitive_and_a_near_miss_is_suggested() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "One",
        "2021-01-01",
        "2021-01-01",
        &["--key", "rats-2021-03"],
    );
    let stderr = env.fails(1, &["show", "RATS-2021-03"]);
    assert_eq!(
        stderr,
        "error: no event with key \"RATS-2021-03\"; did you mean \"rats-2021-03\"? (keys are case-sensitive)\n"
    );
    // Keys that differ only by case are two keys.
    add(
        &env,
        "Two",
        "2021-01-01",
        "2021-01-01",
        &["--key", "RATS-2021-03"],
    );
    assert!(env.ok(&["show", "RATS-2021-03"]).contains("Two"));
}

/// Databases written before all-digit keys were refused keep working: `key:5` reaches them,
/// and `5` (an id) says so when no event has that id.
#[test]
fn an_old_all_digit_key_is_reached_with_the_key_prefix() {
    let Some(env) = old_database() else { return };
    // Event 4 has the key "5"; no event has id 5.
    let stderr = env.fails(1, &["show", "5"]);
    assert!(
        stderr.ends_with(
            "error: no event with id 5; an event has the key \"5\": to name it, write `key:5`\n"
        ),
        "{stderr}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "key:5", "--format", "json"])).unwrap();
    assert_eq!(v["id"], 4);
    env.ok(&["edit-event", "key:5", "--location", "Geneva"]);
    env.ok(&["add-participant", "key:5", "--name", "A. Person"]);
    let csv = env.file("p.csv", "event,name\nkey:5,B. Person\n5,C. Person\n");
    let stderr = env.fails(1, &["import", &csv]);
    assert!(
        stderr.contains("p.csv: line 3: event \"5\": no event has this id; an event has the key \"5\": to name it, write `key:5`"),
        "{stderr}"
    );
    let csv = env.file("p.csv", "event,name\nkey:5,B. Person\n");
    env.ok(&["import", &csv]);
    // Its own export imports back: the stored key matches, though it is all digits.
    let file = env.file("all.ndjson", env.ok(&["export"]));
    assert!(
        env.run(&["import", &file])
            .stderr
            .contains("0 created, 0 updated, 4 unchanged")
    );
    // A key of digits may be kept, and changed for a better one.
    env.ok(&[
        "edit-event",
        "key:5",
        "--title",
        "Séminaire régional (Genève)",
    ]);
    env.ok(&["edit-event", "key:5", "--key", "seminaire-2022"]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "seminaire-2022", "--format", "json"])).unwrap();
    assert_eq!(v["participants"].as_array().unwrap().len(), 2);
    assert_eq!(v["location"], "Geneva");
    env.ok(&["remove-event", "4", "--yes"]);
}

/// The upgrade of a real database of schema version 2: keyless events are given keys, in id
/// order; ids, links, aliases and the search index are kept.
#[test]
fn an_old_database_is_upgraded_with_keys_for_every_event() {
    let Some(env) = old_database() else { return };
    let before: Vec<String> = {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT id || ' ' || event_id || ' ' || person_id FROM participation ORDER BY id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let out = env.run(&["list", "--format", "json"]);
    assert!(
        out.stderr.contains("from schema version 2 to 6"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let listed: Vec<(i64, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_i64().unwrap(), e["key"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [
            (1, "rats-2021-03"),
            (2, "2021-05-04-expert-meeting"),
            (3, "2021-05-04-expert-meeting-2"),
            (4, "5")
        ]
    );
    let check = env.ok(&["check"]);
    assert!(
        check.contains("4 events, 3 organizations, 3 people, 3 participations"),
        "{check}"
    );
    assert!(
        check.contains("foreign keys: ok") && check.contains("search index: ok"),
        "{check}"
    );
    let after: Vec<String> = {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT id || ' ' || event_id || ' ' || person_id FROM participation ORDER BY id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(after, before, "participations keep their ids and links");
    let rats: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "rats-2021-03", "--format", "json"])).unwrap();
    assert_eq!(
        rats["organizers"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    assert_eq!(rats["tags"], serde_json::json!(["SALW"]));
    assert_eq!(
        rats["participants"][0]["session"],
        "The role of international and regional organizations"
    );
    // Its "head of delegation" heads the delegation since schema 4 (issue 10).
    assert_eq!(rats["participants"][0]["role"], "head of delegation");
    assert_eq!(rats["participants"][0]["head"], true);
    assert_eq!(rats["participants"][1]["head"], false);
    assert!(
        env.ok(&["list", "--search", "meeting", "--format", "csv"])
            .lines()
            .count()
            == 3
    );
    assert!(
        env.ok(&["list", "--org", "UNODC", "--format", "csv"])
            .lines()
            .count()
            == 2
    );
    // From now on, a removed id is not given again.
    env.ok(&["remove-event", "4", "--yes"]);
    assert_eq!(add(&env, "New", "2023-01-01", "2023-01-01", &[]), "5");
    // The same database upgraded again gets the same keys.
    let again = old_database().expect("a database");
    assert_eq!(
        keys(&again),
        listed
            .iter()
            .map(|(_, k)| k.to_string())
            .collect::<Vec<_>>()
    );
}

/// Issue 8, item 21: a new event or participation never takes the id of a removed one, so a
/// script (or a calendar) holding an id never reaches the wrong record.
#[test]
fn ids_are_never_reused() {
    let Some(env) = Env::new() else { return };
    add(&env, "One", "2021-01-01", "2021-01-01", &[]);
    add(&env, "Two", "2021-02-01", "2021-02-01", &[]);
    env.ok(&["add-participant", "2", "--name", "A. Person"]);
    env.ok(&["add-participant", "2", "--name", "B. Person"]);
    env.ok(&["remove-participant", "2"]);
    assert_eq!(
        env.ok(&["add-participant", "2", "--name", "C. Person"]),
        "3\n"
    );
    env.ok(&["remove-event", "2", "--yes"]);
    assert_eq!(add(&env, "Three", "2021-03-01", "2021-03-01", &[]), "3");
    assert_eq!(
        env.ok(&["add-participant", "3", "--name", "D. Person"]),
        "4\n"
    );
    env.fails(1, &["edit-participant", "3", "--role", "speaker"]);
    // Nor after an import that replaces an event's participants.
    let file = env.file(
        "three.ndjson",
        r#"{"key": "2021-03-01-three", "title": "Three", "start": "2021-03-01", "participants": [{"name": "E. Person"}]}"#,
    );
    env.ok(&["import", &file]);
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "3", "--format", "json"])).unwrap();
    assert_eq!(v["participants"][0]["name"], "E. Person");
    // The calendar knows the new event by its key, never by a reused id.
    let ics = env.ok(&["export", "--format", "ics"]);
    assert!(ics.contains("UID:key-2021-03-01-three@events\r\n"), "{ics}");
    assert!(!ics.contains("UID:id-"), "{ics}");
}

/// Issue 8, item 17.
#[test]
fn ics_at_the_end_of_time_and_without_a_description() {
    let Some(env) = Env::new() else { return };
    add(&env, "Last", "9999-12-30", "9999-12-31", &["--key", "last"]);
    add(&env, "Bare", "2021-01-01", "2021-01-01", &["--key", "bare"]);
    let ics = env.ok(&["export", "--format", "ics"]);
    let vevents: Vec<&str> = ics.split("BEGIN:VEVENT\r\n").skip(1).collect();
    assert_eq!(vevents.len(), 2);
    let bare = vevents[0];
    assert!(bare.contains("DTEND;VALUE=DATE:20210102\r\n"), "{bare}");
    assert!(!bare.contains("DESCRIPTION"), "{bare}");
    let last = vevents[1];
    assert!(last.contains("DTSTART;VALUE=DATE:99991230\r\n"), "{last}");
    assert!(last.contains("DURATION:P2D\r\n"), "{last}");
    assert!(!last.contains("DTEND"), "{last}");
    assert!(!ics.contains("DESCRIPTION:\r\n"), "{ics}");

    // Read by an independent implementation, when it is there (CI installs it).
    if !crate::util::outside_tool(
        &["python3", "-c", "import icalendar"],
        "CI must install Python's icalendar",
        "`pip install icalendar` to check the iCalendar export",
    ) {
        return;
    }
    let path = env.file("cal.ics", &ics);
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for ev in cal.walk('VEVENT'):
    # (a date after the year 9999 is more than Python can hold: the duration is printed)
    start = ev.decoded('DTSTART').isoformat()
    end = ev.decoded('DTEND').isoformat() if 'DTEND' in ev else ev.decoded('DURATION').days
    print(ev['UID'], start, end, 'DESCRIPTION' in ev)
"#;
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "key-bare@events 2021-01-01 2021-01-02 False\n\
         key-last@events 9999-12-30 2 False\n"
    );
}

#[test]
fn a_key_an_event_had_is_never_generated_again() {
    let Some(env) = Env::new() else { return };
    let add = || env.ok(&["add-event", "--title", "Same", "--start", "2021-01-01"]);
    add();
    env.ok(&["edit-event", "1", "--key", "renamed"]);
    add();
    env.ok(&["remove-event", "2", "--yes"]);
    add();
    assert_eq!(keys(&env), ["renamed", "2021-01-01-same-3"]);
    // Given explicitly (an event restored from an export), an old key is taken back.
    env.ok(&[
        "add-event",
        "--title",
        "Same",
        "--start",
        "2021-01-01",
        "--key",
        "2021-01-01-same",
    ]);
    assert_eq!(
        keys(&env),
        ["renamed", "2021-01-01-same-3", "2021-01-01-same"]
    );
}

#[test]
fn zero_and_huge_numbers_are_named_as_ids() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "A", "--start", "2021-01-01"]);
    for (reference, named) in [
        ("0", "id 0"),
        ("99999999999999999999", "id 99999999999999999999"),
        ("02", "key \"02\""),
    ] {
        let err = env.fails(1, &["show", reference]);
        assert!(
            err.starts_with(&format!("error: no event with {named};")),
            "{err}"
        );
    }
}

#[test]
fn csv_says_when_a_list_item_holds_its_separator() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "T",
        "--start",
        "2021-01-01",
        "--organizer",
        "Ministry of X; Dept Y",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "U",
        "--start",
        "2021-01-02",
        "--tag",
        "plain",
    ]);
    for args in [
        &["list", "--format", "csv"][..],
        &["export", "--format", "csv"][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.code, 0);
        assert!(
            out.stderr.contains("warning: a list item holds a `;`")
                && out.stderr.contains("\"2021-01-01-t\""),
            "{args:?}: {}",
            out.stderr
        );
    }
    // Nothing to say when no item holds one.
    let out = env.run(&["list", "--format", "csv", "--from", "2021-01-02"]);
    assert_eq!(out.stderr, "");
}

#[test]
fn an_export_holding_keys_of_an_older_events_imports_back() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "C", "--start", "2021-01-01"]);
    env.ok(&["add-event", "--title", "D", "--start", "2021-01-02"]);
    // Keys an older events gave: digits only, and a control character.
    env.sql(&format!(
        "UPDATE event SET key = '5'{} WHERE id = 1; UPDATE event SET key = 'ab\u{7}'{} WHERE id = 2;",
        also_folded("5"),
        also_folded("ab\u{7}")
    ));
    let export = env.ok(&["export"]);
    let Some(other) = Env::new() else { return };
    let out = other.run_stdin(&["import", "-"], export.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("reach them as `key:5`"),
        "{}",
        out.stderr
    );
    assert_eq!(other.ok(&["export"]), export);
    assert!(other.ok(&["show", "key:5"]).contains("C"));
    // New ones are still refused.
    let err = other.fails(
        1,
        &[
            "add-event",
            "--title",
            "X",
            "--start",
            "2021-01-01",
            "--key",
            "x\u{7}y",
        ],
    );
    assert!(err.contains("cannot hold control characters"), "{err}");
}

#[test]
fn two_keys_never_give_one_calendar_uid() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "A",
        "--start",
        "2021-01-01",
        "--key",
        "ab",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "B",
        "--start",
        "2021-01-01",
        "--key",
        "ab%07",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "C",
        "--start",
        "2021-01-01",
        "--key",
        "c-1",
    ]);
    env.sql(&format!(
        "UPDATE event SET key = 'c\u{7}'{} WHERE key = 'c-1';",
        also_folded("c\u{7}")
    ));
    let ics = env.ok(&["export", "--format", "ics"]);
    let uids: Vec<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(
        uids,
        [
            "UID:key-ab@events",
            "UID:key-ab%2507@events",
            "UID:key-c%07@events"
        ]
    );
}

#[test]
fn an_import_says_when_it_creates_an_event_beside_its_twin() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "Alpha", "--start", "2021-01-01"]);
    let old = env.ok(&["export"]);
    env.ok(&["edit-event", "1", "--key", "renamed"]);
    let out = env.run_stdin(&["import", "-"], old.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "note: 1 new event has the title and start date of an event already there (\"2021-01-01-alpha\" beside \"renamed\")"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_reference_names_no_event() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "A", "--start", "2021-01-01"]);
    let err = env.fails(1, &["show", ""]);
    assert!(err.contains("give an event's id or key"), "{err}");
}
