//! `weights`: build spatial weights for a geography, summarise them, optionally write GAL/GWT.

use super::indicator_data::{WeightsKind, weights_for};
use crate::analysis::weights::WeightsSummary;
use crate::data::Workspace;
use crate::data::{query, weights_io};
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct WeightsRequest {
    pub geography: String,
    pub kind: WeightsKind,
}

/// The JSON contract of `local-atlas weights --json`: the summary's fields (`n`, `links`,
/// `mean_neighbours`, `min_neighbours`, `max_neighbours`, `islands`, `histogram`, `components`,
/// `symmetric`) at the top level, plus what was built and where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct WeightsResponse {
    pub geography: String,
    pub kind: String,
    #[serde(flatten)]
    pub summary: WeightsSummary,
    pub out: Option<String>,
}

pub fn run(ws: &Workspace, req: &WeightsRequest, out: Option<&Path>) -> Result<WeightsResponse> {
    let areas = query::areas(ws, &req.geography)?;
    let w = weights_for(&areas, req.kind)?;
    if let Some(path) = out {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "gal" => weights_io::write_gal(&w, path)?,
            "gwt" => weights_io::write_gwt(&w, path)?,
            _ => {
                return Err(Error::Invalid(format!(
                    "{}: choose a .gal or .gwt file",
                    path.display()
                )));
            }
        }
    }
    Ok(WeightsResponse {
        geography: req.geography.clone(),
        kind: req.kind.to_string(),
        summary: w.summary(),
        out: out.map(|p| p.display().to_string()),
    })
}
