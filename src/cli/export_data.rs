//! `export-data`: one indicator at one geography as CSV or GeoJSON.

use super::shared::{IndicatorArg, JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::export::{self, ExportRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub of: IndicatorArg,
    #[arg(long)]
    pub out: PathBuf,
    /// Write codes and names exactly as stored: no `'` before a cell starting with =, +, -
    /// or @ (which a spreadsheet would run as a formula). For programs, not spreadsheets.
    #[arg(long)]
    pub csv_raw: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = ExportRequest {
        geography: a.of.geography,
        indicator: a.of.indicator,
        period: a.of.period,
        out: a.out,
        csv_raw: a.csv_raw,
    };
    let r = export::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || {
        format!(
            "wrote {} ({} areas, {} with a value, period {})",
            r.file, r.areas, r.with_value, r.period
        )
    })
}
