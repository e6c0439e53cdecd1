//! `handbook reviews`: the review calendar of every policy, printed and
//! as an iCalendar file that a calendar program (here icalendar's own
//! parser) reads back.

use icalendar::{Calendar, CalendarDateTime, Component as _, DatePerhapsTime};

use crate::support::Site;

/// The test site (online safety, next review 2035-01, owner Headteacher)
/// with a policy due soon and one overdue with no owner.
fn site() -> Site {
    let site = Site::new();
    site.add_policy(
        "behaviour",
        "Behaviour Policy",
        "[Teacher]",
        &[("rules", 70)],
    );
    site.write(
        "site.yaml",
        site.read("site.yaml").replace(
            "next_review: 2027-01\n    owner: Deputy Head",
            "next_review: 2026-03-01\n    owner: Deputy Head",
        ) + "  handling:\n    title: Data Handling Policy\n    version: Autumn 2024\n    \
               reviewed: 2024-09\n    next_review: 2025-09\n",
    );
    site.write(
        "content/handling/_index.md",
        "---\ntitle: Data Handling Policy\naudience: [staff]\n---\nHandle data with care.\n",
    );
    site
}

#[test]
fn lists_every_policy_with_owner_and_state() {
    let site = site();
    let run = site.run(&["reviews", "--today", "2026-01-15"]);
    run.expect(0);
    let line = |title: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(title))
            .unwrap_or_else(|| panic!("{title} in {run:?}"))
            .to_string()
    };
    let safety = line("Online Safety Policy");
    assert!(
        safety.contains("Headteacher") && safety.contains("January 2035"),
        "{safety}"
    );
    assert!(safety.contains("not due yet"), "{safety}");
    let behaviour = line("Behaviour Policy");
    assert!(
        behaviour.contains("Deputy Head") && behaviour.contains("due in 45 days"),
        "{behaviour}"
    );
    let handling = line("Data Handling Policy");
    assert!(handling.contains("not named"), "{handling}");
    assert!(
        handling.contains("September 2024") && handling.contains("overdue by 136 days"),
        "{handling}"
    );
    assert!(
        run.stdout
            .contains("1 overdue, 1 due within 60 days, of 3 policies."),
        "{run:?}"
    );
    // HANDBOOK_TODAY stands in for today.
    let pinned = site
        .command(&["reviews"])
        .env("HANDBOOK_TODAY", "2026-01-15")
        .output()
        .unwrap();
    let pinned = String::from_utf8_lossy(&pinned.stdout);
    assert!(pinned.contains("as of 15 January 2026"), "{pinned}");
    assert!(pinned.contains("due in 45 days"), "{pinned}");
    let bad = site.run(&["reviews", "--today", "15/1/2026"]);
    bad.expect(2);
}

#[test]
fn the_ics_file_has_one_all_day_event_per_next_review() {
    let site = site();
    site.run(&["reviews", "--today", "2026-01-15", "--ics", "reviews.ics"])
        .expect(0);
    let text = site.read("reviews.ics");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    let calendar: Calendar = text.parse().expect("icalendar parses the file back");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 3);
    let find = |summary: &str| {
        events
            .iter()
            .find(|e| e.get_summary() == Some(summary))
            .unwrap_or_else(|| panic!("{summary} in {text}"))
    };
    let behaviour = find("Review: Behaviour Policy");
    assert_eq!(
        behaviour.get_start(),
        Some(DatePerhapsTime::Date(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        ))
    );
    assert_eq!(
        behaviour.get_uid(),
        Some("review-test-school-behaviour-20260301@handbook")
    );
    assert!(
        behaviour.get_description().unwrap().contains("Deputy Head"),
        "{text}"
    );
    let handling = find("Review: Data Handling Policy");
    assert!(handling.get_description().unwrap().contains("not named"));
    assert!(!matches!(
        find("Review: Online Safety Policy").get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(_)))
    ));
    // The same calendar made again has the same UIDs and bytes.
    site.run(&["reviews", "--today", "2026-01-15", "--ics", "again.ics"])
        .expect(0);
    assert_eq!(site.read("again.ics"), text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(site.path("reviews.ics"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o044, 0o044, "not personal data: readable by others");
    }
}
