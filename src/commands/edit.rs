//! `events edit-event`, `edit-participant`, `remove-participant` and `remove-event`: careful
//! changes to what is recorded; each changes exactly what it says and nothing else.

use anyhow::{Result, anyhow, bail};
use chrono::Datelike;

use crate::Context;
use crate::cli::{EditEventArgs, EditParticipantArgs, RemoveEventArgs, RemoveParticipantArgs};
use crate::dates::{compact_range, iso, parse_date};
use crate::model::{Event, EventRecord, key_problem, name_key, normalize_name};
use crate::store::{ListsChanged, SessionEdit, Store, StoreError};

/// A flag given replaces the field (an empty value clears it, once validated).
fn set(field: &mut Option<String>, value: &Option<String>) {
    if let Some(value) = value {
        *field = Some(value.clone());
    }
}

/// How long an edit is read and written again while other processes keep changing the record
/// between its read and its write (as long as a writer waits for the database's lock).
const EDIT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `edit` (read the record, work out the change, write it) again while the store finds
/// that another process changed the record between its read and its write: after a pause
/// that grows, and differs between processes, so that many editing one record at once (a
/// loop in each of several shells) all get their turn.
fn retrying(mut edit: impl FnMut() -> Result<()>) -> Result<()> {
    let started = std::time::Instant::now();
    let mut pause_ms: u64 = 1;
    // Each process pauses a little differently: its id stirred with the clock.
    let mut noise = u64::from(std::process::id())
        ^ u64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos()),
        );
    loop {
        match edit() {
            Err(e) if changed_meanwhile(&e) && started.elapsed() < EDIT_PATIENCE => {
                noise = noise
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let jitter = (noise >> 33) % pause_ms.max(1);
                std::thread::sleep(std::time::Duration::from_millis(pause_ms + jitter));
                pause_ms = (pause_ms * 2).min(100);
            }
            result => return result,
        }
    }
}

/// Whether the store refused an edit because the record changed since it was read.
fn changed_meanwhile(e: &anyhow::Error) -> bool {
    e.downcast_ref::<StoreError>()
        .is_some_and(|e| matches!(e.root(), StoreError::ChangedMeanwhile))
}

pub fn event(ctx: &Context, args: &EditEventArgs) -> Result<()> {
    let since = guard(args.if_unchanged_since.as_deref())?;
    let mut store = super::open_existing(ctx, &format!("event with id or key {:?}", args.event))?;
    // Organizations named by their initialisms, once (not at each retry).
    let mut args = args.clone();
    for list in [
        &mut args.organizer,
        &mut args.add_organizer,
        &mut args.remove_organizer,
        &mut args.partner,
        &mut args.add_partner,
        &mut args.remove_partner,
    ] {
        super::resolve_orgs(ctx, &mut *store, list)?;
    }
    retrying(|| edit_event(ctx, &mut *store, &args, since.as_deref()))
}

/// `--if-unchanged-since`, in the log's format.
fn guard(since: Option<&str>) -> Result<Option<String>> {
    since
        .map(|text| super::history::moment("if-unchanged-since", text))
        .transpose()
}

fn edit_event(
    ctx: &Context,
    store: &mut dyn Store,
    args: &EditEventArgs,
    since: Option<&str>,
) -> Result<()> {
    let id = super::resolve_event(store, &args.event)?;
    let current = store
        .get_event(id)?
        .ok_or_else(|| anyhow!("event {id} has just been removed"))?;
    let mut record = EventRecord {
        sessions: Vec::new(),
        participants: Vec::new(),
        ..EventRecord::from(&current)
    };
    let before = record
        .validate()
        .map_err(|_| anyhow!("event {id} is not valid as stored"))?;

    if let Some(title) = &args.title {
        record.title = title.clone();
    }
    move_dates(&mut record, &current, args)?;
    set(&mut record.kind, &args.kind);
    set(&mut record.mode, &args.mode);
    set(&mut record.location, &args.location);
    set(&mut record.region, &args.region);
    set(&mut record.project, &args.project);
    set(&mut record.description, &args.description);
    set(&mut record.source, &args.source);
    if let Some(key) = &args.key {
        // Every event has a key: it may be changed, never taken away. A new one must not read
        // as an id.
        let key = normalize_name(key);
        if key.is_empty() {
            bail!(
                "invalid --key {:?}: every event keeps a key (other databases and files know it by it); give a new key instead",
                args.key.as_deref().unwrap_or_default()
            );
        }
        if current.key.as_deref() != Some(key.as_str())
            && let Some(reason) = key_problem(&key)
        {
            bail!("invalid --key {key:?}: {reason}");
        }
        record.key = Some(key);
    }

    let mut lists = ListsChanged::default();
    let mut canonical = |name: &str| -> Result<String> {
        Ok(store
            .organization_name(name)?
            .unwrap_or_else(|| name.to_string()))
    };
    for (list, replace, add, remove, changed, what, flag) in [
        (
            &mut record.organizers,
            &args.organizer,
            &args.add_organizer,
            &args.remove_organizer,
            &mut lists.organizers,
            "an organizer",
            "organizer",
        ),
        (
            &mut record.partners,
            &args.partner,
            &args.add_partner,
            &args.remove_partner,
            &mut lists.partners,
            "a partner",
            "partner",
        ),
    ] {
        // Adding and removing one organization in one command says two things at once.
        for removed in remove {
            let target = name_key(&canonical(removed)?);
            for (added, how) in add
                .iter()
                .map(|a| (a, "--add-"))
                .chain(replace.iter().map(|a| (a, "--")))
            {
                if name_key(&canonical(added)?) == target {
                    bail!(
                        "{how}{flag} {added:?} and --remove-{flag} {removed:?} contradict each other; give one of them"
                    );
                }
            }
        }
        if !replace.is_empty() {
            *list = replace.clone();
        }
        for name in add {
            let target = name_key(&canonical(name)?);
            if !list.iter().any(|o| name_key(o) == target) {
                list.push(name.clone());
            }
        }
        for name in remove {
            let target = name_key(&canonical(name)?);
            let Some(at) = list.iter().position(|o| name_key(o) == target) else {
                bail!("{name:?} is not {what} of event {id}");
            };
            list.remove(at);
        }
        *changed = !replace.is_empty() || !add.is_empty() || !remove.is_empty();
    }
    for removed in &args.remove_tag {
        for (added, how) in args
            .add_tag
            .iter()
            .map(|a| (a, "--add-tag"))
            .chain(args.tag.iter().map(|a| (a, "--tag")))
        {
            if name_key(added) == name_key(removed) {
                bail!(
                    "{how} {added:?} and --remove-tag {removed:?} contradict each other; give one of them"
                );
            }
        }
    }
    // An organization added to one list while it stays in the other: say how to move it.
    // The list given in full (`--partner`) counts too when the other list is the stored one.
    let stored_organizers = args.organizer.is_empty() && args.add_organizer.is_empty();
    let stored_partners = args.partner.is_empty() && args.add_partner.is_empty();
    for (added, replaced, flag, as_flag, other, other_flag, as_other) in [
        (
            &args.add_partner,
            if stored_organizers {
                &args.partner[..]
            } else {
                &[][..]
            },
            "partner",
            "a partner",
            &record.organizers,
            "organizer",
            "an organizer",
        ),
        (
            &args.add_organizer,
            if stored_partners {
                &args.organizer[..]
            } else {
                &[][..]
            },
            "organizer",
            "an organizer",
            &record.partners,
            "partner",
            "a partner",
        ),
    ] {
        let given = added
            .iter()
            .map(|name| (name, "--add-"))
            .chain(replaced.iter().map(|name| (name, "--")));
        for (name, how) in given {
            let target = name_key(&canonical(name)?);
            for o in other {
                if name_key(&canonical(o)?) == target {
                    bail!(
                        "invalid {how}{flag} {name:?}: it is {as_other} of event {id}, and an organization is the organizer or a partner of an event, not both; to make it {as_flag}, give --remove-{other_flag} {name:?} too"
                    );
                }
            }
        }
    }
    if !args.tag.is_empty() {
        record.tags = args.tag.clone();
    }
    for tag in &args.add_tag {
        if !record.tags.iter().any(|t| name_key(t) == name_key(tag)) {
            record.tags.push(tag.clone());
        }
    }
    for tag in &args.remove_tag {
        let Some(at) = record
            .tags
            .iter()
            .position(|t| name_key(t) == name_key(tag))
        else {
            bail!("{tag:?} is not a tag of event {id}");
        };
        record.tags.remove(at);
    }
    lists.tags = !args.tag.is_empty() || !args.add_tag.is_empty() || !args.remove_tag.is_empty();

    let after = record
        .validate()
        .map_err(|errors| super::invalid_flags(errors, super::event_flag))?;
    let lists = ListsChanged {
        tags: lists.tags && after.tags != before.tags,
        organizers: lists.organizers && after.organizers != before.organizers,
        partners: lists.partners && after.partners != before.partners,
    };
    let sessions = session_edits(args)?;
    if after == before && sessions.is_empty() {
        ctx.note(&format!("Event {id} already says that; nothing changed"));
        return Ok(());
    }
    let near = store.near_organizations(&[&after.organizers[..], &after.partners[..]].concat())?;
    let edited = store
        .edit_event(id, &current, &after, lists, &sessions, since)
        .map_err(|e| match e {
            StoreError::DuplicateKey { key, id } => {
                anyhow!("invalid --key {key:?}: event {id} has it already")
            }
            e => e.into(),
        })?;
    ctx.note(&format!("Updated event {id}: {}", after.title));
    super::note_near_names(ctx, &near);
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    if edited.merged > 0 {
        ctx.note(&format!(
            "{} merged into another of the same name",
            n(edited.merged, "session was", "sessions were")
        ));
    }
    if edited.unassigned > 0 {
        ctx.note(&format!(
            "{} in the removed sessions now {} no session",
            n(edited.unassigned, "participation", "participations"),
            if edited.unassigned == 1 {
                "has"
            } else {
                "have"
            }
        ));
    }
    if edited.duplicates > 0 {
        ctx.note(&format!(
            "{} identical to another removed",
            n(edited.duplicates, "participation", "participations")
        ));
    }
    Ok(())
}

/// `--rename-session OLD NEW` and `--remove-session S`, renames first, each in the order given.
fn session_edits(args: &EditEventArgs) -> Result<Vec<SessionEdit>> {
    let mut edits = Vec::new();
    for pair in args.rename_session.chunks(2) {
        let [old, new] = pair else {
            bail!("--rename-session takes two values, OLD and NEW");
        };
        let new = normalize_name(new);
        if new.is_empty() {
            bail!(
                "invalid --rename-session {old:?} {new:?}: the new name must not be empty; to remove a session, use --remove-session"
            );
        }
        // One rename per session per command: `A B` then `B A` (a swap) would merge both
        // into A, and `A B` then `B C` would carry A's participants on to C unseen.
        for earlier in &edits {
            if let SessionEdit::Rename {
                old: earlier_old,
                new: earlier_new,
            } = earlier
                && (name_key(earlier_new) == name_key(old)
                    || name_key(earlier_old) == name_key(old))
            {
                bail!(
                    "--rename-session {earlier_old:?} {earlier_new:?} and --rename-session {old:?} {new:?} rename one session twice; give them in two commands (through a third name to swap two)"
                );
            }
        }
        edits.push(SessionEdit::Rename {
            old: old.clone(),
            new,
        });
    }
    edits.extend(args.remove_session.iter().cloned().map(SessionEdit::Remove));
    Ok(edits)
}

/// `--start` alone moves the whole event and keeps its length, as calendars do; `--end` alone
/// changes the end; both are taken as given. A date that does not parse is left for
/// validation to report, with every other problem.
fn move_dates(record: &mut EventRecord, current: &Event, args: &EditEventArgs) -> Result<()> {
    match (&args.start, &args.end) {
        (None, None) => {}
        (Some(start), None) => {
            record.start = start.clone();
            if let Ok(new_start) = parse_date(start) {
                let days = (current.end - current.start).num_days();
                let end = new_start
                    .checked_add_signed(current.end - current.start)
                    .filter(|end| end.year() <= 9999)
                    .ok_or_else(|| {
                        anyhow!(
                            "invalid --start {start:?}: the event lasts {} days and would end after 9999-12-31",
                            days + 1
                        )
                    })?;
                record.end = Some(iso(end));
            }
        }
        (None, Some(end)) => {
            if let Ok(new_end) = parse_date(end)
                && new_end < current.start
            {
                bail!(
                    "invalid --end {end:?}: is before the event's start, {}; give --start too to move the event",
                    iso(current.start)
                );
            }
            record.end = Some(end.clone());
        }
        (Some(start), Some(end)) => {
            if let (Ok(new_start), Ok(new_end)) = (parse_date(start), parse_date(end))
                && new_end < new_start
            {
                bail!("invalid --end {end:?}: is before --start {start:?}");
            }
            record.start = start.clone();
            record.end = Some(end.clone());
        }
    }
    Ok(())
}

pub fn participant(ctx: &Context, args: &EditParticipantArgs) -> Result<()> {
    let since = guard(args.if_unchanged_since.as_deref())?;
    let mut store = super::open_existing(ctx, &format!("participation {}", args.id))?;
    let mut args = args.clone();
    if let Some(org) = &mut args.org {
        super::resolve_orgs(ctx, &mut *store, std::slice::from_mut(org))?;
    }
    retrying(|| edit_participant(ctx, &mut *store, &args, since.as_deref()))
}

fn edit_participant(
    ctx: &Context,
    store: &mut dyn Store,
    args: &EditParticipantArgs,
    since: Option<&str>,
) -> Result<()> {
    let (event_id, current) = store
        .participation(args.id)?
        .ok_or_else(|| no_participation(args.id))?;
    let before = current
        .validate()
        .map_err(|e| anyhow!("participation {} is not valid as stored: {e}", args.id))?;
    let mut record = current.clone();
    if let Some(name) = &args.name {
        record.name = name.clone();
    }
    set(&mut record.organization, &args.org);
    set(&mut record.position, &args.position);
    set(&mut record.role, &args.role);
    set(&mut record.session, &args.session);
    set(&mut record.contribution, &args.contribution);
    if args.head {
        record.head = true;
    }
    if args.no_head {
        record.head = false;
    }
    if record.head
        && record
            .organization
            .as_deref()
            .is_none_or(|o| o.trim().is_empty())
    {
        let id = args.id;
        match (args.head, args.org.as_deref()) {
            (true, Some(org)) => bail!(
                "invalid --head: a head heads the delegation of an organization, and --org {org:?} names none"
            ),
            (true, None) => bail!(
                "invalid --head: participation {id} records no organization whose delegation it could head; give --org too"
            ),
            (false, _) => bail!(
                "invalid --org {:?}: participation {id} heads its delegation and would head no organization's; give an organization, or --no-head",
                args.org.as_deref().unwrap_or_default()
            ),
        }
    }
    let after = record.validate().map_err(|e| {
        super::invalid_flags(vec![e], |field| match field {
            "organization" => "org",
            other => other,
        })
    })?;
    if after == before {
        ctx.note(&format!(
            "Participation {} already says that; nothing changed",
            args.id
        ));
        return Ok(());
    }
    let near = super::near_participant(store, &after)?;
    match store.edit_participation(args.id, event_id, &current, &after, since) {
        Err(StoreError::SameAsAnother { other }) => {
            bail!(
                "participation {} would then record the same as participation {other} of event {event_id}; nothing changed (remove one with `events remove-participant {}`)",
                args.id,
                args.id
            );
        }
        result => result?,
    }
    ctx.note(&format!(
        "Updated participation {} ({} at event {event_id})",
        args.id, after.name
    ));
    super::note_near_names(ctx, &near);
    Ok(())
}

fn no_participation(id: i64) -> anyhow::Error {
    anyhow!("no participation has id {id}; `events show EVENT` lists an event's participations")
}

pub fn remove_participant(ctx: &Context, args: &RemoveParticipantArgs) -> Result<()> {
    let mut store = super::open_existing(ctx, &format!("participation {}", args.id))?;
    let (event_id, record) = store
        .participation(args.id)?
        .ok_or_else(|| no_participation(args.id))?;
    store.remove_participation(args.id, event_id)?;
    ctx.note(&format!(
        "Removed participation {}: {} at event {event_id}",
        args.id, record.name
    ));
    Ok(())
}

pub fn remove_event(ctx: &Context, args: &RemoveEventArgs) -> Result<()> {
    let mut store = super::open_existing(ctx, &format!("event with id or key {:?}", args.event))?;
    let id = super::resolve_event(&mut *store, &args.event)?;
    let event = store
        .get_event(id)?
        .ok_or_else(|| anyhow!("event {id} has just been removed"))?;
    let n = event.participants.len();
    let what = crate::render::text::escape(&format!(
        "event {id}, {:?} ({}), with its {n} {}",
        event.title,
        compact_range(event.start, event.end),
        if n == 1 {
            "participation"
        } else {
            "participations"
        }
    ))
    .into_owned();
    if !super::confirm(
        args.yes,
        &format!("Remove {what}?"),
        &format!("not removing {what}"),
    )? {
        ctx.note("Nothing removed.");
        return Ok(());
    }
    store.remove_event(id)?;
    ctx.note(&format!("Removed {what}"));
    Ok(())
}
