//! How many connections and event streams the preview keeps open, worked
//! out from the process's limit on open files, and how many files are open.
//!
//! A connection that has sent nothing yet holds one file descriptor (its
//! socket); once it sends a request it holds four: its socket, the guard's
//! end of the private socket to the web server, and tiny_http's end with
//! the copy tiny_http makes of it.

use std::time::Duration;

/// The most connections open at once, however many files the process may
/// open.
const MAX_CONNECTIONS: usize = 512;

/// The most event streams (open pages) at once.
const MAX_STREAMS: usize = 128;

/// Fewer connections than this and a browser could not load a page.
const MIN_CONNECTIONS: usize = 8;

/// File descriptors a connection holds once it has sent a request.
pub(crate) const FDS_PER_CONNECTION: usize = 4;

/// Files assumed open before the first connection when they cannot be
/// counted.
const ASSUMED_BASE: usize = 48;

/// How long tiny_http may hold the files of a connection the guard has
/// closed, or take them yet: it accepts and lets go on threads of its own.
pub(crate) const LETTING_GO: Duration = Duration::from_millis(500);

/// How many connections may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Connections of any kind.
    pub(crate) connections: usize,
    /// Of those, event streams.
    pub(crate) streams: usize,
    /// The limit on open files, if there is one.
    pub(crate) files: Option<u64>,
    /// Files open before any connection (the listening sockets, the
    /// watcher, the terminal).
    pub(crate) base: usize,
}

impl Limits {
    /// The limits for a process that may open `files` files (`None`: no
    /// known limit) and has `base` open before any connection.
    pub(crate) fn for_files(files: Option<u64>, base: usize) -> Limits {
        let connections = files.map_or(MAX_CONNECTIONS, |files| {
            let spare = usize::try_from(files)
                .unwrap_or(usize::MAX)
                .saturating_sub(base + headroom(files));
            (spare / FDS_PER_CONNECTION).clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
        });
        Limits {
            connections,
            streams: (connections / 2).min(MAX_STREAMS),
            files,
            base,
        }
    }

    /// The limits for this process, from its limit on open files and the
    /// files it has open now, plus `more` about to be opened.
    pub(crate) fn for_this_process(more: usize) -> Limits {
        let base = open_files().unwrap_or(ASSUMED_BASE) + more;
        Limits::for_files(open_file_limit(), base)
    }

    /// Files kept free for the builds, the files being sent and sockets
    /// being accepted, never taken by a new connection.
    pub(crate) fn headroom(&self) -> usize {
        self.files.map_or(0, headroom)
    }

    /// True if not even one connection could be answered.
    pub(crate) fn too_low(&self) -> bool {
        self.files.is_some_and(|files| {
            usize::try_from(files).unwrap_or(usize::MAX)
                < self.base + FDS_PER_CONNECTION + self.headroom()
        })
    }
}

fn headroom(files: u64) -> usize {
    usize::try_from(files / 8).unwrap_or(32).clamp(4, 32)
}

#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// How many files this process has open, where the system can say (Linux,
/// macOS). Counting costs a read of a folder, so it is done only when the
/// limit is near. A process that cannot open the folder for want of files
/// is counted as full.
pub(crate) fn open_files() -> Option<usize> {
    let folder = if cfg!(any(target_os = "linux", target_os = "android")) {
        "/proc/self/fd"
    } else if cfg!(target_os = "macos") {
        "/dev/fd"
    } else {
        return None;
    };
    match std::fs::read_dir(folder) {
        // The folder's own descriptor is among them.
        Ok(entries) => Some(entries.count().saturating_sub(1)),
        Err(err) if out_of_files(&err) => Some(usize::MAX / 2),
        Err(_) => None,
    }
}

/// The error of a process that may open no more files.
pub(crate) fn too_many_files() -> std::io::Error {
    #[cfg(unix)]
    {
        std::io::Error::from_raw_os_error(rustix::io::Errno::MFILE.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        std::io::Error::other("too many open files")
    }
}

/// True for the errors of a process (or system) out of file descriptors
/// or socket buffers: opening may work again once something is closed.
pub(crate) fn out_of_files(err: &std::io::Error) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_follow_the_file_limit_at_four_files_a_connection() {
        let none = Limits::for_files(None, 10);
        assert_eq!((none.connections, none.streams), (512, 128));
        assert!(!none.too_low());
        assert_eq!(Limits::for_files(Some(1_048_576), 10).connections, 512);
        // 1024 less 10 open and 32 kept free, over 4.
        let common = Limits::for_files(Some(1024), 10);
        assert_eq!((common.connections, common.streams), (245, 122));
        assert_eq!(common.headroom(), 32);
        // 64 less 10 open and 8 kept free, over 4.
        let low = Limits::for_files(Some(64), 10);
        assert_eq!((low.connections, low.streams), (11, 5));
        assert_eq!(low.headroom(), 8);
        // Fewer than the smallest cap fit: the smallest cap holds, and the
        // guard closes connections when the files run out.
        let tiny = Limits::for_files(Some(20), 10);
        assert_eq!((tiny.connections, tiny.streams), (8, 4));
        assert_eq!(tiny.headroom(), 4);
        assert!(!tiny.too_low(), "one connection fits");
        assert!(Limits::for_files(Some(15), 10).too_low());
        assert!(Limits::for_files(Some(6), 10).too_low());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn open_files_are_counted() {
        let open = open_files().expect("a count on Linux");
        assert!(
            open >= 3,
            "{open}: at least standard input, output and error"
        );
        assert!(open < usize::MAX / 2, "the folder could be read");
    }

    #[test]
    fn running_out_of_files_is_told_apart() {
        #[cfg(unix)]
        assert!(out_of_files(&std::io::Error::from_raw_os_error(
            rustix::io::Errno::MFILE.raw_os_error()
        )));
        assert!(!out_of_files(&std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        )));
    }
}
