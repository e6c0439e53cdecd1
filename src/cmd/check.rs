//! `handbook check`: validates everything without writing anything.

use std::path::Path;

use crate::cli::CheckArgs;
use handbook::error::{Diagnostic, Error, Result, Severity};

pub(crate) fn run(root: &Path, args: &CheckArgs) -> Result<()> {
    let mut warnings = handbook::site::check(root, args.strict)?;
    if let Some(path) = &args.roster {
        let (config, library) = handbook::records::policy::Library::load(root)?;
        let roster = super::read_roster(
            path,
            path,
            &config.roster,
            "or name another with --roster FILE",
        )?;
        let mut missing: Vec<Diagnostic> = super::missing_roles(&library, &roster);
        if args.strict && !missing.is_empty() {
            for problem in &mut missing {
                problem.severity = Severity::Error;
            }
            return Err(Error::Input(missing));
        }
        warnings.append(&mut missing);
    }
    for warning in &warnings {
        eprintln!("{warning}");
    }
    println!(
        "Checked: no errors{}",
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", warnings.len())
        }
    );
    Ok(())
}
