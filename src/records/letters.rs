//! The codes and letters handed out to staff. Takes the master key, the
//! roster and the site's address; gives each person their id, personal
//! code and personal link ([`issue`]), as CSV for the office
//! ([`codes_csv`]) and as one printable HTML page with a letter each
//! ([`letters_html`]), the link also as a QR code so that a phone is the
//! easy way in. One code serves every policy; each letter lists the
//! policies that person's role must read.

use std::fmt::Write as _;

use crate::config::PolicyConfig;
use crate::error::{Error, Result};
use crate::records::Heading;
use crate::records::report::{Report, Row, Status};
use crate::records::roster::{Person, Roster};
use crate::records::token::{MasterKey, kid};
use crate::util::html::escape as esc;
use crate::util::text::csv_cell;

/// The course page, relative to the site's address.
const COURSE_PAGE: &str = "course/index.html";

/// One person's code and link.
#[derive(Debug, Clone)]
pub struct Issued<'a> {
    /// The person on the roster.
    pub person: &'a Person,
    /// The id to type: the roster id, with `#n` for a replaced code.
    pub login: String,
    /// Their personal code.
    pub code: String,
    /// Their personal link: the course page with the id and code in its
    /// fragment (only the fragment when the site's address is not known).
    pub link: String,
}

/// What the letters say about the site and its policies.
#[derive(Debug, Clone)]
pub struct LetterInfo<'a> {
    /// Whose handbook it is.
    pub heading: Heading<'a>,
    /// The site's policies (site.yaml's order); each letter lists those
    /// the person's role must read.
    pub policies: &'a [PolicyConfig],
    /// Where staff send their tokens ("" when not given).
    pub office_email: &'a str,
    /// The site's address, ending in `/`, when known.
    pub site: Option<&'a str>,
    /// Everyone's standing on every policy as of the day the letters are
    /// made, for the due dates; `None` gives letters without them.
    pub report: Option<&'a Report<'a>>,
    /// Policy id → how many minutes its course takes a careful reader
    /// (as the course home says); a policy without a course is not in it.
    pub minutes: &'a std::collections::HashMap<String, usize>,
}

/// Each person's code and link, in roster order; `site` is the site's
/// address ending in `/`, when known.
pub fn issue<'a>(master: &MasterKey, roster: &'a Roster, site: Option<&str>) -> Vec<Issued<'a>> {
    roster
        .people()
        .iter()
        .map(|person| issue_one(master, person, site))
        .collect()
}

/// One person's code and link; `site` as for [`issue`].
pub fn issue_one<'a>(master: &MasterKey, person: &'a Person, site: Option<&str>) -> Issued<'a> {
    let code = master.staff_code(&person.id, person.generation);
    let login = kid(&person.id, person.generation);
    let fragment = format!("#id={}&code={}", encode(&login), encode(&code));
    let link = match site {
        Some(site) => format!("{site}{COURSE_PAGE}{fragment}"),
        None => fragment,
    };
    Issued {
        person,
        login,
        code,
        link,
    }
}

/// Puts letters in the order they are handed out: school by school
/// (`schools`, site.yaml's order, then any others alphabetically, then
/// people with no school), and within a school by surname (the last word
/// of the name), then the whole name.
pub fn sort_for_handing_out(issued: &mut [Issued<'_>], schools: &[String]) {
    let school_rank = |school: &str| {
        let school = school.trim();
        match schools
            .iter()
            .position(|s| s.trim().eq_ignore_ascii_case(school))
        {
            Some(at) => (0, at, String::new()),
            None if school.is_empty() => (2, 0, String::new()),
            None => (1, 0, school.to_lowercase()),
        }
    };
    issued.sort_by_cached_key(|i| {
        let name = i.person.name.trim().to_lowercase();
        let surname = name
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string();
        (school_rank(&i.person.school), surname, name)
    });
}

/// The codes as CSV: one row per person with their roster details, code
/// and link. Every cell is kept as text by a spreadsheet. UTF-8 with a
/// byte-order mark, so that Excel reads accented names right.
pub fn codes_csv(issued: &[Issued<'_>]) -> Result<Vec<u8>> {
    let fail = |err: csv::Error| Error::io("writing the codes CSV", std::io::Error::other(err));
    let mut writer = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    writer
        .write_record([
            "id",
            "name",
            "email",
            "school",
            "role",
            "generation",
            "code",
            "link",
        ])
        .map_err(fail)?;
    for i in issued {
        let p = i.person;
        // Roster fields are typed by people: a name such as
        // `=HYPERLINK(...)` must stay text when the file is opened in a
        // spreadsheet.
        let generation = p.generation.to_string();
        writer
            .write_record(
                [
                    p.id.as_str(),
                    &p.name,
                    &p.email,
                    &p.school,
                    &p.role,
                    &generation,
                    &i.code,
                    &i.link,
                ]
                .map(csv_cell)
                .iter()
                .map(|cell| cell.as_ref()),
            )
            .map_err(fail)?;
    }
    writer.into_inner().map_err(|err| {
        Error::io(
            "writing the codes CSV",
            std::io::Error::other(err.to_string()),
        )
    })
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const LETTER_STYLE: &str = "
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  font-size: 12pt; line-height: 1.5; margin: 0; }
.screen-only { max-width: 46rem; margin: 1rem auto; padding: 0 1.5rem; }
.letter { max-width: 46rem; margin: 0 auto; padding: 2rem 1.5rem; border-bottom: 2px dashed #6b6b6b;
  break-after: page; page-break-after: always; }
.letter:last-child { break-after: auto; page-break-after: auto; }
.org { font-weight: 700; margin: 0; }
h2 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 700; }
dd { margin: 0; }
.code { font-family: 'Courier New', Courier, monospace; font-size: 1.5rem; font-weight: 700;
  letter-spacing: .08em; }
.link { word-break: break-all; font-size: .9rem; }
.details { display: flex; gap: 1.5rem; align-items: flex-start; }
.details dl { flex: 1 1 auto; min-width: 0; }
.qr { flex: none; width: 34mm; margin: 0; text-align: center; font-size: .8rem; }
.qr svg { display: block; width: 34mm; height: 34mm; }
a { color: #0b4f9c; }
.private { border: 2px solid #1a1a1a; padding: .5rem .75rem; }
@page { size: A4; margin: 14mm 16mm; }
@media print { body { font-size: 10.5pt; line-height: 1.4; } .screen-only { display: none; }
  .letter { border: 0; padding: 0; max-width: none; } h2 { margin-top: .25rem; }
  h3 { margin: 1rem 0 .35rem; } p { margin: .5rem 0; } a { color: #1a1a1a; } }
";

/// The personal link as a QR code, as inline SVG (no script, no file, no
/// request: the letter stays one self-contained page). `None` if the link
/// is too long for a QR code, which no real link is.
fn qr_svg(link: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(4, 4)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // The renderer writes a whole SVG document: inline, it needs no XML
    // declaration, and it needs a name for screen readers.
    let start = svg.find("<svg")?;
    let svg = &svg[start..];
    let open_end = svg.find('>')?;
    Some(format!(
        "{} role=\"img\" aria-label=\"{}\"><title>{}</title>{}",
        &svg[..open_end],
        esc(label),
        esc(label),
        &svg[open_end + 1..]
    ))
}

/// The letters as one HTML page, one letter per printed page.
pub fn letters_html(info: &LetterInfo<'_>, issued: &[Issued<'_>]) -> String {
    let title = esc(info.heading.title);
    let mut out = String::with_capacity(issued.len() * 12000 + 4000);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: staff course letters</title>\n<style>{LETTER_STYLE}</style>\n\
         </head>\n<body>\n<header class=\"screen-only\">\n<h1>{title}: staff course letters</h1>\n\
         <p>{n} letters, one per printed page. Print this page and give each person their own \
         letter: each holds a private code.</p>\n</header>\n<main>\n",
        lang = esc(info.heading.language),
        n = issued.len(),
    );
    let office = if info.office_email.trim().is_empty() {
        "the school office".to_string()
    } else {
        format!(
            "the school office at <a href=\"mailto:{0}\">{0}</a>",
            esc(info.office_email.trim())
        )
    };
    let rows: std::collections::HashMap<&str, &Row<'_>> = info
        .report
        .map(|r| {
            r.schools
                .iter()
                .flat_map(|s| s.rows())
                .map(|row| (row.person.id.as_str(), row))
                .collect()
        })
        .unwrap_or_default();
    for (n, i) in issued.iter().enumerate() {
        let row = rows.get(i.person.id.as_str()).copied();
        letter(&mut out, info, &office, n, i, row);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The list of the policies `person` must read, as HTML, each with its
/// due date when `row` (their line of the report) gives one.
fn to_read(
    policies: &[PolicyConfig],
    person: &Person,
    row: Option<&Row<'_>>,
    report: Option<&Report<'_>>,
    minutes: &std::collections::HashMap<String, usize>,
) -> String {
    let when = |policy: &PolicyConfig| -> String {
        let (Some(row), Some(report)) = (row, report) else {
            return String::new();
        };
        let Some(cell) = report
            .policies
            .iter()
            .position(|p| p.id == policy.id)
            .and_then(|at| row.cells.get(at))
        else {
            return String::new();
        };
        let long = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
        match (cell.status, cell.due) {
            (Status::Complete, _) => ": done, nothing to do now".to_string(),
            (Status::Overdue, Some(due)) => {
                format!(": <strong>overdue</strong>, it was due by {}", long(due))
            }
            (_, Some(due)) => format!(": by <strong>{}</strong>", long(due)),
            _ => String::new(),
        }
    };
    let mine: Vec<String> = policies
        .iter()
        .filter(|p| p.is_required_for(&person.role))
        .map(|p| {
            let long = match minutes.get(&p.id) {
                Some(1) => ", a course of about 1 minute".to_string(),
                Some(n) => format!(", a course of about {n} minutes"),
                None => String::new(),
            };
            format!(
                "<li>{} ({}{long}){}</li>",
                esc(&p.title),
                esc(&p.version),
                when(p)
            )
        })
        .collect();
    if mine.is_empty() {
        return "<p>No policy is required for your role at the moment; you can still read \
                them all on the site.</p>\n"
            .to_string();
    }
    format!(
        "<h3>The policies you must read</h3>\n<ul class=\"policies\">\n{}\n</ul>\n",
        mine.join("\n")
    )
}

/// The `n`th letter, to `i.person`; `office` is where tokens go, as HTML.
fn letter(
    out: &mut String,
    info: &LetterInfo<'_>,
    office: &str,
    n: usize,
    i: &Issued<'_>,
    row: Option<&Row<'_>>,
) {
    let site = info.site;
    let title = esc(info.heading.title);
    let p = i.person;
    let where_to_start = match site {
        Some(site) => {
            let course = format!("{site}{COURSE_PAGE}");
            format!(
                "<li>Scan the QR code on this letter with your phone's camera, or open your personal \
                 link on your own computer or tablet. It takes you straight to the course and \
                 fills in your id and code. Or go to the staff course at \
                 <a href=\"{0}\">{0}</a> and type your id and code.</li>",
                esc(&course)
            )
        }
        None => "<li>Open the staff course on the policy website (ask the office for its \
                 address) and type your id and code.</li>"
            .to_string(),
    };
    let link = if site.is_some() {
        format!(
            "<dt>Your personal link</dt><dd class=\"link\"><a href=\"{0}\">{0}</a></dd>",
            esc(&i.link)
        )
    } else {
        String::new()
    };
    let qr = match (site, qr_svg(&i.link, "QR code of your personal link")) {
        (Some(_), Some(svg)) => format!(
            "<figure class=\"qr\">{svg}<figcaption>Scan with your phone's camera to \
             open your personal link</figcaption></figure>\n"
        ),
        _ => String::new(),
    };
    let history = if site.is_some() {
        "<p><strong>Your link holds your code.</strong> A web browser keeps every address \
         it opens in its history, where the next person to use it could find it. So open \
         your link on your own phone, tablet or computer. On a shared computer, open it in \
         a private window (Ctrl+Shift+N in most browsers, Ctrl+Shift+P in Firefox) and \
         close it when you have finished, or type your id and code instead.</p>\n"
    } else {
        ""
    };
    let replaced = if p.generation >= 2 {
        "<p>This is a new code: it replaces the one you were given before, which no longer \
         works. Type your id exactly as shown, with the <strong>#</strong> and number.</p>"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<section class=\"letter\" aria-labelledby=\"letter-{n}\">\n\
         <p class=\"org\">{org}</p>\n\
         <h2 id=\"letter-{n}\">{title}: your staff course</h2>\n\
         <p>Dear {name},</p>\n\
         <p>Everyone who works or volunteers with us is asked to read the policies their \
         role requires and confirm that they have understood them. You do this with an \
         online course for each (the list below says how long each takes); the one id and code below works for all of them.</p>\n\
         {to_read}\
         <h3>What to do</h3>\n<ol>\n{where_to_start}\n\
         <li>Choose a policy, read each part and answer its short quiz. You can try a quiz \
         again as many times as you need.</li>\n\
         <li>At the end, read the declaration and tick it to sign it.</li>\n\
         <li>The last page gives you a completion token: a long line of letters and \
         digits. Send it to {office}, using the page's e-mail button or by copying it into \
         an e-mail. That is how we record that you have done the course. Each policy's \
         course gives its own token.</li>\n</ol>\n\
         <h3>Your details</h3>\n<div class=\"details\">\n<dl>\n<dt>Name</dt><dd>{name}</dd>\n\
         <dt>Your id</dt><dd class=\"code\">{login}</dd>\n\
         <dt>Your personal code</dt><dd class=\"code\">{code}</dd>\n{link}\n</dl>\n\
         {qr}</div>\n{replaced}\n\
         <p class=\"private\"><strong>Keep your code private.</strong> It works like your \
         signature for this course: anyone who has it could complete the course in your \
         name. If you lose it, or think someone else has seen it, ask the office for a new \
         one.</p>\n\
         {history}\
         <p>The course checks your id and code against each other as you type them. Your \
         progress stays in the web browser you use, under your own code: nobody else \
         signing in there sees or continues it. Nothing is sent anywhere until you send \
         your token.</p>\n\
         <p>Questions about the course or your code? Ask {office}.</p>\n</section>\n",
        org = match p.school.trim() {
            "" => esc(info.heading.organisation).into_owned(),
            school => format!("{}, {}", esc(school), esc(info.heading.organisation)),
        },
        name = esc(&p.name),
        to_read = to_read(info.policies, p, row, info.report, info.minutes),
        login = esc(&i.login),
        code = esc(&i.code),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_ids_and_codes() {
        assert_eq!(encode("T042"), "T042");
        assert_eq!(encode("T042#2"), "T042%232");
        assert_eq!(encode("jo.smith@school.org"), "jo.smith%40school.org");
        assert_eq!(encode("A B&c=d"), "A%20B%26c%3Dd");
        assert_eq!(encode("7NF8-7N6S-$=*~"), "7NF8-7N6S-%24%3D%2A~");
        assert_eq!(encode("Zoë"), "Zo%C3%AB");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_text() {
        let person = Person {
            id: "T1".to_string(),
            name: "\tTab".to_string(),
            email: "\rCR".to_string(),
            school: "=1+1".to_string(),
            role: "@cmd".to_string(),
            start: None,
            generation: 1,
            line: 2,
        };
        let issued = [Issued {
            person: &person,
            login: "T1".to_string(),
            code: "CODE".to_string(),
            link: "#id=T1&code=CODE".to_string(),
        }];
        let csv = String::from_utf8(codes_csv(&issued).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(
            row.iter().collect::<Vec<_>>(),
            [
                "T1",
                "'\tTab",
                "'\rCR",
                "'=1+1",
                "'@cmd",
                "1",
                "CODE",
                "#id=T1&code=CODE"
            ]
        );
    }

    fn roster() -> Roster {
        Roster::parse(
            b"id,name,generation\nT042,Jo <Smith>,\nT7,Al & Co,2\n",
            std::path::Path::new("roster.csv"),
        )
        .unwrap()
    }

    #[test]
    fn each_person_gets_their_own_code_and_link() {
        let master = MasterKey::from_bytes([3; 32]);
        let roster = roster();
        let issued = issue(&master, &roster, Some("https://policy.example/"));
        assert_eq!(issued.len(), 2);
        assert_eq!(issued[0].login, "T042");
        assert_eq!(issued[0].code, master.staff_code("T042", 1));
        assert_eq!(
            issued[0].link,
            format!(
                "https://policy.example/course/index.html#id=T042&code={}",
                issued[0].code
            )
        );
        // A replaced code: its login carries the generation.
        assert_eq!(issued[1].login, "T7#2");
        assert_eq!(issued[1].code, master.staff_code("T7", 2));
        assert!(
            issued[1].link.contains("#id=T7%232&code="),
            "{}",
            issued[1].link
        );
        // Without the site's address, only the fragment.
        let bare = issue(&master, &roster, None);
        assert_eq!(bare[0].link, format!("#id=T042&code={}", bare[0].code));
    }

    #[test]
    fn letters_escape_names_and_show_a_qr_code_only_with_a_link() {
        let master = MasterKey::from_bytes([3; 32]);
        let roster = roster();
        let mut info = LetterInfo {
            heading: Heading {
                title: "Social <Media> Policy",
                organisation: "Trust & Co",
                language: "en-GB",
            },
            policies: &policies(),
            office_email: "office@school.example",
            site: Some("https://policy.example/"),
            report: None,
            minutes: &std::collections::HashMap::new(),
        };
        let html = letters_html(&info, &issue(&master, &roster, info.site));
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert_eq!(html.matches("<section class=\"letter\"").count(), 2);
        assert!(html.contains("<p>Dear Jo &lt;Smith&gt;,</p>"));
        assert!(html.contains("<p>Dear Al &amp; Co,</p>"));
        assert!(!html.contains("<Smith>") && !html.contains("<Media>"));
        assert!(html.contains("mailto:office@school.example"));
        assert_eq!(html.matches("<figure class=\"qr\"><svg").count(), 2);
        // Only the replaced code's letter says it replaces one.
        assert_eq!(html.matches("This is a new code").count(), 1);
        info.site = None;
        info.office_email = " ";
        let html = letters_html(&info, &issue(&master, &roster, None));
        assert!(!html.contains("<svg"));
        assert!(!html.contains("Your personal link"));
        assert!(html.contains("Send it to the school office, using"));
    }

    fn policies() -> Vec<PolicyConfig> {
        let policy = |id: &str, title: &str, required_for: &[&str]| {
            let mut p: PolicyConfig = crate::util::yaml::parse(std::path::Path::new("site.yaml"), &format!(
                "title: {title}\nversion: Spring 2026\nreviewed: 2026-01\nnext_review: 2027-01\n"
            ))
            .unwrap();
            p.id = id.to_string();
            p.required_for = required_for.iter().map(|r| r.to_string()).collect();
            p
        };
        vec![
            policy("sm", "Social <Media> Policy", &["all"]),
            policy("bh", "Behaviour Policy", &["Teacher"]),
        ]
    }

    #[test]
    fn each_letter_lists_the_policies_that_role_must_read() {
        let policies = policies();
        let minutes = std::collections::HashMap::from([("sm".to_string(), 23)]);
        let person = |role: &str| Person {
            id: "T1".to_string(),
            name: "Ann".to_string(),
            email: String::new(),
            school: String::new(),
            role: role.to_string(),
            start: None,
            generation: 1,
            line: 2,
        };
        assert_eq!(
            to_read(&policies, &person(" teacher"), None, None, &minutes),
            "<h3>The policies you must read</h3>\n<ul class=\"policies\">\n\
             <li>Social &lt;Media&gt; Policy (Spring 2026, a course of about 23 minutes)</li>\n\
             <li>Behaviour Policy (Spring 2026)</li>\n</ul>\n"
        );
        assert!(
            !to_read(&policies, &person("Volunteer"), None, None, &minutes).contains("Behaviour")
        );
        assert!(
            to_read(&policies[1..], &person("Volunteer"), None, None, &minutes)
                .contains("No policy is required")
        );
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let svg = qr_svg(
            "https://example.org/course/index.html#id=T1&code=X",
            "QR & co",
        )
        .unwrap();
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains(r#"role="img" aria-label="QR &amp; co"><title>QR &amp; co</title>"#));
        assert!(svg.ends_with("</svg>"));
        // Far more than a QR code holds.
        assert_eq!(qr_svg(&"x".repeat(8000), "too long"), None);
    }
}
