//! What `site` reports per site and per area: each site's catchment and the demand it serves,
//! the share of each area's demand served before and after, its status, and equity.

use super::{Equity, SiteOut, SitePoint};
use crate::analysis::siting::Siting;
use crate::analysis::siting::flow::Allocation;
use crate::analysis::siting::transport::Transport;
use crate::data::crs::Transformer;
use crate::error::Result;

use crate::analysis::result_codes::SiteStatus;

/// Per area, the share of its demand served (0 where it has none).
pub(super) fn shares(served: &[f64], demand: &[f64]) -> Vec<f64> {
    served
        .iter()
        .zip(demand)
        .map(|(s, d)| {
            if *d > 0.0 {
                (s / d).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

/// A share counts as whole within a relative 1e-9 (flows are floating point).
fn whole(share: f64) -> bool {
    share >= 1.0 - 1e-9
}

/// Per area, its status code ([`crate::analysis::result_codes::SITE_STATUS`]): "partly
/// covered" only happens with capacities, when the sites within reach are full before all of
/// its demand is served.
pub(super) fn status(demand: &[f64], before: &[f64], after: &[f64]) -> Vec<f64> {
    (0..demand.len())
        .map(|i| {
            let s = if demand[i] <= 0.0 {
                SiteStatus::NoDemand
            } else if whole(before[i]) {
                SiteStatus::CoveredByExisting
            } else if whole(after[i]) {
                SiteStatus::NewlyCovered
            } else if after[i] > 1e-9 {
                SiteStatus::PartlyCovered
            } else {
                SiteStatus::NotCovered
            };
            s.code().code as f64
        })
        .collect()
}

/// What the per-site report needs.
pub(super) struct Sites<'a> {
    pub problem: &'a Siting,
    /// Area codes, in demand order.
    pub codes: &'a [&'a str],
    pub sites: &'a [&'a SitePoint],
    pub demand: &'a [f64],
    /// Each area's nearest open site and its cost.
    pub assignment: &'a [Option<(usize, f64)>],
    pub reach: f64,
    pub capacities: Option<&'a [f64]>,
    /// With capacities enforced: the allocation after opening the chosen sites.
    pub allocation: Option<&'a Allocation<'a>>,
    /// With capacities, for the p-median: its least-cost assignment.
    pub transport: Option<&'a Transport>,
    pub to_wgs: &'a Transformer,
}

/// What one site serves.
struct Served {
    /// Its catchment (or, for a capacitated p-median, what it is assigned): areas and demand.
    areas: usize,
    demand: f64,
    /// Demand served within reach, and the areas it comes from.
    covered: f64,
    covered_areas: Vec<usize>,
    /// With capacities: the areas it serves some demand of.
    served_areas: Option<usize>,
}

impl Sites<'_> {
    /// Site `j`: its catchment (areas whose nearest open site it is) and the demand it serves
    /// within reach — its whole catchment within reach, or with capacities its allocation (for
    /// the p-median, what the least-cost assignment gives it).
    pub(super) fn out(&self, j: usize, kind: &'static str) -> Result<SiteOut> {
        let s = self.sites[j];
        let (lon, lat) = self.to_wgs.point(s.xy[0], s.xy[1])?;
        let served = match self.transport {
            Some(t) => self.assigned(j, t),
            None => self.catchment(j),
        };
        Ok(SiteOut {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: kind.to_string(),
            easting: s.xy[0],
            northing: s.xy[1],
            longitude: lon,
            latitude: lat,
            areas: served.areas,
            demand: served.demand + 0.0,
            covered_demand: served.covered + 0.0,
            capacity: self.capacities.map(|c| c[j]).filter(|c| c.is_finite()),
            served_areas: served.served_areas,
            covered_areas: served
                .covered_areas
                .iter()
                .map(|&i| self.codes[i].to_string())
                .collect(),
        })
    }

    /// The areas whose nearest open site is `j`; within reach, or its max-flow allocation.
    fn catchment(&self, j: usize) -> Served {
        let mine: Vec<(usize, f64)> = self
            .assignment
            .iter()
            .enumerate()
            .filter(|(i, _)| self.demand[*i] > 0.0)
            .filter_map(|(i, a)| a.filter(|(site, _)| *site == j).map(|(_, c)| (i, c)))
            .collect();
        let demand = mine.iter().map(|(i, _)| self.demand[*i]).sum::<f64>();
        let (covered, covered_areas, served_areas) = match self.allocation {
            Some(a) => {
                let flows: Vec<usize> = a.flows(j).map(|(i, _)| i).collect();
                (a.load(j), flows.clone(), Some(flows.len()))
            }
            None => {
                let within: Vec<usize> = mine
                    .iter()
                    .filter(|(_, c)| *c <= self.reach)
                    .map(|(i, _)| *i)
                    .collect();
                let covered = within.iter().map(|&i| self.demand[i]).sum::<f64>();
                (covered, within, None)
            }
        };
        Served {
            areas: mine.len(),
            demand,
            covered,
            covered_areas,
            served_areas,
        }
    }

    /// What the p-median's least-cost assignment within capacities gives site `j`.
    fn assigned(&self, j: usize, t: &Transport) -> Served {
        let mine: Vec<(usize, f64)> = t
            .parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.iter().find(|(site, _)| *site == j).map(|(_, x)| (i, *x)))
            .collect();
        let within: Vec<(usize, f64)> = mine
            .iter()
            .copied()
            .filter(|(i, _)| self.problem.cost(*i, j) <= self.reach)
            .collect();
        Served {
            areas: mine.len(),
            demand: t.load[j],
            covered: within.iter().map(|(_, x)| x).sum::<f64>(),
            covered_areas: within.iter().map(|(i, _)| *i).collect(),
            served_areas: Some(mine.len()),
        }
    }
}

/// Per area, the site taking the largest part of its demand in `t` and its cost (`None` when
/// all of it is unserved): the "nearest site" of a capacitated p-median.
pub(super) fn main_parts(s: &Siting, t: &Transport) -> Vec<Option<(usize, f64)>> {
    t.parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|&(j, _)| (j, s.cost(i, j)))
        })
        .collect()
}

/// The share of the deprived areas' demand served vs the rest's (shares of the base demand,
/// before any multiplier for the deprived).
pub(super) fn equity(flags: &[bool], base: &[f64], before: &[f64], after: &[f64]) -> Equity {
    let part = |want: bool, shares: &[f64]| -> (f64, f64) {
        let (mut all, mut served) = (0.0, 0.0);
        for i in (0..flags.len()).filter(|&i| flags[i] == want) {
            all += base[i];
            served += base[i] * shares[i];
        }
        (all, if all > 0.0 { served / all } else { 0.0 })
    };
    let (dd, db) = part(true, before);
    let (_, da) = part(true, after);
    let (od, ob) = part(false, before);
    let (_, oa) = part(false, after);
    Equity {
        deprived_areas: flags.iter().filter(|f| **f).count(),
        deprived_demand: dd,
        other_demand: od,
        deprived_share_covered_before: db,
        deprived_share_covered_after: da,
        other_share_covered_before: ob,
        other_share_covered_after: oa,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_distinguishes_partly_covered_areas() {
        let demand = [0.0, 10.0, 10.0, 10.0, 10.0];
        let before = shares(&[0.0, 0.0, 10.0, 0.0, 0.0], &demand);
        let after = shares(&[0.0, 0.0, 10.0, 10.0, 4.0], &demand);
        assert_eq!(
            status(&demand, &before, &after),
            vec![0.0, 1.0, 2.0, 3.0, 4.0]
        );
    }

    #[test]
    fn equity_weights_by_the_share_served() {
        let e = equity(
            &[true, true, false],
            &[10.0, 30.0, 60.0],
            &[0.0, 0.0, 1.0],
            &[1.0, 0.5, 1.0],
        );
        assert_eq!(e.deprived_demand, 40.0);
        assert_eq!(e.deprived_share_covered_after, 25.0 / 40.0);
        assert_eq!(e.other_share_covered_before, 1.0);
    }
}
