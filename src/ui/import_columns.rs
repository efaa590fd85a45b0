//! The import dialog's indicator columns: which columns of a wide file to import (ticked), and
//! a title, theme, unit and polarity for each — what the command line takes as `--columns`
//! and a metadata file, here as fields. A column's description is kept only once the user
//! changes one of its fields, so an existing indicator's metadata is never replaced by
//! defaults.

use crate::ops::catalog::Polarity;
use crate::ops::import::{FilePreview, ImportRequest, IndicatorMeta};

const POLARITIES: [(Polarity, &str); 3] = [
    (Polarity::HigherIsBetter, "Higher is better"),
    (Polarity::LowerIsBetter, "Lower is better"),
    (Polarity::Neutral, "Neither"),
];

/// The columns that may hold indicators: every column but the area codes.
fn indicator_columns<'a>(p: &'a FilePreview, r: &ImportRequest) -> Vec<&'a String> {
    p.columns
        .iter()
        .filter(|c| Some(*c) != r.code_field.as_ref())
        .collect()
}

/// Ticks for the columns to import (all by default: then text-only columns are skipped).
pub fn column_picker(ui: &mut egui::Ui, p: &FilePreview, r: &mut ImportRequest) {
    let columns = indicator_columns(p, r);
    ui.label("Columns to import");
    egui::ScrollArea::vertical()
        .id_salt("import-columns")
        .max_height(110.0)
        .show(ui, |ui| {
            for c in &columns {
                let mut on = r.columns.as_ref().is_none_or(|list| list.contains(c));
                if ui.checkbox(&mut on, c.as_str()).changed() {
                    let mut list: Vec<String> = match &r.columns {
                        Some(l) => l.clone(),
                        None => columns.iter().map(|c| (*c).clone()).collect(),
                    };
                    list.retain(|x| x != *c);
                    if on {
                        list.push((*c).clone());
                    }
                    // Keep the file's order; all ticked again means "all" (text skipped).
                    list.sort_by_key(|x| columns.iter().position(|c| *c == x));
                    r.columns = (list.len() < columns.len()).then_some(list);
                }
            }
        });
}

/// A grid of title, theme, unit and polarity per chosen column.
pub fn describe(ui: &mut egui::Ui, p: &FilePreview, r: &mut ImportRequest) {
    let chosen: Vec<String> = indicator_columns(p, r)
        .into_iter()
        .filter(|c| r.columns.as_ref().is_none_or(|l| l.contains(c)))
        .cloned()
        .collect();
    egui::CollapsingHeader::new("Describe the indicators (title, theme, unit, polarity)")
        .id_salt("import-describe")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("import-describe-rows")
                .max_height(160.0)
                .show(ui, |ui| {
                    egui::Grid::new("import-describe-grid")
                        .striped(true)
                        .show(ui, |ui| {
                            for h in ["Column", "Title", "Theme", "Unit", "Polarity"] {
                                ui.strong(h);
                            }
                            ui.end_row();
                            for column in &chosen {
                                row(ui, column, r);
                                ui.end_row();
                            }
                        });
                });
        });
}

/// One column's fields; the entry is created on the first change.
fn row(ui: &mut egui::Ui, column: &str, r: &mut ImportRequest) {
    let existing = r.described.iter().position(|m| m.code == column);
    let mut m = existing
        .and_then(|i| r.described.get(i).cloned())
        .unwrap_or_else(|| IndicatorMeta::default_for(column));
    let mut changed = false;
    ui.label(column);
    let title = ui
        .add(egui::TextEdit::singleline(&mut m.title).desired_width(180.0))
        .on_hover_text("What readers see in legends, menus and reports");
    changed |= named(ui, title, &format!("Title of {column}"));
    let theme = ui.add(egui::TextEdit::singleline(&mut m.theme).desired_width(100.0));
    changed |= named(ui, theme, &format!("Theme of {column}"));
    let unit = ui
        .add(egui::TextEdit::singleline(&mut m.unit).desired_width(70.0))
        .on_hover_text("e.g. %, per 1,000, £/month");
    changed |= named(ui, unit, &format!("Unit of {column}"));
    let shown = POLARITIES
        .iter()
        .find(|(p, _)| *p == m.polarity)
        .map_or("Neither", |(_, l)| *l);
    egui::ComboBox::from_id_salt(("polarity", column))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (p, label) in POLARITIES {
                changed |= ui.selectable_value(&mut m.polarity, p, label).changed();
            }
        });
    if changed {
        match existing {
            Some(i) => r.described[i] = m,
            None => r.described.push(m),
        }
    }
}

/// Gives a field of the grid its own accessible name ("Title of Average rent"), as a screen
/// reader announces it; says whether it changed.
fn named(ui: &egui::Ui, r: egui::Response, name: &str) -> bool {
    ui.ctx()
        .accesskit_node_builder(r.id, |node| node.set_label(name.to_string()));
    r.changed()
}
