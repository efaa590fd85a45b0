//! Permutation inference shared by Moran's I, local Moran's I and Getis-Ord G.
//!
//! **Conditional randomisation** (Anselin 1995; esda `crand.py`). A local statistic here has
//! the form sᵢ = aᵢ + bᵢ·Σₜ wᵢₜ·v_{jₜ}. Under the null of spatial randomness the value at *i* is
//! held fixed and its kᵢ neighbour values are replaced by kᵢ values drawn **without
//! replacement** from the other n − 1 areas; this is repeated P times and the observed sᵢ is
//! placed in that reference distribution. Global Moran's I uses full random permutations of
//! all values ([`replicates`]).
//!
//! **Pseudo p-values** ([`pseudo_p_value`]), P replicates:
//! * [`Alternative::Directed`] (esda's default, GeoDa's convention): the tail the observed value
//!   falls in, `p = (min(#{sim ≥ obs}, #{sim ≤ obs}) + 1)/(P + 1)`. esda folds with
//!   `P − #{sim ≥ obs}` instead of `#{sim ≤ obs}`; the two agree unless replicates tie the
//!   observed value exactly. We count ties on both sides on purpose: esda gives p = 1/(P+1) to
//!   a statistic that never varies (an area whose value equals the mean, or whose neighbours
//!   all hold one value), which is spurious significance; here that p is 1.
//! * [`Alternative::TwoSided`] (esda ≥ 2.6 `alternative="two-sided"`): the observed value's
//!   percentile q = #{sim ≤ obs}/P; with q' = min(q, 1 − q), count replicates at or below the
//!   q'-quantile and at or above the (1 − q')-quantile (numpy linear interpolation),
//!   `p = (count + 1)/(P + 1)`, capped at 1. About twice the directed p.
//!
//! **Random numbers and sampling.** As esda's `crand`, one table of draws serves every area:
//! P rows, each the first m entries of a random permutation of the n − 1 "others" (m = the
//! longest row of the weights), built once from the seed with a PCG-64 MCG (O'Neill 2014)
//! seeded by a SplitMix64 (Steele et al. 2014) mix. Area i reads the first kᵢ entries of each
//! row, entry e standing for area e + (e ≥ i): kᵢ distinct others per replicate, uniformly.
//! The replicates of different areas are therefore dependent (as in esda), while each area's
//! reference distribution is exact. Areas run in parallel with rayon and only read the table,
//! so a seed gives the same p-values on any number of threads. The generator differs from
//! numpy's, so p-values match PySAL's only within Monte-Carlo error (sd ≈ √(p(1−p)/P)).
//! When the table would exceed 8 Mi entries (very long rows × many replicates) each area
//! instead shuffles a per-thread copy of the values with its own generator, stream i (partial
//! Fisher–Yates, swaps undone after each replicate). Rows of equal weights (binary,
//! row-standardised) sum the drawn values and scale once. Nothing is allocated in the inner
//! loop. Cost O(P·Σkᵢ) time, O(P·m) shared memory.
//!
//! **Progress and cancellation.** `progress(done, total)` is reported once per task of 16
//! areas (areas for local statistics, replicates in blocks of 32 for global Moran), and
//! `is_cancelled()` is checked before each task; a cancelled run returns
//! [`StatsError::Cancelled`].

use super::error::StatsError;
use super::weights::SpatialWeights;
use crate::feedback::Feedback;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which tail(s) the permutation pseudo p-value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alternative {
    /// The tail on the observed side ("folded", esda's default and GeoDa's).
    Directed,
    /// Both tails (esda ≥ 2.6 "two-sided"); about twice the directed p-value.
    TwoSided,
}

/// Options of the permutation test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationOptions {
    /// Number of replicates P (999 as PySAL and GeoDa; 0 skips permutation inference).
    pub permutations: usize,
    /// Seed of the random numbers; the same seed gives the same p-values on any machine and
    /// thread count.
    pub seed: u64,
    pub alternative: Alternative,
}

impl Default for PermutationOptions {
    fn default() -> Self {
        Self {
            permutations: 999,
            seed: 12345,
            alternative: Alternative::Directed,
        }
    }
}

/// Largest number of replicates accepted (memory: 8 bytes per replicate per thread).
pub const MAX_PERMUTATIONS: usize = 999_999;

impl PermutationOptions {
    pub(crate) fn validate(&self) -> Result<(), StatsError> {
        if self.permutations > MAX_PERMUTATIONS {
            return Err(StatsError::BadOption(format!(
                "{} permutations is more than the maximum {MAX_PERMUTATIONS}",
                self.permutations
            )));
        }
        Ok(())
    }
}

/// The pseudo p-value of `observed` in a reference distribution (reordered when two-sided).
///
/// ```
/// use local_atlas::analysis::permutation::{pseudo_p_value, Alternative};
/// let mut sims: Vec<f64> = (0..99).map(f64::from).collect(); // 0, 1, …, 98
/// // 3 replicates ≥ 95.5 → (3 + 1)/(99 + 1)
/// assert_eq!(pseudo_p_value(&mut sims, 95.5, Alternative::Directed), 0.04);
/// // esda two-sided: 96 ≤ obs → q' = 3/99; 3 replicates at each end → (6 + 1)/100
/// assert_eq!(pseudo_p_value(&mut sims, 95.5, Alternative::TwoSided), 0.07);
/// ```
pub fn pseudo_p_value(reference: &mut [f64], observed: f64, alternative: Alternative) -> f64 {
    let permutations = reference.len() as f64;
    let (mut at_least, mut at_most) = (0usize, 0usize);
    for &s in reference.iter() {
        at_least += usize::from(s >= observed);
        at_most += usize::from(s <= observed);
    }
    match alternative {
        Alternative::Directed => (at_least.min(at_most) as f64 + 1.0) / (permutations + 1.0),
        Alternative::TwoSided => {
            if reference.is_empty() {
                return 1.0;
            }
            let percentile = at_most as f64 / permutations * 100.0;
            let p_low = percentile.min(100.0 - percentile);
            reference.sort_unstable_by(f64::total_cmp);
            let low = percentile_of_sorted(reference, p_low);
            let high = percentile_of_sorted(reference, 100.0 - p_low);
            let outside = reference.iter().filter(|&&s| s <= low).count()
                + reference.iter().filter(|&&s| s >= high).count();
            ((outside as f64 + 1.0) / (permutations + 1.0)).min(1.0)
        }
    }
}

/// numpy's `percentile(a, q)` with linear interpolation, for sorted non-empty `a`.
fn percentile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let position = (q / 100.0) * last as f64;
    let below = (position.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let t = position - below as f64;
    let (a, b) = (sorted[below], sorted[above]);
    // numpy's _lerp: from the nearer end, so the result is exact at t = 0 and t = 1.
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// A local statistic sᵢ = `offset[i]` + `scale[i]`·Σₜ wᵢₜ·`values[jₜ]` over the neighbours of *i*.
pub(crate) struct LocalStatistic<'a> {
    pub values: &'a [f64],
    pub weights: &'a SpatialWeights,
    pub offset: &'a [f64],
    pub scale: &'a [f64],
}

/// One area's observed statistic and its reference distribution, summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reference {
    pub p_sim: f64,
    /// Mean of the replicates (esda `EI_sim`).
    pub mean: f64,
    /// Population standard deviation of the replicates (esda `seI_sim`).
    pub sd: f64,
}

impl Reference {
    /// (observed − mean)/sd, `None` when the replicates do not vary.
    pub fn z(&self, observed: f64) -> Option<f64> {
        let z = (observed - self.mean) / self.sd;
        z.is_finite().then_some(z)
    }
}

/// Areas per parallel task: large enough to amortise the scratch buffers, small enough for
/// progress and cancellation to respond quickly.
const AREAS_PER_TASK: usize = 16;
/// Largest shared draw table (entries of 4 bytes): P × the longest row.
const MAX_TABLE_ENTRIES: usize = 1 << 23;

/// Conditional randomisation of every area with at least one neighbour (`None` for islands or
/// when `opts.permutations` is 0). Reports `progress(done_areas, n)` per task.
pub(crate) fn conditional_randomisation(
    stat: &LocalStatistic<'_>,
    opts: &PermutationOptions,
    feedback: &dyn Feedback,
) -> Result<Vec<Option<Reference>>, StatsError> {
    let n = stat.values.len();
    if opts.permutations == 0 {
        return Ok(vec![None; n]);
    }
    let longest = stat
        .weights
        .neighbours
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let table = DrawTable::new(n, longest, opts);
    let done = AtomicU64::new(0);
    let starts: Vec<usize> = (0..n).step_by(AREAS_PER_TASK).collect();
    let parts: Vec<Vec<Option<Reference>>> = starts
        .into_par_iter()
        .map(|start| {
            if feedback.is_cancelled() {
                return Err(StatsError::Cancelled);
            }
            let end = (start + AREAS_PER_TASK).min(n);
            let mut scratch = Scratch::new(opts.permutations);
            let part = (start..end)
                .map(|i| scratch.area(stat, i, opts, table.as_ref()))
                .collect::<Vec<_>>();
            let total = done.fetch_add((end - start) as u64, Ordering::Relaxed);
            feedback.progress(total + (end - start) as u64, n as u64);
            Ok(part)
        })
        .collect::<Result<_, _>>()?;
    Ok(parts.into_iter().flatten().collect())
}

/// esda's shared draws (`crand.py`): row r holds the first `width` entries of a random
/// permutation of 0..n−1, the indices of "the others" (entry e means area e + (e ≥ i) for
/// area i). Area i with kᵢ neighbours takes the first kᵢ entries of every row: kᵢ distinct
/// others, uniformly, in every replicate. Built once per seed on one thread, so results never
/// depend on the thread count; areas then only read memory, which is far cheaper than
/// drawing random numbers per area.
struct DrawTable {
    entries: Vec<u32>,
    width: usize,
}

impl DrawTable {
    /// `None` when the table would be too large (very long rows × many replicates) or n does
    /// not fit in 32 bits; areas then shuffle with their own generators.
    fn new(n: usize, width: usize, opts: &PermutationOptions) -> Option<Self> {
        let others = n.checked_sub(1)?;
        let width = width.min(others);
        let size = opts.permutations.checked_mul(width)?;
        if width == 0 || size > MAX_TABLE_ENTRIES || u32::try_from(n).is_err() {
            return None;
        }
        let mut rng = rng_for(opts.seed, u64::MAX);
        let mut pool: Vec<u32> = (0..others as u32).collect();
        let mut entries = Vec::with_capacity(size);
        for _ in 0..opts.permutations {
            // Partial Fisher–Yates over a fresh permutation each row (the pool stays a
            // permutation, so continuing from it is as random as restarting from 0..n−1).
            for t in 0..width {
                let r = t + below(&mut rng, (others - t) as u64) as usize;
                pool.swap(t, r);
            }
            entries.extend_from_slice(&pool[..width]);
        }
        Some(Self { entries, width })
    }
}

/// Per-task buffers, reused for every area of the task.
struct Scratch {
    replicates: Vec<f64>,
    /// Swap partners of the current replicate (Fisher–Yates).
    swaps: Vec<usize>,
    /// Copy of the values for Fisher–Yates, built on first use.
    pool: Vec<f64>,
}

impl Scratch {
    fn new(permutations: usize) -> Self {
        Self {
            replicates: vec![0.0; permutations],
            swaps: Vec::new(),
            pool: Vec::new(),
        }
    }

    fn area(
        &mut self,
        stat: &LocalStatistic<'_>,
        i: usize,
        opts: &PermutationOptions,
        table: Option<&DrawTable>,
    ) -> Option<Reference> {
        let values = stat.values;
        let n = values.len();
        let neighbours = stat.weights.neighbours.get(i)?;
        let weights = stat.weights.weights.get(i)?;
        let k = neighbours.len();
        if k == 0 || k >= n || neighbours.iter().any(|&j| j >= n) {
            return None;
        }
        let (offset, scale) = (*stat.offset.get(i)?, *stat.scale.get(i)?);
        // Rows of equal weights (binary, row-standardised) sum the values and scale once; the
        // observed value is computed the same way so that a replicate drawing the observed
        // neighbours ties it exactly.
        let common = weights
            .first()
            .copied()
            .filter(|w0| weights.iter().all(|w| w == w0));
        let observed_lag = match common {
            Some(w0) => w0 * neighbours.iter().map(|&j| values[j]).sum::<f64>(),
            None => neighbours
                .iter()
                .zip(weights)
                .map(|(&j, w)| w * values[j])
                .sum(),
        };
        let observed = offset + scale * observed_lag;
        let form = Form {
            offset,
            scale,
            weights,
            common,
        };
        match table.filter(|t| k <= t.width) {
            Some(table) => from_table(&mut self.replicates, values, table, i, &form),
            None => {
                if self.pool.len() != n {
                    self.pool = values.to_vec();
                }
                self.swaps.resize(k, 0);
                let rng = rng_for(opts.seed, i as u64);
                by_shuffle(
                    &mut self.replicates,
                    &mut self.pool,
                    &mut self.swaps,
                    i,
                    &form,
                    rng,
                );
            }
        }
        Some(summarise(&mut self.replicates, observed, opts.alternative))
    }
}

/// The replicate sᵢ = offset + scale·Σₜ wₜ·v_{jₜ} of one area, with `common` set when every
/// weight of the row is the same.
struct Form<'a> {
    offset: f64,
    scale: f64,
    weights: &'a [f64],
    common: Option<f64>,
}

/// Replicates of area `i` from the shared draw table (`k ≤ table.width`).
fn from_table(
    replicates: &mut [f64],
    values: &[f64],
    table: &DrawTable,
    i: usize,
    form: &Form<'_>,
) {
    let i = i as u32;
    let value = |e: u32| values[(e + u32::from(e >= i)) as usize];
    // Rows of equal weights sum the values and scale once (the weight 1.0 folds away).
    match form.common {
        Some(w0) => table_lags(
            replicates,
            table,
            form.weights.len(),
            value,
            |_| 1.0,
            w0,
            form,
        ),
        None => table_lags(
            replicates,
            table,
            form.weights.len(),
            value,
            |t| form.weights[t],
            1.0,
            form,
        ),
    }
}

/// sᵣ = offset + scale·factor·Σₜ weight(t)·value(row_r[t]) for every replicate r.
#[inline(always)]
fn table_lags(
    replicates: &mut [f64],
    table: &DrawTable,
    k: usize,
    value: impl Fn(u32) -> f64,
    weight: impl Fn(usize) -> f64,
    factor: f64,
    form: &Form<'_>,
) {
    let width = table.width;
    let finish = |lag: f64| form.offset + form.scale * (factor * lag);
    // Four replicates at a time: four independent sums keep the adder busy (one sum alone is
    // a chain of kᵢ dependent additions).
    let mut blocks = replicates.chunks_exact_mut(4);
    let mut rows = table.entries.chunks_exact(4 * width);
    for (out, block) in (&mut blocks).zip(&mut rows) {
        let (r0, rest) = block.split_at(width);
        let (r1, rest) = rest.split_at(width);
        let (r2, r3) = rest.split_at(width);
        let mut lag = [0.0; 4];
        for t in 0..k {
            let w = weight(t);
            lag[0] += w * value(r0[t]);
            lag[1] += w * value(r1[t]);
            lag[2] += w * value(r2[t]);
            lag[3] += w * value(r3[t]);
        }
        for (s, l) in out.iter_mut().zip(lag) {
            *s = finish(l);
        }
    }
    let tail = rows.remainder().chunks_exact(width);
    for (s, row) in blocks.into_remainder().iter_mut().zip(tail) {
        let lag: f64 = (0..k).map(|t| weight(t) * value(row[t])).sum();
        *s = finish(lag);
    }
}

/// Replicates by partial Fisher–Yates on `pool` (a copy of the values), undoing the swaps
/// after each replicate so the pool is unchanged on return.
fn by_shuffle(
    replicates: &mut [f64],
    pool: &mut [f64],
    swaps: &mut [usize],
    i: usize,
    form: &Form<'_>,
    mut rng: Pcg64Mcg,
) {
    let n = pool.len();
    let k = form.weights.len();
    // Park i at the end so positions 0..n-1 hold exactly the others.
    pool.swap(i, n - 1);
    for s in replicates.iter_mut() {
        for (t, slot) in swaps.iter_mut().enumerate().take(k) {
            let r = t + below(&mut rng, (n - 1 - t) as u64) as usize;
            pool.swap(t, r);
            *slot = r;
        }
        let drawn = &pool[..k];
        let lag = match form.common {
            Some(w0) => w0 * drawn.iter().sum::<f64>(),
            None => drawn.iter().zip(form.weights).map(|(v, w)| w * v).sum(),
        };
        for t in (0..k).rev() {
            pool.swap(t, swaps[t]);
        }
        *s = form.offset + form.scale * lag;
    }
    pool.swap(i, n - 1);
}

/// Mean, population sd and pseudo p of a reference distribution, in one pass for the
/// directed p (this runs once per area, so it is a noticeable share of the work).
pub(crate) fn summarise(
    replicates: &mut [f64],
    observed: f64,
    alternative: Alternative,
) -> Reference {
    let count = replicates.len() as f64;
    // Deviations from the first replicate (near the mean, so E[d²] − E[d]² loses little), four
    // lanes so the sums pipeline.
    let shift = replicates.first().copied().unwrap_or(0.0);
    let (mut sum, mut squares, mut at_least, mut at_most) =
        ([0.0; 4], [0.0; 4], [0u32; 4], [0u32; 4]);
    let mut lanes = replicates.chunks_exact(4);
    for chunk in &mut lanes {
        for l in 0..4 {
            let d = chunk[l] - shift;
            sum[l] += d;
            squares[l] += d * d;
            at_least[l] += u32::from(chunk[l] >= observed);
            at_most[l] += u32::from(chunk[l] <= observed);
        }
    }
    for &s in lanes.remainder() {
        let d = s - shift;
        sum[0] += d;
        squares[0] += d * d;
        at_least[0] += u32::from(s >= observed);
        at_most[0] += u32::from(s <= observed);
    }
    let mean_d = sum.iter().sum::<f64>() / count;
    let variance = (squares.iter().sum::<f64>() / count - mean_d * mean_d).max(0.0);
    let p_sim = match alternative {
        Alternative::Directed => {
            let tail = at_least
                .iter()
                .sum::<u32>()
                .min(at_most.iter().sum::<u32>());
            (f64::from(tail) + 1.0) / (count + 1.0)
        }
        Alternative::TwoSided => pseudo_p_value(replicates, observed, alternative),
    };
    Reference {
        p_sim,
        mean: shift + mean_d,
        sd: variance.sqrt(),
    }
}

/// `count` replicates of a global statistic, replicate r drawn with the generator of stream r.
/// `init` makes per-task state (e.g. a shuffle buffer); progress is `(done, count)`.
pub(crate) fn replicates<S, I, F>(
    count: usize,
    seed: u64,
    feedback: &dyn Feedback,
    init: I,
    replicate: F,
) -> Result<Vec<f64>, StatsError>
where
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &mut Pcg64Mcg) -> f64 + Sync,
{
    const PER_TASK: usize = 32;
    let done = AtomicU64::new(0);
    let starts: Vec<usize> = (0..count).step_by(PER_TASK).collect();
    let parts: Vec<Vec<f64>> = starts
        .into_par_iter()
        .map(|start| {
            if feedback.is_cancelled() {
                return Err(StatsError::Cancelled);
            }
            let end = (start + PER_TASK).min(count);
            let mut state = init();
            let part: Vec<f64> = (start..end)
                .map(|r| replicate(&mut state, &mut rng_for(seed, r as u64)))
                .collect();
            let total = done.fetch_add((end - start) as u64, Ordering::Relaxed);
            feedback.progress(total + (end - start) as u64, count as u64);
            Ok(part)
        })
        .collect::<Result<_, _>>()?;
    Ok(parts.into_iter().flatten().collect())
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of stream `stream` (an area or a replicate) under `seed`. The state is
/// injective in (seed, stream) apart from PCG forcing its lowest bit to 1.
pub(crate) fn rng_for(seed: u64, stream: u64) -> Pcg64Mcg {
    let high = splitmix64(seed);
    let low = splitmix64(stream ^ high);
    Pcg64Mcg::new((u128::from(high) << 64) | u128::from(low))
}

/// A uniform integer in 0..bound (bound ≥ 1), Lemire's nearly divisionless method.
#[inline]
pub(crate) fn below(rng: &mut Pcg64Mcg, bound: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(bound);
    if (m as u64) < bound {
        let threshold = bound.wrapping_neg() % bound;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(bound);
        }
    }
    (m >> 64) as u64
}

/// In-place Fisher–Yates shuffle.
pub(crate) fn shuffle(values: &mut [f64], rng: &mut Pcg64Mcg) {
    for i in (1..values.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        values.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directed_counts_ties_on_both_sides() {
        let mut constant = vec![2.0; 99];
        assert_eq!(
            pseudo_p_value(&mut constant, 2.0, Alternative::Directed),
            1.0
        );
        let mut sims: Vec<f64> = (0..99).map(f64::from).collect();
        // obs below everything: 0 replicates ≤ obs → 1/100
        assert_eq!(pseudo_p_value(&mut sims, -1.0, Alternative::Directed), 0.01);
    }

    #[test]
    fn two_sided_matches_esda() {
        // python3 -c "import numpy as np; from esda.significance import calculate_significance as c;
        //   r=np.arange(99.); print(c(95.5, r, 'two-sided'), c(10.2, r, 'two-sided'), c(49.0, r, 'two-sided'))"
        // → 0.07 0.23 0.99
        let sims: Vec<f64> = (0..99).map(f64::from).collect();
        for (obs, want) in [(95.5, 0.07), (10.2, 0.23), (49.0, 0.99)] {
            let got = pseudo_p_value(&mut sims.clone(), obs, Alternative::TwoSided);
            assert!((got - want).abs() < 1e-12, "obs {obs}: {got} vs {want}");
        }
    }

    #[test]
    fn below_is_uniform_and_in_range() {
        let mut rng = rng_for(1, 2);
        let mut counts = [0usize; 7];
        for _ in 0..70_000 {
            counts[below(&mut rng, 7) as usize] += 1;
        }
        // each count ~ Binomial(70000, 1/7): mean 10000, sd ≈ 92.6; 5 sd bounds
        assert!(
            counts.iter().all(|&c| (c as f64 - 10_000.0).abs() < 463.0),
            "{counts:?}"
        );
    }

    /// Values 2^j make every replicate's sum a set of drawn areas: k distinct bits, never i.
    #[test]
    fn both_samplers_draw_k_distinct_others() {
        let n = 40;
        let values: Vec<f64> = (0..n).map(|j| 2f64.powi(j)).collect();
        let opts = PermutationOptions {
            permutations: 203, // not a multiple of 4: exercises the table's tail
            ..Default::default()
        };
        let table = DrawTable::new(n as usize, 10, &opts).expect("small table");
        for k in [3usize, 10] {
            let weights = vec![1.0; k];
            let form = Form {
                offset: 0.0,
                scale: 1.0,
                weights: &weights,
                common: Some(1.0),
            };
            for i in [0, 17, n as usize - 1] {
                for shuffle in [false, true] {
                    let mut replicates = vec![0.0; opts.permutations];
                    let mut pool = values.clone();
                    if shuffle {
                        let mut swaps = vec![0; k];
                        let rng = rng_for(9, i as u64);
                        by_shuffle(&mut replicates, &mut pool, &mut swaps, i, &form, rng);
                    } else {
                        from_table(&mut replicates, &values, &table, i, &form);
                    }
                    assert_eq!(pool, values, "the shuffle pool is restored");
                    for &s in &replicates {
                        let bits = s as u64;
                        assert_eq!(bits.count_ones() as usize, k, "k distinct areas");
                        assert_eq!(bits & (1 << i), 0, "area {i} never draws itself");
                    }
                    // Every other area is drawn at some point.
                    let seen = replicates.iter().fold(0u64, |a, &s| a | s as u64);
                    assert_eq!(seen, ((1u64 << n) - 1) & !(1 << i));
                }
            }
        }
    }

    #[test]
    fn table_is_too_large_for_huge_rows() {
        let opts = PermutationOptions {
            permutations: 999_999,
            ..Default::default()
        };
        assert!(DrawTable::new(100_000, 50, &opts).is_none());
        assert!(DrawTable::new(1, 5, &opts).is_none(), "no others to draw");
    }

    #[test]
    fn streams_differ() {
        let a = rng_for(12345, 0).next_u64();
        let b = rng_for(12345, 1).next_u64();
        let c = rng_for(12346, 0).next_u64();
        assert!(a != b && a != c && b != c);
        assert_eq!(a, rng_for(12345, 0).next_u64());
    }
}
