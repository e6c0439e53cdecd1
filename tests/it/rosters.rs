//! Staff lists as MIS systems export them (issue 15): the four fixtures in
//! tests/fixtures/rosters/ (SIMS-, Arbor-, Bromcom- and ScholarPack-style
//! headings; between them Windows-1252, a BOM, CRLF, semicolons, a title
//! row and an .xlsx) are taken by `codes` and `report` with no edits, and
//! `roster check` says what it understood of each. Every person in them is
//! invented.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::support::{Run, Site, project_root};

/// The trust's schools, as site.yaml lists them.
const SCHOOLS: &str =
    "schools: [Oakfield Primary, Riverside Academy, St Anne's CE Primary, Moorside Infant School]";

/// The day the report is made as of.
const TODAY: &str = "2026-01-15";

/// One person as the fixture should be read: id, joined name, school,
/// role, start date.
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A fixture and what `roster check` and the other commands must make of it.
struct Fixture {
    file: &'static str,
    people: &'static [Expected],
    /// Lines `roster check` prints (compared with runs of spaces made one).
    check: &'static [&'static str],
    /// Warnings it gives (parts of them), or none.
    warnings: &'static [&'static str],
}

const SIMS: Fixture = Fixture {
    file: "sims-staff.csv",
    people: &[
        (
            "00123",
            "Zoë Adams",
            "Oakfield Primary",
            "Teacher",
            "2019-09-01",
        ),
        (
            "00245",
            "Siân Evans",
            "Oakfield Primary",
            "Teaching Assistant",
            "2021-01-04",
        ),
        (
            "00310",
            "Rob Brennan",
            "Oakfield Primary",
            "Teacher",
            "2015-09-01",
        ),
        (
            "478",
            "Jo Okafor",
            "Oakfield Primary",
            "Headteacher",
            "2012-01-06",
        ),
        (
            "00502",
            "Lukas Müller",
            "Oakfield Primary",
            "Caretaker",
            "2023-03-15",
        ),
        (
            "00611",
            "Niamh O'Brien",
            "Oakfield Primary",
            "Teacher",
            "2025-09-01",
        ),
    ],
    check: &[
        "sims-staff.csv: CSV separated by commas, in Windows-1252 (converted to UTF-8)",
        "Header row: line 4",
        "id: Employee Number (column 6)",
        "name: forename + surname",
        "forename: Preferred Forename (column 5), else Legal Forename (column 4)",
        "surname: Legal Surname (column 3)",
        "email: Work Email Address (column 7)",
        "school: School Name (column 8)",
        "role: Role (column 9)",
        "start: Start Date (column 10)",
        "Not read: Staff Code (column 1), Title (column 2)",
        "People: 6",
        "Schools (1):",
        "Oakfield Primary 6",
        "Roles (4):",
        "Teacher 3",
        "Teaching Assistant 1",
    ],
    warnings: &[
        "sims-staff.csv:5: this file is not UTF-8 (from this line on): it was read as \
         Windows-1252",
        "(such as `Zoë`)",
        "sims-staff.csv:8: 1 of 6 ids is shorter than the others, which have 5 digits with \
         leading zeros (such as 00123 on line 5): 478 (line 8, Jo Okafor)",
        "format the id column as Text",
    ],
};

const ARBOR: Fixture = Fixture {
    file: "arbor-staff.csv",
    people: &[
        (
            "4301",
            "Segun Adeyemi",
            "Riverside Academy",
            "Teacher, Year 3",
            "2024-09-02",
        ),
        (
            "4302",
            "Catrin Hughes",
            "Riverside Academy",
            "Teacher",
            "2017-09-01",
        ),
        (
            "4303",
            "Ewa Kowalska",
            "Riverside Academy",
            "Teaching Assistant",
            "2025-01-06",
        ),
        (
            "4304",
            "François Dubois",
            "Oakfield Primary",
            "School Business Manager",
            "2016-04-18",
        ),
        (
            "4305",
            "Aoife Ní Bhriain",
            "Riverside Academy",
            "Teacher",
            "2022-09-01",
        ),
    ],
    check: &[
        "arbor-staff.csv: CSV separated by commas, in UTF-8 with a byte-order mark",
        "Header row: line 1",
        "id: Staff ID (column 1)",
        "forename: Preferred First Name (column 3), else Legal First Name (column 2)",
        "surname: Legal Last Name (column 4)",
        "email: Work Email (column 5)",
        "school: School (column 6)",
        "role: Job Title (column 7)",
        "start: Start Date (column 8)",
        "Not read: Employment Type (column 9)",
        "People: 5",
        "Schools (2):",
        "Riverside Academy 4",
        "Oakfield Primary 1",
        "Roles (4):",
        "Teacher, Year 3 1",
    ],
    warnings: &[],
};

const BROMCOM: Fixture = Fixture {
    file: "bromcom-staff.csv",
    people: &[
        (
            "STA-001",
            "Gwenllian Prys-Jones",
            "St Anne's CE Primary",
            "Headteacher",
            "2014-09-01",
        ),
        (
            "STA-002",
            "Tomasz Nowak",
            "St Anne's CE Primary",
            "Teacher; SENCo",
            "2019-01-07",
        ),
        (
            "STA-003",
            "Chloé Lefèvre",
            "St Anne's CE Primary",
            "Teacher",
            "2021-09-01",
        ),
        (
            "STA-004",
            "Dafydd ap Gruffydd",
            "St Anne's CE Primary",
            "Midday Supervisor",
            "2023-02-20",
        ),
    ],
    check: &[
        "bromcom-staff.csv: CSV separated by semicolons, in UTF-8",
        "id: Staff ID (column 1)",
        "forename: Forename (column 3)",
        "surname: Surname (column 4)",
        "email: E-mail (column 5)",
        "school: Establishment (column 6)",
        "role: Post (column 7)",
        "start: Start Date (column 8)",
        "Not read: Title (column 2), Contract Type (column 9)",
        "People: 4",
        "St Anne's CE Primary 4",
    ],
    warnings: &[],
};

const SCHOLARPACK: Fixture = Fixture {
    file: "scholarpack-staff.xlsx",
    people: &[
        (
            "101",
            "Zoë Clarke",
            "Moorside Infant School",
            "Teacher",
            "2020-09-01",
        ),
        (
            "102",
            "Hamza Iqbal",
            "Moorside Infant School",
            "Teaching Assistant",
            "2022-01-04",
        ),
        (
            "103",
            "Siân Morgan",
            "Moorside Infant School",
            "Headteacher",
            "2016-04-18",
        ),
        (
            "104",
            "Kofi Mensah",
            "Moorside Infant School",
            "Site Manager",
            "2025-11-03",
        ),
    ],
    check: &[
        "scholarpack-staff.xlsx: a spreadsheet, sheet `Staff`",
        "Header row: line 3",
        "id: Staff ID (column 1)",
        "forename: First Name (column 3)",
        "surname: Surname (column 4)",
        "email: Email Address (column 5)",
        "school: School (column 6)",
        "role: Role (column 7)",
        "start: Start Date (column 8)",
        "Not read: Title (column 2)",
        "People: 4",
        "Moorside Infant School 4",
        "Roles (4):",
    ],
    warnings: &[],
};

const FIXTURES: [&Fixture; 4] = [&SIMS, &ARBOR, &BROMCOM, &SCHOLARPACK];

/// The ScholarPack-style export, made as Excel would hold it: a notes
/// sheet first, then the staff sheet with a title row, a blank row, the
/// header row, numeric ids and date cells. The committed
/// `scholarpack-staff.xlsx` is this workbook (rewrite it with
/// `HANDBOOK_WRITE_FIXTURES=1 cargo test --test it rosters`).
fn scholarpack_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let made = ExcelDateTime::from_ymd(2025, 9, 1).unwrap();
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&made));
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Exported from the MIS: current staff")
        .unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Staff").unwrap();
    sheet
        .write_string(0, 0, "Moorside Infant School - Staff List")
        .unwrap();
    let headings = [
        "Staff ID",
        "Title",
        "First Name",
        "Surname",
        "Email Address",
        "School",
        "Role",
        "Start Date",
    ];
    for (col, heading) in (0u16..).zip(headings) {
        sheet.write_string(2, col, heading).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let titles = ["Ms", "Mr", "Mrs", "Mr"];
    for (row, (person, title)) in (3u32..).zip(SCHOLARPACK.people.iter().zip(titles)) {
        let (id, name, school, role, start) = *person;
        let (first, last) = name.split_once(' ').unwrap();
        sheet
            .write_number(row, 0, id.parse::<f64>().unwrap())
            .unwrap();
        sheet.write_string(row, 1, title).unwrap();
        sheet.write_string(row, 2, first).unwrap();
        sheet.write_string(row, 3, last).unwrap();
        let email = format!("{}@moorside.example", first.to_lowercase());
        sheet.write_string(row, 4, email).unwrap();
        sheet.write_string(row, 5, school).unwrap();
        sheet.write_string(row, 6, role).unwrap();
        let day = NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let cell = ExcelDateTime::parse_from_str(&day.to_string()).unwrap();
        sheet
            .write_datetime_with_format(row, 7, &cell, &date)
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

fn fixture_path(file: &str) -> PathBuf {
    project_root().join("tests/fixtures/rosters").join(file)
}

/// A site whose site.yaml lists the trust's schools, with `file` copied
/// in (the .xlsx as the generator makes it).
fn site_with(file: &str) -> Site {
    let site = Site::new();
    let yaml = site
        .read("site.yaml")
        .replace("schools: [Hill School, Dale School]", SCHOOLS);
    site.write("site.yaml", yaml);
    let bytes = if file.ends_with(".xlsx") {
        scholarpack_xlsx()
    } else {
        std::fs::read(fixture_path(file)).unwrap()
    };
    site.write(file, bytes);
    site
}

/// The CSV `text` (a BOM allowed) as rows of cells, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The value of `column` in `row`, by the header row.
fn cell<'a>(rows: &'a [Vec<String>], row: &'a [String], column: &str) -> &'a str {
    let at = rows[0].iter().position(|h| h == column).unwrap();
    &row[at]
}

/// What a command printed, with runs of spaces made one, line by line.
fn lines(run: &Run) -> Vec<String> {
    format!("{}\n{}", run.stdout, run.stderr)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn each_mis_export_is_taken_by_codes_as_it_is() {
    for fixture in FIXTURES {
        let site = site_with(fixture.file);
        site.run(&["keys", "init"]).expect(0);
        let run = site.run(&["codes", fixture.file, "--out", "codes.csv"]);
        run.expect(0);
        for warning in fixture.warnings {
            assert!(run.stderr.contains(warning), "{}: {run:?}", fixture.file);
        }
        let rows = csv_rows(&site.read("codes.csv"));
        assert_eq!(
            rows.len(),
            1 + fixture.people.len(),
            "{}: {rows:?}",
            fixture.file
        );
        for (person, row) in fixture.people.iter().zip(&rows[1..]) {
            let (id, name, school, role, _) = *person;
            let found = [
                cell(&rows, row, "id"),
                cell(&rows, row, "name"),
                cell(&rows, row, "school"),
                cell(&rows, row, "role"),
            ];
            assert_eq!(found, [id, name, school, role], "{}", fixture.file);
            assert_eq!(cell(&rows, row, "code").len(), 36, "{row:?}");
        }
    }
}

#[test]
fn each_mis_export_is_taken_by_report_as_it_is() {
    for fixture in FIXTURES {
        let site = site_with(fixture.file);
        let run = site.run(&[
            "report",
            "--roster",
            fixture.file,
            "--csv",
            "report.csv",
            "--today",
            TODAY,
        ]);
        run.expect(0);
        assert!(
            !run.stderr
                .contains("is not one of the schools in site.yaml"),
            "{}: {run:?}",
            fixture.file
        );
        let rows = csv_rows(&site.read("report.csv"));
        assert_eq!(
            rows.len(),
            1 + fixture.people.len(),
            "{}: {rows:?}",
            fixture.file
        );
        for (id, name, school, role, start) in fixture.people {
            let row = rows[1..]
                .iter()
                .find(|r| cell(&rows, r, "id") == *id)
                .unwrap_or_else(|| panic!("{}: no row for {id}: {rows:?}", fixture.file));
            assert_eq!(cell(&rows, row, "name"), *name);
            assert_eq!(cell(&rows, row, "school"), *school);
            assert_eq!(cell(&rows, row, "role"), *role);
            // The policy is not yet published: it is due 30 days from the start.
            let due =
                NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap() + chrono::Duration::days(30);
            assert_eq!(cell(&rows, row, "due"), due.to_string(), "{id}");
        }
    }
}

#[test]
fn roster_check_describes_each_export() {
    for fixture in FIXTURES {
        let site = site_with(fixture.file);
        let run = site.run(&["roster", "check", fixture.file]);
        run.expect(0);
        let printed = lines(&run);
        for line in fixture.check {
            assert!(
                printed.iter().any(|l| l == line),
                "{}: no line `{line}` in:\n{}",
                fixture.file,
                printed.join("\n")
            );
        }
        let warned = printed.iter().any(|l| l.starts_with("Warnings ("));
        assert_eq!(
            warned,
            !fixture.warnings.is_empty(),
            "{}: {run:?}",
            fixture.file
        );
        for warning in fixture.warnings {
            assert!(run.stdout.contains(warning), "{}: {run:?}", fixture.file);
        }
        assert!(
            run.stdout.contains("can be used as it is"),
            "{}: {run:?}",
            fixture.file
        );
    }
}

#[test]
fn the_committed_spreadsheet_is_the_generators() {
    let committed = fixture_path(SCHOLARPACK.file);
    if std::env::var_os("HANDBOOK_WRITE_FIXTURES").is_some() {
        std::fs::write(&committed, scholarpack_xlsx()).unwrap();
    }
    let site = site_with(SCHOLARPACK.file);
    let generated = site.run(&["roster", "check", SCHOLARPACK.file]);
    let copy = site.path("committed.xlsx");
    std::fs::copy(&committed, &copy).unwrap();
    let run = site.run(&["roster", "check", "committed.xlsx"]);
    run.expect(0);
    assert_eq!(
        run.stdout.replace("committed.xlsx", SCHOLARPACK.file),
        generated.stdout
    );
}

#[test]
fn other_commands_print_the_rosters_warnings() {
    let site = site_with(SIMS.file);
    site.run(&["keys", "init"]).expect(0);
    site.write("inbox.txt", "nothing here\n");
    let runs = [
        site.run(&["import", "inbox.txt", "--roster", SIMS.file]),
        site.run(&["check", "--roster", SIMS.file]),
        site.run(&[
            "record",
            "00123",
            "--date",
            "2026-01-10",
            "--note",
            "paper",
            "--roster",
            SIMS.file,
        ]),
    ];
    for run in &runs {
        assert!(
            run.stderr.contains("it was read as Windows-1252")
                && run.stderr.contains("478 (line 8, Jo Okafor)"),
            "{run:?}"
        );
    }
}

#[test]
fn roster_check_names_what_is_wrong() {
    let site = site_with(SIMS.file);
    site.write(
        "staff.csv",
        "Staff ID,Forename,Surname,E-mail Addr,Schools,School Name\n\
         T1,Ann,Lee,a@x,Hill,Oakfield Primary\n\
         T2,Bo,Ray,b@x,Hill,Oakfeld Primary\n\
         t1,Cy,Day,c@x,Dale,Oakfield Primary\n",
    );
    let run = site.run(&["roster", "check", "staff.csv"]);
    run.expect(1);
    assert!(
        run.stdout.contains(
            "staff.csv:1: the column `E-mail Addr` (column 4) is not read: it looks like the \
             email column"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("roster: {email: \"E-mail Addr\"}"),
        "{run:?}"
    );
    // `Schools` is not a near miss: the school is read from `School Name`.
    assert!(!run.stdout.contains("`Schools`"), "{run:?}");
    assert!(
        run.stdout.contains(
            "staff.csv:3: school `Oakfeld Primary` is not one of the schools in site.yaml"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "staff.csv:4: id `t1` on line 4 (Cy Day) is the same id as `T1` on line 2 (Ann Lee)"
        ),
        "{run:?}"
    );
    assert!(lines(&run).iter().any(|l| l == "People: 2"), "{run:?}");

    site.write("piped.csv", "Staff ID|Surname|Forename\n1|Lee|Ann\n");
    site.run(&["keys", "init"]).expect(0);
    let run = site.run(&["roster", "check", "piped.csv"]);
    run.expect(1);
    assert!(
        run.stderr.contains(
            "piped.csv:1: the heading `Staff ID|Surname|Forename` (column 1) is several \
             headings joined by `|`, so its columns were read as one"
        ),
        "{run:?}"
    );
    let run = site.run(&["codes", "piped.csv"]);
    run.expect(1);
    assert!(run.stderr.contains("joined by `|`"), "{run:?}");
}

#[test]
fn site_yaml_names_headings_handbook_does_not_know() {
    let site = site_with(SIMS.file);
    site.write(
        "staff.csv",
        "Code;Known As;Family Name;Base;Mail\nK7;Ann;Lee;Oakfield Primary;a@x\n",
    );
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!(
            "{yaml}roster:\n  id: Code\n  forename: Known As\n  surname: Family Name\n  \
             school: Base\n  email: Mail\n"
        ),
    );
    let run = site.run(&["roster", "check", "staff.csv"]);
    run.expect(0);
    let printed = lines(&run);
    for line in [
        "id: Code (column 1), as site.yaml's roster: says",
        "forename: Known As (column 2), as site.yaml's roster: says",
        "school: Base (column 4), as site.yaml's roster: says",
        "Oakfield Primary 1",
    ] {
        assert!(printed.iter().any(|l| l == line), "{line}: {run:?}");
    }
    site.run(&["keys", "init"]).expect(0);
    site.run(&["codes", "staff.csv", "--out", "codes.csv"])
        .expect(0);
    assert!(
        site.read("codes.csv")
            .contains("K7,Ann Lee,a@x,Oakfield Primary")
    );

    // A heading the file does not have, and a mistake in the block itself.
    site.write("site.yaml", format!("{yaml}roster:\n  id: Staff Code\n"));
    let run = site.run(&["roster", "check", "staff.csv"]);
    run.expect(1);
    assert!(
        run.stderr.contains(
            "staff.csv:1: site.yaml's `roster:` says the id is in the column `Staff Code`"
        ),
        "{run:?}"
    );
    let line = yaml.lines().count() + 3;
    site.write(
        "site.yaml",
        format!("{yaml}roster:\n  id: Code\n  mail: Mail\n"),
    );
    let run = site.run(&["roster", "check", "staff.csv"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains(&format!("site.yaml:{line}: roster: unknown field `mail`")),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("`roster:` takes id, name, forename"),
        "{run:?}"
    );
}
