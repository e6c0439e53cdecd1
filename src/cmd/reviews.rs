//! `handbook reviews [--ics FILE] [--today DATE]`: the review calendar,
//! printed, and optionally written as an iCalendar file.

use std::path::Path;

use crate::cli::ReviewsArgs;
use handbook::config::SiteConfig;
use handbook::error::{Error, Result};
use handbook::records::reviews::{self, ReviewState};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &ReviewsArgs) -> Result<()> {
    let config = SiteConfig::load(root)?;
    let today = args.today.unwrap_or_else(handbook::site::today);
    let reviews = reviews::reviews(&config, today);
    let mut rows = vec![[
        "Policy".to_string(),
        "Owner".to_string(),
        "Last review".to_string(),
        "Next review".to_string(),
        "Status".to_string(),
    ]];
    for r in &reviews {
        rows.push([
            terminal_safe(&r.policy.title).into_owned(),
            terminal_safe(r.owner).into_owned(),
            r.last.display(),
            r.next.display(),
            r.state.describe(),
        ]);
    }
    println!("Policy reviews as of {}:\n", today.format("%-d %B %Y"));
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:w$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    let overdue = reviews
        .iter()
        .filter(|r| matches!(r.state, ReviewState::Overdue { .. }))
        .count();
    let soon = reviews
        .iter()
        .filter(|r| matches!(r.state, ReviewState::DueSoon { .. }))
        .count();
    println!(
        "\n{overdue} overdue, {soon} due within {} days, of {} polic{}.",
        reviews::DUE_SOON_DAYS,
        reviews.len(),
        if reviews.len() == 1 { "y" } else { "ies" }
    );
    if let Some(path) = &args.ics {
        let ics = reviews::to_ics(&config, &reviews, today);
        // Review dates are not personal data: an ordinary file.
        std::fs::write(path, ics)
            .map_err(|err| Error::io(format!("writing {}", path.display()), err))?;
        println!(
            "Wrote the calendar ({} event{}) to {}.",
            reviews.len(),
            if reviews.len() == 1 { "" } else { "s" },
            terminal_safe(&path.display().to_string())
        );
    }
    Ok(())
}
