//! `handbook codes ROSTER.csv [--out FILE] [--letters FILE] [--only-new]`:
//! each person's personal code and link as CSV, and optionally a printable
//! letter each (made by `records::letters`); this writes them and says
//! where. With `--only-new`, only the people the codes file does not hold
//! yet are added to it and given letters.

use std::collections::HashSet;
use std::path::Path;

use crate::cli::CodesArgs;
use handbook::config::SiteConfig;
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::ledger::{Ledger, ReadOnly};
use handbook::records::letters::{self, Issued, LetterInfo};
use handbook::records::policy::Library;
use handbook::records::private::{self, LEDGER_FILE, PRIVATE_DIR, ROSTER_FILE};
use handbook::records::report::{Report, Scope};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &CodesArgs) -> Result<()> {
    let config = SiteConfig::load(root)?;
    // The master key lives in .handbook/: narrow it to its owner if it was
    // made (or copied back from a backup) with wider permissions.
    if root.join(PRIVATE_DIR).is_dir() {
        private::ensure_private_dir(root)?;
    }
    let base = config.base_url();
    if args.letters.is_some() && base.is_none() {
        return Err(Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                "letters need the site's address, and site.yaml has no base_url; nothing was \
                 written",
            )
            .help(
                "add `base_url: https://…/` with the address the site is published at, so \
                 that each letter gives it, with a personal link and its QR code",
            ),
        ));
    }
    let master = super::master_key(root)?;
    let roster = super::read_roster(
        &args.roster,
        &args.roster,
        &config.roster,
        "and give that name: `handbook codes .handbook/roster.csv`",
    )?;
    super::warn_unknown_schools(&config, &roster);
    if base.is_none() {
        eprintln!(
            "note: site.yaml has no base_url, so each link is only the part after the site's \
             address (#id=…&code=…). Set base_url to the address the site is published at \
             to get links people can click."
        );
    }
    let mut issued = letters::issue(&master, &roster, base.as_deref());
    match (&args.out, args.only_new) {
        (Some(out), true) => {
            let known = already_issued(out)?;
            issued.retain(|i| !known.contains(&key(&i.login)));
            if issued.is_empty() {
                println!(
                    "Everyone on the roster is already in {}: no new codes, no letters.",
                    terminal_safe(&out.display().to_string())
                );
                return Ok(());
            }
            append_codes(out, &issued, known.is_empty())?;
        }
        (Some(out), false) => {
            handbook::util::fs::write_private(out, &letters::codes_csv(&issued)?)?;
            eprintln!(
                "Wrote {} codes to {}. It holds everyone's personal code: keep it private.",
                issued.len(),
                terminal_safe(&out.display().to_string())
            );
        }
        (None, _) => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(&letters::codes_csv(&issued)?)
                .map_err(|err| Error::io("writing to standard output", err))?;
        }
    }
    if let Some(path) = &args.letters {
        write_letters(root, path, &config, &roster, &mut issued, base.as_deref())?;
    }
    if args.roster != Path::new(ROSTER_FILE) && args.roster != root.join(ROSTER_FILE) {
        eprintln!(
            "Tip: keep this roster as {ROSTER_FILE}: `handbook import` and `handbook report` \
             read it from there."
        );
    }
    Ok(())
}

/// How a login is compared with the codes file's: trimmed, lower case.
fn key(login: &str) -> String {
    login.trim().to_lowercase()
}

/// The logins (id, with `#n` for a replaced code) the codes file at `path`
/// already holds; none when there is no file yet.
fn already_issued(path: &Path) -> Result<HashSet<String>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(err) => return Err(Error::reading(path, err)),
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let not_codes = || {
        Error::input(
            Diagnostic::error(
                path,
                Some(1),
                "this is not a codes file written by `handbook codes`",
            )
            .help("name the codes file the office keeps (e.g. .handbook/codes.csv) with --out"),
        )
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().map_err(|_| not_codes())?.clone();
    let at = |name: &str| header.iter().position(|h| h == name);
    let (Some(id), Some(generation)) = (at("id"), at("generation")) else {
        return Err(not_codes());
    };
    let mut known = HashSet::new();
    for row in reader.records() {
        let row = row.map_err(|_| not_codes())?;
        let id = row.get(id).unwrap_or_default().trim_start_matches('\'');
        let generation: u32 = row
            .get(generation)
            .and_then(|g| g.parse().ok())
            .unwrap_or(1);
        known.insert(key(&handbook::records::token::kid(id, generation)));
    }
    Ok(known)
}

/// Adds `issued`'s rows to the codes file at `path`, keeping what it holds
/// (`new` when there is no file yet: it is written whole).
fn append_codes(path: &Path, issued: &[Issued<'_>], new: bool) -> Result<()> {
    let rows = letters::codes_csv(issued)?;
    let bytes = if new {
        rows
    } else {
        let mut old = std::fs::read(path).map_err(|err| Error::reading(path, err))?;
        if !old.ends_with(b"\n") {
            old.push(b'\n');
        }
        // The header is one line: everything after it is the new rows.
        let body = rows
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&rows[..0], |at| &rows[at + 1..]);
        old.extend_from_slice(body);
        old
    };
    handbook::util::fs::write_private(path, &bytes)?;
    eprintln!(
        "Added {} new {} to {}; everyone else's are as they were. It holds personal codes: \
         keep it private.",
        issued.len(),
        if issued.len() == 1 { "code" } else { "codes" },
        terminal_safe(&path.display().to_string())
    );
    Ok(())
}

/// Writes the letters of `issued` to `path`, school by school (site.yaml's
/// order) and by surname, each with its policies' due dates as of today.
fn write_letters(
    root: &Path,
    path: &Path,
    config: &SiteConfig,
    roster: &handbook::records::roster::Roster,
    issued: &mut [Issued<'_>],
    base: Option<&str>,
) -> Result<()> {
    // The due dates come from the ledger when there is one (a replaced
    // code's letter knows what is done).
    let (_, library) = Library::load(root)?;
    let completions = match Ledger::open_read_only(&root.join(LEDGER_FILE))? {
        ReadOnly::Open(ledger) => ledger.completions()?,
        ReadOnly::Empty | ReadOnly::Outdated { .. } => Vec::new(),
    };
    let report = Report::build(
        roster,
        &completions,
        &library,
        &config.schools,
        &Scope::default(),
        handbook::site::today(),
    );
    letters::sort_for_handing_out(issued, &config.schools);
    let minutes = super::course_minutes(root, config)?;
    let info = LetterInfo {
        heading: super::heading(config),
        policies: &config.policies,
        office_email: &config.office_email,
        site: base,
        report: Some(&report),
        minutes: &minutes,
    };
    let html = letters::letters_html(&info, issued);
    handbook::util::fs::write_private(path, html.as_bytes())?;
    eprintln!(
        "Wrote {} letters to {}: open it in a browser and print it (one page each, school by \
         school).",
        issued.len(),
        terminal_safe(&path.display().to_string())
    );
    Ok(())
}
