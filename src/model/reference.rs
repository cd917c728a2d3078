//! How an event is named on a command line or in a file ([`EventRef`]), and its keys: which
//! may be given ([`key_problem`]) and the one an event without a key is given
//! ([`generated_key`]).

use std::fmt;

use chrono::NaiveDate;

use super::names::normalize_name;

/// How a command-line argument or a file's `event` column names an event: by id or by key.
///
/// The rule that keeps a reference from ever meaning two events: an id is read only in its
/// plain decimal form (`[1-9][0-9]*`, so `02` and `+2` are not ids), new keys may not be made
/// of digits only ([`key_problem`]), and `key:REF` always means a key, which reaches the
/// all-digit keys of databases written before that rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRef {
    Id(i64),
    Key(String),
}

/// What marks a reference as a key whatever it looks like: `key:5`.
pub const KEY_PREFIX: &str = "key:";

impl EventRef {
    /// Reads a reference. White space is collapsed, as keys are stored.
    pub fn parse(text: &str) -> EventRef {
        let text = normalize_name(text);
        if let Some(key) = text.strip_prefix(KEY_PREFIX) {
            return EventRef::Key(normalize_name(key));
        }
        let plain = text
            .as_bytes()
            .first()
            .is_some_and(|b| (b'1'..=b'9').contains(b))
            && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse() {
            Ok(id) if plain => EventRef::Id(id),
            _ => EventRef::Key(text),
        }
    }
}

/// How to name the event with `key` on a command line so that it reads back as that key: the
/// key itself where it reads as one, else `key:KEY` (a key of digits would name an id, one
/// starting with `-` would be an option).
pub fn key_reference(key: &str) -> String {
    match EventRef::parse(key) {
        // One that starts with `-` would read as an option.
        EventRef::Key(read) if read == key && !key.starts_with('-') => key.to_string(),
        _ => format!("{KEY_PREFIX}{key}"),
    }
}

impl fmt::Display for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventRef::Id(id) => write!(f, "id {id}"),
            EventRef::Key(key) => write!(f, "key {key:?}"),
        }
    }
}

/// Why `key` cannot be given to an event, if it cannot: a key of digits only would read as an
/// id, one starting with `key:` would lose that prefix when referred to, and control
/// characters cannot be typed nor shown. (`add-event` and `edit-event` refuse such keys;
/// `import` takes them, since an older `events` gave them and its exports must import back.)
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.chars().any(char::is_control) {
        Some("a key cannot hold control characters; give one of letters, digits and `-`")
    } else if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
        Some("a key made only of digits would read as an id; give one with a letter or a `-` in it")
    } else if key.starts_with(KEY_PREFIX) {
        Some("a key cannot start with `key:`, which marks a key in a reference")
    } else {
        None
    }
}

/// Generated keys keep at most this many characters of the title.
const KEY_TITLE_CHARS: usize = 40;

/// Short words a generated key does not end on.
const KEY_TRAILING_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
];

/// The key an event without one is given (before a suffix that makes it unique): its start
/// date, then the first words of its title, accents folded, lower-case, anything else than
/// letters and digits made a `-`: `2021-03-16-virtual-regional-seminar-on-judicial`. Letters
/// of scripts without a Latin spelling are kept as they are (lower-cased).
pub fn generated_key(title: &str, start: NaiveDate) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in title.chars() {
        if is_combining_mark(c) {
            continue; // a decomposed accent: the letter before it stays, the accent goes
        }
        if let Some(folded) = fold_latin(c) {
            word.push_str(folded);
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "People's" is one word, not "people-s".
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    // Whole words up to the limit; a first word longer than that is cut.
    let mut slug = String::new();
    let mut kept = 0;
    for w in &words {
        let extra = usize::from(!slug.is_empty()) + w.chars().count();
        if slug.chars().count() + extra > KEY_TITLE_CHARS {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(w);
        kept += 1;
    }
    if kept == 0
        && let Some(first) = words.first()
    {
        slug = first.chars().take(KEY_TITLE_CHARS).collect();
    } else if kept < words.len() {
        // Cut short: not on "and" or "of".
        let mut parts: Vec<&str> = slug.split('-').collect();
        while parts.len() > 1 && parts.last().is_some_and(|w| KEY_TRAILING_WORDS.contains(w)) {
            parts.pop();
        }
        slug = parts.join("-");
    }
    let date = crate::dates::iso(start);
    if slug.is_empty() {
        date
    } else {
        format!("{date}-{slug}")
    }
}

/// Whether `c` is a combining accent (as in a decomposed `é`, `e` + U+0301).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}')
}

/// A Latin letter with a diacritic (or a ligature) in lower-case ASCII; a plain ASCII letter
/// or digit lower-cased. `None` for anything else.
fn fold_latin(c: char) -> Option<&'static str> {
    const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    if c.is_ascii_alphanumeric() {
        let lower = c.to_ascii_lowercase();
        let at = ASCII.find(lower)?;
        return Some(&ASCII[at..at + 1]);
    }
    // Latin-1 Supplement, U+00C0..U+00FF, one entry per code point ("" for × and ÷).
    const LATIN1: [&str; 64] = [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", //
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    ];
    // Latin Extended-A, U+0100..U+017F, in pairs of capital and small letters mostly.
    const EXTENDED_A: [&str; 128] = [
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", //
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", //
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", //
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", //
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", //
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", //
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", //
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
    ];
    let code = c as u32;
    let folded = match code {
        0xC0..=0xFF => LATIN1[(code - 0xC0) as usize],
        0x100..=0x17F => EXTENDED_A[(code - 0x100) as usize],
        // Romanian comma-below letters.
        0x218 | 0x219 => "s",
        0x21A | 0x21B => "t",
        _ => return None,
    };
    (!folded.is_empty()).then_some(folded)
}

#[cfg(test)]
mod key_tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 3, 16).unwrap()
    }

    #[test]
    fn references() {
        assert_eq!(EventRef::parse("5"), EventRef::Id(5));
        assert_eq!(EventRef::parse(" 12 "), EventRef::Id(12));
        for key in [
            "02",
            "+2",
            "0",
            "-1",
            "1e3",
            "99999999999999999999",
            "rats-2021",
        ] {
            assert_eq!(
                EventRef::parse(key),
                EventRef::Key(key.to_string()),
                "{key}"
            );
        }
        assert_eq!(EventRef::parse("key:5"), EventRef::Key("5".into()));
        assert_eq!(EventRef::parse("key: a  b"), EventRef::Key("a b".into()));
    }

    #[test]
    fn keys_of_digits_are_refused() {
        assert!(key_problem("5").is_some());
        assert!(key_problem("0042").is_some());
        assert!(key_problem("key:x").is_some());
        assert!(key_problem("2021-03").is_none());
        assert!(key_problem("+5").is_none());
    }

    #[test]
    fn generated_keys() {
        assert_eq!(
            generated_key(
                "Virtual regional seminar on judicial and law enforcement cooperation and information exchange",
                date()
            ),
            "2021-03-16-virtual-regional-seminar-on-judicial"
        );
        assert_eq!(
            generated_key("Séminaire « Sécurité » à Genève: l'État", date()),
            "2021-03-16-seminaire-securite-a-geneve-letat"
        );
        assert_eq!(
            generated_key("Se\u{301}minaire", date()),
            "2021-03-16-seminaire"
        );
        assert_eq!(
            generated_key("Łódź Straße Œuvre", date()),
            "2021-03-16-lodz-strasse-oeuvre"
        );
        assert_eq!(
            generated_key("Семинар ОБСЕ", date()),
            "2021-03-16-семинар-обсе"
        );
        assert_eq!(generated_key(" -- ", date()), "2021-03-16");
        assert_eq!(
            generated_key(&"x".repeat(100), date()),
            format!("2021-03-16-{}", "x".repeat(40))
        );
    }
}
