//! The real `events` binary driven on temporary databases, as a user would drive it.

/// Which backend `util::Env` gives the tests: SQLite here; `postgres.rs` runs the same
/// tests on PostgreSQL.
pub const POSTGRES: bool = false;

mod util;

mod core;
mod curation;
mod delegations;
mod docs;
mod doctor;
mod history;
mod ics;
mod identity;
mod import;
mod import_merge;
mod jsonld;
mod listing;
mod names;
mod query;
mod report;
mod robust;
mod roundtrip;
mod safety;
mod summaries;
mod terminal;
mod xlsx;
