//! Links and images: a relative `.md` link is rewritten to the page it
//! builds (`roles.md#staff` → `roles.html#staff`), a prefix is added when
//! the text is shown in another folder or document, and external addresses
//! are left alone. Internal links are what the link checker checks.

use pulldown_cmark::{CowStr, Tag};

use super::RenderOptions;
use crate::content::source_to_url;

/// True for an address the site does not own: one with a scheme
/// (`https:`, `mailto:`) or rooted at `/` or `//`. Those are neither
/// rewritten nor checked.
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
fn rewrite(url: &str, options: &RenderOptions<'_>) -> String {
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

/// A link's target when the link checker should check it: an `#anchor`
/// on the page or a relative path to a `.md` page.
pub(super) fn checked_target<'t>(tag: &'t Tag<'_>) -> Option<&'t str> {
    let Tag::Link { dest_url, .. } = tag else {
        return None;
    };
    let url = dest_url.as_ref();
    let is_page = url
        .split(['#', '?'])
        .next()
        .is_some_and(|path| path.ends_with(".md"));
    (!is_external(url) && (url.starts_with('#') || is_page)).then_some(url)
}

/// A link or image start tag with its address written for where the HTML
/// is shown; any other tag as it is.
pub(super) fn rewritten<'a>(tag: &Tag<'a>, options: &RenderOptions<'_>) -> Tag<'a> {
    let dest = |url: &CowStr<'a>| -> CowStr<'a> {
        if is_external(url) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_without_a_scheme_or_root_are_the_sites() {
        for external in [
            "https://example.org",
            "mailto:dsl@example.org",
            "/policy.pdf",
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
        ] {
            assert!(!is_external(internal), "{internal}");
        }
    }

    #[test]
    fn relative_links_are_rewritten_for_where_they_are_shown() {
        let plain = RenderOptions::default();
        assert_eq!(rewrite("roles.md#staff", &plain), "roles.html#staff");
        assert_eq!(rewrite("dir/_index.md", &plain), "dir/index.html");
        assert_eq!(rewrite("img/a.png?v=1", &plain), "img/a.png?v=1");
        assert_eq!(rewrite("#top", &plain), "#top");
        let elsewhere = RenderOptions {
            link_prefix: "../",
            page_url: Some("scope.html"),
            id_prefix: "scope--",
        };
        assert_eq!(rewrite("roles.md", &elsewhere), "../roles.html");
        assert_eq!(rewrite("#top", &elsewhere), "../scope.html#top");
        let shared = RenderOptions {
            id_prefix: "scope--",
            ..RenderOptions::default()
        };
        assert_eq!(rewrite("#top", &shared), "#scope--top");
    }
}
