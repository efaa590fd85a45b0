//! The app state: one workspace, the map of IMD 2019 score by LSOA with a legend.

use super::map_view::{MapArea, MapView};
use crate::analysis::classify::{class_of, quantile_breaks};
use crate::data::Workspace;
use crate::data::query;
use crate::error::Result;
use egui::Color32;
use std::collections::HashMap;
use std::path::Path;

/// What the minimal app shows: the first geography's areas coloured by an indicator.
pub struct AtlasApp {
    title: String,
    attribution: String,
    map: MapView,
    labels: Vec<(String, String, Option<f64>)>,
    legend: Vec<(Color32, String)>,
}

const NO_DATA: Color32 = Color32::from_rgb(200, 200, 200);
/// The indicator the app opens on when the workspace has it.
const DEFAULT_INDICATOR: &str = "imd_score";

impl AtlasApp {
    /// Reads what the map needs from the workspace.
    pub fn open(path: &Path) -> Result<Self> {
        let ws = Workspace::open(path)?;
        let indicators = query::indicators(&ws)?;
        let chosen = indicators
            .iter()
            .find(|i| i.code == DEFAULT_INDICATOR)
            .or_else(|| indicators.first())
            .cloned();
        let geography = match &chosen {
            Some(i) => i.geography.clone(),
            None => query::geographies(&ws)?
                .first()
                .map(|g| g.name.clone())
                .unwrap_or_default(),
        };
        let areas = if geography.is_empty() {
            Vec::new()
        } else {
            query::areas(&ws, &geography)?
        };
        let (values, meta, period) = match &chosen {
            Some(i) => {
                let period = i.periods.last().cloned().unwrap_or_default();
                let vals: HashMap<String, Option<f64>> =
                    query::values(&ws, &i.code, &i.geography, &period)?
                        .into_iter()
                        .map(|v| (v.area_code, v.value))
                        .collect();
                (vals, Some(query::indicator_meta(&ws, &i.code)?), period)
            }
            None => (HashMap::new(), None, String::new()),
        };
        let finite: Vec<f64> = values.values().filter_map(|v| *v).collect();
        let breaks = quantile_breaks(&finite, 5);
        let lower_is_better = meta
            .as_ref()
            .is_some_and(|m| m.polarity == crate::data::import::metadata::Polarity::LowerIsBetter);
        let palette = colorous::YELLOW_ORANGE_RED;
        let colour = |class: usize| {
            let n = breaks.len().max(2);
            let t = class as f64 / (n - 1) as f64;
            let t = if lower_is_better { t } else { 1.0 - t };
            let c = palette.eval_continuous(0.1 + 0.85 * t);
            Color32::from_rgb(c.r, c.g, c.b)
        };
        let decimals = meta
            .as_ref()
            .map(|m| m.decimals.clamp(0, 6) as usize)
            .unwrap_or(1);
        let mut legend: Vec<(Color32, String)> = Vec::new();
        let mut lower = finite.iter().copied().fold(f64::INFINITY, f64::min);
        for (i, b) in breaks.iter().enumerate() {
            legend.push((colour(i), format!("{lower:.decimals$} – {b:.decimals$}")));
            lower = *b;
        }
        legend.push((NO_DATA, "no data".into()));
        let labels = areas
            .iter()
            .map(|a| {
                (
                    a.code.clone(),
                    a.name.clone().unwrap_or_default(),
                    values.get(&a.code).copied().flatten(),
                )
            })
            .collect();
        let map_areas = areas
            .into_iter()
            .map(|a| {
                let fill = values
                    .get(&a.code)
                    .copied()
                    .flatten()
                    .and_then(|v| class_of(v, &breaks))
                    .map(colour)
                    .unwrap_or(NO_DATA);
                MapArea {
                    geometry_bng: a.geometry_bng,
                    fill,
                }
            })
            .collect();
        let title = match &meta {
            Some(m) => format!("{} ({}), {geography}", m.title, period),
            None => format!("{geography}: no indicators yet"),
        };
        Ok(Self {
            title,
            attribution: meta.map(|m| m.licence).unwrap_or_default(),
            map: MapView::new(map_areas),
            labels,
            legend,
        })
    }
}

impl eframe::App for AtlasApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("title").show(ui, |ui| {
            ui.heading(&self.title);
        });
        egui::Panel::bottom("attribution").show(ui, |ui| {
            ui.small(format!(
                "{}  Contains National Statistics and OS data © Crown copyright and database right 2011–2019.",
                self.attribution
            ));
        });
        egui::Panel::right("legend").show(ui, |ui| {
            ui.strong("Legend (quintiles)");
            for (colour, label) in &self.legend {
                ui.horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 12.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 0.0, *colour);
                    ui.label(label);
                });
            }
            ui.separator();
            ui.small("Drag to pan, scroll to zoom, double-click to fit.");
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let hovered = self.map.show(ui).and_then(|i| self.labels.get(i));
            {
                if let Some((code, name, value)) = hovered {
                    let v = value
                        .map(|v| format!("{v}"))
                        .unwrap_or_else(|| "no data".into());
                    egui::Tooltip::always_open(
                        ui.ctx().clone(),
                        ui.layer_id(),
                        ui.scope_id().with("hover"),
                        egui::PopupAnchor::Pointer,
                    )
                    .show(|ui| {
                        ui.strong(name);
                        ui.label(code);
                        ui.label(v);
                    });
                }
            }
        });
    }
}
