//! Paper sign-offs that can be corrected, and evidence an inspector
//! accepts, through the `handbook` binary: `record` by id or exact name
//! and `--version` by label; dates before publication refused; a second
//! record warned of; `record --undo` kept in the ledger as an audited
//! revocation, left out of every status and listed in the report; a
//! ledger from before revocations read and migrated; and versions named by
//! their labels, never their ids, in the text, CSV, HTML and the evidence
//! summary.

use crate::support::{POLICY, Run, Site};

const ROSTER: &str = "id,name,email,school,role\n\
    T01,Ann Able,ann@test.example,Hill School,Teacher\n\
    T02,Bob Bell,bob@test.example,Hill School,Teaching assistant\n\
    T03,Sam Smith,sam.h@test.example,Hill School,Teacher\n\
    T04,Sam Smith,sam.d@test.example,Dale School,Volunteer\n\
    T05,Cy Cole,,Dale School,Teacher\n";

/// The day the reports are as of.
const TODAY: &str = "2025-10-20";

/// Runs `handbook` on `site` as if it were `day`.
fn on_day(site: &Site, day: &str, args: &[&str]) -> Run {
    let output = site
        .command(args)
        .env("HANDBOOK_TODAY", day)
        .output()
        .expect("run handbook");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The test site with its roster, its policy published on 2025-09-01 as
/// "September 2025".
fn site() -> Site {
    let site = Site::new();
    site.write(".handbook/roster.csv", ROSTER);
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
    )
    .expect(0);
    site
}

fn version(site: &Site) -> String {
    handbook::versions::policy_version_id(site.root(), POLICY).unwrap()
}

/// The report's CSV rows (without the byte-order mark) of `id`.
fn csv_rows(site: &Site, id: &str) -> Vec<String> {
    on_day(site, TODAY, &["report", "--csv", "report.csv"]).expect(0);
    let csv = site.read("report.csv");
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    csv.lines()
        .filter(|l| l.split(',').nth(2) == Some(id))
        .map(str::to_string)
        .collect()
}

fn record(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["record"];
    all.extend_from_slice(args);
    on_day(site, TODAY, &all)
}

#[test]
fn record_takes_a_name_and_a_version_label() {
    let site = site();
    let run = record(
        &site,
        &[
            "  ann ABLE ",
            "--version",
            "september 2025",
            "--date",
            "2025-10-01",
            "--note",
            "paper sign-off",
        ],
    );
    run.expect(0);
    assert!(run.stdout.contains("Ann Able (T01)"), "{run:?}");
    assert!(run.stdout.contains("September 2025"), "{run:?}");
    assert!(!run.stdout.contains(&version(&site)), "no ids: {run:?}");
    let rows = csv_rows(&site, "T01");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains(",complete,,2025-10-01,September 2025,,on behalf,paper sign-off,"),
        "{rows:?}"
    );
    // The id works as before; so does the version's id.
    record(
        &site,
        &[
            "T02",
            "--version",
            &version(&site),
            "--date",
            "2025-10-02",
            "--note",
            "paper",
        ],
    )
    .expect(0);
    assert!(csv_rows(&site, "T02")[0].contains(",complete,"));
    // A label that is no published version: the published ones are listed.
    let run = record(
        &site,
        &[
            "T05",
            "--version",
            "January 2026",
            "--date",
            "2025-10-02",
            "--note",
            "x",
        ],
    );
    run.expect(2);
    assert!(
        run.stderr
            .contains("`January 2026` is not a published version")
            && run.stderr.contains("September 2025 (published 2025-09-01)"),
        "{run:?}"
    );
}

#[test]
fn a_name_two_people_share_or_nobody_has_is_refused() {
    let site = site();
    let run = record(
        &site,
        &["sam smith", "--date", "2025-10-01", "--note", "paper"],
    );
    run.expect(1);
    assert!(
        run.stderr
            .contains("2 people on the roster are called `sam smith`"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("T03 (Hill School, Teacher)")
            && run.stderr.contains("T04 (Dale School, Volunteer)"),
        "{run:?}"
    );
    assert!(run.stderr.contains("give the person's id"), "{run:?}");
    let run = record(&site, &["Ann", "--date", "2025-10-01", "--note", "paper"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains("`Ann` is not on the roster (as an id or a full name)"),
        "{run:?}"
    );
    assert!(
        !site.path(".handbook/ledger.sqlite").exists(),
        "nothing was written"
    );
}

#[test]
fn a_date_before_the_version_was_published_is_refused() {
    let site = site();
    let run = record(&site, &["T01", "--date", "2025-08-31", "--note", "paper"]);
    run.expect(2);
    assert!(
        run.stderr.contains(
            "--date 2025-08-31 is before September 2025 of Online Safety Policy was \
             published (2025-09-01)"
        ),
        "{run:?}"
    );
    assert!(!site.path(".handbook/ledger.sqlite").exists());
    // The day it was published is fine.
    record(&site, &["T01", "--date", "2025-09-01", "--note", "paper"]).expect(0);
}

#[test]
fn a_second_record_with_another_date_is_warned_of() {
    let site = site();
    record(&site, &["T01", "--date", "2025-09-10", "--note", "paper"]).expect(0);
    let run = record(&site, &["T01", "--date", "2025-09-12", "--note", "paper"]);
    run.expect(0);
    assert!(
        run.stderr.contains(
            "warning: Ann Able (T01) is already recorded for Online Safety Policy on \
             2025-09-10 (on behalf, September 2025)"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("handbook record --undo T01 --policy online-safety --date 2025-09-10"),
        "{run:?}"
    );
    // The same day again changes nothing and warns of nothing.
    let run = record(&site, &["T01", "--date", "2025-09-12", "--note", "paper"]);
    run.expect(0);
    assert!(run.stdout.contains("nothing changed"), "{run:?}");
}

fn ledger_counts(site: &Site) -> (i64, i64) {
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    (count("completions"), count("revocations"))
}

#[test]
fn undo_revokes_a_record_which_stays_in_the_ledger_and_is_listed() {
    let site = site();
    record(
        &site,
        &["T01", "--date", "2025-09-10", "--note", "staff meeting"],
    )
    .expect(0);
    let rows = csv_rows(&site, "T01");
    assert!(rows[0].contains(",complete,"), "{rows:?}");

    let run = record(
        &site,
        &[
            "--undo",
            "Ann Able",
            "--note",
            "signed for the wrong policy",
        ],
    );
    run.expect(0);
    assert!(
        run.stdout.contains(
            "Revoked: Ann Able (T01), Online Safety Policy of 2025-09-10 (on behalf, \
             September 2025)"
        ),
        "{run:?}"
    );
    assert_eq!(ledger_counts(&site), (1, 1), "kept, with its revocation");

    // Overdue now (published 2025-09-01, due 30 days later), and the
    // revoked record is listed with who, when and why.
    let rows = csv_rows(&site, "T01");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains(",overdue,2025-10-01,"), "{rows:?}");
    assert!(
        rows[1].contains(",revoked,,2025-09-10,September 2025,,on behalf,staff meeting,"),
        "{rows:?}"
    );
    assert!(
        rows[1].ends_with(",signed for the wrong policy"),
        "{rows:?}"
    );
    let text = on_day(&site, TODAY, &["report", "--html", "report.html"]);
    text.expect(0);
    assert!(text.stdout.contains("Revoked records (1;"), "{text:?}");
    assert!(
        text.stdout
            .contains("Ann Able (T01): Online Safety Policy, September 2025 of 2025-09-10"),
        "{text:?}"
    );
    assert!(
        text.stdout.contains(": signed for the wrong policy"),
        "{text:?}"
    );
    let html = site.read("report.html");
    assert!(html.contains("<h2 id=\"revoked\">Revoked records</h2>"));
    assert!(
        html.contains("<td>signed for the wrong policy</td>"),
        "{html}"
    );

    // Nothing left to revoke: said so, nothing changes.
    let run = record(&site, &["--undo", "T01", "--note", "again"]);
    run.expect(2);
    assert!(
        run.stderr
            .contains("has no record of Online Safety Policy to revoke"),
        "{run:?}"
    );
    assert_eq!(ledger_counts(&site), (1, 1));
    // Recorded again, properly: complete again, the revocation still listed.
    record(&site, &["T01", "--date", "2025-09-11", "--note", "paper"]).expect(0);
    let rows = csv_rows(&site, "T01");
    assert!(rows[0].contains(",complete,,2025-09-11,"), "{rows:?}");
    assert!(rows[1].contains(",revoked,"), "{rows:?}");
}

#[test]
fn undo_with_a_date_revokes_only_that_days_record() {
    let site = site();
    record(&site, &["T01", "--date", "2025-09-10", "--note", "paper"]).expect(0);
    record(&site, &["T01", "--date", "2025-09-20", "--note", "paper"]).expect(0);
    let run = record(
        &site,
        &[
            "--undo",
            "T01",
            "--date",
            "2025-09-20",
            "--note",
            "typed the wrong day",
        ],
    );
    run.expect(0);
    assert!(run.stdout.contains("of 2025-09-20"), "{run:?}");
    let rows = csv_rows(&site, "T01");
    assert!(rows[0].contains(",complete,,2025-09-10,"), "{rows:?}");
    let run = record(
        &site,
        &["--undo", "T01", "--date", "2025-09-30", "--note", "x"],
    );
    run.expect(2);
    assert!(
        run.stderr
            .contains("on 2025-09-30 to revoke; their records of it are of 2025-09-10"),
        "{run:?}"
    );
}

#[test]
fn a_ledger_from_before_revocations_is_read_and_then_migrated() {
    let site = site();
    let path = site.path(".handbook/ledger.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Schema 2, as the handbook before revocations wrote it.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE completions (
            id             INTEGER PRIMARY KEY,
            staff_id       TEXT    NOT NULL,
            policy_version TEXT    NOT NULL,
            completed_at   INTEGER NOT NULL,
            scores         TEXT    NOT NULL DEFAULT '{}',
            token_hash     TEXT    UNIQUE,
            token          TEXT,
            imported_at    INTEGER NOT NULL,
            source         TEXT    NOT NULL,
            method         TEXT    NOT NULL CHECK (method IN ('token', 'on_behalf')),
            note           TEXT,
            CHECK ((method = 'token') = (token_hash IS NOT NULL))
         );
         CREATE INDEX completions_by_staff ON completions (staff_id, completed_at);
         ALTER TABLE completions ADD COLUMN policy TEXT NOT NULL DEFAULT '';
         CREATE INDEX completions_by_policy ON completions (policy, staff_id);
         PRAGMA user_version = 2;",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO completions (staff_id, policy_version, completed_at, imported_at, source, \
         method, note, policy) VALUES ('T02', ?1, 1757462400, 1757462400, 'recorded by hand', \
         'on_behalf', 'paper', ?2)",
        rusqlite::params![version(&site), POLICY],
    )
    .unwrap();
    drop(conn);
    // The report reads it as it is (never migrating it).
    let rows = csv_rows(&site, "T02");
    assert!(rows[0].contains(",complete,,2025-09-10,"), "{rows:?}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let schema = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(schema(&conn), 2);
    drop(conn);
    // Undo brings it up to date and revokes the old row.
    record(&site, &["--undo", "T02", "--note", "not signed"]).expect(0);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(schema(&conn) >= 3);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    assert_eq!(ledger_counts(&site), (1, 1));
    let rows = csv_rows(&site, "T02");
    assert!(rows[0].contains(",overdue,"), "{rows:?}");
    assert!(rows[1].contains(",revoked,"), "{rows:?}");
}

#[test]
fn reports_name_versions_by_label_never_by_id() {
    let site = site();
    let published = version(&site);
    record(&site, &["T01", "--date", "2025-09-10", "--note", "paper"]).expect(0);
    record(&site, &["T02", "--date", "2025-09-11", "--note", "paper"]).expect(0);
    record(&site, &["--undo", "T02", "--note", "wrong person"]).expect(0);
    // An unpublished edit: its id is not what anyone is measured against.
    let page = format!("content/{POLICY}/scope.md");
    site.write(&page, site.read(&page) + "\nA draft sentence.\n");
    let draft = version(&site);
    assert_ne!(draft, published);
    let run = on_day(
        &site,
        TODAY,
        &[
            "report",
            "--csv",
            "r.csv",
            "--html",
            "r.html",
            "--summary",
            "s.html",
        ],
    );
    run.expect(0);
    for (what, text) in [
        ("text", run.stdout.clone()),
        ("CSV", site.read("r.csv")),
        ("HTML", site.read("r.html")),
        ("summary", site.read("s.html")),
    ] {
        assert!(text.contains("September 2025"), "{what}: {text}");
        for id in [&published, &draft] {
            assert!(
                !text.contains(id.as_str()),
                "{what} shows the id {id}: {text}"
            );
        }
    }
    let summary = site.read("s.html");
    assert!(
        summary.contains("<td>September 2025</td><td>2025-09-01</td>"),
        "{summary}"
    );
    // Hill School: Ann complete, Bob (revoked) and Sam outstanding.
    assert!(summary.contains("33% (1 of 3)"), "{summary}");
    assert!(summary.contains("<li>Bob Bell <span class=\"mark\">(overdue)</span></li>"));
    assert!(!summary.contains("<li>Ann Able"), "{summary}");
}

#[test]
fn the_evidence_summary_is_written_privately_and_limited_by_school() {
    let site = site();
    let run = on_day(
        &site,
        TODAY,
        &[
            "report",
            "--school",
            "dale school",
            "--summary",
            "dale.html",
        ],
    );
    run.expect(0);
    assert!(
        run.stdout
            .contains("Wrote the evidence summary to dale.html"),
        "{run:?}"
    );
    let html = site.read("dale.html");
    assert!(
        html.contains("Dale School") && !html.contains("Hill School"),
        "{html}"
    );
    assert!(html.contains("<li>Cy Cole") && html.contains("<li>Sam Smith"));
    assert!(!html.contains("Ann Able"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(site.path("dale.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "personal data is private");
    }
}
