//! The legend (the export's legend blocks, so the same labels and counts): in the side panel
//! and as a box on the map. Clicking a class row selects that class's areas.

use super::app::{AppView, Command, colour32, fill32};
use crate::render::input::{LegendEntry, Swatch};
use crate::render::symbology::AreaValue;
use egui::Color32;

/// The legend box on the map (it keeps no state of its own).
#[derive(Debug, Default)]
pub struct Legend;

/// Areas of legend row `row` of the data layer's legend (classes, then "No data" and
/// "Suppressed").
fn areas_of_row(view: &AppView, row: usize, label: &str) -> Vec<usize> {
    let Some(ex) = view.current else {
        return Vec::new();
    };
    let by_fill = |wanted: Color32| -> Vec<usize> {
        view.fills
            .iter()
            .enumerate()
            .filter(|(_, f)| **f == wanted)
            .map(|(i, _)| i)
            .collect()
    };
    if label == "No data" {
        return ex
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.value == AreaValue::Missing)
            .map(|(i, _)| i)
            .collect();
    }
    if label == "Suppressed" {
        return ex
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.value == AreaValue::Suppressed)
            .map(|(i, _)| i)
            .collect();
    }
    let swatch = view
        .legend
        .first()
        .and_then(|b| b.entries.get(row))
        .and_then(|e| match &e.swatch {
            Swatch::Area { fill, .. } => Some(fill32(fill)),
            _ => None,
        });
    swatch.map(by_fill).unwrap_or_default()
}

/// Paints a legend key: a filled box, a line, a point, or the overlay's outline.
fn swatch_ui(ui: &mut egui::Ui, entry: &LegendEntry, overlay_block: bool) {
    let width = if matches!(entry.swatch, Swatch::Ramp { .. }) {
        90.0
    } else {
        18.0
    };
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 12.0), egui::Sense::hover());
    match &entry.swatch {
        Swatch::Ramp { colours, .. } => {
            let n = colours.len().max(1) as f32;
            for (i, c) in colours.iter().enumerate() {
                let x0 = rect.left() + rect.width() * i as f32 / n;
                let x1 = rect.left() + rect.width() * (i as f32 + 1.0) / n + 0.5;
                let slice = egui::Rect::from_x_y_ranges(x0..=x1.min(rect.right()), rect.y_range());
                ui.painter().rect_filled(slice, 0.0, colour32(*c));
            }
            ui.painter().rect_stroke(
                rect,
                0.0,
                egui::Stroke::new(0.5, Color32::from_gray(90)),
                egui::StrokeKind::Inside,
            );
        }
        Swatch::Area {
            fill: crate::render::scene::Fill::Hatch { .. },
            ..
        } if overlay_block => {
            // The overlay is outlined on screen (hatched in exports).
            ui.painter().rect_stroke(
                rect,
                0.0,
                egui::Stroke::new(1.8, super::frame_cache::OVERLAY),
                egui::StrokeKind::Inside,
            );
        }
        Swatch::Area { fill, .. } => {
            ui.painter().rect_filled(rect, 0.0, fill32(fill));
            ui.painter().rect_stroke(
                rect,
                0.0,
                egui::Stroke::new(0.5, Color32::from_gray(90)),
                egui::StrokeKind::Inside,
            );
        }
        Swatch::Line(s) => {
            ui.painter().hline(
                rect.x_range(),
                rect.center().y,
                egui::Stroke::new(2.0, colour32(s.colour)),
            );
        }
        Swatch::Point { fill, .. } => {
            ui.painter()
                .circle_filled(rect.center(), 4.5, colour32(*fill));
        }
    }
}

/// The legend rows (small type); clicking a class row selects its areas.
fn rows_ui(ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
    let mut out = Vec::new();
    for (b, block) in view.legend.iter().enumerate() {
        if !block.title.is_empty() {
            ui.label(egui::RichText::new(&block.title).strong().small());
        }
        for (row, entry) in block.entries.iter().enumerate() {
            ui.horizontal(|ui| {
                swatch_ui(ui, entry, b > 0);
                let text = match (&entry.swatch, entry.count) {
                    (
                        Swatch::Ramp {
                            min_label,
                            max_label,
                            ..
                        },
                        _,
                    ) => format!("{min_label} – {max_label} {}", entry.label),
                    (_, Some(n)) => format!("{} ({n})", entry.label),
                    (_, None) => entry.label.clone(),
                };
                let text = egui::RichText::new(text).small();
                let clickable = b == 0 && matches!(entry.swatch, Swatch::Area { .. });
                if !clickable {
                    ui.label(text);
                } else if ui
                    .add(egui::Button::new(text).frame(false))
                    .on_hover_text("Select these areas")
                    .clicked()
                {
                    out.push(Command::Select(areas_of_row(view, row, &entry.label)));
                }
            });
        }
    }
    for (name, n, colour) in view.point_legend {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 12.0), egui::Sense::hover());
            ui.painter().circle_filled(rect.center(), 4.5, *colour);
            ui.label(egui::RichText::new(format!("{name} ({n})")).small());
        });
    }
    out
}

impl Legend {
    /// The legend as a box in the map's lower-left corner.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        if view.legend.is_empty() {
            return out;
        }
        let map_rect = view.map_rect;
        egui::Area::new(egui::Id::unique("map-legend"))
            .fixed_pos(map_rect.left_bottom() + egui::vec2(10.0, -10.0))
            .pivot(egui::Align2::LEFT_BOTTOM)
            .constrain_to(map_rect)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style())
                    .fill(ui.visuals().panel_fill.gamma_multiply(0.92))
                    .show(ui, |ui| out = rows_ui(ui, view));
            });
        out
    }
}
