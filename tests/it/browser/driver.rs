//! chromedriver in its own process group, and a headless Chromium session.
//!
//! The whole group (chromedriver, Chromium and every helper process it
//! starts) is killed when the [`Driver`] is dropped, so no browser is left
//! behind even when a test panics.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

use super::Tools;

/// The browser window: a common laptop size.
const WINDOW: (u32, u32) = (1280, 900);

/// A running chromedriver and the browser profile it uses.
pub struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Driver {
    /// Starts chromedriver and waits until it listens.
    pub async fn start(tools: &Tools) -> Driver {
        let profile = tempfile::tempdir().expect("a temporary profile folder");
        let log = File::create(profile.path().join("chromedriver.log")).expect("a log file");
        let port = free_port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .arg("--verbose")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|err| panic!("starting {}: {err}", tools.chromedriver.display()));
        // From here on, dropping `driver` kills the group.
        let mut driver = Driver {
            child,
            port,
            profile,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "chromedriver exited with {status} before listening on port {port}:\n{}",
                    driver.log()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "chromedriver did not listen on port {port} within 60s:\n{}",
                    driver.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens a new headless Chromium session with a fresh profile.
    pub async fn connect(&self, tools: &Tools) -> Client {
        let user_data = self.profile.path().join("profile");
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--no-first-run".to_string(),
            // The theme scrolls smoothly unless the reader asks for less
            // motion; an animated scroll would move elements under clicks.
            "--force-prefers-reduced-motion".to_string(),
            format!("--user-data-dir={}", user_data.display()),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium.to_string_lossy(),
                "args": args,
            },
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|err| {
                panic!(
                    "starting Chromium through chromedriver failed: {err}\nchromedriver log:\n{}",
                    self.log()
                )
            });
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(120)),
                Some(Duration::from_secs(120)),
                Some(Duration::from_secs(0)),
            ))
            .await
            .expect("setting timeouts");
        client
    }

    /// The end of chromedriver's log.
    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(self.profile.path().join("chromedriver.log"))
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Sends `signal` to every process of the group.
    fn signal_group(&self, signal: &str) {
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args([format!("-{signal}"), "--".to_string(), format!("-{pgid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let keep =
                std::env::temp_dir().join(format!("handbook-chromedriver-{}.log", self.port));
            let _ = std::fs::copy(self.profile.path().join("chromedriver.log"), &keep);
            eprintln!(
                "chromedriver log (last lines; all of it in {}):\n{}",
                keep.display(),
                self.log()
            );
        }
        self.signal_group("TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (Chromium's helpers) goes too.
        self.signal_group("KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
