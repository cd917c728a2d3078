//! Helpers: a temporary directory with a database, and the binary run against it.

use std::path::PathBuf;

use assert_cmd::Command;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

/// A temporary directory holding one database, removed at the end of the test.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = dir.path().join("events.db");
        Env { dir, db }
    }

    /// The binary with `--db` set, a fixed table width, no colour and no inherited settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = bare_cmd();
        cmd.arg("--db").arg(&self.db);
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

    /// Runs a SQL statement directly on the database (to set up unusual states).
    pub fn sql(&self, sql: &str) {
        Connection::open(&self.db)
            .expect("open database")
            .execute_batch(sql)
            .expect("sql runs");
    }
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
        .arg(&env.db)
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
            .arg(&env.db)
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
