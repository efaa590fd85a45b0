//! The app state: one workspace; an indicator browser (themes → indicators, with search), a
//! classification panel (method, classes, palette) and the map coloured by the very symbology
//! the exports use (`ops::map::resolve`), with its legend.

use super::map_view::{MapArea, MapView};
use crate::analysis::classify::Method;
use crate::data::Workspace;
use crate::data::query::{self, IndicatorInfo};
use crate::error::Result;
use crate::ops::map;
use crate::render::input::{Features, LegendBlock, Swatch};
use crate::render::scene::{Colour, Fill};
use crate::render::spec::{ClassificationSpec, LayerSpec, MapSpec, PaletteSpec};
use crate::render::symbology::palette;
use egui::Color32;
use std::path::Path;

/// The indicator the app opens on when the workspace has it.
const DEFAULT_INDICATOR: &str = "imd_score";

/// What is mapped and how (the app's part of a map recipe).
#[derive(Debug, Clone, PartialEq)]
struct Choice {
    indicator: IndicatorInfo,
    method: Method,
    classes: usize,
    /// `None` = the polarity-aware default.
    palette: Option<String>,
    reverse: bool,
}

/// One hoverable area: code, name and the text shown for its value.
struct AreaLabel {
    code: String,
    name: String,
    value: String,
}

/// The desktop app.
pub struct AtlasApp {
    ws: Workspace,
    indicators: Vec<IndicatorInfo>,
    search: String,
    choice: Option<Choice>,
    title: String,
    attribution: Vec<String>,
    map: MapView,
    labels: Vec<AreaLabel>,
    legend: Vec<LegendBlock>,
    error: Option<String>,
}

fn colour32(c: Colour) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

/// The screen colour of a fill (a hatch shows as its line colour, lightened).
fn fill32(fill: &Fill) -> Color32 {
    match fill {
        Fill::None => Color32::TRANSPARENT,
        Fill::Solid(c) => colour32(*c),
        Fill::Hatch { colour, .. } => colour32(*colour).gamma_multiply(0.35),
    }
}

impl AtlasApp {
    /// Opens the workspace and maps its default indicator.
    pub fn open(path: &Path) -> Result<Self> {
        let ws = Workspace::open(path)?;
        let indicators = query::indicators(&ws)?;
        let choice = indicators
            .iter()
            .find(|i| i.code == DEFAULT_INDICATOR)
            .or_else(|| indicators.first())
            .map(|i| Choice {
                indicator: i.clone(),
                method: Method::Jenks,
                classes: 5,
                palette: None,
                reverse: false,
            });
        let mut app = Self {
            ws,
            indicators,
            search: String::new(),
            choice,
            title: String::new(),
            attribution: Vec::new(),
            map: MapView::new(Vec::new()),
            labels: Vec::new(),
            legend: Vec::new(),
            error: None,
        };
        app.refresh();
        Ok(app)
    }

    fn spec(choice: &Choice) -> MapSpec {
        MapSpec {
            layers: vec![LayerSpec::Choropleth {
                geography: choice.indicator.geography.clone(),
                indicator: choice.indicator.code.clone(),
                period: choice.indicator.periods.last().cloned(),
                classification: ClassificationSpec {
                    method: choice.method,
                    k: choice.classes,
                    breaks: Vec::new(),
                },
                palette: PaletteSpec {
                    name: choice.palette.clone(),
                    reverse: choice.reverse,
                },
            }],
            ..MapSpec::default()
        }
    }

    /// Re-reads and re-symbolises the map after the choice changed; errors are shown, the
    /// previous map stays.
    fn refresh(&mut self) {
        let Some(choice) = &self.choice else {
            self.title = "No indicators yet: import some (see README)".into();
            return;
        };
        let spec = Self::spec(choice);
        match map::resolve(&self.ws, &spec) {
            Ok(input) => {
                self.error = None;
                self.title = format!("{} — {}", input.title, input.subtitle);
                self.attribution = input.source_lines.clone();
                self.legend = input
                    .layers
                    .iter()
                    .filter_map(|l| l.legend.clone())
                    .collect();
                let values: std::collections::HashMap<String, Option<f64>> = query::values(
                    &self.ws,
                    &choice.indicator.code,
                    &choice.indicator.geography,
                    choice
                        .indicator
                        .periods
                        .last()
                        .map(String::as_str)
                        .unwrap_or(""),
                )
                .map(|v| v.into_iter().map(|s| (s.area_code, s.value)).collect())
                .unwrap_or_default();
                let mut areas = Vec::new();
                self.labels.clear();
                for layer in input.layers {
                    if let Features::Polygons(features) = layer.features {
                        for f in features {
                            let value = values.get(&f.code).copied().flatten();
                            self.labels.push(AreaLabel {
                                code: f.code.clone(),
                                name: f.name.clone().unwrap_or_default(),
                                value: value.map_or("no data".into(), |v| format!("{v}")),
                            });
                            areas.push(MapArea {
                                geometry_bng: f.geometry_bng,
                                fill: fill32(&f.fill),
                            });
                        }
                    }
                }
                self.map = MapView::new(areas);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Themes → indicators, filtered by the search box. Returns the clicked indicator.
    fn browser_ui(&mut self, ui: &mut egui::Ui) -> Option<IndicatorInfo> {
        ui.heading("Indicators");
        ui.add(egui::TextEdit::singleline(&mut self.search).hint_text("Search indicators"));
        let needle = self.search.to_lowercase();
        let mut themes: Vec<&str> = self.indicators.iter().map(|i| i.theme.as_str()).collect();
        themes.sort_unstable();
        themes.dedup();
        let current = self.choice.as_ref().map(|c| c.indicator.code.clone());
        let mut clicked = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for theme in themes {
                let matching: Vec<&IndicatorInfo> = self
                    .indicators
                    .iter()
                    .filter(|i| i.theme == theme)
                    .filter(|i| {
                        needle.is_empty()
                            || i.title.to_lowercase().contains(&needle)
                            || i.code.to_lowercase().contains(&needle)
                    })
                    .collect();
                if matching.is_empty() {
                    continue;
                }
                egui::CollapsingHeader::new(theme)
                    .default_open(
                        !needle.is_empty()
                            || matching.iter().any(|i| Some(&i.code) == current.as_ref()),
                    )
                    .show(ui, |ui| {
                        for i in matching {
                            let selected = Some(&i.code) == current.as_ref();
                            if ui
                                .selectable_label(selected, &i.title)
                                .on_hover_text(&i.code)
                                .clicked()
                            {
                                clicked = Some(i.clone());
                            }
                        }
                    });
            }
        });
        clicked
    }

    /// Method, classes, palette and reverse. Returns whether anything changed.
    fn classification_ui(ui: &mut egui::Ui, choice: &mut Choice) -> bool {
        let before = choice.clone();
        ui.heading("Classification");
        egui::ComboBox::from_label("Method")
            .selected_text(choice.method.as_str())
            .show_ui(ui, |ui| {
                for m in Method::ALL.into_iter().filter(|m| *m != Method::Manual) {
                    ui.selectable_value(&mut choice.method, m, m.as_str());
                }
            });
        if choice.method.uses_k() {
            ui.add(egui::Slider::new(&mut choice.classes, 2..=9).text("Classes"));
        }
        let shown = choice
            .palette
            .clone()
            .unwrap_or_else(|| "default (by polarity)".into());
        egui::ComboBox::from_label("Palette")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut choice.palette, None, "default (by polarity)");
                for p in palette::palettes() {
                    let label = if p.colour_blind_safe_up_to >= choice.classes {
                        format!("{} ✔ colour-blind safe", p.name)
                    } else {
                        p.name.to_string()
                    };
                    ui.selectable_value(&mut choice.palette, Some(p.name.to_string()), label);
                }
            });
        ui.checkbox(&mut choice.reverse, "Reverse colours");
        *choice != before
    }

    fn legend_ui(&self, ui: &mut egui::Ui) {
        for block in &self.legend {
            if !block.title.is_empty() {
                ui.strong(&block.title);
            }
            for entry in &block.entries {
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 12.0), egui::Sense::hover());
                    if let Swatch::Area { fill, .. } = &entry.swatch {
                        ui.painter().rect_filled(rect, 0.0, fill32(fill));
                    }
                    match entry.count {
                        Some(n) => ui.label(format!("{} ({n})", entry.label)),
                        None => ui.label(&entry.label),
                    };
                });
            }
        }
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("title").show(ui, |ui| {
            ui.heading(&self.title);
            if let Some(e) = &self.error {
                ui.colored_label(Color32::from_rgb(180, 30, 30), e);
            }
        });
        egui::Panel::bottom("attribution").show(ui, |ui| {
            for line in &self.attribution {
                ui.small(line);
            }
        });
        egui::Panel::left("browser").show(ui, |ui| {
            if let Some(picked) = self.browser_ui(ui)
                && let Some(choice) = &mut self.choice
            {
                choice.indicator = picked;
                self.refresh();
            }
        });
        egui::Panel::right("legend").show(ui, |ui| {
            let changed = match &mut self.choice {
                Some(choice) => Self::classification_ui(ui, choice),
                None => false,
            };
            if changed {
                self.refresh();
            }
            ui.separator();
            self.legend_ui(ui);
            ui.separator();
            ui.small("Drag to pan, scroll to zoom, double-click to fit.");
        });
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(area) = self.map.show(ui).and_then(|i| self.labels.get(i)) {
                egui::Tooltip::always_open(
                    ui.ctx().clone(),
                    ui.layer_id(),
                    ui.scope_id().with("hover"),
                    egui::PopupAnchor::Pointer,
                )
                .show(|ui| {
                    ui.strong(&area.name);
                    ui.label(&area.code);
                    ui.label(&area.value);
                });
            }
        });
    }
}
