//! `check`: the full integrity check of a workspace (exit code 1 when anything is wrong).

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::check::{self, CheckRequest, CheckResponse};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let bar = progress::Bar::new();
    let r = check::run(&ws, &CheckRequest::default(), &bar)?;
    drop(bar);
    a.json.emit(&r, || text(&r))?;
    if !r.ok {
        anyhow::bail!(
            "workspace {}: {} problem(s) found; {}",
            r.workspace,
            r.problems.len(),
            r.recovery
        );
    }
    Ok(())
}

fn text(r: &CheckResponse) -> String {
    if r.ok {
        return format!(
            "workspace {}: ok (SQLite integrity, foreign keys, GeoPackage tables, every geometry, every value's area)",
            r.workspace
        );
    }
    let mut s = format!("workspace {}: problems found", r.workspace);
    for p in &r.problems {
        s.push_str(&format!("\n  {}: {}", p.check, p.detail));
    }
    s
}
