//! `handbook serve` in a real browser: a page open in headless Chromium
//! reloads by itself after its file is saved.

use std::time::{Duration, Instant};

use super::driver::Driver;
use super::{Needs, browser_turn};
use crate::serve::{Server, WAIT};
use crate::support::TempSite;

#[test]
fn an_open_page_reloads_after_an_edit() {
    let name = "browser::serve::an_open_page_reloads_after_an_edit";
    let Some((tools, _turn)) = browser_turn(name, Needs::Browser) else {
        return;
    };
    let site = TempSite::new();
    let server = Server::start(&site);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let driver = Driver::start(&tools).await;
        let client = driver.connect(&tools).await;
        let url = format!("http://127.0.0.1:{}/online-safety/scope.html", server.port);
        client.goto(&url).await.expect("the page opens");
        let body = |client: &fantoccini::Client| {
            let client = client.clone();
            async move {
                client
                    .execute("return document.body.innerText", vec![])
                    .await
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            }
        };
        assert!(body(&client).await.contains("applies to all staff"));
        // Mark this copy of the page: a reload forgets the mark.
        client
            .execute("window.handbookMark = 1; return 1", vec![])
            .await
            .expect("the page runs scripts");
        // No need to wait for the page's event stream: when it connects it
        // is told the current build, and a page from an older one reloads.
        site.write(
            "content/online-safety/scope.md",
            &site.read("content/online-safety/scope.md").replace(
                "This policy applies to all staff.",
                "This policy applies to all staff and governors.",
            ),
        );
        let deadline = Instant::now() + WAIT;
        loop {
            let text = body(&client).await;
            if text.contains("all staff and governors") {
                let marked = client
                    .execute("return window.handbookMark === 1", vec![])
                    .await
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(true);
                assert!(!marked, "the page was reloaded, not patched");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the open page never reloaded; it shows:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        client.close().await.ok();
    });
}
