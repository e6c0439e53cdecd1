//! Markdown to HTML with pulldown-cmark: stable heading anchors, paragraph
//! anchors, internal `.md` links rewritten to the built pages, and syntect
//! highlighting for fenced code (loaded only when a page has code).
//!
//! Besides the HTML, rendering returns what later stages need: the anchors
//! the page defines, the internal links it makes (with their lines, for the
//! link checker), its table of contents and its plain text (for search).

use crate::util::html;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeWithOffset,
};
use serde::Serialize;

use crate::content::source_to_url;
use crate::util::text::terminal_safe;

/// How links should be written for the place the HTML will be shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Prepended to every relative link and image (e.g. `../` when a
    /// page's text is shown one folder deeper than the page itself).
    pub link_prefix: &'a str,
    /// When set, `#anchor` links are written as `prefix + page_url#anchor`,
    /// so that they still reach the page when its text is shown elsewhere.
    pub page_url: Option<&'a str>,
    /// Prepended to every id the page defines (and to its own `#anchor`
    /// links), so that several pages can share one HTML document.
    pub id_prefix: &'a str,
}

/// One heading in a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The anchor.
    pub id: String,
    /// The heading's text.
    pub title: String,
}

/// An internal link found in a page, for the link checker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The link as written, e.g. `roles.md#pupils` or `#scope`.
    pub target: String,
    /// The line of the source file it is on.
    pub line: usize,
}

/// A heading and the text under it, for the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPart {
    /// The heading's text (empty for the text before the first heading).
    pub heading: String,
    /// The heading's anchor (empty likewise).
    pub anchor: String,
    /// The plain text, whitespace collapsed.
    pub text: String,
}

/// A problem found while rendering, at a line of the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line in the source file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The result of rendering one page's Markdown.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Level 2 and 3 headings.
    pub toc: Vec<TocEntry>,
    /// Every id the page defines (headings and `{#id}` anchors).
    pub anchors: Vec<String>,
    /// Every internal link (`.md` paths and `#anchors`).
    pub links: Vec<LinkRef>,
    /// The text in parts by heading.
    pub parts: Vec<TextPart>,
    /// Whether a fenced code block was highlighted (needs `syntax.css`).
    pub highlighted: bool,
    /// Words of text.
    pub word_count: usize,
    /// Problems such as duplicate anchors.
    pub problems: Vec<Problem>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Turns heading text into a readable anchor: lower case, runs of other
/// characters become one `-` (`Staff and Volunteers` → `staff-and-volunteers`).
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Splits a trailing ` {#id}` off a paragraph's or list item's text. The
/// id comes back as written, valid or not (see [`is_anchor_id`]); text
/// whose braces hold a space is prose, not an anchor.
fn trailing_anchor(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_end();
    let inner = trimmed.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| (trimmed[..open].trim_end(), id))
}

/// True for an id an author may give a heading, paragraph or list item
/// with `{#id}`: an ASCII letter or digit, then ASCII letters, digits, `-`
/// and `_` (so `{#staff-duties}`, `{#para_3}`). The same rule for every
/// kind of anchor; it keeps ids plain in HTML, in URLs and in a quiz's
/// `policy_ref`.
pub fn is_anchor_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// True for a class a heading may carry with `{.class}`: an ASCII letter,
/// then ASCII letters, digits, `-` and `_` (a CSS class name that needs
/// no escaping in a stylesheet).
pub fn is_class_name(class: &str) -> bool {
    class
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

const ANCHOR_HELP: &str = "an anchor id starts with a letter or digit and holds only letters \
     (a-z, A-Z), digits, `-` and `_`, e.g. {#staff-duties}";

/// The ids used on one page. Hands out unique ids in time linear in the
/// number of headings: each base remembers the last suffix it gave, so
/// the thousandth `## Notes` does not try `notes-1` … `notes-999` again.
#[derive(Debug, Default)]
pub struct Anchors {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Anchors {
    /// Claims `id` exactly as written; false if the page already uses it.
    pub fn claim(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// `base` if it is free, else the first free of `base-1`, `base-2`, …;
    /// claims and returns it. A suffix is never tried twice for one base
    /// (the ones skipped were taken, and taken ids stay taken).
    pub fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(0);
        loop {
            *n += 1;
            let id = format!("{base}-{n}");
            if !self.used.contains(&id) {
                self.used.insert(id.clone());
                return id;
            }
        }
    }

    /// Every id claimed, sorted.
    pub fn into_sorted(self) -> Vec<String> {
        let mut out: Vec<String> = self.used.into_iter().collect();
        out.sort();
        out
    }
}

/// Where links point: used to decide whether to rewrite and check them.
fn is_external(url: &str) -> bool {
    if url.starts_with("//") || url.starts_with('/') {
        return true;
    }
    match url.find(':') {
        Some(colon) => {
            let scheme = &url[..colon];
            !scheme.is_empty()
                && !scheme.contains(['/', '#', '?'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

/// Rewrites a relative link: `x.md#a` → `prefix + x.html#a`.
fn rewrite_link(url: &str, options: &RenderOptions<'_>) -> String {
    if let Some(anchor) = url.strip_prefix('#') {
        return match options.page_url {
            Some(page) => format!("{}{page}#{anchor}", options.link_prefix),
            None => format!("#{}{anchor}", options.id_prefix),
        };
    }
    let (path, rest) = match url.find(['#', '?']) {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let path = if path.ends_with(".md") {
        source_to_url(path)
    } else {
        path.to_string()
    };
    format!("{}{path}{rest}", options.link_prefix)
}

/// Renders one page body. `first_line` is the line of the file on which
/// `markdown` starts, so that problems and links carry file lines.
pub fn render(markdown: &str, first_line: usize, options: &RenderOptions<'_>) -> Rendered {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(markdown.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| line_starts.partition_point(|&s| s <= offset) + first_line - 1;

    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        TextMergeWithOffset::new(Parser::new_ext(markdown, parser_options()).into_offset_iter())
            .collect();

    let mut out = Rendered::default();
    let mut anchors = Anchors::default();
    let problem = |out: &mut Rendered, offset: usize, message: String, help: &str| {
        out.problems.push(Problem {
            line: line_at(offset),
            message,
            help: help.to_string(),
        });
    };

    // Pass 1: the ids the author wrote (paragraph, item and heading
    // `{#id}`s) are claimed first, so heading slugs step around them.
    let mut block_ids: HashMap<usize, String> = HashMap::new();
    let mut stripped: HashMap<usize, String> = HashMap::new();
    let mut heading_ids: HashMap<usize, String> = HashMap::new();
    let mut heading_classes: HashMap<usize, String> = HashMap::new();
    let mut open_blocks = Vec::new();
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => open_blocks.push(i),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                let start = open_blocks.pop();
                if let (Some(start), Some((Event::Text(text), _))) = (start, events.get(i - 1))
                    && let Some((rest, id)) = trailing_anchor(text)
                    && !block_ids.contains_key(&start)
                {
                    if !is_anchor_id(id) {
                        problem(
                            &mut out,
                            range.start,
                            format!("the anchor `{{#{}}}` is not a valid id", terminal_safe(id)),
                            ANCHOR_HELP,
                        );
                        continue;
                    }
                    if !anchors.claim(id) {
                        problem(
                            &mut out,
                            range.start,
                            format!("the anchor `{{#{id}}}` is used twice on this page"),
                            "give each anchor on a page a different name",
                        );
                    }
                    block_ids.insert(start, id.to_string());
                    stripped.insert(i - 1, rest.to_string());
                }
            }
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) => {
                if let Some(id) = id {
                    if !is_anchor_id(id) {
                        problem(
                            &mut out,
                            range.start,
                            format!(
                                "the heading id `{{#{}}}` is not a valid id",
                                terminal_safe(id)
                            ),
                            ANCHOR_HELP,
                        );
                    } else {
                        if !anchors.claim(id) {
                            problem(
                                &mut out,
                                range.start,
                                format!("the anchor `{id}` is used twice on this page"),
                                "give each heading on a page a different {#id}",
                            );
                        }
                        heading_ids.insert(i, id.to_string());
                    }
                }
                for class in classes {
                    if !is_class_name(class) {
                        problem(
                            &mut out,
                            range.start,
                            format!(
                                "the heading class `{{.{}}}` is not a valid class name",
                                terminal_safe(class)
                            ),
                            "a class starts with a letter and holds only letters (a-z, A-Z), \
                             digits, `-` and `_`, e.g. {.note}",
                        );
                    }
                }
                if classes.iter().all(|c| is_class_name(c)) && !classes.is_empty() {
                    let list: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                    heading_classes.insert(i, list.join(" "));
                }
                for (key, _) in attrs {
                    problem(
                        &mut out,
                        range.start,
                        format!(
                            "the heading attribute `{}` is not allowed",
                            terminal_safe(key)
                        ),
                        "a heading takes only {#id} and {.class} in its braces, e.g. \
                         `## Staff {#staff .note}`",
                    );
                }
            }
            _ => {}
        }
    }
    // Then each heading without an id of its own gets one from its text.
    let mut heading_start = None;
    let mut heading_text = String::new();
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(i);
                heading_text.clear();
            }
            Event::Text(text) | Event::Code(text) if heading_start.is_some() => {
                heading_text.push_str(text);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(start) = heading_start.take()
                    && !heading_ids.contains_key(&start)
                {
                    let id = anchors.unique(slugify(&heading_text));
                    heading_ids.insert(start, id);
                }
            }
            _ => {}
        }
    }

    // Pass 2: HTML, links, text.
    let mut html_events: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut part = TextPart {
        heading: String::new(),
        anchor: String::new(),
        text: String::new(),
    };
    let mut in_heading: Option<(u8, String)> = None;
    let mut code: Option<(String, String)> = None;
    let mut in_image = 0usize;
    for (i, (event, range)) in events.iter().enumerate() {
        if let Some((lang, buffer)) = &mut code {
            match event {
                Event::Text(text) => {
                    buffer.push_str(text);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (html, highlighted) = code_block(lang, buffer);
                    out.highlighted |= highlighted;
                    part.text.push_str(buffer);
                    html_events.push(Event::Html(html.into()));
                    code = None;
                    continue;
                }
                _ => {}
            }
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let id = heading_ids.get(&i).cloned().unwrap_or_default();
                let n = heading_number(*level);
                let class = heading_classes
                    .get(&i)
                    .map(|c| format!(" class=\"{}\"", html::escape(c)))
                    .unwrap_or_default();
                html_events.push(Event::Html(
                    format!("<h{n} id=\"{}\"{class}>", id_attr(options.id_prefix, &id)).into(),
                ));
                in_heading = Some((n, id));
                if !part.text.trim().is_empty() || !part.heading.is_empty() {
                    out.parts.push(std::mem::replace(
                        &mut part,
                        TextPart {
                            heading: String::new(),
                            anchor: String::new(),
                            text: String::new(),
                        },
                    ));
                }
                part.heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((n, id)) = in_heading.take() {
                    html_events.push(Event::Html(format!("</h{n}>\n").into()));
                    part.heading = part.heading.trim().to_string();
                    part.anchor = id.clone();
                    if n == 2 || n == 3 {
                        out.toc.push(TocEntry {
                            level: n,
                            id,
                            title: part.heading.clone(),
                        });
                    }
                }
            }
            Event::Start(Tag::Paragraph) => match block_ids.get(&i) {
                Some(id) => html_events.push(Event::Html(
                    format!("<p id=\"{}\">", id_attr(options.id_prefix, id)).into(),
                )),
                None => html_events.push(event.clone()),
            },
            Event::End(TagEnd::Paragraph) => {
                part.text.push(' ');
                html_events.push(event.clone());
            }
            Event::Start(Tag::Item) => match block_ids.get(&i) {
                Some(id) => html_events.push(Event::Html(
                    format!("<li id=\"{}\">", id_attr(options.id_prefix, id)).into(),
                )),
                None => html_events.push(event.clone()),
            },
            Event::End(TagEnd::Item) => {
                part.text.push(' ');
                html_events.push(Event::Html("</li>\n".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([',', ' ']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = dest_url.as_ref();
                let dest = if is_external(url) {
                    url.to_string()
                } else {
                    if url.starts_with('#')
                        || url
                            .split(['#', '?'])
                            .next()
                            .is_some_and(|p| p.ends_with(".md"))
                    {
                        out.links.push(LinkRef {
                            target: url.to_string(),
                            line: line_at(range.start),
                        });
                    }
                    rewrite_link(url, options)
                };
                html_events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(dest),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_image += 1;
                let url = dest_url.as_ref();
                let dest = if is_external(url) {
                    url.to_string()
                } else {
                    rewrite_link(url, options)
                };
                html_events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(dest),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                html_events.push(event.clone());
            }
            Event::Text(text) => {
                let text: CowStr<'_> = match stripped.get(&i) {
                    Some(rest) => CowStr::from(rest.clone()),
                    None => text.clone(),
                };
                if in_heading.is_some() {
                    part.heading.push_str(&text);
                } else if in_image == 0 {
                    part.text.push_str(&text);
                }
                html_events.push(Event::Text(text));
            }
            Event::Code(text) => {
                if in_heading.is_some() {
                    part.heading.push_str(text);
                } else {
                    part.text.push_str(text);
                }
                html_events.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                part.text.push(' ');
                html_events.push(event.clone());
            }
            _ => html_events.push(event.clone()),
        }
    }
    if !part.text.trim().is_empty() || !part.heading.is_empty() {
        out.parts.push(part);
    }
    out.word_count = 0;
    for part in &mut out.parts {
        let mut text = String::with_capacity(part.text.len());
        for word in part.text.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
            out.word_count += 1;
        }
        part.text = text;
        out.word_count += part.heading.split_whitespace().count();
    }
    out.anchors = anchors.into_sorted();
    pulldown_cmark::html::push_html(&mut out.html, html_events.into_iter());
    out
}

/// An `id` attribute's value: the page's prefix (made from its file name,
/// which may hold any character) and the id, escaped for HTML.
fn id_attr(prefix: &str, id: &str) -> String {
    html::escape(&format!("{prefix}{id}")).into_owned()
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn syntax_set() -> &'static syntect::parsing::SyntaxSet {
    static SYNTAXES: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

const CLASS_STYLE: syntect::html::ClassStyle =
    syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// A fenced code block as HTML; highlighted (with CSS classes) when the
/// language is known. Returns the HTML and whether it was highlighted.
fn code_block(lang: &str, code: &str) -> (String, bool) {
    let mut html = String::new();
    if !lang.is_empty() {
        let syntaxes = syntax_set();
        if let Some(syntax) = syntaxes.find_syntax_by_token(lang) {
            let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                syntax,
                syntaxes,
                CLASS_STYLE,
            );
            let ok = syntect::util::LinesWithEndings::from(code).all(|line| {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_ok()
            });
            if ok {
                let _ = writeln!(
                    html,
                    "<pre class=\"code hl-code\" data-lang=\"{}\"><code>{}</code></pre>",
                    html::escape(lang),
                    generator.finalize()
                );
                return (html, true);
            }
        }
    }
    let _ = writeln!(
        html,
        "<pre class=\"code\"><code>{}</code></pre>",
        html::escape(code)
    );
    (html, false)
}

/// The stylesheet for highlighted code, written to the output as
/// `syntax.css` when some page has highlighted code.
pub fn syntax_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let light = themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| syntect::html::css_for_theme_with_class_style(t, CLASS_STYLE).ok())
        .unwrap_or_default();
    let dark = themes
        .themes
        .get("base16-ocean.dark")
        .and_then(|t| syntect::html::css_for_theme_with_class_style(t, CLASS_STYLE).ok())
        .unwrap_or_default();
    format!(
        "/* Generated by handbook from syntect's themes. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, 1, &RenderOptions::default()).html
    }

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slugify("Staff and Volunteers"), "staff-and-volunteers");
        assert_eq!(
            slugify("Administrators / Moderators"),
            "administrators-moderators"
        );
        assert_eq!(
            slugify("Roles & Responsibilities"),
            "roles-responsibilities"
        );
        assert_eq!(slugify("  ?? "), "section");
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
    fn anchor_ids_follow_one_rule() {
        for good in ["staff", "Staff-2", "para_3", "1-2", "x"] {
            assert!(is_anchor_id(good), "{good}");
        }
        for bad in ["", "-x", "_x", "x y", "x\"y", "zoë", "a/b", "a.b", "<x>"] {
            assert!(!is_anchor_id(bad), "{bad}");
        }
        assert!(is_class_name("note") && is_class_name("call-out_2"));
        for bad in ["", "2col", "-x", "x\"y", "a b", "a.b"] {
            assert!(!is_class_name(bad), "{bad}");
        }
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
    fn unique_hands_out_each_suffix_once() {
        let mut anchors = Anchors::default();
        assert!(anchors.claim("a-2"));
        assert!(!anchors.claim("a-2"));
        let got: Vec<String> = (0..4).map(|_| anchors.unique("a".to_string())).collect();
        assert_eq!(got, ["a", "a-1", "a-3", "a-4"]);
        assert_eq!(anchors.next["a"], 4, "the counter only moves forward");
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
}
