//! Interactive tools defined as data: a decision tree ("Who do I tell?"),
//! a checklist and a form. A page names its tool's YAML file in its front
//! matter (`tool: who-do-i-tell.yaml`); this module parses and checks the
//! file (every reference resolves, every quotation is the policy's own
//! words) and gives the page template what it needs to show the tool, with
//! and without JavaScript.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::yaml_message;
use crate::content::is_slug;
use crate::error::{Diagnostic, Resolution};

/// One choice of a question in a decision tree.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// What the reader picks.
    pub label: String,
    /// The node it leads to.
    pub next: String,
}

/// A node of a decision tree: a question with choices, or an answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Unique within the tree.
    pub id: String,
    /// For a question: what is asked.
    #[serde(default)]
    pub question: Option<String>,
    /// A hint shown under the question.
    #[serde(default)]
    pub help: Option<String>,
    /// For a question: the choices.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// For an answer: what to do.
    #[serde(default)]
    pub answer: Option<String>,
    /// For an answer: the policy's own words.
    #[serde(default)]
    pub quote: Option<String>,
    /// For an answer: where the words are (`page#anchor`).
    #[serde(default)]
    pub policy_ref: Option<String>,
    /// For an answer that rests on more than one line of the policy: the
    /// further quotations.
    #[serde(default)]
    pub also: Vec<Quotation>,
}

/// A further line of the policy an answer rests on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quotation {
    /// The policy's own words.
    pub quote: String,
    /// Where they are (`page#anchor`).
    pub policy_ref: String,
}

/// A decision tree.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tree {
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    intro: Option<String>,
    start: String,
    nodes: Vec<Node>,
}

/// One item of a checklist.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique within the checklist.
    pub id: String,
    /// The policy's own words.
    pub text: String,
    /// A short practical note.
    pub how_to: String,
    /// Where the words are (`page#anchor`).
    pub policy_ref: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Checklist {
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    intro: Option<String>,
    items: Vec<Item>,
}

/// The kinds of form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
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
pub struct Field {
    /// Unique within the form.
    pub id: String,
    /// The question the field answers.
    pub label: String,
    /// What kind of input.
    pub kind: FieldKind,
    /// Must be filled in.
    #[serde(default)]
    pub required: bool,
    /// For `names`: at least this many.
    #[serde(default)]
    pub min: Option<usize>,
    /// A hint.
    #[serde(default)]
    pub help: Option<String>,
    /// For `choice`: the options.
    #[serde(default)]
    pub options: Vec<String>,
    /// Where the field comes from in the policy.
    #[serde(default)]
    pub policy_ref: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Form {
    #[allow(dead_code)]
    kind: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    intro: Option<String>,
    fields: Vec<Field>,
}

#[derive(Debug, Clone)]
enum Data {
    Tree(Tree),
    Checklist(Checklist),
    Form(Form),
}

/// A tool, loaded and checked.
#[derive(Debug, Clone)]
pub struct Tool {
    /// The YAML file, relative to `content/` (`/` separated).
    pub source: String,
    /// The file as named in messages.
    pub file: PathBuf,
    text: String,
    data: Data,
}

/// What the checks need from the rest of the site: whether a `page#anchor`
/// resolves, and the plain text of a page (for quotations).
pub trait PolicyLookup {
    /// Whether `page#anchor` resolves.
    fn resolve(&self, reference: &str) -> Resolution;
    /// The page's text as readers see it, whitespace collapsed.
    fn page_text(&self, page: &str) -> Option<String>;
    /// The page's URL and title, for links.
    fn link(&self, reference: &str) -> (String, String);
}

/// Reads and parses the tool file named by a page's front matter.
pub fn load(content_dir: &Path, page_source: &str, tool: &str) -> Result<Tool, Diagnostic> {
    let page_file = Path::new(crate::content::CONTENT_DIR).join(page_source);
    let source = crate::util::paths::resolve_link(page_source, tool).ok_or_else(|| {
        Diagnostic::error(
            &page_file,
            None,
            format!("tool `{tool}` points outside content/"),
        )
        .help("put the tool's YAML file in content/, next to the page")
    })?;
    let file = Path::new(crate::content::CONTENT_DIR).join(&source);
    let path = content_dir.join(&source);
    let root = content_dir.parent().unwrap_or(content_dir);
    if let Some(message) = crate::content::link_problem(root, &path) {
        return Err(Diagnostic::error(&file, None, message).help(crate::content::LINK_HELP));
    }
    let bytes = std::fs::read(&path).map_err(|err| {
        Diagnostic::error(
            &page_file,
            None,
            format!("cannot read the tool file {}: {err}", file.display()),
        )
        .help("check the file name in the page's `tool:`; it is relative to the page's folder")
    })?;
    let text = crate::config::utf8_text(&file, bytes)?;
    let text = text.replace("\r\n", "\n");
    let kind = serde_yaml::from_str::<serde_yaml::Value>(&text)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_string)));
    let fail = |err: serde_yaml::Error| {
        Diagnostic::error(
            &file,
            crate::config::error_line(&text, &err),
            yaml_message(&err),
        )
        .help("see docs/tools.md for the format of each kind of tool")
    };
    let data = match kind.as_deref() {
        Some("decision_tree") => Data::Tree(serde_yaml::from_str(&text).map_err(fail)?),
        Some("checklist") => Data::Checklist(serde_yaml::from_str(&text).map_err(fail)?),
        Some("form") => Data::Form(serde_yaml::from_str(&text).map_err(fail)?),
        other => {
            return Err(Diagnostic::error(
                &file,
                crate::config::key_line(&text, "kind").or(Some(1)),
                match other {
                    Some(kind) => format!("unknown tool kind `{kind}`"),
                    None => "the tool file has no `kind`".to_string(),
                },
            )
            .help("start the file with `kind: decision_tree`, `kind: checklist` or `kind: form`"));
        }
    };
    Ok(Tool {
        source,
        file,
        text,
        data,
    })
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Tool {
    fn line_of_id(&self, id: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|line| {
                let line = line.trim_start().trim_start_matches("- ").trim();
                line.strip_prefix("id:")
                    .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == id)
            })
            .map(|i| i + 1)
    }

    /// Checks the tool against the policy; returns every problem.
    pub fn validate(&self, policy: &dyn PolicyLookup) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut error = |line: Option<usize>, message: String, help: &str| {
            problems.push(Diagnostic::error(&self.file, line, message).help(help.to_string()));
        };
        let check_ref =
            |line: Option<usize>,
             what: &str,
             reference: &str,
             quote: Option<&str>,
             error: &mut dyn FnMut(Option<usize>, String, &str)| {
                if let Err((message, help)) = policy.resolve(reference) {
                    error(
                        line,
                        format!("{what}: policy_ref `{reference}` {message}"),
                        &help,
                    );
                    return;
                }
                if let Some(quote) = quote {
                    let page = reference.split('#').next().unwrap_or(reference);
                    let text = policy.page_text(page).unwrap_or_default();
                    if !text.contains(&normalise(quote)) {
                        error(
                            line,
                            format!(
                                "{what}: the quotation is not in content/{page}.md word for word"
                            ),
                            "copy the policy's exact words (curly quotes and punctuation included), or correct policy_ref",
                        );
                    }
                }
            };
        let mut ids = HashSet::new();
        let mut unique =
            |id: &str, line: Option<usize>, error: &mut dyn FnMut(Option<usize>, String, &str)| {
                if !is_slug(id) {
                    error(
                        line,
                        format!("id `{id}` is not valid"),
                        "use lower-case letters, digits and `-`",
                    );
                } else if !ids.insert(id.to_string()) {
                    error(
                        line,
                        format!("id `{id}` is used twice"),
                        "give every entry its own id",
                    );
                }
            };
        match &self.data {
            Data::Tree(tree) => {
                let by_id: HashMap<&str, &Node> =
                    tree.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
                for node in &tree.nodes {
                    let line = self.line_of_id(&node.id);
                    unique(&node.id, line, &mut error);
                    let what = format!("node `{}`", node.id);
                    match (&node.question, &node.answer) {
                        (Some(question), None) => {
                            if question.trim().is_empty() {
                                error(
                                    line,
                                    format!("{what} has an empty question"),
                                    "write the question",
                                );
                            }
                            if node.choices.len() < 2 {
                                error(
                                    line,
                                    format!("{what} is a question with fewer than two choices"),
                                    "give the question at least two `choices`",
                                );
                            }
                            for choice in &node.choices {
                                if choice.label.trim().is_empty() {
                                    error(
                                        line,
                                        format!("{what} has a choice without a label"),
                                        "give every choice a `label`",
                                    );
                                }
                                if !by_id.contains_key(choice.next.as_str()) {
                                    error(
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
                            if answer.trim().is_empty() {
                                error(
                                    line,
                                    format!("{what} has an empty answer"),
                                    "say what to do",
                                );
                            }
                            match (&node.quote, &node.policy_ref) {
                                (Some(quote), Some(reference)) => {
                                    check_ref(line, &what, reference, Some(quote), &mut error)
                                }
                                _ => error(
                                    line,
                                    format!("{what} is an answer without `quote` and `policy_ref`"),
                                    "quote the policy line the answer comes from and point to it with policy_ref: page#anchor",
                                ),
                            }
                        }
                        _ => error(
                            line,
                            format!(
                                "{what} must have either a `question` (with choices) or an `answer`"
                            ),
                            "a node asks a question or gives an answer, not both",
                        ),
                    }
                }
                if !by_id.contains_key(tree.start.as_str()) {
                    error(
                        crate::config::key_line(&self.text, "start"),
                        format!("start node `{}` does not exist", tree.start),
                        "set `start` to the id of the first question",
                    );
                } else {
                    // Every node reachable, and no way round in circles.
                    let mut state: HashMap<&str, u8> = HashMap::new();
                    let mut stack = vec![(tree.start.as_str(), 0usize)];
                    while let Some((id, next_choice)) = stack.pop() {
                        let Some(node) = by_id.get(id) else { continue };
                        if next_choice == 0 {
                            state.insert(id, 1);
                        }
                        if let Some(choice) = node.choices.get(next_choice) {
                            stack.push((id, next_choice + 1));
                            match state.get(choice.next.as_str()) {
                                Some(1) => error(
                                    self.line_of_id(id),
                                    format!(
                                        "node `{id}` leads back to `{}`: the tree goes round in a circle",
                                        choice.next
                                    ),
                                    "make every path end in an answer",
                                ),
                                Some(_) => {}
                                None => stack.push((choice.next.as_str(), 0)),
                            }
                        } else {
                            state.insert(id, 2);
                        }
                    }
                    for node in &tree.nodes {
                        if !state.contains_key(node.id.as_str()) {
                            error(
                                self.line_of_id(&node.id),
                                format!(
                                    "node `{}` cannot be reached from `{}`",
                                    node.id, tree.start
                                ),
                                "lead to it from a question's choices, or remove it",
                            );
                        }
                    }
                }
            }
            Data::Checklist(list) => {
                if list.items.is_empty() {
                    error(
                        crate::config::key_line(&self.text, "items"),
                        "the checklist has no items".to_string(),
                        "add items",
                    );
                }
                for item in &list.items {
                    let line = self.line_of_id(&item.id);
                    unique(&item.id, line, &mut error);
                    if item.how_to.trim().is_empty() {
                        error(
                            line,
                            format!("item `{}` has an empty how_to", item.id),
                            "add a short practical note",
                        );
                    }
                    check_ref(
                        line,
                        &format!("item `{}`", item.id),
                        &item.policy_ref,
                        Some(&item.text),
                        &mut error,
                    );
                }
            }
            Data::Form(form) => {
                if form.fields.is_empty() {
                    error(
                        crate::config::key_line(&self.text, "fields"),
                        "the form has no fields".to_string(),
                        "add fields",
                    );
                }
                for field in &form.fields {
                    let line = self.line_of_id(&field.id);
                    unique(&field.id, line, &mut error);
                    if field.label.trim().is_empty() {
                        error(
                            line,
                            format!("field `{}` has an empty label", field.id),
                            "give the field a label",
                        );
                    }
                    if field.kind == FieldKind::Choice && field.options.len() < 2 {
                        error(
                            line,
                            format!(
                                "field `{}` is a choice with fewer than two options",
                                field.id
                            ),
                            "list the options under `options:`",
                        );
                    }
                    if field.kind != FieldKind::Names && field.min.is_some() {
                        error(
                            line,
                            format!("field `{}`: `min` is only for `names` fields", field.id),
                            "remove `min`",
                        );
                    }
                    if let Some(reference) = &field.policy_ref {
                        check_ref(
                            line,
                            &format!("field `{}`", field.id),
                            reference,
                            None,
                            &mut error,
                        );
                    }
                }
            }
        }
        problems
    }

    /// The `tool` object the page template receives.
    pub fn context(&self, policy: &dyn PolicyLookup) -> Value {
        let link = |reference: &Option<String>| match reference {
            Some(r) => {
                let (url, title) = policy.link(r);
                (Value::from(url), Value::from(title))
            }
            None => (Value::Null, Value::Null),
        };
        match &self.data {
            Data::Tree(tree) => {
                let nodes: HashMap<&str, Value> = tree
                    .nodes
                    .iter()
                    .map(|n| {
                        let (url, title) = link(&n.policy_ref);
                        let mut value = serde_json::to_value(n).unwrap_or(Value::Null);
                        value["policy_url"] = url;
                        value["policy_title"] = title;
                        value["also"] = n
                            .also
                            .iter()
                            .map(|more| {
                                let (url, title) = link(&Some(more.policy_ref.clone()));
                                json!({"quote": more.quote, "policy_url": url, "policy_title": title})
                            })
                            .collect();
                        (n.id.as_str(), value)
                    })
                    .collect();
                let by_id: HashMap<&str, &Node> =
                    tree.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
                let mut outline = vec![json!({"event": "open_list"})];
                outline_node(&tree.start, None, &by_id, &nodes, &mut outline, 0);
                outline.push(json!({"event": "close_list"}));
                let ordered: Vec<&Value> = tree
                    .nodes
                    .iter()
                    .filter_map(|n| nodes.get(n.id.as_str()))
                    .collect();
                let data = json!({"kind": "decision_tree", "start": tree.start, "nodes": ordered});
                json!({
                    "kind": "decision_tree",
                    "title": tree.title,
                    "intro": tree.intro,
                    "start": tree.start,
                    "nodes": ordered,
                    "outline": outline,
                    "json": crate::util::html::script_json(&data),
                })
            }
            Data::Checklist(list) => {
                let items: Vec<Value> = list
                    .items
                    .iter()
                    .map(|item| {
                        let (url, title) = link(&Some(item.policy_ref.clone()));
                        json!({"id": item.id, "text": item.text, "how_to": item.how_to, "policy_url": url, "policy_title": title})
                    })
                    .collect();
                let data = json!({"kind": "checklist", "items": items});
                json!({
                    "kind": "checklist",
                    "title": list.title,
                    "intro": list.intro,
                    "items": items,
                    "json": crate::util::html::script_json(&data),
                })
            }
            Data::Form(form) => {
                let fields: Vec<Value> = form
                    .fields
                    .iter()
                    .map(|field| {
                        let (url, title) = link(&field.policy_ref);
                        let mut value = serde_json::to_value(field).unwrap_or(Value::Null);
                        value["policy_url"] = url;
                        value["policy_title"] = title;
                        value
                    })
                    .collect();
                let first = form.fields.iter().find_map(|f| f.policy_ref.clone());
                let (url, title) = link(&first);
                let data = json!({"kind": "form", "title": form.title, "fields": fields});
                json!({
                    "kind": "form",
                    "title": form.title,
                    "intro": form.intro,
                    "fields": fields,
                    "policy_url": url,
                    "policy_title": title,
                    "json": crate::util::html::script_json(&data),
                })
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Policy;
    impl PolicyLookup for Policy {
        fn resolve(&self, reference: &str) -> Resolution {
            if reference.starts_with("safeguarding#") {
                Ok(())
            } else {
                Err((
                    "points to a page that does not exist".into(),
                    "fix it".into(),
                ))
            }
        }
        fn page_text(&self, _page: &str) -> Option<String> {
            Some("Concerns regarding a pupil's online behaviour will be reported to the DSL, who will investigate.".into())
        }
        fn link(&self, reference: &str) -> (String, String) {
            (reference.replace('#', ".html#"), "Safeguarding".into())
        }
    }

    fn tool(text: &str) -> Tool {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.yaml"), text).unwrap();
        load(dir.path(), "page.md", "t.yaml").unwrap()
    }

    const TREE: &str = "kind: decision_tree
start: start
nodes:
  - id: start
    question: What is it about?
    choices:
      - label: A pupil
        next: dsl
      - label: Something else
        next: other
  - id: dsl
    answer: Tell the DSL.
    quote: \"Concerns regarding a pupil's online behaviour will be reported to the DSL\"
    policy_ref: safeguarding#concerns-about-pupils
  - id: other
    answer: Tell the DSL too.
    quote: \"will investigate\"
    policy_ref: safeguarding#concerns-about-pupils
";

    #[test]
    fn a_good_tree_checks_and_outlines() {
        let tree = tool(TREE);
        assert!(tree.validate(&Policy).is_empty());
        let context = tree.context(&Policy);
        let events: Vec<&str> = context["outline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            events,
            [
                "open_list",
                "item",
                "open_list",
                "item",
                "close_item",
                "item",
                "close_item",
                "close_list",
                "close_item",
                "close_list"
            ]
        );
        assert_eq!(
            context["nodes"][1]["policy_url"],
            "safeguarding.html#concerns-about-pupils"
        );
    }

    #[test]
    fn misquotes_circles_and_orphans_are_errors() {
        let text = TREE
            .replace(
                "will be reported to the DSL\"",
                "must be reported to the DSL\"",
            )
            .replace("next: other", "next: start");
        let problems: Vec<String> = tool(&text)
            .validate(&Policy)
            .iter()
            .map(|d| d.to_string())
            .collect();
        let all = problems.join("\n");
        assert!(all.contains("content/t.yaml:11: node `dsl`: the quotation is not in content/safeguarding.md word for word"), "{all}");
        assert!(all.contains("leads back to `start`"), "{all}");
        assert!(
            all.contains("content/t.yaml:15: node `other` cannot be reached"),
            "{all}"
        );
    }

    #[test]
    fn unknown_kind_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.yaml"), "kind: quiz\n").unwrap();
        assert!(
            load(dir.path(), "page.md", "t.yaml")
                .unwrap_err()
                .to_string()
                .contains("unknown tool kind `quiz`")
        );
        std::fs::write(
            dir.path().join("t.yaml"),
            "kind: checklist\nitems: []\ncolour: red\n",
        )
        .unwrap();
        assert!(
            load(dir.path(), "page.md", "t.yaml")
                .unwrap_err()
                .to_string()
                .contains("content/t.yaml:3: unknown field `colour`")
        );
    }

    #[test]
    fn form_rules() {
        let form = tool(
            "kind: form\nfields:\n  - id: aim\n    label: Aim\n    kind: choice\n    options: [One]\n  - id: aim\n    label: Again\n    kind: text\n    min: 2\n",
        );
        let all: String = form
            .validate(&Policy)
            .iter()
            .map(|d| d.to_string() + "\n")
            .collect();
        assert!(
            all.contains("is a choice with fewer than two options"),
            "{all}"
        );
        assert!(all.contains("id `aim` is used twice"), "{all}");
        assert!(all.contains("`min` is only for `names` fields"), "{all}");
    }
}
