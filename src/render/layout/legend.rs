//! The legend: one block per layer (heading, then a row per entry: key, label, "(n)"), flowed
//! top to bottom into as many columns as the height allows.

use super::furniture::rect_item;
use crate::render::font::{ascent_descent_mm, text_width_mm, wrap};
use crate::render::input::{LegendBlock, Swatch};
use crate::render::scene::{
    Anchor, Fill, Item, LineItem, PointMm, RectMm, Stroke, SymbolItem, TextItem,
};

/// Type sizes and spacing at scale 1 (A4), in points and millimetres.
const HEADING_PT: f64 = 8.5;
const LABEL_PT: f64 = 7.5;
const SWATCH_W_MM: f64 = 5.5;
const SWATCH_H_MM: f64 = 3.6;
const GAP_MM: f64 = 1.8;
const BLOCK_GAP_MM: f64 = 2.5;
const COLUMN_GAP_MM: f64 = 5.0;
const MAX_HEADING_MM: f64 = 60.0;
/// A continuous ramp's bar: width, and the slices it is drawn in.
const RAMP_W_MM: f64 = 30.0;
const RAMP_SLICES: usize = 60;
const TICK_MM: f64 = 0.8;

enum Row<'a> {
    Heading(&'a str),
    Entry(&'a crate::render::input::LegendEntry),
}

fn row_text(row: &Row<'_>) -> String {
    match row {
        Row::Heading(t) => t.to_string(),
        Row::Entry(e) => match e.count {
            Some(n) => format!(
                "{} ({})",
                e.label,
                crate::render::symbology::format_value(n as f64, 0)
            ),
            None => e.label.clone(),
        },
    }
}

/// The legend laid out from `origin` within `max_height_mm`: its items and size (w, h).
pub fn flow(
    blocks: &[&LegendBlock],
    origin: PointMm,
    max_height_mm: f64,
    scale: f64,
) -> (Vec<Item>, f64, f64) {
    let row_h = (SWATCH_H_MM + 1.3) * scale;
    let heading_h = HEADING_PT * 0.3528 * 1.5 * scale;
    let mut items = Vec::new();
    let (mut x, mut y) = (origin.x, origin.y);
    let (mut col_w, mut total_w, mut total_h) = (0.0f64, 0.0f64, 0.0f64);
    let new_column = |x: &mut f64, y: &mut f64, col_w: &mut f64| {
        *x += *col_w + COLUMN_GAP_MM * scale;
        *y = origin.y;
        *col_w = 0.0;
    };
    for (b, block) in blocks.iter().enumerate() {
        let mut rows: Vec<Row<'_>> = Vec::new();
        // Long headings wrap rather than widen the legend.
        let heading_lines = wrap(
            &block.title,
            HEADING_PT * scale,
            true,
            MAX_HEADING_MM * scale,
        );
        rows.extend(
            heading_lines
                .iter()
                .filter(|l| !l.is_empty())
                .map(|l| Row::Heading(l.as_str())),
        );
        rows.extend(block.entries.iter().map(Row::Entry));
        if b > 0 && y > origin.y {
            y += BLOCK_GAP_MM * scale;
        }
        for (r, row) in rows.iter().enumerate() {
            let h = match row {
                Row::Heading(_) => heading_h,
                Row::Entry(e) if matches!(e.swatch, Swatch::Ramp { .. }) => {
                    row_h + (TICK_MM + LABEL_PT * 0.3528 * 1.3) * scale
                }
                Row::Entry(_) => row_h,
            };
            // Keep a heading with its first entry.
            let need = if r == 0 && rows.len() > 1 && matches!(row, Row::Heading(_)) {
                h + row_h
            } else {
                h
            };
            if y > origin.y && y + need - origin.y > max_height_mm {
                new_column(&mut x, &mut y, &mut col_w);
            }
            let text = row_text(row);
            let w = match row {
                Row::Heading(_) => {
                    let size = HEADING_PT * scale;
                    let (ascent, _) = ascent_descent_mm(size);
                    let pos = PointMm::new(x, y + ascent);
                    items.push(super::text(pos, text.clone(), size, true, super::INK));
                    text_width_mm(&text, size, true)
                }
                Row::Entry(e) if matches!(e.swatch, Swatch::Ramp { .. }) => {
                    let ramp_items = ramp(e, PointMm::new(x, y + 0.4 * scale), scale);
                    let w = ramp_items.1;
                    items.extend(ramp_items.0);
                    w
                }
                Row::Entry(e) => {
                    let size = LABEL_PT * scale;
                    let key = RectMm {
                        x,
                        y: y + 0.4 * scale,
                        width: SWATCH_W_MM * scale,
                        height: SWATCH_H_MM * scale,
                    };
                    items.push(swatch(&e.swatch, key));
                    let (ascent, descent) = ascent_descent_mm(size);
                    let baseline = key.y + key.height / 2.0 + (ascent - descent) / 2.0;
                    let tx = x + (SWATCH_W_MM + GAP_MM) * scale;
                    let pos = PointMm::new(tx, baseline);
                    items.push(super::text(pos, text.clone(), size, false, super::INK));
                    (SWATCH_W_MM + GAP_MM) * scale + text_width_mm(&text, size, false)
                }
            };
            y += h;
            col_w = col_w.max(w);
            total_w = total_w.max(x - origin.x + col_w);
            total_h = total_h.max(y - origin.y);
        }
    }
    (items, total_w, total_h)
}

/// A ramp entry at `at` (top left): the bar, ticks and end values under it, and the entry's
/// label (the unit) right of the bar; the items and their width.
fn ramp(e: &crate::render::input::LegendEntry, at: PointMm, scale: f64) -> (Vec<Item>, f64) {
    let Swatch::Ramp {
        colours,
        min_label,
        max_label,
    } = &e.swatch
    else {
        return (Vec::new(), 0.0);
    };
    let (bar_w, bar_h) = (RAMP_W_MM * scale, SWATCH_H_MM * scale);
    let mut items = Vec::new();
    if let (Some(first), false) = (colours.first(), colours.is_empty()) {
        let slice_w = bar_w / RAMP_SLICES as f64;
        for s in 0..RAMP_SLICES {
            let t = (s as f64 + 0.5) / RAMP_SLICES as f64;
            let c = colours
                .get((t * colours.len() as f64) as usize)
                .unwrap_or(first);
            // Each slice runs to the bar's end and the next one covers all but its start, so
            // no anti-aliased seam shows between slices.
            let r = RectMm {
                x: at.x + s as f64 * slice_w,
                y: at.y,
                width: bar_w - s as f64 * slice_w,
                height: bar_h,
            };
            items.push(rect_item(r, Fill::Solid(*c), None));
        }
    }
    let ink = Stroke::solid(super::INK, 0.2 * scale);
    let bar = RectMm {
        x: at.x,
        y: at.y,
        width: bar_w,
        height: bar_h,
    };
    items.push(rect_item(bar, Fill::None, Some(ink.clone())));
    let size = LABEL_PT * scale;
    let (ascent, descent) = ascent_descent_mm(size);
    let tick_y = at.y + bar_h;
    let label_y = tick_y + TICK_MM * scale + ascent;
    for (x, text, anchor) in [
        (at.x, min_label, Anchor::Start),
        (at.x + bar_w, max_label, Anchor::End),
    ] {
        items.push(Item::Line(LineItem {
            points: vec![
                PointMm::new(x, tick_y),
                PointMm::new(x, tick_y + TICK_MM * scale),
            ],
            stroke: ink.clone(),
        }));
        items.push(Item::Text(TextItem {
            pos: PointMm::new(x, label_y),
            text: text.clone(),
            size_pt: size,
            bold: false,
            anchor,
            colour: super::INK,
            halo: None,
        }));
    }
    let baseline = at.y + bar_h / 2.0 + (ascent - descent) / 2.0;
    let tx = at.x + bar_w + GAP_MM * scale;
    items.push(super::text(
        PointMm::new(tx, baseline),
        e.label.clone(),
        size,
        false,
        super::INK,
    ));
    let ends = text_width_mm(min_label, size, false) + text_width_mm(max_label, size, false);
    let w = (bar_w + GAP_MM * scale + text_width_mm(&e.label, size, false)).max(ends);
    (items, w)
}

fn swatch(s: &Swatch, key: RectMm) -> Item {
    match s {
        Swatch::Area { fill, stroke } => rect_item(key, fill.clone(), stroke.clone()),
        Swatch::Ramp { colours, .. } => rect_item(
            key,
            colours.last().map_or(Fill::None, |c| Fill::Solid(*c)),
            None,
        ),
        Swatch::Line(stroke) => Item::Line(LineItem {
            points: vec![
                PointMm::new(key.x, key.y + key.height / 2.0),
                PointMm::new(key.right(), key.y + key.height / 2.0),
            ],
            stroke: stroke.clone(),
        }),
        Swatch::Point {
            symbol,
            size_mm,
            fill,
            stroke,
        } => Item::Symbol(SymbolItem {
            centre: PointMm::new(key.x + key.width / 2.0, key.y + key.height / 2.0),
            symbol: *symbol,
            size_mm: size_mm.min(key.height),
            fill: *fill,
            stroke: stroke.clone(),
            label: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::input::LegendEntry;
    use crate::render::scene::{Colour, Fill};

    fn block(n: usize) -> LegendBlock {
        LegendBlock {
            title: "IMD score".into(),
            entries: (0..n)
                .map(|i| LegendEntry {
                    swatch: Swatch::Area {
                        fill: Fill::Solid(Colour::BLACK),
                        stroke: None,
                    },
                    label: format!("class {i}"),
                    count: Some(i),
                })
                .collect(),
        }
    }

    #[test]
    fn height_grows_with_entries_then_flows_into_columns() {
        let (a, b) = (block(3), block(9));
        let (_, w3, h3) = flow(&[&a], PointMm::default(), 1000.0, 1.0);
        let (_, w9, h9) = flow(&[&b], PointMm::default(), 1000.0, 1.0);
        assert!(h9 > h3 && (w9 - w3).abs() < 1.0);
        let (_, w_cols, h_cols) = flow(&[&b], PointMm::default(), h9 / 2.0, 1.0);
        assert!(h_cols <= h9 / 2.0 + 1e-9, "{h_cols}");
        assert!(w_cols > 1.9 * w9, "second column: {w_cols} vs {w9}");
    }

    #[test]
    fn counts_are_shown() {
        let b = block(2);
        let (items, _, _) = flow(&[&b], PointMm::default(), 100.0, 1.0);
        let texts: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["IMD score", "class 0 (0)", "class 1 (1)"]);
    }
}
