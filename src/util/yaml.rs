//! The one door every YAML file comes in by: `site.yaml`, a page's front
//! matter, the quizzes, the tool files and `versions.yaml`.
//!
//! It parses into a typed value and turns the parser's errors into a
//! [`Diagnostic`] at the file's own line (a block such as front matter says
//! on which line of its file it starts), and it finds the line a key or a
//! list item is written on, for the checks that come after parsing. A UTF-8
//! byte-order mark at the start is accepted everywhere.
//!
//! `serde_yaml` is named here and nowhere else: the product's design names
//! it, and it is deprecated upstream, so moving to a maintained successor
//! is a change to this file alone.

use std::path::Path;

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::Diagnostic;

/// Parses `text`, the whole of `file` (as named in messages).
pub(crate) fn parse<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    parse_from_line(file, text, 1)
}

/// Parses `text`, a block of YAML that starts on line `first_line` of
/// `file` (a page's front matter starts on line 2); an error names the
/// line of the file.
pub(crate) fn parse_from_line<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    let text = without_bom(text);
    serde_yaml::from_str(text).map_err(|err| diagnose(file, text, first_line, &err))
}

/// The diagnostic for a failed parse. Text that is not YAML at all is
/// reported as such, with the column, even where the typed parse stopped
/// earlier on a value of the wrong type (`id: [a` is an unclosed list, not
/// a list where a string was expected).
fn diagnose(file: &Path, text: &str, first_line: usize, err: &serde_yaml::Error) -> Diagnostic {
    let in_file = |line: usize| line + first_line - 1;
    if let Err(syntax) = serde_yaml::from_str::<IgnoredAny>(text)
        && let Some(at) = syntax.location()
    {
        return Diagnostic::error(
            file,
            Some(in_file(at.line())),
            format!(
                "is not valid YAML: {} (column {})",
                message(&syntax),
                at.column()
            ),
        );
    }
    let line = error_line(text, err).map_or(first_line, in_file);
    Diagnostic::error(file, Some(line), message(err))
}

/// serde_yaml's message without its own "at line X column Y" (and the
/// parser's context after it), since the diagnostic carries the line.
fn message(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// The line (of `text`) a typed-parse error is about. serde_yaml places an
/// error raised after a value was read (a date that is not a date) at the
/// start of the mapping that holds it, and a missing or repeated key there
/// too; the value's or the key's own line is the better one where it can
/// be found.
fn error_line(text: &str, err: &serde_yaml::Error) -> Option<usize> {
    let at = err.location()?.line();
    let message = err.to_string();
    let quoted = message.split('`').nth(1).filter(|q| !q.is_empty());
    let Some(quoted) = quoted else {
        return Some(at);
    };
    if message.contains("missing field `") {
        // The key is not written anywhere: the mapping is the place.
        return Some(at);
    }
    let lines: Vec<&str> = without_bom(text).lines().collect();
    if message.contains("duplicate field `") {
        // The second time the key is written is the one to remove.
        let second = lines
            .iter()
            .enumerate()
            .skip(at - 1)
            .filter(|(_, line)| is_key(line.trim_start(), quoted))
            .nth(1);
        return Some(second.map_or(at, |(i, _)| i + 1));
    }
    if lines.get(at - 1).is_some_and(|line| line.contains(quoted)) {
        return Some(at);
    }
    let found = lines
        .iter()
        .enumerate()
        .skip(at - 1)
        .find(|(_, line)| line.contains(quoted));
    Some(found.map_or(at, |(i, _)| i + 1))
}

/// `value` as YAML text (for the files handbook writes itself).
pub(crate) fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|err| err.to_string())
}

/// `value` as one YAML scalar, quoted only if it must be (`Spring 2026`
/// stays plain, `a: b` is quoted), without a line break.
fn scalar(value: &str) -> String {
    match serde_yaml::to_string(value) {
        Ok(text) => text.trim_end().to_string(),
        Err(_) => format!("{value:?}"),
    }
}

/// Where the comment of a `key: value` line starts (its `#`), if it has
/// one. A `#` is a comment only outside quotes and at the start of the
/// value or after white space: in `title: "Policy #2"` and `tag: a#b` it
/// is part of the value.
fn comment_start(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    let after_colon = &line[colon + 1..];
    let value_at = colon + 1 + (after_colon.len() - after_colon.trim_start().len());
    let value = &line[value_at..];
    // Where a quoted value ends: after its closing quote (`\"` does not
    // close a double-quoted value, `''` does not close a single-quoted one).
    let after_quote = match value.chars().next() {
        Some('"') => {
            let mut escaped = false;
            value[1..]
                .char_indices()
                .find(|&(_, c)| {
                    let closes = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    closes
                })
                .map(|(i, _)| i + 2)?
        }
        Some('\'') => {
            let bytes = value.as_bytes();
            let mut i = 1;
            loop {
                match bytes.get(i) {
                    Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(b'\'') => break i + 1,
                    Some(_) => i += 1,
                    None => return None,
                }
            }
        }
        _ => 0,
    };
    let rest = &value[after_quote..];
    let hash = rest
        .match_indices('#')
        .map(|(i, _)| i)
        .find(|&i| (i == 0 && after_quote == 0) || rest[..i].ends_with([' ', '\t']))?;
    Some(value_at + after_quote + hash)
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// True for a line (without its indentation) that writes `key:`.
fn is_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// The 1-based line on which `key:` is first written, at any indentation.
pub(crate) fn key_line(text: &str, key: &str) -> Option<usize> {
    without_bom(text)
        .lines()
        .position(|line| is_key(line.trim_start(), key))
        .map(|i| i + 1)
}

/// The 1-based line on which `key:` is written at the top level (not
/// indented), if it is.
pub(crate) fn top_key_line(text: &str, key: &str) -> Option<usize> {
    without_bom(text)
        .lines()
        .position(|line| is_key(line, key))
        .map(|i| i + 1)
}

/// Every `key: value` written at any indentation: its line and its value
/// as written there (quotes and any comment taken off).
pub(crate) fn values(text: &str, key: &str) -> Vec<(usize, String)> {
    without_bom(text)
        .lines()
        .enumerate()
        .filter(|(_, line)| is_key(line.trim_start(), key))
        .filter_map(|(i, line)| {
            let line = line.trim_start();
            let end = comment_start(line).unwrap_or(line.len());
            let value = line[..end].split_once(':')?.1.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|&q| value.strip_prefix(q)?.strip_suffix(q))
                .unwrap_or(value);
            Some((i + 1, unquoted.to_string()))
        })
        .collect()
}

/// One key of a top-level mapping, as [`children`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Child {
    /// The key, unquoted.
    pub(crate) key: String,
    /// The 1-based line it is written on.
    pub(crate) line: usize,
    /// The line after its entry (the next key's, or the end).
    pub(crate) end: usize,
}

/// The keys of the top-level mapping `key:` (`policies:` → `social-media`,
/// …), each with the lines its entry spans.
pub(crate) fn children(text: &str, key: &str) -> Vec<Child> {
    let lines: Vec<&str> = without_bom(text).lines().collect();
    let Some(start) = top_key_line(text, key) else {
        return Vec::new();
    };
    let mut out: Vec<Child> = Vec::new();
    let mut indent = None;
    let mut last = start;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let width = line.len() - trimmed.len();
        if width == 0 {
            break;
        }
        if width == *indent.get_or_insert(width)
            && let Some((name, _)) = trimmed.split_once(':')
        {
            // An entry ends after its last line of its own, before any
            // blank lines or comments that lead to the next one.
            if let Some(previous) = out.last_mut() {
                previous.end = last + 1;
            }
            out.push(Child {
                key: name.trim().trim_matches(['"', '\'']).to_string(),
                line: i + 1,
                end: i + 2,
            });
        }
        last = i + 1;
    }
    if let Some(previous) = out.last_mut() {
        previous.end = last + 1;
    }
    out
}

/// `text` with `key:` of the entry `child` of the top-level mapping
/// `parent` set to `value` (added at the end of the entry when it has
/// none), keeping the comment after the old value.
pub(crate) fn set_child_key(
    text: &str,
    parent: &str,
    child: &str,
    key: &str,
    value: &str,
) -> String {
    let Some(entry) = children(text, parent).into_iter().find(|c| c.key == child) else {
        return text.to_string();
    };
    let rendered = scalar(value);
    let mut lines: Vec<String> = without_bom(text).lines().map(str::to_string).collect();
    let at = field_line(text, entry.line + 1, entry.end, key);
    match at {
        Some(at) => {
            let line = &lines[at - 1];
            let indent = &line[..line.len() - line.trim_start().len()];
            let trimmed = line.trim_start();
            lines[at - 1] = match comment_start(trimmed) {
                Some(i) => format!("{indent}{key}: {rendered} {}", &trimmed[i..]),
                None => format!("{indent}{key}: {rendered}"),
            };
        }
        None => {
            let indent = lines
                .get(entry.line)
                .map(|l| l[..l.len() - l.trim_start().len()].to_string())
                .unwrap_or_else(|| "    ".to_string());
            let mut last = entry.end - 1;
            while last > entry.line && lines[last - 1].trim().is_empty() {
                last -= 1;
            }
            lines.insert(last, format!("{indent}{key}: {rendered}"));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The line of `key:` within one list item: between lines `start` and
/// `end` (1-based, `end` not included), the item's own `- key:` counting.
pub(crate) fn field_line(text: &str, start: usize, end: usize, key: &str) -> Option<usize> {
    without_bom(text)
        .lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .take(end.saturating_sub(start))
        .find(|(_, line)| is_key(line.trim_start().trim_start_matches("- "), key))
        .map(|(i, _)| i + 1)
}

/// The first line that gives an entry `id: <id>` (quoted or not, as a
/// list item's first key or not).
pub(crate) fn id_line(text: &str, id: &str) -> Option<usize> {
    without_bom(text)
        .lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches("- ").trim();
            line.strip_prefix("id:")
                .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == id)
        })
        .map(|i| i + 1)
}

/// The 1-based line each item of the top-level list `key:` starts on (its
/// `-`, at the list's indentation), `count` of them: items that cannot be
/// found (a list written inline) get the line of `key:`.
pub(crate) fn item_lines(text: &str, key: &str, count: usize) -> Vec<usize> {
    let lines: Vec<&str> = without_bom(text).lines().collect();
    let list = top_key_line(text, key);
    let mut out = Vec::new();
    if let Some(list) = list {
        let mut indent = None;
        for (i, line) in lines.iter().enumerate().skip(list) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let width = line.len() - trimmed.len();
            if !trimmed.starts_with('-') {
                if width == 0 {
                    break;
                }
                continue;
            }
            if width == *indent.get_or_insert(width) {
                out.push(i + 1);
            }
        }
    }
    out.resize(count.max(out.len()), list.unwrap_or(1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        id: String,
        #[serde(default)]
        day: Option<Day>,
        #[serde(default)]
        list: Vec<i64>,
        #[serde(default)]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        name: String,
        #[serde(default)]
        day: Option<Day>,
    }

    /// A value checked after it is read, as `ReviewDate` is.
    #[derive(Debug)]
    struct Day;

    impl<'de> Deserialize<'de> for Day {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            if text == "today" {
                Ok(Day)
            } else {
                Err(serde::de::Error::custom(format!("`{text}` is not a day")))
            }
        }
    }

    fn error(text: &str) -> Diagnostic {
        parse::<Doc>(Path::new("f.yaml"), text).unwrap_err()
    }

    #[test]
    fn parses_a_typed_value_and_accepts_a_bom() {
        let doc: Doc = parse(Path::new("f.yaml"), "\u{feff}id: a\nlist: [1, 2]\n").unwrap();
        assert_eq!(doc.id, "a");
        assert_eq!(doc.list, [1, 2]);
        assert!(doc.day.is_none() && doc.inner.is_none());
        let doc: Doc = parse(
            Path::new("f.yaml"),
            "id: a\ninner:\n  name: n\n  day: today\n",
        )
        .unwrap();
        let inner = doc.inner.unwrap();
        assert_eq!(inner.name, "n");
        assert!(inner.day.is_some());
        let err = error("\u{feff}id: a\ncolour: red\n");
        assert_eq!(err.line, Some(2));
        // A quoted `#` is text, not a comment.
        let doc: Doc = parse(Path::new("f.yaml"), "id: \"a # b\"\n").unwrap();
        assert_eq!(doc.id, "a # b");
    }

    #[test]
    fn errors_name_the_file_and_line_without_serde_yamls_suffix() {
        let err = error("id: a\nlist: [1]\ncolour: red\n");
        assert_eq!(err.file, Path::new("f.yaml"));
        assert_eq!(err.line, Some(3));
        assert!(err.message.starts_with("unknown field `colour`"), "{err}");
        assert!(!err.message.contains("at line"), "{err}");
        let err = error("id: a\nlist: [1, x]\n");
        assert_eq!(err.line, Some(2));
        assert_eq!(
            err.message,
            "list[1]: invalid type: string \"x\", expected i64"
        );
        let err = error("id: a\ninner:\n  name: n\n  nmae: m\n");
        assert_eq!(err.line, Some(4));
        assert!(
            err.message.starts_with("inner: unknown field `nmae`"),
            "{err}"
        );
    }

    #[test]
    fn a_block_reports_the_line_of_its_file() {
        // Front matter: the YAML starts on line 2 of the page.
        let err = parse_from_line::<Doc>(Path::new("p.md"), "id: a\nwieght: 3\n", 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        let err = parse_from_line::<Doc>(Path::new("p.md"), "list: []\n", 2).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.message, "missing field `id`");
    }

    #[test]
    fn a_value_checked_after_reading_is_found_on_its_own_line() {
        let err = error("id: a\nlist: []\nday: yesterday\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "`yesterday` is not a day");
        // In a nested mapping: the value's line, not the mapping's.
        let err = error("id: a\ninner:\n  name: yesterday\n  day: yesterday\n");
        assert_eq!(err.line, Some(3), "the first line from the mapping on");
        let err = error("id: a\ninner:\n  name: n\n  day: someday\n");
        assert_eq!(err.line, Some(4));
        // A missing key is not looked for in other text that names it.
        let err = error("list: []\ninner:\n  name: id\n");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn a_repeated_key_is_shown_where_it_is_repeated() {
        let err = error("id: a\nlist: []\nid: b\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "duplicate field `id`");
    }

    #[test]
    fn text_that_is_not_yaml_gives_the_line_and_column() {
        let err = error("id: a\nlist: [1, 2\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.message,
            "is not valid YAML: did not find expected ',' or ']' (column 1)"
        );
        // The typed parse would stop at the list; the real fault is the
        // unclosed bracket.
        let err = error("id: [a\n");
        assert!(err.message.starts_with("is not valid YAML"), "{err}");
        let err = parse_from_line::<Doc>(Path::new("p.md"), "id: a\n  list: 1\n", 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.message,
            "is not valid YAML: mapping values are not allowed in this context (column 7)"
        );
        let err = error("id: a\n\tlist: []\n");
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("tab character"), "{err}");
    }

    #[test]
    fn lines_of_keys_items_and_ids() {
        let text = "\u{feff}title: T\nquestions:\n  - id: one\n    prompt: P\n    kind: single\n  \
                    # a comment\n  - id: \"two\"\n    kind: true_false\nafter: x\n  title: nested\n";
        assert_eq!(
            key_line(text, "title"),
            Some(1),
            "the BOM is not part of the key"
        );
        assert_eq!(key_line(text, "kind"), Some(5));
        assert_eq!(key_line(text, "none"), None);
        assert_eq!(top_key_line(text, "after"), Some(9));
        assert_eq!(top_key_line(text, "prompt"), None, "indented");
        assert_eq!(item_lines(text, "questions", 2), [3, 7]);
        assert_eq!(item_lines(text, "questions", 3), [3, 7, 2], "one not found");
        assert_eq!(item_lines("questions: [{id: a}]\n", "questions", 1), [1]);
        assert_eq!(field_line(text, 3, 7, "kind"), Some(5));
        assert_eq!(field_line(text, 3, 7, "id"), Some(3), "the item's `- id:`");
        assert_eq!(field_line(text, 7, usize::MAX, "prompt"), None);
        assert_eq!(id_line(text, "two"), Some(7));
        assert_eq!(values(text, "after"), [(9, "x".to_string())]);
        assert_eq!(values(text, "questions"), [(2, String::new())]);
        assert_eq!(
            values(text, "kind"),
            [(5, "single".into()), (8, "true_false".into())]
        );
        let dates = "a: 1\nreviewed: \"2025-13\"   # last\n  next: '2026-01' # x\n";
        assert_eq!(values(dates, "reviewed"), [(2, "2025-13".to_string())]);
        assert_eq!(values(dates, "next"), [(3, "2026-01".to_string())]);
        assert_eq!(id_line(text, "three"), None);
        // serde_yaml writes list items at the key's own indentation.
        assert_eq!(
            item_lines("versions:\n- id: a\n  x: 1\n- id: b\n", "versions", 2),
            [2, 4]
        );
    }

    /// A `policies:` mapping as site.yaml writes it.
    const POLICIES: &str = "id: x\npolicies:\n  one:\n    title: One\n    \
                            version: Spring 2026   # the label\n\n  # the second\n  \
                            \"two\":\n    title: Two\n    version: a\ncourse:\n  version: 1\n";

    #[test]
    fn the_entries_of_a_mapping_are_found_with_their_lines() {
        let found = children(POLICIES, "policies");
        let keys: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|c| (c.key.as_str(), c.line, c.end))
            .collect();
        assert_eq!(keys, [("one", 3, 6), ("two", 8, 11)]);
        assert!(children(POLICIES, "none").is_empty());
        assert_eq!(field_line(POLICIES, 8, 11, "version"), Some(10));
    }

    #[test]
    fn a_value_of_one_entry_is_replaced_keeping_its_comment() {
        let set = |text: &str, child: &str, key: &str, value: &str| {
            set_child_key(text, "policies", child, key, value)
        };
        assert_eq!(
            set(POLICIES, "one", "version", "Summer 2026"),
            POLICIES.replace("Spring 2026   # the label", "Summer 2026 # the label")
        );
        // The other entry's key of the same name, and `course:`'s, stay.
        assert_eq!(
            set(POLICIES, "two", "version", "b"),
            POLICIES.replace("version: a", "version: b")
        );
        // A key the entry lacks is added at its end, before the blank line.
        assert_eq!(
            set(POLICIES, "one", "next_review", "2027-01"),
            POLICIES.replace("label\n\n", "label\n    next_review: 2027-01\n\n")
        );
        assert_eq!(
            set(POLICIES, "two", "version", "a: b"),
            POLICIES.replace("version: a\n", "version: 'a: b'\n")
        );
        assert_eq!(set(POLICIES, "three", "version", "c"), POLICIES);
    }

    #[test]
    fn a_hash_inside_quotes_or_a_word_is_not_a_comment() {
        for (line, comment) in [
            ("version: \"Spring #2\"", None),
            ("version: \"Spring #2\" # label", Some("# label")),
            ("version: 'It''s #2' # label", Some("# label")),
            ("version: 'It''s #2'", None),
            ("version: \"a \\\" #b\" #c", Some("#c")),
            ("version: a#b", None),
            ("version: a #b", Some("#b")),
            ("version: # only a comment", Some("# only a comment")),
            ("version: \"unclosed #x", None),
        ] {
            assert_eq!(comment_start(line).map(|i| &line[i..]), comment, "{line}");
        }
        let text = "policies:\n  p:\n    version: \"Spring #2\"\n";
        assert_eq!(
            set_child_key(text, "policies", "p", "version", "Summer 2026"),
            "policies:\n  p:\n    version: Summer 2026\n"
        );
        let text = "policies:\n  p:\n    version: 'It''s #2' # the label\n";
        assert_eq!(
            set_child_key(text, "policies", "p", "version", "Summer 2026"),
            "policies:\n  p:\n    version: Summer 2026 # the label\n"
        );
    }

    #[test]
    fn values_are_written_as_yaml() {
        assert_eq!(scalar("Spring 2026"), "Spring 2026");
        assert_eq!(scalar("a: b"), "'a: b'");
        assert_eq!(scalar("2027-01"), "2027-01");
        #[derive(Serialize)]
        struct Out {
            a: Vec<u8>,
        }
        assert_eq!(to_string(&Out { a: vec![1] }).unwrap(), "a:\n- 1\n");
    }
}
