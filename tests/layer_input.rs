//! Damaged and hostile layer files (GeoJSON, shapefile): every reader validates before it
//! converts, never panics, and says which file and feature is wrong and what to do; CRS axis
//! order and coordinate ranges are honoured; property keys become safe column names.

mod common;

use local_atlas::data::crs::Crs;
use local_atlas::data::import::boundaries::{BoundaryOptions, import_boundaries};
use local_atlas::data::import::points::{PointOptions, import_points};
use local_atlas::data::source::{parse_geojson, read_layer};
use local_atlas::data::{Workspace, query};
use std::path::{Path, PathBuf};

use common::expect_error;

/// Writes `text` as `name` beside the workspace, imports it as boundaries `a` and expects an
/// error naming every needle, with the workspace unchanged.
fn refuse_boundaries(
    (dir, ws_path, ws): (&Path, &Path, &mut Workspace),
    name: &str,
    text: impl AsRef<[u8]>,
    needles: &[&str],
) {
    let f = common::write(dir, name, text);
    expect_error(
        ws_path,
        || import_boundaries(ws, &f, &boundaries("a")),
        needles,
    );
}

fn boundaries(geography: &str) -> BoundaryOptions {
    BoundaryOptions {
        geography: geography.into(),
        ..Default::default()
    }
}

/// A FeatureCollection of one feature with code `X1` and the given geometry JSON.
fn one_feature(crs: Option<&str>, geometry: &str) -> String {
    let crs = crs
        .map(|c| format!(r#""crs":{{"type":"name","properties":{{"name":"{c}"}}}},"#))
        .unwrap_or_default();
    format!(
        r#"{{"type":"FeatureCollection",{crs}"features":[{{"type":"Feature","properties":{{"area_code":"X1"}},"geometry":{geometry}}}]}}"#
    )
}

fn square(x: f64, y: f64, d: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}"#,
        x2 = x + d,
        y2 = y + d
    )
}

#[test]
fn a_position_of_one_number_is_an_error_naming_the_feature_not_a_panic() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "short.geojson",
        one_feature(
            None,
            r#"{"type":"Polygon","coordinates":[[[1],[2,3],[4,5],[1,2]]]}"#,
        ),
        &["short.geojson", "feature 1 (X1)", "1 number", "2 or 3"],
    );
}

#[test]
fn rings_must_have_four_positions_and_be_closed() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "open.geojson",
        one_feature(
            None,
            r#"{"type":"Polygon","coordinates":[[[-2,53],[-2.1,53],[-2.1,53.1],[-2,53.1]]]}"#,
        ),
        &[
            "open.geojson",
            "feature 1 (X1)",
            "not closed",
            "close the ring",
        ],
    );
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "three.geojson",
        one_feature(
            None,
            r#"{"type":"Polygon","coordinates":[[[-2,53],[-2.1,53],[-2,53]]]}"#,
        ),
        &["three.geojson", "3 positions", "at least 4"],
    );
}

#[test]
fn empty_polygons_and_rings_are_reported_for_boundaries_and_points() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    for (name, geometry, needle) in [
        (
            "nopoly.geojson",
            r#"{"type":"MultiPolygon","coordinates":[]}"#,
            "MultiPolygon is empty",
        ),
        (
            "noext.geojson",
            r#"{"type":"Polygon","coordinates":[]}"#,
            "no exterior ring",
        ),
        (
            "emptyring.geojson",
            r#"{"type":"Polygon","coordinates":[[]]}"#,
            "ring is empty",
        ),
    ] {
        let f = common::write(dir.path(), name, one_feature(None, geometry));
        expect_error(
            &ws_path,
            || import_boundaries(&mut ws, &f, &boundaries("a")),
            &[name, "feature 1 (X1)", needle],
        );
    }
    let pts = common::write(
        dir.path(),
        "pts.geojson",
        one_feature(None, r#"{"type":"MultiPoint","coordinates":[]}"#),
    );
    let opts = PointOptions {
        layer: "p".into(),
        source_crs: None,
        ..Default::default()
    };
    expect_error(
        &ws_path,
        || import_points(&mut ws, &pts, &opts),
        &["pts.geojson", "feature 1 (X1)", "MultiPoint is empty"],
    );
}

#[test]
fn a_utf8_bom_is_skipped() {
    let (dir, _ws_path, mut ws) = common::new_workspace();
    let text = format!("\u{feff}{}", common::squares_geojson(&["A1", "A2"]));
    let f = common::write(dir.path(), "bom.geojson", text);
    let r = import_boundaries(&mut ws, &f, &boundaries("a")).unwrap();
    assert_eq!(r.features, 2);
}

/// The first GM LSOA of the seeds, with every position written as `[a, b]` by `order`.
fn gm_feature(crs: &str, lat_first: bool) -> String {
    let text = std::fs::read_to_string(common::seeds().join("gm_lsoa2011_bgc.geojson")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut feature = json["features"][0].clone();
    if lat_first {
        for poly in feature["geometry"]["coordinates"].as_array_mut().unwrap() {
            for ring in poly.as_array_mut().unwrap() {
                for p in ring.as_array_mut().unwrap() {
                    p.as_array_mut().unwrap().swap(0, 1);
                }
            }
        }
    }
    serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs}},
        "features": [feature],
    })
    .to_string()
}

#[test]
fn epsg_4326_urn_is_read_latitude_first_and_lands_where_crs84_does() {
    let (dir, _ws_path, mut ws) = common::new_workspace();
    let lon_first = common::write(
        dir.path(),
        "lonlat.geojson",
        gm_feature("urn:ogc:def:crs:OGC:1.3:CRS84", false),
    );
    let lat_first = common::write(
        dir.path(),
        "latlon.geojson",
        gm_feature("urn:ogc:def:crs:EPSG::4326", true),
    );
    import_boundaries(&mut ws, &lon_first, &boundaries("a")).unwrap();
    import_boundaries(&mut ws, &lat_first, &boundaries("b")).unwrap();
    let a = query::areas(&ws, "a").unwrap();
    let b = query::areas(&ws, "b").unwrap();
    assert_eq!(a[0].code, "E01004766");
    assert_eq!(
        a[0].geometry_bng, b[0].geometry_bng,
        "same place whatever the axis order"
    );
    let first = a[0].geometry_bng.0[0].exterior().0[0];
    assert!((350_000.0..400_000.0).contains(&first.x) && (390_000.0..420_000.0).contains(&first.y));
}

#[test]
fn epsg_4326_named_by_its_short_code_stays_longitude_first() {
    let layer = parse_geojson(
        "a.geojson",
        one_feature(Some("EPSG:4326"), &square(-2.3, 53.4, 0.01)).as_bytes(),
    )
    .unwrap();
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    let Some(geo::Geometry::Polygon(p)) = &layer.features[0].geometry else {
        panic!("a polygon")
    };
    assert_eq!(p.exterior().0[0].x, -2.3);
}

#[test]
fn bng_urn_is_british_national_grid() {
    let layer = parse_geojson(
        "a.geojson",
        one_feature(
            Some("urn:ogc:def:crs:EPSG::27700"),
            &square(383_000.0, 398_000.0, 100.0),
        )
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(layer.crs, Some(Crs::Bng));
}

#[test]
fn implausible_coordinates_are_refused_with_what_they_look_like() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "huge.geojson",
        one_feature(
            Some("urn:ogc:def:crs:EPSG::27700"),
            &square(1e308, 398_000.0, 1.0),
        ),
        &[
            "huge.geojson",
            "feature 1 (X1)",
            "outside British National Grid",
        ],
    );
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "lonlat.geojson",
        one_feature(
            Some("urn:ogc:def:crs:EPSG::27700"),
            &square(-2.3, 53.4, 0.01),
        ),
        &[
            "lonlat.geojson",
            "feature 1 (X1)",
            "looks like longitude/latitude",
            "--source-crs EPSG:4326",
        ],
    );
    refuse_boundaries(
        (dir.path(), &ws_path, &mut ws),
        "bng.geojson",
        one_feature(None, &square(383_000.0, 398_000.0, 100.0)),
        &[
            "bng.geojson",
            "outside longitude/latitude",
            "--source-crs EPSG:27700",
        ],
    );
    let opts = BoundaryOptions {
        source_crs: Some(Crs::Bng),
        ..boundaries("a")
    };
    let bng_as_lonlat = dir.path().join("bng.geojson");
    import_boundaries(&mut ws, &bng_as_lonlat, &opts)
        .expect("--source-crs corrects a missing crs member");
}

// ---- shapefiles ----

const BNG_PRJ: &str = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#;

/// A BNG polygon shapefile `name.shp` (+ .shx, .dbf, .prj): one square per code, fields
/// CODE and NAME, with the first point of square `nan_at` set to NaN.
fn write_shapefile(dir: &Path, name: &str, codes: &[&str], nan_at: Option<usize>) -> PathBuf {
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    let path = dir.join(format!("{name}.shp"));
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("CODE").unwrap(), 10)
        .add_character_field(FieldName::try_from("NAMX").unwrap(), 20);
    let mut w = shapefile::Writer::from_path(&path, table).unwrap();
    for (i, code) in codes.iter().enumerate() {
        let (x, y) = (383_000.0 + 100.0 * i as f64, 398_000.0);
        let mut ring = vec![
            shapefile::Point::new(x, y),
            shapefile::Point::new(x, y + 100.0),
            shapefile::Point::new(x + 100.0, y + 100.0),
            shapefile::Point::new(x + 100.0, y),
            shapefile::Point::new(x, y),
        ];
        if nan_at == Some(i) {
            ring[1].x = f64::NAN;
        }
        let poly = shapefile::Polygon::new(shapefile::PolygonRing::Outer(ring));
        let mut rec = Record::default();
        rec.insert("CODE".into(), FieldValue::Character(Some(code.to_string())));
        rec.insert(
            "NAMX".into(),
            FieldValue::Character(Some(format!("Area {code}"))),
        );
        w.write_shape_and_record(&poly, &rec).unwrap();
    }
    drop(w);
    std::fs::write(path.with_extension("prj"), BNG_PRJ).unwrap();
    path
}

#[test]
fn a_written_shapefile_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "ok", &["A1", "A2"], None);
    let layer = read_layer(&shp, None).unwrap();
    assert_eq!(layer.fields, vec!["CODE", "NAMX"]);
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.features[1].attrs[0].as_code().as_deref(), Some("A2"));
}

#[test]
fn nan_shapefile_coordinates_are_refused_naming_the_feature() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    let shp = write_shapefile(dir.path(), "nan", &["A1", "A2"], Some(1));
    let opts = BoundaryOptions {
        code_field: Some("CODE".into()),
        ..boundaries("a")
    };
    expect_error(
        &ws_path,
        || import_boundaries(&mut ws, &shp, &opts),
        &["nan.shp", "feature 2 (A2)", "not a finite number"],
    );
}

#[test]
fn a_dbf_without_its_header_terminator_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "noterm", &["A1", "A2"], None);
    let dbf = shp.with_extension("dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    let term = 32 + 2 * 32;
    assert_eq!(bytes[term], 0x0D);
    bytes.remove(term);
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) - 1;
    bytes[8..10].copy_from_slice(&header_len.to_le_bytes());
    std::fs::write(&dbf, bytes).unwrap();
    let e = read_layer(&shp, None).unwrap_err().to_string();
    assert!(
        e.contains("noterm.dbf") && e.contains("0x0D") && e.contains("export the layer again"),
        "{e}"
    );
}

#[test]
fn two_dbf_fields_of_the_same_name_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "dup", &["A1"], None);
    let dbf = shp.with_extension("dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    assert_eq!(&bytes[64..68], b"NAMX");
    bytes[64..68].copy_from_slice(b"CODE");
    std::fs::write(&dbf, bytes).unwrap();
    let e = read_layer(&shp, None).unwrap_err().to_string();
    assert!(
        e.contains("dup.dbf") && e.contains("fields 1 and 2 are both named 'CODE'"),
        "{e}"
    );
}

#[test]
fn truncated_or_damaged_shapefile_parts_give_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_shapefile(dir.path(), "good", &["A1", "A2", "A3"], None);
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    let shp = case.join("t.shp");
    for e in ["shp", "shx", "dbf", "prj"] {
        std::fs::copy(good.with_extension(e), shp.with_extension(e)).unwrap();
    }
    // Replaces one part of the case by `bytes`, reads the layer, restores the part.
    let read_with = |ext: &str, bytes: &[u8], original: &[u8]| {
        std::fs::write(shp.with_extension(ext), bytes).unwrap();
        let r = read_layer(&shp, None);
        std::fs::write(shp.with_extension(ext), original).unwrap();
        r
    };
    for ext in ["shp", "shx", "dbf"] {
        let original = std::fs::read(good.with_extension(ext)).unwrap();
        for cut in (0..original.len()).step_by(2) {
            if let Err(err) = read_with(ext, &original[..cut], &original) {
                let text = err.to_string();
                assert!(text.contains("t."), "{ext} cut at {cut}: {text}");
            }
        }
        let half = &original[..original.len() / 2];
        let text = read_with(ext, half, &original).unwrap_err().to_string();
        assert!(
            text.contains(&format!("t.{ext}")) && text.contains("cut short"),
            "{text}"
        );
        // Every byte flipped whole; every third byte also by its top and bottom bit alone.
        let flips = (0..original.len()).flat_map(|i| {
            let extra = if i % 3 == 0 {
                vec![0x80u8, 0x01]
            } else {
                vec![]
            };
            std::iter::once((i, 0xFFu8)).chain(extra.into_iter().map(move |p| (i, p)))
        });
        for (at, pattern) in flips {
            let mut bytes = original.clone();
            bytes[at] ^= pattern;
            let _ = read_with(ext, &bytes, &original);
        }
    }
}

#[test]
fn geopackage_sources_pass_the_same_coordinate_check() {
    let (dir, _ws_path, mut ws) = common::new_workspace();
    let pts = common::write(
        dir.path(),
        "pts.geojson",
        one_feature(None, r#"{"type":"Point","coordinates":[-2.24,53.48]}"#),
    );
    let opts = PointOptions {
        layer: "p".into(),
        source_crs: None,
        ..Default::default()
    };
    import_points(&mut ws, &pts, &opts).unwrap();
    drop(ws);
    // The workspace is a GeoPackage: use a copy of it as a source, with one point at 1e308.
    let source = dir.path().join("source.gpkg");
    std::fs::copy(dir.path().join("ws.gpkg"), &source).unwrap();
    let blob = local_atlas::data::gpkg_geom::encode(
        &geo::Geometry::Point(geo::Point::new(1e308, 0.0)),
        27700,
    );
    let conn = rusqlite::Connection::open(&source).unwrap();
    conn.execute("UPDATE p SET geom = ?1", [blob]).unwrap();
    drop(conn);
    let e = read_layer(&source, Some("p")).unwrap_err().to_string();
    assert!(
        e.contains("source.gpkg")
            && e.contains("feature 1 (X1)")
            && e.contains("outside British National Grid"),
        "{e}"
    );
}

// ---- property keys become column names ----

fn columns_of(ws: &Path, table: &str) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(ws, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")
        .unwrap();
    stmt.query_map([table], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn points_with_properties(props: &serde_json::Map<String, serde_json::Value>) -> String {
    serde_json::json!({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [-2.24, 53.48]}}],
    })
    .to_string()
}

#[test]
fn hostile_property_keys_become_safe_distinct_columns() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    let long = "é".repeat(100);
    let mut props = serde_json::Map::new();
    for key in [
        "a\u{0}b",
        "x\"; DROP TABLE p; --",
        "Code",
        "code",
        "CODE",
        "",
        &long,
        "tab\there",
    ] {
        props.insert(key.to_string(), serde_json::json!(1));
    }
    let f = common::write(dir.path(), "keys.geojson", points_with_properties(&props));
    let opts = PointOptions {
        layer: "p".into(),
        source_crs: None,
        ..Default::default()
    };
    import_points(&mut ws, &f, &opts).expect("hostile keys import");
    drop(ws);
    let cols = columns_of(&ws_path, "p");
    // Keys arrive in sorted order: "", "CODE", "Code", "a\0b", "code", …
    for expected in [
        "field_1",
        "CODE",
        "Code_1",
        "code_2",
        "a_b",
        "x\"; DROP TABLE p; --",
        "tab_here",
    ] {
        assert!(
            cols.iter().any(|c| c == expected),
            "{expected:?} not in {cols:?}"
        );
    }
    let capped = cols
        .iter()
        .find(|c| c.starts_with('é'))
        .expect("the long key's column");
    assert_eq!(capped.len(), 62, "63 bytes cut at a character boundary");
    for c in &cols {
        assert!(!c.chars().any(char::is_control), "{c:?}");
    }
}

#[test]
fn more_than_a_thousand_fields_is_a_clear_error() {
    let (dir, ws_path, mut ws) = common::new_workspace();
    let mut props = serde_json::Map::new();
    for i in 0..1_001 {
        props.insert(format!("f{i}"), serde_json::json!(i));
    }
    let f = common::write(dir.path(), "wide.geojson", points_with_properties(&props));
    let opts = PointOptions {
        layer: "p".into(),
        source_crs: None,
        ..Default::default()
    };
    expect_error(
        &ws_path,
        || import_points(&mut ws, &f, &opts),
        &[
            "wide.geojson",
            "more than 1000 attribute fields",
            "drop the columns",
        ],
    );
}

// ---- no input panics the GeoJSON reader ----

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn nested() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            any::<i64>().prop_map(|i| serde_json::json!(i)),
            Just(serde_json::Value::Null),
            "[a-z]{0,3}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop::collection::vec(inner, 0..6).prop_map(serde_json::Value::Array)
        })
    }

    fn geometry_type() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "Point",
            "MultiPoint",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
            "GeometryCollection",
            "Bogus",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_geojson("x.geojson", &bytes);
        }

        #[test]
        fn json_ish_text(text in r#"[\[\]{}",:0-9eE.+\- a-zA-Z]{0,300}"#) {
            let _ = parse_geojson("x.geojson", text.as_bytes());
        }

        #[test]
        fn feature_collections_with_arbitrary_coordinates(
            kind in geometry_type(),
            coords in nested(),
            crs in prop::sample::select(vec!["urn:ogc:def:crs:EPSG::4326", "EPSG:27700", "CRS84"]),
        ) {
            let geometry = serde_json::json!({"type": kind, "coordinates": coords, "geometries": [{"type": kind, "coordinates": coords}]});
            let doc = serde_json::json!({
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": crs}},
                "features": [{"type": "Feature", "properties": {"code": "A"}, "geometry": geometry}],
            });
            if let Ok(layer) = parse_geojson("x.geojson", doc.to_string().as_bytes()) {
                let _ = local_atlas::data::geometry_check::check_layer(&layer, layer.crs);
            }
        }
    }
}

#[test]
fn the_cli_exits_1_with_a_message_on_the_position_that_used_to_panic() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    assert!(
        common::cli(&["init", ws.to_str().unwrap()])
            .status
            .success()
    );
    let before = common::sha256(&ws);
    let gj = common::write(
        dir.path(),
        "short.geojson",
        one_feature(
            None,
            r#"{"type":"Polygon","coordinates":[[[1],[2,3],[4,5],[1,2]]]}"#,
        ),
    );
    let out = common::cli(&[
        "import",
        "boundaries",
        ws.to_str().unwrap(),
        gj.to_str().unwrap(),
        "--geography",
        "a",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("short.geojson") && err.contains("feature 1 (X1)"),
        "{err}"
    );
    assert_eq!(common::sha256(&ws), before);
}

#[test]
fn a_sparse_property_table_too_large_for_memory_is_refused_before_it_is_built() {
    // 30,000 features, each with its own one of 1,000 keys: 30 million attribute values.
    let features: Vec<String> = (0..30_000)
        .map(|i| {
            format!(
                r#"{{"type":"Feature","properties":{{"k{}":1}},"geometry":null}}"#,
                i % 1_000
            )
        })
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let e = parse_geojson("sparse.geojson", text.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("sparse.geojson") && e.contains("30000 features × 1000 attribute fields"),
        "{e}"
    );
}
