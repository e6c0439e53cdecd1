//! `handbook serve`: builds into a private folder, serves it, rebuilds on
//! change and reloads open pages. The library reports what happens; this
//! is where it is printed, and where the command-line options are named.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use crate::cli::ServeArgs;
use handbook::error::{Error, Result};
use handbook::serve::{self, Event, Preview};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &ServeArgs) -> Result<()> {
    let options = serve::Options {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
    };
    let preview = Preview::start(&options).map_err(with_options)?;
    let stopper = preview.stopper();
    if let Err(err) = ctrlc::set_handler(move || stopper.stop()) {
        eprintln!(
            "warning: cannot catch Ctrl-C ({err}); the preview folder {} may be left behind",
            terminal_safe(&preview.folder().display().to_string())
        );
    }
    let open = args.open;
    let bind = args.bind;
    preview
        .run(&mut |event| show(event, open, bind))
        .map_err(with_options)
}

/// The library's error, with the option that would get round it.
fn with_options(err: serve::Error) -> Error {
    match err {
        serve::Error::NoSite { .. } => Error::Usage(format!(
            "{err}; run `handbook serve` in the handbook's folder or pass --root DIR"
        )),
        serve::Error::Listen { .. } => Error::Usage(format!(
            "{err}; choose another --port (--port 0 picks a free one)"
        )),
        serve::Error::Watch { .. } => Error::Usage(err.to_string()),
        serve::Error::Failed(err) => err,
    }
}

/// Prints one event (and opens the browser when the preview is ready, if
/// asked to).
fn show(event: Event, open: bool, bind: IpAddr) {
    match event {
        Event::Serving { title, url } => {
            let title = title.unwrap_or_else(|| "the handbook".to_string());
            println!("Serving {} at {url}", terminal_safe(&title));
        }
        Event::Built {
            pages,
            took,
            folder,
        } => println!(
            "Built {pages} pages in {} ms into {} (a private folder, removed on exit; output/ is not touched)",
            took.as_millis(),
            terminal_safe(&folder.display().to_string())
        ),
        Event::Rebuilt {
            pages,
            took,
            page,
            changed,
        } => {
            let what = match page {
                Some(page) => format!("1 page changed: content/{}", terminal_safe(&page)),
                None => format!("full build of {pages} pages: {}", describe(&changed)),
            };
            println!("Rebuilt in {} ms ({what})", took.as_millis());
        }
        Event::Failed { error, first } => {
            print_error(&error);
            if first {
                eprintln!(
                    "The build failed: fix the file above and save it; the page will reload."
                );
            } else {
                eprintln!(
                    "The build failed; still serving the last good site. Fix the file above and save it."
                );
            }
        }
        Event::Warnings(warnings) => {
            for warning in warnings {
                print_error(&warning);
            }
        }
        Event::Watching { url } => {
            if !bind.is_loopback() {
                eprintln!(
                    "warning: listening on {bind}: anyone on your network who can reach this computer can read the preview, drafts included; leave out --bind to keep it on this computer"
                );
            }
            println!("Watching for changes. Press Ctrl-C to stop.");
            if open {
                open_browser(&url);
            }
        }
        Event::OutOfFiles { open, max } => eprintln!(
            "warning: too many connections at once ({open} open): this process may open no more files, so the connections quiet longest are being closed. Still serving; at most {max} are kept open (`ulimit -n` raises the limit)."
        ),
        Event::Stopping => println!("Stopping."),
    }
}

/// Prints an error or warning on stderr, line by line, with any control
/// characters in it (from a file name or a file's text) made visible.
fn print_error(error: &dyn std::fmt::Display) {
    for line in error.to_string().lines() {
        eprintln!("{}", terminal_safe(line));
    }
}

/// A short account of what changed, for the terminal.
fn describe(changed: &[PathBuf]) -> String {
    let names: Vec<String> = changed
        .iter()
        .take(3)
        .map(|p| terminal_safe(&p.display().to_string().replace('\\', "/")).into_owned())
        .collect();
    match changed.len() {
        0 => "files changed".to_string(),
        1..=3 => format!("{} changed", names.join(", ")),
        n => format!("{} and {} more changed", names.join(", "), n - 3),
    }
}

/// Opens `url` in the default browser, best effort.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reap it when it ends, so it does not linger as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(err) => eprintln!("Could not open a browser ({program}: {err}); open {url} yourself."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_briefly_and_safely() {
        assert_eq!(describe(&[]), "files changed");
        assert_eq!(describe(&[PathBuf::from("site.yaml")]), "site.yaml changed");
        let many: Vec<PathBuf> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(describe(&many), "a, b, c and 2 more changed");
        assert_eq!(
            describe(&[PathBuf::from("content/x\u{1b}[2K.md")]),
            "content/x\\u{1b}[2K.md changed"
        );
    }

    #[test]
    fn the_options_are_named_here_not_in_the_library() {
        let err = with_options(serve::Error::Listen {
            address: "127.0.0.1:1111".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        });
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("choose another --port"), "{err}");
        let err = with_options(serve::Error::NoSite {
            root: PathBuf::from("x"),
        });
        assert!(err.to_string().contains("--root DIR"), "{err}");
    }
}
