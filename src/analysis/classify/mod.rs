//! Classification of indicator values into map classes, as analysts know it from mapclassify
//! (PySAL), GeoDa and QGIS.
//!
//! **Definition.** A classification of the finite values *y* is an ascending list of upper
//! bounds *b₀ ≤ b₁ ≤ … ≤ b_{k−1}*; class 0 holds *y ≤ b₀* and class *i* holds
//! *b_{i−1} < y ≤ b_i* (mapclassify's rule, upper bound inclusive). Every method here produces a
//! last bound ≥ max(*y*), so every finite value has a class. Missing and non-finite values are
//! excluded from the breaks, the counts and the fit measures and get class `None`.
//!
//! **Methods** (one file each): equal interval, quantiles, natural breaks (the exact
//! Fisher–Jenks optimum), standard deviation, pretty breaks (R's `pretty()`), maximum breaks,
//! box map, percentile map, head/tail breaks and manual breaks; see [`Method`] and the module
//! documentation of each file for the definition, the reference it matches and its cost.
//!
//! **Fit.** Every result reports the goodness of variance fit, GVF = 1 − SDCM/SDAM (squared
//! deviations about the class means over those about the overall mean; Jenks 1967), and
//! mapclassify's goodness of absolute deviation fit, GADF = 1 − ADCM/ADAM (absolute deviations
//! about the class medians over those about the overall median). Both are 1 when all values are
//! equal.
//!
//! **Degenerate input.** No finite values is an error. When all finite values are equal every
//! method except manual gives one class with a note. Tied breaks, fewer distinct values than
//! classes, empty fixed categories and similar surprises are reported in
//! [`Classification::notes`].

mod boxmap;
mod equal;
mod fit;
mod headtail;
mod jenks;
mod manual;
mod maxbreaks;
mod percentile;
mod pretty;
mod quantile;
mod stddev;

pub(crate) use quantile::percentile_sorted;
pub use quantile::quantile_breaks;

use serde::{Deserialize, Serialize};

/// The largest number of classes a method that takes `k` accepts. Maps rarely use more than a
/// dozen; the cap bounds the memory of the Fisher–Jenks table (k × n).
pub const MAX_CLASSES: usize = 100;

/// A classification method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal interval (mapclassify `EqualInterval`).
    Equal,
    /// Quantiles (mapclassify `Quantiles`, QGIS "Equal Count").
    Quantile,
    /// Natural breaks: the exact Fisher–Jenks optimum (mapclassify `FisherJenks`).
    Jenks,
    /// Mean ± 1 and 2 standard deviations (mapclassify `StdMean`).
    Stddev,
    /// Pretty breaks (R's `pretty()`, as QGIS).
    Pretty,
    /// Maximum breaks (mapclassify `MaximumBreaks`).
    Maxbreaks,
    /// Box map (GeoDa; mapclassify `BoxPlot`).
    Box,
    /// Percentile map (GeoDa; mapclassify `Percentiles`).
    Percentile,
    /// Head/tail breaks (Jiang 2013).
    Headtail,
    /// Breaks given by the user.
    Manual,
}

impl Method {
    /// Every method, in the order of the documentation.
    pub const ALL: [Method; 10] = [
        Method::Equal,
        Method::Quantile,
        Method::Jenks,
        Method::Stddev,
        Method::Pretty,
        Method::Maxbreaks,
        Method::Box,
        Method::Percentile,
        Method::Headtail,
        Method::Manual,
    ];

    /// The method's name, as accepted by [`std::str::FromStr`] and written by serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Equal => "equal",
            Method::Quantile => "quantile",
            Method::Jenks => "jenks",
            Method::Stddev => "stddev",
            Method::Pretty => "pretty",
            Method::Maxbreaks => "maxbreaks",
            Method::Box => "box",
            Method::Percentile => "percentile",
            Method::Headtail => "headtail",
            Method::Manual => "manual",
        }
    }

    /// Whether the method uses [`ClassifyOptions::k`].
    pub fn uses_k(self) -> bool {
        matches!(
            self,
            Method::Equal | Method::Quantile | Method::Jenks | Method::Pretty | Method::Maxbreaks
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    /// ```
    /// use local_atlas::analysis::classify::Method;
    /// assert_eq!("jenks".parse::<Method>(), Ok(Method::Jenks));
    /// assert!("Jenks".parse::<Method>().unwrap_err().contains("maxbreaks"));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
                format!(
                    "unknown classification method '{s}'; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// What to classify with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassifyOptions {
    pub method: Method,
    /// Requested number of classes (default 5); used by equal, quantile, jenks, pretty and
    /// maxbreaks, ignored by the others.
    pub k: usize,
    /// For [`Method::Manual`]: ascending, finite upper bounds.
    pub manual_breaks: Vec<f64>,
    /// For [`Method::Box`]: the fences lie `hinge` × IQR beyond the quartiles (1.5 or 3.0).
    pub hinge: f64,
    /// For [`Method::Stddev`]: delta degrees of freedom of the standard deviation; 1 = sample
    /// sd (default, as mapclassify 2.10 `StdMean`), 0 = population sd.
    pub sd_ddof: u8,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions {
            method: Method::Quantile,
            k: 5,
            manual_breaks: Vec::new(),
            hinge: 1.5,
            sd_ddof: 1,
        }
    }
}

/// The result of [`classify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub method: Method,
    /// Number of classes produced (= `breaks.len()`, always ≥ 1).
    pub k: usize,
    /// `opts.k` for methods that take k; otherwise the number of classes the method defines
    /// (stddev 5, box 6, percentile 6, manual the number of manual breaks, head/tail the number
    /// produced). `k != requested_k` always comes with a note.
    pub requested_k: usize,
    /// Upper bounds, ascending; class i holds `breaks[i-1] < v <= breaks[i]`, class 0 holds
    /// `v <= breaks[0]`.
    pub breaks: Vec<f64>,
    /// Number of values in each class.
    pub counts: Vec<usize>,
    /// Per input value, its 0-based class; `None` for missing or non-finite input.
    pub classes: Vec<Option<usize>>,
    /// Goodness of variance fit, 1 − SDCM/SDAM (1.0 when SDAM = 0).
    pub gvf: f64,
    /// Goodness of absolute deviation fit (mapclassify's `gadf`), 1 − ADCM/ADAM.
    pub gadf: f64,
    /// Number of missing or non-finite inputs (excluded from everything).
    pub missing: usize,
    /// Plain-language remarks: tied breaks, fewer classes than asked, empty categories, ….
    pub notes: Vec<String>,
}

/// Why a classification could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ClassifyError {
    #[error("no values to classify ({missing} missing or non-finite)")]
    NoValues { missing: usize },
    #[error("at least one class is needed (k = {k})")]
    TooFewClasses { k: usize },
    #[error("too many classes: k = {k}, at most {max}")]
    TooManyClasses { k: usize, max: usize },
    #[error("bad manual breaks: {0}")]
    BadManualBreaks(String),
    #[error("bad classification option: {0}")]
    BadOption(String),
}

/// Classifies `values` (missing and non-finite values excluded) with the method and parameters
/// in `opts`.
///
/// ```
/// use local_atlas::analysis::classify::{classify, ClassifyOptions, Method};
/// let v: Vec<Option<f64>> = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0].into_iter().map(Some).collect();
/// let c = classify(&v, &ClassifyOptions { method: Method::Jenks, k: 2, ..Default::default() })
///     .unwrap();
/// assert_eq!(c.breaks, vec![3.0, 12.0]);
/// assert_eq!(c.counts, vec![3, 3]);
/// // SDCM = 2·(1 + 0 + 1) = 4, SDAM = 2·(5.5² + 4.5² + 3.5²) = 125.5
/// assert!((c.gvf - (1.0 - 4.0 / 125.5)).abs() < 1e-12);
/// ```
pub fn classify(
    values: &[Option<f64>],
    opts: &ClassifyOptions,
) -> Result<Classification, ClassifyError> {
    validate(opts)?;
    let finite: Vec<f64> = values
        .iter()
        .filter_map(|v| v.filter(|x| x.is_finite()))
        .collect();
    let missing = values.len() - finite.len();
    if finite.is_empty() {
        return Err(ClassifyError::NoValues { missing });
    }
    let mut sorted = finite;
    sorted.sort_unstable_by(f64::total_cmp);
    let (min, max) = match (sorted.first(), sorted.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return Err(ClassifyError::NoValues { missing }),
    };

    let mut notes = Vec::new();
    if missing > 0 {
        notes.push(format!("{missing} missing or non-finite value(s) excluded"));
    }
    let notes_before = notes.len();
    let mut breaks = if opts.method != Method::Manual && min == max {
        notes.push(format!(
            "all {} values are equal ({max}): one class",
            sorted.len()
        ));
        vec![max]
    } else {
        method_breaks(&sorted, opts, &mut notes)
    };
    // Every method above ends at or beyond the maximum; this guard only keeps the promise
    // "never an empty class list" should a method ever fail to.
    if breaks.last().is_none_or(|b| *b < max) {
        notes.push(format!("last class extended to the maximum ({max})"));
        breaks.push(max);
    }
    let k = breaks.len();
    let requested_k = match opts.method {
        m if m.uses_k() => opts.k,
        Method::Stddev => 5,
        Method::Box | Method::Percentile => 6,
        Method::Manual => opts.manual_breaks.len(),
        // data-determined: what the method produces is what was asked for
        _ => k,
    };
    if k != requested_k && notes.len() == notes_before {
        notes.push(format!("{k} classes instead of {requested_k}"));
    }

    // breaks are ascending here, so bisection gives the same class as `class_of`
    let class_in = |x: f64| {
        x.is_finite()
            .then(|| breaks.partition_point(|b| *b < x).min(k - 1))
    };
    let classes: Vec<Option<usize>> = values.iter().map(|v| v.and_then(class_in)).collect();
    let mut counts = vec![0usize; k];
    for c in classes.iter().flatten() {
        if let Some(n) = counts.get_mut(*c) {
            *n += 1;
        }
    }
    let empty: Vec<String> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n == 0)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !empty.is_empty() && k > 1 {
        notes.push(format!("empty class(es): {} (1-based)", empty.join(", ")));
    }
    let (gvf, gadf) = fit::gvf_gadf(&sorted, &breaks);
    Ok(Classification {
        method: opts.method,
        k,
        requested_k,
        breaks,
        counts,
        classes,
        gvf,
        gadf,
        missing,
        notes,
    })
}

fn validate(opts: &ClassifyOptions) -> Result<(), ClassifyError> {
    if opts.method.uses_k() {
        if opts.k == 0 {
            return Err(ClassifyError::TooFewClasses { k: opts.k });
        }
        if opts.k > MAX_CLASSES {
            return Err(ClassifyError::TooManyClasses {
                k: opts.k,
                max: MAX_CLASSES,
            });
        }
    }
    match opts.method {
        Method::Manual => manual::validate(&opts.manual_breaks),
        Method::Box if !(opts.hinge.is_finite() && opts.hinge >= 0.0) => {
            Err(ClassifyError::BadOption(format!(
                "box map hinge must be a finite number ≥ 0, got {}",
                opts.hinge
            )))
        }
        _ => Ok(()),
    }
}

fn method_breaks(sorted: &[f64], opts: &ClassifyOptions, notes: &mut Vec<String>) -> Vec<f64> {
    match opts.method {
        Method::Equal => equal::breaks(sorted, opts.k),
        Method::Quantile => quantile::breaks(sorted, opts.k, notes),
        Method::Jenks => jenks::breaks(sorted, opts.k, notes),
        Method::Stddev => stddev::breaks(sorted, opts.sd_ddof, notes),
        Method::Pretty => pretty::breaks(sorted, opts.k, notes),
        Method::Maxbreaks => maxbreaks::breaks(sorted, opts.k, notes),
        Method::Box => boxmap::breaks(sorted, opts.hinge, notes),
        Method::Percentile => percentile::breaks(sorted, notes),
        Method::Headtail => headtail::breaks(sorted, notes),
        Method::Manual => manual::breaks(sorted, &opts.manual_breaks, notes),
    }
}

/// The 0-based class of `value` given ascending upper bounds (a value equal to a bound belongs
/// to that class; values above the last bound go to the last class). `None` for non-finite
/// values or no classes.
///
/// ```
/// use local_atlas::analysis::classify::class_of;
/// let b = [10.0, 20.0, 30.0];
/// assert_eq!(class_of(10.0, &b), Some(0));
/// assert_eq!(class_of(10.5, &b), Some(1));
/// assert_eq!(class_of(99.0, &b), Some(2));
/// assert_eq!(class_of(f64::NAN, &b), None);
/// ```
pub fn class_of(value: f64, breaks: &[f64]) -> Option<usize> {
    if !value.is_finite() || breaks.is_empty() {
        return None;
    }
    Some(
        breaks
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(breaks.len() - 1),
    )
}

/// Sorted distinct values and how often each occurs.
fn distinct_with_counts(sorted: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut values: Vec<f64> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    for &x in sorted {
        match (values.last(), counts.last_mut()) {
            (Some(last), Some(n)) if *last == x => *n += 1,
            _ => {
                values.push(x);
                counts.push(1);
            }
        }
    }
    (values, counts)
}

/// A divisor that brings extreme magnitudes (beyond 1e±100) near 1 before values are squared,
/// so sums of squares neither overflow nor underflow; 1 for ordinary data, which is left
/// bit-for-bit as it is.
fn magnitude_scale(sorted: &[f64]) -> f64 {
    let s = sorted.iter().map(|x| x.abs()).fold(0.0, f64::max);
    if (s > 1e100 || (s > 0.0 && s < 1e-100)) && s.is_finite() {
        s
    } else {
        1.0
    }
}
