//! Command-line definitions (clap derive). The doc comments here are the
//! `--help` text; the work itself lives in `cmd/` and the library modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// handbook turns a school policy written in Markdown into a policy handbook
/// website and staff training course, and keeps the record of who has read it.
#[derive(Debug, Parser)]
#[command(name = "handbook", version, about, long_about = None)]
pub struct Cli {
    /// The handbook's folder (where site.yaml is).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the whole site into output/ (or --out). A failed build leaves
    /// the previous output untouched.
    Build(BuildArgs),
    /// Check everything a build checks, plus links, anchors and the review
    /// date, without writing anything. Exits 1 on any error.
    Check(CheckArgs),
    /// Create a new handbook in DIR that builds at once.
    New(NewArgs),
}

/// Options for `handbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (default: output/ under the root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Options for `handbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Treat warnings (such as a review date that is due) as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Options for `handbook new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create (it must not exist or must be empty).
    pub dir: PathBuf,
}
