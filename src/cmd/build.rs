//! `handbook build`: builds the site into the output folder.

use std::path::Path;
use std::time::Instant;

use crate::cli::BuildArgs;
use handbook::error::{Error, Result};
use handbook::site::{FolderRole, Refused, Why};
use handbook::util::text::terminal_safe;

pub(crate) fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let out = handbook::site::output_folder(root, args.out.as_deref()).map_err(with_flags)?;
    let summary = handbook::site::build(&out)?;
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    if let Some(theme) = &summary.own_theme {
        println!("Using the site's own theme: {}/", shown(theme));
    }
    if !summary.own_files.is_empty() {
        let files: Vec<String> = summary.own_files.iter().map(|f| shown(f)).collect();
        println!("Using the site's own: {}", files.join(", "));
    }
    // `--root .` gives `./output`; say `output/`, as the user thinks of it.
    let out = summary.out.strip_prefix(".").unwrap_or(&summary.out);
    println!(
        "Built {} pages into {}/ in {:.2}s",
        summary.pages,
        shown(out),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn shown(path: &Path) -> String {
    terminal_safe(&path.display().to_string()).into_owned()
}

/// A refused folder, with the advice naming the flags that choose it.
fn with_flags(refused: Refused) -> Error {
    let message = match (refused.role, &refused.why) {
        (FolderRole::Site, Why::Tilde) => refused.with_subject("--root"),
        (FolderRole::Output, Why::Tilde) => refused.with_subject("--out"),
        (FolderRole::Output, Why::Guarded(_)) => {
            refused.with_advice("choose another --out, e.g. the default output/")
        }
        (FolderRole::Output, Why::Symlink) => {
            refused.with_advice("give the folder it points to, or another --out")
        }
        (FolderRole::Output, Why::NotAFolder) => refused.with_advice("choose another --out"),
        (FolderRole::Output, Why::NotMarked) => {
            refused.with_advice("remove it yourself or choose another --out")
        }
        _ => return refused.into(),
    };
    Error::Usage(message)
}
