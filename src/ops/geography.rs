//! A geography's display name: what a reader sees instead of its short name (`geography
//! rename`), used in the app's header and menus, map subtitles, legends and reports.

use crate::data::Workspace;
use crate::data::geography_title;
use crate::error::Result;
use serde::Serialize;

/// What `geography rename` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    pub geography: String,
    /// The display name now in force (the default when the new title was empty).
    pub title: String,
}

/// Gives `geography` the display name `title`; an empty title restores the default from its
/// ONS code ("LSOA (2011)").
pub fn rename(ws: &Workspace, geography: &str, title: &str) -> Result<Renamed> {
    Ok(Renamed {
        geography: geography.to_string(),
        title: geography_title::rename(ws, geography, title)?,
    })
}

/// The display name of `geography`.
pub fn title(ws: &Workspace, geography: &str) -> Result<String> {
    geography_title::title(ws, geography)
}
