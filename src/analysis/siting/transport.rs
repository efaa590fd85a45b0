//! The least-cost assignment of demand to open sites within their capacities (the
//! transportation problem under a capacitated p-median): minimise Σ aᵢ-units · cᵢⱼ with each
//! site j serving at most Cⱼ, demand divisible, and demand no open site can take charged the
//! p-median's penalty (an unbounded "unserved" sink at that cost, so every solution is
//! feasible; unreachable pairs cost the penalty too, as in the uncapacitated p-median).
//!
//! Successive shortest paths on the sites: with few open sites (k) and many demand points
//! (n), a residual path source → point → site → (point moved) → site → … → sink is a path
//! over the sites whose first edge costs the cheapest cᵢⱼ of a point with unassigned demand,
//! and whose edge j → j′ costs the cheapest move cᵢⱼ′ − cᵢⱼ of a point i now (partly) at j.
//! Bellman–Ford over the k + 1 sites finds it (moves can cost less than nothing); augmenting
//! along shortest paths keeps the assignment least-cost at every step (no negative cycle), so
//! the last one is optimal. The cheapest entries are kept as per-site sorted lists and the
//! cheapest moves in one heap per pair of sites, so a path costs O(k² log n + k³), about
//! n + k paths.

use super::Siting;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A least-cost assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Transport {
    /// Σ demand · cost, unserved demand at the penalty.
    pub cost: f64,
    /// Per demand point, its (site, amount) parts; demand left unserved is not listed.
    pub parts: Vec<Vec<(usize, f64)>>,
    /// Per site (all of them, closed ones 0), the demand it serves.
    pub load: Vec<f64>,
    /// Demand no open site could take within its capacity (charged the penalty).
    pub unserved: f64,
}

/// The least-cost assignment with the fixed sites and `open` open (see the module docs).
///
/// ```
/// use local_atlas::analysis::siting::{Siting, transport::assign};
/// // Points at 0 and 10 m (demand 2 each), sites at 0 and 10 m; the site at 0 m takes 3.
/// // Site 1 is closed: site 0 serves 3 (2 at 0 m, 1 at 10 m), 1 unit is unserved.
/// let cost = vec![0.0, 10.0, 10.0, 0.0];
/// let s = Siting::new(vec![2.0, 2.0], cost, 2, vec![true, false], 50.0).unwrap()
///     .with_capacity(vec![3.0, 3.0]).unwrap();
/// let t = assign(&s, &[]);
/// assert_eq!((t.load[0], t.unserved), (3.0, 1.0));
/// assert_eq!(t.cost, 10.0 + 1.0 * s.penalty()); // 1 unit moved 10 m, 1 unserved
/// let t = assign(&s, &[1]);
/// assert_eq!((t.cost, t.unserved), (0.0, 0.0));
/// ```
pub fn assign(s: &Siting, open: &[usize]) -> Transport {
    let sites: Vec<usize> = (0..s.sites)
        .filter(|&j| s.fixed[j] || open.contains(&j))
        .collect();
    let mut solver = Solver::new(s, &sites);
    // About n + k paths; the cap only guards against a float-rounding loop (whatever is left
    // then is charged as unserved, so the cost stays that of a feasible assignment).
    let cap = 50 * (s.n() + sites.len() + 1);
    for _ in 0..cap {
        let Some(path) = solver.shortest_path() else {
            break;
        };
        solver.augment(&path);
    }
    solver.finish(s, &sites)
}

/// Total order on costs for the heaps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

type MinHeap = BinaryHeap<Reverse<(Key, usize)>>;

/// Successive-shortest-path state over `slots` = the open sites + "unserved".
struct Solver {
    slots: usize,
    /// `cost[i * slots + slot]`, unreachable pairs and "unserved" at the penalty.
    cost: Vec<f64>,
    capacity: Vec<f64>,
    remaining: Vec<f64>,
    parts: Vec<Vec<(usize, f64)>>,
    load: Vec<f64>,
    /// Per slot, the points by increasing cost, and a cursor past the finished ones (points
    /// only ever finish, so the cursor's point is the cheapest pending one).
    by_cost: Vec<Vec<usize>>,
    cursor: Vec<usize>,
    /// Per (from, to) slot pair, the points at `from` by the cost of moving them to `to`
    /// (lazy: a point that has left `from` is dropped when it reaches the top).
    moves: Vec<MinHeap>,
    tol: f64,
}

impl Solver {
    fn new(s: &Siting, sites: &[usize]) -> Self {
        let penalty = s.penalty();
        let k = sites.len();
        let slots = k + 1;
        let n = s.n();
        let mut cost = Vec::with_capacity(n * slots);
        for i in 0..n {
            cost.extend(sites.iter().map(|&j| s.cost(i, j).min(penalty)));
            cost.push(penalty);
        }
        let mut capacity: Vec<f64> = sites.iter().map(|&j| s.capacity[j]).collect();
        capacity.push(f64::INFINITY);
        let tol = 1e-12 * s.demand.iter().fold(1.0f64, |m, a| m.max(*a));
        let pending: Vec<usize> = (0..n).filter(|&i| s.demand[i] > tol).collect();
        let by_cost = (0..slots)
            .map(|slot| {
                let mut v = pending.clone();
                v.sort_by(|&a, &b| {
                    cost[a * slots + slot]
                        .total_cmp(&cost[b * slots + slot])
                        .then(a.cmp(&b))
                });
                v
            })
            .collect();
        Self {
            slots,
            cost,
            capacity,
            remaining: s.demand.clone(),
            parts: vec![Vec::new(); n],
            load: vec![0.0; slots],
            by_cost,
            cursor: vec![0; slots],
            moves: vec![BinaryHeap::new(); slots * slots],
            tol,
        }
    }

    fn c(&self, i: usize, slot: usize) -> f64 {
        self.cost[i * self.slots + slot]
    }

    /// The cheapest pending point to enter `slot`.
    fn entry(&mut self, slot: usize) -> Option<usize> {
        let list = &self.by_cost[slot];
        let mut at = self.cursor[slot];
        while at < list.len() && self.remaining[list[at]] <= self.tol {
            at += 1;
        }
        self.cursor[slot] = at;
        list.get(at).copied()
    }

    /// The cheapest move of a point from slot `a` to slot `b`: (cost, point).
    fn best_move(&mut self, a: usize, b: usize) -> Option<(f64, usize)> {
        let heap = &mut self.moves[a * self.slots + b];
        while let Some(Reverse((key, i))) = heap.peek().copied() {
            if part(&self.parts[i], a) > self.tol {
                return Some((key.0, i));
            }
            heap.pop();
        }
        None
    }

    /// Bellman–Ford over the slots (see the module documentation).
    fn shortest_path(&mut self) -> Option<Path> {
        let slots = self.slots;
        let mut dist = vec![f64::INFINITY; slots];
        let mut entry = vec![usize::MAX; slots];
        for slot in 0..slots {
            if let Some(i) = self.entry(slot) {
                dist[slot] = self.c(i, slot);
                entry[slot] = i;
            }
        }
        if entry.iter().all(|e| *e == usize::MAX) {
            return None;
        }
        let mut moves = vec![(f64::INFINITY, usize::MAX); slots * slots];
        for a in 0..slots {
            for b in (0..slots).filter(|&b| b != a) {
                if let Some(m) = self.best_move(a, b) {
                    moves[a * slots + b] = m;
                }
            }
        }
        let mut pred = vec![usize::MAX; slots];
        for _ in 0..slots {
            let mut changed = false;
            for a in 0..slots {
                if !dist[a].is_finite() {
                    continue;
                }
                for b in 0..slots {
                    let (c, i) = moves[a * slots + b];
                    if i != usize::MAX && dist[a] + c < dist[b] - 1e-12 * dist[b].abs().max(1.0) {
                        dist[b] = dist[a] + c;
                        pred[b] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let end = (0..slots)
            .filter(|&b| dist[b].is_finite() && self.capacity[b] - self.load[b] > self.tol)
            .min_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(a.cmp(&b)))?;
        let mut path_moves = Vec::new();
        let mut b = end;
        while pred[b] != usize::MAX && path_moves.len() <= slots {
            let a = pred[b];
            path_moves.push(Move {
                point: moves[a * slots + b].1,
                from: a,
                to: b,
            });
            b = a;
        }
        path_moves.reverse();
        Some(Path {
            start: entry[b],
            first: b,
            moves: path_moves,
            end,
        })
    }

    fn augment(&mut self, path: &Path) {
        let mut delta =
            self.remaining[path.start].min(self.capacity[path.end] - self.load[path.end]);
        for m in &path.moves {
            delta = delta.min(part(&self.parts[m.point], m.from));
        }
        self.place(path.start, path.first, delta);
        for m in &path.moves {
            add(&mut self.parts[m.point], m.from, -delta);
            self.place(m.point, m.to, delta);
        }
        self.load[path.end] += delta;
        self.remaining[path.start] -= delta;
        let tol = self.tol;
        for i in std::iter::once(path.start).chain(path.moves.iter().map(|m| m.point)) {
            self.parts[i].retain(|(_, x)| *x > tol);
        }
    }

    /// Adds `x` of point `i` to `slot`, and offers it for moves out of `slot`.
    fn place(&mut self, i: usize, slot: usize, x: f64) {
        add(&mut self.parts[i], slot, x);
        let here = self.c(i, slot);
        for b in (0..self.slots).filter(|&b| b != slot) {
            let key = Key(self.c(i, b) - here);
            self.moves[slot * self.slots + b].push(Reverse((key, i)));
        }
    }

    fn finish(self, s: &Siting, sites: &[usize]) -> Transport {
        let k = sites.len();
        let left: f64 = self.remaining.iter().filter(|r| **r > self.tol).sum();
        let total: f64 = self
            .parts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.iter().map(move |&(slot, x)| (i, slot, x)))
            .map(|(i, slot, x)| x * self.c(i, slot))
            .sum::<f64>()
            + left * s.penalty();
        let mut site_load = vec![0.0; s.sites];
        for (slot, &j) in sites.iter().enumerate() {
            site_load[j] = self.load[slot];
        }
        Transport {
            cost: total + 0.0,
            unserved: self.load[k] + left,
            parts: self
                .parts
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .filter(|(slot, _)| *slot < k)
                        .map(|(slot, x)| (sites[slot], x))
                        .collect()
                })
                .collect(),
            load: site_load,
        }
    }
}

/// One move of a path: point `point`'s demand from slot `from` to slot `to`.
struct Move {
    point: usize,
    from: usize,
    to: usize,
}

/// A shortest residual path: a unit of point `start` goes to slot `first`, then `moves`, and
/// slot `end` takes it.
struct Path {
    start: usize,
    first: usize,
    moves: Vec<Move>,
    end: usize,
}

fn part(p: &[(usize, f64)], slot: usize) -> f64 {
    p.iter().find(|(s, _)| *s == slot).map_or(0.0, |(_, x)| *x)
}

fn add(p: &mut Vec<(usize, f64)>, slot: usize, x: f64) {
    match p.iter_mut().find(|(s, _)| *s == slot) {
        Some(e) => e.1 += x,
        None => p.push((slot, x)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::random_instance;
    use super::*;

    /// Every integer assignment of `demand` (small integers) to `slots` sites + unserved,
    /// within the capacities: the least cost. Transportation problems with integer data have
    /// integer optima, so this is the true optimum.
    fn brute_force(s: &Siting, open: &[usize]) -> f64 {
        struct Search<'a> {
            s: &'a Siting,
            sites: Vec<usize>,
            penalty: f64,
            load: Vec<f64>,
            best: f64,
        }
        impl Search<'_> {
            /// Point i has `left` units still to place, from site slot `slot` on.
            fn go(&mut self, i: usize, slot: usize, left: usize, acc: f64) {
                if i == self.s.n() {
                    self.best = self.best.min(acc);
                    return;
                }
                if slot == self.sites.len() {
                    let acc = acc + left as f64 * self.penalty;
                    let next = self.s.demand.get(i + 1).map_or(0, |a| *a as usize);
                    return self.go(i + 1, 0, next, acc);
                }
                let j = self.sites[slot];
                let room = (self.s.capacity[j] - self.load[slot]).max(0.0) as usize;
                for x in 0..=left.min(room) {
                    self.load[slot] += x as f64;
                    let c = x as f64 * self.s.cost(i, j).min(self.penalty);
                    self.go(i, slot + 1, left - x, acc + c);
                    self.load[slot] -= x as f64;
                }
            }
        }
        let sites: Vec<usize> = (0..s.sites)
            .filter(|&j| s.fixed[j] || open.contains(&j))
            .collect();
        let mut search = Search {
            s,
            load: vec![0.0; sites.len()],
            sites,
            penalty: s.penalty(),
            best: f64::INFINITY,
        };
        search.go(0, 0, s.demand[0] as usize, 0.0);
        search.best
    }

    #[test]
    fn assignment_is_least_cost_by_brute_force() {
        let mut binding = 0;
        for seed in 0..25 {
            let s = random_instance(700 + seed, 6, 4, (seed % 2) as usize);
            let demand: Vec<f64> = s.demand.iter().map(|a| (a % 4.0).floor()).collect();
            let s = Siting::new(demand, s.cost.clone(), 4, s.fixed.clone(), s.reach)
                .unwrap()
                .with_capacity(vec![2.0, 3.0, 4.0, 5.0])
                .unwrap();
            let cands = s.candidates();
            for k in 0..=cands.len().min(2) {
                let open = &cands[..k];
                let t = assign(&s, open);
                let want = brute_force(&s, open);
                assert!(
                    (t.cost - want).abs() < 1e-6,
                    "seed {seed} k {k}: {} vs {want}",
                    t.cost
                );
                let served: f64 = t.parts.iter().flatten().map(|p| p.1).sum();
                assert!((served + t.unserved - s.total_demand()).abs() < 1e-9);
                for j in 0..s.sites {
                    assert!(t.load[j] <= s.capacity[j] + 1e-9);
                }
                let free = Siting::new(
                    s.demand.clone(),
                    s.cost.clone(),
                    4,
                    s.fixed.clone(),
                    s.reach,
                )
                .unwrap();
                if t.cost > free.median_cost(open) + 1e-6 {
                    binding += 1;
                }
            }
        }
        assert!(binding > 10, "capacities bind in only {binding} cases");
    }

    #[test]
    fn without_capacities_it_is_the_nearest_site() {
        let s = random_instance(11, 30, 6, 1);
        let cands = s.candidates();
        let t = assign(&s, &cands[..2]);
        assert!((t.cost - s.median_cost(&cands[..2])).abs() < 1e-6 * t.cost.max(1.0));
        assert_eq!(t.unserved, 0.0);
    }
}
