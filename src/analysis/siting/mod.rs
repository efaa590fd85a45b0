//! Location-allocation for siting services (METHODS.md c8): coverage of a network, the
//! maximal covering location problem (MCLP), the location set covering problem (LSCP, here
//! the partial form "fewest new sites to cover X% of demand") and the p-median problem.
//!
//! **Inputs.** Demand points i with weights aᵢ ≥ 0; sites j, some *fixed* (existing services,
//! always open) and the rest *candidates*; a cost cᵢⱼ (straight-line metres, or minutes/metres
//! from an imported matrix; `f64::INFINITY` = unreachable) and a reach S: i is covered when an
//! open site has cᵢⱼ ≤ S.
//!
//! **Models** (p new sites are chosen from the candidates; fixed sites stay open):
//! * MCLP (Church & ReVelle 1974): maximise Σ aᵢ·[i covered] with exactly p new sites;
//! * LSCP (Toregas et al. 1971, partial): the fewest new sites covering ≥ X% of Σ aᵢ;
//! * p-median (Hakimi 1964): minimise Σ aᵢ·minⱼ cᵢⱼ over the open sites (unreachable pairs
//!   cost a penalty of twice the largest finite cost, and are reported).
//!
//! **Capacities** ([`Siting::with_capacity`]): site j serves at most Cⱼ, demand divisible.
//! Coverage is then the maximum flow from the open sites to the demand within reach
//! ([`flow`]), still submodular, so the MCLP/LSCP search below stays exact; the p-median
//! assigns demand at least cost within the capacities ([`transport`]) and is searched by
//! interchange from the uncapacitated optimum with a Lagrangian bound ([`capacity_bound`]).
//!
//! **Solvers.** Exact depth-first branch-and-bound ([`exact`]) with bounds from
//! submodularity (covered demand and distance savings both have diminishing returns, so the sum
//! of the best r single-site gains bounds what r more sites can add), started from the greedy +
//! Teitz–Bart interchange heuristic ([`heuristic`]). A work budget keeps large problems
//! bounded: when it runs out the best solution found is returned with `optimal = false` and the
//! gap to the best remaining bound. Council-sized problems (hundreds of areas × tens of
//! candidates) solve to proven optimality well within the budget; the tests check every model
//! against brute force over all subsets.

pub mod capacity_bound;
pub mod exact;
pub mod flow;
pub mod heuristic;
mod subgradient;
pub mod transport;

use serde::Serialize;

/// A siting problem (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Siting {
    pub demand: Vec<f64>,
    /// Row-major costs: `cost[i * sites + j]`.
    pub cost: Vec<f64>,
    pub sites: usize,
    /// Per site: an existing service, always open.
    pub fixed: Vec<bool>,
    /// Reach S, in the units of `cost`.
    pub reach: f64,
    /// Per site, the most demand it can serve (`f64::INFINITY` = no limit). With a finite
    /// capacity, coverage is the maximum flow of [`flow::Allocation`].
    pub capacity: Vec<f64>,
}

/// Which model to solve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "model")]
pub enum Model {
    Mclp { p: usize },
    Lscp { percent: f64 },
    Pmedian { p: usize },
}

/// Why a problem cannot be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SitingError {
    /// The costs or the fixed flags do not match the demand points and sites.
    #[error(
        "{demand} demand points × {sites} sites need {} costs and {sites} fixed flags, got {costs} and {fixed}",
        demand * sites
    )]
    Shape {
        demand: usize,
        sites: usize,
        costs: usize,
        fixed: usize,
    },
    /// A demand weight (of the demand point with this index) is negative or not a number.
    #[error("demand point {0} has a weight that is negative or not a number")]
    BadDemand(usize),
    #[error("a cost is negative or not a number")]
    BadCost,
    #[error("the reach must be a number ≥ 0")]
    BadReach,
    /// The capacities do not match the sites.
    #[error("{sites} sites need {sites} capacities, got {got}")]
    CapacityCount { sites: usize, got: usize },
    /// A capacity (of the site with this index) is not a number > 0.
    #[error("site {0} has a capacity that is not a number > 0")]
    BadCapacity(usize),
    /// More new sites asked for than there are candidates.
    #[error("{asked} new sites were asked for but there are only {candidates} candidates")]
    TooFewCandidates { asked: usize, candidates: usize },
    /// The LSCP's share of demand to cover is outside 0–100%.
    #[error("the share of demand to cover must be 0–100%, got {0}")]
    BadShare(f64),
    #[error(
        "even with every candidate open only {reachable:.1}% of the demand can be covered, less than the {target}% asked for"
    )]
    Unreachable { reachable: f64, target: f64 },
}

/// Asks a running branch-and-bound to stop (the user pressed Cancel): the search then ends as
/// if its work budget were spent, reporting its best solution so far as not proven optimal,
/// and the caller decides what to do with it (the `site` operation discards it).
#[derive(Clone, Copy)]
pub struct StopCheck<'a>(pub &'a (dyn Fn() -> bool + Sync));

impl std::fmt::Debug for StopCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StopCheck")
    }
}

/// Two options differ by their settings, not by who may stop them.
impl PartialEq for StopCheck<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Options of the solvers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveOptions<'a> {
    /// Skip branch-and-bound: greedy + interchange only (with the gap to the root bound).
    pub heuristic_only: bool,
    /// Work budget of branch-and-bound, in demand–site evaluations.
    pub work_limit: u64,
    /// Asked at every branch-and-bound node: `true` stops the search there.
    #[serde(skip)]
    pub stop: Option<StopCheck<'a>>,
}

impl Default for SolveOptions<'_> {
    fn default() -> Self {
        Self {
            heuristic_only: false,
            work_limit: 2_000_000_000,
            stop: None,
        }
    }
}

/// A solution: the new sites opened (indices into the sites), in ascending order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    pub open: Vec<usize>,
    /// MCLP/LSCP: covered demand; p-median: Σ aᵢ·cost.
    pub objective: f64,
    /// Proven optimal (the search finished within its budget).
    pub optimal: bool,
    /// The best bound on the objective (upper for MCLP, lower for p-median; equal to the
    /// objective when optimal).
    pub bound: f64,
    /// |bound − objective| / |bound| (0 when optimal).
    pub gap: f64,
    pub method: &'static str,
    pub work: u64,
}

impl Siting {
    /// Checks the shapes and values.
    pub fn new(
        demand: Vec<f64>,
        cost: Vec<f64>,
        sites: usize,
        fixed: Vec<bool>,
        reach: f64,
    ) -> Result<Self, SitingError> {
        if cost.len() != demand.len() * sites || fixed.len() != sites {
            return Err(SitingError::Shape {
                demand: demand.len(),
                sites,
                costs: cost.len(),
                fixed: fixed.len(),
            });
        }
        if let Some(i) = demand.iter().position(|a| !(a.is_finite() && *a >= 0.0)) {
            return Err(SitingError::BadDemand(i));
        }
        if cost.iter().any(|c| c.is_nan() || *c < 0.0) {
            return Err(SitingError::BadCost);
        }
        if !(reach.is_finite() && reach >= 0.0) {
            return Err(SitingError::BadReach);
        }
        Ok(Self {
            demand,
            cost,
            sites,
            fixed,
            reach,
            capacity: vec![f64::INFINITY; sites],
        })
    }

    /// The same problem with a capacity per site (in demand units; `f64::INFINITY` = none).
    pub fn with_capacity(mut self, capacity: Vec<f64>) -> Result<Self, SitingError> {
        if capacity.len() != self.sites {
            return Err(SitingError::CapacityCount {
                sites: self.sites,
                got: capacity.len(),
            });
        }
        if let Some(j) = capacity.iter().position(|c| c.is_nan() || *c <= 0.0) {
            return Err(SitingError::BadCapacity(j));
        }
        self.capacity = capacity;
        Ok(self)
    }

    /// Some site has a finite capacity.
    pub fn capacitated(&self) -> bool {
        self.capacity.iter().any(|c| c.is_finite())
    }

    pub fn n(&self) -> usize {
        self.demand.len()
    }

    #[inline]
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.sites + j]
    }

    pub fn candidates(&self) -> Vec<usize> {
        (0..self.sites).filter(|&j| !self.fixed[j]).collect()
    }

    pub fn total_demand(&self) -> f64 {
        self.demand.iter().sum()
    }

    /// Demand points each site covers (with positive demand).
    pub fn covers(&self) -> Vec<Vec<usize>> {
        (0..self.sites)
            .map(|j| {
                (0..self.n())
                    .filter(|&i| self.demand[i] > 0.0 && self.cost(i, j) <= self.reach)
                    .collect()
            })
            .collect()
    }

    /// Which demand points the fixed sites plus `open` reach (ignoring capacities).
    pub fn covered(&self, open: &[usize]) -> Vec<bool> {
        (0..self.n())
            .map(|i| {
                (0..self.sites)
                    .filter(|&j| self.fixed[j] || open.contains(&j))
                    .any(|j| self.cost(i, j) <= self.reach)
            })
            .collect()
    }

    /// Demand served per point with the fixed sites plus `open`: all of it when reached, or
    /// with capacities the maximum-flow allocation.
    pub fn served(&self, open: &[usize]) -> Vec<f64> {
        if self.capacitated() {
            return flow::Allocation::with_open(self, open).served().to_vec();
        }
        self.covered(open)
            .iter()
            .zip(&self.demand)
            .map(|(c, a)| if *c { *a } else { 0.0 })
            .collect()
    }

    /// Covered (served) demand with the fixed sites plus `open`.
    pub fn coverage(&self, open: &[usize]) -> f64 {
        self.served(open).iter().sum::<f64>() + 0.0 // an empty f64 sum is −0.0
    }

    /// The cost charged for an unreachable pair in the p-median: twice the largest finite cost.
    pub fn penalty(&self) -> f64 {
        2.0 * self
            .cost
            .iter()
            .filter(|c| c.is_finite())
            .fold(0.0f64, |m, c| m.max(*c))
            .max(1.0)
    }

    /// The p-median objective Σ aᵢ·min cost over the fixed sites plus `open`; with
    /// capacities the least-cost assignment within them ([`transport::assign`]).
    pub fn median_cost(&self, open: &[usize]) -> f64 {
        if self.capacitated() {
            return transport::assign(self, open).cost;
        }
        let m = self.penalty();
        (0..self.n())
            .map(|i| {
                let d = (0..self.sites)
                    .filter(|&j| self.fixed[j] || open.contains(&j))
                    .map(|j| self.cost(i, j))
                    .fold(m, f64::min);
                self.demand[i] * d.min(m)
            })
            .sum()
    }

    /// Each demand point's nearest open site (fixed or in `open`) and its cost; `None` when no
    /// open site is reachable.
    pub fn assign(&self, open: &[usize]) -> Vec<Option<(usize, f64)>> {
        (0..self.n())
            .map(|i| {
                (0..self.sites)
                    .filter(|&j| self.fixed[j] || open.contains(&j))
                    .map(|j| (j, self.cost(i, j)))
                    .filter(|(_, c)| c.is_finite())
                    .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            })
            .collect()
    }
}

/// Solves `model` (see the module documentation).
///
/// ```
/// use local_atlas::analysis::siting::{solve, Model, Siting, SolveOptions};
/// // Three demand points on a line at 0, 10 and 20 m; sites at 0, 10 and 20; reach 5 m.
/// let pos = [0.0f64, 10.0, 20.0];
/// let cost: Vec<f64> = pos.iter().flat_map(|a| pos.iter().map(move |b| (a - b).abs())).collect();
/// let s = Siting::new(vec![1.0, 5.0, 2.0], cost, 3, vec![false; 3], 5.0).unwrap();
/// let best = solve(&s, Model::Mclp { p: 1 }, &SolveOptions::default()).unwrap();
/// assert_eq!(best.open, vec![1]);
/// assert_eq!(best.objective, 5.0);
/// assert!(best.optimal);
/// ```
pub fn solve(s: &Siting, model: Model, opts: &SolveOptions) -> Result<Solution, SitingError> {
    let candidates = s.candidates().len();
    match model {
        Model::Mclp { p } | Model::Pmedian { p } if p > candidates => {
            Err(SitingError::TooFewCandidates {
                asked: p,
                candidates,
            })
        }
        Model::Mclp { p } => Ok(exact::mclp(s, p, opts)),
        Model::Pmedian { p } if s.capacitated() => Ok(capacitated_pmedian(s, p, opts)),
        Model::Pmedian { p } => Ok(exact::pmedian(s, p, opts)),
        Model::Lscp { percent } => {
            if !(0.0..=100.0).contains(&percent) {
                return Err(SitingError::BadShare(percent));
            }
            exact::lscp(s, percent, opts)
        }
    }
}

/// The capacitated p-median: the uncapacitated p-median (exact within the budget, or the
/// heuristic) gives the start and a lower bound — capacities can only raise the least cost —
/// then interchange under the least-cost assignment within the capacities
/// ([`heuristic::capacitated_interchange`]). The bound is the better of that one and the
/// Lagrangian bound with the capacities kept ([`capacity_bound`]). Optimal when the cost
/// meets the bound; otherwise the gap to it is reported.
fn capacitated_pmedian(s: &Siting, p: usize, opts: &SolveOptions) -> Solution {
    let mut free = s.clone();
    free.capacity = vec![f64::INFINITY; s.sites];
    let start = if opts.heuristic_only {
        let (open, _) =
            heuristic::greedy_interchange_until(&free, p, heuristic::Objective::Median, opts.stop);
        let bound = exact::pmedian(&free, p, opts).bound;
        (open, bound)
    } else {
        let unc = exact::pmedian(&free, p, opts);
        (unc.open, unc.bound)
    };
    let (open, cost) = heuristic::capacitated_interchange(s, start.0, opts.stop);
    // The better of the uncapacitated bound and the Lagrangian bound that keeps capacities.
    let bound = start
        .1
        .max(capacity_bound::lower_bound(s, p, cost, 300))
        .min(cost);
    let optimal = cost <= bound + 1e-9 * cost.abs().max(1.0);
    Solution {
        open,
        objective: cost,
        optimal,
        bound,
        gap: if optimal || bound.abs() == 0.0 {
            0.0
        } else {
            ((cost - bound) / bound).abs()
        },
        method: "p-median bound + capacitated interchange",
        work: 0,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::permutation::rng_for;
    use rand::Rng;

    /// Ill-posed problems are told apart by variant, with the messages users have always seen.
    #[test]
    fn ill_posed_problems_name_what_is_wrong() {
        let e = Siting::new(vec![1.0], vec![1.0], 2, vec![false; 2], 1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "1 demand points × 2 sites need 2 costs and 2 fixed flags, got 1 and 2"
        );
        let e = Siting::new(vec![-1.0], vec![1.0], 1, vec![false], 1.0).unwrap_err();
        assert_eq!(e, SitingError::BadDemand(0));
        let s = Siting::new(vec![1.0], vec![1.0], 1, vec![false], 1.0).unwrap();
        let e = s.clone().with_capacity(vec![]).unwrap_err();
        assert_eq!(e.to_string(), "1 sites need 1 capacities, got 0");
        let e = solve(&s, Model::Mclp { p: 2 }, &SolveOptions::default()).unwrap_err();
        assert_eq!(
            e,
            SitingError::TooFewCandidates {
                asked: 2,
                candidates: 1
            }
        );
        let e = solve(&s, Model::Lscp { percent: 120.0 }, &SolveOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the share of demand to cover must be 0–100%, got 120"
        );
    }

    /// A random instance: points in a 1,000 m square, integer demands, some fixed sites.
    pub(crate) fn random_instance(seed: u64, n: usize, m: usize, fixed: usize) -> Siting {
        let mut rng = rng_for(seed, 99);
        let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let demand_xy: Vec<(f64, f64)> = (0..n).map(|_| (1000.0 * u(), 1000.0 * u())).collect();
        let site_xy: Vec<(f64, f64)> = (0..m).map(|_| (1000.0 * u(), 1000.0 * u())).collect();
        // Integer demands 0–9: some points have none, as outside a deprived-only filter.
        let demand: Vec<f64> = (0..n).map(|_| (10.0 * u()).floor()).collect();
        let cost = demand_xy
            .iter()
            .flat_map(|a| {
                site_xy
                    .iter()
                    .map(move |b| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt())
            })
            .collect();
        let fixed = (0..m).map(|j| j < fixed).collect();
        Siting::new(demand, cost, m, fixed, 250.0).unwrap()
    }

    /// Every subset of `k` of `items`.
    pub(crate) fn subsets(items: &[usize], k: usize) -> Vec<Vec<usize>> {
        if k == 0 {
            return vec![vec![]];
        }
        if items.len() < k {
            return vec![];
        }
        let mut out = subsets(&items[1..], k - 1);
        for s in &mut out {
            s.insert(0, items[0]);
        }
        out.extend(subsets(&items[1..], k));
        out
    }

    /// The MCLP opens p sites covering what the best subset of p covers (brute force).
    fn check_mclp(s: &Siting, seed: u64, p: usize) -> Solution {
        let best = subsets(&s.candidates(), p)
            .iter()
            .map(|o| s.coverage(o))
            .fold(0.0, f64::max);
        let sol = solve(s, Model::Mclp { p }, &SolveOptions::default()).unwrap();
        assert!(sol.optimal);
        assert_eq!(sol.open.len(), p);
        assert!((sol.objective - best).abs() < 1e-9, "seed {seed} p {p}");
        assert!((s.coverage(&sol.open) - sol.objective).abs() < 1e-9);
        sol
    }

    #[test]
    fn mclp_matches_brute_force() {
        for seed in 0..12 {
            let s = random_instance(seed, 40, 10, (seed % 3) as usize);
            for p in 1..=3 {
                check_mclp(&s, seed, p);
            }
        }
    }

    #[test]
    fn pmedian_matches_brute_force() {
        for seed in 0..12 {
            let s = random_instance(100 + seed, 30, 9, (seed % 2) as usize);
            let cands = s.candidates();
            for p in 1..=3 {
                let best = subsets(&cands, p)
                    .iter()
                    .map(|o| s.median_cost(o))
                    .fold(f64::INFINITY, f64::min);
                let sol = solve(&s, Model::Pmedian { p }, &SolveOptions::default()).unwrap();
                assert!(sol.optimal);
                assert!(
                    (sol.objective - best).abs() < 1e-6 * best,
                    "seed {seed} p {p}: {} vs {best}",
                    sol.objective
                );
                assert!((s.median_cost(&sol.open) - sol.objective).abs() < 1e-6 * best);
            }
        }
    }

    /// The LSCP opens the fewest sites that reach each share (and the share of all), as
    /// brute force over every subset says.
    fn check_lscp(s: &Siting, seed: u64, percents: &[f64]) {
        let cands = s.candidates();
        let total = s.total_demand();
        let all = s.coverage(&cands) / total * 100.0;
        for percent in percents.iter().copied().chain([all.floor()]) {
            let reaches = |o: &Vec<usize>| s.coverage(o) >= percent / 100.0 * total - 1e-9;
            let fewest = (0..=cands.len())
                .find(|&k| subsets(&cands, k).iter().any(reaches))
                .unwrap();
            let sol = solve(s, Model::Lscp { percent }, &SolveOptions::default()).unwrap();
            assert!(sol.optimal);
            assert_eq!(sol.open.len(), fewest, "seed {seed} {percent}%");
            assert!(reaches(&sol.open));
        }
    }

    #[test]
    fn lscp_matches_brute_force() {
        for seed in 0..12 {
            let s = random_instance(200 + seed, 40, 10, (seed % 2) as usize);
            check_lscp(&s, seed, &[30.0, 60.0]);
        }
    }

    /// Capacities 6–20 (demands are 0–9 a point): small enough to bind.
    fn capacitated(seed: u64, n: usize, m: usize, fixed: usize) -> Siting {
        random_instance(seed, n, m, fixed)
            .with_capacity((0..m).map(|j| 6.0 + (j * 7 % 15) as f64).collect())
            .unwrap()
    }

    #[test]
    fn capacitated_mclp_matches_brute_force() {
        for seed in 0..8 {
            let s = capacitated(400 + seed, 40, 9, (seed % 3) as usize);
            for p in 1..=3 {
                let sol = check_mclp(&s, seed, p);
                // Capacities never cover more than without them.
                let free = random_instance(400 + seed, 40, 9, (seed % 3) as usize);
                assert!(sol.objective <= free.coverage(&sol.open) + 1e-9);
            }
        }
        let s = capacitated(400, 40, 9, 0);
        let free = random_instance(400, 40, 9, 0);
        let (a, b) = (
            solve(&s, Model::Mclp { p: 3 }, &SolveOptions::default()).unwrap(),
            solve(&free, Model::Mclp { p: 3 }, &SolveOptions::default()).unwrap(),
        );
        assert!(
            a.objective < b.objective - 1.0,
            "capacities must bind in this test"
        );
    }

    #[test]
    fn capacitated_lscp_matches_brute_force() {
        for seed in 0..8 {
            let s = capacitated(500 + seed, 40, 9, (seed % 2) as usize);
            check_lscp(&s, seed, &[20.0, 40.0]);
        }
    }

    #[test]
    fn capacitated_heuristic_is_feasible_with_a_valid_bound() {
        let s = capacitated(9, 60, 14, 1);
        let exact = solve(&s, Model::Mclp { p: 3 }, &SolveOptions::default()).unwrap();
        let opts = SolveOptions {
            heuristic_only: true,
            ..Default::default()
        };
        let h = solve(&s, Model::Mclp { p: 3 }, &opts).unwrap();
        assert_eq!(h.open.len(), 3);
        assert!((s.coverage(&h.open) - h.objective).abs() < 1e-9);
        assert!(h.objective <= exact.objective + 1e-9);
        assert!(h.bound >= exact.objective - 1e-9);
        let pm = solve(&s, Model::Pmedian { p: 2 }, &opts).unwrap();
        assert!((s.median_cost(&pm.open) - pm.objective).abs() < 1e-6 * pm.objective);
    }

    #[test]
    fn capacitated_pmedian_is_near_brute_force_with_a_valid_bound() {
        let mut exact_hits = 0;
        for seed in 0..8 {
            let s = capacitated(800 + seed, 30, 8, (seed % 2) as usize);
            let cands = s.candidates();
            for p in 1..=3 {
                let best = subsets(&cands, p)
                    .iter()
                    .map(|o| s.median_cost(o))
                    .fold(f64::INFINITY, f64::min);
                let sol = solve(&s, Model::Pmedian { p }, &SolveOptions::default()).unwrap();
                assert_eq!(sol.open.len(), p);
                assert!((s.median_cost(&sol.open) - sol.objective).abs() < 1e-6 * best);
                assert!(
                    sol.objective >= best - 1e-6 * best,
                    "better than brute force?"
                );
                assert!(
                    sol.bound <= best + 1e-6 * best,
                    "the bound must bound the optimum"
                );
                if (sol.objective - best).abs() < 1e-6 * best {
                    exact_hits += 1;
                }
            }
        }
        // A local search, not an exact method: it must find the optimum mostly.
        assert!(exact_hits >= 20, "optimum found in only {exact_hits} of 24");
    }

    #[test]
    fn heuristic_is_feasible_and_reports_a_valid_gap() {
        let s = random_instance(7, 60, 14, 1);
        let opts = SolveOptions {
            heuristic_only: true,
            ..Default::default()
        };
        let exact = solve(&s, Model::Mclp { p: 3 }, &SolveOptions::default()).unwrap();
        let h = solve(&s, Model::Mclp { p: 3 }, &opts).unwrap();
        assert_eq!(h.open.len(), 3);
        assert!(h.objective <= exact.objective + 1e-9);
        assert!(
            h.bound >= exact.objective - 1e-9,
            "the bound bounds the optimum"
        );
        let hp = solve(&s, Model::Pmedian { p: 3 }, &opts).unwrap();
        let ep = solve(&s, Model::Pmedian { p: 3 }, &SolveOptions::default()).unwrap();
        assert!(hp.objective >= ep.objective - 1e-6);
        assert!(hp.bound <= ep.objective + 1e-6);
    }

    #[test]
    fn tiny_budget_is_honest() {
        let s = random_instance(3, 80, 20, 0);
        let opts = SolveOptions {
            heuristic_only: false,
            work_limit: 10,
            ..Default::default()
        };
        let sol = solve(&s, Model::Mclp { p: 4 }, &opts).unwrap();
        let full = solve(&s, Model::Mclp { p: 4 }, &SolveOptions::default()).unwrap();
        assert!(full.optimal);
        if !sol.optimal {
            assert!(sol.bound >= full.objective - 1e-9);
        }
    }

    /// A stop request ends the search at once: the answer is the heuristic's, not proven
    /// optimal, with a valid bound; without it the same instance is solved to optimality.
    #[test]
    fn a_stop_request_ends_branch_and_bound() {
        let s = random_instance(3, 80, 20, 0);
        let full = solve(&s, Model::Mclp { p: 4 }, &SolveOptions::default()).unwrap();
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let stop = || {
            asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            true
        };
        let opts = SolveOptions {
            stop: Some(StopCheck(&stop)),
            ..Default::default()
        };
        let stopped = solve(&s, Model::Mclp { p: 4 }, &opts).unwrap();
        assert!(
            full.optimal && full.work > stopped.work,
            "{} {}",
            full.work,
            stopped.work
        );
        if !stopped.optimal {
            assert!(stopped.bound >= full.objective - 1e-9);
        }
        let pm = solve(&s, Model::Pmedian { p: 3 }, &opts).unwrap();
        let pm_full = solve(&s, Model::Pmedian { p: 3 }, &SolveOptions::default()).unwrap();
        assert_eq!(pm.open.len(), 3);
        assert!(pm.objective >= pm_full.objective - 1e-6);
        assert!(pm.bound <= pm_full.objective + 1e-6);
        assert!(asked.load(std::sync::atomic::Ordering::Relaxed) > 0);
        // The interchange heuristics stop too, keeping a feasible set of p sites.
        let c = capacitated(9, 60, 14, 1);
        let before = asked.load(std::sync::atomic::Ordering::Relaxed);
        let heuristic = SolveOptions {
            heuristic_only: true,
            ..opts
        };
        let h = solve(&c, Model::Pmedian { p: 2 }, &heuristic).unwrap();
        assert_eq!(h.open.len(), 2);
        assert!((c.median_cost(&h.open) - h.objective).abs() < 1e-6 * h.objective.max(1.0));
        let m = solve(&c, Model::Mclp { p: 3 }, &heuristic).unwrap();
        assert_eq!(m.open.len(), 3);
        assert!((c.coverage(&m.open) - m.objective).abs() < 1e-9);
        assert!(asked.load(std::sync::atomic::Ordering::Relaxed) > before);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(Siting::new(vec![1.0], vec![0.0, 1.0], 1, vec![false], 1.0).is_err());
        assert!(Siting::new(vec![-1.0], vec![0.0], 1, vec![false], 1.0).is_err());
        let s = random_instance(1, 5, 2, 0);
        assert!(solve(&s, Model::Mclp { p: 3 }, &SolveOptions::default()).is_err());
    }
}
