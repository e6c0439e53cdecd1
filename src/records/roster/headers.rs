//! The header row: which column holds which field. Knows the headings that
//! school MIS staff exports use (SIMS, Arbor, Bromcom, ScholarPack and
//! the plain `id,name,…` of SPEC §3), takes site.yaml's `roster:` block
//! for any others, and finds the headings it did not take that look like
//! one it would have (a near miss), and headings that are really several
//! joined by a separator the file does not use.

use std::path::Path;

use crate::config::RosterColumns;
use crate::error::{Diagnostic, Severity};

/// A field of a person on the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The staff id.
    Id,
    /// The whole name.
    Name,
    /// The forename, joined with the surname into the name.
    Forename,
    /// The surname.
    Surname,
    /// The e-mail address.
    Email,
    /// The school.
    School,
    /// The role (job title).
    Role,
    /// The day the person joined.
    Start,
    /// The generation of the person's code.
    Generation,
}

impl Field {
    /// Every field, in the order messages list them.
    pub const ALL: [Field; 9] = [
        Field::Id,
        Field::Name,
        Field::Forename,
        Field::Surname,
        Field::Email,
        Field::School,
        Field::Role,
        Field::Start,
        Field::Generation,
    ];

    /// The field's name, as SPEC §3 and site.yaml's `roster:` write it.
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Forename => "forename",
            Field::Surname => "surname",
            Field::Email => "email",
            Field::School => "school",
            Field::Role => "role",
            Field::Start => "start",
            Field::Generation => "generation",
        }
    }

    /// The headings known for the field without configuration, normalised
    /// (see [`normalise`]), the preferred first: when a file has several,
    /// the first is used (for forename and surname, the others fill in
    /// where it is empty).
    fn headings(self) -> &'static [&'static str] {
        match self {
            Field::Id => &[
                "id",
                "staffid",
                "employeenumber",
                "employeeno",
                "employeeid",
                "payrollnumber",
                "payrollno",
                "payrollid",
                "staffnumber",
                "staffno",
                "staffcode",
                "staffreference",
                "personid",
            ],
            Field::Name => &["name", "fullname", "staffname", "displayname"],
            Field::Forename => &[
                "preferredforename",
                "preferredfirstname",
                "forename",
                "firstname",
                "givenname",
                "legalforename",
                "legalfirstname",
            ],
            Field::Surname => &[
                "preferredsurname",
                "preferredlastname",
                "surname",
                "lastname",
                "familyname",
                "legalsurname",
                "legallastname",
            ],
            Field::Email => &[
                "email",
                "workemail",
                "workemailaddress",
                "emailaddress",
                "schoolemail",
                "schoolemailaddress",
            ],
            Field::School => &[
                "school",
                "schoolname",
                "establishment",
                "establishmentname",
                "academy",
            ],
            Field::Role => &[
                "role",
                "jobtitle",
                "jobtitles",
                "post",
                "posttitle",
                "staffrole",
                "jobrole",
                "position",
            ],
            Field::Start => &[
                "start",
                "startdate",
                "employmentstartdate",
                "contractstartdate",
                "datestarted",
                "datejoined",
                "joindate",
                "dateofjoining",
            ],
            Field::Generation => &["generation"],
        }
    }
}

/// Headings that look like a field's but never are one, so no near miss
/// is reported for them (a person's title is not their job title).
const NEVER_NEAR: [&str; 8] = [
    "title",
    "initials",
    "gender",
    "dateofbirth",
    "dob",
    "middlename",
    "middlenames",
    "nickname",
];

/// `heading` as headings are compared: letters and digits only, in lower
/// case (`E-mail` → `email`, `Staff ID` → `staffid`).
pub(super) fn normalise(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One column of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Where it is, from 0.
    pub index: usize,
    /// Its heading, as the file writes it.
    pub heading: String,
}

/// Where one field's values come from: its column, and for forename and
/// surname the columns that fill in where the first is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The field.
    pub field: Field,
    /// The column, then any to fall back on.
    pub columns: Vec<Column>,
    /// True when site.yaml's `roster:` named the column.
    pub configured: bool,
}

/// What the header row was understood to say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// The line (or spreadsheet row) of the header row.
    pub line: usize,
    /// The fields found, in [`Field::ALL`] order.
    pub sources: Vec<Source>,
    /// The columns no field took.
    pub unused: Vec<Column>,
}

impl Layout {
    /// Where `field` comes from, if the file has it.
    pub fn source(&self, field: Field) -> Option<&Source> {
        self.sources.iter().find(|s| s.field == field)
    }

    /// The value of `field` on a row of `cells`: the first of its columns
    /// that is not empty, trimmed ("" when none).
    pub(super) fn value<'a>(&self, cells: &'a [String], field: Field) -> &'a str {
        self.source(field)
            .into_iter()
            .flat_map(|s| &s.columns)
            .filter_map(|c| cells.get(c.index))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
            .unwrap_or("")
    }
}

/// How many of `cells` are headings handbook knows (or `columns` names):
/// the row with the most is the header row.
pub(super) fn score(cells: &[String], columns: &RosterColumns) -> usize {
    let named: Vec<String> = columns.named().iter().map(|(_, h)| normalise(h)).collect();
    cells
        .iter()
        .map(|c| normalise(c))
        .filter(|c| {
            !c.is_empty()
                && (named.contains(c) || Field::ALL.iter().any(|f| f.headings().contains(&&**c)))
        })
        .count()
}

/// The layout of the header row `headers` (at `line`), or the problems
/// that stop the file being read; warnings (near misses) are added to
/// `warnings`.
pub(super) fn understand(
    headers: &[String],
    line: usize,
    columns: &RosterColumns,
    shown: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Layout, Vec<Diagnostic>> {
    let mut matcher = Matcher {
        headers,
        normal: headers.iter().map(|h| normalise(h)).collect(),
        taken: vec![false; headers.len()],
        line,
        shown,
        problems: Vec::new(),
        sources: Vec::new(),
    };
    matcher.configured(columns);
    matcher.defaults(columns);
    let Matcher {
        normal,
        taken,
        mut problems,
        mut sources,
        ..
    } = matcher;
    sources.sort_by_key(|s| s.field);
    let layout = Layout {
        line,
        sources,
        unused: (0..headers.len())
            .filter(|&i| !taken[i] && !normal[i].is_empty())
            .map(|i| column(headers, i))
            .collect(),
    };
    let joined = joined_headings(headers);
    problems.extend(missing(&layout, headers, joined.as_ref(), shown));
    if let Some((i, sep)) = joined
        && problems.is_empty()
    {
        let mut warning = joined_problem(headers, i, sep, shown, line);
        warning.severity = Severity::Warning;
        warnings.push(warning);
    }
    warnings.extend(near_misses(&layout, shown));
    if problems.is_empty() {
        Ok(layout)
    } else {
        Err(problems)
    }
}

/// Column `index` of `headers`.
fn column(headers: &[String], index: usize) -> Column {
    Column {
        index,
        heading: headers[index].trim().to_string(),
    }
}

/// The header row being matched to fields: each column is taken once.
struct Matcher<'a> {
    headers: &'a [String],
    normal: Vec<String>,
    taken: Vec<bool>,
    line: usize,
    shown: &'a Path,
    problems: Vec<Diagnostic>,
    sources: Vec<Source>,
}

impl Matcher<'_> {
    /// The columns site.yaml's `roster:` names; one the file lacks is a
    /// problem.
    fn configured(&mut self, columns: &RosterColumns) {
        for (key, heading) in columns.named() {
            let field = Field::ALL.into_iter().find(|f| f.key() == key);
            let wanted = normalise(heading);
            let found =
                (0..self.headers.len()).find(|&i| !self.taken[i] && self.normal[i] == wanted);
            match (field, found) {
                (Some(field), Some(i)) => {
                    self.taken[i] = true;
                    self.sources.push(Source {
                        field,
                        columns: vec![column(self.headers, i)],
                        configured: true,
                    });
                }
                _ => self.problems.push(
                    Diagnostic::error(
                        self.shown,
                        Some(self.line),
                        format!(
                            "site.yaml's `roster:` says the {key} is in the column `{heading}`, \
                             but the header row has no such column (it has: {})",
                            list(self.headers)
                        ),
                    )
                    .help(format!(
                        "correct `{key}:` under `roster:` in site.yaml to one of the headings \
                         the file has"
                    )),
                ),
            }
        }
    }

    /// The columns of the fields `roster:` leaves out, by their known
    /// headings (a name named there leaves forename and surname out, and
    /// the other way round). The same heading twice is a problem.
    fn defaults(&mut self, columns: &RosterColumns) {
        let configured = |f: Field| columns.heading(f.key()).is_some();
        let names_configured = configured(Field::Name);
        let parts_configured = configured(Field::Forename) || configured(Field::Surname);
        for field in Field::ALL {
            let is_part = matches!(field, Field::Forename | Field::Surname);
            let skip = configured(field)
                || (field == Field::Name && parts_configured)
                || (is_part && names_configured);
            if skip {
                continue;
            }
            let mut found: Vec<usize> = Vec::new();
            for heading in field.headings() {
                found.extend(
                    (0..self.headers.len())
                        .filter(|&i| !self.taken[i] && self.normal[i] == *heading),
                );
            }
            let Some(&first) = found.first() else {
                continue;
            };
            if let Some(&again) = found[1..]
                .iter()
                .find(|&&i| self.normal[i] == self.normal[first])
            {
                self.problems.push(
                    Diagnostic::error(
                        self.shown,
                        Some(self.line),
                        format!(
                            "the column `{}` is given twice (columns {} and {})",
                            self.headers[first].trim(),
                            first + 1,
                            again + 1
                        ),
                    )
                    .help("keep one of them"),
                );
            }
            // Forename and surname fall back on their other columns.
            let used: Vec<usize> = if is_part { found } else { vec![first] };
            for &i in &used {
                self.taken[i] = true;
            }
            self.sources.push(Source {
                field,
                columns: used.into_iter().map(|i| column(self.headers, i)).collect(),
                configured: false,
            });
        }
    }
}

/// The headings, for messages: `a,b,c`.
fn list(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| h.trim())
        .collect::<Vec<_>>()
        .join(",")
}

/// Errors for the fields a roster must have (an id, and a name or its
/// parts) that `layout` lacks.
fn missing(
    layout: &Layout,
    headers: &[String],
    joined: Option<&(usize, char)>,
    shown: &Path,
) -> Vec<Diagnostic> {
    let has_name = [Field::Name, Field::Forename, Field::Surname]
        .iter()
        .any(|&f| layout.source(f).is_some());
    let mut problems = Vec::new();
    if layout.source(Field::Id).is_some() && has_name {
        return problems;
    }
    if let Some(&(i, sep)) = joined {
        problems.push(joined_problem(headers, i, sep, shown, layout.line));
        return problems;
    }
    for (required, present) in [
        ("id", layout.source(Field::Id).is_some()),
        ("name", has_name),
    ] {
        if !present {
            problems.push(
                Diagnostic::error(
                    shown,
                    Some(layout.line),
                    format!(
                        "the header row has no `{required}` column (it has: {})",
                        list(headers)
                    ),
                )
                .help(
                    "the header row must name the columns: at least an id (`id`, `Staff ID`, \
                     `Employee Number`, `Payroll Number`…) and a name (`name`, or a forename \
                     and a surname); for other headings, say which column is which under \
                     `roster:` in site.yaml, e.g. roster: {id: \"Staff Code\"}",
                ),
            );
        }
    }
    problems
}

/// The first heading that is several known headings joined by a separator
/// (`id;name;email` in a file read as comma-separated), with the separator.
pub(super) fn joined_headings(headers: &[String]) -> Option<(usize, char)> {
    headers.iter().enumerate().find_map(|(i, heading)| {
        [';', ',', '\t', '|', ':'].into_iter().find_map(|sep| {
            let known = heading
                .split(sep)
                .filter(|part| {
                    let part = normalise(part);
                    Field::ALL
                        .iter()
                        .any(|f| f.headings().contains(&part.as_str()))
                })
                .count();
            (known >= 2).then_some((i, sep))
        })
    })
}

/// What is wrong with the joined heading `headers[i]`.
fn joined_problem(
    headers: &[String],
    i: usize,
    sep: char,
    shown: &Path,
    line: usize,
) -> Diagnostic {
    let shown_sep = match sep {
        '\t' => "tabs".to_string(),
        ';' => "semicolons".to_string(),
        ',' => "commas".to_string(),
        other => format!("`{other}`"),
    };
    Diagnostic::error(
        shown,
        Some(line),
        format!(
            "the heading `{}` (column {}) is several headings joined by {shown_sep}, so its \
             columns were read as one",
            headers[i].trim(),
            i + 1
        ),
    )
    .help(
        "handbook reads columns separated by commas, semicolons or tabs, the same on every \
         row; export the list again as CSV (or open it in a spreadsheet and save it as \
         \"CSV UTF-8\"), or give the .xlsx file itself",
    )
}

/// A warning for each unused column whose heading looks like that of a
/// field the file lacks: `E-mail Addr` for `email`, `Schools` for
/// `school`. A near miss is a heading within a few letters of a known
/// one, or one that contains it.
fn near_misses(layout: &Layout, shown: &Path) -> Vec<Diagnostic> {
    let has_name = [Field::Name, Field::Forename, Field::Surname]
        .iter()
        .any(|&f| layout.source(f).is_some());
    let lacking: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|&f| layout.source(f).is_none())
        .filter(|f| !(has_name && *f == Field::Name))
        .filter(|f| *f != Field::Generation)
        .collect();
    let mut warnings = Vec::new();
    for column in &layout.unused {
        let heading = normalise(&column.heading);
        let known_elsewhere = Field::ALL
            .iter()
            .any(|f| f.headings().contains(&heading.as_str()));
        if known_elsewhere || NEVER_NEAR.contains(&heading.as_str()) {
            continue;
        }
        let Some(field) = lacking
            .iter()
            .copied()
            .find(|f| f.headings().iter().any(|known| is_near(&heading, known)))
        else {
            continue;
        };
        let key = field.key();
        warnings.push(
            Diagnostic::warning(
                shown,
                Some(layout.line),
                format!(
                    "the column `{}` (column {}) is not read: it looks like the {key} column, \
                     but `{}` is not a heading handbook knows, so the roster has no {key}",
                    column.heading,
                    column.index + 1,
                    column.heading
                ),
            )
            .help(format!(
                "if it holds the {key}, say so in site.yaml: roster: {{{key}: \"{}\"}} (or \
                 rename the column `{key}`)",
                column.heading
            )),
        );
    }
    warnings
}

/// True when the normalised heading `heading` is close to the known
/// heading `known`.
fn is_near(heading: &str, known: &str) -> bool {
    if heading.len() < 3 {
        return false;
    }
    let contains = (known.len() >= 4 && heading.contains(known))
        || (heading.len() >= 4 && known.contains(heading));
    contains || strsim::normalized_damerau_levenshtein(heading, known) >= 0.75
}

#[cfg(test)]
mod tests;
