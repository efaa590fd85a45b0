//! The export dialog's "Map area": what the exported page shows. The whole map; one area of
//! any geography of the workspace (e.g. the district Bolton, found by typing part of its
//! name); the map view on screen (its box in British National Grid metres); or the selected
//! areas. It becomes the recipe's `extent`; the preview is drawn from the recipe, so it shows
//! the chosen area at once. "Current view" and "Selection" follow the map while chosen.

use super::app::{AppView, Command};
use crate::ops::area_list::{self, AreaName};
use crate::render::spec::Extent;

/// Up to this many matching areas are listed.
const MATCHES: usize = 8;

/// What the map area is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AreaChoice {
    #[default]
    Whole,
    Area,
    View,
    Selection,
}

impl AreaChoice {
    const ALL: [AreaChoice; 4] = [Self::Whole, Self::Area, Self::View, Self::Selection];
    fn label(self) -> &'static str {
        match self {
            Self::Whole => "Whole map",
            Self::Area => "An area",
            Self::View => "Current view",
            Self::Selection => "Selection",
        }
    }
}

/// The map area's fields and the area list of the chosen geography.
#[derive(Debug, Default)]
pub struct ExportArea {
    choice: AreaChoice,
    geography: String,
    search: String,
    /// The areas of `geography` (read when it is chosen).
    areas: Vec<AreaName>,
    areas_of: Option<String>,
    picked: Option<AreaName>,
    /// The last map view turned into a box, and that box.
    view_box: Option<([f64; 4], Extent)>,
    message: String,
}

impl ExportArea {
    /// Starts from the recipe's own extent (e.g. after a recipe was opened).
    pub fn adopt(&mut self, extent: &Extent) {
        self.choice = match extent {
            Extent::Whole => AreaChoice::Whole,
            Extent::Bbox { .. } => AreaChoice::View,
            Extent::Areas { geography, codes } => {
                self.geography = geography.clone();
                self.picked = codes.first().map(|c| AreaName {
                    code: c.clone(),
                    name: c.clone(),
                });
                self.areas_of = None;
                AreaChoice::Area
            }
        };
    }

    /// The "Map area" fields; a change of the extent is sent as `SetExtent`.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        ui.horizontal_wrapped(|ui| {
            ui.label("Map area");
            for c in AreaChoice::ALL {
                ui.selectable_value(&mut self.choice, c, c.label());
            }
        });
        if self.choice == AreaChoice::Area {
            self.area_ui(ui, view);
        }
        let wanted = match self.choice {
            AreaChoice::Whole => Some(Extent::Whole),
            AreaChoice::Area => self.picked.as_ref().map(|a| Extent::Areas {
                geography: self.geography.clone(),
                codes: vec![a.code.clone()],
            }),
            AreaChoice::View => self.view_extent(view),
            AreaChoice::Selection => selection_extent(view),
        };
        match (self.choice, &wanted) {
            (AreaChoice::Selection, None) => {
                ui.small("Select areas on the map (click, box or lasso) to export them.");
            }
            (AreaChoice::Area, None) => {
                ui.small("Type part of the area's name and pick it from the list.");
            }
            _ => {}
        }
        if !self.message.is_empty() {
            ui.small(&self.message);
        }
        match wanted {
            Some(e) if e != view.recipe.extent => vec![Command::SetExtent(e)],
            _ => Vec::new(),
        }
    }

    /// The geography and the filtered list of its areas.
    fn area_ui(&mut self, ui: &mut egui::Ui, view: &AppView) {
        if self.geography.is_empty() {
            // Districts first when there are any: the usual "map of one borough".
            self.geography = view
                .catalog
                .geographies
                .iter()
                .find(|g| g.starts_with("lad"))
                .or(view.catalog.geographies.first())
                .cloned()
                .unwrap_or_default();
        }
        egui::ComboBox::from_label("Area geography")
            .selected_text(view.catalog.title(&self.geography))
            .show_ui(ui, |ui| {
                for g in &view.catalog.geographies {
                    ui.selectable_value(&mut self.geography, g.clone(), view.catalog.title(g));
                }
            });
        if self.areas_of.as_ref() != Some(&self.geography) {
            self.areas_of = Some(self.geography.clone());
            match area_list::area_names(view.ws, &self.geography) {
                Ok(a) => {
                    self.areas = a;
                    self.message.clear();
                }
                Err(e) => {
                    self.areas.clear();
                    self.message = e.to_string();
                }
            }
            // An area picked before (an opened recipe's) stays when it is in this geography.
            let areas = &self.areas;
            self.picked = self
                .picked
                .take()
                .and_then(|p| areas.iter().find(|a| a.code == p.code).cloned());
        }
        ui.horizontal(|ui| {
            let l = ui.label("Area");
            ui.add(egui::TextEdit::singleline(&mut self.search).hint_text("part of its name"))
                .labelled_by(l.id);
        });
        if let Some(p) = &self.picked {
            ui.label(format!("Showing {} ({})", p.name, p.code));
        }
        if self.search.trim().is_empty() {
            return;
        }
        let found = area_list::matching(&self.areas, &self.search, MATCHES);
        if found.is_empty() {
            ui.small(format!("No area of {} matches.", self.geography));
        }
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            for a in found {
                let on = self.picked.as_ref().is_some_and(|p| p.code == a.code);
                if ui
                    .selectable_label(on, format!("{} ({})", a.name, a.code))
                    .clicked()
                {
                    clicked = Some(a.clone());
                }
            }
        });
        if clicked.is_some() {
            self.picked = clicked;
            self.search.clear();
        }
    }

    /// The map view as a BNG box (converted again only when the view moved).
    fn view_extent(&mut self, view: &AppView) -> Option<Extent> {
        let lonlat = view.view_lonlat?;
        if let Some((last, extent)) = &self.view_box
            && *last == lonlat
        {
            return Some(extent.clone());
        }
        match crate::ops::view_box::bng_box_of_lonlat(lonlat) {
            Ok([min_x, min_y, max_x, max_y]) => {
                let e = Extent::Bbox {
                    min_x: min_x.round(),
                    min_y: min_y.round(),
                    max_x: max_x.round(),
                    max_y: max_y.round(),
                };
                self.view_box = Some((lonlat, e.clone()));
                self.message.clear();
                Some(e)
            }
            Err(e) => {
                self.message = e.to_string();
                None
            }
        }
    }
}

/// The selected areas of the mapped geography.
fn selection_extent(view: &AppView) -> Option<Extent> {
    let ex = view.current?;
    let geography = view.indicator.map(|i| i.geography.clone())?;
    let codes: Vec<String> = view
        .selection
        .iter()
        .filter_map(|i| ex.rows.get(*i).map(|r| r.code.clone()))
        .collect();
    (!codes.is_empty()).then_some(Extent::Areas { geography, codes })
}
