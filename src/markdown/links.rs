//! Links and images: a relative `.md` link is rewritten to the page it
//! builds (`roles.md#staff` → `roles.html#staff`), a prefix is added when
//! the text is shown in another folder or document (and the result
//! normalised, so `../devices/../purpose.html` becomes `../purpose.html`),
//! and addresses of other sites are left alone. Raw HTML in the Markdown
//! is read as a browser would: its links and images are rewritten the same
//! way, and anything that would load from another site (`<img src>`,
//! `<iframe>`, `<script src>`, `<link href>`, `srcset`, `url(…)` in styles)
//! is a problem, since the site promises no request to any other site.
//! Every internal link and image is what the link checker checks.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use pulldown_cmark::{CowStr, Event, Tag};

use super::{LineIndex, LinkRef, Problem, RenderOptions, Rendered};
use crate::content::source_to_url;
use crate::util::html;

/// True for an address of another site or scheme: one with a scheme
/// (`https:`, `mailto:`, `data:`) or starting `//`. Those are never
/// rewritten nor checked as files. A path rooted at `/` is the site's
/// (and the checker refuses it).
fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
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

/// True for an address that makes the browser ask another computer: any
/// external address except `data:`, which is inside the page.
fn loads_from_elsewhere(url: &str) -> bool {
    let url = url.trim();
    is_external(url)
        && !url
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
}

/// `path` with `.` segments dropped and each `..` taking away the folder
/// before it, as a browser resolves it (`%2e` counts as a dot). Leading
/// `..` stay.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let lower = segment.to_ascii_lowercase();
        let dots = lower.replace("%2e", ".");
        match dots.as_str() {
            "." => {}
            "" if i + 1 < segments.len() => {}
            ".." => match parts.last() {
                Some(last) if *last != ".." => {
                    parts.pop();
                }
                _ => parts.push(".."),
            },
            _ => parts.push(segment),
        }
    }
    let mut out = parts.join("/");
    // `a/.` and `a/..` name a folder: keep the slash that says so.
    if segments
        .last()
        .is_some_and(|s| matches!(s.replace("%2e", ".").as_str(), "." | ".."))
        && !out.is_empty()
    {
        out.push('/');
    }
    if out.is_empty() {
        "./".to_string()
    } else {
        out
    }
}

/// Rewrites a relative link for where the HTML is shown: `x.md#a` →
/// `prefix + x.html#a`, normalised. A link rooted at `/` is left as it is
/// (the checker refuses it).
fn rewrite(url: &str, options: &RenderOptions<'_>) -> String {
    if let Some(anchor) = url.strip_prefix('#') {
        return match options.page_url {
            Some(page) => {
                let name = page.rsplit('/').next().unwrap_or(page);
                format!(
                    "{}#{anchor}",
                    normalise(&format!("{}{name}", options.link_prefix))
                )
            }
            None => format!("#{}{anchor}", options.id_prefix),
        };
    }
    if url.starts_with('/') {
        return url.to_string();
    }
    let (path, rest) = match url.find(['#', '?']) {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    if path.is_empty() {
        return url.to_string();
    }
    let path = if path.ends_with(".md") {
        source_to_url(path)
    } else {
        path.to_string()
    };
    format!(
        "{}{rest}",
        normalise(&format!("{}{path}", options.link_prefix))
    )
}

/// A link's or image's target when the link checker should check it:
/// anything that is not another site's address (an `#anchor`, a page, a
/// picture, a file, and the links the checker refuses: `/x.md`,
/// `roles.html`, `devices/`).
pub(super) fn checked_target<'t>(tag: &'t Tag<'_>) -> Option<&'t str> {
    let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = tag else {
        return None;
    };
    let url = dest_url.as_ref();
    (!url.is_empty() && !is_external(url)).then_some(url)
}

/// A link or image start tag with its address written for where the HTML
/// is shown; any other tag as it is.
pub(super) fn rewritten<'a>(tag: &Tag<'a>, options: &RenderOptions<'_>) -> Tag<'a> {
    let dest = |url: &CowStr<'a>| -> CowStr<'a> {
        if url.is_empty() || is_external(url) {
            url.clone()
        } else {
            CowStr::from(rewrite(url, options))
        }
    };
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Link {
            link_type: *link_type,
            dest_url: dest(dest_url),
            title: title.clone(),
            id: id.clone(),
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } => Tag::Image {
            link_type: *link_type,
            dest_url: dest(dest_url),
            title: title.clone(),
            id: id.clone(),
        },
        other => other.clone(),
    }
}

/// The help for anything that would load from another site.
const ELSEWHERE_HELP: &str = "the site makes no request to any other site: save the file in \
     content/ (e.g. beside this page) and refer to it relatively, e.g. `images/chart.png`; to \
     point readers at another site, use a plain link such as `[the video](https://…)`";

/// Before the HTML is written: every Markdown image that would load from
/// another site is a problem, and every run of raw HTML has its links and
/// images checked and rewritten for where it is shown (see [`raw_html`]).
/// Consecutive raw HTML events are read as one, as a tag may span lines.
pub(super) fn check_raw(
    events: &mut [(Event<'_>, Range<usize>)],
    lines: &LineIndex,
    options: &RenderOptions<'_>,
    out: &mut Rendered,
) {
    let mut i = 0;
    while i < events.len() {
        let inline = match &events[i].0 {
            Event::Start(Tag::Image { dest_url, .. }) => {
                if loads_from_elsewhere(dest_url) {
                    out.problems.push(Problem {
                        line: lines.line(events[i].1.start),
                        message: format!(
                            "the image `{}` would load from another site",
                            crate::util::text::terminal_safe(dest_url)
                        ),
                        help: ELSEWHERE_HELP.to_string(),
                    });
                }
                i += 1;
                continue;
            }
            Event::Html(_) => false,
            Event::InlineHtml(_) => true,
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i;
        let mut text = String::new();
        while let Some((Event::Html(t) | Event::InlineHtml(t), _)) = events.get(i) {
            if matches!(events[i].0, Event::InlineHtml(_)) != inline {
                break;
            }
            text.push_str(t);
            i += 1;
        }
        let first_line = lines.line(events[start].1.start);
        let html = raw_html(&text, first_line, options, out);
        events[start].0 = if inline {
            Event::InlineHtml(html.into())
        } else {
            Event::Html(html.into())
        };
        for (event, _) in &mut events[start + 1..i] {
            *event = if inline {
                Event::InlineHtml("".into())
            } else {
                Event::Html("".into())
            };
        }
    }
}

/// What an attribute's address does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A link the reader follows (`<a href>`): another site is fine.
    Link,
    /// Something the browser fetches to show the page.
    Load,
}

/// How the attribute `attr` of an element `tag` is read: as one address,
/// a list of them (`srcset`), or a style with `url(…)`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    One(Use),
    SourceSet,
    Style,
}

fn attribute_kind(tag: &str, attr: &str) -> Option<Attr> {
    Some(match attr {
        "href" if matches!(tag, "a" | "area") => Attr::One(Use::Link),
        "href" | "xlink:href" | "src" | "poster" | "data" | "action" | "formaction"
        | "background" | "ping" | "manifest" | "longdesc" | "cite" => Attr::One(Use::Load),
        "srcset" | "imagesrcset" => Attr::SourceSet,
        "style" => Attr::Style,
        _ => return None,
    })
}

/// One run of raw HTML, checked and rewritten: returns the HTML to write.
/// `first_line` is the line of the file it starts on.
fn raw_html(
    text: &str,
    first_line: usize,
    options: &RenderOptions<'_>,
    out: &mut Rendered,
) -> String {
    // (range in `text`, replacement)
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let line_at = |offset: usize| first_line + text[..offset].matches('\n').count();
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut in_style = false;
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                in_style = name == "style" && !tag.self_closing;
                if name == "base" {
                    out.problems.push(Problem {
                        line: line_at(tag.span.start),
                        message: "a `<base>` element changes where every link of the page goes"
                            .to_string(),
                        help: "remove it; links are written relative to each page".to_string(),
                    });
                }
                for (attr, value) in &tag.attributes {
                    let attr = String::from_utf8_lossy(attr).to_ascii_lowercase();
                    let Some(kind) = attribute_kind(&name, &attr) else {
                        continue;
                    };
                    let Some(range) = value_range(text, value.span.start) else {
                        continue;
                    };
                    let line = line_at(value.span.start);
                    let value = String::from_utf8_lossy(&value.value).into_owned();
                    let at = Place {
                        line,
                        tag: &name,
                        attr: &attr,
                    };
                    let new = match kind {
                        Attr::One(usage) => address(&value, usage, &at, options, out),
                        Attr::SourceSet => source_set(&value, &at, options, out),
                        Attr::Style => style(&value, &at, options, out),
                    };
                    if let Some(new) = new {
                        edits.push((range, format!("\"{}\"", html::escape(&new))));
                    }
                }
            }
            Token::EndTag(_) => in_style = false,
            Token::String(css) if in_style => {
                let at = Place {
                    line: line_at(css.span.start),
                    tag: "style",
                    attr: "",
                };
                if let Some(new) = style(&String::from_utf8_lossy(&css.value), &at, options, out) {
                    // The text of a `<style>` is not escaped.
                    edits.push((css.span.start..css.span.end, new));
                }
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return text.to_string();
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut html = String::with_capacity(text.len() + 32);
    let mut from = 0;
    for (range, new) in edits {
        if range.start < from {
            continue;
        }
        html.push_str(&text[from..range.start]);
        html.push_str(&new);
        from = range.end;
    }
    html.push_str(&text[from..]);
    html
}

/// Where an address was found, for its problem.
#[derive(Clone, Copy)]
struct Place<'p> {
    line: usize,
    tag: &'p str,
    attr: &'p str,
}

/// The range of an attribute's value (with its quotes) in `text`, the
/// attribute's name starting at `start`; `None` for an attribute without
/// a value.
fn value_range(text: &str, start: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
    {
        i += 1;
    }
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if bytes.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    let from = i;
    match bytes.get(i) {
        Some(&quote @ (b'"' | b'\'')) => {
            let end = text[i + 1..].find(char::from(quote))? + i + 2;
            Some(from..end)
        }
        Some(_) => {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                i += 1;
            }
            Some(from..i)
        }
        None => None,
    }
}

/// One address of raw HTML: a problem if it would load from another
/// site; an internal one is recorded for the checker and rewritten.
/// Returns the new address if it changes.
fn address(
    url: &str,
    usage: Use,
    at: &Place<'_>,
    options: &RenderOptions<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if is_external(url) {
        if usage == Use::Load && loads_from_elsewhere(url) {
            let help = if at.tag == "iframe" {
                "the site makes no request to any other site, so it cannot show another site's \
                 page inside its own: link to it instead, e.g. `<a href=\"https://…\">watch the video</a>`"
                    .to_string()
            } else {
                ELSEWHERE_HELP.to_string()
            };
            let url = crate::util::text::terminal_safe(url);
            let message = if at.tag == "style" || at.attr == "style" {
                format!(
                    "`{url}` in the style of a `<{}>` would load from another site",
                    at.tag
                )
            } else {
                format!(
                    "`<{} {}=\"{url}\">` would load from another site",
                    at.tag, at.attr
                )
            };
            out.problems.push(Problem {
                line: at.line,
                message,
                help,
            });
        }
        return None;
    }
    out.links.push(LinkRef {
        target: url.to_string(),
        line: at.line,
    });
    let new = rewrite(url, options);
    (new != url).then_some(new)
}

/// A `srcset`: addresses each followed by an optional size, separated by
/// commas.
fn source_set(
    value: &str,
    at: &Place<'_>,
    options: &RenderOptions<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = value
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (url, size) = candidate
                .split_once(char::is_whitespace)
                .unwrap_or((candidate, ""));
            match address(url, Use::Load, at, options, out) {
                Some(new) => {
                    changed = true;
                    format!("{new} {size}").trim_end().to_string()
                }
                None => candidate.to_string(),
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// CSS (a `style` attribute or a `<style>` element): every `url(…)` and
/// `@import "…"` address is checked and rewritten.
fn style(
    css: &str,
    at: &Place<'_>,
    options: &RenderOptions<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut from = 0;
    loop {
        let url_at = lower[from..].find("url(").map(|i| (from + i + 4, true));
        let import_at = lower[from..].find("@import").map(|i| (from + i + 7, false));
        let Some((start, is_url)) = [url_at, import_at]
            .into_iter()
            .flatten()
            .min_by_key(|(i, _)| *i)
        else {
            break;
        };
        let rest = &css[start..];
        let skipped = rest.len() - rest.trim_start().len();
        let begin = start + skipped;
        let rest = &css[begin..];
        let (range, url) = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => match rest[1..].find(quote) {
                Some(end) => (begin + 1..begin + 1 + end, &rest[1..=end]),
                None => break,
            },
            _ if is_url => {
                let end = rest.find(')').unwrap_or(rest.len());
                (begin..begin + end, rest[..end].trim_end())
            }
            // `@import url(…)` is found by `url(` next.
            _ => {
                from = begin;
                continue;
            }
        };
        from = range.end.max(from + 1);
        let at = Place {
            line: at.line + css[..range.start].matches('\n').count(),
            ..*at
        };
        if let Some(new) = address(url, Use::Load, &at, options, out) {
            edits.push((range.start..range.start + url.len(), new));
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut result = String::with_capacity(css.len() + 16);
    let mut last = 0;
    for (range, new) in edits {
        result.push_str(&css[last..range.start]);
        result.push_str(&new);
        last = range.end;
    }
    result.push_str(&css[last..]);
    Some(result)
}

#[cfg(test)]
mod tests;
