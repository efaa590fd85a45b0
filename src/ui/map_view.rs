//! The live map: a walkers slippy map (no basemap unless switched on, so it works offline)
//! with the choropleth, an outline layer and point layers drawn by a plugin from cached
//! meshes ([`MapLayer`]). Drag pans, scroll zooms; hover shows an area, click selects it,
//! ctrl-click adds or removes it; the box and lasso tools select by dragging.

use super::map_layer::{LOCAL_SCALE, MapLayer, ScreenTransform, lonlat_from_unit, mercator_unit};
use egui::{Color32, DragPanButtons, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2};
use std::collections::BTreeSet;
use std::time::Instant;
use walkers::{HttpTiles, Map, MapMemory, Plugin, Projector, lon_lat};

/// What a drag on the map does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    #[default]
    Pan,
    Box,
    Lasso,
}

impl Tool {
    pub const ALL: [Tool; 3] = [Tool::Pan, Tool::Box, Tool::Lasso];
    pub fn label(self) -> &'static str {
        match self {
            Tool::Pan => "Pan",
            Tool::Box => "Box select",
            Tool::Lasso => "Lasso select",
        }
    }
}

/// What happened on the map this frame.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MapEvents {
    pub hovered: Option<usize>,
    /// An area was clicked; `true` = ctrl/cmd held (toggle it in the selection).
    pub clicked: Option<(usize, bool)>,
    /// A click on no area (clears the selection).
    pub clicked_empty: bool,
    /// Areas caught by a box or lasso; `true` = add to the selection.
    pub region: Option<(Vec<usize>, bool)>,
}

/// A point layer on the map, in Mercator unit coordinates.
#[derive(Debug, Clone)]
pub struct PointLayer {
    pub name: String,
    pub points_unit: Vec<[f64; 2]>,
    pub colour: Color32,
}

/// A density surface on the map: its image as a texture stretched over a lattice of points
/// of its British National Grid box (so it bends with the Mercator map as it should).
pub struct DensityOverlay {
    pub texture: egui::TextureHandle,
    /// Lattice points (Mercator unit coordinates) and their texture coordinates, row by row,
    /// `side + 1` a row.
    pub lattice: Vec<([f64; 2], Pos2)>,
    pub side: usize,
}

impl DensityOverlay {
    /// The textured mesh under `projector`.
    fn mesh(&self, projector: &Projector) -> egui::epaint::Mesh {
        let mut mesh = egui::epaint::Mesh::with_texture(self.texture.id());
        for (unit, uv) in &self.lattice {
            let pos = projector.project(lonlat_pos(*unit)).to_pos2();
            mesh.vertices.push(egui::epaint::Vertex {
                pos,
                uv: *uv,
                color: Color32::WHITE,
            });
        }
        let n = self.side as u32 + 1;
        for row in 0..self.side as u32 {
            for col in 0..self.side as u32 {
                let a = row * n + col;
                mesh.add_triangle(a, a + 1, a + n);
                mesh.add_triangle(a + 1, a + n + 1, a + n);
            }
        }
        mesh
    }
}

/// The map's persistent state.
pub struct MapView {
    memory: MapMemory,
    pub areas: Option<MapLayer>,
    pub outline: Option<MapLayer>,
    pub points: Vec<PointLayer>,
    /// A point layer's density surface, drawn over the area fills, under the boundaries.
    pub density: Option<DensityOverlay>,
    /// Areas of the "most deprived X%" overlay (outlined).
    pub overlay: Vec<bool>,
    pub tool: Tool,
    drag_path: Vec<Pos2>,
    fit_pending: bool,
    /// The view was fitted and the user has not panned or zoomed since: a change of the map's
    /// size (presenter mode, panels appearing, a resized window) fits it again, so the map is
    /// never left as a dot or off screen.
    follow_fit: bool,
    /// The rect of the map widget last frame (for fitting before the first draw).
    last_rect: Option<Rect>,
    /// Time spent building the map's meshes last frame, in milliseconds.
    pub last_draw_ms: f64,
    /// Vertices of the meshes drawn last frame (fills and outlines).
    pub last_vertices: usize,
    cache: super::frame_cache::FrameCache,
}

impl Default for MapView {
    fn default() -> Self {
        Self {
            memory: MapMemory::default(),
            areas: None,
            outline: None,
            points: Vec::new(),
            density: None,
            overlay: Vec::new(),
            tool: Tool::Pan,
            drag_path: Vec::new(),
            fit_pending: true,
            follow_fit: true,
            last_rect: None,
            last_draw_ms: 0.0,
            last_vertices: 0,
            cache: Default::default(),
        }
    }
}

/// The screen transform of local units of `layer` under `projector`.
fn transform_for(layer: &MapLayer, projector: &Projector) -> ScreenTransform {
    let a = layer.origin;
    let b = [a[0] + 0.01, a[1] + 0.01];
    let pa = projector.project(lonlat_pos(a));
    let pb = projector.project(lonlat_pos(b));
    let per_unit = Vec2::new(
        ((pb.x - pa.x) as f64 / (0.01 * LOCAL_SCALE)) as f32,
        ((pb.y - pa.y) as f64 / (0.01 * LOCAL_SCALE)) as f32,
    );
    ScreenTransform {
        scale: per_unit,
        offset: pa,
    }
}

fn lonlat_pos(unit: [f64; 2]) -> walkers::Position {
    let (lon, lat) = lonlat_from_unit(unit);
    lon_lat(lon, lat)
}

/// The centre of a layer's bbox, in its local units.
fn layer_centre(l: &MapLayer) -> [f32; 2] {
    [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0]
}

/// Point-in-polygon (even–odd) in screen space, for the lasso.
fn in_polygon(p: Pos2, poly: &[Pos2]) -> bool {
    let mut inside = false;
    let n = poly.len();
    for i in 0..n {
        let (Some(a), Some(b)) = (poly.get(i), poly.get((i + n - 1) % n)) else {
            continue;
        };
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
    }
    inside
}

/// Everything the plugin draws this frame.
struct AreasPlugin<'a> {
    view: &'a mut MapView,
    fills: &'a [Color32],
    selected: &'a BTreeSet<usize>,
    events: &'a mut MapEvents,
}

impl Plugin for AreasPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _: &MapMemory,
    ) {
        let started = Instant::now();
        let screen = response.rect;
        let painter = ui.painter().with_clip_rect(screen);
        let view = self.view;
        let Some(layer) = &view.areas else {
            return;
        };
        let t = transform_for(layer, projector);
        let (fill, edges, chosen) =
            view.cache
                .meshes(layer, &t, screen, self.fills, self.selected, &view.overlay);
        let vertices = fill.vertices.len() + edges.vertices.len();
        painter.add(Shape::Mesh(fill));
        if let Some(d) = &view.density {
            painter.add(Shape::mesh(d.mesh(projector)));
        }
        painter.add(Shape::Mesh(edges));
        if let Some(outline) = &view.outline {
            let ot = transform_for(outline, projector);
            let s = Stroke::new(1.6, Color32::from_gray(25));
            painter.add(Shape::mesh(
                outline.outline_mesh(&ot, screen, 0.0, |_| Some(s)),
            ));
        }
        painter.add(Shape::Mesh(chosen));
        for pl in &view.points {
            for p in &pl.points_unit {
                let s = projector.project(lonlat_pos(*p)).to_pos2();
                if screen.contains(s) {
                    painter.circle(s, 4.5, pl.colour, Stroke::new(1.0, Color32::WHITE));
                }
            }
        }
        let hovered = response.hover_pos().and_then(|p| layer.hit(&t, p));
        if let Some(h) = hovered {
            let hs = Stroke::new(2.0, Color32::BLACK);
            painter.add(Shape::mesh(
                layer.outline_mesh(&t, screen, 0.0, |i| (i == h).then_some(hs)),
            ));
        }
        self.events.hovered = hovered;
        handle_tools(view, ui, response, &t, &painter, self.events);
        view.last_draw_ms = started.elapsed().as_secs_f64() * 1000.0;
        view.last_vertices = vertices;
    }
}

fn handle_tools(
    view: &mut MapView,
    ui: &Ui,
    response: &Response,
    t: &ScreenTransform,
    painter: &egui::Painter,
    events: &mut MapEvents,
) {
    let Some(layer) = &view.areas else {
        return;
    };
    let additive = ui.input(|i| i.modifiers.command || i.modifiers.shift);
    if response.clicked() {
        match response
            .interact_pointer_pos()
            .and_then(|p| layer.hit(t, p))
        {
            Some(i) => events.clicked = Some((i, ui.input(|i| i.modifiers.command))),
            None => events.clicked_empty = true,
        }
    }
    if view.tool == Tool::Pan {
        return;
    }
    if response.drag_started()
        && let Some(p) = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos())
    {
        view.drag_path = vec![p];
    }
    if response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        view.drag_path.push(p);
    }
    let style = Stroke::new(1.5, Color32::from_rgb(0, 120, 215));
    let fill = Color32::from_rgba_unmultiplied(0, 120, 215, 40);
    match (view.tool, view.drag_path.first(), view.drag_path.last()) {
        (Tool::Box, Some(a), Some(b)) => {
            painter.rect(
                Rect::from_two_pos(*a, *b),
                0.0,
                fill,
                style,
                egui::StrokeKind::Middle,
            );
        }
        (Tool::Lasso, Some(_), Some(_)) if view.drag_path.len() > 2 => {
            painter.add(Shape::closed_line(view.drag_path.clone(), style));
        }
        _ => {}
    }
    if response.drag_stopped() && view.drag_path.len() > 1 {
        let path = std::mem::take(&mut view.drag_path);
        let caught = match (view.tool, path.first(), path.last()) {
            (Tool::Box, Some(a), Some(b)) => {
                let r = Rect::from_two_pos(*a, *b);
                layer.select_where(t, |c| r.contains(c))
            }
            (Tool::Lasso, _, _) => layer.select_where(t, |c| in_polygon(c, &path)),
            _ => Vec::new(),
        };
        events.region = Some((caught, additive));
    }
}

impl MapView {
    /// Fits the view to the areas on the next frame.
    pub fn fit_next_frame(&mut self) {
        self.fit_pending = true;
        self.follow_fit = true;
    }

    /// Whether the view is fitted to the areas (and follows the map's size).
    pub fn is_fitted(&self) -> bool {
        self.follow_fit
    }

    /// The longitude/latitude box the map shows (`west, south, east, north`), once drawn.
    pub fn view_lonlat(&self) -> Option<[f64; 4]> {
        let (layer, rect) = (self.areas.as_ref()?, self.last_rect?);
        let world_px = 256.0 * 2f64.powf(self.memory.zoom());
        let centre = self
            .memory
            .detached()
            .map(|p| mercator_unit(p.x(), p.y()))
            .unwrap_or_else(|| layer.unit_of(layer_centre(layer)));
        let half = [
            f64::from(rect.width()) / 2.0 / world_px,
            f64::from(rect.height()) / 2.0 / world_px,
        ];
        let (west, north) = lonlat_from_unit([centre[0] - half[0], centre[1] - half[1]]);
        let (east, south) = lonlat_from_unit([centre[0] + half[0], centre[1] + half[1]]);
        Some([west, south, east, north])
    }

    /// Centres and zooms on a bbox given in the areas' local units.
    pub fn zoom_to_local(&mut self, bbox: [f32; 4], rect: Rect) {
        let Some(layer) = &self.areas else {
            return;
        };
        let a = layer.unit_of([bbox[0], bbox[1]]);
        let b = layer.unit_of([bbox[2], bbox[3]]);
        let centre = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let dx = (b[0] - a[0]).abs().max(1e-9);
        let dy = (b[1] - a[1]).abs().max(1e-9);
        let world_px = (f64::from(rect.width()) / dx).min(f64::from(rect.height()) / dy) * 0.9;
        let zoom = (world_px / 256.0).log2().clamp(0.0, 19.0);
        let _ = self.memory.set_zoom(zoom);
        self.memory.center_at(lonlat_pos(centre));
    }

    /// Zooms to `areas` with their surroundings in view: their box grown by its own size on
    /// every side (at least about 750 m), so a found LSOA is seen among its neighbours, not
    /// filling the screen.
    pub fn fly_to_areas(&mut self, areas: impl IntoIterator<Item = usize>) {
        // Local units are 2⁻²⁰ of the Mercator world: about 23 m each at UK latitudes.
        const MIN_GROW_LOCAL: f32 = 32.0;
        self.zoom_to_box_of(areas, |b| {
            let grow_x = (b[2] - b[0]).max(MIN_GROW_LOCAL);
            let grow_y = (b[3] - b[1]).max(MIN_GROW_LOCAL);
            [b[0] - grow_x, b[1] - grow_y, b[2] + grow_x, b[3] + grow_y]
        });
    }

    /// Zooms to the union of the bboxes of `areas`.
    pub fn zoom_to_areas(&mut self, areas: impl IntoIterator<Item = usize>) {
        self.zoom_to_box_of(areas, |b| b);
    }

    /// Zooms to the union of the bboxes of `areas`, shaped by `frame` (e.g. grown for context).
    fn zoom_to_box_of(
        &mut self,
        areas: impl IntoIterator<Item = usize>,
        frame: impl FnOnce([f32; 4]) -> [f32; 4],
    ) {
        self.follow_fit = false;
        let (Some(layer), Some(rect)) = (&self.areas, self.last_rect) else {
            return;
        };
        let bbox = areas
            .into_iter()
            .filter_map(|i| layer.area_bbox(i))
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            });
        if let Some(b) = bbox {
            self.zoom_to_local(frame(b), rect);
        }
    }

    /// Zoom level of the slippy map.
    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// Pans by a screen offset (keyboard arrows, benchmarks).
    pub fn pan_by(&mut self, delta_px: Vec2) {
        self.follow_fit = false;
        let Some(layer) = &self.areas else {
            return;
        };
        let world_px = 256.0 * 2f64.powf(self.memory.zoom());
        let centre = self
            .memory
            .detached()
            .map(|p| mercator_unit(p.x(), p.y()))
            .unwrap_or_else(|| {
                layer.unit_of([
                    (layer.bbox[0] + layer.bbox[2]) / 2.0,
                    (layer.bbox[1] + layer.bbox[3]) / 2.0,
                ])
            });
        let moved = [
            centre[0] + f64::from(delta_px.x) / world_px,
            centre[1] + f64::from(delta_px.y) / world_px,
        ];
        self.memory.center_at(lonlat_pos(moved));
    }

    /// Zooms in (positive) or out by `steps` zoom levels.
    pub fn zoom_by(&mut self, steps: f64) {
        self.follow_fit = false;
        let z = (self.memory.zoom() + steps).clamp(0.0, 19.0);
        let _ = self.memory.set_zoom(z);
    }

    /// Draws the map filling the space left in `ui`.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        basemap: Option<&mut HttpTiles>,
        fills: &[Color32],
        selected: &BTreeSet<usize>,
    ) -> (MapEvents, Rect) {
        let rect = Rect::from_min_size(ui.cursor().min, ui.available_size());
        let resized = self
            .last_rect
            .is_none_or(|r| (r.size() - rect.size()).length() > 1.0);
        if self.follow_fit && resized {
            self.fit_pending = true;
        }
        self.last_rect = Some(rect);
        // A map squeezed to a sliver (the first frame of a new layout) is fitted once it has
        // its size: fitted to a sliver, it would show the whole world.
        let sized = rect.width() > 40.0 && rect.height() > 40.0;
        if self.fit_pending
            && sized
            && let Some(layer) = &self.areas
        {
            let bbox = layer.bbox;
            self.zoom_to_local(bbox, rect);
            self.fit_pending = false;
        }
        let mut events = MapEvents::default();
        let centre = self.areas.as_ref().map_or(lon_lat(-2.24, 53.48), |l| {
            lonlat_pos(l.unit_of(layer_centre(l)))
        });
        let pan_buttons = if self.tool == Tool::Pan {
            DragPanButtons::PRIMARY | DragPanButtons::MIDDLE
        } else {
            DragPanButtons::MIDDLE | DragPanButtons::SECONDARY
        };
        let tool = self.tool;
        let mut memory = std::mem::take(&mut self.memory);
        let tiles = basemap.map(|t| t as &mut dyn walkers::Tiles);
        let response = {
            let plugin = AreasPlugin {
                view: self,
                fills,
                selected,
                events: &mut events,
            };
            let map = Map::new(tiles, &mut memory, centre)
                .with_plugin(plugin)
                .drag_pan_buttons(pan_buttons)
                .zoom_with_ctrl(false)
                .double_click_to_zoom(tool == Tool::Pan);
            ui.add(map)
        };
        self.memory = memory;
        let moved = response.dragged_by(egui::PointerButton::Primary) && tool == Tool::Pan
            || response.dragged_by(egui::PointerButton::Middle)
            || response.double_clicked()
            || (response.hovered()
                && ui.input(|i| i.smooth_scroll_delta != Vec2::ZERO || i.zoom_delta() != 1.0));
        if moved {
            self.follow_fit = false;
        }
        (events, rect)
    }
}
