//! `bench --national` end to end on a tiny size: the real binary generates the synthetic files,
//! runs every job as a child of itself and reports each one's wall time and (Linux) peak memory.

use std::process::Command;

const JOBS: [&str; 11] = [
    "init",
    "import boundaries",
    "import indicators",
    "info --json",
    "classify",
    "weights queen",
    "stats lisa 999",
    "stats gistar 999",
    "map PNG 3000×2000",
    "map A3 PDF",
    "export-data",
];

#[test]
fn every_job_of_a_tiny_national_bench_is_timed_and_measured() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_local-atlas"))
        .args([
            "bench",
            "--national",
            "--sizes",
            "64",
            "--values-per-area",
            "4",
            "--json",
        ])
        .arg("--dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["synthetic"], true);
    let sizes = r["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1);
    let size = &sizes[0];
    assert_eq!(size["areas"], 64);
    assert_eq!(size["inputs"]["values"], 256);
    assert_eq!(size["imported_values"], 256, "the import's own count");
    let jobs = size["jobs"].as_array().unwrap();
    let names: Vec<&str> = jobs.iter().map(|j| j["job"].as_str().unwrap()).collect();
    assert_eq!(names, JOBS);
    for j in jobs {
        assert!(j["wall_s"].as_f64().unwrap() > 0.0, "{j}");
        if cfg!(target_os = "linux") {
            assert!(j["peak_mb"].as_f64().unwrap() > 0.0, "{j}");
        }
    }
    let chain = size["chain"]["wall_s"].as_f64().unwrap();
    assert!(chain > 0.0 && chain < jobs.iter().map(|j| j["wall_s"].as_f64().unwrap()).sum());
    assert!(size["workspace"]["bytes_per_value"].as_f64().unwrap() > 0.0);
    // The inputs stay cached for the next run; the workspace and outputs are removed.
    assert!(dir.path().join("long_8x8_1x4.csv").is_file());
    assert!(!dir.path().join("run_64").exists());
    if !size["app"].is_null() {
        assert!(size["app"]["open_to_first_frame_s"].as_f64().unwrap() > 0.0);
        assert_eq!(size["app"]["areas"], 64);
    }
    if r["ogr2ogr"].is_null() {
        assert!(size["ogr2ogr"].is_null());
    } else {
        assert!(size["ogr2ogr"]["ratio_vs_import"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn a_size_without_a_near_square_grid_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_local-atlas"))
        .args(["bench", "--national", "--sizes", "101", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("101 areas make no near-square grid"),
        "{stderr}"
    );
}
