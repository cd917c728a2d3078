//! What reaches a terminal (issue 8, items 8 to 11): machine formats are escaped on a terminal
//! and exact to a pipe; joiners that join are kept; tables fit 60, 80 and 120 columns without
//! breaking a word that fits, and turn into blocks when too narrow; a value of any length is
//! shown in bounded space and time.

use unicode_width::UnicodeWidthStr;

use crate::util::{Env, example, run_on_terminal, without_last_change};

/// A title that would retitle the terminal (OSC), clear it (CSI), start a CSI with the
/// one-byte C1 introducer, ring the bell and reverse the rest of the line.
const HOSTILE: &str = "Seminar \u{1b}]2;pwned\u{7} \u{1b}[2J \u{9b}31m \u{202e}txet";

fn is_raw_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\r' || matches!(c, '\u{202a}'..='\u{202e}')
}

/// An event, an organization and a person, each named with control characters.
fn hostile_env() -> Option<Env> {
    let env = Env::new()?;
    env.ok(&[
        "add-event",
        "--title",
        HOSTILE,
        "--start",
        "2021-03-16",
        "--organizer",
        "Org \u{1b}[2J\u{9b}0m",
        "--key",
        "hostile",
    ]);
    env.ok(&[
        "add-participant",
        "hostile",
        "--name",
        "Person \u{1b}]0;x\u{7}\u{202e}",
        "--org",
        "Org \u{1b}[2J\u{9b}0m",
    ]);
    Some(env)
}

#[test]
fn machine_formats_on_a_terminal_show_controls_escaped() {
    let Some(env) = hostile_env() else { return };
    let person = "Person \u{1b}]0;x\u{7}\u{202e}";
    let commands: Vec<Vec<&str>> = vec![
        vec!["list", "--format", "csv"],
        vec!["list", "--format", "json"],
        vec!["show", "hostile", "--format", "json"],
        vec!["people", "--format", "csv"],
        vec!["people", "--format", "json"],
        vec!["orgs", "--format", "csv"],
        vec!["orgs", "--format", "json"],
        vec!["person", person, "--format", "csv"],
        vec!["person", person, "--format", "json"],
        vec!["stats", "--by", "org", "--format", "csv"],
        vec!["stats", "--by", "org", "--format", "json"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "json"],
        vec!["export", "--format", "ndjson"],
        vec!["export", "--format", "ics"],
        vec!["export", "--format", "jsonld"],
        vec!["export", "--format", "csv", "--output", "-"],
    ];
    for args in commands {
        let (shown, _) = run_on_terminal(&env, &args, 80);
        assert!(
            !shown.chars().any(is_raw_control),
            "events {args:?} printed raw controls on a terminal: {shown:?}"
        );
        // (iCalendar drops control characters itself.)
        assert!(
            shown.contains("\\u{9b}") || shown.contains("\\u009b") || args.contains(&"ics"),
            "events {args:?} shows the C1 control escaped: {shown:?}"
        );
        let names_an_org_only = args[0] == "orgs" || args[0] == "stats";
        assert!(
            shown.contains("\\u{202e}") || shown.contains("\\u202e") || names_an_org_only,
            "events {args:?} shows the override escaped: {shown:?}"
        );
    }
}

#[test]
fn csv_on_a_terminal_reads_like_the_tables() {
    let Some(env) = hostile_env() else { return };
    let (shown, _) = run_on_terminal(&env, &["list", "--format", "csv"], 80);
    assert!(
        shown.contains("Seminar \\u{1b}]2;pwned\\u{7} \\u{1b}[2J \\u{9b}31m \\u{202e}txet"),
        "{shown}"
    );
    // The line breaks of the format itself stay line breaks.
    assert_eq!(shown.lines().count(), 2, "{shown}");
}

#[test]
fn json_on_a_terminal_is_still_json_meaning_the_same_text() {
    let Some(env) = hostile_env() else { return };
    for args in [
        vec!["list", "--format", "json"],
        vec!["export", "--format", "json"],
    ] {
        let (shown, _) = run_on_terminal(&env, &args, 80);
        let value: serde_json::Value = serde_json::from_str(&shown).expect("valid JSON");
        assert_eq!(value[0]["title"], HOSTILE, "{shown}");
    }
    let (shown, _) = run_on_terminal(&env, &["export"], 80);
    let first = shown.lines().next().expect("a line");
    let value: serde_json::Value = serde_json::from_str(first).expect("valid JSON");
    assert_eq!(value["title"], HOSTILE);
}

#[test]
fn icalendar_on_a_terminal_keeps_its_line_ends() {
    let Some(env) = hostile_env() else { return };
    let (shown, _) = run_on_terminal(&env, &["export", "--format", "ics"], 80);
    assert!(shown.starts_with("BEGIN:VCALENDAR\r\n"), "{shown:?}");
    assert!(shown.contains("\\u{202e}"), "{shown:?}");
}

#[test]
fn machine_formats_to_a_pipe_or_file_stay_exact() {
    let Some(env) = hostile_env() else { return };
    let csv = env.ok(&["list", "--format", "csv"]);
    assert!(csv.contains(HOSTILE), "{csv:?}");
    let json = env.ok(&["list", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["title"], HOSTILE);
    assert!(
        json.contains('\u{9b}') && json.contains('\u{202e}'),
        "{json:?}"
    );
    let people = env.ok(&["people", "--format", "csv"]);
    assert!(
        people.contains("Person \u{1b}]0;x\u{7}\u{202e}"),
        "{people:?}"
    );
    let out = env.dir.path().join("out.csv");
    env.ok(&[
        "export",
        "--format",
        "csv",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(out).unwrap().contains(HOSTILE));
}

#[test]
fn tables_on_a_terminal_fit_its_width() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    for width in [60u16, 80, 120] {
        let (shown, _) = run_on_terminal(&env, &["list"], width);
        for line in shown.lines() {
            assert!(line.width() <= usize::from(width), "{width}: {line}");
        }
        // Between 60 and 120 the terminal's own width is used, not a default.
        assert!(
            shown.lines().any(|l| l.width() > usize::from(width) - 10),
            "{width}: {shown}"
        );
    }
}

/// Persian with zero-width non-joiners, Devanagari with a joiner, emoji sequences, and
/// beside them the invisible characters that must stay visible.
const JOINED: &str =
    "می\u{200c}خواهم क्\u{200d}ष 👩\u{200d}💻 👨\u{200d}👩\u{200d}👧 🏳\u{fe0f}\u{200d}🌈 ❤\u{fe0f}";

#[test]
fn joiners_that_join_are_kept() {
    let Some(env) = Env::new() else { return };
    let title = format!(
        "{JOINED} bidi \u{202e}x\u{2066}y hidden a\u{200b}b\u{2060}c\u{feff} stray \u{200d} x\u{200c}"
    );
    env.ok(&["add-event", "--title", &title, "--start", "2021-03-16"]);
    let table = env.ok(&["show", "1"]);
    let csv = run_on_terminal(&env, &["list", "--format", "csv"], 120).0;
    for shown in [&table, &csv] {
        for word in JOINED.split(' ') {
            assert!(shown.contains(word), "{word:?} kept whole in {shown}");
        }
        for escaped in [
            "\\u{202e}x\\u{2066}y",
            "a\\u{200b}b\\u{2060}c\\u{feff}",
            "stray \\u{200d} x\\u{200c}",
        ] {
            assert!(shown.contains(escaped), "{escaped} in {shown}");
        }
    }
}

/// The example data, with fixed timestamps so that `show` can be a snapshot.
fn examples() -> Option<Env> {
    let env = Env::new()?;
    env.ok(&["import", &example("seminars.json")]);
    env.sql(
        "UPDATE event SET created_at = '2026-01-02T03:04:05Z', \
         updated_at = '2026-01-02T03:04:05Z'",
    );
    Some(env)
}

/// Runs with the table width set to `width`.
fn at(env: &Env, width: usize, args: &[&str]) -> String {
    let out = env
        .cmd()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .expect("run events");
    assert!(out.status.success(), "{args:?}: {out:?}");
    // `show`'s last line says when, and by whom: it differs from run to run.
    without_last_change(&String::from_utf8(out.stdout).expect("UTF-8"))
}

const TABLES: [(&str, &[&str]); 6] = [
    ("list", &["list"]),
    ("show", &["show", "1"]),
    ("orgs", &["orgs"]),
    ("people", &["people"]),
    ("person", &["person", "Jehangir Khan"]),
    ("stats", &["stats", "--by", "org"]),
];

#[test]
fn every_table_at_60_80_and_120_columns() {
    let Some(env) = examples() else { return };
    for width in [60, 80, 120] {
        for (name, args) in TABLES {
            let shown = at(&env, width, args);
            for line in shown.lines() {
                assert!(line.width() <= width, "{name} at {width}: {line}");
            }
            insta::assert_snapshot!(format!("{name}_at_{width}"), shown);
        }
    }
}

/// The width of each column's text, read from the table's top border.
fn column_widths(table: &str) -> Vec<usize> {
    let top = table.lines().find(|l| l.starts_with('╭')).expect("a table");
    top.trim_start_matches('╭')
        .trim_end_matches('╮')
        .split('┬')
        .map(|s| s.chars().count() - 2)
        .collect()
}

/// Asserts that every word of `texts` no wider than `width` is printed whole.
fn words_whole(shown: &str, texts: &[&str], width: usize) {
    for word in texts.iter().flat_map(|t| t.split_whitespace()) {
        if word.width() <= width {
            assert!(shown.contains(word), "{word:?} broken at {width}:\n{shown}");
        }
    }
}

const LONG_TITLE: &str = "International coordination conference on law enforcement \
    cooperation against Supercalifragilisticexpialidocious-Counterterrorism financing";
const LONG_ORG: &str = "United Nations Interregional Crime and Justice Research Institute";
const LONG_NAME: &str = "Maximilian-Alexander Wolfeschlegelsteinhausenbergerdorff";

fn long_env() -> Option<Env> {
    let env = examples()?;
    env.ok(&[
        "add-event",
        "--title",
        LONG_TITLE,
        "--start",
        "2024-02-29",
        "--end",
        "2024-03-02",
        "--kind",
        "round table",
        "--mode",
        "in-person",
        "--organizer",
        LONG_ORG,
        "--key",
        "long",
    ]);
    env.ok(&[
        "add-participant",
        "long",
        "--name",
        LONG_NAME,
        "--org",
        LONG_ORG,
        "--position",
        "Senior Interregional Programme Coordinator for Counter-Terrorism",
    ]);
    Some(env)
}

#[test]
fn at_80_columns_tables_fit_and_words_that_fit_stay_whole() {
    let Some(env) = long_env() else { return };
    // At 80 columns the long title's words, the long organization's and the dates do not
    // all fit beside each other: `list` is a table from 84 columns, blocks below.
    assert!(at(&env, 80, &["list"]).starts_with("─[ RECORD 1 ]"));
    let list = at(&env, 84, &["list"]);
    let widths = column_widths(&list);
    assert_eq!(widths.len(), 6, "{list}");
    // Headers are whole, and so is every word of a title or organization that fits.
    words_whole(&list, &["ID Dates Title Kind Organizers People"], 6);
    words_whole(
        &list,
        &[LONG_TITLE, "enforcement cooperation information"],
        widths[2],
    );
    words_whole(&list, &[LONG_ORG, "Counter-Terrorism"], widths[4]);
    // Numbers and dates are never wrapped.
    assert!(list.contains("2024-02-29 – 03-02"), "{list}");
    assert!(list.contains("2021-03-16 – 18"), "{list}");

    let orgs = at(&env, 80, &["orgs"]);
    let widths = column_widths(&orgs);
    assert!(widths[0] >= 15, "the names get room: {orgs}");
    words_whole(
        &orgs,
        &[LONG_ORG, "Organization Events Organizer Partner Attended"],
        widths[0],
    );

    let people = at(&env, 80, &["people"]);
    let widths = column_widths(&people);
    words_whole(&people, &[LONG_ORG], widths[3]);
    words_whole(&people, &["Name Events Latest position organization"], 6);

    for (name, args) in TABLES.iter().chain([&("long", &["show", "long"][..])]) {
        let shown = at(&env, 80, args);
        for line in shown.lines() {
            assert!(line.width() <= 80, "{name}: {line}");
        }
    }
}

#[test]
fn too_narrow_for_a_table_each_row_becomes_a_block() {
    let Some(env) = long_env() else { return };
    let shown = at(&env, 40, &["list", "--on", "2021-03"]);
    assert!(shown.starts_with("─[ RECORD 1 ]"), "{shown}");
    assert!(
        shown.lines().count() < 20,
        "one event in a few lines: {shown}"
    );
    for line in shown.lines() {
        assert!(line.width() <= 40, "{line}");
    }
    assert!(
        shown.contains("Title      │ Virtual regional seminar on"),
        "{shown}"
    );
    words_whole(
        &shown,
        &["Virtual regional seminar on judicial and law enforcement cooperation"],
        26,
    );
    for width in [30, 40, 50] {
        for (name, args) in TABLES {
            let shown = at(&env, width, args);
            for line in shown.lines() {
                assert!(line.width() <= width, "{name} at {width}: {line}");
            }
        }
    }
}

#[test]
fn a_megabyte_value_is_shown_cut_and_quickly() {
    let Some(env) = Env::new() else { return };
    let title = format!("T{}", "x".repeat(1 << 20));
    let source = format!("https://example.org/{}", "a".repeat(1 << 20));
    let record = serde_json::json!({"title": title, "start": "2021-01-01", "source": source});
    let file = env.file("big.ndjson", format!("{record}\n"));
    env.ok(&["import", &file]);
    for args in [&["show", "1"][..], &["list"][..]] {
        for width in [40, 80] {
            let shown = at(&env, width, args);
            assert!(
                shown.len() < 100_000,
                "{args:?} at {width}: {} bytes",
                shown.len()
            );
            // Says that the value is cut, and how to see all of it.
            assert!(
                shown.contains("1048577") && shown.contains("--format"),
                "{shown}"
            );
            for line in shown.lines() {
                assert!(line.width() <= width, "{line}");
            }
        }
    }
    let shown = at(&env, 80, &["show", "1"]);
    assert!(shown.contains("… (1048596"), "{shown}");
    // Without a width (a pipe), the same cut applies.
    let piped = env.ok(&["list"]);
    assert!(piped.len() < 100_000, "{}", piped.len());
    // The whole value is there in JSON.
    let json = env.ok(&["show", "1", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["title"], title.as_str());
}

#[test]
fn a_column_empty_in_every_row_is_left_out() {
    let Some(env) = Env::new() else { return };
    env.ok(&["add-event", "--title", "Briefing", "--start", "2022-02-01"]);
    let list = env.ok(&["list"]);
    assert!(
        !list.contains("Organizers") && !list.contains("Kind"),
        "{list}"
    );
    assert!(list.contains("Title") && list.contains("People"), "{list}");
    env.ok(&["add-participant", "1", "--name", "A. Person"]);
    let show = env.ok(&["show", "1"]);
    assert!(
        show.contains("Name") && !show.contains("Contribution"),
        "{show}"
    );
}

#[test]
fn export_output_onto_a_terminal_device_is_escaped() {
    let Some(env) = hostile_env() else { return };
    for format in ["csv", "json", "ndjson", "ics", "jsonld"] {
        let args = ["export", "--format", format, "--output", "/dev/stdout"];
        let (shown, _) = run_on_terminal(&env, &args, 80);
        assert!(
            !shown.chars().any(is_raw_control),
            "events {args:?} printed raw controls on a terminal: {shown:?}"
        );
        assert!(
            shown.contains("\\u{202e}") || shown.contains("\\u202e"),
            "events {args:?} shows the override escaped: {shown:?}"
        );
    }
    // JSON stays valid JSON meaning the same text.
    let (shown, _) = run_on_terminal(
        &env,
        &["export", "--format", "json", "--output", "/dev/stdout"],
        80,
    );
    let value: serde_json::Value = serde_json::from_str(&shown).expect("valid JSON");
    assert_eq!(value[0]["title"], HOSTILE, "{shown}");
}

/// `text` with every whole escape taken out: what is left of an escape cut in two shows.
fn without_whole_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 3..];
        let digits = tail.chars().take_while(char::is_ascii_hexdigit).count();
        if digits > 0 && tail[digits..].starts_with('}') {
            rest = &tail[digits + 1..];
        } else {
            out.push_str("\\u{");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn an_escape_is_never_cut_across_lines() {
    let Some(env) = Env::new() else { return };
    let title = format!(
        "Seminar on \u{202e}evil\u{202c}, and {}",
        "\u{202e}\u{1b}\u{9b}".repeat(12)
    );
    env.ok(&["add-event", "--title", &title, "--start", "2021-03-16"]);
    for width in [40, 60, 80, 100] {
        for args in [&["list"][..], &["show", "1"][..]] {
            let shown = at(&env, width, args);
            for line in shown.lines() {
                assert!(line.width() <= width, "{args:?} at {width}: {line}");
                let left = without_whole_escapes(line);
                assert!(
                    !left.contains('\\') && !left.contains('{') && !left.contains('}'),
                    "{args:?} at {width} cuts an escape: {line}"
                );
            }
        }
    }
}

#[test]
fn person_and_show_at_100_columns() {
    let Some(env) = examples() else { return };
    // At 100 columns the history's columns cannot each hold their longest word beside the
    // others: each participation is a block, rather than `internation`/`al`.
    let person = at(&env, 100, &["person", "V. V. Barchuk"]);
    assert!(person.contains("─[ RECORD 1 ]"), "{person}");
    assert!(
        person.contains("Dates        │ 2021-03-16 – 18\n"),
        "{person}"
    );
    // The participants of `show` are a table, and the spare width goes to the names (and the
    // organizations) first: Session and Contribution are as wide as their longest word.
    let show = at(&env, 100, &["show", "1"]);
    assert!(show.contains("┆ V. I. Voronkov "), "{show}");
    assert!(show.contains("┆ international ┆"), "{show}");
    assert!(show.contains("┆ Contribution │"), "{show}");
    for (name, shown) in [("person", &person), ("show", &show)] {
        for line in shown.lines() {
            assert!(line.width() <= 100, "{name}: {line}");
        }
        insta::assert_snapshot!(format!("{name}_at_100"), shown);
    }
    // With room for a table, a date range is never wrapped.
    let person = at(&env, 120, &["person", "V. V. Barchuk"]);
    assert!(person.contains("│ 2021-03-16 – 18 ┆"), "{person}");
}

/// Every word of every text in the example data, with the words the tables add around them.
fn example_words() -> std::collections::HashSet<String> {
    fn walk(value: &serde_json::Value, words: &mut std::collections::HashSet<String>) {
        match value {
            serde_json::Value::String(s) => {
                words.extend(s.split_whitespace().map(trim_punctuation));
                // As printed, punctuation included: what must fit whole.
                words.extend(s.split_whitespace().map(str::to_lowercase));
                // `orgs` shows the initialisms that names give.
                words.extend(events::model::abbrev::initialism(s).map(|i| i.to_lowercase()));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, words)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, words)),
            _ => {}
        }
    }
    let data = std::fs::read_to_string(example("seminars.json")).unwrap();
    let mut words = std::collections::HashSet::new();
    walk(&serde_json::from_str(&data).unwrap(), &mut words);
    // Headers, labels and the words tables and headings add.
    for extra in "ID Key Title Kind Dates Mode Location Region Project Organizers Partners \
        Sessions Tags Source Description Added Updated Organization Name Position Role Session \
        Contribution Events Organizer Partner Attended First last Latest position organization \
        People Event also none days participations Participants – · seminar conference \
        in-person virtual hybrid derived"
        .split_whitespace()
    {
        words.insert(extra.to_lowercase());
    }
    words
}

/// Whether `piece` is what a line may show of `word` when it is too wide for its column:
/// parts of it between hyphens, or, with no hyphen in it, any part.
fn broken(word: &str, piece: &str) -> bool {
    if !word.contains('-') {
        return word.contains(piece);
    }
    let parts: Vec<&str> = word.split_inclusive('-').collect();
    (0..parts.len()).any(|from| {
        (from + 1..=parts.len()).any(|to| trim_punctuation(&parts[from..to].concat()) == piece)
    })
}

fn trim_punctuation(word: &str) -> String {
    word.trim_matches(|c: char| "()[];,.:".contains(c))
        .to_lowercase()
}

#[test]
fn no_width_splits_a_word_that_fits_or_overflows() {
    let Some(env) = examples() else { return };
    let words = example_words();
    let commands: [&[&str]; 7] = [
        &["list"],
        &["show", "1"],
        &["show", "2"],
        &["orgs"],
        &["people"],
        &["person", "V. V. Barchuk"],
        &["person", "Jehangir Khan"],
    ];
    for width in 40..=140 {
        for args in commands {
            let shown = at(&env, width, args);
            let lines: Vec<&str> = shown.lines().collect();
            for (k, line) in lines.iter().enumerate() {
                assert!(line.width() <= width, "{args:?} at {width}: {line}");
                if line.starts_with("─[ RECORD") {
                    continue;
                }
                let cells: Vec<&str> = line.split(['│', '┆']).collect();
                let table = line.ends_with(['│', '┆']);
                let mut start = 0;
                for (i, cell) in cells.iter().enumerate() {
                    // How wide a word this cell could show: a table cell has a space of
                    // padding on each side; the last cell of a block runs to the edge.
                    let room = if table || i + 1 < cells.len() {
                        cell.width().saturating_sub(2)
                    } else {
                        width - start - 1
                    };
                    start += cell.width() + 1;
                    for token in cell.split_whitespace() {
                        let word = trim_punctuation(token);
                        let fine = word.is_empty()
                            || word.chars().any(|c| c.is_ascii_digit())
                            || word.chars().all(|c| "─═╭╮╰╯┬┴╞╪╡".contains(c))
                            || words.contains(&word)
                            // A word wider than the cell could show, broken after a
                            // hyphen if it has one.
                            // (A list joined with `; ` adds a character to a word.)
                            || words.iter().any(|w| w.width() + 1 > room && broken(w, &word));
                        assert!(
                            fine,
                            "{args:?} at {width} splits a word ({token:?}):\n{shown}"
                        );
                    }
                }
                // A date range that goes on two lines puts its whole second date below.
                for (i, cell) in cells.iter().enumerate() {
                    if cell.trim_end().ends_with('–') {
                        let below = lines.get(k + 1).map(|l| l.split(['│', '┆']).nth(i));
                        let below = below.flatten().unwrap_or("").trim();
                        let whole = below.len() >= 10
                            && below.as_bytes()[..10].iter().enumerate().all(|(j, b)| {
                                if j == 4 || j == 7 {
                                    *b == b'-'
                                } else {
                                    b.is_ascii_digit()
                                }
                            });
                        assert!(whole, "{args:?} at {width} splits a date range:\n{shown}");
                    }
                }
            }
        }
    }
}

/// The lines a terminal would show of `raw`: split where the cursor goes back to the start of
/// a line, escape sequences taken out.
fn drawn_lines(raw: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: parameters up to a final letter.
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        plain.push(c);
    }
    plain
        .split(['\r', '\n'])
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// Into a database there already (a file's as a server's): interrupted, the import says that
/// nothing was imported, ends as killed by the signal, and the records are as they were.
#[test]
fn an_import_into_a_database_there_already_interrupted_says_so() {
    use std::fmt::Write as _;

    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "There before",
        "--start",
        "2020-01-01",
    ]);
    let before = env.ok(&["export"]);
    let mut data = String::new();
    for i in 0..60_000 {
        writeln!(
            data,
            r#"{{"title":"Seminar number {i}","start":"2021-03-16","key":"k-{i}","organizers":["UN Office on Drugs and Crime"]}}"#
        )
        .unwrap();
    }
    let file = env.file("big.ndjson", data);
    let mut run = crate::util::OnTerminal::spawn(&env, &["import", &file], 80);
    let mut seen = Vec::new();
    run.read_until(&mut seen, |s| String::from_utf8_lossy(s).contains(" MiB"));
    // SAFETY: sends SIGTERM to the child we started, by its id.
    unsafe {
        libc::kill(run.child.id() as libc::pid_t, libc::SIGTERM);
    }
    run.read_until(&mut seen, |_| false);
    let status = run.child.wait().unwrap();
    let shown = String::from_utf8_lossy(&seen).into_owned();
    assert!(
        shown.ends_with("events: interrupted; nothing was imported\n"),
        "{:?}",
        &shown[shown.len().saturating_sub(300)..]
    );
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    }
    assert_eq!(env.ok(&["export"]), before, "the records are as they were");
}

#[test]
fn the_import_progress_bar_fits_the_terminal_and_ctrl_c_clears_it() {
    use std::fmt::Write as _;
    use unicode_width::UnicodeWidthStr;

    let Some(env) = Env::new() else { return };
    // Enough records that the import is still running when its bar appears.
    let mut data = String::new();
    for i in 0..60_000 {
        writeln!(
            data,
            r#"{{"title":"Seminar number {i}","start":"2021-03-16","key":"k-{i}","organizers":["UN Office on Drugs and Crime"],"participants":[{{"name":"Person {}","organization":"RATS SCO"}}]}}"#,
            i % 500
        )
        .unwrap();
    }
    let file = env.file("big.ndjson", data);
    let mut run = crate::util::OnTerminal::spawn(&env, &["import", &file], 60);
    let mut seen = Vec::new();
    // The bar is drawn once the import has run for a moment: wait for it.
    run.read_until(&mut seen, |s| String::from_utf8_lossy(s).contains(" MiB"));
    let bar = String::from_utf8_lossy(&seen).into_owned();
    assert!(bar.contains(" MiB"), "no progress bar: {bar:?}");
    // SAFETY: sends SIGINT to the child we started, by its id.
    unsafe {
        libc::kill(run.child.id() as libc::pid_t, libc::SIGINT);
    }
    run.read_until(&mut seen, |_| false);
    let status = run.child.wait().unwrap();
    let shown = String::from_utf8_lossy(&seen).into_owned();
    for line in drawn_lines(&shown) {
        assert!(line.width() <= 60, "wider than the terminal: {line:?}");
    }
    // The import removes what it was building (a new file's staging files; nothing on a
    // server, which rolls its transaction back) and says so: the note replaces the bar's line
    // (back to the start of it, cleared, then the note). It ends as killed by the signal.
    assert!(
        shown.ends_with("\r\u{1b}[2Kevents: interrupted; nothing was imported\n"),
        "{:?}",
        &shown[shown.len().saturating_sub(300)..]
    );
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    }
    assert!(!status.success());
    assert!(crate::util::holds_nothing(&env), "nothing was imported");
}
