//! The integration tests: one test binary, one module per area.

mod js;
mod support;
mod tokens;
