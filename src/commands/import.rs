//! `events import`: load a file of events (JSON, NDJSON, CSV) or participants (CSV) in one
//! transaction: all of it, or, if any record is wrong, none of it.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Context;
use crate::cli::{ImportArgs, ImportFormat};
use crate::formats::{self, InputFormat, Item, Problem, ReadResult};
use crate::model::{AliasRecord, EventFilter, EventRecord, FieldError, NewEvent, NewParticipant};
use crate::render::text::escape;
use crate::store::{ImportStats, Outcome, Store};

/// How many problems are listed before the rest are only counted.
const SHOWN_PROBLEMS: usize = 20;

/// How long an import runs before a progress bar appears (on a terminal only).
const PROGRESS_DELAY: Duration = Duration::from_millis(300);

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let started = Instant::now();
    let path = args.file.as_deref().filter(|p| *p != Path::new("-"));
    let (name, input, size): (String, Box<dyn Read + Send>, Option<u64>) = match path {
        None => ("<stdin>".to_string(), Box::new(std::io::stdin()), None),
        Some(path) => {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            let size = file.metadata().ok().map(|m| m.len());
            (path.display().to_string(), Box::new(file), size)
        }
    };
    let progress = Progress::new(size, started);
    let input: Box<dyn Read + Send> = Box::new(progress.bar.wrap_read(input));

    let (format, input) = match args.format {
        Some(ImportFormat::Json) => (InputFormat::Json, input),
        Some(ImportFormat::Ndjson) => (InputFormat::Ndjson, input),
        Some(ImportFormat::Csv) => (InputFormat::Csv, input),
        None => match path.and_then(InputFormat::from_extension) {
            Some(format) => (format, input),
            None => {
                let (format, input) =
                    sniff(input).with_context(|| format!("cannot read {name}"))?;
                let format = format.with_context(|| {
                    format!("cannot tell the format of {name}; give --format json, ndjson or csv")
                })?;
                (format, input)
            }
        },
    };
    let input = BufReader::with_capacity(1 << 18, input);

    // A dry run never creates a database that is not there; a real import into a database
    // that is not there builds it beside its place and moves it there only once complete,
    // so a failed import leaves no file behind.
    let fresh = !args.dry_run && !ctx.db_path.exists();
    let mut building = fresh.then(|| NewDatabase::beside(&ctx.db_path));
    let mut store = match (&building, args.dry_run) {
        (_, true) => Store::open_for_reading(&ctx.db_path)?,
        (Some(new), false) => Store::open(&new.path)?,
        (None, false) => Store::open(&ctx.db_path)?,
    };
    let mut import = store.begin_import()?;
    let mut problems = Problems::default();
    let mut file_absent: Option<Vec<&'static str>> = None;
    let mut kind = "events";

    // One thread reads and validates records while this one writes them: the two halves
    // take about as long as each other on a large file. The channel is bounded, so memory
    // stays bounded whatever the file's size.
    let (sender, receiver) = mpsc::sync_channel::<Vec<Checked>>(4);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            let records: Box<dyn Iterator<Item = ReadResult>> = match format {
                InputFormat::Json => Box::new(formats::json::ArrayReader::new(input)),
                InputFormat::Ndjson => Box::new(formats::ndjson::Reader::new(input)),
                InputFormat::Csv => Box::new(formats::csv::Reader::new(input)),
            };
            let mut batch = Vec::with_capacity(BATCH);
            for item in records {
                batch.push(check(item));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if sender.send(full).is_err() {
                        return; // the writer has stopped
                    }
                }
            }
            let _ = sender.send(batch);
        });

        // Owned by the loop: if a write fails, the receiver goes with it, and the reading
        // thread, blocked on a full channel, is told so and stops.
        for checked in receiver.into_iter().flatten() {
            progress.tick();
            match checked {
                Checked::Problem(problem) => problems.push(problem),
                Checked::Event {
                    line,
                    event,
                    absent,
                } => {
                    // What a file's records cannot hold is the same for all of them.
                    if file_absent.is_none() {
                        file_absent = Some(absent.clone());
                    }
                    match *event {
                        Err(errors) => {
                            for e in errors {
                                problems.push(Problem::from_field_error(line, e));
                            }
                        }
                        Ok(event) => {
                            // Records are written even after a problem (all is rolled back
                            // then), so that every problem of the file is found in one go.
                            if let Outcome::SameAsLine(first) = import
                                .apply(&event, line, &absent)
                                .with_context(|| format!("{name}: line {line}"))?
                            {
                                let (field, value, reason) = match &event.key {
                                    Some(key) => (
                                        "key",
                                        key.clone(),
                                        format!("the same key is on line {first}"),
                                    ),
                                    None => (
                                        "title",
                                        event.title.clone(),
                                        format!(
                                            "the same title and start date are on line {first}; \
                                         give the records keys to tell them apart"
                                        ),
                                    ),
                                };
                                problems.push(Problem {
                                    value: Some(value),
                                    ..Problem::field(line, field, reason)
                                });
                            }
                        }
                    }
                }
                Checked::Aliases { line, aliases } => match aliases {
                    Err(e) => problems.push(Problem::from_field_error(line, e)),
                    Ok(record) => {
                        if let Err((alias, owner)) = import.apply_aliases(&record)? {
                            let what = if record.organization.is_some() {
                                "organization"
                            } else {
                                "person"
                            };
                            problems.push(Problem {
                                value: Some(alias),
                                ..Problem::field(
                                    line,
                                    "aliases",
                                    format!("is already a name of another {what}, {owner:?}"),
                                )
                            });
                        }
                    }
                },
                Checked::Participant {
                    line,
                    event,
                    participant,
                } => {
                    kind = "participants";
                    match participant {
                        Err(e) => problems.push(Problem::from_field_error(line, e)),
                        Ok(participant) => {
                            let found = import.apply_participant(&event, &participant)?.is_some();
                            if !found {
                                problems.push(Problem {
                                    value: Some(event),
                                    ..Problem::field(line, "event", "no event has this id or key")
                                });
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    })?;
    progress.bar.finish_and_clear();

    if problems.count > 0 {
        import.rollback()?;
        for problem in &problems.shown {
            eprintln!("{}", escape(&format!("{name}: {problem}")));
        }
        let more = problems.count - problems.shown.len() as u64;
        if more > 0 {
            eprintln!(
                "... and {more} more {}",
                plural(more, "problem", "problems")
            );
        }
        bail!(
            "{} {} in {name}; nothing was imported",
            problems.count,
            plural(problems.count, "problem", "problems")
        );
    }

    let mut stats = import.stats();
    let near = import.near_names()?;
    if args.dry_run {
        import.rollback()?;
    } else {
        import.commit()?;
    }
    drop(store);
    if let Some(new) = building.as_mut()
        && !new.put_in_place(&ctx.db_path)?
    {
        // Another process created the database meanwhile: what was built goes into it.
        let absent = file_absent.unwrap_or_default();
        stats = merge_into(&new.path, &ctx.db_path, &name, &absent)?;
    }
    ctx.note(&summary(
        &name,
        kind,
        stats,
        args.dry_run,
        started.elapsed(),
    ));
    note_near_names(ctx, &near);
    Ok(())
}

/// How many near-names an import lists; the rest are counted.
const SHOWN_NEAR_NAMES: usize = 5;

/// Says which new names are close to others: their number, then the first few.
fn note_near_names(ctx: &Context, near: &[crate::store::NearName]) {
    if near.is_empty() {
        return;
    }
    let n = near.len() as u64;
    let message = format!(
        "note: {n} new {} close to {} (`events org merge` or `events person merge` makes two one):",
        plural(n, "name is", "names are"),
        plural(n, "another", "others")
    );
    // One note per line: a note is escaped whole, line breaks too.
    ctx.note(&message);
    for near in near.iter().take(SHOWN_NEAR_NAMES) {
        ctx.note(&format!(
            "  new {} {:?}; did you mean {:?}?",
            near.what, near.new, near.known
        ));
    }
    if near.len() > SHOWN_NEAR_NAMES {
        ctx.note(&format!("  ... and {} more", near.len() - SHOWN_NEAR_NAMES));
    }
}

/// Reads up to the first byte that is not white space, to tell the format from it: `[` starts
/// a JSON array, `{` NDJSON; nothing but white space is empty NDJSON. Gives back a reader of
/// the whole input, the white space read reduced to its line breaks (all that matters to JSON,
/// and all that line numbers need).
fn sniff(
    mut input: Box<dyn Read + Send>,
) -> io::Result<(Option<InputFormat>, Box<dyn Read + Send>)> {
    let mut kept = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut at_start = true;
    loop {
        let n = match input.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok((Some(InputFormat::Ndjson), Box::new(io::Cursor::new(kept))));
        }
        let mut chunk = &buf[..n];
        if at_start {
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
            at_start = false;
        }
        match chunk.iter().position(|b| !b.is_ascii_whitespace()) {
            None => kept.extend(chunk.iter().filter(|&&b| b == b'\n')),
            Some(i) => {
                kept.extend(chunk[..i].iter().filter(|&&b| b == b'\n'));
                let format = match chunk[i] {
                    b'[' => Some(InputFormat::Json),
                    b'{' => Some(InputFormat::Ndjson),
                    _ => None,
                };
                kept.extend_from_slice(&chunk[i..]);
                return Ok((format, Box::new(io::Cursor::new(kept).chain(input))));
            }
        }
    }
}

/// A database being built by an import at a temporary path beside where it belongs; removed
/// unless put in place.
struct NewDatabase {
    path: PathBuf,
    placed: bool,
}

impl NewDatabase {
    fn beside(target: &Path) -> NewDatabase {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "events.db".to_string());
        let prefix = format!(".{name}.import-");
        remove_stale(target, &prefix);
        let path = target.with_file_name(format!("{prefix}{}", std::process::id()));
        NewDatabase {
            path,
            placed: false,
        }
    }

    /// Moves the finished database to `target`, unless another process has created one there
    /// meanwhile (a hard link never replaces a file): then says `false`, and keeps it.
    fn put_in_place(&mut self, target: &Path) -> Result<bool> {
        match std::fs::hard_link(&self.path, target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
            // A file system without hard links: rename, having checked that nothing is there.
            Err(_) if !target.exists() => std::fs::rename(&self.path, target)
                .with_context(|| format!("cannot create {}", target.display()))?,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot create {}", target.display()));
            }
        }
        self.placed = true;
        let _ = std::fs::remove_file(&self.path);
        Ok(true)
    }
}

/// Imports everything in the database at `from` into the one at `to`, in one transaction, as
/// an import of the original file would have: events matched by key or title and start date,
/// aliases added.
fn merge_into(from: &Path, to: &Path, name: &str, absent: &[&str]) -> Result<ImportStats> {
    let source = Store::open(from)?;
    let mut target = Store::open(to)?;
    let mut import = target.begin_import()?;
    let mut line = 0;
    source.each_event(&EventFilter::default(), |event| {
        line += 1;
        let record = EventRecord::from(&event);
        let event = record
            .validate()
            .map_err(|_| anyhow::anyhow!("event {} of {name} no longer validates", event.id))?;
        if let Outcome::SameAsLine(_) = import.apply(&event, line, absent)? {
            bail!("{name} holds the same event twice");
        }
        Ok(())
    })?;
    for record in source.alias_records(&EventFilter::default())? {
        if let Err((alias, owner)) = import.apply_aliases(&record)? {
            bail!(
                "alias {alias:?} in {name} is already a name of {owner:?} in {}",
                to.display()
            );
        }
    }
    let stats = import.stats();
    import.commit()?;
    Ok(stats)
}

/// Removes what imports killed before they finished left beside `target`: files named
/// `{prefix}{pid}` (and their journals) whose process is gone, or is this one (a reused id).
fn remove_stale(target: &Path, prefix: &str) {
    let Some(dir) = target.parent().map(|d| {
        if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        }
    }) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let gone = match pid {
            Some(pid) if pid == std::process::id() => true,
            Some(pid) => !process_alive(pid),
            None => false,
        };
        if gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id is running (on Unix; elsewhere, assume it is).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let status = unsafe { libc::kill(pid, 0) };
        status == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Drop for NewDatabase {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = self.path.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
    }
}

/// Records travel from the reading thread in batches of this many.
const BATCH: usize = 128;

/// A record read and validated, or what was wrong with it.
enum Checked {
    Problem(Problem),
    Event {
        line: u64,
        event: Box<Result<NewEvent, Vec<FieldError>>>,
        absent: Vec<&'static str>,
    },
    Participant {
        line: u64,
        event: String,
        participant: Result<NewParticipant, FieldError>,
    },
    Aliases {
        line: u64,
        aliases: Result<AliasRecord, FieldError>,
    },
}

fn check(item: ReadResult) -> Checked {
    match item {
        Err(problem) => Checked::Problem(problem),
        Ok(Item::Event {
            line,
            record,
            absent,
        }) => Checked::Event {
            line,
            event: Box::new(record.validate()),
            absent,
        },
        Ok(Item::Aliases { line, record }) => Checked::Aliases {
            line,
            aliases: record.validate(),
        },
        Ok(Item::Participant {
            line,
            event,
            record,
        }) => Checked::Participant {
            line,
            event,
            participant: record.validate(),
        },
    }
}

/// The problems found: all counted, the first few kept to be shown.
#[derive(Default)]
struct Problems {
    count: u64,
    shown: Vec<Problem>,
}

impl Problems {
    fn push(&mut self, problem: Problem) {
        self.count += 1;
        if self.shown.len() < SHOWN_PROBLEMS {
            self.shown.push(problem);
        }
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn summary(name: &str, kind: &str, s: ImportStats, dry_run: bool, took: Duration) -> String {
    let total = s.created + s.updated + s.unchanged;
    let changes = if kind == "participants" {
        format!(
            "{total} {} from {name}: {} added, {} already there",
            plural(total, "participant", "participants"),
            s.created,
            s.unchanged
        )
    } else {
        format!(
            "{total} {} from {name}: {} created, {} updated, {} unchanged",
            plural(total, "event", "events"),
            s.created,
            s.updated,
            s.unchanged
        )
    };
    let mut entities = format!(
        "{} new {}, {} new {}",
        s.orgs_created,
        plural(s.orgs_created, "organization", "organizations"),
        s.people_created,
        plural(s.people_created, "person", "people")
    );
    if s.aliases_added > 0 {
        entities.push_str(&format!(
            ", {} new {}",
            s.aliases_added,
            plural(s.aliases_added, "alias", "aliases")
        ));
    }
    let prefix = if dry_run {
        "Dry run, nothing written: would import"
    } else {
        "Imported"
    };
    format!(
        "{prefix} {changes}; {entities} ({:.2} s)",
        took.as_secs_f64()
    )
}

/// A progress bar on stderr for imports that take more than a moment; never drawn when
/// stderr is not a terminal or in CI.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: std::cell::Cell<bool>,
    ticks: std::cell::Cell<u64>,
}

impl Progress {
    fn new(size: Option<u64>, started: Instant) -> Progress {
        let enabled = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::hidden());
        let style = match size {
            Some(_) => ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            ),
            None => ProgressStyle::with_template("{spinner} {bytes} read ({bytes_per_sec})"),
        };
        if let Ok(style) = style {
            bar.set_style(style);
        }
        Progress {
            bar,
            started,
            enabled,
            shown: std::cell::Cell::new(false),
            ticks: std::cell::Cell::new(0),
        }
    }

    fn tick(&self) {
        let n = self.ticks.get() + 1;
        self.ticks.set(n);
        if !n.is_multiple_of(1024) {
            return;
        }
        if self.enabled && !self.shown.get() && self.started.elapsed() > PROGRESS_DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
    }
}
