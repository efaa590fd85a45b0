//! Every importer's error paths: a clear message naming the file (and line/column where they
//! apply), and a workspace left byte-for-byte as it was.

mod common;

use local_atlas::Error;
use local_atlas::data::Workspace;
use local_atlas::data::import::boundaries::{BoundaryOptions, import_boundaries};
use local_atlas::data::import::csv_text::TextEncoding;
use local_atlas::data::import::indicators::{IndicatorOptions, import_indicators};
use local_atlas::data::import::lookup::{LookupOptions, import_lookup};
use local_atlas::data::import::points::{PointOptions, import_points};
use local_atlas::data::indicator::Status;
use local_atlas::data::query;
use std::path::{Path, PathBuf};

/// A workspace with four small square areas, codes with leading zeros.
fn small_workspace() -> (tempfile::TempDir, PathBuf, Workspace) {
    let (dir, path, mut ws) = common::new_workspace();
    let gj = common::write(
        dir.path(),
        "areas.geojson",
        common::squares_geojson(&["00101", "00102", "00103", "00104"]),
    );
    import_boundaries(
        &mut ws,
        &gj,
        &BoundaryOptions {
            geography: "area".into(),
            ..Default::default()
        },
    )
    .unwrap();
    (dir, path, ws)
}

use common::expect_error;

fn long_opts() -> IndicatorOptions {
    IndicatorOptions {
        geography: "area".into(),
        ..Default::default()
    }
}

#[test]
fn long_csv_with_markers_and_leading_zero_codes_imports() {
    let (dir, _p, mut ws) = small_workspace();
    let csv = "code,indicator,period,value,numerator,denominator,lower_ci,upper_ci\n\
               00101,rate,2023,12.5,5,40,8.1,18.2\n00102,rate,2023,*,,,,\n00103,rate,2023,..,,,,\n\
               00104,rate,2023,,,,,\n00101,rate,2022,\"1,234\",,,,\n";
    let f = common::write(dir.path(), "long.csv", csv);
    let r = import_indicators(&mut ws, &f, &long_opts()).unwrap();
    assert_eq!((r.values, r.ok, r.suppressed, r.missing), (5, 2, 1, 2));
    assert_eq!(r.periods, vec!["2022", "2023"]);
    let v = query::values(&ws, "rate", "area", "2023").unwrap();
    assert_eq!(v[0].area_code, "00101", "leading zeros survive");
    assert_eq!(
        (
            v[0].value,
            v[0].numerator,
            v[0].denominator,
            v[0].lower_ci,
            v[0].upper_ci
        ),
        (Some(12.5), Some(5.0), Some(40.0), Some(8.1), Some(18.2))
    );
    assert_eq!((v[1].status, v[1].value), (Status::Suppressed, None));
    assert_eq!(
        (v[2].status, v[3].status),
        (Status::Missing, Status::Missing)
    );
    assert_eq!(
        query::values(&ws, "rate", "area", "2022").unwrap()[0].value,
        Some(1234.0)
    );
}

#[test]
fn every_ons_marker_becomes_a_status_never_a_number() {
    let (dir, _p, mut ws) = small_workspace();
    let markers = ["*", "..", ":", "-", "x", "c", "~", ""];
    let mut csv = String::from("code,indicator,period,value\n");
    for (i, m) in markers.iter().enumerate() {
        csv.push_str(&format!("00101,m{i},2023,{m}\n"));
    }
    let f = common::write(dir.path(), "markers.csv", csv);
    let r = import_indicators(&mut ws, &f, &long_opts()).unwrap();
    assert_eq!((r.ok, r.suppressed, r.missing), (0, 4, 4));
}

#[test]
fn non_numeric_value_names_file_line_and_column() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "bad.csv",
        "code,indicator,period,value\n00101,rate,2023,1.5\n00102,rate,2023,abc\n",
    );
    let text = expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &[
            "bad.csv",
            "line 3",
            "column 'value'",
            "'abc' is not a number",
        ],
    );
    assert!(text.contains("suppressed"), "says what to do: {text}");
    // Same in wide form, for a column that is mostly numeric.
    let f = common::write(dir.path(), "wide.csv", "code,pop\n00101,10\n00102,eleven\n");
    let opts = IndicatorOptions {
        wide: true,
        period: Some("2023".into()),
        ..long_opts()
    };
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &opts),
        &["wide.csv", "line 3", "column 'pop'"],
    );
}

/// A repeat far from its first (the values are written in batches of 128; the first is long
/// written when the repeat comes) and one in a wide file are named with both lines.
#[test]
fn duplicate_rows_far_apart_name_both_lines() {
    let (dir, path, mut ws) = small_workspace();
    let mut csv = String::from("code,indicator,period,value\n");
    for i in 0..600 {
        csv.push_str(&format!("0010{},r{},2023,{i}\n", 1 + i % 4, i / 4));
    }
    csv.push_str("00103,r17,2023,9\n"); // line 602 repeats line 2 + 4 * 17 + 2 = 72
    let f = common::write(dir.path(), "far.csv", csv);
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &["far.csv", "line 602", "00103", "r17", "first on line 72"],
    );
    let f = common::write(
        dir.path(),
        "w.csv",
        "code,a,b\n00101,1,2\n00102,3,4\n00101,5,6\n",
    );
    let wide = IndicatorOptions {
        wide: true,
        period: Some("2023".into()),
        ..long_opts()
    };
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &wide),
        &["w.csv", "line 4", "00101", "first on line 2"],
    );
}

#[test]
fn duplicate_rows_are_refused() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "dup.csv",
        "code,indicator,period,value\n00101,rate,2023,1\n00102,rate,2023,2\n00101,rate,2023,3\n",
    );
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &["dup.csv", "line 4", "00101", "first on line 2"],
    );
}

#[test]
fn unknown_codes_are_refused_unless_allowed() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "unk.csv",
        "code,indicator,period,value\n00101,rate,2023,1\n99999,rate,2023,2\n",
    );
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &[
            "unk.csv",
            "1 area code(s) match no boundary",
            "99999",
            "--allow-unmatched",
        ],
    );
    let r = import_indicators(
        &mut ws,
        &f,
        &IndicatorOptions {
            allow_unmatched: true,
            ..long_opts()
        },
    )
    .unwrap();
    assert_eq!((r.values, r.unmatched, r.skipped_rows), (1, 1, 1));
}

#[test]
fn reimport_needs_replace() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "a.csv",
        "code,indicator,period,value\n00101,rate,2023,1\n",
    );
    import_indicators(&mut ws, &f, &long_opts()).unwrap();
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &["already has 1 values", "--replace"],
    );
    let f2 = common::write(
        dir.path(),
        "b.csv",
        "code,indicator,period,value\n00101,rate,2023,7\n",
    );
    import_indicators(
        &mut ws,
        &f2,
        &IndicatorOptions {
            replace: true,
            ..long_opts()
        },
    )
    .unwrap();
    assert_eq!(
        query::values(&ws, "rate", "area", "2023").unwrap()[0].value,
        Some(7.0)
    );
}

#[test]
fn encodings_utf8_bom_and_windows_1252_decode_and_wrong_encoding_is_refused() {
    let (dir, path, mut ws) = small_workspace();
    let meta_1252 = b"code,title,theme\nrate,Caf\xe9 visits,Health\n".to_vec();
    let meta = common::write(dir.path(), "meta.csv", meta_1252);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(b"code,indicator,period,value\n00101,rate,2023,1\n");
    let f = common::write(dir.path(), "bom.csv", bom);
    import_indicators(
        &mut ws,
        &f,
        &IndicatorOptions {
            metadata: Some(meta),
            ..long_opts()
        },
    )
    .unwrap();
    assert_eq!(
        query::indicator_meta(&ws, "rate").unwrap().title,
        "Café visits"
    );
    // A Windows-1252 file declared as UTF-8 is refused with the line of the first bad byte.
    let f = common::write(
        dir.path(),
        "cp1252.csv",
        b"code,indicator,period,value\n00101,caf\xe9,2023,1\n",
    );
    let opts = IndicatorOptions {
        encoding: TextEncoding::Utf8,
        ..long_opts()
    };
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &opts),
        &["cp1252.csv", "line 2", "not valid UTF-8", "windows-1252"],
    );
    let f = common::write(dir.path(), "utf16.csv", b"\xFF\xFEc\0o\0d\0e\0");
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long_opts()),
        &["utf16.csv", "UTF-16"],
    );
}

/// Copies the London shapefile set into a temp folder so tests can damage it.
fn london_copy(dir: &Path) -> Option<PathBuf> {
    let data = common::shared_data()?;
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        std::fs::copy(
            data.join(format!("london/london-2011-lsoa-gen20.{ext}")),
            dir.join(format!("london.{ext}")),
        )
        .unwrap();
    }
    Some(dir.join("london.shp"))
}

fn lsoa() -> BoundaryOptions {
    BoundaryOptions {
        geography: "lsoa11".into(),
        ..Default::default()
    }
}

#[test]
fn truncated_shapefile_is_refused() {
    let (dir, path, mut ws) = common::new_workspace();
    let Some(shp) = london_copy(dir.path()) else {
        return;
    };
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() / 2]).unwrap();
    expect_error(
        &path,
        || import_boundaries(&mut ws, &shp, &lsoa()),
        &["london.shp", "truncated"],
    );
}

#[test]
fn missing_dbf_is_refused() {
    let (dir, path, mut ws) = common::new_workspace();
    let Some(shp) = london_copy(dir.path()) else {
        return;
    };
    std::fs::remove_file(dir.path().join("london.dbf")).unwrap();
    expect_error(
        &path,
        || import_boundaries(&mut ws, &shp, &lsoa()),
        &["london.shp", "london.dbf", "missing"],
    );
}

#[test]
fn bad_or_missing_crs_is_refused() {
    let (dir, path, mut ws) = common::new_workspace();
    let Some(shp) = london_copy(dir.path()) else {
        return;
    };
    std::fs::write(dir.path().join("london.prj"), r#"PROJCS["WGS_1984_UTM_Zone_30N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",-3.0],UNIT["Meter",1.0]]"#).unwrap();
    expect_error(
        &path,
        || import_boundaries(&mut ws, &shp, &lsoa()),
        &[
            "london.prj",
            "unsupported coordinate reference system",
            "EPSG:27700",
        ],
    );
    std::fs::remove_file(dir.path().join("london.prj")).unwrap();
    expect_error(
        &path,
        || import_boundaries(&mut ws, &shp, &lsoa()),
        &["london.shp", "--source-crs"],
    );
    // With the CRS given it imports.
    let r = import_boundaries(
        &mut ws,
        &shp,
        &BoundaryOptions {
            source_crs: Some(local_atlas::data::crs::Crs::Bng),
            ..lsoa()
        },
    )
    .unwrap();
    assert_eq!(r.features, 4835);
    // An unknown GeoJSON crs member is refused too.
    let gj = common::write(
        dir.path(),
        "crs.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32630"}},"features":[]}"#,
    );
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &gj,
                &BoundaryOptions {
                    geography: "x".into(),
                    ..Default::default()
                },
            )
        },
        &["crs.geojson", "EPSG:32630"],
    );
}

#[test]
fn wrong_shapefile_encoding_is_refused() {
    let (dir, path, mut ws) = common::new_workspace();
    let Some(shp) = london_copy(dir.path()) else {
        return;
    };
    std::fs::write(dir.path().join("london.cpg"), "KLINGON-8").unwrap();
    expect_error(
        &path,
        || import_boundaries(&mut ws, &shp, &lsoa()),
        &["london.cpg", "unknown text encoding", "ISO-8859-1"],
    );
}

#[test]
fn boundary_errors_name_the_feature() {
    let (dir, path, mut ws) = common::new_workspace();
    let dup = common::squares_geojson(&["A1", "A2", "A1"]);
    let f = common::write(dir.path(), "dup.geojson", dup);
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "g".into(),
                    ..Default::default()
                },
            )
        },
        &["dup.geojson", "feature 3", "A1", "first at feature 1"],
    );
    let f = common::write(
        dir.path(),
        "pt.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"area_code":"P"},"geometry":{"type":"Point","coordinates":[-2,53]}}]}"#,
    );
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "g".into(),
                    ..Default::default()
                },
            )
        },
        &["pt.geojson", "not a polygon"],
    );
    let f = common::write(
        dir.path(),
        "cut.geojson",
        &common::squares_geojson(&["A"])[..60],
    );
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "g".into(),
                    ..Default::default()
                },
            )
        },
        &["cut.geojson", "not valid JSON"],
    );
    let f = common::write(dir.path(), "ok.geojson", common::squares_geojson(&["A"]));
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "Bad Name".into(),
                    ..Default::default()
                },
            )
        },
        &["Bad Name", "lower-case"],
    );
    expect_error(
        &path,
        || {
            import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "g".into(),
                    code_field: Some("nope".into()),
                    ..Default::default()
                },
            )
        },
        &["ok.geojson", "nope", "area_code"],
    );
}

#[test]
fn garbage_files_give_errors_not_panics() {
    let (dir, path, mut ws) = small_workspace();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..40 {
        let len = (round * 37) % 400;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        for name in ["g.geojson", "g.shp", "g.gpkg", "g.csv"] {
            let f = common::write(dir.path(), name, &bytes);
            if name == "g.shp" {
                common::write(dir.path(), "g.dbf", &bytes);
                common::write(dir.path(), "g.prj", &bytes);
            }
            let before = common::sha256(&path);
            let _ = import_boundaries(
                &mut ws,
                &f,
                &BoundaryOptions {
                    geography: "garbage".into(),
                    ..Default::default()
                },
            );
            let _ = import_indicators(&mut ws, &f, &long_opts());
            let _ = import_points(
                &mut ws,
                &f,
                &PointOptions {
                    layer: "garbage_pts".into(),
                    source_crs: None,
                    ..Default::default()
                },
            );
            let _ = import_lookup(
                &mut ws,
                &f,
                &LookupOptions {
                    from: "area".into(),
                    to: "area".into(),
                    ..Default::default()
                },
            );
            // Garbage may, rarely, parse as an empty valid file; it must never change data silently.
            assert!(
                common::sha256(&path) == before || round == 0,
                "round {round} {name} changed the workspace"
            );
        }
    }
}

#[test]
fn newer_and_damaged_workspaces_are_refused_and_older_ones_migrate() {
    let dir = tempfile::tempdir().unwrap();
    // Older: schema version 1 migrates to the current version on open.
    let old = dir.path().join("old.gpkg");
    drop(Workspace::create_at_version(&old, 1).unwrap());
    let conn = rusqlite::Connection::open(&old).unwrap();
    let has_lookups: bool = conn
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = 'atlas_lookups')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!has_lookups);
    drop(conn);
    let ws = Workspace::open(&old).unwrap();
    assert_eq!(
        ws.schema_version().unwrap(),
        local_atlas::data::schema::SCHEMA_VERSION
    );
    drop(ws);
    // Newer: refused, untouched.
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute(
        "UPDATE atlas_meta SET value = '999' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let before = common::sha256(&old);
    let e = Workspace::open(&old).unwrap_err().to_string();
    assert!(e.contains("newer Local Atlas") && e.contains("999"), "{e}");
    assert_eq!(common::sha256(&old), before);
    // Not a database at all.
    let junk = common::write(
        dir.path(),
        "junk.gpkg",
        "this is not sqlite, it is a text file of some length............................................",
    );
    let e = Workspace::open(&junk).unwrap_err().to_string();
    assert!(
        e.contains("junk.gpkg") && e.contains("not a readable"),
        "{e}"
    );
    // A GeoPackage that is not a workspace (e.g. from QGIS).
    let other = dir.path().join("other.gpkg");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE gpkg_contents (table_name TEXT);")
        .unwrap();
    let e = Workspace::open(&other).unwrap_err().to_string();
    assert!(
        e.contains("not a Local Atlas workspace") && e.contains("local-atlas init"),
        "{e}"
    );
    // Damaged pages fail the integrity check.
    let ws_path = dir.path().join("dmg.gpkg");
    let mut ws = Workspace::create(&ws_path).unwrap();
    import_boundaries(
        &mut ws,
        &common::seeds().join("gm_ward2017_bgc.geojson"),
        &BoundaryOptions {
            geography: "ward17".into(),
            ..Default::default()
        },
    )
    .unwrap();
    drop(ws);
    let mut bytes = std::fs::read(&ws_path).unwrap();
    let page = 4096;
    for b in bytes.iter_mut().skip(page * 3).take(page * 20) {
        *b = 0xA5;
    }
    std::fs::write(&ws_path, &bytes).unwrap();
    let e = Workspace::open(&ws_path).unwrap_err();
    assert!(matches!(e, Error::Workspace { .. }), "{e}");
    // Creating over an existing file is refused.
    assert!(
        Workspace::create(&ws_path)
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
}

#[test]
fn points_from_csv_and_geojson() {
    let (dir, _p, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "cc.csv",
        "id,name,easting,northing\n1,Hulme Children's Centre,383997.43,398258.32\n2,Moss Side,384500,396000\n",
    );
    let r = import_points(
        &mut ws,
        &f,
        &PointOptions {
            layer: "centres".into(),
            source_crs: None,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((r.features, r.source_crs.as_str()), (2, "EPSG:27700"));
    let f = common::write(
        dir.path(),
        "gp.csv",
        "practice,lat,lon\nP1,53.4808,-2.2426\n",
    );
    let r = import_points(
        &mut ws,
        &f,
        &PointOptions {
            layer: "gps".into(),
            source_crs: None,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.source_crs, "EPSG:4326");
    let p = query::points(&ws, "gps").unwrap();
    assert!((p[0].x() - 383997.4338).abs() < 0.01 && (p[0].y() - 398258.3158).abs() < 0.01);
    let f = common::write(
        dir.path(),
        "p.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"X"},"geometry":{"type":"Point","coordinates":[-2.2426,53.4808]}}]}"#,
    );
    assert_eq!(
        import_points(
            &mut ws,
            &f,
            &PointOptions {
                layer: "gj".into(),
                source_crs: None,
                ..Default::default()
            }
        )
        .unwrap()
        .features,
        1
    );
    let f = common::write(dir.path(), "bad.csv", "id,easting,northing\n1,abc,3\n");
    let path = ws.path().to_path_buf();
    expect_error(
        &path,
        || {
            import_points(
                &mut ws,
                &f,
                &PointOptions {
                    layer: "bad".into(),
                    source_crs: None,
                    ..Default::default()
                },
            )
        },
        &["bad.csv", "line 2", "column 'easting'"],
    );
    assert_eq!(query::info(&ws).unwrap().layers.len(), 3);
}

// ---- The one door: `ops::import` (run, check, trial) ----

use local_atlas::ops::Feedback;
use local_atlas::ops::import::{self as door, Crs, FileKind, ImportRequest};

/// No rollback journal or WAL file is left beside the workspace.
fn no_journal(path: &Path) {
    for suffix in ["-journal", "-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(!side.exists(), "{} was left behind", side.display());
    }
}

/// A workspace of `n` square areas and a wide CSV of `columns` indicators for all of them.
fn wide_workspace(n: usize, columns: usize) -> (tempfile::TempDir, PathBuf, Workspace, PathBuf) {
    let (dir, path, mut ws) = common::new_workspace();
    let codes: Vec<String> = (0..n).map(|i| format!("A{i:05}")).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let gj = common::write(dir.path(), "many.geojson", common::squares_geojson(&refs));
    import_boundaries(
        &mut ws,
        &gj,
        &BoundaryOptions {
            geography: "area".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let mut csv = String::from("code");
    for c in 0..columns {
        csv.push_str(&format!(",v{c}"));
    }
    for (i, code) in codes.iter().enumerate() {
        csv.push('\n');
        csv.push_str(code);
        for c in 0..columns {
            csv.push_str(&format!(",{}", i * columns + c));
        }
    }
    let f = common::write(dir.path(), "wide.csv", csv);
    (dir, path, ws, f)
}

fn wide_request(f: &Path) -> ImportRequest {
    ImportRequest {
        wide: true,
        period: Some("2024".into()),
        ..ImportRequest::new(FileKind::Indicators, f, "area")
    }
}

#[test]
fn a_trial_that_writes_many_rows_leaves_the_workspace_byte_identical() {
    let (dir, path, ws, f) = wide_workspace(1000, 60);
    let req = wide_request(&f);
    let before = common::sha256(&path);
    let trial = door::trial(&ws, &req, &local_atlas::ops::Silent).unwrap();
    assert_eq!(trial.unmatched(), 0);
    assert_eq!(common::sha256(&path), before, "the trial wrote to the file");
    no_journal(&path);
    // A boundary trial creates (and drops again) a whole feature table.
    let gj = common::write(
        dir.path(),
        "more.geojson",
        common::squares_geojson(&["B1", "B2", "B3"]),
    );
    let b = ImportRequest::new(FileKind::Boundaries, &gj, "more");
    let b_trial = door::check(&ws, &b, &local_atlas::ops::Silent).unwrap();
    assert_eq!(common::sha256(&path), before);
    no_journal(&path);
    // The real import gives exactly the report of the trial, and does write.
    let real = door::run(&ws, &req, &local_atlas::ops::Silent).unwrap();
    assert_eq!(
        serde_json::to_value(&real).unwrap(),
        serde_json::to_value(&trial).unwrap()
    );
    assert_eq!(serde_json::to_value(&real).unwrap()["values"], 60_000);
    assert_ne!(common::sha256(&path), before);
    assert_eq!(
        query::values(&ws, "v59", "area", "2024").unwrap().len(),
        1000
    );
    let b_real = door::run(&ws, &b, &local_atlas::ops::Silent).unwrap();
    assert_eq!(b_real.summary(), b_trial.summary());
}

/// Cancels as soon as the named stage reports progress.
struct CancelIn {
    stage: &'static str,
    current: std::sync::Mutex<String>,
    seen: std::sync::atomic::AtomicBool,
}

impl CancelIn {
    fn new(stage: &'static str) -> Self {
        Self {
            stage,
            current: Default::default(),
            seen: Default::default(),
        }
    }
}

impl Feedback for CancelIn {
    fn stage(&self, name: &str) {
        *self.current.lock().unwrap() = name.to_string();
    }
    fn progress(&self, _done: u64, _total: u64) {
        if *self.current.lock().unwrap() == self.stage {
            self.seen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    fn is_cancelled(&self) -> bool {
        self.seen.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[test]
fn a_cancelled_import_stops_and_leaves_the_workspace_byte_identical() {
    let (_dir, path, ws, f) = wide_workspace(300, 40);
    let req = wide_request(&f);
    let before = common::sha256(&path);
    for stage in ["reading indicators", "importing indicators"] {
        let fb = CancelIn::new(stage);
        let err = door::run(&ws, &req, &fb).expect_err("cancelled");
        assert!(matches!(err, Error::Cancelled), "{stage}: {err}");
        assert_eq!(common::sha256(&path), before, "{stage}: the file changed");
        no_journal(&path);
    }
    assert!(query::periods(&ws, "v0", "area").unwrap().is_empty());
    // Progress is reported as the columns are checked and as rows are stored (every 1,024
    // rows and at the end of each pass).
    struct Count(std::sync::atomic::AtomicU64);
    impl Feedback for Count {
        fn progress(&self, done: u64, total: u64) {
            assert!(done <= total);
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let count = Count(Default::default());
    door::run(&ws, &req, &count).unwrap();
    assert!(count.0.load(std::sync::atomic::Ordering::SeqCst) >= 2);
}

#[test]
fn check_refuses_what_the_import_refuses_and_the_trial_counts_unmatched_codes() {
    let (dir, path, ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "unk.csv",
        "code,indicator,period,value\n00101,rate,2023,1\n99999,rate,2023,2\n",
    );
    let req = ImportRequest::new(FileKind::Indicators, &f, "area");
    expect_error(
        &path,
        || door::check(&ws, &req, &local_atlas::ops::Silent),
        &["unk.csv", "1 area code(s) match no boundary", "99999"],
    );
    let before = common::sha256(&path);
    let r = door::trial(&ws, &req, &local_atlas::ops::Silent).unwrap();
    assert_eq!(r.unmatched(), 1);
    assert!(
        r.summary()
            .starts_with("1 matched area codes, 1 unmatched (e.g. 99999)"),
        "{}",
        r.summary()
    );
    assert_eq!(common::sha256(&path), before);
    no_journal(&path);
}

#[test]
fn the_request_carries_every_command_line_option_and_lookups() {
    let (dir, path, ws) = small_workspace();
    let silent = &local_atlas::ops::Silent;
    // Boundaries: source CRS and attribution.
    let gj = common::write(
        dir.path(),
        "wards.geojson",
        common::squares_geojson(&["W1", "W2"]),
    );
    let r = door::run(
        &ws,
        &ImportRequest {
            source_crs: Some(Crs::Wgs84),
            attribution: Some("Contains OS data".into()),
            ..ImportRequest::new(FileKind::Boundaries, &gj, "ward")
        },
        silent,
    )
    .unwrap();
    assert!(
        r.summary().starts_with("2 areas into 'ward'"),
        "{}",
        r.summary()
    );
    assert_eq!(
        query::geography_attribution(&ws, "ward").unwrap(),
        "Contains OS data"
    );
    // Lookup: from/to and their fields.
    let lk = common::write(
        dir.path(),
        "lk.csv",
        "a,w\n00101,W1\n00102,W1\n00103,W2\n00104,W2\n",
    );
    let lookup = ImportRequest {
        code_field: Some("a".into()),
        to: "ward".into(),
        to_field: Some("w".into()),
        ..ImportRequest::new(FileKind::Lookup, &lk, "area")
    };
    let r = door::run(&ws, &lookup, silent).unwrap();
    assert_eq!(
        r.summary(),
        "lookup area → ward (a → w): 4 areas into 2 groups; 0 'area' areas not covered"
    );
    assert_eq!(query::lookup(&ws, "area", "ward").unwrap().len(), 4);
    let no_to = ImportRequest::new(FileKind::Lookup, &lk, "area");
    expect_error(&path, || door::run(&ws, &no_to, silent), &["--to"]);
    // Indicators: encoding, metadata, wide columns.
    let csv = common::write(
        dir.path(),
        "w.csv",
        b"code,rate,name\n00101,1,Caf\xe9\n00102,3,Bar\n",
    );
    let meta = common::write(
        dir.path(),
        "meta.csv",
        b"code,title,theme\nrate,Caf\xe9 visits,Health\n",
    );
    let strict = ImportRequest {
        wide: true,
        columns: Some(vec!["rate".into()]),
        period: Some("2023".into()),
        metadata: Some(meta.clone()),
        encoding: TextEncoding::Utf8,
        ..ImportRequest::new(FileKind::Indicators, &csv, "area")
    };
    expect_error(
        &path,
        || door::run(&ws, &strict, silent),
        &["w.csv", "line 2", "not valid UTF-8"],
    );
    let r = door::run(
        &ws,
        &ImportRequest {
            encoding: TextEncoding::Windows1252,
            ..strict
        },
        silent,
    );
    // The values file is read as asked; the metadata file is detected (auto).
    let r = r.unwrap();
    assert!(
        r.summary().contains("2 values of 1 indicator(s) (rate)"),
        "{}",
        r.summary()
    );
    assert_eq!(
        query::indicator_meta(&ws, "rate").unwrap().title,
        "Café visits"
    );
    // The request is serialisable and round-trips.
    let text = serde_json::to_string(&lookup).unwrap();
    assert_eq!(
        serde_json::from_str::<ImportRequest>(&text).unwrap(),
        lookup
    );
}
