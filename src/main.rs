//! The `events` binary: parse the command line, run it, report an error on stderr.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Past a file size limit (`ulimit -f`), the kernel would kill the process with SIGXFSZ
    // in the middle of a write; ignored, the write fails with EFBIG instead, SQLite rolls the
    // transaction back, and the user gets an error message.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN, before any thread is started.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = events::cli::Cli::parse();
    match events::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `events list | head -1`: the reader has gone, which is no failure of ours.
        Err(err) if events::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let mut message = format!("{err:#}");
            if let Some(hint) = events::hint(&err) {
                message.push_str("; ");
                message.push_str(hint);
            }
            eprintln!("error: {}", events::render::text::escape(&message));
            ExitCode::FAILURE
        }
    }
}
