//! What an import does to what is there: JSON records merged into the events they match, the
//! changes a dry run lists, alias records anywhere in a file, badly quoted CSV, and the files
//! an interrupted import leaves behind.

use crate::util::Env;

#[test]
fn text_after_a_closing_quote_is_refused_with_its_line() {
    let env = Env::new();
    let file = env.file(
        "bad.csv",
        "title,start\nGood,2021-01-01\n\"Seminar \"Security\" 2021\",2021-02-01\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "bad.csv: line 3: title: broken CSV: text after the closing quote of a quoted cell; \
             a quote inside a quoted cell is written twice, as \"\""
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
    assert!(!env.db.exists(), "nothing was imported");
    // Written as RFC 4180 says, the same title goes in as it is.
    let file = env.file(
        "good.csv",
        "title,start\n\"Seminar \"\"Security\"\" 2021\",2021-02-01\n",
    );
    env.ok(&["import", &file]);
    assert!(
        env.ok(&["list", "--format", "csv"])
            .contains("\"Seminar \"\"Security\"\" 2021\"")
    );
}

#[test]
fn a_semicolon_separated_file_gets_a_hint() {
    let env = Env::new();
    let file = env.file(
        "semi.csv",
        "title;start;end\nSeminar;2021-01-01;2021-01-02\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "semi.csv: line 1: the header \"title;start;end\" has no comma: the file seems \
             separated by semicolons"
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
}

/// The `.events.db.import-PID` files beside the database.
#[cfg(unix)]
fn staging_files(env: &Env) -> Vec<String> {
    std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".import-"))
        .collect()
}

/// Starts an import into a new database, reading stdin, and waits until it is building the
/// database beside its place (its staging file is there); the import then waits for input.
#[cfg(unix)]
fn start_fresh_import(env: &Env) -> std::process::Child {
    use std::io::Write as _;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"))
        .env_remove("EVENTS_DB")
        .arg("--db")
        .arg(&env.db)
        .args(["import", "--format", "ndjson", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"title\": \"A\", \"start\": \"2021-01-01\"}\n")
        .unwrap();
    // Kept open (leaked into the child's lifetime) so that the import goes on waiting.
    std::mem::forget(stdin);
    let mut waited = 0;
    while staging_files(env).is_empty() {
        assert!(waited < 3000, "the import never started building");
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    child
}

#[cfg(unix)]
#[test]
fn an_interrupted_import_into_a_new_database_removes_its_files() {
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let env = Env::new();
        let mut child = start_fresh_import(&env);
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        // Ended by the signal itself, as a shell expects (it says 128 + the signal's number).
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        assert_eq!(stderr, "events: interrupted; nothing was imported\n");
        assert_eq!(staging_files(&env), Vec::<String>::new(), "SIG{signal}");
        assert!(!env.db.exists());
    }
}

#[cfg(unix)]
#[test]
fn what_an_import_killed_outright_left_goes_with_the_next_write() {
    let env = Env::new();
    let mut child = start_fresh_import(&env);
    child.kill().unwrap(); // SIGKILL: nothing can clean up
    child.wait().unwrap();
    assert!(!staging_files(&env).is_empty());
    env.ok(&["add-event", "--title", "Seminar", "--start", "2021-01-01"]);
    assert_eq!(staging_files(&env), Vec::<String>::new());

    // Beside a database that exists, by any command that writes.
    env.ok(&["edit-event", "1", "--title", "Renamed"]);
    assert_eq!(staging_files(&env), Vec::<String>::new());
}
