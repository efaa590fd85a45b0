//! Benchmark areas: areas without boundaries whose values stand beside a mapped geography's
//! for comparison (England `E92000001`, a region `E12…`, a comparator group). Their values are
//! stored under the reserved pseudo-geography [`BENCHMARK_GEOGRAPHY`], which has no boundaries
//! and is never registered in `atlas_geographies`, so nothing that reads a mapped geography's
//! values (maps, classes, statistics, exports) ever sees them, and `check` (which looks at the
//! areas of registered geographies) has nothing to object to.

use super::query::StoredValue;
use super::workspace::Workspace;
use crate::error::Result;

/// The pseudo-geography benchmark values are stored under (no boundaries can be imported
/// for it).
pub const BENCHMARK_GEOGRAPHY: &str = "benchmark";

/// Benchmark codes recognised without `--benchmark-codes`, with their names: the UK's
/// countries and groupings, and England's regions.
pub const WELL_KNOWN: &[(&str, &str)] = &[
    ("E92000001", "England"),
    ("W92000004", "Wales"),
    ("S92000003", "Scotland"),
    ("N92000002", "Northern Ireland"),
    ("K02000001", "United Kingdom"),
    ("K03000001", "Great Britain"),
    ("K04000001", "England and Wales"),
    ("E12000001", "North East"),
    ("E12000002", "North West"),
    ("E12000003", "Yorkshire and The Humber"),
    ("E12000004", "East Midlands"),
    ("E12000005", "West Midlands"),
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
];

/// Whether `code` is a well-known benchmark code.
pub fn is_well_known(code: &str) -> bool {
    WELL_KNOWN.iter().any(|(c, _)| *c == code)
}

/// The built-in name of a benchmark code, if it is well known.
pub fn name(code: &str) -> Option<&'static str> {
    WELL_KNOWN.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A benchmark area stored in the workspace and how many values it has.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchmarkInfo {
    pub code: String,
    /// The built-in name (well-known codes), else none.
    pub name: Option<String>,
    pub values: i64,
}

/// The benchmark areas that have values, by code.
pub fn benchmarks(ws: &Workspace) -> Result<Vec<BenchmarkInfo>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT a.code, COUNT(*) FROM atlas_areas a \
         JOIN atlas_series_values v ON v.area = a.id \
         WHERE a.geography = ?1 GROUP BY a.code ORDER BY a.code",
    )?;
    let out = stmt
        .query_map([BENCHMARK_GEOGRAPHY], |r| {
            let code: String = r.get(0)?;
            Ok(BenchmarkInfo {
                name: name(&code).map(str::to_string),
                code,
                values: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The stored value of benchmark `code` for an indicator and period, if any.
pub fn value(
    ws: &Workspace,
    indicator: &str,
    period: &str,
    code: &str,
) -> Result<Option<StoredValue>> {
    let all = super::query::values(ws, indicator, BENCHMARK_GEOGRAPHY, period)?;
    Ok(all.into_iter().find(|v| v.area_code == code))
}

/// The periods with a value of benchmark `code` for an indicator.
pub fn periods(ws: &Workspace, indicator: &str, code: &str) -> Result<Vec<String>> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT s.period FROM atlas_series s JOIN atlas_series_values v ON v.series = s.id \
         JOIN atlas_areas a ON a.id = v.area \
         WHERE s.indicator = ?1 AND s.geography = ?2 AND a.code = ?3 ORDER BY s.period",
    )?;
    let out = stmt
        .query_map([indicator, BENCHMARK_GEOGRAPHY, code], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn england_and_the_regions_are_known() {
        assert_eq!(name("E92000001"), Some("England"));
        assert!(is_well_known("E12000002"));
        assert!(!is_well_known("E08000001"));
    }
}
