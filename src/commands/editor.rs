//! `events edit EVENT`: the event as `show --format json` prints it, in the user's editor;
//! saved, if valid and if nobody changed the event meanwhile, as one `edit` operation.
//!
//! The editor is `$VISUAL`, else `$EDITOR`, else `vi`, run as git runs it (`sh -c '$EDITOR
//! "$@"' sh FILE`), so that it may be a command with arguments. The text is read with the
//! reader and validation of `import` (one JSON record), with the same messages; the derived
//! `delegations` are shown only, and the `id` cannot change. Whatever is not saved (invalid,
//! refused because the event changed meanwhile, an editor that failed) stays in the file,
//! named in the message.

use std::fs::File;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::Context;
use crate::cli::EditArgs;
use crate::formats::{self, Item, Problem};
use crate::model::{EventRecord, NewEvent, RecordKind, key_problem};
use crate::render::text::escape;
use crate::store::{Outcome, StoreError};

/// What the edit of the text came to.
enum Read {
    /// Nothing to save: the text, or the record it reads as, is the event as it is.
    Unchanged,
    /// A valid event, to save.
    Changed(Box<NewEvent>),
    /// What is wrong with the text.
    Problems(Vec<Problem>),
}

pub fn run(ctx: &Context, args: &EditArgs) -> Result<()> {
    let mut store = super::open_existing(ctx, &format!("event with id or key {:?}", args.event))?;
    let id = super::resolve_event(&mut *store, &args.event)?;
    let event = store
        .get_event(id)?
        .ok_or_else(|| anyhow!("event {id} has just been removed"))?;
    // What the save is guarded by: the newest operation that had changed the event, and its
    // stamp, when it was read.
    let last_op = store
        .last_change(RecordKind::Event, id)?
        .map(|last| last.operation);
    let updated_at = event.updated_at.clone();
    let stored = EventRecord::from(&event)
        .validate()
        .map_err(|_| anyhow!("event {id} is not valid as stored"))?;
    let mut shown = Vec::new();
    formats::json::write_event(&mut shown, &event)?;
    // No connection is held while a person edits (a server may close an idle one).
    drop(store);

    let editor = editor()?;
    let file = TempText::create(event.key.as_deref(), id, &shown)?;
    let path = file.path.display().to_string();
    loop {
        run_editor(&editor, &file.path)
            .map_err(|e| anyhow!("{e}; nothing was written; the text is kept in {path}"))?;
        let text =
            std::fs::read(&file.path).map_err(|e| anyhow!("cannot read {path} back: {e}"))?;
        let mut notes = Vec::new();
        let read = read(&text, &shown, id, &stored, &mut notes);
        for note in &notes {
            ctx.note(note);
        }
        let problems = match read {
            Read::Unchanged => {
                ctx.note(&format!("Event {id} left as it was; nothing changed."));
                file.remove();
                return Ok(());
            }
            Read::Problems(problems) => problems,
            Read::Changed(new) => {
                let kept = || format!("nothing was written; your text is kept in {path}");
                let mut store = super::open(ctx).map_err(|e| e.context(kept()))?;
                match save(&mut *store, id, last_op, &updated_at, &new) {
                    Ok(Saved::Updated(near)) => {
                        file.remove();
                        ctx.note(&format!("Updated event {id}: {}", new.title));
                        super::note_near_names(ctx, &near);
                        return Ok(());
                    }
                    Ok(Saved::Unchanged) => {
                        file.remove();
                        ctx.note(&format!("Event {id} already says that; nothing changed."));
                        return Ok(());
                    }
                    Ok(Saved::Problems(problems)) => problems,
                    Err(e) => {
                        let e = match e.downcast::<StoreError>() {
                            Ok(StoreError::ChangedSince { changes, at, .. }) => {
                                let by = match changes.last() {
                                    Some(last) => format!(
                                        "by {} at {} (operation {}, {})",
                                        last.who(),
                                        last.at,
                                        last.operation,
                                        last.command
                                    ),
                                    None => {
                                        format!("at {}", at.as_deref().unwrap_or("an unknown time"))
                                    }
                                };
                                anyhow!(
                                    "event {id} was changed {by} while you edited it; nothing was written; your text is kept in {path} (`events edit {id}` opens the event as it is now)"
                                )
                            }
                            Ok(StoreError::Gone { .. }) => anyhow!(
                                "event {id} was removed while you edited it; nothing was written; your text is kept in {path}"
                            ),
                            Ok(e) => anyhow::Error::from(e).context(kept()),
                            Err(e) => e.context(kept()),
                        };
                        return Err(e);
                    }
                }
            }
        };
        for problem in &problems {
            eprintln!("{}", escape(&format!("{path}: {}", shown_problem(problem))));
        }
        let n = problems.len();
        let what = format!(
            "{n} {} in the edited event",
            if n == 1 { "problem" } else { "problems" }
        );
        if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            eprint!("{what}. Edit it again? [Y/n] ");
            std::io::stderr().flush()?;
            let mut answer = String::new();
            if std::io::stdin().lock().read_line(&mut answer)? == 0 {
                eprintln!();
                answer = "n".to_string();
            }
            if !matches!(answer.trim().to_lowercase().as_str(), "n" | "no") {
                continue;
            }
        }
        // (Errors are escaped where they are printed.)
        bail!("{what}; nothing was written; your text is kept in {path}");
    }
}

/// A problem as a line of the message: the field and value at fault (the text is one
/// record), or the line where the JSON breaks.
fn shown_problem(problem: &Problem) -> String {
    match (&problem.field, &problem.value) {
        (Some(field), Some(value)) => format!("{field} {value:?}: {}", problem.reason),
        (Some(field), None) => format!("{field}: {}", problem.reason),
        _ => problem.to_string(),
    }
}

/// Reads the edited text as `import` reads a JSON record, and validates it.
fn read(text: &[u8], shown: &[u8], id: i64, stored: &NewEvent, notes: &mut Vec<String>) -> Read {
    if text == shown {
        return Read::Unchanged;
    }
    let Ok(json) = std::str::from_utf8(text) else {
        // The reader says where the bytes are not UTF-8.
        return Read::Problems(match formats::parse_event(1, text) {
            Err(problem) => vec![problem],
            Ok(_) => vec![Problem::new(1, "invalid UTF-8")],
        });
    };
    // Broken JSON is told by the line it breaks on.
    let mut value: serde_json::Value = match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => {
            let mut reason = e.to_string();
            if let Some(at) = reason.rfind(" at line ") {
                reason.truncate(at);
            }
            return Read::Problems(vec![Problem::new(
                e.line().max(1) as u64,
                format!("broken JSON: {reason} (column {})", e.column()),
            )]);
        }
    };
    // The delegations are derived from the participants: shown, never read (an edit of them
    // is said to be ignored).
    let derived = value
        .as_object_mut()
        .and_then(|object| object.shift_remove("delegations"));
    if let Some(edited) = &derived {
        let original = serde_json::from_slice::<serde_json::Value>(shown)
            .ok()
            .and_then(|mut v| v.as_object_mut()?.shift_remove("delegations"));
        if original.as_ref() != Some(edited) {
            notes.push(
                "note: \"delegations\" is derived from the participants, and ignored: a participant's \"head\" says who heads a delegation".to_string(),
            );
        }
    }
    let bytes = match derived {
        Some(_) => serde_json::to_vec(&value).unwrap_or_default(),
        None => text.to_vec(),
    };
    let record = match formats::parse_event(1, &bytes) {
        Ok(Item::Event { record, .. }) => record,
        Ok(_) => {
            return Read::Problems(vec![Problem::new(
                1,
                "expected an event object, {\"title\": ...}",
            )]);
        }
        Err(problem) => return Read::Problems(vec![problem]),
    };
    let mut problems = Vec::new();
    if let Some(given) = record.id
        && given != id
    {
        problems.push(Problem {
            value: Some(given.to_string()),
            ..Problem::field(
                1,
                "id",
                format!("is not this event's id, {id}, which cannot change; to record another event, use `events add-event` or `events import`"),
            )
        });
    }
    match record.validate() {
        Err(errors) => {
            problems.extend(errors.into_iter().map(|e| Problem::from_field_error(1, e)));
        }
        Ok(new) => {
            match (&new.key, &stored.key) {
                (None, Some(key)) => problems.push(Problem::field(
                    1,
                    "key",
                    format!("is missing; every event keeps a key (this one's is {key:?}): give it, or another"),
                )),
                (Some(key), old) if old.as_ref() != Some(key) => {
                    if let Some(reason) = key_problem(key) {
                        problems.push(Problem {
                            value: Some(key.clone()),
                            ..Problem::field(1, "key", reason)
                        });
                    }
                }
                _ => {}
            }
            if problems.is_empty() {
                if new == *stored {
                    return Read::Unchanged;
                }
                return Read::Changed(Box::new(new));
            }
        }
    }
    Read::Problems(problems)
}

/// What saving came to.
enum Saved {
    /// Saved; with the names it created that are close to known ones.
    Updated(Vec<crate::store::NearName>),
    Unchanged,
    Problems(Vec<Problem>),
}

/// Saves the edited event in one import transaction, logged as `edit`, refused if the event
/// was changed since it was read.
fn save(
    store: &mut dyn crate::store::Store,
    id: i64,
    last_op: Option<i64>,
    updated_at: &str,
    new: &NewEvent,
) -> Result<Saved> {
    let mut import = store.begin_import()?;
    import.describe("edit", None);
    if let Err(e) = import.guard(id, last_op, updated_at) {
        import.rollback()?;
        return Err(e.into());
    }
    let outcome = match import.apply_to(id, new) {
        Ok(outcome) => outcome,
        Err(StoreError::DuplicateKey { key, id: other }) => {
            import.rollback()?;
            return Ok(Saved::Problems(vec![Problem {
                value: Some(key),
                ..Problem::field(1, "key", format!("event {other} has it already"))
            }]));
        }
        Err(e) => {
            import.rollback()?;
            return Err(e.into());
        }
    };
    let problem = match outcome {
        Outcome::Updated => {
            let near = import.near_names()?;
            import.commit()?;
            return Ok(Saved::Updated(near));
        }
        Outcome::Unchanged => {
            import.rollback()?;
            return Ok(Saved::Unchanged);
        }
        Outcome::Invalid(e) => Problem::from_field_error(1, e),
        Outcome::BothRoles(conflict) => Problem {
            value: Some(conflict.name.clone()),
            ..Problem::field(
                1,
                conflict.field.as_str(),
                super::import::both_roles(&conflict),
            )
        },
        Outcome::AmbiguousName(ambiguous) => Problem {
            value: Some(ambiguous.name.clone()),
            ..Problem::field(
                1,
                ambiguous.field.clone(),
                super::import::ambiguous_reason(&ambiguous),
            )
        },
        Outcome::Created | Outcome::SameAsLine(_) | Outcome::Ambiguous(_) => {
            import.rollback()?;
            bail!("event {id} could not be saved as edited; nothing was written");
        }
    };
    import.rollback()?;
    Ok(Saved::Problems(vec![problem]))
}

/// The editor to run: `$VISUAL`, else `$EDITOR`, else `vi` (only on a terminal: without one,
/// vi could neither show nor be told anything).
fn editor() -> Result<String> {
    if let Some(editor) = ["VISUAL", "EDITOR"]
        .into_iter()
        .filter_map(std::env::var_os)
        .find(|e| !e.is_empty())
    {
        return Ok(editor.to_string_lossy().into_owned());
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "no editor to edit the event in: set $VISUAL or $EDITOR (without a terminal, vi cannot be run); nothing was written"
        );
    }
    Ok("vi".to_string())
}

/// Runs `editor` on `path` as git does, with the terminal (if any) of this process. While it
/// runs, Ctrl-C and Ctrl-\ are the editor's: this process ignores them, so as not to end
/// under it.
fn run_editor(editor: &str, path: &Path) -> Result<()> {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(path)
        .spawn()
        .map_err(|e| anyhow!("cannot run the editor {editor:?}: {e}"))?;
    // SAFETY: setting the disposition of two signals, and restoring what it was; nothing
    // else runs meanwhile (the editor is a process of its own, which keeps its own).
    let before = unsafe {
        [
            libc::signal(libc::SIGINT, libc::SIG_IGN),
            libc::signal(libc::SIGQUIT, libc::SIG_IGN),
        ]
    };
    let status = child.wait();
    // SAFETY: as above.
    unsafe {
        libc::signal(libc::SIGINT, before[0]);
        libc::signal(libc::SIGQUIT, before[1]);
    }
    let status = status.map_err(|e| anyhow!("cannot wait for the editor {editor:?}: {e}"))?;
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was stopped by a signal".to_string(),
        };
        bail!("the editor {editor:?} {how}");
    }
    Ok(())
}

/// The file the event is edited in: in the temporary directory, named after the event, made
/// new (never someone else's file), readable by its owner only.
struct TempText {
    path: PathBuf,
}

impl TempText {
    fn create(key: Option<&str>, id: i64, text: &[u8]) -> Result<TempText> {
        let name: String = key
            .unwrap_or("")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        let name = if name.trim_matches(['.', '_']).is_empty() {
            format!("event-{id}")
        } else {
            name
        };
        let dir = std::env::temp_dir();
        let pid = std::process::id();
        for n in 0..100 {
            let suffix = if n == 0 {
                format!("{pid}")
            } else {
                format!("{pid}-{n}")
            };
            let path = dir.join(format!("events-{name}-{suffix}.json"));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&path) {
                Ok(mut file) => {
                    write_all(&mut file, text)
                        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
                    return Ok(TempText { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => bail!(
                    "cannot create a file in {} to edit the event in: {e}",
                    dir.display()
                ),
            }
        }
        bail!(
            "cannot create a file in {} to edit the event in: too many files of that name",
            dir.display()
        )
    }

    fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn write_all(file: &mut File, text: &[u8]) -> std::io::Result<()> {
    file.write_all(text)?;
    file.sync_all()
}
