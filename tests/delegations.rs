//! Delegations and their heads (issue 10): `--head` on the participation that heads its
//! organization's delegation, one head per event and organization, kept by the store; heads
//! in imports and exports, in `show`, `person`, `list --head` and `stats --by org`; and the
//! upgrade of databases whose heads were only the role "head of delegation".

use crate::util::{Env, add, example, ids, record_seed};

const RATS: &str = "RATS SCO Executive Committee";

/// The seed seminar with V. V. Barchuk marked head of the RATS SCO delegation; its id.
fn seed_with_head(env: &Env) -> String {
    let id = record_seed(env);
    // Asking for the same participation again, as head, makes the one there the head.
    let out = env.run(&[
        "add-participant",
        &id,
        "--name",
        "V. V. Barchuk",
        "--org",
        RATS,
        "--position",
        "Deputy Director",
        "--role",
        "head of delegation",
        "--session",
        "The role of international and regional organizations",
        "--contribution",
        "report",
        "--head",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "1", "the participation there");
    assert!(
        out.stderr.contains("now heads its delegation"),
        "{}",
        out.stderr
    );
    id
}

fn show_json(env: &Env, id: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["show", id, "--format", "json"])).expect("JSON")
}

#[test]
fn a_second_head_of_one_delegation_is_refused_naming_the_head() {
    let Some(env) = Env::new() else { return };
    let id = seed_with_head(&env);
    let before = env.dump();
    let err = env.fails(
        1,
        &[
            "add-participant",
            &id,
            "--name",
            "A. Delegate",
            "--org",
            "rats sco executive committee",
            "--head",
        ],
    );
    assert_eq!(
        err.trim(),
        format!(
            "error: the delegation of \"{RATS}\" at event {id} is already headed by \"V. V. Barchuk\" (participation 1); `events edit-participant 1 --no-head` first"
        )
    );
    assert_eq!(env.dump(), before, "nothing written");
    // As a member, they are welcome; made head by an edit, refused the same way.
    let member = env
        .ok(&[
            "add-participant",
            &id,
            "--name",
            "A. Delegate",
            "--org",
            RATS,
        ])
        .trim()
        .to_string();
    let before = env.dump();
    let err = env.fails(1, &["edit-participant", &member, "--head"]);
    assert!(err.contains("already headed by \"V. V. Barchuk\""), "{err}");
    assert_eq!(env.dump(), before, "nothing written");
    // The head steps down first: then the other may head it.
    env.ok(&["edit-participant", "1", "--no-head"]);
    env.ok(&["edit-participant", &member, "--head"]);
    let v = show_json(&env, &id);
    let heads: Vec<&str> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["head"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(heads, ["A. Delegate"]);
    // Another organization's delegation has a head of its own.
    env.ok(&["edit-participant", "2", "--head"]);
    // Moving the head of one delegation into another that has a head: refused.
    let err = env.fails(1, &["edit-participant", "2", "--org", RATS]);
    assert!(err.contains("already headed by \"A. Delegate\""), "{err}");
}

#[test]
fn a_head_heads_an_organization_s_delegation() {
    let Some(env) = Env::new() else { return };
    let id = record_seed(&env);
    let err = env.fails(1, &["add-participant", &id, "--name", "Nobody", "--head"]);
    assert!(
        err.starts_with(
            "error: invalid --head: a head heads the delegation of an organization; give --org too"
        ),
        "{err}"
    );
    let lone = env
        .ok(&["add-participant", &id, "--name", "Nobody"])
        .trim()
        .to_string();
    let err = env.fails(1, &["edit-participant", &lone, "--head"]);
    assert!(err.starts_with("error: invalid --head:"), "{err}");
    // Taking the organization away from a head is refused too.
    env.ok(&["edit-participant", "1", "--head"]);
    let err = env.fails(1, &["edit-participant", "1", "--org", ""]);
    assert!(
        err.starts_with("error: invalid --org \"\": participation 1 heads its delegation"),
        "{err}"
    );
    assert!(
        err.ends_with("give an organization, or --no-head\n"),
        "{err}"
    );
    // --head and --no-head say opposite things.
    env.fails(2, &["edit-participant", "1", "--head", "--no-head"]);
}

#[test]
fn show_groups_participants_by_delegation_head_first() {
    let Some(env) = Env::new() else { return };
    let id = seed_with_head(&env);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "Nobody",
        "--role",
        "observer",
    ]);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "A. Delegate",
        "--org",
        RATS,
        "--role",
        "delegate",
    ]);
    // Listed before its head, in id order: the head comes first all the same.
    env.ok(&["edit-participant", "1", "--no-head"]);
    env.ok(&["edit-participant", "4", "--head"]);
    let table = env.ok(&["show", &id]);
    let at = |text: &str| {
        table
            .find(text)
            .unwrap_or_else(|| panic!("{text} in {table}"))
    };
    assert!(at("A. Delegate") < at("V. V. Barchuk"), "{table}");
    assert_eq!(table.matches("(head)").count(), 1, "{table}");
    assert!(at("(head)") < at("V. V. Barchuk"), "{table}");
    assert!(at("V. V. Barchuk") < at("V. I. Voronkov"), "{table}");
    // Without an organization: last.
    assert!(at("V. I. Voronkov") < at("Nobody"), "{table}");
    assert!(at("(none)") > at("V. I. Voronkov"), "{table}");
    // Roles and sessions stay visible.
    assert!(table.contains("observer"), "{table}");
    assert!(table.contains("The role of"), "{table}");

    let v = show_json(&env, &id);
    let heads: Vec<(&str, bool)> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["head"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        heads,
        [
            ("V. V. Barchuk", false),
            ("V. I. Voronkov", false),
            ("Nobody", false),
            ("A. Delegate", true)
        ]
    );
    assert_eq!(
        v["delegations"],
        serde_json::json!([
            {"organization": RATS, "head": "A. Delegate",
             "members": ["A. Delegate", "V. V. Barchuk"]},
            {"organization": "UN Office of Counter-Terrorism", "head": null,
             "members": ["V. I. Voronkov"]}
        ])
    );
}

#[test]
fn person_list_and_stats_know_who_headed() {
    let Some(env) = Env::new() else { return };
    let id = seed_with_head(&env);
    let other = add(&env, "Expert meeting", "2021-05-04", "2021-05-04", &[]);
    env.ok(&[
        "add-participant",
        &other,
        "--name",
        "V. V. Barchuk",
        "--org",
        RATS,
    ]);
    env.ok(&["person", "alias", "V. V. Barchuk", "Barchuk V.V."]);

    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["person", "V. V. Barchuk", "--format", "json"])).unwrap();
    let headed: Vec<bool> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["head"].as_bool().unwrap())
        .collect();
    assert_eq!(headed, [true, false]);
    let csv = env.ok(&["person", "V. V. Barchuk", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",contribution,head,participation"),
        "{csv}"
    );
    assert!(env.ok(&["person", "V. V. Barchuk"]).contains("(head)"));

    // By name or alias, any case.
    for name in ["V. V. Barchuk", "v. v.  barchuk", "BARCHUK V.V."] {
        let listed = ids(&env.ok(&["list", "--head", name, "--format", "json"]));
        assert_eq!(listed, [id.parse::<i64>().unwrap()], "{name}");
    }
    // He took part in both, headed one.
    let listed = ids(&env.ok(&["list", "--person", "V. V. Barchuk", "--format", "json"]));
    assert_eq!(listed.len(), 2);
    assert!(ids(&env.ok(&["list", "--head", "V. I. Voronkov", "--format", "json"])).is_empty());
    let out = env.run(&["list", "--head", "Nobody Known"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("No person"), "{}", out.stderr);
    // The same filter in export and stats.
    let export = env.ok(&["export", "--format", "ndjson", "--head", "V. V. Barchuk"]);
    assert_eq!(
        export.lines().filter(|l| l.contains("\"title\"")).count(),
        1
    );
    let stats = env.ok(&[
        "stats",
        "--by",
        "year",
        "--head",
        "V. V. Barchuk",
        "--format",
        "csv",
    ]);
    assert_eq!(stats, "year,events\n2021,1\n");

    let stats = env.ok(&["stats", "--by", "org", "--format", "csv"]);
    let mut lines = stats.lines();
    assert_eq!(lines.next(), Some("org,events,headed"));
    assert!(stats.contains(&format!("\n{RATS},2,1\n")), "{stats}");
    assert!(
        stats.contains("\nUN Office of Counter-Terrorism,1,0\n"),
        "{stats}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["stats", "--by", "org", "--format", "json"])).unwrap();
    assert_eq!(
        v[0],
        serde_json::json!({"org": RATS, "events": 2, "headed": 1})
    );
    // Other dimensions keep their columns.
    let by_year = env.ok(&["stats", "--by", "year", "--format", "json"]);
    assert!(!by_year.contains("headed"), "{by_year}");
    assert!(env.ok(&["stats", "--by", "org"]).contains("Headed"));
}

#[test]
fn imports_read_heads_and_exports_write_them() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    let seed = show_json(&env, "rats-2021-03");
    let barchuk = seed["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "V. V. Barchuk")
        .unwrap();
    assert_eq!(barchuk["head"], true);
    assert_eq!(barchuk["role"], "head of delegation");
    assert_eq!(
        seed["delegations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["organization"] == RATS)
            .unwrap()["head"],
        "V. V. Barchuk"
    );
    // Export, then import into an empty database: nothing lost.
    let export = env.ok(&["export", "--format", "ndjson"]);
    assert!(export.contains("\"head\":true"), "{export}");
    assert!(export.contains("\"head\":false"), "every participant says");
    let file = env.file("export.ndjson", &export);
    let Some(copy) = Env::new() else { return };
    copy.ok(&["import", &file]);
    assert_eq!(
        crate::util::without_ids(&copy.ok(&["export", "--format", "ndjson"])),
        crate::util::without_ids(&export)
    );
    // Imported again: nothing changes.
    let out = copy.run(&["import", &file]);
    assert!(out.stderr.contains("0 updated"), "{}", out.stderr);
}

#[test]
fn an_import_with_two_heads_of_one_delegation_is_refused_by_line() {
    let Some(env) = Env::new() else { return };
    let file = env.file(
        "two.ndjson",
        concat!(
            r#"{"title": "A", "start": "2021-01-01"}"#,
            "\n",
            r#"{"title": "B", "start": "2021-01-02", "participants": [{"name": "X", "organization": "O", "head": true}, {"name": "Y", "organization": "o", "head": true}]}"#,
            "\n"
        ),
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains("line 2: participants[1].head \"true\": the delegation of \"o\" is already headed by \"X\" (participants[0])"),
        "{err}"
    );
    assert_eq!(env.dump(), "(no database)");
    // Under two names of one organization: found by the store.
    let file = env.file(
        "aliases.ndjson",
        concat!(
            r#"{"organization": "O", "aliases": ["Other name"]}"#,
            "\n",
            r#"{"title": "D", "start": "2021-01-04", "participants": [{"name": "X", "organization": "O", "head": true}, {"name": "Y", "organization": "Other name", "head": true}]}"#,
            "\n"
        ),
    );
    let err = env.fails(1, &["import", &file]);
    assert!(err.contains("line 2: participants[1].head"), "{err}");
    // `null` and a missing flag are false; anything but a boolean is refused.
    let file = env.file(
        "bad.json",
        r#"[{"title": "E", "start": "2021-01-05", "participants": [{"name": "X", "head": "yes"}]}]"#,
    );
    let err = env.fails(1, &["import", &file]);
    assert!(err.contains("head"), "{err}");
    // A head without an organization.
    let file = env.file(
        "lone.json",
        r#"[{"title": "E", "start": "2021-01-05", "participants": [{"name": "X", "head": true}]}]"#,
    );
    let err = env.fails(1, &["import", &file]);
    assert!(err.contains("participants[0].head"), "{err}");
}

#[test]
fn a_participants_file_reads_a_head_column() {
    let Some(env) = Env::new() else { return };
    let id = seed_with_head(&env);
    let file = env.file(
        "people.csv",
        format!(
            "event,name,organization,role,head\n\
             {id},A. Delegate,{RATS},delegate,no\n\
             {id},B. Head,UN Office of Counter-Terrorism,,YES\n\
             {id},C. Other,UNOCT-like,, 0 \n\
             {id},D. Other,Third,,\n"
        ),
    );
    env.ok(&["import", &file]);
    let v = show_json(&env, &id);
    let heads: Vec<&str> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["head"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(heads, ["V. V. Barchuk", "B. Head"]);
    // Imported again: nothing changes.
    let out = env.run(&["import", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("0 added"), "{}", out.stderr);

    // A value that says neither: refused, naming the line and the value.
    let before = env.dump();
    let bad = env.file(
        "bad.csv",
        format!("event,name,organization,head\n{id},E. New,Fourth,maybe\n"),
    );
    let err = env.fails(1, &["import", &bad]);
    assert!(
        err.contains("line 2: head \"maybe\": expected true or false"),
        "{err}"
    );
    // A second head of a stored delegation: refused, naming the line and the head there.
    let second = env.file(
        "second.csv",
        format!(
            "event,name,organization,head\n{id},E. New,Fourth,1\n{id},A. Delegate,{RATS},true\n"
        ),
    );
    let err = env.fails(1, &["import", &second]);
    assert!(
        err.contains(&format!(
            "line 3: head \"true\": the delegation of \"{RATS}\" at event {id} is already headed by \"V. V. Barchuk\" (participation 1)"
        )),
        "{err}"
    );
    assert_eq!(env.dump(), before, "nothing written");
    // Two heads of one new delegation in the file: the first is named by its line (its
    // participation will not be there to edit).
    let twice = env.file(
        "twice.csv",
        format!(
            "event,name,organization,head
{id},T1,Org T,true
{id},T2,org t,yes
"
        ),
    );
    let err = env.fails(1, &["import", &twice]);
    assert!(
        err.contains(&format!(
            "line 3: head \"true\": the delegation of \"Org T\" at event {id} is already headed by \"T1\" (line 2 of this file)"
        )),
        "{err}"
    );
    assert_eq!(env.dump(), before, "nothing written");
    // The member already there, made head once the head steps down: the same row.
    env.ok(&["edit-participant", "1", "--no-head"]);
    let promote = env.file(
        "promote.csv",
        format!("event,name,organization,role,head\n{id},A. Delegate,{RATS},delegate,true\n"),
    );
    let out = env.run(&["import", &promote]);
    assert!(
        out.stderr
            .contains("promote.csv: 0 added, 1 made head of a delegation, 0 already there"),
        "{}",
        out.stderr
    );
    let v = show_json(&env, &id);
    let delegate: Vec<&serde_json::Value> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "A. Delegate")
        .collect();
    assert_eq!(delegate.len(), 1, "made head, not added again");
    assert_eq!(delegate[0]["head"], true);
}

#[test]
fn an_update_moves_the_head_within_a_delegation() {
    let Some(env) = Env::new() else { return };
    let first = env.file(
        "first.ndjson",
        concat!(
            r#"{"key": "k", "title": "T", "start": "2021-01-01", "participants": [{"name": "X", "organization": "O", "head": true}, {"name": "Y", "organization": "O"}]}"#,
            "\n"
        ),
    );
    env.ok(&["import", &first]);
    let second = env.file(
        "second.ndjson",
        concat!(
            r#"{"key": "k", "title": "T", "start": "2021-01-01", "participants": [{"name": "X", "organization": "O"}, {"name": "Y", "organization": "O", "head": true}]}"#,
            "\n"
        ),
    );
    let out = env.run(&["import", &second]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 updated"), "{}", out.stderr);
    let v = show_json(&env, "k");
    let rows: Vec<(i64, &str, bool)> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (0, p["name"].as_str().unwrap(), p["head"].as_bool().unwrap()))
        .collect();
    assert_eq!(rows, [(0, "X", false), (0, "Y", true)]);
    // The rows kept their ids: the change was in place.
    let table = env.ok(&["show", "k"]);
    assert!(table.contains("(head)"), "{table}");
    let person: serde_json::Value =
        serde_json::from_str(&env.ok(&["person", "Y", "--format", "json"])).unwrap();
    assert_eq!(person["history"][0]["participation"], 2);
    assert_eq!(person["history"][0]["head"], true);
}

#[test]
fn merging_organizations_keeps_the_kept_one_s_head() {
    let Some(env) = Env::new() else { return };
    let id = add(&env, "Meeting", "2021-01-01", "2021-01-01", &[]);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "X",
        "--org",
        "SCO RATS",
        "--head",
    ]);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "Y",
        "--org",
        RATS,
        "--head",
    ]);
    let out = env.run(&["org", "merge", RATS, "SCO RATS"]);
    assert!(
        out.stderr.contains(&format!(
            "where both delegations had a head (1 event), the head of \"{RATS}\" stays head"
        )),
        "{}",
        out.stderr
    );
    let v = show_json(&env, &id);
    assert_eq!(
        v["delegations"],
        serde_json::json!([{"organization": RATS, "head": "Y", "members": ["Y", "X"]}])
    );
    // Two participations made one by a person merge: the one kept heads if either did.
    let other = add(&env, "Other", "2021-02-01", "2021-02-01", &[]);
    env.ok(&[
        "add-participant",
        &other,
        "--name",
        "Barchuk V.V.",
        "--org",
        RATS,
    ]);
    env.ok(&[
        "add-participant",
        &other,
        "--name",
        "V. V. Barchuk",
        "--org",
        RATS,
        "--head",
    ]);
    env.ok(&["person", "merge", "Barchuk V.V.", "V. V. Barchuk"]);
    let v = show_json(&env, &other);
    let rows: Vec<(&str, bool)> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["head"].as_bool().unwrap()))
        .collect();
    assert_eq!(rows, [("Barchuk V.V.", true)]);
}

/// A database from before heads (SQLite schema 3, PostgreSQL schema 1): the role "head of
/// delegation", in any case and spacing, becomes the head where that leaves one head per
/// delegation.
#[test]
fn an_old_database_turns_head_of_delegation_roles_into_heads() {
    let Some(env) = Env::new() else { return };
    let one = add(&env, "One", "2021-01-01", "2021-01-01", &[]);
    let two = add(&env, "Two", "2021-02-01", "2021-02-01", &[]);
    let three = add(&env, "Three", "2021-03-01", "2021-03-01", &[]);
    let p = |event: &str, name: &str, org: Option<&str>, role: &str, session: Option<&str>| {
        let mut args = vec!["add-participant", event, "--name", name, "--role", role];
        if let Some(org) = org {
            args.extend(["--org", org]);
        }
        if let Some(session) = session {
            args.extend(["--session", session]);
        }
        env.ok(&args);
    };
    // One: a single head of delegation, spelled oddly; a delegate.
    p(&one, "A", Some("Org"), "Head  of DELEGATION", None);
    p(&one, "B", Some("Org"), "delegate", None);
    // Two: one person, head of delegation in two sessions: the first participation heads.
    p(&two, "A", Some("Org"), "head of delegation", Some("S1"));
    p(&two, "A", Some("Org"), "head of delegation", Some("S2"));
    // Three: two people say so of one delegation: neither; and one without an organization.
    p(&three, "A", Some("Org"), "head of delegation", None);
    p(&three, "B", Some("Org"), "head of delegation", None);
    p(&three, "C", None, "head of delegation", None);
    // Back to the schema before heads.
    if crate::POSTGRES {
        env.sql(
            "DROP INDEX participation_head;
             ALTER TABLE participation DROP CONSTRAINT participation_head_organization;
             ALTER TABLE participation DROP COLUMN head;
             UPDATE events_schema SET version = 1;",
        );
    } else {
        env.sql(
            "DROP INDEX participation_head;
             DROP INDEX participation_head_organization;
             ALTER TABLE participation DROP COLUMN head;
             PRAGMA user_version = 3;",
        );
    }
    let out = env.run(&["list", "--head", "A", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Both backends say so, once.
    let latest = if crate::POSTGRES { "1 to 4" } else { "3 to 6" };
    assert!(
        out.stderr
            .contains(&format!("from schema version {latest}")),
        "{}",
        out.stderr
    );
    let again = env.run(&["list", "--head", "A", "--format", "json"]);
    assert!(!again.stderr.contains("Upgraded"), "{}", again.stderr);
    assert_eq!(
        ids(&out.stdout),
        [one.parse::<i64>().unwrap(), two.parse().unwrap()]
    );
    let heads = |id: &str| -> Vec<(String, bool)> {
        show_json(&env, id)["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["head"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let pairs = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(n, h)| (n.to_string(), *h)).collect()
    };
    assert_eq!(heads(&one), pairs(&[("A", true), ("B", false)]));
    assert_eq!(heads(&two), pairs(&[("A", true), ("A", false)]));
    assert_eq!(
        heads(&three),
        pairs(&[("A", false), ("B", false), ("C", false)])
    );
    // The roles stay as written; the store keeps one head per delegation from now on.
    assert!(env.ok(&["show", &one]).contains("Head  of DELEGATION"));
    let err = env.fails(1, &["edit-participant", "2", "--head"]);
    assert!(err.contains("already headed by \"A\""), "{err}");
    let check = env.ok(&["check"]);
    assert!(!check.to_lowercase().contains("problem"), "{check}");
}

/// A participants file makes head a participation of an event whose key `add-event` would
/// refuse today (all digits, from an older `events`): the event is taken as it is.
#[test]
fn a_participants_file_makes_a_head_at_an_event_with_an_old_key() {
    let Some(env) = Env::new() else { return };
    let old = env.file(
        "old.ndjson",
        r#"{"key": "2021", "title": "Old", "start": "2021-01-01", "participants": [{"name": "A", "organization": "Org"}]}
"#,
    );
    env.ok(&["import", &old]);
    let rows = env.file(
        "rows.csv",
        "event,name,organization,head\nkey:2021,A,Org,yes\n",
    );
    let out = env.run(&["import", &rows]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 made head of a delegation"),
        "{}",
        out.stderr
    );
    let v = show_json(&env, "key:2021");
    assert_eq!(v["participants"][0]["head"], true);
}
