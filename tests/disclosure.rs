//! Disclosure control on every output, on the sample project: small counts of a protected
//! indicator by ward (generated with a fixed seed), their district totals made by `aggregate`,
//! and what `export-data`, `area` and the app show of them.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A small linear congruential generator: the same counts on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// The first ward (by code), whose counts are set by hand: 3 admissions, 3 small counts.
const SMALL_WARD: usize = 0;

/// The sample project with, by ward for 2023:
/// - `admissions`: a count (unit "count"), rule `suppress_1_7_round_5`;
/// - `admission_rate`: per 1,000 with numerator (the admissions), denominator and limits,
///   rule `suppress_1_5`;
/// - `small_count`: a count, rule `suppress_1_5`, with a 0, a missing value and a 3;
///
/// and the admissions' district totals (`aggregate` through a ward → district lookup).
struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    ws: PathBuf,
    /// ward → district
    district_of: BTreeMap<String, String>,
    /// ward → true admissions
    admissions: BTreeMap<String, u64>,
    wards: Vec<String>,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let ws = common::cli_sample(&dir);
    // Ward → district from the sample's LSOA lookup (each ward's district: its LSOAs').
    let mut district_of = BTreeMap::new();
    let mut lookup =
        csv::Reader::from_path(common::seeds().join("gm_lsoa2011_to_ward2017_bestfit.csv"))
            .unwrap();
    for r in lookup.records() {
        let r = r.unwrap();
        district_of.insert(r[1].to_string(), r[3].to_string());
    }
    let wards: Vec<String> = district_of.keys().cloned().collect();
    let mut rng = Lcg(20261202);
    let mut admissions = BTreeMap::new();
    let mut rows =
        String::from("code,indicator,period,value,numerator,denominator,lower_ci,upper_ci\n");
    for (i, w) in wards.iter().enumerate() {
        // About one ward in twelve has 1–7 admissions, one in 24 none.
        let count = match (i, rng.next(24)) {
            (SMALL_WARD, _) => 3,
            (_, 0) => 0,
            (_, 1 | 2) => 1 + rng.next(7),
            _ => 8 + rng.next(60),
        };
        admissions.insert(w.clone(), count);
        rows.push_str(&format!("{w},admissions,2023,{count},,,,\n"));
        let pop = 2000 + rng.next(8000);
        let rate = count as f64 / pop as f64 * 1000.0;
        let half = 1.96 * (count.max(1) as f64).sqrt() / pop as f64 * 1000.0;
        rows.push_str(&format!(
            "{w},admission_rate,2023,{rate:.3},{count},{pop},{:.3},{:.3}\n",
            (rate - half).max(0.0),
            rate + half
        ));
        let small = match i {
            SMALL_WARD => "3".to_string(),
            1 => "0".to_string(),
            2 => String::new(),
            _ => (20 + rng.next(50)).to_string(),
        };
        rows.push_str(&format!("{w},small_count,2023,{small},,,,\n"));
    }
    let data = common::write(&dir, "wards.csv", rows);
    let meta = common::write(
        &dir,
        "meta.csv",
        "code,title,theme,unit,decimals,disclosure\n\
         admissions,Emergency admissions,Health,count,0,suppress_1_7_round_5\n\
         admission_rate,Emergency admission rate,Health,per 1000,1,suppress_1_5\n\
         small_count,Small count,Health,count,0,suppress_1_5\n",
    );
    let w = ws.display().to_string();
    common::cli_ok(&[
        "import",
        "indicators",
        &w,
        &data.display().to_string(),
        "--geography",
        "ward17",
        "--metadata",
        &meta.display().to_string(),
        "--json",
    ]);
    let mut lk = String::from("wd17cd,lad17cd\n");
    for (ward, lad) in &district_of {
        lk.push_str(&format!("{ward},{lad}\n"));
    }
    let lk = common::write(&dir, "ward_lad.csv", lk);
    common::cli_ok(&[
        "import",
        "lookup",
        &w,
        &lk.display().to_string(),
        "--from",
        "ward17",
        "--to",
        "lad16",
        "--from-field",
        "wd17cd",
        "--to-field",
        "lad17cd",
        "--json",
    ]);
    common::cli_ok(&[
        "aggregate",
        &w,
        "--indicator",
        "admissions",
        "--from",
        "ward17",
        "--to",
        "lad16",
        "--json",
    ]);
    Fixture {
        _dir: tmp,
        dir,
        ws,
        district_of,
        admissions,
        wards,
    }
}

/// `export-data` to CSV (extra arguments appended); the rows by area code.
fn export(
    f: &Fixture,
    geography: &str,
    indicator: &str,
    name: &str,
    extra: &[&str],
) -> (serde_json::Value, Vec<HashMap<String, String>>) {
    let out = f.dir.join(name);
    let mut args = vec![
        "export-data".to_string(),
        f.ws.display().to_string(),
        "--geography".into(),
        geography.into(),
        "--indicator".into(),
        indicator.into(),
        "--out".into(),
        out.display().to_string(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = common::cli_ok(&args);
    (report, common::csv_rows(&out))
}

fn by_code(rows: &[HashMap<String, String>]) -> HashMap<String, HashMap<String, String>> {
    rows.iter()
        .map(|r| (r["area_code"].clone(), r.clone()))
        .collect()
}

#[test]
fn secondary_suppression_leaves_no_suppressed_ward_recoverable_from_its_district() {
    let f = fixture();
    let (report, wards) = export(&f, "ward17", "admissions", "wards.csv", &[]);
    let (_, districts) = export(&f, "lad16", "admissions", "lads.csv", &[]);
    assert!(report["secondary"].as_u64().unwrap() > 0, "{report}");
    let wards = by_code(&wards);
    let districts = by_code(&districts);
    let mut with_suppressed = 0;
    for (lad, d) in &districts {
        let members: Vec<&String> = f
            .wards
            .iter()
            .filter(|w| &f.district_of[*w] == lad)
            .collect();
        let suppressed: Vec<&String> = members
            .iter()
            .copied()
            .filter(|w| wards[*w]["status"] == "suppressed")
            .collect();
        if suppressed.is_empty() {
            continue;
        }
        with_suppressed += 1;
        if d["status"] == "suppressed" {
            continue;
        }
        // District total − Σ shown wards is the sum of the suppressed ones: never one ward's
        // count, and never itself a small count.
        assert!(
            suppressed.len() >= 2,
            "{lad}: only {:?} suppressed, recoverable from the total",
            suppressed
        );
        let hidden: u64 = suppressed.iter().map(|w| f.admissions[*w]).sum();
        assert!(hidden > 7, "{lad}: the suppressed wards add up to {hidden}");
        let true_total: u64 = members.iter().map(|w| f.admissions[*w]).sum();
        let shown: f64 = members
            .iter()
            .filter(|w| wards[**w]["status"] == "ok")
            .map(|w| wards[*w]["value"].parse::<f64>().unwrap())
            .sum();
        let shown_total: f64 = d["value"].parse().unwrap();
        assert_eq!(shown_total, (true_total as f64 / 5.0).round() * 5.0);
        // What subtraction gives is the sum of two or more withheld wards (more than 7),
        // not any one of them: the published figures differ from it by rounding only.
        assert!(((shown_total - shown) - hidden as f64).abs() <= 2.5 * (members.len() + 1) as f64);
        let secondary = suppressed
            .iter()
            .filter(|w| wards[**w]["suppression"] == "secondary")
            .count();
        if suppressed.len() - secondary == 1 {
            assert!(secondary >= 1, "{lad}: a lone primary needs a partner");
        }
    }
    assert!(
        with_suppressed >= 5,
        "the test needs districts with suppressed wards"
    );
    // The complementary cells are marked as such.
    assert!(wards.values().any(|w| w["suppression"] == "secondary"));
    assert!(wards.values().any(|w| w["suppression"] == "primary"));
}

#[test]
fn a_sensitive_count_export_holds_no_count_from_1_to_7_and_only_multiples_of_5() {
    let f = fixture();
    for geography in ["ward17", "lad16"] {
        let (report, rows) = export(&f, geography, "admissions", "a.csv", &[]);
        assert_eq!(report["disclosure"], "suppress_1_7_round_5");
        for r in &rows {
            for column in ["value", "numerator", "lower_ci", "upper_ci"] {
                let Ok(x) = r[column].parse::<f64>() else {
                    assert_eq!(r[column], "", "{r:?}");
                    continue;
                };
                assert!(!(x > 0.0 && x <= 7.0), "{geography}: {column} {x} in {r:?}");
                assert_eq!(x % 5.0, 0.0, "{geography}: {column} {x} is not rounded");
            }
        }
    }
    // The example of the issue, through the whole path: 0 stays 0, 1–7 suppressed, 8 → 10.
    let (_, rows) = export(&f, "ward17", "admissions", "b.csv", &[]);
    let rows = by_code(&rows);
    for (w, count) in &f.admissions {
        let r = &rows[w];
        match count {
            0 => assert_eq!((r["value"].as_str(), r["status"].as_str()), ("0", "ok")),
            1..=7 => assert_eq!(
                (r["value"].as_str(), r["status"].as_str()),
                ("", "suppressed")
            ),
            _ if r["status"] == "ok" => {
                assert_eq!(
                    r["value"].parse::<f64>().unwrap(),
                    (*count as f64 / 5.0).round() * 5.0
                )
            }
            _ => assert_eq!(r["suppression"], "secondary", "{r:?}"),
        }
    }
}

#[test]
fn a_rate_whose_numerator_is_suppressed_has_no_value_numerator_or_limits() {
    let f = fixture();
    let (_, rows) = export(&f, "ward17", "admission_rate", "rate.csv", &[]);
    let rows = by_code(&rows);
    let small = &rows[&f.wards[SMALL_WARD]];
    assert_eq!(small["status"], "suppressed");
    assert_eq!(small["suppression"], "primary");
    for column in ["value", "numerator", "lower_ci", "upper_ci"] {
        assert_eq!(small[column], "", "{column}");
    }
    assert!(small["denominator"].parse::<f64>().unwrap() >= 2000.0);
    // Every rate of a count 1–5 is withheld; counts above 5 keep their rate (suppress_1_5
    // does not round).
    for (w, count) in &f.admissions {
        let r = &rows[w];
        if (1..=5).contains(count) {
            assert_eq!(r["status"], "suppressed");
        }
        if r["status"] == "ok" {
            assert_eq!(r["numerator"], count.to_string());
        }
    }
}

#[test]
fn zero_missing_and_suppressed_are_three_statuses() {
    let f = fixture();
    let (_, rows) = export(&f, "ward17", "small_count", "small.csv", &[]);
    let rows = by_code(&rows);
    let get = |i: usize| {
        let r = &rows[&f.wards[i]];
        (r["value"].clone(), r["status"].clone())
    };
    assert_eq!(get(1), ("0".into(), "ok".into()));
    assert_eq!(get(2), ("".into(), "missing".into()));
    assert_eq!(get(SMALL_WARD), ("".into(), "suppressed".into()));
}

#[test]
fn disclosure_off_needs_a_reason_writes_the_stored_values_and_is_logged() {
    let f = fixture();
    let w = f.ws.display().to_string();
    let out = f.dir.join("raw.csv");
    let o = out.display().to_string();
    let base = [
        "export-data",
        &w,
        "--geography",
        "ward17",
        "--indicator",
        "admissions",
        "--out",
        &o,
    ];
    let refused = common::cli(&[&base[..], &["--disclosure", "off"]].concat());
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--reason"), "{err}");
    assert!(!out.exists());
    let blank = common::cli(&[&base[..], &["--disclosure", "off", "--reason", "  "]].concat());
    assert!(!blank.status.success());

    let ws = local_atlas::data::Workspace::open(&f.ws).unwrap();
    let before = local_atlas::data::query::values(&ws, "admissions", "ward17", "2023").unwrap();
    drop(ws);
    let reason = "Public health team's linked analysis, DPIA 2023-07";
    let out_ok = common::cli(&[&base[..], &["--disclosure", "off", "--reason", reason]].concat());
    assert!(
        out_ok.status.success(),
        "{}",
        String::from_utf8_lossy(&out_ok.stderr)
    );
    let rows = by_code(&common::csv_rows(&out));
    assert_eq!(rows[&f.wards[SMALL_WARD]]["value"], "3");
    assert_eq!(rows[&f.wards[SMALL_WARD]]["status"], "ok");
    assert!(!rows.values().next().unwrap().contains_key("suppression"));
    let ws = local_atlas::data::Workspace::open(&f.ws).unwrap();
    let log = local_atlas::ops::disclosure::log_entries(&ws).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].command.as_str(),
            log[0].indicators.as_str(),
            log[0].reason.as_str()
        ),
        ("export-data", "admissions", reason)
    );
    assert_eq!(log[0].output, o);
    let after = local_atlas::data::query::values(&ws, "admissions", "ward17", "2023").unwrap();
    assert_eq!(before, after, "the log write changed no value");
}

#[test]
fn the_area_command_shows_suppressed_for_a_protected_small_count() {
    let f = fixture();
    let w = f.ws.display().to_string();
    let ward = &f.wards[SMALL_WARD];
    let card = common::cli_ok(&["area", &w, ward, "--json"]);
    let values = card["area"]["code"]
        .as_str()
        .map(|_| &card["values"])
        .unwrap();
    let admissions = values
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == "admissions")
        .unwrap();
    assert_eq!(admissions["shown"], "suppressed");
    assert_eq!(admissions["status"], "suppressed");
    assert_eq!(admissions["suppression"], "primary");
    assert!(admissions["value"].is_null());
    let rate = values
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == "admission_rate")
        .unwrap();
    assert_eq!(rate["shown"], "suppressed");
    assert!(rate.get("numerator").is_none() && rate.get("lower_ci").is_none());
    let text = common::cli(&["area", &w, ward]);
    let text = String::from_utf8_lossy(&text.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("Emergency admissions"))
        .unwrap();
    assert!(line.trim_end().ends_with("suppressed"), "{text}");
    assert!(!text.contains("3 count"), "{text}");
    // The district card shows the district's rounded total.
    let lad = &f.district_of[ward];
    let card = common::cli_ok(&["area", &w, lad, "--json"]);
    let total = card["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == "admissions")
        .unwrap();
    if total["status"] == "ok" {
        assert_eq!(total["value"].as_f64().unwrap() % 5.0, 0.0);
    }
}

#[cfg(feature = "gui")]
mod app {
    use super::*;
    use egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT, Queryable};
    use local_atlas::ui::AtlasApp;

    fn settle(h: &mut Harness<'_, AtlasApp>) {
        for _ in 0..12 {
            h.step();
        }
    }

    fn labels(h: &Harness<'_, AtlasApp>) -> Vec<String> {
        // A label's text is its accessible value; a heading's or a button's, its label.
        h.query_all_by(|n| n.label().is_some() || n.value().is_some())
            .filter_map(|n| {
                let n = n.accesskit_node();
                n.label().or_else(|| n.value())
            })
            .collect()
    }

    #[test]
    fn the_app_area_card_shows_suppressed_not_the_small_count() {
        let f = fixture();
        let path = f.ws.clone();
        let mut h = Harness::builder()
            .with_size(egui::vec2(1600.0, 1000.0))
            .build_eframe(move |_cc| AtlasApp::open(&path).expect("open the workspace"));
        settle(&mut h);
        let ward = f.wards[SMALL_WARD].clone();
        h.get_by_role_and_label(Role::TextInput, "Search")
            .set_text_value_accesskit(&ward);
        settle(&mut h);
        h.get_by_label_contains(&format!("({ward})")).click();
        settle(&mut h);
        let all = labels(&h);
        assert!(
            all.iter()
                .any(|l| l.starts_with("Area: ") && l.contains(&ward)),
            "the ward's card is open: {all:?}"
        );
        let at = all
            .iter()
            .position(|l| l == "Emergency admissions")
            .unwrap_or_else(|| panic!("the card lists the admissions: {all:?}"));
        // Title, period, shown value (each text may appear twice in the tree: the widget and
        // its text): the value reads "suppressed".
        let row = &all[at..(at + 6).min(all.len())];
        assert!(row.iter().any(|l| l == "suppressed"), "{row:?}");
        assert!(!all.iter().any(|l| l == "3 count"), "{all:?}");
    }
}

#[test]
fn maps_charts_and_classify_see_only_the_published_values() {
    use local_atlas::ops;
    use local_atlas::render::spec::{LayerSpec, MapSpec};
    use local_atlas::render::symbology::AreaValue;
    let f = fixture();
    let ws = ops::Workspace::open(&f.ws).unwrap();
    let spec = MapSpec {
        layers: vec![LayerSpec::Choropleth {
            geography: "ward17".into(),
            indicator: "admissions".into(),
            period: None,
            classification: Default::default(),
            palette: Default::default(),
        }],
        ..MapSpec::default()
    };
    // The map (its colours, legend and the hover card's rows).
    let ex = ops::map::explore::explore(&ws, &spec).unwrap();
    let small = ex
        .rows
        .iter()
        .find(|r| r.code == f.wards[SMALL_WARD])
        .unwrap();
    assert_eq!(small.value, AreaValue::Suppressed);
    assert_eq!(small.class, None);
    for r in &ex.rows {
        if let AreaValue::Value(v) = r.value {
            assert!(v == 0.0 || (v >= 10.0 && v % 5.0 == 0.0), "{r:?}");
        }
    }
    // The linked charts' series.
    let series = ops::series::run(
        &ws,
        &ops::series::SeriesRequest {
            indicator: "admissions".into(),
            geography: "ward17".into(),
            codes: f.wards.clone(),
            periods: ops::series::Periods::All,
        },
        &ops::Silent,
    )
    .unwrap();
    assert_eq!(series.periods[0].values[SMALL_WARD], None);
    // classify: breaks of the published values.
    let c = ops::classify::run(
        &ws,
        &ops::classify::ClassifyRequest {
            geography: "ward17".into(),
            indicator: "admissions".into(),
            period: None,
            options: Default::default(),
        },
        &ops::Silent,
    )
    .unwrap();
    let class_of_small = c
        .classes
        .iter()
        .find(|a| a.code == f.wards[SMALL_WARD])
        .unwrap();
    assert_eq!(class_of_small.class, None);
    assert!(
        c.breaks.iter().all(|b| *b == 0.0 || *b >= 10.0),
        "{:?}",
        c.breaks
    );
}

/// `stats … --save` of a protected count: the saved z-scores and lags (from which a count
/// could be worked back) keep the rule and are never exported as numbers; the cluster codes
/// are shown.
#[test]
fn saved_statistics_of_a_protected_count_do_not_give_it_away() {
    let f = fixture();
    let w = f.ws.display().to_string();
    common::cli_ok(&[
        "stats",
        &w,
        "moran",
        "--geography",
        "ward17",
        "--indicator",
        "admissions",
        "--permutations",
        "99",
        "--save",
        "--json",
    ]);
    common::cli_ok(&[
        "stats",
        &w,
        "lisa",
        "--geography",
        "ward17",
        "--indicator",
        "admissions",
        "--permutations",
        "99",
        "--save",
        "--json",
    ]);
    for code in ["admissions_std", "admissions_std_lag"] {
        let (_, rows) = export(&f, "ward17", code, &format!("{code}.csv"), &[]);
        assert_eq!(rows.len(), f.wards.len());
        assert!(
            rows.iter()
                .all(|r| r["status"] == "suppressed" && r["value"].is_empty()),
            "{code} exported a number"
        );
    }
    let (_, rows) = export(&f, "ward17", "admissions_lisa_cluster", "clusters.csv", &[]);
    assert!(
        rows.iter().any(|r| r["status"] == "ok"),
        "cluster codes are shown"
    );
}
