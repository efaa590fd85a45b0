//! Analysis: pure functions over slices. No SQL, files or colours.

pub mod aggregate;
pub mod classify;
