//! Everything printed for a person: tables (comfy-table) and plain text. Nothing here touches
//! the database; it turns domain values into text.

pub mod changes;
mod kept;
pub mod layout;
pub mod report;
pub mod tables;
pub mod text;

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};

pub use text::Style;

/// How output meant for a person should look on this stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    /// Bold headers and the like: only on a terminal, and never when `NO_COLOR` is set.
    pub color: bool,
    /// The width tables must fit: the terminal's, else `$COLUMNS`, else none.
    pub width: Option<u16>,
}

impl Terminal {
    /// Looks at stdout and the environment.
    pub fn detect() -> Terminal {
        let is_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|&c| c > 0);
        let width = if is_tty {
            stdout_width().or(columns)
        } else {
            columns
        };
        Terminal {
            color: is_tty && !no_color,
            width,
        }
    }
}

/// The width of the terminal stdout is on. Asked of stdout itself, not of the controlling
/// terminal (`/dev/tty`, which is what comfy-table asks): the two differ when output goes to
/// another terminal or a pseudo-terminal.
fn stdout_width() -> Option<u16> {
    width_of(libc::STDOUT_FILENO)
}

/// The width of the terminal stderr is on, if it is on one (for the progress bar of `import`).
pub fn stderr_width() -> Option<u16> {
    width_of(libc::STDERR_FILENO)
}

fn width_of(fd: libc::c_int) -> Option<u16> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ only writes a `winsize` through the pointer, which is valid.
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col)
}

/// Standard output for a machine format (CSV, JSON, NDJSON, iCalendar). To a pipe or a file
/// the text is written exactly; on a terminal, control characters and the other characters
/// tables escape are shown escaped (in JSON as `\u001b`, so it stays valid JSON), so that a
/// title holding `ESC ]2;...` cannot retitle or clear the reader's terminal.
pub fn data_stdout(style: Style) -> BufWriter<DataStdout> {
    let out = std::io::stdout();
    let inner = if out.is_terminal() {
        DataStdout::Escaped(text::SafeWriter::new(out.lock(), style))
    } else {
        DataStdout::Exact(out.lock())
    };
    BufWriter::new(inner)
}

/// What [`data_stdout`] writes to.
pub enum DataStdout {
    Exact(StdoutLock<'static>),
    Escaped(text::SafeWriter<StdoutLock<'static>>),
}

impl Write for DataStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            DataStdout::Exact(out) => out.write(buf),
            DataStdout::Escaped(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            DataStdout::Exact(out) => out.flush(),
            DataStdout::Escaped(out) => out.flush(),
        }
    }
}
