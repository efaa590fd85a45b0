//! Map classification against independent references:
//!
//! * mapclassify (PySAL) on Columbus CRIME: the shared JSON (`../shared/reference/
//!   columbus_pysal.json`, mapclassify 2.10.0) and values recorded below;
//! * mapclassify on the GM IMD 2019 score (seeds/gm_iod2019_lsoa_wide.csv, 1,673 LSOAs);
//! * R 4.2.2 `pretty()` for pretty breaks;
//! * brute force (every partition) and an O(k·n²) dynamic programme for Fisher–Jenks.
//!
//! Python values were produced with mapclassify 2.10.0, numpy 2.4.6, scipy 1.17.1,
//! geopandas 1.2.0 (`pip install mapclassify`) by this script:
//!
//! ```text
//! import warnings; warnings.filterwarnings("ignore")
//! import geopandas as gpd, pandas as pd, mapclassify as mc, numpy as np
//! y = gpd.read_file('shared/data/pysal_examples/columbus/columbus.shp')['CRIME'].values
//! for c in [mc.BoxPlot(y), mc.BoxPlot(y, hinge=3.0), mc.Percentiles(y),
//!           mc.HeadTailBreaks(y), mc.PrettyBreaks(y)]:
//!     print(c.name, c.bins.tolist(), c.counts.tolist(), c.gadf, c.yb.tolist())
//! m, s0 = y.mean(), y.std(ddof=0); print([m + k*s0 for k in (-2, -1, 1, 2)])
//! g = pd.read_csv('seeds/gm_iod2019_lsoa_wide.csv')['imd_score'].values.astype(float)
//! for c in [mc.FisherJenks(g, k=5), mc.Quantiles(g, k=5), mc.BoxPlot(g), mc.Percentiles(g),
//!           mc.HeadTailBreaks(g), mc.PrettyBreaks(g), mc.EqualInterval(g, k=5),
//!           mc.StdMean(g), mc.MaximumBreaks(g, k=5)]:
//!     print(c.name, c.bins.tolist(), c.counts.tolist(), c.gadf)
//! ```
//!
//! Tolerances: breaks 1e-9 relative, GADF 1e-9 absolute, counts and classes exact.

mod common;

use local_atlas::analysis::classify::{
    Classification, ClassifyError, ClassifyOptions, MAX_CLASSES, Method, class_of, classify,
    quantile_breaks,
};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use std::path::Path;

const REL: f64 = 1e-9;

fn opts(method: Method, k: usize) -> ClassifyOptions {
    ClassifyOptions {
        method,
        k,
        ..Default::default()
    }
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().copied().map(Some).collect()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= REL * w.abs().max(1.0),
            "{what}: {got:?} vs {want:?}"
        );
    }
}

fn yb(c: &Classification) -> Vec<usize> {
    c.classes.iter().map(|x| x.unwrap()).collect()
}

/// Columbus CRIME in file order (= POLYID 1..49), or None when ../shared is absent.
fn columbus_crime() -> Option<Vec<f64>> {
    let dir = common::shared_data()?;
    let layer = local_atlas::data::source::read_layer(
        &dir.join("pysal_examples/columbus/columbus.shp"),
        None,
    )
    .unwrap();
    let i = layer.field_index("CRIME").unwrap();
    use local_atlas::data::source::AttrValue;
    Some(
        layer
            .features
            .iter()
            .map(|f| match &f.attrs[i] {
                AttrValue::Real(x) => *x,
                AttrValue::Int(x) => *x as f64,
                other => panic!("CRIME is not numeric: {other:?}"),
            })
            .collect(),
    )
}

fn columbus_reference() -> Option<serde_json::Value> {
    let p = common::shared_data()?.join("../reference/columbus_pysal.json");
    Some(serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn usizes(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn columbus_matches_mapclassify_json() {
    let (Some(y), Some(r)) = (columbus_crime(), columbus_reference()) else {
        return;
    };
    assert_eq!(y.len(), 49);
    let refs = &r["columbus"]["classification_k5"];
    for (name, method) in [
        ("EqualInterval", Method::Equal),
        ("Quantiles", Method::Quantile),
        ("FisherJenks", Method::Jenks),
        ("StdMean", Method::Stddev),
        ("MaximumBreaks", Method::Maxbreaks),
    ] {
        let c = classify(&some(&y), &opts(method, 5)).unwrap();
        let e = &refs[name];
        assert_close(&c.breaks, &floats(&e["bins_upper_bounds"]), name);
        assert_eq!(c.counts, usizes(&e["counts"]), "{name} counts");
        assert_eq!(yb(&c), usizes(&e["yb"]), "{name} yb");
        assert_eq!(c.k, 5, "{name}");
        let gadf = e["gadf"].as_f64().unwrap();
        assert!(
            (c.gadf - gadf).abs() < 1e-9,
            "{name} gadf {} vs {gadf}",
            c.gadf
        );
        assert_eq!(c.missing, 0);
    }
}

#[test]
fn columbus_box_percentile_headtail_match_mapclassify() {
    let Some(y) = columbus_crime() else { return };
    let v = some(&y);

    // mapclassify BoxPlot(y): no upper outliers, so it stops at the upper fence (5 bins);
    // ours adds GeoDa's sixth (empty) upper-outlier class with the fence as bound.
    let box_yb = vec![
        1, 1, 2, 2, 4, 2, 1, 3, 2, 2, 4, 4, 3, 4, 3, 4, 3, 3, 4, 1, 3, 2, 1, 3, 4, 3, 4, 4, 4, 4,
        1, 1, 3, 2, 3, 1, 3, 4, 1, 1, 1, 1, 3, 2, 2, 1, 2, 2, 2,
    ];
    for (hinge, fences) in [
        (1.5, (-22.7569705, 91.3909615)),
        (3.0, (-65.562445, 134.196436)),
    ] {
        let c = classify(
            &v,
            &ClassifyOptions {
                method: Method::Box,
                hinge,
                ..Default::default()
            },
        )
        .unwrap();
        let mc = [fences.0, 20.048504, 34.000835, 48.585487, fences.1];
        assert_close(&c.breaks[..5], &mc, "box");
        assert_close(&c.breaks[5..], &[fences.1], "box sixth bound");
        assert_eq!(c.counts, vec![0, 13, 12, 12, 12, 0]);
        assert_eq!(yb(&c), box_yb);
        assert!((c.gadf - 0.7554181562316159).abs() < 1e-9);
        assert_eq!((c.k, c.requested_k), (6, 6));
        assert!(c.notes.iter().any(|n| n.contains("no upper outliers")));
    }

    let c = classify(&v, &opts(Method::Percentile, 0)).unwrap();
    assert_close(
        &c.breaks,
        &[
            0.20012244,
            16.4417718,
            34.000835,
            56.9490544,
            65.71607791999998,
            68.892044,
        ],
        "percentile",
    );
    assert_eq!(c.counts, vec![1, 4, 20, 19, 4, 1]);
    assert_eq!(
        yb(&c),
        vec![
            1, 2, 2, 2, 3, 2, 0, 3, 2, 2, 4, 3, 3, 4, 3, 3, 3, 3, 3, 1, 3, 2, 2, 3, 4, 3, 3, 3, 4,
            5, 2, 2, 3, 2, 3, 1, 3, 3, 2, 1, 2, 2, 3, 2, 2, 2, 2, 2, 2
        ]
    );
    assert!((c.gadf - 0.6372797719760726).abs() < 1e-9);

    // mapclassify HeadTailBreaks: [35.12882389795919, 49.36077408333333, 57.542187750000004,
    // 63.304278249999996, 68.892044]. Its first head holds 24 of 49 values (49 % ≥ 40 %), so
    // Jiang's rule stops after the first mean.
    let c = classify(&v, &opts(Method::Headtail, 0)).unwrap();
    assert_close(&c.breaks, &[35.12882389795919, 68.892044], "headtail");
    assert_eq!(c.counts, vec![25, 24]);
    assert!(c.notes.iter().any(|n| n.contains("not heavy-tailed")));
}

#[test]
fn columbus_stddev_population_and_pretty() {
    let Some(y) = columbus_crime() else { return };
    let v = some(&y);
    // numpy: y.mean() + m * y.std(ddof=0), m = -2, -1, 1, 2
    let c = classify(
        &v,
        &ClassifyOptions {
            method: Method::Stddev,
            sd_ddof: 0,
            ..Default::default()
        },
    )
    .unwrap();
    assert_close(
        &c.breaks,
        &[
            2.007871190609208,
            18.568347544284197,
            51.68930025163418,
            68.24977660530917,
            68.892044,
        ],
        "stddev ddof 0",
    );
    assert_eq!(c.counts.iter().sum::<usize>(), 49);

    // R 4.2.2: pretty(range(CRIME)) = 0 10 20 30 40 50 60 70. mapclassify PrettyBreaks uses
    // another algorithm and gives [20, 40, 60, 80] here.
    let c = classify(&v, &opts(Method::Pretty, 5)).unwrap();
    assert_eq!(c.breaks, vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]);
    assert_eq!(c.counts.iter().sum::<usize>(), 49);
    assert!(c.notes.iter().any(|n| n.contains("7 classes")));
}

fn gm_imd() -> Vec<f64> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/gm_iod2019_lsoa_wide.csv");
    let mut r = csv::Reader::from_path(p).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "imd_score")
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[col].parse::<f64>().unwrap())
        .collect()
}

#[test]
fn gm_imd_matches_mapclassify() {
    let y = gm_imd();
    assert_eq!(y.len(), 1673);
    let v = some(&y);
    type Case<'a> = (Method, usize, &'a [f64], &'a [usize], f64);
    let cases: [Case; 8] = [
        (
            Method::Jenks,
            5,
            &[16.61, 30.032, 43.709, 58.337, 79.3],
            &[540, 408, 335, 260, 130],
            0.7738679329885212,
        ),
        (
            Method::Quantile,
            5,
            &[
                11.316600000000001,
                20.889400000000002,
                31.995200000000004,
                46.35000000000002,
                79.3,
            ],
            &[335, 334, 335, 334, 335],
            0.773146340798222,
        ),
        (
            Method::Percentile,
            5,
            &[
                3.4218,
                7.979000000000001,
                26.142,
                56.2482,
                72.65199999999999,
                79.3,
            ],
            &[17, 151, 669, 668, 151, 17],
            0.6506732201269596,
        ),
        // R 4.2.2 pretty(imd_score) = 0 20 40 60 80 agrees with mapclassify here
        (
            Method::Pretty,
            5,
            &[20.0, 40.0, 60.0, 80.0],
            &[630, 563, 367, 113],
            0.7042793615752196,
        ),
        (
            Method::Equal,
            5,
            &[17.7824, 33.1618, 48.5412, 63.92059999999999, 79.3],
            &[568, 471, 337, 222, 75],
            0.7672720569181481,
        ),
        (
            Method::Stddev,
            5,
            &[
                -7.206069302175035,
                11.047457877304591,
                47.55451223626385,
                65.80803941574347,
                79.3,
            ],
            &[0, 325, 1038, 250, 60],
            0.5616195009248031,
        ),
        (
            Method::Maxbreaks,
            5,
            &[62.7265, 69.512, 74.46549999999999, 78.53399999999999, 79.3],
            &[1592, 42, 27, 11, 1],
            0.13562993677796142,
        ),
        // BoxPlot: mapclassify [-30.233000000000004, 13.381, 26.142, 42.457, 86.071] (no upper
        // outliers), ours adds the empty sixth class bounded by the fence
        (
            Method::Box,
            5,
            &[-30.233000000000004, 13.381, 26.142, 42.457, 86.071, 86.071],
            &[0, 419, 418, 418, 418, 0],
            0.7206529650868376,
        ),
    ];
    for (method, k, breaks, counts, gadf) in cases {
        let c = classify(&v, &opts(method, k)).unwrap();
        assert_close(&c.breaks, breaks, method.as_str());
        assert_eq!(c.counts, counts, "{method} counts");
        assert!(
            (c.gadf - gadf).abs() < 1e-9,
            "{method} gadf {} vs {gadf}",
            c.gadf
        );
    }

    // The Fisher–Jenks optimum: mapclassify's partition has SDCM 27225.84616095139.
    let c = classify(&v, &opts(Method::Jenks, 5)).unwrap();
    let sdcm = sdcm_of(&y, &yb(&c));
    assert!((sdcm - 27225.84616095139).abs() < 1e-6 * sdcm, "{sdcm}");

    // mapclassify HeadTailBreaks runs to one value: [29.300985056784217, 46.56295570469799,
    // 57.702189189189184, 65.68232352941175, 71.0763, 73.8693125, 76.30776923076922, 77.7328,
    // 78.53399999999999, 79.3]. Its first head is 745 of 1,673 LSOAs (44.5 % ≥ 40 %): IMD is not
    // heavy-tailed under Jiang's rule, so ours is its first mean and the maximum.
    let c = classify(&v, &opts(Method::Headtail, 0)).unwrap();
    assert_close(&c.breaks, &[29.300985056784217, 79.3], "headtail");
    assert_eq!(c.counts, vec![928, 745]);
    assert!(
        c.notes.iter().any(|n| n.contains("44.5 %")),
        "{:?}",
        c.notes
    );
}

#[test]
fn pretty_matches_r() {
    // Rscript -e 'options(digits=17); print(pretty(c(lo, hi), n = k))' with R 4.2.2; the
    // first term of R's sequence is the lower end of class 0, not a bound.
    let cases: [(f64, f64, usize, &[f64]); 11] = [
        (
            0.178269,
            68.892044,
            10,
            &[
                5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 65.0, 70.0,
            ],
        ),
        (
            2.403,
            79.3,
            7,
            &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0],
        ),
        (2.403, 79.3, 3, &[20.0, 40.0, 60.0, 80.0]),
        (-0.037, 0.91, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (-1234.5, 987.1, 4, &[-1000.0, -500.0, 0.0, 500.0, 1000.0]),
        (1e-6, 3.7e-6, 5, &[1.5e-6, 2e-6, 2.5e-6, 3e-6, 3.5e-6, 4e-6]),
        (
            3.0,
            3.0001,
            5,
            &[3.00002, 3.00004, 3.00006, 3.00008, 3.0001],
        ),
        (
            1e9,
            1e9 + 7.0,
            5,
            &[
                1000000001.0,
                1000000002.0,
                1000000003.0,
                1000000004.0,
                1000000005.0,
                1000000006.0,
                1000000007.0,
            ],
        ),
        (-5.0, -4.9, 2, &[-4.95, -4.9]),
        (100.0, 100.5, 1, &[100.5]),
        (
            0.002,
            47.3,
            8,
            &[5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0],
        ),
    ];
    for (lo, hi, k, want) in cases {
        let c = classify(&some(&[lo, hi]), &opts(Method::Pretty, k)).unwrap();
        assert_close(&c.breaks, want, &format!("pretty({lo}, {hi}, n = {k})"));
    }
}

// ---------------------------------------------------------------- Fisher–Jenks optimality

/// Σ over classes of squared deviations about the class mean (two-pass).
fn sdcm_of(y: &[f64], classes: &[usize]) -> f64 {
    let k = classes.iter().max().map_or(0, |m| m + 1);
    (0..k)
        .map(|c| {
            let g: Vec<f64> = y
                .iter()
                .zip(classes)
                .filter(|(_, cl)| **cl == c)
                .map(|(v, _)| *v)
                .collect();
            ssq(&g)
        })
        .sum()
}

fn ssq(g: &[f64]) -> f64 {
    if g.is_empty() {
        return 0.0;
    }
    let m = g.iter().sum::<f64>() / g.len() as f64;
    g.iter().map(|v| (v - m) * (v - m)).sum()
}

/// Minimum SDCM over every partition of the sorted values into k contiguous non-empty groups
/// (tied values may be split: a stronger reference than cuts between distinct values).
fn brute_force_min(sorted: &[f64], k: usize) -> f64 {
    fn go(s: &[f64], k: usize) -> f64 {
        if k == 1 {
            return ssq(s);
        }
        (1..=s.len() + 1 - k)
            .map(|cut| ssq(&s[..cut]) + go(&s[cut..], k - 1))
            .fold(f64::INFINITY, f64::min)
    }
    go(sorted, k)
}

/// The textbook O(k·n²) Fisher dynamic programme over the sorted values.
fn quadratic_dp_min(sorted: &[f64], k: usize) -> f64 {
    let n = sorted.len();
    let mut d: Vec<f64> = (0..n).map(|i| ssq(&sorted[..=i])).collect();
    for q in 1..k {
        let mut e = vec![f64::INFINITY; n];
        for (i, best) in e.iter_mut().enumerate().skip(q) {
            // accumulate the last class backwards for O(1) cost per j
            let (mut s1, mut s2) = (0.0, 0.0);
            for j in (q..=i).rev() {
                s1 += sorted[j];
                s2 += sorted[j] * sorted[j];
                let w = (i - j + 1) as f64;
                *best = best.min(d[j - 1] + (s2 - s1 * s1 / w).max(0.0));
            }
        }
        d = e;
    }
    d[n - 1]
}

#[test]
fn jenks_is_optimal_against_brute_force() {
    let mut rng = Pcg64::seed_from_u64(20240607);
    let mut checked = 0;
    for trial in 0..400 {
        let n = rng.random_range(2..=12usize);
        let k = rng.random_range(2..=4usize);
        // every third input is small integers, so ties are common
        let y: Vec<f64> = (0..n)
            .map(|_| {
                if trial % 3 == 0 {
                    f64::from(rng.random_range(0..5u8))
                } else {
                    rng.random::<f64>() * 100.0 - 30.0
                }
            })
            .collect();
        let c = classify(&some(&y), &opts(Method::Jenks, k)).unwrap();
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        let mut distinct = sorted.clone();
        distinct.dedup();
        assert!(c.breaks.windows(2).all(|w| w[0] < w[1]), "{:?}", c.breaks);
        assert_eq!(c.counts.iter().sum::<usize>(), n);
        if distinct.len() == 1 {
            assert_eq!(c.k, 1);
            continue;
        }
        let ours = sdcm_of(&y, &yb(&c));
        if distinct.len() < k {
            assert_eq!(c.k, distinct.len());
            assert_eq!(ours, 0.0);
            continue;
        }
        assert_eq!(c.k, k);
        assert!(c.counts.iter().all(|n| *n > 0), "{:?}", c.counts);
        let best = brute_force_min(&sorted, k);
        assert!(
            (ours - best).abs() <= 1e-9 * best.max(1.0),
            "n {n} k {k} y {y:?}: ours {ours} ({:?}) vs brute force {best}",
            c.breaks
        );
        checked += 1;
    }
    assert!(checked > 250, "{checked}");
}

#[test]
fn jenks_matches_quadratic_dp_on_larger_inputs() {
    let mut rng = Pcg64::seed_from_u64(7);
    for (n, k) in [(300, 5), (500, 8), (257, 2), (400, 12), (1000, 3)] {
        // lognormal-ish skew plus some exact ties
        let y: Vec<f64> = (0..n)
            .map(|i| {
                if i % 10 == 0 {
                    5.0
                } else {
                    (rng.random::<f64>() * 3.0).exp() * 10.0
                }
            })
            .collect();
        let c = classify(&some(&y), &opts(Method::Jenks, k)).unwrap();
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        let best = quadratic_dp_min(&sorted, k);
        let ours = sdcm_of(&y, &yb(&c));
        assert!(
            (ours - best).abs() <= 1e-9 * best,
            "n {n} k {k}: ours {ours} vs O(kn²) {best}"
        );
        assert_eq!(c.k, k);
        // GVF is the same quantity normalised
        let gvf = 1.0 - ours / ssq(&sorted);
        assert!((c.gvf - gvf).abs() < 1e-12);
    }
}

// ---------------------------------------------------------------- degenerate input

fn check_invariants(c: &Classification, values: &[Option<f64>]) {
    let finite: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    assert!(c.k >= 1);
    assert_eq!(c.breaks.len(), c.k);
    assert_eq!(c.counts.len(), c.k);
    assert_eq!(c.classes.len(), values.len());
    assert_eq!(c.missing, values.len() - finite.len());
    assert_eq!(c.counts.iter().sum::<usize>(), finite.len());
    assert!(c.breaks.iter().all(|b| b.is_finite()), "{:?}", c.breaks);
    assert!(c.breaks.windows(2).all(|w| w[0] <= w[1]), "{:?}", c.breaks);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(*c.breaks.last().unwrap() >= max);
    for (v, cl) in values.iter().zip(&c.classes) {
        match v.filter(|x| x.is_finite()) {
            None => assert_eq!(*cl, None),
            Some(x) => {
                let cl = cl.unwrap();
                assert!(x <= c.breaks[cl]);
                assert!(cl == 0 || x > c.breaks[cl - 1]);
            }
        }
    }
    assert!(c.gvf <= 1.0 + 1e-12 && c.gvf >= -1e-12, "gvf {}", c.gvf);
    assert!(c.gadf <= 1.0 + 1e-12, "gadf {}", c.gadf);
    if c.k != c.requested_k {
        assert!(!c.notes.is_empty());
    }
}

fn all_methods(k: usize) -> Vec<ClassifyOptions> {
    Method::ALL
        .iter()
        .map(|&method| ClassifyOptions {
            method,
            k,
            manual_breaks: vec![0.0, 10.0],
            ..Default::default()
        })
        .collect()
}

#[test]
fn degenerate_inputs_give_a_clear_result_or_error() {
    let inputs: Vec<Vec<Option<f64>>> = vec![
        some(&[4.2; 7]),
        some(&[4.2]),
        some(&[1.0, 2.0]),
        some(&[1.0, 1.0, 1.0, 1.0, 2.0]),
        some(&[-3.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 1e6]),
        vec![
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(3.0),
            Some(f64::INFINITY),
            Some(2.0),
        ],
        some(&[0.0, 1e-300, 2e-300]),
        some(&[1e300, -1e300, 0.0]),
    ];
    for values in &inputs {
        for k in [1, 2, 5, 9] {
            for o in all_methods(k) {
                let c = classify(values, &o)
                    .unwrap_or_else(|e| panic!("{} k {k} on {values:?}: {e}", o.method));
                check_invariants(&c, values);
            }
        }
    }
    // all equal: one class, with a note
    for o in all_methods(5) {
        if o.method == Method::Manual {
            continue;
        }
        let c = classify(&some(&[4.2; 7]), &o).unwrap();
        assert_eq!((c.breaks.clone(), c.counts.clone()), (vec![4.2], vec![7]));
        assert_eq!((c.gvf, c.gadf), (1.0, 1.0));
        assert!(c.notes.iter().any(|n| n.contains("all 7 values are equal")));
    }
    // missing values are counted and noted
    let c = classify(&inputs[5], &opts(Method::Quantile, 2)).unwrap();
    assert_eq!(c.missing, 3);
    assert_eq!(c.classes, vec![Some(0), None, None, Some(1), None, Some(0)]);
    assert!(c.notes.iter().any(|n| n.contains("3 missing")));
    // fewer distinct values than classes
    let c = classify(&inputs[3], &opts(Method::Jenks, 5)).unwrap();
    assert_eq!(c.breaks, vec![1.0, 2.0]);
    assert!(c.notes.iter().any(|n| n.contains("only 2 distinct values")));
    let c = classify(&inputs[3], &opts(Method::Quantile, 5)).unwrap();
    assert_close(&c.breaks, &[1.0, 1.2, 2.0], "tied quantiles");
    assert!(c.notes.iter().any(|n| n.contains("3 classes instead of 5")));
}

#[test]
fn errors_are_specific() {
    let v = some(&[1.0, 2.0, 3.0]);
    assert_eq!(
        classify(&[], &opts(Method::Jenks, 5)),
        Err(ClassifyError::NoValues { missing: 0 })
    );
    assert_eq!(
        classify(&[None, Some(f64::NAN)], &opts(Method::Equal, 5)),
        Err(ClassifyError::NoValues { missing: 2 })
    );
    assert_eq!(
        classify(&v, &opts(Method::Quantile, 0)),
        Err(ClassifyError::TooFewClasses { k: 0 })
    );
    assert_eq!(
        classify(&v, &opts(Method::Jenks, MAX_CLASSES + 1)),
        Err(ClassifyError::TooManyClasses {
            k: MAX_CLASSES + 1,
            max: MAX_CLASSES
        })
    );
    // k is ignored (not validated) by the fixed-category methods
    assert!(classify(&v, &opts(Method::Box, 0)).is_ok());
    for bad in [vec![], vec![1.0, 1.0], vec![2.0, 1.0], vec![1.0, f64::NAN]] {
        let o = ClassifyOptions {
            method: Method::Manual,
            manual_breaks: bad.clone(),
            ..Default::default()
        };
        assert!(
            matches!(classify(&v, &o), Err(ClassifyError::BadManualBreaks(_))),
            "{bad:?}"
        );
    }
    let o = ClassifyOptions {
        method: Method::Box,
        hinge: -1.0,
        ..Default::default()
    };
    assert!(matches!(classify(&v, &o), Err(ClassifyError::BadOption(_))));
    let msg =
        ClassifyError::BadManualBreaks("breaks must be strictly ascending".into()).to_string();
    assert!(msg.contains("manual breaks"));
}

#[test]
fn manual_breaks_add_a_class_above_the_last_break() {
    let v = some(&[-5.0, 0.0, 3.0, 10.0, 12.0, 15.0]);
    let o = ClassifyOptions {
        method: Method::Manual,
        manual_breaks: vec![0.0, 10.0],
        ..Default::default()
    };
    let c = classify(&v, &o).unwrap();
    assert_eq!(c.breaks, vec![0.0, 10.0, 15.0]);
    assert_eq!(c.counts, vec![2, 2, 2]);
    assert_eq!((c.k, c.requested_k), (3, 2));
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("2 value(s) above the last manual break"))
    );
}

#[test]
fn method_names_round_trip() {
    for m in Method::ALL {
        assert_eq!(m.as_str().parse::<Method>(), Ok(m));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            format!("\"{}\"", m.as_str())
        );
        let back: Method = serde_json::from_str(&format!("\"{}\"", m.as_str())).unwrap();
        assert_eq!(back, m);
    }
    let err = "natural".parse::<Method>().unwrap_err();
    for m in Method::ALL {
        assert!(err.contains(m.as_str()), "{err}");
    }
    assert_eq!(ClassifyOptions::default(), opts(Method::Quantile, 5));
    assert_eq!(ClassifyOptions::default().hinge, 1.5);
    assert_eq!(ClassifyOptions::default().sd_ddof, 1);
}

#[test]
fn ui_helpers_keep_their_behaviour() {
    let v: Vec<f64> = (1..=10).map(f64::from).collect();
    let b = quantile_breaks(&v, 4);
    assert_eq!(b, vec![3.25, 5.5, 7.75, 10.0]);
    assert_eq!(quantile_breaks(&[f64::NAN], 4), Vec::<f64>::new());
    assert_eq!(class_of(3.25, &b), Some(0));
    assert_eq!(class_of(1e9, &b), Some(3));
    assert_eq!(class_of(f64::INFINITY, &b), None);
    assert_eq!(class_of(1.0, &[]), None);
    // classify's quantile classes agree with the UI helpers
    let c = classify(&some(&v), &opts(Method::Quantile, 4)).unwrap();
    assert_eq!(c.breaks, b);
    let ui: Vec<Option<usize>> = v.iter().map(|x| class_of(*x, &b)).collect();
    assert_eq!(c.classes, ui);
}

#[test]
fn random_inputs_keep_the_invariants() {
    let mut rng = Pcg64::seed_from_u64(99);
    for trial in 0..200 {
        let n = rng.random_range(1..60usize);
        let values: Vec<Option<f64>> = (0..n)
            .map(|_| match rng.random_range(0..20u8) {
                0 => None,
                1 => Some(f64::NAN),
                2..=6 => Some(f64::from(rng.random_range(0..4u8))),
                _ => Some((rng.random::<f64>() * 4.0).exp() - 20.0),
            })
            .collect();
        let k = 1 + trial % 9;
        for o in all_methods(k) {
            match classify(&values, &o) {
                Ok(c) => check_invariants(&c, &values),
                Err(ClassifyError::NoValues { .. }) => {
                    assert!(values.iter().flatten().all(|x| !x.is_finite()));
                }
                Err(e) => panic!("{} on {values:?}: {e}", o.method),
            }
        }
    }
}

/// CPU seconds used by the calling thread (Linux `/proc/thread-self/stat`, clock ticks of
/// 10 ms), so the timing below is not inflated by other processes on a busy machine.
fn thread_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Timing of Fisher–Jenks (k = 5) in release mode; prints, asserts only the result shape.
/// `cargo test --release --test classify_reference jenks_timing -- --ignored --nocapture`
#[test]
#[ignore]
fn jenks_timing() {
    let mut rng = Pcg64::seed_from_u64(1);
    let big: Vec<Option<f64>> = (0..200_000)
        .map(|_| Some((rng.random::<f64>() * 5.0).exp()))
        .collect();
    let gm = some(&gm_imd());
    for (name, v, reps) in [
        ("GM IMD (1,673)", &gm, 3000),
        ("200,000 lognormal", &big, 20),
    ] {
        let (t, cpu) = (std::time::Instant::now(), thread_cpu_s());
        let mut k = 0;
        for _ in 0..reps {
            k = classify(v, &opts(Method::Jenks, 5)).unwrap().k;
        }
        let wall = t.elapsed().as_secs_f64() / reps as f64;
        let cpu = thread_cpu_s().zip(cpu).map(|(b, a)| (b - a) / reps as f64);
        println!(
            "Fisher–Jenks k=5 on {name}: {:.3} ms wall, {:.3} ms CPU per call \
             (incl. sorting, classes, GVF, GADF)",
            wall * 1e3,
            cpu.unwrap_or(f64::NAN) * 1e3
        );
        assert_eq!(k, 5);
    }
}
