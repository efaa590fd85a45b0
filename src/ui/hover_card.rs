//! The hover card of the area under the pointer: name, code, value with its unit, rank and
//! class. Class maps (saved LISA clusters, Gi* classes, siting status, a hotspot run) hold
//! categories, so they show no rank; p-values below 0.001 read "< 0.001".

use super::app::AppView;
use crate::ops::map::explore::Explore;
use crate::render::symbology::AreaValue;
use crate::render::symbology::format::format_p;

/// The card's lines for area `i` of the explored layer (empty when there is none).
pub fn card_lines(view: &AppView, i: usize) -> Vec<String> {
    let Some(ex) = view.current else {
        return Vec::new();
    };
    let Some(row) = ex.rows.get(i) else {
        return Vec::new();
    };
    let decimals = usize::try_from(ex.meta.decimals).unwrap_or(1);
    let stats = ex.statistics.as_ref().and_then(|s| s.rows.get(i));
    let value = match row.value {
        AreaValue::Value(v) if is_p_value(&ex.meta.code, &ex.meta.unit) => format_p(v),
        AreaValue::Value(v) => format!("{v:.decimals$} {}", ex.meta.unit)
            .trim()
            .to_string(),
        AreaValue::Missing => "no data".into(),
        AreaValue::Suppressed => "suppressed".into(),
    };
    let mut lines = vec![
        row.name.clone(),
        row.code.clone(),
        format!("{}: {value}", ex.meta.title),
    ];
    if let Some(r) = row.rank.filter(|_| !is_categorical(view, ex)) {
        lines.push(format!("rank {r} of {} (1 = highest)", ex.valued()));
    }
    let class = row.class.and_then(|c| {
        let entry = view.base_legend.first()?.entries.get(c)?;
        Some(entry.label.clone())
    });
    // A significance layer's class is its comparison, which the statistics lines say.
    if let Some(c) = class.filter(|_| !is_significance(view)) {
        lines.push(format!("class {c}"));
    }
    if let Some(h) = view
        .map_result
        .filter(|r| r.on_map)
        .and_then(|r| r.labels.get(i).cloned().flatten())
    {
        lines.push(h);
    }
    if let Some(st) = stats {
        lines.extend(statistics_lines(st, decimals));
    }
    lines
}

/// The CI, comparison and trend lines of an area.
fn statistics_lines(
    st: &crate::ops::map::area_statistics::AreaStatistics,
    decimals: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((l, u)) = st.ci95 {
        out.push(format!("95% CI {l:.decimals$} – {u:.decimals$}"));
    }
    out.extend(st.comparison.clone());
    out.extend(st.trend.clone());
    out
}

/// Whether the explored layer is a significance layer (its values are result codes).
fn is_significance(view: &AppView) -> bool {
    matches!(
        view.recipe.layers.first(),
        Some(crate::render::spec::LayerSpec::Significance { .. })
    )
}

/// Shows the card of area `i` at the pointer.
pub fn hover_card(ui: &egui::Ui, view: &AppView, i: usize) {
    let lines = card_lines(view, i);
    if lines.is_empty() {
        return;
    }
    egui::Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        egui::Id::unique("area-tooltip"),
        egui::PopupAnchor::Pointer,
    )
    .show(|ui| {
        for (k, line) in lines.iter().enumerate() {
            if k == 0 {
                ui.strong(line);
            } else {
                ui.label(line);
            }
        }
    });
}

/// Whether the explored layer is a class map (a saved LISA cluster, Gi* class or site status
/// indicator, or a hotspot run): its codes are categories, so they have no rank.
fn is_categorical(view: &AppView, ex: &Explore) -> bool {
    ex.hotspot.is_some()
        || ex.breaks.is_empty()
        || view
            .indicator
            .is_some_and(|i| crate::ops::map::recipe::cluster_scheme(i.kind).is_some())
}

/// Whether an indicator holds p-values (a saved `…_lisa_p` or `…_gistar_p`, unit "p"): they
/// read "< 0.001" below 0.001, never "0.000".
fn is_p_value(code: &str, unit: &str) -> bool {
    unit == "p" || code.ends_with("_lisa_p") || code.ends_with("_gistar_p")
}
