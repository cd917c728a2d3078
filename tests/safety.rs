//! Safety of the files around the database (issue 8): no command writes over the database it
//! uses, `export --output` behaves like a shell redirection, a missing database reads as an
//! empty one and is never created by a failing write, a damaged file is reported line by line
//! with advice that works, and messages say what is wrong once and plainly.

use std::path::{Path, PathBuf};

use crate::util::{Env, bare_cmd, example};

/// What one run gave: exit code, stdout, stderr.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bare_cmd()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run events");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A database with the example seminars, in `env`.
fn seeded() -> Option<Env> {
    let env = Env::new()?;
    env.ok(&["-q", "import", &example("seminars.json")]);
    Some(env)
}

/// A database file with the example seminars, for a test of the file itself (SQLite only).
fn seeded_file() -> Option<Env> {
    let env = Env::sqlite_only()?;
    env.ok(&["-q", "import", &example("seminars.json")]);
    Some(env)
}

/// The names of the files in a directory, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---- item 3: never write over the database ----

/// Each spelling of the database's own files, as typed from inside its directory.
fn own_file_spellings(env: &Env) -> Vec<(String, &'static str)> {
    let dir = env.dir.path();
    std::fs::create_dir(dir.join("sub")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&env.db, dir.join("link.db")).unwrap();
        std::os::unix::fs::symlink("events.db-wal", dir.join("to-wal")).unwrap();
        std::os::unix::fs::symlink(dir.join("sub"), dir.join("sublink")).unwrap();
        std::fs::hard_link(&env.db, dir.join("hard.db")).unwrap();
    }
    let mut spellings = vec![
        (env.db.to_str().unwrap().to_string(), "the database itself"),
        ("events.db".to_string(), "the database itself"),
        ("./events.db".to_string(), "the database itself"),
        ("sub/../events.db".to_string(), "the database itself"),
        ("events.db-wal".to_string(), "write-ahead log"),
        ("./events.db-shm".to_string(), "shared memory"),
        ("sub/../events.db-journal".to_string(), "rollback journal"),
    ];
    if cfg!(unix) {
        spellings.extend([
            ("link.db".to_string(), "the database itself"),
            ("hard.db".to_string(), "the database itself"),
            ("to-wal".to_string(), "write-ahead log"),
            ("sublink/../events.db".to_string(), "the database itself"),
        ]);
    }
    spellings
}

#[test]
fn export_output_never_writes_over_the_database() {
    let Some(env) = seeded_file() else { return };
    let before = env.dump();
    let files = files_in(env.dir.path());
    for (spelling, what) in own_file_spellings(&env) {
        for db in ["events.db", env.db.to_str().unwrap()] {
            let (code, stdout, stderr) = run_in(
                env.dir.path(),
                &["--db", db, "export", "--output", &spelling],
            );
            assert_eq!(code, 1, "--output {spelling} with --db {db}: {stderr}");
            assert!(stdout.is_empty());
            assert!(
                stderr.starts_with(&format!("error: --output {spelling:?} is ")),
                "{spelling}: {stderr}"
            );
            assert!(stderr.contains(what), "{spelling}: {stderr}");
            assert!(stderr.contains("choose another file"), "{stderr}");
        }
    }
    assert_eq!(env.dump(), before);
    // Nothing was created either: no -wal, -shm or -journal left behind, no temporary file.
    let mut expected = files;
    expected.extend(
        ["hard.db", "link.db", "sub", "sublink", "to-wal"]
            .into_iter()
            .filter(|_| cfg!(unix))
            .map(String::from),
    );
    expected.sort();
    assert_eq!(files_in(env.dir.path()), expected);
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[test]
fn backup_never_writes_over_the_database() {
    let Some(env) = seeded_file() else { return };
    let before = env.dump();
    for (spelling, what) in own_file_spellings(&env) {
        let (code, _, stderr) = run_in(env.dir.path(), &["--db", "events.db", "backup", &spelling]);
        assert_eq!(code, 1, "backup {spelling}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {spelling:?} is ")),
            "{spelling}: {stderr}"
        );
        assert!(stderr.contains(what), "{spelling}: {stderr}");
    }
    assert_eq!(env.dump(), before);
    assert!(!env.dir.path().join("events.db-journal").exists());
    // Another file is fine.
    env.ok(&["backup", env.dir.path().join("copy.db").to_str().unwrap()]);
}

// ---- item 16: export --output is like a shell redirection ----

#[cfg(unix)]
#[test]
fn export_output_keeps_the_mode_of_an_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let Some(env) = seeded() else { return };
    let out = env.dir.path().join("private.ndjson");
    std::fs::write(&out, "old\n").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.ok(&["export", "--output", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), env.ok(&["export"]));
    // And a more open one stays as open: the mode is the file's, not ours.
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    env.ok(&["export", "--output", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o7777,
        0o640
    );
}

#[cfg(unix)]
#[test]
fn export_output_writes_through_a_symlink() {
    let Some(env) = seeded() else { return };
    let real_dir = env.dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("all.ndjson");
    std::fs::write(&target, "old\n").unwrap();
    let link = env.dir.path().join("all.ndjson");
    std::os::unix::fs::symlink("real/all.ndjson", &link).unwrap();
    env.ok(&["export", "--output", link.to_str().unwrap()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        env.ok(&["export"])
    );
    // A symlink to a file not there yet: the file is created where it points.
    let dangling = env.dir.path().join("new.ndjson");
    std::os::unix::fs::symlink("real/new.ndjson", &dangling).unwrap();
    env.ok(&["export", "--output", dangling.to_str().unwrap()]);
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(real_dir.join("new.ndjson")).unwrap(),
        env.ok(&["export"])
    );
    // No temporary file is left, beside the link or beside the target.
    assert_eq!(files_in(&real_dir), ["all.ndjson", "new.ndjson"]);
}

#[cfg(unix)]
#[test]
fn export_output_to_a_device_writes_to_it() {
    let Some(env) = seeded() else { return };
    let out = env.run(&["-q", "export", "--output", "/dev/stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, env.ok(&["export"]));
    env.ok(&["export", "--output", "/dev/null"]);
}

#[test]
fn export_output_to_a_directory_says_so() {
    let Some(env) = seeded() else { return };
    let stderr = env.fails(1, &["export", "--output", env.dir.path().to_str().unwrap()]);
    assert!(stderr.contains("is a directory"), "{stderr}");
}

// ---- item 12: a database that does not exist ----

/// The read-only commands, each as typed.
const READERS: &[&[&str]] = &[
    &["list"],
    &["list", "--format", "json"],
    &["list", "--format", "csv"],
    &["list", "--org", "UNODC"],
    &["show", "1"],
    &["show", "rats-2021-03", "--format", "json"],
    &["orgs"],
    &["orgs", "--format", "json"],
    &["orgs", "--format", "csv"],
    &["people"],
    &["people", "--format", "json"],
    &["people", "--format", "csv"],
    &["people", "--org", "UNODC"],
    &["person", "V. V. Barchuk"],
    &["stats", "--by", "year"],
    &["stats", "--by", "org", "--format", "json"],
    &["stats", "--by", "kind", "--format", "csv"],
    &["export"],
    &["export", "--format", "json"],
    &["export", "--format", "csv"],
    &["export", "--format", "ics"],
    &["export", "--format", "jsonld"],
    &["import", "--dry-run", "-"],
];

#[test]
fn reading_a_missing_database_is_reading_an_empty_one() {
    // A file not there, in directories not there; on a server, a schema not there.
    let Some(missing) = Env::new() else { return };
    let missing_db: std::ffi::OsString = match &missing.url {
        Some(url) => url.into(),
        None => missing.dir.path().join("not/yet/events.db").into(),
    };
    let created = || match &missing.url {
        Some(_) => missing.dump() != "(no database)",
        None => missing.dir.path().join("not").exists(),
    };
    let Some(empty) = Env::new() else { return };
    empty.ok(&["import", "--format", "ndjson", "-"]);
    assert_ne!(empty.dump(), "(no database)");
    for args in READERS {
        let a = bare_cmd()
            .arg("--db")
            .arg(&missing_db)
            .args(*args)
            .output()
            .unwrap();
        let b = empty.cmd().args(*args).output().unwrap();
        // The paths differ, and so may the time a dry run took (its last words).
        let clean = |stderr: &[u8], db: &std::ffi::OsStr| {
            let text = String::from_utf8_lossy(stderr).replace(db.to_str().unwrap(), "DB");
            match text.rfind(" (") {
                Some(at) if text.ends_with(" s)\n") => text[..at].to_string(),
                _ => text,
            }
        };
        let (a_err, b_err) = (
            clean(&a.stderr, &missing_db),
            clean(&b.stderr, &empty.target()),
        );
        assert!(!a_err.contains("Query returned"), "{args:?}: {a_err}");
        assert_eq!(a.status.code(), b.status.code(), "{args:?}: {a_err}");
        assert_eq!(
            String::from_utf8_lossy(&a.stdout),
            String::from_utf8_lossy(&b.stdout),
            "{args:?}"
        );
        assert_eq!(a_err, b_err, "{args:?}");
    }
    assert!(!created());
    // The views say plainly that there is nothing.
    let run = |args: &[&str]| {
        let out = bare_cmd()
            .arg("--db")
            .arg(&missing_db)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["orgs"]), "No organizations.\n");
    assert_eq!(run(&["people"]), "No people.\n");
    assert_eq!(run(&["orgs", "--format", "json"]), "[]\n");
    assert_eq!(run(&["stats", "--by", "year"]), "No events match.\n");
    assert_eq!(
        run(&["stats", "--by", "year", "--format", "csv"]),
        "year,events\n"
    );
    assert!(!created());
}

#[test]
fn a_failing_write_on_a_missing_database_creates_nothing() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let db = env.dir.path().join("not/yet/events.db");
    let bad = env.file("bad.ndjson", "{\"title\": \"X\"}\n");
    for args in [
        &["org", "alias", "UNODC", "UN Office on Drugs and Crime"][..],
        &["org", "rename", "UNODC", "X"],
        &["org", "merge", "A", "B"],
        &["person", "alias", "A", "B"],
        &["person", "rename", "A", "B"],
        &["person", "merge", "A", "B"],
        &["edit-event", "1", "--title", "X"],
        &["remove-event", "1", "--yes"],
        &["add-participant", "1", "--name", "X"],
        &["edit-participant", "1", "--role", "X"],
        &["remove-participant", "1"],
        &["import", &bad],
        &["add-event", "--title", "X", "--start", "2021-02-30"],
        &["check"],
        &["backup", "copy.db"],
    ] {
        let out = bare_cmd()
            .current_dir(env.dir.path())
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("error: "), "{args:?}: {stderr}");
        assert!(
            !env.dir.path().join("not").exists(),
            "{args:?} created the database"
        );
        assert!(!env.dir.path().join("copy.db").exists());
    }
    // An organization alias names what is missing and where.
    let out = bare_cmd()
        .arg("--db")
        .arg(&db)
        .args(["org", "alias", "UNODC", "X"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no organization is called \"UNODC\"")
            && stderr.contains("there is no database at"),
        "{stderr}"
    );
}

// ---- item 15: check on a damaged file ----

/// Scribbles over the page header of `index`'s root page, as a disk or a copy gone wrong
/// might: SQLite's check then reports many problems at once.
fn damage_index(db: &Path, index: &str) {
    let (page, size): (i64, i64) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        let page = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                [index],
                |r| r.get(0),
            )
            .unwrap();
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        (page, size)
    };
    let mut bytes = std::fs::read(db).unwrap();
    // Byte 3 of a b-tree page header: its number of cells.
    let at = ((page - 1) * size + 3) as usize;
    bytes[at] = 0x00;
    bytes[at + 1] = 0x50;
    std::fs::write(db, bytes).unwrap();
}

/// Damages the table `event` itself: its root page becomes no b-tree page at all.
fn damage_table(db: &Path) {
    let (page, size): (i64, i64) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        let page = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'event'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let size = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        (page, size)
    };
    let mut bytes = std::fs::read(db).unwrap();
    let start = ((page - 1) * size) as usize;
    bytes[start..start + 16].fill(0x6b);
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn check_reports_one_finding_per_line_and_advice_that_works() {
    let Some(env) = seeded_file() else { return };
    let healthy = env.ok(&["check"]);
    let counts = healthy.lines().nth(1).unwrap().to_string();
    damage_index(&env.db, "event_end");
    let out = env.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stdout.contains("\\n"), "{}", out.stdout);
    let findings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("integrity: "))
        .collect();
    assert!(findings.len() > 5, "{}", out.stdout);
    assert!(!out.stdout.contains("*** in database"), "{}", out.stdout);
    // The counts are the tables', not a damaged index's.
    assert!(counts.ends_with(" participations"), "{healthy}");
    assert_eq!(
        out.stdout.lines().nth(1),
        Some(counts.as_str()),
        "{}",
        out.stdout
    );
    // The advice: export, then import into a new database; following it rescues everything.
    assert!(
        !out.stderr.contains("`events backup` can still copy"),
        "backup copies the damage: {}",
        out.stderr
    );
    assert!(out.stderr.contains("export"), "{}", out.stderr);
    let rescue = env.dir.path().join("rescue.ndjson");
    env.ok(&["export", "--output", rescue.to_str().unwrap()]);
    let new_db = env.dir.path().join("new.db");
    let new = |args: &[&str]| {
        let out = bare_cmd()
            .arg("--db")
            .arg(&new_db)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    new(&["import", rescue.to_str().unwrap()]);
    assert!(new(&["check"]).contains("integrity: ok"));
    assert_eq!(
        crate::util::without_ids(&new(&["export"])),
        crate::util::without_ids(&std::fs::read_to_string(&rescue).unwrap())
    );
    assert_eq!(new(&["check"]).lines().nth(1), Some(counts.as_str()));
}

#[test]
fn check_on_an_unreadable_table_does_not_advise_export() {
    let Some(env) = seeded_file() else { return };
    damage_table(&env.db);
    let out = env.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stdout.contains("\\n"), "{}", out.stdout);
    assert!(
        out.stderr.contains("cannot be read") && out.stderr.contains("backup"),
        "{}",
        out.stderr
    );
    // Other commands point to `check`, and say SQLite's complaint once.
    let stderr = env.fails(1, &["list"]);
    assert_eq!(stderr.matches("malformed").count(), 1, "{stderr}");
    assert!(!stderr.contains("Error code"), "{stderr}");
    assert!(stderr.contains("events check"), "{stderr}");
}

// ---- item 18: quiet upgrades, a person called "merge" ----

#[test]
fn quiet_silences_the_upgrade_notice() {
    // A SQLite schema of version 1 and the copy an upgrade makes of the file.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
    env.sql(
        "DROP TABLE event_fts; DROP INDEX event_start_title; ALTER TABLE event DROP COLUMN title_key;
         PRAGMA user_version = 1;",
    );
    let out = env.run(&["-q", "list", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    // The copy was still made.
    assert!(
        files_in(env.dir.path())
            .iter()
            .any(|f| f.starts_with("events.db.v1-"))
    );

    // Without -q, the notice is there, once.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    crate::util::record_seed(&env);
    env.sql(
        "DROP TABLE event_fts; DROP INDEX event_start_title; ALTER TABLE event DROP COLUMN title_key;
         PRAGMA user_version = 1;",
    );
    let out = env.run(&["orgs"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("from schema version 1 to").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_person_called_merge_can_be_shown() {
    let Some(env) = Env::new() else { return };
    let id = crate::util::add(&env, "Briefing", "2021-05-04", "2021-05-04", &[]);
    env.ok(&["add-participant", &id, "--name", "Merge"]);
    env.ok(&["add-participant", &id, "--name", "Alias"]);
    for name in ["merge", "Alias"] {
        let shown = env.ok(&["person", "show", name]);
        assert!(shown.contains("1 participation"), "{shown}");
        let shown = env.ok(&["person", "--", name]);
        assert!(shown.contains("1 participation"), "{shown}");
        let json = env.ok(&["person", "show", name, "--format", "json"]);
        assert!(json.contains("\"history\""), "{json}");
    }
    let help = env.ok(&["person", "--help"]);
    assert!(help.contains("person show"), "{help}");
}

// ---- item 19: messages ----

#[test]
fn day_and_month_zero_are_named() {
    let Some(env) = Env::new() else { return };
    let stderr = env.fails(1, &["add-event", "--title", "X", "--start", "2021-01-00"]);
    assert!(stderr.contains("there is no day 00"), "{stderr}");
    assert!(!stderr.contains("has 31 days"), "{stderr}");
    let stderr = env.fails(1, &["list", "--from", "2021-00"]);
    assert!(stderr.contains("there is no month 00"), "{stderr}");
}

#[test]
fn an_empty_events_db_means_the_default_place() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let home = env.dir.path().join("home");
    let out = bare_cmd()
        .env("EVENTS_DB", "")
        .env("HOME", &home)
        .args(["add-event", "--title", "X", "--start", "2021-01-01"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(home.join(".local/share/events/events.db").exists());
    let out = bare_cmd()
        .env("EVENTS_DB", "")
        .env("HOME", &home)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"X\""));
}

#[test]
fn a_directory_given_as_the_database_is_named_as_one() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    let dir: PathBuf = env.dir.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    for args in [
        &["list"][..],
        &["add-event", "--title", "X", "--start", "2021-01-01"],
        &["check"],
        &["orgs"],
    ] {
        let out = bare_cmd()
            .arg("--db")
            .arg(&dir)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("is a directory"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Error code"), "{args:?}: {stderr}");
    }
    assert!(files_in(&dir).is_empty());
}

#[test]
fn list_limit_zero_does_not_claim_the_database_is_empty() {
    let Some(env) = seeded() else { return };
    assert_eq!(env.ok(&["list", "--limit", "0"]), "No events match.\n");
}

#[test]
fn export_into_a_missing_directory_names_the_directory() {
    let Some(env) = seeded() else { return };
    let target = env.dir.path().join("no-such-dir").join("x.ndjson");
    let err = env.fails(1, &["export", "--output", target.to_str().unwrap()]);
    assert!(
        err.contains("there is no directory") && err.contains("no-such-dir; create it first"),
        "{err}"
    );
    assert!(
        !err.contains(".x.ndjson.tmp"),
        "the temporary file is ours, not the user's: {err}"
    );
}

#[test]
fn a_read_of_a_missing_database_removes_what_a_killed_import_left() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    // A process that has ended: its pid names no one now.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let left = env.dir.path().join(format!(".events.db.import-{pid}"));
    std::fs::write(&left, b"half an import").unwrap();
    assert_eq!(
        env.ok(&["list"]),
        "No events yet. Record one with `events add-event`.\n"
    );
    assert!(!left.exists(), "{} is still there", left.display());
    assert!(!env.db.exists());
}

#[test]
fn export_refuses_the_journal_of_another_name_of_the_database() {
    let Some(env) = seeded_file() else { return };
    let other = env.dir.path().join("hard.db");
    std::fs::hard_link(&env.db, &other).unwrap();
    let wal = format!("{}-wal", env.db.display());
    let out = crate::util::bare_cmd()
        .args(["--db", other.to_str().unwrap(), "export", "--output", &wal])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("write-ahead log") && err.contains("another name of the same file"),
        "{err}"
    );
    assert!(!std::path::Path::new(&wal).exists());
}

#[test]
fn check_on_a_file_cut_short_says_to_restore_a_backup() {
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    // Enough events for the file to span many pages; cut it in the middle.
    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"key\": \"e-{i}\", \"title\": \"Seminar number {i} on a long enough title\", \"start\": \"2021-01-01\"}}\n"
            )
        })
        .collect();
    let file = env.file("many.ndjson", lines);
    env.ok(&["-q", "import", &file]);
    let bytes = std::fs::read(&env.db).unwrap();
    let cut = env.dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let out = crate::util::bare_cmd()
        .args(["--db", cut.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        !stderr.contains("`events check` says"),
        "check must not send the user to check: {stderr}"
    );
    assert!(
        stderr.contains("restore the latest copy made with `events backup`"),
        "{stdout}{stderr}"
    );
}

/// Many processes editing one event at once (a loop in each of several shells) all get their
/// turn: each edit that finds the event changed since it read it reads it again, after a
/// pause, until it writes; none is lost, none fails.
#[test]
fn many_edits_of_one_event_at_once_all_hold() {
    let Some(env) = Env::new() else { return };
    let id = crate::util::add(&env, "Contended", "2021-01-01", "2021-01-01", &[]);
    let children: Vec<_> = (0..16)
        .map(|k| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
                .env_remove("EVENTS_DB")
                .arg("--db")
                .arg(env.target())
                .args(["edit-event", &id, "--add-tag", &format!("tag-{k}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", &id, "--format", "json"])).unwrap();
    assert_eq!(shown["tags"].as_array().unwrap().len(), 16, "{shown}");
}
