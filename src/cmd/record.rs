//! `handbook record ID|NAME [--policy P] --date DATE --note TEXT [--version LABEL|ID]`:
//! records a completion of a policy on someone's behalf (a paper
//! sign-off), marked as such; and `handbook record --undo ID|NAME [--policy P]
//! [--date DATE] --note WHY`, which revokes the person's records of the
//! policy (or only that day's): they stay in the ledger with who revoked
//! them, when and why, and count no more.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use crate::cli::RecordArgs;
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::ledger::{Completion, Ledger, Method, NewCompletion, RECORDED_BY_HAND};
use handbook::records::policy::{Library, Policy};
use handbook::records::roster::{Person, Roster};
use handbook::records::token::Scores;
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &RecordArgs) -> Result<()> {
    let (config, library) = Library::load(root)?;
    let policy_id = super::choose_policy(&config, args.policy.as_deref(), "record ID --policy")?;
    let Some(policy) = library.get(&policy_id) else {
        return Err(Error::Usage(format!("there is no policy `{policy_id}`")));
    };
    let roster = super::load_roster(root, &args.records)?;
    let person = find_person(&roster, &args.id)?;
    let note = args.note.trim();
    if note.is_empty() {
        return Err(Error::Usage(if args.undo {
            "--note is empty; say why the record is revoked, e.g. \"recorded for the wrong \
             person\""
                .to_string()
        } else {
            "--note is empty; say why this is recorded by hand, e.g. \"paper sign-off at the \
             staff meeting\""
                .to_string()
        }));
    }
    let date = args.date.as_deref().map(parse_date).transpose()?;
    let ledger = super::ledger_path(root, &args.records)?;
    // Names and ids come from the roster: shown, never obeyed.
    let who = terminal_safe(&format!("{} ({})", person.name, person.id)).into_owned();
    if args.undo {
        let mut ledger = Ledger::open(&ledger, &library)?;
        return undo(&mut ledger, policy, person, &who, date, note);
    }
    let Some(date) = date else {
        return Err(Error::Usage(
            "--date is missing: give the date on the signed sheet, e.g. --date 2026-01-31"
                .to_string(),
        ));
    };
    if date > handbook::site::today() {
        return Err(Error::Usage(format!(
            "--date {date} is in the future; give the date on the signed sheet"
        )));
    }
    let version = choose_version(policy, args.version.as_deref())?;
    if let Some(published) = published_on(policy, &version)
        && date < published
    {
        return Err(Error::Usage(format!(
            "--date {date} is before {} of {} was published ({published}); check the date on \
             the signed sheet, or name the version they signed with --version",
            terminal_safe(&label(policy, &version)),
            terminal_safe(&policy.title),
        )));
    }
    let completed_at = date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default();
    let mut ledger = Ledger::open(&ledger, &library)?;
    let batch = ledger.batch()?;
    let what = format!(
        "{}, {}",
        terminal_safe(&policy.title),
        terminal_safe(&label(policy, &version))
    );
    if batch.has_on_behalf(&person.id, &policy.id, &version, completed_at)? {
        println!(
            "{who} is already recorded as having signed for {what} on {date}; nothing changed."
        );
        return Ok(());
    }
    for earlier in batch.counting(&person.id, &policy.id)? {
        if day_of(&earlier) != Some(date) {
            eprintln!(
                "warning: {who} is already recorded for {} on {} ({}); this adds another \
                 record. If that one is wrong, revoke it: `handbook record --undo {} --policy \
                 {} --date {} --note WHY`",
                terminal_safe(&policy.title),
                shown_day(&earlier),
                recorded_how(policy, &earlier),
                terminal_safe(&person.id),
                policy.id,
                shown_day(&earlier),
            );
        }
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
        "Recorded: {who} signed for {what} on {date}, recorded on their behalf ({}).",
        terminal_safe(note)
    );
    Ok(())
}

/// Revokes `person`'s records of `policy` (only that `day`'s, when given).
fn undo(
    ledger: &mut Ledger,
    policy: &Policy,
    person: &Person,
    who: &str,
    day: Option<NaiveDate>,
    note: &str,
) -> Result<()> {
    let batch = ledger.batch()?;
    let records = batch.counting(&person.id, &policy.id)?;
    let chosen: Vec<&Completion> = records
        .iter()
        .filter(|c| day.is_none_or(|d| day_of(c) == Some(d)))
        .collect();
    if chosen.is_empty() {
        let held = if records.is_empty() {
            String::new()
        } else {
            format!(
                "; their records of it are of {}",
                records.iter().map(shown_day).collect::<Vec<_>>().join(", ")
            )
        };
        return Err(Error::Usage(format!(
            "{who} has no record of {}{} to revoke{held}",
            terminal_safe(&policy.title),
            day.map(|d| format!(" on {d}")).unwrap_or_default(),
        )));
    }
    let by = revoked_by();
    let now = Utc::now().timestamp();
    for c in &chosen {
        batch.revoke(c, now, &by, note)?;
    }
    batch.commit()?;
    for c in &chosen {
        println!(
            "Revoked: {who}, {} of {} ({}). It stays in the ledger, marked as revoked by {} \
             on {} ({}), and counts no more.",
            terminal_safe(&policy.title),
            shown_day(c),
            recorded_how(policy, c),
            terminal_safe(&by),
            Utc::now().date_naive(),
            terminal_safe(note),
        );
    }
    Ok(())
}

/// Who is revoking: the login name that runs handbook.
fn revoked_by() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "(unknown login)".to_string())
}

/// `--date`'s day.
fn parse_date(given: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(given.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "--date `{}` is not a date; write it as year-month-day, e.g. 2026-01-31",
            terminal_safe(given)
        ))
    })
}

/// The person `given` names: their id, or else their name exactly as on
/// the roster (compared without regard to case or surrounding spaces).
/// Two or more of that name is an error listing them with their ids.
fn find_person<'r>(roster: &'r Roster, given: &str) -> Result<&'r Person> {
    if let Some(person) = roster.get(given) {
        return Ok(person);
    }
    let wanted = given.trim().to_lowercase();
    let named: Vec<&Person> = roster
        .people()
        .iter()
        .filter(|p| !wanted.is_empty() && p.name.trim().to_lowercase() == wanted)
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::input(
            Diagnostic::error(
                &roster.file,
                None,
                format!(
                    "`{}` is not on the roster (as an id or a full name)",
                    terminal_safe(given)
                ),
            )
            .help("check the spelling (a name must be given in full), or add the person first"),
        )),
        many => Err(Error::input(
            Diagnostic::error(
                &roster.file,
                None,
                format!(
                    "{} people on the roster are called `{}`: {}",
                    many.len(),
                    terminal_safe(given.trim()),
                    many.iter()
                        .map(|p| terminal_safe(&format!(
                            "{} ({}{})",
                            p.id,
                            if p.school.is_empty() {
                                "no school"
                            } else {
                                &p.school
                            },
                            if p.role.is_empty() {
                                String::new()
                            } else {
                                format!(", {}", p.role)
                            }
                        ))
                        .into_owned())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )
            .help("give the person's id instead of the name"),
        )),
    }
}

/// The version `given` names, by its label (e.g. "January 2026", not
/// case-sensitive) or its id; by default the latest published version
/// (the one the report measures against). Of several published versions
/// with the same label, the latest, when only minor changes lie between
/// them.
fn choose_version(policy: &Policy, given: Option<&str>) -> Result<String> {
    let Some(given) = given.map(str::trim) else {
        return Ok(policy.measured_version().to_string());
    };
    if policy.accepts(given) {
        return Ok(given.to_string());
    }
    let lower = given.to_lowercase();
    if policy.accepts(&lower) {
        return Ok(lower);
    }
    let versions = &policy.known_versions;
    let matching: Vec<usize> = versions
        .iter()
        .enumerate()
        .filter(|(_, v)| !given.is_empty() && v.label.trim().eq_ignore_ascii_case(given))
        .map(|(i, _)| i)
        .collect();
    match (matching.first(), matching.last()) {
        (Some(&first), Some(&last)) if versions[first + 1..=last].iter().all(|v| v.minor) => {
            Ok(versions[last].id.clone())
        }
        (Some(_), Some(_)) => Err(Error::Usage(format!(
            "--version `{}` names {} versions of {} with major changes between them; give \
             the id of the one signed: {}",
            terminal_safe(given),
            matching.len(),
            terminal_safe(&policy.title),
            matching
                .iter()
                .map(|&i| format!(
                    "{} (published {})",
                    versions[i].id,
                    versions[i]
                        .published
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        _ => Err(Error::Usage(format!(
            "--version `{}` is not a published version of {}; {}",
            terminal_safe(given),
            terminal_safe(&policy.title),
            if versions.is_empty() {
                "none is published yet: leave --version out to record the current version"
                    .to_string()
            } else {
                format!(
                    "its published versions are: {} (or leave --version out for the latest)",
                    versions
                        .iter()
                        .map(|v| format!(
                            "{} (published {})",
                            terminal_safe(&version_name(&v.label, &v.id)),
                            v.published.map(|d| d.to_string()).unwrap_or_default()
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ))),
    }
}

/// The day `version` of `policy` was published, when it was.
fn published_on(policy: &Policy, version: &str) -> Option<NaiveDate> {
    policy
        .known_versions
        .iter()
        .find(|v| v.id == version)
        .and_then(|v| v.published)
}

/// What people call `version`: its label (or, when it has none, its id).
fn label(policy: &Policy, version: &str) -> String {
    match policy.known_versions.iter().find(|v| v.id == version) {
        Some(v) => version_name(&v.label, &v.id),
        None if !policy.label.trim().is_empty() => {
            format!("{} (not yet published)", policy.label.trim())
        }
        None => "the current version (not yet published)".to_string(),
    }
}

fn version_name(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        format!("version {id}")
    } else {
        label.trim().to_string()
    }
}

/// The day `c` was completed (UTC).
fn day_of(c: &Completion) -> Option<NaiveDate> {
    DateTime::from_timestamp(c.completed_at(), 0).map(|t| t.date_naive())
}

fn shown_day(c: &Completion) -> String {
    day_of(c).map(|d| d.to_string()).unwrap_or_default()
}

/// `token, January 2026` or `on behalf, January 2026`.
fn recorded_how(policy: &Policy, c: &Completion) -> String {
    let how = match c.method() {
        Method::Token => "token",
        Method::OnBehalf => "on behalf",
    };
    format!(
        "{how}, {}",
        terminal_safe(&label(policy, c.policy_version()))
    )
}
