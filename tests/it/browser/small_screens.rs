//! Small screens (WCAG 1.4.10 Reflow): at 320 CSS pixels wide, no page
//! type scrolls sideways, and nothing sticks out of the window except
//! inside its own scrolling box (a wide table). Every page type of
//! `pages::PAGES` is visited in order, as the axe gate does; the
//! compliance report is checked in its own test (report.rs), with the
//! `narrow` window and the `OVERFLOW` probe of this file; a trust of
//! three schools' contacts has its own test here.

use serde_json::{Value, json};

use super::pages::{PAGES, Page, SECOND_POLICY_PAGES, THREE_SCHOOLS_PAGES, visit};
use super::{Browser, Needs, run, run_on};
use crate::support::build_fixture;

/// The narrowest width WCAG asks pages to reflow at.
const WIDTH: u32 = 320;

/// Makes the viewport 320 CSS pixels wide, as a phone would (the
/// viewport meta tag applies), through Chromium's DevTools protocol.
pub(super) async fn narrow(b: &Browser) {
    b.client
        .issue_cmd(Cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": WIDTH, "height": 720, "deviceScaleFactor": 1, "mobile": true}),
        ))
        .await
        .unwrap_or_else(|err| panic!("narrowing the window: {err}"));
}

/// A DevTools protocol command through chromedriver
/// (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
pub struct Cdp(pub &'static str, pub Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.0, "params": self.1});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// What sticks out on the open page: the document's overflow, then each
/// element past either edge that is not inside a scrolling (or clipping)
/// box.
pub(super) const OVERFLOW: &str = "window.scrollTo(0, 0);\
    var root = document.documentElement, w = root.clientWidth, out = [];\
    if (root.scrollWidth > w) out.push('the page is ' + root.scrollWidth + 'px wide in a ' + w + 'px window');\
    function boxed(el) {\
      for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {\
        var o = getComputedStyle(p).overflowX;\
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;\
      }\
      return false;\
    }\
    Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (el) {\
      var r = el.getBoundingClientRect();\
      if (r.width === 0 || r.height === 0) return;\
      if (r.right <= w + 0.5 && r.left >= -0.5) return;\
      var s = getComputedStyle(el);\
      if (s.visibility === 'hidden' || boxed(el)) return;\
      var name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +\
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');\
      out.push(name + ' spans ' + Math.round(r.left) + '–' + Math.round(r.right) + 'px');\
    });\
    return {width: w, problems: out.slice(0, 15)};";

async fn check(b: &Browser, pages: &[Page]) {
    let mut failures = Vec::new();
    for page in pages {
        visit(b, page).await;
        let found = b.js(OVERFLOW, vec![]).await;
        assert_eq!(
            found["width"],
            json!(WIDTH),
            "the window is {WIDTH}px wide on {}",
            page.path
        );
        let problems: Vec<String> = found["problems"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p.as_str().unwrap_or_default().to_string())
            .collect();
        eprintln!(
            "320px: {} ({}): {} problem(s) {problems:?}",
            page.kind,
            page.path,
            problems.len()
        );
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({}):\n  {}",
                page.kind,
                page.path,
                problems.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "at {WIDTH}px wide these pages scroll sideways:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn no_page_type_scrolls_sideways_at_320_pixels() {
    run(
        "no_page_type_scrolls_sideways_at_320_pixels",
        Needs::Browser,
        async |b| {
            narrow(b).await;
            check(b, PAGES).await;
        },
    );
}

#[test]
fn tables_footnotes_and_code_reflow_at_320_pixels() {
    let (_dir, out) = build_fixture("second-policy");
    run_on(
        "tables_footnotes_and_code_reflow_at_320_pixels",
        &out,
        Needs::Browser,
        async |b| {
            narrow(b).await;
            check(b, SECOND_POLICY_PAGES).await;
        },
    );
}

#[test]
fn three_schools_contacts_reflow_at_320_pixels() {
    let (_dir, out) = build_fixture("three-schools");
    run_on(
        "three_schools_contacts_reflow_at_320_pixels",
        &out,
        Needs::Browser,
        async |b| {
            narrow(b).await;
            check(b, THREE_SCHOOLS_PAGES).await;
        },
    );
}
