//! What each template receives: one struct per template, made of borrowed
//! site data and serialised once per page. The field names are the
//! template variables, documented in docs/templates.md; the site stage
//! fills them in.
//!
//! | template | struct |
//! | --- | --- |
//! | every template | [`Common`] (`site`, `policy`, `version`, `course`, `policies`, `parents`, `generator`) |
//! | `page.html`, `index.html`, `section.html` | [`PageTemplate`] |
//! | `print.html` | [`PrintTemplate`] |
//! | `search.html`, `declaration.html` | [`GeneratedTemplate`] |
//! | `course.html` | [`CourseHomeTemplate`] |
//! | `404.html` | [`NotFoundTemplate`] |
//! | `module.html` | [`ModuleTemplate`] |
//! | `versions.html` | [`VersionsTemplate`] |
//! | `changes.html` | [`ChangesTemplate`] |
//!
//! The data the course's scripts read (`course.data_json`,
//! `module.quiz_json`) is JSON of [`CourseData`] and [`QuizData`], whose
//! fields are in alphabetical order: the order of every build so far, so
//! that the pages' bytes stay the same.

use serde::Serialize;

use super::Strings;
use crate::config::{PolicyConfig, School, SiteConfig};
use crate::content::Audience;
use crate::course::quiz::Kind;
use crate::diff::PageChange;
use crate::markdown::TocEntry;

/// The variables every template receives: the site's, and for the pages
/// of a policy that policy's (`policy`, `version`, `course`; null on the
/// pages of no policy).
#[derive(Serialize)]
pub(crate) struct Common<'a> {
    pub(crate) site: SiteInfo<'a>,
    pub(crate) policy: Option<PolicyInfo<'a>>,
    pub(crate) version: Option<VersionInfo<'a>>,
    pub(crate) course: Option<CourseInfo<'a>>,
    /// Every policy of the library, in site.yaml order.
    pub(crate) policies: Vec<PolicySummary<'a>>,
    pub(crate) parents: Option<Link<'a>>,
    pub(crate) generator: String,
}

impl<'a> SiteInfo<'a> {
    /// `site`, from `config`; `default_favicon` is the theme's icon, used
    /// when site.yaml gives none.
    pub(crate) fn new(config: &'a SiteConfig, default_favicon: Option<&str>) -> SiteInfo<'a> {
        let favicon = config
            .favicon
            .as_deref()
            .map(crate::config::image_url)
            .or_else(|| default_favicon.map(str::to_string));
        SiteInfo {
            id: &config.id,
            title: &config.title,
            organisation: &config.organisation,
            schools: &config.schools,
            school_contacts: &config.school_contacts,
            has_contacts: config.school_contacts.iter().any(School::has_contacts),
            logo: config.logo.as_deref().map(crate::config::image_url),
            favicon_type: favicon.as_deref().and_then(crate::config::image_type),
            favicon,
            office_email: &config.office_email,
            base_url: config.base_url(),
            language: &config.language,
        }
    }
}

impl<'a> VersionInfo<'a> {
    /// `version`: `policy` at version `id`, its dates in the words of
    /// `strings`.
    pub(crate) fn new(
        (policy, strings): (&'a PolicyConfig, &Strings),
        id: &'a str,
        published: bool,
    ) -> VersionInfo<'a> {
        VersionInfo {
            id,
            label: &policy.version,
            reviewed: strings.review_date(&policy.reviewed),
            next_review: strings.review_date(&policy.next_review),
            reviewed_iso: policy.reviewed.iso(),
            next_review_iso: policy.next_review.iso(),
            published,
        }
    }
}

/// Who must read a policy, as people read it: everyone (in the words of
/// `strings`), or its roles.
pub(crate) fn readers(policy: &PolicyConfig, strings: &Strings) -> String {
    if policy.is_for_everyone() {
        strings.text("home.everyone", &[])
    } else {
        policy.required_for.join(", ")
    }
}

/// `site`: from site.yaml.
#[derive(Serialize)]
pub(crate) struct SiteInfo<'a> {
    id: &'a str,
    title: &'a str,
    organisation: &'a str,
    schools: &'a [String],
    /// Every school with the people to contact there.
    school_contacts: &'a [School],
    /// True when any school has a contact.
    has_contacts: bool,
    /// The logo's address from the site root.
    logo: Option<String>,
    /// The icon's address from the site root, and its MIME type.
    favicon: Option<String>,
    favicon_type: Option<&'static str>,
    office_email: &'a str,
    base_url: Option<String>,
    language: &'a str,
}

/// `policy`: the policy a page belongs to.
#[derive(Serialize)]
pub(crate) struct PolicyInfo<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) aim: Option<&'a str>,
    pub(crate) owner: &'a str,
    /// Who must read it: everyone, or its roles.
    pub(crate) readers: String,
    /// Its front page.
    pub(crate) url: String,
    /// Its printable page, if it has one.
    pub(crate) print_url: Option<String>,
    /// Its version history.
    pub(crate) versions_url: String,
}

/// A policy in `policies`: what the home page and the course home list.
#[derive(Serialize)]
pub(crate) struct PolicySummary<'a> {
    #[serde(flatten)]
    pub(crate) policy: PolicyInfo<'a>,
    pub(crate) version: VersionInfo<'a>,
    /// Its course's module count (0: read-only, no course).
    pub(crate) module_count: usize,
}

/// `version`: the policy version of a page.
#[derive(Serialize)]
pub(crate) struct VersionInfo<'a> {
    id: &'a str,
    label: &'a str,
    reviewed: String,
    next_review: String,
    reviewed_iso: String,
    next_review_iso: String,
    published: bool,
}

/// A title and a URL from the site root.
#[derive(Serialize, Clone, Copy)]
pub(crate) struct Link<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: &'a str,
}

/// `course`: a policy's staff course, when it has quizzes (and each of
/// `courses` on the course home).
#[derive(Serialize)]
pub(crate) struct CourseInfo<'a> {
    /// The policy's id and title.
    pub(crate) policy: &'a str,
    pub(crate) title: &'a str,
    /// Its version label.
    pub(crate) label: &'a str,
    /// Who must read it: everyone, or its roles (see [`readers`]), so
    /// that staff need not guess; the site never learns anyone's role.
    pub(crate) readers: String,
    /// The course home (every policy's course).
    pub(crate) url: &'static str,
    pub(crate) declaration_url: String,
    /// Minutes for the whole course, every module's pages and questions
    /// (see `course::length`), at least 1.
    pub(crate) minutes: usize,
    pub(crate) modules: Vec<CourseModule<'a>>,
    /// [`CourseData`] as JSON for a `<script>` element.
    pub(crate) data_json: String,
}

/// One module in `course.modules`.
#[derive(Serialize)]
pub(crate) struct CourseModule<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) url: String,
    pub(crate) pass_mark: i64,
    pub(crate) question_count: usize,
    /// Minutes to read its pages and answer its quiz (see
    /// `course::length`), at least 1.
    pub(crate) minutes: usize,
    pub(crate) pages: Vec<Link<'a>>,
}

/// What the course's scripts read from `#course-data`.
#[derive(Serialize)]
pub(crate) struct CourseData<'a> {
    pub(crate) history: Vec<CourseVersion<'a>>,
    pub(crate) label: &'a str,
    pub(crate) modules: Vec<CourseDataModule<'a>>,
    pub(crate) office_email: &'a str,
    /// The policy id (tokens' `iss` is `site/policy`).
    pub(crate) policy: &'a str,
    /// The policy's title.
    pub(crate) policy_title: &'a str,
    pub(crate) site: &'a str,
    pub(crate) site_title: &'a str,
    pub(crate) version: &'a str,
}

/// What the course home's scripts read from `#course-data`: the site, for
/// signing in once for every policy, and every course's [`CourseData`]
/// (in the `#course-data-<policy>` elements).
#[derive(Serialize)]
pub(crate) struct CourseHomeData<'a> {
    pub(crate) office_email: &'a str,
    pub(crate) policies: Vec<&'a str>,
    pub(crate) site: &'a str,
    pub(crate) site_title: &'a str,
}

/// `course.html`: the course home, with every policy's course.
#[derive(Serialize)]
pub(crate) struct CourseHomeTemplate<'a> {
    #[serde(flatten)]
    pub(crate) generated: GeneratedTemplate<'a>,
    pub(crate) courses: Vec<CourseInfo<'a>>,
    /// [`CourseHomeData`] as JSON for a `<script>` element.
    pub(crate) home_json: String,
}

/// A version in [`CourseData`].
#[derive(Serialize)]
pub(crate) struct CourseVersion<'a> {
    pub(crate) changes_url: Option<&'a str>,
    pub(crate) id: &'a str,
    pub(crate) label: &'a str,
    pub(crate) minor: bool,
}

/// A module in [`CourseData`].
#[derive(Serialize)]
pub(crate) struct CourseDataModule<'a> {
    pub(crate) id: &'a str,
    pub(crate) pass_mark: i64,
    pub(crate) title: &'a str,
    pub(crate) url: String,
}

/// `page.html`, `index.html` and `section.html`: a page from `content/`,
/// or a section's index.
#[derive(Serialize)]
pub(crate) struct PageTemplate<'a> {
    pub(crate) root: String,
    pub(crate) page: PageInfo<'a>,
    #[serde(flatten)]
    pub(crate) place: Place<'a>,
    /// The page's tool (course::tool gives it as JSON).
    pub(crate) tool: Option<serde_json::Value>,
}

/// `page` on the templates of [`PageTemplate`].
#[derive(Serialize)]
pub(crate) struct PageInfo<'a> {
    pub(crate) title: &'a str,
    pub(crate) summary: Option<&'a str>,
    pub(crate) audience: &'a [Audience],
    pub(crate) module: Option<&'a str>,
    pub(crate) url: &'a str,
    pub(crate) source: Option<&'a str>,
    pub(crate) content: &'a str,
    pub(crate) toc: &'a [TocEntry],
    pub(crate) word_count: usize,
    pub(crate) reading_minutes: usize,
}

/// `page` on every other template: the page being written.
#[derive(Serialize)]
pub(crate) struct PageHead<'a> {
    pub(crate) title: &'a str,
    /// Always null: generated pages have no summary of their own.
    pub(crate) summary: Option<&'a str>,
    pub(crate) url: &'a str,
}

/// Where a page sits in the site: `section`, `nav` and `page_has_code`.
#[derive(Serialize)]
pub(crate) struct Place<'a> {
    pub(crate) section: SectionInfo<'a>,
    pub(crate) nav: Nav<'a>,
    pub(crate) page_has_code: bool,
}

/// `section`: the section a page belongs to.
#[derive(Serialize)]
pub(crate) struct SectionInfo<'a> {
    pub(crate) title: &'a str,
    pub(crate) summary: Option<&'a str>,
    pub(crate) url: &'a str,
    pub(crate) content: &'a str,
    pub(crate) print_url: Option<String>,
}

/// `nav`: the site's sections, the section's pages and the way through.
#[derive(Serialize)]
pub(crate) struct Nav<'a> {
    pub(crate) sections: Vec<NavSection<'a>>,
    pub(crate) pages: Vec<NavPage<'a>>,
    pub(crate) pages_before: usize,
    pub(crate) pages_after: usize,
    pub(crate) prev: Option<Link<'a>>,
    pub(crate) next: Option<Link<'a>>,
    pub(crate) breadcrumbs: Vec<Link<'a>>,
    pub(crate) subsections: Vec<SubSection<'a>>,
}

/// A top-level section in `nav.sections`.
#[derive(Serialize)]
pub(crate) struct NavSection<'a> {
    pub(crate) title: std::borrow::Cow<'a, str>,
    pub(crate) url: &'a str,
    pub(crate) current: bool,
}

/// A page of the section in `nav.pages`.
#[derive(Serialize)]
pub(crate) struct NavPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: &'a str,
    pub(crate) summary: Option<&'a str>,
    pub(crate) current: bool,
}

/// A sub-section in `nav.subsections`.
#[derive(Serialize)]
pub(crate) struct SubSection<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: &'a str,
    pub(crate) summary: Option<&'a str>,
}

/// `print.html`: a section on one page. The section's [`Place`] and tool,
/// with `page` the print page itself.
#[derive(Serialize)]
pub(crate) struct PrintTemplate<'a> {
    pub(crate) root: String,
    pub(crate) page: PageHead<'a>,
    #[serde(flatten)]
    pub(crate) place: Place<'a>,
    pub(crate) tool: Option<serde_json::Value>,
    pub(crate) print: Print<'a>,
}

/// `print`: every page of the section.
#[derive(Serialize)]
pub(crate) struct Print<'a> {
    pub(crate) pages: Vec<PrintPage<'a>>,
    /// The running footer's `@page` rules (CSS, every user's word
    /// escaped): the policy, its version, "Page n of N".
    pub(crate) page_css: String,
}

/// One page in `print.pages`.
#[derive(Serialize)]
pub(crate) struct PrintPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) anchor: String,
    pub(crate) url: &'a str,
    pub(crate) content: String,
}

/// A page that handbook makes rather than `content/`: `search.html`,
/// `404.html`, `course.html`, `declaration.html`, and the base of
/// [`ModuleTemplate`], [`VersionsTemplate`] and [`ChangesTemplate`]. Its
/// place is the root section's.
#[derive(Serialize)]
pub(crate) struct GeneratedTemplate<'a> {
    pub(crate) root: String,
    pub(crate) page: PageHead<'a>,
    #[serde(flatten)]
    pub(crate) place: Place<'a>,
}

/// `404.html`: the page a web server sends for any address it does not
/// have, at that address, however deep. Relative links to the stylesheet
/// would miss there, so the page carries the theme's `style.css` in
/// itself.
#[derive(Serialize)]
pub(crate) struct NotFoundTemplate<'a> {
    #[serde(flatten)]
    pub(crate) generated: GeneratedTemplate<'a>,
    /// The text of `style.css`, safe inside a `<style>` element.
    pub(crate) inline_style: String,
    /// The site's icon as a `data:` address, when it has one.
    pub(crate) inline_favicon: Option<String>,
}

/// `module.html`: one course module.
#[derive(Serialize)]
pub(crate) struct ModuleTemplate<'a> {
    #[serde(flatten)]
    pub(crate) generated: GeneratedTemplate<'a>,
    pub(crate) module: ModuleInfo<'a>,
}

/// `module`: the module's pages and quiz.
#[derive(Serialize)]
pub(crate) struct ModuleInfo<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) pass_mark: i64,
    /// Minutes to read its pages and answer its quiz, at least 1.
    pub(crate) minutes: usize,
    pub(crate) pages: Vec<ModulePage<'a>>,
    pub(crate) questions: &'a [Question<'a>],
    /// [`QuizData`] as JSON for a `<script>` element.
    pub(crate) quiz_json: String,
    pub(crate) prev: Option<ModuleLink<'a>>,
    pub(crate) next: Option<ModuleLink<'a>>,
}

/// The module before or after, in `module.prev` and `module.next`.
#[derive(Serialize)]
pub(crate) struct ModuleLink<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: String,
}

/// One page in `module.pages`: its text, with links rewritten for the
/// module page.
#[derive(Serialize)]
pub(crate) struct ModulePage<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: &'a str,
    pub(crate) content: String,
}

/// What the quiz script reads from `#quiz-data`.
#[derive(Serialize)]
pub(crate) struct QuizData<'a> {
    pub(crate) module: &'a str,
    pub(crate) pass_mark: i64,
    pub(crate) questions: &'a [Question<'a>],
}

/// A question, in `module.questions` and in [`QuizData`].
#[derive(Serialize)]
pub(crate) struct Question<'a> {
    pub(crate) explain: &'a str,
    pub(crate) id: &'a str,
    pub(crate) kind: Kind,
    pub(crate) options: Vec<QuizOption>,
    pub(crate) policy_title: String,
    pub(crate) policy_url: String,
    pub(crate) prompt: &'a str,
}

/// An option of a question, with whether it is a right answer.
#[derive(Serialize)]
pub(crate) struct QuizOption {
    pub(crate) correct: bool,
    pub(crate) text: String,
}

/// `versions.html`: the version history.
#[derive(Serialize)]
pub(crate) struct VersionsTemplate<'a> {
    #[serde(flatten)]
    pub(crate) generated: GeneratedTemplate<'a>,
    /// Newest first.
    pub(crate) history: &'a [HistoryEntry],
}

/// `changes.html`: what changed in one version.
#[derive(Serialize)]
pub(crate) struct ChangesTemplate<'a> {
    #[serde(flatten)]
    pub(crate) generated: GeneratedTemplate<'a>,
    pub(crate) change: Change<'a>,
}

/// `change`: one version against the one before.
#[derive(Serialize)]
pub(crate) struct Change<'a> {
    pub(crate) version: &'a HistoryEntry,
    pub(crate) previous: &'a HistoryEntry,
    pub(crate) pages: Vec<PageChange>,
    pub(crate) quizzes_changed: bool,
}

/// A version in the site's history: a published one, or the current
/// content when it is not published yet (a draft).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HistoryEntry {
    /// The version id.
    pub(crate) id: String,
    /// Its label.
    pub(crate) label: String,
    /// Publication date, or null for a draft.
    pub(crate) published: Option<String>,
    /// The publication date as people read it, or null for a draft.
    pub(crate) published_on: Option<String>,
    /// When it was reviewed.
    pub(crate) reviewed: String,
    /// When the next review is due.
    pub(crate) next_review: String,
    /// What changed.
    pub(crate) summary: String,
    /// Minor change.
    pub(crate) minor: bool,
    /// Not published yet.
    pub(crate) draft: bool,
    /// The version the site is built from.
    pub(crate) current: bool,
    /// Its "what changed" page (root-relative), if it has a predecessor.
    pub(crate) changes_url: Option<String>,
}
