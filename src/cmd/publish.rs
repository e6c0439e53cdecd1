//! `handbook publish [POLICY]`: records a policy's current content as a
//! published version.

use std::path::Path;

use crate::cli::PublishArgs;
use handbook::error::{Error, Result};
use handbook::versions::{self, PublishError, PublishRequest};

pub(crate) fn run(root: &Path, args: &PublishArgs) -> Result<()> {
    // Only a site that passes `check` can be published.
    if let Err(err) = handbook::site::check(root, false) {
        return Err(match err {
            Error::Input(mut problems) => {
                problems.push(
                    handbook::error::Diagnostic::error(
                        versions::VERSIONS_FILE,
                        None,
                        "not published: `handbook check` found the errors above",
                    )
                    .help("fix them, then publish again"),
                );
                Error::Input(problems)
            }
            other => other,
        });
    }
    let config = handbook::config::SiteConfig::load(root)?;
    if config.office_email.trim().is_empty() {
        return Err(Error::input(
            handbook::error::Diagnostic::error(
                "site.yaml",
                None,
                "not published: office_email is empty, so staff who complete the course \
                 would not know where to send their tokens",
            )
            .help(
                "set office_email to the address that receives tokens, e.g. `office_email: \
                 office@school.example`, then publish again",
            ),
        ));
    }
    let policy = super::choose_policy(&config, args.policy.as_deref(), "publish")?;
    let version = versions::publish(
        root,
        &policy,
        &PublishRequest {
            summary: args.summary.clone(),
            minor: args.minor,
            label: args.label.clone(),
            reviewed: args.reviewed,
            next_review: args.next_review,
            today: handbook::site::today(),
        },
    )
    .map_err(advice)?;
    let kind = if version.minor {
        "a minor change: staff who completed the previous version still count as complete"
    } else {
        "a major change: staff who completed an earlier version will need to read it again"
    };
    let title = config.policy(&policy).map_or("", |p| p.title.as_str());
    println!(
        "Published {} version {} “{}” on {} ({kind}).\n\
         Next: commit versions.yaml, versions/{}/{}/ and site.yaml, then build and deploy the site.",
        handbook::util::text::terminal_safe(title),
        version.id,
        handbook::util::text::terminal_safe(&version.label),
        version.published,
        policy,
        version.id
    );
    Ok(())
}

/// `publish`'s refusals, with the options that put them right.
fn advice(err: PublishError) -> Error {
    Error::Usage(match err {
        PublishError::NoSummary => {
            "say what changed with --summary \"…\" (it is shown in the version history)".to_string()
        }
        PublishError::FirstIsMinor => "the first published version cannot be --minor: \
                                       there is nothing earlier for it to amend"
            .to_string(),
        PublishError::SameLabel(label) => format!(
            "the label “{label}” is the previous version's; give this version its own with --label"
        ),
        PublishError::Failed(err) => return err,
    })
}
