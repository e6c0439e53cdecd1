//! The output folder's guard and the atomic swap, including swaps that fail
//! half-way.

use super::*;

#[test]
fn refusals_name_no_command_line_flag() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("content")).unwrap();
    std::fs::create_dir(root.join("mine")).unwrap();
    std::fs::write(root.join("site.yaml"), "").unwrap();
    let refused = |out: &str| output_folder(root, Some(&root.join(out))).unwrap_err();

    let inside = refused("content/x");
    assert!(matches!(inside.why, Why::Guarded(_)), "{inside:?}");
    assert!(
        inside.to_string().ends_with(
            "it lies inside the site's content/ folder; choose another output folder, e.g. \
         the default output/"
        ),
        "{inside}"
    );
    let mine = refused("mine");
    assert!(matches!(mine.why, Why::NotMarked), "{mine:?}");
    assert!(
        mine.with_advice("pick another")
            .ends_with("so building would replace it; pick another"),
        "{}",
        mine.with_advice("pick another")
    );
    assert!(matches!(refused("site.yaml").why, Why::NotAFolder));
    let tilde = output_folder(Path::new("~/site"), None).unwrap_err();
    assert_eq!(tilde.role, FolderRole::Site);
    assert_eq!(
        tilde.to_string(),
        "the site's folder ~/site starts with `~`, which handbook does not expand; write the \
     folder's full path"
    );
    for message in [inside.to_string(), mine.to_string(), tilde.to_string()] {
        assert!(!message.contains("--"), "{message}");
    }
    // The default output folder of a new site is fine, and it is the
    // folder that is written.
    let out = output_folder(root, None).unwrap();
    assert_eq!(
        out.path(),
        crate::util::paths::normalize(&root.join("output"))
    );
    assert_eq!(out.as_written(), root.join("output"));
}

/// The names in `dir` that a build leaves behind only by mistake.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".handbook-"))
        .collect()
}

fn first_build(out: &Path) {
    write_atomically(out, |d| {
        std::fs::write(d.join("index.html"), "one").unwrap();
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_failed_swap_leaves_the_old_output_and_no_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    first_build(&out);
    // The rename that moves the new site in fails; the old one is put back.
    let calls = std::cell::Cell::new(0);
    let err = write_atomically_with(
        &out,
        |d| {
            std::fs::write(d.join("index.html"), "two").unwrap();
            Ok(())
        },
        &|from, to| {
            calls.set(calls.get() + 1);
            if calls.get() == 2 {
                Err(std::io::Error::other("disk full"))
            } else {
                std::fs::rename(from, to)
            }
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("moving the new site into"),
        "{err}"
    );
    assert_eq!(calls.get(), 3, "moved aside, failed, moved back");
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "one"
    );
    assert!(out.join(OUTPUT_MARKER).is_file());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());

    // The rename that moves the old site aside fails.
    let err = write_atomically_with(
        &out,
        |d| {
            std::fs::write(d.join("index.html"), "three").unwrap();
            Ok(())
        },
        &|_, _| Err(std::io::Error::other("busy")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("moving the old"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "one"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());

    // A first build whose only rename fails.
    let fresh = dir.path().join("fresh");
    assert!(
        write_atomically_with(&fresh, |_| Ok(()), &|_, _| Err(std::io::Error::other("no")))
            .is_err()
    );
    assert!(!fresh.exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_failed_swap_that_cannot_restore_keeps_the_old_site_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    first_build(&out);
    let calls = std::cell::Cell::new(0);
    let err = write_atomically_with(&out, |_| Ok(()), &|from, to| {
        calls.set(calls.get() + 1);
        if calls.get() == 1 {
            std::fs::rename(from, to)
        } else {
            Err(std::io::Error::other("gone"))
        }
    })
    .unwrap_err();
    let kept: Vec<String> = leftovers(dir.path());
    assert_eq!(kept.len(), 1, "only the old site is kept: {kept:?}");
    assert!(kept[0].starts_with(".handbook-old-"), "{kept:?}");
    assert!(err.to_string().contains(&kept[0]), "{err}");
    let old = dir.path().join(&kept[0]).join("output/index.html");
    assert_eq!(std::fs::read_to_string(old).unwrap(), "one");
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_changed_during_the_build_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    first_build(&out);
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("notes.txt"), "mine").unwrap();
    let err = write_atomically(&out, |_| {
        // While the site is written, output/ becomes a link elsewhere.
        std::fs::remove_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&precious, &out).unwrap();
        Ok(())
    })
    .unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(
        std::fs::read_to_string(precious.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(
        std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn failed_write_leaves_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    write_atomically(&out, |d| {
        std::fs::write(d.join("index.html"), "one").unwrap();
        Ok(())
    })
    .unwrap();
    let err = write_atomically(&out, |d| {
        std::fs::write(d.join("index.html"), "two").unwrap();
        Err(Error::Usage("boom".into()))
    });
    assert!(err.is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "one"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
}
