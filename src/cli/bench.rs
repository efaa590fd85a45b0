//! `bench`: time the analysis core, the map operation, the desktop map's frames, or whole
//! commands at national scale (`--national`, in `bench_national.rs`).

use super::progress;
use super::shared::JsonArg;
use super::text;
use anyhow::Result;
use local_atlas::ops::{bench, bench_map, bench_postcodes, sample, synthetic_files};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The London LSOA shapefile (default: ../shared/data/london/… beside the source tree, if present).
    #[arg(long)]
    pub london: Option<PathBuf>,
    /// Skip the 35k synthetic tessellation.
    #[arg(long)]
    pub no_synthetic: bool,
    /// Time the `map` operation (PNG 3000×2000, A3 300 dpi PNG, A3 PDF) instead of the
    /// analysis core.
    #[arg(long)]
    pub maps: bool,
    /// Time the desktop map's frames while panning and zooming (GM, London, synthetic 35k;
    /// needs the `gui` feature).
    #[arg(long, conflicts_with = "maps")]
    pub frames: bool,
    /// England IMD 2019 ranks CSV for the London maps (default: ../shared/data/…).
    #[arg(long)]
    pub england_imd: Option<PathBuf>,
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Time `import postcodes` of this ONSPD/NSPL/Code-Point file against GDAL's ogr2ogr
    /// loading it into a GeoPackage (when ogr2ogr is installed), whole processes.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["maps", "frames", "write_synthetic"])]
    pub postcodes: Option<PathBuf>,
    /// Instead of timing, write the synthetic tessellation as `synthetic_cells.geojson` and wide
    /// indicator CSVs into DIR, to build a large workspace with `import` (scale checks).
    #[arg(long, value_name = "DIR")]
    pub write_synthetic: Option<PathBuf>,
    /// With --write-synthetic: cells across and down (188 → 35,344 cells).
    #[arg(long, default_value_t = 188, requires = "write_synthetic")]
    pub cells_across: usize,
    /// With --write-synthetic: how many CSV files, and indicator columns in each.
    #[arg(long, default_value_t = 1, requires = "write_synthetic")]
    pub csv_files: usize,
    #[arg(long, default_value_t = 20, requires = "write_synthetic")]
    pub indicators_per_file: usize,
    #[command(flatten)]
    pub national: super::bench_national::NationalArgs,
    #[command(flatten)]
    pub json: JsonArg,
}

/// `rel` beside the source tree, if it is there (the team's shared data).
fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    p.is_file().then_some(p)
}

pub fn run(a: Args) -> Result<()> {
    if a.national.national {
        return super::bench_national::run(&a.national, a.json);
    }
    if let Some(file) = &a.postcodes {
        let r = bench_postcodes::run(&bench_postcodes::PostcodeBenchRequest {
            exe: std::env::current_exe()?,
            file: file.clone(),
            repeat: a.repeat,
        })?;
        return a.json.emit(&r, || postcode_text(&r));
    }
    let london = a
        .london
        .clone()
        .or_else(|| shared("../shared/data/london/london-2011-lsoa-gen20.shp"));
    if let Some(dir) = &a.write_synthetic {
        let r = synthetic_files::write(&synthetic_files::SyntheticFilesRequest {
            dir: dir.clone(),
            cols: a.cells_across,
            rows: a.cells_across,
            files: a.csv_files,
            indicators_per_file: a.indicators_per_file,
        })?;
        return a.json.emit(&r, || {
            format!(
                "wrote {} synthetic cells to {} and {} values in {} CSV file(s) (synthetic data, not real areas)",
                r.cells,
                r.boundaries.display(),
                r.values,
                r.csvs.len()
            )
        });
    }
    if a.frames {
        return frames(london.as_deref(), !a.no_synthetic, a.repeat, a.json);
    }
    let bar = progress::Bar::new();
    let r = if a.maps {
        let england = a
            .england_imd
            .clone()
            .or_else(|| shared("../shared/data/england_imd2019_lsoa_ranks_deciles.csv"));
        bench_map::run(
            &sample::seeds_dir(),
            london.as_deref().zip(england.as_deref()),
            !a.no_synthetic,
            a.repeat,
            &bar,
        )?
    } else {
        bench::run(
            &sample::seeds_dir(),
            london.as_deref(),
            !a.no_synthetic,
            a.repeat,
            &bar,
        )?
    };
    drop(bar);
    a.json.emit(&r, || text::bench(&r))
}

#[cfg(feature = "gui")]
fn frames(london: Option<&Path>, synthetic: bool, repeat: usize, json: JsonArg) -> Result<()> {
    let bar = progress::Bar::new();
    let frames = (repeat * 40).max(40);
    let r = local_atlas::ui::bench::frames(&sample::seeds_dir(), london, synthetic, frames, &bar)?;
    drop(bar);
    json.emit(&r, || text::frames(&r))
}

#[cfg(not(feature = "gui"))]
fn frames(_: Option<&Path>, _: bool, _: usize, _: JsonArg) -> Result<()> {
    anyhow::bail!("--frames needs the desktop app (build with the default `gui` feature)")
}

/// The postcode bench as a few lines of text.
fn postcode_text(r: &bench_postcodes::PostcodeBench) -> String {
    let line = |name: &str, t: &bench_postcodes::Timed| {
        format!(
            "{name}: {:.2} s median of {} run(s), peak {} — {}",
            t.wall_s,
            t.runs.len(),
            t.peak_rss_mib
                .map(|m| format!("{m:.0} MiB"))
                .unwrap_or_else(|| "memory not measured".into()),
            t.command
        )
    };
    let mut s = format!(
        "{} postcodes from {} ({:.0} MB)\n{}",
        r.postcodes,
        r.file,
        r.bytes as f64 / 1e6,
        line("local-atlas import postcodes", &r.local_atlas)
    );
    match (&r.ogr2ogr, r.ratio) {
        (Some(o), Some(ratio)) => {
            s.push_str(&format!(
                "\n{}\nratio (ogr2ogr ÷ local-atlas): {ratio:.2}",
                line("ogr2ogr", o)
            ));
        }
        _ => s.push_str("\nogr2ogr: not installed (apt-get install gdal-bin to compare)"),
    }
    s
}
