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
