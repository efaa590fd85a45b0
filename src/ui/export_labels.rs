//! The export dialog's "Labels": a switch for each outline layer of the recipe (its areas
//! named on the map, e.g. ward names over an LSOA map) and a label field for each point
//! layer (e.g. `name` for children's centres). They edit the recipe's layers, so the preview
//! and the export show the labels.

use super::app::{AppView, Command};
use crate::render::spec::LayerSpec;

/// The label switches; an edited layer is sent as `SetLayer`.
pub fn labels_ui(ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
    let mut out = Vec::new();
    let mut any = false;
    for (index, layer) in view.recipe.layers.iter().enumerate() {
        let mut edited = layer.clone();
        match &mut edited {
            LayerSpec::Outline {
                geography, labels, ..
            } => {
                let shown = view.catalog.title(geography).to_string();
                ui.checkbox(labels, format!("Label {shown}"));
            }
            LayerSpec::Points {
                layer, label_field, ..
            } => {
                // The typed text is kept in egui's memory and applied when the field is left
                // (or Enter pressed): a half-typed field name is not drawn on every key.
                let id = egui::Id::unique(("export-label-field", index));
                let mut text: String = ui
                    .data(|d| d.get_temp(id))
                    .unwrap_or_else(|| label_field.clone().unwrap_or_default());
                let done = ui
                    .horizontal(|ui| {
                        let l = ui.label(format!("Label {layer} by"));
                        ui.add(
                            egui::TextEdit::singleline(&mut text)
                                .hint_text("field, e.g. name")
                                .desired_width(120.0),
                        )
                        .labelled_by(l.id)
                        .lost_focus()
                    })
                    .inner;
                if done {
                    ui.data_mut(|d| d.remove::<String>(id));
                    let text = text.trim();
                    *label_field = (!text.is_empty()).then(|| text.to_string());
                } else {
                    ui.data_mut(|d| d.insert_temp(id, text));
                }
            }
            _ => continue,
        }
        any = true;
        if edited != *layer {
            out.push(Command::SetLayer(index, Box::new(edited)));
        }
    }
    if !any {
        ui.small("Labels: add an outline (e.g. wards) or a point layer in the map toolbar.");
    }
    out
}
