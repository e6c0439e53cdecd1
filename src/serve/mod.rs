//! `handbook serve`: a live preview. The site is built into a private
//! temporary folder (the user's `output/` is never touched), served over
//! HTTP, rebuilt when a source file changes, and open pages reload through
//! server-sent events.
//!
//! This module prints nothing: it reports what happens as [`Event`]s and
//! fails with a typed [`Error`]; `handbook serve` (in `cmd`) decides what
//! the terminal shows. The parts:
//! - `build`: each build into a fresh folder, swapped in when it succeeds;
//! - `watch`: the watched source folders and their debounced events;
//! - `guard`: the public port: connections, with caps and timeouts, in
//!   front of the web server;
//! - `limits`: the caps, from the limit on open files;
//! - `http`: the web server (tiny_http) on a private socket;
//! - `respond`: what each request is answered;
//! - `reload`: the build state pages follow, and their event streams;
//! - `files`: which file a request path names, and its content type.

use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::DebounceEventResult;

use crate::error::Diagnostic;
use crate::incremental::LiveSite;

mod build;
mod files;
#[cfg(unix)]
mod guard;
mod http;
mod limits;
mod reload;
mod respond;
mod watch;

use build::Builder;
#[cfg(unix)]
use guard::Notice;
use limits::Limits;
use reload::Shared;
use watch::{Change, GATHER, Watch};

/// How long to wait for a page that an editor moved aside to come back
/// before building without it.
const MAX_WAIT: Duration = Duration::from_millis(100);

/// How `serve` is asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port (0: any free port).
    pub port: u16,
}

/// What happens while the preview runs, for the caller to show.
#[derive(Debug)]
pub enum Event {
    /// The first build was tried and the preview is about to answer.
    Serving {
        /// The site's title, if it built.
        title: Option<String>,
        /// Where to open it.
        url: String,
    },
    /// The first build succeeded.
    Built {
        /// Pages written.
        pages: usize,
        /// How long it took.
        took: Duration,
        /// The private folder the builds go into.
        folder: PathBuf,
    },
    /// A rebuild after a change succeeded.
    Rebuilt {
        /// Pages written.
        pages: usize,
        /// How long it took.
        took: Duration,
        /// The one page whose Markdown was rendered again, for an
        /// incremental rebuild (under `content/`); `None` for a full build.
        page: Option<String>,
        /// The source paths that changed (relative to the root); empty
        /// when the watcher lost events and everything was rebuilt.
        changed: Vec<PathBuf>,
    },
    /// A build failed; the last good site, if any, is still served and
    /// the error is shown over its pages.
    Failed {
        /// What is wrong (file, line and fix).
        error: crate::error::Error,
        /// It was the first build: there is no good site yet.
        first: bool,
    },
    /// The warnings of the last build, when they differ from the ones of
    /// the build before.
    Warnings(Vec<Diagnostic>),
    /// Serving and watching for changes until stopped.
    Watching {
        /// Where the preview answers.
        url: String,
    },
    /// The process may open no more files (or only the few kept for the
    /// web server and the builds): the connections quiet longest are being
    /// closed and the preview keeps answering.
    OutOfFiles {
        /// Connections open at the time.
        open: usize,
        /// The most connections the preview keeps open.
        max: usize,
    },
    /// Asked to stop: the private folder is being removed.
    Stopping,
}

/// Why `serve` could not run.
#[derive(Debug)]
pub enum Error {
    /// The folder is not a site.
    NoSite {
        /// The folder given.
        root: PathBuf,
    },
    /// The address cannot be listened on (the port is busy, say).
    Listen {
        /// The address asked for.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A source folder cannot be watched.
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: notify_debouncer_full::notify::Error,
    },
    /// Anything else (a private folder that cannot be made, say).
    Failed(crate::error::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoSite { root } => write!(f, "{} has no site.yaml", root.display()),
            Error::Listen { address, source } => write!(f, "cannot listen on {address}: {source}"),
            Error::Watch { path, source } => {
                write!(f, "cannot watch {} for changes: {source}", path.display())
            }
            Error::Failed(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::NoSite { .. } => None,
            Error::Listen { source, .. } => Some(source),
            Error::Watch { source, .. } => Some(source),
            Error::Failed(err) => Some(err),
        }
    }
}

impl From<watch::WatchError> for Error {
    fn from(err: watch::WatchError) -> Error {
        Error::Watch {
            path: err.path,
            source: err.source,
        }
    }
}

impl From<crate::error::Error> for Error {
    fn from(err: crate::error::Error) -> Error {
        Error::Failed(err)
    }
}

/// What the main loop is told.
enum Message {
    Fs(DebounceEventResult),
    #[cfg(unix)]
    Notice(Notice),
    Stop,
}

/// Stops a running preview, from any thread (a Ctrl-C handler, say).
#[derive(Clone)]
pub struct Stopper(mpsc::Sender<Message>);

impl Stopper {
    /// Asks the preview to stop; [`Preview::run`] then returns.
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

/// A preview that listens and watches, ready to [`run`](Preview::run).
pub struct Preview {
    root: PathBuf,
    bind: IpAddr,
    /// Until it is handed to the guard.
    listener: Option<TcpListener>,
    url: String,
    /// Removed on drop, builds and all.
    private: tempfile::TempDir,
    folder: PathBuf,
    watch: Watch,
    sender: mpsc::Sender<Message>,
    messages: mpsc::Receiver<Message>,
}

impl Preview {
    /// Listens on the address asked for, makes the private folder and
    /// starts watching the sources (before the first build, so that no
    /// change made after it is missed). Nothing is built or answered yet.
    pub fn start(options: &Options) -> Result<Preview, Error> {
        let root = std::fs::canonicalize(&options.root).map_err(|err| {
            crate::error::Error::io(format!("reading {}", options.root.display()), err)
        })?;
        if !root.join(crate::config::CONFIG_FILE).is_file() {
            return Err(Error::NoSite {
                root: options.root.clone(),
            });
        }
        let address = SocketAddr::new(options.bind, options.port);
        let listen = |source| Error::Listen { address, source };
        let listener = TcpListener::bind(address).map_err(listen)?;
        listener.set_nonblocking(true).map_err(listen)?;
        let port = listener.local_addr().map_err(listen)?.port();
        let url = format!("http://{}/", SocketAddr::new(shown(options.bind), port));
        let private = tempfile::Builder::new()
            .prefix("handbook-serve-")
            .tempdir()
            .map_err(|err| {
                crate::error::Error::io("creating a temporary folder for the preview", err)
            })?;
        let folder = std::fs::canonicalize(private.path()).map_err(|err| {
            crate::error::Error::io(format!("reading {}", private.path().display()), err)
        })?;
        let (sender, messages) = mpsc::channel();
        let events = sender.clone();
        let watch = Watch::start(&root, move |batch| {
            let _ = events.send(Message::Fs(batch));
        })?;
        Ok(Preview {
            root,
            bind: options.bind,
            listener: Some(listener),
            url,
            private,
            folder,
            watch,
            sender,
            messages,
        })
    }

    /// Where the preview answers.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The private folder the site is built into.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// A handle that stops [`run`](Preview::run).
    pub fn stopper(&self) -> Stopper {
        Stopper(self.sender.clone())
    }

    /// Builds, serves and rebuilds on change until stopped; tells
    /// `on_event` what happens. The private folder is removed on return.
    pub fn run(mut self, on_event: &mut dyn FnMut(Event)) -> Result<(), Error> {
        // The web server's socket is yet to be opened.
        let limits = Limits::for_this_process(1);
        if limits.too_low() {
            return Err(Error::Failed(crate::error::Error::io(
                format!(
                    "starting the preview: with {} files open already, the limit of {} open files (`ulimit -n`) leaves no room for a connection",
                    limits.base,
                    limits.files.unwrap_or(0)
                ),
                limits::too_many_files(),
            )));
        }
        #[cfg(unix)]
        let marker = Some(reload::Marker::random());
        #[cfg(not(unix))]
        let marker = None;
        let shared = Arc::new(Shared::new(self.bind.is_loopback(), limits, marker));
        let mut live = LiveSite::new(&self.root);
        let mut builder = Builder::new(self.folder.clone(), Arc::clone(&shared));
        let started = Instant::now();
        let first = builder.build(&mut live, None);
        on_event(Event::Serving {
            title: live.title().map(str::to_string),
            url: self.url.clone(),
        });
        match first {
            Ok(built) => {
                tell_warnings(built.new_warnings, on_event);
                on_event(Event::Built {
                    pages: built.pages,
                    took: started.elapsed(),
                    folder: self.folder.clone(),
                });
            }
            Err(error) => on_event(Event::Failed { error, first: true }),
        }
        self.answer(&shared)?;
        on_event(Event::Watching {
            url: self.url.clone(),
        });
        let outcome = self.watch_and_rebuild(&mut live, &mut builder, limits, on_event);
        on_event(Event::Stopping);
        // The streams, the web server and the guard stop; the builds go
        // with the folder.
        shared.stop();
        drop(self.private);
        outcome
    }

    /// Starts answering requests: tiny_http on a socket in the private
    /// folder, behind the guard on the public port; where there are no
    /// Unix sockets for a guard to stand in front of, tiny_http on the
    /// public port itself.
    fn answer(&mut self, shared: &Arc<Shared>) -> Result<(), Error> {
        let failed = |err| crate::error::Error::io("starting the preview's web server", err);
        let listener = self
            .listener
            .take()
            .ok_or_else(|| failed(std::io::Error::other("the preview is already answering")))?;
        #[cfg(unix)]
        {
            let sockets = self.folder.join("sockets");
            crate::util::fs::private_dir(&sockets)?;
            let backend = http::Backend::new(sockets, Arc::clone(shared));
            let notices = self.sender.clone();
            let guard = guard::Guard::new(
                listener,
                Arc::clone(shared),
                Box::new(move || backend.start()),
                Box::new(move |notice| {
                    let _ = notices.send(Message::Notice(notice));
                }),
            )
            .map_err(failed)?;
            guard.spawn().map_err(failed)?;
        }
        #[cfg(not(unix))]
        {
            listener.set_nonblocking(false).map_err(failed)?;
            let backend = http::Backend::new(self.folder.clone(), Arc::clone(shared));
            backend.serve(listener).map_err(failed)?;
        }
        Ok(())
    }

    /// The main loop: waits for changes and rebuilds, until stopped.
    fn watch_and_rebuild(
        &mut self,
        live: &mut LiveSite,
        builder: &mut Builder,
        limits: Limits,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<(), Error> {
        loop {
            let Some(change) = self.next_change(live, limits, on_event)? else {
                return Ok(());
            };
            let paths = live.relevant(&change.paths);
            if paths.is_empty() && !change.everything {
                continue;
            }
            self.watch.renew(&paths)?;
            let started = Instant::now();
            match builder.build(live, (!change.everything).then_some(&paths)) {
                Ok(built) => {
                    tell_warnings(built.new_warnings, on_event);
                    on_event(Event::Rebuilt {
                        pages: built.pages,
                        took: started.elapsed(),
                        page: built.page,
                        changed: paths.into_iter().collect(),
                    });
                }
                Err(error) => on_event(Event::Failed {
                    error,
                    first: false,
                }),
            }
        }
    }

    /// Waits for the next change to the sources (with whatever else of the
    /// same save follows), telling notices as they come; `None` when asked
    /// to stop, an error if the server stopped answering.
    fn next_change(
        &self,
        live: &LiveSite,
        limits: Limits,
        on_event: &mut dyn FnMut(Event),
    ) -> Result<Option<Change>, Error> {
        let mut change = Change::default();
        let mut first: Option<Instant> = None;
        let mut saved = false;
        loop {
            let wait = match first {
                None => None,
                Some(at) => {
                    let left = MAX_WAIT.saturating_sub(at.elapsed());
                    // An editor that moves the old file aside before
                    // writing the new one leaves the page missing for a
                    // moment: give it until MAX_WAIT to come back rather
                    // than build a site without it.
                    let lost = live.lost_page(&change.paths);
                    if left.is_zero() || (saved && !lost) {
                        return Ok(Some(change));
                    }
                    Some(if lost { left } else { GATHER.min(left) })
                }
            };
            let message = match wait {
                None => match self.messages.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(None),
                },
                Some(wait) => match self.messages.recv_timeout(wait) {
                    Ok(message) => message,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Ok(Some(change)),
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(None),
                },
            };
            match message {
                Message::Stop => return Ok(None),
                #[cfg(unix)]
                Message::Notice(Notice::OutOfFiles { open }) => on_event(Event::OutOfFiles {
                    open,
                    max: limits.connections,
                }),
                #[cfg(unix)]
                Message::Notice(Notice::Deaf { error }) => {
                    return Err(Error::Failed(crate::error::Error::io(
                        format!("accepting connections at {}", self.url),
                        std::io::Error::other(error),
                    )));
                }
                Message::Fs(batch) => {
                    saved = change.add(&self.root, batch);
                    if first.is_none() && !change.is_empty() {
                        first = Some(Instant::now());
                    }
                }
            }
        }
    }
}

fn tell_warnings(warnings: Option<Vec<Diagnostic>>, on_event: &mut dyn FnMut(Event)) {
    if let Some(warnings) = warnings {
        on_event(Event::Warnings(warnings));
    }
}

/// The address to show for `bind`: this computer's for "any address".
fn shown(bind: IpAddr) -> IpAddr {
    match bind {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_address_is_shown_as_this_computer() {
        assert_eq!(shown("0.0.0.0".parse().unwrap()).to_string(), "127.0.0.1");
        assert_eq!(shown("::".parse().unwrap()).to_string(), "::1");
        assert_eq!(shown("10.1.2.3".parse().unwrap()).to_string(), "10.1.2.3");
    }

    #[test]
    fn errors_name_what_failed_but_no_option() {
        let err = Error::Listen {
            address: "127.0.0.1:1111".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        let text = err.to_string();
        assert!(
            text.starts_with("cannot listen on 127.0.0.1:1111: "),
            "{text}"
        );
        assert!(!text.contains("--"), "{text}");
        let err = Error::NoSite {
            root: PathBuf::from("/tmp/x"),
        };
        assert_eq!(err.to_string(), "/tmp/x has no site.yaml");
    }
}
