//! `events import`: load a file of events (JSON, NDJSON, CSV) or participants (CSV) in one
//! transaction: all of it, or, if any record is wrong, none of it.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Context;
use crate::cli::{ImportArgs, ImportFormat};
use crate::formats::{self, InputFormat, Item, Problem, ReadResult};
use crate::model::{FieldError, NewEvent, NewParticipant};
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
    // A dry run never creates a database that is not there.
    let mut store = if args.dry_run {
        Store::open_for_reading(&ctx.db_path)?
    } else {
        Store::open(&ctx.db_path)?
    };
    let mut import = store.begin_import()?;
    let mut problems = Problems::default();
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

        for checked in receiver.iter().flatten() {
            progress.tick();
            match checked {
                Checked::Problem(problem) => problems.push(problem),
                Checked::Event { line, event } => match *event {
                    Err(errors) => {
                        for e in errors {
                            problems.push(Problem::from_field_error(line, e));
                        }
                    }
                    Ok(event) => {
                        // Records are written even after a problem (all is rolled back
                        // then), so that every problem of the file is found in one go.
                        if let Outcome::SameAsLine(first) = import.apply(&event, line)? {
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

/// Records travel from the reading thread in batches of this many.
const BATCH: usize = 128;

/// A record read and validated, or what was wrong with it.
enum Checked {
    Problem(Problem),
    Event {
        line: u64,
        event: Box<Result<NewEvent, Vec<FieldError>>>,
    },
    Participant {
        line: u64,
        event: String,
        participant: Result<NewParticipant, FieldError>,
    },
}

fn check(item: ReadResult) -> Checked {
    match item {
        Err(problem) => Checked::Problem(problem),
        Ok(Item::Event { line, record }) => Checked::Event {
            line,
            event: Box::new(record.validate()),
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
