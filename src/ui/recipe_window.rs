//! File ▸ Open recipe… and Save recipe…: a map recipe (layers, map area, title, page…) saved
//! in the workspace by name, or read from a JSON file (`map --save-recipe` and the `map`
//! command's `--recipe-file` use the same format). Opening one puts it on the map and in the
//! export dialog; saving stores the map on screen with its layout.

use super::app::{AppView, Command};
use std::path::PathBuf;

/// Where a recipe is opened from.
#[derive(Debug, Clone, PartialEq)]
pub enum RecipeSource {
    /// Saved in the workspace under this name.
    Saved(String),
    /// A recipe JSON file.
    File(PathBuf),
}

/// Which of the two windows is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Open,
    Save,
}

/// The recipe window's state.
#[derive(Debug, Default)]
pub struct RecipeWindow {
    mode: Option<Mode>,
    name: String,
    file: String,
}

impl RecipeWindow {
    /// Opens the window to open (`save == false`) or save a recipe.
    pub fn open(&mut self, save: bool) {
        self.mode = Some(if save { Mode::Save } else { Mode::Open });
    }

    /// The window, when open.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let Some(mode) = self.mode else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut keep = true;
        let title = match mode {
            Mode::Open => "Open recipe",
            Mode::Save => "Save recipe",
        };
        egui::Window::new(title)
            .open(&mut keep)
            .show(ui.ctx(), |ui| match mode {
                Mode::Open => out.extend(self.open_ui(ui, view)),
                Mode::Save => out.extend(self.save_ui(ui, view)),
            });
        if !keep || !out.is_empty() {
            self.mode = None;
        }
        out
    }

    fn open_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        if view.catalog.recipes.is_empty() {
            ui.label("No recipes are saved in this workspace yet.");
        } else {
            ui.label("Saved in this workspace:");
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    for name in &view.catalog.recipes {
                        if ui.button(name).clicked() {
                            out.push(Command::OpenRecipe(RecipeSource::Saved(name.clone())));
                        }
                    }
                });
        }
        ui.separator();
        ui.horizontal(|ui| {
            let l = ui.label("Recipe file");
            ui.add(egui::TextEdit::singleline(&mut self.file).hint_text("path of a .json file"))
                .labelled_by(l.id);
            if ui.button("Browse…").clicked()
                && let Some(p) = rfd::FileDialog::new()
                    .add_filter("Map recipe", &["json"])
                    .pick_file()
            {
                self.file = p.display().to_string();
            }
        });
        let file = self.file.trim();
        if ui
            .add_enabled(!file.is_empty(), egui::Button::new("Open file"))
            .clicked()
        {
            out.push(Command::OpenRecipe(RecipeSource::File(file.into())));
        }
        out
    }

    fn save_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.label("Saves the map on screen with its layout, map area and labels.");
        ui.horizontal(|ui| {
            let l = ui.label("Name");
            ui.text_edit_singleline(&mut self.name).labelled_by(l.id);
        });
        let name = self.name.trim();
        if view.catalog.recipes.iter().any(|r| r == name) {
            ui.small(format!("Replaces the saved recipe '{name}'."));
        }
        if ui
            .add_enabled(!name.is_empty(), egui::Button::new("Save"))
            .clicked()
        {
            out.push(Command::SaveRecipe(name.to_string()));
        }
        out
    }
}
