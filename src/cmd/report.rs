//! `handbook report [--html FILE] [--csv FILE] [--summary FILE] [--policy P] [--school S]
//! [--today DATE]`: the compliance report, every person against every
//! policy their role requires; `--summary` writes the evidence summary for
//! inspectors and trustees.
//!
//! The ledger is opened read-only: a report never writes, never migrates,
//! and never waits for an import or `record` that is writing.

use std::path::Path;

use crate::cli::ReportArgs;
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::ledger::{Ledger, ReadOnly};
use handbook::records::policy::Library;
use handbook::records::private::LEDGER_FILE;
use handbook::records::report::html::{PageInfo, render};
use handbook::records::report::summary::SummaryInfo;
use handbook::records::report::{Report, Scope};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &ReportArgs) -> Result<()> {
    let inputs = Inputs::load(
        root,
        &args.records,
        &Asked {
            policy: args.policy.as_deref(),
            school: args.school.as_deref(),
            today: args.today.as_deref(),
            command: "report",
        },
    )?;
    let scope = inputs.scope();
    let report = inputs.report(&scope).with_revocations(&inputs.revocations);
    let config = &inputs.config;
    print!("{}", report.to_text());
    let listed = report.outstanding_count() > 0
        || !report.not_on_roster.is_empty()
        || !report.policy_unknown.is_empty()
        || !report.revoked.is_empty();
    if listed && args.html.is_none() && args.csv.is_none() && args.summary.is_none() {
        println!("Add --html FILE or --csv FILE to write them out.");
    }
    write_files(&report, config, &scope, args)
}

/// Writes the files asked for: the report page, the evidence summary and
/// the CSV.
fn write_files(
    report: &Report<'_>,
    config: &handbook::config::SiteConfig,
    scope: &Scope<'_>,
    args: &ReportArgs,
) -> Result<()> {
    let made = chrono::Utc::now()
        .format("on %Y-%m-%d at %H:%M UTC")
        .to_string();
    let described = describe_scope(config, scope);
    if let Some(path) = &args.html {
        let html = render(
            report,
            &PageInfo {
                heading: super::heading(config),
                made: &made,
                scope: &described,
            },
        );
        handbook::util::fs::write_private(path, html.as_bytes())?;
        println!(
            "Wrote the report to {}.",
            terminal_safe(&path.display().to_string())
        );
    }
    if let Some(path) = &args.summary {
        let html = handbook::records::report::summary::render(
            report,
            &SummaryInfo {
                heading: super::heading(config),
                made: &made,
                scope: &described,
            },
        );
        handbook::util::fs::write_private(path, html.as_bytes())?;
        println!(
            "Wrote the evidence summary to {}.",
            terminal_safe(&path.display().to_string())
        );
    }
    if let Some(path) = &args.csv {
        handbook::util::fs::write_private(path, &report.to_csv()?)?;
        println!(
            "Wrote the CSV to {}.",
            terminal_safe(&path.display().to_string())
        );
    }
    Ok(())
}

/// What `report` and `remind` were asked for, before it is checked.
pub(super) struct Asked<'a> {
    /// `--policy`, as given.
    pub(super) policy: Option<&'a str>,
    /// `--school`, as given.
    pub(super) school: Option<&'a str>,
    /// `--today`, as given.
    pub(super) today: Option<&'a str>,
    /// The command, for messages: `report`.
    pub(super) command: &'a str,
}

/// Everything a report is made from, loaded and checked, with the
/// roster's warnings printed.
pub(super) struct Inputs {
    pub(super) config: handbook::config::SiteConfig,
    pub(super) library: Library,
    pub(super) roster: handbook::records::roster::Roster,
    pub(super) completions: Vec<handbook::records::ledger::Completion>,
    pub(super) revocations: Vec<handbook::records::ledger::Revocation>,
    pub(super) policy: Option<String>,
    pub(super) school: Option<String>,
    pub(super) today: chrono::NaiveDate,
}

impl Inputs {
    /// Loads site.yaml, the library, the roster and the ledger, and checks
    /// the policy, school and day asked for.
    pub(super) fn load(
        root: &Path,
        records: &crate::cli::RecordsArgs,
        asked: &Asked<'_>,
    ) -> Result<Inputs> {
        let today = match asked.today {
            Some(given) => parse_today(given)?,
            None => handbook::site::today(),
        };
        let (config, library) = Library::load(root)?;
        let roster = super::load_roster(root, records)?;
        let policy = match asked.policy {
            Some(given) => Some(super::choose_policy(
                &config,
                Some(given),
                &format!("{} --policy", asked.command),
            )?),
            None => None,
        };
        let school = match asked.school {
            Some(given) => Some(choose_school(&roster, &config.schools, given)?),
            None => None,
        };
        let (completions, revocations) = load_ledger(root, records)?;
        super::warn_unknown_schools(&config, &roster);
        for warning in super::missing_roles(&library, &roster) {
            eprintln!("{warning}");
        }
        Ok(Inputs {
            config,
            library,
            roster,
            completions,
            revocations,
            policy,
            school,
            today,
        })
    }

    /// The policy and school asked for.
    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            policy: self.policy.as_deref(),
            school: self.school.as_deref(),
        }
    }

    /// Everyone's status within `scope`, as of the day asked for.
    pub(super) fn report<'a>(&'a self, scope: &Scope<'_>) -> Report<'a> {
        Report::build(
            &self.roster,
            &self.completions,
            &self.library,
            &self.config.schools,
            scope,
            self.today,
        )
    }
}

/// Every completion that counts in the ledger (`--ledger`, or
/// `.handbook/ledger.sqlite` under `root`), and the revoked ones, opened
/// read-only; none, with a note, when there is no ledger yet.
fn load_ledger(
    root: &Path,
    records: &crate::cli::RecordsArgs,
) -> Result<(
    Vec<handbook::records::ledger::Completion>,
    Vec<handbook::records::ledger::Revocation>,
)> {
    let ledger_path = match &records.ledger {
        Some(path) => path.clone(),
        None => root.join(LEDGER_FILE),
    };
    Ok(match Ledger::open_read_only(&ledger_path)? {
        ReadOnly::Open(ledger) => (ledger.completions()?, ledger.revocations()?),
        ReadOnly::Empty => {
            eprintln!(
                "note: there is no ledger at {} yet, so nobody has completed the course; \
                 import tokens with `handbook import`",
                terminal_safe(&ledger_path.display().to_string())
            );
            (Vec::new(), Vec::new())
        }
        ReadOnly::Outdated { schema } => {
            return Err(Error::input(
                Diagnostic::error(
                    &ledger_path,
                    None,
                    format!(
                        "this ledger was written by an older handbook (schema {schema}) and \
                         has not been updated yet"
                    ),
                )
                .help("run `handbook import` once (it updates the ledger), then try again"),
            ));
        }
    })
}

/// The day `--today` gives.
fn parse_today(given: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(given.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "--today `{}` is not a date; write it as year-month-day, e.g. 2026-01-31",
            terminal_safe(given)
        ))
    })
}

/// The school `given` names (compared without regard to case), as
/// site.yaml or the roster spells it.
fn choose_school(
    roster: &handbook::records::roster::Roster,
    schools: &[String],
    given: &str,
) -> Result<String> {
    let known = Report::schools_of(roster, schools);
    known
        .iter()
        .find(|s| s.eq_ignore_ascii_case(given.trim()))
        .cloned()
        .ok_or_else(|| {
            Error::Usage(format!(
                "there is no school `{}` in site.yaml or on the roster; the schools are: {}",
                terminal_safe(given),
                known
                    .iter()
                    .map(|s| format!("`{}`", terminal_safe(s)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// What the report covers, for its heading.
fn describe_scope(config: &handbook::config::SiteConfig, scope: &Scope<'_>) -> String {
    let policies = match scope.policy.and_then(|id| config.policy(id)) {
        Some(p) => p.title.clone(),
        None => "every policy".to_string(),
    };
    let schools = match scope.school {
        Some(s) => s.to_string(),
        None => "every school".to_string(),
    };
    format!("{policies}, {schools}")
}
