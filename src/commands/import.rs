//! `events import`: load a file of events (JSON, NDJSON, CSV) or participants (CSV) in one
//! transaction: all of it, or, if any record is wrong, none of it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Context;
use crate::cli::{ImportArgs, ImportFormat};
use crate::formats::{self, InputFormat, Item, Problem, ReadResult};
use crate::render::text::escape;
use crate::store::{ImportStats, Store};

/// How many problems are listed before the rest are only counted.
const SHOWN_PROBLEMS: usize = 20;

/// How long an import runs before a progress bar appears (on a terminal only).
const PROGRESS_DELAY: Duration = Duration::from_millis(300);

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let started = Instant::now();
    let path = args.file.as_deref().filter(|p| *p != Path::new("-"));
    let (name, input, size): (String, Box<dyn Read>, Option<u64>) = match path {
        None => (
            "<stdin>".to_string(),
            Box::new(std::io::stdin().lock()),
            None,
        ),
        Some(path) => {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            let size = file.metadata().ok().map(|m| m.len());
            (path.display().to_string(), Box::new(file), size)
        }
    };
    let progress = Progress::new(size, started);
    let mut input = BufReader::with_capacity(1 << 18, progress.bar.wrap_read(input));

    let format = match args.format {
        Some(ImportFormat::Json) => InputFormat::Json,
        Some(ImportFormat::Ndjson) => InputFormat::Ndjson,
        Some(ImportFormat::Csv) => InputFormat::Csv,
        None => match path.and_then(InputFormat::from_extension) {
            Some(format) => format,
            None => InputFormat::sniff(&mut input)
                .with_context(|| format!("cannot read {name}"))?
                .with_context(|| {
                    format!("cannot tell the format of {name}; give --format json, ndjson or csv")
                })?,
        },
    };
    let records: Box<dyn Iterator<Item = ReadResult>> = match format {
        InputFormat::Json => Box::new(formats::json::ArrayReader::new(input)),
        InputFormat::Ndjson => Box::new(formats::ndjson::Reader::new(input)),
        InputFormat::Csv => Box::new(formats::csv::Reader::new(input)),
    };

    // A dry run never creates a database that is not there.
    let mut store = if args.dry_run {
        Store::open_for_reading(&ctx.db_path)?
    } else {
        Store::open(&ctx.db_path)?
    };
    let mut import = store.begin_import()?;
    let mut problems = Problems::default();
    let mut keys: HashMap<String, u64> = HashMap::new();
    let mut kind = "events";
    for (n, item) in records.enumerate() {
        if n % 1024 == 0 {
            progress.tick();
        }
        match item {
            Err(problem) => problems.push(problem),
            Ok(Item::Event { line, record }) => match record.validate() {
                Err(errors) => {
                    for e in errors {
                        problems.push(Problem::from_field_error(line, e));
                    }
                }
                Ok(event) => {
                    if let Some(key) = &event.key {
                        match keys.entry(key.clone()) {
                            Entry::Occupied(first) => {
                                problems.push(Problem {
                                    value: Some(key.clone()),
                                    ..Problem::field(
                                        line,
                                        "key",
                                        format!("the same key is on line {}", first.get()),
                                    )
                                });
                                continue;
                            }
                            Entry::Vacant(slot) => {
                                slot.insert(line);
                            }
                        }
                    }
                    if problems.is_empty() {
                        import.apply(&event)?;
                    }
                }
            },
            Ok(Item::Participant {
                line,
                event,
                record,
            }) => {
                kind = "participants";
                match record.validate() {
                    Err(e) => problems.push(Problem::from_field_error(line, e)),
                    Ok(participant) => {
                        let found = if problems.is_empty() {
                            import.apply_participant(&event, &participant)?.is_some()
                        } else {
                            import.event_exists(&event)?
                        };
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

    let stats = import.stats();
    if args.dry_run {
        import.rollback()?;
    } else {
        import.commit()?;
    }
    ctx.note(&summary(
        &name,
        kind,
        stats,
        args.dry_run,
        started.elapsed(),
    ));
    Ok(())
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

    fn is_empty(&self) -> bool {
        self.count == 0
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
    let entities = format!(
        "{} new {}, {} new {}",
        s.orgs_created,
        plural(s.orgs_created, "organization", "organizations"),
        s.people_created,
        plural(s.people_created, "person", "people")
    );
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
        }
    }

    fn tick(&self) {
        if self.enabled && !self.shown.get() && self.started.elapsed() > PROGRESS_DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
    }
}
