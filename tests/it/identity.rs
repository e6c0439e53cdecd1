//! The school's own identity and people (issue 16, items 3 and 4): a trust
//! of three schools (tests/fixtures/three-schools) whose site.yaml names
//! each school's office, Designated Safeguarding Lead, headteacher and
//! chair of governors, a logo and a favicon. The people are on "Who do I
//! tell?" and the parents' pages, the parents' pages have the urgent-help
//! box, every page has the icon, and the footer is quiet.

use std::path::{Path, PathBuf};

use crate::support::{TempSite, build_fixture, text};

/// Each school with its office and the person in each role.
const SCHOOLS: [(&str, &str, &str, &str, &str); 3] = [
    // name, office e-mail, DSL, headteacher, chair of governors
    (
        "Ashby Primary",
        "office@ashby.example.org",
        "Ms Priya Shah",
        "Mr Tom Ellis",
        "Mrs Ruth Owen",
    ),
    (
        "Brook Lane Primary",
        "office@brooklane.example.org",
        "Mr Daniel Okafor",
        "Mrs Helen Ward",
        "Dr Sam Patel",
    ),
    (
        "Castle Hill Infants",
        "office@castlehill.example.org",
        "Mrs Laura Byrne",
        "Ms Grace Lee",
        "Mr Owen Reid",
    ),
];

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|err| panic!("{rel}: {err}"))
}

/// Every HTML page of the output, relative to it.
fn html_pages(out: &Path) -> Vec<PathBuf> {
    let mut pages = Vec::new();
    let mut dirs = vec![out.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                pages.push(path.strip_prefix(out).unwrap().to_path_buf());
            }
        }
    }
    pages.sort();
    pages
}

/// The text of the element that starts at `start` (an opening tag's
/// beginning) up to the first `end` after it.
fn block<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

#[test]
fn who_do_i_tell_names_the_person_at_each_school() {
    let (_dir, out) = build_fixture("three-schools");
    let html = read(&out, "tools/who-do-i-tell.html");
    // Each answer's list of people, in the static page (tool-tree.js copies
    // the same list into its answer).
    let pupil = block(&html, "data-people-for=\"pupil\"", "</div>");
    let headteacher = block(&html, "data-people-for=\"headteacher\"", "</div>");
    let staff = block(&html, "data-people-for=\"staff\"", "</div>");
    for (school, _, dsl, head, chair) in SCHOOLS {
        assert!(
            pupil.contains(&format!("{school}:</span> {dsl}")),
            "{pupil}"
        );
        assert!(
            headteacher.contains(&format!("{school}:</span> {chair}")),
            "{headteacher}"
        );
        assert!(
            staff.contains(&format!("{school}:</span> {head}")),
            "{staff}"
        );
        // Each answer names only the role it is about.
        assert!(!pupil.contains(head) && !pupil.contains(chair), "{pupil}");
    }
    assert!(pupil.contains("Designated Safeguarding Lead (DSL) at each school"));
    assert!(html.contains("tool-tree.js"));
}

#[test]
fn the_parents_pages_show_each_schools_people_and_urgent_help() {
    let (_dir, out) = build_fixture("three-schools");
    for rel in ["parents/index.html", "parents/worried.html"] {
        let html = read(&out, rel);
        let urgent = block(
            &html,
            "<section class=\"help-box urgent-help\"",
            "</section>",
        );
        assert!(
            urgent.contains("<h2 id=\"hb-urgent-help\">Get help now</h2>"),
            "{rel}: {urgent}"
        );
        assert!(urgent.contains("<strong>999</strong>"), "{rel}: {urgent}");
        assert!(
            urgent.contains("href=\"https://www.ceop.police.uk/safety-centre/\""),
            "{rel}: {urgent}"
        );
        assert!(
            urgent.contains("href=\"tel:08088005000\">0808 800 5000</a>"),
            "{rel}"
        );
        let contacts = block(&html, "<section class=\"school-contacts\"", "</section>");
        assert!(contacts.contains("Contact your school"), "{rel}");
        for (school, email, dsl, head, _) in SCHOOLS {
            assert!(
                contacts.contains(&format!("<h3>{school}</h3>")),
                "{rel}: {contacts}"
            );
            assert!(
                contacts.contains(&format!("<a href=\"mailto:{email}\">{email}</a>")),
                "{rel}: {contacts}"
            );
            assert!(contacts.contains(dsl) && contacts.contains(head), "{rel}");
        }
        assert!(
            contacts.contains("href=\"tel:01632960101\">01632 960 101</a>"),
            "{rel}"
        );
        assert!(contacts.contains("href=\"tel:+441632960303\""), "{rel}");
    }
    // Only the parents' pages have the box.
    for rel in [
        "index.html",
        "safeguarding/reporting.html",
        "tools/who-do-i-tell.html",
    ] {
        assert!(!read(&out, rel).contains("urgent-help"), "{rel}");
    }
}

#[test]
fn every_page_has_the_favicon_the_generator_and_a_quiet_footer() {
    let (_dir, out) = build_fixture("three-schools");
    assert!(
        out.join("moorland-icon.png").is_file(),
        "the favicon is copied"
    );
    assert!(
        out.join("moorland-logo.svg").is_file(),
        "the logo is copied"
    );
    let pages = html_pages(&out);
    assert!(pages.len() >= 8, "{pages:?}");
    for rel in &pages {
        let html = read(&out, &rel.to_string_lossy());
        let depth = rel.components().count() - 1;
        let root = "../".repeat(depth);
        let rel = rel.display();
        let icon =
            format!("<link rel=\"icon\" href=\"{root}moorland-icon.png\" type=\"image/png\">");
        // The 404 page, served at any depth, carries its icon in itself.
        if rel.to_string() == "404.html" {
            assert!(
                html.contains("<link rel=\"icon\" href=\"data:image/png;base64,"),
                "{rel}: no inline icon"
            );
        } else {
            assert!(html.contains(&icon), "{rel}: no {icon}");
        }
        assert!(
            html.contains("<meta name=\"generator\" content=\"handbook "),
            "{rel}"
        );
        let footer = block(&html, "<footer", "</footer>");
        assert!(!footer.contains("Made with"), "{rel}: {footer}");
        assert!(!footer.contains("Version id"), "{rel}: {footer}");
        // Each school's office in the footer.
        for (school, email, ..) in SCHOOLS {
            assert!(footer.contains(school) && footer.contains(email), "{rel}");
        }
        let logo = format!("<img class=\"brand-logo\" src=\"{root}moorland-logo.svg\" alt=\"\">");
        assert!(html.contains(&logo), "{rel}: no {logo}");
    }
}

#[test]
fn the_home_names_the_trust_once_in_its_content_and_history_reads_as_published() {
    let (_dir, out) = build_fixture("three-schools");
    let home = read(&out, "index.html");
    let body = &home[home.find("<body").unwrap()..];
    // The header and the footer name the trust; the page itself does not
    // repeat it.
    assert_eq!(body.matches("Moorland Learning Trust").count(), 2, "{body}");
    let history = read(&out, "safeguarding/versions.html");
    assert!(
        history.contains("First published <time datetime=\"2025-01\">January 2025</time>."),
        "{history}"
    );
    assert!(!history.contains("No version"), "{history}");
    // The version id is on the history page, and nowhere else.
    let id_line = history.find("Version id").expect("the version id is shown");
    assert!(history[id_line..].contains("<code>"), "{history}");
    assert!(!read(&out, "safeguarding/index.html").contains("Version id"));
}

#[test]
fn a_policy_published_once_reads_as_first_published_on_its_date() {
    let site = TempSite::new();
    let output = site.run(&["publish", "--summary", "First version."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let history = site.read("output/online-safety/versions.html");
    assert!(
        history.contains("First published <time datetime=\""),
        "{history}"
    );
    assert!(!history.contains("No version"), "{history}");
}

#[test]
fn bad_schools_logos_and_favicons_are_errors_at_their_lines() {
    let site = TempSite::new();
    let edit = |change: &dyn Fn(String) -> String| {
        site.write("site.yaml", &change(site.read("site.yaml")))
    };
    edit(&|yaml| {
        yaml.replace(
            "schools: [North, South]",
            "logo: static/none.svg\nfavicon: ../icon.png\nschools:\n  - name: North\n    \
             office_email: not an address\n    phone: call us\n  - North\n  - name: West\n    \
             head: Ms X\n",
        )
    });
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let said = text(&output);
    assert!(said.contains("head"), "{said}");
    edit(&|yaml| yaml.replace("    head: Ms X\n", ""));
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let said = text(&output);
    for expected in [
        "site.yaml:5: favicon `../icon.png` is not a file of the site",
        "site.yaml:8: school `North`: office_email `not an address` is not an e-mail address",
        "site.yaml:9: school `North`: phone `call us` is not a phone number",
        "site.yaml:10: school `North` is listed twice",
    ] {
        assert!(said.contains(expected), "{expected}\n{said}");
    }
    // Once the rest is right, a logo that is not there is named.
    edit(&|yaml| {
        yaml.replace("favicon: ../icon.png\n", "").replace(
            "    office_email: not an address\n    phone: call us\n  - North\n",
            "",
        )
    });
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("site.yaml:4: logo `static/none.svg` is not there"),
        "{}",
        text(&output)
    );
}
