//! The staff roster: the list of people who must complete the course
//! (SPEC §3, §5). Takes the file's bytes; gives the people on it, found by
//! id, what the reader understood of the file, and its warnings. Codes and
//! letters are issued to each person on it, and tokens, completions and
//! the report are checked against it.
//!
//! The file is a staff list as a school's MIS exports it, with no hand
//! edits: CSV separated by commas, semicolons or tabs (found by the
//! header row), in UTF-8 with or without a byte-order mark or in
//! Windows-1252 (converted, with a warning), with a title or blank rows
//! above the header row; or the `.xlsx` itself. The header row names the
//! columns, in any order: the plain `id,name,email,school,role,start,
//! generation` of SPEC §3, or the headings of SIMS, Arbor, Bromcom and
//! ScholarPack exports (`Staff ID`, `Legal Surname`, `Preferred Forename`,
//! `Work Email`, `School Name`, `Job Title`, `Start Date`…; see
//! [`headers`]), forename and surname being joined into the name; and
//! site.yaml's `roster:` names any others. Other columns are ignored.
//! Dates are read in UK (`31/01/2025`) or ISO form, or as spreadsheet
//! dates.
//!
//! Ids are matched without regard to case or surrounding spaces (someone
//! who types `t042` for `T042` is still found), so two ids that differ
//! only in case are a duplicate. Ids are Unicode-normalised (NFC) as they
//! are read: `Zoë` typed with a precomposed `ë` or with `e` and a
//! combining diaeresis is one id, and the normalised spelling is the one
//! staff keys are made from. A value may run over several lines when it is
//! quoted (a spreadsheet cell with a line break); names, schools and roles
//! have their line breaks and runs of spaces made single spaces.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::RosterColumns;
use crate::error::{Diagnostic, Error, Result};

mod decode;
pub mod headers;
mod person;
mod xlsx;

pub use decode::TextEncoding;
pub use headers::{Column, Field, Layout, Source};

use decode::Row;

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

/// What kind of file the roster was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// CSV text.
    Csv {
        /// The character between columns.
        delimiter: char,
        /// The text's encoding.
        encoding: TextEncoding,
    },
    /// A spreadsheet (`.xlsx`), read from one of its sheets.
    Spreadsheet {
        /// The sheet's name.
        sheet: String,
    },
}

impl Format {
    /// As people read it: "CSV separated by semicolons, in UTF-8".
    pub fn describe(&self) -> String {
        match self {
            Format::Csv {
                delimiter,
                encoding,
            } => {
                let separated = u8::try_from(*delimiter).map_or("commas", decode::delimiter_name);
                format!("CSV separated by {separated}, in {}", encoding.describe())
            }
            Format::Spreadsheet { sheet } => format!("a spreadsheet, sheet `{sheet}`"),
        }
    }
}

/// The whole roster, in file order.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The file, as shown in messages.
    pub file: PathBuf,
    people: Vec<Person>,
    index: HashMap<String, usize>,
    format: Format,
    layout: Layout,
    warnings: Vec<Diagnostic>,
}

impl Default for Roster {
    fn default() -> Self {
        Roster {
            file: PathBuf::new(),
            people: Vec::new(),
            index: HashMap::new(),
            format: Format::Csv {
                delimiter: ',',
                encoding: TextEncoding::Utf8,
            },
            layout: Layout::default(),
            warnings: Vec::new(),
        }
    }
}

/// A roster as read, with every problem that stops it being used: what
/// `handbook roster check` shows. The roster holds the people whose rows
/// were read.
#[derive(Debug, Clone)]
pub struct Examined {
    /// The people read, the format, the layout (when a header row was
    /// understood) and the warnings.
    pub roster: Roster,
    /// True when a header row was understood.
    pub understood: bool,
    /// The errors, each with its line.
    pub errors: Vec<Diagnostic>,
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

impl Roster {
    /// Reads the roster at `path` with no `roster:` configuration;
    /// messages name it as `shown`. `None` when there is no file at `path`.
    pub fn load(path: &Path, shown: &Path) -> Result<Option<Roster>> {
        Roster::load_with(path, shown, &RosterColumns::default())
    }

    /// Reads the roster at `path`, with `columns` (site.yaml's `roster:`)
    /// naming headings; messages name it as `shown`. `None` when there is
    /// no file at `path`.
    pub fn load_with(path: &Path, shown: &Path, columns: &RosterColumns) -> Result<Option<Roster>> {
        match std::fs::read(path) {
            Ok(bytes) => Roster::parse_with(&bytes, shown, columns).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(Error::reading(path, err)),
        }
    }

    /// Reads a roster (CSV or spreadsheet) from `bytes` with no `roster:`
    /// configuration; messages name the file as `shown`. Every problem is
    /// reported, each with its line.
    pub fn parse(bytes: &[u8], shown: &Path) -> Result<Roster> {
        Roster::parse_with(bytes, shown, &RosterColumns::default())
    }

    /// Reads a roster from `bytes`, with `columns` naming headings.
    pub fn parse_with(bytes: &[u8], shown: &Path, columns: &RosterColumns) -> Result<Roster> {
        let examined = Roster::examine(bytes, shown, columns);
        if examined.errors.is_empty() {
            Ok(examined.roster)
        } else {
            Err(Error::Input(examined.errors))
        }
    }

    /// Reads what can be read of a roster from `bytes`, and every problem
    /// with it, without failing: for saying what was understood.
    pub fn examine(bytes: &[u8], shown: &Path, columns: &RosterColumns) -> Examined {
        let mut roster = Roster {
            file: shown.to_path_buf(),
            ..Roster::default()
        };
        let mut errors = Vec::new();
        let rows = match roster.rows(bytes, columns) {
            Ok(rows) => rows,
            Err(problems) => {
                return Examined {
                    roster,
                    understood: false,
                    errors: problems,
                };
            }
        };
        let header = header_row(&rows, columns);
        let layout = match headers::understand(
            &rows[header].cells,
            rows[header].line,
            columns,
            shown,
            &mut roster.warnings,
        ) {
            Ok(layout) => layout,
            Err(problems) => {
                return Examined {
                    roster,
                    understood: false,
                    errors: problems,
                };
            }
        };
        for row in &rows[header + 1..] {
            match person::person(&layout, row, shown) {
                Ok(person) => errors.extend(roster.add(person, shown).err()),
                Err(found) => errors.extend(found),
            }
        }
        roster.layout = layout;
        roster
            .warnings
            .extend(person::leading_zeros(&roster.people, shown));
        Examined {
            roster,
            understood: true,
            errors,
        }
    }

    /// The file's non-blank rows, with its format recorded; an empty file
    /// is a problem.
    fn rows(
        &mut self,
        bytes: &[u8],
        columns: &RosterColumns,
    ) -> std::result::Result<Vec<Row>, Vec<Diagnostic>> {
        let shown = self.file.clone();
        let rows = if xlsx::is_spreadsheet(bytes) {
            let sheets = xlsx::sheets(bytes).map_err(|why| {
                vec![
                    Diagnostic::error(
                        &shown,
                        None,
                        format!("cannot be read as a spreadsheet: {why}"),
                    )
                    .help("give the staff list as .xlsx or as CSV"),
                ]
            })?;
            // The sheet whose header row is best: a workbook may hold
            // notes or a second list.
            let known = |rows: &[Row]| {
                rows.iter()
                    .take(decode::HEADER_SEARCH)
                    .map(|r| headers::score(&r.cells, columns))
                    .max()
            };
            let best = sheets
                .into_iter()
                .enumerate()
                .max_by_key(|(i, (_, rows))| (known(rows), std::cmp::Reverse(*i)))
                .map(|(_, sheet)| sheet)
                .unwrap_or_default();
            self.format = Format::Spreadsheet { sheet: best.0 };
            best.1
        } else {
            let decoded = decode::decode(bytes);
            self.warnings
                .extend(decode::converted_warning(&decoded, &shown));
            let delimiter = decode::detect_delimiter(&decoded.text, columns);
            self.format = Format::Csv {
                delimiter: char::from(delimiter),
                encoding: decoded.encoding,
            };
            decode::csv_rows(&decoded.text, delimiter, &shown)?
        };
        if rows.is_empty() {
            return Err(vec![
                Diagnostic::error(&shown, None, "the staff list is empty").help(
                    "export the staff list again: its first row names the columns (at least \
                     an id and a name), then one row per person",
                ),
            ]);
        }
        Ok(rows)
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

    /// What kind of file it was.
    pub fn format(&self) -> &Format {
        &self.format
    }

    /// Which column became which field.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// What the reader warns about: a converted encoding, headings that
    /// look like a field's but were not read, ids that look like Excel
    /// dropped their leading zeros. Each has its line.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
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

/// The index of the header row among `rows`: of the first few, the one
/// with the most known headings (the first when none has any).
fn header_row(rows: &[Row], columns: &RosterColumns) -> usize {
    let mut best = (0, 0);
    for (i, row) in rows.iter().enumerate().take(decode::HEADER_SEARCH) {
        let known = headers::score(&row.cells, columns);
        if known > best.1 {
            best = (i, known);
        }
    }
    best.0
}

#[cfg(test)]
mod tests;
