//! The private folder, `.handbook/` under the site root: where the master
//! key, the roster and the ledger live by default. It is made open to its
//! owner only and git-ignored, so none of it is committed or published.
//!
//! This module stores and loads the master key. Its errors say what is
//! wrong in the records' own terms ([`KeyError`]); the command line adds
//! which command to run about it.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error};
use crate::records::token::MasterKey;

/// The private folder under the site root (never committed, never published).
pub const PRIVATE_DIR: &str = ".handbook";

/// The master key file, relative to the site root.
pub const MASTER_KEY_FILE: &str = ".handbook/master.key";

/// The roster's usual place, relative to the site root.
pub const ROSTER_FILE: &str = ".handbook/roster.csv";

/// The ledger's usual place, relative to the site root.
pub const LEDGER_FILE: &str = ".handbook/ledger.sqlite";

/// Makes `.handbook/` under `root` if needed, with a `.gitignore` of `*` so
/// that nothing in it (key, roster, ledger) is ever committed, and leaves
/// it open to its owner only, even if it was made by hand.
pub fn ensure_private_dir(root: &Path) -> crate::error::Result<PathBuf> {
    let dir = root.join(PRIVATE_DIR);
    crate::util::fs::private_dir(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# handbook's private files: the master key, roster and ledger. Never commit them.\n*\n",
        )
        .map_err(|err| Error::writing(&ignore, err))?;
    }
    Ok(dir)
}

/// Why the master key could not be loaded or stored.
#[derive(Debug)]
pub enum KeyError {
    /// There is no master key yet at `path`.
    NoMasterKey {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A master key already exists at `path`; it is never replaced, since
    /// every code issued was made from it.
    KeyExists {
        /// The existing key file.
        path: PathBuf,
    },
    /// The key file is damaged, or could not be read or written (the error
    /// says which, and how to put it right).
    Other(Error),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NoMasterKey { path } => {
                write!(f, "there is no master key at {}", path.display())
            }
            KeyError::KeyExists { path } => {
                write!(f, "a master key already exists at {}", path.display())
            }
            KeyError::Other(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KeyError::Other(err) => Some(err),
            KeyError::NoMasterKey { .. } | KeyError::KeyExists { .. } => None,
        }
    }
}

impl From<Error> for KeyError {
    fn from(err: Error) -> Self {
        KeyError::Other(err)
    }
}

/// Loads the master key of the site at `root` (`.handbook/master.key`).
pub fn load_master_key(root: &Path) -> Result<MasterKey, KeyError> {
    let path = root.join(MASTER_KEY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyError::NoMasterKey { path });
        }
        Err(err) => return Err(Error::reading(&path, err).into()),
    };
    MasterKey::parse(&text).map_err(|problem| {
        KeyError::Other(Error::input(
            Diagnostic::error(
                MASTER_KEY_FILE,
                Some(1),
                format!("the master key {problem}"),
            )
            .help(
                "restore the file from your backup: one line of 64 hex digits. \
                 Do not make a new key unless you mean to re-issue every code",
            ),
        ))
    })
}

/// Makes a new master key for the site at `root` and stores it, readable
/// by its owner only, in the private folder (made if needed). An existing
/// key is never replaced, even when two runs race; a key that could not be
/// written in full is removed, so that it is not refused as damaged later.
/// Returns the key file's path.
pub fn create_master_key(root: &Path) -> Result<PathBuf, KeyError> {
    use std::io::Write as _;
    ensure_private_dir(root)?;
    let path = root.join(MASTER_KEY_FILE);
    let key = MasterKey::generate()?;
    let mut options = std::fs::OpenOptions::new();
    // create_new: never replace a key.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(KeyError::KeyExists { path });
        }
        Err(err) => return Err(Error::creating(&path, err).into()),
    };
    let written = file
        .write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(err) = written {
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(Error::writing(&path, err).into());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_and_loaded_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(matches!(
            load_master_key(root),
            Err(KeyError::NoMasterKey { path }) if path == root.join(MASTER_KEY_FILE)
        ));
        let path = create_master_key(root).unwrap();
        assert_eq!(path, root.join(MASTER_KEY_FILE));
        let key = load_master_key(root).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            key.to_file_text(),
            "the key loaded is the key stored"
        );
        assert!(root.join(PRIVATE_DIR).join(".gitignore").is_file());
        // A second key would orphan every code made from the first.
        assert!(matches!(
            create_master_key(root),
            Err(KeyError::KeyExists { .. })
        ));
        assert_eq!(load_master_key(root).unwrap(), key);
    }

    #[test]
    fn a_damaged_key_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        ensure_private_dir(dir.path()).unwrap();
        std::fs::write(dir.path().join(MASTER_KEY_FILE), "abc\n").unwrap();
        let Err(KeyError::Other(err)) = load_master_key(dir.path()) else {
            panic!("a three-digit key was accepted");
        };
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.to_string().starts_with(
                "error: .handbook/master.key:1: the master key holds 3 hex digits; a master key \
                 is exactly 64"
            ),
            "{err}"
        );
    }
}
