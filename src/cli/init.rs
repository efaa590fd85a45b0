//! `init`: create an empty workspace.

use super::shared::{WorkspaceArg, print};
use anyhow::Result;
use local_atlas::ops::Workspace;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

pub fn run(a: Args) -> Result<()> {
    Workspace::create(&a.ws.workspace)?;
    print(&format!("created workspace {}", a.ws.workspace.display()))
}
