//! Deprivation indices and service siting on real data: the IMD 2019 rebuilt from the published
//! domain ranks (England-wide and through the `index` command on the GM sample), IoD-style
//! re-aggregation against the published district summaries, and a GM siting scenario.

mod common;

use common::{cli, cli_ok as ok, cli_sample as sample, shared_data};
use local_atlas::analysis::composite::presets::imd2019;
use local_atlas::analysis::composite::{
    Column, Domain, DomainSource, MissingPolicy, composite_index,
};
use std::collections::HashMap;
use std::path::Path;

fn spec_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name)
        .display()
        .to_string()
}

/// Published GM IMD 2019 scores (seeds, always present).
fn published_gm_scores() -> HashMap<String, f64> {
    let mut r = csv::Reader::from_path(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let code = h.iter().position(|c| c == "lsoa11cd").unwrap();
    let score = h.iter().position(|c| c == "imd_score").unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[code].to_string(), rec[score].parse().unwrap())
        })
        .collect()
}

/// The IMD 2019 preset's domains on the national domain ranks of every English LSOA, with
/// the file's header and rows.
fn national_imd_domains(shared: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>, Vec<Domain>) {
    let mut r =
        csv::Reader::from_path(shared.join("england_imd2019_lsoa_ranks_deciles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let columns = [
        "Income_rank",
        "Employment_rank",
        "Education_rank",
        "Health_rank",
        "Crime_rank",
        "Housing_and_Access_rank",
        "Environment_rank",
    ];
    let domains = imd2019()
        .domains
        .iter()
        .zip(columns)
        .map(|(p, c)| Domain {
            name: p.role.into(),
            weight: p.weight,
            source: DomainSource::Single(Column {
                values: rows.iter().map(|r| r[col(c)].parse().ok()).collect(),
                input: p.input,
                of: Some(32844.0),
                direction: p.direction,
                transform: p.transform,
                zscore_weights: None,
            }),
        })
        .collect();
    (h, rows, domains)
}

/// England: the IMD preset on the national domain ranks of all 32,844 LSOAs reproduces the
/// published scores (GM, to 0.00075), ranks and deciles.
#[test]
fn imd2019_rebuilt_for_all_of_england() {
    let Some(shared) = shared_data() else { return };
    let (h, rows, domains) = national_imd_domains(&shared);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), 32844);
    let index = composite_index(&domains, MissingPolicy::Exclude).unwrap();
    let (code, rank, decile) = (col("lsoa_code"), col("IMD_rank"), col("IMD_decile"));
    let published = published_gm_scores();
    let mut worst_score = 0.0f64;
    let (mut rank_off, mut worst_rank, mut decile_off) = (0, 0i64, 0);
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = published.get(&r[code]) {
            worst_score = worst_score.max((index.score[i].unwrap() - p).abs());
        }
        let want: i64 = r[rank].parse().unwrap();
        let got = index.rank[i].unwrap() as i64;
        if got != want {
            rank_off += 1;
            worst_rank = worst_rank.max((got - want).abs());
        }
        if index.decile[i].unwrap().to_string() != r[decile] {
            decile_off += 1;
        }
    }
    eprintln!(
        "IMD rebuilt: GM scores within {worst_score:.6}; ranks differ for {rank_off} of 32,844 LSOAs (at most {worst_rank}); deciles for {decile_off}"
    );
    // The published scores are rounded to 3 dp and the inputs are integer ranks.
    assert!(worst_score < 0.001, "{worst_score}");
    // Near-ties in the (unpublished) unrounded scores swap neighbouring ranks.
    assert!(
        rank_off <= 150 && worst_rank <= 2,
        "{rank_off} {worst_rank}"
    );
    assert!(decile_off <= 10, "{decile_off}");
}

/// The `index` command on the GM sample with the shipped spec: every published score
/// reproduced, results saved with the recipe, sensitivity reproducible by seed.
#[test]
fn index_command_rebuilds_gm_imd_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let ws = ws.to_str().unwrap();
    let spec = spec_path("imd2019.toml");
    let r = ok(&[
        "index",
        ws,
        "--spec",
        &spec,
        "--save",
        "imd_rebuilt",
        "--json",
    ]);
    let published = published_gm_scores();
    let areas = r["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1673);
    let worst = areas
        .iter()
        .map(|a| (a["score"].as_f64().unwrap() - published[a["code"].as_str().unwrap()]).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.001, "{worst}");
    // Ranks within GM: 1 = most deprived (E01005482, published 79.300).
    let top = areas.iter().find(|a| a["rank"] == 1).unwrap();
    assert_eq!(top["code"], "E01005482");
    assert!(areas.iter().all(|a| a["decile"].as_u64().unwrap() <= 10));
    assert_eq!(r["recipe"]["spec"]["domain"].as_array().unwrap().len(), 7);
    assert!(
        r["sensitivity"]["mean_share_changing_decile"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let saved: Vec<&str> = r["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(saved.contains(&"imd_rebuilt_score") && saved.contains(&"imd_rebuilt_unstable"));
    // The saved score is an ordinary indicator: classify it.
    let c = ok(&[
        "classify",
        ws,
        "--geography",
        "lsoa11",
        "--indicator",
        "imd_rebuilt_score",
        "--method",
        "quantile",
        "--classes",
        "5",
        "--json",
    ]);
    assert_eq!(c["missing"], 0);
    // Same seed, same sensitivity.
    let again = ok(&["index", ws, "--spec", &spec, "--json"]);
    assert_eq!(again["sensitivity"], r["sensitivity"]);

    // A local index from scores with components and imputation.
    let local = ok(&[
        "index",
        ws,
        "--spec",
        &spec_path("local_income_health.toml"),
        "--json",
    ]);
    assert_eq!(local["n"], 1673);
}

#[test]
fn index_spec_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let ws = ws.to_str().unwrap();
    let bad = common::write(
        dir.path(),
        "bad.toml",
        "name = \"x\"\ngeography = \"lsoa11\"\n[[domain]]\nindicator = \"income_rank\"\ntransform = \"cube\"\nweight = 1\n",
    );
    let out = cli(&["index", ws, "--spec", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml, line 5"), "{err}");
    let unknown = common::write(
        dir.path(),
        "unknown.toml",
        "name = \"x\"\ngeography = \"lsoa11\"\n[[domain]]\nindicator = \"nope\"\ntransform = \"none\"\nweight = 1\n",
    );
    let out = cli(&["index", ws, "--spec", unknown.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

/// LSOA → district: the share of LSOAs in the most deprived 10% nationally equals MHCLG's
/// File 10 for all ten GM districts. (The shared data has no population denominators, so the
/// averages here are unweighted and only checked for shape.)
#[test]
fn deprivation_aggregate_matches_published_district_shares() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let ws = ws.to_str().unwrap();
    let r = ok(&[
        "deprivation-aggregate",
        ws,
        "--score",
        "imd_score",
        "--population",
        "areas",
        "--from",
        "lsoa11",
        "--to",
        "lad16",
        "--save",
        "--json",
    ]);
    let groups = r["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 10);
    let mut published = HashMap::new();
    let mut f = csv::Reader::from_path(shared.join("england_iod2019_lad_summaries.csv")).unwrap();
    for rec in f.records() {
        let rec = rec.unwrap();
        if &rec[2] == "Index of Multiple Deprivation" {
            published.insert(rec[0].to_string(), rec[7].parse::<f64>().unwrap());
        }
    }
    for g in groups {
        let want = published[g["group"].as_str().unwrap()];
        let got = g["share_most_deprived_10"].as_f64().unwrap();
        assert!((got - want).abs() < 5e-5, "{}: {got} vs {want}", g["group"]);
    }
    // Manchester is GM's most deprived district on every measure.
    let man = groups.iter().find(|g| g["group"] == "E08000003").unwrap();
    assert_eq!(man["rank_average_score"], 1);
    assert_eq!(man["rank_extent"], 1);
    assert!(r["saved"].as_array().unwrap().len() >= 10);
}

/// The GM scenario of the README: demand = LSOAs in the 30% most deprived nationally,
/// candidates = ward centroids, reach 1,600 m.
#[test]
fn gm_siting_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let ws = ws.to_str().unwrap();
    let out = dir.path().join("sites.geojson");
    let base = [
        "site",
        ws,
        "--geography",
        "lsoa11",
        "--demand",
        "areas",
        "--deprived-only",
        "imd_rank:30",
        "--deprived-of",
        "32844",
        "--candidates",
        "centroids:ward17",
        "--reach-m",
        "1600",
    ];
    let r = ok(&[
        &base[..],
        &[
            "--mclp",
            "5",
            "--out",
            out.to_str().unwrap(),
            "--save",
            "cc5",
            "--json",
        ],
    ]
    .concat());
    assert_eq!(r["total_demand"], 828.0); // GM LSOAs in the national 30% most deprived
    assert_eq!(r["optimal"], true);
    assert_eq!(r["chosen"].as_array().unwrap().len(), 5);
    assert_eq!(r["covered_before"], 0.0);
    assert_eq!(r["covered_after"], 116.0);
    let curve = r["coverage_curve"].as_array().unwrap();
    assert_eq!(curve.len(), 6);
    assert!(
        curve
            .windows(2)
            .all(|w| w[1]["covered"].as_f64() >= w[0]["covered"].as_f64())
    );
    let e = &r["equity"];
    assert!((e["deprived_share_covered_after"].as_f64().unwrap() - 116.0 / 828.0).abs() < 1e-12);
    let geojson: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(geojson["features"].as_array().unwrap().len(), 5);
    let mut reached = std::collections::BTreeSet::new();
    for c in r["chosen"].as_array().unwrap() {
        assert!(c["id"].as_str().unwrap().starts_with("E05"));
        assert!(c["easting"].as_f64().unwrap() > 350_000.0);
        // Its reach area: the LSOAs (one unit of demand each) it covers.
        let codes = c["covered_areas"].as_array().unwrap();
        assert_eq!(codes.len() as f64, c["covered_demand"].as_f64().unwrap());
        reached.extend(codes.iter().map(|v| v.as_str().unwrap().to_string()));
    }
    assert_eq!(reached.len(), 116);
    assert!(reached.iter().all(|c| c.starts_with("E01")));

    // The chosen sites become existing services: nothing more to gain from the same sites,
    // and coverage before = the MCLP's coverage after.
    ok(&[
        "import",
        "points",
        ws,
        out.to_str().unwrap(),
        "--layer",
        "cc",
        "--json",
    ]);
    let again = ok(&[&base[..], &["--existing", "cc:id", "--mclp", "1", "--json"]].concat());
    assert_eq!(again["covered_before"], 116.0);
    assert!(again["covered_after"].as_f64().unwrap() > 116.0);

    // Existing sites with capacities from a field: each the demand it covered above, so the
    // allocation serves exactly the same 116.
    let capped = ok(&[
        &base[..],
        &[
            "--existing",
            "cc:id",
            "--capacity-field",
            "covered_demand",
            "--capacity",
            "20",
            "--mclp",
            "1",
            "--json",
        ],
    ]
    .concat());
    assert_eq!(capped["capacity_enforced"], true);
    assert!((capped["covered_before"].as_f64().unwrap() - 116.0).abs() < 1e-9);
    let new_site = &capped["chosen"][0];
    assert_eq!(new_site["capacity"], 20.0); // candidates (centroids) take --capacity
    assert!(new_site["covered_demand"].as_f64().unwrap() <= 20.0 + 1e-9);
    // A field that is not a number is refused, naming the layer, feature and field.
    let bad = cli(&[
        &base[..],
        &[
            "--existing",
            "cc:id",
            "--capacity-field",
            "name",
            "--mclp",
            "1",
        ],
    ]
    .concat());
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("point layer 'cc', feature 1") && err.contains("'name'"),
        "{err}"
    );

    // Capacity 20 LSOAs a centre, enforced by the MCLP: no site serves more than 20, so the
    // five cover less than the 116 without capacities, and at least what the uncapacitated
    // choice serves within the capacities (the capacitated optimum is no worse).
    let cap = ok(&[&base[..], &["--mclp", "5", "--capacity", "20", "--json"]].concat());
    assert_eq!(cap["capacity_enforced"], true);
    assert_eq!(cap["optimal"], true);
    let served: Vec<f64> = cap["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["covered_demand"].as_f64().unwrap())
        .collect();
    assert!(served.iter().all(|s| *s <= 20.0 + 1e-9), "{served:?}");
    let after = cap["covered_after"].as_f64().unwrap();
    assert!((served.iter().sum::<f64>() - after).abs() < 1e-9);
    assert!(after <= 100.0, "{after}"); // 5 × 20, below the 116 without capacities
    let uncapped_ids: Vec<&str> = r["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let within: f64 = r["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["covered_demand"].as_f64().unwrap().min(20.0))
        .sum();
    assert!(
        after >= within - 1e-9,
        "{after} < {within} ({uncapped_ids:?})"
    );

    let lscp = ok(&[&base[..], &["--lscp", "25", "--json"]].concat());
    assert_eq!(lscp["optimal"], true);
    assert!(lscp["covered_after"].as_f64().unwrap() >= 0.25 * 828.0);
    let k = lscp["chosen"].as_array().unwrap().len();
    assert_eq!(lscp["objective"].as_f64().unwrap() as usize, k);
    // One fewer site cannot reach 25%: the coverage curve's k − 1 point is below it.
    let curve = lscp["coverage_curve"].as_array().unwrap();
    assert!(curve[k - 1]["share"].as_f64().unwrap() < 0.25);
}

#[test]
fn site_with_a_matrix_and_pmedian_on_small_areas() {
    let (dir, path, ws) = common::new_workspace();
    drop(ws);
    let ws = path.to_str().unwrap();
    let codes = ["A1", "A2", "A3", "A4"];
    let g = common::write(dir.path(), "a.geojson", common::squares_geojson(&codes));
    ok(&[
        "import",
        "boundaries",
        ws,
        g.to_str().unwrap(),
        "--geography",
        "zone",
        "--json",
    ]);
    let demand = common::write(
        dir.path(),
        "d.csv",
        "area_code,kids\nA1,10\nA2,20\nA3,30\nA4,40\n",
    );
    ok(&[
        "import",
        "indicators",
        ws,
        demand.to_str().unwrap(),
        "--geography",
        "zone",
        "--wide",
        "--period",
        "2024",
        "--json",
    ]);
    // Minutes from each zone to each zone-centroid candidate: A4 is central.
    let mut m = String::from("origin,site,minutes\n");
    for (i, o) in codes.iter().enumerate() {
        for (j, s) in codes.iter().enumerate() {
            let minutes = if j == 3 {
                5
            } else {
                5 + 10 * (i as i64 - j as i64).abs()
            };
            m.push_str(&format!("{o},{s},{minutes}\n"));
        }
    }
    let matrix = common::write(dir.path(), "m.csv", m);
    let zone_site = |extra: &[&str]| {
        let base = [
            "site",
            ws,
            "--geography",
            "zone",
            "--demand",
            "kids",
            "--candidates",
            "centroids",
            "--matrix",
            matrix.to_str().unwrap(),
            "--json",
        ];
        ok(&[&base[..], extra].concat())
    };
    let r = zone_site(&["--reach-m", "10", "--pmedian", "1"]);
    assert_eq!(r["chosen"][0]["id"], "A4");
    assert_eq!(r["objective"], 5.0 * 100.0);
    assert_eq!(r["optimal"], true);
    assert_eq!(r["reach_units"], "minutes");
    // Capacitated p-median, by hand: with 60 a site, A4 (5 minutes from everyone) takes 60
    // and A3's centre the other 40 (A3's 30 at 5 minutes, 10 more at 15): 600 minutes, the
    // best pair. The uncapacitated optimum (500) bounds it from below; the Lagrangian bound
    // that keeps the capacities reaches 600 and proves it optimal.
    let cap = zone_site(&["--reach-m", "10", "--pmedian", "2", "--capacity", "60"]);
    let ids: Vec<&str> = cap["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A3", "A4"]);
    assert!((cap["objective"].as_f64().unwrap() - 600.0).abs() < 1e-9);
    assert_eq!(cap["capacity_enforced"], true);
    assert_eq!(cap["optimal"], true);
    assert!((cap["bound"].as_f64().unwrap() - 600.0).abs() < 1e-6);
    assert_eq!(cap["unserved_demand"], 0.0);
    let loads: Vec<f64> = cap["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["demand"].as_f64().unwrap())
        .collect();
    assert_eq!(loads, [40.0, 60.0]);
    let mclp = ok(&[
        "site",
        ws,
        "--geography",
        "zone",
        "--demand",
        "kids",
        "--matrix",
        matrix.to_str().unwrap(),
        "--reach-m",
        "15",
        "--mclp",
        "1",
        "--json",
    ]);
    assert_eq!(mclp["covered_after"], 100.0);
    // Demand at supplied points (e.g. population-weighted centroids): all four zones' demand
    // sits in the middle of A1, so A1's centroid covers it all within 100 m.
    let pts = common::write(
        dir.path(),
        "pts.csv",
        "code,longitude,latitude\nA1,-2.295,53.405\nA2,-2.295,53.405\nA3,-2.295,53.405\nA4,-2.295,53.405\n",
    );
    ok(&[
        "import",
        "points",
        ws,
        pts.to_str().unwrap(),
        "--layer",
        "popc",
        "--json",
    ]);
    let at = ok(&[
        "site",
        ws,
        "--geography",
        "zone",
        "--demand",
        "kids",
        "--demand-points",
        "popc:code",
        "--reach-m",
        "100",
        "--mclp",
        "1",
        "--json",
    ]);
    assert_eq!(at["chosen"][0]["id"], "A1");
    assert_eq!(at["covered_after"], 100.0);
    // A bad cell is named.
    let bad = common::write(dir.path(), "bad.csv", "origin,site,minutes\nA1,A1,soon\n");
    let out = cli(&[
        "site",
        ws,
        "--geography",
        "zone",
        "--demand",
        "kids",
        "--matrix",
        bad.to_str().unwrap(),
        "--mclp",
        "1",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.csv, line 2, column 'minutes'"));
}

/// `[rank_against]`: GM's rebuilt scores ranked against the rebuilt national scores give the
/// published national ranks and deciles.
#[test]
fn index_ranked_against_national_scores() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    // National scores, rebuilt with the library from the England domain ranks.
    let (h, rows, domains) = national_imd_domains(&shared);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let national = composite_index(&domains, MissingPolicy::Exclude).unwrap();
    let mut csv_text = String::from("lsoa_code,score\n");
    for (row, s) in rows.iter().zip(&national.score) {
        csv_text.push_str(&format!("{},{}\n", &row[col("lsoa_code")], s.unwrap()));
    }
    common::write(dir.path(), "england.csv", csv_text);
    let spec = std::fs::read_to_string(spec_path("imd2019.toml")).unwrap();
    let spec = spec.replace(
        "# Optional: perturb",
        "[rank_against]\nfile = \"england.csv\"\ncolumn = \"score\"\n\n# Optional: perturb",
    );
    let spec = common::write(dir.path(), "imd_national.toml", spec);
    let ws = sample(dir.path());
    let out = ok(&[
        "index",
        ws.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out["ranking"], "reference");
    assert_eq!(out["ranking_size"], 32844);
    let mut published = HashMap::new();
    let mut w = csv::Reader::from_path(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    let wh = w.headers().unwrap().clone();
    let wc = |name: &str| wh.iter().position(|c| c == name).unwrap();
    for rec in w.records() {
        let rec = rec.unwrap();
        published.insert(
            rec[wc("lsoa11cd")].to_string(),
            (
                rec[wc("imd_rank")].parse::<i64>().unwrap(),
                rec[wc("imd_decile")].parse::<u64>().unwrap(),
            ),
        );
    }
    let (mut off, mut worst) = (0, 0);
    for a in out["areas"].as_array().unwrap() {
        let (rank, decile) = published[a["code"].as_str().unwrap()];
        let got = a["rank"].as_i64().unwrap();
        if got != rank {
            off += 1;
            worst = worst.max((got - rank).abs());
        }
        assert_eq!(a["decile"].as_u64().unwrap(), decile, "{}", a["code"]);
    }
    eprintln!("GM against national: {off} of 1,673 ranks differ, by at most {worst}");
    assert!(off <= 20 && worst <= 2, "{off} {worst}");
    // Sensitivity (the spec's [sensitivity]) cannot re-score the reference: it says its
    // ranks are the workspace's.
    assert_eq!(out["sensitivity"]["ranking"], "workspace");
    assert!(
        out["sensitivity"]["note"]
            .as_str()
            .unwrap()
            .contains("32,844")
    );
}

/// `zscore_weights`: the z-scores of `zscore` domains use the weighted mean and variance
/// (Carstairs' population weighting). Checked against the same sums done here from the seed
/// CSV, with the IMD score standing in for a population (the sample has none).
#[test]
fn index_with_weighted_zscores_matches_a_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let spec = "name = \"weighted\"\ngeography = \"lsoa11\"\nzscore_weights = \"imd_score\"\n\
        [[domain]]\nindicator = \"income_score\"\ninput = \"score\"\ntransform = \"zscore\"\nweight = 1.0\n\
        [[domain]]\nindicator = \"employment_score\"\ninput = \"score\"\ntransform = \"zscore\"\nweight = 1.0\n";
    let spec = common::write(dir.path(), "weighted.toml", spec);
    let out = ok(&[
        "index",
        ws.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
        "--json",
    ]);
    let mut r = csv::Reader::from_path(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let c = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    let num = |row: &csv::StringRecord, name: &str| row[c(name)].parse::<f64>().unwrap();
    let z = |name: &str, weighted: bool| -> HashMap<String, f64> {
        let w = |row: &csv::StringRecord| if weighted { num(row, "imd_score") } else { 1.0 };
        let total: f64 = rows.iter().map(w).sum();
        let mean = rows.iter().map(|x| w(x) * num(x, name)).sum::<f64>() / total;
        let var = rows
            .iter()
            .map(|x| w(x) * (num(x, name) - mean).powi(2))
            .sum::<f64>()
            / total;
        rows.iter()
            .map(|x| {
                (
                    x[c("lsoa11cd")].to_string(),
                    (num(x, name) - mean) / var.sqrt(),
                )
            })
            .collect()
    };
    let (zi, ze) = (z("income_score", true), z("employment_score", true));
    let (ui, ue) = (z("income_score", false), z("employment_score", false));
    let mut differs = 0;
    for a in out["areas"].as_array().unwrap() {
        let code = a["code"].as_str().unwrap();
        let got = a["score"].as_f64().unwrap();
        let want = zi[code] + ze[code];
        assert!((got - want).abs() < 1e-9, "{code}: {got} vs {want}");
        if (got - (ui[code] + ue[code])).abs() > 1e-3 {
            differs += 1;
        }
    }
    assert!(differs > 1000, "weighting changed only {differs} scores");
}

/// Cancels as soon as a stage whose name starts with `at` begins.
struct CancelAtStage {
    at: &'static str,
    seen: std::sync::Mutex<Vec<String>>,
}

impl local_atlas::feedback::Feedback for CancelAtStage {
    fn stage(&self, name: &str) {
        if let Ok(mut s) = self.seen.lock() {
            s.push(name.to_string());
        }
    }
    fn is_cancelled(&self) -> bool {
        self.seen
            .lock()
            .map(|s| s.iter().any(|n| n.starts_with(self.at)))
            .unwrap_or(false)
    }
}

/// Cancelling an index (between its domains, or during the weight sensitivity) returns
/// `Error::Cancelled` and leaves the workspace byte-identical; uncancelled, the same request
/// saves.
#[test]
fn a_cancelled_index_returns_cancelled_and_writes_nothing() {
    use local_atlas::Error;
    use local_atlas::ops::index::{IndexRequest, parse_spec, run};
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let text = "name = \"c\"\ngeography = \"lsoa11\"\n[sensitivity]\ndraws = 200\n\
        [[domain]]\nindicator = \"income_score\"\ninput = \"score\"\ntransform = \"zscore\"\nweight = 1.0\n\
        [[domain]]\nindicator = \"employment_score\"\ninput = \"score\"\ntransform = \"zscore\"\nweight = 1.0\n";
    let req = IndexRequest {
        spec: parse_spec("c.toml", text).unwrap(),
        save: Some("cancelled_index".into()),
    };
    let before = common::sha256(&path);
    for at in ["domain 'employment_score'", "weight sensitivity"] {
        let ws = local_atlas::data::Workspace::open(&path).unwrap();
        let f = CancelAtStage {
            at,
            seen: Default::default(),
        };
        let r = run(&ws, &req, &f);
        assert!(matches!(r, Err(Error::Cancelled)), "{at}: {:?}", r.err());
        let seen = f.seen.lock().unwrap().clone();
        assert!(!seen.iter().any(|s| s == "saving"), "{at}: {seen:?}");
        drop(ws);
        assert_eq!(common::sha256(&path), before, "{at}");
    }
    let ws = local_atlas::data::Workspace::open(&path).unwrap();
    let r = run(&ws, &req, &local_atlas::feedback::Silent).unwrap();
    assert!(!r.saved.is_empty());
    drop(ws);
    assert_ne!(common::sha256(&path), before);
}

/// Counts how often an operation asks whether to stop once its "solving" stage began, and
/// says yes from then on.
#[derive(Default)]
struct CancelWhileSolving {
    solving: std::sync::atomic::AtomicBool,
    asked: std::sync::atomic::AtomicUsize,
}

impl local_atlas::feedback::Feedback for CancelWhileSolving {
    fn stage(&self, name: &str) {
        if name == "solving" {
            self.solving
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    fn is_cancelled(&self) -> bool {
        let on = self.solving.load(std::sync::atomic::Ordering::Relaxed);
        if on {
            self.asked
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        on
    }
}

/// Cancel reaches into the siting solver (its branch-and-bound asks at its nodes, not only the
/// operation after the solve), and a cancelled site run saves nothing.
#[test]
fn a_cancelled_site_run_stops_inside_the_solver_and_writes_nothing() {
    use local_atlas::Error;
    use local_atlas::ops::site::{Model, SiteRequest, run};
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let before = common::sha256(&path);
    let req = SiteRequest {
        geography: "lsoa11".into(),
        demand: "areas".into(),
        period: None,
        deprived: None,
        demand_points: None,
        existing: None,
        candidates: "centroids:ward17".parse().unwrap(),
        reach_m: 1600.0,
        matrix: None,
        model: Model::Mclp { p: 5 },
        heuristic: false,
        work_limit: 2_000_000_000,
        capacity: None,
        capacity_field: None,
        save: Some("cancelled".into()),
        out: None,
        csv_raw: false,
    };
    let ws = local_atlas::data::Workspace::open(&path).unwrap();
    let f = CancelWhileSolving::default();
    let r = run(&ws, &req, &f);
    assert!(matches!(r, Err(Error::Cancelled)), "{:?}", r.err());
    let asked = f.asked.load(std::sync::atomic::Ordering::Relaxed);
    assert!(asked >= 2, "the solver never asked (asked {asked} times)");
    drop(ws);
    assert_eq!(common::sha256(&path), before);
}
