//! `area`: every indicator of one area at its latest period, and the areas it lies in with
//! their values (the app's area card).

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::area_card::{self, AreaCard, AreaRef, CardValue};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The area's code (e.g. E05000811); `find` looks codes up by name.
    pub code: String,
    /// The geography, when the code is in more than one.
    #[arg(long)]
    pub geography: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let card = area_card::area_card(&ws, &a.code, a.geography.as_deref())?;
    a.json.emit(&card, || text(&card))
}

fn heading(a: &AreaRef) -> String {
    match &a.name {
        Some(n) => format!("{n} ({}, {})", a.code, a.geography_title),
        None => format!("{} ({})", a.code, a.geography_title),
    }
}

fn rows(s: &mut String, values: &[CardValue]) {
    if values.is_empty() {
        s.push_str("  no indicator values\n");
    }
    for v in values {
        s.push_str(&format!("  {:<52} {:>8}  {}\n", v.title, v.period, v.shown));
    }
}

fn text(card: &AreaCard) -> String {
    let mut s = format!("{}\n", heading(&card.area));
    rows(&mut s, &card.values);
    for p in &card.parents {
        s.push_str(&format!("\nin {}\n", heading(&p.area)));
        rows(&mut s, &p.values);
    }
    s.trim_end().to_string()
}
