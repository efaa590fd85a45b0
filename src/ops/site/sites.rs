//! The sites of a `site` request: the existing services (kept open) and the candidates, each
//! from a point layer or from area centroids.

use super::{PointSource, SiteRequest};
use crate::analysis::weights::distance::centroids;
use crate::data::Workspace;
use crate::data::query::{self, Area};
use crate::error::{Error, Result};

/// A site: id, name and BNG point.
pub(crate) struct SitePoint {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) xy: [f64; 2],
}

/// The existing sites and the candidates.
pub(super) struct SiteLists {
    pub(super) existing: Vec<SitePoint>,
    pub(super) candidates: Vec<SitePoint>,
}

impl SiteLists {
    /// Loads the existing sites (none unless asked) and the candidates, of which there must
    /// be at least one.
    pub(super) fn load(ws: &Workspace, req: &SiteRequest) -> Result<Self> {
        let existing = match &req.existing {
            Some(src) => load_sites(ws, src, &req.geography)?,
            None => Vec::new(),
        };
        let candidates = load_sites(ws, &req.candidates, &req.geography)?;
        if candidates.is_empty() {
            return Err(Error::Invalid("there are no candidate sites".into()));
        }
        Ok(Self {
            existing,
            candidates,
        })
    }

    /// Every site in the model's order: the existing ones first, then the candidates.
    pub(super) fn all(&self) -> Vec<&SitePoint> {
        self.existing.iter().chain(&self.candidates).collect()
    }
}

/// The sites of one source; a layer's ids come from its field, else `LAYER#n`.
fn load_sites(ws: &Workspace, source: &PointSource, default_geo: &str) -> Result<Vec<SitePoint>> {
    match source {
        PointSource::Centroids { geography } => {
            let geo = geography.as_deref().unwrap_or(default_geo);
            let areas = query::areas(ws, geo)?;
            Ok(area_points(&areas))
        }
        PointSource::Layer { layer, field } => {
            let pts = query::labelled_points(ws, layer, field.as_deref())?;
            Ok(pts
                .into_iter()
                .enumerate()
                .map(|(k, (p, label))| SitePoint {
                    id: label.unwrap_or_else(|| format!("{layer}#{}", k + 1)),
                    name: None,
                    xy: [p.x(), p.y()],
                })
                .collect())
        }
    }
}

/// The areas' centroids as points, with the areas' codes and names.
pub(super) fn area_points(areas: &[Area]) -> Vec<SitePoint> {
    let polys: Vec<_> = areas.iter().map(|a| a.geometry_bng.clone()).collect();
    areas
        .iter()
        .zip(centroids(&polys))
        .map(|(a, xy)| SitePoint {
            id: a.code.clone(),
            name: a.name.clone(),
            xy,
        })
        .collect()
}
