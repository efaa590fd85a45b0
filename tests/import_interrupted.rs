//! An indicator import that is killed (`kill -9`) at any moment, or stopped with Ctrl-C, leaves
//! the workspace whole: it opens, `check` passes, and the import is wholly present or wholly
//! absent (the import is one SQLite transaction; a killed process leaves its journal, which the
//! next open plays back).
#![cfg(unix)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AREAS: usize = 400;
const INDICATORS: usize = 25;
const PERIODS: usize = 10;
const VALUES: i64 = (AREAS * INDICATORS * PERIODS) as i64;

fn codes() -> Vec<String> {
    (0..AREAS).map(|i| format!("E01{i:06}")).collect()
}

/// A workspace with the areas' boundaries, and the long-form CSV of their values.
fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let ws = dir.join("base.gpkg");
    let codes = codes();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let gj = common::write(dir, "a.geojson", common::squares_geojson(&refs));
    let s = |p: &Path| p.display().to_string();
    assert!(common::cli(&["init", &s(&ws)]).status.success());
    let out = common::cli(&["import", "boundaries", &s(&ws), &s(&gj), "--geography", "g"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut csv = String::from("code,indicator,period,value\n");
    for k in 0..INDICATORS {
        for p in 0..PERIODS {
            for (i, c) in codes.iter().enumerate() {
                csv.push_str(&format!("{c},ind_{k:02},{},{}.5\n", 2000 + p, i + k));
            }
        }
    }
    (ws, common::write(dir, "long.csv", csv))
}

fn import_cmd(ws: &Path, csv: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_local-atlas"));
    c.args(["import", "indicators"])
        .arg(ws)
        .arg(csv)
        .args(["--geography", "g"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Values stored, read with a plain connection after `check` has opened (and so recovered)
/// the workspace.
fn stored_values(ws: &Path) -> i64 {
    rusqlite::Connection::open(ws)
        .unwrap()
        .query_row("SELECT count(*) FROM atlas_series_values", [], |r| r.get(0))
        .unwrap()
}

/// A fixed sequence of moments (a small LCG; the same every run) spread over the import.
fn moments(n: usize, full: Duration) -> Vec<Duration> {
    let (lo, hi) = (50.0, full.as_secs_f64() * 1000.0 * 1.1);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            Duration::from_secs_f64((lo + u * (hi - lo).max(1.0)) / 1000.0)
        })
        .collect()
}

#[test]
fn an_import_killed_at_any_moment_is_wholly_there_or_wholly_absent() {
    let dir = tempfile::tempdir().unwrap();
    let (base, csv) = setup(dir.path());
    // How long a whole import takes here.
    let full_ws = dir.path().join("full.gpkg");
    std::fs::copy(&base, &full_ws).unwrap();
    let t = Instant::now();
    let out = import_cmd(&full_ws, &csv).output().unwrap();
    let full = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stored_values(&full_ws), VALUES);
    let (mut absent, mut present) = (0, 0);
    for (run, at) in moments(20, full).into_iter().enumerate() {
        let ws = dir.path().join(format!("kill{run}.gpkg"));
        std::fs::copy(&base, &ws).unwrap();
        let mut child = import_cmd(&ws, &csv).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL: no handler, no cleanup
        let status = child.wait().unwrap();
        let check = common::cli(&["check", &ws.display().to_string()]);
        assert!(
            check.status.success(),
            "run {run} (killed at {at:?}, {status}): check failed: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        match stored_values(&ws) {
            0 => absent += 1,
            VALUES => present += 1,
            n => panic!("run {run} (killed at {at:?}): {n} of {VALUES} values stored"),
        }
        if status.success() {
            assert_eq!(
                stored_values(&ws),
                VALUES,
                "run {run} finished but lost values"
            );
        }
        std::fs::remove_file(&ws).unwrap();
    }
    eprintln!("kill -9 at 20 moments over {full:?}: {absent} absent, {present} present");
    assert!(
        absent > 0,
        "no kill landed during the import (it took {full:?})"
    );
}

/// Ctrl-C during an import: it stops, rolls back and says so (exit 130), and the workspace is
/// byte-for-byte as before. The file comes through a named pipe, so the signal arrives while
/// the import is certainly running; it is noticed once the first rows are written.
#[test]
fn ctrl_c_stops_an_import_and_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, csv) = setup(dir.path());
    let fifo = dir.path().join("pipe.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let before = common::sha256(&ws);
    let child = import_cmd(&ws, &fifo).spawn().unwrap();
    let bytes = std::fs::read(&csv).unwrap();
    let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let (head, tail) = bytes.split_at(bytes.len() / 2);
    pipe.write_all(head).unwrap();
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(200));
    pipe.write_all(tail).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("stopped: nothing was written"), "{err}");
    assert_eq!(common::sha256(&ws), before, "the workspace changed");
    assert!(!ws.with_extension("gpkg-journal").exists());
    assert!(
        common::cli(&["check", &ws.display().to_string()])
            .status
            .success()
    );
}
