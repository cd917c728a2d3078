//! `events doctor`: what the records get wrong, for the person who keeps them: organizations,
//! people and events recorded twice, events without a source or participants, participations
//! without an organization; each finding with the commands that would set it right. It only
//! reads: a database that does not exist reads as empty.

use std::io::{BufWriter, Write};

use anyhow::Result;

use crate::Context;
use crate::cli::{DoctorArgs, DoctorFormat};
use crate::model::diagnose;
use crate::render::{Terminal, tables};

pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let survey = store.survey()?;
    drop(store);
    let findings = diagnose(&survey, &args.only);
    match args.format {
        DoctorFormat::Json => super::print_json(&findings)?,
        // Said once, on stdout, where the table would be.
        DoctorFormat::Table if findings.is_empty() => {
            writeln!(std::io::stdout(), "No findings.")?;
            return Ok(());
        }
        DoctorFormat::Table => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            writeln!(out, "{}", tables::findings(&findings, Terminal::detect()))?;
            out.flush()?;
        }
    }
    ctx.note(&match findings.len() {
        0 => "no findings".to_string(),
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    });
    Ok(())
}
