//! `local-atlas`: with no arguments opens the desktop app on the sample project; otherwise
//! runs a headless sub-command.

mod cli;

/// mimalloc keeps freed memory mapped, so the map's per-frame mesh buffers cost no page faults.
#[cfg(feature = "gui")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        None => open_default(),
        Some(_) => cli::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "gui")]
fn open_default() -> anyhow::Result<()> {
    open_gui(None)
}

#[cfg(not(feature = "gui"))]
fn open_default() -> anyhow::Result<()> {
    anyhow::bail!(
        "this build has no desktop app (built without the `gui` feature); run `local-atlas --help` for the commands"
    )
}

/// Opens the desktop app on `workspace`, or on the sample project (built on first start).
#[cfg(feature = "gui")]
pub fn open_gui(workspace: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let path = match workspace {
        Some(p) => p,
        None => local_atlas::ops::sample::ensure_sample(&local_atlas::ops::Silent)?,
    };
    Ok(local_atlas::ui::run(&path)?)
}
