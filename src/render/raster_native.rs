//! Direct tiny-skia drawing of plain map layers for the PNG backend.
//!
//! A map layer of filled and stroked polygons is most of a map's bytes; writing it to SVG and
//! parsing it back costs more than drawing it. Groups made only of paths with solid (or no)
//! fills, solid strokes and plain lines are therefore drawn here, with exactly what resvg does
//! for the same SVG (tiny-skia, anti-aliased, even-odd fill, round joins, widths in page
//! millimetres scaled by the same transform, coordinates rounded to 0.01 mm as the SVG has
//! them); everything else (text, hatches, symbols) still goes through the SVG, in order, so the
//! PNG keeps looking like the SVG and the PDF. The image is cut into horizontal bands drawn in
//! parallel (rayon); each band draws only the shapes that reach it.

use super::scene::{Colour, Fill, Group, Item, PointMm, RectMm, Stroke};
use rayon::prelude::*;
use resvg::tiny_skia::{self, FillRule, LineJoin, Mask, Paint, PathBuilder, PixmapMut, Transform};

/// Whether every item of the group (and its nested groups) can be drawn here.
pub fn can_draw(g: &Group) -> bool {
    g.items.iter().all(|item| match item {
        Item::Path(p) => {
            !matches!(p.fill, Fill::Hatch { .. })
                && p.stroke.as_ref().is_none_or(|s| s.dash_mm.is_empty())
        }
        Item::Line(l) => l.stroke.dash_mm.is_empty(),
        Item::Group(inner) => can_draw(inner),
        Item::Text(_) | Item::Symbol(_) | Item::Image(_) => false,
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

/// One drawing operation, prepared once and replayed in every band.
struct Op {
    path: tiny_skia::Path,
    fill: Option<Colour>,
    stroke: Option<Stroke>,
    /// Vertical extent on the page in millimetres, stroke included.
    top_mm: f32,
    bottom_mm: f32,
    clip: Option<RectMm>,
}

fn prepare(g: &Group, clip: Option<RectMm>, ops: &mut Vec<Op>) {
    let clip = g.clip.or(clip);
    for item in &g.items {
        let (shape, fill, stroke) = match item {
            Item::Path(p) => {
                let fill = match p.fill {
                    Fill::Solid(c) => Some(c),
                    _ => None,
                };
                (path(&p.rings, true), fill, p.stroke.clone())
            }
            Item::Line(l) => (
                path(std::slice::from_ref(&l.points), false),
                None,
                Some(l.stroke.clone()),
            ),
            Item::Group(inner) => {
                prepare(inner, clip, ops);
                continue;
            }
            Item::Text(_) | Item::Symbol(_) | Item::Image(_) => continue,
        };
        let Some(shape) = shape else { continue };
        let half = stroke.as_ref().map_or(0.0, |s| s.width_mm as f32);
        let b = shape.bounds();
        ops.push(Op {
            top_mm: b.top() - half,
            bottom_mm: b.bottom() + half,
            path: shape,
            fill,
            stroke,
            clip,
        });
    }
}

fn clip_mask(r: RectMm, width: u32, height: u32, ts: Transform) -> Option<Mask> {
    let mut mask = Mask::new(width, height)?;
    let rect = tiny_skia::Rect::from_xywh(r.x as f32, r.y as f32, r.width as f32, r.height as f32)?;
    mask.fill_path(&PathBuilder::from_rect(rect), FillRule::Winding, true, ts);
    Some(mask)
}

/// Draws the ops that reach rows `y0..y0 + rows` into that band of the image.
fn draw_band(ops: &[Op], band: &mut [u8], width: u32, y0: u32, ts: Transform) {
    let rows = (band.len() / (4 * width as usize)) as u32;
    let Some(mut pixmap) = PixmapMut::from_bytes(band, width, rows) else {
        return;
    };
    let band_ts = ts.post_translate(0.0, -(y0 as f32));
    let (sy, ty) = (ts.sy, ts.ty);
    let (band_top, band_bottom) = (y0 as f32, (y0 + rows) as f32);
    let mut mask: Option<(RectMm, Option<Mask>)> = None;
    for op in ops {
        let (top_px, bottom_px) = (op.top_mm * sy + ty - 1.0, op.bottom_mm * sy + ty + 1.0);
        if bottom_px < band_top || top_px > band_bottom {
            continue;
        }
        let m = match op.clip {
            None => None,
            Some(r) => {
                if mask.as_ref().is_none_or(|(cached, _)| *cached != r) {
                    mask = Some((r, clip_mask(r, width, rows, band_ts)));
                }
                mask.as_ref().and_then(|(_, m)| m.as_ref())
            }
        };
        if let Some(c) = op.fill {
            pixmap.fill_path(&op.path, &paint(c), FillRule::EvenOdd, band_ts, m);
        }
        if let Some(s) = &op.stroke {
            pixmap.stroke_path(&op.path, &paint(s.colour), &stroke_style(s), band_ts, m);
        }
    }
}

/// Draws a group for which [`can_draw`] holds onto `data` (premultiplied RGBA, `width` wide).
pub fn draw(g: &Group, data: &mut [u8], width: u32, ts: Transform) {
    let mut ops = Vec::new();
    prepare(g, None, &mut ops);
    let stride = 4 * width as usize;
    let height = (data.len() / stride.max(1)) as u32;
    let bands = (rayon::current_num_threads() * 4).max(1) as u32;
    let band_rows = height.div_ceil(bands).max(16);
    data.par_chunks_mut(stride * band_rows as usize)
        .enumerate()
        .for_each(|(b, band)| draw_band(&ops, band, width, b as u32 * band_rows, ts));
}
