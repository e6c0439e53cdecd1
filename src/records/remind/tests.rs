//! Who is reminded of what, and what their e-mail says.

use std::collections::{HashMap, HashSet};

use super::message::{self, Letterhead, Unaddressable};
use super::*;
use crate::records::report::Scope;
use crate::records::report::tests::{sample, today};

const SITE: &str = "https://policy.example/";

fn head() -> Letterhead<'static> {
    Letterhead {
        organisation: "Hill & Dale Trust",
        office_email: "office@example.org",
        language: "en-GB",
    }
}

/// The master key the sample's personal links are made from.
const MASTER: [u8; 32] = [7; 32];

/// The report of the sample, as of its day, with `schools` in order.
fn sample_report<'a>(
    roster: &'a crate::records::roster::Roster,
    completions: &'a [crate::records::ledger::Completion],
    library: &'a crate::records::policy::Library,
    schools: &[String],
) -> Report<'a> {
    Report::build(
        roster,
        completions,
        library,
        schools,
        &Scope::default(),
        today(),
    )
}

/// The sample's reminders, with no course lengths.
fn sample_reminders<'a>(report: &Report<'a>) -> Vec<Reminder<'a>> {
    reminders(
        report,
        &MasterKey::from_bytes(MASTER),
        SITE,
        &HashMap::new(),
    )
}

#[test]
fn everyone_with_something_outstanding_gets_one_reminder_listing_it() {
    let (roster, completions, library) = sample();
    let report = sample_report(&roster, &completions, &library, &["Hill".to_string()]);
    let master = MasterKey::from_bytes(MASTER);
    let list = sample_reminders(&report);
    let who: Vec<&str> = list.iter().map(|r| r.person.id.as_str()).collect();
    // Hill's office, Hill's teacher, then the person with no school; Ann
    // and Cy have nothing to do.
    assert_eq!(who, ["T4", "T2", "T5"]);
    let bob = &list[1];
    let tasks: Vec<(&str, Task)> = bob
        .items
        .iter()
        .map(|i| (i.policy.id.as_str(), i.task))
        .collect();
    assert_eq!(tasks, [("sm", Task::Reread), ("bh", Task::Read)]);
    assert_eq!(
        bob.items[0].course_link,
        "https://policy.example/course/index.html#course-sm"
    );
    assert_eq!(
        bob.personal_link,
        format!(
            "https://policy.example/course/index.html#id=T2&code={}",
            master.staff_code("T2", 1)
        )
    );
    assert_eq!(bob.file_name, "T2.eml");
    assert_eq!(bob.overdue(), 0);
    assert!(bob.items.iter().all(|i| !i.overdue));
    assert_eq!(bob.items[0].last_done.unwrap().to_string(), "1970-01-03");
}

#[test]
fn file_names_are_safe_and_never_shared() {
    let mut taken = HashSet::new();
    assert_eq!(file_name("T042", &mut taken), "T042.eml");
    assert_eq!(file_name("../etc/passwd", &mut taken), "___etc_passwd.eml");
    assert_eq!(file_name("a b", &mut taken), "a_b.eml");
    assert_eq!(file_name("a/b", &mut taken), "a_b-2.eml");
    assert_eq!(file_name("t042", &mut taken), "t042-2.eml");
    assert_eq!(file_name("  ", &mut taken), "reminder.eml");
}

#[test]
fn the_csv_has_a_row_per_person_and_keeps_cells_as_text() {
    let (mut roster_text, completions, library) = {
        let (_, c, l) = sample();
        (
            "id,name,email,school,role\nT9,=cmd(),,Hill,Teacher\n".to_string(),
            c,
            l,
        )
    };
    roster_text.push_str("T8,Zoë Örn,zoe@example.org,Hill,Teacher\n");
    let roster =
        crate::records::roster::Roster::parse(roster_text.as_bytes(), "r.csv".as_ref()).unwrap();
    let report = Report::build(
        &roster,
        &completions,
        &library,
        &[],
        &Scope::default(),
        today(),
    );
    let list = reminders(
        &report,
        &MasterKey::from_bytes([7; 32]),
        SITE,
        &HashMap::new(),
    );
    let bytes = merge_csv(&list).unwrap();
    assert!(bytes.starts_with("\u{feff}id,name,email,".as_bytes()));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    // Roster order within a role is by name: "=cmd()" sorts first.
    assert_eq!(&rows[0][1], "'=cmd()");
    assert_eq!(&rows[0][10], "", "no address, no draft");
    assert_eq!(&rows[1][1], "Zoë Örn");
    assert_eq!(&rows[1][5], "1970-02-09");
    assert_eq!(
        &rows[1][8],
        "Social Media Policy: read by 1970-02-09; Behaviour Policy: read by 1970-02-09"
    );
    assert_eq!(&rows[1][10], "T8.eml");
}

#[test]
fn subjects_say_what_and_by_when() {
    let (roster, completions, library) = sample();
    let report = sample_report(&roster, &completions, &library, &[]);
    let mut list = sample_reminders(&report);
    let bob = list.iter().position(|r| r.person.id == "T2").unwrap();
    assert_eq!(
        message::subject(&list[bob], &head()),
        "Reminder: 2 policies to read for Hill & Dale Trust, the first by 9 February 1970"
    );
    list[bob].items.truncate(1);
    assert_eq!(
        message::subject(&list[bob], &head()),
        "Reminder: Social Media Policy by 9 February 1970"
    );
    list[bob].items[0].overdue = true;
    assert_eq!(
        message::subject(&list[bob], &head()),
        "Overdue: Social Media Policy (it was due by 9 February 1970)"
    );
}

#[test]
fn both_parts_list_each_policy_with_its_date_and_link() {
    let (roster, completions, library) = sample();
    let report = sample_report(&roster, &completions, &library, &[]);
    let list = sample_reminders(&report);
    let bob = list.iter().find(|r| r.person.id == "T2").unwrap();
    let plain = message::plain(bob, &head());
    assert!(plain.starts_with("Dear Bob Bell,\n"), "{plain}");
    assert!(
        plain.contains(
            "* Social Media Policy\n  It has changed since you read it (you last completed it on \
         3 January 1970): please complete the course for the new version (Version cur) by \
         9 February 1970.\n  Course: https://policy.example/course/index.html#course-sm\n"
        ),
        "{plain}"
    );
    assert!(plain.contains("* Behaviour Policy\n  Please complete its course by 9 February 1970."));
    assert!(plain.contains(&bob.personal_link));
    assert!(plain.contains("send it to office@example.org"));
    let html = message::html(bob, &head());
    assert!(
        html.contains("<p>This is a reminder from Hill &amp; Dale Trust."),
        "{html}"
    );
    assert!(html.contains(
        "<a href=\"https://policy.example/course/index.html#course-bh\">Open the Behaviour \
         Policy course</a>"
    ));
    assert!(html.contains(&format!(
        "<a href=\"{}\">Your personal link</a>",
        bob.personal_link.replace('&', "&amp;")
    )));
    // Nothing for a mail program to fetch.
    assert!(!html.contains("<img") && !html.contains("src="));
}

#[test]
fn a_person_without_a_good_address_cannot_be_mailed() {
    let (roster, completions, library) = sample();
    let report = sample_report(&roster, &completions, &library, &[]);
    let list = sample_reminders(&report);
    let di = list.iter().find(|r| r.person.id == "T4").unwrap();
    assert_eq!(
        message::recipient(di).unwrap_err(),
        Unaddressable::NoAddress
    );
    let mut person = di.person.clone();
    person.email = "di at example".to_string();
    let bad = Reminder {
        person: &person,
        ..di.clone()
    };
    assert_eq!(
        message::recipient(&bad).unwrap_err(),
        Unaddressable::BadAddress("di at example".to_string())
    );
    let from: lettre::message::Mailbox = "Office <office@example.org>".parse().unwrap();
    assert!(message::build(&bad, &head(), &from, true).is_err());
    let bob = list.iter().find(|r| r.person.id == "T2").unwrap();
    let draft = String::from_utf8(
        message::build(bob, &head(), &from, true)
            .unwrap()
            .formatted(),
    )
    .unwrap();
    assert!(draft.contains("X-Unsent: 1\r\n"), "{draft}");
    assert!(
        draft.contains("To: \"Bob Bell\" <bob@example.org>\r\n")
            || draft.contains("To: Bob Bell <bob@example.org>\r\n"),
        "{draft}"
    );
    let sent = String::from_utf8(
        message::build(bob, &head(), &from, false)
            .unwrap()
            .formatted(),
    )
    .unwrap();
    assert!(!sent.contains("X-Unsent"));
}
