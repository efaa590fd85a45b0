//! What it costs to reach each site from each demand area: the straight-line distance in BNG
//! metres, or a travel-time/distance matrix read from a file (a pair it lacks costs ∞).

use super::SiteRequest;
use super::sites::SitePoint;
use crate::data::cost_matrix::{CostMatrix, read_cost_matrix};
use crate::error::{Error, Result};

/// The costs, area by area then site by site, and the matrix they come from (if any).
pub(super) fn area_site_costs(
    req: &SiteRequest,
    codes: &[&str],
    demand_xy: &[[f64; 2]],
    sites: &[&SitePoint],
) -> Result<(Vec<f64>, Option<CostMatrix>)> {
    let matrix: Option<CostMatrix> = match &req.matrix {
        Some(p) => Some(read_cost_matrix(p)?),
        None => None,
    };
    let cost = costs(matrix.as_ref(), codes, demand_xy, sites);
    if let Some(m) = &matrix {
        check_pairs(m, codes, sites, &req.geography)?;
    }
    Ok((cost, matrix))
}

/// The unit of the reach: the matrix's cost column, else metres.
pub(super) fn reach_units(matrix: Option<&CostMatrix>) -> String {
    match matrix {
        Some(m) => m.cost_column.clone(),
        None => "m".to_string(),
    }
}

/// The cost of every (area, site) pair, in that order.
fn costs(
    matrix: Option<&CostMatrix>,
    codes: &[&str],
    demand_xy: &[[f64; 2]],
    sites: &[&SitePoint],
) -> Vec<f64> {
    let mut cost = Vec::with_capacity(demand_xy.len() * sites.len());
    for (i, xy) in demand_xy.iter().enumerate() {
        for s in sites {
            cost.push(match matrix {
                Some(m) => m.get(codes[i], &s.id).unwrap_or(f64::INFINITY),
                None => ((xy[0] - s.xy[0]).powi(2) + (xy[1] - s.xy[1]).powi(2)).sqrt(),
            });
        }
    }
    cost
}

/// Refuses a matrix that pairs no area with any site: its ids surely name something else.
fn check_pairs(
    m: &CostMatrix,
    codes: &[&str],
    sites: &[&SitePoint],
    geography: &str,
) -> Result<()> {
    if sites
        .iter()
        .any(|s| codes.iter().any(|c| m.get(c, &s.id).is_some()))
    {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "the matrix pairs no area of '{geography}' with any site id (site ids here look like '{}'): check its origin and site columns",
        sites.first().map(|s| s.id.as_str()).unwrap_or("")
    )))
}
