//! The areas of a geography by code and name, without their geometry: what a front end lists
//! when the user picks one area (e.g. "the district Bolton" as a map's extent) by typing part
//! of its name.

use crate::data::Workspace;
use crate::data::query;
use crate::error::Result;

/// One area of a geography as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaName {
    pub code: String,
    /// The area's name; its code when the boundary file had no name.
    pub name: String,
}

/// Every area of `geography`, ordered by name (then code), read without decoding geometry.
pub fn area_names(ws: &Workspace, geography: &str) -> Result<Vec<AreaName>> {
    let mut out: Vec<AreaName> = query::area_names(ws, geography)?
        .into_iter()
        .map(|a| AreaName {
            name: a
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| a.code.clone()),
            code: a.code,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

/// The areas whose name or code contains `needle` (case-insensitive), at most `max` of them;
/// areas whose name starts with it come first.
///
/// ```
/// use local_atlas::ops::area_list::{AreaName, matching};
/// let a = |c: &str, n: &str| AreaName { code: c.into(), name: n.into() };
/// let areas = [a("E08000002", "Bury"), a("E08000001", "Bolton"), a("E05000650", "Tonge with the Haulgh")];
/// let found = matching(&areas, "bo", 5);
/// assert_eq!(found[0].name, "Bolton");
/// assert_eq!(matching(&areas, "E0800000", 1).len(), 1);
/// ```
pub fn matching<'a>(areas: &'a [AreaName], needle: &str, max: usize) -> Vec<&'a AreaName> {
    let needle = needle.trim().to_lowercase();
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for a in areas {
        let name = a.name.to_lowercase();
        if name.starts_with(&needle) {
            starts.push(a);
        } else if name.contains(&needle) || a.code.to_lowercase().contains(&needle) {
            contains.push(a);
        }
    }
    starts.extend(contains);
    starts.truncate(max);
    starts
}
