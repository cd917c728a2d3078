//! `events export`: every event that passes the filters, with everything linked to it, as
//! NDJSON, JSON, CSV, iCalendar, schema.org JSON-LD or an Excel workbook; streamed, one event at
//! a time.

use std::fs::{self, OpenOptions};
use std::io::{BufWriter, ErrorKind, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::Context;
use crate::cli::{ExportArgs, ExportFormat};
use crate::formats;
use crate::model::EventFilter;
use crate::render::text::SafeWriter;
use crate::render::{self, Style};
use crate::store::Store;

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<()> {
    let mut filter = super::event_filter(&args.filter)?;
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_of))
        .unwrap_or(ExportFormat::Ndjson);
    // `--output -` is standard output, as everywhere.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(path) = output {
        ctx.location
            .refuse_as_output(path, &format!("--output {:?}", path.display()))?;
    }
    // A workbook is bytes no terminal shows: refused before any work.
    if format == ExportFormat::Xlsx && output.is_none() && std::io::stdout().is_terminal() {
        bail!(
            "an Excel workbook cannot be shown on a terminal; give --output FILE.xlsx (or pipe \
             the output to a file or program)"
        );
    }
    let mut store = super::open_for_reading(ctx)?;
    super::resolve_filter(&mut *store, &mut filter)?;
    // Events whose list items hold the CSV list separator.
    let mut split = Vec::new();
    let count = match output {
        None => write(
            &mut *store,
            &filter,
            format,
            args.raw,
            render::data_stdout(style_of(format)),
            &mut split,
        )?,
        Some(path) => {
            let style = (format != ExportFormat::Xlsx).then(|| style_of(format));
            let count = write_file(path, style, |out| match format {
                // Saved straight into the file, not through a buffer of the whole workbook.
                ExportFormat::Xlsx => {
                    formats::xlsx::write_workbook(&mut *store, &filter, out, &mut split)
                }
                _ => write(&mut *store, &filter, format, args.raw, out, &mut split),
            })?;
            ctx.note(&format!(
                "Exported {count} {} to {}",
                if count == 1 { "event" } else { "events" },
                path.display()
            ));
            count
        }
    };
    let warning = match format {
        ExportFormat::Xlsx => {
            formats::split_items_warning(&split, "an import of the workbook reads")
        }
        _ => formats::split_items_warning(&split, "CSV reads back"),
    };
    if let Some(warning) = warning {
        ctx.note(&warning);
    }
    if count == 0 {
        super::suggest_names(ctx, &mut *store, &filter)?;
    }
    Ok(())
}

/// How escapes are written when the format is shown on a terminal.
fn style_of(format: ExportFormat) -> Style {
    match format {
        ExportFormat::Ndjson | ExportFormat::Json | ExportFormat::Jsonld => Style::Json,
        ExportFormat::Csv | ExportFormat::Ics | ExportFormat::Xlsx => Style::Text,
    }
}

fn format_of(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "ndjson" | "jsonl" => Some(ExportFormat::Ndjson),
        "json" => Some(ExportFormat::Json),
        "csv" => Some(ExportFormat::Csv),
        "ics" | "ical" => Some(ExportFormat::Ics),
        "jsonld" => Some(ExportFormat::Jsonld),
        "xlsx" => Some(ExportFormat::Xlsx),
        _ => None,
    }
}

/// Writes to `path` as a shell's `>` would, but whole or not at all: through a symbolic link
/// to the file it names, keeping an existing file's mode (and owner, where allowed). A
/// regular file is written as a temporary file beside it, then renamed over it, so a reader
/// never sees half an export and a failed export leaves the older file as it was; a device or
/// a pipe (`/dev/stdout`) is written in place.
///
/// `write` writes the content; on a terminal (`--output /dev/tty`) what it writes is escaped
/// in `style`, or, for bytes no terminal shows (`None`: a workbook), refused. Shared by
/// `export` and `report`.
pub(super) fn write_file<T>(
    path: &Path,
    style: Option<Style>,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<T>,
) -> Result<T> {
    let existing = match fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    if let Some(meta) = &existing {
        if meta.is_dir() {
            bail!(
                "--output {:?} is a directory; give the name of a file",
                path.display()
            );
        }
        // Opened as named: `/dev/stdout` leads through links that name no file.
        if !meta.is_file() {
            let file = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            // `--output /dev/stdout` or `/dev/tty` on a terminal is escaped as standard output
            // on a terminal is, so that a title cannot retitle or clear it.
            let result = if file.is_terminal() {
                let Some(style) = style else {
                    bail!(
                        "--output {:?} is a terminal, which cannot show an Excel workbook; \
                         give the name of a file",
                        path.display()
                    );
                };
                let mut out = BufWriter::new(SafeWriter::new(file, style));
                let result = write(&mut out)?;
                out.flush()?;
                result
            } else {
                let mut out = BufWriter::new(file);
                let result = write(&mut out)?;
                out.flush()?;
                result
            };
            return Ok(result);
        }
    }
    // A file one may not write is not replaced either, as the shell would not write it:
    // opened for writing (not truncated) only to ask.
    if existing.is_some() {
        OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let real = crate::paths::resolve(path);
    if let Some(dir) = real.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        bail!(
            "--output {:?}: there is no directory {}; create it first",
            path.display(),
            dir.display()
        );
    }
    let file_name = real
        .file_name()
        .with_context(|| format!("--output {:?} is not a file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".tmp{}", std::process::id()));
    // Beside the file itself, not beside a link to it: a rename cannot cross file systems.
    let temp: PathBuf = real.with_file_name(temp_name);
    let result = (|| {
        let _ = fs::remove_file(&temp);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        // Never more open than the file it replaces, even for a moment.
        #[cfg(unix)]
        if let Some(meta) = &existing {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(meta.permissions().mode() & 0o777);
        }
        let file = options
            .open(&temp)
            .with_context(|| format!("cannot write --output {:?}", path.display()))?;
        #[cfg(unix)]
        if let Some(meta) = &existing {
            use std::os::unix::fs::MetadataExt;
            // Only root may give a file away; others keep their own, as a new file would be.
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
            // Exactly the old mode: the umask narrowed it at creation, and chown may clear
            // set-id bits.
            file.set_permissions(meta.permissions())
                .with_context(|| format!("cannot set the mode of {}", temp.display()))?;
        }
        let mut out = BufWriter::new(&file);
        let result = write(&mut out)?;
        out.flush()?;
        drop(out);
        file.sync_all()?;
        fs::rename(&temp, &real).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(result)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes the events that pass `filter` to `out`; returns how many.
pub(super) fn write(
    store: &mut dyn Store,
    filter: &EventFilter,
    format: ExportFormat,
    raw: bool,
    mut out: impl Write,
    split: &mut Vec<String>,
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
            split.extend_from_slice(writer.split_items());
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
        ExportFormat::Jsonld => {
            let mut writer = formats::json::PrettyArrayWriter::new(&mut out);
            let (mut pretty, mut escaped) = (Vec::new(), Vec::new());
            store.each_event(filter, |e| {
                count += 1;
                pretty.clear();
                escaped.clear();
                serde_json::to_writer_pretty(&mut pretty, &formats::jsonld::event(&e))?;
                formats::jsonld::escape_for_html(&pretty, &mut escaped);
                writer.write_pretty(&escaped)
            })?;
            writer.finish()?;
        }
        ExportFormat::Xlsx => {
            // Standard output is written from this thread only: the workbook (whose sheets
            // are streamed to temporary files) is compressed into memory, then written.
            let mut bytes = Vec::new();
            count = formats::xlsx::write_workbook(store, filter, &mut bytes, split)?;
            out.write_all(&bytes)?;
        }
    }
    out.flush()?;
    Ok(count)
}
