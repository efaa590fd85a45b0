//! `aggregate-points`: count the points of a point layer in each area of a geography and store
//! the counts as indicators.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::aggregate_points::{
    self, AggregatePointsReport, AggregatePointsRequest, PeriodFormat,
};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The point layer whose points are counted.
    #[arg(long)]
    pub layer: String,
    /// The geography whose areas the points are counted in (e.g. lsoa11).
    #[arg(long)]
    pub geography: String,
    /// The indicator code to store the counts as (with --by, the prefix: CODE_<category>).
    #[arg(long)]
    pub indicator: String,
    /// A field of the layer: one indicator per category of it.
    #[arg(long)]
    pub by: Option<String>,
    /// A date field of the layer: one period per year or month of it.
    #[arg(long)]
    pub period_field: Option<String>,
    /// YYYY (per year) or YYYY-MM (per month), with --period-field.
    #[arg(long, value_parser = parse_format)]
    pub period_format: Option<PeriodFormat>,
    /// The period of the counts without --period-field (default "all").
    #[arg(long)]
    pub period: Option<String>,
    /// The indicator's title (default "<layer> count").
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

fn parse_format(text: &str) -> Result<PeriodFormat, String> {
    PeriodFormat::parse(text).ok_or_else(|| format!("'{text}' is not YYYY or YYYY-MM"))
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = AggregatePointsRequest {
        layer: a.layer,
        geography: a.geography,
        indicator: a.indicator,
        by: a.by,
        period_field: a.period_field,
        period_format: a.period_format,
        period: a.period,
        title: a.title,
    };
    let spinner = progress::Spinner::start("counting points");
    let r = aggregate_points::run(&ws, &req, &spinner);
    drop(spinner);
    let r = r?;
    a.json.emit(&r, || text(&r))
}

/// The short report.
fn text(r: &AggregatePointsReport) -> String {
    let mut lines = vec![format!(
        "counted {} points of layer '{}' in the {} areas of '{}': {} in an area, {} outside every area, {} skipped (no usable position)",
        r.points, r.layer, r.areas, r.geography, r.assigned, r.outside.count, r.skipped.count
    )];
    lines.push(format!("period(s): {}", r.periods.join(", ")));
    for i in &r.indicators {
        let category = match &i.category {
            Some(c) if c.is_empty() => " (empty category)".to_string(),
            Some(c) => format!(" ({c})"),
            None => String::new(),
        };
        let merged = if i.merged.is_empty() {
            String::new()
        } else {
            format!(", with {}", i.merged.join(", "))
        };
        lines.push(format!(
            "  {}{category}{merged}: {} points",
            i.code, i.points
        ));
    }
    lines.push(format!(
        "{} values written; {} area(s) had no point (stored as 0)",
        r.values, r.zero_areas
    ));
    if !r.outside.examples.is_empty() {
        let ex: Vec<String> = r
            .outside
            .examples
            .iter()
            .map(|e| format!("feature {} at ({:.0}, {:.0})", e.fid, e.easting, e.northing))
            .collect();
        lines.push(format!("outside, e.g.: {}", ex.join("; ")));
    }
    if !r.skipped.examples.is_empty() {
        let ex: Vec<String> = r.skipped.examples.iter().map(|f| f.to_string()).collect();
        lines.push(format!("skipped, e.g. feature(s) {}", ex.join(", ")));
    }
    lines.join("\n")
}
