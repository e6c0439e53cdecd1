//! A tiny static file server for the built site, as a plain static host
//! would serve it: files by path under a prefix (a sub-path such as
//! `/trust/policy/`), `index.html` for a folder, correct content types,
//! and `404.html` with status 404 for anything else. It records every
//! request so tests can check that no page asks for a missing file.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use std::io::Write;

use tiny_http::{Method, Request};

/// One request the server answered.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    pub status: u16,
}

/// A running server; stopped when dropped.
pub struct Server {
    server: Arc<tiny_http::Server>,
    port: u16,
    log: Arc<Mutex<Vec<Hit>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `dir` under `prefix` (which starts and ends with `/`) on
    /// 127.0.0.1 at a free port.
    pub fn start(dir: &Path, prefix: &str) -> Server {
        assert!(prefix.starts_with('/') && prefix.ends_with('/'));
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a local server"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let server = Arc::clone(&server);
            let log = Arc::clone(&log);
            let dir = dir.to_path_buf();
            let prefix = prefix.to_string();
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let path = request.url().to_string();
                    let status = respond(request, &dir, &prefix);
                    log.lock().unwrap().push(Hit { path, status });
                }
            })
        };
        Server {
            server,
            port,
            log,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port><path>`
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The requests answered since the last call.
    pub fn take_log(&self) -> Vec<Hit> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The content type a static host gives a file.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file for a request path, if any.
fn file_for(url: &str, dir: &Path, prefix: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path);
    let rel = path.strip_prefix(prefix)?;
    let mut file = dir.to_path_buf();
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// Writes a whole response and closes the connection.
///
/// Every response says `Connection: close`: tiny_http 0.12 runs each
/// keep-alive connection on a pooled thread for as long as it stays open,
/// and its pool can leave a new connection queued behind them (a lost
/// wake-up), which stalls a page load for minutes. One request per
/// connection keeps the pool's threads free.
fn send(request: Request, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        _ => "Status",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let is_head = *request.method() == Method::Head;
    let mut writer = request.into_writer();
    let _ = writer.write_all(head.as_bytes());
    if !is_head {
        let _ = writer.write_all(body);
    }
    let _ = writer.flush();
}

/// Answers one request; returns the status sent.
fn respond(request: Request, dir: &Path, prefix: &str) -> u16 {
    let url = request.url().to_string();
    // The prefix without its slash: a host redirects to the folder.
    if url.split('?').next() == Some(prefix.trim_end_matches('/')) {
        send(request, 301, &[("Location", prefix)], b"");
        return 301;
    }
    let (file, status) = match file_for(&url, dir, prefix) {
        Some(file) => (file, 200),
        None => (dir.join("404.html"), 404),
    };
    let body = std::fs::read(&file).unwrap_or_else(|_| b"Not found".to_vec());
    send(
        request,
        status,
        &[
            ("Content-Type", content_type(&file)),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ],
        &body,
    );
    status
}
