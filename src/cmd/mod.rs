//! One module per subcommand. Each turns parsed arguments into calls on the
//! library and prints what the user needs to see.

use crate::cli::{Cli, Command};
use crate::error::Result;

mod build;
mod check;
mod new;
mod publish;
mod serve;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Build(args) => build::run(&cli.root, args),
        Command::Check(args) => check::run(&cli.root, args),
        Command::New(args) => new::run(args),
        Command::Publish(args) => publish::run(&cli.root, args),
        Command::Serve(args) => serve::run(&cli.root, args),
    }
}
