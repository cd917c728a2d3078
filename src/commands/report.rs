//! `events report`: an activity report of the events that pass the filters, as Markdown or
//! HTML (see [`crate::render::report`]), on standard output or in a file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use askama::Template as _;

use crate::Context;
use crate::cli::{ReportArgs, ReportFormat};
use crate::render::report::{HtmlReport, MarkdownReport, ReportBuilder, Scope};
use crate::render::{self, Style};
use crate::store::EntityKind;

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<()> {
    let mut filter = super::event_filter(&args.filter)?;
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_of))
        .unwrap_or(ReportFormat::Md);
    // `--output -` is standard output, as everywhere.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(path) = output {
        ctx.location
            .refuse_as_output(path, &format!("--output {:?}", path.display()))?;
    }
    let mut store = super::open_for_reading(ctx)?;
    super::resolve_filter(&mut *store, &mut filter)?;
    // The title names organizations and people by their own names, whatever was typed (an
    // alias, another case).
    let mut titled = filter.clone();
    for (kind, name) in [
        (EntityKind::Organization, &mut titled.org),
        (EntityKind::Person, &mut titled.person),
        (EntityKind::Person, &mut titled.head),
    ] {
        if let Some(typed) = name.as_deref()
            && let Some(found) = store.find_entity(kind, typed)?
        {
            *name = Some(found.name);
        }
    }
    let mut builder = ReportBuilder::new(Scope::of(&titled, args.filter.search.as_deref()));
    let mut count = 0u64;
    store.each_event(&filter, |e| {
        count += 1;
        builder.add(&e);
        Ok(())
    })?;
    let report = builder.finish();
    let write = |out: &mut dyn Write| -> Result<()> {
        match format {
            ReportFormat::Html => HtmlReport { r: &report }.write_into(out),
            ReportFormat::Md => MarkdownReport { r: &report }.write_into(out),
        }
        .context("writing the report")?;
        out.flush()?;
        Ok(())
    };
    match output {
        // On a terminal, escaped as any output is there (the text in it already is).
        None => write(&mut render::data_stdout(Style::Text))?,
        Some(path) => {
            super::export::write_file(path, Some(Style::Text), |out| write(out))?;
            ctx.note(&format!(
                "Wrote a report of {count} {} to {}",
                if count == 1 { "event" } else { "events" },
                path.display()
            ));
        }
    }
    if count == 0 {
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}

fn format_of(path: &Path) -> Option<ReportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Some(ReportFormat::Md),
        "html" | "htm" => Some(ReportFormat::Html),
        _ => None,
    }
}
