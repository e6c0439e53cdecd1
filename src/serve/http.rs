//! The connections of `serve`: accepted on a small runtime of its own
//! (hyper on tokio, two worker threads), capped in number, closed when idle
//! or stalled, and still accepted when the process runs out of file
//! descriptors.
//!
//! - A connection must send a request's head within [`IDLE`] of opening, or
//!   of its last response (keep-alive); otherwise it is closed. A write
//!   that makes no progress for [`STALLED`] closes it too, and so (on
//!   Linux) does data the other end leaves unacknowledged that long.
//! - At most [`Limits::connections`] are open at once, event streams
//!   included. When a new one arrives at the cap, the connection that has
//!   been quiet longest (never an event stream) is closed to make room, so
//!   a flood of idle connections cannot keep a page from loading.
//! - At most [`Limits::streams`] event streams are open at once; one more
//!   gets 503.
//! - When accepting fails for want of file descriptors, the quietest
//!   connection is closed and accepting goes on; the listening socket is
//!   never given up, so the port keeps answering.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::reload::Shared;
use super::respond;

/// How long a connection may take to send a request's head, from when it
/// opens or from its last response.
pub(crate) const IDLE: Duration = Duration::from_secs(10);

/// How long a write may wait for a reader that does not read.
pub(crate) const STALLED: Duration = Duration::from_secs(10);

/// The most connections open at once, however many files the process may
/// open.
const MAX_CONNECTIONS: usize = 512;

/// The most event streams (open pages) at once.
const MAX_STREAMS: usize = 128;

/// File descriptors kept for the rest of the process (the builds read and
/// write files, the watcher, the runtime), not for connections.
const RESERVED_FDS: u64 = 48;

/// Fewer connections than this and a browser could not load a page.
const MIN_CONNECTIONS: usize = 8;

/// How long to wait before accepting again when nothing could be freed.
const BACK_OFF: Duration = Duration::from_millis(100);

/// How long a connection told to close may take to let go of its socket.
const CLOSING: Duration = Duration::from_millis(5);

/// Accepting that fails this many times in a row (five seconds of
/// [`BACK_OFF`]) for a reason other than a lack of files gives up.
const GIVE_UP_AFTER: u32 = 50;

/// How often the terminal may be told that file descriptors ran out.
const NOTICE_EVERY: Duration = Duration::from_secs(10);

/// How many connections may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Connections of any kind.
    pub(crate) connections: usize,
    /// Of those, event streams.
    pub(crate) streams: usize,
}

impl Limits {
    /// The limits for a process that may open `files` files (`None`: no
    /// known limit).
    pub(crate) fn for_files(files: Option<u64>) -> Limits {
        let connections = files.map_or(MAX_CONNECTIONS, |files| {
            let spare = files.saturating_sub(RESERVED_FDS);
            usize::try_from(spare)
                .unwrap_or(usize::MAX)
                .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
        });
        Limits {
            connections,
            streams: (connections / 2).min(MAX_STREAMS),
        }
    }

    /// The limits for this process, from its limit on open files.
    pub(crate) fn for_this_process() -> Limits {
        Limits::for_files(open_file_limit())
    }
}

#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// True for the errors of a process (or system) out of file descriptors
/// or socket buffers: accepting may work again once something is closed.
fn out_of_files(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        matches!(
            Errno::from_io_error(err),
            Some(Errno::MFILE | Errno::NFILE | Errno::NOBUFS | Errno::NOMEM)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        false
    }
}

/// Errors of one connection that leave the listening socket fine.
fn transient(err: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        err.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
    )
}

/// What the connections tell the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    /// Accepting failed for want of file descriptors; `open` connections
    /// were open.
    OutOfFiles { open: usize },
    /// Accepting kept failing for another reason: the preview no longer
    /// answers.
    Deaf { error: String },
}

/// The open connections.
pub(crate) struct Registry {
    limits: Limits,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    next: u64,
    connections: HashMap<u64, Entry>,
    streams: usize,
}

struct Entry {
    /// When it last opened or sent a request.
    active: Instant,
    /// It carries an event stream (never closed to make room).
    stream: bool,
    /// Told to close.
    close: Arc<Notify>,
}

impl Registry {
    /// No connections yet.
    pub(crate) fn new(limits: Limits) -> Registry {
        Registry {
            limits,
            open: Mutex::new(Open::default()),
        }
    }

    /// The limits in force.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Connections and event streams open now.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let open = self.lock();
        (open.connections.len(), open.streams)
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A place for a new connection, closing the quietest one if the cap
    /// is reached; `None` if every open connection is an event stream.
    fn admit(self: &Arc<Self>) -> Option<Connection> {
        let mut open = self.lock();
        if open.connections.len() >= self.limits.connections && !Self::close_quietest(&mut open) {
            return None;
        }
        open.next += 1;
        let id = open.next;
        let close = Arc::new(Notify::new());
        open.connections.insert(
            id,
            Entry {
                active: Instant::now(),
                stream: false,
                close: Arc::clone(&close),
            },
        );
        Some(Connection {
            id,
            registry: Arc::clone(self),
            close,
        })
    }

    /// Closes the connection that has been quiet longest; false if there
    /// is none but event streams.
    fn close_one(&self) -> bool {
        Self::close_quietest(&mut self.lock())
    }

    fn close_quietest(open: &mut Open) -> bool {
        let quietest = open
            .connections
            .iter()
            .filter(|(_, entry)| !entry.stream)
            .min_by_key(|(_, entry)| entry.active)
            .map(|(id, _)| *id);
        let Some(id) = quietest else {
            return false;
        };
        if let Some(entry) = open.connections.remove(&id) {
            // A permit is kept if the connection is not waiting yet.
            entry.close.notify_one();
        }
        true
    }
}

/// One open connection's place in the registry, given up on drop.
pub(crate) struct Connection {
    id: u64,
    registry: Arc<Registry>,
    close: Arc<Notify>,
}

impl Connection {
    /// A request came in.
    pub(crate) fn touch(&self) {
        if let Some(entry) = self.registry.lock().connections.get_mut(&self.id) {
            entry.active = Instant::now();
        }
    }

    /// A place for an event stream on this connection, if the cap allows.
    pub(crate) fn open_stream(&self) -> Option<StreamSlot> {
        let mut open = self.registry.lock();
        if open.streams >= self.registry.limits.streams {
            return None;
        }
        let entry = open.connections.get_mut(&self.id)?;
        entry.stream = true;
        open.streams += 1;
        Some(StreamSlot {
            id: self.id,
            registry: Arc::clone(&self.registry),
        })
    }

    /// The registry, for the status page.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.registry.lock().connections.remove(&self.id);
    }
}

/// An event stream's place under the cap, given up on drop.
pub(crate) struct StreamSlot {
    id: u64,
    registry: Arc<Registry>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.registry.lock();
        open.streams = open.streams.saturating_sub(1);
        if let Some(entry) = open.connections.get_mut(&self.id) {
            entry.stream = false;
        }
    }
}

/// Accepts connections on `listener` for as long as the runtime runs.
pub(crate) async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    registry: Arc<Registry>,
    notice: Arc<dyn Fn(Notice) + Send + Sync>,
) {
    let mut told: Option<Instant> = None;
    let mut failures = 0;
    loop {
        match listener.accept().await {
            Ok((socket, _)) => match registry.admit() {
                Some(connection) => {
                    tokio::spawn(serve(socket, connection, Arc::clone(&shared)));
                }
                None => refuse(&socket),
            },
            Err(err) if out_of_files(&err) => {
                if told.is_none_or(|at| at.elapsed() >= NOTICE_EVERY) {
                    told = Some(Instant::now());
                    notice(Notice::OutOfFiles {
                        open: registry.counts().0,
                    });
                }
                // Give the closed connection a moment to let go of its
                // socket before trying again, or, with nothing to close,
                // the builds and streams time to finish with theirs.
                let pause = if registry.close_one() {
                    CLOSING
                } else {
                    BACK_OFF
                };
                tokio::time::sleep(pause).await;
            }
            // A connection reset before it was accepted, and the like: the
            // next one may be fine.
            Err(err) if transient(&err) => {}
            Err(err) => {
                failures += 1;
                if failures >= GIVE_UP_AFTER {
                    // Better to stop with the reason than to live on deaf.
                    notice(Notice::Deaf {
                        error: err.to_string(),
                    });
                    return;
                }
                tokio::time::sleep(BACK_OFF).await;
                continue;
            }
        }
        failures = 0;
    }
}

/// Answers a connection at the cap when every open one is an event stream.
fn refuse(socket: &TcpStream) {
    let _ = socket.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

/// Serves one connection until it closes, idles or stalls, or is told to
/// close to make room.
async fn serve(socket: TcpStream, connection: Connection, shared: Arc<Shared>) {
    let _ = socket.set_nodelay(true);
    // Data that the other end does not acknowledge for this long (a
    // computer gone from the network) fails the connection, so a reload
    // stream's heartbeat finds out.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::net::sockopt::set_tcp_user_timeout(
        &socket,
        u32::try_from(STALLED.as_millis()).unwrap_or(u32::MAX),
    );
    let mut io = tokio_io_timeout::TimeoutStream::new(socket);
    io.set_write_timeout(Some(STALLED));
    let io = TokioIo::new(Box::pin(io));
    let close = Arc::clone(&connection.close);
    let connection = Arc::new(connection);
    let service = hyper::service::service_fn(move |request| {
        let response = respond::respond(&request, &shared, &connection);
        async move { Ok::<_, Infallible>(response) }
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(IDLE);
    let serving = builder.serve_connection(io, service);
    tokio::select! {
        _ = serving => {}
        () = close.notified() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_follow_the_file_limit() {
        assert_eq!(
            Limits::for_files(None),
            Limits {
                connections: 512,
                streams: 128
            }
        );
        assert_eq!(Limits::for_files(Some(1_048_576)).connections, 512);
        assert_eq!(
            Limits::for_files(Some(1024)),
            Limits {
                connections: 512,
                streams: 128
            }
        );
        assert_eq!(
            Limits::for_files(Some(256)),
            Limits {
                connections: 208,
                streams: 104
            }
        );
        assert_eq!(
            Limits::for_files(Some(64)),
            Limits {
                connections: 16,
                streams: 8
            }
        );
        assert_eq!(Limits::for_files(Some(10)).connections, 8);
    }

    #[tokio::test]
    async fn at_the_cap_the_quietest_connection_makes_room_but_no_stream_does() {
        let registry = Arc::new(Registry::new(Limits {
            connections: 2,
            streams: 1,
        }));
        let first = registry.admit().expect("room");
        let second = registry.admit().expect("room");
        let _slot = first.open_stream().expect("a stream");
        assert!(second.open_stream().is_none(), "one stream at most");
        assert_eq!(registry.counts(), (2, 1));
        let third = registry.admit().expect("the quiet one makes room");
        assert_eq!(registry.counts(), (2, 1));
        // The second was told to close (the permit waits for it).
        tokio::time::timeout(Duration::from_secs(5), second.close.notified())
            .await
            .expect("told to close");
        drop(second);
        assert_eq!(registry.counts(), (2, 1), "its place was already given");
        third.touch();
        let fourth = registry.admit().expect("room again");
        drop(third);
        assert_eq!(registry.counts(), (2, 1));
        // Only a stream and one other: the other goes, never the stream.
        drop(fourth);
        let fifth = registry.admit().expect("room");
        let _sixth = registry.admit().expect("the fifth makes room");
        drop(fifth);
        assert_eq!(registry.counts(), (2, 1));
    }

    #[cfg(unix)]
    #[tokio::test(start_paused = true)]
    async fn a_listener_that_keeps_failing_is_given_up_with_the_reason() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        // A listening socket shut down for reading fails every accept.
        rustix::net::shutdown(&listener, rustix::net::Shutdown::Read).unwrap();
        let listener = TcpListener::from_std(listener).unwrap();
        let told = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&told);
        accept(
            listener,
            Arc::new(Shared::new(true)),
            Arc::new(Registry::new(Limits::for_files(None))),
            Arc::new(move |notice| record.lock().unwrap().push(notice)),
        )
        .await;
        let told = told.lock().unwrap();
        assert!(
            matches!(told.as_slice(), [Notice::Deaf { error }] if !error.is_empty()),
            "{told:?}"
        );
    }

    #[test]
    fn a_registry_of_streams_only_refuses() {
        let registry = Arc::new(Registry::new(Limits {
            connections: 1,
            streams: 1,
        }));
        let only = registry.admit().expect("room");
        let _slot = only.open_stream().expect("a stream");
        assert!(registry.admit().is_none());
        assert!(!registry.close_one());
    }
}
