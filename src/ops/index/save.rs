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
    let as_f = |v: &[Option<usize>]| v.iter().map(|r| r.map(|r| r as f64)).collect::<Vec<_>>();
    let mut series: Vec<Series<'_>> = vec![
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
            format!(
                "{what}: rank among {ranking_size} {}; 1 = most deprived",
                if spec.rank_against.is_some() {
                    "reference scores"
                } else {
                    "areas with a score"
                }
            ),
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
    ];
    if let Some((o, s)) = sensitivity {
        let how = format!(
            "{} Dirichlet weight draws (concentration {}, seed {})",
            o.draws, o.concentration, o.seed
        );
        series.push((
            "rank_low".into(),
            format!(
                "{}: rank, low end of {:.0}% interval",
                spec.name,
                100.0 * o.interval
            ),
            format!(
                "{what}: lower end of the central {:.0}% interval of ranks over {how}",
                100.0 * o.interval
            ),
            "rank",
            0,
            Polarity::HigherIsBetter,
            as_f(&s.rank_low),
        ));
        series.push((
            "rank_high".into(),
            format!(
                "{}: rank, high end of {:.0}% interval",
                spec.name,
                100.0 * o.interval
            ),
            format!(
                "{what}: upper end of the central {:.0}% interval of ranks over {how}",
                100.0 * o.interval
            ),
            "rank",
            0,
            Polarity::HigherIsBetter,
            as_f(&s.rank_high),
        ));
        series.push((
            "decile_change".into(),
            format!("{}: share of weight draws changing decile", spec.name),
            format!("{what}: share of {how} in which the area's decile differs from the chosen weights' decile"),
            "share",
            3,
            Polarity::Neutral,
            s.decile_change_share.clone(),
        ));
        let unstable: Vec<Option<f64>> = s
            .decile_change_share
            .iter()
            .map(|v| v.map(|v| if v >= o.unstable_share { 1.0 } else { 0.0 }))
            .collect();
        series.push((
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
        ));
    }
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
