//! The demand `site` serves, per area of the request's geography: its weight (an indicator, or
//! one per area), checked to be ≥ 0; restricted to (or multiplied up for) the most deprived
//! areas when asked; and the point it sits at (the area's centroid or a demand point layer).

use super::{Deprived, PointSource, SiteRequest, area_values, deprived, sites::area_points};
use crate::data::Workspace;
use crate::data::query::{self, Area};
use crate::error::{Error, Result};
use std::collections::HashMap;

/// The demand of a request, per area (in the order of `query::areas`).
pub(super) struct Demand {
    /// The demand indicator's value (`None` where the area has none), before any weighting.
    pub(super) base: Vec<Option<f64>>,
    /// Whether each area is among the most deprived, when the request asks for them.
    pub(super) deprived: Option<Vec<bool>>,
    /// The demand the model serves: the base (0 where missing), weighted for the deprived.
    pub(super) weights: Vec<f64>,
    /// Where each area's demand sits (BNG).
    pub(super) xy: Vec<[f64; 2]>,
}

impl Demand {
    /// Reads and checks the demand of `areas`: the base demand first (an error names the first
    /// area with a negative or non-finite value), then the deprived flags, then the points.
    pub(super) fn load(ws: &Workspace, req: &SiteRequest, areas: &[Area]) -> Result<Self> {
        let base = base_demand(ws, req, areas)?;
        check_non_negative(req, areas, &base)?;
        let deprived = match &req.deprived {
            Some(d) => Some(deprived::flags(ws, req, d, areas)?),
            None => None,
        };
        let weights = weighted(&base, req.deprived.as_ref().zip(deprived.as_deref()));
        let xy = demand_points(ws, req, areas)?;
        Ok(Self {
            base,
            deprived,
            weights,
            xy,
        })
    }

    /// The areas the demand indicator has no value for.
    pub(super) fn without_demand(&self) -> usize {
        self.base.iter().filter(|v| v.is_none()).count()
    }

    /// The areas with some demand to serve (after the deprived weighting).
    pub(super) fn with_demand(&self) -> usize {
        self.weights.iter().filter(|d| **d > 0.0).count()
    }

    /// The base demand with 0 where it is missing: what equity is measured in (the deprived
    /// multiplier left out).
    pub(super) fn base_or_zero(&self) -> Vec<f64> {
        self.base.iter().map(|v| v.unwrap_or(0.0)).collect()
    }
}

/// Each area's demand: one per area for `areas`, else the demand indicator's value.
fn base_demand(ws: &Workspace, req: &SiteRequest, areas: &[Area]) -> Result<Vec<Option<f64>>> {
    if req.demand == "areas" {
        Ok(vec![Some(1.0); areas.len()])
    } else {
        area_values(ws, &req.demand, req, areas)
    }
}

/// Refuses a negative or non-finite demand, naming the first area that has one.
fn check_non_negative(req: &SiteRequest, areas: &[Area], base: &[Option<f64>]) -> Result<()> {
    match areas
        .iter()
        .zip(base)
        .find(|(_, v)| v.is_some_and(|v| !(v.is_finite() && v >= 0.0)))
    {
        Some((a, v)) => Err(Error::Invalid(format!(
            "demand indicator '{}' has value {:?} for {}: demand must be ≥ 0",
            req.demand, v, a.code
        ))),
        None => Ok(()),
    }
}

/// The demand the model serves: with deprived areas asked for, the others' demand dropped
/// (or, with a multiplier, the deprived areas' demand multiplied and the others' kept).
fn weighted(base: &[Option<f64>], deprived: Option<(&Deprived, &[bool])>) -> Vec<f64> {
    base.iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v.unwrap_or(0.0);
            match deprived {
                Some((d, flags)) => match (flags[i], d.multiply) {
                    (true, Some(f)) => v * f,
                    (true, None) => v,
                    (false, Some(_)) => v,
                    (false, None) => 0.0,
                },
                None => v,
            }
        })
        .collect()
}

/// Where each area's demand sits: its centroid, or its point in a demand point layer.
fn demand_points(ws: &Workspace, req: &SiteRequest, areas: &[Area]) -> Result<Vec<[f64; 2]>> {
    match &req.demand_points {
        Some(PointSource::Centroids { geography: Some(g) }) if *g != req.geography => {
            Err(Error::Invalid(format!(
                "demand sits at the centroids of '{}' itself, not of '{g}': drop --demand-points or give a point layer LAYER:CODE_FIELD",
                req.geography
            )))
        }
        None | Some(PointSource::Centroids { .. }) => {
            Ok(area_points(areas).iter().map(|p| p.xy).collect())
        }
        Some(PointSource::Layer { layer, field }) => {
            layer_points(ws, req, areas, layer, field.as_deref())
        }
    }
}

/// Each area's point in the demand point layer `layer`, found by the area code its `field`
/// holds; every area must have one.
fn layer_points(
    ws: &Workspace,
    req: &SiteRequest,
    areas: &[Area],
    layer: &str,
    field: Option<&str>,
) -> Result<Vec<[f64; 2]>> {
    let field = field.ok_or_else(|| {
        Error::Invalid(format!(
            "demand points need the field holding area codes: --demand-points {layer}:FIELD"
        ))
    })?;
    let pts: HashMap<String, [f64; 2]> = query::labelled_points(ws, layer, Some(field))?
        .into_iter()
        .filter_map(|(p, l)| l.map(|l| (l, [p.x(), p.y()])))
        .collect();
    let missing: Vec<&str> = areas
        .iter()
        .filter(|a| !pts.contains_key(&a.code))
        .map(|a| a.code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "demand point layer '{layer}' has no point for {} area(s) of '{}' (e.g. {})",
            missing.len(),
            req.geography,
            missing
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(areas.iter().map(|a| pts[&a.code]).collect())
}
