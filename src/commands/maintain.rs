//! `events check` and `events backup FILE`: looking after the database file.

use std::io::Write;

use anyhow::{Result, bail};

use crate::Context;
use crate::cli::BackupArgs;
use crate::store::Store;

/// Opens the database for looking at it: one that may be read but not written will do.
fn open_existing(ctx: &Context) -> Result<Store> {
    if !ctx.db_path.exists() {
        bail!("there is no database at {}", ctx.db_path.display());
    }
    Store::open_for_reading(&ctx.db_path)
}

pub fn check(ctx: &Context) -> Result<()> {
    let store = open_existing(ctx)?;
    let problems = store.check()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", ctx.db_path.display())?;
    match store.counts() {
        Ok([events, orgs, people, participations]) => writeln!(
            out,
            "{events} events, {orgs} organizations, {people} people, {participations} participations"
        )?,
        Err(e) => writeln!(out, "counts: {e}")?,
    }
    if problems.is_empty() {
        writeln!(out, "integrity: ok\nforeign keys: ok\nsearch index: ok")?;
        return Ok(());
    }
    for problem in &problems {
        writeln!(out, "{}", crate::render::text::escape(problem))?;
    }
    bail!(
        "{} problems found in {}; `events backup` can still copy what is readable",
        problems.len(),
        ctx.db_path.display()
    )
}

pub fn backup(ctx: &Context, args: &BackupArgs) -> Result<()> {
    let store = open_existing(ctx)?;
    store.backup(&args.file)?;
    ctx.note(&format!(
        "Backed up {} to {}",
        ctx.db_path.display(),
        args.file.display()
    ));
    Ok(())
}
