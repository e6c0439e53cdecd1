//! The guard's table of connections: taking one on under the cap,
//! choosing the quietest to close to make room, closing one, and the
//! budget of open files that leaves tiny_http and the builds theirs.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::conn::Conn;
use super::{Guard, IDLE, Notice};
use crate::serve::limits::{self, LETTING_GO};

/// How often the caller may be told that the files ran out.
const NOTICE_EVERY: Duration = Duration::from_secs(10);

/// Counting open files costs a read of a folder: it is done only when the
/// files the guard knows of come within this many of the limit.
const NEAR: usize = 32;

impl Guard {
    /// Takes on a new connection, closing the quietest one at the cap.
    pub(super) fn admit(&mut self, socket: TcpStream) {
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

    /// True if `need` more files can be opened and still leave tiny_http
    /// and the builds theirs. If not, closes the quietest connection to
    /// make room for `for_conn` (see [`Guard::evict`]), unless files about
    /// to be let go are enough.
    pub(super) fn room(&mut self, need: usize, for_conn: Option<usize>) -> bool {
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
    pub(super) fn short(&mut self, need: usize) -> usize {
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
    pub(super) fn evict(&mut self, for_conn: Option<usize>) -> bool {
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
    pub(super) fn close(&mut self, i: usize) {
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

    pub(super) fn pause(&mut self, wait: Duration) {
        self.paused = Some(Instant::now() + wait);
    }

    pub(super) fn tell_out_of_files(&mut self) {
        if self.told.is_none_or(|at| at.elapsed() >= NOTICE_EVERY) {
            self.told = Some(Instant::now());
            let open = self.conns.iter().filter(|conn| conn.open()).count();
            (self.notice)(Notice::OutOfFiles { open });
        }
    }
}
