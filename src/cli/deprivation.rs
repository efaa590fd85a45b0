//! `deprivation-aggregate`: LSOA deprivation summarised for wards, districts or any groups.

use super::shared::{JsonArg, WorkspaceArg};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::deprivation::{self, DeprivationRequest};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The LSOA score (e.g. imd_score).
    #[arg(long)]
    pub score: String,
    /// The national rank, 1 = most deprived (default: the score code with _score → _rank).
    #[arg(long)]
    pub rank: Option<String>,
    /// Population of each LSOA (the weight of the averages and the extent).
    #[arg(long)]
    pub population: String,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub period: Option<String>,
    /// Size of the national ranking.
    #[arg(long, default_value_t = 32844.0)]
    pub of: f64,
    /// Store the measures at the --to geography as indicators.
    #[arg(long)]
    pub save: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = DeprivationRequest {
        score: a.score,
        rank: a.rank,
        population: a.population,
        from: a.from,
        to: a.to,
        period: a.period,
        of: a.of,
        save: a.save,
    };
    let r = deprivation::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || text::deprivation(&r))
}
