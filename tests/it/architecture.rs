//! The layout keeps its promises (docs/architecture.md): the library's
//! modules import each other in one direction only, `util` is a leaf over
//! `error`, and nothing outside the binary's own files prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::project_root;

/// Every library source file (not the binary's), with its text minus
/// comments and unit tests.
fn library_sources() -> Vec<(String, String)> {
    let src = project_root().join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !rel.ends_with(".rs")
                || rel == "main.rs"
                || rel == "cli.rs"
                || rel.starts_with("cmd/")
                || rel.ends_with("tests.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let code: String = code
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            out.push((rel, code));
        }
    }
    out.sort();
    out
}

/// The module a file belongs to for the picture: its top folder or file,
/// and for `util` its own file (util's files are separate leaves).
fn module_of(rel: &str) -> String {
    let stem = rel.trim_end_matches(".rs");
    let mut parts = stem.split('/');
    let top = parts.next().unwrap_or("");
    match (top, parts.next()) {
        ("util", Some(file)) if file != "mod" => format!("util::{file}"),
        _ => top.to_string(),
    }
}

/// Module → the modules it names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in library_sources() {
        let from = module_of(&rel);
        if from == "lib" {
            continue;
        }
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
                .collect();
            let mut segments = name.split("::");
            let top = segments.next().unwrap_or("").to_string();
            let to = if top == "util" {
                match segments.next() {
                    Some(file) if !file.is_empty() => format!("util::{file}"),
                    _ => top,
                }
            } else {
                top
            };
            if !to.is_empty() && to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn modules_import_each_other_one_way() {
    let graph = imports();
    assert!(
        graph.contains_key("site"),
        "the reader found the site stage"
    );
    assert!(
        find_cycle(&graph).is_none(),
        "import cycle: {:?}",
        find_cycle(&graph)
    );
}

#[test]
fn a_cycle_would_be_found() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "a"]);
}

#[test]
fn util_is_a_leaf_over_error() {
    for (from, to) in imports() {
        if from.starts_with("util") {
            for module in &to {
                assert!(
                    module == "error" || module.starts_with("util::"),
                    "{from} imports {module}"
                );
            }
        }
        if from == "error" {
            assert!(
                to.iter().all(|m| m.starts_with("util::")),
                "error imports {to:?}"
            );
        }
    }
}

#[test]
fn only_the_binary_prints() {
    for (rel, code) in library_sources() {
        for what in ["println!", "eprintln!", "print!(", "eprint!(", "dbg!("] {
            assert!(
                !code.contains(what),
                "src/{rel} uses {what}: return a value or an event and let src/cmd print it"
            );
        }
    }
    assert!(Path::new(&project_root().join("src/cmd/mod.rs")).is_file());
}
