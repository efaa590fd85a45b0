//! The import dialog without command-line words: a partner's wide CSV with a column to leave
//! out and an indicator to describe, done with ticks and fields (egui_kittest).
#![cfg(feature = "gui")]

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use local_atlas::ui::AtlasApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn harness(path: &Path) -> Harness<'static, AtlasApp> {
    let path = path.to_path_buf();
    Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |_cc| AtlasApp::open(&path).expect("open the sample workspace"))
}

fn settle(h: &mut Harness<'_, AtlasApp>) {
    for _ in 0..6 {
        h.step();
    }
}

fn shows(h: &Harness<'_, AtlasApp>, text: &str) -> bool {
    let text = text.to_string();
    h.query_all_by(move |n| {
        n.label().is_some_and(|l| l.contains(&text)) || n.value().is_some_and(|v| v.contains(&text))
    })
    .next()
    .is_some()
}

fn wait_shows(h: &mut Harness<'_, AtlasApp>, text: &str, secs: u64) {
    let start = Instant::now();
    while !shows(h, text) {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "'{text}' was not shown within {secs} s"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_wide_csv_is_imported_with_columns_ticked_and_described_in_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::cli_sample(dir.path());
    let csv = common::write(
        dir.path(),
        "rents.csv",
        "LSOA code,Average rent (£/month),Households\n\
         E01004766,£872,1200\nE01004767,£910,1300\nE01005295,£1020,900\n",
    );
    let mut h = harness(&ws);
    settle(&mut h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(csv)));
    settle(&mut h);
    wait_shows(&mut h, "3 rows, 3 columns", 30);
    // Advice names the dialog's fields, never a command-line flag.
    wait_shows(&mut h, "Fill in the Period", 30);
    assert!(!shows(&h, "--period"), "a CLI flag in the app");
    h.get_by_role_and_label(Role::TextInput, "Period")
        .set_text_value_accesskit("2024");
    settle(&mut h);
    // Leave Households out; describe the rent.
    h.get_by_role_and_label(Role::CheckBox, "Households")
        .click();
    settle(&mut h);
    h.get_by_label_contains("Describe the indicators").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Title of Average rent (£/month)")
        .set_text_value_accesskit("Average monthly private rent");
    h.get_by_role_and_label(Role::TextInput, "Unit of Average rent (£/month)")
        .set_text_value_accesskit("£/month");
    h.get_by_role_and_label(Role::TextInput, "Theme of Average rent (£/month)")
        .set_text_value_accesskit("Housing");
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check").click();
    wait_shows(&mut h, "Check: 3 matched", 30);
    // The trial shows the data-quality warnings: the file covers 3 of the 1,673 LSOAs.
    assert!(
        shows(&h, "1670 of 1673 areas of lsoa11 have no value"),
        "no quality warning"
    );
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_shows(&mut h, "Average monthly private rent —", 30);
    drop(h);
    let info = common::cli_ok(&["info", &ws.display().to_string(), "--json"]);
    let codes: Vec<&str> = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"average_rent_gbp_month"), "{codes:?}");
    assert!(!codes.contains(&"households"), "left out: {codes:?}");
    let rent = info["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "average_rent_gbp_month")
        .unwrap();
    assert_eq!(rent["title"], "Average monthly private rent");
    assert_eq!(rent["theme"], "Housing");
}

#[test]
fn a_pharmacy_list_with_postcodes_only_is_placed_by_postcode_in_the_dialog() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = common::cli_sample(dir.path());
    let lookup = data.join("postcodes/trafford_postcodes_onspd_2021-08.csv");
    common::cli_ok(&[
        "import",
        "postcodes",
        &ws.display().to_string(),
        &lookup.display().to_string(),
        "--json",
    ]);
    // A copy named so that the layer name the dialog proposes is a valid table name.
    let csv = dir.path().join("pharmacies.csv");
    std::fs::copy(data.join("services/gm_pharmacies_2025-03.csv"), &csv).unwrap();
    let mut h = harness(&ws);
    settle(&mut h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(csv)));
    settle(&mut h);
    wait_shows(&mut h, "631 rows", 30);
    // The first check (as indicator values) runs with the fields locked: wait for its verdict.
    let start = Instant::now();
    while !(shows(&h, "Cannot import") || shows(&h, "Check: ")) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first check never ended"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.get_by_role_and_label(Role::ComboBox, "Kind").click();
    settle(&mut h);
    h.get_by_label("Points (a service layer)").click();
    settle(&mut h);
    // The postcode column is proposed: the file has no coordinates.
    assert!(shows(&h, "Locate by postcode"));
    h.get_by_role_and_label(Role::TextInput, "Layer name")
        .set_text_value_accesskit("pharmacies");
    h.get_by_role_and_label(
        Role::CheckBox,
        "Skip rows whose postcode is not in the postcode lookup",
    )
    .click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check").click();
    wait_shows(&mut h, "by postcode ('postcode')", 30);
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_shows(&mut h, "Imported:", 30);
    drop(h);
    let info = common::cli_ok(&["info", &ws.display().to_string(), "--json"]);
    let layer = info["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "pharmacies")
        .unwrap_or_else(|| panic!("{info}"))
        .clone();
    assert!(layer["features"].as_u64().unwrap() >= 30, "{layer}");
}
