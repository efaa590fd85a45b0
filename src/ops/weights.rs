//! `weights`: build spatial weights for a geography, summarise them, optionally write GAL/GWT.

use super::indicator_data::{WeightsKind, weights_for};
use crate::analysis::weights::WeightsSummary;
use crate::data::Workspace;
use crate::data::{query, weights_io};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightsRequest {
    pub geography: String,
    pub kind: WeightsKind,
    /// Write the weights to this file (`.gal` or `.gwt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<PathBuf>,
}

/// The JSON contract of `local-atlas weights --json`: the summary's fields (`n`, `links`,
/// `mean_neighbours`, `min_neighbours`, `max_neighbours`, `islands`, `histogram`, `components`,
/// `symmetric`) at the top level, plus what was built and where it was written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightsResponse {
    pub geography: String,
    pub kind: String,
    #[serde(flatten)]
    pub summary: WeightsSummary,
    pub out: Option<String>,
}

/// Builds the weights (and writes them to `req.out` when given).
pub fn run(
    ws: &Workspace,
    req: &WeightsRequest,
    feedback: &dyn Feedback,
) -> Result<WeightsResponse> {
    feedback.stage("building the spatial weights");
    let areas = query::areas(ws, &req.geography)?;
    let w = weights_for(&areas, req.kind)?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    if let Some(path) = &req.out {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "gal" => weights_io::write_gal(&w, path)?,
            "gwt" => weights_io::write_gwt(&w, path)?,
            _ => {
                return Err(Error::output_format(path, "choose a .gal or .gwt file"));
            }
        }
    }
    Ok(WeightsResponse {
        geography: req.geography.clone(),
        kind: req.kind.to_string(),
        summary: w.summary(),
        out: req.out.as_ref().map(|p| p.display().to_string()),
    })
}
