-- The floor of raw SQLite insertion: the rows `events import` writes, loaded by the sqlite3
-- shell from flat CSV files into plain tables with the same indexes, in one transaction.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
BEGIN;
CREATE TABLE organization (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE organization_name (name_key TEXT PRIMARY KEY, organization_id INTEGER NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX organization_name_organization ON organization_name(organization_id);
CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE person_name (name_key TEXT PRIMARY KEY, person_id INTEGER NOT NULL, name TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX person_name_person ON person_name(person_id);
CREATE TABLE event (id INTEGER PRIMARY KEY, key TEXT UNIQUE, title TEXT NOT NULL, kind TEXT,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL, mode TEXT, location TEXT, region TEXT,
    project TEXT, description TEXT, source TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);
CREATE TABLE event_tag (event_id INTEGER NOT NULL, ord INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (event_id, ord)) WITHOUT ROWID;
CREATE INDEX event_tag_tag ON event_tag(tag);
CREATE TABLE event_organization (event_id INTEGER NOT NULL, role TEXT NOT NULL, ord INTEGER NOT NULL,
    organization_id INTEGER NOT NULL, PRIMARY KEY (event_id, role, ord), UNIQUE (event_id, role, organization_id)) WITHOUT ROWID;
CREATE INDEX event_organization_organization ON event_organization(organization_id, event_id);
CREATE TABLE session (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, UNIQUE (event_id, name_key));
CREATE TABLE participation (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, person_id INTEGER NOT NULL,
    organization_id INTEGER, position TEXT, role TEXT, session_id INTEGER, contribution TEXT, created_at TEXT NOT NULL);
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
.import --csv organization.csv organization
.import --csv organization_name.csv organization_name
.import --csv person.csv person
.import --csv person_name.csv person_name
.import --csv event.csv event
.import --csv event_tag.csv event_tag
.import --csv event_organization.csv event_organization
.import --csv session.csv session
.import --csv participation.csv participation
COMMIT;
