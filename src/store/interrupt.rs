//! An import interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP: the files it was building are
//! removed (a new SQLite database's staging file and journals; none on a server, whose
//! transaction the server rolls back when the connection goes), it says so on stderr, and the
//! signal is raised again with its default action, so that the process ends as killed by it
//! (a shell says 130 or 143) and a script running `events` stops too.
//!
//! The handler only unlinks files and writes one line, both async-signal-safe; the paths are
//! prepared beforehand, since a handler may not allocate.

use std::path::PathBuf;

/// From now until [`disarm`], a signal that ends the process removes `files` and says that
/// nothing was imported.
pub(crate) fn arm(files: &[PathBuf]) {
    unix::arm(files);
}

/// The import is committing, or over: a signal ends the process as it would without `events`
/// (nothing to remove, nothing sure to say).
pub(crate) fn disarm() {
    unix::disarm();
}

/// Keeps the signals that end an import away from this thread: they go to the thread that
/// writes (and draws the progress bar), so that no bar is drawn after the note while the
/// handler runs.
pub(crate) fn not_in_this_thread() {
    unix::not_in_this_thread();
}

#[cfg(unix)]
mod unix {
    use std::ffi::CString;
    use std::io::IsTerminal;
    use std::os::unix::ffi::OsStrExt;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

    /// The files to remove, NUL-terminated.
    type Files = Vec<CString>;

    static FILES: AtomicPtr<Files> = AtomicPtr::new(std::ptr::null_mut());

    /// Whether stderr is a terminal, asked beforehand: the note then clears the line first,
    /// where the progress bar of the import may be drawn.
    static STDERR_IS_TERMINAL: AtomicBool = AtomicBool::new(false);

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    pub(super) fn arm(paths: &[PathBuf]) {
        // A path with a NUL byte cannot have been created either.
        let files: Files = paths
            .iter()
            .filter_map(|path| CString::new(path.as_os_str().as_bytes().to_vec()).ok())
            .collect();
        // Leaked on purpose: the handler may read it at any moment until the process ends.
        let files: &'static mut Files = Box::leak(Box::new(files));
        FILES.store(files, Ordering::SeqCst);
        STDERR_IS_TERMINAL.store(std::io::stderr().is_terminal(), Ordering::SeqCst);
        for signal in SIGNALS {
            // SAFETY: installs a handler that only calls async-signal-safe functions; a signal
            // that was ignored when `events` started (`nohup`, a background job) stays ignored.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handle as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(signal, &action, &mut old);
                if old.sa_sigaction == libc::SIG_IGN {
                    libc::sigaction(signal, &old, std::ptr::null_mut());
                }
            }
        }
    }

    pub(super) fn not_in_this_thread() {
        // SAFETY: a signal set built by sigemptyset/sigaddset, given to pthread_sigmask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in SIGNALS {
                libc::sigaddset(&mut set, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        }
    }

    pub(super) fn disarm() {
        FILES.store(std::ptr::null_mut(), Ordering::SeqCst);
    }

    extern "C" fn handle(signal: libc::c_int) {
        let files = FILES.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: `files` is null or the leaked list, never freed; unlink, write, signal and
        // raise are async-signal-safe.
        unsafe {
            if let Some(files) = files.as_ref() {
                for file in files {
                    libc::unlink(file.as_ptr());
                }
                // On a terminal, back to the start of the line and clear it: the line may
                // hold the progress bar (the cursor is at its end).
                if STDERR_IS_TERMINAL.load(Ordering::SeqCst) {
                    let clear = b"\r\x1b[2K";
                    libc::write(2, clear.as_ptr().cast(), clear.len());
                }
                let note = b"events: interrupted; nothing was imported\n";
                libc::write(2, note.as_ptr().cast(), note.len());
            }
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}

#[cfg(not(unix))]
mod unix {
    pub(super) fn arm(_: &[std::path::PathBuf]) {}
    pub(super) fn disarm() {}
    pub(super) fn not_in_this_thread() {}
}
