//! A bulk import: one transaction.

use chrono::NaiveDate;
use postgres::Transaction;

use crate::model::{EntityKind, Event, EventRef, Field, Identity, NewEvent, NewParticipant};
use crate::store::error::{Result, StoreError};
use crate::store::{AliasConflict, ImportTxn, KeySpace, MergeReport, ParticipationPlan};

/// An import in progress.
pub(super) struct PgImport<'a> {
    tx: Transaction<'a>,
}

impl<'a> PgImport<'a> {
    pub(super) fn new(tx: Transaction<'a>) -> Result<PgImport<'a>> {
        Ok(PgImport { tx })
    }
}

impl KeySpace for PgImport<'_> {
    type Error = StoreError;
    fn key_taken(&mut self, key: &str) -> Result<bool> {
        todo!("{key}")
    }
    fn suffixed_keys(&mut self, base: &str) -> Result<Vec<String>> {
        todo!("{base}")
    }
}

impl ImportTxn for PgImport<'_> {
    #[allow(unused_variables)]
    fn event_with_key(&mut self, key: &str) -> Result<Option<i64>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn events_like(&mut self, title: &str, start: NaiveDate) -> Result<Vec<Identity>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn line_of(&mut self, event: i64) -> Result<Option<u64>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn record_line(&mut self, event: i64, line: u64) -> Result<()> {
        todo!()
    }
    #[allow(unused_variables)]
    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn find(&mut self, kind: EntityKind, name: &str) -> Result<Option<crate::store::Found>> {
        todo!()
    }
    fn began_empty(&self) -> bool {
        todo!()
    }
    #[allow(unused_variables)]
    fn insert_event(&mut self, event: &NewEvent, key: &str) -> Result<i64> {
        todo!()
    }
    #[allow(unused_variables)]
    fn update_event(
        &mut self,
        id: i64,
        event: &NewEvent,
        fields: &[Field],
        plan: Option<&ParticipationPlan>,
    ) -> Result<()> {
        todo!()
    }
    #[allow(unused_variables)]
    fn event_changed(&mut self, id: i64) -> Result<()> {
        todo!()
    }
    #[allow(unused_variables)]
    fn resolve_event(&mut self, reference: &EventRef) -> Result<Option<i64>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn keys_like(&mut self, text: &str) -> Result<Vec<String>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn has_participation(&mut self, event: i64, p: &NewParticipant) -> Result<bool> {
        todo!()
    }
    #[allow(unused_variables)]
    fn add_participation(&mut self, event: i64, p: &NewParticipant) -> Result<()> {
        todo!()
    }
    #[allow(unused_variables)]
    fn entity(&mut self, kind: EntityKind, name: &str) -> Result<(i64, bool)> {
        todo!()
    }
    fn take_created(&mut self) -> Vec<(EntityKind, i64)> {
        todo!()
    }
    #[allow(unused_variables)]
    fn absorb(&mut self, kind: EntityKind, keep: i64, other: i64) -> Result<MergeReport> {
        todo!()
    }
    #[allow(unused_variables)]
    fn add_aliases(
        &mut self,
        kind: EntityKind,
        id: i64,
        aliases: &[String],
    ) -> Result<std::result::Result<u64, AliasConflict>> {
        todo!()
    }
    #[allow(unused_variables)]
    fn each_name(&mut self, kind: EntityKind, f: &mut dyn FnMut(i64, &str)) -> Result<()> {
        todo!()
    }
    fn commit(self: Box<Self>) -> Result<()> {
        Ok(self.tx.commit()?)
    }
    fn rollback(self: Box<Self>) -> Result<()> {
        Ok(self.tx.rollback()?)
    }
}
