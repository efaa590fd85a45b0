//! The Index builder panel: a composite index from a TOML spec (the IMD 2019 preset built in)
//! with the domain weights editable here, built by `ops::index::run` on a background thread
//! and saved as indicators; the score is then put on the map.

use super::app::{AppView, Command};
use super::jobs::Job;
use crate::ops::index::{self, IndexRequest, IndexResponse, IndexSpec};

/// The spec the builder starts from: the IMD 2019 rebuilt from the national domain ranks.
const IMD_SPEC: &str = include_str!("../../specs/imd2019.toml");

/// The builder's spec, its name for the saved indicators, the running job and its message.
pub struct IndexBuilder {
    spec_path: String,
    spec: Option<IndexSpec>,
    save_as: String,
    job: Option<Job<IndexResponse>>,
    message: String,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        Self {
            spec_path: String::new(),
            spec: index::parse_spec("imd2019.toml", IMD_SPEC).ok(),
            save_as: "imd_rebuilt".into(),
            job: None,
            message: String::new(),
        }
    }
}

impl IndexBuilder {
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        self.spec_ui(ui);
        self.weights_ui(ui);
        ui.horizontal(|ui| {
            let l = ui.label("Save as");
            ui.add(egui::TextEdit::singleline(&mut self.save_as).desired_width(150.0))
                .labelled_by(l.id);
        });
        let running = self.job.as_ref().is_some_and(Job::is_running);
        if let Some(job) = &self.job {
            job.ui(ui);
        }
        if ui
            .add_enabled(
                !running && self.spec.is_some(),
                egui::Button::new("Build index"),
            )
            .clicked()
        {
            self.start(ui.ctx(), view);
        }
        out.extend(self.poll());
        if !self.message.is_empty() {
            ui.label(&self.message);
        }
        out
    }

    /// The spec file box and its Load button (empty = the built-in IMD 2019).
    fn spec_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("Spec");
            ui.add(
                egui::TextEdit::singleline(&mut self.spec_path)
                    .hint_text("built-in IMD 2019")
                    .desired_width(150.0),
            )
            .labelled_by(l.id);
            if ui.button("Load").clicked() {
                let loaded = if self.spec_path.trim().is_empty() {
                    index::parse_spec("imd2019.toml", IMD_SPEC)
                } else {
                    index::read_spec(std::path::Path::new(self.spec_path.trim()))
                };
                match loaded {
                    Ok(s) => {
                        self.spec = Some(s);
                        self.message.clear();
                    }
                    Err(e) => self.message = e.to_string(),
                }
            }
        });
    }

    /// One weight per domain.
    fn weights_ui(&mut self, ui: &mut egui::Ui) {
        let Some(spec) = &mut self.spec else {
            return;
        };
        ui.label(format!(
            "{} ({}), {} domains",
            spec.name,
            spec.geography,
            spec.domains.len()
        ));
        egui::Grid::new("domains").striped(true).show(ui, |ui| {
            for (k, dom) in spec.domains.iter_mut().enumerate() {
                let name = dom
                    .name
                    .clone()
                    .or_else(|| dom.indicator.clone())
                    .unwrap_or_else(|| format!("domain {}", k + 1));
                ui.label(name);
                let mut w = dom.weight.unwrap_or(0.0);
                if ui
                    .add(egui::DragValue::new(&mut w).range(0.0..=1.0).speed(0.005))
                    .changed()
                {
                    dom.weight = Some(w);
                }
                ui.end_row();
            }
        });
    }

    /// Starts the build on its own thread and workspace connection.
    fn start(&mut self, ctx: &egui::Context, view: &AppView) {
        let Some(spec) = self.spec.clone() else {
            return;
        };
        let req = IndexRequest {
            spec,
            save: Some(self.save_as.trim().to_string()),
        };
        let job = Job::on_workspace("index", ctx, view.ws, move |ws, feedback| {
            feedback.stage("building the index");
            index::run(ws, &req, feedback)
        });
        match job {
            Ok(job) => self.job = Some(job),
            Err(e) => self.message = e.to_string(),
        }
    }

    /// Takes the finished build: its summary, and its score on the map.
    fn poll(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(done) = Job::take_finished(&mut self.job) else {
            return out;
        };
        match done {
            Ok(r) => {
                self.message = format!(
                    "{}: {} areas scored ({} excluded), ranked in the {}; saved {}",
                    r.name,
                    r.n,
                    r.excluded.len(),
                    r.ranking,
                    r.saved.join(", ")
                );
                if let Some(score) = r.saved.iter().find(|s| s.ends_with("_score")) {
                    out.push(Command::ShowIndicator(score.clone()));
                }
            }
            Err(e) => self.message = e.to_string(),
        }
        out
    }
}
