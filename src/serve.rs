//! `handbook serve`: a live preview. The site is built into a private
//! temporary folder (the user's `output/` is never touched), served with
//! tiny_http, rebuilt when a source file changes, and open pages reload
//! through server-sent events.
//!
//! Each build goes into a fresh numbered folder that is swapped in only
//! when the build succeeds, so a broken edit keeps the last good site
//! served; the error (file, line, fix) is printed in the terminal, shown
//! over every served page and at `/__handbook/error`. The reload script and
//! the error overlay are added to HTML responses as they are served, never
//! to the files, so nothing of the preview can leak into `handbook build`.
//!
//! Only files inside the current build folder are ever served: request
//! paths with `..` or `.` segments, hidden names, backslashes, NUL bytes or
//! encoded slashes are refused, and the resolved path must still be inside
//! the folder after symbolic links are followed.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::incremental::{self, LiveSite};

/// Where the preview's own files are served from.
pub const PREFIX: &str = "/__handbook/";

/// After a change, wait until no other change has come for this long, so
/// that an editor's save (write a temporary file, rename it over the page)
/// is one rebuild.
const QUIET: Duration = Duration::from_millis(30);

/// When the last change ends a save (a file closed after writing, or a
/// file renamed into place), a shorter wait is enough.
const QUIET_AFTER_SAVE: Duration = Duration::from_millis(5);

/// …and never wait longer than this after the first change.
const MAX_WAIT: Duration = Duration::from_millis(100);

/// Threads answering ordinary requests (each reload stream has its own).
const WORKERS: usize = 4;

/// The most reload streams open at once.
const MAX_STREAMS: usize = 64;

/// How `serve` is asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port (0: any free port).
    pub port: u16,
    /// Open the site in the browser.
    pub open: bool,
}

/// What the server knows about the builds.
#[derive(Debug, Default)]
struct Status {
    /// The folder of the last good build (canonical), if any.
    dir: Option<PathBuf>,
    /// Changes each time a build is tried; pages carry it and reload when
    /// it moves on.
    state: u64,
    /// The last build's errors, as the terminal shows them, if it failed.
    error: Option<String>,
    /// Set when the server is stopping.
    stopping: bool,
}

/// State shared by the builder, the request threads and the streams.
#[derive(Default)]
struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
    streams: AtomicUsize,
    /// Listening on a loopback address: answer only requests addressed to
    /// this computer by name or number, so that a web page elsewhere cannot
    /// read the preview through a DNS name pointed at 127.0.0.1.
    local_only: bool,
}

impl Shared {
    fn status(&self) -> MutexGuard<'_, Status> {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

enum Message {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Builds, serves and watches until Ctrl-C.
pub fn run(options: &Options) -> Result<()> {
    let root = std::fs::canonicalize(&options.root)
        .map_err(|err| Error::io(format!("reading {}", options.root.display()), err))?;
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} has no site.yaml; run `handbook serve` in the handbook's folder or pass --root DIR",
            options.root.display()
        )));
    }
    let address = SocketAddr::new(options.bind, options.port);
    let server = tiny_http::Server::http(address).map_err(|err| {
        Error::Usage(format!(
            "cannot listen on {address}: {err}; choose another --port (--port 0 picks a free one)"
        ))
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let shown = if options.bind.is_unspecified() {
        match options.bind {
            IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
            IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        }
    } else {
        options.bind
    };
    let url = format!("http://{}/", SocketAddr::new(shown, port));

    let private = tempfile::Builder::new()
        .prefix("handbook-serve-")
        .tempdir()
        .map_err(|err| Error::io("creating a temporary folder for the preview", err))?;
    let folder = std::fs::canonicalize(private.path())
        .map_err(|err| Error::io(format!("reading {}", private.path().display()), err))?;

    let (sender, messages) = mpsc::channel();
    let stop = sender.clone();
    let signals = ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    });

    // Watch before the first build, so that no change made after it is
    // missed.
    let watch = sender.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = watch.send(Message::Fs(event));
    })
    .map_err(|err| {
        Error::Usage(format!(
            "cannot watch {} for changes: {err}",
            root.display()
        ))
    })?;
    let mut watched = BTreeSet::new();
    watch_sources(&mut watcher, &root, &mut watched, &BTreeSet::new())?;
    let shared = Arc::new(Shared {
        local_only: options.bind.is_loopback(),
        ..Shared::default()
    });
    let mut live = LiveSite::new(&root);
    let mut builder = Builder {
        folder: folder.clone(),
        generation: 0,
        shared: Arc::clone(&shared),
        warnings: Vec::new(),
        last_page: None,
    };
    let started = Instant::now();
    let first = builder.build(&mut live, None);

    println!(
        "Serving {} at {url}",
        live.title().unwrap_or("the handbook")
    );
    match &first {
        Ok(pages) => println!(
            "Built {pages} pages in {} ms into {} (a private folder, removed on exit; output/ is not touched)",
            started.elapsed().as_millis(),
            folder.display()
        ),
        Err(err) => eprintln!(
            "{err}\nThe build failed: fix the file above and save it; the page will reload."
        ),
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone on your network who can reach this computer can read the preview, drafts included; leave out --bind to keep it on this computer",
            options.bind
        );
    }
    if let Err(err) = &signals {
        eprintln!(
            "warning: cannot catch Ctrl-C ({err}); the preview folder {} may be left behind",
            folder.display()
        );
    }

    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, &shared);
            }
        });
    }

    println!("Watching for changes. Press Ctrl-C to stop.");
    if options.open {
        open_browser(&url);
    }

    while let Ok(message) = messages.recv() {
        let first_event = Instant::now();
        let mut changed = BTreeSet::new();
        let mut everything = false;
        let mut stop = false;
        let mut next = Some(message);
        while let Some(message) = next.take() {
            let mut saved = false;
            match message {
                Message::Stop => stop = true,
                Message::Fs(Ok(event)) => {
                    saved = collect(&root, event, &mut changed, &mut everything);
                }
                Message::Fs(Err(_)) => everything = true,
            }
            if stop {
                break;
            }
            let waited = first_event.elapsed();
            if changed.is_empty() && !everything {
                break;
            }
            let quiet = if saved { QUIET_AFTER_SAVE } else { QUIET };
            if waited < MAX_WAIT {
                next = messages.recv_timeout(quiet.min(MAX_WAIT - waited)).ok();
            }
        }
        // An editor that moves the old file aside before writing the new
        // one leaves the page missing for a moment: give it until MAX_WAIT
        // to come back rather than build a site without it.
        while !stop && live.lost_page(&changed) {
            let Some(left) = MAX_WAIT.checked_sub(first_event.elapsed()) else {
                break;
            };
            match messages.recv_timeout(QUIET.min(left)) {
                Ok(Message::Fs(Ok(event))) => {
                    collect(&root, event, &mut changed, &mut everything);
                }
                Ok(Message::Fs(Err(_))) => everything = true,
                Ok(Message::Stop) => stop = true,
                Err(_) => {}
            }
        }
        if stop {
            break;
        }
        let changed = live.relevant(&changed);
        if changed.is_empty() && !everything {
            continue;
        }
        watch_sources(&mut watcher, &root, &mut watched, &changed)?;
        let started = Instant::now();
        let result = builder.build(&mut live, (!everything).then_some(&changed));
        let took = started.elapsed().as_millis();
        match result {
            Ok(pages) => {
                let what = match &builder.last_page {
                    Some(page) => format!("1 page changed: content/{page}"),
                    None => format!("full build of {pages} pages: {}", describe(&changed)),
                };
                println!("Rebuilt in {took} ms ({what})");
            }
            Err(err) => eprintln!(
                "{err}\nThe build failed; still serving the last good site. Fix the file above and save it."
            ),
        }
    }

    println!("Stopping.");
    {
        let mut status = shared.status();
        status.stopping = true;
    }
    shared.changed.notify_all();
    drop(watcher);
    for _ in 0..WORKERS {
        server.unblock();
    }
    drop(private);
    Ok(())
}

/// Builds into numbered folders and swaps the served one.
struct Builder {
    folder: PathBuf,
    generation: u64,
    shared: Arc<Shared>,
    /// Warnings last printed (printed again only when they change).
    warnings: Vec<String>,
    /// The page the last rebuild re-rendered, if it was incremental.
    last_page: Option<String>,
}

impl Builder {
    /// Builds (in full, or after `changed`) and publishes the result;
    /// returns the number of pages.
    fn build(&mut self, live: &mut LiveSite, changed: Option<&BTreeSet<PathBuf>>) -> Result<usize> {
        self.generation += 1;
        let dir = self.folder.join(format!("site-{}", self.generation));
        std::fs::create_dir(&dir)
            .map_err(|err| Error::io(format!("creating {}", dir.display()), err))?;
        let result = match changed {
            Some(changed) => live.rebuild(changed, &dir),
            None => live.build_full(&dir),
        };
        let mut status = self.shared.status();
        status.state += 1;
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(err) => {
                status.error = Some(err.to_string());
                drop(status);
                self.shared.changed.notify_all();
                let _ = std::fs::remove_dir_all(&dir);
                self.last_page = None;
                return Err(err);
            }
        };
        status.dir = Some(dir);
        status.error = None;
        drop(status);
        self.shared.changed.notify_all();
        // Keep the previous build a while for requests still reading it.
        if self.generation > 2 {
            let old = self.folder.join(format!("site-{}", self.generation - 2));
            std::thread::spawn(move || {
                let _ = std::fs::remove_dir_all(old);
            });
        }
        let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
        if warnings != self.warnings {
            for warning in &warnings {
                eprintln!("{warning}");
            }
            self.warnings = warnings;
        }
        self.last_page = outcome.page;
        Ok(outcome.pages)
    }
}

/// Adds the paths of a file-system event (relative to the root) to
/// `changed`; sets `everything` when the event cannot be trusted. Returns
/// true when the event ends a save of a source file.
fn collect(
    root: &Path,
    event: notify::Event,
    changed: &mut BTreeSet<PathBuf>,
    everything: &mut bool,
) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    let saved = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => true,
        // Opening and reading (the build itself does that), and metadata
        // such as access times, change nothing.
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return false,
        _ => false,
    };
    if event.need_rescan() {
        *everything = true;
    }
    let mut source = false;
    for path in event.paths {
        if let Ok(rel) = path.strip_prefix(root)
            && incremental::is_source(rel)
        {
            changed.insert(rel.to_path_buf());
            source = true;
        }
    }
    saved && source
}

/// A short account of what changed, for the terminal.
fn describe(changed: &BTreeSet<PathBuf>) -> String {
    let names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| p.display().to_string().replace('\\', "/"))
        .collect();
    match changed.len() {
        0 => "files changed".to_string(),
        1..=3 => format!("{} changed", names.join(", ")),
        n => format!("{} and {} more changed", names.join(", "), n - 3),
    }
}

/// Watches the root (not recursively: site.yaml, versions.yaml and the
/// folders appearing) and each source folder recursively. Folders are
/// watched rather than files, so that editors that save by writing a new
/// file and renaming it over the old one are seen. A folder that was
/// (re)created is watched again.
fn watch_sources(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    watched: &mut BTreeSet<PathBuf>,
    changed: &BTreeSet<PathBuf>,
) -> Result<()> {
    let fail = |path: &Path, err: notify::Error| {
        Error::Usage(format!(
            "cannot watch {} for changes: {err}",
            path.display()
        ))
    };
    if watched.is_empty() {
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|err| fail(root, err))?;
    }
    for name in incremental::SOURCES {
        let dir = root.join(name);
        let renewed = changed.contains(Path::new(name));
        if !dir.is_dir() {
            watched.remove(&dir);
            continue;
        }
        if watched.contains(&dir) && !renewed {
            continue;
        }
        let _ = watcher.unwatch(&dir);
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(|err| fail(&dir, err))?;
        watched.insert(dir);
    }
    Ok(())
}

/// Opens `url` in the default browser, best effort.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reap it when it ends, so it does not linger as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(err) => eprintln!("Could not open a browser ({program}: {err}); open {url} yourself."),
    }
}

// ---------------------------------------------------------------------------
// Requests

fn handle(request: tiny_http::Request, shared: &Arc<Shared>) {
    let method = request.method().clone();
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        let response = text_response(405, "Only GET and HEAD are supported.\n")
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    if shared.local_only && !addressed_locally(&request) {
        let _ = request.respond(text_response(
            403,
            "This preview answers only to addresses of this computer, such as http://127.0.0.1/ or http://localhost/.\n",
        ));
        return;
    }
    let target = request.url().to_string();
    let path = target.split(['?', '#']).next().unwrap_or("");
    if let Some(own) = path.strip_prefix(PREFIX) {
        match own {
            "events" => events(request, shared),
            "reload.js" => {
                let response = tiny_http::Response::from_data(RELOAD_JS)
                    .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store"));
                let _ = request.respond(response);
            }
            "serve.css" => {
                let response = tiny_http::Response::from_data(SERVE_CSS)
                    .with_header(header("Content-Type", "text/css; charset=utf-8"))
                    .with_header(header("Cache-Control", "no-store"));
                let _ = request.respond(response);
            }
            "error" => {
                let status = shared.status();
                let page = error_page(status.error.as_deref(), status.state);
                drop(status);
                let _ = request.respond(html_response(200, page));
            }
            _ => {
                let _ = request.respond(text_response(404, "Not found.\n"));
            }
        }
        return;
    }
    let (dir, state, error) = {
        let status = shared.status();
        (status.dir.clone(), status.state, status.error.clone())
    };
    let Some(dir) = dir else {
        // Nothing has built yet: every page is the error.
        let _ = request.respond(html_response(503, error_page(error.as_deref(), state)));
        return;
    };
    let response = match resolve(&dir, path) {
        Resolved::File(file) => file_response(&file, 200, state, error.as_deref(), false),
        Resolved::Redirect(location) => {
            Some(text_response(301, "Moved.\n").with_header(header("Location", &location)))
        }
        Resolved::NotFound => None,
    };
    let response = response.unwrap_or_else(|| {
        let page = dir.join("404.html");
        file_response(&page, 404, state, error.as_deref(), true)
            .unwrap_or_else(|| text_response(404, "Not found.\n"))
    });
    let _ = request.respond(response);
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// True when the request's Host (if any) names this computer: `localhost`
/// or a loopback address, with any port.
fn addressed_locally(request: &tiny_http::Request) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return true;
    };
    host_is_local(&host)
}

/// True for `localhost`, `127.x.x.x` and `[::1]`, with or without a port.
fn host_is_local(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A response header. Names and values here are constants, numbers or
/// percent-encoded paths: ASCII, which is all `from_bytes` asks.
fn header(name: &str, value: &str) -> tiny_http::Header {
    let value = if value.is_ascii() { value } else { "" };
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("an ASCII header name and value")
}

fn text_response(status: u16, text: &str) -> Response {
    tiny_http::Response::from_data(text.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn html_response(status: u16, html: String) -> Response {
    tiny_http::Response::from_data(html.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// The response for a file of the site (`None` if it cannot be read).
fn file_response(
    file: &Path,
    status: u16,
    state: u64,
    error: Option<&str>,
    not_found: bool,
) -> Option<Response> {
    let bytes = std::fs::read(file).ok()?;
    let kind = content_type(file);
    if kind.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        return Some(html_response(
            status,
            inject(&html, state, error, not_found),
        ));
    }
    Some(
        tiny_http::Response::from_data(bytes)
            .with_status_code(status)
            .with_header(header("Content-Type", kind))
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff")),
    )
}

/// The content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

/// What a request path refers to in the build folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the folder.
    File(PathBuf),
    /// A folder asked for without its trailing `/`: redirect here.
    Redirect(String),
    /// Nothing to serve.
    NotFound,
}

/// Maps a request path (as sent, percent-encoded, without the query) to a
/// file inside `base` (a canonical folder). Anything that could reach
/// outside it is refused.
pub fn resolve(base: &Path, path: &str) -> Resolved {
    let Some(rest) = path.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    if path.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let mut parts = Vec::new();
    for raw in rest.split('/') {
        if raw.is_empty() {
            continue;
        }
        let Some(part) = percent_decode(raw) else {
            return Resolved::NotFound;
        };
        // An encoded separator, a parent or current folder, a hidden or
        // absolute name: never a file of the site.
        if part.contains(['/', '\\', '\0', ':'])
            || part.starts_with('.')
            || Path::new(&part).components().count() != 1
            || !matches!(
                Path::new(&part).components().next(),
                Some(Component::Normal(_))
            )
        {
            return Resolved::NotFound;
        }
        parts.push(part);
    }
    let mut file = base.to_path_buf();
    for part in &parts {
        file.push(part);
    }
    let Some(found) = inside(base, &file) else {
        return Resolved::NotFound;
    };
    if found.is_dir() {
        if !path.ends_with('/') {
            let mut location = String::from("/");
            for part in &parts {
                location.push_str(&percent_encode(part));
                location.push('/');
            }
            return Resolved::Redirect(location);
        }
        return match inside(base, &found.join("index.html")) {
            Some(index) if index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if found.is_file() {
        Resolved::File(found)
    } else {
        Resolved::NotFound
    }
}

/// `path` with every symbolic link followed, if that is inside `base`.
fn inside(base: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    real.starts_with(base).then_some(real)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or text that is
/// not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Adds the reload script (and the error overlay when the last build
/// failed) before `</body>`; a not-found page also gets `<base href="/">`,
/// as it is served at any depth.
fn inject(html: &str, state: u64, error: Option<&str>, not_found: bool) -> String {
    let mut snippet = String::new();
    if let Some(error) = error {
        snippet.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{PREFIX}serve.css\">\
             <div id=\"handbook-build-error\" role=\"alert\"><p><strong>The last change did not build.</strong> \
             This is the last good version of the page. Fix the problem and save; the page reloads by itself. \
             <a href=\"{PREFIX}error\">The error on its own page</a></p><pre>{}</pre></div>",
            escape(error)
        ));
    }
    snippet.push_str(&format!(
        "<script src=\"{PREFIX}reload.js\" data-state=\"{state}\"></script>"
    ));
    let mut out = String::with_capacity(html.len() + snippet.len() + 32);
    let lower = html.to_ascii_lowercase();
    let mut body = html;
    if not_found
        && !lower.contains("<base")
        && let Some(head) = lower.find("<head>")
    {
        let at = head + "<head>".len();
        out.push_str(&html[..at]);
        out.push_str("<base href=\"/\">");
        body = &html[at..];
    }
    let lower_body = &lower[html.len() - body.len()..];
    match lower_body.rfind("</body>") {
        Some(end) => {
            out.push_str(&body[..end]);
            out.push_str(&snippet);
            out.push_str(&body[end..]);
        }
        None => {
            out.push_str(body);
            out.push_str(&snippet);
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page at `/__handbook/error`.
fn error_page(error: Option<&str>, state: u64) -> String {
    let body = match error {
        Some(error) => format!(
            "<h1>The last change did not build</h1>\
             <p>The preview still shows the last good version of the site. Fix the problem below and save the file; open pages reload by themselves.</p>\
             <pre>{}</pre>",
            escape(error)
        ),
        None => "<h1>No build errors</h1><p>The last build succeeded.</p>".to_string(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Build status – handbook serve</title>\
         <link rel=\"stylesheet\" href=\"{PREFIX}serve.css\"></head>\
         <body class=\"handbook-status\"><main>{body}<p><a href=\"/\">Back to the site</a></p></main>\
         <script src=\"{PREFIX}reload.js\" data-state=\"{state}\"></script></body></html>"
    )
}

/// `/__handbook/events`: a server-sent event stream that sends the build
/// state when the stream opens and whenever it changes. It runs on its own
/// thread for as long as the page is open.
fn events(request: tiny_http::Request, shared: &Arc<Shared>) {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(text_response(503, "Too many open pages.\n"));
        return;
    }
    let shared = Arc::clone(shared);
    std::thread::spawn(move || {
        let mut writer = request.into_writer();
        let mut send = |text: &str| -> std::io::Result<()> {
            writer.write_all(text.as_bytes())?;
            writer.flush()
        };
        let opened = send(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
             Connection: close\r\n\r\nretry: 1000\n\n",
        );
        let mut sent = None;
        if opened.is_ok() {
            loop {
                let status = shared.status();
                let (status, _) = shared
                    .changed
                    .wait_timeout_while(status, Duration::from_secs(15), |s| {
                        !s.stopping && Some(s.state) == sent
                    })
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if status.stopping {
                    break;
                }
                let state = status.state;
                drop(status);
                let message = if Some(state) == sent {
                    // Keeps the connection alive and finds closed pages.
                    ": still here\n\n".to_string()
                } else {
                    sent = Some(state);
                    format!("data: {state}\n\n")
                };
                if send(&message).is_err() {
                    break;
                }
            }
        }
        shared.streams.fetch_sub(1, Ordering::SeqCst);
    });
}

/// Reloads the page when the build state moves on from the one it was
/// served with. Plain ES5, no dependencies.
const RELOAD_JS: &str = r#"(function () {
  "use strict";
  var script = document.currentScript;
  var state = script && script.getAttribute("data-state");
  if (!window.EventSource || !state) { return; }
  var source = new EventSource("/__handbook/events");
  source.onmessage = function (event) {
    if (event.data !== state) {
      source.close();
      window.location.reload();
    }
  };
})();
"#;

/// Styles for the error overlay and the status page.
const SERVE_CSS: &str = "#handbook-build-error{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;\
max-height:60vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#fff5f5;color:#1a1a1a;\
border-top:4px solid #b00020;box-shadow:0 -4px 16px rgba(0,0,0,.25);font:16px/1.45 system-ui,sans-serif}\
#handbook-build-error pre,.handbook-status pre{white-space:pre-wrap;font:14px/1.4 ui-monospace,monospace;\
background:#fff;border:1px solid #e0b4b4;padding:.75rem;margin:.5rem 0 0}\
#handbook-build-error a{color:#0b4f9c}\
.handbook-status main{max-width:50rem;margin:2rem auto;padding:0 1rem;font:16px/1.5 system-ui,sans-serif}\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("site");
        std::fs::create_dir_all(base.join("parents")).unwrap();
        std::fs::write(base.join("index.html"), "home").unwrap();
        std::fs::write(base.join("parents/index.html"), "parents").unwrap();
        std::fs::write(base.join("parents/a b.html"), "a b").unwrap();
        std::fs::write(base.join(".handbook-output"), "marker").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let base = std::fs::canonicalize(base).unwrap();
        (dir, base)
    }

    #[test]
    fn paths_resolve_inside_the_folder_only() {
        let (dir, base) = site();
        assert_eq!(resolve(&base, "/"), Resolved::File(base.join("index.html")));
        assert_eq!(
            resolve(&base, "/parents/"),
            Resolved::File(base.join("parents/index.html"))
        );
        assert_eq!(
            resolve(&base, "/parents"),
            Resolved::Redirect("/parents/".into())
        );
        assert_eq!(
            resolve(&base, "//parents"),
            Resolved::Redirect("/parents/".into()),
            "never a redirect to another host"
        );
        assert_eq!(
            resolve(&base, "/parents/a%20b.html"),
            Resolved::File(base.join("parents/a b.html"))
        );
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/parents/../../secret.txt",
            "/parents/%2e%2e/%2e%2e/secret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "/index.html%00.png",
            "/.handbook-output",
            "/./index.html",
            "/%zz",
            "/%ff",
            "secret.txt",
            "http://example.org/secret.txt",
        ] {
            assert_eq!(resolve(&base, bad), Resolved::NotFound, "{bad}");
        }
        let absolute = format!("/{}", dir.path().join("secret.txt").display());
        assert_eq!(resolve(&base, &absolute), Resolved::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_folder_are_refused() {
        let (dir, base) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), base.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), base.join("up")).unwrap();
        std::os::unix::fs::symlink(base.join("index.html"), base.join("home.html")).unwrap();
        assert_eq!(resolve(&base, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&base, "/up/secret.txt"), Resolved::NotFound);
        assert_eq!(resolve(&base, "/up/"), Resolved::NotFound);
        assert_eq!(
            resolve(&base, "/home.html"),
            Resolved::File(base.join("index.html")),
            "a link inside the folder is fine"
        );
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let html = "<html><head><title>x</title></head><body><p>Hi</p></body></html>";
        let out = inject(html, 7, None, false);
        assert!(out.contains(
            "<p>Hi</p><script src=\"/__handbook/reload.js\" data-state=\"7\"></script></body>"
        ));
        assert!(!out.contains("<base"));
        let out = inject(html, 7, Some("error: content/a.md:3: <bad>"), true);
        assert!(out.contains("<head><base href=\"/\">"));
        assert!(out.contains("content/a.md:3: &lt;bad&gt;"));
        assert!(out.ends_with("</script></body></html>"));
        assert!(inject("no body", 1, None, false).starts_with("no body<script"));
    }

    #[test]
    fn only_local_host_names_are_answered_on_loopback() {
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "localhost",
            "[::1]:1111",
            "127.0.0.2",
        ] {
            assert!(host_is_local(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "192.168.1.5:1111",
            "[fe80::1]:80",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_is_local(host), "{host}");
        }
    }

    #[test]
    fn content_types() {
        for (name, kind) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.pdf", "application/pdf"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.woff2", "font/woff2"),
            ("a", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), kind, "{name}");
        }
    }
}
