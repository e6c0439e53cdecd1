//! One module per subcommand. Each turns parsed arguments into calls on the
//! library and prints what the user needs to see.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, RecordsArgs};
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::private::{self, KeyError, LEDGER_FILE, MASTER_KEY_FILE, ROSTER_FILE};
use handbook::records::roster::Roster;
use handbook::records::token::MasterKey;

mod build;
mod check;
mod codes;
mod import;
mod keys;
mod new;
mod publish;
mod record;
mod remind;
mod report;
mod reviews;
mod roster;
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
        Command::Remind(args) => remind::run(&cli.root, args),
        Command::Reviews(args) => reviews::run(&cli.root, args),
        Command::Serve(args) => serve::run(&cli.root, args),
        Command::Roster(args) => roster::run(&cli.root, args),
    }
}

/// Policy id → the minutes its course takes, as the course home says,
/// for the policies that have a course.
fn course_minutes(
    root: &Path,
    config: &handbook::config::SiteConfig,
) -> Result<std::collections::HashMap<String, usize>> {
    let mut minutes = std::collections::HashMap::new();
    for policy in &config.policies {
        if let Some(n) = handbook::course::length::policy_minutes(root, &policy.id)? {
            minutes.insert(policy.id.clone(), n);
        }
    }
    Ok(minutes)
}

/// The roster of a records command: `--roster FILE` as given, or
/// `.handbook/roster.csv` under the root, read with site.yaml's `roster:`
/// block.
fn load_roster(root: &Path, records: &RecordsArgs) -> Result<Roster> {
    let or_else = "or name it with --roster FILE";
    let columns = handbook::config::SiteConfig::load(root)?.roster;
    match &records.roster {
        Some(path) => read_roster(path, path, &columns, or_else),
        None => read_roster(
            &root.join(ROSTER_FILE),
            Path::new(ROSTER_FILE),
            &columns,
            or_else,
        ),
    }
}

/// The roster at `path` (shown as `shown`), its headings named by
/// `columns` where site.yaml says; its warnings (a converted encoding,
/// headings not read, ids that lost their leading zeros) are printed. When
/// there is none, the error says how to make one and then `or_else`, how
/// else to name one.
fn read_roster(
    path: &Path,
    shown: &Path,
    columns: &handbook::config::RosterColumns,
    or_else: &str,
) -> Result<Roster> {
    let roster = Roster::load_with(path, shown, columns)?.ok_or_else(|| {
        Error::input(
            Diagnostic::error(shown, None, "there is no roster here").help(format!(
                "save the staff list as {ROSTER_FILE} (the MIS's staff export as it is, or a \
                 CSV file whose first row is id,name,email,school,role) {or_else}"
            )),
        )
    })?;
    for warning in roster.warnings() {
        eprintln!("{warning}");
    }
    Ok(roster)
}

/// The site's master key.
fn master_key(root: &Path) -> Result<MasterKey> {
    private::load_master_key(root).map_err(key_error)
}

/// A master key problem as the user sees it, with the command that helps.
fn key_error(err: KeyError) -> Error {
    match err {
        KeyError::NoMasterKey { path } => Error::input(
            Diagnostic::error(MASTER_KEY_FILE, None, "there is no master key yet").help(format!(
                "run `handbook keys init` once to create it (looked in {}); if you had one, \
                 restore it from your backup copy",
                path.display()
            )),
        ),
        KeyError::KeyExists { .. } => Error::Usage(format!(
            "{MASTER_KEY_FILE} already exists, and handbook will not replace it: every \
             personal code already issued was made from it and would stop working. \
             If you really mean to start again, move the old key somewhere safe first \
             (then run `handbook codes` and send everyone a new letter)"
        )),
        KeyError::Other(err) => err,
    }
}

/// The ledger to use: `--ledger FILE`, or `.handbook/ledger.sqlite` under
/// the root (then the private folder is made if needed).
fn ledger_path(root: &Path, records: &RecordsArgs) -> Result<PathBuf> {
    match &records.ledger {
        Some(path) => Ok(path.clone()),
        None => {
            private::ensure_private_dir(root)?;
            Ok(root.join(LEDGER_FILE))
        }
    }
}

/// Whose policy the printed pages (letters, report) are about.
fn heading(config: &handbook::config::SiteConfig) -> handbook::records::Heading<'_> {
    handbook::records::Heading {
        title: &config.title,
        organisation: &config.organisation,
        language: &config.language,
    }
}

/// Warns (on stderr) about roster schools that site.yaml's `schools` does
/// not list: usually a typing mistake that would split a school in two in
/// the report.
fn warn_unknown_schools(config: &handbook::config::SiteConfig, roster: &Roster) {
    for warning in roster.school_warnings(&config.schools) {
        eprintln!("{warning}");
    }
}

/// The policy a command is about: `given` (an id of site.yaml), or the
/// only policy when the site has one. `command` names the command in the
/// advice.
fn choose_policy(
    config: &handbook::config::SiteConfig,
    given: Option<&str>,
    command: &str,
) -> Result<String> {
    match given {
        Some(id) if config.policy(id).is_some() => Ok(id.to_string()),
        Some(id) => Err(Error::Usage(format!(
            "there is no policy `{}` in site.yaml; the policies are: {}",
            handbook::util::text::terminal_safe(id),
            config.policy_list()
        ))),
        None if config.policies.len() == 1 => Ok(config.policies[0].id.clone()),
        None => Err(Error::Usage(format!(
            "this site has {} policies: say which, e.g. `handbook {command} {}`; the policies \
             are: {}",
            config.policies.len(),
            config.policies[0].id,
            config.policy_list()
        ))),
    }
}

/// A warning for each role a policy's `required_for` names that nobody on
/// `roster` has: most often a misspelling, which would excuse people in
/// silence (`report` and `check --roster` say so).
fn missing_roles(library: &handbook::records::policy::Library, roster: &Roster) -> Vec<Diagnostic> {
    handbook::records::report::roles_missing(library, roster)
        .into_iter()
        .map(|(policy, role)| {
            Diagnostic::warning(
                "site.yaml",
                None,
                format!(
                    "policy `{}` is required for role `{}`, but nobody on the roster has that role",
                    handbook::util::text::terminal_safe(&policy),
                    handbook::util::text::terminal_safe(&role)
                ),
            )
            .help(
                "check the spelling in the policy's `required_for` in site.yaml and in the \
                 roster's role column (roles compare without regard to case)",
            )
        })
        .collect()
}
