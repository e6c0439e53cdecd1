//! `handbook remind [--out DIR] [--school S] [--policy P] [--send [--again]] [--today DATE]`:
//! one reminder per person with anything due, overdue, to re-read or to
//! renew (made by `records::remind`); this lists them, writes the drafts
//! and the mail-merge CSV, and sends them, saying what became of each.

use std::path::{Path, PathBuf};

use super::report::{Asked, Inputs};
use crate::cli::RemindArgs;
use handbook::config::{SiteConfig, SmtpConfig};
use handbook::error::{Diagnostic, Error, Result};
use handbook::records::private;
use handbook::records::remind::log::{Outcome, SENT_LOG_FILE, SentLog};
use handbook::records::remind::message::{self, Letterhead, Unaddressable};
use handbook::records::remind::send::{Server, ServerError};
use handbook::records::remind::{self, Reminder};
use handbook::util::text::terminal_safe;

/// Where the password for site.yaml's `smtp:` account comes from.
const PASSWORD_VARIABLE: &str = "HANDBOOK_SMTP_PASSWORD";

/// Marks a folder of drafts this command wrote, which a later run may
/// replace.
const DRAFTS_MARKER: &str = ".handbook-reminders";

/// The mail-merge file in the drafts folder.
const MERGE_FILE: &str = "reminders.csv";

pub(crate) fn run(root: &Path, args: &RemindArgs) -> Result<()> {
    let inputs = Inputs::load(
        root,
        &args.records,
        &Asked {
            policy: args.policy.as_deref(),
            school: args.school.as_deref(),
            today: args.today.as_deref(),
            command: "remind",
        },
    )?;
    let (config, today) = (&inputs.config, inputs.today);
    let site = config.base_url().ok_or_else(|| {
        Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                "reminders need the site's address, and site.yaml has no base_url",
            )
            .help(
                "add `base_url: https://…/` with the address the site is published at, \
                 so that each reminder's links can be opened",
            ),
        )
    })?;
    // Check the mail server's settings before any work, so a send that
    // cannot happen fails at once.
    let server = match args.send {
        true => Some(server(config)?),
        false => None,
    };
    let report = inputs.report(&inputs.scope());
    let master = super::master_key(root)?;
    let minutes = super::course_minutes(root, config)?;
    let reminders = remind::reminders(&report, &master, &site, &minutes);
    let head = Letterhead {
        organisation: &config.organisation,
        office_email: &config.office_email,
        language: &config.language,
    };
    list(&reminders, today);
    if let Some(dir) = &args.out {
        write_drafts(root, dir, &reminders, &head, config)?;
    }
    match server {
        Some(server) => send(root, &server, &reminders, &head, config, today, args.again),
        None => {
            if args.out.is_none() && !reminders.is_empty() {
                println!(
                    "Nothing was written or sent. Add --out DIR to write the e-mails as drafts \
                     (and a mail-merge CSV), or --send to send them."
                );
            }
            Ok(())
        }
    }
}

/// A roster string, safe to print.
fn safe(text: &str) -> String {
    terminal_safe(text).into_owned()
}

/// Who is to be reminded, and those who cannot be e-mailed in full.
fn list(reminders: &[Reminder<'_>], today: chrono::NaiveDate) {
    if reminders.is_empty() {
        println!("Nobody has a policy due, overdue, to re-read or to renew as of {today}.");
        return;
    }
    let overdue = reminders.iter().filter(|r| r.overdue() > 0).count();
    println!(
        "{} {} something to read as of {today} ({overdue} with something overdue).",
        reminders.len(),
        if reminders.len() == 1 {
            "person has"
        } else {
            "people have"
        },
    );
    let unmailable: Vec<(&Reminder<'_>, Unaddressable)> = reminders
        .iter()
        .filter_map(|r| message::recipient(r).err().map(|why| (r, why)))
        .collect();
    if unmailable.is_empty() {
        return;
    }
    println!(
        "\n{} cannot be e-mailed: give them a printed reminder (they are in the CSV too), \
         or add their address to the roster:",
        unmailable.len()
    );
    for (r, why) in unmailable {
        let p = r.person;
        let why = match why {
            Unaddressable::NoAddress => "no e-mail address".to_string(),
            Unaddressable::BadAddress(a) => format!("`{}` is not an e-mail address", safe(&a)),
        };
        let school = if p.school.is_empty() {
            String::new()
        } else {
            format!(", {}", safe(&p.school))
        };
        let what: Vec<String> = r
            .items
            .iter()
            .map(|i| format!("{}: {}", safe(&i.policy.title), remind::summary(i)))
            .collect();
        println!(
            "  - {} ({}{school}; {why}): {}",
            safe(&p.name),
            safe(&p.id),
            what.join("; ")
        );
    }
}

/// The mail server of site.yaml's `smtp:`, with the password from the
/// environment when it names an account.
fn server(config: &SiteConfig) -> Result<Server> {
    let smtp: &SmtpConfig = config.smtp.as_ref().ok_or_else(|| {
        Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                "--send needs a mail server, and site.yaml has no `smtp:`",
            )
            .help(
                "add the school's mail server, e.g.\n  smtp:\n    host: smtp.office365.com\n    \
                     port: 587\n    from: Oak Trust office <office@oak.example>\n    username: \
                     office@oak.example\nand set HANDBOOK_SMTP_PASSWORD when you send; or write \
                     drafts with --out DIR instead",
            ),
        )
    })?;
    let password = std::env::var(PASSWORD_VARIABLE)
        .ok()
        .filter(|p| !p.is_empty());
    Server::new(smtp, password.as_deref()).map_err(|err| match err {
        ServerError::NoPassword => Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                format!(
                    "the mail server account `{}` needs a password, and {PASSWORD_VARIABLE} is not set",
                    safe(smtp.username.as_deref().unwrap_or_default())
                ),
            )
            .help(format!(
                "set it for this command only, e.g. `read -rs {PASSWORD_VARIABLE} && export \
                 {PASSWORD_VARIABLE}` then run remind --send; it is never read from a file"
            )),
        ),
        ServerError::Tls(why) => Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                format!("cannot set up TLS for `{}`: {}", safe(&smtp.host), safe(&why)),
            )
            .help("check smtp.host is the mail server's name"),
        ),
    })
}

/// The sender site.yaml's `smtp: from` gives, or the office's address.
fn sender(config: &SiteConfig) -> Result<lettre::message::Mailbox> {
    let from = match &config.smtp {
        Some(smtp) => smtp.from.clone(),
        None => config.office_email.clone(),
    };
    from.trim().parse().map_err(|_| {
        Error::input(
            Diagnostic::error(
                "site.yaml",
                None,
                "reminders need a sender: neither `smtp: from` nor `office_email` gives an e-mail address",
            )
            .help("set office_email (or smtp: from) to the office's address"),
        )
    })
}

/// Writes a draft per person with an address, and the CSV, into `dir`:
/// made in a private folder beside it and swapped in whole, so a failure
/// leaves the earlier drafts as they were.
fn write_drafts(
    root: &Path,
    dir: &Path,
    reminders: &[Reminder<'_>],
    head: &Letterhead<'_>,
    config: &SiteConfig,
) -> Result<()> {
    check_drafts_folder(root, dir)?;
    let from = sender(config)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|err| Error::creating(&parent, err))?;
    let staging = tempfile::Builder::new()
        .prefix(".handbook-reminders-")
        .tempdir_in(&parent)
        .map_err(|err| Error::creating(&parent, err))?;
    handbook::util::fs::private_dir(staging.path())?;
    let mut drafts = 0;
    for r in reminders {
        if let Ok(mail) = message::build(r, head, &from, true) {
            handbook::util::fs::write_private(
                &staging.path().join(&r.file_name),
                &mail.formatted(),
            )?;
            drafts += 1;
        }
    }
    handbook::util::fs::write_private(
        &staging.path().join(MERGE_FILE),
        &remind::merge_csv(reminders)?,
    )?;
    handbook::util::fs::write_private(
        &staging.path().join(DRAFTS_MARKER),
        b"Reminder drafts written by `handbook remind --out`; the next run replaces them.\n",
    )?;
    let staged = staging.keep();
    if dir.exists() {
        let old = parent.join(format!(".handbook-reminders-old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(|err| Error::writing(dir, err))?;
        std::fs::rename(&staged, dir).map_err(|err| Error::writing(dir, err))?;
        // Only this command's own files were in it (checked above).
        std::fs::remove_dir_all(&old).map_err(|err| Error::writing(&old, err))?;
    } else {
        std::fs::rename(&staged, dir).map_err(|err| Error::writing(dir, err))?;
    }
    println!(
        "Wrote {drafts} e-mail {} and {MERGE_FILE} to {}. They hold personal links: keep \
         the folder private, and delete it once the reminders are sent.",
        if drafts == 1 { "draft" } else { "drafts" },
        safe(&dir.display().to_string())
    );
    Ok(())
}

/// Refuses a drafts folder that would publish or commit personal links,
/// or that holds files this command did not write.
fn check_drafts_folder(root: &Path, dir: &Path) -> Result<()> {
    let refuse = |why: String| {
        Error::input(
            Diagnostic::error(dir, None, why)
                .help("choose a new folder for the drafts, e.g. `--out .handbook/reminders`"),
        )
    };
    let target = handbook::util::paths::resolved(
        &handbook::util::paths::lexical_absolute(dir).map_err(|err| Error::reading(dir, err))?,
    );
    let site = handbook::util::paths::resolved(
        &handbook::util::paths::lexical_absolute(root).map_err(|err| Error::reading(root, err))?,
    );
    for public in [
        "output",
        "content",
        "quizzes",
        "themes",
        "static",
        "templates",
        "versions",
    ] {
        if handbook::util::paths::overlap(&target, &site.join(public)) {
            return Err(refuse(format!(
                "the drafts hold personal links, and this folder is in or around {public}/, \
                 which is published or committed"
            )));
        }
    }
    if target
        .ancestors()
        .any(|a| a.join(".handbook-output").is_file())
    {
        return Err(refuse(
            "the drafts hold personal links, and this folder is inside a built site".to_string(),
        ));
    }
    if target == site {
        return Err(refuse("this is the handbook's own folder".to_string()));
    }
    if dir.exists() {
        let ours = dir.join(DRAFTS_MARKER).is_file();
        let entries = std::fs::read_dir(dir).map_err(|err| Error::reading(dir, err))?;
        for entry in entries {
            let entry = entry.map_err(|err| Error::reading(dir, err))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let mine = name == DRAFTS_MARKER || name == MERGE_FILE || name.ends_with(".eml");
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if !(ours && mine && is_file) {
                return Err(refuse(format!(
                    "it already holds `{}`, which `handbook remind` did not write; nothing in \
                     it was changed",
                    safe(&name)
                )));
            }
        }
    }
    Ok(())
}

/// Sends each reminder, saying what became of it, and records it in the
/// sent log. Refuses a second send on the same day without `again`.
fn send(
    root: &Path,
    server: &Server,
    reminders: &[Reminder<'_>],
    head: &Letterhead<'_>,
    config: &SiteConfig,
    today: chrono::NaiveDate,
    again: bool,
) -> Result<()> {
    let from = sender(config)?;
    private::ensure_private_dir(root)?;
    let log = SentLog::at(&root.join(SENT_LOG_FILE));
    let earlier = log.sent_on(today)?;
    if earlier > 0 && !again {
        return Err(Error::input(
            Diagnostic::error(
                root.join(SENT_LOG_FILE),
                None,
                format!(
                    "reminders were already sent on {today} ({earlier} {}); nothing was sent now",
                    if earlier == 1 { "message" } else { "messages" }
                ),
            )
            .help("add --again to send them again today, or wait until tomorrow"),
        ));
    }
    let mailable: Vec<&Reminder<'_>> = reminders
        .iter()
        .filter(|r| message::recipient(r).is_ok())
        .collect();
    if mailable.is_empty() {
        println!("No e-mail to send.");
        return Ok(());
    }
    println!(
        "\nSending {} {} through {}:",
        mailable.len(),
        if mailable.len() == 1 {
            "reminder"
        } else {
            "reminders"
        },
        safe(&server.description)
    );
    let mut failed = 0;
    for r in &mailable {
        let p = r.person;
        let who = format!("{} <{}>", safe(&p.name), safe(p.email.trim()));
        let outcome = match message::build(r, head, &from, false) {
            Ok(mail) => match server.send(&mail) {
                Ok(()) => Outcome::Sent,
                Err(why) => Outcome::Failed(why),
            },
            Err(_) => Outcome::Failed("not an e-mail address".to_string()),
        };
        match &outcome {
            Outcome::Sent => println!("  sent    {who}"),
            Outcome::Failed(why) => {
                failed += 1;
                println!("  FAILED  {who}: {}", safe(why));
            }
        }
        log.append(today, &p.id, p.email.trim(), &outcome)?;
    }
    let sent = mailable.len() - failed;
    println!("Sent {sent} of {}.", mailable.len());
    if failed > 0 {
        return Err(Error::input(
            Diagnostic::error(
                root.join(SENT_LOG_FILE),
                None,
                format!(
                    "{failed} of {} {} could not be sent (listed above); the rest were sent",
                    mailable.len(),
                    if mailable.len() == 1 {
                        "reminder"
                    } else {
                        "reminders"
                    }
                ),
            )
            .help(
                "correct the addresses on the roster, or give those people a printed reminder; \
                 `remind --send --again` sends to everyone again",
            ),
        ));
    }
    Ok(())
}
