//! A library of policies in the browser (issue 13), on the trust fixture
//! (tests/fixtures/trust: behaviour with two modules, safeguarding with
//! one, accessibility read-only): one personal link signs the person in
//! for every policy; completing behaviour's course gives a token whose
//! `iss` names the site and behaviour, whose `pv` is behaviour's version
//! and whose modules are behaviour's two; the course home then shows
//! behaviour complete and safeguarding still to do. The trust's home, its
//! course home with two courses and a policy page have zero axe
//! violations.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::a11y::axe_violations;
use super::token_flow::{SPEC_CODE, SPEC_ID};
use super::tools::text_at;
use super::{Browser, Needs, quiz, run_on};
use crate::support::build_fixture;

/// The JSON of the `<script id="…">` element of a built page.
fn script_json(html: &str, id: &str) -> Value {
    let open = format!("id=\"{id}\"");
    let start = html.find(&open).unwrap_or_else(|| panic!("no #{id}"));
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..];
    let end = body.find("</script>").unwrap();
    serde_json::from_str(&body[..end]).unwrap()
}

/// The claims of a token, as JSON.
fn claims_of(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: {token}");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url")).unwrap()
}

/// The course state course-home.js gives policy `policy`'s section.
async fn course_state(b: &Browser, policy: &str) -> Value {
    b.js(
        "var s = document.getElementById('course-' + arguments[0]);\
         return s ? s.getAttribute('data-course-state') : 'no section';",
        vec![Value::from(policy)],
    )
    .await
}

/// Axe on the open page; what it finds is added to `failures`.
async fn axe_into(b: &Browser, what: &str, failures: &mut Vec<String>) {
    let violations = axe_violations(b).await;
    if !violations.is_empty() {
        failures.push(format!("{what}:\n  {}", violations.join("\n  ")));
    }
}

#[test]
fn one_link_completes_one_policy_and_the_course_home_shows_the_other_to_do() {
    let (_dir, out) = build_fixture("trust");
    let home_html = std::fs::read_to_string(out.join("course/index.html")).unwrap();
    let site = script_json(&home_html, "course-data")["site"]
        .as_str()
        .unwrap()
        .to_string();
    let behaviour = script_json(&home_html, "course-data-behaviour");
    let pv = behaviour["version"].as_str().unwrap().to_string();
    let safeguarding = script_json(&home_html, "course-data-safeguarding");
    assert_ne!(
        safeguarding["version"], behaviour["version"],
        "each policy has its own version"
    );

    run_on(
        "one_link_completes_one_policy_and_the_course_home_shows_the_other_to_do",
        &out,
        Needs::BrowserAndAxe,
        async |b| {
            let mut failures = Vec::new();
            b.open("index.html").await;
            axe_into(b, "the trust's home", &mut failures).await;
            b.open("safeguarding/staff/conduct.html").await;
            axe_into(b, "a policy page", &mut failures).await;

            // One personal link: signed in, and the code leaves the address.
            let link = format!("{}course/index.html#id={SPEC_ID}&code={SPEC_CODE}", b.base);
            b.goto(&link).await;
            b.wait_visible("#identity-status").await;
            let address = b.current_url().await;
            assert!(!address.contains("code="), "{address}");
            assert_eq!(text_at(b, "#identity-who").await, SPEC_ID);
            // Both courses listed, neither started; the read-only policy
            // has no course.
            for policy in ["behaviour", "safeguarding"] {
                b.wait_visible(&format!("#course-{policy} [data-course-progress-panel]"))
                    .await;
            }
            assert!(b.find_all("#course-accessibility").await.is_empty());
            assert_eq!(course_state(b, "behaviour").await, "0/2");
            assert_eq!(course_state(b, "safeguarding").await, "0/1");
            axe_into(b, "the course home with two courses", &mut failures).await;

            // Behaviour's course: both modules, then its declaration. The
            // module pages keep the sign-in (one link for every policy).
            let modules = quiz::modules_of(b, "behaviour").await;
            let ids: Vec<&str> = modules.iter().map(|m| m.id.as_str()).collect();
            assert_eq!(ids, ["rewards", "sanctions"]);
            for module in &modules {
                assert!(module.url.contains("/course/behaviour/"), "{}", module.url);
                quiz::pass_module(b, &module.url).await;
            }
            quiz::sign_declaration_of(b, "behaviour").await;
            b.wait_visible("#token-text").await;
            let token = b
                .js(
                    "return document.getElementById('token-text').value;",
                    vec![],
                )
                .await;
            let claims = claims_of(token.as_str().expect("the token's text"));
            assert_eq!(claims["iss"], format!("{site}/behaviour"), "{claims}");
            assert_eq!(claims["sub"], SPEC_ID, "{claims}");
            assert_eq!(claims["pv"], pv, "behaviour's version id: {claims}");
            let mods = claims["mods"].as_object().expect("mods is an object");
            let mut named: Vec<&str> = mods.keys().map(String::as_str).collect();
            named.sort_unstable();
            assert_eq!(named, ["rewards", "sanctions"], "{claims}");
            assert!(mods.values().all(|s| s == 100), "{claims}");
            assert_eq!(claims["decl"], true, "{claims}");

            // The course home: behaviour complete, safeguarding still to do.
            b.open("course/index.html").await;
            b.wait_until(
                "document.getElementById('course-behaviour')\
                   .getAttribute('data-course-state') === 'complete'",
                "behaviour to show as complete",
            )
            .await;
            assert_eq!(course_state(b, "safeguarding").await, "0/1");
            let to_do = text_at(b, "#course-progress-safeguarding").await;
            assert!(to_do.starts_with("0 of 1"), "{to_do}");
            let signed = b
                .find("#course-behaviour [data-declaration-state]")
                .await
                .attr("data-state")
                .await
                .unwrap();
            assert_eq!(signed.as_deref(), Some("signed"));
            let open = b
                .find("#course-safeguarding [data-declaration-state]")
                .await
                .attr("data-state")
                .await
                .unwrap();
            assert_eq!(open.as_deref(), Some("locked"));

            assert!(
                failures.is_empty(),
                "axe-core found WCAG violations:\n\n{}",
                failures.join("\n\n")
            );
        },
    );
}
