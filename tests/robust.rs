//! Many writers at once: nothing lost, no "database is locked" reaching the user.

use std::process::Output;
use std::thread;

use crate::util::{Env, bare_cmd};

/// Runs the binary on `db`: a file's path, or a URL.
fn events(db: &std::ffi::OsStr, args: &[String]) -> Output {
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
    let Some(env) = Env::new() else { return };
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
    let db = env.target();
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
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[test]
fn sixteen_processes_open_a_new_database_at_once() {
    let Some(env) = Env::new() else { return };
    // A file in directories not there yet; on a server, a schema not there yet.
    let db: std::ffi::OsString = match &env.url {
        Some(url) => url.into(),
        None => env.dir.path().join("deep/new/events.db").into(),
    };
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
    let out = events(&db, &["check".into()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("integrity: ok"));
}

#[test]
fn check() {
    let Some(env) = Env::new() else { return };
    let stderr = env.fails(1, &["check"]);
    assert!(
        stderr.starts_with("error: there is no database at"),
        "{stderr}"
    );
    crate::util::record_seed(&env);
    let out = env.ok(&["check"]);
    assert!(out.ends_with("1 events, 5 organizations, 2 people, 2 participations\nintegrity: ok\nforeign keys: ok\nsearch index: ok\nsummaries: ok\n"), "{out}");
}

#[test]
fn backup() {
    // A copy of the file; on a server: server::backup_says_to_use_pg_dump.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
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
    let backup = Env::of_file(copy.clone());
    assert_eq!(backup.ok(&["export"]), original);
    let stderr = env.fails(1, &["backup", copy_arg]);
    assert!(
        stderr.contains("already exists; give the name of a new file"),
        "{stderr}"
    );
}

#[test]
fn a_backup_while_others_write_is_consistent() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    env.ok(&["add-event", "--title", "First", "--start", "2021-01-01"]);
    let db = env.target();
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
        let backup = Env::of_file(copy);
        assert!(backup.ok(&["check"]).contains("integrity: ok"));
    }
}

#[test]
fn an_older_database_is_backed_up_then_upgraded() {
    // A SQLite schema of version 1, and the copy of the file made before the upgrade.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
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
            .contains("from schema version 1 to 6; a copy as it was is in"),
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backups[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
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

/// NDJSON of `n` events with long descriptions, keys `{prefix}-{i}`.
fn big_file(env: &Env, name: &str, prefix: &str, n: usize) -> String {
    let text = "word ".repeat(200);
    let lines: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"key": "{prefix}-{i}", "title": "Event {i}", "start": "2021-01-01", "description": "{text}", "organizers": ["Org {}"], "participants": [{{"name": "Person {}", "organization": "Org {}"}}]}}"#,
                i % 50,
                i % 300,
                i % 40
            )
        })
        .collect();
    env.file(name, lines.join("\n"))
}

#[cfg(unix)]
#[test]
fn a_write_past_a_file_size_limit_fails_cleanly() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
    let before = env.dump();
    let size = std::fs::metadata(&env.db).unwrap().len();
    let file = big_file(&env, "big.ndjson", "big", 3000);
    // ulimit -f counts blocks of 512 bytes: room for the database to grow by a little only.
    let limit = size / 512 + 100;
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {limit}; exec \"$0\" --db \"$1\" import \"$2\"",
        ))
        .arg(assert_cmd::cargo::cargo_bin!("events"))
        .arg(&env.db)
        .arg(&file)
        .env_remove("EVENTS_DB")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a file size limit reached; nothing was written"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[cfg(unix)]
#[test]
fn kill_9_during_an_import_leaves_all_or_nothing() {
    // The file and its journal; on a server: server::a_killed_import_leaves_nothing.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
    let file = big_file(&env, "big.ndjson", "k", 6000);
    for delay_ms in [5, 30, 80, 150, 300, 600] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
            .arg("--db")
            .arg(&env.db)
            .args(["-q", "import", &file])
            .env_remove("EVENTS_DB")
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(
            env.ok(&["check"]).contains("integrity: ok"),
            "after {delay_ms} ms"
        );
        let v: serde_json::Value =
            serde_json::from_str(&env.ok(&["list", "--format", "json"])).unwrap();
        let n = v.as_array().unwrap().len();
        assert!(n == 1 || n == 6001, "after {delay_ms} ms: {n} events");
    }
}

/// As another user (root reads and writes anything): a database that user may read but not
/// write is read as it stands; a write is refused with a clear error and changes nothing.
#[cfg(unix)]
#[test]
fn a_read_only_database() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if !is_root || !setpriv.exists() {
        eprintln!("skipped: needs root and setpriv to act as another user");
        return;
    }
    // The file's modes; on a server: server::a_role_that_may_only_read.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
    let before = env.dump();
    let binary = env.dir.path().join("events");
    std::fs::copy(assert_cmd::cargo::cargo_bin!("events"), &binary).unwrap();
    let mode = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode(env.dir.path(), 0o755);
    mode(&binary, 0o755);
    mode(&env.db, 0o644);
    let as_nobody = |args: &[&str]| {
        std::process::Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary)
            .arg("--db")
            .arg(&env.db)
            .args(args)
            .env_remove("EVENTS_DB")
            .output()
            .unwrap()
    };
    let out = as_nobody(&["list", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("rats-2021-03"));
    // Looking after it needs no write either.
    let out = as_nobody(&["check"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("integrity: ok"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy =
        std::path::Path::new("/tmp").join(format!("events-ro-backup-{}.db", std::process::id()));
    let out = as_nobody(&["backup", copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&copy);
    let out = as_nobody(&["add-event", "--title", "B", "--start", "2021-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Read-only, or (with journal files left by the owner) not even openable for writing.
    assert!(
        stderr.contains("the database file or its directory is read-only; nothing was written")
            || stderr.contains("that you may read and write them"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn readers_see_all_of_an_import_or_none_of_it() {
    let Some(env) = Env::new() else { return };
    crate::util::record_seed(&env);
    let file = big_file(&env, "big.ndjson", "r", 4000);
    let db = env.target();
    let importer = thread::spawn(move || events(&db, &["-q".into(), "import".into(), file]));
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let out = events(
            &env.target(),
            &["list".into(), "--format".into(), "csv".into()],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        seen.insert(String::from_utf8_lossy(&out.stdout).lines().count() - 1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = importer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        seen.iter().all(|&n| n == 1 || n == 4001),
        "counts seen: {seen:?}"
    );
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[test]
fn tables_stay_aligned_with_wide_text() {
    let Some(env) = Env::new() else { return };
    env.ok(&[
        "add-event",
        "--title",
        "研讨会：执法合作 👩‍⚖️ café",
        "--start",
        "2021-03-16",
        "--kind",
        "セミナー",
    ]);
    env.ok(&[
        "add-event",
        "--title",
        "Cafe\u{301} e\u{301}change, 国际",
        "--start",
        "2021-03-17",
        "--organizer",
        "联合国毒品和犯罪问题办公室",
    ]);
    let table = env.ok(&["list"]);
    let widths: std::collections::BTreeSet<usize> = table
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert_eq!(
        widths.len(),
        1,
        "every line as wide as the others:\n{table}"
    );
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[cfg(unix)]
#[test]
fn what_a_killed_fresh_import_left_is_cleaned_up() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let stale = env.dir.path().join(".events.db.import-999999");
    std::fs::write(&stale, b"half a database").unwrap();
    std::fs::write(env.dir.path().join(".events.db.import-999999-wal"), b"").unwrap();
    env.ok(&["import", &crate::util::example("seminars.json")]);
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".import-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A mistyped PostgreSQL URL is refused, not taken for a file's path (which would be made as
/// directories named after its password), and its password is never shown.
#[test]
fn a_mistyped_url_is_refused_and_its_password_hidden() {
    let Some(env) = Env::new() else { return };
    for db in [
        "postgres:/ann:Sekr1t@127.0.0.1:1/db",
        "postgress://ann:Sekr1t@127.0.0.1:1/db",
        "host=127.0.0.1 dbname=db password=Sekr1t",
        " postgres://ann:Sekr1t@127.0.0.1:1/db?PASSWORD=Sekr1t",
    ] {
        for args in [
            &["add-event", "--title", "X", "--start", "2021-01-01"][..],
            &["list"],
        ] {
            let out = crate::util::bare_cmd()
                .current_dir(env.dir.path())
                .arg("--db")
                .arg(db)
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{db}: {stderr}");
            assert!(!stderr.contains("Sekr1t"), "{db}: {stderr}");
            assert!(stderr.starts_with("error: "), "{db}: {stderr}");
        }
    }
    let left: Vec<_> = std::fs::read_dir(env.dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
