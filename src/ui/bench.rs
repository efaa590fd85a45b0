//! Frame-time benchmark of the map view (`local-atlas bench --frames`): GM, London and the
//! synthetic 35k tessellation drawn in a headless egui context at 1280×800 while panning and
//! zooming. A frame's time is the app's CPU work for it: running the UI (walkers, the map
//! plugin building meshes from the cached triangles) plus egui's tessellation into GPU-ready
//! primitives; GPU upload and rasterisation are not included (they depend on the graphics
//! card; on this machine there is none).
//!
//! It also times what a palette or classification click costs before the user sees it: the
//! recipe changes, `ops::map::explore_cached` re-reads the values and re-colours the areas (the
//! geometry stays decoded in the cache), and the next map frame is drawn with the new fills.
//!
//! For `bench --national`, [`national_frames`] opens a workspace as the app does and times
//! it to the first frame of the whole window, then pans and zooms the layer the app prepared.

use super::app::AtlasApp;
use super::map_layer::MapLayer;
use super::map_view::MapView;
use crate::error::Result;
use crate::feedback::Feedback;
use crate::ops::bench_national_report::AppFrames;
use crate::ops::classify::{ClassifyOptions, Method, classify_values};
use crate::render::symbology::palette;
use egui::Color32;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

/// One dataset's frame times.
#[derive(Debug, Clone, Serialize)]
pub struct FrameResult {
    pub dataset: String,
    pub areas: usize,
    pub triangle_vertices: usize,
    /// Reprojection and the coarse level of detail the first frame draws, once per layer (the
    /// other levels are built in the background; frames are timed once they are).
    pub prepare_ms: f64,
    pub pan_median_ms: f64,
    pub pan_p95_ms: f64,
    pub zoom_median_ms: f64,
    pub zoom_p95_ms: f64,
    /// Mean vertices drawn per frame (after culling and level of detail).
    pub pan_vertices: usize,
    pub zoom_vertices: usize,
    /// Slippy-map zoom level at the start of the pan (the whole layer in view).
    pub pan_zoom_level: f64,
    pub target_ms: f64,
    /// Palette change → next frame drawn (recipe edit, `explore_cached`, fills, one frame).
    pub palette_median_ms: f64,
    pub palette_p95_ms: f64,
    /// Classification change (method and classes) → next frame drawn.
    pub classify_median_ms: f64,
    pub classify_p95_ms: f64,
    /// Of a palette change, the median of `explore_cached` alone (the rest is the frame).
    pub palette_explore_median_ms: f64,
    /// Number of timed changes of each kind.
    pub changes: usize,
    /// The first explore, with an empty cache: reads and decodes every area.
    pub first_explore_ms: f64,
    /// Target for a change → next frame.
    pub change_target_ms: f64,
}

/// Medians and 95th percentiles of palette and classification changes → next frame.
struct ChangeTimes {
    palette: Vec<f64>,
    palette_explore: Vec<f64>,
    classify: Vec<f64>,
    first_explore_ms: f64,
}

/// Palettes cycled through by the palette changes.
const PALETTES: [&str; 6] = ["Blues", "YlOrRd", "Greens", "Purples", "RdPu", "YlGnBu"];
/// (method, classes) cycled through by the classification changes.
const CLASSIFICATIONS: [(Method, usize); 5] = [
    (Method::Quantile, 5),
    (Method::Equal, 6),
    (Method::Jenks, 5),
    (Method::Quantile, 7),
    (Method::Jenks, 4),
];

/// Times `changes` palette changes and `changes` classification changes of the choropleth of
/// indicator `value` over geography `areas` in the workspace at `ws_path`, each until the
/// next frame is drawn, as the app does it: edit the recipe, `explore_cached`, new fills,
/// one frame of the map view.
fn change_times(ws_path: &Path, changes: usize) -> Result<ChangeTimes> {
    use crate::ops::map::explore::{Explore, explore_cached};
    use crate::ops::map::recipe::{self, Overrides};
    use crate::render::input::Features;
    use crate::render::spec::{LayerSpec, MapSpec};
    let ws = crate::ops::Workspace::open(ws_path)?;
    let mut spec = MapSpec::default();
    recipe::apply(
        &ws,
        &mut spec,
        &Overrides {
            geography: Some("areas".into()),
            indicator: Some("value".into()),
            ..Default::default()
        },
    )?;
    let mut cache = crate::ops::map::AreaCache::new();
    let t = Instant::now();
    let first = explore_cached(&ws, &spec, &mut cache)?;
    let first_explore_ms = t.elapsed().as_secs_f64() * 1000.0;
    let polygons = |ex: &Explore| match ex.input.layers.get(ex.layer_index).map(|l| &l.features) {
        Some(Features::Polygons(f)) => f.iter().map(|a| super::app::fill32(&a.fill)).collect(),
        _ => Vec::new(),
    };
    let layer = match first
        .input
        .layers
        .get(first.layer_index)
        .map(|l| &l.features)
    {
        Some(Features::Polygons(f)) => {
            MapLayer::new(&f.iter().map(|a| &a.geometry_bng).collect::<Vec<_>>())
        }
        _ => {
            return Err(crate::Error::Invalid(
                "the benchmark map has no areas".into(),
            ));
        }
    };
    let ctx = egui::Context::default();
    let mut view = MapView::default();
    view.areas = Some(layer);
    run_frames(&ctx, &mut view, &polygons(&first), 3, |_, _| {});
    // (change → frame, explore alone) in milliseconds.
    let mut time_change = |spec: &MapSpec, view: &mut MapView| -> Result<(f64, f64)> {
        let t = Instant::now();
        let ex = explore_cached(&ws, spec, &mut cache)?;
        let explored = t.elapsed().as_secs_f64() * 1000.0;
        let fills = polygons(&ex);
        run_frames(&ctx, view, &fills, 1, |_, _| {});
        Ok((t.elapsed().as_secs_f64() * 1000.0, explored))
    };
    let mut palette = Vec::with_capacity(changes);
    let mut palette_explore = Vec::with_capacity(changes);
    for k in 0..changes {
        if let Some(LayerSpec::Choropleth { palette: p, .. }) = spec.layers.first_mut() {
            p.name = Some(PALETTES[k % PALETTES.len()].into());
        }
        let (total, explored) = time_change(&spec, &mut view)?;
        palette.push(total);
        palette_explore.push(explored);
    }
    let mut classify = Vec::with_capacity(changes);
    for k in 0..changes {
        if let Some(LayerSpec::Choropleth { classification, .. }) = spec.layers.first_mut() {
            let (method, classes) = CLASSIFICATIONS[k % CLASSIFICATIONS.len()];
            classification.method = method;
            classification.k = classes;
        }
        classify.push(time_change(&spec, &mut view)?.0);
    }
    if cache.decodes() != 1 {
        return Err(crate::Error::Invalid(format!(
            "the area cache decoded {} times; a change must not decode again",
            cache.decodes()
        )));
    }
    Ok(ChangeTimes {
        palette,
        palette_explore,
        classify,
        first_explore_ms,
    })
}

fn fills(values: &[f64]) -> Result<Vec<Color32>> {
    let opts = ClassifyOptions {
        method: Method::Jenks,
        k: 5,
        ..Default::default()
    };
    let plain: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
    let c = classify_values("benchmark values", &plain, &opts)?;
    let colours = palette::colours("YlOrRd", c.breaks.len(), false)?;
    Ok(c.classes
        .iter()
        .map(|k| {
            k.and_then(|k| colours.get(k))
                .map_or(Color32::GRAY, |c| Color32::from_rgb(c.r, c.g, c.b))
        })
        .collect())
}

fn percentile(ms: &mut [f64], q: f64) -> f64 {
    ms.sort_by(f64::total_cmp);
    let i = ((ms.len() as f64 - 1.0) * q).round() as usize;
    ms.get(i).copied().unwrap_or(f64::NAN)
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// Times `frames` frames of `step`-ed views; returns per-frame milliseconds.
fn run_frames(
    ctx: &egui::Context,
    view: &mut MapView,
    fills: &[Color32],
    frames: usize,
    mut step: impl FnMut(&mut MapView, usize),
) -> (Vec<f64>, usize) {
    let selected = BTreeSet::new();
    let mut ms = Vec::with_capacity(frames);
    let mut vertices = 0;
    for k in 0..frames {
        step(view, k);
        let t = Instant::now();
        let mut out = ctx.run_ui(input(), |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                view.show(ui, None, fills, &selected);
            });
        });
        // No GPU here: the texture (font atlas) updates are dropped on purpose.
        out.textures_delta.clear();
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        vertices += view.last_vertices;
    }
    (ms, vertices / frames.max(1))
}

/// Frame times of panning and zooming one layer.
struct PanZoom {
    pan: Vec<f64>,
    zoom: Vec<f64>,
    pan_vertices: usize,
    zoom_vertices: usize,
    pan_zoom_level: f64,
}

/// Pans (12 × 7 px a frame, turning every 20 frames) and zooms (0.08 levels a frame, in and
/// out) a map view of `layer` at 1280×800 for `frames` frames each, from the whole layer in
/// view, after 3 warm-up frames (fitting the view, building the font atlas).
fn pan_zoom(layer: MapLayer, colours: &[Color32], frames: usize) -> PanZoom {
    // The steady state: every level of detail built (the app builds them in the background
    // within a second or two of showing the layer).
    layer.finish_levels();
    let ctx = egui::Context::default();
    let mut view = MapView::default();
    view.areas = Some(layer);
    run_frames(&ctx, &mut view, colours, 3, |_, _| {});
    let pan_zoom_level = view.zoom();
    let (pan, pan_vertices) = run_frames(&ctx, &mut view, colours, frames, |v, k| {
        let dir = if (k / 20) % 2 == 0 { 1.0 } else { -1.0 };
        v.pan_by(egui::vec2(12.0 * dir, 7.0 * dir));
    });
    view.fit_next_frame();
    run_frames(&ctx, &mut view, colours, 1, |_, _| {});
    let (zoom, zoom_vertices) = run_frames(&ctx, &mut view, colours, frames, |v, k| {
        v.zoom_by(if (k / 20) % 2 == 0 { 0.08 } else { -0.08 });
    });
    PanZoom {
        pan,
        zoom,
        pan_vertices,
        zoom_vertices,
        pan_zoom_level,
    }
}

/// The desktop app on the workspace at `ws_path` (`bench --national`): the time from opening
/// the workspace as the app does (`AtlasApp::open`: catalogue, the default indicator explored,
/// the map layer reprojected and triangulated) to the first frame of the whole window
/// produced (UI run and tessellated, at 1280×800); then, on the layer the app prepared, the
/// pan and zoom frames of `bench --frames`.
pub fn national_frames(ws_path: &Path, frames: usize) -> Result<AppFrames> {
    let t = Instant::now();
    let mut app = AtlasApp::open(ws_path)?;
    let ctx = egui::Context::default();
    let mut out = ctx.run_ui(input(), |ui| app.frame_ui(ui));
    out.textures_delta.clear();
    std::hint::black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
    let open_to_first_frame_s = t.elapsed().as_secs_f64();
    let areas = app.map_areas();
    let layer = app.panels.map.map.areas.take().filter(|_| areas > 0);
    let Some(layer) = layer else {
        return Err(crate::Error::Invalid(format!(
            "{}: the app drew no areas on opening it",
            ws_path.display()
        )));
    };
    let colours = app.state.fills.clone();
    let mut pz = pan_zoom(layer, &colours, frames);
    Ok(AppFrames {
        open_to_first_frame_s,
        areas,
        frames,
        pan_median_ms: percentile(&mut pz.pan, 0.5),
        pan_p95_ms: percentile(&mut pz.pan, 0.95),
        zoom_median_ms: percentile(&mut pz.zoom, 0.5),
        zoom_p95_ms: percentile(&mut pz.zoom, 0.95),
    })
}

/// Runs the benchmark on the datasets of `ops::bench::bench_areas`.
pub fn frames(
    seeds: &Path,
    london: Option<&Path>,
    synthetic: bool,
    frames: usize,
    feedback: &dyn Feedback,
) -> Result<Vec<FrameResult>> {
    let dir = std::env::temp_dir().join(format!("local-atlas-bench-frames-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| crate::Error::io(&dir, e))?;
    let out = frames_in(&dir, seeds, london, synthetic, frames, feedback);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn frames_in(
    dir: &Path,
    seeds: &Path,
    london: Option<&Path>,
    synthetic: bool,
    frames: usize,
    feedback: &dyn Feedback,
) -> Result<Vec<FrameResult>> {
    let mut out = Vec::new();
    for (name, polygons, values) in crate::ops::bench::bench_areas(seeds, london, synthetic)? {
        feedback.stage(&format!("{name}: frames"));
        let t = Instant::now();
        let refs: Vec<_> = polygons.iter().collect();
        let layer = MapLayer::new(&refs);
        let prepare_ms = t.elapsed().as_secs_f64() * 1000.0;
        let vertices = layer.vertex_count();
        let colours = fills(&values)?;
        let mut pz = pan_zoom(layer, &colours, frames);
        feedback.stage(&format!("{name}: palette changes"));
        let ws_path = crate::ops::bench_map::workspace_of_areas(dir, &name, &polygons, &values)?;
        let changes = (frames / 4).max(10);
        let mut times = change_times(&ws_path, changes)?;
        out.push(FrameResult {
            dataset: name,
            areas: polygons.len(),
            triangle_vertices: vertices,
            prepare_ms,
            pan_median_ms: percentile(&mut pz.pan, 0.5),
            pan_p95_ms: percentile(&mut pz.pan, 0.95),
            zoom_median_ms: percentile(&mut pz.zoom, 0.5),
            zoom_p95_ms: percentile(&mut pz.zoom, 0.95),
            pan_vertices: pz.pan_vertices,
            zoom_vertices: pz.zoom_vertices,
            pan_zoom_level: pz.pan_zoom_level,
            target_ms: 16.0,
            palette_median_ms: percentile(&mut times.palette, 0.5),
            palette_p95_ms: percentile(&mut times.palette, 0.95),
            classify_median_ms: percentile(&mut times.classify, 0.5),
            classify_p95_ms: percentile(&mut times.classify, 0.95),
            palette_explore_median_ms: percentile(&mut times.palette_explore, 0.5),
            changes,
            first_explore_ms: times.first_explore_ms,
            change_target_ms: 100.0,
        });
    }
    Ok(out)
}
