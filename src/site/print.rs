//! The printed policy's running footer: CSS `@page` margin boxes naming
//! the policy and its version on every sheet, with "Page n of N" from the
//! page counters, in the site's language. Only the print page uses it.

use crate::render::Strings;

/// Stand-ins for the page counters while the words are filled in; they
/// cannot occur in i18n text read from YAML.
const PAGE: &str = "\u{1}";
const PAGES: &str = "\u{2}";

/// The `@page` rules of the print page of policy `title` at version
/// `version`: its name and version at the bottom left, the page number at
/// the bottom right. Every character of the user's words is escaped, so
/// the CSS is safe inside a `<style>` element.
pub(super) fn running_footer(strings: &Strings, title: &str, version: &str) -> String {
    let policy = strings.text(
        "print.footer_policy",
        &[("title", title), ("version", version)],
    );
    let page = strings.text("print.footer_page", &[("page", PAGE), ("pages", PAGES)]);
    format!(
        "@page {{ @bottom-left {{ content: {}; }} @bottom-right {{ content: {}; }} }}",
        css_content(&policy),
        css_content(&page)
    )
}

/// A CSS `content` value: the text as quoted strings, with the counters'
/// stand-ins as `counter(page)` and `counter(pages)`.
fn css_content(text: &str) -> String {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let counter = match c.to_string().as_str() {
            PAGE => Some("counter(page)"),
            PAGES => Some("counter(pages)"),
            _ => None,
        };
        match counter {
            Some(counter) => {
                out.push(css_string(&std::mem::take(&mut current)));
                out.push(counter.to_string());
            }
            None => current.push(c),
        }
    }
    out.push(css_string(&current));
    out.retain(|part| part != "\"\"");
    if out.is_empty() {
        return "\"\"".to_string();
    }
    out.join(" ")
}

/// `text` as a CSS string: letters, digits and spaces as they are, every
/// other character as a hexadecimal escape (so no quote, backslash or
/// `</style>` survives).
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_become_css_counters_between_strings() {
        assert_eq!(
            css_content(&format!("Page {PAGE} of {PAGES}")),
            "\"Page \" counter(page) \" of \" counter(pages)"
        );
        assert_eq!(
            css_content(&format!("{PAGE}/{PAGES}")),
            "counter(page) \"\\2f \" counter(pages)"
        );
        assert_eq!(css_content(""), "\"\"");
    }

    #[test]
    fn the_users_words_cannot_leave_the_string_or_the_style_element() {
        let css = css_string("A \"B\" \\ </style><script>");
        assert_eq!(
            css,
            "\"A \\22 B\\22  \\5c  \\3c \\2f style\\3e \\3c script\\3e \""
        );
        assert!(!css[1..css.len() - 1].contains('"'));
        assert!(!css.contains('<'));
        assert_eq!(css_string("Policy · 2025"), "\"Policy \\b7  2025\"");
    }
}
