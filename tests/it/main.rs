//! Integration tests: one test binary, one module per feature. Each runs
//! the `handbook` binary on temporary sites and checks what a user would see.

mod architecture;
mod browser;
mod build;
mod check;
mod course_length;
mod course_pages;
mod evidence;
mod i18n;
mod identity;
mod inbox;
mod js;
mod letters;
mod library;
mod links;
mod markdown;
mod reading_age;
mod records_library;
mod remind;
mod reviews;
mod rosters;
mod security;
mod seed;
mod serve;
mod statuses;
mod support;
mod themes;
mod tokens;
mod versions;
