//! The compliance report as one self-contained HTML page: no scripts, no
//! requests to anything (styles inline, charts as inline SVG), landmarks,
//! tables with captions and header scopes, and colours that pass WCAG AA
//! contrast; every chart says in text what its bars show. Each school
//! has one table of everyone on its roster, with a role column. Printed,
//! it is A4 landscape with page numbers, each school starting a new page,
//! and long cells wrap rather than run off the page's right edge.

use std::fmt::Write as _;

use super::{Report, School, Totals, cell_detail, measured_label};
use crate::records::Heading;
use crate::util::html::escape as esc;

mod lists;

/// What the page says about itself.
#[derive(Debug, Clone)]
pub struct PageInfo<'a> {
    /// Whose policies they are.
    pub heading: Heading<'a>,
    /// When the report was made, as shown.
    pub made: &'a str,
    /// What it covers, as shown, e.g. "all policies, all schools".
    pub scope: &'a str,
}

const STYLE: &str = "
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  line-height: 1.5; margin: 0 auto; max-width: 80rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; }
.org { margin: 0; font-weight: 600; }
.wide { max-width: 100%; overflow-x: auto; }
.wide:focus { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.wide > table { margin-bottom: 1rem; }
td.long, th.long, .org, h1, h2, caption { overflow-wrap: anywhere; }
main, section, figure, figcaption { min-width: 0; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 1rem 0 2rem; width: 100%; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
td.num, th.num { text-align: right; }
.complete { color: #1d6b2f; font-weight: 600; }
.needs_reread { color: #8a4500; font-weight: 600; }
.renewal_due { color: #8a4500; font-weight: 600; }
.due { color: #4a4a4a; font-weight: 600; }
.overdue { color: #a4161a; font-weight: 700; }
.not_required { color: #4a4a4a; }
.detail { display: block; font-weight: 400; font-size: .85em; color: #1a1a1a; }
a { color: #0b4f9c; }
a:focus { outline: 3px solid #0b4f9c; outline-offset: 2px; }
figure { margin: 1rem 0; }
.addresses { word-break: break-all; background: #f3f3f3; padding: .5rem; border: 1px solid #6b6b6b; }
@media (max-width: 40rem) { body { padding: .75rem .75rem 2rem; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } }
@page { size: A4 landscape; margin: 12mm;
  @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); } }
@media print { body { max-width: none; padding: 0; font-size: 8.5pt; }
  section.school { break-before: page; } thead { display: table-header-group; }
  tr { break-inside: avoid; } .wide { overflow: visible; } a { color: #1a1a1a; }
  table { width: 100%; max-width: 100%; } th, td { overflow-wrap: anywhere; padding: .15rem .3rem; }
  figure { break-inside: avoid; } }
";

/// Bar colours, each with at least 4.5:1 contrast on white.
const BAR: &str = "#1d6b2f";

/// Opens the scrolling box of a wide table: it may scroll sideways on a
/// small screen while the page does not; focusable so the keyboard can
/// scroll it, and named (`label`, already escaped) for screen readers.
fn scroll_box(out: &mut String, label: &str) {
    let _ = writeln!(
        out,
        "<div class=\"wide\" role=\"region\" aria-label=\"{label}\" tabindex=\"0\">"
    );
}

/// The report as an HTML page.
pub fn render(report: &Report<'_>, info: &PageInfo<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>Compliance report: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<p class=\"org\">{org}</p>\n<h1>Compliance report: {title}</h1>\n\
         <p>Covers {scope}. Made {made}.</p>\n</header>\n<main>\n",
        lang = esc(info.heading.language),
        title = esc(info.heading.title),
        org = esc(info.heading.organisation),
        scope = esc(info.scope),
        made = esc(info.made),
    );
    lists::overdue(&mut out, report);
    trust_summary(&mut out, report);
    for (i, school) in report.schools.iter().enumerate() {
        school_section(&mut out, report, school, i);
    }
    lists::outstanding(&mut out, report);
    lists::revoked(&mut out, report);
    lists::listed_apart(
        &mut out,
        report,
        "not-on-roster",
        "Ledger entries for ids not on the roster",
        "These completions are kept in the ledger but belong to ids that are not on the current \
         roster: people who have left, or whose id was changed. If someone's id changed, put the \
         old id back on the roster or record their completion again.",
        &report.not_on_roster,
    );
    lists::listed_apart(
        &mut out,
        report,
        "policy-unknown",
        "Ledger entries whose policy is unknown",
        "These completions are kept in the ledger but it cannot be told which policy they are \
         for (policy unknown): rows from before the ledger recorded policies, on a site of \
         several policies, or of a policy no longer in site.yaml. Record the completion again \
         with its policy if it still counts.",
        &report.policy_unknown,
    );
    out.push_str(
        "</main>\n<footer>\n<p>Made by handbook from the staff roster and the completion \
         ledger. <strong>Complete</strong> means the person completed the policy's current \
         version, or an earlier one with only minor changes since; <strong>Due</strong> and \
         <strong>Overdue</strong> give the day it is or was due by, worked out from when the \
         policy was published, when the person started and, for a policy re-confirmed \
         yearly, their last completion; percentages are of the people whose role must read \
         the policy. Completions marked <em>on behalf</em> were \
         recorded by the office from a paper sign-off.</p>\n</footer>\n</body>\n</html>\n",
    );
    out
}

/// Policy × school: percent complete of those required.
fn trust_summary(out: &mut String, report: &Report<'_>) {
    out.push_str("<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Trust summary</h2>\n");
    let caption = "Percent complete of those required, per policy and school";
    scroll_box(out, caption);
    let _ = write!(
        out,
        "<table>\n<caption>{caption}</caption>\n<thead><tr><th scope=\"col\">Policy</th>\
         <th scope=\"col\">Current version</th>",
    );
    for (i, school) in report.schools.iter().enumerate() {
        let _ = write!(
            out,
            "<th scope=\"col\"><a href=\"#school-{i}\">{}</a></th>",
            esc(school.display_name())
        );
    }
    out.push_str("<th scope=\"col\">All schools</th></tr></thead>\n<tbody>\n");
    for (p, policy) in report.policies.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            esc(&policy.title),
            esc(&measured_label(policy))
        );
        for school in &report.schools {
            let _ = write!(out, "<td class=\"num\">{}</td>", school.totals[p].summary());
        }
        let _ = writeln!(
            out,
            "<td class=\"num\">{}</td></tr>",
            report.totals[p].summary()
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn totals_cells(out: &mut String, t: &Totals) {
    let _ = write!(
        out,
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}%</td>",
        t.complete,
        t.needs_reread,
        t.renewal_due,
        t.due,
        t.overdue,
        t.required(),
        t.not_required,
        t.percent_complete()
    );
}

fn school_section(out: &mut String, report: &Report<'_>, school: &School<'_>, i: usize) {
    let name = esc(school.display_name());
    let _ = writeln!(
        out,
        "<section class=\"school\" aria-labelledby=\"school-{i}\">\n<h2 id=\"school-{i}\">{name}</h2>"
    );
    chart(out, report, school, i);
    scroll_box(out, &format!("{name}: totals per policy"));
    let _ = write!(
        out,
        "<table>\n<caption>{name}: totals per policy</caption>\n<thead><tr>\
         <th scope=\"col\">Policy</th><th scope=\"col\" class=\"num\">Complete</th>\
         <th scope=\"col\" class=\"num\">Needs to re-read</th>\
         <th scope=\"col\" class=\"num\">Renewal due</th><th scope=\"col\" class=\"num\">Due</th>\
         <th scope=\"col\" class=\"num\">Overdue</th><th scope=\"col\" class=\"num\">Required</th>\
         <th scope=\"col\" class=\"num\">Not required</th>\
         <th scope=\"col\" class=\"num\">Complete (%)</th></tr></thead>\n<tbody>\n"
    );
    for (policy, totals) in report.policies.iter().zip(&school.totals) {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(&policy.title));
        totals_cells(out, totals);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    let people = school.rows().count();
    let caption = format!("{name}: everyone on the roster ({people}), by role");
    scroll_box(out, &caption);
    let _ = write!(
        out,
        "<table class=\"matrix\">\n<caption>{caption}</caption>\n<thead><tr><th scope=\"col\">Name</th>\
         <th scope=\"col\">Role</th><th scope=\"col\">Id</th>"
    );
    for policy in &report.policies {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&policy.title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (role, rows) in &school.roles {
        let role = if role.is_empty() {
            "(no role given)"
        } else {
            role
        };
        for row in rows {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"long\">{}</td>",
                esc(&row.person.name),
                esc(role),
                esc(&row.person.id)
            );
            for (policy, cell) in report.policies.iter().zip(&row.cells) {
                let detail = cell_detail(policy, cell);
                let detail = if detail.is_empty() {
                    String::new()
                } else {
                    format!("<span class=\"detail\">{}</span>", esc(&detail))
                };
                let _ = write!(
                    out,
                    "<td class=\"{}\">{}{detail}</td>",
                    cell.status.code(),
                    cell.status.label()
                );
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// A horizontal bar per policy: the share of those required who are
/// complete, each labelled in text with its counts, so the chart does not
/// rely on colour.
fn chart(out: &mut String, report: &Report<'_>, school: &School<'_>, i: usize) {
    let name = esc(school.display_name());
    let (label_w, bar_w, row_h) = (220, 300, 30);
    let height = row_h * report.policies.len().max(1) + 10;
    let desc: Vec<String> = report
        .policies
        .iter()
        .zip(&school.totals)
        .map(|(p, t)| format!("{}: {}", p.title, t.summary()))
        .collect();
    let _ = write!(
        out,
        "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"640\" \
         height=\"{height}\" viewBox=\"0 0 640 {height}\" \
         aria-labelledby=\"chart-{i}-title chart-{i}-desc\">\n\
         <title id=\"chart-{i}-title\">{name}: percent complete per policy</title>\n\
         <desc id=\"chart-{i}-desc\">{}.</desc>\n",
        esc(&desc.join("; "))
    );
    for (row, (policy, t)) in report.policies.iter().zip(&school.totals).enumerate() {
        let y = 5 + row * row_h;
        let w = if t.complete == 0 {
            0
        } else {
            (bar_w * t.percent_complete() / 100).max(2)
        };
        let label: String = policy.title.chars().take(28).collect();
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty}\" font-size=\"14\" fill=\"#1a1a1a\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"20\" fill=\"#ffffff\" \
             stroke=\"#6b6b6b\"/>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"20\" fill=\"{BAR}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"14\" fill=\"#1a1a1a\">{summary}</text>",
            ty = y + 15,
            label = esc(&label),
            tx = label_w + bar_w + 10,
            summary = t.summary(),
        );
    }
    let complete: usize = school.totals.iter().map(|t| t.complete).sum();
    let required: usize = school.totals.iter().map(Totals::required).sum();
    let _ = write!(
        out,
        "</svg>\n<figcaption>{name}: {complete} of {required} required policy readings \
         complete.</figcaption>\n</figure>\n"
    );
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;
    use crate::records::report::Scope;

    #[test]
    fn page_is_self_contained_and_labelled() {
        let (roster, completions, library) = sample();
        let report = Report::build(
            &roster,
            &completions,
            &library,
            &[],
            &Scope::default(),
            super::super::tests::today(),
        );
        let html = render(
            &report,
            &PageInfo {
                heading: Heading {
                    title: "Staff <handbook>",
                    organisation: "Trust & Co",
                    language: "en-GB",
                },
                made: "on 1 January 2026",
                scope: "all policies, all schools",
            },
        );
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(html.contains("Staff &lt;handbook&gt;"));
        assert!(html.contains("Trust &amp; Co"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src="));
        assert!(!html.contains("https://"));
        assert!(html.contains("<main>") && html.contains("<header>") && html.contains("<footer>"));
        assert_eq!(html.matches("<svg").count(), report.schools.len());
        assert_eq!(html.matches("<title id=").count(), report.schools.len());
        assert!(html.contains("<th scope=\"row\" class=\"long\">GONE</th>"));
        assert!(html.contains("(policy unknown)"), "{html}");
        // Cy completed social media by a paper sign-off: the cell says so;
        // being a volunteer, Cy need not read the behaviour policy.
        let cy = html
            .lines()
            .find(|line| line.starts_with("<tr><th scope=\"row\">Cy Cole</th>"))
            .expect("a row for Cy");
        assert!(
            cy.contains("<td class=\"complete\">Complete<span class=\"detail\">1970-01-03, on behalf</span></td>"),
            "{cy}"
        );
        assert!(
            cy.contains("<td class=\"not_required\">Not required</td>"),
            "{cy}"
        );
        assert!(!html.contains("cy@example.org"), "{html}");
        assert!(html.contains("mailto:bob@example.org"));
        assert_eq!(
            html.matches("<table").count(),
            html.matches("<caption>").count()
        );
        // One table per school, with a role column, not one per role.
        assert_eq!(
            html.matches("<table class=\"matrix\">").count(),
            report.schools.len()
        );
        assert!(html.contains("<th scope=\"col\">Role</th>"));
        assert!(html.contains("break-before: page"));
        assert!(html.contains("counter(page)"));
        assert!(!html.contains("<th>"), "every header cell has a scope");
        // Every table scrolls sideways in its own box, named and focusable,
        // so a small screen never scrolls the page itself.
        assert_eq!(
            html.matches("<div class=\"wide\" role=\"region\" aria-label=\"")
                .count(),
            html.matches("<table").count()
        );
        assert_eq!(
            html.matches("tabindex=\"0\">\n<table").count(),
            html.matches("<table").count()
        );
        assert!(html.contains("@media (max-width: 40rem)"));
    }
}
