//! The Search box: one search over every geography's area names and codes and the indicators
//! (`ops::find`, what `local-atlas find` prints), its results as a list that names each
//! result's geography, and "no match" said. Picking an area selects it on the map (or, for an
//! area of another geography, the mapped areas it is made of), flies there with its
//! surroundings in view and opens its area card; picking an indicator maps it.

use super::app::{AppView, Command};
use crate::ops::find::{self, FindResponse, Found, FoundKind};

/// The most results listed.
const LIMIT: usize = 12;

/// The search text and the results for it.
#[derive(Default)]
pub struct FindBox {
    text: String,
    results: Option<Result<FindResponse, String>>,
    searched: String,
    focus: bool,
}

impl FindBox {
    /// Puts the keyboard focus in the box on the next frame (Ctrl+F).
    pub fn focus(&mut self) {
        self.focus = true;
    }

    /// The box and, below it, its results.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let r = ui.horizontal(|ui| {
            let l = ui.label("Search");
            ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text("area, ward, district or indicator")
                    .desired_width(220.0),
            )
            .labelled_by(l.id)
        });
        let edit = r.inner;
        if self.focus {
            edit.request_focus();
            self.focus = false;
        }
        let text = self.text.trim().to_string();
        if text.chars().count() < 2 {
            self.results = None;
            self.searched.clear();
            return out;
        }
        if text != self.searched {
            self.results = Some(find::find(view.ws, &text, LIMIT).map_err(|e| e.to_string()));
            self.searched = text.clone();
        }
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        match &self.results {
            Some(Ok(r)) if r.results.is_empty() => {
                ui.label(format!(
                    "No match for '{text}' in any geography or indicator."
                ));
            }
            Some(Ok(r)) => {
                if enter && let Some(first) = r.results.first() {
                    out.push(Command::Found(Box::new(first.clone())));
                    self.text.clear();
                }
                // A list floating below the field, over the map: the toolbar keeps its height.
                let picked = egui::Area::new(egui::Id::unique("find-results"))
                    .order(egui::Order::Foreground)
                    .fixed_pos(edit.rect.left_bottom() + egui::vec2(0.0, 2.0))
                    .show(ui.ctx(), |ui| {
                        egui::Frame::popup(ui.style())
                            .show(ui, |ui| results_ui(ui, r))
                            .inner
                    })
                    .inner;
                if let Some(f) = picked {
                    out.push(Command::Found(Box::new(f)));
                    self.text.clear();
                }
            }
            Some(Err(e)) => {
                ui.label(e);
            }
            None => {}
        }
        out
    }
}

/// The results, one per line; the one clicked, if any.
fn results_ui(ui: &mut egui::Ui, r: &FindResponse) -> Option<Found> {
    let mut picked = None;
    egui::ScrollArea::vertical()
        .id_salt("find-results-list")
        .max_height(260.0)
        .show(ui, |ui| {
            for f in &r.results {
                if ui.selectable_label(false, label(f)).clicked() {
                    picked = Some(f.clone());
                }
            }
            if r.more > 0 {
                ui.weak(format!("… and {} more: type more of the name", r.more));
            }
        });
    picked
}

/// "Fallowfield — Ward (2017)", "Income deprivation affecting children — indicator".
fn label(f: &Found) -> String {
    match f.kind {
        FoundKind::Area if f.name != f.code => {
            format!("{} — {} ({})", f.name, f.geography_title, f.code)
        }
        FoundKind::Area => format!("{} — {}", f.code, f.geography_title),
        FoundKind::Indicator => format!("{} — indicator, {}", f.name, f.geography_title),
        FoundKind::Postcode => {
            format!("{} — postcode, in {} {}", f.name, f.geography_title, f.code)
        }
    }
}
