//! The `innograph` binary: parses the command line, sets up logging, runs
//! the command and maps failures to exit codes (2 bad input, 1 internal).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use innograph::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

/// jemalloc keeps the memory a write frees for the next write to reuse.
/// A write at a million entities copies about 85 MB of graph columns; with
/// the system allocator every such buffer is a fresh mapping whose pages
/// fault in one by one (about 40 ms of a one-article write), and is
/// unmapped when the graph it belonged to is dropped.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings: large buffers come from the ordinary arenas, whose
/// freed pages are kept for reuse, not from the arena for oversized ones,
/// which returns them at once; a background thread returns the pages left
/// unused for jemalloc's usual delay (10 s), so an idle server gives back
/// what its start-up freed.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"oversize_threshold:0,background_thread:true\0";

fn main() -> ExitCode {
    let cli = Cli::parse();
    // -v wins over RUST_LOG, which wins over the default
    let level = cli.log_level();
    let filter = match EnvFilter::try_from_default_env() {
        Ok(from_env) if cli.verbose == 0 => from_env,
        _ => EnvFilter::new(level),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            let user_error = error
                .chain()
                .find_map(|cause| cause.downcast_ref::<innograph::Error>())
                .is_some_and(innograph::Error::is_user_error);
            // the chain of causes, each said once (a library error's text
            // often includes its source's already)
            let mut message = String::new();
            for cause in error.chain() {
                let text = cause.to_string();
                if !message.contains(&text) {
                    if !message.is_empty() {
                        message.push_str(": ");
                    }
                    message.push_str(&text);
                }
            }
            eprintln!("error: {message}");
            ExitCode::from(if user_error { 2 } else { 1 })
        }
    }
}
