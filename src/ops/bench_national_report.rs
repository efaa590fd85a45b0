//! What `bench --national` reports (the `--json` shape), the targets and whether each
//! was met, and the rows of the text table (job | size | wall s | peak MB | target | ratio vs
//! ogr2ogr).

use super::bench_national_files::NationalInputs;
use serde::Serialize;
use std::path::PathBuf;

/// Bytes in the "MB" the report prints (a mebibyte, as `/usr/bin/time` figures are read).
pub const MB: f64 = 1024.0 * 1024.0;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct NationalReport {
    /// Always true: every file measured is generated, none is real data.
    pub synthetic: bool,
    pub note: String,
    /// The folder of the cached input files (and of the workspaces while they exist).
    pub dir: PathBuf,
    pub sizes: Vec<SizeReport>,
    /// The `ogr2ogr` compared against, or `None` when it is not on PATH.
    pub ogr2ogr: Option<PathBuf>,
    /// This process's own peak resident memory before the in-process app frames: on Linux a
    /// child's peak cannot read lower than the resident size of the process that started it.
    pub bench_process_peak_mb: Option<f64>,
    /// Whether the workspaces and outputs were kept (`--keep`); the inputs are always kept.
    pub kept: bool,
}

/// One size: its inputs, every timed job, the comparisons and the targets.
#[derive(Debug, Clone, Serialize)]
pub struct SizeReport {
    pub areas: usize,
    pub inputs: NationalInputs,
    pub workspace_path: PathBuf,
    /// The child processes, in the order they ran.
    pub jobs: Vec<JobReport>,
    /// Values the import reported (`values` of `import indicators --json`).
    pub imported_values: Option<usize>,
    pub workspace: WorkspaceSize,
    /// `ogr2ogr -f GPKG` on the same CSV, when it is on PATH.
    pub ogr2ogr: Option<ExternalReport>,
    /// Load → queen → LISA 999 → A3 PDF as whole processes.
    pub chain: ChainReport,
    /// Open → first frame and pan/zoom frame times in the desktop app (`None` without the
    /// `gui` feature).
    pub app: Option<AppFrames>,
    pub targets: Vec<TargetCheck>,
}

/// One child process.
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    pub job: String,
    /// The command line (the executable shown as `local-atlas`).
    pub command: String,
    /// The median of `runs` (a quick job, whose first run may read a cold disk cache right
    /// after the import, runs three times; the others once).
    pub wall_s: f64,
    /// Every run's wall time, in order.
    pub runs: Vec<f64>,
    /// Peak resident memory (Linux; `None` elsewhere).
    pub peak_mb: Option<f64>,
}

/// The workspace file's size after the imports.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceSize {
    /// After `import boundaries` (geometry, indexes, empty tables).
    pub after_boundaries_bytes: u64,
    /// After `import indicators`.
    pub bytes: u64,
    /// `bytes` / values in the CSV (the measure: the whole file per value).
    pub bytes_per_value: f64,
    /// What the indicator import added, per value.
    pub indicator_bytes_per_value: f64,
}

/// `ogr2ogr -f GPKG out.gpkg long.csv`, timed like the jobs.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalReport {
    pub command: String,
    /// The median of `runs` (a quick job, whose first run may read a cold disk cache right
    /// after the import, runs three times; the others once).
    pub wall_s: f64,
    /// Every run's wall time, in order.
    pub runs: Vec<f64>,
    pub peak_mb: Option<f64>,
    pub output_bytes: u64,
    pub output_bytes_per_value: f64,
    /// ogr2ogr's wall time / `import indicators`' (above 1: the import is faster).
    pub ratio_vs_import: f64,
}

/// A chain of jobs summed.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub jobs: Vec<String>,
    pub wall_s: f64,
}

/// The desktop app on a size's workspace, in-process.
#[derive(Debug, Clone, Serialize)]
pub struct AppFrames {
    /// Workspace open → map layer prepared (reprojected, triangulated) → first frame of the
    /// whole window produced.
    pub open_to_first_frame_s: f64,
    /// Areas the map drew.
    pub areas: usize,
    pub frames: usize,
    pub pan_median_ms: f64,
    pub pan_p95_ms: f64,
    pub zoom_median_ms: f64,
    pub zoom_p95_ms: f64,
}

/// One of the targets, measured.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    /// The table row it belongs to (a job name or a summary row).
    pub job: String,
    pub target: String,
    pub measured: f64,
    pub met: bool,
}

/// The row names of what is not a job.
pub const OGR2OGR_ROW: &str = "ogr2ogr -f GPKG (same CSV)";
pub const CHAIN_ROW: &str = "load → queen → LISA 999 → A3 PDF";
pub const WORKSPACE_ROW: &str = "workspace bytes/value";
pub const FIRST_FRAME_ROW: &str = "app: open → first frame";
pub const PAN_ROW: &str = "app: pan p95";
pub const ZOOM_ROW: &str = "app: zoom p95";

/// The job names, in the order they run.
pub const INIT: &str = "init";
pub const IMPORT_BOUNDARIES: &str = "import boundaries";
pub const IMPORT_INDICATORS: &str = "import indicators";
pub const INFO: &str = "info --json";
pub const CLASSIFY: &str = "classify";
pub const WEIGHTS: &str = "weights queen";
pub const LISA: &str = "stats lisa 999";
pub const GISTAR: &str = "stats gistar 999";
pub const MAP_PNG: &str = "map PNG 3000×2000";
pub const MAP_PDF: &str = "map A3 PDF";
pub const EXPORT: &str = "export-data";

/// The size the chain and first-frame targets are set on, and the pan target's.
pub const LSOA_SIZE: usize = 32_844;
pub const OA_SIZE: usize = 171_000;

impl SizeReport {
    /// The job called `name`, if it ran.
    pub fn job(&self, name: &str) -> Option<&JobReport> {
        self.jobs.iter().find(|j| j.job == name)
    }

    /// The targets that apply to this size, measured: import ≥ ogr2ogr's speed and
    /// ≤ 300 MB and the values ≤ 40 bytes each at every size; `info` < 50 ms, `classify` <
    /// 100 ms, the chain < 2 s and the first frame < 2 s on 32,844; pan p95 < 16 ms on 171,000.
    pub fn check_targets(&self) -> Vec<TargetCheck> {
        let mut out = Vec::new();
        let mut check = |job: &str, target: &str, measured: f64, met: bool| {
            out.push(TargetCheck {
                job: job.into(),
                target: target.into(),
                measured,
                met,
            })
        };
        if let Some(import) = self.job(IMPORT_INDICATORS) {
            if let Some(ogr) = &self.ogr2ogr {
                let r = ogr.ratio_vs_import;
                check(IMPORT_INDICATORS, "≥ ogr2ogr speed", r, r >= 1.0);
            }
            if let Some(mb) = import.peak_mb {
                check(IMPORT_INDICATORS, "≤ 300 MB", mb, mb <= 300.0);
            }
        }
        // The values' own cost (the file less what the boundaries took): the boundaries of
        // 171,000 areas are another 14 bytes a value there, not storage of values.
        let b = self.workspace.indicator_bytes_per_value;
        check(WORKSPACE_ROW, "≤ 40 B/value", b, b <= 40.0);
        if self.areas == LSOA_SIZE {
            // The issue sets these on the 32,844-area workspace.
            if let Some(j) = self.job(INFO) {
                check(INFO, "< 0.05 s", j.wall_s, j.wall_s < 0.05);
            }
            if let Some(j) = self.job(CLASSIFY) {
                check(CLASSIFY, "< 0.1 s", j.wall_s, j.wall_s < 0.1);
            }
            let s = self.chain.wall_s;
            check(CHAIN_ROW, "< 2 s", s, s < 2.0);
            if let Some(app) = &self.app {
                let s = app.open_to_first_frame_s;
                check(FIRST_FRAME_ROW, "< 2 s", s, s < 2.0);
            }
        }
        if self.areas == OA_SIZE
            && let Some(app) = &self.app
        {
            let ms = app.pan_p95_ms;
            check(PAN_ROW, "< 16 ms", ms, ms < 16.0);
        }
        out
    }

    /// The rows of the text table: every job, then ogr2ogr, the chain, the workspace size and
    /// the app's frames.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .jobs
            .iter()
            .map(|j| Row {
                job: j.job.clone(),
                wall_s: Some(j.wall_s),
                peak_mb: j.peak_mb,
                ratio_vs_ogr2ogr: (j.job == IMPORT_INDICATORS)
                    .then(|| self.ogr2ogr.as_ref().map(|o| o.ratio_vs_import))
                    .flatten(),
                ..Row::new(j.job.as_str(), self.areas)
            })
            .collect();
        if let Some(o) = &self.ogr2ogr {
            rows.push(Row {
                wall_s: Some(o.wall_s),
                peak_mb: o.peak_mb,
                note: Some(format!(
                    "{:.1} B/value ({} bytes)",
                    o.output_bytes_per_value, o.output_bytes
                )),
                ..Row::new(OGR2OGR_ROW, self.areas)
            });
        }
        rows.push(Row {
            wall_s: Some(self.chain.wall_s),
            note: Some(format!("sum of: {}", self.chain.jobs.join(" + "))),
            ..Row::new(CHAIN_ROW, self.areas)
        });
        rows.push(Row {
            note: Some(format!(
                "{:.1} B/value ({} bytes; the indicators alone {:.1} B/value)",
                self.workspace.bytes_per_value,
                self.workspace.bytes,
                self.workspace.indicator_bytes_per_value
            )),
            ..Row::new(WORKSPACE_ROW, self.areas)
        });
        match &self.app {
            Some(a) => {
                rows.push(Row {
                    wall_s: Some(a.open_to_first_frame_s),
                    note: Some(format!("{} areas drawn", a.areas)),
                    ..Row::new(FIRST_FRAME_ROW, self.areas)
                });
                rows.push(Row {
                    wall_s: Some(a.pan_p95_ms / 1000.0),
                    note: Some(format!(
                        "median {:.1} ms, p95 {:.1} ms over {} frames",
                        a.pan_median_ms, a.pan_p95_ms, a.frames
                    )),
                    ..Row::new(PAN_ROW, self.areas)
                });
                rows.push(Row {
                    wall_s: Some(a.zoom_p95_ms / 1000.0),
                    note: Some(format!(
                        "median {:.1} ms, p95 {:.1} ms over {} frames",
                        a.zoom_median_ms, a.zoom_p95_ms, a.frames
                    )),
                    ..Row::new(ZOOM_ROW, self.areas)
                });
            }
            None => rows.push(Row {
                note: Some("not measured (built without the desktop app)".into()),
                ..Row::new(FIRST_FRAME_ROW, self.areas)
            }),
        }
        let targets = self.check_targets();
        for row in &mut rows {
            let mine: Vec<String> = targets
                .iter()
                .filter(|t| t.job == row.job)
                .map(|t| format!("{} {}", t.target, if t.met { "✔" } else { "✘" }))
                .collect();
            if !mine.is_empty() {
                row.target = Some(mine.join(", "));
            }
        }
        rows
    }
}

/// One row of the text table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub job: String,
    pub size: usize,
    pub wall_s: Option<f64>,
    pub peak_mb: Option<f64>,
    /// The targets of this row with ✔ or ✘.
    pub target: Option<String>,
    pub ratio_vs_ogr2ogr: Option<f64>,
    /// What else the row measured (sizes, medians).
    pub note: Option<String>,
}

impl Row {
    fn new(job: &str, size: usize) -> Self {
        Row {
            job: job.into(),
            size,
            wall_s: None,
            peak_mb: None,
            target: None,
            ratio_vs_ogr2ogr: None,
            note: None,
        }
    }
}
