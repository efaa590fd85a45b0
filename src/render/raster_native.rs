//! Direct tiny-skia drawing of plain map layers for the PNG backend.
//!
//! A map layer of filled and stroked polygons is most of a map's bytes; writing it to SVG and
//! parsing it back costs more than drawing it. Groups made only of paths with solid (or no)
//! fills, solid strokes and plain lines are therefore drawn here, with exactly what resvg does
//! for the same SVG (tiny-skia, anti-aliased, even-odd fill, round joins, widths in page
//! millimetres scaled by the same transform); everything else (text, hatches, symbols) still
//! goes through the SVG, in order, so the PNG keeps looking like the SVG and the PDF.

use super::scene::{Colour, Fill, Group, Item, PointMm, RectMm, Stroke};
use resvg::tiny_skia::{self, FillRule, LineJoin, Mask, Paint, PathBuilder, Pixmap, Transform};

/// Whether every item of the group (and its nested groups) can be drawn here.
pub fn can_draw(g: &Group) -> bool {
    g.items.iter().all(|item| match item {
        Item::Path(p) => {
            !matches!(p.fill, Fill::Hatch { .. })
                && p.stroke.as_ref().is_none_or(|s| s.dash_mm.is_empty())
        }
        Item::Line(l) => l.stroke.dash_mm.is_empty(),
        Item::Group(inner) => can_draw(inner),
        Item::Text(_) | Item::Symbol(_) => false,
    })
}

fn paint(c: Colour) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(c.r, c.g, c.b, c.a);
    paint.anti_alias = true;
    paint
}

fn stroke_style(s: &Stroke) -> tiny_skia::Stroke {
    tiny_skia::Stroke {
        width: s.width_mm as f32,
        line_join: LineJoin::Round,
        ..tiny_skia::Stroke::default()
    }
}

/// The path as the SVG writes it: coordinates rounded to 0.01 mm, repeated points dropped,
/// so the pixels match those resvg draws from the SVG.
fn path(rings: &[Vec<PointMm>], close: bool) -> Option<tiny_skia::Path> {
    let mut pb = PathBuilder::new();
    for ring in rings {
        let mut first = true;
        let mut last = (i64::MIN, i64::MIN);
        for p in ring.iter().filter(|p| p.x.is_finite() && p.y.is_finite()) {
            let key = ((p.x * 100.0).round() as i64, (p.y * 100.0).round() as i64);
            if key == last {
                continue;
            }
            last = key;
            let (x, y) = ((key.0 as f64 / 100.0) as f32, (key.1 as f64 / 100.0) as f32);
            if first {
                pb.move_to(x, y);
                first = false;
            } else {
                pb.line_to(x, y);
            }
        }
        if close && !first {
            pb.close();
        }
    }
    pb.finish()
}

fn clip_mask(r: RectMm, pixmap: &Pixmap, ts: Transform) -> Option<Mask> {
    let mut mask = Mask::new(pixmap.width(), pixmap.height())?;
    let rect = tiny_skia::Rect::from_xywh(r.x as f32, r.y as f32, r.width as f32, r.height as f32)?;
    mask.fill_path(&PathBuilder::from_rect(rect), FillRule::Winding, true, ts);
    Some(mask)
}

/// Draws a group for which [`can_draw`] holds.
pub fn draw(g: &Group, pixmap: &mut Pixmap, ts: Transform, outer: Option<&Mask>) {
    let own = g.clip.and_then(|r| clip_mask(r, pixmap, ts));
    let mask = own.as_ref().or(outer);
    for item in &g.items {
        match item {
            Item::Path(p) => {
                let Some(shape) = path(&p.rings, true) else {
                    continue;
                };
                if let Fill::Solid(c) = p.fill {
                    pixmap.fill_path(&shape, &paint(c), FillRule::EvenOdd, ts, mask);
                }
                if let Some(s) = &p.stroke {
                    pixmap.stroke_path(&shape, &paint(s.colour), &stroke_style(s), ts, mask);
                }
            }
            Item::Line(l) => {
                if let Some(shape) = path(std::slice::from_ref(&l.points), false) {
                    pixmap.stroke_path(
                        &shape,
                        &paint(l.stroke.colour),
                        &stroke_style(&l.stroke),
                        ts,
                        mask,
                    );
                }
            }
            Item::Group(inner) => draw(inner, pixmap, ts, mask),
            Item::Text(_) | Item::Symbol(_) => {}
        }
    }
}
