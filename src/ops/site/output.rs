//! What `site` writes: the sites as GeoJSON or the demand areas as CSV, and the per-area
//! results saved as indicators with the request as provenance.

use super::{SitePoint, SiteRequest, SiteResponse};
use crate::analysis::result_codes::{SITE_STATUS, codes_text};
use crate::csv_formulas::text_cell;
use crate::data::Workspace;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, Polarity};
use crate::error::{Error, Result};
use crate::ops::index::{check_code, derived_meta, value_row};
use std::path::Path;

#[allow(clippy::too_many_arguments)]
pub(super) fn write_out(
    path: &Path,
    r: &SiteResponse,
    codes: &[&str],
    demand: &[f64],
    deprived: Option<&[bool]>,
    before: &[f64],
    after: &[f64],
    assignment: &[Option<(usize, f64)>],
    sites: &[&SitePoint],
    csv_raw: bool,
) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("geojson") | Some("json") => {
            let features: Vec<serde_json::Value> = r
                .existing
                .iter()
                .chain(&r.chosen)
                .map(|s| {
                    serde_json::json!({
                        "type": "Feature",
                        "properties": {
                            "id": s.id, "name": s.name, "kind": s.kind,
                            "areas": s.areas, "demand": s.demand, "covered_demand": s.covered_demand,
                            "capacity": s.capacity, "served_areas": s.served_areas,
                            "covered_areas": s.covered_areas.join(";"),
                            "easting": s.easting, "northing": s.northing,
                        },
                        "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
                    })
                })
                .collect();
            serde_json::to_vec_pretty(&serde_json::json!({
                "type": "FeatureCollection",
                "features": features,
            }))
            .map_err(Error::geojson_write)?
        }
        Some("csv") => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "area_code",
                "demand",
                "deprived",
                "covered_before",
                "covered_after",
                "site",
                "cost",
            ])
            .map_err(Error::csv_write)?;
            for i in 0..codes.len() {
                let (site, cost) = match assignment[i] {
                    Some((j, c)) => (
                        text_cell(&sites[j].id, csv_raw).into_owned(),
                        format!("{c:.1}"),
                    ),
                    None => (String::new(), String::new()),
                };
                let flag = |b: bool| if b { "1" } else { "0" }.to_string();
                w.write_record([
                    text_cell(codes[i], csv_raw).into_owned(),
                    demand[i].to_string(),
                    deprived.map(|d| flag(d[i])).unwrap_or_default(),
                    share_text(before[i]),
                    share_text(after[i]),
                    site,
                    cost,
                ])
                .map_err(Error::csv_write)?;
            }
            w.into_inner().map_err(Error::csv_write)?
        }
        _ => {
            return Err(Error::output_format(
                path,
                "--out must end in .geojson (the sites) or .csv (the demand areas)",
            ));
        }
    };
    crate::output_file::write(path, &bytes)
}

/// A share served: "0" and "1" exactly, else 4 decimals.
fn share_text(share: f64) -> String {
    if share <= 0.0 {
        "0".into()
    } else if share >= 1.0 {
        "1".into()
    } else {
        format!("{share:.4}")
    }
}

/// One saved series: (code suffix, definition, unit, decimals, values).
type Series<'a> = (&'a str, String, &'a str, i64, Vec<Option<f64>>);

#[allow(clippy::too_many_arguments)]
pub(super) fn save(
    ws: &Workspace,
    req: &SiteRequest,
    name: &str,
    codes: &[&str],
    status: &[f64],
    before: &[f64],
    after: &[f64],
    assignment: &[Option<(usize, f64)>],
    sites: &[&SitePoint],
) -> Result<Vec<String>> {
    check_code(name)?;
    let period = "siting".to_string();
    let what = format!(
        "{} with demand {} and reach {} ({})",
        serde_json::to_string(&req.model).unwrap_or_default(),
        req.demand,
        req.reach_m,
        if req.matrix.is_some() {
            "matrix"
        } else {
            "straight-line metres"
        }
    );
    let codes_text = codes_text(&SITE_STATUS);
    let series: Vec<Series<'_>> = vec![
        (
            "site_status",
            format!("{codes_text}: {what}"),
            "class",
            0,
            status.iter().map(|s| Some(*s)).collect(),
        ),
        (
            "covered_before",
            format!("share of the demand covered by the existing sites: {what}"),
            "share",
            2,
            before.iter().map(|s| Some(*s)).collect(),
        ),
        (
            "covered",
            format!("share of the demand covered after opening the chosen sites: {what}"),
            "share",
            2,
            after.iter().map(|s| Some(*s)).collect(),
        ),
        (
            "cost",
            format!("cost (distance or time) to the nearest open site: {what}"),
            "m or minutes",
            0,
            assignment.iter().map(|a| a.map(|(_, c)| c)).collect(),
        ),
    ];
    let provenance = serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "operation": "site",
        "request": req,
        "nearest_site": assignment.iter().map(|a| a.map(|(j, _)| sites[j].id.clone())).collect::<Vec<_>>(),
    })
    .to_string();
    let mut metas = Vec::new();
    let mut rows = Vec::new();
    let mut saved = Vec::new();
    for (suffix, definition, unit, decimals, values) in series {
        let code = format!("{name}_{suffix}");
        for (c, v) in codes.iter().zip(&values) {
            rows.push(value_row(&code, c, &period, *v));
        }
        let kind = if suffix == "site_status" {
            IndicatorKind::SiteStatus
        } else {
            IndicatorKind::Value
        };
        metas.push(IndicatorMeta {
            kind,
            ..derived_meta(
                code.clone(),
                format!("{name}: {suffix}"),
                "Service siting",
                definition,
                unit,
                decimals,
                Polarity::Neutral,
            )
        });
        saved.push(code);
    }
    crate::data::derived::save_indicators(ws, &req.geography, &metas, &rows, &provenance)?;
    Ok(saved)
}
