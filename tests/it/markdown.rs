//! The page text on built pages: footnotes with unique ids and a way back
//! on every page that shows them (policy page, course module page, print
//! page), `syntax.css` wherever highlighted code is shown, keyboard-
//! reachable code boxes, a warning for an unknown code language, escaped
//! anchor markers left as text; and the CommonMark spec and
//! pulldown-cmark's GFM suites rendered through handbook as specified.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use handbook::markdown::{RenderOptions, render};

use crate::support::{TempSite, text};

/// Every value of `attr="…"` in `html`, in order.
fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.split(needle.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Checks one built page: its ids are unique, every `#fragment` link
/// resolves on the page, every footnote reference has a note and a way
/// back. Returns the number of footnote references.
fn check_page(name: &str, html: &str) -> usize {
    let ids = attr_values(html, "id");
    let mut seen = HashSet::new();
    for id in &ids {
        assert!(seen.insert(id), "{name}: the id `{id}` is used twice");
    }
    let hrefs = attr_values(html, "href");
    let fragments: Vec<&str> = hrefs.iter().filter_map(|h| h.strip_prefix('#')).collect();
    for fragment in &fragments {
        assert!(
            seen.contains(&fragment.to_string()),
            "{name}: #{fragment} resolves"
        );
    }
    let references: Vec<&String> = ids.iter().filter(|id| id.contains("fnref:")).collect();
    for reference in &references {
        assert!(
            fragments.contains(&reference.as_str()),
            "{name}: the reference {reference} has a way back"
        );
    }
    let backs = html.matches("class=\"footnote-back\"").count();
    assert_eq!(
        backs,
        references.len(),
        "{name}: one way back per reference"
    );
    references.len()
}

/// The small site, with footnotes on two pages of the `scope` module (both
/// `[^1]`, one beside a `## Notes` heading), a table, highlighted code
/// with a line too long for its box, an unknown code language and escaped
/// anchor markers.
pub fn site_with_footnotes() -> TempSite {
    let site = TempSite::new();
    site.write(
        "content/online-safety/scope.md",
        "---
title: Scope
weight: 10
audience: [staff]
module: scope
---
This policy applies to all staff.[^1] {#all-staff}

## Volunteers

Volunteers follow it too.[^notes] See [roles](roles.md#staff). {#volunteers-too}

## Notes

Read the notes below.[^1]

[^1]: Staff includes supply staff.

[^notes]: As the trust's volunteer policy says.
",
    );
    site.write(
        "content/online-safety/more.md",
        &"---
title: More on scope
weight: 15
audience: [staff]
module: scope
---
Visitors sign in.[^1]

foo \\{#bar}

- item \\{#x}

| Who | Signs in |
| --- | --- |
| Visitors | At the office |

```yaml
visitors: sign-in # {long}
```

```powershell
Get-Visitor
```

[^1]: At the office.
"
        .replace("{long}", &"and a long comment ".repeat(20)),
    );
    site
}

#[test]
fn footnotes_are_unique_and_link_back_on_every_page_that_shows_them() {
    let site = site_with_footnotes();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let mut counts = HashMap::new();
    for page in [
        "online-safety/scope.html",
        "online-safety/more.html",
        "course/online-safety/scope.html",
        "online-safety/print.html",
    ] {
        let html = site.read(&format!("output/{page}"));
        counts.insert(page, check_page(page, &html));
    }
    assert_eq!(counts["online-safety/scope.html"], 3);
    assert_eq!(counts["online-safety/more.html"], 1);
    assert_eq!(
        counts["course/online-safety/scope.html"], 4,
        "both pages' references"
    );
    assert_eq!(
        counts["online-safety/print.html"], 4,
        "both pages' references"
    );

    let scope = site.read("output/online-safety/scope.html");
    assert!(scope.contains("<h2 id=\"notes\">Notes</h2>"), "{scope}");
    assert!(scope.contains("<li id=\"fn:2\">"), "{scope}");
    assert!(scope.contains("aria-label=\"Back to reference 1 (2)\""));
    // Two pages' `[^1]` on one module page: each note in its own part.
    let module = site.read("output/course/online-safety/scope.html");
    assert_eq!(module.matches("<section class=\"footnotes\"").count(), 2);
    let first = module.find("Staff includes supply staff.").unwrap();
    let second = module.find("At the office.").unwrap();
    assert!(first < module.find("Visitors sign in.").unwrap() && first < second);
}

#[test]
fn syntax_css_is_linked_wherever_highlighted_code_is_shown() {
    let site = site_with_footnotes();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(site.path().join("output/syntax.css").is_file());
    let link = "<link rel=\"stylesheet\" href=\"../../syntax.css\">";
    // roles.md (module `roles`) and more.md (module `scope`) have code.
    for page in [
        "course/online-safety/roles.html",
        "course/online-safety/scope.html",
    ] {
        let html = site.read(&format!("output/{page}"));
        assert!(html.contains(link), "{page} links syntax.css");
    }
    for page in [
        "online-safety/roles.html",
        "online-safety/more.html",
        "online-safety/print.html",
    ] {
        let html = site.read(&format!("output/{page}"));
        assert!(
            html.contains("<link rel=\"stylesheet\" href=\"../syntax.css\">"),
            "{page} links syntax.css"
        );
    }
    for page in [
        "online-safety/scope.html",
        "course/index.html",
        "search.html",
    ] {
        let html = site.read(&format!("output/{page}"));
        assert!(!html.contains("syntax.css"), "{page} has no code");
    }
    // Every code box, highlighted or not, can be reached by keyboard.
    let more = site.read("output/online-safety/more.html");
    assert_eq!(more.matches("<pre class=\"code").count(), 2);
    assert_eq!(
        more.matches(" tabindex=\"0\" role=\"region\" aria-label=\"Code")
            .count(),
        2,
        "{more}"
    );
}

#[test]
fn an_unknown_code_language_is_a_warning_with_its_line() {
    let site = site_with_footnotes();
    for command in ["check", "build"] {
        let output = site.run(&[command]);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains(
                "warning: content/online-safety/more.md:21: the code language `powershell` is not one \
                 handbook can highlight"
            ),
            "{shown}"
        );
        assert!(shown.contains("help: handbook highlights bash,"), "{shown}");
        assert!(!shown.contains("`yaml`"), "yaml is known: {shown}");
    }
    let output = site.run(&["check", "--strict"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
}

#[test]
fn an_escaped_anchor_marker_stays_text() {
    let site = site_with_footnotes();
    assert!(site.run(&["build"]).status.success());
    let more = site.read("output/online-safety/more.html");
    assert!(more.contains("<p>foo {#bar}</p>"), "{more}");
    assert!(more.contains("<li>item {#x}</li>"), "{more}");
    assert!(!more.contains("id=\"bar\"") && !more.contains("id=\"x\""));
}

/// One example of a pulldown-cmark test suite.
struct Example {
    file: &'static str,
    name: String,
    markdown: String,
    html: String,
}

/// The folder of the pulldown-cmark package this build uses, as cargo
/// knows it (its tests ship in the package). Only this machine's platform
/// is asked about, so that nothing needs downloading.
fn pulldown_cmark_dir() -> PathBuf {
    let rustc = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", text(&output));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "pulldown-cmark")
        .expect("pulldown-cmark is a dependency");
    PathBuf::from(package["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The examples of one suite file (`tests/suite/<file>.rs`, generated by
/// pulldown-cmark from the spec texts): each `original` with its
/// `expected` HTML, leaving out the ones run with an extension handbook
/// does not turn on (smart punctuation, metadata blocks, old footnotes,
/// subscript, wiki links, definition lists).
fn examples(dir: &std::path::Path, file: &'static str) -> Vec<Example> {
    let path = dir.join("tests/suite").join(format!("{file}.rs"));
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    let raw = |from: &str, key: &str| -> String {
        let start = from.find(key).expect(key) + key.len();
        let end = from[start..].find("\"##;").expect("the end of the string");
        from[start..start + end].to_string()
    };
    source
        .split("#[test]\nfn ")
        .skip(1)
        .filter_map(|test| {
            let name = test.split('(').next().unwrap().to_string();
            let call = test.split("test_markdown_html(").nth(1)?;
            let flags = call.split(')').next()?;
            if flags.split(',').skip(2).any(|f| f.trim() == "true") {
                return None;
            }
            Some(Example {
                file,
                name,
                markdown: raw(test, "let original = r##\""),
                html: raw(test, "let expected = r##\""),
            })
        })
        .collect()
}

/// HTML compared as pulldown-cmark's own suite compares it: `<br>`,
/// `<hr>` in one spelling, and line breaks between tags ignored; and a
/// quote mark written as itself or as an entity (handbook writes code
/// with the five entities Tera uses) is the same.
fn standardise(html: &str) -> String {
    html.replace("<br>", "<br />")
        .replace("<br/>", "<br />")
        .replace("<hr>", "<hr />")
        .replace("<hr/>", "<hr />")
        .replace(">\n<", "><")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Takes off what handbook adds on purpose (see docs/authoring.md):
/// every heading's `id`, the code box's class, focus and label, and the
/// highlighting spans inside it.
fn without_handbook_additions(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "pre" && tag.contains("class=\"code") {
            out.push_str("<pre>");
        } else if name == "span" && tag.contains("class=\"hl-") || tag == "</span>" {
            // A highlighting span (the examples hold no span of their own
            // inside code).
        } else if name.len() == 2 && name.starts_with('h') && tag.contains(" id=\"") {
            let id_at = tag.find(" id=\"").unwrap();
            let id_end = tag[id_at + 5..].find('"').unwrap() + id_at + 6;
            out.push_str(&tag[..id_at]);
            out.push_str(&tag[id_end..]);
        } else {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The expected HTML with handbook's deliberate changes made to it too:
/// a fenced block's `language-…` class goes (its language is handbook's
/// `data-lang`, taken off with the rest of the code box), a link to a
/// `.md` file goes to the page it builds (`.html`, with a leading `./`
/// resolved away), and heading ids go as on handbook's side.
fn expected_without_differences(html: &str) -> String {
    let mut out = html.to_string();
    while let Some(at) = out.find("<code class=\"language-") {
        let end = out[at..].find('>').unwrap() + at;
        out.replace_range(at..end, "<code");
    }
    let hrefs: Vec<String> = attr_values(&out, "href");
    for href in hrefs {
        let (path, rest) = href.split_at(href.find(['#', '?']).unwrap_or(href.len()));
        if let Some(stem) = path.strip_suffix(".md")
            && !path.contains(':')
            && !path.starts_with('/')
        {
            let from = format!("href=\"{href}\"");
            let stem = stem.strip_prefix("./").unwrap_or(stem);
            out = out.replace(&from, &format!("href=\"{stem}.html{rest}\""));
        }
    }
    without_handbook_additions(&out)
}

#[test]
fn commonmark_and_gfm_examples_render_as_specified() {
    let dir = pulldown_cmark_dir();
    // Footnotes are left out on purpose: handbook writes its own (listed
    // at the end, with ids of their own and a way back); tests above and
    // in src/markdown show them. Heading attributes other than an id and
    // classes are refused with an error, so that suite is left out too.
    let suites = [
        "spec",
        "gfm_table",
        "gfm_strikethrough",
        "table",
        "strikethrough",
    ];
    let mut all = Vec::new();
    for file in suites {
        all.extend(examples(&dir, file));
    }
    let spec = all.iter().filter(|e| e.file == "spec").count();
    assert!(
        spec >= 600,
        "the CommonMark spec has over 600 examples: {spec}"
    );
    let mut failures = Vec::new();
    for example in &all {
        let rendered = render(&example.markdown, 1, &RenderOptions::default());
        let got = standardise(&without_handbook_additions(&rendered.html));
        let want = standardise(&expected_without_differences(&example.html));
        if got != want {
            failures.push(format!(
                "{} {}:\n--- markdown\n{}\n--- expected\n{want}\n--- handbook\n{got}",
                example.file, example.name, example.markdown
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples differ:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_languages_the_guide_names_are_the_ones_highlighted() {
    let guide =
        std::fs::read_to_string(crate::support::project_root().join("docs/authoring.md")).unwrap();
    let start = guide
        .find("Languages handbook highlights:")
        .expect("the guide lists the languages");
    let end = start + guide[start..].find(" in any case.").unwrap();
    let listed: Vec<&str> = guide[start..end].split('`').skip(1).step_by(2).collect();
    assert!(listed.len() > 40, "{listed:?}");
    for lang in listed {
        let rendered = render(
            &format!("```{lang}\nx\n```\n"),
            1,
            &RenderOptions::default(),
        );
        assert!(rendered.highlighted, "`{lang}` is highlighted");
        assert!(rendered.warnings.is_empty(), "{lang}");
    }
    // The ones it names as unknown warn.
    for lang in ["powershell", "toml", "typescript"] {
        let rendered = render(
            &format!("```{lang}\nx\n```\n"),
            1,
            &RenderOptions::default(),
        );
        assert!(
            !rendered.highlighted && rendered.warnings.len() == 1,
            "{lang}"
        );
    }
}
