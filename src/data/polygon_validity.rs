//! Polygon validity in O(n log n): the checks a boundary import needs (OGC simple-feature rules
//! for polygons and multipolygons), with an R-tree of ring segments instead of geo's
//! `Validation`, whose pairwise segment loops are quadratic in vertices (10k vertices 0.43 s,
//! 100k 31 s, 1 M about 50 minutes). The problems are reported as geo's own
//! [`InvalidMultiPolygon`] values, so the messages are the ones users saw before.
//!
//! What is checked, per multipolygon:
//! - every coordinate is finite;
//! - every ring has at least 4 points (3 distinct ones and the closing point);
//! - no ring intersects itself (segments that are not neighbours meet nowhere; neighbours
//!   meet only at their shared vertex, so a spike that doubles back is caught too);
//! - rings do not cross (a proper crossing, or a crossing through a shared vertex) and do
//!   not share a stretch of line; they may touch at points;
//! - holes lie inside their exterior and not inside each other; parts do not overlap.
//!
//! Not checked, as in geo: whether touching rings cut the interior into pieces.

use geo::algorithm::validation::{
    CoordIndex, GeometryIndex, InvalidMultiPolygon, InvalidPolygon, RingRole,
};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line, MultiPolygon};
use rstar::{AABB, RTree, RTreeObject};

/// One ring, its vertices with consecutive repeats removed (closed: first == last).
struct Ring {
    polygon: usize,
    role: RingRole,
    coords: Vec<Coord<f64>>,
}

impl Ring {
    fn segments(&self) -> usize {
        self.coords.len().saturating_sub(1)
    }
}

/// A ring segment in the R-tree: its ends, its ring and its index in the ring.
#[derive(Clone, Copy)]
struct Seg {
    a: Coord<f64>,
    b: Coord<f64>,
    ring: u32,
    idx: u32,
}

impl RTreeObject for Seg {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners([self.a.x, self.a.y], [self.b.x, self.b.y])
    }
}

/// Where two rings meet at one point without crossing properly there.
#[derive(Clone, Copy)]
struct Contact {
    p: Coord<f64>,
    seg_a: Seg,
    seg_b: Seg,
}

/// Candidate segment pairs (and ray-cast segments) the bounded check may examine per segment,
/// beyond a fixed allowance of [`BUDGET_BASE`]: 100. Real boundaries need 3 to 10 per segment;
/// only shapes built to defeat the index (thousands of long spikes through one point) need
/// more, and they would otherwise take time quadratic in their vertices.
pub const MAX_CANDIDATES_PER_SEGMENT: usize = 100;

/// The fixed allowance of the bounded check: 1,000,000 candidates (a few milliseconds).
pub const BUDGET_BASE: usize = 1_000_000;

/// The answer of [`check_bounded`].
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Valid,
    Invalid(InvalidMultiPolygon),
    /// The shape needed more work than the budget allows; it was not judged.
    TooComplex,
}

/// Why a check stopped early.
enum Stop {
    Invalid(InvalidMultiPolygon),
    Budget,
}

impl From<InvalidMultiPolygon> for Stop {
    fn from(e: InvalidMultiPolygon) -> Self {
        Stop::Invalid(e)
    }
}

/// Counts the work done against a limit.
struct Budget {
    left: std::cell::Cell<usize>,
}

impl Budget {
    fn spend(&self, n: usize) -> Result<(), Stop> {
        let left = self.left.get();
        if n > left {
            return Err(Stop::Budget);
        }
        self.left.set(left - n);
        Ok(())
    }
}

/// Checks a multipolygon however long it takes; the first problem found is returned.
///
/// ```
/// use local_atlas::data::polygon_validity::check;
/// use geo::{MultiPolygon, polygon};
/// let square = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)];
/// assert!(check(&MultiPolygon(vec![square])).is_ok());
/// let bow_tie = polygon![(x: 0., y: 0.), (x: 4., y: 4.), (x: 4., y: 0.), (x: 0., y: 4.)];
/// let err = check(&MultiPolygon(vec![bow_tie])).unwrap_err();
/// assert_eq!(err.to_string(), "polygon at index 0 is invalid: exterior ring has a self-intersection");
/// ```
pub fn check(mp: &MultiPolygon<f64>) -> Result<(), InvalidMultiPolygon> {
    match run(mp, usize::MAX) {
        Ok(()) | Err(Stop::Budget) => Ok(()),
        Err(Stop::Invalid(e)) => Err(e),
    }
}

/// [`check`] within a budget of [`BUDGET_BASE`] + [`MAX_CANDIDATES_PER_SEGMENT`] × segments,
/// so that no shape, however contrived, takes more than time linear in its vertices.
///
/// ```
/// use local_atlas::data::polygon_validity::{Verdict, check_bounded};
/// use geo::{MultiPolygon, polygon};
/// let square = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)];
/// assert_eq!(check_bounded(&MultiPolygon(vec![square])), Verdict::Valid);
/// ```
pub fn check_bounded(mp: &MultiPolygon<f64>) -> Verdict {
    let segments = geo::CoordsIter::coords_count(mp);
    let budget = MAX_CANDIDATES_PER_SEGMENT
        .saturating_mul(segments)
        .saturating_add(BUDGET_BASE);
    match run(mp, budget) {
        Ok(()) => Verdict::Valid,
        Err(Stop::Invalid(e)) => Verdict::Invalid(e),
        Err(Stop::Budget) => Verdict::TooComplex,
    }
}

/// The check, stopping when `budget` candidate segments have been examined.
fn run(mp: &MultiPolygon<f64>, budget: usize) -> Result<(), Stop> {
    let budget = Budget {
        left: std::cell::Cell::new(budget),
    };
    let rings = rings(mp)?;
    let segs: Vec<Seg> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| {
            ring.coords.windows(2).enumerate().map(move |(i, w)| Seg {
                a: w[0],
                b: w[1],
                ring: r as u32,
                idx: i as u32,
            })
        })
        .collect();
    let offsets = segment_offsets(&rings);
    let tree = RTree::bulk_load(segs);
    let mut touched = vec![0u8; offsets.last().copied().unwrap_or(0)];
    let mut contacts = Vec::new();
    for s in tree.iter() {
        for t in tree.locate_in_envelope_intersecting(&s.envelope()) {
            budget.spend(1)?;
            if (t.ring, t.idx) <= (s.ring, s.idx) {
                continue;
            }
            if let Some(c) = pair(&rings, s, t)? {
                for (seg, state) in [(c.seg_a, c.state_a()), (c.seg_b, c.state_b())] {
                    let k = offsets[seg.ring as usize] + seg.idx as usize;
                    touched[k] = touched[k].max(state);
                }
                contacts.push(c);
            }
        }
    }
    for c in &contacts {
        if crosses_at(&rings, c) {
            return Err(crossing(&rings, c.seg_a.ring, c.seg_b.ring).into());
        }
    }
    containment(&rings, &tree, &offsets, &touched, &budget)
}

/// The rings of every polygon, checked for finite coordinates and enough points.
fn rings(mp: &MultiPolygon<f64>) -> Result<Vec<Ring>, InvalidMultiPolygon> {
    let mut out = Vec::new();
    for (i, p) in mp.0.iter().enumerate() {
        let all = std::iter::once(p.exterior()).chain(p.interiors());
        for (r, ls) in all.enumerate() {
            let role = if r == 0 {
                RingRole::Exterior
            } else {
                RingRole::Interior(r - 1)
            };
            let bad = |e| InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), e);
            if let Some(k) =
                ls.0.iter()
                    .position(|c| !(c.x.is_finite() && c.y.is_finite()))
            {
                return Err(bad(InvalidPolygon::NonFiniteCoord(role, CoordIndex(k))));
            }
            let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ls.0.len() + 1);
            for c in &ls.0 {
                if coords.last() != Some(c) {
                    coords.push(*c);
                }
            }
            if coords.len() > 1 && coords.first() != coords.last() {
                coords.push(coords[0]);
            }
            if coords.len() < 4 {
                return Err(bad(InvalidPolygon::TooFewPointsInRing(role)));
            }
            out.push(Ring {
                polygon: i,
                role,
                coords,
            });
        }
    }
    Ok(out)
}

/// Where each ring's segments start in one flat numbering (the last entry is the total).
fn segment_offsets(rings: &[Ring]) -> Vec<usize> {
    let mut out = Vec::with_capacity(rings.len() + 1);
    let mut n = 0;
    out.push(0);
    for r in rings {
        n += r.segments();
        out.push(n);
    }
    out
}

impl Contact {
    /// 1 when the contact is at an end of segment a, 2 when inside it.
    fn state_a(&self) -> u8 {
        if self.p == self.seg_a.a || self.p == self.seg_a.b {
            1
        } else {
            2
        }
    }
    fn state_b(&self) -> u8 {
        if self.p == self.seg_b.a || self.p == self.seg_b.b {
            1
        } else {
            2
        }
    }
}

/// Judges two segments whose envelopes meet: an error, a point contact between two different
/// rings (judged later), or nothing.
fn pair(rings: &[Ring], s: &Seg, t: &Seg) -> Result<Option<Contact>, InvalidMultiPolygon> {
    let Some(x) = line_intersection(Line::new(s.a, s.b), Line::new(t.a, t.b)) else {
        return Ok(None);
    };
    if s.ring == t.ring {
        let n = rings[s.ring as usize].segments() as u32;
        let (i, j) = (s.idx.min(t.idx), s.idx.max(t.idx));
        let neighbours = j == i + 1 || (i == 0 && j + 1 == n);
        let overlap = matches!(x, LineIntersection::Collinear { intersection } if intersection.start != intersection.end);
        if neighbours && !overlap {
            return Ok(None);
        }
        let ring = &rings[s.ring as usize];
        return Err(InvalidMultiPolygon::InvalidPolygon(
            GeometryIndex(ring.polygon),
            InvalidPolygon::SelfIntersection(ring.role),
        ));
    }
    match x {
        LineIntersection::Collinear { intersection } if intersection.start != intersection.end => {
            Err(on_a_line(rings, s.ring, t.ring))
        }
        LineIntersection::Collinear { intersection } => Ok(Some(Contact {
            p: intersection.start,
            seg_a: *s,
            seg_b: *t,
        })),
        LineIntersection::SinglePoint {
            is_proper: true, ..
        } => Err(crossing(rings, s.ring, t.ring)),
        LineIntersection::SinglePoint { intersection, .. } => Ok(Some(Contact {
            p: intersection,
            seg_a: *s,
            seg_b: *t,
        })),
    }
}

/// The problem of two rings that share a stretch of line.
fn on_a_line(rings: &[Ring], a: u32, b: u32) -> InvalidMultiPolygon {
    let (ra, rb) = (&rings[a as usize], &rings[b as usize]);
    if ra.polygon != rb.polygon {
        return InvalidMultiPolygon::ElementsTouchOnALine(
            GeometryIndex(ra.polygon),
            GeometryIndex(rb.polygon),
        );
    }
    InvalidMultiPolygon::InvalidPolygon(
        GeometryIndex(ra.polygon),
        InvalidPolygon::IntersectingRingsOnALine(ra.role, rb.role),
    )
}

/// The problem of two rings that cross: a hole leaving its exterior, two holes overlapping,
/// or two parts overlapping.
fn crossing(rings: &[Ring], a: u32, b: u32) -> InvalidMultiPolygon {
    let (ra, rb) = (&rings[a as usize], &rings[b as usize]);
    if ra.polygon != rb.polygon {
        return InvalidMultiPolygon::ElementsOverlaps(
            GeometryIndex(ra.polygon),
            GeometryIndex(rb.polygon),
        );
    }
    let e = match (ra.role, rb.role) {
        (RingRole::Exterior, hole) | (hole, RingRole::Exterior) => {
            InvalidPolygon::InteriorRingNotContainedInExteriorRing(hole)
        }
        (h1, h2) => InvalidPolygon::IntersectingRingsOnAnArea(h1, h2),
    };
    InvalidMultiPolygon::InvalidPolygon(GeometryIndex(ra.polygon), e)
}

/// The two directions a ring leaves point `p` in, seen from the segment that meets `p`.
fn directions(rings: &[Ring], s: &Seg, p: Coord<f64>) -> [Coord<f64>; 2] {
    let ring = &rings[s.ring as usize];
    let n = ring.segments();
    let vertex = |k: usize| ring.coords[k % n];
    let (before, after) = if p == s.a {
        (vertex(s.idx as usize + n - 1), s.b)
    } else if p == s.b {
        (s.a, vertex(s.idx as usize + 2))
    } else {
        (s.a, s.b)
    };
    [before - p, after - p]
}

/// Whether ring b passes from one side of ring a to the other at a point contact.
fn crosses_at(rings: &[Ring], c: &Contact) -> bool {
    let [u, v] = directions(rings, &c.seg_a, c.p);
    let [d1, d2] = directions(rings, &c.seg_b, c.p);
    let angle = |w: Coord<f64>| w.y.atan2(w.x);
    let ccw = |from: f64, to: f64| (to - from).rem_euclid(std::f64::consts::TAU);
    let (tu, tv) = (angle(u), angle(v));
    let span = ccw(tu, tv);
    let (a1, a2) = (ccw(tu, angle(d1)), ccw(tu, angle(d2)));
    let on_edge = |a: f64| a == 0.0 || a == span;
    if on_edge(a1) || on_edge(a2) {
        return false;
    }
    (a1 < span) != (a2 < span)
}

/// With no crossings left, each ring is inside or outside each other ring as a whole: one
/// point of each ring, off every other ring, settles holes and parts.
fn containment(
    rings: &[Ring],
    tree: &RTree<Seg>,
    offsets: &[usize],
    touched: &[u8],
    budget: &Budget,
) -> Result<(), Stop> {
    let max_x = tree.root().envelope().upper()[0];
    let exteriors: Vec<usize> = (0..rings.len())
        .filter(|&r| rings[r].role == RingRole::Exterior)
        .collect();
    let exterior_of = |polygon: usize| exteriors.get(polygon).copied();
    for (r, ring) in rings.iter().enumerate() {
        let p = probe(ring, &touched[offsets[r]..offsets[r + 1]]);
        let inside = rings_around(tree, p, r as u32, max_x, budget)?;
        let is_in = |k: usize| inside.binary_search(&(k as u32)).is_ok();
        let in_polygon = |q: usize| {
            exterior_of(q).is_some_and(is_in)
                && !inside.iter().any(|&k| {
                    rings[k as usize].polygon == q && rings[k as usize].role != RingRole::Exterior
                })
        };
        let poly = GeometryIndex(ring.polygon);
        if let RingRole::Interior(_) = ring.role {
            if !exterior_of(ring.polygon).is_some_and(is_in) {
                let e = InvalidPolygon::InteriorRingNotContainedInExteriorRing(ring.role);
                return Err(InvalidMultiPolygon::InvalidPolygon(poly, e).into());
            }
            if let Some(&k) = inside.iter().find(|&&k| {
                rings[k as usize].polygon == ring.polygon
                    && rings[k as usize].role != RingRole::Exterior
            }) {
                let e =
                    InvalidPolygon::IntersectingRingsOnAnArea(rings[k as usize].role, ring.role);
                return Err(InvalidMultiPolygon::InvalidPolygon(poly, e).into());
            }
            continue;
        }
        let mut others: Vec<usize> = inside.iter().map(|&k| rings[k as usize].polygon).collect();
        others.dedup();
        if let Some(q) = others
            .into_iter()
            .find(|&q| q != ring.polygon && in_polygon(q))
        {
            let (a, b) = (q.min(ring.polygon), q.max(ring.polygon));
            return Err(
                InvalidMultiPolygon::ElementsOverlaps(GeometryIndex(a), GeometryIndex(b)).into(),
            );
        }
    }
    Ok(())
}

/// A point on the ring that lies on no other ring: the middle of a segment no other ring
/// touches, else of one touched only at its ends.
fn probe(ring: &Ring, touched: &[u8]) -> Coord<f64> {
    let k = (0..touched.len()).min_by_key(|&k| touched[k]).unwrap_or(0);
    let (a, b) = (ring.coords[k], ring.coords[k + 1]);
    Coord {
        x: a.x + (b.x - a.x) / 2.0,
        y: a.y + (b.y - a.y) / 2.0,
    }
}

/// The rings (other than `own`) that contain `p`, sorted: a ray from `p` towards +x crosses
/// each of them an odd number of times.
fn rings_around(
    tree: &RTree<Seg>,
    p: Coord<f64>,
    own: u32,
    max_x: f64,
    budget: &Budget,
) -> Result<Vec<u32>, Stop> {
    let ray = AABB::from_corners([p.x, p.y], [max_x.max(p.x), p.y]);
    let mut hits: Vec<u32> = Vec::new();
    for s in tree.locate_in_envelope_intersecting(&ray) {
        budget.spend(1)?;
        let spans = (s.a.y > p.y) != (s.b.y > p.y);
        if s.ring != own && spans && s.a.x + (p.y - s.a.y) * (s.b.x - s.a.x) / (s.b.y - s.a.y) > p.x
        {
            hits.push(s.ring);
        }
    }
    hits.sort_unstable();
    let mut out = Vec::new();
    for run in hits.chunk_by(|a, b| a == b) {
        if run.len() % 2 == 1 {
            out.push(run[0]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, Validation, polygon};

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(pts.to_vec())
    }

    fn one(p: Polygon<f64>) -> Result<(), InvalidMultiPolygon> {
        check(&MultiPolygon(vec![p]))
    }

    const SQUARE: [(f64, f64); 4] = [(0., 0.), (10., 0.), (10., 10.), (0., 10.)];

    fn err(e: InvalidPolygon) -> Result<(), InvalidMultiPolygon> {
        Err(InvalidMultiPolygon::InvalidPolygon(GeometryIndex(0), e))
    }

    #[test]
    fn a_valid_ring_with_a_hole_passes() {
        let hole = ring(&[(2., 2.), (4., 2.), (4., 4.), (2., 4.)]);
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), Ok(()));
    }

    #[test]
    fn a_bow_tie_is_a_self_intersection() {
        let p = polygon![(x: 0., y: 0.), (x: 4., y: 4.), (x: 4., y: 0.), (x: 0., y: 4.)];
        assert_eq!(
            one(p),
            err(InvalidPolygon::SelfIntersection(RingRole::Exterior))
        );
    }

    #[test]
    fn a_spike_doubling_back_is_a_self_intersection() {
        let p = Polygon::new(
            ring(&[
                (0., 0.),
                (10., 0.),
                (15., 0.),
                (10., 0.),
                (10., 10.),
                (0., 10.),
            ]),
            vec![],
        );
        assert_eq!(
            one(p),
            err(InvalidPolygon::SelfIntersection(RingRole::Exterior))
        );
    }

    #[test]
    fn a_hole_touching_the_exterior_at_one_point_is_valid() {
        let hole = ring(&[(0., 5.), (3., 3.), (3., 7.)]);
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), Ok(()));
    }

    #[test]
    fn two_holes_touching_at_a_vertex_are_valid() {
        let h1 = ring(&[(1., 1.), (5., 5.), (1., 5.)]);
        let h2 = ring(&[(5., 5.), (9., 5.), (9., 9.)]);
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![h1, h2])), Ok(()));
    }

    #[test]
    fn a_hole_crossing_the_exterior_is_reported() {
        let hole = ring(&[(5., 5.), (15., 5.), (15., 8.), (5., 8.)]);
        let e = InvalidPolygon::InteriorRingNotContainedInExteriorRing(RingRole::Interior(0));
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), err(e));
    }

    #[test]
    fn a_hole_crossing_through_an_exterior_vertex_is_reported() {
        // The hole's vertex sits on the exterior's corner (10, 10) and the hole goes outside.
        let hole = ring(&[(8., 8.), (10., 10.), (12., 12.), (12., 8.)]);
        let e = InvalidPolygon::InteriorRingNotContainedInExteriorRing(RingRole::Interior(0));
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), err(e));
    }

    #[test]
    fn a_hole_outside_the_exterior_is_reported() {
        let hole = ring(&[(20., 20.), (24., 20.), (24., 24.)]);
        let e = InvalidPolygon::InteriorRingNotContainedInExteriorRing(RingRole::Interior(0));
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), err(e));
    }

    #[test]
    fn a_hole_inside_another_hole_is_reported() {
        let outer = ring(&[(1., 1.), (9., 1.), (9., 9.), (1., 9.)]);
        let inner = ring(&[(3., 3.), (5., 3.), (5., 5.)]);
        let e =
            InvalidPolygon::IntersectingRingsOnAnArea(RingRole::Interior(0), RingRole::Interior(1));
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![outer, inner])), err(e));
    }

    #[test]
    fn a_hole_sharing_an_edge_with_the_exterior_is_reported() {
        let hole = ring(&[(0., 2.), (3., 2.), (3., 4.), (0., 4.)]);
        let e = InvalidPolygon::IntersectingRingsOnALine(RingRole::Exterior, RingRole::Interior(0));
        assert_eq!(one(Polygon::new(ring(&SQUARE), vec![hole])), err(e));
    }

    #[test]
    fn non_finite_and_too_short_rings_are_reported() {
        let nan = Polygon::new(ring(&[(0., 0.), (f64::NAN, 0.), (1., 1.)]), vec![]);
        assert_eq!(
            one(nan),
            err(InvalidPolygon::NonFiniteCoord(
                RingRole::Exterior,
                CoordIndex(1)
            ))
        );
        let short = Polygon::new(ring(&[(0., 0.), (1., 0.), (1., 0.)]), vec![]);
        assert_eq!(
            one(short),
            err(InvalidPolygon::TooFewPointsInRing(RingRole::Exterior))
        );
        let empty = Polygon::new(ring(&[]), vec![]);
        assert_eq!(
            one(empty),
            err(InvalidPolygon::TooFewPointsInRing(RingRole::Exterior))
        );
    }

    #[test]
    fn parts_overlapping_touching_on_a_line_or_nested_in_a_hole() {
        let square = |x: f64, y: f64, s: f64| {
            Polygon::new(
                ring(&[(x, y), (x + s, y), (x + s, y + s), (x, y + s)]),
                vec![],
            )
        };
        let overlaps = InvalidMultiPolygon::ElementsOverlaps(GeometryIndex(0), GeometryIndex(1));
        assert_eq!(
            check(&MultiPolygon(vec![
                square(0., 0., 10.),
                square(5., 5., 10.)
            ])),
            Err(overlaps.clone())
        );
        assert_eq!(
            check(&MultiPolygon(vec![square(0., 0., 10.), square(2., 2., 1.)])),
            Err(overlaps)
        );
        let line = InvalidMultiPolygon::ElementsTouchOnALine(GeometryIndex(0), GeometryIndex(1));
        assert_eq!(
            check(&MultiPolygon(vec![
                square(0., 0., 10.),
                square(10., 2., 3.)
            ])),
            Err(line)
        );
        assert_eq!(
            check(&MultiPolygon(vec![
                square(0., 0., 10.),
                square(10., 10., 3.)
            ])),
            Ok(())
        );
        let lake = Polygon::new(
            ring(&SQUARE),
            vec![ring(&[(2., 2.), (8., 2.), (8., 8.), (2., 8.)])],
        );
        assert_eq!(check(&MultiPolygon(vec![lake, square(4., 4., 2.)])), Ok(()));
    }

    /// A star-shaped ring of `n` vertices around the origin (valid, every radius different).
    pub(crate) fn star(n: usize) -> Polygon<f64> {
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = 1000.0 + 300.0 * ((i * 7919) % 101) as f64 / 101.0;
                (r * t.cos(), r * t.sin())
            })
            .collect();
        Polygon::new(ring(&pts), vec![])
    }

    #[test]
    fn a_large_star_agrees_with_geo_and_a_crossing_in_it_is_found() {
        let p = star(2_000);
        assert!(p.is_valid());
        assert_eq!(one(p.clone()), Ok(()));
        let mut pts = p.exterior().0.clone();
        pts.swap(500, 1500);
        assert!(one(Polygon::new(LineString(pts), vec![])).is_err());
    }

    #[test]
    fn a_sunburst_built_to_defeat_the_index_is_left_unjudged_quickly() {
        // 20,000 long spikes through the middle: every spike's box meets nearly every other.
        let n = 20_000;
        let pts: Vec<(f64, f64)> = (0..2 * n)
            .map(|i| {
                let t = i as f64 / (2 * n) as f64 * std::f64::consts::TAU;
                let r = if i % 2 == 0 { 1000.0 } else { 1.0 };
                (r * t.cos(), r * t.sin())
            })
            .collect();
        let mp = MultiPolygon(vec![Polygon::new(ring(&pts), vec![])]);
        assert_eq!(check_bounded(&mp), Verdict::TooComplex);
        assert_eq!(
            check_bounded(&MultiPolygon(vec![star(2_000)])),
            Verdict::Valid
        );
    }

    proptest::proptest! {
        /// On random small polygons (random float vertices, so no exact degeneracies) the
        /// answer is geo's.
        #[test]
        fn agrees_with_geo_on_random_polygons(
            parts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec((-10.0f64..10.0, -10.0f64..10.0), 3..7), 1..4),
                1..3)
        ) {
            let mp = MultiPolygon(parts.iter().map(|rings| {
                let mut rs = rings.iter().map(|r| ring(r));
                let ext = rs.next().unwrap_or_else(|| ring(&[]));
                Polygon::new(ext, rs.collect())
            }).collect());
            proptest::prop_assert_eq!(check(&mp).is_ok(), mp.is_valid(), "{:?}", mp);
        }
    }
}
