//! `sample`: (re)build the Greater Manchester sample project from seeds/.

use super::progress;
use super::shared::print;
use anyhow::{Context, Result};
use local_atlas::ops::sample;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to build it in (default: sample_projects/greater-manchester).
    pub dir: Option<PathBuf>,
    /// Folder holding the seed files (default: seeds/ of this source tree).
    #[arg(long)]
    pub seeds: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let dir = a.dir.unwrap_or_else(sample::default_project_dir);
    let seeds = a.seeds.unwrap_or_else(sample::seeds_dir);
    let bar = progress::Bar::new();
    let path = sample::build(&dir, &seeds, &bar).context("building the sample project")?;
    drop(bar);
    print(&format!("built sample workspace {}", path.display()))
}
