//! The Site finder panel: where to put new services so that more of the demand (every area,
//! or only the most deprived) is within reach — `ops::site::run` (coverage, MCLP, LSCP,
//! p-median) on a background thread with progress; the siting status of every area is saved
//! as an indicator and mapped, with the chosen (red) and existing (black) sites as points.

use super::app::{AppView, Command};
use super::jobs::Job;
use super::map_layer::mercator_unit;
use super::map_view::PointLayer;
use crate::ops::site::{self, Deprived, Model, PointSource, SiteRequest, SiteResponse};
use egui::Color32;

/// Name under which a siting run saves its per-area results.
const SITE_SAVE: &str = "finder";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelChoice {
    Mclp,
    Lscp,
    Pmedian,
}

/// The finder's settings, running job and last result.
pub struct SiteFinder {
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
    job: Option<Job<SiteResponse>>,
    result: Option<SiteResponse>,
    message: String,
}

impl Default for SiteFinder {
    fn default() -> Self {
        Self {
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
            job: None,
            result: None,
            message: String::new(),
        }
    }
}

/// The chosen (red) and existing (black) sites of a run, for the map.
fn site_points(r: &SiteResponse) -> Vec<PointLayer> {
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

impl SiteFinder {
    fn request(&self, geography: &str) -> Result<SiteRequest, String> {
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
            csv_raw: false,
        })
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(geography) = view.indicator.map(|i| i.geography.clone()) else {
            return out;
        };
        let codes: Vec<String> = view
            .catalog
            .indicators
            .iter()
            .filter(|i| i.geography == geography)
            .map(|i| i.code.clone())
            .collect();
        self.demand_ui(ui, &codes);
        self.sites_ui(ui, view);
        self.reach_ui(ui);
        self.model_ui(ui);
        let running = self.job.as_ref().is_some_and(Job::is_running);
        if let Some(job) = &self.job {
            job.ui(ui);
        }
        if ui
            .add_enabled(!running, egui::Button::new("Find sites"))
            .clicked()
        {
            self.start(ui.ctx(), view, &geography);
        }
        out.extend(self.poll());
        if let Some(r) = &self.result {
            site_summary(ui, r);
        }
        if !self.message.is_empty() {
            ui.label(&self.message);
        }
        out
    }

    /// What the demand is, and whether only the most deprived areas count.
    fn demand_ui(&mut self, ui: &mut egui::Ui, codes: &[String]) {
        egui::ComboBox::from_label("Demand")
            .selected_text(&self.demand)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.demand, "areas".into(), "areas (one each)");
                for c in codes {
                    ui.selectable_value(&mut self.demand, c.clone(), c);
                }
            });
        ui.checkbox(&mut self.deprived_only, "Only the most deprived");
        if !self.deprived_only {
            return;
        }
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("deprived-by")
                .selected_text(&self.deprived_indicator)
                .show_ui(ui, |ui| {
                    for c in codes {
                        ui.selectable_value(&mut self.deprived_indicator, c.clone(), c);
                    }
                });
            ui.add(
                egui::DragValue::new(&mut self.deprived_percent)
                    .range(1.0..=100.0)
                    .suffix(" %"),
            );
        });
        ui.horizontal(|ui| {
            ui.label("ranked out of");
            ui.add(egui::DragValue::new(&mut self.deprived_of).range(0.0..=1.0e6))
                .on_hover_text("size of the national ranking (0 = rank within the workspace)");
        });
    }

    /// Where candidate sites come from, and the existing services.
    fn sites_ui(&mut self, ui: &mut egui::Ui, view: &AppView) {
        let layers: Vec<&str> = view
            .catalog
            .point_layers
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        egui::ComboBox::from_label("Candidates")
            .selected_text(&self.candidates)
            .show_ui(ui, |ui| {
                for g in &view.catalog.geographies {
                    let v = format!("centroids:{g}");
                    ui.selectable_value(&mut self.candidates, v.clone(), v);
                }
                for l in &layers {
                    ui.selectable_value(&mut self.candidates, l.to_string(), *l);
                }
            });
        egui::ComboBox::from_label("Existing")
            .selected_text(self.existing.clone().unwrap_or_else(|| "none".into()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.existing, None, "none");
                for l in &layers {
                    ui.selectable_value(&mut self.existing, Some(l.to_string()), *l);
                }
            });
    }

    /// The reach and the optional capacity per site.
    fn reach_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let l = ui.label("Reach");
            ui.add(
                egui::DragValue::new(&mut self.reach_m)
                    .range(50.0..=50_000.0)
                    .suffix(" m"),
            )
            .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            ui.checkbox(&mut self.capped, "Capacity")
                .on_hover_text("each site serves at most this much demand: MCLP and LSCP allocate the demand within reach up to it, the p-median assigns demand at least cost within it");
            ui.add_enabled(
                self.capped,
                egui::DragValue::new(&mut self.capacity).range(1.0..=1.0e7),
            );
        });
        if self.capped {
            ui.horizontal(|ui| {
                let l = ui.label("Capacity field");
                ui.add(egui::TextEdit::singleline(&mut self.capacity_field).desired_width(90.0))
                    .labelled_by(l.id)
                    .on_hover_text("a field of the site layers with each site's capacity; empty = the number above for all");
            });
        }
    }

    /// The model and its size (sites, or the share to cover).
    fn model_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.model, ModelChoice::Mclp, "MCLP");
            ui.selectable_value(&mut self.model, ModelChoice::Lscp, "LSCP");
            ui.selectable_value(&mut self.model, ModelChoice::Pmedian, "p-median");
            match self.model {
                ModelChoice::Lscp => ui.add(
                    egui::DragValue::new(&mut self.lscp_percent)
                        .range(1.0..=100.0)
                        .suffix(" % covered"),
                ),
                _ => ui.add(
                    egui::DragValue::new(&mut self.p)
                        .range(1..=100)
                        .prefix("sites "),
                ),
            };
        });
    }

    /// Starts the run on its own thread and workspace connection.
    fn start(&mut self, ctx: &egui::Context, view: &AppView, geography: &str) {
        let req = match self.request(geography) {
            Ok(req) => req,
            Err(e) => {
                self.message = e;
                return;
            }
        };
        let job = Job::on_workspace("site-finder", ctx, view.ws, move |ws, feedback| {
            site::run(ws, &req, feedback)
        });
        match job {
            Ok(job) => self.job = Some(job),
            Err(e) => self.message = e.to_string(),
        }
    }

    /// Takes the finished run: its sites and status map go on the map.
    fn poll(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(done) = Job::take_finished(&mut self.job) else {
            return out;
        };
        match done {
            Ok(r) => {
                out.push(Command::SetSitePoints(site_points(&r)));
                out.push(Command::ShowIndicator(format!("{SITE_SAVE}_site_status")));
                self.result = Some(r);
                self.message.clear();
            }
            Err(e) => self.message = e.to_string(),
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
