//! What only a server has (the PostgreSQL run only): many writers at once, a killed import,
//! roles that may only read or may edit, another program's tables, a newer schema, first
//! writers racing to create the schema, the `events` schema by default and a `search_path` in
//! the URL, `$EVENTS_DB` holding a URL, passwords never shown and read from `$PGPASSWORD`,
//! TLS, and `backup`. The counterparts of the SQLite-only tests of files.

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::util::{Env, Output, add, bare_cmd, ids, postgres_client, record_seed};

/// The variables `.ci/run` sets for the TLS test: the CA that signed the test server's
/// certificate, and another CA that signed nothing of it.
const CA: &str = "EVENTS_TEST_POSTGRES_CA";
const OTHER_CA: &str = "EVENTS_TEST_POSTGRES_OTHER_CA";

/// The role `.ci/run` lets connect only over TLS, and the group whose members `.ci/run` asks
/// for a password (the test server trusts everyone else).
const TLS_ONLY_ROLE: &str = "events_tls_only";
const PASSWORD_GROUP: &str = "events_password";

/// The test server's URL (`$EVENTS_TEST_POSTGRES`), when there is one (under CI, there is).
fn base_url() -> Option<String> {
    match std::env::var(crate::util::POSTGRES_URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{} is not set: under CI, the PostgreSQL tests need a server",
                crate::util::POSTGRES_URL
            );
            None
        }
    }
}

/// A name no other test of this run uses, for what belongs to the whole server (roles,
/// databases).
fn unique(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}_{}_{n}", std::process::id())
}

/// `url` with its user (and password) replaced by `userinfo`.
fn with_userinfo(url: &str, userinfo: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    format!("{scheme}://{userinfo}@{host}")
}

/// `url` naming the database `db` instead, without its parameters.
fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{db}", &rest[..authority_end])
}

/// `url` with `parameters` (`a=b&c=d`) added.
fn with_parameters(url: &str, parameters: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{parameters}")
}

/// The `options` parameter that makes `schema` the URL's first `search_path`.
fn search_path(schema: &str) -> String {
    format!("options=-csearch_path%3D{schema}")
}

/// Runs the binary on `db` (a URL) with a clean environment and `vars` set.
fn run_on(db: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = bare_cmd();
    cmd.env_remove("PGPASSWORD").arg("--db").arg(db).args(args);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("run events");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// The number of events `list` shows.
fn count(env: &Env) -> usize {
    ids(&env.ok(&["list", "--format", "json"])).len()
}

/// Runs SQL on the test server's database as its superuser.
fn admin(sql: &str) {
    postgres_client()
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A role of the test server, dropped with what was granted to it at the end of the test.
struct Role(String);

impl Role {
    /// A new role that may log in, `CREATE ROLE name LOGIN {extra}`.
    fn new(prefix: &str, extra: &str) -> Role {
        let name = unique(prefix);
        admin(&format!("CREATE ROLE {name} LOGIN {extra}"));
        Role(name)
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        let _ = postgres_client().batch_execute(&format!(
            "DROP OWNED BY {0}; DROP ROLE IF EXISTS {0}",
            self.0
        ));
    }
}

/// A database of the test server of its own, dropped at the end of the test.
struct Database(String);

impl Database {
    fn new() -> Database {
        let name = unique("events_db");
        admin(&format!("CREATE DATABASE {name}"));
        Database(name)
    }

    fn client(&self) -> postgres::Client {
        let url = with_database(&std::env::var(crate::util::POSTGRES_URL).unwrap(), &self.0);
        postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test database")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = postgres_client()
            .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0));
    }
}

/// `n` NDJSON events, keys `{prefix}-{i}`, each with an organizer and a participant.
fn events_file(env: &Env, name: &str, prefix: &str, n: usize) -> String {
    let lines: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"key": "{prefix}-{i}", "title": "Event {prefix} {i}", "start": "2021-01-01", "description": "A seminar on cooperation, number {i}.", "organizers": ["Org {}"], "participants": [{{"name": "Person {}", "organization": "Org {}"}}]}}"#,
                i % 20,
                i % 30,
                i % 5
            )
        })
        .collect();
    env.file(name, lines.join("\n"))
}

#[test]
fn many_writers_at_once_lose_nothing() {
    let Some(env) = Env::new() else { return };
    let url = env.url.clone().unwrap();
    for i in 0..4 {
        add(
            &env,
            &format!("Edited {i}"),
            "2020-01-01",
            "2020-01-01",
            &["--key", &format!("e{i}")],
        );
    }
    let files: Vec<String> = (0..5)
        .map(|f| events_file(&env, &format!("f{f}.ndjson"), &format!("f{f}"), 60))
        .collect();
    let mut workers: Vec<thread::JoinHandle<Vec<Output>>> = Vec::new();
    for file in files {
        let url = url.clone();
        workers.push(thread::spawn(move || {
            vec![run_on(&url, &["import", &file], &[])]
        }));
    }
    for writer in 0..2 {
        let url = url.clone();
        workers.push(thread::spawn(move || {
            (0..15)
                .map(|i| {
                    let title = format!("Loop {writer} {i}");
                    let org = format!("Org {i}");
                    let args = ["add-event", "--title", &title, "--start", "2022-01-01"];
                    run_on(&url, &[&args[..], &["--organizer", &org]].concat(), &[])
                })
                .collect()
        }));
    }
    // Editors of the events made first, each its own two, field by field.
    for editor in 0..2 {
        let url = url.clone();
        workers.push(thread::spawn(move || {
            let mut outs = Vec::new();
            for round in 0..10 {
                for event in [2 * editor, 2 * editor + 1] {
                    let key = format!("e{event}");
                    let place = format!("Place {round}");
                    outs.push(run_on(
                        &url,
                        &["edit-event", &key, "--location", &place],
                        &[],
                    ));
                    let title = format!("Edited {event} round {round}");
                    outs.push(run_on(&url, &["edit-event", &key, "--title", &title], &[]));
                }
            }
            outs
        }));
    }
    for worker in workers {
        for out in worker.join().unwrap() {
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    }
    assert_eq!(count(&env), 4 + 5 * 60 + 2 * 15);
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
    assert_eq!(
        orgs.as_array().unwrap().len(),
        20,
        "one organization per name, whoever wrote it first"
    );
    let people: serde_json::Value =
        serde_json::from_str(&env.ok(&["people", "--format", "json"])).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 30);
    for event in 0..4 {
        let shown: serde_json::Value =
            serde_json::from_str(&env.ok(&["show", &format!("e{event}"), "--format", "json"]))
                .unwrap();
        assert_eq!(shown["location"], "Place 9", "e{event}");
        assert_eq!(
            shown["title"],
            format!("Edited {event} round 9"),
            "e{event}"
        );
    }
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[cfg(unix)]
#[test]
fn a_killed_import_leaves_nothing() {
    use std::os::unix::process::ExitStatusExt as _;
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    let before = env.dump();
    let file = events_file(&env, "big.ndjson", "k", 20_000);
    // Killed once its transaction has written something, before it commits.
    let started = Instant::now();
    let (mut child, name) = import_seen_writing(&env, &file);
    let mut client = postgres_client();
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the import ended before it was killed"
    );
    // The server rolls the transaction back once it finds the connection gone.
    let gone = "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = $1)";
    while !client.query_one(gone, &[&name]).unwrap().get::<_, bool>(0) {
        assert!(
            started.elapsed() < Duration::from_secs(150),
            "the connection stays"
        );
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(env.dump(), before, "the killed import left something");
    // Its lock went with it: the next writer goes through.
    add(&env, "After", "2021-02-01", "2021-02-01", &[]);
    assert_eq!(count(&env), 2);
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

/// The commands that only read, each as typed, on the records [`two_events`] makes.
const READS: &[&[&str]] = &[
    &["list"],
    &["list", "--format", "json"],
    &["list", "--format", "csv", "--org", "UNODC"],
    &["list", "--search", "seminar"],
    &["list", "--person", "Barchuk", "--sort", "title"],
    &["show", "rats-2021-03"],
    &["show", "rats-2021-03", "--format", "json"],
    &["orgs"],
    &["orgs", "--format", "json"],
    &["people"],
    &["people", "--format", "csv"],
    &["person", "V. V. Barchuk"],
    &["stats", "--by", "year"],
    &["stats", "--by", "org", "--format", "json"],
    &["export"],
    &["export", "--format", "json"],
    &["export", "--format", "csv"],
    &["export", "--format", "ics"],
    &["export", "--format", "jsonld"],
];

/// The seed seminar (with a third participant), a second event with two organizations and
/// Starts `events import FILE` on `env`'s database, and waits until its transaction has
/// written something (it holds a transaction id); returns the running import, and the name
/// its connection goes by (`application_name`).
fn import_seen_writing(env: &Env, file: &str) -> (std::process::Child, String) {
    let name = unique("events_import");
    let url = with_parameters(
        env.url.as_ref().unwrap(),
        &format!("application_name={name}"),
    );
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("events"))
        .env_remove("EVENTS_DB")
        .arg("--db")
        .arg(&url)
        .args(["-q", "import", file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut client = postgres_client();
    let writing = "SELECT EXISTS (SELECT FROM pg_stat_activity
                                   WHERE application_name = $1 AND backend_xid IS NOT NULL)";
    let started = Instant::now();
    while !client
        .query_one(writing, &[&name])
        .unwrap()
        .get::<_, bool>(0)
    {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended ({status}) before it was seen writing");
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never seen writing"
        );
        thread::sleep(Duration::from_millis(2));
    }
    (child, name)
}

/// Readers never wait for an import, not even for the first one into a database (which
/// loads its tables with their keys and indexes set aside): they see the database as it was
/// before it, and then all of it.
#[test]
fn readers_do_not_wait_for_an_import() {
    let Some(env) = Env::new() else { return };
    let file = events_file(&env, "first.ndjson", "f", 20_000);
    // The first import into a database: the tables are its transaction's.
    let (mut import, _) = import_seen_writing(&env, &file);
    assert_eq!(env.ok(&["list", "--format", "json"]), "[]\n");
    assert_eq!(env.ok(&["orgs", "--format", "json"]), "[]\n");
    assert!(import.wait().unwrap().success());
    assert_eq!(count(&env), 20_000);
    // An import into a schema that holds organizations but no events yet.
    let Some(second) = Env::new() else { return };
    add(
        &second,
        "Only",
        "2020-01-01",
        "2020-01-01",
        &["--organizer", "Org 1"],
    );
    second.ok(&["remove-event", "1", "--yes"]);
    let file = events_file(&second, "second.ndjson", "s", 20_000);
    let (mut import, _) = import_seen_writing(&second, &file);
    assert_eq!(second.ok(&["list", "--format", "json"]), "[]\n");
    assert!(second.ok(&["orgs"]).contains("Org 1"));
    assert!(import.wait().unwrap().success());
    assert_eq!(count(&second), 20_000);
}

/// a person to merge, an alias; returns the seed's id and the third participation's id.
fn two_events(env: &Env) -> (String, String) {
    let id = record_seed(env);
    let participation = env
        .ok(&["add-participant", &id, "--name", "A. Person"])
        .trim()
        .to_string();
    add(
        env,
        "Expert meeting",
        "2021-05-04",
        "2021-05-04",
        &["--key", "expert", "--organizer", "Org A"],
    );
    add(
        env,
        "Workshop",
        "2021-06-01",
        "2021-06-01",
        &["--key", "workshop", "--organizer", "Org B"],
    );
    env.ok(&["add-participant", "expert", "--name", "A. Persson"]);
    env.ok(&["org", "alias", "UN Office on Drugs and Crime", "UNODC"]);
    (id, participation)
}

/// The writing commands, each as typed, each of which succeeds once, in this order, on the
/// records [`two_events`] makes.
fn writes(id: &str, participation: &str, file: &str) -> Vec<Vec<String>> {
    let write: Vec<Vec<&str>> = vec![
        vec!["add-event", "--title", "New", "--start", "2022-01-01"],
        vec!["add-participant", id, "--name", "New Person"],
        vec!["edit-event", id, "--location", "Tashkent"],
        vec!["edit-participant", participation, "--role", "speaker"],
        vec!["remove-participant", participation],
        vec!["org", "alias", "UN Office of Counter-Terrorism", "UNOCT"],
        vec!["org", "rename", "UN Counter-Terrorism Centre", "UNCCT"],
        vec!["org", "merge", "Org A", "Org B"],
        vec!["person", "alias", "V. I. Voronkov", "Voronkov"],
        vec!["person", "rename", "V. V. Barchuk", "Vladimir Barchuk"],
        vec!["person", "merge", "A. Person", "A. Persson"],
        vec!["remove-event", "workshop", "--yes"],
        vec!["import", file],
    ];
    write
        .into_iter()
        .map(|args| args.into_iter().map(String::from).collect())
        .collect()
}

#[test]
fn a_role_that_may_only_read() {
    let Some(env) = Env::new() else { return };
    let (id, participation) = two_events(&env);
    let schema = env.schema().unwrap().to_string();
    let url = env.url.clone().unwrap();
    let file = env.file(
        "one.ndjson",
        r#"{"key": "imported", "title": "Imported", "start": "2023-01-01"}"#,
    );
    // The GRANTs the README gives for a role that may only read.
    let reader = Role::new("events_reader", "");
    admin(&format!(
        "GRANT USAGE ON SCHEMA {schema} TO {0};
         GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {0};",
        reader.0
    ));
    let reader_url = with_userinfo(&url, &reader.0);
    let before = env.dump();
    for args in READS {
        let owner = env.run(args);
        assert_eq!(owner.code, 0, "{args:?}: {}", owner.stderr);
        let read = run_on(&reader_url, args, &[]);
        assert_eq!(read.code, 0, "{args:?}: {}", read.stderr);
        assert_eq!(read.stdout, owner.stdout, "{args:?}");
    }
    let checked = run_on(&reader_url, &["check"], &[]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(
        checked.stdout.contains("integrity: ok"),
        "{}",
        checked.stdout
    );
    for args in writes(&id, &participation, &file) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_on(&reader_url, &args, &[]);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("you lack the permission for this in the database; nothing was written"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
    assert_eq!(
        env.dump(),
        before,
        "a role that may only read wrote something"
    );

    // The GRANTs the README gives for an editor: every write works, and the reader sees it.
    // (An import gives back the ids it reserved and did not use: `setval` needs UPDATE.)
    let editor = Role::new("events_editor", "");
    admin(&format!(
        "GRANT USAGE ON SCHEMA {schema} TO {0};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {0};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {0};",
        editor.0
    ));
    let editor_url = with_userinfo(&url, &editor.0);
    for args in writes(&id, &participation, &file) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_on(&editor_url, &args, &[]);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let listed = run_on(&reader_url, &["list", "--format", "json"], &[]);
    assert_eq!(ids(&listed.stdout).len(), 4, "{}", listed.stdout);
    let shown = run_on(&reader_url, &["show", "imported"], &[]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
}

/// An administrator may prepare the schema and its privileges before events makes its
/// tables (and before a later version adds some): the default privileges give the reader
/// and the editor theirs on whatever events makes there.
#[test]
fn privileges_given_before_the_tables_exist_apply_to_them() {
    let Some(env) = Env::new() else { return };
    let schema = env.schema().unwrap().to_string();
    let url = env.url.clone().unwrap();
    let owner = Role::new("events_owner", "");
    let reader = Role::new("events_reader", "");
    let editor = Role::new("events_editor", "");
    admin(&format!(
        "CREATE SCHEMA {schema} AUTHORIZATION {owner};
         GRANT USAGE ON SCHEMA {schema} TO {reader}, {editor};
         ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}
             GRANT SELECT ON TABLES TO {reader};
         ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {editor};
         ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}
             GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {editor};",
        owner = owner.0,
        reader = reader.0,
        editor = editor.0,
    ));
    let as_role = |role: &Role| with_userinfo(&url, &role.0);
    // The owner's first write makes the tables.
    let out = run_on(
        &as_role(&owner),
        &[
            "add-event",
            "--title",
            "First",
            "--start",
            "2021-01-01",
            "--key",
            "first",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run_on(
        &as_role(&editor),
        &[
            "add-event",
            "--title",
            "Second",
            "--start",
            "2021-01-02",
            "--organizer",
            "Org",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run_on(
        &as_role(&editor),
        &["edit-event", "first", "--location", "Vienna"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run_on(&as_role(&reader), &["list", "--format", "json"], &[]);
    assert_eq!(ids(&out.stdout).len(), 2, "{}", out.stderr);
    let before = env.dump();
    let out = run_on(&as_role(&reader), &["remove-event", "first", "--yes"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("you lack the permission"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn another_programs_tables_are_refused_and_left_untouched() {
    let Some(env) = Env::new() else { return };
    let schema = env.schema().unwrap().to_string();
    admin(&format!(
        "CREATE SCHEMA {schema};
         CREATE TABLE {schema}.event (id serial PRIMARY KEY, what text);
         INSERT INTO {schema}.event (what) VALUES ('theirs');
         CREATE TABLE {schema}.notes (body text);
         INSERT INTO {schema}.notes VALUES ('mine');"
    ));
    let before = env.dump();
    assert!(before.contains("theirs"), "{before}");
    let file = env.file("one.ndjson", r#"{"title": "T", "start": "2021-01-01"}"#);
    for args in [
        &["list"][..],
        &["add-event", "--title", "X", "--start", "2021-01-01"],
        &["import", &file],
        &["check"],
    ] {
        let stderr = env.fails(1, args);
        assert!(
            stderr.contains(&format!(
                "schema \"{schema}\" of {} holds a table event that events did not make",
                env.url.as_ref().unwrap()
            )) && stderr.contains("it left the database untouched"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(env.dump(), before);

    // An empty schema made for events beforehand (by an administrator) is used as it is.
    let Some(prepared) = Env::new() else { return };
    admin(&format!("CREATE SCHEMA {}", prepared.schema().unwrap()));
    add(&prepared, "X", "2021-01-01", "2021-01-01", &[]);
    assert_eq!(count(&prepared), 1);
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let Some(env) = Env::new() else { return };
    add(&env, "X", "2021-01-01", "2021-01-01", &[]);
    let schema = env.schema().unwrap();
    let supported: i64 = postgres_client()
        .query_one(&format!("SELECT version FROM {schema}.events_schema"), &[])
        .unwrap()
        .get(0);
    env.sql("UPDATE events_schema SET version = 99");
    let before = env.dump();
    for args in [
        &["list"][..],
        &["add-event", "--title", "Y", "--start", "2021-01-01"],
        &["check"],
    ] {
        let stderr = env.fails(1, args);
        assert!(
            stderr.contains(&format!(
                "has schema version 99, newer than this events understands ({supported}); upgrade events"
            )),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(env.dump(), before);
}

/// A database of its own, its URL naming no schema: events makes and uses the schema
/// `events`, once, however many first writers race; another program's `event` table in
/// `public` is left alone.
#[test]
fn first_writers_at_once_make_the_events_schema_once() {
    let Some(base) = base_url() else { return };
    let db = Database::new();
    db.client()
        .batch_execute(
            "CREATE TABLE public.event (id int, what text);
             INSERT INTO public.event VALUES (1, 'theirs');",
        )
        .unwrap();
    let url = with_database(&base, &db.0);
    let workers: Vec<_> = (0..12)
        .map(|i| {
            let url = url.clone();
            thread::spawn(move || {
                let title = format!("E{i}");
                run_on(
                    &url,
                    &["add-event", "--title", &title, "--start", "2021-01-01"],
                    &[],
                )
            })
        })
        .collect();
    for worker in workers {
        let out = worker.join().unwrap();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let listed = run_on(&url, &["list", "--format", "json"], &[]);
    assert_eq!(ids(&listed.stdout).len(), 12, "{}", listed.stderr);
    let mut client = db.client();
    let schemas: Vec<String> = client
        .query(
            "SELECT table_schema::text FROM information_schema.tables
              WHERE table_name = 'event' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(schemas, ["events", "public"]);
    let theirs: Vec<String> = client
        .query("SELECT what FROM public.event", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(theirs, ["theirs"]);
    let marks: i64 = client
        .query_one("SELECT count(*) FROM events.events_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(marks, 1);
}

/// The schema is the first of the URL's `search_path`, as PostgreSQL reads it: a quoted name
/// keeps its case, an unquoted one is folded, a backslash escapes a space.
#[test]
fn the_schema_is_the_first_of_the_urls_search_path() {
    let Some(base) = base_url() else { return };
    let db = Database::new();
    let url = with_database(&base, &db.0);
    let quoted = with_parameters(&url, "options=-c%20search_path%3D%22TeamA%22%2Cpublic");
    let folded = with_parameters(&url, "options=-csearch_path%3DTeamB");
    // A space, escaped with a backslash as libpq's options are.
    let spaced = with_parameters(&url, "options=-c%20search_path%3D%22Team%5C%20C%22");
    for (url, title) in [(&quoted, "For A"), (&folded, "For B"), (&spaced, "For C")] {
        let out = run_on(
            url,
            &["add-event", "--title", title, "--start", "2021-01-01"],
            &[],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let listed = run_on(url, &["list", "--format", "json"], &[]);
        assert_eq!(ids(&listed.stdout).len(), 1, "{}", listed.stderr);
        assert!(listed.stdout.contains(title), "{}", listed.stdout);
    }
    let schemas: Vec<String> = db
        .client()
        .query(
            "SELECT table_schema::text FROM information_schema.tables
              WHERE table_name = 'event' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(schemas, ["Team C", "TeamA", "teamb"]);
}

#[test]
fn a_url_in_events_db_is_used() {
    let Some(env) = Env::new() else { return };
    let url = env.url.clone().unwrap();
    bare_cmd()
        .env("EVENTS_DB", &url)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .assert()
        .success();
    assert_eq!(count(&env), 1);
    // --db wins over $EVENTS_DB, a URL over a path as a path over a URL.
    let file = env.dir.path().join("events.db");
    bare_cmd()
        .env("EVENTS_DB", &url)
        .arg("--db")
        .arg(&file)
        .args(["list", "--format", "json"])
        .assert()
        .success()
        .stdout("[]\n");
    let out = bare_cmd()
        .env("EVENTS_DB", &file)
        .arg("--db")
        .arg(&url)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(ids(&String::from_utf8(out.stdout).unwrap()).len(), 1);
}

#[test]
fn backup_says_to_use_pg_dump() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    let copy = env.dir.path().join("copy.db");
    let stderr = env.fails(1, &["backup", copy.to_str().unwrap()]);
    assert!(
        stderr.contains(
            "is a PostgreSQL database: back it up with the server's tools, such as `pg_dump"
        ),
        "{stderr}"
    );
    assert!(!copy.exists());
}

/// A password in a URL never shows: not in errors, not in what commands print, not in help.
#[test]
fn passwords_never_show() {
    let Some(env) = Env::new() else { return };
    let base = std::env::var(crate::util::POSTGRES_URL).unwrap();
    let password = format!("Sesame{}x", std::process::id());
    // The test server trusts the user, whatever the password.
    let url = with_parameters(
        &with_userinfo(&base, &format!("postgres:{password}")),
        &search_path(env.schema().unwrap()),
    );
    let shown = with_userinfo(&url, "postgres:***");
    let file = env.file(
        "one.ndjson",
        r#"{"key": "one", "title": "One", "start": "2021-01-01"}"#,
    );
    let never_shown = |what: &str, out: &Output| {
        assert!(
            !out.stdout.contains(&password) && !out.stderr.contains(&password),
            "{what}: the password shows: {out:?}"
        );
        assert!(!out.stderr.contains("panicked"), "{what}: {out:?}");
    };
    // Commands that work, and what they print about the database.
    for args in [
        &["import", &file][..],
        &["add-event", "--title", "Two", "--start", "2021-02-01"],
        &["list"],
        &["export"],
        &["check"],
    ] {
        let out = run_on(&url, args, &[]);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        never_shown(&format!("{args:?}"), &out);
    }
    let checked = run_on(&url, &["check"], &[]);
    assert!(
        checked.stdout.starts_with(&format!("{shown}\n")),
        "{}",
        checked.stdout
    );
    // Errors that name the database.
    let host = with_userinfo(&base, &format!("postgres:{password}"));
    let unreachable = "postgres://postgres:".to_string() + &password + "@127.0.0.1:1/events";
    let copy = env.dir.path().join("copy.db");
    let cases = [
        ("not found", url.clone(), vec!["show", "nope"]),
        (
            "backup",
            url.clone(),
            vec!["backup", copy.to_str().unwrap()],
        ),
        ("unreachable", unreachable.clone(), vec!["list"]),
        (
            "password= in the query",
            format!("postgres://postgres@127.0.0.1:1/events?password={password}"),
            vec!["add-event", "--title", "X", "--start", "2021-01-01"],
        ),
        (
            "no such database",
            with_database(&host, "no_such_database_for_events"),
            vec!["list"],
        ),
        (
            "bad sslmode",
            with_parameters(&url, "sslmode=sometimes"),
            vec!["list"],
        ),
        (
            "bad port",
            format!("postgres://postgres:{password}@127.0.0.1:port/events"),
            vec!["list"],
        ),
        (
            "missing CA file",
            with_parameters(&url, "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"),
            vec!["list"],
        ),
    ];
    for (what, db, args) in &cases {
        let out = run_on(db, args, &[]);
        assert_eq!(out.code, 1, "{what}: {out:?}");
        never_shown(what, &out);
        assert!(out.stderr.starts_with("error: "), "{what}: {}", out.stderr);
    }
    let out = run_on(&unreachable, &["list"], &[]);
    assert!(
        out.stderr
            .contains("postgres://postgres:***@127.0.0.1:1/events")
            && out.stderr.contains("that the server is running"),
        "{}",
        out.stderr
    );
    // Help, with the URL in $EVENTS_DB: neither the password nor the URL.
    for args in [
        &["--help"][..],
        &["-h"],
        &["list", "--help"],
        &["help", "import"],
    ] {
        let out = bare_cmd()
            .env("EVENTS_DB", &url)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(!help.contains(&password), "{args:?}: {help}");
        assert!(!help.contains("127.0.0.1"), "{args:?}: {help}");
        assert!(help.contains("[env: EVENTS_DB]"), "{args:?}: {help}");
    }
}

/// With a server that asks this role for its password (`.ci/run`'s rule for members of
/// `events_password`): `$PGPASSWORD` is read when the URL has no password, the URL's wins,
/// and a wrong one is said to be wrong, never shown.
#[test]
fn pgpassword_is_read_when_the_url_has_none() {
    let Some(base) = base_url() else { return };
    let has_group = postgres_client()
        .query_one(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)",
            &[&PASSWORD_GROUP],
        )
        .unwrap()
        .get::<_, bool>(0);
    let password = format!("Right{}pw", std::process::id());
    let wrong = format!("Wrong{}pw", std::process::id());
    let role = has_group.then(|| {
        Role::new(
            "events_pw",
            &format!("PASSWORD '{password}' IN ROLE {PASSWORD_GROUP}"),
        )
    });
    let asked = role.as_ref().is_some_and(|role| {
        let url = with_userinfo(&base, &format!("{}:{wrong}", role.0));
        postgres::Client::connect(&url, postgres::NoTls).is_err()
    });
    if !asked {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI the test server asks members of {PASSWORD_GROUP} for a password (.ci/run)"
        );
        eprintln!("skipped: the test server asks no one for a password (see .ci/run)");
        return;
    }
    let role = role.unwrap();
    // A schema not there yet reads as empty: no grant is needed to list it.
    let url = with_parameters(
        &with_userinfo(&base, &role.0),
        &search_path(&unique("nothing_here")),
    );
    let empty = "No events yet. Record one with `events add-event`.\n";
    let out = run_on(&url, &["list"], &[("PGPASSWORD", &password)]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, empty),
        "{}",
        out.stderr
    );
    let out = run_on(&url, &["list"], &[("PGPASSWORD", &wrong)]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("password authentication failed")
            && out.stderr.contains("check the user and the password"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&wrong), "{}", out.stderr);
    let out = run_on(&url, &["list"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // The URL's password wins over $PGPASSWORD.
    let with_password = with_parameters(
        &with_userinfo(&base, &format!("{}:{password}", role.0)),
        &search_path(&unique("nothing_here")),
    );
    let out = run_on(&with_password, &["list"], &[("PGPASSWORD", &wrong)]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, empty),
        "{}",
        out.stderr
    );
}

/// TLS against the test server `.ci/run` starts (its certificate signed by a CA of its own,
/// for localhost and 127.0.0.1; the role `events_tls_only` may connect only over TLS).
#[test]
fn tls_encrypts_and_verifies_the_server() {
    let Some(env) = Env::new() else { return };
    let (Some(ca), Some(other_ca)) = (std::env::var_os(CA), std::env::var_os(OTHER_CA)) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "under CI, .ci/run gives the test server a certificate and sets ${CA}"
        );
        eprintln!("skipped: ${CA} is not set (.ci/run sets it)");
        return;
    };
    let (ca, other_ca) = (ca.to_str().unwrap(), other_ca.to_str().unwrap());
    let base = std::env::var(crate::util::POSTGRES_URL).unwrap();
    let schema = search_path(env.schema().unwrap());
    let tls_only = |host: &str, parameters: &str| {
        let url = with_userinfo(&base, TLS_ONLY_ROLE).replace("127.0.0.1", host);
        with_parameters(&with_parameters(&url, &schema), parameters)
    };
    // Unencrypted, this role is turned away: what works below was encrypted.
    let out = run_on(&tls_only("127.0.0.1", "sslmode=disable"), &["list"], &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("no encryption"), "{}", out.stderr);
    // `require` (and the default, `prefer`) encrypt without checking the certificate.
    for parameters in ["sslmode=require", "sslmode=prefer", "application_name=tls"] {
        let out = run_on(
            &tls_only("127.0.0.1", parameters),
            &["add-event", "--title", parameters, "--start", "2021-01-01"],
            &[],
        );
        assert_eq!(out.code, 0, "{parameters}: {}", out.stderr);
    }
    // Checked against the CA: the certificate names both localhost and 127.0.0.1.
    for (host, mode) in [
        ("localhost", "verify-full"),
        ("127.0.0.1", "verify-full"),
        ("localhost", "verify-ca"),
    ] {
        let url = tls_only(host, &format!("sslmode={mode}&sslrootcert={ca}"));
        let out = run_on(&url, &["list", "--format", "json"], &[]);
        assert_eq!(out.code, 0, "{host} {mode}: {}", out.stderr);
        assert_eq!(ids(&out.stdout).len(), 3, "{host} {mode}");
    }
    // Another CA: refused, saying why, naming no password and writing nothing.
    let before = env.dump();
    for mode in ["verify-full", "verify-ca"] {
        let url = tls_only(
            "localhost",
            &format!("sslmode={mode}&sslrootcert={other_ca}"),
        );
        let out = run_on(
            &url,
            &["add-event", "--title", "X", "--start", "2021-01-01"],
            &[],
        );
        assert_eq!(out.code, 1, "{mode}: {out:?}");
        assert!(
            out.stderr.contains("cannot connect to") && out.stderr.contains("certificate"),
            "{mode}: {}",
            out.stderr
        );
    }
    // No CA given and none in ~/.postgresql/root.crt.
    let home = env.dir.path().join("home");
    let url = tls_only("localhost", "sslmode=verify-full");
    let out = run_on(&url, &["list"], &[("HOME", home.to_str().unwrap())]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("root.crt") && !out.stderr.contains("server is running"),
        "{}",
        out.stderr
    );
    assert_eq!(env.dump(), before);
    // Unencrypted, for a role the server lets in so.
    let plain = with_parameters(&env.url.clone().unwrap(), "sslmode=disable");
    let out = run_on(&plain, &["list", "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(ids(&out.stdout).len(), 3);
}

/// A team's schema from before the log (version 2), whose roles were given the README's
/// GRANTs: the upgrade gives the log's tables the grants the records have, so that the
/// editor still writes (every write now logs) and undoes, and the reader reads the log.
#[test]
fn an_upgrade_gives_the_log_the_grants_the_records_have() {
    let Some(env) = Env::new() else { return };
    let schema = env.schema().unwrap().to_string();
    let url = env.url.clone().unwrap();
    env.ok(&["add-event", "--title", "Before", "--start", "2021-01-01"]);
    env.sql(
        "DROP TABLE operation_organization, operation_change, operation;
         UPDATE events_schema SET version = 2;",
    );
    let reader = Role::new("events_reader", "");
    let editor = Role::new("events_editor", "");
    admin(&format!(
        "GRANT USAGE ON SCHEMA {schema} TO {reader}, {editor};
         GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reader};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {editor};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {editor};",
        reader = reader.0,
        editor = editor.0,
    ));
    // The owner's next command upgrades the schema.
    let out = env.run(&["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("from schema version 2 to 4"),
        "{}",
        out.stderr
    );
    let as_role = |role: &Role| with_userinfo(&url, &role.0);
    let out = run_on(
        &as_role(&editor),
        &[
            "add-event",
            "--title",
            "After",
            "--start",
            "2021-01-02",
            "--organizer",
            "Org",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run_on(&as_role(&reader), &["log", "--format", "json"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(log[0]["command"], "add-event", "{}", out.stdout);
    assert_eq!(log[0]["user"], editor.0.as_str(), "{}", out.stdout);
    let out = run_on(&as_role(&editor), &["undo"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run_on(&as_role(&reader), &["list", "--format", "json"], &[]);
    assert_eq!(ids(&out.stdout).len(), 1, "{}", out.stdout);
}
