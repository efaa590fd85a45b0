//! The workspace's postcode lookup: importing a release (ONSPD, NSPL or Code-Point Open) and
//! looking a postcode up (any spelling). `import postcodes` and, later, geocoding use it.

use crate::data::Workspace;
pub use crate::data::import::postcodes::{PostcodeFormat, PostcodeReport};
use crate::data::import::postcodes::{PostcodeOptions, import_postcodes_with};
use crate::data::import::session::ImportRun;
use crate::data::postcode::normalise;
use crate::error::Result;
use crate::feedback::Feedback;
use crate::ops::import::TextEncoding;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// An `import postcodes` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostcodeRequest {
    pub path: PathBuf,
    #[serde(default)]
    pub format: PostcodeFormat,
    /// The release's name (e.g. "NSPL November 2021"); default: the file name.
    #[serde(default)]
    pub release: Option<String>,
    #[serde(default)]
    pub encoding: TextEncoding,
    /// Replace the stored lookup even with an older release.
    #[serde(default)]
    pub allow_older: bool,
}

impl PostcodeRequest {
    fn options(&self) -> PostcodeOptions {
        PostcodeOptions {
            format: self.format,
            release: self.release.clone(),
            encoding: self.encoding,
            allow_older: self.allow_older,
        }
    }
}

/// Imports the release, replacing the stored one, in one transaction.
pub fn run(
    ws: &Workspace,
    req: &PostcodeRequest,
    feedback: &dyn Feedback,
) -> Result<PostcodeReport> {
    import_postcodes_with(ws, &req.path, &req.options(), &ImportRun::keep(feedback))
}

/// Runs the whole import and rolls it back: the report (or the error) it would give.
pub fn check(
    ws: &Workspace,
    req: &PostcodeRequest,
    feedback: &dyn Feedback,
) -> Result<PostcodeReport> {
    import_postcodes_with(ws, &req.path, &req.options(), &ImportRun::trial(feedback))
}

/// One stored postcode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostcodeInfo {
    /// As a reader writes it ("WN1 1AA").
    pub postcode: String,
    pub easting: Option<f64>,
    pub northing: Option<f64>,
    pub quality: Option<i64>,
    /// YYYYMM as published; `None` for a live postcode.
    pub terminated: Option<String>,
    pub lsoa: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
}

/// Looks `postcode` up in any spelling (`WN1 1AA`, `wn11aa`, the padded `pcd`/`pcd2` forms).
pub fn lookup(ws: &Workspace, postcode: &str) -> Result<Option<PostcodeInfo>> {
    let key = normalise(postcode);
    let found = ws
        .conn()
        .query_row(
            "SELECT shown, easting, northing, quality, terminated, lsoa, ward, district \
             FROM atlas_postcodes WHERE postcode = ?1",
            [key],
            |r| {
                Ok(PostcodeInfo {
                    postcode: r.get(0)?,
                    easting: r.get(1)?,
                    northing: r.get(2)?,
                    quality: r.get(3)?,
                    terminated: r.get(4)?,
                    lsoa: r.get(5)?,
                    ward: r.get(6)?,
                    district: r.get(7)?,
                })
            },
        )
        .optional()?;
    Ok(found)
}
