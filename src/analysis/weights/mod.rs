//! Spatial weights: for each area *i* its neighbours *j* and weights *w_ij*.
//!
//! Stored as sorted adjacency lists (a sparse row format), rows in area order. Built by the
//! contiguity (queen/rook) and distance (k-nearest, distance band) builders in this module's
//! children; transformed to binary or row-standardised form; subset to the areas that have a
//! value before a statistic runs. Islands (rows with no neighbours) are kept and reported.

pub mod contiguity;
pub mod distance;

use serde::Serialize;
use std::collections::BTreeMap;

/// How the weights of a row are scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// As built (e.g. binary contiguity, or weights read from a GWT file).
    Original,
    /// Every link weighs 1.
    Binary,
    /// Each row sums to 1 (islands stay empty).
    Row,
}

/// Spatial weights over `n` areas.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialWeights {
    /// Area identifiers (codes), one per row.
    pub ids: Vec<String>,
    /// Neighbour indices of each row, ascending, never containing the row itself.
    pub neighbours: Vec<Vec<usize>>,
    /// Weights, same shape as `neighbours`.
    pub weights: Vec<Vec<f64>>,
    pub transform: Transform,
}

/// Summary figures of a weights matrix (what GeoDa's weights manager and PySAL report).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct WeightsSummary {
    pub n: usize,
    /// Directed links (Σ of row lengths).
    pub links: usize,
    pub mean_neighbours: f64,
    pub min_neighbours: usize,
    pub max_neighbours: usize,
    /// Codes of areas with no neighbours.
    pub islands: Vec<String>,
    /// Number of neighbours → number of areas with that many.
    #[serde(deserialize_with = "histogram_from_text_keys")]
    pub histogram: BTreeMap<usize, usize>,
    /// Connected components of the (symmetrised) neighbour graph.
    pub components: usize,
    /// True when j ∈ N(i) ⇔ i ∈ N(j) for all pairs.
    pub symmetric: bool,
}

/// Reads the histogram back from JSON, whose object keys are text ("6": 120): also when the
/// summary is flattened into a response, where serde cannot parse the keys as numbers itself.
fn histogram_from_text_keys<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<usize, usize>, D::Error> {
    let text: BTreeMap<String, usize> = serde::Deserialize::deserialize(d)?;
    text.into_iter()
        .map(|(k, v)| {
            k.parse()
                .map(|k| (k, v))
                .map_err(|_| serde::de::Error::custom(format!("'{k}' is not a neighbour count")))
        })
        .collect()
}

impl SpatialWeights {
    /// Binary weights from neighbour lists (sorted, de-duplicated, self-links dropped).
    ///
    /// ```
    /// use local_atlas::analysis::weights::SpatialWeights;
    /// let w = SpatialWeights::from_neighbours(vec!["a".into(), "b".into(), "c".into()], vec![vec![1], vec![0, 2], vec![1]]);
    /// assert_eq!(w.summary().links, 4);
    /// assert_eq!(w.row_standardised().weights[1], vec![0.5, 0.5]);
    /// ```
    pub fn from_neighbours(ids: Vec<String>, mut neighbours: Vec<Vec<usize>>) -> Self {
        for (i, row) in neighbours.iter_mut().enumerate() {
            row.sort_unstable();
            row.dedup();
            row.retain(|&j| j != i);
        }
        let weights = neighbours.iter().map(|r| vec![1.0; r.len()]).collect();
        Self {
            ids,
            neighbours,
            weights,
            transform: Transform::Binary,
        }
    }

    pub fn n(&self) -> usize {
        self.neighbours.len()
    }

    /// Every weight set to 1.
    pub fn binary(&self) -> Self {
        Self {
            weights: self.neighbours.iter().map(|r| vec![1.0; r.len()]).collect(),
            transform: Transform::Binary,
            ..self.clone()
        }
    }

    /// Rows scaled to sum to 1; islands stay empty.
    pub fn row_standardised(&self) -> Self {
        let weights = self
            .weights
            .iter()
            .map(|r| {
                let s: f64 = r.iter().sum();
                if s > 0.0 {
                    r.iter().map(|w| w / s).collect()
                } else {
                    r.clone()
                }
            })
            .collect();
        Self {
            weights,
            transform: Transform::Row,
            ..self.clone()
        }
    }

    /// Indices of rows with no neighbours.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.n())
            .filter(|&i| self.neighbours[i].is_empty())
            .collect()
    }

    /// Spatial lag Σ_j w_ij y_j of each row (0 for islands, PySAL's island_weight = 0).
    pub fn lag(&self, y: &[f64]) -> Vec<f64> {
        self.neighbours
            .iter()
            .zip(&self.weights)
            .map(|(nb, w)| {
                nb.iter()
                    .zip(w)
                    .map(|(&j, wij)| wij * y.get(j).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }

    /// S0 = Σ_i Σ_j w_ij.
    pub fn s0(&self) -> f64 {
        self.weights.iter().flatten().sum()
    }

    /// S1 = ½ Σ_i Σ_j (w_ij + w_ji)² over all ordered pairs.
    pub fn s1(&self) -> f64 {
        let mut s = 0.0;
        for (i, (nb, w)) in self.neighbours.iter().zip(&self.weights).enumerate() {
            for (&j, &wij) in nb.iter().zip(w) {
                let reverse = self
                    .neighbours
                    .get(j)
                    .is_some_and(|r| r.binary_search(&i).is_ok());
                // A two-way link is met again from row j, so each visit adds half its pair
                // terms; a one-way link is met once and adds both ordered terms w_ij².
                s += if reverse {
                    (wij + self.weight(j, i)).powi(2) / 2.0
                } else {
                    wij * wij
                };
            }
        }
        s
    }

    /// S2 = Σ_i (Σ_j w_ij + Σ_j w_ji)².
    pub fn s2(&self) -> f64 {
        let n = self.n();
        let mut row = vec![0.0; n];
        let mut col = vec![0.0; n];
        for (i, (nb, w)) in self.neighbours.iter().zip(&self.weights).enumerate() {
            for (&j, &wij) in nb.iter().zip(w) {
                row[i] += wij;
                if let Some(c) = col.get_mut(j) {
                    *c += wij;
                }
            }
        }
        row.iter().zip(&col).map(|(r, c)| (r + c).powi(2)).sum()
    }

    /// w_ij (0 when j is not a neighbour of i).
    pub fn weight(&self, i: usize, j: usize) -> f64 {
        match (self.neighbours.get(i), self.weights.get(i)) {
            (Some(nb), Some(w)) => nb
                .binary_search(&j)
                .ok()
                .and_then(|k| w.get(k).copied())
                .unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// The weights restricted to the rows in `keep` (ascending indices), renumbered; links to
    /// dropped areas disappear, which may create islands.
    pub fn subset(&self, keep: &[usize]) -> Self {
        let mut new_index = vec![usize::MAX; self.n()];
        for (k, &i) in keep.iter().enumerate() {
            if let Some(slot) = new_index.get_mut(i) {
                *slot = k;
            }
        }
        let mut neighbours = Vec::with_capacity(keep.len());
        let mut weights = Vec::with_capacity(keep.len());
        for &i in keep {
            let (mut nb, mut w) = (Vec::new(), Vec::new());
            if let (Some(row), Some(wrow)) = (self.neighbours.get(i), self.weights.get(i)) {
                for (&j, &wij) in row.iter().zip(wrow) {
                    if let Some(&k) = new_index.get(j).filter(|&&k| k != usize::MAX) {
                        nb.push(k);
                        w.push(wij);
                    }
                }
            }
            neighbours.push(nb);
            weights.push(w);
        }
        let ids = keep
            .iter()
            .filter_map(|&i| self.ids.get(i).cloned())
            .collect();
        Self {
            ids,
            neighbours,
            weights,
            transform: self.transform,
        }
    }

    /// Summary: counts, islands, histogram, components, symmetry.
    pub fn summary(&self) -> WeightsSummary {
        let n = self.n();
        let counts: Vec<usize> = self.neighbours.iter().map(Vec::len).collect();
        let links: usize = counts.iter().sum();
        let mut histogram = BTreeMap::new();
        for &c in &counts {
            *histogram.entry(c).or_insert(0) += 1;
        }
        let symmetric = self.neighbours.iter().enumerate().all(|(i, nb)| {
            nb.iter().all(|&j| {
                self.neighbours
                    .get(j)
                    .is_some_and(|r| r.binary_search(&i).is_ok())
            })
        });
        WeightsSummary {
            n,
            links,
            mean_neighbours: if n > 0 { links as f64 / n as f64 } else { 0.0 },
            min_neighbours: counts.iter().copied().min().unwrap_or(0),
            max_neighbours: counts.iter().copied().max().unwrap_or(0),
            islands: self
                .islands()
                .into_iter()
                .filter_map(|i| self.ids.get(i).cloned())
                .collect(),
            histogram,
            components: self.components(),
            symmetric,
        }
    }

    fn components(&self) -> usize {
        let n = self.n();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (i, nb) in self.neighbours.iter().enumerate() {
            for &j in nb.iter().filter(|&&j| j < n) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                if a != b {
                    parent[a] = b;
                }
            }
        }
        (0..n).filter(|&i| find(&mut parent, i) == i).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path3() -> SpatialWeights {
        SpatialWeights::from_neighbours(
            vec!["a".into(), "b".into(), "c".into(), "d".into()],
            vec![vec![1], vec![0, 2], vec![1], vec![]],
        )
    }

    #[test]
    fn summary_counts_islands_and_components() {
        let s = path3().summary();
        assert_eq!(
            (s.n, s.links, s.min_neighbours, s.max_neighbours),
            (4, 4, 0, 2)
        );
        assert_eq!(s.islands, vec!["d"]);
        assert_eq!(s.components, 2);
        assert!(s.symmetric);
        assert_eq!(s.histogram.get(&1), Some(&2));
    }

    #[test]
    fn s0_s1_s2_match_hand_computation() {
        let w = path3();
        assert_eq!(w.s0(), 4.0);
        // S1 = ½ Σ (w_ij + w_ji)² = ½ · 4 links · 2² = 8
        assert_eq!(w.s1(), 8.0);
        // S2 = Σ (row_i + col_i)² = (2)² + (4)² + (2)² + 0 = 24
        assert_eq!(w.s2(), 24.0);
        let r = w.row_standardised();
        assert!((r.s0() - 3.0).abs() < 1e-12, "islands keep a zero row");
    }

    #[test]
    fn subset_renumbers_and_drops_links() {
        let w = path3().subset(&[0, 2, 3]);
        assert_eq!(w.ids, vec!["a", "c", "d"]);
        assert!(w.neighbours.iter().all(Vec::is_empty));
    }
}
