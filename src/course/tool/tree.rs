//! `kind: decision_tree`: one question at a time, each choice leading to
//! another question or to an answer in the policy's own words. Checked so
//! that every choice leads somewhere, every node can be reached and no
//! path goes round in a circle; shown as a nested list without JavaScript.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Checks, Link};

/// One choice of a question in a decision tree.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Choice {
    /// What the reader picks.
    label: String,
    /// The node it leads to.
    next: String,
}

/// A node of a decision tree: a question with choices, or an answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Node {
    /// Unique within the tree.
    id: String,
    /// For a question: what is asked.
    #[serde(default)]
    question: Option<String>,
    /// A hint shown under the question.
    #[serde(default)]
    help: Option<String>,
    /// For a question: the choices.
    #[serde(default)]
    choices: Vec<Choice>,
    /// For an answer: what to do.
    #[serde(default)]
    answer: Option<String>,
    /// For an answer: the policy's own words.
    #[serde(default)]
    quote: Option<String>,
    /// For an answer: where the words are (`page#anchor`).
    #[serde(default)]
    policy_ref: Option<String>,
    /// For an answer that rests on more than one line of the policy: the
    /// further quotations.
    #[serde(default)]
    also: Vec<Quotation>,
    /// For an answer: the people it names (`dsl`, `headteacher`,
    /// `chair_of_governors`), shown with each school's person in the role.
    #[serde(default)]
    tell: Vec<String>,
}

/// A further line of the policy an answer rests on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Quotation {
    /// The policy's own words.
    quote: String,
    /// Where they are (`page#anchor`).
    policy_ref: String,
}

/// A decision tree's own keys.
#[derive(Debug, Clone)]
pub(super) struct Tree {
    /// The id of the first question.
    pub(super) start: String,
    /// The questions and answers.
    pub(super) nodes: Vec<Node>,
}

/// How far a node is through the walk that looks for circles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// On the path being walked: reaching it again is a circle.
    OnPath,
    /// Every path from it has been walked.
    Done,
}

impl Tree {
    fn by_id(&self) -> HashMap<&str, &Node> {
        self.nodes.iter().map(|n| (n.id.as_str(), n)).collect()
    }

    pub(super) fn validate(&self, checks: &mut Checks<'_>) {
        let by_id = self.by_id();
        for node in &self.nodes {
            node.validate(&by_id, checks);
        }
        if !by_id.contains_key(self.start.as_str()) {
            checks.error(
                checks.key_line("start"),
                format!("start node `{}` does not exist", self.start),
                "set `start` to the id of the first question",
            );
        } else {
            self.walk(&by_id, checks);
        }
    }

    /// Every node reachable from `start`, and no way round in circles: a
    /// depth-first walk that keeps its own stack (a deep tree cannot
    /// overflow it).
    fn walk(&self, by_id: &HashMap<&str, &Node>, checks: &mut Checks<'_>) {
        let mut state: HashMap<&str, Visit> = HashMap::new();
        let mut stack = vec![(self.start.as_str(), 0usize)];
        while let Some((id, next_choice)) = stack.pop() {
            let Some(node) = by_id.get(id) else { continue };
            if next_choice == 0 {
                state.insert(id, Visit::OnPath);
            }
            let Some(choice) = node.choices.get(next_choice) else {
                state.insert(id, Visit::Done);
                continue;
            };
            stack.push((id, next_choice + 1));
            match state.get(choice.next.as_str()) {
                Some(Visit::OnPath) => checks.error(
                    checks.id_line(id),
                    format!(
                        "node `{id}` leads back to `{}`: the tree goes round in a circle",
                        choice.next
                    ),
                    "make every path end in an answer",
                ),
                Some(Visit::Done) => {}
                None => stack.push((choice.next.as_str(), 0)),
            }
        }
        for node in &self.nodes {
            if !state.contains_key(node.id.as_str()) {
                checks.error(
                    checks.id_line(&node.id),
                    format!("node `{}` cannot be reached from `{}`", node.id, self.start),
                    "lead to it from a question's choices, or remove it",
                );
            }
        }
    }

    pub(super) fn context(&self, link: &Link<'_>) -> Value {
        let nodes: HashMap<&str, Value> = self
            .nodes
            .iter()
            .map(|n| (n.id.as_str(), n.context(link)))
            .collect();
        let mut outline = vec![json!({"event": "open_list"})];
        outline_node(&self.start, None, &self.by_id(), &nodes, &mut outline, 0);
        outline.push(json!({"event": "close_list"}));
        let ordered: Vec<&Value> = self
            .nodes
            .iter()
            .filter_map(|n| nodes.get(n.id.as_str()))
            .collect();
        let data = json!({"kind": "decision_tree", "start": self.start, "nodes": ordered});
        json!({
            "kind": "decision_tree",
            "start": self.start,
            "nodes": ordered,
            "outline": outline,
            "json": crate::util::html::script_json(&data),
        })
    }
}

impl Node {
    fn validate(&self, by_id: &HashMap<&str, &Node>, checks: &mut Checks<'_>) {
        let line = checks.id_line(&self.id);
        checks.unique(&self.id, line);
        let what = format!("node `{}`", self.id);
        match (&self.question, &self.answer) {
            (Some(question), None) => {
                if question.trim().is_empty() {
                    checks.error(
                        line,
                        format!("{what} has an empty question"),
                        "write the question",
                    );
                }
                if !self.tell.is_empty() {
                    checks.error(
                        line,
                        format!("{what} is a question with `tell`"),
                        "give `tell` on the answers that name people, not on questions",
                    );
                }
                if self.choices.len() < 2 {
                    checks.error(
                        line,
                        format!("{what} is a question with fewer than two choices"),
                        "give the question at least two `choices`",
                    );
                }
                for choice in &self.choices {
                    if choice.label.trim().is_empty() {
                        checks.error(
                            line,
                            format!("{what} has a choice without a label"),
                            "give every choice a `label`",
                        );
                    }
                    if !by_id.contains_key(choice.next.as_str()) {
                        checks.error(
                            line,
                            format!(
                                "{what}: choice “{}” leads to `{}`, which is not a node",
                                choice.label, choice.next
                            ),
                            "set `next` to the id of another node",
                        );
                    }
                }
            }
            (None, Some(answer)) => {
                for role in &self.tell {
                    if !crate::config::ROLES.contains(&role.as_str()) {
                        checks.error(
                            line,
                            format!("{what}: `tell` names `{role}`, which is not a role"),
                            "name dsl, headteacher or chair_of_governors: the people site.yaml \
                             gives for each school",
                        );
                    }
                }
                if answer.trim().is_empty() {
                    checks.error(
                        line,
                        format!("{what} has an empty answer"),
                        "say what to do",
                    );
                }
                match (&self.quote, &self.policy_ref) {
                    (Some(quote), Some(reference)) => {
                        checks.policy_ref(line, &what, reference, Some(quote))
                    }
                    _ => checks.error(
                        line,
                        format!("{what} is an answer without `quote` and `policy_ref`"),
                        "quote the policy line the answer comes from and point to it with policy_ref: page#anchor",
                    ),
                }
            }
            _ => checks.error(
                line,
                format!("{what} must have either a `question` (with choices) or an `answer`"),
                "a node asks a question or gives an answer, not both",
            ),
        }
    }

    /// The node as the template and the script see it: as written, with
    /// its policy links.
    fn context(&self, link: &Link<'_>) -> Value {
        let (url, title) = link(self.policy_ref.as_deref());
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        value["policy_url"] = url;
        value["policy_title"] = title;
        value["also"] = self
            .also
            .iter()
            .map(|more| {
                let (url, title) = link(Some(&more.policy_ref));
                json!({"quote": more.quote, "policy_url": url, "policy_title": title})
            })
            .collect();
        value
    }
}

/// Writes the tree as a nested list: a question's choices are a list
/// inside its item, each choice leading to its node's item.
fn outline_node(
    id: &str,
    via: Option<&str>,
    by_id: &HashMap<&str, &Node>,
    values: &HashMap<&str, Value>,
    out: &mut Vec<Value>,
    depth: usize,
) {
    // The checks rule out circles; the depth limit keeps a broken tree
    // from recursing forever all the same.
    let (Some(node), Some(value)) = (by_id.get(id), values.get(id)) else {
        return;
    };
    if depth > 64 {
        return;
    }
    out.push(json!({"event": "item", "node": value, "via": via}));
    if !node.choices.is_empty() {
        out.push(json!({"event": "open_list"}));
        for choice in &node.choices {
            outline_node(
                &choice.next,
                Some(&choice.label),
                by_id,
                values,
                out,
                depth + 1,
            );
        }
        out.push(json!({"event": "close_list"}));
    }
    out.push(json!({"event": "close_item"}));
}
