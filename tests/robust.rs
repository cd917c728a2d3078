//! Many writers at once: nothing lost, no "database is locked" reaching the user.

use std::process::Output;
use std::thread;

use crate::util::{Env, bare_cmd};

fn events(db: &std::path::Path, args: &[String]) -> Output {
    let mut cmd = bare_cmd();
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run events")
}

fn count(env: &Env) -> usize {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn six_importers_and_two_add_event_loops_on_a_new_file() {
    let env = Env::new();
    let files: Vec<String> = (0..6)
        .map(|f| {
            let lines: Vec<String> = (0..40)
                .map(|i| {
                    format!(
                        r#"{{"key": "f{f}-{i}", "title": "Event {f}-{i}", "start": "2021-01-01", "organizers": ["Org {i}"], "participants": [{{"name": "Person {i}", "organization": "Org {f}"}}]}}"#
                    )
                })
                .collect();
            env.file(&format!("f{f}.ndjson"), lines.join("\n"))
        })
        .collect();
    let db = env.db.clone();
    let mut workers = Vec::new();
    for file in files {
        let db = db.clone();
        workers.push(thread::spawn(move || {
            vec![events(&db, &["import".into(), file])]
        }));
    }
    for loop_ in 0..2 {
        let db = db.clone();
        workers.push(thread::spawn(move || {
            (0..15)
                .map(|i| {
                    events(
                        &db,
                        &[
                            "add-event".into(),
                            "--title".into(),
                            format!("Loop {loop_} {i}"),
                            "--start".into(),
                            "2022-01-01".into(),
                            "--organizer".into(),
                            format!("Org {i}"),
                        ],
                    )
                })
                .collect()
        }));
    }
    for worker in workers {
        for out in worker.join().unwrap() {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!String::from_utf8_lossy(&out.stderr).contains("locked"));
        }
    }
    assert_eq!(count(&env), 6 * 40 + 2 * 15);
    let orgs: serde_json::Value =
        serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
    assert_eq!(
        orgs.as_array().unwrap().len(),
        40,
        "one organization per name, whoever wrote it first"
    );
}

#[test]
fn sixteen_processes_open_a_new_database_at_once() {
    let env = Env::new();
    let db = env.dir.path().join("deep/new/events.db");
    let workers: Vec<_> = (0..16)
        .map(|i| {
            let db = db.clone();
            thread::spawn(move || {
                events(
                    &db,
                    &[
                        "add-event".into(),
                        "--title".into(),
                        format!("E{i}"),
                        "--start".into(),
                        "2021-01-01".into(),
                    ],
                )
            })
        })
        .collect();
    for worker in workers {
        let out = worker.join().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = events(&db, &["list".into(), "--format".into(), "json".into()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 16);
}

#[test]
fn check_and_backup() {
    let env = Env::new();
    let stderr = env.fails(1, &["check"]);
    assert!(
        stderr.starts_with("error: there is no database at"),
        "{stderr}"
    );
    crate::util::record_seed(&env);
    let out = env.ok(&["check"]);
    assert!(out.ends_with("1 events, 5 organizations, 2 people, 2 participations\nintegrity: ok\nforeign keys: ok\nsearch index: ok\n"), "{out}");

    let copy = env.dir.path().join("copy.db");
    let copy_arg = copy.to_str().unwrap();
    env.ok(&["backup", copy_arg]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let original = env.ok(&["export"]);
    let backup = Env {
        dir: tempfile::tempdir().unwrap(),
        db: copy.clone(),
    };
    assert_eq!(backup.ok(&["export"]), original);
    let stderr = env.fails(1, &["backup", copy_arg]);
    assert!(
        stderr.contains("already exists; give the name of a new file"),
        "{stderr}"
    );
}

#[test]
fn a_backup_while_others_write_is_consistent() {
    let env = Env::new();
    env.ok(&["add-event", "--title", "First", "--start", "2021-01-01"]);
    let db = env.db.clone();
    let writer = thread::spawn(move || {
        for i in 0..20 {
            let out = events(
                &db,
                &[
                    "add-event".into(),
                    "--title".into(),
                    format!("W{i}"),
                    "--start".into(),
                    "2021-01-02".into(),
                ],
            );
            assert!(out.status.success());
        }
    });
    let copies: Vec<_> = (0..5)
        .map(|i| {
            let copy = env.dir.path().join(format!("copy{i}.db"));
            env.ok(&["backup", copy.to_str().unwrap()]);
            copy
        })
        .collect();
    writer.join().unwrap();
    for copy in copies {
        let backup = Env {
            dir: tempfile::tempdir().unwrap(),
            db: copy,
        };
        assert!(backup.ok(&["check"]).contains("integrity: ok"));
    }
}

#[test]
fn an_older_database_is_backed_up_then_upgraded() {
    let env = Env::new();
    crate::util::record_seed(&env);
    // Schema version 1: before the search index and the title key.
    env.sql(
        "DROP TABLE event_fts; DROP INDEX event_start_title; ALTER TABLE event DROP COLUMN title_key;
         PRAGMA user_version = 1;",
    );
    let out = env.run(&["list", "--search", "seminar", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\"key\": \"rats-2021-03\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("from schema version 1 to 2; a copy as it was is in"),
        "{}",
        out.stderr
    );
    let backups: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".v1-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let old = rusqlite::Connection::open(&backups[0]).unwrap();
    let version: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    // Once upgraded, no more copies.
    let out = env.run(&["list"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // A keyless re-import matches by the new title key.
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}
