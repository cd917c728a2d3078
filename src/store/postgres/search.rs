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
/// The positions left empty after each column's tokens, so that no phrase runs from one
/// column into the next.
const GAP: u32 = 1;
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
    // The position before the column's first token.
    let mut start: u32 = 0;
    for column in &columns {
        let mut count: u32 = 0;
        each_token(column, |token| {
            count += 1;
            let at = u16::try_from(start + count)
                .unwrap_or(MAX_POSITION)
                .min(MAX_POSITION);
            let lexeme = cut(token);
            match lexemes.get_mut(lexeme) {
                Some(positions)
                    if positions.len() < MAX_POSITIONS
                        && positions.last() != Some(&at)
                        && size + 2 <= MAX_DOCUMENT =>
                {
                    positions.push(at);
                    size += 2;
                }
                Some(_) => {}
                // An entry, the lexeme (padded), a count and one position.
                None if size + lexeme.len() + 9 <= MAX_DOCUMENT => {
                    size += lexeme.len() + 9;
                    lexemes.insert(lexeme.to_string(), vec![at]);
                }
                None => {}
            }
        });
        start += count + GAP;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::search_query;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn documents_are_postgres_own_form() {
        // Columns in order title, project, tags, sessions (by name key), description, one
        // position apart; lexemes in byte order.
        let doc = document(
            "Café des Arts",
            Some("Write to x@y.org, café"),
            Some("Anti-Trafficking"),
            &strings(&["law", "enforcement"]),
            &strings(&["Panel B", "Opening"]),
        );
        assert_eq!(
            doc,
            "'anti':5 'arts':3 'b':13 'cafe':1,20 'des':2 'enforcement':9 'law':8 \
             'opening':11 'org':19 'panel':12 'to':16 'trafficking':6 'write':15 'x':17 'y':18"
        );
        assert_eq!(document("", None, None, &[], &[]), "");
        assert_eq!(document("--- !!", None, None, &[], &[]), "");
    }

    #[test]
    fn documents_stay_within_what_a_tsvector_holds() {
        // Positions stop at 16383, a lexeme keeps 256 of them.
        let long = "word ".repeat(20_000);
        let doc = document("t", Some(&long), None, &[], &[]);
        let positions = doc.split("'word':").nth(1).unwrap_or_default();
        assert_eq!(positions.split(',').count(), 256, "{doc}");
        let far = format!("{} end", "w ".repeat(20_000));
        assert!(document("t", Some(&far), None, &[], &[]).contains("'end':16383"));
        // A lexeme is cut to 2046 bytes, at a character.
        let word = "é".repeat(1500);
        let doc = document(&word, None, None, &[], &[]);
        assert_eq!(doc, format!("'{}':1", "e".repeat(1500)));
        let word = "ж".repeat(1500);
        let doc = document(&word, None, None, &[], &[]);
        assert_eq!(doc, format!("'{}':1", "ж".repeat(1023)));
        // About 1 MB of lexemes at most.
        let many: String = (0..200_000).map(|i| format!("w{i} ")).collect();
        assert!(document("t", Some(&many), None, &[], &[]).len() < 1_100_000);
    }

    #[test]
    fn tsquery_syntax() {
        let ts = |text: &str| tsquery(&search_query(text).unwrap());
        assert_eq!(ts("seminar"), "'seminar'");
        assert_eq!(ts("CAFÉ"), "'cafe'");
        assert_eq!(
            ts(r#"arms "law enforcement" traffick*"#),
            "'arms' & ('law' <-> 'enforcement') & 'traffick':*"
        );
        assert_eq!(ts("anti-traff*"), "('anti' <-> 'traff':*)");
        assert_eq!(ts("x@y.org"), "('x' <-> 'y' <-> 'org')");
        assert_eq!(
            ts("a-b OR (c) NOT:d"),
            "('a' <-> 'b') & 'or' & 'c' & ('not' <-> 'd')"
        );
        assert_eq!(ts("東京"), "'東京'");
        // A term with no token (a letter to Rust, a mark to SQLite): FTS5 finds nothing
        // for it, and so nothing; an empty tsquery says so.
        assert_eq!(ts("seminar \u{345}"), "");
        assert_eq!(ts("seminar \u{93e}"), "");
    }

    /// The same documents searched for the same text: SQLite's FTS5 table (as the SQLite
    /// backend makes it) and PostgreSQL's tsvectors (as this module makes them) find the
    /// same ones, for tricky texts and for many random ones.
    #[test]
    fn postgres_finds_what_fts5_finds() {
        let Some(url) = crate::store::postgres::read::testing::server() else {
            return;
        };
        // (title, description, project, tags, sessions)
        type Doc = (
            String,
            Option<String>,
            Option<String>,
            Vec<String>,
            Vec<String>,
        );
        let fixed = |t: &str, d: &str, p: &str, tags: &[&str], sessions: &[&str]| -> Doc {
            let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
            (t.into(), some(d), some(p), strings(tags), strings(sessions))
        };
        let mut docs: Vec<Doc> = vec![
            fixed(
                "Café des Arts",
                "contact x@y.org",
                "",
                &["law", "enforcement"],
                &[],
            ),
            fixed(
                "CAFE\u{301} society",
                "",
                "Anti-Trafficking",
                &[],
                &["Zeta", "alpha one"],
            ),
            fixed(
                "Trafficking in persons",
                "law",
                "",
                &["enforcement agencies"],
                &[],
            ),
            fixed(
                "東京 会議",
                "Σίσυφος ΣΊΣΥΦΟΣ",
                "Ташкент",
                &["ǅemal"],
                &["İstanbul"],
            ),
            fixed("seminar", "", "", &[], &["Panel B", "Opening"]),
            fixed("law", "enforcement", "", &[], &[]),
        ];
        // Random texts from a few tricky characters.
        let alphabet: Vec<char> = "aAbBéÉeE\u{301}-. @'’東京ж ß1²".chars().collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let text = |len: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
            (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
        };
        for _ in 0..150 {
            let doc: Doc = (
                text(1 + next(12), &mut next),
                Some(text(next(12), &mut next)),
                Some(text(next(6), &mut next)),
                (0..next(3)).map(|_| text(1 + next(5), &mut next)).collect(),
                (0..next(3)).map(|_| text(1 + next(5), &mut next)).collect(),
            );
            docs.push(doc);
        }
        let mut queries = strings(&[
            "cafe",
            "CAFÉ",
            "café",
            "traffick*",
            "anti-trafficking",
            "\"law enforcement\"",
            "law enforcement",
            "\"enforcement agencies\"",
            "x@y.org",
            "y.org",
            "東京",
            "会議",
            "東*",
            "σισυφος",
            "ташкент",
            "dzemal",
            "ǆemal",
            "istanbul",
            "\"zeta alpha\"",
            "\"alpha one zeta\"",
            "\"opening panel\"",
            "\"b opening\"",
            "\"seminar panel\"",
            "\"law enforcement\" cafe",
            "seminar \u{345}",
            "\u{93e}*",
            "a*",
            "e",
        ]);
        for _ in 0..300 {
            let t = text(1 + next(6), &mut next);
            let q = match next(3) {
                0 => format!("\"{t}\""),
                1 => format!("{t}*"),
                _ => t,
            };
            if search_query(&q).is_ok() && !q.contains('"') || q.matches('"').count() == 2 {
                queries.push(q);
            }
        }

        let sqlite = rusqlite::Connection::open_in_memory().unwrap();
        sqlite
            .execute_batch(
                "CREATE VIRTUAL TABLE event_fts USING fts5(
                     title, description, project, tags, sessions,
                     content = '', tokenize = 'unicode61 remove_diacritics 2');",
            )
            .unwrap();
        let mut pg = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        pg.batch_execute("CREATE TEMP TABLE doc (id BIGINT, search TSVECTOR)")
            .unwrap();
        for (id, (title, description, project, tags, sessions)) in docs.iter().enumerate() {
            // As SQLite's backend joins them: tags in order, sessions by name key.
            let mut by_key = sessions.clone();
            by_key.sort_by_key(|s| name_key(s));
            let join = |v: &[String]| (!v.is_empty()).then(|| v.join(" "));
            sqlite
                .execute(
                    "INSERT INTO event_fts (rowid, title, description, project, tags, sessions)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![
                        id as i64,
                        title,
                        description,
                        project,
                        join(tags),
                        join(&by_key)
                    ],
                )
                .unwrap();
            let doc = document(
                title,
                description.as_deref(),
                project.as_deref(),
                tags,
                sessions,
            );
            pg.execute(
                "INSERT INTO doc VALUES ($1, $2::text::tsvector)",
                &[&(id as i64), &doc],
            )
            .unwrap();
        }
        let (mut compared, mut found) = (0, 0);
        for q in &queries {
            let Ok(query) = search_query(q) else {
                continue;
            };
            // The SQLite backend's FTS5 syntax (sqlite/search.rs).
            let fts5: Vec<String> = query
                .terms
                .iter()
                .map(|term| match term {
                    SearchTerm::Word(w) | SearchTerm::Phrase(w) => format!("\"{w}\""),
                    SearchTerm::Prefix(w) => format!("\"{w}\"*"),
                })
                .collect();
            let mut found_sqlite: Vec<i64> = sqlite
                .prepare("SELECT rowid FROM event_fts WHERE event_fts MATCH ?1")
                .unwrap()
                .query_map([fts5.join(" AND ")], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            found_sqlite.sort_unstable();
            let ts = tsquery(&query);
            let found_pg: Vec<i64> = if ts.is_empty() {
                Vec::new()
            } else {
                pg.query(
                    "SELECT id FROM doc WHERE search @@ $1::text::tsquery ORDER BY id",
                    &[&ts],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
            };
            assert_eq!(found_pg, found_sqlite, "search {q:?} ({ts})");
            compared += 1;
            found += usize::from(!found_pg.is_empty());
        }
        // Most searches are compared, and many find something.
        assert!(
            compared > 250 && found > 100,
            "{compared} searches, {found} found"
        );
    }
}
