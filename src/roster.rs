//! The staff roster: the CSV list of people who must complete the course
//! (SPEC §3, §5). `codes` issues a code to each person on it; `import`,
//! `record` and `report` check tokens and completions against it.
//!
//! The file has a header row with at least `id` and `name`; `email`,
//! `school`, `role` and `generation` are optional, columns may come in any
//! order and other columns are ignored, so a school can export its staff
//! list from its own system and add nothing. Ids are matched without regard
//! to case or surrounding spaces (someone who types `t042` for `T042` is
//! still found), so two ids that differ only in case are a duplicate.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

/// The roster's usual place, relative to the site root.
pub const ROSTER_FILE: &str = ".handbook/roster.csv";

/// One person on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The id the school uses (payroll number, initials, e-mail…).
    pub id: String,
    /// Full name, for letters and the report.
    pub name: String,
    /// E-mail address, for reminders (may be empty).
    pub email: String,
    /// School, as named in site.yaml's `schools` (may be empty).
    pub school: String,
    /// Role, e.g. "Teacher" or "Volunteer" (may be empty).
    pub role: String,
    /// The generation of the person's code: 1, or higher once it has been
    /// replaced.
    pub generation: u32,
    /// The line of the roster the person is on.
    pub line: usize,
}

/// The whole roster, in file order.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// The file, as shown in messages.
    pub file: PathBuf,
    people: Vec<Person>,
    index: HashMap<String, usize>,
}

/// The key ids are matched by: trimmed, lower case.
pub fn id_key(id: &str) -> String {
    id.trim().to_lowercase()
}

const COLUMNS: [&str; 6] = ["id", "name", "email", "school", "role", "generation"];

impl Roster {
    /// Reads the roster at `path`; messages name it as `shown`.
    pub fn load(path: &Path, shown: &Path) -> Result<Roster> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::input(
                    Diagnostic::error(shown, None, "there is no roster here").help(format!(
                        "save the staff list as {ROSTER_FILE} (a CSV file whose first row is \
                         id,name,email,school,role) or name it with --roster FILE"
                    )),
                ));
            }
            Err(err) => return Err(Error::io(format!("reading {}", path.display()), err)),
        };
        Roster::parse(&bytes, shown)
    }

    /// Reads roster CSV from `bytes`; messages name the file as `shown`.
    /// Every problem is reported, each with its line.
    pub fn parse(bytes: &[u8], shown: &Path) -> Result<Roster> {
        let mut problems = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(err) => return Err(Error::input(csv_problem(shown, bytes, &err))),
        };
        let mut columns: HashMap<&str, usize> = HashMap::new();
        for (i, header) in headers.iter().enumerate() {
            let name = header.trim().to_lowercase();
            if let Some(known) = COLUMNS.iter().find(|c| **c == name)
                && columns.insert(known, i).is_some()
            {
                problems.push(
                    Diagnostic::error(shown, Some(1), format!("column `{known}` is given twice"))
                        .help("keep one of them"),
                );
            }
        }
        let found = headers.iter().map(str::trim).collect::<Vec<_>>().join(",");
        for required in ["id", "name"] {
            if !columns.contains_key(required) {
                problems.push(
                    Diagnostic::error(
                        shown,
                        Some(1),
                        format!("the header row has no `{required}` column (it has: {found})"),
                    )
                    .help(
                        "the first row must name the columns: at least id,name, and \
                         optionally email,school,role,generation",
                    ),
                );
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let mut roster = Roster {
            file: shown.to_path_buf(),
            ..Roster::default()
        };
        for record in reader.records() {
            let record = match record {
                Ok(record) => record,
                Err(err) => {
                    problems.push(csv_problem(shown, bytes, &err));
                    // A broken quote or bad bytes make the rest unreliable.
                    if !matches!(err.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        break;
                    }
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            let field = |name: &str| {
                columns
                    .get(name)
                    .and_then(|&i| record.get(i))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            let id = field("id");
            let name = field("name");
            let mut ok = true;
            let mut problem = |message: String, help: &str| {
                problems.push(Diagnostic::error(shown, Some(line), message).help(help.to_string()));
                ok = false;
            };
            if [&id, &name].iter().any(|f| f.contains(['\n', '\r'])) {
                problem(
                    "a double quote on this line is not closed, so the row runs on".to_string(),
                    "put a closing \" after the value, or remove the opening one",
                );
            } else if id.is_empty() {
                problem(
                    "this row has no id".to_string(),
                    "give every person an id (payroll number, initials or e-mail), or delete the row",
                );
            } else if id.contains('#') {
                problem(
                    format!("id `{id}` contains `#`"),
                    "`#` marks a replaced code's generation in tokens; use an id without it",
                );
            } else if id.chars().any(char::is_control) {
                problem(
                    format!("id `{}` contains a control character", id.escape_debug()),
                    "retype the id",
                );
            }
            if name.is_empty() {
                problem(
                    format!("`{id}` has no name"),
                    "fill in the name column; it goes on the letter and in the report",
                );
            }
            let generation_text = field("generation");
            let generation = if generation_text.is_empty() {
                1
            } else {
                match generation_text.parse::<u32>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        problem(
                            format!(
                                "generation `{generation_text}` is not a whole number from 1 up"
                            ),
                            "leave it empty (or 1) for a first code; add 1 each time you replace \
                             the person's code",
                        );
                        1
                    }
                }
            };
            if !ok {
                continue;
            }
            let key = id_key(&id);
            if let Some(&earlier) = roster.index.get(&key) {
                let first = &roster.people[earlier];
                problems.push(
                    Diagnostic::error(
                        shown,
                        Some(line),
                        format!(
                            "id `{id}` is on line {} and again on line {line}",
                            first.line
                        ),
                    )
                    .help("every person needs their own id; remove the duplicate or change one id"),
                );
                continue;
            }
            roster.index.insert(key, roster.people.len());
            roster.people.push(Person {
                id,
                name,
                email: field("email"),
                school: field("school"),
                role: field("role"),
                generation,
                line,
            });
        }
        if problems.is_empty() {
            Ok(roster)
        } else {
            Err(Error::Input(problems))
        }
    }

    /// Everyone, in file order.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The person with `id` (ignoring case and surrounding spaces).
    pub fn get(&self, id: &str) -> Option<&Person> {
        self.index.get(&id_key(id)).map(|&i| &self.people[i])
    }

    /// How many people are on the roster.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when nobody is on the roster.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

/// The 1-based line of the record the csv reader places at byte `offset`.
/// (csv's own line count is off by one on CRLF files, and its offset may
/// point at the previous line's end, so both are corrected here.)
fn line_at(bytes: &[u8], offset: u64) -> usize {
    let mut at = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

fn csv_problem(shown: &Path, bytes: &[u8], err: &csv::Error) -> Diagnostic {
    let line = err.position().map(|p| line_at(bytes, p.byte()));
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            Diagnostic::error(shown, line, "this line is not UTF-8 text")
                .help("save the roster as \"CSV UTF-8\" from your spreadsheet program")
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Diagnostic::error(
            shown,
            line,
            format!("this row has {len} fields, but the header row has {expected_len}"),
        )
        .help("check for a missing or extra comma; put a value with a comma in double quotes"),
        _ => Diagnostic::error(shown, line, format!("cannot be read as CSV: {err}"))
            .help("save the roster as \"CSV UTF-8\" from your spreadsheet program"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Roster> {
        Roster::parse(text.as_bytes(), Path::new("roster.csv"))
    }

    #[test]
    fn reads_columns_in_any_order_with_quotes_and_crlf() {
        let roster = parse(
            "\u{feff}Name,ID,Payroll,email,role,school\r\n\
             \"Smith, Jo\",T001,99,jo@example.org,Teacher,St Mary's\r\n\
             \"Ann \"\"Nan\"\" Lee\",t002,,,\"Teaching\nAssistant\",\r\n\
             ,,,,,\r\n",
        )
        .unwrap();
        assert_eq!(roster.len(), 2);
        let jo = roster.get("t001").unwrap();
        assert_eq!(jo.name, "Smith, Jo");
        assert_eq!(jo.email, "jo@example.org");
        assert_eq!(jo.school, "St Mary's");
        assert_eq!(jo.generation, 1);
        assert_eq!(jo.line, 2);
        let ann = roster.get(" T002 ").unwrap();
        assert_eq!(ann.name, "Ann \"Nan\" Lee");
        assert_eq!(ann.role, "Teaching\nAssistant");
        assert_eq!(ann.line, 3);
    }

    #[test]
    fn missing_columns_are_named() {
        let err = parse("id,email\nT1,a@b\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("roster.csv:1: the header row has no `name` column"),
            "{text}"
        );
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn row_problems_name_their_lines() {
        let err = parse(
            "id,name,generation\n\
             T1,One,\n\
             ,Nobody,\n\
             t1,Again,\n\
             T3,Three,two\n\
             T4,Four,0\n\
             T5#2,Five,\n\
             T6,,\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("roster.csv:3: this row has no id"), "{text}");
        assert!(
            text.contains("roster.csv:4: id `t1` is on line 2 and again on line 4"),
            "{text}"
        );
        assert!(text.contains("roster.csv:5: generation `two`"), "{text}");
        assert!(text.contains("roster.csv:6: generation `0`"), "{text}");
        assert!(
            text.contains("roster.csv:7: id `T5#2` contains `#`"),
            "{text}"
        );
        assert!(text.contains("roster.csv:8: `T6` has no name"), "{text}");
    }

    #[test]
    fn crlf_and_blank_lines_keep_line_numbers_right() {
        let err = parse("id,name\r\nT1,One\r\n\r\nT1,Two\r\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("roster.csv:4: id `T1` is on line 2 and again on line 4"),
            "{err}"
        );
    }

    #[test]
    fn generation_and_short_rows() {
        let roster = parse("id,name,generation\nT1,One,3\nT2,Two\n").unwrap();
        assert_eq!(roster.get("T1").unwrap().generation, 3);
        assert_eq!(roster.get("T2").unwrap().generation, 1);
        assert!(roster.get("T9").is_none());
    }

    #[test]
    fn a_broken_quote_is_reported_not_panicked_on() {
        let err = parse("id,name\nT1,\"One\nT2,Two\n").unwrap_err();
        assert_eq!(err.exit_code(), 1);
        let err = Roster::parse(b"id,name\nT1,\xff\xfe\n", Path::new("r.csv")).unwrap_err();
        assert!(
            err.to_string().contains("r.csv:2: this line is not UTF-8"),
            "{err}"
        );
    }
}
