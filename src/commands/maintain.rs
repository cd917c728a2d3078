//! `events check` and `events backup FILE`: looking after the database file.

use std::io::Write;

use anyhow::{Result, bail};

use crate::Context;
use crate::cli::{BackupArgs, ExportFormat};
use crate::model::EventFilter;
use crate::store::{Counts, Location, Store};

/// Opens the database for looking at it: one that may be read but not written will do.
fn open_existing(ctx: &Context) -> Result<Box<dyn Store>> {
    if !ctx.location.exists() {
        bail!("there is no database at {}", ctx.location);
    }
    super::open_for_reading(ctx)
}

/// How many of `check`'s findings are printed one per line; the rest are counted.
const SHOWN_FINDINGS: usize = 20;

pub fn check(ctx: &Context) -> Result<()> {
    if !ctx.location.exists() {
        bail!("there is no database at {}", ctx.location);
    }
    let db = &ctx.location;
    // A file too damaged to open (cut short, its schema unreadable) is itself the finding:
    // no record can be read from it, so the advice is the backup, not `check` again.
    let mut store = match super::open_for_reading(ctx) {
        Ok(store) => store,
        Err(e) if crate::is_damaged(&e) => {
            let cause = crate::causes(&e);
            println!(
                "{db}\nintegrity: the file cannot be read: {}",
                crate::render::text::escape(&cause)
            );
            bail!(
                "{db} is damaged beyond reading: restore the latest copy made with `events backup` before the damage, and keep {db} as it is meanwhile"
            );
        }
        Err(e) => return Err(e),
    };
    let mut problems = store.check()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{db}")?;
    match store.counts() {
        Ok(Counts {
            events,
            organizations: orgs,
            people,
            participations,
        }) => writeln!(
            out,
            "{events} events, {orgs} organizations, {people} people, {participations} participations"
        )?,
        // Not being able to count is a finding like the others.
        Err(e) => problems.insert(0, format!("counts: {e}")),
    }
    if problems.is_empty() {
        writeln!(
            out,
            "integrity: ok\nforeign keys: ok\nsearch index: ok\nsummaries: ok"
        )?;
        return Ok(());
    }
    // A badly damaged file gives hundreds of findings of the same few kinds: the first ones
    // say what is wrong, the rest only how much.
    for problem in problems.iter().take(SHOWN_FINDINGS) {
        writeln!(out, "{}", crate::render::text::escape(problem))?;
    }
    if problems.len() > SHOWN_FINDINGS {
        writeln!(
            out,
            "... and {} more findings of the same checks",
            problems.len() - SHOWN_FINDINGS
        )?;
    }
    out.flush()?;
    // A copy made by `backup` carries the damage with it (VACUUM INTO copies the pages of a
    // damaged index as they are): the way out is to read every record and write it into a
    // new database, which is what export then import do. Whether that works is tried here:
    // the export must read as many events as the table holds.
    let events = store.counts().map(|counts| counts.events).ok();
    let exported = super::export::write(
        &mut *store,
        &EventFilter::default(),
        ExportFormat::Ndjson,
        false,
        std::io::sink(),
        &mut Vec::new(),
    )
    .ok();
    let n = problems.len();
    let found = format!(
        "{n} {} found in {db}",
        if n == 1 { "problem" } else { "problems" }
    );
    let readable = matches!((events, exported),
        (Some(events), Some(exported)) if u64::try_from(events).ok() == Some(exported));
    if let Location::Postgres(_) = &ctx.location {
        // A server's records: no file to rescue into, no copy of `events backup`.
        match readable {
            true => bail!(
                "{found}; every event can still be read: keep them with `events export --output rescue.ndjson` (--db as given here), import that into a new schema (a URL with options=-csearch_path%3DNEW) and use it once `events check` passes there"
            ),
            false => bail!(
                "{found}, and some records cannot be read any more: restore the server's latest dump (pg_dump) from before the damage"
            ),
        }
    }
    let db = crate::render::text::shell_word(&db.to_string()).into_owned();
    match (events, exported) {
        (Some(events), Some(exported)) if u64::try_from(events).ok() == Some(exported) => bail!(
            "{found}; every event can still be read: rescue them into a new database with `events --db {db} export --output rescue.ndjson` then `events --db NEW.db import rescue.ndjson`, and use NEW.db once `events --db NEW.db check` passes (a copy made by `events backup` would carry the damage)"
        ),
        _ => bail!(
            "{found}, and some records cannot be read any more: restore the latest copy made with `events backup` before the damage, and keep {db} as it is meanwhile"
        ),
    }
}

pub fn backup(ctx: &Context, args: &BackupArgs) -> Result<()> {
    ctx.location.refuse_backup()?;
    ctx.location
        .refuse_as_output(&args.file, &format!("{:?}", args.file.display()))?;
    let mut store = open_existing(ctx)?;
    store.backup(&args.file)?;
    ctx.note(&format!(
        "Backed up {} to {}",
        ctx.location,
        args.file.display()
    ));
    Ok(())
}
