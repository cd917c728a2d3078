//! Long lists, written as they are read (issue 12): `list` holds no more than a few events
//! at a time in any format, and its table, drawn a few rows at a time, is still one table,
//! its columns sized to every row and wrapped to the terminal.

use unicode_width::UnicodeWidthStr;

use crate::util::{Env, ids};

/// How many events: more than the 256 rows a table draws at a time.
const EVENTS: usize = 700;

/// `EVENTS` events of titles short and long (words too long to keep whole, hyphens, wide
/// characters), some without organizers or kind, on dates that repeat.
fn many() -> Option<Env> {
    let env = Env::new()?;
    let mut ndjson = String::new();
    for i in 0..EVENTS {
        let title = match i % 5 {
            0 => format!("Seminar {i}"),
            1 => format!("Regional Counter-Terrorism workshop on border security, part {i}"),
            2 => format!("東京 meeting {i} https://example.org/a/long/address/without/spaces"),
            3 => format!("Expert meeting on financing of terrorism {i}"),
            _ => format!("Café {i}"),
        };
        let organizers = match i % 3 {
            0 => r#"["UNODC", "OSCE"]"#,
            1 => "[]",
            _ => r#"["Under-Secretary-General's Office"]"#,
        };
        let kind = if i % 4 == 0 { "null" } else { r#""seminar""# };
        let day = 1 + i % 28;
        ndjson.push_str(&format!(
            r#"{{"key": "k{i}", "title": "{title}", "kind": {kind}, "start": "2021-03-{day:02}", "organizers": {organizers}, "participants": [{{"name": "Person {n}", "organization": "UNODC"}}]}}"#,
            n = i % 40
        ));
        ndjson.push('\n');
    }
    let out = env.run_stdin(&["import", "--format", "ndjson"], ndjson.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    Some(env)
}

/// `list` with the table width set to `columns` (none: no width, as through a pipe with no
/// `$COLUMNS`).
fn list(env: &Env, columns: Option<u16>, extra: &[&str]) -> String {
    let mut cmd = env.cmd();
    match columns {
        Some(columns) => cmd.env("COLUMNS", columns.to_string()),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.arg("list").args(extra).output().expect("run events");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The ids in the first column of a table, in order.
fn table_ids(table: &str) -> Vec<i64> {
    table
        .lines()
        .filter(|line| line.starts_with('│'))
        .filter_map(|line| {
            let first = line.trim_start_matches('│').split('┆').next()?;
            first.trim().parse().ok()
        })
        .collect()
}

#[test]
fn a_long_table_is_one_table_at_any_width() {
    let Some(env) = many() else { return };
    for extra in [
        &[][..],
        &["--sort", "title"],
        &["--search", "border", "--limit", "300"],
    ] {
        let mut json_args = vec!["list", "--format", "json"];
        json_args.extend_from_slice(extra);
        let expected = ids(&env.ok(&json_args));
        assert!(expected.len() >= 140, "{extra:?}: {}", expected.len());
        for columns in [None, Some(70), Some(100), Some(250)] {
            let table = list(&env, columns, extra);
            let lines: Vec<&str> = table.lines().collect();
            let what = format!("{extra:?} at {columns:?}");
            // One top, one header rule, one bottom: the chunks are joined seamlessly.
            let count = |start: char| lines.iter().filter(|l| l.starts_with(start)).count();
            assert_eq!((count('╭'), count('╞'), count('╰')), (1, 1, 1), "{what}");
            assert!(lines[0].starts_with('╭') && lines[lines.len() - 1].starts_with('╰'));
            assert!(table.ends_with("╯\n"), "{what}");
            // Every line as wide as the others (the columns are sized to every row), and
            // within the terminal.
            let width = lines[0].width();
            assert!(lines.iter().all(|l| l.width() == width), "{what}");
            if let Some(columns) = columns {
                assert!(width <= usize::from(columns), "{what}: {width}");
            }
            // Every event once, in order.
            assert_eq!(table_ids(&table), expected, "{what}");
        }
    }
}

#[test]
fn a_long_list_too_wide_for_a_table_is_one_block_per_event() {
    let Some(env) = many() else { return };
    let blocks = list(&env, Some(24), &[]);
    let rules: Vec<&str> = blocks
        .lines()
        .filter(|l| l.starts_with("─[ RECORD "))
        .collect();
    assert_eq!(rules.len(), EVENTS);
    assert!(rules[EVENTS - 1].starts_with(&format!("─[ RECORD {EVENTS} ]")));
    assert!(blocks.lines().all(|l| l.width() <= 24), "{blocks}");
    assert!(blocks.ends_with('\n') && !blocks.ends_with("\n\n"));
}

#[test]
fn long_json_and_csv_lists_hold_every_event() {
    let Some(env) = many() else { return };
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).expect("one JSON array");
    let listed = json.as_array().expect("an array");
    assert_eq!(listed.len(), EVENTS);
    // The events export writes, one a line, are the ones list prints pretty.
    let exported: serde_json::Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json"])).expect("JSON");
    assert_eq!(listed, exported.as_array().expect("an array"));
    // The same CSV as export's, header and all.
    assert_eq!(
        env.ok(&["list", "--format", "csv"]),
        env.ok(&["export", "--format", "csv"])
    );
    assert_eq!(
        env.ok(&["list", "--format", "json", "--limit", "0"]),
        "[]\n"
    );
}

#[test]
fn a_list_closed_early_ends_quietly() {
    let Some(env) = many() else { return };
    for format in ["table", "json", "csv"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
            .env_remove("EVENTS_DB")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(env.target())
            .args(["list", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run events");
        // Read a little, then close the pipe, as `| head` does.
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 64];
        std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
        drop(stdout);
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{format}: {out:?}");
        assert!(out.stderr.is_empty(), "{format}: {out:?}");
    }
}

/// How many people and organizations [`crowd`] records: more than the 256 rows a table draws
/// at a time.
const CROWD: usize = 600;

/// `CROWD` events, each with a person and an organization of its own (every fiftieth with an
/// alias, a second line in its cell) and one person, Ann Long, who took part in all of them.
fn crowd() -> Option<Env> {
    let env = Env::new()?;
    let mut ndjson = String::new();
    for i in 0..CROWD {
        let org = format!("Agency {i:03}");
        ndjson.push_str(&format!(
            r#"{{"key": "c{i}", "title": "Meeting {i}", "start": "2020-01-{day:02}", "organizers": ["{org}"], "participants": [{{"name": "Person {i:03}", "organization": "{org}", "position": "Officer"}}, {{"name": "Ann Long", "organization": "UNODC", "role": "chair", "session": "Session {i}"}}]}}"#,
            day = 1 + i % 28
        ));
        ndjson.push('\n');
    }
    let out = env.run_stdin(&["import", "--format", "ndjson"], ndjson.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    for i in (0..CROWD).step_by(50) {
        env.ok(&[
            "person",
            "alias",
            &format!("Person {i:03}"),
            &format!("P. {i:03}"),
        ]);
        env.ok(&[
            "org",
            "alias",
            &format!("Agency {i:03}"),
            &format!("AG{i:03}"),
        ]);
    }
    Some(env)
}

/// Runs `args` with the table width set to `columns` (none: no width).
fn table(env: &Env, columns: Option<u16>, args: &[&str]) -> String {
    let mut cmd = env.cmd();
    match columns {
        Some(columns) => cmd.env("COLUMNS", columns.to_string()),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.args(args).output().expect("run events");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The first cells of a table's rows that begin with `prefix`, in order.
fn first_cells(table: &str, prefix: &str) -> Vec<String> {
    table
        .lines()
        .filter(|line| line.starts_with('│'))
        .filter_map(|line| {
            let first = line.trim_start_matches('│').split('┆').next()?.trim();
            first.starts_with(prefix).then(|| first.to_string())
        })
        .collect()
}

#[test]
fn long_people_orgs_and_history_tables_are_one_table_at_any_width() {
    let Some(env) = crowd() else { return };
    let names = |args: &[&str], field: &str| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(&env.ok(args)).expect("JSON");
        json.as_array()
            .expect("an array")
            .iter()
            .map(|v| v[field].as_str().expect("a name").to_string())
            .collect()
    };
    let people = names(&["people", "--format", "json"], "name");
    let orgs = names(&["orgs", "--format", "json"], "name");
    assert_eq!(people.len(), CROWD + 1);
    assert_eq!(orgs.len(), CROWD + 1);
    let history = env.ok(&["person", "Ann Long", "--format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&history).expect("JSON");
    assert_eq!(
        history["history"].as_array().expect("an array").len(),
        CROWD
    );
    for (args, prefix, expected) in [
        (
            &["people"][..],
            "Person ",
            people.iter().filter(|n| n.starts_with("Person ")).count(),
        ),
        (
            &["orgs"][..],
            "Agency ",
            orgs.iter().filter(|n| n.starts_with("Agency ")).count(),
        ),
        (&["person", "Ann Long"][..], "2020-01-", CROWD),
    ] {
        for columns in [None, Some(80), Some(120), Some(250)] {
            let drawn = table(&env, columns, args);
            let what = format!("{args:?} at {columns:?}");
            let lines: Vec<&str> = drawn
                .lines()
                .filter(|l| !l.starts_with("Ann Long"))
                .collect();
            // One top, one header rule, one bottom: the chunks are joined seamlessly.
            let count = |start: char| lines.iter().filter(|l| l.starts_with(start)).count();
            assert_eq!((count('╭'), count('╞'), count('╰')), (1, 1, 1), "{what}");
            assert!(drawn.ends_with("╯\n"), "{what}");
            let width = lines[0].width();
            assert!(lines.iter().all(|l| l.width() == width), "{what}");
            if let Some(columns) = columns {
                assert!(width <= usize::from(columns), "{what}: {width}");
            }
            // Every row once, in the order of the JSON.
            let cells = first_cells(&drawn, prefix);
            assert_eq!(cells.len(), expected, "{what}");
            if prefix == "Person " {
                let listed: Vec<&String> =
                    people.iter().filter(|n| n.starts_with(prefix)).collect();
                assert!(cells.iter().zip(listed).all(|(c, n)| c == n), "{what}");
            }
        }
    }
}
