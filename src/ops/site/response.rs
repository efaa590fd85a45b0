//! The answer to a `site` request: per area, the share of its demand served before and after
//! and its nearest open site; per site, what it serves; and the summary `SiteResponse`.

use super::demand::Demand;
use super::sites::SitePoint;
use super::{CurvePoint, Model, SiteOut, SiteRequest, SiteResponse, report};
use crate::analysis::result_codes::SiteStatus;
use crate::analysis::siting::flow::Allocation;
use crate::analysis::siting::transport::{self, Transport};
use crate::analysis::siting::{Siting, Solution};
use crate::data::crs::{Crs, Transformer};
use crate::error::Result;

/// What the response is made of.
pub(super) struct Parts<'a> {
    pub(super) req: &'a SiteRequest,
    pub(super) problem: &'a Siting,
    pub(super) solution: &'a Solution,
    /// Per site (existing first), its capacity, when capacities are enforced.
    pub(super) capacities: Option<&'a [f64]>,
    pub(super) demand: &'a Demand,
    /// Area codes, in demand order.
    pub(super) codes: &'a [&'a str],
    /// Every site, existing first.
    pub(super) sites: &'a [&'a SitePoint],
    pub(super) existing: usize,
    pub(super) candidates: usize,
    pub(super) reach_units: String,
    pub(super) coverage_curve: Vec<CurvePoint>,
}

/// Per area, what the solution gives it (written with `--out` and saved with `--save`).
pub(super) struct AreaResults {
    /// The share of its demand served by the existing sites, and after opening the chosen.
    pub(super) before: Vec<f64>,
    pub(super) after: Vec<f64>,
    /// Its nearest open site and the cost to it (for a capacitated p-median: the site taking
    /// the largest part of its demand).
    pub(super) assignment: Vec<Option<(usize, f64)>>,
    /// Its status code.
    pub(super) status: Vec<f64>,
}

/// The response (without `out` and `saved`) and the per-area results.
pub(super) fn build(p: Parts<'_>) -> Result<(SiteResponse, AreaResults)> {
    let enforced = p.capacities.is_some();
    let served_before = p.problem.served(&[]);
    let served_after = p.problem.served(&p.solution.open);
    let weights = &p.demand.weights;
    let before = report::shares(&served_before, weights);
    let after = report::shares(&served_after, weights);
    let pmedian = matches!(p.req.model, Model::Pmedian { .. });
    // The p-median's own allocation with capacities: the least-cost assignment within them.
    let transport = (enforced && pmedian).then(|| transport::assign(p.problem, &p.solution.open));
    let assignment = match &transport {
        Some(t) => report::main_parts(p.problem, t),
        None => p.problem.assign(&p.solution.open),
    };
    let (chosen, existing) = site_reports(&p, &assignment, transport.as_ref(), !pmedian)?;
    let status = report::status(weights, &before, &after);
    let equity = p
        .demand
        .deprived
        .as_ref()
        .map(|flags| report::equity(flags, &p.demand.base_or_zero(), &before, &after));
    let response = SiteResponse {
        model: p.req.model,
        geography: p.req.geography.clone(),
        demand: p.req.demand.clone(),
        reach: p.req.reach_m,
        reach_units: p.reach_units,
        demand_areas: p.demand.with_demand(),
        areas_without_demand: p.demand.without_demand(),
        candidates: p.candidates,
        chosen,
        existing,
        total_demand: p.problem.total_demand(),
        covered_before: served_before.iter().sum::<f64>() + 0.0,
        covered_after: served_after.iter().sum::<f64>() + 0.0,
        capacity_enforced: enforced,
        unserved_demand: transport.as_ref().map(|t| t.unserved),
        partly_covered_areas: partly_covered(&status),
        objective: p.solution.objective,
        optimal: p.solution.optimal,
        gap: p.solution.gap,
        bound: p.solution.bound,
        method: p.solution.method.to_string(),
        work: p.solution.work,
        mean_cost: mean_cost(&assignment, weights),
        unreachable_areas: unreachable(&assignment, weights),
        coverage_curve: p.coverage_curve,
        equity,
        out: None,
        saved: Vec::new(),
    };
    let areas = AreaResults {
        before,
        after,
        assignment,
        status,
    };
    Ok((response, areas))
}

/// The chosen sites' reports and the existing sites'. With capacities enforced, outside the
/// p-median (`allocate`), what a site serves is its share of the maximum-flow allocation.
fn site_reports(
    p: &Parts<'_>,
    assignment: &[Option<(usize, f64)>],
    transport: Option<&Transport>,
    allocate: bool,
) -> Result<(Vec<SiteOut>, Vec<SiteOut>)> {
    let allocation = (p.capacities.is_some() && allocate)
        .then(|| Allocation::with_open(p.problem, &p.solution.open));
    let to_wgs = Transformer::new(Crs::Bng, Crs::Wgs84)?;
    let per_site = report::Sites {
        problem: p.problem,
        codes: p.codes,
        sites: p.sites,
        demand: &p.demand.weights,
        assignment,
        reach: p.req.reach_m,
        capacities: p.capacities,
        allocation: allocation.as_ref(),
        transport,
        to_wgs: &to_wgs,
    };
    let chosen = p
        .solution
        .open
        .iter()
        .map(|&j| per_site.out(j, "new"))
        .collect::<Result<Vec<_>>>()?;
    let existing = (0..p.existing)
        .map(|j| per_site.out(j, "existing"))
        .collect::<Result<Vec<_>>>()?;
    Ok((chosen, existing))
}

/// The demand-weighted mean cost to the nearest open site, over the areas that reach one.
fn mean_cost(assignment: &[Option<(usize, f64)>], demand: &[f64]) -> Option<f64> {
    let reachable: Vec<(f64, f64)> = assignment
        .iter()
        .zip(demand)
        .filter_map(|(a, d)| a.map(|(_, c)| (c, *d)))
        .collect();
    let reach_demand: f64 = reachable.iter().map(|(_, d)| d).sum();
    (reach_demand > 0.0).then(|| reachable.iter().map(|(c, d)| c * d).sum::<f64>() / reach_demand)
}

/// The areas with demand that no open site reaches.
fn unreachable(assignment: &[Option<(usize, f64)>], demand: &[f64]) -> usize {
    assignment
        .iter()
        .zip(demand)
        .filter(|(a, d)| a.is_none() && **d > 0.0)
        .count()
}

/// The areas whose demand is only partly served.
fn partly_covered(status: &[f64]) -> usize {
    status
        .iter()
        .filter(|s| **s == SiteStatus::PartlyCovered.code().code as f64)
        .count()
}
