//! `bench`: times the analysis core on real and synthetic data (a benchmark, not a test).
//! Datasets: Greater Manchester LSOAs (from seeds/), London LSOAs (shapefile, when given or
//! found beside the repository) and a synthetic 35,344-cell tessellation. Jobs: queen weights,
//! Fisher–Jenks k = 5, Moran / LISA / Gi* with 999 permutations. Each job runs `repeat` times;
//! the median is reported with PySAL 4.14's time on this machine where known.

use crate::analysis::classify::{ClassifyOptions, Method, classify};
use crate::analysis::getis_ord::{GiOptions, getis_ord_with};
use crate::analysis::lisa::{LisaOptions, local_moran_with};
use crate::analysis::moran::moran_with;
use crate::analysis::multiple_testing::Correction;
use crate::analysis::permutation::PermutationOptions;
use crate::analysis::weights::contiguity::{Contiguity, contiguity};
use crate::data::Workspace;
use crate::data::import::boundaries::{BoundaryOptions, import_boundaries};
use crate::data::import::indicators::{IndicatorOptions, import_indicators};
use crate::data::synthetic::tessellation;
use crate::error::{Error, Result};
use crate::feedback::{Feedback, Silent};
use geo::MultiPolygon;
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// One timed job.
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub dataset: String,
    pub n: usize,
    pub job: String,
    pub median_ms: f64,
    pub min_ms: f64,
    /// The reference time from the issue, when known: PySAL 4.14 (+ numba) for the analysis
    /// jobs, geopandas + matplotlib for maps (same machine kind).
    pub reference_ms: Option<f64>,
    /// reference_ms / median_ms.
    pub speedup: Option<f64>,
}

struct Dataset {
    name: String,
    ids: Vec<String>,
    polygons: Vec<MultiPolygon<f64>>,
    y: Vec<f64>,
}

fn pysal_ms(dataset: &str, job: &str) -> Option<f64> {
    match (dataset, job) {
        ("gm", "queen") => Some(230.0),
        ("london", "queen") => Some(590.0),
        ("gm", "jenks_k5") => Some(8.0),
        ("london", "jenks_k5") => Some(60.0),
        ("gm", "lisa_999") => Some(61.0),
        ("london", "lisa_999") => Some(260.0),
        ("gm", "gistar_999") => Some(78.0),
        ("london", "gistar_999") => Some(400.0),
        _ => None,
    }
}

pub(crate) fn time<T>(repeat: usize, mut f: impl FnMut() -> Result<T>) -> Result<(f64, f64)> {
    let mut ms = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        std::hint::black_box(f()?);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    let median = ms.get(ms.len() / 2).copied().unwrap_or(f64::NAN);
    Ok((median, ms.first().copied().unwrap_or(f64::NAN)))
}

fn gm(seeds: &Path) -> Result<Dataset> {
    let dir = std::env::temp_dir().join(format!("local-atlas-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join("gm.gpkg");
    let _ = std::fs::remove_file(&path);
    let mut ws = Workspace::create(&path)?;
    import_boundaries(
        &mut ws,
        &seeds.join("gm_lsoa2011_bgc.geojson"),
        &BoundaryOptions {
            geography: "lsoa11".into(),
            ..Default::default()
        },
    )?;
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2019".into()),
        columns: Some(vec!["imd_score".into()]),
        ..Default::default()
    };
    import_indicators(&mut ws, &seeds.join("gm_iod2019_lsoa_wide.csv"), &opts)?;
    let data = super::indicator_data::IndicatorData::load(&ws, "lsoa11", "imd_score", None)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Dataset {
        name: "gm".into(),
        ids: data.codes(),
        polygons: data.areas.iter().map(|a| a.geometry_bng.clone()).collect(),
        y: data.values.iter().map(|v| v.unwrap_or(0.0)).collect(),
    })
}

fn london(shp: &Path) -> Result<Dataset> {
    let layer = crate::data::source::read_layer(shp, None)?;
    let code = layer
        .field_index("LSOA11CD")
        .ok_or_else(|| Error::Invalid(format!("{}: no LSOA11CD field", shp.display())))?;
    let mut ids = Vec::new();
    let mut polygons = Vec::new();
    for f in &layer.features {
        if let Some(geo::Geometry::MultiPolygon(mp)) = &f.geometry {
            ids.push(
                f.attrs
                    .get(code)
                    .and_then(|a| a.as_code())
                    .unwrap_or_default(),
            );
            polygons.push(mp.clone());
        }
    }
    // London has no IMD scores in the shared data: use each area's size as the variable.
    let y = polygons
        .iter()
        .map(|p| geo::Area::unsigned_area(p).sqrt())
        .collect();
    Ok(Dataset {
        name: "london".into(),
        ids,
        polygons,
        y,
    })
}

fn synthetic() -> Dataset {
    let cells = tessellation(188, 188, 400.0, 10);
    Dataset {
        name: "synthetic_35k".into(),
        ids: cells.iter().map(|c| c.code.clone()).collect(),
        y: cells.iter().map(|c| c.value).collect(),
        polygons: cells.into_iter().map(|c| c.geometry_bng).collect(),
    }
}

/// A benchmark dataset: name, polygons in BNG metres, one value per area.
pub type BenchAreas = (String, Vec<geo::MultiPolygon<f64>>, Vec<f64>);

/// The benchmark's areas (GM, London when given, the synthetic 35k tessellation) as
/// (name, polygons in BNG metres, a value per area), for the app's frame-time benchmark.
pub fn bench_areas(
    seeds: &Path,
    london_shp: Option<&Path>,
    with_synthetic: bool,
) -> Result<Vec<BenchAreas>> {
    let mut out = vec![gm(seeds)?];
    if let Some(shp) = london_shp {
        out.push(london(shp)?);
    }
    if with_synthetic {
        out.push(synthetic());
    }
    Ok(out.into_iter().map(|d| (d.name, d.polygons, d.y)).collect())
}

fn run_dataset(d: &Dataset, repeat: usize, feedback: &dyn Feedback) -> Result<Vec<BenchResult>> {
    let mut out = Vec::new();
    let mut push = |job: &str, (median_ms, min_ms): (f64, f64)| {
        let pysal = pysal_ms(&d.name, job);
        out.push(BenchResult {
            dataset: d.name.clone(),
            n: d.ids.len(),
            job: job.into(),
            median_ms,
            min_ms,
            reference_ms: pysal,
            speedup: pysal.map(|p| p / median_ms),
        });
    };
    feedback.stage(&format!("{}: queen weights", d.name));
    push(
        "queen",
        time(repeat, || {
            Ok(contiguity(d.ids.clone(), &d.polygons, Contiguity::Queen))
        })?,
    );
    let w = contiguity(d.ids.clone(), &d.polygons, Contiguity::Queen);
    let (row, binary) = (w.row_standardised(), w.binary());
    feedback.stage(&format!("{}: Fisher-Jenks", d.name));
    let values: Vec<Option<f64>> = d.y.iter().map(|v| Some(*v)).collect();
    let jenks = ClassifyOptions {
        method: Method::Jenks,
        k: 5,
        ..Default::default()
    };
    push(
        "jenks_k5",
        time(repeat, || {
            classify(&values, &jenks).map_err(|e| Error::Invalid(e.to_string()))
        })?,
    );
    let perm = PermutationOptions {
        permutations: 999,
        seed: 12345,
        ..Default::default()
    };
    let err = |e: crate::analysis::error::StatsError| Error::Invalid(e.to_string());
    feedback.stage(&format!("{}: Moran 999", d.name));
    push(
        "moran_999",
        time(repeat, || {
            moran_with(&d.y, &row, &perm, &Silent).map_err(err)
        })?,
    );
    feedback.stage(&format!("{}: LISA 999", d.name));
    let lisa = LisaOptions {
        permutation: perm,
        alpha: 0.05,
        correction: Correction::None,
    };
    push(
        "lisa_999",
        time(repeat, || {
            local_moran_with(&d.y, &row, &lisa, &Silent).map_err(err)
        })?,
    );
    feedback.stage(&format!("{}: Gi* 999", d.name));
    let gi = GiOptions {
        star: true,
        permutation: perm,
        correction: Correction::None,
    };
    push(
        "gistar_999",
        time(repeat, || {
            getis_ord_with(&d.y, &binary, &gi, &Silent).map_err(err)
        })?,
    );
    Ok(out)
}

/// Runs the benchmark. `london_shp`: the London LSOA shapefile, if available.
pub fn run(
    seeds: &Path,
    london_shp: Option<&Path>,
    with_synthetic: bool,
    repeat: usize,
    feedback: &dyn Feedback,
) -> Result<Vec<BenchResult>> {
    let mut datasets = vec![gm(seeds)?];
    if let Some(shp) = london_shp {
        datasets.push(london(shp)?);
    }
    if with_synthetic {
        datasets.push(synthetic());
    }
    let mut out = Vec::new();
    for d in &datasets {
        out.extend(run_dataset(d, repeat, feedback)?);
    }
    Ok(out)
}
