//! "First steps" on an empty workspace: instead of a blank map, three buttons in the middle
//! of the map area — import boundaries, import indicators, open the sample project — so a new
//! user sees what to do. The sample project is built (first time only) on a background
//! thread, then opened.

use super::app::{AppView, AtlasApp, Command};
use super::jobs::Job;

/// The first-steps buttons, centred in the space left in `ui`.
pub fn first_steps_ui(ui: &mut egui::Ui, view: &AppView, building_sample: bool) -> Vec<Command> {
    let mut out = Vec::new();
    let boundaries = !view.catalog.geographies.is_empty();
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() / 2.0 - 120.0).max(8.0));
        ui.heading("First steps");
        ui.label(if boundaries {
            "The boundaries are in. Next, import indicators (a CSV of area codes and values)."
        } else {
            "This workspace is empty. Start with the boundaries of your areas."
        });
        ui.add_space(8.0);
        let size = egui::vec2(260.0, 32.0);
        if ui
            .add_sized(size, egui::Button::new("Import boundaries…"))
            .on_hover_text("A GeoPackage, GeoJSON or shapefile of areas (or drop it on the window)")
            .clicked()
        {
            out.push(Command::OpenImport(None));
        }
        if ui
            .add_enabled_ui(boundaries, |ui| {
                ui.add_sized(size, egui::Button::new("Import indicators…"))
            })
            .inner
            .on_disabled_hover_text("Import the boundaries the indicators are for first")
            .clicked()
        {
            out.push(Command::OpenImport(None));
        }
        if ui
            .add_enabled(
                !building_sample,
                egui::Button::new("Open the sample project").min_size(size),
            )
            .on_hover_text("Greater Manchester: deprivation indices, wards, children's centres")
            .clicked()
        {
            out.push(Command::OpenSample);
        }
        if building_sample {
            ui.label("Preparing the sample project…");
        }
    });
    out
}

impl AtlasApp {
    /// Whether the first steps stand in for the map (no indicator and no areas drawn).
    pub(super) fn shows_first_steps(&self) -> bool {
        self.state.current.is_none()
            && self.panels.map.map.areas.is_none()
            && self.state.meshes.is_none()
    }

    /// Builds the sample project if needed, on a background thread; it is opened when ready.
    pub(super) fn open_sample(&mut self) {
        let Some(ctx) = self.state.ctx.clone() else {
            return;
        };
        match Job::spawn("sample-project", &ctx, |feedback| {
            crate::ops::sample::ensure_sample(feedback)
        }) {
            Ok(job) => self.state.sample_job = Some(job),
            Err(e) => self.state.error = Some(e.to_string()),
        }
    }

    /// Opens the sample project once it is built.
    pub(super) fn poll_sample(&mut self) {
        match Job::take_finished(&mut self.state.sample_job) {
            Some(Ok(path)) => self.apply(Command::OpenWorkspace(path)),
            Some(Err(e)) => self.state.error = Some(e.to_string()),
            None => {}
        }
    }
}
