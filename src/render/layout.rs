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
use super::kept::Kept;

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

/// What a column's text needs, gathered in one pass over its heading and cells: see
/// [`column_widths`].
#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    /// Its longest line.
    natural: usize,
    /// Its longest word no wider than [`LONGEST_WHOLE_WORD`].
    word: usize,
    /// Its longest piece of a word (see [`longest_piece`]).
    piece: usize,
    /// The longest word of its heading.
    header_word: usize,
}

impl Needs {
    /// What the heading needs, if the table has one.
    fn of_header(column: &Column, header: bool) -> Needs {
        if !header {
            return Needs::default();
        }
        Needs {
            natural: width(column.header),
            header_word: longest_word(column.header),
            ..Needs::default()
        }
    }

    fn add(&mut self, cell: &str) {
        if let Some(plain) = Plain::of(cell) {
            self.add_plain(&plain);
            return;
        }
        self.natural = self.natural.max(longest_line(cell));
        self.word = self.word.max(longest_whole_word(cell));
        self.piece = self.piece.max(longest_piece(cell));
    }
}

/// What [`Needs::add`] and [`drawn_width`] measure of a plain cell, in one pass over it: one
/// of printable ASCII, line ends, and the letters and signs of Latin text that stand alone
/// (accented letters written as one character, the no-break space and dashes of a date
/// range), every character of which is one column wide for the wrapping's measure and
/// comfy-table's alike, and a cluster of its own. Most cells are such; `None` for others.
struct Plain {
    /// Its longest line ([`longest_line`]).
    line: usize,
    /// Its longest word no wider than [`LONGEST_WHOLE_WORD`] ([`longest_whole_word`]).
    word: usize,
    /// Its longest piece of a word ([`longest_piece`]).
    piece: usize,
}

impl Plain {
    fn of(cell: &str) -> Option<Plain> {
        let mut plain = Plain {
            line: 0,
            word: 0,
            piece: 0,
        };
        let keep = |longest: &mut usize, w: usize| {
            if w <= LONGEST_WHOLE_WORD {
                *longest = (*longest).max(w);
            }
        };
        let (mut line, mut word, mut piece) = (0, 0, 0);
        for c in cell.chars() {
            match c {
                '\n' | ' ' => {
                    keep(&mut plain.word, word);
                    keep(&mut plain.piece, piece);
                    (word, piece) = (0, 0);
                    if c == '\n' {
                        plain.line = plain.line.max(line);
                        line = 0;
                    } else {
                        line += 1;
                    }
                }
                // Not the soft hyphen (U+00AD), nor the hyphen U+2010 that ends a piece.
                '!'..='~' | '\u{a0}'..='\u{ac}' | '\u{ae}'..='\u{24f}' | '–' | '—' => {
                    (line, word, piece) = (line + 1, word + 1, piece + 1);
                    // A hyphen ends a piece, with it.
                    if c == '-' {
                        keep(&mut plain.piece, piece);
                        piece = 0;
                    }
                }
                _ => return None,
            }
        }
        keep(&mut plain.word, word);
        keep(&mut plain.piece, piece);
        plain.line = plain.line.max(line);
        Some(plain)
    }
}

impl Needs {
    /// [`Needs::add`] of a cell measured as [`Plain`].
    fn add_plain(&mut self, plain: &Plain) {
        self.natural = self.natural.max(plain.line);
        self.word = self.word.max(plain.word);
        self.piece = self.piece.max(plain.piece);
    }
}

/// The first step of [`column_widths`], which needs only what [`Needs`] gathers.
enum Plan {
    /// Every column as wide as its longest line: the table fits as it is.
    Fits(Vec<usize>),
    /// Narrowed to these widths; what the cells wrapped at them use is to be measured, and
    /// given to [`settle`].
    Narrowed(Vec<usize>),
    /// It cannot fit without breaking a word.
    TooNarrow,
}

/// How wide a column's text is once wrapped at `widths[i]`: the start of the measure that
/// [`settle`] takes, to which each cell adds with [`use_of`].
fn used_by_headers(columns: &[Column], header: bool, widths: &[usize]) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| match column.fit {
            Fit::Fixed => widths[i],
            _ if header => longest_line(&wrap(column.header, widths[i])),
            _ => 0,
        })
        .collect()
}

/// How wide `cell`, of a column that wraps, is once wrapped at `width`.
fn use_of(cell: &str, width: usize) -> usize {
    longest_line(&wrap(cell, width))
}

/// The width of each column's text so that the table fits in `total` columns, or `None`
/// when it cannot without breaking a word: every text column must hold its longest word (a
/// word with hyphens may be broken after them; see [`longest_piece`]), every date
/// range its longest date, and ids, counts and dates stay on one line. Then the spare width
/// goes to the names and titles first, then to keeping hyphenated words whole.
fn column_widths(grid: &Grid, total: usize) -> Option<Vec<usize>> {
    let mut needs: Vec<Needs> = grid
        .columns
        .iter()
        .map(|c| Needs::of_header(c, grid.header))
        .collect();
    for row in &grid.rows {
        for (need, cell) in needs.iter_mut().zip(row) {
            need.add(cell);
        }
    }
    let widths = match plan(&grid.columns, &needs, total) {
        Plan::Fits(widths) => return Some(widths),
        Plan::TooNarrow => return None,
        Plan::Narrowed(widths) => widths,
    };
    let mut used = used_by_headers(&grid.columns, grid.header, &widths);
    for row in &grid.rows {
        for (i, column) in grid.columns.iter().enumerate() {
            if column.fit != Fit::Fixed {
                used[i] = used[i].max(use_of(&row[i], widths[i]));
            }
        }
    }
    Some(settle(&grid.columns, &needs, widths, &used))
}

/// The widths of [`column_widths`] as far as [`Needs`] tell them.
fn plan(columns: &[Column], needs: &[Needs], total: usize) -> Plan {
    let n = columns.len();
    let natural: Vec<usize> = needs.iter().map(|n| n.natural).collect();
    // Each column has a border on its left and a space of padding on each side; the table
    // has one more border on the right.
    let frame = 3 * n + 1;
    if frame + natural.iter().sum::<usize>() <= total {
        return Plan::Fits(natural);
    }
    let least: Vec<usize> = (0..n)
        .map(|i| match columns[i].fit {
            Fit::Fixed => natural[i],
            Fit::Words => needs[i].word.max(needs[i].header_word),
            Fit::Text { .. } => needs[i]
                .header_word
                .max(needs[i].piece)
                .max(natural[i].min(NARROWEST_TEXT)),
        })
        .collect();
    let Some(mut budget) = total.checked_sub(frame + least.iter().sum::<usize>()) else {
        return Plan::TooNarrow;
    };
    let mut widths = least;
    // First widen the main columns (titles, names) to a comfortable width; then keep whole
    // the hyphenated words of every text column; then put each date range on one line if
    // there is room for all of it; then widen the main columns, then every text column,
    // evenly; what is left goes to the ranges.
    let text: Vec<usize> = (0..n)
        .filter(|&i| matches!(columns[i].fit, Fit::Text { .. }))
        .collect();
    let main: Vec<usize> = (0..n)
        .filter(|&i| columns[i].fit == Fit::Text { main: true })
        .collect();
    let comfortable: Vec<usize> = natural.iter().map(|&w| w.min(COMFORTABLE)).collect();
    share(&mut widths, &comfortable, &main, &mut budget);
    let whole_words: Vec<usize> = (0..n).map(|i| needs[i].word.max(widths[i])).collect();
    share(&mut widths, &whole_words, &text, &mut budget);
    for i in (0..n).filter(|&i| columns[i].fit == Fit::Words) {
        let need = natural[i] - widths[i];
        if need <= budget {
            widths[i] += need;
            budget -= need;
        }
    }
    share(&mut widths, &natural, &main, &mut budget);
    share(&mut widths, &natural, &text, &mut budget);
    let rest: Vec<usize> = (0..n).filter(|&i| columns[i].fit != Fit::Fixed).collect();
    share(&mut widths, &natural, &rest, &mut budget);
    Plan::Narrowed(widths)
}

/// The last step of [`column_widths`]: wrapping between words often leaves a column
/// narrower than it was given (`used`, measured with [`use_of`]); what it does not use goes
/// to the columns that still wrap, the main ones first.
fn settle(
    columns: &[Column],
    needs: &[Needs],
    mut widths: Vec<usize>,
    used: &[usize],
) -> Vec<usize> {
    let n = columns.len();
    let natural: Vec<usize> = needs.iter().map(|n| n.natural).collect();
    let rest: Vec<usize> = (0..n).filter(|&i| columns[i].fit != Fit::Fixed).collect();
    let main: Vec<usize> = (0..n)
        .filter(|&i| columns[i].fit == Fit::Text { main: true })
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
    widths
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
    comfy(grid, term, widths).to_string()
}

/// The grid as a comfy-table `Table`, its text wrapped at `widths` (none: not wrapped).
fn comfy(grid: &Grid, term: Terminal, widths: Option<&[usize]>) -> Table {
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
    table
}

/// One block per row, `field │ value`, values wrapped between words; empty fields left out.
/// Where even that is too wide, each field name is on a line of its own, its value indented
/// below it.
fn blocks(grid: &Grid, term: Terminal, total: usize) -> String {
    let shape = Blocks::new(&grid.columns, term, total);
    let mut out = String::new();
    for (n, row) in grid.rows.iter().enumerate() {
        shape.block(&mut out, n, row.iter().map(String::as_str));
    }
    out.pop(); // the caller ends the last line
    out
}

/// How [`blocks`] lays out each row: the same for every row of a table.
struct Blocks<'a> {
    columns: &'a [Column],
    term: Terminal,
    total: usize,
    label_width: usize,
    stacked: bool,
    value_width: usize,
}

impl<'a> Blocks<'a> {
    fn new(columns: &'a [Column], term: Terminal, total: usize) -> Blocks<'a> {
        let label_width = columns.iter().map(|c| width(c.header)).max().unwrap_or(0);
        let stacked = label_width + 3 + NARROWEST_TEXT > total;
        let value_width = if stacked {
            total.saturating_sub(2)
        } else {
            total - label_width - 3
        };
        Blocks {
            columns,
            term,
            total,
            label_width,
            stacked,
            value_width,
        }
    }

    /// Row `n` (from 0) as a block, each line ended.
    fn block<'c>(&self, out: &mut String, n: usize, row: impl Iterator<Item = &'c str>) {
        let rule = format!("─[ RECORD {} ]", n + 1);
        let fill = self.total.saturating_sub(width(&rule)).max(1);
        out.push_str(&rule);
        out.push_str(&"─".repeat(fill));
        out.push('\n');
        for (column, text) in self.columns.iter().zip(row) {
            if text.is_empty() {
                continue;
            }
            let label = if self.term.color {
                format!("\x1b[1m{}\x1b[0m", column.header)
            } else {
                column.header.to_string()
            };
            let lines = wrap(text, self.value_width);
            if self.stacked {
                out.push_str(&label);
                out.push('\n');
                for line in lines.split('\n') {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
                continue;
            }
            let pad = self.label_width - width(column.header);
            for (k, line) in lines.split('\n').enumerate() {
                if k == 0 {
                    out.push_str(&label);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str(&" ".repeat(self.label_width));
                }
                out.push_str(" │ ");
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// Rows read again from the start at each call, in the same order: each call passes every
/// row's cells (escaped and cut, as a [`Grid`]'s) to the callback, and returns its error.
pub type Rows<'a> =
    dyn FnMut(&mut dyn FnMut(Vec<String>) -> anyhow::Result<()>) -> anyhow::Result<()> + 'a;

/// How many bytes of cells [`write_rows`] keeps in memory (a few tens of thousands of events'
/// lines); more go to a temporary file.
const KEPT_BYTES: usize = 16 << 20;

/// Writes the rows of `rows` (see [`Rows`]) under a header as [`render`] draws a [`Grid`] of
/// them (then a newline), byte for byte, without holding them all. A table must see every row
/// to size its columns: it reads them once, measuring them and keeping their cells (in
/// memory while they are few, then in a temporary file: see [`Kept`]); then it measures them
/// wrapped at the widths found, and as drawn, and draws them line by line, from what it
/// kept (or, when no file could be written, reading them again from `rows`). Returns
/// how many rows there were; writes nothing when there were none.
pub fn write_rows(
    out: &mut dyn std::io::Write,
    columns: &[Column],
    term: Terminal,
    rows: &mut Rows<'_>,
) -> anyhow::Result<u64> {
    write_rows_keeping(out, columns, term, rows, KEPT_BYTES, true)
}

/// [`write_rows`], keeping up to `keep` bytes of rows.
fn write_rows_keeping(
    out: &mut dyn std::io::Write,
    all_columns: &[Column],
    term: Terminal,
    rows: &mut Rows<'_>,
    keep: usize,
    spill: bool,
) -> anyhow::Result<u64> {
    // What the columns need, which are empty, how wide comfy-table finds each unwrapped.
    let n = all_columns.len();
    let mut needs: Vec<Needs> = all_columns
        .iter()
        .map(|c| Needs::of_header(c, true))
        .collect();
    let mut filled = vec![false; n];
    let mut drawn: Vec<usize> = all_columns.iter().map(|c| drawn_width(c.header)).collect();
    let mut count = 0u64;
    let mut kept = Kept::new(keep, spill);
    rows(&mut |row| {
        count += 1;
        for i in 0..n {
            let cell = row[i].as_str();
            filled[i] |= !cell.is_empty();
            let width = match Plain::of(cell) {
                Some(plain) => {
                    needs[i].add_plain(&plain);
                    plain.line.max(1)
                }
                None => {
                    needs[i].add(cell);
                    drawn_width(cell)
                }
            };
            drawn[i] = drawn[i].max(width);
        }
        kept.push(row);
        Ok(())
    })?;
    kept.finish();
    if count == 0 {
        return Ok(0);
    }
    // As `without_empty_columns`: the text columns empty in every row are left out.
    let shown: Vec<usize> = (0..n)
        .filter(|&i| !matches!(all_columns[i].fit, Fit::Text { .. }) || filled[i])
        .collect();
    let columns: Vec<Column> = shown.iter().map(|&i| all_columns[i]).collect();
    let needs: Vec<Needs> = shown.iter().map(|&i| needs[i]).collect();
    let mut drawn: Vec<usize> = shown.iter().map(|&i| drawn[i]).collect();
    // Each pass after the first over the rows kept, else over the rows read again; `f` sees
    // the cells of the columns shown.
    let mut again = |f: &mut dyn FnMut(&[&str]) -> anyhow::Result<()>| -> anyhow::Result<()> {
        let mut shown_of = |row: &[String]| -> anyhow::Result<()> {
            let cells: Vec<&str> = shown.iter().map(|&i| row[i].as_str()).collect();
            f(&cells)
        };
        if !kept.replay(&mut shown_of)? {
            rows(&mut |row| shown_of(&row))?;
        }
        Ok(())
    };

    let widths = match term.width.map(usize::from) {
        None => None,
        Some(total) => match plan(&columns, &needs, total) {
            Plan::Fits(widths) => Some(widths),
            Plan::Narrowed(widths) => {
                let mut used = used_by_headers(&columns, true, &widths);
                again(&mut |row| {
                    for (i, column) in columns.iter().enumerate() {
                        if column.fit != Fit::Fixed {
                            used[i] = used[i].max(use_of(row[i], widths[i]));
                        }
                    }
                    Ok(())
                })?;
                Some(settle(&columns, &needs, widths, &used))
            }
            Plan::TooNarrow => {
                let shape = Blocks::new(&columns, term, total);
                let mut n = 0;
                let mut block = String::new();
                again(&mut |row| {
                    block.clear();
                    shape.block(&mut block, n, row.iter().copied());
                    n += 1;
                    out.write_all(block.as_bytes())?;
                    Ok(())
                })?;
                return Ok(count);
            }
        },
    };
    // How wide comfy-table will find each wrapped column.
    if let Some(widths) = &widths {
        for (i, column) in columns.iter().enumerate() {
            if column.fit != Fit::Fixed {
                drawn[i] = drawn_width(&wrap(column.header, widths[i]));
            }
        }
        again(&mut |row| {
            for (i, column) in columns.iter().enumerate() {
                if column.fit != Fit::Fixed {
                    drawn[i] = drawn[i].max(drawn_width(&wrap(row[i], widths[i])));
                }
            }
            Ok(())
        })?;
    }
    // Drawn a row at a time, line by line, as comfy-table draws the whole table (see
    // [`Frame`]): the columns as wide as the whole table's.
    let frame = Frame {
        columns: &columns,
        drawn: &drawn,
        widths: widths.as_deref(),
    };
    let mut text = String::new();
    frame.rule(&mut text, TOP);
    frame.row(
        &mut text,
        columns.iter().map(|c| c.header),
        Some(term.color),
    );
    frame.rule(&mut text, BELOW_HEADER);
    out.write_all(text.as_bytes())?;
    // The last reading: each row drawn as it comes.
    let mut add = |row: Vec<String>| -> anyhow::Result<()> {
        text.clear();
        if shown.len() == row.len() {
            frame.row(&mut text, row.iter().map(String::as_str), None);
        } else {
            frame.row(&mut text, shown.iter().map(|&i| row[i].as_str()), None);
        }
        out.write_all(text.as_bytes())?;
        Ok(())
    };
    if !kept.drain(&mut add)? {
        rows(&mut add)?;
    }
    text.clear();
    frame.rule(&mut text, BOTTOM);
    out.write_all(text.as_bytes())?;
    Ok(count)
}

/// The characters of a horizontal line of the table: left, fill, junction, right.
type Rule = [char; 4];
const TOP: Rule = ['╭', '─', '┬', '╮'];
const BELOW_HEADER: Rule = ['╞', '═', '╪', '╡'];
const BOTTOM: Rule = ['╰', '─', '┴', '╯'];

/// A table's lines drawn as [`comfy`] has comfy-table draw them (its condensed UTF-8 style
/// with rounded corners, no wrapping of its own), byte for byte, at fixed widths: without
/// building a table of cells for each few rows, only the text of each line.
struct Frame<'a> {
    columns: &'a [Column],
    /// The width of each column's text, as comfy-table measures it (see [`drawn_width`]).
    drawn: &'a [usize],
    /// Where the text columns wrap, if they do.
    widths: Option<&'a [usize]>,
}

impl Frame<'_> {
    /// A horizontal line, ended.
    fn rule(&self, out: &mut String, [left, fill, junction, right]: Rule) {
        out.push(left);
        for (i, width) in self.drawn.iter().enumerate() {
            if i > 0 {
                out.push(junction);
            }
            out.extend(std::iter::repeat_n(fill, width + 2));
        }
        out.push(right);
        out.push('\n');
    }

    /// One row of cells, as many lines as its tallest cell, each ended. The header (`Some`
    /// of whether it is in bold) is aligned left in every column.
    fn row<'c>(
        &self,
        out: &mut String,
        cells: impl Iterator<Item = &'c str>,
        header: Option<bool>,
    ) {
        let bold = header == Some(true);
        let cells: Vec<Cow<'c, str>> = cells
            .enumerate()
            .map(|(i, text)| match self.widths {
                Some(widths) if self.columns[i].fit != Fit::Fixed => fitted(text, widths[i]),
                _ => Cow::Borrowed(text),
            })
            .collect();
        let height = cells
            .iter()
            .map(|c| c.bytes().filter(|&b| b == b'\n').count() + 1)
            .max()
            .unwrap_or(1);
        let mut lines: Vec<std::str::Split<'_, char>> =
            cells.iter().map(|c| c.split('\n')).collect();
        for _ in 0..height {
            out.push('│');
            for (i, line) in lines.iter_mut().enumerate() {
                if i > 0 {
                    out.push('┆');
                }
                let width = self.drawn[i];
                let Some(line) = line.next() else {
                    // A cell shorter than its row: blank, never styled.
                    push_spaces(out, width + 2);
                    continue;
                };
                let spare = width.saturating_sub(drawn_line_width(line));
                let (before, after) = if self.columns[i].right && header.is_none() {
                    (spare, 0)
                } else {
                    (0, spare)
                };
                if bold {
                    out.push_str("\x1b[1m");
                }
                push_spaces(out, before + 1);
                out.push_str(line);
                push_spaces(out, after + 1);
                if bold {
                    out.push_str("\x1b[0m");
                }
            }
            out.push('│');
            out.push('\n');
        }
    }
}

/// Adds `n` spaces to `out`, many at a time.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let some = n.min(SPACES.len());
        out.push_str(&SPACES[..some]);
        n -= some;
    }
}

/// `text` wrapped at `width` ([`wrap`]), borrowed when no line of it is wider: wrapping
/// such a text gives it back as it is.
fn fitted(text: &str, width: usize) -> Cow<'_, str> {
    if longest_line(text) <= width.max(1) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(wrap(text, width))
    }
}

/// How wide comfy-table finds one line of a cell (as `unicode-width` measures it): one
/// column a character for a line of the characters [`Plain`] takes.
fn drawn_line_width(line: &str) -> usize {
    match Plain::of(line) {
        Some(plain) => plain.line,
        None => UnicodeWidthStr::width(line),
    }
}

/// How wide comfy-table finds a cell: its widest line as `unicode-width` measures it, at
/// least 1.
fn drawn_width(text: &str) -> usize {
    text.split('\n')
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells of every kind the layout treats apart: short and long words, hyphens, words
    /// too long to keep whole, wide and zero-width characters, escapes, empty cells.
    fn cell(seed: &mut u64) -> String {
        const WORDS: [&str; 16] = [
            "law",
            "enforcement",
            "Counter-Terrorism",
            "UNODC",
            "a",
            "Under-Secretary-General,",
            "https://example.org/a/very/long/address/of/a/page",
            "東京都",
            "👨\u{200d}👩\u{200d}👧",
            "e\u{301}té",
            "\\u{202e}evil\\u{202c}",
            "2021-03-16\u{a0}– 18",
            "·",
            "x",
            "seminar;",
            "border security",
        ];
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        let words = next() % 9;
        if words == 0 {
            return String::new();
        }
        let mut text: Vec<&str> = Vec::new();
        for _ in 0..words {
            text.push(WORDS[(next() % WORDS.len() as u64) as usize]);
        }
        let mut text = text.join(" ");
        if next() % 13 == 0 {
            text.push('\n');
            text.push_str("second line");
        }
        text
    }

    /// A table written as its rows are read is the table drawn whole, byte for byte, at any
    /// width (wrapped, fitting, as blocks, or unwrapped), in color or not, whether its rows
    /// are kept or read again, across chunks, and with columns left out as empty.
    #[test]
    fn rows_written_as_read_are_the_table_drawn_whole() {
        let shapes: [&[Column]; 2] = [
            &[
                Column::number("ID"),
                Column::fixed("Dates"),
                Column::main("Title"),
                Column::text("Kind"),
                Column::main("Organizers"),
                Column::number("People"),
            ],
            &[
                Column::main("Organization"),
                Column::number("Events"),
                Column::words("First – last"),
                Column::text("Empty"),
            ],
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for (s, columns) in shapes.iter().enumerate() {
            for count in [1usize, 2, 7, 300] {
                let rows: Vec<Vec<String>> = (0..count)
                    .map(|r| {
                        columns
                            .iter()
                            .enumerate()
                            .map(|(c, column)| match (column.right, column.header) {
                                (true, _) => (r * 37 + c).to_string(),
                                (_, "Dates") => "2021-03-16 – 18".to_string(),
                                (_, "Empty") => String::new(),
                                _ => cell(&mut seed),
                            })
                            .collect()
                    })
                    .collect();
                let grid = Grid {
                    columns: columns.to_vec(),
                    header: true,
                    rows: rows.clone(),
                    group_first: false,
                    ruled: false,
                };
                for width in [
                    None,
                    Some(8),
                    Some(30),
                    Some(50),
                    Some(80),
                    Some(120),
                    Some(400),
                ] {
                    for color in [false, true] {
                        let term = Terminal { color, width };
                        let whole = format!("{}\n", render(&grid, term));
                        for (keep, spill) in
                            [(0, false), (0, true), (2000, true), (usize::MAX, false)]
                        {
                            let mut reads = 0;
                            let mut out = Vec::new();
                            let n = write_rows_keeping(
                                &mut out,
                                columns,
                                term,
                                &mut |f| {
                                    reads += 1;
                                    rows.iter().try_for_each(|row| f(row.clone()))
                                },
                                keep,
                                spill,
                            )
                            .unwrap();
                            assert_eq!(n, count as u64);
                            let streamed = String::from_utf8(out).unwrap();
                            assert!(
                                streamed == whole,
                                "shape {s}, {count} rows, {width:?}, color {color}, keep {keep} {spill}:\n{streamed}\n---\n{whole}"
                            );
                            // Read once, unless neither memory nor a file keeps them.
                            let once = keep == usize::MAX || spill;
                            assert!(reads <= 4 && (!once || reads == 1), "{reads} reads");
                        }
                    }
                }
            }
        }
    }

    /// A plain cell is measured in one pass as the general measures find it.
    #[test]
    fn plain_cells_measure_as_any_cell() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut cells: Vec<String> = (0..2000).map(|_| cell(&mut seed)).collect();
        cells.extend(
            [
                "",
                " ",
                "-",
                "a--b",
                "UN Counter-Terrorism Centre\n(also UNCCT)",
                "x\n\ny",
                "Under-Secretary-General, of-the-twenty-five-words-long-thing",
                "abcdefghijklmnopqrstuvwxyz0123456789 a",
                " lead  and trail ",
                "2021-03-16\u{a0}– 2021-03-18",
                "Régional Œuvre — ß ÿ ǿ ¡ © ± ¼ ×",
                "soft\u{ad}hyphen",
                "hy\u{2010}phen",
            ]
            .map(String::from),
        );
        let mut plain = 0;
        for cell in &cells {
            let Some(measured) = Plain::of(cell) else {
                assert!(
                    !cell
                        .bytes()
                        .all(|b| b == b'\n' || (0x20..0x7f).contains(&b))
                );
                continue;
            };
            // One column a character, as both measures count.
            assert!(cell.chars().all(|c| c == '\n' || c.width() == Some(1)));
            plain += 1;
            assert_eq!(
                (measured.line, measured.word, measured.piece),
                (
                    longest_line(cell),
                    longest_whole_word(cell),
                    longest_piece(cell)
                ),
                "{cell:?}"
            );
            assert_eq!(measured.line.max(1), drawn_width(cell), "{cell:?}");
        }
        assert!(plain > 100, "{plain}");
    }

    #[test]
    fn no_rows_write_nothing() {
        let mut out = Vec::new();
        let columns = [Column::number("ID")];
        let term = Terminal {
            color: false,
            width: Some(80),
        };
        let n = write_rows(&mut out, &columns, term, &mut |_| Ok(())).unwrap();
        assert_eq!((n, out.len()), (0, 0));
    }

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
