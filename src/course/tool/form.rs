//! `kind: form`: questions to answer (the business case for a new social
//! media account), checked in the browser and printed as an application.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Checks, Link};

/// The kinds of form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A list of people's names.
    Names,
    /// One of a few options.
    Choice,
}

/// One field of a form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Field {
    /// Unique within the form.
    id: String,
    /// The question the field answers.
    label: String,
    /// What kind of input.
    kind: FieldKind,
    /// Must be filled in.
    #[serde(default)]
    required: bool,
    /// For `names`: at least this many.
    #[serde(default)]
    min: Option<usize>,
    /// A hint.
    #[serde(default)]
    help: Option<String>,
    /// For `choice`: the options.
    #[serde(default)]
    options: Vec<String>,
    /// Where the field comes from in the policy.
    #[serde(default)]
    policy_ref: Option<String>,
}

/// A form's own keys.
#[derive(Debug, Clone)]
pub(super) struct Form {
    /// The fields in order.
    pub(super) fields: Vec<Field>,
}

impl Form {
    pub(super) fn validate(&self, checks: &mut Checks<'_>) {
        if self.fields.is_empty() {
            checks.error(
                checks.key_line("fields"),
                "the form has no fields".to_string(),
                "add fields",
            );
        }
        for field in &self.fields {
            let line = checks.id_line(&field.id);
            checks.unique(&field.id, line);
            if field.label.trim().is_empty() {
                checks.error(
                    line,
                    format!("field `{}` has an empty label", field.id),
                    "give the field a label",
                );
            }
            if field.kind == FieldKind::Choice && field.options.len() < 2 {
                checks.error(
                    line,
                    format!(
                        "field `{}` is a choice with fewer than two options",
                        field.id
                    ),
                    "list the options under `options:`",
                );
            }
            if field.kind != FieldKind::Names && field.min.is_some() {
                checks.error(
                    line,
                    format!("field `{}`: `min` is only for `names` fields", field.id),
                    "remove `min`",
                );
            }
            if let Some(reference) = &field.policy_ref {
                checks.policy_ref(line, &format!("field `{}`", field.id), reference, None);
            }
        }
    }

    /// The form's context; `title` goes into the script's data too, for
    /// the printed application's heading.
    pub(super) fn context(&self, title: &Option<String>, link: &Link<'_>) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|field| {
                let (url, title) = link(field.policy_ref.as_deref());
                let mut value = serde_json::to_value(field).unwrap_or(Value::Null);
                value["policy_url"] = url;
                value["policy_title"] = title;
                value
            })
            .collect();
        // The form as a whole links to the policy of its first field that
        // has one.
        let first = self.fields.iter().find_map(|f| f.policy_ref.as_deref());
        let (url, title_of_policy) = link(first);
        let data = json!({"kind": "form", "title": title, "fields": fields});
        json!({
            "kind": "form",
            "fields": fields,
            "policy_url": url,
            "policy_title": title_of_policy,
            "json": crate::util::html::script_json(&data),
        })
    }
}
