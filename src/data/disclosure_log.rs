//! The log of outputs written with disclosure control off (`--disclosure off --reason TEXT`):
//! when, by which command, of which indicators, to which file, and why. Writing a row touches
//! this table only, never the values.

use super::workspace::Workspace;
use crate::error::Result;

/// One logged override.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LogEntry {
    pub at: String,
    pub command: String,
    /// Indicator codes, comma-separated.
    pub indicators: String,
    pub output: String,
    pub reason: String,
}

/// Records one override.
pub fn record(
    ws: &Workspace,
    command: &str,
    indicators: &[&str],
    output: &str,
    reason: &str,
) -> Result<()> {
    ws.write(|tx| {
        tx.execute(
            "INSERT INTO atlas_disclosure_log (at, command, indicators, output, reason) \
             VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1, ?2, ?3, ?4)",
            (command, indicators.join(","), output, reason),
        )?;
        Ok(())
    })
}

/// Every logged override, oldest first.
pub fn entries(ws: &Workspace) -> Result<Vec<LogEntry>> {
    let mut stmt = ws.conn().prepare(
        "SELECT at, command, indicators, output, reason FROM atlas_disclosure_log ORDER BY id",
    )?;
    let out = stmt
        .query_map([], |r| {
            Ok(LogEntry {
                at: r.get(0)?,
                command: r.get(1)?,
                indicators: r.get(2)?,
                output: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}
