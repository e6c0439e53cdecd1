//! Where a build may write, and writing it safely. [`output_folder`] and
//! [`new_folder`] refuse the site's own folders, the home folder, links
//! and folders handbook did not make; [`write_atomically`] writes a build
//! into a fresh folder beside the output and swaps it into place only when
//! it is complete, leaving a marker file that lets the next build replace
//! it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Prepared, Sink, Writer};
use crate::content;
use crate::course::quiz;
use crate::error::{Error, Result};
use crate::render::Renderer;

/// The file that marks a folder as handbook's output, so that a build never
/// replaces a folder it did not make.
const OUTPUT_MARKER: &str = ".handbook-output";

/// The folders of a site that neither a build's output nor a new handbook
/// may be, hold, or lie inside: the private folder, the sources, the
/// published versions and the site's history.
const PROTECTED_DIRS: &[&str] = &[
    ".handbook",
    content::CONTENT_DIR,
    quiz::QUIZ_DIR,
    "themes",
    "templates",
    "static",
    "versions",
    ".git",
];

/// The folder a build writes to when none is given, under the site root.
const DEFAULT_OUTPUT: &str = "output";

/// Which folder a [`Refused`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderRole {
    /// The site's own folder.
    Site,
    /// A build's output folder.
    Output,
    /// The folder for a new handbook.
    New,
}

/// Why handbook will not use a folder.
#[derive(Debug)]
pub enum Why {
    /// The path starts with `~`, which only a shell expands.
    Tilde,
    /// It is, holds or lies inside a folder that must be left alone:
    /// `it is the site's content/ folder`.
    Guarded(String),
    /// It is a symbolic link.
    Symlink,
    /// It exists and is not a folder.
    NotAFolder,
    /// It exists without the marker of an earlier build.
    NotMarked,
    /// It already holds a handbook (a site.yaml).
    HoldsASite,
    /// It already exists and is not empty.
    NotEmpty,
    /// The current folder, which a relative path is read from, cannot be
    /// read.
    CurrentFolder(std::io::Error),
}

/// A folder that handbook will not use, and why. Its message is in the
/// library's terms ("another output folder"); the command line may name
/// its own flags instead, with [`Refused::with_subject`] and
/// [`Refused::with_advice`].
#[derive(Debug)]
pub struct Refused {
    /// Which folder.
    pub role: FolderRole,
    /// The folder as written (and the normalised folder when that reads
    /// differently), safe to print.
    pub shown: String,
    /// Why.
    pub why: Why,
}

impl Refused {
    /// What is wrong: `it is a symbolic link`.
    fn reason(&self) -> String {
        match &self.why {
            Why::Tilde => "starts with `~`, which handbook does not expand; write the folder's \
                           full path"
                .to_string(),
            Why::Guarded(why) => why.clone(),
            Why::Symlink => "it is a symbolic link".to_string(),
            Why::NotAFolder => "it exists and is not a folder".to_string(),
            Why::NotMarked => format!(
                "it exists and was not made by `handbook build` (it has no {OUTPUT_MARKER} \
                 file), so building would replace it"
            ),
            Why::HoldsASite => "it already holds a handbook (site.yaml)".to_string(),
            Why::NotEmpty => "it already exists and is not empty".to_string(),
            Why::CurrentFolder(err) => format!("the current folder cannot be read: {err}"),
        }
    }

    /// What to do instead, in the library's terms.
    fn advice(&self) -> Option<&'static str> {
        match (self.role, &self.why) {
            (_, Why::Tilde | Why::HoldsASite | Why::CurrentFolder(_)) => None,
            (FolderRole::New, _) => Some("choose a new folder name"),
            (_, Why::Guarded(_)) => Some("choose another output folder, e.g. the default output/"),
            (_, Why::Symlink) => Some("give the folder it points to, or another output folder"),
            (_, Why::NotMarked) => Some("remove it yourself or choose another output folder"),
            _ => Some("choose another output folder"),
        }
    }

    /// The message with `advice` in place of the library's.
    pub fn with_advice(&self, advice: &str) -> String {
        self.message(Some(advice))
    }

    /// The message of a path that starts with `~`, naming the folder as
    /// `subject` (`the output folder`).
    pub fn with_subject(&self, subject: &str) -> String {
        format!("{subject} {} {}", self.shown, self.reason())
    }

    fn message(&self, advice: Option<&str>) -> String {
        let doing = match self.role {
            FolderRole::New => "will not make a new handbook in",
            FolderRole::Site | FolderRole::Output => "will not build into",
        };
        let advice = advice.map(|a| format!("; {a}")).unwrap_or_default();
        format!("{doing} {}: {}{advice}", self.shown, self.reason())
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Why::Tilde = self.why {
            let subject = match self.role {
                FolderRole::Site => "the site's folder",
                FolderRole::Output => "the output folder",
                FolderRole::New => "the folder",
            };
            return f.write_str(&self.with_subject(subject));
        }
        f.write_str(&self.message(self.advice()))
    }
}

impl From<Refused> for Error {
    fn from(refused: Refused) -> Error {
        match refused.why {
            Why::CurrentFolder(err) => Error::io("reading the current folder", err),
            _ => Error::Usage(refused.to_string()),
        }
    }
}

/// An output folder that [`output_folder`] approved, for the site it
/// approved it for: both absolute and normalised.
#[derive(Debug)]
pub struct OutputFolder {
    root: PathBuf,
    path: PathBuf,
    as_written: PathBuf,
}

impl OutputFolder {
    /// The site's folder.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The output folder as the user wrote it.
    pub(crate) fn as_written(&self) -> &Path {
        &self.as_written
    }
}

/// Checks that a build of the site at `root` may write its output to `out`
/// (default `output/` in the site). It refuses a folder that is, holds or
/// lies inside one of the site's own folders (the private folder, the
/// sources, the versions), that is or holds the site itself or the home
/// folder, that is a symbolic link, or that exists without the marker of
/// an earlier build. From here on only normalised paths are used, so the
/// site the guard protects is the site that is read, and the folder it
/// approved is the folder that is written.
pub fn output_folder(
    root: &Path,
    out: Option<&Path>,
) -> std::result::Result<OutputFolder, Refused> {
    let as_written = out.map_or_else(|| root.join(DEFAULT_OUTPUT), Path::to_path_buf);
    let site = absolute_path(root, FolderRole::Site)?;
    let target = absolute_path(&as_written, FolderRole::Output)?;
    let refuse = |why| Refused {
        role: FolderRole::Output,
        shown: shown_as(&as_written, &target),
        why,
    };
    if let Some(why) = clash(&target, &guarded(&site)) {
        return Err(refuse(Why::Guarded(why)));
    }
    replaceable(&target).map_err(refuse)?;
    Ok(OutputFolder {
        root: site,
        path: target,
        as_written,
    })
}

/// A folder that a command must leave alone, and how.
struct Guarded {
    /// Absolute and normalised; its resolved form is checked as well.
    path: PathBuf,
    /// How the folder is named in a message.
    what: String,
    /// True when a path inside it is refused too (the site's own folders);
    /// false when only the folder itself and its ancestors are (the site
    /// root and the home folder, which hold `output/` and sites).
    inside_too: bool,
}

/// The site root, its [`PROTECTED_DIRS`] and the user's home folder.
fn guarded(root: &Path) -> Vec<Guarded> {
    let mut out = vec![Guarded {
        path: root.to_path_buf(),
        what: "the site's own folder".to_string(),
        inside_too: false,
    }];
    for dir in PROTECTED_DIRS {
        out.push(Guarded {
            path: root.join(dir),
            what: format!("the site's {dir}/ folder"),
            inside_too: true,
        });
    }
    out.extend(home_folder());
    out
}

/// `$HOME`, when it is set to an absolute path.
fn home_folder() -> Option<Guarded> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    let home = Path::new(&home);
    home.is_absolute().then(|| Guarded {
        path: crate::util::paths::normalize(home),
        what: "your home folder".to_string(),
        inside_too: false,
    })
}

/// What is wrong with writing to `path` (absolute, normalised) given the
/// folders in `guarded`: `Some("it is the site's content/ folder")`.
fn clash(path: &Path, guarded: &[Guarded]) -> Option<String> {
    let resolved = crate::util::paths::resolved(path);
    for guard in guarded {
        let real = crate::util::paths::resolved(&guard.path);
        for (mine, theirs) in [
            (path, guard.path.as_path()),
            (resolved.as_path(), real.as_path()),
            (path, real.as_path()),
            (resolved.as_path(), guard.path.as_path()),
        ] {
            let how = if mine == theirs {
                "is"
            } else if theirs.starts_with(mine) {
                "holds"
            } else if guard.inside_too && mine.starts_with(theirs) {
                "lies inside"
            } else {
                continue;
            };
            let via = if mine == path {
                String::new()
            } else {
                " (through a symbolic link)".to_string()
            };
            return Some(format!("it {how} {}{via}", guard.what));
        }
    }
    None
}

/// A path as written by the user, made absolute and normalised; refuses a
/// leading `~`, which only a shell expands.
fn absolute_path(path: &Path, role: FolderRole) -> std::result::Result<PathBuf, Refused> {
    let refuse = |why| Refused {
        role,
        shown: shown(path),
        why,
    };
    if let Some(std::path::Component::Normal(first)) = path.components().next()
        && first.to_string_lossy().starts_with('~')
    {
        return Err(refuse(Why::Tilde));
    }
    crate::util::paths::lexical_absolute(path).map_err(|err| refuse(Why::CurrentFolder(err)))
}

/// A path for a message: as written, with control characters shown.
fn shown(path: &Path) -> String {
    crate::util::text::terminal_safe(&path.display().to_string()).into_owned()
}

/// `out` as written, and the normalised folder if that reads differently.
fn shown_as(out: &Path, target: &Path) -> String {
    if crate::util::paths::normalize(out) == target {
        shown(out)
    } else {
        format!("{} (that is, {})", shown(out), shown(target))
    }
}

/// Whether the folder at `target` may be swapped for a new build: it does
/// not exist, or it is a real folder (not a link) holding the
/// [`OUTPUT_MARKER`]. If not, says why.
fn replaceable(target: &Path) -> std::result::Result<(), Why> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(Why::Symlink);
    }
    if !meta.is_dir() {
        return Err(Why::NotAFolder);
    }
    let marked = std::fs::symlink_metadata(target.join(OUTPUT_MARKER)).is_ok_and(|m| m.is_file());
    if !marked {
        return Err(Why::NotMarked);
    }
    Ok(())
}

/// Checks that a new handbook may be written into `dir`, and returns the
/// folder to use (absolute, normalised): one that does not exist or is
/// empty, is not a link, is not and does not hold the home folder, and is
/// not the folder or one of the [`PROTECTED_DIRS`] of a site it lies in.
pub(crate) fn new_folder(dir: &Path) -> Result<PathBuf> {
    let target = absolute_path(dir, FolderRole::New)?;
    let refuse = |why| Refused {
        role: FolderRole::New,
        shown: shown_as(dir, &target),
        why,
    };
    let mut guarded: Vec<Guarded> = home_folder().into_iter().collect();
    // The nearest site that `dir` lies in, if any.
    if let Some(site) = target
        .ancestors()
        .find(|a| a.join(crate::config::CONFIG_FILE).is_file())
    {
        guarded.extend(self::guarded(site).into_iter().filter(|g| g.inside_too));
        if site == target {
            return Err(refuse(Why::HoldsASite).into());
        }
    }
    if let Some(why) = clash(&target, &guarded) {
        return Err(refuse(Why::Guarded(why)).into());
    }
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if meta.file_type().is_symlink() {
            return Err(refuse(Why::Symlink).into());
        }
        if !meta.is_dir() {
            return Err(refuse(Why::NotAFolder).into());
        }
        let empty = std::fs::read_dir(&target)
            .map(|mut d| d.next().is_none())
            .map_err(|err| Error::io(format!("reading {}", shown(dir)), err))?;
        if !empty {
            return Err(refuse(Why::NotEmpty).into());
        }
    }
    Ok(target)
}

/// Renders every output file into `dir` (which must exist); returns the
/// number of pages.
pub(crate) fn write_files(
    prepared: &Prepared<'_>,
    renderer: &Renderer,
    dir: &Path,
) -> Result<usize> {
    let sink = Folder {
        dir,
        made: std::sync::RwLock::new(BTreeSet::new()),
    };
    prepared.render_all(renderer, &sink)
}

/// The sink that writes each file into a folder.
struct Folder<'d> {
    dir: &'d Path,
    /// Folders already made. A folder is recorded only once it exists, so
    /// a thread never writes into a folder another thread is still creating.
    made: std::sync::RwLock<BTreeSet<PathBuf>>,
}

impl Folder<'_> {
    /// The path of `rel`, its folder made.
    fn path(&self, rel: &str) -> Result<PathBuf> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            let known = self.made.read().is_ok_and(|m| m.contains(parent));
            if !known {
                std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
                if let Ok(mut m) = self.made.write() {
                    m.insert(parent.to_path_buf());
                }
            }
        }
        Ok(path)
    }
}

impl Sink for Folder<'_> {
    fn file(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(rel)?;
        std::fs::write(&path, bytes).map_err(|err| Error::writing(&path, err))
    }

    fn stream(&self, rel: &str, write: &mut Writer<'_>) -> Result<()> {
        let path = self.path(rel)?;
        let file = std::fs::File::create(&path).map_err(|err| Error::writing(&path, err))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)
            .and_then(|()| std::io::Write::flush(&mut out))
            .map_err(|err| Error::writing(&path, err))
    }
}

/// Writes into a fresh folder beside `out` and swaps it into place only if
/// `write` succeeds; otherwise `out` is left as it was, and no staging
/// folder is left behind. `out` must be absolute and normalised (see
/// [`output_folder`]); it is checked again just before the swap, as it
/// may have changed while the site was written.
pub(super) fn write_atomically(out: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    write_atomically_with(out, write, &|from, to| std::fs::rename(from, to))
}

/// [`write_atomically`], with the rename that moves folders given, so
/// that tests can make the swap fail.
fn write_atomically_with(
    out: &Path,
    write: impl FnOnce(&Path) -> Result<()>,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
    // Dropping `staging` removes it: every early return cleans up.
    let staging = tempfile::Builder::new()
        .prefix(".handbook-build-")
        .tempdir_in(parent)
        .map_err(|err| {
            Error::io(
                format!("creating a build folder in {}", parent.display()),
                err,
            )
        })?;
    write(staging.path())?;
    std::fs::write(
        staging.path().join(OUTPUT_MARKER),
        "This folder is written by `handbook build` and replaced by every build.\n",
    )
    .map_err(|err| Error::io("writing the output marker", err))?;
    // A temporary folder is private (0700); the built site is public, and a
    // web server running as another user must be able to read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|err| Error::io("opening the new site to readers", err))?;
    }
    replaceable(out).map_err(|why| {
        let refused = Refused {
            role: FolderRole::Output,
            shown: shown(out),
            why,
        };
        Error::Usage(format!(
            "will not replace {}: {}",
            refused.shown,
            refused.reason()
        ))
    })?;
    swap_in(out, parent, staging, rename)
}

/// Moves the finished build in `staging` to `out`, and the previous site
/// (if any) out of the way and then away; on failure the previous site is
/// put back, or kept and named.
fn swap_in(
    out: &Path,
    parent: &Path,
    staging: tempfile::TempDir,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<()> {
    let moved_in =
        |err: std::io::Error| Error::io(format!("moving the new site into {}", out.display()), err);
    if std::fs::symlink_metadata(out).is_err() {
        rename(staging.path(), out).map_err(moved_in)?;
        let _ = staging.keep();
        return Ok(());
    }
    let old = tempfile::Builder::new()
        .prefix(".handbook-old-")
        .tempdir_in(parent)
        .map_err(|err| Error::io(format!("creating a folder in {}", parent.display()), err))?;
    let old_path = old.path().join("output");
    rename(out, &old_path)
        .map_err(|err| Error::io(format!("moving the old {} aside", out.display()), err))?;
    if let Err(err) = rename(staging.path(), out) {
        if rename(&old_path, out).is_err() {
            // Keep the previous site where it is and say where.
            let kept = old.keep();
            return Err(Error::io(
                format!(
                    "moving the new site into {} (the previous site is in {})",
                    out.display(),
                    kept.join("output").display()
                ),
                err,
            ));
        }
        return Err(moved_in(err));
    }
    let _ = staging.keep();
    remove_all(old.path());
    drop(old);
    Ok(())
}

/// Removes a folder's contents, sub-folders in parallel (an old output
/// folder can hold tens of thousands of files). Best effort.
fn remove_all(dir: &Path) {
    let remove = |path: &PathBuf| {
        let _ = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
    };
    let children = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    children(dir).par_iter().for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            children(path).par_iter().for_each(remove);
        }
        remove(path);
    });
}

#[cfg(test)]
mod tests;
