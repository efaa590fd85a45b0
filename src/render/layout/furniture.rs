//! Map furniture inside the frame: the scale bar (bottom left) and the north arrow (top right).

use super::project::Projection;
use crate::render::font::{ascent_descent_mm, text_width_mm};
use crate::render::scene::{
    Anchor, Colour, Fill, Group, Item, PathItem, PointMm, RectMm, Stroke, TextItem,
};
use crate::render::symbology::format_value;

/// The largest "round" length (1, 2 or 5 × 10ⁿ metres) not longer than `max_m`.
///
/// ```
/// use local_atlas::render::layout::furniture::nice_length_m;
/// assert_eq!(nice_length_m(7_300.0), 5_000.0);
/// assert_eq!(nice_length_m(2_000.0), 2_000.0);
/// assert_eq!(nice_length_m(0.9), 0.5);
/// assert_eq!(nice_length_m(1_999.0), 1_000.0);
/// ```
pub fn nice_length_m(max_m: f64) -> f64 {
    if !(max_m.is_finite() && max_m > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(max_m.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&l| l <= max_m * (1.0 + 1e-9))
        .unwrap_or(magnitude)
}

pub(crate) fn rect_item(r: RectMm, fill: Fill, stroke: Option<Stroke>) -> Item {
    Item::Path(PathItem {
        rings: vec![vec![
            PointMm::new(r.x, r.y),
            PointMm::new(r.right(), r.y),
            PointMm::new(r.right(), r.bottom()),
            PointMm::new(r.x, r.bottom()),
        ]],
        fill,
        stroke,
        code: None,
        label: None,
    })
}

/// A distance for a label: metres below 1 km, km above (trailing zeros trimmed).
fn distance_label(m: f64, km: bool) -> String {
    if km {
        let v = m / 1000.0;
        let decimals = if v.fract() == 0.0 {
            0
        } else if (v * 10.0).fract() == 0.0 {
            1
        } else {
            2
        };
        format_value(v, decimals)
    } else {
        format_value(m, 0)
    }
}

/// The scale bar group and the box it covers.
pub fn scale_bar(p: &Projection, scale: f64) -> (Group, RectMm) {
    let frame = p.frame;
    let length_m = nice_length_m(0.22 * frame.width / p.mm_per_m);
    let length_mm = length_m * p.mm_per_m;
    let km = length_m >= 1000.0;
    let size_pt = 7.0 * scale;
    let (ascent, descent) = ascent_descent_mm(size_pt);
    let bar_h = 1.6 * scale;
    let pad = 1.5 * scale;
    let unit = if km { " km" } else { " m" };
    let end_label = format!("{}{unit}", distance_label(length_m, km));
    let extra = text_width_mm(&end_label, size_pt, false);
    let x0 = frame.x + 4.0 * scale;
    let bottom = frame.bottom() - 4.0 * scale;
    let bar_y = bottom - bar_h;
    let text_y = bar_y - 1.0 * scale;
    let backing = RectMm {
        x: x0 - pad,
        y: text_y - ascent - pad,
        width: length_mm + extra / 2.0 + 2.0 * pad + 1.0,
        height: bottom - (text_y - ascent) + descent.min(0.0) + 2.0 * pad,
    };
    let mut g = Group::new("scale-bar", "Scale bar");
    g.items.push(rect_item(
        backing,
        Fill::Solid(Colour {
            a: 210,
            ..Colour::WHITE
        }),
        None,
    ));
    let segments = 4;
    let seg = length_mm / segments as f64;
    for i in 0..segments {
        let fill = if i % 2 == 0 {
            Colour::BLACK
        } else {
            Colour::WHITE
        };
        let r = RectMm {
            x: x0 + i as f64 * seg,
            y: bar_y,
            width: seg,
            height: bar_h,
        };
        g.items.push(rect_item(
            r,
            Fill::Solid(fill),
            Some(Stroke::solid(Colour::BLACK, 0.15 * scale)),
        ));
    }
    for (at, text) in [
        (0.0, "0".to_string()),
        (length_mm / 2.0, distance_label(length_m / 2.0, km)),
        (length_mm, end_label),
    ] {
        g.items.push(Item::Text(TextItem {
            pos: PointMm::new(x0 + at, text_y),
            text,
            size_pt,
            bold: false,
            anchor: Anchor::Middle,
            colour: Colour::BLACK,
            halo: None,
        }));
    }
    (g, backing)
}

/// The north arrow group and its box. On British National Grid maps grid north is up.
pub fn north_arrow(frame: RectMm, scale: f64) -> (Group, RectMm) {
    let h = 9.0 * scale;
    let w = 5.0 * scale;
    let cx = frame.right() - 4.0 * scale - w / 2.0;
    let top = frame.y + 4.0 * scale + 3.5 * scale;
    let tip = PointMm::new(cx, top);
    let base_y = top + h;
    let notch = PointMm::new(cx, base_y - h * 0.3);
    let stroke = Some(Stroke::solid(Colour::BLACK, 0.2 * scale));
    let mut g = Group::new("north-arrow", "North arrow");
    let half = |x: f64, fill: Colour| {
        Item::Path(PathItem {
            rings: vec![vec![tip, PointMm::new(x, base_y), notch]],
            fill: Fill::Solid(fill),
            stroke: stroke.clone(),
            code: None,
            label: None,
        })
    };
    g.items.push(half(cx - w / 2.0, Colour::BLACK));
    g.items.push(half(cx + w / 2.0, Colour::WHITE));
    g.items.push(Item::Text(TextItem {
        pos: PointMm::new(cx, top - 1.0 * scale),
        text: "N".into(),
        size_pt: 9.0 * scale,
        bold: true,
        anchor: Anchor::Middle,
        colour: Colour::BLACK,
        halo: Some(Colour::WHITE),
    }));
    let bounds = RectMm {
        x: cx - w / 2.0 - 1.0,
        y: top - 4.5 * scale,
        width: w + 2.0,
        height: h + 5.0 * scale,
    };
    (g, bounds)
}
