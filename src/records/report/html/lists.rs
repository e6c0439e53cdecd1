//! The report page's lists: everyone overdue (first), the outstanding
//! staff with their e-mail addresses, the ledger entries listed apart, and
//! the revoked records with who revoked them, when and why.

use std::fmt::Write as _;

use super::super::{
    Cell, Report, cell_detail, format_date, format_scores, recorded_as, version_label,
};
use super::scroll_box;
use crate::records::ledger::{Completion, Method};
use crate::records::policy::Policy;
use crate::util::html::escape as esc;

/// A cell's status label and, when there is one, its detail in brackets.
fn with_detail(policy: &Policy, cell: &Cell<'_>) -> String {
    let detail = cell_detail(policy, cell);
    if detail.is_empty() {
        cell.status.label().to_string()
    } else {
        format!("{} ({})", cell.status.label(), esc(&detail))
    }
}

/// Everyone overdue, most overdue first, before anything else.
pub(super) fn overdue(out: &mut String, report: &Report<'_>) {
    let rows = report.overdue();
    let _ = write!(
        out,
        "<section aria-labelledby=\"overdue\">\n<h2 id=\"overdue\">Overdue</h2>\n\
         <p>As of {}: {} overdue.</p>\n",
        report.today,
        match rows.len() {
            0 => "nobody is".to_string(),
            1 => "one policy reading is".to_string(),
            n => format!("{n} policy readings are"),
        }
    );
    if rows.is_empty() {
        out.push_str("</section>\n");
        return;
    }
    scroll_box(out, "Overdue, most overdue first");
    out.push_str(
        "<table>\n<caption>Overdue, most overdue first</caption>\n\
         <thead><tr><th scope=\"col\">Name</th><th scope=\"col\">School</th>\
         <th scope=\"col\">Role</th><th scope=\"col\">Policy</th>\
         <th scope=\"col\">Due by</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
    );
    for (school, row, policy, cell) in &rows {
        let p = row.person;
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"overdue\">{}</td></tr>",
            esc(&p.name),
            esc(school.display_name()),
            esc(&p.role),
            esc(&policy.title),
            cell.due.map(|d| d.to_string()).unwrap_or_default(),
            with_detail(policy, cell),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

pub(super) fn outstanding(out: &mut String, report: &Report<'_>) {
    out.push_str(
        "<section aria-labelledby=\"outstanding\">\n<h2 id=\"outstanding\">Outstanding staff</h2>\n",
    );
    let rows: Vec<_> = report.outstanding().collect();
    if rows.is_empty() {
        out.push_str(
            "<p>Everyone on the roster has read every policy their role requires.</p>\n\
             </section>\n",
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p>{} polic{} still to read.</p>",
        rows.len(),
        if rows.len() == 1 { "y is" } else { "ies are" }
    );
    scroll_box(out, "Outstanding staff, for reminders");
    out.push_str(
        "<table>\n<caption>Outstanding staff, for reminders</caption>\n<thead><tr>\
         <th scope=\"col\">Name</th><th scope=\"col\">School</th><th scope=\"col\">Role</th>\
         <th scope=\"col\">Policy</th><th scope=\"col\">Status</th><th scope=\"col\">E-mail</th>\
         </tr></thead>\n<tbody>\n",
    );
    for (school, row, policy, cell) in &rows {
        let p = row.person;
        let email = if p.email.is_empty() {
            "(none on the roster)".to_string()
        } else {
            format!("<a href=\"mailto:{0}\">{0}</a>", esc(&p.email))
        };
        let status = with_detail(policy, cell);
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"{}\">{status}</td><td class=\"long\">{email}</td></tr>",
            esc(&p.name),
            esc(school.display_name()),
            esc(&p.role),
            esc(&policy.title),
            cell.status.code(),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    let mut addresses: Vec<String> = Vec::new();
    for (_, row, _, _) in &rows {
        let email = esc(&row.person.email).into_owned();
        if !email.is_empty() && !addresses.contains(&email) {
            addresses.push(email);
        }
    }
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

pub(super) fn listed_apart(
    out: &mut String,
    report: &Report<'_>,
    id: &str,
    heading: &str,
    intro: &str,
    entries: &[&Completion],
) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{heading}</h2>\n<p>{intro}</p>"
    );
    scroll_box(out, heading);
    let _ = write!(
        out,
        "<table>\n<caption>{heading}</caption>\n<thead><tr>\
         <th scope=\"col\">Id</th><th scope=\"col\">Policy</th><th scope=\"col\">Version</th>\
         <th scope=\"col\">Completed</th><th scope=\"col\">Scores</th>\
         <th scope=\"col\">Recorded</th><th scope=\"col\">Source</th></tr></thead>\n<tbody>\n"
    );
    for c in entries {
        let policy: Option<&Policy> = report.policies.iter().copied().find(|p| p.id == c.policy);
        let recorded = match (c.method, &c.note) {
            (Method::OnBehalf, Some(note)) => format!("on behalf: {}", esc(note)),
            _ => recorded_as(c).to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\" class=\"long\">{}</th><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.staff_id),
            esc(policy.map_or(
                if c.policy.is_empty() {
                    "(policy unknown)"
                } else {
                    &c.policy
                },
                |p| &p.title
            )),
            esc(&policy.map_or_else(
                || c.policy_version.clone(),
                |p| version_label(p, &c.policy_version)
            )),
            format_date(c.completed_at),
            esc(&format_scores(policy, c)),
            recorded,
            esc(&c.source),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// The revoked records: each with the person, the completion as it was
/// recorded, and who revoked it, when and why.
pub(super) fn revoked(out: &mut String, report: &Report<'_>) {
    if report.revoked.is_empty() {
        return;
    }
    out.push_str(
        "<section aria-labelledby=\"revoked\">\n<h2 id=\"revoked\">Revoked records</h2>\n\
         <p>These completions were recorded in error and revoked with <code>handbook record \
         --undo</code>. They are kept in the ledger as evidence, with who revoked them, when and \
         why, and count for nobody.</p>\n",
    );
    scroll_box(out, "Revoked records");
    out.push_str(
        "<table>\n<caption>Revoked records</caption>\n<thead><tr><th scope=\"col\">Name</th>\
         <th scope=\"col\">Id</th><th scope=\"col\">Policy</th><th scope=\"col\">Version</th>\
         <th scope=\"col\">Completed</th><th scope=\"col\">Recorded</th>\
         <th scope=\"col\">Revoked</th><th scope=\"col\">By</th><th scope=\"col\">Why</th>\
         </tr></thead>\n<tbody>\n",
    );
    for r in &report.revoked {
        let c = &r.completion;
        let policy = report.policy(&c.policy);
        let name = report
            .person(&c.staff_id)
            .map_or("(not on the roster)", |p| p.name.as_str());
        let recorded = match (c.method, &c.note) {
            (Method::OnBehalf, Some(note)) => format!("on behalf: {}", esc(note)),
            _ => recorded_as(c).to_string(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"long\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{recorded}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&c.staff_id),
            esc(policy.map_or(c.policy.as_str(), |p| p.title.as_str())),
            esc(&policy.map_or_else(
                || c.policy_version.clone(),
                |p| version_label(p, &c.policy_version)
            )),
            format_date(c.completed_at),
            format_date(r.revoked_at),
            esc(&r.revoked_by),
            esc(&r.note),
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}
