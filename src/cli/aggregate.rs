//! `aggregate`: re-aggregate an indicator to a higher geography through a lookup.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::aggregate::{self, AggregateRequest};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[arg(long)]
    pub indicator: String,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    /// Weight indicator for a weighted mean (e.g. population); without it values are summed.
    #[arg(long)]
    pub weight: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let spinner = progress::Spinner::start("aggregating");
    let req = AggregateRequest {
        indicator: a.indicator,
        from: a.from,
        to: a.to,
        weight: a.weight,
    };
    let r = aggregate::run(&ws, &req, &spinner)?;
    drop(spinner);
    a.json.emit(&r, || {
        format!(
            "aggregated {} from {} to {} ({:?}): {} areas for period(s) {}, {} without a value because a member was missing",
            r.indicator,
            r.from,
            r.to,
            r.method,
            r.groups,
            r.periods.join(", "),
            r.groups_missing
        )
    })
}
