//! Making user text safe to print on a terminal.
//!
//! Text from users and files is stored exactly, but a title holding `ESC [2J` must not clear
//! the reader's screen, nor a `U+202E` reverse the rest of the line. Every character that could
//! change what the terminal does or hide what the text says is shown as a visible escape such
//! as `\u{1b}`; tabs are shown as `\t` so that tables stay aligned.

use std::borrow::Cow;

/// Whether `c` must be shown escaped rather than printed.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'        // C0 controls, including ESC, CR, TAB and LF
        | '\u{7f}'..='\u{9f}'     // DEL and the C1 controls
        | '\u{200b}'..='\u{200f}' // zero-width space/joiners, LRM, RLM
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
    )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Text for one line: every control character escaped, newlines too.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a table cell that may span lines: like [`escape`], but a newline stays a line
/// break (`\r\n` counts as one).
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c != '\n' && needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn dangerous(c: char) -> bool {
        c.is_control() || needs_escape(c)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// No control character, escape sequence introducer, bidirectional override or
        /// zero-width character ever reaches the terminal.
        #[test]
        fn escaped_text_is_inert(text in any::<String>()) {
            let out = escape(&text);
            prop_assert!(!out.chars().any(dangerous), "{:?}", out);
            let multi = escape_multiline(&text);
            prop_assert!(!multi.chars().any(|c| c != '\n' && dangerous(c)), "{:?}", multi);
        }

        /// Text that needs no escaping is printed as it is.
        #[test]
        fn plain_text_is_kept(text in "[a-zA-Z0-9 éü中文👍,.;:'\"-]{0,40}") {
            prop_assert_eq!(escape(&text), text.as_str());
        }
    }
}
