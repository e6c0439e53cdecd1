//! Tests of `links`.
use super::*;

#[test]
fn only_addresses_with_a_scheme_are_other_sites() {
    for external in [
        "https://example.org",
        "mailto:dsl@example.org",
        "//cdn.example.org/x",
        "tel:+44",
    ] {
        assert!(is_external(external), "{external}");
    }
    for internal in [
        "roles.md",
        "../a.md#x",
        "#top",
        "img/a.png",
        "a.md?x=1:2",
        "#a:b",
        "/policy.pdf",
    ] {
        assert!(!is_external(internal), "{internal}");
    }
    assert!(!loads_from_elsewhere("data:image/png;base64,AA"));
    assert!(loads_from_elsewhere(" HTTPS://x/y.png"));
}

#[test]
fn relative_links_are_rewritten_for_where_they_are_shown() {
    let plain = RenderOptions::default();
    assert_eq!(rewrite("roles.md#staff", &plain), "roles.html#staff");
    assert_eq!(rewrite("dir/_index.md", &plain), "dir/index.html");
    assert_eq!(rewrite("img/a.png?v=1", &plain), "img/a.png?v=1");
    assert_eq!(rewrite("./x.md", &plain), "x.html");
    assert_eq!(rewrite("#top", &plain), "#top");
    let elsewhere = RenderOptions {
        link_prefix: "../",
        page_url: Some("scope.html"),
        id_prefix: "scope--",
        ..RenderOptions::default()
    };
    assert_eq!(rewrite("roles.md", &elsewhere), "../roles.html");
    assert_eq!(rewrite("#top", &elsewhere), "../scope.html#top");
    let shared = RenderOptions {
        id_prefix: "scope--",
        ..RenderOptions::default()
    };
    assert_eq!(rewrite("#top", &shared), "#scope--top");
}

#[test]
fn links_from_a_sub_folder_reach_the_same_files_from_a_module_page() {
    // `content/devices/staff.md` shown on `course/devices.html`.
    let module = RenderOptions {
        link_prefix: "../devices/",
        page_url: Some("devices/staff.html"),
        id_prefix: "devices--staff--",
        ..RenderOptions::default()
    };
    assert_eq!(rewrite("pupils.md#x", &module), "../devices/pupils.html#x");
    assert_eq!(rewrite("../purpose.md", &module), "../purpose.html");
    assert_eq!(rewrite("_index.md", &module), "../devices/index.html");
    assert_eq!(rewrite("../_index.md", &module), "../index.html");
    assert_eq!(rewrite("img/lock.png", &module), "../devices/img/lock.png");
    assert_eq!(rewrite("#x", &module), "../devices/staff.html#x");
    assert_eq!(rewrite("%2e%2e/purpose.md", &module), "../purpose.html");
    assert_eq!(rewrite("/abs.md", &module), "/abs.md");
}

fn raw(text: &str, options: &RenderOptions<'_>) -> (String, Rendered) {
    let mut out = Rendered::default();
    let html = raw_html(text, 1, options, &mut out);
    (html, out)
}

#[test]
fn raw_html_that_loads_from_another_site_is_a_problem() {
    let cases = [
        "<img src=\"https://cdn.example.org/a.png\" alt=\"\">",
        "<iframe src=\"https://video.example.org/embed/1\"></iframe>",
        "<script src=\"//cdn.example.org/x.js\"></script>",
        "<link rel=\"stylesheet\" href=\"https://fonts.example.org/css\">",
        "<video poster=\"https://x.example.org/p.jpg\"></video>",
        "<audio><source src=\"https://x.example.org/a.mp3\"></audio>",
        "<img srcset=\"a.png 1x, https://x.example.org/b.png 2x\" src=\"a.png\">",
        "<p style=\"background: url('https://x.example.org/bg.png')\">x</p>",
        "<style>\n@import \"https://x.example.org/a.css\";\n</style>",
    ];
    for case in cases {
        let (_, out) = raw(case, &RenderOptions::default());
        assert_eq!(out.problems.len(), 1, "{case}: {:?}", out.problems);
        assert!(
            out.problems[0]
                .message
                .contains("would load from another site"),
            "{case}: {:?}",
            out.problems
        );
    }
    let (_, out) = raw(
        "<style>\n@import \"https://x.example.org/a.css\";\n</style>",
        &RenderOptions::default(),
    );
    assert_eq!(out.problems[0].line, 2);
    // A plain link to another site, and an image inside the page, are fine.
    for fine in [
        "<a href=\"https://example.org/\">a site</a>",
        "<img src=\"data:image/png;base64,AAAA\" alt=\"\">",
        "<!-- <img src=\"https://x.example.org/a.png\"> -->",
    ] {
        let (_, out) = raw(fine, &RenderOptions::default());
        assert!(out.problems.is_empty(), "{fine}: {:?}", out.problems);
    }
}

#[test]
fn raw_html_addresses_are_rewritten_and_recorded() {
    let module = RenderOptions {
        link_prefix: "../devices/",
        page_url: Some("devices/staff.html"),
        id_prefix: "devices--staff--",
        ..RenderOptions::default()
    };
    let (html, out) = raw(
        "<a href=pupils.md#x>p</a>\n<img src='img/a&amp;b.png' srcset=\"img/a.png 1x, img/b.png 2x\" alt=\"\">",
        &module,
    );
    assert_eq!(
        html,
        "<a href=\"../devices/pupils.html#x\">p</a>\n<img src=\"../devices/img/a&amp;b.png\" \
             srcset=\"../devices/img/a.png 1x, ../devices/img/b.png 2x\" alt=\"\">"
    );
    let targets: Vec<(&str, usize)> = out
        .links
        .iter()
        .map(|l| (l.target.as_str(), l.line))
        .collect();
    assert_eq!(
        targets,
        [
            ("pupils.md#x", 1),
            ("img/a&b.png", 2),
            ("img/a.png", 2),
            ("img/b.png", 2)
        ]
    );
    let (html, _) = raw("<div style=\"background:url(img/bg.png)\">x</div>", &module);
    assert_eq!(
        html,
        "<div style=\"background:url(../devices/img/bg.png)\">x</div>"
    );
    let (html, out) = raw("<b>unchanged</b>", &module);
    assert_eq!(html, "<b>unchanged</b>");
    assert!(out.links.is_empty());
}
