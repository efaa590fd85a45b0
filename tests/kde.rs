//! `kde`: the density grid against an independent numpy implementation, the GeoTIFF read back
//! (by the `tiff` crate, and by GDAL when installed), the density map layer in PNG/SVG/PDF, the
//! mean per area saved as an indicator, and refused requests that change nothing.

mod common;

use common::{cli, cli_ok, expect_error, new_workspace};
use local_atlas::data::Workspace;
use local_atlas::data::import::points::{PointOptions, import_points};
use local_atlas::ops::kde::{self, KdeRequest};
use local_atlas::render::spec::{LayerSpec, MapSpec, PaletteSpec};
use std::path::{Path, PathBuf};

/// 300 police.uk burglary points (the first rows of
/// `../shared/data/crime/gmp_burglary_points_2016-02_to_2019-01.csv`, Bolton), converted to
/// British National Grid to the centimetre with GDAL's `gdaltransform -s_srs EPSG:4326
/// -t_srs EPSG:27700`, so the reference and the command read the very same coordinates.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kde/burglary_300_bng.csv")
}

fn workspace_with_points() -> (tempfile::TempDir, PathBuf, Workspace) {
    let (dir, path, mut ws) = new_workspace();
    import_points(
        &mut ws,
        &fixture(),
        &PointOptions {
            layer: "burglary".into(),
            ..Default::default()
        },
    )
    .expect("import the fixture points");
    (dir, path, ws)
}

/// The reference grid, made by
/// `python3 tools/kde_reference.py tests/fixtures/kde/burglary_300_bng.csv 500 100 >
/// tests/fixtures/kde/burglary_300_ref.json` (numpy, from the kernel's definition).
#[test]
fn the_grid_matches_an_independent_numpy_computation() {
    let (_dir, _path, ws) = workspace_with_points();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kde/burglary_300_ref.json"),
    )
    .unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let s = kde::surface(&ws, "burglary", 500.0, 100.0, None).unwrap();
    let g = &s.grid;
    assert_eq!(s.points, 300);
    assert_eq!(g.cols as u64, reference["cols"].as_u64().unwrap());
    assert_eq!(g.rows as u64, reference["rows"].as_u64().unwrap());
    for k in 0..2 {
        let r = reference["origin_bng"][k].as_f64().unwrap();
        assert!((g.origin_bng[k] - r).abs() < 1e-6, "origin {k}");
    }
    let values = reference["values"].as_array().unwrap();
    assert_eq!(values.len(), g.values.len());
    let mut worst = 0.0f64;
    for (i, (a, b)) in g.values.iter().zip(values).enumerate() {
        let b = b.as_f64().unwrap();
        let tolerance = 1e-9 * b.abs() + 1e-12;
        assert!((a - b).abs() <= tolerance, "cell {i}: {a} vs {b}");
        if b != 0.0 {
            worst = worst.max(((a - b) / b).abs());
        }
    }
    eprintln!("largest relative difference from numpy: {worst:e}");
    // Max density from the reference: 57.662 per km².
    let max_ref = values.iter().filter_map(|v| v.as_f64()).fold(0.0, f64::max);
    assert!((s.max_per_km2() - max_ref).abs() <= 1e-9 * max_ref);
    // The grid covers every kernel: the integral is the number of points, up to the
    // discretisation of 100 m cells for a 500 m kernel (numpy: 300.0036).
    assert!((s.total() - 300.0).abs() < 0.3, "total {}", s.total());
}

fn run_cli(args: &[&str]) -> std::process::Output {
    cli(args)
}

#[test]
fn the_json_contract_and_the_geotiff_read_back() {
    let (dir, path, ws) = workspace_with_points();
    drop(ws);
    let tif = dir.path().join("burglary.tif");
    let ws_arg = path.display().to_string();
    let tif_arg = tif.display().to_string();
    let r = cli_ok(&[
        "kde",
        &ws_arg,
        "--layer",
        "burglary",
        "--bandwidth-m",
        "500",
        "--cell-m",
        "100",
        "--out",
        &tif_arg,
        "--json",
    ]);
    assert_eq!(r["points"], 300);
    assert_eq!(r["bandwidth_m"], 500.0);
    assert_eq!(r["grid"]["cell_m"], 100.0);
    let (cols, rows) = (
        r["grid"]["cols"].as_u64().unwrap() as u32,
        r["grid"]["rows"].as_u64().unwrap() as u32,
    );
    assert_eq!((cols, rows), (220, 151));
    let origin = [
        r["grid"]["origin_bng"][0].as_f64().unwrap(),
        r["grid"]["origin_bng"][1].as_f64().unwrap(),
    ];
    assert!((r["total"].as_f64().unwrap() - 300.0).abs() < 0.3);
    assert!(r["max_per_km2"].as_f64().unwrap() > 50.0);
    assert!(r["saved"].is_null());
    assert_eq!(r["out"], tif_arg);

    // Read back with the tiff crate: size, Float32 samples top row first, the GeoTIFF tags.
    let ws = Workspace::open(&path).unwrap();
    let s = kde::surface(&ws, "burglary", 500.0, 100.0, None).unwrap();
    let mut decoder = tiff::decoder::Decoder::new(std::fs::File::open(&tif).unwrap()).unwrap();
    assert_eq!(decoder.dimensions().unwrap(), (cols, rows));
    let tiff::decoder::DecodingResult::F32(samples) = decoder.read_image().unwrap() else {
        panic!("not Float32");
    };
    let g = &s.grid;
    for (col, row) in [(0usize, 0usize), (110, 75), (57, 120), (219, 150)] {
        let top_row = g.rows - 1 - row;
        let stored = samples[top_row * g.cols + col];
        let value = g.values[row * g.cols + col];
        assert!((f64::from(stored) - value).abs() <= 1e-6 * value.max(1.0));
    }
    let scale = decoder
        .get_tag_f64_vec(tiff::tags::Tag::ModelPixelScaleTag)
        .unwrap();
    assert_eq!(scale, vec![100.0, 100.0, 0.0]);
    let tie = decoder
        .get_tag_f64_vec(tiff::tags::Tag::ModelTiepointTag)
        .unwrap();
    assert_eq!(
        tie,
        vec![0.0, 0.0, 0.0, origin[0], origin[1] + 151.0 * 100.0, 0.0]
    );

    // GDAL, as QGIS would open it.
    let Some(gdalinfo) = which("gdalinfo") else {
        if std::env::var_os("LOCAL_ATLAS_REQUIRE_GDAL").is_some() {
            panic!("gdalinfo is required (LOCAL_ATLAS_REQUIRE_GDAL is set) but not on PATH");
        }
        eprintln!("skipping: gdalinfo (GDAL) is not installed");
        return;
    };
    let out = std::process::Command::new(&gdalinfo)
        .args(["-json", &tif_arg])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["size"], serde_json::json!([cols, rows]));
    let wkt = info["coordinateSystem"]["wkt"].as_str().unwrap();
    assert!(wkt.contains("British National Grid"), "{wkt}");
    assert!(wkt.contains("ID[\"EPSG\",27700]"), "{wkt}");
    let gt: Vec<f64> = info["geoTransform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(
        gt,
        vec![origin[0], 100.0, 0.0, origin[1] + 15_100.0, 0.0, -100.0]
    );
    assert_eq!(info["bands"][0]["type"], "Float32");
    // Values at cell centres, located by GDAL from BNG coordinates.
    for (col, row) in [(110usize, 75usize), (57, 120)] {
        let [x, y] = g.cell_centre_bng(col, row);
        let out = std::process::Command::new("gdallocationinfo")
            .args([
                "-valonly",
                "-geoloc",
                &tif_arg,
                &x.to_string(),
                &y.to_string(),
            ])
            .output()
            .unwrap();
        let read: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        let value = g.values[row * g.cols + col];
        assert!(
            (read - value).abs() <= 1e-5 * value.max(1.0),
            "{read} vs {value}"
        );
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

fn density_spec() -> MapSpec {
    MapSpec {
        layers: vec![LayerSpec::Density {
            layer: "burglary".into(),
            bandwidth_m: 500.0,
            cell_m: 100.0,
            palette: PaletteSpec::default(),
            opacity: 0.85,
            title: None,
        }],
        title: "Burglary density".into(),
        subtitle: String::new(),
        ..MapSpec::default()
    }
}

#[test]
fn a_recipe_density_layer_draws_in_every_format_with_its_legend() {
    use local_atlas::render::scene::Item;
    let (dir, _path, ws) = workspace_with_points();
    let spec = density_spec();
    // The recipe JSON as README documents it.
    let json =
        r#"{"layers":[{"kind":"density","layer":"burglary","bandwidth_m":500,"cell_m":100}]}"#;
    let parsed = local_atlas::ops::map::recipe::parse(json).unwrap();
    assert!(matches!(&parsed.layers[0], LayerSpec::Density { opacity, .. } if *opacity == 0.85));

    let scene = local_atlas::ops::map::scene(&ws, &spec).unwrap();
    let mut texts = Vec::new();
    let mut images = 0;
    fn walk(items: &[Item], texts: &mut Vec<String>, images: &mut usize) {
        for i in items {
            match i {
                Item::Text(t) => texts.push(t.text.clone()),
                Item::Image(_) => *images += 1,
                Item::Group(g) => walk(&g.items, texts, images),
                _ => {}
            }
        }
    }
    for g in &scene.groups {
        walk(&g.items, &mut texts, &mut images);
    }
    assert_eq!(images, 1);
    assert!(texts.iter().any(|t| t == "per km²"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Burglary: density"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "0"));

    for ext in ["png", "svg", "pdf"] {
        let out = dir.path().join(format!("density.{ext}"));
        let r = local_atlas::ops::map::run(
            &ws,
            &local_atlas::ops::map::MapRequest {
                spec: spec.clone(),
                out: out.clone(),
                save_recipe: None,
            },
            &local_atlas::ops::Silent,
        )
        .unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes.len(), r.bytes);
        match ext {
            "svg" => {
                let svg = String::from_utf8(bytes).unwrap();
                assert!(svg.contains("data:image/png;base64,"));
                assert!(svg.contains("per km²"));
            }
            "pdf" => {
                let doc = lopdf::Document::load_mem(&bytes).unwrap();
                let images = doc
                    .objects
                    .values()
                    .filter(|o| {
                        o.as_stream().is_ok_and(|s| {
                            s.dict
                                .get(b"Subtype")
                                .and_then(|v| v.as_name())
                                .is_ok_and(|n| n == b"Image")
                        })
                    })
                    .count();
                assert_eq!(images, 2, "the image and its soft mask");
            }
            _ => {
                // Hot cells are drawn: some pixels are strongly red (YlOrRd's top end).
                let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
                let mut reader = decoder.read_info().unwrap();
                let mut buf = vec![0; reader.output_buffer_size()];
                let info = reader.next_frame(&mut buf).unwrap();
                let px = &buf[..info.buffer_size()];
                let red = px
                    .chunks_exact(4)
                    .filter(|p| p[0] > 150 && p[1] < 60 && p[2] < 60)
                    .count();
                assert!(red > 20, "{red} red pixels");
            }
        }
    }
}

#[test]
fn bad_requests_are_refused_and_change_nothing() {
    let (dir, path, ws) = workspace_with_points();
    let req = |bandwidth_m: f64, cell_m: f64, layer: &str| KdeRequest {
        layer: layer.into(),
        bandwidth_m,
        cell_m,
        geography: None,
        save: None,
        out: None,
    };
    let silent = &local_atlas::ops::Silent;
    for b in [0.0, -5.0, f64::NAN] {
        expect_error(
            &path,
            || kde::run(&ws, &req(b, 100.0, "burglary"), silent),
            &["bandwidth", "positive number of metres"],
        );
    }
    expect_error(
        &path,
        || kde::run(&ws, &req(500.0, 0.0, "burglary"), silent),
        &["cell size", "--cell-m"],
    );
    expect_error(
        &path,
        || kde::run(&ws, &req(500.0, 100.0, "robbery"), silent),
        &["no point layer 'robbery'", "local-atlas info"],
    );
    let text = expect_error(
        &path,
        || kde::run(&ws, &req(500.0, 0.5, "burglary"), silent),
        &["cells allowed", "use --cell-m"],
    );
    // The cell size suggested does fit.
    let fit: f64 = text
        .split("--cell-m ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|t| t.parse().ok())
        .unwrap();
    assert!(kde::surface(&ws, "burglary", 500.0, fit, None).is_ok());
    let save = KdeRequest {
        save: Some("burglary_density".into()),
        ..req(500.0, 100.0, "burglary")
    };
    expect_error(
        &path,
        || kde::run(&ws, &save, silent),
        &["--save needs --geography"],
    );
    let bad_out = KdeRequest {
        out: Some(dir.path().join("grid.asc")),
        ..req(500.0, 100.0, "burglary")
    };
    expect_error(
        &path,
        || kde::run(&ws, &bad_out, silent),
        &["GeoTIFF (.tif)"],
    );
    assert!(!dir.path().join("grid.asc").exists());
    // The same through the binary: an error message, no panic.
    let out = cli(&[
        "kde",
        &path.display().to_string(),
        "--layer",
        "burglary",
        "--bandwidth-m",
        "-1",
        "--cell-m",
        "100",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = run_cli(&[
        "kde",
        &path.display().to_string(),
        "--layer",
        "burglary",
        "--bandwidth-m",
        "500",
        "--cell-m",
        "0",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cell size"));
}

/// The GM sample project with every police.uk burglary (Feb 2016 – Jan 2019): the mean
/// density per district saved as an indicator, and the PNG map of the surface.
#[test]
fn burglary_density_per_district_is_saved_as_an_indicator() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws_path = common::cli_sample(dir.path());
    let ws_arg = ws_path.display().to_string();
    let csv = shared.join("crime/gmp_burglary_points_2016-02_to_2019-01.csv");
    cli_ok(&[
        "import",
        "points",
        &ws_arg,
        &csv.display().to_string(),
        "--layer",
        "burglary",
        "--json",
    ]);
    let png = dir.path().join("burglary.png");
    let r = cli_ok(&[
        "kde",
        &ws_arg,
        "--layer",
        "burglary",
        "--bandwidth-m",
        "1000",
        "--cell-m",
        "250",
        "--geography",
        "lad16",
        "--save",
        "burglary_density",
        "--out",
        &png.display().to_string(),
        "--json",
    ]);
    let points = r["points"].as_f64().unwrap();
    assert!(points > 90_000.0);
    // Points within a bandwidth of the county's edge lose part of their kernel outside it.
    let total = r["total"].as_f64().unwrap();
    assert!(
        total < points && total > 0.97 * points,
        "{total} of {points}"
    );
    assert_eq!(r["saved"]["indicator"], "burglary_density");
    assert_eq!(r["saved"]["areas"], 10);
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
    let ws = Workspace::open(&ws_path).unwrap();
    let meta = local_atlas::data::query::indicator_meta(&ws, "burglary_density").unwrap();
    assert_eq!(meta.unit, "per km²");
    assert_eq!(meta.title, "burglary density (per km², bandwidth 1000 m)");
    let values =
        local_atlas::data::query::values(&ws, "burglary_density", "lad16", kde::PERIOD).unwrap();
    assert_eq!(values.len(), 10);
    // Manchester (E08000003) is the densest district.
    let densest = values
        .iter()
        .max_by(|a, b| a.value.unwrap_or(0.0).total_cmp(&b.value.unwrap_or(0.0)))
        .unwrap();
    assert_eq!(densest.area_code, "E08000003");
}
