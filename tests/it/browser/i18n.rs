//! The scripts speak the site's language: on a site in the pseudo-locale
//! of tests/it/i18n.rs (every string wrapped in ⟦…⟧), what the course's
//! and the search page's scripts write at run time comes from the
//! translation too, with its values filled in (also the policy a search
//! result is from).

use super::{Needs, run_on};
use crate::support::text;

#[test]
fn the_scripts_words_come_from_the_translation() {
    let site = crate::i18n::pseudo_site();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    run_on(
        "the_scripts_words_come_from_the_translation",
        &site.path().join("output"),
        Needs::Browser,
        async |b| {
            // identity.js builds the sign-in step; course-home.js says
            // what to do first.
            b.open("course/index.html").await;
            b.wait_visible("#identity-heading").await;
            let said = b
                .js(
                    "return [document.getElementById('identity-heading').textContent,\
                     document.querySelector('label[for=identity-code]').textContent,\
                     document.getElementById('identity-code-hint').textContent,\
                     document.querySelector('[data-declaration-state]').textContent];",
                    vec![],
                )
                .await;
            assert_eq!(said[0], "⟦Your staff id and personal code⟧", "{said}");
            assert_eq!(said[1], "⟦Your personal code⟧", "{said}");
            let hint = said[2].as_str().unwrap();
            assert!(
                hint.starts_with("⟦29 letters and digits") && hint.ends_with('⟧'),
                "the placeholder is filled in: {hint}"
            );
            assert!(
                said[3].as_str().unwrap().starts_with("⟦Sign in above"),
                "{said}"
            );

            // A wrong id is said in the translation's words.
            b.click("#identity-submit").await;
            b.wait_until(
                "document.getElementById('identity-id-status').textContent !== ''",
                "the id's message",
            )
            .await;
            let status = b
                .js(
                    "return document.getElementById('identity-id-status').textContent;",
                    vec![],
                )
                .await;
            assert_eq!(status, "⟦Enter your staff id, as on your letter.⟧");

            // search.js: the count of results, with the query in it.
            b.open("search.html?q=zzzz").await;
            b.wait_for(".search-status").await;
            let status = b
                .js(
                    "return [document.querySelector('.search-status').textContent, document.title];",
                    vec![],
                )
                .await;
            assert_eq!(
                status[0], "⟦No results for “zzzz”. Try fewer words, or a different word.⟧",
                "{status}"
            );
            assert!(
                status[1].as_str().unwrap().starts_with("⟦“zzzz” – "),
                "{status}"
            );

            // A result says, in the translation's words, which policy it
            // is from.
            b.open("search.html?q=1313").await;
            b.wait_for(".search-from").await;
            let from = b
                .js(
                    "return document.querySelector('.search-from').textContent;",
                    vec![],
                )
                .await;
            assert_eq!(from, "⟦From: 4646⟧", "{from}");
        },
    );
}
