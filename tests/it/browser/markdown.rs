//! Page text in the browser: axe finds nothing on a policy page, a course
//! module page and a print page that show a table, footnotes and code;
//! Tab reaches a code box, which shows its focus ring and scrolls with the
//! arrow keys; a footnote's number leads to its note and the note's ↩
//! back to the number.

use fantoccini::key::Key;
use serde_json::Value;

use super::a11y::axe_violations;
use super::tools::tab_to;
use super::{Needs, run_on};
use crate::support::text;

#[test]
fn footnotes_and_code_boxes_pass_axe_and_work_by_keyboard() {
    let site = crate::markdown::site_with_footnotes();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    run_on(
        "footnotes_and_code_boxes_pass_axe_and_work_by_keyboard",
        &site.path().join("output"),
        Needs::BrowserAndAxe,
        async |b| {
            for page in [
                "online-safety/more.html",
                "course/online-safety/scope.html",
                "online-safety/print.html",
            ] {
                b.open(page).await;
                let violations = axe_violations(b).await;
                assert!(violations.is_empty(), "{page}:\n{}", violations.join("\n"));
            }

            b.open("online-safety/more.html").await;
            tab_to(b, "pre.code").await;
            let ring = b
                .js(
                    "var s = getComputedStyle(document.activeElement);\
                     return [s.outlineStyle, parseFloat(s.outlineWidth)];",
                    vec![],
                )
                .await;
            assert_eq!(ring[0], "solid", "a focus ring: {ring}");
            assert!(ring[1].as_f64().unwrap() >= 2.0, "{ring}");
            let scroll = "document.activeElement.scrollLeft";
            assert_eq!(b.js(&format!("return {scroll};"), vec![]).await, 0);
            b.press(&[Key::Right, Key::Right, Key::Right]).await;
            b.wait_until(&format!("{scroll} > 0"), "the code box to scroll")
                .await;

            b.click("sup.footnote-ref a").await;
            b.wait_until("location.hash === '#fn:1'", "the note").await;
            b.click("[id='fn:1'] .footnote-back").await;
            b.wait_until("location.hash === '#fnref:1'", "the way back")
                .await;
            let back = b
                .js(
                    "return document.querySelector(':target').textContent;",
                    vec![],
                )
                .await;
            assert_eq!(back, Value::from("1"), "back at the number");
        },
    );
}
