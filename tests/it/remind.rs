//! `handbook remind` (SPEC §8) on the statuses fixture (twelve people, two
//! schools, three policies, as of 2026-02-10): the drafts it writes, parsed
//! back with a mail parser; the mail-merge CSV; and delivery to a real SMTP
//! server (Python's aiosmtpd) on 127.0.0.1 that refuses one recipient.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mail_parser::{MessageParser, MimeHeaders as _};

use crate::statuses::{TODAY, fixture};
use crate::support::{POLICY, Site};

const BASE: &str = "https://policy.test.example/staff/";

/// Who has something to do on TODAY, with an address, and what: policy id
/// → the date the mail must give for it.
fn expected() -> BTreeMap<&'static str, Vec<(&'static str, &'static str)>> {
    let os = POLICY;
    BTreeMap::from([
        (
            "bob@test.example",
            vec![
                (os, "19 February 2026"),
                ("behaviour", "1 October 2025"),
                ("kcsie", "14 February 2026"),
            ],
        ),
        ("cy@test.example", vec![("kcsie", "31 December 2025")]),
        (
            "di@test.example",
            vec![(os, "5 March 2026"), ("kcsie", "5 March 2026")],
        ),
        (
            "ed@test.example",
            vec![
                (os, "31 March 2026"),
                ("behaviour", "31 March 2026"),
                ("kcsie", "31 March 2026"),
            ],
        ),
        (
            "fay@test.example",
            vec![(os, "19 February 2026"), ("behaviour", "2 October 2025")],
        ),
        ("gus@test.example", vec![("kcsie", "12 March 2026")]),
        (
            "hal@test.example",
            vec![
                (os, "19 February 2026"),
                ("behaviour", "1 October 2025"),
                ("kcsie", "1 October 2024"),
            ],
        ),
        ("ivy@test.example", vec![(os, "19 February 2026")]),
        (
            "lee@test.example",
            vec![
                (os, "19 February 2026"),
                ("behaviour", "10 February 2026"),
                ("kcsie", "10 February 2026"),
            ],
        ),
    ])
}

/// The fixture with its address, a master key and, if given, a mail
/// server.
fn site(smtp: Option<&str>) -> Site {
    let site = fixture();
    let mut yaml = site
        .read("site.yaml")
        .replace("office_email:", &format!("base_url: {BASE}\noffice_email:"));
    if let Some(smtp) = smtp {
        yaml = yaml.replace("policies:", &format!("{smtp}policies:"));
    }
    site.write("site.yaml", yaml);
    site.run(&["keys", "init"]).expect(0);
    site
}

/// Each person's id → their personal code.
fn code(site: &Site, id: &str) -> String {
    let master = handbook::records::private::load_master_key(site.root()).unwrap();
    master.staff_code(id, 1)
}

/// What one message says, as a mail program reads it.
struct Mail {
    to: String,
    to_name: String,
    subject: String,
    text: String,
    html: String,
    unsent: bool,
}

fn parse(bytes: &[u8]) -> Mail {
    let message = MessageParser::default().parse(bytes).expect("a message");
    let to = message.to().and_then(|a| a.first()).expect("a To");
    let parts = message.parts.len();
    assert!(parts >= 3, "multipart/alternative with two parts");
    assert_eq!(message.content_type().map(|c| c.ctype()), Some("multipart"));
    assert_eq!(
        message.content_type().and_then(|c| c.subtype()),
        Some("alternative")
    );
    Mail {
        to: to.address().unwrap().to_string(),
        to_name: to.name().unwrap_or_default().to_string(),
        subject: message.subject().unwrap_or_default().to_string(),
        // Mail lines end in CRLF.
        text: message
            .body_text(0)
            .expect("a text part")
            .replace("\r\n", "\n"),
        html: message.body_html(0).expect("an HTML part").into_owned(),
        unsent: message
            .header_raw("X-Unsent")
            .is_some_and(|v| v.trim() == "1"),
    }
}

/// Checks `mail` lists exactly its person's policies, dates and links.
fn check(site: &Site, mail: &Mail, ids: &BTreeMap<String, String>) {
    let want = &expected()[mail.to.as_str()];
    let id = &ids[&mail.to];
    for (policy, date) in want {
        let link = format!("{BASE}course/index.html#course-{policy}");
        assert!(
            mail.text.contains(&format!("Course: {link}\n")),
            "{}",
            mail.text
        );
        assert!(
            mail.html.contains(&format!("<a href=\"{link}\">")),
            "{}",
            mail.html
        );
        assert!(
            mail.text.contains(date),
            "{date} for {policy} in {}",
            mail.text
        );
    }
    for other in [POLICY, "behaviour", "kcsie"] {
        if !want.iter().any(|(p, _)| *p == other) {
            assert!(
                !mail.text.contains(&format!("#course-{other}")),
                "{}",
                mail.text
            );
        }
    }
    // The code is percent-encoded in the link.
    let code: String = code(site, id)
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let personal = format!("{BASE}course/index.html#id={id}&code={code}");
    assert!(mail.text.contains(&personal), "{}", mail.text);
    assert!(
        mail.html
            .contains(&format!("<a href=\"{}\">", personal.replace('&', "&amp;"))),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("send it to office@test.example"));
}

/// Roster address → id.
fn ids() -> BTreeMap<String, String> {
    crate::statuses::ROSTER
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (!cells[2].is_empty()).then(|| (cells[2].to_string(), cells[0].to_string()))
        })
        .collect()
}

#[test]
fn drafts_go_to_exactly_the_people_with_something_to_do() {
    let site = site(None);
    let run = site.run(&["remind", "--today", TODAY, "--out", ".handbook/reminders"]);
    run.expect(0);
    assert!(
        run.stdout.contains(
            "10 people have something to read as of 2026-02-10 (5 with something overdue)."
        ),
        "{run:?}"
    );
    // Jo has no address: listed for a printed note, with what and when.
    assert!(
        run.stdout.contains(
            "  - Jo Jones (T10, Dale School; no e-mail address): Keeping Children Safe: read \
             (overdue since 2024-10-01); Online Safety Policy: read by 2026-02-19"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("Wrote 9 e-mail drafts and reminders.csv"),
        "{run:?}"
    );
    let dir = site.path(".handbook/reminders");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".handbook-reminders",
            "T02.eml",
            "T03.eml",
            "T04.eml",
            "T05.eml",
            "T06.eml",
            "T07.eml",
            "T08.eml",
            "T09.eml",
            "T12.eml",
            "reminders.csv"
        ]
    );
    let ids = ids();
    let mut seen = Vec::new();
    for name in names.iter().filter(|n| n.ends_with(".eml")) {
        let mail = parse(&std::fs::read(dir.join(name)).unwrap());
        assert_eq!(format!("{}.eml", ids[&mail.to]), *name);
        assert!(mail.unsent, "a draft opens ready to send in Outlook");
        check(&site, &mail, &ids);
        seen.push(mail.to.clone());
        if mail.to == "bob@test.example" {
            assert_eq!(mail.to_name, "Bob Bell");
            assert_eq!(
                mail.subject,
                "Overdue: 3 policies to read for Test Primary Trust, 1 overdue"
            );
            // Overdue first, then by date.
            let at = |words: &str| mail.text.find(words).unwrap();
            assert!(at("* Behaviour Policy") < at("* Keeping Children Safe"));
            assert!(at("* Keeping Children Safe") < at("* Online Safety Policy"));
            assert!(
                mail.text.contains(
                    "It has changed since you read it (you last completed it on 10 September \
                 2025): please complete the course for the new version (January 2026) by 19 \
                 February 2026."
                ),
                "{}",
                mail.text
            );
            assert!(mail.text.contains(
                "It is time to confirm it again (you last completed it on 15 January 2025): \
                 please complete its course by 14 February 2026."
            ));
        }
        if mail.to == "ivy@test.example" {
            assert_eq!(
                mail.subject,
                "Reminder: Online Safety Policy by 19 February 2026"
            );
        }
        if mail.to == "cy@test.example" {
            assert_eq!(
                mail.subject,
                "Overdue: Keeping Children Safe (it was due by 31 December 2025)"
            );
        }
    }
    seen.sort();
    assert_eq!(seen, expected().keys().copied().collect::<Vec<_>>());

    let csv = std::fs::read(dir.join("reminders.csv")).unwrap();
    assert!(csv.starts_with(b"\xef\xbb\xbfid,name,email,school,role,first_due,overdue,"));
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let rows: BTreeMap<String, csv::StringRecord> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r)
        })
        .collect();
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        [
            "T02", "T03", "T04", "T05", "T06", "T07", "T08", "T09", "T10", "T12"
        ]
    );
    let hal = &rows["T08"];
    assert_eq!(&hal[5], "2024-10-01");
    assert_eq!(&hal[6], "2");
    assert_eq!(&hal[10], "T08.eml");
    assert_eq!(&rows["T10"][10], "", "no address, no draft");
    assert!(rows["T10"][9].starts_with(&format!("{BASE}course/index.html#id=T10&code=")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("T02.eml")), 0o600);
        assert_eq!(mode(&dir.join("reminders.csv")), 0o600);
    }

    // A second run replaces the drafts: after Bob's completions are
    // recorded, his draft is gone. Drafts never need --again.
    for (policy, date) in [
        (POLICY, "2026-02-09"),
        ("behaviour", "2026-02-09"),
        ("kcsie", "2026-02-09"),
    ] {
        let version = handbook::versions::policy_version_id(site.root(), policy).unwrap();
        site.run(&[
            "record",
            "T02",
            "--policy",
            policy,
            "--version",
            &version,
            "--date",
            date,
            "--note",
            "paper",
        ])
        .expect(0);
    }
    site.run(&["remind", "--today", TODAY, "--out", ".handbook/reminders"])
        .expect(0);
    assert!(!dir.join("T02.eml").exists());
    assert!(dir.join("T03.eml").exists());
}

#[test]
fn school_and_policy_narrow_who_is_reminded_and_of_what() {
    let site = site(None);
    site.run(&[
        "remind",
        "--today",
        TODAY,
        "--school",
        "dale school",
        "--policy",
        "kcsie",
        "--out",
        "drafts",
    ])
    .expect(0);
    let mut names: Vec<String> = std::fs::read_dir(site.path("drafts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    assert_eq!(names, ["T07.eml", "T08.eml", "T12.eml"]);
    let hal = parse(&std::fs::read(site.path("drafts/T08.eml")).unwrap());
    assert!(hal.text.contains("#course-kcsie") && !hal.text.contains("#course-behaviour"));
}

#[test]
fn drafts_are_never_written_where_they_would_be_published_or_over_other_files() {
    let site = site(None);
    for out in ["output/reminders", "content/x", "."] {
        let run = site.run(&["remind", "--today", TODAY, "--out", out]);
        run.expect(1);
        assert!(
            run.stderr.contains("--out .handbook/reminders"),
            "{out}: {run:?}"
        );
    }
    assert!(!site.path("output").exists() && !site.path("content/x").exists());
    site.write("mine/notes.txt", "keep me");
    let run = site.run(&["remind", "--today", TODAY, "--out", "mine"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains("`notes.txt`, which `handbook remind` did not write"),
        "{run:?}"
    );
    assert_eq!(site.read("mine/notes.txt"), "keep me");
    assert_eq!(std::fs::read_dir(site.path("mine")).unwrap().count(), 1);
    // Without the site's address there is nothing to link to.
    let bare = fixture();
    bare.run(&["keys", "init"]).expect(0);
    let run = bare.run(&["remind", "--today", TODAY]);
    run.expect(1);
    assert!(run.stderr.contains("base_url"), "{run:?}");
}

/// A Python with aiosmtpd: the one on PATH or Debian's (python3-aiosmtpd,
/// which .ci/run installs).
fn python() -> PathBuf {
    for candidate in ["python3", "/usr/bin/python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return PathBuf::from(candidate);
        }
    }
    panic!("no python3 with aiosmtpd: install python3-aiosmtpd (.ci/run does)");
}

/// A real SMTP server on 127.0.0.1 saving what it takes to a folder;
/// stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    inbox: tempfile::TempDir,
}

impl SmtpServer {
    fn start(refused: &[&str]) -> SmtpServer {
        let inbox = tempfile::tempdir().unwrap();
        let script = crate::support::project_root().join("tests/fixtures/smtp/server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(inbox.path())
            .args(refused)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the server said {line:?}"));
        SmtpServer { child, port, inbox }
    }

    /// Every message it has taken, parsed, in arrival order.
    fn received(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.inbox.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| parse(&std::fs::read(f).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[test]
fn sending_delivers_to_a_real_server_and_one_refusal_stops_nothing() {
    let server = SmtpServer::start(&["bob@test.example"]);
    let site = site(Some(&format!(
        "smtp:\n  host: 127.0.0.1\n  port: {}\n  from: Test office <office@test.example>\n",
        server.port
    )));
    let run = site.run(&["remind", "--today", TODAY, "--send"]);
    // One could not be sent: exit 1, but every other message went.
    run.expect(1);
    assert!(
        run.stdout.contains(&format!(
            "Sending 9 reminders through 127.0.0.1:{}",
            server.port
        )),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("  FAILED  Bob Bell <bob@test.example>: ")
            && run.stdout.contains("550"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("  sent    Lee Lamb <lee@test.example>"),
        "{run:?}"
    );
    assert!(run.stdout.contains("Sent 8 of 9."), "{run:?}");
    assert!(
        run.stderr.contains("1 of 9 reminders could not be sent"),
        "{run:?}"
    );
    let got = server.received();
    let mut to: Vec<&str> = got.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    let want: Vec<&str> = expected()
        .keys()
        .copied()
        .filter(|a| *a != "bob@test.example")
        .collect();
    assert_eq!(to, want);
    let ids = ids();
    for mail in &got {
        assert!(!mail.unsent, "a sent message is not a draft");
        check(&site, mail, &ids);
    }
    let log = site.read(".handbook/reminders-sent.csv");
    assert_eq!(
        log.lines().filter(|l| l.contains(",sent,")).count(),
        8,
        "{log}"
    );
    assert_eq!(
        log.lines().filter(|l| l.contains(",failed,")).count(),
        1,
        "{log}"
    );

    // The same day again: refused without --again, and nothing goes.
    let again = site.run(&["remind", "--today", TODAY, "--send"]);
    again.expect(1);
    assert!(
        again
            .stderr
            .contains("reminders were already sent on 2026-02-10 (8 messages)")
            && again.stderr.contains("--again"),
        "{again:?}"
    );
    assert_eq!(server.received().len(), 8);
    // Drafts are not sending: no --again needed.
    site.run(&["remind", "--today", TODAY, "--out", ".handbook/r"])
        .expect(0);
    site.run(&["remind", "--today", TODAY, "--send", "--again"])
        .expect(1);
    assert_eq!(server.received().len(), 16);
}

#[test]
fn an_account_needs_its_password_from_the_environment() {
    let site = site(Some(
        "smtp:\n  host: 127.0.0.1\n  port: 9\n  from: office@test.example\n  username: office\n",
    ));
    let run = site.run(&["remind", "--today", TODAY, "--send"]);
    run.expect(1);
    assert!(
        run.stderr.contains("HANDBOOK_SMTP_PASSWORD is not set"),
        "{run:?}"
    );
    assert!(!site.path(".handbook/reminders-sent.csv").exists());
    // A password in site.yaml is refused, pointing to the variable.
    let yaml = site
        .read("site.yaml")
        .replace("  username: office\n", "  password: hunter2\n");
    site.write("site.yaml", yaml);
    let run = site.run(&["remind", "--today", TODAY]);
    run.expect(1);
    assert!(run.stderr.contains("unknown field `password`"), "{run:?}");
    assert!(run.stderr.contains("HANDBOOK_SMTP_PASSWORD"), "{run:?}");
}

#[test]
fn letters_give_each_policys_due_date() {
    let site = site(None);
    let output = site
        .command(&[
            "codes",
            ".handbook/roster.csv",
            "--out",
            ".handbook/codes.csv",
            "--letters",
            ".handbook/letters.html",
        ])
        .env("HANDBOOK_TODAY", TODAY)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let html = site.read(".handbook/letters.html");
    let letter = |name: &str| {
        let start = html.find(&format!("<p>Dear {name},</p>")).unwrap();
        let end = html[start..].find("</section>").unwrap();
        html[start..start + end].to_string()
    };
    let bob = letter("Bob Bell");
    for line in [
        "<li>Online Safety Policy (January 2026, a course of about 1 minute): by <strong>19 February \
         2026</strong></li>",
        "<li>Behaviour Policy (Spring 2026, a course of about 1 minute): <strong>overdue</strong>, it \
         was due by 1 October 2025</li>",
        "<li>Keeping Children Safe (Spring 2026): by <strong>14 February 2026</strong></li>",
    ] {
        assert!(bob.contains(line), "{line} in {bob}");
    }
    let ann = letter("Ann Able");
    assert!(
        ann.contains("<li>Behaviour Policy (Spring 2026, a course of about 1 minute): done, nothing to do now</li>"),
        "{ann}"
    );
    // Volunteers do not read the behaviour policy.
    assert!(!letter("Di Dunn").contains("Behaviour Policy"));
}
