//! Synthetic input files for scale checks: the `data::synthetic` tessellation as a GeoJSON
//! boundary file (British National Grid, with its `crs` member) and wide indicator CSVs of
//! smooth synthetic values, so a large workspace is built through the same importers a user's
//! files go through (`local-atlas import boundaries …`, `import indicators … --wide`), and a
//! long-form CSV (`code,indicator,period,value`) of national size, streamed to disk.
//! **Synthetic: never present it as real data.**

use crate::data::synthetic::{cell_value, cells, tessellation};
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
    write_boundaries(&boundaries, req.cols, req.rows)?;
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

/// Writes the `cols × rows` tessellation to `path` as a GeoJSON FeatureCollection in British
/// National Grid (with the legacy `crs` member), one feature at a time through a buffered
/// writer, so a national-size file never sits in memory. Properties: `area_code`, `area_name`.
/// Returns the number of features.
pub fn write_boundaries(path: &Path, cols: usize, rows: usize) -> Result<usize> {
    let mut n = 0;
    crate::output_file::write_with(path, |w| {
        let io = io_err(path);
        w.write_all(
            br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":["#,
        )
        .map_err(&io)?;
        for c in cells(cols, rows, 400.0, 10) {
            if n > 0 {
                w.write_all(b",").map_err(&io)?;
            }
            let feature = serde_json::json!({
                "type": "Feature",
                "properties": { "area_code": c.code, "area_name": format!("Synthetic cell {}", c.code) },
                "geometry": geojson::Geometry::new(geojson::GeometryValue::from(&c.geometry_bng)),
            });
            serde_json::to_writer(&mut *w, &feature).map_err(|e| Error::Invalid(e.to_string()))?;
            n += 1;
        }
        w.write_all(b"]}\n").map_err(&io)
    })?;
    Ok(n)
}

/// The header of the long-form CSV, exactly.
pub const LONG_HEADER: &str = "code,indicator,period,value";
/// The first period of the long-form CSV (periods are consecutive years from it).
pub const FIRST_PERIOD: usize = 2019;
/// About one value in this many is published as suppressed (`*`).
pub const SUPPRESSED_ONE_IN: u64 = 500;

/// The shape of a long-form indicator CSV over the `cols × rows` tessellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongForm {
    pub cols: usize,
    pub rows: usize,
    /// Indicators `syn_ind_001`, `syn_ind_002`, …
    pub indicators: usize,
    /// Periods 2019, 2020, …
    pub periods: usize,
}

impl LongForm {
    /// Data rows (values, suppressed ones included): areas × indicators × periods.
    pub fn values(&self) -> usize {
        self.cols * self.rows * self.indicators * self.periods
    }
}

/// What the long-form writer wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongFormSummary {
    /// Data rows (the header not counted).
    pub rows: usize,
    /// Rows whose value is the suppression marker `*`.
    pub suppressed: usize,
}

/// The code of indicator `k` (0-based): `syn_ind_001`, …
pub fn indicator_code(k: usize) -> String {
    format!("syn_ind_{:03}", k + 1)
}

/// Whether the value of (series `series`, cell `cell`) is suppressed: a fixed hash, so the
/// same cells are suppressed on every run.
fn suppressed(series: usize, cell: usize) -> bool {
    let h = (cell as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (series as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (h >> 32).is_multiple_of(SUPPRESSED_ONE_IN)
}

/// What [`write_long_csv`] writes for `form`, counted without writing it (for a cached file).
pub fn long_counts(form: &LongForm) -> LongFormSummary {
    let areas = form.cols * form.rows;
    let suppressed = (0..form.indicators * form.periods)
        .map(|series| (0..areas).filter(|&i| suppressed(series, i)).count())
        .sum();
    LongFormSummary {
        rows: form.values(),
        suppressed,
    }
}

/// Writes the long-form CSV `code,indicator,period,value` of `form` to `path`, ordered by
/// indicator, then period, then area (as national exports come), streamed through a buffered
/// writer: only the cells' base values (8 bytes an area) are held, never the rows. Values have
/// 3 decimals; about 1 in [`SUPPRESSED_ONE_IN`] is the suppression marker `*`.
///
/// ```
/// use local_atlas::ops::synthetic_files::{LongForm, write_long_csv};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("long.csv");
/// let form = LongForm { cols: 3, rows: 2, indicators: 2, periods: 3 };
/// let out = write_long_csv(&path, &form).unwrap();
/// assert_eq!(out.rows, 36);
/// let text = std::fs::read_to_string(&path).unwrap();
/// let lines: Vec<&str> = text.lines().collect();
/// assert_eq!(lines[0], "code,indicator,period,value");
/// assert!(lines[1].starts_with("SYN000001,syn_ind_001,2019,"));
/// assert!(lines[7].starts_with("SYN000001,syn_ind_001,2020,"));
/// assert!(lines[36].starts_with("SYN000006,syn_ind_002,2021,"));
/// ```
pub fn write_long_csv(path: &Path, form: &LongForm) -> Result<LongFormSummary> {
    let base: Vec<f64> = (0..form.rows)
        .flat_map(|r| (0..form.cols).map(move |c| cell_value(c, r, form.cols, form.rows)))
        .collect();
    let mut summary = LongFormSummary {
        rows: 0,
        suppressed: 0,
    };
    crate::output_file::write_with(path, |w| {
        let io = io_err(path);
        writeln!(w, "{LONG_HEADER}").map_err(&io)?;
        for k in 0..form.indicators {
            let code = indicator_code(k);
            for p in 0..form.periods {
                let series = k * form.periods + p;
                let period = FIRST_PERIOD + p;
                for (i, b) in base.iter().enumerate() {
                    let cell = crate::data::synthetic::cell_code(i);
                    if suppressed(series, i) {
                        writeln!(w, "{cell},{code},{period},*").map_err(&io)?;
                        summary.suppressed += 1;
                    } else {
                        let v = value(b + 0.5 * p as f64, series, i);
                        writeln!(w, "{cell},{code},{period},{v}").map_err(&io)?;
                    }
                    summary.rows += 1;
                }
            }
        }
        Ok(())
    })?;
    Ok(summary)
}
