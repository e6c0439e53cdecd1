//! Print that saves paper: the Social Media Policy's printable page,
//! printed to PDF by headless Chromium on A4 (WebDriver "Print Page"),
//! takes at most 8 sheets, and names the policy, its version and "Page n
//! of N" in a running footer.

use fantoccini::wd::PrintOrientation;
use serde_json::json;

use super::{Needs, run};

/// The most A4 sheets the seed policy may print on.
const MAX_SHEETS: usize = 8;

#[test]
fn the_seed_policy_prints_on_at_most_8_a4_sheets_with_a_running_footer() {
    run(
        "the_seed_policy_prints_on_at_most_8_a4_sheets_with_a_running_footer",
        Needs::Browser,
        async |b| {
            b.open("social-media/print.html").await;
            // The button says what it does; the parts do not start sheets.
            let button = b
                .js(
                    "var e = document.getElementById('print-button');\
                     return e && !e.hidden ? e.textContent.trim() : null;",
                    vec![],
                )
                .await;
            assert_eq!(button, json!("Print or save as PDF"));
            let breaks = b
                .js(
                    "return Array.prototype.map.call(document.querySelectorAll('.print-page'),\
                       function (e) { var s = getComputedStyle(e); return s.breakBefore; })\
                       .filter(function (v) { return v === 'page'; }).length;",
                    vec![],
                )
                .await;
            assert_eq!(breaks, json!(0), "no part forces a new sheet on screen");
            // The running footer: @page margin boxes with the policy, its
            // version and the page counters.
            let footer = b
                .js(
                    "var out = [];\
                     Array.prototype.forEach.call(document.styleSheets, function (s) {\
                       Array.prototype.forEach.call(s.cssRules, function (r) {\
                         if (r.type === CSSRule.PAGE_RULE && /content/.test(r.cssText)) out.push(r.cssText);\
                       });\
                     });\
                     return out.join('\\n');",
                    vec![],
                )
                .await;
            let footer = footer.as_str().unwrap_or_default().to_string();
            for part in [
                "@bottom-left",
                "Social Media Policy",
                "version",
                "@bottom-right",
                "counter(page)",
                "counter(pages)",
            ] {
                assert!(
                    footer.contains(part),
                    "the running footer has {part:?}: {footer}"
                );
            }

            let pdf = super::pdf::print_a4(b, PrintOrientation::Portrait, None).await;
            let text = String::from_utf8_lossy(&pdf);
            assert!(
                text.contains("/MediaBox [0 0 594.9") || text.contains("/MediaBox [0 0 595"),
                "the sheets are A4 (595 × 842 points)"
            );
            let sheets = super::pdf::pages(&pdf);
            eprintln!("print: the Social Media Policy takes {sheets} A4 sheets");
            assert!(
                sheets >= 2,
                "the whole policy is printed: {sheets} sheet(s)"
            );
            assert!(
                sheets <= MAX_SHEETS,
                "the seed policy prints on {sheets} A4 sheets; at most {MAX_SHEETS}"
            );
        },
    );
}
