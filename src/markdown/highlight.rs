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
use syntect::highlighting::Color;

use crate::util::html;

fn syntax_set() -> &'static syntect::parsing::SyntaxSet {
    static SYNTAXES: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

const CLASS_STYLE: syntect::html::ClassStyle =
    syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" };

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

/// Whether code in `lang` is highlighted (as far as can be told without
/// colouring it: syntect knows the language).
pub(super) fn known(lang: &str) -> bool {
    !lang.is_empty() && syntax_set().find_syntax_by_token(lang).is_some()
}

/// A fenced code block as HTML; highlighted (with CSS classes) when the
/// language is known. Returns the HTML and whether it was highlighted.
pub(super) fn code_block(lang: &str, code: &str, labels: &super::Labels<'_>) -> (String, bool) {
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
                let label =
                    html::escape(&labels.code_language.replace("{language}", lang)).into_owned();
                let lang = html::escape(lang);
                let _ = writeln!(
                    html,
                    "<pre class=\"code hl-code\" data-lang=\"{lang}\" tabindex=\"0\" \
                     role=\"region\" aria-label=\"{label}\"><code>{}</code></pre>",
                    generator.finalize()
                );
                return (html, true);
            }
        }
    }
    let label = html::escape(labels.code);
    let _ = writeln!(
        html,
        "<pre class=\"code\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">\
         <code>{}</code></pre>",
        html::escape(code)
    );
    (html, false)
}

/// The contrast WCAG 2.2 AA asks of normal text, and a little more, for
/// the rounding of colours to whole bytes.
const MIN_CONTRAST: f64 = 4.6;

/// WCAG's relative luminance of a colour.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG's contrast ratio of two colours (1 to 21).
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `text`, moved towards black on a light `background` (towards white on
/// a dark one) just far enough to be read on it at AA.
fn readable_on(text: Color, background: Color) -> Color {
    let towards: u8 = if luminance(background) > 0.18 { 0 } else { 255 };
    let mix =
        |v: u8, t: f64| (f64::from(v) + (f64::from(towards) - f64::from(v)) * t).round() as u8;
    (0..=20)
        .map(|step| {
            let t = f64::from(step) / 20.0;
            Color {
                r: mix(text.r, t),
                g: mix(text.g, t),
                b: mix(text.b, t),
                a: text.a,
            }
        })
        .find(|c| contrast(*c, background) >= MIN_CONTRAST)
        .unwrap_or(text)
}

/// syntect's theme `name` as CSS, with every text colour made readable on
/// its background: the themes' own greens and greys are too faint.
fn theme_css(themes: &syntect::highlighting::ThemeSet, name: &str) -> String {
    let Some(mut theme) = themes.themes.get(name).cloned() else {
        return String::new();
    };
    let white = Color::WHITE;
    let background = theme.settings.background.unwrap_or(white);
    if let Some(text) = &mut theme.settings.foreground {
        *text = readable_on(*text, background);
    }
    for item in &mut theme.scopes {
        let on = item.style.background.unwrap_or(background);
        if let Some(text) = &mut item.style.foreground {
            *text = readable_on(*text, on);
        }
    }
    syntect::html::css_for_theme_with_class_style(&theme, CLASS_STYLE).unwrap_or_default()
}

/// The stylesheet for highlighted code, written to the output as
/// `syntax.css` when some page has highlighted code.
pub(crate) fn syntax_css() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let light = theme_css(&themes, "InspiredGitHub");
    let dark = theme_css(&themes, "base16-ocean.dark");
    format!(
        "/* Generated by handbook from syntect's themes. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_are_highlighted_and_others_escaped() {
        let (html, highlighted) =
            code_block("rust", "fn main() {}\n", &super::super::Labels::default());
        assert!(highlighted);
        assert!(
            html.contains("data-lang=\"rust\"") && html.contains("hl-"),
            "{html}"
        );
        let (html, highlighted) = code_block(
            "no-such-language",
            "<b>\n",
            &super::super::Labels::default(),
        );
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
    fn every_colour_of_both_schemes_is_readable_on_its_background() {
        let faint_green = Color {
            r: 0x63,
            g: 0xa3,
            b: 0x5c,
            a: 0xff,
        };
        let fixed = readable_on(faint_green, Color::WHITE);
        assert!(contrast(faint_green, Color::WHITE) < 4.5);
        assert!(contrast(fixed, Color::WHITE) >= 4.5);
        assert!(fixed.g < faint_green.g, "darker, not another hue");
        let dark = Color {
            r: 0x2b,
            g: 0x30,
            b: 0x3b,
            a: 0xff,
        };
        let grey = Color {
            r: 0x65,
            g: 0x73,
            b: 0x7e,
            a: 0xff,
        };
        assert!(contrast(readable_on(grey, dark), dark) >= 4.5);
        assert_eq!(readable_on(Color::BLACK, Color::WHITE), Color::BLACK);
        // Every colour the stylesheet names, against the background of its
        // rule, or else of the code box of its scheme.
        let css = syntax_css();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .unwrap();
        let colour = |rule: &str, decl: &str| -> Option<Color> {
            let hex = rule.split(decl).nth(1)?.trim_start().strip_prefix('#')?;
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
            Some(Color {
                r: byte(0),
                g: byte(2),
                b: byte(4),
                a: 0xff,
            })
        };
        for part in [light, dark] {
            let rules: Vec<&str> = part.split('}').collect();
            let code_box = rules
                .iter()
                .find_map(|r| colour(r, "background-color:"))
                .unwrap();
            let mut checked = 0;
            for rule in &rules {
                let Some(text) = colour(rule, " color:") else {
                    continue;
                };
                let on = colour(rule, "background-color:").unwrap_or(code_box);
                assert!(contrast(text, on) >= 4.5, "{text:?} on {on:?} in {rule}");
                checked += 1;
            }
            assert!(checked > 10, "{part}");
        }
    }

    #[test]
    fn every_code_box_can_be_reached_by_keyboard() {
        for lang in ["rust", "", "no-such-language"] {
            let (html, _) = code_block(lang, "x\n", &super::super::Labels::default());
            assert!(
                html.starts_with("<pre class=\"code")
                    && html.contains(" tabindex=\"0\" role=\"region\" aria-label=\"Code"),
                "{html}"
            );
        }
        let (html, _) = code_block("yaml", "a: 1\n", &super::super::Labels::default());
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
            assert!(
                code_block(lang, "x\n", &super::super::Labels::default()).1,
                "{lang}"
            );
        }
    }
}
