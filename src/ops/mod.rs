//! Operations: the single API both front ends (CLI and desktop app) call.

pub mod aggregate;
pub mod export;
pub mod sample;

pub use crate::feedback::{Feedback, Silent};
