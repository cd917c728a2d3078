//! `events import`: load a file of events (JSON, NDJSON, CSV, iCalendar) or participants (CSV) in one
//! transaction: all of it, or, if any record is wrong, none of it.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Context;
use crate::cli::{ImportArgs, ImportFormat};
use crate::formats::{self, InputFormat, Item, Problem, ReadResult};
use crate::model::{
    AliasRecord, EventFilter, EventRecord, EventRef, Field, FieldError, NewEvent, NewParticipant,
    key_problem, name_key, normalize_name,
};
use crate::model::{KEY_PREFIX, key_reference};
use crate::render::text::escape;
use crate::render::text::shell_word;
use crate::store::{
    self, Access, AliasProblem, AmbiguousName, Import, ImportStats, Location, Outcome,
    RoleConflict, Store,
};

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
        Some(ImportFormat::Xlsx) => (InputFormat::Xlsx, input),
        Some(ImportFormat::Ics) => (InputFormat::Ics, input),
        None => match path.and_then(InputFormat::from_extension) {
            Some(format) => (format, input),
            None => {
                let (format, input) =
                    sniff(input).with_context(|| format!("cannot read {name}"))?;
                let format = format.with_context(|| {
                    format!(
                        "cannot tell the format of {name}; give --format json, ndjson, csv, \
                         xlsx or ics"
                    )
                })?;
                (format, input)
            }
        },
    };
    let mut input = BufReader::with_capacity(1 << 18, input);
    // A workbook is a zip, read whole (its directory is at its end); opened here, so that
    // a file that is none is said at once.
    let mut workbook = None;
    if format == InputFormat::Xlsx {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
        let opened = formats::xlsx::Workbook::open(bytes)
            .with_context(|| format!("cannot import {name}"))?;
        for sheet in opened.ignored_sheets() {
            ctx.note(&format!(
                "note: the sheet {sheet:?} of {name} is not read (only {})",
                formats::xlsx::SHEETS.join(", ")
            ));
        }
        // A person's own columns beside the records (notes...) are not read: said once a sheet.
        for (sheet, columns) in opened.ignored_columns() {
            ctx.note(&format!(
                "note: the {} {} of the sheet {sheet} of {name} {} not read",
                if columns.len() == 1 {
                    "column"
                } else {
                    "columns"
                },
                quoted_list(&columns),
                if columns.len() == 1 { "is" } else { "are" },
            ));
        }
        workbook = Some(opened);
    }

    // A dry run never creates a database that is not there; a real import into a database
    // that is not there builds it aside and puts it in place only once complete, so a
    // failed import leaves no database behind.
    let mut store = match args.dry_run {
        true => super::open_for_reading(ctx)?,
        false => super::told(ctx, store::open(&ctx.location, Access::Import)?)?,
    };
    let mut import = store.begin_import()?;
    import.describe("import", Some(name.clone()));
    let mut problems = Problems::default();
    let mut file_absent: Option<Vec<Field>> = None;
    // New keys that `add-event` would refuse (made only of digits...): from an older events.
    let mut odd_keys: Vec<String> = Vec::new();
    let mut kind = "events";
    // Where an earlier record is: a workbook has rows, other files lines.
    let unit = if format == InputFormat::Xlsx {
        "row"
    } else {
        "line"
    };
    // What a workbook's events did, told apart from what its participants did.
    let mut events_stats = None;
    // A workbook's Participants rows of events its Events sheet could not write: counted, not
    // listed each as "no event has this key" (the events' own problems say why).
    let mut events_refused = false;
    let mut of_unwritten = 0u64;
    let mut skipped: Vec<Skipped> = Vec::new();

    // One thread reads and validates records while this one writes them: the two halves
    // take about as long as each other on a large file. The channel is bounded, so memory
    // stays bounded whatever the file's size.
    let (sender, receiver) = mpsc::sync_channel::<Vec<Checked>>(4);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            store::not_in_this_thread();
            let records: Box<dyn Iterator<Item = ReadResult>> = match format {
                InputFormat::Json => Box::new(formats::json::ArrayReader::new(input)),
                InputFormat::Ndjson => Box::new(formats::ndjson::Reader::new(input)),
                InputFormat::Csv => Box::new(formats::csv::Reader::new(input)),
                InputFormat::Xlsx => match workbook {
                    Some(workbook) => Box::new(workbook.records()),
                    None => Box::new(std::iter::empty()),
                },
                InputFormat::Ics => Box::new(formats::ics_read::Reader::new(input)),
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
            // A workbook's problems name the sheet of the record they are about.
            if format == InputFormat::Xlsx {
                problems.sheet = sheet_of(&checked);
            }
            match checked {
                Checked::Problem(problem) => problems.push(problem),
                Checked::Skipped { line, key, what } => {
                    // Recorded already (an invitation imported before it was cancelled)?
                    let recorded = match &key {
                        Some(key) if skipped.len() < SHOWN_SKIPPED => {
                            import.has_key(&normalize_name(key))?
                        }
                        _ => false,
                    };
                    skipped.push(Skipped {
                        line,
                        key: key.filter(|_| recorded),
                        what,
                    });
                }
                Checked::Event {
                    line,
                    event,
                    absent,
                } => {
                    // The fields no record of the file gave (for CSV, the same in every
                    // record): what a merge into a database created meanwhile keeps.
                    file_absent = Some(match file_absent.take() {
                        None => absent.clone(),
                        Some(f) => f.into_iter().filter(|a| absent.contains(a)).collect(),
                    });
                    match event.complete(&mut import, &absent)? {
                        Err(errors) => {
                            for e in errors {
                                // A field the record does not have has no value to quote.
                                let absent = Field::from_name(&e.field)
                                    .is_some_and(|field| absent.contains(&field));
                                let mut problem = Problem::from_field_error(line, e);
                                if absent {
                                    problem.value = None;
                                    if !problem.reason.starts_with("is missing") {
                                        problem.reason = "is missing; every event needs a title \
                                                          and a start date (YYYY-MM-DD)"
                                            .to_string();
                                    }
                                }
                                problems.push(problem);
                            }
                        }
                        Ok(event) => {
                            // A key `add-event` would refuse (digits only...) comes from an
                            // older `events`, whose exports must import back: taken, and said.
                            if let Some(key) = &event.key
                                && key_problem(key).is_some()
                                && !import.has_key(key)?
                            {
                                odd_keys.push(key.clone());
                            }
                            // Records are written even after a problem (all is rolled back
                            // then), so that every problem of the file is found in one go.
                            let outcome = import
                                .apply(&event, line, &absent)
                                .with_context(|| format!("{name}: line {line}"))?;
                            if args.dry_run {
                                progress.bar.suspend(|| {
                                    dry_run_change(ctx, &import, &event, &outcome);
                                });
                            }
                            let problem = match outcome {
                                Outcome::Invalid(e) => {
                                    problems.push(Problem::from_field_error(line, e));
                                    continue;
                                }
                                Outcome::BothRoles(conflict) => Some((
                                    conflict.field.as_str(),
                                    conflict.name.clone(),
                                    both_roles(&conflict),
                                )),
                                Outcome::SameAsLine(first) => Some(match &event.key {
                                    Some(key) => (
                                        "key",
                                        key.clone(),
                                        format!("the same key is on {unit} {first}"),
                                    ),
                                    None => (
                                        "title",
                                        event.title.clone(),
                                        format!(
                                            "the same title and start date are on {unit} {first}; \
                                         give the records keys to tell them apart"
                                        ),
                                    ),
                                }),
                                Outcome::Ambiguous(keys) => Some((
                                    "title",
                                    event.title.clone(),
                                    format!(
                                        "the record has no key, and several events have this \
                                         title and start date (keys {}); give it the key of \
                                         the one it is for",
                                        quoted_list(&keys)
                                    ),
                                )),
                                Outcome::AmbiguousName(ambiguous) => {
                                    problems.push(ambiguous_problem(line, &ambiguous));
                                    continue;
                                }
                                _ => None,
                            };
                            if let Some((field, value, reason)) = problem {
                                problems.push(Problem {
                                    value: Some(value),
                                    ..Problem::field(line, field, reason)
                                });
                            }
                        }
                    }
                }
                Checked::Aliases { line, aliases } => match aliases {
                    Err(mut e) => {
                        // A workbook's Organizations and People sheets name the column.
                        if format == InputFormat::Xlsx {
                            if e.field.starts_with("aliases") {
                                e.field = "aliases".to_string();
                            } else if e.field == "organization" || e.field == "person" {
                                e.field = "name".to_string();
                            }
                        }
                        problems.push(Problem::from_field_error(line, e))
                    }
                    Ok(record) => {
                        let what = if record.organization.is_some() {
                            "organization"
                        } else {
                            "person"
                        };
                        let problem = match import.apply_aliases(&record)? {
                            Ok(()) => None,
                            Err(AliasProblem::Ambiguous(ambiguous)) => {
                                problems.push(ambiguous_problem(line, &ambiguous));
                                continue;
                            }
                            Err(AliasProblem::Taken { alias, owner }) => Some((
                                alias,
                                format!("is already a name of another {what}, {owner:?}"),
                            )),
                            Err(AliasProblem::BothRoles { alias, events }) => Some((
                                alias,
                                format!(
                                    "makes the {what} both organizer and partner of {events} {} \
                                     of this file, which name it by both names; an organization \
                                     is one or the other",
                                    if events == 1 { "event" } else { "events" }
                                ),
                            )),
                        };
                        if let Some((alias, reason)) = problem {
                            problems.push(Problem {
                                value: Some(alias),
                                ..Problem::field(line, "aliases", reason)
                            });
                        }
                    }
                },
                Checked::Participant {
                    line,
                    event,
                    participant,
                    by_person,
                } => {
                    if kind == "events"
                        && matches!(format, InputFormat::Xlsx | InputFormat::Ics)
                        && file_absent.is_some()
                    {
                        // A workbook's events were all read before its participants, and a
                        // calendar's before its attendees.
                        events_stats = Some(import.stats());
                        events_refused = problems.count > 0;
                    }
                    kind = "participants";
                    match participant {
                        Err(e) => problems.push(Problem::from_field_error(line, e)),
                        Ok(participant) => {
                            let reference = EventRef::parse(&event);
                            let outcome = if by_person {
                                import.apply_attendee(&reference, &participant, line)?
                            } else {
                                import.apply_participant(&reference, &participant, line)?
                            };
                            if let Some(Outcome::AmbiguousName(ambiguous)) = &outcome {
                                problems.push(ambiguous_problem(line, ambiguous));
                                continue;
                            }
                            if let Some(Outcome::Invalid(e)) = outcome {
                                // A second head of a delegation.
                                problems.push(Problem::from_field_error(line, e));
                            } else if outcome.is_none() && by_person {
                                // A calendar's attendee of an event of the file that was not
                                // written: the event's own problem says why.
                            } else if outcome.is_none() && events_refused {
                                of_unwritten += 1;
                            } else if outcome.is_none() {
                                // The hint looks through every key: only for problems that
                                // will be shown, not for each of 100,000 rows of a wrong file.
                                let hint = if problems.shown.len() < SHOWN_PROBLEMS {
                                    super::unresolved_hint(&reference, &mut import)?
                                } else {
                                    None
                                };
                                let what = match reference {
                                    EventRef::Id(_) => "no event has this id",
                                    EventRef::Key(_) => "no event has this key",
                                };
                                let reason = match hint {
                                    Some(hint) => format!("{what}; {hint}"),
                                    None => what.to_string(),
                                };
                                problems.push(Problem {
                                    value: Some(event),
                                    ..Problem::field(line, "event", reason)
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
        if of_unwritten > 0 {
            eprintln!(
                "{}",
                escape(&format!(
                    "{name}: and {of_unwritten} {} of Participants whose events were not written, because of the problems of the Events sheet above",
                    plural(of_unwritten, "row", "rows")
                ))
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
    let twins = import.twins().clone();
    let read_as = import.read_as().first.clone();
    let read_as_count = import.read_as().count;
    if args.dry_run {
        import.rollback()?;
    } else {
        import.commit()?;
    }
    if let Some(mut built) = store.put_in_place()? {
        // Another process created the database meanwhile: what was built goes into it.
        let absent = file_absent.unwrap_or_default();
        stats = merge_into(&mut *built, &ctx.location, &name, &absent)?;
        // Merged as events with their participants: counted as events.
        events_stats = None;
    }
    ctx.note(&match events_stats {
        Some(events) => workbook_summary(&name, events, stats, args.dry_run, started.elapsed()),
        None => summary(&name, kind, stats, args.dry_run, started.elapsed()),
    });
    note_near_names(ctx, &near);
    note_skipped(ctx, &name, &skipped, args.dry_run);
    for (written, own) in &read_as {
        ctx.note(&format!(
            "note: {written:?} is read as {own:?}, whose abbreviation it is"
        ));
    }
    if read_as_count > read_as.len() {
        ctx.note(&format!(
            "note: ... and {} more names read as abbreviations",
            read_as_count - read_as.len()
        ));
    }
    if let Some((new, old)) = &twins.first {
        let n = twins.count;
        ctx.note(&format!(
            "note: {n} {} the title and start date of an event already there ({new:?} beside \
             {old:?}); if {} the same, the file knows it by a key it had before: \
             `events remove-event {} --yes` takes the new one away",
            plural(n, "new event has", "new events have"),
            if n > 1 {
                "the first two are"
            } else {
                "they are"
            },
            shell_word(&key_reference(new)),
        ));
    }
    if let Some(first) = odd_keys.first() {
        let reference = shell_word(&format!("{KEY_PREFIX}{first}")).into_owned();
        let n = odd_keys.len() as u64;
        ctx.note(&format!(
            "note: {n} {} ({first:?}{}) made only of digits, or otherwise not one \
             `add-event` takes (an older events gave such keys): reach {} as `{reference}`, \
             and give {} another with `events edit-event {reference} --key NEW`",
            plural(n, "event has a key", "events have keys"),
            if n > 1 { ", ..." } else { "" },
            plural(n, "it", "them"),
            plural(n, "it", "each"),
        ));
    }
    Ok(())
}

/// How many skipped records an import lists; the rest are counted.
const SHOWN_SKIPPED: usize = 5;

/// A record of the file not imported (a cancelled event of a calendar): where, why, and the
/// key of the event it would have updated, when there is one.
struct Skipped {
    line: u64,
    key: Option<String>,
    what: String,
}

/// Says which records of the file were not imported, and how to remove an event recorded
/// before it was cancelled.
fn note_skipped(ctx: &Context, name: &str, skipped: &[Skipped], dry_run: bool) {
    let verb = if dry_run { "would skip" } else { "skipped" };
    for s in skipped.iter().take(SHOWN_SKIPPED) {
        let mut note = format!("note: {name}: line {}: {verb}: {}", s.line, s.what);
        if let Some(key) = &s.key {
            note.push_str(&format!(
                "; an event with its key is recorded: `events remove-event {} --yes` removes it",
                shell_word(&key_reference(key))
            ));
        }
        ctx.note(&note);
    }
    if skipped.len() > SHOWN_SKIPPED {
        ctx.note(&format!(
            "note: ... and {} more skipped",
            skipped.len() - SHOWN_SKIPPED
        ));
    }
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
/// a JSON array, `{` NDJSON, a zip's signature a workbook, `BEGIN:VCALENDAR` iCalendar;
/// nothing but white space is empty NDJSON. Gives back a reader of the whole input, the white
/// space read reduced to its line breaks (all that matters to JSON,
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
                    // A zip's signature: what an .xlsx is (looked for in the first read, which
                    // holds it but from a pipe fed a byte at a time; --format xlsx then).
                    b'P' if chunk[i..].starts_with(b"PK\x03\x04") => Some(InputFormat::Xlsx),
                    _ if chunk[i..]
                        .get(..15)
                        .is_some_and(|s| s.eq_ignore_ascii_case(b"BEGIN:VCALENDAR")) =>
                    {
                        Some(InputFormat::Ics)
                    }
                    _ => None,
                };
                kept.extend_from_slice(&chunk[i..]);
                return Ok((format, Box::new(io::Cursor::new(kept).chain(input))));
            }
        }
    }
}

/// Imports everything in the database `source` into the one at `to`, in one transaction, as
/// an import of the original file would have: events matched by key or title and start date,
/// aliases added.
fn merge_into(
    source: &mut dyn Store,
    to: &Location,
    name: &str,
    absent: &[Field],
) -> Result<ImportStats> {
    let mut target = store::open(to, Access::Write)?;
    let mut import = target.begin_import()?;
    import.describe("import", Some(name.to_string()));
    let mut line = 0;
    source.each_event(&EventFilter::default(), |event| {
        line += 1;
        let record = EventRecord::from(&event);
        let event = record
            .validate()
            .map_err(|_| anyhow::anyhow!("event {} of {name} no longer validates", event.id))?;
        match import.apply(&event, line, absent)? {
            Outcome::SameAsLine(_) => bail!("{name} holds the same event twice"),
            Outcome::Invalid(e) => bail!("{name}: event {}: {e}", event.title),
            Outcome::BothRoles(conflict) => {
                bail!("{name}: event {:?}: {}", event.title, both_roles(&conflict))
            }
            // A database's events name organizations by their own names, which are found.
            Outcome::AmbiguousName(ambiguous) => bail!(
                "{name}: event {:?}: {} {:?} {}",
                event.title,
                ambiguous.field,
                ambiguous.name,
                ambiguous_reason(&ambiguous)
            ),
            _ => {}
        }
        Ok(())
    })?;
    for record in source.alias_records(&EventFilter::default())? {
        match import.apply_aliases(&record)? {
            Ok(()) => {}
            Err(AliasProblem::Taken { alias, owner }) => {
                bail!("alias {alias:?} in {name} is already a name of {owner:?} in {to}")
            }
            Err(AliasProblem::Ambiguous(ambiguous)) => bail!(
                "the organization {:?} of aliases in {name} {}",
                ambiguous.name,
                ambiguous_reason(&ambiguous)
            ),
            // The events of a database are checked as they are written; this database's
            // aliases came with them.
            Err(AliasProblem::BothRoles { alias, .. }) => bail!(
                "alias {alias:?} in {name} would make an organization both organizer and partner of an event in {to}"
            ),
        }
    }
    let stats = import.stats();
    import.commit()?;
    Ok(stats)
}

/// Records travel from the reading thread in batches of this many.
const BATCH: usize = 128;

/// A record read and validated, or what was wrong with it.
enum Checked {
    Problem(Problem),
    Skipped {
        line: u64,
        key: Option<String>,
        what: String,
    },
    Event {
        line: u64,
        event: Box<Validated>,
        absent: Vec<Field>,
    },
    Participant {
        line: u64,
        event: String,
        participant: Result<NewParticipant, FieldError>,
        by_person: bool,
    },
    Aliases {
        line: u64,
        aliases: Result<AliasRecord, FieldError>,
    },
}

fn check(item: ReadResult) -> Checked {
    match item {
        Err(problem) => Checked::Problem(problem),
        Ok(Item::Skipped { line, key, what }) => Checked::Skipped { line, key, what },
        Ok(Item::Event {
            line,
            record,
            absent,
        }) => {
            // A record that leaves out its title or start date can only update an event with
            // its key, whose title or start date it keeps: it is validated once that is read.
            let partial = record.key.is_some() && absent.iter().any(|f| REQUIRED.contains(f));
            let event = if partial {
                Validated::Partial(*record)
            } else {
                Validated::Done(record.validate())
            };
            Checked::Event {
                line,
                event: Box::new(event),
                absent,
            }
        }
        Ok(Item::Aliases { line, record }) => Checked::Aliases {
            line,
            aliases: record.validate(),
        },
        Ok(Item::Participant {
            line,
            event,
            record,
            by_person,
        }) => Checked::Participant {
            line,
            event,
            participant: record.validate(),
            by_person,
        },
    }
}

/// The fields a new event cannot do without.
const REQUIRED: [Field; 2] = [Field::Title, Field::Start];

/// An event record validated, or one to complete from the event it updates first.
enum Validated {
    Done(Result<NewEvent, Vec<FieldError>>),
    Partial(EventRecord),
}

impl Validated {
    /// The validated event: a partial record takes the title and start date it leaves out
    /// from the event with its key; with no such event, each is missing.
    fn complete(
        self,
        import: &mut Import<'_>,
        absent: &[Field],
    ) -> Result<Result<NewEvent, Vec<FieldError>>> {
        let mut record = match self {
            Validated::Done(result) => return Ok(result),
            Validated::Partial(record) => record,
        };
        let key = normalize_name(record.key.as_deref().unwrap_or_default());
        let Some(stored) = import.stored_with_key(&key)? else {
            return Ok(Err(REQUIRED
                .iter()
                .filter(|f| absent.contains(f))
                .map(|field| FieldError {
                    field: field.as_str().to_string(),
                    value: String::new(),
                    reason: format!(
                        "is missing: no event has the key {key:?} to update, and a new event \
                         needs a title and a start date"
                    ),
                })
                .collect()));
        };
        if absent.contains(&Field::Title) {
            record.title = stored.title;
        }
        let start_kept = absent.contains(&Field::Start);
        if start_kept {
            record.start = crate::dates::iso(stored.start);
        }
        Ok(record.validate().map_err(|mut errors| {
            // An end given alone is checked against the start the event keeps: say so.
            for e in &mut errors {
                if start_kept && e.field == "end" && e.reason.starts_with("is before the start") {
                    e.reason = format!(
                        "is before the stored start, {} (the record leaves out `start`)",
                        record.start
                    );
                }
            }
            errors
        }))
    }
}

/// What a dry run says of each event it would create or change, on stderr: `would create
/// "KEY"`, `would update "KEY": title, tags` (the fields that would change). An event without
/// a key is named by its title and start date.
fn dry_run_change(ctx: &Context, import: &Import<'_>, event: &NewEvent, outcome: &Outcome) {
    let name = |key: &Option<String>, title: &str, start| match key {
        Some(key) => format!("{key:?}"),
        None => format!("{title:?} ({})", crate::dates::iso(start)),
    };
    match (outcome, import.last_update()) {
        (Outcome::Created, _) => ctx.note(&format!(
            "would create {}",
            name(&event.key, &event.title, event.start)
        )),
        (Outcome::Updated, Some(update)) => ctx.note(&format!(
            "would update {}: {}",
            name(&update.key, &update.title, update.start),
            update
                .fields
                .iter()
                .map(|field| field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => {}
    }
}

/// The problems found: all counted, the first few kept to be shown.
#[derive(Default)]
struct Problems {
    count: u64,
    shown: Vec<Problem>,
    /// The worksheet of the record at hand, given to its problems that name none.
    sheet: Option<&'static str>,
}

impl Problems {
    fn push(&mut self, mut problem: Problem) {
        if problem.sheet.is_none()
            && let Some(sheet) = self.sheet
        {
            problem.sheet = Some(sheet.to_string());
            // The earlier participation the store's reason ends with, "(line N of this
            // file)", is a row of the same sheet; only that phrase is rewritten.
            if let Some(at) = problem.reason.rfind("(line ")
                && problem.reason.ends_with(" of this file)")
            {
                problem
                    .reason
                    .replace_range(at..at + "(line ".len(), "(row ");
            }
        }
        self.count += 1;
        if self.shown.len() < SHOWN_PROBLEMS {
            self.shown.push(problem);
        }
    }
}

/// A record's organization named by what is the initialism of several: the line, the field
/// and the name, and which organizations.
fn ambiguous_problem(line: u64, ambiguous: &AmbiguousName) -> Problem {
    Problem {
        value: Some(ambiguous.name.clone()),
        ..Problem::field(line, ambiguous.field.clone(), ambiguous_reason(ambiguous))
    }
}

/// `is the initialism of 2 organizations: "A", "B"; ...`: what to do too.
pub(super) fn ambiguous_reason(ambiguous: &AmbiguousName) -> String {
    // The alias as abbreviations are written plain: "u.n.d.p." is UNDP.
    let alias = crate::model::abbrev::abbreviation_key(&ambiguous.name)
        .unwrap_or_else(|| ambiguous.name.clone());
    format!(
        "is the initialism of {} organizations: {}; name one of them, or make {:?} an alias of one (an alias record, or `events org alias NAME {}`)",
        ambiguous.names.len(),
        ambiguous
            .names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        alias,
        shell_word(&alias)
    )
}

/// Why a record cannot make an organization both organizer and partner of its event.
pub(super) fn both_roles(conflict: &RoleConflict) -> String {
    let other_role = if conflict.field == Field::Partners {
        "an organizer"
    } else {
        "a partner"
    };
    let other_list = if conflict.field == Field::Partners {
        "organizers"
    } else {
        "partners"
    };
    let as_other = if name_key(&conflict.other) == name_key(&conflict.name) {
        String::new()
    } else {
        format!(", as {:?}", conflict.other)
    };
    let kept = if conflict.other_kept {
        format!(" (the record leaves out `{other_list}`, which keeps the stored ones)")
    } else {
        String::new()
    };
    format!(
        "is also {other_role} of the event{as_other}{kept}; an organization is the organizer \
         or a partner of an event, not both"
    )
}

/// `"a", "b" and "c"`.
fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The worksheet a workbook's record comes from (a problem the reader found names its own).
fn sheet_of(checked: &Checked) -> Option<&'static str> {
    use formats::xlsx::{EVENTS, ORGANIZATIONS, PARTICIPANTS, PEOPLE};
    match checked {
        Checked::Problem(_) | Checked::Skipped { .. } => None,
        Checked::Event { .. } => Some(EVENTS),
        Checked::Participant { .. } => Some(PARTICIPANTS),
        Checked::Aliases { aliases, .. } => Some(match aliases {
            Ok(record) if record.person.is_some() => PEOPLE,
            Err(e) if e.field.starts_with("person") => PEOPLE,
            _ => ORGANIZATIONS,
        }),
    }
}

/// The summary of a workbook with events and participants: `events` counts what its Events
/// sheet did, `all` the whole import. "Imported 3 events from F: 3 created, ...; 12
/// participants: 12 added, ...; 5 new organizations, ...": the events' counts, then the
/// participants', then what both made.
fn workbook_summary(
    name: &str,
    events: ImportStats,
    all: ImportStats,
    dry_run: bool,
    took: Duration,
) -> String {
    let participants = ImportStats {
        created: all.created.saturating_sub(events.created),
        updated: all.updated.saturating_sub(events.updated),
        unchanged: all.unchanged.saturating_sub(events.unchanged),
        ..all
    };
    let total = participants.created + participants.updated + participants.unchanged;
    format!(
        "{} {}; {total} {} {}; {} ({:.2} s)",
        summary_prefix(dry_run),
        changes(name, "events", &events),
        plural(total, "participant:", "participants:"),
        counts("participants", &participants),
        entities(&all),
        took.as_secs_f64()
    )
}

fn summary(name: &str, kind: &str, s: ImportStats, dry_run: bool, took: Duration) -> String {
    format!(
        "{} {}; {} ({:.2} s)",
        summary_prefix(dry_run),
        changes(name, kind, &s),
        entities(&s),
        took.as_secs_f64()
    )
}

fn summary_prefix(dry_run: bool) -> &'static str {
    if dry_run {
        "Dry run, nothing written: would import"
    } else {
        "Imported"
    }
}

/// `3 events from F: 3 created, 0 updated, 0 unchanged`.
fn changes(name: &str, kind: &str, s: &ImportStats) -> String {
    let total = s.created + s.updated + s.unchanged;
    let (one, many) = if kind == "participants" {
        ("participant", "participants")
    } else {
        ("event", "events")
    };
    format!(
        "{total} {} from {name}: {}",
        plural(total, one, many),
        counts(kind, s)
    )
}

/// What the records did: `3 created, 0 updated, 0 unchanged` (events), `12 added, 0 already
/// there` (participants).
fn counts(kind: &str, s: &ImportStats) -> String {
    if kind == "participants" && s.updated > 0 {
        // Rows that made a participation already there the head of its delegation.
        format!(
            "{} added, {} made head of a delegation, {} already there",
            s.created, s.updated, s.unchanged
        )
    } else if kind == "participants" {
        format!("{} added, {} already there", s.created, s.unchanged)
    } else {
        format!(
            "{} created, {} updated, {} unchanged",
            s.created, s.updated, s.unchanged
        )
    }
}

/// `5 new organizations, 9 new people, 11 new aliases`.
fn entities(s: &ImportStats) -> String {
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
    entities
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
        // The bar takes the width the figures leave on the terminal's line (`wide_bar`);
        // on a narrow terminal, fewer figures, so that the line never wraps.
        let narrow = crate::render::stderr_width().is_some_and(|w| w < 60);
        let template = match (size, narrow) {
            (Some(_), false) => "{wide_bar} {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left",
            (Some(_), true) => "{wide_bar} {percent:>3}%",
            (None, false) => "{spinner} {bytes} read ({bytes_per_sec})",
            (None, true) => "{spinner} {bytes}",
        };
        let style = ProgressStyle::with_template(template);
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
