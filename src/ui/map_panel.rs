//! The central panel: the map toolbar (tools, find an area, zoom to selection, outline and
//! point layers), the map itself with its legend, and the hover card (`hover_card`).

use super::app::{AppView, Command};
use super::map_view::{MapView, Tool};
use crate::ops::catalog;
use crate::render::spec::LayerSpec;

/// The overlay menu's settings.
#[derive(Debug, Clone, PartialEq)]
struct OverlayState {
    on: bool,
    indicator: String,
    percent: f64,
    national: bool,
    of: f64,
}

impl Default for OverlayState {
    fn default() -> Self {
        Self {
            on: false,
            indicator: String::new(),
            percent: 10.0,
            national: true,
            of: 32_844.0,
        }
    }
}

/// The map and its toolbar: the map widget's camera and layers, the optional basemap, the
/// area search and the overlay menu.
#[derive(Default)]
pub struct MapPanel {
    /// The map widget (the app installs the explored layer's shapes in it).
    pub map: MapView,
    basemap: Option<walkers::HttpTiles>,
    find: super::find_box::FindBox,
    overlay: OverlayState,
    rect: Option<egui::Rect>,
    /// The bandwidth offered by "Density surface…", metres (0 = not yet set: 500).
    density_bandwidth_m: f64,
}

impl MapPanel {
    /// Where the map was drawn last.
    pub fn rect(&self) -> egui::Rect {
        self.rect.unwrap_or(egui::Rect::ZERO)
    }

    pub fn last_draw_ms(&self) -> f64 {
        self.map.last_draw_ms
    }

    /// Puts the keyboard focus in the area search box next frame.
    pub fn focus_search(&mut self) {
        self.find.focus();
    }

    fn ensure_basemap(&mut self, ctx: &egui::Context, wanted: bool) {
        if wanted && self.basemap.is_none() {
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
        if !wanted {
            self.basemap = None;
        }
    }

    /// The map's own keys: tools, zoom and pan (not while typing).
    fn keys(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        ctx.input_mut(|i| {
            use egui::{Key, Modifiers};
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
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.horizontal_wrapped(|ui| {
            for t in Tool::ALL {
                ui.selectable_value(&mut self.map.tool, t, t.label());
            }
            ui.separator();
            if ui
                .add_enabled(
                    !view.selection.is_empty(),
                    egui::Button::new("Zoom to selection"),
                )
                .clicked()
            {
                out.push(Command::ZoomToSelection);
            }
            if ui.button("Show all").clicked() {
                out.push(Command::FitAll);
            }
            ui.separator();
            let current = view.indicator.map(|i| i.geography.clone());
            let outline = view.recipe.layers.iter().find_map(|l| match l {
                LayerSpec::Outline { geography, .. } => Some(geography.clone()),
                _ => None,
            });
            egui::ComboBox::from_label("Outline")
                .selected_text(
                    outline
                        .as_deref()
                        .map_or_else(|| "none".to_string(), |g| view.catalog.title(g).to_string()),
                )
                .show_ui(ui, |ui| {
                    if ui.selectable_label(outline.is_none(), "none").clicked() {
                        out.push(Command::SetOutline(None));
                    }
                    for g in view
                        .catalog
                        .geographies
                        .iter()
                        .filter(|g| Some(*g) != current.as_ref())
                    {
                        if ui
                            .selectable_label(outline.as_ref() == Some(g), view.catalog.title(g))
                            .clicked()
                        {
                            out.push(Command::SetOutline(Some(g.clone())));
                        }
                    }
                });
            out.extend(self.overlay_ui(ui, view));
            for l in &view.catalog.point_layers {
                let mut on = view
                    .recipe
                    .layers
                    .iter()
                    .any(|s| matches!(s, LayerSpec::Points { layer, .. } if *layer == l.name));
                if ui
                    .checkbox(
                        &mut on,
                        format!("{} ({})", catalog::layer_title(&l.name), l.features),
                    )
                    .changed()
                {
                    out.push(Command::TogglePoints(l.name.clone()));
                }
                if self.density_bandwidth_m <= 0.0 {
                    self.density_bandwidth_m = 500.0;
                }
                let showing = view
                    .recipe
                    .layers
                    .iter()
                    .any(|s| matches!(s, LayerSpec::Density { layer, .. } if *layer == l.name));
                out.extend(density_menu_ui(
                    ui,
                    &l.name,
                    &mut self.density_bandwidth_m,
                    showing,
                    false,
                ));
            }
        });
        out.extend(self.find.ui(ui, view));
        out
    }

    /// The "most deprived X%" overlay menu: by an indicator's worst X% on the map, or by a
    /// national rank out of N.
    fn overlay_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let geography = view.indicator.map(|i| i.geography.clone());
        let codes: Vec<String> = view
            .catalog
            .indicators
            .iter()
            .filter(|i| Some(&i.geography) == geography.as_ref())
            .map(|i| i.code.clone())
            .collect();
        let o = &mut self.overlay;
        if o.indicator.is_empty() {
            o.indicator = codes
                .iter()
                .find(|c| c.as_str() == "imd_rank")
                .or_else(|| codes.first())
                .cloned()
                .unwrap_or_default();
        }
        ui.menu_button("Most deprived overlay", |ui| {
            let before = o.clone();
            ui.checkbox(&mut o.on, "Show the overlay");
            egui::ComboBox::from_label("by")
                .selected_text(&o.indicator)
                .show_ui(ui, |ui| {
                    for c in &codes {
                        ui.selectable_value(&mut o.indicator, c.clone(), c);
                    }
                });
            ui.add(egui::Slider::new(&mut o.percent, 1.0..=50.0).text("% most deprived"));
            ui.checkbox(
                &mut o.national,
                "Nationally (the indicator is a national rank)",
            );
            if o.national {
                ui.add(
                    egui::DragValue::new(&mut o.of)
                        .range(1.0..=1.0e6)
                        .prefix("ranked out of "),
                );
            }
            if *o != before {
                out.push(Command::SetOverlay(o.on.then(|| {
                    (o.indicator.clone(), o.percent, o.national.then_some(o.of))
                })));
            }
        });
        out
    }

    /// The toolbar (not in presenter mode), the map, and the hovered area's tooltip.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        self.ensure_basemap(ui.ctx(), view.prefs.basemap);
        self.keys(ui.ctx());
        if !view.prefs.presenter {
            out.extend(self.toolbar_ui(ui, view));
        }
        let (events, rect) = self
            .map
            .show(ui, self.basemap.as_mut(), view.fills, view.selection);
        self.rect = Some(rect);
        if let Some((i, toggle)) = events.clicked {
            out.push(if toggle {
                Command::ToggleSelected(i)
            } else {
                Command::Select(vec![i])
            });
        } else if events.clicked_empty {
            out.push(Command::ClearSelection);
        }
        if let Some((areas, add)) = events.region {
            out.push(if add {
                Command::AddToSelection(areas)
            } else {
                Command::Select(areas)
            });
        }
        if events.hovered != view.hovered {
            out.push(Command::Hover(events.hovered));
        }
        if let Some(i) = events.hovered {
            super::hover_card::hover_card(ui, view, i);
        }
        out
    }
}

/// The density part of the map menu, for one point layer: bandwidth, show, hide.
fn density_menu_ui(
    ui: &mut egui::Ui,
    layer: &str,
    bandwidth_m: &mut f64,
    showing: bool,
    running: bool,
) -> Option<Command> {
    let mut out = None;
    ui.menu_button(
        format!("Density surface of {}…", catalog::layer_title(layer)),
        |ui| {
            ui.horizontal(|ui| {
                ui.label("Bandwidth (m)");
                ui.add(
                    egui::DragValue::new(bandwidth_m)
                        .range(50.0..=20_000.0)
                        .speed(10.0),
                );
            });
            ui.label(
                egui::RichText::new(
                    "Quartic kernel; density per km², cells a fifth of the bandwidth",
                )
                .small(),
            );
            ui.add_enabled_ui(!running, |ui| {
                if ui.button("Show density").clicked() {
                    out = Some(Command::ShowDensity(Some((
                        layer.to_string(),
                        *bandwidth_m,
                    ))));
                    ui.close();
                }
            });
            if showing && ui.button("Hide density").clicked() {
                out = Some(Command::ShowDensity(None));
                ui.close();
            }
        },
    );
    out
}
