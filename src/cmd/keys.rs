//! `handbook keys init`: creates the master key from which every staff
//! member's personal code is made.

use std::path::Path;

use crate::cli::{KeysArgs, KeysCommand};
use handbook::error::{Error, Result};
use handbook::records::private::{MASTER_KEY_FILE, create_master_key};

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
    create_master_key(root).map_err(super::key_error)?;
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
