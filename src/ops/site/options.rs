//! Range checks of a siting request's numbers before any maths: each message names the option
//! (as the command line spells it) and what to use.

use super::{Model, SiteRequest};
use crate::error::{Error, Result};

/// The largest factor `--deprived-multiply` takes: 1,000 (demand weights are relative; larger
/// factors only swamp every other area).
pub const MAX_DEPRIVED_MULTIPLY: f64 = 1_000.0;

/// Checks the deprivation options (`--deprived-of 0` would make no area deprived), the number
/// of new sites (at least 1), the capacity (above 0) and the LSCP share (the reach is checked
/// by `check_reach`).
pub(super) fn check(req: &SiteRequest) -> Result<()> {
    let bad = |m: String| Err(Error::Invalid(m));
    if let Some(d) = &req.deprived {
        if !(d.percent > 0.0 && d.percent <= 100.0) {
            return bad(format!(
                "--deprived-only {}:{} is not usable: the share must be above 0 and at most 100 (percent)",
                d.indicator, d.percent
            ));
        }
        if let Some(of) = d.of
            && !(of.is_finite() && of >= 1.0)
        {
            return bad(format!(
                "--deprived-of {of} is not usable: give the number of areas ranked nationally (at least 1, e.g. 32844 for English LSOAs)"
            ));
        }
        if let Some(f) = d.multiply
            && !(f.is_finite() && f > 0.0 && f <= MAX_DEPRIVED_MULTIPLY)
        {
            return bad(format!(
                "--deprived-multiply {f} is not usable: use a factor above 0 and at most {MAX_DEPRIVED_MULTIPLY} (e.g. 2)"
            ));
        }
    }
    match req.model {
        Model::Mclp { p: 0 } => {
            return bad("--mclp 0 is not usable: ask for at least 1 new site".into());
        }
        Model::Pmedian { p: 0 } => {
            return bad("--pmedian 0 is not usable: ask for at least 1 new site".into());
        }
        _ => {}
    }
    if let Some(c) = req.capacity
        && !(c.is_finite() && c > 0.0)
    {
        return bad(format!(
            "--capacity {c} is not usable: give each site's capacity in demand units, above 0 (e.g. 800)"
        ));
    }
    if let Model::Lscp { percent } = req.model
        && !(percent > 0.0 && percent <= 100.0)
    {
        return bad(format!(
            "--lscp {percent} is not usable: give the share of demand to cover, above 0 and at most 100 (percent)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Deprived, PointSource};
    use super::*;

    fn request() -> SiteRequest {
        SiteRequest {
            geography: "g".into(),
            demand: "areas".into(),
            period: None,
            deprived: Some(Deprived {
                indicator: "imd_rank".into(),
                percent: 10.0,
                of: Some(32844.0),
                multiply: None,
            }),
            demand_points: None,
            existing: None,
            candidates: PointSource::Centroids { geography: None },
            reach_m: 1600.0,
            matrix: None,
            model: Model::Mclp { p: 1 },
            heuristic: false,
            work_limit: 1000,
            capacity: None,
            capacity_field: None,
            save: None,
            out: None,
            csv_raw: false,
        }
    }

    #[test]
    fn options_out_of_range_are_named() {
        check(&request()).unwrap();
        let mut r = request();
        r.deprived.as_mut().unwrap().of = Some(0.0);
        assert!(
            check(&r)
                .unwrap_err()
                .to_string()
                .contains("--deprived-of 0")
        );
        let mut r = request();
        r.deprived.as_mut().unwrap().multiply = Some(f64::NAN);
        assert!(
            check(&r)
                .unwrap_err()
                .to_string()
                .contains("--deprived-multiply")
        );
        let mut r = request();
        r.deprived.as_mut().unwrap().percent = 250.0;
        assert!(
            check(&r)
                .unwrap_err()
                .to_string()
                .contains("--deprived-only")
        );
        let mut r = request();
        r.model = Model::Lscp { percent: -5.0 };
        assert!(check(&r).unwrap_err().to_string().contains("--lscp"));
    }
}
