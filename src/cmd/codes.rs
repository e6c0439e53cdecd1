//! `handbook codes ROSTER.csv [--out FILE] [--letters FILE]`: each person's
//! personal code and link as CSV, and optionally a printable letter each
//! (made by `records::letters`); this writes them and says where.

use std::path::Path;

use crate::cli::CodesArgs;
use handbook::config::SiteConfig;
use handbook::error::{Error, Result};
use handbook::records::letters::{self, LetterInfo};
use handbook::records::private::{self, PRIVATE_DIR, ROSTER_FILE};

pub(crate) fn run(root: &Path, args: &CodesArgs) -> Result<()> {
    let config = SiteConfig::load(root)?;
    // The master key lives in .handbook/: narrow it to its owner if it was
    // made (or copied back from a backup) with wider permissions.
    if root.join(PRIVATE_DIR).is_dir() {
        private::ensure_private_dir(root)?;
    }
    let master = super::master_key(root)?;
    let roster = super::read_roster(
        &args.roster,
        &args.roster,
        &config.roster,
        "and give that name: `handbook codes .handbook/roster.csv`",
    )?;
    super::warn_unknown_schools(&config, &roster);
    let base = config.base_url();
    if base.is_none() {
        eprintln!(
            "note: site.yaml has no base_url, so each link is only the part after the site's \
             address (#id=…&code=…). Set base_url to the address the site is published at \
             to get links people can click."
        );
    }
    let issued = letters::issue(&master, &roster, base.as_deref());
    let csv = letters::codes_csv(&issued)?;
    match &args.out {
        Some(out) => {
            handbook::util::fs::write_private(out, &csv)?;
            eprintln!(
                "Wrote {} codes to {}. It holds everyone's personal code: keep it private.",
                issued.len(),
                out.display()
            );
        }
        None => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(&csv)
                .map_err(|err| Error::io("writing to standard output", err))?;
        }
    }
    if let Some(path) = &args.letters {
        let info = LetterInfo {
            heading: super::heading(&config),
            policies: &config.policies,
            office_email: &config.office_email,
            site: base.as_deref(),
        };
        let html = letters::letters_html(&info, &issued);
        handbook::util::fs::write_private(path, html.as_bytes())?;
        eprintln!(
            "Wrote {} letters to {}: open it in a browser and print it (one page each).",
            issued.len(),
            path.display()
        );
    }
    if args.roster != Path::new(ROSTER_FILE) && args.roster != root.join(ROSTER_FILE) {
        eprintln!(
            "Tip: keep this roster as {ROSTER_FILE}: `handbook import` and `handbook report` \
             read it from there."
        );
    }
    Ok(())
}
