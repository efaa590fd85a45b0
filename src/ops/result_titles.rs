//! Titles of saved and live analysis results in the reader's words: the analysed indicator's
//! title plus what was done ("LISA clusters of Health deprivation score, queen, 999
//! permutations, FDR 5%"), never its code.

use crate::ops::stats::StatsRequest;

/// What was done, after the indicator: weights, permutations and the significance rule.
///
/// ```
/// use local_atlas::ops::result_titles::method_clause;
/// use local_atlas::ops::stats::{Statistic, StatsRequest};
/// let mut req = StatsRequest::new(Statistic::Lisa, "lsoa11", "health_score");
/// assert_eq!(method_clause(&req), "queen, 999 permutations, 5% significance");
/// req.fdr = true;
/// assert_eq!(method_clause(&req), "queen, 999 permutations, FDR 5%");
/// ```
pub fn method_clause(req: &StatsRequest) -> String {
    let level = percent(req.alpha);
    let rule = if req.fdr {
        format!("FDR {level}")
    } else {
        format!("{level} significance")
    };
    format!("{}, {} permutations, {rule}", req.weights, req.permutations)
}

/// A share as a percentage without trailing zeros (0.05 → "5%", 0.001 → "0.1%").
fn percent(share: f64) -> String {
    let p = format!("{:.3}", share * 100.0);
    let p = p.trim_end_matches('0').trim_end_matches('.');
    format!("{p}%")
}

/// The title of a LISA cluster result of the indicator titled `of`.
pub fn lisa_clusters(of: &str, req: &StatsRequest) -> String {
    format!("LISA clusters of {of}, {}", method_clause(req))
}

/// The title of a Gi* hot/cold spot result (classes at 90/95/99%, so no single level).
pub fn gistar_classes(of: &str, req: &StatsRequest) -> String {
    format!(
        "Hot and cold spots (Gi*) of {of}, {}, {} permutations",
        req.weights, req.permutations
    )
}
