//! `handbook import` on an inbox as the office really has one: 42 files
//! saved by Outlook, Gmail, Apple Mail and Thunderbird, a Forms export, a
//! Word document, PDFs, an Outlook message and pictures (written at test
//! time by `fixture`, with tokens genuine for the site's master key).

mod fixture;

use handbook::records::token::{Claims, MasterKey, Scores, kid, sign};

use crate::support::{POLICY, Run, SITE_ID, Site};
use fixture::Mail;

const MASTER: [u8; 32] = [7; 32];

/// When every token in a test was made: one time, so that the same
/// person's token made twice is the same token.
static IAT: std::sync::LazyLock<i64> =
    std::sync::LazyLock::new(|| chrono::Utc::now().timestamp() - 7200);

/// A site with a known master key and staff T001–T047 (T044 on their
/// second code).
fn site() -> Site {
    let site = Site::new();
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    let mut roster = String::from("id,name,email,school,role,generation\n");
    for n in 1..=47 {
        let generation = if n == 44 { "2" } else { "" };
        roster.push_str(&format!(
            "T{n:03},Person {n},p{n}@test.example,Hill School,Teacher,{generation}\n"
        ));
    }
    site.write(".handbook/roster.csv", roster);
    site
}

/// A token for `id` made with code no. `generation`, for `iss`, with the
/// behaviour module scored `behaviour`.
fn token_for(site: &Site, id: &str, generation: u32, iss: &str, behaviour: i64) -> String {
    let claims = Claims {
        iss: iss.to_string(),
        sub: id.to_string(),
        iat: *IAT,
        pv: handbook::versions::policy_version_id(site.root(), POLICY).unwrap(),
        mods: Scores(vec![("scope".into(), 100), ("behaviour".into(), behaviour)]),
        decl: true,
    };
    let key = MasterKey::from_bytes(MASTER)
        .staff_key(id, generation)
        .signing_key();
    sign(&key, &kid(id, generation), &claims)
}

/// A genuine token for staff number `n`.
fn genuine(site: &Site, n: u32) -> String {
    token_for(site, &format!("T{n:03}"), 1, SITE_ID, 80)
}

fn mail_from(n: u32, day: u32, subject: &str) -> Mail {
    Mail::new(
        &format!("Person {n}"),
        &format!("p{n}@test.example"),
        day,
        n % 60,
        subject,
    )
}

/// What the inbox holds, for the assertions.
struct Inbox {
    files: usize,
    /// Staff ids whose genuine token is in it.
    genuine: Vec<String>,
    /// Files in which there is no token, and a word from the hint each
    /// must be given.
    without: Vec<(&'static str, &'static str)>,
    /// For each rejected token: its staff id and the words that must be on
    /// its line (where, date, sender, subject) and in its reason.
    rejected: Vec<(String, Vec<String>)>,
}

/// Files of the inbox with no token, and words of the advice each gets.
const WITHOUT: &[(&str, &str)] = &[
    ("scanned.pdf", "scanned"),
    ("photo.jpg", "photo or screenshot of a token cannot be read"),
    ("screenshot.png", "send the token as text"),
    ("IMG_0042.heic", "send the token as text"),
    ("old-form.doc", "save it as .docx"),
    ("thanks-01.eml", "ask the sender to send the token again"),
    ("thanks-06.eml", "ask the sender to send the token again"),
];

/// Writes the inbox under `inbox/`.
fn write_inbox(site: &Site) -> Inbox {
    let mut files: Vec<fixture::File> = Vec::new();
    let mut genuine_ids = Vec::new();
    let mut rejected = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| files.push((name.to_string(), bytes));
    let mut genuine_token = |n: u32| {
        genuine_ids.push(format!("T{n:03}"));
        genuine(site, n)
    };
    for n in 1..=8 {
        let mail = mail_from(n, 5, "RE: Online safety training");
        add(
            &format!("outlook-{n:02}.eml"),
            fixture::outlook_eml(&mail, &genuine_token(n)),
        );
    }
    for n in 9..=14 {
        let mail = mail_from(n, 6, "Course done");
        add(
            &format!("gmail-{n:02}.eml"),
            fixture::gmail_eml(&mail, &genuine_token(n)),
        );
    }
    for n in 15..=18 {
        let mail = mail_from(n, 7, "Token");
        add(
            &format!("apple-{n:02}.eml"),
            fixture::apple_eml(&mail, &genuine_token(n)),
        );
    }
    let t20 = genuine_token(20);
    for (n, token) in [(19, genuine_token(19)), (20, t20.clone())] {
        let mail = mail_from(1, 8, &format!("Fwd: certificate for Person {n}"));
        let original = mail_from(n, 7, "certificate");
        add(
            &format!("forwarded-{n}.eml"),
            fixture::forwarded_eml(&mail, &original, &token),
        );
    }
    add(
        "reply-chain.eml",
        fixture::reply_chain_eml(
            &mail_from(21, 9, "Re: Fwd: certificate"),
            &genuine_token(21),
            &mail_from(20, 7, "certificate"),
            &t20,
        ),
    );
    for n in 22..=24 {
        let mail = mail_from(n, 9, "Finished");
        add(
            &format!("html-{n}.eml"),
            fixture::html_link_eml(&mail, &genuine_token(n)),
        );
    }
    add(
        "Inbox.mbox",
        mailbox(site, &mut genuine_token, &mut rejected),
    );
    let msg = mail_from(40, 15, "Course complete");
    add(
        "from-outlook.msg",
        fixture::outlook_msg(&msg, &genuine_token(40)),
    );
    let replaced = token_for(site, "T044", 1, SITE_ID, 80);
    add(
        "Online safety sign-off (1-3).xlsx",
        fixture::forms_xlsx(&[
            ("Person 41", "p41@test.example", genuine_token(41)),
            ("Person 42", "p42@test.example", genuine_token(42)),
            ("Person 44", "p44@test.example", replaced),
        ]),
    );
    rejected.push((
        "T044".to_string(),
        vec![
            "Online safety sign-off (1-3).xlsx: row 4 (Person 44, p44@test.example".to_string(),
            "replaced code".to_string(),
        ],
    ));
    add("certificate.docx", fixture::docx(&genuine_token(43)));
    let pdf_token = genuine_token(45);
    add(
        "certificate.pdf",
        fixture::pdf(&["Completion certificate", "Token:", &pdf_token]),
    );
    for (name, bytes) in nothing_to_find() {
        add(&name, bytes);
    }
    add(
        "pasted.txt",
        format!("{}\n{}\n", genuine_token(46), genuine_token(47)).into_bytes(),
    );
    let other = mail_from(2, 16, "From my old school");
    add(
        "other-school.eml",
        fixture::outlook_eml(
            &other,
            &token_for(site, "T002", 1, "other-trust/online-safety", 80),
        ),
    );
    rejected.push((
        "T002".to_string(),
        vec![
            "inbox/other-school.eml:".to_string(),
            described(&other),
            "made for a different site".to_string(),
        ],
    ));
    let count = files.len();
    for (name, bytes) in files {
        site.write(&format!("inbox/{name}"), bytes);
    }
    Inbox {
        files: count,
        genuine: genuine_ids,
        without: WITHOUT.to_vec(),
        rejected,
    }
}

/// The mailbox: 20 messages, 13 with a genuine token (one of them sent
/// before, as T001's), a leaver's, a failed attempt, a token cut short and
/// three questions.
fn mailbox(
    site: &Site,
    genuine_token: &mut dyn FnMut(u32) -> String,
    rejected: &mut Vec<(String, Vec<String>)>,
) -> Vec<u8> {
    let mut messages: Vec<(Mail, String)> = Vec::new();
    for n in 25..=36 {
        let body = format!("My token:\r\n{}\r\nThanks", genuine_token(n));
        messages.push((mail_from(n, 12, &format!("Training {n}")), body));
    }
    let leaver = Mail::new("Lee Ver", "lee@home.example", 12, 50, "Old course");
    let leaver_token = token_for(site, "L900", 1, SITE_ID, 80);
    messages.push((leaver.clone(), format!("Token: {leaver_token}\r\n")));
    rejected.push(mbox_rejection(
        "L900",
        &leaver,
        13,
        "(left, or a changed id?)",
    ));
    let failed = mail_from(37, 13, "my attempt");
    messages.push((
        failed.clone(),
        format!("{}\r\n", token_for(site, "T037", 1, SITE_ID, 40)),
    ));
    rejected.push(mbox_rejection(
        "T037",
        &failed,
        14,
        "was not passed (score 40%",
    ));
    let damaged = mail_from(38, 13, "token (copied)");
    let cut = genuine(site, 38);
    messages.push((
        damaged.clone(),
        format!("{}\r\n\r\nBest", &cut[..cut.len() - 9]),
    ));
    rejected.push(mbox_rejection(
        "T038",
        &damaged,
        15,
        "signature is cut short",
    ));
    messages.push((
        mail_from(1, 14, "sending again"),
        format!("Did you get it?\r\n{}\r\n", genuine(site, 1)),
    ));
    for n in 0..3 {
        messages.push((
            mail_from(40 + n, 14, "Question"),
            "When is the deadline?\r\nFrom the staffroom, thanks".to_string(),
        ));
    }
    messages.push((mail_from(39, 15, "late one"), genuine_token(39)));
    assert_eq!(messages.len(), 20);
    fixture::mbox(&messages)
}

/// The files in which there is no token: a scan, pictures, an old Word
/// file and thank-you replies.
fn nothing_to_find() -> Vec<fixture::File> {
    let mut files = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| files.push((name.to_string(), bytes));
    add("scanned.pdf", fixture::pdf(&[]));
    add("photo.jpg", fixture::picture("jpg", 1));
    add("screenshot.png", fixture::picture("png", 2));
    add("IMG_0042.heic", fixture::picture("heic", 3));
    add("old-form.doc", fixture::picture("doc", 4));
    for n in 1..=6 {
        add(
            &format!("thanks-{n:02}.eml"),
            fixture::thanks_eml(&mail_from(n + 10, 16, "Re: training")),
        );
    }
    files
}

/// How the importer names an e-mail.
fn described(mail: &Mail) -> String {
    format!(
        "e-mail of {} from {}, subject \u{201c}{}\u{201d}",
        mail.shown_date, mail.from, mail.subject
    )
}

fn mbox_rejection(id: &str, mail: &Mail, message: usize, reason: &str) -> (String, Vec<String>) {
    (
        id.to_string(),
        vec![
            "inbox/Inbox.mbox:".to_string(),
            format!("message {message}, {}", described(mail)),
            format!("token for {id}: "),
            reason.to_string(),
        ],
    )
}

fn recorded_ids(site: &Site) -> Vec<String> {
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT staff_id FROM completions ORDER BY staff_id")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn error_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect()
}

#[test]
fn an_inbox_as_mail_programs_save_it_is_imported_whole() {
    let site = site();
    let inbox = write_inbox(&site);
    assert!(inbox.files >= 40, "{} files", inbox.files);
    let run = site.run(&["import", "inbox"]);
    run.expect(1);
    // Every genuine token imported, each once.
    let mut expected = inbox.genuine.clone();
    expected.sort();
    assert_eq!(recorded_ids(&site), expected, "{run:?}");
    let checked = expected.len() + inbox.rejected.len();
    assert!(
        run.stdout.contains(&format!(
            "Checked {checked} tokens from {} inputs: {} new, 0 already recorded, {} rejected.",
            inbox.files,
            expected.len(),
            inbox.rejected.len()
        )),
        "{run:?}"
    );
    // Each e-mail counted once: the Outlook and Gmail parts repeat their
    // tokens, but only the reply quoting a forwarded token and the mailbox
    // message sending T001's again are copies.
    assert!(
        run.stdout
            .contains("2 more were copies of tokens found earlier"),
        "{run:?}"
    );
    // Every file with no token listed, with advice for its kind.
    for (file, hint) in &inbox.without {
        let at = run
            .stderr
            .find(&format!(
                "warning: inbox/{file}: no token found in this file"
            ))
            .unwrap_or_else(|| panic!("{file} not listed:\n{run:?}"));
        let help = run.stderr[at..].lines().nth(1).unwrap_or_default();
        assert!(help.contains(hint), "{file}: {help:?}");
    }
    let listed = run.stderr.matches("no token found in this file").count();
    assert_eq!(listed, 11, "{run:?}");
    // Each rejection on its line, naming the e-mail's date, sender and
    // subject (or the spreadsheet row) and the staff id.
    let errors = error_lines(&run);
    assert_eq!(errors.len(), inbox.rejected.len(), "{run:?}");
    for (id, words) in &inbox.rejected {
        let line = errors
            .iter()
            .find(|l| l.contains(&format!("token for {id}: ")))
            .unwrap_or_else(|| panic!("no rejection for {id}:\n{run:?}"));
        for word in words {
            assert!(line.contains(word.as_str()), "{word:?} not in {line:?}");
        }
    }
}

#[test]
fn a_rerun_prints_only_what_is_new_and_exits_0() {
    let site = site();
    let inbox = write_inbox(&site);
    site.run(&["import", "inbox"]).expect(1);
    let again = site.run(&["import", "inbox"]);
    again.expect(0);
    assert!(
        again.stdout.contains(&format!(
            "0 new, {} already recorded, {} rejected.",
            inbox.genuine.len(),
            inbox.rejected.len()
        )),
        "{again:?}"
    );
    assert!(
        again.stdout.contains(&format!(
            "Not listed again: {} rejected tokens and 11 files without a token that an earlier \
             import already reported",
            inbox.rejected.len()
        )),
        "{again:?}"
    );
    assert!(!again.stderr.contains("error:"), "{again:?}");
    assert!(!again.stderr.contains("no token found"), "{again:?}");
    // Something new: only it is listed, and it fails the run.
    site.write(
        "inbox/late.eml",
        fixture::outlook_eml(
            &mail_from(46, 20, "second try"),
            &token_for(&site, "T046", 1, SITE_ID, 10),
        ),
    );
    site.write("inbox/selfie.jpg", fixture::picture("jpg", 5));
    let late = site.run(&["import", "inbox"]);
    late.expect(1);
    let errors = error_lines(&late);
    assert_eq!(errors.len(), 1, "{late:?}");
    assert!(errors[0].contains("inbox/late.eml:"), "{late:?}");
    assert!(
        errors[0].contains("subject \u{201c}second try\u{201d}"),
        "{late:?}"
    );
    assert!(
        late.stderr.contains("warning: inbox/selfie.jpg"),
        "{late:?}"
    );
    assert!(!late.stderr.contains("photo.jpg"), "{late:?}");
    // --all lists everything again.
    let all = site.run(&["import", "inbox", "--all"]);
    all.expect(1);
    assert_eq!(error_lines(&all).len(), inbox.rejected.len() + 1, "{all:?}");
    assert!(all.stderr.contains("warning: inbox/photo.jpg"), "{all:?}");
    // The record of earlier rejections is private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(site.path(".handbook/ledger.rejections.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_token_recorded_before_its_code_was_replaced_stays_recorded() {
    let site = site();
    let token = token_for(&site, "T003", 1, SITE_ID, 80);
    site.write("inbox/t3.txt", format!("{token}\n"));
    site.run(&["import", "inbox/t3.txt"]).expect(0);
    // The code is replaced afterwards (a lost letter): the completion made
    // with the old code stands, and nobody is told to do the course again.
    let roster = site.read(".handbook/roster.csv").replace(
        "T003,Person 3,p3@test.example,Hill School,Teacher,\n",
        "T003,Person 3,p3@test.example,Hill School,Teacher,2\n",
    );
    site.write(".handbook/roster.csv", roster);
    let run = site.run(&["import", "inbox/t3.txt"]);
    run.expect(0);
    assert!(
        run.stdout.contains("0 new, 1 already recorded, 0 rejected"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("complete the course again"), "{run:?}");
    // A new token made with the old code is refused, with the reason.
    let newer = token_for(&site, "T003", 1, SITE_ID, 100);
    site.write("inbox/t3-new.txt", format!("{newer}\n"));
    let run = site.run(&["import", "inbox/t3-new.txt"]);
    run.expect(1);
    assert!(run.stderr.contains("made with a replaced code"), "{run:?}");
}
