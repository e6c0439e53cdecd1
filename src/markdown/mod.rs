//! Markdown to HTML with pulldown-cmark: stable heading anchors, paragraph
//! anchors, internal `.md` links rewritten to the built pages, syntect
//! highlighting for fenced code, and footnotes with a way back.
//!
//! Takes one page's Markdown (and the line of its file it starts on);
//! gives its HTML and what later stages need: the anchors the page defines,
//! the internal links it makes (with their lines, for the link checker),
//! its table of contents, its plain text (for search) and its problems.
//! Rendering is two passes over pulldown-cmark's events: `anchors`
//! decides every id first, then `Writer` writes the HTML, with `links`
//! rewriting addresses, `highlight` colouring code and `footnotes`
//! gathering the notes to list at the end.

use std::ops::Range;

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeWithOffset,
};
use serde::Serialize;

use crate::util::html;
use crate::util::text::terminal_safe;

mod anchors;
mod footnotes;
mod highlight;
mod links;

pub(crate) use highlight::syntax_css;

/// The words the generator writes into a page's HTML. The site passes
/// them in the site's language (the theme's translation, `markdown.*`);
/// the default is British English. `{n}`, `{k}` and `{language}` are
/// filled in.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// The title of a page's footnotes: "Notes".
    pub notes: &'a str,
    /// A footnote's link back to its reference: "Back to reference {n}".
    pub back_to_reference: &'a str,
    /// The same for the `k`th reference to the note: "Back to reference
    /// {n} ({k})".
    pub back_to_reference_again: &'a str,
    /// The accessible name of a code block: "Code".
    pub code: &'a str,
    /// The same with its language: "Code: {language}".
    pub code_language: &'a str,
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels {
            notes: "Notes",
            back_to_reference: "Back to reference {n}",
            back_to_reference_again: "Back to reference {n} ({k})",
            code: "Code",
            code_language: "Code: {language}",
        }
    }
}

/// How links should be written for the place the HTML will be shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Prepended to every relative link and image (e.g. `../` when a
    /// page's text is shown one folder deeper than the page itself).
    pub link_prefix: &'a str,
    /// The page's own address (from the site root): when set, `#anchor`
    /// links are written as `prefix + its file name#anchor`, so that they
    /// still reach the page when its text is shown elsewhere.
    pub page_url: Option<&'a str>,
    /// Prepended to every id the page defines (and to its own `#anchor`
    /// links), so that several pages can share one HTML document.
    pub id_prefix: &'a str,
    /// The words the generator adds (footnotes, code blocks).
    pub labels: Labels<'a>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// Whether a fenced code block was highlighted: the page needs
    /// `syntax.css`, and so does every page that shows this text (a
    /// course module page, a print page).
    pub highlighted: bool,
    /// Words of text.
    pub word_count: usize,
    /// Problems such as duplicate anchors.
    pub problems: Vec<Problem>,
    /// Things worth a warning that do not stop a build, such as a code
    /// language handbook cannot highlight.
    pub warnings: Vec<Problem>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A page's events, each with the byte range of the Markdown it comes from.
type Events<'a> = [(Event<'a>, Range<usize>)];

/// Finds the line of the file a byte of the Markdown is on.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(markdown: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(markdown.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    /// The line of the file that byte `offset` of the Markdown is on.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) + self.first_line - 1
    }
}

/// Renders one page body. `first_line` is the line of the file on which
/// `markdown` starts, so that problems and links carry file lines.
pub fn render(markdown: &str, first_line: usize, options: &RenderOptions<'_>) -> Rendered {
    render_once(markdown, first_line, options, Output::Html)
}

/// What the checks need of a page body, without writing its HTML or
/// colouring its code: its ids, links, problems, warnings and word count
/// (`highlighted` says whether a code block names a language handbook
/// highlights). A build checks every page this way before it writes any.
pub fn render_for_checks(
    markdown: &str,
    first_line: usize,
    options: &RenderOptions<'_>,
) -> Rendered {
    render_once(markdown, first_line, options, Output::Checks)
}

/// [`render`] or [`render_for_checks`], as `output` says.
fn render_once(
    markdown: &str,
    first_line: usize,
    options: &RenderOptions<'_>,
    output: Output,
) -> Rendered {
    let lines = LineIndex::new(markdown, first_line);
    let events = parse(markdown);
    write(
        events,
        markdown,
        &lines,
        options,
        output,
        &mut Highlights::default(),
    )
}

/// Renders one page body for its own page (`own`) and, from the same
/// parse and with its code coloured once, as shown on another output page
/// (`elsewhere`: a printable policy): the first rendering whole, and the
/// second's HTML.
pub fn render_twice(
    markdown: &str,
    first_line: usize,
    own: &RenderOptions<'_>,
    elsewhere: &RenderOptions<'_>,
) -> (Rendered, String) {
    let lines = LineIndex::new(markdown, first_line);
    let events = parse(markdown);
    let mut highlights = Highlights::default();
    let shown = write(
        events.clone(),
        markdown,
        &lines,
        elsewhere,
        Output::Html,
        &mut highlights,
    );
    highlights.next = 0;
    let rendered = write(events, markdown, &lines, own, Output::Html, &mut highlights);
    (rendered, shown.html)
}

/// A page body's events, with the byte range each comes from.
fn parse(markdown: &str) -> Vec<(Event<'_>, Range<usize>)> {
    TextMergeWithOffset::new(Parser::new_ext(markdown, parser_options()).into_offset_iter())
        .collect()
}

/// Whether a rendering writes HTML or only gathers what the checks need.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Html,
    Checks,
}

/// The code blocks of one page body as HTML, in order, with whether each
/// was highlighted: a page rendered twice colours its code once.
#[derive(Default)]
struct Highlights {
    done: Vec<(String, bool)>,
    /// The next block's place in `done`.
    next: usize,
}

impl Highlights {
    /// The HTML of the next code block, coloured unless it was before.
    fn code_block(&mut self, lang: &str, code: &str, labels: &Labels<'_>) -> (String, bool) {
        if self.next == self.done.len() {
            self.done.push(highlight::code_block(lang, code, labels));
        }
        self.next += 1;
        self.done[self.next - 1].clone()
    }
}

/// Writes one rendering of `events` for `options`: the links in raw HTML
/// are checked and rewritten, every id is decided, then the HTML and the
/// rest are gathered.
fn write<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
    markdown: &str,
    lines: &LineIndex,
    options: &RenderOptions<'_>,
    output: Output,
    highlights: &mut Highlights,
) -> Rendered {
    let mut out = Rendered::default();
    links::check_raw(&mut events, lines, options, &mut out);
    let ids = anchors::assign(&events, markdown, lines, &mut out.problems);
    let mut writer = Writer {
        options,
        output,
        highlights,
        ids: &ids,
        lines,
        out,
        html: Vec::with_capacity(events.len()),
        part: TextPart::default(),
        heading: None,
        code: None,
        in_image: 0,
        notes: footnotes::Notes::default(),
        note: None,
    };
    for (i, (event, range)) in events.iter().enumerate() {
        writer.event(i, event, range);
    }
    writer.finish()
}

/// The second pass: writes the HTML events and gathers the table of
/// contents, the links and the text, one event at a time.
struct Writer<'a, 'r> {
    options: &'r RenderOptions<'r>,
    output: Output,
    highlights: &'r mut Highlights,
    ids: &'r anchors::PageIds,
    lines: &'r LineIndex,
    out: Rendered,
    /// The events to write as HTML.
    html: Vec<Event<'a>>,
    /// The text under the current heading.
    part: TextPart,
    /// Inside a heading: its level and id.
    heading: Option<(u8, String)>,
    /// Inside a code block: its language and its text so far.
    code: Option<(String, String)>,
    /// How many images deep (their alt text is not part of the page text).
    in_image: usize,
    /// The page's footnotes so far.
    notes: footnotes::Notes<'a>,
    /// Inside a footnote's definition: its label, its line and the page's
    /// HTML events until it started (the note's own go to `html`).
    note: Option<(String, usize, Vec<Event<'a>>)>,
}

impl<'a> Writer<'a, '_> {
    fn event(&mut self, i: usize, event: &Event<'a>, range: &Range<usize>) {
        if self.code.is_some() && self.code_event(event) {
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => self.open_heading(i, *level),
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            Event::Start(Tag::Paragraph) => self.open_block(i, "p", event),
            Event::Start(Tag::Item) => self.open_block(i, "li", event),
            Event::End(TagEnd::Paragraph) => {
                self.part.text.push(' ');
                self.html.push(event.clone());
            }
            Event::End(TagEnd::Item) => {
                self.part.text.push(' ');
                self.html.push(Event::Html("</li>\n".into()));
            }
            // A table's cells are words apart in the search text, as on
            // the page.
            Event::End(TagEnd::TableCell) => {
                self.part.text.push(' ');
                self.html.push(event.clone());
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = highlight::language(kind);
                if let Some(hint) = highlight::unknown(&lang) {
                    self.out.warnings.push(Problem {
                        line: self.lines.line(range.start),
                        message: format!(
                            "the code language `{}` is not one handbook can highlight; \
                             the block is shown as plain text",
                            terminal_safe(&lang)
                        ),
                        help: hint,
                    });
                }
                self.code = Some((lang, String::new()));
            }
            Event::FootnoteReference(label) => {
                let html = self.notes.reference(label, self.options.id_prefix);
                self.html.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let page = std::mem::take(&mut self.html);
                self.note = Some((label.to_string(), self.lines.line(range.start), page));
            }
            Event::End(TagEnd::FootnoteDefinition) => self.close_note(),
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                if let Some(target) = links::checked_target(tag) {
                    self.out.links.push(LinkRef {
                        target: target.to_string(),
                        line: self.lines.line(range.start),
                    });
                }
                if matches!(tag, Tag::Image { .. }) {
                    self.in_image += 1;
                }
                self.html
                    .push(Event::Start(links::rewritten(tag, self.options)));
            }
            Event::End(TagEnd::Image) => {
                self.in_image = self.in_image.saturating_sub(1);
                self.html.push(event.clone());
            }
            Event::Text(text) => {
                let text: CowStr<'a> = match self.ids.stripped.get(&i) {
                    Some(rest) => CowStr::from(rest.clone()),
                    None => text.clone(),
                };
                if self.heading.is_some() {
                    self.part.heading.push_str(&text);
                } else if self.in_image == 0 {
                    self.part.text.push_str(&text);
                }
                self.html.push(Event::Text(text));
            }
            Event::Code(text) => {
                if self.heading.is_some() {
                    self.part.heading.push_str(text);
                } else {
                    self.part.text.push_str(text);
                }
                self.html.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                self.part.text.push(' ');
                self.html.push(event.clone());
            }
            _ => self.html.push(event.clone()),
        }
    }

    /// Inside a code block: gathers its text, and at its end writes it
    /// highlighted. True if the event was the code block's.
    fn code_event(&mut self, event: &Event<'a>) -> bool {
        let Some((lang, buffer)) = &mut self.code else {
            return false;
        };
        match event {
            Event::Text(text) => buffer.push_str(text),
            Event::End(TagEnd::CodeBlock) if self.output == Output::Checks => {
                self.out.highlighted |= highlight::known(lang);
                self.part.text.push_str(buffer);
                self.code = None;
            }
            Event::End(TagEnd::CodeBlock) => {
                let (html, highlighted) =
                    (self.highlights).code_block(lang, buffer, &self.options.labels);
                self.out.highlighted |= highlighted;
                self.part.text.push_str(buffer);
                self.html.push(Event::Html(html.into()));
                self.code = None;
            }
            _ => return false,
        }
        true
    }

    /// The end of a footnote's definition: its HTML is kept for the
    /// notes at the end of the page.
    fn close_note(&mut self) {
        let Some((label, line, page)) = self.note.take() else {
            return;
        };
        let note = std::mem::replace(&mut self.html, page);
        if !self.notes.define(&label, line, note) {
            self.out.problems.push(Problem {
                line,
                message: format!(
                    "the footnote `[^{}]` is defined twice on this page",
                    terminal_safe(&label)
                ),
                help: "give each footnote its own label, or remove the second definition"
                    .to_string(),
            });
        }
    }

    /// A heading starts a new text part; it is written with its id and
    /// classes.
    fn open_heading(&mut self, i: usize, level: HeadingLevel) {
        let id = self.ids.headings.get(&i).cloned().unwrap_or_default();
        let n = heading_number(level);
        let class = self
            .ids
            .classes
            .get(&i)
            .map(|c| format!(" class=\"{}\"", html::escape(c)))
            .unwrap_or_default();
        self.html.push(Event::Html(
            format!(
                "<h{n} id=\"{}\"{class}>",
                id_attr(self.options.id_prefix, &id)
            )
            .into(),
        ));
        self.heading = Some((n, id));
        if !self.part.text.trim().is_empty() || !self.part.heading.is_empty() {
            self.out.parts.push(std::mem::take(&mut self.part));
        }
        self.part.heading.clear();
    }

    fn close_heading(&mut self) {
        let Some((n, id)) = self.heading.take() else {
            return;
        };
        self.html.push(Event::Html(format!("</h{n}>\n").into()));
        self.part.heading = self.part.heading.trim().to_string();
        self.part.anchor = id.clone();
        if n == 2 || n == 3 {
            self.out.toc.push(TocEntry {
                level: n,
                id,
                title: self.part.heading.clone(),
            });
        }
    }

    /// A paragraph or list item: with its `{#id}` if it has one.
    fn open_block(&mut self, i: usize, element: &str, event: &Event<'a>) {
        match self.ids.blocks.get(&i) {
            Some(id) => self.html.push(Event::Html(
                format!("<{element} id=\"{}\">", id_attr(self.options.id_prefix, id)).into(),
            )),
            None => self.html.push(event.clone()),
        }
    }

    /// The last text part, the word count (whitespace collapsed), the ids
    /// and the HTML.
    fn finish(mut self) -> Rendered {
        let mut out = self.out;
        if !self.part.text.trim().is_empty() || !self.part.heading.is_empty() {
            out.parts.push(std::mem::take(&mut self.part));
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
        out.anchors = self.ids.all.clone();
        let mut html = self.html;
        if !self.notes.is_empty() {
            let (notes, unreferenced) = self
                .notes
                .finish(self.options.id_prefix, &self.options.labels);
            html.extend(notes);
            for (label, line) in unreferenced {
                out.warnings.push(Problem {
                    line,
                    message: format!(
                        "nothing on the page refers to the footnote `[^{}]`",
                        terminal_safe(&label)
                    ),
                    help: format!(
                        "refer to it in the text with [^{}], or remove it",
                        terminal_safe(&label)
                    ),
                });
            }
        }
        if self.output == Output::Html {
            pulldown_cmark::html::push_html(&mut out.html, html.into_iter());
        }
        out
    }
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

#[cfg(test)]
mod tests;
