//! The handbook pages in a real browser: search finds the right page, and
//! the site works from a sub-path, from the root of a host and opened
//! straight from disk (file://).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fantoccini::key::Key;

use super::server::Server;
use super::{Browser, Needs, SUB_PATH, file_url, run};

/// The words of a built page's `<main>`, lower-cased.
fn main_words(html: &str) -> BTreeSet<String> {
    let start = html.find("<main").unwrap_or(0);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// The policy of the real site that the walks go through.
const POLICY: &str = "social-media";

/// A word that appears in exactly one policy page of the built site (and
/// that page): something a search must find there.
fn word_unique_to_one_page(output: &Path) -> (String, String) {
    let mut pages = BTreeMap::new();
    for entry in walkdir::WalkDir::new(output).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = path
            .strip_prefix(output)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("course/")
            || rel.contains("/changes/")
            || rel.ends_with("/print.html")
            || rel.ends_with("/versions.html")
            || ["index.html", "search.html", "404.html"].contains(&rel.as_str())
        {
            continue;
        }
        pages.insert(rel, main_words(&std::fs::read_to_string(path).unwrap()));
    }
    // Candidates: the pages at the top of the policy's folder (linked from
    // its front page's contents).
    let top = |p: &str| {
        p.strip_prefix(POLICY)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.contains('/') && rest != "index.html")
    };
    for (page, words) in pages.iter().filter(|(p, _)| top(p)) {
        for word in words {
            if word.len() >= 9 && pages.iter().all(|(p, w)| p == page || !w.contains(word)) {
                return (word.clone(), page.clone());
            }
        }
    }
    panic!("no word of nine letters or more is unique to one page");
}

/// The addresses (resolved) of the search results shown.
async fn result_links(b: &Browser) -> Vec<String> {
    b.wait_visible("#search-results a[href]").await;
    let value = b
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('#search-results a[href]'),\
               function (a) { return a.href; });",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("result links")
}

fn path_of(url: &str) -> &str {
    url.split(['#', '?']).next().unwrap_or("")
}

#[test]
fn search_finds_a_word_on_the_right_page() {
    run(
        "search_finds_a_word_on_the_right_page",
        Needs::Browser,
        async |b| {
            let (word, page) = word_unique_to_one_page(&b.output);
            b.open("search.html").await;
            let input = b.wait_visible("#search-q").await;
            input.send_keys(&word).await.expect("typing");
            b.press(&[Key::Enter]).await;
            let links = result_links(b).await;
            let expected = b.url(&page);
            assert!(
                links.iter().any(|l| path_of(l) == expected),
                "searching `{word}` lists {expected}; results: {links:#?}"
            );
            let current = b.current_url().await;
            assert!(
                current.contains(&format!("q={word}")),
                "the query is in the address, so results can be shared: {current}"
            );
            // Follow the result: the word is on the page it opens.
            let link = links.iter().find(|l| path_of(l) == expected).unwrap();
            b.click(&format!(
                "#search-results a[href=\"{}\"]",
                link.strip_prefix(&b.base).unwrap_or(link)
            ))
            .await;
            b.wait_until(
                &format!(
                    "location.href.split('#')[0] === {} && document.readyState === 'complete'",
                    serde_json::to_string(&expected).unwrap()
                ),
                &format!("the result opens {expected}"),
            )
            .await;
            let text = b.find("main").await.text().await.unwrap().to_lowercase();
            assert!(text.contains(&word), "{page} contains `{word}`");
        },
    );
}

/// From the home page at `home`: the stylesheet loads, a policy's front
/// page opens from the list of policies, one of its pages from its
/// contents, the printable page from its link, and the header's search box
/// finds a word. `label` names the setting for messages.
async fn walk_the_site(b: &Browser, home: &str, label: &str) {
    let (word, page) = word_unique_to_one_page(&b.output);
    let root = home.strip_suffix("index.html").unwrap();

    b.goto(home).await;
    assert_styled(b, label).await;

    // The policy's front page from the home's list of policies.
    b.click(&format!("#policies ~ ul a[href=\"{POLICY}/index.html\"]"))
        .await;
    let front = format!("{root}{POLICY}/index.html");
    b.wait_until(
        &format!(
            "location.href === {} && document.readyState === 'complete'",
            serde_json::to_string(&front).unwrap()
        ),
        &format!("{label}: the list of policies opens {front}"),
    )
    .await;
    assert_styled(b, label).await;

    // A policy page from the contents.
    let file = page.rsplit('/').next().unwrap();
    b.click(&format!("main a[href$=\"/{file}\"]")).await;
    let expected = format!("{root}{page}");
    b.wait_until(
        &format!(
            "location.href === {} && document.readyState === 'complete'",
            serde_json::to_string(&expected).unwrap()
        ),
        &format!("{label}: the contents link opens {expected}"),
    )
    .await;
    b.wait_visible("main h1").await;
    assert_styled(b, label).await;

    // The printable page.
    b.click("a[href$=\"print.html\"]").await;
    b.wait_until(
        &format!(
            "location.href === {} && document.readyState === 'complete'",
            serde_json::to_string(&format!("{root}{POLICY}/print.html")).unwrap()
        ),
        &format!("{label}: the printable page opens"),
    )
    .await;
    let text = b.find("main").await.text().await.unwrap().to_lowercase();
    assert!(
        text.contains(&word),
        "{label}: the printable page has the whole policy (`{word}` from {page})"
    );
    assert_styled(b, label).await;

    // Search from the header.
    let input = b.wait_visible("form[role=search] input[name=q]").await;
    input.send_keys(&word).await.expect("typing");
    b.press(&[Key::Enter]).await;
    b.wait_until(
        &format!(
            "location.href.indexOf({}) === 0 && document.readyState === 'complete'",
            serde_json::to_string(&format!("{root}search.html")).unwrap()
        ),
        &format!("{label}: the search box opens the search page"),
    )
    .await;
    let links = result_links(b).await;
    assert!(
        links.iter().any(|l| path_of(l) == format!("{root}{page}")),
        "{label}: searching `{word}` lists {root}{page}; results: {links:#?}"
    );
}

/// Every stylesheet of the page loaded.
async fn assert_styled(b: &Browser, label: &str) {
    let missing = b
        .js(
            "var links = document.querySelectorAll('link[rel~=stylesheet]');\
             if (!links.length && !document.querySelector('style')) { return ['(no stylesheet)']; }\
             return Array.prototype.filter.call(links, function (l) { return !l.sheet; })\
               .map(function (l) { return l.href; });",
            vec![],
        )
        .await;
    let url = b.current_url().await;
    assert_eq!(
        missing,
        serde_json::json!([]),
        "{label}: stylesheets failed to load on {url}"
    );
}

#[test]
fn works_from_a_sub_path_the_host_root_and_from_disk() {
    run(
        "works_from_a_sub_path_the_host_root_and_from_disk",
        Needs::Browser,
        async |b| {
            b.server.take_log();
            walk_the_site(
                b,
                &b.url("index.html"),
                &format!("from the sub-path {SUB_PATH}"),
            )
            .await;
            let bad: Vec<_> = b
                .server
                .take_log()
                .into_iter()
                .filter(|h| {
                    h.path != "/favicon.ico" && (h.status != 200 || !h.path.starts_with(SUB_PATH))
                })
                .collect();
            assert!(
                bad.is_empty(),
                "from the sub-path, requests that failed: {bad:?}"
            );

            let at_root = Server::start(&b.output, "/");
            walk_the_site(b, &at_root.url("/index.html"), "from the root of a host").await;
            let bad: Vec<_> = at_root
                .take_log()
                .into_iter()
                .filter(|h| h.path != "/favicon.ico" && h.status != 200)
                .collect();
            assert!(
                bad.is_empty(),
                "from the host root, requests that failed: {bad:?}"
            );

            let home = file_url(&b.output.join("index.html"));
            walk_the_site(b, &home, "opened from disk (file://)").await;

            // The 404 page, served for a missing address, is styled and
            // its links work.
            b.goto(&b.url("no-such-page.html")).await;
            assert_styled(b, "the 404 page").await;
            b.wait_visible("main h1").await;
        },
    );
}
