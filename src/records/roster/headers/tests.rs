//! Unit tests of the header row's reading.

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
