//! `handbook build`: builds the site into the output folder.

use std::path::Path;
use std::time::Instant;

use crate::cli::BuildArgs;
use handbook::error::Result;

pub(crate) fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let summary = handbook::site::build(root, args.out.as_deref())?;
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    // `--root .` gives `./output`; say `output/`, as the user thinks of it.
    let out = summary.out.strip_prefix(".").unwrap_or(&summary.out);
    println!(
        "Built {} pages into {}/ in {:.2}s",
        summary.pages,
        handbook::util::text::terminal_safe(&out.display().to_string()),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
