-- The baseline's full-text index, built as events builds its own (bench/queries.sh).
CREATE VIRTUAL TABLE event_fts USING fts5(
    title, description, project, tags, sessions,
    content = '', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO event_fts (rowid, title, description, project, tags, sessions)
SELECT e.id, e.title, e.description, e.project,
       (SELECT group_concat(tag, ' ') FROM event_tag WHERE event_id = e.id),
       (SELECT group_concat(name, ' ') FROM session WHERE event_id = e.id)
  FROM event e;
