//! `events log` (the history of changes, `log show OP`, `log --prune`) and `events undo`.

use std::io::{BufWriter, Write};

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, NaiveTime, Utc};

use crate::Context;
use crate::cli::{LogArgs, LogCommand, LogShowArgs, ShowFormat, UndoArgs};
use crate::dates::parse_date;
use crate::model::{Change, EntityKind, EventRef, LogFilter, Operation, log_time};
use crate::render::{Terminal, changes};
use crate::store::{Store, StoreError};

/// A moment given as RFC 3339 (`2026-12-01T12:00:00Z`, any offset), in the log's format
/// (UTC, microseconds); `flag` names it in the error.
pub(super) fn moment(flag: &str, text: &str) -> Result<String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| log_time(t.with_timezone(&Utc)))
        .map_err(|e| {
            anyhow!(
                "invalid --{flag} {text:?}: expected a time as RFC 3339, such as 2026-12-01T12:00:00Z ({e})"
            )
        })
}

/// A day (`YYYY-MM-DD`, its first moment; with `next`, the first moment of the day after)
/// or an RFC 3339 time, in the log's format.
fn day_or_moment(flag: &str, text: &str, next: bool) -> Result<String> {
    let trimmed = text.trim();
    if trimmed.len() == 10 {
        let day =
            parse_date(trimmed).map_err(|reason| anyhow!("invalid --{flag} {text:?}: {reason}"))?;
        let day = if next {
            day.succ_opt()
                .ok_or_else(|| anyhow!("invalid --{flag} {text:?}: no day follows it"))?
        } else {
            day
        };
        return Ok(log_time(day.and_time(NaiveTime::MIN).and_utc()));
    }
    DateTime::parse_from_rfc3339(trimmed)
        .map(|t| log_time(t.with_timezone(&Utc)))
        .map_err(|_| {
            anyhow!(
                "invalid --{flag} {text:?}: expected a day as YYYY-MM-DD or a time as RFC 3339 (2026-12-01T12:00:00Z)"
            )
        })
}

pub fn log(ctx: &Context, args: &LogArgs) -> Result<()> {
    if let Some(LogCommand::Show(show)) = &args.command {
        return show_operation(ctx, show);
    }
    if args.prune {
        return prune(ctx, args);
    }
    let mut filter = LogFilter {
        since: args
            .since
            .as_deref()
            .map(|t| day_or_moment("since", t, false))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|t| day_or_moment("until", t, true))
            .transpose()?,
        limit: args.limit,
        changes: args.format == ShowFormat::Json,
        ..LogFilter::default()
    };
    if let (Some(since), Some(until)) = (&filter.since, &filter.until)
        && until <= since
    {
        bail!(
            "invalid --until {:?}: is before --since {:?}",
            args.until.as_deref().unwrap_or_default(),
            args.since.as_deref().unwrap_or_default()
        );
    }
    if let Some(user) = &args.user {
        if user.trim().is_empty() {
            bail!("invalid --user {user:?}: must not be empty");
        }
        filter.user = Some(user.trim().to_string());
    }
    let mut store = super::open_for_reading(ctx)?;
    if let Some(reference) = &args.event {
        filter.event = Some(event_in_log(&mut *store, reference)?);
    }
    if let Some(org) = &args.org {
        if org.trim().is_empty() {
            bail!("invalid --org {org:?}: must not be empty");
        }
        // As `list --org` does: a name no one has matches nothing, and the closest known
        // names are said.
        match store.resolve(EntityKind::Organization, org)? {
            Some(found) => filter.organization = Some(found.id),
            None => {
                let close = store.similar_organizations(org, 3)?;
                ctx.note(&super::no_such_name("No", "organization", org, &close));
                return print_log(ctx, args, &[], true);
            }
        }
    }
    let operations = store.log(&filter)?;
    let narrowed = filter.event.is_some()
        || filter.organization.is_some()
        || filter.since.is_some()
        || filter.until.is_some()
        || filter.user.is_some()
        || filter.limit == Some(0);
    print_log(ctx, args, &operations, narrowed)
}

/// Prints the operations found, or says that there are none.
fn print_log(
    ctx: &Context,
    args: &LogArgs,
    operations: &[Operation],
    narrowed: bool,
) -> Result<()> {
    if operations.is_empty() {
        ctx.note(if narrowed {
            "No operation in the log matches."
        } else {
            "The log is empty: nothing has been changed since it began (or was pruned)."
        });
    }
    match args.format {
        ShowFormat::Json => {
            let shown: Vec<Shown<'_>> = operations.iter().map(Shown::from).collect();
            super::print_json(&shown)?;
        }
        ShowFormat::Table if operations.is_empty() => {}
        ShowFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            writeln!(out, "{}", changes::log(operations, Terminal::detect()))?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The event `--event` names: as any reference does; or, for a number or a key that no
/// event has now, the event that had it (a removed one's history is still there).
fn event_in_log(store: &mut dyn Store, reference: &str) -> Result<i64> {
    let parsed = EventRef::parse(reference);
    if let Some(id) = store.resolve_event(&parsed)? {
        return Ok(id);
    }
    match &parsed {
        EventRef::Id(id) => return Ok(*id),
        EventRef::Key(key) => {
            if let Some(id) = store.removed_event_with_key(key)? {
                return Ok(id);
            }
        }
    }
    // No event had it: said as every reference that finds nothing is.
    super::resolve_event(store, reference)
}

/// One operation as `--format json` writes it.
#[derive(serde::Serialize)]
struct Shown<'a> {
    id: i64,
    at: &'a str,
    user: &'a str,
    os_user: Option<&'a str>,
    command: &'a str,
    summary: &'a str,
    undoes: Option<i64>,
    undone_by: Option<i64>,
    changes: &'a [Change],
}

impl<'a> From<&'a Operation> for Shown<'a> {
    fn from(op: &'a Operation) -> Shown<'a> {
        Shown {
            id: op.id,
            at: &op.at,
            user: &op.user,
            os_user: op.os_user.as_deref(),
            command: &op.command,
            summary: &op.summary,
            undoes: op.undoes,
            undone_by: op.undone_by,
            changes: &op.changes,
        }
    }
}

fn show_operation(ctx: &Context, args: &LogShowArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let op = store
        .operation(args.op)?
        .ok_or(StoreError::NoOperation { id: args.op })?;
    match args.format {
        ShowFormat::Json => super::print_json(&Shown::from(&op))?,
        ShowFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write!(out, "{}", changes::operation(&op))?;
            out.flush()?;
        }
    }
    Ok(())
}

fn prune(ctx: &Context, args: &LogArgs) -> Result<()> {
    let Some(before_text) = args.before.as_deref() else {
        bail!("--prune needs --before DATE: the day (or time) before which operations go");
    };
    let before = day_or_moment("before", before_text, false)?;
    if !ctx.location.exists() {
        ctx.note("There is no database yet; nothing to prune.");
        return Ok(());
    }
    let mut store = super::open(ctx)?;
    let count = store.log_count_before(&before)?;
    // (DATE read as a day or a time: nothing in it to escape.)
    let what = format!(
        "{count} {} from before {}",
        if count == 1 {
            "operation"
        } else {
            "operations"
        },
        before_text.trim()
    );
    if count == 0 {
        ctx.note(&format!(
            "The log holds no operation from before {}; nothing pruned.",
            before_text.trim()
        ));
        return Ok(());
    }
    if !super::confirm(
        args.yes,
        &format!(
            "Drop {what} from the history? They can no longer be shown or undone; the records stay as they are."
        ),
        &format!("not dropping {what} from the history"),
    )? {
        ctx.note("Nothing pruned.");
        return Ok(());
    }
    let dropped = store.prune_log(&before)?;
    ctx.note(&format!(
        "Dropped {dropped} {} from before {} from the history; the records stay as they are.",
        if dropped == 1 {
            "operation"
        } else {
            "operations"
        },
        before_text.trim()
    ));
    Ok(())
}

pub fn undo(ctx: &Context, args: &UndoArgs) -> Result<()> {
    if !ctx.location.exists() {
        return Err(StoreError::NothingToUndo.into());
    }
    let mut store = super::open(ctx)?;
    let undone = store.undo(args.op)?;
    let reverted = &undone.reverted;
    let said = match reverted.undoes {
        Some(redone) => format!(
            "Redid operation {redone}, undoing the undo {} ({})",
            reverted.id, reverted.summary
        ),
        None => format!(
            "Undid operation {}, {} by {} at {} UTC: {}",
            reverted.id,
            reverted.command,
            reverted.who(),
            changes::moment(&reverted.at),
            reverted.summary
        ),
    };
    ctx.note(&said);
    let again = match reverted.undoes {
        Some(_) => "undoes it again",
        None => "redoes it",
    };
    ctx.note(&format!(
        "This undo is operation {}; `events undo` again (or `events undo {}`) {again}.",
        undone.operation, undone.operation
    ));
    // Its own id on standard output, as `add-event` prints the id of what it made: for
    // scripts.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", undone.operation)?;
    Ok(())
}
