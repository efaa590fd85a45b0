//! The hostile-input corpus (issue 13): generated CSV, GeoJSON, shapefile and GeoPackage files,
//! tampered workspaces, recipes, specs, matrices and option values, each run through the real
//! binary under memory, CPU and wall-clock limits. See tests/hostile/harness.rs for what every
//! case must hold to. `LOCAL_ATLAS_WRITE_CORPUS=DIR` also writes the inputs out (fuzz seeds).
#![cfg(unix)]

#[path = "hostile/analysis_cases.rs"]
mod analysis_cases;
mod common;
#[path = "hostile/csv_cases.rs"]
mod csv_cases;
#[path = "hostile/geojson_cases.rs"]
mod geojson_cases;
#[path = "hostile/gpkg_cases.rs"]
mod gpkg_cases;
#[path = "hostile/harness.rs"]
mod harness;
#[path = "hostile/map_cases.rs"]
mod map_cases;
#[path = "hostile/shapefile_cases.rs"]
mod shapefile_cases;
#[path = "hostile/spec_cases.rs"]
mod spec_cases;
#[path = "hostile/workspace_cases.rs"]
mod workspace_cases;

#[test]
fn hostile_csv_files() {
    harness::run_all(csv_cases::cases());
}

#[test]
fn hostile_geojson_files() {
    harness::run_all(geojson_cases::cases());
}

#[test]
fn hostile_shapefiles() {
    harness::run_all(shapefile_cases::cases());
}

#[test]
fn hostile_geopackage_sources() {
    harness::run_all(gpkg_cases::cases());
}

#[test]
fn hostile_workspaces() {
    harness::run_all(workspace_cases::cases());
}

#[test]
fn hostile_map_requests_and_outputs() {
    harness::run_all(map_cases::cases());
}

#[test]
fn hostile_index_specs() {
    harness::run_all(spec_cases::cases());
}

#[test]
fn hostile_analysis_options() {
    harness::run_all(analysis_cases::cases());
}

/// The corpus is as large as the issue asks (≥ 100 hostile inputs).
#[test]
fn the_corpus_has_at_least_100_cases() {
    let n = csv_cases::cases().len()
        + geojson_cases::cases().len()
        + shapefile_cases::cases().len()
        + gpkg_cases::cases().len()
        + workspace_cases::cases().len()
        + map_cases::cases().len()
        + spec_cases::cases().len()
        + analysis_cases::cases().len();
    eprintln!("{n} hostile cases");
    assert!(n >= 100, "{n} cases");
}
