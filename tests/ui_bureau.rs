//! The bureau's map in minutes, driven through egui_kittest (no GPU, no window): the Bolton
//! child-poverty map made by mouse, the export's title and file following the indicator, Esc
//! with a menu open, presenter mode, the first steps of an empty workspace, and the hover
//! card of a class map.
#![cfg(feature = "gui")]

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use local_atlas::render::spec::{Extent, LayerSpec};
use local_atlas::ui::AtlasApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn harness_sized(path: &Path, size: egui::Vec2) -> Harness<'static, AtlasApp> {
    let path = path.to_path_buf();
    Harness::builder()
        .with_size(size)
        .build_eframe(move |_cc| AtlasApp::open(&path).expect("open the workspace"))
}

fn harness(path: &Path) -> Harness<'static, AtlasApp> {
    harness_sized(path, egui::vec2(1600.0, 1000.0))
}

/// A few frames (the app may keep asking for repaints while jobs run, so no `run()`).
fn settle(h: &mut Harness<'_, AtlasApp>) {
    for _ in 0..6 {
        h.step();
    }
}

/// Whether some node's label or value contains `text`.
fn shows(h: &Harness<'_, AtlasApp>, text: &str) -> bool {
    let text = text.to_string();
    h.query_all_by(move |n| {
        n.label().is_some_and(|l| l.contains(&text)) || n.value().is_some_and(|v| v.contains(&text))
    })
    .next()
    .is_some()
}

/// Steps until `text` is shown, or fails after `secs`.
fn wait_shows(h: &mut Harness<'_, AtlasApp>, text: &str, secs: u64) {
    let start = Instant::now();
    while !shows(h, text) {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "'{text}' was not shown within {secs} s; on screen: {}",
            card_text(h)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Steps until `done` holds, or fails after `secs` saying `what`.
fn wait_until(
    h: &mut Harness<'_, AtlasApp>,
    what: &str,
    secs: u64,
    done: impl Fn(&AtlasApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "{what}: not within {secs} s"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = common::cli_sample(dir.path());
    (dir, ws)
}

/// Picks an indicator in the browser by searching for `search` and clicking `title`.
fn pick(h: &mut Harness<'_, AtlasApp>, search: &str, title: &str) {
    h.get_by_role_and_label(Role::TextInput, "Find")
        .set_text_value_accesskit(search);
    settle(h);
    h.get_by_label(title).click();
    settle(h);
}

/// Closes the topmost window (its × button).
fn close_window(h: &mut Harness<'_, AtlasApp>) {
    h.get_by_role_and_label(Role::Button, "Close window")
        .click();
    settle(h);
}

const IDACI: &str = "Income deprivation affecting children (IDACI): score";

/// The text of a PDF: `pdftotext` when it is installed, else `None`.
fn pdf_text(path: &Path) -> Option<String> {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every text item of the scene `recipe` lays out (what any backend draws as text).
fn scene_text(ws: &Path, recipe: &local_atlas::render::spec::MapSpec) -> String {
    let ws = local_atlas::ops::Workspace::open(ws).expect("workspace");
    let scene = local_atlas::ops::map::scene(&ws, recipe).expect("scene");
    format!("{scene:?}")
}

/// The Bolton task by mouse: IDACI by LSOA, wards outlined and labelled, map area the
/// district Bolton, the title typed, an A4 PDF exported. The PDF has the title and Bolton's
/// ward names, and none of another district's.
fn bolton_export(h: &mut Harness<'_, AtlasApp>, dir: &Path) -> PathBuf {
    pick(h, "IDACI", IDACI);
    h.get_by_label_contains(&format!("{IDACI} —"));
    h.get_by_role_and_label(Role::ComboBox, "Outline").click();
    settle(h);
    h.get_by_role_and_label(Role::Button, "Ward (2017)").click();
    settle(h);
    h.get_by_role_and_label(Role::Button, "Export map…").click();
    settle(h);
    h.get_by_role_and_label(Role::CheckBox, "Label Ward (2017)")
        .click();
    settle(h);
    h.get_by_role_and_label(Role::Button, "An area").click();
    settle(h);
    // The district geography is proposed first.
    assert!(
        shows(h, "Local authority district"),
        "the area geography combo shows the districts"
    );
    h.get_by_role_and_label(Role::TextInput, "Area")
        .set_text_value_accesskit("bolt");
    settle(h);
    h.get_by_label("Bolton (E08000001)").click();
    settle(h);
    h.get_by_role_and_label(Role::TextInput, "Title")
        .set_text_value_accesskit("Child poverty in Bolton");
    let out = dir.join("bolton.pdf");
    h.get_by_role_and_label(Role::TextInput, "File")
        .set_text_value_accesskit(&out.display().to_string());
    settle(h);
    let recipe = h.state().recipe().clone();
    assert_eq!(
        recipe.extent,
        Extent::Areas {
            geography: "lad16".into(),
            codes: vec!["E08000001".into()]
        }
    );
    assert!(
        recipe
            .layers
            .iter()
            .any(|l| matches!(l, LayerSpec::Outline { geography, labels: true, .. } if geography == "ward17")),
        "{:?}",
        recipe.layers
    );
    h.get_by_role_and_label(Role::Button, "Export")
        .scroll_to_me();
    settle(h);
    h.get_by_role_and_label(Role::Button, "Export").click();
    wait_shows(h, "Exported", 120);
    out
}

#[test]
fn the_bolton_map_by_mouse_and_the_next_indicator_does_not_inherit_its_title() {
    let (dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    let out = bolton_export(&mut h, dir.path());
    let pdf = std::fs::read(&out).expect("the PDF was written");
    assert!(pdf.starts_with(b"%PDF-"));
    // What the PDF says: its text when pdftotext is installed, else the text of the very
    // scene it was drawn from (the PDF embeds its glyphs, so raw bytes do not read).
    let from_pdf = pdf_text(&out);
    if let Some(text) = &from_pdf {
        // A reader sees names, never the workspace's short names of the geographies.
        for code in ["lsoa11", "ward17", "lad16"] {
            assert!(
                !text.contains(code),
                "raw geography code {code} in the PDF: {text}"
            );
        }
        assert!(text.contains("LSOA (2011)"), "{text}");
    }
    let text = from_pdf.unwrap_or_else(|| scene_text(&ws, h.state().recipe()));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Child poverty in Bolton"), "{flat}");
    for bolton_ward in [
        "Astley Bridge",
        "Breightmet",
        "Farnworth",
        "Westhoughton South",
    ] {
        assert!(flat.contains(bolton_ward), "{bolton_ward} in: {flat}");
    }
    for elsewhere in ["Ardwick", "Ashton Hurst", "Besses"] {
        assert!(!flat.contains(elsewhere), "{elsewhere} in: {flat}");
    }

    // The next indicator: the typed title and file are not silently kept — the app asks.
    close_window(&mut h);
    pick(&mut h, "Income deprivation", "Income deprivation: score");
    h.get_by_role_and_label(Role::Window, "Export title and file");
    h.get_by_role_and_label(Role::Button, "Use the new indicator's")
        .click();
    settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    settle(&mut h);
    assert_eq!(h.state().recipe().title, "{indicator}");
    let file = h
        .get_by_role_and_label(Role::TextInput, "File")
        .value()
        .unwrap_or_default();
    assert!(file.ends_with("income_score.pdf"), "{file}");
    assert!(!file.contains("bolton"), "{file}");
}

/// Without a typed title the export follows the indicator silently: title placeholder and
/// file name of the new indicator.
#[test]
fn an_untyped_title_and_file_follow_the_indicator() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Export map…").click();
    settle(&mut h);
    let file = |h: &Harness<'_, AtlasApp>| {
        h.get_by_role_and_label(Role::TextInput, "File")
            .value()
            .unwrap_or_default()
    };
    assert!(file(&h).ends_with("imd_score.png"), "{}", file(&h));
    close_window(&mut h);
    pick(&mut h, "IDACI", IDACI);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    settle(&mut h);
    assert!(h.query_by_label("Export title and file").is_none());
    assert!(file(&h).ends_with("idaci_score.png"), "{}", file(&h));
    assert_eq!(h.state().recipe().title, "{indicator}");
}

/// Esc with a menu open closes the menu and keeps the selection; Esc again clears it.
#[test]
fn escape_closes_a_menu_before_it_clears_the_selection() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    // Select a class of areas from the legend.
    let row = h
        .query_all_by_role(Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.contains(" – ") && l.ends_with(')'))
        .expect("a legend row");
    h.get_by_role_and_label(Role::Button, &row).click();
    settle(&mut h);
    let selected = h.state().selected_codes().len();
    assert!(selected > 10, "{selected} selected");
    h.get_by_role_and_label(Role::Button, "File").click();
    settle(&mut h);
    assert!(shows(&h, "Check workspace…"), "the File menu is open");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(!shows(&h, "Check workspace…"), "Esc closed the menu");
    assert_eq!(h.state().selected_codes().len(), selected, "selection kept");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.state().selected_codes().is_empty(), "then Esc clears it");
}

/// Presenter mode keeps the map fitted on entry and exit (areas drawn on screen, the view
/// fitted), and its "Map + chart" layout shows the Moran scatterplot beside the map.
#[test]
fn presenter_mode_fits_the_map_and_shows_the_scatterplot_beside_it() {
    let (_dir, ws) = sample();
    let mut h = harness_sized(&ws, egui::vec2(1024.0, 768.0));
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_shows(&mut h, "High–High", 60);
    for _ in 0..2 {
        h.key_press(egui::Key::F11);
        settle(&mut h);
        assert!(h.state().map_fitted(), "fitted after F11");
        assert!(
            h.state().map_vertices_drawn() > 1000,
            "areas drawn: {}",
            h.state().map_vertices_drawn()
        );
    }
    assert!(!h.state().presenter());
    h.key_press(egui::Key::F11);
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Map + chart").click();
    settle(&mut h);
    assert!(shows(&h, "Moran scatterplot"));
    assert!(shows(&h, "Moran's I = 0."));
    assert!(h.state().map_vertices_drawn() > 1000, "the map stays drawn");
    // Leaving presenter mode: the map is fitted to the normal layout at once.
    h.key_press(egui::Key::F11);
    settle(&mut h);
    assert!(h.state().map_fitted() && h.state().map_vertices_drawn() > 1000);
}

/// An empty workspace shows the first steps; importing boundaries draws them at once, as
/// plain areas, and the status says what comes next.
#[test]
fn an_empty_workspace_shows_first_steps_and_draws_imported_boundaries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("empty.gpkg");
    local_atlas::ops::Workspace::create(&ws).expect("create");
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_label("First steps");
    h.get_by_role_and_label(Role::Button, "Import boundaries…");
    h.get_by_role_and_label(Role::Button, "Open the sample project");
    assert_eq!(h.state().map_areas(), 0);
    // The preview says why it is empty rather than "updating…" forever.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    settle(&mut h);
    assert!(shows(&h, "Nothing to preview yet"));
    assert!(!shows(&h, "updating"));
    close_window(&mut h);
    // Import the district boundaries through the dialog the first step opens.
    h.get_by_role_and_label(Role::Button, "Import boundaries…")
        .click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Window, "Import");
    let seeds = local_atlas::ops::sample::seeds_dir();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(
            seeds.join("gm_lad2016_bgc.geojson"),
        )));
    settle(&mut h);
    wait_shows(&mut h, "Boundaries (a new geography)", 60);
    import_when_ready(&mut h);
    wait_until(&mut h, "the boundaries are drawn", 60, |a| {
        a.map_areas() == 10
    });
    wait_shows(&mut h, "import an indicator", 10);
    assert!(!shows(&h, "drop a boundary file"));
    assert!(h.query_by_label("First steps").is_none());
    assert!(
        h.state().map_vertices_drawn() > 100,
        "the areas are on screen"
    );
}

/// Presses the import dialog's Check, then Import once it is enabled.
fn import_when_ready(h: &mut Harness<'_, AtlasApp>) {
    if let Some(geo) = h.query_by_role_and_label(Role::TextInput, "Geography") {
        geo.set_text_value_accesskit("lad16");
        settle(h);
    }
    let start = Instant::now();
    loop {
        let import = h.query_all_by_role_and_label(Role::Button, "Import").next();
        if let Some(b) = import
            && !b.accesskit_node().is_disabled()
        {
            b.click();
            break;
        }
        if let Some(c) = h.query_by_role_and_label(Role::Button, "Check")
            && !c.accesskit_node().is_disabled()
        {
            c.click();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "Import never enabled"
        );
        for _ in 0..10 {
            h.step();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A file dropped on the window (egui's dropped-file handle, as eframe delivers it).
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

/// The hover card of a class map (a saved LISA cluster indicator) names the class and gives
/// no rank; a saved p-value reads "< 0.001", never "0.000".
#[test]
fn a_class_map_hover_card_has_no_rank() {
    let (_dir, ws) = sample();
    {
        let w = local_atlas::ops::Workspace::open(&ws).unwrap();
        // 9999 permutations: the smallest pseudo p-value is 0.0001, below 0.001.
        let req = local_atlas::ops::stats::StatsRequest {
            statistic: local_atlas::ops::stats::Statistic::Lisa,
            geography: "lsoa11".into(),
            indicator: "imd_score".into(),
            period: None,
            weights: local_atlas::ops::indicator_data::WeightsKind::Queen,
            permutations: 9999,
            seed: 12345,
            alpha: 0.05,
            fdr: false,
            two_sided: false,
            save: true,
        };
        local_atlas::ops::stats::run(&w, &req, &local_atlas::ops::Silent).unwrap();
    }
    let mut h = harness(&ws);
    settle(&mut h);
    // Saved results are titled in words, after the analysed indicator.
    let clusters = "LISA clusters of Index of Multiple Deprivation: score, queen, 9999 permutations, 5% significance";
    pick(&mut h, "LISA clusters", clusters);
    let card = hover_centre(&mut h);
    assert!(card.contains(&format!("{clusters}: ")), "{card}");
    assert!(!card.contains("rank"), "{card}");
    let p_values = "LISA pseudo p-value of Index of Multiple Deprivation: score";
    pick(&mut h, "pseudo p", p_values);
    let card = hover_somewhere_significant(&mut h);
    assert!(card.contains(&format!("{p_values}: < 0.001")), "{card}");
    assert!(!card.contains(": 0.000"), "{card}");
}

/// Hovers the middle of the map; returns the hover card's text.
fn hover_centre(h: &mut Harness<'_, AtlasApp>) -> String {
    let rect = h.state().map_rect();
    h.hover_at(rect.center());
    settle(h);
    h.state().hover_card().join(" | ")
}

/// Hovers points across the map until the card shows a p-value below 0.001.
fn hover_somewhere_significant(h: &mut Harness<'_, AtlasApp>) -> String {
    let rect = h.state().map_rect();
    let mut last = String::new();
    for i in 1..20 {
        for j in 1..10 {
            let p = rect.min
                + egui::vec2(
                    rect.width() * i as f32 / 20.0,
                    rect.height() * j as f32 / 10.0,
                );
            h.hover_at(p);
            h.step();
            h.step();
            last = h.state().hover_card().join(" | ");
            if last.contains(": < 0.001") {
                return last;
            }
        }
    }
    last
}

/// Every label on screen, " | "-separated (the hover card's lines among them).
fn card_text(h: &Harness<'_, AtlasApp>) -> String {
    h.query_all_by(|_| true)
        .filter_map(|n| n.accesskit_node().label())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The classification panel's "Compared with England": the districts coloured better /
/// similar / worse than England with the legend saying so, the recipe's data layer a
/// significance layer (so an export draws the same map), the hover card with the value, its
/// 95% interval and its comparison; "Back to classes" returns.
#[test]
fn comparing_with_england_colours_the_map_and_fills_the_hover_card() {
    let Some(shared) = common::shared_data() else {
        return;
    };
    let (_dir, ws) = sample();
    let file = shared.join("fingertips/gm_districts_and_england_subset.csv");
    common::cli_ok(&[
        "import",
        "indicators",
        ws.to_str().unwrap(),
        file.to_str().unwrap(),
        "--geography",
        "lad16",
        "--json",
    ]);
    let mut h = harness(&ws);
    settle(&mut h);
    let title = "Children in absolute low income families aged 15 years and under";
    pick(
        &mut h,
        "absolute low income",
        &format!("{title} (Local authority district)"),
    );
    // A choropleth with limits: the hover card already carries the CI and the comparison.
    let card = hover_centre(&mut h);
    assert!(card.contains("95% CI"), "{card}");
    assert!(card.contains("than England (95%)"), "{card}");
    // Five consecutive years (2018–2022): Fingertips' trend marker with its arrow.
    assert!(
        ["↑ increasing", "↓ decreasing", "→ no significant change"]
            .iter()
            .any(|m| card.contains(m)),
        "{card}"
    );
    h.get_by_role_and_label(Role::Button, "England").click();
    settle(&mut h);
    assert!(
        matches!(h.state().recipe().layers[0], LayerSpec::Significance { .. }),
        "{:?}",
        h.state().recipe().layers[0]
    );
    // 8 districts worse than England, 2 better (2022; checked by hand against the file).
    wait_shows(&mut h, "Worse than England (95%) (8)", 30);
    h.get_by_label_contains("Better than England (95%) (2)");
    let card = hover_centre(&mut h);
    assert!(card.contains(&format!("{title}: ")), "{card}");
    assert!(card.contains('%'), "the value, not a result code: {card}");
    assert!(card.contains("95% CI"), "{card}");
    assert!(card.contains("than England (95%)"), "{card}");
    h.get_by_role_and_label(Role::Button, "Back to classes")
        .click();
    settle(&mut h);
    assert!(
        matches!(h.state().recipe().layers[0], LayerSpec::Choropleth { .. }),
        "{:?}",
        h.state().recipe().layers[0]
    );
}
