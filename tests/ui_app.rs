//! The desktop app driven through egui_kittest by accessibility role and label (no GPU, no
//! window, no network): the analyst's round trip on the sample project.
#![cfg(feature = "gui")]

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use local_atlas::render::spec::LayerSpec;
use local_atlas::ui::AtlasApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn harness(path: &Path) -> Harness<'static, AtlasApp> {
    let path = path.to_path_buf();
    Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |_cc| AtlasApp::open(&path).expect("open the sample workspace"))
}

/// A few frames (the app may keep asking for repaints while jobs run, so no `run()`).
fn settle(h: &mut Harness<'_, AtlasApp>) {
    for _ in 0..6 {
        h.step();
    }
}

/// Steps until a node whose label contains `text` exists (background jobs finish on their
/// own threads), or fails after `secs`.
fn wait_for(h: &mut Harness<'_, AtlasApp>, text: &str, secs: u64) {
    let start = Instant::now();
    while h.query_all_by_label_contains(text).next().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "'{text}' did not appear within {secs} s"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// As [`wait_for`], for text that may be exposed as a node's value (long wrapped text).
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

fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = common::cli_sample(dir.path());
    (dir, ws)
}

/// Whether some node's label or value (long wrapped text is exposed as a value) contains
/// `text`.
fn shows(h: &Harness<'_, AtlasApp>, text: &str) -> bool {
    let text = text.to_string();
    h.query_all_by(move |n| {
        n.label().is_some_and(|l| l.contains(&text)) || n.value().is_some_and(|v| v.contains(&text))
    })
    .next()
    .is_some()
}

/// Class rows of the map legend: labels "a – b (n)".
fn legend_rows(h: &Harness<'_, AtlasApp>) -> usize {
    h.query_all_by_role(Role::Button)
        .filter(|n| {
            let l = n.accesskit_node().label().unwrap_or_default();
            l.contains(" – ") && l.ends_with(')')
        })
        .count()
}

#[test]
fn analyst_round_trip_on_the_sample_project() {
    let (dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    // Opens on the IMD score with 5 natural-breaks classes.
    h.get_by_label_contains("Index of Multiple Deprivation: score —");
    assert_eq!(legend_rows(&h), 5);

    // Pick an indicator from the browser: search, then theme → indicator.
    h.get_by_role_and_label(Role::TextInput, "Find")
        .set_text_value_accesskit("income deprivation");
    settle(&mut h);
    assert!(
        h.query_by_label("Crime: score").is_none(),
        "the search filters"
    );
    h.get_by_label("Income deprivation: score").click();
    settle(&mut h);
    h.get_by_label_contains("Income deprivation: score —");

    // Natural breaks with 7 classes: the legend shows 7 classes.
    h.get_by_role_and_label(Role::ComboBox, "Method").click();
    settle(&mut h);
    h.get_by_label("Natural breaks (Jenks)").click();
    settle(&mut h);
    h.get_by_role(Role::Slider).set_value_accesskit(7.0);
    settle(&mut h);
    assert_eq!(legend_rows(&h), 7, "the legend lists 7 classes");

    // Find an area by name and select it (the charts' header counts the selection).
    h.get_by_role_and_label(Role::TextInput, "Search")
        .set_text_value_accesskit("Bolton 001A");
    settle(&mut h);
    h.get_by_label_contains("Bolton 001A — LSOA (2011) (E0")
        .click();
    // The area card opened with it; Esc closes it and keeps the selection.
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    settle(&mut h);
    h.get_by_label("1 selected");
    assert_eq!(h.state().selected_codes().len(), 1);

    // LISA (the panel's default statistic) on a background thread: cluster counts appear.
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for(&mut h, "High–High", 60);
    h.get_by_label_contains("LISA on 1673 areas");
    let counts = h.state().hotspot_counts();
    assert_eq!(counts.values().sum::<usize>(), 1673);
    assert!(counts["HH"] > 0 && counts["LL"] > 0, "{counts:?}");
    // Screen = export: the result is the recipe's data layer, and the map the recipe draws
    // (what an export draws) has the panel's counts in its legend.
    let recipe = h.state().recipe().clone();
    assert!(
        matches!(recipe.layers[0], LayerSpec::Hotspot { .. }),
        "{:?}",
        recipe.layers[0]
    );
    let drawn = local_atlas::ops::map::explore::explore(
        &local_atlas::ops::Workspace::open(h.state().workspace_path()).unwrap(),
        &recipe,
    )
    .unwrap();
    assert_eq!(drawn.hotspot.as_ref().unwrap().counts, counts);
    // Its Moran scatterplot: the slope is the global Moran's I (positive for income).
    h.get_by_label("Moran scatterplot").click();
    settle(&mut h);
    assert!(shows(&h, "Moran's I = 0."));
    h.get_by_label("Ranked").click();
    settle(&mut h);

    // Export a PNG through the layout dialog.
    let out = dir.path().join("income.png");
    h.get_by_role_and_label(Role::Button, "Export map…").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::TextInput, "Title")
        .set_text_value_accesskit("Income deprivation in Greater Manchester");
    h.get_by_role_and_label(Role::TextInput, "File")
        .set_text_value_accesskit(&out.display().to_string());
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Export").click();
    wait_for(&mut h, "Exported", 60);
    let bytes = std::fs::read(&out).expect("the PNG was written");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let info = decoder
        .read_info()
        .expect("a PNG that decodes")
        .info()
        .clone();
    // A4 portrait at the recipe's 150 dpi.
    assert_eq!((info.width, info.height), (1240, 1754));
}

/// Brushing a box in the scatter plot selects the areas under it, and the map shares the
/// selection.
#[test]
fn brushing_the_scatter_selects_areas() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Scatter").click();
    settle(&mut h);
    let plot = h.get_by_label_contains("against").rect();
    // The plot sits under the "against" combo; drag across its middle.
    let y0 = plot.bottom() + 30.0;
    let from = egui::pos2(plot.left() + 120.0, y0);
    let to = egui::pos2(plot.left() + 900.0, y0 + 160.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=8 {
        h.hover_at(from + (to - from) * (k as f32 / 8.0));
        h.step();
    }
    h.drop_at(to);
    settle(&mut h);
    let n = h.state().selected_codes().len();
    assert!(n > 10, "the brush selected {n} areas");
    h.get_by_label(&format!("{n} selected"));
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

/// Dropping a CSV opens the import dialog: it proposes the geography and code column, shows
/// matched / unmatched counts from a trial import without touching the workspace, and
/// imports when asked; the new indicator is then on the map.
#[test]
fn dropping_a_csv_imports_it_after_a_check() {
    let (dir, ws) = sample();
    // Three real GM LSOAs and one code that is not in the workspace.
    let csv = common::write(
        dir.path(),
        "childcare.csv",
        "LSOA code,places_per_100\nE01004766,12.5\nE01004767,8\nE01005295,20\nE09999999,4\n",
    );
    let before = common::sha256(&ws);
    let mut h = harness(&ws);
    settle(&mut h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(csv.clone())));
    settle(&mut h);
    h.get_by_role_and_label(Role::Window, "Import");
    // The preview is a background job: wait for it rather than for a fixed number of frames.
    wait_for(&mut h, "4 rows, 2 columns", 30);
    // A one-column-per-indicator file needs its period: the check says so in plain words.
    wait_shows(&mut h, "needs a period", 30);
    h.get_by_role_and_label(Role::TextInput, "Period")
        .set_text_value_accesskit("2024");
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check").click();
    wait_shows(
        &mut h,
        "Check: 3 matched area codes, 1 unmatched (e.g. E09999999)",
        30,
    );
    assert_eq!(
        common::sha256(&ws),
        before,
        "the check leaves the workspace untouched"
    );
    // Import stays disabled until the unmatched code is to be skipped.
    h.get_by_role_and_label(Role::CheckBox, "Skip rows whose codes match no area")
        .click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check").click();
    wait_shows(&mut h, "Check: 3 matched", 30);
    h.get_by_role_and_label(Role::Button, "Import").click();
    wait_for(&mut h, "places_per_100 —", 30);
    assert!(legend_rows(&h) > 0);
}

/// The Index builder rebuilds the IMD 2019 from the domain ranks on a background thread and
/// maps the score; the Site finder puts five sites for the 30% most deprived on the map.
#[test]
fn index_builder_and_site_finder_show_their_results_on_the_map() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_label("Index builder").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Build index").click();
    wait_for(&mut h, "saved imd_rebuilt_score", 120);
    wait_for(&mut h, "IMD 2019 rebuilt: score —", 10);
    assert!(legend_rows(&h) >= 3);

    // Fold the builder away so the finder's button is in view.
    h.get_by_label("Index builder").click();
    settle(&mut h);
    h.get_by_label("Site finder").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Find sites")
        .scroll_to_me();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Find sites").click();
    wait_for(&mut h, "new site(s): covered", 180);
    assert!(shows(&h, "proven optimal"));
    wait_for(&mut h, "finder_site_status", 10);
    // The status map has a categorical legend, not classes of the codes 0–4.
    wait_for(&mut h, "newly covered", 10);
    assert!(shows(&h, "not covered") && shows(&h, "no demand"));
    // With a capacity per site the run says capacities are enforced and shows each site's.
    h.get_by_role_and_label(Role::CheckBox, "Capacity").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Find sites").click();
    wait_for(&mut h, "Capacities enforced", 180);
    assert!(shows(&h, "of 800 places used"));
}

/// Dragging a break line in the histogram turns the classification into manual breaks at the
/// new place, and the legend follows.
#[test]
fn dragging_a_histogram_break_moves_it() {
    use local_atlas::analysis::classify::Method;
    use local_atlas::render::spec::LayerSpec;
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    let handles = h.state().break_handles();
    assert_eq!(handles.len(), 4, "five classes have four movable breaks");
    let from = handles[0];
    let to = from + egui::vec2(25.0, 0.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=5 {
        h.hover_at(from + (to - from) * (k as f32 / 5.0));
        h.step();
    }
    h.drop_at(to);
    settle(&mut h);
    let Some(LayerSpec::Choropleth { classification, .. }) = h.state().recipe().layers.first()
    else {
        panic!("a choropleth");
    };
    assert_eq!(classification.method, Method::Manual);
    // Natural breaks put the first at 16.61; dragging right moved it up.
    assert!(
        classification.breaks[0] > 17.0,
        "{:?}",
        classification.breaks
    );
    assert_eq!(legend_rows(&h), 5);
    h.get_by_label_contains(&format!("{:.3} –", 2.403));
}

/// F11 is presenter mode: the panels go, the map and its legend stay, type is larger; F11
/// again brings the panels back. F1 lists the shortcuts.
#[test]
fn presenter_mode_and_the_shortcut_help() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    assert!(h.query_by_label("Indicators").is_some());
    h.key_press(egui::Key::F11);
    settle(&mut h);
    assert!(
        h.query_by_label("Indicators").is_none(),
        "side panels hidden"
    );
    assert_eq!(legend_rows(&h), 5, "the map legend stays");
    assert!(h.state().presenter());
    h.key_press(egui::Key::F11);
    settle(&mut h);
    assert!(h.query_by_label("Indicators").is_some());
    h.key_press(egui::Key::F1);
    settle(&mut h);
    h.get_by_role_and_label(Role::Window, "Keyboard shortcuts");
    assert!(shows(&h, "zoom to the selection"));
}

/// A CSV of three Greater Manchester LSOAs and one code that matches no area.
const CHILDCARE: &str =
    "LSOA code,places_per_100\nE01004766,12.5\nE01004767,8\nE01005295,20\nE09999999,4\n";

/// Replaces the file at `path` by a named pipe, so a job reading it waits until the test
/// writes `text` into it (see [`release`]): the job is seen running on any machine.
#[cfg(unix)]
fn hold(path: &Path) {
    std::fs::remove_file(path).expect("remove the file");
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo");
}

/// Lets the job waiting on the pipe at `path` read `text`.
#[cfg(unix)]
fn release(path: &Path, text: &'static str) -> std::thread::JoinHandle<std::io::Result<()>> {
    let pipe = path.to_path_buf();
    std::thread::spawn(move || std::fs::write(pipe, text))
}

/// Whether a progress bar is on screen.
fn progress_shown(h: &Harness<'_, AtlasApp>) -> bool {
    h.query_all_by_role(Role::ProgressIndicator)
        .next()
        .is_some()
}

/// Drops `csv`, waits for the automatic check to ask for a period, and gives it one.
fn drop_with_period(h: &mut Harness<'_, AtlasApp>, csv: &Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(csv.to_path_buf())));
    settle(h);
    wait_shows(h, "needs a period", 60);
    h.get_by_role_and_label(Role::TextInput, "Period")
        .set_text_value_accesskit("2024");
    settle(h);
}

/// The trial import is a background job: its progress bar (with Cancel) is on screen while
/// the window keeps drawing, then its report replaces it; the workspace is untouched.
#[cfg(unix)]
#[test]
fn the_import_check_runs_as_a_job_then_reports() {
    let (dir, ws) = sample();
    let csv = common::write(dir.path(), "childcare.csv", CHILDCARE);
    let before = common::sha256(&ws);
    let mut h = harness(&ws);
    settle(&mut h);
    drop_with_period(&mut h, &csv);
    hold(&csv);
    h.get_by_role_and_label(Role::Button, "Check").click();
    settle(&mut h);
    assert!(progress_shown(&h), "the check shows its progress");
    h.get_by_role_and_label(Role::Button, "Cancel");
    assert!(!shows(&h, "Check: 3 matched"), "no report while it runs");
    let writer = release(&csv, CHILDCARE);
    wait_shows(&mut h, "Check: 3 matched area codes, 1 unmatched", 60);
    writer.join().expect("writer").expect("write the pipe");
    assert!(
        !progress_shown(&h),
        "the progress bar goes when the report comes"
    );
    assert_eq!(common::sha256(&ws), before, "the check writes nothing");
}

/// Cancel on a running import: nothing is written, the dialog says so, and the workspace is
/// byte for byte what it was. (The import reads its file again before writing; the file is a
/// held pipe here, so Cancel is pressed while the import runs.)
#[cfg(unix)]
#[test]
fn cancelling_an_import_leaves_the_workspace_unchanged() {
    let (dir, ws) = sample();
    let csv = common::write(dir.path(), "childcare.csv", CHILDCARE);
    let mut h = harness(&ws);
    settle(&mut h);
    drop_with_period(&mut h, &csv);
    h.get_by_role_and_label(Role::CheckBox, "Skip rows whose codes match no area")
        .click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check").click();
    wait_shows(&mut h, "Check: 3 matched", 60);
    let before = common::sha256(&ws);
    hold(&csv);
    h.get_by_role_and_label(Role::Button, "Import").click();
    settle(&mut h);
    assert!(progress_shown(&h), "the import shows its progress");
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    settle(&mut h);
    let writer = release(&csv, CHILDCARE);
    wait_shows(&mut h, "Import cancelled", 60);
    writer.join().expect("writer").expect("write the pipe");
    assert_eq!(
        common::sha256(&ws),
        before,
        "a cancelled import writes nothing"
    );
    assert!(
        h.query_by_label_contains("places_per_100 —").is_none(),
        "nothing new is mapped"
    );
}

/// Export is a background job: it writes the file (an SVG here) and reports it, leaving no
/// partial file beside it.
#[test]
fn exporting_runs_as_a_job_and_writes_the_file() {
    let (dir, ws) = sample();
    let out_dir = dir.path().join("maps");
    std::fs::create_dir_all(&out_dir).expect("output folder");
    let out = out_dir.join("imd.svg");
    let mut h = harness(&ws);
    settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    settle(&mut h);
    h.get_by_role_and_label(Role::Window, "Export map");
    h.get_by_role_and_label(Role::TextInput, "File")
        .set_text_value_accesskit(&out.display().to_string());
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Export").click();
    h.step();
    assert!(progress_shown(&h), "the export shows its progress");
    wait_for(&mut h, "Exported", 120);
    let svg = std::fs::read_to_string(&out).expect("the SVG was written");
    assert!(svg.contains("<svg"), "an SVG drawing");
    let names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("list the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["imd.svg".to_string()], "no partial file left");
}

/// A geography shown for the first time has its map meshes built on a background thread: the
/// window keeps drawing, and the map then draws every area of it.
#[test]
fn a_new_geography_is_prepared_in_the_background() {
    let (_dir, ws) = sample();
    {
        let w = local_atlas::ops::Workspace::open(&ws).unwrap();
        let req = local_atlas::ops::aggregate::AggregateRequest {
            indicator: "imd_score".into(),
            from: "lsoa11".into(),
            to: "ward17".into(),
            weight: None,
        };
        local_atlas::ops::aggregate::run(&w, &req, &local_atlas::ops::Silent).unwrap();
    }
    let mut h = harness(&ws);
    settle(&mut h);
    assert_eq!(h.state().map_areas(), 1673);
    h.get_by_role_and_label(Role::TextInput, "Find")
        .set_text_value_accesskit("imd_score");
    settle(&mut h);
    h.get_by_label_contains("(Ward (2017))").click();
    let start = Instant::now();
    while h.state().map_areas() != 215 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the ward map never came"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.get_by_label_contains("— Ward (2017)");
}

/// File ▸ Check workspace… runs the full check as a job and says what it found.
#[test]
fn checking_the_workspace_runs_as_a_job_and_reports() {
    let (_dir, ws) = sample();
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "File").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Check workspace…")
        .click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Window, "Check workspace");
    wait_shows(&mut h, "No problems found", 120);
}

/// "Density surface…" of a point layer runs as a job (the window keeps drawing frames), then
/// shows the surface with its continuous legend and keeps it in the recipe for exports.
#[test]
fn a_density_surface_is_computed_in_the_background_and_shown_with_its_legend() {
    let (_dir, ws) = sample();
    let points =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kde/burglary_300_bng.csv");
    common::cli_ok(&[
        "import",
        "points",
        &ws.display().to_string(),
        &points.display().to_string(),
        "--layer",
        "burglary",
        "--json",
    ]);
    let mut h = harness(&ws);
    settle(&mut h);
    h.get_by_label("Density surface of Burglary…").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::Button, "Show density")
        .click();
    wait_for(&mut h, "Density of Burglary", 60);
    wait_for(&mut h, "per km²", 10);
    assert!(
        h.state()
            .recipe()
            .layers
            .iter()
            .any(|l| matches!(l, LayerSpec::Density { layer, .. } if layer == "burglary"))
    );
    // The areas' layer stays first (the classification panel and the hover card read it): the
    // surface goes above it, not in its place.
    let layers = &h.state().recipe().layers;
    assert!(
        matches!(layers.first(), Some(LayerSpec::Choropleth { .. })),
        "{layers:?}"
    );
    assert!(h.query_by_label_contains("A cluster map").is_none());
}

/// The sample with a proportion that has counts and denominators: children aged 0–15 as a
/// share of all residents, per LSOA (mid-2019), for the funnel plot.
fn sample_with_children_share() -> (tempfile::TempDir, PathBuf) {
    let (dir, ws) = sample();
    let pop = common::csv_rows(&common::seeds().join("gm_population_mid2019_lsoa.csv"));
    let mut csv = String::from("indicator,area_code,period,count,denominator,value\n");
    for r in &pop {
        let (c, n): (f64, f64) = (
            r["population_0_15"].parse().unwrap(),
            r["population_total"].parse().unwrap(),
        );
        csv.push_str(&format!(
            "children_share,{},2019,{c},{n},{}\n",
            r["lsoa11_code"],
            100.0 * c / n
        ));
    }
    let values = common::write(dir.path(), "children.csv", csv);
    let meta = common::write(
        dir.path(),
        "children_meta.csv",
        "code,title,theme,definition,unit,decimals,polarity,source,licence\nchildren_share,Children aged 0-15 (share of residents),Population,,%,1,neutral,ONS,OGL\n",
    );
    common::cli_ok(&[
        "import",
        "indicators",
        ws.to_str().unwrap(),
        values.to_str().unwrap(),
        "--geography",
        "lsoa11",
        "--metadata",
        meta.to_str().unwrap(),
        "--json",
    ]);
    (dir, ws)
}

/// The funnel plot of the mapped indicator, computed in the background through
/// `ops::funnel`: its summary appears; brushing selects areas shared with the map; a click
/// away from every dot clears the selection; an indicator without counts says why.
#[test]
fn the_funnel_plot_links_to_the_map() {
    let (_dir, ws) = sample_with_children_share();
    let mut h = harness(&ws);
    settle(&mut h);
    // The IMD score has no counts and denominators: the tab says so.
    h.get_by_role_and_label(Role::Button, "Funnel plot").click();
    wait_shows(&mut h, "No funnel plot for", 30);
    h.get_by_role_and_label(Role::TextInput, "Find")
        .set_text_value_accesskit("children aged");
    settle(&mut h);
    h.get_by_label("Children aged 0-15 (share of residents)")
        .click();
    wait_shows(&mut h, "Funnel plot (2019): average", 60);
    assert!(
        shows(&h, "outside 99.8%: "),
        "the counts outside the limits"
    );
    // The plot is the unlabelled node under the colour key.
    let key = h.get_by_label("● inside").rect();
    let plot = h
        .query_all_by_role(Role::Unknown)
        .map(|n| n.rect())
        .find(|r| r.top() > key.bottom() && r.width() > 400.0)
        .expect("the plot's area");
    // Brush the middle third of the denominators, every value.
    let from = egui::pos2(plot.left() + plot.width() / 3.0, plot.top() + 2.0);
    let to = egui::pos2(plot.left() + 2.0 * plot.width() / 3.0, plot.bottom() - 2.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=8 {
        h.hover_at(from + (to - from) * (k as f32 / 8.0));
        h.step();
    }
    h.drop_at(to);
    settle(&mut h);
    let n = h.state().selected_codes().len();
    assert!(n > 10, "the brush selected {n} areas");
    h.get_by_label(&format!("{n} selected"));
    // The plot's top-right corner (largest denominators, highest values) is far from every
    // dot: the largest areas lie near the average.
    let corner = egui::pos2(plot.right() - 3.0, plot.top() + 3.0);
    h.hover_at(corner);
    h.step();
    h.drag_at(corner);
    h.step();
    // Released with the pointer still there (`drop_at` also takes the pointer away, and a
    // click needs its position).
    h.event(egui::Event::PointerButton {
        pos: corner,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    settle(&mut h);
    assert_eq!(
        h.state().selected_codes().len(),
        0,
        "a click on no dot clears"
    );
}
