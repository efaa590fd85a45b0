//! `compare`: each area against a benchmark (England, a region, `parent:GEOGRAPHY`) by
//! Fingertips' rules.

use super::shared::{IndicatorArg, JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::compare::{
    self, BenchmarkSpec, CompareMethod, CompareRequest, CompareResult,
};
use local_atlas::ops::compare_save;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub of: IndicatorArg,
    /// A benchmark area's code (E92000001; `info` lists them), parent:GEOGRAPHY (each
    /// area's parent, pooled from its children through the workspace's lookups) or all (every
    /// area of the geography pooled).
    #[arg(long)]
    pub benchmark: BenchmarkSpec,
    /// ci95, ci99_8, ci95_99_8, overlap, quintiles, quartiles or spc.
    #[arg(long, default_value = "ci95")]
    pub method: CompareMethod,
    /// Save the results as an indicator of kind comparison (`<indicator>_vs_<benchmark>_
    /// <method>`), which maps with Fingertips' colours.
    #[arg(long)]
    pub save: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = CompareRequest {
        geography: a.of.geography,
        indicator: a.of.indicator,
        period: a.of.period,
        benchmark: a.benchmark,
        method: a.method,
    };
    let mut r = compare::compare(&ws, &req)?;
    if a.save {
        r.saved = Some(compare_save::save(&ws, &r)?);
    }
    a.json.emit(&r, || text(&r))
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

fn text(r: &CompareResult) -> String {
    let mut s = format!(
        "{} ({}) at {} in {}, method {}\n",
        r.title,
        r.indicator,
        r.geography,
        r.period,
        serde_json::to_value(r.method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    );
    if let compare::Benchmark::Area(b) = &r.benchmark {
        s.push_str(&format!(
            "benchmark {} {}: {} ({}–{})\n",
            b.code,
            b.name.as_deref().unwrap_or(""),
            num(b.value),
            num(b.lower_ci),
            num(b.upper_ci)
        ));
    }
    s.push('\n');
    for a in &r.areas {
        s.push_str(&format!(
            "  {:<12} {:>10} ({:>8}–{:<8}) vs {:>10}  {}{}\n",
            a.code,
            num(a.value),
            num(a.lower_ci),
            num(a.upper_ci),
            num(a.benchmark_value),
            a.result,
            a.reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    if let Some(code) = &r.saved {
        s.push_str(&format!("\nsaved as indicator {code} (kind comparison)\n"));
    }
    s
}
