//! Search finds every page: a generated site of 63 pages (three policies
//! with folders nested two deep, and a family-learning section) gives each
//! page one made-up word of its own, written where real words sit (under a
//! heading, in a heading, in a list item, a nested list, a table cell, a
//! quotation, in bold in the opening text, late in a long page; some with
//! accents, some capitalised). The search page, opened from disk
//! (file://) and from a web host under a sub-path, must find each word on
//! its page and on no other; a word on seven pages finds those seven; an
//! accented word is found without its accent and with it; a word typed
//! into the search box finds its page; and a result leads to its page.
//!
//! Everything goes through the page as a reader uses it (`search.html?q=`,
//! the links in `#search-results`), never the index's own layout, so the
//! test holds however the index is written or split.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::Value;

use super::{Browser, Needs, SUB_PATH, WAIT, file_url, run_on};
use crate::support::{TempSite, text};

/// Where in a page its own word is written.
#[derive(Clone, Copy, Debug)]
enum Place {
    UnderHeading,
    ListItem,
    TableCell,
    LateInLongPage,
    InHeading,
    BoldInOpening,
    NestedListItem,
    Quotation,
}

const PLACES: [Place; 8] = [
    Place::UnderHeading,
    Place::ListItem,
    Place::TableCell,
    Place::LateInLongPage,
    Place::InHeading,
    Place::BoldInOpening,
    Place::NestedListItem,
    Place::Quotation,
];

/// The word on exactly [`SHARED_PAGES`] pages.
const SHARED_WORD: &str = "glimmerwort";
const SHARED_PAGES: usize = 7;

/// A real word with an accent, on one page only, searched without it.
const ACCENTED_REAL_WORD: &str = "café";

/// Ordinary policy text around the made-up words (none of which contains
/// "zor", "glimmerwort" or "cafe").
const FILLER: [&str; 8] = [
    "Staff follow this policy in every school of the trust, and the headteacher reviews how it works each year.",
    "Concerns are recorded on the same day, with the date, the time and the names of everyone involved.",
    "Parents and carers are told what happened and what the school will do next.",
    "Pupils are taught what the rules are and why they matter, in words they understand.",
    "The governing body checks that the policy is followed and asks for a report each term.",
    "Where a pupil needs extra help, the special educational needs coordinator is asked for advice.",
    "Records are kept securely and shared only with people who need to know.",
    "Visitors and volunteers are shown this policy when they first arrive.",
];

const HEADINGS: [&str; 8] = [
    "Purpose",
    "Who this covers",
    "What staff do",
    "Recording",
    "Working with families",
    "Review",
    "Training",
    "Support for pupils",
];

const TOPICS: [&str; 10] = [
    "Expectations",
    "Arrangements",
    "Responsibilities",
    "Procedures",
    "Monitoring",
    "Communication",
    "Escalation",
    "Guidance",
    "Checks",
    "Follow-up",
];

/// One page of the generated site.
#[derive(Clone, Debug)]
struct GeneratedPage {
    /// Its source, relative to `content/`.
    source: String,
    /// Its built address, relative to the site root.
    url: String,
    /// Its own word as written in the page (perhaps accented or
    /// capitalised).
    written: String,
    /// Its own word as a reader types it: lower case, no accents.
    query: String,
    place: Place,
}

/// The `n`th page's own word, plain: "zor" and two syllables and "x", all
/// eight letters long, so no page's word is part of another's.
fn plain_word(n: usize) -> String {
    const SYLLABLES: [&str; 10] = ["ba", "ke", "li", "mo", "nu", "pa", "ro", "si", "tu", "ve"];
    assert!(n < 100, "two syllables name at most 100 pages");
    format!("zor{}{}x", SYLLABLES[n / 10], SYLLABLES[n % 10])
}

/// The word with an accent on its first syllable's vowel.
fn accented(word: &str) -> String {
    let (head, tail) = word.split_at(4);
    let mut chars = tail.chars();
    let vowel = match chars.next() {
        Some('a') => 'á',
        Some('e') => 'é',
        Some('i') => 'í',
        Some('o') => 'ó',
        Some('u') => 'ú',
        other => panic!("a syllable's vowel, not {other:?}"),
    };
    format!("{head}{vowel}{}", chars.as_str())
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    let first = chars.next().expect("a word");
    format!("{}{}", first.to_uppercase(), chars.as_str())
}

/// The Markdown of a page: ordinary text with `word` in `place`, and
/// `extra` (a sentence) near the end when given.
fn body(place: Place, word: &str, seed: usize, extra: Option<&str>) -> String {
    let f = |i: usize| FILLER[(seed + i) % FILLER.len()];
    let h = |i: usize| HEADINGS[(seed + i) % HEADINGS.len()];
    let mut md = match place {
        Place::UnderHeading => format!(
            "{}\n\n## {}\n\n{} {}\n\n## {}\n\n{} The {word} arrangements apply here. {}\n",
            f(0),
            h(0),
            f(1),
            f(2),
            h(1),
            f(3),
            f(4)
        ),
        Place::ListItem => format!(
            "{}\n\n## {}\n\n- {}\n- Ask the office for the {word} form.\n- {}\n",
            f(0),
            h(0),
            f(1),
            f(2)
        ),
        Place::TableCell => format!(
            "{}\n\n## {}\n\n| Who | What | When |\n| --- | --- | --- |\n\
             | Class teacher | Register | 8.50 am |\n| Office | {word} check | 9.30 am |\n\
             | Headteacher | Weekly review | Friday |\n\n{}\n",
            f(0),
            h(0),
            f(1)
        ),
        Place::LateInLongPage => {
            // Eight parts of several hundred characters each; the word
            // near the end of the last.
            let mut md = format!("{} {}\n", f(0), f(1));
            for part in 0..HEADINGS.len() {
                md.push_str(&format!(
                    "\n## {}\n\n{} {} {}\n\n{} {}\n",
                    h(part),
                    f(part),
                    f(part + 1),
                    f(part + 2),
                    f(part + 3),
                    f(part + 4)
                ));
            }
            md.push_str(&format!(
                "\n{} Finally, the {word} record is signed. {}\n",
                f(5),
                f(6)
            ));
            md
        }
        Place::InHeading => format!(
            "{}\n\n## {} arrangements\n\n{}\n",
            f(0),
            capitalised(word),
            f(1)
        ),
        Place::BoldInOpening => format!(
            "The **{word}** rule comes first. {}\n\n## {}\n\n{}\n",
            f(0),
            h(0),
            f(1)
        ),
        Place::NestedListItem => format!(
            "{}\n\n## {}\n\n1. {}\n2. {}\n   - Keep the {word} copy.\n   - {}\n3. {}\n",
            f(0),
            h(0),
            f(1),
            f(2),
            f(3),
            f(4)
        ),
        Place::Quotation => format!(
            "{}\n\n> {} Remember the {word} promise.\n\n{}\n",
            f(0),
            f(1),
            f(2)
        ),
    };
    if let Some(extra) = extra {
        md.push_str(&format!("\n{extra}\n"));
    }
    md
}

/// A section of the generated site: a folder with a front page and pages.
struct Section {
    dir: String,
    title: &'static str,
    pages: usize,
    audience: &'static str,
}

const POLICIES: [(&str, &str); 3] = [
    ("behaviour", "Behaviour Policy"),
    ("attendance", "Attendance Policy"),
    ("safeguarding", "Safeguarding Policy"),
];

/// Every folder of the site, in the order the pages are numbered.
fn sections() -> Vec<Section> {
    let mut sections = Vec::new();
    for (id, title) in POLICIES {
        let staff = "[staff]";
        sections.push(Section {
            dir: id.to_string(),
            title,
            pages: 10,
            audience: staff,
        });
        sections.push(Section {
            dir: format!("{id}/staff-roles"),
            title: "Staff roles",
            pages: 3,
            audience: staff,
        });
        sections.push(Section {
            dir: format!("{id}/staff-roles/records"),
            title: "Records",
            pages: 2,
            audience: staff,
        });
    }
    sections.push(Section {
        dir: "parents".to_string(),
        title: "For parents and carers",
        pages: 4,
        audience: "[parents]",
    });
    sections.push(Section {
        dir: "parents/learning".to_string(),
        title: "Learning at home",
        pages: 2,
        audience: "[parents]",
    });
    sections
}

/// Writes the site: `site.yaml`, the home page and every section, each
/// page with its own word. Returns the pages in site order (the home page
/// first, the last page of family learning last).
fn write_site(site: &TempSite) -> Vec<GeneratedPage> {
    let mut yaml = String::from(
        "id: search-trust\ntitle: Staff handbook\norganisation: Search Test Trust\n\
         schools: [North]\noffice_email: office@example.org\ntheme: default\n\
         language: en-GB\ncourse:\n  pass_mark: 80\npolicies:\n",
    );
    for (id, title) in POLICIES {
        yaml.push_str(&format!(
            "  {id}:\n    title: {title}\n    aim: \"Everyone safe and learning.\"\n    \
             version: Spring 2026\n    reviewed: 2026-01\n    next_review: 2027-06\n    \
             owner: Headteacher\n    required_for: [all]\n"
        ));
    }
    site.write("site.yaml", &yaml);

    // (source, title, audience, weight); the home page first.
    let mut sources = vec![(
        "_index.md".to_string(),
        "Staff handbook".to_string(),
        "[staff, parents]",
        0,
    )];
    for section in sections() {
        sources.push((
            format!("{}/_index.md", section.dir),
            section.title.to_string(),
            section.audience,
            10,
        ));
        for k in 0..section.pages {
            sources.push((
                format!("{}/page-{:02}.md", section.dir, k + 1),
                format!("{} {}: {}", section.title, k + 1, TOPICS[k % TOPICS.len()]),
                section.audience,
                (k + 1) * 10,
            ));
        }
    }

    let total = sources.len();
    let last = total - 1;
    let mut pages = Vec::new();
    for (n, (source, title, audience, weight)) in sources.into_iter().enumerate() {
        let query = plain_word(n);
        let place = if n == last {
            Place::LateInLongPage
        } else {
            PLACES[n % PLACES.len()]
        };
        let written = if n % 9 == 4 {
            accented(&query)
        } else {
            query.clone()
        };
        let extra = if n % 9 == 1 {
            Some(format!(
                "The {SHARED_WORD} checklist is kept in the office."
            ))
        } else if n == total / 2 {
            Some(format!(
                "Breakfast is served in the school {ACCENTED_REAL_WORD} from eight."
            ))
        } else {
            None
        };
        let markdown = format!(
            "---\ntitle: \"{title}\"\nweight: {weight}\naudience: {audience}\n---\n{}",
            body(place, &written, n, extra.as_deref())
        );
        site.write(&format!("content/{source}"), &markdown);
        let url = match source.strip_suffix("_index.md") {
            Some(dir) => format!("{dir}index.html"),
            None => source.replace(".md", ".html"),
        };
        pages.push(GeneratedPage {
            source,
            url,
            written,
            query,
            place,
        });
    }
    pages
}

/// Where the site is opened from.
struct Host<'a> {
    /// For messages.
    name: &'static str,
    /// The absolute address of a page given its address under the site
    /// root.
    page_url: &'a dyn Fn(&str) -> String,
}

/// An address without its `#fragment`.
fn without_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// What the search page lists once it has answered: the address of every
/// result link, or what the results area says when there is none. Waits
/// (up to [`WAIT`]) until there is a result or the page has answered in
/// words naming the query (as "no results for …" does). `typed` is a
/// query just typed into the box, whose results must name it (the
/// previous query's results may still be shown until then).
async fn answer(b: &Browser, typed: Option<&str>) -> Result<Vec<String>, String> {
    const READY: &str = "var typed = arguments[0];\
         var r = document.getElementById('search-results');\
         if (!r || document.readyState !== 'complete') { return false; }\
         if (typed !== null) { return r.textContent.indexOf(typed) >= 0; }\
         if (r.querySelector('a[href]')) { return true; }\
         var q = new URLSearchParams(location.search).get('q');\
         return !!q && r.textContent.indexOf(q) >= 0;";
    let deadline = Instant::now() + WAIT;
    let typed = typed.map_or(Value::Null, Value::from);
    loop {
        // While a navigation is under way the script may fail: try again.
        if let Ok(Value::Bool(true)) = b.client.execute(READY, vec![typed.clone()]).await {
            break;
        }
        if Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let found = b
        .js(
            "var r = document.getElementById('search-results');\
             if (!r) { return ['no #search-results on ' + location.href]; }\
             var links = r.querySelectorAll('a[href]');\
             if (!links.length) { return [null, r.textContent.trim() || '(nothing shown)']; }\
             return Array.prototype.map.call(links, function (a) { return a.href; });",
            vec![],
        )
        .await;
    let list: Vec<Value> = serde_json::from_value(found).expect("a list");
    match list.first() {
        Some(Value::Null) => Err(format!("no result; the page says: {}", list[1])),
        Some(Value::String(s)) if s.starts_with("no #search-results") => Err(s.clone()),
        _ => Ok(list
            .into_iter()
            .map(|v| v.as_str().expect("an address").to_string())
            .collect()),
    }
}

/// Opens the search page for `query` and returns what it lists.
async fn search_for(b: &Browser, host: &Host<'_>, query: &str) -> Result<Vec<String>, String> {
    let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    b.goto(&format!("{}?q={q}", (host.page_url)("search.html")))
        .await;
    answer(b, None).await
}

/// Checks that the result addresses `found` are exactly `expected`'s pages
/// (one link each), or says what is wrong.
fn check_pages(
    host: &Host<'_>,
    what: &str,
    found: Result<Vec<String>, String>,
    expected: &[&GeneratedPage],
) -> Option<String> {
    let found = match found {
        Ok(found) => found,
        Err(said) => return Some(format!("{}: {what}: {said}", host.name)),
    };
    let root = (host.page_url)("");
    let short = |url: &str| url.strip_prefix(root.as_str()).unwrap_or(url).to_string();
    let want: BTreeSet<String> = expected.iter().map(|p| p.url.clone()).collect();
    let got: BTreeSet<String> = found.iter().map(|u| short(without_fragment(u))).collect();
    if got == want && found.len() == expected.len() {
        return None;
    }
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    let links: Vec<String> = found.iter().map(|u| short(u)).collect();
    Some(format!(
        "{}: {what}: expected {} result(s); missing {missing:?}, not expected {extra:?}; \
         the page listed {} link(s): {links:?}",
        host.name,
        expected.len(),
        found.len()
    ))
}

/// Every page's own word finds that page and no other.
async fn every_word_finds_its_page(
    b: &Browser,
    host: &Host<'_>,
    pages: &[GeneratedPage],
) -> Vec<String> {
    let mut failures = Vec::new();
    for page in pages {
        let found = search_for(b, host, &page.query).await;
        let what = format!(
            "“{}” (written “{}”, {:?} in content/{})",
            page.query, page.written, page.place, page.source
        );
        failures.extend(check_pages(host, &what, found, &[page]));
    }
    failures
}

/// The shared word, the accented words, typing into the box, and
/// following a result to its page.
async fn the_other_searches(b: &Browser, host: &Host<'_>, pages: &[GeneratedPage]) -> Vec<String> {
    let mut failures = Vec::new();

    let sharing: Vec<&GeneratedPage> = pages
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 9 == 1)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(sharing.len(), SHARED_PAGES, "the site has the shared word");
    let found = search_for(b, host, SHARED_WORD).await;
    failures.extend(check_pages(
        host,
        &format!("“{SHARED_WORD}”, on {SHARED_PAGES} pages"),
        found,
        &sharing,
    ));

    let cafe_page = &pages[pages.len() / 2];
    for query in ["cafe", "CAFÉ", ACCENTED_REAL_WORD] {
        let found = search_for(b, host, query).await;
        failures.extend(check_pages(
            host,
            &format!(
                "“{query}” (written “{ACCENTED_REAL_WORD}” in content/{})",
                cafe_page.source
            ),
            found,
            &[cafe_page],
        ));
    }

    let accented_page = pages
        .iter()
        .find(|p| p.written != p.query)
        .expect("a page whose word has an accent");
    let found = search_for(b, host, &accented_page.written).await;
    failures.extend(check_pages(
        host,
        &format!(
            "“{}”, with its accent (content/{})",
            accented_page.written, accented_page.source
        ),
        found,
        &[accented_page],
    ));

    // Typed into the search box, as a reader does: the last page's word
    // (late in the site's longest page), then the shared word.
    let last = pages.last().expect("pages");
    b.goto(&(host.page_url)("search.html")).await;
    for (query, expected) in [
        (last.query.as_str(), vec![last]),
        (SHARED_WORD, sharing.clone()),
    ] {
        let input = b.wait_visible("#search-q").await;
        input.clear().await.expect("clearing the search box");
        input.send_keys(query).await.expect("typing");
        input
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("Enter");
        let found = answer(b, Some(query)).await;
        failures.extend(check_pages(
            host,
            &format!("“{query}” typed into the search box"),
            found,
            &expected,
        ));
    }

    // A result leads to its page, which has the word (and the part the
    // link names, when it names one).
    for page in [&pages[0], &pages[2], accented_page, last] {
        if search_for(b, host, &page.query).await.is_err() {
            continue; // already reported
        }
        let link = b
            .client
            .find(Locator::Css("#search-results a[href]"))
            .await
            .expect("a result");
        link.click().await.expect("following the result");
        let want = (host.page_url)(&page.url);
        b.wait_until(
            &format!(
                "document.readyState === 'complete' && location.href.split('#')[0] === {}",
                serde_json::to_string(&want).unwrap()
            ),
            &format!("the result for “{}” to open {want}", page.query),
        )
        .await;
        let landed = b
            .js(
                "var main = document.querySelector('main') || document.body;\
                 var text = main.textContent.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase();\
                 var id = decodeURIComponent(location.hash.slice(1));\
                 return [text.indexOf(arguments[0]) >= 0, id === '' || !!document.getElementById(id)];",
                vec![Value::from(page.query.as_str())],
            )
            .await;
        if landed != serde_json::json!([true, true]) {
            failures.push(format!(
                "{}: the result for “{}” opened {} [has the word, has the part]: {landed}",
                host.name,
                page.query,
                b.current_url().await
            ));
        }
    }
    failures
}

#[test]
fn search_finds_a_word_from_every_page_from_disk_and_from_a_web_host() {
    let site = TempSite::empty();
    let pages = write_site(&site);
    assert!(
        (40..=80).contains(&pages.len()),
        "{} pages: between 40 and 80",
        pages.len()
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let out = site.path().join("output");
    for page in &pages {
        assert!(
            out.join(&page.url).is_file(),
            "content/{} builds {}",
            page.source,
            page.url
        );
    }

    run_on(
        "search_finds_a_word_from_every_page_from_disk_and_from_a_web_host",
        &out,
        Needs::Browser,
        async |b| {
            let from_disk = |rel: &str| file_url(&Path::new(&b.output).join(rel));
            let from_web = |rel: &str| b.url(rel);
            let hosts = [
                Host {
                    name: "file://",
                    page_url: &from_disk,
                },
                Host {
                    name: SUB_PATH,
                    page_url: &from_web,
                },
            ];
            let mut failures = Vec::new();
            for host in &hosts {
                let started = Instant::now();
                b.server.take_log();
                failures.extend(every_word_finds_its_page(b, host, &pages).await);
                failures.extend(the_other_searches(b, host, &pages).await);
                if host.name == SUB_PATH {
                    // Whatever the search page loads, it is there.
                    let missing: Vec<_> = b
                        .server
                        .take_log()
                        .into_iter()
                        .filter(|h| h.status != 200 && h.path != "/favicon.ico")
                        .collect();
                    if !missing.is_empty() {
                        failures.push(format!("{SUB_PATH}: requests that failed: {missing:?}"));
                    }
                }
                eprintln!(
                    "{}: every page's word and the other searches in {:.1}s",
                    host.name,
                    started.elapsed().as_secs_f64()
                );
            }
            assert!(
                failures.is_empty(),
                "{} search(es) went wrong:\n  {}",
                failures.len(),
                failures.join("\n  ")
            );
        },
    );
}

#[test]
fn every_generated_word_is_its_own() {
    let words: Vec<String> = (0..64).map(plain_word).collect();
    for (i, a) in words.iter().enumerate() {
        assert_eq!(a.len(), 8);
        for (j, b) in words.iter().enumerate() {
            assert!(i == j || !b.contains(a.as_str()), "{a} is inside {b}");
        }
        for filler in FILLER.iter().chain(&HEADINGS).chain(&TOPICS) {
            assert!(!filler.to_lowercase().contains("zor"), "{filler}");
            assert!(!filler.to_lowercase().contains(SHARED_WORD), "{filler}");
            assert!(!filler.to_lowercase().contains("cafe"), "{filler}");
        }
    }
    assert_eq!(accented("zorbakex"), "zorbákex");
    assert_eq!(capitalised("zorbakex"), "Zorbakex");
}
