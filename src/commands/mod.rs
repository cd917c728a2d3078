//! One module per subcommand: each turns its arguments into domain values, calls the store and
//! renders the result.

pub mod add_event;
pub mod add_participant;
pub mod completions;
pub mod export;
pub mod import;
pub mod list;
pub mod man;
pub mod show;

use anyhow::{Result, anyhow};

use crate::cli::FilterArgs;
use crate::dates::parse_date;
use crate::model::{EventFilter, FieldError, name_key};
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

/// Turns the filter flags into a validated filter.
fn event_filter(args: &FilterArgs) -> Result<EventFilter> {
    let date = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_date(t).map_err(|reason| anyhow!("invalid --{flag} {t:?}: {reason}")))
            .transpose()
    };
    let from = date("from", &args.from)?;
    let to = date("to", &args.to)?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(anyhow!(
            "invalid --to {:?}: is before --from {:?}",
            args.to.as_deref().unwrap_or(""),
            args.from.as_deref().unwrap_or("")
        ));
    }
    let org = args
        .org
        .as_deref()
        .filter(|o| !name_key(o).is_empty())
        .map(str::to_string);
    Ok(EventFilter { from, to, org })
}
