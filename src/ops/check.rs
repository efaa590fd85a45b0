//! `check`: the full check of a workspace, which reads every page (opening does not, so that it
//! costs the same however big the file is). See `data::workspace_integrity` for what is checked.

use crate::data::Workspace;
use crate::data::workspace_integrity;
use crate::error::Result;
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};

pub use crate::data::workspace_integrity::Problem;

/// A `check` request (nothing to choose yet: every check runs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckRequest {}

/// What the check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResponse {
    pub workspace: String,
    /// True when nothing is wrong.
    pub ok: bool,
    pub problems: Vec<Problem>,
    /// What to do when something is wrong (empty when `ok`).
    pub recovery: String,
}

/// How to recover a workspace the check found damaged.
pub const RECOVERY: &str = "restore the workspace from a backup; or save what SQLite can still \
read into a new file with `sqlite3 WS.gpkg \"VACUUM INTO 'copy.gpkg'\"` (or `.recover`) and run \
`local-atlas check copy.gpkg`";

/// Runs every check of `data::workspace_integrity`, reporting stages and progress.
pub fn run(ws: &Workspace, _req: &CheckRequest, feedback: &dyn Feedback) -> Result<CheckResponse> {
    let problems = workspace_integrity::check(ws, feedback)?;
    let ok = problems.is_empty();
    Ok(CheckResponse {
        workspace: ws.path().display().to_string(),
        ok,
        problems,
        recovery: if ok { String::new() } else { RECOVERY.into() },
    })
}
