//! `import` of iCalendar files: what each property becomes, the dates of all-day and timed
//! events in their own time zones, recurring and cancelled events, attendees, updates by UID,
//! the round trip of our own export, and problems with their lines.

use serde_json::Value;

use crate::util::{Env, example};

/// A calendar of `body` (VEVENTs, VTIMEZONEs), with CRLF line ends.
fn cal(body: &str) -> String {
    format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//Test//EN\n{body}END:VCALENDAR\n")
        .replace('\n', "\r\n")
}

/// A VEVENT with these properties.
fn vevent(props: &str) -> String {
    format!("BEGIN:VEVENT\n{props}END:VEVENT\n")
}

/// Every event, as export writes them.
fn events(env: &Env) -> Vec<Value> {
    env.ok(&["export", "--format", "ndjson"])
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("title").is_some())
        .collect()
}

fn event(env: &Env, key: &str) -> Value {
    events(env)
        .into_iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no event with key {key:?}: {:?}", events(env)))
}

fn import(env: &Env, name: &str, text: &str) -> String {
    let path = env.file(name, text);
    let out = env.run(&["import", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stderr
}

fn dates(e: &Value) -> (String, String) {
    (
        e["start"].as_str().unwrap_or_default().to_string(),
        e["end"].as_str().unwrap_or_default().to_string(),
    )
}

fn span(start: &str, end: &str) -> (String, String) {
    (start.to_string(), end.to_string())
}

fn log_len(env: &Env) -> usize {
    let log: Value = serde_json::from_str(&env.ok(&["log", "--format", "json"])).unwrap();
    log.as_array().map_or(0, Vec::len)
}

#[test]
fn each_property_becomes_a_field() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:meeting-1@example.org\n\
         DTSTAMP:20210301T090000Z\n\
         DTSTART;VALUE=DATE:20210316\n\
         SUMMARY:Regional seminar\\, day one\n\
         DESCRIPTION:First line\\nsecond line\n\
         LOCATION:Tashkent\\; Hall A\n\
         URL:https://example.org/seminar\n\
         CATEGORIES:SALW,counter\\,terrorism\n\
         categories:training\n\
         X-UNKNOWN;X-PARAM=1:ignored\n",
    ));
    let said = import(&env, "cal.ics", &text);
    assert!(said.contains("1 created"), "{said}");
    let e = event(&env, "meeting-1@example.org");
    assert_eq!(e["title"], "Regional seminar, day one");
    assert_eq!(e["description"], "First line\nsecond line");
    assert_eq!(e["location"], "Tashkent; Hall A");
    assert_eq!(e["source"], "https://example.org/seminar");
    assert_eq!(
        e["tags"],
        serde_json::json!(["SALW", "counter,terrorism", "training"])
    );
    assert_eq!(dates(&e), span("2021-03-16", "2021-03-16"));
    assert_eq!(e["participants"], serde_json::json!([]));
}

#[test]
fn what_a_vevent_does_not_carry_keeps_what_is_stored() {
    let Some(env) = Env::new() else { return };
    env.run_stdin(
        &["import", "--format", "ndjson"],
        br#"{"key": "m-1", "title": "Old", "start": "2021-03-01", "kind": "seminar", "mode": "virtual", "organizers": ["UNODC"], "location": "Vienna", "participants": [{"name": "V. Barchuk", "organization": "UNODC"}]}"#,
    );
    let text = cal(&vevent(
        "UID:m-1\nDTSTART;VALUE=DATE:20210316\nSUMMARY:New title\n",
    ));
    let said = import(&env, "cal.ics", &text);
    assert!(said.contains("1 updated"), "{said}");
    let e = event(&env, "m-1");
    assert_eq!(e["title"], "New title");
    assert_eq!(dates(&e), span("2021-03-16", "2021-03-16"));
    assert_eq!(e["kind"], "seminar");
    assert_eq!(e["mode"], "virtual");
    assert_eq!(e["organizers"], serde_json::json!(["UNODC"]));
    assert_eq!(e["location"], "Vienna");
    assert_eq!(e["participants"][0]["name"], "V. Barchuk");
}

#[test]
fn an_all_day_end_is_the_day_after_the_last() {
    let Some(env) = Env::new() else { return };
    let text = cal(&[
        vevent(
            "UID:a\nSUMMARY:Three days\nDTSTART;VALUE=DATE:20210316\nDTEND;VALUE=DATE:20210319\n",
        ),
        vevent("UID:b\nSUMMARY:One day\nDTSTART;VALUE=DATE:20210316\n"),
        vevent("UID:c\nSUMMARY:By duration\nDTSTART;VALUE=DATE:20210316\nDURATION:P2D\n"),
        vevent(
            "UID:d\nSUMMARY:Same day end\nDTSTART;VALUE=DATE:20210316\nDTEND;VALUE=DATE:20210316\n",
        ),
    ]
    .concat());
    import(&env, "cal.ics", &text);
    assert_eq!(dates(&event(&env, "a")), span("2021-03-16", "2021-03-18"));
    assert_eq!(dates(&event(&env, "b")), span("2021-03-16", "2021-03-16"));
    assert_eq!(dates(&event(&env, "c")), span("2021-03-16", "2021-03-17"));
    assert_eq!(dates(&event(&env, "d")), span("2021-03-16", "2021-03-16"));
}

/// A call 23:30-01:00 in Tashkent (UTC+5) is on the 16th and the 17th there, whichever way the
/// calendar writes the times; in UTC (18:30-20:00) it is on the 16th only.
#[test]
fn a_late_call_in_tashkent_spans_two_dates() {
    let Some(env) = Env::new() else { return };
    let tashkent = "BEGIN:VTIMEZONE\nTZID:Asia/Tashkent\nBEGIN:STANDARD\n\
                    DTSTART:19700101T000000\nTZOFFSETFROM:+0500\nTZOFFSETTO:+0500\n\
                    TZNAME:+05\nEND:STANDARD\nEND:VTIMEZONE\n";
    let call = |uid: &str, times: &str| vevent(&format!("UID:{uid}\nSUMMARY:Call {uid}\n{times}"));
    let zoned = "DTSTART;TZID=Asia/Tashkent:20210316T233000\n\
                 DTEND;TZID=Asia/Tashkent:20210317T010000\n";
    // Without a VTIMEZONE (the IANA name is enough), with one, and by a duration.
    import(&env, "bare.ics", &cal(&call("bare", zoned)));
    import(
        &env,
        "with.ics",
        &cal(&format!("{tashkent}{}", call("with", zoned))),
    );
    import(
        &env,
        "duration.ics",
        &cal(&call(
            "duration",
            "DTSTART;TZID=Asia/Tashkent:20210316T233000\nDURATION:PT1H30M\n",
        )),
    );
    // The same instants in UTC: in the calendar's zone when it names one...
    let utc = "DTSTART:20210316T183000Z\nDTEND:20210316T200000Z\n";
    import(
        &env,
        "named.ics",
        &cal(&format!(
            "X-WR-TIMEZONE:Asia/Tashkent\n{}",
            call("named", utc)
        )),
    );
    // ... else in UTC.
    import(&env, "utc.ics", &cal(&call("utc", utc)));
    // An end at midnight ends the day before: 10:00-00:00 is one date.
    import(
        &env,
        "midnight.ics",
        &cal(&call(
            "midnight",
            "DTSTART;TZID=Asia/Tashkent:20210316T100000\nDTEND;TZID=Asia/Tashkent:20210317T000000\n",
        )),
    );
    // Floating times are taken as written.
    import(
        &env,
        "floating.ics",
        &cal(&call(
            "floating",
            "DTSTART:20210316T233000\nDTEND:20210317T010000\n",
        )),
    );
    for key in ["bare", "with", "duration", "named", "floating"] {
        assert_eq!(
            dates(&event(&env, key)),
            span("2021-03-16", "2021-03-17"),
            "{key}"
        );
    }
    for key in ["utc", "midnight"] {
        assert_eq!(
            dates(&event(&env, key)),
            span("2021-03-16", "2021-03-16"),
            "{key}"
        );
    }
}

/// Outlook names zones the Windows way, and defines them in a VTIMEZONE: its offsets are used.
#[test]
fn a_windows_zone_is_read_from_its_vtimezone() {
    let Some(env) = Env::new() else { return };
    let zone = |name: &str| {
        format!(
            "BEGIN:VTIMEZONE\nTZID:{name}\nBEGIN:STANDARD\nDTSTART:16010101T000000\n\
             TZOFFSETFROM:+0600\nTZOFFSETTO:+0600\nEND:STANDARD\nEND:VTIMEZONE\n"
        )
    };
    // 22:00 at +06 until 19:00Z, which is 01:00 the next day there.
    let call = |uid: &str, name: &str| {
        vevent(&format!(
            "UID:{uid}\nSUMMARY:Call\nDTSTART;TZID=\"{name}\":20210316T220000\n\
             DTEND:20210316T190000Z\n"
        ))
    };
    let text = cal(&format!(
        "{}{}{}{}",
        zone("Central Asia Standard Time"),
        zone("(UTC+06:00) Astana"),
        call("windows", "Central Asia Standard Time"),
        call("label", "(UTC+06:00) Astana"),
    ));
    import(&env, "outlook.ics", &text);
    assert_eq!(
        dates(&event(&env, "windows")),
        span("2021-03-16", "2021-03-17")
    );
    assert_eq!(
        dates(&event(&env, "label")),
        span("2021-03-16", "2021-03-17")
    );

    // Without a VTIMEZONE: a common Windows name stands for its IANA zone (West Asia Standard
    // Time is Asia/Tashkent, +05), and a TZID that ends with an IANA name is that zone.
    let text = cal(&format!(
        "{}{}",
        vevent(
            "UID:west-asia\nSUMMARY:Call\nDTSTART;TZID=West Asia Standard Time:20210316T233000\n\
             DTEND:20210316T200000Z\n"
        ),
        vevent(
            "UID:mozilla\nSUMMARY:Call\n\
             DTSTART;TZID=/mozilla.org/20050126_1/Asia/Tashkent:20210316T233000\n\
             DTEND:20210316T200000Z\n"
        ),
    ));
    import(&env, "bare-windows.ics", &text);
    for key in ["west-asia", "mozilla"] {
        assert_eq!(
            dates(&event(&env, key)),
            span("2021-03-16", "2021-03-17"),
            "{key}"
        );
    }

    // A zone with summer time: 23:00 on 1 July at +02 (the DAYLIGHT rule) until 22:30Z, 00:30
    // there; in winter (+01), the same end is 23:30 the same day.
    let cet = "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\n\
               DTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\n\
               RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\n\
               DTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n\
               RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
    let text = cal(&format!(
        "{cet}{}{}",
        vevent(
            "UID:summer\nSUMMARY:S\nDTSTART;TZID=W. Europe Standard Time:20210701T230000\n\
             DTEND:20210701T223000Z\n"
        ),
        vevent(
            "UID:winter\nSUMMARY:W\nDTSTART;TZID=W. Europe Standard Time:20210112T230000\n\
             DTEND:20210112T223000Z\n"
        ),
    ));
    import(&env, "dst.ics", &text);
    assert_eq!(
        dates(&event(&env, "summer")),
        span("2021-07-01", "2021-07-02")
    );
    assert_eq!(
        dates(&event(&env, "winter")),
        span("2021-01-12", "2021-01-12")
    );
}

#[test]
fn recurring_events_are_refused_by_name() {
    let Some(env) = Env::new() else { return };
    let text = cal(&[
        vevent("UID:ok\nSUMMARY:Fine\nDTSTART;VALUE=DATE:20210316\n"),
        vevent(
            "UID:weekly-1\nSUMMARY:Weekly call\nDTSTART:20210316T100000Z\n\
             RRULE:FREQ=WEEKLY;COUNT=5\n",
        ),
        vevent(
            "UID:weekly-1\nSUMMARY:Weekly call (moved)\nRECURRENCE-ID:20210323T100000Z\n\
             DTSTART:20210324T100000Z\n",
        ),
    ]
    .concat());
    let path = env.file("cal.ics", &text);
    let err = env.fails(1, &["import", &path]);
    assert!(
        err.contains(
            "line 13: RRULE \"FREQ=WEEKLY;COUNT=5\": the VEVENT of line 9 (UID \"weekly-1\", \
             SUMMARY \"Weekly call\") repeats, and recurring events are not imported; export its \
             occurrences as single events"
        ),
        "{err}"
    );
    assert!(
        err.contains("line 18: RECURRENCE-ID \"20210323T100000Z\""),
        "{err}"
    );
    assert!(err.contains("2 problems in"), "{err}");
    assert!(events(&env).is_empty(), "nothing imported");
}

#[test]
fn cancelled_events_are_skipped_with_a_note() {
    let Some(env) = Env::new() else { return };
    let cancelled =
        vevent("UID:gone\nSUMMARY:Called off\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20210316\n");
    let said = import(&env, "cal.ics", &cal(&cancelled));
    assert!(said.contains("0 created"), "{said}");
    assert!(
        said.contains(
            "line 4: skipped: the VEVENT of line 4 (UID \"gone\", SUMMARY \"Called off\") is \
             cancelled (STATUS:CANCELLED)"
        ),
        "{said}"
    );
    // Recorded before it was called off: the note says how to remove it.
    import(
        &env,
        "before.ics",
        &cal(&vevent(
            "UID:gone\nSUMMARY:Called off\nDTSTART;VALUE=DATE:20210316\n",
        )),
    );
    let said = import(&env, "cal.ics", &cal(&cancelled));
    assert!(
        said.contains("an event with its key is recorded: `events remove-event gone --yes`"),
        "{said}"
    );
    assert_eq!(events(&env).len(), 1);
    // A cancellation sent by mail says so of the whole calendar.
    let text = cal(&vevent(
        "UID:gone\nSUMMARY:Called off\nDTSTART;VALUE=DATE:20210316\n",
    ))
    .replace("VERSION:2.0", "VERSION:2.0\r\nMETHOD:CANCEL");
    let said = import(&env, "cancel.ics", &text);
    assert!(said.contains("is cancelled (METHOD:CANCEL)"), "{said}");
}

#[test]
fn an_import_of_a_calendar_is_undone_as_one() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let before = events(&env);
    import(
        &env,
        "invite.ics",
        &std::fs::read_to_string(example("invitation.ics")).unwrap(),
    );
    assert_eq!(events(&env).len(), before.len() + 1);
    env.ok(&["undo"]);
    assert_eq!(events(&env), before);
}

#[test]
fn a_second_import_and_an_updated_invitation_update() {
    let Some(env) = Env::new() else { return };
    let invitation = |sequence: u32, start: &str, summary: &str| {
        cal(&vevent(&format!(
            "UID:040000008200E00074C5B7101A82E008@outlook\nSEQUENCE:{sequence}\n\
             SUMMARY:{summary}\nDTSTART;TZID=Asia/Tashkent:{start}\nDURATION:PT2H\n\
             ATTENDEE;CN=Aziz Karimov:mailto:a@example.org\n"
        )))
    };
    let first = invitation(0, "20210316T100000", "Planning meeting");
    let said = import(&env, "invite.ics", &first);
    assert!(said.contains("1 created"), "{said}");
    let logged = log_len(&env);
    let said = import(&env, "invite.ics", &first);
    assert!(said.contains("0 created, 0 updated, 1 unchanged"), "{said}");
    assert_eq!(
        log_len(&env),
        logged,
        "an import that changes nothing records nothing"
    );

    let said = import(
        &env,
        "update.ics",
        &invitation(1, "20210318T100000", "Planning meeting (moved)"),
    );
    assert!(said.contains("0 created, 1 updated"), "{said}");
    let all = events(&env);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["title"], "Planning meeting (moved)");
    assert_eq!(dates(&all[0]), span("2021-03-18", "2021-03-18"));
    assert_eq!(all[0]["participants"].as_array().map(Vec::len), Some(1));
}

#[test]
fn attendees_with_a_name_become_participants() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:with-people\nSUMMARY:Meeting\nDTSTART;VALUE=DATE:20210316\n\
         ORGANIZER;CN=Secretariat:mailto:secretariat@example.org\n\
         ATTENDEE;CN=Aziz Karimov;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:a@example.org\n\
         ATTENDEE;CN=\"Petrova, Elena\";ROLE=REQ-PARTICIPANT:mailto:e@example.org\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:office@example.org\n\
         ATTENDEE;CN=office2@example.org:mailto:office2@example.org\n\
         ATTENDEE;CN=Declined Person;PARTSTAT=DECLINED:mailto:d@example.org\n\
         ATTENDEE;CN=Room 4;CUTYPE=ROOM:mailto:room4@example.org\n\
         ATTENDEE;CN=Observer;ROLE=NON-PARTICIPANT:mailto:o@example.org\n\
         ATTENDEE;CN=aziz karimov:mailto:a2@example.org\n",
    ));
    import(&env, "cal.ics", &text);
    let e = event(&env, "with-people");
    let people: Vec<(String, Value)> = e["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["role"].clone()))
        .collect();
    assert_eq!(
        people,
        [
            ("Aziz Karimov".to_string(), Value::from("chair")),
            ("Petrova, Elena".to_string(), Value::Null),
        ]
    );
    // Again: the same participants, not twice.
    let said = import(&env, "cal.ics", &text);
    assert!(said.contains("1 unchanged"), "{said}");
    assert_eq!(
        event(&env, "with-people")["participants"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn uids_that_no_key_can_be_are_prefixed() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:12345\nSUMMARY:Digits\nDTSTART;VALUE=DATE:20210316\n",
    ));
    import(&env, "cal.ics", &text);
    import(&env, "cal.ics", &text);
    assert_eq!(events(&env).len(), 1);
    assert_eq!(event(&env, "uid-12345")["title"], "Digits");
}

/// Our own export imports back with the same titles, dates, locations, tags (and kinds and
/// descriptions, which it also writes); importing it again changes nothing.
#[test]
fn our_export_imports_back() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let path = env.dir.path().join("seminars.ics");
    let path = path.to_str().unwrap();
    env.ok(&["export", "--format", "ics", "--output", path]);
    let fields = |e: &Value| {
        [
            "key",
            "title",
            "start",
            "end",
            "location",
            "tags",
            "kind",
            "description",
        ]
        .map(|f| e[f].clone())
    };
    let original: Vec<_> = events(&env).iter().map(fields).collect();

    // Into the database it came from: nothing changes.
    let logged = log_len(&env);
    let said = env.run(&["import", path]).stderr;
    assert!(said.contains("0 created, 0 updated, 4 unchanged"), "{said}");
    assert_eq!(log_len(&env), logged);

    // Into an empty one: the same events.
    let Some(other) = Env::new() else { return };
    let said = other.run(&["import", path]).stderr;
    assert!(said.contains("4 created"), "{said}");
    let back: Vec<_> = events(&other).iter().map(fields).collect();
    assert_eq!(back, original);
    let logged = log_len(&other);
    let said = other.run(&["import", path]).stderr;
    assert!(said.contains("4 unchanged"), "{said}");
    assert_eq!(log_len(&other), logged, "the second import records nothing");
}

#[test]
fn bad_input_gives_problems_with_lines() {
    let Some(env) = Env::new() else { return };
    let text = cal(&[
        // line 4
        vevent("UID:no-start\nSUMMARY:No start\n"),
        // line 8
        vevent("UID:bad-date\nSUMMARY:Bad date\nDTSTART;VALUE=DATE:20210230\n"),
        // line 13
        vevent("UID:bad-zone\nSUMMARY:Bad zone\nDTSTART;TZID=Mars/Olympus:20210316T100000\n"),
        // line 18
        vevent("UID:no-title\nDTSTART;VALUE=DATE:20210316\n"),
        // line 22
        vevent(
            "UID:backwards\nSUMMARY:Backwards\nDTSTART;VALUE=DATE:20210316\n\
             DTEND;VALUE=DATE:20210310\n",
        ),
        // line 28
        vevent("UID:bad-line\nSUMMARY:Bad line\nDTSTART;VALUE=DATE:20210316\nnot a property\n"),
        // line 34
        vevent("UID:bad-duration\nSUMMARY:D\nDTSTART;VALUE=DATE:20210316\nDURATION:soon\n"),
    ]
    .concat());
    let path = env.file("bad.ics", &text);
    let err = env.fails(1, &["import", &path]);
    for expected in [
        "bad.ics: line 4: DTSTART: is missing; every event needs a start",
        "bad.ics: line 11: DTSTART \"20210230\": is not a date, YYYYMMDD",
        "bad.ics: line 16: DTSTART TZID \"Mars/Olympus\": is an unknown time zone",
        "bad.ics: line 18: SUMMARY: is missing; every event needs a title",
        "bad.ics: line 26: DTEND \"20210310\": is before DTSTART, 20210316",
        "bad.ics: line 32: cannot read \"not a property\" as a property",
        "bad.ics: line 38: DURATION \"soon\": is not a duration",
        "7 problems in",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
    assert!(events(&env).is_empty());

    // A broken file, a file that is no calendar, and bytes that are not UTF-8.
    let broken = cal("BEGIN:VEVENT\nSUMMARY:x\n");
    let err = env.fails(1, &["import", &env.file("broken.ics", &broken)]);
    assert!(
        err.contains("line 6: broken calendar: END:VCALENDAR where BEGIN:VEVENT of line 4 ends"),
        "{err}"
    );
    let err = env.fails(1, &["import", &env.file("other.ics", "hello\r\n")]);
    assert!(
        err.contains("line 1: not an iCalendar file: expected BEGIN:VCALENDAR"),
        "{err}"
    );
    let mut bytes = cal(&vevent(
        "UID:x\nSUMMARY:caf\u{e9}\nDTSTART;VALUE=DATE:20210316\n",
    ))
    .into_bytes();
    let at = bytes.iter().position(|&b| b == 0xC3).unwrap();
    bytes[at] = 0xFF;
    let err = env.fails(1, &["import", &env.file("latin.ics", &bytes)]);
    assert!(err.contains("line 6: invalid UTF-8"), "{err}");
}

#[test]
fn standard_input_with_format_ics_or_sniffed() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:stdin-1\nSUMMARY:From stdin\nDTSTART;VALUE=DATE:20210316\n",
    ));
    let out = env.run_stdin(&["import", "--format", "ics"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 event from <stdin>: 1 created"),
        "{}",
        out.stderr
    );
    // Without --format, BEGIN:VCALENDAR says what it is.
    let out = env.run_stdin(&["import"], format!("\r\n{text}").as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 unchanged"), "{}", out.stderr);
    // So does the extension .ical, and a dry run writes nothing.
    let path = env.file("cal.ical", text.replace("From stdin", "Renamed"));
    let out = env.run(&["import", "--dry-run", &path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("would update \"stdin-1\": title"),
        "{}",
        out.stderr
    );
    assert_eq!(event(&env, "stdin-1")["title"], "From stdin");
}

#[test]
fn the_example_invitation_imports() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("invitation.ics")]);
    let e = &events(&env)[0];
    assert_eq!(e["title"], "Coordination call on the regional seminar");
    assert_eq!(dates(e), span("2021-03-16", "2021-03-17"));
    assert_eq!(e["participants"].as_array().map(Vec::len), Some(2));
}

/// The participants of the event with `key`: (name, organization, position).
fn people(env: &Env, key: &str) -> Vec<(String, Value, Value)> {
    event(env, key)["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["organization"].clone(),
                p["position"].clone(),
            )
        })
        .collect()
}

#[test]
fn attendees_add_and_never_remove_or_overwrite() {
    let Some(env) = Env::new() else { return };
    let key = "040000008200E00074C5B7101A82E0080000000090A1@example.org";
    let invitation = example("invitation.ics");
    env.ok(&["import", &invitation]);
    env.ok(&[
        "edit-participant",
        "1",
        "--org",
        "RATS SCO Executive Committee",
        "--position",
        "Director",
    ]);
    env.ok(&["add-participant", key, "--name", "Hand Added"]);
    let by_hand = people(&env, key);
    assert_eq!(by_hand.len(), 3);
    let logged = log_len(&env);
    // The same calendar again: nothing changes, nothing is recorded, and the summary counts
    // the event as an event and the attendees once.
    let out = env.run(&["import", &invitation]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "Imported 1 event from {}: 0 created, 0 updated, 1 unchanged; 2 participants: 0 \
             added, 2 already there;"
                .replace("{}", &invitation)
                .as_str()
        ),
        "{}",
        out.stderr
    );
    assert_eq!(people(&env, key), by_hand);
    assert_eq!(
        by_hand[0],
        (
            "Aziz Karimov".to_string(),
            Value::from("RATS SCO Executive Committee"),
            Value::from("Director")
        )
    );
    assert_eq!(
        log_len(&env),
        logged,
        "an unchanged calendar records nothing"
    );

    // An updated invitation with another attendee and without one of the first: the new one
    // is added, no one is removed.
    let text = std::fs::read_to_string(&invitation)
        .unwrap()
        .replace(
            "SUMMARY:Coordination call",
            "SUMMARY:Second coordination call",
        )
        .replace("ATTENDEE;CN=\"Elena Petrova\"", "ATTENDEE;CN=New Colleague");
    let said = import(&env, "update.ics", &text);
    assert!(
        said.contains(
            "0 created, 1 updated, 0 unchanged; 2 participants: 1 added, 1 already there"
        ),
        "{said}"
    );
    let names: Vec<String> = people(&env, key).into_iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            "Aziz Karimov",
            "Elena Petrova",
            "Hand Added",
            "New Colleague"
        ]
    );
    assert_eq!(people(&env, key)[0].2, Value::from("Director"));
}

#[test]
fn many_attendees_each_once() {
    let Some(env) = Env::new() else { return };
    let mut props = String::from("UID:crowd\nSUMMARY:Crowd\nDTSTART;VALUE=DATE:20210316\n");
    for round in 0..2 {
        for i in 0..600 {
            let name = if round == 0 {
                format!("Person {i}")
            } else {
                format!("person  {i}")
            };
            props.push_str(&format!("ATTENDEE;CN={name}:mailto:p{i}@example.org\n"));
        }
    }
    let said = import(&env, "crowd.ics", &cal(&vevent(&props)));
    assert!(said.contains("600 participants: 600 added"), "{said}");
    assert_eq!(people(&env, "crowd").len(), 600);
}

#[test]
fn a_files_vtimezone_wins_over_a_built_in_zone_of_its_name() {
    let Some(env) = Env::new() else { return };
    // chrono-tz's EST is -05:00 all year; this file's EST has summer time (-04:00).
    let est = "BEGIN:VTIMEZONE\nTZID:EST\nBEGIN:STANDARD\nDTSTART:16011104T020000\n\
               RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\n\
               END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010311T020000\n\
               RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\n\
               END:DAYLIGHT\nEND:VTIMEZONE\n";
    // 04:30Z on 2 July is 00:30 in summer (-04:00): the call spans two dates (with -05:00,
    // 23:30, it would not).
    import(
        &env,
        "est.ics",
        &cal(&format!(
            "{est}{}",
            vevent(
                "UID:late\nSUMMARY:Late call\nDTSTART;TZID=EST:20210701T230000\n\
                 DTEND:20210702T043000Z\n"
            )
        )),
    );
    assert_eq!(
        dates(&event(&env, "late")),
        span("2021-07-01", "2021-07-02")
    );
    // An IANA name, case aside.
    import(
        &env,
        "lower.ics",
        &cal(&vevent(
            "UID:lower\nSUMMARY:Lower\nDTSTART;TZID=asia/tashkent:20210316T233000\n\
             DTEND:20210316T200000Z\n",
        )),
    );
    assert_eq!(
        dates(&event(&env, "lower")),
        span("2021-03-16", "2021-03-17")
    );
}

#[test]
fn a_duration_past_the_last_date_says_so() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:long\nSUMMARY:Long\nDTSTART;VALUE=DATE:20210316\nDURATION:P99999999W\n",
    ));
    let err = env.fails(1, &["import", &env.file("long.ics", &text)]);
    assert!(
        err.contains("line 8: DURATION \"P99999999W\": gives an end after 9999-12-31"),
        "{err}"
    );
}

#[test]
fn calendar_properties_with_parameters_are_read() {
    let Some(env) = Env::new() else { return };
    let text = cal(&vevent(
        "UID:named\nSUMMARY:Named\nDTSTART:20210316T183000Z\nDTEND:20210316T200000Z\n",
    ))
    .replace(
        "VERSION:2.0",
        "VERSION:2.0\r\nX-WR-TIMEZONE;VALUE=TEXT:Asia/Tashkent",
    );
    import(&env, "named.ics", &text);
    assert_eq!(
        dates(&event(&env, "named")),
        span("2021-03-16", "2021-03-17")
    );
    let text = cal(&vevent(
        "UID:gone\nSUMMARY:Called off\nDTSTART;VALUE=DATE:20210316\n",
    ))
    .replace("VERSION:2.0", "VERSION:2.0\r\nMETHOD;X=1:CANCEL");
    let said = import(&env, "cancel.ics", &text);
    assert!(said.contains("is cancelled (METHOD:CANCEL)"), "{said}");
    assert_eq!(events(&env).len(), 1);
}

#[test]
fn of_two_versions_in_one_file_the_latest_is_read() {
    let Some(env) = Env::new() else { return };
    let version = |sequence: u32, stamp: &str, summary: &str, start: &str| {
        vevent(&format!(
            "UID:moved\nSEQUENCE:{sequence}\nDTSTAMP:{stamp}\nSUMMARY:{summary}\n\
             DTSTART;VALUE=DATE:{start}\n"
        ))
    };
    // The update first, the original after it (line 4, then line 11).
    let text = cal(&[
        version(1, "20210302T090000Z", "Moved", "20210318"),
        version(0, "20210301T090000Z", "Original", "20210316"),
    ]
    .concat());
    let said = import(&env, "both.ics", &text);
    assert!(said.contains("1 event from"), "{said}");
    assert!(
        said.contains(
            "line 11: skipped: the VEVENT of line 11 (UID \"moved\", SUMMARY \"Original\") is \
             an older version of the one of line 4 (SEQUENCE 0 before 1)"
        ),
        "{said}"
    );
    let e = event(&env, "moved");
    assert_eq!(e["title"], "Moved");
    assert_eq!(dates(&e), span("2021-03-18", "2021-03-18"));
    // The same SEQUENCE: the later DTSTAMP.
    let text = cal(&[
        version(2, "20210305T090000Z", "Latest", "20210320"),
        version(2, "20210304T090000Z", "Earlier", "20210319"),
    ]
    .concat());
    import(&env, "stamps.ics", &text);
    assert_eq!(event(&env, "moved")["title"], "Latest");
}
