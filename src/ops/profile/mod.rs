//! Area profiles, ward bulletins and State of the Area reports: templates ([`template`],
//! saved in the workspace by [`saved`]) run against the workspace's indicators, comparisons
//! and trends into a [`crate::render::report::document::ProfileDocument`].

pub mod build;
pub mod charts;
pub mod facts;
pub mod headline;
pub mod locator;
pub mod rows;
pub mod saved;
pub mod template;
