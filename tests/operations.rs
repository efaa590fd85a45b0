//! The one operation shape: requests and responses travel as JSON (each request reads back
//! what it wrote), output paths are part of the request, and a cancelled operation returns
//! `Error::Cancelled` having written nothing.

mod common;

use local_atlas::Error;
use local_atlas::analysis::classify::{ClassifyOptions, Method};
use local_atlas::analysis::siting::Model;
use local_atlas::data::Workspace;
use local_atlas::ops::indicator_data::WeightsKind;
use local_atlas::ops::series::{Periods, SeriesRequest};
use local_atlas::ops::{self, Feedback, Silent};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Asks to stop from the start.
struct Stop;
impl Feedback for Stop {
    fn is_cancelled(&self) -> bool {
        true
    }
}

/// Equal JSON, numbers within a relative 1e-12 (the text form of a float may not parse back to
/// the very same bits).
fn close(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| close(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

/// `value` written as JSON, read back and written again gives the same JSON.
fn round_trips<T: Serialize + DeserializeOwned>(value: &T) {
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_value(value).unwrap();
    let again = serde_json::to_value(&back).unwrap();
    assert!(
        close(&json, &again),
        "{} changed",
        std::any::type_name::<T>()
    );
}

#[test]
fn requests_read_back_what_they_write() {
    let mut stats = ops::stats::StatsRequest::new(ops::stats::Statistic::Lisa, "lsoa11", "imd");
    stats.weights = WeightsKind::Knn(6);
    round_trips(&stats);
    round_trips(&ops::classify::ClassifyRequest {
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: None,
        options: ClassifyOptions {
            method: Method::Manual,
            manual_breaks: vec![10.0, 20.0],
            ..Default::default()
        },
    });
    round_trips(&ops::weights::WeightsRequest {
        geography: "lsoa11".into(),
        kind: WeightsKind::Band(1600.0),
        out: Some("w.gal".into()),
    });
    round_trips(&ops::export::ExportRequest {
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: Some("2019".into()),
        out: "out.csv".into(),
        csv_raw: false,
        disclosure_off: None,
    });
    round_trips(&ops::aggregate::AggregateRequest {
        indicator: "imd_score".into(),
        from: "lsoa11".into(),
        to: "ward17".into(),
        weight: Some("population".into()),
    });
    round_trips(&ops::deprivation::DeprivationRequest {
        score: "imd_score".into(),
        rank: None,
        population: "areas".into(),
        from: "lsoa11".into(),
        to: "lad19".into(),
        period: None,
        of: 32844.0,
        save: false,
    });
    round_trips(&ops::site::SiteRequest {
        geography: "lsoa11".into(),
        demand: "areas".into(),
        period: None,
        deprived: Some("imd_rank:30".parse().unwrap()),
        demand_points: None,
        existing: Some("clinics:id".parse().unwrap()),
        candidates: "centroids".parse().unwrap(),
        reach_m: 1600.0,
        matrix: None,
        model: Model::Mclp { p: 3 },
        heuristic: false,
        work_limit: 1000,
        capacity: None,
        capacity_field: None,
        save: None,
        out: Some("sites.geojson".into()),
        csv_raw: false,
    });
    let spec = ops::index::parse_spec(
        "s.toml",
        "name = \"s\"\ngeography = \"lsoa11\"\n[[domain]]\nindicator = \"a\"\nweight = 1.0\n",
    )
    .unwrap();
    round_trips(&ops::index::IndexRequest {
        spec,
        save: Some("s".into()),
    });
    round_trips(&SeriesRequest {
        indicator: "imd_score".into(),
        geography: "lsoa11".into(),
        codes: vec!["E01".into()],
        periods: Periods::One(Some("2019".into())),
    });
}

#[test]
fn responses_read_back_and_cancelled_operations_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::cli_sample(dir.path());
    let ws = Workspace::open(&path).unwrap();
    let classify = ops::classify::ClassifyRequest {
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: None,
        options: ClassifyOptions::default(),
    };
    round_trips(&ops::classify::run(&ws, &classify, &Silent).unwrap());
    let weights = ops::weights::WeightsRequest {
        geography: "lsoa11".into(),
        kind: WeightsKind::Queen,
        out: Some(dir.path().join("w.gal")),
    };
    let w = ops::weights::run(&ws, &weights, &Silent).unwrap();
    round_trips(&w);
    assert!(dir.path().join("w.gal").is_file());

    // The latest period alone is the last of the time series.
    let codes: Vec<String> = ops::classify::run(&ws, &classify, &Silent)
        .unwrap()
        .classes
        .iter()
        .take(5)
        .map(|c| c.code.clone())
        .collect();
    let mut series = SeriesRequest {
        indicator: "imd_score".into(),
        geography: "lsoa11".into(),
        codes: codes.clone(),
        periods: Periods::All,
    };
    let all = ops::series::run(&ws, &series, &Silent).unwrap();
    series.periods = Periods::One(None);
    let one = ops::series::run(&ws, &series, &Silent).unwrap();
    assert_eq!(one.periods.len(), 1);
    assert_eq!(all.periods.last(), one.periods.first());
    assert!(one.periods[0].values.iter().all(Option::is_some));
    round_trips(&one);

    // An output the operation cannot write is told apart by variant, with the usual text.
    let txt = ops::export::ExportRequest {
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: None,
        out: dir.path().join("imd.txt"),
        csv_raw: false,
        disclosure_off: None,
    };
    let e = ops::export::run(&ws, &txt, &Silent).unwrap_err();
    assert!(matches!(e, Error::OutputFormat { .. }), "{e}");
    assert!(
        e.to_string()
            .ends_with("imd.txt: choose a .csv or .geojson output file"),
        "{e}"
    );
    let unknown = ops::classify::ClassifyRequest {
        indicator: "nope".into(),
        ..classify.clone()
    };
    let e = ops::classify::run(&ws, &unknown, &Silent).unwrap_err();
    assert!(
        matches!(&e, Error::UnknownIndicator { code } if code == "nope"),
        "{e}"
    );

    // Cancelled: no file, no change to the workspace.
    let before = common::sha256(&path);
    let export = ops::export::ExportRequest {
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: None,
        out: dir.path().join("cancelled.csv"),
        csv_raw: false,
        disclosure_off: None,
    };
    assert!(matches!(
        ops::export::run(&ws, &export, &Stop),
        Err(Error::Cancelled)
    ));
    assert!(!export.out.exists());
    let weights = ops::weights::WeightsRequest {
        out: Some(dir.path().join("cancelled.gal")),
        ..weights
    };
    assert!(matches!(
        ops::weights::run(&ws, &weights, &Stop),
        Err(Error::Cancelled)
    ));
    assert!(!dir.path().join("cancelled.gal").exists());
    assert!(matches!(
        ops::series::run(&ws, &series, &Stop),
        Err(Error::Cancelled)
    ));
    drop(ws);
    assert_eq!(common::sha256(&path), before);
}
