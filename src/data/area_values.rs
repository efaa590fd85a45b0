//! Everything stored about one area: its value of every indicator (each at its latest period
//! with a value for the area) and the areas it lies in through the stored lookups. What the
//! app's area card and `local-atlas area` show. Reads cost the number of series of the
//! area's geography (one primary-key probe each), not the number of values in the workspace.

use super::indicator::Status;
use super::workspace::Workspace;
use crate::error::Result;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// One stored value of the area.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesValue {
    pub indicator: String,
    pub period: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub lower_ci: Option<f64>,
    pub upper_ci: Option<f64>,
    pub status: Status,
}

/// The area's value of every indicator stored for it, each at its latest period (periods
/// compare as text, as everywhere in Local Atlas), sorted by indicator code.
pub fn latest_values(ws: &Workspace, geography: &str, code: &str) -> Result<Vec<SeriesValue>> {
    let area: Option<i64> = ws
        .conn()
        .query_row(
            "SELECT id FROM atlas_areas WHERE geography = ?1 AND code = ?2",
            [geography, code],
            |r| r.get(0),
        )
        .optional()?;
    let Some(area) = area else {
        return Ok(Vec::new());
    };
    let mut stmt = ws.conn().prepare_cached(
        "SELECT s.indicator, s.period, v.value, v.numerator, v.denominator, v.lower_ci, \
         v.upper_ci, v.status FROM atlas_series s \
         JOIN atlas_series_values v ON v.series = s.id AND v.area = ?2 \
         WHERE s.geography = ?1",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![geography, area], |r| {
            Ok(SeriesValue {
                indicator: r.get(0)?,
                period: r.get(1)?,
                value: r.get(2)?,
                numerator: r.get(3)?,
                denominator: r.get(4)?,
                lower_ci: r.get(5)?,
                upper_ci: r.get(6)?,
                status: Status::from_code(r.get(7)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut latest: HashMap<String, SeriesValue> = HashMap::new();
    for v in rows {
        match latest.get(&v.indicator) {
            Some(old) if old.period >= v.period => {}
            _ => {
                latest.insert(v.indicator.clone(), v);
            }
        }
    }
    let mut out: Vec<SeriesValue> = latest.into_values().collect();
    out.sort_by(|a, b| a.indicator.cmp(&b.indicator));
    Ok(out)
}

/// An area that contains another, found through the stored lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct Parent {
    pub geography: String,
    pub code: String,
    /// The name the lookup gives it, if any.
    pub name: Option<String>,
}

/// The areas `code` of `geography` lies in: directly through a lookup from its geography
/// (an LSOA's ward and district), and through its children otherwise (a ward's district is
/// the district more than half of its LSOAs lie in, when LSOA → ward and LSOA → district are
/// stored; a district has no ward parent, as its LSOAs spread over many wards).
pub fn parents(ws: &Workspace, geography: &str, code: &str) -> Result<Vec<Parent>> {
    let mut out = direct_parents(ws, geography, code)?;
    // A parent through the children holds more than half of them: a ward's district holds
    // all its LSOAs, while a district's LSOAs spread over many wards (none of them a parent).
    let mut stmt = ws.conn().prepare_cached(
        "SELECT up.to_geography, up.to_code, MAX(up.to_name), COUNT(*) AS n, \
           (SELECT COUNT(*) FROM atlas_lookups c2 WHERE c2.from_geography = child.from_geography \
              AND c2.to_geography = ?1 AND c2.to_code = ?2) AS children \
         FROM atlas_lookups child \
         JOIN atlas_lookups up ON up.from_geography = child.from_geography \
           AND up.from_code = child.from_code AND up.to_geography <> child.to_geography \
         WHERE child.to_geography = ?1 AND child.to_code = ?2 AND up.to_geography <> ?1 \
         GROUP BY child.from_geography, up.to_geography, up.to_code \
         HAVING 2 * n > children \
         ORDER BY up.to_geography, n DESC, up.to_code",
    )?;
    let via_children = stmt
        .query_map([geography, code], |r| {
            Ok(Parent {
                geography: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for p in via_children {
        if !out.iter().any(|o| o.geography == p.geography) {
            out.push(p);
        }
    }
    Ok(out)
}

fn direct_parents(ws: &Workspace, geography: &str, code: &str) -> Result<Vec<Parent>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT to_geography, to_code, to_name FROM atlas_lookups \
         WHERE from_geography = ?1 AND from_code = ?2 ORDER BY to_geography",
    )?;
    let out = stmt
        .query_map([geography, code], |r| {
            Ok(Parent {
                geography: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}
