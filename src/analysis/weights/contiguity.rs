//! Contiguity weights: queen (a shared vertex) and rook (a shared edge).
//!
//! **Definition.** Two areas are *queen* neighbours when their boundaries have at least one
//! vertex in common, and *rook* neighbours when they have at least one edge (two consecutive
//! vertices of a ring, in either direction) in common. Coordinates are compared exactly, as
//! libpysal's `Queen.from_dataframe` / `Rook.from_dataframe` do (vertex method,
//! `libpysal/weights/_contW_lists.py`) and GeoDa does: boundaries digitised from one topology
//! share bit-identical vertices, so no tolerance is needed and none is applied. Weights are
//! binary and symmetric; an area with no neighbour (an island) keeps an empty row.
//!
//! **Parameters.** `ids` (one per polygon, in the same order) and the polygons in any planar or
//! geographic CRS (exact equality does not care). A vertex that is not finite is ignored.
//! `-0.0` is treated as `0.0`, as Python's float equality does.
//!
//! **Algorithm.** Every vertex of every ring is keyed by the bit patterns of its two
//! coordinates; a hash map numbers the distinct vertices, as libpysal's vertex method hashes
//! coordinate tuples. Queen: the positions are bucketed by vertex number (a counting sort) and
//! every bucket holding two or more areas links each of its areas to the others. Rook: every
//! ring edge becomes the pair (lower, upper) of its vertex numbers, tagged with its area; the
//! edges are bucketed by their lower vertex and each small bucket is sorted by the upper one,
//! which groups identical edges, whose areas are linked the same way. Zero-length edges (a
//! repeated vertex) are skipped: they are points, not edges. Rows are then sorted and
//! de-duplicated.
//!
//! **Complexity.** O(V) expected time and memory for V vertices in total, plus the links
//! emitted per shared vertex (k² for a vertex shared by k areas; k is 2–4 in real boundaries).
//! Never O(n²) in the number of areas.
//!
//! **Differences from libpysal.** libpysal's rook chains the rings of a geometry before taking
//! consecutive pairs, so it also forms a pseudo-edge from the end of one ring to the start of the
//! next, and it keeps zero-length edges. These matter only if two areas share such a pseudo-edge
//! or both repeat the same vertex; on Columbus and the GM and London LSOAs the results are
//! identical (tests/weights_reference.rs).
//!
//! References: Anselin, L. (1988) *Spatial Econometrics*, ch. 3 (contiguity); Rey, S. J. and
//! Anselin, L. (2007) PySAL: a Python library of spatial analytical methods, *Review of Regional
//! Studies* 37(1).

use super::SpatialWeights;
use geo::MultiPolygon;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Which contiguity criterion to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contiguity {
    /// At least one shared vertex.
    Queen,
    /// At least one shared edge.
    Rook,
}

/// Contiguity weights of `polygons` (binary, symmetric, islands kept as empty rows).
///
/// The weights have one row per polygon. `ids` should have the same length; if it is shorter
/// the missing ids are the row numbers as text, and extra ids are dropped.
///
/// A 3×3 grid of unit squares: the centre touches all eight others at a corner or more, but
/// shares an edge with only four.
///
/// ```
/// use geo::{MultiPolygon, Rect};
/// use local_atlas::analysis::weights::contiguity::{contiguity, Contiguity};
/// let mut squares = Vec::new();
/// let mut ids = Vec::new();
/// for row in 0..3 {
///     for col in 0..3 {
///         let (x, y) = (col as f64, row as f64);
///         squares.push(MultiPolygon(vec![Rect::new((x, y), (x + 1.0, y + 1.0)).to_polygon()]));
///         ids.push(format!("r{row}c{col}"));
///     }
/// }
/// let queen = contiguity(ids.clone(), &squares, Contiguity::Queen);
/// let rook = contiguity(ids, &squares, Contiguity::Rook);
/// assert_eq!(queen.neighbours[4].len(), 8);
/// assert_eq!(rook.neighbours[4].len(), 4);
/// assert_eq!(queen.summary().links, 40);
/// assert_eq!(rook.summary().links, 24);
/// ```
pub fn contiguity(
    ids: Vec<String>,
    polygons: &[MultiPolygon<f64>],
    kind: Contiguity,
) -> SpatialWeights {
    let n = polygons.len();
    let ids = fit_ids(ids, n);
    let vertices = Vertices::collect(polygons);
    let (vertex_of, distinct) = vertices.number();
    let mut rows = vec![Vec::new(); n];
    let mut scratch = Vec::new();
    match kind {
        Contiguity::Queen => {
            let tagged = vertex_of.iter().copied().zip(vertices.area.iter().copied());
            for group in Buckets::new(distinct, tagged).groups() {
                link_all(group.iter().copied(), &mut scratch, &mut rows);
            }
        }
        Contiguity::Rook => {
            // Bucket the edges by their lower vertex; a bucket is a handful of edges, so
            // sorting it by the upper vertex is cheap and groups the identical edges.
            let edges = edges(&vertices, &vertex_of);
            let buckets = Buckets::new(distinct, edges.iter().copied());
            let mut edge_group: Vec<(usize, usize)> = Vec::new();
            for bucket in buckets.groups() {
                edge_group.clear();
                edge_group.extend_from_slice(bucket);
                edge_group.sort_unstable();
                for same in edge_group.chunk_by(|a, b| a.0 == b.0) {
                    if same.len() > 1 {
                        link_all(same.iter().map(|&(_, a)| a), &mut scratch, &mut rows);
                    }
                }
            }
        }
    }
    SpatialWeights::from_neighbours(ids, rows)
}

/// Exactly `n` ids: the given ones, truncated or completed with row numbers.
fn fit_ids(mut ids: Vec<String>, n: usize) -> Vec<String> {
    ids.truncate(n);
    let have = ids.len();
    ids.extend((have..n).map(|i| i.to_string()));
    ids
}

/// All ring vertices, flattened: bit-pattern keys, the area of each, and ring boundaries.
struct Vertices {
    keys: Vec<(u64, u64)>,
    area: Vec<usize>,
    /// `[start, end)` of each ring in `keys`, in order; non-finite vertices are left out.
    rings: Vec<(usize, usize)>,
}

impl Vertices {
    fn collect(polygons: &[MultiPolygon<f64>]) -> Self {
        let total: usize = polygons
            .iter()
            .flat_map(|mp| &mp.0)
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
        let mut keys = Vec::with_capacity(total);
        let mut area = Vec::with_capacity(total);
        let mut rings = Vec::new();
        for (a, mp) in polygons.iter().enumerate() {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    let start = keys.len();
                    for c in ring.coords().filter(|c| c.x.is_finite() && c.y.is_finite()) {
                        keys.push((key(c.x), key(c.y)));
                        area.push(a);
                    }
                    rings.push((start, keys.len()));
                }
            }
        }
        Self { keys, area, rings }
    }

    /// The number of each position's distinct vertex (first seen, first numbered), and how
    /// many distinct vertices there are.
    fn number(&self) -> (Vec<usize>, usize) {
        let mut seen: HashMap<(u64, u64), usize, BuildHasherDefault<VertexHasher>> =
            HashMap::with_capacity_and_hasher(self.keys.len(), Default::default());
        let vertex_of = self
            .keys
            .iter()
            .map(|&k| {
                let next = seen.len();
                *seen.entry(k).or_insert(next)
            })
            .collect();
        (vertex_of, seen.len())
    }
}

/// (lower vertex, (upper vertex, area)) for every ring edge of non-zero length.
fn edges(v: &Vertices, vertex_of: &[usize]) -> Vec<(usize, (usize, usize))> {
    let mut out = Vec::with_capacity(v.keys.len());
    for &(start, end) in &v.rings {
        let (Some(ring), Some(areas)) = (vertex_of.get(start..end), v.area.get(start..end)) else {
            continue;
        };
        for (pair, &a) in ring.windows(2).zip(areas) {
            let (p, q) = (pair[0], pair[1]);
            if p != q {
                out.push((p.min(q), (p.max(q), a)));
            }
        }
    }
    out
}

/// Values grouped by a small integer key with a counting sort: O(items + keys), no comparisons.
struct Buckets<T> {
    starts: Vec<usize>,
    values: Vec<T>,
}

impl<T: Copy + Default> Buckets<T> {
    fn new(keys: usize, items: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut starts = vec![0usize; keys + 1];
        for (k, _) in items.clone() {
            if let Some(c) = starts.get_mut(k + 1) {
                *c += 1;
            }
        }
        for k in 0..keys {
            starts[k + 1] += starts[k];
        }
        let mut fill = starts.clone();
        let mut values = vec![T::default(); starts[keys]];
        for (k, v) in items {
            if let Some(slot) = fill.get_mut(k)
                && let Some(out) = values.get_mut(*slot)
            {
                *out = v;
                *slot += 1;
            }
        }
        Self { starts, values }
    }

    /// The non-trivial groups (two or more values).
    fn groups(&self) -> impl Iterator<Item = &[T]> {
        self.starts
            .windows(2)
            .filter(|w| w[1] - w[0] > 1)
            .filter_map(|w| self.values.get(w[0]..w[1]))
    }
}

/// Links every pair of distinct areas in `areas` (which may repeat an area: a ring's closing
/// vertex, or two rings of one multipolygon meeting at a point).
fn link_all(
    areas: impl IntoIterator<Item = usize>,
    scratch: &mut Vec<usize>,
    rows: &mut [Vec<usize>],
) {
    scratch.clear();
    scratch.extend(areas);
    scratch.sort_unstable();
    scratch.dedup();
    for (k, &a) in scratch.iter().enumerate() {
        for &b in scratch.get(k + 1..).unwrap_or_default() {
            if let Some(row) = rows.get_mut(a) {
                row.push(b);
            }
            if let Some(row) = rows.get_mut(b) {
                row.push(a);
            }
        }
    }
}

/// Bit pattern of a coordinate, with `-0.0` folded onto `0.0` (they compare equal in PySAL).
fn key(x: f64) -> u64 {
    (x + 0.0).to_bits()
}

/// A fast hasher for vertex keys: each word is folded into the state with a 64×64→128-bit
/// multiply (as foldhash does), which mixes low and high bits alike, so round coordinates
/// (zero low mantissa bits) spread as well as digitised ones. No DoS resistance is needed.
#[derive(Default)]
struct VertexHasher(u64);

impl Hasher for VertexHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, word: u64) {
        let p = u128::from(self.0 ^ word) * u128::from(0x9E37_79B9_7F4A_7C15_u64);
        self.0 = (p as u64) ^ ((p >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, polygon};

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((x, y), (x + size, y + size)).to_polygon()])
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("a{i}")).collect()
    }

    #[test]
    fn corner_only_is_queen_not_rook() {
        let polys = vec![square(0.0, 0.0, 1.0), square(1.0, 1.0, 1.0)];
        let q = contiguity(ids(2), &polys, Contiguity::Queen);
        let r = contiguity(ids(2), &polys, Contiguity::Rook);
        assert_eq!(q.neighbours, vec![vec![1], vec![0]]);
        assert_eq!(r.neighbours, vec![Vec::<usize>::new(), vec![]]);
        assert_eq!(r.islands(), vec![0, 1]);
    }

    #[test]
    fn reversed_edge_direction_still_rook() {
        // Same edge (1,0)-(1,1) traversed in opposite directions by the two rings.
        let a = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let b = polygon![(x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0)];
        let polys = vec![MultiPolygon(vec![a]), MultiPolygon(vec![b])];
        let r = contiguity(ids(2), &polys, Contiguity::Rook);
        assert_eq!(r.neighbours, vec![vec![1], vec![0]]);
    }

    #[test]
    fn t_junction_without_shared_vertex_is_not_contiguous() {
        // b's corner lies in the middle of a's edge, but a has no vertex there: the vertex
        // method (PySAL, GeoDa) does not link them.
        let a = square(0.0, 0.0, 2.0);
        let b = square(2.0, 0.5, 1.0);
        let q = contiguity(ids(2), &[a, b], Contiguity::Queen);
        assert_eq!(q.summary().links, 0);
    }

    #[test]
    fn negative_zero_equals_zero_and_nan_is_ignored() {
        let a = polygon![(x: -1.0, y: 0.0), (x: 0.0, y: 0.0), (x: -0.5, y: 1.0)];
        let b = polygon![(x: -0.0, y: -0.0), (x: 1.0, y: 0.0), (x: f64::NAN, y: 1.0)];
        let q = contiguity(
            ids(2),
            &[MultiPolygon(vec![a]), MultiPolygon(vec![b])],
            Contiguity::Queen,
        );
        assert_eq!(q.neighbours, vec![vec![1], vec![0]]);
    }

    #[test]
    fn hole_ring_and_second_part_count() {
        // a is a 3×3 square with a 1×1 hole; b fills the hole; c touches a's second part.
        let outer = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 0.0, y: 3.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0)]],
        );
        let part2 = Rect::new((10.0, 0.0), (11.0, 1.0)).to_polygon();
        let a = MultiPolygon(vec![outer, part2]);
        let b = square(1.0, 1.0, 1.0);
        let c = square(11.0, 0.0, 1.0);
        let d = square(20.0, 20.0, 1.0);
        let r = contiguity(ids(4), &[a, b, c, d], Contiguity::Rook);
        assert_eq!(r.neighbours, vec![vec![1, 2], vec![0], vec![0], vec![]]);
        assert_eq!(r.summary().islands, vec!["a3"]);
    }

    #[test]
    fn empty_input_and_short_ids() {
        let w = contiguity(vec![], &[], Contiguity::Queen);
        assert_eq!(w.n(), 0);
        let w = contiguity(
            vec!["x".into()],
            &[square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0)],
            Contiguity::Queen,
        );
        assert_eq!(w.ids, vec!["x", "1"]);
        assert_eq!(w.neighbours, vec![vec![1], vec![0]]);
    }
}
