//! `stats`: global Moran's I, local Moran (LISA) or Getis-Ord Gi*.

use super::progress;
use super::shared::{IndicatorArg, JsonArg, WorkspaceArg, any_case};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::indicator_data::WeightsKind;
use local_atlas::ops::stats::{self, Statistic, StatsRequest};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// moran, lisa or gistar.
    #[arg(value_parser = any_case::<Statistic>)]
    pub statistic: Statistic,
    #[command(flatten)]
    pub of: IndicatorArg,
    /// queen, rook, knn:K or band:METRES.
    #[arg(long, default_value = "queen")]
    pub weights: WeightsKind,
    #[arg(long, default_value_t = 999)]
    pub permutations: usize,
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Significance level for clusters.
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Control the false discovery rate (Benjamini–Hochberg, as esda.fdr).
    #[arg(long)]
    pub fdr: bool,
    /// Two-sided permutation p-values instead of GeoDa's folded one-sided ("directed").
    #[arg(long)]
    pub two_sided: bool,
    /// Store the per-area results in the workspace as indicators.
    #[arg(long)]
    pub save: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = StatsRequest {
        period: a.of.period,
        weights: a.weights,
        permutations: a.permutations,
        seed: a.seed,
        alpha: a.alpha,
        fdr: a.fdr,
        two_sided: a.two_sided,
        save: a.save,
        ..StatsRequest::new(a.statistic, &a.of.geography, &a.of.indicator)
    };
    let bar = progress::Bar::new();
    let r = stats::run(&ws, &req, &bar)?;
    drop(bar);
    a.json.emit(&r, || text::stats(&r, a.save))
}
