//! Interactive tools defined as data: a decision tree ("Who do I tell?"),
//! a checklist and a form. A page names its tool's YAML file in its front
//! matter (`tool: who-do-i-tell.yaml`).
//!
//! Takes the tool file and the policy's pages (through [`PolicyLookup`]);
//! gives a checked [`Tool`], the problems it has (every reference
//! resolves, every quotation is the policy's own words) and the object the
//! page template shows it from, with and without JavaScript. What all
//! kinds share (the file, `title`, `intro`, ids, references) is here; each
//! kind's own rules and context are in its module.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::content::is_slug;
use crate::error::{Diagnostic, Resolution};
use crate::util::yaml;

mod checklist;
mod form;
mod tree;

use checklist::{Checklist, Item};
use form::{Field, Form};
use tree::{Node, Tree};

/// A tool file as written: the keys every kind takes, then each kind's
/// own (which [`ToolFile::into_data`] checks belong to its kind).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolFile {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    intro: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    nodes: Option<Vec<Node>>,
    #[serde(default)]
    items: Option<Vec<Item>>,
    #[serde(default)]
    fields: Option<Vec<Field>>,
}

/// One kind of tool, with its own keys.
#[derive(Debug, Clone)]
enum Data {
    Tree(Tree),
    Checklist(Checklist),
    Form(Form),
}

/// The kinds, with the keys each takes besides `kind`, `title` and `intro`.
const KINDS: [(&str, &[&str]); 3] = [
    ("decision_tree", &["start", "nodes"]),
    ("checklist", &["items"]),
    ("form", &["fields"]),
];

impl ToolFile {
    /// The kind's own data, or the problem: no kind, an unknown one, a key
    /// it needs and lacks, or a key of another kind.
    fn into_data(self, file: &Path, text: &str) -> Result<Data, Diagnostic> {
        let kind_line = yaml::key_line(text, "kind").or(Some(1));
        let kind = self.kind.as_deref().unwrap_or_default();
        let Some(&(kind, keys)) = KINDS.iter().find(|(name, _)| *name == kind) else {
            let message = match &self.kind {
                Some(kind) => format!("unknown tool kind `{kind}`"),
                None => "the tool file has no `kind`".to_string(),
            };
            return Err(Diagnostic::error(file, kind_line, message).help(
                "start the file with `kind: decision_tree`, `kind: checklist` or `kind: form`",
            ));
        };
        let given = [
            ("start", self.start.is_some()),
            ("nodes", self.nodes.is_some()),
            ("items", self.items.is_some()),
            ("fields", self.fields.is_some()),
        ];
        let takes = format!("a {kind} takes kind, title, intro, {}", keys.join(", "));
        for (key, is_given) in given {
            if is_given && !keys.contains(&key) {
                return Err(Diagnostic::error(
                    file,
                    yaml::key_line(text, key),
                    format!("a {kind} has no `{key}`"),
                )
                .help(format!("{takes} (see docs/tools.md)")));
            }
            if !is_given && keys.contains(&key) {
                return Err(Diagnostic::error(
                    file,
                    kind_line,
                    format!("the {kind} has no `{key}`"),
                )
                .help(format!("add `{key}:`; {takes} (see docs/tools.md)")));
            }
        }
        // Each kind's own keys were checked above.
        Ok(match kind {
            "decision_tree" => Data::Tree(Tree {
                start: self.start.unwrap_or_default(),
                nodes: self.nodes.unwrap_or_default(),
            }),
            "checklist" => Data::Checklist(Checklist {
                items: self.items.unwrap_or_default(),
            }),
            _ => Data::Form(Form {
                fields: self.fields.unwrap_or_default(),
            }),
        })
    }
}

/// A tool, loaded and checked.
#[derive(Debug, Clone)]
pub(crate) struct Tool {
    /// The YAML file, relative to `content/` (`/` separated).
    pub(crate) source: String,
    /// The file as named in messages.
    pub(crate) file: PathBuf,
    text: String,
    title: Option<String>,
    intro: Option<String>,
    data: Data,
}

/// What the checks need from the rest of the site: whether a `page#anchor`
/// resolves, and the plain text of a page (for quotations).
pub(crate) trait PolicyLookup {
    /// Whether `page#anchor` resolves.
    fn resolve(&self, reference: &str) -> Resolution;
    /// The page's text as readers see it, whitespace collapsed.
    fn page_text(&self, page: &str) -> Option<String>;
    /// The page's URL and title, for links.
    fn link(&self, reference: &str) -> (String, String);
}

/// Reads and parses the tool file named by a page's front matter. A
/// problem with the page's `tool:` (a path out of `content/`, a file that
/// cannot be read) is reported on the page's file; a problem inside the
/// tool file on the tool file, at its own line.
pub(crate) fn load(content_dir: &Path, page_source: &str, tool: &str) -> Result<Tool, Diagnostic> {
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
    let text = crate::util::source::utf8_text(&file, bytes)?.replace("\r\n", "\n");
    let raw: ToolFile = yaml::parse(&file, &text)
        .map_err(|problem| problem.help("see docs/tools.md for the format of each kind of tool"))?;
    let title = raw.title.clone();
    let intro = raw.intro.clone();
    let data = raw.into_data(&file, &text)?;
    Ok(Tool {
        source,
        file,
        text,
        title,
        intro,
        data,
    })
}

/// `text` with every run of whitespace made one space, as the policy's
/// plain text is.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checks of one tool file: they gather its problems, each at a line
/// of the file.
struct Checks<'a> {
    tool: &'a Tool,
    policy: &'a dyn PolicyLookup,
    ids: HashSet<String>,
    problems: Vec<Diagnostic>,
}

impl Checks<'_> {
    fn error(&mut self, line: Option<usize>, message: String, help: &str) {
        self.problems
            .push(Diagnostic::error(&self.tool.file, line, message).help(help.to_string()));
    }

    /// The line of the entry with this `id`.
    fn id_line(&self, id: &str) -> Option<usize> {
        yaml::id_line(&self.tool.text, id)
    }

    /// The line of a top-level key such as `start:`.
    fn key_line(&self, key: &str) -> Option<usize> {
        yaml::key_line(&self.tool.text, key)
    }

    /// An entry's id is a slug, and no other entry of the file has it.
    fn unique(&mut self, id: &str, line: Option<usize>) {
        if !is_slug(id) {
            self.error(
                line,
                format!("id `{id}` is not valid"),
                "use lower-case letters, digits and `-`",
            );
        } else if !self.ids.insert(id.to_string()) {
            self.error(
                line,
                format!("id `{id}` is used twice"),
                "give every entry its own id",
            );
        }
    }

    /// `reference` resolves and, when there is a `quote`, the page it
    /// points to has those words.
    fn policy_ref(
        &mut self,
        line: Option<usize>,
        what: &str,
        reference: &str,
        quote: Option<&str>,
    ) {
        if let Err((message, help)) = self.policy.resolve(reference) {
            self.error(
                line,
                format!("{what}: policy_ref `{reference}` {message}"),
                &help,
            );
            return;
        }
        let Some(quote) = quote else { return };
        let page = reference.split('#').next().unwrap_or(reference);
        let text = self.policy.page_text(page).unwrap_or_default();
        if !text.contains(&normalise(quote)) {
            self.error(
                line,
                format!("{what}: the quotation is not in content/{page}.md word for word"),
                "copy the policy's exact words (curly quotes and punctuation included), or correct policy_ref",
            );
        }
    }
}

/// A `policy_ref` as the template links it: the page's URL and title, or
/// two nulls when there is none.
type Link<'a> = dyn Fn(Option<&str>) -> (Value, Value) + 'a;

impl Tool {
    /// Checks the tool against the policy; returns every problem.
    pub(crate) fn validate(&self, policy: &dyn PolicyLookup) -> Vec<Diagnostic> {
        let mut checks = Checks {
            tool: self,
            policy,
            ids: HashSet::new(),
            problems: Vec::new(),
        };
        match &self.data {
            Data::Tree(tree) => tree.validate(&mut checks),
            Data::Checklist(list) => list.validate(&mut checks),
            Data::Form(form) => form.validate(&mut checks),
        }
        checks.problems
    }

    /// The `tool` object the page template receives.
    pub(crate) fn context(&self, policy: &dyn PolicyLookup) -> Value {
        let link = |reference: Option<&str>| match reference {
            Some(r) => {
                let (url, title) = policy.link(r);
                (Value::from(url), Value::from(title))
            }
            None => (Value::Null, Value::Null),
        };
        let mut context = match &self.data {
            Data::Tree(tree) => tree.context(&link),
            Data::Checklist(list) => list.context(&link),
            Data::Form(form) => form.context(&self.title, &link),
        };
        context["title"] = self.title.clone().into();
        context["intro"] = self.intro.clone().into();
        context
    }
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
    fn answers_name_the_people_they_send_the_reader_to() {
        let text = TREE.replace(
            "    answer: Tell the DSL.\n",
            "    answer: Tell the DSL.\n    tell: [dsl]\n",
        );
        let tree = tool(&text);
        assert!(tree.validate(&Policy).is_empty());
        assert_eq!(
            tree.context(&Policy)["nodes"][1]["tell"],
            serde_json::json!(["dsl"])
        );
        let wrong = text
            .replace("tell: [dsl]", "tell: [caretaker]")
            .replace("    choices:\n", "    tell: [dsl]\n    choices:\n");
        let all: Vec<String> = tool(&wrong)
            .validate(&Policy)
            .iter()
            .map(|d| d.to_string())
            .collect();
        let all = all.join("\n");
        assert!(
            all.contains("node `dsl`: `tell` names `caretaker`, which is not a role"),
            "{all}"
        );
        assert!(
            all.contains("node `start` is a question with `tell`"),
            "{all}"
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
    fn each_kind_takes_its_own_keys() {
        let dir = tempfile::tempdir().unwrap();
        let error = |text: &str| {
            std::fs::write(dir.path().join("t.yaml"), text).unwrap();
            load(dir.path(), "page.md", "t.yaml")
                .unwrap_err()
                .to_string()
        };
        let shown = error("title: T\nkind: checklist\nitems: []\nnodes: []\n");
        assert!(
            shown.starts_with("error: content/t.yaml:4: a checklist has no `nodes`"),
            "{shown}"
        );
        assert!(
            shown.contains("a checklist takes kind, title, intro, items"),
            "{shown}"
        );
        let shown = error("title: T\nkind: decision_tree\nnodes: []\n");
        assert!(
            shown.starts_with("error: content/t.yaml:2: the decision_tree has no `start`"),
            "{shown}"
        );
        let shown = error("title: T\n");
        assert!(
            shown.starts_with("error: content/t.yaml:1: the tool file has no `kind`"),
            "{shown}"
        );
        let shown = error("kind: form\nfields: [\n");
        assert!(
            shown.starts_with("error: content/t.yaml:3: is not valid YAML"),
            "{shown}"
        );
        // Title and intro are shown for every kind.
        std::fs::write(
            dir.path().join("t.yaml"),
            "kind: checklist\ntitle: Habits\nintro: Tick them.\nitems: []\n",
        )
        .unwrap();
        let context = load(dir.path(), "page.md", "t.yaml")
            .unwrap()
            .context(&Policy);
        assert_eq!(context["title"], "Habits");
        assert_eq!(context["intro"], "Tick them.");
        assert_eq!(context["kind"], "checklist");
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
