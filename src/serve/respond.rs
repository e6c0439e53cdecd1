//! What `serve` answers to one request: the site's files from the current
//! build folder, the preview's own files under [`PREFIX`], and the error
//! page while the last change does not build.
//!
//! The reload script and the error overlay are added to HTML as it is
//! served, never to the files, so nothing of the preview can leak into
//! `handbook build`. Only GET and HEAD are answered, and on a loopback
//! address only requests addressed to this computer by name or number.

use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use tiny_http::{Header, Method, Response, ResponseBox};

use super::files::{self, Resolved};
use super::reload::{Shared, StreamSlot};
use crate::util::html::escape as escape_html;

/// Where the preview's own files are served from.
pub(crate) const PREFIX: &str = "/__handbook/";

/// Reloads the page when the build state moves on from the one it was
/// served with.
const RELOAD_JS: &str = include_str!("reload.js");

/// Styles for the error overlay and the status page.
const SERVE_CSS: &str = include_str!("serve.css");

/// What a request asks, as far as the answer depends on it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked<'a> {
    /// Its method.
    pub(crate) method: &'a Method,
    /// Its target, as sent (a path, or an absolute URL).
    pub(crate) target: &'a str,
    /// Its Host header, if any.
    pub(crate) host: Option<&'a str>,
}

impl<'a> Asked<'a> {
    /// What `request` asks.
    pub(crate) fn of(request: &'a tiny_http::Request) -> Asked<'a> {
        Asked {
            method: request.method(),
            target: request.url(),
            host: request
                .headers()
                .iter()
                .find(|header| header.field.equiv("Host"))
                .map(|header| header.value.as_str()),
        }
    }
}

/// The answer to a request.
pub(crate) enum Answer {
    /// A response to send.
    Response(ResponseBox),
    /// The page's reload stream, with its place under the cap.
    Stream(StreamSlot),
}

/// The answer to what was `asked`.
pub(crate) fn answer(asked: &Asked<'_>, shared: &Arc<Shared>) -> Answer {
    if !matches!(asked.method, Method::Get | Method::Head) {
        let response = text(405, "Only GET and HEAD are supported.\n");
        return Answer::Response(with(response, "Allow", "GET, HEAD"));
    }
    if shared.local_only && !addressed_locally(asked) {
        return Answer::Response(text(
            403,
            "This preview answers only to addresses of this computer, such as http://127.0.0.1/ or http://localhost/.\n",
        ));
    }
    let path = path_of(asked.target);
    match path.strip_prefix(PREFIX) {
        Some("events") if *asked.method == Method::Get => match shared.open_stream() {
            Some(slot) => Answer::Stream(slot),
            None => Answer::Response(text(503, "Too many open pages.\n")),
        },
        Some(own) => Answer::Response(own_file(own, shared)),
        None => Answer::Response(site_file(path, shared)),
    }
}

/// The path of a request's target (an absolute URL's too), without its
/// query or fragment.
fn path_of(target: &str) -> &str {
    let (absolute, path) = match authority_of(target) {
        Some((_, rest)) => (true, rest),
        None => (false, target),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    if absolute && path.is_empty() {
        "/"
    } else {
        path
    }
}

/// The authority of an absolute URL (`http://host:port/...`), and what
/// follows it.
fn authority_of(target: &str) -> Option<(&str, &str)> {
    let scheme = target.find("://")?;
    if !target[..scheme].eq_ignore_ascii_case("http")
        && !target[..scheme].eq_ignore_ascii_case("https")
    {
        return None;
    }
    let rest = &target[scheme + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

/// The preview's own files (other than the reload stream).
fn own_file(name: &str, shared: &Shared) -> ResponseBox {
    match name {
        // Asked with HEAD: the head of a stream, and no stream.
        "events" => with_type(200, "text/event-stream", ""),
        "reload.js" => with_type(200, "text/javascript; charset=utf-8", RELOAD_JS),
        "serve.css" => with_type(200, "text/css; charset=utf-8", SERVE_CSS),
        "error" => {
            let status = shared.status();
            html(200, error_page(status.error.as_deref(), status.state))
        }
        "status" => {
            let status = shared.status();
            let limits = shared.limits;
            let report = serde_json::json!({
                "state": status.state,
                "built": status.dir.is_some(),
                "failed": status.error.is_some(),
                "connections": shared.connections(),
                "streams": shared.streams(),
                "max_connections": limits.connections,
                "max_streams": limits.streams,
            });
            with_type(200, "application/json", format!("{report}\n"))
        }
        _ => text(404, "Not found.\n"),
    }
}

/// A file of the site, or its 404 page.
fn site_file(path: &str, shared: &Shared) -> ResponseBox {
    let status = shared.status();
    let error = status.error.as_deref();
    let Some(dir) = &status.dir else {
        // Nothing has built yet: every page is the error.
        return html(503, error_page(error, status.state));
    };
    let response = match files::resolve(dir, path) {
        Resolved::File(file) => file_response(&file, 200, status.state, error, false),
        Resolved::Redirect(location) => Some(with(text(301, "Moved.\n"), "Location", &location)),
        Resolved::NotFound => None,
    };
    response.unwrap_or_else(|| {
        file_response(&dir.join("404.html"), 404, status.state, error, true)
            .unwrap_or_else(|| text(404, "Not found.\n"))
    })
}

/// The response for a file of the site (`None` if it cannot be read).
/// Pages are read whole (the script goes in); other files are sent from
/// the file as they are read, so that many requests for a large file
/// cannot fill memory, with their length up front.
fn file_response(
    file: &Path,
    status: u16,
    state: u64,
    error: Option<&str>,
    not_found: bool,
) -> Option<ResponseBox> {
    let kind = files::content_type(file);
    if kind.starts_with("text/html") {
        let bytes = std::fs::read(file).ok()?;
        let page = String::from_utf8_lossy(&bytes);
        return Some(html(status, inject(&page, state, error, not_found)));
    }
    let opened = std::fs::File::open(file).ok()?;
    let length = usize::try_from(opened.metadata().ok()?.len()).ok()?;
    let response = Response::new(
        status.into(),
        Vec::new(),
        Box::new(opened) as Box<dyn Read + Send>,
        Some(length),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    Some(headed(response, &kind))
}

/// True when the request is addressed (by its target's authority, or else
/// its Host header, if any) to this computer: `localhost` or a loopback
/// address, with any port.
fn addressed_locally(asked: &Asked<'_>) -> bool {
    if let Some((authority, _)) = authority_of(asked.target) {
        return host_is_local(&authority.to_ascii_lowercase());
    }
    match asked.host {
        Some(host) => host_is_local(&host.to_ascii_lowercase()),
        None => true,
    }
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

/// Adds a header whose value is a constant, a number or a percent-encoded
/// path; anything else is left out rather than sent malformed.
fn with(response: ResponseBox, name: &str, value: &str) -> ResponseBox {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) if value.is_ascii() => response.with_header(header),
        _ => response,
    }
}

/// The headers every answer has: its type, and never cached or sniffed.
fn headed(response: ResponseBox, kind: &str) -> ResponseBox {
    let response = with(response, "Content-Type", kind);
    let response = with(response, "Cache-Control", "no-store");
    with(response, "X-Content-Type-Options", "nosniff")
}

/// A response known in full.
fn with_type(status: u16, kind: &str, body: impl Into<Vec<u8>>) -> ResponseBox {
    let response = Response::from_data(body.into())
        .with_status_code(status)
        .boxed();
    headed(response, kind)
}

fn text(status: u16, body: &'static str) -> ResponseBox {
    with_type(status, "text/plain; charset=utf-8", body)
}

fn html(status: u16, page: String) -> ResponseBox {
    with_type(status, "text/html; charset=utf-8", page)
}

/// Adds the reload script (and the error overlay when the last build
/// failed) before `</body>`; a not-found page also gets `<base href="/">`,
/// as it is served at any depth.
fn inject(page: &str, state: u64, error: Option<&str>, not_found: bool) -> String {
    let mut snippet = String::new();
    if let Some(error) = error {
        snippet.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{PREFIX}serve.css\">\
             <div id=\"handbook-build-error\" role=\"alert\"><p><strong>The last change did not build.</strong> \
             This is the last good version of the page. Fix the problem and save; the page reloads by itself. \
             <a href=\"{PREFIX}error\">The error on its own page</a></p><pre>{}</pre></div>",
            escape_html(error)
        ));
    }
    snippet.push_str(&format!(
        "<script src=\"{PREFIX}reload.js\" data-state=\"{state}\"></script>"
    ));
    let mut out = String::with_capacity(page.len() + snippet.len() + 32);
    let lower = page.to_ascii_lowercase();
    let mut body = page;
    if not_found
        && !lower.contains("<base")
        && let Some(head) = lower.find("<head>")
    {
        let at = head + "<head>".len();
        out.push_str(&page[..at]);
        out.push_str("<base href=\"/\">");
        body = &page[at..];
    }
    let lower_body = &lower[page.len() - body.len()..];
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

/// The page at `/__handbook/error`.
fn error_page(error: Option<&str>, state: u64) -> String {
    let body = match error {
        Some(error) => format!(
            "<h1>The last change did not build</h1>\
             <p>The preview still shows the last good version of the site. Fix the problem below and save the file; open pages reload by themselves.</p>\
             <pre>{}</pre>",
            escape_html(error)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let page = "<html><head><title>x</title></head><body><p>Hi</p></body></html>";
        let out = inject(page, 7, None, false);
        assert!(out.contains(
            "<p>Hi</p><script src=\"/__handbook/reload.js\" data-state=\"7\"></script></body>"
        ));
        assert!(!out.contains("<base"));
        let out = inject(page, 7, Some("error: content/a.md:3: <bad>"), true);
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
    fn an_absolute_target_is_judged_by_its_own_host() {
        let asked = |target: &'static str, host: &'static str| Asked {
            method: &Method::Get,
            target,
            host: Some(host),
        };
        assert!(addressed_locally(&asked("/", "localhost:1111")));
        assert!(!addressed_locally(&asked("/", "rebound.example")));
        assert!(!addressed_locally(&asked(
            "http://rebound.example/",
            "127.0.0.1"
        )));
        assert!(addressed_locally(&asked("http://127.0.0.1:1111/", "x")));
        assert!(addressed_locally(&Asked {
            method: &Method::Get,
            target: "/",
            host: None,
        }));
    }

    #[test]
    fn the_path_is_the_targets_without_query_or_host() {
        assert_eq!(path_of("/scope.html?q=1#top"), "/scope.html");
        assert_eq!(path_of("http://127.0.0.1:1111/a/b.html?x"), "/a/b.html");
        assert_eq!(path_of("HTTP://localhost"), "/");
        assert_eq!(path_of("/__handbook/events"), "/__handbook/events");
        assert_eq!(path_of("secret.txt"), "secret.txt");
        assert_eq!(path_of("ftp://x/y"), "ftp://x/y");
    }
}
