//! Paths as the file system sees them.

use std::fs;
use std::path::{Path, PathBuf};

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
