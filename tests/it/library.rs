//! A library of policies in one site (issue 13): the trust fixture
//! (tests/fixtures/trust) with three policies, two with a course and one
//! read-only, and a parents' section.

use std::path::Path;

use crate::support::{TempSite, project_root, text};

/// A copy of the trust fixture to build and change.
fn trust() -> TempSite {
    let site = TempSite::empty();
    let fixture = project_root().join("tests/fixtures/trust");
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&fixture).unwrap();
            let to = site.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    site
}

/// Builds the site into its `output/`, and says so.
fn build(site: &TempSite) {
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", text(&out));
}

/// The JSON of the `<script id="…">` element of a built page.
fn script_json(html: &str, id: &str) -> serde_json::Value {
    let open = format!("id=\"{id}\"");
    let start = html.find(&open).unwrap_or_else(|| panic!("no #{id}"));
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..];
    let end = body.find("</script>").unwrap();
    serde_json::from_str(&body[..end]).unwrap()
}

/// The `pv` a policy's course pages carry.
fn course_version(site: &TempSite, policy: &str) -> String {
    let page = site.read(&format!("output/course/{policy}/declaration.html"));
    let data = script_json(&page, "course-data");
    assert_eq!(data["policy"], policy);
    data["version"].as_str().unwrap().to_string()
}

fn exists(site: &TempSite, rel: &str) -> bool {
    Path::new(&site.path().join(rel)).is_file()
}

#[test]
fn the_home_lists_every_policy_with_version_review_and_readers() {
    let site = trust();
    build(&site);
    let html = site.read("output/index.html");
    let home = &html[html.find("id=\"policies\"").unwrap()..];
    let positions: Vec<usize> = [
        "Behaviour Policy",
        "Safeguarding Policy",
        "Accessibility Plan",
    ]
    .iter()
    .map(|title| {
        home.find(title)
            .unwrap_or_else(|| panic!("{title} on the home"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "site.yaml order");
    for (policy, version, review, readers) in [
        ("behaviour", "September 2026", "September 2027", "Everyone"),
        (
            "safeguarding",
            "Autumn 2026",
            "October 2027",
            "teacher, teaching assistant",
        ),
        ("accessibility", "2025 to 2028", "March 2028", "governor"),
    ] {
        let start = home.find(&format!("data-policy=\"{policy}\"")).unwrap();
        let item = &home[start..start + home[start..].find("</li>").unwrap()];
        assert!(
            item.contains(&format!("href=\"{policy}/index.html\"")),
            "{item}"
        );
        assert!(item.contains(version), "{item}");
        assert!(item.contains(review), "{item}");
        assert!(item.contains(readers), "{item}");
    }
    assert!(
        home.contains("href=\"parents/index.html\""),
        "family learning"
    );
}

#[test]
fn each_policy_has_its_pages_print_page_and_history_with_its_own_dates() {
    let site = trust();
    build(&site);
    for (policy, page, version) in [
        ("behaviour", "rewards", "September 2026"),
        ("safeguarding", "staff/conduct", "Autumn 2026"),
        ("accessibility", "buildings", "2025 to 2028"),
    ] {
        for rel in ["index.html", "print.html", "versions.html"] {
            assert!(
                exists(&site, &format!("output/{policy}/{rel}")),
                "{policy}/{rel}"
            );
        }
        let html = site.read(&format!("output/{policy}/{page}.html"));
        assert!(html.contains(&format!("Policy version <strong>{version}</strong>")));
        for other in ["September 2026", "Autumn 2026", "2025 to 2028"] {
            if other != version {
                assert!(!html.contains(other), "{policy}/{page} shows {other}");
            }
        }
    }
    let print = site.read("output/safeguarding/print.html");
    assert!(print.contains("Tell the DSL the same day"));
    assert!(
        print.contains("personal telephone number"),
        "sub-folders printed"
    );
    assert!(!print.contains("restorative"), "no other policy's text");
    let parents = site.read("output/parents/behaviour-at-home.html");
    assert!(
        !parents.contains("Policy version"),
        "a page of no policy shows no version"
    );
}

#[test]
fn the_course_home_lists_the_two_courses_and_not_the_read_only_policy() {
    let site = trust();
    build(&site);
    let home = site.read("output/course/index.html");
    assert!(home.contains("id=\"course-behaviour\""));
    assert!(home.contains("id=\"course-safeguarding\""));
    assert!(!home.contains("course-accessibility"));
    assert!(!home.contains("Accessibility Plan</h2>"));
    let data = script_json(&home, "course-data");
    assert_eq!(data["site"], "oak-trust");
    assert_eq!(
        data["policies"],
        serde_json::json!(["behaviour", "safeguarding"])
    );
    let behaviour = script_json(&home, "course-data-behaviour");
    let modules: Vec<&str> = (behaviour["modules"].as_array().unwrap().iter())
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(modules, ["rewards", "sanctions"]);
    for rel in [
        "course/behaviour/rewards.html",
        "course/behaviour/sanctions.html",
        "course/behaviour/declaration.html",
        "course/safeguarding/reporting.html",
        "course/safeguarding/declaration.html",
    ] {
        assert!(exists(&site, &format!("output/{rel}")), "{rel}");
    }
    assert!(!site.path().join("output/course/accessibility").exists());
    // Each course says who must read it, so nobody has to guess.
    let readers = |policy: &str| {
        let section = &home[home.find(&format!("id=\"course-{policy}\"")).unwrap()..];
        let at = section.find("data-course-readers>").unwrap() + "data-course-readers>".len();
        section[at..at + section[at..].find("</p>").unwrap()].to_string()
    };
    assert_eq!(readers("behaviour"), "Who must read it: Everyone");
    assert_eq!(
        readers("safeguarding"),
        "Who must read it: teacher, teaching assistant"
    );
}

#[test]
fn search_covers_every_policy_and_names_it() {
    let site = trust();
    build(&site);
    let index = site.read("output/search-index.js");
    let json = index
        .strip_prefix("window.HANDBOOK_SEARCH = ")
        .and_then(|rest| rest.strip_suffix(";\n"))
        .unwrap()
        .replace("<\\/", "</");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for (word, from) in [
        ("Merit stickers", "Behaviour Policy"),
        ("Designated Safeguarding Lead", "Safeguarding Policy"),
        ("hearing loop", "Accessibility Plan"),
        ("praise your child earns", "Family learning"),
    ] {
        let entry = entries
            .iter()
            .find(|e| e["x"].as_str().unwrap().contains(word))
            .unwrap_or_else(|| panic!("{word} in the index"));
        assert_eq!(entry["s"], from, "{word}");
    }
}

#[test]
fn editing_one_policy_changes_only_its_own_version() {
    let site = trust();
    build(&site);
    let behaviour = course_version(&site, "behaviour");
    let safeguarding = course_version(&site, "safeguarding");
    assert_ne!(behaviour, safeguarding);
    let page = site.read("content/safeguarding/reporting.md");
    site.write(
        "content/safeguarding/reporting.md",
        &format!("{page}\nA new sentence.\n"),
    );
    build(&site);
    assert_eq!(course_version(&site, "behaviour"), behaviour, "A untouched");
    assert_ne!(
        course_version(&site, "safeguarding"),
        safeguarding,
        "B changed"
    );
    let safeguarding = course_version(&site, "safeguarding");
    let parents = site.read("content/parents/behaviour-at-home.md");
    site.write(
        "content/parents/behaviour-at-home.md",
        &format!("{parents}\nMore for families.\n"),
    );
    build(&site);
    assert_eq!(course_version(&site, "behaviour"), behaviour);
    assert_eq!(course_version(&site, "safeguarding"), safeguarding);
}

#[test]
fn a_module_outside_a_policy_is_refused_at_its_line() {
    let site = trust();
    site.write(
        "content/parents/quiz-page.md",
        "---\ntitle: Not a policy\naudience: [parents]\nmodule: rewards\n---\n\nText.\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("content/parents/quiz-page.md:4"), "{said}");
    assert!(said.contains("belongs to no policy"), "{said}");
}

#[test]
fn a_quiz_directly_in_quizzes_is_refused() {
    let site = trust();
    site.write(
        "quizzes/stray.yaml",
        &site.read("quizzes/behaviour/rewards.yaml"),
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("quizzes/stray.yaml"), "{said}");
    assert!(said.contains("belongs to no policy"), "{said}");
}

#[test]
fn a_module_of_another_policy_is_not_in_this_course() {
    let site = trust();
    let page = site.read("content/accessibility/buildings.md");
    site.write(
        "content/accessibility/buildings.md",
        &page.replace(
            "audience: [staff, parents]",
            "audience: [staff, parents]\nmodule: rewards",
        ),
    );
    let out = site.run(&["check", "--strict"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("content/accessibility/buildings.md:4"),
        "{said}"
    );
    build(&site);
    let module = site.read("output/course/behaviour/rewards.html");
    assert!(
        !module.contains("hearing loop"),
        "another policy's page is not in the module"
    );
}

#[test]
fn a_large_library_keeps_every_pages_navigation_small() {
    // Ten policies of 30 pages: the bar lists the page's own policy after
    // a link to the home page's list, and the side list a window of the
    // policy's pages, so a page's size does not grow with the library.
    let site = TempSite::empty();
    let mut yaml = String::from(
        "id: big\ntitle: Big Trust Policies\norganisation: Big Trust\n\
         office_email: office@big.example\npolicies:\n",
    );
    for p in 0..10 {
        yaml.push_str(&format!(
            "  p{p}:\n    title: Policy {p}\n    version: V1\n    reviewed: 2025-01\n    \
             next_review: 2099-01\n"
        ));
        for n in 0..30 {
            site.write(
                &format!("content/p{p}/page-{n:02}.md"),
                &format!("---\ntitle: Page {p}.{n}\nweight: {n}\n---\nText of page {p}.{n}.\n"),
            );
        }
    }
    site.write("site.yaml", &yaml);
    build(&site);
    let page = site.read("output/p3/page-15.html");
    let bar = &page[page.find("class=\"site-nav\"").unwrap()..];
    let bar = &bar[..bar.find("</nav>").unwrap()];
    assert!(bar.contains("href=\"../index.html#policies\""), "{bar}");
    assert!(
        bar.contains("href=\"../p3/index.html\" aria-current=\"true\""),
        "{bar}"
    );
    for other in ["p0", "p2", "p4", "p9"] {
        assert!(
            !bar.contains(&format!("{other}/index.html")),
            "{other} in {bar}"
        );
    }
    let side = &page[page.find("class=\"sidebar\"").unwrap()..];
    let listed = side[..side.find("</nav>").unwrap()].matches("<li>").count();
    assert!((10..=15).contains(&listed), "{listed} pages listed");
    assert!(side.contains("page-15.html\" aria-current=\"page\""));
    // The pager still goes both ways, and the home page lists them all.
    assert!(
        page.contains("page-14.html\" rel=\"prev\"")
            && page.contains("page-16.html\" rel=\"next\"")
    );
    let home = site.read("output/index.html");
    for p in 0..10 {
        assert!(
            home.contains(&format!("p{p}/index.html")),
            "p{p} on the home page"
        );
    }
    // Every page of the largest policy is the same size give or take its
    // title: nothing in it grows with the library.
    let sizes: Vec<usize> = [1, 15, 28]
        .iter()
        .map(|n| site.read(&format!("output/p3/page-{n:02}.html")).len())
        .collect();
    assert!(
        sizes.iter().max().unwrap() - sizes.iter().min().unwrap() < 400,
        "{sizes:?}"
    );
}
