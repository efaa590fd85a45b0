//! Hostile analysis requests: siting matrices and options, statistics and weights options.

use super::harness::{Case, area_codes};

const SITE: &str = "site ws.gpkg --geography lsoa --demand pop --candidates sites:id";

fn site(name: &str, extra: &str) -> Case {
    Case::new(name, &format!("{SITE} {extra}"))
}

fn matrix(rows: &[String]) -> String {
    let mut s = String::from("origin,site,minutes\n");
    for r in rows {
        s += r;
        s.push('\n');
    }
    s
}

/// A full matrix from every area to sites S0..S5 with one row replaced by `bad`.
fn matrix_with(bad: &str) -> String {
    let mut rows = Vec::new();
    for c in area_codes() {
        for s in 0..6 {
            rows.push(format!("{c},S{s},{}", 3 + s));
        }
    }
    rows[7] = bad.to_string();
    matrix(&rows)
}

fn with_matrix(name: &str, text: String) -> Case {
    site(name, "--mclp 2 --matrix m.csv --reach-m 10")
        .file("m.csv", text)
        .refused("m.csv")
}

const STATS: &str = "stats ws.gpkg moran --geography lsoa --indicator pop";

pub fn cases() -> Vec<Case> {
    let c = &area_codes()[0];
    vec![
        site("site_control", "--mclp 2 --matrix m.csv --reach-m 10")
            .file("m.csv", matrix_with(&format!("{},S1,4", area_codes()[1])))
            .accepted(),
        Case::new(
            "matrix_dev_zero",
            &format!("{SITE} --mclp 2 --matrix /dev/zero"),
        )
        .refused("/dev/zero"),
        with_matrix(
            "matrix_garbage",
            String::from_utf8_lossy(
                &(0..5000u32)
                    .map(|i| (i * 131 % 256) as u8)
                    .collect::<Vec<_>>(),
            )
            .into_owned(),
        ),
        with_matrix("matrix_nan_cost", matrix_with(&format!("{c},S1,NaN"))),
        with_matrix("matrix_negative_cost", matrix_with(&format!("{c},S1,-4"))),
        with_matrix("matrix_inf_cost", matrix_with(&format!("{c},S1,inf"))),
        with_matrix("matrix_duplicate_pair", matrix_with(&format!("{c},S0,9"))),
        with_matrix("matrix_five_mb_line", matrix_with(&"9".repeat(5 << 20))),
        with_matrix("matrix_empty", String::new()),
        site(
            "site_deprived_of_zero",
            "--mclp 2 --deprived-only pop:30 --deprived-of 0",
        )
        .refused("deprived-of"),
        site(
            "site_deprived_percent_nan",
            "--mclp 2 --deprived-only pop:NaN",
        )
        .refused("deprived"),
        site(
            "site_deprived_percent_huge",
            "--mclp 2 --deprived-only pop:500",
        )
        .refused("deprived"),
        site(
            "site_multiply_negative",
            "--mclp 2 --deprived-only pop:30 --deprived-multiply -3",
        )
        .refused("deprived-multiply"),
        site("site_reach_nan", "--mclp 2 --reach-m NaN").refused("reach"),
        site("site_reach_negative", "--mclp 2 --reach-m -1").refused("reach"),
        site("site_mclp_zero", "--mclp 0").refused("mclp"),
        site("site_mclp_million", "--mclp 1000000").refused("candidates"),
        site("site_lscp_over_100", "--lscp 250").refused("lscp"),
        site("site_capacity_negative", "--mclp 2 --capacity -5").refused("capacity"),
        site("site_out_missing_folder", "--mclp 2 --out nofolder/s.csv").refused("nofolder"),
        site("site_out_unrelated_part_file", "--mclp 2 --out s.csv")
            .prepare(|d| std::fs::write(d.join("s.part"), "mine").unwrap())
            .accepted()
            .after(|d| {
                assert_eq!(
                    std::fs::read(d.join("s.part")).ok(),
                    Some(b"mine".to_vec()),
                    "site deleted an unrelated file"
                )
            }),
        Case::new(
            "stats_permutations_huge",
            &format!("{STATS} --permutations 100000000"),
        )
        .refused("permutations"),
        Case::new("stats_alpha_two", &format!("{STATS} --alpha 2")).refused("alpha"),
        Case::new("stats_alpha_nan", &format!("{STATS} --alpha NaN")).refused("alpha"),
        Case::new("stats_knn_zero", &format!("{STATS} --weights knn:0")).refused("k must be"),
        Case::new(
            "stats_knn_million",
            &format!("{STATS} --weights knn:1000000"),
        )
        .refused("nearest neighbours"),
        Case::new("stats_band_negative", &format!("{STATS} --weights band:-5"))
            .refused("distance threshold"),
        Case::new("stats_band_nan", &format!("{STATS} --weights band:NaN"))
            .refused("distance threshold"),
        Case::new(
            "weights_knn_huge",
            "weights ws.gpkg --geography lsoa --kind knn:99999999",
        )
        .refused("nearest neighbours"),
        Case::new(
            "classify_classes_huge",
            "classify ws.gpkg --geography lsoa --indicator pop --classes 100000000",
        )
        .refused("classes"),
        Case::new(
            "aggregate_missing_lookup",
            "aggregate ws.gpkg --indicator pop --from lsoa --to ward",
        )
        .refused("ward"),
    ]
}
