//! The customer's policy text (../shared/seed/) must be in the built site,
//! every sentence, word for word and in order.

use crate::support::{handbook, project_root, text};

/// Plain text of an HTML document: tags dropped, entities decoded,
/// whitespace collapsed.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    normalise(&out)
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The seed's sentences: each line without list and emphasis marks, split
/// after full stops.
fn sentences(seed: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in seed.lines() {
        let line = line.trim().trim_start_matches("- ").replace("**", "");
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut current = String::new();
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            current.push_str(word);
            current.push(' ');
            let ends = word.ends_with('.') || word.ends_with('?') || word.ends_with('!');
            let next_starts_upper = words
                .get(i + 1)
                .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()));
            if ends && next_starts_upper && !word.ends_with("e.g.") {
                out.push(current.trim().to_string());
                current.clear();
            }
        }
        if !current.trim().is_empty() {
            out.push(current.trim().to_string());
        }
    }
    out
}

#[test]
fn every_sentence_of_the_seed_is_in_the_built_site_in_order() {
    let seed_dir = project_root().join("../shared/seed");
    if !seed_dir.is_dir() {
        eprintln!(
            "SKIPPED: {} is absent, so the seed text cannot be compared",
            seed_dir.display()
        );
        return;
    }
    let mut seed = String::new();
    let mut files: Vec<_> = std::fs::read_dir(&seed_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        seed.push_str(&std::fs::read_to_string(file).unwrap());
        seed.push('\n');
    }
    // Sentences split by the source's page breaks are joined in content/.
    let seed = seed.replace("will deal\n\nwith the matter", "will deal with the matter");

    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("site");
    let root = project_root();
    let output = handbook(&[
        "build",
        "--root",
        &root.to_string_lossy(),
        "--out",
        &out_dir.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output));

    // In order: the policy's front page (cover) followed by its printable
    // page.
    let policy = out_dir.join("social-media");
    let home = plain(&std::fs::read_to_string(policy.join("index.html")).unwrap());
    let print = plain(&std::fs::read_to_string(policy.join("print.html")).unwrap());
    let document = format!("{home} {print}");
    let mut position = 0;
    let mut missing = Vec::new();
    let all = sentences(&seed);
    assert!(
        all.len() > 140,
        "the seed was read ({} sentences)",
        all.len()
    );
    for sentence in &all {
        let sentence = normalise(sentence);
        match document[position..].find(&sentence) {
            Some(found) => position += found + sentence.len(),
            None if document.contains(&sentence) => {
                // A heading repeated by the source's page layout (the
                // running title) may already have been passed.
                if sentence.split_whitespace().count() > 4 {
                    missing.push(format!("out of order: {sentence}"));
                }
            }
            None => missing.push(format!("missing: {sentence}")),
        }
    }
    assert!(
        missing.is_empty(),
        "{} seed sentences not found in order:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
