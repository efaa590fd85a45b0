//! The data layer: the only place that touches SQLite, files, CSV parsing and CRS transforms.

pub mod cost_matrix;
pub mod crs;
pub mod derived;
pub mod feature_table;
pub mod gpkg_geom;
pub mod gpkg_source;
pub mod import;
pub mod indicator;
pub mod polygon_validity;
pub mod query;
pub mod read_limited;
pub mod recipes;
pub mod reference_scores;
pub mod schema;
pub mod shapefile_reader;
pub mod source;
pub mod suppression;
pub mod synthetic;
pub mod weights_io;
pub mod workspace;

pub use workspace::Workspace;
