//! One frame of the app: where each panel sits, the title and status bars, the visual style,
//! the app-wide shortcuts and dropped files. Every panel returns commands; they are applied
//! at the end of the frame.

use super::app::{AppState, AtlasApp, Command};
use super::first_steps::first_steps_ui;
use super::prefs::{KEY, Prefs};
use super::presenter::presenter_bar_ui;
use super::ui_zoom;

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
        if !self.state.fonts_installed {
            Self::install_fonts(ctx);
            self.state.fonts_installed = true;
        }
        let prefs = &self.state.prefs;
        let mut visuals = if prefs.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        };
        if prefs.presenter {
            // High contrast for projectors: pure background, black text, strong outlines.
            visuals.override_text_color = Some(if prefs.dark {
                egui::Color32::WHITE
            } else {
                egui::Color32::BLACK
            });
            visuals.widgets.noninteractive.bg_stroke.width = 1.5;
        }
        ctx.set_visuals(visuals);
        // The zoom keys are the app's (`ui_zoom`), kept in the preferences.
        ctx.options_mut(|o| o.zoom_with_keyboard = false);
        let zoom = ui_zoom::zoom_factor(prefs);
        if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
            ctx.set_zoom_factor(zoom);
        }
    }

    /// The app-wide shortcuts (the map's own keys are the map panel's).
    fn shortcuts(&self, ctx: &egui::Context) -> Vec<Command> {
        let mut out: Vec<Command> = ui_zoom::zoom_keys(ctx, &self.state.prefs)
            .map(Command::SetPrefs)
            .into_iter()
            .collect();
        let typing = ctx.egui_wants_keyboard_input();
        // Esc closes an open menu or popup first (egui does, when it sees the key); only
        // with nothing open does it clear the selection.
        let popup_open = egui::Popup::is_any_open(ctx);
        let card_open = self.panels.area_card.is_open();
        ctx.input_mut(|i| {
            use egui::{Key, Modifiers};
            if i.consume_key(Modifiers::NONE, Key::F1) {
                out.push(Command::ToggleHelp);
            }
            if i.consume_key(Modifiers::NONE, Key::F11) {
                let mut prefs = self.state.prefs.clone();
                prefs.presenter = !prefs.presenter;
                out.push(Command::SetPrefs(prefs));
            }
            if i.consume_key(Modifiers::COMMAND, Key::O) {
                out.push(Command::PromptWorkspacePath);
            }
            if i.consume_key(Modifiers::COMMAND, Key::I) {
                out.push(Command::OpenImport(None));
            }
            if i.consume_key(Modifiers::COMMAND, Key::E) {
                out.push(Command::OpenExport);
            }
            if i.consume_key(Modifiers::COMMAND, Key::F) {
                out.push(Command::FocusAreaSearch);
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
            if !popup_open && i.consume_key(Modifiers::NONE, Key::Escape) {
                // An open area card closes first; the selection stays.
                out.push(if card_open {
                    Command::CloseAreaCard
                } else {
                    Command::ClearSelection
                });
            }
        });
        out
    }

    fn dropped_files(ctx: &egui::Context) -> Vec<Command> {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        dropped
            .into_iter()
            .next()
            .map(|p| Command::OpenImport(Some(p)))
            .into_iter()
            .collect()
    }

    /// Draws one frame: every panel draws from the same view of the app and returns
    /// commands, applied at the end of the frame.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_meshes(&ctx);
        self.poll_density(&ctx);
        self.poll_sample();
        let presenter = self.state.prefs.presenter;
        let chart = self.state.prefs.presenter_chart;
        self.apply_style(&ctx);
        let mut cmds = Self::dropped_files(&ctx);
        cmds.extend(self.shortcuts(&ctx));
        let first_steps = self.shows_first_steps();
        let (s, p) = (&self.state, &mut self.panels);
        let mut view = s.view(p.map.rect());
        view.view_lonlat = p.map.map.view_lonlat();
        // Side panels sized for the window: at 1024 px wide the map keeps half the width.
        let narrow = ctx.content_rect().width() < 1200.0;
        let (left_w, right_w) = if narrow {
            (200.0, 250.0)
        } else {
            (260.0, 300.0)
        };
        if !presenter {
            egui::Panel::top("menu").show(ui, |ui| cmds.extend(p.menu.ui(ui, &view)));
            egui::Panel::top("title").show(ui, |ui| title_ui(ui, s));
            egui::Panel::bottom("status").show(ui, |ui| status_ui(ui, s, p.map.last_draw_ms()));
            egui::Panel::left("browser")
                .default_size(left_w)
                .size_range(160.0..=360.0)
                .show(ui, |ui| cmds.extend(p.browser.ui(ui, &view)));
            egui::Panel::right("side")
                .default_size(right_w)
                .size_range(220.0..=380.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        cmds.extend(p.classification.ui(ui, &view));
                        ui.separator();
                        egui::CollapsingHeader::new("Hotspots")
                            .default_open(true)
                            .show(ui, |ui| cmds.extend(p.hotspots.ui(ui, &view)));
                        egui::CollapsingHeader::new("Index builder")
                            .show(ui, |ui| cmds.extend(p.index_builder.ui(ui, &view)));
                        egui::CollapsingHeader::new("Site finder")
                            .show(ui, |ui| cmds.extend(p.site_finder.ui(ui, &view)));
                    });
                });
            egui::Panel::bottom("charts")
                .default_size(if narrow { 200.0 } else { 220.0 })
                .min_size(160.0)
                .resizable(true)
                .show(ui, |ui| cmds.extend(p.charts.ui(ui, &view)));
        } else {
            egui::Panel::top("title").show(ui, |ui| cmds.extend(presenter_bar_ui(ui, s, &view)));
            if s.prefs.presenter_chart {
                let w = ctx.content_rect().width() * 0.42;
                egui::Panel::right("presenter-chart")
                    .default_size(w)
                    .resizable(true)
                    .show(ui, |ui| cmds.extend(p.charts.presenter_ui(ui, &view)));
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if first_steps {
                cmds.extend(first_steps_ui(ui, &view, s.sample_job.is_some()));
            } else {
                cmds.extend(p.map.ui(ui, &view));
            }
        });
        let mut view = s.view(p.map.rect());
        view.view_lonlat = p.map.map.view_lonlat();
        cmds.extend(p.legend.ui(ui, &view));
        cmds.extend(p.export.ui(ui, &view));
        cmds.extend(p.recipes.ui(ui, &view));
        cmds.extend(p.import.ui(ui, &view));
        cmds.extend(p.check.ui(ui, &view));
        p.area_card.ui(ui.ctx());
        cmds.extend(p.menu.windows(ui, &view));
        for c in cmds {
            self.apply(c);
        }
        if self.state.prefs.presenter_chart != chart {
            self.panels.map.map.fit_next_frame();
        }
        if self.state.prefs.presenter != presenter {
            // Presenter mode is a clean full-screen map, fitted to its new size.
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(
                self.state.prefs.presenter,
            ));
            self.panels.map.map.fit_next_frame();
        }
    }

    /// Saves the UI preferences (eframe storage).
    pub fn save_prefs(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, &self.state.prefs);
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
        super::frame_log::tick();
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.save_prefs(storage);
    }
}

fn title_ui(ui: &mut egui::Ui, s: &AppState) {
    if let Some(c) = &s.current {
        ui.heading(format!("{} — {}", c.input.title, c.input.subtitle));
    }
    if let Some(e) = &s.error {
        ui.colored_label(egui::Color32::from_rgb(180, 30, 30), e);
    }
}

fn status_ui(ui: &mut egui::Ui, s: &AppState, draw_ms: f64) {
    ui.horizontal_wrapped(|ui| {
        ui.small(format!("Workspace: {}", s.ws.path().display()));
        ui.separator();
        ui.small(format!("map {draw_ms:.1} ms"));
        if !s.status.is_empty() {
            ui.separator();
            ui.small(&s.status);
        }
    });
    if let Some(c) = &s.current {
        for line in &c.input.source_lines {
            ui.small(line);
        }
    }
    if s.prefs.basemap {
        ui.small("Basemap © OpenStreetMap contributors (openstreetmap.org/copyright)");
    }
}
