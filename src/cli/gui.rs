//! `gui`: open the desktop app on a workspace.

use anyhow::Result;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    pub workspace: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    crate::open_gui(a.workspace)
}
