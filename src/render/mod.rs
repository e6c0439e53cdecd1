//! The render stage: takes a theme name and the site's folder, gives out
//! compiled templates and a way to render a page from its typed context.
//!
//! - [`theme`] finds the theme's templates and static files: the built-in
//!   theme, with the site's own files layered over it file by file;
//! - [`context`] defines what each template receives, one struct per
//!   template (docs/templates.md);
//! - [`i18n`] reads the theme's translation file for the site's language:
//!   every word of the interface;
//! - [`renderer`] compiles the templates with Tera (with `t()`, the
//!   translation) and renders pages.
//!
//! It knows nothing of the site's pages: the site stage fills the contexts.

pub(crate) mod context;
mod i18n;
mod renderer;
mod theme;

pub(crate) use i18n::Strings;
pub(crate) use renderer::{RenderError, Renderer, Shared};
pub(crate) use theme::Theme;
