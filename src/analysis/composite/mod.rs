//! Composite indices built the way the English Index of Multiple Deprivation is (IoD2019
//! Technical Report, stages 4–7; METHODS.md c1), and local indices built the same way.
//!
//! **Model.** An index is a list of *domains*, each with a weight. A domain is one indicator, or
//! a weighted combination of *components* (indicators transformed first, e.g. normal scores).
//! Each column is turned into "deprivation" values where higher = more deprived:
//!
//! * input **rank** (1 = most deprived, out of `of` areas, e.g. the national 32,844): the scaled
//!   rank R = (N + 1 − r)/N ∈ (0, 1], 1 = most deprived; without `of` the ranks are re-ranked
//!   among the areas given (N = their number);
//! * input **score**: oriented by its direction (`higher_is_worse` or `lower_is_worse`) and
//!   ranked among the areas given (mid-ranks for ties), R as above.
//!
//! then transformed: **exponential** X = −23·ln(1 − R·(1 − e^(−100/23))) (stage 5), **normal**
//! van der Waerden scores Φ⁻¹((N + 1 − r)/(N + 1)), **zscore** (x − x̄)/s of the oriented value
//! (sample sd; or with `zscore_weights` the weighted mean and variance Σp(x − m)²/Σp, as
//! the published Carstairs scores), **log_zscore** z-score of ln(x + 1) (Townsend's unemployment and overcrowding),
//! or **none** (the oriented score, or R for ranks). The index score is Σ w_d·X_d (stage 6),
//! ranked with 1 = most deprived (competition ranks for exact ties) and cut into deciles and
//! quintiles ⌈10·rank/n⌉, ⌈5·rank/n⌉ (stage 7). Weights are used as given (IMD 2019's sum to
//! 0.999, as published), not rescaled.
//!
//! **Missing values.** [`MissingPolicy::Exclude`] leaves an area with any missing domain without
//! a score; [`MissingPolicy::ImputeMean`] replaces a missing transformed domain value by that
//! domain's mean over the areas that have it. Both are counted per domain.
//!
//! **Check.** With the IMD 2019 preset on the published national domain ranks, the rebuilt
//! score matches the published IMD score of every GM LSOA to 0.00075 (the published scores are
//! rounded to 3 dp and the input ranks are integers); see `tests/deprivation.rs`.
//!
//! Cost: O(d·n log n) for d domains and n areas.

pub mod presets;
pub mod sensitivity;
pub mod transform;

use serde::{Deserialize, Serialize};
use transform::{
    descending_ranks, exponential, mid_ranks, rank_group, weighted_z_scores, z_scores,
};

/// What an input column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A rank with 1 = most deprived.
    Rank,
    /// A value ranked here; see [`Direction`].
    #[default]
    Score,
}

/// Which end of a score is deprived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsWorse,
    LowerIsWorse,
}

/// How a column is transformed before it is combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    Exponential,
    Normal,
    Zscore,
    LogZscore,
    None,
}

/// What to do with an area that lacks a domain value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// The area gets no score (and is listed).
    #[default]
    Exclude,
    /// The missing transformed domain value is replaced by the domain's mean.
    ImputeMean,
}

/// One input column: values per area (in the caller's area order) and how to read them.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub values: Vec<Option<f64>>,
    pub input: Input,
    /// Size of the ranking a rank input comes from (e.g. 32,844); `None` re-ranks here.
    pub of: Option<f64>,
    pub direction: Direction,
    pub transform: Transform,
    /// Per-area weights (e.g. population) of the mean and variance of a `zscore` or
    /// `log_zscore` transform, as the published Carstairs scores; `None` = unweighted.
    pub zscore_weights: Option<Vec<Option<f64>>>,
}

/// A domain: one column, or weighted components combined into a domain score that is then
/// transformed by `transform` (as a score, higher = more deprived).
#[derive(Debug, Clone, PartialEq)]
pub enum DomainSource {
    Single(Column),
    Combined {
        components: Vec<(Column, f64)>,
        transform: Transform,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub name: String,
    pub weight: f64,
    pub source: DomainSource,
}

/// Why an index could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompositeError {
    #[error("the index has no domains")]
    NoDomains,
    #[error("domain '{domain}' has {got} values but the index has {expected} areas")]
    LengthMismatch {
        domain: String,
        got: usize,
        expected: usize,
    },
    #[error("domain '{0}' has a weight that is negative, not a number or above {MAX_WEIGHT:e}")]
    BadWeight(String),
    #[error(
        "every domain has weight 0, so every area would rank the same; give the domains weights above 0"
    )]
    ZeroWeights,
    /// An option out of its range (the message names it and what to use).
    #[error("{0}")]
    BadOption(String),
    #[error("domain '{domain}': rank {rank} is outside 1..={of} (the size of its ranking, `of`)")]
    RankOutOfRange { domain: String, rank: f64, of: f64 },
    #[error("domain '{domain}': {what}")]
    BadInput { domain: String, what: String },
    #[error("no area has a value for every domain")]
    NoCompleteAreas,
    /// The user asked to stop (during the weight sensitivity).
    #[error("cancelled")]
    Cancelled,
}

/// Counts of missing values of one domain.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DomainMissing {
    pub domain: String,
    pub missing: usize,
    pub imputed: usize,
}

/// The index, ordered as the input areas.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeIndex {
    pub score: Vec<Option<f64>>,
    /// 1 = most deprived among the areas with a score.
    pub rank: Vec<Option<usize>>,
    pub decile: Vec<Option<usize>>,
    pub quintile: Vec<Option<usize>>,
    /// Transformed domain values (after imputation), `[domain][area]`; `None` for excluded areas.
    pub domain_values: Vec<Vec<Option<f64>>>,
    pub weights: Vec<f64>,
    pub missing: Vec<DomainMissing>,
    /// Areas (indices) left without a score.
    pub excluded: Vec<usize>,
}

/// The largest weight of a domain or component: 10⁶. Weights are relative (0.225, or 22.5
/// for a percentage), and far larger ones overflow the weighted sums to infinity, which would
/// rank every area the same.
pub const MAX_WEIGHT: f64 = 1e6;

/// Builds the index (see the module documentation).
///
/// ```
/// use local_atlas::analysis::composite::*;
/// let rank = |v: Vec<f64>| Column {
///     values: v.into_iter().map(Some).collect(),
///     input: Input::Rank,
///     of: Some(4.0),
///     direction: Direction::HigherIsWorse,
///     transform: Transform::Exponential,
///     zscore_weights: None,
/// };
/// let domains = vec![
///     Domain { name: "a".into(), weight: 0.5, source: DomainSource::Single(rank(vec![1.0, 2.0, 3.0, 4.0])) },
///     Domain { name: "b".into(), weight: 0.5, source: DomainSource::Single(rank(vec![1.0, 4.0, 2.0, 3.0])) },
/// ];
/// let index = composite_index(&domains, MissingPolicy::Exclude).unwrap();
/// // Area 0 is most deprived on both: R = 1, X = 100 in both domains.
/// assert!((index.score[0].unwrap() - 100.0).abs() < 1e-9);
/// assert_eq!(index.rank[0], Some(1));
/// ```
pub fn composite_index(
    domains: &[Domain],
    missing: MissingPolicy,
) -> Result<CompositeIndex, CompositeError> {
    let first = domains.first().ok_or(CompositeError::NoDomains)?;
    let n = source_len(&first.source);
    let mut transformed = Vec::with_capacity(domains.len());
    for d in domains {
        if !(d.weight >= 0.0 && d.weight <= MAX_WEIGHT) {
            return Err(CompositeError::BadWeight(d.name.clone()));
        }
        transformed.push(domain_values(d, n)?);
    }
    if domains.iter().all(|d| d.weight == 0.0) {
        return Err(CompositeError::ZeroWeights);
    }
    let mut counts = Vec::new();
    let mut excluded: Vec<usize> = match missing {
        MissingPolicy::Exclude => (0..n)
            .filter(|&i| transformed.iter().any(|t| t[i].is_none()))
            .collect(),
        MissingPolicy::ImputeMean => Vec::new(),
    };
    for (d, t) in domains.iter().zip(transformed.iter_mut()) {
        let missing_here = t.iter().filter(|v| v.is_none()).count();
        let mut imputed = 0;
        match missing {
            MissingPolicy::Exclude => {
                for &i in &excluded {
                    t[i] = None;
                }
            }
            MissingPolicy::ImputeMean => {
                let present: Vec<f64> = t.iter().flatten().copied().collect();
                if !present.is_empty() {
                    let mean = present.iter().sum::<f64>() / present.len() as f64;
                    for v in t.iter_mut().filter(|v| v.is_none()) {
                        *v = Some(mean);
                        imputed += 1;
                    }
                }
            }
        }
        counts.push(DomainMissing {
            domain: d.name.clone(),
            missing: missing_here,
            imputed,
        });
    }
    if missing == MissingPolicy::ImputeMean {
        excluded = (0..n)
            .filter(|&i| transformed.iter().any(|t| t[i].is_none()))
            .collect();
    }
    if excluded.len() == n {
        return Err(CompositeError::NoCompleteAreas);
    }
    let weights: Vec<f64> = domains.iter().map(|d| d.weight).collect();
    let score = weighted_sum(&transformed, &weights, n);
    let (rank, decile, quintile) = rank_deciles(&score);
    Ok(CompositeIndex {
        score,
        rank,
        decile,
        quintile,
        domain_values: transformed,
        weights,
        missing: counts,
        excluded,
    })
}

/// Σ w_d·X_d per area; `None` where any domain value is `None`.
pub fn weighted_sum(columns: &[Vec<Option<f64>>], weights: &[f64], n: usize) -> Vec<Option<f64>> {
    (0..n)
        .map(|i| {
            columns.iter().zip(weights).try_fold(0.0, |acc, (c, w)| {
                c.get(i).copied().flatten().map(|v| acc + w * v)
            })
        })
        .collect()
}

/// Per area: rank, decile and quintile (`None` without a score).
pub type Ranked = (Vec<Option<usize>>, Vec<Option<usize>>, Vec<Option<usize>>);

/// The ranks with their deciles ⌈10·rank/n⌉ and quintiles ⌈5·rank/n⌉ of a ranking of `n`.
fn with_groups(rank: Vec<Option<usize>>, n: usize) -> Ranked {
    let group = |k| {
        rank.iter()
            .map(|r| r.map(|r| rank_group(r, n, k)))
            .collect()
    };
    let (decile, quintile) = (group(10), group(5));
    (rank, decile, quintile)
}

/// Ranks (1 = highest score), deciles and quintiles among the areas with a score.
pub fn rank_deciles(score: &[Option<f64>]) -> Ranked {
    let rank = descending_ranks(score);
    let n = score.iter().flatten().count();
    with_groups(rank, n)
}

/// Ranks, deciles and quintiles against a reference set of scores (e.g. the national ones):
/// rank = 1 + the number of reference scores strictly higher, decile ⌈10·rank/N⌉ with N the
/// size of the reference. The areas themselves need not be in the reference.
///
/// ```
/// use local_atlas::analysis::composite::rank_deciles_against;
/// let reference: Vec<f64> = (1..=100).map(f64::from).collect();
/// let (rank, decile, _) = rank_deciles_against(&[Some(95.5), None], &reference);
/// assert_eq!(rank, vec![Some(6), None]); // 96..=100 are higher
/// assert_eq!(decile, vec![Some(1), None]);
/// ```
pub fn rank_deciles_against(score: &[Option<f64>], reference: &[f64]) -> Ranked {
    let mut desc: Vec<f64> = reference
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    desc.sort_by(|a, b| b.total_cmp(a));
    let n = desc.len();
    let rank: Vec<Option<usize>> = score
        .iter()
        .map(|s| s.map(|s| transform::rank_against(s, &desc).min(n.max(1))))
        .collect();
    with_groups(rank, n)
}

fn source_len(s: &DomainSource) -> usize {
    match s {
        DomainSource::Single(c) => c.values.len(),
        DomainSource::Combined { components, .. } => {
            components.first().map_or(0, |(c, _)| c.values.len())
        }
    }
}

fn domain_values(d: &Domain, n: usize) -> Result<Vec<Option<f64>>, CompositeError> {
    match &d.source {
        DomainSource::Single(c) => column_values(&d.name, c, n),
        DomainSource::Combined {
            components,
            transform,
        } => {
            if components.is_empty() {
                return Err(CompositeError::BadInput {
                    domain: d.name.clone(),
                    what: "a combined domain needs at least one component".into(),
                });
            }
            let mut cols = Vec::new();
            let mut weights = Vec::new();
            for (c, w) in components {
                if !(*w >= 0.0 && *w <= MAX_WEIGHT) {
                    return Err(CompositeError::BadWeight(d.name.clone()));
                }
                cols.push(column_values(&d.name, c, n)?);
                weights.push(*w);
            }
            if weights.iter().all(|w| *w == 0.0) {
                return Err(CompositeError::BadInput {
                    domain: d.name.clone(),
                    what: "every component has weight 0; give the components weights above 0"
                        .into(),
                });
            }
            let combined = Column {
                values: weighted_sum(&cols, &weights, n),
                input: Input::Score,
                of: None,
                direction: Direction::HigherIsWorse,
                transform: *transform,
                zscore_weights: None,
            };
            column_values(&d.name, &combined, n)
        }
    }
}

/// One column turned into deprivation values (higher = more deprived).
fn column_values(name: &str, c: &Column, n: usize) -> Result<Vec<Option<f64>>, CompositeError> {
    if c.values.len() != n {
        return Err(CompositeError::LengthMismatch {
            domain: name.into(),
            got: c.values.len(),
            expected: n,
        });
    }
    let values: Vec<Option<f64>> = c
        .values
        .iter()
        .map(|v| v.filter(|v| v.is_finite()))
        .collect();
    let present = values.iter().flatten().count() as f64;
    if present == 0.0 {
        return Err(CompositeError::BadInput {
            domain: name.into(),
            what: "no area has a value".into(),
        });
    }
    // Scaled rank R ∈ (0, 1] with 1 = most deprived, and the ranking size N.
    let scaled = |values: &[Option<f64>]| -> Result<(Vec<Option<f64>>, f64), CompositeError> {
        match (c.input, c.of) {
            (Input::Rank, Some(of)) => {
                if let Some(r) = values.iter().flatten().find(|r| **r < 1.0 || **r > of) {
                    return Err(CompositeError::RankOutOfRange {
                        domain: name.into(),
                        rank: *r,
                        of,
                    });
                }
                Ok((
                    values
                        .iter()
                        .map(|r| r.map(|r| (of + 1.0 - r) / of))
                        .collect(),
                    of,
                ))
            }
            (Input::Rank, None) => {
                // Re-rank among the areas here: ascending rank = most deprived first.
                let r = mid_ranks(values);
                Ok((
                    r.iter()
                        .map(|r| r.map(|r| (present + 1.0 - r) / present))
                        .collect(),
                    present,
                ))
            }
            (Input::Score, _) => {
                let oriented = orient(values, c.direction);
                let r = mid_ranks(&oriented); // ascending: 1 = least deprived
                Ok((r.iter().map(|r| r.map(|r| r / present)).collect(), present))
            }
        }
    };
    Ok(match c.transform {
        Transform::Exponential => {
            let (r, _) = scaled(&values)?;
            r.iter().map(|r| r.map(exponential)).collect()
        }
        Transform::Normal => {
            let (r, of) = scaled(&values)?;
            r.iter()
                .map(|r| r.map(|r| crate::analysis::normal::normal_quantile(r * of / (of + 1.0))))
                .collect()
        }
        Transform::None => match c.input {
            Input::Rank => scaled(&values)?.0,
            Input::Score => orient(&values, c.direction),
        },
        Transform::Zscore => match c.input {
            Input::Rank => standardise(&scaled(&values)?.0, c),
            Input::Score => standardise(&orient(&values, c.direction), c),
        },
        Transform::LogZscore => {
            if c.input == Input::Rank {
                return Err(CompositeError::BadInput {
                    domain: name.into(),
                    what: "log_zscore applies to scores (percentages), not ranks".into(),
                });
            }
            if values.iter().flatten().any(|v| *v <= -1.0) {
                return Err(CompositeError::BadInput {
                    domain: name.into(),
                    what: "log_zscore needs values above −1 (it takes ln(x + 1))".into(),
                });
            }
            let logged: Vec<Option<f64>> = values.iter().map(|v| v.map(f64::ln_1p)).collect();
            standardise(&orient(&logged, c.direction), c)
        }
    })
}

/// z-scores, population-weighted when the column has weights.
fn standardise(values: &[Option<f64>], c: &Column) -> Vec<Option<f64>> {
    match &c.zscore_weights {
        Some(w) => weighted_z_scores(values, w),
        None => z_scores(values),
    }
}

fn orient(values: &[Option<f64>], direction: Direction) -> Vec<Option<f64>> {
    match direction {
        Direction::HigherIsWorse => values.to_vec(),
        Direction::LowerIsWorse => values.iter().map(|v| v.map(|v| -v)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(values: &[Option<f64>], input: Input, of: Option<f64>, t: Transform) -> Column {
        Column {
            values: values.to_vec(),
            input,
            of,
            direction: Direction::HigherIsWorse,
            transform: t,
            zscore_weights: None,
        }
    }

    fn single(name: &str, weight: f64, c: Column) -> Domain {
        Domain {
            name: name.into(),
            weight,
            source: DomainSource::Single(c),
        }
    }

    #[test]
    fn normal_transform_of_ranks_is_van_der_waerden() {
        let d = [single(
            "a",
            1.0,
            col(
                &[Some(1.0), Some(2.0), Some(3.0)],
                Input::Rank,
                None,
                Transform::Normal,
            ),
        )];
        let idx = composite_index(&d, MissingPolicy::Exclude).unwrap();
        // rank 1 (most deprived) of 3 → Φ⁻¹(3/4).
        assert!((idx.score[0].unwrap() - 0.6744897501960817).abs() < 1e-12);
        assert_eq!(idx.rank, vec![Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn huge_or_all_zero_weights_are_refused() {
        let c = || col(&[Some(1.0), Some(5.0)], Input::Score, None, Transform::None);
        let huge = [single("a", 1.7e308, c())];
        assert_eq!(
            composite_index(&huge, MissingPolicy::Exclude),
            Err(CompositeError::BadWeight("a".into()))
        );
        let zero = [single("a", 0.0, c()), single("b", 0.0, c())];
        assert_eq!(
            composite_index(&zero, MissingPolicy::Exclude),
            Err(CompositeError::ZeroWeights)
        );
    }

    #[test]
    fn score_lower_is_worse_flips() {
        let mut c = col(&[Some(1.0), Some(5.0)], Input::Score, None, Transform::None);
        c.direction = Direction::LowerIsWorse;
        let idx = composite_index(&[single("a", 1.0, c)], MissingPolicy::Exclude).unwrap();
        assert_eq!(idx.rank, vec![Some(1), Some(2)]);
    }

    #[test]
    fn missing_policies_count_and_act() {
        let a = col(
            &[Some(1.0), None, Some(3.0)],
            Input::Score,
            None,
            Transform::None,
        );
        let b = col(
            &[Some(2.0), Some(2.0), Some(4.0)],
            Input::Score,
            None,
            Transform::None,
        );
        let d = [single("a", 1.0, a), single("b", 1.0, b)];
        let ex = composite_index(&d, MissingPolicy::Exclude).unwrap();
        assert_eq!(ex.score, vec![Some(3.0), None, Some(7.0)]);
        assert_eq!(ex.excluded, vec![1]);
        assert_eq!(ex.missing[0].missing, 1);
        let im = composite_index(&d, MissingPolicy::ImputeMean).unwrap();
        assert_eq!(im.score[1], Some(4.0)); // mean of a (2) + 2
        assert_eq!(im.missing[0].imputed, 1);
        assert!(im.excluded.is_empty());
    }

    #[test]
    fn rank_outside_its_ranking_is_an_error() {
        let c = col(&[Some(5.0)], Input::Rank, Some(4.0), Transform::Exponential);
        assert!(matches!(
            composite_index(&[single("a", 1.0, c)], MissingPolicy::Exclude),
            Err(CompositeError::RankOutOfRange { .. })
        ));
    }

    #[test]
    fn combined_domain_uses_component_weights() {
        let a = col(&[Some(1.0), Some(3.0)], Input::Score, None, Transform::None);
        let b = col(
            &[Some(10.0), Some(0.0)],
            Input::Score,
            None,
            Transform::None,
        );
        let d = Domain {
            name: "ab".into(),
            weight: 1.0,
            source: DomainSource::Combined {
                components: vec![(a, 0.5), (b, 0.5)],
                transform: Transform::None,
            },
        };
        let idx = composite_index(&[d], MissingPolicy::Exclude).unwrap();
        assert_eq!(idx.score, vec![Some(5.5), Some(1.5)]);
    }
}
