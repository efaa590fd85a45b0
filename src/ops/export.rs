//! `export-data`: one indicator at one geography and period, as CSV or as GeoJSON (RFC 7946,
//! WGS 84 longitude/latitude) with the boundaries.
//!
//! `lower_ci`, `upper_ci` are the 95% limits; `lower_ci_99_8`, `upper_ci_99_8` the 99.8% ones,
//! as stored (`derive`) or, for proportions and crude rates, computed from the count and the
//! denominator (`ops::value_type::fill_99_8`).
//!
//! Under the indicator's disclosure rule ([`crate::ops::disclosure`]) a withheld value is
//! written with status `suppressed` and empty value, numerator and confidence limits, and a
//! column (property) `suppression` says why: `primary`, `secondary` (withheld so a primary one
//! cannot be recovered from a total), `no_count` or `source`. Indicators without a rule are
//! written as before (no `suppression` column). `disclosure_off` writes the stored values and
//! logs the override.

use crate::csv_formulas::text_cell;
use crate::data::Workspace;
use crate::data::crs::{Crs, Transformer};
use crate::data::query::{self, StoredValue};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::ops::disclosure::{self, Override, Protected, Reason};
use geo::Geometry;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ExportRequest {
    pub geography: String,
    pub indicator: String,
    pub period: Option<String>,
    /// The file to write: `.csv`, or `.geojson`/`.json` with the boundaries.
    pub out: PathBuf,
    /// Write text cells (codes, names) exactly as stored, without the `'` that stops a
    /// spreadsheet running a cell starting with `=`, `+`, `-` or `@` as a formula
    /// ([`crate::csv_formulas`]). Off by default; for programs reading the CSV.
    #[serde(default)]
    pub csv_raw: bool,
    /// Disclosure control off for this file (`--disclosure off --reason TEXT`): the stored
    /// values are written, and the override is logged in the workspace. Refused without a
    /// reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure_off: Option<Override>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExportReport {
    pub file: String,
    pub indicator: String,
    pub geography: String,
    pub period: String,
    pub areas: usize,
    pub with_value: usize,
    /// The disclosure rule applied (`none`, `suppress_1_5`, `suppress_1_7_round_5`), or `off`.
    #[serde(default)]
    pub disclosure: String,
    /// Values withheld by the rule (primary, no count, or by the source) and to protect them
    /// (secondary).
    #[serde(default)]
    pub suppressed: usize,
    #[serde(default)]
    pub secondary: usize,
}

const COLUMNS: [&str; 12] = [
    "area_code",
    "area_name",
    "indicator",
    "period",
    "value",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "lower_ci_99_8",
    "upper_ci_99_8",
    "status",
];

/// Writes the file; the format follows the extension (.csv or .geojson/.json).
pub fn run(ws: &Workspace, req: &ExportRequest, feedback: &dyn Feedback) -> Result<ExportReport> {
    feedback.stage("exporting");
    let out = req.out.as_path();
    let meta = query::indicator_meta(ws, &req.indicator)?;
    if let Some(o) = &req.disclosure_off {
        o.check()?;
    }
    let period = query::resolve_period(ws, &req.indicator, &req.geography, req.period.as_deref())?;
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // A CSV needs the codes and names only: the geometry (most of the geography's bytes) is
    // read for GeoJSON alone.
    let areas = if ext == "csv" {
        query::area_names(ws, &req.geography)?
    } else {
        query::areas(ws, &req.geography)?
    };
    let stored = query::values(ws, &req.indicator, &req.geography, &period)?;
    let protected = match &req.disclosure_off {
        Some(_) => Protected::as_stored(stored),
        None => disclosure::protect(ws, &meta, &req.geography, &period, stored)?,
    };
    let ruled = req.disclosure_off.is_none() && !disclosure::rule_of(&meta).is_none();
    let reasons = ruled.then_some(&protected.reasons);
    let mut published = protected.values.clone();
    crate::ops::value_type::fill_99_8(&meta, &mut published);
    let values: HashMap<String, StoredValue> = published
        .iter()
        .map(|v| (v.area_code.clone(), v.clone()))
        .collect();
    let table = Table {
        areas: &areas,
        values: &values,
        reasons,
        indicator: &req.indicator,
        period: &period,
    };
    match ext.as_str() {
        "csv" => crate::output_file::write_with(out, |w| {
            write_csv(w, &table, req.csv_raw)?;
            cancelled(feedback)
        })?,
        "geojson" | "json" => crate::output_file::write_with(out, |w| {
            write_geojson(w, &table)?;
            cancelled(feedback)
        })?,
        _ => {
            return Err(Error::output_format(
                out,
                "choose a .csv or .geojson output file",
            ));
        }
    }
    let file = out.display().to_string();
    if let Some(o) = &req.disclosure_off {
        disclosure::log_override(ws, "export-data", &[&req.indicator], &file, o)?;
    }
    let secondary = protected.count(Reason::Secondary);
    Ok(ExportReport {
        file,
        indicator: req.indicator.clone(),
        geography: req.geography.clone(),
        period,
        areas: areas.len(),
        with_value: values.values().filter(|v| v.value.is_some()).count(),
        disclosure: match req.disclosure_off {
            Some(_) => "off".into(),
            None => meta.disclosure.as_str().into(),
        },
        suppressed: protected.reasons.len() - secondary,
        secondary,
    })
}

/// What an export writes: the areas, their values, and which indicator and period.
struct Table<'a> {
    areas: &'a [query::Area],
    values: &'a HashMap<String, StoredValue>,
    /// Under a disclosure rule: why each withheld value is (the `suppression` column).
    reasons: Option<&'a HashMap<String, Reason>>,
    indicator: &'a str,
    period: &'a str,
}

/// Stops with [`Error::Cancelled`] (before the file is renamed into place) when asked to.
fn cancelled(feedback: &dyn Feedback) -> Result<()> {
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    Ok(())
}

fn fmt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The table as CSV into `out`; text cells (codes, names, indicator, period, status) are
/// neutralised against spreadsheet formulas unless `raw`.
fn write_csv(out: &mut dyn std::io::Write, t: &Table<'_>, raw: bool) -> Result<()> {
    let text = |s: &str| text_cell(s, raw).into_owned();
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<&str> = COLUMNS.to_vec();
    if t.reasons.is_some() {
        header.push("suppression");
    }
    w.write_record(header).map_err(Error::csv_write)?;
    for a in t.areas {
        let v = t.values.get(&a.code);
        let status = v.map(|v| v.status.as_str()).unwrap_or("missing");
        let mut record = vec![
            text(&a.code),
            text(a.name.as_deref().unwrap_or_default()),
            text(t.indicator),
            text(t.period),
            fmt(v.and_then(|v| v.value)),
            fmt(v.and_then(|v| v.numerator)),
            fmt(v.and_then(|v| v.denominator)),
            fmt(v.and_then(|v| v.lower_ci)),
            fmt(v.and_then(|v| v.upper_ci)),
            fmt(v.and_then(|v| v.lower_ci_99_8)),
            fmt(v.and_then(|v| v.upper_ci_99_8)),
            text(status),
        ];
        if let Some(reasons) = t.reasons {
            record.push(reasons.get(&a.code).map_or("", |r| r.as_str()).into());
        }
        w.write_record(record).map_err(Error::csv_write)?;
    }
    w.flush().map_err(Error::csv_write)
}

fn write_geojson(out: &mut dyn std::io::Write, t: &Table<'_>) -> Result<()> {
    let (areas, values, indicator, period) = (t.areas, t.values, t.indicator, t.period);
    let to_wgs = Transformer::new(Crs::Bng, Crs::Wgs84)?;
    let mut features = Vec::with_capacity(areas.len());
    for a in areas {
        let g = to_wgs.geometry(&Geometry::MultiPolygon(a.geometry_bng.clone()))?;
        let v = values.get(&a.code);
        let mut props = serde_json::json!({
            "area_code": a.code,
            "area_name": a.name,
            "indicator": indicator,
            "period": period,
            "value": v.and_then(|v| v.value),
            "numerator": v.and_then(|v| v.numerator),
            "denominator": v.and_then(|v| v.denominator),
            "lower_ci": v.and_then(|v| v.lower_ci),
            "upper_ci": v.and_then(|v| v.upper_ci),
            "lower_ci_99_8": v.and_then(|v| v.lower_ci_99_8),
            "upper_ci_99_8": v.and_then(|v| v.upper_ci_99_8),
            "status": v.map(|v| v.status.as_str()).unwrap_or("missing"),
        });
        if let Some(reasons) = t.reasons {
            props["suppression"] = reasons.get(&a.code).map(|r| r.as_str()).into();
        }
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": props,
            "geometry": geojson::Geometry::from(&g),
        }));
    }
    let fc = serde_json::json!({ "type": "FeatureCollection", "features": features });
    serde_json::to_writer(out, &fc).map_err(Error::geojson_write)
}
