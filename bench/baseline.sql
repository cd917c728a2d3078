-- The bare floor of issue 12: the rows `events import` writes, loaded by the sqlite3 shell from
-- flat CSV files into plain tables (their primary keys only), the indexes built after the load,
-- in one transaction, WAL with `synchronous = NORMAL`. No parsing of nested JSON, no lookups,
-- no validation, no search index, no log. (bench/baseline_indexed.sql is the floor before
-- issue 12: indexes there before the load, `synchronous = FULL`.)
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
BEGIN;
CREATE TABLE organization (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE organization_name (name_key TEXT PRIMARY KEY, organization_id INTEGER NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE person_name (name_key TEXT PRIMARY KEY, person_id INTEGER NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE event (id INTEGER PRIMARY KEY, key TEXT, title TEXT NOT NULL, kind TEXT,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL, mode TEXT, location TEXT, region TEXT,
    project TEXT, description TEXT, source TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE event_tag (event_id INTEGER NOT NULL, ord INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (event_id, ord)) WITHOUT ROWID;
CREATE TABLE event_organization (event_id INTEGER NOT NULL, role TEXT NOT NULL, ord INTEGER NOT NULL,
    organization_id INTEGER NOT NULL, PRIMARY KEY (event_id, role, ord)) WITHOUT ROWID;
CREATE TABLE session (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL);
CREATE TABLE participation (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, person_id INTEGER NOT NULL,
    organization_id INTEGER, position TEXT, role TEXT, session_id INTEGER, contribution TEXT, created_at TEXT NOT NULL);
.import --csv organization.csv organization
.import --csv organization_name.csv organization_name
.import --csv person.csv person
.import --csv person_name.csv person_name
.import --csv event.csv event
.import --csv event_tag.csv event_tag
.import --csv event_organization.csv event_organization
.import --csv session.csv session
.import --csv participation.csv participation
CREATE INDEX organization_name_organization ON organization_name(organization_id);
CREATE INDEX person_name_person ON person_name(person_id);
CREATE UNIQUE INDEX event_key ON event(key);
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);
CREATE INDEX event_tag_tag ON event_tag(tag);
CREATE UNIQUE INDEX event_organization_unique ON event_organization(event_id, role, organization_id);
CREATE INDEX event_organization_organization ON event_organization(organization_id, event_id);
CREATE UNIQUE INDEX session_unique ON session(event_id, name_key);
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
COMMIT;
