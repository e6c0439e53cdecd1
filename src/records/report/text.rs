//! The report's summary for the terminal: one line per policy with its
//! percentage complete in each school and in all of them, then what is
//! outstanding, what was revoked and what is listed apart. Versions are
//! named by their labels. Names come from site.yaml and
//! the roster, so they are escaped as they are shown.

use std::fmt::Write as _;

use super::{Report, Totals, cell_detail, format_date, measured_label, recorded_as, version_label};
use crate::records::ledger::Method;
use crate::util::text::terminal_safe;

impl Report<'_> {
    /// The plain-text summary for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let people: usize = self.schools.iter().map(|s| s.rows().count()).sum();
        let _ = writeln!(
            out,
            "Compliance report: {} polic{}, {} school{}, {people} {} on the roster.",
            self.policies.len(),
            if self.policies.len() == 1 { "y" } else { "ies" },
            self.schools.len(),
            if self.schools.len() == 1 { "" } else { "s" },
            if people == 1 { "person" } else { "people" },
        );
        self.overdue_lines(&mut out);
        let mut table: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["Policy".to_string(), "Version".to_string()];
        header.extend(
            self.schools
                .iter()
                .map(|s| terminal_safe(s.display_name()).into_owned()),
        );
        header.push("All schools".to_string());
        table.push(header);
        for (i, policy) in self.policies.iter().enumerate() {
            let mut line = vec![
                terminal_safe(&policy.title).into_owned(),
                terminal_safe(&measured_label(policy)).into_owned(),
            ];
            line.extend(self.schools.iter().map(|s| counts(&s.totals[i])));
            line.push(counts(&self.totals[i]));
            table.push(line);
        }
        out.push('\n');
        write_table(&mut out, &table);
        self.closing_lines(&mut out);
        self.revoked_lines(&mut out);
        out
    }

    /// The revoked records, one line each: whose, what, and who revoked
    /// it, when and why.
    fn revoked_lines(&self, out: &mut String) {
        if self.revoked.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nRevoked records ({}; kept in the ledger, counted for nobody):",
            self.revoked.len()
        );
        for r in &self.revoked {
            let c = &r.completion;
            let policy = self.policy(&c.policy);
            let name = self
                .person(&c.staff_id)
                .map_or("not on the roster", |p| p.name.as_str());
            let _ = writeln!(
                out,
                "  {} ({}): {}, {} of {} ({}); revoked {} by {}: {}",
                terminal_safe(name),
                terminal_safe(&c.staff_id),
                terminal_safe(policy.map_or(c.policy.as_str(), |p| p.title.as_str())),
                terminal_safe(&policy.map_or_else(
                    || c.policy_version.clone(),
                    |p| version_label(p, &c.policy_version)
                )),
                format_date(c.completed_at),
                recorded_as(c),
                format_date(r.revoked_at),
                terminal_safe(&r.revoked_by),
                terminal_safe(&r.note),
            );
        }
    }

    /// Everyone overdue, most overdue first: the first thing the office
    /// reads.
    fn overdue_lines(&self, out: &mut String) {
        let overdue = self.overdue();
        if overdue.is_empty() {
            let _ = writeln!(out, "Nobody is overdue as of {}.", self.today);
            return;
        }
        let _ = writeln!(out, "Overdue as of {}:", self.today);
        for (school, row, policy, cell) in overdue {
            let p = row.person;
            let _ = writeln!(
                out,
                "  {} ({}, {}, {}): {} ({})",
                terminal_safe(&p.name),
                terminal_safe(&p.id),
                terminal_safe(school.display_name()),
                terminal_safe(if p.role.is_empty() {
                    "no role"
                } else {
                    &p.role
                }),
                terminal_safe(&policy.title),
                terminal_safe(&cell_detail(policy, cell)),
            );
        }
    }

    /// What is outstanding, recorded by hand, and listed apart.
    fn closing_lines(&self, out: &mut String) {
        let outstanding: Totals = self.totals.iter().fold(Totals::default(), |mut a, t| {
            a.merge(t);
            a
        });
        let pairs = outstanding.outstanding();
        if pairs == 0 {
            let _ = writeln!(
                out,
                "\nEveryone on the roster has read every policy their role requires."
            );
        } else {
            let people = self
                .schools
                .iter()
                .flat_map(|s| s.rows())
                .filter(|r| r.cells.iter().any(|c| c.status.outstanding()))
                .count();
            let _ = writeln!(
                out,
                "\n{people} {} still to complete: {} overdue, {} due, {} to re-read, \
                 {} for renewal (the HTML and CSV reports list them with e-mail addresses).",
                if people == 1 { "person" } else { "people" },
                count(outstanding.overdue),
                count(outstanding.due),
                count(outstanding.needs_reread),
                count(outstanding.renewal_due),
            );
        }
        let on_behalf = self
            .schools
            .iter()
            .flat_map(|s| s.rows())
            .flat_map(|r| r.cells.iter())
            .filter(|c| c.completion.is_some_and(|c| c.method == Method::OnBehalf))
            .count();
        if on_behalf > 0 {
            let _ = writeln!(
                out,
                "{on_behalf} completion(s) shown were recorded on the person's behalf."
            );
        }
        let apart = [
            (
                self.not_on_roster.len(),
                "is for ids no longer on the roster",
                "are for ids no longer on the roster",
            ),
            (
                self.policy_unknown.len(),
                "has no known policy (policy unknown)",
                "have no known policy (policy unknown)",
            ),
        ];
        for (n, one, many) in apart {
            if n > 0 {
                let _ = writeln!(
                    out,
                    "{n} ledger entr{} (listed apart in the HTML and CSV reports).",
                    if n == 1 {
                        format!("y {one}")
                    } else {
                        format!("ies {many}")
                    }
                );
            }
        }
    }
}

/// A column of the summary: the percentage complete, then how many are
/// due and overdue.
fn counts(t: &Totals) -> String {
    if t.required() == 0 {
        return t.summary();
    }
    format!(
        "{}, {} due, {} overdue",
        t.summary(),
        t.due + t.needs_reread + t.renewal_due,
        t.overdue
    )
}

/// `n` policy readings, as people read it.
fn count(n: usize) -> String {
    format!("{n} polic{}", if n == 1 { "y" } else { "ies" })
}

/// Writes `rows` as columns padded to their widest cell, the first row
/// as the header.
fn write_table(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
}
