//! Which events `list`, `export` and `stats` return, in what order.

use chrono::NaiveDate;

use super::event::Mode;

/// Which events `list`, `export` and `stats` return; every condition present must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Events that end on or after this day.
    pub from: Option<NaiveDate>,
    /// Events that start on or before this day.
    pub to: Option<NaiveDate>,
    /// Events linked to this organization (by name or alias), in `org_role` if given.
    pub org: Option<String>,
    pub org_role: Option<LinkRole>,
    /// Events this person (by name or alias) took part in, in `role` if given.
    pub person: Option<String>,
    /// Events where someone took part in this role (compared as names are).
    pub role: Option<String>,
    /// Events where this person (by name or alias) headed a delegation.
    pub head: Option<String>,
    /// Stored lower-case, as kinds are.
    pub kind: Option<String>,
    pub mode: Option<Mode>,
    pub region: Option<String>,
    /// A substring of the project, compared as names are.
    pub project: Option<String>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// Full-text search terms, parsed by [`search_query`]; each backend writes them in its
    /// own syntax.
    pub search: Option<SearchQuery>,
    pub sort: Sort,
    pub limit: Option<u64>,
}

impl EventFilter {
    /// Whether any condition narrows the events (sorting and limits aside).
    pub fn is_narrowed(&self) -> bool {
        let all = EventFilter {
            sort: self.sort,
            limit: self.limit,
            ..EventFilter::default()
        };
        *self != all
    }
}

/// How an organization can be linked to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRole {
    Organizer,
    Partner,
    /// It sent someone: a participant represented it.
    Participant,
}

/// The order events are listed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// By start date, then id.
    #[default]
    Start,
    /// Latest first.
    StartDescending,
    /// By title (as names are compared), then start date.
    Title,
}

/// What a user typed after `--search`, parsed once: every term must match (in any order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Never empty.
    pub terms: Vec<SearchTerm>,
}

/// One term of a search. Its text is as typed: each backend tokenizes it as it tokenizes the
/// searched text (accents and case aside, split on what is not a letter or a digit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// A word (or what the tokenizer makes of it: `a-b` is the phrase `a b`).
    Word(String),
    /// `traffick*`: any word that starts with this.
    Prefix(String),
    /// `"law enforcement"`: these words, in this order, next to each other.
    Phrase(String),
}

/// Parses what a user types after `--search`: every word must appear (in any order), a
/// `"quoted phrase"` must appear as written, and a word ending in `*` matches any word it
/// starts. Nothing else in the text is syntax, so `-`, `:`, `OR` or parentheses are just
/// text. A term without a letter or digit matches nothing and is dropped.
pub fn search_query(text: &str) -> Result<SearchQuery, String> {
    let mut terms = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut phrase = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                phrase.push(c);
            }
            if !closed {
                return Err("a quoted phrase is not closed with `\"`".to_string());
            }
            if phrase.chars().any(char::is_alphanumeric) {
                terms.push(SearchTerm::Phrase(phrase));
            }
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            let prefix = word.ends_with('*');
            let word = word.trim_end_matches('*');
            if word.chars().any(char::is_alphanumeric) {
                terms.push(if prefix {
                    SearchTerm::Prefix(word.to_string())
                } else {
                    SearchTerm::Word(word.to_string())
                });
            }
        }
    }
    if terms.is_empty() {
        return Err("give at least one word to search for".to_string());
    }
    Ok(SearchQuery { terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_queries() {
        use SearchTerm::*;
        let terms = |text: &str| search_query(text).map(|q| q.terms);
        assert_eq!(terms("seminar"), Ok(vec![Word("seminar".into())]));
        assert_eq!(
            terms(r#"arms "law enforcement" counter*"#),
            Ok(vec![
                Word("arms".into()),
                Phrase("law enforcement".into()),
                Prefix("counter".into())
            ])
        );
        assert_eq!(
            terms("a-b OR (c) NOT:d"),
            Ok(vec![
                Word("a-b".into()),
                Word("OR".into()),
                Word("(c)".into()),
                Word("NOT:d".into())
            ])
        );
        assert!(search_query(r#""open"#).is_err());
        assert!(search_query("  * - ").is_err());
    }
}
