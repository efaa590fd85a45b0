//! Exact branch-and-bound for the MCLP, the partial LSCP and the p-median.
//!
//! Depth-first; at each node the free candidates are scored by what each alone would add
//! (covered demand, or demand-weighted cost saved) and the search branches on the best one:
//! open it first, then exclude it. Bounds:
//! * MCLP: covered + the sum of the r largest single-site gains (coverage is submodular, so r
//!   sites together add no more than their separate gains);
//! * p-median: the largest of cost − the sum of the r largest savings (the same argument),
//!   the cost with *every* free candidate open, and a Lagrangian bound (assignment constraints
//!   relaxed, subgradient-optimised: 400 steps at the root, 30 warm-started steps per node);
//! * LSCP: for k = 1, 2, … the MCLP search with k sites, pruning nodes whose bound is below the
//!   target and stopping at the first cover; the first feasible k is the answer when every
//!   smaller k was proven infeasible.
//!
//! The incumbent starts from greedy + interchange, so the search mostly proves optimality. Work
//! is counted in demand–site evaluations; past `work_limit` the search stops and reports the
//! best remaining bound (the largest/smallest bound of an abandoned node).

use super::flow::Allocation;
use super::heuristic::{Objective, greedy_interchange_until};
use super::subgradient::Ascent;
use super::{Siting, SitingError, Solution, SolveOptions, StopCheck};

fn eps(total: f64) -> f64 {
    1e-9 * total.abs().max(1.0)
}

/// Coverage search state.
struct Cover<'a> {
    s: &'a Siting,
    covers: Vec<Vec<usize>>,
    count: Vec<u32>,
    /// With capacities: the maximum-flow allocation, and the journal marks of the sites opened
    /// by the search (the counts are then unused).
    flow: Option<Allocation<'a>>,
    marks: Vec<usize>,
    best: f64,
    best_open: Vec<usize>,
    /// The sites actually chosen for `best` (before padding to exactly p).
    best_core: Vec<usize>,
    improved: bool,
    stop_on_improve: bool,
    work: u64,
    limit: u64,
    stop: Option<StopCheck<'a>>,
    exhausted: bool,
    open_bound: f64,
}

impl Cover<'_> {
    /// Out of budget, or asked to stop.
    fn spent(&self) -> bool {
        self.work > self.limit || self.stop.is_some_and(|s| (s.0)())
    }

    fn gain(&mut self, j: usize) -> f64 {
        if let Some(a) = &mut self.flow {
            return a.gain(j);
        }
        self.covers[j]
            .iter()
            .filter(|&&i| self.count[i] == 0)
            .map(|&i| self.s.demand[i])
            .sum()
    }

    fn open(&mut self, j: usize) {
        if let Some(a) = &mut self.flow {
            self.marks.push(a.mark());
            a.open(j);
            return;
        }
        for &i in &self.covers[j] {
            self.count[i] += 1;
        }
    }

    fn close(&mut self, j: usize) {
        if let Some(a) = &mut self.flow {
            if let Some(m) = self.marks.pop() {
                a.rollback(m);
            }
            return;
        }
        for &i in &self.covers[j] {
            self.count[i] -= 1;
        }
    }

    fn node(&mut self, chosen: &mut Vec<usize>, free: &[usize], r: usize, value: f64) {
        if free.len() < r || (self.stop_on_improve && self.improved) {
            return;
        }
        let mut gains: Vec<(f64, usize)> = free.iter().map(|&j| (self.gain(j), j)).collect();
        self.work += free
            .iter()
            .map(|&j| self.covers[j].len() as u64)
            .sum::<u64>()
            + 1;
        gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let tol = eps(self.s.total_demand());
        if value > self.best + tol {
            self.best = value;
            self.best_core = chosen.clone();
            self.best_core.sort_unstable();
            self.best_open = chosen.clone();
            // Pad with free sites: more sites never cover less.
            self.best_open.extend(gains.iter().take(r).map(|g| g.1));
            self.best_open.sort_unstable();
            self.improved = true;
            if self.stop_on_improve {
                return;
            }
        }
        let bound = value + gains.iter().take(r).map(|g| g.0).sum::<f64>();
        if r == 0 || bound <= self.best + tol || gains[0].0 <= 0.0 {
            return;
        }
        if self.spent() {
            self.exhausted = true;
            self.open_bound = self.open_bound.max(bound);
            return;
        }
        let (g, j) = gains[0];
        let rest: Vec<usize> = gains[1..].iter().map(|g| g.1).collect();
        self.open(j);
        chosen.push(j);
        self.node(chosen, &rest, r - 1, value + g);
        chosen.pop();
        self.close(j);
        self.node(chosen, &rest, r, value);
    }
}

fn cover_search<'a>(
    s: &'a Siting,
    best: f64,
    best_open: Vec<usize>,
    opts: &SolveOptions<'a>,
) -> Cover<'a> {
    let covers = s.covers();
    let mut count = vec![0u32; s.n()];
    for j in (0..s.sites).filter(|&j| s.fixed[j]) {
        for &i in &covers[j] {
            count[i] += 1;
        }
    }
    Cover {
        s,
        covers,
        count,
        flow: s.capacitated().then(|| Allocation::new(s)),
        marks: Vec::new(),
        best,
        best_open,
        best_core: Vec::new(),
        improved: false,
        stop_on_improve: false,
        work: 0,
        limit: opts.work_limit,
        stop: opts.stop,
        exhausted: false,
        open_bound: f64::NEG_INFINITY,
    }
}

/// The root bound of the MCLP with p new sites: covered by the fixed sites + the p best gains.
fn mclp_root_bound(c: &mut Cover<'_>, candidates: &[usize], p: usize, base: f64) -> f64 {
    let mut gains: Vec<f64> = candidates.iter().map(|&j| c.gain(j)).collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    base + gains.iter().take(p).sum::<f64>()
}

fn gap(bound: f64, objective: f64) -> f64 {
    if bound.abs() > 0.0 {
        ((bound - objective) / bound).abs()
    } else {
        0.0
    }
}

/// MCLP: exactly `p` new sites maximising covered demand.
///
/// ```
/// use local_atlas::analysis::siting::{Siting, SolveOptions};
/// // Demand 1, 5, 2 at 0, 10, 20 m; candidate sites at the same places.
/// let pos = [0.0f64, 10.0, 20.0];
/// let cost: Vec<f64> = pos.iter().flat_map(|a| pos.iter().map(move |b| (a - b).abs())).collect();
/// let s = Siting::new(vec![1.0, 5.0, 2.0], cost, 3, vec![false; 3], 5.0).unwrap();
/// let two = local_atlas::analysis::siting::exact::mclp(&s, 2, &SolveOptions::default());
/// assert_eq!((two.open, two.objective), (vec![1, 2], 7.0));
/// ```
pub fn mclp(s: &Siting, p: usize, opts: &SolveOptions) -> Solution {
    let candidates = s.candidates();
    let base = s.coverage(&[]);
    let (h_open, h_loss) = greedy_interchange_until(s, p, Objective::Coverage, opts.stop);
    let h_value = s.total_demand() - h_loss;
    let mut c = cover_search(s, h_value, h_open.clone(), opts);
    let root = mclp_root_bound(&mut c, &candidates, p, base);
    let tol = eps(s.total_demand());
    if opts.heuristic_only || root <= h_value + tol {
        let optimal = root <= h_value + tol;
        return Solution {
            open: h_open,
            objective: h_value,
            optimal,
            bound: if optimal { h_value } else { root },
            gap: if optimal { 0.0 } else { gap(root, h_value) },
            method: "greedy+interchange",
            work: 0,
        };
    }
    let mut chosen = Vec::new();
    c.node(&mut chosen, &candidates, p, base);
    let bound = if c.exhausted {
        c.open_bound.max(c.best)
    } else {
        c.best
    };
    Solution {
        open: c.best_open.clone(),
        objective: c.best,
        optimal: !c.exhausted,
        bound,
        gap: gap(bound, c.best),
        method: "branch-and-bound",
        work: c.work,
    }
}

/// Partial LSCP: the fewest new sites covering at least `percent`% of the demand. The
/// solution's `objective` is the number of new sites and `bound` a lower bound on it.
///
/// ```
/// use local_atlas::analysis::siting::{Siting, SolveOptions};
/// // Demand 1, 5, 2 at 0, 10, 20 m; candidate sites at the same places.
/// let pos = [0.0f64, 10.0, 20.0];
/// let cost: Vec<f64> = pos.iter().flat_map(|a| pos.iter().map(move |b| (a - b).abs())).collect();
/// let s = Siting::new(vec![1.0, 5.0, 2.0], cost, 3, vec![false; 3], 5.0).unwrap();
/// // 75% of 8 = 6 needs the sites at 10 and 20 m (5 + 2 = 7); one site covers at most 5.
/// let cover = local_atlas::analysis::siting::exact::lscp(&s, 75.0, &SolveOptions::default()).unwrap();
/// assert_eq!((cover.open, cover.objective, cover.optimal), (vec![1, 2], 2.0, true));
/// ```
pub fn lscp(s: &Siting, percent: f64, opts: &SolveOptions) -> Result<Solution, SitingError> {
    let total = s.total_demand();
    let tol = eps(total);
    let target = percent / 100.0 * total;
    let candidates = s.candidates();
    let reachable = s.coverage(&candidates);
    if reachable < target - tol {
        return Err(SitingError::Unreachable {
            reachable: if total > 0.0 {
                100.0 * reachable / total
            } else {
                0.0
            },
            target: percent,
        });
    }
    // Greedy: an upper bound on the number of sites.
    let mut greedy: Vec<usize> = Vec::new();
    let mut c = cover_search(s, f64::NEG_INFINITY, Vec::new(), opts);
    let mut value = s.coverage(&[]);
    while value < target - tol {
        let Some((g, j)) = candidates
            .iter()
            .filter(|j| !greedy.contains(j))
            .map(|&j| (c.gain(j), j))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        else {
            break;
        };
        c.open(j);
        greedy.push(j);
        value += g;
    }
    greedy.sort_unstable();
    let mut proven_below = 0; // every k < proven_below is proven infeasible
    let mut all_proven = true;
    let mut work = 0;
    if !opts.heuristic_only {
        for k in 1..greedy.len() {
            let mut search = cover_search(s, target - 2.0 * tol, Vec::new(), opts);
            search.stop_on_improve = true;
            let mut chosen = Vec::new();
            let base = s.coverage(&[]);
            search.node(&mut chosen, &candidates, k, base);
            work += search.work;
            if search.improved {
                // The sites that reach the target (no padding): at most k.
                let k = search.best_core.len();
                let optimal = all_proven;
                return Ok(Solution {
                    open: search.best_core,
                    objective: k as f64,
                    optimal,
                    bound: if optimal {
                        k as f64
                    } else {
                        proven_below as f64
                    },
                    gap: if optimal {
                        0.0
                    } else {
                        gap(k as f64, proven_below as f64)
                    },
                    method: "branch-and-bound",
                    work,
                });
            }
            if search.exhausted {
                all_proven = false;
            } else if all_proven {
                proven_below = k + 1;
            }
        }
    }
    let k = greedy.len();
    let lower = if opts.heuristic_only {
        lscp_lower_bound(s, &candidates, target - tol)
    } else if all_proven {
        k
    } else {
        proven_below
    };
    Ok(Solution {
        open: greedy,
        objective: k as f64,
        optimal: lower >= k,
        bound: lower as f64,
        gap: gap(k as f64, lower as f64),
        method: if opts.heuristic_only {
            "greedy"
        } else {
            "branch-and-bound"
        },
        work,
    })
}

/// The smallest k whose root bound (fixed coverage + k best single gains) reaches the target.
fn lscp_lower_bound(s: &Siting, candidates: &[usize], target: f64) -> usize {
    let none = SolveOptions {
        work_limit: 0,
        ..Default::default()
    };
    let mut c = cover_search(s, 0.0, Vec::new(), &none);
    let mut gains: Vec<f64> = candidates.iter().map(|&j| c.gain(j)).collect();
    gains.sort_by(|a, b| b.total_cmp(a));
    let mut value = s.coverage(&[]);
    let mut k = 0;
    while value < target && k < gains.len() {
        value += gains[k];
        k += 1;
    }
    k
}

/// p-median search state.
struct Median<'a> {
    s: &'a Siting,
    /// Demand points with positive demand (the others cost nothing wherever they go).
    active: Vec<usize>,
    /// Fixed sites (always open).
    fixed: Vec<usize>,
    penalty: f64,
    best: f64,
    best_open: Vec<usize>,
    work: u64,
    limit: u64,
    stop: Option<StopCheck<'a>>,
    exhausted: bool,
    open_bound: f64,
}

impl Median<'_> {
    fn c(&self, i: usize, j: usize) -> f64 {
        self.s.cost(i, j).min(self.penalty)
    }

    /// (lower bound, savings sorted descending) at a node.
    fn bound(
        &mut self,
        dist: &[f64],
        free: &[usize],
        r: usize,
        value: f64,
    ) -> (f64, Vec<(f64, usize)>) {
        let n = self.active.len();
        let mut all_open = dist.to_vec();
        let mut savings: Vec<(f64, usize)> = free
            .iter()
            .map(|&j| {
                let mut saved = 0.0;
                for &i in &self.active {
                    let c = self.c(i, j);
                    if c < dist[i] {
                        saved += self.s.demand[i] * (dist[i] - c);
                    }
                    if c < all_open[i] {
                        all_open[i] = c;
                    }
                }
                (saved, j)
            })
            .collect();
        self.work += (free.len() * n) as u64 + 1;
        savings.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let lb1 = value - savings.iter().take(r).map(|s| s.0).sum::<f64>();
        let lb2: f64 = all_open
            .iter()
            .zip(&self.s.demand)
            .map(|(d, a)| a * d)
            .sum();
        let lb = if r == 0 { value } else { lb1.max(lb2) };
        (lb, savings)
    }

    /// Lagrangian lower bound (relaxing "each demand point is assigned once" with multipliers
    /// λᵢ; Cornuéjols, Fisher & Nemhauser 1977): L(λ) = Σλᵢ + Σ_{open} ρⱼ + the r most
    /// negative ρⱼ of the free sites, ρⱼ = Σᵢ min(0, aᵢdᵢⱼ − λᵢ); improved by `iterations`
    /// subgradient steps (Held–Karp step θ·(UB − L)/‖g‖², θ halved after 15 steps without
    /// improvement). `lambda` is warm-started and updated in place.
    fn lagrangian(
        &mut self,
        chosen: &[usize],
        free: &[usize],
        r: usize,
        lambda: &mut [f64],
        iterations: usize,
    ) -> f64 {
        let open: Vec<usize> = self.fixed.iter().chain(chosen).copied().collect();
        let mut ascent = Ascent::new();
        let mut rho_free: Vec<(f64, usize)> = Vec::with_capacity(free.len());
        for _ in 0..iterations {
            let rho = |j: usize, lambda: &[f64]| -> f64 {
                self.active
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| (self.s.demand[i] * self.c(i, j) - lambda[k]).min(0.0))
                    .sum()
            };
            let mut lb: f64 = lambda.iter().sum::<f64>();
            lb += open.iter().map(|&j| rho(j, lambda)).sum::<f64>();
            rho_free.clear();
            rho_free.extend(free.iter().map(|&j| (rho(j, lambda), j)));
            rho_free.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            lb += rho_free.iter().take(r).map(|x| x.0).sum::<f64>();
            self.work += (self.active.len() * (open.len() + free.len())) as u64 + 1;
            if !ascent.record(lb, self.best) {
                break;
            }
            // Subgradient gᵢ = 1 − #{open j in the relaxed solution : aᵢdᵢⱼ < λᵢ}.
            let relaxed: Vec<usize> = open
                .iter()
                .copied()
                .chain(rho_free.iter().take(r).map(|x| x.1))
                .collect();
            let g: Vec<f64> = self
                .active
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    1.0 - relaxed
                        .iter()
                        .filter(|&&j| self.s.demand[i] * self.c(i, j) < lambda[k])
                        .count() as f64
                })
                .collect();
            if !ascent.step(lambda, &g, lb, self.best) {
                break;
            }
        }
        ascent.best
    }

    fn node(
        &mut self,
        chosen: &mut Vec<usize>,
        dist: &[f64],
        free: &[usize],
        r: usize,
        value: f64,
        lambda: &[f64],
    ) {
        if free.len() < r {
            return;
        }
        let tol = eps(self.best);
        if r == 0 {
            if value < self.best - tol {
                self.best = value;
                self.best_open = chosen.clone();
                self.best_open.sort_unstable();
            }
            return;
        }
        let (lb, savings) = self.bound(dist, free, r, value);
        if lb >= self.best - tol {
            return;
        }
        if savings[0].0 <= 0.0 {
            // No free site improves anything: pad and stop.
            if value < self.best - tol {
                self.best = value;
                self.best_open = chosen.clone();
                self.best_open.extend(savings.iter().take(r).map(|s| s.1));
                self.best_open.sort_unstable();
            }
            return;
        }
        if self.work > self.limit || self.stop.is_some_and(|s| (s.0)()) {
            self.exhausted = true;
            self.open_bound = self.open_bound.min(lb);
            return;
        }
        let mut lambda = lambda.to_vec();
        let lb = lb.max(self.lagrangian(chosen, free, r, &mut lambda, 30));
        if lb >= self.best - tol {
            return;
        }
        let (saved, j) = savings[0];
        let rest: Vec<usize> = savings[1..].iter().map(|s| s.1).collect();
        let with_j: Vec<f64> = dist
            .iter()
            .enumerate()
            .map(|(i, d)| d.min(self.c(i, j)))
            .collect();
        chosen.push(j);
        self.node(chosen, &with_j, &rest, r - 1, value - saved, &lambda);
        chosen.pop();
        self.node(chosen, dist, &rest, r, value, &lambda);
    }
}

/// p-median: exactly `p` new sites minimising Σ aᵢ·min cost.
///
/// ```
/// use local_atlas::analysis::siting::{Siting, SolveOptions};
/// // Demand 1, 5, 2 at 0, 10, 20 m; candidate sites at the same places.
/// let pos = [0.0f64, 10.0, 20.0];
/// let cost: Vec<f64> = pos.iter().flat_map(|a| pos.iter().map(move |b| (a - b).abs())).collect();
/// let s = Siting::new(vec![1.0, 5.0, 2.0], cost, 3, vec![false; 3], 5.0).unwrap();
/// // One site: at 10 m it costs 1·10 + 2·10 = 30 (at 0 m: 50 + 40, at 20 m: 20 + 50).
/// let one = local_atlas::analysis::siting::exact::pmedian(&s, 1, &SolveOptions::default());
/// assert_eq!((one.open, one.objective, one.optimal), (vec![1], 30.0, true));
/// ```
pub fn pmedian(s: &Siting, p: usize, opts: &SolveOptions) -> Solution {
    let candidates = s.candidates();
    let (h_open, h_cost) = greedy_interchange_until(s, p, Objective::Median, opts.stop);
    let penalty = s.penalty();
    let dist: Vec<f64> = (0..s.n())
        .map(|i| {
            (0..s.sites)
                .filter(|&j| s.fixed[j])
                .map(|j| s.cost(i, j))
                .fold(penalty, f64::min)
        })
        .collect();
    let value: f64 = dist.iter().zip(&s.demand).map(|(d, a)| a * d).sum();
    let mut m = Median {
        s,
        active: (0..s.n()).filter(|&i| s.demand[i] > 0.0).collect(),
        fixed: (0..s.sites).filter(|&j| s.fixed[j]).collect(),
        penalty,
        best: h_cost,
        best_open: h_open.clone(),
        work: 0,
        limit: opts.work_limit,
        stop: opts.stop,
        exhausted: false,
        open_bound: f64::INFINITY,
    };
    let (cheap, _) = m.bound(&dist, &candidates, p, value);
    // λᵢ starts at aᵢ·(nearest site), where the bound equals the all-open bound.
    let mut lambda: Vec<f64> = m
        .active
        .iter()
        .map(|&i| s.demand[i] * (0..s.sites).map(|j| m.c(i, j)).fold(penalty, f64::min))
        .collect();
    let root = cheap.max(m.lagrangian(&[], &candidates, p, &mut lambda, 400));
    let tol = eps(h_cost);
    if opts.heuristic_only || root >= h_cost - tol {
        let optimal = root >= h_cost - tol;
        return Solution {
            open: h_open,
            objective: h_cost,
            optimal,
            bound: if optimal { h_cost } else { root },
            gap: if optimal { 0.0 } else { gap(h_cost, root) },
            method: "greedy+interchange",
            work: m.work,
        };
    }
    let mut chosen = Vec::new();
    m.node(&mut chosen, &dist, &candidates, p, value, &lambda);
    let bound = if m.exhausted {
        m.open_bound.min(m.best).max(root)
    } else {
        m.best
    };
    Solution {
        open: m.best_open.clone(),
        objective: m.best,
        optimal: !m.exhausted,
        bound,
        gap: gap(m.best, bound),
        method: "branch-and-bound",
        work: m.work,
    }
}
