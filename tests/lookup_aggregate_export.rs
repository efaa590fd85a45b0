//! Lookups, re-aggregation to wards and export, checked against sums computed here directly
//! from the source CSVs (independently of the workspace).

mod common;

use local_atlas::data::import::boundaries::{BoundaryOptions, import_boundaries};
use local_atlas::data::import::indicators::{IndicatorOptions, import_indicators};
use local_atlas::data::import::lookup::{LookupOptions, import_lookup};
use local_atlas::data::query;
use local_atlas::ops::Silent;
use local_atlas::ops::aggregate::{AggregateRequest, run as aggregate};
use local_atlas::ops::export::{ExportRequest, run as export};
use std::collections::HashMap;

fn gm_workspace() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    local_atlas::data::Workspace,
) {
    let (dir, path, mut ws) = common::new_workspace();
    for (g, f) in [
        ("lsoa11", "gm_lsoa2011_bgc.geojson"),
        ("ward17", "gm_ward2017_bgc.geojson"),
    ] {
        import_boundaries(
            &mut ws,
            &common::seeds().join(f),
            &BoundaryOptions {
                geography: g.into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2019".into()),
        columns: Some(vec![
            "imd_score".into(),
            "imd_rank".into(),
            "imd_decile".into(),
        ]),
        ..Default::default()
    };
    import_indicators(
        &mut ws,
        &common::seeds().join("gm_iod2019_lsoa_wide.csv"),
        &opts,
    )
    .unwrap();
    (dir, path, ws)
}

/// lsoa -> (ward, imd_score, imd_rank, imd_decile) read straight from the seed CSVs.
fn independent_rows() -> HashMap<String, (String, f64, f64, f64)> {
    let mut ward = HashMap::new();
    let mut r = csv::Reader::from_path(common::seeds().join("gm_lsoa2011_to_ward2017_bestfit.csv"))
        .unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        ward.insert(rec[0].to_string(), rec[1].to_string());
    }
    let mut out = HashMap::new();
    let mut r = csv::Reader::from_path(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec[i].parse::<f64>().unwrap();
        out.insert(
            rec[0].to_string(),
            (ward[&rec[0]].clone(), f(4), f(5), f(6)),
        );
    }
    out
}

#[test]
fn lookup_detects_fields_and_covers_every_gm_lsoa() {
    let (_d, _p, mut ws) = gm_workspace();
    let r = import_lookup(
        &mut ws,
        &common::seeds().join("gm_lsoa2011_to_ward2017_bestfit.csv"),
        &LookupOptions {
            from: "lsoa11".into(),
            to: "ward17".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (r.from_field.as_str(), r.to_field.as_str()),
        ("lsoa11cd", "wd17cd")
    );
    assert_eq!((r.rows, r.to_areas, r.from_not_covered), (1673, 215, 0));
    assert_eq!(
        query::lookup(&ws, "lsoa11", "ward17").unwrap()["E01005240"],
        "E05000710"
    );
}

#[test]
fn aggregate_sum_and_weighted_mean_match_independent_computation() {
    let (_d, _p, mut ws) = gm_workspace();
    import_lookup(
        &mut ws,
        &common::seeds().join("gm_lsoa2011_to_ward2017_bestfit.csv"),
        &LookupOptions {
            from: "lsoa11".into(),
            to: "ward17".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let rows = independent_rows();
    let mut sum: HashMap<&str, f64> = HashMap::new();
    let mut wsum: HashMap<&str, (f64, f64)> = HashMap::new();
    for (ward, score, rank, decile) in rows.values() {
        *sum.entry(ward).or_default() += decile;
        let e = wsum.entry(ward).or_default();
        e.0 += score * rank;
        e.1 += rank;
    }
    let r = aggregate(
        &ws,
        &AggregateRequest {
            indicator: "imd_decile".into(),
            from: "lsoa11".into(),
            to: "ward17".into(),
            weight: None,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!((r.groups, r.groups_missing), (215, 0));
    for v in query::values(&ws, "imd_decile", "ward17", "2019").unwrap() {
        assert!(
            (v.value.unwrap() - sum[v.area_code.as_str()]).abs() < 1e-9,
            "{}",
            v.area_code
        );
    }
    aggregate(
        &ws,
        &AggregateRequest {
            indicator: "imd_score".into(),
            from: "lsoa11".into(),
            to: "ward17".into(),
            weight: Some("imd_rank".into()),
        },
        &Silent,
    )
    .unwrap();
    let got = query::values(&ws, "imd_score", "ward17", "2019").unwrap();
    assert_eq!(got.len(), 215);
    for v in got {
        let (num, den) = wsum[v.area_code.as_str()];
        assert!((v.value.unwrap() - num / den).abs() < 1e-9);
    }
    // Re-running replaces rather than duplicating.
    aggregate(
        &ws,
        &AggregateRequest {
            indicator: "imd_decile".into(),
            from: "lsoa11".into(),
            to: "ward17".into(),
            weight: None,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(
        query::values(&ws, "imd_decile", "ward17", "2019")
            .unwrap()
            .len(),
        215
    );
    // No lookup to LADs: a clear error.
    let e = aggregate(
        &ws,
        &AggregateRequest {
            indicator: "imd_decile".into(),
            from: "lsoa11".into(),
            to: "lad".into(),
            weight: None,
        },
        &Silent,
    )
    .unwrap_err();
    assert!(e.to_string().contains("import lookup"), "{e}");
}

#[test]
fn export_csv_and_geojson_round_trip() {
    let (dir, _p, ws) = gm_workspace();
    let csv_path = dir.path().join("imd.csv");
    let r = export(
        &ws,
        &ExportRequest {
            geography: "lsoa11".into(),
            indicator: "imd_score".into(),
            period: None,
            out: csv_path.clone(),
            csv_raw: false,
            disclosure_off: None,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(
        (r.areas, r.with_value, r.period.as_str()),
        (1673, 1673, "2019")
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "area_code",
            "area_name",
            "indicator",
            "period",
            "value",
            "numerator",
            "denominator",
            "lower_ci",
            "upper_ci",
            "lower_ci_99_8",
            "upper_ci_99_8",
            "status"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let bolton = rows.iter().find(|r| &r[0] == "E01004766").unwrap();
    assert_eq!(
        (&bolton[1], &bolton[4], &bolton[11]),
        ("Bolton 005A", "30.687", "ok")
    );
    // GeoJSON in WGS 84, re-imported: same areas within a millimetre after BNG→WGS84→BNG.
    let gj = dir.path().join("imd.geojson");
    export(
        &ws,
        &ExportRequest {
            geography: "lsoa11".into(),
            indicator: "imd_score".into(),
            period: Some("2019".into()),
            out: gj.clone(),
            csv_raw: false,
            disclosure_off: None,
        },
        &Silent,
    )
    .unwrap();
    let (_d2, _p2, mut ws2) = common::new_workspace();
    let r = import_boundaries(
        &mut ws2,
        &gj,
        &BoundaryOptions {
            geography: "back".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.features, 1673);
    let a = query::areas(&ws, "lsoa11").unwrap();
    let b = query::areas(&ws2, "back").unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.code, y.code);
        let (p, q) = (
            x.geometry_bng.0[0].exterior().0[0],
            y.geometry_bng.0[0].exterior().0[0],
        );
        assert!((p.x - q.x).abs() < 1e-3 && (p.y - q.y).abs() < 1e-3);
    }
    let e = export(
        &ws,
        &ExportRequest {
            geography: "lsoa11".into(),
            indicator: "imd_score".into(),
            period: Some("2015".into()),
            out: gj.clone(),
            csv_raw: false,
            disclosure_off: None,
        },
        &Silent,
    )
    .unwrap_err();
    assert!(e.to_string().contains("periods: 2019"), "{e}");
}
