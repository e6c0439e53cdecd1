//! Tests of rendering a page: anchors, links, code, footnotes and text.

use super::*;
use std::collections::HashSet;

fn html(md: &str) -> String {
    render(md, 1, &RenderOptions::default()).html
}

#[test]
fn headings_get_unique_anchors() {
    let r = render(
        "## Pupils\n\n## Pupils\n\n### Tone {#voice}\n",
        1,
        &RenderOptions::default(),
    );
    assert!(
        r.html.contains("<h2 id=\"pupils\">Pupils</h2>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"pupils-1\">"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"voice\">Tone</h3>"), "{}", r.html);
    assert_eq!(r.toc.len(), 3);
    assert_eq!(r.anchors, ["pupils", "pupils-1", "voice"]);
}

#[test]
fn a_heading_id_cannot_inject_attributes() {
    let r = render(
        "Intro.\n\n## T {#x\"onmouseover=\"alert(1)}\n",
        7,
        &RenderOptions::default(),
    );
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].line, 9);
    assert!(r.problems[0].message.contains("is not a valid id"));
    assert!(!r.html.contains("onmouseover=\""), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"t\">"), "{}", r.html);

    // A paragraph anchor that is not an id is reported too.
    let r = render("Text {#x\"y}\n", 3, &RenderOptions::default());
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].line, 3);
    // Prose in braces is not an anchor.
    let r = render("Sets {#a, #b}\n", 1, &RenderOptions::default());
    assert!(r.problems.is_empty());
    assert!(r.html.contains("{#a, #b}"), "{}", r.html);
}

#[test]
fn every_id_attribute_is_escaped() {
    let options = RenderOptions {
        id_prefix: "a\"b--",
        ..RenderOptions::default()
    };
    let r = render("## Tone\n\nText. {#p1}\n\n- Item {#i1}\n", 1, &options);
    assert!(r.html.contains("<h2 id=\"a&quot;b--tone\">"), "{}", r.html);
    assert!(r.html.contains("<p id=\"a&quot;b--p1\">"), "{}", r.html);
    assert!(r.html.contains("<li id=\"a&quot;b--i1\">"), "{}", r.html);
    assert!(!r.html.contains("a\"b"), "{}", r.html);
}

#[test]
fn heading_classes_are_kept_and_checked() {
    let r = render(
        "## Staff {#staff .note .wide}\n\n## Other {.tip}\n",
        1,
        &RenderOptions::default(),
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(
        r.html
            .contains("<h2 id=\"staff\" class=\"note wide\">Staff</h2>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<h2 id=\"other\" class=\"tip\">"),
        "{}",
        r.html
    );

    let r = render(
        "## A {.x\"y}\n\n## B {onclick=alert(1) .c}\n",
        1,
        &RenderOptions::default(),
    );
    let lines: Vec<(usize, &str)> = r
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].0, 1);
    assert!(lines[0].1.contains("not a valid class name"), "{lines:?}");
    assert_eq!(lines[1].0, 3);
    assert!(
        lines[1].1.contains("attribute `onclick` is not allowed"),
        "{lines:?}"
    );
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert!(!r.html.contains("x\"y"), "{}", r.html);
}

#[test]
fn de_duplication_steps_around_every_taken_id() {
    let ids = |md: &str| -> Vec<String> {
        render(md, 1, &RenderOptions::default())
            .toc
            .into_iter()
            .map(|t| t.id)
            .collect()
    };
    // Two `x`, then a heading literally named `x-1`, then `x` again.
    assert_eq!(
        ids("## x\n## x\n## x 1\n## x\n"),
        ["x", "x-1", "x-1-1", "x-2"]
    );
    // `x-1` written first: the second `x` skips it.
    assert_eq!(ids("## x 1\n## x\n## x\n"), ["x-1", "x", "x-2"]);
    // An explicit id later on the page is claimed before any slug.
    assert_eq!(
        ids("## x\n## x\n## x\n## Other {#x-2}\n"),
        ["x", "x-1", "x-3", "x-2"]
    );
    // A paragraph anchor is stepped around too.
    let r = render("Note. {#x}\n\n## x\n", 1, &RenderOptions::default());
    assert_eq!(r.toc[0].id, "x-1");
    assert!(r.problems.is_empty());
    // Many identical headings: every id distinct, in order.
    let md = "## Same\n\n".repeat(500);
    let got = ids(&md);
    assert_eq!(got.len(), 500);
    assert_eq!(got[0], "same");
    assert_eq!(got[499], "same-499");
    let distinct: HashSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), 500);
}

#[test]
fn paragraph_and_item_anchors() {
    let r = html("Some text. {#intro}\n\n- One item {#one}\n- Two\n");
    assert!(r.contains("<p id=\"intro\">Some text.</p>"), "{r}");
    assert!(r.contains("<li id=\"one\">One item</li>"), "{r}");
    assert!(r.contains("<li>Two</li>"), "{r}");
    assert!(!r.contains("{#"), "{r}");
}

#[test]
fn duplicate_anchor_is_a_problem_with_its_line() {
    let r = render("A {#x}\n\nB {#x}\n", 10, &RenderOptions::default());
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].line, 12);
}

#[test]
fn internal_links_are_rewritten_and_recorded() {
    let r = render(
        "See [roles](roles.md#pupils), [home](../_index.md), [x](#top)\nand [web](https://example.org).\n",
        5,
        &RenderOptions::default(),
    );
    assert!(r.html.contains("href=\"roles.html#pupils\""), "{}", r.html);
    assert!(r.html.contains("href=\"../index.html\""), "{}", r.html);
    assert!(
        r.html.contains("href=\"https://example.org\""),
        "{}",
        r.html
    );
    let targets: Vec<_> = r
        .links
        .iter()
        .map(|l| (l.target.as_str(), l.line))
        .collect();
    assert_eq!(
        targets,
        [("roles.md#pupils", 5), ("../_index.md", 5), ("#top", 5)]
    );
}

#[test]
fn links_can_be_prefixed_for_another_folder() {
    let options = RenderOptions {
        link_prefix: "../",
        page_url: Some("scope.html"),
        id_prefix: "",
        ..RenderOptions::default()
    };
    let r = render("[a](roles.md) [b](#here)", 1, &options);
    assert!(r.html.contains("href=\"../roles.html\""), "{}", r.html);
    assert!(r.html.contains("href=\"../scope.html#here\""), "{}", r.html);
}

#[test]
fn ids_can_be_prefixed_for_a_shared_document() {
    let options = RenderOptions {
        id_prefix: "scope--",
        ..RenderOptions::default()
    };
    let r = render("## Tone\n\nSee [x](#tone). {#p1}\n", 1, &options);
    assert!(r.html.contains("<h2 id=\"scope--tone\">"), "{}", r.html);
    assert!(r.html.contains("<p id=\"scope--p1\">"), "{}", r.html);
    assert!(r.html.contains("href=\"#scope--tone\""), "{}", r.html);
    assert_eq!(r.anchors, ["p1", "tone"]);
}

#[test]
fn code_is_highlighted_only_with_a_known_language() {
    let r = render("```rust\nfn main() {}\n```\n", 1, &RenderOptions::default());
    assert!(r.highlighted);
    assert!(r.html.contains("hl-"), "{}", r.html);
    let r = render("```\n<b>\n```\n", 1, &RenderOptions::default());
    assert!(!r.highlighted);
    assert!(r.html.contains("&lt;b&gt;"), "{}", r.html);
}

#[test]
fn text_parts_follow_headings() {
    let r = render(
        "Intro words.\n\n## Tone\n\nBe *kind*.\n",
        1,
        &RenderOptions::default(),
    );
    assert_eq!(r.parts.len(), 2);
    assert_eq!(r.parts[0].text, "Intro words.");
    assert_eq!(r.parts[1].heading, "Tone");
    assert_eq!(r.parts[1].anchor, "tone");
    assert_eq!(r.parts[1].text, "Be kind.");
    assert_eq!(r.word_count, 5);
}

#[test]
fn tables_footnotes_strikethrough() {
    let r = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: note\n");
    assert!(r.contains("<table>"));
    assert!(r.contains("<del>old</del>"));
    assert!(r.contains("footnote"));
}

/// Every `id` and every `href="#…"` in `html`.
fn ids_and_fragments(html: &str) -> (Vec<String>, Vec<String>) {
    let values = |attr: &str| -> Vec<String> {
        html.split(attr)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect()
    };
    (values(" id=\""), values(" href=\"#"))
}

#[test]
fn footnote_ids_never_meet_heading_ids_and_every_link_resolves() {
    let md = "Text[^notes] and[^b] and again[^NOTES].\n\n## Notes\n\n## fn 1\n\n\
              [^b]: Bee.\n\n[^notes]: One.\n\n    Two.\n";
    for prefix in ["", "scope--"] {
        let options = RenderOptions {
            id_prefix: prefix,
            ..RenderOptions::default()
        };
        let r = render(md, 1, &options);
        assert!(r.problems.is_empty() && r.warnings.is_empty(), "{r:?}");
        let (ids, fragments) = ids_and_fragments(&r.html);
        let distinct: HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "unique ids: {ids:?}");
        for want in [
            "notes",
            "fn-1",
            "fn:1",
            "fn:2",
            "fnref:1",
            "fnref:1:2",
            "fnref:2",
        ] {
            assert!(ids.contains(&format!("{prefix}{want}")), "{want}: {ids:?}");
        }
        assert_eq!(fragments.len(), 6, "three references, three ways back");
        for fragment in &fragments {
            assert!(ids.contains(fragment), "#{fragment} resolves: {}", r.html);
        }
        // The anchors a page offers to links and quizzes are its own.
        assert_eq!(r.anchors, ["fn-1", "notes"]);
    }
}

#[test]
fn notes_are_numbered_by_first_reference_and_link_back() {
    let r = html("A[^z] B[^a] C[^Z].\n\n[^a]: Ay.\n\n[^z]: Zed.\n");
    // `[^z]` is referred to first, so it is note 1, listed first.
    let first = r.find("<li id=\"fn:1\">").unwrap();
    let second = r.find("<li id=\"fn:2\">").unwrap();
    assert!(first < second && r[first..second].contains("Zed."), "{r}");
    assert!(r.contains("<a href=\"#fn:1\" id=\"fnref:1\""), "{r}");
    assert!(r.contains("<a href=\"#fn:2\" id=\"fnref:2\""), "{r}");
    assert!(r.contains("<a href=\"#fn:1\" id=\"fnref:1:2\""), "{r}");
    // Note 1 has two ways back, each labelled.
    assert!(
        r.contains(
            "<p>Zed. <a href=\"#fnref:1\" class=\"footnote-back\" \
             aria-label=\"Back to reference 1\">↩</a> <a href=\"#fnref:1:2\" \
             class=\"footnote-back\" aria-label=\"Back to reference 1 (2)\">↩</a></p>"
        ),
        "{r}"
    );
    // The notes come last, in a labelled list, after the text.
    assert!(r.find("<section class=\"footnotes\"").unwrap() > r.find("C<sup").unwrap());
    assert!(r.contains("aria-labelledby=\"fn:title\""), "{r}");
    assert!(r.contains("<p class=\"footnotes-title\" id=\"fn:title\">Notes</p>"));
    assert!(!r.contains("footnote-definition"), "{r}");
}

#[test]
fn a_note_ending_in_a_block_gets_its_own_line_back() {
    let r = html("See[^c].\n\n[^c]: Run:\n\n    ```\n    x\n    ```\n");
    assert!(
        r.contains(
            "</code></pre>\n<p><a href=\"#fnref:1\" class=\"footnote-back\" \
             aria-label=\"Back to reference 1\">↩</a></p>\n</li>"
        ),
        "{r}"
    );
}

#[test]
fn a_repeated_or_unused_note_is_reported_on_its_line() {
    let r = render(
        "A[^a].\n\n[^a]: One.\n\n[^a]: Again.\n\n[^spare]: Left over.\n",
        10,
        &RenderOptions::default(),
    );
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].line, 14);
    assert!(r.problems[0].message.contains("`[^a]` is defined twice"));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, 16);
    assert!(
        r.warnings[0].message.contains("`[^spare]`"),
        "{:?}",
        r.warnings
    );
    // Nothing is dropped: the unused note is listed, with no way back.
    assert!(
        r.html
            .contains("<li id=\"fn:2\">\n<p>Left over.</p>\n</li>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("Again."), "{}", r.html);
}

#[test]
fn an_escaped_marker_is_text() {
    let r = render(
        "foo \\{#bar}\n\n- item \\{#x}\n- item {\\#y}\n\nend \\\\{#z}\n",
        1,
        &RenderOptions::default(),
    );
    assert!(r.html.contains("<p>foo {#bar}</p>"), "{}", r.html);
    assert!(r.html.contains("<li>item {#x}</li>"), "{}", r.html);
    assert!(r.html.contains("<li>item {#y}</li>"), "{}", r.html);
    // An escaped backslash, then a real marker.
    assert!(r.html.contains("<p id=\"z\">end \\</p>"), "{}", r.html);
    assert_eq!(r.anchors, ["z"]);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn an_unknown_code_language_is_a_warning_on_its_line() {
    let r = render(
        "Intro.\n\n```powershell\nGet-Item\n```\n\n```text\nplain\n```\n",
        5,
        &RenderOptions::default(),
    );
    assert!(r.problems.is_empty());
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, 7);
    assert!(r.warnings[0].message.contains("`powershell`"));
    assert!(r.warnings[0].help.contains("yaml"), "{:?}", r.warnings);
    assert!(!r.highlighted);
    assert!(r.html.contains("Get-Item"));
}

#[test]
fn a_tables_cells_are_separate_words_in_the_search_text() {
    let r = render(
        "| Head one | Head two |\n| --- | --- |\n| cell one | cell two |\n",
        1,
        &RenderOptions::default(),
    );
    let words: Vec<&str> = r.parts[0].text.split_whitespace().collect();
    assert_eq!(
        words,
        ["Head", "one", "Head", "two", "cell", "one", "cell", "two"]
    );
    assert!(r.html.contains("<td>cell one</td>"), "{}", r.html);
}

/// A page with everything that differs between its own page and another:
/// ids, `#anchor` and `.md` links, raw HTML, footnotes and two code blocks.
const EVERYTHING: &str = "Intro [scope](#scope) and [roles](roles.md#staff).[^n]\n\n\
## Scope\n\nText. {#p1}\n\n<a href=\"other.md\">raw</a>\n\n\
```rust\nfn main() {}\n```\n\n```pyhton\nx = 1\n```\n\n```python\ny = 2\n```\n\n\
![logo](img/logo.png)\n\n[^n]: A note.\n";

/// `a` and `b` found the same ids, links, problems, warnings and words, and
/// both highlighted code or neither did.
fn assert_same_findings(a: &Rendered, b: &Rendered) {
    assert_eq!(a.anchors, b.anchors);
    assert_eq!(a.links, b.links);
    assert_eq!(a.problems, b.problems);
    assert_eq!(a.warnings, b.warnings);
    assert_eq!(a.word_count, b.word_count);
    assert_eq!(a.highlighted, b.highlighted);
}

#[test]
fn rendering_twice_is_rendering_each_way() {
    let own = RenderOptions::default();
    let elsewhere = RenderOptions {
        link_prefix: "../",
        page_url: None,
        id_prefix: "part--",
        labels: Labels::default(),
    };
    let (rendered, shown) = render_twice(EVERYTHING, 4, &own, &elsewhere);
    let alone = render(EVERYTHING, 4, &own);
    assert_eq!(rendered.html, alone.html);
    assert_eq!(rendered.parts, alone.parts);
    assert_eq!(rendered.toc, alone.toc);
    assert_same_findings(&rendered, &alone);
    assert!(rendered.highlighted);
    // The second rendering has its own ids and links, and the code of the
    // first (coloured once, in order).
    assert_eq!(shown, render(EVERYTHING, 4, &elsewhere).html);
    assert!(shown.contains("id=\"part--scope\""), "{shown}");
    assert!(shown.contains("src=\"../img/logo.png\""), "{shown}");
    assert_eq!(shown.matches("hl-code").count(), 2, "{shown}");
    assert!(shown.find("data-lang=\"rust\"") < shown.find("data-lang=\"python\""));
}

#[test]
fn rendering_for_the_checks_writes_no_html_and_misses_nothing() {
    let options = RenderOptions::default();
    let checked = render_for_checks(EVERYTHING, 4, &options);
    let whole = render(EVERYTHING, 4, &options);
    assert!(checked.html.is_empty());
    assert_same_findings(&checked, &whole);
    assert_eq!(checked.warnings.len(), 1, "{:?}", checked.warnings);
    // Plain text only: not highlighted either way.
    let plain = "```text\nx\n```\n";
    assert!(!render_for_checks(plain, 1, &options).highlighted);
    assert!(!render(plain, 1, &options).highlighted);
}
