//! The most deprived areas for `site`: the X% by a national rank (rank ≤ of·X/100), or the
//! ⌈n·X/100⌉ worst areas of the workspace at the indicator's deprived end.

use super::{Deprived, SiteRequest, area_values};
use crate::analysis::ranking::{Worse, worst_share};
use crate::data::Workspace;
use crate::data::indicator::Polarity;
use crate::data::query::{self, Area};
use crate::error::{Error, Result};

/// Per area, whether it is among the most deprived by `d`.
pub(super) fn flags(
    ws: &Workspace,
    req: &SiteRequest,
    d: &Deprived,
    areas: &[Area],
) -> Result<Vec<bool>> {
    let v = area_values(ws, &d.indicator, req, areas)?;
    Ok(match d.of {
        Some(of) => v
            .iter()
            .map(|r| r.is_some_and(|r| r <= of * d.percent / 100.0))
            .collect(),
        None => {
            let meta = query::indicator_meta(ws, &d.indicator)?;
            worst_share(&v, d.percent, worse_end(&d.indicator, meta.polarity)?)
        }
    })
}

/// The deprived end of an indicator with this polarity; a neutral one has none.
fn worse_end(indicator: &str, polarity: Polarity) -> Result<Worse> {
    match polarity {
        Polarity::HigherIsBetter => Ok(Worse::Low),
        Polarity::LowerIsBetter => Ok(Worse::High),
        Polarity::Neutral => Err(Error::Invalid(format!(
            "indicator '{indicator}' is neutral, so its most deprived end is unknown; use a score or rank with a polarity"
        ))),
    }
}
