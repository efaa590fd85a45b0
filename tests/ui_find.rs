//! Find anything in the app (egui_kittest): "Fallowfield", a ward, found from an LSOA map —
//! its LSOAs selected, the map flown there, the area card listing every indicator; "no
//! match" said; Esc closes the card and keeps the selection.
#![cfg(feature = "gui")]

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use local_atlas::ui::AtlasApp;
use std::path::Path;

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

#[test]
fn finding_a_ward_selects_its_lsoas_and_opens_its_area_card() {
    let dir = tempfile::tempdir().unwrap();
    let ws = common::cli_sample(dir.path());
    let mut h = harness(&ws);
    settle(&mut h);
    assert_eq!(h.state().map_areas(), 1673, "the LSOA map");
    h.get_by_role_and_label(Role::TextInput, "Search")
        .set_text_value_accesskit("Atlantis");
    settle(&mut h);
    assert!(shows(&h, "No match for 'Atlantis'"), "no match is said");
    h.get_by_role_and_label(Role::TextInput, "Search")
        .set_text_value_accesskit("Fallowfield");
    settle(&mut h);
    h.get_by_label_contains("Fallowfield — Ward (2017)").click();
    settle(&mut h);
    // Fallowfield's LSOAs by the stored LSOA → ward lookup.
    let ws_ops = local_atlas::ops::Workspace::open(&ws).unwrap();
    let want = local_atlas::ops::find::members(&ws_ops, "ward17", "E05000701", "lsoa11").unwrap();
    assert!(want.len() >= 5);
    assert_eq!(h.state().selected_codes(), want);
    // The area card: the ward's name and its district, and (on an LSOA's card) every value.
    assert!(shows(&h, "Area: Fallowfield (E05000701, Ward (2017))"));
    assert!(shows(
        &h,
        "In Manchester (E08000003, Local authority district)"
    ));
    // Esc closes the card; the selection stays.
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(!shows(&h, "Area: Fallowfield"), "the card is closed");
    assert_eq!(h.state().selected_codes(), want, "Esc kept the selection");
    // An LSOA's card lists all 35 indicators (30 IoD, 4 population, burglaries), IDACI as a percentage.
    let lsoa = want[0].clone();
    h.get_by_role_and_label(Role::TextInput, "Search")
        .set_text_value_accesskit(&lsoa);
    settle(&mut h);
    h.get_by_label_contains(&format!("({lsoa})")).click();
    settle(&mut h);
    assert!(shows(
        &h,
        "Income deprivation affecting children (IDACI): score"
    ));
    let card = local_atlas::ops::area_card::area_card(&ws_ops, &lsoa, None).unwrap();
    assert_eq!(card.values.len(), 35);
    for v in &card.values {
        assert!(shows(&h, &v.shown), "{} shown as {}", v.title, v.shown);
    }
    assert_eq!(h.state().selected_codes(), vec![lsoa]);
}
