//! Saving results computed from the workspace (hotspot classes, z-scores, composite indices) as
//! ordinary indicators, with the recipe that produced them as provenance.

use super::import::metadata::upsert;
use super::indicator::{IndicatorMeta, ValueRow};
use super::value_store::{delete_series, insert_values};
use super::workspace::Workspace;
use crate::error::Result;
use std::collections::BTreeSet;

/// Writes derived indicators in one transaction, replacing earlier values of the same
/// indicators at this geography and period(s), with their kind (values or result codes).
pub fn save_indicators(
    ws: &Workspace,
    geography: &str,
    metas: &[IndicatorMeta],
    rows: &[ValueRow],
    provenance: &str,
) -> Result<()> {
    save_indicators_at(ws, &[(geography, rows)], metas, provenance)
}

/// [`save_indicators`] for rows at several geographies (e.g. districts and their benchmark
/// areas), all in one transaction.
pub fn save_indicators_at(
    ws: &Workspace,
    at: &[(&str, &[ValueRow])],
    metas: &[IndicatorMeta],
    provenance: &str,
) -> Result<()> {
    ws.write(|tx| {
        upsert(tx, metas, true, provenance)?;
        for (geography, rows) in at {
            let combos: BTreeSet<(&str, &str)> = rows
                .iter()
                .map(|r| (r.indicator.as_str(), r.period.as_str()))
                .collect();
            for (indicator, period) in &combos {
                delete_series(tx, indicator, geography, period)?;
            }
            insert_values(tx, geography, rows)?;
            tx.execute(
                "INSERT INTO atlas_import_log (kind, target, at, file, rows, sha256, detail) \
                 VALUES ('derived', ?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'), '', ?2, '', ?3)",
                (geography, rows.len() as i64, provenance),
            )?;
        }
        Ok(())
    })
}
