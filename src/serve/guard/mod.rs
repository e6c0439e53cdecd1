//! The guard in front of the preview's web server.
//!
//! Why it exists: tiny_http, which answers the requests, has no timeouts
//! and no cap on connections, and its accept thread stops for good on the
//! first accept that fails (or panics when it cannot copy a socket), so a
//! few hundred idle connections at a low `ulimit -n` left the port silent
//! while the process lived on. So tiny_http listens only on a Unix socket
//! in the preview's private folder, and the guard owns the public TCP
//! port. On one thread it accepts each connection, connects it to
//! tiny_http once it has sent something, passes the bytes both ways, and:
//!
//! - closes a connection that has taken no bytes for [`IDLE`]: one that
//!   sends nothing, one that sends its request a byte at a time (what a
//!   client sends does not count), a kept-alive one with nothing more to
//!   ask, and one that stops reading what it is sent. A reload stream's
//!   heartbeat keeps its connection open; on Linux, data left
//!   unacknowledged for as long fails the connection too;
//! - keeps at most [`Limits::connections`] open: one more closes the one
//!   that has been quiet longest, never a reload stream's nor one waiting
//!   for the answer to a request it has sent;
//! - near the limit on open files, counts them before opening more, and
//!   closes the quietest connection rather than take the last ones, so
//!   tiny_http (which accepts on a thread of its own) always has the files
//!   it needs; when accepting fails anyway for want of files, it closes the
//!   quietest connection, waits a moment and goes on accepting, and says so
//!   (at most every ten seconds);
//! - when either side closes or fails, closes both at once, so tiny_http's
//!   thread is freed, and tells a reload stream on that connection to end
//!   (see `reload::Marker` for how it knows);
//! - starts tiny_http again on a fresh socket if it stops accepting;
//! - gets tiny_http to take up a request it left waiting: its pool of
//!   threads can count a thread as idle that has just been given another
//!   connection, and then leaves the next one queued until some thread's
//!   connection closes. A request passed on (its head ended) and not
//!   answered within [`NUDGE_AFTER`] gets tiny_http one more, empty,
//!   connection: the thread started for it ends at once and takes up the
//!   waiting one;
//! - gives up, with the reason, when the public socket fails for another
//!   reason for [`GIVE_UP_AFTER`], rather than live on deaf.

use std::io::{self, ErrorKind};
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};

use super::limits::{FDS_PER_CONNECTION, Limits, out_of_files};
use super::reload::Shared;
use conn::Conn;

mod conn;
mod table;
#[cfg(test)]
mod tests;

/// How long a connection may go without taking a byte: from when it opens,
/// or from the last byte it took.
pub(crate) const IDLE: Duration = Duration::from_secs(10);

/// How long the public socket may keep failing before the guard gives up.
pub(crate) const GIVE_UP_AFTER: Duration = Duration::from_secs(5);

/// The most bytes held for one connection in each direction.
const BUFFER: usize = 64 * 1024;

/// How long to wait before accepting again when nothing could be closed.
const BACK_OFF: Duration = Duration::from_millis(100);

/// How soon to try again to hand a connection to tiny_http, or to accept,
/// when the files are short.
const RETRY: Duration = Duration::from_millis(5);

/// The longest wait for sockets to be ready, so that a stop is seen soon.
const TICK: Duration = Duration::from_millis(250);

/// Connections accepted in a row before the open ones get a turn.
const ACCEPT_BATCH: usize = 64;

/// How long a request passed on may wait for the first byte of its answer
/// before tiny_http is nudged (answers take a few milliseconds).
pub(crate) const NUDGE_AFTER: Duration = Duration::from_millis(50);

/// What the guard tells the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    /// The files ran out; `open` connections were open.
    OutOfFiles { open: usize },
    /// Accepting kept failing for another reason: the preview no longer
    /// answers.
    Deaf { error: String },
}

/// Starts the web server on a fresh socket and returns the socket's path.
pub(crate) type StartServer = Box<dyn FnMut() -> io::Result<PathBuf> + Send>;

/// The guard: the public socket, the open connections and the way to
/// tiny_http.
pub(crate) struct Guard {
    listener: TcpListener,
    start_server: StartServer,
    /// The web server's socket (`None` after it stopped accepting, until
    /// another is started).
    server: Option<PathBuf>,
    /// When a web server was last started.
    started: Instant,
    shared: Arc<Shared>,
    notice: Box<dyn Fn(Notice) + Send>,
    limits: Limits,
    give_up: Duration,
    conns: Vec<Conn>,
    /// When the caller was last told the files ran out.
    told: Option<Instant>,
    /// Accepting waits until then.
    paused: Option<Instant>,
    /// Since when accepting has failed.
    failing: Option<Instant>,
    /// When connections that tiny_http held were closed: it may still hold
    /// (or be about to take) their files.
    releasing: Vec<Instant>,
    /// When tiny_http was last nudged.
    nudged: Option<Instant>,
    buf: Box<[u8]>,
}

/// The readiness of one connection's two sockets.
#[derive(Clone, Copy)]
struct Ready {
    client: PollFlags,
    server: PollFlags,
}

impl Guard {
    /// A guard for `listener` (non-blocking) that hands connections to the
    /// web server `start_server` starts (it is started now, and again if it
    /// stops accepting).
    pub(crate) fn new(
        listener: TcpListener,
        shared: Arc<Shared>,
        mut start_server: StartServer,
        notice: Box<dyn Fn(Notice) + Send>,
    ) -> io::Result<Guard> {
        let server = start_server()?;
        Ok(Guard {
            listener,
            start_server,
            server: Some(server),
            started: Instant::now(),
            limits: shared.limits,
            shared,
            notice,
            give_up: GIVE_UP_AFTER,
            conns: Vec::new(),
            told: None,
            paused: None,
            failing: None,
            releasing: Vec::new(),
            nudged: None,
            buf: vec![0; BUFFER].into_boxed_slice(),
        })
    }

    /// Runs the guard on a thread of its own until the preview stops (or
    /// the public socket keeps failing).
    pub(crate) fn spawn(self) -> io::Result<()> {
        std::thread::Builder::new()
            .name("handbook-serve-guard".into())
            .spawn(move || self.run())
            .map(drop)
    }

    /// Guards until the preview stops, or until it gives up on a public
    /// socket that keeps failing (and says so).
    pub(crate) fn run(mut self) {
        loop {
            if self.shared.stopping() {
                return;
            }
            let now = Instant::now();
            for i in 0..self.conns.len() {
                if self.conns[i].open() && now >= self.conns[i].answered + IDLE {
                    self.close(i);
                }
            }
            self.conns.retain(Conn::open);
            self.shared.set_connections(self.conns.len());
            let (listener, ready) = match self.poll(self.wait(now)) {
                Ok(ready) => ready,
                // Out of memory for the poll, say: try again in a moment.
                Err(_) => {
                    std::thread::sleep(RETRY);
                    continue;
                }
            };
            if listener && !self.accept() {
                return;
            }
            for (i, ready) in ready.into_iter().enumerate() {
                if !(ready.client.is_empty() && ready.server.is_empty()) {
                    self.step(i, ready);
                }
            }
            for i in 0..self.conns.len() {
                if self.conns[i].waiting() {
                    self.connect(i);
                }
            }
            self.nudge_if_stuck();
        }
    }

    /// When the oldest request passed on and not yet answered was asked.
    fn oldest_asked(&self) -> Option<Instant> {
        self.conns
            .iter()
            .filter(|conn| conn.open() && conn.server.is_some() && conn.up.is_empty())
            .filter_map(|conn| conn.asked)
            .min()
    }

    /// Nudges tiny_http (see the module's comment) if a request has waited
    /// too long, at most every [`NUDGE_AFTER`].
    fn nudge_if_stuck(&mut self) {
        let now = Instant::now();
        let stuck = self
            .oldest_asked()
            .is_some_and(|at| now >= at + NUDGE_AFTER);
        let due = self.nudged.is_none_or(|at| now >= at + NUDGE_AFTER);
        // Never a connection closed for it: that could be the waiting one.
        if !stuck || !due || self.short(FDS_PER_CONNECTION - 1) > 0 {
            return;
        }
        self.nudged = Some(now);
        if let Some(path) = &self.server
            // Closed at once: tiny_http accepts it, reads its end and is
            // done with it.
            && connect_unix(path).is_ok()
        {
            self.releasing.push(now);
        }
    }

    /// How long to wait for sockets at most.
    fn wait(&self, now: Instant) -> Duration {
        let mut wait = TICK;
        for conn in self.conns.iter().filter(|conn| conn.open()) {
            wait = wait.min((conn.answered + IDLE).saturating_duration_since(now));
            if conn.waiting() {
                wait = wait.min(RETRY);
            }
        }
        if let Some(at) = self.paused {
            wait = wait.min(at.saturating_duration_since(now));
        }
        if let Some(at) = self.oldest_asked() {
            let next = self.nudged.map_or(at, |nudged| nudged.max(at)) + NUDGE_AFTER;
            wait = wait.min(next.saturating_duration_since(now).max(RETRY));
        }
        wait
    }

    /// Waits up to `wait` for sockets to be ready; returns whether the
    /// public socket is, and how each connection's are.
    fn poll(&mut self, wait: Duration) -> io::Result<(bool, Vec<Ready>)> {
        if self.paused.is_some_and(|at| Instant::now() >= at) {
            self.paused = None;
        }
        let mut fds = Vec::with_capacity(1 + 2 * self.conns.len());
        if self.paused.is_none() {
            fds.push(PollFd::new(&self.listener, PollFlags::IN));
        }
        let listening = !fds.is_empty();
        // Where each connection's sockets are in `fds`. A socket with
        // nothing to wait for is left out, so that one whose peer has hung
        // up does not wake the guard over and over.
        let mut slots = Vec::with_capacity(self.conns.len());
        for conn in &self.conns {
            let mut slot = (None, None);
            if let Some(client) = &conn.client {
                let mut wanted = PollFlags::empty();
                if conn.up.len() < BUFFER {
                    wanted |= PollFlags::IN;
                }
                if conn.sendable() > 0 {
                    wanted |= PollFlags::OUT;
                }
                if !wanted.is_empty() {
                    slot.0 = Some(fds.len());
                    fds.push(PollFd::new(client, wanted));
                }
            }
            if let Some(server) = &conn.server {
                let mut wanted = PollFlags::empty();
                if conn.down.len() < BUFFER {
                    wanted |= PollFlags::IN;
                }
                if !conn.up.is_empty() {
                    wanted |= PollFlags::OUT;
                }
                if !wanted.is_empty() {
                    slot.1 = Some(fds.len());
                    fds.push(PollFd::new(server, wanted));
                }
            }
            slots.push(slot);
        }
        let timeout = Timespec::try_from(wait).unwrap_or(Timespec {
            tv_sec: 0,
            tv_nsec: 250_000_000,
        });
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => {
                for fd in &mut fds {
                    fd.clear_revents();
                }
            }
            Err(err) => return Err(err.into()),
        }
        let events = |at: Option<usize>| at.map_or(PollFlags::empty(), |at| fds[at].revents());
        let listener = listening && !fds[0].revents().is_empty();
        let ready = slots
            .into_iter()
            .map(|(client, server)| Ready {
                client: events(client),
                server: events(server),
            })
            .collect();
        Ok((listener, ready))
    }

    /// Accepts what is waiting on the public socket; false when it has
    /// failed for too long.
    fn accept(&mut self) -> bool {
        for _ in 0..ACCEPT_BATCH {
            if !self.room(1, None) {
                self.pause(RETRY);
                return true;
            }
            match self.listener.accept() {
                Ok((socket, _)) => {
                    self.failing = None;
                    self.admit(socket);
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    self.failing = None;
                    return true;
                }
                Err(err) if out_of_files(&err) => {
                    self.tell_out_of_files();
                    // Close the quietest connection to get its file back;
                    // with none to close, give the builds and streams a
                    // moment to let go of theirs.
                    if !self.evict(None) {
                        self.pause(BACK_OFF);
                    }
                    return true;
                }
                // A connection reset before it was accepted, and the like:
                // the next one may be fine.
                Err(err) if transient(&err) => {}
                Err(err) => {
                    let since = *self.failing.get_or_insert_with(Instant::now);
                    if since.elapsed() >= self.give_up {
                        // Better to stop with the reason than to live on
                        // deaf.
                        (self.notice)(Notice::Deaf {
                            error: err.to_string(),
                        });
                        return false;
                    }
                    self.pause(BACK_OFF);
                    return true;
                }
            }
        }
        true
    }

    /// Hands connection `i` to the web server, if the files allow; else it
    /// waits for the next turn.
    fn connect(&mut self, i: usize) {
        if !self.room(FDS_PER_CONNECTION - 1, Some(i)) {
            return;
        }
        let Some(path) = self.server.clone().or_else(|| self.restart()) else {
            return;
        };
        match connect_unix(&path) {
            Ok(server) => {
                self.conns[i].server = Some(server);
            }
            // Its queue of connections to accept is full: next turn.
            Err(err) if err.kind() == ErrorKind::WouldBlock => {}
            // It stopped accepting: start another.
            Err(err)
                if matches!(
                    err.kind(),
                    ErrorKind::ConnectionRefused | ErrorKind::NotFound
                ) =>
            {
                self.server = None;
                self.restart();
            }
            Err(err) if out_of_files(&err) => {
                self.tell_out_of_files();
                self.evict(Some(i));
            }
            Err(_) => self.close(i),
        }
    }

    /// Starts another web server (not more often than every [`BACK_OFF`]).
    fn restart(&mut self) -> Option<PathBuf> {
        if self.started.elapsed() < BACK_OFF || !self.room(1, None) {
            return None;
        }
        self.started = Instant::now();
        match (self.start_server)() {
            Ok(path) => {
                self.server = Some(path.clone());
                Some(path)
            }
            Err(err) => {
                if out_of_files(&err) {
                    self.tell_out_of_files();
                    self.evict(None);
                }
                None
            }
        }
    }
}

/// Errors of one connection that leave the listening socket fine.
fn transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
    )
}

/// Connects to the web server's socket without waiting: a full queue is
/// `WouldBlock`, not a stalled guard.
fn connect_unix(path: &Path) -> io::Result<UnixStream> {
    use rustix::net::{AddressFamily, SocketAddrUnix, SocketType};
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    let fd = rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::STREAM,
        rustix::net::SocketFlags::CLOEXEC | rustix::net::SocketFlags::NONBLOCK,
        None,
    )?;
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    let fd = {
        let fd = rustix::net::socket(AddressFamily::UNIX, SocketType::STREAM, None)?;
        rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC)?;
        rustix::io::ioctl_fionbio(&fd, true)?;
        fd
    };
    rustix::net::connect(&fd, &SocketAddrUnix::new(path)?)?;
    Ok(UnixStream::from(fd))
}
