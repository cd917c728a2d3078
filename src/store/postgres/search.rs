//! Search documents and queries, tokenized in Rust so that both backends find the same
//! events for the same text: `event.search` is a tsvector built here from an event's title,
//! description, project, tags and session names; a search is a tsquery built here from its
//! terms, bound as a parameter.

use postgres::Transaction;

use crate::model::SearchQuery;
use crate::store::error::Result;

/// Brings the search documents of events `ids` up to date with what is stored of them.
#[allow(dead_code)] // until used
pub(super) fn refresh(tx: &mut Transaction<'_>, ids: &[i64]) -> Result<()> {
    let _ = (tx, ids);
    todo!("postgres search refresh")
}

/// The search document (a tsvector's text) of an event with these texts.
#[allow(dead_code)] // until used
pub(super) fn document(
    title: &str,
    description: Option<&str>,
    project: Option<&str>,
    tags: &[String],
    sessions: &[String],
) -> String {
    let _ = (title, description, project, tags, sessions);
    todo!("postgres search document")
}

/// The tsquery (its text, to bind) that means what the search's terms mean.
#[allow(dead_code)] // until used
pub(super) fn tsquery(query: &SearchQuery) -> String {
    let _ = query;
    todo!("postgres tsquery")
}
