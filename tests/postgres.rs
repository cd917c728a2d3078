//! The same suite as `tests.rs`, on PostgreSQL: every test that runs on both backends runs
//! here on a schema of its own on the server named by `$EVENTS_TEST_POSTGRES` (`.ci/run`
//! starts one). Without it, these tests do nothing, except under CI, where they fail.

/// Which backend `util::Env` gives the tests.
pub const POSTGRES: bool = true;

#[path = "util.rs"]
mod util;

#[path = "core.rs"]
mod core;
#[path = "curation.rs"]
mod curation;
#[path = "delegations.rs"]
mod delegations;
#[path = "docs.rs"]
mod docs;
#[path = "doctor.rs"]
mod doctor;
#[path = "history.rs"]
mod history;
#[path = "ics.rs"]
mod ics;
#[path = "identity.rs"]
mod identity;
#[path = "import.rs"]
mod import;
#[path = "import_merge.rs"]
mod import_merge;
#[path = "jsonld.rs"]
mod jsonld;
#[path = "listing.rs"]
mod listing;
#[path = "names.rs"]
mod names;
#[path = "query.rs"]
mod query;
#[path = "report.rs"]
mod report;
#[path = "robust.rs"]
mod robust;
#[path = "roundtrip.rs"]
mod roundtrip;
#[path = "safety.rs"]
mod safety;
/// What only a server has: the counterparts of the SQLite-only tests of files.
mod server;
#[path = "summaries.rs"]
mod summaries;
#[path = "terminal.rs"]
mod terminal;
#[path = "xlsx.rs"]
mod xlsx;

/// Only here: it compares the two backends.
#[path = "conformance.rs"]
mod conformance;
