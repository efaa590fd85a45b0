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
    // Usage errors exit with 1 like every other refusal (clap's default is 2), so scripts and
    // the hostile-input tests see one failure code; help and version still exit 0.
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    cli::progress::handle_ctrl_c();
    let result = match args.command {
        None => open_default(),
        Some(_) => cli::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_cancelled(&e) => {
            eprintln!("stopped: nothing was written, the workspace is as it was");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("error: {}", report(&e));
            ExitCode::FAILURE
        }
    }
}

/// The command stopped because the user asked (Ctrl-C).
fn is_cancelled(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<local_atlas::error::Error>(),
            Some(local_atlas::error::Error::Cancelled)
        )
    })
}

/// The error as one line: each context, then the library's error, whose text already says
/// what its causes are (so they are not printed again: an OS or SQLite error appears once);
/// a cause whose text is already in the line is left out too.
fn report(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        if cause.is::<local_atlas::error::Error>() {
            break;
        }
    }
    text
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

#[cfg(test)]
mod tests {
    use super::report;

    #[test]
    fn the_library_error_is_printed_once_without_its_causes() {
        let sqlite = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            Some("UNIQUE constraint failed: t.x".into()),
        );
        let e = anyhow::Error::from(local_atlas::error::Error::Sqlite(sqlite)).context("import");
        let text = report(&e);
        assert_eq!(text, "import: SQLite: UNIQUE constraint failed: t.x");
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::from(io).context("reading x.csv: entity not found");
        assert_eq!(report(&e), "reading x.csv: entity not found");
    }
}
