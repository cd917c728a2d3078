//! Laying a table out to fit the terminal: how wide each column is, where its text wraps, and,
//! when the terminal is too narrow for a table, one block of `field │ value` lines per row
//! instead (as `psql \x` does).
//!
//! The wrapping is done here rather than by comfy-table, which only draws the result: its
//! wrapper fills the end of a line with the start of a word too long for the column, and
//! re-measures the rest of such a word for every line it takes, so that a 1 MB URL took
//! seconds and a 10 MB title minutes. Here every cell is cut to a bounded length first
//! ([`cap`]) and wrapped in one pass, so a table costs time in proportion to what it shows.

use std::borrow::Cow;

use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table, presets};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Terminal;

/// How a column behaves when the table must be narrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never wrapped: ids, counts, single dates, bars.
    Fixed,
    /// Wrapped between words only, never narrower than its longest word: a date range.
    Words,
    /// Wrapped text. `main` columns (titles, names) get the spare width first.
    Text { main: bool },
}

/// One column: its heading and how it fits.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub fit: Fit,
    /// Right-aligned (numbers).
    pub right: bool,
}

impl Column {
    pub const fn fixed(header: &'static str) -> Column {
        Column {
            header,
            fit: Fit::Fixed,
            right: false,
        }
    }
    pub const fn number(header: &'static str) -> Column {
        Column {
            header,
            fit: Fit::Fixed,
            right: true,
        }
    }
    pub const fn words(header: &'static str) -> Column {
        Column {
            header,
            fit: Fit::Words,
            right: false,
        }
    }
    pub const fn main(header: &'static str) -> Column {
        Column {
            header,
            fit: Fit::Text { main: true },
            right: false,
        }
    }
    pub const fn text(header: &'static str) -> Column {
        Column {
            header,
            fit: Fit::Text { main: false },
            right: false,
        }
    }
}

/// A table's content, every cell already escaped (and cut with [`cap`]).
pub struct Grid {
    pub columns: Vec<Column>,
    /// Print the header row (a table of fields has none).
    pub header: bool,
    pub rows: Vec<Vec<String>>,
    /// In the table layout, leave the first cell of a row blank when it repeats the one
    /// above (participants grouped by organization); the block layout repeats it.
    pub group_first: bool,
    /// A line between rows: for rows of several lines each (`doctor`'s findings).
    pub ruled: bool,
}

/// The narrowest a wrapped text column of longer text is made, even when its words are short.
const NARROWEST_TEXT: usize = 10;
/// The width up to which the main columns (titles, names) are served before the others.
const COMFORTABLE: usize = 30;
/// The longest word a table column must hold whole: a longer one (a URL, a run of letters
/// with no space) would not be whole in most layouts, so it does not turn the table into
/// blocks; it is broken anywhere instead. Long enough for the longest words of titles and
/// positions (`Under-Secretary-General,`).
const LONGEST_WHOLE_WORD: usize = 24;

/// Cuts `text` after `limit` characters, saying how long it is and how to see all of it.
pub fn cap(text: &str, limit: usize) -> Cow<'_, str> {
    if text.len() <= limit {
        return Cow::Borrowed(text);
    }
    match text.char_indices().nth(limit) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} characters in all; --format json shows them)",
            &text[..cut],
            text.chars().count()
        )),
    }
}

/// The length of the escape (`\u{202e}`, `\t`, as `text::escape` writes them) at the start
/// of `text`, if there is one: it is shown as one unit and never cut.
fn escape_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'\\') {
        return None;
    }
    match bytes.get(1)? {
        b't' | b'n' | b'r' => Some(2),
        b'u' if bytes.get(2) == Some(&b'{') => {
            let digits = bytes[3..]
                .iter()
                .take(7)
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let close = 3 + digits;
            ((1..=6).contains(&digits) && bytes.get(close) == Some(&b'}')).then_some(close + 1)
        }
        _ => None,
    }
}

/// Splits text into what the terminal shows as one unit: a character with the zero-width
/// characters after it (combining marks, variation selectors) and whatever a joiner joins;
/// and an escape such as `\u{202e}`, which is never cut in two.
fn clusters(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if let Some(len) = escape_len(rest) {
            let (cluster, tail) = rest.split_at(len);
            rest = tail;
            return Some(cluster);
        }
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let mut end = first.len_utf8();
        let mut joined = first == '\u{200d}';
        for (i, c) in chars {
            if joined || c == '\u{200d}' || c.width() == Some(0) {
                joined = c == '\u{200d}';
                end = i + c.len_utf8();
            } else {
                break;
            }
        }
        let (cluster, tail) = rest.split_at(end);
        rest = tail;
        Some(cluster)
    })
}

/// Display width of one line of text, measured as the wrapping measures it.
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    clusters(text).map(UnicodeWidthStr::width).sum()
}

/// Wraps `text` into lines at most `width` columns wide: between words, and inside a word
/// only when the word alone is wider than a line (then after a hyphen where there is one).
/// One pass over the text.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        let mut current_width = 0;
        let mut started = false;
        for word in line.split(' ') {
            let w = self::width(word);
            if started && current_width + 1 + w <= width {
                current.push(' ');
                current.push_str(word);
                current_width += 1 + w;
                continue;
            }
            if w <= width {
                if started {
                    lines.push(std::mem::take(&mut current));
                }
                started = true;
                current.push_str(word);
                current_width = w;
            } else {
                let mut pieces = split_word(word, width);
                // The part up to a hyphen may still go on the line begun.
                let first_width = self::width(&pieces[0]);
                if started && pieces[0].ends_with('-') && current_width + 1 + first_width <= width {
                    current.push(' ');
                    current.push_str(&pieces.remove(0));
                }
                if started {
                    lines.push(std::mem::take(&mut current));
                }
                started = true;
                let last = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
                current_width = self::width(&last);
                current = last;
            }
        }
        lines.push(current);
    }
    lines.join("\n")
}

/// Cuts a word wider than `width` into pieces that fit, after the last hyphen that fits where
/// there is one.
fn split_word(word: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut piece_width = 0;
    // Where the piece may be cut after a hyphen: the byte offset and the width before it.
    let mut hyphen: Option<(usize, usize)> = None;
    for cluster in clusters(word) {
        let w = cluster.width();
        if piece_width + w > width && !piece.is_empty() {
            match hyphen.take() {
                Some((at, before)) if at < piece.len() => {
                    let rest = piece.split_off(at);
                    pieces.push(std::mem::replace(&mut piece, rest));
                    piece_width -= before;
                }
                _ => {
                    pieces.push(std::mem::take(&mut piece));
                    piece_width = 0;
                }
            }
        }
        piece.push_str(cluster);
        piece_width += w;
        if cluster == "-" || cluster == "‐" {
            hyphen = Some((piece.len(), piece_width));
        }
    }
    pieces.push(piece);
    pieces
}

/// The widest word of a text.
fn longest_word(text: &str) -> usize {
    text.split(['\n', ' ']).map(width).max().unwrap_or(0)
}

/// The widest word of a text that a table must keep whole: a word, or, in a word with
/// hyphens, the parts up to and between them (`Counter-`, `Terrorism`), as a word is broken
/// after its hyphen when it is too wide for its column, as in print. Words wider than
/// [`LONGEST_WHOLE_WORD`] do not count: they are broken anyway.
fn longest_piece(text: &str) -> usize {
    text.split(['\n', ' '])
        .flat_map(|word| word.split_inclusive(['-', '‐']))
        .map(width)
        .filter(|&w| w <= LONGEST_WHOLE_WORD)
        .max()
        .unwrap_or(0)
}

/// The widest word of a text no wider than [`LONGEST_WHOLE_WORD`].
fn longest_whole_word(text: &str) -> usize {
    text.split(['\n', ' '])
        .map(width)
        .filter(|&w| w <= LONGEST_WHOLE_WORD)
        .max()
        .unwrap_or(0)
}

fn longest_line(text: &str) -> usize {
    text.split('\n').map(width).max().unwrap_or(0)
}

/// The width of each column's text so that the table fits in `total` columns, or `None`
/// when it cannot without breaking a word: every text column must hold its longest word (a
/// word with hyphens may be broken after them; see [`longest_piece`]), every date
/// range its longest date, and ids, counts and dates stay on one line. Then the spare width
/// goes to the names and titles first, then to keeping hyphenated words whole.
fn column_widths(grid: &Grid, total: usize) -> Option<Vec<usize>> {
    let n = grid.columns.len();
    let mut natural = vec![0; n];
    let mut word = vec![0; n];
    let mut piece = vec![0; n];
    let mut header_word = vec![0; n];
    for (i, column) in grid.columns.iter().enumerate() {
        if grid.header {
            natural[i] = width(column.header);
            header_word[i] = longest_word(column.header);
        }
        for row in &grid.rows {
            natural[i] = natural[i].max(longest_line(&row[i]));
            word[i] = word[i].max(longest_whole_word(&row[i]));
            piece[i] = piece[i].max(longest_piece(&row[i]));
        }
    }
    // Each column has a border on its left and a space of padding on each side; the table
    // has one more border on the right.
    let frame = 3 * n + 1;
    if frame + natural.iter().sum::<usize>() <= total {
        return Some(natural);
    }
    let least: Vec<usize> = (0..n)
        .map(|i| match grid.columns[i].fit {
            Fit::Fixed => natural[i],
            Fit::Words => word[i].max(header_word[i]),
            Fit::Text { .. } => header_word[i]
                .max(piece[i])
                .max(natural[i].min(NARROWEST_TEXT)),
        })
        .collect();
    let mut budget = total.checked_sub(frame + least.iter().sum::<usize>())?;
    let mut widths = least;
    // First widen the main columns (titles, names) to a comfortable width; then keep whole
    // the hyphenated words of every text column; then put each date range on one line if
    // there is room for all of it; then widen the main columns, then every text column,
    // evenly; what is left goes to the ranges.
    let text: Vec<usize> = (0..n)
        .filter(|&i| matches!(grid.columns[i].fit, Fit::Text { .. }))
        .collect();
    let main: Vec<usize> = (0..n)
        .filter(|&i| grid.columns[i].fit == Fit::Text { main: true })
        .collect();
    let comfortable: Vec<usize> = natural.iter().map(|&w| w.min(COMFORTABLE)).collect();
    share(&mut widths, &comfortable, &main, &mut budget);
    let whole_words: Vec<usize> = (0..n).map(|i| word[i].max(widths[i])).collect();
    share(&mut widths, &whole_words, &text, &mut budget);
    for i in (0..n).filter(|&i| grid.columns[i].fit == Fit::Words) {
        let need = natural[i] - widths[i];
        if need <= budget {
            widths[i] += need;
            budget -= need;
        }
    }
    share(&mut widths, &natural, &main, &mut budget);
    share(&mut widths, &natural, &text, &mut budget);
    let rest: Vec<usize> = (0..n)
        .filter(|&i| grid.columns[i].fit != Fit::Fixed)
        .collect();
    share(&mut widths, &natural, &rest, &mut budget);

    // Wrapping between words often leaves a column narrower than it was given: give what it
    // does not use to the columns that still wrap, the main ones first.
    let used: Vec<usize> = (0..n)
        .map(|i| match grid.columns[i].fit {
            Fit::Fixed => widths[i],
            _ => {
                let header = if grid.header {
                    longest_line(&wrap(grid.columns[i].header, widths[i]))
                } else {
                    0
                };
                grid.rows
                    .iter()
                    .map(|row| longest_line(&wrap(&row[i], widths[i])))
                    .fold(header, usize::max)
            }
        })
        .collect();
    let mut spare: usize = (0..n).map(|i| widths[i] - used[i].min(widths[i])).sum();
    if spare > 0 {
        let still_wrapping: Vec<usize> = rest
            .iter()
            .copied()
            .filter(|&i| used[i] >= widths[i] && widths[i] < natural[i])
            .collect();
        for i in 0..n {
            widths[i] = used[i].min(widths[i]);
        }
        let main_wrapping: Vec<usize> = still_wrapping
            .iter()
            .copied()
            .filter(|i| main.contains(i))
            .collect();
        share(&mut widths, &natural, &main_wrapping, &mut spare);
        share(&mut widths, &natural, &still_wrapping, &mut spare);
    }
    Some(widths)
}

/// Shares `budget` out evenly among `columns`, none beyond its `target`, the columns that
/// need least first.
fn share(widths: &mut [usize], target: &[usize], columns: &[usize], budget: &mut usize) {
    loop {
        let mut needy: Vec<usize> = columns
            .iter()
            .copied()
            .filter(|&i| widths[i] < target[i])
            .collect();
        if needy.is_empty() || *budget == 0 {
            return;
        }
        needy.sort_by_key(|&i| target[i] - widths[i]);
        let count = needy.len();
        for (k, &i) in needy.iter().enumerate() {
            let share = (*budget / (count - k)).max(1).min(*budget);
            let give = (target[i] - widths[i]).min(share);
            widths[i] += give;
            *budget -= give;
        }
    }
}

/// Draws the grid: as a table when it fits `term.width` (or there is no width to fit), else
/// as one block per row.
pub fn render(grid: &Grid, term: Terminal) -> String {
    let trimmed;
    let grid = match without_empty_columns(grid) {
        Some(smaller) => {
            trimmed = smaller;
            &trimmed
        }
        None => grid,
    };
    let Some(total) = term.width.map(usize::from) else {
        return table(grid, term, None);
    };
    match column_widths(grid, total) {
        Some(widths) => table(grid, term, Some(&widths)),
        // A table of fields is already one block: it only narrows.
        None if !grid.header => {
            let label = grid.rows.iter().map(|r| width(&r[0])).max().unwrap_or(0);
            let value = total.saturating_sub(label + 7).max(NARROWEST_TEXT);
            table(grid, term, Some(&[label, value]))
        }
        None => blocks(grid, term, total),
    }
}

/// The grid without its text columns that are empty in every row (a table of participants
/// none of whom has a recorded contribution), or `None` when there are none such: the room
/// goes to the columns that say something.
fn without_empty_columns(grid: &Grid) -> Option<Grid> {
    if !grid.header || grid.rows.is_empty() {
        return None;
    }
    let keep: Vec<bool> = (0..grid.columns.len())
        .map(|i| {
            !matches!(grid.columns[i].fit, Fit::Text { .. })
                || grid.rows.iter().any(|row| !row[i].is_empty())
        })
        .collect();
    if keep.iter().all(|&k| k) {
        return None;
    }
    let pick = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.clone())
            .collect()
    };
    Some(Grid {
        columns: grid
            .columns
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| *c)
            .collect(),
        header: true,
        rows: grid.rows.iter().map(|row| pick(row)).collect(),
        group_first: grid.group_first && keep[0],
        ruled: grid.ruled,
    })
}

fn table(grid: &Grid, term: Terminal, widths: Option<&[usize]>) -> String {
    let mut table = Table::new();
    table
        .load_style(if grid.ruled {
            presets::UTF8_FULL.with_rounded_corners()
        } else {
            presets::UTF8_FULL_CONDENSED.with_rounded_corners()
        })
        .set_content_arrangement(ContentArrangement::Disabled);
    table.force_no_tty();
    if term.color {
        table.enforce_styling();
    }
    let fit = |i: usize, text: &str| -> String {
        match widths {
            Some(widths) if grid.columns[i].fit != Fit::Fixed => wrap(text, widths[i]),
            _ => text.to_string(),
        }
    };
    if grid.header {
        table.set_header(grid.columns.iter().enumerate().map(|(i, c)| {
            let cell = Cell::new(fit(i, c.header));
            if term.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
    let mut above: Option<&str> = None;
    for row in &grid.rows {
        let cells = row.iter().enumerate().map(|(i, text)| {
            let column = grid.columns[i];
            let shown = if i == 0 && grid.group_first && above == Some(text.as_str()) {
                String::new()
            } else {
                fit(i, text)
            };
            let mut cell = Cell::new(shown);
            if column.right {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            if i == 0 && !grid.header && term.color {
                cell = cell.add_attribute(Attribute::Bold);
            }
            cell
        });
        table.add_row(cells.collect::<Vec<_>>());
        above = row.first().map(String::as_str);
    }
    table.to_string()
}

/// One block per row, `field │ value`, values wrapped between words; empty fields left out.
/// Where even that is too wide, each field name is on a line of its own, its value indented
/// below it.
fn blocks(grid: &Grid, term: Terminal, total: usize) -> String {
    let label_width = grid
        .columns
        .iter()
        .map(|c| width(c.header))
        .max()
        .unwrap_or(0);
    let stacked = label_width + 3 + NARROWEST_TEXT > total;
    let value_width = if stacked {
        total.saturating_sub(2)
    } else {
        total - label_width - 3
    };
    let mut out = String::new();
    for (n, row) in grid.rows.iter().enumerate() {
        let rule = format!("─[ RECORD {} ]", n + 1);
        let fill = total.saturating_sub(width(&rule)).max(1);
        out.push_str(&rule);
        out.push_str(&"─".repeat(fill));
        out.push('\n');
        for (column, text) in grid.columns.iter().zip(row) {
            if text.is_empty() {
                continue;
            }
            let label = if term.color {
                format!("\x1b[1m{}\x1b[0m", column.header)
            } else {
                column.header.to_string()
            };
            let lines = wrap(text, value_width);
            if stacked {
                out.push_str(&label);
                out.push('\n');
                for line in lines.split('\n') {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
                continue;
            }
            let pad = label_width - width(column.header);
            for (k, line) in lines.split('\n').enumerate() {
                if k == 0 {
                    out.push_str(&label);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str(&" ".repeat(label_width));
                }
                out.push_str(" │ ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.pop(); // the caller ends the last line
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_between_words() {
        assert_eq!(
            wrap("law enforcement cooperation", 12),
            "law\nenforcement\ncooperation"
        );
        assert_eq!(wrap("a b c", 3), "a b\nc");
        assert_eq!(wrap("one\ntwo three", 20), "one\ntwo three");
    }

    #[test]
    fn long_words_break_after_a_hyphen_else_anywhere() {
        assert_eq!(
            wrap("UN Counter-Terrorism Centre", 12),
            "UN Counter-\nTerrorism\nCentre"
        );
        assert_eq!(wrap("abcdefghij", 4), "abcd\nefgh\nij");
        assert_eq!(wrap("x abcdefghij y", 4), "x\nabcd\nefgh\nij y");
    }

    #[test]
    fn clusters_stay_whole() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(clusters(family).count(), 1);
        assert_eq!(clusters("é").count(), 1); // e and a combining acute
        let wrapped = wrap(&family.repeat(5), 4);
        assert!(
            wrapped
                .lines()
                .all(|l| l == family.repeat(2) || l == family)
        );
    }

    #[test]
    fn escapes_are_never_cut() {
        let word = "\\u{202e}evil\\u{202c},";
        for width in 1..word.len() {
            for line in wrap(word, width).lines() {
                let rest = line.replace("\\u{202e}", "").replace("\\u{202c}", "");
                assert!(
                    !rest.contains('\\') && !rest.contains('{'),
                    "{width}: {line}"
                );
            }
        }
        assert_eq!(wrap("a\\tb", 2), "a\n\\t\nb");
        assert_eq!(clusters("\\u{1b}[2J").count(), 4);
        assert_eq!(clusters("\\u{zz}").count(), 6); // not an escape
    }

    #[test]
    fn cap_cuts_long_values_and_says_so() {
        assert_eq!(cap("short", 10), "short");
        assert_eq!(
            cap("abcdefghijkl", 3),
            "abc… (12 characters in all; --format json shows them)"
        );
    }

    #[test]
    fn a_megabyte_wraps_in_one_pass() {
        let long = "x".repeat(1 << 20);
        let wrapped = wrap(&long, 70);
        assert_eq!(wrapped.lines().count(), (1 << 20) / 70 + 1);
    }
}
