//! Excel workbooks: `export --format xlsx` and `import FILE.xlsx`. A workbook round trip
//! loses nothing; a workbook edited by a person imports by the CSV rules; a reference reader
//! (Python's openpyxl) reads what is written.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;

use crate::util::{Env, OnTerminal, example, holds_nothing, without_ids};

/// Exports `from` as a workbook, imports it into an empty database, and checks that both
/// export the same NDJSON (events with their participants, then aliases); then imports it
/// again, which changes nothing and records nothing.
fn round_trip(from: &Env) -> String {
    let workbook = from.dir.path().join("all.xlsx");
    let workbook = workbook.to_str().unwrap();
    let out = from.run(&["export", "--output", workbook]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Exported "), "{}", out.stderr);

    let to = Env::new().unwrap();
    let first = to.run(&["import", workbook]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        without_ids(&to.ok(&["export"])),
        without_ids(&from.ok(&["export"]))
    );
    // The same records give the same file, byte for byte (no time of export in it: a second
    // later, the same bytes).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let twice = from.dir.path().join("again.xlsx");
    from.ok(&["export", "--output", twice.to_str().unwrap()]);
    assert!(std::fs::read(workbook).unwrap() == std::fs::read(&twice).unwrap());
    let before = to.dump();
    let again = to.run(&["import", workbook]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains(" 0 created, 0 updated, "),
        "{}",
        again.stderr
    );
    assert_eq!(to.dump(), before, "a second import changes nothing");
    first.stderr
}

#[test]
fn the_example_data_round_trips() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let said = round_trip(&env);
    assert!(
        said.contains(
            "Imported 4 events from ", // path
        ) && said.contains(
            ": 4 created, 0 updated, 0 unchanged; 12 participants: 12 added, 0 already there; \
             10 new organizations, 9 new people, 11 new aliases"
        ),
        "{said}"
    );
}

#[test]
fn hostile_text_round_trips() {
    let Some(env) = Env::new() else { return };
    let long = "Lorem ipsum dolor sit amet. ".repeat(1100); // 30,800 characters
    let records = [
        json!({"key": "=HYPERLINK(\"http://x\")", "title": "=1+1", "start": "2021-01-02",
        "end": "2021-01-03", "kind": "+seminar", "mode": "hybrid",
        "location": "-Vienna\r\nHofburg", "region": "@region", "project": "'=quoted",
        "description": long, "source": "\ttabbed _x0041_ literal",
        "tags": ["=tag", "ünïcödé", "דוגמה"], "organizers": ["=Org One"],
        "partners": ["Партнёр 🌍"], "sessions": ["Opening", "=Closing"],
        "participants": [
            {"name": "=Ann Lee", "organization": "=Org One", "position": "+chief\nof staff",
             "role": "@speaker", "session": "=Closing", "contribution": "line one\nline two", "head": true},
            {"name": "Bo 李", "organization": "Партнёр 🌍", "head": false}
        ]}),
        json!({"key": "2021", "title": "A key of digits", "start": "1899-12-31",
               "end": "1900-03-01", "participants": [{"name": "Ann Lee"}]}),
        json!({"key": "ctrl", "title": "Control \u{1} and \u{1b} escape", "start": "9999-12-30",
               "end": "9999-12-31"}),
        json!({"organization": "=Org One", "aliases": ["=O1", "Org 1"]}),
        json!({"person": "=Ann Lee", "aliases": ["A. Lee"]}),
    ];
    let ndjson: String = records.iter().map(|r| format!("{r}\n")).collect();
    let file = env.file("hostile.ndjson", ndjson);
    env.ok(&["import", &file]);
    round_trip(&env);
}

/// A format of Excel's own for dates, as a person's workbook has.
fn date_format() -> Format {
    Format::new().set_num_format("d mmm yyyy")
}

/// A workbook "edited by a person": the Events columns reordered, a date cell, a date typed
/// as text, a key typed as a number; a participants sheet of its own shape; a sheet of notes.
fn edited_workbook(path: &str, extra_column: bool, bad_date: bool) {
    let mut book = Workbook::new();
    let events = book.add_worksheet().set_name("Events").unwrap();
    let mut header = vec!["Start", "Title", "KEY", "end", "tags", "organizers"];
    if extra_column {
        header.push("Notes");
    }
    for (col, name) in header.iter().enumerate() {
        events.write_string(0, col as u16, *name).unwrap();
    }
    let day = ExcelDateTime::from_ymd(2021, 3, 16).unwrap();
    events
        .write_date_with_format(1, 0, &day, &date_format())
        .unwrap();
    events.write_string(1, 1, "Seminar on cooperation").unwrap();
    events.write_number(1, 2, 2021).unwrap();
    events.write_string(1, 3, "2021-03-18").unwrap();
    events.write_string(1, 4, "a; b").unwrap();
    events
        .write_string(1, 5, "UN Office on Drugs and Crime")
        .unwrap();
    if extra_column {
        events.write_string(1, 6, "call Ann first").unwrap();
    }
    // A blank row, then a date typed as text in the start column.
    events.write_string(3, 0, "2021-04-01").unwrap();
    events.write_string(3, 1, "Second").unwrap();
    events.write_string(3, 2, "second").unwrap();
    events.write_string(4, 0, "2021-05-01").unwrap();
    events.write_string(4, 1, "Third").unwrap();
    events.write_string(4, 2, "third").unwrap();
    if bad_date {
        events.write_string(4, 0, "2021-13-01").unwrap();
    }
    let participants = book.add_worksheet().set_name("Participants").unwrap();
    for (col, name) in ["name", "event", "head", "organization"].iter().enumerate() {
        participants.write_string(0, col as u16, *name).unwrap();
    }
    participants.write_string(1, 0, "Ann Lee").unwrap();
    participants.write_string(1, 1, "key:2021").unwrap();
    participants.write_boolean(1, 2, true).unwrap();
    participants
        .write_string(1, 3, "UN Office on Drugs and Crime")
        .unwrap();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "to do: add the photos").unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_workbook_edited_by_a_person_imports_by_the_csv_rules() {
    let Some(env) = Env::new() else { return };
    let path = env.dir.path().join("edited.xlsx");
    let path = path.to_str().unwrap();
    edited_workbook(path, false, false);
    let out = env.run(&["import", path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("note: the sheet \"Notes\" of ") && out.stderr.contains(" is not read"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Imported 3 events from ")
            && out
                .stderr
                .contains(": 3 created, 0 updated, 0 unchanged; 1 participant: 1 added"),
        "{}",
        out.stderr
    );
    let exported: Vec<serde_json::Value> = without_ids(&env.ok(&["export"]));
    let first = &exported[0];
    assert_eq!(
        first["key"], "2021",
        "a number in a text column is its text"
    );
    assert_eq!(first["start"], "2021-03-16", "a date cell");
    assert_eq!(first["end"], "2021-03-18", "a date typed as text");
    assert_eq!(first["tags"], json!(["a", "b"]));
    assert_eq!(first["organizers"], json!(["UN Office on Drugs and Crime"]));
    assert_eq!(first["participants"][0]["name"], "Ann Lee");
    assert_eq!(first["participants"][0]["head"], true);
    assert_eq!(exported[1]["start"], "2021-04-01");
    assert_eq!(exported[2]["key"], "third");
}

#[test]
fn extra_columns_of_a_workbook_are_not_read_and_said_once() {
    let Some(env) = Env::new() else { return };
    let path = env.dir.path().join("extra.xlsx");
    let path = path.to_str().unwrap();
    edited_workbook(path, true, false);
    let out = env.run(&["import", path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Once, not once a row; the header's own spelling.
    assert_eq!(
        out.stderr
            .matches(&format!(
                "note: the column \"Notes\" of the sheet Events of {path} is not read"
            ))
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Imported 3 events from "),
        "{}",
        out.stderr
    );
    assert!(!env.ok(&["export"]).contains("call Ann first"));
}

#[test]
fn a_column_twice_or_a_required_column_missing_is_still_refused() {
    let Some(env) = Env::new() else { return };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Events").unwrap();
    for (col, name) in ["title", "Title", "notes"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "A").unwrap();
    let path = env.dir.path().join("twice.xlsx");
    book.save(&path).unwrap();
    let path = path.to_str().unwrap();
    let err = env.fails(1, &["import", path]);
    assert!(
        err.contains(&format!(
            "{path}: Events row 1: title: the column appears twice"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{path}: Events row 1: start: a required column is missing"
        )),
        "{err}"
    );
    assert!(holds_nothing(&env));
}

/// A workbook of one event, whose Events sheet `more` adds to.
fn one_event(env: &Env, file: &str, more: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> String {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Events").unwrap();
    for (col, name) in ["key", "title", "start", "description"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "k1").unwrap();
    sheet.write_string(1, 1, "Seminar").unwrap();
    sheet.write_string(1, 2, "2021-03-16").unwrap();
    more(sheet);
    let path = env.dir.path().join(file);
    book.save(&path).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_cell_at_the_last_row_and_column_is_read_without_a_grid_of_the_sheet() {
    let Some(env) = Env::new() else { return };
    // Read as a grid, this is 1,048,576 rows by 16,384 columns (an abort: "memory
    // allocation of 549755813888 bytes failed"); read cell by cell, three rows.
    let path = one_event(&env, "far.xlsx", |sheet| {
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let err = env.fails(1, &["import", &path]);
    assert!(
        err.contains(&format!(
            "{path}: Events row 1048576: a value in column XFD, which has no name in the \
             header row"
        )),
        "{err}"
    );
    assert!(holds_nothing(&env));
    // Under a named column of no interest, it is not read.
    let path = one_event(&env, "far-named.xlsx", |sheet| {
        sheet.write_string(0, 16_383, "Notes").unwrap();
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    });
    let out = env.run(&["import", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("Imported 1 event from "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_formula_without_its_value_is_refused_not_read_as_empty() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--key",
        "k1",
        "--title",
        "Seminar",
        "--start",
        "2021-03-16",
        "--description",
        "kept",
    ]);
    let before = env.dump();
    // Saved by a program that computes nothing (openpyxl): the formula, no value.
    let path = one_event(&env, "formula.xlsx", |sheet| {
        sheet.set_formula_result_default("");
        sheet
            .write_formula(1, 3, rust_xlsxwriter::Formula::new("=1+1").set_result(""))
            .unwrap();
    });
    let err = env.fails(1, &["import", &path]);
    assert!(
        err.contains(&format!(
            "{path}: Events row 2: description: a formula with no computed value (=1+1); open \
             and save the workbook in a spreadsheet program, or type the value"
        )),
        "{err}"
    );
    assert_eq!(env.dump(), before, "the description is not erased");
    // With its value saved, the value is read.
    let path = one_event(&env, "computed.xlsx", |sheet| {
        sheet
            .write_formula(
                1,
                3,
                rust_xlsxwriter::Formula::new("=\"to\"&\"day\"").set_result("today"),
            )
            .unwrap();
    });
    env.ok(&["import", &path]);
    assert!(env.ok(&["export"]).contains("\"description\":\"today\""));
}

#[test]
fn a_date_cell_outside_the_calendar_or_a_time_is_refused() {
    let Some(env) = Env::new() else { return };
    for (serial, said) in [
        (
            1e300,
            "start \"1e300\": a date cell whose serial number is outside Excel's calendar",
        ),
        (
            -5.0,
            "start \"-5\": a date cell whose serial number is outside Excel's calendar",
        ),
        (0.5, "start \"0.5\": a time of day, not a date"),
    ] {
        let path = one_event(&env, "date.xlsx", |sheet| {
            sheet
                .write_number_with_format(1, 2, serial, &date_format())
                .unwrap();
        });
        let err = env.fails(1, &["import", &path]);
        assert!(
            err.contains(&format!("{path}: Events row 2: {said}")),
            "{err}"
        );
    }
    assert!(holds_nothing(&env));
}

#[test]
fn the_same_key_twice_names_the_earlier_row() {
    let Some(env) = Env::new() else { return };
    let path = one_event(&env, "twice.xlsx", |sheet| {
        sheet.write_string(2, 0, "k1").unwrap();
        sheet.write_string(2, 1, "Seminar again").unwrap();
        sheet.write_string(2, 2, "2021-03-17").unwrap();
    });
    let err = env.fails(1, &["import", &path]);
    assert!(
        err.contains(&format!(
            "{path}: Events row 3: key \"k1\": the same key is on row 2"
        )),
        "{err}"
    );
}

#[test]
fn an_alias_sheet_problem_names_its_column() {
    let Some(env) = Env::new() else { return };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Organizations").unwrap();
    for (col, name) in ["name", "aliases", "Remarks"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "United Nations").unwrap();
    sheet
        .write_formula(
            1,
            1,
            rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"),
        )
        .unwrap();
    let path = env.dir.path().join("orgs.xlsx");
    book.save(&path).unwrap();
    let path = path.to_str().unwrap();
    let err = env.fails(1, &["import", path]);
    assert!(
        err.contains("note: the column \"Remarks\" of the sheet Organizations of "),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{path}: Organizations row 2: aliases: the cell holds the error #N/A"
        )),
        "{err}"
    );
}

#[test]
fn an_alias_holding_the_separator_is_warned_of() {
    let Some(env) = Env::new() else { return };
    let file = env.file(
        "a.ndjson",
        "{\"organization\": \"United Nations\", \"aliases\": [\"UN; ONU\"]}\n",
    );
    env.ok(&["import", &file]);
    let path = env.dir.path().join("a.xlsx");
    let out = env.run(&["export", "--output", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: a list item holds a `;`, which an import of the workbook reads as two \
             items (the aliases of the organization \"United Nations\"); use --format json or \
             ndjson to keep it whole"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_date_names_the_sheet_and_row_and_nothing_is_imported() {
    let Some(env) = Env::new() else { return };
    let path = env.dir.path().join("bad.xlsx");
    let path = path.to_str().unwrap();
    edited_workbook(path, false, true);
    let err = env.fails(1, &["import", path]);
    assert!(
        err.contains(&format!("{path}: Events row 5: start \"2021-13-01\": ")),
        "{err}"
    );
    assert!(
        err.contains(&format!("1 problem in {path}; nothing was imported")),
        "{err}"
    );
    assert!(holds_nothing(&env));
}

#[test]
fn a_participant_of_no_event_names_the_participants_sheet() {
    let Some(env) = Env::new() else { return };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Participants").unwrap();
    sheet.write_string(0, 0, "event").unwrap();
    sheet.write_string(0, 1, "name").unwrap();
    sheet.write_string(1, 0, "nowhere").unwrap();
    sheet.write_string(1, 1, "Ann Lee").unwrap();
    let path = env.dir.path().join("p.xlsx");
    book.save(&path).unwrap();
    let path = path.to_str().unwrap();
    let err = env.fails(1, &["import", "--format", "xlsx", path]);
    assert!(
        err.contains(&format!(
            "{path}: Participants row 2: event \"nowhere\": no event has this key"
        )),
        "{err}"
    );
}

#[test]
fn the_participants_of_a_refused_event_are_counted_not_listed() {
    let Some(env) = Env::new() else { return };
    let mut book = Workbook::new();
    let events = book.add_worksheet().set_name("Events").unwrap();
    for (col, text) in ["key", "title", "start"].iter().enumerate() {
        events.write_string(0, col as u16, *text).unwrap();
    }
    for (col, text) in ["k1", "Bad", "2021-13-01"].iter().enumerate() {
        events.write_string(1, col as u16, *text).unwrap();
    }
    let participants = book.add_worksheet().set_name("Participants").unwrap();
    participants.write_string(0, 0, "event").unwrap();
    participants.write_string(0, 1, "name").unwrap();
    for row in 1..=3 {
        participants.write_string(row, 0, "k1").unwrap();
        participants
            .write_string(row, 1, format!("Person {row}"))
            .unwrap();
    }
    let path = env.dir.path().join("refused.xlsx");
    book.save(&path).unwrap();
    let path = path.to_str().unwrap();
    let err = env.fails(1, &["import", path]);
    assert!(
        err.contains(&format!("{path}: Events row 2: start \"2021-13-01\": ")),
        "{err}"
    );
    assert!(!err.contains("no event has this key"), "{err}");
    assert!(
        err.contains(&format!(
            "{path}: and 3 rows of Participants whose events were not written, because of \
             the problems of the Events sheet above"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("1 problem in {path}; nothing was imported")),
        "{err}"
    );
}

#[test]
fn what_is_not_a_workbook_is_said() {
    let Some(env) = Env::new() else { return };
    let path = env.file("fake.xlsx", "title,start\nA,2021-01-01\n");
    let err = env.fails(1, &["import", &path]);
    assert!(
        err.contains(&format!(
            "cannot import {path}: not an Excel workbook (.xlsx)"
        )),
        "{err}"
    );
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Sheet1").unwrap();
    let other = env.dir.path().join("other.xlsx");
    book.save(&other).unwrap();
    let err = env.fails(1, &["import", other.to_str().unwrap()]);
    assert!(
        err.contains("the workbook has no sheet named Events, Participants, Organizations, People; its sheets: \"Sheet1\""),
        "{err}"
    );
}

#[test]
fn a_workbook_goes_to_a_pipe_from_standard_input_too_but_never_to_a_terminal() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let out = env
        .cmd()
        .args(["export", "--format", "xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a zip");
    // Read back from standard input: the zip's signature tells the format.
    let to = Env::new().unwrap();
    let back = to.run_stdin(&["import"], &out.stdout).stderr;
    assert!(back.contains("Imported 4 events from <stdin>"), "{back}");
    assert_eq!(
        without_ids(&to.ok(&["export"])),
        without_ids(&env.ok(&["export"]))
    );

    let mut terminal = OnTerminal::spawn(&env, &["export", "--format", "xlsx"], 200);
    let mut seen = Vec::new();
    terminal.read_until(&mut seen, |_| false);
    let status = terminal.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let seen = String::from_utf8(seen).unwrap();
    assert!(
        seen.starts_with(
            "error: an Excel workbook cannot be shown on a terminal; give --output FILE.xlsx"
        ),
        "{seen:?}"
    );
}

#[test]
fn openpyxl_reads_the_workbook() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let path = env.dir.path().join("seminars.xlsx");
    let path = path.to_str().unwrap();
    env.ok(&["export", "--output", path]);

    // Read by an independent implementation, when it is there (CI installs it).
    if !crate::util::outside_tool(
        &["python3", "-c", "import openpyxl"],
        "CI must install Python's openpyxl",
        "`pip install openpyxl` to check the workbook",
    ) {
        return;
    }
    let script = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(wb.sheetnames)
for ws in wb.worksheets:
    print(ws.title, ws.freeze_panes, ws.auto_filter.ref, all(c.font.b for c in ws[1]))
    print([c.value for c in ws[1]])
events = wb["Events"]
start = events["E2"]
print(type(start.value).__name__, start.value.date(), start.number_format, type(events["A2"].value).__name__)
print(events.column_dimensions["C"].width <= 62, events.column_dimensions["A"].width < 10)
print(list(wb["Participants"].iter_rows(min_row=3, max_row=3, values_only=True))[0])
"#;
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "['Events', 'Participants', 'Organizations', 'People']\n\
         Events A2 A1:P5 True\n\
         ['id', 'key', 'title', 'kind', 'start', 'end', 'mode', 'location', 'region', 'project', 'description', 'source', 'tags', 'organizers', 'partners', 'sessions']\n\
         Participants A2 A1:J13 True\n\
         ['event', 'title', 'start', 'name', 'organization', 'position', 'role', 'head', 'session', 'contribution']\n\
         Organizations A2 A1:F11 True\n\
         ['name', 'aliases', 'events', 'as organizer', 'as partner', 'as participant']\n\
         People A2 A1:C10 True\n\
         ['name', 'aliases', 'events']\n\
         datetime 2021-03-16 yyyy-mm-dd int\n\
         True True\n\
         ('rats-2021-03', 'Virtual regional seminar on judicial and law enforcement cooperation and information exchange', datetime.datetime(2021, 3, 16, 0, 0), 'Jehangir Khan', 'UN Counter-Terrorism Centre', 'Director of the UN Counter-Terrorism Centre', 'opening address', False, 'Opening', None)\n"
    );
}

#[test]
fn a_text_longer_than_a_cell_is_refused_and_no_file_is_left() {
    let Some(env) = Env::new() else { return };
    let record = json!({"key": "long", "title": "Long", "start": "2021-01-01",
                        "description": "x".repeat(40_000)});
    let file = env.file("long.ndjson", format!("{record}\n"));
    env.ok(&["import", &file]);
    let path = env.dir.path().join("long.xlsx");
    let err = env.fails(1, &["export", "--output", path.to_str().unwrap()]);
    assert_eq!(
        err,
        "error: cannot write the event \"long\" to a workbook: its description is 40000 \
         characters long (UTF-16 units), more than an Excel cell holds (32,767); export it as \
         --format ndjson or json, which keep any length\n"
    );
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains("xlsx"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
