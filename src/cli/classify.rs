//! `classify`: an indicator's map classes (breaks, counts, goodness of fit).

use super::shared::{IndicatorArg, JsonArg, WorkspaceArg, any_case};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::classify::{self, ClassifyOptions, ClassifyRequest, Method};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub of: IndicatorArg,
    /// equal, quantile, jenks, stddev, pretty, maxbreaks, box, percentile, headtail or manual.
    #[arg(long, default_value = "quantile", value_parser = any_case::<Method>)]
    pub method: Method,
    #[arg(long, default_value_t = 5)]
    pub classes: usize,
    /// Upper bounds for --method manual, ascending (e.g. 10,20,40).
    #[arg(long, value_delimiter = ',')]
    pub breaks: Option<Vec<f64>>,
    /// Box map hinge: 1.5 (default) or 3.0.
    #[arg(long, default_value_t = 1.5)]
    pub hinge: f64,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let options = ClassifyOptions {
        method: a.method,
        k: a.classes,
        manual_breaks: a.breaks.unwrap_or_default(),
        hinge: a.hinge,
        ..Default::default()
    };
    let req = ClassifyRequest {
        geography: a.of.geography,
        indicator: a.of.indicator,
        period: a.of.period,
        options,
    };
    let r = classify::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || text::classify(&r))
}
