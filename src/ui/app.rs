//! The app: one open workspace and one map recipe (`MapSpec`) that every view reads. The
//! recipe's first layer is the indicator being explored; the classification panel, the
//! export dialog and the hotspot panel all edit that same recipe, and the map, legend, charts
//! and exports are drawn from `ops::map::explore` of it, so what is on screen is what is
//! exported. Panels return [`Command`]s that [`AtlasApp::apply`] carries out in one place.

use super::export::ExportDialog;
use super::hotspot::HotspotPanel;
use super::import::ImportDialog;
use super::map_layer::{MapLayer, mercator_unit};
use super::map_view::{MapView, PointLayer};
use super::prefs::Prefs;
use crate::analysis::classify::Method;
use crate::data::Workspace;
use crate::data::crs::{Crs, Transformer};
use crate::data::query::{self, IndicatorInfo, LayerInfo};
use crate::error::Result;
use crate::ops::map::AreaCache;
use crate::ops::map::explore::{Explore, explore_cached};
use crate::render::input::{Features, LegendBlock};
use crate::render::scene::{Colour, Fill};
use crate::render::spec::{ClassificationSpec, LayerSpec, MapSpec, PaletteSpec};
use egui::Color32;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The indicator the app opens on when the workspace has it.
const DEFAULT_INDICATOR: &str = "imd_score";

/// What panels ask the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    PickIndicator(IndicatorInfo),
    SetPeriod(String),
    /// The classification or palette in the recipe changed.
    Reclassify,
    SetOutline(Option<String>),
    /// The "most deprived X%" overlay: indicator, percent, national ranking size (`None` = the
    /// worst X% of the map's areas by polarity); `None` removes it.
    SetOverlay(Option<(String, f64, Option<f64>)>),
    TogglePoints(String),
    Select(Vec<usize>),
    AddToSelection(Vec<usize>),
    ToggleSelected(usize),
    ClearSelection,
    ZoomToSelection,
    FitAll,
    /// Select an area and zoom to it.
    FlyTo(usize),
    OpenWorkspace(PathBuf),
    CreateWorkspace(PathBuf),
    /// Re-read the indicator list (after an import or a saved result).
    Reload,
    ShowIndicator(String),
}

/// The screen colour of a fill (a hatch shows as its line colour, lightened).
pub fn fill32(fill: &Fill) -> Color32 {
    match fill {
        Fill::None => Color32::TRANSPARENT,
        Fill::Solid(c) => colour32(*c),
        Fill::Hatch { colour, .. } => colour32(*colour).gamma_multiply(0.35),
    }
}

pub fn colour32(c: Colour) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

/// The desktop app.
pub struct AtlasApp {
    pub(super) ws: Workspace,
    pub(super) indicators: Vec<IndicatorInfo>,
    pub(super) layers: Vec<LayerInfo>,
    pub(super) geographies: Vec<String>,
    pub(super) search: String,
    pub(super) area_search: String,
    pub(super) spec: MapSpec,
    pub(super) current: Option<Explore>,
    /// Decoded areas kept between refreshes (a palette click decodes nothing).
    area_cache: AreaCache,
    /// Bumped whenever `current` is replaced: per-frame views (the ranked chart, the Moran
    /// scatterplot) cache what they derive from it on this.
    pub(super) generation: u64,
    /// Fill of each area of the explored layer (hotspot overlay applied).
    pub(super) fills: Vec<Color32>,
    pub(super) legend: Vec<LegendBlock>,
    /// The choropleth's own fills and legend (before any hotspot overlay).
    pub(super) base_fills: Vec<Color32>,
    pub(super) base_legend: Vec<LegendBlock>,
    pub(super) selection: BTreeSet<usize>,
    pub(super) map: MapView,
    map_geography: Option<String>,
    outline_geography: Option<String>,
    pub(super) hovered: Option<usize>,
    pub(super) error: Option<String>,
    pub(super) status: String,
    pub(super) prefs: Prefs,
    pub(super) charts: super::charts::ChartsState,
    pub(super) classify_ui: super::classify_panel::ClassifyState,
    pub(super) hotspot: HotspotPanel,
    pub(super) export: ExportDialog,
    pub(super) import: ImportDialog,
    pub(super) show_help: bool,
    pub(super) open_path: Option<String>,
    pub(super) basemap: Option<walkers::HttpTiles>,
    pub(super) focus_area_search: bool,
    pub(super) card: super::browser::Card,
    pub(super) fonts_installed: bool,
    pub(super) deprivation: super::deprivation::DeprivationPanels,
    pub(super) overlay: OverlayState,
}

/// The overlay menu's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayState {
    pub on: bool,
    pub indicator: String,
    pub percent: f64,
    pub national: bool,
    pub of: f64,
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

fn first_data_layer(spec: &MapSpec) -> Option<(&str, &str)> {
    spec.layers.iter().find_map(|l| match l {
        LayerSpec::Choropleth {
            geography,
            indicator,
            ..
        }
        | LayerSpec::Clusters {
            geography,
            indicator,
            ..
        } => Some((geography.as_str(), indicator.as_str())),
        _ => None,
    })
}

/// The recipe for exploring `indicator` (natural breaks, 5 classes, default palette; a saved
/// cluster indicator is drawn as a cluster map).
pub fn spec_for(indicator: &IndicatorInfo) -> MapSpec {
    let layer = match crate::ops::map::recipe::cluster_scheme(&indicator.code) {
        Some(scheme) => LayerSpec::Clusters {
            geography: indicator.geography.clone(),
            indicator: indicator.code.clone(),
            period: None,
            scheme,
        },
        None => LayerSpec::Choropleth {
            geography: indicator.geography.clone(),
            indicator: indicator.code.clone(),
            period: None,
            classification: ClassificationSpec {
                method: Method::Jenks,
                k: 5,
                breaks: Vec::new(),
            },
            palette: PaletteSpec::default(),
        },
    };
    MapSpec {
        layers: vec![layer],
        ..MapSpec::default()
    }
}

impl AtlasApp {
    /// Opens the workspace and maps its default indicator.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, Prefs::default())
    }

    /// As [`AtlasApp::open`], with the UI preferences eframe restored.
    pub fn open_with(path: &Path, mut prefs: Prefs) -> Result<Self> {
        let ws = Workspace::open(path)?;
        prefs.remember(path);
        let mut app = Self {
            ws,
            indicators: Vec::new(),
            layers: Vec::new(),
            geographies: Vec::new(),
            search: String::new(),
            area_search: String::new(),
            spec: MapSpec::default(),
            current: None,
            area_cache: AreaCache::new(),
            generation: 0,
            fills: Vec::new(),
            legend: Vec::new(),
            base_fills: Vec::new(),
            base_legend: Vec::new(),
            selection: BTreeSet::new(),
            map: MapView::default(),
            map_geography: None,
            outline_geography: None,
            hovered: None,
            error: None,
            status: String::new(),
            prefs,
            charts: Default::default(),
            classify_ui: Default::default(),
            hotspot: HotspotPanel::default(),
            export: ExportDialog::default(),
            import: ImportDialog::default(),
            show_help: false,
            open_path: None,
            basemap: None,
            focus_area_search: false,
            card: Default::default(),
            fonts_installed: false,
            deprivation: Default::default(),
            overlay: Default::default(),
        };
        app.reload_catalog();
        let first = app
            .indicators
            .iter()
            .find(|i| i.code == DEFAULT_INDICATOR)
            .or_else(|| app.indicators.first())
            .cloned();
        if let Some(i) = first {
            app.spec = spec_for(&i);
        }
        app.refresh();
        Ok(app)
    }

    pub fn workspace_path(&self) -> &Path {
        self.ws.path()
    }

    /// The indicator being explored, if any.
    pub fn current_indicator(&self) -> Option<&IndicatorInfo> {
        let (geography, code) = first_data_layer(&self.spec)?;
        self.indicators
            .iter()
            .find(|i| i.code == code && i.geography == geography)
    }

    /// Codes of the selected areas, in area order.
    pub fn selected_codes(&self) -> Vec<String> {
        let Some(ex) = &self.current else {
            return Vec::new();
        };
        self.selection
            .iter()
            .filter_map(|i| ex.rows.get(*i).map(|r| r.code.clone()))
            .collect()
    }

    /// Screen positions of the histogram's movable break lines (for tests and automation).
    pub fn break_handles(&self) -> Vec<egui::Pos2> {
        self.classify_ui.break_handles.clone()
    }

    /// Whether presenter mode (large type, the map alone) is on.
    pub fn presenter(&self) -> bool {
        self.prefs.presenter
    }

    /// The recipe being explored (what an export would draw).
    pub fn recipe(&self) -> &MapSpec {
        &self.spec
    }

    /// Cluster (or hot/cold spot) counts of the last hotspot run, by class name.
    pub fn hotspot_counts(&self) -> std::collections::BTreeMap<String, usize> {
        self.hotspot.counts()
    }

    fn reload_catalog(&mut self) {
        match (
            query::indicators(&self.ws),
            query::layers(&self.ws),
            query::geographies(&self.ws),
        ) {
            (Ok(i), Ok(l), Ok(g)) => {
                self.indicators = i;
                self.layers = l.into_iter().filter(|l| l.kind == "points").collect();
                self.geographies = g.into_iter().map(|g| g.name).collect();
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => self.error = Some(e.to_string()),
        }
    }

    /// Re-reads and re-symbolises the map after the recipe changed; errors are shown and the
    /// previous map stays.
    pub(super) fn refresh(&mut self) {
        if first_data_layer(&self.spec).is_none() {
            self.status =
                "No indicators yet: drop a boundary file or CSV on the window to import".into();
            return;
        }
        match explore_cached(&self.ws, &self.spec, &mut self.area_cache) {
            Ok(ex) => {
                self.error = None;
                self.install(ex);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn install(&mut self, ex: Explore) {
        let geography = first_data_layer(&self.spec).map(|(g, _)| g.to_string());
        if geography != self.map_geography {
            self.selection.clear();
            self.map_geography = geography;
            if let Some(Features::Polygons(f)) =
                ex.input.layers.get(ex.layer_index).map(|l| &l.features)
            {
                let shapes: Vec<_> = f.iter().map(|a| &a.geometry_bng).collect();
                self.map.areas = Some(MapLayer::new(&shapes));
                self.map.fit_next_frame();
            }
        }
        self.install_overlays(&ex);
        self.fills = match ex.input.layers.get(ex.layer_index).map(|l| &l.features) {
            Some(Features::Polygons(f)) => f.iter().map(|a| fill32(&a.fill)).collect(),
            _ => Vec::new(),
        };
        self.legend = ex
            .input
            .layers
            .iter()
            .filter_map(|l| l.legend.clone())
            .collect();
        self.base_fills = self.fills.clone();
        self.base_legend = self.legend.clone();
        self.hotspot.forget_if_other(&ex);
        self.current = Some(ex);
        self.generation += 1;
        if let Some((fills, legend)) = self.hotspot_overlay() {
            self.fills = fills;
            self.legend = vec![legend];
        }
    }

    fn install_overlays(&mut self, ex: &Explore) {
        let outline = self.spec.layers.iter().find_map(|l| match l {
            LayerSpec::Outline { geography, .. } => Some(geography.clone()),
            _ => None,
        });
        if outline != self.outline_geography {
            self.outline_geography = outline.clone();
            self.map.outline = outline.and_then(|g| {
                ex.input.layers.iter().find_map(|l| match &l.features {
                    Features::Polygons(f) if l.id.ends_with(&format!("-outline-{g}")) => {
                        let shapes: Vec<_> = f.iter().map(|a| &a.geometry_bng).collect();
                        Some(MapLayer::new(&shapes))
                    }
                    _ => None,
                })
            });
        }
        let Ok(t) = Transformer::new(Crs::Bng, Crs::Wgs84) else {
            return;
        };
        self.map.points = ex
            .input
            .layers
            .iter()
            .filter_map(|l| match &l.features {
                Features::Points(p) => Some(PointLayer {
                    name: l.label.clone(),
                    points_unit: p
                        .iter()
                        .filter_map(|f| t.point(f.point_bng.x, f.point_bng.y).ok())
                        .map(|(lon, lat)| mercator_unit(lon, lat))
                        .collect(),
                    colour: colour32(p.first().map_or(Colour::rgb(30, 30, 30), |f| f.fill)),
                }),
                _ => None,
            })
            .collect();
        self.map.points.extend(self.deprivation.site_points());
        // The overlay's areas, by index in the explored layer.
        let hatched: std::collections::HashSet<&str> = ex
            .input
            .layers
            .iter()
            .filter(|l| l.id.contains("-hatch-"))
            .filter_map(|l| match &l.features {
                Features::Polygons(f) => Some(f.iter().map(|a| a.code.as_str())),
                _ => None,
            })
            .flatten()
            .collect();
        self.map.overlay = ex
            .rows
            .iter()
            .map(|r| hatched.contains(r.code.as_str()))
            .collect();
    }

    /// Carries out a panel's command.
    pub(super) fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::PickIndicator(i) => self.pick_indicator(&i),
            Command::SetPeriod(p) => {
                if let Some(
                    LayerSpec::Choropleth { period, .. } | LayerSpec::Clusters { period, .. },
                ) = self.spec.layers.first_mut()
                {
                    *period = Some(p);
                }
                self.refresh();
            }
            Command::Reclassify => self.refresh(),
            Command::SetOutline(g) => {
                self.spec
                    .layers
                    .retain(|l| !matches!(l, LayerSpec::Outline { .. }));
                if let Some(geography) = g {
                    self.spec.layers.push(LayerSpec::Outline {
                        geography,
                        colour: "#333333".into(),
                        width_mm: 0.35,
                        labels: false,
                    });
                }
                self.refresh();
            }
            Command::SetOverlay(o) => {
                self.spec
                    .layers
                    .retain(|l| !matches!(l, LayerSpec::Hatch { .. }));
                if let (Some((indicator, percent, of)), Some(geography)) =
                    (o, first_data_layer(&self.spec).map(|(g, _)| g.to_string()))
                {
                    self.spec.layers.push(LayerSpec::Hatch {
                        geography,
                        indicator,
                        period: None,
                        percent,
                        of,
                        colour: "#000000".into(),
                    });
                }
                self.refresh();
            }
            Command::TogglePoints(name) => {
                let before = self.spec.layers.len();
                self.spec
                    .layers
                    .retain(|l| !matches!(l, LayerSpec::Points { layer, .. } if *layer == name));
                if self.spec.layers.len() == before {
                    self.spec.layers.push(LayerSpec::Points {
                        layer: name,
                        symbol: Default::default(),
                        size_mm: 2.5,
                        colour: "#1f1f1f".into(),
                        label_field: None,
                        title: None,
                    });
                }
                self.refresh();
            }
            Command::Select(v) => self.selection = v.into_iter().collect(),
            Command::AddToSelection(v) => self.selection.extend(v),
            Command::ToggleSelected(i) => {
                if !self.selection.remove(&i) {
                    self.selection.insert(i);
                }
            }
            Command::ClearSelection => self.selection.clear(),
            Command::ZoomToSelection => {
                let sel: Vec<usize> = self.selection.iter().copied().collect();
                self.map.zoom_to_areas(sel);
            }
            Command::FitAll => self.map.fit_next_frame(),
            Command::FlyTo(i) => {
                self.selection = std::iter::once(i).collect();
                self.map.zoom_to_areas([i]);
            }
            Command::OpenWorkspace(p) => self.switch_workspace(&p, false),
            Command::CreateWorkspace(p) => self.switch_workspace(&p, true),
            Command::Reload => {
                self.reload_catalog();
                self.refresh();
            }
            Command::ShowIndicator(code) => {
                self.reload_catalog();
                if let Some(i) = self.indicators.iter().find(|i| i.code == code).cloned() {
                    self.pick_indicator(&i);
                }
            }
        }
    }

    fn pick_indicator(&mut self, i: &IndicatorInfo) {
        let keep: Vec<LayerSpec> = self
            .spec
            .layers
            .iter()
            .filter(|l| {
                matches!(
                    l,
                    LayerSpec::Outline { .. } | LayerSpec::Points { .. } | LayerSpec::Hatch { .. }
                )
            })
            .cloned()
            .collect();
        let old = self.spec.layers.first().cloned();
        let mut spec = spec_for(i);
        // Keep the classification the user chose when moving between indicators.
        if let (
            Some(LayerSpec::Choropleth {
                classification: c0,
                palette: p0,
                ..
            }),
            Some(LayerSpec::Choropleth {
                classification,
                palette,
                ..
            }),
        ) = (old, spec.layers.first_mut())
        {
            if c0.method != Method::Manual {
                *classification = c0;
            }
            palette.reverse = p0.reverse;
            palette.name = p0.name;
        }
        spec.layers.extend(keep);
        self.spec = MapSpec {
            layers: spec.layers,
            ..self.spec.clone()
        };
        self.hotspot.clear();
        self.refresh();
    }

    fn switch_workspace(&mut self, path: &Path, create: bool) {
        let opened = if create {
            Workspace::create(path)
                .map(drop)
                .and_then(|()| Self::open_with(path, self.prefs.clone()))
        } else {
            Self::open_with(path, self.prefs.clone())
        };
        match opened {
            Ok(app) => {
                let prefs = app.prefs.clone();
                *self = app;
                self.prefs = prefs;
                self.status = format!("Opened {}", path.display());
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}
