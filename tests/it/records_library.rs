//! The records side of a library of several policies, through the
//! `handbook` binary: tokens per policy, the ledger's policy column and
//! its migration from an old ledger, `record --policy`, and the report
//! as a staff × policy matrix with `--policy` and `--school`. Tokens are
//! made here in Rust, so nothing depends on the built site.

use handbook::records::token::{Claims, MasterKey, Scores, kid, sign};

use crate::support::{POLICY, SITE, Site};

const MASTER: [u8; 32] = [9; 32];

/// Two schools; `behaviour` is for teachers only, `handling` for
/// everyone.
const ROSTER: &str = "id,name,email,school,role\n\
                      T001,Ann Able,ann@test.example,Hill School,Teacher\n\
                      T002,Bob Bell,bob@test.example,Hill School,Volunteer\n\
                      T003,Cy Cole,cy@test.example,Dale School,Teacher\n";

/// The test site with two more policies: `behaviour` (one module, for
/// teachers) and `handling` (read-only, for everyone).
fn library() -> Site {
    let site = Site::new();
    site.add_policy(
        "behaviour",
        "Behaviour Policy",
        "[Teacher]",
        &[("rules", 70)],
    );
    site.add_policy("handling", "Data Handling Policy", "[all]", &[]);
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    site.write(".handbook/roster.csv", ROSTER);
    site
}

fn version(site: &Site, policy: &str) -> String {
    handbook::versions::policy_version_id(site.root(), policy).unwrap()
}

/// A valid token of `sub` for `policy` with its current version and
/// `mods` all passed.
fn token(site: &Site, sub: &str, policy: &str, mods: &[&str]) -> String {
    let claims = Claims {
        iss: format!("{SITE}/{policy}"),
        sub: sub.to_string(),
        iat: chrono::Utc::now().timestamp() - 3600,
        pv: version(site, policy),
        mods: Scores(mods.iter().map(|m| (m.to_string(), 100)).collect()),
        decl: true,
    };
    let key = MasterKey::from_bytes(MASTER)
        .staff_key(sub, 1)
        .signing_key();
    sign(&key, &kid(sub, 1), &claims)
}

fn online_safety(site: &Site, sub: &str) -> String {
    token(site, sub, POLICY, &["scope", "behaviour"])
}

fn behaviour(site: &Site, sub: &str) -> String {
    token(site, sub, "behaviour", &["rules"])
}

/// The CSV rows (after the header) whose id is `id`.
fn rows<'a>(csv: &'a str, id: &str) -> Vec<&'a str> {
    csv.lines()
        .filter(|l| l.contains(&format!(",{id},")))
        .collect()
}

fn report_csv(site: &Site, extra: &[&str]) -> String {
    let mut args = vec!["report", "--csv", "report.csv"];
    args.extend(extra);
    site.run(&args).expect(0);
    site.read("report.csv")
}

#[test]
fn tokens_for_two_policies_are_both_recorded_and_reported() {
    let site = library();
    let (a, b) = (online_safety(&site, "T001"), behaviour(&site, "T001"));
    site.write("inbox/mail.txt", format!("{a}\n{b}\n{a}\n"));
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("2 tokens from 1 input: 2 new, 0 already recorded, 0 rejected"),
        "{run:?}"
    );
    // (The copy of `a` in the same file is the same token, counted once;
    // "already recorded" is said only of what an earlier import recorded.)
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(0);
    assert!(run.stdout.contains("0 new, 2 already recorded"), "{run:?}");
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT policy FROM completions ORDER BY policy")
        .unwrap();
    let policies: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(policies, ["behaviour", POLICY]);

    let csv = report_csv(&site, &[]);
    assert!(
        csv.starts_with("\u{feff}school,role,id,name,email,policy,policy_title,status,"),
        "{csv}"
    );
    let ann = rows(&csv, "T001");
    assert_eq!(ann.len(), 3, "{csv}");
    assert!(
        ann.iter()
            .any(|r| r.contains(",online-safety,Online Safety Policy,complete,")),
        "{csv}"
    );
    assert!(
        ann.iter()
            .any(|r| r.contains(",behaviour,Behaviour Policy,complete,")),
        "{csv}"
    );
    assert!(
        ann.iter()
            .any(|r| r.contains(",handling,Data Handling Policy,due,")),
        "{csv}"
    );
    // Bob is a volunteer: behaviour is not required, so it has no row.
    let bob = rows(&csv, "T002");
    assert_eq!(bob.len(), 2, "{csv}");
    assert!(!bob.iter().any(|r| r.contains(",behaviour,")), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 3 + 2 + 3, "{csv}");

    site.run(&["report", "--html", "report.html"]).expect(0);
    let html = site.read("report.html");
    let bob = html
        .lines()
        .find(|l| l.starts_with("<tr><th scope=\"row\">Bob Bell</th>"))
        .expect("Bob's row");
    assert!(
        bob.contains("<td class=\"not_required\">Not required</td>"),
        "{bob}"
    );
    let ann = html
        .lines()
        .find(|l| l.starts_with("<tr><th scope=\"row\">Ann Able</th>"))
        .expect("Ann's row");
    assert_eq!(ann.matches("<td class=\"complete\">").count(), 2, "{ann}");
    assert!(
        html.contains(
            "<caption>Percent complete of those required, per policy and school</caption>"
        )
    );
    assert!(html.contains("<th scope=\"col\">Behaviour Policy</th>"));
}

#[test]
fn a_token_for_a_policy_not_in_site_yaml_is_rejected() {
    let site = library();
    let retired = token(&site, "T001", "retired", &["rules"]);
    site.write("inbox/mail.txt", format!("{retired}\n"));
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(1);
    assert!(
        run.stderr.contains(
            "error: inbox/mail.txt:1: token for T001: names no policy of this site: `retired`; \
             the policies are `online-safety`, `behaviour`, `handling`"
        ),
        "{run:?}"
    );
    // A token of one policy claiming another's course is held to that
    // other's modules.
    let mut wrong = token(&site, "T001", "behaviour", &["scope", "behaviour"]);
    wrong.push('\n');
    site.write("inbox/mail.txt", wrong);
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(1);
    assert!(run.stderr.contains("module `rules` is missing"), "{run:?}");
}

/// Publishing and editing one policy leaves the other's version and the
/// completions of it alone.
#[test]
fn one_policy_changing_leaves_the_others_completions_complete() {
    let site = library();
    site.run(&["publish", "behaviour", "--summary", "First."])
        .expect(0);
    site.run(&["publish", POLICY, "--summary", "First."])
        .expect(0);
    let (a, b) = (online_safety(&site, "T001"), behaviour(&site, "T001"));
    site.write("inbox/mail.txt", format!("{a}\n{b}\n"));
    site.run(&["import", "inbox/mail.txt"]).expect(0);
    let safety_version = version(&site, POLICY);
    let versions_before = site.read("versions.yaml");

    site.write(
        "content/behaviour/rules.md",
        site.read("content/behaviour/rules.md") + "\nA new rule.\n",
    );
    site.write(
        "content/parents/_index.md",
        "---\ntitle: Parents\naudience: [parents]\n---\nFor families.\n",
    );
    assert_eq!(version(&site, POLICY), safety_version);
    let run = site.run(&["publish", "--summary", "New rule."]);
    run.expect(2);
    assert!(
        run.stderr.contains("online-safety") && run.stderr.contains("behaviour"),
        "leaving POLICY out lists them: {run:?}"
    );
    site.run(&[
        "publish",
        "behaviour",
        "--summary",
        "New rule.",
        "--label",
        "Summer 2026",
    ])
    .expect(0);
    let versions_after = site.read("versions.yaml");
    let count = |text: &str, policy: &str| text.matches(&format!("policy: {policy}")).count();
    assert_eq!(count(&versions_after, "behaviour"), 2, "{versions_after}");
    assert_eq!(
        count(&versions_after, POLICY),
        count(&versions_before, POLICY)
    );
    assert!(versions_after.contains(&safety_version));

    let ann = rows_of(&report_csv(&site, &[]), "T001");
    assert!(
        ann.contains(",online-safety,Online Safety Policy,complete,"),
        "{ann}"
    );
    assert!(
        ann.contains(",behaviour,Behaviour Policy,needs_reread,"),
        "{ann}"
    );
}

fn rows_of(csv: &str, id: &str) -> String {
    rows(csv, id).join("\n")
}

#[test]
fn report_limits_to_one_policy_or_one_school() {
    let site = library();
    let tokens = [
        online_safety(&site, "T001"),
        behaviour(&site, "T003"),
        online_safety(&site, "T003"),
    ];
    site.write("inbox/mail.txt", tokens.join("\n"));
    site.run(&["import", "inbox/mail.txt"]).expect(0);

    let csv = report_csv(&site, &["--policy", "behaviour"]);
    assert_eq!(csv.lines().count(), 1 + 2, "two teachers: {csv}");
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",behaviour,")),
        "{csv}"
    );

    let csv = report_csv(&site, &["--school", "dale school"]);
    assert!(
        csv.lines().skip(1).all(|l| l.starts_with("Dale School,")),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");

    let run = site.run(&["report", "--policy", "behaviour", "--school", "Hill School"]);
    run.expect(0);
    assert!(run.stdout.contains("Behaviour Policy"), "{run:?}");
    assert!(!run.stdout.contains("Online Safety Policy"), "{run:?}");
    assert!(!run.stdout.contains("Dale School"), "{run:?}");

    let run = site.run(&["report", "--policy", "safeguarding"]);
    run.expect(2);
    assert!(
        run.stderr.contains("there is no policy `safeguarding`")
            && run
                .stderr
                .contains("`online-safety`, `behaviour`, `handling`"),
        "{run:?}"
    );
    let run = site.run(&["report", "--school", "Moor"]);
    run.expect(2);
    assert!(
        run.stderr.contains("there is no school `Moor`")
            && run.stderr.contains("`Hill School`, `Dale School`"),
        "{run:?}"
    );
}

#[test]
fn record_needs_a_policy_when_there_are_several() {
    let site = library();
    let args = ["record", "T002", "--date", "2026-01-05", "--note", "paper"];
    let run = site.run(&args);
    run.expect(2);
    assert!(
        run.stderr.contains("this site has 3 policies")
            && run
                .stderr
                .contains("`online-safety`, `behaviour`, `handling`"),
        "{run:?}"
    );
    let mut with = args.to_vec();
    with.extend(["--policy", "handling"]);
    let run = site.run(&with);
    run.expect(0);
    assert!(run.stdout.contains("Data Handling Policy"), "{run:?}");
    let bob = rows_of(&report_csv(&site, &[]), "T002");
    assert!(
        bob.contains(",handling,Data Handling Policy,complete,,2026-01-05,"),
        "{bob}"
    );
    assert!(
        bob.contains(",online-safety,Online Safety Policy,due,"),
        "{bob}"
    );
    // With one policy, --policy may be left out.
    let single = Site::new();
    single.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    single.write(".handbook/roster.csv", ROSTER);
    single.run(&args).expect(0);
}

/// A ledger exactly as the previous release wrote it (schema 1, no
/// policy column), with a token row and a row recorded on someone's
/// behalf, is migrated by the next import: schema 2, every row kept with
/// its policy, and nothing damaged.
#[test]
fn an_old_ledger_is_migrated_with_each_rows_policy() {
    let site = library();
    let path = site.path(".handbook/ledger.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    // v1 tokens carried the whole site id as `iss`, e.g.
    // `test-school/behaviour` for a site whose id was that.
    let old_behaviour = behaviour(&site, "T001");
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
         PRAGMA user_version = 1;",
    )
    .unwrap();
    let hash: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(old_behaviour.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    conn.execute(
        "INSERT INTO completions (staff_id, policy_version, completed_at, scores, token_hash, \
         token, imported_at, source, method) VALUES ('T001', ?1, 1767225600, \
         '{\"rules\":100}', ?2, ?3, 1767300000, 'mail.txt:1', 'token')",
        rusqlite::params![version(&site, "behaviour"), hash, old_behaviour],
    )
    .unwrap();
    // Recorded by hand for the current online-safety version: its policy
    // is told by its version.
    conn.execute(
        "INSERT INTO completions (staff_id, policy_version, completed_at, imported_at, source, \
         method, note) VALUES ('T002', ?1, 1767225600, 1767300000, 'recorded by hand', \
         'on_behalf', 'paper')",
        [version(&site, POLICY)],
    )
    .unwrap();
    // A row whose policy cannot be told: kept, listed apart.
    conn.execute(
        "INSERT INTO completions (staff_id, policy_version, completed_at, imported_at, source, \
         method, note) VALUES ('T003', 'ffffffffffffffff', 1767225600, 1767300000, \
         'recorded by hand', 'on_behalf', 'old sheet')",
        [],
    )
    .unwrap();
    drop(conn);

    // The report asks for the ledger to be brought up to date first.
    let run = site.run(&["report"]);
    run.expect(1);
    assert!(run.stderr.contains("older handbook (schema 1)"), "{run:?}");
    // Importing the same token again updates the ledger and records it once.
    site.write("inbox/mail.txt", format!("{old_behaviour}\n"));
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(0);
    assert!(run.stdout.contains("0 new, 1 already recorded"), "{run:?}");

    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version >= 2, "brought up to date: {version}");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mut stmt = conn
        .prepare("SELECT staff_id, policy, method FROM completions ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let row = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        rows,
        [
            row("T001", "behaviour", "token"),
            row("T002", POLICY, "on_behalf"),
            row("T003", "", "on_behalf"),
        ]
    );
    drop(stmt);
    drop(conn);

    let csv = report_csv(&site, &[]);
    assert!(
        rows_of(&csv, "T001").contains(",behaviour,Behaviour Policy,complete,"),
        "{csv}"
    );
    assert!(
        rows_of(&csv, "T002").contains(",online-safety,Online Safety Policy,complete,"),
        "{csv}"
    );
    assert!(
        csv.contains(",T003,,,,,policy_unknown,,2026-01-01,ffffffffffffffff,"),
        "{csv}"
    );
    let run = site.run(&["report"]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("1 ledger entry has no known policy (policy unknown)"),
        "{run:?}"
    );
}
