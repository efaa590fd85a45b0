//! `export-data`: one indicator at one geography as CSV or GeoJSON.

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::export::{self, ExportRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[arg(long)]
    pub geography: String,
    #[arg(long)]
    pub indicator: String,
    /// Period (default: the latest).
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = ExportRequest {
        geography: a.geography,
        indicator: a.indicator,
        period: a.period,
        out: a.out,
    };
    let r = export::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || {
        format!(
            "wrote {} ({} areas, {} with a value, period {})",
            r.file, r.areas, r.with_value, r.period
        )
    })
}
