//! The build state that open pages follow, and the server-sent event
//! streams (`/__handbook/events`) that tell them when it moves on.
//!
//! Each build that is tried moves the state on; pages are served with the
//! state they were built from and reload when their stream announces
//! another. Each stream runs on a thread of its own (tiny_http hands over
//! the connection's writer) and ends as soon as its page's connection is
//! gone: the guard tells it so (see [`Marker`]). It also writes a comment
//! every few seconds, which keeps the connection from counting as idle.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::limits::Limits;

/// How often a stream writes when the state has not moved on.
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(3);

/// What the server knows about the builds.
#[derive(Debug, Default, Clone)]
pub(crate) struct Status {
    /// The folder of the last good build (canonical), if any.
    pub(crate) dir: Option<PathBuf>,
    /// Moves on each time a build is tried.
    pub(crate) state: u64,
    /// The last build's errors, as the terminal shows them, if it failed.
    pub(crate) error: Option<String>,
}

/// State shared by the builder, the guard and the web server.
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    /// Told when the state moves on, a stream's connection goes, or the
    /// preview stops.
    changed: Condvar,
    /// Listening on a loopback address: answer only requests addressed to
    /// this computer by name or number, so that a web page elsewhere cannot
    /// read the preview through a DNS name pointed at 127.0.0.1.
    pub(crate) local_only: bool,
    /// The caps on connections and streams.
    pub(crate) limits: Limits,
    /// Connections open now (the guard keeps this up to date).
    connections: AtomicUsize,
    /// How a stream tells the guard which connection it is on; `None`
    /// when there is no guard.
    marker: Option<Marker>,
}

#[derive(Default)]
struct Inner {
    status: Status,
    stopping: bool,
    /// The open streams, by id: true once their connection is gone.
    streams: HashMap<u64, bool>,
    next_stream: u64,
}

impl Shared {
    /// Nothing built yet.
    pub(crate) fn new(local_only: bool, limits: Limits, marker: Option<Marker>) -> Shared {
        Shared {
            inner: Mutex::new(Inner::default()),
            changed: Condvar::new(),
            local_only,
            limits,
            connections: AtomicUsize::new(0),
            marker,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the current status.
    pub(crate) fn status(&self) -> Status {
        self.lock().status.clone()
    }

    /// Records a build that was tried: `dir` is the new folder to serve
    /// (`None` keeps the last good one), `error` why it failed. Returns the
    /// new state.
    pub(crate) fn publish(&self, dir: Option<PathBuf>, error: Option<String>) -> u64 {
        let mut inner = self.lock();
        inner.status.state += 1;
        if dir.is_some() {
            inner.status.dir = dir;
        }
        inner.status.error = error;
        let state = inner.status.state;
        // Told while the lock is held, so no page is served a state that
        // its stream cannot see yet.
        self.changed.notify_all();
        state
    }

    /// Ends every stream and tells the web server to stop.
    pub(crate) fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// True once the preview is stopping.
    pub(crate) fn stopping(&self) -> bool {
        self.lock().stopping
    }

    /// A place for an event stream, if the cap allows.
    pub(crate) fn open_stream(self: &Arc<Self>) -> Option<StreamSlot> {
        let mut inner = self.lock();
        if inner.streams.len() >= self.limits.streams {
            return None;
        }
        inner.next_stream += 1;
        let id = inner.next_stream;
        inner.streams.insert(id, false);
        Some(StreamSlot {
            id,
            shared: Arc::clone(self),
        })
    }

    /// The connection of stream `id` is gone: the stream ends now rather
    /// than at its next write.
    pub(crate) fn stream_gone(&self, id: u64) {
        if let Some(gone) = self.lock().streams.get_mut(&id) {
            *gone = true;
            self.changed.notify_all();
        }
    }

    /// Event streams open now.
    pub(crate) fn streams(&self) -> usize {
        self.lock().streams.len()
    }

    /// Connections open now.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Records how many connections are open.
    pub(crate) fn set_connections(&self, open: usize) {
        self.connections.store(open, Ordering::Relaxed);
    }

    /// How streams announce themselves to the guard.
    pub(crate) fn marker(&self) -> Option<&Marker> {
        self.marker.as_ref()
    }
}

/// An event stream's place under the cap, given up on drop.
pub(crate) struct StreamSlot {
    id: u64,
    shared: Arc<Shared>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.shared.lock().streams.remove(&self.id);
    }
}

/// How many bytes of a [`Marker`] are random.
const TOKEN: usize = 16;

/// A marker's length: the token, then the stream's id.
pub(crate) const MARK: usize = TOKEN + 8;

/// How a stream tells the guard which connection carries it. tiny_http
/// reads from a Unix socket and so cannot say which of the guard's
/// connections a request came on; instead, a stream writes this marker
/// (random for each run of the preview, so no file of the site can contain
/// it) and its id just before its response, and the guard, which sees
/// every byte the server writes, takes the marker out and from then on
/// knows the connection as that stream's: never closed to make room, and
/// the stream is told at once when the connection goes. The marker is
/// written in one piece, so when the socket has nothing more to read, a
/// partial marker at the end of what was read is not one.
pub(crate) struct Marker {
    token: [u8; TOKEN],
}

/// What [`Marker::take`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Taken {
    /// The id of the stream announced, if one was (its marker is removed).
    pub(crate) stream: Option<u64>,
    /// How many bytes at the end may be the start of a marker whose rest
    /// has not been read yet: they must wait.
    pub(crate) held: usize,
}

impl Marker {
    /// A marker with a fresh random token.
    pub(crate) fn random() -> Marker {
        Marker {
            token: rand::random(),
        }
    }

    /// What stream `id` writes before its response.
    pub(crate) fn announce(&self, id: u64) -> [u8; MARK] {
        let mut mark = [0; MARK];
        mark[..TOKEN].copy_from_slice(&self.token);
        mark[TOKEN..].copy_from_slice(&id.to_le_bytes());
        mark
    }

    /// Looks for a marker in `bytes[from..]` (the bytes before `from` were
    /// looked at already and held none) and removes it. `drained`: nothing
    /// more is waiting to be read.
    pub(crate) fn take(&self, bytes: &mut Vec<u8>, from: usize, drained: bool) -> Taken {
        let from = from.min(bytes.len());
        if let Some(at) = memchr::memmem::find(&bytes[from..], &self.token).map(|at| from + at) {
            if bytes.len() >= at + MARK {
                let mut id = [0; 8];
                id.copy_from_slice(&bytes[at + TOKEN..at + MARK]);
                bytes.drain(at..at + MARK);
                return Taken {
                    stream: Some(u64::from_le_bytes(id)),
                    held: 0,
                };
            }
            let held = if drained { 0 } else { bytes.len() - at };
            return Taken { stream: None, held };
        }
        if drained {
            return Taken {
                stream: None,
                held: 0,
            };
        }
        // The longest end of the bytes that begins the token.
        let tail = &bytes[from..];
        let held = (1..TOKEN.min(tail.len() + 1))
            .rev()
            .find(|&len| tail.ends_with(&self.token[..len]))
            .unwrap_or(0);
        Taken { stream: None, held }
    }
}

/// Runs the event stream of `slot` on `out` (the raw connection): the head
/// and the state now, then each new state, and a comment every
/// `heartbeat`. Returns when the connection is gone, a write fails, or the
/// preview stops; the slot is given up then.
pub(crate) fn stream(slot: StreamSlot, out: &mut dyn Write, heartbeat: Duration) {
    let shared = Arc::clone(&slot.shared);
    let mut sent = shared.lock().status.state;
    let mut opening = Vec::new();
    if let Some(marker) = shared.marker() {
        opening.extend_from_slice(&marker.announce(slot.id));
    }
    opening.extend_from_slice(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
    );
    opening.extend_from_slice(format!("retry: 1000\n\ndata: {sent}\n\n").as_bytes());
    // In one write, so that the marker arrives whole (see `Marker`).
    if send(out, &opening).is_err() {
        return;
    }
    loop {
        let inner = shared.lock();
        let (inner, _) = shared
            .changed
            .wait_timeout_while(inner, heartbeat, |inner| {
                !inner.stopping
                    && !inner.streams.get(&slot.id).copied().unwrap_or(true)
                    && inner.status.state == sent
            })
            .unwrap_or_else(PoisonError::into_inner);
        if inner.stopping || inner.streams.get(&slot.id).copied().unwrap_or(true) {
            return;
        }
        let text = if inner.status.state == sent {
            ": still here\n\n".to_string()
        } else {
            sent = inner.status.state;
            format!("data: {sent}\n\n")
        };
        drop(inner);
        if send(out, text.as_bytes()).is_err() {
            return;
        }
    }
}

fn send(out: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn shared(streams: usize) -> Arc<Shared> {
        let limits = Limits {
            connections: streams * 2,
            streams,
            ..Limits::for_files(None, 0)
        };
        Arc::new(Shared::new(true, limits, Some(Marker::random())))
    }

    /// A writer that hands each write to the test.
    struct Pipe(mpsc::Sender<Vec<u8>>);
    impl Write for Pipe {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .send(bytes.to_vec())
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn a_stream_announces_itself_then_tells_each_state() {
        let shared = shared(1);
        shared.publish(Some(PathBuf::from("/a")), None);
        let slot = shared.open_stream().expect("room for one");
        assert!(shared.open_stream().is_none(), "one stream at most");
        let mark = shared.marker().unwrap().announce(1);
        let (writes, written) = mpsc::channel();
        let runner = std::thread::spawn(move || {
            stream(slot, &mut Pipe(writes), Duration::from_millis(20));
        });
        let opening = written.recv().unwrap();
        assert_eq!(&opening[..MARK], &mark, "the marker comes first");
        let head = text(opening[MARK..].to_vec());
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("Content-Type: text/event-stream\r\n"),
            "{head}"
        );
        assert!(
            head.ends_with("\r\n\r\nretry: 1000\n\ndata: 1\n\n"),
            "{head}"
        );
        assert_eq!(shared.publish(None, Some("broken".into())), 2);
        // A heartbeat may come first; the new state follows.
        let told = loop {
            let next = text(written.recv().unwrap());
            if next != ": still here\n\n" {
                break next;
            }
        };
        assert_eq!(told, "data: 2\n\n");
        assert_eq!(text(written.recv().unwrap()), ": still here\n\n");
        let status = shared.status();
        assert_eq!(status.dir, Some(PathBuf::from("/a")), "the last good build");
        assert_eq!(status.error.as_deref(), Some("broken"));
        assert_eq!(shared.streams(), 1);
        shared.stream_gone(1);
        runner.join().unwrap();
        assert_eq!(shared.streams(), 0, "the slot goes with the stream");
        assert!(shared.open_stream().is_some(), "and its place is free");
    }

    #[test]
    fn a_stream_ends_when_its_connection_is_gone_without_waiting_to_write() {
        let shared = shared(2);
        let slot = shared.open_stream().unwrap();
        let (writes, written) = mpsc::channel();
        let runner = std::thread::spawn(move || {
            // A heartbeat far away: only being told ends it.
            stream(slot, &mut Pipe(writes), Duration::from_secs(3600));
        });
        written.recv().unwrap();
        shared.stream_gone(1);
        runner.join().unwrap();
        assert_eq!(shared.streams(), 0);
        shared.stream_gone(1);
        shared.stream_gone(99);
        let slot = shared.open_stream().unwrap();
        let (writes, _written) = mpsc::channel();
        let runner = std::thread::spawn(move || {
            stream(slot, &mut Pipe(writes), Duration::from_secs(3600));
        });
        shared.stop();
        runner.join().unwrap();
        assert!(shared.stopping());
    }

    #[test]
    fn a_marker_is_found_and_removed_wherever_the_reads_split_it() {
        let marker = distinct_marker();
        let mark = marker.announce(7);
        let mut whole = b"HTTP/1.1 200 OK\r\n\r\nend of a page".to_vec();
        let before = whole.len();
        whole.extend_from_slice(&mark);
        whole.extend_from_slice(b"HTTP/1.1 200 OK\r\nevent stream");
        let clean: Vec<u8> = [&whole[..before], &whole[before + MARK..]].concat();
        // Read whole.
        let mut bytes = whole.clone();
        let taken = marker.take(&mut bytes, 0, true);
        assert_eq!(
            taken,
            Taken {
                stream: Some(7),
                held: 0
            }
        );
        assert_eq!(bytes, clean);
        // Read in two, split at every byte of the marker.
        for split in before..before + MARK {
            let mut bytes = whole[..split].to_vec();
            let taken = marker.take(&mut bytes, 0, false);
            assert_eq!(taken.stream, None, "split at {split}");
            assert_eq!(taken.held, split - before, "split at {split}");
            let from = bytes.len() - taken.held;
            bytes.extend_from_slice(&whole[split..]);
            let taken = marker.take(&mut bytes, from, true);
            assert_eq!(taken.stream, Some(7), "split at {split}");
            assert_eq!(bytes, clean, "split at {split}");
        }
    }

    /// A marker with a fixed token whose bytes are all different and none
    /// of a page's (ASCII): a random one may start with the page's last
    /// byte (or repeat its own start), and hold one byte more than a test
    /// expects.
    fn distinct_marker() -> Marker {
        let mut token = [0; TOKEN];
        for (i, byte) in token.iter_mut().enumerate() {
            *byte = 0x80 + i as u8;
        }
        Marker { token }
    }

    #[test]
    fn what_only_looks_like_the_start_of_a_marker_is_not_held_once_drained() {
        let marker = distinct_marker();
        let mark = marker.announce(1);
        let mut bytes = b"a page that ends in".to_vec();
        bytes.extend_from_slice(&mark[..3]);
        let length = bytes.len();
        assert_eq!(marker.take(&mut bytes, 0, false).held, 3, "more may come");
        assert_eq!(
            marker.take(&mut bytes, 0, true),
            Taken {
                stream: None,
                held: 0
            },
            "nothing more to read: it was not a marker"
        );
        assert_eq!(bytes.len(), length, "and nothing was removed");
        let mut plain = b"no marker here".to_vec();
        assert_eq!(marker.take(&mut plain, 0, false).held, 0);
    }
}
