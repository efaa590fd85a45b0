//! A lower bound for the capacitated p-median: Lagrangian relaxation of "each demand point
//! is assigned in full" (multipliers λᵢ ≥ 0), keeping the capacities.
//!
//! With xᵢⱼ the share of point i's demand aᵢ at site j, relaxing Σⱼ xᵢⱼ = 1 leaves one
//! continuous knapsack per site: ρⱼ = min Σᵢ (aᵢcᵢⱼ − λᵢ)·xᵢⱼ subject to Σᵢ aᵢxᵢⱼ ≤ Cⱼ,
//! 0 ≤ xᵢⱼ ≤ 1 (take the points of most negative cᵢⱼ − λᵢ/aᵢ first until the capacity is
//! used). Then L(λ) = Σλᵢ + Σ_{open} ρⱼ + ρ_unserved + the r most negative ρⱼ of the
//! candidates, ρ_unserved the same sum at the penalty cost with no capacity. Every L(λ)
//! bounds the capacitated optimum from below; subgradient steps (the Held–Karp ascent the
//! uncapacitated bound uses too) raise it. Unlike the uncapacitated bound it knows that a
//! site cannot serve more than its capacity, so it closes most of the gap the capacities
//! open.
//! Cost O(m·n log n) per step.

use super::Siting;
use super::subgradient::Ascent;

/// What a site's knapsack takes: (position among the active points, share).
type Taken = Vec<(usize, f64)>;

/// The bound for `r` new sites given the fixed ones, improved by up to `iterations` steps
/// towards the upper bound `upper` (the cost of a known solution).
///
/// ```
/// use local_atlas::analysis::siting::{Siting, capacity_bound::lower_bound};
/// // Two points (demand 10 each) beside site 0 (capacity 10), site 1 is 5 away: one point
/// // must go to site 1, so with both sites open the least cost is 10·5 = 50.
/// let cost = vec![0.0, 5.0, 0.0, 5.0];
/// let s = Siting::new(vec![10.0, 10.0], cost, 2, vec![true, false], 9.0).unwrap()
///     .with_capacity(vec![10.0, 100.0]).unwrap();
/// let lb = lower_bound(&s, 1, 50.0, 300);
/// assert!(lb <= 50.0 + 1e-9 && lb > 45.0, "{lb}");
/// ```
pub fn lower_bound(s: &Siting, r: usize, upper: f64, iterations: usize) -> f64 {
    let penalty = s.penalty();
    let active: Vec<usize> = (0..s.n()).filter(|&i| s.demand[i] > 0.0).collect();
    if active.is_empty() {
        return 0.0;
    }
    let c = |i: usize, j: usize| s.cost(i, j).min(penalty);
    // Start: each point's demand at its cheapest site.
    let mut lambda: Vec<f64> = active
        .iter()
        .map(|&i| s.demand[i] * (0..s.sites).map(|j| c(i, j)).fold(penalty, f64::min))
        .collect();
    let fixed: Vec<usize> = (0..s.sites).filter(|&j| s.fixed[j]).collect();
    let free: Vec<usize> = s.candidates();
    let mut ascent = Ascent::new();
    for _ in 0..iterations.max(1) {
        let mut covered = vec![0.0; active.len()];
        let mut lb: f64 = lambda.iter().sum();
        let knap = |j: usize, take: &mut Taken| -> f64 {
            knapsack(
                &active,
                &lambda,
                |i| s.demand[i] * c(i, j),
                |i| s.demand[i],
                s.capacity[j],
                take,
            )
        };
        let mut take = Vec::new();
        for &j in &fixed {
            take.clear();
            lb += knap(j, &mut take);
            take.iter().for_each(|(k, x)| covered[*k] += x);
        }
        // Unserved: no capacity, the penalty cost.
        take.clear();
        lb += knapsack(
            &active,
            &lambda,
            |i| s.demand[i] * penalty,
            |i| s.demand[i],
            f64::INFINITY,
            &mut take,
        );
        take.iter().for_each(|(k, x)| covered[*k] += x);
        let mut rho: Vec<(f64, usize, Taken)> = free
            .iter()
            .map(|&j| {
                let mut t = Vec::new();
                (knap(j, &mut t), j, t)
            })
            .collect();
        rho.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (v, _, t) in rho.iter().take(r) {
            lb += v.min(0.0);
            if *v < 0.0 {
                t.iter().for_each(|(k, x)| covered[*k] += x);
            }
        }
        if !ascent.record(lb, upper) {
            break;
        }
        let g: Vec<f64> = covered.iter().map(|x| 1.0 - x).collect();
        if !ascent.step(&mut lambda, &g, lb, upper) {
            break;
        }
    }
    ascent.best.min(upper)
}

/// The continuous knapsack of one site: the most negative Σ (cost(i) − λᵢ)·xᵢ with
/// Σ weight(i)·xᵢ ≤ `capacity`, 0 ≤ xᵢ ≤ 1; `take` gets the (position in `active`, xᵢ).
fn knapsack(
    active: &[usize],
    lambda: &[f64],
    cost: impl Fn(usize) -> f64,
    weight: impl Fn(usize) -> f64,
    capacity: f64,
    take: &mut Taken,
) -> f64 {
    // (reduced cost per unit of weight, position, reduced cost, weight)
    let mut items: Vec<(f64, usize, f64, f64)> = active
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            let g = cost(i) - lambda[k];
            let w = weight(i);
            (g < 0.0).then(|| (if w > 0.0 { g / w } else { f64::NEG_INFINITY }, k, g, w))
        })
        .collect();
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut room, mut value) = (capacity, 0.0);
    for (_, k, g, w) in items {
        if room <= 0.0 {
            break;
        }
        let x = if w <= room { 1.0 } else { room / w };
        value += g * x;
        room -= w * x;
        take.push((k, x));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::super::tests::{random_instance, subsets};
    use super::*;

    #[test]
    fn bound_never_exceeds_the_brute_force_optimum_and_beats_the_uncapacitated_one() {
        let mut tighter = 0;
        for seed in 0..10 {
            let s = random_instance(900 + seed, 25, 7, (seed % 2) as usize)
                .with_capacity((0..7).map(|j| 10.0 + 4.0 * j as f64).collect())
                .unwrap();
            let mut free = s.clone();
            free.capacity = vec![f64::INFINITY; 7];
            let cands = s.candidates();
            for p in 1..=2 {
                let best = subsets(&cands, p)
                    .iter()
                    .map(|o| s.median_cost(o))
                    .fold(f64::INFINITY, f64::min);
                let lb = lower_bound(&s, p, best, 400);
                assert!(lb <= best + 1e-6 * best, "seed {seed} p {p}: {lb} > {best}");
                let unc = subsets(&cands, p)
                    .iter()
                    .map(|o| free.median_cost(o))
                    .fold(f64::INFINITY, f64::min);
                if lb > unc + 1e-6 * unc {
                    tighter += 1;
                }
            }
        }
        assert!(
            tighter >= 10,
            "tighter than the uncapacitated optimum in {tighter} of 20"
        );
    }
}
