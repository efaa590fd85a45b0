//! The parent of every area of a geography in each coarser geography, through the stored
//! lookups: directly (an LSOA's ward from the LSOA → ward lookup) or through a common finer
//! geography (a ward's district is the district holding more than half of its LSOAs, when
//! LSOA → ward and LSOA → district are stored; as [`super::area_values::parents`] finds one
//! area's). What secondary suppression groups a table by.

use super::workspace::Workspace;
use crate::error::Result;
use std::collections::{BTreeMap, HashMap};

/// The areas of one geography grouped under their parents in another.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentMap {
    pub parent_geography: String,
    /// child code → parent code.
    pub parent_of: HashMap<String, String>,
}

/// Every parent map of `geography`, sorted by parent geography (a direct lookup wins over one
/// through a finer geography).
pub fn parent_maps(ws: &Workspace, geography: &str) -> Result<Vec<ParentMap>> {
    let mut maps: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
    let mut stmt = ws.conn().prepare_cached(
        "SELECT to_geography, from_code, to_code FROM atlas_lookups \
         WHERE from_geography = ?1 AND to_geography <> ?1",
    )?;
    let direct = stmt
        .query_map([geography], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (parent, child, code) in direct {
        maps.entry(parent).or_default().insert(child, code);
    }
    // Through a finer geography: (base, parent geography, child) → parent code → members.
    let mut stmt = ws.conn().prepare_cached(
        "SELECT child.from_geography, up.to_geography, child.to_code, up.to_code, COUNT(*) \
         FROM atlas_lookups child \
         JOIN atlas_lookups up ON up.from_geography = child.from_geography \
           AND up.from_code = child.from_code AND up.to_geography <> child.to_geography \
         WHERE child.to_geography = ?1 AND up.to_geography <> ?1 \
         GROUP BY child.from_geography, up.to_geography, child.to_code, up.to_code",
    )?;
    let via = stmt
        .query_map([geography], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut counts: BTreeMap<(String, String, String), Vec<(String, i64)>> = BTreeMap::new();
    for (base, parent, child, code, n) in via {
        counts
            .entry((parent, base, child))
            .or_default()
            .push((code, n));
    }
    let mut derived: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
    for ((parent, _base, child), codes) in counts {
        let members: i64 = codes.iter().map(|(_, n)| n).sum();
        if let Some((code, _)) = codes.into_iter().find(|(_, n)| 2 * n > members) {
            derived
                .entry(parent)
                .or_default()
                .entry(child)
                .or_insert(code);
        }
    }
    for (parent, map) in derived {
        maps.entry(parent).or_insert(map);
    }
    Ok(maps
        .into_iter()
        .map(|(parent_geography, parent_of)| ParentMap {
            parent_geography,
            parent_of,
        })
        .collect())
}
