//! The staff roster: the CSV list of people who must complete the course
//! (SPEC §3, §5). Takes the file's bytes; gives the people on it, found by
//! id. Codes and letters are issued to each person on it, and tokens,
//! completions and the report are checked against it.
//!
//! The file has a header row with at least `id` and `name`; `email`,
//! `school`, `role` and `generation` are optional, columns may come in any
//! order and other columns are ignored, so a school can export its staff
//! list from its own system and add nothing. Ids are matched without regard
//! to case or surrounding spaces (someone who types `t042` for `T042` is
//! still found), so two ids that differ only in case are a duplicate.
//!
//! Ids are Unicode-normalised (NFC) as they are read: `Zoë` typed with a
//! precomposed `ë` or with `e` and a combining diaeresis is one id, and the
//! normalised spelling is the one staff keys are made from. A value may
//! run over several lines when it is quoted (a spreadsheet cell with a line
//! break); names, schools and roles have their line breaks and runs of
//! spaces made single spaces.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Diagnostic, Error, Result};

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
    /// The day the person joined (the `start` column), when given.
    pub start: Option<NaiveDate>,
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

/// The key ids are matched by: trimmed, NFC-normalised, lower case.
pub(crate) fn id_key(id: &str) -> String {
    nfc(&nfc(id.trim()).to_lowercase())
}

/// `text` in Unicode normalisation form C (composed characters).
pub(crate) fn nfc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfc().collect()
}

/// `text` with every run of white space (line breaks included) made one
/// space, and none at either end.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1-based line of the first quoted value that is still open at the end
/// of `bytes`, when there is one. (A quoted value may hold line breaks, so
/// only the end of the file shows that a quote was never closed.)
fn unclosed_quote(bytes: &[u8]) -> Option<usize> {
    #[derive(PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::FieldStart;
    let mut line = 1;
    let mut opened = 0;
    for &b in bytes {
        at = match (at, b) {
            (At::FieldStart, b'"') => {
                opened = line;
                At::Quoted
            }
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            // `""` inside quotes is a quote character: still inside.
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b',' | b'\n' | b'\r') => At::FieldStart,
            (_, _) => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (at == At::Quoted).then_some(opened)
}

const COLUMNS: [&str; 7] = [
    "id",
    "name",
    "email",
    "school",
    "role",
    "start",
    "generation",
];

/// Where each known column is in the file.
struct Columns(HashMap<&'static str, usize>);

impl Columns {
    /// The known columns of the header row; a column given twice, or no
    /// `id` or `name` column, is a problem on line 1.
    fn find(headers: &csv::StringRecord, shown: &Path) -> Result<Columns> {
        let mut problems = Vec::new();
        let mut columns: HashMap<&'static str, usize> = HashMap::new();
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
                         optionally email,school,role,start,generation",
                    ),
                );
            }
        }
        if problems.is_empty() {
            Ok(Columns(columns))
        } else {
            Err(Error::Input(problems))
        }
    }

    /// The value of column `name` in `record`, trimmed ("" when absent).
    fn field(&self, record: &csv::StringRecord, name: &str) -> String {
        self.0
            .get(name)
            .and_then(|&i| record.get(i))
            .unwrap_or("")
            .trim()
            .to_string()
    }

    /// The person on a row at `line`, or every problem with the row.
    fn person(
        &self,
        record: &csv::StringRecord,
        line: usize,
        shown: &Path,
    ) -> std::result::Result<Person, Vec<Diagnostic>> {
        // Keys are made from the normalised id, so that however the id
        // was typed, it gives the same code and finds the same person.
        let id = nfc(&self.field(record, "id"));
        let name = one_line(&self.field(record, "name"));
        let mut problems = Vec::new();
        let mut problem = |message: String, help: &str| {
            problems.push(Diagnostic::error(shown, Some(line), message).help(help.to_string()));
        };
        if let Err((message, help)) = check_id(&id) {
            problem(message, help);
        }
        if name.is_empty() {
            problem(
                format!("`{id}` has no name"),
                "fill in the name column; it goes on the letter and in the report",
            );
        }
        let generation_text = self.field(record, "generation");
        let generation = if generation_text.is_empty() {
            1
        } else {
            match generation_text.parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    problem(
                        format!("generation `{generation_text}` is not a whole number from 1 up"),
                        "leave it empty (or 1) for a first code; add 1 each time you replace \
                         the person's code",
                    );
                    1
                }
            }
        };
        let start_text = self.field(record, "start");
        let start = if start_text.is_empty() {
            None
        } else {
            match NaiveDate::parse_from_str(&start_text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problem(
                        format!("start `{start_text}` is not a date"),
                        "write the day the person joined as year-month-day, e.g. 2025-09-01, \
                         or leave it empty",
                    );
                    None
                }
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Person {
            id,
            name,
            email: self.field(record, "email"),
            school: one_line(&self.field(record, "school")),
            role: one_line(&self.field(record, "role")),
            start,
            generation,
            line,
        })
    }
}

/// Whether `id` can be an id: not empty, without `#` (which marks a
/// replaced code's generation) and on one line. The problem and its fix
/// when not.
fn check_id(id: &str) -> std::result::Result<(), (String, &'static str)> {
    if id.is_empty() {
        Err((
            "this row has no id".to_string(),
            "give every person an id (payroll number, initials or e-mail), or delete the row",
        ))
    } else if id.contains('#') {
        Err((
            format!("id `{id}` contains `#`"),
            "`#` marks a replaced code's generation in tokens; use an id without it",
        ))
    } else if id.chars().any(char::is_control) {
        Err((
            format!(
                "id `{}` contains a control character or a line break",
                id.escape_debug()
            ),
            "retype the id on one line",
        ))
    } else {
        Ok(())
    }
}

impl Roster {
    /// Reads the roster at `path`; messages name it as `shown`. `None` when
    /// there is no file at `path`.
    pub fn load(path: &Path, shown: &Path) -> Result<Option<Roster>> {
        match std::fs::read(path) {
            Ok(bytes) => Roster::parse(&bytes, shown).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(Error::reading(path, err)),
        }
    }

    /// Reads roster CSV from `bytes`; messages name the file as `shown`.
    /// Every problem is reported, each with its line.
    pub fn parse(bytes: &[u8], shown: &Path) -> Result<Roster> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let headers = match reader.headers() {
            Ok(headers) => headers.clone(),
            Err(err) => return Err(Error::input(csv_problem(shown, bytes, &err))),
        };
        if let Some(line) = unclosed_quote(bytes) {
            return Err(Error::input(
                Diagnostic::error(
                    shown,
                    Some(line),
                    "a double quote on this line is not closed, so the rest of the file runs on \
                     from it",
                )
                .help("put a closing \" after the value, or remove the opening one"),
            ));
        }
        let columns = Columns::find(&headers, shown)?;
        let mut roster = Roster {
            file: shown.to_path_buf(),
            ..Roster::default()
        };
        let mut problems = Vec::new();
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
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
            match columns.person(&record, line, shown) {
                Ok(person) => problems.extend(roster.add(person, shown).err()),
                Err(found) => problems.extend(found),
            }
        }
        if problems.is_empty() {
            Ok(roster)
        } else {
            Err(Error::Input(problems))
        }
    }

    /// Adds `person`, unless their id (matched as [`id_key`] matches) is
    /// already on the roster.
    fn add(&mut self, person: Person, shown: &Path) -> std::result::Result<(), Diagnostic> {
        let key = id_key(&person.id);
        if let Some(&earlier) = self.index.get(&key) {
            let first = &self.people[earlier];
            let (id, name, line) = (&person.id, &person.name, person.line);
            let message = if first.id == *id {
                format!(
                    "id `{id}` is on line {} ({}) and again on line {line} ({name})",
                    first.line, first.name
                )
            } else {
                format!(
                    "id `{id}` on line {line} ({name}) is the same id as `{}` on line {} \
                     ({}): ids are matched ignoring case",
                    first.id, first.line, first.name
                )
            };
            return Err(Diagnostic::error(shown, Some(line), message)
                .help("every person needs their own id; remove the duplicate or change one id"));
        }
        self.index.insert(key, self.people.len());
        self.people.push(person);
        Ok(())
    }

    /// Everyone, in file order.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The person with `id` (ignoring case and surrounding spaces).
    pub fn get(&self, id: &str) -> Option<&Person> {
        self.index.get(&id_key(id)).map(|&i| &self.people[i])
    }

    /// A warning for each school on the roster that `schools` (site.yaml's
    /// list) does not name, at the first line it is on: usually a typing
    /// mistake, which would split a school in two in the report. None when
    /// `schools` is empty.
    pub fn school_warnings(&self, schools: &[String]) -> Vec<Diagnostic> {
        let mut warned: Vec<&str> = Vec::new();
        let mut warnings = Vec::new();
        if schools.is_empty() {
            return warnings;
        }
        for person in &self.people {
            let school = person.school.as_str();
            if school.is_empty()
                || warned.contains(&school)
                || schools.iter().any(|s| s.eq_ignore_ascii_case(school))
            {
                continue;
            }
            warned.push(school);
            warnings.push(
                Diagnostic::warning(
                    &self.file,
                    Some(person.line),
                    format!("school `{school}` is not one of the schools in site.yaml"),
                )
                .help(format!(
                    "check the spelling, or add it to `schools:` in site.yaml (it lists: {})",
                    schools.join(", ")
                )),
            );
        }
        warnings
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
        assert_eq!(roster.people().len(), 2);
        let jo = roster.get("t001").unwrap();
        assert_eq!(jo.name, "Smith, Jo");
        assert_eq!(jo.email, "jo@example.org");
        assert_eq!(jo.school, "St Mary's");
        assert_eq!(jo.generation, 1);
        assert_eq!(jo.line, 2);
        let ann = roster.get(" T002 ").unwrap();
        assert_eq!(ann.name, "Ann \"Nan\" Lee");
        // A quoted value over two lines is one value, on one line.
        assert_eq!(ann.role, "Teaching Assistant");
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
    fn start_dates_are_read_and_a_bad_one_named() {
        let roster = Roster::parse(
            b"id,name,start\nT1,Ann,2025-09-01\nT2,Bob,\n",
            Path::new("r.csv"),
        )
        .unwrap();
        assert_eq!(
            roster.get("T1").unwrap().start,
            NaiveDate::from_ymd_opt(2025, 9, 1)
        );
        assert_eq!(roster.get("T2").unwrap().start, None);
        let err = Roster::parse(b"id,name,start\nT1,Ann,1/9/2025\n", Path::new("r.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("r.csv:2") && err.contains("start `1/9/2025`"),
            "{err}"
        );
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
            text.contains(
                "roster.csv:4: id `t1` on line 4 (Again) is the same id as `T1` on line 2 (One)"
            ),
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
    fn a_quoted_value_may_run_over_lines() {
        let roster = parse(
            "id,name,school\r\nT1,\"Smith,\r\nJo\",\"Hill\nSchool\"\r\nT2,\"Ann\n\n  Lee\",Dale\r\n",
        )
        .unwrap();
        let jo = roster.get("T1").unwrap();
        assert_eq!(
            (jo.name.as_str(), jo.school.as_str()),
            ("Smith, Jo", "Hill School")
        );
        assert_eq!(jo.line, 2);
        let ann = roster.get("T2").unwrap();
        assert_eq!((ann.name.as_str(), ann.line), ("Ann Lee", 5));
        // An id cannot: it is typed on one line.
        let err = parse("id,name\n\"T\n1\",One\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("contains a control character or a line break"),
            "{err}"
        );
    }

    #[test]
    fn ids_are_one_id_however_their_accents_were_typed() {
        let composed = "Zo\u{eb}";
        let decomposed = "Zoe\u{308}";
        let roster = parse(&format!("id,name\n{decomposed},Zo\u{eb} Adams\n")).unwrap();
        let zoe = roster.get(composed).unwrap();
        // Stored (and so keyed) in the composed form.
        assert_eq!(zoe.id, composed);
        assert_eq!(roster.get(decomposed).unwrap().id, composed);
        assert_eq!(roster.get(" zo\u{eb} ").unwrap().id, composed);
        let err = parse(&format!(
            "id,name\n{composed},Zo\u{eb} Adams\n{decomposed},Zoe Brown\n"
        ))
        .unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "roster.csv:3: id `{composed}` is on line 2 (Zo\u{eb} Adams) and again on line 3 (Zoe Brown)"
            )),
            "{err}"
        );
    }

    #[test]
    fn crlf_and_blank_lines_keep_line_numbers_right() {
        let err = parse("id,name\r\nT1,One\r\n\r\nT1,Two\r\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("roster.csv:4: id `T1` is on line 2 (One) and again on line 4 (Two)"),
            "{err}"
        );
    }

    #[test]
    fn schools_that_site_yaml_does_not_name_are_warned_about_once() {
        let roster = parse(
            "id,name,school\nT1,One,Hill School\nT2,Two,Hil School\nT3,Three,hill school\n\
             T4,Four,Hil School\nT5,Five,\n",
        )
        .unwrap();
        let schools = ["Hill School".to_string(), "Dale School".to_string()];
        let warnings = roster.school_warnings(&schools);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(!warnings[0].is_error());
        assert_eq!(warnings[0].line, Some(3));
        assert!(
            warnings[0].to_string().starts_with(
                "warning: roster.csv:3: school `Hil School` is not one of the schools in site.yaml"
            ),
            "{}",
            warnings[0]
        );
        assert!(roster.school_warnings(&[]).is_empty());
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
        assert!(
            err.to_string()
                .contains("roster.csv:2: a double quote on this line is not closed"),
            "{err}"
        );
        // An escaped quote inside a closed one is not an open quote.
        let err = parse("id,name\nT1,\"Jo \"\"JJ\"\"\nSmith\"\nT2,\"Two\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("roster.csv:4: a double quote on this line is not closed"),
            "{err}"
        );
        let err = Roster::parse(b"id,name\nT1,\xff\xfe\n", Path::new("r.csv")).unwrap_err();
        assert!(
            err.to_string().contains("r.csv:2: this line is not UTF-8"),
            "{err}"
        );
    }
}
