//! Presenter mode's bar: the map's title and the layout switch, "Map only" or "Map + chart"
//! (the Moran scatterplot beside the map, for explaining a hotspot map in a workshop). F11
//! enters and leaves presenter mode; the map is fitted to its new size either way.

use super::app::{AppState, AppView, Command};

/// The title and the layout switch (presenter mode only).
pub fn presenter_bar_ui(ui: &mut egui::Ui, s: &AppState, view: &AppView) -> Vec<Command> {
    let mut out = Vec::new();
    // The switch at the right, the title wrapping in the width left of it (a long saved
    // result title never runs under the buttons).
    ui.with_layout(egui::Layout::right_to_left(egui::Align::TOP), |ui| {
        let mut prefs = view.prefs.clone();
        if ui.button("Leave (F11)").clicked() {
            prefs.presenter = false;
        }
        ui.selectable_value(&mut prefs.presenter_chart, true, "Map + chart");
        ui.selectable_value(&mut prefs.presenter_chart, false, "Map only");
        if prefs != *view.prefs {
            out.push(Command::SetPrefs(prefs));
        }
        ui.with_layout(egui::Layout::left_to_right(egui::Align::TOP), |ui| {
            if let Some(c) = &s.current {
                let title = format!("{} — {}", c.input.title, c.input.subtitle);
                ui.add(egui::Label::new(egui::RichText::new(title).heading()).wrap());
            }
        });
    });
    if let Some(e) = &s.error {
        ui.colored_label(egui::Color32::from_rgb(180, 30, 30), e);
    }
    out
}
