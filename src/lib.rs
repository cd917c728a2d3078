//! `events`: a command-line manager for records of seminars, conferences and meetings: what
//! the event was, when and where, which organizations organized it or partnered, and who took
//! part, as what. Records live in one local SQLite file.
//!
//! Data flows one way: command-line arguments (`cli`) are validated into domain values
//! (`model`), written to or read from the database (`store`), and rendered (`render`,
//! `formats`). `run` is the whole program; `main` only maps its result to an exit code.

pub mod cli;
pub mod commands;
pub mod dates;
pub mod formats;
pub mod model;
pub mod render;
pub mod store;

use std::path::{Path, PathBuf};

use anyhow::Result;

use cli::{Cli, Command};

/// What every command may need: where the database is and how chatty to be on stderr.
pub struct Context {
    /// The database file, resolved from `--db`, `$EVENTS_DB` or the default location.
    pub db_path: PathBuf,
    /// Print nothing on stderr but errors.
    pub quiet: bool,
}

impl Context {
    /// Prints a message meant for a person on stderr, unless `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{}", render::text::escape(message));
        }
    }
}

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    let Cli { db, quiet, command } = cli;
    // Commands that need no database never look for one.
    match command {
        Command::Completions(args) => return commands::completions::run(&args),
        Command::Man(args) => return commands::man::run(&args, quiet),
        _ => {}
    }
    let db_path = match db {
        Some(path) if !path.as_os_str().is_empty() => path,
        _ => store::default_path()?,
    };
    let ctx = Context { db_path, quiet };
    // A command that fails leaves no trace: no database (each command sees to that) and none
    // of the directories that would have held it.
    let missing_dirs = missing_ancestors(&ctx.db_path);
    let result = dispatch(&ctx, command);
    if result.is_err() && !ctx.db_path.exists() {
        // Deepest first; one that is not empty (someone else's file) stays, with those above.
        for dir in &missing_dirs {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    result
}

fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::AddEvent(args) => commands::add_event::run(ctx, &args),
        Command::AddParticipant(args) => commands::add_participant::run(ctx, &args),
        Command::EditEvent(args) => commands::edit::event(ctx, &args),
        Command::EditParticipant(args) => commands::edit::participant(ctx, &args),
        Command::RemoveParticipant(args) => commands::edit::remove_participant(ctx, &args),
        Command::RemoveEvent(args) => commands::edit::remove_event(ctx, &args),
        Command::List(args) => commands::list::run(ctx, &args),
        Command::Show(args) => commands::show::run(ctx, &args),
        Command::Import(args) => commands::import::run(ctx, &args),
        Command::Export(args) => commands::export::run(ctx, &args),
        Command::Orgs(args) => commands::orgs::run(ctx, &args),
        Command::Org(command) => commands::curate::org(ctx, &command),
        Command::People(args) => commands::people::run(ctx, &args),
        Command::Person(args) => commands::people::person(ctx, &args),
        Command::Stats(args) => commands::stats::run(ctx, &args),
        Command::Check => commands::maintain::check(ctx),
        Command::Backup(args) => commands::maintain::backup(ctx, &args),
        // Handled by `run` before a database is looked for.
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args, ctx.quiet),
    }
}

/// The directories above `path` that do not exist, deepest first.
fn missing_ancestors(path: &Path) -> Vec<PathBuf> {
    path.ancestors()
        .skip(1)
        .filter(|dir| !dir.as_os_str().is_empty())
        .take_while(|dir| matches!(std::fs::symlink_metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound))
        .map(Path::to_path_buf)
        .collect()
}

/// The message for an error: each cause once, joined by `: `, then what to do when the database
/// file itself failed. SQLite's own text is given once: rusqlite shows it, then its source
/// again as "Error code 5: database is locked".
pub fn message(err: &anyhow::Error) -> String {
    let mut message = causes(err);
    if let Some(hint) = hint(err) {
        message.push_str("; ");
        message.push_str(hint);
    }
    message
}

/// Each cause of an error once, joined by `: ` (see [`message`]), without advice.
pub fn causes(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut after_sqlite = false;
    for cause in err.chain() {
        let text = match cause.downcast_ref::<rusqlite::Error>() {
            // Without a message of its own, rusqlite shows the code's: say it in words.
            Some(rusqlite::Error::SqliteFailure(e, None)) => {
                rusqlite::ffi::code_to_str(e.extended_code).to_string()
            }
            _ if after_sqlite && cause.is::<rusqlite::ffi::Error>() => continue,
            _ => cause.to_string(),
        };
        after_sqlite = cause.is::<rusqlite::Error>();
        // A context that already ends with what its cause says (`cannot open x: ...`).
        if parts.last().is_some_and(|last| last.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

/// The SQLite error code behind an error, if SQLite is what failed.
fn sqlite_code(err: &anyhow::Error) -> Option<rusqlite::ErrorCode> {
    err.chain()
        .find_map(|cause| match cause.downcast_ref::<rusqlite::Error>() {
            Some(rusqlite::Error::SqliteFailure(e, _)) => Some(e.code),
            _ => None,
        })
}

/// Whether an error says that the database file is damaged.
pub fn is_damaged(err: &anyhow::Error) -> bool {
    sqlite_code(err) == Some(rusqlite::ErrorCode::DatabaseCorrupt)
}

/// What to tell a user about a failure of the database file itself, when that is what failed.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    use rusqlite::ErrorCode::*;
    match sqlite_code(err)? {
        DiskFull => Some("the disk is full; nothing was written"),
        SystemIoFailure => {
            Some("the disk may be full, or a file size limit reached; nothing was written")
        }
        ReadOnly => Some("the database file or its directory is read-only; nothing was written"),
        CannotOpen => {
            Some("check that the file and its directory exist and that you may read and write them")
        }
        DatabaseBusy | DatabaseLocked => {
            Some("another process kept the database busy for too long; try again")
        }
        DatabaseCorrupt => Some(
            "the database file is damaged; `events check` says what is wrong and how to rescue what can be read",
        ),
        _ => None,
    }
}

/// Whether an error comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            e.kind() == BrokenPipe
        } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            e.io_error_kind() == Some(BrokenPipe)
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe)
        } else {
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(code: i32, text: Option<&str>) -> anyhow::Error {
        anyhow::Error::new(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            text.map(String::from),
        ))
    }

    #[test]
    fn sqlite_text_is_said_once() {
        let err = sqlite_error(5, Some("database is locked")).context("adding the event");
        assert_eq!(
            message(&err),
            "adding the event: database is locked; another process kept the database busy for too long; try again"
        );
        let err = sqlite_error(5, None);
        assert_eq!(
            message(&err),
            "database is locked; another process kept the database busy for too long; try again"
        );
        let err = sqlite_error(11, Some("database disk image is malformed"));
        assert!(
            message(&err).starts_with(
                "database disk image is malformed; the database file is damaged; `events check`"
            ),
            "{}",
            message(&err)
        );
        // Other errors are as anyhow shows them with `{:#}`.
        let err = anyhow::anyhow!("no such thing").context("reading x");
        assert_eq!(message(&err), "reading x: no such thing");
    }
}
