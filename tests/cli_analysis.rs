//! The analysis commands' JSON contract (classify, weights, stats), through the real binary on
//! the GM sample data.

mod common;

use common::{cli_ok as ok, cli_sample as sample};

#[test]
fn classify_weights_and_stats_follow_the_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let ws = ws.to_str().unwrap();
    let base = ["--geography", "lsoa11", "--indicator", "imd_score"];

    let c = ok(&[
        &["classify", ws],
        &base[..],
        &["--method", "jenks", "--classes", "7", "--json"],
    ]
    .concat());
    assert_eq!(c["method"], "jenks");
    assert_eq!(c["k"], 7);
    assert_eq!(c["breaks"].as_array().unwrap().len(), 7);
    assert_eq!(
        c["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        1673
    );
    assert!(c["gvf"].as_f64().unwrap() > 0.9);
    let classes = c["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 1673);
    assert!(
        classes
            .iter()
            .all(|a| a["code"].is_string() && a["class"].as_u64().unwrap() < 7)
    );
    let last = c["breaks"][6].as_f64().unwrap();
    assert!(
        (last - 79.3).abs() < 1e-9,
        "upper bound of the last class is the maximum"
    );

    let w = ok(&[
        "weights",
        ws,
        "--geography",
        "lsoa11",
        "--kind",
        "queen",
        "--json",
    ]);
    // libpysal 4.14.1 Queen on the same LSOAs: 9,930 directed links, min 1, max 15, no islands.
    assert_eq!(
        (w["n"].as_u64(), w["links"].as_u64()),
        (Some(1673), Some(9930))
    );
    assert_eq!(
        (w["min_neighbours"].as_u64(), w["max_neighbours"].as_u64()),
        (Some(1), Some(15))
    );
    assert!((w["mean_neighbours"].as_f64().unwrap() - 9930.0 / 1673.0).abs() < 1e-12);
    assert_eq!(w["islands"].as_array().unwrap().len(), 0);
    let gal = dir.path().join("gm.gal");
    ok(&[
        "weights",
        ws,
        "--geography",
        "lsoa11",
        "--kind",
        "knn:6",
        "--out",
        gal.to_str().unwrap(),
        "--json",
    ]);
    assert!(std::fs::read_to_string(&gal).unwrap().lines().count() > 3000);

    let m = ok(&[&["stats", ws, "moran"], &base[..], &["--json"]].concat());
    for key in [
        "n",
        "I",
        "expected_I",
        "z_normal",
        "z_randomisation",
        "p_sim",
        "z_sim",
        "islands",
    ] {
        assert!(m.get(key).is_some(), "moran JSON lacks {key}");
    }
    assert!(m["I"].as_f64().unwrap() > 0.4, "IMD is strongly clustered");
    assert!((m["expected_I"].as_f64().unwrap() + 1.0 / 1672.0).abs() < 1e-12);
    assert_eq!(m["p_sim"].as_f64(), Some(0.001));

    let l = ok(&[
        &["stats", ws, "lisa"],
        &base[..],
        &["--permutations", "199", "--seed", "7", "--json"],
    ]
    .concat());
    let counts = &l["counts"];
    let total: u64 = ["HH", "LL", "LH", "HL", "not_significant", "island"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 1673);
    assert!(counts["HH"].as_u64().unwrap() > 100 && counts["LL"].as_u64().unwrap() > 100);
    let a = &l["areas"][0];
    for key in ["code", "I", "quadrant", "p_sim", "cluster"] {
        assert!(a.get(key).is_some(), "lisa area lacks {key}");
    }
    // Same seed, same answer.
    let again = ok(&[
        &["stats", ws, "lisa"],
        &base[..],
        &["--permutations", "199", "--seed", "7", "--json"],
    ]
    .concat());
    assert_eq!(l, again);

    let g = ok(&[
        &["stats", ws, "gistar"],
        &base[..],
        &["--permutations", "99", "--save", "--json"],
    ]
    .concat());
    let hot: u64 = ["hot_99", "hot_95", "hot_90"]
        .iter()
        .map(|k| g["counts"][k].as_u64().unwrap())
        .sum();
    let cold: u64 = ["cold_99", "cold_95", "cold_90"]
        .iter()
        .map(|k| g["counts"][k].as_u64().unwrap())
        .sum();
    // METHODS.md c5: on GM IMD the Ord & Getis general formula finds 346 hot / 365 cold spots at
    // one-sided p < 0.05, i.e. |z| > 1.645: our 90% classes together.
    assert_eq!((hot, cold), (346, 365));
    let area = &g["areas"][0];
    for key in ["code", "z", "p_sim", "class"] {
        assert!(area.get(key).is_some(), "gistar area lacks {key}");
    }
    // --save stored class, z and p as indicators that info lists.
    let info = ok(&["info", ws, "--json"]);
    let saved: Vec<&str> = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"].as_str().unwrap().starts_with("imd_score_gistar"))
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        saved,
        vec![
            "imd_score_gistar_class",
            "imd_score_gistar_p",
            "imd_score_gistar_z"
        ]
    );
}
