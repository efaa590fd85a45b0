//! `find`: one search over every geography's area names and codes and the indicators.

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::find::{self, FindResponse, FoundKind};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Part of an area's name or code, or of an indicator's title or code (e.g. Fallowfield).
    pub text: String,
    /// The most results listed.
    #[arg(long, default_value_t = find::DEFAULT_LIMIT)]
    pub limit: usize,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let r = find::find(&ws, &a.text, a.limit)?;
    a.json.emit(&r, || text(&r))
}

fn text(r: &FindResponse) -> String {
    if r.results.is_empty() {
        return format!(
            "no match for '{}' in any geography's area names or codes, or the indicators",
            r.query
        );
    }
    let mut s = String::new();
    for f in &r.results {
        let what = match f.kind {
            FoundKind::Area => f.geography_title.clone(),
            FoundKind::Indicator => format!("indicator ({})", f.geography_title),
            FoundKind::Postcode => format!("postcode, in {}", f.geography_title),
        };
        s.push_str(&format!("{:<28} {:<12} {}\n", what, f.code, f.name));
    }
    if r.more > 0 {
        s.push_str(&format!("… and {} more (--limit to list more)\n", r.more));
    }
    s.trim_end().to_string()
}
