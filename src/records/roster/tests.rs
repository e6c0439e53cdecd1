//! Unit tests of the roster reader.

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
    let err = Roster::parse(b"id,name,start\nT1,Ann,next Monday\n", Path::new("r.csv"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("r.csv:2") && err.contains("start `next Monday`"),
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
    // Bytes that are not UTF-8 are read as Windows-1252, with a warning.
    let roster = Roster::parse(b"id,name\nT1,\xff\xfe\n", Path::new("r.csv")).unwrap();
    assert_eq!(roster.get("T1").unwrap().name, "\u{ff}\u{fe}");
    assert!(
        roster.warnings()[0]
            .to_string()
            .contains("r.csv:2: this file is not UTF-8"),
        "{:?}",
        roster.warnings()
    );
}
