//! The app: one open workspace and one map recipe (`MapSpec`) that every view reads. The
//! recipe's first layer is the indicator being explored; the classification panel, the
//! export dialog and the hotspot panel all change that same recipe, and the map, legend,
//! charts and exports are drawn from `ops::map::explore` of it, so what is on screen is what
//! is exported.
//!
//! Each panel owns its own state and draws from a read-only [`AppView`] built each frame; it
//! returns [`Command`]s that carry the change, and [`AtlasApp::apply`] carries them out in this
//! one place. The app imports the panels; the panels import only this file's types and the
//! shared widgets.

use super::classification::ClassificationPanel;
use super::export_dialog::ExportDialog;
use super::hotspots::HotspotPanel;
use super::import_dialog::ImportDialog;
use super::index_builder::IndexBuilder;
use super::indicator_browser::IndicatorBrowser;
use super::jobs::Job;
use super::map_layer::{MapLayer, mercator_unit};
use super::map_panel::MapPanel;
use super::map_view::PointLayer;
use super::menu::Menu;
use super::prefs::Prefs;
use super::recipe_window::{RecipeSource, RecipeWindow};
use super::site_finder::SiteFinder;
use super::workspace_check::CheckWindow;
use super::{charts::Charts, legend::Legend};
use crate::error::Result;
use crate::ops::Workspace;
use crate::ops::catalog::{self, Catalog, IndicatorInfo};
use crate::ops::classify::Method;
use crate::ops::map::explore::{Explore, explore_cached};
use crate::ops::map::{AreaCache, hotspot};
use crate::ops::stats::{StatsRequest, StatsResponse};
use crate::render::input::{Features, LegendBlock};
use crate::render::scene::{Colour, Fill};
use crate::render::spec::{ClassificationSpec, Extent, LayerSpec, MapSpec, PaletteSpec};
use egui::Color32;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The indicator the app opens on when the workspace has it.
const DEFAULT_INDICATOR: &str = "imd_score";

/// The Moran scatterplot of a LISA result: (area index, [z, lag]), Moran's I, and each area's
/// cluster colour.
pub type MoranScatter = (Vec<(usize, [f64; 2])>, f64, Vec<Color32>);

/// An analysis result of the explored layer (today the Hotspots panel's LISA or Gi* run), in
/// the explored layer's area order. The map draws it from the recipe (its `hotspot` layer);
/// this carries what the tooltip and the charts add.
#[derive(Debug, Clone)]
pub struct MapResult {
    /// The indicator and period the result belongs to (it is dropped when either changes).
    pub indicator: String,
    pub period: String,
    /// Whether it colours the map (otherwise only the charts use it).
    pub on_map: bool,
    /// Each area's class as the tooltip names it.
    pub labels: Vec<Option<String>>,
    pub moran: Option<MoranScatter>,
    /// The run behind it (LISA or Gi*): the app puts it in the recipe as a `hotspot` layer, so
    /// the map on screen and every export draw the same result.
    pub run: Option<(StatsRequest, StatsResponse)>,
}

/// What panels ask the app to do; each variant carries the change.
#[derive(Debug, Clone)]
pub enum Command {
    PickIndicator(IndicatorInfo),
    SetPeriod(String),
    /// The explored layer's classification (method, classes, manual breaks).
    SetClassification(ClassificationSpec),
    /// The explored layer's palette.
    SetPalette(PaletteSpec),
    /// The page layout of the recipe (title, page, legend…); its layers are left alone.
    SetLayout(Box<MapSpec>),
    /// What the exported page shows (the screen map always shows every area).
    SetExtent(Extent),
    /// Replaces the recipe's layer at this index (e.g. an outline's labels switched on).
    SetLayer(usize, Box<LayerSpec>),
    /// Opens the recipe window to open (`false`) or save (`true`) a recipe.
    OpenRecipeWindow(bool),
    /// Puts a saved recipe (or a recipe file) on the map.
    OpenRecipe(RecipeSource),
    /// Opens the sample project (built first when needed, on a background thread).
    OpenSample,
    SetOutline(Option<String>),
    /// The "most deprived X%" overlay: indicator, percent, national ranking size (`None` = the
    /// worst X% of the map's areas by polarity); `None` removes it.
    SetOverlay(Option<(String, f64, Option<f64>)>),
    TogglePoints(String),
    /// Show a point layer's density surface with this bandwidth (metres); `None` hides it.
    ShowDensity(Option<(String, f64)>),
    /// An analysis result to draw over the map (`None` removes it).
    MapResult(Option<Box<MapResult>>),
    /// The sites of the last siting run, drawn as points.
    SetSitePoints(Vec<PointLayer>),
    /// The area under the pointer changed.
    Hover(Option<usize>),
    Select(Vec<usize>),
    AddToSelection(Vec<usize>),
    ToggleSelected(usize),
    ClearSelection,
    ZoomToSelection,
    FitAll,
    /// Select an area and zoom to it.
    FlyTo(usize),
    /// A result picked in the Find box: an area of any geography (selected, flown to, its
    /// card opened) or an indicator (mapped).
    Found(Box<crate::ops::find::Found>),
    CloseAreaCard,
    FocusAreaSearch,
    OpenWorkspace(PathBuf),
    CreateWorkspace(PathBuf),
    /// Ask for a workspace path (no file dialog available).
    PromptWorkspacePath,
    /// Open the import dialog, on a file when given.
    OpenImport(Option<PathBuf>),
    OpenExport,
    /// Run the full check of the workspace (a background job) and show what it finds.
    CheckWorkspace,
    ToggleHelp,
    SetPrefs(Prefs),
    /// Save the recipe in the workspace under this name.
    SaveRecipe(String),
    /// Re-read the catalogue (after an import or a saved result).
    Reload,
    /// Re-read the catalogue and explore this indicator.
    ShowIndicator(String),
    ShowError(String),
    SetStatus(String),
}

/// What every panel may read, built by the app each frame.
pub struct AppView<'a> {
    pub ws: &'a Workspace,
    pub catalog: &'a Catalog,
    /// The indicator being explored, if any.
    pub indicator: Option<&'a IndicatorInfo>,
    pub current: Option<&'a Explore>,
    /// Bumped whenever `current` is replaced (views cache what they derive on it).
    pub generation: u64,
    pub recipe: &'a MapSpec,
    pub selection: &'a BTreeSet<usize>,
    pub hovered: Option<usize>,
    /// Fill of each area of the explored layer (result overlay applied).
    pub fills: &'a [Color32],
    /// The legend on screen, and the choropleth's own (before any result overlay).
    pub legend: &'a [LegendBlock],
    pub base_legend: &'a [LegendBlock],
    pub map_result: Option<&'a MapResult>,
    /// Point layers on the map: name, number of points, colour.
    pub point_legend: &'a [(String, usize, Color32)],
    pub prefs: &'a Prefs,
    /// Where the map was drawn this frame (the legend box sits in its corner).
    pub map_rect: egui::Rect,
    /// The longitude/latitude box the map shows (`west, south, east, north`), once drawn.
    pub view_lonlat: Option<[f64; 4]>,
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

/// The app's own state: what the panels read through [`AppView`].
pub(super) struct AppState {
    pub ws: Workspace,
    pub catalog: Catalog,
    pub spec: MapSpec,
    pub current: Option<Explore>,
    /// Decoded areas kept between refreshes (a palette click decodes nothing).
    pub area_cache: AreaCache,
    pub generation: u64,
    pub fills: Vec<Color32>,
    pub legend: Vec<LegendBlock>,
    /// The choropleth's own fills and legend (before any result overlay).
    pub base_fills: Vec<Color32>,
    pub base_legend: Vec<LegendBlock>,
    pub selection: BTreeSet<usize>,
    pub map_geography: Option<String>,
    pub outline_geography: Option<String>,
    pub hovered: Option<usize>,
    pub error: Option<String>,
    pub status: String,
    pub prefs: Prefs,
    pub map_result: Option<MapResult>,
    /// The data layer a `hotspot` layer stands in for while a result is on the map (put back
    /// when the result is taken off or the layer is edited).
    pub base_layer: Option<LayerSpec>,
    pub site_points: Vec<PointLayer>,
    pub point_legend: Vec<(String, usize, Color32)>,
    pub fonts_installed: bool,
    /// The window's context once the first frame ran (background jobs repaint through it).
    pub ctx: Option<egui::Context>,
    /// The map meshes of a newly shown geography, built on a background thread.
    pub meshes: Option<(Option<String>, Job<MapLayer>)>,
    /// The sample project being built (then opened).
    pub sample_job: Option<Job<PathBuf>>,
    /// A density surface being computed, and the legend of the one shown.
    pub density_job: Option<Job<crate::ops::kde::DensityImage>>,
    pub density_legend: Option<LegendBlock>,
}

impl AppState {
    /// The read-only view panels draw from.
    pub fn view(&self, map_rect: egui::Rect) -> AppView<'_> {
        AppView {
            ws: &self.ws,
            catalog: &self.catalog,
            indicator: self.current_indicator(),
            current: self.current.as_ref(),
            generation: self.generation,
            recipe: &self.spec,
            selection: &self.selection,
            hovered: self.hovered,
            fills: &self.fills,
            legend: &self.legend,
            base_legend: &self.base_legend,
            map_result: self.map_result.as_ref(),
            point_legend: &self.point_legend,
            prefs: &self.prefs,
            map_rect,
            view_lonlat: None,
        }
    }

    fn current_indicator(&self) -> Option<&IndicatorInfo> {
        let (geography, code) = first_data_layer(&self.spec)?;
        self.catalog
            .indicators
            .iter()
            .find(|i| i.code == code && i.geography == geography)
    }
}

/// The panels, each with its own state.
#[derive(Default)]
pub(super) struct Panels {
    pub menu: Menu,
    pub browser: IndicatorBrowser,
    pub classification: ClassificationPanel,
    pub legend: Legend,
    pub map: MapPanel,
    pub charts: Charts,
    pub hotspots: HotspotPanel,
    pub index_builder: IndexBuilder,
    pub site_finder: SiteFinder,
    pub import: ImportDialog,
    pub export: ExportDialog,
    pub recipes: RecipeWindow,
    pub check: CheckWindow,
    pub area_card: super::area_card_panel::AreaCardPanel,
}

/// The desktop app.
pub struct AtlasApp {
    pub(super) state: AppState,
    pub(super) panels: Panels,
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
        }
        | LayerSpec::Hotspot {
            geography,
            indicator,
            ..
        }
        | LayerSpec::Significance {
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
    let layer = match crate::ops::map::recipe::cluster_scheme(indicator.kind) {
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
            state: AppState {
                ws,
                catalog: Catalog::default(),
                spec: MapSpec::default(),
                current: None,
                area_cache: AreaCache::new(),
                generation: 0,
                fills: Vec::new(),
                legend: Vec::new(),
                base_fills: Vec::new(),
                base_legend: Vec::new(),
                selection: BTreeSet::new(),
                map_geography: None,
                outline_geography: None,
                hovered: None,
                error: None,
                status: String::new(),
                prefs,
                map_result: None,
                base_layer: None,
                site_points: Vec::new(),
                point_legend: Vec::new(),
                fonts_installed: false,
                ctx: None,
                meshes: None,
                sample_job: None,
                density_job: None,
                density_legend: None,
            },
            panels: Panels::default(),
        };
        app.reload_catalog();
        let first = app
            .state
            .catalog
            .indicators
            .iter()
            .find(|i| i.code == DEFAULT_INDICATOR)
            .or_else(|| app.state.catalog.indicators.first())
            .cloned();
        if let Some(i) = first {
            app.state.spec = spec_for(&i);
        }
        app.refresh();
        Ok(app)
    }

    pub fn workspace_path(&self) -> &Path {
        self.state.ws.path()
    }

    /// The indicator being explored, if any.
    pub fn current_indicator(&self) -> Option<&IndicatorInfo> {
        self.state.current_indicator()
    }

    /// Areas the map draws (0 while a newly shown geography's meshes are being built).
    pub fn map_areas(&self) -> usize {
        self.panels.map.map.areas.as_ref().map_or(0, MapLayer::len)
    }

    /// Whether the map view is fitted to its areas (and follows the map's size).
    pub fn map_fitted(&self) -> bool {
        self.panels.map.map.is_fitted()
    }

    /// Vertices of the area meshes drawn on screen last frame (0 when the map is blank or
    /// its areas are off screen).
    pub fn map_vertices_drawn(&self) -> usize {
        self.panels.map.map.last_vertices
    }

    /// The hover card's lines for the area under the pointer (empty when there is none).
    pub fn hover_card(&self) -> Vec<String> {
        let view = self.state.view(self.panels.map.rect());
        self.state
            .hovered
            .map(|i| super::hover_card::card_lines(&view, i))
            .unwrap_or_default()
    }

    /// Where the map was drawn last frame.
    pub fn map_rect(&self) -> egui::Rect {
        self.panels.map.rect()
    }

    /// Codes of the selected areas, in area order.
    pub fn selected_codes(&self) -> Vec<String> {
        let Some(ex) = &self.state.current else {
            return Vec::new();
        };
        self.state
            .selection
            .iter()
            .filter_map(|i| ex.rows.get(*i).map(|r| r.code.clone()))
            .collect()
    }

    /// Screen positions of the histogram's movable break lines (for tests and automation).
    pub fn break_handles(&self) -> Vec<egui::Pos2> {
        self.panels.classification.break_handles.clone()
    }

    /// Whether presenter mode (large type, the map alone) is on.
    pub fn presenter(&self) -> bool {
        self.state.prefs.presenter
    }

    /// The recipe being explored (what an export would draw).
    pub fn recipe(&self) -> &MapSpec {
        &self.state.spec
    }

    /// Cluster (or hot/cold spot) counts of the last hotspot run, by class name.
    pub fn hotspot_counts(&self) -> std::collections::BTreeMap<String, usize> {
        self.panels.hotspots.counts()
    }

    fn reload_catalog(&mut self) {
        match catalog::catalog(&self.state.ws) {
            Ok(c) => self.state.catalog = c,
            Err(e) => self.state.error = Some(e.to_string()),
        }
    }

    /// Re-reads and re-symbolises the map after the recipe changed; errors are shown and the
    /// previous map stays.
    pub(super) fn refresh(&mut self) {
        if first_data_layer(&self.state.spec).is_none() {
            self.show_plain_boundaries();
            return;
        }
        // The screen shows every area; the recipe's extent is what the export shows.
        // A density layer is drawn from its background job, never computed here.
        let mut screen = MapSpec {
            extent: Extent::Whole,
            ..self.state.spec.clone()
        };
        screen
            .layers
            .retain(|l| !matches!(l, LayerSpec::Density { .. }));
        match explore_cached(&self.state.ws, &screen, &mut self.state.area_cache) {
            Ok(ex) => {
                self.state.error = None;
                self.install(ex);
            }
            Err(e) => self.state.error = Some(e.to_string()),
        }
    }

    fn install(&mut self, ex: Explore) {
        let s = &mut self.state;
        let map = &mut self.panels.map.map;
        let geography = first_data_layer(&s.spec).map(|(g, _)| g.to_string());
        if geography != s.map_geography {
            s.selection.clear();
            s.map_geography = geography;
            if let Some(Features::Polygons(f)) =
                ex.input.layers.get(ex.layer_index).map(|l| &l.features)
            {
                match s.ctx.clone() {
                    // Reprojecting and triangulating a large geography takes seconds: once the
                    // window runs, it is a job and the map shows it when it is ready.
                    Some(ctx) => {
                        let shapes: Vec<_> = f.iter().map(|a| a.geometry_bng.clone()).collect();
                        map.areas = None;
                        match Job::spawn("map-meshes", &ctx, move |_| {
                            let refs: Vec<_> = shapes.iter().collect();
                            Ok(MapLayer::new(&refs))
                        }) {
                            Ok(job) => {
                                s.meshes = Some((s.map_geography.clone(), job));
                                s.status = format!("Preparing the map of {} areas…", f.len());
                            }
                            Err(e) => s.error = Some(e.to_string()),
                        }
                    }
                    None => {
                        let shapes: Vec<_> = f.iter().map(|a| &a.geometry_bng).collect();
                        map.areas = Some(MapLayer::new(&shapes));
                        map.fit_next_frame();
                    }
                }
            }
        }
        self.install_overlays(&ex);
        let s = &mut self.state;
        s.fills = match ex.input.layers.get(ex.layer_index).map(|l| &l.features) {
            Some(Features::Polygons(f)) => f.iter().map(|a| fill32(&a.fill)).collect(),
            _ => Vec::new(),
        };
        s.legend = ex
            .input
            .layers
            .iter()
            .filter_map(|l| l.legend.clone())
            .collect();
        s.base_legend = s.legend.clone();
        s.legend.extend(s.density_legend.clone());
        s.base_fills = s.fills.clone();
        if s.map_result
            .as_ref()
            .is_some_and(|r| r.indicator != ex.indicator() || r.period != ex.period)
        {
            s.map_result = None;
        }
        s.current = Some(ex);
        s.generation += 1;
    }

    /// Keeps the window's context for background jobs, and puts finished map meshes on the map.
    pub(super) fn poll_meshes(&mut self, ctx: &egui::Context) {
        let s = &mut self.state;
        if s.ctx.is_none() {
            s.ctx = Some(ctx.clone());
        }
        let Some((geography, done)) = s
            .meshes
            .as_mut()
            .and_then(|(g, job)| job.poll().map(|d| (g.clone(), d)))
        else {
            return;
        };
        s.meshes = None;
        match done {
            // Meshes of a geography the map has already left are dropped.
            Ok(_) if geography != s.map_geography => {}
            Ok(layer) => {
                let map = &mut self.panels.map.map;
                map.areas = Some(layer);
                map.fit_next_frame();
                if s.status.starts_with("Preparing the map") {
                    s.status.clear();
                }
            }
            Err(e) => s.error = Some(e.to_string()),
        }
    }

    fn install_overlays(&mut self, ex: &Explore) {
        let s = &mut self.state;
        let map = &mut self.panels.map.map;
        let outline = s.spec.layers.iter().find_map(|l| match l {
            LayerSpec::Outline { geography, .. } => Some(geography.clone()),
            _ => None,
        });
        if outline != s.outline_geography {
            s.outline_geography = outline.clone();
            map.outline = outline.and_then(|g| {
                ex.input.layers.iter().find_map(|l| match &l.features {
                    Features::Polygons(f) if l.id.ends_with(&format!("-outline-{g}")) => {
                        let shapes: Vec<_> = f.iter().map(|a| &a.geometry_bng).collect();
                        Some(MapLayer::new(&shapes))
                    }
                    _ => None,
                })
            });
        }
        map.points = ex
            .input
            .layers
            .iter()
            .filter_map(|l| match &l.features {
                Features::Points(p) => {
                    let bng: Vec<(f64, f64)> =
                        p.iter().map(|f| (f.point_bng.x, f.point_bng.y)).collect();
                    let lonlat = crate::ops::coords::lonlat_of_bng(&bng).unwrap_or_default();
                    Some(PointLayer {
                        name: l.label.clone(),
                        points_unit: lonlat
                            .into_iter()
                            .map(|(lon, lat)| mercator_unit(lon, lat))
                            .collect(),
                        colour: colour32(p.first().map_or(Colour::rgb(30, 30, 30), |f| f.fill)),
                    })
                }
                _ => None,
            })
            .collect();
        map.points.extend(s.site_points.iter().cloned());
        s.point_legend = map
            .points
            .iter()
            .filter(|p| !p.points_unit.is_empty())
            .map(|p| (p.name.clone(), p.points_unit.len(), p.colour))
            .collect();
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
        map.overlay = ex
            .rows
            .iter()
            .map(|r| hatched.contains(r.code.as_str()))
            .collect();
    }

    /// Carries out a panel's command: the one place the app state changes.
    pub(super) fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::PickIndicator(i) => self.pick_indicator(&i),
            Command::SetPeriod(p) => self.edit_data_layer(|l| match l {
                LayerSpec::Choropleth { period, .. }
                | LayerSpec::Clusters { period, .. }
                | LayerSpec::Significance { period, .. } => *period = Some(p),
                _ => {}
            }),
            Command::SetClassification(c) => self.edit_data_layer(|l| {
                if let LayerSpec::Choropleth { classification, .. } = l {
                    *classification = c;
                }
            }),
            Command::SetPalette(p) => self.edit_data_layer(|l| {
                if let LayerSpec::Choropleth { palette, .. } = l {
                    *palette = p;
                }
            }),
            Command::SetLayout(spec) => {
                let layers = std::mem::take(&mut self.state.spec.layers);
                self.state.spec = MapSpec { layers, ..*spec };
            }
            Command::SetExtent(e) => self.state.spec.extent = e,
            Command::SetLayer(i, layer) => {
                if let Some(l) = self.state.spec.layers.get_mut(i) {
                    *l = *layer;
                    self.refresh();
                }
            }
            Command::OpenRecipeWindow(save) => self.panels.recipes.open(save),
            Command::OpenRecipe(source) => self.open_recipe(&source),
            Command::OpenSample => self.open_sample(),
            Command::SetOutline(g) => self.set_outline(g),
            Command::SetOverlay(o) => self.set_overlay(o),
            Command::TogglePoints(name) => self.toggle_points(name),
            Command::ShowDensity(request) => self.show_density(request),
            Command::MapResult(r) => self.set_map_result(r.map(|r| *r)),
            // Drawn at the next refresh (the finder shows its status map right after).
            Command::SetSitePoints(points) => self.state.site_points = points,
            Command::Hover(i) => self.state.hovered = i,
            Command::Select(v) => self.state.selection = v.into_iter().collect(),
            Command::AddToSelection(v) => self.state.selection.extend(v),
            Command::ToggleSelected(i) => {
                if !self.state.selection.remove(&i) {
                    self.state.selection.insert(i);
                }
            }
            Command::ClearSelection => self.state.selection.clear(),
            Command::ZoomToSelection => {
                let sel: Vec<usize> = self.state.selection.iter().copied().collect();
                self.panels.map.map.zoom_to_areas(sel);
            }
            Command::FitAll => self.panels.map.map.fit_next_frame(),
            Command::FlyTo(i) => {
                self.state.selection = std::iter::once(i).collect();
                self.panels.map.map.fly_to_areas([i]);
            }
            Command::FocusAreaSearch => self.panels.map.focus_search(),
            Command::Found(f) => self.found(&f),
            Command::CloseAreaCard => self.panels.area_card.close(),
            Command::OpenWorkspace(p) => self.switch_workspace(&p, false),
            Command::CreateWorkspace(p) => self.switch_workspace(&p, true),
            Command::PromptWorkspacePath => self.panels.menu.prompt_path(),
            Command::OpenImport(path) => self.panels.import.open(path),
            Command::OpenExport => self.panels.export.open(),
            Command::CheckWorkspace => self.panels.check.open(),
            Command::ToggleHelp => self.panels.menu.toggle_help(),
            Command::SetPrefs(p) => self.state.prefs = p,
            Command::SaveRecipe(name) => {
                match crate::ops::map::recipe::save(&self.state.ws, &name, &self.state.spec) {
                    Ok(()) => {
                        self.state.status = format!("Saved recipe '{name}' in the workspace");
                        self.reload_catalog();
                    }
                    Err(e) => self.state.error = Some(e.to_string()),
                }
            }
            Command::Reload => {
                self.reload_catalog();
                self.refresh();
            }
            Command::ShowIndicator(code) => {
                self.reload_catalog();
                let found = self
                    .state
                    .catalog
                    .indicators
                    .iter()
                    .find(|i| i.code == code);
                if let Some(i) = found.cloned() {
                    self.pick_indicator(&i);
                }
            }
            Command::ShowError(e) => self.state.error = Some(e),
            Command::SetStatus(s) => self.state.status = s,
        }
    }

    /// Changes the recipe's first layer (the explored one) and redraws.
    fn edit_data_layer(&mut self, edit: impl FnOnce(&mut LayerSpec)) {
        self.put_back_base_layer();
        if let Some(layer) = self.state.spec.layers.first_mut() {
            edit(layer);
        }
        self.refresh();
    }

    /// Shows `r` (or no result for `None`): a LISA or Gi* result shown on the map becomes the
    /// recipe's data layer (a `hotspot` layer, its result kept in the area cache so nothing is
    /// computed again here), so the screen and an export draw the same map.
    fn set_map_result(&mut self, r: Option<MapResult>) {
        let current = self.state.current.as_ref();
        // A result of another indicator or period (the map moved on during the run).
        let r = r.filter(|r| {
            current.is_some_and(|ex| r.indicator == ex.indicator() && r.period == ex.period)
        });
        let layer = match r.as_ref().filter(|r| r.on_map).and_then(|r| r.run.as_ref()) {
            Some((req, resp)) => {
                let s = &mut self.state;
                match hotspot::remember(&mut s.area_cache, &s.ws, req, resp.clone()) {
                    Ok(()) => hotspot::layer_of(req),
                    Err(e) => {
                        s.error = Some(e.to_string());
                        None
                    }
                }
            }
            None => None,
        };
        self.state.map_result = r;
        self.put_back_base_layer();
        if let Some(layer) = layer
            && let Some(first) = self.state.spec.layers.first_mut()
        {
            self.state.base_layer = Some(std::mem::replace(first, layer));
        }
        self.refresh();
    }

    /// Puts the data layer a hotspot layer stood in for back into the recipe.
    fn put_back_base_layer(&mut self) {
        let s = &mut self.state;
        if let Some(base) = s.base_layer.take()
            && let Some(first) = s.spec.layers.first_mut()
        {
            *first = base;
        }
    }

    fn set_outline(&mut self, g: Option<String>) {
        let layers = &mut self.state.spec.layers;
        layers.retain(|l| !matches!(l, LayerSpec::Outline { .. }));
        if let Some(geography) = g {
            layers.push(LayerSpec::Outline {
                geography,
                colour: "#333333".into(),
                width_mm: 0.35,
                labels: false,
            });
        }
        self.refresh();
    }

    fn set_overlay(&mut self, o: Option<(String, f64, Option<f64>)>) {
        let geography = first_data_layer(&self.state.spec).map(|(g, _)| g.to_string());
        let layers = &mut self.state.spec.layers;
        layers.retain(|l| !matches!(l, LayerSpec::Hatch { .. }));
        if let (Some((indicator, percent, of)), Some(geography)) = (o, geography) {
            layers.push(LayerSpec::Hatch {
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

    fn toggle_points(&mut self, name: String) {
        let layers = &mut self.state.spec.layers;
        let before = layers.len();
        layers.retain(|l| !matches!(l, LayerSpec::Points { layer, .. } if *layer == name));
        if layers.len() == before {
            layers.push(LayerSpec::Points {
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

    /// A Find result: an indicator is mapped; an area is selected on the map — itself, or the
    /// mapped areas it is made of when it belongs to another geography (a ward on an LSOA map)
    /// — flown to with its surroundings in view, and its area card opened.
    fn found(&mut self, f: &crate::ops::find::Found) {
        use crate::ops::find::FoundKind;
        if f.kind == FoundKind::Indicator {
            let info = self
                .state
                .catalog
                .indicators
                .iter()
                .find(|i| i.code == f.code && i.geography == f.geography)
                .cloned();
            if let Some(i) = info {
                self.pick_indicator(&i);
            }
            return;
        }
        self.panels
            .area_card
            .show(&self.state.ws, &f.geography, &f.code);
        let Some(ex) = &self.state.current else {
            return;
        };
        let Some((mapped, _)) = first_data_layer(&self.state.spec) else {
            return;
        };
        let codes = match crate::ops::find::members(&self.state.ws, &f.geography, &f.code, mapped) {
            Ok(c) => c,
            Err(e) => {
                self.state.status = e.to_string();
                return;
            }
        };
        let picked: BTreeSet<usize> = ex
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| codes.binary_search(&r.code).is_ok())
            .map(|(i, _)| i)
            .collect();
        self.state.status = format!(
            "{} ({}): {} area{} selected",
            f.name,
            f.geography_title,
            picked.len(),
            if picked.len() == 1 { "" } else { "s" }
        );
        self.panels.map.map.fly_to_areas(picked.iter().copied());
        self.state.selection = picked;
    }

    fn pick_indicator(&mut self, i: &IndicatorInfo) {
        self.put_back_base_layer();
        let spec = &self.state.spec;
        let keep: Vec<LayerSpec> = spec
            .layers
            .iter()
            .filter(|l| match l {
                // An outline of the indicator's own geography (the plain boundaries drawn
                // before there was an indicator) would only draw its edges twice.
                LayerSpec::Outline { geography, .. } => *geography != i.geography,
                LayerSpec::Points { .. } | LayerSpec::Hatch { .. } | LayerSpec::Density { .. } => {
                    true
                }
                _ => false,
            })
            .cloned()
            .collect();
        let old = spec.layers.first().cloned();
        let mut new = spec_for(i);
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
        ) = (old, new.layers.first_mut())
        {
            if c0.method != Method::Manual {
                *classification = c0;
            }
            palette.reverse = p0.reverse;
            palette.name = p0.name;
        }
        new.layers.extend(keep);
        self.state.spec = MapSpec {
            layers: new.layers,
            ..spec.clone()
        };
        self.refresh();
    }

    fn switch_workspace(&mut self, path: &Path, create: bool) {
        let prefs = self.state.prefs.clone();
        let opened = if create {
            Workspace::create(path)
                .map(drop)
                .and_then(|()| Self::open_with(path, prefs))
        } else {
            Self::open_with(path, prefs)
        };
        match opened {
            Ok(app) => {
                *self = app;
                self.state.status = format!("Opened {}", path.display());
            }
            Err(e) => self.state.error = Some(e.to_string()),
        }
    }
}
