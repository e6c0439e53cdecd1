//! Links, images and anchors of a built site, resolved as a browser would:
//! every relative `href`, `src` and `srcset` of every page, the search
//! index's addresses and the quiz's links back to the policy reach a file
//! of the output (and the `#fragment` an id of it), from a sub-path, from
//! the root of a host and from disk, with and without `base_url` — for
//! the fixture of a second school's policy (`tests/fixtures/second-policy`:
//! three levels of folders, a table, footnotes, code, images in
//! sub-folders) and for the real site. Also: the printable page holds
//! every sentence of every page in reading order, reading order
//! interleaves pages and sections by weight, the course follows the pages,
//! and the 404 page finds its style at any depth.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use html5gum::{Token, Tokenizer};
use url::Url;

use crate::support::{handbook, project_root, text};

/// The fixture of a second school's policy.
fn second_policy() -> PathBuf {
    project_root().join("tests/fixtures/second-policy")
}

/// A copy of the site at `root` (site.yaml, content, quizzes, versions),
/// with `base_url` set in its site.yaml when given, built into the
/// returned folder's `output/`.
fn build(root: &Path, base_url: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
        let rel = entry.path().strip_prefix(root).unwrap();
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let keep = matches!(
            first.as_deref(),
            Some(
                "site.yaml"
                    | "versions.yaml"
                    | "content"
                    | "quizzes"
                    | "versions"
                    | "templates"
                    | "static"
            )
        );
        if !keep {
            continue;
        }
        let dest = site.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    if let Some(base) = base_url {
        let config = site.join("site.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}base_url: {base}\n")).unwrap();
    }
    let out = dir.path().join("output");
    let output = handbook(&[
        "build",
        "--root",
        &site.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    dir
}

/// An address found in a page: the element and attribute it is in, and
/// the address.
struct Reference {
    tag: String,
    attr: String,
    url: String,
}

/// What the crawl reads from one page.
#[derive(Default)]
struct Page {
    /// Every `id` (and `<a name>`) on the page.
    ids: HashSet<String>,
    references: Vec<Reference>,
    /// The text of `<script type="application/json" id=…>` elements, by id.
    data: HashMap<String, String>,
    /// The `data-root` of the quiz form, if any.
    quiz_root: Option<String>,
    /// The text of the page, tags left out (entities decoded).
    text: String,
}

/// Reads a page as a browser's parser would.
fn read_page(html: &str) -> Page {
    let mut page = Page::default();
    let mut data: Option<String> = None;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                let attr = |key: &str| {
                    tag.attributes
                        .get(key.as_bytes())
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                };
                if let Some(id) = attr("id") {
                    page.ids.insert(id.clone());
                    if name == "script" && attr("type").as_deref() == Some("application/json") {
                        data = Some(id);
                    }
                }
                if name == "a"
                    && let Some(anchor) = attr("name")
                {
                    page.ids.insert(anchor);
                }
                if name == "form" && attr("id").as_deref() == Some("quiz") {
                    page.quiz_root = attr("data-root");
                }
                for key in ["href", "src", "poster", "data", "action"] {
                    if let Some(url) = attr(key) {
                        page.references.push(Reference {
                            tag: name.clone(),
                            attr: key.to_string(),
                            url,
                        });
                    }
                }
                if let Some(set) = attr("srcset") {
                    for candidate in set.split(',') {
                        let url = candidate.split_whitespace().next().unwrap_or("");
                        page.references.push(Reference {
                            tag: name.clone(),
                            attr: "srcset".to_string(),
                            url: url.to_string(),
                        });
                    }
                }
            }
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s).into_owned();
                match &data {
                    Some(id) => {
                        page.data.entry(id.clone()).or_default().push_str(&s);
                    }
                    None => page.text.push_str(&s),
                }
            }
            Token::EndTag(_) => {
                data = None;
                page.text.push(' ');
            }
            _ => {}
        }
    }
    page
}

/// Every HTML page of the output, read, by its path from the output's root.
fn read_site(out: &Path) -> BTreeMap<String, Page> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, read_page(&std::fs::read_to_string(e.path()).unwrap()))
        })
        .collect()
}

/// True for an element whose address the browser fetches to show the page
/// (not a link the reader follows).
fn is_fetched(r: &Reference) -> bool {
    !(matches!(r.tag.as_str(), "a" | "area" | "form") || r.tag == "link" && r.url.is_empty())
}

/// Where an address written on the page at `from` (a path under the
/// site) leads when the site is at `base`: the file under the output's
/// root and the fragment, or why it leads nowhere.
fn resolve(base: &Url, from: &str, address: &str) -> Result<Option<(String, String)>, String> {
    let page = base.join(from).unwrap();
    let target = page
        .join(address)
        .map_err(|err| format!("is not an address ({err})"))?;
    if target.scheme() != base.scheme() {
        // mailto:, tel:, data:, https: …
        return Ok(None);
    }
    if target.host_str() != base.host_str() || target.port() != base.port() {
        return Err(format!("leads to another host ({target})"));
    }
    let Some(rest) = target.path().strip_prefix(base.path()) else {
        return Err(format!("leads out of the site ({target})"));
    };
    let file = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| "is not UTF-8".to_string())?
        .into_owned();
    let fragment = percent_encoding::percent_decode_str(target.fragment().unwrap_or(""))
        .decode_utf8_lossy()
        .into_owned();
    Ok(Some((file, fragment)))
}

/// Every reference of the built site at `out`, read from `base`, that does
/// not reach a file and (with a fragment) an id of it.
fn broken(out: &Path, pages: &BTreeMap<String, Page>, base: &Url) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |from: &str, what: &str, address: &str, fetched: bool| {
        if fetched
            && (address.starts_with("http:")
                || address.starts_with("https:")
                || address.starts_with("//"))
        {
            problems.push(format!(
                "{from}: {what} `{address}` loads from another site"
            ));
            return;
        }
        match resolve(base, from, address) {
            Err(why) => problems.push(format!("{from}: {what} `{address}` {why}")),
            Ok(None) => {}
            Ok(Some((file, fragment))) => {
                if file.is_empty() || file.ends_with('/') || !out.join(&file).is_file() {
                    problems.push(format!(
                        "{from}: {what} `{address}` does not reach a file (`{file}`)"
                    ));
                } else if !fragment.is_empty()
                    && file.ends_with(".html")
                    && !pages[&file].ids.contains(&fragment)
                {
                    problems.push(format!(
                        "{from}: {what} `{address}` has no id `{fragment}` in {file}"
                    ));
                }
            }
        }
    };
    for (from, page) in pages {
        for r in &page.references {
            if r.url.is_empty() {
                continue;
            }
            check(
                from,
                &format!("<{} {}>", r.tag, r.attr),
                &r.url,
                is_fetched(r),
            );
        }
        // The quiz links each answer back to its paragraph from data-root.
        if let (Some(quiz), Some(root)) = (page.data.get("quiz-data"), &page.quiz_root) {
            let data: serde_json::Value = serde_json::from_str(quiz).unwrap();
            for q in data["questions"].as_array().unwrap() {
                let url = format!("{root}{}", q["policy_url"].as_str().unwrap());
                check(from, "the quiz's policy link", &url, false);
            }
        }
    }
    // The search page links each result from the site root.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = index
        .trim()
        .trim_start_matches("window.HANDBOOK_SEARCH = ")
        .trim_end_matches(';');
    let entries: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        let (u, a) = (e["u"].as_str().unwrap(), e["a"].as_str().unwrap());
        let url = if a.is_empty() {
            u.to_string()
        } else {
            format!("{u}#{a}")
        };
        check("search.html", "the search result", &url, false);
    }
    problems
}

/// The three places a site is read from: a sub-path of a host, the root
/// of a host, and the output folder on disk.
fn bases(out: &Path) -> [Url; 3] {
    [
        Url::parse("http://school.example.org/trust/policies/devices/").unwrap(),
        Url::parse("http://localhost:8080/").unwrap(),
        Url::from_directory_path(out).unwrap(),
    ]
}

/// Crawls the site at `root` built without and with `base_url`: no broken
/// reference from any place, and the crawl saw the pages it should.
fn crawl(root: &Path, must_see: &[&str]) {
    for base_url in [None, Some("https://school.example.org/policies/")] {
        let built = build(root, base_url);
        let out = built.path().join("output");
        let pages = read_site(&out);
        for page in must_see {
            assert!(pages.contains_key(*page), "{page} was built");
        }
        let references: usize = pages.values().map(|p| p.references.len()).sum();
        assert!(
            references > 50 * pages.len().min(3),
            "the crawl read the pages' links"
        );
        for base in bases(&out) {
            let problems = broken(&out, &pages, &base);
            assert!(
                problems.is_empty(),
                "with base_url {base_url:?}, from {base}: {} broken:\n  {}",
                problems.len(),
                problems.join("\n  ")
            );
        }
        if let Some(base_url) = base_url {
            for (page, html) in &pages {
                assert!(
                    !html.references.iter().any(|r| r.url.starts_with(base_url)),
                    "{page} links to base_url: every page's links stay relative"
                );
            }
        }
    }
}

#[test]
fn every_link_of_the_second_policy_resolves_from_a_sub_path_the_root_and_disk() {
    crawl(
        &second_policy(),
        &[
            "course/index.html",
            "course/acceptable-use/devices.html",
            "course/acceptable-use/declaration.html",
            "acceptable-use/index.html",
            "acceptable-use/devices/laptops/repairs/reporting.html",
            "acceptable-use/print.html",
            "acceptable-use/versions.html",
            "families/at-home.html",
            "search.html",
            "404.html",
        ],
    );
}

#[test]
fn every_link_of_the_trust_resolves_from_a_sub_path_the_root_and_disk() {
    crawl(
        &project_root().join("tests/fixtures/trust"),
        &[
            "index.html",
            "course/index.html",
            "course/behaviour/rewards.html",
            "course/behaviour/declaration.html",
            "course/safeguarding/reporting.html",
            "accessibility/index.html",
            "accessibility/print.html",
            "behaviour/print.html",
            "safeguarding/staff/conduct.html",
            "safeguarding/versions.html",
            "parents/behaviour-at-home.html",
        ],
    );
}

#[test]
fn every_link_of_the_real_site_resolves_from_a_sub_path_the_root_and_disk() {
    crawl(
        &project_root(),
        &[
            "index.html",
            "social-media/index.html",
            "course/index.html",
            "course/social-media/scope.html",
            "course/social-media/declaration.html",
            "tools/who-do-i-tell.html",
            "social-media/print.html",
            "social-media/versions.html",
        ],
    );
}

#[test]
fn the_crawl_finds_what_is_broken() {
    // The crawler itself: each kind of broken reference is found.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    std::fs::create_dir_all(out.join("a")).unwrap();
    std::fs::write(
        out.join("search-index.js"),
        "window.HANDBOOK_SEARCH = [{\"u\":\"a/x.html\",\"a\":\"gone\"}];",
    )
    .unwrap();
    let html = "<a href=\"a/x.html#top\">ok</a><a href=\"a/\">folder</a><img src=\"no.png\">\
                <a href=\"a/x.html#nope\">anchor</a><a href=\"../../up.html\">out</a>\
                <script src=\"https://cdn.example.org/x.js\"></script><a href=\"https://example.org/\">fine</a>";
    std::fs::write(out.join("index.html"), html).unwrap();
    std::fs::write(out.join("a/x.html"), "<h1 id=\"top\">x</h1>").unwrap();
    let pages = read_site(out);
    let problems = broken(out, &pages, &bases(out)[0]);
    let kinds = [
        "`a/`",
        "`no.png`",
        "no id `nope`",
        "`../../up.html` leads out",
        "loads from another site",
        "no id `gone`",
    ];
    assert_eq!(problems.len(), kinds.len(), "{problems:#?}");
    for kind in kinds {
        assert!(
            problems.iter().any(|p| p.contains(kind)),
            "{kind}: {problems:#?}"
        );
    }
}

#[test]
fn links_from_sub_folders_are_rewritten_for_the_page_that_shows_them() {
    let built = build(&second_policy(), None);
    let out = built.path().join("output");
    let module = std::fs::read_to_string(out.join("course/acceptable-use/devices.html")).unwrap();
    for expected in [
        // devices/pupils.md's `staff.md#locking-the-screen`
        "href=\"../../acceptable-use/devices/staff.html#locking-the-screen\"",
        // `laptops/repairs/reporting.md`, `_index.md`, `../_index.md`
        "href=\"../../acceptable-use/devices/laptops/repairs/reporting.html\"",
        "href=\"../../acceptable-use/devices/index.html\"",
        "href=\"../../acceptable-use/index.html\"",
        // devices/staff.md's `../accounts.md#passwords` and its images
        "href=\"../../acceptable-use/accounts.html#passwords\"",
        "src=\"../../acceptable-use/devices/img/lock.svg\"",
        "href=\"../../acceptable-use/devices/img/lock%20poster.svg\"",
    ] {
        assert!(
            module.contains(expected),
            "course/acceptable-use/devices.html has {expected}"
        );
    }
    let print = std::fs::read_to_string(out.join("acceptable-use/print.html")).unwrap();
    for expected in [
        "src=\"devices/laptops/repairs/img/cracked-screen.png\"",
        "src=\"devices/img/lock.svg\"",
        "href=\"purpose.html#who\"",
        "href=\"devices/staff.html#personal-devices\"",
        // A page's own `#anchor` stays on the printable page, prefixed.
        "id=\"acceptable-use--devices--staff--locking-the-screen\"",
    ] {
        assert!(
            print.contains(expected),
            "acceptable-use/print.html has {expected}"
        );
    }
    // On its own page, a link is as written (made .html).
    let reporting =
        std::fs::read_to_string(out.join("acceptable-use/devices/laptops/repairs/reporting.html"))
            .unwrap();
    assert!(reporting.contains("href=\"../../../purpose.html#who\""));
    assert!(reporting.contains("src=\"../../img/lock.svg\""));
}

/// The sentences of a text: runs ending in `.`, `?` or `!`, whitespace
/// collapsed.
fn sentences(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    let mut out = Vec::new();
    let mut current = String::new();
    for c in joined.chars() {
        current.push(c);
        if matches!(c, '.' | '?' | '!') {
            let sentence = current.trim().to_string();
            if sentence.split_whitespace().count() >= 3 {
                out.push(sentence);
            }
            current.clear();
        }
    }
    out
}

/// The text of the first `<div class="prose …">` of a built page: the
/// page's own text.
fn prose(html: &str) -> String {
    let mut text = String::new();
    let mut depth = 0;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) if tag.name.as_slice() == b"div" => {
                let class = tag.attributes.get(b"class".as_slice());
                if depth > 0 || class.is_some_and(|c| c.starts_with(b"prose")) {
                    depth += 1;
                }
            }
            Token::EndTag(tag) if depth > 0 && tag.name.as_slice() == b"div" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::String(s) if depth > 0 => text.push_str(&String::from_utf8_lossy(&s)),
            Token::EndTag(_) if depth > 0 => text.push(' '),
            _ => {}
        }
    }
    assert!(!text.trim().is_empty(), "the page has its text in a .prose");
    text
}

/// The pages of the site at `root` in reading order, worked out here from
/// the front matter alone: in each folder its `_index.md`, then its pages
/// and sub-folders together by weight and title. Folders with
/// `print: false` are left out when `printed`.
fn reading_order(content: &Path, printed: bool) -> Vec<String> {
    fn front(path: &Path) -> (i64, String, bool) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut weight = 0;
        let mut title = String::new();
        let mut print = true;
        for line in text.lines().skip(1).take_while(|l| l.trim() != "---") {
            if let Some(w) = line.strip_prefix("weight:") {
                weight = w.trim().parse().unwrap();
            } else if let Some(t) = line.strip_prefix("title:") {
                title = t.trim().trim_matches('"').to_string();
            } else if line.trim() == "print: false" {
                print = false;
            }
        }
        (weight, title, print)
    }
    fn walk(dir: &Path, rel: &str, printed: bool, out: &mut Vec<String>) {
        let index = dir.join("_index.md");
        if printed && !front(&index).2 {
            return;
        }
        if index.is_file() {
            out.push(format!("{rel}_index.md"));
        }
        let mut children: Vec<(i64, String, String, bool)> = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() {
                let (weight, title, _) = front(&path.join("_index.md"));
                let title = if title.is_empty() {
                    name.replace('-', " ")
                } else {
                    title
                };
                children.push((weight, title, name, true));
            } else if name.ends_with(".md") && name != "_index.md" {
                let (weight, title, _) = front(&path);
                children.push((weight, title, name, false));
            }
        }
        children.sort();
        for (_, _, name, is_dir) in children {
            if is_dir {
                walk(&dir.join(&name), &format!("{rel}{name}/"), printed, out);
            } else {
                out.push(format!("{rel}{name}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(content, "", printed, &mut out);
    out
}

/// The output page of a content path.
fn page_url(source: &str) -> String {
    match source.strip_suffix("_index.md") {
        Some(dir) => format!("{dir}index.html"),
        None => source.replace(".md", ".html"),
    }
}

/// Every sentence of each page of `policy` in `root` is on the policy's
/// printable page, in reading order.
fn print_holds_every_sentence(root: &Path, policy: &str) {
    let built = build(root, None);
    let out = built.path().join("output");
    let print_html = std::fs::read_to_string(out.join(format!("{policy}/print.html"))).unwrap();
    let print = read_page(&print_html).text;
    let print = print.split_whitespace().collect::<Vec<_>>().join(" ");
    let content = root.join("content").join(policy);
    let page_url = |source: &str| format!("{policy}/{}", page_url(source));
    let order = reading_order(&content, true);
    assert!(order.len() > 5, "{order:?}");
    let mut position = 0;
    let mut checked = 0;
    for source in &order {
        let html = std::fs::read_to_string(out.join(page_url(source))).unwrap();
        for sentence in sentences(&prose(&html)) {
            match print[position..].find(&sentence) {
                Some(at) => position += at + sentence.len(),
                None => panic!(
                    "{}: {policy}/print.html does not hold, after what comes before it, the sentence\n  {sentence}",
                    source
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} sentences checked");
    // A section that says `print: false` is not printed.
    for source in reading_order(&content, false) {
        if order.contains(&source) {
            continue;
        }
        let html = std::fs::read_to_string(out.join(page_url(&source))).unwrap();
        if let Some(first) = sentences(&prose(&html)).first() {
            assert!(
                !print.contains(first.as_str()),
                "{source} is left out of print.html"
            );
        }
    }
}

#[test]
fn the_printable_page_holds_every_sentence_of_every_page_in_order() {
    print_holds_every_sentence(&second_policy(), "acceptable-use");
    print_holds_every_sentence(&project_root(), "social-media");
}

#[test]
fn print_parts_have_their_headings_one_level_down() {
    let built = build(&second_policy(), None);
    let print =
        std::fs::read_to_string(built.path().join("output/acceptable-use/print.html")).unwrap();
    let staff = &print[print
        .find("<article id=\"acceptable-use--devices--staff\"")
        .unwrap()..];
    let staff = &staff[..staff.find("</article>").unwrap()];
    assert!(staff.contains("<h2>Staff devices</h2>"), "{staff}");
    assert!(
        staff.contains(
            "<h3 id=\"acceptable-use--devices--staff--what-is-allowed\">What is allowed</h3>"
        ),
        "{staff}"
    );
    assert!(
        !staff[4..].contains("<h2 id"),
        "no heading of the page at the part's level"
    );
}

#[test]
fn pages_and_sections_interleave_by_weight_and_modules_follow_their_pages() {
    let root = second_policy();
    let built = build(&root, None);
    let out = built.path().join("output");
    // The printable page's parts, in order: devices/ (weight 20) between
    // purpose.md (10) and accounts.md (30); in devices/, laptops/ (15)
    // between staff.md (10) and pupils.md (20).
    let print = std::fs::read_to_string(out.join("acceptable-use/print.html")).unwrap();
    let parts: Vec<&str> = print
        .split("<article id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(
        parts,
        [
            "acceptable-use--purpose",
            "acceptable-use--devices",
            "acceptable-use--devices--staff",
            "acceptable-use--devices--laptops",
            "acceptable-use--devices--laptops--home-use",
            "acceptable-use--devices--laptops--repairs",
            "acceptable-use--devices--laptops--repairs--reporting",
            "acceptable-use--devices--pupils",
            "acceptable-use--accounts",
        ]
    );
    // The same order worked out from the front matter alone.
    let expected: Vec<String> = reading_order(&root.join("content/acceptable-use"), true)
        .into_iter()
        .skip(1)
        .map(|source| {
            let path = source.trim_end_matches(".md");
            let path = path.strip_suffix("/_index").unwrap_or(path);
            format!("acceptable-use--{}", path.replace('/', "--"))
        })
        .collect();
    assert_eq!(expected, parts);
    // The next-page links walk the same way.
    let staff = std::fs::read_to_string(out.join("acceptable-use/devices/staff.html")).unwrap();
    assert!(
        staff.contains("laptops/index.html\" rel=\"next\""),
        "staff.html's next page is the laptops section"
    );
    // The course lists its modules in the order of their first pages, not
    // by name.
    let course = std::fs::read_to_string(out.join("course/index.html")).unwrap();
    let modules: Vec<&str> = ["purpose", "devices", "reporting", "accounts"]
        .into_iter()
        .map(|m| {
            let at = course
                .find(&format!("href=\"../course/acceptable-use/{m}.html\""))
                .unwrap_or_else(|| panic!("{m}"));
            (at, m)
        })
        .collect::<BTreeMap<_, _>>()
        .into_values()
        .collect();
    assert_eq!(modules, ["purpose", "devices", "reporting", "accounts"]);
}

#[test]
fn the_404_page_carries_its_style_and_links_nothing_absolute() {
    let built = build(
        &second_policy(),
        Some("https://school.example.org/policies/"),
    );
    let html = std::fs::read_to_string(built.path().join("output/404.html")).unwrap();
    assert!(
        !html.contains("school.example.org"),
        "the 404 page uses no base_url"
    );
    let page = read_page(&html);
    assert!(
        !page
            .references
            .iter()
            .any(|r| r.tag == "link" && r.attr == "href" && !r.url.starts_with("data:")),
        "no stylesheet or icon to miss at a deep address"
    );
    let style =
        std::fs::read_to_string(project_root().join("themes/default/static/style.css")).unwrap();
    let first_rule = style.lines().find(|l| l.starts_with(".skip-link")).unwrap();
    assert!(
        html.contains(first_rule),
        "the theme's style is inside the page"
    );
    assert!(page.references.iter().any(|r| r.url == "index.html"));
}
