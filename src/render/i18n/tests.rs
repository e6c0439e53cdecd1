use super::*;
use std::path::PathBuf;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn config(language: &str) -> SiteConfig {
    SiteConfig::parse(&format!(
        "id: a\ntitle: T\norganisation: O\nlanguage: {language}\npolicies:\n  p:\n    \
         title: P\n    version: V\n    reviewed: 2026-01\n    next_review: 2027-01-31\n"
    ))
    .unwrap()
}

/// A whole site theme whose only translation is `name` with `text`.
fn theme_with(root: &Path, name: &str, text: &str) -> Theme {
    write(root, &format!("themes/plain/i18n/{name}"), text);
    write(root, "themes/plain/templates/page.html", "x");
    Theme::load(root, "plain").unwrap()
}

/// The reference file with every value wrapped in ⟦…⟧.
fn pseudo() -> String {
    let mut yaml = String::new();
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
        yaml.push_str(&format!(
            "{}{}: {}\n",
            "  ".repeat(groups.len()),
            name[0],
            serde_json::to_string(&format!("⟦{text}⟧")).unwrap()
        ));
        last = groups.iter().map(|g| g.to_string()).collect();
    }
    yaml
}

#[test]
fn the_reference_parses_and_has_the_generators_own_strings() {
    let text = super::super::theme::built_in_i18n("en-GB.yaml").unwrap();
    let table = flatten(Path::new("en-GB.yaml"), text).unwrap();
    assert!(table.len() > 300, "{}", table.len());
    for key in [
        "markdown.notes",
        "search.title",
        "not_found.title",
        "versions.title",
        "versions.draft_summary",
        "changes.title",
        "course.name",
        "declaration.title",
        "module.answer_true",
        "module.answer_false",
        "date.month_12",
        "js.common.error_prefix",
    ] {
        assert!(table.contains_key(key), "{key}");
    }
}

#[test]
fn the_default_language_loads_from_the_built_in_theme() {
    let dir = tempfile::tempdir().unwrap();
    let theme = Theme::load(dir.path(), "default").unwrap();
    let strings = Strings::load(dir.path(), &theme, &config("en-GB")).unwrap();
    assert_eq!(strings.text("search.title", &[]), "Search");
    // Tags are the same whatever their case.
    let strings = Strings::load(dir.path(), &theme, &config("EN-gb")).unwrap();
    assert_eq!(strings.text("markdown.notes", &[]), "Notes");
}

#[test]
fn placeholders_and_plurals() {
    let strings = Strings::reference();
    assert_eq!(
        strings.text("changes.title", &[("label", "May 2026")]),
        "What changed in May 2026"
    );
    assert_eq!(
        strings.text("page.reading_time", &[("count", "1")]),
        "About 1 minute to read"
    );
    assert_eq!(
        strings.text("page.reading_time", &[("count", "3")]),
        "About 3 minutes to read"
    );
    assert_eq!(
        strings.lookup("page.reading_time", Some(0)),
        Some("About {count} minutes to read")
    );
    assert_eq!(strings.lookup("page.reading_time", None), None);
    assert_eq!(
        placeholders("{a} and {b_2}, not { c} or {}")
            .into_iter()
            .collect::<Vec<_>>(),
        ["a", "b_2"]
    );
    assert_eq!(
        fill("{x}{{x}}", |_| Some(Cow::Borrowed("1"))).unwrap(),
        "1{1}"
    );
    assert_eq!(fill("a {gone} b", |_| None), Err("gone"));
}

#[test]
fn review_dates_are_in_the_languages_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = super::super::theme::built_in_i18n("en-GB.yaml")
        .unwrap()
        .to_string();
    text = text.replace("month_1: January", "month_1: Ionawr");
    text = text.replace(
        "day_month_year: \"{day} {month} {year}\"",
        "day_month_year: \"{day}.{month}.{year}\"",
    );
    let theme = theme_with(dir.path(), "cy.yaml", &text);
    let strings = Strings::load(dir.path(), &theme, &config("cy")).unwrap();
    let month = ReviewDate::parse("2026-01").unwrap();
    let day = ReviewDate::parse("2027-01-31").unwrap();
    assert_eq!(strings.review_date(&month), "Ionawr 2026");
    assert_eq!(strings.review_date(&day), "31.Ionawr.2027");
    assert_eq!(Strings::reference().review_date(&day), day.display());
}

#[test]
fn scripts_get_the_js_group_without_its_prefix_and_safe_in_a_script() {
    let mut strings = Strings::reference();
    strings
        .table
        .insert("js.quiz.evil".into(), "</script><b>".into());
    let script = strings.script();
    assert!(!script.contains("</"), "{script}");
    let json = script
        .strip_prefix("window.HANDBOOK_STRINGS = ")
        .and_then(|rest| rest.strip_suffix(";\n"))
        .expect("a script that sets the global");
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["quiz.correct"], "Correct");
    assert_eq!(value["quiz.evil"], "</script><b>");
    assert!(value.get("markdown.notes").is_none());
    assert!(value.get("js.quiz.correct").is_none());
}

#[test]
fn t_escapes_text_and_values_but_not_markup_keys_or_safe_values() {
    let strings = Arc::new(Strings {
        table: [
            ("a".to_string(), "Tom & {who}".to_string()),
            ("b_html".to_string(), "<strong>{who}</strong>".to_string()),
            ("n_one".to_string(), "{count} page".to_string()),
            ("n_other".to_string(), "{count} pages".to_string()),
        ]
        .into_iter()
        .collect(),
    });
    let mut tera = tera::Tera::new();
    tera.register_function("t", Strings::tera_function(strings));
    tera.add_raw_templates([
        ("a.html", "{{ t(key=\"a\", who=\"<i>\") }}"),
        ("b.html", "{{ t(key=\"b_html\", who=\"<i>\") }}"),
        (
            "c.html",
            "{% set w %}<em>{{ x }}</em>{% endset %}{{ t(key=\"a\", who=w) }}",
        ),
        (
            "d.html",
            "{{ t(key=\"n\", count=1) }}, {{ t(key=\"n\", count=2) }}",
        ),
        ("e.html", "{{ t(key=\"missing\") }}"),
        ("f.html", "{{ t(key=\"a\") }}"),
    ])
    .unwrap();
    let mut context = tera::Context::new();
    context.insert("x", "<&>");
    let render = |name: &str| tera.render(name, &context);
    assert_eq!(render("a.html").unwrap(), "Tom &amp; &lt;i&gt;");
    assert_eq!(render("b.html").unwrap(), "<strong>&lt;i&gt;</strong>");
    assert_eq!(
        render("c.html").unwrap(),
        "Tom &amp; <em>&lt;&amp;&gt;</em>"
    );
    assert_eq!(render("d.html").unwrap(), "1 page, 2 pages");
    let err = format!("{:?}", render("e.html").unwrap_err());
    assert!(err.contains("no string `missing`"), "{err}");
    let err = format!("{:?}", render("f.html").unwrap_err());
    assert!(err.contains("needs `who`"), "{err}");
}

#[test]
fn a_language_that_is_not_a_tag_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "site.yaml",
        "id: a\ntitle: T\nlanguage: Welsh\n",
    );
    let theme = Theme::load(dir.path(), "default").unwrap();
    let err = Strings::load(dir.path(), &theme, &config("Welsh")).unwrap_err();
    assert_eq!(err.exit_code(), 1);
    let text = err.to_string();
    assert!(
        text.contains("site.yaml:3: language `Welsh` is not a language tag"),
        "{text}"
    );
    assert!(
        text.contains("use a language tag such as `en-GB` or `cy`; the theme has: en-GB"),
        "{text}"
    );
    let err = Strings::load(dir.path(), &theme, &config("fr")).unwrap_err();
    assert!(
        err.to_string()
            .contains("the theme has no translation for language `fr`"),
        "{err}"
    );
    assert!(is_language_tag("en-GB") && is_language_tag("cy") && is_language_tag("zh-Hant-TW"));
    assert!(!is_language_tag("Welsh") && !is_language_tag("en_GB") && !is_language_tag(""));
}

#[test]
fn a_sites_translation_must_have_every_key_and_only_their_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let whole = pseudo();
    let theme = theme_with(dir.path(), "en-XA.yaml", &whole);
    let strings = Strings::load(dir.path(), &theme, &config("en-XA")).unwrap();
    assert_eq!(strings.text("search.title", &[]), "⟦Search⟧");

    // One string left out, one with a placeholder of its own.
    let broken = whole
        .lines()
        .filter(|l| !l.trim_start().starts_with("skip_link:"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("⟦Version {version}⟧", "⟦Version {versoin}⟧");
    let theme = theme_with(dir.path(), "en-XA.yaml", &broken);
    let err = Strings::load(dir.path(), &theme, &config("en-XA")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("themes/plain/i18n/en-XA.yaml: missing string `base.skip_link`"),
        "{text}"
    );
    assert!(
        text.contains("in en-GB it is: Skip to main content"),
        "{text}"
    );
    assert!(
        text.contains("`review.version` uses `{versoin}`, which is not one of its placeholders"),
        "{text}"
    );
    assert!(text.contains("this string can use {version}"), "{text}");

    // Not YAML of groups: the line and what is expected.
    let theme = theme_with(dir.path(), "en-XA.yaml", "base:\n  skip_link: [a, b]\n");
    let err = Strings::load(dir.path(), &theme, &config("en-XA")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("en-XA.yaml:2"), "{text}");
    assert!(text.contains("text in quotes, or a group"), "{text}");
}

#[test]
fn a_site_theme_adds_and_overrides_translation_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "themes/default/i18n/en-XA.yaml", &pseudo());
    let theme = Theme::load(dir.path(), "default").unwrap();
    assert_eq!(
        theme.i18n.keys().collect::<Vec<_>>(),
        ["en-GB.yaml", "en-XA.yaml"]
    );
    assert_eq!(
        theme.i18n["en-XA.yaml"].origin,
        Path::new("themes/default/i18n/en-XA.yaml")
    );
    let strings = Strings::load(dir.path(), &theme, &config("en-XA")).unwrap();
    assert_eq!(
        strings.text("base.skip_link", &[]),
        "⟦Skip to main content⟧"
    );
    assert_eq!(
        theme.own_files(),
        [PathBuf::from("themes/default/i18n/en-XA.yaml")]
    );
}
