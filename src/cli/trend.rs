//! `trend`: Fingertips' recent-trend marker for every area (and a benchmark area).

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::trend::{self, AreaTrend, TrendRequest, TrendResult, TrendTest};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The geography the values belong to (e.g. lad16).
    #[arg(long)]
    pub geography: String,
    /// The indicator's code (`local-atlas info` lists them).
    #[arg(long)]
    pub indicator: String,
    /// A benchmark area's code (E92000001) whose trend is reported too.
    #[arg(long)]
    pub benchmark: Option<String>,
    /// wls (weighted least squares on the 95% limits) or cochran_armitage (counts and
    /// denominators; proportions).
    #[arg(long, default_value = "wls")]
    pub method: TrendTest,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = TrendRequest {
        geography: a.geography,
        indicator: a.indicator,
        benchmark: a.benchmark,
        method: a.method,
    };
    let r = trend::trend(&ws, &req)?;
    a.json.emit(&r, || text(&r))
}

fn line(t: &AreaTrend) -> String {
    let numbers = match (t.chi2, t.slope) {
        (Some(c), Some(s)) => format!("  (χ² {c:.2}, slope {s:+.4}, {})", t.periods.join(", ")),
        _ => String::new(),
    };
    format!(
        "  {:<12} {:<24} {}{numbers}\n",
        t.code,
        t.name.as_deref().unwrap_or(""),
        t.words()
    )
}

fn text(r: &TrendResult) -> String {
    let mut s = format!(
        "{} ({}) at {}: recent trend over the latest 5 periods ({})\n\n",
        r.title,
        r.indicator,
        r.geography,
        match r.method {
            TrendTest::Wls => "weighted least squares",
            TrendTest::CochranArmitage => "Cochran–Armitage",
        }
    );
    if let Some(b) = &r.benchmark {
        s.push_str(&line(b));
        s.push('\n');
    }
    for a in &r.areas {
        s.push_str(&line(a));
    }
    s
}
