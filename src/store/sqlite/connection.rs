//! Opening a database file: creating it (private to its owner), refusing what is not ours,
//! migrating its schema under the write lock, and the connection's settings and functions.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::files::{create_parent_dirs, create_private_file, refuse_directory, vacuum_into};
use super::{SqliteStore, schema, staging};

use crate::store::error::{Context, Failure, Result, StoreError};

/// Marks a SQLite file as an `events` database (`PRAGMA application_id`): "EVNT".
pub const APPLICATION_ID: i32 = 0x4556_4E54;

/// The schema version this binary writes, `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = schema::MIGRATIONS.len() as i64;

/// How long a writer waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

impl SqliteStore {
    /// Opens (creating it and its directories if needed) the database at `path`, and brings
    /// its schema up to date.
    pub(super) fn open(path: &Path) -> Result<SqliteStore> {
        refuse_directory(path)?;
        create_parent_dirs(path)?;
        // What an import killed outright (`kill -9`) left beside the database.
        staging::remove_stale(path);
        create_private_file(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open database {}", path.display()))?;
        SqliteStore::setup(conn, path)
    }

    /// Opens the database at `path` if it exists; otherwise an empty one in memory, so that a
    /// command that only reads never creates a file.
    pub(super) fn open_for_reading(path: &Path) -> Result<SqliteStore> {
        refuse_directory(path)?;
        // Only a path that surely names nothing (or a link to nothing) reads as empty: a
        // directory that cannot be searched is reported by the open below, not taken for a
        // missing database.
        if matches!(fs::metadata(path), Err(e) if e.kind() == ErrorKind::NotFound) {
            // What an import into this new database killed outright left beside it goes
            // now, not at the next write: it may be large.
            staging::remove_stale(path);
            return SqliteStore::open_in_memory();
        }
        // An empty file (`touch events.db`) is an empty database, and stays an empty file:
        // opening it to write would give it a schema. Not when a write-ahead log beside it
        // may hold what it is yet to receive.
        if is_empty_file(path) && is_empty_file(&wal_of(path)) {
            return SqliteStore::open_in_memory();
        }
        match SqliteStore::open(path) {
            Ok(store) => Ok(store),
            // A database someone may read but not write (an archive, a read-only share):
            // WAL needs files beside it that cannot be made, so read it as it stands.
            Err(e) if is_read_only(&e) => SqliteStore::open_immutable(path).map_err(|read_only| {
                // Its own reason is the better one when it is about the schema's version.
                match read_only.root() {
                    StoreError::NewerSchema { .. } | StoreError::CannotUpgrade { .. } => read_only,
                    _ => e,
                }
            }),
            Err(e) => Err(e),
        }
    }

    /// Opens a database that cannot be written, for reading only, as it stands on disk.
    fn open_immutable(path: &Path) -> Result<SqliteStore> {
        let mut uri = String::from("file:");
        for c in path.to_string_lossy().chars() {
            match c {
                '?' | '#' | '%' => uri.push_str(&format!("%{:02X}", c as u32)),
                c => uri.push(c),
            }
        }
        uri.push_str("?immutable=1");
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        register_functions(&conn)?;
        check_ours(&conn, path)?;
        let version = user_version(&conn)?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::CannotUpgrade {
                location: path.display().to_string(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(SqliteStore {
            conn,
            notice: None,
            staged: None,
        })
    }

    /// An empty database in memory.
    pub(super) fn open_in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        SqliteStore::setup(conn, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        register_functions(&conn)?;
        // The bundled SQLite is built with STAT4, which prepares a statement again whenever a
        // new value is bound to a parameter its plan might depend on: for an import's few
        // statements run a million times, that was half the time. Plans stay as prepared.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // More statements than rusqlite's default of 16 take turns in an import; past the
        // capacity, every lookup would prepare its statement again.
        conn.set_prepared_statement_cache_capacity(64);

        // While processes race to create a new file, SQLite may answer "busy" at once rather
        // than wait (changing the journal mode, or a lock it cannot upgrade without risking a
        // deadlock): those steps are tried again until the busy timeout.
        retry_busy(|| check_ours(&conn, path))?;
        // Foreign keys are enforced once the schema is up to date: a migration that builds a
        // table anew drops the old one, which must neither cascade nor be refused. (The
        // bundled SQLite enforces them by default: they are turned off explicitly.)
        conn.pragma_update(None, "foreign_keys", false)?;
        let notice = retry_busy(|| migrate(&mut conn, path))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL lets readers go on while one process writes; FULL syncs each commit, so a
        // recorded event survives a power loss once the command has returned.
        retry_busy(|| {
            let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            Ok(())
        })?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(SqliteStore {
            conn,
            notice,
            staged: None,
        })
    }
}

/// `events_key(text)`: the key names are compared by (white space normalized, case folded
/// with Unicode's rules, which SQLite's lower() does not know); `events_sort_key(text)`.
fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "events_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::model::name_key(&t)))
        },
    )?;
    // `events_surname(text)`: a person's surname, folded, as names are matched by it.
    conn.create_scalar_function(
        "events_surname",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text
                .and_then(|t| crate::model::abbrev::PersonName::parse(&t))
                .map(|p| p.surname))
        },
    )?;
    // `events_sort_key(text)`: the order people read in (case and accents aside).
    conn.create_scalar_function(
        "events_sort_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::store::fold::sort_key(&t)))
        },
    )?;
    Ok(())
}

/// Runs `step` again while SQLite says the database is busy, for up to [`BUSY_TIMEOUT`].
fn retry_busy<T>(mut step: impl FnMut() -> Result<T>) -> Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        match step() {
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

fn is_busy(err: &StoreError) -> bool {
    err.failure() == Some(Failure::Busy)
}

/// Whether opening failed because the file or its directory cannot be written.
fn is_read_only(err: &StoreError) -> bool {
    matches!(err.failure(), Some(Failure::ReadOnly | Failure::CannotOpen))
}

/// Refuses a file that is not SQLite, or is a SQLite database of some other program.
fn check_ours(conn: &Connection, path: &Path) -> Result<()> {
    // Both from one snapshot: another process may be creating our schema in this very file,
    // and its tables without its mark would look like another program's.
    let read = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id),
                (SELECT count(*) FROM sqlite_schema) + (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get::<_, i32>(0)?, r.get::<_, i64>(1)?)),
    );
    let (app_id, tables) = match read {
        Ok(read) => read,
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(StoreError::NotADatabase {
                location: path.display().to_string(),
                expected: "a SQLite file",
            });
        }
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    if app_id == APPLICATION_ID {
        return Ok(());
    }
    if app_id != 0 || tables != 0 {
        return Err(StoreError::NotOurs {
            location: path.display().to_string(),
            found: "a SQLite database",
        });
    }
    Ok(())
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to date in one write transaction. The version is read again after the
/// write lock is taken, so processes racing to create the same new file migrate it once.
/// Returns what to tell the user when an older database was upgraded.
fn migrate(conn: &mut Connection, path: &Path) -> Result<Option<String>> {
    let found = user_version(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(None);
    }
    let mut notice = None;
    // An older database is copied as it is before it is upgraded, beside itself.
    if found > 0 && found < SCHEMA_VERSION && path.is_file() {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(
            ".v{found}-{}.bak",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        let backup = PathBuf::from(name);
        if !backup.exists() {
            vacuum_into(conn, &backup)
                .with_context(|| format!("backing up {} before upgrading it", path.display()))?;
            notice = Some(format!(
                "Upgraded {} from schema version {found} to {SCHEMA_VERSION}; a copy as it was is in {}",
                path.display(),
                backup.display()
            ));
        }
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = user_version(&tx)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            location: path.display().to_string(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, migration) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        migration(&tx)
            .with_context(|| format!("migrating {} to schema version {}", path.display(), i + 1))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(notice)
}

/// Whether `path` is a regular file of no bytes (or names nothing: nothing holds data there).
fn is_empty_file(path: &Path) -> bool {
    match fs::metadata(path) {
        Ok(meta) => meta.is_file() && meta.len() == 0,
        Err(e) => e.kind() == ErrorKind::NotFound,
    }
}

/// The write-ahead log SQLite keeps beside the database at `path`.
fn wal_of(path: &Path) -> std::path::PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert_eq!(user_version(&store.conn).unwrap(), SCHEMA_VERSION);
        let fk: Vec<String> = store
            .conn
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(fk.is_empty());
    }
}
