//! The `handbook` binary: parses the command line and hands over to `cmd`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = handbook::cli::Cli::parse();
    match handbook::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}
