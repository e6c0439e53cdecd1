//! `handbook keys init`: creates the master key from which every staff
//! member's personal code is made.

use std::io::Write as _;
use std::path::Path;

use crate::cli::{KeysArgs, KeysCommand};
use handbook::error::{Error, Result};
use handbook::records::token::{MASTER_KEY_FILE, MasterKey, ensure_private_dir};

pub(crate) fn run(root: &Path, args: &KeysArgs) -> Result<()> {
    match args.command {
        KeysCommand::Init => init(root),
    }
}

fn init(root: &Path) -> Result<()> {
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder; run this in the handbook's folder or pass --root DIR",
            root.display()
        )));
    }
    ensure_private_dir(root)?;
    let path = root.join(MASTER_KEY_FILE);
    let key = MasterKey::generate()?;
    let mut options = std::fs::OpenOptions::new();
    // create_new: never replace a key, even if two runs race.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{MASTER_KEY_FILE} already exists, and handbook will not replace it: every \
                 personal code already issued was made from it and would stop working. \
                 If you really mean to start again, move the old key somewhere safe first \
                 (then run `handbook codes` and send everyone a new letter)"
            )));
        }
        Err(err) => return Err(Error::creating(&path, err)),
    };
    let written = file
        .write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(err) = written {
        // Do not leave a half-written key behind to be refused next time.
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(Error::writing(&path, err));
    }
    println!(
        "Created {MASTER_KEY_FILE} (readable by you only).

Back it up now. Every staff member's personal code is made from this key:
  - if it is lost, every code must be re-issued and everyone who has not yet
    finished must start again with a new code;
  - anyone who has it can make completion tokens in anyone's name, so keep
    it as safe as the school's other secrets.
It is one line of 64 hex digits (0-9, a-f): print it or copy it onto paper
and keep that in the school safe. Never commit it, e-mail it or put it on
the website (.handbook/ is git-ignored and never published).

Next: save the staff list as .handbook/roster.csv and run
  handbook codes .handbook/roster.csv --out .handbook/codes.csv --letters .handbook/letters.html"
    );
    Ok(())
}
