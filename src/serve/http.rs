//! The preview's web server: tiny_http, which parses the requests and
//! sends the answers `respond` makes. It listens on a Unix socket in the
//! preview's private folder, behind the guard (see `guard` for why), or,
//! where there are no Unix sockets, on the public port itself.
//!
//! Each request is answered on a thread of its own (at most [`HANDLERS`]
//! at once), so that a client slow to read a large file holds up no one
//! else; a reload stream keeps its thread for as long as its page is open.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::reload::{self, HEARTBEAT, Shared};
use super::respond::{self, Answer, Asked};

/// The most requests (other than reload streams) answered at once; more
/// wait their turn.
pub(crate) const HANDLERS: usize = 64;

/// How long a request's thread may need for its stack: answers are made in
/// memory or read from files a piece at a time.
const STACK: usize = 256 * 1024;

/// How often a server's dispatcher looks up from waiting for requests.
const LOOK_UP: Duration = Duration::from_millis(500);

/// A server that was replaced (it stopped accepting) is let go once it has
/// had no requests for this long: its connections have all closed by then.
const RETIRE: Duration = Duration::from_secs(30);

/// Starts tiny_http servers and answers their requests.
pub(crate) struct Backend {
    /// The private folder for the servers' sockets.
    #[cfg_attr(not(unix), allow(dead_code))]
    sockets: PathBuf,
    shared: Arc<Shared>,
    /// Counts the servers started; only the newest takes new connections.
    generation: AtomicU64,
    handlers: Arc<Gate>,
}

impl Backend {
    /// A backend whose sockets go in `sockets` (a private folder).
    pub(crate) fn new(sockets: PathBuf, shared: Arc<Shared>) -> Arc<Backend> {
        Arc::new(Backend {
            sockets,
            shared,
            generation: AtomicU64::new(0),
            handlers: Arc::new(Gate::new(HANDLERS)),
        })
    }

    /// Starts a tiny_http server on a fresh socket and returns the socket's
    /// path. Used at start, and again whenever the last server stopped
    /// accepting.
    #[cfg(unix)]
    pub(crate) fn start(self: &Arc<Self>) -> io::Result<PathBuf> {
        let generation = self.generation.load(Ordering::SeqCst) + 1;
        let path = self.sockets.join(format!("{generation}.sock"));
        let _ = std::fs::remove_file(&path);
        let listener = std::os::unix::net::UnixListener::bind(&path)?;
        self.serve(listener)?;
        Ok(path)
    }

    /// Answers the requests tiny_http accepts on `listener`, on a thread of
    /// its own.
    pub(crate) fn serve(
        self: &Arc<Self>,
        listener: impl Into<tiny_http::Listener>,
    ) -> io::Result<()> {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let server = tiny_http::Server::from_listener(listener, None)
            .map_err(|err| io::Error::other(err.to_string()))?;
        let backend = Arc::clone(self);
        std::thread::Builder::new()
            .name("handbook-serve-http".into())
            .spawn(move || backend.dispatch(&server, generation))
            .map(drop)
    }

    /// Hands each request of `server` to a thread, until the preview stops
    /// or the server has been replaced and is quiet.
    fn dispatch(&self, server: &tiny_http::Server, generation: u64) {
        let mut last = Instant::now();
        loop {
            if self.shared.stopping() {
                return;
            }
            match server.recv_timeout(LOOK_UP) {
                Ok(Some(request)) => {
                    last = Instant::now();
                    self.handle(request);
                }
                Ok(None) => {
                    let replaced = self.generation.load(Ordering::SeqCst) != generation;
                    if replaced && last.elapsed() >= RETIRE {
                        return;
                    }
                }
                // Its accept thread has stopped; the requests of the
                // connections it has still come. The guard starts another
                // server when it next cannot connect.
                Err(_) => {}
            }
        }
    }

    /// Answers `request` on a thread of its own, once one of the
    /// [`HANDLERS`] is free.
    fn handle(&self, request: tiny_http::Request) {
        let turn = Gate::enter(&self.handlers);
        let shared = Arc::clone(&self.shared);
        // If no thread can be had, the request is dropped, and tiny_http
        // answers it with a 500.
        let _ = std::thread::Builder::new()
            .name("handbook-serve-request".into())
            .stack_size(STACK)
            .spawn(move || answer(request, &shared, turn));
    }
}

/// Answers one request (a reload stream runs until its page closes).
fn answer(request: tiny_http::Request, shared: &Arc<Shared>, turn: Turn) {
    let answer = respond::answer(&Asked::of(&request), shared);
    match answer {
        Answer::Response(response) => {
            let _ = request.respond(response);
        }
        Answer::Stream(slot) => {
            // Streams have a cap of their own.
            drop(turn);
            let mut writer = request.into_writer();
            reload::stream(slot, &mut *writer, HEARTBEAT);
        }
    }
}

/// Lets a fixed number of holders in at once.
struct Gate {
    inside: Mutex<usize>,
    left: Condvar,
    most: usize,
}

/// A place inside a [`Gate`], given up on drop.
struct Turn(Arc<Gate>);

impl Gate {
    fn new(most: usize) -> Gate {
        Gate {
            inside: Mutex::new(0),
            left: Condvar::new(),
            most,
        }
    }

    /// Waits for a place.
    fn enter(gate: &Arc<Gate>) -> Turn {
        let inside = gate.inside.lock().unwrap_or_else(PoisonError::into_inner);
        let mut inside = gate
            .left
            .wait_while(inside, |inside| *inside >= gate.most)
            .unwrap_or_else(PoisonError::into_inner);
        *inside += 1;
        Turn(Arc::clone(gate))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut inside = self.0.inside.lock().unwrap_or_else(PoisonError::into_inner);
        *inside -= 1;
        self.0.left.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_lets_in_so_many_at_once() {
        let gate = Arc::new(Gate::new(2));
        let first = Gate::enter(&gate);
        let _second = Gate::enter(&gate);
        let waiting = Arc::clone(&gate);
        let (told, entered) = std::sync::mpsc::channel();
        let third = std::thread::spawn(move || {
            let _turn = Gate::enter(&waiting);
            told.send(()).unwrap();
        });
        assert!(
            entered.recv_timeout(Duration::from_millis(200)).is_err(),
            "a third waits"
        );
        drop(first);
        entered.recv().expect("and gets in once one leaves");
        third.join().unwrap();
        assert_eq!(*gate.inside.lock().unwrap(), 1);
    }
}
