//! Watching the site's sources for `serve`. Folders are watched rather
//! than files, so that editors that save by writing a new file and
//! renaming it over the old one are seen, and a folder that was
//! (re)created is watched again. Events are debounced by
//! `notify-debouncer-full`, which also joins a rename's two halves, so one
//! save is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use crate::incremental;

/// How long a file's events must have been quiet before they are passed
/// on.
pub(crate) const SETTLE: Duration = Duration::from_millis(10);

/// How often the debouncer looks for events that have settled.
const TICK: Duration = Duration::from_millis(5);

/// One save's events can settle on two ticks in a row (each event settles
/// on its own): after a batch that does not end a save, wait this long for
/// the rest.
pub(crate) const GATHER: Duration = Duration::from_millis(30);

/// What a batch of events changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Source paths (relative to the root) that changed.
    pub(crate) paths: BTreeSet<PathBuf>,
    /// The events cannot be trusted (the watcher lost some): build it all.
    pub(crate) everything: bool,
}

impl Change {
    /// True if nothing that a build reads changed.
    pub(crate) fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.everything
    }

    /// Adds a batch of debounced events under `root`. Returns true if the
    /// batch ends a save of a source (a file closed after writing, or
    /// renamed into place), so there is no need to wait for more of it.
    pub(crate) fn add(&mut self, root: &Path, batch: DebounceEventResult) -> bool {
        let Ok(events) = batch else {
            self.everything = true;
            return false;
        };
        let mut saved = false;
        for event in events {
            if event.need_rescan() {
                self.everything = true;
            }
            let ends_save = match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => true,
                // Opening and reading (the build itself does that) and
                // metadata such as access times change nothing.
                EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => continue,
                _ => false,
            };
            for path in &event.paths {
                if let Ok(rel) = path.strip_prefix(root)
                    && incremental::is_source(rel)
                {
                    self.paths.insert(rel.to_path_buf());
                    saved |= ends_save;
                }
            }
        }
        saved
    }
}

/// Why a folder cannot be watched.
#[derive(Debug)]
pub(crate) struct WatchError {
    pub(crate) path: PathBuf,
    pub(crate) source: notify::Error,
}

/// The watched folders of one site.
pub(crate) struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    /// Watches `root` (not recursively: site.yaml, versions.yaml and the
    /// folders appearing) and each source folder recursively; `handler`
    /// is given each batch of settled events.
    pub(crate) fn start(
        root: &Path,
        handler: impl FnMut(DebounceEventResult) + Send + 'static,
    ) -> Result<Watch, WatchError> {
        let fail = |source| WatchError {
            path: root.to_path_buf(),
            source,
        };
        let mut debouncer =
            notify_debouncer_full::new_debouncer(SETTLE, Some(TICK), handler).map_err(fail)?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(fail)?;
        let mut watch = Watch {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watch.renew(&BTreeSet::new())?;
        Ok(watch)
    }

    /// Watches the source folders that exist now and are not watched yet,
    /// and again those among `changed` (they may have been recreated).
    pub(crate) fn renew(&mut self, changed: &BTreeSet<PathBuf>) -> Result<(), WatchError> {
        for name in incremental::SOURCES {
            let dir = self.root.join(name);
            if !dir.is_dir() {
                self.watched.remove(&dir);
                continue;
            }
            if self.watched.contains(&dir) && !changed.contains(Path::new(name)) {
                continue;
            }
            let _ = self.debouncer.unwatch(&dir);
            self.debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|source| WatchError {
                    path: dir.clone(),
                    source,
                })?;
            self.watched.insert(dir);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};
    use notify_debouncer_full::DebouncedEvent;
    use std::time::Instant;

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            notify::Event::new(kind).add_path(PathBuf::from(path)),
            Instant::now(),
        )
    }

    #[test]
    fn only_writes_to_sources_count() {
        let mut change = Change::default();
        let saved = change.add(
            Path::new("/site"),
            Ok(vec![
                event(
                    EventKind::Access(AccessKind::Open(AccessMode::Read)),
                    "/site/content/a.md",
                ),
                event(
                    EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::Any)),
                    "/site/content/b.md",
                ),
                event(EventKind::Create(CreateKind::File), "/site/output/x.html"),
            ]),
        );
        assert!(change.is_empty(), "{change:?}");
        assert!(!saved);
        let written = event(
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            "/site/content/a.md",
        );
        assert!(
            !change.add(Path::new("/site"), Ok(vec![written])),
            "written, not yet closed"
        );
        let closed = event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/site/site.yaml",
        );
        assert!(change.add(Path::new("/site"), Ok(vec![closed])), "saved");
        assert_eq!(
            change.paths,
            BTreeSet::from([PathBuf::from("content/a.md"), PathBuf::from("site.yaml")])
        );
        assert!(!change.everything);
        assert!(!change.add(Path::new("/site"), Err(vec![])));
        assert!(change.everything, "lost events: build it all");
    }
}
