//! The menu bar (File, View, Help), the keyboard-shortcut help window and the "type a
//! workspace path" window used when no file dialog is available.

use super::app::{AppView, Command};

/// The keyboard shortcuts, as listed in the help window.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("F1", "show or hide this help"),
    (
        "F11",
        "presenter mode: large type, high contrast, the map alone",
    ),
    ("Ctrl+O", "open a workspace"),
    ("Ctrl+I", "import a file (or drop it on the window)"),
    ("Ctrl+E", "export the map"),
    ("Ctrl+F", "find an area by name or code"),
    ("Z", "zoom to the selection"),
    ("Home", "show all areas"),
    (
        "Esc",
        "close the open menu or popup; with none open, clear the selection",
    ),
    (
        "Ctrl + / Ctrl − / Ctrl 0",
        "larger / smaller / normal interface",
    ),
    ("P / B / L", "pan, box select, lasso select"),
    ("+ / −", "zoom in / out"),
    ("Arrow keys", "pan the map"),
    ("Click / Ctrl+click", "select an area / add or remove it"),
];

/// The menu's windows: the shortcut help and the path prompt.
#[derive(Debug, Default)]
pub struct Menu {
    show_help: bool,
    /// The path typed in the prompt, while it is open.
    open_path: Option<String>,
}

/// Picks a workspace file to open (or to create), or asks for its path when there is no file
/// dialog.
fn workspace_dialog(create: bool) -> Command {
    let dialog = rfd::FileDialog::new().add_filter("Workspace", &["gpkg"]);
    let picked = if create {
        dialog.save_file()
    } else {
        dialog.pick_file()
    };
    match picked {
        Some(p) if create => Command::CreateWorkspace(p),
        Some(p) => Command::OpenWorkspace(p),
        None => Command::PromptWorkspacePath,
    }
}

impl Menu {
    pub fn toggle_help(&mut self) {
        self.show_help = !self.show_help;
    }

    /// Opens the "type a workspace path" window.
    pub fn prompt_path(&mut self) {
        self.open_path = Some(String::new());
    }

    /// The menu bar.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| out.extend(file_menu(ui, view)));
            ui.menu_button("View", |ui| {
                let mut prefs = view.prefs.clone();
                ui.checkbox(&mut prefs.presenter, "Presenter mode (F11)");
                ui.checkbox(
                    &mut prefs.presenter_chart,
                    "Presenter: chart beside the map",
                );
                ui.checkbox(&mut prefs.dark, "Dark theme");
                ui.checkbox(&mut prefs.basemap, "OpenStreetMap basemap (online)");
                if prefs != *view.prefs {
                    out.push(Command::SetPrefs(prefs));
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts (F1)").clicked() {
                    self.show_help = true;
                }
            });
            ui.separator();
            if ui.button("Export map…").clicked() {
                out.push(Command::OpenExport);
            }
        });
        out
    }

    /// The help and path windows, when open.
    pub fn windows(&mut self, ui: &mut egui::Ui, _view: &AppView) -> Vec<Command> {
        self.help_window(ui.ctx());
        self.open_path_window(ui.ctx())
    }

    fn open_path_window(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(mut text) = self.open_path.take() else {
            return out;
        };
        let mut keep = true;
        egui::Window::new("Open or create a workspace")
            .open(&mut keep)
            .show(ctx, |ui| {
                ui.label("No file dialog is available here: type the workspace path.");
                ui.horizontal(|ui| {
                    let l = ui.label("Path");
                    ui.text_edit_singleline(&mut text).labelled_by(l.id);
                });
                ui.horizontal(|ui| {
                    if ui.button("Open").clicked() {
                        out.push(Command::OpenWorkspace(text.trim().into()));
                    }
                    if ui.button("Create").clicked() {
                        out.push(Command::CreateWorkspace(text.trim().into()));
                    }
                });
            });
        if keep && out.is_empty() {
            self.open_path = Some(text);
        }
        out
    }

    fn help_window(&mut self, ctx: &egui::Context) {
        let mut open = self.show_help;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (k, what) in SHORTCUTS {
                        ui.strong(*k);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            });
        self.show_help = open;
    }
}

fn file_menu(ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
    let mut out = Vec::new();
    if ui.button("Open workspace…").clicked() {
        out.push(workspace_dialog(false));
    }
    if ui.button("New workspace…").clicked() {
        out.push(workspace_dialog(true));
    }
    ui.menu_button("Recent", |ui| {
        for p in &view.prefs.recent {
            if ui.button(p.display().to_string()).clicked() {
                out.push(Command::OpenWorkspace(p.clone()));
            }
        }
    });
    if ui.button("Import file…").clicked() {
        out.push(Command::OpenImport(None));
    }
    if ui.button("Export map…").clicked() {
        out.push(Command::OpenExport);
    }
    if ui.button("Open recipe…").clicked() {
        out.push(Command::OpenRecipeWindow(false));
    }
    if ui.button("Save recipe…").clicked() {
        out.push(Command::OpenRecipeWindow(true));
    }
    if ui.button("Check workspace…").clicked() {
        out.push(Command::CheckWorkspace);
    }
    out
}
