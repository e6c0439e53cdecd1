//! `kind: checklist`: lines of the policy to tick off, each with a short
//! practical note. Every item's text must be the policy's own words.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Checks, Link};

/// One item of a checklist.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Item {
    /// Unique within the checklist.
    id: String,
    /// The policy's own words.
    text: String,
    /// A short practical note.
    how_to: String,
    /// Where the words are (`page#anchor`).
    policy_ref: String,
}

/// A checklist's own keys.
#[derive(Debug, Clone)]
pub(super) struct Checklist {
    /// The items in order.
    pub(super) items: Vec<Item>,
}

impl Checklist {
    pub(super) fn validate(&self, checks: &mut Checks<'_>) {
        if self.items.is_empty() {
            checks.error(
                checks.key_line("items"),
                "the checklist has no items".to_string(),
                "add items",
            );
        }
        for item in &self.items {
            let line = checks.id_line(&item.id);
            checks.unique(&item.id, line);
            if item.how_to.trim().is_empty() {
                checks.error(
                    line,
                    format!("item `{}` has an empty how_to", item.id),
                    "add a short practical note",
                );
            }
            checks.policy_ref(
                line,
                &format!("item `{}`", item.id),
                &item.policy_ref,
                Some(&item.text),
            );
        }
    }

    pub(super) fn context(&self, link: &Link<'_>) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|item| {
                let (url, title) = link(Some(&item.policy_ref));
                json!({"id": item.id, "text": item.text, "how_to": item.how_to, "policy_url": url, "policy_title": title})
            })
            .collect();
        let data = json!({"kind": "checklist", "items": items});
        json!({
            "kind": "checklist",
            "items": items,
            "json": crate::util::html::script_json(&data),
        })
    }
}
