//! The numeric codes saved analysis results are stored as (a LISA cluster, a Gi* hot/cold spot
//! class, a siting status), each with its key (as in the JSON output) and its label (as in map
//! legends). One table per kind of result, used by the statistics, the site finder, the maps
//! and both front ends; colours are the renderer's business.

use super::getis_ord::HotSpot;
use super::lisa::Cluster;

/// One class of a coded result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultCode {
    /// The number stored per area.
    pub code: i64,
    /// Its name in JSON output (e.g. `HH`, `hot_99`, `newly_covered`).
    pub key: &'static str,
    /// Its name in legends and in the app.
    pub label: &'static str,
}

const fn rc(code: i64, key: &'static str, label: &'static str) -> ResultCode {
    ResultCode { code, key, label }
}

/// LISA clusters (`stats lisa --save`), in legend order.
pub const LISA_CLUSTER: [ResultCode; 6] = [
    rc(1, "HH", "High–High"),
    rc(2, "LL", "Low–Low"),
    rc(3, "LH", "Low–High"),
    rc(4, "HL", "High–Low"),
    rc(0, "not_significant", "Not significant"),
    rc(5, "island", "No neighbours"),
];

/// Getis-Ord Gi* classes (`stats gistar --save`), in legend order.
pub const GISTAR_CLASS: [ResultCode; 7] = [
    rc(3, "hot_99", "Hot spot, 99% confidence"),
    rc(2, "hot_95", "Hot spot, 95% confidence"),
    rc(1, "hot_90", "Hot spot, 90% confidence"),
    rc(0, "not_significant", "Not significant"),
    rc(-1, "cold_90", "Cold spot, 90% confidence"),
    rc(-2, "cold_95", "Cold spot, 95% confidence"),
    rc(-3, "cold_99", "Cold spot, 99% confidence"),
];

/// Per-area siting status (`site --save NAME` writes `NAME_site_status`), in legend order:
/// the areas a plan reaches first, the gaps to act on last but one.
pub const SITE_STATUS: [ResultCode; 5] = [
    rc(3, "newly_covered", "newly covered"),
    rc(4, "partly_covered", "partly covered"),
    rc(2, "covered_existing", "covered by the existing sites"),
    rc(1, "not_covered", "not covered"),
    rc(0, "no_demand", "no demand"),
];

/// Each area's comparison with a benchmark (`compare --save`), in legend order: good to bad
/// with higher and lower (no judgement) around similar, then not compared. The keys are
/// `compare --json`'s `result` values.
pub const COMPARISON: [ResultCode; 8] = [
    rc(2, "best", "Best"),
    rc(1, "better", "Better"),
    rc(11, "higher", "Higher"),
    rc(0, "similar", "Similar"),
    rc(10, "lower", "Lower"),
    rc(-1, "worse", "Worse"),
    rc(-2, "worst", "Worst"),
    rc(9, "not_compared", "Not compared"),
];

/// The row of [`COMPARISON`] whose key is a `compare` result (`better`, `not_compared`…).
///
/// ```
/// use local_atlas::analysis::result_codes::comparison;
/// assert_eq!(comparison("worse").unwrap().code, -1);
/// assert!(comparison("nonsense").is_none());
/// ```
pub fn comparison(key: &str) -> Option<ResultCode> {
    COMPARISON.iter().copied().find(|r| r.key == key)
}

/// The status of one area after siting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteStatus {
    NoDemand,
    NotCovered,
    CoveredByExisting,
    NewlyCovered,
    /// Some, not all, of its demand served (only with capacities).
    PartlyCovered,
}

impl SiteStatus {
    /// Its row of [`SITE_STATUS`].
    pub fn code(self) -> ResultCode {
        SITE_STATUS[match self {
            SiteStatus::NewlyCovered => 0,
            SiteStatus::PartlyCovered => 1,
            SiteStatus::CoveredByExisting => 2,
            SiteStatus::NotCovered => 3,
            SiteStatus::NoDemand => 4,
        }]
    }
}

/// The row of a LISA cluster.
pub fn lisa(c: Cluster) -> ResultCode {
    LISA_CLUSTER[match c {
        Cluster::HighHigh => 0,
        Cluster::LowLow => 1,
        Cluster::LowHigh => 2,
        Cluster::HighLow => 3,
        Cluster::NotSignificant => 4,
        Cluster::Island => 5,
    }]
}

/// The row of a Gi* class.
pub fn gistar(h: HotSpot) -> ResultCode {
    GISTAR_CLASS[match h {
        HotSpot::Hot99 => 0,
        HotSpot::Hot95 => 1,
        HotSpot::Hot90 => 2,
        HotSpot::NotSignificant => 3,
        HotSpot::Cold90 => 4,
        HotSpot::Cold95 => 5,
        HotSpot::Cold99 => 6,
    }]
}

/// "0 no demand, 1 not covered, …": every code with its label, by code (for the definition
/// stored with a saved result).
pub fn codes_text(table: &[ResultCode]) -> String {
    let mut rows = table.to_vec();
    rows.sort_by_key(|r| r.code);
    rows.iter()
        .map(|r| format!("{} {}", r.code, r.label))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct(table: &[ResultCode]) -> bool {
        table.iter().enumerate().all(|(i, a)| {
            table[..i]
                .iter()
                .all(|b| a.code != b.code && a.key != b.key)
        })
    }

    #[test]
    fn codes_and_keys_are_distinct_within_each_table() {
        assert!(distinct(&LISA_CLUSTER));
        assert!(distinct(&GISTAR_CLASS));
        assert!(distinct(&SITE_STATUS));
    }

    #[test]
    fn rows_keep_the_saved_codes_and_json_keys() {
        assert_eq!(
            (lisa(Cluster::HighHigh).code, lisa(Cluster::HighHigh).key),
            (1, "HH")
        );
        assert_eq!(lisa(Cluster::Island).code, 5);
        assert_eq!(gistar(HotSpot::Cold99).code, -3);
        assert_eq!(gistar(HotSpot::Hot90).key, "hot_90");
        assert_eq!(SiteStatus::PartlyCovered.code().code, 4);
        assert_eq!(
            codes_text(&SITE_STATUS),
            "0 no demand, 1 not covered, 2 covered by the existing sites, 3 newly covered, 4 partly covered"
        );
    }

    #[test]
    fn lisa_keys_are_the_serde_names() {
        for c in [
            Cluster::HighHigh,
            Cluster::LowLow,
            Cluster::LowHigh,
            Cluster::HighLow,
            Cluster::NotSignificant,
            Cluster::Island,
        ] {
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", lisa(c).key));
        }
        let json = serde_json::to_string(&HotSpot::Cold95).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", gistar(HotSpot::Cold95).key));
    }
}
