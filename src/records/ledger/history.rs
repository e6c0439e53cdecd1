//! What earlier imports reported: the tokens they rejected (and why) and
//! the files in which they found none. Kept beside the ledger (a JSON file,
//! `ledger.rejections.json` next to `ledger.sqlite`, readable by its owner
//! only), so that importing the same inbox again lists only what is new
//! and sums up the rest in one line.
//!
//! It is not evidence, only a memory of what was already said: written
//! after the ledger's transaction has committed, by replacing the file
//! whole (a new file, synced, then renamed over the old one), so a crash
//! leaves the old or the new one, never half of either. Losing it costs
//! nothing but hearing about old rejections once more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::{Diagnostic, Error, Result};

/// The format written; another is read as empty.
const FORMAT: u32 = 1;

/// What earlier imports reported.
#[derive(Debug, Clone, Default)]
pub struct History {
    path: Option<PathBuf>,
    stored: Stored,
    changed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// Rejected tokens by their SHA-256 (hex): the reason given.
    tokens: BTreeMap<String, Seen>,
    /// Files without a token by the SHA-256 of their bytes.
    files: BTreeMap<String, Seen>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    /// What was said (the reason, or the file's kind).
    said: String,
    /// Where it was first seen.
    place: String,
    /// When, in Unix seconds.
    first_seen: i64,
}

impl History {
    /// The history kept beside the ledger at `ledger`.
    pub fn path_for(ledger: &Path) -> PathBuf {
        ledger.with_extension("rejections.json")
    }

    /// Reads the history at `path` (none yet is an empty one).
    pub fn load(path: &Path) -> Result<History> {
        let stored = match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice::<Stored>(&bytes) {
                Ok(stored) if stored.format == FORMAT => stored,
                Ok(_) => Stored::default(),
                Err(_) => {
                    return Err(Error::input(
                        Diagnostic::error(path, None, "this record of earlier imports is damaged")
                            .help(
                                "delete it: it only remembers which rejections were already \
                                 reported, and the next import makes it again",
                            ),
                    ));
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Stored::default(),
            Err(err) => return Err(Error::reading(path, err)),
        };
        Ok(History {
            path: Some(path.to_path_buf()),
            stored,
            changed: false,
        })
    }

    /// Whether an earlier import rejected the token whose hash is `hash`
    /// for the reason `said`; remembers it (first seen at `place`, `now`)
    /// if not.
    pub(crate) fn token_seen(&mut self, hash: &str, said: &str, place: &str, now: i64) -> bool {
        remember(
            &mut self.stored.tokens,
            &mut self.changed,
            hash,
            said,
            place,
            now,
        )
    }

    /// What a file is remembered by: the SHA-256 of its bytes.
    pub(crate) fn fingerprint(bytes: &[u8]) -> String {
        let mut fingerprint = Fingerprinter::default();
        fingerprint.add(bytes);
        fingerprint.finish()
    }

    /// Whether any rejected token is remembered (which, once recorded, is
    /// forgotten).
    pub(crate) fn remembers_tokens(&self) -> bool {
        !self.stored.tokens.is_empty()
    }

    /// Whether an earlier import found no token in a file with this
    /// [`fingerprint`](History::fingerprint); remembers it if not.
    pub(crate) fn file_seen(
        &mut self,
        fingerprint: &str,
        said: &str,
        place: &str,
        now: i64,
    ) -> bool {
        remember(
            &mut self.stored.files,
            &mut self.changed,
            fingerprint,
            said,
            place,
            now,
        )
    }

    /// Forgets a token that was rejected before and is recorded now (the
    /// roster or the library changed).
    pub(crate) fn forget_token(&mut self, hash: &str) {
        self.changed |= self.stored.tokens.remove(hash).is_some();
    }

    /// Writes the history if anything changed (a history made with
    /// `History::default()` is never written).
    pub fn save(&mut self) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        self.stored.format = FORMAT;
        let json = serde_json::to_vec(&self.stored)
            .map_err(|err| Error::io("writing the import history", std::io::Error::other(err)))?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".new");
        let temporary = PathBuf::from(temporary);
        crate::util::fs::write_private(&temporary, &json)?;
        std::fs::rename(&temporary, path).map_err(|err| Error::writing(path, err))?;
        self.changed = false;
        Ok(())
    }
}

/// The [`fingerprint`](History::fingerprint) of a file read a piece at a
/// time.
#[derive(Default)]
pub(crate) struct Fingerprinter(Sha256);

impl Fingerprinter {
    /// Adds the next piece.
    pub(crate) fn add(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    /// The fingerprint of the pieces added.
    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

fn remember(
    map: &mut BTreeMap<String, Seen>,
    changed: &mut bool,
    key: &str,
    said: &str,
    place: &str,
    now: i64,
) -> bool {
    if map.get(key).is_some_and(|seen| seen.said == said) {
        return true;
    }
    map.insert(
        key.to_string(),
        Seen {
            said: said.to_string(),
            place: place.to_string(),
            first_seen: now,
        },
    );
    *changed = true;
    false
}

/// Bytes as lower-case hex: how a token's hash and a file's fingerprint
/// are kept.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_across_saves_and_says_new_reasons_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = History::path_for(&dir.path().join("ledger.sqlite"));
        assert!(path.ends_with("ledger.rejections.json"));
        let mut history = History::load(&path).unwrap();
        assert!(!history.token_seen("h1", "bad", "a.txt:1", 5));
        assert!(history.token_seen("h1", "bad", "a.txt:1", 5));
        assert!(!history.file_seen(&History::fingerprint(b"photo"), "image", "p.jpg", 5));
        history.save().unwrap();
        let mut again = History::load(&path).unwrap();
        assert!(again.token_seen("h1", "bad", "b.txt:9", 6));
        assert!(again.file_seen(&History::fingerprint(b"photo"), "image", "q.jpg", 6));
        // Rejected now for another reason: that is news.
        assert!(!again.token_seen("h1", "worse", "b.txt:9", 6));
        again.forget_token("h1");
        again.save().unwrap();
        assert!(
            !History::load(&path)
                .unwrap()
                .token_seen("h1", "bad", "c", 7)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_history_says_what_to_do_and_an_unsaved_one_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.rejections.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = History::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("damaged") && err.contains("delete it"),
            "{err}"
        );
        let mut memory = History::default();
        assert!(!memory.token_seen("h", "r", "p", 1));
        memory.save().unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
