//! import and export: every format, atomicity, idempotence, line numbers, the round trip.

use crate::util::{Env, example, holds_nothing, ids, record_seed, without_ids};

const SEED_KEY: &str = "rats-2021-03";

fn event_line(title: &str, start: &str, extra: &str) -> String {
    format!(r#"{{"title": "{title}", "start": "{start}"{extra}}}"#)
}

#[test]
fn the_examples_load_and_reload_unchanged() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&["import", &example("seminars.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("Imported 4 events from ")
            && out.stderr.contains(
                ": 4 created, 0 updated, 0 unchanged; 10 new organizations, 9 new people, 11 new aliases ("
            ),
        "{}",
        out.stderr
    );
    let seed: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", SEED_KEY, "--format", "json"])).unwrap();
    assert_eq!(seed["participants"].as_array().unwrap().len(), 8);
    assert_eq!(seed["participants"][7]["name"], "V. V. Barchuk");
    assert_eq!(seed["participants"][7]["role"], "head of delegation");

    let before = env.dump();
    let out = env.run(&["import", &example("seminars.json")]);
    assert!(
        out.stderr
            .contains("0 created, 0 updated, 4 unchanged; 0 new organizations, 0 new people"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before, "a second import changed nothing");
}

#[test]
fn a_changed_record_replaces_the_event() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let changed = format!(
        r#"{{"key": "{SEED_KEY}", "title": "Renamed seminar", "start": "2021-03-16", "end": "2021-03-17",
            "tags": ["one"], "organizers": ["UN Office on Drugs and Crime"],
            "region": null, "partners": [], "sessions": [],
            "participants": [{{"name": "V. V. Barchuk", "organization": "RATS SCO Executive Committee", "role": "speaker"}}]}}"#
    );
    let ndjson = changed.replace('\n', " ");
    let out = env.run_stdin(&["import", "--format", "ndjson"], ndjson.as_bytes());
    assert!(
        out.stderr
            .contains("1 event from <stdin>: 0 created, 1 updated, 0 unchanged"),
        "{}",
        out.stderr
    );
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", SEED_KEY, "--format", "json"])).unwrap();
    assert_eq!(v["title"], "Renamed seminar");
    assert_eq!(v["end"], "2021-03-17");
    assert!(v["region"].is_null());
    assert_eq!(v["tags"], serde_json::json!(["one"]));
    assert_eq!(
        v["organizers"],
        serde_json::json!(["UN Office on Drugs and Crime"])
    );
    assert_eq!(v["partners"], serde_json::json!([]));
    assert_eq!(v["sessions"], serde_json::json!([]));
    assert_eq!(v["participants"].as_array().unwrap().len(), 1);
    // The other events, and every organization and person, are still there.
    assert_eq!(ids(&env.ok(&["list", "--format", "json"])).len(), 4);
    assert!(
        env.ok(&["list", "--org", "united nations", "--format", "json"])
            .contains("[]")
    );
}

#[test]
fn records_without_a_key_match_by_title_and_start() {
    let Some(env) = Env::new() else { return };
    let first = event_line("Expert Meeting", "2021-05-01", r#", "kind": "meeting""#);
    env.run_stdin(&["import"], first.as_bytes());
    let again = event_line("expert meeting", "2021-05-01", r#", "kind": "workshop""#);
    let out = env.run_stdin(&["import"], again.as_bytes());
    assert!(
        out.stderr.contains("0 created, 1 updated"),
        "{}",
        out.stderr
    );
    let other_day = event_line("Expert Meeting", "2021-05-02", "");
    let out = env.run_stdin(&["import"], other_day.as_bytes());
    assert!(out.stderr.contains("1 created"), "{}", out.stderr);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    assert_eq!(list[0]["title"], "expert meeting");
    assert_eq!(list[0]["kind"], "workshop");
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn formats_come_from_the_flag_the_extension_or_the_content() {
    let Some(env) = Env::new() else { return };
    let line = event_line("A", "2021-01-01", "");
    let jsonl = env.file("events.jsonl", format!("{line}\n"));
    env.ok(&["import", &jsonl]);
    let array = format!("  [\n{}\n]", event_line("B", "2021-01-02", ""));
    let out = env.run_stdin(&["import", "-"], array.as_bytes());
    assert!(
        out.stderr.contains("1 event from <stdin>: 1 created"),
        "{}",
        out.stderr
    );
    let ndjson = event_line("C", "2021-01-03", "");
    let txt = env.file("events.txt", &ndjson);
    env.ok(&["import", &txt]);
    let csv = "title,start\nD,2021-01-04\n";
    env.run_stdin(&["import", "--format", "csv"], csv.as_bytes());
    assert_eq!(ids(&env.ok(&["list", "--format", "json"])), [1, 2, 3, 4]);

    let stderr = env.fails(1, &["import", &env.file("events.dat", "title,start\n")]);
    assert!(stderr.contains("cannot tell the format of"), "{stderr}");
    assert!(
        stderr.contains("give --format json, ndjson, csv, xlsx or ics"),
        "{stderr}"
    );
    let stderr = env.fails(1, &["import", "missing.json"]);
    assert!(
        stderr.starts_with("error: cannot open missing.json"),
        "{stderr}"
    );
}

#[test]
fn csv_events_and_participants() {
    let Some(env) = Env::new() else { return };
    let events = "key,title,kind,start,end,mode,tags,organizers,partners,sessions\n\
        k1,\"Seminar, with comma\",Seminar,2021-03-16,2021-03-18,virtual,SALW; counter-terrorism,UNODC; UNOCT,UNRCCA,Opening\n\
        k2,Meeting,,2021-04-01,,,,,,\n";
    let path = env.file("events.csv", events);
    env.ok(&["import", &path]);
    let people = "event,name,organization,position,role,session,contribution\n\
        k1,V. V. Barchuk,RATS SCO Executive Committee,Deputy Director,head of delegation,Opening,report\n\
        2,Jehangir Khan,UN Counter-Terrorism Centre,,speaker,,\n";
    let path = env.file("participants.csv", people);
    let out = env.run(&["import", &path]);
    assert!(out.stderr.contains("2 participants from"), "{}", out.stderr);
    assert!(
        out.stderr.contains("2 added, 0 already there"),
        "{}",
        out.stderr
    );
    let out = env.run(&["import", &path]);
    assert!(
        out.stderr.contains("0 added, 2 already there"),
        "{}",
        out.stderr
    );

    let k1: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "k1", "--format", "json"])).unwrap();
    assert_eq!(k1["title"], "Seminar, with comma");
    assert_eq!(k1["kind"], "seminar");
    assert_eq!(k1["tags"], serde_json::json!(["SALW", "counter-terrorism"]));
    assert_eq!(k1["organizers"], serde_json::json!(["UNODC", "UNOCT"]));
    assert_eq!(k1["participants"][0]["session"], "Opening");
    assert_eq!(k1["participants"][0]["contribution"], "report");
    let k2: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "k2", "--format", "json"])).unwrap();
    assert_eq!(k2["end"], "2021-04-01");
    assert_eq!(k2["participants"][0]["name"], "Jehangir Khan");

    let before = env.dump();
    let bad = env.file("bad.csv", "event,name\nk1,Someone\nnope,Nobody\n");
    let stderr = env.fails(1, &["import", &bad]);
    assert!(
        stderr.contains("bad.csv: line 3: event \"nope\": no event has this key"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

/// Each bad file: the problem lines expected on stderr, in order.
#[test]
fn bad_records_are_reported_by_line_and_nothing_is_written() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    let before = env.dump();
    let good = event_line("Good", "2021-01-01", "");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "dates.ndjson",
            [
                good.clone(),
                event_line("Bad", "2021-02-30", ""),
                String::new(),
                event_line("Bad", "2021/02/03", ""),
                event_line("Bad", "2021-03-02", r#", "end": "2021-03-01""#),
            ]
            .join("\n"),
            vec![
                r#"line 2: start "2021-02-30": February 2021 has 28 days"#,
                r#"line 4: start "2021/02/03": expected a date as YYYY-MM-DD"#,
                r#"line 5: end "2021-03-01": is before the start, 2021-03-02"#,
            ],
        ),
        (
            "fields.ndjson",
            [
                r#"{"start": "2021-01-01"}"#.to_string(),
                event_line("  ", "2021-01-01", ""),
                event_line("T", "2021-01-01", r#", "mode": "online""#),
                r#"{"titel": "T", "start": "2021-01-01"}"#.to_string(),
                r#"{"title": "T", "start": 20210101}"#.to_string(),
                r#"{"title": "T", "start": "2021-01-01", "tags": "x"}"#.to_string(),
                r#"{"title": "T", "start": "#.to_string(),
                r#"{"title": "T", "start": "2021-01-01", "participants": [{"name": ""}]}"#.to_string(),
            ]
            .join("\n"),
            vec![
                "line 1: title: is missing; every event needs a title and a start date (YYYY-MM-DD)",
                r#"line 2: title "  ": must not be empty"#,
                r#"line 3: mode "online": expected one of in-person, virtual, hybrid"#,
                "line 4: titel: unknown field `titel`, expected one of",
                "line 5: start: invalid type: integer `20210101`, expected a string",
                "line 6: tags: invalid type: string \"x\", expected a sequence",
                "line 7: start: broken JSON: EOF while parsing a value",
                r#"line 8: participants[0].name "": must not be empty"#,
            ],
        ),
        (
            "array.json",
            format!(
                "[\n  {good},\n  {{\n    \"title\": \"Bad\",\n    \"start\": \"2021-13-01\"\n  }},\n  {}\n]\n",
                event_line("Bad", "2021-01-01", r#", "mode": "remote""#)
            ),
            vec![
                r#"line 3: start "2021-13-01": there is no month 13"#,
                r#"line 7: mode "remote": expected one of in-person, virtual, hybrid"#,
            ],
        ),
        (
            "broken.json",
            format!("[\n  {good},\n  {{\"title\": \"x\",\n"),
            vec!["line 3: broken JSON: the input ends inside this record"],
        ),
        (
            "keys.ndjson",
            [
                event_line("A", "2021-01-01", r#", "key": "k""#),
                event_line("B", "2021-01-02", ""),
                event_line("C", "2021-01-03", r#", "key": "k""#),
            ]
            .join("\n"),
            vec![r#"line 3: key "k": the same key is on line 1"#],
        ),
        (
            "twins.ndjson",
            [
                event_line("Twin", "2021-01-01", ""),
                event_line("Other", "2021-01-01", ""),
                event_line("TWIN", "2021-01-01", ""),
            ]
            .join("\n"),
            vec![
                r#"line 3: title "TWIN": the same title and start date are on line 1; give the records keys to tell them apart"#,
            ],
        ),
        (
            "rows.csv",
            "title,start,mode\nGood,2021-01-01,\n\nBad,2021-02-29,\nBad,2021-01-01,online\nToo,2021-01-01,,many\n"
                .to_string(),
            vec![
                r#"line 4: start "2021-02-29": February 2021 has 28 days"#,
                r#"line 5: mode "online": expected one of in-person, virtual, hybrid"#,
                "line 6: the row has 4 cells, the header 3",
            ],
        ),
        (
            "header.csv",
            "titel,start\nGood,2021-01-01\n".to_string(),
            vec![
                "line 1: titel: unknown column; expected some of: id, key, title",
                "line 1: title: a required column is missing",
            ],
        ),
    ];
    for (name, content, expected) in cases {
        let path = env.file(name, content);
        let stderr = env.fails(1, &["import", &path]);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), expected.len() + 1, "{name}: {stderr}");
        for (line, want) in lines.iter().zip(&expected) {
            let want = format!("{path}: {want}");
            assert!(
                line.starts_with(&want),
                "{name}:\n  got  {line}\n  want {want}"
            );
        }
        let n = expected.len();
        let last = format!(
            "error: {n} {} in {path}; nothing was imported",
            if n == 1 { "problem" } else { "problems" }
        );
        assert_eq!(lines[n], last, "{name}");
        assert_eq!(env.dump(), before, "{name} changed the database");
    }
}

#[test]
fn invalid_utf8_is_reported_by_line() {
    let Some(env) = Env::new() else { return };
    let mut content = event_line("Good", "2021-01-01", "").into_bytes();
    content.extend_from_slice(b"\n{\"title\": \"caf\xe9\", \"start\": \"2021-01-01\"}\n");
    let path = env.file("latin1.ndjson", content);
    let stderr = env.fails(1, &["import", &path]);
    assert!(
        stderr.contains(&format!("{path}: line 2: invalid UTF-8")),
        "{stderr}"
    );
    let csv = env.file("latin1.csv", b"title,start\ncaf\xe9,2021-01-01\n");
    let stderr = env.fails(1, &["import", &csv]);
    assert!(
        stderr.contains(&format!("{csv}: line 2: title: invalid UTF-8")),
        "{stderr}"
    );
    assert_eq!(env.ok(&["list", "--format", "json"]), "[]\n");
}

#[test]
fn many_problems_are_listed_up_to_twenty_then_counted() {
    let Some(env) = Env::new() else { return };
    let lines: Vec<String> = (1..=25)
        .map(|i| event_line(&format!("E{i}"), "2021-02-30", ""))
        .collect();
    let out = env.run_stdin(
        &["import", "--format", "ndjson"],
        lines.join("\n").as_bytes(),
    );
    assert_eq!(out.code, 1);
    let stderr: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(stderr.len(), 22, "{}", out.stderr);
    assert!(
        stderr[19].starts_with("<stdin>: line 20: start"),
        "{}",
        stderr[19]
    );
    assert_eq!(stderr[20], "... and 5 more problems");
    assert_eq!(
        stderr[21],
        "error: 25 problems in <stdin>; nothing was imported"
    );
}

#[test]
fn a_dry_run_writes_nothing() {
    let Some(env) = Env::new() else { return };
    let out = env.run(&["import", "--dry-run", &example("seminars.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("\nDry run, nothing written: would import 4 events from ")
            && out
                .stderr
                .contains("4 created, 0 updated, 0 unchanged; 10 new organizations, 9 new people"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.dump(),
        "(no database)",
        "a dry run created the database"
    );

    env.ok(&["import", &example("seminars.json")]);
    let before = env.dump();
    let changed = event_line("New", "2021-01-01", r#", "organizers": ["A new body"]"#);
    let out = env.run_stdin(&["import", "--dry-run"], changed.as_bytes());
    assert!(
        out.stderr
            .contains("1 created, 0 updated, 0 unchanged; 1 new organization, 0 new people"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before);
    // Problems are found in a dry run too.
    let bad = event_line("Bad", "2021-02-30", "");
    let stderr = env.fails(
        1,
        &[
            "import",
            "--dry-run",
            "--format",
            "ndjson",
            &env.file("x", bad),
        ],
    );
    assert!(stderr.contains("line 1: start \"2021-02-30\""), "{stderr}");
}

#[test]
fn export_then_import_gives_back_the_same_records() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let tricky = r#"{"title": " Quotes \" and, commas; and\nnewlines\r\n ", "start": "2020-02-29",
        "description": "=1+1 tab\there \u001b[31m 研讨会 👍", "tags": ["-minus", "@at", "plain"],
        "location": "'=already", "participants": [{"name": "Ünïcödé Nåme", "role": "+plus"}]}"#
        .replace('\n', " ");
    env.run_stdin(&["import", "--format", "ndjson"], tricky.as_bytes());
    let exported = env.ok(&["export"]);
    // 5 events, then the 6 alias records of the example data.
    assert_eq!(exported.lines().count(), 11);

    for format in ["ndjson", "json", "csv"] {
        let Some(copy) = Env::new() else { return };
        let file = env.ok(&["export", "--format", format]);
        let out = copy.run_stdin(&["import", "--format", format], file.as_bytes());
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        let again = copy.ok(&["export"]);
        if format == "csv" {
            // CSV carries no participants, and no aliases.
            let strip = |s: &str| {
                without_ids(s)
                    .into_iter()
                    .filter(|v| v.get("aliases").is_none())
                    .map(|mut v| {
                        v.as_object_mut().unwrap().remove("participants");
                        v
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(strip(&again), strip(&exported), "{format}");
        } else {
            assert_eq!(without_ids(&again), without_ids(&exported), "{format}");
        }
    }
}

#[test]
fn export_formats_and_filters() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json"])).unwrap();
    // 4 events, then the 6 alias records of the example data.
    assert_eq!(json.as_array().unwrap().len(), 10);
    assert_eq!(json[0]["participants"].as_array().unwrap().len(), 8);
    let filtered = env.ok(&[
        "export",
        "--from",
        "2021-03-17",
        "--to",
        "2021-10-05",
        "--org",
        "RATS SCO Executive Committee",
    ]);
    // The events, then the alias records of the organizations and people linked to them.
    let keys: Vec<_> = without_ids(&filtered)
        .iter()
        .filter_map(|v| Some(v.get("key")?.as_str()?.to_string()))
        .collect();
    assert_eq!(keys, [SEED_KEY, "osce-2021-10"]);
    assert_eq!(
        env.ok(&["export", "--format", "json", "--from", "2030-01-01"]),
        "[]\n"
    );
    assert_eq!(env.ok(&["export", "--from", "2030-01-01"]), "");

    let csv = env.ok(&["export", "--format", "csv"]);
    assert!(csv.starts_with("id,key,title,kind,start,end,mode,location,region,project,description,source,tags,organizers,partners,sessions\n"));
    assert_eq!(csv.lines().count(), 5);

    // --output: the format from the extension; the file appears whole.
    let out = env.dir.path().join("out.ics");
    let stderr = env
        .run(&["export", "--output", out.to_str().unwrap()])
        .stderr;
    assert!(stderr.contains("Exported 4 events to"), "{stderr}");
    let ics = std::fs::read_to_string(&out).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn formulas_are_neutralized_in_csv() {
    let Some(env) = Env::new() else { return };
    env.run_stdin(
        &["import"],
        event_line("=HYPERLINK(\\\"x\\\")", "2021-01-01", r#", "tags": ["+1"]"#).as_bytes(),
    );
    let csv = env.ok(&["export", "--format", "csv"]);
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains(r#""'=HYPERLINK(""x"")""#), "{row}");
    assert!(row.contains(",'+1,"), "{row}");
    // --raw writes the text as it is.
    let raw = env.ok(&["export", "--format", "csv", "--raw"]);
    let row = raw.lines().nth(1).unwrap();
    assert!(row.contains(r#","=HYPERLINK(""x"")","#), "{row}");
    assert!(row.contains(",+1,"), "{row}");
    let listed = env.ok(&["list", "--format", "csv", "--raw"]);
    assert_eq!(listed, raw);
}

/// Parses the calendar with Python's `icalendar`, an independent implementation of RFC 5545.
#[test]
fn ics_export_is_valid_icalendar() {
    // CI installs icalendar (.ci/run) and must run this; a newcomer with only Rust may not
    // have it, and is told so rather than failed.
    if !crate::util::outside_tool(
        &["python3", "-c", "import icalendar"],
        "CI must install Python's icalendar (see .ci/run)",
        "`pip install icalendar` to check the iCalendar export",
    ) {
        return;
    }
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let path = env.dir.path().join("events.ics");
    env.ok(&[
        "export",
        "--format",
        "ics",
        "--output",
        path.to_str().unwrap(),
    ]);
    let script = r#"
import json, sys
import icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for ev in cal.walk('VEVENT'):
    cats = ev.get('CATEGORIES')
    cats = [] if cats is None else [str(c) for c in cats.cats]
    out.append({
        'uid': str(ev['UID']),
        'start': ev.decoded('DTSTART').isoformat(),
        'end': ev.decoded('DTEND').isoformat(),
        'summary': str(ev['SUMMARY']),
        'location': str(ev.get('LOCATION', '')),
        'categories': cats,
        'description': str(ev['DESCRIPTION']),
        'stamp': ev.decoded('DTSTAMP').isoformat(),
    })
print(json.dumps({'version': str(cal['VERSION']), 'events': out}))
"#;
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (CI installs it with icalendar)");
    assert!(
        output.status.success(),
        "icalendar could not parse the export (is it installed? `pip install icalendar`): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["version"], "2.0");
    let events = parsed["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    let seed = &events[0];
    assert_eq!(seed["uid"], format!("key-{SEED_KEY}@events"));
    assert_eq!(seed["start"], "2021-03-16");
    assert_eq!(
        seed["end"], "2021-03-19",
        "DTEND is the day after the last day"
    );
    assert_eq!(
        seed["summary"],
        "Virtual regional seminar on judicial and law enforcement cooperation and information exchange"
    );
    assert_eq!(
        seed["categories"],
        serde_json::json!([
            "seminar",
            "counter-terrorism",
            "SALW",
            "law enforcement cooperation"
        ])
    );
    let description = seed["description"].as_str().unwrap();
    assert!(description.contains("Organizers: UN Counter-Terrorism Centre; UN Office of Counter-Terrorism; UN Office on Drugs and Crime"), "{description}");
    assert!(
        description
            .contains("Partners: UN Regional Centre for Preventive Diplomacy for Central Asia"),
        "{description}"
    );
    assert!(description.contains("- V. V. Barchuk (Deputy Director, RATS SCO Executive Committee): head of delegation; session: The role of international"), "{description}");
    assert_eq!(events[1]["location"], "Vienna");
    assert_eq!(events[3]["start"], "2023-04-12");
    assert_eq!(events[3]["end"], "2023-04-13");
}

#[test]
fn a_csv_update_keeps_what_csv_cannot_hold() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let csv = env.ok(&["export", "--format", "csv"]);
    let path = env.file("events.csv", &csv);
    let out = env.run(&["import", &path]);
    assert!(
        out.stderr.contains("0 created, 0 updated, 4 unchanged"),
        "{}",
        out.stderr
    );
    // A file with fewer columns changes only those it has.
    let path = env.file(
        "titles.csv",
        format!("key,title,start\n{SEED_KEY},Renamed,2021-03-16\n"),
    );
    let out = env.run(&["import", &path]);
    assert!(
        out.stderr.contains("0 created, 1 updated"),
        "{}",
        out.stderr
    );
    let seed: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", SEED_KEY, "--format", "json"])).unwrap();
    assert_eq!(seed["title"], "Renamed");
    assert_eq!(seed["end"], "2021-03-18");
    assert_eq!(seed["region"], "Central Asia");
    assert_eq!(seed["organizers"].as_array().unwrap().len(), 3);
    assert_eq!(seed["participants"].as_array().unwrap().len(), 8);
}

#[test]
fn records_must_be_objects() {
    let Some(env) = Env::new() else { return };
    for (input, want) in [
        (
            r#"[null, "k", "Title", null, "2021-01-01"]"#,
            "line 1: expected an event object",
        ),
        (
            r#"{"title": "P", "start": "2021-01-01", "participants": [["Alice", "Org"]]}"#,
            "line 1: participants[0]: invalid type: sequence, expected a participant object",
        ),
    ] {
        let out = env.run_stdin(&["import", "--format", "ndjson"], input.as_bytes());
        assert_eq!(out.code, 1);
        assert!(
            out.stderr.starts_with(&format!("<stdin>: {want}")),
            "{}",
            out.stderr
        );
    }
    // null is an absent value, for lists too.
    let out = env.run_stdin(
        &["import", "--format", "ndjson"],
        br#"{"title": "N", "start": "2021-01-01", "tags": null, "participants": null, "key": null}"#,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn the_format_is_sniffed_past_any_amount_of_white_space() {
    let Some(env) = Env::new() else { return };
    let mut input = "\n".repeat(100_000).into_bytes();
    input.extend_from_slice(
        br#"[{"title": "A", "start": "2021-01-01"}, {"title": "B", "start": "2021-02-30"}]"#,
    );
    let out = env.run_stdin(&["import"], &input);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .starts_with("<stdin>: line 100001: start \"2021-02-30\""),
        "{}",
        out.stderr
    );
}

#[test]
fn a_failed_import_leaves_no_database_behind() {
    let Some(env) = Env::new() else { return };
    let bad = env.file("bad.ndjson", r#"{"title": "A", "start": "2021-02-30"}"#);
    env.fails(1, &["import", &bad]);
    assert!(holds_nothing(&env));
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    env.ok(&["import", &example("seminars.json")]);
    assert!(!holds_nothing(&env));
}

#[test]
fn keys_are_found_however_they_are_spaced() {
    let Some(env) = Env::new() else { return };
    let id = env.ok(&[
        "add-event",
        "--title",
        "K",
        "--start",
        "2021-01-01",
        "--key",
        "  my   key ",
    ]);
    let shown = env.ok(&["show", " my key", "--format", "json"]);
    assert!(shown.contains(&format!("\"id\": {}", id.trim())), "{shown}");
    let path = env.file("p.csv", "event,name\n my  key ,Someone\n");
    env.ok(&["import", &path]);
}

/// An import writes its rows in bulk, yet what comes after it is as after rows written one by
/// one: the next event, participation or person takes the id after the import's last, and an
/// import that failed took none. A second import (into a database no longer empty) finds what
/// the first wrote.
#[test]
fn ids_follow_on_from_an_import_and_a_failed_one_takes_none() {
    let Some(env) = Env::new() else { return };
    let record = |key: &str, start: &str, people: &[&str]| {
        let people: Vec<String> = people
            .iter()
            .map(|p| format!(r#"{{"name": "{p}", "organization": "Org {p}", "session": "S"}}"#))
            .collect();
        format!(
            r#"{{"key": "{key}", "title": "Seminar {key}", "start": "{start}", "organizers": ["UNODC"], "sessions": ["S"], "participants": [{}]}}"#,
            people.join(", ")
        )
    };
    let bad = env.file(
        "bad.ndjson",
        [
            record("a", "2021-01-01", &["P1", "P2"]),
            event_line("Bad", "2021-02-30", ""),
        ]
        .join("\n"),
    );
    env.fails(1, &["import", &bad]);
    let good = env.file(
        "good.ndjson",
        [
            record("b", "2021-01-02", &["P1", "P2"]),
            record("c", "2021-01-03", &["P2", "P3"]),
        ]
        .join("\n"),
    );
    env.ok(&["import", &good]);
    let listed = env.ok(&["list", "--format", "json"]);
    assert_eq!(ids(&listed), [1, 2]);
    let added = env.ok(&["add-event", "--title", "Added", "--start", "2021-01-04"]);
    assert!(added.contains('3'), "{added}");
    let more = env.file(
        "more.ndjson",
        [
            record("c", "2021-01-03", &["P2", "P3"]),
            record("d", "2021-01-05", &["P3", "P5"]),
        ]
        .join("\n"),
    );
    let out = env.run(&["import", &more]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 created, 0 updated, 1 unchanged"),
        "{}",
        out.stderr
    );
    let d = env.ok(&["show", "d"]);
    assert!(d.contains("│ ID         ┆ 4 "), "{d}");
    // Two participations of "b" and two of "c" before them.
    assert!(d.contains("┆  5 ┆ P3 "), "{d}");
    assert!(d.contains("┆  6 ┆ P5 "), "{d}");
    let person = env.ok(&["person", "P5"]);
    assert!(person.contains("Seminar d"), "{person}");
}

/// On PostgreSQL, an import into an empty schema sets the foreign keys and the plain indexes
/// aside and makes them again before its commit: the schema is then as any other write
/// leaves it, and its references hold.
#[test]
fn an_import_into_an_empty_schema_leaves_its_keys_and_indexes_as_they_were() {
    let (Some(imported), Some(added)) = (Env::new(), Env::new()) else {
        return;
    };
    let (Some(imported_url), Some(added_url)) = (&imported.url, &added.url) else {
        return; // SQLite: nothing is set aside
    };
    imported.ok(&["import", &example("seminars.json")]);
    added.ok(&["add-event", "--title", "A", "--start", "2021-01-01"]);
    let shape = |url: &str| -> Vec<String> {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        client
            .query(
                "SELECT c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
                  WHERE c.connamespace = CAST(current_schema() AS regnamespace)
                 UNION ALL
                 SELECT replace(pg_get_indexdef(i.oid), current_schema() || '.', '')
                   FROM pg_class i
                  WHERE i.relnamespace = CAST(current_schema() AS regnamespace)
                    AND i.relkind = 'i'
                  ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    };
    let after_import = shape(imported_url);
    assert!(
        after_import
            .iter()
            .any(|c| c.starts_with("participation_person_id_fkey FOREIGN KEY")),
        "{after_import:?}"
    );
    assert!(
        after_import
            .iter()
            .any(|c| c.contains("event_search ON event USING gin")),
        "{after_import:?}"
    );
    assert_eq!(after_import, shape(added_url));
    assert!(imported.ok(&["check"]).contains("foreign keys: ok"));
}

#[test]
fn one_import_finds_its_own_records_by_key_and_by_title_and_start() {
    // Many records, so that on PostgreSQL those met again were sent to the server by then
    // (a debug build sends every few) as well as still waiting.
    let Some(env) = Env::new() else { return };
    let mut lines: Vec<String> = (1..=9)
        .map(|i| event_line(&format!("Talk {i}"), &format!("2021-01-0{i}"), ""))
        .collect();
    lines.push(event_line("Keyed", "2021-02-01", r#", "key": "k-1""#));
    // The same as line 1 (by title and start), line 10 (by key) and line 9 (just before).
    lines.push(event_line("talk  1", "2021-01-01", r#", "kind": "x""#));
    lines.push(event_line("Other", "2021-02-02", r#", "key": "k-1""#));
    lines.push(event_line("Talk 9", "2021-01-09", ""));
    let file = env.file("twice.ndjson", lines.join("\n"));
    let stderr = env.fails(1, &["import", &file]);
    for said in [
        "line 11",
        "the same title and start date are on line 1",
        "line 12",
        "the same key is on line 10",
        "line 13",
        "the same title and start date are on line 9",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    // Records with keys first, then without: those are matched by title and start date to
    // the events the first wrote (sent to the server by then, or waiting).
    let mut lines: Vec<String> = (1..=5)
        .map(|i| {
            let key = format!(r#", "key": "p-{i}""#);
            event_line(&format!("Panel {i}"), "2022-03-01", &key)
        })
        .collect();
    lines.push(event_line("panel 2", "2022-03-01", ""));
    lines.push(event_line("panel 5", "2022-03-01", ""));
    let stderr = env.fails(1, &["import", &env.file("keyed.ndjson", lines.join("\n"))]);
    for said in [
        "the same title and start date are on line 2",
        "the same title and start date are on line 5",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
    // A title of another title key but the same generated key: the next suffix, and the
    // record of the first's title again updates the first, not the second.
    let mut lines: Vec<String> = (1..=5)
        .map(|i| event_line(&format!("Talk {i}"), "2021-01-01", ""))
        .collect();
    lines.push(event_line("Talk: 1", "2021-01-01", ""));
    lines.push(event_line("Talk - 1", "2021-01-01", ""));
    let out = env.run_stdin(&["import"], lines.join("\n").as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys[5..],
        ["2021-01-01-talk-1-2", "2021-01-01-talk-1-3"],
        "{keys:?}"
    );
    let again = event_line("Talk: 1", "2021-01-01", r#", "kind": "y""#);
    let out = env.run_stdin(&["import"], again.as_bytes());
    assert!(
        out.stderr.contains("0 created, 1 updated"),
        "{}",
        out.stderr
    );
}
