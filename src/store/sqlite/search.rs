//! Search terms in FTS5's query syntax.

use crate::model::{SearchQuery, SearchTerm};

/// The FTS5 query that means what the terms mean: each term quoted (so that nothing in it is
/// FTS5 syntax: `-`, `:`, `OR`, parentheses), a prefix followed by `*`, all joined by `AND`.
/// A term cannot hold a `"` (the parser ends a term there), so quoting needs no escape.
pub(super) fn fts5_query(query: &SearchQuery) -> String {
    let terms: Vec<String> = query
        .terms
        .iter()
        .map(|term| match term {
            SearchTerm::Word(word) | SearchTerm::Phrase(word) => format!("\"{word}\""),
            SearchTerm::Prefix(word) => format!("\"{word}\"*"),
        })
        .collect();
    terms.join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::search_query;

    #[test]
    fn fts5_syntax() {
        let fts5 = |text: &str| fts5_query(&search_query(text).unwrap());
        assert_eq!(fts5("seminar"), r#""seminar""#);
        assert_eq!(
            fts5(r#"arms "law enforcement" counter*"#),
            r#""arms" AND "law enforcement" AND "counter"*"#
        );
        assert_eq!(
            fts5("a-b OR (c) NOT:d"),
            r#""a-b" AND "OR" AND "(c)" AND "NOT:d""#
        );
    }
}
