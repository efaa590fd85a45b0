//! Solving a `site` request: the siting problem (existing sites fixed open, capacities when
//! given), the chosen model's solution, and the coverage curve (the best MCLP coverage with
//! 0, 1, … new sites).

use super::sites::SiteLists;
use super::{CurvePoint, Model, SiteRequest, capacity};
use crate::analysis::siting::{Siting, Solution, SolveOptions, StopCheck, solve};
use crate::data::Workspace;
use crate::error::{Error, Result};
use crate::feedback::Feedback;

/// The siting problem over `demand` and `cost` (area by area, then site by site), and the site
/// capacities when the request gives them (the problem then enforces them).
pub(super) fn problem(
    ws: &Workspace,
    req: &SiteRequest,
    demand: &[f64],
    cost: Vec<f64>,
    lists: &SiteLists,
) -> Result<(Siting, Option<Vec<f64>>)> {
    let (existing, candidates) = (lists.existing.len(), lists.candidates.len());
    let sites = existing + candidates;
    let fixed: Vec<bool> = (0..sites).map(|j| j < existing).collect();
    let capacities = capacity::site_capacities(ws, req, (existing, candidates))?;
    let mut problem = Siting::new(demand.to_vec(), cost, sites, fixed, req.reach_m)?;
    if let Some(caps) = &capacities {
        problem = problem.with_capacity(caps.clone())?;
    }
    Ok((problem, capacities))
}

/// The request's solver options.
fn options<'a>(req: &SiteRequest, stop: &'a (dyn Fn() -> bool + Sync)) -> SolveOptions<'a> {
    SolveOptions {
        heuristic_only: req.heuristic,
        work_limit: req.work_limit,
        stop: Some(StopCheck(stop)),
    }
}

/// Solves the request's model; a cancel while it ran ends the run.
pub(super) fn solve_model(
    problem: &Siting,
    req: &SiteRequest,
    feedback: &dyn Feedback,
) -> Result<Solution> {
    feedback.stage("solving");
    let stop = || feedback.is_cancelled();
    let solution = solve(problem, req.model, &options(req, &stop))?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    Ok(solution)
}

/// The best MCLP coverage with 0 up to p new sites (the LSCP: as many as it opened); the
/// last point of an MCLP is its own solution.
pub(super) fn coverage_curve(
    problem: &Siting,
    req: &SiteRequest,
    solution: &Solution,
    feedback: &dyn Feedback,
) -> Result<Vec<CurvePoint>> {
    feedback.stage("coverage curve");
    let curve_max = match req.model {
        Model::Mclp { p } | Model::Pmedian { p } => p,
        Model::Lscp { .. } => solution.open.len(),
    };
    let stop = || feedback.is_cancelled();
    let opts = options(req, &stop);
    // Each point is an MCLP of its own, on a thousandth of the budget: a curve with many
    // points stays quick, and a point not proven optimal says so (with its bound).
    let curve_opts = SolveOptions {
        work_limit: opts.work_limit / 1000,
        ..opts
    };
    let mut coverage_curve = Vec::new();
    for k in 0..=curve_max {
        let s = if k == curve_max && matches!(req.model, Model::Mclp { .. }) {
            solution.clone()
        } else {
            solve(problem, Model::Mclp { p: k }, &curve_opts)?
        };
        coverage_curve.push(curve_point(problem, k, &s));
    }
    Ok(coverage_curve)
}

/// One point of the curve: `s`, the best MCLP found with `k` new sites.
fn curve_point(problem: &Siting, k: usize, s: &Solution) -> CurvePoint {
    let total = problem.total_demand();
    let covered = problem.coverage(&s.open);
    CurvePoint {
        new_sites: k,
        covered,
        share: if total > 0.0 { covered / total } else { 0.0 },
        optimal: s.optimal,
        bound: s.bound,
    }
}
