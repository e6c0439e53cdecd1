//! `handbook serve`: builds into a private folder, serves it, rebuilds on
//! change and reloads open pages.

use std::path::Path;

use crate::cli::ServeArgs;
use handbook::error::Result;

pub(crate) fn run(root: &Path, args: &ServeArgs) -> Result<()> {
    handbook::serve::run(&handbook::serve::Options {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
        open: args.open,
    })
}
