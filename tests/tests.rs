//! The real `events` binary driven on temporary databases, as a user would drive it.

mod util;

mod core;
mod curation;
mod docs;
mod identity;
mod import;
mod import_merge;
mod query;
mod robust;
mod roundtrip;
mod safety;
mod terminal;
