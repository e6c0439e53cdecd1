//! One connection through the guard: the bytes it passes each way, what
//! it counts to tell idle, flooding and waiting connections apart, and
//! where a reload stream's marker is taken out of the answer.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::time::Instant;

use rustix::event::PollFlags;

use super::{BUFFER, Guard, Ready};
use crate::serve::limits::FDS_PER_CONNECTION;

/// The most a client may send before it takes a byte of an answer: far
/// more than any request the preview answers (GET and HEAD), far less
/// than would fill memory (tiny_http reads a request's head whole).
const MAX_UNANSWERED: usize = 1 << 20;

/// One client's connection.
pub(super) struct Conn {
    pub(super) client: Option<TcpStream>,
    /// Connected once the client sends something.
    pub(super) server: Option<UnixStream>,
    /// From the client, for the server.
    pub(super) up: Vec<u8>,
    /// From the server, for the client; its last `held` bytes may begin a
    /// stream's marker and wait for the rest.
    pub(super) down: Vec<u8>,
    pub(super) held: usize,
    /// The server has closed its side: close the connection once `down` is
    /// sent.
    pub(super) finished: bool,
    /// The server reads no more (it has answered and is closing): what the
    /// client sends is dropped.
    pub(super) deaf: bool,
    /// When it opened, or last took bytes.
    pub(super) answered: Instant,
    /// When a byte last went either way.
    pub(super) active: Instant,
    /// Bytes from the client since it last took any.
    pub(super) unanswered: usize,
    /// The reload stream it carries.
    pub(super) stream: Option<u64>,
    /// Since when a request passed on has waited for its answer.
    pub(super) asked: Option<Instant>,
    /// The last bytes from the client, to see a head end across reads.
    pub(super) tail: Vec<u8>,
}

impl Conn {
    pub(super) fn new(client: TcpStream, now: Instant) -> Conn {
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

    pub(super) fn open(&self) -> bool {
        self.client.is_some()
    }

    /// The file descriptors it holds, tiny_http's included.
    pub(super) fn fds(&self) -> usize {
        match (&self.client, &self.server) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => FDS_PER_CONNECTION,
        }
    }

    /// Bytes that may go to the client now.
    pub(super) fn sendable(&self) -> usize {
        self.down.len() - self.held
    }

    /// It has something for a server but no server yet.
    pub(super) fn waiting(&self) -> bool {
        self.open() && self.server.is_none() && !self.finished && !self.deaf && !self.up.is_empty()
    }
}

impl Guard {
    /// Moves what can be moved on connection `i`.
    pub(super) fn step(&mut self, i: usize, ready: Ready) {
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
    pub(super) fn read_client(&mut self, i: usize, now: Instant) -> bool {
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
    pub(super) fn read_server(&mut self, i: usize, now: Instant) -> bool {
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
    pub(super) fn write_server(&mut self, i: usize) {
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
    pub(super) fn write_client(&mut self, i: usize, now: Instant) -> bool {
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
}

/// True if `bytes`, after the `tail` of what came before, end a request's
/// head (hold an empty line); keeps the new tail.
pub(super) fn ends_head(tail: &mut Vec<u8>, bytes: &[u8]) -> bool {
    const END: &[u8] = b"\r\n\r\n";
    let joined = [tail.as_slice(), &bytes[..bytes.len().min(END.len() - 1)]].concat();
    let ended =
        memchr::memmem::find(&joined, END).is_some() || memchr::memmem::find(bytes, END).is_some();
    let mut last = [tail.as_slice(), bytes].concat();
    last.drain(..last.len().saturating_sub(END.len() - 1));
    *tail = last;
    ended
}
