//! "Density surface…" on the map: a point layer's kernel density computed on a background job
//! (`ops::kde::density_image`, the same loading and colours as a map export), shown as a
//! texture over the areas with its continuous legend, and kept in the recipe as a `density`
//! layer so exports draw it too. The menu that asks for it is the map panel's
//! (`map_panel::density_menu_ui`).

use super::app::AtlasApp;
use super::jobs::Job;
use super::map_layer::mercator_unit;
use super::map_view::DensityOverlay;
use crate::ops::kde::{DensityImage, density_image};
use crate::render::spec::LayerSpec;

/// Lattice cells a side: the image bends with the Mercator map within a small fraction of a
/// pixel at city scale.
const LATTICE: usize = 16;

impl AtlasApp {
    /// Starts computing the density surface of `layer` (or takes it off with `None`).
    pub(super) fn show_density(&mut self, request: Option<(String, f64)>) {
        let s = &mut self.state;
        s.spec
            .layers
            .retain(|l| !matches!(l, LayerSpec::Density { .. }));
        s.density_legend = None;
        self.panels.map.map.density = None;
        let Some((layer, bandwidth_m)) = request else {
            s.density_job = None;
            self.rebuild_legend();
            return;
        };
        let Some(ctx) = s.ctx.clone() else {
            s.error = Some("the map is not ready yet".into());
            return;
        };
        let name = crate::ops::catalog::layer_title(&layer);
        match Job::on_workspace("density", &ctx, &s.ws, move |ws, feedback| {
            density_image(ws, &layer, bandwidth_m, feedback)
        }) {
            Ok(job) => {
                s.status = format!("Computing the density of {name} ({bandwidth_m} m)…");
                s.density_job = Some(job);
            }
            Err(e) => s.error = Some(e.to_string()),
        }
    }

    /// Puts a finished density surface on the map.
    pub(super) fn poll_density(&mut self, ctx: &egui::Context) {
        let Some(done) = Job::take_finished(&mut self.state.density_job) else {
            return;
        };
        let s = &mut self.state;
        match done.and_then(|image| overlay(ctx, &image).map(|o| (image, o))) {
            Ok((image, overlay)) => {
                // Above the areas' fills (the recipe's first layer, which the panels read as
                // the map's indicator), under the outlines and points that follow it.
                let at = s.spec.layers.len().min(1);
                s.spec.layers.insert(at, image.spec.clone());
                s.density_legend = Some(image.legend.clone());
                s.status = format!(
                    "Density of {}: quartic kernel, bandwidth {} m, {} m cells",
                    crate::ops::catalog::layer_title(&image.layer),
                    image.bandwidth_m,
                    image.cell_m
                );
                self.panels.map.map.density = Some(overlay);
                self.rebuild_legend();
            }
            Err(crate::error::Error::Cancelled) => s.status.clear(),
            Err(e) => {
                s.status.clear();
                s.error = Some(e.to_string());
            }
        }
    }

    /// The legend on screen: the explored layers' blocks, then the density surface's.
    pub(super) fn rebuild_legend(&mut self) {
        let s = &mut self.state;
        s.legend = s.base_legend.clone();
        s.legend.extend(s.density_legend.clone());
    }
}

/// The texture and its lattice (BNG → longitude/latitude → Mercator).
fn overlay(ctx: &egui::Context, image: &DensityImage) -> crate::error::Result<DensityOverlay> {
    let [x0, y0, x1, y1] = image.extent_bng;
    let mut bng = Vec::with_capacity((LATTICE + 1) * (LATTICE + 1));
    let mut uv = Vec::with_capacity(bng.capacity());
    for row in 0..=LATTICE {
        let v = row as f64 / LATTICE as f64;
        for col in 0..=LATTICE {
            let u = col as f64 / LATTICE as f64;
            bng.push((x0 + u * (x1 - x0), y1 - v * (y1 - y0)));
            uv.push(egui::pos2(u as f32, v as f32));
        }
    }
    let lonlat = crate::ops::coords::lonlat_of_bng(&bng)?;
    let lattice = lonlat
        .into_iter()
        .map(|(lon, lat)| mercator_unit(lon, lat))
        .zip(uv)
        .collect();
    let size = [image.width_px as usize, image.height_px as usize];
    let colour = egui::ColorImage::from_rgba_unmultiplied(size, &image.rgba);
    let texture = ctx.load_texture("density-surface", colour, egui::TextureOptions::LINEAR);
    Ok(DensityOverlay {
        texture,
        lattice,
        side: LATTICE,
    })
}
