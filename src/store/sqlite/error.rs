//! SQLite's errors as store errors: the result code says how the database failed.

use rusqlite::ErrorCode;

use crate::model::EventFilter;
use crate::store::error::{Failure, StoreError};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(code, text) => {
                let failure = match code.code {
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Failure::Busy,
                    ErrorCode::DiskFull => Failure::DiskFull,
                    ErrorCode::SystemIoFailure => Failure::Io,
                    ErrorCode::ReadOnly => Failure::ReadOnly,
                    ErrorCode::CannotOpen => Failure::CannotOpen,
                    ErrorCode::DatabaseCorrupt => Failure::Damaged,
                    _ => Failure::Other,
                };
                // SQLite's own text, once: rusqlite's error shows it, and its source (the
                // result code) would say it again as "Error code 5: database is locked".
                // Without a text of its own, the code's, in words.
                let message = match text {
                    Some(_) => e.to_string(),
                    None => rusqlite::ffi::code_to_str(code.extended_code).to_string(),
                };
                StoreError::Database {
                    failure,
                    message,
                    inner: None,
                }
            }
            _ => StoreError::Database {
                failure: Failure::Other,
                message: e.to_string(),
                inner: Some(Box::new(e)),
            },
        }
    }
}

/// An error of a query of the events passing `filter`. When the filter searches, a plain
/// SQL error (SQLite's generic result code, with FTS5's reason as its text) is the search's:
/// the rest of the query is fixed text that SQLite accepted when it was prepared.
pub(super) fn search_error(e: rusqlite::Error, filter: &EventFilter) -> StoreError {
    match &e {
        // A missing table or column (a damaged schema) is not the search text's fault.
        rusqlite::Error::SqliteFailure(code, Some(reason))
            if code.code == ErrorCode::Unknown
                && filter.search.is_some()
                && !reason.starts_with("no such ") =>
        {
            StoreError::BadSearch {
                reason: reason.clone(),
            }
        }
        _ => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::store::StoreError;

    fn sqlite_error(code: i32, text: Option<&str>) -> anyhow::Error {
        anyhow::Error::new(StoreError::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            text.map(String::from),
        )))
    }

    #[test]
    fn a_damaged_file_is_told_apart_through_contexts() {
        let err = sqlite_error(11, Some("database disk image is malformed"))
            .context("cannot open database x.db");
        assert!(crate::is_damaged(&err));
        assert_eq!(
            crate::causes(&err),
            "cannot open database x.db: database disk image is malformed"
        );
        assert!(!crate::is_damaged(&sqlite_error(5, None)));
    }

    #[test]
    fn sqlite_text_is_said_once() {
        let message = crate::message;
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

    #[test]
    fn a_search_sqlite_cannot_run_is_the_searchs_fault() {
        use crate::model::{EventFilter, SearchQuery, SearchTerm};
        use crate::store::sqlite::SqliteStore;
        let store = SqliteStore::open_in_memory().unwrap();
        // The parser never makes a term with a `"` in it; written as FTS5, this one is not
        // a query.
        let filter = EventFilter {
            search: Some(SearchQuery {
                terms: vec![SearchTerm::Word("a\"b".into())],
            }),
            ..EventFilter::default()
        };
        let err = store.list_events(&filter).unwrap_err();
        assert!(matches!(err, StoreError::BadSearch { .. }), "{err:?}");
        let message = crate::message(&anyhow::Error::new(err));
        assert!(
            message == "the --search text cannot be searched for: unterminated string",
            "{message}"
        );
    }
}
