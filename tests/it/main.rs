//! Integration tests: each module runs the `handbook` binary on temporary
//! sites and checks what a user would see.

mod build;
mod check;
mod seed;
mod serve;
mod support;
mod versions;
