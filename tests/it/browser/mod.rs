//! Browser end-to-end tests: the built site in a real headless Chromium,
//! driven through chromedriver with fantoccini.
//!
//! Each test builds the site, serves it on 127.0.0.1 under a sub-path
//! (`/trust/policy/`) with a small static file server, starts its own
//! chromedriver (in its own process group, killed when the test ends, even
//! on panic) and drives a fresh browser profile.
//!
//! Browser tests take a global lock, so only one browser runs at a time.
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium
//! chromium-driver fonts-liberation`) and, for the accessibility gate,
//! axe-core in `node_modules/` (`npm install --no-save axe-core@4.14.1`;
//! `.ci/run` does both). When a tool is missing a test prints `SKIPPED: …`
//! and passes, unless the `CI` environment variable is set: then it fails.
//!
//! The page types every page-level check visits are listed once, in
//! `pages::PAGES`.

#![allow(dead_code)]

mod a11y;
mod course;
mod driver;
mod evidence;
mod handbook;
mod history;
mod hosts;
mod i18n;
mod identity;
mod library;
mod markdown;
mod pages;
mod pdf;
mod print;
mod quiz;
mod report;
mod retry;
mod search_every_page;
mod serve;
mod server;
mod small_screens;
mod token_flow;
mod tools;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::support::{handbook as run_handbook, project_root, text};
use driver::Driver;
use server::Server;

/// The sub-path the site is served under, as a trust's website might.
pub const SUB_PATH: &str = "/trust/policy/";

/// How long to wait for anything to appear in the page.
pub const WAIT: Duration = Duration::from_secs(30);

/// Only one browser at a time (the CI machine has two cores).
static BROWSER_LOCK: Mutex<()> = Mutex::new(());

/// What a test needs besides a browser.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Browser,
    BrowserAndAxe,
}

/// The tools found on this machine.
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    /// The source of axe.min.js, when asked for.
    pub axe: Option<String>,
}

/// True when running in CI, where no browser test may skip.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The path of axe-core's browser script under the project's node_modules.
pub fn axe_path() -> PathBuf {
    project_root().join("node_modules/axe-core/axe.min.js")
}

/// Finds the tools, or says what is missing.
fn find_tools(needs: Needs) -> Result<Tools, String> {
    let mut missing = Vec::new();
    let chromium = match std::env::var_os("HANDBOOK_CHROMIUM") {
        // Named explicitly: that one or nothing.
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .or_else(|| find_in_path("chromium")),
    };
    if chromium.is_none() {
        missing.push("chromium (apt-get install chromium)".to_string());
    }
    let chromedriver = find_in_path("chromedriver");
    if chromedriver.is_none() {
        missing.push("chromedriver (apt-get install chromium-driver)".to_string());
    }
    let mut axe = None;
    if needs == Needs::BrowserAndAxe {
        match std::fs::read_to_string(axe_path()) {
            Ok(source) => axe = Some(source),
            Err(_) => missing.push(format!(
                "axe-core at {} (npm install --no-save axe-core@4.14.1)",
                axe_path().display()
            )),
        }
    }
    if missing.is_empty() {
        Ok(Tools {
            chromium: chromium.unwrap(),
            chromedriver: chromedriver.unwrap(),
            axe,
        })
    } else {
        Err(missing.join(", "))
    }
}

/// A lock file shared by every test process on the machine, held while a
/// browser runs (two browsers at once starve a two-core machine).
fn machine_lock() -> std::fs::File {
    let path = std::env::temp_dir().join("handbook-browser-tests.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|err| panic!("opening {}: {err}", path.display()));
    file.lock()
        .unwrap_or_else(|err| panic!("locking {}: {err}", path.display()));
    file
}

/// The handbook the browser tests build: the project's own, or the one in
/// `HANDBOOK_BROWSER_SITE` (to run these checks on another school's site).
pub fn site_root() -> PathBuf {
    std::env::var_os("HANDBOOK_BROWSER_SITE")
        .map(PathBuf::from)
        .unwrap_or_else(project_root)
}

/// Builds the project's real site into a temporary folder.
pub fn build_real_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("output");
    let root = site_root();
    let output = run_handbook(&[
        "build",
        "--root",
        &root.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "building the real site failed:\n{}",
        text(&output)
    );
    assert!(
        out.join("index.html").is_file(),
        "the build wrote index.html"
    );
    dir
}

/// Whose turn it is to run a browser: held for the length of a test.
pub struct Turn {
    _in_process: std::sync::MutexGuard<'static, ()>,
    _on_machine: std::fs::File,
}

/// The tools for a browser test and the turn to use them: one browser at a
/// time in this process and on this machine. `None` means skip (the tools
/// are missing outside CI); in CI missing tools fail the test.
pub fn browser_turn(name: &str, needs: Needs) -> Option<(Tools, Turn)> {
    let tools = match find_tools(needs) {
        Ok(tools) => tools,
        Err(missing) => {
            if in_ci() {
                panic!(
                    "{name}: CI is set, so the browser tests must run, but these are missing: {missing}"
                );
            }
            eprintln!("SKIPPED: {name}: missing {missing}; set CI=1 to make this a failure");
            return None;
        }
    };
    let in_process = BROWSER_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let on_machine = machine_lock();
    Some((
        tools,
        Turn {
            _in_process: in_process,
            _on_machine: on_machine,
        },
    ))
}

/// Runs one browser test on the real site: builds it, then [`run_on`].
pub fn run<F>(name: &str, needs: Needs, test: F)
where
    F: AsyncFnOnce(&Browser),
{
    let site = build_real_site();
    run_on(name, &site.path().join("output"), needs, test);
}

/// Runs one browser test on a built site: skips (or fails in CI) without
/// the tools, serves `output` under [`SUB_PATH`], starts a browser and hands
/// it to `test`. Everything started is stopped when this returns or panics.
pub fn run_on<F>(name: &str, output: &Path, needs: Needs, test: F)
where
    F: AsyncFnOnce(&Browser),
{
    let Some((tools, _turn)) = browser_turn(name, needs) else {
        return;
    };
    let started = Instant::now();
    let server = Server::start(output, SUB_PATH);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let driver = Driver::start(&tools).await;
        let client = driver.connect(&tools).await;
        let browser = Browser {
            client,
            base: server.url(SUB_PATH),
            output: output.to_path_buf(),
            server,
            axe: tools.axe,
            _driver: driver,
        };
        test(&browser).await;
        browser.client.clone().close().await.ok();
        // `browser` drops here: the driver's process group is killed.
    });
    eprintln!(
        "browser test `{name}` took {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// A browser session on the served site.
pub struct Browser {
    pub client: Client,
    /// `http://127.0.0.1:<port>/trust/policy/`
    pub base: String,
    /// The built site on disk.
    pub output: PathBuf,
    pub server: Server,
    axe: Option<String>,
    // Last, so the session is dropped before the driver is killed.
    _driver: Driver,
}

impl Browser {
    /// The address of a page of the site (`rel` relative to the site root).
    pub fn url(&self, rel: &str) -> String {
        format!("{}{}", self.base, rel)
    }

    /// Opens a page of the site and waits for it (and its deferred scripts)
    /// to have loaded.
    pub async fn open(&self, rel: &str) {
        self.goto(&self.url(rel)).await;
    }

    /// Opens any address and waits for the load.
    pub async fn goto(&self, url: &str) {
        if let Err(err) = self.client.goto(url).await {
            let hits = self.server.take_log();
            let state = self
                .client
                .execute(
                    "return [document.readyState, document.documentElement.outerHTML.length,\
                       performance.getEntriesByType('resource').map(function (e) {\
                         return [e.name, Math.round(e.responseEnd), e.transferSize]; })];",
                    vec![],
                )
                .await;
            panic!(
                "opening {url}: {err}\n  requests the server answered: {hits:?}\n  page state: {state:?}"
            );
        }
        self.wait_until(
            "document.readyState === 'complete'",
            &format!("{url} loads"),
        )
        .await;
    }

    /// The current address.
    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current address")
            .to_string()
    }

    /// Runs a script (a function body: use `return`).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|err| panic!("running script failed: {err}\n{script}"))
    }

    /// Waits until the JavaScript expression `condition` is true.
    pub async fn wait_until(&self, condition: &str, what: &str) {
        let script = format!("return !!({condition});");
        let deadline = Instant::now() + WAIT;
        loop {
            match self.client.execute(&script, vec![]).await {
                Ok(Value::Bool(true)) => return,
                Ok(_) => {}
                // A navigation may be under way: try again.
                Err(err) if Instant::now() >= deadline => {
                    panic!("waiting for {what}: `{condition}` failed: {err}")
                }
                Err(_) => {}
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await;
                panic!(
                    "waited {}s for {what}: `{condition}` is still false on {url}",
                    WAIT.as_secs()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for an element matching a CSS selector.
    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(err) => {
                let url = self.current_url().await;
                panic!("no element `{css}` on {url}: {err}")
            }
        }
    }

    /// Waits for an element matching a CSS selector to be displayed.
    pub async fn wait_visible(&self, css: &str) -> Element {
        let element = self.wait_for(css).await;
        let quoted = serde_json::to_string(css).unwrap();
        self.wait_until(
            &format!(
                "(function(e){{return e && !e.hidden && !e.closest('[hidden]') && e.getClientRects().length > 0;}})(document.querySelector({quoted}))"
            ),
            &format!("`{css}` to be shown"),
        )
        .await;
        element
    }

    /// Finds an element that must be there now.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(err) => {
                let url = self.current_url().await;
                panic!("no element `{css}` on {url}: {err}")
            }
        }
    }

    /// Every element matching a CSS selector.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|err| panic!("finding `{css}`: {err}"))
    }

    /// Clicks an element matching a CSS selector.
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        // Into the middle of the window, as a reader would scroll to it.
        self.js(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});",
            vec![serde_json::to_value(&element).expect("an element reference")],
        )
        .await;
        if let Err(err) = element.click().await {
            let on_top = self
                .js(
                    "var e = arguments[0], r = e.getBoundingClientRect();\
                     var t = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);\
                     return JSON.stringify(r) + ' covered by ' + (t ? t.outerHTML.slice(0, 300) : 'nothing');",
                    vec![serde_json::to_value(&element).expect("an element reference")],
                )
                .await;
            panic!("clicking `{css}`: {err}\n  {on_top}");
        }
    }

    /// The `id` of the element that has the keyboard focus.
    pub async fn focused_id(&self) -> String {
        self.js(
            "var e = document.activeElement; return e ? (e.id || e.tagName) : '';",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Presses keys (WebDriver key actions: the keyboard alone, on whatever
    /// has the focus).
    pub async fn press(&self, keys: &[fantoccini::key::Key]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_string());
        for key in keys {
            let value: char = (*key).into();
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|err| panic!("pressing {keys:?}: {err}"));
        self.client.release_actions().await.ok();
    }

    /// axe-core's source (the test asked for it with [`Needs::BrowserAndAxe`]).
    pub fn axe_source(&self) -> &str {
        self.axe
            .as_deref()
            .expect("the test was started with Needs::BrowserAndAxe")
    }

    /// The built file `rel` of the site.
    pub fn output_file(&self, rel: &str) -> PathBuf {
        self.output.join(rel)
    }
}

/// The `file://` address of a file on disk.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            other => url.push_str(&format!("%{other:02X}")),
        }
    }
    url
}
