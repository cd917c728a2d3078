//! Issue 12: the summaries `orgs`, `people` and `stats` read (a row per organization, person
//! and group, kept current by every write) give what counting the events gives, after random
//! sequences of every kind of write; and `check` finds a summary that is wrong. On both
//! backends.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{Env, Output, ids};

/// A small, seeded xorshift generator: the same sequence for the same seed, on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ORGS: &[&str] = &[
    "UNODC", "OSCE", "RATS SCO", "Interpol", "unodc", "CSTO", "EU",
];
const PEOPLE: &[&str] = &[
    "A. Smith",
    "B. Jones",
    "V. Barchuk",
    "a. smith",
    "K. Tanaka",
    "L. Dupont",
];
const KINDS: &[&str] = &["Seminar", "seminar", "workshop", "Conference", "meeting"];
const MODES: &[&str] = &["in-person", "virtual", "hybrid"];
const REGIONS: &[&str] = &["Central Asia", "central asia", "Europe", "Central  Asia"];
const POSITIONS: &[&str] = &["Director", "Deputy Director", "Analyst"];

/// A date from 2019 to 2023.
fn date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2019 + rng.below(5),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

/// The last day of an event starting at `start`: the same day, a few days later, or (now and
/// then) in a later year.
fn end_after(rng: &mut Rng, start: &str) -> String {
    let year: usize = start[..4].parse().unwrap();
    match rng.below(10) {
        0..=5 => start.to_string(),
        6..=8 => format!("{}-28", &start[..7]),
        _ => format!("{}-{}", year + 1 + rng.below(2), &start[5..]),
    }
}

/// Runs a write that may fairly be refused (a removed id, a name taken, a second head): it
/// succeeds or fails as a user error, never otherwise.
fn attempt(env: &Env, args: &[&str]) -> Output {
    let out = env.run(args);
    assert!(
        out.code == 0 || out.code == 1,
        "events {args:?} ended with {}: {}",
        out.code,
        out.stderr
    );
    assert!(
        !out.stderr.contains("panicked"),
        "events {args:?}: {}",
        out.stderr
    );
    out
}

/// What the test knows of the database: the events and participations made (some removed
/// since: a write naming one may be refused).
#[derive(Default)]
struct Made {
    events: Vec<String>,
    participations: Vec<String>,
    imports: usize,
}

fn add_event(env: &Env, rng: &mut Rng, made: &mut Made) {
    let start = date(rng);
    let end = end_after(rng, &start);
    let title = format!("Event {}", made.events.len() + made.imports * 100 + 1);
    let mut args: Vec<String> = [
        "add-event",
        "--title",
        &title,
        "--start",
        &start,
        "--end",
        &end,
    ]
    .map(String::from)
    .to_vec();
    if rng.chance(80) {
        args.extend(["--kind".into(), rng.pick(KINDS).into()]);
    }
    if rng.chance(60) {
        args.extend(["--mode".into(), rng.pick(MODES).into()]);
    }
    if rng.chance(60) {
        args.extend(["--region".into(), rng.pick(REGIONS).into()]);
    }
    for _ in 0..rng.below(3) {
        args.extend(["--organizer".into(), rng.pick(ORGS).into()]);
    }
    for _ in 0..rng.below(2) {
        args.extend(["--partner".into(), rng.pick(ORGS).into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = attempt(env, &args);
    if out.code == 0 {
        let id = out.stdout.trim().to_string();
        made.events.push(id.clone());
        for _ in 0..rng.below(4) {
            add_participant(env, rng, made, Some(&id));
        }
    }
}

fn add_participant(env: &Env, rng: &mut Rng, made: &mut Made, event: Option<&str>) {
    let Some(event) = event.map(str::to_string).or_else(|| any(rng, &made.events)) else {
        return;
    };
    let mut args = vec!["add-participant", &event, "--name", rng.pick(PEOPLE)];
    if rng.chance(70) {
        args.extend(["--org", rng.pick(ORGS)]);
        if rng.chance(25) {
            args.push("--head");
        }
    }
    if rng.chance(50) {
        args.extend(["--position", rng.pick(POSITIONS)]);
    }
    if rng.chance(20) {
        args.extend(["--session", "Opening"]);
    }
    let out = attempt(env, &args);
    if out.code == 0 {
        made.participations.push(out.stdout.trim().to_string());
    }
}

fn any(rng: &mut Rng, ids: &[String]) -> Option<String> {
    (!ids.is_empty()).then(|| ids[rng.below(ids.len())].clone())
}

fn edit_event(env: &Env, rng: &mut Rng, made: &Made) {
    let Some(event) = any(rng, &made.events) else {
        return;
    };
    let start = date(rng);
    let end = end_after(rng, &start);
    let org = rng.pick(ORGS);
    let args: Vec<&str> = match rng.below(7) {
        // Moves the whole event.
        0 => vec!["edit-event", &event, "--start", &start],
        1 => vec!["edit-event", &event, "--start", &start, "--end", &end],
        2 => vec!["edit-event", &event, "--kind", rng.pick(KINDS)],
        3 => vec!["edit-event", &event, "--add-organizer", org],
        4 => vec!["edit-event", &event, "--remove-organizer", org],
        5 => vec![
            "edit-event",
            &event,
            "--region",
            rng.pick(&["", "Europe", "europe"]),
            "--mode",
            rng.pick(MODES),
        ],
        _ => vec!["edit-event", &event, "--partner", org, "--kind", ""],
    };
    attempt(env, &args);
}

fn edit_participant(env: &Env, rng: &mut Rng, made: &Made) {
    let Some(id) = any(rng, &made.participations) else {
        return;
    };
    let args: Vec<&str> = match rng.below(5) {
        0 => vec!["edit-participant", &id, "--org", rng.pick(ORGS)],
        1 => vec!["edit-participant", &id, "--head"],
        2 => vec!["edit-participant", &id, "--no-head"],
        3 => vec![
            "edit-participant",
            &id,
            "--position",
            rng.pick(&["", "Director", "Head of unit"]),
        ],
        _ => vec!["edit-participant", &id, "--name", rng.pick(PEOPLE)],
    };
    attempt(env, &args);
}

fn curate(env: &Env, rng: &mut Rng) {
    let (kind, pool) = if rng.chance(50) {
        ("org", ORGS)
    } else {
        ("person", PEOPLE)
    };
    let (a, b) = (rng.pick(pool), rng.pick(pool));
    let new = format!("{a} (new)");
    match rng.below(4) {
        0 => attempt(env, &[kind, "alias", a, &format!("{a} alias")]),
        1 => attempt(env, &[kind, "rename", a, &new]),
        2 => attempt(env, &[kind, "rename", &new, a]),
        _ => attempt(env, &[kind, "merge", a, b]),
    };
}

/// An NDJSON file of new events, and sometimes a record updating an event already there (by
/// its key) and an alias record: now and then one that makes a name the file created an alias
/// of an organization there before (a merge within the import). Without the last two, the
/// import only creates records (PostgreSQL then adds what its events add, instead of counting
/// again): on a database that is not empty, too.
fn import(env: &Env, rng: &mut Rng, made: &mut Made) {
    made.imports += 1;
    let mut lines = Vec::new();
    for i in 0..1 + rng.below(3) {
        let start = date(rng);
        let end = end_after(rng, &start);
        let participants: Vec<Value> = (0..rng.below(3))
            .map(|_| {
                serde_json::json!({
                    "name": rng.pick(PEOPLE),
                    "organization": rng.chance(70).then(|| rng.pick(ORGS)),
                    "position": rng.chance(50).then(|| rng.pick(POSITIONS)),
                })
            })
            .collect();
        lines.push(serde_json::json!({
            "title": format!("Imported {} {i}", made.imports),
            "start": start,
            "end": end,
            "kind": rng.chance(70).then(|| rng.pick(KINDS)),
            "region": rng.chance(50).then(|| rng.pick(REGIONS)),
            "organizers": [rng.pick(ORGS)],
            "partners": if rng.chance(30) { vec![rng.pick(ORGS)] } else { vec![] },
            "participants": participants,
        }));
    }
    // An organization the file creates, that an alias record may merge into another.
    let created_org = format!("Imported organization {}", made.imports);
    if rng.chance(30) {
        lines[0]["partners"] = serde_json::json!([created_org]);
    }
    // An event there already, as exported, changed.
    if rng.chance(50)
        && let Some(event) = any(rng, &made.events)
    {
        let out = env.run(&["export", &event]);
        if out.code == 0
            && let Some(line) = out.stdout.lines().next()
        {
            let mut record: Value = serde_json::from_str(line).unwrap();
            record["start"] = Value::from(date(rng));
            record["end"] = record["start"].clone();
            record["kind"] = Value::from(rng.pick(KINDS));
            record["organizers"] = serde_json::json!([rng.pick(ORGS)]);
            lines.push(record);
        }
    }
    match rng.below(3) {
        0 => {}
        1 => lines.push(serde_json::json!({
            "organization": rng.pick(ORGS),
            "aliases": [format!("Imported alias {}", made.imports)],
        })),
        _ => lines.push(serde_json::json!({
            "organization": rng.pick(ORGS),
            "aliases": [created_org],
        })),
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let file = env.file(&format!("import-{}.ndjson", made.imports), text);
    let out = attempt(env, &["import", &file]);
    if out.code == 0 {
        // The events made: the list's newest ids are looked up again at the end.
        made.events = ids(&env.ok(&["list", "--format", "json"]))
            .iter()
            .map(i64::to_string)
            .collect();
    }
}

/// `events edit EVENT` with a program that replaces an organization's name in the event's
/// JSON as its editor.
fn edit_in_editor(env: &Env, rng: &mut Rng, made: &Made) {
    let Some(event) = any(rng, &made.events) else {
        return;
    };
    let (from, to) = (rng.pick(ORGS), rng.pick(&["EU", "CSTO", "OSCE"]));
    let out = env
        .cmd()
        .args(["edit", &event])
        .env("VISUAL", format!("sed -i -e 's/\"{from}\"/\"{to}\"/g'"))
        .env("EDITOR", "false")
        .env("TMPDIR", env.dir.path())
        .output()
        .expect("run events");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "events edit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One random write.
fn step(env: &Env, rng: &mut Rng, made: &mut Made) {
    match rng.below(20) {
        0..=4 => add_event(env, rng, made),
        5..=6 => add_participant(env, rng, made, None),
        7..=8 => edit_event(env, rng, made),
        9..=10 => edit_participant(env, rng, made),
        11 => {
            if let Some(id) = any(rng, &made.participations) {
                attempt(env, &["remove-participant", &id]);
            }
        }
        12 => {
            if let Some(id) = any(rng, &made.events) {
                attempt(env, &["remove-event", &id, "--yes"]);
            }
        }
        13..=14 => curate(env, rng),
        15 => import(env, rng, made),
        16 => edit_in_editor(env, rng, made),
        // Undo, and now and then redo (the undo undone).
        _ => {
            attempt(env, &["undo"]);
            if rng.chance(30) {
                attempt(env, &["undo"]);
            }
        }
    }
}

fn json(env: &Env, args: &[&str]) -> Value {
    serde_json::from_str(&env.ok(args)).unwrap_or_else(|e| panic!("events {args:?}: {e}"))
}

/// What one organization's line of `orgs` counts, and `stats --by org`'s heads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct OrgCount {
    events: i64,
    as_organizer: i64,
    as_partner: i64,
    as_participant: i64,
    headed: i64,
    first: Option<String>,
    last: Option<String>,
}

/// What one person's line of `people` counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct PersonCount {
    events: i64,
    first: Option<String>,
    last: Option<String>,
}

fn widen(first: &mut Option<String>, last: &mut Option<String>, date: &str) {
    if first.as_deref().is_none_or(|f| date < f) {
        *first = Some(date.to_string());
    }
    if last.as_deref().is_none_or(|l| date > l) {
        *last = Some(date.to_string());
    }
}

/// Counts, from every event as `list` gives it, what `orgs` and `people` say.
fn counted(env: &Env) -> (BTreeMap<String, OrgCount>, BTreeMap<String, PersonCount>) {
    let mut orgs: BTreeMap<String, OrgCount> = BTreeMap::new();
    let mut people: BTreeMap<String, PersonCount> = BTreeMap::new();
    let list = json(env, &["list", "--format", "json"]);
    for event in list.as_array().unwrap() {
        let start = event["start"].as_str().unwrap();
        let names = |field: &str| -> Vec<String> {
            event[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let (organizers, partners) = (names("organizers"), names("partners"));
        let participants = event["participants"].as_array().unwrap();
        let mut linked: Vec<String> = organizers.iter().chain(&partners).cloned().collect();
        let mut attended: Vec<String> = Vec::new();
        for p in participants {
            let person = p["name"].as_str().unwrap().to_string();
            if let Some(org) = p["organization"].as_str() {
                attended.push(org.to_string());
                if p["head"].as_bool() == Some(true) {
                    orgs.entry(org.to_string()).or_default().headed += 1;
                }
            }
            let count = people.entry(person).or_default();
            count.events += 1;
            widen(&mut count.first, &mut count.last, start);
        }
        linked.extend(attended.iter().cloned());
        linked.sort();
        linked.dedup();
        for org in linked {
            let count = orgs.entry(org.clone()).or_default();
            count.events += 1;
            count.as_organizer += i64::from(organizers.contains(&org));
            count.as_partner += i64::from(partners.contains(&org));
            count.as_participant += i64::from(attended.contains(&org));
            widen(&mut count.first, &mut count.last, start);
        }
        // A person's events are distinct events: take back the second participation of one
        // person in one event.
        let mut seen: Vec<&str> = Vec::new();
        for p in participants {
            let person = p["name"].as_str().unwrap();
            if seen.contains(&person) {
                people.get_mut(person).unwrap().events -= 1;
            } else {
                seen.push(person);
            }
        }
    }
    (orgs, people)
}

/// The maintained answers equal the counted ones: `check` finds nothing; `orgs` and `people`
/// say what counting the listed events gives (every organization and person listed, those
/// of no event with zeros); each `stats --by` equals the same stats narrowed by a filter
/// that leaves every event in (which counts the events), with and without a limit; and each
/// person's latest position is that of their history.
fn assert_summaries_hold(env: &Env, context: &str) {
    let check = env.run(&["check"]);
    assert_eq!(
        check.code, 0,
        "{context}: check: {}{}",
        check.stdout, check.stderr
    );
    let (orgs, people) = counted(env);

    let listed = json(env, &["orgs", "--format", "json"]);
    let listed = listed.as_array().unwrap();
    let mut headed: BTreeMap<String, i64> = BTreeMap::new();
    for o in listed {
        let name = o["name"].as_str().unwrap();
        let want = orgs.get(name).cloned().unwrap_or_default();
        headed.insert(name.to_string(), want.headed);
        let got = OrgCount {
            events: o["events"].as_i64().unwrap(),
            as_organizer: o["as_organizer"].as_i64().unwrap(),
            as_partner: o["as_partner"].as_i64().unwrap(),
            as_participant: o["as_participant"].as_i64().unwrap(),
            headed: want.headed,
            first: o["first"].as_str().map(str::to_string),
            last: o["last"].as_str().map(str::to_string),
        };
        assert_eq!(got, want, "{context}: orgs says of {name:?}");
    }
    for name in orgs.keys() {
        assert!(
            listed.iter().any(|o| o["name"] == name.as_str()),
            "{context}: {name:?} is not in orgs"
        );
    }

    let listed = json(env, &["people", "--format", "json"]);
    let listed = listed.as_array().unwrap();
    for p in listed {
        let name = p["name"].as_str().unwrap();
        let want = people.get(name).cloned().unwrap_or_default();
        let got = PersonCount {
            events: p["events"].as_i64().unwrap(),
            first: p["first"].as_str().map(str::to_string),
            last: p["last"].as_str().map(str::to_string),
        };
        assert_eq!(got, want, "{context}: people says of {name:?}");
        // The latest participation that records a position, else the latest that records
        // an organization (latest: by start date, then by participation).
        let history = json(env, &["person", "show", name, "--format", "json"]);
        let latest = history["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| !h["position"].is_null() || !h["organization"].is_null())
            .max_by_key(|h| {
                (
                    !h["position"].is_null(),
                    h["start"].as_str().unwrap().to_string(),
                    h["participation"].as_i64().unwrap(),
                )
            });
        let null = Value::Null;
        let (position, organization) = match latest {
            Some(h) => (&h["position"], &h["organization"]),
            None => (&null, &null),
        };
        assert_eq!(
            (&p["position"], &p["organization"]),
            (position, organization),
            "{context}: the latest position of {name:?}"
        );
    }
    for name in people.keys() {
        assert!(
            listed.iter().any(|p| p["name"] == name.as_str()),
            "{context}: {name:?} is not in people"
        );
    }

    for by in ["year", "kind", "mode", "region", "org"] {
        for limit in [None, Some("2")] {
            let mut args = vec!["stats", "--by", by, "--format", "json"];
            if let Some(limit) = limit {
                args.extend(["--limit", limit]);
            }
            let kept = json(env, &args);
            args.extend(["--from", "0001-01-01"]);
            let counted = json(env, &args);
            assert_eq!(
                kept, counted,
                "{context}: stats --by {by} --limit {limit:?}"
            );
        }
    }
    // The heads, from the events.
    let stats = json(env, &["stats", "--by", "org", "--format", "json"]);
    for row in stats.as_array().unwrap() {
        let name = row["org"].as_str().unwrap();
        assert_eq!(
            row["headed"].as_i64(),
            headed.get(name).copied(),
            "{context}: heads of {name:?}"
        );
    }
}

/// Random sequences of every kind of write; after each sequence (and halfway), the
/// summaries hold.
#[test]
fn summaries_equal_a_count_after_random_writes() {
    for seed in [1_u64, 2, 3] {
        let Some(env) = Env::new() else { return };
        let mut rng = Rng::new(seed);
        let mut made = Made::default();
        for i in 0..36 {
            step(&env, &mut rng, &mut made);
            if i == 17 {
                assert_summaries_hold(&env, &format!("seed {seed}, halfway"));
            }
        }
        assert_summaries_hold(&env, &format!("seed {seed}"));
    }
}

/// An import of many events at once (the path that counts everything again), its undo and
/// redo, then writes: the summaries hold after each.
#[test]
fn summaries_hold_through_a_large_import_and_its_undo() {
    let Some(env) = Env::new() else { return };
    let mut rng = Rng::new(7);
    let mut lines = String::new();
    for i in 0..300 {
        let start = date(&mut rng);
        let end = end_after(&mut rng, &start);
        let participants: Vec<Value> = (0..rng.below(4))
            .map(|j| {
                serde_json::json!({
                    // Many people, so that the import makes most of them dirty.
                    "name": format!("Person {}", (i * 3 + j) % 400),
                    "organization": rng.chance(70).then(|| rng.pick(ORGS)),
                    "position": rng.chance(50).then(|| rng.pick(POSITIONS)),
                    "head": j == 0 && rng.chance(30),
                })
            })
            .collect();
        let participants: Vec<Value> = participants
            .into_iter()
            .map(|mut p| {
                if p["organization"].is_null() {
                    p["head"] = Value::Bool(false);
                }
                p
            })
            .collect();
        let record = serde_json::json!({
            "title": format!("Bulk {i}"),
            "start": start,
            "end": end,
            "kind": rng.pick(KINDS),
            "mode": rng.pick(MODES),
            "region": rng.pick(REGIONS),
            "organizers": [rng.pick(ORGS)],
            "participants": participants,
        });
        lines.push_str(&format!("{record}\n"));
    }
    let file = env.file("bulk.ndjson", lines);
    env.ok(&["import", &file]);
    assert_summaries_hold(&env, "after a large import");
    env.ok(&["undo"]);
    assert_summaries_hold(&env, "after the import was undone");
    env.ok(&["undo"]);
    assert_summaries_hold(&env, "after the import was redone");
    let mut made = Made {
        events: ids(&env.ok(&["list", "--format", "json"]))
            .iter()
            .map(i64::to_string)
            .collect(),
        ..Made::default()
    };
    for _ in 0..8 {
        step(&env, &mut rng, &mut made);
    }
    assert_summaries_hold(&env, "after writes");
}

/// A summary that does not say what the records say is a finding of `check`, naming the
/// organization; so is a wrong count of a group.
#[test]
fn check_finds_a_summary_that_differs_from_a_count() {
    let Some(env) = Env::new() else { return };
    crate::util::record_seed(&env);
    env.ok(&["check"]);
    env.sql(
        "UPDATE organization_summary SET events = events + 1
          WHERE organization_id = (SELECT min(organization_id) FROM organization_summary)",
    );
    let out = env.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("summar"), "{}", out.stdout);
    assert!(
        out.stdout.contains("organization") && out.stdout.contains("UN Counter-Terrorism Centre"),
        "{}",
        out.stdout
    );

    let Some(env) = Env::new() else { return };
    crate::util::record_seed(&env);
    env.sql("UPDATE event_facet SET events = events + 1 WHERE facet = 'kind'");
    let out = env.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("summar") && out.stdout.contains("kind"),
        "{}",
        out.stdout
    );
}

/// An import into an empty database counts the summaries as it writes, until it changes a
/// record it wrote: one that merges organizations and people (alias records naming others'
/// names); one of a workbook, whose Participants sheet adds participants to the events it
/// created; and one into a database with people but no events. The summaries hold after
/// each, and after the undo.
#[test]
fn summaries_hold_when_an_import_changes_what_it_wrote() {
    let Some(env) = Env::new() else { return };
    let lines = [
        r#"{"title": "Border seminar", "start": "2021-03-16", "end": "2021-03-18", "organizers": ["UNODC", "UNOCT"], "participants": [{"name": "A. Rahimov", "organization": "RATS SCO", "position": "Deputy Director", "head": true}, {"name": "B. Lee", "organization": "OSCE"}]}"#,
        r#"{"title": "Later forum", "start": "2022-05-02", "partners": ["UN Office on Drugs and Crime"], "participants": [{"name": "Alisher Rahimov", "organization": "OSCE", "position": "Director"}]}"#,
        r#"{"organization": "UNODC", "aliases": ["UN Office on Drugs and Crime"]}"#,
        r#"{"person": "A. Rahimov", "aliases": ["Alisher Rahimov"]}"#,
        r#"{"title": "Border seminar follow-up", "start": "2021-03-19", "organizers": ["UNODC"], "partners": ["UNRCCA"], "participants": [{"name": "A. Rahimov", "organization": "RATS SCO", "position": "Deputy Director", "head": true}, {"name": "C. Diaz", "organization": "UNRCCA"}]}"#,
    ];
    let file = env.file("changes.ndjson", lines.join("\n") + "\n");
    env.ok(&["import", &file]);
    assert_summaries_hold(&env, "after an import that changed what it wrote");
    env.ok(&["check"]);
    let workbook = env.dir.path().join("changes.xlsx");
    let workbook = workbook.to_str().expect("UTF-8 path");
    env.ok(&["export", "--output", workbook]);
    env.ok(&["undo"]);
    assert_summaries_hold(&env, "after its undo");

    let Some(into) = Env::new() else { return };
    into.ok(&["import", workbook]);
    assert_summaries_hold(&into, "after a workbook's import");
    into.ok(&["check"]);

    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "Kept",
        "--start",
        "2020-01-01",
        "--organizer",
        "OSCE",
    ]);
    env.ok(&["add-participant", "1", "--name", "B. Lee", "--org", "OSCE"]);
    env.ok(&["remove-event", "1", "--yes"]);
    let file = env.file("after.ndjson", lines[..2].join("\n") + "\n");
    env.ok(&["import", &file]);
    assert_summaries_hold(
        &env,
        "after an import into a database with people but no events",
    );
    env.ok(&["check"]);
}
