//! `site`: service siting on the workspace (`analysis::siting`). Demand at area centroids (or a
//! population-weighted centroid layer) weighted by an indicator, optionally restricted to (or
//! multiplied up for) the most deprived areas; existing services fixed open; candidates from a
//! point layer or area centroids; reach by straight-line BNG metres or an imported matrix.
//! Reports the chosen sites, coverage before/after, the coverage curve, equity and each site's
//! reach; writes GeoJSON (sites) or CSV (demand areas) and can save per-area results.

mod capacity;
mod output;
mod report;

/// The siting model a request takes (re-exported for the front ends).
pub use crate::analysis::siting::Model;

use crate::analysis::ranking::{Worse, worst_share};
use crate::analysis::result_codes::SiteStatus;
use crate::analysis::siting::flow::Allocation;
use crate::analysis::siting::{Siting, Solution, SolveOptions, solve, transport};
use crate::analysis::weights::distance::centroids;
use crate::data::Workspace;
use crate::data::cost_matrix::{CostMatrix, read_cost_matrix};
use crate::data::crs::{Crs, Transformer};
use crate::data::indicator::Polarity;
use crate::data::query::{self, Area};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

/// Where sites (or demand points) come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PointSource {
    /// A point layer; ids from `field` (else `LAYER#n`, n = feature order from 1).
    Layer {
        layer: String,
        field: Option<String>,
    },
    /// Area centroids of `geography` (default: the demand geography); ids are area codes.
    Centroids { geography: Option<String> },
}

impl std::str::FromStr for PointSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (head, tail) = match s.split_once(':') {
            Some((h, t)) => (h, Some(t.to_string())),
            None => (s, None),
        };
        if head.is_empty() {
            return Err(format!(
                "'{s}' names no layer: use LAYER, LAYER:ID_FIELD, centroids or centroids:GEOGRAPHY"
            ));
        }
        Ok(if head == "centroids" {
            Self::Centroids { geography: tail }
        } else {
            Self::Layer {
                layer: head.to_string(),
                field: tail,
            }
        })
    }
}

/// The deprived areas: the X% most deprived by an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deprived {
    pub indicator: String,
    pub percent: f64,
    /// The indicator is a national rank (1 = most deprived) out of this many: deprived when
    /// rank ≤ of·X/100. Without it, the ⌈n·X/100⌉ worst areas of the workspace by polarity.
    pub of: Option<f64>,
    /// Multiply deprived areas' demand by this factor instead of dropping the others.
    pub multiply: Option<f64>,
}

impl std::str::FromStr for Deprived {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' should be CODE:PERCENT, e.g. imd_rank:30");
        let (code, pct) = s.split_once(':').ok_or_else(bad)?;
        let percent: f64 = pct.trim().parse().map_err(|_| bad())?;
        if code.is_empty() || !(percent > 0.0 && percent <= 100.0) {
            return Err(bad());
        }
        Ok(Self {
            indicator: code.to_string(),
            percent,
            of: None,
            multiply: None,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteRequest {
    pub geography: String,
    /// Demand weight indicator, or `areas` for one per area.
    pub demand: String,
    pub period: Option<String>,
    pub deprived: Option<Deprived>,
    /// Demand points (e.g. population-weighted centroids) as `LAYER:CODE_FIELD`.
    pub demand_points: Option<PointSource>,
    pub existing: Option<PointSource>,
    pub candidates: PointSource,
    pub reach_m: f64,
    /// A travel-time/distance matrix; then the reach is in its units.
    pub matrix: Option<PathBuf>,
    pub model: Model,
    pub heuristic: bool,
    pub work_limit: u64,
    /// The capacity of every site (in demand units, e.g. 800 under-5s), and the default where
    /// `capacity_field` is empty. The MCLP and the LSCP allocate demand to sites within reach
    /// up to their capacities (an area's demand may be split); the p-median assigns demand at
    /// least cost within them.
    pub capacity: Option<f64>,
    /// A field of the existing and candidate point layers holding each site's capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_field: Option<String>,
    /// Save per-area results as `<save>_site_status` (0 no demand, 1 not covered, 2 covered by the
    /// existing sites, 3 newly covered, 4 partly covered), `<save>_covered_before` and
    /// `<save>_covered` (shares of the demand served), `<save>_cost`.
    pub save: Option<String>,
    /// Write the chosen and existing sites (`.geojson`) or the demand areas (`.csv`) here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteOut {
    pub id: String,
    pub name: Option<String>,
    pub kind: String,
    pub easting: f64,
    pub northing: f64,
    pub longitude: f64,
    pub latitude: f64,
    /// Demand areas (with demand > 0) whose nearest open site this is (its catchment).
    pub areas: usize,
    pub demand: f64,
    /// Demand this site serves within reach: its catchment's demand within reach, or with
    /// capacities its share of the maximum-flow allocation (MCLP, LSCP) or of the least-cost
    /// assignment (p-median; `areas` and `demand` are then what it is assigned), ≤ its capacity.
    pub covered_demand: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
    /// With capacities enforced: the areas it serves some demand of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served_areas: Option<usize>,
    /// Codes of the demand areas whose demand it serves within reach: its reach area.
    pub covered_areas: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CurvePoint {
    pub new_sites: usize,
    pub covered: f64,
    pub share: f64,
    /// The best MCLP with this many new sites was proven optimal; else `bound` caps it.
    pub optimal: bool,
    pub bound: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Equity {
    pub deprived_areas: usize,
    pub deprived_demand: f64,
    pub other_demand: f64,
    pub deprived_share_covered_before: f64,
    pub deprived_share_covered_after: f64,
    pub other_share_covered_before: f64,
    pub other_share_covered_after: f64,
}

/// `site --json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteResponse {
    pub model: Model,
    pub geography: String,
    pub demand: String,
    pub reach: f64,
    pub reach_units: String,
    pub demand_areas: usize,
    pub areas_without_demand: usize,
    pub candidates: usize,
    pub chosen: Vec<SiteOut>,
    pub existing: Vec<SiteOut>,
    pub total_demand: f64,
    pub covered_before: f64,
    pub covered_after: f64,
    /// Site capacities were given and the model allocated demand within them (MCLP, LSCP).
    pub capacity_enforced: bool,
    /// p-median with capacities: demand no open site could take within its capacity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unserved_demand: Option<f64>,
    /// Areas with demand only partly served (capacities enforced).
    pub partly_covered_areas: usize,
    pub objective: f64,
    pub optimal: bool,
    pub gap: f64,
    pub bound: f64,
    pub method: String,
    pub work: u64,
    /// Demand-weighted mean cost to the nearest open site (after).
    pub mean_cost: Option<f64>,
    pub unreachable_areas: usize,
    pub coverage_curve: Vec<CurvePoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equity: Option<Equity>,
    pub out: Option<String>,
    pub saved: Vec<String>,
}

/// A site: id, name and BNG point.
pub(crate) struct SitePoint {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) xy: [f64; 2],
}

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

fn area_points(areas: &[Area]) -> Vec<SitePoint> {
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

fn indicator_values(
    ws: &Workspace,
    indicator: &str,
    geography: &str,
    period: Option<&str>,
) -> Result<HashMap<String, Option<f64>>> {
    query::indicator_meta(ws, indicator)?;
    let period = query::resolve_period(ws, indicator, geography, period)?;
    Ok(query::values(ws, indicator, geography, &period)?
        .into_iter()
        .map(|v| (v.area_code, v.value))
        .collect())
}

/// Deprived flags per area.
fn deprived_flags(
    ws: &Workspace,
    req: &SiteRequest,
    d: &Deprived,
    areas: &[Area],
) -> Result<Vec<bool>> {
    let values = indicator_values(ws, &d.indicator, &req.geography, req.period.as_deref())?;
    let v: Vec<Option<f64>> = areas
        .iter()
        .map(|a| values.get(&a.code).copied().flatten())
        .collect();
    Ok(match d.of {
        Some(of) => v
            .iter()
            .map(|r| r.is_some_and(|r| r <= of * d.percent / 100.0))
            .collect(),
        None => {
            let meta = query::indicator_meta(ws, &d.indicator)?;
            let worse = match meta.polarity {
                Polarity::HigherIsBetter => Worse::Low,
                Polarity::LowerIsBetter => Worse::High,
                Polarity::Neutral => {
                    return Err(Error::Invalid(format!(
                        "indicator '{}' is neutral, so its most deprived end is unknown; use a score or rank with a polarity",
                        d.indicator
                    )));
                }
            };
            worst_share(&v, d.percent, worse)
        }
    })
}

/// Runs the siting model (and writes/saves when asked).
pub fn run(ws: &Workspace, req: &SiteRequest, feedback: &dyn Feedback) -> Result<SiteResponse> {
    if !(req.reach_m.is_finite() && req.reach_m >= 0.0) {
        return Err(Error::Invalid(format!(
            "the reach must be a distance ≥ 0, got {}",
            req.reach_m
        )));
    }
    feedback.stage("loading demand and sites");
    let areas = query::areas(ws, &req.geography)?;
    let base_demand: Vec<Option<f64>> = if req.demand == "areas" {
        vec![Some(1.0); areas.len()]
    } else {
        let v = indicator_values(ws, &req.demand, &req.geography, req.period.as_deref())?;
        areas
            .iter()
            .map(|a| v.get(&a.code).copied().flatten())
            .collect()
    };
    if let Some((a, v)) = areas
        .iter()
        .zip(&base_demand)
        .find(|(_, v)| v.is_some_and(|v| !(v.is_finite() && v >= 0.0)))
    {
        return Err(Error::Invalid(format!(
            "demand indicator '{}' has value {:?} for {}: demand must be ≥ 0",
            req.demand, v, a.code
        )));
    }
    let without_demand = base_demand.iter().filter(|v| v.is_none()).count();
    let deprived = match &req.deprived {
        Some(d) => Some(deprived_flags(ws, req, d, &areas)?),
        None => None,
    };
    let demand: Vec<f64> = base_demand
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v.unwrap_or(0.0);
            match (&req.deprived, &deprived) {
                (Some(d), Some(flags)) => match (flags[i], d.multiply) {
                    (true, Some(f)) => v * f,
                    (true, None) => v,
                    (false, Some(_)) => v,
                    (false, None) => 0.0,
                },
                _ => v,
            }
        })
        .collect();
    let demand_xy: Vec<[f64; 2]> = match &req.demand_points {
        Some(PointSource::Centroids { geography: Some(g) }) if *g != req.geography => {
            return Err(Error::Invalid(format!(
                "demand sits at the centroids of '{}' itself, not of '{g}': drop --demand-points or give a point layer LAYER:CODE_FIELD",
                req.geography
            )));
        }
        None | Some(PointSource::Centroids { .. }) => {
            area_points(&areas).iter().map(|p| p.xy).collect()
        }
        Some(PointSource::Layer { layer, field }) => {
            let field = field.as_deref().ok_or_else(|| {
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
            areas.iter().map(|a| pts[&a.code]).collect()
        }
    };
    let existing = match &req.existing {
        Some(src) => load_sites(ws, src, &req.geography)?,
        None => Vec::new(),
    };
    let candidates = load_sites(ws, &req.candidates, &req.geography)?;
    if candidates.is_empty() {
        return Err(Error::Invalid("there are no candidate sites".into()));
    }
    let sites: Vec<&SitePoint> = existing.iter().chain(&candidates).collect();
    let matrix: Option<CostMatrix> = match &req.matrix {
        Some(p) => Some(read_cost_matrix(p)?),
        None => None,
    };
    let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let mut cost = Vec::with_capacity(areas.len() * sites.len());
    for (i, xy) in demand_xy.iter().enumerate() {
        for s in &sites {
            cost.push(match &matrix {
                Some(m) => m.get(codes[i], &s.id).unwrap_or(f64::INFINITY),
                None => ((xy[0] - s.xy[0]).powi(2) + (xy[1] - s.xy[1]).powi(2)).sqrt(),
            });
        }
    }
    if let Some(m) = &matrix
        && !sites
            .iter()
            .any(|s| codes.iter().any(|c| m.get(c, &s.id).is_some()))
    {
        return Err(Error::Invalid(format!(
            "the matrix pairs no area of '{}' with any site id (site ids here look like '{}'): check its origin and site columns",
            req.geography,
            sites.first().map(|s| s.id.as_str()).unwrap_or("")
        )));
    }
    let fixed: Vec<bool> = (0..sites.len()).map(|j| j < existing.len()).collect();
    let capacities = capacity::site_capacities(ws, req, (existing.len(), candidates.len()))?;
    let mut problem = Siting::new(demand.clone(), cost, sites.len(), fixed, req.reach_m)?;
    let enforced = capacities.is_some();
    if let (true, Some(caps)) = (enforced, &capacities) {
        problem = problem.with_capacity(caps.clone())?;
    }
    let opts = SolveOptions {
        heuristic_only: req.heuristic,
        work_limit: req.work_limit,
    };
    feedback.stage("solving");
    let solution: Solution = solve(&problem, req.model, &opts)?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    feedback.stage("coverage curve");
    let curve_max = match req.model {
        Model::Mclp { p } | Model::Pmedian { p } => p,
        Model::Lscp { .. } => solution.open.len(),
    };
    let total = problem.total_demand();
    let share = |c: f64| if total > 0.0 { c / total } else { 0.0 };
    let mut coverage_curve = Vec::new();
    // Each point is an MCLP of its own, on a thousandth of the budget: a curve with many
    // points stays quick, and a point not proven optimal says so (with its bound).
    let curve_opts = SolveOptions {
        work_limit: opts.work_limit / 1000,
        ..opts
    };
    for k in 0..=curve_max {
        let s = if k == curve_max && matches!(req.model, Model::Mclp { .. }) {
            solution.clone()
        } else {
            solve(&problem, Model::Mclp { p: k }, &curve_opts)?
        };
        let covered = problem.coverage(&s.open);
        coverage_curve.push(CurvePoint {
            new_sites: k,
            covered,
            share: share(covered),
            optimal: s.optimal,
            bound: s.bound,
        });
    }
    let served_before = problem.served(&[]);
    let served_after = problem.served(&solution.open);
    let before = report::shares(&served_before, &demand);
    let after = report::shares(&served_after, &demand);
    let pmedian = matches!(req.model, Model::Pmedian { .. });
    // The p-median's own allocation with capacities: the least-cost assignment within them.
    let transport = (enforced && pmedian).then(|| transport::assign(&problem, &solution.open));
    let assignment = match &transport {
        Some(t) => report::main_parts(&problem, t),
        None => problem.assign(&solution.open),
    };
    let allocation =
        (enforced && !pmedian).then(|| Allocation::with_open(&problem, &solution.open));
    let to_wgs = Transformer::new(Crs::Bng, Crs::Wgs84)?;
    let per_site = report::Sites {
        problem: &problem,
        codes: &codes,
        sites: &sites,
        demand: &demand,
        assignment: &assignment,
        reach: req.reach_m,
        capacities: capacities.as_deref(),
        allocation: allocation.as_ref(),
        transport: transport.as_ref(),
        to_wgs: &to_wgs,
    };
    let chosen = solution
        .open
        .iter()
        .map(|&j| per_site.out(j, "new"))
        .collect::<Result<Vec<_>>>()?;
    let existing_out = (0..existing.len())
        .map(|j| per_site.out(j, "existing"))
        .collect::<Result<Vec<_>>>()?;
    let reachable: Vec<(f64, f64)> = assignment
        .iter()
        .zip(&demand)
        .filter_map(|(a, d)| a.map(|(_, c)| (c, *d)))
        .collect();
    let reach_demand: f64 = reachable.iter().map(|(_, d)| d).sum();
    let mean_cost = (reach_demand > 0.0)
        .then(|| reachable.iter().map(|(c, d)| c * d).sum::<f64>() / reach_demand);
    let equity = deprived.as_ref().map(|flags| {
        let base: Vec<f64> = base_demand.iter().map(|v| v.unwrap_or(0.0)).collect();
        report::equity(flags, &base, &before, &after)
    });
    let status = report::status(&demand, &before, &after);
    let reach_units = match &matrix {
        Some(m) => m.cost_column.clone(),
        None => "m".to_string(),
    };
    let mut response = SiteResponse {
        model: req.model,
        geography: req.geography.clone(),
        demand: req.demand.clone(),
        reach: req.reach_m,
        reach_units,
        demand_areas: demand.iter().filter(|d| **d > 0.0).count(),
        areas_without_demand: without_demand,
        candidates: candidates.len(),
        chosen,
        existing: existing_out,
        total_demand: total,
        covered_before: served_before.iter().sum::<f64>() + 0.0,
        covered_after: served_after.iter().sum::<f64>() + 0.0,
        capacity_enforced: enforced,
        unserved_demand: transport.as_ref().map(|t| t.unserved),
        partly_covered_areas: status
            .iter()
            .filter(|s| **s == SiteStatus::PartlyCovered.code().code as f64)
            .count(),
        objective: solution.objective,
        optimal: solution.optimal,
        gap: solution.gap,
        bound: solution.bound,
        method: solution.method.to_string(),
        work: solution.work,
        mean_cost,
        unreachable_areas: assignment
            .iter()
            .zip(&demand)
            .filter(|(a, d)| a.is_none() && **d > 0.0)
            .count(),
        coverage_curve,
        equity,
        out: None,
        saved: Vec::new(),
    };
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    if let Some(path) = &req.out {
        output::write_out(
            path,
            &response,
            &codes,
            &demand,
            deprived.as_deref(),
            &before,
            &after,
            &assignment,
            &sites,
        )?;
        response.out = Some(path.display().to_string());
    }
    if let Some(name) = &req.save {
        response.saved = output::save(
            ws,
            req,
            name,
            &codes,
            &status,
            &before,
            &after,
            &assignment,
            &sites,
        )?;
    }
    Ok(response)
}
