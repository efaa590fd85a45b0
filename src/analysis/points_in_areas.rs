//! Point-in-polygon assignment: which area each point (an event such as a recorded burglary)
//! falls in, for counting events per area.
//!
//! **Parameters.** Areas as `(code, MultiPolygon)` in one planar coordinate system (British
//! National Grid metres in a workspace) and points as `[x, y]` in the same system.
//!
//! **Rule.** A point belongs to an area when it lies in the area's *closed* polygon: its
//! interior or its boundary (exterior ring or the ring of a hole). Points strictly inside a
//! hole belong to no area unless another area covers them. A point on an edge or vertex shared
//! by several areas (or covered by several overlapping areas) goes to the one with the
//! **smallest area code** (byte order of the code text), so each point is counted exactly once
//! and the result does not depend on the order of the areas or of the points. Points in no
//! area are [`Placement::Outside`]; points with a coordinate that is not a finite number
//! (an empty geometry reads as NaN) are [`Placement::NotFinite`]. Each polygon of a
//! multipolygon is tested on its own, so a point where two parts of one area touch is in it.
//!
//! **Algorithm.** An R*-tree (`rstar`, bulk loaded; Beckmann et al. 1990) over the areas'
//! bounding boxes gives the few areas whose box holds the point; each is tested exactly with a
//! crossing-number test that also reports the boundary (`geo`'s `CoordinatePosition`). Cost
//! O(N·(log A + k·v)) for N points, A areas, k candidate boxes per point (a handful for
//! LSOAs) and v vertices per candidate; points are processed in parallel, and the output is
//! in point order either way.

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Coord, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Where one point falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the area at this index of the input areas.
    Area(usize),
    /// In no area.
    Outside,
    /// A coordinate is NaN or infinite (e.g. an empty point).
    NotFinite,
}

/// The areas with their R-tree, built once and queried for any number of points.
pub struct AreaIndex<'a> {
    areas: &'a [(String, MultiPolygon<f64>)],
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl<'a> AreaIndex<'a> {
    /// Indexes `areas` by their bounding boxes (areas with no polygon are never matched).
    pub fn new(areas: &'a [(String, MultiPolygon<f64>)]) -> Self {
        let boxes = areas
            .iter()
            .enumerate()
            .filter_map(|(i, (_, shape))| {
                let r = shape.bounding_rect()?;
                let (lo, hi) = (r.min(), r.max());
                let finite = [lo.x, lo.y, hi.x, hi.y].iter().all(|v| v.is_finite());
                finite.then(|| {
                    GeomWithData::new(Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]), i)
                })
            })
            .collect();
        AreaIndex {
            areas,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// Where `point` falls (see the module's rule).
    pub fn place(&self, point: [f64; 2]) -> Placement {
        if !(point[0].is_finite() && point[1].is_finite()) {
            return Placement::NotFinite;
        }
        let c = Coord {
            x: point[0],
            y: point[1],
        };
        let mut best: Option<usize> = None;
        for hit in self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point(point))
        {
            let i = hit.data;
            let Some((code, shape)) = self.areas.get(i) else {
                continue;
            };
            let better = best.is_none_or(|b| (code.as_str(), i) < (self.areas[b].0.as_str(), b));
            if better && covers(shape, c) {
                best = Some(i);
            }
        }
        best.map_or(Placement::Outside, Placement::Area)
    }
}

/// Whether the closed polygon of `shape` (interior or boundary) holds `c`, part by part.
fn covers(shape: &MultiPolygon<f64>, c: Coord<f64>) -> bool {
    shape
        .0
        .iter()
        .any(|p| p.coordinate_position(&c) != CoordPos::Outside)
}

/// The placement of each point, in point order.
///
/// ```
/// use local_atlas::analysis::points_in_areas::{Placement, assign_points};
/// use geo::{MultiPolygon, Rect, coord};
/// let square = |x0: f64| -> MultiPolygon<f64> {
///     Rect::new(coord! { x: x0, y: 0.0 }, coord! { x: x0 + 10.0, y: 10.0 }).to_polygon().into()
/// };
/// // Two squares sharing the edge x = 10, listed with the larger code first.
/// let areas = vec![("E02".to_string(), square(10.0)), ("E01".to_string(), square(0.0))];
/// let got = assign_points(&areas, &[[5.0, 5.0], [10.0, 5.0], [15.0, 5.0], [30.0, 5.0]]);
/// // On the shared edge: the smaller code, E01 (index 1).
/// assert_eq!(
///     got,
///     [Placement::Area(1), Placement::Area(1), Placement::Area(0), Placement::Outside]
/// );
/// ```
pub fn assign_points(areas: &[(String, MultiPolygon<f64>)], points: &[[f64; 2]]) -> Vec<Placement> {
    let index = AreaIndex::new(areas);
    points.par_iter().map(|p| index.place(*p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, Rect, coord};

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        Rect::new(
            coord! { x: x0, y: y0 },
            coord! { x: x0 + side, y: y0 + side },
        )
        .to_polygon()
        .into()
    }

    #[test]
    fn shared_edges_and_vertices_go_to_the_smallest_code_whatever_the_order() {
        // A 2 × 2 block of squares: B A / D C (codes not in reading order).
        let areas = vec![
            ("B".to_string(), square(0.0, 10.0, 10.0)),
            ("A".to_string(), square(10.0, 10.0, 10.0)),
            ("D".to_string(), square(0.0, 0.0, 10.0)),
            ("C".to_string(), square(10.0, 0.0, 10.0)),
        ];
        let points = [
            [10.0, 10.0],
            [10.0, 5.0],
            [5.0, 10.0],
            [0.0, 0.0],
            [20.0, 20.0],
        ];
        let code = |areas: &[(String, MultiPolygon<f64>)], p: Placement| match p {
            Placement::Area(i) => areas[i].0.clone(),
            other => format!("{other:?}"),
        };
        let expected = ["A", "C", "B", "D", "A"];
        let got: Vec<String> = assign_points(&areas, &points)
            .into_iter()
            .map(|p| code(&areas, p))
            .collect();
        assert_eq!(got, expected);
        let mut reversed = areas.clone();
        reversed.reverse();
        let got: Vec<String> = assign_points(&reversed, &points)
            .into_iter()
            .map(|p| code(&reversed, p))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn holes_outside_and_nan() {
        let ring = |pts: &[(f64, f64)]| LineString::from(pts.to_vec());
        let donut = Polygon::new(
            ring(&[
                (0.0, 0.0),
                (30.0, 0.0),
                (30.0, 30.0),
                (0.0, 30.0),
                (0.0, 0.0),
            ]),
            vec![ring(&[
                (10.0, 10.0),
                (20.0, 10.0),
                (20.0, 20.0),
                (10.0, 20.0),
                (10.0, 10.0),
            ])],
        );
        let areas = vec![("Z".to_string(), MultiPolygon(vec![donut]))];
        let got = assign_points(
            &areas,
            &[
                [15.0, 15.0],
                [5.0, 5.0],
                [10.0, 15.0],
                [40.0, 0.0],
                [f64::NAN, 1.0],
            ],
        );
        assert_eq!(
            got,
            [
                Placement::Outside,
                Placement::Area(0),
                Placement::Area(0),
                Placement::Outside,
                Placement::NotFinite
            ]
        );
        // A second area filling the hole takes the hole's points.
        let mut with_island = areas.clone();
        with_island.push(("Y".to_string(), square(10.0, 10.0, 10.0)));
        let got = assign_points(&with_island, &[[15.0, 15.0], [10.0, 15.0]]);
        assert_eq!(got, [Placement::Area(1), Placement::Area(1)]);
    }

    #[test]
    fn parts_of_one_area_touching_at_a_vertex_hold_the_vertex() {
        let mut two = square(0.0, 0.0, 10.0);
        two.0.extend(square(10.0, 10.0, 10.0).0);
        let areas = vec![("A".to_string(), two)];
        assert_eq!(assign_points(&areas, &[[10.0, 10.0]]), [Placement::Area(0)]);
    }
}
