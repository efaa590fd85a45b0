//! `derive`: proportions and crude rates from the real Fingertips extract's counts and
//! denominators reproduce the published values and 95% limits (Wilson: to 0.001 percentage
//! points; Byar's / exact Poisson: to 1e-5 relative), with England derived beside the districts
//! and the 99.8% limits stored and exported; DSR and ISR from PHEindicatormethods' own test
//! data through the command line; `compare --save` and the significance layer; the schema-10
//! columns on a migrated workspace; errors that leave the workspace as it was.

#![allow(clippy::excessive_precision)] // reference values as published

mod common;

use common::{cli, cli_ok, cli_sample, csv_rows, sha256, squares_geojson, write};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const Z95: f64 = 1.959_963_984_540_054;
const Z998: f64 = 3.090_232_306_167_813;

/// Wilson limits (in %) of x in n at normal quantile z, written out independently.
fn wilson_pct(x: f64, n: f64, z: f64) -> (f64, f64) {
    let p = x / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    (100.0 * (centre - half) / d, 100.0 * (centre + half) / d)
}

/// (area, year) → (count, denominator, value, lower, upper) of an indicator's headline rows.
type Published = BTreeMap<(String, String), (f64, f64, f64, f64, f64)>;

fn published(file: &Path, indicator: &str, age: &str, sex: &str) -> Published {
    let mut rd = csv::Reader::from_path(file).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut out = BTreeMap::new();
    for r in rd.records().map(|r| r.unwrap()) {
        if &r[col("indicator_id")] != indicator
            || &r[col("age")] != age
            || &r[col("sex")] != sex
            || !r[col("category")].is_empty()
        {
            continue;
        }
        let num = |n: &str| r[col(n)].trim().parse::<f64>().ok();
        if let (Some(c), Some(d), Some(v), Some(l), Some(u)) = (
            num("count"),
            num("denominator"),
            num("value"),
            num("lower_ci_95"),
            num("upper_ci_95"),
        ) {
            out.insert(
                (r[col("area_code")].to_string(), r[col("year")].to_string()),
                (c, d, v, l, u),
            );
        }
    }
    out
}

/// The counts and denominators as two indicators in long form (what a partner would send).
fn counts_file(dir: &Path, name: &str, rows: &Published) -> std::path::PathBuf {
    let mut text = String::from("area_code,indicator,period,value\n");
    for ((area, year), (c, d, ..)) in rows {
        text.push_str(&format!("{area},{name}_count,{year},{c}\n"));
        text.push_str(&format!("{area},{name}_denominator,{year},{d}\n"));
    }
    write(dir, &format!("{name}.csv"), text)
}

fn derived_values(
    ws: &Path,
    indicator: &str,
    period: &str,
    dir: &Path,
) -> Vec<BTreeMap<String, String>> {
    let out = dir.join(format!("{indicator}-{period}.csv"));
    cli_ok(&[
        "export-data",
        s(ws),
        "--geography",
        "lad16",
        "--indicator",
        indicator,
        "--period",
        period,
        "--out",
        s(&out),
        "--json",
    ]);
    csv_rows(&out)
        .into_iter()
        .map(|r| r.into_iter().collect())
        .collect()
}

#[test]
fn proportions_from_fingertips_counts_reproduce_the_published_wilson_limits() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let rows = published(&file, "241", "17+ yrs", "Persons");
    assert!(rows.len() >= 60, "{} rows", rows.len());
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    let csv = counts_file(dir.path(), "diabetes", &rows);
    let rep = cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&csv),
        "--geography",
        "lad16",
        "--json",
    ]);
    assert_eq!(rep["benchmarks"], serde_json::json!(["E92000001"]), "{rep}");

    let out = cli_ok(&[
        "derive",
        s(&ws),
        "--indicator",
        "diabetes_pct",
        "--numerator",
        "diabetes_count",
        "--denominator",
        "diabetes_denominator",
        "--type",
        "proportion",
        "--title",
        "Diabetes prevalence (derived)",
        "--json",
    ]);
    assert_eq!(out["geography"], "lad16", "{out}");
    assert_eq!(out["value_type"], "proportion");
    assert_eq!(out["multiplier"], 100.0);
    assert!(out["ci_method"].as_str().unwrap().contains("Wilson"));
    let years: Vec<String> = rows
        .keys()
        .map(|(_, y)| y.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(out["periods"], serde_json::json!(years));
    assert_eq!(
        out["benchmarks"]["E92000001"],
        serde_json::json!(years),
        "{out}"
    );
    assert_eq!(
        out["values"].as_u64().unwrap() as usize,
        rows.keys().filter(|(a, _)| a.starts_with("E08")).count()
    );

    // Every district and year: the published value and limits, to 0.001 percentage points.
    let mut checked = 0;
    for year in &years {
        for r in derived_values(&ws, "diabetes_pct", year, dir.path()) {
            let key = (r["area_code"].clone(), year.clone());
            let (c, d, v, l, u) = rows[&key];
            let got = |k: &str| r[k].parse::<f64>().unwrap();
            assert!(
                (got("value") - v).abs() < 1e-9,
                "{key:?}: {} vs {v}",
                r["value"]
            );
            assert!(
                (got("lower_ci") - l).abs() < 0.001,
                "{key:?}: {} vs {l}",
                r["lower_ci"]
            );
            assert!(
                (got("upper_ci") - u).abs() < 0.001,
                "{key:?}: {} vs {u}",
                r["upper_ci"]
            );
            // 99.8% limits stored by derive, against the formula written out above.
            let (l2, u2) = wilson_pct(c, d, Z998);
            assert!((got("lower_ci_99_8") - l2).abs() < 1e-9, "{key:?}");
            assert!((got("upper_ci_99_8") - u2).abs() < 1e-9, "{key:?}");
            let (l1, u1) = wilson_pct(c, d, Z95);
            assert!((got("lower_ci") - l1).abs() < 1e-9 && (got("upper_ci") - u1).abs() < 1e-9);
            checked += 1;
        }
    }
    assert_eq!(checked, 60);

    // The metadata records the value type, multiplier and method.
    let info = cli_ok(&["info", s(&ws), "--json"]);
    let meta = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "diabetes_pct")
        .unwrap()
        .clone();
    assert_eq!(meta["title"], "Diabetes prevalence (derived)");

    // Compared with the derived England value: the same results as the imported indicator's
    // limits give by hand (England inside the interval = similar).
    let cmp = cli_ok(&[
        "compare",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "diabetes_pct",
        "--benchmark",
        "E92000001",
        "--method",
        "ci95_99_8",
        "--save",
        "--json",
    ]);
    let latest = years.last().unwrap();
    let england = rows[&("E92000001".to_string(), latest.clone())].2;
    assert!(
        (cmp["benchmark"]["value"].as_f64().unwrap() - england).abs() < 1e-9,
        "{cmp}"
    );
    for a in cmp["areas"].as_array().unwrap() {
        let (c, d, v, l, u) = rows[&(a["code"].as_str().unwrap().to_string(), latest.clone())];
        let (l2, u2) = wilson_pct(c, d, Z998);
        let want = if l <= england && england <= u {
            "similar"
        } else if l2 <= england && england <= u2 {
            if v > england { "higher" } else { "lower" }
        } else if v > england {
            "higher"
        } else {
            "lower"
        };
        assert_eq!(a["result"], want, "{a}");
    }
    let saved = cmp["saved"].as_str().unwrap();
    assert_eq!(saved, "diabetes_pct_vs_e92000001_ci95_99_8");

    // The saved comparison maps with Fingertips' colours and a legend naming England.
    let svg = dir.path().join("saved.svg");
    cli_ok(&[
        "map",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        saved,
        "--out",
        s(&svg),
        "--json",
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("than England (95%)") || text.contains("to England (95%)"),
        "legend"
    );
}

#[test]
fn crude_rates_from_fingertips_counts_reproduce_byars_and_exact_limits() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let rows = published(&file, "20401", "<18 yrs", "Female");
    assert!(!rows.is_empty());
    // The multiplier as the file has it (value ÷ (count ÷ denominator)).
    let (c, d, v, ..) = rows.values().next().copied().unwrap();
    let mult = 10f64.powi((v / (c / d)).log10().round() as i32);
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    let csv = counts_file(dir.path(), "conceptions", &rows);
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&csv),
        "--geography",
        "lad16",
        "--json",
    ]);
    let m = mult.to_string();
    let out = cli_ok(&[
        "derive",
        s(&ws),
        "--indicator",
        "conceptions_rate",
        "--numerator",
        "conceptions_count",
        "--denominator",
        "conceptions_denominator",
        "--type",
        "rate",
        "--multiplier",
        &m,
        "--polarity",
        "lower_is_better",
        "--json",
    ]);
    let mut checked = 0;
    for year in out["periods"].as_array().unwrap() {
        let year = year.as_str().unwrap();
        for r in derived_values(&ws, "conceptions_rate", year, dir.path()) {
            let (_, _, v, l, u) = rows[&(r["area_code"].clone(), year.to_string())];
            let got = |k: &str| r[k].parse::<f64>().unwrap();
            let rel = |a: f64, b: f64| ((a - b) / b).abs();
            // The file rounds to 5 decimals.
            assert!(rel(got("value"), v) < 1e-5, "{r:?}");
            assert!(rel(got("lower_ci"), l) < 1e-5, "{r:?} vs {l}");
            assert!(rel(got("upper_ci"), u) < 1e-5, "{r:?} vs {u}");
            assert!(
                got("lower_ci_99_8") < got("lower_ci") && got("upper_ci_99_8") > got("upper_ci")
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked}");
}

/// PHEindicatormethods' testdata_DSR_ISR: area testdata_big (19 bands) and the reference
/// (refdata sheet), as two areas of a generated geography; England carries the reference.
const COUNTS: [f64; 19] = [
    127., 25., 18., 21., 12., 27., 48., 27., 29., 32., 32., 34., 45., 65., 38., 68., 74., 82., 91.,
];
const POPS: [f64; 19] = [
    636., 558., 609., 543., 384., 594., 669., 843., 660., 576., 606., 522., 426., 273., 300., 288.,
    153., 123., 207.,
];
const REF_COUNTS: [f64; 19] = [
    10303., 2824., 0., 3615., 3641., 3490., 3789., 3213., 3031., 2771., 3089., 3490., 3595., 4745.,
    5514., 7125., 5694., 6210., 5757.,
];
const REF_POPS: [f64; 19] = [
    50520., 57173., 60213., 54659., 44345., 50128., 62163., 67423., 62899., 55463., 60479., 49974.,
    44140., 40888., 37239., 30819., 18136., 15325., 13918.,
];

fn banded_workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("w.gpkg");
    let init = cli(&["init", s(&ws)]);
    assert!(init.status.success());
    let b = write(
        dir,
        "areas.geojson",
        squares_geojson(&["E08000001", "E08000002"]),
    );
    cli_ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&b),
        "--geography",
        "lad",
        "--json",
    ]);
    let mut text = String::from("area_code,indicator,period,value\n");
    for i in 0..19 {
        for (area, c, p) in [
            ("E08000001", COUNTS[i], POPS[i]),
            // A small area: 9 events in all, below the DSR's 10.
            ("E08000002", if i == 18 { 9.0 } else { 0.0 }, POPS[i]),
            ("E92000001", REF_COUNTS[i], REF_POPS[i]),
        ] {
            text.push_str(&format!(
                "{area},deaths_{i},2020,{c}\n{area},pop_{i},2020,{p}\n"
            ));
        }
    }
    let f = write(dir, "bands.csv", text);
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&f),
        "--geography",
        "lad",
        "--json",
    ]);
    ws
}

fn bands(prefix: &str) -> String {
    (0..19)
        .map(|i| format!("{prefix}_{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn dsr_and_isr_from_age_bands_give_the_package_results() {
    let dir = tempfile::tempdir().unwrap();
    let ws = banded_workspace(dir.path());
    let (deaths, pops) = (bands("deaths"), bands("pop"));
    let dsr = cli_ok(&[
        "derive",
        s(&ws),
        "--indicator",
        "deaths_dsr",
        "--type",
        "dsr",
        "--age-bands",
        &deaths,
        "--populations",
        &pops,
        "--json",
    ]);
    assert_eq!(dsr["value_type"], "dsr");
    assert_eq!(dsr["multiplier"], 100000.0);
    let not: Vec<&Value> = dsr["not_derived"].as_array().unwrap().iter().collect();
    assert!(
        not.iter().any(|n| n["code"] == "E08000002"
            && n["reason"]
                .as_str()
                .unwrap()
                .contains("not reported below 10")),
        "{dsr}"
    );
    let rows = derived_values_at(&ws, "deaths_dsr", dir.path());
    let big = &rows["E08000001"];
    let rel = |a: &str, b: f64| (big[a].parse::<f64>().unwrap() / b - 1.0).abs();
    assert!(rel("value", 10430.247991469423) < 1e-9, "{big:?}");
    assert!(rel("lower_ci", 9717.709067985681) < 1e-9, "{big:?}");
    assert!(rel("upper_ci", 11178.94091547925) < 1e-9, "{big:?}");
    assert_eq!(rows["E08000002"]["status"], "missing");
    assert_eq!(rows["E08000002"]["value"], "");

    let isr = cli_ok(&[
        "derive",
        s(&ws),
        "--indicator",
        "deaths_smr",
        "--type",
        "isr",
        "--age-bands",
        &deaths,
        "--populations",
        &pops,
        "--reference",
        "E92000001",
        "--json",
    ]);
    assert_eq!(isr["value_type"], "isr");
    let rows = derived_values_at(&ws, "deaths_smr", dir.path());
    let big = &rows["E08000001"];
    let rel = |a: &str, b: f64| (big[a].parse::<f64>().unwrap() / b - 1.0).abs();
    // testresults_ISR: 895 observed, 835.8836 expected → 107.0723 (×100), Byar's limits.
    assert!(rel("value", 107.07232939020275) < 1e-9, "{big:?}");
    assert!(rel("lower_ci", 100.17147712553987) < 1e-9, "{big:?}");
    assert!(rel("upper_ci", 114.32332872498949) < 1e-9, "{big:?}");
    assert!(rel("lower_ci_99_8", 96.351556196144372) < 1e-9, "{big:?}");
    assert!(rel("upper_ci_99_8", 118.60070415876287) < 1e-9, "{big:?}");
    // 9 observed: exact limits, a value still (an ISR has no minimum count).
    assert_eq!(rows["E08000002"]["status"], "ok");
}

fn derived_values_at(
    ws: &Path,
    indicator: &str,
    dir: &Path,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let out = dir.join(format!("{indicator}.csv"));
    cli_ok(&[
        "export-data",
        s(ws),
        "--geography",
        "lad",
        "--indicator",
        indicator,
        "--out",
        s(&out),
        "--json",
    ]);
    csv_rows(&out)
        .into_iter()
        .map(|r| (r["area_code"].clone(), r.into_iter().collect()))
        .collect()
}

#[test]
fn bad_requests_name_the_problem_and_leave_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let ws = banded_workspace(dir.path());
    let before = sha256(&ws);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--type", "proportion", "--numerator", "deaths_0"],
            "needs --numerator and --denominator",
        ),
        (
            &[
                "--type",
                "rate",
                "--numerator",
                "deaths_0",
                "--denominator",
                "nope",
            ],
            "nope",
        ),
        (
            &[
                "--type",
                "dsr",
                "--age-bands",
                "deaths_0,deaths_1",
                "--populations",
                "pop_0",
            ],
            "one indicator per",
        ),
        (
            &[
                "--type",
                "dsr",
                "--age-bands",
                "deaths_0,deaths_1",
                "--populations",
                "pop_0,pop_1",
            ],
            "19 bands",
        ),
        (
            &[
                "--type",
                "rate",
                "--numerator",
                "deaths_0",
                "--denominator",
                "pop_0",
                "--multiplier=-5",
            ],
            "positive",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["derive", s(&ws), "--indicator", "x"];
        all.extend_from_slice(args);
        let out = cli(&all);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(sha256(&ws), before, "{args:?} changed the workspace");
    }
    // An imported indicator is never overwritten.
    let out = cli(&[
        "derive",
        s(&ws),
        "--indicator",
        "pop_1",
        "--type",
        "rate",
        "--numerator",
        "deaths_0",
        "--denominator",
        "pop_0",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not made by derive"));
    assert_eq!(sha256(&ws), before);
}

/// Imported limits are kept but flagged where a recomputation from count and denominator
/// does not reproduce them: in the real extract, exactly the three indicators Fingertips
/// computes another way (93701 and 94103 proportions, 92904 crude rate); never the ones the
/// issue lists as reproducing (Wilson 241, 247, 93474; Byar's 20401, 92266, 41203).
#[test]
fn imported_limits_that_a_recomputation_does_not_reproduce_are_flagged() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    let rep = cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&file),
        "--geography",
        "lad16",
        "--json",
    ]);
    let flagged: std::collections::BTreeSet<&str> = rep["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["check"] == "ci_disagrees")
        .map(|w| w["indicator"].as_str().unwrap())
        .collect();
    assert_eq!(
        flagged.into_iter().collect::<Vec<_>>(),
        ["92904", "93701", "94103"],
        "{rep}"
    );
    // The imported limits are what is stored.
    let out = dir.path().join("93701.csv");
    cli_ok(&[
        "export-data",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "93701",
        "--period",
        "2018",
        "--out",
        s(&out),
        "--json",
    ]);
    let bolton = csv_rows(&out)
        .into_iter()
        .find(|r| r["area_code"] == "E08000001")
        .unwrap();
    assert_eq!(bolton["lower_ci"], "27.48");
}

/// Degenerate inputs give a defined result with a reason, never a panic or a NaN in a file:
/// a count of 0 and a count equal to its denominator are proportions of 0% and 100% with
/// Wilson limits; a zero denominator, a negative count and a count above its denominator are
/// not derived, with their reasons; an area without one input is missing; one area alone is
/// derived and compared (not compared: no benchmark).
#[test]
fn degenerate_counts_give_defined_results_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let codes = [
        "E08000001",
        "E08000002",
        "E08000003",
        "E08000004",
        "E08000005",
        "E08000006",
    ];
    let b = write(dir.path(), "areas.geojson", squares_geojson(&codes));
    cli_ok(&[
        "import",
        "boundaries",
        s(&ws),
        s(&b),
        "--geography",
        "lad",
        "--json",
    ]);
    let rows = "area_code,indicator,period,value\n\
        E08000001,n,2020,0\nE08000001,d,2020,50\n\
        E08000002,n,2020,50\nE08000002,d,2020,50\n\
        E08000003,n,2020,5\nE08000003,d,2020,0\n\
        E08000004,n,2020,-3\nE08000004,d,2020,10\n\
        E08000005,n,2020,12\nE08000005,d,2020,10\n\
        E08000006,n,2020,4\n";
    let f = write(dir.path(), "n.csv", rows);
    cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&f),
        "--geography",
        "lad",
        "--json",
    ]);
    let out = cli_ok(&[
        "derive",
        s(&ws),
        "--indicator",
        "p",
        "--numerator",
        "n",
        "--denominator",
        "d",
        "--type",
        "proportion",
        "--json",
    ]);
    let reasons: BTreeMap<String, String> = out["not_derived"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["code"].as_str().unwrap().into(),
                n["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(reasons["E08000003"], "the denominator is zero", "{out}");
    assert!(reasons["E08000004"].contains("negative"), "{out}");
    assert!(
        reasons["E08000005"].contains("larger than the denominator"),
        "{out}"
    );
    assert_eq!(reasons["E08000006"], "no value of d", "{out}");
    assert_eq!(reasons.len(), 4);
    let rows = derived_values_at(&ws, "p", dir.path());
    assert_eq!(rows["E08000001"]["value"], "0");
    assert_eq!(rows["E08000001"]["lower_ci"], "0");
    let (_, u) = wilson_pct(0.0, 50.0, Z95);
    assert!((rows["E08000001"]["upper_ci"].parse::<f64>().unwrap() - u).abs() < 1e-9);
    assert_eq!(rows["E08000002"]["value"], "100");
    assert_eq!(rows["E08000002"]["upper_ci"], "100");
    for code in ["E08000003", "E08000004", "E08000005", "E08000006"] {
        assert_eq!(rows[code]["status"], "missing", "{code}");
        assert_eq!(rows[code]["value"], "", "{code}");
    }
    for r in rows.values() {
        assert!(
            r.values().all(|v| !v.contains("NaN") && !v.contains("inf")),
            "{r:?}"
        );
    }
    // No benchmark stored: compared with quintiles instead (6 areas, 2 with values: too few).
    let cmp = cli(&[
        "compare",
        s(&ws),
        "--geography",
        "lad",
        "--indicator",
        "p",
        "--benchmark",
        "E92000001",
        "--json",
    ]);
    assert!(!cmp.status.success());
    assert!(String::from_utf8_lossy(&cmp.stderr).contains("E92000001"));
}
