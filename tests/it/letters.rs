//! `handbook codes --letters` as a trust hands letters out: the school's
//! name on each, school by school and by surname, the site's address
//! required, and `--only-new` for new joiners without touching anyone
//! else's code.

use crate::support::Site;

const BASE: &str = "https://policy.test.example/";

fn site(roster: &str) -> Site {
    let site = Site::new();
    let yaml = site.read("site.yaml");
    site.write("site.yaml", format!("{yaml}base_url: {BASE}\n"));
    site.write(".handbook/roster.csv", roster);
    site.run(&["keys", "init"]).expect(0);
    site
}

/// The names the letters greet, in order.
fn greeted(html: &str) -> Vec<String> {
    html.split("<p>Dear ")
        .skip(1)
        .map(|rest| rest[..rest.find(",</p>").unwrap()].to_string())
        .collect()
}

#[test]
fn letters_go_school_by_school_and_by_surname_with_the_school_named() {
    let site = site(
        "id,name,email,school,role\n\
         T1,Zed Adams,,Dale School,Teacher\n\
         T2,Amy Young,,Hill School,Teacher\n\
         T3,Bo Brown,,,Volunteer\n\
         T4,Cat Cole,,hill school,Teacher\n\
         T5,Al Zane,,Elm School,Teacher\n",
    );
    site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/letters.html",
    ])
    .expect(0);
    let html = site.read(".handbook/letters.html");
    // site.yaml lists Hill, then Dale; Elm is not listed; Bo has no school.
    assert_eq!(
        greeted(&html),
        ["Cat Cole", "Amy Young", "Zed Adams", "Al Zane", "Bo Brown"]
    );
    assert!(html.contains("<p class=\"org\">Dale School, Test Primary Trust</p>"));
    assert!(
        html.contains("<p class=\"org\">Test Primary Trust</p>"),
        "Bo's letter"
    );
    assert!(html.contains(
        "<p>Questions about the course or your code? Ask the school office at <a \
         href=\"mailto:office@test.example\">office@test.example</a>.</p>"
    ));
}

#[test]
fn letters_need_the_sites_address() {
    let site = Site::new();
    site.write(".handbook/roster.csv", "id,name\nT1,Ann Able\n");
    site.run(&["keys", "init"]).expect(0);
    let run = site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/letters.html",
    ]);
    run.expect(1);
    assert!(
        run.stderr.contains("letters need the site's address"),
        "{run:?}"
    );
    assert!(run.stderr.contains("base_url: https://"), "{run:?}");
    assert!(!site.path(".handbook/codes.csv").exists());
    assert!(!site.path(".handbook/letters.html").exists());
}

#[test]
fn only_new_adds_new_joiners_and_keeps_everyone_elses_codes() {
    let site = site(
        "id,name,email,school,role\n\
         T1,Ann Able,,Hill School,Teacher\n\
         T2,Bob Bell,,Hill School,Teacher\n",
    );
    site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
    ])
    .expect(0);
    let before = site.read(".handbook/codes.csv");
    // Two new joiners, and Bob's code replaced.
    site.write(
        ".handbook/roster.csv",
        "id,name,email,school,role,generation\n\
         T1,Ann Able,,Hill School,Teacher,\n\
         T2,Bob Bell,,Hill School,Teacher,2\n\
         T3,Cy Cole,,Dale School,Teacher,\n\
         T4,Di Dunn,,Hill School,Volunteer,\n",
    );
    let run = site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/new-letters.html",
        "--only-new",
    ]);
    run.expect(0);
    assert!(run.stderr.contains("Added 3 new codes"), "{run:?}");
    let after = site.read(".handbook/codes.csv");
    assert!(
        after.starts_with(&before),
        "the old rows are kept as they were"
    );
    let ids: Vec<String> = after
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        ids,
        [
            "T1,Ann Able,,Hill School,Teacher,1",
            "T2,Bob Bell,,Hill School,Teacher,1",
            "T2,Bob Bell,,Hill School,Teacher,2",
            "T3,Cy Cole,,Dale School,Teacher,1",
            "T4,Di Dunn,,Hill School,Volunteer,1",
        ]
    );
    let html = site.read(".handbook/new-letters.html");
    assert_eq!(greeted(&html), ["Bob Bell", "Di Dunn", "Cy Cole"]);
    // Nothing new the second time: no letters written.
    std::fs::remove_file(site.path(".handbook/new-letters.html")).unwrap();
    let again = site.run(&[
        "codes",
        ".handbook/roster.csv",
        "--out",
        ".handbook/codes.csv",
        "--letters",
        ".handbook/new-letters.html",
        "--only-new",
    ]);
    again.expect(0);
    assert!(
        again.stdout.contains("no new codes, no letters"),
        "{again:?}"
    );
    assert!(!site.path(".handbook/new-letters.html").exists());
    assert_eq!(site.read(".handbook/codes.csv"), after);
}
