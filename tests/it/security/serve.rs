//! Security cases: `handbook serve` under abuse (issue 10, items 8 and 17).
//! 8 cases:
//! 1. idle, half-sent, trickled (slowloris) and kept-alive connections are
//!    closed by the server, while an open page's reload stream stays;
//! 2. a flood of idle connections past the cap does not keep a page from
//!    loading, and the cap holds;
//! 3. under a low limit on open files (64), a flood leaves the port
//!    answering and the process alive;
//! 4. when file descriptors do run out (limit 20), the preview says so and
//!    keeps answering;
//! 5. a reader that stops reading is let go;
//! 6. closed reload streams are freed and their places reused (the 129th
//!    stream gets 503 while 128 are open);
//! 7. a hundred page loads in a row, each opening and closing its reload
//!    stream, all get 200 although the stream cap is far below a hundred;
//! 8. a file limit too low to run at all is a clear error (exit code 2),
//!    never a panic nor a process that lives on without listening.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::serve::{Server, WAIT};
use crate::support::{TODAY, TempSite, text};

/// A connection that has sent nothing.
fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).expect("the server accepts")
}

/// True once the server has closed `stream` (end of file or a reset),
/// false if it is still open after [`WAIT`]. Whatever it sends first is
/// read and dropped.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut sink = Vec::new();
    match stream.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(err) => !matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

/// Many connections that have sent nothing or half a request head.
fn flood(port: u16, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|i| {
            let mut stream = connect(port);
            if i % 2 == 1 {
                let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n");
            }
            stream
        })
        .collect()
}

/// A reload stream as a page opens it: its status, and the stream
/// positioned after the head.
fn open_stream(port: u16) -> (u16, BufReader<TcpStream>) {
    let mut stream = connect(port);
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET /__handbook/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status in {status_line:?}"));
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("the head");
        if read == 0 || line == "\r\n" {
            break;
        }
    }
    (status, reader)
}

/// Reads lines until one starts with `prefix`; panics if the stream ends.
fn line_starting(reader: &mut BufReader<TcpStream>, prefix: &str) -> String {
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("the stream stays open");
        assert!(read > 0, "the stream ended before a {prefix:?} line");
        if line.starts_with(prefix) {
            return line;
        }
    }
}

/// Polls the status until `done` holds for the number `name`.
fn wait_for_count(server: &Server, name: &str, done: impl Fn(u64) -> bool) -> u64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let count = server.status_count(name);
        if done(count) {
            return count;
        }
        assert!(
            Instant::now() < deadline,
            "{name} stayed at {count}: {}",
            server.status()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn idle_half_sent_trickled_and_kept_alive_connections_are_closed() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let port = server.port;
    let (status, mut page_stream) = open_stream(port);
    assert_eq!(status, 200);
    line_starting(&mut page_stream, "data: ");

    let mut idle = connect(port);
    let mut half = connect(port);
    half.write_all(b"GET / HTTP/1.1\r\nHost: local").unwrap();
    let mut kept = connect(port);
    kept.write_all(b"GET /__handbook/reload.js HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    // A byte every half second: each read succeeds, but the head never
    // ends.
    let mut trickled = connect(port);
    let mut trickle = trickled.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        for byte in b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if trickle.write_all(&[*byte]).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    });

    for (name, stream) in [
        ("idle", &mut idle),
        ("half-sent", &mut half),
        ("kept-alive", &mut kept),
        ("trickled", &mut trickled),
    ] {
        assert!(
            closed_by_server(stream),
            "the {name} connection stayed open"
        );
    }
    assert!(
        writer.join().unwrap(),
        "the trickle was cut off before it ended"
    );
    // The page's stream is not idle: it is still told things.
    line_starting(&mut page_stream, ": still here");
}

#[test]
fn a_flood_of_idle_connections_past_the_cap_does_not_keep_pages_from_loading() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let cap = usize::try_from(server.status_count("max_connections")).unwrap();
    let crowd = flood(server.port, cap + 100);
    let page = server.get("/online-safety/scope.html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("applies to all staff"));
    let open = server.status_count("connections");
    assert!(open <= cap as u64, "{open} open, over the cap of {cap}");
    drop(crowd);
}

#[test]
fn under_a_low_file_limit_a_flood_leaves_the_port_answering() {
    let site = TempSite::new();
    let mut server = Server::start_with_file_limit(&site, 64);
    let cap = server.status_count("max_connections");
    assert!(cap < 64, "the cap follows the file limit: {cap}");
    let crowd = flood(server.port, 300);
    let page = server.get("/online-safety/scope.html");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(server.is_running(), "{}", server.printed());
    drop(crowd);
    assert_eq!(server.get("/").status, 200);
    let printed = server.printed();
    assert!(!printed.contains("panicked"), "{printed}");
}

#[test]
fn when_file_descriptors_run_out_the_preview_says_so_and_keeps_answering() {
    let site = TempSite::new();
    // Too few for the smallest cap on top of what the process itself
    // holds, so accepting does fail.
    let mut server = Server::start_with_file_limit(&site, 20);
    let crowd = flood(server.port, 100);
    let page = server.get("/online-safety/scope.html");
    assert_eq!(page.status, 200, "{}", page.body);
    let notice = server.line_with("too many connections at once");
    assert!(notice.starts_with("stderr: warning:"), "{notice}");
    assert!(notice.contains("Still serving"), "{notice}");
    assert!(server.is_running(), "{}", server.printed());
    drop(crowd);
    assert_eq!(server.get("/").status, 200);
    assert!(!server.printed().contains("panicked"));
}

#[test]
fn a_reader_that_stops_reading_is_let_go() {
    let site = TempSite::new();
    // Larger than what the two sockets' buffers can hold.
    let size = 48 << 20;
    std::fs::create_dir_all(site.path().join("content/files")).unwrap();
    std::fs::write(site.path().join("content/files/big.bin"), vec![b'x'; size]).unwrap();
    let server = Server::start(&site);
    let mut stalled = connect(server.port);
    stalled
        .write_all(b"GET /files/big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    // Only the status request's own connection is left once the stalled
    // one is let go.
    wait_for_count(&server, "connections", |open| open <= 1);
    let mut received = Vec::new();
    stalled.set_read_timeout(Some(WAIT)).unwrap();
    let _ = stalled.read_to_end(&mut received);
    assert!(
        received.len() < size,
        "the whole file was sent ({} bytes)",
        received.len()
    );
}

#[test]
fn closed_reload_streams_are_freed_and_their_places_reused() {
    let site = TempSite::new();
    let server = Server::start(&site);
    let cap = usize::try_from(server.status_count("max_streams")).unwrap();
    let open_all = || -> Vec<BufReader<TcpStream>> {
        (0..cap)
            .map(|i| {
                let (status, mut stream) = open_stream(server.port);
                assert_eq!(status, 200, "stream {i} of {cap}");
                line_starting(&mut stream, "data: ");
                stream
            })
            .collect()
    };
    let streams = open_all();
    assert_eq!(server.status_count("streams"), cap as u64);
    let (status, _) = open_stream(server.port);
    assert_eq!(status, 503, "one past the cap");
    drop(streams);
    wait_for_count(&server, "streams", |open| open == 0);
    let again = open_all();
    assert_eq!(again.len(), cap);
}

#[test]
fn a_hundred_page_loads_in_a_row_all_get_their_reload_stream() {
    let site = TempSite::new();
    // A low file limit makes the stream cap far smaller than a hundred,
    // so this passes only if each closed stream is freed at once.
    let server = Server::start_with_file_limit(&site, 96);
    let cap = server.status_count("max_streams");
    assert!(cap < 50, "{cap}");
    for i in 0..100 {
        let page = server.get("/online-safety/scope.html");
        assert_eq!(page.status, 200, "load {i}");
        assert!(page.body.contains("/__handbook/reload.js"), "load {i}");
        let (status, mut stream) = open_stream(server.port);
        assert_eq!(status, 200, "the stream of load {i}");
        line_starting(&mut stream, "data: ");
    }
}

#[test]
fn a_file_limit_too_low_to_run_is_a_clear_error() {
    let site = TempSite::new();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 6 && exec \"$0\" serve --port 0 --root \"$1\"")
        .arg(env!("CARGO_BIN_EXE_handbook"))
        .arg(site.path())
        .env("HANDBOOK_TODAY", TODAY)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the shell runs");
    let printed = text(&output);
    assert_eq!(output.status.code(), Some(2), "{printed}");
    assert!(printed.contains("error: "), "{printed}");
    assert!(printed.contains("Too many open files"), "{printed}");
    assert!(!printed.contains("panicked"), "{printed}");
}
