//! The `innograph` binary: parses the command line, sets up logging, runs
//! the command and maps failures to exit codes (2 bad input, 1 internal).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use innograph::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

innograph::server_allocator!();

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
