//! The domain: events, the organizations and people linked to them, the one interchange
//! shape (`EventRecord`) that `--format json`, export and import all share, filters and the
//! views the summary commands show. One concern per module; everything is re-exported here,
//! so that `crate::model::X` names any of it.

pub mod abbrev;
mod doctor;
mod event;
mod field;
mod filter;
mod history;
mod names;
mod record;
mod reference;
mod views;

pub use doctor::*;
pub use event::*;
pub use field::*;
pub use filter::*;
pub use history::*;
pub use names::*;
pub use record::*;
pub use reference::*;
pub use views::*;
