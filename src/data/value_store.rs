//! Writing indicator values keyed by integers (schema version 6, see
//! [`super::schema`]): each series (indicator × geography × period) and each area (geography ×
//! code) is looked up or created once per write and remembered, so storing a value costs a
//! share of one multi-row insert ([`super::value_batch`]) however many values the workspace
//! already holds.

use super::indicator::ValueRow;
use super::value_batch::{BATCH, BatchWriter, NewValue};
use crate::error::Result;
use rusqlite::{OptionalExtension, Transaction};
use std::collections::HashMap;

/// Stores values of one geography inside a transaction.
pub struct ValueWriter<'t> {
    tx: &'t Transaction<'t>,
    geography: String,
    /// indicator → period → series id.
    series: HashMap<String, HashMap<String, i64>>,
    /// area code → area id (every area of the geography already known, read once).
    areas: HashMap<String, i64>,
}

impl<'t> ValueWriter<'t> {
    /// A writer for `geography`, knowing its areas and series so far.
    pub fn new(tx: &'t Transaction<'t>, geography: &str) -> Result<Self> {
        let mut areas = HashMap::new();
        let mut stmt = tx.prepare("SELECT code, id FROM atlas_areas WHERE geography = ?1")?;
        let rows = stmt.query_map([geography], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            let (code, id): (String, i64) = row?;
            areas.insert(code, id);
        }
        let mut series: HashMap<String, HashMap<String, i64>> = HashMap::new();
        let mut stmt =
            tx.prepare("SELECT indicator, period, id FROM atlas_series WHERE geography = ?1")?;
        let rows = stmt.query_map([geography], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            let (indicator, period, id): (String, String, i64) = row?;
            series.entry(indicator).or_default().insert(period, id);
        }
        Ok(Self {
            tx,
            geography: geography.to_string(),
            series,
            areas,
        })
    }

    /// The id of an area of this geography already in the workspace, if any.
    pub fn known_area(&self, code: &str) -> Option<i64> {
        self.areas.get(code).copied()
    }

    /// The id of a series already in the workspace (with or without values), if any.
    pub fn known_series(&self, indicator: &str, period: &str) -> Option<i64> {
        self.series.get(indicator)?.get(period).copied()
    }

    /// The id of the series, created when new (its indicator must exist).
    pub fn series_id(&mut self, indicator: &str, period: &str) -> Result<i64> {
        if let Some(id) = self.known_series(indicator, period) {
            return Ok(id);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO atlas_series (indicator, geography, period) VALUES (?1, ?2, ?3)",
            )?
            .execute((indicator, &self.geography, period))?;
        let id = self.tx.last_insert_rowid();
        self.series
            .entry(indicator.to_string())
            .or_default()
            .insert(period.to_string(), id);
        Ok(id)
    }

    /// The id of an area of this geography, created when new.
    pub fn area_id(&mut self, code: &str) -> Result<i64> {
        if let Some(&id) = self.areas.get(code) {
            return Ok(id);
        }
        self.tx
            .prepare_cached("INSERT INTO atlas_areas (geography, code) VALUES (?1, ?2)")?
            .execute((&self.geography, code))?;
        let id = self.tx.last_insert_rowid();
        self.areas.insert(code.to_string(), id);
        Ok(id)
    }
}

/// How many values a series holds.
pub fn series_len(tx: &Transaction<'_>, series: i64) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT COUNT(*) FROM atlas_series_values WHERE series = ?1")?
        .query_row([series], |r| r.get(0))?)
}

/// Whether a series holds any value (one seek).
pub fn series_has_values(tx: &Transaction<'_>, series: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM atlas_series_values WHERE series = ?1 LIMIT 1")?
        .query_row([series], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Deletes every value of (indicator, geography, period); returns how many there were.
pub fn delete_series(
    tx: &Transaction<'_>,
    indicator: &str,
    geography: &str,
    period: &str,
) -> Result<usize> {
    let id: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM atlas_series WHERE indicator = ?1 AND geography = ?2 AND period = ?3",
        )?
        .query_row((indicator, geography, period), |r| r.get(0))
        .optional()?;
    match id {
        None => Ok(0),
        Some(id) => Ok(tx
            .prepare_cached("DELETE FROM atlas_series_values WHERE series = ?1")?
            .execute([id])?),
    }
}

/// Inserts value rows for a geography (results Local Atlas computed; their (indicator, area,
/// period) are distinct by construction, a repeat is an internal error), [`BATCH`] at a time.
pub fn insert_values(tx: &Transaction<'_>, geography: &str, rows: &[ValueRow]) -> Result<()> {
    let mut w = ValueWriter::new(tx, geography)?;
    let mut batch = BatchWriter::new(tx)?;
    for chunk in rows.chunks(BATCH) {
        let values = chunk
            .iter()
            .map(|r| {
                Ok(NewValue {
                    series: w.series_id(&r.indicator, &r.period)?,
                    area: w.area_id(&r.area_code)?,
                    value: r.value,
                    numerator: r.numerator,
                    denominator: r.denominator,
                    lower_ci: r.lower_ci,
                    upper_ci: r.upper_ci,
                    lower_ci_99_8: r.lower_ci_99_8,
                    upper_ci_99_8: r.upper_ci_99_8,
                    status: r.status,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(r) = batch.insert(&values)?.and_then(|i| chunk.get(i)) {
            return Err(crate::error::Error::Invalid(format!(
                "two values for area {} of {} in period {}",
                r.area_code, r.indicator, r.period
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Workspace;
    use crate::data::import::metadata::upsert;
    use crate::data::indicator::{IndicatorMeta, Status};
    use crate::data::query;

    fn ws_with_indicator() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("w.gpkg")).unwrap();
        ws.write(|tx| upsert(tx, &[IndicatorMeta::default_for("a")], false, "test"))
            .unwrap();
        (dir, ws)
    }

    #[test]
    fn values_round_trip_and_a_second_value_is_refused() {
        let (_d, ws) = ws_with_indicator();
        let mut row = ValueRow::computed("a", "E01", "2020", Some(2.5));
        row.numerator = Some(5.0);
        let missing = ValueRow::computed("a", "E02", "2020", None);
        ws.write(|tx| insert_values(tx, "lsoa", &[row.clone(), missing.clone()]))
            .unwrap();
        let got = query::values(&ws, "a", "lsoa", "2020").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].area_code.as_str(), got[0].value),
            ("E01", Some(2.5))
        );
        assert_eq!(got[0].numerator, Some(5.0));
        assert_eq!(got[1].status, Status::Missing);
        assert_eq!(query::periods(&ws, "a", "lsoa").unwrap(), vec!["2020"]);
        let again = ValueRow::computed("a", "E03", "2020", Some(1.0));
        let err = ws
            .write(|tx| insert_values(tx, "lsoa", &[again.clone(), again.clone()]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("two values for area E03"), "{err}");
        assert_eq!(query::values(&ws, "a", "lsoa", "2020").unwrap().len(), 2);
    }

    #[test]
    fn deleting_a_series_empties_it_and_it_is_no_longer_listed() {
        let (_d, ws) = ws_with_indicator();
        ws.write(|tx| {
            insert_values(
                tx,
                "lsoa",
                &[ValueRow::computed("a", "E01", "2020", Some(1.0))],
            )
        })
        .unwrap();
        let n = ws
            .write(|tx| delete_series(tx, "a", "lsoa", "2020"))
            .unwrap();
        assert_eq!(n, 1);
        assert!(query::periods(&ws, "a", "lsoa").unwrap().is_empty());
        assert!(query::series(&ws).unwrap().is_empty());
    }
}
