//! Deprivation of higher areas (wards, districts, any user-defined groups) from LSOA scores and
//! national ranks, the way the English Indices of Deprivation summarise local authorities
//! (IoD2019 Research Report, Appendix A; File 10 "local authority district summaries").
//! Ranks and deciles are never averaged silently: every measure here is named for what it is.
//!
//! For a group G of LSOAs with populations pᵢ, scores sᵢ and national ranks rᵢ
//! (1 = most deprived of N, e.g. N = 32,844):
//!
//! * **average score** Σpᵢsᵢ / Σpᵢ, the population-weighted mean score;
//! * **average rank** Σpᵢ(N + 1 − rᵢ) / Σpᵢ: the population-weighted mean of the ranks counted
//!   with N = most deprived, as File 10 publishes it (so a *larger* average rank is *more*
//!   deprived: Middlesbrough 23,729, rank of average rank 16 of 317);
//! * **extent**: the population-weighted share of people in the most deprived 30% of LSOAs,
//!   weighted 1 in the most deprived 10% and on a sliding scale beyond (IoD2019 Technical
//!   Report, Appendix N): an LSOA in national percentile P = ⌈100·r/N⌉ counts with weight 1 for
//!   P ≤ 10, 0.95 − (P − 11)·0.90/19 for 11 ≤ P ≤ 30 (0.95 at the 11th percentile, 0.05 at the
//!   30th, a step of 0.047 per percentile) and 0 beyond the 30th;
//! * **local concentration**: the population-weighted mean of the (N = most deprived) ranks of
//!   the group's most deprived LSOAs that hold 10% of its population (the last one counted
//!   with the part of its population needed);
//! * **share in the most deprived 10% / 20% / 30%**: the share of the group's LSOAs (not people)
//!   in national decile ⌈10·rᵢ/N⌉ ≤ X/10, as File 10's "proportion of LSOAs in the most
//!   deprived 10% nationally".
//!
//! Each measure is then ranked among the groups given (1 = most deprived: highest average score,
//! average rank, extent and local concentration). A group with a member that lacks a score,
//! rank or population gets no measures (and is counted), as in `aggregate`.
//! Cost: O(n log n).

use super::composite::transform::{descending_ranks, rank_group};
use serde::Serialize;
use std::collections::BTreeMap;

/// One LSOA.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmallArea<'a> {
    pub group: &'a str,
    pub score: Option<f64>,
    /// National rank, 1 = most deprived.
    pub rank: Option<f64>,
    pub population: Option<f64>,
}

/// The summary measures of one group.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GroupDeprivation {
    pub group: String,
    pub areas: usize,
    pub incomplete_areas: usize,
    pub population: Option<f64>,
    pub average_score: Option<f64>,
    pub rank_average_score: Option<usize>,
    pub average_rank: Option<f64>,
    pub rank_average_rank: Option<usize>,
    pub extent: Option<f64>,
    pub rank_extent: Option<usize>,
    pub local_concentration: Option<f64>,
    pub rank_local_concentration: Option<usize>,
    pub share_most_deprived_10: Option<f64>,
    pub share_most_deprived_20: Option<f64>,
    pub share_most_deprived_30: Option<f64>,
}

/// The extent weight of national rank `rank` of `n` (see the module documentation).
///
/// ```
/// use local_atlas::analysis::deprivation_aggregate::extent_weight;
/// assert_eq!(extent_weight(3284.0, 32844.0), 1.0);   // 10th percentile
/// assert!((extent_weight(3285.0, 32844.0) - 0.95).abs() < 1e-12); // 11th
/// assert!((extent_weight(9853.0, 32844.0) - 0.05).abs() < 1e-12); // 30th
/// assert_eq!(extent_weight(9854.0, 32844.0), 0.0);   // 31st
/// ```
pub fn extent_weight(rank: f64, n: f64) -> f64 {
    let percentile = (100.0 * rank / n).ceil();
    if percentile <= 10.0 {
        1.0
    } else if percentile <= 30.0 {
        0.95 - (percentile - 11.0) * 0.90 / 19.0
    } else {
        0.0
    }
}

/// Summarises the groups (in code order); `n` is the size of the national ranking.
///
/// ```
/// use local_atlas::analysis::deprivation_aggregate::{summarise, SmallArea};
/// let a = |g, s, r, p| SmallArea { group: g, score: Some(s), rank: Some(r), population: Some(p) };
/// let areas = [a("W1", 50.0, 100.0, 1000.0), a("W1", 10.0, 20000.0, 3000.0), a("W2", 25.0, 9000.0, 1500.0)];
/// let out = summarise(&areas, 32844.0);
/// assert_eq!(out[0].average_score, Some(20.0)); // (50·1000 + 10·3000) / 4000
/// assert_eq!(out[0].share_most_deprived_10, Some(0.5));
/// assert_eq!(out[0].extent, Some(0.25)); // 1000 of 4000 people in the most deprived 10%
/// assert_eq!(out[0].rank_average_score, Some(2));
/// ```
pub fn summarise(areas: &[SmallArea<'_>], n: f64) -> Vec<GroupDeprivation> {
    let mut groups: BTreeMap<&str, Vec<&SmallArea<'_>>> = BTreeMap::new();
    for a in areas {
        groups.entry(a.group).or_default().push(a);
    }
    let mut out: Vec<GroupDeprivation> = groups
        .into_iter()
        .map(|(g, members)| group_measures(g, &members, n))
        .collect();
    let rank_by = |out: &[GroupDeprivation], f: fn(&GroupDeprivation) -> Option<f64>| {
        descending_ranks(&out.iter().map(f).collect::<Vec<_>>())
    };
    let r_score = rank_by(&out, |g| g.average_score);
    let r_rank = rank_by(&out, |g| g.average_rank);
    let r_extent = rank_by(&out, |g| g.extent);
    let r_lc = rank_by(&out, |g| g.local_concentration);
    for (i, g) in out.iter_mut().enumerate() {
        g.rank_average_score = r_score[i];
        g.rank_average_rank = r_rank[i];
        g.rank_extent = r_extent[i];
        g.rank_local_concentration = r_lc[i];
    }
    out
}

fn group_measures(group: &str, members: &[&SmallArea<'_>], n: f64) -> GroupDeprivation {
    let complete: Vec<(f64, f64, f64)> = members
        .iter()
        .filter_map(|a| match (a.score, a.rank, a.population) {
            (Some(s), Some(r), Some(p)) if p >= 0.0 && r >= 1.0 && r <= n => Some((s, r, p)),
            _ => None,
        })
        .collect();
    let incomplete = members.len() - complete.len();
    let mut g = GroupDeprivation {
        group: group.to_string(),
        areas: members.len(),
        incomplete_areas: incomplete,
        population: None,
        average_score: None,
        rank_average_score: None,
        average_rank: None,
        rank_average_rank: None,
        extent: None,
        rank_extent: None,
        local_concentration: None,
        rank_local_concentration: None,
        share_most_deprived_10: None,
        share_most_deprived_20: None,
        share_most_deprived_30: None,
    };
    let pop: f64 = complete.iter().map(|c| c.2).sum();
    if incomplete > 0 || pop <= 0.0 {
        return g;
    }
    let k = complete.len() as f64;
    let share = |decile: usize| {
        complete
            .iter()
            .filter(|c| rank_group(c.1 as usize, n as usize, 10) <= decile)
            .count() as f64
            / k
    };
    g.population = Some(pop);
    g.average_score = Some(complete.iter().map(|c| c.0 * c.2).sum::<f64>() / pop);
    g.average_rank = Some(complete.iter().map(|c| (n + 1.0 - c.1) * c.2).sum::<f64>() / pop);
    g.extent = Some(
        complete
            .iter()
            .map(|c| extent_weight(c.1, n) * c.2)
            .sum::<f64>()
            / pop,
    );
    g.local_concentration = Some(local_concentration(&complete, n, pop));
    g.share_most_deprived_10 = Some(share(1));
    g.share_most_deprived_20 = Some(share(2));
    g.share_most_deprived_30 = Some(share(3));
    g
}

/// Population-weighted mean reversed rank of the most deprived LSOAs holding 10% of `pop`.
fn local_concentration(complete: &[(f64, f64, f64)], n: f64, pop: f64) -> f64 {
    let mut by_rank: Vec<(f64, f64)> = complete.iter().map(|c| (c.1, c.2)).collect();
    by_rank.sort_by(|a, b| a.0.total_cmp(&b.0));
    let target = 0.1 * pop;
    let (mut taken, mut sum) = (0.0, 0.0);
    for (rank, p) in by_rank {
        let part = p.min(target - taken);
        if part <= 0.0 {
            break;
        }
        sum += part * (n + 1.0 - rank);
        taken += part;
    }
    if taken > 0.0 { sum / taken } else { f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_group_has_no_measures() {
        let areas = [
            SmallArea {
                group: "A",
                score: Some(1.0),
                rank: Some(5.0),
                population: None,
            },
            SmallArea {
                group: "A",
                score: Some(1.0),
                rank: Some(5.0),
                population: Some(10.0),
            },
        ];
        let out = summarise(&areas, 100.0);
        assert_eq!(out[0].average_score, None);
        assert_eq!(out[0].incomplete_areas, 1);
    }

    #[test]
    fn local_concentration_takes_the_worst_tenth_of_people() {
        // 100 people in rank 1 (reversed 10) and 900 in rank 10 (reversed 1), N = 10: the
        // worst 10% of the people are exactly the first LSOA.
        let c = [(0.0, 1.0, 100.0), (0.0, 10.0, 900.0)];
        assert_eq!(local_concentration(&c, 10.0, 1000.0), 10.0);
    }

    #[test]
    fn extent_weights_step_by_percentile_from_095_to_005() {
        // Technical Report Appendix N: 0.95 at the 11th percentile falling by 0.9/19 a
        // percentile to 0.05 at the 30th; N = 100 makes rank = percentile.
        let expected = [
            (1.0, 1.0),
            (10.0, 1.0),
            (11.0, 0.95),
            (12.0, 0.95 - 0.9 / 19.0),
        ];
        for (rank, w) in expected {
            assert!(
                (extent_weight(rank, 100.0) - w).abs() < 1e-12,
                "rank {rank}"
            );
        }
        assert!((extent_weight(20.0, 100.0) - 0.523_684_210_526).abs() < 1e-9);
        assert!((extent_weight(30.0, 100.0) - 0.05).abs() < 1e-12);
        assert_eq!(extent_weight(31.0, 100.0), 0.0);
    }
}
