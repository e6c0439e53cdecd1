//! The interface's languages: every translation file of the default theme
//! has exactly the keys of `en-GB.yaml`; every string a template asks for
//! is in it; a pseudo-locale (every string wrapped in ⟦…⟧) chosen by
//! `language:` reaches every visible word of every page, so no English is
//! left in a template; a language the theme has no file for is an error at
//! its line of site.yaml.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use html5gum::{Token, Tokenizer};

use crate::support::{TempSite, project_root, text};

/// The default theme's translation files.
fn i18n_dir() -> std::path::PathBuf {
    project_root().join("themes/default/i18n")
}

/// Every string of a translation file by its dotted key, or why not.
fn flatten(text: &str) -> Result<BTreeMap<String, String>, String> {
    fn walk(
        prefix: &str,
        value: &serde_yaml::Value,
        out: &mut BTreeMap<String, String>,
    ) -> Result<(), String> {
        match value {
            serde_yaml::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
                Ok(())
            }
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    let k = k.as_str().ok_or_else(|| format!("{prefix}: key {k:?}"))?;
                    let key = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out)?;
                }
                Ok(())
            }
            other => Err(format!("{prefix}: not text: {other:?}")),
        }
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    walk("", &value, &mut out)?;
    Ok(out)
}

/// `{name}` placeholders of a string.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            out.insert(after[..len].to_string());
        }
        rest = after;
    }
    out
}

/// What is wrong with a translation against the reference: keys it lacks,
/// keys it has that the reference has not, placeholders it adds.
fn compare(reference: &BTreeMap<String, String>, other: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for key in reference.keys().filter(|k| !other.contains_key(*k)) {
        problems.push(format!("missing {key}"));
    }
    for key in other.keys().filter(|k| !reference.contains_key(*k)) {
        problems.push(format!("extra {key}"));
    }
    for (key, text) in other {
        if let Some(english) = reference.get(key) {
            let extra: Vec<_> = placeholders(text)
                .difference(&placeholders(english))
                .cloned()
                .collect();
            if !extra.is_empty() {
                problems.push(format!("{key} adds {extra:?}"));
            }
        }
    }
    problems
}

fn reference() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(i18n_dir().join("en-GB.yaml")).unwrap();
    flatten(&text).expect("en-GB.yaml is groups of text")
}

#[test]
fn every_translation_of_the_default_theme_has_exactly_the_keys_of_en_gb() {
    let reference = reference();
    assert!(reference.len() > 300, "{}", reference.len());
    // The comparison finds a missing key, an extra one and a new placeholder.
    let mut broken = reference.clone();
    broken.remove("base.skip_link");
    broken.insert("base.skip_lnk".into(), "x".into());
    broken.insert("review.version".into(), "Fersiwn {versoin}".into());
    assert_eq!(
        compare(&reference, &broken),
        [
            "missing base.skip_link",
            "extra base.skip_lnk",
            "review.version adds [\"versoin\"]"
        ]
    );
    let mut checked = 0;
    for entry in std::fs::read_dir(i18n_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".yaml"),
            "{name}: translation files are .yaml"
        );
        let table = flatten(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(compare(&reference, &table), Vec::<String>::new(), "{name}");
        checked += 1;
    }
    assert!(checked >= 1);
}

#[test]
fn every_string_a_template_asks_for_is_in_en_gb() {
    let reference = reference();
    let dir = project_root().join("themes/default/templates");
    let mut asked = 0;
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("t(key=\"") {
            let rest = &text[i + 7..];
            let key = &rest[..rest.find('"').unwrap()];
            asked += 1;
            let plural = reference.contains_key(&format!("{key}_one"))
                && reference.contains_key(&format!("{key}_other"));
            if !reference.contains_key(key) && !plural {
                missing.push(format!("{}: {key}", path.display()));
            }
        }
    }
    assert!(asked > 150, "{asked}");
    assert_eq!(missing, Vec::<String>::new());
}

/// The reference with every string wrapped in ⟦…⟧, placeholders kept, as
/// a translation file.
pub fn pseudo_locale() -> String {
    let mut yaml = String::from("# en-XA: every string of en-GB in ⟦…⟧.\n");
    let mut last: Vec<String> = Vec::new();
    for (key, text) in reference() {
        let parts: Vec<&str> = key.split('.').collect();
        let (groups, name) = parts.split_at(parts.len() - 1);
        let common = last
            .iter()
            .zip(groups)
            .take_while(|(a, b)| a.as_str() == **b)
            .count();
        for (depth, group) in groups.iter().enumerate().skip(common) {
            yaml.push_str(&format!("{}{group}:\n", "  ".repeat(depth)));
        }
        let wrapped = serde_json::to_string(&format!("⟦{text}⟧")).unwrap();
        yaml.push_str(&format!(
            "{}{}: {wrapped}\n",
            "  ".repeat(groups.len()),
            name[0]
        ));
        last = groups.iter().map(|g| g.to_string()).collect();
    }
    yaml
}

/// A site whose own words (config, pages, quizzes, tools) are all numbers,
/// so that any letter on a page outside ⟦…⟧ is the theme's own English.
pub fn pseudo_site() -> TempSite {
    let site = TempSite::empty();
    site.write(
        "site.yaml",
        "id: t\ntitle: \"111\"\norganisation: \"222\"\noffice_email: \"5050@5151.5252\"\nlanguage: en-XA\npolicies:\n  \"4545\":\n    \
         title: \"4646\"\n    aim: \"4747\"\n    version: \"333\"\n    reviewed: 2026-01\n    \
         next_review: 2027-01-31\n    owner: \"4848\"\n    required_for: [all]\n",
    );
    site.write("themes/default/i18n/en-XA.yaml", &pseudo_locale());
    site.write(
        "content/_index.md",
        "---\ntitle: \"444\"\naudience: [staff, parents]\nsummary: \"445\"\n---\n555 {#p555}\n",
    );
    site.write(
        "content/4545/_index.md",
        "---\ntitle: \"4646\"\naudience: [staff, parents]\nsummary: \"4649\"\n---\n4650 {#p4650}\n",
    );
    site.write(
        "content/4545/a.md",
        "---\ntitle: \"666\"\nweight: 10\naudience: [staff, parents, pupils, slt]\nmodule: m1\n\
         summary: \"777\"\n---\n888.[^1] {#p888}\n\n## 999\n\n1000 {#p1000}\n\n## 1001\n\n\
         ```rust\n1 + 2\n```\n\n```\n3\n```\n\n[^1]: 1111.\n",
    );
    site.write(
        "content/4545/b.md",
        "---\ntitle: \"1212\"\nweight: 20\naudience: [staff]\nmodule: m2\n---\n1313 {#p1313}\n",
    );
    site.write(
        "content/parents/_index.md",
        "---\ntitle: \"1414\"\nweight: 50\naudience: [parents]\n---\n1515\n",
    );
    site.write(
        "content/parents/c.md",
        "---\ntitle: \"1616\"\naudience: [parents]\n---\n1717\n",
    );
    site.write(
        "content/parents/deep/_index.md",
        "---\ntitle: \"1818\"\n---\n1819\n",
    );
    site.write(
        "content/parents/deep/d.md",
        "---\ntitle: \"1919\"\n---\n1920\n",
    );
    site.write(
        "content/tools/_index.md",
        "---\ntitle: \"2020\"\nweight: 60\n---\n2021\n",
    );
    site.write(
        "content/tools/tree.md",
        "---\ntitle: \"2101\"\ntool: tree.yaml\n---\n2102\n",
    );
    site.write(
        "content/tools/tree.yaml",
        "kind: decision_tree\nstart: s\nnodes:\n  - id: s\n    question: \"2121?\"\n    help: \"2222\"\n\
         \x20   choices:\n      - label: \"2323\"\n        next: e\n      - label: \"2324\"\n        next: e\n\
         \x20 - id: e\n    answer: \"2424\"\n\
         \x20   quote: \"1313\"\n    policy_ref: 4545/b#p1313\n    also:\n      - quote: \"1000\"\n\
         \x20       policy_ref: 4545/a#p1000\n",
    );
    site.write(
        "content/tools/list.md",
        "---\ntitle: \"2501\"\ntool: list.yaml\n---\n2502\n",
    );
    site.write(
        "content/tools/list.yaml",
        "kind: checklist\nitems:\n  - id: i1\n    text: \"1313\"\n    how_to: \"2525\"\n\
         \x20   policy_ref: 4545/b#p1313\n",
    );
    site.write(
        "content/tools/form.md",
        "---\ntitle: \"2601\"\ntool: form.yaml\n---\n2602\n",
    );
    site.write(
        "content/tools/form.yaml",
        "kind: form\nfields:\n  - id: f1\n    label: \"2626\"\n    kind: text\n\
         \x20   required: true\n    help: \"2627\"\n    policy_ref: 4545/b#p1313\n  - id: f2\n    label: \"2727\"\n    kind: names\n\
         \x20   min: 2\n  - id: f3\n    label: \"2828\"\n    kind: choice\n    options: [\"1\", \"2\"]\n\
         \x20 - id: f4\n    label: \"2929\"\n    kind: textarea\n",
    );
    site.write(
        "quizzes/4545/m1.yaml",
        "module: m1\ntitle: \"3030\"\nquestions:\n  - id: q1\n    prompt: \"3131?\"\n    kind: single\n\
         \x20   options:\n      - text: \"1\"\n      - text: \"2\"\n        correct: true\n\
         \x20   explain: \"3232\"\n    policy_ref: 4545/a#p888\n  - id: q2\n    prompt: \"3333\"\n\
         \x20   kind: true_false\n    answer: true\n    explain: \"3434\"\n    policy_ref: 4545/a#p1000\n\
         \x20 - id: q3\n    prompt: \"3535\"\n    kind: multiple\n    options:\n      - text: \"1\"\n\
         \x20       correct: true\n      - text: \"2\"\n        correct: true\n      - text: \"3\"\n\
         \x20   explain: \"3636\"\n    policy_ref: 4545/a#p888\n",
    );
    site.write(
        "quizzes/4545/m2.yaml",
        "module: m2\ntitle: \"3737\"\nquestions:\n  - id: q1\n    prompt: \"3838\"\n    kind: single\n\
         \x20   options:\n      - text: \"1\"\n        correct: true\n      - text: \"2\"\n\
         \x20   explain: \"3939\"\n    policy_ref: 4545/b#p1313\n",
    );
    site
}

/// The words a reader meets on a page: its text outside `<script>` and
/// `<style>`, and the attributes a browser shows or reads out.
fn visible_text(html: &str) -> String {
    const SHOWN: [&str; 4] = ["aria-label", "placeholder", "title", "alt"];
    let mut out = String::new();
    let mut hidden: Option<String> = None;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                for attr in SHOWN {
                    if let Some(value) = tag.attributes.get(attr.as_bytes()) {
                        out.push_str(&String::from_utf8_lossy(value));
                        out.push('\n');
                    }
                }
                if (name == "script" || name == "style") && !tag.self_closing {
                    hidden = Some(name);
                }
            }
            Token::EndTag(tag)
                if hidden.as_deref() == Some(&*String::from_utf8_lossy(&tag.name)) =>
            {
                hidden = None;
            }
            Token::String(s) if hidden.is_none() => {
                out.push_str(&String::from_utf8_lossy(&s));
            }
            _ => {}
        }
    }
    out
}

/// `text` without what is inside ⟦…⟧ (which may nest), and without the
/// data that is neither English nor the site's: version ids (hex).
fn outside_brackets(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '⟦' => depth += 1,
            '⟧' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !(w.len() == 16 && w.bytes().all(|b| b.is_ascii_hexdigit())))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_pseudo_locale_reaches_every_word_of_every_page() {
    let site = pseudo_site();
    let output = site.run(&["publish", "--summary", "4040"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    // A change after publishing: a draft, and a "what changed" page.
    site.write(
        "content/4545/b.md",
        "---\ntitle: \"1212\"\nweight: 20\naudience: [staff]\nmodule: m2\n---\n1313 1314 {#p1313}\n",
    );
    site.write(
        "content/4545/e.md",
        "---\ntitle: \"4141\"\nweight: 30\n---\n4242\n",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let out = site.path().join("output");
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(&out) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "html") {
            pages.push(path);
        }
    }
    pages.sort();
    let rel = |p: &Path| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
    let names: Vec<String> = pages.iter().map(|p| rel(p)).collect();
    for expected in [
        "index.html",
        "4545/index.html",
        "4545/a.html",
        "parents/index.html",
        "parents/deep/index.html",
        "tools/tree.html",
        "tools/list.html",
        "tools/form.html",
        "4545/print.html",
        "search.html",
        "404.html",
        "4545/versions.html",
        "course/index.html",
        "course/4545/m1.html",
        "course/4545/declaration.html",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.starts_with("4545/changes/")),
        "{names:?}"
    );
    let mut english = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let words = outside_brackets(&visible_text(&html));
        let letters: Vec<&str> = words
            .split_whitespace()
            .filter(|w| w.chars().any(|c| c.is_alphabetic()))
            .collect();
        if !letters.is_empty() {
            english.push(format!("{}: {}", rel(page), letters.join(" ")));
        }
    }
    assert_eq!(
        english,
        Vec::<String>::new(),
        "words outside the translation"
    );

    // The check sees English where there is some.
    let plain = outside_brackets(&visible_text(
        "<p>⟦Search⟧ 111 Search <b title=\"Help\">1</b></p>",
    ));
    assert_eq!(
        plain.split_whitespace().collect::<Vec<_>>(),
        ["111", "Search", "Help", "1"]
    );

    // The generator's own words are the translation's too.
    let a = site.read("output/4545/a.html");
    assert!(a.contains(">⟦Notes⟧</p>"), "the footnotes' title");
    assert!(a.contains("aria-label=\"⟦Back to reference 1⟧\""), "{a}");
    assert!(a.contains("aria-label=\"⟦Code: rust⟧\""));
    assert!(a.contains("aria-label=\"⟦Code⟧\""));
    assert!(a.contains("<html lang=\"en-XA\">"));
    let module = site.read("output/course/4545/m1.html");
    assert!(module.contains(">⟦True⟧</label>") && module.contains(">⟦False⟧</label>"));
    // The scripts' words are in the site's one strings.js, which the
    // module page loads before its scripts.
    assert!(module.contains("<script src=\"../../strings.js\" defer></script>"));
    let strings = site.read("output/strings.js");
    assert!(
        strings.contains("\"quiz.correct\":\"⟦Correct⟧\""),
        "{strings}"
    );
    assert!(
        !module.contains("quiz.correct"),
        "no page carries them itself"
    );
}

#[test]
fn a_language_the_theme_has_no_file_for_is_an_error_at_its_line() {
    let site = TempSite::new();
    let config = site
        .read("site.yaml")
        .replace("language: en-GB", "language: Welsh");
    site.write("site.yaml", &config);
    let line = config
        .lines()
        .position(|l| l.starts_with("language:"))
        .unwrap()
        + 1;
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let said = text(&output);
    assert!(
        said.contains(&format!(
            "site.yaml:{line}: language `Welsh` is not a language tag"
        )),
        "{said}"
    );
    assert!(
        said.contains("use a language tag such as `en-GB` or `cy`; the theme has: en-GB"),
        "{said}"
    );
    assert!(!site.path().join("output").exists(), "nothing is written");

    site.write(
        "site.yaml",
        &config.replace("language: Welsh", "language: cy"),
    );
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains(&format!(
            "site.yaml:{line}: the theme has no translation for language `cy`"
        )),
        "{}",
        text(&output)
    );
    assert!(!text(&output).contains("panicked"));
}
