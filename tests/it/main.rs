//! Integration tests: each module runs the `handbook` binary on temporary
//! sites and checks what a user would see.

mod browser;
mod build;
mod check;
mod seed;
mod support;
mod versions;
