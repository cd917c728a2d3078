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
pub mod paths;
pub mod render;
pub mod store;

use std::path::{Path, PathBuf};

use anyhow::Result;

use cli::{Cli, Command};
use model::{EntityKind, OrgRole};
use store::{Failure, Location, StoreError};

/// What every command may need: where the database is and how chatty to be on stderr.
pub struct Context {
    /// The database, resolved from `--db`, `$EVENTS_DB` or the default location.
    pub location: Location,
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
    let location = match db {
        Some(db) if store::is_postgres_url(db.to_string_lossy().trim()) => {
            // A URL is text; one that is not UTF-8 cannot be read as the user meant it.
            let Some(url) = db.to_str() else {
                anyhow::bail!(
                    "the PostgreSQL URL given with --db or $EVENTS_DB is not valid UTF-8"
                );
            };
            Location::Postgres(store::PgUrl::parse(url.trim())?)
        }
        // Taken for a path, a mistyped URL would be created as directories named after its
        // password.
        Some(db) if store::looks_like_a_connection(&db.to_string_lossy()) => anyhow::bail!(
            "{} is neither a PostgreSQL URL nor a database file's path: give a URL as postgres://USER@HOST/DATABASE (or postgresql://...), with --db or $EVENTS_DB",
            store::redact_loosely(&db.to_string_lossy())
        ),
        Some(path) if !path.as_os_str().is_empty() => Location::File(path),
        _ => Location::File(default_path()?),
    };
    // A command that fails leaves no trace: no database (each command sees to that) and none
    // of the directories that would have held it.
    let missing_dirs = match &location {
        Location::File(path) => missing_ancestors(path),
        Location::Postgres(_) => Vec::new(),
    };
    let ctx = Context { location, quiet };
    let result = dispatch(&ctx, command);
    if result.is_err() && !missing_dirs.is_empty() && !ctx.location.exists() {
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
        Command::Report(args) => commands::report::run(ctx, &args),
        Command::Orgs(args) => commands::orgs::run(ctx, &args),
        Command::Org(command) => commands::curate::org(ctx, &command),
        Command::People(args) => commands::people::run(ctx, &args),
        Command::Person(args) => commands::people::person(ctx, &args),
        Command::Stats(args) => commands::stats::run(ctx, &args),
        Command::Check => commands::maintain::check(ctx),
        Command::Doctor(args) => commands::doctor::run(ctx, &args),
        Command::Log(args) => commands::history::log(ctx, &args),
        Command::Undo(args) => commands::history::undo(ctx, &args),
        Command::Edit(args) => commands::editor::run(ctx, &args),
        Command::Backup(args) => commands::maintain::backup(ctx, &args),
        // Handled by `run` before a database is looked for.
        Command::Completions(args) => commands::completions::run(&args),
        Command::Man(args) => commands::man::run(&args, ctx.quiet),
    }
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
        None => anyhow::bail!(
            "cannot find a place for the database: $HOME is not set; give one with --db PATH or $EVENTS_DB"
        ),
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

/// The message for an error: each cause once, joined by `: `, a store's error in the words
/// of the command line, then what to do when the database itself failed.
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
    for cause in err.chain() {
        let text = match cause.downcast_ref::<StoreError>() {
            Some(e) => describe(e),
            None => cause.to_string(),
        };
        // A context that already ends with what its cause says (`cannot open x: ...`).
        if parts.last().is_some_and(|last| last.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

/// How the database failed, if a store's error says so.
fn store_failure(err: &anyhow::Error) -> Option<Failure> {
    err.chain().find_map(|cause| {
        cause
            .downcast_ref::<StoreError>()
            .and_then(StoreError::failure)
    })
}

/// Whether an error says that the database file is damaged.
pub fn is_damaged(err: &anyhow::Error) -> bool {
    store_failure(err) == Some(Failure::Damaged)
}

/// A store's error as the command line says it: with the command or flag to use next. Every
/// variant is worded here; the store's own text (its `Display`) carries no advice.
fn describe(e: &StoreError) -> String {
    use StoreError::*;
    // The command that curates a kind, and the one that lists it.
    let commands = |kind: &EntityKind| match kind {
        EntityKind::Organization => ("org", "orgs"),
        EntityKind::Person => ("person", "people"),
    };
    match e {
        NotFound { kind, name } => format!(
            "no {kind} is called {name:?}; `events {}` lists them",
            commands(kind).1
        ),
        NameTaken { kind, name, owner } => format!(
            "{name:?} is already a name of another {kind}, {owner:?}; to make them one, use `events {} merge`",
            commands(kind).0
        ),
        Ambiguous {
            kind,
            typed,
            basis,
            names,
        } => {
            let said = store::ambiguity(*kind, typed, *basis, names);
            match basis {
                store::Basis::Initialism => {
                    // The alias as abbreviations are written plain: "u.n.d.p." is UNDP.
                    let alias =
                        model::abbrev::abbreviation_key(typed).unwrap_or_else(|| typed.to_string());
                    format!(
                        "{said}; name one of them, or make {alias:?} an alias of one (`events org alias NAME {}`)",
                        render::text::shell_word(&alias)
                    )
                }
                store::Basis::Abbreviation => format!(
                    "{said}; name one of them, or, if they are one organization, make them one with `events org merge`"
                ),
                store::Basis::Spelling => format!(
                    "{said}; name one of them, or, if they are one person, make them one with `events person merge`"
                ),
                store::Basis::Surname => {
                    format!("{said}; name one of them (with initials or given names)")
                }
            }
        }
        NotAName { kind, alias, of } => format!(
            "{alias:?} is not a name of {of:?}; `events {}` lists the names of each",
            commands(kind).1
        ),
        NameOfAnother {
            kind,
            alias,
            of,
            owner,
        } => format!("{alias:?} is not a name of {of:?} but of another {kind}, {owner:?}"),
        OwnName { kind, alias } => format!(
            "{alias:?} is the name of this {kind}, not an alias; to change it, use `events {} rename`",
            commands(kind).0
        ),
        AlreadyOne {
            kind,
            keep,
            other,
            name,
        } => format!("{keep:?} and {other:?} are already the same {kind}, {name:?}"),
        DuplicateKey { key, id } => {
            format!("an event with key {key:?} already exists (id {id}); choose another --key")
        }
        NoSession { event, name } => format!(
            "event {event} has no session {name:?}; `events show {event}` lists its sessions"
        ),
        BothRoles { role, name, stored } => {
            let already = match role {
                OrgRole::Organizer => "a partner",
                OrgRole::Partner => "an organizer",
            };
            let as_stored = if model::name_key(stored) == model::name_key(name) {
                String::new()
            } else {
                format!(", as {stored:?}")
            };
            format!(
                "{} {name:?} is already {already} of the event{as_stored}; an organization is the organizer or a partner of an event, not both",
                role.as_str()
            )
        }
        ChangedMeanwhile => {
            "the record was changed by another process meanwhile; try again".to_string()
        }
        SameAsAnother { other } => format!("participation {other} already records that"),
        HeadTaken {
            event,
            organization,
            head,
            participation,
        } => format!(
            "the delegation of {organization:?} at event {event} is already headed by {head:?} (participation {participation}); `events edit-participant {participation} --no-head` first"
        ),
        Gone { event } => format!("event {event} has gone"),
        NoOperation { id } => {
            format!(
                "no operation {id} in the log (it never was, or was pruned); `events log` lists them"
            )
        }
        NothingToUndo => {
            "nothing to undo: the log holds no operation that has not been undone".to_string()
        }
        AlreadyUndone { op, by } => format!(
            "operation {op} was undone already, by operation {by}; to redo it, `events undo {by}`"
        ),
        UndoBlocked { op, reason, later } => {
            let ids: Vec<String> = later.iter().map(i64::to_string).collect();
            match later.as_slice() {
                [] => format!("operation {op} cannot be undone: {reason}; nothing was changed"),
                [one] => format!(
                    "operation {op} cannot be undone: {reason} by operation {one}; nothing was changed (`events log show {one}` shows it; undo it first)"
                ),
                _ => format!(
                    "operation {op} cannot be undone: {reason} by operations {}; nothing was changed (`events log show ID` shows each; undo them first, newest first)",
                    ids.join(", ")
                ),
            }
        }
        ChangedSince { .. } => {
            format!("{e}; nothing was written (read it again, and redo the change)")
        }
        BadSearch { reason } => format!("the --search text cannot be searched for: {reason}"),
        IsDirectory { location } => format!(
            "{location} is a directory, not a database file; give a file's path with --db or $EVENTS_DB (such as {})",
            Path::new(location).join("events.db").display()
        ),
        NotADatabase { location, expected } => format!(
            "{location} is not an events database (it is not {expected}); check the path given with --db or $EVENTS_DB"
        ),
        NotOurs { location, found } => format!(
            "{location} is {found} of another program, not an events database; it was left untouched"
        ),
        ForeignObjects {
            location,
            schema,
            objects,
        } => format!(
            "schema {schema:?} of {location} holds {} that events did not make (another program's); events keeps its tables there, so it left the database untouched; give events a schema of its own with options=-csearch_path%3DNAME in the URL",
            objects.join(", ")
        ),
        NewerSchema {
            location,
            found,
            supported,
        } => format!(
            "{location} has schema version {found}, newer than this events understands ({supported}); upgrade events to use it"
        ),
        CannotUpgrade {
            location,
            found,
            supported,
        } => format!(
            "{location} has schema version {found} and cannot be upgraded to {supported}: it is read-only"
        ),
        IsDatabaseFile { target, file, what } => {
            format!("{target} is {what} ({file}); choose another file")
        }
        IsDatabaseFileOfLink {
            target,
            database,
            what,
        } => format!(
            "{target} is {what} of {database} (another name of the same file); choose another file"
        ),
        Exists { file } => format!("{file} already exists; give the name of a new file"),
        NoBackupHere {
            location,
            schema,
            database,
        } => format!(
            "{location} is a PostgreSQL database: back it up with the server's tools, such as `pg_dump --schema={} --format=custom --file=events.dump {}`, or keep a copy of the records with `events export --output FILE`",
            render::text::shell_word(schema),
            render::text::shell_word(database)
        ),
        // The database's words; what to do comes after the causes (`hint`).
        Database { message, .. } => message.clone(),
        Io(e) => e.to_string(),
        // What the store was doing; the cause follows in the chain.
        Context { context, .. } => context.clone(),
    }
}

/// What to tell a user about a failure of the database itself, when that is what failed.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let failure = store_failure(err)?;
    match failure {
        Failure::DiskFull => Some("the disk is full; nothing was written"),
        Failure::Io => {
            Some("the disk may be full, or a file size limit reached; nothing was written")
        }
        Failure::ReadOnly => {
            Some("the database file or its directory is read-only; nothing was written")
        }
        Failure::CannotOpen => {
            Some("check that the file and its directory exist and that you may read and write them")
        }
        Failure::Busy => Some("another process kept the database busy for too long; try again"),
        Failure::Damaged => Some(
            "the database file is damaged; `events check` says what is wrong and how to rescue what can be read",
        ),
        Failure::NoPermission => {
            Some("you lack the permission for this in the database; nothing was written")
        }
        Failure::Conflict => Some(
            "another writer changed the same records at the same time; nothing was written; try again",
        ),
        Failure::Connect => Some(
            "check the URL given with --db or $EVENTS_DB (host, port, database) and that the server is running",
        ),
        Failure::ServerReadOnly => Some(
            "the server takes no writes (a standby, or read-only by its settings); nothing was written",
        ),
        Failure::Auth => Some(
            "check the user and the password (in the URL, or $PGPASSWORD) given with --db or $EVENTS_DB",
        ),
        Failure::Other => None,
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
