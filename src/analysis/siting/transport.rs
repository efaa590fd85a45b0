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
//! the last one is optimal. Cost O(n·k) per path, about n + k paths.

use super::Siting;

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
    let penalty = s.penalty();
    let sites: Vec<usize> = (0..s.sites)
        .filter(|&j| s.fixed[j] || open.contains(&j))
        .collect();
    let k = sites.len();
    // Slot k is "unserved": unbounded, every point at the penalty.
    let cost = |i: usize, slot: usize| -> f64 {
        if slot == k {
            penalty
        } else {
            s.cost(i, sites[slot]).min(penalty)
        }
    };
    let capacity = |slot: usize| -> f64 {
        if slot == k {
            f64::INFINITY
        } else {
            s.capacity[sites[slot]]
        }
    };
    let n = s.n();
    let tol = 1e-12 * s.demand.iter().fold(1.0f64, |m, a| m.max(*a));
    let mut remaining: Vec<f64> = s.demand.clone();
    let mut parts: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut load = vec![0.0; k + 1];
    let mut pending: Vec<usize> = (0..n).filter(|&i| remaining[i] > tol).collect();
    while !pending.is_empty() {
        let path = shortest_path(&pending, &parts, k, &cost, |slot| {
            capacity(slot) - load[slot] > tol
        });
        let Some(path) = path else { break };
        let mut delta = remaining[path.start].min(capacity(path.end) - load[path.end]);
        for m in &path.moves {
            delta = delta.min(part(&parts[m.point], m.from));
        }
        add(&mut parts[path.start], path.first, delta);
        for m in &path.moves {
            add(&mut parts[m.point], m.from, -delta);
            add(&mut parts[m.point], m.to, delta);
        }
        load[path.end] += delta;
        remaining[path.start] -= delta;
        if remaining[path.start] <= tol {
            remaining[path.start] = 0.0;
            pending.retain(|&i| i != path.start);
        }
        for p in &mut parts {
            p.retain(|(_, x)| *x > tol);
        }
    }
    let total: f64 = (0..n)
        .flat_map(|i| parts[i].iter().map(move |&(slot, x)| x * cost(i, slot)))
        .sum();
    let unserved = load[k];
    let mut site_load = vec![0.0; s.sites];
    for (slot, &j) in sites.iter().enumerate() {
        site_load[j] = load[slot];
    }
    Transport {
        cost: total + 0.0,
        parts: parts
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .filter(|(slot, _)| *slot < k)
                    .map(|(slot, x)| (sites[slot], x))
                    .collect()
            })
            .collect(),
        load: site_load,
        unserved,
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

/// Bellman–Ford over the k + 1 slots (see the module documentation).
fn shortest_path(
    pending: &[usize],
    parts: &[Vec<(usize, f64)>],
    k: usize,
    cost: &dyn Fn(usize, usize) -> f64,
    has_room: impl Fn(usize) -> bool,
) -> Option<Path> {
    let slots = k + 1;
    // First edges: the cheapest pending point per slot.
    let mut dist = vec![f64::INFINITY; slots];
    let mut entry = vec![usize::MAX; slots];
    for &i in pending {
        for slot in 0..slots {
            let c = cost(i, slot);
            if c < dist[slot] {
                dist[slot] = c;
                entry[slot] = i;
            }
        }
    }
    // Moves: the cheapest point to move from slot a to slot b.
    let mut moves = vec![(f64::INFINITY, usize::MAX); slots * slots];
    for (i, p) in parts.iter().enumerate() {
        for &(a, _) in p {
            let here = cost(i, a);
            for b in (0..slots).filter(|&b| b != a) {
                let c = cost(i, b) - here;
                if c < moves[a * slots + b].0 {
                    moves[a * slots + b] = (c, i);
                }
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
        .filter(|&b| dist[b].is_finite() && has_room(b))
        .min_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(a.cmp(&b)))?;
    let mut path_moves = Vec::new();
    let mut b = end;
    let mut guard = 0;
    while pred[b] != usize::MAX && guard <= slots {
        let a = pred[b];
        path_moves.push(Move {
            point: moves[a * slots + b].1,
            from: a,
            to: b,
        });
        b = a;
        guard += 1;
    }
    path_moves.reverse();
    Some(Path {
        start: entry[b],
        first: b,
        moves: path_moves,
        end,
    })
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
