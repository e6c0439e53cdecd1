//! Giving each row of an old ledger (schema 1, one policy per site) its
//! policy, when migration 2 adds the column. Runs inside the migration's
//! transaction, so a ledger is either wholly migrated or untouched.
//!
//! A row's policy is, in this order:
//! 1. for a token row, the last `/`-part of its stored token's `iss`, if
//!    that names a policy of the site (a v1 site id was often
//!    `<school>/<policy>`, e.g. `ppat/social-media`);
//! 2. the one policy of the site whose current or published versions
//!    include the row's version id (this covers rows recorded by hand);
//! 3. the site's only policy, when it has exactly one;
//! 4. else none: the row keeps an empty policy and the report lists it
//!    apart as "policy unknown", never dropping it.

use rusqlite::{Transaction, params};

use crate::records::policy::Library;

/// Fills in `policy` for every row that has none.
pub(super) fn policies(tx: &Transaction<'_>, library: &Library) -> rusqlite::Result<()> {
    let rows: Vec<(i64, Option<String>, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, token, policy_version FROM completions WHERE policy = ''")?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare("UPDATE completions SET policy = ?1 WHERE id = ?2")?;
    for (id, token, version) in rows {
        let iss = token
            .as_deref()
            .and_then(|t| crate::records::token::decode(t).ok())
            .map(|d| d.claims.iss);
        if let Some(policy) = policy_of(library, iss.as_deref(), &version) {
            update.execute(params![policy, id])?;
        }
    }
    Ok(())
}

/// The policy of an old row with the token's `iss` (if it had a token)
/// and `version`, by the rules above.
pub(super) fn policy_of(library: &Library, iss: Option<&str>, version: &str) -> Option<String> {
    if let Some(last) = iss.and_then(|iss| iss.rsplit('/').next())
        && library.get(last).is_some()
    {
        return Some(last.to_string());
    }
    let mut having = library.policies.iter().filter(|p| p.accepts(version));
    if let (Some(only), None) = (having.next(), having.next()) {
        return Some(only.id.clone());
    }
    match library.policies.as_slice() {
        [only] => Some(only.id.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::records::policy::Policy;

    fn policy(id: &str, current: &str) -> Policy {
        Policy {
            id: id.to_string(),
            title: id.to_string(),
            label: String::new(),
            required_for: vec!["all".to_string()],
            due_days: 30,
            renew_months: None,
            known_versions: Vec::new(),
            current_version: current.to_string(),
            modules: BTreeMap::new(),
            archived_modules: BTreeMap::new(),
        }
    }

    #[test]
    fn the_iss_then_the_version_then_the_only_policy() {
        let two = Library {
            site_id: "ppat".to_string(),
            policies: vec![policy("social-media", "aaaa"), policy("behaviour", "bbbb")],
        };
        let of = |iss, v| policy_of(&two, iss, v);
        assert_eq!(
            of(Some("ppat/social-media"), "zzzz").as_deref(),
            Some("social-media")
        );
        assert_eq!(of(Some("ppat"), "bbbb").as_deref(), Some("behaviour"));
        assert_eq!(of(None, "aaaa").as_deref(), Some("social-media"));
        assert_eq!(of(Some("other/thing"), "zzzz"), None);
        let one = Library {
            site_id: "ppat".to_string(),
            policies: vec![policy("social-media", "aaaa")],
        };
        assert_eq!(
            policy_of(&one, Some("old-site"), "zzzz").as_deref(),
            Some("social-media")
        );
    }
}
