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

/// The name of the configuration file at the site root.
pub(crate) const CONFIG_FILE: &str = "site.yaml";

/// The whole of `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Stable site id, e.g. `ppat/social-media`; it goes into tokens.
    pub id: String,
    /// The site's title, e.g. "Social Media Policy".
    pub title: String,
    /// The school or trust that owns the policy.
    pub organisation: String,
    /// The policy's aim or motto, shown on the home page.
    #[serde(default)]
    pub aim: Option<String>,
    /// The schools of the trust, as named in the roster's `school` column.
    #[serde(default)]
    pub schools: Vec<String>,
    /// The policy version label people see, e.g. "January 2025".
    pub version: String,
    /// When the policy was last reviewed.
    pub reviewed: ReviewDate,
    /// When the next review is due.
    pub next_review: ReviewDate,
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
}

/// The `course:` block of `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseConfig {
    /// Default pass mark for module quizzes, in percent.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: i64,
}

impl Default for CourseConfig {
    fn default() -> Self {
        CourseConfig {
            pass_mark: default_pass_mark(),
        }
    }
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

/// A parse error of `site.yaml` with its fix. A date that is not a date
/// is only found wrong once read, and the YAML parser then names the line
/// the settings start on: it is put on the line that holds the value.
fn explain(mut problem: Diagnostic, text: &str) -> Diagnostic {
    let bad_date = problem
        .message
        .strip_prefix('`')
        .and_then(|m| m.strip_suffix(&format!("` {NOT_A_DATE}")));
    if let Some(value) = bad_date {
        let found = DATE_KEYS
            .iter()
            .filter_map(|key| yaml::top_value(text, key))
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
    problem.help(
        "site.yaml takes: id, title, organisation, aim, schools, version, \
         reviewed, next_review, office_email, theme, base_url, language, course",
    )
}

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
        SiteConfig::parse(&text)
    }

    /// Parses and validates the text of `site.yaml`.
    pub(crate) fn parse(text: &str) -> Result<SiteConfig> {
        let config: SiteConfig = yaml::parse(Path::new(CONFIG_FILE), text)
            .map_err(|problem| Error::input(explain(problem, text)))?;
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
                Diagnostic::error(CONFIG_FILE, yaml::key_line(text, key), message)
                    .help(help.to_string()),
            );
        };
        if self.id.trim().is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            problem(
                "id",
                format!("site id `{}` is not valid", self.id),
                "use letters, digits, `-`, `_`, `.` and `/`, e.g. `my-school/social-media`; \
                 it goes into every completion token, so choose it once and keep it",
            );
        }
        for (key, value) in [
            ("title", &self.title),
            ("organisation", &self.organisation),
            ("version", &self.version),
        ] {
            if value.trim().is_empty() {
                problem(key, format!("`{key}` is empty"), "give it a value");
            }
        }
        if self.next_review <= self.reviewed {
            problem(
                "next_review",
                format!(
                    "next review ({}) is not after the last review ({})",
                    self.next_review, self.reviewed
                ),
                "set next_review to a later date than reviewed",
            );
        }
        if !(0..=100).contains(&self.course.pass_mark) {
            problem(
                "pass_mark",
                format!("pass mark {} is outside 0–100", self.course.pass_mark),
                "give the pass mark as a percentage, e.g. 80",
            );
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
        problems
    }

    /// `base_url` with exactly one trailing slash, if set.
    pub fn base_url(&self) -> Option<String> {
        self.base_url
            .as_ref()
            .map(|url| format!("{}/", url.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id: demo/policy\ntitle: Demo\norganisation: Demo Trust\n\
                        version: v1\nreviewed: 2025-01\nnext_review: 2027-01-31\n";

    #[test]
    fn parses_a_minimal_config_with_defaults() {
        let config = SiteConfig::parse(GOOD).unwrap();
        assert_eq!(config.id, "demo/policy");
        assert_eq!(config.theme, "default");
        assert_eq!(config.course.pass_mark, 80);
        assert_eq!(config.reviewed.display(), "January 2025");
        assert_eq!(config.next_review.display(), "31 January 2027");
        assert_eq!(config.next_review.iso(), "2027-01-31");
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = SiteConfig::parse(&format!("{GOOD}colour: blue\n")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("site.yaml:7"), "{text}");
        assert!(text.contains("unknown field `colour`"), "{text}");
    }

    #[test]
    fn bad_date_and_order_are_errors() {
        let err = SiteConfig::parse(&GOOD.replace("2025-01", "Jan 2025")).unwrap_err();
        assert!(err.to_string().contains("not a date"), "{err}");
        let err = SiteConfig::parse(&GOOD.replace("2027-01-31", "2024-12")).unwrap_err();
        assert!(err.to_string().contains("site.yaml:6"), "{err}");
    }

    #[test]
    fn a_bad_date_is_shown_on_its_own_line() {
        // A comment first, as in the real site.yaml; other lines hold the
        // same digits.
        let text = format!("# Settings\n{GOOD}").replace("version: v1", "version: 2025");
        for (from, to, line) in [
            ("reviewed: 2025-01", "reviewed: 2025-13", 6),
            ("reviewed: 2025-01", "reviewed: 2025", 6),
            ("reviewed: 2025-01", "reviewed: \"2025-02-30\"  # typo", 6),
            ("next_review: 2027-01-31", "next_review: 2027-13", 7),
        ] {
            let Err(Error::Input(problems)) = SiteConfig::parse(&text.replace(from, to)) else {
                panic!("{to} is refused");
            };
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].line, Some(line), "{to}: {problems:?}");
            assert!(
                problems[0].message.ends_with("` is not a date"),
                "{problems:?}"
            );
            let help = problems[0].help.as_deref().unwrap_or("");
            assert!(help.contains("(2027-01)"), "{help}");
        }
    }

    #[test]
    fn pass_mark_out_of_range_is_an_error() {
        let err = SiteConfig::parse(&format!("{GOOD}course:\n  pass_mark: 120\n")).unwrap_err();
        assert!(err.to_string().contains("site.yaml:8"), "{err}");
    }

    #[test]
    fn review_dates_parse_both_forms() {
        assert!(ReviewDate::parse("2027-13").is_none());
        assert!(ReviewDate::parse("27-01").is_none());
        assert_eq!(ReviewDate::parse("2027-02").unwrap().iso(), "2027-02");
    }
}
