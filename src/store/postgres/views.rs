//! `orgs`, `people`, `person`, `stats` and the aliases an export carries.

use postgres::Transaction;

use crate::model::{
    AliasRecord, EventFilter, OrgSummary, PersonHistory, PersonSummary, StatsBy, StatsRow,
};
use crate::store::error::Result;

pub(super) fn organizations(
    tx: &mut Transaction<'_>,
    search: Option<&str>,
) -> Result<Vec<OrgSummary>> {
    {
        let _ = (tx, search);
        todo!("postgres organizations")
    }
}

pub(super) fn people(
    tx: &mut Transaction<'_>,
    org: Option<&str>,
) -> Result<Option<Vec<PersonSummary>>> {
    {
        let _ = (tx, org);
        todo!("postgres people")
    }
}

pub(super) fn person_history(
    tx: &mut Transaction<'_>,
    name: &str,
) -> Result<Option<PersonHistory>> {
    {
        let _ = (tx, name);
        todo!("postgres person_history")
    }
}

pub(super) fn alias_records(
    tx: &mut Transaction<'_>,
    filter: &EventFilter,
) -> Result<Vec<AliasRecord>> {
    {
        let _ = (tx, filter);
        todo!("postgres alias_records")
    }
}

pub(super) fn stats(
    tx: &mut Transaction<'_>,
    by: StatsBy,
    filter: &EventFilter,
) -> Result<Vec<StatsRow>> {
    {
        let _ = (tx, by, filter);
        todo!("postgres stats")
    }
}
