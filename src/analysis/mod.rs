//! Analysis: pure functions over slices, `geo` types and spatial weights. No SQL, files or
//! colours.

pub mod aggregate;
pub mod classify;
pub mod composite;
pub mod data_quality;
pub mod deprivation_aggregate;
pub mod error;
pub mod getis_ord;
pub mod indicator_stats;
pub mod kde;
pub mod lisa;
pub mod moran;
pub mod multiple_testing;
pub mod normal;
pub mod permutation;
pub mod points_in_areas;
pub mod ranking;
pub mod result_codes;
pub mod siting;
pub mod weights;
