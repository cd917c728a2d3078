//! The `events` binary: parse the command line, run it, report an error on stderr.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = events::cli::Cli::parse();
    match events::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `events list | head -1`: the reader has gone, which is no failure of ours.
        Err(err) if events::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "error: {}",
                events::render::text::escape(&format!("{err:#}"))
            );
            ExitCode::FAILURE
        }
    }
}
