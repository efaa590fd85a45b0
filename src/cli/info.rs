//! `info`: what a workspace holds (geographies, indicators, layers, recipes).

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::catalog::{self, WorkspaceInfo};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let info = catalog::info(&ws)?;
    a.json.emit(&info, || text(&info))
}

fn text(info: &WorkspaceInfo) -> String {
    let mut s = format!("schema version {}\n\ngeographies:\n", info.schema_version);
    for g in &info.geographies {
        s.push_str(&format!(
            "  {:<16} {:>7} areas  {}  {}\n",
            g.name, g.areas, g.crs, g.title
        ));
    }
    s.push_str("\nindicators:\n");
    for i in &info.indicators {
        s.push_str(&format!(
            "  {:<22} {:<14} {:<10} [{}]  {}\n",
            i.code,
            i.theme,
            i.geography,
            i.periods.join(", "),
            i.title
        ));
    }
    s.push_str("\nlayers:\n");
    for l in &info.layers {
        s.push_str(&format!("  {:<16} {:>7} {}\n", l.name, l.features, l.kind));
    }
    s.push_str("\nmap recipes:\n");
    for r in &info.recipes {
        s.push_str(&format!("  {r}\n"));
    }
    if !info.benchmarks.is_empty() {
        s.push_str("\nbenchmarks (no boundaries; `compare --benchmark CODE`):\n");
        for b in &info.benchmarks {
            s.push_str(&format!(
                "  {:<16} {:>7} values  {}\n",
                b.code,
                b.values,
                b.name.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(p) = &info.postcodes {
        s.push_str(&format!(
            "\npostcodes: {} ({}, {} postcodes)\n",
            p.release, p.format, p.postcodes
        ));
    }
    s
}
