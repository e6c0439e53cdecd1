//! The evidence summary (`report --summary FILE`): what an inspector or
//! a trustee asks for, on as little paper as will hold it. One
//! self-contained HTML page (styles inline, no script, no request to
//! anything) that prints on A4 portrait: per school, each policy's
//! version (the latest published, by its label), when it was published,
//! the percentage complete, and the names still outstanding as a compact
//! list in columns; then a "prepared by / date / signature" block. Each
//! school after the first starts a new page; every page carries a running footer (the
//! organisation and the day it is as of) and "Page N of M".

use std::fmt::Write as _;

use super::{Report, School, Status, measured_label, measured_published};
use crate::records::Heading;
use crate::util::html::escape as esc;

/// What the summary says about itself.
#[derive(Debug, Clone)]
pub struct SummaryInfo<'a> {
    /// Whose policies they are.
    pub heading: Heading<'a>,
    /// When it was made, as shown.
    pub made: &'a str,
    /// What it covers, as shown, e.g. "every policy, every school".
    pub scope: &'a str,
}

const STYLE: &str = "
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  line-height: 1.35; margin: 0 auto; max-width: 52rem; padding: 1rem 1.5rem 2rem; }
h1 { font-size: 1.5rem; margin: .2rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .4rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
.org { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .6rem; }
caption { text-align: left; font-weight: 700; padding: .2rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .2rem .4rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: #e8e8e8; }
td.num { text-align: right; white-space: nowrap; }
ul.names { columns: 3; column-gap: 1.2rem; list-style: none; margin: .2rem 0 .6rem;
  padding: 0; font-size: .9em; }
ul.names li { break-inside: avoid; overflow-wrap: anywhere; }
.mark { color: #a4161a; font-weight: 600; }
.all { margin: .2rem 0 .6rem; }
.signoff { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 1rem; margin-top: 1rem;
  break-inside: avoid; }
.signoff div { border-bottom: 1px solid #1a1a1a; min-height: 2.6rem; }
.signoff p { margin: 0; font-weight: 600; }
footer p { font-size: .9em; }
@media print { body { max-width: none; padding: 0; font-size: 9pt; }
  section.school ~ section.school { break-before: page; } thead { display: table-header-group; }
  tr { break-inside: avoid; } h2, h3 { break-after: avoid; } }
";

/// The evidence summary of `report` as an HTML page.
pub fn render(report: &Report<'_>, info: &SummaryInfo<'_>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let footer = format!(
        "{}: evidence summary as of {}",
        info.heading.organisation, report.today
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>Evidence summary: {title}</title>\n<style>{STYLE}\
         @page {{ size: A4 portrait; margin: 14mm 14mm 16mm;\n  \
         @bottom-left {{ content: {footer}; font-size: 8pt; }}\n  \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); \
         font-size: 8pt; }} }}\n</style>\n</head>\n<body>\n\
         <header>\n<p class=\"org\">{org}</p>\n<h1>Evidence summary: {title}</h1>\n\
         <p>Staff who have read and understood each policy, as of {today}, from the staff \
         roster and the completion ledger. Covers {scope}. Each policy is measured against its \
         latest published version. Made {made}.</p>\n</header>\n<main>\n",
        lang = esc(info.heading.language),
        title = esc(info.heading.title),
        org = esc(info.heading.organisation),
        footer = css_string(&footer),
        today = report.today,
        scope = esc(info.scope),
        made = esc(info.made),
    );
    if report.schools.len() > 1 {
        trust(&mut out, report);
    }
    for (i, school) in report.schools.iter().enumerate() {
        school_section(&mut out, report, school, i);
    }
    if report.schools.is_empty() {
        out.push_str("<p>Nobody on the roster is covered by this summary.</p>\n");
    }
    out.push_str(
        "</main>\n<footer>\n<p>Made by handbook. <strong>Outstanding</strong> are the people \
         whose role must read the policy and who have not completed its current version: \
         marked <span class=\"mark\">overdue</span> once past the day it was due by, \
         <em>re-read</em> when they read a version since changed, and <em>renewal</em> when \
         their yearly re-confirmation is due. Percentages are of the people required to read \
         the policy.</p>\n</footer>\n</body>\n</html>\n",
    );
    out
}

/// The trust at a glance: per policy, its version and percent complete in
/// every school.
fn trust(out: &mut String, report: &Report<'_>) {
    out.push_str(
        "<section aria-labelledby=\"trust\">\n<h2 id=\"trust\">Across the trust</h2>\n<table>\n\
         <caption>Percent complete per policy, all schools</caption>\n<thead><tr>\
         <th scope=\"col\">Policy</th><th scope=\"col\">Version</th>\
         <th scope=\"col\">Published</th><th scope=\"col\">Complete</th></tr></thead>\n<tbody>\n",
    );
    for (policy, totals) in report.policies.iter().zip(&report.totals) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&policy.title),
            esc(&measured_label(policy)),
            published(policy),
            totals.summary(),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The day `policy`'s measured version was published, or "not yet".
fn published(policy: &crate::records::policy::Policy) -> String {
    measured_published(policy).map_or_else(|| "not yet".to_string(), |d| d.to_string())
}

fn school_section(out: &mut String, report: &Report<'_>, school: &School<'_>, i: usize) {
    let name = esc(school.display_name());
    let people = school.rows().count();
    let _ = write!(
        out,
        "<section class=\"school\" aria-labelledby=\"school-{i}\">\n\
         <h2 id=\"school-{i}\">{name}</h2>\n<p>{people} {} on the roster.</p>\n<table>\n\
         <caption>{name}: each policy's version and percent complete</caption>\n<thead><tr>\
         <th scope=\"col\">Policy</th><th scope=\"col\">Version</th>\
         <th scope=\"col\">Published</th><th scope=\"col\">Complete</th>\
         <th scope=\"col\">Outstanding</th></tr></thead>\n<tbody>\n",
        if people == 1 { "person" } else { "people" },
    );
    for (policy, totals) in report.policies.iter().zip(&school.totals) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&policy.title),
            esc(&measured_label(policy)),
            published(policy),
            totals.summary(),
            totals.outstanding(),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for (p, policy) in report.policies.iter().enumerate() {
        let totals = &school.totals[p];
        if totals.required() == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3 id=\"school-{i}-policy-{p}\">{}: {}</h3>",
            esc(&policy.title),
            match totals.outstanding() {
                0 => "nobody outstanding".to_string(),
                n => format!("{n} outstanding"),
            }
        );
        if totals.outstanding() == 0 {
            out.push_str("<p class=\"all\">Everyone required has completed it.</p>\n");
            continue;
        }
        let mut names: Vec<(String, Status)> = school
            .rows()
            .filter_map(|row| {
                let cell = &row.cells[p];
                cell.status
                    .outstanding()
                    .then(|| (row.person.name.clone(), cell.status))
            })
            .collect();
        names.sort_by_cached_key(|(name, _)| name.to_lowercase());
        let _ = writeln!(
            out,
            "<ul class=\"names\" aria-labelledby=\"school-{i}-policy-{p}\">"
        );
        for (person, status) in names {
            let mark = match status {
                Status::Overdue => " <span class=\"mark\">(overdue)</span>",
                Status::NeedsReread => " (re-read)",
                Status::RenewalDue => " (renewal)",
                _ => "",
            };
            let _ = writeln!(out, "<li>{}{mark}</li>", esc(&person));
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(
        out,
        "<div class=\"signoff\" role=\"group\" aria-label=\"{name}: sign-off\">\n\
         <div><p>Prepared by</p></div>\n<div><p>Date</p></div>\n<div><p>Signature</p></div>\n\
         </div>\n</section>\n"
    );
}

/// `text` as a CSS string literal: every character but letters, digits
/// and spaces written as a hexadecimal escape, so nothing in it can end
/// the string, the rule or the style element.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:06x}", u32::from(c));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample, today};
    use super::*;
    use crate::records::report::Scope;

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(css_string("Oak 1"), "\"Oak 1\"");
        let s = css_string("a\"; } </style><script>");
        assert!(
            !s[1..s.len() - 1].contains(['"', '<', '>', ';', '}']),
            "{s}"
        );
        assert!(s.contains("\\000022"));
    }

    #[test]
    fn summary_is_self_contained_and_names_the_outstanding() {
        let (roster, completions, library) = sample();
        let report = Report::build(
            &roster,
            &completions,
            &library,
            &[],
            &Scope::default(),
            today(),
        );
        let html = render(
            &report,
            &SummaryInfo {
                heading: Heading {
                    title: "Staff <handbook>",
                    organisation: "Trust & \"Co\"",
                    language: "en-GB",
                },
                made: "on 1 January 2026",
                scope: "every policy, every school",
            },
        );
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("://"));
        assert!(html.contains("Staff &lt;handbook&gt;"));
        assert!(html.contains("counter(page)") && html.contains("counter(pages)"));
        assert!(html.contains("size: A4 portrait"));
        assert!(html.contains("Prepared by") && html.contains("Signature"));
        assert_eq!(
            html.matches("<section class=\"school\"").count(),
            report.schools.len()
        );
        // Everyone outstanding is named; nobody complete is.
        for (_, row, _, _) in report.outstanding() {
            assert!(
                html.contains(&*esc(&row.person.name)),
                "{}",
                row.person.name
            );
        }
        assert!(!html.contains("@example.org"), "no e-mail addresses");
        assert_eq!(
            html.matches("<table>").count(),
            html.matches("<caption>").count()
        );
    }
}
