//! Organizations and people by name.

use postgres::GenericClient;

use crate::model::EntityKind;
use crate::store::Found;
use crate::store::error::Result;

/// The organization or person known by `name` (its own or an alias), if any.
pub(super) fn find(
    client: &mut impl GenericClient,
    kind: EntityKind,
    name: &str,
) -> Result<Option<Found>> {
    {
        let _ = (client, kind, name);
        todo!("postgres find")
    }
}

/// Calls `f` with the id and each name (own or alias) of every organization or person.
pub(super) fn each_name(
    client: &mut impl GenericClient,
    kind: EntityKind,
    f: &mut dyn FnMut(i64, &str),
) -> Result<()> {
    {
        let _ = (client, kind, f);
        todo!("postgres each_name")
    }
}

/// The id of the organization or person known by `name`, created (with the key columns
/// `name_key` and `name_sort` filled) if no one is; and whether this call created it.
#[allow(dead_code)] // until used
pub(super) fn ensure(
    client: &mut impl GenericClient,
    kind: EntityKind,
    name: &str,
) -> Result<(i64, bool)> {
    let _ = (client, kind, name);
    todo!("postgres ensure")
}
