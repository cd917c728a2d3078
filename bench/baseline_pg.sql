-- The floor of raw PostgreSQL insertion: the rows `events import` writes, loaded by psql's
-- \copy from flat CSV files into plain tables with the same indexes as events' schema (but
-- for the columns events derives: name keys, sort keys, the search document and its index),
-- in one transaction, in a schema of their own. Run from the directory holding the CSV files.
\set ON_ERROR_STOP on
BEGIN;
DROP SCHEMA IF EXISTS baseline CASCADE;
CREATE SCHEMA baseline;
SET LOCAL search_path = baseline;
CREATE TABLE organization (id BIGINT PRIMARY KEY, name TEXT COLLATE "C" NOT NULL, created_at TEXT COLLATE "C" NOT NULL);
CREATE TABLE organization_name (name_key TEXT COLLATE "C" PRIMARY KEY, organization_id BIGINT NOT NULL, name TEXT COLLATE "C" NOT NULL);
CREATE INDEX organization_name_organization ON organization_name(organization_id);
CREATE TABLE person (id BIGINT PRIMARY KEY, name TEXT COLLATE "C" NOT NULL, created_at TEXT COLLATE "C" NOT NULL);
CREATE TABLE person_name (name_key TEXT COLLATE "C" PRIMARY KEY, person_id BIGINT NOT NULL, name TEXT COLLATE "C" NOT NULL);
CREATE INDEX person_name_person ON person_name(person_id);
CREATE TABLE event (id BIGINT PRIMARY KEY, key TEXT COLLATE "C" UNIQUE, title TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C", start_date DATE NOT NULL, end_date DATE NOT NULL, mode TEXT COLLATE "C",
    location TEXT COLLATE "C", region TEXT COLLATE "C", project TEXT COLLATE "C",
    description TEXT COLLATE "C", source TEXT COLLATE "C", created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX event_start ON event(start_date, id);
CREATE INDEX event_end ON event(end_date);
CREATE TABLE event_tag (event_id BIGINT NOT NULL, ord BIGINT NOT NULL, tag TEXT COLLATE "C" NOT NULL, PRIMARY KEY (event_id, ord));
CREATE INDEX event_tag_tag ON event_tag(tag);
CREATE TABLE event_organization (event_id BIGINT NOT NULL, role TEXT COLLATE "C" NOT NULL, ord BIGINT NOT NULL,
    organization_id BIGINT NOT NULL, PRIMARY KEY (event_id, role, ord), UNIQUE (event_id, role, organization_id));
CREATE INDEX event_organization_organization ON event_organization(organization_id, event_id);
CREATE TABLE session (id BIGINT PRIMARY KEY, event_id BIGINT NOT NULL, name TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL, UNIQUE (event_id, name_key));
CREATE TABLE participation (id BIGINT PRIMARY KEY, event_id BIGINT NOT NULL, person_id BIGINT NOT NULL,
    organization_id BIGINT, position TEXT COLLATE "C", role TEXT COLLATE "C", session_id BIGINT,
    contribution TEXT COLLATE "C", created_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX participation_event ON participation(event_id);
CREATE INDEX participation_person ON participation(person_id, event_id);
CREATE INDEX participation_organization ON participation(organization_id, event_id);
CREATE INDEX participation_session ON participation(session_id);
CREATE INDEX participation_role ON participation(role);
\copy organization FROM 'organization.csv' WITH (FORMAT csv)
\copy organization_name FROM 'organization_name.csv' WITH (FORMAT csv)
\copy person FROM 'person.csv' WITH (FORMAT csv)
\copy person_name FROM 'person_name.csv' WITH (FORMAT csv)
\copy event FROM 'event.csv' WITH (FORMAT csv)
\copy event_tag FROM 'event_tag.csv' WITH (FORMAT csv)
\copy event_organization FROM 'event_organization.csv' WITH (FORMAT csv)
\copy session FROM 'session.csv' WITH (FORMAT csv)
\copy participation FROM 'participation.csv' WITH (FORMAT csv)
COMMIT;
