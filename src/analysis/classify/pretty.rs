//! Pretty breaks: R's `pretty()` (R Core Team, `src/appl/pretty.c`), which QGIS's "Pretty
//! Breaks" ports.
//!
//! **Definition.** About k equal intervals whose bounds are round numbers 1, 2 or 5 × 10ᵉ
//! covering [min, max]. With R's defaults (min.n = k %/% 3, shrink.sml = 0.75,
//! high.u.bias = 1.5, u5.bias = 0.5 + 1.5·high.u.bias): the cell dx/k is rounded to a unit
//! from {1, 2, 5, 10} × 10^⌊log₁₀ cell⌋, biased towards the larger unit; the sequence runs from
//! ⌊min/unit⌋·unit to ⌈max/unit⌉·unit. The upper bounds are that sequence without its first
//! term, so the last bound is a round number ≥ max (as R and mapclassify; QGIS replaces it with
//! the maximum). The number of classes is whatever the round numbers give, often not k; the
//! notes say so. Each bound is the double nearest to its decimal value (so a value recorded as
//! exactly 0.3 falls in the class ending at 0.3); R's `seq()` arithmetic can differ from it in
//! the last bit. Cost O(k).
//!
//! mapclassify's `PrettyBreaks` is a different algorithm (Heckbert's "nice numbers" from
//! Graphics Gems, 1990) and often gives other bounds: on Columbus CRIME it gives
//! 20, 40, 60, 80 where R gives 10, 20, …, 70.
//!
//! ```
//! use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
//! // R: pretty(c(0.178269, 68.892044)) is 0 10 20 30 40 50 60 70
//! let v: Vec<Option<f64>> = [0.178269, 30.0, 68.892044].into_iter().map(Some).collect();
//! let c = classify(&v, &ClassifyOptions { method: Method::Pretty, ..Default::default() })
//!     .unwrap();
//! assert_eq!(c.breaks, vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]);
//! assert_eq!(c.counts, vec![1, 0, 1, 0, 0, 0, 1]);
//! ```

/// R's `rounding_eps` (since R 3.5).
const ROUNDING_EPS: f64 = 1e-10;
const HIGH_U_BIAS: f64 = 1.5;
const U5_BIAS: f64 = 0.5 + 1.5 * HIGH_U_BIAS;
const SHRINK_SML: f64 = 0.75;
/// R's `f.min` default (2⁻²⁰).
const F_MIN: f64 = 9.5367431640625e-7;

pub(super) fn breaks(sorted: &[f64], k: usize, notes: &mut Vec<String>) -> Vec<f64> {
    let (Some(&lo), Some(&up)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let b = pretty(lo, up, k);
    if b.len() != k {
        notes.push(format!(
            "pretty breaks: {} classes (asked for {k}); round numbers set the count",
            b.len()
        ));
    }
    b
}

/// Upper bounds of R's `pretty(c(lo, up), n)`: the sequence without its first term.
fn pretty(lo: f64, up: f64, n: usize) -> Vec<f64> {
    let ndiv = n.max(1) as f64;
    let min_n = (n / 3) as f64;
    let (h, h5) = (HIGH_U_BIAS, U5_BIAS);
    let dx = up - lo;
    let (mut cell, i_small) = if dx == 0.0 && up == 0.0 {
        (1.0, true)
    } else {
        let cell = lo.abs().max(up.abs());
        let u = 1.0
            + if h5 >= 1.5 * h + 0.5 {
                1.0 / (1.0 + h)
            } else {
                1.5 / (1.0 + h5)
            };
        let u = u * ndiv * f64::EPSILON;
        (cell, dx < cell * u * 3.0)
    };
    if i_small {
        if cell > 10.0 {
            cell = 9.0 + cell / 10.0;
        }
        cell *= SHRINK_SML;
        if min_n > 1.0 {
            cell /= min_n;
        }
    } else {
        cell = if dx.is_finite() {
            dx / ndiv
        } else {
            up / ndiv - lo / ndiv
        };
    }
    let subsmall = F_MIN * f64::MIN_POSITIVE;
    cell = cell.clamp(subsmall, f64::MAX / 1.25);

    // unit = mult × 10^e with mult in {1, 2, 5, 10}
    let e = cell.log10().floor() as i32;
    let base = 10f64.powi(e);
    let mut mult = 1.0;
    let mut unit = base;
    if 2.0 * base - cell < h * (cell - unit) {
        (mult, unit) = (2.0, 2.0 * base);
        if 5.0 * base - cell < h5 * (cell - unit) {
            (mult, unit) = (5.0, 5.0 * base);
            if 10.0 * base - cell < h * (cell - unit) {
                (mult, unit) = (10.0, 10.0 * base);
            }
        }
    }
    let mut ns = (lo / unit + ROUNDING_EPS).floor();
    let mut nu = (up / unit - ROUNDING_EPS).ceil();
    while ns * unit > lo + ROUNDING_EPS * unit {
        ns -= 1.0;
    }
    while !(ns * unit).is_finite() {
        ns += 1.0;
    }
    while nu * unit < up - ROUNDING_EPS * unit {
        nu += 1.0;
    }
    while !(nu * unit).is_finite() {
        nu -= 1.0;
    }
    let steps = (0.5 + nu - ns).floor();
    if steps < min_n {
        let short = min_n - steps;
        let (half, odd) = ((short / 2.0).floor(), short % 2.0);
        if lo == 0.0 && ns == 0.0 && up != 0.0 {
            nu += short;
        } else if up == 0.0 && nu == 0.0 && lo != 0.0 {
            ns -= short;
        } else if ns >= 0.0 {
            nu += half;
            ns -= half + odd;
        } else {
            ns -= half;
            nu += half + odd;
        }
    }
    // R's count is about n; the cap only bounds the allocation on absurd input (the caller
    // extends a short list to the maximum)
    let count = ((nu - ns).round().max(0.0) as usize).min(20 * n.max(1) + 20);
    (1..=count)
        .map(|i| decimal(ns + i as f64, mult, e))
        .collect()
}

/// The double nearest to `m × mult × 10^e` (exact integer arithmetic, then one correctly
/// rounded scaling by a power of ten while that power is exactly representable).
fn decimal(m: f64, mult: f64, e: i32) -> f64 {
    let digits = m * mult;
    if e >= 0 {
        digits * 10f64.powi(e)
    } else if e >= -22 {
        digits / 10f64.powi(-e)
    } else {
        digits * 10f64.powi(e)
    }
}
