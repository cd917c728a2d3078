//! One module per subcommand: each turns its arguments into domain values, calls the store and
//! renders the result.

pub mod add_event;
pub mod add_participant;
pub mod completions;
pub mod list;
pub mod man;
pub mod show;

use anyhow::{Result, anyhow};

use crate::model::FieldError;
use crate::store::Store;

/// Turns validation problems into one error that names each flag, value and reason.
fn invalid_flags(errors: Vec<FieldError>, flag_of: impl Fn(&str) -> &str) -> anyhow::Error {
    let problems: Vec<String> = errors
        .into_iter()
        .map(|e| {
            format!(
                "invalid --{} {:?}: {}",
                flag_of(&e.field),
                e.value,
                e.reason
            )
        })
        .collect();
    anyhow!(problems.join("; "))
}

/// Finds an event by id or key, or says that there is none.
fn resolve_event(store: &Store, reference: &str) -> Result<i64> {
    store.resolve_event(reference)?.ok_or_else(|| {
        anyhow!("no event with id or key {reference:?}; `events list` shows the events there are")
    })
}
