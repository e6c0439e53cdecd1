//! Policy versions: the version id that identifies exactly what staff read
//! of one policy (SPEC §5), the published versions of every policy in
//! `versions.yaml`, and `publish`, which records a policy's current content
//! as a new version and keeps a copy of its source under
//! `versions/<policy>/<id>/` so later versions can be compared with it
//! without git.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{ReviewDate, SiteConfig};
use crate::error::{Diagnostic, Error, Result};
use crate::util::yaml;

/// The file that lists the published versions.
pub const VERSIONS_FILE: &str = "versions.yaml";

/// The folder that keeps each published version's policy source.
pub(crate) const ARCHIVE_DIR: &str = "versions";

/// One published version, as recorded in `versions.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedVersion {
    /// The policy it is a version of (its id in site.yaml).
    pub policy: String,
    /// The policy version id (16 hex digits).
    pub id: String,
    /// The label people see, e.g. "January 2025".
    pub label: String,
    /// The day it was published (YYYY-MM-DD).
    pub published: String,
    /// When the policy was reviewed.
    pub reviewed: String,
    /// When the next review is due.
    pub next_review: String,
    /// What changed, in a sentence or two.
    pub summary: String,
    /// A minor change (a typo, formatting): earlier completions still count.
    #[serde(default)]
    pub minor: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionsFile {
    #[serde(default)]
    versions: Vec<PublishedVersion>,
}

/// The published versions of every policy, oldest first (empty when there
/// is no `versions.yaml`).
pub(crate) fn load_published(root: &Path) -> Result<Vec<PublishedVersion>> {
    let path = root.join(VERSIONS_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => {
            crate::util::source::utf8_text(Path::new(VERSIONS_FILE), bytes).map_err(Error::input)?
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(Error::reading(&path, err)),
    };
    let file: VersionsFile = yaml::parse(Path::new(VERSIONS_FILE), &text).map_err(|problem| {
        Error::input(problem.help(
            "versions.yaml is written when a version is published; restore it from git \
             rather than editing it",
        ))
    })?;
    let lines = yaml::item_lines(&text, "versions", file.versions.len());
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (version, &line) in file.versions.iter().zip(&lines) {
        let line = Some(line);
        if !is_version_id(&version.id) {
            problems.push(
                Diagnostic::error(
                    VERSIONS_FILE,
                    line,
                    format!("`{}` is not a version id", version.id),
                )
                .help("a version id is 16 lower-case hex digits, as publishing writes it"),
            );
        } else if !seen.insert((version.policy.clone(), version.id.clone())) {
            problems.push(
                Diagnostic::error(
                    VERSIONS_FILE,
                    line,
                    format!(
                        "version `{}` of `{}` is listed twice",
                        version.id, version.policy
                    ),
                )
                .help("remove the second entry"),
            );
        }
        if chrono::NaiveDate::parse_from_str(&version.published, "%Y-%m-%d").is_err() {
            problems.push(
                Diagnostic::error(
                    VERSIONS_FILE,
                    line,
                    format!("version `{}` has no valid published date", version.id),
                )
                .help("write the date as YYYY-MM-DD"),
            );
        }
    }
    if problems.is_empty() {
        Ok(file.versions)
    } else {
        Err(Error::Input(problems))
    }
}

/// The versions of `policy` among `all`, oldest first.
pub(crate) fn of_policy<'a>(
    all: &'a [PublishedVersion],
    policy: &str,
) -> impl Iterator<Item = &'a PublishedVersion> + 'a {
    let policy = policy.to_string();
    all.iter().filter(move |v| v.policy == policy)
}

/// True for 16 lower-case hex digits.
pub(crate) fn is_version_id(id: &str) -> bool {
    id.len() == 16
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// The files of `policy` (under `content/<policy>/` and
/// `quizzes/<policy>/`) of the site at `root`: path relative to the root →
/// text (CRLF turned into LF).
pub(crate) fn policy_files(root: &Path, policy: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (rel, path) in versioned_files(root, policy)? {
        let bytes = std::fs::read(&path).map_err(|err| Error::reading(&path, err))?;
        out.insert(
            rel,
            String::from_utf8_lossy(&crlf_to_lf(&bytes)).into_owned(),
        );
    }
    Ok(out)
}

/// Where the source of version `id` of `policy` is kept
/// (`versions/<policy>/<id>/`, laid out as the site root is).
pub(crate) fn archive_dir(root: &Path, policy: &str, id: &str) -> PathBuf {
    root.join(ARCHIVE_DIR).join(policy).join(id)
}

/// The kept source of a published version of `policy`.
pub(crate) fn archived_files(
    root: &Path,
    policy: &str,
    id: &str,
) -> Result<BTreeMap<String, String>> {
    policy_files(&archive_dir(root, policy, id), policy)
}

/// What `publish` is asked to record.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    /// What changed.
    pub summary: String,
    /// A minor change: earlier completions still count.
    pub minor: bool,
    /// A new label (default: site.yaml's `version`).
    pub label: Option<String>,
    /// A new review date.
    pub reviewed: Option<ReviewDate>,
    /// A new next-review date.
    pub next_review: Option<ReviewDate>,
    /// The publication date.
    pub today: chrono::NaiveDate,
}

/// Why [`publish`] wrote nothing. The request's own faults are kept apart
/// from the rest, so that the command line can name its options in the
/// advice.
#[derive(Debug)]
pub enum PublishError {
    /// The request does not say what changed (the version history shows it).
    NoSummary,
    /// The first version was asked to be a minor change: there is nothing
    /// earlier for it to amend.
    FirstIsMinor,
    /// A major version would keep this label, the previous version's.
    SameLabel(String),
    /// Anything else: a problem in the site's files, or reading or
    /// writing them.
    Failed(Error),
}

impl From<Error> for PublishError {
    fn from(err: Error) -> Self {
        PublishError::Failed(err)
    }
}

/// Records the current content of `policy` as a published version:
/// updates its entry in site.yaml (label and dates, when given), keeps its
/// source under `versions/<policy>/<id>/` and appends the entry to
/// `versions.yaml`. Other policies' versions are left as they are. The
/// caller checks the site first.
pub fn publish(
    root: &Path,
    policy: &str,
    request: &PublishRequest,
) -> std::result::Result<PublishedVersion, PublishError> {
    if request.summary.trim().is_empty() {
        return Err(PublishError::NoSummary);
    }
    let id = policy_version_id(root, policy)?;
    let everything = load_published(root)?;
    let published: Vec<&PublishedVersion> = of_policy(&everything, policy).collect();
    if let Some(existing) = published.iter().find(|v| v.id == id) {
        return Err(PublishError::Failed(Error::input(
            Diagnostic::error(
                VERSIONS_FILE,
                None,
                format!(
                    "this content is already published as version {} (“{}”, {})",
                    id, existing.label, existing.published
                ),
            )
            .help(format!(
                "change the policy in content/{policy}/ or quizzes/{policy}/ first; nothing \
                 was written"
            )),
        )));
    }
    if published.is_empty() && request.minor {
        return Err(PublishError::FirstIsMinor);
    }

    // site.yaml follows the published version: label and review dates.
    let config_path = root.join(crate::config::CONFIG_FILE);
    let config_text =
        std::fs::read_to_string(&config_path).map_err(|err| Error::reading(&config_path, err))?;
    let mut updated = config_text.clone();
    let set = |text: &str, key: &str, value: &str| {
        yaml::set_child_key(text, "policies", policy, key, value)
    };
    if let Some(label) = &request.label {
        updated = set(&updated, "version", label);
    }
    if let Some(date) = &request.reviewed {
        updated = set(&updated, "reviewed", &date.iso());
    }
    if let Some(date) = &request.next_review {
        updated = set(&updated, "next_review", &date.iso());
    }
    let config = SiteConfig::parse(&updated)?;
    let Some(settings) = config.policy(policy) else {
        return Err(PublishError::Failed(Error::input(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                yaml::top_key_line(&config_text, "policies"),
                format!("there is no policy `{policy}`"),
            )
            .help(format!("the policies are: {}", config.policy_list())),
        )));
    };
    if let Some(last) = published.last()
        && last.label == settings.version
        && !request.minor
    {
        return Err(PublishError::SameLabel(settings.version.clone()));
    }

    let entry = PublishedVersion {
        policy: policy.to_string(),
        id: id.clone(),
        label: settings.version.clone(),
        published: request.today.format("%Y-%m-%d").to_string(),
        reviewed: settings.reviewed.iso(),
        next_review: settings.next_review.iso(),
        summary: request.summary.trim().to_string(),
        minor: request.minor,
    };

    // Keep the source first, then record the version: a crash in between
    // leaves an unlisted copy, never a listed version without its source.
    let archive = archive_dir(root, policy, &id);
    if !archive.exists() {
        let parent = root.join(ARCHIVE_DIR).join(policy);
        std::fs::create_dir_all(&parent).map_err(|err| Error::creating(&parent, err))?;
        let staging = tempfile::Builder::new()
            .prefix(".publishing-")
            .tempdir_in(&parent)
            .map_err(|err| Error::io(format!("creating a folder in {}", parent.display()), err))?;
        for (rel, path) in versioned_files(root, policy)? {
            let target = staging.path().join(&rel);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|err| Error::creating(dir, err))?;
            }
            std::fs::copy(&path, &target)
                .map_err(|err| Error::io(format!("copying {}", path.display()), err))?;
        }
        let kept = staging.keep();
        std::fs::rename(&kept, &archive).map_err(|err| Error::creating(&archive, err))?;
    }
    let mut all = everything;
    all.push(entry.clone());
    let listed = yaml::to_string(&VersionsFile { versions: all })
        .map_err(|err| Error::Usage(format!("could not write versions.yaml: {err}")))?;
    let header = "# Published versions of each policy, oldest first.\n\
                  # Written by handbook when a version is published; commit it with versions/.\n";
    write_replacing(&root.join(VERSIONS_FILE), &format!("{header}{listed}"))?;
    if updated != config_text {
        write_replacing(&config_path, &updated)?;
    }
    Ok(entry)
}

/// Writes a file through a temporary file and a rename, so that it is
/// never left half-written.
fn write_replacing(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|err| Error::writing(path, err))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|err| Error::writing(path, err))?;
    file.persist(path)
        .map_err(|err| Error::writing(path, err.error))?;
    Ok(())
}

/// Every file under `content/<policy>/` and `quizzes/<policy>/` (hidden
/// ones excepted), in path order: path relative to the root, full path.
fn versioned_files(root: &Path, policy: &str) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for dir in VERSIONED_DIRS {
        let base = root.join(dir).join(policy);
        if !base.is_dir() {
            continue;
        }
        // Links are followed as content::load follows them (it refuses any
        // that leave the site), so a linked page is part of the version.
        let walker = walkdir::WalkDir::new(&base)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|err| Error::reading(&base, err.into()))?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                files.push((rel.to_string_lossy().replace('\\', "/"), entry.into_path()));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The folders whose `<policy>/` sub-folder makes up a policy version.
pub(crate) const VERSIONED_DIRS: [&str; 2] = ["content", "quizzes"];

/// The version id of `policy`: the first 16 hex digits of SHA-256 over
/// every file under `content/<policy>/` and `quizzes/<policy>/` in path
/// order, each as its path relative to the root (`/` separators), a NUL
/// byte, its bytes with CRLF turned into LF, a NUL byte. Hidden files
/// (editor swap files and the like) are not part of it, nor is anything
/// outside the policy's folders.
pub fn policy_version_id(root: &Path, policy: &str) -> Result<String> {
    use rayon::prelude::*;
    let files = versioned_files(root, policy)?;
    let mut hasher = Sha256::new();
    // Read a chunk of files in parallel, then hash them in order.
    for chunk in files.chunks(256) {
        let contents: Vec<Result<Vec<u8>>> = chunk
            .par_iter()
            .map(|(_, path)| std::fs::read(path).map_err(|err| Error::reading(path, err)))
            .collect();
        for ((rel, _), bytes) in chunk.iter().zip(contents) {
            add_file(&mut hasher, rel, &bytes?);
        }
    }
    Ok(hex_id(hasher))
}

/// Adds one file to a version id's hash: its path, a NUL byte, its bytes
/// with CRLF turned into LF, a NUL byte.
fn add_file(hasher: &mut Sha256, rel: &str, bytes: &[u8]) {
    hasher.update(rel.as_bytes());
    hasher.update([0]);
    if bytes.contains(&b'\r') {
        hasher.update(crlf_to_lf(bytes));
    } else {
        hasher.update(bytes);
    }
    hasher.update([0]);
}

/// The id a finished hash gives: its first 16 hex digits.
fn hex_id(hasher: Sha256) -> String {
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The version ids of several policies, made as the site's pages are read
/// ([`VersionIds::feed`]); a policy's other files (assets, quizzes) are
/// read when their turn comes. The ids are those of [`policy_version_id`].
pub(crate) struct VersionIds {
    policies: Vec<PolicyHash>,
    /// The first file that could not be read.
    problem: Option<Error>,
}

/// One policy's hash under way.
struct PolicyHash {
    id: String,
    /// Its files in path order (see `versioned_files`).
    files: Vec<(String, PathBuf)>,
    /// How many of `files` are hashed.
    done: usize,
    hasher: Sha256,
}

impl VersionIds {
    /// Starts the ids of `policies` of the site at `root` (their files
    /// are listed, not read).
    pub(crate) fn new<'a>(
        root: &Path,
        policies: impl Iterator<Item = &'a str>,
    ) -> Result<VersionIds> {
        let policies = policies
            .map(|id| {
                Ok(PolicyHash {
                    id: id.to_string(),
                    files: versioned_files(root, id)?,
                    done: 0,
                    hasher: Sha256::new(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(VersionIds {
            policies,
            problem: None,
        })
    }

    /// Takes the bytes of `content/<source>` as they were read. Pages
    /// given in path order are never read again; a page given out of
    /// order, or not at all, is read from disk when its turn comes.
    pub(crate) fn feed(&mut self, source: &str, bytes: &[u8]) {
        let top = source.split('/').next().unwrap_or("");
        let Some(policy) = self.policies.iter_mut().find(|p| p.id == top) else {
            return;
        };
        let rel = format!("{}/{source}", VERSIONED_DIRS[0]);
        let Ok(at) = policy.files.binary_search_by(|(r, _)| r.as_str().cmp(&rel)) else {
            return;
        };
        if at < policy.done {
            return;
        }
        if let Err(err) = policy.hash_until(at) {
            self.problem.get_or_insert(err);
            return;
        }
        add_file(&mut policy.hasher, &rel, bytes);
        policy.done = at + 1;
    }

    /// Each policy's version id (in the order given to
    /// [`VersionIds::new`]), its remaining files read.
    pub(crate) fn finish(self) -> Result<Vec<String>> {
        if let Some(err) = self.problem {
            return Err(err);
        }
        (self.policies.into_iter())
            .map(|mut policy| {
                policy.hash_until(policy.files.len())?;
                Ok(hex_id(policy.hasher))
            })
            .collect()
    }
}

impl PolicyHash {
    /// Reads and hashes the files before position `end` not hashed yet.
    fn hash_until(&mut self, end: usize) -> Result<()> {
        for (rel, path) in &self.files[self.done.min(end)..end] {
            let bytes = std::fs::read(path).map_err(|err| Error::reading(path, err))?;
            add_file(&mut self.hasher, rel, &bytes);
        }
        self.done = self.done.max(end);
        Ok(())
    }
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_id_matches_the_spec_recipe() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/p/sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("quizzes/p")).unwrap();
        std::fs::create_dir_all(dir.path().join("content/other")).unwrap();
        std::fs::write(dir.path().join("content/p/a.md"), "x\r\ny").unwrap();
        std::fs::write(dir.path().join("content/p/sub/b.md"), "w").unwrap();
        std::fs::write(dir.path().join("quizzes/p/q.yaml"), "z").unwrap();
        std::fs::write(dir.path().join("content/p/.a.md.swp"), "ignored").unwrap();
        // Outside the policy's folders: not part of its version.
        std::fs::write(dir.path().join("content/_index.md"), "home").unwrap();
        std::fs::write(dir.path().join("content/other/x.md"), "other").unwrap();
        let mut expected = Sha256::new();
        expected.update(b"content/p/a.md\0x\ny\0content/p/sub/b.md\0w\0quizzes/p/q.yaml\0z\0");
        let expected: String = expected.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(policy_version_id(dir.path(), "p").unwrap(), expected);
        assert_eq!(expected.len(), 16);
        std::fs::write(dir.path().join("content/other/x.md"), "changed").unwrap();
        assert_eq!(policy_version_id(dir.path(), "p").unwrap(), expected);
    }

    #[test]
    fn ids_made_from_loaded_pages_are_the_ids_read_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("content/p/_index.md", "index\r\n"),
            ("content/p/a-b/x.md", "x"),
            ("content/p/a/y.md", "y"),
            ("content/p/a/z.png", "png"),
            ("content/q/w.md", "w"),
            ("quizzes/p/m.yaml", "quiz"),
        ];
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let expected: Vec<String> = ["p", "q"]
            .iter()
            .map(|p| policy_version_id(dir.path(), p).unwrap())
            .collect();
        // In path order, out of order, some pages only, none, unknown ones.
        let feeds: [&[&str]; 4] = [
            &["p/_index.md", "p/a-b/x.md", "p/a/y.md", "q/w.md"],
            &["p/a/y.md", "q/w.md", "p/_index.md", "p/a-b/x.md"],
            &["p/a-b/x.md", "elsewhere/v.md", "p/none.md"],
            &[],
        ];
        for feed in feeds {
            let mut ids = VersionIds::new(dir.path(), ["p", "q"].into_iter()).unwrap();
            for source in feed {
                let text = files
                    .iter()
                    .find(|(rel, _)| rel.strip_prefix("content/") == Some(source))
                    .map_or("not on disk", |(_, text)| text);
                ids.feed(source, text.as_bytes());
            }
            assert_eq!(ids.finish().unwrap(), expected, "{feed:?}");
        }
    }

    #[test]
    fn line_endings_do_not_change_the_id() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for (dir, text) in [(&a, "one\ntwo\n"), (&b, "one\r\ntwo\r\n")] {
            std::fs::create_dir_all(dir.path().join("content/p")).unwrap();
            std::fs::write(dir.path().join("content/p/p.md"), text).unwrap();
        }
        assert_eq!(
            policy_version_id(a.path(), "p").unwrap(),
            policy_version_id(b.path(), "p").unwrap()
        );
    }

    #[test]
    fn publishing_a_new_label_keeps_a_quoted_hash_out_of_the_comment() {
        let dir = tempfile::tempdir().unwrap();
        for policy in ["first", "second"] {
            std::fs::create_dir_all(dir.path().join("content").join(policy)).unwrap();
            std::fs::write(
                dir.path().join("content").join(policy).join("a.md"),
                "---\ntitle: A\n---\n",
            )
            .unwrap();
        }
        let config = "id: demo\norganisation: Demo Trust\npolicies:\n  first:\n    \
                      title: First\n    version: \"Spring #2\" # the label people see\n    \
                      reviewed: 2026-01\n    next_review: 2027-01\n\n  second:\n    \
                      title: Second\n    version: Spring 2026\n    \
                      reviewed: 2026-01\n    next_review: 2027-01\n";
        std::fs::write(dir.path().join("site.yaml"), config).unwrap();
        let request = |label: &str| PublishRequest {
            summary: "First.".to_string(),
            minor: false,
            label: Some(label.to_string()),
            reviewed: None,
            next_review: None,
            today: chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
        };
        let version = publish(dir.path(), "first", &request("Summer 2026")).unwrap();
        assert_eq!(version.label, "Summer 2026");
        assert_eq!(version.policy, "first");
        let written = std::fs::read_to_string(dir.path().join("site.yaml")).unwrap();
        assert!(
            written.contains("\n    version: Summer 2026 # the label people see\n"),
            "{written}"
        );
        assert!(
            written.contains("\n    version: Spring 2026\n"),
            "the other policy keeps its label: {written}"
        );
        assert_eq!(
            load_published(dir.path()).unwrap(),
            std::slice::from_ref(&version)
        );
        assert!(
            archive_dir(dir.path(), "first", &version.id)
                .join("content/first/a.md")
                .is_file()
        );
        // The second policy, with the same pages, is published on its own.
        let second = publish(dir.path(), "second", &request("Autumn 2026")).unwrap();
        assert_eq!(load_published(dir.path()).unwrap(), [version, second]);
        assert!(matches!(
            publish(dir.path(), "third", &request("x")),
            Err(PublishError::Failed(Error::Input(_)))
        ));
        // The request's own faults are told apart for the command line.
        assert!(matches!(
            publish(
                dir.path(),
                "first",
                &PublishRequest {
                    summary: " ".into(),
                    ..request("x")
                }
            ),
            Err(PublishError::NoSummary)
        ));
        assert!(
            matches!(
                publish(dir.path(), "first", &request("x")),
                Err(PublishError::Failed(Error::Input(_)))
            ),
            "already published"
        );
    }

    #[test]
    fn a_listed_version_is_checked_at_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |id: &str| {
            format!(
                "- policy: p\n  id: {id}\n  label: L\n  published: 2026-01-15\n  reviewed: 2026-01\n  \
                 next_review: 2027-01\n  summary: S\n"
            )
        };
        let text = format!(
            "\u{feff}# Published versions.\nversions:\n{}{}",
            entry("0123456789abcdef"),
            entry("not-an-id")
        );
        std::fs::write(dir.path().join(VERSIONS_FILE), text).unwrap();
        let Err(Error::Input(problems)) = load_published(dir.path()) else {
            panic!("a bad id is an error");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(10));
        assert!(
            problems[0]
                .message
                .contains("`not-an-id` is not a version id")
        );
        assert!(
            !problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("handbook ")
        );
    }
}
