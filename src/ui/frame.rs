//! One frame of the app: menus, panels, the map, dialogs, shortcuts and dropped files. Every
//! panel returns commands; they are applied at the end of the frame.

use super::app::{AtlasApp, Command};
use super::map_view::Tool;
use super::prefs::{KEY, Prefs};

/// The keyboard shortcuts, as listed in the help panel.
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
    ("Esc", "clear the selection"),
    ("P / B / L", "pan, box select, lasso select"),
    ("+ / −", "zoom in / out"),
    ("Arrow keys", "pan the map"),
    ("Click / Ctrl+click", "select an area / add or remove it"),
];

impl AtlasApp {
    /// Adds the bundled DejaVu Sans (the exports' font) behind egui's own fonts, so every
    /// character the library writes (arrows, minus signs, Greek letters) can be drawn.
    fn install_fonts(ctx: &egui::Context) {
        use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            ctx.add_font(FontInsert::new(
                &format!("DejaVu Sans {family:?}"),
                egui::FontData::from_static(crate::render::font::REGULAR_TTF),
                vec![InsertFontFamily {
                    family,
                    priority: FontPriority::Lowest,
                }],
            ));
        }
    }

    /// Applies the visual style of the preferences (dark or light, presenter type size).
    pub fn apply_style(&mut self, ctx: &egui::Context) {
        if !self.fonts_installed {
            Self::install_fonts(ctx);
            self.fonts_installed = true;
        }
        let mut visuals = if self.prefs.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        };
        if self.prefs.presenter {
            // High contrast for projectors: pure background, black text, strong outlines.
            visuals.override_text_color = Some(if self.prefs.dark {
                egui::Color32::WHITE
            } else {
                egui::Color32::BLACK
            });
            visuals.widgets.noninteractive.bg_stroke.width = 1.5;
        }
        ctx.set_visuals(visuals);
        ctx.set_zoom_factor(if self.prefs.presenter { 1.6 } else { 1.0 });
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = Vec::new();
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input_mut(|i| {
            use egui::{Key, Modifiers};
            if i.consume_key(Modifiers::NONE, Key::F1) {
                self.show_help = !self.show_help;
            }
            if i.consume_key(Modifiers::NONE, Key::F11) {
                self.prefs.presenter = !self.prefs.presenter;
            }
            if i.consume_key(Modifiers::COMMAND, Key::O) {
                self.open_path = Some(String::new());
            }
            if i.consume_key(Modifiers::COMMAND, Key::I) {
                self.import.open = true;
            }
            if i.consume_key(Modifiers::COMMAND, Key::E) {
                self.export.open = true;
            }
            if i.consume_key(Modifiers::COMMAND, Key::F) {
                self.focus_area_search = true;
            }
            if typing {
                return;
            }
            if i.consume_key(Modifiers::NONE, Key::Z) {
                out.push(Command::ZoomToSelection);
            }
            if i.consume_key(Modifiers::NONE, Key::Home) {
                out.push(Command::FitAll);
            }
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                out.push(Command::ClearSelection);
            }
            for (key, tool) in [
                (Key::P, Tool::Pan),
                (Key::B, Tool::Box),
                (Key::L, Tool::Lasso),
            ] {
                if i.consume_key(Modifiers::NONE, key) {
                    self.map.tool = tool;
                }
            }
            if i.consume_key(Modifiers::NONE, Key::Plus)
                || i.consume_key(Modifiers::NONE, Key::Equals)
            {
                self.map.zoom_by(1.0);
            }
            if i.consume_key(Modifiers::NONE, Key::Minus) {
                self.map.zoom_by(-1.0);
            }
            for (key, d) in [
                (Key::ArrowLeft, egui::vec2(-80.0, 0.0)),
                (Key::ArrowRight, egui::vec2(80.0, 0.0)),
                (Key::ArrowUp, egui::vec2(0.0, -80.0)),
                (Key::ArrowDown, egui::vec2(0.0, 80.0)),
            ] {
                if i.consume_key(Modifiers::NONE, key) {
                    self.map.pan_by(d);
                }
            }
        });
        out
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut out = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open workspace…").clicked() {
                    match rfd::FileDialog::new()
                        .add_filter("Workspace", &["gpkg"])
                        .pick_file()
                    {
                        Some(p) => out.push(Command::OpenWorkspace(p)),
                        None => self.open_path = Some(String::new()),
                    }
                }
                if ui.button("New workspace…").clicked() {
                    match rfd::FileDialog::new()
                        .add_filter("Workspace", &["gpkg"])
                        .save_file()
                    {
                        Some(p) => out.push(Command::CreateWorkspace(p)),
                        None => self.open_path = Some(String::new()),
                    }
                }
                ui.menu_button("Recent", |ui| {
                    for p in self.prefs.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            out.push(Command::OpenWorkspace(p));
                        }
                    }
                });
                if ui.button("Import file…").clicked() {
                    self.import.open = true;
                }
                if ui.button("Export map…").clicked() {
                    self.open_export();
                }
            });
            ui.menu_button("View", |ui| {
                ui.checkbox(&mut self.prefs.presenter, "Presenter mode (F11)");
                ui.checkbox(&mut self.prefs.dark, "Dark theme");
                ui.checkbox(&mut self.prefs.basemap, "OpenStreetMap basemap (online)");
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts (F1)").clicked() {
                    self.show_help = true;
                }
            });
            ui.separator();
            if ui.button("Export map…").clicked() {
                self.open_export();
            }
        });
        out
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

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            self.begin_import(p);
        }
    }

    fn ensure_basemap(&mut self, ctx: &egui::Context) {
        if self.prefs.basemap && self.basemap.is_none() {
            let options = walkers::HttpOptions {
                cache: eframe::storage_dir("Local Atlas").map(|d| d.join("tiles")),
                ..Default::default()
            };
            self.basemap = Some(walkers::HttpTiles::with_options(
                walkers::sources::OpenStreetMap,
                options,
                ctx.clone(),
            ));
        }
        if !self.prefs.basemap {
            self.basemap = None;
        }
    }

    /// Draws one frame.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let presenter = self.prefs.presenter;
        self.apply_style(&ctx);
        self.ensure_basemap(&ctx);
        self.dropped_files(&ctx);
        let mut cmds = self.shortcuts(&ctx);
        if !self.prefs.presenter {
            egui::Panel::top("menu").show(ui, |ui| cmds.extend(self.menu_ui(ui)));
            egui::Panel::top("title").show(ui, |ui| self.title_ui(ui));
            egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
            egui::Panel::left("browser")
                .default_size(260.0)
                .size_range(200.0..=360.0)
                .show(ui, |ui| cmds.extend(self.browser_ui(ui)));
            egui::Panel::right("side")
                .default_size(300.0)
                .size_range(260.0..=380.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        cmds.extend(self.classification_ui(ui));
                        ui.separator();
                        egui::CollapsingHeader::new("Hotspots")
                            .default_open(true)
                            .show(ui, |ui| cmds.extend(self.hotspot_ui(ui)));
                        egui::CollapsingHeader::new("Index builder")
                            .show(ui, |ui| cmds.extend(self.index_builder_ui(ui)));
                        egui::CollapsingHeader::new("Site finder")
                            .show(ui, |ui| cmds.extend(self.site_finder_ui(ui)));
                    });
                });
            egui::Panel::bottom("charts")
                .default_size(220.0)
                .min_size(180.0)
                .resizable(true)
                .show(ui, |ui| cmds.extend(self.charts_ui(ui)));
        } else {
            egui::Panel::top("title").show(ui, |ui| self.title_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| cmds.extend(self.map_ui(ui)));
        if self.export.open {
            self.export_window(&ctx);
        }
        if self.import.open {
            cmds.extend(self.import_window(&ctx));
        }
        cmds.extend(self.open_path_window(&ctx));
        self.help_window(&ctx);
        for c in cmds {
            self.apply(c);
        }
        if self.prefs.presenter != presenter {
            // Presenter mode is a clean full-screen map, fitted to its new size.
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.prefs.presenter));
            self.map.fit_next_frame();
        }
    }

    fn title_ui(&self, ui: &mut egui::Ui) {
        if let Some(c) = &self.current {
            ui.heading(format!("{} — {}", c.input.title, c.input.subtitle));
        }
        if let Some(e) = &self.error {
            ui.colored_label(egui::Color32::from_rgb(180, 30, 30), e);
        }
    }

    fn status_ui(&self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.small(format!("Workspace: {}", self.ws.path().display()));
            ui.separator();
            ui.small(format!("map {:.1} ms", self.map.last_draw_ms));
            if !self.status.is_empty() {
                ui.separator();
                ui.small(&self.status);
            }
        });
        if let Some(c) = &self.current {
            for line in &c.input.source_lines {
                ui.small(line);
            }
        }
        if self.prefs.basemap {
            ui.small("Basemap © OpenStreetMap contributors (openstreetmap.org/copyright)");
        }
    }

    /// Saves the UI preferences (eframe storage).
    pub fn save_prefs(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, &self.prefs);
    }

    /// The preferences stored by an earlier run, if any.
    pub fn stored_prefs(storage: Option<&dyn eframe::Storage>) -> Prefs {
        storage
            .and_then(|s| eframe::get_value(s, KEY))
            .unwrap_or_default()
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_prefs(storage);
    }
}
