//! `funnel`: funnel-plot data through the CLI, against PHEindicatormethods' own test data
//! (`tests/fixtures/phe_funnels/`: the inputs of `assign_funnel_significance` with the
//! significance the package assigns) and on the real Fingertips extract.

mod common;

use common::{cli, cli_ok, cli_sample, squares_geojson, write};
use local_atlas::analysis::indicator_stats::confidence::Level;
use local_atlas::analysis::indicator_stats::funnel::proportion_funnel_limits;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fixture(name: &str) -> Vec<std::collections::HashMap<String, String>> {
    common::csv_rows(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/phe_funnels")
            .join(name),
    )
}

/// A workspace whose geography `g` has a square per row, with indicator `ind` imported from
/// (code, count, denominator, value) under `unit`.
fn workspace(d: &Path, rows: &[(String, f64, f64, f64)], unit: &str) -> PathBuf {
    let ws = d.join("ws.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let codes: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let g = write(d, "areas.geojson", squares_geojson(&codes));
    cli_ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&g),
        "--geography",
        "g",
        "--json",
    ]);
    let mut csv = String::from("indicator,area_code,period,count,denominator,value\n");
    // NaN writes an empty cell (not known).
    let cell = |x: &f64| {
        if x.is_nan() {
            String::new()
        } else {
            x.to_string()
        }
    };
    for (code, c, n, v) in rows {
        csv.push_str(&format!("ind,{code},2020,{},{},{v}\n", cell(c), cell(n)));
    }
    let values = write(d, "values.csv", csv);
    let meta = write(
        d,
        "meta.csv",
        format!(
            "code,title,theme,definition,unit,decimals,polarity,source,licence\nind,Test,Health,,{unit},1,neutral,PHEindicatormethods tests,GPL-3\n"
        ),
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
    ws
}

fn funnel(ws: &Path, geography: &str, indicator: &str) -> Value {
    cli_ok(&[
        "funnel",
        s(ws),
        "--geography",
        geography,
        "--indicator",
        indicator,
        "--json",
    ])
}

/// The package's significance label of a point.
fn label(p: &Value) -> &'static str {
    match (p["outside_99_8"].as_str(), p["outside_95"].as_str()) {
        (Some("above"), _) => "High (0.001)",
        (_, Some("above")) => "High (0.025)",
        (Some("below"), _) => "Low (0.001)",
        (_, Some("below")) => "Low (0.025)",
        _ => "Not significant",
    }
}

/// Where our labels and the package's differ: code → (ours, theirs).
fn differences(out: &Value, want: &BTreeMap<String, String>) -> BTreeMap<String, (String, String)> {
    let points = out["points"].as_array().unwrap();
    assert_eq!(points.len(), want.len());
    points
        .iter()
        .filter_map(|p| {
            let code = p["code"].as_str().unwrap();
            let ours = label(p);
            (want[code] != ours).then(|| (code.to_string(), (ours.to_string(), want[code].clone())))
        })
        .collect()
}

#[test]
fn proportions_match_phe_funnels_area_by_area() {
    let rows: Vec<(String, f64, f64, f64)> = fixture("proportion_inputs.csv")
        .iter()
        .map(|r| {
            let x: f64 = r["numerator"].parse().unwrap();
            let n: f64 = r["denominator"].parse().unwrap();
            (r["area_code"].clone(), x, n, 100.0 * x / n)
        })
        .collect();
    let want: BTreeMap<String, String> = fixture("proportion_inputs.csv")
        .into_iter()
        .map(|r| (r["area_code"].clone(), r["significance"].clone()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &rows, "%");
    let out = funnel(&ws, "g", "ind");
    assert_eq!(out["value_type"], "proportion");
    assert_eq!(out["multiplier"], 100.0);
    assert_eq!(out["denominator_kind"], "denominator");
    // testdata_funnel_prop_outputs.csv: Baseline 80.642448 (Σnumerator/Σdenominator × 100).
    assert!((out["average"].as_f64().unwrap() - 80.642448).abs() < 5e-7);
    // assign_funnel_significance: every one of the 303 areas classified as the package does.
    assert_eq!(differences(&out, &want), BTreeMap::new());
    let c = &out["counts"];
    assert_eq!(c["above_99_8"], 168);
    assert_eq!(c["above_95"], 168 + 10);
    assert_eq!(c["below_99_8"], 92);
    assert_eq!(c["below_95"], 92 + 1);
    // The curve spans the denominators and is the package's sigma_adjustment at each
    // (tests/indicator_stats_reference.rs checks that against testdata_funnel_prop_outputs
    // to 2e-5 percentage points); here to 1e-9 points.
    let curve = out["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 100);
    let dens: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let (lo, hi) = dens
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(a, b), &d| (a.min(d), b.max(d)));
    assert!((curve[0]["denominator"].as_f64().unwrap() - lo).abs() < 1e-6);
    assert!((curve[99]["denominator"].as_f64().unwrap() - hi).abs() < 1e-6);
    let avg = out["average"].as_f64().unwrap() / 100.0;
    for row in curve {
        let n = row["denominator"].as_f64().unwrap();
        let a = proportion_funnel_limits(avg, n, Level::P95).unwrap();
        let b = proportion_funnel_limits(avg, n, Level::P99_8).unwrap();
        for (got, want) in [
            (&row["lower_95"], a.lower),
            (&row["upper_95"], a.upper),
            (&row["lower_99_8"], b.lower),
            (&row["upper_99_8"], b.upper),
        ] {
            assert!((got.as_f64().unwrap() - 100.0 * want).abs() < 1e-9, "{row}");
        }
        assert!(row["lower_99_8"].as_f64() <= row["lower_95"].as_f64());
    }
}

#[test]
fn ratios_and_rates_match_phe_funnels_area_by_area() {
    // Ratios (obs/expected, ×100): the package tests each area's Byar's (exact under 10)
    // interval against 1; the funnel here is exact Poisson at the area's expected count. They
    // could differ where Byar's approximation and the exact limit straddle a value; on the
    // package's 300 rows they do not.
    let ratio: Vec<(String, f64, f64, f64)> = fixture("ratio_inputs.csv")
        .iter()
        .map(|r| {
            let o: f64 = r["obs"].parse().unwrap();
            let e: f64 = r["expected"].parse().unwrap();
            (r["area_code"].clone(), o, e, 100.0 * o / e)
        })
        .collect();
    let want: BTreeMap<String, String> = fixture("ratio_inputs.csv")
        .into_iter()
        .map(|r| (r["area_code"].clone(), r["significance"].clone()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &ratio, "Indirectly standardised ratio");
    let out = funnel(&ws, "g", "ind");
    assert_eq!(out["value_type"], "isr");
    assert_eq!(out["denominator_kind"], "expected");
    assert_eq!(out["average"], 100.0, "centred on 1 × 100");
    assert!(out["observed_over_expected"].as_f64().unwrap() > 0.0);
    assert_eq!(differences(&out, &want), BTreeMap::new());

    // Crude rates per 100,000 (one area with 0 events).
    let rate: Vec<(String, f64, f64, f64)> = fixture("rate_inputs.csv")
        .iter()
        .map(|r| {
            let c: f64 = r["count"].parse().unwrap();
            let n: f64 = r["pop"].parse().unwrap();
            (r["area_code"].clone(), c, n, 1e5 * c / n)
        })
        .collect();
    let want: BTreeMap<String, String> = fixture("rate_inputs.csv")
        .into_iter()
        .map(|r| (r["area_code"].clone(), r["significance"].clone()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &rate, "Crude rate");
    let out = funnel(&ws, "g", "ind");
    assert_eq!(out["value_type"], "crude_rate");
    assert_eq!(out["multiplier"], 100000.0);
    let (sc, sp) = rate.iter().fold((0.0, 0.0), |(a, b), r| (a + r.1, b + r.2));
    assert!((out["average"].as_f64().unwrap() / (1e5 * sc / sp) - 1.0).abs() < 1e-12);
    let diff = differences(&out, &want);
    assert!(diff.is_empty(), "{diff:?}");
}

#[test]
fn fingertips_districts_and_refusals() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&file),
        "--geography",
        "lad16",
        "--json",
    ]);
    // 93701 children in low-income families (%), latest year 2022.
    let out = funnel(&ws, "lad16", "93701");
    assert_eq!(out["period"], "2022");
    let mut rd = csv::Reader::from_path(&file).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (mut sc, mut sd) = (0.0, 0.0);
    for r in rd.records().map(|r| r.unwrap()) {
        if &r[col("indicator_id")] == "93701"
            && &r[col("year")] == "2022"
            && r[col("area_code")].starts_with("E08")
            && r[col("category_type")].is_empty()
        {
            sc += r[col("count")].parse::<f64>().unwrap();
            sd += r[col("denominator")].parse::<f64>().unwrap();
        }
    }
    assert!((out["average"].as_f64().unwrap() - 100.0 * sc / sd).abs() < 1e-9);
    let points = out["points"].as_array().unwrap();
    assert_eq!(points.len(), 10);
    for p in points {
        assert!(p["name"].is_string(), "{p}");
        let v = p["value"].as_f64().unwrap();
        let (l, u) = (
            p["lower_95"].as_f64().unwrap(),
            p["upper_95"].as_f64().unwrap(),
        );
        let want = if v > u {
            Value::from("above")
        } else if v < l {
            Value::from("below")
        } else {
            Value::Null
        };
        assert_eq!(p["outside_95"], want);
    }
    // Child poverty varies far beyond chance between districts: most lie outside 99.8%.
    let c = &out["counts"];
    assert!(c["above_99_8"].as_u64().unwrap() + c["below_99_8"].as_u64().unwrap() >= 8);

    // A directly standardised rate and a plain count have no funnel, with the reason.
    for (ind, words) in [
        ("22401", "directly standardised rate"),
        ("burglary_count", "no known value type"),
    ] {
        let geography = if ind == "burglary_count" {
            "lsoa11"
        } else {
            "lad16"
        };
        let bad = cli(&[
            "funnel",
            s(&ws),
            "--geography",
            geography,
            "--indicator",
            ind,
        ]);
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains(words), "{err}");
    }
    let text = cli(&[
        "funnel",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "93701",
    ]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("above_99_8") && text.contains("Stockport"),
        "{text}"
    );
}

#[test]
fn degenerate_areas_are_left_out_with_a_reason() {
    let rows = vec![
        ("E38000001".to_string(), 10.0, 100.0, 10.0),
        ("E38000002".to_string(), 30.0, 100.0, 30.0),
        ("E38000003".to_string(), f64::NAN, f64::NAN, 12.0),
        ("E38000004".to_string(), 20.0, 200.0, 10.0),
    ];
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &rows, "%");
    let out = funnel(&ws, "g", "ind");
    let excluded = out["excluded"].as_array().unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0]["code"], "E38000003");
    assert!(
        excluded[0]["reason"]
            .as_str()
            .unwrap()
            .contains("no count and no denominator"),
        "{out}"
    );
    assert!((out["average"].as_f64().unwrap() - 15.0).abs() < 1e-12);
    assert!(!out.to_string().contains("NaN"));
}

/// The dots show counts: an area whose count the disclosure rule withholds is left out (and
/// so is the one secondary suppression withholds with it), with the reason.
#[test]
fn counts_the_disclosure_rule_withholds_are_not_plotted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ws = d.join("ws.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let codes = ["E38000001", "E38000002", "E38000003", "E38000004"];
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
    let csv = "indicator,area_code,period,count,denominator,value\n\
               ind,E38000001,2020,3,100,3\nind,E38000002,2020,40,100,40\n\
               ind,E38000003,2020,30,100,30\nind,E38000004,2020,50,100,50\n";
    let values = write(d, "v.csv", csv);
    let meta = write(
        d,
        "m.csv",
        "code,title,theme,definition,unit,decimals,polarity,source,licence,disclosure\nind,Test,Health,,%,1,neutral,test,OGL,suppress_1_5\n",
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
    let out = funnel(&ws, "g", "ind");
    let excluded = out["excluded"].as_array().unwrap();
    assert!(
        excluded.iter().any(|e| e["code"] == "E38000001"
            && e["reason"].as_str().unwrap().contains("disclosure rule")),
        "{out}"
    );
    assert!(
        out["points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["count"].as_f64().unwrap() > 5.0),
        "{out}"
    );
}
