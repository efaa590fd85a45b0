//! Benchmark areas (England beside the mapped districts) and `compare` by Fingertips' rules:
//! the real Fingertips extract imported into the sample, results checked against the file's
//! own published limits by hand rule; a parent benchmark on a small generated case; errors
//! that leave the workspace as it was.

mod common;

use common::{cli, cli_ok, cli_sample, sha256, squares_geojson, write};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Wilson limits (in %) of x events in n at normal quantile z, written out here independently
/// of the library.
fn wilson_pct(x: f64, n: f64, z: f64) -> (f64, f64) {
    let p = x / n;
    let centre = p + z * z / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let d = 1.0 + z * z / n;
    (100.0 * (centre - half) / d, 100.0 * (centre + half) / d)
}

const Z998: f64 = 3.090_232_306_167_813;

/// One Fingertips row.
#[derive(Debug, Clone)]
struct Row {
    area: String,
    year: String,
    count: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
}

/// The headline rows of an indicator (Persons, the given age, no category), read from the file.
fn rows(file: &Path, indicator: &str, age: &str) -> Vec<Row> {
    let mut rd = csv::Reader::from_path(file).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let num = |r: &csv::StringRecord, n: &str| r[col(n)].trim().parse::<f64>().ok();
    rd.records()
        .map(|r| r.unwrap())
        .filter(|r| {
            &r[col("indicator_id")] == indicator
                && &r[col("sex")] == "Persons"
                && &r[col("age")] == age
                && r[col("category_type")].is_empty()
                && r[col("category")].is_empty()
        })
        .map(|r| Row {
            area: r[col("area_code")].to_string(),
            year: r[col("year")].to_string(),
            count: num(&r, "count"),
            denominator: num(&r, "denominator"),
            value: num(&r, "value"),
            lower: num(&r, "lower_ci_95"),
            upper: num(&r, "upper_ci_95"),
        })
        .collect()
}

/// The results the rules give, computed from the file's own numbers: `two_levels` adds the
/// 99.8% Wilson limits from count and denominator. `low_is_good`: None = no judgement.
fn expected(rows: &[Row], two_levels: bool, low_is_good: Option<bool>) -> BTreeMap<String, String> {
    let year = rows.iter().map(|r| r.year.clone()).max().unwrap();
    let latest: Vec<&Row> = rows.iter().filter(|r| r.year == year).collect();
    let b = latest
        .iter()
        .find(|r| r.area == "E92000001")
        .and_then(|r| r.value)
        .unwrap();
    let side = |higher: bool, strong: bool| -> &'static str {
        match low_is_good {
            None if higher => "higher",
            None => "lower",
            Some(low) => match (higher != low, strong) {
                (true, false) => "better",
                (true, true) => "best",
                (false, false) => "worse",
                (false, true) => "worst",
            },
        }
    };
    latest
        .iter()
        .filter(|r| r.area.starts_with("E08"))
        .map(|r| {
            let no_counts = r.count.is_none() || r.denominator.is_none();
            let res = match (r.value, r.lower, r.upper) {
                // The two-level rule needs both intervals, even for an area similar at 95%.
                _ if two_levels && no_counts => "not_compared".to_string(),
                (Some(_), Some(l), Some(u)) => {
                    if l <= b && b <= u {
                        "similar".to_string()
                    } else if !two_levels {
                        side(b < l, false).to_string()
                    } else {
                        match (r.count, r.denominator) {
                            (Some(x), Some(n)) => {
                                let (l2, u2) = wilson_pct(x, n, Z998);
                                let strong = !(l2 <= b && b <= u2);
                                side(b < l, strong).to_string()
                            }
                            _ => "not_compared".to_string(),
                        }
                    }
                }
                _ => "not_compared".to_string(),
            };
            (r.area.clone(), res)
        })
        .collect()
}

fn results(out: &Value) -> BTreeMap<String, String> {
    out["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["code"].as_str().unwrap().to_string(),
                a["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fingertips_extract_imports_with_england_as_a_benchmark_and_compares_by_its_own_limits() {
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
    assert_eq!(rep["benchmarks"], serde_json::json!(["E92000001"]), "{rep}");
    assert!(rep["benchmark_values"].as_u64().unwrap() > 100, "{rep}");
    assert_eq!(rep["matched"], 10, "{rep}");
    assert_eq!(rep["unmatched"], 0, "{rep}");
    // 91040 has four rows per district and year (quarters under a financial year): skipped.
    assert_eq!(
        rep["ambiguous_indicators"],
        serde_json::json!(["91040"]),
        "{rep}"
    );

    // info: England is a benchmark, not a geography of any indicator.
    let info = cli_ok(&["info", s(&ws), "--json"]);
    let b = &info["benchmarks"][0];
    assert_eq!(b["code"], "E92000001");
    assert_eq!(b["name"], "England");
    assert!(
        info["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["geography"] != "benchmark")
    );
    // Its metadata came from the file: title and polarity.
    let i241 = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "241")
        .unwrap();
    assert!(
        i241["title"]
            .as_str()
            .unwrap()
            .starts_with("Diabetes prevalence")
    );

    let check = cli(&["check", s(&ws)]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // 241 diabetes (proportion, no judgement), latest year, against England.
    let r241 = rows(&file, "241", "17+ yrs");
    for (method, two) in [("ci95", false), ("ci95_99_8", true)] {
        let out = cli_ok(&[
            "compare",
            s(&ws),
            "--geography",
            "lad16",
            "--indicator",
            "241",
            "--benchmark",
            "E92000001",
            "--method",
            method,
            "--json",
        ]);
        assert_eq!(out["method"], method);
        assert_eq!(out["benchmark"]["code"], "E92000001");
        assert_eq!(out["period"], "2023");
        let want = expected(&r241, two, None);
        assert_eq!(want.len(), 10);
        assert_eq!(results(&out), want, "{method}");
    }
    // 93088 overweight adults (proportion, low is good, no counts): better/worse at 95%;
    // not compared at two levels (no count and denominator for the 99.8% limits).
    let r93088 = rows(&file, "93088", "18+ yrs");
    for (method, two) in [("ci95", false), ("ci95_99_8", true)] {
        let out = cli_ok(&[
            "compare",
            s(&ws),
            "--geography",
            "lad16",
            "--indicator",
            "93088",
            "--benchmark",
            "E92000001",
            "--method",
            method,
            "--json",
        ]);
        assert_eq!(
            results(&out),
            expected(&r93088, two, Some(true)),
            "{method}"
        );
    }
    // 93701 children in low income families (proportion with counts, low is good).
    let r93701 = rows(&file, "93701", "<16 yrs");
    for (method, two) in [("ci95", false), ("ci95_99_8", true)] {
        let out = cli_ok(&[
            "compare",
            s(&ws),
            "--geography",
            "lad16",
            "--indicator",
            "93701",
            "--benchmark",
            "E92000001",
            "--method",
            method,
            "--json",
        ]);
        let got = results(&out);
        assert_eq!(got, expected(&r93701, two, Some(true)), "{method}");
        assert!(got.values().any(|r| r.starts_with("wors")), "{got:?}");
    }
    // A directly standardised rate has 95% limits only: at 99.8% it is not compared, with a reason.
    let out = cli_ok(&[
        "compare",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "22401",
        "--benchmark",
        "E92000001",
        "--method",
        "ci99_8",
        "--json",
    ]);
    for a in out["areas"].as_array().unwrap() {
        assert_eq!(a["result"], "not_compared");
        assert!(
            a["reason"]
                .as_str()
                .unwrap()
                .contains("confidence interval")
        );
        assert_eq!(a["colour"], "#C9C9C9");
    }

    // Importing again refuses (the benchmark series too) and leaves the workspace as it was.
    let before = sha256(&ws);
    let again = cli(&[
        "import",
        "indicators",
        s(&ws),
        s(&file),
        "--geography",
        "lad16",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--replace"));
    assert_eq!(sha256(&ws), before);
    // A benchmark the workspace does not have: a clear error naming the ones it has.
    let bad = cli(&[
        "compare",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "241",
        "--benchmark",
        "E12000002",
    ]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no benchmark area 'E12000002'") && err.contains("E92000001 (England)"),
        "{err}"
    );
    // A period England has no value in (or none at all).
    let bad = cli(&[
        "compare",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "241",
        "--period",
        "1999",
        "--benchmark",
        "E92000001",
    ]);
    assert!(!bad.status.success());
    assert_eq!(sha256(&ws), before);
}

/// A generated case: four wards in two districts, a fifth with a value but no interval.
#[test]
fn parent_benchmark_pools_the_children_and_compares_by_polarity() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ws = d.join("ws.gpkg");
    assert!(cli(&["init", s(&ws)]).status.success());
    let wards = [
        "E05000001",
        "E05000002",
        "E05000003",
        "E05000004",
        "E05000005",
    ];
    let w = write(d, "wards.geojson", squares_geojson(&wards));
    let p = write(
        d,
        "districts.geojson",
        squares_geojson(&["E08000001", "E08000002"]),
    );
    for (f, g) in [(&w, "ward"), (&p, "district")] {
        cli_ok(&[
            "import",
            "boundaries",
            s(&ws),
            s(f),
            "--geography",
            g,
            "--json",
        ]);
    }
    let lookup = write(
        d,
        "lookup.csv",
        "ward,district\nE05000001,E08000001\nE05000002,E08000001\nE05000003,E08000002\nE05000004,E08000002\nE05000005,E08000002\n",
    );
    cli_ok(&[
        "import",
        "lookup",
        s(&ws),
        s(&lookup),
        "--from",
        "ward",
        "--to",
        "district",
        "--from-field",
        "ward",
        "--to-field",
        "district",
        "--json",
    ]);
    let z95 = 1.959_963_984_540_054;
    let mut csv =
        String::from("indicator,area_code,period,count,denominator,value,lower_ci,upper_ci\n");
    for (code, x, n) in [
        ("E05000001", 10.0, 100.0),
        ("E05000002", 30.0, 100.0),
        ("E05000003", 5.0, 50.0),
        ("E05000004", 15.0, 50.0),
    ] {
        let (l, u) = wilson_pct(x, n, z95);
        csv.push_str(&format!(
            "smk,{code},2024,{x},{n},{},{l},{u}\n",
            100.0 * x / n
        ));
    }
    csv.push_str("smk,E05000005,2024,,,25,,\n");
    // A comparator group's row, kept as a benchmark by --benchmark-codes.
    let (l, u) = wilson_pct(200.0, 1000.0, z95);
    csv.push_str(&format!("smk,X99000001,2024,200,1000,20,{l},{u}\n"));
    let values = write(d, "smk.csv", csv);
    let meta = write(
        d,
        "meta.csv",
        "code,title,theme,definition,unit,decimals,polarity,source,licence\nsmk,Smoking,Health,,%,1,lower_is_better,test,OGL\n",
    );
    let rep = cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&values),
        "--geography",
        "ward",
        "--metadata",
        s(&meta),
        "--benchmark-codes",
        "X99000001",
        "--json",
    ]);
    assert_eq!(rep["benchmarks"], serde_json::json!(["X99000001"]), "{rep}");
    assert_eq!(rep["benchmark_values"], 1);
    cli_ok(&["check", s(&ws), "--json"]);

    let out = cli_ok(&[
        "compare",
        s(&ws),
        "--geography",
        "ward",
        "--indicator",
        "smk",
        "--benchmark",
        "parent:district",
        "--json",
    ]);
    let parents = out["benchmark"]["parents"].as_array().unwrap();
    assert_eq!(parents.len(), 2);
    // 40/200 and 20/100 (the fifth ward has no count): 20% each, Wilson limits of the pool.
    for (pv, x, n) in [(&parents[0], 40.0, 200.0), (&parents[1], 20.0, 100.0)] {
        assert!((pv["value"].as_f64().unwrap() - 20.0).abs() < 1e-9, "{pv}");
        let (l, u) = wilson_pct(x, n, z95);
        assert!((pv["lower_ci"].as_f64().unwrap() - l).abs() < 1e-6, "{pv}");
        assert!((pv["upper_ci"].as_f64().unwrap() - u).abs() < 1e-6, "{pv}");
        assert_eq!(pv["areas"], 2);
    }
    let got = results(&out);
    let want: BTreeMap<String, String> = [
        ("E05000001", "better"),  // 5.5–17.4 below 20, low is good
        ("E05000002", "worse"),   // 21.9–39.6
        ("E05000003", "similar"), // 4.3–21.4
        ("E05000004", "similar"), // 19.1–43.6 holds 20
        ("E05000005", "not_compared"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let a5 = out["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "E05000005")
        .unwrap();
    assert!(
        a5["reason"]
            .as_str()
            .unwrap()
            .contains("confidence interval"),
        "{a5}"
    );
    assert_eq!(out["areas"][0]["benchmark_code"], "E08000001");
    assert_eq!(out["areas"][0]["colour"], "#92D050");

    // Against the comparator group.
    let out = cli_ok(&[
        "compare",
        s(&ws),
        "--geography",
        "ward",
        "--indicator",
        "smk",
        "--benchmark",
        "X99000001",
        "--method",
        "overlap",
        "--json",
    ]);
    assert_eq!(out["benchmark"]["code"], "X99000001");
    // 200/1000: 17.6–22.6, apart from 5.5–17.4 (better), overlapping 21.9–39.6 (similar).
    assert_eq!(results(&out)["E05000001"], "better");
    assert_eq!(results(&out)["E05000002"], "similar");

    // Errors leave the workspace as it was.
    let before = sha256(&ws);
    for args in [
        vec!["--benchmark", "E92000001"],
        vec!["--benchmark", "parent:region"],
        vec!["--benchmark", "X99000001", "--method", "wilson"],
    ] {
        let mut a = vec![
            "compare",
            s(&ws),
            "--geography",
            "ward",
            "--indicator",
            "smk",
        ];
        a.extend(args.iter().copied());
        let out = cli(&a);
        assert!(!out.status.success(), "{a:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("no benchmark area")
                || err.contains("no lookup from 'ward' to 'region'")
                || err.contains("unknown method"),
            "{err}"
        );
    }
    // No boundaries can be imported for the benchmark pseudo-geography.
    let out = cli(&[
        "import",
        "boundaries",
        s(&ws),
        s(&p),
        "--geography",
        "benchmark",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reserved"));
    assert_eq!(sha256(&ws), before);
}

/// `--breakdown all` keeps every sex × age × category row of the extract under suffixed codes
/// (the headline keeps its own code), so a DSR could be derived from Fingertips' age bands.
#[test]
fn breakdown_all_keeps_every_breakdown_under_its_own_code() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let dir = tempfile::tempdir().unwrap();
    let ws = cli_sample(dir.path());
    let headline = cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&file),
        "--geography",
        "lad16",
        "--check",
        "--json",
    ]);
    let all = cli_ok(&[
        "import",
        "indicators",
        s(&ws),
        s(&file),
        "--geography",
        "lad16",
        "--breakdown",
        "all",
        "--json",
    ]);
    assert!(
        all["breakdown_rows_skipped"].as_u64().unwrap()
            < headline["breakdown_rows_skipped"].as_u64().unwrap(),
        "{all}"
    );
    let info = cli_ok(&["info", s(&ws), "--json"]);
    let codes: Vec<&str> = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"92708"), "the headline keeps its code");
    assert!(codes.contains(&"92708 | Male | 0-4 yrs"), "{codes:?}");
    assert!(codes.contains(&"92708 | Female | 90+ yrs"), "{codes:?}");
    // Bolton's boys aged 0–4 in 2018, as the file has them.
    let out = dir.path().join("boys.csv");
    cli_ok(&[
        "export-data",
        s(&ws),
        "--geography",
        "lad16",
        "--indicator",
        "92708 | Male | 0-4 yrs",
        "--period",
        "2018",
        "--out",
        s(&out),
        "--json",
    ]);
    let bolton = common::csv_rows(&out)
        .into_iter()
        .find(|r| r["area_code"] == "E08000001")
        .unwrap();
    assert_eq!(bolton["value"], "9782");
}
