//! The report's statuses, groups, totals, scope and CSV.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::records::policy::KnownVersion;
use crate::records::token::Scores;

fn completion(id: &str, policy: &str, version: &str, at: i64, method: Method) -> Completion {
    Completion {
        staff_id: id.to_string(),
        policy: policy.to_string(),
        policy_version: version.to_string(),
        completed_at: at,
        scores: Scores(vec![("scope".into(), 100)]),
        imported_at: at + 10,
        source: "x:1".to_string(),
        method,
        note: None,
        row: 0,
    }
}

fn policy(id: &str, title: &str, required_for: &[&str], versions: &[(&str, bool)]) -> Policy {
    Policy {
        id: id.to_string(),
        title: title.to_string(),
        label: String::new(),
        required_for: required_for.iter().map(|r| r.to_string()).collect(),
        due_days: 30,
        renew_months: None,
        known_versions: versions
            .iter()
            .map(|(v, minor)| KnownVersion {
                id: v.to_string(),
                label: format!("Version {v}"),
                published: None,
                minor: *minor,
            })
            .collect(),
        current_version: versions.last().map(|v| v.0).unwrap_or("x").to_string(),
        modules: BTreeMap::new(),
        archived_modules: BTreeMap::new(),
    }
}

/// The day the sample is reported as of.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 10).unwrap()
}

/// Five people in two schools and one without; social media for all
/// (versions old → minor → cur, cur a minor change), behaviour for
/// teachers only.
pub(crate) fn sample() -> (Roster, Vec<Completion>, Library) {
    let roster = Roster::parse(
        b"id,name,email,school,role\n\
          T1,Ann Able,ann@example.org,Hill,Teacher\n\
          T2,Bob Bell,bob@example.org,Hill,Teacher\n\
          T3,Cy Cole,cy@example.org,Dale,Volunteer\n\
          T4,Di Dunn,,Hill,Office\n\
          T5,Ed Eve,,,\n",
        Path::new("roster.csv"),
    )
    .unwrap();
    let day = 86_400;
    let completions = vec![
        completion("T1", "sm", "old", day, Method::Token),
        completion("T1", "sm", "cur", 3 * day, Method::Token),
        completion("t2", "sm", "old", 2 * day, Method::Token),
        completion("T3", "sm", "minor", 2 * day, Method::OnBehalf),
        completion("T1", "bh", "b1", 2 * day, Method::Token),
        completion("GONE", "sm", "cur", 4 * day, Method::Token),
        completion("T4", "", "cur", 4 * day, Method::Token),
    ];
    let library = Library {
        site_id: "s".to_string(),
        policies: vec![
            policy(
                "sm",
                "Social Media Policy",
                &["all"],
                &[("old", false), ("minor", false), ("cur", true)],
            ),
            policy("bh", "Behaviour Policy", &["teacher"], &[("b1", false)]),
        ],
    };
    (roster, completions, library)
}

#[test]
fn statuses_groups_and_totals_per_policy() {
    let (roster, completions, library) = sample();
    let report = Report::build(
        &roster,
        &completions,
        &library,
        &["Hill".to_string()],
        &Scope::default(),
        today(),
    );
    let names: Vec<&str> = report.schools.iter().map(|s| s.display_name()).collect();
    assert_eq!(names, ["Hill", "Dale", "(no school given)"]);
    let hill = &report.schools[0];
    let roles: Vec<&str> = hill.roles.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["Office", "Teacher"]);
    let teachers = &hill.roles[1].1;
    let ann = &teachers[0].cells;
    assert_eq!(ann[0].status, Status::Complete);
    assert_eq!(ann[0].completion.unwrap().policy_version, "cur");
    assert_eq!(ann[1].status, Status::Complete);
    assert_eq!(teachers[1].cells[0].status, Status::NeedsReread);
    assert_eq!(teachers[1].cells[1].status, Status::Due);
    let di = &hill.roles[0].1[0].cells;
    // Di's only entry has no policy: it is listed apart, not counted.
    assert_eq!(di[0].status, Status::Due);
    assert_eq!(di[1].status, Status::NotRequired);
    let cy = &report.schools[1].roles[0].1[0].cells;
    assert_eq!(cy[0].status, Status::Complete);
    assert_eq!(cy[1].status, Status::NotRequired);
    assert_eq!(
        report.totals[0],
        Totals {
            complete: 2,
            needs_reread: 1,
            renewal_due: 0,
            due: 2,
            overdue: 0,
            not_required: 0
        }
    );
    assert_eq!(
        report.totals[1],
        Totals {
            complete: 1,
            needs_reread: 0,
            renewal_due: 0,
            due: 1,
            overdue: 0,
            not_required: 3
        }
    );
    assert_eq!(hill.totals[0].percent_complete(), 33);
    assert_eq!(hill.totals[1].summary(), "50% (1 of 2)");
    assert_eq!(report.not_on_roster.len(), 1);
    assert_eq!(report.policy_unknown.len(), 1);
    assert_eq!(report.outstanding_count(), 4);
    let text = report.to_text();
    assert!(text.contains("All schools"), "{text}");
    assert!(
        text.contains(
            "3 people still to complete: 0 policies overdue, 3 policies due, 1 policy to re-read"
        ),
        "{text}"
    );
    assert!(
        text.contains("1 ledger entry is for ids no longer"),
        "{text}"
    );
    assert!(text.contains("policy unknown"), "{text}");
    assert!(text.contains("Behaviour Policy"), "{text}");
}

#[test]
fn csv_has_a_row_per_person_and_required_policy() {
    let (roster, completions, library) = sample();
    let report = Report::build(
        &roster,
        &completions,
        &library,
        &[],
        &Scope::default(),
        today(),
    );
    let csv = String::from_utf8(report.to_csv().unwrap()).unwrap();
    assert!(
        csv.starts_with("\u{feff}school,role,id,name,email,policy,"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "Dale,Volunteer,T3,Cy Cole,cy@example.org,sm,Social Media Policy,complete,,\
             1970-01-03,Version minor,scope 100%,on behalf,"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(",GONE,,,sm,Social Media Policy,not_on_roster,"),
        "{csv}"
    );
    assert!(csv.contains(",T4,,,,,policy_unknown,"), "{csv}");
    assert!(!csv.contains("not_required"), "{csv}");
    // Nothing is published in the sample, so the due dates run from the
    // report's day.
    assert!(
        csv.contains("Bob Bell,bob@example.org,bh,Behaviour Policy,due,1970-02-09,,"),
        "{csv}"
    );
    // Five people for social media, two teachers for behaviour, and the
    // two entries listed apart.
    assert_eq!(csv.lines().count(), 1 + 5 + 2 + 2);
}

#[test]
fn scope_limits_to_one_policy_and_one_school() {
    let (roster, completions, library) = sample();
    let scope = Scope {
        policy: Some("bh"),
        school: Some("hill"),
    };
    let report = Report::build(&roster, &completions, &library, &[], &scope, today());
    assert_eq!(report.policies.len(), 1);
    assert_eq!(report.schools.len(), 1);
    assert_eq!(report.schools[0].name, "Hill");
    assert_eq!(report.totals[0].required(), 2);
    // The entry for GONE is of social media: out of scope. The entry of
    // unknown policy is always listed.
    assert!(report.not_on_roster.is_empty());
    assert_eq!(report.policy_unknown.len(), 1);
    let csv = String::from_utf8(report.to_csv().unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 + 1, "{csv}");
    assert_eq!(
        Report::schools_of(&roster, &["Dale".to_string(), "Moor".to_string()]),
        ["Dale", "Moor", "Hill"]
    );
}

#[test]
fn no_csv_cell_is_run_as_a_formula() {
    let roster = Roster::parse(
        "id,name,email,school,role\n\
         T1,=HYPERLINK(\"http://x\"),@evil,+Hill,-Teacher\n\
         \"\tT2\",Ann\n"
            .as_bytes(),
        Path::new("roster.csv"),
    )
    .unwrap();
    let mut c = completion("T1", "sm", "cur", 86_400, Method::OnBehalf);
    c.note = Some("=1+1".to_string());
    c.scores = Scores(vec![("-x".into(), 100)]);
    let mut gone = completion("@GONE", "sm", "cur", 86_400, Method::Token);
    gone.source = "=cmd|' /C calc'!A0".to_string();
    let completions = vec![c, gone];
    let (_, _, library) = sample();
    let report = Report::build(
        &roster,
        &completions,
        &library,
        &[],
        &Scope::default(),
        today(),
    );
    let bytes = report.to_csv().unwrap();
    let mut reader = ::csv::Reader::from_reader(&bytes[3..]);
    let mut cells = Vec::new();
    for record in reader.records() {
        cells.extend(record.unwrap().iter().map(str::to_string));
    }
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} in {cells:?}"
        );
    }
    for expected in [
        "'=HYPERLINK(\"http://x\")",
        "'@evil",
        "'+Hill",
        "'-Teacher",
        "'=1+1",
        "'-x 100%",
        "'@GONE",
    ] {
        assert!(
            cells.iter().any(|c| c == expected),
            "{expected} in {cells:?}"
        );
    }
}

#[test]
fn scores_say_all_passed_or_name_the_failing_modules() {
    let mut p = policy("p", "P", &["all"], &[("v1", false), ("v2", false)]);
    p.modules = (1..=9).map(|i| (format!("m{i}"), 70)).collect();
    let mut c = completion("T1", "p", "v2", 0, Method::Token);
    c.scores = Scores((1..=9).map(|i| (format!("m{i}"), 70 + i)).collect());
    assert_eq!(format_scores(Some(&p), &c), "all 9 modules passed");
    c.scores.0[2].1 = 40;
    c.scores.0.pop();
    assert_eq!(
        format_scores(Some(&p), &c),
        "failed: m3 40% (pass mark 70%); m9 (not taken)"
    );
    // Its own version's course is not kept: the scores as they are.
    c.policy_version = "v1".to_string();
    assert!(format_scores(Some(&p), &c).starts_with("m1 71%; m2 72%"));
    // A paper sign-off has none.
    c.scores = Scores(Vec::new());
    assert_eq!(format_scores(Some(&p), &c), "");
}

#[test]
fn versions_are_named_by_their_labels_never_their_ids() {
    let mut p = policy("p", "P", &["all"], &[("aaaa", false)]);
    assert_eq!(version_label(&p, "aaaa"), "Version aaaa");
    p.known_versions[0].label = String::new();
    p.known_versions[0].published = NaiveDate::from_ymd_opt(2025, 9, 1);
    assert_eq!(
        version_label(&p, "aaaa"),
        "the version published 2025-09-01"
    );
    // Edited since: the draft is not what the report measures against.
    p.current_version = "bbbb".to_string();
    p.label = "Spring 2026".to_string();
    assert_eq!(version_label(&p, "bbbb"), "Spring 2026 (not yet published)");
    assert_eq!(measured_label(&p), "the version published 2025-09-01");
    assert_eq!(version_label(&p, "cccc"), "a version never published");
}
