//! Writing events: their rows, their links (tags, organizations, sessions, participations),
//! their time stamps, and the key columns SQLite computes with its own functions
//! (`events_key`, `events_sort_key`), which PostgreSQL stores: `*_key` is
//! [`name_key`], `*_sort` is [`sort_key`], both computed here in Rust. After a write that
//! changes an event's texts, its search document is brought up to date (`search::refresh`).

use postgres::types::ToSql;
use postgres::{GenericClient, Transaction};

use super::entity::{Names, ORGANIZATION, PERSON, find_by_key};
use super::search;

use crate::model::{
    Event, Identity, Mode, NewEvent, NewParticipant, OrgRole, ParticipantRecord, name_key,
};
use crate::store::error::{Context, Result, StoreError};
use crate::store::fold::sort_key;
use crate::store::plan::{OnceEach, ParticipantRefs, Sameness};
use crate::store::{
    GeneratedKeys, KeySpace, ListsChanged, ParticipantAdded, SessionEdit, SessionsEdited,
};

pub(super) use crate::store::now;

// The operations.

/// Records a new event with its organizations, tags, sessions and participants; one without
/// a key is given one (see [`GeneratedKeys`]).
/// `names` finds and creates organizations and people (and says which it created, in order).
pub(super) fn add_event(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event: &NewEvent,
) -> Result<Identity> {
    if let Some(key) = &event.key
        && let Some(id) = event_with_key(tx, key, None)?
    {
        return Err(StoreError::DuplicateKey {
            key: key.clone(),
            id,
        });
    }
    refuse_both_roles(tx, None, event, true, true)?;
    let key = match &event.key {
        Some(key) => key.clone(),
        None => GeneratedKeys::default().unique_key(&mut Keys(tx), &event.title, event.start)?,
    };
    let id = insert_event(tx, names, event, &key, &now())?;
    search::refresh(tx, &[id])?;
    Ok(Identity { id, key })
}

/// Records one participation in an existing event, unless an identical one (see
/// [`same_participation`]) is there already.
pub(super) fn add_participant(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event: i64,
    p: &NewParticipant,
) -> Result<ParticipantAdded> {
    // A participation is recorded once: asking for it again finds the one there. Asking for
    // it again as head makes it the head (if the delegation has none).
    if let Some(id) = same_participation(tx, event, p, None)? {
        let is_head: bool = tx
            .query_one("SELECT head FROM participation WHERE id = $1", &[&id])?
            .get(0);
        if !p.head || is_head {
            return Ok(ParticipantAdded::AlreadyThere(id));
        }
        if let Some(name) = &p.organization
            && let Some(org) = find_by_key(tx, &ORGANIZATION, &name_key(name))?
        {
            check_head(tx, event, org.id, Some(id))?;
        }
        set_head(tx, id, true)?;
        touch_event(tx, event, &now())?;
        return Ok(ParticipantAdded::MadeHead(id));
    }
    // A second head is refused before anything is written (not even an id drawn).
    if p.head
        && let Some(name) = &p.organization
        && let Some(org) = find_by_key(tx, &ORGANIZATION, &name_key(name))?
    {
        check_head(tx, event, org.id, None)?;
    }
    let stamp = now();
    let id = insert_participant(tx, names, &mut Sessions::default(), event, p, &stamp)?;
    touch_event(tx, event, &stamp)?;
    search::refresh(tx, &[event])?;
    Ok(ParticipantAdded::New(id))
}

/// Overwrites an event's own fields with `event`'s, and its tags, organizers and partners
/// where `lists` says they changed (its sessions and participants stay as they are); then
/// applies `sessions`, the edits of its sessions, in order. `expected` is the event as the
/// caller read it: if another process changed it since, nothing is written and the error is
/// [`StoreError::ChangedMeanwhile`].
pub(super) fn edit_event(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    id: i64,
    expected: &Event,
    event: &NewEvent,
    lists: ListsChanged,
    sessions: &[SessionEdit],
) -> Result<SessionsEdited> {
    if super::read::get_event(tx, id)?.as_ref() != Some(expected) {
        return Err(StoreError::ChangedMeanwhile);
    }
    if let Some(key) = &event.key
        && let Some(other) = event_with_key(tx, key, Some(id))?
    {
        return Err(StoreError::DuplicateKey {
            key: key.clone(),
            id: other,
        });
    }
    refuse_both_roles(tx, Some(id), event, lists.organizers, lists.partners)?;
    refuse_missing_sessions(id, expected, sessions)?;
    let stamp = now();
    update_event_row(tx, id, event, &stamp, false)?;
    if lists.tags {
        replace_event_tags(tx, id, &event.tags)?;
    }
    if lists.organizers || lists.partners {
        replace_event_orgs(
            tx,
            names,
            id,
            event,
            &stamp,
            lists.organizers,
            lists.partners,
        )?;
    }
    let edited = edit_sessions(tx, id, sessions)?;
    search::refresh(tx, &[id])?;
    Ok(edited)
}

/// Overwrites what participation `id` of event `event` records, provided it still records
/// `expected` (what the caller read): else [`StoreError::ChangedMeanwhile`], nothing written.
pub(super) fn edit_participation(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    id: i64,
    event: i64,
    expected: &ParticipantRecord,
    p: &NewParticipant,
) -> Result<()> {
    if super::read::participation(tx, id)?.as_ref() != Some(&(event, expected.clone())) {
        return Err(StoreError::ChangedMeanwhile);
    }
    // A participation is recorded once: an edit must not make two say the same.
    if let Some(other) = same_participation(tx, event, p, Some(id))? {
        return Err(StoreError::SameAsAnother { other });
    }
    // A second head of its delegation is refused before anything is written.
    if p.head
        && let Some(name) = &p.organization
        && let Some(org) = find_by_key(tx, &ORGANIZATION, &name_key(name))?
    {
        check_head(tx, event, org.id, Some(id))?;
    }
    let stamp = now();
    let refs = participant_refs(tx, names, &mut Sessions::default(), event, p, &stamp)?;
    update_participation(tx, id, refs, p)?;
    touch_event(tx, event, &stamp)?;
    search::refresh(tx, &[event])?;
    Ok(())
}

/// Removes one participation; the person and organization stay.
pub(super) fn remove_participation(tx: &mut Transaction<'_>, id: i64, event: i64) -> Result<()> {
    tx.execute("DELETE FROM participation WHERE id = $1", &[&id])?;
    touch_event(tx, event, &now())?;
    Ok(())
}

/// Removes an event with its links, sessions and participations (and its search document,
/// which is a column of its row); organizations and people stay. Its key is retired by the
/// database (`event_key_retired`).
pub(super) fn remove_event(tx: &mut Transaction<'_>, id: i64) -> Result<()> {
    tx.execute("DELETE FROM event WHERE id = $1", &[&id])?;
    Ok(())
}

// Checks made before anything is written, so that a write refused writes nothing at all, not
// even ids drawn from a sequence (PostgreSQL's are not given back by a rollback, SQLite's
// are): the ids of the next rows stay those SQLite would give. The writers check again as
// they write.

/// The error [`insert_orgs`] would give, found before anything is written: an organization
/// already stored that one of the lists written (`organizers`, `partners`) names in one role
/// and the event has in the other, as the lists will be (`event`'s) or, for a list kept, as
/// stored (event `id`'s). A name no one has yet cannot be both: the record's validation
/// refuses the same name in both lists.
fn refuse_both_roles(
    tx: &mut Transaction<'_>,
    id: Option<i64>,
    event: &NewEvent,
    organizers: bool,
    partners: bool,
) -> Result<()> {
    // Partners are written after organizers, and checked against them; organizers alone,
    // against the partners kept.
    let (role, checked, other, other_list) = match (organizers, partners) {
        (_, true) => (
            OrgRole::Partner,
            &event.partners,
            OrgRole::Organizer,
            organizers || id.is_none(),
        ),
        (true, false) => (
            OrgRole::Organizer,
            &event.organizers,
            OrgRole::Partner,
            false,
        ),
        (false, false) => return Ok(()),
    };
    if checked.is_empty() {
        return Ok(());
    }
    let others: Vec<i64> = match (other_list, id) {
        (false, Some(id)) => tx
            .query(
                "SELECT organization_id FROM event_organization
                  WHERE event_id = $1 AND role = $2",
                &[&id, &other.as_str()],
            )?
            .into_iter()
            .map(|row| row.get(0))
            .collect(),
        _ => {
            let names = match other {
                OrgRole::Organizer => &event.organizers,
                OrgRole::Partner => &event.partners,
            };
            let mut ids = Vec::with_capacity(names.len());
            for name in names {
                if let Some(found) = find_by_key(tx, &ORGANIZATION, &name_key(name))? {
                    ids.push(found.id);
                }
            }
            ids
        }
    };
    if others.is_empty() {
        return Ok(());
    }
    for name in checked {
        if let Some(found) = find_by_key(tx, &ORGANIZATION, &name_key(name))?
            && others.contains(&found.id)
        {
            return Err(StoreError::BothRoles {
                role,
                name: name.clone(),
                stored: found.name,
            });
        }
    }
    Ok(())
}

/// The error [`edit_sessions`] would give, found before anything is written: the first edit
/// naming a session the event (`expected`, which is as stored) would not have by then.
fn refuse_missing_sessions(id: i64, expected: &Event, edits: &[SessionEdit]) -> Result<()> {
    let mut present: Vec<String> = expected.sessions.iter().map(|s| name_key(s)).collect();
    for edit in edits {
        let (name, new) = match edit {
            SessionEdit::Rename { old, new } => (old, Some(new)),
            SessionEdit::Remove(name) => (name, None),
        };
        let Some(at) = present.iter().position(|k| *k == name_key(name)) else {
            return Err(StoreError::NoSession {
                event: id,
                name: name.clone(),
            });
        };
        present.remove(at);
        if let Some(new) = new {
            let key = name_key(new);
            if !present.contains(&key) {
                present.push(key);
            }
        }
    }
    Ok(())
}

// Keys.

/// The event with this key, if any, other than `except`.
pub(super) fn event_with_key(
    client: &mut impl GenericClient,
    key: &str,
    except: Option<i64>,
) -> Result<Option<i64>> {
    Ok(client
        .query_opt(
            "SELECT id FROM event WHERE key = $1 AND id IS DISTINCT FROM $2",
            &[&key, &except],
        )?
        .map(|row| row.get(0)))
}

/// The keys events have and had, as [`KeySpace`] asks: what [`GeneratedKeys`] needs to give a
/// key, inside the caller's transaction. (Here rather than in `lookup`, which finds events;
/// the import uses it too.)
pub(super) struct Keys<'a, C: GenericClient>(pub &'a mut C);

impl<C: GenericClient> KeySpace for Keys<'_, C> {
    type Error = StoreError;

    fn key_taken(&mut self, key: &str) -> Result<bool> {
        Ok(self
            .0
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM event WHERE key = $1)
                     OR EXISTS (SELECT 1 FROM retired_key WHERE key = $1)",
                &[&key],
            )?
            .get(0))
    }

    fn suffixed_keys(&mut self, base: &str) -> Result<Vec<String>> {
        // The caller keeps those with digits after the `-`.
        Ok(self
            .0
            .query(SUFFIXED_KEYS, &[&base])?
            .into_iter()
            .map(|row| row.get(0))
            .collect())
    }
}

/// The keys of events and retired keys that start with `$1-`. Every such key sorts between
/// `$1-` and `$1.` ('.' follows '-' in code-point order, the keys' collation "C"), and so do
/// their first 100 characters, which the indexes of both tables hold (`*_key_prefix`: a whole
/// key may be too long for a b-tree entry).
const SUFFIXED_KEYS: &str = "
    SELECT key FROM event
     WHERE left(key, 100) >= left($1 || '-', 100) AND left(key, 100) <= left($1 || '.', 100)
       AND key > ($1 || '-') COLLATE \"C\" AND key < ($1 || '.') COLLATE \"C\"
    UNION ALL
    SELECT key FROM retired_key
     WHERE left(key, 100) >= left($1 || '-', 100) AND left(key, 100) <= left($1 || '.', 100)
       AND key > ($1 || '-') COLLATE \"C\" AND key < ($1 || '.') COLLATE \"C\"";

// Event rows.

/// An event's own fields as bound to [`INSERT_EVENT`] and the updates: `$1` its key (which
/// may be none for an update that keeps the stored one), then its fields in table order,
/// `$12` the time, then the key columns: `$13` key_folded, `$14` title_key, `$15`
/// title_sort, `$16` kind_key, `$17` region_key, `$18` project_key.
struct EventRow<'a> {
    event: &'a NewEvent,
    key: Option<&'a str>,
    stamp: &'a str,
    mode: Option<&'static str>,
    key_folded: Option<String>,
    title_key: String,
    title_sort: String,
    kind_key: Option<String>,
    region_key: Option<String>,
    project_key: Option<String>,
}

impl<'a> EventRow<'a> {
    fn new(event: &'a NewEvent, key: Option<&'a str>, stamp: &'a str) -> EventRow<'a> {
        let keyed = |text: &Option<String>| text.as_deref().map(name_key);
        EventRow {
            event,
            key,
            stamp,
            mode: event.mode.map(Mode::as_str),
            key_folded: key.map(name_key),
            title_key: name_key(&event.title),
            title_sort: sort_key(&event.title),
            kind_key: keyed(&event.kind),
            region_key: keyed(&event.region),
            project_key: keyed(&event.project),
        }
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 18] {
        let e = self.event;
        [
            &self.key,
            &e.title,
            &e.kind,
            &e.start,
            &e.end,
            &self.mode,
            &e.location,
            &e.region,
            &e.project,
            &e.description,
            &e.source,
            &self.stamp,
            &self.key_folded,
            &self.title_key,
            &self.title_sort,
            &self.kind_key,
            &self.region_key,
            &self.project_key,
        ]
    }
}

const INSERT_EVENT: &str =
    "INSERT INTO event (key, title, kind, start_date, end_date, mode, location, region, project,
                    description, source, created_at, updated_at, key_folded, title_key,
                    title_sort, kind_key, region_key, project_key)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18)
 RETURNING id";

/// An update that keeps the stored key when none is given (`$19` the id).
const UPDATE_EVENT_KEEPING_KEY: &str =
    "UPDATE event SET key = coalesce($1, key), title = $2, kind = $3, start_date = $4,
        end_date = $5, mode = $6, location = $7, region = $8, project = $9,
        description = $10, source = $11, updated_at = $12,
        key_folded = coalesce($13, key_folded), title_key = $14, title_sort = $15,
        kind_key = $16, region_key = $17, project_key = $18
  WHERE id = $19";

/// An update of every field, the key too (`$19` the id).
const UPDATE_EVENT: &str = "UPDATE event SET key = $1, title = $2, kind = $3, start_date = $4,
        end_date = $5, mode = $6, location = $7, region = $8, project = $9,
        description = $10, source = $11, updated_at = $12,
        key_folded = $13, title_key = $14, title_sort = $15,
        kind_key = $16, region_key = $17, project_key = $18
  WHERE id = $19";

/// Writes a new event and its links under `key`, created and updated at `stamp`; returns its
/// id. Its search document is the caller's to refresh.
pub(super) fn insert_event(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event: &NewEvent,
    key: &str,
    stamp: &str,
) -> Result<i64> {
    let row = EventRow::new(event, Some(key), stamp);
    let id: i64 = tx.query_one(INSERT_EVENT, &row.params())?.get(0);
    insert_links(tx, names, id, event, stamp)?;
    Ok(id)
}

/// Overwrites an event's own fields (not its links), updated at `stamp`. With `keep_key`, a
/// `None` key leaves the stored key as it is (an import record without a key); without, it
/// clears it (an edit; the schema refuses an event without a key).
pub(super) fn update_event_row(
    tx: &mut Transaction<'_>,
    id: i64,
    event: &NewEvent,
    stamp: &str,
    keep_key: bool,
) -> Result<()> {
    let row = EventRow::new(event, event.key.as_deref(), stamp);
    let mut params = row.params().to_vec();
    params.push(&id);
    let sql = if keep_key {
        UPDATE_EVENT_KEEPING_KEY
    } else {
        UPDATE_EVENT
    };
    tx.execute(sql, &params)?;
    Ok(())
}

/// Marks an event as changed at `stamp`.
pub(super) fn touch_event(tx: &mut Transaction<'_>, id: i64, stamp: &str) -> Result<()> {
    tx.execute(
        "UPDATE event SET updated_at = $2 WHERE id = $1",
        &[&id, &stamp],
    )?;
    Ok(())
}

// Links.

/// Writes an event's tags, organizations, sessions and participants.
pub(super) fn insert_links(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
) -> Result<()> {
    insert_tags(tx, event_id, &event.tags)?;
    // Organizers first; then partners, none of which may be one of them.
    let organizers = insert_orgs(
        tx,
        names,
        event_id,
        OrgRole::Organizer,
        &event.organizers,
        stamp,
        &[],
    )?;
    insert_orgs(
        tx,
        names,
        event_id,
        OrgRole::Partner,
        &event.partners,
        stamp,
        &organizers,
    )?;
    let mut sessions = Sessions::default();
    for name in &event.sessions {
        sessions.id(tx, event_id, name)?;
    }
    let mut once = OnceEach::default();
    for p in &event.participants {
        let refs = participant_refs(tx, names, &mut sessions, event_id, p, stamp)?;
        once.add(refs, p);
    }
    for (refs, p, head) in once.rows {
        let p = NewParticipant { head, ..p.clone() };
        insert_participation(tx, event_id, refs, &p, stamp)?;
    }
    Ok(())
}

fn insert_tags(tx: &mut Transaction<'_>, event_id: i64, tags: &[String]) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    // All in one statement, in order (`ord` from 0).
    let keys: Vec<String> = tags.iter().map(|tag| name_key(tag)).collect();
    tx.execute(
        "INSERT INTO event_tag (event_id, ord, tag, tag_key)
         SELECT $1, ord - 1, tag, tag_key
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(tag, tag_key, ord)",
        &[&event_id, &tags, &keys],
    )?;
    Ok(())
}

/// Links the organizations `orgs` to the event in `role`; returns their ids. None may be
/// one of `others`, the organizations linked in the other role (compared as organizations:
/// two names of one are one).
fn insert_orgs(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event_id: i64,
    role: OrgRole,
    orgs: &[String],
    stamp: &str,
    others: &[i64],
) -> Result<Vec<i64>> {
    // Two names of one organization (its name and an alias) are one link.
    let mut linked = Vec::with_capacity(orgs.len());
    for name in orgs {
        let org = names.organization(tx, name, stamp)?;
        if linked.contains(&org) {
            continue;
        }
        if others.contains(&org) {
            let stored: String = tx
                .query_one("SELECT name FROM organization WHERE id = $1", &[&org])?
                .get(0);
            return Err(StoreError::BothRoles {
                role,
                name: name.clone(),
                stored,
            });
        }
        tx.execute(
            "INSERT INTO event_organization (event_id, role, ord, organization_id)
             VALUES ($1, $2, $3, $4)",
            &[&event_id, &role.as_str(), &(linked.len() as i64), &org],
        )?;
        linked.push(org);
    }
    Ok(linked)
}

/// Replaces an event's tags.
pub(super) fn replace_event_tags(
    tx: &mut Transaction<'_>,
    event_id: i64,
    tags: &[String],
) -> Result<()> {
    tx.execute("DELETE FROM event_tag WHERE event_id = $1", &[&event_id])?;
    insert_tags(tx, event_id, tags)
}

/// Replaces an event's organizers, partners, or both, with `event`'s.
pub(super) fn replace_event_orgs(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    event_id: i64,
    event: &NewEvent,
    stamp: &str,
    organizers: bool,
    partners: bool,
) -> Result<()> {
    let lists = [
        (OrgRole::Organizer, &event.organizers, organizers),
        (OrgRole::Partner, &event.partners, partners),
    ];
    // Both lists go before either is written again: an organization may move from one to
    // the other.
    for (role, _, replace) in lists {
        if replace {
            tx.execute(
                "DELETE FROM event_organization WHERE event_id = $1 AND role = $2",
                &[&event_id, &role.as_str()],
            )?;
        }
    }
    for (role, list, replace) in lists {
        if replace {
            // The other role's organizations as they are now (kept, or just written).
            let other = match role {
                OrgRole::Organizer => OrgRole::Partner,
                OrgRole::Partner => OrgRole::Organizer,
            };
            let others: Vec<i64> = tx
                .query(
                    "SELECT organization_id FROM event_organization
                      WHERE event_id = $1 AND role = $2",
                    &[&event_id, &other.as_str()],
                )?
                .into_iter()
                .map(|row| row.get(0))
                .collect();
            insert_orgs(tx, names, event_id, role, list, stamp, &others)?;
        }
    }
    Ok(())
}

// Sessions.

/// The sessions of one event met so far, by name key.
#[derive(Default)]
pub(super) struct Sessions(Vec<(String, i64)>);

impl Sessions {
    /// The session of the event called `name`, created if new.
    pub(super) fn id(
        &mut self,
        tx: &mut Transaction<'_>,
        event_id: i64,
        name: &str,
    ) -> Result<i64> {
        let key = name_key(name);
        if let Some((_, id)) = self.0.iter().find(|(k, _)| *k == key) {
            return Ok(*id);
        }
        let id = match session_by_key(tx, event_id, &key)? {
            Some(id) => id,
            None => tx
                .query_one(
                    "INSERT INTO session (event_id, name, name_key) VALUES ($1, $2, $3)
                     RETURNING id",
                    &[&event_id, &name, &key],
                )?
                .get(0),
        };
        self.0.push((key, id));
        Ok(id)
    }
}

/// The id of the event's session called `name`, if any.
pub(super) fn session_id(
    client: &mut impl GenericClient,
    event_id: i64,
    name: &str,
) -> Result<Option<i64>> {
    session_by_key(client, event_id, &name_key(name))
}

fn session_by_key(
    client: &mut impl GenericClient,
    event_id: i64,
    key: &str,
) -> Result<Option<i64>> {
    Ok(client
        .query_opt(
            "SELECT id FROM session WHERE event_id = $1 AND name_key = $2",
            &[&event_id, &key],
        )?
        .map(|row| row.get(0)))
}

/// Applies session edits to event `id`, in order. An edit naming a session the event does
/// not have is an error.
fn edit_sessions(
    tx: &mut Transaction<'_>,
    id: i64,
    edits: &[SessionEdit],
) -> Result<SessionsEdited> {
    let mut done = SessionsEdited::default();
    let session = |tx: &mut Transaction<'_>, name: &str| -> Result<i64> {
        session_id(tx, id, name)?.ok_or_else(|| StoreError::NoSession {
            event: id,
            name: name.to_string(),
        })
    };
    for edit in edits {
        match edit {
            SessionEdit::Rename { old, new } => {
                let from = session(tx, old)?;
                match session_id(tx, id, new)? {
                    Some(into) if into != from => {
                        tx.execute(
                            "UPDATE participation SET session_id = $2 WHERE session_id = $1",
                            &[&from, &into],
                        )?;
                        tx.execute("DELETE FROM session WHERE id = $1", &[&from])?;
                        done.merged += 1;
                    }
                    // A new name, or a new spelling of the same name.
                    _ => {
                        tx.execute(
                            "UPDATE session SET name = $2, name_key = $3 WHERE id = $1",
                            &[&from, new, &name_key(new)],
                        )?;
                    }
                }
            }
            SessionEdit::Remove(name) => {
                let gone = session(tx, name)?;
                done.unassigned += count(tx.execute(
                    "UPDATE participation SET session_id = NULL WHERE session_id = $1",
                    &[&gone],
                )?);
                tx.execute("DELETE FROM session WHERE id = $1", &[&gone])?;
            }
        }
    }
    if !edits.is_empty() {
        done.duplicates = count(super::curate::collapse_alike(
            tx,
            &super::curate::COLLAPSE_IN_EVENT,
            id,
        )?);
    }
    Ok(done)
}

/// A count of rows as the store's reports hold it.
fn count(rows: u64) -> usize {
    usize::try_from(rows).unwrap_or(usize::MAX)
}

// Participations.

/// The person, organization and session a participation refers to, created if new.
pub(super) fn participant_refs(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<ParticipantRefs> {
    let person = names.person(tx, &p.name, stamp)?;
    let organization = match &p.organization {
        Some(name) => Some(names.organization(tx, name, stamp)?),
        None => None,
    };
    let session = match &p.session {
        Some(name) => Some(sessions.id(tx, event_id, name)?),
        None => None,
    };
    Ok(ParticipantRefs {
        person,
        organization,
        session,
    })
}

/// The participation of the event that records the same as `p` (see [`Sameness`]), if any,
/// other than `except`. Nothing is created to find out: a name not known yet is in no
/// participation.
pub(super) fn same_participation(
    client: &mut impl GenericClient,
    event_id: i64,
    p: &NewParticipant,
    except: Option<i64>,
) -> Result<Option<i64>> {
    let Some(person) = find_by_key(client, &PERSON, &name_key(&p.name))? else {
        return Ok(None);
    };
    let organization = match &p.organization {
        None => None,
        Some(name) => match find_by_key(client, &ORGANIZATION, &name_key(name))? {
            Some(found) => Some(found.id),
            None => return Ok(None),
        },
    };
    let session = match &p.session {
        None => None,
        Some(name) => match session_id(client, event_id, name)? {
            Some(id) => Some(id),
            None => return Ok(None),
        },
    };
    let same = Sameness::new(
        ParticipantRefs {
            person: person.id,
            organization,
            session,
        },
        p,
    );
    Ok(client
        .query_opt(
            // Texts compared as the filters compare them: case and spacing aside.
            "SELECT id FROM participation
              WHERE person_id = $2 AND event_id = $1
                AND organization_id IS NOT DISTINCT FROM $3
                AND position_key IS NOT DISTINCT FROM $4 AND role_key IS NOT DISTINCT FROM $5
                AND session_id IS NOT DISTINCT FROM $6
                AND contribution_key IS NOT DISTINCT FROM $7
                AND id IS DISTINCT FROM $8
              ORDER BY id LIMIT 1",
            &[
                &event_id,
                &same.refs.person,
                &same.refs.organization,
                &same.position,
                &same.role,
                &same.refs.session,
                &same.contribution,
                &except,
            ],
        )?
        .map(|row| row.get(0)))
}

/// The head of the delegation of organization `organization` at event `event_id`, other than
/// participation `except`, as the error a second head is refused with; `Ok(())` when it has
/// none.
pub(super) fn check_head(
    client: &mut impl GenericClient,
    event_id: i64,
    organization: i64,
    except: Option<i64>,
) -> Result<()> {
    let head = client.query_opt(
        "SELECT p.id, pe.name, o.name FROM participation p
           JOIN person pe ON pe.id = p.person_id
           JOIN organization o ON o.id = p.organization_id
          WHERE p.event_id = $1 AND p.organization_id = $2 AND p.head
            AND p.id IS DISTINCT FROM $3",
        &[&event_id, &organization, &except],
    )?;
    match head {
        None => Ok(()),
        Some(row) => Err(StoreError::HeadTaken {
            event: event_id,
            participation: row.get(0),
            head: row.get(1),
            organization: row.get(2),
        }),
    }
}

/// Marks participation `id` as the head of its delegation, or not.
pub(super) fn set_head(client: &mut impl GenericClient, id: i64, head: bool) -> Result<()> {
    client.execute(
        "UPDATE participation SET head = $2 WHERE id = $1",
        &[&id, &head],
    )?;
    Ok(())
}

/// Records one participation of the event, creating its person, organization and session if
/// new; its id.
pub(super) fn insert_participant(
    tx: &mut Transaction<'_>,
    names: &mut Names,
    sessions: &mut Sessions,
    event_id: i64,
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    let refs = participant_refs(tx, names, sessions, event_id, p, stamp)?;
    insert_participation(tx, event_id, refs, p, stamp)
}

/// The key columns of a participation's texts: position, role, contribution.
fn participation_keys(p: &NewParticipant) -> [Option<String>; 3] {
    [&p.position, &p.role, &p.contribution].map(|t| t.as_deref().map(name_key))
}

/// Overwrites what participation `id` records (its event stays); so it keeps its id.
pub(super) fn update_participation(
    tx: &mut Transaction<'_>,
    id: i64,
    refs: ParticipantRefs,
    p: &NewParticipant,
) -> Result<()> {
    let [position_key, role_key, contribution_key] = participation_keys(p);
    // A failed statement ends a PostgreSQL transaction: the database's own refusal of a
    // second head could not be told apart and named, so it is checked first.
    if p.head
        && let Some(org) = refs.organization
    {
        let event_id: i64 = tx
            .query_one("SELECT event_id FROM participation WHERE id = $1", &[&id])?
            .get(0);
        check_head(tx, event_id, org, Some(id))?;
    }
    tx.execute(
        "UPDATE participation SET person_id = $2, organization_id = $3, position = $4,
                role = $5, session_id = $6, contribution = $7, position_key = $8,
                role_key = $9, contribution_key = $10, head = $11
          WHERE id = $1",
        &[
            &id,
            &refs.person,
            &refs.organization,
            &p.position,
            &p.role,
            &refs.session,
            &p.contribution,
            &position_key,
            &role_key,
            &contribution_key,
            &p.head,
        ],
    )?;
    Ok(())
}

/// Writes one participation whose person, organization and session are `refs`; its id.
fn insert_participation(
    tx: &mut Transaction<'_>,
    event_id: i64,
    refs: ParticipantRefs,
    p: &NewParticipant,
    stamp: &str,
) -> Result<i64> {
    let [position_key, role_key, contribution_key] = participation_keys(p);
    // Checked first, as in `update_participation`.
    if p.head
        && let Some(org) = refs.organization
    {
        check_head(tx, event_id, org, None)?;
    }
    let row = tx
        .query_one(
            "INSERT INTO participation (event_id, person_id, organization_id, position, role,
                                        session_id, contribution, created_at, position_key,
                                        role_key, contribution_key, head)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             RETURNING id",
            &[
                &event_id,
                &refs.person,
                &refs.organization,
                &p.position,
                &p.role,
                &refs.session,
                &p.contribution,
                &stamp,
                &position_key,
                &role_key,
                &contribution_key,
                &p.head,
            ],
        )
        .with_context(|| format!("recording participant {:?}", p.name))?;
    Ok(row.get(0))
}
