//! Re-aggregation of area values to a higher geography through a best-fit lookup.
//!
//! *Sum* suits counts (people, crimes): the group value is the sum of its members.
//! *Weighted mean* suits rates and scores: Σ wᵢ·xᵢ / Σ wᵢ with a weight such as population.
//! A group with any member missing (or, for the weighted mean, missing its weight) has no value:
//! a partial sum or mean would look complete and mislead, so it is reported instead.

use std::collections::BTreeMap;

/// How members combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggregateMethod {
    Sum,
    WeightedMean,
}

/// One lower-level area: its group, value and (for the weighted mean) weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member<'a> {
    pub group: &'a str,
    pub value: Option<f64>,
    pub weight: Option<f64>,
}

/// The aggregate of one group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupValue {
    pub group: String,
    /// `None` when a member (or its weight) is missing, or the weights sum to zero.
    pub value: Option<f64>,
    pub members: usize,
    pub incomplete_members: usize,
}

/// Aggregates members by group, groups in code order.
///
/// ```
/// use local_atlas::analysis::aggregate::{aggregate, AggregateMethod, Member};
/// let m = |g, v, w| Member { group: g, value: Some(v), weight: Some(w) };
/// let members = [m("W1", 10.0, 100.0), m("W1", 20.0, 300.0), m("W2", 5.0, 1.0)];
/// let out = aggregate(&members, AggregateMethod::WeightedMean);
/// assert_eq!(out[0].value, Some(17.5)); // (10·100 + 20·300) / 400
/// assert_eq!(aggregate(&members, AggregateMethod::Sum)[0].value, Some(30.0));
/// ```
pub fn aggregate(members: &[Member<'_>], method: AggregateMethod) -> Vec<GroupValue> {
    #[derive(Default)]
    struct Acc {
        sum: f64,
        weight: f64,
        members: usize,
        incomplete: usize,
    }
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    for m in members {
        let acc = groups.entry(m.group).or_default();
        acc.members += 1;
        match (method, m.value, m.weight) {
            (AggregateMethod::Sum, Some(v), _) => acc.sum += v,
            (AggregateMethod::WeightedMean, Some(v), Some(w)) if w >= 0.0 => {
                acc.sum += v * w;
                acc.weight += w;
            }
            _ => acc.incomplete += 1,
        }
    }
    groups
        .into_iter()
        .map(|(group, a)| {
            let value = match method {
                _ if a.incomplete > 0 => None,
                AggregateMethod::Sum => Some(a.sum),
                AggregateMethod::WeightedMean if a.weight > 0.0 => Some(a.sum / a.weight),
                AggregateMethod::WeightedMean => None,
            };
            GroupValue {
                group: group.to_string(),
                value,
                members: a.members,
                incomplete_members: a.incomplete,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_member_makes_group_missing_and_is_counted() {
        let members = [
            Member {
                group: "A",
                value: Some(1.0),
                weight: Some(1.0),
            },
            Member {
                group: "A",
                value: None,
                weight: Some(1.0),
            },
            Member {
                group: "B",
                value: Some(2.0),
                weight: Some(0.0),
            },
        ];
        let sum = aggregate(&members, AggregateMethod::Sum);
        assert_eq!(sum[0].value, None);
        assert_eq!(sum[0].incomplete_members, 1);
        assert_eq!(sum[1].value, Some(2.0));
        let mean = aggregate(&members, AggregateMethod::WeightedMean);
        assert_eq!(mean[1].value, None, "zero total weight has no mean");
    }
}
