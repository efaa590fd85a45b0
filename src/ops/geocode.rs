//! `geocode`: a partner's CSV with each row's postcode located (grid reference, longitude/
//! latitude, LSOA, ward, quality, status) from the workspace's postcode lookup, written as a new
//! CSV; nothing is imported.

use crate::data::Workspace;
pub use crate::data::geocode_csv::{ADDED_COLUMNS, GeocodeReport, problems_text};
use crate::data::geocode_csv::{GeocodeOptions, geocode_csv};
use crate::error::Result;
use crate::feedback::Feedback;
use crate::ops::import::TextEncoding;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A `geocode` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeocodeRequest {
    pub input: PathBuf,
    pub out: PathBuf,
    pub postcode_field: String,
    #[serde(default)]
    pub encoding: TextEncoding,
    /// Text cells exactly as read (no spreadsheet-formula neutralising).
    #[serde(default)]
    pub raw: bool,
}

/// Geocodes `req.input` into `req.out` (written atomically; a cancel leaves it as it was).
pub fn run(ws: &Workspace, req: &GeocodeRequest, feedback: &dyn Feedback) -> Result<GeocodeReport> {
    let opts = GeocodeOptions {
        postcode_field: req.postcode_field.clone(),
        encoding: req.encoding,
        raw: req.raw,
    };
    geocode_csv(ws, &req.input, &req.out, &opts, feedback)
}
