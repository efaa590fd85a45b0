//! `local-atlas check`: the full check finds what opening (constant time) does not look for,
//! and opening refuses a file cut short without reading it.

mod common;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Output;

fn run(args: &[&str]) -> Output {
    common::cli(args)
}

/// A workspace with one small geography, in `dir`.
fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.gpkg");
    let areas = common::write(
        dir,
        "a.geojson",
        common::squares_geojson(&["A1", "A2", "A3"]),
    );
    for args in [
        vec!["init", ws.to_str().unwrap()],
        vec![
            "import",
            "boundaries",
            ws.to_str().unwrap(),
            areas.to_str().unwrap(),
            "--geography",
            "g",
        ],
    ] {
        let out = run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ws
}

fn check(ws: &Path) -> (i32, String, serde_json::Value) {
    let out = run(&["check", ws.to_str().unwrap(), "--json"]);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        json,
    )
}

/// The feature table of the workspace's one geography.
fn feature_table(ws: &Path) -> String {
    Connection::open(ws)
        .unwrap()
        .query_row("SELECT table_name FROM atlas_geographies", [], |r| r.get(0))
        .unwrap()
}

fn tamper(ws: &Path, sql: &str) {
    let conn = Connection::open(ws).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_sound_workspace_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let before = common::sha256(&ws);
    let (code, err, json) = check(&ws);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["problems"].as_array().unwrap().len(), 0);
    assert_eq!(common::sha256(&ws), before, "check writes nothing");
}

#[test]
fn a_broken_foreign_key_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    tamper(
        &ws,
        "PRAGMA foreign_keys = OFF; INSERT INTO atlas_series (indicator, geography, period) \
         VALUES ('ghost', 'g', '2024');",
    );
    let (code, err, json) = check(&ws);
    assert_eq!(code, 1);
    assert!(
        err.contains("problem(s) found") && err.contains("backup"),
        "{err}"
    );
    let text = json["problems"].to_string();
    assert!(
        text.contains("atlas_series") && text.contains("atlas_indicators"),
        "{text}"
    );
}

#[test]
fn an_unreadable_geometry_is_found_with_its_table_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let table = feature_table(&ws);
    tamper(
        &ws,
        &format!("UPDATE \"{table}\" SET geom = X'00010203' WHERE rowid = 2;"),
    );
    let (code, _, json) = check(&ws);
    assert_eq!(code, 1);
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{json}");
    assert_eq!(problems[0]["check"], "geometries");
    let detail = problems[0]["detail"].as_str().unwrap();
    assert!(detail.starts_with(&format!("{table} row 2: ")), "{detail}");
}

#[test]
fn a_file_cut_short_is_refused_on_open_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let bytes = std::fs::read(&ws).unwrap();
    std::fs::write(&ws, &bytes[..bytes.len() - 4096]).unwrap();
    let out = run(&["info", ws.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("shorter than it should be") && err.contains("backup"),
        "{err}"
    );
}

#[test]
fn values_of_areas_without_a_boundary_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let csv = common::write(
        dir.path(),
        "v.csv",
        "code,indicator,period,value\nA1,x,2024,1\nA2,x,2024,2\n",
    );
    let out = run(&[
        "import",
        "indicators",
        ws.to_str().unwrap(),
        csv.to_str().unwrap(),
        "--geography",
        "g",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = feature_table(&ws);
    tamper(
        &ws,
        &format!("DELETE FROM \"{table}\" WHERE area_code = 'A2';"),
    );
    let (code, _, json) = check(&ws);
    assert_eq!(code, 1);
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{json}");
    assert_eq!(problems[0]["check"], "indicator values");
    let detail = problems[0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("1 area code(s) of geography 'g'") && detail.contains("A2"),
        "{detail}"
    );
}
