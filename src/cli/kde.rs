//! `kde`: the kernel density surface of a point layer (quartic kernel, per km²): a summary,
//! optionally the mean density per area saved as an indicator, a GeoTIFF or a map.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::kde::{self, KdeRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The point layer (`local-atlas info` lists them).
    #[arg(long)]
    pub layer: String,
    /// Search radius of the kernel, in metres (e.g. 500).
    #[arg(long)]
    pub bandwidth_m: f64,
    /// Grid cell size, in metres (e.g. 100).
    #[arg(long)]
    pub cell_m: f64,
    /// Cover this geography's extent (default: the layer's box grown by the bandwidth).
    #[arg(long)]
    pub geography: Option<String>,
    /// Save the mean density (per km²) of each area of --geography as this indicator.
    #[arg(long, requires = "geography")]
    pub save: Option<String>,
    /// FILE.tif: the grid as a GeoTIFF (EPSG:27700, Float32); FILE.png: a map of the surface.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = KdeRequest {
        layer: a.layer.clone(),
        bandwidth_m: a.bandwidth_m,
        cell_m: a.cell_m,
        geography: a.geography.clone(),
        save: a.save.clone(),
        out: a.out.clone(),
    };
    let spinner = progress::Spinner::start("computing the density surface");
    let r = kde::run(&ws, &req, &spinner);
    drop(spinner);
    let r = r?;
    a.json.emit(&r, || {
        let g = &r.grid;
        let mut lines = vec![format!(
            "{}: {} points, bandwidth {} m: {} × {} grid of {} m cells from ({:.0}, {:.0}); highest {:.2} per km², total {:.1}",
            r.layer,
            r.points,
            r.bandwidth_m,
            g.cols,
            g.rows,
            g.cell_m,
            g.origin_bng[0],
            g.origin_bng[1],
            r.max_per_km2,
            r.total
        )];
        if let Some(s) = &r.saved {
            lines.push(format!(
                "saved {} at {} (period {}, {} areas)",
                s.indicator, s.geography, s.period, s.areas
            ));
        }
        if let Some(out) = &r.out {
            lines.push(format!("wrote {out}"));
        }
        lines.join("\n")
    })
}
