//! Saving an index (and the other deprivation/siting results) as indicators with the recipe as
//! provenance.

use super::IndexSpec;
use crate::analysis::composite::CompositeIndex;
use crate::analysis::composite::sensitivity::{Sensitivity, SensitivityOptions};
use crate::data::Workspace;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, Polarity, ValueRow};
use crate::error::{Error, Result};

/// A valid indicator code prefix: lower-case letters, digits and `_`, starting with a letter.
pub(crate) fn check_code(name: &str) -> Result<()> {
    let ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "'{name}' cannot name indicators: use lower-case letters, digits and _, starting with a letter (e.g. imd_local)"
        )))
    }
}

pub(crate) fn value_row(indicator: &str, code: &str, period: &str, value: Option<f64>) -> ValueRow {
    ValueRow::computed(indicator, code, period, value)
}

pub(crate) fn derived_meta(
    code: String,
    title: String,
    theme: &str,
    definition: String,
    unit: &str,
    decimals: i64,
    polarity: Polarity,
) -> IndicatorMeta {
    IndicatorMeta {
        code,
        title,
        theme: theme.into(),
        definition,
        unit: unit.into(),
        decimals,
        polarity,
        source: "Computed by Local Atlas".into(),
        licence: String::new(),
        sensitivity: "public".into(),
        kind: IndicatorKind::Value,
        ..Default::default()
    }
}

/// One saved series: (code suffix, title, definition, unit, decimals, polarity, values).
type Series<'a> = (
    String,
    String,
    String,
    &'a str,
    i64,
    Polarity,
    Vec<Option<f64>>,
);

/// Saves the index as indicators `<name>_score`, `_rank`, `_decile`, `_quintile` (and, with
/// sensitivity, `_rank_low`, `_rank_high`, `_decile_change`, `_unstable`), with the recipe as
/// provenance; returns the codes saved.
#[allow(clippy::too_many_arguments)]
pub(super) fn save(
    ws: &Workspace,
    spec: &IndexSpec,
    name: &str,
    period: &str,
    codes: &[String],
    index: &CompositeIndex,
    ranking_size: usize,
    sensitivity: Option<&(SensitivityOptions, Sensitivity)>,
    recipe: &serde_json::Value,
) -> Result<Vec<String>> {
    check_code(name)?;
    let what = format!("composite index '{}'", spec.name);
    let mut series = index_series(spec, &what, index, ranking_size);
    if let Some((o, s)) = sensitivity {
        series.extend(sensitivity_series(spec, &what, o, s));
    }
    write_series(ws, spec, name, period, codes, series, recipe)
}

/// Ranks (and other counts) as values.
fn as_f(v: &[Option<usize>]) -> Vec<Option<f64>> {
    v.iter().map(|r| r.map(|r| r as f64)).collect()
}

/// The index itself: score, rank (among the areas or the reference scores), decile, quintile.
fn index_series<'a>(
    spec: &IndexSpec,
    what: &str,
    index: &CompositeIndex,
    ranking_size: usize,
) -> Vec<Series<'a>> {
    let ranked_among = if spec.rank_against.is_some() {
        "reference scores"
    } else {
        "areas with a score"
    };
    vec![
        (
            "score".into(),
            format!("{}: score", spec.name),
            format!("{what}: weighted sum of the transformed domains; higher = more deprived"),
            "score",
            3,
            Polarity::LowerIsBetter,
            index.score.clone(),
        ),
        (
            "rank".into(),
            format!("{}: rank", spec.name),
            format!("{what}: rank among {ranking_size} {ranked_among}; 1 = most deprived"),
            "rank (1 = most deprived)",
            0,
            Polarity::HigherIsBetter,
            as_f(&index.rank),
        ),
        (
            "decile".into(),
            format!("{}: decile", spec.name),
            format!("{what}: decile ⌈10·rank/n⌉; 1 = most deprived 10%"),
            "decile",
            0,
            Polarity::HigherIsBetter,
            as_f(&index.decile),
        ),
        (
            "quintile".into(),
            format!("{}: quintile", spec.name),
            format!("{what}: quintile ⌈5·rank/n⌉; 1 = most deprived 20%"),
            "quintile",
            0,
            Polarity::HigherIsBetter,
            as_f(&index.quintile),
        ),
    ]
}

/// The weight sensitivity: the rank interval's two ends, the share of draws changing decile
/// and the unstable flag.
fn sensitivity_series<'a>(
    spec: &IndexSpec,
    what: &str,
    o: &SensitivityOptions,
    s: &Sensitivity,
) -> Vec<Series<'a>> {
    let how = format!(
        "{} Dirichlet weight draws (concentration {}, seed {})",
        o.draws, o.concentration, o.seed
    );
    let mut series = Vec::new();
    for (end, bound, ranks) in [
        ("low", "lower", &s.rank_low),
        ("high", "upper", &s.rank_high),
    ] {
        series.push((
            format!("rank_{end}"),
            format!(
                "{}: rank, {end} end of {:.0}% interval",
                spec.name,
                100.0 * o.interval
            ),
            format!(
                "{what}: {bound} end of the central {:.0}% interval of ranks over {how}",
                100.0 * o.interval
            ),
            "rank",
            0,
            Polarity::HigherIsBetter,
            as_f(ranks),
        ));
    }
    series.extend(decile_change_series(spec, what, &how, o, s));
    series
}

/// The share of weight draws in which each area changes decile, and whether that share makes
/// it unstable.
fn decile_change_series<'a>(
    spec: &IndexSpec,
    what: &str,
    how: &str,
    o: &SensitivityOptions,
    s: &Sensitivity,
) -> [Series<'a>; 2] {
    let unstable: Vec<Option<f64>> = s
        .decile_change_share
        .iter()
        .map(|v| v.map(|v| if v >= o.unstable_share { 1.0 } else { 0.0 }))
        .collect();
    [
        (
            "decile_change".into(),
            format!("{}: share of weight draws changing decile", spec.name),
            format!(
                "{what}: share of {how} in which the area's decile differs from the chosen weights' decile"
            ),
            "share",
            3,
            Polarity::Neutral,
            s.decile_change_share.clone(),
        ),
        (
            "unstable".into(),
            format!("{}: unstable decile", spec.name),
            format!(
                "{what}: 1 when the decile changes in at least {:.0}% of {how}, else 0",
                100.0 * o.unstable_share
            ),
            "flag",
            0,
            Polarity::Neutral,
            unstable,
        ),
    ]
}

/// Saves each series as the indicator `<name>_<suffix>` (theme Deprivation) with a value per
/// area; returns the codes in order.
fn write_series(
    ws: &Workspace,
    spec: &IndexSpec,
    name: &str,
    period: &str,
    codes: &[String],
    series: Vec<Series<'_>>,
    recipe: &serde_json::Value,
) -> Result<Vec<String>> {
    let mut metas = Vec::new();
    let mut rows = Vec::new();
    let mut saved = Vec::new();
    for (suffix, title, definition, unit, decimals, polarity, values) in series {
        let code = format!("{name}_{suffix}");
        for (c, v) in codes.iter().zip(&values) {
            rows.push(value_row(&code, c, period, *v));
        }
        metas.push(derived_meta(
            code.clone(),
            title,
            "Deprivation",
            definition,
            unit,
            decimals,
            polarity,
        ));
        saved.push(code);
    }
    crate::data::derived::save_indicators(ws, &spec.geography, &metas, &rows, &recipe.to_string())?;
    Ok(saved)
}
