//! Tests of `content`.
use super::*;

#[test]
fn splits_front_matter_and_body() {
    let page = parse_page(
        "scope.md",
        "---\ntitle: Scope\nweight: 20\naudience: [staff]\nmodule: scope\n---\nBody text\n",
    )
    .unwrap();
    assert_eq!(page.front.title, "Scope");
    assert_eq!(page.front.weight, 20);
    assert_eq!(page.front.audience, vec![Audience::Staff]);
    let one = parse_page("a.md", "---\ntitle: A\naudience: parents\n---\n").unwrap();
    assert_eq!(one.front.audience, vec![Audience::Parents]);
    assert_eq!(page.body.text(), "Body text\n");
    assert_eq!(page.body_line, 7);
    assert_eq!(page.url(), "scope.html");
}

#[test]
fn errors_give_the_line_in_the_file() {
    let errs = parse_page("a.md", "---\ntitle: A\nwieght: 3\n---\n").unwrap_err();
    let text = errs[0].to_string();
    assert!(text.starts_with("error: content/a.md:3:"), "{text}");
    assert!(text.contains("unknown field `wieght`"), "{text}");

    let errs = parse_page("a.md", "---\ntitle: A\naudience: [teachers]\n---\n").unwrap_err();
    assert!(
        errs[0].to_string().contains("content/a.md:3:"),
        "{}",
        errs[0]
    );

    let errs = parse_page("a.md", "---\nweight: 1\n---\n").unwrap_err();
    assert!(
        errs[0].to_string().contains("missing field `title`"),
        "{}",
        errs[0]
    );
}

#[test]
fn front_matter_lines_are_lines_of_the_file() {
    let page = parse_page("a.md", "---\ntitle: A\nweight: 2\ntool: t.yaml\n---\n").unwrap();
    assert_eq!(page.key_line("tool"), Some(4));
    assert_eq!(page.key_line("module"), None);
    // A value with `: ` in it is not YAML until it is quoted.
    let errs = parse_page("a.md", "---\ntitle: Staff: duties\n---\n").unwrap_err();
    assert_eq!(errs[0].line, Some(2));
    assert_eq!(
        errs[0].message,
        "is not valid YAML: mapping values are not allowed in this context (column 13)"
    );
    assert!(errs[0].help.as_deref().unwrap().contains("double quotes"));
    let errs = parse_page("a.md", "---\ntitle: A\nmodule: Bad Id\n---\n").unwrap_err();
    assert_eq!(errs[0].line, Some(3));
}

#[test]
fn missing_or_unclosed_front_matter() {
    let errs = parse_page("a.md", "# Hello\n").unwrap_err();
    assert!(errs[0].to_string().contains("couldn't find front matter"));
    let errs = parse_page("a.md", "---\ntitle: A\n").unwrap_err();
    assert!(errs[0].to_string().contains("never closed"));
    let errs = parse_page("a.md", "").unwrap_err();
    assert!(errs[0].to_string().contains("content/a.md:1"));
}

#[test]
fn crlf_and_bom_are_accepted() {
    let page = parse_page("a.md", "\u{feff}---\r\ntitle: A\r\n---\r\nx\r\n").unwrap();
    assert_eq!(page.body.text(), "x\n");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_or_into_its_private_folder_are_refused() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join(".handbook")).unwrap();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(tmp.path().join("outside.md"), "---\ntitle: Out\n---\n").unwrap();
    std::fs::write(root.join(".handbook/roster.csv"), "id,name\n").unwrap();
    std::fs::write(root.join("shared/in.md"), "---\ntitle: In\n---\nshared\n").unwrap();
    let content = root.join("content");
    symlink(tmp.path().join("outside.md"), content.join("out.md")).unwrap();
    symlink(root.join(".handbook/roster.csv"), content.join("roster.md")).unwrap();
    symlink(root.join("shared/in.md"), content.join("in.md")).unwrap();
    symlink(root.join("nothing"), content.join("dangling.md")).unwrap();
    std::fs::write(content.join("plain.md"), "x").unwrap();

    let problem = |name: &str| link_problem(&root, &content.join(name));
    assert!(
        problem("out.md")
            .unwrap()
            .contains("to a file outside the site")
    );
    assert!(
        problem("roster.md")
            .unwrap()
            .contains("private .handbook/ folder")
    );
    assert!(problem("dangling.md").unwrap().contains("does not exist"));
    assert_eq!(problem("in.md"), None);
    assert_eq!(problem("plain.md"), None);

    // Reading one page (as serve does) checks it too.
    let errs = read_page("roster.md", &content.join("roster.md")).unwrap_err();
    assert_eq!(errs[0].file, Path::new("content/roster.md"));
    assert!(errs[0].message.contains("private"), "{}", errs[0]);
    let page = read_page("in.md", &content.join("in.md")).unwrap();
    assert_eq!(page.body.text(), "shared\n");
}

#[test]
fn urls_follow_the_source_tree() {
    assert_eq!(source_to_url("_index.md"), "index.html");
    assert_eq!(source_to_url("parents/_index.md"), "parents/index.html");
    assert_eq!(source_to_url("parents/a.md"), "parents/a.html");
}

#[test]
fn sections_are_assembled_and_sorted() {
    let page = |source: &str, title: &str, weight: i64| Page {
        source: source.into(),
        front: FrontMatter {
            title: title.into(),
            weight,
            audience: vec![],
            module: None,
            summary: None,
            print: false,
            tool: None,
        },
        body: Body::default(),
        body_line: 3,
        front_text: String::new(),
    };
    let root = assemble(vec![
        page("b.md", "B", 20),
        page("a.md", "A", 30),
        page("_index.md", "Home", 0),
        page("parents/x.md", "X", 0),
    ]);
    assert_eq!(root.index.as_ref().unwrap().front.title, "Home");
    let titles: Vec<_> = root.pages.iter().map(|p| p.front.title.as_str()).collect();
    assert_eq!(titles, ["B", "A"]);
    assert_eq!(root.sections[0].dir, "parents");
    assert_eq!(root.sections[0].title(), "parents");
    assert_eq!(root.sections[0].pages[0].front.title, "X");
}

#[test]
fn pages_and_sections_sort_together_by_weight() {
    let page = |source: &str, title: &str, weight: i64| {
        let mut page = parse_page(
            source,
            &format!("---\ntitle: {title}\nweight: {weight}\n---\n"),
        )
        .unwrap();
        page.source = source.to_string();
        page
    };
    let root = assemble(vec![
        page("a.md", "Thirty", 30),
        page("b.md", "Ten", 10),
        page("devices/_index.md", "Devices", 20),
        page("devices/x.md", "X", 0),
        page("zeta/_index.md", "Same weight", 10),
    ]);
    let order: Vec<String> = root
        .children()
        .into_iter()
        .map(|child| match child {
            Child::Page(p) => p.source.clone(),
            Child::Section(s) => format!("{}/", s.dir),
        })
        .collect();
    // Equal weights go by title: "Same weight" before "Ten".
    assert_eq!(order, ["zeta/", "b.md", "devices/", "a.md"]);
    assert!(root.printed());
}

#[test]
fn print_false_leaves_a_section_out() {
    let index = parse_page("parents/_index.md", "---\ntitle: P\nprint: false\n---\n").unwrap();
    let section = Section {
        dir: "parents".into(),
        index: Some(index),
        ..Section::default()
    };
    assert!(!section.printed());
}
