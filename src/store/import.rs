//! Imports, above the backends: which stored event a record is (by key, else by title and
//! start date), whether it changes it and which fields, what an alias record that names a
//! name this very import created means. One import is one transaction of a backend
//! ([`ImportTxn`]), which only finds, reads and writes; every decision is taken here, once
//! for every backend.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::error::{Result, StoreError};
use super::fold::sort_key;
use super::history::Journal;
use super::keys::{GeneratedKeys, KeySpace};
use super::near::{NearName, near_created};
use super::plan::{Content, ParticipationPlan};
use super::resolve::Initialisms;
use super::{EntityKind, Found, MergeReport};
use crate::model::RecordKind;
use crate::model::abbrev::abbreviation_key;
use crate::model::{
    AliasRecord, Event, EventRef, Field, FieldError, Identity, NewEvent, NewParticipant, name_key,
    second_head,
};

/// What applying one record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// Nothing: the record matches (by key, or by title and start date) an event that an
    /// earlier record of the same import, on this line, already wrote.
    SameAsLine(u64),
    /// Nothing: the record has no key, and several stored events have its title and start
    /// date; these are their keys (the first few).
    Ambiguous(Vec<String>),
    /// Nothing: completed from the stored event, the record is not a valid event.
    Invalid(FieldError),
    /// Nothing: the record would make one organization both organizer and partner.
    BothRoles(RoleConflict),
    /// Nothing: an organization the record names is no one's name, and the initialism of
    /// several.
    AmbiguousName(AmbiguousName),
}

/// An organization named in a record by what is no one's name but the initialism of several
/// organizations: never one of them chosen silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousName {
    /// The record's field (`organizers`, `partners`, `participants[2].organization`,
    /// `organization`).
    pub field: String,
    /// The name as the record gives it.
    pub name: String,
    /// The own names of the organizations it is the initialism of, sorted.
    pub names: Vec<String>,
}

/// One organization named both organizer and partner of an event by a record: directly,
/// under two of its names, or by one list of the record and the other, stored, list that the
/// record leaves as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConflict {
    /// The list of the record to blame: `partners`, or `organizers` when the record leaves
    /// out `partners`.
    pub field: Field,
    /// The name as that list gives it.
    pub name: String,
    /// The same organization's name as the other list gives it.
    pub other: String,
    /// Whether the other list is the stored one, which the record leaves out.
    pub other_kept: bool,
}

/// Counts of what an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub orgs_created: u64,
    pub people_created: u64,
    /// Other names given to organizations and people.
    pub aliases_added: u64,
}

/// The events an import created beside a stored event of the same title and start date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Twins {
    pub count: u64,
    /// The first: the created event's key, and the stored one's.
    pub first: Option<(String, String)>,
}

/// Which fields an update changed, of which event (for `import --dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The event's key after the update, if it has one.
    pub key: Option<String>,
    pub title: String,
    pub start: NaiveDate,
    /// The fields that changed, in the order of the interchange shape.
    pub fields: Vec<Field>,
}

/// An alias record's name that is already another organization's or person's: the alias,
/// and the own name of the one it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasConflict {
    pub alias: String,
    pub owner: String,
}

/// Why an alias record cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasProblem {
    /// The alias is already a name of another organization or person, `owner`.
    Taken { alias: String, owner: String },
    /// The record's organization is no one's name, and the initialism of several.
    Ambiguous(AmbiguousName),
    /// The alias names an organization that this import created, and making it one with the
    /// record's organization would make that organization both organizer and partner of
    /// `events` events (as the events of the file name them).
    BothRoles { alias: String, events: usize },
}

/// One import's write transaction in a backend: what the import needs found, read and
/// written. Committed or rolled back as a whole; dropped, it is rolled back. Reads take
/// `&mut self`, as a server's client needs for every query.
pub trait ImportTxn: KeySpace<Error = StoreError> {
    /// What the import logs at its commit, as one operation: every record it creates,
    /// changes or removes goes in, with its state before and after (see [`Journal`]). The
    /// commit records it before committing, when it holds any change.
    fn journal(&mut self) -> &mut Journal;
    /// The operations that changed the record after operation `after` or at a time later
    /// than `since`, oldest first (as [`super::HistoryTxn::changes_since`]): for
    /// [`Import::guard`].
    fn changes_since(
        &mut self,
        kind: RecordKind,
        id: i64,
        after: Option<i64>,
        since: Option<&str>,
    ) -> Result<Vec<crate::model::LastChange>>;
    /// The event with this key, if any (one this import wrote included).
    fn event_with_key(&mut self, key: &str) -> Result<Option<i64>>;
    /// The events with this title (compared as names are) and start date, oldest first; a
    /// few at most.
    fn events_like(&mut self, title: &str, start: NaiveDate) -> Result<Vec<Identity>>;
    /// The line of the record of this import that wrote the event, if one did.
    fn line_of(&mut self, event: i64) -> Result<Option<u64>>;
    /// Remembers that the record on `line` wrote the event.
    fn record_line(&mut self, event: i64, line: u64) -> Result<()>;
    /// One event with all its links.
    fn event(&mut self, id: i64) -> Result<Option<Event>>;
    /// The organization or person known by `name` (its own or an alias), if any.
    fn find(&mut self, kind: EntityKind, name: &str) -> Result<Option<Found>>;
    /// Whether the store held no event when the import began (then no event of the import
    /// can be one stored before it).
    fn began_empty(&self) -> bool;
    /// Writes a new event with its links under `key` (its own, or one [`GeneratedKeys`]
    /// gave through this transaction's [`KeySpace`]); returns its id.
    fn insert_event(&mut self, event: &NewEvent, key: &str) -> Result<i64>;
    /// Writes the `fields` of `event` that changed over stored event `id` (its own fields
    /// always; a list only when named; sessions and participations as `plan` says, when
    /// either changed). A `None` key leaves the stored key as it is.
    fn update_event(
        &mut self,
        id: i64,
        event: &NewEvent,
        fields: &[Field],
        plan: Option<&ParticipationPlan>,
    ) -> Result<()>;
    /// The event was created or changed: its search text is to be brought up to date (now,
    /// or by the commit).
    fn event_changed(&mut self, id: i64) -> Result<()>;
    /// The event a reference names, if any.
    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>>;
    /// The stored keys equal to `text` but for case, `text` itself first if stored.
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>>;
    /// Whether the event has a participation recording exactly this (texts compared as
    /// names are).
    fn has_participation(&mut self, event: i64, p: &NewParticipant) -> Result<bool>;
    /// Adds a participation to the event; its time stamp and search text are brought up to
    /// date by the commit.
    fn add_participation(&mut self, event: i64, p: &NewParticipant) -> Result<()>;
    /// The organization or person known by `name`, created if new; and whether this call
    /// created it. What the import counts as its own comes from what the backend says it
    /// created (this, and [`ImportTxn::take_created`]), never from comparing ids: on a server,
    /// another session's entity may be given a larger id.
    fn entity(&mut self, kind: EntityKind, name: &str) -> Result<(i64, bool)>;

    /// The organizations and people that this transaction's writes created since the last
    /// call (events, participations, `entity`), in the order they were created.
    fn take_created(&mut self) -> Vec<(EntityKind, i64)>;
    /// Merges `other`, which this import created, into `keep`: `other`'s links and names
    /// become `keep`'s, and `other` is no more.
    fn absorb(&mut self, kind: EntityKind, keep: i64, other: i64) -> Result<MergeReport>;
    /// Gives `id` each of `aliases` it does not have yet; stops at the first that is another's
    /// name. Returns how many were added.
    fn add_aliases(
        &mut self,
        kind: EntityKind,
        id: i64,
        aliases: &[String],
    ) -> Result<std::result::Result<u64, AliasConflict>>;
    /// Calls `f` with the id and each name (own or alias) of every organization or person.
    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()>;
    /// Makes the import permanent.
    fn commit(self: Box<Self>) -> Result<()>;
    /// Discards everything the import did.
    fn rollback(self: Box<Self>) -> Result<()>;
}

/// An import in progress: a write transaction that is committed or rolled back as a whole.
pub struct Import<'a> {
    txn: Box<dyn ImportTxn + 'a>,
    stats: ImportStats,
    /// What the last record applied changed, when it updated an event.
    last_update: Option<Update>,
    /// The event [`Import::stored_with_key`] read last: a partial record reads its event to
    /// complete itself, then [`Import::apply`] needs the same event, unchanged in between.
    preloaded: Option<Event>,
    /// Events created beside one of the same title and start date.
    twins: Twins,
    /// The organizations, then the people, this import created.
    created: [Created; 2],
    /// The keys given to events without one, through this import's transaction.
    keys: GeneratedKeys,
    /// The delegations (event, organization's name key) a row of a participants file gave a
    /// head, with the row's line.
    head_lines: std::collections::HashMap<(i64, String), u64>,
    /// The organizations by the initialisms of their names: read at the first reference
    /// that is no one's name and could be an initialism, then kept up to date.
    initialisms: Option<Initialisms>,
    /// The names read as the abbreviations of organizations', to be told.
    read_as: ReadAs,
    /// Keys of names of organizations found as they are, while the initialisms are not read:
    /// a name met again is not looked up again. Bounded: past a limit, it starts afresh.
    org_names: std::collections::HashSet<String>,
    /// Names of organizations, as written, that are no abbreviation of another's: either
    /// not written like one or, once the initialisms are read, that none fits (forgotten
    /// when the initialisms change). Most names of a large import are met again and again:
    /// each is then one hash away. Bounded as `org_names`.
    plain: std::collections::HashSet<String, foldhash::fast::RandomState>,
}

/// How many organization names [`Import::org_reference`] remembers.
const KNOWN_ORG_NAMES: usize = 100_000;

/// The organizations (or people) an import created, in the order it created them.
#[derive(Default)]
struct Created {
    /// Ids in the order created; `None` where one was merged into another since.
    order: Vec<Option<i64>>,
    /// Each id's place in `order`.
    at: HashMap<i64, usize>,
}

impl Created {
    fn add(&mut self, id: i64) {
        self.at.insert(id, self.order.len());
        self.order.push(Some(id));
    }

    fn remove(&mut self, id: i64) {
        if let Some(at) = self.at.remove(&id) {
            self.order[at] = None;
        }
    }

    fn contains(&self, id: i64) -> bool {
        self.at.contains_key(&id)
    }

    fn count(&self) -> u64 {
        self.at.len() as u64
    }
}

fn slot(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Organization => 0,
        EntityKind::Person => 1,
    }
}

impl<'a> Import<'a> {
    /// An import in the backend's transaction `txn`.
    pub fn new(txn: Box<dyn ImportTxn + 'a>) -> Import<'a> {
        Import {
            txn,
            stats: ImportStats::default(),
            last_update: None,
            preloaded: None,
            twins: Twins::default(),
            created: Default::default(),
            keys: GeneratedKeys::default(),
            head_lines: Default::default(),
            initialisms: None,
            read_as: ReadAs::default(),
            org_names: std::collections::HashSet::new(),
            plain: Default::default(),
        }
    }

    /// What an organization named `name` by a record is, when it is no one's name but an
    /// abbreviation of organizations' names known before the import: `Ok(None)` when it is a
    /// name (or nothing fits: it is a new one), `Ok(Some(own name))` when it fits one
    /// organization, `Err(own names)` when it fits several. Cheap for most names: one not
    /// written like an abbreviation is not looked up, nor one that no organization's name is
    /// written as or gives.
    ///
    /// Only the organizations there before the import are abbreviated: one this import
    /// created is found by its name. So a file is read the same whatever the order of its
    /// records, and an export imported into an empty database gives back every organization
    /// it had ("AU" beside "African Union").
    fn org_reference(
        &mut self,
        name: &str,
    ) -> Result<std::result::Result<Option<String>, Vec<String>>> {
        // Into a database that had no organizations, every name is a name.
        let none_before = self.initialisms.as_ref().is_some_and(Initialisms::is_empty);
        if none_before || self.plain.contains(name) {
            return Ok(Ok(None));
        }
        let key = match abbreviation_key(name) {
            Some(key)
                if !self
                    .initialisms
                    .as_ref()
                    .is_some_and(|index| index.get(&key).1.is_empty()) =>
            {
                key
            }
            _ => {
                if self.plain.len() >= KNOWN_ORG_NAMES {
                    self.plain.clear();
                }
                self.plain.insert(name.to_string());
                return Ok(Ok(None));
            }
        };
        // A name stays a name for the rest of the import (a merge moves it, never drops it).
        let known = name_key(name);
        if self.org_names.contains(&known) {
            return Ok(Ok(None));
        }
        if self.txn.find(EntityKind::Organization, name)?.is_some() {
            if self.org_names.len() >= KNOWN_ORG_NAMES {
                self.org_names.clear();
            }
            self.org_names.insert(known);
            return Ok(Ok(None));
        }
        if self.initialisms.is_none() {
            let mut index = Initialisms::default();
            let created = &self.created[slot(EntityKind::Organization)];
            self.txn
                .each_name(EntityKind::Organization, &mut |id, name| {
                    if !created.contains(id) {
                        index.add(id, name);
                    }
                })?;
            self.initialisms = Some(index);
        }
        let fits = self
            .initialisms
            .as_ref()
            .map_or_else(Vec::new, |index| index.get(&key).1.to_vec());
        let mut found: Vec<Found> = Vec::with_capacity(fits.len());
        for (_, known) in fits {
            if let Some(one) = self.txn.find(EntityKind::Organization, &known)?
                && !found.iter().any(|f| f.id == one.id)
            {
                found.push(one);
            }
        }
        Ok(match found.len() {
            0 => Ok(None),
            1 => {
                let own = found.pop().map(|f| f.name);
                if let Some(own) = &own {
                    self.read_as.note(name, own);
                }
                Ok(own)
            }
            _ => {
                let mut names: Vec<String> = found.into_iter().map(|f| f.name).collect();
                names.sort_by_cached_key(|n| (sort_key(n), n.clone()));
                Err(names)
            }
        })
    }

    /// `event` with each organization it names by an initialism under that organization's
    /// own name: `Ok(None)` when it names none so, `Err` with the first one several fit.
    fn resolve_references(
        &mut self,
        event: &NewEvent,
    ) -> Result<std::result::Result<Option<NewEvent>, AmbiguousName>> {
        let mut changed: Option<NewEvent> = None;
        let lists = [
            ("organizers", &event.organizers),
            ("partners", &event.partners),
        ];
        for (field, names) in lists {
            for (i, name) in names.iter().enumerate() {
                match self.org_reference(name)? {
                    Ok(None) => {}
                    Ok(Some(own)) => {
                        let copy = changed.get_or_insert_with(|| event.clone());
                        let list = if field == "organizers" {
                            &mut copy.organizers
                        } else {
                            &mut copy.partners
                        };
                        list[i] = own;
                    }
                    Err(names) => {
                        return Ok(Err(AmbiguousName {
                            field: field.to_string(),
                            name: name.clone(),
                            names,
                        }));
                    }
                }
            }
        }
        for (i, p) in event.participants.iter().enumerate() {
            let Some(name) = &p.organization else {
                continue;
            };
            match self.org_reference(name)? {
                Ok(None) => {}
                Ok(Some(own)) => {
                    changed.get_or_insert_with(|| event.clone()).participants[i].organization =
                        Some(own);
                }
                Err(names) => {
                    return Ok(Err(AmbiguousName {
                        field: format!("participants[{i}].organization"),
                        name: name.clone(),
                        names,
                    }));
                }
            }
        }
        Ok(Ok(changed))
    }

    /// Counts as this import's the organizations and people its last writes created, in the
    /// order they were created (the backend says which: on a server, ids alone cannot). They
    /// are not abbreviated by later records (see [`Import::org_reference`]).
    fn note_created(&mut self) {
        for (kind, id) in self.txn.take_created() {
            self.created[slot(kind)].add(id);
        }
    }

    /// The organization or person known by `name`, created (and counted as this import's)
    /// if new.
    fn entity(&mut self, kind: EntityKind, name: &str) -> Result<i64> {
        let (id, _) = self.txn.entity(kind, name)?;
        self.note_created();
        Ok(id)
    }

    /// Logs the import as `command` (`import`, `edit`), about `subject` (the file read), if
    /// given.
    pub fn describe(&mut self, command: &str, subject: Option<String>) {
        let journal = self.txn.journal();
        journal.set_command(command);
        if let Some(subject) = subject {
            journal.set_subject(subject);
        }
    }

    /// Refuses to go on ([`StoreError::ChangedSince`]) if event `id` was changed since it
    /// was read: by an operation after `after` (the newest that had changed it then; `None`
    /// for none), or at all if it is no longer stamped `updated_at`.
    pub fn guard(&mut self, id: i64, after: Option<i64>, updated_at: &str) -> Result<()> {
        let now = self.txn.event(id)?.ok_or(StoreError::Gone { event: id })?;
        let changes =
            self.txn
                .changes_since(RecordKind::Event, id, Some(after.unwrap_or(0)), None)?;
        if !changes.is_empty() || now.updated_at != updated_at {
            return Err(StoreError::ChangedSince {
                what: format!("event {id}"),
                changes,
                at: Some(now.updated_at),
            });
        }
        Ok(())
    }

    /// Replaces stored event `id` with `event` as an import record that gives every field
    /// would (its participations updated by difference, so those that stay keep their ids),
    /// whatever its key: `edit`'s save. `Outcome::Created` is never returned.
    pub fn apply_to(&mut self, id: i64, event: &NewEvent) -> Result<Outcome> {
        self.last_update = None;
        self.preloaded = None;
        let resolved;
        let event = match self.resolve_references(event)? {
            Err(ambiguous) => return Ok(Outcome::AmbiguousName(ambiguous)),
            Ok(None) => event,
            Ok(Some(changed)) => {
                resolved = changed;
                &resolved
            }
        };
        if let Some(key) = &event.key
            && let Some(other) = self.txn.event_with_key(key)?
            && other != id
        {
            return Err(StoreError::DuplicateKey {
                key: key.clone(),
                id: other,
            });
        }
        let outcome = self.update(id, event, &[], None)?;
        if outcome == Outcome::Updated {
            self.txn.event_changed(id)?;
            self.stats.updated += 1;
        }
        Ok(outcome)
    }

    /// Creates the event, or updates the one it matches (by key, else by title and start
    /// date), replacing its links with the record's. `line` is where the record is.
    /// Fields named in `absent` are ones the record cannot hold: a matched event keeps its own.
    pub fn apply(&mut self, event: &NewEvent, line: u64, absent: &[Field]) -> Result<Outcome> {
        // A record is matched by its key: every stored event has one, and every export
        // carries it. Ids are never matched: they are local to one database.
        self.last_update = None;
        // Read for this record by `stored_with_key`, if it was; never kept past it.
        let preloaded = self.preloaded.take();
        // Organizations named by their initialisms are named by their own names from here.
        let resolved;
        let event = match self.resolve_references(event)? {
            Err(ambiguous) => return Ok(Outcome::AmbiguousName(ambiguous)),
            Ok(None) => event,
            Ok(Some(changed)) => {
                resolved = changed;
                &resolved
            }
        };
        let existing = match &event.key {
            Some(key) => self.txn.event_with_key(key)?,
            None => {
                // Only a record without a key (from some other source) is matched by title
                // and start date.
                let mut same = self.txn.events_like(&event.title, event.start)?;
                if same.len() > 1 {
                    return Ok(Outcome::Ambiguous(
                        same.into_iter().map(|e| e.key).collect(),
                    ));
                }
                same.pop().map(|e| e.id)
            }
        };
        if let Some(id) = existing
            && let Some(earlier) = self.txn.line_of(id)?
        {
            return Ok(Outcome::SameAsLine(earlier));
        }
        let (id, outcome) = match existing {
            None => {
                // Only an event with both lists can name one organization in both, and only
                // one with two heads can give a delegation two (under two names of its
                // organization): the organizations are resolved once, for either.
                let both_lists = !event.organizers.is_empty() && !event.partners.is_empty();
                let heads = event.participants.iter().filter(|p| p.head).count() > 1;
                if both_lists || heads {
                    let orgs = self.stored_org_names(event)?;
                    if let Some(conflict) = role_conflict(event, &orgs, &[]) {
                        return Ok(Outcome::BothRoles(conflict));
                    }
                    if heads
                        && let Some(e) = second_head(&self.canonical(event, orgs)?.participants)
                    {
                        return Ok(Outcome::Invalid(e));
                    }
                }
                // An event of the same title and start date already there (not when the
                // store began empty) may be this one under a key it had before.
                let twin = if self.txn.began_empty() {
                    None
                } else {
                    self.txn
                        .events_like(&event.title, event.start)?
                        .into_iter()
                        .next()
                };
                let key = match &event.key {
                    Some(key) => key.clone(),
                    None => self
                        .keys
                        .unique_key(&mut *self.txn, &event.title, event.start)?,
                };
                let id = self.txn.insert_event(event, &key)?;
                let created = Identity { id, key };
                self.note_created();
                if let Some(twin) = twin {
                    self.twins.count += 1;
                    if self.twins.first.is_none() {
                        self.twins.first = Some((created.key.clone(), twin.key));
                    }
                }
                (created.id, Outcome::Created)
            }
            Some(id) => match self.update(id, event, absent, preloaded)? {
                Outcome::Updated => (id, Outcome::Updated),
                Outcome::Unchanged => (id, Outcome::Unchanged),
                refused => return Ok(refused),
            },
        };
        if outcome != Outcome::Unchanged {
            self.txn.event_changed(id)?;
        }
        self.txn.record_line(id, line)?;
        match outcome {
            Outcome::Created => self.stats.created += 1,
            Outcome::Updated => self.stats.updated += 1,
            Outcome::Unchanged => self.stats.unchanged += 1,
            Outcome::SameAsLine(_)
            | Outcome::Ambiguous(_)
            | Outcome::Invalid(_)
            | Outcome::BothRoles(_)
            | Outcome::AmbiguousName(_) => {}
        }
        Ok(outcome)
    }

    /// Updates stored event `id` with what `event` says (fields in `absent` kept as they
    /// are): `Updated`, `Unchanged`, or why not (nothing written).
    fn update(
        &mut self,
        id: i64,
        event: &NewEvent,
        absent: &[Field],
        preloaded: Option<Event>,
    ) -> Result<Outcome> {
        let stored = match preloaded {
            Some(event) if event.id == id => event,
            _ => self.load(id)?,
        };
        let mut event = event.clone();
        if let Err(e) = event.keep_absent(&stored, absent) {
            return Ok(Outcome::Invalid(e));
        }
        // Each organization resolved once: for the role check and for the comparison.
        let orgs = self.stored_org_names(&event)?;
        if let Some(conflict) = role_conflict(&event, &orgs, absent) {
            return Ok(Outcome::BothRoles(conflict));
        }
        let mut canonical = self.canonical(&event, orgs)?;
        collapse_participants(&mut event, &mut canonical);
        // One head per delegation, its organization under any of its names (and the
        // record's participants as kept from the stored event, if it leaves them out).
        if let Some(e) = second_head(&canonical.participants) {
            return Ok(Outcome::Invalid(e));
        }
        let fields = changed_fields(&stored, &canonical);
        if fields.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        // Updated by difference, so that the rows that stay keep their ids.
        let plan = (fields.contains(&Field::Sessions) || fields.contains(&Field::Participants))
            .then(|| ParticipationPlan::new(&stored, &event, &canonical));
        self.txn.update_event(id, &event, &fields, plan.as_ref())?;
        self.note_created();
        self.last_update = Some(Update {
            key: event.key.clone().or(stored.key),
            title: event.title.clone(),
            start: event.start,
            fields,
        });
        Ok(Outcome::Updated)
    }

    /// Adds a participation to an existing event unless an identical one is there.
    /// `Ok(None)` when there is no such event.
    /// `line` is where the row is, for a later row of the file that gives its delegation a
    /// second head.
    pub fn apply_participant(
        &mut self,
        event_ref: &EventRef,
        p: &NewParticipant,
        line: u64,
    ) -> Result<Option<Outcome>> {
        self.preloaded.take();
        let Some(event_id) = self.txn.resolve_event(event_ref)? else {
            return Ok(None);
        };
        self.add_participant(event_id, p, line).map(Some)
    }

    /// [`Import::apply_participant`] once its event is found.
    fn add_participant(&mut self, event_id: i64, p: &NewParticipant, line: u64) -> Result<Outcome> {
        let resolved;
        let p = match &p.organization {
            None => p,
            Some(name) => match self.org_reference(name)? {
                Ok(None) => p,
                Ok(Some(own)) => {
                    resolved = NewParticipant {
                        organization: Some(own),
                        ..p.clone()
                    };
                    &resolved
                }
                Err(names) => {
                    return Ok(Outcome::AmbiguousName(AmbiguousName {
                        field: "organization".to_string(),
                        name: name.clone(),
                        names,
                    }));
                }
            },
        };
        if p.head
            && let Some(outcome) = self.apply_head(event_id, p, line)?
        {
            return Ok(outcome);
        }
        let outcome = if self.txn.has_participation(event_id, p)? {
            self.stats.unchanged += 1;
            Outcome::Unchanged
        } else {
            self.txn.add_participation(event_id, p)?;
            self.note_created();
            self.stats.created += 1;
            Outcome::Created
        };
        Ok(outcome)
    }

    /// Adds a calendar's attendee to an existing event unless its person (under any of their
    /// names) is a participant of the event already, whatever is recorded with them: an
    /// attendee adds, and never changes or doubles what is there. `Ok(None)` when there is no
    /// such event.
    pub fn apply_attendee(
        &mut self,
        event_ref: &EventRef,
        p: &NewParticipant,
        line: u64,
    ) -> Result<Option<Outcome>> {
        self.preloaded.take();
        let Some(event_id) = self.txn.resolve_event(event_ref)? else {
            return Ok(None);
        };
        let person = name_key(&self.own_name(EntityKind::Person, &p.name)?);
        let stored = self.load(event_id)?;
        if stored
            .participants
            .iter()
            .any(|s| name_key(&s.name) == person)
        {
            self.stats.unchanged += 1;
            return Ok(Some(Outcome::Unchanged));
        }
        // The event is found: not looked up a second time.
        self.add_participant(event_id, p, line).map(Some)
    }

    /// A head of a delegation from a participants file, where the stored delegation may have
    /// one already: `Invalid` (naming the head there) when it has another; `Unchanged` when it
    /// is this very participation; `Updated` when the same participation is there but not as
    /// head (it becomes the head: a participation is recorded once); `None` when the
    /// delegation has no head and the participation is new, to be added.
    fn apply_head(
        &mut self,
        event_id: i64,
        p: &NewParticipant,
        line: u64,
    ) -> Result<Option<Outcome>> {
        let stored = self.load(event_id)?;
        let mut canonical = p.clone();
        canonical.name = self.own_name(EntityKind::Person, &p.name)?;
        if let Some(org) = &p.organization {
            canonical.organization = Some(self.own_name(EntityKind::Organization, org)?);
        }
        let org_key = canonical.organization.as_deref().map(name_key);
        let wanted = Content::folded(&canonical);
        let same = stored
            .participants
            .iter()
            .position(|s| Content::folded(&NewParticipant::from(s)) == wanted);
        let head = stored
            .participants
            .iter()
            .find(|s| s.head && s.organization.as_deref().map(name_key) == org_key);
        let delegation = (event_id, org_key.clone().unwrap_or_default());
        match (head, same) {
            (Some(head), Some(at)) if head.id == stored.participants[at].id => {
                self.stats.unchanged += 1;
                Ok(Some(Outcome::Unchanged))
            }
            // Made head by an earlier row of this file: that row is what to look at (the
            // participation will not be there, since the import is refused).
            (Some(head), _) if self.head_lines.contains_key(&delegation) => {
                Ok(Some(Outcome::Invalid(FieldError {
                    field: "head".to_string(),
                    value: "true".to_string(),
                    reason: format!(
                        "the delegation of {:?} at event {event_id} is already headed by {:?} (line {} of this file)",
                        head.organization.as_deref().unwrap_or_default(),
                        head.name,
                        self.head_lines[&delegation]
                    ),
                })))
            }
            (Some(head), _) => Ok(Some(Outcome::Invalid(FieldError {
                field: "head".to_string(),
                value: "true".to_string(),
                reason: format!(
                    "the delegation of {:?} at event {event_id} is already headed by {:?} (participation {}); `events edit-participant {} --no-head` first",
                    head.organization.as_deref().unwrap_or_default(),
                    head.name,
                    head.id,
                    head.id
                ),
            }))),
            (None, Some(at)) => {
                // The event as stored, that participation made head: an update by
                // difference, which changes that one row in place.
                // Taken as it is, not validated again: an event an older version recorded (a
                // key of digits, say) takes a head all the same.
                let mut wanted = NewEvent::from(&stored);
                wanted.participants[at].head = true;
                let plan = ParticipationPlan::new(&stored, &wanted, &wanted);
                self.txn
                    .update_event(event_id, &wanted, &[Field::Participants], Some(&plan))?;
                self.txn.event_changed(event_id)?;
                self.stats.updated += 1;
                self.head_lines.insert(delegation, line);
                Ok(Some(Outcome::Updated))
            }
            (None, None) => {
                // Added by the caller, as any new participation.
                self.head_lines.insert(delegation, line);
                Ok(None)
            }
        }
    }

    /// Gives the organization or person that `record` names (created if new) the other names
    /// it lists. `Ok(Err(conflict))` when an alias is a name of someone else.
    ///
    /// An alias record may come anywhere in a file: an event before it that named one of its
    /// aliases made that name a new organization or person of its own. Such a one, created by
    /// this import under the very name the record gives as an alias, is merged into the
    /// record's: what the file means is one entity. A name that was there before the import,
    /// or that this import gave to another as an alias, stays a conflict.
    pub fn apply_aliases(
        &mut self,
        record: &AliasRecord,
    ) -> Result<std::result::Result<(), AliasProblem>> {
        // A merge below may rename what an event read for a record names.
        self.preloaded.take();
        let (kind, name) = match (&record.organization, &record.person) {
            (Some(name), _) => (EntityKind::Organization, name),
            (None, Some(name)) => (EntityKind::Person, name),
            (None, None) => return Ok(Ok(())),
        };
        let resolved;
        let name = match kind {
            EntityKind::Person => name,
            EntityKind::Organization => match self.org_reference(name)? {
                Ok(None) => name,
                Ok(Some(own)) => {
                    resolved = own;
                    &resolved
                }
                Err(names) => {
                    return Ok(Err(AliasProblem::Ambiguous(AmbiguousName {
                        field: "organization".to_string(),
                        name: name.clone(),
                        names,
                    })));
                }
            },
        };
        let id = self.entity(kind, name)?;
        for alias in &record.aliases {
            let Some(owner) = self.txn.find(kind, alias)? else {
                continue;
            };
            if owner.id != id
                && self.created[slot(kind)].contains(owner.id)
                && name_key(&owner.name) == name_key(alias)
            {
                let report = self.txn.absorb(kind, id, owner.id)?;
                if kind == EntityKind::Organization
                    && let Some(index) = &mut self.initialisms
                {
                    index.merged(id, owner.id);
                    self.plain.clear();
                }
                // It is not a new one of the import's after all.
                self.created[slot(kind)].remove(owner.id);
                // An event named one of the two as organizer and the other as partner: with
                // the alias record first, that event would have been refused; so it is here.
                if report.partner_links_dropped > 0 {
                    return Ok(Err(AliasProblem::BothRoles {
                        alias: alias.clone(),
                        events: report.partner_links_dropped,
                    }));
                }
                // Its names are now aliases (the record's among them).
                self.stats.aliases_added += report.names as u64;
            }
        }
        let added = self.txn.add_aliases(kind, id, &record.aliases)?;
        // The new names of an organization there before the import abbreviate it too.
        if added.is_ok()
            && kind == EntityKind::Organization
            && !self.created[slot(kind)].contains(id)
            && let Some(index) = &mut self.initialisms
        {
            for alias in &record.aliases {
                index.add(id, alias);
            }
            // A name none fitted may fit one now.
            self.plain.clear();
        }
        Ok(added
            .map(|added| self.stats.aliases_added += added)
            .map_err(|AliasConflict { alias, owner }| AliasProblem::Taken { alias, owner }))
    }

    /// Whether a stored event (or one this import wrote) has this key.
    pub fn has_key(&mut self, key: &str) -> Result<bool> {
        Ok(self.txn.event_with_key(key)?.is_some())
    }

    /// Whether a stored event (or one this import wrote) has this id.
    pub fn has_id(&mut self, id: i64) -> Result<bool> {
        Ok(self.txn.resolve_event(&EventRef::Id(id))?.is_some())
    }

    /// The stored keys equal to `text` but for case, `text` itself first if stored.
    pub fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        self.txn.keys_like(text)
    }

    /// The event with this key, with everything linked to it: what a record that leaves out
    /// its title or start date is completed from.
    pub fn stored_with_key(&mut self, key: &str) -> Result<Option<Event>> {
        match self.txn.event_with_key(key)? {
            Some(id) => {
                let event = self.load(id)?;
                self.preloaded = Some(event.clone());
                Ok(Some(event))
            }
            None => Ok(None),
        }
    }

    /// The names read as abbreviations of organizations' names, and as whose.
    pub fn read_as(&self) -> &ReadAs {
        &self.read_as
    }

    /// The events created beside a stored one of the same title and start date.
    pub fn twins(&self) -> &Twins {
        &self.twins
    }

    /// What the last record applied changed, if it updated an event.
    pub fn last_update(&self) -> Option<&Update> {
        self.last_update.as_ref()
    }

    /// The organizations and people this import created whose names are close to another's
    /// (known before, or created earlier by the import).
    pub fn near_names(&mut self) -> Result<Vec<NearName>> {
        let mut found = Vec::new();
        for kind in [EntityKind::Organization, EntityKind::Person] {
            if self.created[slot(kind)].count() == 0 {
                continue;
            }
            let mut names: Vec<(i64, String)> = Vec::new();
            self.txn
                .each_name(kind, &mut |id, name| names.push((id, name.to_string())))?;
            let created = &self.created[slot(kind)];
            found.extend(near_created(kind, names, |id| created.at.get(&id).copied()));
        }
        Ok(found)
    }

    /// What has been done so far.
    pub fn stats(&self) -> ImportStats {
        ImportStats {
            orgs_created: self.created[0].count(),
            people_created: self.created[1].count(),
            ..self.stats
        }
    }

    /// Makes the import permanent.
    pub fn commit(self) -> Result<()> {
        self.txn.commit()
    }

    /// Discards everything the import did.
    pub fn rollback(self) -> Result<()> {
        self.txn.rollback()
    }

    fn load(&mut self, id: i64) -> Result<Event> {
        self.txn.event(id)?.ok_or(StoreError::Gone { event: id })
    }

    /// The organizers and partners of `event`, each under the name it is stored under (itself,
    /// if no one has it), index for index.
    fn stored_org_names(&mut self, event: &NewEvent) -> Result<StoredOrgNames> {
        let mut names = StoredOrgNames::default();
        for name in &event.organizers {
            names
                .organizers
                .push(self.own_name(EntityKind::Organization, name)?);
        }
        for name in &event.partners {
            names
                .partners
                .push(self.own_name(EntityKind::Organization, name)?);
        }
        Ok(names)
    }

    /// The event as it would read once stored: every organization and person under the name
    /// it is stored under (an alias gives way to the name; `orgs` has the organizers' and
    /// partners'), and two names of one organization in a list made one. What an update is
    /// compared by.
    fn canonical(&mut self, event: &NewEvent, orgs: StoredOrgNames) -> Result<NewEvent> {
        let mut event = event.clone();
        event.organizers = one_each(orgs.organizers);
        event.partners = one_each(orgs.partners);
        for p in &mut event.participants {
            p.name = self.own_name(EntityKind::Person, &p.name)?;
            if let Some(o) = &p.organization {
                p.organization = Some(self.own_name(EntityKind::Organization, o)?);
            }
        }
        Ok(event)
    }

    /// The name `name` is stored under (itself, if no one has it).
    fn own_name(&mut self, kind: EntityKind, name: &str) -> Result<String> {
        Ok(self
            .txn
            .find(kind, name)?
            .map_or_else(|| name.to_string(), |found| found.name))
    }
}

/// The names an import read as the abbreviation of an organization's: each once (case and
/// spacing aside), the first few kept to be told, all counted.
#[derive(Debug, Default)]
pub struct ReadAs {
    /// (as written, the organization's own name), in the order first met.
    pub first: Vec<(String, String)>,
    /// How many different names were so read.
    pub count: usize,
    seen: std::collections::HashSet<String>,
}

/// How many of the names read as abbreviations an import tells one by one.
const READ_AS_TOLD: usize = 5;

impl ReadAs {
    fn note(&mut self, written: &str, own: &str) {
        if self.seen.insert(name_key(written)) {
            self.count += 1;
            if self.first.len() < READ_AS_TOLD {
                self.first.push((written.to_string(), own.to_string()));
            }
        }
    }
}

/// An event's organizers and partners under their stored names, index for index.
#[derive(Debug, Default)]
struct StoredOrgNames {
    organizers: Vec<String>,
    partners: Vec<String>,
}

/// The first organization that `event` names both organizer and partner, compared as the
/// organizations they resolve to (`orgs`: an alias is its organization's name). `absent` says
/// which of the two lists the record leaves out (kept from the stored event).
fn role_conflict(
    event: &NewEvent,
    orgs: &StoredOrgNames,
    absent: &[Field],
) -> Option<RoleConflict> {
    // Both lists as stored: nothing to say (and nothing to write).
    if absent.contains(&Field::Organizers) && absent.contains(&Field::Partners) {
        return None;
    }
    for (partner, partner_own) in event.partners.iter().zip(&orgs.partners) {
        let key = name_key(partner_own);
        let Some(organizer) = event
            .organizers
            .iter()
            .zip(&orgs.organizers)
            .find(|(_, own)| name_key(own) == key)
            .map(|(organizer, _)| organizer)
        else {
            continue;
        };
        // The list the record gives is the one to blame.
        let partners_kept = absent.contains(&Field::Partners);
        let (field, name, other) = if partners_kept {
            (Field::Organizers, organizer.clone(), partner.clone())
        } else {
            (Field::Partners, partner.clone(), organizer.clone())
        };
        return Some(RoleConflict {
            field,
            name,
            other,
            other_kept: absent.contains(&Field::Organizers) || partners_kept,
        });
    }
    None
}

/// `names` with each name once (case and spacing aside), in order.
fn one_each(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if !out.iter().any(|o| name_key(o) == name_key(&name)) {
            out.push(name);
        }
    }
    out
}

/// Drops from `event` each participant that records the same as an earlier one, compared as
/// merges compare participations: the same person and organization (by the names they resolve
/// to, which `canonical` holds, index for index), the same session, position, role and
/// contribution, case and spacing aside. So a record never asks for two identical rows.
fn collapse_participants(event: &mut NewEvent, canonical: &mut NewEvent) {
    // Each participation, and the first that records the same.
    let mut seen: HashMap<Content, usize> = HashMap::new();
    let first: Vec<usize> = canonical
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| *seen.entry(Content::folded(p)).or_insert(i))
        .collect();
    let keep: Vec<bool> = first.iter().enumerate().map(|(i, &f)| f == i).collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    // The one kept heads the delegation if one it stands for did.
    for (i, &f) in first.iter().enumerate() {
        if f != i && canonical.participants[i].head {
            canonical.participants[f].head = true;
            event.participants[f].head = true;
        }
    }
    for list in [&mut event.participants, &mut canonical.participants] {
        let mut at = keep.iter();
        list.retain(|_| *at.next().unwrap_or(&true));
    }
}

fn names_eq(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| name_key(a) == name_key(b))
}

/// Which fields storing `new` over `stored` would change, as a user sees them (none: the
/// record is already there). Organizations and people are compared by name key, since they
/// resolve to the same entity; sessions and participants as sets, since the order they are
/// listed in is only the order they were recorded in.
fn changed_fields(stored: &Event, new: &NewEvent) -> Vec<Field> {
    let mut stored_participants: Vec<Content> = stored
        .participants
        .iter()
        .map(|p| Content::of(&NewParticipant::from(p)))
        .collect();
    let mut new_participants: Vec<Content> = new.participants.iter().map(Content::of).collect();
    stored_participants.sort();
    new_participants.sort();
    let sorted = |names: &[String]| {
        let mut names = names.to_vec();
        names.sort();
        names
    };
    let checks = [
        (Field::Key, new.key.is_some() && new.key != stored.key),
        (Field::Title, stored.title != new.title),
        (Field::Kind, stored.kind != new.kind),
        (Field::Start, stored.start != new.start),
        (Field::End, stored.end != new.end),
        (Field::Mode, stored.mode != new.mode),
        (Field::Location, stored.location != new.location),
        (Field::Region, stored.region != new.region),
        (Field::Project, stored.project != new.project),
        (Field::Description, stored.description != new.description),
        (Field::Source, stored.source != new.source),
        (Field::Tags, stored.tags != new.tags),
        (
            Field::Organizers,
            !names_eq(&stored.organizers, &new.organizers),
        ),
        (Field::Partners, !names_eq(&stored.partners, &new.partners)),
        (
            Field::Sessions,
            sorted(&stored.sessions) != sorted(&new.sessions),
        ),
        (Field::Participants, stored_participants != new_participants),
    ];
    checks
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(field, _)| field)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Participant;

    use crate::model::test_event as new_event;

    /// The event as stored after writing `new`.
    fn stored(new: &NewEvent) -> Event {
        Event {
            id: 1,
            key: new.key.clone(),
            title: new.title.clone(),
            kind: new.kind.clone(),
            start: new.start,
            end: new.end,
            mode: new.mode,
            location: new.location.clone(),
            region: new.region.clone(),
            project: new.project.clone(),
            description: new.description.clone(),
            source: new.source.clone(),
            created_at: String::new(),
            updated_at: String::new(),
            tags: new.tags.clone(),
            organizers: new.organizers.clone(),
            partners: new.partners.clone(),
            sessions: new.sessions.clone(),
            participants: new
                .participants
                .iter()
                .enumerate()
                .map(|(i, p)| Participant {
                    id: i as i64 + 1,
                    name: p.name.clone(),
                    organization: p.organization.clone(),
                    position: p.position.clone(),
                    role: p.role.clone(),
                    session: p.session.clone(),
                    contribution: p.contribution.clone(),
                    head: p.head,
                })
                .collect(),
            participant_count: new.participants.len(),
        }
    }

    #[test]
    fn an_update_names_the_fields_it_changes() {
        let event = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16", "organizers": ["UNODC"],
                "participants": [{"name": "X"}, {"name": "Y", "session": "S"}]}"#,
        );
        let stored = stored(&event);
        assert!(changed_fields(&stored, &event).is_empty());
        // Names of organizations and people compare as names do (they resolve to the same
        // one); participants as a set.
        let same = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16", "organizers": ["unodc"],
                "participants": [{"name": "y", "session": "S"}, {"name": "x"}]}"#,
        );
        assert!(changed_fields(&stored, &same).is_empty());
        let other = new_event(
            r#"{"title": "B", "start": "2021-03-16", "tags": ["t"],
                "participants": [{"name": "X"}]}"#,
        );
        // A record without a key keeps the stored one.
        assert_eq!(
            changed_fields(&stored, &other),
            [
                Field::Title,
                Field::Tags,
                Field::Organizers,
                Field::Sessions,
                Field::Participants
            ]
        );
    }

    #[test]
    fn a_participation_plan_keeps_changes_removes_and_adds() {
        let before = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16", "sessions": ["Old", "Day 1"],
                "participants": [{"name": "X", "session": "Old"}, {"name": "Y", "role": "chair"},
                                 {"name": "Z"}, {"name": "W", "session": "Day 1"}]}"#,
        );
        let stored = stored(&before);
        let wanted = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16", "sessions": ["day 1", "New"],
                "participants": [{"name": "N"}, {"name": "y", "role": "speaker"},
                                 {"name": "X"}, {"name": "W", "session": "Day 1"}]}"#,
        );
        let plan = ParticipationPlan::new(&stored, &wanted, &wanted);
        assert_eq!(plan.remove_sessions, ["Old"]);
        assert_eq!(plan.rename_sessions, [("Day 1".into(), "day 1".into())]);
        assert_eq!(plan.add_sessions, ["New"]);
        // X's session goes, so the stored row records X without one: kept as it is.
        assert_eq!(plan.keep, [1, 4]);
        assert_eq!(
            plan.write,
            [
                crate::store::Write::Add(wanted.participants[0].clone()),
                crate::store::Write::Change(2, wanted.participants[1].clone()),
            ]
        );
        assert_eq!(plan.remove, [3]);
    }

    #[test]
    fn a_head_moved_is_a_change_in_place_and_the_old_head_steps_down_first() {
        let before = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16",
                "participants": [{"name": "X", "organization": "O", "head": true},
                                 {"name": "Y", "organization": "O"}]}"#,
        );
        let stored = stored(&before);
        let wanted = new_event(
            r#"{"key": "a", "title": "A", "start": "2021-03-16",
                "participants": [{"name": "X", "organization": "O"},
                                 {"name": "Y", "organization": "O", "head": true}]}"#,
        );
        assert_eq!(changed_fields(&stored, &wanted), [Field::Participants]);
        let plan = ParticipationPlan::new(&stored, &wanted, &wanted);
        assert!(plan.keep.is_empty() && plan.remove.is_empty());
        assert_eq!(
            plan.write,
            [
                crate::store::Write::Change(1, wanted.participants[0].clone()),
                crate::store::Write::Change(2, wanted.participants[1].clone()),
            ]
        );
        assert_eq!(plan.unhead, [1]);
    }

    #[test]
    fn participants_alike_but_for_the_head_are_one_and_it_heads() {
        let mut event = new_event(
            r#"{"title": "A", "start": "2021-03-16",
                "participants": [{"name": "X", "organization": "O"},
                                 {"name": "x", "organization": "o", "head": true}]}"#,
        );
        let mut canonical = event.clone();
        collapse_participants(&mut event, &mut canonical);
        assert_eq!(event.participants.len(), 1);
        assert!(event.participants[0].head && canonical.participants[0].head);
    }
}
