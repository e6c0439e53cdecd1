//! Every file a build will write, known before anything is written, so
//! that no two sources write the same file and no source takes the place
//! of one handbook writes itself (the course home, the declaration, the
//! search page …). Paths are compared without letter case, as Windows and
//! macOS compare them: two files that differ only by case would replace
//! each other there.

use std::collections::HashMap;
use std::path::PathBuf;

use super::Prepared;
use crate::error::Diagnostic;

/// Folders of the output that handbook fills itself: nothing in
/// `content/` may be written there.
const RESERVED_FOLDERS: &[(&str, &str)] = &[
    ("course", "the staff course"),
    ("changes", "the \"what changed\" pages"),
];

/// Files handbook writes itself at the root of the output, and what each
/// one is.
const RESERVED_FILES: &[(&str, &str)] = &[
    ("search.html", "the search page"),
    ("search-index.js", "the search index"),
    (super::STRINGS_SCRIPT, "the words of the site's scripts"),
    ("404.html", "the page-not-found page"),
    ("syntax.css", "the colours of highlighted code"),
    (super::course::HOME_URL, "the course home"),
];

/// Files handbook writes itself in each policy's folder of the output
/// (`<policy>/print.html` …), and what each one is.
const POLICY_FILES: &[(&str, &str)] = &[
    ("print.html", "the printable version"),
    ("versions.html", "the version history"),
];

/// Folders handbook fills itself in each policy's folder of the output.
const POLICY_FOLDERS: &[(&str, &str)] = &[("changes", "the \"what changed\" pages")];

/// Who writes a file of the output.
#[derive(Clone)]
enum Origin {
    /// handbook itself: what the file is.
    Reserved(String),
    /// A page of `content/`: its file.
    Page(PathBuf),
    /// A folder's own page when it has no `_index.md`.
    Folder(String),
    /// A file of `content/` copied as it is.
    Asset(PathBuf),
    /// A course module: its quiz file and the line of `module:`.
    Module(PathBuf, usize, String),
}

impl Origin {
    /// How a message names it.
    fn name(&self) -> String {
        match self {
            Origin::Reserved(what) => what.clone(),
            Origin::Page(file) | Origin::Asset(file) => file.display().to_string(),
            Origin::Folder(dir) => format!("the page of the folder content/{dir}/"),
            Origin::Module(file, _, module) => {
                format!("module `{module}` of {}", file.display())
            }
        }
    }

    /// An error at the origin (a source: never [`Origin::Reserved`] or
    /// [`Origin::Folder`]).
    fn error(&self, message: String, help: String) -> Option<Diagnostic> {
        let (file, line) = match self {
            Origin::Page(file) | Origin::Asset(file) => (file, None),
            Origin::Module(file, line, _) => (file, Some(*line)),
            Origin::Reserved(_) | Origin::Folder(_) => return None,
        };
        Some(Diagnostic::error(file, line, message).help(help))
    }

    /// How to fix a source that takes the place of `path`.
    fn rename_help(&self, path: &str) -> String {
        let name = path.rsplit('/').next().unwrap_or(path);
        match self {
            Origin::Module(_, _, module) => format!(
                "give the module another id, here and in the `module:` of its pages, \
                 e.g. `module: {module}-module`"
            ),
            Origin::Page(file) if file.ends_with("index.md") => {
                "a folder's own page is its `_index.md`: rename the file `_index.md`, or give \
                 it another name"
                    .to_string()
            }
            Origin::Page(file) => {
                let stem = file
                    .file_stem()
                    .map_or(String::new(), |s| s.to_string_lossy().into_owned());
                format!("rename the file, e.g. `{stem}-page.md`, and the links to it")
            }
            _ => format!(
                "rename the file; to replace the theme's own {name}, put yours in static/{name}"
            ),
        }
    }
}

impl Prepared<'_> {
    /// Every file the build writes and who writes it, in the order the
    /// checks read them: handbook's own files first, then the pages, the
    /// copied files and the course modules.
    fn planned(&self) -> Vec<(String, Origin)> {
        let site = self.site;
        let mut out: Vec<(String, Origin)> = RESERVED_FILES
            .iter()
            .map(|(path, what)| (path.to_string(), Origin::Reserved(what.to_string())))
            .collect();
        for policy in &site.config.policies {
            for (name, what) in POLICY_FILES {
                out.push((
                    format!("{}/{name}", policy.id),
                    Origin::Reserved(format!("{what} of the {}", policy.title)),
                ));
            }
            out.push((
                super::course::declaration_url(&policy.id),
                Origin::Reserved(format!("the declaration of the {}", policy.title)),
            ));
        }
        for name in site.theme.statics.keys() {
            out.push((
                name.clone(),
                Origin::Reserved(format!("the theme's {name}")),
            ));
        }
        for (entry, url) in self.entries.iter().zip(&self.urls) {
            let origin = match entry.page {
                Some(page) => Origin::Page(page.file()),
                None => Origin::Folder(entry.section.dir.clone()),
            };
            out.push((url.clone(), origin));
        }
        let tools: std::collections::HashSet<&str> =
            self.tools.values().map(|t| t.source.as_str()).collect();
        for asset in &site.assets.files {
            if !tools.contains(asset.as_str()) {
                let file = PathBuf::from(crate::content::CONTENT_DIR).join(asset);
                out.push((asset.clone(), Origin::Asset(file)));
            }
        }
        for quiz in site.policies.iter().flat_map(|p| &p.quizzes) {
            out.push((
                super::course::module_url(&quiz.policy, &quiz.module),
                Origin::Module(quiz.file.clone(), quiz.module_line, quiz.module.clone()),
            ));
        }
        out
    }

    /// An error for every source that would write a file another source
    /// writes too, or one handbook writes itself, or into a folder handbook
    /// fills.
    pub(super) fn validate_outputs(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut seen: HashMap<String, (String, Origin)> = HashMap::new();
        let mut folders: Vec<(String, String)> = RESERVED_FOLDERS
            .iter()
            .map(|(dir, what)| (dir.to_string(), what.to_string()))
            .collect();
        for policy in &self.site.config.policies {
            for (dir, what) in POLICY_FOLDERS {
                folders.push((format!("{}/{dir}", policy.id), what.to_string()));
            }
        }
        for (path, origin) in self.planned() {
            let reserved_folder = folders.iter().find(|(dir, _)| {
                path.to_lowercase()
                    .strip_prefix(&dir.to_lowercase())
                    .is_some_and(|rest| rest.starts_with('/'))
            });
            if let (Some((dir, what)), Origin::Page(_) | Origin::Asset(_)) =
                (reserved_folder, &origin)
            {
                problems.extend(origin.error(
                    format!(
                        "is in content/{dir}/, but handbook writes {what} in {dir}/ of the site"
                    ),
                    format!("move it to another folder, e.g. content/{dir}-notes/"),
                ));
                continue;
            }
            let key = path.to_lowercase();
            let Some((first_path, first)) = seen.get(&key) else {
                seen.insert(key, (path, origin));
                continue;
            };
            let message = match first {
                Origin::Reserved(what) => {
                    format!("would be written as {path}, which handbook writes itself: {what}")
                }
                other => {
                    let case = if *first_path != path {
                        format!(
                            " (as {first_path}: letter case does not count on Windows and macOS)"
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        "would be written as {path}, as {} is{case}, and one would replace the other",
                        other.name()
                    )
                }
            };
            let message = match &origin {
                Origin::Module(_, _, module) => format!("module `{module}` {message}"),
                _ => message,
            };
            problems.extend(origin.error(message, origin.rename_help(&path)));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helps_say_how_to_rename_each_kind_of_source() {
        let module = Origin::Module(
            PathBuf::from("quizzes/online-safety/declaration.yaml"),
            1,
            "declaration".into(),
        );
        assert!(
            module
                .rename_help("course/online-safety/declaration.html")
                .contains("module: declaration-module")
        );
        let page = Origin::Page(PathBuf::from("content/search.md"));
        assert!(page.rename_help("search.html").contains("search-page.md"));
        let index = Origin::Page(PathBuf::from("content/devices/index.md"));
        assert!(
            index
                .rename_help("devices/index.html")
                .contains("_index.md")
        );
        let asset = Origin::Asset(PathBuf::from("content/style.css"));
        assert!(asset.rename_help("style.css").contains("static/style.css"));
        assert!(
            Origin::Reserved("x".into())
                .error(String::new(), String::new())
                .is_none()
        );
    }
}
