//! `site`: service siting on the workspace (`analysis::siting`). Demand at area centroids (or a
//! population-weighted centroid layer) weighted by an indicator, optionally restricted to (or
//! multiplied up for) the most deprived areas; existing services fixed open; candidates from a
//! point layer or area centroids; reach by straight-line BNG metres or an imported matrix.
//! Reports the chosen sites, coverage before/after, the coverage curve, equity and each site's
//! reach; writes GeoJSON (sites) or CSV (demand areas) and can save per-area results.

mod capacity;
mod cost;
mod demand;
mod deprived;
mod options;
mod output;
mod report;
mod response;
mod sites;
mod solve;

/// The siting model a request takes (re-exported for the front ends).
pub use crate::analysis::siting::Model;

use crate::data::Workspace;
use crate::data::query::{self, Area};
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use demand::Demand;
use response::AreaResults;
use serde::{Deserialize, Serialize};
use sites::{SiteLists, SitePoint};
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
    /// With a `.csv` output: write area codes and site ids exactly as stored, without the `'`
    /// that stops a spreadsheet running a cell starting with `=`, `+`, `-` or `@` as a formula
    /// ([`crate::csv_formulas`]). Off by default; for programs reading the CSV.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub csv_raw: bool,
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

/// An indicator's values for `areas` (in their order; `None` where an area has none), at the
/// request's period or, without one, the indicator's latest at the request's geography.
fn area_values(
    ws: &Workspace,
    indicator: &str,
    req: &SiteRequest,
    areas: &[Area],
) -> Result<Vec<Option<f64>>> {
    query::indicator_meta(ws, indicator)?;
    let period = query::resolve_period(ws, indicator, &req.geography, req.period.as_deref())?;
    let values: std::collections::HashMap<String, Option<f64>> =
        query::values(ws, indicator, &req.geography, &period)?
            .into_iter()
            .map(|v| (v.area_code, v.value))
            .collect();
    Ok(areas
        .iter()
        .map(|a| values.get(&a.code).copied().flatten())
        .collect())
}

/// Refuses a reach that is not a distance (or time) ≥ 0.
fn check_reach(reach: f64) -> Result<()> {
    if reach.is_finite() && reach >= 0.0 {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "--reach-m {reach} is not usable: the reach must be a distance (or time) ≥ 0"
    )))
}

/// Runs the siting model (and writes/saves when asked): loads the demand and the sites,
/// costs every (area, site) pair, solves, and reports.
pub fn run(ws: &Workspace, req: &SiteRequest, feedback: &dyn Feedback) -> Result<SiteResponse> {
    check_reach(req.reach_m)?;
    options::check(req)?;
    feedback.stage("loading demand and sites");
    let areas = query::areas(ws, &req.geography)?;
    let demand = Demand::load(ws, req, &areas)?;
    let lists = SiteLists::load(ws, req)?;
    let sites = lists.all();
    let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
    let (cost, matrix) = cost::area_site_costs(req, &codes, &demand.xy, &sites)?;
    let (problem, capacities) = solve::problem(ws, req, &demand.weights, cost, &lists)?;
    let solution = solve::solve_model(&problem, req, feedback)?;
    let coverage_curve = solve::coverage_curve(&problem, req, &solution, feedback)?;
    let (mut response, results) = response::build(response::Parts {
        req,
        problem: &problem,
        solution: &solution,
        capacities: capacities.as_deref(),
        demand: &demand,
        codes: &codes,
        sites: &sites,
        existing: lists.existing.len(),
        candidates: lists.candidates.len(),
        reach_units: cost::reach_units(matrix.as_ref()),
        coverage_curve,
    })?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    write_and_save(ws, req, &mut response, &codes, &demand, &results, &sites)?;
    Ok(response)
}

/// Writes the sites or the demand areas (`--out`) and saves the per-area results (`--save`),
/// noting both in the response.
fn write_and_save(
    ws: &Workspace,
    req: &SiteRequest,
    response: &mut SiteResponse,
    codes: &[&str],
    demand: &Demand,
    results: &AreaResults,
    sites: &[&SitePoint],
) -> Result<()> {
    if let Some(path) = &req.out {
        output::write_out(
            path,
            response,
            codes,
            &demand.weights,
            demand.deprived.as_deref(),
            &results.before,
            &results.after,
            &results.assignment,
            sites,
            req.csv_raw,
        )?;
        response.out = Some(path.display().to_string());
    }
    if let Some(name) = &req.save {
        response.saved = output::save(
            ws,
            req,
            name,
            codes,
            &results.status,
            &results.before,
            &results.after,
            &results.assignment,
            sites,
        )?;
    }
    Ok(())
}
