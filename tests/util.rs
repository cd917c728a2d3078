//! Helpers: a temporary directory with a database, and the binary run against it.

use std::path::PathBuf;

use assert_cmd::Command;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

/// A temporary directory and one database: a file in the directory (SQLite), or, in the
/// PostgreSQL run of the suite, a schema of its own on the test server (dropped at the end).
pub struct Env {
    pub dir: TempDir,
    /// The database file (SQLite); in the PostgreSQL run, a path where nothing is.
    pub db: PathBuf,
    /// The PostgreSQL URL naming this test's schema, in the PostgreSQL run.
    pub url: Option<String>,
    schema: Option<String>,
    /// Snapshots are named by test, not by test binary: both runs share them.
    _snapshots: insta::internals::SettingsBindDropGuard,
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The variable naming the PostgreSQL test server's database (`postgres://...`): the suite's
/// PostgreSQL run uses it, and fails without it under CI.
pub const POSTGRES_URL: &str = "EVENTS_TEST_POSTGRES";

/// The test server's URL, in the PostgreSQL run of the suite; `None` there when no server
/// is given (outside CI: the run's tests pass without doing anything, saying so once).
fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{POSTGRES_URL} is not set: under CI, the PostgreSQL tests need a server")
        }
        _ => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                eprintln!(
                    "{POSTGRES_URL} is not set: the PostgreSQL run of the suite tests nothing"
                )
            });
            None
        }
    }
}

impl Env {
    /// A new database for a test that runs on both backends: `None` in the PostgreSQL run
    /// without a server (the test then does nothing).
    pub fn new() -> Option<Env> {
        if !crate::POSTGRES {
            return Some(Env::at(None));
        }
        let base = postgres_url()?;
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let schema = format!("t{}_{n}", std::process::id());
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
        let mut env = Env::at(Some(url));
        env.schema = Some(schema);
        Some(env)
    }

    /// A new database file, for a test of what only a file has (its journal, its modes, a
    /// kill mid-write): `None` in the PostgreSQL run.
    pub fn sqlite_only() -> Option<Env> {
        if crate::POSTGRES {
            return None;
        }
        Some(Env::at(None))
    }

    /// The database file at `db` (a copy another test made), in a directory of its own.
    pub fn of_file(db: PathBuf) -> Env {
        let mut env = Env::at(None);
        env.db = db;
        env
    }

    fn at(url: Option<String>) -> Env {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = dir.path().join("events.db");
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        Env {
            dir,
            db,
            url,
            schema: None,
            _snapshots: settings.bind_to_scope(),
        }
    }

    /// What `--db` is given: the file's path, or the schema's URL.
    pub fn target(&self) -> std::ffi::OsString {
        match &self.url {
            Some(url) => url.into(),
            None => self.db.clone().into_os_string(),
        }
    }

    /// The binary with `--db` set, a fixed table width, no colour and no inherited settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = bare_cmd();
        cmd.arg("--db").arg(self.target());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, b"")
    }

    /// Runs with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(input)
            .output()
            .expect("run events");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "events {args:?} failed: {}", out.stderr);
        out.stdout
    }

    /// Runs and expects failure with `code`; returns stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, code, "events {args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "nothing on stdout: {out:?}");
        out.stderr
    }

    /// Writes a file in the temporary directory; returns its path as a string.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write file");
        path.to_str().expect("UTF-8 path").to_string()
    }

    /// Every row of every table, so a test can tell that nothing changed.
    pub fn dump(&self) -> String {
        match &self.schema {
            Some(schema) => postgres_dump(schema),
            None => self.sqlite_dump(),
        }
    }

    fn sqlite_dump(&self) -> String {
        if !self.db.exists() {
            return String::from("(no database)");
        }
        let conn = Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open database");
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut dump = String::new();
        for table in tables {
            dump.push_str(&format!("## {table}\n"));
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let cells: Vec<String> = (0..columns)
                    .map(|i| match row.get_ref(i).unwrap() {
                        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                        other => format!("{other:?}"),
                    })
                    .collect();
                dump.push_str(&format!("{table}: "));
                dump.push_str(&cells.join(" | "));
                dump.push('\n');
            }
        }
        dump
    }

    /// Runs SQL directly on the database (to set up unusual states): on the file, or in the
    /// test's schema on the server.
    pub fn sql(&self, sql: &str) {
        match &self.schema {
            Some(schema) => {
                let mut client = postgres_client();
                client
                    .execute("SELECT set_config('search_path', $1, false)", &[schema])
                    .expect("set the search path");
                client.batch_execute(sql).expect("sql runs");
            }
            None => Connection::open(&self.db)
                .expect("open database")
                .execute_batch(sql)
                .expect("sql runs"),
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema {
            // The server is a throwaway one; a schema left behind harms nothing.
            if let Ok(mut client) = postgres::Client::connect(
                &std::env::var(POSTGRES_URL).unwrap_or_default(),
                postgres::NoTls,
            ) {
                let _ =
                    client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        }
    }
}

/// A client of the test server's database.
pub fn postgres_client() -> postgres::Client {
    let url = std::env::var(POSTGRES_URL).expect("the test server's URL");
    postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test server")
}

/// Every row of every table of `schema`, each table's rows in order.
fn postgres_dump(schema: &str) -> String {
    let mut client = postgres_client();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
            &[&schema],
        )
        .expect("list tables")
        .iter()
        .map(|row| row.get(0))
        .collect();
    if tables.is_empty() {
        return String::from("(no database)");
    }
    let mut dump = String::new();
    for table in tables {
        dump.push_str(&format!("## {table}\n"));
        let rows = client
            .query(
                &format!("SELECT t::text FROM \"{schema}\".\"{table}\" t ORDER BY 1"),
                &[],
            )
            .expect("read table");
        for row in rows {
            let text: String = row.get(0);
            dump.push_str(&format!("{table}: {text}\n"));
        }
    }
    dump
}

/// The binary with a clean environment: no database setting, fixed width, no colour.
pub fn bare_cmd() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("events"));
    cmd.env_remove("EVENTS_DB")
        .env_remove("XDG_DATA_HOME")
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1");
    cmd
}

/// Records the seed seminar (16-18 March 2021) with two participants; returns its id.
pub fn record_seed(env: &Env) -> String {
    let id = env
        .ok(&[
            "add-event",
            "--title",
            "Virtual regional seminar on judicial and law enforcement cooperation and information exchange",
            "--kind",
            "Seminar",
            "--start",
            "2021-03-16",
            "--end",
            "2021-03-18",
            "--mode",
            "virtual",
            "--region",
            "Central Asia",
            "--organizer",
            "UN Counter-Terrorism Centre",
            "--organizer",
            "UN Office of Counter-Terrorism",
            "--organizer",
            "UN Office on Drugs and Crime",
            "--partner",
            "UN Regional Centre for Preventive Diplomacy for Central Asia",
            "--project",
            "Exploring the Relationship between Terrorism, Weapons and Crime",
            "--description",
            "A three-day virtual regional seminar.",
            "--source",
            "Executive Committee RATS SCO",
            "--tag",
            "counter-terrorism",
            "--tag",
            "SALW",
            "--key",
            "rats-2021-03",
        ])
        .trim()
        .to_string();
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "V. V. Barchuk",
        "--org",
        "RATS SCO Executive Committee",
        "--position",
        "Deputy Director",
        "--role",
        "head of delegation",
        "--session",
        "The role of international and regional organizations",
        "--contribution",
        "report",
    ]);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "V. I. Voronkov",
        "--org",
        "UN Office of Counter-Terrorism",
        "--position",
        "Under-Secretary-General",
        "--role",
        "opening address",
    ]);
    id
}

/// Records a one-line event; returns its id.
pub fn add(env: &Env, title: &str, start: &str, end: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "add-event",
        "--title",
        title,
        "--start",
        start,
        "--end",
        end,
    ];
    args.extend_from_slice(extra);
    env.ok(&args).trim().to_string()
}

/// The ids in a `list --format json` output, in order.
pub fn ids(json: &str) -> Vec<i64> {
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e["id"].as_i64().expect("an id"))
        .collect()
}

/// The path of a file in `examples/`.
pub fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Export output with the ids taken out, to compare two databases.
pub fn without_ids(ndjson: &str) -> Vec<serde_json::Value> {
    ndjson
        .lines()
        .map(|line| {
            let mut v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            v.as_object_mut().expect("an object").remove("id");
            v
        })
        .collect()
}

/// A pseudo-terminal `columns` wide: its master end (what a program writes there is read from
/// it) and its other end, to give the program. The terminal's own line-ending translation is
/// off, so that what is read is byte for byte what the program wrote.
fn open_terminal(columns: u16) -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;

    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors through valid pointers; name and termios unused.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: `slave` is a terminal descriptor we own; termios is plain data.
    unsafe {
        let mut attributes: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(slave, &mut attributes), 0);
        attributes.c_oflag &= !libc::OPOST;
        assert_eq!(libc::tcsetattr(slave, libc::TCSANOW, &attributes), 0);
    }
    // SAFETY: each descriptor is owned by exactly one File from here on.
    let master = unsafe { std::fs::File::from_raw_fd(master) };
    let slave = unsafe { std::fs::File::from_raw_fd(slave) };
    (master, slave)
}

/// Runs the binary with its stdout on a pseudo-terminal `columns` wide (a real terminal as far
/// as the program can tell), stdin empty; returns what the terminal received, with the
/// terminal's own line-ending translation turned off so that it is byte for byte what the
/// program wrote, and stderr.
pub fn run_on_terminal(env: &Env, args: &[&str], columns: u16) -> (String, String) {
    use std::io::Read;
    use std::process::Stdio;

    let (mut master, slave) = open_terminal(columns);

    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"));
    cmd.env_remove("EVENTS_DB")
        .env_remove("XDG_DATA_HOME")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .arg("--db")
        .arg(env.target())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run events");
    // The parent's copy of the terminal's other end must be closed, or reading never ends.
    drop(cmd);
    let mut stdout = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        match master.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => stdout.extend_from_slice(&chunk[..n]),
            // Linux says EIO once the program has closed its end.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("reading the terminal: {e}"),
        }
    }
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("stderr");
    }
    let status = child.wait().expect("wait for events");
    assert!(status.success(), "events {args:?} failed: {stderr}");
    (
        String::from_utf8(stdout).expect("terminal output is UTF-8"),
        stderr,
    )
}

/// A run of the binary with stdout and stderr both on one pseudo-terminal `columns` wide (as
/// in an interactive shell), for a test that talks to it while it runs.
pub struct OnTerminal {
    pub child: std::process::Child,
    /// The terminal's other end: what the program writes is read from it.
    pub master: std::fs::File,
}

impl OnTerminal {
    pub fn spawn(env: &Env, args: &[&str], columns: u16) -> OnTerminal {
        use std::process::Stdio;

        let (master, slave) = open_terminal(columns);
        let err = slave
            .try_clone()
            .expect("a second descriptor of the terminal");
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("events"));
        cmd.env_remove("EVENTS_DB")
            .env_remove("XDG_DATA_HOME")
            .env_remove("COLUMNS")
            .env_remove("CI")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(env.target())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(slave))
            .stderr(Stdio::from(err));
        let child = cmd.spawn().expect("run events");
        // The parent's copies of the terminal's other end must be closed, or reading never
        // ends.
        drop(cmd);
        OnTerminal { child, master }
    }

    /// Reads what the program writes until `until` holds of all of it so far, or the program
    /// has closed the terminal; returns all of it so far.
    pub fn read_until(&mut self, seen: &mut Vec<u8>, until: impl Fn(&[u8]) -> bool) {
        use std::io::Read;
        let mut chunk = [0u8; 65536];
        while !until(seen) {
            match self.master.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
                // Linux says EIO once the program has closed its end.
                Err(e) if e.raw_os_error() == Some(libc::EIO) => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => panic!("reading the terminal: {e}"),
            }
        }
    }
}

impl Env {
    /// A new database file whichever run of the suite this is: the SQLite side of a test that
    /// compares the two backends (`conformance.rs`, in the PostgreSQL run only).
    #[allow(dead_code)] // the SQLite run compares nothing
    pub fn sqlite_beside() -> Env {
        Env::at(None)
    }
}

/// Whether nothing was written: no database file (SQLite); on a server, no row in any table
/// but the schema's mark. (A first write that fails may leave the empty tables the store made
/// before its transaction began; the transaction itself left nothing.)
pub fn holds_nothing(env: &Env) -> bool {
    if env.url.is_none() {
        return !env.db.exists();
    }
    env.dump().lines().all(|line| {
        line == "(no database)" || line.starts_with("## ") || line.starts_with("events_schema: ")
    })
}

impl Env {
    /// The schema this test's URL names, in the PostgreSQL run.
    #[allow(dead_code)] // used by server.rs, a module of the PostgreSQL run only
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }
}

/// Every row of every table as the SQLite dump shows them (`table: Integer(1) | "text" |
/// Null`), on either backend, for tests that read rows rather than compare dumps: on
/// PostgreSQL, rows in the order of their columns' values (ids first), integers and booleans
/// as `Integer(n)`, the rest as quoted text, and the search documents (tsvector, which SQLite
/// keeps in tables of its own) left out.
pub fn typed_dump(env: &Env) -> String {
    let Some(schema) = &env.schema else {
        return env.dump();
    };
    let mut client = postgres_client();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
            &[schema],
        )
        .expect("list tables")
        .iter()
        .map(|row| row.get(0))
        .collect();
    if tables.is_empty() {
        return String::from("(no database)");
    }
    let mut dump = String::new();
    for table in tables {
        dump.push_str(&format!("## {table}\n"));
        let columns: Vec<(String, String)> = client
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                  WHERE table_schema = $1 AND table_name = $2 AND data_type <> 'tsvector'
                  ORDER BY ordinal_position",
                &[schema, &table],
            )
            .expect("list columns")
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        // Qualified: a bare name in ORDER BY would be the output column, the text.
        let quoted: Vec<String> = columns.iter().map(|(c, _)| format!("t.\"{c}\"")).collect();
        let as_text: Vec<String> = quoted.iter().map(|c| format!("{c}::text")).collect();
        let rows = client
            .query(
                &format!(
                    "SELECT {} FROM \"{schema}\".\"{table}\" t ORDER BY {}",
                    as_text.join(", "),
                    quoted.join(", ")
                ),
                &[],
            )
            .expect("read table");
        for row in rows {
            let cells: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| match row.get::<_, Option<String>>(i) {
                    None => "Null".to_string(),
                    Some(v) if kind == "boolean" => {
                        format!("Integer({})", if v == "true" { 1 } else { 0 })
                    }
                    Some(v) if matches!(kind.as_str(), "bigint" | "integer" | "smallint") => {
                        format!("Integer({v})")
                    }
                    Some(v) => format!("{v:?}"),
                })
                .collect();
            dump.push_str(&format!("{table}: {}\n", cells.join(" | ")));
        }
    }
    dump
}

/// `show`'s table without its last lines, from the one that says when the event was last
/// changed and by whom (a time and a user that differ from run to run and between backends;
/// wrapped on a narrow terminal).
pub fn without_last_change(table: &str) -> String {
    let lines: Vec<&str> = table.lines().collect();
    let Some(at) = lines.iter().rposition(|l| l.starts_with("Last changed ")) else {
        return table.to_string();
    };
    let mut out = lines[..at].join("\n");
    if at > 0 {
        out.push('\n');
    }
    out
}

/// Whether an outside program that an independent check needs is here: `command` runs and
/// succeeds. Under CI it must be (`.ci/run` installs it): a missing one fails the test with
/// `ci_message`, never skips it; elsewhere the test is skipped, saying `skipped` (how to
/// install it).
pub fn outside_tool(command: &[&str], ci_message: &str, skipped: &str) -> bool {
    let here = std::process::Command::new(command[0])
        .args(&command[1..])
        .output()
        .is_ok_and(|o| o.status.success());
    if !here {
        assert!(std::env::var_os("CI").is_none(), "{ci_message}");
        eprintln!("skipped: {skipped}");
    }
    here
}
