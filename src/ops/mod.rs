//! Operations: the single API both front ends (CLI and desktop app) call.

pub mod aggregate;
pub mod bench;
pub mod bench_map;
pub mod classify;
pub mod export;
pub mod import;
pub mod indicator_data;
pub mod map;
pub mod sample;
pub mod series;
pub mod stats;
pub mod weights;

pub use crate::feedback::{Feedback, Silent};
