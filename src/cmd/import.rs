//! `handbook import PATH...`: finds completion tokens in files, folders and
//! standard input, checks them and records the valid ones in the ledger.

mod progress;

use std::path::{Path, PathBuf};

use crate::cli::ImportArgs;
use handbook::error::{Diagnostic, Error, Result, Severity};
use handbook::records::ledger::Ledger;
use handbook::records::ledger::history::History;
use handbook::records::ledger::import::{
    Context, ImportSummary, Input, Reason, Rejected, WithoutTokens, import_with_history,
};
use handbook::records::policy::Library;
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &ImportArgs) -> Result<()> {
    let (_, library) = Library::load(root)?;
    let master = super::master_key(root)?;
    let roster = super::load_roster(root, &args.records)?;
    let (sources, skipped) = collect_sources(&args.paths)?;
    for (path, why) in &skipped {
        eprintln!(
            "{}",
            Diagnostic::warning(path, None, format!("skipped: {why}"))
                .help("name the file it points to, if it holds tokens")
        );
    }
    if sources.is_empty() {
        return Err(Error::Input(
            args.paths
                .iter()
                .map(|path| {
                    Diagnostic::error(path, None, "there are no files to import here").help(
                        "give the files or folders of saved e-mails or token lists, or - to \
                         paste tokens",
                    )
                })
                .collect(),
        ));
    }
    // Opened (and made, if new) before the inputs are read, so a wrong
    // --ledger is reported at once; it is written only at the end.
    let mut ledger = Ledger::open(&super::ledger_path(root, &args.records)?, &library)?;
    let history_path = History::path_for(ledger.path());
    let mut history = History::load(&history_path)?;
    let total: u64 = sources
        .iter()
        .filter_map(|source| match source {
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Source::Stdin => None,
        })
        .sum();
    // Each file is opened as the import reaches it, and read a piece at a
    // time.
    let inputs = sources.iter().map(|source| match source {
        Source::Stdin => Ok(Input::reader("stdin", std::io::stdin())),
        Source::File(path) => Ok(Input::reader(
            path.display().to_string().replace('\\', "/"),
            std::fs::File::open(path).map_err(|err| Error::reading(path, err))?,
        )),
    });
    let context = Context {
        master: &master,
        roster: &roster,
        library: &library,
        now: chrono::Utc::now().timestamp(),
    };
    let mut bar = progress::Bar::new(total);
    let summary = import_with_history(&mut ledger, &context, inputs, &mut history, &mut bar);
    bar.finish();
    let summary = summary?;
    if let Err(err) = history.save() {
        eprintln!(
            "warning: {err} (the import itself is saved; the next one may list these rejections \
             again)"
        );
    }
    report(&summary, &ledger, args.all)
}

/// Prints what the import did; an error when something new is wrong.
fn report(summary: &ImportSummary, ledger: &Ledger, all: bool) -> Result<()> {
    let inputs = match summary.inputs {
        1 => "1 input".to_string(),
        n => format!("{n} inputs"),
    };
    if summary.found == 0 {
        println!("No tokens found in {inputs}.");
        return Err(Error::Input(
            summary
                .without_tokens
                .iter()
                .map(|w| nothing_in(w, Severity::Error))
                .collect(),
        ));
    }
    let listed = |earlier: bool| all || !earlier;
    for without in summary.without_tokens.iter().filter(|w| listed(w.earlier)) {
        eprintln!("{}", nothing_in(without, Severity::Warning));
    }
    let checked = summary.checked();
    println!(
        "Checked {checked} token{} from {inputs}: {} new, {} already recorded, {} rejected.",
        if checked == 1 { "" } else { "s" },
        summary.new,
        summary.duplicates,
        summary.rejected.len()
    );
    match summary.repeated {
        0 => {}
        1 => println!(
            "1 more was a copy of a token found earlier in this import (a reply quoting an \
             earlier e-mail, a file given twice), counted once."
        ),
        n => println!(
            "{n} more were copies of tokens found earlier in this import (a reply quoting an \
             earlier e-mail, a file given twice), counted once."
        ),
    }
    if summary.new > 0 {
        println!(
            "The new completions are saved in {}.",
            terminal_safe(&ledger.path().display().to_string())
        );
    }
    if !all {
        let old_rejections = summary.rejected.iter().filter(|r| r.earlier).count();
        let old_files = summary.without_tokens.iter().filter(|w| w.earlier).count();
        if old_rejections + old_files > 0 {
            println!(
                "Not listed again: {} that an earlier import already reported (`--all` lists \
                 them).",
                earlier_counts(old_rejections, old_files)
            );
        }
    }
    let new_rejections: Vec<Diagnostic> = summary
        .rejected
        .iter()
        .filter(|r| listed(r.earlier))
        .map(rejection)
        .collect();
    if new_rejections.is_empty() {
        return Ok(());
    }
    println!("Each rejected token is listed below with where it was and what to do.");
    Err(Error::Input(new_rejections))
}

/// `3 rejected tokens and 1 file without a token`.
fn earlier_counts(rejections: usize, files: usize) -> String {
    let tokens = match rejections {
        0 => None,
        1 => Some("1 rejected token".to_string()),
        n => Some(format!("{n} rejected tokens")),
    };
    let files = match files {
        0 => None,
        1 => Some("1 file without a token".to_string()),
        n => Some(format!("{n} files without a token")),
    };
    [tokens, files]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A file in which no token was found, with advice for its kind.
fn nothing_in(without: &WithoutTokens, severity: Severity) -> Diagnostic {
    let message = match &without.problem {
        Some(problem) => format!("no token found in this file: {problem}"),
        None => "no token found in this file".to_string(),
    };
    let mut diagnostic = Diagnostic::error(&without.file, None, message).help(without.kind.hint());
    diagnostic.severity = severity;
    diagnostic
}

/// A rejected token as a diagnostic: where it was (the file and line, and
/// the e-mail's date, sender and subject or the row), whose, why, and
/// advice.
fn rejection(rejected: &Rejected) -> Diagnostic {
    let place = &rejected.place;
    let mut message = String::new();
    if let Some(described) = place.described() {
        message.push_str(&described);
        message.push_str(": ");
    }
    match &rejected.staff_id {
        Some(id) => message.push_str(&format!("token for {}: ", terminal_safe(id))),
        None => message.push_str("token: "),
    }
    message.push_str(&rejected.reason.to_string());
    Diagnostic::error(&place.file, place.line, message).help(advice(&rejected.reason))
}

/// What to do about a token rejected for `reason`.
fn advice(reason: &Reason) -> &'static str {
    match reason {
        Reason::Damaged(_) => {
            "ask the sender for the token again, copied in full (it is one long line of letters, \
         digits, dots, - and _)"
        }
        Reason::NotHandbook(_) | Reason::BadClaims(_) | Reason::ExtraModule(_) => {
            "this was not made by the course page as issued, or was changed since; ask the \
         person to complete the course and send the token it gives them"
        }
        Reason::WrongSite { .. } => {
            "this token is for another school's or trust's site; ask the person to use the \
         course on this site"
        }
        Reason::UnknownPolicy { .. } => {
            "the token was made on a course of a policy this site no longer has (or under \
         another id); check the policy ids in site.yaml, or ask the person to complete the \
         course of the policy as it is published now"
        }
        Reason::UnknownStaff(_) => {
            "if the person has left, nothing needs doing; if their id changed, give the roster \
         their old id too or ask them to complete the course again with their new id and \
         code; if they are new, add them to the roster with this id"
        }
        Reason::BadSignature(_) => {
            "the id and code used do not belong together, or the token was changed; ask the \
         person to check the id and code on their letter and complete the course again"
        }
        Reason::ReplacedCode { .. } => {
            "this person's code has been replaced; ask them to complete the course again with \
         the code on their newest letter"
        }
        Reason::NewerCode { .. } => {
            "set this person's generation on the roster to match their newest letter, then \
         import again"
        }
        Reason::UnknownVersion(_) => {
            "the token was made on a copy of the course that was never published; ask the \
         person to complete the course on the school's published site"
        }
        Reason::VersionSourceMissing(_) => {
            "restore that version's folder under versions/ from git or your backup (`handbook \
         publish` wrote it), then import again"
        }
        Reason::FutureTime(_) | Reason::TooEarly { .. } => {
            "check the date and time of the computer the person used, then ask them to complete \
         the course again"
        }
        Reason::MissingModule(_) | Reason::FailedModule { .. } => {
            "ask the person to finish every part of the course, passing each quiz, and send the \
         new token"
        }
        Reason::NoDeclaration => {
            "ask the person to sign the declaration at the end of the course and send the new \
         token"
        }
    }
}

enum Source {
    Stdin,
    File(PathBuf),
}

/// A path in a folder that is not read, and why.
type Skipped = (PathBuf, String);

/// The files to read: each `-` is standard input, each folder is searched
/// through (hidden files and folders skipped), in name order. A link to a
/// file is read like the file; a link to a folder, a broken link and
/// anything else that is not a file is listed as skipped, with why. A path
/// that does not exist stops the import before anything is read.
fn collect_sources(paths: &[PathBuf]) -> Result<(Vec<Source>, Vec<Skipped>)> {
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
        } else if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                let entry = entry.map_err(|err| Error::reading(path, err.into()))?;
                let kind = entry.file_type();
                if kind.is_file() {
                    sources.push(Source::File(entry.into_path()));
                } else if kind.is_symlink() {
                    // Links to folders are not followed: they can loop, or
                    // lead far from the folder that was named.
                    match std::fs::metadata(entry.path()) {
                        Ok(meta) if meta.is_file() => sources.push(Source::File(entry.into_path())),
                        Ok(meta) if meta.is_dir() => skipped.push((
                            entry.into_path(),
                            "it is a link to a folder, which is not followed".to_string(),
                        )),
                        Ok(_) => skipped.push((
                            entry.into_path(),
                            "it is a link to something that is not a file".to_string(),
                        )),
                        Err(err) => skipped.push((
                            entry.into_path(),
                            format!("it is a link that cannot be followed ({err})"),
                        )),
                    }
                } else if !kind.is_dir() {
                    skipped.push((entry.into_path(), "it is not a file".to_string()));
                }
            }
        } else if path.is_file() {
            sources.push(Source::File(path.clone()));
        } else {
            return Err(Error::Usage(format!(
                "{} does not exist; give files or folders of saved e-mails or token lists, \
                 or - to paste tokens",
                path.display()
            )));
        }
    }
    Ok((sources, skipped))
}
