//! The starter handbook that `handbook new` writes: a site.yaml and a few
//! pages that show the content format and build at once.

use std::path::Path;

use crate::error::{Error, Result};

/// The files of a new handbook: path, contents.
const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "# Site configuration: see docs/authoring.md in the handbook project.
id: my-school/example-policy
title: Example Policy
organisation: My School
aim: \"Every child safe, happy and learning.\"
schools: []
version: First edition
reviewed: 2026-09
next_review: 2027-09
office_email: \"\"
theme: default
language: en-GB
course:
  pass_mark: 80
",
    ),
    (
        "content/_index.md",
        "---
title: Example Policy
print: true
audience: [staff, parents]
summary: \"A starter policy: replace these pages with your own.\"
---
This handbook was made with `handbook new`. Each page in `content/` is one
part of the policy. {#about}
",
    ),
    (
        "content/scope.md",
        "---
title: Scope
weight: 10
audience: [staff]
module: scope
summary: Who this policy applies to.
---
This policy applies to all staff and volunteers. {#who}

See [Roles and responsibilities](roles.md#staff) for what each person does.
",
    ),
    (
        "content/roles.md",
        "---
title: Roles and responsibilities
weight: 20
audience: [staff]
module: roles
summary: Who does what under this policy.
---
## Staff

- Read this policy and complete the course. {#read}
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
