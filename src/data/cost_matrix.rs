//! Reading a travel-time or distance matrix computed elsewhere (a routing engine, a GIS): a CSV
//! with one row per (origin area, site) pair.
//!
//! Columns: the origin area code (`origin`, `from`, `origin_code`, `code`, else the first
//! column), the site id (`site`, `to`, `site_id`, `destination`, else the second) and the cost
//! (`minutes`, `time`, `metres`, `meters`, `distance`, `cost`, `value`, else the third). Pairs
//! that are missing are unreachable. A repeated pair is an error naming both lines.

use super::import::csv_text::{Table, TextEncoding, decode};
use crate::error::{Error, InputError, Result};
use std::collections::HashMap;
use std::path::Path;

/// The matrix: (origin code, site id) → cost, and the name of the cost column.
#[derive(Debug, Clone, PartialEq)]
pub struct CostMatrix {
    pub costs: HashMap<(String, String), f64>,
    pub cost_column: String,
}

impl CostMatrix {
    pub fn get(&self, origin: &str, site: &str) -> Option<f64> {
        self.costs
            .get(&(origin.to_string(), site.to_string()))
            .copied()
    }
}

/// Reads a matrix CSV; errors name the file, line and column.
pub fn read_cost_matrix(path: &Path) -> Result<CostMatrix> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode(&file, &bytes, TextEncoding::Auto)?;
    parse_cost_matrix(&file, &text)
}

/// Parses matrix CSV text (`file` names it in errors).
pub fn parse_cost_matrix(file: &str, text: &str) -> Result<CostMatrix> {
    let table = Table::parse(file, text)?;
    if table.headers.len() < 3 {
        return Err(
            InputError::new(file, "needs three columns: origin code, site id and cost")
                .line(1)
                .hint("e.g. a header `origin,site,minutes`")
                .into(),
        );
    }
    let origin = table
        .find(&["origin", "from", "origin_code", "code", "area_code"])
        .unwrap_or(0);
    let site = table
        .find(&["site", "to", "site_id", "destination", "id"])
        .unwrap_or(1);
    let cost = table
        .find(&[
            "minutes", "time", "metres", "meters", "distance", "cost", "value",
        ])
        .unwrap_or(2);
    let cost_column = table.headers[cost].clone();
    let mut costs = HashMap::new();
    let mut lines: HashMap<(String, String), u64> = HashMap::new();
    for (line, row) in &table.rows {
        let cell = |k: usize| row.get(k).map(|s| s.trim()).unwrap_or_default();
        let key = (cell(origin).to_string(), cell(site).to_string());
        let raw = cell(cost);
        let value: f64 = raw
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                Error::from(
                    InputError::new(file, format!("'{raw}' is not a cost (a number ≥ 0)"))
                        .line(*line)
                        .column(cost_column.clone()),
                )
            })?;
        if let Some(first) = lines.insert(key.clone(), *line) {
            return Err(InputError::new(
                file,
                format!(
                    "the pair ({}, {}) appears twice, on lines {first} and {line}",
                    key.0, key.1
                ),
            )
            .line(*line)
            .into());
        }
        costs.insert(key, value);
    }
    Ok(CostMatrix { costs, cost_column })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_names_bad_cells() {
        let m = parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,4.5\nE02,S1,12\n").unwrap();
        assert_eq!(m.get("E01", "S1"), Some(4.5));
        assert_eq!(m.get("E02", "S2"), None);
        assert_eq!(m.cost_column, "minutes");
        let e = parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,far\n").unwrap_err();
        assert!(
            e.to_string().contains("m.csv, line 2, column 'minutes'"),
            "{e}"
        );
        let e =
            parse_cost_matrix("m.csv", "origin,site,minutes\nE01,S1,1\nE01,S1,2\n").unwrap_err();
        assert!(e.to_string().contains("lines 2 and 3"), "{e}");
    }
}
