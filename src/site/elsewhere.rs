//! A page's text shown on another output page than its own (a course
//! module page, the printable policy): the prefix that makes its links
//! reach the same files from there, ids that stay unique when several
//! pages share one document, and headings one level below the part title.

use std::collections::HashSet;

use crate::content::Page;
use crate::markdown::{self, RenderOptions};

/// The relative path from the folder of the output page `from` to the
/// folder of the output page `to` (both relative to the site root), with
/// a trailing `/`, or `""` when they share a folder: `course/x.html` to
/// `devices/staff.html` is `../devices/`.
pub(crate) fn folder_prefix(from: &str, to: &str) -> String {
    let folders = |url: &str| -> Vec<String> {
        let mut parts: Vec<String> = url.split('/').map(str::to_string).collect();
        parts.pop();
        parts
    };
    let (from, to) = (folders(from), folders(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for part in &to[common..] {
        out.push_str(part);
        out.push('/');
    }
    out
}

/// The id of a page's part on a shared document, and the start of every
/// id inside it: its content path without `.md`, folders joined by `--`,
/// a section's `_index.md` named by its folder (`devices/_index.md` →
/// `devices`, the root's → `home`). A name already `taken` on the same
/// document gets `-2`, `-3` …
pub(crate) fn part_anchor(source: &str, taken: &mut HashSet<String>) -> String {
    let path = source.strip_suffix(".md").unwrap_or(source);
    let path = match path.strip_suffix("_index") {
        Some("") => "home",
        Some(dir) => dir.trim_end_matches('/'),
        None => path,
    };
    let base = path.replace('/', "--");
    let mut anchor = base.clone();
    let mut n = 1;
    while !taken.insert(anchor.clone()) {
        n += 1;
        anchor = format!("{base}-{n}");
    }
    anchor
}

/// `page`'s text (its own page at `page_url`) as shown on the output page
/// `shown_at`, with its ids starting `anchor--` and its headings one level
/// down. With `anchors_home`, `#anchor` links go back to the page itself
/// (a module page); without, they stay on the shared document. `labels`:
/// the generator's words, in the site's language.
pub(crate) fn render_part(
    page: &Page,
    (page_url, shown_at): (&str, &str),
    anchor: &str,
    anchors_home: bool,
    labels: markdown::Labels<'_>,
) -> String {
    let prefix = folder_prefix(shown_at, page_url);
    let ids = format!("{anchor}--");
    let options = RenderOptions {
        link_prefix: &prefix,
        page_url: anchors_home.then_some(page_url),
        id_prefix: &ids,
        labels,
    };
    let html = markdown::render(&page.body.text(), page.body_line, &options).html;
    headings_down(&html)
}

/// `page`'s text rendered on its own page, whole, and from the same parse
/// as shown on the printable page at `shown_at` (see [`render_part`]: ids
/// starting `anchor--`, `#anchor` links kept on the printable page).
pub(crate) fn render_with_part(
    page: &Page,
    (page_url, shown_at): (&str, &str),
    anchor: &str,
    labels: markdown::Labels<'_>,
) -> (markdown::Rendered, String) {
    let prefix = folder_prefix(shown_at, page_url);
    let ids = format!("{anchor}--");
    let own = RenderOptions {
        labels,
        ..RenderOptions::default()
    };
    let shown = RenderOptions {
        link_prefix: &prefix,
        page_url: None,
        id_prefix: &ids,
        labels,
    };
    let (rendered, html) = markdown::render_twice(&page.body.text(), page.body_line, &own, &shown);
    (rendered, headings_down(&html))
}

/// `html` with every heading one level lower (`<h2>` → `<h3>`; `<h6>`
/// stays), so that a page's own headings sit below its part title. The
/// Markdown renderer escapes every `<` of text and code, so each `<h`
/// found here is a tag.
fn headings_down(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    while let Some(at) = rest.find("<") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let bytes = rest.as_bytes();
        let close = bytes.get(1) == Some(&b'/');
        let start = if close { 2 } else { 1 };
        let is_heading = matches!(bytes.get(start), Some(b'h' | b'H'))
            && matches!(bytes.get(start + 1), Some(b'1'..=b'5'))
            && matches!(
                bytes.get(start + 2),
                Some(b'>' | b' ' | b'\t' | b'\n' | b'/')
            );
        if is_heading {
            let level = bytes[start + 1] - b'0' + 1;
            out.push_str(&rest[..start + 1]);
            out.push(char::from(b'0' + level));
            rest = &rest[start + 2..];
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_lead_from_one_folder_to_another() {
        assert_eq!(
            folder_prefix("course/x.html", "devices/staff.html"),
            "../devices/"
        );
        assert_eq!(folder_prefix("course/x.html", "scope.html"), "../");
        assert_eq!(folder_prefix("print.html", "a/b/c.html"), "a/b/");
        assert_eq!(folder_prefix("a/b/print.html", "a/c/d.html"), "../c/");
        assert_eq!(folder_prefix("a/print.html", "a/x.html"), "");
        assert_eq!(folder_prefix("print.html", "x.html"), "");
    }

    #[test]
    fn part_anchors_are_unique_on_their_document() {
        let mut taken = HashSet::new();
        assert_eq!(part_anchor("scope.md", &mut taken), "scope");
        assert_eq!(
            part_anchor("devices/staff.md", &mut taken),
            "devices--staff"
        );
        assert_eq!(part_anchor("devices/_index.md", &mut taken), "devices");
        assert_eq!(part_anchor("_index.md", &mut taken), "home");
        assert_eq!(
            part_anchor("devices--staff.md", &mut taken),
            "devices--staff-2"
        );
        assert_eq!(
            part_anchor("devices/staff.md", &mut taken),
            "devices--staff-3"
        );
    }

    #[test]
    fn headings_go_one_level_down() {
        assert_eq!(
            headings_down("<h2 id=\"a\">A</h2>\n<p>x &lt;h2&gt;</p><h6>z</h6><hr><h1>t</h1>"),
            "<h3 id=\"a\">A</h3>\n<p>x &lt;h2&gt;</p><h6>z</h6><hr><h2>t</h2>"
        );
        assert_eq!(headings_down("<header><h5>x</h5>"), "<header><h6>x</h6>");
    }
}
