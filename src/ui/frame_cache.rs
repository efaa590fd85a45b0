//! Reusing the map's meshes between frames. Building the meshes of a big layer is the main cost
//! of a frame, but while panning or zooming a little the new screen positions are an affine
//! function of the old ones (`new = r · old + b`, since Web Mercator to screen is affine), so a
//! frame can re-map the cached vertices instead of rebuilding them. The cache covers the screen
//! plus a margin on every side and is rebuilt when the view leaves it, when the zoom has changed
//! by more than a quarter (outline widths and the level of detail would drift), or when the
//! colours or the selection change. An unchanged view reuses the meshes as they are.

use super::map_layer::{MapLayer, ScreenTransform};
use egui::epaint::Mesh;
use egui::{Color32, Rect, Stroke, Vec2};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How far beyond the screen the cached meshes reach, as a share of its size on each side.
const MARGIN: f32 = 0.25;
/// Zoom ratios within which cached meshes are re-mapped rather than rebuilt.
const RATIO: std::ops::RangeInclusive<f32> = 0.8..=1.25;
/// Outline colour of the "most deprived X%" overlay on screen (the export hatches them).
pub const OVERLAY: Color32 = Color32::from_rgb(90, 10, 110);
/// Areas smaller than this (in pixels) get no outline.
const MIN_OUTLINE_PX: f32 = 10.0;

#[derive(Default)]
pub struct FrameCache {
    built: Option<Built>,
}

struct Built {
    t: ScreenTransform,
    screen: Rect,
    /// Region (in build-time screen coordinates) the meshes hold every area of.
    covered: Rect,
    fills: Vec<Color32>,
    selected: BTreeSet<usize>,
    overlay: Vec<bool>,
    /// Meshes in build-time screen coordinates.
    fill: Arc<Mesh>,
    edges: Arc<Mesh>,
    chosen: Arc<Mesh>,
    /// The same, as last drawn (re-mapped), and the transform they were drawn with.
    drawn: (ScreenTransform, Arc<Mesh>, Arc<Mesh>, Arc<Mesh>),
}

/// `built` re-mapped by `pos · r + b`. Written in place into `drawn` when egui has let go of it
/// (it keeps its clone only until the frame is tessellated), so a steady pan or zoom allocates
/// nothing and copies no indices.
fn remap(built: &Mesh, drawn: &mut Arc<Mesh>, r: f32, b: Vec2) -> Arc<Mesh> {
    let map = |v: &egui::epaint::Vertex| {
        let mut v = *v;
        v.pos = egui::pos2(v.pos.x * r + b.x, v.pos.y * r + b.y);
        v
    };
    match Arc::get_mut(drawn) {
        Some(out) if out.vertices.len() == built.vertices.len() => {
            for (o, v) in out.vertices.iter_mut().zip(&built.vertices) {
                *o = map(v);
            }
        }
        _ => {
            *drawn = Arc::new(Mesh {
                indices: built.indices.clone(),
                vertices: built.vertices.iter().map(map).collect(),
                texture_id: built.texture_id,
            });
        }
    }
    drawn.clone()
}

impl FrameCache {
    /// The fill, outline and selection meshes for transform `t`.
    pub fn meshes(
        &mut self,
        layer: &MapLayer,
        t: &ScreenTransform,
        screen: Rect,
        fills: &[Color32],
        selected: &BTreeSet<usize>,
        overlay: &[bool],
    ) -> (Arc<Mesh>, Arc<Mesh>, Arc<Mesh>) {
        if let Some(b) = &mut self.built
            && b.screen == screen
            && b.fills == fills
            && b.selected == *selected
            && b.overlay == overlay
        {
            if b.drawn.0 == *t {
                return (b.drawn.1.clone(), b.drawn.2.clone(), b.drawn.3.clone());
            }
            let r = t.scale.x / b.t.scale.x;
            let shift = t.offset - b.t.offset * r;
            // The current screen in build-time coordinates.
            let seen = Rect::from_two_pos(
                ((screen.min.to_vec2() - shift) / r).to_pos2(),
                ((screen.max.to_vec2() - shift) / r).to_pos2(),
            );
            if RATIO.contains(&r) && b.covered.contains_rect(seen) {
                let fill = remap(&b.fill, &mut b.drawn.1, r, shift);
                let edges = remap(&b.edges, &mut b.drawn.2, r, shift);
                let chosen = remap(&b.chosen, &mut b.drawn.3, r, shift);
                b.drawn.0 = *t;
                return (fill, edges, chosen);
            }
        }
        let covered = screen.expand2(screen.size() * MARGIN);
        let fill = Arc::new(layer.fill_mesh(t, covered, |i| {
            fills.get(i).copied().unwrap_or(Color32::TRANSPARENT)
        }));
        let edge = Stroke::new(0.5, Color32::from_gray(110));
        let edges = Arc::new(layer.outline_mesh(t, covered, MIN_OUTLINE_PX, |_| Some(edge)));
        let sel = Stroke::new(2.5, Color32::from_rgb(0, 200, 255));
        let over = Stroke::new(1.8, OVERLAY);
        let chosen = Arc::new(layer.outline_mesh(t, covered, 0.0, |i| {
            if selected.contains(&i) {
                Some(sel)
            } else if overlay.get(i).copied().unwrap_or(false) {
                Some(over)
            } else {
                None
            }
        }));
        self.built = Some(Built {
            t: *t,
            screen,
            covered,
            fills: fills.to_vec(),
            selected: selected.clone(),
            overlay: overlay.to_vec(),
            fill: fill.clone(),
            edges: edges.clone(),
            chosen: chosen.clone(),
            // Shared at first: the first re-map finds them shared and allocates its own copy,
            // which later re-maps then overwrite in place.
            drawn: (*t, fill.clone(), edges.clone(), chosen.clone()),
        });
        (fill, edges, chosen)
    }
}
