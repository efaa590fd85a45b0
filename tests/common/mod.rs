//! Helpers shared by the integration tests.
#![allow(dead_code)]

use local_atlas::data::Workspace;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The repository's seeds/ (always present: the GM data the sample project is built from).
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// `../shared/data`, the team's real test data. CI sets `LOCAL_ATLAS_REQUIRE_SHARED=1`, so a
/// missing folder fails there; on a user's fresh clone the tests that need it are skipped with
/// a message.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if p.is_dir() {
        return Some(p);
    }
    if std::env::var_os("LOCAL_ATLAS_REQUIRE_SHARED").is_some() {
        panic!("../shared/data is required (LOCAL_ATLAS_REQUIRE_SHARED is set) but missing");
    }
    eprintln!("skipping: ../shared/data is not beside this clone");
    None
}

/// A fresh workspace in a temporary folder (kept alive by the returned TempDir).
pub fn new_workspace() -> (tempfile::TempDir, PathBuf, Workspace) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ws.gpkg");
    let ws = Workspace::create(&path).expect("create workspace");
    (dir, path, ws)
}

pub fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read file");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `f`, expects an error whose text contains every `needle`, and checks the workspace file
/// at `path` did not change; returns the error text.
pub fn expect_error<T: std::fmt::Debug>(
    path: &Path,
    f: impl FnOnce() -> local_atlas::error::Result<T>,
    needles: &[&str],
) -> String {
    let before = sha256(path);
    let text = f().expect_err("expected an error").to_string();
    for n in needles {
        // A hint after a full stop starts with a capital: "… . Close the ring …".
        let capital = local_atlas::error::sentence(n);
        assert!(
            text.contains(n) || text.contains(&capital),
            "error {text:?} should mention {n:?}"
        );
    }
    assert_eq!(
        sha256(path),
        before,
        "workspace changed after a failed operation: {text}"
    );
    text
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

/// A tiny GeoJSON of square areas (lon/lat near Manchester) with the given codes.
pub fn squares_geojson(codes: &[&str]) -> String {
    let features: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let x = -2.3 + 0.01 * i as f64;
            format!(
                r#"{{"type":"Feature","properties":{{"area_code":"{c}","area_name":"Area {c}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},53.4],[{x2},53.4],[{x2},53.41],[{x},53.41],[{x},53.4]]]}}}}"#,
                x2 = x + 0.01
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// Runs the real `local-atlas` binary.
pub fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_local-atlas"))
        .args(args)
        .output()
        .expect("run local-atlas")
}

/// Runs the binary, asserts success and parses its JSON output.
pub fn cli_ok(args: &[&str]) -> serde_json::Value {
    let out = cli(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Builds the GM sample workspace in `dir` with `local-atlas sample` and returns its path.
pub fn cli_sample(dir: &Path) -> PathBuf {
    let out = cli(&["sample", &dir.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("greater-manchester.gpkg")
}

/// A CSV file's rows, each as column name → cell.
pub fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("read CSV");
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}
