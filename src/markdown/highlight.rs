//! Fenced code highlighted with syntect, as HTML with CSS classes (so one
//! stylesheet serves light and dark schemes). The syntaxes are loaded the
//! first time a page names a code language, not before.
//!
//! Every code box is a labelled region that takes keyboard focus: a long
//! line scrolls sideways, and someone without a mouse must be able to
//! scroll it too.

use std::fmt::Write as _;
use std::sync::OnceLock;

use pulldown_cmark::CodeBlockKind;

use crate::util::html;

fn syntax_set() -> &'static syntect::parsing::SyntaxSet {
    static SYNTAXES: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

const CLASS_STYLE: syntect::html::ClassStyle =
    syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// What a screen reader calls a code box.
const CODE_LABEL: &str = "Code";

/// Languages that mean "plain text": shown as written, with no warning.
const PLAIN: &[&str] = &["text", "txt", "plain", "plaintext", "none"];

/// Languages named in the hint when a code block's language is unknown;
/// each is one syntect knows (a test keeps it so).
pub(super) const COMMON: &[&str] = &[
    "bash",
    "c",
    "cpp",
    "cs",
    "css",
    "diff",
    "go",
    "html",
    "java",
    "javascript",
    "json",
    "markdown",
    "php",
    "python",
    "ruby",
    "rust",
    "sql",
    "xml",
    "yaml",
];

/// When a code block names a language that cannot be highlighted, the
/// hint for the warning: the nearest known name if there is one, the
/// common ones otherwise. `None` for a known language, plain text or
/// none.
pub(super) fn unknown(lang: &str) -> Option<String> {
    if lang.is_empty() || PLAIN.iter().any(|p| p.eq_ignore_ascii_case(lang)) {
        return None;
    }
    let syntaxes = syntax_set();
    if syntaxes.find_syntax_by_token(lang).is_some() {
        return None;
    }
    let lower = lang.to_lowercase();
    let nearest = syntaxes
        .syntaxes()
        .iter()
        .flat_map(|s| std::iter::once(&s.name).chain(&s.file_extensions))
        .map(|token| (strsim::osa_distance(&lower, &token.to_lowercase()), token))
        // One slip in a short name, two in a long one: `pyhton`, `jsno`.
        .filter(|&(distance, token)| {
            token.len() > 2 && distance <= if token.len() < 5 { 1 } else { 2 }
        })
        .min_by_key(|&(distance, _)| distance);
    let known = format!(
        "handbook highlights {} and more, by name or file extension (the full list \
         is in docs/authoring.md); write ```text for plain text",
        COMMON.join(", ")
    );
    Some(match nearest {
        Some((_, token)) => format!("did you mean `{}`? {known}", token.to_lowercase()),
        None => known,
    })
}

/// The language a code block names: the first word of a fence's info
/// string (` ```rust,ignore ` → `rust`); none for an indented block.
pub(super) fn language(kind: &CodeBlockKind<'_>) -> String {
    match kind {
        CodeBlockKind::Fenced(info) => info.split([',', ' ']).next().unwrap_or("").to_string(),
        CodeBlockKind::Indented => String::new(),
    }
}

/// A fenced code block as HTML; highlighted (with CSS classes) when the
/// language is known. Returns the HTML and whether it was highlighted.
pub(super) fn code_block(lang: &str, code: &str) -> (String, bool) {
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
                let lang = html::escape(lang);
                let _ = writeln!(
                    html,
                    "<pre class=\"code hl-code\" data-lang=\"{lang}\" tabindex=\"0\" \
                     role=\"region\" aria-label=\"{CODE_LABEL}: {lang}\"><code>{}</code></pre>",
                    generator.finalize()
                );
                return (html, true);
            }
        }
    }
    let _ = writeln!(
        html,
        "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"{CODE_LABEL}\">\
         <code>{}</code></pre>",
        html::escape(code)
    );
    (html, false)
}

/// The stylesheet for highlighted code, written to the output as
/// `syntax.css` when some page has highlighted code.
pub(crate) fn syntax_css() -> String {
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

    #[test]
    fn known_languages_are_highlighted_and_others_escaped() {
        let (html, highlighted) = code_block("rust", "fn main() {}\n");
        assert!(highlighted);
        assert!(
            html.contains("data-lang=\"rust\"") && html.contains("hl-"),
            "{html}"
        );
        let (html, highlighted) = code_block("no-such-language", "<b>\n");
        assert!(!highlighted);
        assert_eq!(
            html,
            "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"Code\">\
             <code>&lt;b&gt;\n</code></pre>\n"
        );
        assert_eq!(
            language(&CodeBlockKind::Fenced("rust,ignore".into())),
            "rust"
        );
        assert_eq!(language(&CodeBlockKind::Indented), "");
        let css = syntax_css();
        assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
    }

    #[test]
    fn every_code_box_can_be_reached_by_keyboard() {
        for lang in ["rust", "", "no-such-language"] {
            let (html, _) = code_block(lang, "x\n");
            assert!(
                html.starts_with("<pre class=\"code")
                    && html.contains(" tabindex=\"0\" role=\"region\" aria-label=\"Code"),
                "{html}"
            );
        }
        let (html, _) = code_block("yaml", "a: 1\n");
        assert!(html.contains("aria-label=\"Code: yaml\""), "{html}");
    }

    #[test]
    fn an_unknown_language_gets_a_hint_and_a_known_one_none() {
        for quiet in ["", "rust", "YAML", "py", "text", "Plain", "sh"] {
            assert_eq!(unknown(quiet), None, "{quiet}");
        }
        let hint = unknown("pyhton").unwrap();
        assert!(hint.starts_with("did you mean `python`?"), "{hint}");
        assert!(unknown("jsno").unwrap().starts_with("did you mean `json`?"));
        let hint = unknown("powershell").unwrap();
        assert!(!unknown("ps1").unwrap().starts_with("did you mean"));
        assert!(
            hint.starts_with("handbook highlights bash, c, cpp"),
            "{hint}"
        );
        assert!(hint.contains("docs/authoring.md"), "{hint}");
        // The hint names only languages that are highlighted.
        for lang in COMMON {
            assert!(code_block(lang, "x\n").1, "{lang}");
        }
    }
}
