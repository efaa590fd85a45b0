//! Capacitated coverage: how much demand the open sites can serve within reach when site j
//! serves at most its capacity Cⱼ (Current & Storbeck 1988, with divisible demand: the
//! children of one area may go to different centres within reach).
//!
//! It is the maximum flow of the network source → site j (capacity Cⱼ) → demand point i
//! within reach of j (unbounded) → sink (capacity aᵢ). Sites are opened one at a time, each
//! followed by shortest augmenting paths (breadth-first, Edmonds–Karp) *from that site only*:
//! a site opened earlier that still has spare capacity cannot reach an unserved point, and
//! augmenting along a path that starts elsewhere never gives it such a path (every new residual
//! edge points back along the augmented path, whose forward part it could already use), so the
//! flow stays maximal after each opening. A journal of every change lets a search open a site,
//! read what it adds, and roll back.
//!
//! The served demand, as a function of the set of open sites, is the rank function of a
//! polymatroid and so submodular: what r sites add together is at most the sum of what each
//! adds alone. The branch-and-bound bounds of [`super::exact`] therefore hold with capacities.

use super::Siting;
use std::collections::VecDeque;

/// One undoable change.
#[derive(Debug, Clone, Copy)]
enum Change {
    Flow { j: usize, k: usize, old: f64 },
    Load { j: usize, old: f64 },
    Served { i: usize, old: f64 },
    Total { old: f64 },
    Opened { j: usize },
}

/// The maximum-flow allocation of demand to the open sites (see the module documentation).
///
/// ```
/// use local_atlas::analysis::siting::{Siting, flow::Allocation};
/// // Two points (demand 5 and 5) and two sites of capacity 6; site 0 reaches both points,
/// // site 1 only point 1.
/// let cost = vec![0.0, f64::INFINITY, 0.0, 0.0];
/// let s = Siting::new(vec![5.0, 5.0], cost, 2, vec![false; 2], 1.0).unwrap()
///     .with_capacity(vec![6.0, 6.0]).unwrap();
/// let mut a = Allocation::new(&s);
/// assert_eq!(a.open(1), 5.0); // site 1 serves point 1
/// assert_eq!(a.gain(0), 5.0); // site 0 would serve point 0 (not 6: point 0 wants 5)
/// assert_eq!(a.open(0), 5.0);
/// assert_eq!(a.value(), 10.0);
/// ```
#[derive(Debug, Clone)]
pub struct Allocation<'a> {
    s: &'a Siting,
    /// Per site, the demand points (with demand) within reach.
    covers: Vec<Vec<usize>>,
    /// Per demand point, the (site, position in that site's cover list) pairs reaching it.
    reached_by: Vec<Vec<(usize, usize)>>,
    /// Per site, the flow to each point of its cover list.
    flow: Vec<Vec<f64>>,
    load: Vec<f64>,
    served: Vec<f64>,
    total: f64,
    is_open: Vec<bool>,
    journal: Vec<Change>,
    tol: f64,
    stamp: u32,
    site_seen: Vec<u32>,
    area_seen: Vec<u32>,
    /// Breadth-first parents: a site's (point, position in the site's list) it was reached
    /// from backwards; a point's (site, position) it was reached from forwards.
    site_parent: Vec<(usize, usize)>,
    area_parent: Vec<(usize, usize)>,
}

impl<'a> Allocation<'a> {
    /// The allocation with the fixed sites open.
    pub fn new(s: &'a Siting) -> Self {
        let covers = s.covers();
        let mut reached_by = vec![Vec::new(); s.n()];
        for (j, list) in covers.iter().enumerate() {
            for (k, &i) in list.iter().enumerate() {
                reached_by[i].push((j, k));
            }
        }
        let flow = covers.iter().map(|c| vec![0.0; c.len()]).collect();
        let biggest = s.demand.iter().fold(1.0f64, |m, a| m.max(*a));
        let mut a = Self {
            s,
            covers,
            reached_by,
            flow,
            load: vec![0.0; s.sites],
            served: vec![0.0; s.n()],
            total: 0.0,
            is_open: vec![false; s.sites],
            journal: Vec::new(),
            tol: 1e-9 * biggest,
            stamp: 0,
            site_seen: vec![0; s.sites],
            area_seen: vec![0; s.n()],
            site_parent: vec![(0, 0); s.sites],
            area_parent: vec![(0, 0); s.n()],
        };
        for j in (0..s.sites).filter(|&j| s.fixed[j]) {
            a.open(j);
        }
        a.journal.clear();
        a
    }

    /// The allocation with the fixed sites and `open` open.
    pub fn with_open(s: &'a Siting, open: &[usize]) -> Self {
        let mut a = Self::new(s);
        for &j in open {
            a.open(j);
        }
        a
    }

    /// Served demand in total.
    pub fn value(&self) -> f64 {
        self.total
    }

    /// Served demand per demand point.
    pub fn served(&self) -> &[f64] {
        &self.served
    }

    /// Demand served by site `j`.
    pub fn load(&self, j: usize) -> f64 {
        self.load[j]
    }

    /// The demand points site `j` serves, with the amounts.
    pub fn flows(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.covers[j]
            .iter()
            .zip(&self.flow[j])
            .filter(|(_, f)| **f > self.tol)
            .map(|(i, f)| (*i, *f))
    }

    /// A point to roll back to.
    pub fn mark(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every change since `mark`.
    pub fn rollback(&mut self, mark: usize) {
        while self.journal.len() > mark {
            match self.journal.pop() {
                Some(Change::Flow { j, k, old }) => self.flow[j][k] = old,
                Some(Change::Load { j, old }) => self.load[j] = old,
                Some(Change::Served { i, old }) => self.served[i] = old,
                Some(Change::Total { old }) => self.total = old,
                Some(Change::Opened { j }) => self.is_open[j] = false,
                None => break,
            }
        }
    }

    /// What opening `j` would add, leaving the allocation as it was.
    pub fn gain(&mut self, j: usize) -> f64 {
        let m = self.mark();
        let g = self.open(j);
        self.rollback(m);
        g
    }

    /// Opens site `j` and re-allocates; returns the demand it adds (0 if already open).
    pub fn open(&mut self, j: usize) -> f64 {
        if self.is_open[j] {
            return 0.0;
        }
        self.is_open[j] = true;
        self.journal.push(Change::Opened { j });
        let mut added = 0.0;
        loop {
            let spare = self.s.capacity[j] - self.load[j];
            if spare <= self.tol {
                break;
            }
            let Some(end) = self.find_path(j) else { break };
            let delta = self.bottleneck(j, end, spare);
            if delta <= self.tol {
                break;
            }
            self.augment(j, end, delta);
            added += delta;
        }
        added
    }

    /// Breadth-first search from site `j` for a point with unserved demand.
    fn find_path(&mut self, j: usize) -> Option<usize> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.site_seen.fill(0);
            self.area_seen.fill(0);
            self.stamp = 1;
        }
        let st = self.stamp;
        self.site_seen[j] = st;
        let mut queue = VecDeque::from([j]);
        while let Some(k) = queue.pop_front() {
            for pos in 0..self.covers[k].len() {
                let i = self.covers[k][pos];
                if self.area_seen[i] == st {
                    continue;
                }
                self.area_seen[i] = st;
                self.area_parent[i] = (k, pos);
                if self.s.demand[i] - self.served[i] > self.tol {
                    return Some(i);
                }
                for r in 0..self.reached_by[i].len() {
                    let (k2, pos2) = self.reached_by[i][r];
                    if self.is_open[k2]
                        && self.site_seen[k2] != st
                        && self.flow[k2][pos2] > self.tol
                    {
                        self.site_seen[k2] = st;
                        self.site_parent[k2] = (i, pos2);
                        queue.push_back(k2);
                    }
                }
            }
        }
        None
    }

    /// The most that can go along the path found to `end`.
    fn bottleneck(&self, j: usize, end: usize, spare: f64) -> f64 {
        let mut delta = spare.min(self.s.demand[end] - self.served[end]);
        let mut i = end;
        loop {
            let (k, _) = self.area_parent[i];
            if k == j {
                return delta;
            }
            let (prev, back) = self.site_parent[k];
            delta = delta.min(self.flow[k][back]);
            i = prev;
        }
    }

    fn augment(&mut self, j: usize, end: usize, delta: f64) {
        let mut i = end;
        loop {
            let (k, pos) = self.area_parent[i];
            self.set_flow(k, pos, self.flow[k][pos] + delta);
            if k == j {
                break;
            }
            let (prev, back) = self.site_parent[k];
            self.set_flow(k, back, self.flow[k][back] - delta);
            i = prev;
        }
        self.journal.push(Change::Load {
            j,
            old: self.load[j],
        });
        self.load[j] += delta;
        self.journal.push(Change::Served {
            i: end,
            old: self.served[end],
        });
        self.served[end] += delta;
        self.journal.push(Change::Total { old: self.total });
        self.total += delta;
    }

    fn set_flow(&mut self, j: usize, k: usize, value: f64) {
        self.journal.push(Change::Flow {
            j,
            k,
            old: self.flow[j][k],
        });
        self.flow[j][k] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::random_instance;
    use super::*;

    /// Max flow by brute force over integer allocations is too slow; instead check the
    /// invariants a maximum flow must satisfy and the min-cut certificate: a flow is maximal
    /// iff no augmenting path exists from any site with spare capacity.
    fn check(s: &Siting, open: &[usize]) {
        let a = Allocation::with_open(s, open);
        let tol = 1e-7;
        for j in 0..s.sites {
            assert!(a.load[j] <= s.capacity[j] + tol);
            let sum: f64 = a.flow[j].iter().sum();
            assert!((sum - a.load[j]).abs() < tol);
            assert!(a.flow[j].iter().all(|f| *f >= -tol));
        }
        for i in 0..s.n() {
            assert!(a.served[i] <= s.demand[i] + tol);
        }
        assert!((a.served.iter().sum::<f64>() - a.value()).abs() < tol);
        // No augmenting path from any open site with spare capacity.
        let mut b = a.clone();
        for j in 0..s.sites {
            if b.is_open[j] && s.capacity[j] - b.load[j] > 1e-6 {
                assert!(b.find_path(j).is_none(), "site {j} can still serve more");
            }
        }
    }

    #[test]
    fn allocations_are_maximal_flows_in_any_order() {
        for seed in 0..10 {
            let s = random_instance(300 + seed, 40, 8, (seed % 3) as usize);
            let s = s.with_capacity((0..8).map(|j| 8.0 + 3.0 * j as f64).collect());
            let s = s.unwrap();
            let cands = s.candidates();
            check(&s, &cands);
            check(&s, &cands[..cands.len() / 2]);
            let forward = Allocation::with_open(&s, &cands).value();
            let mut rev = cands.clone();
            rev.reverse();
            let backward = Allocation::with_open(&s, &rev).value();
            assert!((forward - backward).abs() < 1e-9, "seed {seed}");
        }
    }

    /// Max-flow = min-cut, the cut enumerated by brute force: for each set U of demand points
    /// left on the sink side, the sites reaching U are cut (Σ Cⱼ) and the rest of the demand is
    /// cut at the sink (a(I \ U)).
    fn min_cut(s: &Siting, open: &[usize]) -> f64 {
        let n = s.n();
        let sites: Vec<usize> = (0..s.sites)
            .filter(|&j| s.fixed[j] || open.contains(&j))
            .collect();
        (0u32..1 << n)
            .map(|u| {
                let in_u = |i: usize| u & (1 << i) != 0;
                let sites_cut: f64 = sites
                    .iter()
                    .filter(|&&j| {
                        (0..n).any(|i| in_u(i) && s.demand[i] > 0.0 && s.cost(i, j) <= s.reach)
                    })
                    .map(|&j| s.capacity[j].min(1e12))
                    .sum();
                let rest: f64 = (0..n).filter(|&i| !in_u(i)).map(|i| s.demand[i]).sum();
                sites_cut + rest
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn allocation_equals_the_brute_force_min_cut() {
        let mut binding = 0;
        for seed in 0..20 {
            let mut s = random_instance(600 + seed, 11, 5, (seed % 2) as usize);
            s.reach = 450.0;
            let s = s
                .with_capacity(vec![4.0, 9.0, 7.0, 12.0, f64::INFINITY])
                .unwrap();
            let cands = s.candidates();
            for k in 0..=cands.len() {
                let open = &cands[..k];
                let flow = Allocation::with_open(&s, open).value();
                let cut = min_cut(&s, open);
                assert!(
                    (flow - cut).abs() < 1e-9,
                    "seed {seed} k {k}: {flow} vs {cut}"
                );
                if flow
                    < s.covered(open)
                        .iter()
                        .zip(&s.demand)
                        .filter(|c| *c.0)
                        .map(|c| c.1)
                        .sum::<f64>()
                        - 0.5
                {
                    binding += 1;
                }
            }
        }
        assert!(binding > 10, "capacities bind in only {binding} cases");
    }

    #[test]
    fn rollback_restores_the_state() {
        let s = random_instance(4, 30, 6, 1)
            .with_capacity(vec![10.0; 6])
            .unwrap();
        let mut a = Allocation::new(&s);
        a.open(2);
        let before = (a.value(), a.served.clone(), a.flow.clone());
        let m = a.mark();
        a.open(3);
        a.open(4);
        a.rollback(m);
        assert_eq!((a.value(), a.served.clone(), a.flow.clone()), before);
        assert!(!a.is_open[3]);
    }

    #[test]
    fn unlimited_capacity_equals_plain_coverage() {
        let s = random_instance(8, 40, 8, 2);
        let cands = s.candidates();
        let plain = s.coverage(&cands[..3]);
        assert!((Allocation::with_open(&s, &cands[..3]).value() - plain).abs() < 1e-9);
    }

    #[test]
    fn coverage_is_submodular_with_capacities() {
        // What a site adds never grows as other sites open: the bound the search relies on.
        let s = random_instance(21, 40, 8, 0)
            .with_capacity(vec![12.0; 8])
            .unwrap();
        let mut a = Allocation::new(&s);
        let mut last: Vec<f64> = (0..8).map(|j| a.gain(j)).collect();
        for j in 0..7 {
            a.open(j);
            for (k, prev) in last.iter_mut().enumerate().skip(j + 1) {
                let g = a.gain(k);
                assert!(g <= *prev + 1e-9, "site {k} gains more after opening {j}");
                *prev = g;
            }
        }
    }
}
