//! Operations: the single API both front ends (CLI and desktop app) call.

pub mod aggregate;
pub mod aggregate_points;
pub mod area_card;
pub mod area_list;
pub mod bench;
pub mod bench_map;
pub mod bench_national;
pub mod bench_national_files;
pub mod bench_national_report;
pub mod bench_postcodes;
pub mod catalog;
pub mod check;
pub mod child_process;
pub mod classify;
pub mod compare;
pub mod coords;
pub mod deprivation;
pub mod disclosure;
pub mod export;
pub mod find;
pub mod funnel;
pub mod geocode;
pub mod geography;
pub mod import;
pub mod index;
pub mod indicator_data;
pub mod kde;
pub mod map;
pub mod period_year;
pub mod postcodes;
pub mod provenance_prose;
pub mod quality;
pub mod result_titles;
pub mod sample;
pub mod series;
pub mod site;
pub mod smooth;
pub mod stats;
pub mod synthetic_files;
pub mod trend;
pub mod value_type;
pub mod view_box;
pub mod weights;

/// The workspace handle the front ends open and pass to every operation.
pub use crate::data::Workspace;
pub use crate::feedback::{Feedback, Silent};
