//! Errors and diagnostics: what went wrong, in which file and on which line,
//! and what the user can do about it.
//!
//! Problems in the user's own files are [`Diagnostic`]s and are collected so a
//! command can report all of them at once (exit code 1); a folder that is
//! not a handbook at all is [`Error::NoSite`] (exit code 1), which the
//! command line extends with how to point at one. Anything else that stops
//! a command (a folder that cannot be written, a bad argument) is an
//! [`Error::Io`] or [`Error::Usage`] (exit code 2).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::util::text::terminal_safe;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The input is wrong; the command fails.
    Error,
    /// Worth attention, but the command still succeeds.
    Warning,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line within the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error in `file` at `line`.
    pub fn error(file: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            line,
            message: message.into(),
            help: None,
        }
    }

    /// A warning in `file` at `line`.
    pub fn warning(
        file: impl AsRef<Path>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, message)
        }
    }

    /// Adds the advice on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // File names, messages and advice quote what users and senders
        // wrote (a token's fields, a roster's names, a file called
        // anything): escaped, so none of it can drive the terminal.
        let file = self.file.display().to_string().replace('\\', "/");
        let file = terminal_safe(&file);
        let message = terminal_safe(&self.message);
        match self.line {
            Some(line) => write!(f, "{kind}: {file}:{line}: {message}")?,
            None => write!(f, "{kind}: {file}: {message}")?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", terminal_safe(help))?;
        }
        Ok(())
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// The user's files are wrong (exit code 1). Holds at least one error.
    Input(Vec<Diagnostic>),
    /// The folder holds no `site.yaml`, so it is not a handbook (exit
    /// code 1).
    NoSite {
        /// The folder looked in.
        root: PathBuf,
    },
    /// Reading or writing a file failed (exit code 2).
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The command was asked for something it cannot do (exit code 2).
    Usage(String),
}

impl Error {
    /// An I/O error while doing `context` (which should name the path).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Reading `path` failed.
    pub fn reading(path: &Path, source: std::io::Error) -> Self {
        Error::io(format!("reading {}", path.display()), source)
    }

    /// Writing `path` failed.
    pub fn writing(path: &Path, source: std::io::Error) -> Self {
        Error::io(format!("writing {}", path.display()), source)
    }

    /// Creating the folder `path` failed.
    pub fn creating(path: &Path, source: std::io::Error) -> Self {
        Error::io(format!("creating {}", path.display()), source)
    }

    /// A single input error.
    pub fn input(diagnostic: Diagnostic) -> Self {
        Error::Input(vec![diagnostic])
    }

    /// What [`Error::NoSite`] says, with `advice` on what to do: the
    /// library's own, or the command line's (which knows its flags).
    pub fn no_site_diagnostic(root: &Path, advice: &str) -> Diagnostic {
        // The name of `crate::config::CONFIG_FILE`; written out because the
        // error type is below every stage.
        Diagnostic::error("site.yaml", None, "no site.yaml in this folder")
            .help(format!("{advice} (looked in {})", root.display()))
    }

    /// The process exit code for this error: 1 for bad input, 2 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::NoSite { .. } => 1,
            Error::Io { .. } | Error::Usage(_) => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                if errors > 1 {
                    write!(f, "\n{errors} errors")?;
                }
                Ok(())
            }
            Error::NoSite { root } => write!(
                f,
                "{}",
                Error::no_site_diagnostic(root, "a handbook's folder holds its site.yaml")
            ),
            Error::Io { context, source } => write!(
                f,
                "error: {}: {}",
                terminal_safe(context),
                terminal_safe(&source.to_string())
            ),
            Error::Usage(message) => write!(f, "error: {}", terminal_safe(message)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Input(_) | Error::NoSite { .. } | Error::Usage(_) => None,
        }
    }
}

/// Whether a reference (a link or a quiz's `policy_ref`) resolves; if not,
/// what is wrong and how to fix it.
pub(crate) type Resolution = std::result::Result<(), (String, String)>;

/// Result type used throughout handbook.
pub type Result<T> = std::result::Result<T, Error>;

/// Turns a list of diagnostics into `Ok` (warnings only) or `Err` (any error).
pub(crate) fn into_result(diagnostics: Vec<Diagnostic>) -> Result<Vec<Diagnostic>> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(Error::Input(diagnostics))
    } else {
        Ok(diagnostics)
    }
}

/// The 1-based line number of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_names_file_line_and_fix() {
        let d = Diagnostic::error("content/scope.md", Some(3), "unknown key `wieght`")
            .help("did you mean `weight`?");
        assert_eq!(
            d.to_string(),
            "error: content/scope.md:3: unknown key `wieght`\n  help: did you mean `weight`?"
        );
    }

    #[test]
    fn untrusted_text_cannot_drive_the_terminal() {
        let d = Diagnostic::error(
            "inbox/\u{1b}[2Kmail\r.txt",
            Some(3),
            "token for \u{1b}[2K\r1 new, 0 rejected: unknown",
        )
        .help("ask\u{9b}31m");
        let shown = d.to_string();
        assert_eq!(
            shown,
            "error: inbox/\\u{1b}[2Kmail\\r.txt:3: token for \\u{1b}[2K\\r1 new, 0 rejected: \
             unknown\n  help: ask\\u{9b}31m"
        );
        let usage = Error::Usage("\u{1b}]0;title\u{7}".to_string()).to_string();
        assert_eq!(usage, "error: \\u{1b}]0;title\\u{7}");
        let io = Error::io("reading a\u{1b}[1Ab", std::io::Error::other("no\rthing")).to_string();
        assert_eq!(io, "error: reading a\\u{1b}[1Ab: no\\rthing");
    }

    #[test]
    fn a_folder_without_a_site_is_told_in_the_librarys_terms() {
        let err = Error::NoSite {
            root: PathBuf::from("/tmp/x"),
        };
        assert_eq!(err.exit_code(), 1);
        assert_eq!(
            err.to_string(),
            "error: site.yaml: no site.yaml in this folder\n  help: a handbook's folder holds \
             its site.yaml (looked in /tmp/x)"
        );
        let advice = Error::no_site_diagnostic(Path::new("."), "run it elsewhere");
        assert_eq!(
            advice.help.as_deref(),
            Some("run it elsewhere (looked in .)")
        );
        let io = Error::reading(Path::new("a"), std::io::Error::other("gone"));
        assert_eq!(std::error::Error::source(&io).unwrap().to_string(), "gone");
    }

    #[test]
    fn warnings_alone_are_ok() {
        let w = Diagnostic::warning("site.yaml", None, "review due soon");
        assert!(into_result(vec![w.clone()]).is_ok());
        let e = Diagnostic::error("site.yaml", None, "bad");
        let err = into_result(vec![w, e]).unwrap_err();
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn line_numbers_are_one_based() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
        assert_eq!(line_of(text, 99), 3);
    }
}
