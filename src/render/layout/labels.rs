//! Label placement without overlaps. Every placed label (and every obstacle: point symbols,
//! the scale bar, north arrow and inset) is a box in an R-tree; a candidate box is accepted if
//! it lies inside the frame and touches nothing placed before it. Points try eight positions
//! around the symbol in QGIS's "cartographic" order (right first); areas try their interior
//! point, larger areas first. Labels that fit nowhere are dropped, never overlapped.

use crate::render::font::{ascent_descent_mm, text_width_mm};
use crate::render::scene::{Anchor, Colour, Item, PointMm, RectMm, TextItem};
use rstar::{AABB, RTree, primitives::Rectangle};

/// Boxes already taken.
pub struct Placer {
    tree: RTree<Rectangle<[f64; 2]>>,
    bounds: RectMm,
}

fn aabb(r: &RectMm) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners([r.x, r.y], [r.right(), r.bottom()])
}

impl Placer {
    pub fn new(bounds: RectMm, obstacles: &[RectMm]) -> Self {
        Self {
            tree: RTree::bulk_load(obstacles.iter().map(aabb).collect()),
            bounds,
        }
    }

    /// Takes `r` if it is inside the bounds and free; says whether it did.
    ///
    /// ```
    /// use local_atlas::render::layout::labels::Placer;
    /// use local_atlas::render::scene::RectMm;
    /// let mut p = Placer::new(RectMm { x: 0.0, y: 0.0, width: 100.0, height: 100.0 }, &[]);
    /// let a = RectMm { x: 10.0, y: 10.0, width: 20.0, height: 5.0 };
    /// assert!(p.try_take(a));
    /// assert!(!p.try_take(RectMm { x: 25.0, ..a }), "overlaps the first");
    /// assert!(!p.try_take(RectMm { x: 90.0, ..a }), "leaves the frame");
    /// assert!(p.try_take(RectMm { y: 16.0, ..a }));
    /// ```
    pub fn try_take(&mut self, r: RectMm) -> bool {
        let inside = r.x >= self.bounds.x
            && r.y >= self.bounds.y
            && r.right() <= self.bounds.right()
            && r.bottom() <= self.bounds.bottom();
        if !(inside && r.width.is_finite() && r.height.is_finite()) {
            return false;
        }
        let envelope = AABB::from_corners([r.x, r.y], [r.right(), r.bottom()]);
        let free = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .all(|o| {
                !RectMm {
                    x: o.lower()[0],
                    y: o.lower()[1],
                    width: o.upper()[0] - o.lower()[0],
                    height: o.upper()[1] - o.lower()[1],
                }
                .intersects(&r)
            });
        if free {
            self.tree.insert(aabb(&r));
        }
        free
    }
}

/// The box a one-line label occupies, from its baseline anchor point.
pub fn text_box(pos: PointMm, text: &str, size_pt: f64, anchor: Anchor) -> RectMm {
    let w = text_width_mm(text, size_pt, false);
    let (ascent, descent) = ascent_descent_mm(size_pt);
    let x = match anchor {
        Anchor::Start => pos.x,
        Anchor::Middle => pos.x - w / 2.0,
        Anchor::End => pos.x - w,
    };
    // A little air around the halo.
    RectMm {
        x: x - 0.4,
        y: pos.y - ascent - 0.2,
        width: w + 0.8,
        height: ascent + descent + 0.4,
    }
}

fn label(pos: PointMm, text: &str, size_pt: f64, anchor: Anchor) -> Item {
    Item::Text(TextItem {
        pos,
        text: text.to_string(),
        size_pt,
        bold: false,
        anchor,
        colour: Colour::rgb(0x1a, 0x1a, 0x1a),
        halo: Some(Colour::WHITE),
    })
}

/// Places the label of a point symbol of radius `radius_mm` at `centre`.
pub fn place_point_label(
    placer: &mut Placer,
    centre: PointMm,
    radius_mm: f64,
    text: &str,
    size_pt: f64,
) -> Option<Item> {
    let (ascent, descent) = ascent_descent_mm(size_pt);
    let d = radius_mm + 0.8;
    let mid = (ascent - descent) / 2.0;
    let diag = d * 0.75;
    let candidates = [
        (PointMm::new(centre.x + d, centre.y + mid), Anchor::Start),
        (PointMm::new(centre.x - d, centre.y + mid), Anchor::End),
        (
            PointMm::new(centre.x, centre.y - d - descent),
            Anchor::Middle,
        ),
        (
            PointMm::new(centre.x, centre.y + d + ascent),
            Anchor::Middle,
        ),
        (
            PointMm::new(centre.x + diag, centre.y - diag - descent),
            Anchor::Start,
        ),
        (
            PointMm::new(centre.x + diag, centre.y + diag + ascent),
            Anchor::Start,
        ),
        (
            PointMm::new(centre.x - diag, centre.y - diag - descent),
            Anchor::End,
        ),
        (
            PointMm::new(centre.x - diag, centre.y + diag + ascent),
            Anchor::End,
        ),
    ];
    candidates.into_iter().find_map(|(pos, anchor)| {
        placer
            .try_take(text_box(pos, text, size_pt, anchor))
            .then(|| label(pos, text, size_pt, anchor))
    })
}

/// Places an area's label centred on its interior point, or, when that place is taken, one
/// line above or below it (still on the area for all but the thinnest areas).
///
/// ```
/// use local_atlas::render::layout::labels::{Placer, place_area_label};
/// use local_atlas::render::scene::{PointMm, RectMm};
/// let frame = RectMm { x: 0.0, y: 0.0, width: 100.0, height: 100.0 };
/// let mut p = Placer::new(frame, &[]);
/// let at = PointMm::new(50.0, 50.0);
/// assert!(place_area_label(&mut p, at, "Bolton", 8.0).is_some());
/// assert!(place_area_label(&mut p, at, "Tonge", 8.0).is_some(), "moved a line up or down");
/// assert!(place_area_label(&mut p, at, "Bury", 8.0).is_some());
/// assert!(place_area_label(&mut p, at, "Wigan", 8.0).is_none(), "no fourth place");
/// ```
pub fn place_area_label(
    placer: &mut Placer,
    at: PointMm,
    text: &str,
    size_pt: f64,
) -> Option<Item> {
    let (ascent, descent) = ascent_descent_mm(size_pt);
    let line = ascent + descent + 1.0;
    let centre = at.y + (ascent - descent) / 2.0;
    [0.0, -line, line].into_iter().find_map(|dy| {
        let pos = PointMm::new(at.x, centre + dy);
        placer
            .try_take(text_box(pos, text, size_pt, Anchor::Middle))
            .then(|| label(pos, text, size_pt, Anchor::Middle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_points_never_get_overlapping_labels() {
        let frame = RectMm {
            x: 0.0,
            y: 0.0,
            width: 100.0,
            height: 100.0,
        };
        let mut placer = Placer::new(frame, &[]);
        let mut boxes = Vec::new();
        // 400 points on a 5 mm grid: most labels cannot fit.
        for i in 0..20 {
            for j in 0..20 {
                let c = PointMm::new(2.5 + 5.0 * i as f64, 2.5 + 5.0 * j as f64);
                if let Some(Item::Text(t)) = place_point_label(&mut placer, c, 1.0, "Centre", 7.0) {
                    boxes.push(text_box(t.pos, &t.text, t.size_pt, t.anchor));
                }
            }
        }
        assert!(
            !boxes.is_empty() && boxes.len() < 400,
            "{} placed",
            boxes.len()
        );
        for (a, ra) in boxes.iter().enumerate() {
            assert!(ra.x >= 0.0 && ra.right() <= 100.0);
            for rb in &boxes[a + 1..] {
                assert!(!ra.intersects(rb), "{ra:?} overlaps {rb:?}");
            }
        }
    }

    #[test]
    fn a_label_is_dropped_when_nothing_fits() {
        let frame = RectMm {
            x: 0.0,
            y: 0.0,
            width: 30.0,
            height: 30.0,
        };
        let mut placer = Placer::new(frame, &[frame]);
        assert!(place_point_label(&mut placer, PointMm::new(15.0, 15.0), 1.0, "X", 7.0).is_none());
        let mut open = Placer::new(frame, &[]);
        assert!(place_point_label(&mut open, PointMm::new(15.0, 15.0), 1.0, "X", 7.0).is_some());
    }
}
