//! Print that saves paper: the Social Media Policy's printable page,
//! printed to PDF by headless Chromium on A4 (WebDriver "Print Page"),
//! takes at most 8 sheets, and names the policy, its version and "Page n
//! of N" in a running footer.

use base64::Engine as _;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use super::{Browser, Needs, run};

/// The most A4 sheets the seed policy may print on.
const MAX_SHEETS: usize = 8;

/// WebDriver's Print Page command (`POST /session/{id}/print`) on A4, in
/// centimetres, with the page's own CSS margins.
#[derive(Debug)]
struct PrintPage;

impl WebDriverCompatibleCommand for PrintPage {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/print", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "orientation": "portrait",
            "page": {"width": 21.0, "height": 29.7},
            "background": false,
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let mut count = 0;
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("/Type") {
        rest = &rest[at + "/Type".len()..];
        let value = rest.trim_start();
        if let Some(after) = value.strip_prefix("/Page")
            && !after.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            count += 1;
        }
    }
    count
}

/// Prints the open page to PDF, A4.
async fn print_to_pdf(b: &Browser) -> Vec<u8> {
    let answer = b
        .client
        .issue_cmd(PrintPage)
        .await
        .unwrap_or_else(|err| panic!("printing to PDF: {err}"));
    let data = match answer {
        Value::String(data) => data,
        other => panic!("Print Page answered {other}"),
    };
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("the PDF is base64")
}

#[test]
fn pages_are_counted_not_the_page_tree() {
    let pdf = b"<< /Type /Catalog /Pages 2 0 R >> << /Type /Pages /Kids [3 0 R 4 0 R] >> \
                << /Type /Page /Parent 2 0 R >> << /Type/Page >> << /Type /PageLabel >>";
    assert_eq!(pdf_pages(pdf), 2);
}

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

            let pdf = print_to_pdf(b).await;
            assert!(pdf.starts_with(b"%PDF-"), "Print Page gives a PDF");
            let text = String::from_utf8_lossy(&pdf);
            assert!(
                text.contains("/MediaBox [0 0 594.9") || text.contains("/MediaBox [0 0 595"),
                "the sheets are A4 (595 × 842 points)"
            );
            let sheets = pdf_pages(&pdf);
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
