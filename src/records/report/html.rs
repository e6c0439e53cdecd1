//! The compliance report as one self-contained HTML page: no scripts, no
//! requests to anything (styles inline, charts as inline SVG), landmarks,
//! tables with captions and header scopes, and colours that pass WCAG AA
//! contrast; every chart says in text what its bars show.

use std::fmt::Write as _;

use super::{Report, Row, School, Status, Totals, format_date, format_scores, recorded_as};
use crate::records::Heading;
use crate::records::ledger::Method;
use crate::util::html::escape as esc;

/// What the page says about itself.
#[derive(Debug, Clone)]
pub struct PageInfo<'a> {
    /// Whose policy it is.
    pub heading: Heading<'a>,
    /// When the report was made, as shown.
    pub made: &'a str,
}

const STYLE: &str = "
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  line-height: 1.5; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; }
.org { margin: 0; font-weight: 600; }
table { border-collapse: collapse; margin: 1rem 0 2rem; width: 100%; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
td.num, th.num { text-align: right; }
.complete { color: #1d6b2f; font-weight: 600; }
.needs_reread { color: #8a4500; font-weight: 600; }
.not_started { color: #4a4a4a; font-weight: 600; }
a { color: #0b4f9c; }
a:focus { outline: 3px solid #0b4f9c; outline-offset: 2px; }
figure { margin: 1rem 0; }
.addresses { word-break: break-all; background: #f3f3f3; padding: .5rem; border: 1px solid #6b6b6b; }
@media print { h2 { break-before: auto; } section.school { break-inside: avoid-page; } a { color: #1a1a1a; } }
";

/// Bar colours, each with at least 4.5:1 contrast on white.
fn colour(status: Status) -> &'static str {
    match status {
        Status::Complete => "#1d6b2f",
        Status::NeedsReread => "#8a4500",
        Status::NotStarted => "#4a4a4a",
    }
}

/// The report as an HTML page.
pub fn render(report: &Report<'_>, info: &PageInfo<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let policy = report.policy;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Compliance report: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<p class=\"org\">{org}</p>\n<h1>Compliance report: {title}</h1>\n\
         <p>Current version: {version}. Made {made}.</p>\n</header>\n<main>\n",
        lang = esc(info.heading.language),
        title = esc(info.heading.title),
        org = esc(info.heading.organisation),
        version = esc(&policy.describe(&policy.current_version)),
        made = esc(info.made),
    );
    summary(&mut out, report);
    for (i, school) in report.schools.iter().enumerate() {
        school_section(&mut out, report, school, i);
    }
    outstanding(&mut out, report);
    not_on_roster(&mut out, report);
    out.push_str(
        "</main>\n<footer>\n<p>Made by handbook from the staff roster and the completion \
         ledger. <strong>Complete</strong> means the person completed the current version, or \
         an earlier one with only minor changes since. Completions marked <em>on behalf</em> \
         were recorded by the office from a paper sign-off.</p>\n</footer>\n</body>\n</html>\n",
    );
    out
}

fn totals_cells(out: &mut String, t: &Totals) {
    let _ = write!(
        out,
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}%</td>",
        t.complete,
        t.needs_reread,
        t.not_started,
        t.total(),
        t.percent_complete()
    );
}

fn summary(out: &mut String, report: &Report<'_>) {
    out.push_str(
        "<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Summary</h2>\n<table>\n\
         <caption>Staff by status, per school</caption>\n<thead><tr><th scope=\"col\">School</th>\
         <th scope=\"col\" class=\"num\">Complete</th><th scope=\"col\" class=\"num\">Needs to re-read</th>\
         <th scope=\"col\" class=\"num\">Not started</th><th scope=\"col\" class=\"num\">Total</th>\
         <th scope=\"col\" class=\"num\">Complete (%)</th></tr></thead>\n<tbody>\n",
    );
    for (i, school) in report.schools.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"#school-{i}\">{}</a></th>",
            esc(school.display_name())
        );
        totals_cells(out, &school.totals);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n<tfoot><tr><th scope=\"row\">All schools</th>");
    totals_cells(out, &report.totals);
    out.push_str("</tr></tfoot>\n</table>\n</section>\n");
}

fn school_section(out: &mut String, report: &Report<'_>, school: &School<'_>, i: usize) {
    let name = esc(school.display_name());
    let _ = writeln!(
        out,
        "<section class=\"school\" aria-labelledby=\"school-{i}\">\n<h2 id=\"school-{i}\">{name}</h2>"
    );
    chart(out, school, i);
    for (role, rows) in &school.roles {
        let role = if role.is_empty() {
            "(no role given)"
        } else {
            role
        };
        let _ = write!(
            out,
            "<table>\n<caption>{name}: {role} ({n})</caption>\n<thead><tr>\
             <th scope=\"col\">Name</th><th scope=\"col\">Id</th><th scope=\"col\">Status</th>\
             <th scope=\"col\">Version completed</th><th scope=\"col\">Completed</th>\
             <th scope=\"col\">Scores</th><th scope=\"col\">Recorded</th></tr></thead>\n<tbody>\n",
            role = esc(role),
            n = rows.len()
        );
        for row in rows {
            person_row(out, report, row);
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

fn person_row(out: &mut String, report: &Report<'_>, row: &Row<'_>) {
    let p = row.person;
    let _ = write!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"{}\">{}</td>",
        esc(&p.name),
        esc(&p.id),
        row.status.code(),
        row.status.label()
    );
    match row.completion {
        None => out.push_str("<td></td><td></td><td></td><td></td>"),
        Some(c) => {
            let recorded = match (c.method, &c.note) {
                (Method::OnBehalf, Some(note)) => format!("on behalf: {}", esc(note)),
                _ => recorded_as(c).to_string(),
            };
            let _ = write!(
                out,
                "<td>{}</td><td>{}</td><td>{}</td><td>{recorded}</td>",
                esc(&report.policy.describe(&c.policy_version)),
                format_date(c.completed_at),
                esc(&format_scores(c)),
            );
        }
    }
    out.push_str("</tr>\n");
}

/// A horizontal bar per status, each labelled in text with its count, so
/// the chart does not rely on colour.
fn chart(out: &mut String, school: &School<'_>, i: usize) {
    let t = &school.totals;
    let total = t.total().max(1);
    let bars = [
        (Status::Complete, t.complete),
        (Status::NeedsReread, t.needs_reread),
        (Status::NotStarted, t.not_started),
    ];
    let name = esc(school.display_name());
    let (label_w, bar_w, row_h) = (150, 330, 34);
    let height = row_h * bars.len() + 10;
    let _ = write!(
        out,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"640\" \
         height=\"{height}\" viewBox=\"0 0 640 {height}\" \
         aria-labelledby=\"chart-{i}-title chart-{i}-desc\">\n\
         <title id=\"chart-{i}-title\">{name}: staff by status</title>\n\
         <desc id=\"chart-{i}-desc\">{} complete, {} need to re-read, {} not started, of {}.</desc>\n",
        t.complete,
        t.needs_reread,
        t.not_started,
        t.total()
    );
    for (row, (status, count)) in bars.iter().enumerate() {
        let y = 5 + row * row_h;
        let w = if *count == 0 {
            0
        } else {
            (bar_w * count / total).max(2)
        };
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty}\" font-size=\"15\" fill=\"#1a1a1a\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"24\" fill=\"#ffffff\" \
             stroke=\"#6b6b6b\"/>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"24\" fill=\"{fill}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"15\" fill=\"#1a1a1a\">{count} of {all} \
             ({pct}%)</text>",
            ty = y + 17,
            label = status.label(),
            fill = colour(*status),
            tx = label_w + bar_w + 10,
            all = t.total(),
            pct = count * 100 / total,
        );
    }
    let _ = write!(
        out,
        "</svg>\n<figcaption>{name}: {} of {} complete ({}%).</figcaption>\n</figure>\n",
        t.complete,
        t.total(),
        t.percent_complete()
    );
}

fn outstanding(out: &mut String, report: &Report<'_>) {
    out.push_str(
        "<section aria-labelledby=\"outstanding\">\n<h2 id=\"outstanding\">Outstanding staff</h2>\n",
    );
    let rows: Vec<_> = report.outstanding().collect();
    if rows.is_empty() {
        out.push_str("<p>Everyone on the roster is complete.</p>\n</section>\n");
        return;
    }
    let _ = write!(
        out,
        "<p>{} {} still to complete the current version.</p>\n<table>\n\
         <caption>Outstanding staff, for reminders</caption>\n<thead><tr>\
         <th scope=\"col\">Name</th><th scope=\"col\">School</th><th scope=\"col\">Role</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">E-mail</th></tr></thead>\n<tbody>\n",
        rows.len(),
        if rows.len() == 1 {
            "person is"
        } else {
            "people are"
        }
    );
    for (school, row) in &rows {
        let p = row.person;
        let email = if p.email.is_empty() {
            "(none on the roster)".to_string()
        } else {
            format!("<a href=\"mailto:{0}\">{0}</a>", esc(&p.email))
        };
        let status = match (row.status, row.completion) {
            (Status::NeedsReread, Some(c)) => format!(
                "Needs to re-read (completed {} on {})",
                esc(&report.policy.describe(&c.policy_version)),
                format_date(c.completed_at)
            ),
            (status, _) => status.label().to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"{}\">{status}</td>\
             <td>{email}</td></tr>",
            esc(&p.name),
            esc(school.display_name()),
            esc(&p.role),
            row.status.code(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let addresses: Vec<String> = rows
        .iter()
        .filter(|(_, r)| !r.person.email.is_empty())
        .map(|(_, r)| esc(&r.person.email).into_owned())
        .collect();
    if !addresses.is_empty() {
        let _ = write!(
            out,
            "<h3 id=\"addresses\">All their e-mail addresses</h3>\n\
             <p>To send one reminder, copy these into the To or Bcc line of an e-mail:</p>\n\
             <p class=\"addresses\">{}</p>\n",
            addresses.join("; ")
        );
    }
    out.push_str("</section>\n");
}

fn not_on_roster(out: &mut String, report: &Report<'_>) {
    if report.not_on_roster.is_empty() {
        return;
    }
    out.push_str(
        "<section aria-labelledby=\"not-on-roster\">\n\
         <h2 id=\"not-on-roster\">Ledger entries for ids not on the roster</h2>\n\
         <p>These completions are kept in the ledger but belong to ids that are not on the \
         current roster: people who have left, or whose id was changed. If someone's id changed, \
         put the old id back on the roster or record their completion again.</p>\n<table>\n\
         <caption>Completions for ids not on the roster</caption>\n<thead><tr>\
         <th scope=\"col\">Id</th><th scope=\"col\">Version</th><th scope=\"col\">Completed</th>\
         <th scope=\"col\">Scores</th><th scope=\"col\">Recorded</th><th scope=\"col\">Source</th>\
         </tr></thead>\n<tbody>\n",
    );
    for c in &report.not_on_roster {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.staff_id),
            esc(&report.policy.describe(&c.policy_version)),
            format_date(c.completed_at),
            esc(&format_scores(c)),
            recorded_as(c),
            esc(&c.source),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn page_is_self_contained_and_labelled() {
        let (roster, completions, policy) = sample();
        let report = Report::build(&roster, &completions, &policy, &[]);
        let html = render(
            &report,
            &PageInfo {
                heading: Heading {
                    title: "Social <Media> Policy",
                    organisation: "Trust & Co",
                    language: "en-GB",
                },
                made: "on 1 January 2026",
            },
        );
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(html.contains("Social &lt;Media&gt; Policy"));
        assert!(html.contains("Trust &amp; Co"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src="));
        assert!(!html.contains("https://"));
        assert!(html.contains("<main>") && html.contains("<header>") && html.contains("<footer>"));
        assert_eq!(html.matches("<svg").count(), report.schools.len());
        assert_eq!(html.matches("<title id=").count(), report.schools.len());
        assert!(html.contains("<th scope=\"row\">GONE</th>"));
        // Cy completed by a paper sign-off: their row says so, and being
        // complete, they are not in the reminders.
        let cy = html
            .lines()
            .find(|line| line.starts_with("<tr><th scope=\"row\">Cy Cole</th>"))
            .expect("a row for Cy");
        assert!(cy.contains("<td class=\"complete\">Complete</td>"), "{cy}");
        assert!(cy.contains("<td>on behalf</td>"), "{cy}");
        assert!(!html.contains("cy@example.org"), "{html}");
        assert!(html.contains("mailto:bob@example.org"));
        assert!(!html.contains("mailto:ann@example.org"));
        assert_eq!(
            html.matches("<table>").count(),
            html.matches("<caption>").count()
        );
    }
}
