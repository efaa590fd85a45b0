//! The data layer: the only place that touches SQLite, files, CSV parsing and CRS transforms.

pub mod area_values;
pub mod cost_matrix;
pub mod crs;
pub mod dbf_header;
pub mod derived;
pub mod feature_table;
pub mod file_header;
pub mod geography_title;
pub mod geojson_geometry;
pub mod geojson_reader;
pub mod geometry_check;
pub mod gpkg_geom;
pub mod gpkg_source;
pub mod hot_journal;
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
pub mod sqlite_error;
pub mod suppression;
pub mod synthetic;
pub mod value_batch;
pub mod value_store;
pub mod weights_io;
pub mod workspace;
pub(crate) mod workspace_check;
pub mod workspace_integrity;
pub mod workspace_restore;

pub use workspace::Workspace;
