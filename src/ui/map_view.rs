//! The map canvas: polygons triangulated once (earcut, so holes and concave shapes are filled
//! correctly) and cached in British National Grid metres; each frame only maps the cached
//! vertices to the screen. Drag to pan, scroll to zoom, hover for the area under the pointer.

use egui::{Color32, Mesh, Pos2, Rect, Sense, Shape, Stroke, Vec2, epaint::Vertex};
use geo::{BoundingRect, Contains, MultiPolygon, Point, TriangulateEarcut};

/// One area ready to draw.
pub struct MapArea {
    pub geometry_bng: MultiPolygon<f64>,
    pub fill: Color32,
}

/// Triangulated areas plus the view (centre and scale).
pub struct MapView {
    areas: Vec<MapArea>,
    /// Triangle vertices in BNG metres, with their fill colour.
    vertices_bng: Vec<([f64; 2], Color32)>,
    indices: Vec<u32>,
    bboxes: Vec<geo::Rect<f64>>,
    centre_bng: [f64; 2],
    metres_per_px: f64,
    fitted: bool,
}

impl MapView {
    pub fn new(areas: Vec<MapArea>) -> Self {
        let mut vertices_bng = Vec::new();
        let mut indices = Vec::new();
        for a in &areas {
            for poly in &a.geometry_bng.0 {
                let tri = poly.earcut_triangles_raw();
                let base = vertices_bng.len() as u32;
                vertices_bng.extend(tri.vertices.iter().map(|v| (*v, a.fill)));
                indices.extend(tri.triangle_indices.iter().map(|i| base + *i as u32));
            }
        }
        let bboxes = areas
            .iter()
            .map(|a| {
                a.geometry_bng
                    .bounding_rect()
                    .unwrap_or(geo::Rect::new((0., 0.), (0., 0.)))
            })
            .collect();
        Self {
            areas,
            vertices_bng,
            indices,
            bboxes,
            centre_bng: [0.0, 0.0],
            metres_per_px: 1.0,
            fitted: false,
        }
    }

    fn fit(&mut self, screen: Rect) {
        let Some(ext) = self.bboxes.iter().copied().reduce(|a, b| {
            geo::Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        }) else {
            return;
        };
        self.centre_bng = [ext.center().x, ext.center().y];
        let sx = ext.width() / f64::from(screen.width().max(1.0));
        let sy = ext.height() / f64::from(screen.height().max(1.0));
        self.metres_per_px = (sx.max(sy) * 1.05).max(1e-3);
        self.fitted = true;
    }

    fn to_screen(&self, screen: Rect, p: [f64; 2]) -> Pos2 {
        let c = screen.center();
        Pos2::new(
            c.x + ((p[0] - self.centre_bng[0]) / self.metres_per_px) as f32,
            c.y - ((p[1] - self.centre_bng[1]) / self.metres_per_px) as f32,
        )
    }

    fn to_bng(&self, screen: Rect, p: Pos2) -> [f64; 2] {
        let c = screen.center();
        [
            self.centre_bng[0] + f64::from(p.x - c.x) * self.metres_per_px,
            self.centre_bng[1] - f64::from(p.y - c.y) * self.metres_per_px,
        ]
    }

    /// Draws the map filling the available space; returns the index of the hovered area.
    pub fn show(&mut self, ui: &mut egui::Ui) -> Option<usize> {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click_and_drag());
        let screen = response.rect;
        if !self.fitted {
            self.fit(screen);
        }
        if response.dragged() {
            let d: Vec2 = response.drag_delta();
            self.centre_bng[0] -= f64::from(d.x) * self.metres_per_px;
            self.centre_bng[1] += f64::from(d.y) * self.metres_per_px;
        }
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if let Some(pointer) = response.hover_pos().filter(|_| scroll != 0.0) {
                {
                    let before = self.to_bng(screen, pointer);
                    self.metres_per_px *= f64::from((-scroll / 400.0).exp());
                    let after = self.to_bng(screen, pointer);
                    self.centre_bng[0] += before[0] - after[0];
                    self.centre_bng[1] += before[1] - after[1];
                }
            }
        }
        if response.double_clicked() {
            self.fit(screen);
        }
        let mesh = Mesh {
            vertices: self
                .vertices_bng
                .iter()
                .map(|(p, color)| Vertex {
                    pos: self.to_screen(screen, *p),
                    uv: egui::epaint::WHITE_UV,
                    color: *color,
                })
                .collect(),
            indices: self.indices.clone(),
            ..Default::default()
        };
        painter.add(Shape::mesh(mesh));
        let outline = Stroke::new(0.4, Color32::from_gray(90));
        for a in &self.areas {
            for poly in &a.geometry_bng.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    let pts: Vec<Pos2> = ring
                        .0
                        .iter()
                        .map(|c| self.to_screen(screen, [c.x, c.y]))
                        .collect();
                    painter.add(Shape::line(pts, outline));
                }
            }
        }
        let pointer = response.hover_pos()?;
        let p = self.to_bng(screen, pointer);
        let pt = Point::new(p[0], p[1]);
        self.bboxes
            .iter()
            .zip(&self.areas)
            .position(|(b, a)| b.contains(&pt) && a.geometry_bng.contains(&pt))
    }
}
