//! The starter handbook that `handbook new` writes: a site.yaml, a few
//! pages and a course module with its quiz, so that a new school sees the
//! whole product (policy pages, print page, course) in its first build.

use std::path::Path;

use crate::error::{Error, Result};

/// The files of a new handbook: path, contents.
const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "# Site configuration: see docs/authoring.md in the handbook project.
id: my-school
title: Policy handbook
organisation: My School
schools: []
office_email: \"\"
theme: default
language: en-GB
course:
  pass_mark: 80
# Each policy has its pages in content/<id>/ and, if staff take a course
# on it, its quizzes in quizzes/<id>/.
policies:
  example-policy:
    title: Example Policy
    aim: \"Every child safe, happy and learning.\"
    version: First edition
    reviewed: 2026-09
    next_review: 2027-09
    owner: Headteacher
    required_for: [all]
    due_days: 30
",
    ),
    (
        "content/_index.md",
        "---
title: Policy handbook
audience: [staff, parents]
summary: \"Our policies: replace the example with your own.\"
---
This handbook was made with `handbook new`. Each policy is a folder of
`content/`, named in `site.yaml`. {#about}
",
    ),
    (
        "content/example-policy/_index.md",
        "---
title: Example Policy
audience: [staff, parents]
summary: \"A starter policy: replace these pages with your own.\"
---
Each page in `content/example-policy/` is one part of the policy. {#about}
",
    ),
    (
        "content/example-policy/scope.md",
        "---
title: Scope
weight: 10
audience: [staff]
module: essentials
summary: Who this policy applies to.
---
This policy applies to all staff and volunteers. {#who}

See [Roles and responsibilities](roles.md#staff) for what each person does.
",
    ),
    (
        "content/example-policy/roles.md",
        "---
title: Roles and responsibilities
weight: 20
audience: [staff]
module: essentials
summary: Who does what under this policy.
---
## Staff

- Read this policy and complete the course. {#read}
",
    ),
    (
        "quizzes/example-policy/essentials.yaml",
        "# A course module: the pages whose front matter says `module: essentials`,
# then these questions. See docs/authoring.md in the handbook project.
module: essentials
title: Policy essentials
weight: 10
questions:
  - id: who
    prompt: Who does this policy apply to?
    kind: single
    options:
      - text: Only teaching staff.
      - text: All staff and volunteers.
        correct: true
    explain: The policy applies to all staff and volunteers.
    policy_ref: example-policy/scope#who
  - id: read-and-complete
    prompt: Staff read this policy and complete the course.
    kind: true_false
    answer: true
    explain: Every member of staff reads the policy and completes the course.
    policy_ref: example-policy/roles#read
",
    ),
    (".gitignore", "output/\n.handbook/\n"),
];

/// Writes a new handbook into `dir`, which must not exist or be empty
/// (see `site::new_folder` for every folder it refuses). No file
/// that exists is ever overwritten.
pub fn create(dir: &Path) -> Result<()> {
    let dir = crate::site::new_folder(dir)?;
    for (path, text) in FILES {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
        }
        // `create_new`: a file that appeared since the check is left alone.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
            .map_err(|err| Error::writing(&path, err))?;
    }
    Ok(())
}
