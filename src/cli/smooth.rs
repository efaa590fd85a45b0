//! `smooth`: raw, excess-risk, empirical Bayes or spatial empirical Bayes rates of a count
//! over a population, saved as an indicator.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::indicator_data::WeightsKind;
use local_atlas::ops::smooth::{self, SmoothMethod, SmoothRequest, SmoothResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The geography the values belong to (e.g. lsoa11).
    #[arg(long)]
    pub geography: String,
    /// The indicator holding the event counts.
    #[arg(long)]
    pub count: String,
    /// The indicator holding the base populations.
    #[arg(long)]
    pub population: String,
    /// raw, excess_risk, eb or spatial_eb.
    #[arg(long)]
    pub method: SmoothMethod,
    /// Spatial EB's neighbours: queen (default), rook, knn:K or band:METRES.
    #[arg(long)]
    pub weights: Option<WeightsKind>,
    /// The count's period (default: the latest).
    #[arg(long)]
    pub period: Option<String>,
    /// The code the rates are saved under.
    #[arg(long)]
    pub save: String,
    /// The saved indicator's title (default: from the count's title and the method).
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = SmoothRequest {
        geography: a.geography,
        count: a.count,
        population: a.population,
        method: a.method,
        weights: a.weights,
        period: a.period,
        save: a.save,
        title: a.title,
    };
    let bar = progress::Bar::new();
    let r = smooth::run(&ws, &req, &bar)?;
    drop(bar);
    a.json.emit(&r, || text(&r))
}

fn text(r: &SmoothResult) -> String {
    let mut s = format!(
        "saved {} \"{}\" ({}) for {} areas of {}: {} of {} ({}) over {} ({}){}\n",
        r.saved,
        r.title,
        r.unit,
        r.areas.len() - r.undefined,
        r.geography,
        serde_json::to_value(r.method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        r.count,
        r.period,
        r.population,
        r.population_period,
        r.weights
            .as_deref()
            .map(|w| format!(", {w} weights"))
            .unwrap_or_default()
    );
    s.push_str(&format!("pooled rate {:.6} per person", r.pooled_rate));
    if let (Some(t2), Some(c)) = (r.theta2, r.theta2_clamped) {
        s.push_str(&format!(
            "; θ₂ = {t2:.3e}{}",
            if c { " (negative, clamped to 0)" } else { "" }
        ));
    }
    s.push('\n');
    if let Some(w) = &r.withheld {
        s.push_str(&format!("{w}\n"));
    }
    for a in r.areas.iter().filter(|a| a.reason.is_some()) {
        s.push_str(&format!(
            "  {:<12} missing: {}\n",
            a.code,
            a.reason.as_deref().unwrap_or("")
        ));
    }
    s
}
