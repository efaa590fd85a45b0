//! Maps from the GM sample project: the recipe → scene → SVG/PNG/PDF pipeline end to end
//! (golden structure and pixels, PDF parsed back, recipes, atlas, errors).

mod common;

use local_atlas::data::Workspace;
use local_atlas::data::import::indicators::{IndicatorOptions, import_indicators};
use local_atlas::ops::Silent;
use local_atlas::ops::map::{self, AreaCache, AtlasRequest, Format, explore, recipe};
use local_atlas::ops::stats::{self, Statistic, StatsRequest, StatsResponse};
use local_atlas::render::input::Features;
use local_atlas::render::scene::Fill;
use local_atlas::render::spec::{ClusterScheme, HotspotStatistic, LayerSpec, MapSpec, PageSize};
use local_atlas::render::symbology::format_value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One sample workspace per test binary (read-only; tests that write copy it).
fn sample() -> &'static Path {
    static SAMPLE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = local_atlas::ops::sample::build(dir.path(), &common::seeds(), &Silent).unwrap();
        (dir, path)
    });
    path
}

fn copy_of_sample(dir: &Path) -> PathBuf {
    let p = dir.join("ws.gpkg");
    std::fs::copy(sample(), &p).unwrap();
    p
}

fn imd_spec(o: recipe::Overrides) -> MapSpec {
    let mut spec = MapSpec::default();
    let base = recipe::Overrides {
        geography: Some("lsoa11".into()),
        indicator: Some("imd_score".into()),
        ..Default::default()
    };
    let ws = Workspace::open(sample()).unwrap();
    recipe::apply(&ws, &mut spec, &base).unwrap();
    recipe::apply(&ws, &mut spec, &o).unwrap();
    spec
}

/// `map` of `spec` to `out` (saving the recipe as `save_recipe`), as the CLI runs it.
fn render_to(
    ws: &mut Workspace,
    spec: &MapSpec,
    out: &Path,
    save_recipe: Option<&str>,
) -> local_atlas::Result<map::MapResponse> {
    let req = map::MapRequest {
        spec: spec.clone(),
        out: out.to_path_buf(),
        save_recipe: save_recipe.map(str::to_string),
    };
    map::run(ws, &req, &Silent)
}

fn svg_of(ws: &Workspace, spec: &MapSpec) -> String {
    let scene = map::scene(ws, spec).unwrap();
    String::from_utf8(map::encode(&[scene], spec, Format::Svg).unwrap()).unwrap()
}

#[test]
fn gm_imd_svg_has_layers_legend_title_and_attribution() {
    let ws = Workspace::open(sample()).unwrap();
    let spec = imd_spec(recipe::Overrides {
        outlines: vec!["lad16".into()],
        hatch: Some(("imd_score".into(), 10.0)),
        ..Default::default()
    });
    let svg = svg_of(&ws, &spec);
    // Layers in drawing order, each a named group.
    let choropleth = svg
        .find("0-choropleth-imd_score")
        .expect("choropleth group");
    let hatch = svg.find("1-hatch-imd_score").expect("hatch group");
    let outline = svg.find("2-outline-lad16").expect("outline group");
    assert!(choropleth < hatch && hatch < outline);
    for id in ["legend", "scale-bar", "north-arrow"] {
        assert!(svg.contains(&format!("id=\"{id}\"")), "group {id}");
    }
    // Every LSOA is a path with its code, and the ⌈1673 × 10%⌉ = 168 hatched ones again.
    let coded = svg.matches("data-code=\"E01").count();
    assert_eq!(coded, 1673 + 168, "coded LSOA paths");
    assert!(
        svg.contains("Index of Multiple Deprivation: score"),
        "title"
    );
    assert!(
        svg.contains("LSOA (2011), 2019"),
        "subtitle with placeholders expanded"
    );
    // Jenks k=5 legend: five class rows with counts summing to 1,673.
    let rows = svg.matches("&gt; ").count();
    assert!(rows >= 4, "{rows} '> a – b' legend rows");
    assert!(svg.contains("Most deprived 10% by Index of Multiple Deprivation: score"));
    assert!(svg.contains("Crown copyright"), "boundary attribution line");
    assert!(
        svg.contains("English Indices of Deprivation 2019"),
        "indicator source"
    );
}

#[test]
fn user_text_is_escaped() {
    let ws = Workspace::open(sample()).unwrap();
    let spec = imd_spec(recipe::Overrides {
        title: Some("Crime & <ASB> \"hotspots\"".into()),
        ..Default::default()
    });
    let svg = svg_of(&ws, &spec);
    assert!(svg.contains("Crime &amp; &lt;ASB&gt;"));
    assert!(!svg.contains("<ASB>"));
}

/// The one pixel tolerance of the map tests: at most 0.5% of pixels may differ by more than 8
/// in any channel (anti-aliased edges move by a fraction of a pixel between float paths).
fn assert_close(name: &str, got: &resvg::tiny_skia::Pixmap, want: &resvg::tiny_skia::Pixmap) {
    assert_eq!((got.width(), got.height()), (want.width(), want.height()));
    let differing = got
        .data()
        .chunks_exact(4)
        .zip(want.data().chunks_exact(4))
        .filter(|(a, b)| a.iter().zip(*b).any(|(x, y)| x.abs_diff(*y) > 8))
        .count();
    let share = differing as f64 / (got.width() * got.height()) as f64;
    assert!(
        share <= 0.005,
        "{name}: {:.2}% of pixels differ",
        share * 100.0
    );
}

/// The stored expectation is written when missing or when LOCAL_ATLAS_BLESS=1.
fn compare_with_golden(name: &str, png: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if !path.exists() || std::env::var_os("LOCAL_ATLAS_BLESS").is_some() {
        std::fs::write(&path, png).unwrap();
    }
    let want = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&path).unwrap()).unwrap();
    let got = resvg::tiny_skia::Pixmap::decode_png(png).unwrap();
    assert_close(name, &got, &want);
}

#[test]
fn gm_imd_png_matches_the_stored_expectation() {
    let ws = Workspace::open(sample()).unwrap();
    let mut spec = imd_spec(recipe::Overrides {
        outlines: vec!["lad16".into()],
        ..Default::default()
    });
    spec.page.size = PageSize::Pixels {
        width: 800,
        height: 566,
    };
    spec.page.dpi = 96.0;
    let scene = map::scene(&ws, &spec).unwrap();
    let png = map::encode(&[scene], &spec, Format::Png).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (800, 566));
    // The map is coloured: some pixels are strongly red (the darkest YlOrRd class) and the
    // page corner is white.
    let reds = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() > 150 && p.green() < 60 && p.blue() < 80)
        .count();
    assert!(reds > 500, "{reds} dark-red pixels");
    let corner = pixmap.pixel(2, 2).unwrap();
    assert_eq!(
        (corner.red(), corner.green(), corner.blue()),
        (255, 255, 255)
    );
    compare_with_golden("gm_imd_800x566.png", &png);
}

/// The PNG backend draws plain polygon layers itself; the result must be the SVG's pixels.
#[test]
fn png_is_the_svg_rendered() {
    let ws = Workspace::open(sample()).unwrap();
    let mut spec = imd_spec(recipe::Overrides {
        outlines: vec!["lad16".into()],
        hatch: Some(("imd_score".into(), 10.0)),
        ..Default::default()
    });
    spec.page.size = PageSize::Pixels {
        width: 700,
        height: 500,
    };
    spec.page.dpi = 96.0;
    let scene = map::scene(&ws, &spec).unwrap();
    let png = local_atlas::render::raster::to_pixmap(&scene, 700, 500).unwrap();
    let svg = local_atlas::render::svg::to_svg(&scene);
    let tree =
        resvg::usvg::Tree::from_str(&svg, &local_atlas::render::raster::usvg_options()).unwrap();
    let mut from_svg = resvg::tiny_skia::Pixmap::new(700, 500).unwrap();
    let size = tree.size();
    let ts = resvg::tiny_skia::Transform::from_scale(700.0 / size.width(), 500.0 / size.height());
    resvg::render(&tree, ts, &mut from_svg.as_mut());
    assert_close("native vs SVG", &png, &from_svg);
}

#[test]
fn gm_pdf_is_vector_with_the_title_as_text() {
    let ws = Workspace::open(sample()).unwrap();
    let spec = imd_spec(recipe::Overrides::default());
    let scene = map::scene(&ws, &spec).unwrap();
    let pdf = map::encode(&[scene], &spec, Format::Pdf).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page_id = *pages.values().next().unwrap();
    let media = doc
        .get_dictionary(page_id)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            o.as_float()
                .map(f64::from)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .unwrap()
        })
        .collect::<Vec<f64>>();
    assert!((media[2] - media[0] - 595.28).abs() < 0.5, "{media:?}");
    assert!((media[3] - media[1] - 841.89).abs() < 0.5, "{media:?}");
    let mut content = Vec::new();
    for (_, object) in doc.objects.iter() {
        if let Ok(stream) = object.as_stream() {
            content.extend(
                stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone()),
            );
        }
    }
    let text = String::from_utf8_lossy(&content);
    assert!(
        text.contains(" re") || text.contains(" l\n") || text.contains(" l "),
        "vector paths"
    );
    assert!(
        text.contains("BT") && (text.contains("Tj") || text.contains("TJ")),
        "real text"
    );
    let fonts = format!("{:?}", doc.objects);
    assert!(fonts.contains("DejaVu"), "embedded bundled font");
    assert!(fonts.contains("FontFile2"), "the font program is embedded");
    // The title is the document's title.
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .unwrap();
    let title = doc
        .get_dictionary(info)
        .unwrap()
        .get(b"Title")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(title),
        "Index of Multiple Deprivation: score"
    );
    // Selectable text: the embedded font maps its glyphs back to Unicode. (lopdf cannot
    // extract text inside Form XObjects; pypdf 6 extracts "Index of Multiple Deprivation:
    // score" from this page.)
    assert!(fonts.contains("ToUnicode"), "a ToUnicode map");
}

#[test]
fn a_saved_recipe_renders_new_data_when_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    let spec = imd_spec(recipe::Overrides::default());
    let out = dir.path().join("before.svg");
    render_to(&mut ws, &spec, &out, Some("Deprivation")).unwrap();
    let before = std::fs::read_to_string(&out).unwrap();
    assert!(before.contains("LSOA (2011), 2019"));
    // A new period arrives: every LSOA's IMD score for "2025" (doubled, so the breaks move).
    let csv = std::fs::read_to_string(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    let new = common::write(dir.path(), "imd2025.csv", csv);
    let opts = IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some("2025".into()),
        ..Default::default()
    };
    import_indicators(&mut ws, &new, &opts).unwrap();
    let saved = recipe::load(&ws, "Deprivation").unwrap();
    assert_eq!(saved, spec);
    let out2 = dir.path().join("after.svg");
    render_to(&mut ws, &saved, &out2, None).unwrap();
    let after = std::fs::read_to_string(&out2).unwrap();
    assert!(
        after.contains("LSOA (2011), 2025"),
        "the latest period is drawn"
    );
}

#[test]
fn errors_name_the_problem_and_leave_workspace_and_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let before = common::sha256(&path);
    let mut ws = Workspace::open(&path).unwrap();
    let out = dir.path().join("map.png");
    let spec = imd_spec(recipe::Overrides {
        indicator: Some("no_such_indicator".into()),
        ..Default::default()
    });
    let err = render_to(&mut ws, &spec, &out, Some("x"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no_such_indicator"), "{err}");
    let spec = imd_spec(recipe::Overrides {
        palette: Some("Rainbow".into()),
        ..Default::default()
    });
    let err = render_to(&mut ws, &spec, &out, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Rainbow") && err.contains("YlOrRd"), "{err}");
    let err = render_to(
        &mut ws,
        &imd_spec(Default::default()),
        &dir.path().join("map.jpg"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(".png, .svg or .pdf"), "{err}");
    let err = render_to(&mut ws, &imd_spec(Default::default()), &out, Some("\u{7}"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("recipe name"), "{err}");
    let mut zero_dpi = imd_spec(Default::default());
    zero_dpi.page.dpi = 0.0;
    let err = render_to(&mut ws, &zero_dpi, &out, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("dpi"), "{err}");
    let mut huge = imd_spec(Default::default());
    huge.page.size = PageSize::Custom {
        width_mm: f64::NAN,
        height_mm: 100.0,
    };
    let err = render_to(&mut ws, &huge, &out, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("page"), "{err}");
    assert!(!out.exists(), "no output after a failure");
    drop(ws);
    assert_eq!(common::sha256(&path), before, "workspace unchanged");
}

#[test]
fn atlas_writes_one_safe_file_per_district_and_a_multi_page_pdf() {
    let ws = Workspace::open(sample()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("atlas.pdf");
    let req = AtlasRequest {
        spec: imd_spec(recipe::Overrides::default()),
        per: "lad16".into(),
        out_dir: dir.path().join("pages"),
        format: Format::Svg,
        pdf_single: Some(single.clone()),
        files: true,
    };
    let r = map::atlas(&ws, &req, &Silent).unwrap();
    assert_eq!(r.pages, 10);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10);
    assert!(
        names.iter().any(|n| n == "E08000003_Manchester.svg"),
        "{names:?}"
    );
    let manchester =
        std::fs::read_to_string(dir.path().join("pages/E08000003_Manchester.svg")).unwrap();
    assert!(
        manchester.contains("Manchester (E08000003)"),
        "area named in the subtitle"
    );
    assert!(manchester.contains("id=\"inset\""), "locator inset");
    let doc = lopdf::Document::load(&single).unwrap();
    assert_eq!(doc.get_pages().len(), 10);
}

#[test]
fn lisa_clusters_map_with_conventional_colours() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let ws = Workspace::open(&path).unwrap();
    let req = local_atlas::ops::stats::StatsRequest {
        statistic: local_atlas::ops::stats::Statistic::Lisa,
        geography: "lsoa11".into(),
        indicator: "imd_score".into(),
        period: None,
        weights: local_atlas::ops::indicator_data::WeightsKind::Queen,
        permutations: 99,
        seed: 12345,
        alpha: 0.05,
        fdr: false,
        two_sided: false,
        save: true,
    };
    local_atlas::ops::stats::run(&ws, &req, &Silent).unwrap();
    let spec = MapSpec {
        layers: vec![LayerSpec::Clusters {
            geography: "lsoa11".into(),
            indicator: "imd_score_lisa_cluster".into(),
            period: None,
            scheme: ClusterScheme::Lisa,
        }],
        ..MapSpec::default()
    };
    let svg = svg_of(&ws, &spec);
    assert!(svg.contains("High–High"));
    assert!(svg.contains("#ff0000"), "HH red");
    assert!(svg.contains("#0000ff"), "LL blue");
}

/// `--hatch imd_rank:10:32844` hatches the LSOAs in the most deprived 10% of England (national
/// rank ≤ 3,284.4), which are exactly those whose published national decile is 1, and says
/// "nationally" in the legend.
#[test]
fn hatching_the_nationally_most_deprived_decile() {
    let ws = Workspace::open(sample()).unwrap();
    let spec = imd_spec(recipe::Overrides {
        hatch: Some(("imd_rank".into(), 10.0)),
        hatch_of: Some(32_844.0),
        ..Default::default()
    });
    let svg = svg_of(&ws, &spec);
    let deciles = local_atlas::data::query::values(&ws, "imd_decile", "lsoa11", "2019").unwrap();
    let first_decile = deciles.iter().filter(|v| v.value == Some(1.0)).count();
    assert!(
        first_decile > 300,
        "GM has many LSOAs in England's most deprived tenth"
    );
    let coded = svg.matches("data-code=\"E01").count();
    assert_eq!(
        coded,
        1673 + first_decile,
        "each nationally most deprived LSOA hatched once"
    );
    assert!(
        svg.contains("Most deprived 10% nationally by"),
        "legend entry"
    );
}

/// A recipe's hotspot layer: LISA on the IMD score (queen, 999 permutations, seed 12345).
fn hotspot_spec(statistic: HotspotStatistic) -> MapSpec {
    MapSpec {
        layers: vec![LayerSpec::Hotspot {
            geography: "lsoa11".into(),
            indicator: "imd_score".into(),
            period: None,
            statistic,
            weights: "queen".into(),
            permutations: 999,
            seed: 12345,
            alpha: 0.05,
            fdr: false,
            two_sided: false,
        }],
        ..MapSpec::default()
    }
}

/// (area code → fill colour) of every coded area path of an SVG.
fn svg_fills(svg: &str) -> std::collections::HashMap<String, String> {
    svg.split("<path data-code=\"")
        .skip(1)
        .filter_map(|rest| {
            let (code, rest) = rest.split_once('"')?;
            let tag = rest.split('>').next()?;
            let fill = tag.split(" fill=\"").nth(1)?.split('"').next()?;
            Some((code.to_string(), fill.to_string()))
        })
        .collect()
}

/// The screen is the export: a hotspot layer exported to SVG draws every area in the colour
/// `explore` gives it, with the legend counts `explore` shows, and those counts are the ones
/// `stats` reports for the same request.
#[test]
fn a_hotspot_layer_exports_what_explore_shows_and_stats_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    for (statistic, stat) in [
        (HotspotStatistic::Lisa, Statistic::Lisa),
        (HotspotStatistic::Gistar, Statistic::Gistar),
    ] {
        let spec = hotspot_spec(statistic);
        let ex = explore::explore(&ws, &spec).unwrap();
        let out = dir.path().join("hotspot.svg");
        render_to(&mut ws, &spec, &out, None).unwrap();
        let svg = std::fs::read_to_string(&out).unwrap();

        // Per-area colours: the export's are explore's.
        let layer = &ex.input.layers[ex.layer_index];
        let Features::Polygons(features) = &layer.features else {
            panic!("polygons expected");
        };
        assert_eq!(features.len(), 1673);
        let fills = svg_fills(&svg);
        for (f, row) in features.iter().zip(&ex.rows) {
            let Fill::Solid(colour) = f.fill else {
                panic!("solid fills expected");
            };
            assert_eq!(fills.get(&row.code), Some(&colour.hex()), "{}", row.code);
        }

        // Legend: explore's counts are in the export, and are those of `stats`.
        let mut req = StatsRequest::new(stat, "lsoa11", "imd_score");
        req.permutations = 999;
        req.seed = 12345;
        let stats_counts = match stats::run(&ws, &req, &Silent).unwrap() {
            StatsResponse::Lisa(l) => l.counts,
            StatsResponse::Gistar(g) => g.counts,
            StatsResponse::Moran(_) => unreachable!("asked for a local statistic"),
        };
        let view = ex.hotspot.as_ref().expect("a hotspot view");
        let expected: std::collections::BTreeMap<String, usize> = stats_counts
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        assert_eq!(view.counts, expected);
        let legend = layer.legend.as_ref().expect("a legend");
        let scheme = statistic.scheme();
        let table = local_atlas::render::symbology::clusters::classes(scheme);
        for entry in &legend.entries {
            let count = entry.count.expect("counts in the legend");
            let text = format!("{} ({})", entry.label, format_value(count as f64, 0));
            assert!(svg.contains(&text), "export legend row '{text}'");
            // The legend row's class, as `stats` names it, has the same count.
            let labelled = ex
                .rows
                .iter()
                .zip(&view.labels)
                .filter(|(_, l)| l.as_deref() == Some(entry.label.as_str()))
                .count();
            assert_eq!(labelled, count, "per-area labels of '{}'", entry.label);
            if let Some((code, _, _)) = table.iter().find(|(_, l, _)| *l == entry.label) {
                let key = stats_key(scheme, *code);
                assert_eq!(stats_counts.get(key), Some(&count), "{key}");
            }
        }
        let total: usize = legend.entries.iter().filter_map(|e| e.count).sum();
        assert_eq!(total, 1673);
        match statistic {
            HotspotStatistic::Lisa => {
                let scatter = view.scatter.as_ref().expect("a Moran scatterplot");
                assert_eq!(scatter.points.len(), 1673);
                assert!(
                    scatter.moran_i > 0.3,
                    "IMD clusters: I = {}",
                    scatter.moran_i
                );
            }
            HotspotStatistic::Gistar => assert!(view.scatter.is_none()),
        }
    }
}

/// The fill of every polygon of a layer.
fn fills_of(features: &Features) -> Vec<Fill> {
    match features {
        Features::Polygons(p) => p.iter().map(|a| a.fill.clone()).collect(),
        Features::Points(_) | Features::Raster(_) => Vec::new(),
    }
}

/// The key `stats` counts a class code under.
fn stats_key(scheme: ClusterScheme, code: i64) -> &'static str {
    match (scheme, code) {
        (ClusterScheme::Lisa, 1) => "HH",
        (ClusterScheme::Lisa, 2) => "LL",
        (ClusterScheme::Lisa, 3) => "LH",
        (ClusterScheme::Lisa, 4) => "HL",
        (ClusterScheme::Lisa, 5) => "island",
        (_, 0) => "not_significant",
        (_, 3) => "hot_99",
        (_, 2) => "hot_95",
        (_, 1) => "hot_90",
        (_, -1) => "cold_90",
        (_, -2) => "cold_95",
        (_, -3) => "cold_99",
        _ => "unknown",
    }
}

/// A hotspot layer draws exactly what its saved result draws as a cluster layer.
#[test]
fn a_hotspot_layer_draws_as_its_saved_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let ws = Workspace::open(&path).unwrap();
    let spec = hotspot_spec(HotspotStatistic::Gistar);
    let live = explore::explore(&ws, &spec).unwrap();
    let mut req = StatsRequest::new(Statistic::Gistar, "lsoa11", "imd_score");
    req.save = true;
    stats::run(&ws, &req, &Silent).unwrap();
    let saved_spec = MapSpec {
        layers: vec![LayerSpec::Clusters {
            geography: "lsoa11".into(),
            indicator: "imd_score_gistar_class".into(),
            period: None,
            scheme: ClusterScheme::GiStar,
        }],
        ..MapSpec::default()
    };
    let saved = explore::explore(&ws, &saved_spec).unwrap();
    let (a, b) = (
        &live.input.layers[live.layer_index],
        &saved.input.layers[saved.layer_index],
    );
    assert_eq!(a.id, b.id, "same layer id");
    assert_eq!(a.legend, b.legend, "same legend and counts");
    assert_eq!(fills_of(&a.features), fills_of(&b.features), "same colours");
    assert_eq!(
        live.rows.iter().map(|r| r.class).collect::<Vec<_>>(),
        saved.rows.iter().map(|r| r.class).collect::<Vec<_>>()
    );
}

#[test]
fn recipes_with_a_hotspot_layer_save_and_load_and_old_recipes_still_parse() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let ws = Workspace::open(&path).unwrap();
    let mut spec = hotspot_spec(HotspotStatistic::Lisa);
    spec.layers.push(LayerSpec::Outline {
        geography: "lad16".into(),
        colour: "#000000".into(),
        width_mm: 0.5,
        labels: false,
    });
    recipe::save(&ws, "IMD clusters", &spec).unwrap();
    assert_eq!(recipe::load(&ws, "IMD clusters").unwrap(), spec);
    // The shortest hotspot layer: every option has the `stats` default.
    let short = recipe::parse(
        r#"{"layers": [{"kind": "hotspot", "geography": "lsoa11", "indicator": "imd_score", "statistic": "lisa"}]}"#,
    )
    .unwrap();
    assert_eq!(short, hotspot_spec(HotspotStatistic::Lisa));
    // A recipe written before the layer existed.
    let old = recipe::parse(
        r#"{"version": 1, "layers": [{"kind": "choropleth", "geography": "lsoa11", "indicator": "imd_score",
            "classification": {"method": "quantile", "k": 5}}, {"kind": "clusters", "geography": "lsoa11",
            "indicator": "imd_score_lisa_cluster", "scheme": "lisa"}], "title": "{indicator}"}"#,
    )
    .unwrap();
    assert_eq!(old.layers.len(), 2);
    // Bad weights are named.
    let mut bad = hotspot_spec(HotspotStatistic::Lisa);
    if let LayerSpec::Hotspot { weights, .. } = &mut bad.layers[0] {
        *weights = "hexagons".into();
    }
    let err = explore::explore(&ws, &bad).unwrap_err().to_string();
    assert!(err.contains("hexagons") && err.contains("queen"), "{err}");
}

/// A palette click re-colours from the cached areas; an import makes the next explore read
/// the workspace again and show the new data.
#[test]
fn explore_keeps_decoded_areas_until_the_workspace_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let mut ws = Workspace::open(&path).unwrap();
    let mut cache = AreaCache::new();
    let mut spec = imd_spec(recipe::Overrides {
        outlines: vec!["lad16".into()],
        ..Default::default()
    });
    let first = explore::explore_cached(&ws, &spec, &mut cache).unwrap();
    assert_eq!(cache.decodes(), 2, "lsoa11 and lad16 decoded once each");
    if let LayerSpec::Choropleth { palette, .. } = &mut spec.layers[0] {
        palette.name = Some("Blues".into());
    }
    let second = explore::explore_cached(&ws, &spec, &mut cache).unwrap();
    assert_eq!(cache.decodes(), 2, "a palette change decodes nothing");
    assert_ne!(
        fills_of(&first.input.layers[0].features),
        fills_of(&second.input.layers[0].features),
        "new colours"
    );
    assert_eq!(first.period, "2019");

    // An import through this connection.
    let csv = std::fs::read_to_string(common::seeds().join("gm_iod2019_lsoa_wide.csv")).unwrap();
    let new = common::write(dir.path(), "imd2025.csv", csv);
    let opts = |period: &str| IndicatorOptions {
        geography: "lsoa11".into(),
        wide: true,
        period: Some(period.into()),
        ..Default::default()
    };
    import_indicators(&mut ws, &new, &opts("2025")).unwrap();
    let after = explore::explore_cached(&ws, &spec, &mut cache).unwrap();
    assert_eq!(after.period, "2025", "the new period is shown");
    assert_eq!(cache.decodes(), 4, "the import made the cache read again");

    // An import through another connection (an import job).
    let mut other = Workspace::open(&path).unwrap();
    import_indicators(&mut other, &new, &opts("2026")).unwrap();
    drop(other);
    let later = explore::explore_cached(&ws, &spec, &mut cache).unwrap();
    assert_eq!(later.period, "2026");
    assert_eq!(cache.decodes(), 6);
    explore::explore_cached(&ws, &spec, &mut cache).unwrap();
    assert_eq!(cache.decodes(), 6);
}

/// Feedback that records stages and cancels when a given stage begins.
struct CancelAt {
    at: &'static str,
    stages: std::sync::Mutex<Vec<String>>,
    cancelled: std::sync::atomic::AtomicBool,
}

impl CancelAt {
    fn new(at: &'static str) -> Self {
        Self {
            at,
            stages: Default::default(),
            cancelled: Default::default(),
        }
    }
}

impl local_atlas::ops::Feedback for CancelAt {
    fn stage(&self, name: &str) {
        self.stages.lock().unwrap().push(name.to_string());
        if name == self.at {
            self.cancelled
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[test]
fn export_reports_its_stages_and_cancels_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_sample(dir.path());
    let ws = Workspace::open(&path).unwrap();
    let out = dir.path().join("map.png");
    let mut spec = imd_spec(Default::default());
    spec.page.dpi = 30.0;
    let req = map::MapRequest {
        spec,
        out: out.clone(),
        save_recipe: Some("kept".into()),
    };
    let all = CancelAt::new("none");
    map::run(&ws, &req, &all).unwrap();
    let stages = all.stages.lock().unwrap().clone();
    for (a, b) in [
        ("read", "layout"),
        ("layout", "draw"),
        ("draw", "encode"),
        ("encode", "write"),
    ] {
        let pos = |s: &str| stages.iter().position(|x| x == s).unwrap();
        assert!(pos(a) < pos(b), "{a} before {b}: {stages:?}");
    }
    let written = std::fs::read(&out).unwrap();
    recipe::save(&ws, "kept", &MapSpec::default()).unwrap();
    for at in ["read", "layout", "draw", "encode", "write"] {
        let cancel = CancelAt::new(at);
        let err = map::run(&ws, &req, &cancel).unwrap_err();
        assert!(matches!(err, local_atlas::Error::Cancelled), "{at}: {err}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            written,
            "{at}: file untouched"
        );
        assert_eq!(
            recipe::load(&ws, "kept").unwrap(),
            MapSpec::default(),
            "{at}: recipe not saved"
        );
    }
    // The request is the operation's serialisable input.
    let json = serde_json::to_string(&req).unwrap();
    let back: map::MapRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, req);
}

/// A page of more than 200,000 points (a national map) is drawn in parts: its run of plain
/// polygons written as PDF operators (one even-odd fill-and-stroke per area, deflated), the
/// legend's text through svg2pdf, in that order; the file is still one valid vector page with
/// the title as text.
#[test]
fn a_national_size_page_writes_its_polygons_directly_and_keeps_its_text() {
    use local_atlas::render::scene::{
        Anchor, Colour, Fill, Group, Item, PathItem, PointMm, Scene, Stroke, TextItem,
    };
    let mut areas = Group::new("layer-1", "Areas");
    for i in 0..6000 {
        let (x, y) = ((i % 100) as f64 * 4.0, (i / 100) as f64 * 4.0);
        let ring: Vec<PointMm> = (0..=40)
            .map(|k| {
                let a = k as f64 / 40.0 * std::f64::consts::TAU;
                PointMm {
                    x: x + 2.0 + 1.5 * a.cos(),
                    y: y + 2.0 + 1.5 * a.sin(),
                }
            })
            .collect();
        areas.items.push(Item::Path(PathItem {
            rings: vec![ring],
            fill: Fill::Solid(Colour::rgb(40, 90, (i % 200) as u8)),
            stroke: Some(Stroke::solid(Colour::WHITE, 0.06)),
            code: None,
            label: None,
        }));
    }
    let mut legend = Group::new("legend", "Legend");
    legend.items.push(Item::Text(TextItem {
        pos: PointMm { x: 10.0, y: 290.0 },
        text: "National title".into(),
        size_pt: 12.0,
        bold: true,
        anchor: Anchor::default(),
        colour: Colour::BLACK,
        halo: None,
    }));
    let scene = Scene {
        width_mm: 420.0,
        height_mm: 297.0,
        background: Colour::WHITE,
        groups: vec![areas, legend],
        title: "National".into(),
        dropped_labels: Vec::new(),
    };
    let pdf = local_atlas::render::pdf::to_pdf(&[scene]).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let mut fills = 0;
    let mut text = false;
    for obj in doc.objects.values() {
        if let Ok(stream) = obj.as_stream() {
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            let s = String::from_utf8_lossy(&data);
            fills += s.matches("B*\n").count();
            text |= s.contains(" Tj") || s.contains("TJ");
        }
    }
    assert_eq!(fills, 6000, "one fill-and-stroke per area");
    assert!(text, "the legend's text is text");
}
