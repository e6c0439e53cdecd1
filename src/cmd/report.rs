//! `handbook report [--html FILE] [--csv FILE]`: the compliance report.
//!
//! The ledger is opened read-only: a report never writes, never migrates,
//! and never waits for an import or `record` that is writing.

use std::path::Path;

use crate::cli::ReportArgs;
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::ledger::{Ledger, ReadOnly};
use handbook::records::policy::Policy;
use handbook::records::private::LEDGER_FILE;
use handbook::records::report::Report;
use handbook::records::report::html::{PageInfo, render};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &ReportArgs) -> Result<()> {
    let (config, policy) = Policy::load(root)?;
    let roster = super::load_roster(root, &args.records)?;
    let ledger_path = match &args.records.ledger {
        Some(path) => path.clone(),
        None => root.join(LEDGER_FILE),
    };
    let completions = match Ledger::open_read_only(&ledger_path)? {
        ReadOnly::Open(ledger) => ledger.completions()?,
        ReadOnly::Empty => {
            eprintln!(
                "note: there is no ledger at {} yet, so nobody has completed the course; \
                 import tokens with `handbook import`",
                terminal_safe(&ledger_path.display().to_string())
            );
            Vec::new()
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
    };
    super::warn_unknown_schools(&config, &roster);
    let report = Report::build(&roster, &completions, &policy, &config.schools);
    print!("{}", report.to_text());
    let listed = report.outstanding().next().is_some() || !report.not_on_roster.is_empty();
    if listed && args.html.is_none() && args.csv.is_none() {
        println!("Add --html FILE or --csv FILE to write them out.");
    }
    if let Some(path) = &args.html {
        let made = chrono::Utc::now()
            .format("on %-d %B %Y at %H:%M UTC")
            .to_string();
        let html = render(
            &report,
            &PageInfo {
                heading: super::heading(&config),
                made: &made,
            },
        );
        handbook::util::fs::write_private(path, html.as_bytes())?;
        println!(
            "Wrote the report to {}.",
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
