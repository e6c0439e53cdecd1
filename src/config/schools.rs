//! `schools:` and the site's own images (`logo:`, `favicon:`) in
//! `site.yaml`: each school by name alone (`schools: [Hill School]`) or
//! with the people families and staff contact (office, Designated
//! Safeguarding Lead, headteacher, chair of governors), checked at the
//! lines that give them.

use std::fmt;
use std::path::Path;

use serde::de::value::MapAccessDeserializer;
use serde::{Deserialize, Deserializer, Serialize};

use super::CONFIG_FILE;
use crate::error::Diagnostic;
use crate::util::yaml;

/// One school of the trust: its name, as the roster's `school` column
/// gives it, and the people to contact there, when `site.yaml` names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct School {
    /// The school's name.
    pub name: String,
    /// The school office's e-mail address.
    #[serde(default)]
    pub office_email: Option<String>,
    /// The school office's phone number, as people dial it.
    #[serde(default)]
    pub phone: Option<String>,
    /// The Designated Safeguarding Lead's name.
    #[serde(default)]
    pub dsl: Option<String>,
    /// The headteacher's name.
    #[serde(default)]
    pub headteacher: Option<String>,
    /// The chair of governors' name.
    #[serde(default)]
    pub chair_of_governors: Option<String>,
}

/// The keys a school's entry takes, for messages.
pub(super) const SCHOOL_KEYS: &str =
    "name, office_email, phone, dsl, headteacher, chair_of_governors";

/// The people of a school a "Who do I tell?" answer can name.
pub const ROLES: [&str; 3] = ["dsl", "headteacher", "chair_of_governors"];

impl School {
    /// The person in `role` (one of [`ROLES`]), when the school names one.
    pub fn person(&self, role: &str) -> Option<&str> {
        match role {
            "dsl" => self.dsl.as_deref(),
            "headteacher" => self.headteacher.as_deref(),
            "chair_of_governors" => self.chair_of_governors.as_deref(),
            _ => None,
        }
    }

    /// True when `site.yaml` gives any way to reach the school or anyone
    /// at it.
    pub fn has_contacts(&self) -> bool {
        [
            &self.office_email,
            &self.phone,
            &self.dsl,
            &self.headteacher,
            &self.chair_of_governors,
        ]
        .iter()
        .any(|v| v.is_some())
    }
}

impl<'de> Deserialize<'de> for SchoolEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> serde::de::Visitor<'de> for Entry {
            type Value = SchoolEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a school's name, or its {SCHOOL_KEYS}")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<SchoolEntry, E> {
                Ok(SchoolEntry(School {
                    name: name.to_string(),
                    ..School::default()
                }))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SchoolEntry, A::Error> {
                School::deserialize(MapAccessDeserializer::new(map)).map(SchoolEntry)
            }
        }
        deserializer.deserialize_any(Entry)
    }
}

/// A school as `site.yaml` may write it: a name, or a mapping.
#[derive(Debug, Clone)]
pub(super) struct SchoolEntry(pub(super) School);

/// Reads `schools:`, each entry a name or a mapping.
pub(super) fn read_schools<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<School>, D::Error> {
    let entries: Vec<SchoolEntry> = Vec::deserialize(deserializer)?;
    Ok(entries.into_iter().map(|e| e.0).collect())
}

/// The problems of `schools`, at their lines of `site.yaml` (as `text`).
pub(super) fn validate(schools: &[School], text: &str) -> Vec<Diagnostic> {
    let starts = yaml::item_lines(text, "schools", schools.len());
    let mut problems = Vec::new();
    for (i, school) in schools.iter().enumerate() {
        let start = starts.get(i).copied();
        let end = starts
            .get(i + 1)
            .copied()
            .or_else(|| start.map(|s| s + 8))
            .unwrap_or(0);
        let line = |key: &str| start.map(|s| yaml::field_line(text, s, end, key).unwrap_or(s));
        let mut problem = |key: &str, message: String, help: &str| {
            problems
                .push(Diagnostic::error(CONFIG_FILE, line(key), message).help(help.to_string()));
        };
        let name = school.name.trim();
        if name.is_empty() {
            problem(
                "name",
                format!("school {} has no name", i + 1),
                "give the school's name as the roster's `school` column writes it",
            );
        } else if schools[..i].iter().any(|s| s.name.trim() == name) {
            problem(
                "name",
                format!("school `{name}` is listed twice"),
                "list each school once",
            );
        }
        if let Some(email) = &school.office_email
            && email.trim().parse::<lettre::Address>().is_err()
        {
            problem(
                "office_email",
                format!("school `{name}`: office_email `{email}` is not an e-mail address"),
                "write the office's address, e.g. office@hill.example",
            );
        }
        if let Some(phone) = &school.phone
            && !is_phone(phone)
        {
            problem(
                "phone",
                format!("school `{name}`: phone `{phone}` is not a phone number"),
                "write the number as people dial it, e.g. 01632 960 123",
            );
        }
        for role in ROLES {
            if school.person(role).is_some_and(|p| p.trim().is_empty()) {
                problem(
                    role,
                    format!("school `{name}`: `{role}` is empty"),
                    "give the person's name, e.g. Ms A Khan, or leave the key out",
                );
            }
        }
    }
    problems
}

/// Digits with spaces, `+`, `-`, brackets between: at least six digits.
fn is_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && phone
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// The image types a logo or favicon may be, by ending, with their MIME
/// types for `<link rel="icon" type>`.
const IMAGE_TYPES: [(&str, &str); 7] = [
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("ico", "image/x-icon"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
];

/// The folder of the site whose files are copied to the output's root.
const STATIC_DIR: &str = "static";

/// Where an image given as `path` (from the site root, in `static/` or
/// not) is in the output: `static/logo.svg` → `logo.svg`, `crest.png` →
/// `crest.png`.
pub fn image_url(path: &str) -> String {
    let path = path.trim().trim_start_matches("./");
    path.strip_prefix("static/").unwrap_or(path).to_string()
}

/// The MIME type of an image file, by its ending.
pub fn image_type(path: &str) -> Option<&'static str> {
    let ending = path.rsplit_once('.')?.1.to_ascii_lowercase();
    IMAGE_TYPES
        .iter()
        .find(|(e, _)| *e == ending)
        .map(|(_, mime)| *mime)
}

/// True when `path` is inside the site's `static/`, which is copied anyway.
pub fn in_static(path: &str) -> bool {
    path.trim()
        .trim_start_matches("./")
        .starts_with(&format!("{STATIC_DIR}/"))
}

/// The problems of `logo:` or `favicon:` (`key`) set to `path`, with the
/// site at `root` when it is known (then the file must be there).
pub(super) fn validate_image(
    key: &str,
    path: &str,
    text: &str,
    root: Option<&Path>,
) -> Option<Diagnostic> {
    let line = yaml::top_key_line(text, key);
    let trimmed = path.trim();
    let problem = |message: String, help: &str| {
        Some(Diagnostic::error(CONFIG_FILE, line, message).help(help.to_string()))
    };
    let outside = trimmed.is_empty()
        || trimmed.starts_with('/')
        || trimmed.contains('\\')
        || trimmed.contains("://")
        || trimmed
            .split('/')
            .any(|part| part == ".." || part.is_empty());
    if outside {
        return problem(
            format!("{key} `{path}` is not a file of the site"),
            "give the path of an image in the site's folder, e.g. static/logo.svg: the site \
             makes no request to other hosts",
        );
    }
    if image_type(trimmed).is_none() {
        return problem(
            format!("{key} `{path}` is not an image handbook knows"),
            "use an .svg, .png, .ico, .jpg, .gif or .webp file",
        );
    }
    if let Some(root) = root
        && !root.join(trimmed).is_file()
    {
        return problem(
            format!("{key} `{path}` is not there"),
            "put the image in the site's static/ folder and give its path from the site's \
             folder, e.g. static/logo.svg",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_go_to_the_output_root_from_static() {
        assert_eq!(image_url("static/logo.svg"), "logo.svg");
        assert_eq!(image_url("images/crest.png"), "images/crest.png");
        assert_eq!(image_type("a/B.PNG"), Some("image/png"));
        assert_eq!(image_type("logo"), None);
        assert!(in_static("./static/x.svg"));
        assert!(!in_static("x.svg"));
    }

    #[test]
    fn phone_numbers_are_digits_and_a_few_signs() {
        assert!(is_phone("01632 960 123"));
        assert!(is_phone("+44 (0)1632 960123"));
        assert!(!is_phone("call us"));
        assert!(!is_phone("123"));
    }

    #[test]
    fn images_outside_the_site_are_refused() {
        let text = "logo: ../x.svg\n";
        let err = validate_image("logo", "../x.svg", text, None).unwrap();
        assert_eq!(err.line, Some(1));
        assert!(validate_image("logo", "https://cdn.example/x.svg", text, None).is_some());
        assert!(validate_image("logo", "static/x.txt", text, None).is_some());
        assert!(validate_image("logo", "static/x.svg", text, None).is_none());
    }
}
