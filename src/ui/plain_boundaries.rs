//! A workspace with boundaries but no indicator yet: its first geography is drawn at once as
//! plain outlined areas (the recipe gets an outline layer of it, so the export preview draws
//! the same), and the status line says what to do next.

use super::app::AtlasApp;
use super::jobs::Job;
use super::map_layer::MapLayer;
use crate::render::input::Features;
use crate::render::spec::{Extent, LayerSpec, MapSpec};
use egui::Color32;

/// Fill of the areas of a geography that has no indicator yet.
const PLAIN_FILL: Color32 = Color32::from_rgb(0xee, 0xee, 0xe6);

impl AtlasApp {
    /// Draws the workspace's first geography as plain areas (or says the workspace is empty).
    pub(super) fn show_plain_boundaries(&mut self) {
        let s = &mut self.state;
        let Some(geography) = s.catalog.geographies.first().cloned() else {
            s.status = "This workspace is empty: import boundaries to begin".into();
            return;
        };
        let has_outline = s
            .spec
            .layers
            .iter()
            .any(|l| matches!(l, LayerSpec::Outline { geography: g, .. } if *g == geography));
        if !has_outline {
            s.spec.layers.insert(
                0,
                LayerSpec::Outline {
                    geography: geography.clone(),
                    colour: "#333333".into(),
                    width_mm: 0.35,
                    labels: false,
                },
            );
        }
        let screen = MapSpec {
            extent: Extent::Whole,
            ..s.spec.clone()
        };
        let input = match crate::ops::map::resolve(&s.ws, &screen) {
            Ok(input) => input,
            Err(e) => {
                s.error = Some(e.to_string());
                return;
            }
        };
        let Some(shapes) = input.layers.iter().find_map(|l| match &l.features {
            Features::Polygons(f) => {
                Some(f.iter().map(|a| a.geometry_bng.clone()).collect::<Vec<_>>())
            }
            _ => None,
        }) else {
            return;
        };
        let n = shapes.len();
        s.error = None;
        s.current = None;
        s.selection.clear();
        s.legend.clear();
        s.base_legend.clear();
        s.fills = vec![PLAIN_FILL; n];
        s.base_fills = s.fills.clone();
        // No explored geography: the first indicator's map is built afresh.
        s.map_geography = None;
        s.outline_geography = None;
        s.generation += 1;
        s.status = format!("{n} areas of {geography}: import an indicator (CSV) to colour them");
        let map = &mut self.panels.map.map;
        map.outline = None;
        map.overlay.clear();
        match s.ctx.clone() {
            Some(ctx) => {
                map.areas = None;
                match Job::spawn("map-meshes", &ctx, move |_| {
                    let refs: Vec<_> = shapes.iter().collect();
                    Ok(MapLayer::new(&refs))
                }) {
                    Ok(job) => s.meshes = Some((None, job)),
                    Err(e) => s.error = Some(e.to_string()),
                }
            }
            None => {
                let refs: Vec<_> = shapes.iter().collect();
                map.areas = Some(MapLayer::new(&refs));
                map.fit_next_frame();
            }
        }
    }
}
