//! `aggregate-points`: events counted in areas. Real police.uk burglaries in the sample's GM
//! LSOAs, checked against an independent shapely count; small generated cases for the
//! shared-edge rule, holes and points outside; bad inputs leave the workspace as it was.

mod common;

use common::{cli, cli_ok, cli_sample, expect_error, sha256, shared_data, write};
use local_atlas::data::Workspace;
use local_atlas::data::indicator::Status;
use local_atlas::data::query;
use local_atlas::ops::Silent;
use local_atlas::ops::aggregate_points::{self, AggregatePointsRequest, PeriodFormat};
use std::collections::HashMap;
use std::path::Path;

/// Burglaries per LSOA from `python3 tools/reference_burglary_counts.py` (shapely 2.2.0,
/// pyproj 3.7.2: both layers projected to EPSG:27700 with the workspace's Helmert proj string,
/// STRtree + `covered_by`, ties to the smallest code), run from the repository root:
/// (code, all 36 months, [2016, 2017, 2018, 2019]). The busiest two LSOAs (Manchester city
/// centre), two of the quietest, and two on Greater Manchester's outer edge.
const REFERENCE: &[(&str, u64, [u64; 4])] = &[
    ("E01033658", 647, [178, 236, 214, 19]), // Manchester 054C
    ("E01033653", 512, [134, 185, 183, 10]), // Manchester 055B
    ("E01006321", 7, [2, 5, 0, 0]),          // Wigan 003G, on the GM edge; 0 in 2018
    ("E01033660", 7, [1, 3, 3, 0]),          // Manchester 059B
    ("E01004768", 23, [5, 11, 5, 2]),        // Bolton 001A, on the GM edge
    ("E01004777", 39, [14, 13, 12, 0]),      // Bolton 004A, on the GM edge
];
/// The same script: points in no LSOA (police.uk snaps some GMP crimes just outside GM's
/// generalised boundary), and points on any LSOA boundary (covered but not contained): none,
/// so no tolerance is needed.
const REFERENCE_OUTSIDE: usize = 40;
const REFERENCE_ON_BOUNDARY: usize = 0;
const REFERENCE_YEARS: [(&str, u64); 4] = [
    ("2016", 26752),
    ("2017", 33015),
    ("2018", 30189),
    ("2019", 2670),
];
const BURGLARIES: usize = 92_666;

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn request(layer: &str, geography: &str, indicator: &str) -> AggregatePointsRequest {
    AggregatePointsRequest {
        layer: layer.into(),
        geography: geography.into(),
        indicator: indicator.into(),
        by: None,
        period_field: None,
        period_format: None,
        period: None,
        title: None,
    }
}

/// area code → value of one series.
fn series(ws: &Workspace, indicator: &str, geography: &str, period: &str) -> HashMap<String, u64> {
    query::values(ws, indicator, geography, period)
        .unwrap()
        .into_iter()
        .map(|v| {
            assert_eq!(v.status, Status::Ok);
            assert_eq!(v.numerator, v.value);
            assert_eq!(v.denominator, None);
            (v.area_code, v.value.unwrap() as u64)
        })
        .collect()
}

#[test]
fn burglaries_per_lsoa_match_the_shapely_reference() {
    let Some(data) = shared_data() else { return };
    let csv = data.join("crime/gmp_burglary_points_2016-02_to_2019-01.csv");
    let dir = tempfile::tempdir().unwrap();
    let ws_path = cli_sample(dir.path());
    let ws = s(&ws_path);
    let imported = cli_ok(&[
        "import",
        "points",
        &ws,
        &s(&csv),
        "--layer",
        "burglary",
        "--json",
    ]);
    assert_eq!(imported["features"], BURGLARIES);
    let r = cli_ok(&[
        "aggregate-points",
        &ws,
        "--layer",
        "burglary",
        "--geography",
        "lsoa11",
        "--indicator",
        "burglary",
        "--by",
        "Crime.type",
        "--period-field",
        "Month",
        "--period-format",
        "YYYY",
        "--json",
    ]);
    assert_eq!(r["points"], BURGLARIES);
    assert_eq!(r["outside"]["count"], REFERENCE_OUTSIDE);
    assert_eq!(r["outside"]["examples"].as_array().unwrap().len(), 5);
    assert_eq!(r["assigned"], BURGLARIES - REFERENCE_OUTSIDE);
    assert_eq!(r["skipped"]["count"], 0);
    assert_eq!(r["areas"], 1673);
    assert_eq!(
        r["periods"],
        serde_json::json!(["2016", "2017", "2018", "2019"])
    );
    assert_eq!(r["indicators"][0]["code"], "burglary_burglary");
    assert_eq!(r["indicators"][0]["category"], "Burglary");
    assert_eq!(r["indicators"].as_array().unwrap().len(), 1);
    assert_eq!(r["zero_areas"], 0);
    assert_eq!(r["values"], 1673 * 4);

    let ws = Workspace::open(&ws_path).unwrap();
    let mut total = 0;
    let years: Vec<HashMap<String, u64>> = REFERENCE_YEARS
        .iter()
        .map(|(year, expected)| {
            let v = series(&ws, "burglary_burglary", "lsoa11", year);
            assert_eq!(v.len(), 1673, "every LSOA has a value in {year}");
            let sum: u64 = v.values().sum();
            assert_eq!(sum, *expected, "{year}");
            total += sum;
            v
        })
        .collect();
    assert_eq!(total as usize + REFERENCE_OUTSIDE, BURGLARIES);
    for (code, all, by_year) in REFERENCE {
        let got: Vec<u64> = years.iter().map(|y| y[*code]).collect();
        assert_eq!(got, by_year, "{code}");
        assert_eq!(got.iter().sum::<u64>(), *all, "{code}");
    }
    // A true zero is stored as 0, not left missing.
    assert_eq!(years[2]["E01006321"], 0);
    assert_eq!(REFERENCE_ON_BOUNDARY, 0);
    let meta = query::indicator_meta(&ws, "burglary_burglary").unwrap();
    assert_eq!((meta.unit.as_str(), meta.decimals), ("count", 0));
    assert_eq!(meta.title, "burglary count: Burglary");
}

/// Two 100 m squares sharing the edge x = 380100 (the larger code first), and a 300 m square
/// with a 100 m hole east of them, all in British National Grid metres.
const SQUARES: [&str; 3] = [
    r#"{"type":"Feature","properties":{"area_code":"E01000002","area_name":"East"},"geometry":{"type":"Polygon","coordinates":[[[380100,390000],[380200,390000],[380200,390100],[380100,390100],[380100,390000]]]}}"#,
    r#"{"type":"Feature","properties":{"area_code":"E01000001","area_name":"West"},"geometry":{"type":"Polygon","coordinates":[[[380000,390000],[380100,390000],[380100,390100],[380000,390100],[380000,390000]]]}}"#,
    r#"{"type":"Feature","properties":{"area_code":"E01000003","area_name":"Donut"},"geometry":{"type":"Polygon","coordinates":[[[381000,390000],[381300,390000],[381300,390300],[381000,390300],[381000,390000]],[[381100,390100],[381200,390100],[381200,390200],[381100,390200],[381100,390100]]]}}"#,
];

/// (easting, northing, kind, date) and the area each must be counted in ("" = outside).
const POINTS: &[(f64, f64, &str, &str, &str)] = &[
    (380050.0, 390050.0, "Burglary", "2016-02", "E01000001"), // inside West
    (380150.0, 390050.0, "Burglary", "2016-03-04", "E01000002"), // inside East
    (380100.0, 390050.0, "Burglary", "2017-01", "E01000001"), // on the shared edge
    (380100.0, 390100.0, "Vehicle crime", "2017-05", "E01000001"), // on the shared vertex (top)
    (
        380100.0,
        390000.0,
        "Vehicle crime",
        "12/06/2017",
        "E01000001",
    ), // shared vertex (bottom)
    (380200.0, 390100.0, "Vehicle crime", "2017", "E01000002"), // East's own corner
    (381150.0, 390150.0, "", "2017-07", ""),                  // in the donut's hole
    (381050.0, 390050.0, "Burglary", "2017-08", "E01000003"), // in the donut
    (381100.0, 390150.0, "Burglary", "2017-08", "E01000003"), // on the hole's edge
    (385000.0, 395000.0, "Burglary", "2017-09", ""),          // far outside
];

fn points_csv(order: &[usize]) -> String {
    let mut out = String::from("easting,northing,kind,date\n");
    for &i in order {
        let (x, y, kind, date, _) = POINTS[i];
        out.push_str(&format!("{x},{y},{kind},{date}\n"));
    }
    out
}

/// A workspace with the squares as `squares` and the points as layer `events`, in `order`.
fn squares_workspace(dir: &Path, order: &[usize], reversed_areas: bool) -> std::path::PathBuf {
    let ws = dir.join("sq.gpkg");
    let out = cli(&["init", &s(&ws)]);
    assert!(out.status.success());
    let mut features = SQUARES.to_vec();
    if reversed_areas {
        features.reverse();
    }
    let text = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:27700"}}}},"features":[{}]}}"#,
        features.join(",")
    );
    let geo = write(dir, "squares.geojson", text);
    cli_ok(&[
        "import",
        "boundaries",
        &s(&ws),
        &s(&geo),
        "--geography",
        "squares",
        "--json",
    ]);
    let csv = write(dir, "events.csv", points_csv(order));
    cli_ok(&[
        "import",
        "points",
        &s(&ws),
        &s(&csv),
        "--layer",
        "events",
        "--json",
    ]);
    ws
}

fn expected_counts() -> HashMap<String, u64> {
    let mut m: HashMap<String, u64> = ["E01000001", "E01000002", "E01000003"]
        .iter()
        .map(|c| (c.to_string(), 0))
        .collect();
    for p in POINTS.iter().filter(|p| !p.4.is_empty()) {
        *m.get_mut(p.4).unwrap() += 1;
    }
    m
}

#[test]
fn shared_edges_and_vertices_count_once_in_the_smallest_code_whatever_the_order() {
    let forward: Vec<usize> = (0..POINTS.len()).collect();
    let mut backward = forward.clone();
    backward.reverse();
    for (order, reversed_areas) in [(&forward, false), (&backward, true), (&forward, true)] {
        let dir = tempfile::tempdir().unwrap();
        let path = squares_workspace(dir.path(), order, reversed_areas);
        let ws = Workspace::open(&path).unwrap();
        for _ in 0..2 {
            let r = aggregate_points::run(&ws, &request("events", "squares", "events"), &Silent)
                .unwrap();
            assert_eq!(r.points, POINTS.len());
            assert_eq!(r.assigned, POINTS.len() - 2);
            assert_eq!(r.outside.count, 2);
            assert_eq!(r.skipped.count, 0);
            assert_eq!(r.periods, ["all"]);
            assert_eq!(series(&ws, "events", "squares", "all"), expected_counts());
        }
    }
}

#[test]
fn categories_periods_and_a_true_zero() {
    let dir = tempfile::tempdir().unwrap();
    let order: Vec<usize> = (0..POINTS.len()).collect();
    let path = squares_workspace(dir.path(), &order, false);
    let ws = Workspace::open(&path).unwrap();
    let req = AggregatePointsRequest {
        by: Some("kind".into()),
        period_field: Some("date".into()),
        period_format: Some(PeriodFormat::Year),
        title: Some("Crimes".into()),
        ..request("events", "squares", "crime")
    };
    let r = aggregate_points::run(&ws, &req, &Silent).unwrap();
    assert_eq!(r.periods, ["2016", "2017"]);
    let codes: Vec<(&str, Option<&str>)> = r
        .indicators
        .iter()
        .map(|i| (i.code.as_str(), i.category.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [
            ("crime_burglary", Some("Burglary")),
            ("crime_unknown", Some("")),
            ("crime_vehicle_crime", Some("Vehicle crime")),
        ]
    );
    assert_eq!(r.values, 3 * 2 * 3);
    let v = series(&ws, "crime_vehicle_crime", "squares", "2017");
    assert_eq!(v["E01000001"], 2);
    assert_eq!(v["E01000002"], 1);
    assert_eq!(v["E01000003"], 0, "a true zero");
    let v = series(&ws, "crime_vehicle_crime", "squares", "2016");
    assert_eq!(v.values().sum::<u64>(), 0);
    assert_eq!(v.len(), 3, "zeros in a period with none of the category");
    // The hole's point is outside, so the empty category's counts are all zero.
    assert_eq!(r.outside.count, 2);
    let meta = query::indicator_meta(&ws, "crime_burglary").unwrap();
    assert_eq!(meta.title, "Crimes: Burglary");
    // Monthly periods, re-run: the series are replaced, not doubled.
    let monthly = AggregatePointsRequest {
        period_format: Some(PeriodFormat::Month),
        by: None,
        ..req.clone()
    };
    let err = aggregate_points::run(&ws, &monthly, &Silent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("feature 6") && err.contains("'2017'"), "{err}");
    aggregate_points::run(&ws, &req, &Silent).unwrap();
    let v = series(&ws, "crime_burglary", "squares", "2017");
    assert_eq!(v.values().sum::<u64>(), 3);
}

#[test]
fn a_date_that_cannot_be_read_names_it_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let order: Vec<usize> = (0..POINTS.len()).collect();
    let path = squares_workspace(dir.path(), &order, false);
    let csv = write(
        dir.path(),
        "bad.csv",
        "easting,northing,when\n380050,390050,2016-02\n380060,390050,2016-03\n380070,390050,Feb 2016\n",
    );
    cli_ok(&[
        "import",
        "points",
        &s(&path),
        &s(&csv),
        "--layer",
        "bad",
        "--json",
    ]);
    let ws = Workspace::open(&path).unwrap();
    let req = AggregatePointsRequest {
        period_field: Some("when".into()),
        period_format: Some(PeriodFormat::Year),
        ..request("bad", "squares", "bad_count")
    };
    let text = expect_error(
        &path,
        || aggregate_points::run(&ws, &req, &Silent),
        &[
            "point layer 'bad'",
            "feature 3",
            "field 'when'",
            "'Feb 2016'",
            "YYYY-MM-DD",
            "DD/MM/YYYY",
        ],
    );
    assert!(text.contains("nothing was written"), "{text}");
    // The command line says the same and exits 1.
    let before = sha256(&path);
    let out = cli(&[
        "aggregate-points",
        &s(&path),
        "--layer",
        "bad",
        "--geography",
        "squares",
        "--indicator",
        "bad_count",
        "--period-field",
        "when",
        "--period-format",
        "YYYY",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'Feb 2016'"));
    assert_eq!(sha256(&path), before);
}

#[test]
fn unknown_layer_geography_and_field_list_what_there_is() {
    let dir = tempfile::tempdir().unwrap();
    let order: Vec<usize> = (0..POINTS.len()).collect();
    let path = squares_workspace(dir.path(), &order, false);
    let ws = Workspace::open(&path).unwrap();
    expect_error(
        &path,
        || aggregate_points::run(&ws, &request("nope", "squares", "x"), &Silent),
        &["no point layer 'nope'", "events"],
    );
    expect_error(
        &path,
        || aggregate_points::run(&ws, &request("events", "lsoa", "x"), &Silent),
        &["no geography 'lsoa'", "squares"],
    );
    let by = AggregatePointsRequest {
        by: Some("type".into()),
        ..request("events", "squares", "x")
    };
    expect_error(
        &path,
        || aggregate_points::run(&ws, &by, &Silent),
        &["no field 'type'", "kind", "date"],
    );
    let no_format = AggregatePointsRequest {
        period_field: Some("date".into()),
        ..request("events", "squares", "x")
    };
    expect_error(
        &path,
        || aggregate_points::run(&ws, &no_format, &Silent),
        &["--period-format"],
    );
    expect_error(
        &path,
        || aggregate_points::run(&ws, &request("events", "squares", "Bad Code"), &Silent),
        &["cannot name indicators"],
    );
}

#[test]
fn features_with_no_usable_point_are_skipped_and_an_imported_indicator_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let order: Vec<usize> = (0..POINTS.len()).collect();
    let path = squares_workspace(dir.path(), &order, false);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let empty = local_atlas::data::gpkg_geom::encode(
            &geo::Geometry::Point(geo::Point::new(f64::NAN, f64::NAN)),
            27700,
        );
        conn.execute("UPDATE events SET geom = ?1 WHERE fid = 1", [empty])
            .unwrap();
        conn.execute("UPDATE events SET geom = NULL WHERE fid = 2", [])
            .unwrap();
    }
    let ws = Workspace::open(&path).unwrap();
    let r = aggregate_points::run(&ws, &request("events", "squares", "events"), &Silent).unwrap();
    assert_eq!(
        (r.skipped.count, r.skipped.examples.clone()),
        (2, vec![1, 2])
    );
    assert_eq!(r.assigned + r.outside.count + r.skipped.count, r.points);
    let v = series(&ws, "events", "squares", "all");
    assert_eq!(v["E01000001"], 3);
    assert_eq!(v["E01000002"], 1);
    // An indicator imported from a file is not overwritten by a count.
    let values = write(
        dir.path(),
        "v.csv",
        "code,indicator,period,value\nE01000001,rent,2020,1\n",
    );
    cli_ok(&[
        "import",
        "indicators",
        &s(&path),
        &s(&values),
        "--geography",
        "squares",
        "--allow-unmatched",
        "--json",
    ]);
    drop(ws);
    let ws = Workspace::open(&path).unwrap();
    expect_error(
        &path,
        || aggregate_points::run(&ws, &request("events", "squares", "rent"), &Silent),
        &["already has an indicator 'rent'"],
    );
}

#[test]
fn the_text_report_says_what_was_counted() {
    let dir = tempfile::tempdir().unwrap();
    let order: Vec<usize> = (0..POINTS.len()).collect();
    let path = squares_workspace(dir.path(), &order, false);
    let out = cli(&[
        "aggregate-points",
        &s(&path),
        "--layer",
        "events",
        "--geography",
        "squares",
        "--indicator",
        "events",
        "--by",
        "kind",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "counted 10 points of layer 'events' in the 3 areas of 'squares'",
        "2 outside every area",
        "events_vehicle_crime (Vehicle crime): 3 points",
        "events_unknown (empty category): 0 points",
        "period(s): all",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}
