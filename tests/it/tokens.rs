//! Keys, codes, token import, the ledger, `record` and the report, through
//! the `handbook` binary.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use handbook::records::token::{Claims, MasterKey, Scores, header_json, kid, sign};
use hmac::{Hmac, KeyInit, Mac};

use crate::support::{POLICY, Run, SITE_ID, Site};

const MASTER: [u8; 32] = [3; 32];

const ROSTER: &str = "id,name,email,school,role,generation\n\
                      T001,Ann Able,ann@test.example,Hill School,Teacher,\n\
                      T002,Bob Bell,bob@test.example,Hill School,Teaching assistant,\n\
                      T003,Cy Cole,cy@test.example,Dale School,Teacher,2\n\
                      T004,Di Dunn,,Dale School,Volunteer,\n";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A site with a known master key and a four-person roster.
fn site() -> Site {
    let site = Site::new();
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    site.write(".handbook/roster.csv", ROSTER);
    site
}

fn version(site: &Site) -> String {
    handbook::versions::policy_version_id(site.root(), POLICY).unwrap()
}

/// Valid claims for `sub` on the site's current version.
fn claims(site: &Site, sub: &str) -> Claims {
    Claims {
        iss: SITE_ID.to_string(),
        sub: sub.to_string(),
        iat: now() - 3600,
        pv: version(site),
        mods: Scores(vec![("scope".into(), 100), ("behaviour".into(), 60)]),
        decl: true,
    }
}

/// A token signed with `id`'s code at `generation`.
fn token_with(id: &str, generation: u32, claims: &Claims) -> String {
    let key = MasterKey::from_bytes(MASTER)
        .staff_key(id, generation)
        .signing_key();
    sign(&key, &kid(&claims.sub, generation), claims)
}

/// A valid token for `sub` (generation from the roster).
fn token(site: &Site, sub: &str) -> String {
    let generation = if sub == "T003" { 2 } else { 1 };
    token_with(sub, generation, &claims(site, sub))
}

fn import_text(site: &Site, text: &str) -> Run {
    site.write("inbox/mail.txt", text);
    site.run(&["import", "inbox/mail.txt"])
}

fn ledger_count(site: &Site) -> i64 {
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    conn.query_row("SELECT count(*) FROM completions", [], |r| r.get(0))
        .unwrap()
}

/// Imports a bad token on line 3 after a good one on line 1 and checks the
/// reason: exit 1, the reason and the place on stderr, the good one kept.
fn rejected_with(site: &Site, bad: &str, reason: &str) {
    let good = token(site, "T001");
    let run = import_text(site, &format!("{good}\n\nHere it is: {bad}\n"));
    run.expect(1);
    assert!(
        run.stdout.contains("1 new, 0 already recorded, 1 rejected"),
        "{run:?}"
    );
    assert!(run.stderr.contains("inbox/mail.txt:3:"), "{run:?}");
    assert!(run.stderr.contains(reason), "expected `{reason}`:\n{run:?}");
    assert!(run.stderr.contains("help:"), "{run:?}");
    assert_eq!(ledger_count(site), 1);
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

#[test]
fn spec_test_vector_through_the_library() {
    let mut master = [0u8; 32];
    for (i, b) in master.iter_mut().enumerate() {
        *b = i as u8;
    }
    let master = MasterKey::from_bytes(master);
    assert_eq!(
        master.staff_code("T042", 1),
        "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C"
    );
    assert_eq!(
        master.staff_key("T042", 1).code("T043"),
        "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YPG-*"
    );
}

#[test]
fn keys_init_makes_a_private_key_and_refuses_to_overwrite() {
    let site = Site::new();
    let run = site.run(&["keys", "init"]);
    run.expect(0);
    assert!(run.stdout.contains("Back it up"), "{run:?}");
    assert!(run.stdout.contains("64 hex digits"), "{run:?}");
    assert!(run.stdout.contains("re-issued"), "{run:?}");
    let key = site.read(".handbook/master.key");
    assert_eq!(key.len(), 65);
    assert!(key.ends_with('\n'));
    assert!(
        key[..64]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(site.read(".handbook/.gitignore").lines().last(), Some("*"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(site.path(".handbook/master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = site.run(&["keys", "init"]);
    again.expect(2);
    assert!(again.stderr.contains("will not replace it"), "{again:?}");
    assert_eq!(site.read(".handbook/master.key"), key);
}

#[test]
fn private_folder_never_reaches_the_output() {
    let site = site();
    site.run_with_stdin(&["import", "-"], token(&site, "T001").as_bytes())
        .expect(0);
    assert!(site.path(".handbook/ledger.sqlite").exists());
    site.run(&["build"]).expect(0);
    assert!(site.path("output/index.html").exists());
    for entry in walkdir::WalkDir::new(site.path("output")) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        assert!(
            !name.contains("master.key") && !name.contains("ledger") && !name.contains("roster"),
            "{}",
            entry.path().display()
        );
        assert_ne!(name, ".handbook");
    }
}

#[test]
fn codes_match_the_library_and_links_need_base_url() {
    let site = site();
    let run = site.run(&["codes", ".handbook/roster.csv"]);
    run.expect(0);
    assert!(run.stderr.contains("no base_url"), "{run:?}");
    let mut lines = run.stdout.lines();
    // UTF-8 with a byte-order mark, so that Excel reads accents right.
    assert_eq!(
        lines.next(),
        Some("\u{feff}id,name,email,school,role,generation,code,link")
    );
    let master = MasterKey::from_bytes(MASTER);
    let ann = master.staff_code("T001", 1);
    assert_eq!(
        lines.next().unwrap(),
        format!("T001,Ann Able,ann@test.example,Hill School,Teacher,1,{ann},#id=T001&code={ann}")
    );
    let cy = master.staff_code("T003", 2);
    assert!(
        run.stdout.contains(&format!(",2,{cy},#id=T003%232&code=")),
        "{run:?}"
    );

    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{yaml}base_url: https://policies.test.example/social\n"),
    );
    let run = site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/letters.html",
    ]);
    run.expect(0);
    assert!(!run.stderr.contains("no base_url"), "{run:?}");
    let csv = site.read(".handbook/codes.csv");
    assert!(
        csv.contains(&format!(
            "https://policies.test.example/social/course/index.html#id=T001&code={ann}"
        )),
        "{csv}"
    );
    let letters = site.read(".handbook/letters.html");
    assert!(letters.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert_eq!(letters.matches("<section class=\"letter\"").count(), 4);
    assert!(letters.contains(&ann) && letters.contains("T003#2"));
    assert!(letters.contains("break-after: page"));
    assert!(letters.contains("mailto:office@test.example"));
    assert!(!letters.contains("<script") && !letters.contains(" src="));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for file in [".handbook/codes.csv", ".handbook/letters.html"] {
            let mode = std::fs::metadata(site.path(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
}

#[test]
fn codes_explain_a_missing_key_and_a_bad_roster() {
    let site = Site::new();
    site.write("staff.csv", "id,name\nT1,One\n");
    let run = site.run(&["codes", "staff.csv"]);
    run.expect(1);
    assert!(run.stderr.contains("handbook keys init"), "{run:?}");

    let site = self::site();
    site.write("staff.csv", "name,email\nOne,a@b\n");
    let run = site.run(&["codes", "staff.csv"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains("staff.csv:1: the header row has no `id` column"),
        "{run:?}"
    );
    site.write(
        "staff.csv",
        "id,name,generation\nT1,One,\n,Two,\nT1,Three,\nT4,Four,x\n",
    );
    let run = site.run(&["codes", "staff.csv"]);
    run.expect(1);
    assert!(
        run.stderr.contains("staff.csv:3: this row has no id"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("staff.csv:4: id `T1` is on line 2 (One) and again on line 4 (Three)"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("staff.csv:5: generation `x`"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn import_reads_tokens_pasted_into_email_text() {
    let site = site();
    let (a, b, c) = (
        token(&site, "T001"),
        token(&site, "T002"),
        token(&site, "T003"),
    );
    // Plain prose, a reply with quoting, and a quoted-printable part whose
    // lines are broken with `=` and whose `=` is written `=3D`.
    let mut qp = String::from("token=3D");
    let mut column = 8;
    for ch in c.chars() {
        if column == 75 {
            qp.push_str("=\r\n");
            column = 0;
        }
        qp.push(ch);
        column += 1;
    }
    // And a part sent as base64, as mail programs do for non-English text.
    let d = token(&site, "T004");
    let b64_part = base64::engine::general_purpose::STANDARD
        .encode(format!("Voil\u{e0} mon jeton\u{a0}: {d}\r\n"))
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    let mail = format!(
        "From: Ann Able <ann@test.example>\r\nSubject: Social media course done\r\n\r\n\
         Hi, here is my completion token: {a}. Thanks, Ann\r\n\r\n\
         > On Monday Bob wrote:\r\n> {b}\r\n\r\n\
         --boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n{qp}\r\n--boundary\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {b64_part}\r\n--boundary--\r\n"
    );
    site.write("inbox/saved/one.eml", &mail);
    site.write("inbox/saved/.hidden.eml", format!("{a}\n"));
    let run = site.run(&["import", "inbox"]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("Checked 4 tokens from 1 input: 4 new, 0 already recorded, 0 rejected"),
        "{run:?}"
    );
    assert_eq!(ledger_count(&site), 4);
    // The same tokens again, from standard input: nothing new.
    // (`c` twice in one input is one token: "already recorded" is said
    // only of what an earlier import recorded, and of each token once.)
    let run = site.run_with_stdin(
        &["import", "-"],
        format!("{a}\n{b}\n{c}\n{c}\n{d}\n").as_bytes(),
    );
    run.expect(0);
    assert!(
        run.stdout
            .contains("Checked 4 tokens from 1 input: 0 new, 4 already recorded"),
        "{run:?}"
    );
    assert_eq!(ledger_count(&site), 4);
}

#[test]
fn import_is_idempotent() {
    let site = site();
    let text = format!("{}\n{}\n", token(&site, "T001"), token(&site, "T002"));
    import_text(&site, &text).expect(0);
    let run = import_text(&site, &text);
    run.expect(0);
    assert!(
        run.stdout.contains("0 new, 2 already recorded, 0 rejected"),
        "{run:?}"
    );
    assert_eq!(ledger_count(&site), 2);
}

#[test]
fn import_finds_nothing_in_text_without_tokens() {
    let site = site();
    let run = import_text(&site, "Dear office, I have done the course. eyJ. Jo\n");
    run.expect(1);
    assert!(
        run.stdout.contains("No tokens found in 1 input."),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("error: inbox/mail.txt: no token found in this file"),
        "{run:?}"
    );
    // Among files that do hold tokens, one without any is named too.
    site.write("inbox/reply.txt", "Thanks, I will do it next week.\n");
    site.write("inbox/token.txt", token(&site, "T001"));
    let run = site.run(&["import", "inbox/reply.txt", "inbox/token.txt"]);
    run.expect(0);
    assert!(run.stdout.contains("1 new"), "{run:?}");
    assert!(
        run.stderr
            .contains("warning: inbox/reply.txt: no token found in this file"),
        "{run:?}"
    );
    // An empty folder has nothing to import, and says so.
    std::fs::create_dir_all(site.path("empty")).unwrap();
    let run = site.run(&["import", "empty"]);
    run.expect(1);
    assert!(
        run.stderr.contains("there are no files to import here"),
        "{run:?}"
    );
}

#[test]
fn import_of_a_missing_file_is_a_usage_error() {
    let site = site();
    let run = site.run(&["import", "nowhere.txt"]);
    run.expect(2);
    assert!(run.stderr.contains("nowhere.txt does not exist"), "{run:?}");
}

#[test]
fn import_without_a_key_or_roster_says_what_to_do() {
    let site = Site::new();
    let run = site.run(&["import", "-"]);
    run.expect(1);
    assert!(run.stderr.contains("handbook keys init"), "{run:?}");
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    let run = site.run(&["import", "-"]);
    run.expect(1);
    assert!(run.stderr.contains(".handbook/roster.csv"), "{run:?}");
}

// One test per rejection reason.

#[test]
fn rejects_a_truncated_token() {
    let site = site();
    let good = token(&site, "T002");
    rejected_with(&site, &good[..good.len() - 8], "damaged or cut short");
}

#[test]
fn rejects_a_garbled_token() {
    let site = site();
    let good = token(&site, "T002");
    let parts: Vec<&str> = good.split('.').collect();
    let garbled = format!("{}.{}x.{}", parts[0], &parts[1][..40], parts[2]);
    rejected_with(&site, &garbled, "damaged or cut short");
}

#[test]
fn rejects_alg_none() {
    let site = site();
    let payload = b64(&serde_json::to_string(&claims(&site, "T002")).unwrap());
    let header = b64(r#"{"alg":"none","typ":"JWT","kid":"T002"}"#);
    rejected_with(
        &site,
        &format!("{header}.{payload}."),
        "not signed the way handbook signs: it is not signed at all",
    );
}

#[test]
fn rejects_other_algorithms() {
    let site = site();
    let payload = b64(&serde_json::to_string(&claims(&site, "T002")).unwrap());
    let key = MasterKey::from_bytes(MASTER)
        .staff_key("T002", 1)
        .signing_key();
    for alg in ["HS512", "RS256"] {
        let input = format!(
            "{}.{payload}",
            b64(&format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"T002"}}"#))
        );
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        let token = format!("{input}.{}", b64_bytes(&mac.finalize().into_bytes()));
        rejected_with(
            &site,
            &token,
            &format!("it uses another algorithm ({alg}) than handbook's HS256"),
        );
        for file in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"] {
            let _ = std::fs::remove_file(site.path(&format!(".handbook/{file}")));
        }
    }
}

fn b64_bytes(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn rejects_a_changed_header() {
    let site = site();
    let good = token(&site, "T002");
    let rest = good.split_once('.').unwrap().1;
    let spaced = b64(r#"{"alg": "HS256","typ":"JWT","kid":"T002"}"#);
    rejected_with(&site, &format!("{spaced}.{rest}"), "its header was changed");
}

#[test]
fn rejects_another_sites_token() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.iss = "other-school/social-media".to_string();
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "made for a different site (`other-school/social-media`",
    );
}

#[test]
fn rejects_an_unknown_staff_id() {
    let site = site();
    let c = claims(&site, "T999");
    rejected_with(
        &site,
        &token_with("T999", 1, &c),
        "unknown staff id `T999`: not on the roster",
    );
}

#[test]
fn rejects_a_token_made_with_another_persons_code() {
    let site = site();
    // Bob's id, signed with Ann's code.
    let c = claims(&site, "T002");
    let key = MasterKey::from_bytes(MASTER)
        .staff_key("T001", 1)
        .signing_key();
    rejected_with(
        &site,
        &sign(&key, "T002", &c),
        "signed with a code that is not T002's",
    );
}

#[test]
fn rejects_a_tampered_payload() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.mods.0[0].1 = 20;
    let real = token_with("T002", 1, &c);
    c.mods.0[0].1 = 100;
    let raised = b64(&serde_json::to_string(&c).unwrap());
    let parts: Vec<&str> = real.split('.').collect();
    rejected_with(
        &site,
        &format!("{}.{raised}.{}", parts[0], parts[2]),
        "signed with a code that is not T002's (or changed after it was made)",
    );
}

#[test]
fn rejects_a_token_made_with_a_replaced_code() {
    let site = site();
    // Cy's roster generation is 2; this is made with the first code.
    let c = claims(&site, "T003");
    rejected_with(
        &site,
        &token_with("T003", 1, &c),
        "made with a replaced code: T003's code no. 1, but the roster says no. 2",
    );
}

#[test]
fn rejects_an_unpublished_version() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.pv = "ffffffffffffffff".to_string();
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "for a policy version that was never published (ffffffffffffffff)",
    );
}

#[test]
fn rejects_a_completion_time_in_the_future() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.iat = now() + 2 * 86_400;
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "the completion time is in the future",
    );
}

#[test]
fn rejects_a_missing_module() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.mods.0.retain(|(m, _)| m != "behaviour");
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "module `behaviour` is missing",
    );
}

#[test]
fn rejects_a_failed_module() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.mods.0[1].1 = 59;
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "module `behaviour` was not passed (score 59%, pass mark 60%)",
    );
}

#[test]
fn rejects_an_unsigned_declaration() {
    let site = site();
    let mut c = claims(&site, "T002");
    c.decl = false;
    rejected_with(
        &site,
        &token_with("T002", 1, &c),
        "the declaration was not signed",
    );
}

#[test]
fn header_is_exactly_as_issued() {
    assert_eq!(
        header_json("T003#2"),
        r#"{"alg":"HS256","typ":"JWT","kid":"T003#2"}"#
    );
}

#[test]
fn record_on_behalf_and_report_statuses() {
    let site = site();
    // Ann: complete by token. Bob: not started. Cy: recorded on his behalf.
    // Di: took the course for a version that has since changed. Plus a
    // token for someone who has since left the roster.
    site.write(
        ".handbook/roster.csv",
        format!("{ROSTER}T005,Eve Ede,eve@test.example,Hill School,Teacher,\n"),
    );
    let (eve, di) = (token(&site, "T005"), token(&site, "T004"));
    import_text(&site, &format!("{eve}\n{di}\n")).expect(0);
    site.write(".handbook/roster.csv", ROSTER);
    // The policy changes: Di's completion is now of an earlier version.
    site.write(
        "content/online-safety/scope.md",
        site.read("content/online-safety/scope.md") + "\nA new paragraph.\n",
    );
    import_text(&site, &token(&site, "T001")).expect(0);

    let run = site.run(&[
        "record",
        "T003",
        "--date",
        "2026-01-05",
        "--note",
        "paper sign-off at the staff meeting",
    ]);
    run.expect(0);
    assert!(run.stdout.contains("recorded on their behalf"), "{run:?}");
    let again = site.run(&[
        "record",
        "T003",
        "--date",
        "2026-01-05",
        "--note",
        "paper sign-off at the staff meeting",
    ]);
    again.expect(0);
    assert!(again.stdout.contains("already recorded"), "{again:?}");
    let unknown = site.run(&["record", "T777", "--date", "2026-01-05", "--note", "x"]);
    unknown.expect(1);
    assert!(
        unknown.stderr.contains("`T777` is not on the roster"),
        "{unknown:?}"
    );
    let bad_date = site.run(&["record", "T002", "--date", "5/1/2026", "--note", "x"]);
    bad_date.expect(2);
    let bad_version = site.run(&[
        "record",
        "T002",
        "--date",
        "2026-01-05",
        "--note",
        "x",
        "--version",
        "abc",
    ]);
    bad_version.expect(2);

    let run = site.run(&["report", "--html", "report.html", "--csv", "report.csv"]);
    run.expect(0);
    assert!(run.stdout.contains("Hill School"), "{run:?}");
    assert!(run.stdout.contains("All schools"), "{run:?}");
    assert!(
        run.stdout
            .contains("1 ledger entry is for ids no longer on the roster"),
        "{run:?}"
    );
    let csv = site.read("report.csv");
    let row = |id: &str| {
        csv.lines()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap_or_else(|| panic!("{id} in {csv}"))
            .to_string()
    };
    assert!(row("T001").contains(",complete,"), "{csv}");
    assert!(row("T001").contains(",token,"), "{csv}");
    assert!(row("T002").contains(",due,"), "{csv}");
    let cy = row("T003");
    assert!(
        cy.contains(",complete,") && cy.contains(",2026-01-05,"),
        "{csv}"
    );
    assert!(
        cy.contains(",on behalf,paper sign-off at the staff meeting"),
        "{csv}"
    );
    assert!(row("T004").contains(",needs_reread,"), "{csv}");
    assert!(row("T005").contains(",not_on_roster,"), "{csv}");

    let html = site.read("report.html");
    assert!(html.contains("<html lang=\"en-GB\">"));
    assert!(html.contains("on behalf: paper sign-off at the staff meeting"));
    assert!(html.contains("Ledger entries for ids not on the roster"));
    assert!(html.contains("mailto:bob@test.example"));
    assert!(html.contains("<svg") && html.contains("<desc"));
    assert!(!html.contains("<script"));
    // Hill School is listed first, as in site.yaml, though Dale sorts first.
    assert!(html.find("Hill School").unwrap() < html.find("Dale School").unwrap());
}

#[test]
fn report_without_a_ledger_shows_everyone_still_to_complete() {
    let site = site();
    let run = site.run(&["report"]);
    run.expect(0);
    assert!(run.stderr.contains("no ledger"), "{run:?}");
    assert!(run.stdout.contains("4 people still to complete"), "{run:?}");
}

/// Kills an import of a large file part-way, then checks the ledger is
/// intact and that importing again completes the set without duplicates.
#[test]
fn an_import_killed_midway_leaves_a_consistent_ledger() {
    let site = Site::new();
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    let mut roster = String::from("id,name\n");
    for i in 0..50 {
        roster.push_str(&format!("S{i:03},Person {i}\n"));
    }
    site.write(".handbook/roster.csv", &roster);
    let pv = version(&site);
    let master = MasterKey::from_bytes(MASTER);
    let keys: Vec<_> = (0..50)
        .map(|i| master.staff_key(&format!("S{i:03}"), 1).signing_key())
        .collect();
    const TOKENS: usize = 40_000;
    let mut text = String::with_capacity(TOKENS * 300);
    let base = now() - 400 * 86_400;
    for n in 0..TOKENS {
        let person = n % 50;
        let c = Claims {
            iss: SITE_ID.to_string(),
            sub: format!("S{person:03}"),
            iat: base + n as i64,
            pv: pv.clone(),
            mods: Scores(vec![("scope".into(), 100), ("behaviour".into(), 100)]),
            decl: true,
        };
        text.push_str(&sign(&keys[person], &c.sub, &c));
        text.push('\n');
    }
    site.write("big.txt", &text);

    let mut child = site
        .command(&["import", "big.txt"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first progress line (10,000 tokens checked, so the
    // import's transaction is open and being written), then kill it.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    let mut killed_midway = false;
    while let Some(Ok(line)) = lines.next() {
        if line.contains("tokens checked") {
            killed_midway = child.kill().is_ok();
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120));
    }
    let status = child.wait().unwrap();
    if !killed_midway || status.success() {
        eprintln!("note: the import finished before it could be killed");
    }

    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM completions", [], |r| r.get(0))
        .unwrap();
    // One transaction: all or nothing, and nothing if it was cut short.
    if killed_midway && !status.success() {
        assert_eq!(count, 0);
    } else {
        assert_eq!(count, TOKENS as i64);
    }
    drop(conn);

    let run = site.run(&["import", "big.txt"]);
    run.expect(0);
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let (count, distinct): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT token_hash) FROM completions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((count, distinct), (TOKENS as i64, TOKENS as i64));
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn a_misspelt_school_is_warned_about() {
    let site = site();
    site.write(
        ".handbook/roster.csv",
        format!("{ROSTER}T006,Fay Fox,,Hill Shool,Teacher,\n"),
    );
    let run = site.run(&["report"]);
    run.expect(0);
    assert!(
        run.stderr.contains(
            "warning: .handbook/roster.csv:6: school `Hill Shool` is not one of the schools in site.yaml"
        ),
        "{run:?}"
    );
}

/// Publishing with a major change and then a minor one: tokens for every
/// published version are imported, and the report says who is complete,
/// who needs to re-read and who has not started.
#[test]
fn report_statuses_follow_major_and_minor_versions() {
    let site = site();
    let for_version = |sub: &str, generation: u32, pv: &str| {
        let mut c = claims(&site, sub);
        c.pv = pv.to_string();
        token_with(sub, generation, &c)
    };
    site.run(&["publish", "--summary", "First version."])
        .expect(0);
    let first = version(&site);
    let ann = for_version("T001", 1, &first);
    let bob_first = for_version("T002", 1, &first);

    site.write(
        "content/online-safety/scope.md",
        site.read("content/online-safety/scope.md").replace(
            "All staff and volunteers.",
            "All staff, volunteers and governors.",
        ),
    );
    site.run(&[
        "publish",
        "--summary",
        "Governors.",
        "--label",
        "February 2026",
    ])
    .expect(0);
    let second = version(&site);
    let bob = for_version("T002", 1, &second);

    site.write(
        "content/online-safety/behaviour.md",
        site.read("content/online-safety/behaviour.md")
            .replace("Do not accept", "Do not accept any"),
    );
    site.run(&["publish", "--minor", "--summary", "Wording."])
        .expect(0);
    let third = version(&site);
    let cy = for_version("T003", 2, &third);
    let never = for_version("T004", 1, "0123456789abcdef");

    let run = import_text(
        &site,
        &format!("{ann}\n{bob_first}\n{bob}\n{cy}\n{never}\n"),
    );
    run.expect(1);
    assert!(run.stdout.contains("4 new"), "{run:?}");
    assert!(run.stderr.contains("never published"), "{run:?}");

    let run = site.run(&["report", "--csv", "report.csv"]);
    run.expect(0);
    let csv = site.read("report.csv");
    let row = |id: &str| {
        csv.lines()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap_or_else(|| panic!("{id} in {csv}"))
            .to_string()
    };
    // Completed the first version; a major change came after it.
    assert!(row("T001").contains(",needs_reread,"), "{csv}");
    assert!(
        row("T001").contains("January 2026"),
        "names the version read: {csv}"
    );
    // Completed the second version; only a minor change since.
    assert!(row("T002").contains(",complete,"), "{csv}");
    // Completed the current version.
    assert!(row("T003").contains(",complete,"), "{csv}");
    // The only token was for a version that was never published.
    assert!(row("T004").contains(",due,"), "{csv}");
}
