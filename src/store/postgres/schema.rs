//! The schema on PostgreSQL, as numbered migrations, in a schema (namespace) of its own. Every
//! text column compares and sorts by code point (`COLLATE "C"`, as SQLite compares bytes), so
//! that both backends order alike whatever the database's collation. What SQLite computes
//! with the store's own functions (`events_key`, `events_sort_key`) is computed in Rust and
//! stored (`*_key`, `*_sort` columns): the same function on both backends. The search
//! document (`event.search`) is built in Rust too (`search`), so both tokenize alike.
//!
//! A b-tree entry holds at most about 2.7 kB, and SQLite takes values of any length (a key, a
//! name or a tag of a megabyte imports there): so text is never a b-tree key here. Uniqueness
//! is on the value's digest (`md5(...)`), equality is found by hash indexes where values are
//! nearly all distinct (keys, names), by a b-tree on the first 200 characters where many
//! rows share a value (tags, roles: a hash index of those takes seconds to build, its
//! buckets overflowing), and the one range a query needs (keys starting with `BASE-`) by a
//! b-tree on the keys' first 100 characters.
//! Titles are not indexed (an event of the same title and start is found by its start).
//!
//! Never edit a migration that has shipped: add a new one.

/// The tables, functions and types `events` makes, by name: any of them found in its schema
/// without its mark is another program's, and the schema is left alone.
pub const OURS: &[&str] = &[
    "events_schema",
    "organization",
    "organization_name",
    "person",
    "person_name",
    "event",
    "event_tag",
    "event_organization",
    "session",
    "participation",
    "retired_key",
    "event_retire_key",
    "operation",
    "operation_change",
    "operation_organization",
    "organization_summary",
    "person_summary",
    "event_facet",
];

/// Every migration, in order: migration `n` (1-based) takes the schema from version n-1 to n.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// 4: the summaries `orgs`, `people`, `stats` and `person` read (issue 12), kept current by
/// every write in its own transaction (see `summary.rs`): per organization and per person
/// their events and dates, per group of events (a year, a kind, a mode, a region, as spelt)
/// the number of its events. Every organization and person has its row, those of no event
/// included. The rows are counted once the tables are made, in the migration's transaction
/// (`connection::upgrade`). A group's value is text of any length, so it is found by its
/// digest; "none recorded" (NULL) is a group of its own. As SQLite's migration 6. As V3,
/// it runs again on a schema whose version was set back (`IF NOT EXISTS`), and every row is
/// counted again.
const V4: &str = r#"
CREATE TABLE IF NOT EXISTS organization_summary (
    organization_id BIGINT PRIMARY KEY REFERENCES organization(id) ON DELETE CASCADE,
    events          BIGINT NOT NULL,  -- distinct events, in any role
    as_organizer    BIGINT NOT NULL,
    as_partner      BIGINT NOT NULL,
    as_participant  BIGINT NOT NULL,  -- events a participant represented it at
    headed          BIGINT NOT NULL,  -- participations heading its delegation
    first_date      DATE,
    last_date       DATE
);
CREATE TABLE IF NOT EXISTS person_summary (
    person_id       BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    events          BIGINT NOT NULL,
    first_date      DATE,
    last_date       DATE,
    -- Of one participation: the latest that records a position, else the latest that
    -- records an organization.
    position        TEXT COLLATE "C",
    organization_id BIGINT REFERENCES organization(id) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS event_facet (
    facet   TEXT COLLATE "C" NOT NULL CHECK (facet IN ('year', 'kind', 'mode', 'region')),
    value   TEXT COLLATE "C",
    events  BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS event_facet_group ON event_facet (facet, (value IS NULL), md5(coalesce(value, '')));
-- `people` reads the organization a person's summary names.
CREATE INDEX IF NOT EXISTS person_summary_organization ON person_summary (organization_id);

-- The roles that may read or write the events may read or write their summaries (as V3).
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who,
                    a.privilege_type AS what
               FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.oid = CAST('event' AS regclass) AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON organization_summary, person_summary, event_facet TO %s',
                       g.what, g.who);
    END LOOP;
END
$$;
"#;

/// 3: the operation log (issue 11). Every command that writes records one operation, with the
/// state of each record it touched before and after (JSON text, the same bytes as SQLite's),
/// and the organizations it touched (for `log --org`). No key refers from the log to the
/// records: history outlives them. `at` is the server's clock, in the log's format. As
/// SQLite's migration 5, it runs again on a schema whose version was set back (`IF NOT
/// EXISTS`), keeping its log.
const V3: &str = r#"
CREATE TABLE IF NOT EXISTS operation (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    user_name   TEXT COLLATE "C" NOT NULL,
    os_user     TEXT COLLATE "C",
    command     TEXT COLLATE "C" NOT NULL,
    summary     TEXT COLLATE "C" NOT NULL,
    undoes      BIGINT REFERENCES operation(id) ON DELETE SET NULL,
    undone_by   BIGINT REFERENCES operation(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS operation_at ON operation (at);
CREATE TABLE IF NOT EXISTS operation_change (
    operation   BIGINT NOT NULL REFERENCES operation(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('event', 'organization', 'person')),
    record      BIGINT NOT NULL,
    label       TEXT COLLATE "C" NOT NULL,
    before      TEXT COLLATE "C",
    after       TEXT COLLATE "C",
    PRIMARY KEY (operation, seq)
);
CREATE INDEX IF NOT EXISTS operation_change_record ON operation_change (kind, record, operation);
-- The states are compressed with lz4 where the server has it (PostgreSQL 14 and later, built
-- with it): twice as fast to write as the default, for an import's hundred thousand of them.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE operation_change ALTER COLUMN before SET COMPRESSION lz4,
                                          ALTER COLUMN after SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
CREATE TABLE IF NOT EXISTS operation_organization (
    organization BIGINT NOT NULL,
    operation    BIGINT NOT NULL REFERENCES operation(id) ON DELETE CASCADE,
    PRIMARY KEY (organization, operation)
);

-- The roles that may read or write the events (see the README's roles) may read or write
-- their log: the grants on `event` and its sequence are given on the log's tables and its
-- sequence too, so that an upgrade does not lock a team's editors out of every write.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who,
                    a.privilege_type AS what
               FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.oid = CAST('event' AS regclass) AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON operation, operation_change, operation_organization TO %s',
                       g.what, g.who);
    END LOOP;
    FOR g IN SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who,
                    a.privilege_type AS what
               FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.oid = CAST(pg_get_serial_sequence('event', 'id') AS regclass)
                AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON SEQUENCE %s TO %s', g.what,
                       pg_get_serial_sequence('operation', 'id'), g.who);
    END LOOP;
END
$$;
"#;

/// 2: the heads of delegations. A participation may head the delegation of its organization
/// at its event (never one without an organization), and each delegation has one head at
/// most, which the database itself keeps (a partial unique index). The roles that said so
/// before, "head of delegation" in any case and spacing (`role_key`), become heads where that
/// leaves one head per delegation: the participation of the lowest id when every such
/// participation of the delegation is one person's; none when they are several people. As
/// SQLite's migration 4.
const V2: &str = r#"
ALTER TABLE participation ADD COLUMN head BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE participation ADD CONSTRAINT participation_head_organization
    CHECK (NOT head OR organization_id IS NOT NULL);
UPDATE participation SET head = true
 WHERE id IN (SELECT min(id) FROM participation
               WHERE organization_id IS NOT NULL AND role_key = 'head of delegation'
               GROUP BY event_id, organization_id
              HAVING count(DISTINCT person_id) = 1);
CREATE UNIQUE INDEX participation_head ON participation (event_id, organization_id) WHERE head;
"#;

/// 1: the mark, events, organizations, people, sessions, participations, retired keys.
const V1: &str = r#"
CREATE TABLE events_schema (
    one         BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    application TEXT NOT NULL CHECK (application = 'events'),
    version     BIGINT NOT NULL
);

CREATE TABLE organization (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,  -- name_key(name)
    name_sort   TEXT COLLATE "C" NOT NULL,  -- sort_key(name)
    created_at  TEXT COLLATE "C" NOT NULL
);
CREATE TABLE organization_name (
    name_key        TEXT COLLATE "C" NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
    name            TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX organization_name_unique ON organization_name (md5(name_key));
CREATE INDEX organization_name_key ON organization_name USING hash (name_key);
CREATE INDEX organization_name_organization ON organization_name(organization_id);

CREATE TABLE person (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    name_sort   TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
CREATE TABLE person_name (
    name_key    TEXT COLLATE "C" NOT NULL,
    person_id   BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX person_name_unique ON person_name (md5(name_key));
CREATE INDEX person_name_key ON person_name USING hash (name_key);
CREATE INDEX person_name_person ON person_name(person_id);

CREATE TABLE event (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    key         TEXT COLLATE "C" NOT NULL CHECK (key <> ''),
    title       TEXT COLLATE "C" NOT NULL CHECK (btrim(title) <> ''),
    kind        TEXT COLLATE "C",
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    mode        TEXT COLLATE "C" CHECK (mode IN ('in-person', 'virtual', 'hybrid')),
    location    TEXT COLLATE "C",
    region      TEXT COLLATE "C",
    project     TEXT COLLATE "C",
    description TEXT COLLATE "C",
    source      TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    key_folded  TEXT COLLATE "C" NOT NULL,  -- name_key(key): what a reference missing by case meant
    title_key   TEXT COLLATE "C" NOT NULL,  -- name_key(title)
    title_sort  TEXT COLLATE "C" NOT NULL,  -- sort_key(title)
    kind_key    TEXT COLLATE "C",           -- name_key(kind), and so on
    region_key  TEXT COLLATE "C",
    project_key TEXT COLLATE "C",
    search      TSVECTOR NOT NULL DEFAULT '',  -- built by events (search.rs)
    CHECK (end_date >= start_date)
);
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);
CREATE UNIQUE INDEX event_key_unique ON event (md5(key));
CREATE INDEX event_key ON event USING hash (key);
CREATE INDEX event_key_prefix ON event (left(key, 100));
CREATE INDEX event_key_folded ON event USING hash (key_folded);
CREATE INDEX event_search ON event USING gin (search);

CREATE TABLE event_tag (
    event_id    BIGINT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    ord         BIGINT NOT NULL,
    tag         TEXT COLLATE "C" NOT NULL,
    tag_key     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (event_id, ord)
);
CREATE INDEX event_tag_tag ON event_tag (left(tag_key, 200));

CREATE TABLE event_organization (
    event_id        BIGINT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    role            TEXT COLLATE "C" NOT NULL CHECK (role IN ('organizer', 'partner')),
    ord             BIGINT NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organization(id),
    PRIMARY KEY (event_id, role, ord),
    UNIQUE (event_id, role, organization_id)
);
CREATE INDEX event_organization_organization ON event_organization(organization_id, event_id);

CREATE TABLE session (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id    BIGINT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX session_name ON session (event_id, md5(name_key));

CREATE TABLE participation (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id         BIGINT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    person_id        BIGINT NOT NULL REFERENCES person(id),
    organization_id  BIGINT REFERENCES organization(id),
    position         TEXT COLLATE "C",
    role             TEXT COLLATE "C",
    session_id       BIGINT REFERENCES session(id) ON DELETE SET NULL,
    contribution     TEXT COLLATE "C",
    created_at       TEXT COLLATE "C" NOT NULL,
    position_key     TEXT COLLATE "C",
    role_key         TEXT COLLATE "C",
    contribution_key TEXT COLLATE "C"
);
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
CREATE INDEX participation_role ON participation (left(role_key, 200));

-- The keys events no longer have (removed, or given another key), which a generated key never
-- takes again; kept by the database itself, whichever command removes an event or changes
-- its key.
CREATE TABLE retired_key (key TEXT COLLATE "C" NOT NULL);
CREATE UNIQUE INDEX retired_key_unique ON retired_key (md5(key));
CREATE INDEX retired_key_key ON retired_key USING hash (key);
CREATE INDEX retired_key_prefix ON retired_key (left(key, 100));
CREATE FUNCTION event_retire_key() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.key IS DISTINCT FROM NEW.key THEN
        INSERT INTO retired_key (key) VALUES (OLD.key) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER event_key_retired AFTER DELETE OR UPDATE OF key ON event
FOR EACH ROW EXECUTE FUNCTION event_retire_key();
"#;
