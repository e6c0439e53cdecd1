//! The policy as the records side sees it. Takes the site (site.yaml, the
//! published versions and the course's quizzes, current and kept); gives
//! what the importer and the report need: the site id tokens must carry,
//! the versions that were published (and which of them were minor
//! changes), the current version and each version's modules with their
//! pass marks.

use std::collections::BTreeMap;

use std::path::Path;

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::error::{Error, Result};

/// A version of the policy staff may have completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownVersion {
    /// The policy version id (16 hex digits).
    pub id: String,
    /// What people call it, e.g. "January 2025".
    pub label: String,
    /// When it was published, if it was.
    pub published: Option<NaiveDate>,
    /// True for a minor change (typo, formatting) after which completions of
    /// the version before still count.
    pub minor: bool,
}

/// The policy as the importer and the report see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The site id (`id` in site.yaml); tokens must carry it as `iss`.
    pub site_id: String,
    /// The versions tokens may be for, oldest first. The current version may
    /// be among them; if it is not, it counts as a (non-minor) change after
    /// all of them.
    pub known_versions: Vec<KnownVersion>,
    /// The version staff should have completed now.
    pub current_version: String,
    /// Module id → pass mark in percent, for the current version.
    pub modules: BTreeMap<String, i64>,
    /// The same for each earlier published version whose source is kept,
    /// unchanged, under `versions/<id>/`, so a token is held to its own
    /// version's course. A published version missing here cannot be checked.
    pub archived_modules: BTreeMap<String, BTreeMap<String, i64>>,
}

impl Policy {
    /// The modules (with pass marks) of `version`'s course, when known.
    pub(crate) fn modules_for(&self, version: &str) -> Option<&BTreeMap<String, i64>> {
        if version == self.current_version {
            Some(&self.modules)
        } else {
            self.archived_modules.get(version)
        }
    }

    /// The policy of the site at `root` as the ledger sees it: site.yaml,
    /// the published versions (versions.yaml), the current version id and
    /// the course's modules (quizzes/, and each kept version's quizzes).
    pub fn load(root: &Path) -> Result<(SiteConfig, Policy)> {
        let config = SiteConfig::load(root)?;
        // TODO(13): every policy of the library.
        let policy_id = config.policies[0].id.clone();
        let current = crate::versions::policy_version_id(root, &policy_id)?;
        let published: Vec<_> = crate::versions::load_published(root)?
            .into_iter()
            .filter(|v| v.policy == policy_id)
            .collect();
        let pass_mark = config.course.pass_mark;
        let quizzes =
            crate::course::quiz::load(root, &policy_id, pass_mark).map_err(Error::Input)?;
        let modules = quizzes
            .iter()
            .map(|q| (q.module.clone(), q.pass_mark))
            .collect();
        let mut archived_modules = BTreeMap::new();
        for version in published.iter().filter(|v| v.id != current) {
            // Only a kept source that is still exactly the published version
            // says what its course was: a missing folder would read as a
            // course of no modules, and an edited one as another course.
            let kept = crate::versions::archive_dir(root, &policy_id, &version.id);
            if !kept.is_dir()
                || crate::versions::policy_version_id(&kept, &policy_id)
                    .ok()
                    .as_ref()
                    != Some(&version.id)
            {
                continue;
            }
            if let Ok(quizzes) = crate::course::quiz::load(&kept, &policy_id, pass_mark) {
                archived_modules.insert(
                    version.id.clone(),
                    quizzes
                        .iter()
                        .map(|q| (q.module.clone(), q.pass_mark))
                        .collect(),
                );
            }
        }
        let known_versions = published
            .iter()
            .map(|v| KnownVersion {
                id: v.id.clone(),
                label: v.label.clone(),
                published: NaiveDate::parse_from_str(&v.published, "%Y-%m-%d").ok(),
                minor: v.minor,
            })
            .collect();
        let policy = Policy {
            site_id: format!("{}/{}", config.id, policy_id),
            known_versions,
            current_version: current,
            modules,
            archived_modules,
        };
        Ok((config, policy))
    }

    /// True when tokens for `version` may be imported: it is the current
    /// version or a known one.
    pub fn accepts(&self, version: &str) -> bool {
        version == self.current_version || self.position(version).is_some()
    }

    /// True when a completion of `version` still counts now: it is the
    /// current version, or every version published after it up to the
    /// current one was a minor change.
    pub(crate) fn counts_as_current(&self, version: &str) -> bool {
        if version == self.current_version {
            return true;
        }
        let Some(at) = self.position(version) else {
            return false;
        };
        let current = self
            .position(&self.current_version)
            .unwrap_or(self.known_versions.len());
        if current <= at || current == self.known_versions.len() {
            // The current version is older, or was never published (so
            // nobody has said its changes were minor).
            return false;
        }
        self.known_versions[at + 1..=current]
            .iter()
            .all(|v| v.minor)
    }

    /// The day `version` was first published, when it was.
    pub(crate) fn first_published(&self, version: &str) -> Option<NaiveDate> {
        self.version(version).and_then(|v| v.published)
    }

    /// The known version with `id`.
    pub(crate) fn version(&self, id: &str) -> Option<&KnownVersion> {
        self.known_versions.iter().find(|v| v.id == id)
    }

    /// What to call `version` in messages: its label and id when known,
    /// else the id alone.
    pub fn describe(&self, version: &str) -> String {
        match self.version(version) {
            Some(v) if !v.label.is_empty() => format!("{} ({})", v.label, v.id),
            _ => version.to_string(),
        }
    }

    fn position(&self, version: &str) -> Option<usize> {
        self.known_versions.iter().position(|v| v.id == version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(id: &str, minor: bool) -> KnownVersion {
        KnownVersion {
            id: id.to_string(),
            label: format!("label {id}"),
            published: None,
            minor,
        }
    }

    fn policy(versions: &[(&str, bool)], current: &str) -> Policy {
        Policy {
            site_id: "s".to_string(),
            known_versions: versions.iter().map(|(i, m)| version(i, *m)).collect(),
            current_version: current.to_string(),
            modules: BTreeMap::new(),
            archived_modules: BTreeMap::new(),
        }
    }

    #[test]
    fn minor_changes_keep_earlier_completions_current() {
        let p = policy(&[("a", false), ("b", false), ("c", true), ("d", true)], "d");
        assert!(p.counts_as_current("d"));
        assert!(p.counts_as_current("c"));
        assert!(p.counts_as_current("b"));
        assert!(!p.counts_as_current("a"));
        assert!(!p.counts_as_current("zz"));
        assert!(p.accepts("a") && !p.accepts("zz"));
        assert_eq!(p.describe("a"), "label a (a)");
        assert_eq!(p.describe("zz"), "zz");
    }

    #[test]
    fn an_unpublished_current_version_is_a_major_change() {
        let p = policy(&[("a", false), ("b", true)], "draft");
        assert!(p.counts_as_current("draft"));
        assert!(!p.counts_as_current("b"));
        assert!(p.accepts("draft") && p.accepts("a"));
    }
}
