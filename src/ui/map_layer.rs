//! A polygon layer prepared once for the screen: every area reprojected from British National
//! Grid to Web Mercator (the projection of the slippy map and its tiles), triangulated with
//! earcut (so holes and concave shapes fill correctly; epaint's own path fill is convex-only)
//! and kept in f32 offsets from a local origin. A frame then only maps the cached vertices
//! through one affine transform (Mercator is linear in its own units), skipping areas off
//! screen; recolouring reuses the triangles. Outlines are decimated in screen space (points
//! closer than a pixel are dropped) and left out for areas too small to see them.

use crate::ops::coords::LonLatOfBng;
use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2, Rect, Stroke, Vec2};
use geo::{
    BoundingRect, Contains, Coord, LineString, MapCoords, MultiPolygon, Point, Polygon, Simplify,
    TriangulateEarcut,
};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

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

/// One area's slices of a level's buffers.
#[derive(Debug, Clone)]
struct AreaSpan {
    vertices: std::ops::Range<u32>,
    /// Indices are relative to the area's first vertex.
    indices: std::ops::Range<usize>,
    rings: std::ops::Range<usize>,
}

/// Every area's triangles and rings at one level of detail: rings simplified (Ramer–Douglas–
/// Peucker) to its tolerance (`Lods::tolerances`) in local units, then triangulated. Level 0
/// is exact.
struct Lod {
    vertices: Vec<[f32; 2]>,
    indices: Vec<u32>,
    rings: Vec<Vec<[f32; 2]>>,
    spans: Vec<AreaSpan>,
}

/// Triangles (area-relative indices) and rings of one area.
type AreaMesh = (Vec<[f32; 2]>, Vec<u32>, Vec<Vec<[f32; 2]>>);

fn bbox_polygon(p: &Polygon<f64>) -> Option<Polygon<f64>> {
    let r = p.bounding_rect()?;
    Some(r.to_polygon())
}

/// One area simplified to `tolerance` and triangulated. A part that simplifies away keeps its
/// bounding box, so small areas never vanish at coarse zooms; holes that collapse are dropped.
fn area_mesh(mp: &MultiPolygon<f64>, tolerance: f64) -> AreaMesh {
    let mut vertices = Vec::new();
    let mut indices = Vec::new();
    let mut rings = Vec::new();
    for poly in &mp.0 {
        let poly = if tolerance > 0.0 {
            let s = poly.simplify(tolerance);
            if s.exterior().0.len() < 4 {
                match bbox_polygon(poly) {
                    Some(b) => b,
                    None => continue,
                }
            } else {
                let holes: Vec<LineString<f64>> = s
                    .interiors()
                    .iter()
                    .filter(|r| r.0.len() >= 4)
                    .cloned()
                    .collect();
                Polygon::new(s.exterior().clone(), holes)
            }
        } else {
            poly.clone()
        };
        let tri = poly.earcut_triangles_raw();
        let base = vertices.len() as u32;
        vertices.extend(tri.vertices.iter().map(|[x, y]| [*x as f32, *y as f32]));
        indices.extend(tri.triangle_indices.iter().map(|i| base + *i as u32));
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            rings.push(ring.0.iter().map(|c| [c.x as f32, c.y as f32]).collect());
        }
    }
    (vertices, indices, rings)
}

impl Lod {
    fn build(areas: &[MultiPolygon<f64>], tolerance: f64) -> Self {
        let meshes: Vec<AreaMesh> = areas
            .par_iter()
            .map(|mp| area_mesh(mp, tolerance))
            .collect();
        // Sized once: growing these by doubling copied and faulted in up to twice the memory.
        let (nv, ni, nr) = meshes.iter().fold((0, 0, 0), |(a, b, c), (v, i, r)| {
            (a + v.len(), b + i.len(), c + r.len())
        });
        let mut lod = Lod {
            vertices: Vec::with_capacity(nv),
            indices: Vec::with_capacity(ni),
            rings: Vec::with_capacity(nr),
            spans: Vec::with_capacity(meshes.len()),
        };
        for (v, i, r) in meshes {
            let span = AreaSpan {
                vertices: lod.vertices.len() as u32..(lod.vertices.len() + v.len()) as u32,
                indices: lod.indices.len()..lod.indices.len() + i.len(),
                rings: lod.rings.len()..lod.rings.len() + r.len(),
            };
            lod.vertices.extend(v);
            lod.indices.extend(i);
            lod.rings.extend(r);
            lod.spans.push(span);
        }
        lod
    }
}

/// The levels of detail of a layer, each triangulated when first wanted: the first frame needs
/// only the level the whole layer is seen at, so the layer is ready once its areas are
/// reprojected; a background thread then builds the others, coarsest first (a level asked for
/// while it is being built is waited for, never built twice).
struct Lods {
    /// The areas in local units (what every level is simplified and triangulated from).
    local: Vec<MultiPolygon<f64>>,
    /// Finest (0, exact) first; each coarser level doubles the tolerance.
    tolerances: Vec<f64>,
    built: Vec<OnceLock<Lod>>,
    /// Set when the layer is dropped: the background thread stops between levels.
    dropped: AtomicBool,
}

impl Lods {
    fn get(&self, k: usize) -> Option<&Lod> {
        let tolerance = *self.tolerances.get(k)?;
        let cell = self.built.get(k)?;
        Some(cell.get_or_init(|| Lod::build(&self.local, tolerance)))
    }

    /// Builds every level not built yet, coarsest first, unless the layer is dropped.
    fn build_rest(&self) {
        for k in (0..self.tolerances.len()).rev() {
            if self.dropped.load(Ordering::Relaxed) {
                return;
            }
            self.get(k);
        }
    }
}

impl Drop for MapLayer {
    fn drop(&mut self) {
        self.lods.dropped.store(true, Ordering::Relaxed);
    }
}

/// A triangulated polygon layer in local Mercator units, at several levels of detail.
pub struct MapLayer {
    /// Mercator unit coordinates of the local origin.
    pub origin: [f64; 2],
    lods: Arc<Lods>,
    /// Each area's min x, min y, max x, max y in local units.
    bboxes: Vec<[f32; 4]>,
    /// The areas in local units, for hit tests.
    shapes: Vec<MultiPolygon<f32>>,
    /// Whole-layer bbox in local units.
    pub bbox: [f32; 4],
}

fn project_area(t: &LonLatOfBng, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    mp.map_coords(|c| {
        let (lon, lat) = t.point(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
        let [x, y] = mercator_unit(lon, lat);
        Coord { x, y }
    })
}

/// Number of coarser levels above the exact one; each doubles the tolerance.
const COARSER_LEVELS: i32 = 8;

impl MapLayer {
    /// Prepares `areas_bng` (in area order). Reprojection and triangulation run on all cores.
    pub fn new(areas_bng: &[&MultiPolygon<f64>]) -> Self {
        let merc: Vec<MultiPolygon<f64>> = areas_bng
            .par_chunks(256)
            .flat_map_iter(|chunk| {
                let t = LonLatOfBng::new().ok();
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
        let local: Vec<MultiPolygon<f64>> = merc
            .par_iter()
            .map(|mp| {
                mp.map_coords(|c| Coord {
                    x: (c.x - origin[0]) * LOCAL_SCALE,
                    y: (c.y - origin[1]) * LOCAL_SCALE,
                })
            })
            .collect();
        let bboxes: Vec<[f32; 4]> = local
            .iter()
            .map(|mp| {
                mp.bounding_rect().map_or([0.0; 4], |r| {
                    [
                        r.min().x as f32,
                        r.min().y as f32,
                        r.max().x as f32,
                        r.max().y as f32,
                    ]
                })
            })
            .collect();
        let bbox = bboxes
            .iter()
            .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            });
        let extent = f64::from((bbox[2] - bbox[0]).max(bbox[3] - bbox[1]).max(1e-6));
        let base = extent / 8192.0;
        let tolerances: Vec<f64> = std::iter::once(0.0)
            .chain((0..COARSER_LEVELS).map(|k| base * 2f64.powi(k)))
            .collect();
        let shapes = local
            .iter()
            .map(|mp| {
                mp.map_coords(|c| Coord {
                    x: c.x as f32,
                    y: c.y as f32,
                })
            })
            .collect();
        let lods = Arc::new(Lods {
            local,
            built: tolerances.iter().map(|_| OnceLock::new()).collect(),
            tolerances,
            dropped: AtomicBool::new(false),
        });
        let rest = Arc::clone(&lods);
        // Without a thread (none left) every level is still built when first wanted.
        let _ = std::thread::Builder::new()
            .name("map-levels".into())
            .spawn(move || rest.build_rest());
        MapLayer {
            origin,
            lods,
            bboxes,
            shapes,
            bbox,
        }
    }

    /// Number of cached triangle vertices at the exact level (for the benchmark's report).
    /// Number of areas.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Builds (or waits for) every level of detail: what the background thread does; the
    /// frame benchmarks call it so that they time the steady state.
    pub fn finish_levels(&self) {
        for k in 0..self.lods.tolerances.len() {
            self.lods.get(k);
        }
    }

    pub fn vertex_count(&self) -> usize {
        self.lods.get(0).map_or(0, |l| l.vertices.len())
    }

    /// The coarsest level whose simplification stays under half a pixel at this scale.
    fn lod_for(&self, t: &ScreenTransform) -> Option<&Lod> {
        let px_per_unit = t.scale.x.abs().max(1e-12);
        let allowed = 0.5 / px_per_unit;
        let k = self
            .lods
            .tolerances
            .iter()
            .rposition(|&tol| tol as f32 <= allowed)
            .unwrap_or(0);
        self.lods.get(k)
    }

    /// The bbox of area `i` in local units.
    pub fn area_bbox(&self, i: usize) -> Option<[f32; 4]> {
        self.bboxes.get(i).copied()
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
        let Some(lod) = self.lod_for(t) else {
            return Mesh::default();
        };
        let parts: Vec<(Vec<Vertex>, Vec<u32>)> = lod
            .spans
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk, spans)| {
                let mut vertices = Vec::new();
                let mut indices = Vec::new();
                for (k, span) in spans.iter().enumerate() {
                    let area = chunk * CHUNK + k;
                    let colour = fill(area);
                    let shown = self
                        .bboxes
                        .get(area)
                        .is_some_and(|b| Self::visible(b, t, screen));
                    if colour == Color32::TRANSPARENT || !shown {
                        continue;
                    }
                    let base = vertices.len() as u32;
                    let v = span.vertices.start as usize..span.vertices.end as usize;
                    vertices.extend(lod.vertices.get(v).unwrap_or(&[]).iter().map(|p| Vertex {
                        pos: t.apply(*p),
                        uv: WHITE_UV,
                        color: colour,
                    }));
                    indices.extend(
                        lod.indices
                            .get(span.indices.clone())
                            .unwrap_or(&[])
                            .iter()
                            .map(|i| i + base),
                    );
                }
                (vertices, indices)
            })
            .collect();
        let mut mesh = Mesh::default();
        let total: usize = parts.iter().map(|p| p.0.len()).sum();
        let total_indices: usize = parts.iter().map(|p| p.1.len()).sum();
        mesh.vertices.reserve(total);
        mesh.indices.reserve(total_indices);
        for (vertices, indices) in parts {
            let base = mesh.vertices.len() as u32;
            mesh.vertices.extend(vertices);
            mesh.indices.extend(indices.into_iter().map(|i| i + base));
        }
        mesh
    }

    /// Outlines of the areas for which `stroke(i)` is `Some`, as one mesh of thin quads (points
    /// closer than 0.75 px to the last kept one are dropped; areas smaller than `min_size_px`
    /// are left out).
    pub fn outline_mesh(
        &self,
        t: &ScreenTransform,
        screen: Rect,
        min_size_px: f32,
        stroke: impl Fn(usize) -> Option<Stroke> + Sync,
    ) -> Mesh {
        let Some(lod) = self.lod_for(t) else {
            return Mesh::default();
        };
        let parts: Vec<Mesh> = lod
            .spans
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(chunk, spans)| {
                let mut mesh = Mesh::default();
                for (k, span) in spans.iter().enumerate() {
                    let area = chunk * CHUNK + k;
                    let (Some(s), Some(b)) = (stroke(area), self.bboxes.get(area)) else {
                        continue;
                    };
                    let size = (b[2] - b[0]) * t.scale.x.abs();
                    if size < min_size_px || !Self::visible(b, t, screen) {
                        continue;
                    }
                    for ring in lod.rings.get(span.rings.clone()).unwrap_or(&[]) {
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
        self.bboxes.iter().zip(&self.shapes).position(|(b, shape)| {
            x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && shape.contains(&pt)
        })
    }

    /// Areas whose bbox centre falls inside `contains` (a screen-space test), for box and
    /// lasso selection.
    pub fn select_where(&self, t: &ScreenTransform, contains: impl Fn(Pos2) -> bool) -> Vec<usize> {
        self.bboxes
            .iter()
            .enumerate()
            .filter(|(_, b)| contains(t.apply([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0])))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Areas per parallel work item when building a frame's meshes.
const CHUNK: usize = 512;

/// Appends a polyline as a strip of thin quads sharing their end vertices (no feathering:
/// crisp hairlines cost two vertices a point), skipping points less than 0.75 px from the
/// previous kept one.
fn ring_quads(mesh: &mut Mesh, ring: &[[f32; 2]], t: &ScreenTransform, stroke: Stroke) {
    let half = stroke.width / 2.0;
    let vertex = |pos: Pos2| Vertex {
        pos,
        uv: WHITE_UV,
        color: stroke.color,
    };
    // The last kept point and the index of its first vertex (None until it has been emitted).
    let mut last: Option<(Pos2, Option<u32>)> = None;
    for p in ring {
        let s = t.apply(*p);
        let Some((a, a_base)) = last else {
            last = Some((s, None));
            continue;
        };
        let d = s - a;
        let len = d.length();
        if len < 0.75 {
            continue;
        }
        let n = Vec2::new(-d.y, d.x) / len * half;
        let a_base = a_base.unwrap_or_else(|| {
            let base = mesh.vertices.len() as u32;
            mesh.vertices.extend([vertex(a + n), vertex(a - n)]);
            base
        });
        let s_base = mesh.vertices.len() as u32;
        mesh.vertices.extend([vertex(s + n), vertex(s - n)]);
        mesh.indices
            .extend([a_base, a_base + 1, s_base + 1, a_base, s_base + 1, s_base]);
        last = Some((s, Some(s_base)));
    }
}
