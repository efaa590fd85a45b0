//! `geography rename`: a geography's display name, shown instead of its short name in the
//! app, on maps and in reports.

use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use clap::Subcommand;
use local_atlas::ops::{Workspace, geography};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Give a geography the name readers see (e.g. "Neighbourhood (LSOA 2011)"); an empty
    /// title restores the default from its ONS code ("LSOA (2011)").
    Rename(RenameArgs),
}

#[derive(clap::Args, Debug)]
pub struct RenameArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The geography's short name (e.g. lsoa11).
    pub geography: String,
    /// The display name.
    #[arg(long)]
    pub title: String,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(c: Command) -> Result<()> {
    match c {
        Command::Rename(a) => {
            let ws = Workspace::open(&a.ws.workspace)?;
            let r = geography::rename(&ws, &a.geography, &a.title)?;
            a.json.emit(&r, || {
                format!("{} is now shown as \"{}\"", r.geography, r.title)
            })
        }
    }
}
