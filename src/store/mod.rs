//! The only place with SQL: opening the database file, migrating its schema, and every query
//! and transaction. Every value reaches SQLite as a bound parameter.

mod curate;
mod entity;
mod events;
mod fold;
mod import;
mod near;
pub(crate) mod schema;
mod staging;
mod views;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use curate::{
    AliasOutcome, ChangedMeanwhile, ListsChanged, Merged, SameAsAnother, SessionEdit,
    SessionsEdited,
};
pub use entity::{Entity, ORGANIZATION, PERSON};
pub use events::ParticipantAdded;
pub use import::{AliasProblem, Import, ImportStats, Outcome, RoleConflict, Twins, Update};
pub use near::NearName;
pub use staging::NewDatabase;

/// Marks a SQLite file as an `events` database (`PRAGMA application_id`): "EVNT".
pub const APPLICATION_ID: i32 = 0x4556_4E54;

/// The schema version this binary writes, `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = schema::MIGRATIONS.len() as i64;

/// How long a writer waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open `events` database.
pub struct Store {
    conn: Connection,
    /// What opening did that a person should hear of (an upgrade of the schema), for the
    /// command to print, or not under `--quiet`.
    notice: Option<String>,
}

impl Store {
    /// Opens (creating it and its directories if needed) the database at `path`, and brings
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
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
        Store::setup(conn, path)
    }

    /// Opens the database at `path` if it exists; otherwise an empty one in memory, so that a
    /// command that only reads never creates a file.
    pub fn open_for_reading(path: &Path) -> Result<Store> {
        refuse_directory(path)?;
        // Only a path that surely names nothing (or a link to nothing) reads as empty: a
        // directory that cannot be searched is reported by the open below, not taken for a
        // missing database.
        if matches!(fs::metadata(path), Err(e) if e.kind() == ErrorKind::NotFound) {
            // What an import into this new database killed outright left beside it goes
            // now, not at the next write: it may be large.
            staging::remove_stale(path);
            return Store::open_in_memory();
        }
        match Store::open(path) {
            Ok(store) => Ok(store),
            // A database someone may read but not write (an archive, a read-only share):
            // WAL needs files beside it that cannot be made, so read it as it stands.
            Err(e) if is_read_only(&e) => Store::open_immutable(path).map_err(|read_only| {
                // Its own reason is the better one when it is about the schema's version.
                if format!("{read_only}").contains("schema version") {
                    read_only
                } else {
                    e
                }
            }),
            Err(e) => Err(e),
        }
    }

    /// Opens a database that cannot be written, for reading only, as it stands on disk.
    fn open_immutable(path: &Path) -> Result<Store> {
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
            bail!(
                "{} has schema version {version} and cannot be upgraded to {SCHEMA_VERSION}: it is read-only",
                path.display()
            );
        }
        Ok(Store { conn, notice: None })
    }

    /// An empty database in memory.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Store::setup(conn, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Store> {
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
        Ok(Store { conn, notice })
    }

    /// What opening did that a person should hear of, once: the upgrade of an older schema,
    /// and where the copy of the database as it was is.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// What SQLite's own checks find wrong: integrity, foreign keys, the search index. Empty
    /// when all is well.
    /// Each check runs even when another fails: on a damaged file, every finding counts.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let integrity = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })();
        // One row of the report may hold several findings, one per line, under a heading
        // naming the schema (`*** in database main ***`): one finding per line here.
        match integrity {
            Ok(rows) => problems.extend(
                rows.iter()
                    .flat_map(|r| r.lines())
                    .filter(|l| *l != "ok" && !l.starts_with("*** in database"))
                    .map(|l| format!("integrity: {l}")),
            ),
            Err(e) => problems.push(format!("integrity: {e}")),
        }
        let foreign = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
            let rows = stmt.query_map([], |r| {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                Ok(format!(
                    "foreign key: row {} of {table} refers to a missing row of {parent}",
                    rowid.map_or("?".to_string(), |id| id.to_string())
                ))
            })?;
            rows.collect()
        })();
        match foreign {
            Ok(rows) => problems.extend(rows),
            Err(e) => problems.push(format!("foreign keys: {e}")),
        }
        // FTS5 checks itself through an INSERT, which a read-only connection may not run;
        // there, the index is not checked (it cannot have been changed either).
        match self.conn.execute(
            "INSERT INTO event_fts (event_fts) VALUES ('integrity-check')",
            [],
        ) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ReadOnly => {}
            Err(e) => problems.push(format!("search index: {e}")),
        }
        Ok(problems)
    }

    /// How many events, organizations, people and participations there are. Counted in the
    /// tables themselves: SQLite would count the entries of the smallest index, which on a
    /// damaged file may be anything.
    pub fn counts(&self) -> Result<[i64; 4]> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM event NOT INDEXED),
                    (SELECT count(*) FROM organization NOT INDEXED),
                    (SELECT count(*) FROM person NOT INDEXED),
                    (SELECT count(*) FROM participation NOT INDEXED)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )?)
    }

    /// Writes a consistent copy of the database to `to` (`VACUUM INTO`: one read snapshot,
    /// so writers may go on meanwhile), readable by its owner only.
    pub fn backup(&self, to: &Path) -> Result<()> {
        vacuum_into(&self.conn, to)
    }

    /// Reads through a memory map from now on: for views that read every page (orgs, people,
    /// stats), it spares a system call per page; for a few pages it costs more than it saves.
    pub fn read_everything(&self) -> Result<()> {
        // A database in memory (the stand-in for one that does not exist) answers no row.
        self.conn
            .pragma_update_and_check(None, "mmap_size", 1_073_741_824_i64, |_| Ok(()))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(()),
                e => Err(e),
            })?;
        Ok(())
    }

    fn write(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// Writes a consistent copy of the database to a new file, readable by its owner only.
fn vacuum_into(conn: &Connection, to: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(to).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; give the name of a new file",
                to.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot create {}", to.display()))
        }
    })?;
    let target = to.to_string_lossy().into_owned();
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target]) {
        let _ = fs::remove_file(to);
        return Err(e).with_context(|| format!("cannot write {}", to.display()));
    }
    Ok(())
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
    // `events_sort_key(text)`: the order people read in (case and accents aside).
    conn.create_scalar_function(
        "events_sort_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| fold::sort_key(&t)))
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

fn is_busy(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    })
}

/// Whether opening failed because the file or its directory cannot be written.
fn is_read_only(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
        )
    })
}

/// Where the database lives when `--db` and `$EVENTS_DB` are not given:
/// `$XDG_DATA_HOME/events/events.db`, else `~/.local/share/events/events.db`.
pub fn default_path() -> Result<PathBuf> {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute()) // the XDG spec says to ignore a relative path
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        });
    match data_home {
        Some(dir) => Ok(dir.join("events").join("events.db")),
        None => bail!(
            "cannot find a place for the database: $HOME is not set; give one with --db PATH or $EVENTS_DB"
        ),
    }
}

/// Refuses a directory given as the database, before SQLite says it cannot open it.
fn refuse_directory(path: &Path) -> Result<()> {
    if path.is_dir() {
        bail!(
            "{} is a directory, not a database file; give a file's path with --db or $EVENTS_DB (such as {})",
            path.display(),
            path.join("events.db").display()
        );
    }
    Ok(())
}

/// The files SQLite keeps for the database at `db`: the file itself, then those it makes
/// beside it, each with what it is, for messages.
const DATABASE_FILES: [(&str, &str); 4] = [
    ("", "the database itself"),
    ("-wal", "the database's write-ahead log"),
    ("-shm", "the database's shared memory index"),
    ("-journal", "the database's rollback journal"),
];

/// Refuses `target` as a file to write when it is the database at `db` or one of the files
/// SQLite keeps beside it, however it is spelled: relative, through `..`, a symbolic link or
/// a hard link. `what` names the target in the message (`--output "x.db"`).
pub fn refuse_database_file(db: &Path, target: &Path, what: &str) -> Result<()> {
    // SQLite finds the journals beside the file a link points to, not beside the link.
    let mut bases = vec![db.to_path_buf(), resolve(db)];
    bases.dedup();
    let target_meta = fs::metadata(target).ok();
    let target_real = resolve(target);
    for base in &bases {
        for (suffix, name) in DATABASE_FILES {
            let mut file = base.as_os_str().to_owned();
            file.push(suffix);
            let file = PathBuf::from(file);
            // An existing file is the same file when it is the same inode: that sees hard
            // links too. One that does not exist yet (a journal) is compared by its place.
            let same = match (&target_meta, fs::metadata(&file)) {
                (Some(t), Ok(f)) => same_inode(t, &f),
                _ => target_real == resolve(&file),
            };
            if same {
                bail!("{what} is {name} ({}); choose another file", file.display());
            }
        }
    }
    // The journal of another name of the same file (a hard link): a process that opens the
    // database by that name keeps its journals there.
    if let Some(db_meta) = fs::metadata(db).ok()
        && let Some(name) = target_real.file_name().and_then(|n| n.to_str())
    {
        for (suffix, what_file) in &DATABASE_FILES[1..] {
            if let Some(stem) = name.strip_suffix(suffix)
                && let Ok(stem_meta) = fs::metadata(target_real.with_file_name(stem))
                && same_inode(&db_meta, &stem_meta)
            {
                bail!(
                    "{what} is {what_file} of {} (another name of the same file); choose another file",
                    target_real.with_file_name(stem).display()
                );
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Where writing to `path` would write: symbolic links followed, even to a file that does not
/// exist yet, and the directory made absolute and canonical. Falls back to the path as given
/// (made absolute) where a directory cannot be resolved.
pub fn resolve(path: &Path) -> PathBuf {
    let mut path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // As the kernel does, give up after 40 links (a loop).
    for _ in 0..40 {
        match fs::read_link(&path) {
            Ok(target) => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                path = dir.join(target);
            }
            Err(_) => break,
        }
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => match fs::canonicalize(dir) {
            Ok(dir) => dir.join(name),
            Err(_) => path,
        },
        // `/`, or a path ending in `..`: canonical as a whole if it exists.
        _ => fs::canonicalize(&path).unwrap_or(path),
    }
}

fn create_parent_dirs(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(parent)
        .with_context(|| format!("cannot create directory {}", parent.display()))
}

/// Creates a new database file readable and writable by its owner only; SQLite gives its
/// journal files the same permissions.
fn create_private_file(path: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create database {}", path.display())),
    }
}

/// Refuses a file that is not SQLite, or is a SQLite database of some other program.
fn check_ours(conn: &Connection, path: &Path) -> Result<()> {
    let not_sqlite = || {
        format!(
            "{} is not an events database (it is not a SQLite file); check the path given with --db or $EVENTS_DB",
            path.display()
        )
    };
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
            bail!(not_sqlite())
        }
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    if app_id == APPLICATION_ID {
        return Ok(());
    }
    if app_id != 0 || tables != 0 {
        bail!(
            "{} is a SQLite database of another program, not an events database; it was left untouched",
            path.display()
        );
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
        bail!(
            "{} has schema version {version}, newer than this events understands ({SCHEMA_VERSION}); upgrade events to use it",
            path.display()
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database() {
        let store = Store::open_in_memory().unwrap();
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
