//! `bench --national`: whole-process timings at national scale on synthetic data.
//!
//! For each size (default 32,844 areas, every LSOA in England, and 171,000, about every output
//! area of England and Wales) it generates, once, a synthetic tessellation as GeoJSON and a
//! long-form indicator CSV of about 10 M values (`bench_national_files`), then runs the real
//! executable as a child process for each job a user would run: `init`, `import boundaries`,
//! `import indicators`, `info --json`, `classify`, `weights`, `stats lisa` and `gistar` with
//! 999 permutations, `map` to a 3000×2000 PNG and an A3 PDF, `export-data`. Each child's wall
//! time and peak resident memory are measured (`child_process`), because the targets
//! are what a user waits for and what the machine must hold: start-up, opening the workspace
//! and writing the output included. `ogr2ogr -f GPKG` on the same CSV, when installed, is the
//! reference for the import. The desktop app's open → first frame and pan/zoom frame times
//! come from the caller (the app lives above this layer), after every child has run, so the
//! app's memory never inflates a child's figure.
//!
//! **Synthetic data: the report says so; never present it as real areas.**

use super::bench_national_files::{self as files, NationalInputs};
use super::bench_national_report::{self as report, *};
use super::child_process::{self, ChildCommand, ChildRun};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What to run.
#[derive(Debug, Clone)]
pub struct NationalRequest {
    /// The `local-atlas` executable to time (the CLI passes its own).
    pub exe: PathBuf,
    /// The cache folder of the inputs; workspaces and outputs go into `run_N` folders in it.
    pub dir: PathBuf,
    /// Areas per size.
    pub sizes: Vec<usize>,
    /// Indicators × periods per area instead of the default (≥ 10 M values a size).
    pub values_per_area: Option<usize>,
    /// Keep the workspaces and outputs (the inputs are kept anyway).
    pub keep: bool,
}

/// The default sizes: every LSOA in England (2011) and about every output area of England and
/// Wales.
pub const DEFAULT_SIZES: [usize; 2] = [32_844, 171_000];

/// The geography the boundaries are imported as, and the workspace's file name in a run folder.
const GEOGRAPHY: &str = "areas";
const WORKSPACE: &str = "national.gpkg";

/// The caller's measurement of the desktop app on a workspace (`None` when the app is not
/// built in).
pub type AppFramesFn<'a> = &'a dyn Fn(&Path) -> Result<Option<AppFrames>>;

/// Runs the benchmark: every size's child jobs first, then the app frames of each workspace,
/// then removes the workspaces unless `keep`.
pub fn run(
    req: &NationalRequest,
    app_frames: AppFramesFn<'_>,
    feedback: &dyn Feedback,
) -> Result<NationalReport> {
    if req.sizes.is_empty() {
        return Err(Error::Invalid("--sizes needs at least one size".into()));
    }
    if let Some(twice) = (1..req.sizes.len()).find(|&i| req.sizes[..i].contains(&req.sizes[i])) {
        return Err(Error::Invalid(format!(
            "--sizes gives {} twice",
            req.sizes[twice]
        )));
    }
    let dir = std::path::absolute(&req.dir).map_err(|e| Error::io(&req.dir, e))?;
    let ogr2ogr = child_process::on_path("ogr2ogr");
    // Every size is checked before anything is generated.
    let mut shapes = Vec::new();
    for &areas in &req.sizes {
        shapes.push((areas, files::shape(areas, req.values_per_area)?));
    }
    let mut sizes = Vec::new();
    for (areas, form) in shapes {
        feedback.stage(&format!("{areas} areas: synthetic input files"));
        let inputs = files::ensure(&dir, &form)?;
        let run = Size {
            exe: &req.exe,
            areas,
            work: dir.join(format!("run_{areas}")),
            inputs,
        };
        sizes.push(run.jobs(ogr2ogr.as_deref(), feedback)?);
    }
    let bench_process_peak_mb = child_process::own_peak_rss_bytes().map(|b| b as f64 / MB);
    for s in &mut sizes {
        feedback.stage(&format!("{} areas: app frames", s.areas));
        s.app = app_frames(&s.workspace_path)?;
        s.targets = s.check_targets();
    }
    if !req.keep {
        for s in &sizes {
            if let Some(work) = s.workspace_path.parent() {
                let _ = std::fs::remove_dir_all(work);
            }
        }
    }
    Ok(NationalReport {
        synthetic: true,
        note: "a generated tessellation and generated values, not real areas".into(),
        dir,
        sizes,
        ogr2ogr,
        bench_process_peak_mb,
        kept: req.keep,
    })
}

/// One size being run.
struct Size<'a> {
    exe: &'a Path,
    areas: usize,
    /// This size's folder for the workspace and outputs (emptied first).
    work: PathBuf,
    inputs: NationalInputs,
}

fn file_size(path: &Path) -> Result<u64> {
    let main = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    // A write-ahead log left beside the file is part of the workspace too.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    Ok(main + std::fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len()))
}

/// Jobs that take milliseconds, run [`QUICK_RUNS`] times (median reported): their first run
/// comes right after a 10 M-value import and may wait on the disk cache.
const QUICK_JOBS: [&str; 2] = [INFO, CLASSIFY];
const QUICK_RUNS: usize = 3;

/// Command-line arguments from strings and paths.
macro_rules! args {
    ($($a:expr),* $(,)?) => { vec![$(OsString::from($a)),*] };
}

impl Size<'_> {
    /// Runs `local-atlas ARGS` in the work folder (failing with its stderr when it fails) and
    /// records it as `job`.
    fn time(
        &self,
        job: &str,
        args: Vec<OsString>,
        jobs: &mut Vec<JobReport>,
        feedback: &dyn Feedback,
    ) -> Result<ChildRun> {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        feedback.stage(&format!("{} areas: {job}", self.areas));
        let cmd = ChildCommand {
            program: self.exe.to_path_buf(),
            args,
            cwd: self.work.clone(),
        };
        let out = child_process::run_checked(&cmd)?;
        let mut runs = vec![out.wall_s];
        if QUICK_JOBS.contains(&job) {
            for _ in 1..QUICK_RUNS {
                runs.push(child_process::run_checked(&cmd)?.wall_s);
            }
        }
        let mut sorted = runs.clone();
        sorted.sort_by(f64::total_cmp);
        let exe = self.exe.display().to_string();
        jobs.push(JobReport {
            job: job.into(),
            command: cmd.display().replacen(&exe, "local-atlas", 1),
            wall_s: sorted[sorted.len() / 2],
            runs,
            peak_mb: out.peak_rss_bytes.map(|b| b as f64 / MB),
        });
        Ok(out)
    }

    fn jobs(self, ogr2ogr: Option<&Path>, feedback: &dyn Feedback) -> Result<SizeReport> {
        let _ = std::fs::remove_dir_all(&self.work);
        std::fs::create_dir_all(&self.work).map_err(|e| Error::io(&self.work, e))?;
        let ws = self.work.join(WORKSPACE);
        let (boundaries, csv) = (&self.inputs.boundaries, &self.inputs.csv);
        let indicator = super::synthetic_files::indicator_code(0);
        // The first indicator at its latest period (the commands' default).
        let on_indicator = |mut a: Vec<OsString>| {
            a.extend(args!["--geography", GEOGRAPHY, "--indicator", &indicator]);
            a
        };
        let mut jobs = Vec::new();
        let mut time = |job: &str, args: Vec<OsString>| self.time(job, args, &mut jobs, feedback);
        time(report::INIT, args!["init", &ws])?;
        let b = args![
            "import",
            "boundaries",
            &ws,
            boundaries,
            "--geography",
            GEOGRAPHY
        ];
        time(IMPORT_BOUNDARIES, b)?;
        let after_boundaries_bytes = file_size(&ws)?;
        let i = args![
            "import",
            "indicators",
            &ws,
            csv,
            "--geography",
            GEOGRAPHY,
            "--json"
        ];
        let import = time(IMPORT_INDICATORS, i)?;
        let bytes = file_size(&ws)?;
        time(INFO, args!["info", &ws, "--json"])?;
        time(
            CLASSIFY,
            on_indicator(args!["classify", &ws, "--method", "jenks"]),
        )?;
        let w = args![
            "weights",
            &ws,
            "--geography",
            GEOGRAPHY,
            "--kind",
            "queen",
            "--out",
            "queen.gal"
        ];
        time(WEIGHTS, w)?;
        let stats = |s: &str| on_indicator(args!["stats", &ws, s, "--permutations", "999"]);
        time(LISA, stats("lisa"))?;
        time(GISTAR, stats("gistar"))?;
        let png = args![
            "map", &ws, "--width", "3000", "--height", "2000", "--dpi", "300"
        ];
        time(
            MAP_PNG,
            on_indicator([png, args!["--out", "map.png"]].concat()),
        )?;
        let pdf = args![
            "map",
            &ws,
            "--page",
            "a3",
            "--landscape",
            "--out",
            "map.pdf"
        ];
        time(MAP_PDF, on_indicator(pdf))?;
        time(
            EXPORT,
            on_indicator(args!["export-data", &ws, "--out", "export.csv"]),
        )?;
        let values = self.inputs.values.max(1) as f64;
        let workspace = WorkspaceSize {
            after_boundaries_bytes,
            bytes,
            bytes_per_value: bytes as f64 / values,
            indicator_bytes_per_value: bytes.saturating_sub(after_boundaries_bytes) as f64 / values,
        };
        let ogr2ogr = match ogr2ogr {
            Some(ogr) => Some(self.ogr2ogr(ogr, import.wall_s, feedback)?),
            None => None,
        };
        Ok(SizeReport {
            areas: self.areas,
            imported_values: imported_values(&import.stdout),
            chain: chain(&jobs),
            inputs: self.inputs,
            workspace_path: ws,
            jobs,
            workspace,
            ogr2ogr,
            app: None,
            targets: Vec::new(),
        })
    }

    /// `ogr2ogr -f GPKG ogr2ogr.gpkg long.csv`, timed like a job.
    fn ogr2ogr(
        &self,
        ogr: &Path,
        import_s: f64,
        feedback: &dyn Feedback,
    ) -> Result<ExternalReport> {
        feedback.stage(&format!("{} areas: ogr2ogr", self.areas));
        let out = self.work.join("ogr2ogr.gpkg");
        let cmd = ChildCommand {
            program: ogr.to_path_buf(),
            args: args!["-f", "GPKG", &out, &self.inputs.csv],
            cwd: self.work.clone(),
        };
        let run = child_process::run_checked(&cmd)?;
        let output_bytes = file_size(&out)?;
        Ok(ExternalReport {
            command: cmd.display(),
            wall_s: run.wall_s,
            runs: vec![run.wall_s],
            peak_mb: run.peak_rss_bytes.map(|b| b as f64 / MB),
            output_bytes,
            output_bytes_per_value: output_bytes as f64 / self.inputs.values.max(1) as f64,
            ratio_vs_import: run.wall_s / import_s,
        })
    }
}

/// The `values` of `import indicators --json`.
fn imported_values(stdout: &[u8]) -> Option<usize> {
    let v: serde_json::Value = serde_json::from_slice(stdout).ok()?;
    usize::try_from(v.get("values")?.as_u64()?).ok()
}

/// Load → queen → LISA 999 → A3 PDF as whole processes: `stats lisa` reads the workspace,
/// builds the queen weights and runs LISA in one process, then `map` draws the A3 PDF.
/// (`weights` is not added: it would count reading and the queen weights twice.)
fn chain(jobs: &[JobReport]) -> ChainReport {
    let names = [LISA, MAP_PDF];
    ChainReport {
        wall_s: jobs
            .iter()
            .filter(|j| names.contains(&j.job.as_str()))
            .map(|j| j.wall_s)
            .sum(),
        jobs: names.iter().map(|j| j.to_string()).collect(),
    }
}
