//! Writes the library benchmark's site: a trust of 40 policies of 15 pages
//! each (30 with a two-module course, 10 read-only), a 400-person roster
//! across four schools, its master key, and 16,000 completion tokens (every
//! person, every policy) in `inbox/tokens.txt`. `bench/library.sh` times
//! `handbook import`, `report` (and `build`) on it with `/usr/bin/time -v`.
//!
//! `--tokens N` writes N tokens instead: after one per person and policy,
//! each person completes each policy again, a second later each time (ten
//! years of annual re-reading in a large trust, for `bench/import-scale.sh`).
//!
//! Run as `cargo bench --bench library -- DIR [--tokens N]` (harness =
//! false: a plain binary, so `cargo test` does not run it). The output is
//! the same on every run but for the tokens' completion times.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use handbook::records::token::{Claims, MasterKey, Scores, sign};

const POLICIES: usize = 40;
const PAGES: usize = 15;
const READ_ONLY: usize = 10;
const PEOPLE: usize = 400;
const SCHOOLS: [&str; 4] = [
    "Fulwood Moor CE Primary",
    "Ribbleton Hall Primary",
    "St Anne's CE Primary",
    "Brookfield Juniors",
];
const ROLES: [&str; 4] = ["Teacher", "Teaching assistant", "Office", "Volunteer"];
const WORDS: &[&str] = &[
    "staff",
    "pupils",
    "parents",
    "school",
    "trust",
    "policy",
    "report",
    "concern",
    "safeguarding",
    "lead",
    "record",
    "review",
    "training",
    "online",
    "conduct",
    "share",
    "information",
    "consent",
    "headteacher",
    "governors",
    "procedure",
    "immediately",
    "always",
    "never",
    "responsible",
    "designated",
    "every",
    "member",
    "must",
    "should",
    "follow",
    "support",
    "welfare",
    "risk",
    "incident",
    "contact",
    "written",
    "agreed",
    "annual",
];

fn main() {
    let usage = || -> ! {
        eprintln!("usage: cargo bench --bench library -- DIR [--tokens N]");
        std::process::exit(2);
    };
    let mut dir = None;
    let mut count = PEOPLE * POLICIES;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tokens" => {
                count = match args.next().and_then(|n| n.replace('_', "").parse().ok()) {
                    Some(n) => n,
                    None => usage(),
                }
            }
            // What cargo passes to every bench binary.
            "--bench" => {}
            _ if arg.starts_with('-') => usage(),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = dir else { usage() };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clearing the folder");
    }
    let policies: Vec<String> = (0..POLICIES).map(|i| format!("policy-{i:02}")).collect();
    write_site(&dir, &policies);
    let master = MasterKey::from_bytes([11; 32]);
    handbook::records::private::ensure_private_dir(&dir).expect("making .handbook/");
    write_private(&dir, ".handbook/master.key", &master.to_file_text());
    let mut roster = String::from("id,name,email,school,role\n");
    for i in 0..PEOPLE {
        let _ = writeln!(
            roster,
            "S{i:04},Person {i},s{i}@bench.example,{},{}",
            SCHOOLS[i % SCHOOLS.len()],
            ROLES[(i / SCHOOLS.len()) % ROLES.len()]
        );
    }
    write_private(&dir, ".handbook/roster.csv", &roster);

    let tokens = tokens(&dir, &policies, &master, count);
    write_private(&dir, "inbox/tokens.txt", &tokens);
    println!(
        "wrote {POLICIES} policies of {PAGES} pages, {PEOPLE} people and {count} tokens \
         ({} bytes) to {}",
        tokens.len(),
        dir.display()
    );
}

/// `count` tokens, one per line: every person's completion of every
/// policy, then again (a second later each round) until there are enough.
fn tokens(dir: &Path, policies: &[String], master: &MasterKey, count: usize) -> String {
    let now = chrono::Utc::now().timestamp();
    let versions: Vec<String> = policies
        .iter()
        .map(|policy| handbook::versions::policy_version_id(dir, policy).expect("version id"))
        .collect();
    let keys: Vec<_> = (0..PEOPLE)
        .map(|i| master.staff_key(&format!("S{i:04}"), 1).signing_key())
        .collect();
    let round = PEOPLE * POLICIES;
    let mut tokens = String::with_capacity(count * 340);
    for n in 0..count {
        let (again, at) = (n / round, n % round);
        let (p, i) = (at / PEOPLE, at % PEOPLE);
        let id = format!("S{i:04}");
        let mods = if p < POLICIES - READ_ONLY {
            vec![("duties".to_string(), 100), ("reporting".to_string(), 90)]
        } else {
            Vec::new()
        };
        let claims = Claims {
            iss: format!("bench-trust/{}", policies[p]),
            sub: id.clone(),
            iat: now - 86_400 * 20 + at as i64 + (again * round) as i64,
            pv: versions[p].clone(),
            mods: Scores(mods),
            decl: true,
        };
        tokens.push_str(&sign(&keys[i], &id, &claims));
        tokens.push('\n');
    }
    tokens
}

/// Writes `text` to `root/rel`, making its folders.
fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(with_folders(root, rel), text).expect("writing");
}

/// The same for the key, the roster and the tokens, which only their
/// owner may read, as handbook itself writes such files.
fn write_private(root: &Path, rel: &str, text: &str) {
    handbook::util::fs::write_private(&with_folders(root, rel), text.as_bytes()).expect("writing");
}

/// `root/rel`, its folders made.
fn with_folders(root: &Path, rel: &str) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("making folders");
    path
}

/// A deterministic paragraph of `n` words.
fn paragraph(seed: &mut u64, n: usize) -> String {
    let mut words = Vec::with_capacity(n);
    for _ in 0..n {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        words.push(WORDS[(*seed % WORDS.len() as u64) as usize]);
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text + "."
}

fn write_site(dir: &Path, policies: &[String]) {
    let mut yaml = format!(
        "id: bench-trust\ntitle: Policy handbook\norganisation: Bench Academy Trust\n\
         schools: [{}]\noffice_email: office@bench.example\ncourse:\n  pass_mark: 80\npolicies:\n",
        SCHOOLS
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (p, id) in policies.iter().enumerate() {
        let required = match p % 4 {
            0 | 1 => "[all]",
            2 => "[Teacher, Teaching assistant]",
            _ => "[Teacher, Office]",
        };
        let _ = write!(
            yaml,
            "  {id}:\n    title: Policy {p:02}\n    version: Spring 2026\n    reviewed: 2026-01\n    \
             next_review: 2027-{:02}\n    owner: Trust lead {p}\n    required_for: {required}\n",
            p % 12 + 1
        );
    }
    write(dir, "site.yaml", &yaml);
    write(
        dir,
        "content/_index.md",
        "---\ntitle: Policy handbook\naudience: [staff, parents]\n---\nOur policies.\n",
    );
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for (p, id) in policies.iter().enumerate() {
        let course = p < POLICIES - READ_ONLY;
        write(
            dir,
            &format!("content/{id}/_index.md"),
            &format!(
                "---\ntitle: Policy {p:02}\naudience: [staff]\n---\n{}\n",
                paragraph(&mut seed, 60)
            ),
        );
        for page in 1..PAGES {
            let module = match (course, page) {
                (true, 1..=7) => "module: duties\n",
                (true, _) => "module: reporting\n",
                _ => "",
            };
            let next = if page + 1 < PAGES {
                format!(" See [the next part](page-{:02}.md).", page + 1)
            } else {
                String::new()
            };
            let mut body = String::new();
            for section in ["What staff do", "When to report", "Records"] {
                let _ = write!(
                    body,
                    "## {section}\n\n{}\n\n- {}\n- {}\n\n{}{next}\n\n",
                    paragraph(&mut seed, 70),
                    paragraph(&mut seed, 12),
                    paragraph(&mut seed, 12),
                    paragraph(&mut seed, 90),
                );
            }
            write(
                dir,
                &format!("content/{id}/page-{page:02}.md"),
                &format!(
                    "---\ntitle: Part {page}\nweight: {}\naudience: [staff]\n{module}---\n{body}",
                    page * 10
                ),
            );
        }
        if course {
            for (module, page) in [("duties", 1), ("reporting", 8)] {
                write(
                    dir,
                    &format!("quizzes/{id}/{module}.yaml"),
                    &format!(
                        "module: {module}\ntitle: {module}\nquestions:\n  - id: q1\n    \
                         prompt: Who must report a concern?\n    kind: single\n    options:\n      \
                         - text: Only the headteacher.\n      - text: Every member of staff.\n        \
                         correct: true\n    explain: Everyone reports concerns.\n    \
                         policy_ref: {id}/page-{page:02}#when-to-report\n"
                    ),
                );
            }
        }
    }
}
