//! Greedy + Teitz–Bart interchange for the MCLP and the p-median.
//!
//! Greedy adds, p times, the candidate that adds the most covered demand (MCLP) or removes the
//! most weighted cost (p-median). Interchange (Teitz & Bart 1968) then tries every swap of an
//! open new site with a closed candidate and makes the best improving one, until no swap
//! improves. A coverage pass costs O(p·m·c) with c the length of a site's cover list (swaps
//! are evaluated from per-point cover counts), a p-median pass O(p·m·n·(p + fixed)). The
//! result is a local optimum, usually optimal or close on council-sized problems; the caller
//! reports its gap to a bound.

use super::flow::Allocation;
use super::transport;
use super::{Siting, StopCheck};

/// Which objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Maximise covered demand.
    Coverage,
    /// Minimise demand-weighted cost.
    Median,
}

/// Incremental evaluation state: per demand point, the best value over the open sites.
struct State<'a> {
    s: &'a Siting,
    objective: Objective,
    penalty: f64,
    fixed: Vec<usize>,
    /// Demand points with positive demand: the others cost nothing anywhere.
    active: Vec<usize>,
}

impl<'a> State<'a> {
    fn new(s: &'a Siting, objective: Objective) -> Self {
        Self {
            s,
            objective,
            penalty: s.penalty(),
            fixed: (0..s.sites).filter(|&j| s.fixed[j]).collect(),
            active: (0..s.n()).filter(|&i| s.demand[i] > 0.0).collect(),
        }
    }

    /// Per-demand "distance" of a site: 0/1 coverage indicator inverted, or the cost.
    fn point_value(&self, i: usize, j: usize) -> f64 {
        let c = self.s.cost(i, j);
        match self.objective {
            Objective::Coverage => {
                if c <= self.s.reach {
                    0.0
                } else {
                    1.0
                }
            }
            Objective::Median => c.min(self.penalty),
        }
    }

    fn worst(&self) -> f64 {
        match self.objective {
            Objective::Coverage => 1.0,
            Objective::Median => self.penalty,
        }
    }

    /// Per active demand point, the best value with the fixed sites and `open`.
    fn best_values(&self, open: &[usize]) -> Vec<f64> {
        self.active
            .iter()
            .map(|&i| {
                self.fixed
                    .iter()
                    .chain(open)
                    .map(|&j| self.point_value(i, j))
                    .fold(self.worst(), f64::min)
            })
            .collect()
    }

    /// Loss to minimise: uncovered demand, or weighted cost.
    fn loss(&self, best: &[f64]) -> f64 {
        best.iter()
            .zip(&self.active)
            .map(|(b, &i)| self.s.demand[i] * b)
            .sum()
    }
}

/// Greedy then interchange; returns the new sites (ascending) and the loss (uncovered demand
/// or weighted cost).
///
/// ```
/// use local_atlas::analysis::siting::Siting;
/// use local_atlas::analysis::siting::heuristic::{greedy_interchange, Objective};
/// let pos = [0.0f64, 10.0, 20.0];
/// let cost: Vec<f64> = pos.iter().flat_map(|a| pos.iter().map(move |b| (a - b).abs())).collect();
/// let s = Siting::new(vec![1.0, 5.0, 2.0], cost, 3, vec![false; 3], 5.0).unwrap();
/// assert_eq!(greedy_interchange(&s, 1, Objective::Median), (vec![1], 30.0));
/// assert_eq!(greedy_interchange(&s, 1, Objective::Coverage), (vec![1], 3.0)); // 1 + 2 uncovered
/// ```
pub fn greedy_interchange(s: &Siting, p: usize, objective: Objective) -> (Vec<usize>, f64) {
    greedy_interchange_until(s, p, objective, None)
}

/// Whether the caller asked to stop (checked once per interchange pass: the sites kept are
/// the best found so far).
fn stopped(stop: Option<StopCheck<'_>>) -> bool {
    stop.is_some_and(|s| (s.0)())
}

/// [`greedy_interchange`] that ends its interchange early when `stop` says so.
pub fn greedy_interchange_until(
    s: &Siting,
    p: usize,
    objective: Objective,
    stop: Option<StopCheck<'_>>,
) -> (Vec<usize>, f64) {
    if objective == Objective::Coverage {
        if s.capacitated() {
            return capacitated_greedy_interchange(s, p, stop);
        }
        return coverage_greedy_interchange(s, p, stop);
    }
    let st = State::new(s, objective);
    let candidates = s.candidates();
    let mut open: Vec<usize> = Vec::with_capacity(p);
    let mut best = st.best_values(&[]);
    for _ in 0..p.min(candidates.len()) {
        let mut pick: Option<(usize, f64)> = None;
        for &j in candidates.iter().filter(|j| !open.contains(j)) {
            let saving: f64 = st
                .active
                .iter()
                .zip(&best)
                .map(|(&i, b)| s.demand[i] * (b - st.point_value(i, j)).max(0.0))
                .sum();
            if pick.is_none_or(|(_, b)| saving > b) {
                pick = Some((j, saving));
            }
        }
        let Some((j, _)) = pick else { break };
        open.push(j);
        for (b, &i) in best.iter_mut().zip(&st.active) {
            *b = b.min(st.point_value(i, j));
        }
    }
    let mut loss = st.loss(&best);
    // Teitz–Bart: best improving swap per pass.
    while !stopped(stop) {
        let mut improvement: Option<(usize, usize, f64)> = None;
        for slot in 0..open.len() {
            for &c in candidates.iter().filter(|c| !open.contains(c)) {
                let mut trial = open.clone();
                trial[slot] = c;
                let l = st.loss(&st.best_values(&trial));
                if l < loss - 1e-9 * loss.abs().max(1.0)
                    && improvement.is_none_or(|(_, _, b)| l < b)
                {
                    improvement = Some((slot, c, l));
                }
            }
        }
        match improvement {
            Some((slot, c, l)) => {
                open[slot] = c;
                loss = l;
            }
            None => break,
        }
    }
    open.sort_unstable();
    (open, loss)
}

/// The coverage case with O(|cover lists|) swap evaluation: per demand point the number of
/// open sites covering it; a swap s → c loses the points only s covers and gains the points
/// c covers that nothing else (other than s) does.
fn coverage_greedy_interchange(
    s: &Siting,
    p: usize,
    stop: Option<StopCheck<'_>>,
) -> (Vec<usize>, f64) {
    let covers = s.covers();
    let candidates = s.candidates();
    let mut count = vec![0u32; s.n()];
    for j in (0..s.sites).filter(|&j| s.fixed[j]) {
        for &i in &covers[j] {
            count[i] += 1;
        }
    }
    let gain = |j: usize, count: &[u32]| -> f64 {
        covers[j]
            .iter()
            .filter(|&&i| count[i] == 0)
            .map(|&i| s.demand[i])
            .sum()
    };
    let mut open: Vec<usize> = Vec::with_capacity(p);
    let mut is_open = vec![false; s.sites];
    for _ in 0..p.min(candidates.len()) {
        let Some((_, j)) = candidates
            .iter()
            .filter(|&&j| !is_open[j])
            .map(|&j| (gain(j, &count), j))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        else {
            break;
        };
        open.push(j);
        is_open[j] = true;
        for &i in &covers[j] {
            count[i] += 1;
        }
    }
    let mut in_out = vec![false; s.n()];
    let tol = 1e-9 * s.total_demand().max(1.0);
    while !stopped(stop) {
        let mut improvement: Option<(usize, usize, f64)> = None;
        for (slot, &out) in open.iter().enumerate() {
            let lost: f64 = covers[out]
                .iter()
                .filter(|&&i| count[i] == 1)
                .map(|&i| s.demand[i])
                .sum();
            for &i in &covers[out] {
                in_out[i] = true;
            }
            for &c in candidates.iter().filter(|&&c| !is_open[c]) {
                let gained: f64 = covers[c]
                    .iter()
                    .filter(|&&i| count[i] == 0 || (count[i] == 1 && in_out[i]))
                    .map(|&i| s.demand[i])
                    .sum();
                let delta = gained - lost;
                if delta > tol && improvement.is_none_or(|(_, _, b)| delta > b) {
                    improvement = Some((slot, c, delta));
                }
            }
            for &i in &covers[out] {
                in_out[i] = false;
            }
        }
        let Some((slot, c, _)) = improvement else {
            break;
        };
        let out = open[slot];
        for &i in &covers[out] {
            count[i] -= 1;
        }
        for &i in &covers[c] {
            count[i] += 1;
        }
        is_open[out] = false;
        is_open[c] = true;
        open[slot] = c;
    }
    open.sort_unstable();
    let covered: f64 = (0..s.n())
        .filter(|&i| count[i] > 0)
        .map(|i| s.demand[i])
        .sum();
    (open, s.total_demand() - covered)
}

/// The coverage case with capacities: gains from the maximum-flow allocation. A swap out → c
/// is evaluated as the gain of c on the allocation without `out` (one rebuild per open site
/// and pass, one augmentation per candidate).
fn capacitated_greedy_interchange(
    s: &Siting,
    p: usize,
    stop: Option<StopCheck<'_>>,
) -> (Vec<usize>, f64) {
    let candidates = s.candidates();
    let mut alloc = Allocation::new(s);
    let mut open: Vec<usize> = Vec::with_capacity(p);
    for _ in 0..p.min(candidates.len()) {
        let Some((_, j)) = candidates
            .iter()
            .filter(|j| !open.contains(j))
            .map(|&j| (alloc.gain(j), j))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        else {
            break;
        };
        alloc.open(j);
        open.push(j);
    }
    let tol = 1e-9 * s.total_demand().max(1.0);
    let mut value = alloc.value();
    while !stopped(stop) {
        let mut improvement: Option<(usize, usize, f64)> = None;
        for slot in 0..open.len() {
            let others: Vec<usize> = (0..open.len())
                .filter(|&k| k != slot)
                .map(|k| open[k])
                .collect();
            let mut without = Allocation::with_open(s, &others);
            let base = without.value();
            for &c in candidates.iter().filter(|c| !open.contains(c)) {
                let v = base + without.gain(c);
                if v > value + tol && improvement.is_none_or(|(_, _, b)| v > b) {
                    improvement = Some((slot, c, v));
                }
            }
        }
        let Some((slot, c, v)) = improvement else {
            break;
        };
        open[slot] = c;
        value = v;
    }
    open.sort_unstable();
    (open, s.total_demand() - value)
}

/// Swaps per open site tried under the capacitated cost in each interchange pass: the best by
/// the uncapacitated cost (a candidate list; evaluating every swap under capacities costs a
/// least-cost assignment each).
const CAPACITATED_SWAPS: usize = 8;

/// Teitz–Bart interchange for the capacitated p-median from `open`: each pass ranks every
/// swap (open new site → closed candidate) by the uncapacitated cost, evaluates the best
/// `CAPACITATED_SWAPS` (8) per open site by the least-cost assignment within the capacities
/// ([`transport::assign`]), and makes the best improving one. Returns the sites (ascending)
/// and their cost.
pub fn capacitated_interchange(
    s: &Siting,
    mut open: Vec<usize>,
    stop: Option<StopCheck<'_>>,
) -> (Vec<usize>, f64) {
    let candidates = s.candidates();
    let mut free = s.clone();
    free.capacity = vec![f64::INFINITY; s.sites];
    let st = State::new(&free, Objective::Median);
    let mut cost = transport::assign(s, &open).cost;
    for _pass in 0..100 {
        if stopped(stop) {
            break;
        }
        let mut best: Option<(usize, usize, f64)> = None;
        for slot in 0..open.len() {
            let mut ranked: Vec<(f64, usize)> = candidates
                .iter()
                .filter(|c| !open.contains(c))
                .map(|&c| {
                    let mut trial = open.clone();
                    trial[slot] = c;
                    (st.loss(&st.best_values(&trial)), c)
                })
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, c) in ranked.iter().take(CAPACITATED_SWAPS) {
                let mut trial = open.clone();
                trial[slot] = c;
                let t = transport::assign(s, &trial).cost;
                if t < cost - 1e-9 * cost.abs().max(1.0) && best.is_none_or(|(_, _, b)| t < b) {
                    best = Some((slot, c, t));
                }
            }
        }
        let Some((slot, c, t)) = best else { break };
        open[slot] = c;
        cost = t;
    }
    open.sort_unstable();
    (open, cost)
}

#[cfg(test)]
mod tests {
    use super::super::tests::random_instance;
    use super::*;

    #[test]
    fn greedy_interchange_opens_p_sites() {
        let s = random_instance(5, 30, 8, 1);
        let (open, loss) = greedy_interchange(&s, 3, Objective::Coverage);
        assert_eq!(open.len(), 3);
        assert!((s.total_demand() - s.coverage(&open) - loss).abs() < 1e-9);
        let (open, loss) = greedy_interchange(&s, 2, Objective::Median);
        assert!((s.median_cost(&open) - loss).abs() < 1e-6 * loss);
    }
}
