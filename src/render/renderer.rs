//! The Tera renderer: compiles a theme's templates once, then renders a
//! page from the context every page shares and the page's own.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::context::Common;
use super::i18n::Strings;
use super::theme::Theme;
use crate::error::{Diagnostic, Error, Result};

/// Compiled templates, ready to render.
pub(crate) struct Renderer {
    tera: tera::Tera,
    origins: BTreeMap<String, PathBuf>,
}

/// The variables every page receives ([`Common`]), serialised once for the
/// whole build. Tera's values are reference-counted, so each page's
/// context starts as a cheap copy of this one.
pub(crate) struct Shared(tera::Context);

impl Renderer {
    /// Compiles every template of the theme once, with `t()` giving the
    /// interface's words from `strings`.
    pub(crate) fn new(theme: &Theme, strings: &Strings) -> Result<Renderer> {
        let mut tera = tera::Tera::new();
        tera.set_escape_fn(crate::util::html::escape_into);
        tera.register_function("t", Strings::tera_function(Arc::new(strings.clone())));
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
    pub(crate) fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Serialises the variables every page shares.
    pub(crate) fn share(&self, common: &Common<'_>) -> Result<Shared> {
        let context = tera::Context::from_serialize(common)
            .map_err(|err| Error::input(template_error(&self.origins, &err, None)))?;
        Ok(Shared(context))
    }

    /// Renders template `name` with the shared variables and the page's
    /// own (`page`: a struct of [`super::context`], whose fields become
    /// the template's variables).
    pub(crate) fn render(
        &self,
        name: &str,
        shared: &Shared,
        page: &impl Serialize,
    ) -> std::result::Result<String, Diagnostic> {
        let context = self.context(name, shared, page)?;
        self.tera
            .render(name, &context)
            .map_err(|err| template_error(&self.origins, &err, Some(name)))
    }

    /// The shared variables with the page's own over them, for template
    /// `name`.
    fn context(
        &self,
        name: &str,
        shared: &Shared,
        page: &impl Serialize,
    ) -> std::result::Result<tera::Context, Diagnostic> {
        let mut context = shared.0.clone();
        context.extend(
            tera::Context::from_serialize(page)
                .map_err(|err| template_error(&self.origins, &err, Some(name)))?,
        );
        Ok(context)
    }

    /// Like [`Renderer::render`], writing the page to `out` as it renders
    /// rather than into one string: for a policy's printable page, which
    /// holds the whole policy. A failure to write and a template's own
    /// error come back apart (see [`RenderError`]).
    pub(crate) fn render_to(
        &self,
        name: &str,
        shared: &Shared,
        page: &impl Serialize,
        out: &mut dyn std::io::Write,
    ) -> std::result::Result<(), RenderError> {
        let context = self
            .context(name, shared, page)
            .map_err(RenderError::Template)?;
        let mut writer = Recording { out, error: None };
        let rendered = self.tera.render_to(name, &context, &mut writer);
        match (writer.error, rendered) {
            (Some(err), _) => Err(RenderError::Io(err)),
            (None, Err(err)) => Err(RenderError::Template(template_error(
                &self.origins,
                &err,
                Some(name),
            ))),
            (None, Ok(())) => Ok(()),
        }
    }
}

/// Why [`Renderer::render_to`] failed.
pub(crate) enum RenderError {
    /// The template failed: where and why.
    Template(Diagnostic),
    /// Writing the page failed.
    Io(std::io::Error),
}

/// A writer that keeps the first error of the one it wraps, so that a
/// failed write is told apart from a template's own error.
struct Recording<'w> {
    out: &'w mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl std::io::Write for Recording<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf).inspect_err(|err| {
            if self.error.is_none() {
                self.error = Some(std::io::Error::new(err.kind(), err.to_string()));
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A Tera error as a diagnostic on the template file it points at.
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

    #[derive(Serialize)]
    struct Page<'a> {
        x: &'a str,
    }

    fn theme_with(templates: &[(&str, &str)]) -> Theme {
        let mut theme = Theme::default();
        for (name, text) in templates {
            theme.templates.insert(name.to_string(), text.to_string());
            theme
                .origins
                .insert(name.to_string(), PathBuf::from("templates").join(name));
        }
        theme
    }

    #[test]
    fn a_page_sees_the_shared_variables_and_its_own_escaped() {
        let config = crate::config::SiteConfig::parse(
            "id: a\ntitle: T & Co\norganisation: O\npolicies:\n  p:\n    title: P\n    \
             version: V\n    reviewed: 2026-01\n    next_review: 2027-01\n",
        )
        .unwrap();
        let strings = Strings::reference();
        let renderer = Renderer::new(
            &theme_with(&[(
                "page.html",
                "{{ site.title }} {{ version.label }} {{ x }} {{ generator }}",
            )]),
            &strings,
        )
        .unwrap();
        let common = Common {
            site: crate::render::context::SiteInfo::new(&config, None),
            policy: None,
            version: Some(crate::render::context::VersionInfo::new(
                (&config.policies[0], &strings),
                "0123456789abcdef",
                false,
            )),
            course: None,
            policies: Vec::new(),
            parents: None,
            generator: format!("handbook {}", env!("CARGO_PKG_VERSION")),
        };
        let shared = renderer.share(&common).unwrap();
        let html = renderer
            .render("page.html", &shared, &Page { x: "<b>" })
            .unwrap();
        assert_eq!(
            html,
            format!(
                "T &amp; Co V &lt;b&gt; handbook {}",
                env!("CARGO_PKG_VERSION")
            )
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
    fn broken_template_names_its_file_and_line() {
        let err = Renderer::new(
            &theme_with(&[("page.html", "one\n{% if %}")]),
            &Strings::reference(),
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("templates/page.html:2"), "{err}");
    }
}
