//! One module per subcommand. Each turns parsed arguments into calls on the
//! library and prints what the user needs to see.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, RecordsArgs};
use handbook::error::{Error, Result};

mod build;
mod check;
mod codes;
mod import;
mod keys;
mod new;
mod publish;
mod record;
mod report;
mod serve;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    dispatch(&cli).map_err(advice)
}

/// Errors the library reports in its own terms, with the command line's
/// advice (its flags and commands) added.
fn advice(err: Error) -> Error {
    match err {
        Error::NoSite { root } => Error::input(Error::no_site_diagnostic(
            &root,
            "run handbook in the handbook's folder, pass --root DIR, \
             or create one with `handbook new DIR`",
        )),
        other => other,
    }
}

fn dispatch(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Build(args) => build::run(&cli.root, args),
        Command::Check(args) => check::run(&cli.root, args),
        Command::New(args) => new::run(args),
        Command::Publish(args) => publish::run(&cli.root, args),
        Command::Keys(args) => keys::run(&cli.root, args),
        Command::Codes(args) => codes::run(&cli.root, args),
        Command::Import(args) => import::run(&cli.root, args),
        Command::Record(args) => record::run(&cli.root, args),
        Command::Report(args) => report::run(&cli.root, args),
        Command::Serve(args) => serve::run(&cli.root, args),
    }
}

/// The roster to use: `--roster FILE` as given, or `.handbook/roster.csv`
/// under the root. Returns the path to read and the name to show.
fn roster_path(root: &Path, records: &RecordsArgs) -> (PathBuf, PathBuf) {
    match &records.roster {
        Some(path) => (path.clone(), path.clone()),
        None => (
            root.join(handbook::records::roster::ROSTER_FILE),
            PathBuf::from(handbook::records::roster::ROSTER_FILE),
        ),
    }
}

/// The ledger to use: `--ledger FILE`, or `.handbook/ledger.sqlite` under
/// the root (then the private folder is made if needed).
fn ledger_path(root: &Path, records: &RecordsArgs) -> Result<PathBuf> {
    match &records.ledger {
        Some(path) => Ok(path.clone()),
        None => {
            handbook::records::token::ensure_private_dir(root)?;
            Ok(root.join(handbook::records::ledger::LEDGER_FILE))
        }
    }
}

/// Warns (on stderr) about roster schools that site.yaml's `schools` does
/// not list: usually a typing mistake that would split a school in two in
/// the report.
fn warn_unknown_schools(
    config: &handbook::config::SiteConfig,
    roster: &handbook::records::roster::Roster,
) {
    if config.schools.is_empty() {
        return;
    }
    let mut warned: Vec<&str> = Vec::new();
    for person in roster.people() {
        let school = person.school.as_str();
        if school.is_empty()
            || warned.contains(&school)
            || config
                .schools
                .iter()
                .any(|s| s.eq_ignore_ascii_case(school))
        {
            continue;
        }
        warned.push(school);
        eprintln!(
            "{}",
            handbook::error::Diagnostic::warning(
                &roster.file,
                Some(person.line),
                format!("school `{school}` is not one of the schools in site.yaml"),
            )
            .help(format!(
                "check the spelling, or add it to `schools:` in site.yaml (it lists: {})",
                config.schools.join(", ")
            ))
        );
    }
}
