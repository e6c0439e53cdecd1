//! The builds of `serve`. Each goes into a fresh numbered folder under the
//! private folder, which is swapped in only when the build succeeds, so a
//! broken edit keeps the last good site served while its error is shown.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::reload::Shared;
use crate::error::{Diagnostic, Error, Result};
use crate::incremental::LiveSite;

/// What a build that succeeded did.
#[derive(Debug)]
pub(crate) struct Built {
    /// Pages written.
    pub(crate) pages: usize,
    /// The one page re-rendered, for an incremental rebuild.
    pub(crate) page: Option<String>,
    /// The build's warnings, if they differ from the last build's.
    pub(crate) new_warnings: Option<Vec<Diagnostic>>,
}

/// Builds into numbered folders and swaps the served one.
pub(crate) struct Builder {
    folder: PathBuf,
    generation: u64,
    shared: Arc<Shared>,
    /// The last build's warnings, as text (told again only when they
    /// change).
    warnings: Vec<String>,
}

impl Builder {
    /// Builds into folders under `folder` and publishes them to `shared`.
    pub(crate) fn new(folder: PathBuf, shared: Arc<Shared>) -> Builder {
        Builder {
            folder,
            generation: 0,
            shared,
            warnings: Vec::new(),
        }
    }

    /// Builds (in full, or after `changed`) and publishes the result.
    pub(crate) fn build(
        &mut self,
        live: &mut LiveSite,
        changed: Option<&BTreeSet<PathBuf>>,
    ) -> Result<Built> {
        self.generation += 1;
        let dir = self.folder.join(format!("site-{}", self.generation));
        let result = std::fs::create_dir(&dir)
            .map_err(|err| Error::io(format!("creating {}", dir.display()), err))
            .and_then(|()| match changed {
                Some(changed) => live.rebuild(changed, &dir),
                None => live.build_full(&dir),
            });
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(err) => {
                self.shared.publish(None, Some(err.to_string()));
                let _ = std::fs::remove_dir_all(&dir);
                return Err(err);
            }
        };
        self.shared.publish(Some(dir), None);
        // Keep the previous build a while for requests still reading it.
        if self.generation > 2 {
            let old = self.folder.join(format!("site-{}", self.generation - 2));
            std::thread::spawn(move || {
                let _ = std::fs::remove_dir_all(old);
            });
        }
        let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
        let new_warnings = (warnings != self.warnings).then(|| {
            self.warnings = warnings;
            outcome.warnings
        });
        Ok(Built {
            pages: outcome.pages,
            page: outcome.page,
            new_warnings,
        })
    }
}
