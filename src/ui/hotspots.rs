//! The Hotspots panel: global Moran's I, LISA or Gi* on the indicator being mapped, with the
//! weights, permutations, seed, α and FDR chosen here. The run is `ops::stats::run` on a
//! background thread (progress bar, Cancel); the result is shown as a cluster or hot/cold map
//! with the conventional colours (the export's symbology), plus the Moran scatterplot, and
//! can be saved as indicators (the same request with `save`, so the same seed gives the same
//! result).
//!
//! The result reaches the map in one place: [`HotspotPanel::map_result`] builds it and the
//! panel sends it as `Command::MapResult`; the app puts the run into the recipe as a `hotspot`
//! layer (its result seeded into the area cache), so the screen and an export draw the same
//! map.

use super::app::{AppView, Command, MapResult, MoranScatter, fill32};
use super::jobs::Job;
use crate::ops::Workspace;
use crate::ops::indicator_data::WeightsKind;
use crate::ops::map::explore::{AreaRow, Explore};
use crate::ops::stats::{self, Statistic, StatsRequest, StatsResponse};
use crate::render::input::LegendBlock;
use crate::render::spec::ClusterScheme;
use crate::render::symbology::format::p_clause;
use crate::render::symbology::{LegendOptions, clusters};
use egui::Color32;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WeightsChoice {
    Queen,
    Rook,
    Knn,
    Band,
}

/// The panel's settings, the running job and the last result.
pub struct HotspotPanel {
    statistic: Statistic,
    weights: WeightsChoice,
    knn_k: usize,
    band_m: f64,
    permutations: usize,
    seed: u64,
    alpha: f64,
    fdr: bool,
    two_sided: bool,
    job: Option<Job<(StatsRequest, StatsResponse)>>,
    result: Option<(StatsRequest, StatsResponse)>,
    /// Colour the map by the result.
    show_on_map: bool,
    message: String,
}

impl Default for HotspotPanel {
    fn default() -> Self {
        Self {
            statistic: Statistic::Lisa,
            weights: WeightsChoice::Queen,
            knn_k: 6,
            band_m: 1600.0,
            permutations: 999,
            seed: 12345,
            alpha: 0.05,
            fdr: false,
            two_sided: false,
            job: None,
            result: None,
            show_on_map: true,
            message: String::new(),
        }
    }
}

fn statistic_label(s: Statistic) -> &'static str {
    match s {
        Statistic::Moran => "Global Moran's I",
        Statistic::Lisa => "Local Moran (LISA)",
        Statistic::Gistar => "Getis-Ord Gi*",
    }
}

impl HotspotPanel {
    fn weights_kind(&self) -> WeightsKind {
        match self.weights {
            WeightsChoice::Queen => WeightsKind::Queen,
            WeightsChoice::Rook => WeightsKind::Rook,
            WeightsChoice::Knn => WeightsKind::Knn(self.knn_k),
            WeightsChoice::Band => WeightsKind::Band(self.band_m),
        }
    }

    fn request(&self, geography: &str, indicator: &str, period: &str) -> StatsRequest {
        StatsRequest {
            period: Some(period.to_string()),
            weights: self.weights_kind(),
            permutations: self.permutations,
            seed: self.seed,
            alpha: self.alpha,
            fdr: self.fdr,
            two_sided: self.two_sided,
            ..StatsRequest::new(self.statistic, geography, indicator)
        }
    }

    /// Forgets a result that belongs to another indicator or period.
    fn forget_if_other(&mut self, ex: &Explore) {
        if let Some((req, _)) = &self.result
            && (req.indicator != ex.indicator() || req.period.as_deref() != Some(&ex.period))
        {
            self.result = None;
            self.message.clear();
        }
    }

    /// Counts by class of the last LISA or Gi* result (empty otherwise).
    pub fn counts(&self) -> std::collections::BTreeMap<String, usize> {
        match &self.result {
            Some((_, StatsResponse::Lisa(l))) => {
                l.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect()
            }
            Some((_, StatsResponse::Gistar(g))) => {
                g.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect()
            }
            _ => Default::default(),
        }
    }

    /// Per-area code of the result (in area order of `rows`), for the cluster symbology.
    fn codes(&self, rows: &[AreaRow]) -> Option<(Vec<Option<f64>>, ClusterScheme, String)> {
        let (req, resp) = self.result.as_ref()?;
        let (by_code, scheme, title): (HashMap<&str, f64>, _, _) = match resp {
            StatsResponse::Lisa(l) => (
                l.areas
                    .iter()
                    .map(|a| (a.code.as_str(), stats::cluster_code(a.cluster)))
                    .collect(),
                ClusterScheme::Lisa,
                format!("LISA clusters of {}", req.indicator),
            ),
            StatsResponse::Gistar(g) => (
                g.areas
                    .iter()
                    .map(|a| (a.code.as_str(), stats::hotspot_code(a.class)))
                    .collect(),
                ClusterScheme::GiStar,
                format!("Gi* hot and cold spots of {}", req.indicator),
            ),
            StatsResponse::Moran(_) => return None,
        };
        Some((
            rows.iter()
                .map(|r| by_code.get(r.code.as_str()).copied())
                .collect(),
            scheme,
            title,
        ))
    }

    /// The Moran scatterplot of a LISA result: (area, [z, lag]) by area index of `rows`,
    /// Moran's I, and each area's cluster colour.
    fn scatter(&self, rows: &[AreaRow]) -> Option<MoranScatter> {
        let Some((_, StatsResponse::Lisa(l))) = &self.result else {
            return None;
        };
        let index: HashMap<&str, usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect();
        let points = l
            .areas
            .iter()
            .filter_map(|a| Some((*index.get(a.code.as_str())?, [a.z, a.lag])))
            .filter(|(_, p)| p[0].is_finite() && p[1].is_finite())
            .collect();
        let (fills, _) = self.symbolised(rows)?;
        Some((points, l.moran_i, fills))
    }

    fn symbolised(&self, rows: &[AreaRow]) -> Option<(Vec<Color32>, LegendBlock)> {
        let (codes, scheme, title) = self.codes(rows)?;
        let legend = LegendOptions {
            counts: true,
            all_classes: true,
        };
        let (fills, block) = clusters::symbolise(&codes, scheme, &title, legend, None);
        Some((fills.iter().map(fill32).collect(), block))
    }
}

impl HotspotPanel {
    /// What the result adds over the explored layer (`rows`): each area's class label, the
    /// Moran scatterplot and the run the recipe's `hotspot` layer is made from. `None` for a
    /// global Moran's I.
    fn map_result(&self, rows: &[AreaRow]) -> Option<MapResult> {
        let (req, resp) = self.result.as_ref()?;
        let (codes, scheme, _) = self.codes(rows)?;
        let classes = clusters::classes(scheme);
        let what = format!("{:?} ({})", req.statistic, req.weights)
            .replace("Lisa", "LISA")
            .replace("Gistar", "Gi*");
        let labels = codes
            .iter()
            .map(|v| {
                let (_, label, _) = classes.iter().find(|(k, _, _)| Some(*k as f64) == *v)?;
                Some(format!("{what}: {label}"))
            })
            .collect();
        Some(MapResult {
            indicator: req.indicator.clone(),
            period: req.period.clone().unwrap_or_default(),
            on_map: self.show_on_map,
            labels,
            moran: matches!(resp, StatsResponse::Lisa(_))
                .then(|| self.scatter(rows))
                .flatten(),
            run: Some((req.clone(), resp.clone())),
        })
    }

    /// The command that puts the current result (or none) on the map.
    fn show(&self, view: &AppView) -> Command {
        let result = view.current.and_then(|ex| self.map_result(&ex.rows));
        Command::MapResult(result.map(Box::new))
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let (Some(ex), Some(info)) = (view.current, view.indicator) else {
            return out;
        };
        self.forget_if_other(ex);
        self.settings_ui(ui);
        out.extend(self.run_ui(ui, view, &info.geography));
        out.extend(self.poll(view));
        if !self.message.is_empty() {
            ui.label(&self.message);
        }
        out.extend(self.result_ui(ui, view));
        out
    }

    /// Statistic, weights, permutations, seed, α, FDR and sidedness.
    fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let h = self;
        egui::ComboBox::from_label("Statistic")
            .selected_text(statistic_label(h.statistic))
            .show_ui(ui, |ui| {
                for s in [Statistic::Moran, Statistic::Lisa, Statistic::Gistar] {
                    ui.selectable_value(&mut h.statistic, s, statistic_label(s));
                }
            });
        egui::ComboBox::from_label("Weights")
            .selected_text(format!("{}", h.weights_kind()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut h.weights, WeightsChoice::Queen, "queen contiguity");
                ui.selectable_value(&mut h.weights, WeightsChoice::Rook, "rook contiguity");
                ui.selectable_value(&mut h.weights, WeightsChoice::Knn, "k nearest neighbours");
                ui.selectable_value(&mut h.weights, WeightsChoice::Band, "distance band");
            });
        match h.weights {
            WeightsChoice::Knn => {
                ui.add(egui::Slider::new(&mut h.knn_k, 1..=30).text("k"));
            }
            WeightsChoice::Band => {
                ui.add(
                    egui::DragValue::new(&mut h.band_m)
                        .range(10.0..=100_000.0)
                        .suffix(" m"),
                );
            }
            _ => {}
        }
        ui.horizontal(|ui| {
            let l = ui.label("Permutations");
            ui.add(egui::DragValue::new(&mut h.permutations).range(0..=99_999))
                .labelled_by(l.id);
            let l = ui.label("Seed");
            ui.add(egui::DragValue::new(&mut h.seed)).labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label("α");
            ui.add(
                egui::DragValue::new(&mut h.alpha)
                    .range(0.0001..=0.5)
                    .speed(0.001),
            )
            .labelled_by(l.id);
            ui.checkbox(&mut h.fdr, "FDR");
            ui.checkbox(&mut h.two_sided, "two-sided");
        });
    }

    /// The Run and Save buttons (and the running job's progress).
    fn run_ui(&mut self, ui: &mut egui::Ui, view: &AppView, geography: &str) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(ex) = view.current else {
            return out;
        };
        let (indicator, period) = (ex.indicator().to_string(), ex.period.clone());
        let h = self;
        let running = h.job.as_ref().is_some_and(Job::is_running);
        if let Some(job) = &h.job {
            job.ui(ui);
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!running, egui::Button::new("Run"))
                .on_hover_text("Run on a background thread")
                .clicked()
            {
                let req = h.request(geography, &indicator, &period);
                h.message.clear();
                match view
                    .ws
                    .reopen()
                    .and_then(|ws| spawn(ui.ctx(), ws, req, "hotspots"))
                {
                    Ok(job) => h.job = Some(job),
                    Err(e) => out.push(Command::ShowError(e.to_string())),
                }
            }
            let can_save = !running
                && matches!(
                    &h.result,
                    Some((_, StatsResponse::Lisa(_) | StatsResponse::Gistar(_)))
                );
            if ui
                .add_enabled(can_save, egui::Button::new("Save as indicators"))
                .clicked()
                && let Some((req, _)) = &h.result
            {
                let req = StatsRequest {
                    save: true,
                    ..req.clone()
                };
                match view
                    .ws
                    .reopen()
                    .and_then(|ws| spawn(ui.ctx(), ws, req, "save-results"))
                {
                    Ok(job) => h.job = Some(job),
                    Err(e) => out.push(Command::ShowError(e.to_string())),
                }
            }
        });
        out
    }

    /// Takes a finished job's result: a saved result is shown as its indicator, a run is put
    /// on the map.
    fn poll(&mut self, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let h = self;
        if let Some(job) = &mut h.job
            && let Some(done) = job.poll()
        {
            h.job = None;
            match done {
                Ok((req, resp)) => {
                    if req.save {
                        let suffix = match resp {
                            StatsResponse::Lisa(_) => "lisa_cluster",
                            StatsResponse::Gistar(_) => "gistar_class",
                            StatsResponse::Moran(_) => "moran_i",
                        };
                        h.message =
                            format!("Saved as {}_{suffix} and related indicators", req.indicator);
                        out.push(Command::ShowIndicator(format!(
                            "{}_{suffix}",
                            req.indicator
                        )));
                    } else {
                        h.result = Some((req, resp));
                        out.push(h.show(view));
                    }
                }
                Err(crate::Error::Cancelled) => h.message = "Cancelled.".into(),
                Err(e) => h.message = e.to_string(),
            }
        }
        out
    }

    /// The result in words, its counts, and "Show on the map".
    fn result_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let Some((_, resp)) = &self.result else {
            return out;
        };
        result_text(ui, resp);
        if !matches!(resp, StatsResponse::Moran(_))
            && ui
                .checkbox(&mut self.show_on_map, "Show on the map")
                .changed()
        {
            out.push(self.show(view));
        }
        out
    }
}

fn result_text(ui: &mut egui::Ui, resp: &StatsResponse) {
    match resp {
        StatsResponse::Moran(m) => {
            ui.label(format!(
                "Moran's I = {:.4} (E[I] = {:.4}), z = {:.2}, {}{}",
                m.i,
                m.expected_i,
                m.z_normal,
                p_clause("p (normal)", m.p_normal),
                m.p_sim
                    .map_or(String::new(), |p| format!(", {}", p_clause("pseudo p", p)))
            ));
        }
        StatsResponse::Lisa(l) => {
            ui.label(format!("LISA on {} areas, p cut-off {:.4}", l.n, l.cutoff));
            counts_grid(ui, "lisa-counts", &l.counts);
        }
        StatsResponse::Gistar(g) => {
            ui.label(format!("Gi* on {} areas", g.n));
            counts_grid(ui, "gi-counts", &g.counts);
            for w in &g.warnings {
                ui.small(w);
            }
        }
    }
}

fn counts_grid(ui: &mut egui::Ui, id: &str, counts: &std::collections::BTreeMap<String, usize>) {
    fn label(k: &str) -> &str {
        match k {
            "HH" => "High–High",
            "LL" => "Low–Low",
            "LH" => "Low–High",
            "HL" => "High–Low",
            "not_significant" => "Not significant",
            "island" => "No neighbours",
            "hot_99" => "Hot spot 99%",
            "hot_95" => "Hot spot 95%",
            "hot_90" => "Hot spot 90%",
            "cold_90" => "Cold spot 90%",
            "cold_95" => "Cold spot 95%",
            "cold_99" => "Cold spot 99%",
            other => other,
        }
    }
    egui::Grid::new(id).striped(true).show(ui, |ui| {
        for (k, n) in counts {
            ui.label(label(k));
            ui.label(format!("{n}"));
            ui.end_row();
        }
    });
}

fn spawn(
    ctx: &egui::Context,
    ws: Workspace,
    req: StatsRequest,
    name: &str,
) -> crate::Result<Job<(StatsRequest, StatsResponse)>> {
    Job::spawn(name, ctx, move |feedback| {
        let resp = stats::run(&ws, &req, feedback)?;
        Ok((req, resp))
    })
}
