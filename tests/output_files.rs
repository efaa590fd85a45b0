//! What Local Atlas writes: CSV cells that a spreadsheet would run as formulas are neutralised
//! (unless the user asks for raw cells), and outputs never go through a planted symlink.

mod common;

use std::path::Path;

const CMD: &str = "=cmd|' /C calc'!A0";
const LINK: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run_ok(args: &[&str]) {
    let out = common::cli(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A workspace with two square areas whose codes and names are formulas, and a value each.
fn hostile_workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws.gpkg");
    let square = |i: usize, code: &str, name: &str| {
        let x = -2.3 + 0.01 * i as f64;
        serde_json::json!({"type": "Feature",
            "properties": {"area_code": code, "area_name": name},
            "geometry": {"type": "Polygon", "coordinates":
                [[[x, 53.4], [x + 0.01, 53.4], [x + 0.01, 53.41], [x, 53.41], [x, 53.4]]]}})
    };
    let fc = serde_json::json!({"type": "FeatureCollection",
        "features": [square(0, CMD, LINK), square(1, LINK, CMD), square(2, "E01", "-Bury")]});
    let geo = common::write(dir, "areas.geojson", fc.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["area_code", "score"]).unwrap();
    for (c, v) in [(CMD, "-1.5"), (LINK, "2"), ("E01", "3")] {
        w.write_record([c, v]).unwrap();
    }
    let values = common::write(dir, "values.csv", w.into_inner().unwrap());
    run_ok(&["init", s(&ws)]);
    run_ok(&["import", "boundaries", s(&ws), s(&geo), "--geography", "g"]);
    run_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&values),
        "--geography",
        "g",
        "--wide",
        "--period",
        "2024",
    ]);
    ws
}

/// The CSV's rows as read back by a CSV reader (quoting undone).
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn export_data_neutralises_formula_codes_and_names_unless_raw() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hostile_workspace(dir.path());
    let out = dir.path().join("e.csv");
    let args = [
        "export-data",
        s(&ws),
        "--geography",
        "g",
        "--indicator",
        "score",
        "--out",
        s(&out),
    ];
    run_ok(&args);
    let safe = rows(&out);
    let cells: Vec<&str> = safe
        .iter()
        .flat_map(|r| r.iter().map(String::as_str))
        .collect();
    for cell in &cells {
        assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?}");
    }
    let cmd = safe
        .iter()
        .find(|r| r[0] == format!("'{CMD}"))
        .expect("code");
    assert_eq!(cmd[1], format!("'{LINK}"));
    assert_eq!(cmd[4], "-1.5", "numbers we format stay numbers");
    let plain = safe.iter().find(|r| r[0] == "E01").expect("plain code");
    assert_eq!(plain[1], "'-Bury");

    let mut raw_args = args.to_vec();
    raw_args.push("--csv-raw");
    run_ok(&raw_args);
    let raw = rows(&out);
    let cmd = raw.iter().find(|r| r[0] == CMD).expect("raw code");
    assert_eq!(cmd[1], LINK);
}

#[test]
fn site_csv_neutralises_area_codes_and_site_ids_unless_raw() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hostile_workspace(dir.path());
    let out = dir.path().join("s.csv");
    let args = [
        "site",
        s(&ws),
        "--geography",
        "g",
        "--demand",
        "areas",
        "--mclp",
        "2",
        "--reach-m",
        "100000",
        "--out",
        s(&out),
    ];
    run_ok(&args);
    let safe = rows(&out);
    for row in &safe {
        assert!(!row[0].starts_with('='), "{row:?}");
        assert!(!row[5].starts_with('='), "{row:?}");
    }
    assert!(safe.iter().any(|r| r[0] == format!("'{LINK}")));
    assert!(safe.iter().any(|r| r[5].starts_with("'=")), "{safe:?}");
    let mut raw_args = args.to_vec();
    raw_args.push("--csv-raw");
    run_ok(&raw_args);
    assert!(rows(&out).iter().any(|r| r[0] == CMD));
}

#[cfg(unix)]
#[test]
fn exports_and_site_outputs_never_follow_planted_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hostile_workspace(dir.path());
    let victim = common::write(dir.path(), "victim.txt", "precious");
    for old in [".e.csv.partial", "s.part", ".m.svg.partial"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(old)).unwrap();
    }
    let e = dir.path().join("e.csv");
    run_ok(&[
        "export-data",
        s(&ws),
        "--geography",
        "g",
        "--indicator",
        "score",
        "--out",
        s(&e),
    ]);
    let site = dir.path().join("s.csv");
    run_ok(&[
        "site",
        s(&ws),
        "--geography",
        "g",
        "--demand",
        "areas",
        "--mclp",
        "1",
        "--out",
        s(&site),
    ]);
    let map = dir.path().join("m.svg");
    run_ok(&[
        "map",
        s(&ws),
        "--geography",
        "g",
        "--indicator",
        "score",
        "--out",
        s(&map),
    ]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        std::fs::symlink_metadata(dir.path().join("s.part"))
            .unwrap()
            .is_symlink(),
        "an unrelated s.part is left alone"
    );
    let stray: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn a_failed_export_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hostile_workspace(dir.path());
    let out = common::write(dir.path(), "e.csv", "old\n");
    let r = common::cli(&[
        "export-data",
        s(&ws),
        "--geography",
        "g",
        "--indicator",
        "no_such",
        "--out",
        s(&out),
    ]);
    assert!(!r.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
}

#[test]
fn an_atlas_page_that_cannot_be_written_is_reported_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = hostile_workspace(dir.path());
    let out = dir.path().join("atlas");
    let blocked = out.join("E01_-Bury.svg");
    std::fs::create_dir_all(&blocked).unwrap();
    std::fs::write(blocked.join("inside"), "x").unwrap();
    let r = common::cli(&[
        "atlas",
        s(&ws),
        "--geography",
        "g",
        "--indicator",
        "score",
        "--per",
        "g",
        "--format",
        "svg",
        "--out",
        s(&out),
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr),
    );
    assert_eq!(r.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("not written: area E01"), "{stdout}");
    assert!(stderr.contains("1 of 3 pages"), "{stderr}");
    let svgs = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            let e = e.as_ref().unwrap();
            e.file_type().unwrap().is_file() && e.file_name().to_string_lossy().ends_with(".svg")
        })
        .count();
    assert_eq!(svgs, 2);
}
