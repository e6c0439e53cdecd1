//! The parents' pages read at a reading age of about 9: built from the
//! real project, the text the pages write for families — each page's
//! title, summary and prose, the section page's list of pages and any
//! urgent-help box, but not the quotes from the policy (`<blockquote>`),
//! the navigation, contact details or the template's own furniture — has a Flesch-Kincaid grade of at most 5.5
//! taken together. Every quote is the policy's words exactly (each of its
//! sentences is found in the built Social Media Policy), and every link
//! says where it goes (no "(policy)", "here", "click here", "read more").
//!
//! Flesch-Kincaid grade = 0.39 × (words / sentences)
//!                      + 11.8 × (syllables / words) − 15.59.
//!
//! How the parts are counted:
//! - a *word* is a run of non-space characters holding a letter or a digit
//!   ("face-to-face" is one word, its syllables those of its parts);
//! - a *sentence* ends at `.`, `!` or `?` followed by a space or the end of
//!   the text (after any closing quote or bracket); each block — heading,
//!   paragraph, list item, table cell — ends one too, so a heading or a
//!   list item without a full stop is a sentence of its own;
//! - *syllables* are counted by [`syllables`]: see there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use html5gum::{Token, Tokenizer};

use crate::support::{handbook, project_root, text};

/// The highest grade allowed: a reading age of about 10½ (grade + 5).
const MAX_GRADE: f64 = 5.5;

/// Link texts that do not say where a link goes.
const VAGUE_LINKS: [&str; 5] = ["(policy)", "here", "click here", "read more", "policy"];

/// The syllables of one word, by the usual rule of thumb: each group of
/// vowels (a, e, i, o, u, and y when it is not the first letter or
/// followed by a vowel) is one syllable, then
/// - a final silent e takes one off ("make", "online"), except in a
///   consonant + "le" ending ("table", "people") or after a vowel ("agree");
/// - a final "-es" after a consonant takes one off ("makes"), except after
///   s, x, z, c, g, "ch", "sh" or a consonant + "l" ("uses", "pages",
///   "tables");
/// - a final "-ed" after a consonant other than t or d takes one off
///   ("named"; not "wanted", "needed").
///
/// Every word has at least one syllable; a word with no letters (a number
/// such as 999) counts as one.
fn syllables(word: &str) -> usize {
    let w: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 1;
    }
    let plain_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u');
    let vowel = |i: usize| {
        let b = w[i];
        plain_vowel(b) || (b == b'y' && i > 0 && !w.get(i + 1).copied().is_some_and(plain_vowel))
    };
    let consonant = |i: usize| !vowel(i);
    let mut count = (0..w.len())
        .filter(|&i| vowel(i) && (i == 0 || !vowel(i - 1)))
        .count();
    let n = w.len();
    if n >= 3 && w[n - 1] == b'e' && consonant(n - 2) {
        let consonant_le = w[n - 2] == b'l' && consonant(n - 3);
        if !consonant_le {
            count -= 1;
        }
    } else if n >= 4 && w[n - 2] == b'e' && consonant(n - 3) {
        let before = w[n - 3];
        let after_h = before == b'h' && matches!(w[n - 4], b'c' | b's');
        match w[n - 1] {
            b's' => {
                let consonant_les = before == b'l' && consonant(n - 4);
                if !(matches!(before, b's' | b'x' | b'z' | b'c' | b'g') || after_h || consonant_les)
                {
                    count -= 1;
                }
            }
            b'd' if !matches!(before, b't' | b'd') => count -= 1,
            _ => {}
        }
    }
    count.max(1)
}

/// Counts of a stretch of text.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    words: usize,
    sentences: usize,
    syllables: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.words += other.words;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
    }

    /// The Flesch-Kincaid grade.
    fn grade(&self) -> f64 {
        let words = self.words as f64;
        0.39 * (words / self.sentences as f64) + 11.8 * (self.syllables as f64 / words) - 15.59
    }
}

/// The counts of one block of text (a heading, paragraph or list item):
/// its sentences end at `.`, `!` or `?` before a space (or the end), and
/// the block's end ends its last sentence.
fn count_block(block: &str) -> Counts {
    let mut counts = Counts::default();
    let mut open = false;
    for token in block.split_whitespace() {
        let trimmed = token.trim_end_matches(|c: char| {
            matches!(
                c,
                '"' | '\'' | ')' | ']' | '’' | '”' | '*' | ':' | ';' | ','
            )
        });
        if token.chars().any(char::is_alphanumeric) {
            counts.words += 1;
            counts.syllables += token
                .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .filter(|part| part.chars().any(char::is_alphanumeric))
                .map(syllables)
                .sum::<usize>();
            open = true;
        }
        if open && trimmed.ends_with(['.', '!', '?']) {
            counts.sentences += 1;
            open = false;
        }
    }
    if open {
        counts.sentences += 1;
    }
    counts
}

/// What a built page shows on its own: the blocks of text it writes for
/// its reader, the quotes it sets apart, and the text of every link.
#[derive(Debug, Default)]
struct PageText {
    /// The page's own text, one string per block.
    blocks: Vec<String>,
    /// The text of each `<blockquote>`.
    quotes: Vec<String>,
    /// The text of each link in `<main>`.
    links: Vec<String>,
}

impl PageText {
    fn counts(&self) -> Counts {
        let mut all = Counts::default();
        for block in &self.blocks {
            all.add(count_block(block));
        }
        all
    }
}

/// Elements whose start or end ends a block of text.
const BLOCKS: [&str; 18] = [
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "div", "section", "ul",
    "ol", "br", "caption",
];

/// Elements whose contents are not the page's own words: navigation and
/// page furniture, scripts, and quotes (kept apart).
const SKIPPED: [&str; 7] = [
    "nav",
    "script",
    "style",
    "aside",
    "form",
    "svg",
    "blockquote",
];

/// Elements of `<main>` that hold the page's own text: its title and
/// summary, its prose, on a section page the list of its pages (their
/// titles and summaries), and the box of where to get urgent help when the
/// theme shows one. Not counted: the school's contact details (names,
/// addresses and numbers are not sentences).
fn is_own(name: &str, class: &str) -> bool {
    let classes: Vec<&str> = class.split_whitespace().collect();
    name == "h1"
        || (name == "p" && classes.contains(&"lead"))
        || (name == "div" && classes.contains(&"prose"))
        || (name == "section"
            && (classes.contains(&"contents") || classes.contains(&"urgent-help")))
}

/// Reads a built page: its own text, quotes and link texts, from `<main>`.
fn page_text(html: &str) -> PageText {
    let mut page = PageText::default();
    let mut block = String::new();
    // Open elements inside <main>, each with whether it made text "own",
    // started a skipped part, or started a quote.
    let mut stack: Vec<(String, bool, bool)> = Vec::new();
    let (mut in_main, mut own, mut skipped) = (false, 0usize, 0usize);
    let (mut quote, mut link): (Option<String>, Option<String>) = (None, None);
    let flush = |block: &mut String, blocks: &mut Vec<String>| {
        let text = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            blocks.push(text);
        }
        block.clear();
    };
    const VOID: [&str; 8] = ["br", "img", "hr", "input", "meta", "link", "wbr", "source"];
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                if name == "main" {
                    in_main = true;
                    continue;
                }
                if !in_main {
                    continue;
                }
                if BLOCKS.contains(&name.as_str()) {
                    flush(&mut block, &mut page.blocks);
                    if let Some(q) = quote.as_mut() {
                        q.push(' ');
                    }
                }
                if name == "a" {
                    link = Some(String::new());
                }
                if VOID.contains(&name.as_str()) || tag.self_closing {
                    continue;
                }
                let class = tag
                    .attributes
                    .get(b"class".as_slice())
                    .map(|v| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_default();
                let makes_own = is_own(&name, &class);
                let skips = SKIPPED.contains(&name.as_str());
                if name == "blockquote" && quote.is_none() {
                    quote = Some(String::new());
                }
                own += usize::from(makes_own);
                skipped += usize::from(skips);
                stack.push((name, makes_own, skips));
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                if name == "main" {
                    flush(&mut block, &mut page.blocks);
                    in_main = false;
                    continue;
                }
                if !in_main {
                    continue;
                }
                if BLOCKS.contains(&name.as_str()) {
                    flush(&mut block, &mut page.blocks);
                }
                if name == "a"
                    && let Some(text) = link.take()
                {
                    page.links
                        .push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                if let Some(at) = stack.iter().rposition(|(open, _, _)| *open == name) {
                    let closed: Vec<_> = stack.drain(at..).collect();
                    for (open, made_own, skips) in closed.into_iter().rev() {
                        own -= usize::from(made_own);
                        skipped -= usize::from(skips);
                        if open == "blockquote"
                            && !stack.iter().any(|(o, _, _)| o == "blockquote")
                            && let Some(q) = quote.take()
                        {
                            page.quotes
                                .push(q.split_whitespace().collect::<Vec<_>>().join(" "));
                        }
                    }
                }
            }
            Token::String(s) if in_main => {
                let s = String::from_utf8_lossy(&s);
                if let Some(l) = link.as_mut() {
                    l.push_str(&s);
                }
                if let Some(q) = quote.as_mut() {
                    q.push_str(&s);
                }
                if own > 0 && skipped == 0 {
                    block.push_str(&s);
                }
            }
            _ => {}
        }
    }
    page
}

/// The sentences of a quote, each ending at `.`, `!` or `?` before a
/// space.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for token in text.split_whitespace() {
        current.push(token);
        let trimmed = token.trim_end_matches(['"', '\'', ')', '’', '”']);
        if trimmed.ends_with(['.', '!', '?']) {
            out.push(current.join(" "));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// Builds the real project into a temporary folder.
fn build() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = handbook(&[
        "build",
        "--root",
        &project_root().to_string_lossy(),
        "--out",
        &site.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    (out, site)
}

/// The built pages of a content folder, by their output path: `_index.md`
/// is the section's `index.html`.
fn built_pages(site: &Path, section: &str) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for entry in std::fs::read_dir(project_root().join("content").join(section)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let name = if stem == "_index" { "index" } else { &stem };
        let rel = format!("{section}/{name}.html");
        let html =
            std::fs::read_to_string(site.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        pages.insert(rel, html);
    }
    pages
}

/// Whitespace made single spaces.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_parents_pages_read_at_flesch_kincaid_grade_5_5_or_below_with_links_that_say_where() {
    let (_out, site) = build();
    let pages = built_pages(&site, "parents");
    assert!(pages.len() >= 5, "the parents' pages: {:?}", pages.keys());
    let mut all = Counts::default();
    let mut figures = Vec::new();
    let mut vague = Vec::new();
    for (rel, html) in &pages {
        let page = page_text(html);
        let counts = page.counts();
        assert!(counts.words > 20, "{rel} has text of its own: {page:?}");
        figures.push(format!(
            "{rel}: grade {:.1} ({} words, {} sentences, {} syllables)",
            counts.grade(),
            counts.words,
            counts.sentences,
            counts.syllables
        ));
        all.add(counts);
        for link in &page.links {
            if VAGUE_LINKS.contains(&link.to_lowercase().as_str()) {
                vague.push(format!("{rel}: a link says {link:?}"));
            }
        }
    }
    let grade = all.grade();
    eprintln!(
        "parents' pages: grade {grade:.2} ({} words, {} sentences, {} syllables)\n  {}",
        all.words,
        all.sentences,
        all.syllables,
        figures.join("\n  ")
    );
    assert!(
        vague.is_empty(),
        "links must say where they go:\n  {}",
        vague.join("\n  ")
    );
    assert!(
        grade <= MAX_GRADE,
        "the parents' pages read at Flesch-Kincaid grade {grade:.2} (at most {MAX_GRADE}): \
         {} words, {} sentences, {} syllables\n  {}",
        all.words,
        all.sentences,
        all.syllables,
        figures.join("\n  ")
    );
}

#[test]
fn every_quote_on_the_parents_pages_is_the_policys_own_words() {
    let (_out, site) = build();
    // The policy's text, as its pages show it.
    let policy: String = built_pages(&site, "social-media")
        .values()
        .map(|html| {
            let mut text = String::new();
            for token in Tokenizer::new(html.as_str()).flatten() {
                match token {
                    Token::String(s) => text.push_str(&String::from_utf8_lossy(&s)),
                    _ => text.push(' '),
                }
            }
            squeeze(&text)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut quotes = 0;
    let mut missing = Vec::new();
    for (rel, html) in built_pages(&site, "parents") {
        for quote in page_text(&html).quotes {
            for sentence in sentences(&quote) {
                quotes += 1;
                if !policy.contains(&sentence) {
                    missing.push(format!("{rel}: {sentence:?}"));
                }
            }
        }
    }
    assert!(quotes >= 10, "the pages quote the policy ({quotes} quotes)");
    assert!(
        missing.is_empty(),
        "these quotes are not the policy's words:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_syllable_counter_gets_known_words_right() {
    for (word, expected) in [
        ("cat", 1),
        ("the", 1),
        ("school", 1),
        ("make", 1),
        ("safe", 1),
        ("whole", 1),
        ("online", 2),
        ("table", 2),
        ("people", 2),
        ("little", 2),
        ("named", 1),
        ("asked", 1),
        ("wanted", 2),
        ("needed", 2),
        ("makes", 1),
        ("pages", 2),
        ("uses", 2),
        ("tables", 2),
        ("agree", 2),
        ("free", 1),
        ("you", 1),
        ("yes", 1),
        ("play", 1),
        ("beyond", 2),
        ("children", 2),
        ("happy", 2),
        ("policy", 3),
        ("policies", 3),
        ("beautiful", 3),
        ("education", 4),
        ("understanding", 4),
        ("Teacher's", 2),
        ("999", 1),
    ] {
        assert_eq!(syllables(word), expected, "{word}");
    }
}

#[test]
fn flesch_kincaid_counts_words_sentences_and_blocks() {
    let c = count_block("The cat sat on the mat. It was happy!");
    assert_eq!((c.words, c.sentences, c.syllables), (9, 2, 10));
    // A block without a full stop (a heading, a list item) is a sentence.
    let c = count_block("What the pages cover");
    assert_eq!((c.words, c.sentences), (4, 1));
    // A closing quote or bracket after the stop still ends the sentence;
    // a number is a word of one syllable.
    let c = count_block("Call 999 (now.) \"Then wait.\"");
    assert_eq!((c.words, c.sentences), (5, 2));
    // Known figures: 9 words, 2 sentences, 10 syllables.
    let grade = Counts {
        words: 9,
        sentences: 2,
        syllables: 10,
    }
    .grade();
    assert!((grade - (0.39 * 4.5 + 11.8 * 10.0 / 9.0 - 15.59)).abs() < 1e-9);

    let page = page_text(
        "<header><p>Site name here.</p></header><main><nav><a href=\"a\">here</a></nav>\
         <h1>Title</h1><p class=\"page-meta\">Not counted.</p><div class=\"prose\">\
         <p>Own words. <a href=\"b\">The policy's part on tone</a></p>\
         <blockquote><p>Quoted. Words.</p></blockquote><ul><li>One item</li></ul></div>\
         <section class=\"help-box urgent-help\"><h2>Get help now</h2></section>\
         <section class=\"school-contacts\"><p>Office: 01234 567890</p></section></main>\
         <footer>Footer text.</footer>",
    );
    assert_eq!(
        page.blocks,
        [
            "Title",
            "Own words. The policy's part on tone",
            "One item",
            "Get help now"
        ]
    );
    assert_eq!(page.quotes, ["Quoted. Words."]);
    assert_eq!(page.links, ["here", "The policy's part on tone"]);
    assert_eq!(sentences("Quoted. Words."), ["Quoted.", "Words."]);
}
