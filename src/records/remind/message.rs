//! A reminder as an e-mail: the subject, a plain-text and an HTML part
//! saying the same, and the whole RFC 5322 message (lettre writes it:
//! UTF-8, encoded words in the headers, quoted-printable bodies). A draft
//! carries `X-Unsent: 1`, so that Outlook opens it ready to send; the
//! other mail programs open an `.eml` as a message to edit or forward.

use std::fmt::Write as _;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::{Item, Reminder, Task, long_date};
use crate::util::html::escape as esc;

/// Who reminders come from, and what they say about it.
#[derive(Debug, Clone, Copy)]
pub struct Letterhead<'a> {
    /// The school or trust, e.g. "Oak Trust".
    pub organisation: &'a str,
    /// Where staff send their tokens ("" when site.yaml gives none).
    pub office_email: &'a str,
    /// The language of the text, for the HTML part's `lang`.
    pub language: &'a str,
}

/// Why a reminder cannot be written as an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unaddressable {
    /// The roster gives the person no e-mail address.
    NoAddress,
    /// The roster's address is not one (as written there).
    BadAddress(String),
}

/// The person's address as a mailbox with their name.
pub fn recipient(reminder: &Reminder<'_>) -> Result<Mailbox, Unaddressable> {
    let p = reminder.person;
    let email = p.email.trim();
    if email.is_empty() {
        return Err(Unaddressable::NoAddress);
    }
    let address = email
        .parse::<lettre::Address>()
        .map_err(|_| Unaddressable::BadAddress(email.to_string()))?;
    let name = p.name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        address,
    ))
}

/// The subject line: the one policy and its date, or how many there are
/// and how many are overdue.
pub fn subject(reminder: &Reminder<'_>, head: &Letterhead<'_>) -> String {
    match reminder.items.as_slice() {
        [one] if one.overdue => format!(
            "Overdue: {} (it was due by {})",
            one.policy.title,
            long_date(one.due)
        ),
        [one] => format!("Reminder: {} by {}", one.policy.title, long_date(one.due)),
        items => {
            let overdue = reminder.overdue();
            let first = reminder.first_due().map(long_date).unwrap_or_default();
            if overdue > 0 {
                format!(
                    "Overdue: {} policies to read for {}, {overdue} overdue",
                    items.len(),
                    head.organisation
                )
            } else {
                format!(
                    "Reminder: {} policies to read for {}, the first by {first}",
                    items.len(),
                    head.organisation
                )
            }
        }
    }
}

/// What an item asks, as a sentence.
fn sentence(item: &Item<'_>) -> String {
    let due = long_date(item.due);
    let since = item
        .last_done
        .map(|d| format!(" (you last completed it on {})", long_date(d)))
        .unwrap_or_default();
    let measured = item.policy.measured_version();
    let label = item
        .policy
        .version(measured)
        .map(|v| v.label.as_str())
        .filter(|l| !l.is_empty())
        .unwrap_or(&item.policy.label);
    let long = match item.minutes {
        Some(1) => " The course takes about 1 minute.".to_string(),
        Some(n) => format!(" The course takes about {n} minutes."),
        None => String::new(),
    };
    let what = match (item.task, item.overdue) {
        (Task::Read, false) => format!("Please complete its course by {due}."),
        (Task::Read, true) => format!("Its course was due by {due} and is now overdue."),
        (Task::Reread, false) => format!(
            "It has changed since you read it{since}: please complete the course for the \
             new version ({label}) by {due}."
        ),
        (Task::Reread, true) => format!(
            "It has changed since you read it{since}, and the course for the new version \
             ({label}) was due by {due}: it is now overdue."
        ),
        (Task::Renew, false) => {
            format!("It is time to confirm it again{since}: please complete its course by {due}.")
        }
        (Task::Renew, true) => {
            format!("Confirming it again{since} was due by {due} and is now overdue.")
        }
    };
    what + &long
}

/// The closing lines about sending the token, as plain text.
fn send_token(head: &Letterhead<'_>) -> String {
    let to = head.office_email.trim();
    if to.is_empty() {
        "At the end of each course you get a completion token: send it to the school \
         office by e-mail, as the course's last page shows."
            .to_string()
    } else {
        format!(
            "At the end of each course you get a completion token: send it to {to}, as \
             the course's last page shows."
        )
    }
}

/// The plain-text part.
pub fn plain(reminder: &Reminder<'_>, head: &Letterhead<'_>) -> String {
    let p = reminder.person;
    let mut out = String::new();
    let _ = writeln!(out, "Dear {},\n", p.name.trim());
    let _ = writeln!(
        out,
        "This is a reminder from {}. {}\n",
        head.organisation,
        intro(reminder)
    );
    for item in &reminder.items {
        let _ = writeln!(out, "* {}", item.policy.title);
        let _ = writeln!(out, "  {}", sentence(item));
        let _ = writeln!(out, "  Course: {}\n", item.course_link);
    }
    let _ = writeln!(
        out,
        "Your personal link signs you in to the course with your id and code:\n{}\n",
        reminder.personal_link
    );
    let _ = writeln!(
        out,
        "Keep this e-mail to yourself: the link holds your personal code. Open it on \
         your own phone, tablet or computer, or in a private window on a shared one.\n"
    );
    let _ = writeln!(out, "{}\n", send_token(head));
    let _ = writeln!(out, "Thank you,\n{}", head.organisation);
    out
}

/// The sentence that says how much there is.
fn intro(reminder: &Reminder<'_>) -> String {
    match reminder.items.len() {
        1 => "There is a policy for you to read in our staff policy course:".to_string(),
        n => format!("There are {n} policies for you to read in our staff policy course:"),
    }
}

/// The HTML part: the same words, with links. Inline styles only and no
/// images, so that it reads the same in every mail program and fetches
/// nothing.
pub fn html(reminder: &Reminder<'_>, head: &Letterhead<'_>) -> String {
    let p = reminder.person;
    let mut items = String::new();
    for item in &reminder.items {
        let _ = writeln!(
            items,
            "<li style=\"margin-bottom:12px\"><strong>{title}</strong><br>{sentence}<br>\
             <a href=\"{link}\">Open the {title} course</a></li>",
            title = esc(&item.policy.title),
            sentence = esc(&sentence(item)),
            link = esc(&item.course_link),
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{subject}</title>\n</head>\n\
         <body style=\"font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a\">\n\
         <p>Dear {name},</p>\n<p>This is a reminder from {org}. {intro}</p>\n<ul>\n{items}</ul>\n\
         <p><a href=\"{personal}\">Your personal link</a> signs you in to the course with your \
         id and code.</p>\n\
         <p>Keep this e-mail to yourself: the link holds your personal code. Open it on your \
         own phone, tablet or computer, or in a private window on a shared one.</p>\n\
         <p>{token}</p>\n<p>Thank you,<br>{org}</p>\n</body>\n</html>\n",
        lang = esc(head.language),
        subject = esc(&subject(reminder, head)),
        name = esc(p.name.trim()),
        org = esc(head.organisation),
        intro = esc(&intro(reminder)),
        personal = esc(&reminder.personal_link),
        token = esc(&send_token(head)),
    )
}

/// The whole message from `from` to the person; a `draft` is marked
/// unsent for Outlook.
pub fn build(
    reminder: &Reminder<'_>,
    head: &Letterhead<'_>,
    from: &Mailbox,
    draft: bool,
) -> Result<Message, Unaddressable> {
    let to = recipient(reminder)?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject(reminder, head))
        .date_now();
    if draft {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Unsent"),
            "1".to_string(),
        ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            plain(reminder, head),
            html(reminder, head),
        ))
        // Only a missing From or To fails, and both are set above.
        .map_err(|err| Unaddressable::BadAddress(err.to_string()))
}
