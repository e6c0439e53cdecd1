//! The record of reminders sent: one CSV row per message, in the private
//! folder (`.handbook/reminders-sent.csv`), appended as each message goes,
//! so that a run cut short still shows what it sent. It answers one
//! question before a send: did reminders already go out on this day?

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::util::text::csv_cell;

/// The log's place, relative to the site root.
pub const SENT_LOG_FILE: &str = ".handbook/reminders-sent.csv";

/// The log's header row.
const HEADER: [&str; 6] = ["day", "sent_at", "id", "email", "outcome", "detail"];

/// The record of reminders sent.
#[derive(Debug, Clone)]
pub struct SentLog {
    path: PathBuf,
}

/// One message's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server took it.
    Sent,
    /// It was not sent, and why.
    Failed(String),
}

impl SentLog {
    /// The log at `path` (it need not exist yet).
    pub fn at(path: &Path) -> SentLog {
        SentLog {
            path: path.to_path_buf(),
        }
    }

    /// How many messages were sent on `day`, by earlier runs.
    pub fn sent_on(&self, day: NaiveDate) -> Result<usize> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(err) => return Err(Error::reading(&self.path, err)),
        };
        let day = day.to_string();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice());
        Ok(reader
            .records()
            .filter_map(|row| row.ok())
            .filter(|row| row.get(0) == Some(day.as_str()) && row.get(4) == Some("sent"))
            .count())
    }

    /// Adds one message's outcome, on `day`, to the log (made, open to its
    /// owner only, if it is new).
    pub fn append(&self, day: NaiveDate, id: &str, email: &str, outcome: &Outcome) -> Result<()> {
        let fail = |err: std::io::Error| Error::writing(&self.path, err);
        let new = !self.path.exists();
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(&self.path).map_err(fail)?;
        crate::util::fs::restrict(&file, 0o600).map_err(fail)?;
        let (word, detail) = match outcome {
            Outcome::Sent => ("sent", ""),
            Outcome::Failed(why) => ("failed", why.as_str()),
        };
        let day = day.to_string();
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut writer = csv::Writer::from_writer(Vec::new());
        let write = |writer: &mut csv::Writer<Vec<u8>>, cells: &[&str]| {
            writer
                .write_record(cells.iter().map(|c| csv_cell(c).into_owned()))
                .map_err(|err| fail(std::io::Error::other(err)))
        };
        if new {
            write(&mut writer, &HEADER)?;
        }
        write(&mut writer, &[&day, &at, id, email, word, detail])?;
        let row = writer
            .into_inner()
            .map_err(|err| fail(std::io::Error::other(err.to_string())))?;
        (&file).write_all(&row).map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_counts_only_its_own_sent_messages() {
        let dir = tempfile::tempdir().unwrap();
        let log = SentLog::at(&dir.path().join("sent.csv"));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(log.sent_on(day("2026-09-01")).unwrap(), 0);
        log.append(day("2026-09-01"), "T1", "a@example.org", &Outcome::Sent)
            .unwrap();
        log.append(
            day("2026-09-01"),
            "=T2",
            "b@example.org",
            &Outcome::Failed("550 no such user".to_string()),
        )
        .unwrap();
        log.append(day("2026-09-02"), "T1", "a@example.org", &Outcome::Sent)
            .unwrap();
        assert_eq!(log.sent_on(day("2026-09-01")).unwrap(), 1);
        assert_eq!(log.sent_on(day("2026-09-02")).unwrap(), 1);
        assert_eq!(log.sent_on(day("2026-09-03")).unwrap(), 0);
        let text = std::fs::read_to_string(dir.path().join("sent.csv")).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert!(text.starts_with("day,sent_at,id,email,outcome,detail\n"));
        // A spreadsheet would run `=T2`: it is kept as text.
        assert!(text.contains(",'=T2,"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("sent.csv"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
