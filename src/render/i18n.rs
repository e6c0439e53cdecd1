//! The interface's words in the site's language: every string the theme's
//! templates, its scripts and the generator itself put on a page comes from
//! one translation file of the theme, `i18n/<language>.yaml`, chosen by
//! `language:` in site.yaml.
//!
//! A file is YAML of nested groups; a string's key is its path of group
//! names joined by dots (`nav.skip_to_content`). Text may hold
//! placeholders, `{name}`, filled in where the string is used. A string
//! that depends on a number has two keys, `<key>_one` (for 1) and
//! `<key>_other`, and is asked for as `<key>` with `count`. Keys ending in
//! `_html` may hold markup; every other string is text and is escaped.
//! The strings under `js.` are for the theme's scripts: they reach the
//! browser as JSON in each page (see [`Strings::script_json`]).
//!
//! The built-in theme's `en-GB.yaml` is the reference: a file chosen for a
//! site must have every one of its keys, and may use only its
//! placeholders, so a page never lacks a word. Other keys are allowed (a
//! site's own templates may need them).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::theme::Theme;
use crate::config::{CONFIG_FILE, ReviewDate, SiteConfig};
use crate::error::{Diagnostic, Error, Result};

/// The language of the reference file, and of every site that names none.
pub(crate) const REFERENCE: &str = "en-GB";

/// The group of the strings the theme's scripts read.
const SCRIPT_GROUP: &str = "js.";

/// The ending of a key whose text may hold markup.
const HTML_SUFFIX: &str = "_html";

/// The strings of one language.
#[derive(Debug, Clone)]
pub(crate) struct Strings {
    table: BTreeMap<String, String>,
}

/// A group or a string of a translation file, as written.
enum Node {
    Text(String),
    Group(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Reads a [`Node`], saying what is wrong with anything else (a number,
/// a list, a key that is not text).
struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("text in quotes, or a group of `key: text`")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Node, E> {
        Ok(Node::Text(text.to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Node, A::Error> {
        let mut group = Vec::new();
        while let Some((key, node)) = map.next_entry::<String, Node>()? {
            group.push((key, node));
        }
        Ok(Node::Group(group))
    }
}

impl Strings {
    /// The strings for `config.language` from the theme's files, checked
    /// against the reference: an error at the `language:` line of
    /// site.yaml when the theme has no file for it, or in the file when it
    /// lacks a key or uses a placeholder the reference does not have.
    pub(crate) fn load(root: &Path, theme: &Theme, config: &SiteConfig) -> Result<Strings> {
        let language = config.language.as_str();
        let found = theme.i18n.iter().find(|(name, _)| {
            name.strip_suffix(".yaml")
                .is_some_and(|tag| tag.eq_ignore_ascii_case(language))
        });
        let Some((_, file)) = found else {
            return Err(unknown_language(root, theme, config));
        };
        let table = flatten(&file.origin, &file.text).map_err(Error::input)?;
        let reference = reference();
        let problems = check_against(&file.origin, &file.text, &table, &reference);
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        Ok(Strings { table })
    }

    /// The built-in reference strings (British English).
    #[cfg(test)]
    pub(crate) fn reference() -> Strings {
        Strings { table: reference() }
    }

    /// The text of `key`, or, asked with a `count`, of `key_one` (count 1)
    /// or `key_other` when the file has no `key` itself.
    pub(crate) fn lookup(&self, key: &str, count: Option<i64>) -> Option<&str> {
        if let Some(text) = self.table.get(key) {
            return Some(text);
        }
        let form = match count? {
            1 => "_one",
            _ => "_other",
        };
        self.table.get(&format!("{key}{form}")).map(String::as_str)
    }

    /// The text of `key` with its placeholders filled from `args`, for the
    /// generator's own strings (whose keys the reference is known to have:
    /// a missing one gives the key itself, which a test would see).
    pub(crate) fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        let count = args
            .iter()
            .find(|(name, _)| *name == "count")
            .and_then(|(_, v)| v.parse().ok());
        let Some(text) = self.lookup(key, count) else {
            return key.to_string();
        };
        fill(text, |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| Cow::Borrowed(*v))
        })
        .unwrap_or_else(|_| text.to_string())
    }

    /// `strings.js`: a classic script setting `window.HANDBOOK_STRINGS` to
    /// the strings under `js.` (without that prefix), written once for the
    /// whole site rather than into every page, `</` escaped.
    pub(crate) fn script(&self) -> String {
        let scripts: BTreeMap<&str, &str> = self
            .table
            .iter()
            .filter_map(|(key, text)| Some((key.strip_prefix(SCRIPT_GROUP)?, text.as_str())))
            .collect();
        format!(
            "window.HANDBOOK_STRINGS = {};\n",
            crate::util::html::script_json(&scripts)
        )
    }

    /// The words the Markdown renderer adds to a page.
    pub(crate) fn markdown_labels(&self) -> crate::markdown::Labels<'_> {
        let english = crate::markdown::Labels::default();
        let get = |key: &str, default: &'static str| self.lookup(key, None).unwrap_or(default);
        crate::markdown::Labels {
            notes: get("markdown.notes", english.notes),
            back_to_reference: get("markdown.back_to_reference", english.back_to_reference),
            back_to_reference_again: get(
                "markdown.back_to_reference_again",
                english.back_to_reference_again,
            ),
            code: get("markdown.code", english.code),
            code_language: get("markdown.code_language", english.code_language),
        }
    }

    /// The words of a "what changed" comparison.
    pub(crate) fn diff_words(&self) -> crate::diff::Words {
        let english = crate::diff::Words::default();
        let get = |key: &str, default: &str| {
            self.lookup(key, None)
                .map_or_else(|| default.to_string(), str::to_string)
        };
        let pair = |key: &str, default: &[String; 2]| {
            [
                get(&format!("{key}_one"), &default[0]),
                get(&format!("{key}_other"), &default[1]),
            ]
        };
        crate::diff::Words {
            new_page: get("diff.new_page", &english.new_page),
            page_removed: get("diff.page_removed", &english.page_removed),
            layout_changed: get("diff.layout_changed", &english.layout_changed),
            changed: pair("diff.changed", &english.changed),
            added: pair("diff.added", &english.added),
            removed: pair("diff.removed", &english.removed),
            separator: get("diff.separator", &english.separator),
            marker_added: get("diff.marker_added", &english.marker_added),
            marker_removed: get("diff.marker_removed", &english.marker_removed),
            word_added: get("diff.word_added", &english.word_added),
            word_removed: get("diff.word_removed", &english.word_removed),
        }
    }

    /// A review date as people read it: "January 2027" or "31 January
    /// 2027" in English.
    pub(crate) fn review_date(&self, date: &ReviewDate) -> String {
        use chrono::Datelike;
        let d = date.date();
        let month = self.text(&format!("date.month_{}", d.month()), &[]);
        let year = d.year().to_string();
        let day = d.day().to_string();
        if date.has_day() {
            self.text(
                "date.day_month_year",
                &[("day", &day), ("month", &month), ("year", &year)],
            )
        } else {
            self.text("date.month_year", &[("month", &month), ("year", &year)])
        }
    }

    /// The Tera function `t(key=…, count=…, name=…)`: the string `key` as
    /// HTML, its placeholders filled from the other arguments (each escaped
    /// unless it is already safe HTML, such as a `{% set %}` block). An
    /// unknown key, or a placeholder with no argument, is a template error
    /// naming it.
    pub(crate) fn tera_function(
        strings: Arc<Strings>,
    ) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<tera::Value> + Send + Sync + 'static
    {
        move |kwargs: tera::Kwargs, _: &tera::State| {
            let key: String = kwargs.must_get("key")?;
            let count = kwargs.get::<i64>("count")?;
            let text = strings.lookup(&key, count).ok_or_else(|| {
                tera::Error::message(format!(
                    "t(): there is no string `{key}` in the theme's translation file \
                     (i18n/<language>.yaml)"
                ))
            })?;
            let markup = key.ends_with(HTML_SUFFIX);
            let escaped = if markup {
                Cow::Borrowed(text)
            } else {
                crate::util::html::escape(text)
            };
            let html = fill(&escaped, |name| {
                let value = kwargs.iter().find(|(k, _)| k.as_str() == Some(name))?.1;
                Some(html_of(value))
            })
            .map_err(|name| {
                tera::Error::message(format!(
                    "t(): the string `{key}` needs `{name}`: give it as t(key=\"{key}\", \
                     {name}=…)"
                ))
            })?;
            Ok(tera::Value::safe_string(&html))
        }
    }
}

/// A Tera value as HTML: escaped, unless it is a safe string.
fn html_of(value: &tera::Value) -> Cow<'static, str> {
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    if value.is_string() && value.is_safe() {
        Cow::Owned(text)
    } else {
        Cow::Owned(crate::util::html::escape(&text).into_owned())
    }
}

/// The placeholders of `text`: `{name}`, a name being letters, digits and
/// `_`. Any other brace is text.
pub(crate) fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let _ = fill(text, |name| {
        out.insert(name);
        Some(Cow::Borrowed(""))
    });
    out
}

/// `text` with each placeholder replaced by `value(name)`; the first name
/// with no value is the error.
fn fill<'t, 'v>(
    text: &'t str,
    mut value: impl FnMut(&'t str) -> Option<Cow<'v, str>>,
) -> std::result::Result<String, &'t str> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            let name = &after[..len];
            out.push_str(&value(name).ok_or(name)?);
            rest = &after[len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Every string of a translation file by its dotted key.
pub(crate) fn flatten(
    file: &Path,
    text: &str,
) -> std::result::Result<BTreeMap<String, String>, Diagnostic> {
    let root: Node = crate::util::yaml::parse(file, text).map_err(|d| {
        let help = "a translation file is groups of `key: text` (quote text that YAML would \
                    read as something else); see docs/authoring.md";
        d.help(help)
    })?;
    let mut table = BTreeMap::new();
    let Node::Group(groups) = root else {
        return Err(
            Diagnostic::error(file, Some(1), "a translation file is groups of strings")
                .help("start with a group name and a colon, e.g. `base:`; see docs/authoring.md"),
        );
    };
    let mut stack: Vec<(String, Node)> = groups.into_iter().rev().collect();
    while let Some((key, node)) = stack.pop() {
        match node {
            Node::Text(text) => {
                table.insert(key, text);
            }
            Node::Group(group) => {
                for (name, child) in group.into_iter().rev() {
                    stack.push((format!("{key}.{name}"), child));
                }
            }
        }
    }
    Ok(table)
}

/// The reference strings.
fn reference() -> BTreeMap<String, String> {
    // The file is part of the binary, and a test parses it.
    let text = super::theme::built_in_i18n(&format!("{REFERENCE}.yaml")).unwrap_or_default();
    flatten(Path::new("(built-in theme)/i18n/en-GB.yaml"), text).unwrap_or_default()
}

/// The problems of a translation (`table`, read from `text` of `file`)
/// against the reference: each key it lacks, and each placeholder it uses
/// that the reference's string has not.
fn check_against(
    file: &Path,
    text: &str,
    table: &BTreeMap<String, String>,
    reference: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (key, english) in reference {
        let Some(translated) = table.get(key) else {
            problems.push(
                Diagnostic::error(file, None, format!("missing string `{key}`")).help(format!(
                    "add `{key}` to the file; in {REFERENCE} it is: {}",
                    crate::util::text::terminal_safe(english)
                )),
            );
            continue;
        };
        let allowed = placeholders(english);
        for name in placeholders(translated) {
            if !allowed.contains(name) {
                let last = key.rsplit('.').next().unwrap_or(key);
                let line = crate::util::yaml::key_line(text, last);
                let have: Vec<String> = allowed.iter().map(|n| format!("{{{n}}}")).collect();
                problems.push(
                    Diagnostic::error(
                        file,
                        line,
                        format!("`{key}` uses `{{{name}}}`, which is not one of its placeholders"),
                    )
                    .help(if have.is_empty() {
                        "this string takes no placeholders".to_string()
                    } else {
                        format!("this string can use {}", have.join(", "))
                    }),
                );
            }
        }
    }
    problems
}

/// True for a well-formed language tag (BCP 47, simply): a language of two
/// or three letters, then subtags of one to eight letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The error for a `language:` the theme has no file for, at its line of
/// site.yaml.
fn unknown_language(root: &Path, theme: &Theme, config: &SiteConfig) -> Error {
    let line = std::fs::read_to_string(root.join(CONFIG_FILE))
        .ok()
        .and_then(|text| crate::util::yaml::top_key_line(&text, "language"));
    let language = crate::util::text::terminal_safe(&config.language);
    let have: Vec<&str> = theme
        .i18n
        .keys()
        .filter_map(|name| name.strip_suffix(".yaml"))
        .collect();
    let have = if have.is_empty() {
        "no translation files".to_string()
    } else {
        have.join(", ")
    };
    let message = if is_language_tag(&config.language) {
        format!("the theme has no translation for language `{language}`")
    } else {
        format!("language `{language}` is not a language tag")
    };
    let theme_name = crate::util::text::terminal_safe(&config.theme);
    Error::input(Diagnostic::error(CONFIG_FILE, line, message).help(format!(
        "use a language tag such as `en-GB` or `cy`; the theme has: {have}. To add a \
         language, put its translation in themes/{theme_name}/i18n/<tag>.yaml \
         (docs/authoring.md)"
    )))
}

#[cfg(test)]
mod tests;
