//! The Charts window's funnel plot (a part of `charts`, which draws it with its brushable
//! scatter): the explored indicator's areas as dots of value against denominator, with the
//! 95% and 99.8% control limits and the average from `ops::funnel` (computed on a background
//! job, once per indicator, geography and period). Clicking a dot or brushing a box selects
//! areas, in the selection the map shares.

use super::app::AppView;
use super::jobs::Job;
use crate::ops::funnel::{self, FunnelRequest, FunnelResult};
use egui::Color32;
use egui_plot::LineStyle;
use std::collections::HashMap;

/// Dots outside the 99.8% limits, outside the 95% limits only, and inside.
const OUTSIDE_99_8: Color32 = Color32::from_rgb(155, 28, 49);
const OUTSIDE_95: Color32 = Color32::from_rgb(230, 159, 0);
const INSIDE: Color32 = Color32::from_rgb(140, 140, 140);
const LIMIT_95: Color32 = Color32::from_rgb(230, 159, 0);
const LIMIT_99_8: Color32 = Color32::from_rgb(155, 28, 49);

/// (indicator, geography, period) a funnel was computed for.
type Key = (String, String, String);

/// The funnel tab's state: the job computing it and the last result (or why there is none).
#[derive(Default)]
pub struct FunnelPlot {
    key: Option<Key>,
    job: Option<Job<FunnelResult>>,
    result: Option<Result<FunnelResult, String>>,
}

/// What the tab draws once the funnel is ready: (area index, [denominator, value]) dots, each
/// area's colour, the lines (name, points, colour, style) and the axis titles.
pub struct FunnelFigure {
    pub points: Vec<(usize, [f64; 2])>,
    pub colours: Vec<Color32>,
    pub lines: Vec<(&'static str, Vec<[f64; 2]>, Color32, LineStyle)>,
    pub x_label: String,
    pub y_label: String,
}

fn colour_of(p: &funnel::FunnelArea) -> Color32 {
    if p.outside_99_8.is_some() {
        OUTSIDE_99_8
    } else if p.outside_95.is_some() {
        OUTSIDE_95
    } else {
        INSIDE
    }
}

fn axis_name(kind: &str) -> &str {
    match kind {
        "expected" => "expected events",
        other => other,
    }
}

impl FunnelPlot {
    /// The tab's status and summary; the figure to draw once the funnel is ready.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Option<FunnelFigure> {
        let (Some(ex), Some(info)) = (view.current, view.indicator) else {
            ui.label("Map an indicator to see its funnel plot.");
            return None;
        };
        let key = (
            ex.indicator().to_string(),
            info.geography.clone(),
            ex.period.clone(),
        );
        if self.key.as_ref() != Some(&key) {
            let req = FunnelRequest {
                indicator: key.0.clone(),
                geography: key.1.clone(),
                period: Some(key.2.clone()),
            };
            self.result = None;
            match Job::on_workspace("funnel", ui.ctx(), view.ws, move |ws, _| {
                funnel::funnel(ws, &req)
            }) {
                Ok(job) => self.job = Some(job),
                Err(e) => self.result = Some(Err(e.to_string())),
            }
            self.key = Some(key);
        }
        if let Some(done) = Job::take_finished(&mut self.job) {
            self.result = Some(done.map_err(|e| e.to_string()));
        }
        if let Some(job) = &self.job {
            job.ui(ui);
            return None;
        }
        match &self.result {
            None => None,
            Some(Err(e)) => {
                ui.label(format!("No funnel plot for {}: {e}", info.title));
                None
            }
            Some(Ok(r)) => Some(figure(ui, view, r)),
        }
    }
}

/// The summary row, and the figure of a computed funnel.
fn figure(ui: &mut egui::Ui, view: &AppView, r: &FunnelResult) -> FunnelFigure {
    let rows = view.current.map_or(&[][..], |ex| ex.rows.as_slice());
    let index: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (row.code.as_str(), i))
        .collect();
    let mut colours = vec![INSIDE; rows.len()];
    let points: Vec<(usize, [f64; 2])> = r
        .points
        .iter()
        .filter_map(|p| {
            let i = *index.get(p.code.as_str())?;
            if let Some(c) = colours.get_mut(i) {
                *c = colour_of(p);
            }
            Some((i, [p.denominator, p.value]))
        })
        .collect();
    // One row: the summary and the colour key (the plot gets the rest of the panel).
    let c = r.counts;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "Funnel plot ({}): average {:.2}; outside 99.8%: {} above, {} below; outside \
                 95%: {} above, {} below",
            r.period, r.average, c.above_99_8, c.below_99_8, c.above_95, c.below_95
        ));
        if !r.excluded.is_empty() {
            ui.label(format!(
                "({} area(s) without a usable count and denominator left out)",
                r.excluded.len()
            ));
        }
        ui.colored_label(OUTSIDE_99_8, "● outside 99.8%");
        ui.colored_label(OUTSIDE_95, "● outside 95%");
        ui.colored_label(INSIDE, "● inside");
    });
    let line = |pick: fn(&funnel::CurveRow) -> f64| -> Vec<[f64; 2]> {
        r.curve
            .iter()
            .filter(|row| pick(row).is_finite())
            .map(|row| [row.denominator, pick(row)])
            .collect()
    };
    let (lo, hi) = r
        .curve
        .first()
        .zip(r.curve.last())
        .map_or((0.0, 1.0), |(a, b)| (a.denominator, b.denominator));
    let dashed = LineStyle::dashed_loose();
    let lines = vec![
        (
            "average",
            vec![[lo, r.average], [hi, r.average]],
            Color32::BLACK,
            LineStyle::Solid,
        ),
        ("95% limits", line(|c| c.lower_95), LIMIT_95, dashed),
        ("95% limits", line(|c| c.upper_95), LIMIT_95, dashed),
        (
            "99.8% limits",
            line(|c| c.lower_99_8),
            LIMIT_99_8,
            LineStyle::Solid,
        ),
        (
            "99.8% limits",
            line(|c| c.upper_99_8),
            LIMIT_99_8,
            LineStyle::Solid,
        ),
    ];
    FunnelFigure {
        points,
        colours,
        lines,
        x_label: axis_name(&r.denominator_kind).to_string(),
        // The unit, not the title: a rotated axis title has only the plot's height.
        y_label: if r.unit.is_empty() {
            "value".to_string()
        } else {
            r.unit.clone()
        },
    }
}
