//! The file an import into a database that does not exist yet is built in, beside where the
//! database belongs (`.NAME.import-PID`), so that a failed import leaves no database behind;
//! and the clean-up of such files: at the end of the import, on SIGINT, SIGTERM and SIGHUP,
//! and, for a process killed outright (`kill -9`), by the next `events` that opens the
//! database.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::store::error::{Context as _, Result};

/// Whether this process is building a database at a staging path now: files named with its own
/// id are then its own, at work, not what an earlier process of the same id left.
static BUILDING: AtomicBool = AtomicBool::new(false);

/// A database being built at a temporary path beside where it belongs; removed unless put in
/// place, also when the process is interrupted by a signal.
pub struct NewDatabase {
    pub path: PathBuf,
    placed: bool,
}

/// The prefix of the staging files of the database at `target`: `.NAME.import-`.
fn prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "events.db".to_string());
    format!(".{name}.import-")
}

impl NewDatabase {
    /// A staging path for the database at `target`, after removing what dead imports left.
    pub fn beside(target: &Path) -> NewDatabase {
        remove_stale(target);
        let path = target.with_file_name(format!("{}{}", prefix(target), std::process::id()));
        crate::store::interrupt::arm(&staged_files(&path));
        BUILDING.store(true, Ordering::SeqCst);
        NewDatabase {
            path,
            placed: false,
        }
    }

    /// Moves the finished database to `target`, unless another process has created one there
    /// meanwhile (a hard link never replaces a file): then says `false`, and keeps it.
    pub fn put_in_place(&mut self, target: &Path) -> Result<bool> {
        match std::fs::hard_link(&self.path, target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            // A file system without hard links: rename, having checked that nothing is there.
            Err(_) if !target.exists() => std::fs::rename(&self.path, target)
                .with_context(|| format!("cannot create {}", target.display()))?,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot create {}", target.display()));
            }
        }
        self.placed = true;
        let _ = std::fs::remove_file(&self.path);
        Ok(true)
    }
}

impl Drop for NewDatabase {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = self.path.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
        crate::store::interrupt::disarm();
        BUILDING.store(false, Ordering::SeqCst);
    }
}

/// The staging database at `path` and the journals SQLite keeps beside it.
fn staged_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        files.push(PathBuf::from(side));
    }
    files
}

/// Removes what imports killed before they finished left beside `target`: files named
/// `.NAME.import-PID` (and their journals) whose process is gone, or is this one (a reused id)
/// when it is building none. A file whose process still runs is another import at work, and
/// stays; so is this process's own while it builds (opening the database it merges into, when
/// another process created it meanwhile).
pub(super) fn remove_stale(target: &Path) {
    let prefix = prefix(target);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let gone = match pid {
            Some(pid) if pid == std::process::id() => !BUILDING.load(Ordering::SeqCst),
            Some(pid) => !process_alive(pid),
            None => false,
        };
        if gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id is running (on Unix; elsewhere, assume it is).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let status = unsafe { libc::kill(pid, 0) };
        status == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}
