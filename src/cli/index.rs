//! `index`: a composite index (IMD-style, Townsend, Carstairs or local) from a TOML spec.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::index::{self, IndexRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The index spec (TOML; see README "Deprivation indices and service siting").
    #[arg(long)]
    pub spec: PathBuf,
    /// Save as indicators NAME_score, NAME_rank, NAME_decile, NAME_quintile (and the
    /// sensitivity results) with the spec as provenance.
    #[arg(long)]
    pub save: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let spec = index::read_spec(&a.spec)?;
    let req = IndexRequest { spec, save: a.save };
    let bar = progress::Bar::new();
    let r = index::run(&ws, &req, &bar)?;
    drop(bar);
    a.json.emit(&r, || text::index(&r))
}
