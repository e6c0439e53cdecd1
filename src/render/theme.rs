//! Finding a theme's files. Three layers, each replacing the files of the
//! one below by name and keeping the rest: the built-in theme (embedded in
//! the binary by `build.rs`), the site's `themes/<name>/`, and the site's
//! own `templates/` and `static/`. A site theme that is not built in has no
//! layer beneath it: it is used whole, but for the built-in translation
//! files (`i18n/`), which lie beneath its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The one built-in theme.
const BUILT_IN: &str = "default";

/// The site folder that holds its themes.
const THEMES_DIR: &str = "themes";

/// What a theme file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A Tera template, under `templates/`.
    Template,
    /// A file copied as it is to the output, under `static/`.
    Static,
    /// A translation of the interface, under `i18n/` (`en-GB.yaml`).
    I18n,
}

impl Kind {
    fn dir(self) -> &'static str {
        match self {
            Kind::Template => "templates",
            Kind::Static => "static",
            Kind::I18n => "i18n",
        }
    }
}

/// A theme's files after every layer is applied.
#[derive(Debug, Clone, Default)]
pub(crate) struct Theme {
    /// Template name (e.g. `page.html`) → source text.
    pub(crate) templates: BTreeMap<String, String>,
    /// Where each template came from, for error messages.
    pub(crate) origins: BTreeMap<String, PathBuf>,
    /// Static file path (e.g. `style.css`) → bytes.
    pub(crate) statics: BTreeMap<String, Vec<u8>>,
    /// Translation file name (e.g. `en-GB.yaml`) → its text.
    pub(crate) i18n: BTreeMap<String, I18nFile>,
    /// The site's theme folder, when it is used whole (not built in).
    own_theme: Option<PathBuf>,
    /// For each file the site provides outside [`Theme::own_theme`], the
    /// file used, or `None` when it is a copy of the built-in file.
    own_files: BTreeMap<(Kind, String), Option<PathBuf>>,
}

/// A translation file of the theme (render::i18n reads it).
#[derive(Debug, Clone)]
pub(crate) struct I18nFile {
    /// Its text.
    pub(crate) text: String,
    /// Where it came from, for error messages.
    pub(crate) origin: PathBuf,
}

impl Theme {
    /// Loads theme `name` for the site at `root`: the built-in theme of
    /// that name under the site's `themes/<name>/`, or that folder alone
    /// when no theme of the name is built in; then the site's own
    /// `templates/` and `static/` over it.
    pub(crate) fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        let built_in = name == BUILT_IN;
        if built_in {
            theme.add_built_in();
        } else {
            // A theme of the site's own still speaks the built-in
            // languages, beneath its own translation files.
            theme.add_built_in_i18n();
        }
        let folder = Path::new(THEMES_DIR).join(name);
        if root.join(&folder).is_dir() {
            if !built_in {
                theme.own_theme = Some(folder.clone());
            }
            theme.read_layer(root, &folder, !built_in)?;
        } else if !built_in {
            return Err(not_found(root, name));
        }
        theme.read_layer(root, Path::new(""), false)?;
        Ok(theme)
    }

    /// The site's theme folder (`themes/<name>`), when the site's theme is
    /// not built in and so is used whole.
    pub(crate) fn own_theme(&self) -> Option<&Path> {
        self.own_theme.as_deref()
    }

    /// The site's files used instead of the built-in theme's, or added to
    /// it, templates first (`templates/page.html`,
    /// `themes/default/static/style.css`). A file that is byte for byte the
    /// built-in one is not listed, nor are the files of
    /// [`Theme::own_theme`].
    pub(crate) fn own_files(&self) -> Vec<PathBuf> {
        self.own_files.values().flatten().cloned().collect()
    }

    fn add_built_in(&mut self) {
        for (path, bytes) in DEFAULT_THEME {
            if let Some(template) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                self.templates.insert(template.to_string(), text);
                self.origins.insert(
                    template.to_string(),
                    PathBuf::from(format!("(built-in theme)/{path}")),
                );
            } else if let Some(file) = path.strip_prefix("static/") {
                self.statics.insert(file.to_string(), bytes.to_vec());
            }
        }
        self.add_built_in_i18n();
    }

    fn add_built_in_i18n(&mut self) {
        for (path, bytes) in DEFAULT_THEME {
            if let Some(file) = path.strip_prefix("i18n/") {
                let file_info = I18nFile {
                    text: String::from_utf8_lossy(bytes).into_owned(),
                    origin: PathBuf::from(format!("(built-in theme)/{path}")),
                };
                self.i18n.insert(file.to_string(), file_info);
            }
        }
    }

    /// Reads `templates/` and `static/` under `base` (relative to `root`),
    /// and `i18n/` too when `base` is a theme folder (a site has no
    /// `i18n/` of its own outside its themes).
    /// `whole`: the layer is the site's own theme, used whole.
    fn read_layer(&mut self, root: &Path, base: &Path, whole: bool) -> Result<()> {
        let kinds: &[Kind] = if base.as_os_str().is_empty() {
            &[Kind::Template, Kind::Static]
        } else {
            &[Kind::Template, Kind::Static, Kind::I18n]
        };
        for &kind in kinds {
            let shown = base.join(kind.dir());
            for (name, bytes) in read_files(&root.join(&shown))? {
                let file = shown.join(&name);
                if !whole {
                    // Over a built-in theme, a copy of its file changes nothing.
                    let changes =
                        self.own_theme.is_some() || built_in_file(kind, &name) != Some(&bytes[..]);
                    self.own_files
                        .insert((kind, name.clone()), changes.then(|| file.clone()));
                }
                match kind {
                    Kind::Template => {
                        let text =
                            crate::util::source::utf8_text(&file, bytes).map_err(Error::input)?;
                        self.templates.insert(name.clone(), text);
                        self.origins.insert(name, file);
                    }
                    Kind::Static => {
                        self.statics.insert(name, bytes);
                    }
                    Kind::I18n => {
                        let text =
                            crate::util::source::utf8_text(&file, bytes).map_err(Error::input)?;
                        let origin = file;
                        self.i18n.insert(name, I18nFile { text, origin });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The built-in theme's file of that kind and name.
fn built_in_file(kind: Kind, name: &str) -> Option<&'static [u8]> {
    DEFAULT_THEME
        .iter()
        .find(|(path, _)| {
            path.strip_prefix(kind.dir())
                .and_then(|rest| rest.strip_prefix('/'))
                == Some(name)
        })
        .map(|(_, bytes)| *bytes)
}

/// The text of the built-in theme's translation file `name`
/// (`en-GB.yaml`).
pub(super) fn built_in_i18n(name: &str) -> Option<&'static str> {
    built_in_file(Kind::I18n, name).and_then(|bytes| std::str::from_utf8(bytes).ok())
}

/// Every file under `dir` that is not hidden, by `/`-separated path
/// within it, sorted; nothing when `dir` is not a folder.
fn read_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| Error::reading(dir, err.into()))?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(|err| Error::reading(entry.path(), err))?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// The error for a `theme:` that names neither a built-in theme nor a
/// folder of the site, at the `theme:` line of site.yaml.
fn not_found(root: &Path, name: &str) -> Error {
    let line = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
        .ok()
        .and_then(|text| crate::util::yaml::key_line(&text, "theme"));
    let name = crate::util::text::terminal_safe(name);
    Error::input(
        Diagnostic::error(
            crate::config::CONFIG_FILE,
            line,
            format!("theme `{name}` not found"),
        )
        .help(format!(
            "there is no folder themes/{name}/ in the site; create it (with templates/ \
             and static/), or set `theme: default` for the built-in theme"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn built_in_text(kind: Kind, name: &str) -> String {
        String::from_utf8(built_in_file(kind, name).unwrap().to_vec()).unwrap()
    }

    #[test]
    fn site_files_replace_built_in_files_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "themes/default/templates/page.html", "old page");
        write(root, "themes/default/static/style.css", "old css");
        write(root, "templates/page.html", "new page");
        write(root, "static/logo.svg", "<svg/>");
        let theme = Theme::load(root, "default").unwrap();
        assert_eq!(theme.templates["page.html"], "new page");
        assert_eq!(theme.origins["page.html"], Path::new("templates/page.html"));
        assert_eq!(theme.statics["style.css"], b"old css");
        assert_eq!(theme.statics["logo.svg"], b"<svg/>");
        // Everything else is the built-in theme's.
        assert_eq!(
            theme.templates["base.html"],
            built_in_text(Kind::Template, "base.html")
        );
        assert_eq!(
            theme.origins["base.html"],
            Path::new("(built-in theme)/templates/base.html")
        );
        assert_eq!(
            theme.statics["search.js"],
            built_in_file(Kind::Static, "search.js").unwrap()
        );
        assert_eq!(
            theme.templates.len(),
            DEFAULT_THEME
                .iter()
                .filter(|(p, _)| p.starts_with("templates/"))
                .count()
        );
        assert_eq!(
            theme.own_files(),
            [
                "templates/page.html",
                "static/logo.svg",
                "themes/default/static/style.css"
            ]
            .map(PathBuf::from)
        );
        assert_eq!(theme.own_theme(), None);
    }

    #[test]
    fn a_copy_of_a_built_in_file_is_not_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let base = built_in_text(Kind::Template, "base.html");
        write(root, "themes/default/templates/base.html", &base);
        write(root, "themes/default/templates/page.html", "changed");
        // The site's own copy of page.html puts the built-in text back.
        write(
            root,
            "templates/page.html",
            &built_in_text(Kind::Template, "page.html"),
        );
        let theme = Theme::load(root, "default").unwrap();
        assert_eq!(theme.own_files(), Vec::<PathBuf>::new());
    }

    #[test]
    fn a_theme_that_is_not_built_in_is_used_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "themes/plain/templates/page.html", "theme {{ x }}");
        write(root, "themes/plain/templates/base.html", "base");
        write(root, "themes/plain/static/plain.css", "p {}");
        write(root, "templates/page.html", "site {{ x }}");
        let theme = Theme::load(root, "plain").unwrap();
        assert_eq!(
            theme.templates.keys().collect::<Vec<_>>(),
            ["base.html", "page.html"]
        );
        assert_eq!(theme.templates["page.html"], "site {{ x }}");
        assert_eq!(theme.statics.keys().collect::<Vec<_>>(), ["plain.css"]);
        // The built-in languages, for the generator's own words.
        assert_eq!(theme.i18n.keys().collect::<Vec<_>>(), ["en-GB.yaml"]);
        assert_eq!(theme.own_theme(), Some(Path::new("themes/plain")));
        assert_eq!(theme.own_files(), [PathBuf::from("templates/page.html")]);
    }

    #[test]
    fn missing_theme_is_an_input_error_at_the_theme_line() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::load(dir.path(), "fancy").unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.to_string().contains("theme `fancy` not found"));
        write(dir.path(), "site.yaml", "id: a/b\ntitle: T\ntheme: fancy\n");
        let err = Theme::load(dir.path(), "fancy").unwrap_err();
        assert!(
            err.to_string()
                .contains("error: site.yaml:3: theme `fancy` not found"),
            "{err}"
        );
    }
}
