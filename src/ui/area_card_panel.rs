//! The area card: every indicator of one area at its latest period (as `local-atlas area`
//! prints it, from `ops::area_card`), by theme, and the areas it lies in (its ward, its
//! district) with their values. Opened from Find or by double-clicking an area.

use crate::ops::Workspace;
use crate::ops::area_card::{self, AreaCard, AreaRef, CardValue};

/// The card shown, for which area.
#[derive(Default)]
pub struct AreaCardPanel {
    open: bool,
    card: Option<Result<AreaCard, String>>,
}

impl AreaCardPanel {
    /// Reads the card of area `code` of `geography` and opens the window.
    pub fn show(&mut self, ws: &Workspace, geography: &str, code: &str) {
        self.card =
            Some(area_card::area_card(ws, code, Some(geography)).map_err(|e| e.to_string()));
        self.open = true;
    }

    /// Whether the window is open (Esc closes it before anything else).
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn close(&mut self) {
        self.open = false;
    }

    /// The window, when open.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if !self.open {
            return;
        }
        let mut open = self.open;
        let title = match &self.card {
            Some(Ok(c)) => format!("Area: {}", heading(&c.area)),
            _ => "Area".into(),
        };
        // At the right, over the side panel, so the area it describes stays in view.
        let screen = ctx.content_rect();
        egui::Window::new(title)
            .id(egui::Id::unique("area-card"))
            .open(&mut open)
            .default_width(420.0)
            .default_pos(egui::pos2(screen.right() - 440.0, screen.top() + 60.0))
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height((screen.height() - 160.0).max(200.0))
                    .show(ui, |ui| match &self.card {
                        Some(Ok(card)) => card_ui(ui, card),
                        Some(Err(e)) => {
                            ui.label(e);
                        }
                        None => {}
                    });
            });
        self.open = open;
    }
}

fn heading(a: &AreaRef) -> String {
    match &a.name {
        Some(n) => format!("{n} ({}, {})", a.code, a.geography_title),
        None => format!("{} ({})", a.code, a.geography_title),
    }
}

fn card_ui(ui: &mut egui::Ui, card: &AreaCard) {
    values_ui(ui, "area-card-values", &card.values);
    for (i, p) in card.parents.iter().enumerate() {
        ui.separator();
        ui.strong(format!("In {}", heading(&p.area)));
        values_ui(ui, &format!("area-card-parent-{i}"), &p.values);
    }
}

/// The values by theme, each theme a collapsible table of indicator, period and value.
fn values_ui(ui: &mut egui::Ui, id: &str, values: &[CardValue]) {
    if values.is_empty() {
        ui.weak(
            "No indicator values are stored for this area itself; the values of the areas it \
             is made of are selected on the map.",
        );
        return;
    }
    let mut themes: Vec<&str> = values.iter().map(|v| v.theme.as_str()).collect();
    themes.dedup();
    for theme in themes {
        egui::CollapsingHeader::new(theme)
            .id_salt((id, theme))
            .default_open(true)
            .show(ui, |ui| {
                egui::Grid::new((id, theme, "grid"))
                    .striped(true)
                    .num_columns(3)
                    .show(ui, |ui| {
                        for v in values.iter().filter(|v| v.theme == theme) {
                            ui.label(&v.title);
                            ui.weak(&v.period);
                            ui.label(&v.shown);
                            ui.end_row();
                        }
                    });
            });
    }
}
