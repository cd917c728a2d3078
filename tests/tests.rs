//! The real `events` binary driven on temporary databases, as a user would drive it.

mod util;

mod core;
mod import;
mod query;
mod robust;
mod roundtrip;
mod terminal;
