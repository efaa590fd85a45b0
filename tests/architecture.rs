//! The library's layers point one way: data → analysis → render → ops (→ ui). The headless layers
//! never mention the GUI crates or the ui module.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn headless_layers_do_not_reach_into_the_gui() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules: [(&str, &[&str]); 4] = [
        (
            "data",
            &[
                "egui",
                "eframe",
                "walkers",
                "crate::ui",
                "crate::ops",
                "crate::analysis",
                "colorous",
            ],
        ),
        (
            "analysis",
            &[
                "egui",
                "eframe",
                "walkers",
                "crate::ui",
                "crate::ops",
                "crate::data",
                "rusqlite",
                "std::fs",
                "colorous",
            ],
        ),
        (
            "render",
            &[
                "egui",
                "eframe",
                "walkers",
                "crate::ui",
                "crate::ops",
                "crate::data",
                "rusqlite",
                "std::fs",
            ],
        ),
        ("ops", &["egui", "eframe", "walkers", "crate::ui"]),
    ];
    let mut checked = 0;
    for (layer, banned) in rules {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        assert!(!files.is_empty(), "layer {layer} has no files");
        for f in files {
            let mut text = std::fs::read_to_string(&f).unwrap();
            // The one allowed crossing: the GAL/GWT file formats read and write the weights
            // container, a plain data type with no analysis logic behind it.
            if f.ends_with("data/weights_io.rs") {
                text = text.replace("crate::analysis::weights::", "");
            }
            for b in banned {
                assert!(!text.contains(b), "{} mentions {b}", f.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 10);
}

/// Front-end files that may use a library module other than `ops` (and `render` types for
/// drawing), each with the reason. Everything else in `ui/` and `cli/` goes through `ops`.
const FRONT_END_EXCEPTIONS: &[(&str, &str, &str)] = &[
    // (file, allowed path, reason)
];

/// The library paths a front-end file reaches past `ops`: `crate::data::…`,
/// `local_atlas::analysis::…`, or the same inside a grouped `use crate::{…}`.
fn bypasses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for root in ["crate", "local_atlas"] {
        for layer in ["data", "analysis"] {
            let direct = format!("{root}::{layer}::");
            let whole = format!("{root}::{layer};");
            if text.contains(&direct) || text.contains(&whole) {
                found.push(format!("{root}::{layer}"));
            }
            // `use crate::{data::x, ops}` and multi-line groups.
            let group = format!("{root}::{{");
            for (i, _) in text.match_indices(&group) {
                let rest = &text[i + group.len()..];
                let end = rest.find("};").unwrap_or(rest.len());
                let inner = &rest[..end];
                if inner
                    .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
                    .any(|t| t == layer || t.starts_with(&format!("{layer}::")))
                {
                    found.push(format!("{root}::{{{layer}…}}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The `ui/` modules a file names through `super::` or `crate::ui::`.
fn ui_modules_named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["super::", "crate::ui::"] {
        for (i, _) in text.match_indices(prefix) {
            let rest = &text[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.push(name);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn front_end_violations(file: &str, text: &str) -> Vec<String> {
    bypasses(text)
        .into_iter()
        .filter(|path| {
            !FRONT_END_EXCEPTIONS
                .iter()
                .any(|(f, allowed, _)| file.ends_with(f) && path.ends_with(allowed))
        })
        .map(|path| format!("{file} reaches past ops: {path}"))
        .collect()
}

#[test]
fn the_bypass_check_catches_a_panel_or_the_cli_reading_the_workspace_tables() {
    let cli = "use anyhow::Result;\nuse local_atlas::data::query;\n";
    assert_eq!(
        front_end_violations("src/cli/info.rs", cli),
        ["src/cli/info.rs reaches past ops: local_atlas::data"]
    );
    let panel = "use crate::{\n    data::query::{self, IndicatorInfo},\n    ops,\n};\n";
    assert_eq!(
        front_end_violations("src/ui/indicator_browser.rs", panel),
        ["src/ui/indicator_browser.rs reaches past ops: crate::{data…}"]
    );
    let analysis = "let m = crate::analysis::classify::Method::Jenks;";
    assert_eq!(front_end_violations("src/ui/x.rs", analysis).len(), 1);
    let fine = "use crate::ops::catalog;\nuse crate::render::scene::Fill;\n// metadata::x\n";
    assert!(front_end_violations("src/ui/x.rs", fine).is_empty());
    assert_eq!(
        ui_modules_named("use super::app::{AppView, Command};\nuse super::jobs::Job;"),
        ["app", "jobs"]
    );
}

/// `ui/` and `cli/` reach the library through `ops` only (and `render` types for drawing).
#[test]
fn front_ends_go_through_ops() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("ui"), &mut files);
    rust_files(&src.join("cli"), &mut files);
    files.push(src.join("main.rs"));
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.strip_prefix(&src).unwrap().display().to_string();
        problems.extend(front_end_violations(&name, &text));
    }
    assert!(files.len() > 10);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The app's shell (`app`: state, `Command`, `AppView` and `apply`; `frame`: lays the panels
/// out; `bench`: the frame-time benchmark) and the shared widgets and helpers. Every other `ui/`
/// file is a panel, which may use these but never another panel: panels talk to each other only
/// through the app's commands.
/// `open_recipe` is part of the shell too (it is `AtlasApp`'s recipe opening, split out).
const UI_SHELL: &[&str] = &["app", "frame", "mod", "bench", "open_recipe"];

/// Parts of one panel kept in their own files (part, the panel it belongs to): only that
/// panel may import them.
const UI_PANEL_PARTS: &[(&str, &str)] = &[
    ("export_area", "export_dialog"),
    ("export_labels", "export_dialog"),
    ("export_naming", "export_dialog"),
    ("hover_card", "map_panel"),
    ("import_columns", "import_dialog"),
    ("find_box", "map_panel"),
    ("compared_with", "classification"),
    ("funnel_plot", "charts"),
];
const UI_SHARED: &[&str] = &[
    "jobs",
    "prefs",
    "map_layer",
    "map_view",
    "frame_cache",
    "frame_log",
    "app_words",
];

#[test]
fn panels_do_not_import_each_other() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&ui, &mut files);
    let panels: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_stem()?.to_str().map(str::to_string))
        .filter(|s| !UI_SHARED.contains(&s.as_str()) && !UI_SHELL.contains(&s.as_str()))
        .collect();
    let mut problems = Vec::new();
    for f in &files {
        let stem = f.file_stem().unwrap().to_str().unwrap().to_string();
        if !panels.contains(&stem) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for m in ui_modules_named(&text) {
            let own_part = UI_PANEL_PARTS.contains(&(m.as_str(), stem.as_str()));
            if m != stem && panels.contains(&m) && !own_part {
                problems.push(format!("panel ui/{stem}.rs imports panel ui/{m}.rs"));
            }
        }
    }
    for expected in [
        "site_finder",
        "index_builder",
        "indicator_browser",
        "legend",
        "hotspots",
    ] {
        assert!(
            panels.iter().any(|p| p == expected),
            "panels found: {panels:?}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
