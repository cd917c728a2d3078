//! Making user text safe to print on a terminal.
//!
//! Text from users and files is stored exactly, but a title holding `ESC [2J` must not clear
//! the reader's screen, nor a `U+202E` reverse the rest of the line. Every character that could
//! change what the terminal does or hide what the text says is shown as a visible escape such
//! as `\u{1b}`; tabs are shown as `\t` so that tables stay aligned.
//!
//! Some invisible characters are part of how a script or an emoji is written, and are kept
//! where they do that job: a zero-width non-joiner or joiner between two letters (Persian
//! `می‌خواهم`, Indic conjuncts) or a joiner between two emoji (`👩‍💻`), one variation selector
//! after a visible character (`❤️`), and the tag characters of a subdivision flag (`🏴󠁧󠁢󠁳󠁣󠁴󠁿`).
//! Anywhere else they are escaped like the rest.
//!
//! [`SafeWriter`] applies the same rules to a whole stream, for the machine formats (CSV,
//! JSON, iCalendar) when they are printed on a terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

/// Whether `c` must be shown escaped rather than printed, whatever surrounds it.
fn always_escaped(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'        // C0 controls, including ESC, CR, TAB and LF
        | '\u{7f}'..='\u{9f}'     // DEL and the C1 controls
        | '\u{200b}'              // zero-width space
        | '\u{200e}' | '\u{200f}' // LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators
        | '\u{202a}'..='\u{202e}' // bidirectional embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // bidirectional isolates
        | '\u{061c}'              // Arabic letter mark
        | '\u{feff}'              // zero-width no-break space (BOM)
        | '\u{00ad}'              // soft hyphen
        | '\u{034f}'              // combining grapheme joiner
        | '\u{180e}'              // Mongolian vowel separator
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
        | '\u{fff9}'..='\u{fffb}' // interlinear annotation
        | '\u{e0000}'..='\u{e001f}' | '\u{e0080}'..='\u{e00ff}' // unassigned tag block
    )
}

/// Characters that are kept or escaped depending on their neighbours.
fn contextual(c: char) -> bool {
    matches!(c,
        '\u{200c}' | '\u{200d}'   // zero-width non-joiner and joiner
        | '\u{fe00}'..='\u{fe0f}' // variation selectors
        | '\u{e0100}'..='\u{e01ef}' // variation selectors supplement
        | '\u{e0020}'..='\u{e007f}' // tag characters (subdivision flags)
    )
}

/// Whether `c` may need escaping: the quick test that lets plain text through untouched.
fn needs_escape(c: char) -> bool {
    always_escaped(c) || contextual(c)
}

/// Emoji, roughly `Extended_Pictographic` plus the modifiers and regional indicators: what a
/// zero-width joiner may join.
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{00a9}' | '\u{00ae}' | '\u{203c}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21aa}' | '\u{231a}'..='\u{23ff}' | '\u{24c2}'
        | '\u{25aa}'..='\u{27bf}' | '\u{2934}' | '\u{2935}' | '\u{2b05}'..='\u{2b55}'
        | '\u{3030}' | '\u{303d}' | '\u{3297}' | '\u{3299}'
        | '\u{1f000}'..='\u{1faff}'
    )
}

/// A letter or a combining mark (a virama before a joiner, a vowel sign): what a joiner or
/// non-joiner between letters sits beside.
fn is_letter_or_mark(c: char) -> bool {
    c.is_alphabetic() || (!c.is_control() && !needs_escape(c) && c.width() == Some(0))
}

/// What came just before a character, as far as the contextual rules care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// The start of the text, a space, an escaped character or punctuation.
    Nothing,
    Letter,
    Emoji,
    /// A visible character other than a letter or an emoji (a digit, a symbol).
    Other,
    /// A variation selector that was kept: another one right after it is not.
    Selector,
    /// Inside a subdivision flag, with how many tag characters so far.
    Tags(u8),
}

impl Before {
    fn after(c: char) -> Before {
        if is_emoji(c) {
            Before::Emoji
        } else if is_letter_or_mark(c) {
            Before::Letter
        } else if c.is_whitespace() || c.is_control() {
            Before::Nothing
        } else {
            Before::Other
        }
    }
}

/// Whether the contextual character `c`, after `before` and followed by `next`, is kept.
fn keep(c: char, before: Before, next: Option<char>) -> bool {
    let next_is = |test: fn(char) -> bool| next.is_some_and(test);
    match c {
        '\u{200c}' => before == Before::Letter && next_is(is_letter_or_mark),
        '\u{200d}' => match before {
            Before::Letter => next_is(is_letter_or_mark),
            // An emoji, possibly with its selector: `🏳️‍🌈`.
            Before::Emoji | Before::Selector => next_is(is_emoji),
            _ => false,
        },
        '\u{e0020}'..='\u{e007e}' => matches!(before, Before::Tags(n) if n < 7),
        '\u{e007f}' => matches!(before, Before::Tags(n) if n > 0),
        // A variation selector, once, after something visible.
        _ => matches!(before, Before::Letter | Before::Emoji | Before::Other),
    }
}

/// How escapes are written: `\u{1b}` for a person, `\u001b` inside JSON, which keeps JSON
/// printed on a terminal valid and meaning the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Text,
    Json,
}

fn push_escaped(out: &mut String, c: char, style: Style) {
    match (c, style) {
        ('\t', _) => out.push_str("\\t"),
        ('\n', _) => out.push_str("\\n"),
        ('\r', _) => out.push_str("\\r"),
        (_, Style::Text) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        (_, Style::Json) => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
}

/// Escapes `text` onto `out`; `keep_newlines` leaves `\n` (and a `\r` just before one) as it
/// is, as line breaks.
fn escape_into(out: &mut String, text: &str, keep_newlines: bool, style: Style) {
    let mut before = Before::Nothing;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let line_break = keep_newlines && (c == '\n' || (c == '\r' && next == Some('\n')));
        if line_break {
            out.push(c);
            before = Before::Nothing;
        } else if always_escaped(c) || (contextual(c) && !keep(c, before, next)) {
            push_escaped(out, c, style);
            before = Before::Nothing;
        } else {
            out.push(c);
            before = match c {
                '\u{1f3f4}' => Before::Tags(0), // a black flag starts a subdivision flag
                '\u{e0020}'..='\u{e007e}' => match before {
                    Before::Tags(n) => Before::Tags(n + 1),
                    _ => Before::Nothing,
                },
                '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}' => Before::Selector,
                // A joiner that was kept joins: what follows is judged on its own.
                '\u{200c}' | '\u{200d}' | '\u{e007f}' => Before::Nothing,
                c => Before::after(c),
            };
        }
    }
}

/// `text` as one word of a POSIX shell's command line, for a command a message suggests to
/// copy: as it is when it holds only characters no shell reads specially, else in single
/// quotes (a `'` in it written `'\''`).
pub fn shell_word(text: &str) -> Cow<'_, str> {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("'{}'", text.replace('\'', "'\\''")))
    }
}

/// Text for one line: every control character escaped, newlines too.
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the most of what is shown, needs no look at each character's class.
    if text.bytes().all(|b| matches!(b, b' '..=b'~')) || !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, false, Style::Text);
    Cow::Owned(out)
}

/// Text for a table cell that may span lines: like [`escape`], but a newline stays a line
/// break (`\r\n` counts as one).
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, &text, true, Style::Text);
    Cow::Owned(out)
}

/// A writer that escapes, as [`escape`] does, what is written through it, keeping line breaks:
/// for a machine format printed on a terminal. It works a line at a time, so that a joiner is
/// judged with the characters on both sides of it; `flush` writes out the last, unfinished
/// line.
pub struct SafeWriter<W: Write> {
    inner: W,
    style: Style,
    /// Bytes of the line being written, not yet escaped.
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W, style: Style) -> SafeWriter<W> {
        SafeWriter {
            inner,
            style,
            pending: Vec::new(),
        }
    }

    /// Escapes and writes `pending[..end]`.
    fn emit(&mut self, end: usize) -> io::Result<()> {
        let text = String::from_utf8_lossy(&self.pending[..end]);
        let mut out = String::with_capacity(text.len() + 16);
        escape_into(&mut out, &text, true, self.style);
        self.inner.write_all(out.as_bytes())?;
        self.pending.drain(..end);
        Ok(())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Only the new bytes are searched for the last line break, so that a long line costs
        // time in proportion to its length.
        let last_break = memchr::memrchr(b'\n', buf).map(|i| self.pending.len() + i + 1);
        self.pending.extend_from_slice(buf);
        if let Some(end) = last_break {
            self.emit(end)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.emit(self.pending.len())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(escape("Семинар 研讨会 café 👍"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("tab\there"), "tab\\there");
        assert_eq!(escape("over\rwrite"), "over\\rwrite");
        assert_eq!(escape("two\nlines"), "two\\nlines");
        assert_eq!(escape("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(escape("\u{1b}]52;c;aGk=\u{7}"), "\\u{1b}]52;c;aGk=\\u{7}");
    }

    #[test]
    fn multiline_keeps_line_breaks_only() {
        assert_eq!(escape_multiline("one\ntwo\r\nthree"), "one\ntwo\nthree");
        assert_eq!(escape_multiline("a\rb\u{1b}"), "a\\rb\\u{1b}");
    }

    #[test]
    fn joiners_between_letters_or_emoji_are_kept() {
        for kept in [
            "می\u{200c}خواهم",                                          // Persian, ZWNJ
            "क्\u{200d}ष",             // Devanagari, ZWJ after a virama
            "👩\u{200d}💻",           // woman technologist
            "👨\u{200d}👩\u{200d}👧", // family
            "🏳\u{fe0f}\u{200d}🌈",    // rainbow flag: selector, then joiner
            "❤\u{fe0f}",              // red heart, emoji presentation
            "1\u{fe0f}\u{20e3}",      // keycap one
            "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", // Scotland
        ] {
            assert_eq!(escape(kept), kept, "{kept:?}");
        }
    }

    #[test]
    fn joiners_elsewhere_are_escaped() {
        assert_eq!(escape("\u{200d}a"), "\\u{200d}a");
        assert_eq!(escape("a\u{200c}"), "a\\u{200c}");
        assert_eq!(escape("a \u{200d} b"), "a \\u{200d} b");
        assert_eq!(escape("👩\u{200d}a"), "👩\\u{200d}a");
        assert_eq!(escape("a\u{200d}\u{200d}b"), "a\\u{200d}\\u{200d}b");
        assert_eq!(escape("\u{fe0f}x"), "\\u{fe0f}x");
        assert_eq!(escape("x\u{fe0f}\u{fe0e}"), "x\u{fe0f}\\u{fe0e}");
        assert_eq!(escape("a\u{e0041}"), "a\\u{e0041}");
        assert_eq!(escape("a\u{e0100}\u{e0101}"), "a\u{e0100}\\u{e0101}");
        // Bidirectional controls stay escaped even between letters.
        assert_eq!(escape("a\u{202e}b\u{2066}c"), "a\\u{202e}b\\u{2066}c");
        assert_eq!(escape("a\u{2060}b\u{feff}c"), "a\\u{2060}b\\u{feff}c");
    }

    #[test]
    fn the_writer_escapes_a_stream_line_by_line() {
        let mut out = Vec::new();
        {
            let mut w = SafeWriter::new(&mut out, Style::Text);
            w.write_all("a\u{1b}[2J,\"x\ny\"\r\n".as_bytes()).unwrap();
            // A joiner split from its second letter by a write boundary is still kept.
            w.write_all("می\u{200c}".as_bytes()).unwrap();
            w.write_all("خ\u{9b}\n\u{202e}".as_bytes()).unwrap();
            w.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\u{1b}[2J,\"x\ny\"\r\nمی\u{200c}خ\\u{9b}\n\\u{202e}"
        );
    }

    #[test]
    fn the_writer_keeps_json_valid() {
        let text = "C1 \u{9b}2J, override \u{202e}, emoji 😀";
        let json = serde_json::to_string(&text).unwrap();
        let mut out = Vec::new();
        SafeWriter::new(&mut out, Style::Json)
            .write_all(json.as_bytes())
            .unwrap();
        let shown = String::from_utf8(out).unwrap();
        assert!(
            !shown.contains('\u{9b}') && !shown.contains('\u{202e}'),
            "{shown}"
        );
        assert!(
            shown.contains("\\u009b") && shown.contains("\\u202e"),
            "{shown}"
        );
        let back: String = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, text);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// What may never reach a terminal, whatever surrounds it.
    fn dangerous(c: char) -> bool {
        c.is_control() || always_escaped(c)
    }

    /// Every joiner left in `out` sits between two letters or two emoji.
    fn joiners_are_joining(out: &str) -> bool {
        let chars: Vec<char> = out.chars().collect();
        chars.iter().enumerate().all(|(i, &c)| {
            if c != '\u{200c}' && c != '\u{200d}' {
                return true;
            }
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            match (prev, next) {
                (Some(p), Some(n)) => {
                    (is_letter_or_mark(p) && is_letter_or_mark(n))
                        || ((is_emoji(p) || matches!(p, '\u{fe00}'..='\u{fe0f}')) && is_emoji(n))
                }
                _ => false,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// No control character, escape sequence introducer, bidirectional override or
        /// zero-width character ever reaches the terminal, but for the joiners that join.
        #[test]
        fn escaped_text_is_inert(text in any::<String>()) {
            let out = escape(&text);
            prop_assert!(!out.chars().any(dangerous), "{:?}", out);
            prop_assert!(joiners_are_joining(&out), "{:?}", out);
            let multi = escape_multiline(&text);
            prop_assert!(!multi.chars().any(|c| c != '\n' && dangerous(c)), "{:?}", multi);
        }

        /// Joiners are kept or escaped, never lost: the escaped text reads back as the text.
        #[test]
        fn joiner_heavy_text_is_inert(text in "[a\u{645}\u{200c}\u{200d}\u{fe0f}\u{202e} 👩💻]{0,20}") {
            let out = escape(&text);
            prop_assert!(!out.chars().any(dangerous), "{:?}", out);
            prop_assert!(joiners_are_joining(&out), "{:?}", out);
        }

        /// Text that needs no escaping is printed as it is.
        #[test]
        fn plain_text_is_kept(text in "[a-zA-Z0-9 éü中文👍,.;:'\"-]{0,40}") {
            prop_assert_eq!(escape(&text), text.as_str());
        }
    }
}
