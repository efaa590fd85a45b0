//! `bench --postcodes FILE`: a postcode lookup release imported by `local-atlas import
//! postcodes` and, as the peer, loaded into a GeoPackage by GDAL's `ogr2ogr` (when it is on
//! `PATH`), each as a whole child process in a fresh folder: wall time and peak resident
//! memory, the median of the repeats, and the ratio. The two do different amounts of work —
//! ours checks every postcode and coordinate, keys the table by the normalised postcode and
//! keeps the dates and areas; `ogr2ogr` loads the rows as points with their text attributes and
//! an R-tree — so the ratio is what a council analyst waits for either way, not a like-for-like
//! kernel comparison.

use crate::error::{Error, Result};
use crate::ops::child_process::{ChildCommand, ChildRun, on_path, run_checked};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What to time.
#[derive(Debug, Clone)]
pub struct PostcodeBenchRequest {
    /// This executable.
    pub exe: PathBuf,
    pub file: PathBuf,
    pub repeat: usize,
}

/// One program's runs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Timed {
    pub command: String,
    /// Median wall time over the repeats, seconds.
    pub wall_s: f64,
    /// Largest peak resident memory of the repeats, MiB (Linux).
    pub peak_rss_mib: Option<f64>,
    pub runs: Vec<f64>,
}

/// The bench's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostcodeBench {
    pub file: String,
    pub bytes: u64,
    pub postcodes: u64,
    pub local_atlas: Timed,
    /// `None` when `ogr2ogr` is not on `PATH`.
    pub ogr2ogr: Option<Timed>,
    /// ogr2ogr's median wall time over ours (above 1: ours is faster).
    pub ratio: Option<f64>,
}

/// Runs the bench.
pub fn run(req: &PostcodeBenchRequest) -> Result<PostcodeBench> {
    let bytes = std::fs::metadata(&req.file)
        .map_err(|e| Error::io(&req.file, e))?
        .len();
    let file = std::fs::canonicalize(&req.file).map_err(|e| Error::io(&req.file, e))?;
    let ours = |dir: &Path| ChildCommand {
        program: req.exe.clone(),
        args: os(&[
            "import",
            "postcodes",
            "ws.gpkg",
            &file.display().to_string(),
            "--json",
        ]),
        cwd: dir.to_path_buf(),
    };
    let mut postcodes = 0;
    let local_atlas = timed(req.repeat, |dir| {
        let init = ChildCommand {
            program: req.exe.clone(),
            args: os(&["init", "ws.gpkg"]),
            cwd: dir.to_path_buf(),
        };
        run_checked(&init)?;
        let cmd = ours(dir);
        let r = run_checked(&cmd)?;
        let report: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap_or_default();
        postcodes = report["postcodes"].as_u64().unwrap_or_default();
        Ok((cmd.display(), r))
    })?;
    let ogr2ogr = match on_path("ogr2ogr") {
        None => None,
        Some(program) => Some(timed(req.repeat, |dir| {
            let cmd = ChildCommand {
                program: program.clone(),
                args: os(&[
                    "-f",
                    "GPKG",
                    "peer.gpkg",
                    &file.display().to_string(),
                    "-oo",
                    "X_POSSIBLE_NAMES=oseast1m,Eastings",
                    "-oo",
                    "Y_POSSIBLE_NAMES=osnrth1m,Northings",
                    "-a_srs",
                    "EPSG:27700",
                    "-nln",
                    "postcodes",
                    "-gt",
                    "65536",
                ]),
                cwd: dir.to_path_buf(),
            };
            let r = run_checked(&cmd)?;
            Ok((cmd.display(), r))
        })?),
    };
    let ratio = ogr2ogr.as_ref().map(|o| o.wall_s / local_atlas.wall_s);
    Ok(PostcodeBench {
        file: req.file.display().to_string(),
        bytes,
        postcodes,
        local_atlas,
        ogr2ogr,
        ratio,
    })
}

/// Runs `one` `repeat` times, each in a new temporary folder.
fn timed(repeat: usize, mut one: impl FnMut(&Path) -> Result<(String, ChildRun)>) -> Result<Timed> {
    let mut runs = Vec::new();
    let mut peak: Option<u64> = None;
    let mut command = String::new();
    for _ in 0..repeat.max(1) {
        let dir = tempfile::tempdir().map_err(|e| Error::io(&std::env::temp_dir(), e))?;
        let (c, r) = one(dir.path())?;
        command = c;
        runs.push(r.wall_s);
        peak = peak.max(r.peak_rss_bytes);
    }
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(Timed {
        command,
        wall_s: sorted[sorted.len() / 2],
        peak_rss_mib: peak.map(|b| b as f64 / 1_048_576.0),
        runs,
    })
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}
