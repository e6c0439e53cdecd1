//! Who must read what, by when (SPEC §8), through the `handbook` binary:
//! twelve people in two schools, with roles and start dates, against three
//! policies (online safety for everyone, with two major versions and a
//! minor one; behaviour for teachers; KCSIE for everyone, re-confirmed every
//! 12 months), completions recorded with `handbook record`, and the report
//! as of a fixed day in CSV, text and HTML.

use std::collections::BTreeMap;

use crate::support::{POLICY, Site};

/// The day the report is as of.
pub(crate) const TODAY: &str = "2026-02-10";

pub(crate) const ROSTER: &str = "id,name,email,school,role,start\n\
    T01,Ann Able,ann@test.example,Hill School,Teacher,2020-09-01\n\
    T02,Bob Bell,bob@test.example,Hill School,Teacher,2019-01-01\n\
    T03,Cy Cole,cy@test.example,Hill School,Teaching assistant,2024-01-08\n\
    T04,Di Dunn,di@test.example,Hill School,Volunteer,2026-02-03\n\
    T05,Ed Eve,ed@test.example,Hill School,Teacher,2026-03-01\n\
    T06,Fay Fox,fay@test.example,Hill School,Teacher,2025-09-02\n\
    T07,Gus Gray,gus@test.example,Dale School,Teacher,2018-09-01\n\
    T08,Hal Hart,hal@test.example,Dale School,Teacher,2017-01-01\n\
    T09,Ivy Ince,ivy@test.example,Dale School,Teaching assistant,2022-05-01\n\
    T10,Jo Jones,,Dale School,Volunteer,\n\
    T11,Kai King,kai@test.example,Dale School,Volunteer,2021-01-01\n\
    T12,Lee Lamb,lee@test.example,Dale School,Teacher,2026-01-11\n";

/// Runs `handbook` on `site` as if it were `day`.
fn on_day(site: &Site, day: &str, args: &[&str]) {
    let output = site
        .command(args)
        .env("HANDBOOK_TODAY", day)
        .output()
        .expect("run handbook");
    assert!(
        output.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn version(site: &Site, policy: &str) -> String {
    handbook::versions::policy_version_id(site.root(), policy).unwrap()
}

fn record(site: &Site, id: &str, policy: &str, version: &str, date: &str) {
    site.run(&[
        "record",
        id,
        "--policy",
        policy,
        "--version",
        version,
        "--date",
        date,
        "--note",
        "paper",
    ])
    .expect(0);
}

/// The fixture: the site, its versions published over two years, and
/// everyone's completions.
pub(crate) fn fixture() -> Site {
    let site = Site::new();
    // Nobody on the roster is a governor: a warning.
    site.add_policy(
        "behaviour",
        "Behaviour Policy",
        "[Teacher, Governor]",
        &[("rules", 70)],
    );
    site.add_policy("kcsie", "Keeping Children Safe", "[all]", &[]);
    site.write(
        "site.yaml",
        site.read("site.yaml") + "    renew_months: 12\n",
    );
    site.write(".handbook/roster.csv", ROSTER);

    on_day(
        &site,
        "2024-09-01",
        &["publish", "kcsie", "--summary", "KCSIE."],
    );
    let kc = version(&site, "kcsie");
    on_day(
        &site,
        "2025-09-01",
        &["publish", "behaviour", "--summary", "Behaviour."],
    );
    let bh = version(&site, "behaviour");
    on_day(
        &site,
        "2025-09-01",
        &[
            "publish",
            POLICY,
            "--summary",
            "First.",
            "--label",
            "September 2025",
        ],
    );
    let os1 = version(&site, POLICY);
    site.write(
        "content/online-safety/scope.md",
        site.read("content/online-safety/scope.md").replace(
            "All staff and volunteers.",
            "All staff, volunteers and governors.",
        ),
    );
    on_day(
        &site,
        "2026-01-20",
        &[
            "publish",
            POLICY,
            "--summary",
            "Governors.",
            "--label",
            "January 2026",
        ],
    );
    let os2 = version(&site, POLICY);
    site.write(
        "content/online-safety/behaviour.md",
        site.read("content/online-safety/behaviour.md")
            .replace("Do not accept", "Do not accept any"),
    );
    on_day(
        &site,
        "2026-02-01",
        &["publish", POLICY, "--minor", "--summary", "Wording."],
    );
    let os3 = version(&site, POLICY);

    for (id, policy, v, date) in [
        ("T01", POLICY, &os2, "2026-01-20"),
        ("T01", "behaviour", &bh, "2025-09-10"),
        ("T01", "kcsie", &kc, "2025-09-05"),
        ("T02", POLICY, &os1, "2025-09-10"),
        ("T02", "kcsie", &kc, "2025-01-15"),
        ("T03", POLICY, &os3, "2026-02-05"),
        ("T03", "kcsie", &kc, "2024-12-01"),
        ("T06", POLICY, &os1, "2025-09-20"),
        ("T06", "kcsie", &kc, "2025-09-20"),
        ("T07", POLICY, &os2, "2026-01-25"),
        ("T07", "behaviour", &bh, "2025-09-15"),
        ("T07", "kcsie", &kc, "2025-02-10"),
        ("T09", POLICY, &os1, "2025-10-01"),
        ("T09", "kcsie", &kc, "2025-10-01"),
        // Kai was a teacher when he read it; he is a volunteer now.
        ("T11", "behaviour", &bh, "2025-09-20"),
        ("T11", POLICY, &os3, "2026-02-02"),
        ("T11", "kcsie", &kc, "2025-06-01"),
    ] {
        record(&site, id, policy, v, date);
    }
    site
}

/// (id, policy) → (status, due, completed) from the report's CSV.
fn statuses(csv: &str) -> BTreeMap<(String, String), (String, String, String)> {
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, policy, status, due, completed) = (
        at("id"),
        at("policy"),
        at("status"),
        at("due"),
        at("completed"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[id].to_string(), r[policy].to_string()),
                (
                    r[status].to_string(),
                    r[due].to_string(),
                    r[completed].to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn every_persons_status_for_every_policy_as_of_a_day() {
    let site = fixture();
    let run = site.run(&[
        "report",
        "--today",
        TODAY,
        "--csv",
        "report.csv",
        "--html",
        "report.html",
    ]);
    run.expect(0);
    let got = statuses(&site.read("report.csv"));
    let os = POLICY;
    let expected: &[(&str, &str, &str, &str, &str)] = &[
        ("T01", os, "complete", "", "2026-01-20"),
        ("T01", "behaviour", "complete", "", "2025-09-10"),
        ("T01", "kcsie", "complete", "", "2025-09-05"),
        // Read the first version; a major change on 2026-01-20.
        ("T02", os, "needs_reread", "2026-02-19", "2025-09-10"),
        ("T02", "behaviour", "overdue", "2025-10-01", ""),
        // 12 months on 2026-01-15, then 30 days.
        ("T02", "kcsie", "renewal_due", "2026-02-14", "2025-01-15"),
        ("T03", os, "complete", "", "2026-02-05"),
        ("T03", "kcsie", "overdue", "2025-12-31", "2024-12-01"),
        // Started after the major change: due from the start.
        ("T04", os, "due", "2026-03-05", ""),
        ("T04", "kcsie", "due", "2026-03-05", ""),
        // Starts next month.
        ("T05", os, "due", "2026-03-31", ""),
        ("T05", "behaviour", "due", "2026-03-31", ""),
        ("T05", "kcsie", "due", "2026-03-31", ""),
        ("T06", os, "needs_reread", "2026-02-19", "2025-09-20"),
        // Joined the day after behaviour was published.
        ("T06", "behaviour", "overdue", "2025-10-02", ""),
        ("T06", "kcsie", "complete", "", "2025-09-20"),
        // Read the second version; only a minor change since.
        ("T07", os, "complete", "", "2026-01-25"),
        ("T07", "behaviour", "complete", "", "2025-09-15"),
        // Exactly 12 months on today.
        ("T07", "kcsie", "renewal_due", "2026-03-12", "2025-02-10"),
        ("T08", os, "due", "2026-02-19", ""),
        ("T08", "behaviour", "overdue", "2025-10-01", ""),
        ("T08", "kcsie", "overdue", "2024-10-01", ""),
        ("T09", os, "needs_reread", "2026-02-19", "2025-10-01"),
        ("T09", "kcsie", "complete", "", "2025-10-01"),
        ("T10", os, "due", "2026-02-19", ""),
        ("T10", "kcsie", "overdue", "2024-10-01", ""),
        ("T11", os, "complete", "", "2026-02-02"),
        ("T11", "kcsie", "complete", "", "2025-06-01"),
        ("T12", os, "due", "2026-02-19", ""),
        // Due today: still due.
        ("T12", "behaviour", "due", "2026-02-10", ""),
        ("T12", "kcsie", "due", "2026-02-10", ""),
    ];
    let want: BTreeMap<(String, String), (String, String, String)> = expected
        .iter()
        .map(|(id, p, s, due, done)| {
            (
                (id.to_string(), p.to_string()),
                (s.to_string(), due.to_string(), done.to_string()),
            )
        })
        .collect();
    // One row per person and required policy: none for the volunteers'
    // and assistants' behaviour, Kai's old completion included.
    assert_eq!(got, want);

    let text = &run.stdout;
    let first: Vec<&str> = text.lines().skip(1).take(8).collect();
    assert_eq!(
        first,
        [
            "Overdue as of 2026-02-10:",
            "  Hal Hart (T08, Dale School, Teacher): Keeping Children Safe (since 2024-10-01)",
            "  Jo Jones (T10, Dale School, Volunteer): Keeping Children Safe (since 2024-10-01)",
            "  Bob Bell (T02, Hill School, Teacher): Behaviour Policy (since 2025-10-01)",
            "  Hal Hart (T08, Dale School, Teacher): Behaviour Policy (since 2025-10-01)",
            "  Fay Fox (T06, Hill School, Teacher): Behaviour Policy (since 2025-10-02)",
            "  Cy Cole (T03, Hill School, Teaching assistant): Keeping Children Safe (since \
             2025-12-31; last completed 2024-12-01, on behalf: paper)",
            "",
        ],
        "{text}"
    );
    assert!(
        text.lines().nth(9).is_some_and(|l| l.starts_with("Policy")),
        "{text}"
    );
    // Per school and policy: due (re-reads and renewals included) and
    // overdue.
    let kcsie = text
        .lines()
        .find(|l| l.starts_with("Keeping Children Safe"))
        .unwrap();
    assert!(
        kcsie.contains("33% (2 of 6), 3 due, 1 overdue")
            && kcsie.contains("33% (2 of 6), 2 due, 2 overdue")
            && kcsie.contains("33% (4 of 12), 5 due, 3 overdue"),
        "{text}"
    );
    assert!(
        run.stderr.contains("`behaviour`") && run.stderr.contains("`Governor`"),
        "warns of the role nobody has: {run:?}"
    );

    let html = site.read("report.html");
    let overdue = html.find("<h2 id=\"overdue\">Overdue</h2>").expect(&html);
    let summary = html.find("id=\"summary\"").unwrap();
    let matrix = html.find("class=\"school\"").unwrap();
    assert!(overdue < summary && summary < matrix, "{html}");
    let section = &html[overdue..summary];
    assert_eq!(
        section.matches("<tr><th scope=\"row\">").count(),
        6,
        "{section}"
    );
    assert!(section.contains("<caption>Overdue, most overdue first</caption>"));
    for words in [
        "Needs to re-read<span class=\"detail\">by 2026-02-19; read September 2025",
        "Renewal due<span class=\"detail\">by 2026-03-12; last completed 2025-02-10",
        "Due<span class=\"detail\">by 2026-03-31</span>",
        "Overdue<span class=\"detail\">since 2024-10-01</span>",
        "Complete<span class=\"detail\">2026-01-25, on behalf: paper</span>",
        "<th scope=\"col\" class=\"num\">Overdue</th>",
    ] {
        assert!(html.contains(words), "{words} in {html}");
    }
}

#[test]
fn today_must_be_a_date() {
    let site = Site::new();
    site.write(".handbook/roster.csv", "id,name\nT1,Ann\n");
    let run = site.run(&["report", "--today", "10/02/2026"]);
    run.expect(2);
    assert!(
        run.stderr.contains("--today `10/02/2026` is not a date")
            && run.stderr.contains("e.g. 2026-01-31"),
        "{run:?}"
    );
}

#[test]
fn unpublished_edits_change_nobodys_status() {
    let site = fixture();
    // The CSV's statuses, and the evidence summary (but for the minute it
    // was made).
    let report = |site: &Site| {
        site.run(&[
            "report",
            "--today",
            TODAY,
            "--csv",
            "report.csv",
            "--summary",
            "summary.html",
        ])
        .expect(0);
        let summary = site.read("summary.html");
        let made = summary.find(" Made on ").expect("when it was made");
        let end = made + summary[made..].find("</p>").unwrap();
        let summary = format!("{}{}", &summary[..made], &summary[end..]);
        (statuses(&site.read("report.csv")), summary)
    };
    let before = report(&site);
    assert!(
        before.0.values().any(|(status, _, _)| status == "complete"),
        "someone is complete to begin with"
    );
    assert!(before.1.contains("January 2026"), "{}", before.1);
    // SLT start the next review: the policy's pages change, unpublished.
    let page = format!("content/{POLICY}/scope.md");
    let edited = format!("{}\nA sentence for the next version.\n", site.read(&page));
    site.write(&page, edited);
    let after = report(&site);
    assert_eq!(
        after.0, before.0,
        "the report is measured against the latest published version (SPEC §6)"
    );
    assert_eq!(
        after.1, before.1,
        "so is the evidence summary: the same versions, percentages and names"
    );
}

#[test]
fn check_with_a_roster_warns_of_a_role_nobody_has() {
    let site = fixture();
    let run = site.run(&["check", "--roster", ".handbook/roster.csv"]);
    run.expect(0);
    assert!(
        run.stderr.contains(
            "policy `behaviour` is required for role `Governor`, but nobody on the roster"
        ),
        "{run:?}"
    );
    assert!(run.stderr.contains("required_for"), "{run:?}");
    // Only the misspelt or missing role: Teacher is on the roster.
    assert!(!run.stderr.contains("`Teacher`"), "{run:?}");
    // --strict makes it an error (the site alone passes --strict, on a
    // day its reviews are far off).
    let strict = |args: &[&str]| {
        site.command(args)
            .env("HANDBOOK_TODAY", TODAY)
            .output()
            .expect("run handbook")
            .status
            .code()
    };
    assert_eq!(strict(&["check", "--strict"]), Some(0));
    assert_eq!(
        strict(&["check", "--strict", "--roster", ".handbook/roster.csv"]),
        Some(1)
    );
    // Without --roster, check knows nothing of roles.
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains("Governor"), "{run:?}");
}
