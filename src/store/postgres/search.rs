//! Search documents and queries, tokenized in Rust so that both backends find the same
//! events for the same text: `event.search` is a tsvector built here from an event's title,
//! description, project, tags and session names; a search is a tsquery built here from its
//! terms, bound as a parameter. Both are cut into tokens by [`crate::store::tokens`], which
//! is SQLite's FTS5 tokenizer (`unicode61 remove_diacritics 2`) in Rust, and given to
//! PostgreSQL as they are (the `::tsvector` and `::tsquery` casts keep lexemes as written:
//! no parser, dictionary or stemming of PostgreSQL's is involved).
//!
//! FTS5 keeps five columns and a phrase matches within one; a tsvector is one list of
//! positions, so each column's tokens are placed after the previous column's with a gap of
//! one position, which no phrase (`<->`, one apart) can cross. Tags are one column, joined
//! by spaces (as SQLite indexes them), sessions another, in the order SQLite joins them (by
//! name key), so a phrase may run from one tag into the next, as in SQLite.
//!
//! What a tsvector cannot hold, it does not: positions above 16383 are 16383 (so phrases
//! beyond the 16383rd token of an event's texts are not found: the description, the only
//! long text, comes last), a lexeme keeps 256 positions, a lexeme is cut to 2046 bytes (and
//! a searched word alike), and lexemes past about 1 MB in all are left out.

use postgres::Transaction;

use crate::model::{SearchQuery, SearchTerm, name_key};
use crate::store::error::Result;
use crate::store::tokens::{each_token, tokens};

/// The highest position a tsvector holds (PostgreSQL's MAXENTRYPOS - 1).
const MAX_POSITION: u16 = 16383;
/// How many positions a lexeme keeps (MAXNUMPOS).
const MAX_POSITIONS: usize = 256;
/// The longest lexeme, in bytes (MAXSTRLEN - 2, to be safe of either reading).
const MAX_LEXEME: usize = 2046;
/// What the lexemes and their positions of a document may take, in bytes: a tsvector is at
/// most 1 MB, with its header and entries.
const MAX_DOCUMENT: usize = 1_000_000;
/// How many events' documents are read and written per statement.
const BATCH: usize = 1000;

/// Brings the search documents of events `ids` up to date with what is stored of them.
pub(super) fn refresh(tx: &mut Transaction<'_>, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(BATCH) {
        let (ids, documents) = documents(tx, chunk)?;
        tx.execute(
            "UPDATE event e SET search = d.search::tsvector
               FROM unnest($1::bigint[], $2::text[]) AS d (id, search)
              WHERE e.id = d.id",
            &[&ids, &documents],
        )?;
    }
    Ok(())
}

/// The ids of those of `ids` that are events, and each one's search document as it should
/// be, from what is stored of it.
pub(super) fn documents(tx: &mut Transaction<'_>, ids: &[i64]) -> Result<(Vec<i64>, Vec<String>)> {
    let rows = tx.query(
        "SELECT e.id, e.title, e.description, e.project,
                ARRAY(SELECT t.tag FROM event_tag t WHERE t.event_id = e.id ORDER BY t.ord),
                ARRAY(SELECT s.name FROM session s WHERE s.event_id = e.id)
           FROM event e WHERE e.id = ANY($1)",
        &[&ids],
    )?;
    let mut found = Vec::with_capacity(rows.len());
    let mut documents = Vec::with_capacity(rows.len());
    for row in rows {
        let title: String = row.try_get(1)?;
        let description: Option<String> = row.try_get(2)?;
        let project: Option<String> = row.try_get(3)?;
        let tags: Vec<String> = row.try_get(4)?;
        let sessions: Vec<String> = row.try_get(5)?;
        found.push(row.try_get::<_, i64>(0)?);
        documents.push(document(
            &title,
            description.as_deref(),
            project.as_deref(),
            &tags,
            &sessions,
        ));
    }
    Ok((found, documents))
}

/// The search document (a tsvector's text, in PostgreSQL's own form: lexemes in byte order,
/// positions ascending) of an event with these texts. Tags in their order; sessions in any
/// (they are put in SQLite's order here).
pub(super) fn document(
    title: &str,
    description: Option<&str>,
    project: Option<&str>,
    tags: &[String],
    sessions: &[String],
) -> String {
    let mut sessions: Vec<(String, &str)> =
        sessions.iter().map(|s| (name_key(s), s.as_str())).collect();
    sessions.sort();
    let sessions: Vec<&str> = sessions.into_iter().map(|(_, s)| s).collect();
    let columns = [
        title.to_string(),
        project.unwrap_or_default().to_string(),
        tags.join(" "),
        sessions.join(" "),
        description.unwrap_or_default().to_string(),
    ];
    let mut lexemes = std::collections::BTreeMap::<String, Vec<u16>>::new();
    let mut size = 0;
    let mut position: u32 = 0;
    for column in &columns {
        each_token(column, |token| {
            position += 1;
            let at = u16::try_from(position)
                .unwrap_or(MAX_POSITION)
                .min(MAX_POSITION);
            let lexeme = cut(token);
            match lexemes.get_mut(lexeme) {
                Some(positions) => {
                    if positions.len() < MAX_POSITIONS
                        && positions.last() != Some(&at)
                        && size + 2 <= MAX_DOCUMENT
                    {
                        positions.push(at);
                        size += 2;
                    }
                }
                // An entry, the lexeme (padded), a count and one position.
                None if size + lexeme.len() + 9 <= MAX_DOCUMENT => {
                    size += lexeme.len() + 9;
                    lexemes.insert(lexeme.to_string(), vec![at]);
                }
                None => {}
            }
        });
        // A position left empty between columns.
        position += 1;
    }
    let mut out = String::with_capacity(size * 2);
    for (lexeme, positions) in &lexemes {
        if !out.is_empty() {
            out.push(' ');
        }
        quote(lexeme, &mut out);
        for (i, at) in positions.iter().enumerate() {
            out.push(if i == 0 { ':' } else { ',' });
            out.push_str(&at.to_string());
        }
    }
    out
}

/// The tsquery (its text, to bind) that means what the search's terms mean: every term
/// (`&`); a term of several tokens (`a-b`, `"law enforcement"`) a phrase (`<->`); a prefix
/// (`traffick*`) its last token's prefix (`:*`). Empty when a term holds no token at all:
/// SQLite's FTS5 finds nothing for such a term, so nothing is found.
pub(super) fn tsquery(query: &SearchQuery) -> String {
    let mut terms = Vec::with_capacity(query.terms.len());
    for term in &query.terms {
        let (text, prefix) = match term {
            SearchTerm::Word(text) | SearchTerm::Phrase(text) => (text, false),
            SearchTerm::Prefix(text) => (text, true),
        };
        let words = tokens(text);
        if words.is_empty() {
            return String::new();
        }
        let mut out = String::new();
        if words.len() > 1 {
            out.push('(');
        }
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                out.push_str(" <-> ");
            }
            quote(cut(word), &mut out);
            if prefix && i + 1 == words.len() {
                out.push_str(":*");
            }
        }
        if words.len() > 1 {
            out.push(')');
        }
        terms.push(out);
    }
    terms.join(" & ")
}

/// A token as a lexeme: at most [`MAX_LEXEME`] bytes, cut at a character.
fn cut(token: &str) -> &str {
    if token.len() <= MAX_LEXEME {
        return token;
    }
    let mut end = MAX_LEXEME;
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    &token[..end]
}

/// A lexeme quoted as tsvector and tsquery text write it (a token never holds `'` or `\`,
/// which are not token characters; quoted all the same).
fn quote(lexeme: &str, out: &mut String) {
    out.push('\'');
    for c in lexeme.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
}
