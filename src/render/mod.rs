//! Everything printed for a person: tables (comfy-table) and plain text. Nothing here touches
//! the database; it turns domain values into text.

pub mod tables;
pub mod text;

use std::io::IsTerminal;

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
            comfy_table::Table::new().width().or(columns)
        } else {
            columns
        };
        Terminal {
            color: is_tty && !no_color,
            width,
        }
    }
}
