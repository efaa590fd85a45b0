//! Plain-text renderings of command results (the `--json` forms are the contract).

use local_atlas::ops::bench::BenchResult;
use local_atlas::ops::classify::ClassifyResponse;
use local_atlas::ops::stats::StatsResponse;
use local_atlas::ops::weights::WeightsResponse;

pub fn classify(r: &ClassifyResponse) -> String {
    let mut s = format!(
        "{} by {} ({}, period {}): {} classes, GVF {:.4}, {} area(s) without a value\n",
        r.indicator,
        r.geography,
        r.method.as_str(),
        r.period,
        r.k,
        r.gvf,
        r.missing
    );
    let mut lower = f64::NEG_INFINITY;
    for (b, c) in r.breaks.iter().zip(&r.counts) {
        let from = if lower.is_finite() {
            format!("> {lower}")
        } else {
            "≤".into()
        };
        s.push_str(&format!("  {from:>14} … {b:<14} {c:>6} areas\n"));
        lower = *b;
    }
    for n in &r.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

pub fn weights(r: &WeightsResponse) -> String {
    let w = &r.summary;
    let mut s = format!(
        "{} weights on {}: {} areas, {} links, neighbours mean {:.3} (min {}, max {}), {} component(s), {}",
        r.kind,
        r.geography,
        w.n,
        w.links,
        w.mean_neighbours,
        w.min_neighbours,
        w.max_neighbours,
        w.components,
        if w.symmetric {
            "symmetric"
        } else {
            "asymmetric"
        }
    );
    if !w.islands.is_empty() {
        s.push_str(&format!(
            "\nislands ({}): {}",
            w.islands.len(),
            w.islands.join(", ")
        ));
    }
    if let Some(out) = &r.out {
        s.push_str(&format!("\nwrote {out}"));
    }
    s
}

pub fn stats(r: &StatsResponse, saved: bool) -> String {
    let mut s = match r {
        StatsResponse::Moran(m) => format!(
            "Moran's I = {:.6} (E[I] = {:.6}); z normal {:.4}, z randomisation {:.4}; pseudo p {} (z_sim {}) over {} areas",
            m.i,
            m.expected_i,
            m.z_normal,
            m.z_randomisation,
            m.p_sim.map(|p| format!("{p:.4}")).unwrap_or("-".into()),
            m.z_sim.map(|z| format!("{z:.3}")).unwrap_or("-".into()),
            m.n
        ),
        StatsResponse::Lisa(l) => format!(
            "LISA over {} areas (cut-off p ≤ {:.5}): {}",
            l.n,
            l.cutoff,
            l.counts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        StatsResponse::Gistar(g) => {
            let mut s = format!(
                "Gi* over {} areas: {}",
                g.n,
                g.counts
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for w in &g.warnings {
                s.push_str(&format!("\nwarning: {w}"));
            }
            s
        }
    };
    if saved {
        s.push_str("\nsaved the per-area results as indicators (theme Hotspots)");
    }
    s
}

pub fn bench(rows: &[BenchResult]) -> String {
    let mut s = format!(
        "{:<14} {:>6} {:<13} {:>10} {:>10} {:>10} {:>8}\n",
        "dataset", "n", "job", "median ms", "min ms", "ref. ms", "speed-up"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<14} {:>6} {:<13} {:>10.2} {:>10.2} {:>10} {:>8}\n",
            r.dataset,
            r.n,
            r.job,
            r.median_ms,
            r.min_ms,
            r.reference_ms
                .map(|p| format!("{p:.0}"))
                .unwrap_or("-".into()),
            r.speedup.map(|x| format!("{x:.0}×")).unwrap_or("-".into())
        ));
    }
    s
}
