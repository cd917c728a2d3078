//! The store: where records are kept. The only place with SQL; every value reaches the
//! database as a bound parameter.

mod error;
mod fold;
mod sqlite;

pub use error::{Failure, StoreError};
pub use sqlite::{
    APPLICATION_ID, AliasOutcome, Entity, Import, ImportStats, ListsChanged, Merged, NearName,
    NewDatabase, ORGANIZATION, Outcome, PERSON, SCHEMA_VERSION, SessionEdit, SessionsEdited, Store,
    Update, refuse_database_file, resolve,
};
