//! What the import targets share: read every item a reader yields, and validate it as import
//! does.

use events::formats::{Item, ReadResult};

/// Reads at most `limit` items, validating each record.
pub fn read_all(items: impl Iterator<Item = ReadResult>, limit: usize) {
    for item in items.take(limit) {
        match item {
            Ok(Item::Event { record, .. }) => {
                let _ = record.validate();
            }
            Ok(Item::Participant { record, .. }) => {
                let _ = record.validate();
            }
            Ok(Item::Aliases { record, .. }) => {
                let _ = record.validate();
            }
            Err(problem) => {
                let _ = problem.to_string();
            }
        }
    }
}
