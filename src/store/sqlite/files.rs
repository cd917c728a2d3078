//! The files of a database: its directory and file made private to their owner, a copy
//! (`VACUUM INTO`), and the files SQLite keeps beside it, which no output may overwrite.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::paths::resolve;
use crate::store::error::{Context, Result, StoreError};

/// Writes a consistent copy of the database to a new file, readable by its owner only.
pub(super) fn vacuum_into(conn: &Connection, to: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(to).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists {
            StoreError::Exists {
                file: to.display().to_string(),
            }
        } else {
            StoreError::Context {
                context: format!("cannot create {}", to.display()),
                source: Box::new(e.into()),
            }
        }
    })?;
    let target = to.to_string_lossy().into_owned();
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target]) {
        let _ = fs::remove_file(to);
        return Err(e).with_context(|| format!("cannot write {}", to.display()));
    }
    Ok(())
}

/// Refuses a directory given as the database, before SQLite says it cannot open it.
pub(super) fn refuse_directory(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(StoreError::IsDirectory {
            location: path.display().to_string(),
        });
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
pub(crate) fn refuse_database_file(db: &Path, target: &Path, what: &str) -> Result<()> {
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
                return Err(StoreError::IsDatabaseFile {
                    target: what.to_string(),
                    file: file.display().to_string(),
                    what: name,
                });
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
                return Err(StoreError::IsDatabaseFileOfLink {
                    target: what.to_string(),
                    database: target_real.with_file_name(stem).display().to_string(),
                    what: what_file,
                });
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

pub(super) fn create_parent_dirs(path: &Path) -> Result<()> {
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
pub(super) fn create_private_file(path: &Path) -> Result<()> {
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
