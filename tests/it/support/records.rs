//! A small v2 site for the tokens, ledger and report tests (site
//! `test-school`, one policy `online-safety` with two quiz modules of
//! different pass marks; [`Site::add_policy`] adds more), and a way to run
//! the binary on it with standard input.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The site id of the test site.
pub const SITE: &str = "test-school";

/// The `iss` of the test site's first policy's tokens.
pub const SITE_ID: &str = "test-school/online-safety";

/// The test site's first policy.
pub const POLICY: &str = "online-safety";

const SITE_YAML: &str = "id: test-school
title: Staff handbook
organisation: Test Primary Trust
schools: [Hill School, Dale School]
office_email: office@test.example
course:
  pass_mark: 80
policies:
  online-safety:
    title: Online Safety Policy
    version: January 2026
    reviewed: 2025-01
    next_review: 2035-01
    owner: Headteacher
    required_for: [all]
";

const FILES: &[(&str, &str)] = &[
    (
        "content/_index.md",
        "---\ntitle: Staff handbook\naudience: [staff]\n---\nOur policies.\n",
    ),
    (
        "content/online-safety/_index.md",
        "---\ntitle: Online Safety Policy\naudience: [staff]\n---\nThe policy.\n",
    ),
    (
        "content/online-safety/scope.md",
        "---\ntitle: Scope\nweight: 10\naudience: [staff]\nmodule: scope\n---\n\
         ## Who it covers\n\nAll staff and volunteers.\n",
    ),
    (
        "content/online-safety/behaviour.md",
        "---\ntitle: Behaviour online\nweight: 20\naudience: [staff]\nmodule: behaviour\n---\n\
         ## Friend requests\n\nDo not accept friend requests from pupils.\n",
    ),
    (
        "quizzes/online-safety/scope.yaml",
        "module: scope\ntitle: Scope\nquestions:\n  - id: who\n    prompt: Who does the policy cover?\n    kind: single\n    options:\n      - text: Teachers only.\n      - text: All staff and volunteers.\n        correct: true\n    explain: It covers all staff and volunteers.\n    policy_ref: online-safety/scope#who-it-covers\n",
    ),
    (
        "quizzes/online-safety/behaviour.yaml",
        "module: behaviour\ntitle: Behaviour online\npass_mark: 60\nquestions:\n  - id: friend\n    prompt: A pupil sends you a friend request. Do you accept it?\n    kind: single\n    options:\n      - text: Accept it.\n      - text: Do not accept it.\n        correct: true\n    explain: Staff must not friend pupils.\n    policy_ref: online-safety/behaviour#friend-requests\n",
    ),
];

/// Minimal templates, so that `handbook build` works whatever the theme.
const TEMPLATES: &[&str] = &["page", "index", "section", "print", "search", "404"];

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Panics with the output unless the exit code is `code`.
    pub fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// A temporary site: site.yaml, content/ pages and two quiz modules
/// (`scope`, pass mark 80 from site.yaml, and `behaviour`, pass mark 60).
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// Makes the site.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        site.write("site.yaml", SITE_YAML);
        for (path, text) in FILES {
            site.write(path, text);
        }
        for name in TEMPLATES {
            site.write(
                &format!("templates/{name}.html"),
                format!(
                    "<!DOCTYPE html><html lang=\"en\"><title>{name}</title><p>{name}</p></html>\n"
                ),
            );
        }
        site
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path under the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file under the site, making folders as needed.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Adds a policy `id` to site.yaml (after the others) with its front
    /// page and, for each of `modules` (module id, pass mark), a page and
    /// a one-question quiz; no modules makes it read-only.
    /// `required_for` is YAML, e.g. `[all]` or `[Teacher]`.
    pub fn add_policy(&self, id: &str, title: &str, required_for: &str, modules: &[(&str, i64)]) {
        let yaml = self.read("site.yaml")
            + &format!(
                "  {id}:\n    title: {title}\n    version: Spring 2026\n    reviewed: 2026-01\n    \
                 next_review: 2027-01\n    owner: Deputy Head\n    required_for: {required_for}\n"
            );
        self.write("site.yaml", yaml);
        self.write(
            &format!("content/{id}/_index.md"),
            format!("---\ntitle: {title}\naudience: [staff]\n---\nThe {title}.\n"),
        );
        for (weight, (module, pass_mark)) in modules.iter().enumerate() {
            self.write(
                &format!("content/{id}/{module}.md"),
                format!(
                    "---\ntitle: Part {module}\nweight: {w}\naudience: [staff]\nmodule: {module}\n\
                     ---\n## The rule\n\nFollow the {title}.\n",
                    w = (weight + 1) * 10
                ),
            );
            self.write(
                &format!("quizzes/{id}/{module}.yaml"),
                format!(
                    "module: {module}\ntitle: Part {module}\npass_mark: {pass_mark}\nquestions:\n  \
                     - id: rule\n    prompt: Do you follow the policy?\n    kind: true_false\n    \
                     answer: true\n    explain: Everyone follows it.\n    \
                     policy_ref: {id}/{module}#the-rule\n"
                ),
            );
        }
    }

    /// Reads a file under the site.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `handbook --root <site> ARGS` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    /// Runs `handbook --root <site> ARGS` with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run handbook");
        let mut input = child.stdin.take().unwrap();
        let stdin = stdin.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&stdin);
        });
        let output = child.wait_with_output().expect("wait for handbook");
        writer.join().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The command `handbook --root <site> ARGS`, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
        command
            .current_dir(self.root())
            .arg("--root")
            .arg(self.root())
            .args(args);
        command
    }
}

// Keys and signing, for tests that forge tokens the course page would never
// make (another algorithm, a changed header, claims of the wrong type).

/// A staff member's HS256 signing key under `master`.
pub fn signing_key(
    master: [u8; 32],
    id: &str,
    generation: u32,
) -> handbook::records::token::SigningKey {
    handbook::records::token::MasterKey::from_bytes(master)
        .staff_key(id, generation)
        .signing_key()
}

/// base64url without padding, as in tokens.
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token made from raw header and claims JSON, signed with HS256 under
/// `key` (32 bytes), whatever the header says.
pub fn raw_token(header: &str, claims: &str, key: &[u8]) -> String {
    use hmac::{KeyInit as _, Mac as _};
    let input = format!("{}.{}", b64url(header), b64url(claims));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64url(mac.finalize().into_bytes()))
}
