//! The guard's unit tests: the cap and its choice of connection to close,
//! the cap on streams, a web server started again, a request's head seen
//! across reads, and a public socket given up on.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;

use super::conn::ends_head;
use super::*;
use crate::serve::http::Backend;
use crate::serve::reload::Marker;

fn shared(connections: usize, streams: usize) -> Arc<Shared> {
    let limits = Limits {
        connections,
        streams,
        ..Limits::for_files(None, 0)
    };
    Arc::new(Shared::new(true, limits, Some(Marker::random())))
}

/// A guard on a free port in front of the real web server.
fn guarded(shared: &Arc<Shared>) -> (tempfile::TempDir, u16) {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = Backend::new(dir.path().to_path_buf(), Arc::clone(shared));
    let guard = Guard::new(
        listener,
        Arc::clone(shared),
        Box::new(move || backend.start()),
        Box::new(|_| {}),
    )
    .unwrap();
    guard.spawn().unwrap();
    (dir, port)
}

fn ask(port: u16, path: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{path}: {line:?}");
    reader
}

/// Reads until the end of the stream; true if it ended (not timed out).
fn ends(reader: &mut BufReader<TcpStream>) -> bool {
    let mut rest = Vec::new();
    match reader.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(err) => !matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn at_the_cap_the_quietest_connection_makes_room_but_never_a_stream() {
    let shared = shared(2, 1);
    let (_dir, port) = guarded(&shared);
    let mut stream = ask(port, "/__handbook/events");
    let mut line = String::new();
    while !line.starts_with("data: ") {
        line.clear();
        stream.read_line(&mut line).unwrap();
    }
    assert_eq!(shared.streams(), 1);
    let mut quiet = ask(port, "/__handbook/reload.js");
    wait_until("two open", || shared.connections() == 2);
    // A third: the quiet one goes, the stream (quieter still since it
    // last sent anything) stays.
    let _third = ask(port, "/__handbook/reload.js");
    quiet
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    assert!(ends(&mut quiet), "the quiet connection was closed");
    line.clear();
    stream.read_line(&mut line).unwrap();
    assert!(!line.is_empty(), "the stream is still open");
    assert_eq!(shared.streams(), 1);
    // Its page closes: the stream is freed at once, not at its next
    // heartbeat.
    drop(stream);
    wait_until("the stream freed", || shared.streams() == 0);
    let _again = ask(port, "/__handbook/events");
    wait_until("a new stream", || shared.streams() == 1);
    shared.stop();
}

#[test]
fn a_cap_of_streams_only_refuses_one_more() {
    let shared = shared(1, 1);
    let (_dir, port) = guarded(&shared);
    let _stream = ask(port, "/__handbook/events");
    wait_until("the stream", || shared.streams() == 1);
    let mut refused = TcpStream::connect(("127.0.0.1", port)).unwrap();
    refused
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reply = String::new();
    refused.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 503 "), "{reply}");
    shared.stop();
}

#[test]
fn the_web_server_is_started_again_when_it_stops_accepting() {
    let shared = shared(8, 4);
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = Backend::new(dir.path().to_path_buf(), Arc::clone(&shared));
    let starts = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&starts);
    let guard = Guard::new(
        listener,
        Arc::clone(&shared),
        Box::new(move || {
            let path = backend.start()?;
            record.lock().unwrap().push(path.clone());
            Ok(path)
        }),
        Box::new(|_| {}),
    )
    .unwrap();
    guard.spawn().unwrap();
    drop(ask(port, "/__handbook/reload.js"));
    // The socket goes away as it does when tiny_http's accept thread
    // ends: the next connection finds another server.
    let first = starts.lock().unwrap()[0].clone();
    std::fs::remove_file(&first).unwrap();
    std::thread::sleep(BACK_OFF);
    let mut reader = ask(port, "/__handbook/reload.js");
    let mut head = String::new();
    reader.read_line(&mut head).unwrap();
    let starts = starts.lock().unwrap();
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert_ne!(starts[0], starts[1]);
    shared.stop();
}

#[test]
fn the_end_of_a_head_is_seen_across_reads() {
    let mut tail = Vec::new();
    assert!(!ends_head(&mut tail, b"GET / HTTP/1.1\r\nHost: x\r"));
    assert!(ends_head(&mut tail, b"\n\r\n"), "split across reads");
    let mut tail = Vec::new();
    assert!(ends_head(&mut tail, b"GET / HTTP/1.1\r\n\r\n"));
    let mut tail = Vec::new();
    for byte in b"GET / HTTP/1.1\r\nHost: x\r\n" {
        assert!(!ends_head(&mut tail, &[*byte]), "a byte at a time");
    }
    assert!(!ends_head(&mut tail, b"\r"));
    assert!(ends_head(&mut tail, b"\n"));
    assert!(tail.len() <= 3);
}

#[test]
fn a_listener_that_keeps_failing_is_given_up_with_the_reason() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    // A listening socket shut down for reading fails every accept.
    rustix::net::shutdown(&listener, rustix::net::Shutdown::Read).unwrap();
    let told = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&told);
    let mut guard = Guard::new(
        listener,
        shared(8, 4),
        Box::new(|| Ok(PathBuf::from("/nowhere"))),
        Box::new(move |notice| record.lock().unwrap().push(notice)),
    )
    .unwrap();
    guard.give_up = Duration::from_millis(300);
    guard.run();
    let told = told.lock().unwrap();
    assert!(
        matches!(told.as_slice(), [Notice::Deaf { error }] if !error.is_empty()),
        "{told:?}"
    );
}
