//! Security cases: build (issue 10, items 1, 12, 14, 15, 16). 17 cases:
//!
//! Output and scaffold paths (item 1), each run from inside the site as
//! `cd SITE && handbook build --out …`, each refused with exit 2 and a
//! message, and the folder it aimed at byte-for-byte as it was:
//! 1. `--out nothere/../.handbook` (the master key, roster and ledger);
//! 2. `--out x/../../myfolder` (a folder beside the site);
//! 3. `--out .` and `--out content/..` (the site itself);
//! 4. `--out $HOME`, `--out <home>/../<home>` and a literal `~/x`;
//! 5. a path inside `.handbook/`, `content/`, `quizzes/`, `themes/`,
//!    `templates/`, `static/` or `versions/` that does not exist yet;
//! 6. symlinked output folders: a link to `.handbook/`, a link to an
//!    earlier output, and a path through a linked folder;
//! 7. an existing folder without the output marker, even an empty one;
//! 8. (control) an earlier output is replaced, and a new folder beside the
//!    site is made;
//! 9. `handbook new` into an existing site, a protected folder, an empty
//!    home folder and a symlink.
//!
//! Symlinks in content (item 12):
//! 10. a quiz symlinked to `.handbook/roster.csv` is an error naming the
//!     quiz, and the roster is never printed or published;
//! 11. a page, and a folder of pages, symlinked outside the site;
//! 12. a page symlinked into `.handbook/` (inside the site, but private);
//! 13. symlinks that stay inside the site are followed.
//!
//! Heading attributes (item 14):
//! 14. `## T {#x"onmouseover="alert(1)}` fails `check` and `build` with
//!     file:line, and nothing is written;
//! 15. `{onclick=…}` is refused; `{.class}` is kept, and a page whose file
//!     name holds `"` cannot break out of an id.
//!
//! Anchors (item 15):
//! 16. 2,000 identical headings build, each with its own anchor, stepping
//!     around a heading named `Notes 1` and an explicit `{#notes-5}`
//!     (the benchmark `benches/anchors.rs` shows the time is linear).
//!
//! Non-UTF-8 input (item 16):
//! 17. a bad byte in site.yaml, a quiz or a page, and a theme that is not
//!     there, each name the file and the line (also fixtures under
//!     tests/fixtures/invalid, checked by `check::every_invalid_fixture…`).

use std::path::Path;
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

use crate::support::{TODAY, TempSite, text};

/// Runs `handbook ARGS` in `dir` with `$HOME` set to `home`, as a user
/// who typed the command there would.
fn run_in(dir: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handbook"))
        .current_dir(dir)
        .args(args)
        .env("HOME", home)
        .env("HANDBOOK_TODAY", TODAY)
        .output()
        .expect("the handbook binary runs")
}

/// A digest of everything under `dir`: each path, its kind, and its bytes
/// or link target. Any change to the tree changes it.
fn tree_hash(dir: &Path) -> String {
    let mut hasher = Sha256::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap();
        hasher.update(rel.to_string_lossy().as_bytes());
        let kind = entry.file_type();
        if kind.is_symlink() {
            hasher.update(b"\0link\0");
            let target = std::fs::read_link(entry.path()).unwrap();
            hasher.update(target.to_string_lossy().as_bytes());
        } else if kind.is_file() {
            hasher.update(b"\0file\0");
            hasher.update(std::fs::read(entry.path()).unwrap());
        } else {
            hasher.update(b"\0dir\0");
        }
        hasher.update(b"\0");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A site in `parent/site` with a private folder, plus a home folder and a
/// folder of the user's beside it, all inside one temporary folder.
struct World {
    _dir: tempfile::TempDir,
    /// Everything: the site, the home folder, the user's folder.
    top: std::path::PathBuf,
    site: std::path::PathBuf,
    home: std::path::PathBuf,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        let site = top.join("site");
        let base = TempSite::new();
        copy_tree(base.path(), &site);
        let write = |rel: &str, text: &str| {
            let path = top.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site/.handbook/master.key", "0011223344556677\n");
        write("site/.handbook/roster.csv", "id,name\nT1,Secret Person\n");
        write("site/versions/0123456789abcdef/content/_index.md", "old\n");
        write("site/templates/.keep", "");
        write("site/static/site.css", "body {}\n");
        write("site/themes/mine/static/x.css", "x {}\n");
        write("myfolder/thesis.txt", "three years of work\n");
        write("home/.bashrc", "export X=1\n");
        World {
            _dir: dir,
            site,
            home: top.join("home"),
            top,
        }
    }

    /// `handbook ARGS` run inside the site's folder.
    fn in_site(&self, args: &[&str]) -> Output {
        run_in(&self.site, &self.home, args)
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Asserts that `handbook build --out OUT`, run inside the site, is
/// refused with a message that contains `says`, and that nothing under
/// the whole temporary folder changed.
fn refused(world: &World, out: &str, says: &str) {
    let before = tree_hash(&world.top);
    let output = world.in_site(&["build", "--out", out]);
    let shown = text(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "--out {out} must be refused\n{shown}"
    );
    assert!(
        shown.contains(says),
        "--out {out}: expected `{says}` in\n{shown}"
    );
    assert!(!shown.contains("panicked"), "{shown}");
    assert_eq!(
        tree_hash(&world.top),
        before,
        "--out {out} changed files\n{shown}"
    );
}

#[test]
fn out_through_a_missing_folder_cannot_reach_the_private_folder() {
    let world = World::new();
    refused(
        &world,
        "nothere/../.handbook",
        "it is the site's .handbook/ folder",
    );
    assert!(!world.site.join("nothere").exists(), "nothing is made");
    assert_eq!(
        std::fs::read_to_string(world.site.join(".handbook/master.key")).unwrap(),
        "0011223344556677\n"
    );
    refused(
        &world,
        "nothere/deeper/../../.handbook/",
        "it is the site's .handbook/ folder",
    );
}

#[test]
fn out_climbing_out_of_the_site_cannot_replace_a_users_folder() {
    let world = World::new();
    refused(
        &world,
        "x/../../myfolder",
        "was not made by `handbook build`",
    );
    assert_eq!(
        std::fs::read_to_string(world.top.join("myfolder/thesis.txt")).unwrap(),
        "three years of work\n"
    );
    assert!(!world.site.join("x").exists());
}

#[test]
fn out_cannot_be_the_site_itself() {
    let world = World::new();
    refused(&world, ".", "it is the site's own folder");
    refused(&world, "content/..", "it is the site's own folder");
    refused(&world, "./", "it is the site's own folder");
    refused(&world, "..", "it holds the site's own folder");
    let site = world.site.to_string_lossy().into_owned();
    refused(&world, &site, "it is the site's own folder");
}

#[test]
fn out_cannot_be_or_hold_the_home_folder() {
    let world = World::new();
    let home = world.home.to_string_lossy().into_owned();
    refused(&world, &home, "it is your home folder");
    refused(
        &world,
        &format!("{home}/nothere/../../home"),
        "it is your home folder",
    );
    // `~` is the shell's: handbook neither expands it nor makes `./~`.
    refused(&world, "~/x", "starts with `~`");
    assert!(!world.site.join("~").exists());
}

#[test]
fn out_cannot_lie_inside_the_sites_own_folders() {
    let world = World::new();
    for dir in [
        ".handbook",
        "content",
        "quizzes",
        "themes",
        "templates",
        "static",
        "versions",
    ] {
        refused(
            &world,
            &format!("{dir}/new-site"),
            &format!("it lies inside the site's {dir}/ folder"),
        );
        assert!(!world.site.join(dir).join("new-site").exists());
        refused(
            &world,
            &format!("nothere/../{dir}"),
            &format!("it is the site's {dir}/ folder"),
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinked_output_folders_are_refused() {
    let world = World::new();
    std::os::unix::fs::symlink(world.site.join(".handbook"), world.site.join("out-link")).unwrap();
    refused(
        &world,
        "out-link",
        "it is the site's .handbook/ folder (through a symbolic link)",
    );
    refused(
        &world,
        "out-link/output",
        "it lies inside the site's .handbook/ folder (through a symbolic link)",
    );
    // A link to an earlier output is refused too: the link would be
    // swapped, not the folder, and the user meant the folder.
    assert!(world.in_site(&["build"]).status.success());
    std::os::unix::fs::symlink(world.site.join("output"), world.top.join("published")).unwrap();
    refused(&world, "../published", "it is a symbolic link");
    std::os::unix::fs::symlink(world.top.join("myfolder"), world.site.join("mine")).unwrap();
    refused(&world, "mine", "it is a symbolic link");
}

#[test]
fn an_existing_folder_without_the_marker_is_never_replaced() {
    let world = World::new();
    std::fs::create_dir(world.top.join("empty")).unwrap();
    refused(&world, "../empty", "was not made by `handbook build`");
    refused(&world, "../myfolder", "was not made by `handbook build`");
    // A marker that is a folder, not a file, does not count.
    std::fs::create_dir_all(world.top.join("fake/.handbook-output")).unwrap();
    refused(&world, "../fake", "was not made by `handbook build`");
    refused(&world, "site.yaml", "it exists and is not a folder");
}

#[test]
fn a_marked_output_is_replaced_and_a_new_folder_is_made() {
    let world = World::new();
    for out in ["output", "output", "nothere/../output", "../public"] {
        let output = world.in_site(&["build", "--out", out]);
        assert_eq!(output.status.code(), Some(0), "{out}\n{}", text(&output));
    }
    assert!(world.site.join("output/index.html").is_file());
    assert!(world.top.join("public/.handbook-output").is_file());
    assert!(!world.site.join("nothere").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&world.site)
        .unwrap()
        .chain(std::fs::read_dir(&world.top).unwrap())
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".handbook-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn new_never_writes_into_a_site_a_protected_folder_or_home() {
    let world = World::new();
    let before = tree_hash(&world.top);
    let new = |dir: &str, says: &str| {
        let output = world.in_site(&["new", dir]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(2), "new {dir}\n{shown}");
        assert!(
            shown.contains(says),
            "new {dir}: expected `{says}` in\n{shown}"
        );
        assert_eq!(tree_hash(&world.top), before, "new {dir} changed files");
    };
    new("nothere/../../site", "it already holds a handbook");
    new(".", "it already holds a handbook");
    new("nothere/../content", "it is the site's content/ folder");
    new(
        ".handbook/new",
        "it lies inside the site's .handbook/ folder",
    );
    new("quizzes/new", "it lies inside the site's quizzes/ folder");
    new("../myfolder", "it already exists and is not empty");
    new("~/policy", "starts with `~`");

    // An empty home folder is still the home folder.
    let empty_home = world.top.join("empty-home");
    std::fs::create_dir(&empty_home).unwrap();
    let output = run_in(&world.top, &empty_home, &["new", "empty-home"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("it is your home folder"),
        "{}",
        text(&output)
    );
    assert_eq!(std::fs::read_dir(&empty_home).unwrap().count(), 0);

    #[cfg(unix)]
    {
        std::fs::create_dir(world.top.join("target")).unwrap();
        std::os::unix::fs::symlink(world.top.join("target"), world.top.join("link")).unwrap();
        let output = run_in(&world.top, &world.home, &["new", "link"]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains("symbolic link"), "{}", text(&output));
        assert_eq!(
            std::fs::read_dir(world.top.join("target")).unwrap().count(),
            0
        );
    }

    // And a new folder beside the site is made.
    let output = run_in(&world.top, &world.home, &["new", "site/../fresh"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(world.top.join("fresh/site.yaml").is_file());
}

#[cfg(unix)]
#[test]
fn a_quiz_symlinked_to_the_roster_is_an_error_that_never_shows_it() {
    let world = World::new();
    std::os::unix::fs::symlink(
        world.site.join(".handbook/roster.csv"),
        world.site.join("quizzes/online-safety/leak.yaml"),
    )
    .unwrap();
    // And one to a file outside the site.
    std::os::unix::fs::symlink(
        world.top.join("myfolder/thesis.txt"),
        world.site.join("quizzes/online-safety/thesis.yaml"),
    )
    .unwrap();
    for command in ["check", "build"] {
        let output = world.in_site(&[command]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(1), "{command}\n{shown}");
        assert!(
            shown.contains(
                "quizzes/online-safety/leak.yaml: is a symbolic link into the site's private .handbook/ folder"
            ),
            "{shown}"
        );
        assert!(
            shown.contains(
                "quizzes/online-safety/thesis.yaml: is a symbolic link to a file outside the site"
            ),
            "{shown}"
        );
        assert!(!shown.contains("Secret Person"), "{shown}");
        assert!(!shown.contains("three years"), "{shown}");
    }
    assert!(!world.site.join("output").exists());
}

#[cfg(unix)]
#[test]
fn content_symlinked_outside_the_site_is_an_error() {
    let world = World::new();
    std::os::unix::fs::symlink(
        world.top.join("myfolder/thesis.txt"),
        world.site.join("content/thesis.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(world.top.join("myfolder"), world.site.join("content/mine"))
        .unwrap();
    let output = world.in_site(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("content/thesis.md: is a symbolic link to a file outside the site"),
        "{shown}"
    );
    assert!(
        shown.contains("content/mine: is a symbolic link to a folder outside the site"),
        "{shown}"
    );
    assert!(
        !shown.contains("content/mine/thesis.txt"),
        "a refused folder is not read: {shown}"
    );
    assert!(!shown.contains("three years"), "{shown}");
}

#[cfg(unix)]
#[test]
fn content_symlinked_into_the_private_folder_is_an_error() {
    let world = World::new();
    std::os::unix::fs::symlink(
        world.site.join(".handbook/roster.csv"),
        world.site.join("content/staff.csv"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        world.site.join(".handbook"),
        world.site.join("content/private"),
    )
    .unwrap();
    let output = world.in_site(&["build"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(
            "content/staff.csv: is a symbolic link into the site's private .handbook/ folder"
        ),
        "{shown}"
    );
    assert!(
        shown.contains(
            "content/private: is a symbolic link into the site's private .handbook/ folder"
        ),
        "{shown}"
    );
    assert!(!shown.contains("Secret Person"), "{shown}");
    assert!(!world.site.join("output").exists());
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    let world = World::new();
    let shared = world.site.join("shared");
    std::fs::create_dir_all(shared.join("pages")).unwrap();
    std::fs::write(
        shared.join("faq.md"),
        "---\ntitle: Questions\n---\nShared answers. {#answers}\n",
    )
    .unwrap();
    std::fs::write(
        shared.join("pages/extra.md"),
        "---\ntitle: Extra\n---\nMore.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(shared.join("faq.md"), world.site.join("content/faq.md")).unwrap();
    std::os::unix::fs::symlink(shared.join("pages"), world.site.join("content/more")).unwrap();
    // Relative links work too.
    std::os::unix::fs::symlink(
        "../../shared/faq.md",
        world.site.join("content/parents/faq.md"),
    )
    .unwrap();
    let output = world.in_site(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let faq = std::fs::read_to_string(world.site.join("output/faq.html")).unwrap();
    assert!(faq.contains("Shared answers."), "{faq}");
    assert!(world.site.join("output/more/extra.html").is_file());
    assert!(world.site.join("output/parents/faq.html").is_file());
}

#[test]
fn a_heading_id_cannot_inject_an_attribute() {
    let site = TempSite::new();
    site.write(
        "content/online-safety/roles.md",
        "---\ntitle: Roles\nmodule: roles\n---\n## Staff\n\n- Report concerns to the DSL. {#report}\n\n\
         ## T {#x\"onmouseover=\"alert(1)}\n",
    );
    for command in ["check", "build"] {
        let output = site.run(&[command]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(1), "{command}\n{shown}");
        assert!(
            shown.contains(
                "content/online-safety/roles.md:9: the heading id `{#x\"onmouseover=\"alert(1)}` is not a valid id"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("help: an anchor id starts with a letter or digit"),
            "{shown}"
        );
    }
    assert!(!site.path().join("output").exists());
}

#[test]
fn heading_attributes_are_checked_classes_kept_and_ids_escaped() {
    let site = TempSite::new();
    site.write(
        "content/online-safety/roles.md",
        "---\ntitle: Roles\nmodule: roles\n---\n## Staff {.note}\n\n- Report concerns to the DSL. {#report}\n\n\
         ## T {onmouseover=alert(1)}\n",
    );
    let output = site.run(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(
            "content/online-safety/roles.md:9: the heading attribute `onmouseover` is not allowed"
        ),
        "{shown}"
    );

    site.write(
        "content/online-safety/roles.md",
        "---\ntitle: Roles\nmodule: roles\n---\n## Staff {.note}\n\n- Report concerns to the DSL. {#report}\n",
    );
    // A page whose file name holds a quote is printed with the rest of
    // the section; its ids are prefixed with its name.
    site.write(
        "content/online-safety/a\"b.md",
        "---\ntitle: Quoted\n---\n## Tone\n\nKind words. {#kind}\n",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let roles = site.read("output/online-safety/roles.html");
    assert!(
        roles.contains("<h2 id=\"staff\" class=\"note\">Staff</h2>"),
        "{roles}"
    );
    let print = site.read("output/online-safety/print.html");
    assert!(
        print.contains("id=\"online-safety--a&quot;b--tone\""),
        "{print}"
    );
    assert!(!print.contains("id=\"a\"b"), "{print}");
}

#[test]
fn thousands_of_identical_headings_each_get_their_own_anchor() {
    let site = TempSite::new();
    let body = "## Notes\n\nText.\n\n".repeat(2_000);
    // A heading literally named `Notes 1`, and an explicit id that the
    // numbering reaches later: both are stepped around, not reported.
    site.write(
        "content/notes.md",
        &format!("---\ntitle: Notes\n---\n{body}## Notes 1\n\n## Summary {{#notes-5}}\n"),
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let html = site.read("output/notes.html");
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| id.starts_with("notes"))
        .collect();
    assert_eq!(ids.len(), 2_002);
    let distinct: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(distinct.len(), 2_002, "every anchor is unique");
    assert_eq!(
        &ids[..6],
        [
            "notes", "notes-1", "notes-2", "notes-3", "notes-4", "notes-6"
        ]
    );
    assert_eq!(ids[1_999], "notes-2000");
    // `Notes 1` was taken by the second heading; it steps on.
    assert_eq!(ids[2_000], "notes-1-1");
    assert_eq!(ids[2_001], "notes-5");
}

#[test]
fn non_utf8_input_and_a_missing_theme_name_the_file_and_line() {
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "site.yaml",
            {
                let mut yaml = TempSite::new().read("site.yaml").into_bytes();
                let at = yaml.iter().position(|&b| b == b'\n').unwrap() + 1;
                let at = at + yaml[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
                // Line 3: `organisation: Test Primary School` in Latin-1.
                yaml.splice(at + 14..at + 14, *b"\xe9cole ");
                yaml
            },
            "site.yaml:3: is not valid UTF-8 text",
        ),
        (
            "quizzes/online-safety/scope.yaml",
            TempSite::new()
                .read("quizzes/online-safety/scope.yaml")
                .replace("Only teachers.", "Only teachers\u{0}.")
                .into_bytes()
                .into_iter()
                .map(|b| if b == 0 { 0xff } else { b })
                .collect(),
            "quizzes/online-safety/scope.yaml:9: is not valid UTF-8 text",
        ),
        (
            "content/parents/commenting.md",
            b"---\ntitle: Commenting\n---\nPlease comment kindly.\nCaf\xe9 rules.\n".to_vec(),
            "content/parents/commenting.md:5: is not valid UTF-8 text",
        ),
    ];
    for (file, bytes, says) in cases {
        let site = TempSite::new();
        std::fs::write(site.path().join(file), bytes).unwrap();
        for command in ["check", "build"] {
            let output = site.run(&[command]);
            let shown = text(&output);
            assert_eq!(output.status.code(), Some(1), "{file} {command}\n{shown}");
            assert!(
                shown.contains(says),
                "{file}: expected `{says}` in\n{shown}"
            );
            assert!(shown.contains("save the file as UTF-8"), "{shown}");
        }
    }

    let site = TempSite::new();
    let yaml = site
        .read("site.yaml")
        .replace("theme: default", "theme: fancy");
    site.write("site.yaml", &yaml);
    let output = site.run(&["build"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("site.yaml:6: theme `fancy` not found"),
        "{shown}"
    );
}
