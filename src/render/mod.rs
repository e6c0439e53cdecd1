//! Themes and Tera: finds the theme's templates and static files (a site's
//! own `templates/` and `static/` override the theme's files by name) and
//! renders pages through Tera.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// A theme's files after site overrides are applied.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (e.g. `page.html`) → source text.
    pub templates: BTreeMap<String, String>,
    /// Where each template came from, for error messages.
    pub origins: BTreeMap<String, PathBuf>,
    /// Static file path (e.g. `style.css`) → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads theme `name` from `root/themes/name` (or the built-in default
    /// theme when the site has no copy of it), then the site's overrides.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.read_dir(
                &dir.join("templates"),
                &Path::new("themes").join(name).join("templates"),
                true,
            )?;
            theme.read_dir(
                &dir.join("static"),
                &Path::new("themes").join(name).join("static"),
                false,
            )?;
        } else if name == "default" {
            for (path, bytes) in DEFAULT_THEME {
                if let Some(template) = path.strip_prefix("templates/") {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    theme.templates.insert(template.to_string(), text);
                    theme.origins.insert(
                        template.to_string(),
                        PathBuf::from(format!("(built-in theme)/{path}")),
                    );
                } else if let Some(file) = path.strip_prefix("static/") {
                    theme.statics.insert(file.to_string(), bytes.to_vec());
                }
            }
        } else {
            // The error is about the `theme:` line of site.yaml (the default
            // theme is built in, so a missing theme was always written).
            let line = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
                .ok()
                .and_then(|text| crate::config::key_line(&text, "theme"));
            let name = crate::util::text::terminal_safe(name);
            return Err(Error::input(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    line,
                    format!("theme `{name}` not found"),
                )
                .help(format!(
                    "there is no folder themes/{name}/ in the site; create it (with templates/ \
                     and static/), or set `theme: default` for the built-in theme"
                )),
            ));
        }
        theme.read_dir(&root.join("templates"), Path::new("templates"), true)?;
        theme.read_dir(&root.join("static"), Path::new("static"), false)?;
        Ok(theme)
    }

    fn read_dir(&mut self, dir: &Path, shown: &Path, templates: bool) -> Result<()> {
        if !dir.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|err| Error::reading(dir, err.into()))?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.')
            {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            let bytes =
                std::fs::read(entry.path()).map_err(|err| Error::reading(entry.path(), err))?;
            if templates {
                let text =
                    crate::config::utf8_text(&shown.join(rel), bytes).map_err(Error::input)?;
                self.templates.insert(name.clone(), text);
                self.origins.insert(name, shown.join(rel));
            } else {
                self.statics.insert(name, bytes);
            }
        }
        Ok(())
    }
}

/// Compiled templates, ready to render.
pub struct Renderer {
    tera: tera::Tera,
    origins: BTreeMap<String, PathBuf>,
}

impl Renderer {
    /// Compiles every template of the theme once.
    pub fn new(theme: &Theme) -> Result<Renderer> {
        let mut tera = tera::Tera::new();
        tera.set_escape_fn(crate::util::html::escape_into);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(|err| Error::input(template_error(&theme.origins, &err, None)))?;
        Ok(Renderer {
            tera,
            origins: theme.origins.clone(),
        })
    }

    /// True if the theme has this template.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name` with `context`.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> std::result::Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|err| template_error(&self.origins, &err, Some(name)))
    }
}

fn template_error(
    origins: &BTreeMap<String, PathBuf>,
    err: &tera::Error,
    name: Option<&str>,
) -> Diagnostic {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    // Tera points at the problem as `--> NAME:LINE:COLUMN`.
    let pointed = message.find("--> ").and_then(|i| {
        let rest = &message[i + 4..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let mut parts = rest[..end].split(':');
        let template = parts.next()?.to_string();
        let line = parts.next().and_then(|l| l.parse::<usize>().ok());
        Some((template, line))
    });
    let (file, line) = match (&pointed, name) {
        (Some((template, line)), _) if origins.contains_key(template) => {
            (origins[template].clone(), *line)
        }
        (_, Some(name)) => (
            origins
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(name)),
            None,
        ),
        _ => (PathBuf::from("templates"), None),
    };
    Diagnostic::error(file, line, message.trim().to_string())
        .help("fix the template; docs/templates.md lists what each template receives")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_templates_override_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        let theme_dir = dir.path().join("themes/plain/templates");
        std::fs::create_dir_all(&theme_dir).unwrap();
        std::fs::write(theme_dir.join("page.html"), "theme {{ x }}").unwrap();
        std::fs::write(theme_dir.join("base.html"), "base").unwrap();
        let theme = Theme::load(dir.path(), "plain").unwrap();
        let renderer = Renderer::new(&theme).unwrap();
        let mut context = tera::Context::new();
        context.insert("x", "<b>");
        assert_eq!(
            renderer.render("page.html", &context).unwrap(),
            "theme &lt;b&gt;"
        );

        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/page.html"), "site {{ x }}").unwrap();
        let theme = Theme::load(dir.path(), "plain").unwrap();
        assert_eq!(theme.templates["base.html"], "base");
        let renderer = Renderer::new(&theme).unwrap();
        assert_eq!(
            renderer.render("page.html", &context).unwrap(),
            "site &lt;b&gt;"
        );
    }

    #[test]
    fn escaping_matches_tera() {
        for text in [
            "",
            "plain",
            "<a href=\"x\">Tom & Jerry's</a>",
            "é > ü",
            "&&''\"\"<<>>",
        ] {
            let mut ours = Vec::new();
            let mut theirs = Vec::new();
            crate::util::html::escape_into(text, &mut ours).unwrap();
            tera::escape_html(text, &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn missing_theme_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::load(dir.path(), "fancy").unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.to_string().contains("theme `fancy` not found"));
        std::fs::write(
            dir.path().join("site.yaml"),
            "id: a/b\ntitle: T\ntheme: fancy\n",
        )
        .unwrap();
        let err = Theme::load(dir.path(), "fancy").unwrap_err();
        assert!(
            err.to_string()
                .contains("error: site.yaml:3: theme `fancy` not found"),
            "{err}"
        );
    }

    #[test]
    fn broken_template_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/page.html"), "{% if %}").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        let err = Renderer::new(&theme).err().unwrap();
        assert!(err.to_string().contains("templates/page.html"), "{err}");
    }
}
