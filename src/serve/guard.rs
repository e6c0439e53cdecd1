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

use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};

use super::limits::{self, FDS_PER_CONNECTION, LETTING_GO, Limits, out_of_files};
use super::reload::Shared;

/// How long a connection may go without taking a byte: from when it opens,
/// or from the last byte it took.
pub(crate) const IDLE: Duration = Duration::from_secs(10);

/// How long the public socket may keep failing before the guard gives up.
pub(crate) const GIVE_UP_AFTER: Duration = Duration::from_secs(5);

/// The most bytes held for one connection in each direction.
const BUFFER: usize = 64 * 1024;

/// The most a client may send before it takes a byte of an answer: far
/// more than any request the preview answers (GET and HEAD), far less
/// than would fill memory (tiny_http reads a request's head whole).
const MAX_UNANSWERED: usize = 1 << 20;

/// How long to wait before accepting again when nothing could be closed.
const BACK_OFF: Duration = Duration::from_millis(100);

/// How soon to try again to hand a connection to tiny_http, or to accept,
/// when the files are short.
const RETRY: Duration = Duration::from_millis(5);

/// How often the caller may be told that the files ran out.
const NOTICE_EVERY: Duration = Duration::from_secs(10);

/// The longest wait for sockets to be ready, so that a stop is seen soon.
const TICK: Duration = Duration::from_millis(250);

/// Counting open files costs a read of a folder: it is done only when the
/// files the guard knows of come within this many of the limit.
const NEAR: usize = 32;

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

/// One client's connection.
struct Conn {
    client: Option<TcpStream>,
    /// Connected once the client sends something.
    server: Option<UnixStream>,
    /// From the client, for the server.
    up: Vec<u8>,
    /// From the server, for the client; its last `held` bytes may begin a
    /// stream's marker and wait for the rest.
    down: Vec<u8>,
    held: usize,
    /// The server has closed its side: close the connection once `down` is
    /// sent.
    finished: bool,
    /// The server reads no more (it has answered and is closing): what the
    /// client sends is dropped.
    deaf: bool,
    /// When it opened, or last took bytes.
    answered: Instant,
    /// When a byte last went either way.
    active: Instant,
    /// Bytes from the client since it last took any.
    unanswered: usize,
    /// The reload stream it carries.
    stream: Option<u64>,
    /// Since when a request passed on has waited for its answer.
    asked: Option<Instant>,
    /// The last bytes from the client, to see a head end across reads.
    tail: Vec<u8>,
}

impl Conn {
    fn new(client: TcpStream, now: Instant) -> Conn {
        Conn {
            client: Some(client),
            server: None,
            up: Vec::new(),
            down: Vec::new(),
            held: 0,
            finished: false,
            deaf: false,
            answered: now,
            active: now,
            unanswered: 0,
            stream: None,
            asked: None,
            tail: Vec::new(),
        }
    }

    fn open(&self) -> bool {
        self.client.is_some()
    }

    /// The file descriptors it holds, tiny_http's included.
    fn fds(&self) -> usize {
        match (&self.client, &self.server) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => FDS_PER_CONNECTION,
        }
    }

    /// Bytes that may go to the client now.
    fn sendable(&self) -> usize {
        self.down.len() - self.held
    }

    /// It has something for a server but no server yet.
    fn waiting(&self) -> bool {
        self.open() && self.server.is_none() && !self.finished && !self.deaf && !self.up.is_empty()
    }
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

    /// Takes on a new connection, closing the quietest one at the cap.
    fn admit(&mut self, socket: TcpStream) {
        if socket.set_nonblocking(true).is_err() {
            return;
        }
        let _ = socket.set_nodelay(true);
        // Data that the other end does not acknowledge for this long (a
        // computer gone from the network) fails the connection, so that a
        // reload stream's heartbeat finds out.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let _ = rustix::net::sockopt::set_tcp_user_timeout(
            &socket,
            u32::try_from(IDLE.as_millis()).unwrap_or(u32::MAX),
        );
        let open = self.conns.iter().filter(|conn| conn.open()).count();
        if open >= self.limits.connections && !self.evict(None) {
            // Every open connection is a page's reload stream, or waiting
            // for its answer.
            let _ = (&socket).write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        self.conns.push(Conn::new(socket, Instant::now()));
    }

    /// Moves what can be moved on connection `i`.
    fn step(&mut self, i: usize, ready: Ready) {
        if !self.conns[i].open() {
            return;
        }
        let now = Instant::now();
        if ready.client.intersects(PollFlags::HUP | PollFlags::ERR) {
            // Gone both ways (or reset): nothing more can reach it.
            return self.close(i);
        }
        if ready.client.contains(PollFlags::IN) && !self.read_client(i, now) {
            return self.close(i);
        }
        if self.conns[i].waiting() {
            self.connect(i);
            if !self.conns[i].open() {
                return;
            }
        }
        let server_ready = PollFlags::IN | PollFlags::HUP | PollFlags::ERR;
        if ready.server.intersects(server_ready) && !self.read_server(i, now) {
            return self.close(i);
        }
        self.write_server(i);
        if !self.write_client(i, now) {
            return self.close(i);
        }
        let conn = &self.conns[i];
        if conn.finished && conn.down.is_empty() {
            self.close(i);
        }
    }

    /// Reads what the client sent; false if it has gone or sent too much.
    fn read_client(&mut self, i: usize, now: Instant) -> bool {
        let conn = &mut self.conns[i];
        let Some(client) = &conn.client else {
            return false;
        };
        loop {
            let room = BUFFER.saturating_sub(conn.up.len()).min(self.buf.len());
            if room == 0 {
                return true;
            }
            match (&*client).read(&mut self.buf[..room]) {
                Ok(0) => return false,
                Ok(read) => {
                    conn.active = now;
                    conn.unanswered += read;
                    if conn.unanswered > MAX_UNANSWERED {
                        return false;
                    }
                    if ends_head(&mut conn.tail, &self.buf[..read]) && conn.asked.is_none() {
                        conn.asked = Some(now);
                    }
                    if !conn.finished && !conn.deaf {
                        conn.up.extend_from_slice(&self.buf[..read]);
                    }
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => return true,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// Reads what the server wrote, taking out a stream's marker; false if
    /// the server's socket failed.
    fn read_server(&mut self, i: usize, now: Instant) -> bool {
        let conn = &mut self.conns[i];
        let Some(server) = &conn.server else {
            return true;
        };
        let from = conn.down.len() - conn.held;
        let mut drained = false;
        loop {
            let room = BUFFER.saturating_sub(conn.down.len()).min(self.buf.len());
            if room == 0 {
                break;
            }
            match (&*server).read(&mut self.buf[..room]) {
                Ok(0) => {
                    conn.finished = true;
                    drained = true;
                    break;
                }
                Ok(read) => {
                    conn.down.extend_from_slice(&self.buf[..read]);
                    conn.active = now;
                    conn.asked = None;
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    drained = true;
                    break;
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        if conn.stream.is_none()
            && let Some(marker) = self.shared.marker()
        {
            let taken = marker.take(&mut conn.down, from, drained);
            conn.held = taken.held;
            conn.stream = taken.stream;
        }
        if conn.finished {
            // Its end is closed: let go of ours (its files count no more).
            conn.server = None;
            conn.up = Vec::new();
        }
        true
    }

    /// Passes on what the client sent. A server that no longer reads (it
    /// has answered and is closing) gets nothing more; its answer still
    /// goes to the client.
    fn write_server(&mut self, i: usize) {
        let conn = &mut self.conns[i];
        let Some(server) = &conn.server else {
            return;
        };
        while !conn.up.is_empty() {
            match (&*server).write(&conn.up) {
                Ok(written) => {
                    conn.up.drain(..written);
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) if err.kind() == ErrorKind::WouldBlock => return,
                Err(_) => {
                    conn.up = Vec::new();
                    conn.deaf = true;
                    return;
                }
            }
        }
    }

    /// Sends the client what it may have; false if it has gone.
    fn write_client(&mut self, i: usize, now: Instant) -> bool {
        let conn = &mut self.conns[i];
        let Some(client) = &conn.client else {
            return false;
        };
        while conn.sendable() > 0 {
            match (&*client).write(&conn.down[..conn.sendable()]) {
                Ok(0) => return false,
                Ok(written) => {
                    conn.down.drain(..written);
                    conn.answered = now;
                    conn.active = now;
                    conn.unanswered = 0;
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) if err.kind() == ErrorKind::WouldBlock => return true,
                Err(_) => return false,
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

    /// True if `need` more files can be opened and still leave tiny_http
    /// and the builds theirs. If not, closes the quietest connection to
    /// make room for `for_conn` (see [`Guard::evict`]), unless files about
    /// to be let go are enough.
    fn room(&mut self, need: usize, for_conn: Option<usize>) -> bool {
        let short = self.short(need);
        if short == 0 {
            return true;
        }
        if 2 * self.releasing.len() < short {
            self.tell_out_of_files();
            self.evict(for_conn);
        }
        false
    }

    /// How many files short the process would be, if it opened `need`
    /// more, of leaving tiny_http and the builds theirs.
    fn short(&mut self, need: usize) -> usize {
        let Some(files) = self.limits.files else {
            return 0;
        };
        let files = usize::try_from(files).unwrap_or(usize::MAX);
        let headroom = self.limits.headroom();
        let held: usize = self.conns.iter().map(Conn::fds).sum();
        let known = self.limits.base + held;
        if known + need + headroom + NEAR <= files {
            return 0;
        }
        let now = Instant::now();
        self.releasing.retain(|at| now < *at + LETTING_GO);
        // The count misses the files of connections tiny_http has not
        // accepted yet (`known` has them), and those tiny_http may yet take
        // for connections just closed (it accepts them before it sees they
        // are closed); it has those of other threads (files being sent, the
        // builds) and of connections tiny_http has not let go of yet.
        let open = limits::open_files().unwrap_or(known) + 2 * self.releasing.len();
        (open.max(known) + need + headroom).saturating_sub(files)
    }

    /// Closes the connection quiet longest to make room for connection
    /// `for_conn` (`None`: a new one); false if there is none to close.
    /// Never closed: a reload stream's, one waiting for the answer to a
    /// request it has sent (quiet because of the server, not of its
    /// client), and one no quieter than the one making room.
    fn evict(&mut self, for_conn: Option<usize>) -> bool {
        let (asking, since) = match for_conn {
            Some(i) => (self.conns[i].asked.is_some(), self.conns[i].active),
            None => (false, Instant::now()),
        };
        let quietest = self
            .conns
            .iter()
            .enumerate()
            .filter(|(i, conn)| {
                conn.open()
                    && conn.stream.is_none()
                    && conn.asked.is_none()
                    && Some(*i) != for_conn
                    && (asking || conn.active < since)
            })
            .min_by_key(|(_, conn)| conn.active)
            .map(|(i, _)| i);
        match quietest {
            Some(i) => {
                self.close(i);
                true
            }
            None => false,
        }
    }

    /// Closes both sides of connection `i` now.
    fn close(&mut self, i: usize) {
        let conn = &mut self.conns[i];
        if conn.client.take().is_none() {
            return;
        }
        if conn.server.take().is_some() {
            self.releasing.push(Instant::now());
        }
        conn.up = Vec::new();
        conn.down = Vec::new();
        conn.held = 0;
        if let Some(id) = conn.stream.take() {
            self.shared.stream_gone(id);
        }
    }

    fn pause(&mut self, wait: Duration) {
        self.paused = Some(Instant::now() + wait);
    }

    fn tell_out_of_files(&mut self) {
        if self.told.is_none_or(|at| at.elapsed() >= NOTICE_EVERY) {
            self.told = Some(Instant::now());
            let open = self.conns.iter().filter(|conn| conn.open()).count();
            (self.notice)(Notice::OutOfFiles { open });
        }
    }
}

/// True if `bytes`, after the `tail` of what came before, end a request's
/// head (hold an empty line); keeps the new tail.
fn ends_head(tail: &mut Vec<u8>, bytes: &[u8]) -> bool {
    const END: &[u8] = b"\r\n\r\n";
    let joined = [tail.as_slice(), &bytes[..bytes.len().min(END.len() - 1)]].concat();
    let ended =
        memchr::memmem::find(&joined, END).is_some() || memchr::memmem::find(bytes, END).is_some();
    let mut last = [tail.as_slice(), bytes].concat();
    last.drain(..last.len().saturating_sub(END.len() - 1));
    *tail = last;
    ended
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::http::Backend;
    use std::io::{BufRead, BufReader};
    use std::sync::Mutex;

    fn shared(connections: usize, streams: usize) -> Arc<Shared> {
        let limits = Limits {
            connections,
            streams,
            ..Limits::for_files(None, 0)
        };
        Arc::new(Shared::new(
            true,
            limits,
            Some(super::super::reload::Marker::random()),
        ))
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
}
