//! Kernel density estimation of points onto a regular grid (a "heatmap"), and its mean over
//! areas.
//!
//! **Definition.** The density at x is Σₚ wₚ·K(‖x − xₚ‖) with the quartic (biweight) kernel
//!
//! ```text
//! K(d) = 3/(π h²) · (1 − d²/h²)²   for d < h,   0 otherwise
//! ```
//!
//! (Silverman 1986, eq. 4.5; the kernel of QGIS's Heatmap and ArcGIS's Kernel Density), which
//! integrates to 1 over the plane, so the grid integrates to the number of points (or the sum of
//! their weights). h is the bandwidth (search radius) in metres. Values are per km² (the per-m²
//! density × 10⁶), evaluated at cell centres.
//!
//! **Grid.** `extent_bng` (British National Grid metres) is covered from its lower-left corner by
//! ⌈width/cell⌉ × ⌈height/cell⌉ square cells; row 0 is at the bottom. Points outside the extent
//! still contribute to cells within h of them.
//!
//! **Algorithm.** Points are sorted by northing; each row of cells (in parallel) visits only the
//! points within h of its centre line and, for each, only the columns within h. Cost
//! O(N·(h/cell)²) kernel evaluations for N points, O(cols·rows) memory; deterministic.

use super::error::StatsError;
use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point, Rect};
use rayon::prelude::*;

/// Largest grid accepted (cells), about 160 MB of values.
pub const MAX_CELLS: usize = 20_000_000;

/// Densities on a regular grid in British National Grid metres.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DensityGrid {
    /// Lower-left corner of cell (0, 0).
    pub origin_bng: [f64; 2],
    pub cell_m: f64,
    pub cols: usize,
    pub rows: usize,
    /// Row-major, row 0 at the bottom; density per km².
    pub values: Vec<f64>,
}

impl DensityGrid {
    /// The box the grid covers, in BNG metres.
    pub fn extent_bng(&self) -> Rect<f64> {
        let [x, y] = self.origin_bng;
        Rect::new(
            geo::Coord { x, y },
            geo::Coord {
                x: x + self.cols as f64 * self.cell_m,
                y: y + self.rows as f64 * self.cell_m,
            },
        )
    }

    /// The centre of cell (col, row).
    pub fn cell_centre_bng(&self, col: usize, row: usize) -> [f64; 2] {
        [
            self.origin_bng[0] + (col as f64 + 0.5) * self.cell_m,
            self.origin_bng[1] + (row as f64 + 0.5) * self.cell_m,
        ]
    }

    /// The value of the cell containing `point_bng`, if inside the grid.
    pub fn value_at(&self, point_bng: [f64; 2]) -> Option<f64> {
        let col = ((point_bng[0] - self.origin_bng[0]) / self.cell_m).floor();
        let row = ((point_bng[1] - self.origin_bng[1]) / self.cell_m).floor();
        if !(col >= 0.0 && row >= 0.0 && col < self.cols as f64 && row < self.rows as f64) {
            return None;
        }
        self.values
            .get(row as usize * self.cols + col as usize)
            .copied()
    }
}

/// Quartic-kernel density of (optionally weighted) points, per km², on a grid over `extent_bng`.
///
/// ```
/// use local_atlas::analysis::kde::kernel_density;
/// use geo::{coord, Rect};
/// let extent = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 2000.0, y: 2000.0 });
/// let grid = kernel_density(&[[1050.0, 1050.0]], None, 500.0, 100.0, extent).unwrap();
/// // The point sits on the centre of cell (10, 10): peak 3/(π·500²) per m² = 3.8197 per km².
/// let peak = grid.values[10 * grid.cols + 10];
/// assert!((peak - 3.0 / (std::f64::consts::PI * 500.0 * 500.0) * 1e6).abs() < 1e-12);
/// ```
pub fn kernel_density(
    points_bng: &[[f64; 2]],
    weights: Option<&[f64]>,
    bandwidth_m: f64,
    cell_m: f64,
    extent_bng: Rect<f64>,
) -> Result<DensityGrid, StatsError> {
    if !(bandwidth_m.is_finite() && bandwidth_m > 0.0) {
        return Err(StatsError::BadOption(format!(
            "the bandwidth must be a positive number of metres, got {bandwidth_m}"
        )));
    }
    if !(cell_m.is_finite() && cell_m > 0.0) {
        return Err(StatsError::BadOption(format!(
            "the cell size must be a positive number of metres, got {cell_m}"
        )));
    }
    let (min, width, height) = (extent_bng.min(), extent_bng.width(), extent_bng.height());
    if ![min.x, min.y, width, height].iter().all(|v| v.is_finite()) {
        return Err(StatsError::BadOption("the extent is not finite".into()));
    }
    let cols = ((width / cell_m).ceil() as usize).max(1);
    let rows = ((height / cell_m).ceil() as usize).max(1);
    if cols.saturating_mul(rows) > MAX_CELLS {
        return Err(StatsError::BadOption(format!(
            "a {cols} × {rows} grid has more than {MAX_CELLS} cells: use larger cells"
        )));
    }
    if let Some(w) = weights {
        if w.len() != points_bng.len() {
            return Err(StatsError::LengthMismatch {
                values: w.len(),
                weights: points_bng.len(),
            });
        }
        if let Some(i) = w.iter().position(|v| !v.is_finite()) {
            return Err(StatsError::NonFinite(i));
        }
    }
    if let Some(i) = points_bng
        .iter()
        .position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        return Err(StatsError::NonFinite(i));
    }

    // (northing, easting, weight), sorted by northing so each row finds its points by bisection.
    let mut points: Vec<(f64, f64, f64)> = points_bng
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p[1],
                p[0],
                weights.and_then(|w| w.get(i).copied()).unwrap_or(1.0),
            )
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));

    let h2 = bandwidth_m * bandwidth_m;
    let peak_per_km2 = 3.0 / (std::f64::consts::PI * h2) * 1e6;
    let origin = [min.x, min.y];
    let mut values = vec![0.0; cols * rows];
    values
        .par_chunks_mut(cols)
        .enumerate()
        .for_each(|(row, out)| {
            let yc = origin[1] + (row as f64 + 0.5) * cell_m;
            let first = points.partition_point(|p| p.0 <= yc - bandwidth_m);
            for &(py, px, w) in points[first..]
                .iter()
                .take_while(|p| p.0 < yc + bandwidth_m)
            {
                let dy2 = (py - yc) * (py - yc);
                // Columns whose centre may lie within h of the point.
                let lo = ((px - bandwidth_m - origin[0]) / cell_m - 0.5)
                    .ceil()
                    .max(0.0);
                let hi = ((px + bandwidth_m - origin[0]) / cell_m - 0.5).floor();
                if hi < 0.0 || lo >= cols as f64 {
                    continue;
                }
                let (lo, hi) = (lo as usize, (hi as usize).min(cols - 1));
                for (col, cell) in out.iter_mut().enumerate().take(hi + 1).skip(lo) {
                    let dx = origin[0] + (col as f64 + 0.5) * cell_m - px;
                    let d2 = dx * dx + dy2;
                    if d2 < h2 {
                        let u = 1.0 - d2 / h2;
                        *cell += w * peak_per_km2 * u * u;
                    }
                }
            }
        });
    Ok(DensityGrid {
        origin_bng: origin,
        cell_m,
        cols,
        rows,
        values,
    })
}

/// Mean density of the cells whose centres fall inside each area; for an area too small to
/// contain a cell centre, the cell under its interior point. NaN for an area outside the grid
/// (or empty).
///
/// ```
/// use local_atlas::analysis::kde::{area_density, DensityGrid};
/// use geo::{polygon, MultiPolygon};
/// let grid = DensityGrid { origin_bng: [0.0, 0.0], cell_m: 10.0, cols: 2, rows: 1, values: vec![1.0, 3.0] };
/// let both = MultiPolygon::new(vec![polygon![(x: 0.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 0.0, y: 10.0)]]);
/// let tiny = MultiPolygon::new(vec![polygon![(x: 11.0, y: 1.0), (x: 12.0, y: 1.0), (x: 12.0, y: 2.0)]]);
/// assert_eq!(area_density(&grid, &[both, tiny]), vec![2.0, 3.0]);
/// ```
pub fn area_density(grid: &DensityGrid, areas_bng: &[MultiPolygon<f64>]) -> Vec<f64> {
    areas_bng
        .par_iter()
        .map(|area| mean_in_area(grid, area))
        .collect()
}

fn mean_in_area(grid: &DensityGrid, area: &MultiPolygon<f64>) -> f64 {
    let Some(bounds) = area.bounding_rect() else {
        return f64::NAN;
    };
    let [ox, oy] = grid.origin_bng;
    let index_range = |low: f64, high: f64, origin: f64, count: usize| {
        let first = ((low - origin) / grid.cell_m - 0.5).ceil().max(0.0);
        let last = ((high - origin) / grid.cell_m - 0.5).floor();
        if last < 0.0 || first >= count as f64 {
            0..0
        } else {
            first as usize..(last as usize).min(count - 1) + 1
        }
    };
    let (mut sum, mut count) = (0.0, 0usize);
    for row in index_range(bounds.min().y, bounds.max().y, oy, grid.rows) {
        for col in index_range(bounds.min().x, bounds.max().x, ox, grid.cols) {
            let [x, y] = grid.cell_centre_bng(col, row);
            if area.contains(&Point::new(x, y)) {
                sum += grid
                    .values
                    .get(row * grid.cols + col)
                    .copied()
                    .unwrap_or(0.0);
                count += 1;
            }
        }
    }
    if count > 0 {
        return sum / count as f64;
    }
    area.interior_point()
        .and_then(|p| grid.value_at([p.x(), p.y()]))
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn extent(size: f64) -> Rect<f64> {
        Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: size, y: size })
    }

    #[test]
    fn weights_scale_the_density() {
        let a = kernel_density(&[[500.0, 500.0]], None, 200.0, 50.0, extent(1000.0)).unwrap();
        let b =
            kernel_density(&[[500.0, 500.0]], Some(&[2.5]), 200.0, 50.0, extent(1000.0)).unwrap();
        for (x, y) in a.values.iter().zip(&b.values) {
            assert!((2.5 * x - y).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_options_are_errors() {
        let p = [[0.0, 0.0]];
        assert!(matches!(
            kernel_density(&p, None, 0.0, 10.0, extent(100.0)),
            Err(StatsError::BadOption(_))
        ));
        assert!(matches!(
            kernel_density(&p, None, 10.0, 0.001, extent(1e6)),
            Err(StatsError::BadOption(_))
        ));
        assert_eq!(
            kernel_density(&[[f64::NAN, 0.0]], None, 10.0, 1.0, extent(100.0)),
            Err(StatsError::NonFinite(0))
        );
        assert_eq!(
            kernel_density(&p, Some(&[1.0, 2.0]), 10.0, 1.0, extent(100.0)),
            Err(StatsError::LengthMismatch {
                values: 2,
                weights: 1
            })
        );
    }
}
