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

pub fn index(r: &local_atlas::ops::index::IndexResponse) -> String {
    let mut s = format!(
        "index '{}' on {} ({}): {} areas scored, {} excluded; weights sum {:.3}",
        r.name,
        r.geography,
        r.period,
        r.n,
        r.excluded.len(),
        r.weights_sum
    );
    for m in r.missing.iter().filter(|m| m.missing > 0) {
        s.push_str(&format!(
            "\n  domain {}: {} missing, {} imputed",
            m.domain, m.missing, m.imputed
        ));
    }
    let mut top: Vec<_> = r.areas.iter().filter(|a| a.rank.is_some()).collect();
    top.sort_by_key(|a| a.rank);
    s.push_str("\nmost deprived:");
    for a in top.iter().take(5) {
        s.push_str(&format!(
            "\n  {:>5}  {}  {:.3}",
            a.rank.unwrap_or(0),
            a.code,
            a.score.unwrap_or(f64::NAN)
        ));
    }
    if let Some(sens) = &r.sensitivity {
        s.push_str(&format!(
            "\nweight sensitivity ({} draws): on average {:.1}% of areas change decile; {} unstable areas",
            sens.draws,
            100.0 * sens.mean_share_changing_decile,
            sens.unstable.len()
        ));
        if let Some(note) = &sens.note {
            s.push_str(&format!(" (ranked within the workspace: {note})"));
        }
    }
    if !r.saved.is_empty() {
        s.push_str(&format!("\nsaved: {}", r.saved.join(", ")));
    }
    s
}

pub fn deprivation(r: &local_atlas::ops::deprivation::DeprivationResponse) -> String {
    let mut s = format!(
        "{} from {} to {} ({} groups, {} incomplete), population {}, national ranks '{}' of {}\n",
        r.score,
        r.from,
        r.to,
        r.groups.len(),
        r.groups_incomplete,
        r.population,
        r.rank,
        r.of
    );
    s.push_str("  group       avg score  rank  extent  % in worst 10%\n");
    for g in &r.groups {
        s.push_str(&format!(
            "  {:<10} {:>9} {:>5} {:>7} {:>7}\n",
            g.group,
            g.average_score.map_or("-".into(), |v| format!("{v:.3}")),
            g.rank_average_score.map_or("-".into(), |v| v.to_string()),
            g.extent.map_or("-".into(), |v| format!("{v:.3}")),
            g.share_most_deprived_10
                .map_or("-".into(), |v| format!("{:.1}", 100.0 * v)),
        ));
    }
    if !r.saved.is_empty() {
        s.push_str(&format!("saved: {}", r.saved.join(", ")));
    }
    s
}

pub fn site(r: &local_atlas::ops::site::SiteResponse) -> String {
    let pct = |v: f64| {
        if r.total_demand > 0.0 {
            100.0 * v / r.total_demand
        } else {
            0.0
        }
    };
    let mut s = format!(
        "{:?}: covered demand {:.1} → {:.1} of {:.1} ({:.1}% → {:.1}%), reach {} {}; objective {:.3}, {} ({}, gap {:.4})",
        r.model,
        r.covered_before,
        r.covered_after,
        r.total_demand,
        pct(r.covered_before),
        pct(r.covered_after),
        r.reach,
        r.reach_units,
        r.objective,
        if r.optimal {
            "optimal"
        } else {
            "not proven optimal"
        },
        r.method,
        r.gap
    );
    if r.capacity_enforced {
        s.push_str(&format!(
            "\ncapacities enforced: {} area(s) only partly covered",
            r.partly_covered_areas
        ));
    }
    for c in &r.chosen {
        // What fills a capacity: the demand served within reach, or (p-median) all assigned.
        let used = match r.model {
            local_atlas::ops::site::Model::Pmedian { .. } => c.demand,
            _ => c.covered_demand,
        };
        let load = c
            .capacity
            .map(|cap| format!("; {used:.1} of capacity {cap} used"))
            .unwrap_or_default();
        s.push_str(&format!(
            "\n  new site {} {}: {} areas, serves {:.1} within reach{load}",
            c.id,
            c.name.as_deref().unwrap_or(""),
            c.areas,
            c.covered_demand,
        ));
    }
    s.push_str("\ncoverage curve:");
    for p in &r.coverage_curve {
        s.push_str(&format!(
            " {}→{:.1}%{}",
            p.new_sites,
            100.0 * p.share,
            if p.optimal { "" } else { "*" }
        ));
    }
    if let Some(e) = &r.equity {
        s.push_str(&format!(
            "\nequity: most deprived areas' demand covered {:.1}% → {:.1}%, the rest {:.1}% → {:.1}%",
            100.0 * e.deprived_share_covered_before,
            100.0 * e.deprived_share_covered_after,
            100.0 * e.other_share_covered_before,
            100.0 * e.other_share_covered_after
        ));
    }
    if let Some(out) = &r.out {
        s.push_str(&format!("\nwrote {out}"));
    }
    s
}

/// The desktop map's frame times (`bench --frames`).
#[cfg(feature = "gui")]
pub fn frames(rows: &[local_atlas::ui::bench::FrameResult]) -> String {
    let mut s = String::from(
        "dataset        areas   vertices  prepare  pan median/p95 (drawn)     zoom median/p95 (drawn)    target\n",
    );
    for f in rows {
        s.push_str(&format!(
            "{:<13} {:>6} {:>10} {:>6.0} ms {:>5.1} / {:>5.1} ms ({:>7}) {:>5.1} / {:>5.1} ms ({:>7}) < {} ms\n",
            f.dataset,
            f.areas,
            f.triangle_vertices,
            f.prepare_ms,
            f.pan_median_ms,
            f.pan_p95_ms,
            f.pan_vertices,
            f.zoom_median_ms,
            f.zoom_p95_ms,
            f.zoom_vertices,
            f.target_ms
        ));
    }
    s.push_str(
        "\nchange → next frame  first explore  palette median/p95 (explore)  classification median/p95  target\n",
    );
    for f in rows {
        s.push_str(&format!(
            "{:<13} {:>4}x {:>10.0} ms {:>8.1} / {:>5.1} ms ({:>5.1}) {:>11.1} / {:>5.1} ms    < {} ms\n",
            f.dataset,
            f.changes,
            f.first_explore_ms,
            f.palette_median_ms,
            f.palette_p95_ms,
            f.palette_explore_median_ms,
            f.classify_median_ms,
            f.classify_p95_ms,
            f.change_target_ms
        ));
    }
    s
}
