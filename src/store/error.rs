//! What can go wrong in a store, as values the commands can tell apart: a name that is not
//! there or is someone else's, a database that is not ours or is newer than this program, a
//! database that is busy, full, read-only or damaged. The wording a user reads (the flags and
//! commands to try, what to do next) is the command line's (`crate::message`), which words
//! every variant; what a variant displays here is a plain description, without advice, for a
//! log or a test.

use std::fmt;

use super::resolve::Basis;
use crate::model::{EntityKind, OrgRole};

/// The result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A failure of the store.
#[derive(Debug)]
pub enum StoreError {
    /// No organization or person is known by this name (or alias).
    NotFound { kind: EntityKind, name: String },
    /// `name` is already a name of another organization or person, `owner`.
    NameTaken {
        kind: EntityKind,
        name: String,
        owner: String,
    },
    /// `typed` is no one's name or alias, and several organizations or people fit it
    /// (`basis` says how): their own names, each once, sorted.
    Ambiguous {
        kind: EntityKind,
        typed: String,
        basis: Basis,
        names: Vec<String>,
    },
    /// `alias` is no name of the organization or person `of`.
    NotAName {
        kind: EntityKind,
        alias: String,
        of: String,
    },
    /// `alias` is no name of `of` but of another, `owner`.
    NameOfAnother {
        kind: EntityKind,
        alias: String,
        of: String,
        owner: String,
    },
    /// `alias` is the own name of the organization or person, not an alias.
    OwnName { kind: EntityKind, alias: String },
    /// Two names given for a merge are already one organization or person, `name`.
    AlreadyOne {
        kind: EntityKind,
        keep: String,
        other: String,
        name: String,
    },
    /// Another event, `id`, has this key.
    DuplicateKey { key: String, id: i64 },
    /// The event has no session by this name.
    NoSession { event: i64, name: String },
    /// An organization listed in one role of an event already has the other (as `stored`).
    BothRoles {
        role: OrgRole,
        name: String,
        stored: String,
    },
    /// An edit found the record changed by another process between the caller's read and
    /// its write: nothing was written. The caller reads the record again and redoes the
    /// edit, so two edits of different fields at once both hold.
    ChangedMeanwhile,
    /// An edit would make a participation record the same as another of its event, `other`:
    /// nothing was written.
    SameAsAnother { other: i64 },
    /// The delegation of `organization` at `event` has a head already, `head`, in
    /// participation `participation`: a second is refused, nothing written.
    HeadTaken {
        event: i64,
        organization: String,
        head: String,
        participation: i64,
    },
    /// The event (read a moment ago, in the same transaction) is not there.
    Gone { event: i64 },
    /// No operation of the log has this id (it never was, or was pruned).
    NoOperation { id: i64 },
    /// The log holds no operation that has not been undone.
    NothingToUndo,
    /// Operation `op` was undone already, by operation `by`.
    AlreadyUndone { op: i64, by: i64 },
    /// Operation `op` cannot be undone: `reason`, by the `later` operations: nothing
    /// written.
    UndoBlocked {
        op: i64,
        reason: String,
        later: Vec<i64>,
    },
    /// A write guarded by a moment (`--if-unchanged-since`) or by what an editor opened
    /// found the record (`what`: "event 12") changed since by `changes` (oldest first; empty
    /// when the change is older than the log, `at` being when it was made): nothing written.
    ChangedSince {
        what: String,
        changes: Vec<crate::model::LastChange>,
        at: Option<String>,
    },
    /// The database cannot run this search; the backend's reason.
    BadSearch { reason: String },
    /// The place given for the database is a directory.
    IsDirectory { location: String },
    /// The place given holds something that is no database this backend reads: it is not
    /// `expected` ("a SQLite file").
    NotADatabase {
        location: String,
        expected: &'static str,
    },
    /// The database is another program's (`found` says what it is: "a SQLite database").
    NotOurs {
        location: String,
        found: &'static str,
    },
    /// Where the store would keep its tables (`schema`) there are objects of another
    /// program's with the names of its own (`objects`): nothing was touched.
    ForeignObjects {
        location: String,
        schema: String,
        objects: Vec<String>,
    },
    /// The database's schema is newer than this program's.
    NewerSchema {
        location: String,
        found: i64,
        supported: i64,
    },
    /// The database's schema is not this program's, and the database cannot be written to
    /// upgrade it.
    CannotUpgrade {
        location: String,
        found: i64,
        supported: i64,
    },
    /// A file to be written (`target`, as the user named it) is the database's own `file`,
    /// `what` saying which ("the database's write-ahead log").
    IsDatabaseFile {
        target: String,
        file: String,
        what: &'static str,
    },
    /// A file to be written (`target`, as the user named it) is a file SQLite keeps beside
    /// `database`, another name (a hard link) of the database's file, `what` saying which: a
    /// process that opens the database by that name keeps its journals there.
    IsDatabaseFileOfLink {
        target: String,
        database: String,
        what: &'static str,
    },
    /// The database is on a server: a copy is made with the server's own tools.
    NoBackupHere {
        location: String,
        /// The schema and the database, for the `pg_dump` that copies them.
        schema: String,
        database: String,
    },
    /// A file to be created is there already.
    Exists { file: String },
    /// The database itself failed: `failure` says how, `message` in the database's words.
    Database {
        failure: Failure,
        message: String,
        /// The database's own error, when what caused it is worth showing (its own text is
        /// `message`): its source comes next in the chain.
        inner: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// A file or directory of the store's could not be read or written.
    Io(std::io::Error),
    /// What the store was doing when `source` happened (`cannot open database x.db`).
    Context {
        context: String,
        source: Box<StoreError>,
    },
}

/// `"UNDP" is the initialism of 2 organizations: "A", "B"`: what [`StoreError::Ambiguous`]
/// says, without advice.
pub(crate) fn ambiguity(kind: EntityKind, typed: &str, basis: Basis, names: &[String]) -> String {
    let n = names.len();
    let what = match (kind, n) {
        (EntityKind::Organization, 1) => "organization",
        (EntityKind::Organization, _) => "organizations",
        (EntityKind::Person, 1) => "person",
        (EntityKind::Person, _) => "people",
    };
    let how = match basis {
        Basis::Abbreviation => "is written like the names of",
        Basis::Initialism => "is the initialism of",
        Basis::Spelling => "is written like the name of",
        Basis::Surname => "may be the name of",
    };
    let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    format!("{typed:?} {how} {n} {what}: {}", quoted.join(", "))
}

/// How the database failed, as far as it tells a user what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Another process held the database for too long.
    Busy,
    /// The disk is full.
    DiskFull,
    /// Reading or writing failed (a full disk, a file size limit).
    Io,
    /// The database, or where it lives, may not be written.
    ReadOnly,
    /// The database cannot be opened at all.
    CannotOpen,
    /// The database is damaged.
    Damaged,
    /// The user may not do this in the database (a server's role lacks the grant).
    NoPermission,
    /// The transaction met another's writing the same rows at once and was undone (a
    /// server's serialization failure); it may be tried again as it is.
    Conflict,
    /// The server could not be reached, or has no such database.
    Connect,
    /// The server takes no writes (a standby, or read-only transactions by default).
    ServerReadOnly,
    /// The server refused the user or the password.
    Auth,
    /// Anything else.
    Other,
}

impl StoreError {
    /// How the database failed, if that is what this error is (or is caused by).
    pub fn failure(&self) -> Option<Failure> {
        match self {
            StoreError::Database { failure, .. } => Some(*failure),
            StoreError::Context { source, .. } => source.failure(),
            _ => None,
        }
    }

    /// The error without the contexts around it.
    pub fn root(&self) -> &StoreError {
        match self {
            StoreError::Context { source, .. } => source.root(),
            other => other,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StoreError::*;
        match self {
            NotFound { kind, name } => write!(f, "no {kind} is called {name:?}"),
            NameTaken { kind, name, owner } => {
                write!(f, "{name:?} is already a name of another {kind}, {owner:?}")
            }
            Ambiguous {
                kind,
                typed,
                basis,
                names,
            } => f.write_str(&ambiguity(*kind, typed, *basis, names)),
            NotAName { alias, of, .. } => write!(f, "{alias:?} is not a name of {of:?}"),
            NameOfAnother {
                kind,
                alias,
                of,
                owner,
            } => write!(
                f,
                "{alias:?} is not a name of {of:?} but of another {kind}, {owner:?}"
            ),
            OwnName { kind, alias } => {
                write!(f, "{alias:?} is the name of this {kind}, not an alias")
            }
            AlreadyOne {
                kind,
                keep,
                other,
                name,
            } => write!(
                f,
                "{keep:?} and {other:?} are already the same {kind}, {name:?}"
            ),
            DuplicateKey { key, id } => write!(f, "event {id} has the key {key:?} already"),
            NoSession { event, name } => write!(f, "event {event} has no session {name:?}"),
            BothRoles { role, name, stored } => write!(
                f,
                "{} {name:?} is already linked to the event in the other role, as {stored:?}",
                role.as_str()
            ),
            ChangedMeanwhile => f.write_str("the record was changed by another process meanwhile"),
            SameAsAnother { other } => {
                write!(f, "participation {other} already records that")
            }
            HeadTaken {
                event,
                organization,
                head,
                participation,
            } => write!(
                f,
                "the delegation of {organization:?} at event {event} is already headed by {head:?} (participation {participation})"
            ),
            Gone { event } => write!(f, "event {event} has gone"),
            NoOperation { id } => write!(f, "no operation {id} in the log"),
            NothingToUndo => f.write_str("nothing to undo"),
            AlreadyUndone { op, by } => {
                write!(f, "operation {op} was undone already, by operation {by}")
            }
            UndoBlocked { op, reason, later } => {
                let later: Vec<String> = later.iter().map(i64::to_string).collect();
                write!(
                    f,
                    "operation {op} cannot be undone: {reason} (operations {})",
                    later.join(", ")
                )
            }
            ChangedSince { what, changes, at } => match changes.last() {
                Some(last) => write!(
                    f,
                    "{what} was changed by {} at {} (operation {})",
                    last.who(),
                    last.at,
                    last.operation
                ),
                None => write!(
                    f,
                    "{what} was changed at {}",
                    at.as_deref().unwrap_or("an unknown time")
                ),
            },
            BadSearch { reason } => write!(f, "the search cannot be run: {reason}"),
            IsDirectory { location } => write!(f, "{location} is a directory"),
            NotADatabase { location, expected } => write!(
                f,
                "{location} is not an events database (it is not {expected})"
            ),
            NotOurs { location, found } => write!(
                f,
                "{location} is {found} of another program, not an events database"
            ),
            ForeignObjects {
                location,
                schema,
                objects,
            } => write!(
                f,
                "schema {schema:?} of {location} holds {} of another program",
                objects.join(", ")
            ),
            NewerSchema {
                location,
                found,
                supported,
            } => write!(
                f,
                "{location} has schema version {found}, newer than this events understands ({supported})"
            ),
            CannotUpgrade {
                location,
                found,
                supported,
            } => write!(
                f,
                "{location} has schema version {found} and cannot be upgraded to {supported}: it is read-only"
            ),
            IsDatabaseFile { target, file, what } => write!(f, "{target} is {what} ({file})"),
            IsDatabaseFileOfLink {
                target,
                database,
                what,
            } => write!(
                f,
                "{target} is {what} of {database} (another name of the same file)"
            ),
            Exists { file } => write!(f, "{file} already exists"),
            NoBackupHere { location, .. } => {
                write!(
                    f,
                    "{location} is on a PostgreSQL server; events does not copy it"
                )
            }
            Database { message, .. } => f.write_str(message),
            Io(e) => e.fmt(f),
            Context { context, .. } => f.write_str(context),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Database { inner, .. } => inner.as_deref().and_then(|e| e.source()),
            StoreError::Io(e) => e.source(),
            StoreError::Context { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// `.with_context(|| ...)` on a store result, as anyhow's: says what the store was doing.
pub(crate) trait Context<T> {
    fn with_context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T>;
}

impl<T, E: Into<StoreError>> Context<T> for std::result::Result<T, E> {
    fn with_context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|e| StoreError::Context {
            context: context().into(),
            source: Box::new(e.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_is_the_command_lines_not_the_stores() {
        let newer = StoreError::NewerSchema {
            location: "x.db".into(),
            found: 9,
            supported: 3,
        };
        assert_eq!(
            newer.to_string(),
            "x.db has schema version 9, newer than this events understands (3)"
        );
        assert_eq!(
            crate::message(&anyhow::Error::new(newer)),
            "x.db has schema version 9, newer than this events understands (3); upgrade events to use it"
        );
        let changed = StoreError::ChangedMeanwhile;
        assert_eq!(
            changed.to_string(),
            "the record was changed by another process meanwhile"
        );
        assert_eq!(
            crate::message(&anyhow::Error::new(changed)),
            "the record was changed by another process meanwhile; try again"
        );
    }

    #[test]
    fn a_server_refusal_says_what_to_do() {
        let failed = |failure| StoreError::Database {
            failure,
            message: "refused".into(),
            inner: None,
        };
        assert_eq!(
            crate::message(&anyhow::Error::new(failed(Failure::NoPermission))),
            "refused; you lack the permission for this in the database; nothing was written"
        );
        assert_eq!(
            crate::message(&anyhow::Error::new(failed(Failure::Conflict))),
            "refused; another writer changed the same records at the same time; nothing was written; try again"
        );
    }
}
