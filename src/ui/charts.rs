//! Linked views (egui_plot): a ranked bar chart, a scatter of two indicators, the time series
//! of the selected areas across periods, the Moran scatterplot of a LISA run, and the funnel
//! plot of an indicator with counts and denominators (`funnel_plot`). The
//! selection is shared with the map both ways: brushing (dragging a box) or clicking points
//! selects areas; selected areas are highlighted in every view.

use super::app::{AppView, Command};
use super::funnel_plot::FunnelPlot;
use crate::ops::series;
use crate::render::symbology::AreaValue;
use egui::Color32;
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoint, PlotPoints, PlotUi, Points, Polygon};
use std::collections::BTreeSet;

/// Which linked view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Ranked,
    Scatter,
    TimeSeries,
    Moran,
    Funnel,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Ranked,
        Tab::Scatter,
        Tab::TimeSeries,
        Tab::Moran,
        Tab::Funnel,
    ];
    fn label(self) -> &'static str {
        match self {
            Tab::Ranked => "Ranked",
            Tab::Scatter => "Scatter",
            Tab::TimeSeries => "Time series",
            Tab::Moran => "Moran scatterplot",
            Tab::Funnel => "Funnel plot",
        }
    }
}

/// The views' state and the data they read on demand.
#[derive(Default)]
pub struct Charts {
    tab: Tab,
    /// The scatter's y indicator (code).
    scatter_y: Option<String>,
    /// (indicator, geography, area count) the cached y values belong to.
    y_key: Option<(String, String, usize)>,
    y_values: Vec<Option<f64>>,
    y_period: String,
    /// Brushing: the drag's start in plot coordinates.
    brush_start: Option<PlotPoint>,
    series_key: Option<(String, Vec<usize>)>,
    series: Vec<series::PeriodValues>,
    /// The ranked chart's order (area, value) for the app's generation.
    ranked: Option<(u64, Vec<(usize, f64)>)>,
    funnel: FunnelPlot,
}

const SELECTED: Color32 = Color32::from_rgb(0, 160, 230);

/// What a brushable scatter plot shows: (area index, [x, y]) points, each area's colour, and
/// the axis titles.
struct Scatter<'a> {
    id: &'a str,
    points: &'a [(usize, [f64; 2])],
    colour: &'a dyn Fn(usize) -> Color32,
    x_label: &'a str,
    y_label: &'a str,
}

/// A scatter plot with brushing; returns the selection command, if any.
fn brush_scatter(
    ui: &mut egui::Ui,
    plot: Scatter<'_>,
    selected: &BTreeSet<usize>,
    brush: &mut Option<PlotPoint>,
    extra: impl FnOnce(&mut PlotUi<'_>),
) -> Option<Command> {
    let Scatter {
        id,
        points,
        colour,
        x_label,
        y_label,
    } = plot;
    let mut cmd = None;
    let additive = ui.input(|i| i.modifiers.command || i.modifiers.shift);
    let (by_colour, sel) = by_colour(points, selected, colour);
    Plot::new(id)
        .allow_drag(false)
        .allow_axis_zoom_drag(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(true)
        .x_axis_label(x_label)
        .y_axis_label(y_label)
        .show(ui, |plot_ui| {
            for (k, (c, pts)) in by_colour.into_iter().enumerate() {
                plot_ui.points(
                    Points::new(format!("areas {k}"), PlotPoints::from(pts))
                        .color(c)
                        .radius(2.5),
                );
            }
            plot_ui.points(
                Points::new("selected", PlotPoints::from(sel))
                    .color(SELECTED)
                    .radius(4.0),
            );
            extra(plot_ui);
            let resp = plot_ui.response().clone();
            let pointer = plot_ui.pointer_coordinate();
            if resp.drag_started() {
                *brush = plot_ui
                    .ctx()
                    .input(|i| i.pointer.press_origin())
                    .map(|p| plot_ui.plot_from_screen(p))
                    .or(pointer);
            }
            if let (Some(a), Some(b)) = (*brush, pointer) {
                let rect = vec![[a.x, a.y], [b.x, a.y], [b.x, b.y], [a.x, b.y]];
                plot_ui.polygon(
                    Polygon::new("brush", PlotPoints::from(rect))
                        .fill_color(SELECTED.gamma_multiply(0.2))
                        .stroke(egui::Stroke::new(1.0, SELECTED)),
                );
                if resp.drag_stopped() {
                    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
                    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
                    let caught: Vec<usize> = points
                        .iter()
                        .filter(|(_, p)| p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1)
                        .map(|(i, _)| *i)
                        .collect();
                    cmd = Some(if additive {
                        Command::AddToSelection(caught)
                    } else {
                        Command::Select(caught)
                    });
                    *brush = None;
                }
            }
            if resp.clicked()
                && let Some(pos) = resp.interact_pointer_pos()
            {
                cmd = Some(click_command(plot_ui, points, pos, additive));
            }
        });
    cmd
}

/// Points of one colour.
type ColourGroup = (Color32, Vec<[f64; 2]>);

/// The unselected points grouped by colour (one plot item per colour), and the selected ones.
fn by_colour(
    points: &[(usize, [f64; 2])],
    selected: &BTreeSet<usize>,
    colour: &dyn Fn(usize) -> Color32,
) -> (Vec<ColourGroup>, Vec<[f64; 2]>) {
    let mut groups: Vec<ColourGroup> = Vec::new();
    let mut sel = Vec::new();
    for (i, p) in points {
        if selected.contains(i) {
            sel.push(*p);
            continue;
        }
        let c = colour(*i);
        match groups.iter_mut().find(|(k, _)| *k == c) {
            Some((_, v)) => v.push(*p),
            None => groups.push((c, vec![*p])),
        }
    }
    (groups, sel)
}

/// A click at `pos`: select (or, `additive`, toggle) the nearest point within 6 px, or clear
/// the selection when none is that near.
fn click_command(
    plot_ui: &PlotUi<'_>,
    points: &[(usize, [f64; 2])],
    pos: egui::Pos2,
    additive: bool,
) -> Command {
    let nearest = points
        .iter()
        .map(|(i, p)| {
            let s = plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1]));
            (*i, s.distance(pos))
        })
        .filter(|(_, d)| *d < 6.0)
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((i, _)) if additive => Command::ToggleSelected(i),
        Some((i, _)) => Command::Select(vec![i]),
        None => Command::ClearSelection,
    }
}

fn value(v: &AreaValue) -> Option<f64> {
    match v {
        AreaValue::Value(x) => Some(*x),
        _ => None,
    }
}

impl Charts {
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.horizontal(|ui| {
            for t in Tab::ALL {
                ui.selectable_value(&mut self.tab, t, t.label());
            }
            ui.separator();
            ui.label(format!("{} selected", view.selection.len()));
            if !view.selection.is_empty() && ui.button("Clear selection").clicked() {
                out.push(Command::ClearSelection);
            }
        });
        match self.tab {
            Tab::Ranked => out.extend(self.ranked_ui(ui, view)),
            Tab::Scatter => out.extend(self.scatter_ui(ui, view)),
            Tab::TimeSeries => out.extend(self.time_series_ui(ui, view)),
            Tab::Moran => out.extend(self.moran_ui(ui, view)),
            Tab::Funnel => out.extend(self.funnel_ui(ui, view)),
        }
        out
    }

    fn ranked_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Option<Command> {
        let ex = view.current?;
        if self
            .ranked
            .as_ref()
            .is_none_or(|(g, _)| *g != view.generation)
        {
            let mut order: Vec<(usize, f64)> = ex
                .rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| value(&r.value).map(|v| (i, v)))
                .collect();
            order.sort_by(|a, b| b.1.total_cmp(&a.1));
            self.ranked = Some((view.generation, order));
        }
        let order = self.ranked.as_ref().map(|(_, o)| o)?;
        let bars: Vec<Bar> = order
            .iter()
            .enumerate()
            .map(|(pos, (i, v))| {
                let fill = if view.selection.contains(i) {
                    SELECTED
                } else {
                    view.fills.get(*i).copied().unwrap_or(Color32::GRAY)
                };
                Bar::new(pos as f64 + 1.0, *v)
                    .width(1.0)
                    .fill(fill)
                    .name(ex.rows.get(*i).map_or("", |r| r.name.as_str()))
            })
            .collect();
        let mut cmd = None;
        let additive = ui.input(|i| i.modifiers.command);
        Plot::new("ranked")
            .allow_drag(false)
            .allow_boxed_zoom(false)
            .x_axis_label("rank (1 = highest)")
            .y_axis_label(ex.meta.unit.clone())
            .show(ui, |plot_ui| {
                plot_ui.bar_chart(BarChart::new("ranked", bars));
                let resp = plot_ui.response().clone();
                if resp.clicked()
                    && let Some(p) = plot_ui.pointer_coordinate()
                {
                    let pos = p.x.round() as i64 - 1;
                    if let Some((i, _)) = usize::try_from(pos).ok().and_then(|k| order.get(k)) {
                        cmd = Some(if additive {
                            Command::ToggleSelected(*i)
                        } else {
                            Command::Select(vec![*i])
                        });
                    }
                }
            });
        cmd
    }

    fn scatter_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let (Some(ex), Some(info)) = (view.current, view.indicator) else {
            return out;
        };
        let geography = info.geography.clone();
        let indicators = &view.catalog.indicators;
        let choices: Vec<(String, String)> = indicators
            .iter()
            .filter(|i| i.geography == geography && i.code != ex.indicator())
            .map(|i| (i.code.clone(), i.title.clone()))
            .collect();
        if self
            .scatter_y
            .as_ref()
            .is_none_or(|y| !choices.iter().any(|c| &c.0 == y))
        {
            // Another theme's score makes a more telling first scatter than a rank of the
            // same measure.
            let theme = &ex.meta.theme;
            self.scatter_y = indicators
                .iter()
                .filter(|i| i.geography == geography && &i.theme != theme)
                .find(|i| i.code.ends_with("_score"))
                .map(|i| i.code.clone())
                .or_else(|| choices.first().map(|c| c.0.clone()));
        }
        let Some(y_code) = self.scatter_y.clone() else {
            return out;
        };
        let y_title = choices
            .iter()
            .find(|c| c.0 == y_code)
            .map_or(y_code.clone(), |c| c.1.clone());
        egui::ComboBox::from_label("against")
            .selected_text(&y_title)
            .show_ui(ui, |ui| {
                for (code, title) in &choices {
                    ui.selectable_value(&mut self.scatter_y, Some(code.clone()), title);
                }
            });
        let key = (y_code.clone(), geography.clone(), ex.rows.len());
        if self.y_key.as_ref() != Some(&key) {
            let codes: Vec<String> = ex.rows.iter().map(|r| r.code.clone()).collect();
            let req = series::SeriesRequest {
                indicator: y_code.clone(),
                geography: geography.clone(),
                codes,
                periods: series::Periods::One(None),
            };
            match series::run(view.ws, &req, &crate::ops::Silent) {
                Ok(r) => {
                    let one = r.periods.into_iter().next();
                    self.y_period = one.as_ref().map(|p| p.period.clone()).unwrap_or_default();
                    self.y_values = one.map(|p| p.values).unwrap_or_default();
                }
                Err(e) => out.push(Command::ShowError(e.to_string())),
            }
            self.y_key = Some(key);
        }
        let points: Vec<(usize, [f64; 2])> = ex
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let x = value(&r.value)?;
                let y = self.y_values.get(i).copied().flatten()?;
                Some((i, [x, y]))
            })
            .collect();
        let fills = view.fills;
        let x_label = ex.meta.title.clone();
        let y_label = format!("{y_title} ({})", self.y_period);
        let colour = |i: usize| fills.get(i).copied().unwrap_or(Color32::GRAY);
        let plot = Scatter {
            id: "scatter",
            points: &points,
            colour: &colour,
            x_label: &x_label,
            y_label: &y_label,
        };
        out.extend(brush_scatter(
            ui,
            plot,
            view.selection,
            &mut self.brush_start,
            |_| {},
        ));
        out
    }

    fn time_series_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let (Some(ex), Some(info)) = (view.current, view.indicator) else {
            return out;
        };
        let chosen: Vec<usize> = view.selection.iter().copied().take(12).collect();
        let key = (info.code.clone(), chosen.clone());
        if self.series_key.as_ref() != Some(&key) {
            let codes: Vec<String> = if chosen.is_empty() {
                ex.rows.iter().map(|r| r.code.clone()).collect()
            } else {
                chosen
                    .iter()
                    .filter_map(|i| ex.rows.get(*i).map(|r| r.code.clone()))
                    .collect()
            };
            let req = series::SeriesRequest {
                indicator: info.code.clone(),
                geography: info.geography.clone(),
                codes,
                periods: series::Periods::All,
            };
            match series::run(view.ws, &req, &crate::ops::Silent) {
                Ok(r) => self.series = r.periods,
                Err(e) => out.push(Command::ShowError(e.to_string())),
            }
            self.series_key = Some(key);
        }
        let periods: Vec<String> = self.series.iter().map(|p| p.period.clone()).collect();
        if periods.len() < 2 {
            ui.label(format!(
                "{} has one period ({}): import more periods to see a trend.",
                info.title,
                periods.join(", ")
            ));
        }
        let names: Vec<String> = if chosen.is_empty() {
            vec!["mean of all areas".into()]
        } else {
            chosen
                .iter()
                .filter_map(|i| ex.rows.get(*i).map(|r| format!("{} {}", r.code, r.name)))
                .collect()
        };
        let series = &self.series;
        let labels = periods.clone();
        Plot::new("series")
            .legend(egui_plot::Legend::default())
            .x_axis_formatter(move |m, _| {
                labels
                    .get(m.value.round() as usize)
                    .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                    .cloned()
                    .unwrap_or_default()
            })
            .show(ui, |plot_ui| {
                for (k, name) in names.iter().enumerate() {
                    let pts: Vec<[f64; 2]> = series
                        .iter()
                        .enumerate()
                        .filter_map(|(x, p)| {
                            let y = if chosen.is_empty() {
                                let v: Vec<f64> = p.values.iter().flatten().copied().collect();
                                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
                            } else {
                                p.values.get(k).copied().flatten()
                            };
                            y.map(|y| [x as f64, y])
                        })
                        .collect();
                    plot_ui.line(Line::new(name.clone(), PlotPoints::from(pts.clone())));
                    plot_ui.points(Points::new(name.clone(), PlotPoints::from(pts)).radius(3.5));
                }
            });
        out
    }

    /// The funnel plot (`funnel_plot` computes it): dots and limit lines, brushable.
    fn funnel_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Option<Command> {
        let fig = self.funnel.ui(ui, view)?;
        let colour = |i: usize| fig.colours.get(i).copied().unwrap_or(Color32::GRAY);
        let plot = Scatter {
            id: "funnel",
            points: &fig.points,
            colour: &colour,
            x_label: &fig.x_label,
            y_label: &fig.y_label,
        };
        let lines = fig.lines.clone();
        brush_scatter(ui, plot, view.selection, &mut self.brush_start, |plot_ui| {
            for (name, pts, colour, style) in lines {
                plot_ui.line(
                    Line::new(name, PlotPoints::from(pts))
                        .color(colour)
                        .style(style),
                );
            }
        })
    }

    fn moran_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Option<Command> {
        let Some((points, slope, colours)) = view.map_result.and_then(|r| r.moran.as_ref()) else {
            ui.label("Run LISA in the Hotspots panel to see its Moran scatterplot.");
            return None;
        };
        let slope = *slope;
        ui.label(format!(
            "Moran's I = {slope:.4} (the slope of the spatial lag on the standardised value)"
        ));
        let (lo, hi) = points.iter().fold((0.0f64, 0.0f64), |(lo, hi), (_, p)| {
            (lo.min(p[0]), hi.max(p[0]))
        });
        let colour = |i: usize| colours.get(i).copied().unwrap_or(Color32::GRAY);
        let plot = Scatter {
            id: "moran",
            points,
            colour: &colour,
            x_label: "standardised value z",
            y_label: "spatial lag of z",
        };
        brush_scatter(ui, plot, view.selection, &mut self.brush_start, |plot_ui| {
            plot_ui.line(
                Line::new(
                    "Moran's I",
                    PlotPoints::from(vec![[lo, lo * slope], [hi, hi * slope]]),
                )
                .color(Color32::BLACK),
            );
            plot_ui.hline(egui_plot::HLine::new("0", 0.0).color(Color32::GRAY));
            plot_ui.vline(egui_plot::VLine::new("0 ", 0.0).color(Color32::GRAY));
        })
    }
}

impl Charts {
    /// The chart beside the map in presenter mode: the Moran scatterplot of a LISA result, or
    /// the scatter plot when there is none.
    pub fn presenter_ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        if view.map_result.and_then(|r| r.moran.as_ref()).is_some() {
            ui.strong("Moran scatterplot");
            self.moran_ui(ui, view).into_iter().collect()
        } else {
            ui.strong("Scatter plot");
            self.scatter_ui(ui, view)
        }
    }
}
