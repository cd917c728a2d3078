//! `events export`: every event that passes the filters, with everything linked to it, as
//! NDJSON, JSON, CSV or iCalendar; streamed, one event at a time.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::Context;
use crate::cli::{ExportArgs, ExportFormat};
use crate::formats;
use crate::model::EventFilter;
use crate::render::{self, Style};
use crate::store::Store;

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<()> {
    let filter = super::event_filter(&args.filter)?;
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_of))
        .unwrap_or(ExportFormat::Ndjson);
    let store = Store::open_for_reading(&ctx.db_path)?;
    // `--output -` is standard output, as everywhere.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let count = match output {
        None => {
            let style = match format {
                ExportFormat::Ndjson | ExportFormat::Json => Style::Json,
                ExportFormat::Csv | ExportFormat::Ics => Style::Text,
            };
            write(
                &store,
                &filter,
                format,
                args.raw,
                render::data_stdout(style),
            )?
        }
        Some(path) => {
            let count = write_file(&store, &filter, format, args.raw, path)?;
            ctx.note(&format!(
                "Exported {count} {} to {}",
                if count == 1 { "event" } else { "events" },
                path.display()
            ));
            count
        }
    };
    if count == 0 {
        super::suggest_names(ctx, &store, &filter)?;
    }
    Ok(())
}

fn format_of(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "ndjson" | "jsonl" => Some(ExportFormat::Ndjson),
        "json" => Some(ExportFormat::Json),
        "csv" => Some(ExportFormat::Csv),
        "ics" | "ical" => Some(ExportFormat::Ics),
        _ => None,
    }
}

/// Writes to a temporary file beside `path`, then renames it over `path`: a reader never sees
/// half an export, and a failed export leaves an older file as it was.
fn write_file(
    store: &Store,
    filter: &EventFilter,
    format: ExportFormat,
    raw: bool,
    path: &Path,
) -> Result<u64> {
    let file_name = path
        .file_name()
        .with_context(|| format!("--output {:?} is not a file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".tmp{}", std::process::id()));
    let temp: PathBuf = path.with_file_name(temp_name);
    let result = (|| {
        let file =
            File::create(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
        let count = write(store, filter, format, raw, BufWriter::new(&file))?;
        file.sync_all()?;
        fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(count)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write(
    store: &Store,
    filter: &EventFilter,
    format: ExportFormat,
    raw: bool,
    mut out: impl Write,
) -> Result<u64> {
    let mut count = 0;
    match format {
        ExportFormat::Ndjson => {
            store.each_event(filter, |e| {
                count += 1;
                formats::ndjson::write_event(&mut out, &e)
            })?;
            // The other names of the organizations and people in them, so that an import
            // into an empty database gives them back too.
            for record in store.alias_records(filter)? {
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
        }
        ExportFormat::Json => {
            let mut writer = formats::json::ArrayWriter::new(&mut out);
            store.each_event(filter, |e| {
                count += 1;
                writer.write(&e)
            })?;
            for record in store.alias_records(filter)? {
                writer.write_value(&record)?;
            }
            writer.finish()?;
        }
        ExportFormat::Csv => {
            let mut writer = formats::csv::EventWriter::new(&mut out, !raw)?;
            store.each_event(filter, |e| {
                count += 1;
                writer.write(&e)
            })?;
            writer.finish()?;
        }
        ExportFormat::Ics => {
            let mut writer = formats::ics::CalendarWriter::new(&mut out)?;
            store.each_event(filter, |e| {
                count += 1;
                writer.write(&e)
            })?;
            writer.finish()?;
        }
    }
    out.flush()?;
    Ok(count)
}
