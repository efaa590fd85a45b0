//! Imports of the real GM and London data: counts, areas, CRS, joins, GeoPackage conformance.

mod common;

use local_atlas::data::crs::{Crs, Transformer};
use local_atlas::data::gpkg_geom;
use local_atlas::data::import::boundaries::{BoundaryOptions, import_boundaries};
use local_atlas::data::import::indicators::{IndicatorOptions, import_indicators};
use local_atlas::data::indicator::Status;
use local_atlas::data::query;
use rusqlite::Connection;

fn gm_options() -> BoundaryOptions {
    BoundaryOptions {
        geography: "lsoa11".into(),
        ..Default::default()
    }
}

#[test]
fn gm_geojson_imports_1673_lsoas_with_the_three_invalid_ones_reported() {
    let (_d, _p, mut ws) = common::new_workspace();
    let r = import_boundaries(
        &mut ws,
        &common::seeds().join("gm_lsoa2011_bgc.geojson"),
        &gm_options(),
    )
    .unwrap();
    assert_eq!(r.features, 1673);
    assert_eq!(r.source_crs, "EPSG:4326");
    assert_eq!(r.code_field, "area_code");
    assert_eq!(r.invalid, vec!["E01004910", "E01006195", "E01006205"]);
    assert_eq!(r.single_part + r.multi_part, 1673);
    assert!(r.multi_part > 0 && r.multi_part <= 1673);
    // GM covers about 1,276 km².
    assert!(
        (1.25e9..1.30e9).contains(&r.total_area_m2),
        "{}",
        r.total_area_m2
    );
    let areas = query::areas(&ws, "lsoa11").unwrap();
    assert_eq!(areas.len(), 1673);
    for a in &areas {
        let m2 = geo::Area::unsigned_area(&a.geometry_bng);
        assert!(
            (1.0e4..5.0e7).contains(&m2),
            "{} has implausible area {m2} m²",
            a.code
        );
    }
    let bolton = areas.iter().find(|a| a.code == "E01004766").unwrap();
    assert_eq!(bolton.name.as_deref(), Some("Bolton 005A"));
}

#[test]
fn gm_first_vertex_is_reprojected_within_1m_of_proj() {
    let (_d, _p, mut ws) = common::new_workspace();
    import_boundaries(
        &mut ws,
        &common::seeds().join("gm_lsoa2011_bgc.geojson"),
        &gm_options(),
    )
    .unwrap();
    let areas = query::areas(&ws, "lsoa11").unwrap();
    let a = areas.iter().find(|a| a.code == "E01004766").unwrap();
    let first = a.geometry_bng.0[0].exterior().0[0];
    // pyproj 3.7.2 / PROJ 9.5.1, EPSG:4326 -> EPSG:27700, always_xy, of
    // (-2.431147833574872, 53.603252323930917): the first vertex in the source file.
    assert!(
        (first.x - 371567.1307).abs() < 1.0 && (first.y - 411940.8352).abs() < 1.0,
        "{first:?}"
    );
}

#[test]
fn known_points_match_proj_both_ways() {
    // (lon, lat) -> (E, N) from pyproj 3.7.2 (PROJ 9.5.1), operation "OSGB36 to WGS 84 (6)".
    let cases = [
        ((-2.2426, 53.4808), (383997.4338, 398258.3158)),
        ((-0.1276, 51.5072), (530043.1950, 180358.2086)),
        ((-3.0, 55.0), (336128.7373, 567727.1070)),
    ];
    let fwd = Transformer::new(Crs::Wgs84, Crs::Bng).unwrap();
    let inv = Transformer::new(Crs::Bng, Crs::Wgs84).unwrap();
    for ((lon, lat), (e, n)) in cases {
        let (x, y) = fwd.point(lon, lat).unwrap();
        assert!(
            (x - e).abs() < 0.01 && (y - n).abs() < 0.01,
            "({lon},{lat}) -> ({x},{y})"
        );
        let (lo, la) = inv.point(e, n).unwrap();
        assert!((lo - lon).abs() < 1e-6 && (la - lat).abs() < 1e-6);
    }
    // pyproj inverse of (530000, 180000): (-0.128353940, 51.503990828)
    let (lo, la) = inv.point(530_000.0, 180_000.0).unwrap();
    assert!((lo + 0.128_353_940).abs() < 1e-8 && (la - 51.503_990_828).abs() < 1e-8);
}

#[test]
fn london_shapefile_imports_4835_lsoas_in_bng_with_latin1_names() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let (_d, _p, mut ws) = common::new_workspace();
    let shp = data.join("london/london-2011-lsoa-gen20.shp");
    let r = import_boundaries(
        &mut ws,
        &shp,
        &BoundaryOptions {
            geography: "lsoa11".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.features, 4835);
    assert_eq!(r.source_crs, "EPSG:27700");
    assert_eq!(r.code_field, "LSOA11CD");
    assert_eq!(r.name_field.as_deref(), Some("LSOA11NM"));
    assert_eq!((r.single_part, r.multi_part), (4809, 26));
    // Greater London is about 1,572 km².
    assert!(
        (1.55e9..1.60e9).contains(&r.total_area_m2),
        "{}",
        r.total_area_m2
    );
    // Original attributes are kept as columns; values decoded from ISO-8859-1.
    let conn = Connection::open(ws.path()).unwrap();
    let (lad, msoa): (String, String) = conn
        .query_row(
            "SELECT LAD11NM, MSOA11CD FROM lsoa11 WHERE area_code = 'E01000001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(lad, "City of London");
    assert!(msoa.starts_with("E02"));
    // And the IMD ranks join with every London LSOA.
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2019".into()),
        allow_unmatched: true,
        ..Default::default()
    };
    let r = import_indicators(
        &mut ws,
        &data.join("england_imd2019_lsoa_ranks_deciles.csv"),
        &opts,
    )
    .unwrap();
    assert_eq!(r.values, 4835 * 16);
    assert_eq!(r.unmatched, 32844 - 4835);
}

#[test]
fn gm_imd_wide_csv_joins_with_zero_unmatched() {
    let (_d, _p, mut ws) = common::new_workspace();
    import_boundaries(
        &mut ws,
        &common::seeds().join("gm_lsoa2011_bgc.geojson"),
        &gm_options(),
    )
    .unwrap();
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2019".into()),
        metadata: Some(common::seeds().join("gm_iod2019_metadata.csv")),
        ..Default::default()
    };
    let r = import_indicators(
        &mut ws,
        &common::seeds().join("gm_iod2019_lsoa_wide.csv"),
        &opts,
    )
    .unwrap();
    assert_eq!(r.unmatched, 0);
    assert_eq!(r.indicators.len(), 30);
    assert_eq!(r.values, 1673 * 30);
    assert_eq!(r.skipped_columns, vec!["lsoa11nm", "lad19cd", "lad19nm"]);
    let v = query::values(&ws, "imd_score", "lsoa11", "2019").unwrap();
    assert_eq!(v.len(), 1673);
    let bolton = v.iter().find(|v| v.area_code == "E01004766").unwrap();
    assert_eq!((bolton.value, bolton.status), (Some(30.687), Status::Ok));
    // Summary from ../shared/data/README.md: mean 29.301, min 2.403, max 79.300.
    let xs: Vec<f64> = v.iter().filter_map(|v| v.value).collect();
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    assert!((mean - 29.301).abs() < 0.001, "{mean}");
    let meta = query::indicator_meta(&ws, "imd_score").unwrap();
    assert_eq!(meta.theme, "Deprivation");
    assert_eq!(meta.polarity.as_str(), "lower_is_better");
}

#[test]
fn workspace_passes_a_plain_sql_geopackage_check() {
    let (_d, path, mut ws) = common::new_workspace();
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
    let conn = Connection::open(&path).unwrap();
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, 0x4750_4B47, "GPKG application_id");
    let user_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!((10200..=10400).contains(&user_version));
    let srs: Vec<i64> = conn
        .prepare("SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(srs, vec![-1, 0, 4326, 27700]);
    let (data_type, srs_id, min_x, max_y): (String, i64, f64, f64) = conn
        .query_row(
            "SELECT data_type, srs_id, min_x, max_y FROM gpkg_contents WHERE table_name = 'ward17'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((data_type.as_str(), srs_id), ("features", 27700));
    assert!((350_000.0..360_000.0).contains(&min_x) && (415_000.0..425_000.0).contains(&max_y));
    let (col, ty, gsrs): (String, String, i64) = conn
        .query_row("SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = 'ward17'", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!(
        (col.as_str(), ty.as_str(), gsrs),
        ("geom", "MULTIPOLYGON", 27700)
    );
    // Every geometry blob: 'GP', version 0, little-endian with an XY envelope, SRS 27700, WKB
    // multipolygon (type 6) — read by hand, independently of the library's decoder.
    let mut stmt = conn.prepare("SELECT geom FROM ward17").unwrap();
    let blobs: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(blobs.len(), 215);
    for b in &blobs {
        assert_eq!(&b[0..3], b"GP\0");
        assert_eq!(b[3], 0b0000_0011);
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 27700);
        assert_eq!(b[40], 1);
        assert_eq!(u32::from_le_bytes(b[41..45].try_into().unwrap()), 6);
        let min_x = f64::from_le_bytes(b[8..16].try_into().unwrap());
        assert!((340_000.0..420_000.0).contains(&min_x));
        assert!(gpkg_geom::decode(b).is_ok());
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .ok();
    assert_eq!(fk, None);
}

#[test]
fn ogrinfo_reads_the_workspace_where_gdal_is_installed() {
    let Ok(out) = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
    else {
        eprintln!("skipping: ogrinfo is not installed");
        return;
    };
    assert!(out.status.success());
    let (_d, path, mut ws) = common::new_workspace();
    import_boundaries(
        &mut ws,
        &common::seeds().join("gm_lad2016_bgc.geojson"),
        &BoundaryOptions {
            geography: "lad16".into(),
            ..Default::default()
        },
    )
    .unwrap();
    drop(ws);
    let out = std::process::Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Layer name: lad16"), "{text}");
    assert!(text.contains("Feature Count: 10"), "{text}");
    assert!(
        text.contains("British National Grid") || text.contains("27700"),
        "{text}"
    );
}

#[test]
fn a_workspace_layer_imports_back_from_geopackage() {
    let (_d, path, mut ws) = common::new_workspace();
    import_boundaries(
        &mut ws,
        &common::seeds().join("gm_lad2016_bgc.geojson"),
        &BoundaryOptions {
            geography: "lad16".into(),
            ..Default::default()
        },
    )
    .unwrap();
    drop(ws);
    let (_d2, _p2, mut ws2) = common::new_workspace();
    let r = import_boundaries(
        &mut ws2,
        &path,
        &BoundaryOptions {
            geography: "districts".into(),
            layer: Some("lad16".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.features, 10);
    assert_eq!(r.source_crs, "EPSG:27700");
    let a = query::areas(&ws2, "districts").unwrap();
    let b = query::areas(&local_atlas::data::Workspace::open(&path).unwrap(), "lad16").unwrap();
    assert_eq!(
        a.iter().map(|x| &x.geometry_bng).collect::<Vec<_>>(),
        b.iter().map(|x| &x.geometry_bng).collect::<Vec<_>>()
    );
}

/// The catalogue's series (indicator × geography × period) come from seeking an index once per
/// series; they must be exactly what a plain `SELECT DISTINCT` over every value gives, in order,
/// also with several periods and geographies per indicator.
#[test]
fn series_by_index_seeks_equal_a_distinct_over_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::cli_sample(dir.path());
    let mut ws = local_atlas::data::Workspace::open(&path).unwrap();
    let mut csv = String::from("code,indicator,period,value\n");
    for (code, i, p) in [
        ("E01004766", "imd_score", "2015"),
        ("E01004767", "imd_score", "2015"),
        ("E01004766", "imd_score", "2010"),
        ("E01004766", "extra", "2015"),
    ] {
        csv.push_str(&format!("{code},{i},{p},1.5\n"));
    }
    let f = common::write(dir.path(), "more.csv", csv);
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        allow_unmatched: true,
        ..Default::default()
    };
    import_indicators(&mut ws, &f, &opts).unwrap();
    let distinct: Vec<(String, String, String)> = Connection::open(&path)
        .unwrap()
        .prepare(
            "SELECT DISTINCT indicator, geography, period FROM atlas_values \
             ORDER BY indicator, geography, period",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let series = query::series(&ws).unwrap();
    assert_eq!(series, distinct);
    assert!(series.len() > 30, "{}", series.len());
    let imd: Vec<&str> = series
        .iter()
        .filter(|(i, _, _)| i == "imd_score")
        .map(|(_, _, p)| p.as_str())
        .collect();
    assert_eq!(imd, ["2010", "2015", "2019"]);
    // The catalogue lists each indicator and geography once, with all its periods.
    let listed = query::indicators(&ws).unwrap();
    let imd = listed.iter().find(|i| i.code == "imd_score").unwrap();
    assert_eq!(imd.periods, ["2010", "2015", "2019"]);
    assert!(listed.iter().any(|i| i.code == "extra"));
}
