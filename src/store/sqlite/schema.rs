//! The schema, as numbered migrations. Migration `n` (1-based) takes a database from
//! `user_version` n-1 to n. Never edit a migration that has shipped: add a new one.

use rusqlite::Transaction;

/// One schema upgrade, run inside the migrating transaction.
pub type Migration = fn(&Transaction<'_>) -> rusqlite::Result<()>;

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    |tx| tx.execute_batch(V1_EVENTS),
    |tx| {
        tx.execute_batch(V2_SEARCH)?;
        tx.execute(FTS_FILL, [])?;
        // events_key() is the store's own function, registered on every connection.
        tx.execute_batch(
            "UPDATE event SET title_key = events_key(title);
             CREATE INDEX event_start_title ON event(start_date, title_key);",
        )
    },
    |tx| {
        tx.execute_batch(V3_RETIRED_KEYS)?;
        give_keys(tx)?;
        tx.execute_batch(V3_IDENTITY)?;
        tx.execute_batch(V3_RETIRE_TRIGGERS)
    },
    |tx| tx.execute_batch(V4_HEADS),
    |tx| {
        tx.execute_batch(V5_IDENTITY)?;
        tx.execute_batch(V5_HISTORY)
    },
    // 6: the summaries `orgs`, `people` and `stats` read, counted from what is there.
    |tx| {
        tx.execute_batch(super::summary::V6_SUMMARIES)?;
        super::summary::recount_everything(tx)?;
        let has_surnames: bool = tx.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info('person_name') WHERE name = 'surname'",
            [],
            |r| r.get(0),
        )?;
        if !has_surnames {
            tx.execute("ALTER TABLE person_name ADD COLUMN surname TEXT", [])?;
        }
        tx.execute_batch(V6_SURNAMES)
    },
];

/// 6, last (after a column `surname` is added to `person_name`, unless a database whose
/// recorded version was set back by hand has it already): each person's name with its surname (`events_surname`: as `PersonName` reads and
/// folds it), indexed, so that a name resolved by its surname (`person Barchuk`) reads the
/// names of that surname, not every name.
const V6_SURNAMES: &str = r#"
UPDATE person_name SET surname = events_surname(name);
CREATE INDEX IF NOT EXISTS person_name_surname ON person_name(surname);
"#;

/// 5, first: organizations and people, like events and participations, never give an id
/// again once their row is removed (`AUTOINCREMENT`, as a server's identity): the log holds
/// their ids, and an undo puts a merged one back under its own. Built anew as in 3 (foreign
/// keys are off while migrating), ids and all.
const V5_IDENTITY: &str = r#"
CREATE TABLE organization_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO organization_new (id, name, created_at)
SELECT id, name, created_at FROM organization ORDER BY id;
DROP TABLE organization;
ALTER TABLE organization_new RENAME TO organization;

CREATE TABLE person_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO person_new (id, name, created_at)
SELECT id, name, created_at FROM person ORDER BY id;
DROP TABLE person;
ALTER TABLE person_new RENAME TO person;
"#;

/// 5, then: the history of changes (issue 11). Every write logs one `operation` (when, who, which
/// command, a summary, and for an undo the operation it reverts), its changes (each record
/// touched, with its state before and after as JSON text: `crate::model::State`) and the
/// organizations it touched or whose events it touched (for `log --org`). No foreign key
/// from the log to the records: the history outlives them. Operation ids are never given
/// again (`AUTOINCREMENT`, as a server's identity), even once old operations are pruned.
/// `undoes` and `undone_by` are indexed, and so is each change table by operation: a prune
/// deletes operations, which looks them up (the foreign keys' actions). (`IF NOT EXISTS`: a
/// database whose recorded version was set back by hand runs this migration again, and
/// keeps its log.)
const V5_HISTORY: &str = r#"
CREATE TABLE IF NOT EXISTS operation (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,          -- UTC, RFC 3339 with microseconds
    user_name   TEXT NOT NULL,
    os_user     TEXT,
    command     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    undoes      INTEGER REFERENCES operation(id) ON DELETE SET NULL,
    undone_by   INTEGER REFERENCES operation(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS operation_at ON operation(at);
CREATE INDEX IF NOT EXISTS operation_undoes ON operation(undoes);
CREATE INDEX IF NOT EXISTS operation_undone_by ON operation(undone_by);

CREATE TABLE IF NOT EXISTS operation_change (
    operation   INTEGER NOT NULL REFERENCES operation(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('event', 'organization', 'person')),
    record      INTEGER NOT NULL,
    label       TEXT NOT NULL,
    before      TEXT,                   -- JSON
    after       TEXT,                   -- JSON
    PRIMARY KEY (operation, seq)
);
CREATE INDEX IF NOT EXISTS operation_change_record ON operation_change(kind, record, operation);

CREATE TABLE IF NOT EXISTS operation_organization (
    organization INTEGER NOT NULL,
    operation    INTEGER NOT NULL REFERENCES operation(id) ON DELETE CASCADE,
    PRIMARY KEY (organization, operation)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS operation_organization_operation ON operation_organization(operation);
"#;

/// 4: the heads of delegations. A participation may head the delegation of its organization
/// at its event (never one without an organization), and each delegation has one head at
/// most, which the database itself keeps (a partial unique index). The roles that said so
/// before, "head of delegation" in any case and spacing, become heads where that leaves one
/// head per delegation: the participation of the lowest id when every such participation of
/// the delegation is one person's (in two sessions, say); none when they are several people.
const V4_HEADS: &str = r#"
ALTER TABLE participation ADD COLUMN head INTEGER NOT NULL DEFAULT 0
    CHECK (head IN (0, 1) AND (head = 0 OR organization_id IS NOT NULL));
UPDATE participation SET head = 1
 WHERE id IN (SELECT min(id) FROM participation
               WHERE organization_id IS NOT NULL AND events_key(role) = 'head of delegation'
               GROUP BY event_id, organization_id
              HAVING count(DISTINCT person_id) = 1);
CREATE UNIQUE INDEX participation_head ON participation(event_id, organization_id) WHERE head;
"#;

/// 3, first: every event without a key is given one, generated from its start date and title
/// as `add-event` does, oldest (lowest id) first, so that the same database always gets the
/// same keys.
fn give_keys(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let keyless: Vec<(i64, String, chrono::NaiveDate)> = tx
        .prepare("SELECT id, title, start_date FROM event WHERE key IS NULL ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = crate::store::GeneratedKeys::default();
    for (id, title, start) in keyless {
        let key = keys.unique_key(&mut super::lookup::Keys(tx), &title, start)?;
        tx.execute("UPDATE event SET key = ?2 WHERE id = ?1", (id, key))?;
    }
    Ok(())
}

/// 3, then: ids are never given again once their row is removed (`AUTOINCREMENT`), for events
/// and participations, whose ids scripts hold; and every event has a key. SQLite can add
/// neither to a table, so both tables are built anew and their rows copied, ids and all.
/// Foreign keys are off while migrating (see `migrate`), so dropping the old tables neither
/// cascades nor breaks the tables that refer to them by name.
const V3_IDENTITY: &str = r#"
CREATE TABLE event_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL UNIQUE CHECK (key <> ''),
    title       TEXT NOT NULL CHECK (trim(title) <> ''),
    kind        TEXT,
    start_date  TEXT NOT NULL,          -- YYYY-MM-DD
    end_date    TEXT NOT NULL,          -- YYYY-MM-DD, inclusive
    mode        TEXT CHECK (mode IN ('in-person', 'virtual', 'hybrid')),
    location    TEXT,
    region      TEXT,
    project     TEXT,
    description TEXT,
    source      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    title_key   TEXT,
    CHECK (end_date >= start_date)
);
INSERT INTO event_new (id, key, title, kind, start_date, end_date, mode, location, region,
                       project, description, source, created_at, updated_at, title_key)
SELECT id, key, title, kind, start_date, end_date, mode, location, region,
       project, description, source, created_at, updated_at, title_key
  FROM event ORDER BY id;
DROP TABLE event;
ALTER TABLE event_new RENAME TO event;
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);
CREATE INDEX event_start_title ON event(start_date, title_key);

CREATE TABLE participation_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    organization_id INTEGER REFERENCES organization(id),
    position        TEXT,
    role            TEXT,
    session_id      INTEGER REFERENCES session(id) ON DELETE SET NULL,
    contribution    TEXT,
    created_at      TEXT NOT NULL
);
INSERT INTO participation_new (id, event_id, person_id, organization_id, position, role,
                               session_id, contribution, created_at)
SELECT id, event_id, person_id, organization_id, position, role,
       session_id, contribution, created_at
  FROM participation ORDER BY id;
DROP TABLE participation;
ALTER TABLE participation_new RENAME TO participation;
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
"#;

/// 3: the keys events no longer have (removed, or given another key), which a generated key
/// never takes again: an old export, a participants file or a calendar holding one must not
/// come to name another event. A key given explicitly may take one back (restoring an event
/// from an export keeps its key). (`IF NOT EXISTS`: a database whose recorded version was set
/// back by hand runs this migration again.)
const V3_RETIRED_KEYS: &str = r#"
CREATE TABLE IF NOT EXISTS retired_key (key TEXT PRIMARY KEY) WITHOUT ROWID;
"#;

/// 3, last (on the rebuilt `event` table): keys are retired by the database itself, whichever
/// command removes an event or changes its key.
const V3_RETIRE_TRIGGERS: &str = r#"
CREATE TRIGGER event_key_retired_on_delete AFTER DELETE ON event
BEGIN
    INSERT OR IGNORE INTO retired_key (key) VALUES (old.key);
END;
CREATE TRIGGER event_key_retired_on_update AFTER UPDATE OF key ON event
WHEN old.key IS NOT new.key
BEGIN
    INSERT OR IGNORE INTO retired_key (key) VALUES (old.key);
END;
"#;

/// 1: events, organizations, people, sessions and participations.
const V1_EVENTS: &str = r#"
CREATE TABLE organization (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
-- Every name an organization is known by, its own and (later) its aliases, so that a name is
-- unique across all of them and one lookup finds the organization whichever is typed.
CREATE TABLE organization_name (
    name_key        TEXT PRIMARY KEY,   -- white space normalized, case folded
    organization_id INTEGER NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
    name            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX organization_name_organization ON organization_name(organization_id);

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE person_name (
    name_key    TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX person_name_person ON person_name(person_id);

CREATE TABLE event (
    id          INTEGER PRIMARY KEY,
    key         TEXT UNIQUE,
    title       TEXT NOT NULL CHECK (trim(title) <> ''),
    kind        TEXT,
    start_date  TEXT NOT NULL,          -- YYYY-MM-DD
    end_date    TEXT NOT NULL,          -- YYYY-MM-DD, inclusive
    mode        TEXT CHECK (mode IN ('in-person', 'virtual', 'hybrid')),
    location    TEXT,
    region      TEXT,
    project     TEXT,
    description TEXT,
    source      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);

CREATE TABLE event_tag (
    event_id    INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (event_id, ord)
) WITHOUT ROWID;
CREATE INDEX event_tag_tag ON event_tag(tag);

CREATE TABLE event_organization (
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('organizer', 'partner')),
    ord             INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organization(id),
    PRIMARY KEY (event_id, role, ord),
    UNIQUE (event_id, role, organization_id)
) WITHOUT ROWID;
CREATE INDEX event_organization_organization ON event_organization(organization_id, event_id);

CREATE TABLE session (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    UNIQUE (event_id, name_key)
);

CREATE TABLE participation (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES person(id),
    organization_id INTEGER REFERENCES organization(id),
    position        TEXT,
    role            TEXT,
    session_id      INTEGER REFERENCES session(id) ON DELETE SET NULL,
    contribution    TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
"#;

/// 2: full-text search over events (`list --search`): title, description, project, tags and
/// session names. Diacritics are folded, so `cafe` finds `café`. The index keeps no copy of
/// the text (`content = ''`): the event table has it. And each title's name key,
/// indexed with the start date, to match a record without a key to its event in one lookup.
const V2_SEARCH: &str = r#"
ALTER TABLE event ADD COLUMN title_key TEXT;
CREATE VIRTUAL TABLE event_fts USING fts5(
    title, description, project, tags, sessions,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
"#;

/// Writes the search rows of events: the text an event is found by. A macro so that the
/// statements below are constants, not strings put together at every use.
macro_rules! fts_fill {
    () => {
        "INSERT INTO event_fts (rowid, title, description, project, tags, sessions)
         SELECT e.id, e.title, e.description, e.project,
                (SELECT group_concat(tag, ' ') FROM event_tag WHERE event_id = e.id),
                (SELECT group_concat(name, ' ') FROM session WHERE event_id = e.id)
           FROM event e"
    };
}

/// Search rows for every event.
pub const FTS_FILL: &str = fts_fill!();

/// The search row of event `?1`.
pub const FTS_FILL_ONE: &str = concat!(fts_fill!(), " WHERE e.id = ?1");
