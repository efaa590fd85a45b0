//! What every command shares: the workspace argument, the `--json` switch, printing a result,
//! and reading value names whatever their case (`--page A4`, `--method Jenks`).

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

/// The workspace a command works on.
#[derive(Args, Debug, Clone)]
pub struct WorkspaceArg {
    pub workspace: PathBuf,
}

/// The indicator a command reads: `--geography`, `--indicator` and an optional `--period`.
#[derive(Args, Debug, Clone)]
pub struct IndicatorArg {
    /// The geography the values belong to (e.g. lsoa11).
    #[arg(long)]
    pub geography: String,
    /// The indicator's code (`local-atlas info` lists them).
    #[arg(long)]
    pub indicator: String,
    /// Period (default: the latest).
    #[arg(long)]
    pub period: Option<String>,
}

/// The `--json` switch: print the result as JSON (the stable contract) instead of text.
#[derive(Args, Debug, Clone, Copy)]
pub struct JsonArg {
    #[arg(long)]
    pub json: bool,
}

impl JsonArg {
    /// Prints `value` as pretty JSON with `--json`, else the text `text` makes.
    pub fn emit<T: Serialize>(self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        let body = if self.json {
            serde_json::to_string_pretty(value)?
        } else {
            text()
        };
        print(&body)
    }
}

/// Writes one line to stdout; a closed pipe (e.g. `| head`) is not an error worth reporting.
pub fn print(body: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{body}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Parses a value name in any case (users type `Jenks`, `PNG`, `LISA`).
pub fn any_case<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, String> {
    text.to_ascii_lowercase().parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use local_atlas::ops::classify::Method;
    use local_atlas::ops::stats::Statistic;

    #[test]
    fn value_names_are_read_in_any_case() {
        assert_eq!(any_case::<Method>("Jenks"), Ok(Method::Jenks));
        assert_eq!(any_case::<Method>("QUANTILE"), Ok(Method::Quantile));
        assert!(any_case::<Method>("nonsense").is_err());
        assert!(matches!(any_case::<Statistic>("LISA"), Ok(Statistic::Lisa)));
    }
}
