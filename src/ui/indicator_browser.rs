//! The indicator browser: themes → indicators → periods, with a search box, and the metadata
//! card of the indicator on the map (definition, unit, polarity, source, licence, how it was
//! made, last import).

use super::app::{AppView, Command};
use crate::ops::catalog::{self, IndicatorInfo, Polarity};
use crate::ops::map::explore::Explore;

/// The card's contents, read when the indicator changes.
#[derive(Debug, Clone, Default, PartialEq)]
struct Card {
    code: String,
    lines: Vec<(&'static str, String)>,
}

/// The browser's own state: the search text and the card of the indicator on the map.
#[derive(Debug, Default)]
pub struct IndicatorBrowser {
    search: String,
    card: Card,
}

impl IndicatorBrowser {
    /// Themes → indicators, filtered by the search box; the period picker and the card.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        ui.heading("Indicators");
        ui.horizontal(|ui| {
            let label = ui.label("Find");
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("Search indicators")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() * 0.55)
            .show(ui, |ui| out.extend(self.themes_ui(ui, view)));
        ui.separator();
        out.extend(period_ui(ui, view));
        self.card_ui(ui, view);
        out
    }

    /// The indicators by theme (a theme opens when it holds the current one or the search
    /// matches).
    fn themes_ui(&self, ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
        let mut out = Vec::new();
        let indicators = &view.catalog.indicators;
        let needle = self.search.to_lowercase();
        let mut themes: Vec<&str> = indicators.iter().map(|i| i.theme.as_str()).collect();
        themes.sort_unstable();
        themes.dedup();
        let mut held: Vec<&str> = indicators.iter().map(|i| i.geography.as_str()).collect();
        held.sort_unstable();
        held.dedup();
        let several = held.len() > 1;
        let current = view
            .indicator
            .map(|i| (i.code.clone(), i.geography.clone()));
        for theme in themes {
            let matching: Vec<&IndicatorInfo> = indicators
                .iter()
                .filter(|i| i.theme == theme)
                .filter(|i| {
                    needle.is_empty()
                        || i.title.to_lowercase().contains(&needle)
                        || i.code.to_lowercase().contains(&needle)
                })
                .collect();
            if matching.is_empty() {
                continue;
            }
            let open = !needle.is_empty()
                || matching.iter().any(|i| {
                    Some((&i.code, &i.geography)) == current.as_ref().map(|(c, g)| (c, g))
                });
            egui::CollapsingHeader::new(theme)
                .default_open(open)
                .open(if needle.is_empty() { None } else { Some(true) })
                .show(ui, |ui| {
                    for i in matching {
                        let selected =
                            current.as_ref() == Some(&(i.code.clone(), i.geography.clone()));
                        let label = if several {
                            format!("{} ({})", i.title, view.catalog.title(&i.geography))
                        } else {
                            i.title.clone()
                        };
                        if ui
                            .selectable_label(selected, label)
                            .on_hover_text(&i.code)
                            .clicked()
                        {
                            out.push(Command::PickIndicator(i.clone()));
                        }
                    }
                });
        }
        out
    }

    fn card_ui(&mut self, ui: &mut egui::Ui, view: &AppView) {
        let Some(ex) = view.current else {
            return;
        };
        if self.card.code != ex.meta.code {
            self.card = read_card(view, ex);
        }
        egui::CollapsingHeader::new("About this indicator")
            .default_open(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("card").show(ui, |ui| {
                    for (k, v) in &self.card.lines {
                        if v.is_empty() {
                            continue;
                        }
                        ui.horizontal_wrapped(|ui| {
                            ui.strong(format!("{k}:"));
                            ui.label(v);
                        });
                    }
                });
            });
    }
}

/// At most 300 characters (a saved result's provenance can be a long JSON recipe).
fn short(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn period_ui(ui: &mut egui::Ui, view: &AppView) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(info) = view.indicator else {
        return out;
    };
    let shown = view.current.map(|c| c.period.clone()).unwrap_or_default();
    egui::ComboBox::from_label("Period")
        .selected_text(&shown)
        .show_ui(ui, |ui| {
            for p in &info.periods {
                if ui.selectable_label(*p == shown, p).clicked() {
                    out.push(Command::SetPeriod(p.clone()));
                }
            }
        });
    out
}

fn read_card(view: &AppView, ex: &Explore) -> Card {
    let m = &ex.meta;
    let code = m.code.as_str();
    let polarity = match m.polarity {
        Polarity::HigherIsBetter => "higher is better",
        Polarity::LowerIsBetter => "lower is better",
        Polarity::Neutral => "neutral",
    };
    let history = catalog::card_history(view.ws, code).unwrap_or_default();
    let last = history
        .last_import
        .map(|r| format!("{} from {} ({} values)", r.at, r.file, r.rows))
        .unwrap_or_default();
    let statistics = [
        ("Value type", m.value_type.clone()),
        ("Multiplier", m.value_multiplier.map(|x| x.to_string())),
        ("Confidence limits", m.ci_method.clone()),
    ];
    let mut lines = vec![
        ("Title", m.title.clone()),
        ("Code", m.code.clone()),
        ("Theme", m.theme.clone()),
        ("Definition", m.definition.clone()),
        ("Unit", m.unit.clone()),
        ("Polarity", polarity.to_string()),
    ];
    // What `derive` recorded (left out for indicators without it).
    lines.extend(
        statistics
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v))),
    );
    lines.extend([
        ("Source", m.source.clone()),
        ("Licence", m.licence.clone()),
        ("Made by", short(&history.provenance)),
        ("Last import", last),
        (
            "Areas with a value",
            format!("{} of {}", ex.valued(), ex.rows.len()),
        ),
    ]);
    Card {
        code: code.to_string(),
        lines,
    }
}
