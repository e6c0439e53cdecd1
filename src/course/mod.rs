//! The course's own inputs, checked against the policy they teach: module
//! quizzes (`quizzes/*.yaml`) and the staff tools defined as data
//! (`content/tools/*.yaml`). Takes the loaded content and gives checked
//! quizzes and tools to the site stage, and how long each module and
//! course takes to read and answer ([`length`]).

pub mod length;
pub(crate) mod quiz;
pub(crate) mod tool;
