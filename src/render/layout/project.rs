//! From British National Grid metres to page millimetres, and generalisation at the output's
//! resolution.

use crate::render::scene::{PointMm, RectMm};
use geo::{Coord, LineString, MultiPolygon, Rect};

/// A uniform scale from BNG metres to page millimetres: x grows east, y grows south on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// The world box shown by the frame (the extent, padded and widened to the frame's aspect).
    pub world: Rect<f64>,
    pub frame: RectMm,
    /// Millimetres of page per metre of ground.
    pub mm_per_m: f64,
}

impl Projection {
    /// Fits `extent_bng` (padded by `pad` of its size on each side) into `frame`, keeping equal
    /// scales in x and y and centring it; the extent is widened to the frame's aspect, never
    /// cropped. `None` for an empty frame or a non-finite extent.
    ///
    /// ```
    /// use local_atlas::render::layout::project::Projection;
    /// use local_atlas::render::scene::RectMm;
    /// use geo::{coord, Rect};
    /// // 10 km × 5 km into a 100 × 100 mm frame, no padding: 10 mm per km, centred vertically.
    /// let p = Projection::fit(Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 10_000.0, y: 5_000.0}),
    ///     RectMm { x: 0.0, y: 0.0, width: 100.0, height: 100.0 }, 0.0).unwrap();
    /// assert!((p.mm_per_m - 0.01).abs() < 1e-12);
    /// let top_left = p.to_page(coord! {x: 0.0, y: 5_000.0});
    /// assert!((top_left.x - 0.0).abs() < 1e-9 && (top_left.y - 25.0).abs() < 1e-9);
    /// ```
    pub fn fit(extent_bng: Rect<f64>, frame: RectMm, pad: f64) -> Option<Self> {
        let (w, h) = (extent_bng.width(), extent_bng.height());
        if !(w.is_finite() && h.is_finite() && frame.width > 0.0 && frame.height > 0.0) {
            return None;
        }
        // A point or a line still gets a sensible window (1 km).
        let (w, h) = (w.max(h * 1e-3).max(1.0), h.max(w * 1e-3).max(1.0));
        let (w, h) = (w * (1.0 + 2.0 * pad), h * (1.0 + 2.0 * pad));
        let mm_per_m = (frame.width / w).min(frame.height / h);
        let centre = extent_bng.center();
        let half = Coord {
            x: frame.width / mm_per_m / 2.0,
            y: frame.height / mm_per_m / 2.0,
        };
        Some(Self {
            world: Rect::new(centre - half, centre + half),
            frame,
            mm_per_m,
        })
    }

    pub fn to_page(&self, c: Coord<f64>) -> PointMm {
        PointMm {
            x: self.frame.x + (c.x - self.world.min().x) * self.mm_per_m,
            y: self.frame.y + (self.world.max().y - c.y) * self.mm_per_m,
        }
    }

    /// A box in BNG on the page.
    pub fn rect_to_page(&self, r: Rect<f64>) -> RectMm {
        let a = self.to_page(Coord {
            x: r.min().x,
            y: r.max().y,
        });
        let b = self.to_page(Coord {
            x: r.max().x,
            y: r.min().y,
        });
        RectMm {
            x: a.x,
            y: a.y,
            width: b.x - a.x,
            height: b.y - a.y,
        }
    }

    /// Whether a BNG box touches the world shown.
    pub fn sees(&self, r: Rect<f64>) -> bool {
        r.min().x <= self.world.max().x
            && r.max().x >= self.world.min().x
            && r.min().y <= self.world.max().y
            && r.max().y >= self.world.min().y
    }
}

/// A ring on the page, dropping vertices closer than `tolerance_mm` to the last kept one and
/// non-finite ones. A ring that would collapse below 3 vertices keeps all of its own; `None`
/// only for a degenerate ring.
///
/// ```
/// use local_atlas::render::layout::project::{Projection, project_ring};
/// use local_atlas::render::scene::RectMm;
/// use geo::{coord, LineString, Rect};
/// let p = Projection::fit(Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 100.0, y: 100.0}),
///     RectMm { x: 0.0, y: 0.0, width: 100.0, height: 100.0 }, 0.0).unwrap(); // 1 mm per m
/// let ring = LineString::from(vec![(0.0, 0.0), (0.05, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)]);
/// let page = project_ring(&p, &ring, 0.1).unwrap();
/// assert_eq!(page.len(), 3); // (0.05, 0) is within 0.1 mm of (0, 0); the closing point is implicit
/// ```
pub fn project_ring(
    p: &Projection,
    ring: &LineString<f64>,
    tolerance_mm: f64,
) -> Option<Vec<crate::render::scene::PointMm>> {
    let mut out: Vec<PointMm> = Vec::with_capacity(ring.0.len().min(64));
    let t2 = tolerance_mm * tolerance_mm;
    for c in &ring.0 {
        if !(c.x.is_finite() && c.y.is_finite()) {
            continue;
        }
        let q = p.to_page(*c);
        if let Some(last) = out.last() {
            let (dx, dy) = (q.x - last.x, q.y - last.y);
            if dx * dx + dy * dy < t2 {
                continue;
            }
        }
        out.push(q);
    }
    // The closing vertex repeats the first.
    if out.len() > 1
        && let (Some(first), Some(last)) = (out.first(), out.last())
        && (first.x - last.x).abs() < tolerance_mm
        && (first.y - last.y).abs() < tolerance_mm
    {
        out.pop();
    }
    if out.len() >= 3 {
        return Some(out);
    }
    // A ring smaller than the tolerance keeps its own vertices: a tiny area must still show
    // (and keep its code in the SVG), not leave a hole in the map.
    let all: Vec<PointMm> = ring
        .0
        .iter()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .map(|c| p.to_page(*c))
        .collect();
    (all.len() >= 4).then_some(all)
}

/// Every ring (outer and holes) of a multipolygon on the page.
pub fn project_multipolygon(
    p: &Projection,
    mp: &MultiPolygon<f64>,
    tolerance_mm: f64,
) -> Vec<Vec<PointMm>> {
    let mut rings = Vec::new();
    for poly in &mp.0 {
        let Some(outer) = project_ring(p, poly.exterior(), tolerance_mm) else {
            continue;
        };
        rings.push(outer);
        rings.extend(
            poly.interiors()
                .iter()
                .filter_map(|r| project_ring(p, r, tolerance_mm)),
        );
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn a_ring_smaller_than_the_tolerance_is_kept() {
        let p = Projection::fit(
            Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 100_000.0, y: 100_000.0}),
            RectMm {
                x: 0.0,
                y: 0.0,
                width: 100.0,
                height: 100.0,
            },
            0.0,
        )
        .unwrap(); // 1 mm per km: a 20 m square is 0.02 mm across
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (20.0, 0.0),
            (20.0, 20.0),
            (0.0, 20.0),
            (0.0, 0.0),
        ]);
        assert_eq!(project_ring(&p, &ring, 0.1).map(|r| r.len()), Some(5));
        let line = LineString::from(vec![(0.0, 0.0), (20.0, 0.0)]);
        assert!(project_ring(&p, &line, 0.1).is_none());
    }
}
