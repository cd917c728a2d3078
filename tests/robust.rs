//! Many writers at once: nothing lost, no "database is locked" reaching the user.

use std::process::Output;
use std::thread;

use crate::util::{Env, bare_cmd};

fn events(db: &std::path::Path, args: &[String]) -> Output {
    let mut cmd = bare_cmd();
    cmd.arg("--db").arg(db).args(args).output().expect("run events")
}

fn count(env: &Env) -> usize {
    let v: serde_json::Value = serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
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
        workers.push(thread::spawn(move || vec![events(&db, &["import".into(), file])]));
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
    let orgs: serde_json::Value = serde_json::from_str(&env.ok(&["orgs", "--format", "json"])).unwrap();
    assert_eq!(orgs.as_array().unwrap().len(), 40, "one organization per name, whoever wrote it first");
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
                    &["add-event".into(), "--title".into(), format!("E{i}"), "--start".into(), "2021-01-01".into()],
                )
            })
        })
        .collect();
    for worker in workers {
        let out = worker.join().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = events(&db, &["list".into(), "--format".into(), "json".into()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 16);
}
