//! `site.yaml`: the site's configuration, typed and validated.
//!
//! Unknown keys are errors (a misspelt key would otherwise be ignored in
//! silence), and every error names the line of `site.yaml` it is about.

use std::fmt;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

use crate::error::{Diagnostic, Error, Result};
use crate::util::yaml;

mod roster;
mod schools;
pub use roster::RosterColumns;
pub use schools::{ROLES, School, image_type, image_url, in_static};

/// The name of the configuration file at the site root.
pub(crate) const CONFIG_FILE: &str = "site.yaml";

/// The whole of `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Stable id of the trust or school, e.g. `ppat`; every completion
    /// token names it (with the policy: `ppat/social-media`).
    pub id: String,
    /// The handbook's own name, shown in every page's header.
    #[serde(default = "default_title")]
    pub title: String,
    /// The school or trust that owns the policies.
    pub organisation: String,
    /// The names of the trust's schools, as the roster's `school` column
    /// gives them (from `schools:`, in order).
    #[serde(skip)]
    pub schools: Vec<String>,
    /// The schools with the people to contact there: `schools:`, whose
    /// entries are names or mappings (see [`School`]).
    #[serde(
        rename = "schools",
        default,
        deserialize_with = "schools::read_schools"
    )]
    pub school_contacts: Vec<School>,
    /// The trust's or school's logo: a path from the site's folder.
    #[serde(default)]
    pub logo: Option<String>,
    /// The site's icon, for browsers' tabs: a path from the site's folder.
    #[serde(default)]
    pub favicon: Option<String>,
    /// Where staff send completion tokens.
    #[serde(default)]
    pub office_email: String,
    /// The theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The address the site is published at, e.g. `https://example.org/policy/`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The language of the content, for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Course settings.
    #[serde(default)]
    pub course: CourseConfig,
    /// The mail server `handbook remind --send` delivers reminders through.
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// Which roster column holds which field, for headings handbook does
    /// not know by itself.
    #[serde(default)]
    pub roster: RosterColumns,
    /// The policies, in the order `site.yaml` lists them.
    #[serde(deserialize_with = "in_order")]
    pub policies: Vec<PolicyConfig>,
}

/// One policy of the library: an entry of `policies:` in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// The policy id: its key under `policies:`, the name of its folders
    /// (`content/<id>/`, `quizzes/<id>/`) and part of its tokens' `iss`.
    #[serde(skip)]
    pub id: String,
    /// The policy's title, e.g. "Social Media Policy".
    pub title: String,
    /// The policy's aim or motto, shown on its front page.
    #[serde(default)]
    pub aim: Option<String>,
    /// The version label people see, e.g. "January 2025".
    pub version: String,
    /// When the policy was last reviewed.
    pub reviewed: ReviewDate,
    /// When the next review is due.
    pub next_review: ReviewDate,
    /// Who owns the policy and leads its review, e.g. "Chief Executive Officer".
    #[serde(default)]
    pub owner: String,
    /// The roster roles that must read it; `all` means everyone.
    #[serde(default = "everyone")]
    pub required_for: Vec<String>,
    /// Days a person has to complete it once it is assigned.
    #[serde(default = "default_due_days")]
    pub due_days: i64,
    /// Re-confirm every this many months even with no change, if set.
    #[serde(default)]
    pub renew_months: Option<i64>,
}

impl PolicyConfig {
    /// True when everyone must read the policy (`required_for: [all]`).
    pub fn is_for_everyone(&self) -> bool {
        self.required_for
            .iter()
            .any(|role| role.trim().eq_ignore_ascii_case(EVERYONE))
    }

    /// True when a person with `role` must read the policy: roles compare
    /// trimmed and without regard to case (SPEC §8).
    pub fn is_required_for(&self, role: &str) -> bool {
        self.is_for_everyone()
            || self
                .required_for
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case(role.trim()))
    }
}

impl PolicyConfig {
    /// The policy's own problems, at their lines within its entry.
    fn validate(&self, text: &str, entry: Option<&yaml::Child>) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let line = |key: &str| {
            entry.map(|e| match key {
                "" => e.line,
                key => yaml::field_line(text, e.line, e.end, key).unwrap_or(e.line),
            })
        };
        let mut problem = |key: &str, message: String, help: String| {
            problems.push(Diagnostic::error(CONFIG_FILE, line(key), message).help(help));
        };
        let id = &self.id;
        if !is_policy_id(id) {
            problem(
                "",
                format!("policy id `{id}` is not valid"),
                "use lower-case letters, digits and `-`, e.g. `social-media`; it names the \
                 policy's folders and goes into its tokens"
                    .to_string(),
            );
        } else if RESERVED_POLICY_IDS.contains(&id.as_str()) {
            problem(
                "",
                format!("policy id `{id}` is a name the site needs for its own pages"),
                format!("choose another id, e.g. `{id}-policy`, and rename content/{id}/ to match"),
            );
        }
        for (key, value) in [("title", &self.title), ("version", &self.version)] {
            if value.trim().is_empty() {
                problem(
                    key,
                    format!("policy `{id}`: `{key}` is empty"),
                    "give it a value".to_string(),
                );
            }
        }
        if self.next_review <= self.reviewed {
            problem(
                "next_review",
                format!(
                    "policy `{id}`: next review ({}) is not after the last review ({})",
                    self.next_review, self.reviewed
                ),
                "set next_review to a later date than reviewed".to_string(),
            );
        }
        if self.required_for.iter().all(|r| r.trim().is_empty()) {
            problem(
                "required_for",
                format!("policy `{id}`: `required_for` names nobody"),
                "list the roster roles that must read it, or `[all]` for everyone".to_string(),
            );
        }
        if !(1..=366).contains(&self.due_days) {
            problem(
                "due_days",
                format!("policy `{id}`: due_days {} is outside 1–366", self.due_days),
                "give the number of days staff have to complete it, e.g. 30".to_string(),
            );
        }
        if let Some(months) = self.renew_months
            && !(1..=120).contains(&months)
        {
            problem(
                "renew_months",
                format!("policy `{id}`: renew_months {months} is outside 1–120"),
                "give the months after which staff re-confirm, e.g. 12, or leave it out"
                    .to_string(),
            );
        }
        problems
    }
}

/// True for an id made of lower-case letters, digits and inner `-`.
fn is_policy_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The `required_for` entry that means every member of staff.
pub const EVERYONE: &str = "all";

/// Reads the `policies:` mapping keeping its order and giving each entry
/// its key as id; a key given twice is an error.
fn in_order<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<PolicyConfig>, D::Error> {
    struct Policies;
    impl<'de> serde::de::Visitor<'de> for Policies {
        type Value = Vec<PolicyConfig>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping of policy ids to their settings")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out: Vec<PolicyConfig> = Vec::new();
            while let Some(id) = map.next_key::<String>()? {
                let mut policy: PolicyConfig = map.next_value()?;
                if out.iter().any(|p| p.id == id) {
                    return Err(serde::de::Error::custom(format!(
                        "policy `{id}` is listed twice"
                    )));
                }
                policy.id = id;
                out.push(policy);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Policies)
}

/// The `course:` block of `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseConfig {
    /// Default pass mark for module quizzes, in percent.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: i64,
}

/// The `smtp:` block of `site.yaml`: the school's mail server for
/// reminders. The password is never in a file: it comes from the
/// environment when reminders are sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The server's name, e.g. `smtp.office365.com`.
    pub host: String,
    /// Its port: 587 (STARTTLS) unless given; 465 means TLS from the start.
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// The sender, e.g. `Oak Trust office <office@oak.example>`.
    pub from: String,
    /// The account to sign in as, when the server needs one.
    #[serde(default)]
    pub username: Option<String>,
}

/// The port mail clients submit mail on, with STARTTLS.
fn default_smtp_port() -> u16 {
    587
}

impl SmtpConfig {
    /// Its problems, at their lines of `site.yaml` (as `text`).
    fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let fields = yaml::children(text, "smtp");
        let line = |key: &str| {
            fields
                .iter()
                .find(|c| c.key == key)
                .map(|c| c.line)
                .or_else(|| yaml::top_key_line(text, "smtp"))
        };
        let mut problems = Vec::new();
        if self.host.trim().is_empty() || self.host.contains(char::is_whitespace) {
            problems.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    line("host"),
                    format!("smtp host `{}` is not a server name", self.host),
                )
                .help("give the mail server's name, e.g. smtp.office365.com"),
            );
        }
        if self.port == 0 {
            problems.push(
                Diagnostic::error(CONFIG_FILE, line("port"), "smtp port 0 is not a port")
                    .help("give the server's submission port: usually 587 (STARTTLS) or 465 (TLS)"),
            );
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            problems.push(
                Diagnostic::error(CONFIG_FILE, line("from"), format!("smtp from `{}` is not an e-mail address", self.from))
                    .help("write the sender as an address, optionally with a name: Oak Trust office <office@oak.example>"),
            );
        }
        if self.username.as_ref().is_some_and(|u| u.trim().is_empty()) {
            problems.push(
                Diagnostic::error(CONFIG_FILE, line("username"), "smtp username is empty")
                    .help("give the account to sign in as, or leave username out if the server needs none"),
            );
        }
        problems
    }
}

impl Default for CourseConfig {
    fn default() -> Self {
        CourseConfig {
            pass_mark: default_pass_mark(),
        }
    }
}

fn default_title() -> String {
    "Policy handbook".to_string()
}

fn everyone() -> Vec<String> {
    vec![EVERYONE.to_string()]
}

fn default_due_days() -> i64 {
    30
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_language() -> String {
    "en-GB".to_string()
}

fn default_pass_mark() -> i64 {
    80
}

/// Says that a value is not a [`ReviewDate`], after the value in backticks.
const NOT_A_DATE: &str = "is not a date";

/// The keys of `site.yaml` whose values are [`ReviewDate`]s.
const DATE_KEYS: [&str; 2] = ["reviewed", "next_review"];

/// A review date: a month (`2027-01`) or a day (`2027-01-31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReviewDate {
    date: NaiveDate,
    has_day: bool,
}

impl ReviewDate {
    /// Parses `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<ReviewDate> {
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(ReviewDate {
                date,
                has_day: true,
            });
        }
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        Some(ReviewDate {
            date,
            has_day: false,
        })
    }

    /// The date itself (the first of the month when only a month was given).
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// True when a day was given, not only a month.
    pub fn has_day(&self) -> bool {
        self.has_day
    }

    /// As people read it: "January 2027" or "31 January 2027".
    pub fn display(&self) -> String {
        if self.has_day {
            self.date.format("%-d %B %Y").to_string()
        } else {
            self.date.format("%B %Y").to_string()
        }
    }

    /// As written in `site.yaml`: `2027-01` or `2027-01-31`.
    pub fn iso(&self) -> String {
        if self.has_day {
            self.date.format("%Y-%m-%d").to_string()
        } else {
            format!("{:04}-{:02}", self.date.year(), self.date.month())
        }
    }
}

impl fmt::Display for ReviewDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl<'de> Deserialize<'de> for ReviewDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ReviewDate::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` {NOT_A_DATE}")))
    }
}

/// What a policy's entry under `policies:` takes.
const POLICY_KEYS: &str = "title, aim, version, reviewed, next_review, owner, required_for, \
                           due_days, renew_months";

/// A parse error of `site.yaml` with its fix. A date that is not a date
/// is only found wrong once read, and the YAML parser then names the line
/// the settings start on: it is put on the line that holds the value.
fn explain(mut problem: Diagnostic, text: &str) -> Diagnostic {
    // Inside `policies:` the message starts with the key's path.
    let bad_date = problem
        .message
        .split_once('`')
        .and_then(|(_, m)| m.strip_suffix(&format!("` {NOT_A_DATE}")));
    if let Some(value) = bad_date {
        let found = DATE_KEYS
            .iter()
            .flat_map(|key| yaml::values(text, key))
            .filter(|(_, written)| written == value)
            .map(|(line, _)| line)
            .min();
        if found.is_some() {
            problem.line = found;
        }
        return problem.help(
            "write the date as year and month (2027-01) or year, month and day \
             (2027-01-31), in numbers",
        );
    }
    let in_policies = problem.line.is_some_and(|line| {
        yaml::children(text, "policies")
            .iter()
            .any(|child| (child.line..child.end).contains(&line))
    });
    if in_policies {
        return problem.help(format!(
            "a policy under `policies:` takes: {POLICY_KEYS} (see docs/authoring.md)"
        ));
    }
    if problem.message.contains("school's name") || problem.message.contains("chair_of_governors") {
        return problem.help(format!(
            "each of `schools:` is a name, or a mapping of {} (see docs/authoring.md)",
            schools::SCHOOL_KEYS
        ));
    }
    if problem.message.starts_with("smtp") {
        return problem.help(
            "`smtp:` takes host, port, from and username; the password is never written in a \
             file: set the environment variable HANDBOOK_SMTP_PASSWORD when you send",
        );
    }
    if problem.message.starts_with("roster: ") {
        return problem.help(
            "`roster:` takes id, name, forename, surname, email, school, role, start and \
             generation, each the heading of the column that holds it (see docs/office.md)",
        );
    }
    if problem.message.contains("missing field `policies`") {
        return problem.help(
            "list the policies under `policies:`, each by its id with at least title, \
             version, reviewed and next_review (see docs/authoring.md)",
        );
    }
    problem.help(
        "site.yaml takes: id, title, organisation, schools, office_email, logo, favicon, theme, \
         base_url, language, course, smtp, roster, policies",
    )
}

/// Policy ids that would take an output path or folder the site needs.
const RESERVED_POLICY_IDS: [&str; 7] = [
    "course", "search", "versions", "changes", "print", "static", "index",
];

impl SiteConfig {
    /// Reads and validates `site.yaml` under `root`; [`Error::NoSite`] when
    /// there is none.
    pub fn load(root: &Path) -> Result<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => crate::util::source::utf8_text(Path::new(CONFIG_FILE), bytes)
                .map_err(Error::input)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoSite {
                    root: root.to_path_buf(),
                });
            }
            Err(err) => {
                return Err(Error::input(
                    Diagnostic::error(CONFIG_FILE, None, format!("cannot be read: {err}"))
                        .help("check that site.yaml is a file you can read"),
                ));
            }
        };
        let config = SiteConfig::parse(&text)?;
        // Each policy's pages live in its own folder, each image is there.
        let missing: Vec<Diagnostic> =
            config
                .policies
                .iter()
                .filter(|p| !root.join(crate::content::CONTENT_DIR).join(&p.id).is_dir())
                .map(|p| {
                    Diagnostic::error(
                        CONFIG_FILE,
                        SiteConfig::policy_line(&text, &p.id),
                        format!("policy `{}` has no folder content/{}/", p.id, p.id),
                    )
                    .help(format!(
                        "put the policy's pages in content/{}/ (its front page is \
                     content/{}/_index.md), or correct the id",
                        p.id, p.id
                    ))
                })
                .chain(config.images().filter_map(|(key, path)| {
                    schools::validate_image(key, path, &text, Some(root))
                }))
                .collect();
        if missing.is_empty() {
            Ok(config)
        } else {
            Err(Error::Input(missing))
        }
    }

    /// Parses and validates the text of `site.yaml`.
    pub(crate) fn parse(text: &str) -> Result<SiteConfig> {
        let mut config: SiteConfig = yaml::parse(Path::new(CONFIG_FILE), text)
            .map_err(|problem| Error::input(explain(problem, text)))?;
        config.schools = config
            .school_contacts
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let problems = config.validate(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Error::Input(problems))
        }
    }

    fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, message: String, help: &str| {
            problems.push(
                Diagnostic::error(CONFIG_FILE, yaml::top_key_line(text, key), message)
                    .help(help.to_string()),
            );
        };
        if self.id.trim().is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            problem(
                "id",
                format!("site id `{}` is not valid", self.id),
                "use letters, digits, `-`, `_` and `.`, e.g. `my-trust`; it goes into every \
                 completion token (with the policy: `my-trust/social-media`), so choose it \
                 once and keep it",
            );
        }
        for (key, value) in [("title", &self.title), ("organisation", &self.organisation)] {
            if value.trim().is_empty() {
                problem(key, format!("`{key}` is empty"), "give it a value");
            }
        }
        if let Some(url) = &self.base_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problem(
                "base_url",
                format!("base_url `{url}` is not a web address"),
                "write the full address the site is published at, e.g. https://example.org/policy/",
            );
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.starts_with('.')
        {
            problem(
                "theme",
                format!("theme `{}` is not a folder name", self.theme),
                "name a folder under themes/, e.g. default",
            );
        }
        if self.policies.is_empty() {
            problem(
                "policies",
                "no policies are listed".to_string(),
                "list each policy under `policies:` by its id, e.g. `social-media:` with its \
                 title, version, reviewed and next_review",
            );
        }
        if !(0..=100).contains(&self.course.pass_mark) {
            problems.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    yaml::key_line(text, "pass_mark"),
                    format!("pass mark {} is outside 0–100", self.course.pass_mark),
                )
                .help("give the pass mark as a percentage, e.g. 80"),
            );
        }
        if let Some(smtp) = &self.smtp {
            problems.extend(smtp.validate(text));
        }
        problems.extend(self.roster.validate(text));
        problems.extend(schools::validate(&self.school_contacts, text));
        problems.extend(
            self.images()
                .filter_map(|(key, path)| schools::validate_image(key, path, text, None)),
        );
        let children = yaml::children(text, "policies");
        for policy in &self.policies {
            let child = children.iter().find(|c| c.key == policy.id);
            problems.extend(policy.validate(text, child));
        }
        problems
    }

    /// `logo:` and `favicon:`, with their keys, when given.
    pub fn images(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [("logo", &self.logo), ("favicon", &self.favicon)]
            .into_iter()
            .filter_map(|(key, path)| path.as_deref().map(|p| (key, p)))
    }

    /// The policy with `id`, if the site has it.
    pub fn policy(&self, id: &str) -> Option<&PolicyConfig> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The ids of the policies, in order, for messages: `a`, `b`.
    pub fn policy_list(&self) -> String {
        self.policies
            .iter()
            .map(|p| format!("`{}`", p.id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The line of `site.yaml` (as `text`) where the policy `id` is listed.
    pub(crate) fn policy_line(text: &str, id: &str) -> Option<usize> {
        yaml::children(text, "policies")
            .into_iter()
            .find(|c| c.key == id)
            .map(|c| c.line)
    }

    /// `base_url` with exactly one trailing slash, if set.
    pub fn base_url(&self) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|url| format!("{}/", url.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests;
