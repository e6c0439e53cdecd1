//! Files and folders that hold secrets or personal data (keys, rosters,
//! ledgers, codes, letters, reports): written so that only the owner can
//! read them, whether or not they existed before.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path`, replacing any earlier file, and leaves it
/// readable and writable by the owner only (0600 on unix), even when the
/// file already existed with wider permissions.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut file = open_private(path, true)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|err| Error::writing(path, err))
}

/// Makes the file `path` if it is not there, empty, and leaves it (new or
/// not, its bytes untouched) readable and writable by the owner only: for a
/// file another library writes, such as the ledger SQLite opens (whose
/// journal files take the same permissions).
pub fn private_file(path: &Path) -> Result<()> {
    open_private(path, false).map(drop)
}

/// `path` opened for writing (made if it is not there, emptied when
/// `truncate`), readable and writable by its owner only (0600 on unix).
fn open_private(path: &Path, truncate: bool) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .map_err(|err| Error::writing(path, err))?;
    restrict(&file, 0o600)
        .map_err(|err| Error::io(format!("protecting {}", path.display()), err))?;
    Ok(file)
}

/// Makes `dir` (and its parents) if needed and leaves it open to its owner
/// only (0700 on unix), even when it already existed.
pub fn private_dir(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|err| Error::creating(dir, err))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|err| Error::io(format!("protecting {}", dir.display()), err))?;
    }
    Ok(())
}

/// Narrows an open file's permissions to `mode` (unix only).
pub fn restrict(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (file, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn existing_files_and_folders_are_narrowed() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("private");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        let file = dir.join("codes.csv");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&file, b"new").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"new");

        // Kept as it is, but narrowed; or made, empty and private.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        let made = dir.join("ledger.sqlite");
        private_file(&made).unwrap();
        assert_eq!(mode(&made), 0o600);
        assert_eq!(std::fs::read(&made).unwrap(), b"");
    }
}
