//! Command-line definitions (clap derive). The doc comments here are the
//! `--help` text; the work itself lives in `cmd/` and the library modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use handbook::config::ReviewDate;

/// handbook turns a school policy written in Markdown into a policy handbook
/// website and staff training course, and keeps the record of who has read it.
#[derive(Debug, Parser)]
#[command(name = "handbook", version, about, long_about = None)]
pub struct Cli {
    /// The handbook's folder (where site.yaml is).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the whole site into output/ (or --out). A failed build leaves
    /// the previous output untouched.
    Build(BuildArgs),
    /// Check everything a build checks, plus links, anchors and the review
    /// date, without writing anything. Exits 1 on any error.
    Check(CheckArgs),
    /// Create a new handbook in DIR that builds at once.
    New(NewArgs),
    /// Preview the site as you edit: build it into a private temporary
    /// folder (removed on exit; output/ is not touched), serve it at
    /// http://127.0.0.1:1111/, rebuild when site.yaml, content/, quizzes/,
    /// themes/, templates/ or static/ change, and reload open pages. A
    /// change that does not build keeps the last good site and shows the
    /// error on the page. Ctrl-C stops.
    Serve(ServeArgs),
    /// Record the current content as a published version in versions.yaml
    /// (and keep its source under versions/ for "what changed" pages).
    Publish(PublishArgs),
    /// Manage the master key from which every staff code is made.
    Keys(KeysArgs),
    /// Issue each person on ROSTER (the staff list, CSV or .xlsx) their
    /// personal code and link (CSV), and optionally a printable letter
    /// each (HTML).
    Codes(CodesArgs),
    /// Import completion tokens from files, folders (searched through) or
    /// `-` (standard input): saved e-mails, pasted lists, any text. Exits 1
    /// if any token was rejected; the valid ones are still recorded.
    Import(ImportArgs),
    /// Record a completion on someone's behalf (a paper sign-off). It is
    /// marked as such in the ledger and the report. --undo revokes one
    /// recorded in error (kept in the ledger, marked as revoked).
    Record(RecordArgs),
    /// The compliance report: everyone on the roster against every policy
    /// their role must read, per school and role. Prints a summary; --html
    /// and --csv write the full report.
    Report(ReportArgs),
    /// Remind everyone with a policy due, overdue, to re-read or to renew:
    /// one e-mail each listing those policies, their due dates and links.
    /// Lists who would be reminded; --out writes the e-mails as drafts
    /// (.eml) and a mail-merge CSV; --send delivers them through site.yaml's
    /// `smtp:` server (password from HANDBOOK_SMTP_PASSWORD).
    Remind(RemindArgs),
    /// The review calendar: every policy with its owner, last and next
    /// review, and whether that review is overdue or due within 60 days.
    /// --ics writes it as an iCalendar file for SLT's calendar.
    Reviews(ReviewsArgs),
    /// Look at a staff list (roster) before using it.
    Roster(RosterArgs),
}

/// Options for `handbook roster`.
#[derive(Debug, Args)]
pub struct RosterArgs {
    /// What to do with the staff list.
    #[command(subcommand)]
    pub command: RosterCommand,
}

/// The `handbook roster` subcommands.
#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Say what handbook understands of a staff list (CSV or .xlsx, as the
    /// MIS exported it): which column became which field, how many people,
    /// their schools and roles, and anything that looks wrong. Exits 1 if
    /// the list cannot be used as it is.
    Check(RosterCheckArgs),
}

/// Options for `handbook roster check`.
#[derive(Debug, Args)]
pub struct RosterCheckArgs {
    /// The staff list: CSV (commas, semicolons or tabs) or .xlsx.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Options for `handbook remind`.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Write each reminder as an e-mail draft (one .eml per person, which
    /// Outlook, Thunderbird and Apple Mail open) and reminders.csv for a
    /// mail merge into this folder. It holds personal links: keep it
    /// private (e.g. .handbook/reminders).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Send the reminders through the mail server in site.yaml's `smtp:`.
    #[arg(long)]
    pub send: bool,
    /// Send even though reminders were already sent today.
    #[arg(long, requires = "send")]
    pub again: bool,
    /// Remind about this policy only (its id in site.yaml).
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<String>,
    /// Remind people at this school only.
    #[arg(long, value_name = "SCHOOL")]
    pub school: Option<String>,
    /// Work out what is due as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Roster and ledger.
    #[command(flatten)]
    pub records: RecordsArgs,
}

/// Options for `handbook reviews`.
#[derive(Debug, Args)]
pub struct ReviewsArgs {
    /// Also write the calendar as an iCalendar (.ics) file here: one
    /// all-day event per next review.
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Judge overdue and due soon as of this day (YYYY-MM-DD) instead of
    /// today.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,
}

fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a day; write it as year-month-day, e.g. 2026-01-31"))
}

/// Options for `handbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (default: output/ under the root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Options for `handbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Treat warnings (such as a review date that is due) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Also check site.yaml's `required_for` roles against this staff list
    /// (a role nobody has is most often a misspelling that would excuse
    /// people in silence).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<std::path::PathBuf>,
}

/// Options for `handbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on; 0 picks a free one. The address is printed
    /// on the first line.
    #[arg(long, default_value_t = 1111, value_name = "N")]
    pub port: u16,
    /// The address to listen on. The default keeps the preview on this
    /// computer; another address (such as 0.0.0.0) lets anyone on the
    /// network read it, drafts included.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Open the site in the web browser once it is built.
    #[arg(long)]
    pub open: bool,
}

/// Options for `handbook new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create (it must not exist or must be empty).
    pub dir: PathBuf,
}

/// Options for `handbook publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The policy to publish (its id in site.yaml); may be left out when
    /// the site has only one.
    #[arg(value_name = "POLICY")]
    pub policy: Option<String>,
    /// What changed in this version, in a sentence or two (shown in the
    /// version history).
    #[arg(long, value_name = "TEXT")]
    pub summary: String,
    /// A minor change (a typo, formatting): staff who completed the previous
    /// version still count as complete.
    #[arg(long)]
    pub minor: bool,
    /// The label people see, e.g. "January 2027" (default: site.yaml's
    /// `version`; site.yaml is updated to match).
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
    /// When this review took place: 2027-01 or 2027-01-15 (updates site.yaml).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub reviewed: Option<ReviewDate>,
    /// When the next review is due: 2029-01 or 2029-01-15 (updates site.yaml).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub next_review: Option<ReviewDate>,
}

fn parse_date(text: &str) -> Result<ReviewDate, String> {
    ReviewDate::parse(text).ok_or_else(|| {
        format!("`{text}` is not a date; write a month like 2027-01 or a day like 2027-01-31")
    })
}

/// Options for `handbook keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// What to do with the key.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// The `handbook keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create .handbook/master.key (32 random bytes, readable by you only).
    /// Refuses to replace an existing key.
    Init,
}

/// Where the roster and the ledger are, for `import`, `record` and `report`.
#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// The staff roster (default: .handbook/roster.csv under the root).
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// The ledger (default: .handbook/ledger.sqlite under the root).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// Options for `handbook codes`.
#[derive(Debug, Args)]
pub struct CodesArgs {
    /// The staff roster: the staff list as the MIS exports it (CSV or
    /// .xlsx) with an id and a name column, or a CSV file whose header row
    /// has id,name and optionally email,school,role,start,generation.
    #[arg(value_name = "ROSTER")]
    pub roster: PathBuf,
    /// Write the codes CSV here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write a printable letter for each person (one HTML page each),
    /// school by school and by surname. Needs site.yaml's base_url.
    #[arg(long, value_name = "FILE")]
    pub letters: Option<PathBuf>,
    /// Only the people not yet in the --out file (new joiners, and codes
    /// replaced since): add their rows to it, keeping everyone else's, and
    /// write letters for them alone.
    #[arg(long, requires = "out")]
    pub only_new: bool,
}

/// Options for `handbook import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or folders to search for tokens, or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// List every rejected token and every file without one, also those an
    /// earlier import already reported (by default they are summed up).
    #[arg(long)]
    pub all: bool,
    /// Roster and ledger.
    #[command(flatten)]
    pub records: RecordsArgs,
}

/// Options for `handbook record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The person: their id, or their name exactly as on the roster (not
    /// case-sensitive).
    #[arg(value_name = "ID or NAME")]
    pub id: String,
    /// The policy signed for (its id in site.yaml); may be left out when
    /// the site has only one.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<String>,
    /// The date on the paper sign-off, e.g. 2026-01-31; with --undo, revoke
    /// only the record of that day.
    #[arg(long, value_name = "DATE", required_unless_present = "undo")]
    pub date: Option<String>,
    /// Why it is recorded by hand, e.g. "paper sign-off, staff meeting";
    /// with --undo, why the record is revoked.
    #[arg(long, value_name = "TEXT")]
    pub note: String,
    /// The policy version signed for, by its label (e.g. "January 2026")
    /// or its id (default: the latest published version).
    #[arg(long, value_name = "LABEL or ID", conflicts_with = "undo")]
    pub version: Option<String>,
    /// Revoke the person's records for the policy instead: they stay in the
    /// ledger, marked as revoked (by whom, when and why: --note), and count
    /// no more.
    #[arg(long)]
    pub undo: bool,
    /// Roster and ledger.
    #[command(flatten)]
    pub records: RecordsArgs,
}

/// Options for `handbook report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write the full report as a web page here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the report as CSV (for training records) here.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write an evidence summary for inspectors or trustees here: one web
    /// page that prints on A4, per school and policy the version, percent
    /// complete and the names outstanding, with a sign-off block.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Report on this policy only (its id in site.yaml).
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<String>,
    /// Report on this school only (as site.yaml or the roster names it).
    #[arg(long, value_name = "SCHOOL")]
    pub school: Option<String>,
    /// Report as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Roster and ledger.
    #[command(flatten)]
    pub records: RecordsArgs,
}
