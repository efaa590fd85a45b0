//! The export dialog: edits the map recipe's layout (title, subtitle, note, legend, scale bar,
//! north arrow, inset, source line, page, DPI), its map area (`export_area`) and labels
//! (`export_labels`) with a live preview that is the exported scene
//! itself (`ops::map::scene` drawn by the PNG backend), then exports PNG / SVG / PDF through
//! `ops::map::run` (the `map` command's code), copies the image to the clipboard, or saves the
//! recipe in the workspace. The preview, the export and the clipboard image are drawn on
//! background threads (progress bar, Cancel), each on its own workspace connection; a
//! cancelled export leaves the output path as it was.

use super::app::{AppView, Command};
use super::export_area::ExportArea;
use super::export_labels::labels_ui;
use super::export_naming::ExportNaming;
use super::jobs::Job;
use crate::ops::Workspace;
use crate::render::raster;
use crate::render::spec::{MapSpec, PageSize};
use std::path::PathBuf;

/// Width of the preview image in pixels.
const PREVIEW_PX: f64 = 560.0;

/// The dialog's fields, the preview and the jobs drawing it, the export and the clipboard
/// image.
#[derive(Default)]
pub struct ExportDialog {
    open: bool,
    out_path: String,
    recipe_name: String,
    message: String,
    preview: Option<egui::TextureHandle>,
    preview_for: Option<MapSpec>,
    preview_job: Option<Job<(MapSpec, egui::ColorImage, Vec<String>)>>,
    /// Labels the previewed page had no room for (the export leaves out the same).
    preview_dropped: Vec<String>,
    /// The export being written: the path it goes to and its size in bytes.
    export_job: Option<Job<(PathBuf, usize)>>,
    copy_job: Option<Job<egui::ColorImage>>,
    /// Why the preview shows nothing (the recipe draws nothing, or drawing it failed).
    preview_error: Option<String>,
    area: ExportArea,
    naming: ExportNaming,
}

fn pixmap_image(p: &resvg::tiny_skia::Pixmap) -> egui::ColorImage {
    egui::ColorImage::from_rgba_premultiplied([p.width() as usize, p.height() as usize], p.data())
}

/// Renders `spec`'s page at `width_px` wide (height by the page's aspect ratio).
/// Renders `spec`'s page at `width_px` wide; also the labels the page had no room for (the
/// layout is in page millimetres, so the export leaves out the same ones).
fn render(
    ws: &Workspace,
    spec: &MapSpec,
    width_px: f64,
) -> crate::Result<(egui::ColorImage, Vec<String>)> {
    let scene = crate::ops::map::scene(ws, spec)?;
    let h = (width_px * scene.height_mm / scene.width_mm)
        .round()
        .max(1.0);
    let pixmap = raster::to_pixmap(&scene, width_px as u32, h as u32)?;
    Ok((pixmap_image(&pixmap), scene.dropped_labels))
}

/// Draws `spec` into `out` on its own thread; a Cancel before the file is moved into place
/// leaves `out` untouched.
fn export_job(
    ctx: &egui::Context,
    ws: Workspace,
    spec: MapSpec,
    out: PathBuf,
) -> crate::Result<Job<(PathBuf, usize)>> {
    Job::spawn("export", ctx, move |feedback| {
        // `map::run` writes the file atomically after its last Cancel check, so a cancelled
        // export leaves `out` untouched.
        let req = crate::ops::map::MapRequest {
            spec,
            out: out.clone(),
            save_recipe: None,
        };
        let r = crate::ops::map::run(&ws, &req, feedback)?;
        Ok((out, r.bytes))
    })
}

/// Renders `spec` at `width_px` on its own thread.
fn render_job<T: Send + 'static>(
    name: &str,
    ctx: &egui::Context,
    ws: Workspace,
    spec: MapSpec,
    width_px: f64,
    wrap: impl FnOnce(MapSpec, egui::ColorImage, Vec<String>) -> T + Send + 'static,
) -> crate::Result<Job<T>> {
    Job::spawn(name, ctx, move |feedback| {
        feedback.stage("drawing the map");
        let (img, dropped) = render(&ws, &spec, width_px)?;
        Ok(wrap(spec, img, dropped))
    })
}

impl ExportDialog {
    /// Opens the dialog (its file name follows the indicator unless one was typed).
    pub fn open(&mut self) {
        self.open = true;
    }

    /// A recipe was opened: its title and map area are the recipe's own, not typed.
    pub fn recipe_opened(&mut self, spec: &MapSpec) {
        self.naming.reset();
        self.area.adopt(&spec.extent);
    }

    /// The dialog window when open, and the "keep my title?" question when the indicator
    /// changed under a typed title or file name.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        self.naming.follow(&mut self.out_path, view);
        let mut out = self.naming.question_ui(ui.ctx(), &mut self.out_path, view);
        if !self.open {
            return out;
        }
        let mut open = self.open;
        let max_h = (ui.ctx().content_rect().height() - 40.0).max(200.0);
        egui::Window::new("Export map")
            .open(&mut open)
            .default_width(900.0)
            .max_height(max_h)
            .show(ui.ctx(), |ui| {
                ui.horizontal_top(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("export-fields")
                        .max_height(max_h - 40.0)
                        .show(ui, |ui| {
                            ui.vertical(|ui| {
                                ui.set_max_width(340.0);
                                let (cmds, title_typed) = layout_fields(ui, view);
                                self.naming.title_typed |= title_typed;
                                out.extend(cmds);
                                ui.separator();
                                out.extend(self.area.ui(ui, view));
                                ui.separator();
                                out.extend(labels_ui(ui, view));
                                ui.separator();
                                out.extend(self.actions(ui, view));
                            });
                        });
                    ui.separator();
                    self.preview_ui(ui, view);
                });
            });
        self.open = open;
        out
    }

    fn actions(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        self.file_row(ui);
        let busy = self.export_job.is_some() || self.copy_job.is_some();
        ui.horizontal(|ui| {
            if ui.add_enabled(!busy, egui::Button::new("Export")).clicked() {
                let path = PathBuf::from(self.out_path.trim());
                let spec = view.recipe.clone();
                match view
                    .ws
                    .reopen()
                    .and_then(|ws| export_job(ui.ctx(), ws, spec, path))
                {
                    Ok(job) => self.export_job = Some(job),
                    Err(e) => self.message = e.to_string(),
                }
            }
            if ui
                .add_enabled(!busy, egui::Button::new("Copy image"))
                .clicked()
            {
                let (w, _) = view.recipe.page.size_px();
                let spec = view.recipe.clone();
                let job = view.ws.reopen().and_then(|ws| {
                    render_job("copy-image", ui.ctx(), ws, spec, f64::from(w), |_, i, _| i)
                });
                match job {
                    Ok(job) => self.copy_job = Some(job),
                    Err(e) => self.message = e.to_string(),
                }
            }
        });
        if let Some(job) = &self.export_job {
            job.ui(ui);
        }
        if let Some(job) = &self.copy_job {
            job.ui(ui);
        }
        self.poll(ui.ctx());
        ui.horizontal(|ui| {
            let l = ui.label("Recipe");
            ui.text_edit_singleline(&mut self.recipe_name)
                .labelled_by(l.id);
            if ui.button("Save recipe").clicked() {
                out.push(Command::SaveRecipe(self.recipe_name.trim().to_string()));
            }
        });
        if !self.message.is_empty() {
            ui.label(&self.message);
        }
        out
    }

    fn file_row(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("File");
            ui.text_edit_singleline(&mut self.out_path)
                .labelled_by(l.id);
            if ui.button("Browse…").clicked() {
                let picked = rfd::FileDialog::new()
                    .add_filter("PNG image", &["png"])
                    .add_filter("SVG drawing", &["svg"])
                    .add_filter("PDF document", &["pdf"])
                    .save_file();
                match picked {
                    Some(p) => self.out_path = p.display().to_string(),
                    None => {
                        self.message =
                            "No file dialog (or cancelled): type the file name in the box".into()
                    }
                }
            }
        });
    }

    /// Takes a finished export or clipboard image.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(done) = Job::take_finished(&mut self.export_job) {
            self.message = match done {
                Ok((path, bytes)) => format!("Exported {} ({bytes} bytes)", path.display()),
                Err(crate::Error::Cancelled) => "Export cancelled: nothing was written.".into(),
                Err(e) => e.to_string(),
            };
        }
        if let Some(done) = Job::take_finished(&mut self.copy_job) {
            self.message = match done {
                Ok(img) => {
                    ctx.copy_image(img);
                    "Map image copied to the clipboard".into()
                }
                Err(crate::Error::Cancelled) => "Cancelled.".into(),
                Err(e) => e.to_string(),
            };
        }
    }

    /// The preview, redrawn in the background whenever the recipe changes.
    fn preview_ui(&mut self, ui: &mut egui::Ui, view: &AppView) {
        if let Some(done) = Job::take_finished(&mut self.preview_job) {
            match done {
                Ok((spec, img, dropped)) => {
                    self.preview_dropped = dropped;
                    self.preview = Some(ui.ctx().load_texture(
                        "export-preview",
                        img,
                        Default::default(),
                    ));
                    self.preview_for = Some(spec);
                }
                Err(err) => {
                    // Not tried again until the recipe changes.
                    self.preview = None;
                    self.preview_error = Some(format!("Nothing to preview: {err}"));
                    self.preview_for = Some(view.recipe.clone());
                }
            }
        }
        let stale = self.preview_for.as_ref() != Some(view.recipe);
        if view.recipe.layers.is_empty() {
            // Nothing to draw: say so rather than wait for a preview that cannot come.
            self.preview = None;
            self.preview_for = Some(view.recipe.clone());
            self.preview_error = Some(
                "Nothing to preview yet: the map has no layers. Import boundaries (File ▸ \
                 Import file…) and an indicator to draw a map."
                    .into(),
            );
        } else if stale && self.preview_job.is_none() {
            self.preview_error = None;
            let spec = view.recipe.clone();
            let job = view.ws.reopen().and_then(|ws| {
                render_job(
                    "export-preview",
                    ui.ctx(),
                    ws,
                    spec,
                    PREVIEW_PX,
                    |s, i, d| (s, i, d),
                )
            });
            match job {
                Ok(job) => self.preview_job = Some(job),
                Err(e) => {
                    // Shown once: the preview is not tried again until the recipe changes.
                    self.preview_error = Some(format!("Nothing to preview: {e}"));
                    self.preview_for = Some(view.recipe.clone());
                }
            }
        }
        let updating = self.preview_job.is_some();
        ui.vertical(|ui| {
            ui.label(if updating {
                "Preview (updating…)"
            } else {
                "Preview"
            });
            if let Some(why) = &self.preview_error
                && !updating
            {
                ui.label(why);
            }
            if !self.preview_dropped.is_empty() && !updating {
                ui.label(dropped_text(&self.preview_dropped));
            }
            if let Some(t) = &self.preview {
                let size = t.size_vec2();
                let scale = (ui.available_height().max(200.0) / size.y).min(1.0);
                ui.image((t.id(), size * scale));
            }
        });
    }
}

/// The recipe's layout fields; a change is sent as `SetLayout`. Also says whether the user
/// typed in the Title field this frame.
fn layout_fields(ui: &mut egui::Ui, view: &AppView) -> (Vec<Command>, bool) {
    let mut spec = view.recipe.clone();
    let mut title_typed = false;
    let s = &mut spec;
    egui::Grid::new("layout-fields")
        .num_columns(2)
        .show(ui, |ui| {
            for (label, text) in [
                ("Title", &mut s.title),
                ("Subtitle", &mut s.subtitle),
                ("Note", &mut s.note),
            ] {
                let l = ui.label(label);
                let typed = ui.text_edit_singleline(text).labelled_by(l.id).changed();
                title_typed |= typed && label == "Title";
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
    let cmds = if spec == *view.recipe {
        Vec::new()
    } else {
        vec![Command::SetLayout(Box::new(spec))]
    };
    (cmds, title_typed)
}

/// "2 labels left out for lack of room: A, B" (up to six names).
fn dropped_text(names: &[String]) -> String {
    let n = names.len();
    let mut shown = names.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
    if n > 6 {
        shown.push_str(&format!(" and {} more", n - 6));
    }
    let s = if n == 1 { "" } else { "s" };
    format!("{n} label{s} left out for lack of room: {shown}")
}

#[cfg(test)]
mod tests {
    use super::dropped_text;

    #[test]
    fn dropped_labels_are_counted_and_named() {
        let one = vec!["Tonge with the Haulgh".to_string()];
        assert_eq!(
            dropped_text(&one),
            "1 label left out for lack of room: Tonge with the Haulgh"
        );
        let many: Vec<String> = (1..=8).map(|i| format!("W{i}")).collect();
        assert_eq!(
            dropped_text(&many),
            "8 labels left out for lack of room: W1, W2, W3, W4, W5, W6 and 2 more"
        );
    }
}
