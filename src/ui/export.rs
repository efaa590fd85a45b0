//! The export dialog: edits the map recipe's layout (title, subtitle, note, legend, scale bar,
//! north arrow, inset, source line, page, DPI) with a live preview that is the exported scene
//! itself (`ops::map::scene` drawn by the PNG backend on a background thread), then exports
//! PNG / SVG / PDF through `ops::map::run` (the `map` command's code), copies the image to
//! the clipboard, or saves the recipe in the workspace.

use super::app::AtlasApp;
use super::jobs::Job;
use crate::data::Workspace;
use crate::render::raster;
use crate::render::spec::{MapSpec, PageSize};
use std::path::PathBuf;

/// Width of the preview image in pixels.
const PREVIEW_PX: f64 = 560.0;

#[derive(Default)]
pub struct ExportDialog {
    pub open: bool,
    pub out_path: String,
    pub recipe_name: String,
    pub message: String,
    /// The path of the last successful export.
    pub last_export: Option<PathBuf>,
    preview: Option<egui::TextureHandle>,
    preview_for: Option<MapSpec>,
    job: Option<Job<(MapSpec, egui::ColorImage)>>,
}

fn pixmap_image(p: &resvg::tiny_skia::Pixmap) -> egui::ColorImage {
    egui::ColorImage::from_rgba_premultiplied([p.width() as usize, p.height() as usize], p.data())
}

/// Renders `spec`'s page at `width_px` wide (height by the page's aspect ratio).
fn render(ws: &Workspace, spec: &MapSpec, width_px: f64) -> crate::Result<egui::ColorImage> {
    let scene = crate::ops::map::scene(ws, spec)?;
    let h = (width_px * scene.height_mm / scene.width_mm)
        .round()
        .max(1.0);
    let pixmap = raster::to_pixmap(&scene, width_px as u32, h as u32)?;
    Ok(pixmap_image(&pixmap))
}

impl AtlasApp {
    /// Opens the dialog with a file name made from the indicator.
    pub(super) fn open_export(&mut self) {
        if self.export.out_path.is_empty() {
            let stem = self
                .current
                .as_ref()
                .map_or("map".to_string(), |c| c.meta.code.clone());
            let dir = self
                .ws
                .path()
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            self.export.out_path = dir.join(format!("{stem}.png")).display().to_string();
        }
        self.export.open = true;
    }

    pub(super) fn export_window(&mut self, ctx: &egui::Context) {
        let mut open = self.export.open;
        egui::Window::new("Export map")
            .open(&mut open)
            .default_width(900.0)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_max_width(320.0);
                        self.layout_fields(ui);
                        ui.separator();
                        self.export_actions(ui);
                    });
                    ui.separator();
                    self.preview_ui(ui);
                });
            });
        self.export.open = open;
    }

    fn layout_fields(&mut self, ui: &mut egui::Ui) {
        let s = &mut self.spec;
        egui::Grid::new("layout-fields")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, text) in [
                    ("Title", &mut s.title),
                    ("Subtitle", &mut s.subtitle),
                    ("Note", &mut s.note),
                ] {
                    let l = ui.label(label);
                    ui.text_edit_singleline(text).labelled_by(l.id);
                    ui.end_row();
                }
                let l = ui.label("Source");
                let mut source = s.source.clone().unwrap_or_default();
                if ui
                    .add(egui::TextEdit::singleline(&mut source).hint_text("from the indicators"))
                    .labelled_by(l.id)
                    .changed()
                {
                    s.source = (!source.trim().is_empty()).then_some(source);
                }
                ui.end_row();
                ui.label("Page");
                ui.horizontal(|ui| {
                    for (name, size) in [
                        ("A4", PageSize::A4),
                        ("A3", PageSize::A3),
                        ("A2", PageSize::A2),
                    ] {
                        ui.selectable_value(&mut s.page.size, size, name);
                    }
                    ui.checkbox(&mut s.page.landscape, "Landscape");
                });
                ui.end_row();
                let l = ui.label("DPI");
                ui.add(egui::DragValue::new(&mut s.page.dpi).range(72.0..=600.0))
                    .labelled_by(l.id);
                ui.end_row();
            });
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut s.legend.show, "Legend");
            ui.checkbox(&mut s.legend.counts, "Counts");
            ui.checkbox(&mut s.scale_bar, "Scale bar");
            ui.checkbox(&mut s.north_arrow, "North arrow");
            ui.checkbox(&mut s.inset, "Inset");
        });
        ui.small("Placeholders: {indicator} {period} {geography} {unit} {date}");
        if self.hotspot.show_on_map && self.hotspot_overlay().is_some() {
            ui.small("The hotspot result is exported once saved as indicators (Hotspots → Save).");
        }
    }

    fn export_actions(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("File");
            ui.text_edit_singleline(&mut self.export.out_path)
                .labelled_by(l.id);
            if ui.button("Browse…").clicked() {
                let picked = rfd::FileDialog::new()
                    .add_filter("PNG image", &["png"])
                    .add_filter("SVG drawing", &["svg"])
                    .add_filter("PDF document", &["pdf"])
                    .save_file();
                match picked {
                    Some(p) => self.export.out_path = p.display().to_string(),
                    None => {
                        self.export.message =
                            "No file dialog (or cancelled): type the file name in the box".into()
                    }
                }
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Export").clicked() {
                let path = PathBuf::from(self.export.out_path.trim());
                let req = crate::ops::map::MapRequest {
                    spec: self.spec.clone(),
                    out: path.clone(),
                    save_recipe: None,
                };
                match crate::ops::map::run(&mut self.ws, &req, &crate::ops::Silent) {
                    Ok(r) => {
                        self.export.message =
                            format!("Exported {} ({} bytes)", path.display(), r.bytes);
                        self.export.last_export = Some(path);
                    }
                    Err(e) => self.export.message = e.to_string(),
                }
            }
            if ui.button("Copy image").clicked() {
                let (w, _) = self.spec.page.size_px();
                match render(&self.ws, &self.spec, f64::from(w)) {
                    Ok(img) => {
                        ui.ctx().copy_image(img);
                        self.export.message = "Map image copied to the clipboard".into();
                    }
                    Err(e) => self.export.message = e.to_string(),
                }
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label("Recipe");
            ui.text_edit_singleline(&mut self.export.recipe_name)
                .labelled_by(l.id);
            if ui.button("Save recipe").clicked() {
                let name = self.export.recipe_name.trim().to_string();
                self.export.message =
                    match crate::ops::map::recipe::save(&mut self.ws, &name, &self.spec) {
                        Ok(()) => format!("Saved recipe '{name}' in the workspace"),
                        Err(e) => e.to_string(),
                    };
            }
        });
        if !self.export.message.is_empty() {
            ui.label(&self.export.message);
        }
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui) {
        let e = &mut self.export;
        if let Some(job) = &mut e.job
            && let Some(done) = job.poll()
        {
            e.job = None;
            match done {
                Ok((spec, img)) => {
                    e.preview = Some(ui.ctx().load_texture(
                        "export-preview",
                        img,
                        Default::default(),
                    ));
                    e.preview_for = Some(spec);
                }
                Err(err) => e.message = err.to_string(),
            }
        }
        let stale = e.preview_for.as_ref() != Some(&self.spec);
        if stale && e.job.is_none() {
            let spec = self.spec.clone();
            let path = self.ws.path().to_path_buf();
            e.job = Job::spawn("export-preview", ui.ctx(), move |_| {
                let ws = Workspace::open(&path)?;
                Ok((spec.clone(), render(&ws, &spec, PREVIEW_PX)?))
            })
            .ok();
        }
        ui.vertical(|ui| {
            ui.label(if stale {
                "Preview (updating…)"
            } else {
                "Preview"
            });
            if let Some(t) = &e.preview {
                let size = t.size_vec2();
                let scale = (ui.available_height().max(200.0) / size.y).min(1.0);
                ui.image((t.id(), size * scale));
            }
        });
    }
}
