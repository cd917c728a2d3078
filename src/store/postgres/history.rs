//! The operation log on this backend: PLACEHOLDER, to be written (issue 11).

use super::PgStore;
use super::import::PgImport;
use crate::model::{
    EntityKind, EntityState, EventState, LastChange, LogFilter, NewOperation, Operation,
    RecordKind, State,
};
use crate::store::error::{Result, StoreError};
use crate::store::{HistoryTxn, Journal, Undone};

fn unwritten<T>() -> Result<T> {
    Err(StoreError::NothingToUndo)
}

impl HistoryTxn for PgImport<'_> {
    fn state(&mut self, _: RecordKind, _: i64) -> Result<Option<State>> {
        unwritten()
    }
    fn clear_names(&mut self, _: EntityKind, _: i64) -> Result<()> {
        unwritten()
    }
    fn put_entity(&mut self, _: EntityKind, _: &EntityState) -> Result<()> {
        unwritten()
    }
    fn delete_entity(&mut self, _: EntityKind, _: i64) -> Result<()> {
        unwritten()
    }
    fn put_event(&mut self, _: &EventState) -> Result<()> {
        unwritten()
    }
    fn delete_event(&mut self, _: i64) -> Result<()> {
        unwritten()
    }
    fn events_using(&mut self, _: EntityKind, _: i64, _: usize) -> Result<Vec<i64>> {
        unwritten()
    }
    fn operation(&mut self, _: i64) -> Result<Option<Operation>> {
        unwritten()
    }
    fn later_on_same_records(&mut self, _: i64) -> Result<Vec<Operation>> {
        unwritten()
    }
    fn newest_not_undone(&mut self) -> Result<Option<i64>> {
        unwritten()
    }
    fn last_change(&mut self, _: RecordKind, _: i64) -> Result<Option<LastChange>> {
        unwritten()
    }
    fn changes_since(
        &mut self,
        _: RecordKind,
        _: i64,
        _: Option<i64>,
        _: Option<&str>,
    ) -> Result<Vec<LastChange>> {
        Ok(Vec::new())
    }
    fn set_undone_by(&mut self, _: i64, _: Option<i64>) -> Result<()> {
        unwritten()
    }
    fn record(&mut self, _: &NewOperation) -> Result<i64> {
        unwritten()
    }
}

impl PgStore {
    pub(super) fn log(&mut self, _: &LogFilter) -> Result<Vec<Operation>> {
        Ok(Vec::new())
    }
    pub(super) fn operation(&mut self, _: i64) -> Result<Option<Operation>> {
        Ok(None)
    }
    pub(super) fn last_change(&mut self, _: RecordKind, _: i64) -> Result<Option<LastChange>> {
        Ok(None)
    }
    pub(super) fn undo(&mut self, _: Option<i64>) -> Result<Undone> {
        unwritten()
    }
    pub(super) fn log_count_before(&mut self, _: &str) -> Result<u64> {
        Ok(0)
    }
    pub(super) fn prune_log(&mut self, _: &str) -> Result<u64> {
        Ok(0)
    }
}
