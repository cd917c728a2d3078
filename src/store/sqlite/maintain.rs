//! Looking after a database: SQLite's own checks, counts, copies, reading by memory map.

use std::path::Path;

use super::SqliteStore;
use super::files::vacuum_into;

use crate::store::Counts;
use crate::store::error::Result;

impl SqliteStore {
    /// What SQLite's own checks find wrong: integrity, foreign keys, the search index; and
    /// summaries that differ from a count of the records. Empty when all is well.
    /// Each check runs even when another fails: on a damaged file, every finding counts.
    pub(super) fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let integrity = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })();
        // One row of the report may hold several findings, one per line, under a heading
        // naming the schema (`*** in database main ***`): one finding per line here.
        match integrity {
            Ok(rows) => problems.extend(
                rows.iter()
                    .flat_map(|r| r.lines())
                    .filter(|l| *l != "ok" && !l.starts_with("*** in database"))
                    .map(|l| format!("integrity: {l}")),
            ),
            Err(e) => problems.push(format!("integrity: {e}")),
        }
        let foreign = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
            let rows = stmt.query_map([], |r| {
                let table: String = r.get(0)?;
                let rowid: Option<i64> = r.get(1)?;
                let parent: String = r.get(2)?;
                Ok(format!(
                    "foreign key: row {} of {table} refers to a missing row of {parent}",
                    rowid.map_or("?".to_string(), |id| id.to_string())
                ))
            })?;
            rows.collect()
        })();
        match foreign {
            Ok(rows) => problems.extend(rows),
            Err(e) => problems.push(format!("foreign keys: {e}")),
        }
        // FTS5 checks itself through an INSERT, which a read-only connection may not run;
        // there, the index is not checked (it cannot have been changed either).
        match self.conn.execute(
            "INSERT INTO event_fts (event_fts) VALUES ('integrity-check')",
            [],
        ) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ReadOnly => {}
            Err(e) => problems.push(format!("search index: {e}")),
        }
        // The summaries `orgs`, `people` and `stats` read, against a count of the records.
        match super::summary::check(&self.conn) {
            Ok(findings) => problems.extend(findings),
            Err(e) => problems.push(format!("summary: {e}")),
        }
        Ok(problems)
    }

    /// How many events, organizations, people and participations there are. Counted in the
    /// tables themselves: SQLite would count the entries of the smallest index, which on a
    /// damaged file may be anything.
    pub(super) fn counts(&self) -> Result<Counts> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM event NOT INDEXED),
                    (SELECT count(*) FROM organization NOT INDEXED),
                    (SELECT count(*) FROM person NOT INDEXED),
                    (SELECT count(*) FROM participation NOT INDEXED)",
            [],
            |r| {
                Ok(Counts {
                    events: r.get(0)?,
                    organizations: r.get(1)?,
                    people: r.get(2)?,
                    participations: r.get(3)?,
                })
            },
        )?)
    }

    /// Writes a consistent copy of the database to `to` (`VACUUM INTO`: one read snapshot,
    /// so writers may go on meanwhile), readable by its owner only.
    pub(super) fn backup(&self, to: &Path) -> Result<()> {
        vacuum_into(&self.conn, to)
    }

    /// Keeps up to 16 MB of pages in memory from now on (2 MB by default): for views that
    /// read a row of a summary, of its entity and of its names per line (`people`: 60,000 at
    /// 100,000 events), each page is then read from the file once, not again at each of the
    /// rows it holds. Bounded, unlike a memory map, whose pages would all count in the
    /// process's memory.
    pub(super) fn read_many_rows(&self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -16_384)?;
        Ok(())
    }

    /// Reads through a memory map from now on: for views that read every page (orgs, people,
    /// stats), it spares a system call per page; for a few pages it costs more than it saves.
    pub(super) fn read_everything(&self) -> Result<()> {
        // A database in memory (the stand-in for one that does not exist) answers no row.
        self.conn
            .pragma_update_and_check(None, "mmap_size", 1_073_741_824_i64, |_| Ok(()))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(()),
                e => Err(e),
            })?;
        Ok(())
    }
}
