//! Data-quality checks on every import: values outside the declared or implied range refuse
//! the import (file, line and column named; workspace byte-identical); areas without a value,
//! far outliers and unusual changes from the previous period are warnings in the report (text
//! and JSON), which `--strict` turns into a refusal; a point file's malformed area codes are
//! reported with the code they look like.

mod common;

use std::path::{Path, PathBuf};

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Twelve square areas A01…A12 as geography `g`.
fn workspace(dir: &Path) -> (PathBuf, Vec<String>) {
    let ws = dir.join("q.gpkg");
    let codes: Vec<String> = (1..=12).map(|i| format!("E010000{i:02}")).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let geo = common::write(dir, "areas.geojson", common::squares_geojson(&refs));
    assert!(common::cli(&["init", &s(&ws)]).status.success());
    common::cli_ok(&[
        "import",
        "boundaries",
        &s(&ws),
        &s(&geo),
        "--geography",
        "g",
        "--json",
    ]);
    (ws, codes)
}

fn wide(dir: &Path, name: &str, codes: &[String], values: &[&str]) -> PathBuf {
    let mut text = String::from("area_code,v\n");
    for (c, v) in codes.iter().zip(values) {
        text.push_str(&format!("{c},{v}\n"));
    }
    common::write(dir, name, text)
}

fn import(ws: &Path, file: &Path, period: &str, extra: &[&str]) -> std::process::Output {
    let (w, f) = (s(ws), s(file));
    let mut args = vec![
        "import",
        "indicators",
        &w,
        &f,
        "--geography",
        "g",
        "--wide",
        "--period",
        period,
    ];
    args.extend_from_slice(extra);
    common::cli(&args)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_value_outside_the_declared_range_is_refused_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, codes) = workspace(dir.path());
    let meta = common::write(
        dir.path(),
        "meta.csv",
        "code,title,unit,min,max\nv,Score,score,0,80\n",
    );
    let values = [
        "10", "20", "30", "40", "50", "60", "70", "80", "81.5", "20", "-3", "5",
    ];
    let file = wide(dir.path(), "v.csv", &codes, &values);
    let before = common::sha256(&ws);
    let out = import(&ws, &file, "2019", &["--metadata", &s(&meta)]);
    let err = stderr(&out);
    assert!(!out.status.success());
    // Every value out of range is named, with its line and the column.
    assert!(err.contains("line 10"), "{err}");
    assert!(
        err.contains("81.5 is above the indicator's maximum 80"),
        "{err}"
    );
    assert!(err.contains("line 12"), "{err}");
    assert!(
        err.contains("-3 is below the indicator's minimum 0"),
        "{err}"
    );
    assert!(
        err.contains("column v") || err.contains("column 'v'"),
        "{err}"
    );
    assert_eq!(
        common::sha256(&ws),
        before,
        "a refused import leaves the workspace as it was"
    );
}

#[test]
fn counts_must_be_whole_and_percentages_within_0_to_100_as_shown() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, codes) = workspace(dir.path());
    let meta = common::write(dir.path(), "m.csv", "code,unit\nv,count\n");
    let mut values = vec!["3"; 12];
    values[4] = "3.5";
    let file = wide(dir.path(), "c.csv", &codes, &values);
    let out = import(&ws, &file, "2019", &["--metadata", &s(&meta)]);
    assert!(
        stderr(&out).contains("count 3.5 is not a whole number"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line 6"), "{}", stderr(&out));

    // A proportion stored 0–1 and shown ×100 as %: 1.2 is 120 %.
    let meta = common::write(dir.path(), "p.csv", "code,unit,multiplier\nv,%,100\n");
    let mut values = vec!["0.4"; 12];
    values[0] = "1.2";
    let file = wide(dir.path(), "p.csv.csv", &codes, &values);
    let out = import(&ws, &file, "2019", &["--metadata", &s(&meta)]);
    assert!(stderr(&out).contains("percentage 120"), "{}", stderr(&out));
    assert!(stderr(&out).contains("above 100"), "{}", stderr(&out));
    // A declared range wins over the unit's (a % change can be negative or above 100).
    let meta = common::write(dir.path(), "pc.csv", "code,unit,min,max\nv,%,-100,1000\n");
    values[0] = "150";
    let file = wide(dir.path(), "pc2.csv", &codes, &values);
    let out = import(&ws, &file, "2019", &["--metadata", &s(&meta)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn missing_areas_outliers_and_unusual_changes_are_warned_and_strict_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, codes) = workspace(dir.path());
    let y18 = [
        "50", "51", "49", "52", "48", "50.5", "49.5", "51.5", "48.5", "50", "52.5", "49",
    ];
    let f18 = wide(dir.path(), "y18.csv", &codes, &y18);
    let r = {
        let o = import(&ws, &f18, "2018", &["--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    assert_eq!(r["warnings"].as_array().unwrap().len(), 0, "{r}");

    // 2019: the last area has no value, one area jumps (a far outlier and an unusual change).
    // Changes of 0.8 to 1.2 (varied, so their spread is not 0), but 52 → 250 in the fourth.
    let mut y19: Vec<String> = y18
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let change = 1.0 + 0.1 * ((i * 7 % 5) as f64 - 2.0);
            format!(
                "{}",
                (v.parse::<f64>().unwrap() + change) * 10.0_f64.round() / 10.0
            )
        })
        .collect();
    y19[3] = "250".into();
    let refs: Vec<&str> = y19.iter().map(String::as_str).take(11).collect();
    let f19 = wide(dir.path(), "y19.csv", &codes, &refs);
    let before = common::sha256(&ws);
    let strict = import(&ws, &f19, "2019", &["--strict"]);
    assert!(!strict.status.success());
    assert!(
        stderr(&strict).contains("refused with --strict"),
        "{}",
        stderr(&strict)
    );
    assert_eq!(common::sha256(&ws), before);

    let o = import(&ws, &f19, "2019", &["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = r["warnings"].as_array().unwrap();
    let of = |check: &str| {
        warnings
            .iter()
            .find(|w| w["check"] == check)
            .unwrap_or_else(|| panic!("no {check} warning in {r}"))
    };
    let missing = of("missing_areas");
    assert_eq!(missing["count"], 1);
    assert_eq!(missing["examples"][0], codes[11].as_str());
    assert_eq!(
        (missing["indicator"].as_str(), missing["period"].as_str()),
        (Some("v"), Some("2019"))
    );
    let far = of("outliers");
    assert_eq!(far["count"], 1);
    assert_eq!(far["examples"][0], format!("{} = 250", codes[3]));
    let change = of("unusual_change");
    assert_eq!(change["count"], 1, "{change}");
    assert_eq!(change["examples"][0], format!("{} 52 → 250", codes[3]));
    assert!(
        change["message"]
            .as_str()
            .unwrap()
            .contains("from 2018 to 2019")
    );
    // Warnings never block: the values are stored.
    let v = common::cli_ok(&["area", &s(&ws), &codes[3], "--json"]);
    assert!(v.to_string().contains("250"), "{v}");

    // The text report says the same in words.
    let f20 = wide(dir.path(), "y20.csv", &codes, &refs);
    let o = import(&ws, &f20, "2020", &[]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("warning: 1 of 12 areas of g have no value of v in 2020"),
        "{text}"
    );
    assert!(text.contains("lie far outside the rest"), "{text}");
}

#[test]
fn bad_metadata_ranges_and_disclosure_rules_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, codes) = workspace(dir.path());
    let file = wide(dir.path(), "v.csv", &codes, &["1"; 12]);
    for (meta, needle) in [
        ("code,min,max\nv,10,5\n", "min 10 is above max 5"),
        ("code,min\nv,low\n", "min 'low' is not a number"),
        (
            "code,disclosure\nv,suppress_1_4\n",
            "disclosure rule 'suppress_1_4' is not recognised",
        ),
    ] {
        let m = common::write(dir.path(), "bad.csv", meta);
        let before = common::sha256(&ws);
        let out = import(&ws, &file, "2019", &["--metadata", &s(&m)]);
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
        assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
        assert_eq!(common::sha256(&ws), before);
    }
    let m = common::write(
        dir.path(),
        "ok.csv",
        "code,unit,min,max,disclosure\nv,count,0,100,suppress_1_7_round_5\n",
    );
    let out = import(&ws, &file, "2019", &["--metadata", &s(&m)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let w = local_atlas::data::Workspace::open(&ws).unwrap();
    let meta = local_atlas::data::query::indicator_meta(&w, "v").unwrap();
    assert_eq!((meta.min, meta.max), (Some(0.0), Some(100.0)));
    assert_eq!(
        meta.disclosure,
        local_atlas::data::indicator::Disclosure::Suppress1To7Round5
    );
}

/// The CQC list of GM GP practices carries malformed district codes (E0800003 for E08000003);
/// importing it as a point layer reports them with the fix, and still imports the points.
#[test]
fn gp_practices_malformed_district_codes_are_reported_with_the_fix() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = common::cli_sample(dir.path());
    let file = data.join("services/gm_general_practices_cqc_2018-10.csv");
    let r = common::cli_ok(&[
        "import",
        "points",
        &s(&ws),
        &s(&file),
        "--layer",
        "gp",
        "--json",
    ]);
    assert_eq!(r["features"], 596);
    let check = &r["area_codes"][0];
    assert_eq!(check["column"], "area_code");
    assert_eq!(check["geography"], "lad16");
    assert_eq!(check["codes"], 10);
    assert_eq!(check["unmatched"], 9, "{check}");
    let suggested: Vec<&str> = check["suggested"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(suggested.contains(&"E0800003 → E08000003"), "{suggested:?}");
    // E0800001 is one digit from both Bolton (E08000001) and Wigan (E08000010): no guess.
    assert!(
        !suggested.iter().any(|s| s.starts_with("E0800001 ")),
        "{suggested:?}"
    );
    assert_eq!(suggested.len(), 8);
}
