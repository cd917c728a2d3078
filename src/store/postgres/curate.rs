//! Aliases, renames and merges of organizations and people.

use postgres::Transaction;

use crate::model::EntityKind;
use crate::store::error::Result;
use crate::store::{AliasOutcome, Merged};

pub(super) fn add_alias(
    tx: &mut Transaction<'_>,
    kind: EntityKind,
    name: &str,
    alias: &str,
) -> Result<AliasOutcome> {
    {
        let _ = (tx, kind, name, alias);
        todo!("postgres add_alias")
    }
}

pub(super) fn remove_alias(
    tx: &mut Transaction<'_>,
    kind: EntityKind,
    name: &str,
    alias: &str,
) -> Result<String> {
    {
        let _ = (tx, kind, name, alias);
        todo!("postgres remove_alias")
    }
}

pub(super) fn rename(
    tx: &mut Transaction<'_>,
    kind: EntityKind,
    name: &str,
    new: &str,
) -> Result<String> {
    {
        let _ = (tx, kind, name, new);
        todo!("postgres rename")
    }
}

pub(super) fn merge(
    tx: &mut Transaction<'_>,
    kind: EntityKind,
    keep: &str,
    other: &str,
) -> Result<Merged> {
    {
        let _ = (tx, kind, keep, other);
        todo!("postgres merge")
    }
}
