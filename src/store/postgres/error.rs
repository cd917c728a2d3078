//! PostgreSQL's errors as store errors: the SQLSTATE says how the database failed.

use postgres::error::SqlState;

use crate::store::error::{Failure, StoreError};

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            // No answer from the server: the connection was lost (`connect` says when it
            // could not be made), or the client could not read what came back.
            let failure = if e.is_closed() {
                Failure::Connect
            } else {
                Failure::Other
            };
            // The client's words and each cause's ("error connecting to server: Connection
            // refused"); none of them holds the password.
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !message.ends_with(&text) {
                    message.push_str(": ");
                    message.push_str(&text);
                }
                source = cause.source();
            }
            return StoreError::Database {
                failure,
                message,
                inner: None,
            };
        };
        let code = db.code();
        // The database's own refusal of a second head of a delegation (the writers check
        // first, and name the head there; this is the backstop).
        if *code == SqlState::UNIQUE_VIOLATION && db.constraint() == Some("participation_head") {
            return StoreError::Database {
                failure: Failure::Other,
                message: "a delegation would have two heads at one event (one participation per event and organization may head it); nothing was written".to_string(),
                inner: None,
            };
        }
        let failure = if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            Failure::NoPermission
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            Failure::Conflict
        } else if *code == SqlState::DISK_FULL {
            Failure::DiskFull
        } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
            // A standby, or a server (or role) set to read-only transactions.
            Failure::ServerReadOnly
        } else if *code == SqlState::LOCK_NOT_AVAILABLE {
            // The write lock waited for past `lock_timeout`.
            Failure::Busy
        } else if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            Failure::Auth
        } else if *code == SqlState::INVALID_CATALOG_NAME
            || code.code().starts_with("08")
            || code.code().starts_with("57P")
        {
            Failure::Connect
        } else {
            Failure::Other
        };
        StoreError::Database {
            failure,
            message: db.message().to_string(),
            inner: None,
        }
    }
}
