//! The `roster:` block of `site.yaml`: which column of the staff list holds
//! which field, for a staff export whose headings handbook does not know
//! by itself (SPEC §3). Each key names a field, each value the heading of
//! the column that holds it, e.g. `id: "Staff Code"`.

use serde::Deserialize;

use crate::error::Diagnostic;
use crate::util::yaml;

use super::CONFIG_FILE;

/// Headings of the roster's columns, as `site.yaml`'s `roster:` names
/// them. A field left out is found by its usual headings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterColumns {
    /// The column of the staff id.
    #[serde(default)]
    pub id: Option<String>,
    /// The column of the full name (instead of forename and surname).
    #[serde(default)]
    pub name: Option<String>,
    /// The column of the forename, joined with the surname into the name.
    #[serde(default)]
    pub forename: Option<String>,
    /// The column of the surname.
    #[serde(default)]
    pub surname: Option<String>,
    /// The column of the e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// The column of the school.
    #[serde(default)]
    pub school: Option<String>,
    /// The column of the role (job title).
    #[serde(default)]
    pub role: Option<String>,
    /// The column of the start date.
    #[serde(default)]
    pub start: Option<String>,
    /// The column of the code's generation.
    #[serde(default)]
    pub generation: Option<String>,
}

impl RosterColumns {
    /// Each field `roster:` names, with the heading it names for it, in
    /// the order above.
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        [
            ("id", &self.id),
            ("name", &self.name),
            ("forename", &self.forename),
            ("surname", &self.surname),
            ("email", &self.email),
            ("school", &self.school),
            ("role", &self.role),
            ("start", &self.start),
            ("generation", &self.generation),
        ]
        .into_iter()
        .filter_map(|(field, heading)| heading.as_deref().map(|h| (field, h)))
        .collect()
    }

    /// The heading `roster:` names for `field`, if it names one.
    pub fn heading(&self, field: &str) -> Option<&str> {
        self.named()
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, h)| h)
    }

    /// The block's problems, each at its line of `site.yaml` (as `text`).
    pub(super) fn validate(&self, text: &str) -> Vec<Diagnostic> {
        let entries = yaml::children(text, "roster");
        let line = |field: &str| {
            entries
                .iter()
                .find(|c| c.key == field)
                .map(|c| c.line)
                .or_else(|| yaml::top_key_line(text, "roster"))
        };
        let mut problems = Vec::new();
        let named = self.named();
        for (i, (field, heading)) in named.iter().enumerate() {
            if heading.trim().is_empty() {
                problems.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        line(field),
                        format!("roster: `{field}` names no column"),
                    )
                    .help(format!(
                        "write the heading of the column that holds the {field}, as the \
                         roster's header row writes it, e.g. {field}: \"Staff Code\"; or \
                         leave `{field}` out"
                    )),
                );
            } else if let Some((other, _)) = named[..i]
                .iter()
                .find(|(_, h)| h.trim().eq_ignore_ascii_case(heading.trim()))
            {
                problems.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        line(field),
                        format!(
                            "roster: `{field}` and `{other}` both name the column `{}`",
                            heading.trim()
                        ),
                    )
                    .help("each field comes from its own column; correct one of them"),
                );
            }
        }
        if self.name.is_some() && (self.forename.is_some() || self.surname.is_some()) {
            problems.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    line("name"),
                    "roster: gives both `name` and `forename`/`surname`",
                )
                .help(
                    "give `name` for a column with the whole name, or `forename` and \
                     `surname` for two columns that are joined into it, not both",
                ),
            );
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::super::SiteConfig;
    use crate::error::Error;

    const GOOD: &str = "id: demo\norganisation: Demo Trust\npolicies:\n  social-media:\n    \
                        title: Social Media Policy\n    version: v1\n    reviewed: 2025-01\n    \
                        next_review: 2027-01-31\n";

    #[test]
    fn the_block_maps_fields_to_headings() {
        let text = format!(
            "{GOOD}roster:\n  id: \"Staff Code\"\n  forename: Known As\n  surname: Family\n"
        );
        let config = SiteConfig::parse(&text).unwrap();
        assert_eq!(config.roster.heading("id"), Some("Staff Code"));
        assert_eq!(
            config.roster.named(),
            [
                ("id", "Staff Code"),
                ("forename", "Known As"),
                ("surname", "Family")
            ]
        );
        assert_eq!(SiteConfig::parse(GOOD).unwrap().roster.named(), []);
    }

    fn problems(text: &str) -> String {
        match SiteConfig::parse(text) {
            Err(Error::Input(problems)) => problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn mistakes_are_named_at_their_line() {
        let text = format!("{GOOD}roster:\n  id: Staff Code\n  mail: Email\n");
        let found = problems(&text);
        assert!(found.contains("site.yaml:11"), "{found}");
        assert!(found.contains("unknown field `mail`"), "{found}");

        let text = format!(
            "{GOOD}roster:\n  id: Staff Code\n  name: Name\n  surname: Surname\n  \
             email: ' '\n  role: staff code\n"
        );
        let found = problems(&text);
        assert!(
            found.contains("site.yaml:11: roster: gives both `name` and `forename`/`surname`"),
            "{found}"
        );
        assert!(
            found.contains("site.yaml:13: roster: `email` names no column"),
            "{found}"
        );
        assert!(
            found.contains(
                "site.yaml:14: roster: `role` and `id` both name the column `staff code`"
            ),
            "{found}"
        );
    }
}
