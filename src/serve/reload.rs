//! The bodies of responses: the build state that open pages follow and
//! the server-sent event streams (`/__handbook/events`) that tell them
//! when it moves on, and files sent a piece at a time.
//!
//! Each build that is tried moves the state on; pages are served with the
//! state they were built from and reload when their stream announces
//! another. A stream writes a comment line every few seconds, so that the
//! stream of a page that was closed without its socket saying so (a
//! vanished network, a sleeping laptop) fails to write and is freed; a page
//! that closes its socket is freed at once.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Frame;
use tokio::sync::watch;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// The body of every response.
pub(crate) type Body = UnsyncBoxBody<Bytes, Infallible>;

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

/// State shared by the builder and the connections.
pub(crate) struct Shared {
    status: Mutex<Status>,
    /// The state, for the streams to wait on.
    state: watch::Sender<u64>,
    /// Listening on a loopback address: answer only requests addressed to
    /// this computer by name or number, so that a web page elsewhere cannot
    /// read the preview through a DNS name pointed at 127.0.0.1.
    pub(crate) local_only: bool,
}

impl Shared {
    /// Nothing built yet.
    pub(crate) fn new(local_only: bool) -> Shared {
        Shared {
            status: Mutex::new(Status::default()),
            state: watch::Sender::new(0),
            local_only,
        }
    }

    /// A copy of the current status.
    pub(crate) fn status(&self) -> Status {
        self.lock().clone()
    }

    /// Records a build that was tried: `dir` is the new folder to serve
    /// (`None` keeps the last good one), `error` why it failed. Returns the
    /// new state.
    pub(crate) fn publish(&self, dir: Option<PathBuf>, error: Option<String>) -> u64 {
        let mut status = self.lock();
        status.state += 1;
        if dir.is_some() {
            status.dir = dir;
        }
        status.error = error;
        // Told while the lock is held, so no page is served a state that
        // its stream has not reached yet.
        self.state.send_replace(status.state);
        status.state
    }

    fn lock(&self) -> MutexGuard<'_, Status> {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A body of bytes known in full.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into()).boxed_unsync()
}

/// How much of a file is read at a time.
const PIECE: usize = 64 * 1024;

/// A body read from `file` a piece at a time. A read error ends it early
/// (the declared length then tells the browser it is cut short).
pub(crate) fn pieces(file: std::fs::File) -> Body {
    let pieces = futures_util::stream::unfold(file, |mut file| async move {
        let mut piece = vec![0; PIECE];
        match std::io::Read::read(&mut file, &mut piece) {
            Ok(0) | Err(_) => None,
            Ok(read) => {
                piece.truncate(read);
                Some((Ok(Frame::data(Bytes::from(piece))), file))
            }
        }
    });
    http_body_util::StreamBody::new(pieces).boxed_unsync()
}

/// The body of an event stream: the state now, then each new state, and a
/// comment every [`HEARTBEAT`]. `slot` (the stream's place under the cap)
/// is held for as long as the body is, and so released as soon as the
/// connection is gone.
pub(crate) fn stream<T: Send + 'static>(shared: &Shared, slot: T) -> Body {
    struct Stream<T> {
        states: watch::Receiver<u64>,
        heartbeat: Interval,
        opened: bool,
        _slot: T,
    }
    let mut heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT, HEARTBEAT);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let start = Stream {
        states: shared.state.subscribe(),
        heartbeat,
        opened: false,
        _slot: slot,
    };
    let frames = futures_util::stream::unfold(start, |mut stream| async move {
        let text = if stream.opened {
            tokio::select! {
                changed = stream.states.changed() => {
                    // The sender is gone only when the server stops.
                    changed.ok()?;
                    format!("data: {}\n\n", *stream.states.borrow_and_update())
                }
                _ = stream.heartbeat.tick() => ": still here\n\n".to_string(),
            }
        } else {
            stream.opened = true;
            format!(
                "retry: 1000\n\ndata: {}\n\n",
                *stream.states.borrow_and_update()
            )
        };
        Some((Ok(Frame::data(Bytes::from(text))), stream))
    });
    http_body_util::StreamBody::new(frames).boxed_unsync()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts how many copies are alive.
    struct Held(Arc<AtomicUsize>);
    impl Drop for Held {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    async fn next_text(body: &mut Body) -> String {
        let frame = body.frame().await.expect("a frame").expect("no error");
        String::from_utf8(frame.into_data().expect("data").to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_file_is_sent_whole_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let bytes: Vec<u8> = (0..PIECE * 3 + 17).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut body = pieces(std::fs::File::open(&path).unwrap());
        let mut sent = Vec::new();
        let mut frames = 0;
        while let Some(frame) = body.frame().await {
            sent.extend_from_slice(&frame.unwrap().into_data().unwrap());
            frames += 1;
        }
        assert_eq!(sent, bytes);
        assert_eq!(frames, 4, "in pieces of {PIECE} bytes");
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_tells_each_state_and_frees_its_slot_when_dropped() {
        let shared = Shared::new(true);
        shared.publish(Some(PathBuf::from("/a")), None);
        let held = Arc::new(AtomicUsize::new(1));
        let mut body = stream(&shared, Held(Arc::clone(&held)));
        assert_eq!(next_text(&mut body).await, "retry: 1000\n\ndata: 1\n\n");
        assert_eq!(shared.publish(None, Some("broken".into())), 2);
        assert_eq!(next_text(&mut body).await, "data: 2\n\n");
        // Nothing new: the heartbeat comes instead (time is paused, so this
        // does not wait).
        assert_eq!(next_text(&mut body).await, ": still here\n\n");
        let status = shared.status();
        assert_eq!(status.dir, Some(PathBuf::from("/a")), "the last good build");
        assert_eq!(status.error.as_deref(), Some("broken"));
        assert_eq!(held.load(Ordering::SeqCst), 1);
        drop(body);
        assert_eq!(
            held.load(Ordering::SeqCst),
            0,
            "the slot goes with the body"
        );
    }
}
