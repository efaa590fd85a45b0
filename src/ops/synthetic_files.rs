//! Synthetic input files for scale checks: the `data::synthetic` tessellation as a GeoJSON
//! boundary file (British National Grid, with its `crs` member) and wide indicator CSVs of
//! smooth synthetic values, so a large workspace is built through the same importers a user's
//! files go through (`local-atlas import boundaries …`, `import indicators … --wide`).
//! **Synthetic: never present it as real data.**

use crate::data::synthetic::tessellation;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What to write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticFilesRequest {
    /// The folder the files go to (created when missing).
    pub dir: PathBuf,
    /// Cells across and down (188 × 188 = 35,344 cells, the benchmark's size).
    pub cols: usize,
    pub rows: usize,
    /// Wide CSV files to write, each with `indicators_per_file` indicator columns.
    pub files: usize,
    pub indicators_per_file: usize,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticFilesResponse {
    pub boundaries: PathBuf,
    pub csvs: Vec<PathBuf>,
    pub cells: usize,
    pub values: usize,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// The synthetic value of indicator `k` in a cell whose smooth surface value is `base`: a
/// different but deterministic mix per indicator, rounded to 3 decimals.
fn value(base: f64, k: usize, cell: usize) -> f64 {
    let wobble = ((cell * 7919 + k * 104_729) % 1000) as f64 / 1000.0;
    ((base * (1.0 + k as f64 * 0.01) + wobble) * 1000.0).round() / 1000.0
}

/// Writes `synthetic_cells.geojson` and `synthetic_values_N.csv` into `req.dir`.
///
/// ```
/// use local_atlas::ops::synthetic_files::{SyntheticFilesRequest, write};
/// let dir = tempfile::tempdir().unwrap();
/// let out = write(&SyntheticFilesRequest {
///     dir: dir.path().into(), cols: 3, rows: 2, files: 2, indicators_per_file: 4,
/// }).unwrap();
/// assert_eq!((out.cells, out.values, out.csvs.len()), (6, 48, 2));
/// let csv = std::fs::read_to_string(&out.csvs[1]).unwrap();
/// assert!(csv.starts_with("area_code,syn_b_001,syn_b_002,syn_b_003,syn_b_004\n"));
/// ```
pub fn write(req: &SyntheticFilesRequest) -> Result<SyntheticFilesResponse> {
    std::fs::create_dir_all(&req.dir).map_err(io_err(&req.dir))?;
    let cells = tessellation(req.cols, req.rows, 400.0, 10);
    let boundaries = req.dir.join("synthetic_cells.geojson");
    let features: Vec<serde_json::Value> = cells
        .iter()
        .map(|c| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "area_code": c.code, "area_name": format!("Synthetic cell {}", c.code) },
                "geometry": geojson::Geometry::new(geojson::GeometryValue::from(&c.geometry_bng)),
            })
        })
        .collect();
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::27700" } },
        "features": features,
    });
    let text = serde_json::to_vec(&fc).map_err(|e| Error::Invalid(e.to_string()))?;
    crate::output_file::write(&boundaries, &text)?;
    let mut csvs = Vec::new();
    for f in 0..req.files {
        let letter = (b'a' + (f % 26) as u8) as char;
        let path = req.dir.join(format!("synthetic_values_{}.csv", f + 1));
        crate::output_file::write_with(&path, |w| {
            let header: Vec<String> = (1..=req.indicators_per_file)
                .map(|k| format!("syn_{letter}_{k:03}"))
                .collect();
            writeln!(w, "area_code,{}", header.join(",")).map_err(io_err(&path))?;
            for (i, c) in cells.iter().enumerate() {
                let row: Vec<String> = (0..req.indicators_per_file)
                    .map(|k| value(c.value, f * req.indicators_per_file + k, i).to_string())
                    .collect();
                writeln!(w, "{},{}", c.code, row.join(",")).map_err(io_err(&path))?;
            }
            Ok(())
        })?;
        csvs.push(path);
    }
    Ok(SyntheticFilesResponse {
        boundaries,
        values: cells.len() * req.files * req.indicators_per_file,
        cells: cells.len(),
        csvs,
    })
}
