//! The Index builder and Site finder panels: `ops::index::run` (a composite index from a TOML
//! spec, the IMD 2019 preset built in) and `ops::site::run` (coverage, MCLP, LSCP, p-median)
//! on background threads with progress, their results saved as indicators and put on the map
//! (the index score; the siting status of every area, with the chosen sites as points).

use super::app::{AtlasApp, Command};
use super::jobs::Job;
use super::map_layer::mercator_unit;
use super::map_view::PointLayer;
use crate::analysis::siting::Model;
use crate::data::Workspace;
use crate::ops::index::{self, IndexRequest, IndexResponse, IndexSpec};
use crate::ops::site::{self, Deprived, PointSource, SiteRequest, SiteResponse};
use egui::Color32;

/// The spec the builder starts from: the IMD 2019 rebuilt from the national domain ranks.
const IMD_SPEC: &str = include_str!("../../specs/imd2019.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelChoice {
    Mclp,
    Lscp,
    Pmedian,
}

/// The two panels' settings, jobs and last results.
pub struct DeprivationPanels {
    spec_path: String,
    spec: Option<IndexSpec>,
    save_as: String,
    index_job: Option<Job<IndexResponse>>,
    demand: String,
    deprived_only: bool,
    deprived_indicator: String,
    deprived_percent: f64,
    deprived_of: f64,
    candidates: String,
    existing: Option<String>,
    reach_m: f64,
    /// Enforce a capacity per site (MCLP, LSCP), `capacity` demand units each.
    capped: bool,
    capacity: f64,
    /// A point-layer field with each site's capacity (empty = `capacity` for all).
    capacity_field: String,
    model: ModelChoice,
    p: usize,
    lscp_percent: f64,
    site_job: Option<Job<SiteResponse>>,
    site_result: Option<SiteResponse>,
    message: String,
    site_message: String,
}

impl Default for DeprivationPanels {
    fn default() -> Self {
        Self {
            spec_path: String::new(),
            spec: index::parse_spec("imd2019.toml", IMD_SPEC).ok(),
            save_as: "imd_rebuilt".into(),
            index_job: None,
            demand: "areas".into(),
            deprived_only: true,
            deprived_indicator: "imd_rank".into(),
            deprived_percent: 30.0,
            deprived_of: 32_844.0,
            candidates: "centroids:ward17".into(),
            existing: None,
            reach_m: 1600.0,
            capped: false,
            capacity: 800.0,
            capacity_field: String::new(),
            model: ModelChoice::Mclp,
            p: 5,
            lscp_percent: 50.0,
            site_job: None,
            site_result: None,
            message: String::new(),
            site_message: String::new(),
        }
    }
}

/// Name under which a siting run saves its per-area results.
const SITE_SAVE: &str = "finder";

impl DeprivationPanels {
    fn site_request(&self, geography: &str) -> Result<SiteRequest, String> {
        let candidates: PointSource = self.candidates.parse()?;
        let existing = match &self.existing {
            Some(e) => Some(e.parse::<PointSource>()?),
            None => None,
        };
        Ok(SiteRequest {
            geography: geography.to_string(),
            demand: self.demand.clone(),
            period: None,
            deprived: self.deprived_only.then(|| Deprived {
                indicator: self.deprived_indicator.clone(),
                percent: self.deprived_percent,
                of: (self.deprived_of > 0.0).then_some(self.deprived_of),
                multiply: None,
            }),
            demand_points: None,
            existing,
            candidates,
            reach_m: self.reach_m,
            matrix: None,
            model: match self.model {
                ModelChoice::Mclp => Model::Mclp { p: self.p },
                ModelChoice::Lscp => Model::Lscp {
                    percent: self.lscp_percent,
                },
                ModelChoice::Pmedian => Model::Pmedian { p: self.p },
            },
            heuristic: false,
            work_limit: 50_000_000,
            capacity: self.capped.then_some(self.capacity),
            capacity_field: (self.capped && !self.capacity_field.trim().is_empty())
                .then(|| self.capacity_field.trim().to_string()),
            save: Some(SITE_SAVE.into()),
            out: None,
        })
    }

    /// The chosen (red) and existing (black) sites of the last run, for the map.
    pub fn site_points(&self) -> Vec<PointLayer> {
        let Some(r) = &self.site_result else {
            return Vec::new();
        };
        let layer = |name: &str, sites: &[site::SiteOut], colour| PointLayer {
            name: name.into(),
            points_unit: sites
                .iter()
                .map(|s| mercator_unit(s.longitude, s.latitude))
                .collect(),
            colour,
        };
        vec![
            layer("existing sites", &r.existing, Color32::from_gray(20)),
            layer("chosen sites", &r.chosen, Color32::from_rgb(220, 20, 60)),
        ]
    }
}

impl AtlasApp {
    pub(super) fn index_builder_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut out = Vec::new();
        let d = &mut self.deprivation;
        ui.horizontal(|ui| {
            let l = ui.label("Spec");
            ui.add(
                egui::TextEdit::singleline(&mut d.spec_path)
                    .hint_text("built-in IMD 2019")
                    .desired_width(150.0),
            )
            .labelled_by(l.id);
            if ui.button("Load").clicked() {
                let loaded = if d.spec_path.trim().is_empty() {
                    index::parse_spec("imd2019.toml", IMD_SPEC)
                } else {
                    index::read_spec(std::path::Path::new(d.spec_path.trim()))
                };
                match loaded {
                    Ok(s) => {
                        d.spec = Some(s);
                        d.message.clear();
                    }
                    Err(e) => d.message = e.to_string(),
                }
            }
        });
        if let Some(spec) = &mut d.spec {
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
        ui.horizontal(|ui| {
            let l = ui.label("Save as");
            ui.add(egui::TextEdit::singleline(&mut d.save_as).desired_width(150.0))
                .labelled_by(l.id);
        });
        let running = d.index_job.as_ref().is_some_and(Job::is_running);
        if let Some(job) = &d.index_job {
            job.ui(ui);
        }
        if ui
            .add_enabled(
                !running && d.spec.is_some(),
                egui::Button::new("Build index"),
            )
            .clicked()
            && let Some(spec) = d.spec.clone()
        {
            let req = IndexRequest {
                spec,
                save: Some(d.save_as.trim().to_string()),
            };
            let path = self.ws.path().to_path_buf();
            d.index_job = Job::spawn("index", ui.ctx(), move |feedback| {
                let ws = Workspace::open(&path)?;
                index::run(&ws, &req, feedback)
            })
            .ok();
        }
        if let Some(job) = &mut d.index_job
            && let Some(done) = job.poll()
        {
            d.index_job = None;
            match done {
                Ok(r) => {
                    d.message = format!(
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
                Err(e) => d.message = e.to_string(),
            }
        }
        if !d.message.is_empty() {
            ui.label(&d.message);
        }
        out
    }

    pub(super) fn site_finder_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(geography) = self.current_indicator().map(|i| i.geography.clone()) else {
            return out;
        };
        let codes: Vec<String> = self
            .indicators
            .iter()
            .filter(|i| i.geography == geography)
            .map(|i| i.code.clone())
            .collect();
        let layers: Vec<String> = self.layers.iter().map(|l| l.name.clone()).collect();
        let geographies = self.geographies.clone();
        let d = &mut self.deprivation;
        egui::ComboBox::from_label("Demand")
            .selected_text(&d.demand)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut d.demand, "areas".into(), "areas (one each)");
                for c in &codes {
                    ui.selectable_value(&mut d.demand, c.clone(), c);
                }
            });
        ui.checkbox(&mut d.deprived_only, "Only the most deprived");
        if d.deprived_only {
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("deprived-by")
                    .selected_text(&d.deprived_indicator)
                    .show_ui(ui, |ui| {
                        for c in &codes {
                            ui.selectable_value(&mut d.deprived_indicator, c.clone(), c);
                        }
                    });
                ui.add(
                    egui::DragValue::new(&mut d.deprived_percent)
                        .range(1.0..=100.0)
                        .suffix(" %"),
                );
            });
            ui.horizontal(|ui| {
                ui.label("ranked out of");
                ui.add(egui::DragValue::new(&mut d.deprived_of).range(0.0..=1.0e6))
                    .on_hover_text("size of the national ranking (0 = rank within the workspace)");
            });
        }
        egui::ComboBox::from_label("Candidates")
            .selected_text(&d.candidates)
            .show_ui(ui, |ui| {
                for g in &geographies {
                    let v = format!("centroids:{g}");
                    ui.selectable_value(&mut d.candidates, v.clone(), v);
                }
                for l in &layers {
                    ui.selectable_value(&mut d.candidates, l.clone(), l);
                }
            });
        egui::ComboBox::from_label("Existing")
            .selected_text(d.existing.clone().unwrap_or_else(|| "none".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut d.existing, None, "none");
                for l in &layers {
                    ui.selectable_value(&mut d.existing, Some(l.clone()), l);
                }
            });
        ui.horizontal(|ui| {
            let l = ui.label("Reach");
            ui.add(
                egui::DragValue::new(&mut d.reach_m)
                    .range(50.0..=50_000.0)
                    .suffix(" m"),
            )
            .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut d.capped, "Capacity")
                .on_hover_text("each site serves at most this much demand: MCLP and LSCP allocate the demand within reach up to it, the p-median assigns demand at least cost within it");
            ui.add_enabled(
                d.capped,
                egui::DragValue::new(&mut d.capacity).range(1.0..=1.0e7),
            );
        });
        if d.capped {
            ui.horizontal(|ui| {
                let l = ui.label("Capacity field");
                ui.add(egui::TextEdit::singleline(&mut d.capacity_field).desired_width(90.0))
                    .labelled_by(l.id)
                    .on_hover_text("a field of the site layers with each site's capacity; empty = the number above for all");
            });
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut d.model, ModelChoice::Mclp, "MCLP");
            ui.selectable_value(&mut d.model, ModelChoice::Lscp, "LSCP");
            ui.selectable_value(&mut d.model, ModelChoice::Pmedian, "p-median");
            match d.model {
                ModelChoice::Lscp => ui.add(
                    egui::DragValue::new(&mut d.lscp_percent)
                        .range(1.0..=100.0)
                        .suffix(" % covered"),
                ),
                _ => ui.add(
                    egui::DragValue::new(&mut d.p)
                        .range(1..=100)
                        .prefix("sites "),
                ),
            };
        });
        let running = d.site_job.as_ref().is_some_and(Job::is_running);
        if let Some(job) = &d.site_job {
            job.ui(ui);
        }
        if ui
            .add_enabled(!running, egui::Button::new("Find sites"))
            .clicked()
        {
            match d.site_request(&geography) {
                Ok(req) => {
                    let path = self.ws.path().to_path_buf();
                    d.site_job = Job::spawn("site-finder", ui.ctx(), move |feedback| {
                        let ws = Workspace::open(&path)?;
                        site::run(&ws, &req, feedback)
                    })
                    .ok();
                }
                Err(e) => d.site_message = e,
            }
        }
        if let Some(job) = &mut d.site_job
            && let Some(done) = job.poll()
        {
            d.site_job = None;
            match done {
                Ok(r) => {
                    out.push(Command::ShowIndicator(format!("{SITE_SAVE}_site_status")));
                    d.site_result = Some(r);
                    d.site_message.clear();
                }
                Err(e) => d.site_message = e.to_string(),
            }
        }
        if let Some(r) = &d.site_result {
            site_summary(ui, r);
        }
        if !d.site_message.is_empty() {
            ui.label(&d.site_message);
        }
        out
    }
}

fn site_summary(ui: &mut egui::Ui, r: &SiteResponse) {
    let pct = |x: f64| {
        if r.total_demand > 0.0 {
            100.0 * x / r.total_demand
        } else {
            0.0
        }
    };
    ui.label(format!(
        "{} new site(s): covered {:.1}% → {:.1}% of {:.0} demand ({}{})",
        r.chosen.len(),
        pct(r.covered_before),
        pct(r.covered_after),
        r.total_demand,
        if r.optimal {
            "proven optimal"
        } else {
            "not proven optimal"
        },
        if r.optimal {
            String::new()
        } else {
            format!(", gap {:.1}%", 100.0 * r.gap)
        }
    ));
    if r.capacity_enforced {
        ui.small(format!(
            "Capacities enforced; {} area(s) only partly covered",
            r.partly_covered_areas
        ));
    }
    for s in &r.chosen {
        // What fills its capacity: the demand it serves within reach (coverage models), or
        // all it is assigned (p-median).
        let used = match r.model {
            Model::Pmedian { .. } => s.demand,
            _ => s.covered_demand,
        };
        let of = s
            .capacity
            .map(|c| format!("; {used:.0} of {c:.0} places used"))
            .unwrap_or_default();
        ui.small(format!(
            "{} {} — {:.0} covered within reach{of}",
            s.id,
            s.name.clone().unwrap_or_default(),
            s.covered_demand
        ));
    }
    if let Some(e) = &r.equity {
        ui.small(format!(
            "Deprived areas covered {:.1}% → {:.1}%, the rest {:.1}% → {:.1}%",
            100.0 * e.deprived_share_covered_before,
            100.0 * e.deprived_share_covered_after,
            100.0 * e.other_share_covered_before,
            100.0 * e.other_share_covered_after
        ));
    }
}
