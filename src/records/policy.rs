//! The library as the records side sees it. Takes the site (site.yaml, the
//! published versions and each policy's quizzes, current and kept); gives
//! what the importer and the report need: the site id tokens must carry,
//! and for every policy its title, who must read it, the versions that
//! were published (and which of them were minor changes), the current
//! version and each version's modules with their pass marks.

use std::collections::BTreeMap;

use std::path::Path;

use chrono::NaiveDate;

use crate::config::{PolicyConfig, SiteConfig};
use crate::error::{Error, Result};
use crate::versions::PublishedVersion;

/// Every policy of the site, in site.yaml's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The site id (`id` in site.yaml); a token's `iss` is
    /// `<site id>/<policy id>`.
    pub site_id: String,
    /// The policies, in site.yaml's order.
    pub policies: Vec<Policy>,
}

impl Library {
    /// The library of the site at `root`: site.yaml, the published
    /// versions (versions.yaml), and for each policy its current version id
    /// and its course's modules (`quizzes/<policy>/`, and each kept
    /// version's quizzes).
    pub fn load(root: &Path) -> Result<(SiteConfig, Library)> {
        let config = SiteConfig::load(root)?;
        let published = crate::versions::load_published(root)?;
        let policies = config
            .policies
            .iter()
            .map(|p| Policy::load(root, &config, p, &published))
            .collect::<Result<Vec<_>>>()?;
        let library = Library {
            site_id: config.id.clone(),
            policies,
        };
        Ok((config, library))
    }

    /// The policy with `id`, if the site has it.
    pub fn get(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The policy ids, for messages: `a`, `b`.
    pub fn list(&self) -> String {
        self.policies
            .iter()
            .map(|p| format!("`{}`", p.id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The `iss` a token for `policy` carries: `<site id>/<policy id>`.
    pub fn issuer(&self, policy: &Policy) -> String {
        format!("{}/{}", self.site_id, policy.id)
    }
}

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

/// One policy as the importer and the report see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The policy id (its key under `policies:` in site.yaml).
    pub id: String,
    /// Its title, e.g. "Social Media Policy".
    pub title: String,
    /// The version label site.yaml gives it now, e.g. "January 2026".
    pub label: String,
    /// The roster roles that must read it (`all`: everyone).
    pub required_for: Vec<String>,
    /// Days a person has to complete it once assigned.
    pub due_days: i64,
    /// Re-confirm every this many months, if set.
    pub renew_months: Option<i64>,
    /// The versions tokens may be for, oldest first. The current version may
    /// be among them; if it is not, it counts as a (non-minor) change after
    /// all of them.
    pub known_versions: Vec<KnownVersion>,
    /// The version staff should have completed now.
    pub current_version: String,
    /// Module id → pass mark in percent, for the current version.
    pub modules: BTreeMap<String, i64>,
    /// The same for each earlier published version whose source is kept,
    /// unchanged, under `versions/<policy>/<id>/`, so a token is held to its own
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

    /// `config`'s policy as the ledger sees it, with its versions among
    /// `published` (every policy's).
    fn load(
        root: &Path,
        site: &SiteConfig,
        config: &PolicyConfig,
        published: &[PublishedVersion],
    ) -> Result<Policy> {
        let policy_id = config.id.as_str();
        let current = crate::versions::policy_version_id(root, policy_id)?;
        let published: Vec<&PublishedVersion> =
            crate::versions::of_policy(published, policy_id).collect();
        let pass_mark = site.course.pass_mark;
        let modules = course_modules(root, policy_id, pass_mark).map_err(Error::Input)?;
        let mut archived_modules = BTreeMap::new();
        for version in published.iter().filter(|v| v.id != current) {
            // Only a kept source that is still exactly the published version
            // says what its course was: a missing folder would read as a
            // course of no modules, and an edited one as another course.
            let kept = crate::versions::archive_dir(root, policy_id, &version.id);
            if !kept.is_dir()
                || crate::versions::policy_version_id(&kept, policy_id)
                    .ok()
                    .as_ref()
                    != Some(&version.id)
            {
                continue;
            }
            if let Ok(modules) = course_modules(&kept, policy_id, pass_mark) {
                archived_modules.insert(version.id.clone(), modules);
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
        Ok(Policy {
            id: policy_id.to_string(),
            title: config.title.clone(),
            label: config.version.clone(),
            required_for: config.required_for.clone(),
            due_days: config.due_days,
            renew_months: config.renew_months,
            known_versions,
            current_version: current,
            modules,
            archived_modules,
        })
    }

    /// True when a person with `role` must read this policy (roles compare
    /// trimmed and without regard to case; `all` is everyone).
    pub fn is_required_for(&self, role: &str) -> bool {
        self.required_for.iter().any(|r| {
            let r = r.trim();
            r.eq_ignore_ascii_case("all") || r.eq_ignore_ascii_case(role.trim())
        })
    }

    /// The current version as people call it: its published label and id,
    /// or, before it is published, site.yaml's label marked as such.
    pub fn current_label(&self) -> String {
        match self.version(&self.current_version) {
            Some(_) => self.describe(&self.current_version),
            None if !self.label.trim().is_empty() => format!(
                "{} (not yet published, {})",
                self.label.trim(),
                self.current_version
            ),
            None => self.current_version.clone(),
        }
    }

    /// True when tokens for `version` may be imported: it is the current
    /// version or a known one.
    pub fn accepts(&self, version: &str) -> bool {
        version == self.current_version || self.position(version).is_some()
    }

    /// The version the report measures against (SPEC §6): the current
    /// content when it is published or nothing is, otherwise the latest
    /// published version, so that unpublished edits in `content/` never
    /// change anyone's standing.
    pub fn measured_version(&self) -> &str {
        match self.known_versions.last() {
            Some(latest) if self.position(&self.current_version).is_none() => &latest.id,
            _ => &self.current_version,
        }
    }

    /// True when a completion of `version` still counts now: it is the
    /// current content or the version measured against, or every version
    /// published after it up to that one was a minor change.
    pub(crate) fn counts_as_current(&self, version: &str) -> bool {
        let measured = self.measured_version();
        if version == self.current_version || version == measured {
            return true;
        }
        let (Some(at), Some(to)) = (self.position(version), self.position(measured)) else {
            return false;
        };
        to > at && self.known_versions[at + 1..=to].iter().all(|v| v.minor)
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

/// The modules of the course of `policy` under `root`, with pass marks.
fn course_modules(
    root: &Path,
    policy: &str,
    pass_mark: i64,
) -> std::result::Result<BTreeMap<String, i64>, Vec<crate::error::Diagnostic>> {
    Ok(crate::course::quiz::load(root, policy, pass_mark)?
        .iter()
        .map(|q| (q.module.clone(), q.pass_mark))
        .collect())
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
            id: "p".to_string(),
            title: "P".to_string(),
            label: String::new(),
            required_for: vec!["all".to_string()],
            due_days: 30,
            renew_months: None,
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
    fn unpublished_edits_do_not_change_what_counts() {
        // a, then a minor b; the content has been edited since (draft).
        let p = policy(&[("a", false), ("b", true)], "draft");
        assert_eq!(p.measured_version(), "b");
        assert!(p.counts_as_current("draft"), "the content staff read now");
        assert!(p.counts_as_current("b"), "the latest published");
        assert!(p.counts_as_current("a"), "only a minor change since");
        assert!(p.accepts("draft") && p.accepts("a"));
        // A major change published after a: a no longer counts, draft or not.
        let p = policy(&[("a", false), ("b", false)], "draft");
        assert!(!p.counts_as_current("a"));
        assert!(p.counts_as_current("b"));
        // Nothing published: the content is what counts.
        let p = policy(&[], "draft");
        assert_eq!(p.measured_version(), "draft");
        assert!(p.counts_as_current("draft") && !p.counts_as_current("a"));
    }
}

#[cfg(test)]
mod library_tests {
    use super::*;

    #[test]
    fn roles_compare_trimmed_and_caseless() {
        let mut p = Policy {
            id: "p".to_string(),
            title: "P".to_string(),
            label: String::new(),
            required_for: vec![" Teacher ".to_string(), "TA".to_string()],
            due_days: 30,
            renew_months: None,
            known_versions: Vec::new(),
            current_version: "x".to_string(),
            modules: BTreeMap::new(),
            archived_modules: BTreeMap::new(),
        };
        assert!(p.is_required_for("teacher"));
        assert!(p.is_required_for(" ta"));
        assert!(!p.is_required_for("Volunteer"));
        p.required_for = vec!["All".to_string()];
        assert!(p.is_required_for("Volunteer"));
        p.label = "Spring 2026".to_string();
        assert_eq!(p.current_label(), "Spring 2026 (not yet published, x)");
        p.known_versions.push(KnownVersion {
            id: "x".to_string(),
            label: "Spring 2026".to_string(),
            published: None,
            minor: false,
        });
        assert_eq!(p.current_label(), "Spring 2026 (x)");
    }
}
