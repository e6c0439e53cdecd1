//! `handbook record ID [--policy P] --date DATE --note TEXT [--version ID]`:
//! records a completion of a policy on someone's behalf (a paper sign-off),
//! marked as such.

use std::path::Path;

use chrono::{NaiveDate, Utc};

use crate::cli::RecordArgs;
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::ledger::{Ledger, Method, NewCompletion, RECORDED_BY_HAND};
use handbook::records::policy::Library;
use handbook::records::token::Scores;
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &RecordArgs) -> Result<()> {
    let (config, library) = Library::load(root)?;
    let policy_id = super::choose_policy(&config, args.policy.as_deref(), "record ID --policy")?;
    let Some(policy) = library.get(&policy_id) else {
        return Err(Error::Usage(format!("there is no policy `{policy_id}`")));
    };
    let roster = super::load_roster(root, &args.records)?;
    let Some(person) = roster.get(&args.id) else {
        return Err(Error::input(
            Diagnostic::error(
                &roster.file,
                None,
                format!("`{}` is not on the roster", args.id),
            )
            .help("check the id, or add the person to the roster first"),
        ));
    };
    let date = NaiveDate::parse_from_str(args.date.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "--date `{}` is not a date; write it as year-month-day, e.g. 2026-01-31",
            args.date
        ))
    })?;
    if date > Utc::now().date_naive() {
        return Err(Error::Usage(format!(
            "--date {date} is in the future; give the date on the signed sheet"
        )));
    }
    let note = args.note.trim();
    if note.is_empty() {
        return Err(Error::Usage(
            "--note is empty; say why this is recorded by hand, e.g. \"paper sign-off at the \
             staff meeting\""
                .to_string(),
        ));
    }
    let version = args
        .version
        .clone()
        .unwrap_or_else(|| policy.current_version.clone());
    if !policy.accepts(&version) {
        return Err(Error::Usage(format!(
            "--version {version} is not a version of {} that was published; leave \
             --version out to record the current version ({})",
            policy.title,
            policy.describe(&policy.current_version)
        )));
    }
    let completed_at = date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default();
    let mut ledger = Ledger::open(&super::ledger_path(root, &args.records)?, &library)?;
    let batch = ledger.batch()?;
    // Names and ids come from the roster: shown, never obeyed.
    let who = terminal_safe(&format!("{} ({})", person.name, person.id)).into_owned();
    if batch.has_on_behalf(&person.id, &policy.id, &version, completed_at)? {
        println!(
            "{who} is already recorded as having signed for {}, version {} on {date}; \
             nothing changed.",
            terminal_safe(&policy.title),
            terminal_safe(&policy.describe(&version))
        );
        return Ok(());
    }
    batch.insert(&NewCompletion {
        staff_id: &person.id,
        policy: &policy.id,
        policy_version: &version,
        completed_at,
        scores: &Scores::default(),
        token: None,
        source: RECORDED_BY_HAND,
        method: Method::OnBehalf,
        note: Some(note),
        imported_at: Utc::now().timestamp(),
    })?;
    batch.commit()?;
    println!(
        "Recorded: {who} signed for {}, version {} on {date}, recorded on their behalf ({}).",
        terminal_safe(&policy.title),
        terminal_safe(&policy.describe(&version)),
        terminal_safe(note)
    );
    Ok(())
}
