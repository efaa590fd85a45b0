//! Distance weights over points: k nearest neighbours and distance bands.
//!
//! **Definitions.** For points p_1 … p_n in a planar CRS (British National Grid metres) and
//! Euclidean distance d_ij:
//! - *k nearest neighbours* (libpysal `KNN(k, p=2)`): N(i) is the k points j ≠ i with the
//!   smallest d_ij. The relation is asymmetric (j can be among i's nearest without i being among
//!   j's). When several points are at the k-th distance, the lower indices win (libpysal leaves
//!   this to scipy's KD-tree traversal, so exact ties may resolve differently there).
//! - *distance band* (libpysal `DistanceBand(threshold, p=2, binary=True)`): N(i) = { j ≠ i :
//!   d_ij ≤ threshold }. Symmetric; a point farther than the threshold from all others is an
//!   island (an empty row, listed by [`SpatialWeights::summary`]).
//!
//! Both give binary weights. Distances are compared squared (d² ≤ t²), as scipy's KD-tree does,
//! so the borderline decisions are the same for the same coordinates. Points that coincide but
//! are different rows are neighbours at distance 0.
//!
//! **Centroids.** Areas become points through [`centroids`]: the area-weighted centroid of each
//! multipolygon (holes subtracted), as `geo::Centroid` and shapely's `centroid` compute it.
//!
//! **Algorithm.** An R*-tree (`rstar`, bulk loaded; Beckmann et al. 1990) answers each point's
//! query: an incremental nearest-neighbour search (continued past the k-th point while the
//! distance ties) or a fixed-radius search. Queries run in parallel.
//!
//! **Complexity.** O(n log n) to build the tree; each query O(log n + m) for m points
//! returned, so O(n (log n + k)) for KNN and O(n log n + links) for a distance band.

use super::SpatialWeights;
use geo::{BoundingRect, Centroid, MultiPolygon};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// Why distance weights could not be built.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WeightsError {
    #[error("there are {ids} area ids but {points} points; give one id per point")]
    LengthMismatch { ids: usize, points: usize },
    #[error("k must be at least 1 (the number of nearest neighbours of each area)")]
    KZero,
    #[error(
        "k = {k} nearest neighbours needs more than {k} areas, but there are only {n}; choose k below {n}"
    )]
    KTooLarge { k: usize, n: usize },
    #[error(
        "area '{id}' (row {index}) has no usable location (its centroid is not a finite point); check that its geometry is not empty"
    )]
    NonFinitePoint { index: usize, id: String },
    #[error("the distance threshold must be a positive number of metres, not {0}")]
    BadThreshold(f64),
}

/// The centroid of each multipolygon, in the polygons' CRS.
///
/// A multipolygon with no area falls back to the centroid of its lines or points (geo's
/// dimension fallback), then to its bounding-box centre; an empty geometry has neither and
/// gives `[NaN, NaN]`, which [`knn`] and [`distance_band`] reject naming the area.
///
/// ```
/// use geo::{MultiPolygon, Rect};
/// use local_atlas::analysis::weights::distance::centroids;
/// let square = MultiPolygon(vec![Rect::new((0.0, 0.0), (2.0, 4.0)).to_polygon()]);
/// assert_eq!(centroids(&[square]), vec![[1.0, 2.0]]);
/// ```
pub fn centroids(polygons: &[MultiPolygon<f64>]) -> Vec<[f64; 2]> {
    polygons
        .par_iter()
        .map(|mp| {
            mp.centroid()
                .map(|p| [p.x(), p.y()])
                .or_else(|| mp.bounding_rect().map(|r| [r.center().x, r.center().y]))
                .unwrap_or([f64::NAN, f64::NAN])
        })
        .collect()
}

/// The `k` nearest neighbours of each point (asymmetric, binary, self excluded, ties to the
/// lower index).
///
/// Four corners of a 3 × 4 rectangle: with k = 2 each corner's neighbours are the two corners
/// along its sides (3 and 4 away), not the opposite one (5 away).
///
/// ```
/// use local_atlas::analysis::weights::distance::knn;
/// let ids = vec!["a".into(), "b".into(), "c".into(), "d".into()];
/// let points = [[0.0, 0.0], [3.0, 0.0], [3.0, 4.0], [0.0, 4.0]];
/// let w = knn(ids, &points, 2).unwrap();
/// assert_eq!(w.neighbours[0], vec![1, 3]);
/// assert_eq!(w.summary().links, 8);
/// ```
pub fn knn(
    ids: Vec<String>,
    points_bng: &[[f64; 2]],
    k: usize,
) -> Result<SpatialWeights, WeightsError> {
    check_points(&ids, points_bng)?;
    let n = points_bng.len();
    if k == 0 {
        return Err(WeightsError::KZero);
    }
    if k >= n {
        return Err(WeightsError::KTooLarge { k, n });
    }
    let tree = build_tree(points_bng);
    let rows = points_bng
        .par_iter()
        .enumerate()
        .map(|(i, p)| nearest(&tree, i, p, k))
        .collect();
    Ok(SpatialWeights::from_neighbours(ids, rows))
}

/// Every pair of points no more than `threshold_m` apart (symmetric, binary, islands kept).
///
/// Points 1 km apart along a line, threshold 1,000 m: the middle point has two neighbours,
/// a point 5 km away is an island.
///
/// ```
/// use local_atlas::analysis::weights::distance::distance_band;
/// let ids = vec!["a".into(), "b".into(), "c".into(), "far".into()];
/// let points = [[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0], [7000.0, 0.0]];
/// let w = distance_band(ids, &points, 1000.0).unwrap();
/// assert_eq!(w.neighbours[1], vec![0, 2]);
/// assert_eq!(w.summary().islands, vec!["far"]);
/// ```
pub fn distance_band(
    ids: Vec<String>,
    points_bng: &[[f64; 2]],
    threshold_m: f64,
) -> Result<SpatialWeights, WeightsError> {
    check_points(&ids, points_bng)?;
    if !(threshold_m.is_finite() && threshold_m > 0.0) {
        return Err(WeightsError::BadThreshold(threshold_m));
    }
    let tree = build_tree(points_bng);
    let t2 = threshold_m * threshold_m;
    let rows = points_bng
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            tree.locate_within_distance(*p, t2)
                .map(|g| g.data)
                .filter(|&j| j != i && points_bng.get(j).is_some_and(|q| dist2(p, q) <= t2))
                .collect()
        })
        .collect();
    Ok(SpatialWeights::from_neighbours(ids, rows))
}

/// The smallest threshold at which no point is an island: the largest nearest-neighbour
/// distance (libpysal's `min_threshold_distance`). Fewer than two points have none (`None`).
///
/// ```
/// use local_atlas::analysis::weights::distance::min_threshold_distance;
/// let points = [[0.0, 0.0], [3.0, 0.0], [3.0, 4.0], [10.0, 4.0]];
/// assert_eq!(min_threshold_distance(&points), Ok(Some(7.0)));
/// ```
pub fn min_threshold_distance(points_bng: &[[f64; 2]]) -> Result<Option<f64>, WeightsError> {
    let ids: Vec<String> = (0..points_bng.len()).map(|i| i.to_string()).collect();
    check_points(&ids, points_bng)?;
    if points_bng.len() < 2 {
        return Ok(None);
    }
    let tree = build_tree(points_bng);
    let max_d2 = points_bng
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            tree.nearest_neighbor_iter_with_distance_2(p)
                .find(|(g, _)| g.data != i)
                .map(|(_, d2)| d2)
        })
        .reduce(|| 0.0, f64::max);
    Ok(Some(max_d2.sqrt()))
}

type Indexed = GeomWithData<[f64; 2], usize>;

fn build_tree(points: &[[f64; 2]]) -> RTree<Indexed> {
    RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(*p, i))
            .collect(),
    )
}

/// The k nearest of point `i`, taking every point tied at the k-th distance before choosing
/// by index, so the answer does not depend on the tree's traversal order.
fn nearest(tree: &RTree<Indexed>, i: usize, p: &[f64; 2], k: usize) -> Vec<usize> {
    let mut found: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    for (g, d2) in tree.nearest_neighbor_iter_with_distance_2(p) {
        if g.data == i {
            continue;
        }
        if found.len() >= k && found.get(k - 1).is_some_and(|&(kth, _)| d2 > kth) {
            break;
        }
        found.push((d2, g.data));
    }
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    found.truncate(k);
    found.into_iter().map(|(_, j)| j).collect()
}

fn dist2(p: &[f64; 2], q: &[f64; 2]) -> f64 {
    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
    dx * dx + dy * dy
}

fn check_points(ids: &[String], points: &[[f64; 2]]) -> Result<(), WeightsError> {
    if ids.len() != points.len() {
        return Err(WeightsError::LengthMismatch {
            ids: ids.len(),
            points: points.len(),
        });
    }
    match points
        .iter()
        .position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        Some(index) => Err(WeightsError::NonFinitePoint {
            index,
            id: ids.get(index).cloned().unwrap_or_default(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("p{i}")).collect()
    }

    #[test]
    fn knn_ties_go_to_lower_index() {
        // Centre point with four neighbours all at distance 1; k = 2 takes rows 1 and 2.
        let pts = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]];
        let w = knn(ids(5), &pts, 2).unwrap();
        assert_eq!(w.neighbours[0], vec![1, 2]);
        assert!(w.neighbours.iter().all(|r| r.len() == 2));
        // Point 3 (-1,0): nearest is 0 at 1, then 2 and 4 tie at √2 → 2 wins.
        assert_eq!(w.neighbours[3], vec![0, 2]);
    }

    #[test]
    fn knn_coincident_points_are_neighbours_not_self() {
        let pts = [[5.0, 5.0], [5.0, 5.0], [9.0, 9.0]];
        let w = knn(ids(3), &pts, 1).unwrap();
        assert_eq!(w.neighbours, vec![vec![1], vec![0], vec![0]]);
    }

    #[test]
    fn knn_errors() {
        let pts = [[0.0, 0.0], [1.0, 0.0]];
        assert_eq!(knn(ids(2), &pts, 0), Err(WeightsError::KZero));
        assert_eq!(
            knn(ids(2), &pts, 2),
            Err(WeightsError::KTooLarge { k: 2, n: 2 })
        );
        assert_eq!(
            knn(ids(1), &pts, 1),
            Err(WeightsError::LengthMismatch { ids: 1, points: 2 })
        );
        let bad = [[0.0, 0.0], [f64::NAN, 0.0]];
        let e = knn(ids(2), &bad, 1).unwrap_err();
        assert_eq!(
            e,
            WeightsError::NonFinitePoint {
                index: 1,
                id: "p1".into()
            }
        );
        assert!(e.to_string().contains("'p1'"));
    }

    #[test]
    fn band_includes_exact_threshold_and_rejects_bad_thresholds() {
        let pts = [[0.0, 0.0], [3.0, 4.0], [3.0, 4.0 + 1e-9]];
        let w = distance_band(ids(3), &pts, 5.0).unwrap();
        assert_eq!(w.neighbours, vec![vec![1], vec![0, 2], vec![1]]);
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                distance_band(ids(3), &pts, t),
                Err(WeightsError::BadThreshold(_))
            ));
        }
        assert_eq!(distance_band(vec![], &[], 1.0).unwrap().n(), 0);
    }

    #[test]
    fn band_matches_brute_force() {
        // A fixed pseudo-random cloud (LCG, seed 7) against the O(n²) definition.
        let mut s: u64 = 7;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 1000.0
        };
        let pts: Vec<[f64; 2]> = (0..300).map(|_| [next(), next()]).collect();
        let w = distance_band(ids(300), &pts, 60.0).unwrap();
        for (i, p) in pts.iter().enumerate() {
            let brute: Vec<usize> = (0..pts.len())
                .filter(|&j| j != i && dist2(p, &pts[j]) <= 3600.0)
                .collect();
            assert_eq!(w.neighbours[i], brute, "row {i}");
        }
        let k = knn(ids(300), &pts, 4).unwrap();
        for (i, p) in pts.iter().enumerate() {
            let mut all: Vec<(f64, usize)> = (0..pts.len())
                .filter(|&j| j != i)
                .map(|j| (dist2(p, &pts[j]), j))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut brute: Vec<usize> = all[..4].iter().map(|x| x.1).collect();
            brute.sort_unstable();
            assert_eq!(k.neighbours[i], brute, "row {i}");
        }
    }

    #[test]
    fn centroid_of_empty_geometry_is_rejected_by_builders() {
        let c = centroids(&[MultiPolygon(vec![])]);
        assert!(c[0][0].is_nan());
        assert_eq!(min_threshold_distance(&[[0.0, 0.0]]), Ok(None));
    }
}
