//! `handbook new DIR`: a small handbook that builds at once.

use crate::cli::NewArgs;
use handbook::error::Result;

pub(crate) fn run(args: &NewArgs) -> Result<()> {
    handbook::scaffold::create(&args.dir)?;
    println!(
        "Created a new handbook in {dir}\nNext: cd {dir} && handbook build   (then open output/index.html)",
        dir = handbook::util::text::terminal_safe(&args.dir.display().to_string())
    );
    Ok(())
}
