//! The command-line contract, driven through the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn atlas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_local-atlas"))
        .args(args)
        .output()
        .expect("run local-atlas")
}

fn ok(args: &[&str]) -> String {
    let out = atlas(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn init_import_info_export_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    let seeds = common::seeds();
    ok(&["init", s(&ws)]);
    let out = ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&seeds.join("gm_lsoa2011_bgc.geojson")),
        "--geography",
        "lsoa11",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["features"], 1673);
    assert_eq!(v["invalid"].as_array().unwrap().len(), 3);
    ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&seeds.join("gm_ward2017_bgc.geojson")),
        "--geography",
        "ward17",
        "--code-field",
        "area_code",
        "--name-field",
        "area_name",
        "--source-crs",
        "EPSG:4326",
    ]);
    let out = ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&seeds.join("gm_iod2019_lsoa_wide.csv")),
        "--geography",
        "lsoa11",
        "--wide",
        "--columns",
        "imd_score,imd_rank",
        "--period",
        "2019",
        "--metadata",
        s(&seeds.join("gm_iod2019_metadata.csv")),
    ]);
    assert!(out.contains("3346 values of 2 indicator(s)"), "{out}");
    ok(&[
        "import",
        "lookup",
        s(&ws),
        s(&seeds.join("gm_lsoa2011_to_ward2017_bestfit.csv")),
        "--from",
        "lsoa11",
        "--to",
        "ward17",
        "--from-field",
        "lsoa11cd",
        "--to-field",
        "wd17cd",
    ]);
    ok(&[
        "aggregate",
        s(&ws),
        "--indicator",
        "imd_score",
        "--from",
        "lsoa11",
        "--to",
        "ward17",
        "--weight",
        "imd_rank",
    ]);
    let pts = common::write(
        dir.path(),
        "cc.csv",
        "name,easting,northing\nA,384000,398000\n",
    );
    ok(&["import", "points", s(&ws), s(&pts), "--layer", "centres"]);
    let info: serde_json::Value = serde_json::from_str(&ok(&["info", s(&ws), "--json"])).unwrap();
    let geos = info["geographies"].as_array().unwrap();
    assert_eq!(geos.len(), 2);
    assert_eq!(
        (
            geos[0]["name"].as_str(),
            geos[0]["areas"].as_i64(),
            geos[0]["crs"].as_str()
        ),
        (Some("lsoa11"), Some(1673), Some("EPSG:27700"))
    );
    let inds = info["indicators"].as_array().unwrap();
    let score_ward = inds
        .iter()
        .find(|i| i["code"] == "imd_score" && i["geography"] == "ward17")
        .expect("aggregated indicator listed");
    assert_eq!(score_ward["theme"], "Deprivation");
    assert_eq!(score_ward["periods"][0], "2019");
    assert!(
        score_ward["title"]
            .as_str()
            .unwrap()
            .contains("Multiple Deprivation")
    );
    assert_eq!(info["layers"][0]["name"], "centres");
    assert_eq!(info["layers"][0]["features"], 1);
    let out_csv = dir.path().join("ward.csv");
    ok(&[
        "export-data",
        s(&ws),
        "--geography",
        "ward17",
        "--indicator",
        "imd_score",
        "--out",
        s(&out_csv),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out_csv).unwrap().lines().count(),
        216
    );
}

#[test]
fn errors_exit_non_zero_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    ok(&["init", s(&ws)]);
    let out = atlas(&[
        "import",
        "boundaries",
        s(&ws),
        s(&dir.path().join("nope.geojson")),
        "--geography",
        "x",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope.geojson") && err.starts_with("error:"),
        "{err}"
    );
    let out = atlas(&["init", s(&ws)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = atlas(&[
        "import",
        "indicators",
        s(&ws),
        s(&common::seeds().join("gm_iod2019_lsoa_wide.csv")),
        "--geography",
        "lsoa11",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no geography 'lsoa11'"));
}

#[test]
fn sample_builds_the_gm_project() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["sample", s(dir.path())]);
    assert!(out.contains("greater-manchester.gpkg"), "{out}");
    let info: serde_json::Value = serde_json::from_str(&ok(&[
        "info",
        s(&dir.path().join("greater-manchester.gpkg")),
        "--json",
    ]))
    .unwrap();
    let areas: Vec<i64> = info["geographies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["areas"].as_i64().unwrap())
        .collect();
    assert_eq!(areas, vec![10, 1673, 215]);
    let themes: std::collections::BTreeSet<&str> = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["theme"].as_str().unwrap())
        .collect();
    for t in [
        "Deprivation",
        "Income",
        "Employment",
        "Education",
        "Health",
        "Crime",
        "Housing",
        "Environment",
    ] {
        assert!(themes.contains(t), "theme {t} missing: {themes:?}");
    }
}

/// `import … --check` runs the import's checks and prints its report without writing: the
/// workspace's SHA-256 is unchanged; a bad file fails with the file, line and column.
#[test]
fn import_check_validates_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    let seeds = common::seeds();
    ok(&["init", s(&ws)]);
    let lsoa = seeds.join("gm_lsoa2011_bgc.geojson");
    let boundaries = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "boundaries",
            s(&ws),
            s(&lsoa),
            "--geography",
            "lsoa11",
        ];
        args.extend_from_slice(extra);
        ok(&args)
    };
    let before = common::sha256(&ws);
    let checked: serde_json::Value =
        serde_json::from_str(&boundaries(&["--check", "--json"])).unwrap();
    assert_eq!(checked["check"], true);
    assert_eq!(checked["features"], 1673);
    assert_eq!(
        common::sha256(&ws),
        before,
        "--check wrote to the workspace"
    );
    assert!(!dir.path().join("ws.gpkg-journal").exists());
    // The real import prints the same report, without the check flag.
    let mut real: serde_json::Value = serde_json::from_str(&boundaries(&["--json"])).unwrap();
    real.as_object_mut()
        .unwrap()
        .insert("check".into(), serde_json::Value::Bool(true));
    assert_eq!(real, checked);

    let wide = seeds.join("gm_iod2019_lsoa_wide.csv");
    let indicators = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "indicators",
            s(&ws),
            s(&wide),
            "--geography",
            "lsoa11",
            "--wide",
            "--columns",
            "imd_score,imd_rank",
            "--period",
            "2019",
        ];
        args.extend_from_slice(extra);
        atlas(&args)
    };
    let before = common::sha256(&ws);
    let out = indicators(&["--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("check passed, nothing written: would import ")
            && text.contains("3346 values of 2 indicator(s)"),
        "{text}"
    );
    assert_eq!(common::sha256(&ws), before);

    // A bad file: exit 1, the file/line/column error, the workspace untouched.
    let bad = common::write(
        dir.path(),
        "bad.csv",
        "LSOA11CD,score\nE01004766,12\nE01004767,twelve\n",
    );
    let out = atlas(&[
        "import",
        "indicators",
        s(&ws),
        s(&bad),
        "--geography",
        "lsoa11",
        "--wide",
        "--columns",
        "score",
        "--period",
        "2019",
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv, line 3, column 'score'") && err.contains("'twelve' is not a number"),
        "{err}"
    );
    assert_eq!(common::sha256(&ws), before);
    // Values already there are refused by a check exactly as by the import.
    assert!(indicators(&[]).status.success());
    let before = common::sha256(&ws);
    let out = indicators(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replace"));
    assert!(indicators(&["--check", "--replace"]).status.success());
    assert_eq!(common::sha256(&ws), before);
}

/// An invalid boundary is kept and reported with its reason, in the text summary as in JSON.
#[test]
fn an_invalid_boundary_is_imported_and_its_reason_shown() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    let bowtie = common::write(
        dir.path(),
        "b.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"B1"},"geometry":{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.41],[-2.29,53.4],[-2.3,53.41],[-2.3,53.4]]]}}]}"#,
    );
    ok(&["init", s(&ws)]);
    let args = [
        "import",
        "boundaries",
        s(&ws),
        s(&bowtie),
        "--geography",
        "g",
        "--code-field",
        "code",
    ];
    let text = ok(&args);
    assert!(
        text.contains("1 area(s) have invalid geometry (kept as they are): B1"),
        "{text}"
    );
    assert!(
        text.contains("B1: polygon at index 0 is invalid: exterior ring has a self-intersection"),
        "{text}"
    );
}
