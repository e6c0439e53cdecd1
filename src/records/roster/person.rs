//! One row of the roster made a [`Person`]: the name joined from forename
//! and surname, dates read in UK or ISO form, and every problem with the
//! row; and the warning for ids that look like Excel dropped their
//! leading zeros.

use std::path::Path;

use chrono::NaiveDate;

use crate::error::Diagnostic;

use super::Person;
use super::decode::Row;
use super::headers::{Field, Layout};
use super::nfc;

/// `text` with every run of white space (line breaks included) made one
/// space, and none at either end.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The person on `row`, or every problem with it.
pub(super) fn person(
    layout: &Layout,
    row: &Row,
    shown: &Path,
) -> std::result::Result<Person, Vec<Diagnostic>> {
    let line = row.line;
    let field = |f: Field| layout.value(&row.cells, f);
    // Keys are made from the normalised id, so that however the id
    // was typed, it gives the same code and finds the same person.
    let id = nfc(field(Field::Id));
    let joined = one_line(&format!(
        "{} {}",
        field(Field::Forename),
        field(Field::Surname)
    ));
    let name = if joined.is_empty() {
        one_line(field(Field::Name))
    } else {
        joined
    };
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
            "fill in the name (or forename and surname); it goes on the letter and in the \
             report",
        );
    }
    let generation_text = field(Field::Generation);
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
    let start_text = field(Field::Start);
    let start = if start_text.is_empty() {
        None
    } else {
        let date = parse_date(start_text);
        if date.is_none() {
            problem(
                format!("start `{start_text}` is not a date"),
                "write the day the person joined as day/month/year (31/01/2025) or \
                 year-month-day (2025-01-31), or leave it empty",
            );
        }
        date
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Person {
        id,
        name,
        email: field(Field::Email).to_string(),
        school: one_line(field(Field::School)),
        role: one_line(field(Field::Role)),
        start,
        generation,
        line,
    })
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

/// A date as a UK staff export writes it: `31/01/2025` (or with `-` or
/// `.`, or a two-digit year), `2025-01-31`, `31 January 2025`,
/// `31-Jan-2025`; a time after it (`2025-01-31 00:00:00`) is ignored.
pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let date = match text.split_once([' ', 'T']) {
        Some((date, time)) if time.contains(':') => date,
        _ => text,
    };
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    if let [a, b, c] = parts[..]
        && [a, b, c]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let number = |p: &str| p.parse::<u32>().ok();
        let (year, month, day) = if a.len() == 4 {
            (number(a)?, number(b)?, number(c)?)
        } else {
            let year = match c.len() {
                4 => number(c)?,
                2 => 2000 + number(c)?,
                _ => return None,
            };
            (year, number(b)?, number(a)?)
        };
        return NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day);
    }
    let spaced = date.replace('-', " ");
    ["%d %B %Y", "%d %b %Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(&spaced, format).ok())
}

/// The most ids listed in one warning.
const SHOWN_IDS: usize = 8;

/// A warning when the ids are all digits of mixed lengths and some of the
/// longest start with `0`: the shorter ones most likely lost their leading
/// zeros when the list went through Excel (`00123` → `123`), and will not
/// match the codes and tokens made for the ids with their zeros.
pub(super) fn leading_zeros(people: &[Person], shown: &Path) -> Option<Diagnostic> {
    if people.len() < 2
        || !people
            .iter()
            .all(|p| p.id.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let width = people.iter().map(|p| p.id.len()).max()?;
    let zero_led: Vec<&Person> = people
        .iter()
        .filter(|p| p.id.len() == width && p.id.starts_with('0'))
        .collect();
    let short: Vec<&Person> = people.iter().filter(|p| p.id.len() < width).collect();
    let (example, first) = (zero_led.first()?, short.first()?);
    let mut listed: Vec<String> = short
        .iter()
        .take(SHOWN_IDS)
        .map(|p| format!("{} (line {}, {})", p.id, p.line, p.name))
        .collect();
    if short.len() > SHOWN_IDS {
        listed.push(format!("and {} more", short.len() - SHOWN_IDS));
    }
    let padded = format!("{:0>width$}", first.id);
    Some(
        Diagnostic::warning(
            shown,
            Some(first.line),
            format!(
                "{} of {} ids {} shorter than the others, which have {width} digits with \
                 leading zeros (such as {} on line {}): {}. Excel drops the leading zeros of a \
                 number, so {} was probably {padded}, and codes and tokens made for {padded} \
                 will not match it",
                short.len(),
                people.len(),
                if short.len() == 1 { "is" } else { "are" },
                example.id,
                example.line,
                listed.join(", "),
                first.id,
            ),
        )
        .help(
            "export the list from the MIS again and give it to handbook without saving it in \
             Excel, or give the .xlsx; or, in Excel, format the id column as Text (Home > \
             Number > Text) and type the zeros back before saving",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_uk_and_iso_form() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 31);
        for text in [
            "31/01/2025",
            "31/1/2025",
            "31-01-2025",
            "31.01.2025",
            "31/01/25",
            "2025-01-31",
            "2025-01-31 00:00:00",
            "31/01/2025 00:00",
            "31 January 2025",
            "31 Jan 2025",
            "31-Jan-2025",
            " 2025-01-31T00:00:00 ",
        ] {
            assert_eq!(parse_date(text), day, "{text}");
        }
        for text in [
            "01/31/2025",
            "31/01",
            "2025",
            "next week",
            "31/01/202",
            "1/9/2025x",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        assert_eq!(parse_date("1/9/2025"), NaiveDate::from_ymd_opt(2025, 9, 1));
    }

    fn people(ids: &[&str]) -> Vec<Person> {
        ids.iter()
            .enumerate()
            .map(|(i, id)| Person {
                id: id.to_string(),
                name: format!("Person {i}"),
                email: String::new(),
                school: String::new(),
                role: String::new(),
                start: None,
                generation: 1,
                line: i + 2,
            })
            .collect()
    }

    #[test]
    fn ids_that_lost_their_leading_zeros_are_named() {
        let shown = Path::new("r.csv");
        let warning = leading_zeros(&people(&["00123", "00456", "789", "01011", "45"]), shown)
            .unwrap()
            .to_string();
        assert!(
            warning.starts_with(
                "warning: r.csv:4: 2 of 5 ids are shorter than the others, which have 5 digits \
                 with leading zeros (such as 00123 on line 2): 789 (line 4, Person 2), 45 \
                 (line 6, Person 4)"
            ),
            "{warning}"
        );
        assert!(warning.contains("so 789 was probably 00789"), "{warning}");
        assert!(
            warning.contains("format the id column as Text"),
            "{warning}"
        );
        // Plain numbering, ids with letters, or one length: nothing to say.
        assert!(leading_zeros(&people(&["1", "2", "10", "100"]), shown).is_none());
        assert!(leading_zeros(&people(&["00123", "T45"]), shown).is_none());
        assert!(leading_zeros(&people(&["00123", "00456"]), shown).is_none());
    }
}
