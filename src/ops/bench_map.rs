//! `bench --maps`: times the whole `map` operation (read from the workspace, classify, lay out,
//! encode, write) on GM, London and the synthetic 35k tessellation.

use super::bench::{BenchResult, time};
use super::map;
use super::map::recipe::{self, Overrides};
use crate::data::Workspace;
use crate::data::crs::Crs;
use crate::data::import::boundaries::{BoundaryOptions, import_boundaries};
use crate::data::import::indicators::{IndicatorOptions, import_indicators};
use crate::data::synthetic::tessellation;
use crate::error::{Error, Result};
use crate::feedback::{Feedback, Silent};
use crate::render::spec::{MapSpec, PageSize};
use std::fmt::Write as _;
use std::path::Path;

/// geopandas 1.x + matplotlib, 3000×2000 px PNG with a FisherJenks legend (from the issue).
fn reference_ms(dataset: &str, job: &str) -> Option<f64> {
    match (dataset, job) {
        ("gm", "png_3000x2000") => Some(1150.0),
        ("london", "png_3000x2000") => Some(1730.0),
        _ => None,
    }
}

/// Where a benchmark workspace comes from: boundaries and one wide indicator column.
struct Source<'a> {
    name: &'a str,
    boundaries: &'a Path,
    crs: Option<Crs>,
    code_field: Option<&'a str>,
    values: &'a Path,
    value_column: &'a str,
    value_code: Option<&'a str>,
}

/// A workspace with one geography `areas` and one indicator.
fn workspace(dir: &Path, src: &Source<'_>) -> Result<std::path::PathBuf> {
    let path = dir.join(format!("{}.gpkg", src.name));
    let _ = std::fs::remove_file(&path);
    let mut ws = Workspace::create(&path)?;
    import_boundaries(
        &mut ws,
        src.boundaries,
        &BoundaryOptions {
            geography: "areas".into(),
            code_field: src.code_field.map(str::to_string),
            source_crs: src.crs,
            ..Default::default()
        },
    )?;
    let opts = IndicatorOptions {
        geography: "areas".into(),
        code_field: src.value_code.map(str::to_string),
        wide: true,
        period: Some("2019".into()),
        columns: Some(vec![src.value_column.into()]),
        allow_unmatched: true,
        ..Default::default()
    };
    import_indicators(&mut ws, src.values, &opts)?;
    Ok(path)
}

/// The synthetic tessellation as GeoJSON (BNG) and a CSV of its values.
fn synthetic_files(dir: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let cells = tessellation(188, 188, 400.0, 10);
    area_files(
        dir,
        "synthetic",
        cells
            .iter()
            .map(|c| (c.code.as_str(), &c.geometry_bng, c.value)),
    )
}

/// Areas (code, polygon in BNG metres, value) as `NAME.geojson` and `NAME.csv` (`code,value`).
fn area_files<'a>(
    dir: &Path,
    name: &str,
    areas: impl Iterator<Item = (&'a str, &'a geo::MultiPolygon<f64>, f64)>,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let mut json = String::from(
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":["#,
    );
    let mut csv = String::from("code,value\n");
    for (i, (code, geometry, value)) in areas.enumerate() {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":"#
        );
        json.push_str(&geojson::Geometry::from(geometry).to_string());
        json.push('}');
        let _ = writeln!(csv, "{code},{value}");
    }
    json.push_str("]}");
    let (g, v) = (
        dir.join(format!("{name}.geojson")),
        dir.join(format!("{name}.csv")),
    );
    crate::output_file::write(&g, json.as_bytes())?;
    crate::output_file::write(&v, csv.as_bytes())?;
    Ok((g, v))
}

/// A workspace `NAME.gpkg` in `dir` with geography `areas` (codes `A1`, `A2`, …) and the
/// indicator `value` (period 2019) from polygons in BNG metres and one value each: what the
/// desktop map's palette benchmark explores.
pub fn workspace_of_areas(
    dir: &Path,
    name: &str,
    polygons: &[geo::MultiPolygon<f64>],
    values: &[f64],
) -> Result<std::path::PathBuf> {
    let codes: Vec<String> = (1..=polygons.len()).map(|i| format!("A{i}")).collect();
    let (g, v) = area_files(
        dir,
        name,
        codes
            .iter()
            .zip(polygons)
            .zip(values)
            .map(|((c, p), v)| (c.as_str(), p, *v)),
    )?;
    workspace(
        dir,
        &Source {
            name,
            boundaries: &g,
            crs: Some(Crs::Bng),
            code_field: Some("code"),
            values: &v,
            value_column: "value",
            value_code: Some("code"),
        },
    )
}

fn jobs(
    dataset: &str,
    (ws_path, indicator): (&Path, &str),
    dir: &Path,
    repeat: usize,
    out: &mut Vec<BenchResult>,
) -> Result<()> {
    let ws = Workspace::open(ws_path)?;
    let n = crate::data::query::areas(&ws, "areas")?.len();
    let mut base = MapSpec::default();
    recipe::apply(
        &ws,
        &mut base,
        &Overrides {
            geography: Some("areas".into()),
            indicator: Some(indicator.into()),
            ..Default::default()
        },
    )?;
    let mut png = base.clone();
    png.page.size = PageSize::Pixels {
        width: 3000,
        height: 2000,
    };
    png.page.dpi = 300.0;
    let mut a3 = base.clone();
    a3.page.size = PageSize::A3;
    a3.page.landscape = true;
    a3.page.dpi = 300.0;
    let cases = [
        ("png_3000x2000", png, "map.png"),
        ("png_a3_300dpi", a3.clone(), "map.png"),
        ("pdf_a3", a3, "map.pdf"),
    ];
    for (job, spec, file) in cases {
        let target = dir.join(file);
        let req = map::MapRequest {
            spec,
            out: target,
            save_recipe: None,
        };
        let (median_ms, min_ms) = time(repeat, || map::run(&ws, &req, &Silent))?;
        let reference = reference_ms(dataset, job);
        out.push(BenchResult {
            dataset: dataset.into(),
            n,
            job: job.into(),
            median_ms,
            min_ms,
            reference_ms: reference,
            speedup: reference.map(|r| r / median_ms),
        });
    }
    Ok(())
}

/// Runs the map benchmark. `london`: the London LSOA shapefile and the England IMD CSV.
pub fn run(
    seeds: &Path,
    london: Option<(&Path, &Path)>,
    with_synthetic: bool,
    repeat: usize,
    feedback: &dyn Feedback,
) -> Result<Vec<BenchResult>> {
    let dir = std::env::temp_dir().join(format!("local-atlas-bench-maps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut out = Vec::new();
    feedback.stage("maps: GM");
    let (gm_shapes, gm_values) = (
        seeds.join("gm_lsoa2011_bgc.geojson"),
        seeds.join("gm_iod2019_lsoa_wide.csv"),
    );
    let gm = workspace(
        &dir,
        &Source {
            name: "gm",
            boundaries: &gm_shapes,
            crs: None,
            code_field: None,
            values: &gm_values,
            value_column: "imd_score",
            value_code: None,
        },
    )?;
    jobs("gm", (&gm, "imd_score"), &dir, repeat, &mut out)?;
    if let Some((shp, csv)) = london {
        feedback.stage("maps: London");
        let source = Source {
            name: "london",
            boundaries: shp,
            crs: None,
            code_field: Some("LSOA11CD"),
            values: csv,
            value_column: "IMD_rank",
            value_code: Some("lsoa_code"),
        };
        let ws = workspace(&dir, &source)?;
        jobs("london", (&ws, "IMD_rank"), &dir, repeat, &mut out)?;
    }
    if with_synthetic {
        feedback.stage("maps: synthetic 35k");
        let (g, v) = synthetic_files(&dir)?;
        let source = Source {
            name: "synthetic",
            boundaries: &g,
            crs: Some(Crs::Bng),
            code_field: Some("code"),
            values: &v,
            value_column: "value",
            value_code: Some("code"),
        };
        let ws = workspace(&dir, &source)?;
        jobs("synthetic_35k", (&ws, "value"), &dir, repeat, &mut out)?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}
