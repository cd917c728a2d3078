//! The `events` binary: parse the command line, run it, report an error on stderr.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's allocator: an import allocates and frees millions of
/// small strings, half of them on another thread than the one that made them (records are
/// read on one thread, written on another), where glibc's free takes its slow path. Measured
/// (callgrind, 10,000 events): the writing thread's instructions -7%, the reading thread's
/// -22%; the cost is a few MB more resident at start (bench/memory.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Past a file size limit (`ulimit -f`), the kernel would kill the process with SIGXFSZ
    // in the middle of a write; ignored, the write fails with EFBIG instead, SQLite rolls the
    // transaction back, and the user gets an error message.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN, before any thread is started.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = match events::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go out as clap writes them.
        Err(err) if !err.use_stderr() => err.exit(),
        // A usage error quotes what was typed: shown escaped, like every other message.
        Err(err) => {
            let message = err.render().to_string();
            eprint!("{}", events::render::text::escape_multiline(&message));
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    match events::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `events list | head -1`: the reader has gone, which is no failure of ours.
        Err(err) if events::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let message = events::message(&err);
            eprintln!("error: {}", events::render::text::escape(&message));
            ExitCode::FAILURE
        }
    }
}
