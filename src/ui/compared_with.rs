//! "Compared with …" in the classification panel: colour the explored indicator's areas by
//! their comparison with a benchmark (England, a region, each area's parent) instead of by
//! classes — the recipe's data layer becomes a significance layer, so an export draws the
//! same map — and back to classes.

use super::app::{AppView, Command, spec_for};
use crate::ops::compare::CompareMethod;
use crate::ops::compare_save::{BenchmarkChoice, benchmark_choices, method_words};
use crate::render::spec::LayerSpec;

/// The methods offered, in the order a Fingertips user knows them.
const METHODS: [(&str, CompareMethod); 7] = [
    ("ci95", CompareMethod::Ci95),
    ("ci99_8", CompareMethod::Ci99_8),
    ("ci95_99_8", CompareMethod::Ci95And99_8),
    ("overlap", CompareMethod::Overlap),
    ("spc", CompareMethod::Spc),
    ("quintiles", CompareMethod::Quintiles),
    ("quartiles", CompareMethod::Quartiles),
];

/// The section's state: the benchmarks of the explored indicator, read once per indicator.
#[derive(Debug, Clone, Default)]
pub struct ComparedWith {
    choices: Option<((String, String), Vec<BenchmarkChoice>)>,
}

impl ComparedWith {
    fn choices(&mut self, view: &AppView, geography: &str, indicator: &str) -> &[BenchmarkChoice] {
        let key = (geography.to_string(), indicator.to_string());
        if self.choices.as_ref().is_none_or(|(k, _)| *k != key) {
            let found = benchmark_choices(view.ws, indicator, geography).unwrap_or_default();
            self.choices = Some((key, found));
        }
        self.choices.as_ref().map_or(&[], |(_, c)| c.as_slice())
    }

    /// Under a choropleth: the choice to compare instead. Under a significance layer: its
    /// benchmark and method, and the way back to classes.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(first) = view.recipe.layers.first() else {
            return out;
        };
        match first {
            LayerSpec::Choropleth {
                geography,
                indicator,
                period,
                ..
            } => {
                let choices = self.choices(view, geography, indicator).to_vec();
                if choices.is_empty() {
                    return out;
                }
                ui.horizontal_wrapped(|ui| {
                    ui.label("Compared with");
                    for c in &choices {
                        if ui
                            .button(&c.label)
                            .on_hover_text(format!(
                                "Colour the areas better / similar / worse than {} (95%)",
                                c.label
                            ))
                            .clicked()
                        {
                            out.push(significance(geography, indicator, period, &c.spec, "ci95"));
                        }
                    }
                });
            }
            LayerSpec::Significance {
                geography,
                indicator,
                period,
                benchmark,
                method,
            } => {
                let choices = self.choices(view, geography, indicator).to_vec();
                let shown = choices
                    .iter()
                    .find(|c| c.spec == *benchmark)
                    .map_or(benchmark.clone(), |c| c.label.clone());
                ui.label(format!("Compared with {shown}"));
                let (mut b, mut m) = (benchmark.clone(), method.clone());
                egui::ComboBox::from_label("Benchmark")
                    .selected_text(&shown)
                    .show_ui(ui, |ui| {
                        for c in &choices {
                            ui.selectable_value(&mut b, c.spec.clone(), &c.label);
                        }
                    });
                let method_text = METHODS
                    .iter()
                    .find(|(k, _)| k == method)
                    .map_or(method.as_str(), |(_, x)| method_words(*x));
                egui::ComboBox::from_label("Method")
                    .selected_text(method_text)
                    .show_ui(ui, |ui| {
                        for (key, x) in METHODS {
                            ui.selectable_value(&mut m, key.to_string(), method_words(x));
                        }
                    });
                if b != *benchmark || m != *method {
                    out.push(significance(geography, indicator, period, &b, &m));
                }
                if ui.button("Back to classes").clicked()
                    && let Some(info) = view.indicator
                {
                    let mut spec = spec_for(info);
                    if let (Some(LayerSpec::Choropleth { period: p, .. }), Some(_)) =
                        (spec.layers.first_mut(), period)
                    {
                        *p = period.clone();
                    }
                    if let Some(layer) = spec.layers.into_iter().next() {
                        out.push(Command::SetLayer(0, Box::new(layer)));
                    }
                }
            }
            _ => {}
        }
        out
    }
}

fn significance(
    geography: &str,
    indicator: &str,
    period: &Option<String>,
    benchmark: &str,
    method: &str,
) -> Command {
    Command::SetLayer(
        0,
        Box::new(LayerSpec::Significance {
            geography: geography.to_string(),
            indicator: indicator.to_string(),
            period: period.clone(),
            benchmark: benchmark.to_string(),
            method: method.to_string(),
        }),
    )
}
