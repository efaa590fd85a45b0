//! A polygon layer prepared once for the screen: every area reprojected from British National
//! Grid to Web Mercator (the projection of the slippy map and its tiles), triangulated with
//! earcut (so holes and concave shapes fill correctly; epaint's own path fill is convex-only)
//! and kept in f32 offsets from a local origin. A frame then only maps the cached vertices
//! through one affine transform (Mercator is linear in its own units), skipping areas off
//! screen; recolouring reuses the triangles. Outlines are decimated in screen space (points
//! closer than a pixel are dropped) and left out for areas too small to see them.

use crate::data::crs::{Crs, Transformer};
use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, Rect, Stroke, Vec2};
use geo::{Contains, Coord, MultiPolygon, Point, TriangulateEarcut};
use rayon::prelude::*;

/// Web Mercator in unit square coordinates (x east 0…1 from −180°, y south 0…1 from the north
/// edge), the zoom-0 tile space walkers and every tile server use.
///
/// ```
/// # #[cfg(feature = "gui")] {
/// use local_atlas::ui::map_layer::{mercator_unit, lonlat_from_unit};
/// let [x, y] = mercator_unit(0.0, 0.0);
/// assert!((x - 0.5).abs() < 1e-12 && (y - 0.5).abs() < 1e-12);
/// let (lon, lat) = lonlat_from_unit(mercator_unit(-2.24, 53.48));
/// assert!((lon + 2.24).abs() < 1e-9 && (lat - 53.48).abs() < 1e-9);
/// # }
/// ```
pub fn mercator_unit(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    [
        (lon + 180.0) / 360.0,
        (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0,
    ]
}

/// Longitude and latitude (degrees) of a Mercator unit point.
pub fn lonlat_from_unit(p: [f64; 2]) -> (f64, f64) {
    let lon = p[0] * 360.0 - 180.0;
    let lat = ((1.0 - 2.0 * p[1]) * std::f64::consts::PI).sinh().atan();
    (lon, lat.to_degrees())
}

/// Screen position = `offset + scale · local` (per axis), for local Mercator offsets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenTransform {
    pub scale: Vec2,
    pub offset: Vec2,
}

impl ScreenTransform {
    pub fn apply(&self, p: [f32; 2]) -> Pos2 {
        Pos2::new(
            self.offset.x + self.scale.x * p[0],
            self.offset.y + self.scale.y * p[1],
        )
    }
    pub fn invert(&self, s: Pos2) -> [f32; 2] {
        [
            (s.x - self.offset.x) / self.scale.x,
            (s.y - self.offset.y) / self.scale.y,
        ]
    }
}

/// Local Mercator coordinates are stored multiplied by this, so f32 keeps sub-pixel precision
/// at street zoom (2²⁰ units ≈ 38 m at the equator per unit).
pub const LOCAL_SCALE: f64 = 1_048_576.0;

/// One area's slices of the cached buffers.
#[derive(Debug, Clone)]
struct AreaSpan {
    vertices: std::ops::Range<u32>,
    indices: std::ops::Range<usize>,
    rings: std::ops::Range<usize>,
    /// min x, min y, max x, max y in local units.
    bbox: [f32; 4],
}

/// A triangulated polygon layer in local Mercator units.
pub struct MapLayer {
    /// Mercator unit coordinates of the local origin.
    pub origin: [f64; 2],
    vertices: Vec<[f32; 2]>,
    indices: Vec<u32>,
    /// Each ring's points (closed: the last equals the first).
    rings: Vec<Vec<[f32; 2]>>,
    spans: Vec<AreaSpan>,
    /// The areas in local units, for hit tests.
    shapes: Vec<MultiPolygon<f32>>,
    /// Whole-layer bbox in local units.
    pub bbox: [f32; 4],
}

fn project_area(t: &Transformer, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| {
        let (lon, lat) = t.point(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
        let [x, y] = mercator_unit(lon, lat);
        Coord { x, y }
    })
}

impl MapLayer {
    /// Prepares `areas_bng` (in area order). Reprojection runs on all cores.
    pub fn new(areas_bng: &[&MultiPolygon<f64>]) -> Self {
        let merc: Vec<MultiPolygon<f64>> = areas_bng
            .par_chunks(256)
            .flat_map_iter(|chunk| {
                let t = Transformer::new(Crs::Bng, Crs::Wgs84).ok();
                chunk
                    .iter()
                    .map(|mp| match &t {
                        Some(t) => project_area(t, mp),
                        None => MultiPolygon(Vec::new()),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let origin = merc
            .iter()
            .flat_map(|mp| mp.0.iter())
            .flat_map(|p| p.exterior().0.first())
            .find(|c| c.x.is_finite() && c.y.is_finite())
            .map_or([0.5, 0.5], |c| [c.x, c.y]);
        let local = |c: &Coord<f64>| {
            [
                ((c.x - origin[0]) * LOCAL_SCALE) as f32,
                ((c.y - origin[1]) * LOCAL_SCALE) as f32,
            ]
        };
        let mut layer = MapLayer {
            origin,
            vertices: Vec::new(),
            indices: Vec::new(),
            rings: Vec::new(),
            spans: Vec::with_capacity(merc.len()),
            shapes: Vec::with_capacity(merc.len()),
            bbox: [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        };
        for mp in &merc {
            let v0 = layer.vertices.len() as u32;
            let i0 = layer.indices.len();
            let r0 = layer.rings.len();
            let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
            for poly in &mp.0 {
                let tri = poly.earcut_triangles_raw();
                let base = layer.vertices.len() as u32;
                layer.vertices.extend(
                    tri.vertices
                        .iter()
                        .map(|[x, y]| local(&Coord { x: *x, y: *y })),
                );
                layer
                    .indices
                    .extend(tri.triangle_indices.iter().map(|i| base + *i as u32));
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    let pts: Vec<[f32; 2]> = ring.0.iter().map(local).collect();
                    for p in &pts {
                        bbox = [
                            bbox[0].min(p[0]),
                            bbox[1].min(p[1]),
                            bbox[2].max(p[0]),
                            bbox[3].max(p[1]),
                        ];
                    }
                    layer.rings.push(pts);
                }
            }
            layer.bbox = [
                layer.bbox[0].min(bbox[0]),
                layer.bbox[1].min(bbox[1]),
                layer.bbox[2].max(bbox[2]),
                layer.bbox[3].max(bbox[3]),
            ];
            layer.spans.push(AreaSpan {
                vertices: v0..layer.vertices.len() as u32,
                indices: i0..layer.indices.len(),
                rings: r0..layer.rings.len(),
                bbox,
            });
            use geo::MapCoords;
            layer.shapes.push(mp.map_coords(|c| {
                let [x, y] = local(&c);
                Coord { x, y }
            }));
        }
        layer
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Number of cached triangle vertices (for the frame benchmark's report).
    pub fn vertex_count(&self) -> usize {
        self.vertices.len()
    }

    /// The bbox of area `i` in local units.
    pub fn area_bbox(&self, i: usize) -> Option<[f32; 4]> {
        self.spans.get(i).map(|s| s.bbox)
    }

    /// Mercator unit coordinates of a local point.
    pub fn unit_of(&self, p: [f32; 2]) -> [f64; 2] {
        [
            self.origin[0] + f64::from(p[0]) / LOCAL_SCALE,
            self.origin[1] + f64::from(p[1]) / LOCAL_SCALE,
        ]
    }

    fn visible(bbox: &[f32; 4], t: &ScreenTransform, screen: Rect) -> bool {
        let a = t.apply([bbox[0], bbox[1]]);
        let b = t.apply([bbox[2], bbox[3]]);
        let r = Rect::from_two_pos(a, b);
        r.intersects(screen)
    }

    /// The filled areas as one mesh; `fill(i)` colours area i (transparent areas are skipped).
    pub fn fill_mesh(
        &self,
        t: &ScreenTransform,
        screen: Rect,
        fill: impl Fn(usize) -> Color32 + Sync,
    ) -> Mesh {
        let parts: Vec<(Vec<Vertex>, Vec<u32>)> = self
            .spans
            .par_chunks(512)
            .enumerate()
            .map(|(chunk, spans)| {
                let mut vertices = Vec::new();
                let mut indices = Vec::new();
                for (k, span) in spans.iter().enumerate() {
                    let colour = fill(chunk * 512 + k);
                    if colour == Color32::TRANSPARENT || !Self::visible(&span.bbox, t, screen) {
                        continue;
                    }
                    let base = vertices.len() as u32;
                    let v = span.vertices.start as usize..span.vertices.end as usize;
                    vertices.extend(self.vertices.get(v).unwrap_or(&[]).iter().map(|p| Vertex {
                        pos: t.apply(*p),
                        uv: WHITE_UV,
                        color: colour,
                    }));
                    let shift = span.vertices.start;
                    indices.extend(
                        self.indices
                            .get(span.indices.clone())
                            .unwrap_or(&[])
                            .iter()
                            .map(|i| i - shift + base),
                    );
                }
                (vertices, indices)
            })
            .collect();
        let mut mesh = Mesh::default();
        let total: usize = parts.iter().map(|p| p.0.len()).sum();
        mesh.vertices.reserve(total);
        for (vertices, indices) in parts {
            let base = mesh.vertices.len() as u32;
            mesh.vertices.extend(vertices);
            mesh.indices.extend(indices.into_iter().map(|i| i + base));
        }
        mesh
    }

    /// Outlines of the areas for which `stroke(i)` is `Some`, as one mesh of thin quads (points
    /// closer than `min_step_px` to the last kept one are dropped; areas smaller than
    /// `min_size_px` are left out).
    pub fn outline_mesh(
        &self,
        t: &ScreenTransform,
        screen: Rect,
        min_size_px: f32,
        stroke: impl Fn(usize) -> Option<Stroke> + Sync,
    ) -> Mesh {
        let parts: Vec<Mesh> = self
            .spans
            .par_chunks(512)
            .enumerate()
            .map(|(chunk, spans)| {
                let mut mesh = Mesh::default();
                for (k, span) in spans.iter().enumerate() {
                    let Some(s) = stroke(chunk * 512 + k) else {
                        continue;
                    };
                    let size = (span.bbox[2] - span.bbox[0]) * t.scale.x.abs();
                    if size < min_size_px || !Self::visible(&span.bbox, t, screen) {
                        continue;
                    }
                    for ring in self.rings.get(span.rings.clone()).unwrap_or(&[]) {
                        ring_quads(&mut mesh, ring, t, s);
                    }
                }
                mesh
            })
            .collect();
        let mut mesh = Mesh::default();
        for p in parts {
            mesh.append(p);
        }
        mesh
    }

    /// The area under a screen point.
    pub fn hit(&self, t: &ScreenTransform, pos: Pos2) -> Option<usize> {
        let [x, y] = t.invert(pos);
        let pt = Point::new(x, y);
        self.spans.iter().zip(&self.shapes).position(|(s, shape)| {
            x >= s.bbox[0]
                && x <= s.bbox[2]
                && y >= s.bbox[1]
                && y <= s.bbox[3]
                && shape.contains(&pt)
        })
    }

    /// Areas whose interior point (bbox centre of the largest part is close enough for
    /// selection) falls inside `contains` (a screen-space test).
    pub fn select_where(&self, t: &ScreenTransform, contains: impl Fn(Pos2) -> bool) -> Vec<usize> {
        self.spans
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let c = t.apply([(s.bbox[0] + s.bbox[2]) / 2.0, (s.bbox[1] + s.bbox[3]) / 2.0]);
                contains(c)
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// Appends a polyline as thin quads (no feathering: crisp hairlines cost four vertices a
/// segment), skipping points less than 0.75 px from the previous kept one.
fn ring_quads(mesh: &mut Mesh, ring: &[[f32; 2]], t: &ScreenTransform, stroke: Stroke) {
    let half = stroke.width / 2.0;
    let mut last: Option<Pos2> = None;
    for p in ring {
        let s = t.apply(*p);
        let Some(a) = last else {
            last = Some(s);
            continue;
        };
        let d = s - a;
        let len = d.length();
        if len < 0.75 {
            continue;
        }
        let n = Vec2::new(-d.y, d.x) / len * half;
        let base = mesh.vertices.len() as u32;
        for q in [a + n, a - n, s - n, s + n] {
            mesh.vertices.push(Vertex {
                pos: q,
                uv: WHITE_UV,
                color: stroke.color,
            });
        }
        mesh.indices
            .extend([base, base + 1, base + 2, base, base + 2, base + 3]);
        last = Some(s);
    }
}
