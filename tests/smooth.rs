//! `smooth`: raw, excess-risk, empirical Bayes and spatial empirical Bayes rates through the
//! CLI, against PySAL's esda.smoothing on the sample's burglaries (2018) over the mid-2019
//! population of the 1,673 GM LSOAs (`tests/fixtures/smoothing/gm_burglary_2018_pysal.csv`,
//! written by `tools/smoothing_reference.py`), then LISA on a saved smoothed rate; degenerate
//! inputs on a small generated case.

mod common;

use common::{cli, cli_ok, cli_sample, squares_geojson, write};
use local_atlas::data::query;
use local_atlas::ops::Workspace;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Relative agreement with esda (same formulas in a different order of floating-point sums).
const TOLERANCE: f64 = 1e-10;

fn reference() -> HashMap<String, HashMap<String, f64>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/smoothing/gm_burglary_2018_pysal.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut rd = csv::Reader::from_reader(body.as_bytes());
    let h = rd.headers().unwrap().clone();
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            let row = h
                .iter()
                .zip(r.iter())
                .skip(1)
                .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
                .collect();
            (r[0].to_string(), row)
        })
        .collect()
}

fn smooth(ws: &Path, method: &str, save: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "smooth",
        s(ws),
        "--geography",
        "lsoa11",
        "--count",
        "burglary_count",
        "--population",
        "population_total",
        "--period",
        "2018",
        "--method",
        method,
        "--save",
        save,
        "--json",
    ];
    args.extend_from_slice(extra);
    cli_ok(&args)
}

#[test]
fn gm_burglary_rates_match_esda_and_lisa_runs_on_them() {
    let refs = reference();
    assert_eq!(refs.len(), 1673);
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    let mut worst = 0.0f64;
    for (method, column, save) in [
        ("raw", "raw", "burglary_rate"),
        ("excess_risk", "excess_risk", "burglary_er"),
        ("eb", "eb", "burglary_eb"),
        ("spatial_eb", "spatial_eb", "burglary_seb"),
    ] {
        let out = smooth(&ws, method, save, &[]);
        assert_eq!(out["saved"], save);
        assert_eq!(out["period"], "2018");
        assert_eq!(out["population_period"], "2019", "the population's latest");
        assert_eq!(out["undefined"], 0);
        let areas = out["areas"].as_array().unwrap();
        assert_eq!(areas.len(), 1673);
        for a in areas {
            let code = a["code"].as_str().unwrap();
            let want = refs[code][column];
            let got = a["smoothed"].as_f64().unwrap();
            // Relative, or absolute for a zero rate (an LSOA without burglaries).
            let rel = if want == 0.0 {
                got.abs()
            } else {
                (got / want - 1.0).abs()
            };
            worst = worst.max(rel);
            assert!(rel < TOLERANCE, "{method} {code}: {got} vs esda {want}");
            assert_eq!(a["count"].as_f64().unwrap(), refs[code]["count"]);
        }
        match method {
            "eb" => {
                // θ₂ from the fixture's header: 5.6242004122788599e-05, not clamped.
                let t2 = out["theta2"].as_f64().unwrap();
                assert!((t2 / 5.624_200_412_278_86e-5 - 1.0).abs() < 1e-10, "{t2}");
                assert_eq!(out["theta2_clamped"], false);
            }
            "spatial_eb" => assert_eq!(out["weights"], "queen"),
            _ => assert!(out["weights"].is_null()),
        }
        // Saved as an ordinary indicator with its unit, multiplier and provenance.
        let w = Workspace::open(&ws).unwrap();
        let meta = query::indicator_meta(&w, save).unwrap();
        if method == "excess_risk" {
            assert_eq!(meta.unit, "ratio (observed / expected)");
            assert_eq!(meta.multiplier, None);
        } else {
            assert!(
                meta.unit.starts_with("rate per 1,000 people"),
                "{}",
                meta.unit
            );
            assert_eq!(meta.multiplier, Some(1000.0));
        }
        assert_eq!(
            meta.polarity,
            query::indicator_meta(&w, "burglary_count")
                .unwrap()
                .polarity
        );
        let prov: Value = serde_json::from_str(&query::provenance(&w, save).unwrap()).unwrap();
        assert_eq!(prov["operation"], "smooth");
        assert_eq!(prov["request"]["count"], "burglary_count");
        assert_eq!(prov["request"]["population"], "population_total");
        assert_eq!(prov["population_period"], "2019");
        assert_eq!(prov["weights"], out["weights"]);
    }
    println!("largest relative difference from esda: {worst:e}");

    // LISA on the saved spatial EB rate.
    let lisa = cli_ok(&[
        "stats",
        s(&ws),
        "lisa",
        "--geography",
        "lsoa11",
        "--indicator",
        "burglary_seb",
        "--permutations",
        "99",
        "--json",
    ]);
    assert_eq!(lisa["n"], 1673);
    assert_eq!(lisa["period"], "2018");
    assert!(
        lisa["moran_I"].as_f64().unwrap() > 0.3,
        "{}",
        lisa["moran_I"]
    );
    assert!(lisa["counts"]["HH"].as_u64().unwrap() > 0);

    // Running again replaces the result; refusals leave the workspace as it was.
    smooth(&ws, "eb", "burglary_eb", &[]);
    for (args, words) in [
        (
            vec!["--method", "eb", "--weights", "rook"],
            "spatial_eb only",
        ),
        (
            vec!["--method", "eb", "--save", "burglary_count"],
            "not the count's",
        ),
        (
            vec!["--method", "eb", "--save", "imd_score"],
            "not computed by Local Atlas",
        ),
    ] {
        let mut full = vec![
            "smooth",
            s(&ws),
            "--geography",
            "lsoa11",
            "--count",
            "burglary_count",
            "--population",
            "population_total",
        ];
        if !args.contains(&"--save") {
            full.extend(["--save", "x_rate"]);
        }
        full.extend(args.iter().copied());
        let before = common::sha256(&ws);
        let out = cli(&full);
        assert!(!out.status.success(), "{full:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{words}: {err}");
        assert_eq!(common::sha256(&ws), before);
    }
}

#[test]
fn zero_populations_are_undefined_and_negative_theta2_is_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ws = d.join("ws.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let codes = [
        "E01000001",
        "E01000002",
        "E01000003",
        "E01000004",
        "E01000005",
    ];
    let g = write(d, "a.geojson", squares_geojson(&codes));
    cli_ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&g),
        "--geography",
        "g",
        "--json",
    ]);
    // Rates that vary less than Poisson noise (10, 11, 9 per 100): θ₂ < 0; an area with a
    // zero population; an area without a count.
    let csv = "indicator,area_code,period,value\n\
               ev,E01000001,2020,10\nev,E01000002,2020,11\nev,E01000003,2020,9\nev,E01000004,2020,0\n\
               pop,E01000001,2020,100\npop,E01000002,2020,100\npop,E01000003,2020,100\npop,E01000004,2020,0\npop,E01000005,2020,100\n";
    let values = write(d, "v.csv", csv);
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&values),
        "--geography",
        "g",
        "--json",
    ]);
    for method in ["eb", "spatial_eb", "raw", "excess_risk"] {
        let out = cli_ok(&[
            "smooth",
            s(&ws),
            "--geography",
            "g",
            "--count",
            "ev",
            "--population",
            "pop",
            "--method",
            method,
            "--save",
            "ev_rate",
            "--json",
        ]);
        let areas = out["areas"].as_array().unwrap();
        assert_eq!(out["undefined"], 2, "{method}: {out}");
        assert!(areas[3]["smoothed"].is_null());
        assert!(
            areas[3]["reason"]
                .as_str()
                .unwrap()
                .contains("population is 0"),
            "{}",
            areas[3]
        );
        assert_eq!(areas[4]["reason"], "no count");
        if method == "eb" {
            assert_eq!(out["theta2_clamped"], true);
            assert_eq!(out["theta2"], 0.0);
            for a in &areas[..3] {
                assert!((a["smoothed"].as_f64().unwrap() - 0.1).abs() < 1e-12, "{a}");
            }
        }
        assert!(!out.to_string().contains("NaN"));
        // The undefined areas are stored as missing, not 0.
        let w = Workspace::open(&ws).unwrap();
        let stored = query::values(&w, "ev_rate", "g", "2020").unwrap();
        let missing: Vec<&str> = stored
            .iter()
            .filter(|v| v.value.is_none())
            .map(|v| v.area_code.as_str())
            .collect();
        assert_eq!(missing, vec!["E01000004", "E01000005"], "{method}");
    }
}

/// Under the count's disclosure rule the command's output leaves the per-area figures out
/// (a rate times its population gives the count back); the saved indicator keeps the rule.
#[test]
fn a_protected_count_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ws = d.join("ws.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let codes = ["E01000001", "E01000002", "E01000003"];
    let g = write(d, "a.geojson", squares_geojson(&codes));
    cli_ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&g),
        "--geography",
        "g",
        "--json",
    ]);
    let csv = "indicator,area_code,period,value\n\
               ev,E01000001,2020,3\nev,E01000002,2020,40\nev,E01000003,2020,30\n\
               pop,E01000001,2020,1000\npop,E01000002,2020,1000\npop,E01000003,2020,1000\n";
    let values = write(d, "v.csv", csv);
    let meta = write(
        d,
        "m.csv",
        "code,title,theme,definition,unit,decimals,polarity,source,licence,disclosure\n\
         ev,Events,Crime,,count,0,lower_is_better,test,OGL,suppress_1_5\n\
         pop,People,Population,,people,0,neutral,test,OGL,none\n",
    );
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&values),
        "--geography",
        "g",
        "--metadata",
        s(&meta),
        "--json",
    ]);
    let out = cli_ok(&[
        "smooth",
        s(&ws),
        "--geography",
        "g",
        "--count",
        "ev",
        "--population",
        "pop",
        "--method",
        "eb",
        "--save",
        "ev_eb",
        "--json",
    ]);
    assert!(
        out["withheld"].as_str().unwrap().contains("suppress_1_5"),
        "{out}"
    );
    for a in out["areas"].as_array().unwrap() {
        assert!(
            a["count"].is_null() && a["raw"].is_null() && a["smoothed"].is_null(),
            "{a}"
        );
    }
    let w = Workspace::open(&ws).unwrap();
    let meta = query::indicator_meta(&w, "ev_eb").unwrap();
    assert_eq!(meta.disclosure.as_str(), "suppress_1_5");
    // Stored for analysis (stats run on it), all three areas with a rate.
    let stored = query::values(&w, "ev_eb", "g", "2020").unwrap();
    assert_eq!(stored.iter().filter(|v| v.value.is_some()).count(), 3);
}
