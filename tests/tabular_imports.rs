//! Hostile and careless tabular files (indicator CSVs, lookups, metadata, points, reference
//! scores): bounded reads, header rules, value checks, short messages naming file, line and
//! column; every refusal leaves the workspace byte-identical.

mod common;

use local_atlas::data::Workspace;
use local_atlas::data::import::boundaries::{BoundaryOptions, import_boundaries};
use local_atlas::data::import::indicators::{IndicatorOptions, import_indicators};
use local_atlas::{Error, Result};
use std::path::{Path, PathBuf};

/// A workspace with four small square areas.
fn small_workspace() -> (tempfile::TempDir, PathBuf, Workspace) {
    let (dir, path, mut ws) = common::new_workspace();
    let gj = common::write(
        dir.path(),
        "areas.geojson",
        common::squares_geojson(&["00101", "00102", "00103", "00104"]),
    );
    let opts = BoundaryOptions {
        geography: "area".into(),
        ..Default::default()
    };
    import_boundaries(&mut ws, &gj, &opts).unwrap();
    (dir, path, ws)
}

use common::expect_error;

fn long() -> IndicatorOptions {
    IndicatorOptions {
        geography: "area".into(),
        ..Default::default()
    }
}

fn wide() -> IndicatorOptions {
    IndicatorOptions {
        wide: true,
        period: Some("2024".into()),
        ..long()
    }
}

/// Imports `csv` (written as `name`) and expects an error with every needle.
fn refused(name: &str, csv: &str, opts: &IndicatorOptions, needles: &[&str]) -> String {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(dir.path(), name, csv);
    expect_error(&path, || import_indicators(&mut ws, &f, opts), needles)
}

// ---- Bounded reads ----

#[test]
fn a_folder_is_refused_with_what_to_give_instead() {
    let (dir, path, mut ws) = small_workspace();
    let folder = dir.path().join("exports.csv");
    std::fs::create_dir(&folder).unwrap();
    expect_error(
        &path,
        || import_indicators(&mut ws, &folder, &long()),
        &["exports.csv", "is a folder", "give the CSV file inside it"],
    );
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_without_reading_it() {
    let (_dir, path, mut ws) = small_workspace();
    let t = std::time::Instant::now();
    expect_error(
        &path,
        || import_indicators(&mut ws, Path::new("/dev/zero"), &long()),
        &["/dev/zero", "not a regular file"],
    );
    assert!(t.elapsed().as_secs() < 10, "took {:?}", t.elapsed());
}

/// A named pipe (`<(zcat data.csv.gz)`) is read as it streams, as data or metadata file.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_as_it_streams() {
    let (dir, _path, mut ws) = small_workspace();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let w = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(w, "code,title\na,Places\n"));
    let f = common::write(dir.path(), "v.csv", "area_code,a\n00101,1\n");
    let opts = IndicatorOptions {
        metadata: Some(fifo.clone()),
        ..wide()
    };
    let r = import_indicators(&mut ws, &f, &opts).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(r.values, 1);
}

#[test]
fn a_file_without_line_ends_is_refused_after_a_bounded_read() {
    use local_atlas::data::import::MAX_CSV_BYTES;
    let (dir, path, mut ws) = small_workspace();
    let f = dir.path().join("huge.csv");
    let file = std::fs::File::create(&f).unwrap();
    // A sparse file of NUL bytes: no disk space used, no line end in 128 MiB. Indicator files
    // stream (no size limit), so it is the line that is too long.
    file.set_len(MAX_CSV_BYTES + 1).unwrap();
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long()),
        &["huge.csv", "a line is longer than 16 MiB"],
    );
}

// ---- Headers ----

#[test]
fn an_unnamed_wide_column_is_refused_naming_its_number() {
    refused(
        "w.csv",
        "area_code,places,\n00101,3,4\n00102,5,6\n",
        &wide(),
        &["w.csv", "line 1", "column 3 (C) has no name"],
    );
}

#[test]
fn duplicate_headers_are_refused_naming_both_columns() {
    refused(
        "d.csv",
        "area_code,indicator,period,value,Value\n00101,a,2024,1,2\n",
        &long(),
        &["d.csv", "columns 4 (D) and 5 (E) are both named 'Value'"],
    );
}

#[test]
fn a_semicolon_file_is_named_as_such() {
    refused(
        "eu.csv",
        "area_code;indicator;period;value\n00101;a;2024;1,5\n",
        &long(),
        &["eu.csv", "';'-separated", "save it as comma-separated CSV"],
    );
}

#[test]
fn a_tab_separated_file_with_a_bom_imports() {
    let (dir, _path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "t.tsv",
        "\u{FEFF}area_code\tindicator\tperiod\tvalue\n00101\ta\t2024\t1.5\n00102\ta\t2024\t2\n",
    );
    let r = import_indicators(&mut ws, &f, &long()).unwrap();
    assert_eq!((r.values, r.code_field.as_str()), (2, "area_code"));
}

// ---- Values and their associates ----

const HEAD: &str = "area_code,indicator,period,value,count,denominator,lower_ci,upper_ci";

fn one_row(row: &str) -> String {
    format!("{HEAD}\n{row}\n")
}

#[test]
fn a_negative_count_is_refused() {
    refused(
        "v.csv",
        &one_row("00101,a,2024,5,-3,60,1,9"),
        &long(),
        &["v.csv", "line 2", "column 'count'", "count -3 is negative"],
    );
}

#[test]
fn a_zero_denominator_is_refused() {
    refused(
        "v.csv",
        &one_row("00101,a,2024,5,3,0,1,9"),
        &long(),
        &[
            "line 2",
            "column 'denominator'",
            "denominator 0 is not above 0",
        ],
    );
}

#[test]
fn a_lower_limit_above_the_upper_is_refused() {
    refused(
        "v.csv",
        &one_row("00101,a,2024,5,3,60,9,1"),
        &long(),
        &["line 2", "column 'lower_ci'", "above the upper limit 1"],
    );
}

#[test]
fn a_proportion_count_above_its_denominator_is_refused() {
    let csv = "area_code,indicator,period,value,count,denominator,value_type\n\
               00101,a,2024,120,12,10,Proportion\n";
    refused(
        "p.csv",
        csv,
        &long(),
        &["line 2", "column 'count'", "larger than its denominator 10"],
    );
}

#[test]
fn a_proportion_by_its_metadata_unit_is_checked_too() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(dir.path(), "p.csv", one_row("00101,a,2024,120,12,10,,"));
    let m = common::write(dir.path(), "m.csv", "code,unit\na,%\n");
    let opts = IndicatorOptions {
        metadata: Some(m),
        ..long()
    };
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &opts),
        &["p.csv", "line 2", "larger than its denominator"],
    );
}

#[test]
fn a_ratio_may_exceed_its_expected_count_and_a_value_outside_its_interval_is_a_warning() {
    let (dir, _path, mut ws) = small_workspace();
    let csv = "area_code,indicator,period,value,count,denominator,lower_ci,upper_ci,value_type\n\
               00101,sar,2024,123.8,607,490.4,113,134,Indirectly standardised ratio\n\
               00102,sar,2024,0.07,5,7400629,1.6,11.7,Crude rate\n";
    let f = common::write(dir.path(), "r.csv", csv);
    let r = import_indicators(&mut ws, &f, &long()).unwrap();
    assert_eq!((r.values, r.outside_ci), (2, 1));
    assert!(
        r.outside_ci_examples[0].starts_with("line 3: 00102 sar 2024: 0.07 outside 1.6–11.7"),
        "{:?}",
        r.outside_ci_examples
    );
    let s = local_atlas::ops::import::ImportReport::Indicators(r).summary();
    assert!(s.contains("warning: 1 value(s) lie outside their own confidence interval"));
}

#[test]
fn markers_in_associate_columns_still_import() {
    let (dir, _path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "m.csv",
        format!("{HEAD}\n00101,a,2024,*,*,..,,\n00102,a,2024,..,0,100,0,3.7\n"),
    );
    let r = import_indicators(&mut ws, &f, &long()).unwrap();
    assert_eq!((r.suppressed, r.missing, r.outside_ci), (1, 1, 0));
}

// ---- Messages ----

#[test]
fn a_long_cell_is_quoted_short() {
    let long_cell = "x".repeat(5_000_000);
    let text = refused(
        "big.csv",
        &format!("area_code,indicator,period,value\n00101,a,2024,{long_cell}\n"),
        &long(),
        &[
            "big.csv",
            "line 2",
            "column 'value'",
            "(5000000 characters)",
        ],
    );
    assert!(text.len() < 1_000, "message of {} bytes", text.len());
}

#[test]
fn a_huge_header_list_is_cut_in_hints() {
    let names: Vec<String> = (0..5000)
        .map(|i| format!("{}{i}", "n".repeat(200)))
        .collect();
    let text = refused(
        "h.csv",
        &format!("{}\n{}\n", names.join(","), vec!["1"; 5000].join(",")),
        &long(),
        &["h.csv", "and 4980 more"],
    );
    assert!(text.len() < 4_000, "message of {} bytes", text.len());
}

#[test]
fn invalid_utf8_with_utf8_forced_names_file_line_and_the_flag() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "latin.csv",
        b"area_code,indicator,period,value\n00101,caf\xe9,2024,1\n".as_slice(),
    );
    let opts = IndicatorOptions {
        encoding: local_atlas::data::import::csv_text::TextEncoding::Utf8,
        ..long()
    };
    let text = expect_error(
        &path,
        || import_indicators(&mut ws, &f, &opts),
        &["latin.csv", "line 2", "--encoding windows-1252"],
    );
    assert!(!text.contains("stream did not contain"), "{text}");
}

#[test]
fn errors_are_input_errors() {
    let (dir, _path, mut ws) = small_workspace();
    let f = common::write(dir.path(), "e.csv", "area_code,,x\n");
    let e = import_indicators(&mut ws, &f, &long()).unwrap_err();
    assert!(matches!(e, Error::Input(_)), "{e:?}");
}

#[test]
fn an_over_long_code_is_refused() {
    let code = "i".repeat(201);
    refused(
        "c.csv",
        &format!("area_code,indicator,period,value\n00101,{code},2024,1\n"),
        &long(),
        &["line 2", "column 'indicator'", "longer than 200 characters"],
    );
    refused(
        "w.csv",
        &format!("area_code,{code}\n00101,1\n"),
        &wide(),
        &["line 1", "longer than 200 characters"],
    );
}

// ---- Metadata, lookups, points ----

#[test]
fn an_over_long_metadata_title_is_refused() {
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(dir.path(), "v.csv", "area_code,a\n00101,1\n");
    let m = common::write(
        dir.path(),
        "m.csv",
        format!("code,title\na,{}\n", "t".repeat(1_001)),
    );
    let opts = IndicatorOptions {
        metadata: Some(m),
        ..wide()
    };
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &opts),
        &[
            "m.csv",
            "line 2",
            "column 'title'",
            "1001 characters, more than 1000",
        ],
    );
}

#[test]
fn a_lookup_quotes_long_codes_short() {
    use local_atlas::data::import::lookup::{LookupOptions, import_lookup};
    let (dir, path, mut ws) = small_workspace();
    let f = common::write(
        dir.path(),
        "l.csv",
        format!("from,to\n00101,{}\n", "W".repeat(100_000)),
    );
    let opts = LookupOptions {
        from: "area".into(),
        to: "area".into(),
        from_field: Some("from".into()),
        to_field: Some("to".into()),
    };
    let text = expect_error(
        &path,
        || import_lookup(&mut ws, &f, &opts),
        &["l.csv", "line 2", "(100000 characters)"],
    );
    assert!(text.len() < 1_000, "message of {} bytes", text.len());
}

fn points(dir: &Path, ws: &mut Workspace, name: &str, csv: &str) -> Result<usize> {
    use local_atlas::data::import::points::{PointOptions, import_points};
    let f = common::write(dir, name, csv);
    let opts = PointOptions {
        layer: "pts".into(),
        source_crs: None,
        ..Default::default()
    };
    import_points(ws, &f, &opts).map(|r| r.features)
}

#[test]
fn implausible_point_coordinates_are_refused_naming_line_and_column() {
    let (dir, path, mut ws) = small_workspace();
    let d = dir.path().to_path_buf();
    for (csv, needles) in [
        (
            "id,easting,northing\n1,383997,398258\n2,1e308,398258\n",
            ["line 3", "column 'easting'", "easting 1e308 is outside"],
        ),
        (
            "id,easting,northing\n1,383997,1500000\n",
            ["line 2", "column 'northing'", "outside -100000 … 1400000 m"],
        ),
        (
            "id,lat,lon\n1,-2.24,53.48\n",
            [
                "line 2",
                "column 'lon'",
                "outside the British National Grid",
            ],
        ),
        (
            "id,lat,lon\n1,95,-2.24\n",
            ["line 2", "column 'lat'", "latitude 95 is outside"],
        ),
        (
            "id,lat,lon\n1,53,-200\n",
            ["line 2", "column 'lon'", "longitude -200 is outside"],
        ),
        (
            "id,lat,lon\n1,-100,-2.24\n",
            ["line 2", "column 'lat'", "latitude -100 is outside"],
        ),
    ] {
        let mut all = vec!["p.csv"];
        all.extend(needles);
        expect_error(&path, || points(&d, &mut ws, "p.csv", csv), &all);
    }
    assert_eq!(
        points(&d, &mut ws, "ok.csv", "id,lat,lon\n1,53.48,-2.24\n").unwrap(),
        1
    );
}

#[test]
fn an_implausible_geojson_point_is_refused_naming_the_feature() {
    let (dir, path, mut ws) = small_workspace();
    let gj = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-2.2,53.4]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[530000,180000]}}]}"#;
    let f = common::write(dir.path(), "p.geojson", gj);
    let opts = local_atlas::data::import::points::PointOptions {
        layer: "pts".into(),
        source_crs: None,
        ..Default::default()
    };
    expect_error(
        &path,
        || local_atlas::data::import::points::import_points(&mut ws, &f, &opts),
        &[
            "p.geojson",
            "feature 2",
            "(530000, 180000) is outside longitude/latitude",
            "--source-crs EPSG:27700",
        ],
    );
}

// ---- The real Fingertips extract ----

/// The GM + England Fingertips extract (11,521 rows of counts, denominators, values and 95%
/// limits, DHSC 2025-02-12) passes every value check: one indicator code per indicator, sex,
/// age and category, the file's own column names otherwise (quarterly indicators repeat a
/// year: the first row of each is kept). Its values outside their own interval are reported,
/// not refused.
#[test]
fn the_real_fingertips_extract_imports_with_its_values_outside_their_interval_reported() {
    // LOCAL_ATLAS_SHARED_DATA names the folder for a checkout that is not beside it.
    let shared = std::env::var_os("LOCAL_ATLAS_SHARED_DATA")
        .map(PathBuf::from)
        .or_else(common::shared_data);
    let Some(shared) = shared else {
        return;
    };
    let src = shared.join("fingertips/gm_districts_and_england_subset.csv");
    let mut reader = csv::Reader::from_path(&src).unwrap();
    let h = reader.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let key = ["indicator_id", "sex", "age", "category_type", "category"].map(col);
    let kept = [
        "area_code",
        "year",
        "value",
        "count",
        "denominator",
        "lower_ci_95",
        "upper_ci_95",
        "value_type",
    ]
    .map(col);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "indicator",
        "area_code",
        "year",
        "value",
        "count",
        "denominator",
        "lower_ci_95",
        "upper_ci_95",
        "value_type",
    ])
    .unwrap();
    let (mut rows, mut outside) = (0, 0);
    let mut codes = std::collections::BTreeSet::new();
    let mut seen = std::collections::HashSet::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let code: Vec<&str> = key.iter().map(|&i| &rec[i]).collect();
        let mut fields = vec![code.join("|")];
        fields.extend(kept.iter().map(|&i| rec[i].to_string()));
        if !seen.insert(format!("{}|{}|{}", fields[0], fields[1], fields[2])) {
            continue;
        }
        let num = |i: usize| fields[i].parse::<f64>().ok();
        if let (Some(v), Some(l), Some(u)) = (num(3), num(6), num(7)) {
            outside += usize::from(v < l || v > u);
        }
        codes.insert(rec[kept[0]].to_string());
        out.write_record(&fields).unwrap();
        rows += 1;
    }
    let (dir, _path, mut ws) = common::new_workspace();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let gj = common::write(dir.path(), "a.geojson", common::squares_geojson(&codes));
    let opts = BoundaryOptions {
        geography: "district".into(),
        ..Default::default()
    };
    import_boundaries(&mut ws, &gj, &opts).unwrap();
    let f = common::write(dir.path(), "fingertips.csv", out.into_inner().unwrap());
    let opts = IndicatorOptions {
        geography: "district".into(),
        ..Default::default()
    };
    let r = import_indicators(&mut ws, &f, &opts).unwrap();
    assert!(rows > 10_000, "{rows}");
    assert_eq!((r.values, r.matched), (rows, 11));
    assert!(outside > 0);
    assert_eq!(r.outside_ci, outside, "{:?}", r.outside_ci_examples);
}

#[test]
fn a_summary_lists_at_most_twenty_indicators() {
    let (dir, _path, mut ws) = small_workspace();
    let names: Vec<String> = (0..30).map(|i| format!("ind{i}")).collect();
    let csv = format!(
        "area_code,{}\n00101,{}\n",
        names.join(","),
        vec!["1"; 30].join(",")
    );
    let f = common::write(dir.path(), "w.csv", csv);
    let r = import_indicators(&mut ws, &f, &wide()).unwrap();
    assert_eq!(r.indicators.len(), 30);
    let s = local_atlas::ops::import::ImportReport::Indicators(r).summary();
    assert!(
        s.contains("(ind0, ind1,") && s.contains("ind19 and 10 more)"),
        "{s}"
    );
    assert!(!s.contains("ind20"), "{s}");
}

/// A partner's messy file: padded and lower-case codes, `£` with thousands separators, a `%`,
/// a suppression marker and one code that is not an area. Everything that can be read is,
/// each fix is reported, and only the unknown code is skipped (with --allow-unmatched); the
/// same bytes saved by Excel as Windows-1252 import the same.
#[test]
fn a_messy_partner_csv_imports_with_each_fix_reported() {
    let (dir, path, mut ws) = common::new_workspace();
    let gj = common::write(
        dir.path(),
        "lsoa.geojson",
        common::squares_geojson(&["E01005067", "E01005068", "E01005069"]),
    );
    let opts = BoundaryOptions {
        geography: "lsoa".into(),
        ..Default::default()
    };
    import_boundaries(&mut ws, &gj, &opts).unwrap();
    let text = "code,indicator,period,value\n \
         e01005067 ,rent,2024,£872\n\
         E01005068,rent,2024,\"£1,020\"\n\
         e01005069,rent,2024,*\n\
         E01999999,rent,2024,500\n\
         E01005067,share,2024,12.5%\n";
    let utf8_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let cp1252: Vec<u8> = text
        .chars()
        .map(|c| if c == '£' { 0xA3 } else { c as u8 })
        .collect();
    for (name, bytes, period) in [("bom.csv", utf8_bom, "2024"), ("excel.csv", cp1252, "2025")] {
        let csv = String::from_utf8_lossy(&bytes).replace("2024", period);
        let bytes = if name == "excel.csv" {
            csv.chars()
                .map(|c| if c == '\u{FFFD}' { 0xA3 } else { c as u8 })
                .collect()
        } else {
            csv.into_bytes()
        };
        let f = common::write(dir.path(), name, bytes);
        let iopts = IndicatorOptions {
            geography: "lsoa".into(),
            allow_unmatched: true,
            ..Default::default()
        };
        let r = import_indicators(&mut ws, &f, &iopts).unwrap();
        assert_eq!(
            (r.matched, r.unmatched, r.skipped_rows),
            (3, 1, 1),
            "{name}: {r:?}"
        );
        assert_eq!(r.unmatched_examples, ["E01999999"], "{name}");
        assert_eq!(r.fixed_codes, 2, "{name}: {:?}", r.fixed_code_examples);
        assert!(
            r.fixed_code_examples[0].contains("e01005067 → E01005067"),
            "{name}"
        );
        assert_eq!(r.fixed_values, 3, "{name}: {:?}", r.fixed_value_examples);
        assert!(
            r.fixed_value_examples[0].contains("'£872' → 872 (currency symbol removed)"),
            "{name}: {:?}",
            r.fixed_value_examples
        );
        assert!(
            r.fixed_value_examples[2].contains("→ 12.5 (per-cent sign removed)"),
            "{name}"
        );
        assert_eq!((r.ok, r.suppressed), (3, 1), "{name}");
        let rent = local_atlas::data::query::values(&ws, "rent", "lsoa", period).unwrap();
        let got: Vec<(String, Option<f64>)> =
            rent.into_iter().map(|v| (v.area_code, v.value)).collect();
        assert_eq!(
            got,
            [
                ("E01005067".to_string(), Some(872.0)),
                ("E01005068".to_string(), Some(1020.0)),
                ("E01005069".to_string(), None)
            ],
            "{name}"
        );
    }
    drop(path);
}

/// An Excel workbook given as indicators or boundaries gets how to save it as CSV, not a
/// parse error or a list of layer formats; the workspace is unchanged.
#[test]
fn a_spreadsheet_workbook_is_refused_with_how_to_save_it_as_csv() {
    let (dir, path, mut ws) = small_workspace();
    // The first bytes of a real .xlsx (a zip archive).
    let f = common::write(dir.path(), "rents.xlsx", b"PK\x03\x04\x14\x00\x06\x00");
    expect_error(
        &path,
        || import_indicators(&mut ws, &f, &long()),
        &[
            "rents.xlsx",
            "spreadsheet workbook (.xlsx)",
            "save it as 'CSV UTF-8",
        ],
    );
    let opts = BoundaryOptions {
        geography: "other".into(),
        ..Default::default()
    };
    expect_error(
        &path,
        || import_boundaries(&mut ws, &f, &opts),
        &["rents.xlsx", "save it as 'CSV UTF-8"],
    );
}
