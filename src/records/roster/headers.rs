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
    let normal: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    let column = |index: usize| Column {
        index,
        heading: headers[index].trim().to_string(),
    };
    for (key, heading) in columns.named() {
        let field = Field::ALL.into_iter().find(|f| f.key() == key);
        let wanted = normalise(heading);
        let found = (0..headers.len()).find(|&i| !taken[i] && normal[i] == wanted);
        match (field, found) {
            (Some(field), Some(i)) => {
                taken[i] = true;
                sources.push(Source {
                    field,
                    columns: vec![column(i)],
                    configured: true,
                });
            }
            _ => problems.push(
                Diagnostic::error(
                    shown,
                    Some(line),
                    format!(
                        "site.yaml's `roster:` says the {key} is in the column `{heading}`, but \
                         the header row has no such column (it has: {})",
                        list(headers)
                    ),
                )
                .help(format!(
                    "correct `{key}:` under `roster:` in site.yaml to one of the headings the \
                     file has"
                )),
            ),
        }
    }
    let configured = |f: Field| columns.heading(f.key()).is_some();
    let names_configured = configured(Field::Name);
    let parts_configured = configured(Field::Forename) || configured(Field::Surname);
    for field in Field::ALL {
        let skip = configured(field)
            || (field == Field::Name && parts_configured)
            || (matches!(field, Field::Forename | Field::Surname) && names_configured);
        if skip {
            continue;
        }
        let mut found: Vec<usize> = Vec::new();
        for heading in field.headings() {
            found.extend((0..headers.len()).filter(|&i| !taken[i] && normal[i] == *heading));
        }
        let Some(&first) = found.first() else {
            continue;
        };
        let fills_in = matches!(field, Field::Forename | Field::Surname);
        if let Some(&again) = found[1..].iter().find(|&&i| normal[i] == normal[first]) {
            problems.push(
                Diagnostic::error(
                    shown,
                    Some(line),
                    format!(
                        "the column `{}` is given twice (columns {} and {})",
                        headers[first].trim(),
                        first + 1,
                        again + 1
                    ),
                )
                .help("keep one of them"),
            );
        }
        let used: Vec<usize> = if fills_in { found } else { vec![first] };
        for &i in &used {
            taken[i] = true;
        }
        sources.push(Source {
            field,
            columns: used.into_iter().map(column).collect(),
            configured: false,
        });
    }
    sources.sort_by_key(|s| s.field);
    let layout = Layout {
        line,
        sources,
        unused: (0..headers.len())
            .filter(|&i| !taken[i] && !normal[i].is_empty())
            .map(column)
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
mod tests {
    use super::*;

    fn cells(headers: &str, sep: char) -> Vec<String> {
        headers.split(sep).map(str::to_string).collect()
    }

    fn layout_of(headers: &str) -> (Result<Layout, Vec<Diagnostic>>, Vec<Diagnostic>) {
        let mut warnings = Vec::new();
        let layout = understand(
            &cells(headers, ','),
            1,
            &RosterColumns::default(),
            Path::new("r.csv"),
            &mut warnings,
        );
        (layout, warnings)
    }

    fn headings(layout: &Layout, field: Field) -> Vec<&str> {
        layout
            .source(field)
            .map(|s| s.columns.iter().map(|c| c.heading.as_str()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn headings_compare_without_case_spaces_or_punctuation() {
        assert_eq!(normalise(" E-mail "), "email");
        assert_eq!(normalise("Staff ID"), "staffid");
        assert_eq!(normalise("Job Title(s)"), "jobtitles");
    }

    #[test]
    fn mis_headings_are_known() {
        let (layout, warnings) = layout_of(
            "Staff ID,Title,Legal Surname,Legal Forename,Preferred Forename,Work Email,\
             School Name,Job Title,Start Date,Payroll Number",
        );
        let layout = layout.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(headings(&layout, Field::Id), ["Staff ID"]);
        assert_eq!(
            headings(&layout, Field::Forename),
            ["Preferred Forename", "Legal Forename"]
        );
        assert_eq!(headings(&layout, Field::Surname), ["Legal Surname"]);
        assert_eq!(headings(&layout, Field::Email), ["Work Email"]);
        assert_eq!(headings(&layout, Field::School), ["School Name"]);
        assert_eq!(headings(&layout, Field::Role), ["Job Title"]);
        assert_eq!(headings(&layout, Field::Start), ["Start Date"]);
        assert!(layout.source(Field::Name).is_none());
        let unused: Vec<&str> = layout.unused.iter().map(|c| c.heading.as_str()).collect();
        assert_eq!(unused, ["Title", "Payroll Number"]);
        // The row's value falls back on the next column when the first is empty.
        let row = cells("1,Mr,Adams,Zoë,,z@x,Hill,Teacher,,", ',');
        assert_eq!(layout.value(&row, Field::Forename), "Zoë");
    }

    #[test]
    fn plain_headings_keep_working_and_duplicates_are_refused() {
        let layout = layout_of("id,name,email,school,role,generation,start")
            .0
            .unwrap();
        for field in Field::ALL {
            let expected: Vec<&str> = match field {
                Field::Forename | Field::Surname => vec![],
                other => vec![other.key()],
            };
            assert_eq!(headings(&layout, field), expected, "{field:?}");
        }
        let problems = layout_of("id,name,ID").0.unwrap_err();
        assert!(
            problems[0]
                .to_string()
                .contains("the column `id` is given twice (columns 1 and 3)"),
            "{problems:?}"
        );
    }

    #[test]
    fn near_misses_are_warned_about_only_for_missing_fields() {
        let (layout, warnings) = layout_of("Staff ID,Forename,Surname,E-mail Addr,Schools,Title");
        layout.unwrap();
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].contains(
                "the column `E-mail Addr` (column 4) is not read: it looks like the email column"
            ),
            "{text:?}"
        );
        assert!(
            text[0].contains("roster: {email: \"E-mail Addr\"}"),
            "{text:?}"
        );
        assert!(text[1].contains("`Schools` (column 5)"), "{text:?}");
        assert!(text[1].contains("school column"), "{text:?}");
        // With an e-mail column, a second one is not a near miss.
        let (_, warnings) = layout_of("id,name,Email,Home E-mail Addr");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn headings_joined_by_another_separator_are_named() {
        let problems = layout_of("id;name;email").0.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].to_string().contains(
                "the heading `id;name;email` (column 1) is several headings joined by \
                 semicolons"
            ),
            "{problems:?}"
        );
        assert_eq!(
            joined_headings(&cells("Staff ID|Surname|Email", ',')),
            Some((0, '|'))
        );
        assert_eq!(joined_headings(&cells("Staff ID,Surname", ',')), None);
    }

    #[test]
    fn site_yaml_names_other_headings() {
        let columns = RosterColumns {
            id: Some("Staff Code".into()),
            forename: Some("Known As".into()),
            ..RosterColumns::default()
        };
        let mut warnings = Vec::new();
        let layout = understand(
            &cells("Staff Code,Known As,Surname,Staff ID", ','),
            2,
            &columns,
            Path::new("r.csv"),
            &mut warnings,
        )
        .unwrap();
        assert_eq!(headings(&layout, Field::Id), ["Staff Code"]);
        assert!(layout.source(Field::Id).unwrap().configured);
        assert_eq!(headings(&layout, Field::Forename), ["Known As"]);
        assert_eq!(headings(&layout, Field::Surname), ["Surname"]);
        let missing = RosterColumns {
            email: Some("Mail".into()),
            ..RosterColumns::default()
        };
        let problems = understand(
            &cells("id,name", ','),
            2,
            &missing,
            Path::new("r.csv"),
            &mut warnings,
        )
        .unwrap_err();
        assert!(
            problems[0].to_string().contains(
                "r.csv:2: site.yaml's `roster:` says the email is in the column `Mail`, but \
                 the header row has no such column (it has: id,name)"
            ),
            "{problems:?}"
        );
    }
}
