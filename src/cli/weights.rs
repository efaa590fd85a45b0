//! `weights`: build spatial weights, summarise them, optionally write GAL/GWT.

use super::shared::{JsonArg, WorkspaceArg};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::indicator_data::WeightsKind;
use local_atlas::ops::weights::{self, WeightsRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[arg(long)]
    pub geography: String,
    /// queen, rook, knn:K or band:METRES.
    #[arg(long, default_value = "queen")]
    pub kind: WeightsKind,
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = WeightsRequest {
        geography: a.geography,
        kind: a.kind,
        out: a.out,
    };
    let r = weights::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || text::weights(&r))
}
