//! `bench --national`: whole commands timed as child processes of this executable on synthetic
//! national-size data (`ops::bench_national`), plus the desktop app's first frame and pan/zoom
//! frames when the app is built in; a text table or `--json`.

use super::progress;
use super::shared::JsonArg;
use anyhow::Result;
use local_atlas::ops::bench_national::{self, DEFAULT_SIZES, NationalRequest};
use local_atlas::ops::bench_national_files::default_dir;
use local_atlas::ops::bench_national_report::{AppFrames, NationalReport};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The `--national` options of `bench`.
#[derive(clap::Args, Debug)]
pub struct NationalArgs {
    /// Time whole commands (init, imports, info, classify, weights, LISA, Gi*, maps, export) as
    /// child processes on synthetic national-size data: wall time and peak memory of each.
    #[arg(long, conflicts_with_all = ["maps", "frames", "write_synthetic"])]
    pub national: bool,
    /// With --national: the folder for the generated files (kept and reused) and the runs
    /// (default: a folder under the system's temporary folder named after the sizes).
    #[arg(long, value_name = "DIR", requires = "national")]
    pub dir: Option<PathBuf>,
    /// With --national: the sizes in areas, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_SIZES, requires = "national")]
    pub sizes: Vec<usize>,
    /// With --national: values per area (indicators × periods) instead of the default of at
    /// least 10,000,000 values a size, e.g. 915 → 30 M values on 32,844 areas.
    #[arg(long, value_name = "N", requires = "national")]
    pub values_per_area: Option<usize>,
    /// With --national: keep the workspaces and outputs of the runs.
    #[arg(long, requires = "national")]
    pub keep: bool,
}

/// Frames panned and zoomed in the app per size.
const APP_FRAMES: usize = 120;

pub fn run(a: &NationalArgs, json: JsonArg) -> Result<()> {
    let req = NationalRequest {
        exe: std::env::current_exe()?,
        dir: a.dir.clone().unwrap_or_else(|| default_dir(&a.sizes)),
        sizes: a.sizes.clone(),
        values_per_area: a.values_per_area,
        keep: a.keep,
    };
    let bar = progress::Bar::new();
    let r = bench_national::run(&req, &app_frames, &bar)?;
    drop(bar);
    json.emit(&r, || text(&r))
}

#[cfg(feature = "gui")]
fn app_frames(ws: &Path) -> local_atlas::Result<Option<AppFrames>> {
    local_atlas::ui::bench::national_frames(ws, APP_FRAMES).map(Some)
}

#[cfg(not(feature = "gui"))]
fn app_frames(_: &Path) -> local_atlas::Result<Option<AppFrames>> {
    let _ = APP_FRAMES;
    Ok(None)
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or("-".into(), |x| format!("{x:.decimals$}"))
}

/// The table: job | size | wall s | peak MB | target | ratio vs ogr2ogr, one block per size,
/// with what else a row measured below it.
pub fn text(r: &NationalReport) -> String {
    let mut s = format!(
        "SYNTHETIC DATA — {}; files in {}\n",
        r.note,
        r.dir.display()
    );
    for size in &r.sizes {
        let i = &size.inputs;
        let _ = writeln!(
            s,
            "\n{} areas ({} × {} cells): {} values ({} indicator(s) × {} period(s), {} suppressed), \
             CSV {:.1} MB{}",
            size.areas,
            i.form.cols,
            i.form.rows,
            i.values,
            i.form.indicators,
            i.form.periods,
            i.suppressed,
            i.csv_bytes as f64 / 1e6,
            if i.generated {
                ", generated now"
            } else {
                ", from the cache"
            }
        );
        if let Some(v) = size.imported_values {
            let _ = writeln!(s, "import indicators reported {v} values");
        }
        let _ = writeln!(
            s,
            "{:<34} {:>7} {:>9} {:>8}  {:<28} {:>8}",
            "job", "size", "wall s", "peak MB", "target", "vs ogr2ogr"
        );
        for row in size.rows() {
            let _ = writeln!(
                s,
                "{:<34} {:>7} {:>9} {:>8}  {:<28} {:>8}",
                row.job,
                row.size,
                opt(row.wall_s, 4),
                opt(row.peak_mb, 1),
                row.target.as_deref().unwrap_or("-"),
                row.ratio_vs_ogr2ogr
                    .map_or("-".into(), |x| format!("{x:.2}×"))
            );
            if let Some(note) = &row.note {
                let _ = writeln!(s, "    {note}");
            }
        }
    }
    if r.ogr2ogr.is_none() {
        s.push_str("\nogr2ogr: not on PATH, so the import was not compared (install GDAL)\n");
    }
    if let Some(mb) = r.bench_process_peak_mb {
        let _ = writeln!(
            s,
            "\nthis process peaked at {mb:.1} MB before the app frames (a child's peak memory \
             reads no lower than its parent's)"
        );
    }
    if !r.kept {
        s.push_str(
            "workspaces and outputs removed (--keep keeps them); inputs kept for the next run\n",
        );
    }
    s
}
