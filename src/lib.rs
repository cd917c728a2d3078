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

use std::path::PathBuf;

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
    let context = || -> Result<Context> {
        let db_path = match db {
            Some(path) if !path.as_os_str().is_empty() => path,
            _ => store::default_path()?,
        };
        Ok(Context { db_path, quiet })
    };
    match command {
        Command::AddEvent(args) => commands::add_event::run(&context()?, &args),
        Command::AddParticipant(args) => commands::add_participant::run(&context()?, &args),
        Command::EditEvent(args) => commands::edit::event(&context()?, &args),
        Command::EditParticipant(args) => commands::edit::participant(&context()?, &args),
        Command::RemoveParticipant(args) => commands::edit::remove_participant(&context()?, &args),
        Command::RemoveEvent(args) => commands::edit::remove_event(&context()?, &args),
        Command::List(args) => commands::list::run(&context()?, &args),
        Command::Show(args) => commands::show::run(&context()?, &args),
        Command::Import(args) => commands::import::run(&context()?, &args),
        Command::Export(args) => commands::export::run(&context()?, &args),
        Command::Orgs(args) => commands::orgs::run(&context()?, &args),
        Command::Org(command) => commands::curate::org(&context()?, &command),
        Command::People(args) => commands::people::run(&context()?, &args),
        Command::Person(args) => commands::people::person(&context()?, &args),
        Command::Stats(args) => commands::stats::run(&context()?, &args),
        Command::Check => commands::maintain::check(&context()?),
        Command::Backup(args) => commands::maintain::backup(&context()?, &args),
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args, quiet),
    }
}

/// What to tell a user about a failure of the database file itself, when that is what failed.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    use rusqlite::ErrorCode::*;
    let code = err
        .chain()
        .find_map(|cause| match cause.downcast_ref::<rusqlite::Error>() {
            Some(rusqlite::Error::SqliteFailure(e, _)) => Some(e.code),
            _ => None,
        })?;
    match code {
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
