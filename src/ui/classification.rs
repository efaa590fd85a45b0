//! The classification panel: method, number of classes, ColorBrewer palette (colour-blind
//! safe ones marked) with reverse, manual breaks, and a histogram of the values with the
//! breaks drawn on it. Dragging a break turns the classification into manual breaks and the
//! map and legend follow when it is dropped.

use super::app::{AppView, Command, fill32};
use crate::ops::classify::Method;
use crate::render::spec::{ClassificationSpec, LayerSpec, PaletteSpec};
use crate::render::symbology::{AreaValue, palette};
use egui::Color32;
use egui_plot::{Bar, BarChart, Plot, PlotPoint, VLine};

/// The panel's own state (the classification itself is the recipe's).
#[derive(Debug, Clone, Default)]
pub struct ClassificationPanel {
    /// The break being dragged (index into the breaks).
    dragging: Option<usize>,
    /// Where the dragged break is now (applied to the recipe when it is dropped).
    live: Option<(usize, f64)>,
    /// The manual-breaks text box.
    manual_text: String,
    /// Where the movable break lines were drawn last frame (screen points, mid-height).
    pub break_handles: Vec<egui::Pos2>,
    /// "Compared with …": the areas coloured by a comparison with a benchmark instead.
    compared: super::compared_with::ComparedWith,
}

/// A plain-language name of a method.
pub fn method_label(m: Method) -> &'static str {
    match m {
        Method::Equal => "Equal interval",
        Method::Quantile => "Quantiles",
        Method::Jenks => "Natural breaks (Jenks)",
        Method::Stddev => "Standard deviation",
        Method::Pretty => "Pretty breaks",
        Method::Maxbreaks => "Maximum breaks",
        Method::Box => "Box map",
        Method::Percentile => "Percentile map",
        Method::Headtail => "Head/tail breaks",
        Method::Manual => "Manual breaks",
    }
}

fn format_breaks(b: &[f64]) -> String {
    b.iter()
        .map(|v| format!("{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses "1, 2.5, 10" (commas or spaces).
fn parse_breaks(text: &str) -> Option<Vec<f64>> {
    let v: Option<Vec<f64>> = text
        .split([',', ' ', ';'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    v.filter(|v| !v.is_empty())
}

impl ClassificationPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading("Classification");
        let breaks_now = view.current.map(|c| c.breaks.clone()).unwrap_or_default();
        let Some(LayerSpec::Choropleth {
            classification: c0,
            palette: p0,
            ..
        }) = view.recipe.layers.first()
        else {
            if matches!(
                view.recipe.layers.first(),
                Some(LayerSpec::Significance { .. })
            ) {
                ui.label(
                    "Areas coloured by their comparison with a benchmark (Fingertips' colours).",
                );
                out.extend(self.compared.ui(ui, view));
            } else {
                ui.label("A cluster map: its classes and colours are fixed by convention.");
            }
            return out;
        };
        let (mut classification, mut pal) = (c0.clone(), p0.clone());
        out.extend(self.method_ui(ui, &mut classification, &breaks_now));
        palette_ui(ui, &mut pal, breaks_now.len().max(3));
        if classification != *c0 {
            if classification.method == Method::Manual && classification.breaks.is_empty() {
                classification.breaks = upper_breaks(&breaks_now);
            }
            out.push(Command::SetClassification(classification));
        }
        if pal != *p0 {
            out.push(Command::SetPalette(pal));
        }
        if let Some(c) = view.current {
            for n in &c.notes {
                ui.small(n);
            }
        }
        out.extend(self.histogram_ui(ui, view));
        out.extend(self.compared.ui(ui, view));
        out
    }

    /// Method, number of classes and the breaks box.
    fn method_ui(
        &mut self,
        ui: &mut egui::Ui,
        classification: &mut ClassificationSpec,
        breaks_now: &[f64],
    ) -> Vec<Command> {
        let mut out = Vec::new();
        egui::ComboBox::from_label("Method")
            .selected_text(method_label(classification.method))
            .show_ui(ui, |ui| {
                for m in Method::ALL {
                    ui.selectable_value(&mut classification.method, m, method_label(m));
                }
            });
        // The rows stay in place whatever the method, so the panel's layout does not move under
        // a break being dragged in the histogram.
        ui.add_enabled(
            classification.method.uses_k(),
            egui::Slider::new(&mut classification.k, 2..=9).text("Classes"),
        );
        ui.horizontal(|ui| {
            let l = ui.label("Breaks");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut self.manual_text).desired_width(150.0))
                .labelled_by(l.id);
            if !edit.has_focus() && self.dragging.is_none() {
                // Show the breaks in force (upper bounds but the last, the maximum).
                let shown = if classification.method == Method::Manual
                    && !classification.breaks.is_empty()
                {
                    classification.breaks.clone()
                } else {
                    upper_breaks(breaks_now)
                };
                self.manual_text = format_breaks(&shown);
            }
            if ui
                .button("Apply")
                .on_hover_text("Use these breaks (manual breaks)")
                .clicked()
            {
                match parse_breaks(&self.manual_text) {
                    Some(b) => {
                        classification.method = Method::Manual;
                        classification.breaks = b;
                    }
                    None => out.push(Command::ShowError(
                        "manual breaks: write numbers separated by commas, e.g. 10, 20, 40".into(),
                    )),
                }
            }
        });
        out
    }

    /// Histogram of the values with the class breaks; drag a break to move it.
    fn histogram_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let Some(ex) = view.current else {
            return out;
        };
        let Some(h) = Bins::of(ex.rows.iter().map(|r| &r.value)) else {
            return out;
        };
        let breaks = ex.breaks.clone();
        let (bars, selected) = bars(&h, ex, view, &breaks);
        let seen = self.plot_ui(ui, &h, &breaks, bars, selected);
        if let Some(b) = seen.clicked_bin {
            let areas = ex
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| matches!(r.value, AreaValue::Value(v) if h.bin_of(v) == b))
                .map(|(i, _)| i)
                .collect();
            out.push(Command::Select(areas));
        }
        self.break_handles = seen.handles;
        if let Some((i, x)) = seen.dragged_to {
            self.dragging = Some(i);
            self.live = Some((i, x));
        }
        if seen.released {
            out.extend(self.drop_break(view, &breaks));
        }
        ui.small("Drag a black break line to move it (the map follows when it is dropped); click a bar to select its areas.");
        out
    }

    /// The break being dragged is dropped: manual breaks with it at its new place.
    fn drop_break(&mut self, view: &AppView, breaks: &[f64]) -> Option<Command> {
        self.dragging = None;
        let (i, x) = self.live.take()?;
        let mut manual = upper_breaks(breaks);
        *manual.get_mut(i)? = x;
        let Some(LayerSpec::Choropleth { classification, .. }) = view.recipe.layers.first() else {
            return None;
        };
        if classification.method == Method::Manual && classification.breaks == manual {
            return None;
        }
        self.manual_text = format_breaks(&manual);
        Some(Command::SetClassification(ClassificationSpec {
            method: Method::Manual,
            breaks: manual,
            ..classification.clone()
        }))
    }

    /// Draws the bars and the movable breaks and reads the pointer: a break picked up or
    /// moved, a drag ended, a bar clicked.
    fn plot_ui(
        &self,
        ui: &mut egui::Ui,
        h: &Bins,
        breaks: &[f64],
        bars: Vec<Bar>,
        selected: Vec<Bar>,
    ) -> Seen {
        let mut seen = Seen::default();
        let (dragging, live) = (self.dragging, self.live);
        // The last break is the maximum: not draggable.
        let movable = breaks.len().saturating_sub(1);
        Plot::new("histogram")
            .height(150.0)
            .allow_drag(false)
            .allow_axis_zoom_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_y(false)
            .y_axis_label("areas")
            .show(ui, |plot_ui| {
                plot_ui.bar_chart(BarChart::new("values", bars));
                plot_ui.bar_chart(BarChart::new("selected", selected));
                for (i, b) in breaks.iter().enumerate().take(movable) {
                    let hot = dragging == Some(i);
                    let at = match live {
                        Some((k, x)) if k == i => x,
                        _ => *b,
                    };
                    plot_ui.vline(
                        VLine::new(format!("break {}", i + 1), at)
                            .color(if hot { Color32::RED } else { Color32::BLACK })
                            .width(if hot { 2.5 } else { 1.5 }),
                    );
                }
                let resp = plot_ui.response().clone();
                let pointer = plot_ui.pointer_coordinate();
                let screen_x = |b: f64| plot_ui.screen_from_plot(PlotPoint::new(b, 0.0)).x;
                let mid_y = resp.rect.center().y;
                seen.handles = breaks
                    .iter()
                    .take(movable)
                    .map(|b| egui::pos2(screen_x(*b), mid_y))
                    .collect();
                if resp.drag_started()
                    && let Some(p) = plot_ui
                        .ctx()
                        .input(|i| i.pointer.press_origin())
                        .or(resp.interact_pointer_pos())
                {
                    let nearest = breaks
                        .iter()
                        .take(movable)
                        .enumerate()
                        .map(|(i, b)| (i, (screen_x(*b) - p.x).abs()))
                        .filter(|(_, d)| *d < 10.0)
                        .min_by(|a, b| a.1.total_cmp(&b.1));
                    if let Some((i, _)) = nearest {
                        seen.dragged_to = Some((i, breaks.get(i).copied().unwrap_or(h.min)));
                    }
                } else if let (Some(i), true, Some(p)) = (dragging, resp.dragged(), pointer) {
                    seen.dragged_to = Some((i, h.clamp_between(breaks, i, p.x)));
                }
                seen.released = resp.drag_stopped();
                if resp.clicked()
                    && let Some(p) = pointer.filter(|p| p.x >= h.min && p.x <= h.max)
                {
                    seen.clicked_bin = Some(h.bin_of(p.x));
                }
            });
        seen
    }
}

/// What the histogram saw this frame.
#[derive(Debug, Default)]
struct Seen {
    /// Screen positions of the movable breaks.
    handles: Vec<egui::Pos2>,
    /// A break picked up or moved: its index and where it is now.
    dragged_to: Option<(usize, f64)>,
    released: bool,
    clicked_bin: Option<usize>,
}

/// The histogram's bins over the values.
struct Bins {
    min: f64,
    max: f64,
    width: f64,
    counts: Vec<usize>,
}

/// Number of histogram bars.
const BINS: usize = 30;

impl Bins {
    fn of<'a>(values: impl Iterator<Item = &'a AreaValue>) -> Option<Self> {
        let values: Vec<f64> = values
            .filter_map(|v| match v {
                AreaValue::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        let min = values.iter().copied().reduce(f64::min)?;
        let max = values.iter().copied().reduce(f64::max)?;
        let width = ((max - min) / BINS as f64).max(f64::EPSILON);
        let mut h = Self {
            min,
            max,
            width,
            counts: vec![0; BINS],
        };
        for v in values {
            let b = h.bin_of(v);
            if let Some(c) = h.counts.get_mut(b) {
                *c += 1;
            }
        }
        Some(h)
    }

    fn bin_of(&self, x: f64) -> usize {
        (((x - self.min) / self.width).floor().max(0.0) as usize).min(BINS - 1)
    }

    fn mid(&self, bin: usize) -> f64 {
        self.min + self.width * (bin as f64 + 0.5)
    }

    /// `x` kept strictly between the breaks either side of break `i`.
    fn clamp_between(&self, breaks: &[f64], i: usize, x: f64) -> f64 {
        let lo = match i {
            0 => self.min,
            _ => breaks.get(i - 1).copied().unwrap_or(self.min),
        };
        let hi = breaks.get(i + 1).copied().unwrap_or(self.max);
        x.clamp(lo + (hi - lo) * 1e-3, hi - (hi - lo) * 1e-3)
    }
}

/// The bars in their class's legend colour, and the selected areas per bin over them (the
/// selection is shared with the map).
fn bars(
    h: &Bins,
    ex: &crate::ops::map::explore::Explore,
    view: &AppView,
    breaks: &[f64],
) -> (Vec<Bar>, Vec<Bar>) {
    // Legend rows are the classes, in order.
    let class_fills: Vec<Color32> = view
        .base_legend
        .first()
        .map(|b| {
            b.entries
                .iter()
                .map(|e| match &e.swatch {
                    crate::render::input::Swatch::Area { fill, .. } => fill32(fill),
                    _ => Color32::GRAY,
                })
                .collect()
        })
        .unwrap_or_default();
    let colour_of = |x: f64| -> Color32 {
        let class = breaks
            .iter()
            .position(|b| x <= *b)
            .unwrap_or(breaks.len().saturating_sub(1));
        class_fills.get(class).copied().unwrap_or(Color32::GRAY)
    };
    let bars = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Bar::new(h.mid(i), *c as f64)
                .width(h.width)
                .fill(colour_of(h.mid(i)))
                .stroke(egui::Stroke::new(0.5, Color32::from_gray(80)))
        })
        .collect();
    let mut selected = vec![0usize; BINS];
    for i in view.selection {
        if let Some(AreaValue::Value(v)) = ex.rows.get(*i).map(|r| &r.value)
            && let Some(c) = selected.get_mut(h.bin_of(*v))
        {
            *c += 1;
        }
    }
    let selected = selected
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| {
            Bar::new(h.mid(i), *c as f64)
                .width(h.width * 0.6)
                .fill(Color32::from_rgb(0, 160, 230))
        })
        .collect();
    (bars, selected)
}

/// The upper class bounds but the last (the maximum): the breaks a user can move.
fn upper_breaks(breaks: &[f64]) -> Vec<f64> {
    breaks
        .split_last()
        .map(|(_, r)| r.to_vec())
        .unwrap_or_default()
}

/// The palette picker (colour-blind safe palettes marked for `k` classes) and reverse.
fn palette_ui(ui: &mut egui::Ui, pal: &mut PaletteSpec, k: usize) {
    let shown = pal
        .name
        .clone()
        .unwrap_or_else(|| "default (by polarity)".into());
    egui::ComboBox::from_label("Palette")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut pal.name, None, "default (by polarity)");
            for p in palette::palettes() {
                let label = if p.colour_blind_safe_up_to >= k {
                    format!("{} ✔ colour-blind safe", p.name)
                } else {
                    p.name.to_string()
                };
                ui.selectable_value(&mut pal.name, Some(p.name.to_string()), label);
            }
        });
    ui.checkbox(&mut pal.reverse, "Reverse colours");
}
