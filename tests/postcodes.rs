//! Postcode lookups: the real NSPL (WN area, November 2021) and an ONSPD extract (Trafford,
//! longitude/latitude only), OS Code-Point Open without a header row, a newer release
//! replacing an older one, and bad files refused with every problem named and the workspace
//! byte-identical.

mod common;

use std::path::Path;

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn every_nspl_postcode_geocodes_to_its_grid_reference_in_any_spelling() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let file = data.join("postcodes/nspl_nov2021_WN_area_gm_only.csv");
    let (_dir, path, _ws) = common::new_workspace();
    let r = common::cli_ok(&[
        "import",
        "postcodes",
        &s(&path),
        &s(&file),
        "--release",
        "NSPL November 2021",
        "--json",
    ]);
    assert_eq!(r["format"], "nspl");
    assert_eq!(r["postcodes"], 7597);
    assert_eq!(r["terminated"], 1646);
    assert_eq!(r["live"], 7597 - 1646);
    assert!(r["replaced"].is_null());
    let ws = local_atlas::ops::Workspace::open(&path).unwrap();
    let rows = common::csv_rows(&file);
    assert_eq!(rows.len(), 7597);
    let mut checked = 0;
    for row in &rows {
        // The three published spellings and a lower-case one are one postcode.
        for spelling in [
            &row["pcd"],
            &row["pcd2"],
            &row["pcds"],
            &row["pcds"].to_lowercase(),
        ] {
            let found = local_atlas::ops::postcodes::lookup(&ws, spelling)
                .unwrap()
                .unwrap_or_else(|| panic!("{spelling} not found"));
            assert_eq!(found.postcode, row["pcds"]);
            let doterm = row["doterm"].trim();
            assert_eq!(
                found.terminated.as_deref(),
                (!doterm.is_empty()).then_some(doterm)
            );
            assert_eq!(found.lsoa.as_deref(), Some(row["lsoa11"].as_str()));
            assert_eq!(found.ward.as_deref(), Some(row["ward"].as_str()));
            match row["oseast1m"].trim().parse::<f64>() {
                Ok(e) => {
                    let n: f64 = row["osnrth1m"].trim().parse().unwrap();
                    assert_eq!(found.easting, Some(e), "{spelling}");
                    assert_eq!(found.northing, Some(n), "{spelling}");
                    checked += 1;
                }
                Err(_) => assert_eq!(found.easting, None),
            }
        }
    }
    assert!(
        checked > 4 * 7000,
        "{checked} spellings checked against oseast1m/osnrth1m"
    );
    assert!(
        local_atlas::ops::postcodes::lookup(&ws, "ZZ9 9ZZ")
            .unwrap()
            .is_none()
    );
    let info = common::cli_ok(&["info", &s(&path), "--json"]);
    assert_eq!(info["postcodes"]["release"], "NSPL November 2021");
    assert_eq!(info["postcodes"]["postcodes"], 7597);
}

#[test]
fn an_onspd_extract_with_longitude_and_latitude_is_projected_to_the_grid() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let file = data.join("postcodes/trafford_postcodes_onspd_2021-08.csv");
    let (_dir, path, _ws) = common::new_workspace();
    let r = common::cli_ok(&["import", "postcodes", &s(&path), &s(&file), "--json"]);
    assert_eq!(r["format"], "onspd");
    assert_eq!(r["postcodes"], 11081);
    assert_eq!(r["terminated"], 0);
    let ws = local_atlas::ops::Workspace::open(&path).unwrap();
    // Each stored grid reference is the file's longitude/latitude projected to EPSG:27700 (the
    // transform checked against PROJ in data::crs).
    let mut r = csv::Reader::from_path(&file).unwrap();
    let headers = r.headers().unwrap().clone();
    let at = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (pc, lon, lat) = (at("postcode"), at("lon"), at("lat"));
    let t = local_atlas::data::crs::Transformer::new(
        local_atlas::data::crs::Crs::Wgs84,
        local_atlas::data::crs::Crs::Bng,
    )
    .unwrap();
    for rec in r.records().take(200) {
        let rec = rec.unwrap();
        let found = local_atlas::ops::postcodes::lookup(&ws, &rec[pc])
            .unwrap()
            .unwrap();
        let (e, n) = t
            .point(rec[lon].parse().unwrap(), rec[lat].parse().unwrap())
            .unwrap();
        assert!((found.easting.unwrap() - e).abs() < 0.01);
        assert!((found.northing.unwrap() - n).abs() < 0.01);
        // Trafford lies between these grid lines.
        assert!((370_000.0..390_000.0).contains(&e) && (385_000.0..400_000.0).contains(&n));
        assert_eq!(found.district.as_deref(), Some("E08000009"));
    }
}

const CODEPOINT: &str = "\"WN1 1AA\",10,357780,405940,\"E92000001\",\"E19000001\",\"E18000002\",\"\",\"E08000010\",\"E05000848\"\n\
\"WN11AB\",10,357700,405800,\"E92000001\",\"E19000001\",\"E18000002\",\"\",\"E08000010\",\"E05000848\"\n\
\"M1 1AE\",20,384200,398200,\"E92000001\",\"E19000001\",\"E18000002\",\"\",\"E08000003\",\"E05000700\"\n";

#[test]
fn code_point_open_without_a_header_row_replaces_the_previous_release() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&path).unwrap();
    let first = common::write(dir.path(), "first.csv", CODEPOINT);
    let r = common::cli_ok(&["import", "postcodes", &s(&path), &s(&first), "--json"]);
    assert_eq!(r["format"], "codepoint");
    assert_eq!(r["postcodes"], 3);
    let ws = local_atlas::ops::Workspace::open(&path).unwrap();
    let m1 = local_atlas::ops::postcodes::lookup(&ws, "m11ae")
        .unwrap()
        .unwrap();
    assert_eq!(
        (m1.easting, m1.northing, m1.quality),
        (Some(384200.0), Some(398200.0), Some(20))
    );
    assert_eq!(m1.district.as_deref(), Some("E08000003"));
    drop(ws);
    // A newer release: only its postcodes remain, and the report names the one replaced.
    let newer = common::write(dir.path(), "newer.csv", CODEPOINT.lines().nth(2).unwrap());
    let r = common::cli_ok(&[
        "import",
        "postcodes",
        &s(&path),
        &s(&newer),
        "--release",
        "2024-02",
        "--json",
    ]);
    assert_eq!(r["replaced"], "first.csv");
    assert_eq!(r["replaced_postcodes"], 3);
    assert_eq!(r["postcodes"], 1);
    let ws = local_atlas::ops::Workspace::open(&path).unwrap();
    assert!(
        local_atlas::ops::postcodes::lookup(&ws, "WN1 1AA")
            .unwrap()
            .is_none()
    );
    assert!(
        local_atlas::ops::postcodes::lookup(&ws, "M1 1AE")
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_bad_postcode_file_names_every_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&path).unwrap();
    let good = common::write(dir.path(), "good.csv", CODEPOINT);
    common::cli_ok(&["import", "postcodes", &s(&path), &s(&good), "--json"]);
    let before = common::sha256(&path);
    let bad = common::write(
        dir.path(),
        "bad.csv",
        "pcds,oseast1m,osnrth1m,osgrdind,doterm\n\
         WN1 1AA,357780,405940,1,\n\
         NOT A POSTCODE,357700,405800,1,\n\
         WN1 1AB,east,405800,1,\n\
         WN1 1AA,357780,405940,1,\n\
         WN1 1AD,9357780,405940,1,\n",
    );
    let out = common::cli(&["import", "postcodes", &s(&path), &s(&bad)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: 'NOT A POSTCODE' is not a postcode"),
        "{err}"
    );
    assert!(err.contains("line 4: 'east' is not a number"), "{err}");
    assert!(
        err.contains("line 5: postcode WN1 1AA is given twice"),
        "{err}"
    );
    assert!(err.contains("is not in Great Britain"), "{err}");
    assert_eq!(common::sha256(&path), before, "the old release is kept");
    // No postcode column; no location columns.
    let none = common::write(dir.path(), "none.csv", "code,x\nA,1\n");
    let out = common::cli(&["import", "postcodes", &s(&path), &s(&none)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no postcode column"));
    let nowhere = common::write(dir.path(), "nowhere.csv", "pcds,ward\nWN1 1AA,E05000848\n");
    let out = common::cli(&["import", "postcodes", &s(&path), &s(&nowhere)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no location columns"));
    // --check: the report, nothing written.
    let r = common::cli_ok(&[
        "import",
        "postcodes",
        &s(&path),
        &s(&good),
        "--check",
        "--json",
    ]);
    assert_eq!(r["check"], true);
    assert_eq!(common::sha256(&path), before);
}

#[test]
fn find_takes_a_postcode_to_the_lsoa_it_lies_in() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = common::cli_sample(dir.path());
    let file = data.join("postcodes/nspl_nov2021_WN_area_gm_only.csv");
    common::cli_ok(&["import", "postcodes", &s(&ws), &s(&file), "--json"]);
    // WN1 1AA lies in LSOA E01006369 (the NSPL's lsoa11), a Wigan LSOA of the sample.
    let r = common::cli_ok(&["find", &s(&ws), "wn11aa", "--json"]);
    let first = &r["results"][0];
    assert_eq!(first["kind"], "postcode", "{r}");
    assert_eq!(first["name"], "WN1 1AA");
    assert_eq!(first["geography"], "lsoa11");
    assert_eq!(first["code"], "E01006369");
}

/// Great-circle distance in metres (haversine; plenty for "within 100 m").
fn metres(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * a.sqrt().asin()
}

#[test]
fn gp_practices_geocoded_by_postcode_agree_with_their_published_locations() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&ws).unwrap();
    let lookup = data.join("postcodes/trafford_postcodes_onspd_2021-08.csv");
    common::cli_ok(&["import", "postcodes", &s(&ws), &s(&lookup), "--json"]);
    let gps = data.join("services/gm_general_practices_cqc_2018-10.csv");
    let out = dir.path().join("gps_geocoded.csv");
    let r = common::cli_ok(&[
        "geocode",
        &s(&ws),
        &s(&gps),
        "--postcode-field",
        "postcode",
        "--out",
        &s(&out),
        "--json",
    ]);
    assert_eq!(r["rows"], 596);
    // The lookup is Trafford's: its practices are found, the rest of GM is "unknown".
    let live = r["live"].as_u64().unwrap() as usize;
    assert!(live >= 30, "{r}");
    assert_eq!(r["unknown"].as_u64().unwrap() as usize + live, 596, "{r}");
    assert_eq!(r["unknown_examples"][0], "line 2: 'M11 1DA'");
    let mut rd = csv::Reader::from_path(&out).unwrap();
    let h = rd.headers().unwrap().clone();
    let at = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let mut distances = Vec::new();
    for rec in rd.records() {
        let rec = rec.unwrap();
        if &rec[at("postcode_status")] != "live" {
            assert_eq!(&rec[at("easting")], "");
            continue;
        }
        assert_eq!(&rec[at("lsoa11")][..3], "E01");
        let d = metres(
            rec[at("lon")].parse().unwrap(),
            rec[at("lat")].parse().unwrap(),
            rec[at("longitude")].parse().unwrap(),
            rec[at("latitude")].parse().unwrap(),
        );
        distances.push(d);
    }
    distances.sort_by(f64::total_cmp);
    let within = distances.iter().filter(|d| **d <= 100.0).count();
    eprintln!(
        "geocoded GP practices vs their published lon/lat: n = {}, median {:.1} m, max {:.1} m, {within} within 100 m",
        distances.len(),
        distances[distances.len() / 2],
        distances.last().unwrap()
    );
    assert!(within * 10 >= distances.len() * 9, "{distances:?}");
    // Negative longitudes are numbers, not formulas: written as read.
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains(",-2.394066,")
    );
}

#[test]
fn terminated_unknown_and_invalid_postcodes_are_flagged_and_counted() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&ws).unwrap();
    let nspl = data.join("postcodes/nspl_nov2021_WN_area_gm_only.csv");
    common::cli_ok(&["import", "postcodes", &s(&ws), &s(&nspl), "--json"]);
    let rows = common::csv_rows(&nspl);
    let terminated = rows
        .iter()
        .find(|r| !r["doterm"].is_empty() && !r["oseast1m"].is_empty())
        .unwrap();
    let partner = common::write(
        dir.path(),
        "clients.csv",
        format!(
            "id,pc\n1,wn1 1aa\n2,{}\n3,ZZ9 9ZZ\n4,not a postcode\n5,\n",
            terminated["pcds"]
        ),
    );
    let out = dir.path().join("clients_geocoded.csv");
    let r = common::cli_ok(&[
        "geocode",
        &s(&ws),
        &s(&partner),
        "--postcode-field",
        "pc",
        "--out",
        &s(&out),
        "--json",
    ]);
    assert_eq!(
        (r["live"].as_u64(), r["terminated"].as_u64()),
        (Some(1), Some(1)),
        "{r}"
    );
    assert_eq!(
        (r["unknown"].as_u64(), r["invalid"].as_u64()),
        (Some(1), Some(2)),
        "{r}"
    );
    assert_eq!(r["unknown_examples"][0], "line 4: 'ZZ9 9ZZ'");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[2].ends_with(",terminated"), "{}", lines[2]);
    assert!(
        lines[2].contains(terminated["oseast1m"].trim_start_matches('0')),
        "last location: {}",
        lines[2]
    );
    assert!(
        lines[1].ends_with(",live") && lines[1].contains(",E01006369,"),
        "{}",
        lines[1]
    );
    // Without a lookup, geocode says what to import first.
    let empty = dir.path().join("empty.gpkg");
    local_atlas::ops::Workspace::create(&empty).unwrap();
    let o = common::cli(&[
        "geocode",
        &s(&empty),
        &s(&partner),
        "--postcode-field",
        "pc",
        "--out",
        &s(&out),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("import postcodes"));
    let o = common::cli(&[
        "geocode",
        &s(&ws),
        &s(&partner),
        "--postcode-field",
        "postcode",
        "--out",
        &s(&out),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no column 'postcode'"));
}

#[test]
fn pharmacies_with_postcodes_only_become_a_point_layer() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&ws).unwrap();
    let lookup = data.join("postcodes/trafford_postcodes_onspd_2021-08.csv");
    common::cli_ok(&["import", "postcodes", &s(&ws), &s(&lookup), "--json"]);
    let pharmacies = data.join("services/gm_pharmacies_2025-03.csv");
    let before = common::sha256(&ws);
    // Most GM pharmacies are outside Trafford's lookup: refused, counted, nothing written.
    let out = common::cli(&[
        "import",
        "points",
        &s(&ws),
        &s(&pharmacies),
        "--layer",
        "pharmacies",
        "--postcode-field",
        "postcode",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rows cannot be placed"), "{err}");
    assert!(
        err.contains("not in the workspace's postcode lookup (e.g. line"),
        "{err}"
    );
    assert!(err.contains("--allow-unmatched"), "{err}");
    assert_eq!(common::sha256(&ws), before);
    // Skipping them: Trafford's pharmacies are placed, each with its postcode's status.
    let r = common::cli_ok(&[
        "import",
        "points",
        &s(&ws),
        &s(&pharmacies),
        "--layer",
        "pharmacies",
        "--postcode-field",
        "postcode",
        "--allow-unmatched",
        "--json",
    ]);
    let m = &r["postcodes"];
    let placed = m["live"].as_u64().unwrap() + m["terminated"].as_u64().unwrap();
    assert!(placed >= 30, "{r}");
    assert_eq!(r["features"].as_u64().unwrap(), placed);
    assert_eq!(
        placed + m["unknown"].as_u64().unwrap() + m["invalid"].as_u64().unwrap(),
        631,
        "every pharmacy accounted for: {r}"
    );
    let w = local_atlas::ops::Workspace::open(&ws).unwrap();
    let statuses = local_atlas::ops::catalog::catalog(&w).unwrap();
    assert!(
        statuses
            .point_layers
            .iter()
            .any(|l| l.name == "pharmacies" && l.features as u64 == placed)
    );
}

/// A release older than the stored one (by the latest introduction or termination month each
/// holds) is refused, leaving the workspace byte-identical; `--allow-older` replaces it anyway.
#[test]
fn an_older_release_does_not_replace_a_newer_one_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws.gpkg");
    local_atlas::ops::Workspace::create(&path).unwrap();
    let header =
        "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,laua,ward,lsoa11\n";
    let newer = common::write(
        dir.path(),
        "nspl_2021.csv",
        format!(
            "{header}WN1 1AA,WN1  1AA,WN1 1AA,199002,,1,358016,405780,1,E08000010,E05000861,E01006369\nWN1 1AB,WN1  1AB,WN1 1AB,202102,,0,358100,405800,1,E08000010,E05000861,E01006369\n"
        ),
    );
    let older = common::write(
        dir.path(),
        "nspl_2019.csv",
        format!(
            "{header}WN1 1AA,WN1  1AA,WN1 1AA,199002,201905,1,358016,405780,1,E08000010,E05000861,E01006369\n"
        ),
    );
    let r = common::cli_ok(&["import", "postcodes", &s(&path), &s(&newer), "--json"]);
    assert_eq!(r["as_at"], "202102");
    let before = common::sha256(&path);
    let out = common::cli(&["import", "postcodes", &s(&path), &s(&older)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "up to date to 201905, older than the workspace's (nspl_2021.csv, up to date to 202102)"
        ),
        "{err}"
    );
    assert!(err.contains("--allow-older"), "{err}");
    assert_eq!(common::sha256(&path), before);
    let r = common::cli_ok(&[
        "import",
        "postcodes",
        &s(&path),
        &s(&older),
        "--allow-older",
        "--json",
    ]);
    assert_eq!(r["replaced"], "nspl_2021.csv");
    assert_eq!(r["postcodes"], 1);
}

/// `bench --postcodes` runs the whole import as a child process (and ogr2ogr when installed)
/// and reports what it imported.
#[test]
fn the_postcode_bench_times_the_import_and_the_peer() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::write(dir.path(), "cp.csv", CODEPOINT);
    let r = common::cli_ok(&["bench", "--postcodes", &s(&file), "--repeat", "1", "--json"]);
    assert_eq!(r["postcodes"], 3);
    assert!(r["local_atlas"]["wall_s"].as_f64().unwrap() > 0.0);
    assert_eq!(r["local_atlas"]["runs"].as_array().unwrap().len(), 1);
    match local_atlas::ops::child_process::on_path("ogr2ogr") {
        Some(_) => assert!(r["ratio"].as_f64().unwrap() > 0.0, "{r}"),
        None => assert!(r["ogr2ogr"].is_null()),
    }
}
