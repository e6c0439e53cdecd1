//! Helpers shared by the integration tests: temporary sites and a way to
//! run the built binary on them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod records;
pub use records::*;

/// The date the tests pretend it is, so review warnings are stable.
pub const TODAY: &str = "2026-01-15";

/// Runs `handbook` with `args`, pinning the date.
pub fn handbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .env("HANDBOOK_TODAY", TODAY)
        .output()
        .expect("the handbook binary runs")
}

/// The text a command printed on stdout and stderr.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The project's own folder (where the real handbook lives).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the fixture site `tests/fixtures/<name>` into `output/` in a new
/// temporary folder (kept as long as the folder is); panics unless the
/// build exits 0.
pub fn build_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("output");
    let root = project_root().join("tests/fixtures").join(name);
    let output = handbook(&[
        "build",
        "--root",
        &root.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    (dir, out)
}

/// A site in a temporary folder.
pub struct TempSite {
    dir: tempfile::TempDir,
}

impl TempSite {
    /// An empty folder.
    pub fn empty() -> TempSite {
        TempSite {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// A small valid site: a home page, one policy (a front page, two pages
    /// and two quiz modules) and a section for parents.
    pub fn new() -> TempSite {
        let site = TempSite::empty();
        for (path, text) in BASE_SITE {
            site.write(path, text);
        }
        site
    }

    /// The site's folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel))
            .unwrap_or_else(|err| panic!("reading {rel}: {err}"))
    }

    /// Runs `handbook <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        let root = self.path().to_string_lossy().into_owned();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--root", &root]);
        handbook(&all)
    }
}

/// The files of the small valid site.
pub const BASE_SITE: &[(&str, &str)] = &[
    (
        "site.yaml",
        "id: test-school
title: Staff handbook
organisation: Test Primary School
schools: [North, South]
office_email: office@example.org
theme: default
language: en-GB
course:
  pass_mark: 80
policies:
  online-safety:
    title: Online Safety Policy
    aim: \"Safe and happy online.\"
    version: Spring 2026
    reviewed: 2026-01
    next_review: 2027-01
    owner: Headteacher
    required_for: [all]
",
    ),
    (
        "content/_index.md",
        "---
title: Staff handbook
audience: [staff, parents]
summary: The school's policies.
---
Our policies, and a course for staff.
",
    ),
    (
        "content/online-safety/_index.md",
        "---
title: Online Safety Policy
audience: [staff, parents]
summary: How we keep everyone safe online.
---
Reviewed January 2026. {#reviewed}
",
    ),
    (
        "content/online-safety/scope.md",
        "---
title: Scope
weight: 10
audience: [staff]
module: scope
summary: Who this policy covers.
---
This policy applies to all staff. {#all-staff}

## Volunteers

Volunteers follow it too. See [roles](roles.md#staff). {#volunteers-too}
",
    ),
    (
        "content/online-safety/roles.md",
        "---
title: Roles and responsibilities
weight: 20
audience: [staff]
module: roles
---
## Staff

- Report concerns to the DSL. {#report}
- Attend training. {#training}

```rust
fn main() {}
```
",
    ),
    (
        "content/parents/_index.md",
        "---
title: For parents and carers
weight: 50
audience: [parents]
---
Pages for families.
",
    ),
    (
        "content/parents/commenting.md",
        "---
title: Commenting about the school
audience: [parents]
---
Please comment kindly. Back to [the policy](../online-safety/scope.md).
",
    ),
    (
        "quizzes/online-safety/scope.yaml",
        "module: scope
title: Scope
weight: 10
questions:
  - id: who
    prompt: Who does the policy apply to?
    kind: single
    options:
      - text: Only teachers.
      - text: All staff.
        correct: true
    explain: It applies to all staff.
    policy_ref: online-safety/scope#all-staff
  - id: volunteers
    prompt: Volunteers follow the policy.
    kind: true_false
    answer: true
    explain: Volunteers follow it too.
    policy_ref: online-safety/scope#volunteers-too
",
    ),
    (
        "quizzes/online-safety/roles.yaml",
        "module: roles
title: Roles
weight: 20
pass_mark: 50
questions:
  - id: staff-duties
    prompt: Which are staff duties?
    kind: multiple
    options:
      - text: Report concerns to the DSL.
        correct: true
      - text: Attend training.
        correct: true
      - text: Post pupils' photos on personal accounts.
    explain: Staff report concerns and attend training.
    policy_ref: online-safety/roles#report
",
    ),
];
