//! The `handbook` binary: parses the command line and hands over to `cmd`.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

// A build and an import make and free millions of small strings on every
// core, and glibc's allocator spent a sixth of their time doing it.
// mimalloc 2 without transparent huge pages (which would back its arenas
// with 2 MiB pages: a 10,000-page build peaked at 100 MB, not 90) takes less
// (README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}
