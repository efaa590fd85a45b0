//! Analysis: pure functions over slices, `geo` types and spatial weights. No SQL, files or
//! colours.

pub mod aggregate;
pub mod classify;
pub mod weights;
