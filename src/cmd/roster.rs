//! `handbook roster check FILE`: says what handbook understands of a staff
//! list before it is used: the kind of file, which column became which
//! field, how many people, their schools and roles, and every warning and
//! error (`records::roster` finds them; this prints them).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{RosterArgs, RosterCommand};
use handbook::config::{RosterColumns, SiteConfig};
use handbook::error::{Error, Result};
use handbook::records::roster::{Examined, Field, Layout, Person, Roster, Source};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &RosterArgs) -> Result<()> {
    match &args.command {
        RosterCommand::Check(check) => run_check(root, &check.file),
    }
}

fn run_check(root: &Path, file: &Path) -> Result<()> {
    // Without a site, the list is read with no `roster:` block and its
    // schools are not checked against site.yaml.
    let config = match SiteConfig::load(root) {
        Ok(config) => Some(config),
        Err(Error::NoSite { .. }) => None,
        Err(err) => return Err(err),
    };
    let columns = config
        .as_ref()
        .map_or_else(RosterColumns::default, |c| c.roster.clone());
    let bytes = std::fs::read(file).map_err(|err| Error::reading(file, err))?;
    let examined = Roster::examine(&bytes, file, &columns);
    let roster = &examined.roster;
    print!("{}", describe(&examined));
    let mut warnings = roster.warnings().to_vec();
    if let Some(config) = &config {
        warnings.extend(roster.school_warnings(&config.schools));
    }
    if !warnings.is_empty() {
        println!("\nWarnings ({}):", warnings.len());
        for warning in &warnings {
            println!("{warning}");
        }
    }
    if examined.errors.is_empty() {
        println!(
            "\n{} can be used as it is{}.",
            terminal_safe(&file.display().to_string()),
            if warnings.is_empty() {
                ""
            } else {
                ", but read the warnings above"
            }
        );
        Ok(())
    } else {
        println!(
            "\n{} error(s) stop this staff list being used (below).",
            examined.errors.len()
        );
        Err(Error::Input(examined.errors))
    }
}

/// What was understood, as the office reads it.
fn describe(examined: &Examined) -> String {
    let roster = &examined.roster;
    let mut out = String::new();
    let file = terminal_safe(&roster.file.display().to_string()).into_owned();
    // A sheet's name comes from the file: escaped like every roster string.
    let format = roster.format().describe();
    let _ = writeln!(out, "{file}: {}", terminal_safe(&format));
    if !examined.understood {
        return out;
    }
    let layout = roster.layout();
    let _ = writeln!(out, "Header row: line {}", layout.line);
    let _ = writeln!(out, "Columns:");
    for field in Field::ALL {
        if let Some(line) = field_line(layout, field) {
            let _ = writeln!(out, "  {:<11} {line}", format!("{}:", field.key()));
        }
    }
    if !layout.unused.is_empty() {
        let unused: Vec<String> = layout
            .unused
            .iter()
            .map(|c| format!("{} (column {})", terminal_safe(&c.heading), c.index + 1))
            .collect();
        let _ = writeln!(out, "Not read: {}", unused.join(", "));
    }
    let people = roster.people();
    let _ = writeln!(out, "People: {}", people.len());
    let _ = write!(
        out,
        "{}",
        counts("Schools", people, |p| &p.school, "(no school given)")
    );
    let _ = write!(
        out,
        "{}",
        counts("Roles", people, |p| &p.role, "(no role given)")
    );
    out
}

/// What the file gives for `field`, or None for a field that need not be
/// mentioned (the name when it is joined, generation when absent).
fn field_line(layout: &Layout, field: Field) -> Option<String> {
    let joined =
        layout.source(Field::Forename).is_some() || layout.source(Field::Surname).is_some();
    let found = layout.source(field).map(column_text);
    match (field, found) {
        (Field::Name, Some(name)) if joined => {
            Some(format!("forename + surname (where both are empty: {name})"))
        }
        (Field::Name, None) if joined => Some("forename + surname".to_string()),
        (_, Some(text)) => Some(text),
        (Field::Forename | Field::Surname | Field::Generation, None) => None,
        (Field::Id | Field::Name, None) => Some("not found".to_string()),
        (Field::Email, None) => Some("not found (letters and reminders have no address)".into()),
        (Field::School, None) => Some("not found (everyone is in \"(no school given)\")".into()),
        (Field::Role, None) => Some("not found (only policies for all apply)".into()),
        (Field::Start, None) => Some("not found (due dates count from publication)".into()),
    }
}

/// `Staff ID (column 1)`, with the columns it falls back on.
fn column_text(source: &Source) -> String {
    let columns: Vec<String> = source
        .columns
        .iter()
        .map(|c| format!("{} (column {})", terminal_safe(&c.heading), c.index + 1))
        .collect();
    let mut text = columns.join(", else ");
    if source.configured {
        text.push_str(", as site.yaml's roster: says");
    }
    text
}

/// `Schools (2):` and a line per value with its count, most first.
fn counts(
    title: &str,
    people: &[Person],
    value: impl Fn(&Person) -> &String,
    empty: &str,
) -> String {
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    for person in people {
        *counted.entry(value(person).as_str()).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counted.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = format!("{title} ({}):\n", rows.len());
    let width = rows
        .iter()
        .map(|(name, _)| {
            if name.is_empty() {
                empty.len()
            } else {
                name.chars().count()
            }
        })
        .max()
        .unwrap_or(0);
    for (name, count) in rows {
        let shown = if name.is_empty() {
            empty.to_string()
        } else {
            terminal_safe(name).into_owned()
        };
        let pad = width.saturating_sub(shown.chars().count());
        let _ = writeln!(out, "  {shown}{}  {count}", " ".repeat(pad));
    }
    out
}
