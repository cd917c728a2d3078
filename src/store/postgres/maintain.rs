//! `check` and the counts it prints.

use postgres::{GenericClient, Transaction};

use crate::store::Counts;
use crate::store::error::Result;

/// What is wrong with the records that the database's constraints do not already rule out.
pub(super) fn check(tx: &mut Transaction<'_>) -> Result<Vec<String>> {
    {
        let _ = tx;
        todo!("postgres check")
    }
}

pub(super) fn counts(client: &mut impl GenericClient) -> Result<Counts> {
    {
        let _ = client;
        todo!("postgres counts")
    }
}
