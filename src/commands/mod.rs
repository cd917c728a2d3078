//! One module per subcommand: each turns its arguments into domain values, calls the store and
//! renders the result.

pub mod add_event;
pub mod add_participant;
pub mod completions;
pub mod curate;
pub mod doctor;
pub mod edit;
pub mod editor;
pub mod export;
pub mod history;
pub mod import;
pub mod list;
pub mod maintain;
pub mod man;
pub mod orgs;
pub mod people;
pub mod report;
pub mod show;
pub mod stats;

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use anyhow::{Result, anyhow, bail};

use crate::Context;
use crate::cli::{FilterArgs, ListFormat, OrgRoleArg, SortArg};
use crate::dates::parse_period;
use crate::formats;
use crate::model::{
    EventFilter, EventRef, FieldError, LinkRole, Mode, Sort, normalize_name, search_query,
};
use crate::render::{self, Style, Terminal};
use crate::store::{self, Access, NearName, Store};

/// Turns validation problems into one error that names each flag, value and reason.
fn invalid_flags(errors: Vec<FieldError>, flag_of: impl Fn(&str) -> &str) -> anyhow::Error {
    let problems: Vec<String> = errors
        .into_iter()
        .map(|e| {
            format!(
                "invalid --{} {:?}: {}",
                flag_of(&e.field),
                e.value,
                e.reason
            )
        })
        .collect();
    anyhow!(problems.join("; "))
}

/// Prints `value` as pretty JSON on standard output.
fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = render::data_stdout(Style::Json);
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Whether to go on with what `question` asks (`Remove event 3?`): yes with `--yes`; else
/// asked on the terminal, `[y/N]`; without a terminal and `--yes`, an error saying
/// `refusal` ("not removing event 3") and why.
fn confirm(yes: bool, question: &str, refusal: &str) -> Result<bool> {
    use std::io::{BufRead, IsTerminal};
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{refusal} without --yes (there is no terminal to ask on)");
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    // End of input (Ctrl-D) leaves the cursor on the prompt's line: end that line first.
    if std::io::stdin().lock().read_line(&mut answer)? == 0 {
        eprintln!();
    }
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Prints a view in the format asked for: `json` as JSON, `header` and `rows` as CSV, or the
/// table `table` draws; `empty` instead of a table when there is nothing to show.
fn print_view<'a>(
    format: ListFormat,
    json: &impl serde::Serialize,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cow<'a, str>>>,
    empty: Option<&str>,
    table: impl FnOnce(&mut dyn Write, Terminal) -> Result<()>,
) -> Result<()> {
    match (format, empty) {
        (ListFormat::Json, _) => print_json(json)?,
        (ListFormat::Csv, _) => {
            let mut out = render::data_stdout(Style::Text);
            formats::csv::write_table(&mut out, header, rows)?;
            out.flush()?;
        }
        (ListFormat::Table, Some(message)) => writeln!(std::io::stdout(), "{message}")?,
        (ListFormat::Table, None) => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            table(&mut out, Terminal::detect())?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Opens the database for writing, creating it if need be; says on stderr (unless `--quiet`)
/// what opening did, such as upgrading an older schema.
fn open(ctx: &Context) -> Result<Box<dyn Store>> {
    told(ctx, store::open(&ctx.location, Access::Write)?)
}

/// Opens the database for a command that only reads: one that does not exist reads as empty
/// and is not created.
fn open_for_reading(ctx: &Context) -> Result<Box<dyn Store>> {
    told(ctx, store::open(&ctx.location, Access::Read)?)
}

fn told(ctx: &Context, mut store: Box<dyn Store>) -> Result<Box<dyn Store>> {
    if let Some(notice) = store.take_notice() {
        ctx.note(&notice);
    }
    Ok(store)
}

/// Opens the database for a change to something that must already exist in it: a missing
/// file is not created. `what` names that thing, for the message.
fn open_existing(ctx: &Context, what: &str) -> Result<Box<dyn Store>> {
    if !ctx.location.exists() {
        bail!("no {what}: there is no database at {} yet", ctx.location);
    }
    open(ctx)
}

/// The flag a field of an event record comes from, for messages about `add-event` and
/// `edit-event`.
fn event_flag(field: &str) -> &str {
    match field {
        "organizers" => "organizer",
        "partners" => "partner",
        "tags" => "tag",
        other => other,
    }
}

/// Finds the event a reference (an id, a key, or `key:KEY`) names, or says that there is none
/// and what may have been meant.
fn resolve_event(store: &mut dyn Store, reference: &str) -> Result<i64> {
    if reference.trim().is_empty() {
        bail!(
            "no event is named {reference:?}: give an event's id or key (`events list` shows them)"
        );
    }
    let parsed = EventRef::parse(reference);
    // `0` and numbers past the largest id are written as ids, yet no id can be them: they
    // were looked up as keys (of old databases), but the user meant an id.
    let written_as_id = match &parsed {
        EventRef::Key(text) => {
            !reference.trim_start().starts_with("key:")
                && text.bytes().all(|b| b.is_ascii_digit())
                && (text == "0" || !text.starts_with('0'))
        }
        EventRef::Id(_) => false,
    };
    let named = match &parsed {
        EventRef::Key(text) if written_as_id => format!("id {text}"),
        _ => parsed.to_string(),
    };
    match store.resolve_event(&parsed)? {
        Some(id) => Ok(id),
        None => bail!(
            "no event with {named}; {}",
            unresolved_hint(&parsed, store)?
                .unwrap_or_else(|| "`events list` shows the events there are".to_string())
        ),
    }
}

/// What a reference that names no event may have meant: the `key:` form of an all-digit key
/// (from before such keys were refused), a key that differs only by case (keys are
/// case-sensitive), or the plain form of an id written `02` or `+2`.
fn unresolved_hint(
    reference: &EventRef,
    lookup: &mut (impl EventLookup + ?Sized),
) -> Result<Option<String>> {
    Ok(match reference {
        EventRef::Id(id) => {
            let text = id.to_string();
            lookup
                .keys_like(&text)?
                .contains(&text)
                .then(|| format!("an event has the key {text:?}: to name it, write `key:{text}`"))
        }
        EventRef::Key(key) => {
            let like = lookup.keys_like(key)?;
            if let Some(other) = like.first() {
                Some(format!("did you mean {other:?}? (keys are case-sensitive)"))
            } else if let Ok(id) = key.parse::<i64>()
                && id > 0
                && lookup.id_exists(id)?
            {
                Some(format!("an id is written as a plain number: {id}"))
            } else {
                None
            }
        }
    })
}

/// What [`unresolved_hint`] looks up: in the store, or in an import in progress (which sees
/// what it wrote).
trait EventLookup {
    /// The stored keys equal to `text` but for case, `text` itself first if stored.
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>>;
    /// Whether an event has this id.
    fn id_exists(&mut self, id: i64) -> Result<bool>;
}

impl EventLookup for dyn Store + '_ {
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        Ok(Store::keys_like(self, text)?)
    }

    fn id_exists(&mut self, id: i64) -> Result<bool> {
        Ok(self.resolve_event(&EventRef::Id(id))?.is_some())
    }
}

impl EventLookup for crate::store::Import<'_> {
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        Ok(crate::store::Import::keys_like(self, text)?)
    }

    fn id_exists(&mut self, id: i64) -> Result<bool> {
        Ok(self.has_id(id)?)
    }
}

/// Turns the filter flags into a validated filter.
fn event_filter(args: &FilterArgs) -> Result<EventFilter> {
    let period = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_period(t).map_err(|reason| anyhow!("invalid --{flag} {t:?}: {reason}")))
            .transpose()
    };
    let mut from = period("from", &args.from)?.map(|(first, _)| first);
    let mut to = period("to", &args.to)?.map(|(_, last)| last);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        bail!(
            "invalid --to {:?}: is before --from {:?}",
            args.to.as_deref().unwrap_or(""),
            args.from.as_deref().unwrap_or("")
        );
    }
    // --on is the overlap with one period: narrow the range to it.
    if let Some((first, last)) = period("on", &args.on)? {
        from = Some(from.map_or(first, |f| f.max(first)));
        to = Some(to.map_or(last, |t| t.min(last)));
    }
    // A filter given empty is a mistake (an unset shell variable, say), not "no filter".
    let name = |flag: &str, text: &Option<String>| -> Result<Option<String>> {
        match text.as_deref() {
            None => Ok(None),
            Some(t) if normalize_name(t).is_empty() => {
                bail!("invalid --{flag} {t:?}: must not be empty")
            }
            Some(t) => Ok(Some(normalize_name(t))),
        }
    };
    let mode = match args.mode.as_deref() {
        None => None,
        Some(text) => Some(Mode::parse(text).ok_or_else(|| {
            anyhow!("invalid --mode {text:?}: expected one of {}", Mode::CHOICES)
        })?),
    };
    let search = match args.search.as_deref() {
        None => None,
        Some(text) => Some(
            search_query(text).map_err(|reason| anyhow!("invalid --search {text:?}: {reason}"))?,
        ),
    };
    Ok(EventFilter {
        from,
        to,
        org: name("org", &args.org)?,
        org_role: args.org_role.map(|r| match r {
            OrgRoleArg::Organizer => LinkRole::Organizer,
            OrgRoleArg::Partner => LinkRole::Partner,
            OrgRoleArg::Participant => LinkRole::Participant,
        }),
        person: name("person", &args.person)?,
        role: name("role", &args.role)?,
        head: name("head", &args.head)?,
        kind: name("kind", &args.kind)?.map(|k| k.to_lowercase()),
        mode,
        region: name("region", &args.region)?,
        project: name("project", &args.project)?,
        tags: args
            .tag
            .iter()
            .map(|t| Ok(name("tag", &Some(t.clone()))?.unwrap_or_default()))
            .collect::<Result<_>>()?,
        search,
        sort: match args.sort {
            None | Some(SortArg::Start) => Sort::Start,
            Some(SortArg::StartDescending) => Sort::StartDescending,
            Some(SortArg::Title) => Sort::Title,
        },
        limit: args.limit,
    })
}

/// Puts in `filter` the own names of the organization and people that `--org`, `--person`
/// and `--head` mean (an initialism, a surname: [`Store::resolve`]); a name that nothing fits is left as
/// typed (it matches no event, and [`suggest_names`] says what may have been meant), one
/// that several fit is refused.
fn resolve_filter(store: &mut dyn Store, filter: &mut EventFilter) -> Result<()> {
    if let Some(org) = &mut filter.org {
        *org = store.resolved_name(store::EntityKind::Organization, org)?;
    }
    for person in [&mut filter.person, &mut filter.head].into_iter().flatten() {
        *person = store.resolved_name(store::EntityKind::Person, person)?;
    }
    Ok(())
}

/// The own name of the organization `typed` means (its initialism, say), or `typed` itself
/// when none fits: a new one, where the command creates it. Several that fit are refused.
fn org_name(store: &mut dyn Store, typed: &str) -> Result<String> {
    Ok(store.resolved_name(store::EntityKind::Organization, typed)?)
}

/// Puts in place of each organization of `names` that is no one's name but fits one
/// organization (its initialism) that organization's own name, and says so: for a command
/// that records them, where the name would otherwise make a new organization. Several that
/// fit are refused, before anything is written.
fn resolve_orgs(ctx: &Context, store: &mut dyn Store, names: &mut [String]) -> Result<()> {
    for name in names {
        let own = org_name(store, name)?;
        if own != *name {
            ctx.note(&format!(
                "note: {name:?} is read as {own:?}, whose abbreviation it is"
            ));
            *name = own;
        }
    }
    Ok(())
}

/// Says on stderr, when `--org` or `--person` names no one known, which known names are
/// closest.
fn suggest_names(ctx: &Context, store: &mut dyn Store, filter: &EventFilter) -> Result<()> {
    if let Some(org) = &filter.org
        && store.organization_id(org)?.is_none()
    {
        let close = store.similar_organizations(org, 3)?;
        ctx.note(&no_such_name("No", "organization", org, &close));
    }
    for person in [&filter.person, &filter.head].into_iter().flatten() {
        if store.person_id(person)?.is_none() {
            let close = store.similar_people(person, 3)?;
            ctx.note(&no_such_name("No", "person", person, &close));
        }
    }
    Ok(())
}

/// `note: new organization "X"; did you mean "Y"?`, for each name created (or to be) that is
/// close to a known one.
fn note_near_names(ctx: &Context, near: &[NearName]) {
    for n in near {
        ctx.note(&format!(
            "note: new {} {:?}; did you mean {:?}?",
            n.what, n.new, n.known
        ));
    }
}

/// The near-names of a participant's person and organization, before they are written.
fn near_participant(
    store: &mut dyn Store,
    p: &crate::model::NewParticipant,
) -> Result<Vec<NearName>> {
    let mut near = store.near_people(std::slice::from_ref(&p.name))?;
    if let Some(org) = &p.organization {
        near.extend(store.near_organizations(std::slice::from_ref(org))?);
    }
    Ok(near)
}

/// `No organization is called "X"; did you mean "A" or "B"?`; `no` is `No` for a note, which
/// starts a sentence, and `no` for an error, which follows `error: `.
fn no_such_name(no: &str, what: &str, name: &str, close: &[String]) -> String {
    let mut message = format!("{no} {what} is called {name:?}");
    if !close.is_empty() {
        let quoted: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
        let list = match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.join(""),
        };
        message.push_str(&format!("; did you mean {list}?"));
    }
    message
}
