//! `handbook serve`: the live preview over real HTTP. Each test starts the
//! binary on a free port (`--port 0`; the address is on the first line of
//! its output), talks to it with a raw HTTP client (so that paths reach the
//! server exactly as written, `..` and all) and stops it when the test ends,
//! even on panic. Nothing here asserts on timings: edits are polled for,
//! within a generous bound. The reload in a real browser is in
//! `browser/serve.rs`, under the browser tests' harness.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{TODAY, TempSite, text};

/// How long to wait for a rebuild to show.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// A running `handbook serve`, stopped on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    /// The private folder the site is built into.
    folder: PathBuf,
    /// Lines the server printed on stdout and stderr (`stderr: ` first).
    lines: mpsc::Receiver<String>,
    /// Lines read but not yet asked for.
    backlog: std::cell::RefCell<Vec<String>>,
}

impl Server {
    pub(crate) fn start(site: &TempSite) -> Server {
        Server::start_with(site, &[])
    }

    fn start_with(site: &TempSite, args: &[&str]) -> Server {
        Server::built(Server::spawn(site, args))
    }

    /// Starts the server in a shell that first lowers the limit on open
    /// files to `files` (soft and hard).
    pub(crate) fn start_with_file_limit(site: &TempSite, files: u32) -> Server {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_handbook"));
        Server::built(Server::spawn_command(command, site, &[]))
    }

    /// Reads which folder the first build went into.
    fn built(mut server: Server) -> Server {
        let built = server.line_with("Built ");
        let folder = built
            .split(" into ")
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .expect("the build line names the folder");
        server.folder = PathBuf::from(folder);
        server
    }

    /// Starts the server and reads its address, whether or not the first
    /// build succeeds.
    fn spawn(site: &TempSite, args: &[&str]) -> Server {
        Server::spawn_command(Command::new(env!("CARGO_BIN_EXE_handbook")), site, args)
    }

    /// Starts `command` (the binary, or a shell that runs it) with the
    /// serve arguments.
    fn spawn_command(mut command: Command, site: &TempSite, args: &[&str]) -> Server {
        let mut child = command
            .args(["serve", "--port", "0", "--root"])
            .arg(site.path())
            .args(args)
            .env("HANDBOOK_TODAY", TODAY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("handbook serve starts");
        let (send, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let to_err = send.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = to_err.send(format!("stderr: {line}"));
            }
        });
        let mut server = Server {
            child,
            port: 0,
            folder: PathBuf::new(),
            lines,
            backlog: Default::default(),
        };
        let first = server.line_with("Serving");
        let url = first
            .split(" at ")
            .last()
            .expect("the first line names the address");
        assert!(url.starts_with("http://127.0.0.1:"), "{first}");
        server.port = url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .expect("a port number");
        server
    }

    /// Waits for a printed line containing `needle` (stdout and stderr
    /// arrive in no fixed order, so lines passed over are kept).
    pub(crate) fn line_with(&self, needle: &str) -> String {
        let mut backlog = self.backlog.borrow_mut();
        if let Some(i) = backlog.iter().position(|l| l.contains(needle)) {
            return backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => backlog.push(line),
                Err(_) => break,
            }
        }
        panic!(
            "no line with {needle:?}; the server printed:\n{}",
            backlog.join("\n")
        );
    }

    /// Waits until the server has printed nothing for a second (no
    /// rebuild under way), keeping what it printed.
    fn settle(&self) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_secs(1)) {
                Ok(line) => self.backlog.borrow_mut().push(line),
                Err(_) => return,
            }
        }
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        get(self.port, path)
    }

    /// What `/__handbook/status` says: the build state, the connections
    /// and event streams open, and their caps.
    pub(crate) fn status(&self) -> serde_json::Value {
        let reply = self.get("/__handbook/status");
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str(&reply.body).expect("the status is JSON")
    }

    /// A number from the status.
    pub(crate) fn status_count(&self, name: &str) -> u64 {
        let status = self.status();
        status[name]
            .as_u64()
            .unwrap_or_else(|| panic!("no {name} in {status}"))
    }

    /// True while the process runs.
    pub(crate) fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything printed so far that was not asked for yet.
    pub(crate) fn printed(&self) -> String {
        let mut backlog = self.backlog.borrow_mut();
        backlog.extend(self.lines.try_iter());
        backlog.join("\n")
    }

    /// Polls `path` until its body satisfies `done`.
    fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + WAIT;
        loop {
            let reply = self.get(path);
            if done(&reply) {
                return reply;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never showed {what}; last reply:\n{}",
                reply.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The build folder being served (the newest one).
    fn current_build(&self) -> PathBuf {
        let newest = std::fs::read_dir(&self.folder)
            .expect("the private folder exists")
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_prefix("site-")?
                    .parse::<u64>()
                    .ok()
                    .map(|n| (n, e.path()))
            })
            .max();
        newest.expect("a build folder").1
    }

    /// Sends a signal with `kill` and waits for the exit status.
    fn stop_with(&mut self, signal: &str) -> Option<i32> {
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && self.stop_with("-TERM").is_none()
        {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// GET `path` exactly as written.
pub(crate) fn get(port: u16, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(name, _)| name != ".handbook-output")
        .collect();
    out.sort();
    out
}

#[test]
fn serves_pages_with_their_content_types() {
    let site = TempSite::new();
    site.write("content/files/notes.txt", "Notes\n");
    site.write("content/files/data.json", "{\"a\": 1}\n");
    site.write(
        "content/files/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.write("content/files/policy.pdf", "%PDF-1.4\n");
    site.write("content/files/photo.png", "png");
    site.write("content/files/photo.jpg", "jpg");
    site.write("content/files/font.woff2", "woff2");
    let server = Server::start(&site);
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/online-safety/scope.html", "text/html; charset=utf-8"),
        ("/parents/", "text/html; charset=utf-8"),
        (
            "/course/online-safety/scope.html",
            "text/html; charset=utf-8",
        ),
        ("/style.css", "text/css; charset=utf-8"),
        ("/search-index.js", "text/javascript; charset=utf-8"),
        ("/files/notes.txt", "text/plain; charset=utf-8"),
        ("/files/data.json", "application/json"),
        ("/files/logo.svg", "image/svg+xml"),
        ("/files/policy.pdf", "application/pdf"),
        ("/files/photo.png", "image/png"),
        ("/files/photo.jpg", "image/jpeg"),
        ("/files/font.woff2", "font/woff2"),
        (
            "/online-safety/scope.html?q=1#top",
            "text/html; charset=utf-8",
        ),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.header("Content-Type"), Some(kind), "{path}");
    }
    let home = server.get("/");
    assert!(home.body.contains("Online Safety Policy"));
    assert!(
        home.body
            .contains("<script src=\"/__handbook/reload.js\" data-state=\"1\"></script></body>"),
        "the reload script is added to served pages"
    );
    let folder = server.get("/parents");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location"), Some("/parents/"));
    assert_eq!(server.get("/files/").status, 404, "no folder listings");
}

#[test]
fn missing_pages_get_the_sites_404_page() {
    let site = TempSite::new();
    let server = Server::start(&site);
    for path in ["/nope.html", "/parents/nope/deeper.html", "/nope/"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.body.contains("Page not found"),
            "{path}: the site's 404 page"
        );
        assert!(
            reply.body.contains("<base href=\"/\">"),
            "its links work at any depth"
        );
    }
}

#[test]
fn nothing_outside_the_build_folder_is_served() {
    let site = TempSite::new();
    let secret = "TOP-SECRET-42";
    site.write("secret.txt", secret);
    let server = Server::start(&site);
    // Plant links to the site's own files inside the served folder.
    let build = server.current_build();
    std::os::unix::fs::symlink(site.path().join("secret.txt"), build.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(site.path(), build.join("up")).unwrap();
    for path in [
        "/../secret.txt",
        "/../site.yaml",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e/site.yaml",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/..%2fsite.yaml",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/%2E%2E%2Fsite.yaml",
        "/parents/../../secret.txt",
        "/parents/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/index.html%00",
        "/.handbook-output",
        "//etc/passwd",
        "/etc/passwd",
        "/leak.txt",
        "/up/secret.txt",
        "/up/site.yaml",
        "/up/",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path} must be refused: {}", reply.body);
        assert!(!reply.body.contains(secret), "{path} leaked a file");
        assert!(!reply.body.contains("root:x:"), "{path} leaked /etc/passwd");
    }
    let absolute = format!("/{}", site.path().join("secret.txt").display());
    assert_eq!(server.get(&absolute).status, 404);
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let ask = |host: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    };
    assert!(ask(&format!("localhost:{}", server.port)).starts_with("HTTP/1.1 200"));
    // A page elsewhere that points its own name at 127.0.0.1 reads nothing.
    let reply = ask("rebound.example:80");
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    assert!(!reply.contains("Online Safety Policy"));
}

#[test]
fn an_edit_is_rebuilt_and_equals_a_full_build() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let before = server.get("/online-safety/scope.html");
    assert!(before.body.contains("applies to all staff"));

    // Save the way many editors do: write a temporary file, rename it over
    // the page.
    let scope = site.read("content/online-safety/scope.md").replace(
        "This policy applies to all staff.",
        "This policy applies to every member of staff.",
    );
    site.write("content/online-safety/scope.md.tmp", &scope);
    std::fs::rename(
        site.path().join("content/online-safety/scope.md.tmp"),
        site.path().join("content/online-safety/scope.md"),
    )
    .unwrap();
    server.wait_for("/online-safety/scope.html", "the edit", |r| {
        r.body.contains("applies to every member of staff")
    });
    let line = server.line_with("Rebuilt in");
    assert!(line.contains(" ms ("), "{line}");

    // What is served is exactly what `handbook build` writes.
    server.settle();
    let out = site.path().join("built");
    let output = site.run(&["build", "--out", &out.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let (served, built) = (files(&server.current_build()), files(&out));
    assert_eq!(
        served.iter().map(|f| &f.0).collect::<Vec<_>>(),
        built.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in served.iter().zip(&built) {
        assert!(a == b, "{name} differs from a full build");
    }

    // A change to site.yaml rebuilds everything.
    let config = site
        .read("site.yaml")
        .replace("Test Primary School", "Test Academy");
    site.write("site.yaml", &config);
    server.wait_for("/online-safety/roles.html", "the new organisation", |r| {
        r.body.contains("Test Academy")
    });
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_the_error() {
    let site = TempSite::new();
    let server = Server::start(&site);
    assert!(
        server
            .get("/__handbook/error")
            .body
            .contains("No build errors")
    );
    let broken = site.read("content/online-safety/scope.md").replace(
        "See [roles](roles.md#staff).",
        "See [roles](roles.md#no-such-anchor). Draft text.",
    );
    site.write("content/online-safety/scope.md", &broken);
    let error = server.wait_for("/__handbook/error", "the error", |r| {
        r.body.contains("did not build")
    });
    assert!(
        error.body.contains("content/online-safety/scope.md:12"),
        "the error names the file and line: {}",
        error.body
    );
    assert!(error.body.contains("#no-such-anchor"), "{}", error.body);
    assert!(error.body.contains("help:"), "and the fix: {}", error.body);
    let stderr = server.line_with("content/online-safety/scope.md:12");
    assert!(stderr.starts_with("stderr: error:"), "{stderr}");

    let page = server.get("/online-safety/scope.html");
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("Draft text"),
        "the last good page is served"
    );
    assert!(
        page.body
            .contains("See <a href=\"roles.html#staff\">roles</a>")
    );
    assert!(
        page.body.contains("id=\"handbook-build-error\""),
        "with the error over it"
    );

    let fixed = broken.replace("#no-such-anchor", "#staff");
    site.write("content/online-safety/scope.md", &fixed);
    server.wait_for("/online-safety/scope.html", "the fixed page", |r| {
        r.body.contains("Draft text") && !r.body.contains("handbook-build-error")
    });
    assert!(
        server
            .get("/__handbook/error")
            .body
            .contains("No build errors")
    );
}

#[test]
fn a_site_that_does_not_build_at_first_is_served_once_fixed() {
    let site = TempSite::new();
    let good = site.read("content/online-safety/roles.md");
    site.write(
        "content/online-safety/roles.md",
        &good.replace("## Staff", "## Staff\n\nSee [x](gone.md)."),
    );
    let server = Server::spawn(&site, &[]);
    let reply = server.get("/");
    assert_eq!(reply.status, 503);
    assert!(
        reply.body.contains("content/online-safety/roles.md:9"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("gone.md"), "{}", reply.body);
    site.write("content/online-safety/roles.md", &good);
    server.wait_for("/", "the site", |r| r.status == 200);
    assert!(
        server
            .get("/online-safety/roles.html")
            .body
            .contains("Report concerns")
    );
}

#[test]
fn the_event_stream_announces_each_build() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /__handbook/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut next_data = || -> String {
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader.read_line(&mut line).expect("the stream stays open");
            assert!(read > 0, "the stream ended");
            if let Some(data) = line.strip_prefix("data: ") {
                return data.trim().to_string();
            }
        }
    };
    let first = next_data();
    assert_eq!(first, "1");
    site.write(
        "content/online-safety/roles.md",
        &site
            .read("content/online-safety/roles.md")
            .replace("Attend training.", "Attend all training."),
    );
    let second = next_data();
    assert_ne!(second, first, "a rebuild moves the state on");
}

#[test]
fn build_output_has_no_preview_script() {
    let site = TempSite::new();
    {
        let server = Server::start(&site);
        assert!(server.get("/").body.contains("/__handbook/reload.js"));
    }
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    for (name, bytes) in files(&site.path().join("output")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__handbook"), "{name} has preview code");
    }
}

#[test]
fn ctrl_c_stops_and_removes_the_private_folder() {
    let site = TempSite::new();
    let mut server = Server::start(&site);
    assert!(server.folder.is_dir());
    assert!(
        !site.path().join("output").exists(),
        "output/ is not touched"
    );
    assert_eq!(server.stop_with("-INT"), Some(0), "a clean exit");
    assert!(!server.folder.exists(), "the private folder is removed");
}

#[test]
fn other_addresses_only_when_asked_and_with_a_warning() {
    let site = TempSite::new();
    let server = Server::start_with(&site, &["--bind", "0.0.0.0"]);
    let warning = server.line_with("warning: listening on 0.0.0.0");
    assert!(warning.contains("anyone on your network"), "{warning}");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_busy_port_is_a_usage_error() {
    let site = TempSite::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let output = site.run(&["serve", "--port", &port]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("choose another --port"),
        "{}",
        text(&output)
    );
}
