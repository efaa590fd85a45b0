//! Operations: the single API both front ends (CLI and desktop app) call.

pub mod aggregate;
pub mod export;
pub mod feedback;
pub mod sample;

pub use feedback::{Feedback, Silent};
