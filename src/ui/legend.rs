//! The legend (the export's legend blocks, so the same labels and counts): in the side panel
//! and as a box on the map. Clicking a class row selects that class's areas.

use super::app::{AtlasApp, Command, fill32};
use crate::render::input::Swatch;
use crate::render::symbology::AreaValue;
use egui::Color32;

impl AtlasApp {
    /// Areas of legend row `row` of the data layer's legend (classes, then "No data" and
    /// "Suppressed").
    fn areas_of_row(&self, row: usize, label: &str) -> Vec<usize> {
        let Some(ex) = &self.current else {
            return Vec::new();
        };
        let by_fill = |wanted: Color32| -> Vec<usize> {
            self.fills
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
        let swatch = self
            .legend
            .first()
            .and_then(|b| b.entries.get(row))
            .and_then(|e| match &e.swatch {
                Swatch::Area { fill, .. } => Some(fill32(fill)),
                _ => None,
            });
        swatch.map(by_fill).unwrap_or_default()
    }

    /// The legend rows; `compact` for the box on the map.
    pub(super) fn legend_ui(&self, ui: &mut egui::Ui, compact: bool) -> Vec<Command> {
        let mut out = Vec::new();
        for (b, block) in self.legend.iter().enumerate() {
            if !block.title.is_empty() {
                if compact {
                    ui.label(egui::RichText::new(&block.title).strong().small());
                } else {
                    ui.strong(&block.title);
                }
            }
            for (row, entry) in block.entries.iter().enumerate() {
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 12.0), egui::Sense::hover());
                    match &entry.swatch {
                        Swatch::Area {
                            fill: crate::render::scene::Fill::Hatch { .. },
                            ..
                        } if b > 0 => {
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
                                egui::Stroke::new(2.0, super::app::colour32(s.colour)),
                            );
                        }
                        Swatch::Point { fill, .. } => {
                            ui.painter().circle_filled(
                                rect.center(),
                                4.5,
                                super::app::colour32(*fill),
                            );
                        }
                    }
                    let text = match entry.count {
                        Some(n) => format!("{} ({n})", entry.label),
                        None => entry.label.clone(),
                    };
                    let clickable = b == 0 && matches!(entry.swatch, Swatch::Area { .. });
                    let text = if compact {
                        egui::RichText::new(text).small()
                    } else {
                        egui::RichText::new(text)
                    };
                    if clickable {
                        if ui
                            .add(egui::Button::new(text).frame(false))
                            .on_hover_text("Select these areas")
                            .clicked()
                        {
                            out.push(Command::Select(self.areas_of_row(row, &entry.label)));
                        }
                    } else {
                        ui.label(text);
                    }
                });
            }
        }
        out
    }

    /// The legend as a box in the map's lower-left corner.
    pub(super) fn map_legend_ui(&self, ui: &mut egui::Ui, map_rect: egui::Rect) -> Vec<Command> {
        let mut out = Vec::new();
        if self.legend.is_empty() {
            return out;
        }
        egui::Area::new(egui::Id::unique("map-legend"))
            .fixed_pos(map_rect.left_bottom() + egui::vec2(10.0, -10.0))
            .pivot(egui::Align2::LEFT_BOTTOM)
            .constrain_to(map_rect)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style())
                    .fill(ui.visuals().panel_fill.gamma_multiply(0.92))
                    .show(ui, |ui| {
                        out = self.legend_ui(ui, true);
                        for pl in self.map.points.iter().filter(|p| !p.points_unit.is_empty()) {
                            ui.horizontal(|ui| {
                                let (rect, _) = ui.allocate_exact_size(
                                    egui::vec2(18.0, 12.0),
                                    egui::Sense::hover(),
                                );
                                ui.painter().circle_filled(rect.center(), 4.5, pl.colour);
                                ui.label(
                                    egui::RichText::new(format!(
                                        "{} ({})",
                                        pl.name,
                                        pl.points_unit.len()
                                    ))
                                    .small(),
                                );
                            });
                        }
                    });
            });
        out
    }
}
