//! `funnel`: funnel-plot data (each area against its denominator, 95% and 99.8% limits).

use super::shared::{IndicatorArg, JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::funnel::{self, FunnelRequest, FunnelResult, Side};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub of: IndicatorArg,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = FunnelRequest {
        geography: a.of.geography,
        indicator: a.of.indicator,
        period: a.of.period,
    };
    let r = funnel::funnel(&ws, &req)?;
    a.json.emit(&r, || text(&r))
}

fn where_(s: Option<Side>) -> &'static str {
    match s {
        Some(Side::Above) => "above",
        Some(Side::Below) => "below",
        None => "inside",
    }
}

fn text(r: &FunnelResult) -> String {
    let mut s = format!(
        "{} ({}) at {} in {}: funnel plot against the {}\naverage {:.4} (multiplier {})\n",
        r.title, r.indicator, r.geography, r.period, r.denominator_kind, r.average, r.multiplier
    );
    if let Some(oe) = r.observed_over_expected {
        s.push_str(&format!("observed/expected over the areas: {oe:.4}\n"));
    }
    for (k, n) in r.count_map() {
        s.push_str(&format!("  {k}: {n}\n"));
    }
    s.push('\n');
    for p in &r.points {
        s.push_str(&format!(
            "  {:<12} {:<24} {:>12.1} {:>10.4}  95%: {:<6} 99.8%: {}\n",
            p.code,
            p.name.as_deref().unwrap_or(""),
            p.denominator,
            p.value,
            where_(p.outside_95),
            where_(p.outside_99_8)
        ));
    }
    for e in &r.excluded {
        s.push_str(&format!("  {:<12} left out: {}\n", e.code, e.reason));
    }
    s
}
