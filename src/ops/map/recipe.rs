//! Recipes: saving and loading `MapSpec`s by name, and applying command-line overrides.

use crate::analysis::classify::Method;
use crate::data::indicator::IndicatorKind;
use crate::data::{Workspace, recipes};
use crate::error::{Error, Result};
use crate::render::spec::{
    ClassificationSpec, ClusterScheme, LayerSpec, MapSpec, PageSize, PaletteSpec, SPEC_VERSION,
    Symbol,
};

/// Saves `spec` as recipe `name` (replacing one of that name).
pub fn save(ws: &Workspace, name: &str, spec: &MapSpec) -> Result<()> {
    let json = serde_json::to_string_pretty(spec)
        .map_err(|e| Error::Invalid(format!("recipe '{name}' cannot be written: {e}")))?;
    recipes::save(ws, name, &json)
}

/// Loads recipe `name`.
pub fn load(ws: &Workspace, name: &str) -> Result<MapSpec> {
    let json = recipes::load(ws, name)?;
    parse(&json).map_err(|e| Error::Invalid(format!("recipe '{name}': {e}")))
}

/// The largest recipe file read (`map --recipe-file`): 1 MiB. A recipe is a page of JSON;
/// the limit stops `/dev/zero` or a mistaken huge file from being read into memory.
pub const MAX_RECIPE_BYTES: u64 = 1 << 20;

/// Parses a recipe's JSON; refuses recipes from a newer Local Atlas and recipes beyond the
/// limits of [`crate::render::spec_limits`] (text lengths, layers, sizes).
pub fn parse(json: &str) -> std::result::Result<MapSpec, String> {
    let spec: MapSpec = serde_json::from_str(json).map_err(|e| {
        format!("not a valid map recipe ({e}); see README \"Map recipes\" for the format")
    })?;
    if spec.version > SPEC_VERSION {
        return Err(format!(
            "written by a newer Local Atlas (recipe version {}, this build reads up to {SPEC_VERSION}); update Local Atlas",
            spec.version
        ));
    }
    spec.check_limits()?;
    Ok(spec)
}

/// Reads a recipe from a JSON file (a regular file of at most [`MAX_RECIPE_BYTES`]); errors
/// name the file.
pub fn read_file(path: &std::path::Path) -> Result<MapSpec> {
    let bytes = crate::data::read_limited::read_limited(path, MAX_RECIPE_BYTES)?;
    let shown = path.display();
    let text = String::from_utf8(bytes).map_err(|_| {
        crate::error::InputError::new(&shown, "is not UTF-8 text")
            .hint("save the recipe as UTF-8 JSON, as `map --save-recipe` stores it")
    })?;
    parse(&text).map_err(|e| crate::error::InputError::new(&shown, e).into())
}

/// Command-line changes to a recipe (all optional; `None` keeps the recipe's value).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub geography: Option<String>,
    pub indicator: Option<String>,
    pub period: Option<String>,
    pub method: Option<Method>,
    pub classes: Option<usize>,
    pub breaks: Option<Vec<f64>>,
    pub palette: Option<String>,
    pub reverse: bool,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub note: Option<String>,
    pub page: Option<PageSize>,
    pub landscape: Option<bool>,
    pub dpi: Option<f64>,
    pub pixels: Option<(u32, u32)>,
    /// Outline layers to add: `GEOGRAPHY` or `GEOGRAPHY:labels`
    /// ([`super::extent_text::parse_outline`]).
    pub outlines: Vec<String>,
    /// The map area (`--extent`, read by [`super::extent_text::parse_extent`]).
    pub extent: Option<crate::render::spec::Extent>,
    /// Point layers to add, with an optional label field.
    pub points: Vec<(String, Option<String>)>,
    /// Density surfaces to add: point layer and bandwidth in metres (cells a fifth of it).
    pub densities: Vec<(String, f64)>,
    /// Hatch the worst X% by an indicator (at the choropleth's geography).
    pub hatch: Option<(String, f64)>,
    /// The hatch indicator is a national rank out of this many (e.g. 32844).
    pub hatch_of: Option<f64>,
    /// Draw the data layer as a significance layer: benchmark (`E92000001`,
    /// `parent:lad16`) and method (`ci95`…).
    pub compare: Option<(String, String)>,
    pub inset: Option<bool>,
    pub legend: Option<bool>,
    pub legend_counts: Option<bool>,
    pub all_classes: Option<bool>,
}

/// Applies `o` to `spec`. `--indicator` changes the first choropleth layer (creating it at the
/// bottom when the recipe has none, which needs `--geography`); a saved cluster, hot-spot or
/// siting result (by the kind stored with it in `ws`) becomes a cluster layer instead.
pub fn apply(ws: &Workspace, spec: &mut MapSpec, o: &Overrides) -> Result<()> {
    let kind = match o.indicator.as_deref() {
        Some(code) => crate::data::query::indicator_kind(ws, code)?.unwrap_or_default(),
        None => IndicatorKind::Value,
    };
    if let Some(scheme) = cluster_scheme(kind) {
        return apply_clusters(spec, o, scheme);
    }
    apply_choropleth(spec, o)?;
    if let Some((benchmark, method)) = &o.compare {
        to_significance(spec, benchmark, method)?;
    }
    Ok(())
}

/// Turns the recipe's first choropleth into a significance layer of the same indicator.
fn to_significance(spec: &mut MapSpec, benchmark: &str, method: &str) -> Result<()> {
    let found = spec.layers.iter().enumerate().find_map(|(i, l)| match l {
        LayerSpec::Choropleth {
            geography,
            indicator,
            period,
            ..
        }
        | LayerSpec::Significance {
            geography,
            indicator,
            period,
            ..
        } => Some((i, geography.clone(), indicator.clone(), period.clone())),
        _ => None,
    });
    let Some((i, geography, indicator, period)) = found else {
        return Err(Error::Invalid(
            "--compare needs an indicator to compare (--indicator and --geography)".into(),
        ));
    };
    spec.layers[i] = LayerSpec::Significance {
        geography,
        indicator,
        period,
        benchmark: benchmark.to_string(),
        method: method.to_string(),
    };
    Ok(())
}

/// The cluster scheme a saved result is drawn with, from the kind stored with it when it was
/// saved (`stats lisa|gistar --save`, `site --save`); `None` for plain values.
///
/// ```
/// use local_atlas::data::indicator::IndicatorKind;
/// use local_atlas::ops::map::recipe::cluster_scheme;
/// use local_atlas::render::spec::ClusterScheme;
/// assert_eq!(cluster_scheme(IndicatorKind::LisaCluster), Some(ClusterScheme::Lisa));
/// assert_eq!(cluster_scheme(IndicatorKind::GistarClass), Some(ClusterScheme::GiStar));
/// assert_eq!(cluster_scheme(IndicatorKind::SiteStatus), Some(ClusterScheme::Siting));
/// assert_eq!(cluster_scheme(IndicatorKind::Value), None);
/// ```
pub fn cluster_scheme(kind: IndicatorKind) -> Option<ClusterScheme> {
    match kind {
        IndicatorKind::LisaCluster => Some(ClusterScheme::Lisa),
        IndicatorKind::GistarClass => Some(ClusterScheme::GiStar),
        IndicatorKind::SiteStatus => Some(ClusterScheme::Siting),
        IndicatorKind::Comparison => Some(ClusterScheme::Significance),
        IndicatorKind::Value => None,
    }
}

/// `--indicator X_lisa_cluster` (or `_gistar_class`) maps the saved result with the
/// conventional colours: it replaces the recipe's first choropleth or cluster layer.
fn apply_clusters(spec: &mut MapSpec, o: &Overrides, scheme: ClusterScheme) -> Result<()> {
    let first = spec
        .layers
        .iter()
        .position(|l| matches!(l, LayerSpec::Choropleth { .. } | LayerSpec::Clusters { .. }));
    let existing = first.and_then(|i| match spec.layers.get(i) {
        Some(LayerSpec::Choropleth { geography, .. } | LayerSpec::Clusters { geography, .. }) => {
            Some(geography.clone())
        }
        _ => None,
    });
    let geography = o.geography.clone().or(existing).ok_or_else(|| {
        Error::Invalid("--indicator needs --geography (e.g. --geography lsoa11)".into())
    })?;
    let layer = LayerSpec::Clusters {
        geography,
        indicator: o.indicator.clone().unwrap_or_default(),
        period: o.period.clone(),
        scheme,
    };
    match first {
        Some(i) => spec.layers[i] = layer,
        None => spec.layers.insert(0, layer),
    }
    let rest = Overrides {
        indicator: None,
        geography: None,
        period: None,
        ..o.clone()
    };
    apply_choropleth(spec, &rest)
}

fn apply_choropleth(spec: &mut MapSpec, o: &Overrides) -> Result<()> {
    let first = spec
        .layers
        .iter()
        .position(|l| matches!(l, LayerSpec::Choropleth { .. }));
    match (first, &o.indicator) {
        (None, Some(indicator)) => {
            let geography = o.geography.clone().ok_or_else(|| {
                Error::Invalid("--indicator needs --geography (e.g. --geography lsoa11)".into())
            })?;
            spec.layers.insert(
                0,
                LayerSpec::Choropleth {
                    geography,
                    indicator: indicator.clone(),
                    period: None,
                    classification: ClassificationSpec::default(),
                    palette: PaletteSpec::default(),
                },
            );
        }
        (None, None) if o.method.is_some() || o.classes.is_some() || o.palette.is_some() => {
            return Err(Error::Invalid(
                "--method, --classes and --palette need a choropleth: give --geography and --indicator".into(),
            ));
        }
        _ => {}
    }
    let choropleth_geography = spec.layers.iter_mut().find_map(|l| match l {
        LayerSpec::Choropleth {
            geography,
            indicator,
            period,
            classification,
            palette,
        } => {
            if let Some(g) = &o.geography {
                *geography = g.clone();
            }
            if let Some(i) = &o.indicator {
                *indicator = i.clone();
            }
            if o.period.is_some() {
                *period = o.period.clone();
            }
            if let Some(m) = o.method {
                classification.method = m;
            }
            if let Some(k) = o.classes {
                classification.k = k;
            }
            if let Some(b) = &o.breaks {
                classification.breaks = b.clone();
                classification.method = Method::Manual;
            }
            if let Some(p) = &o.palette {
                palette.name = Some(p.clone());
            }
            palette.reverse ^= o.reverse;
            Some(geography.clone())
        }
        _ => None,
    });
    if let Some((indicator, percent)) = &o.hatch {
        let geography = choropleth_geography
            .or_else(|| o.geography.clone())
            .ok_or_else(|| {
                Error::Invalid("--hatch needs --geography (or a choropleth layer)".into())
            })?;
        spec.layers.push(LayerSpec::Hatch {
            geography,
            indicator: indicator.clone(),
            period: o.period.clone(),
            percent: *percent,
            of: o.hatch_of,
            colour: "#000000".into(),
        });
    }
    for (layer, bandwidth_m) in &o.densities {
        // Over the filled areas, under the outlines and points.
        let at = spec
            .layers
            .iter()
            .rposition(|l| {
                matches!(
                    l,
                    LayerSpec::Choropleth { .. }
                        | LayerSpec::Clusters { .. }
                        | LayerSpec::Hotspot { .. }
                        | LayerSpec::Significance { .. }
                )
            })
            .map_or(0, |i| i + 1);
        spec.layers.insert(
            at,
            LayerSpec::Density {
                layer: layer.clone(),
                bandwidth_m: *bandwidth_m,
                cell_m: crate::ops::kde::screen_cell_m(*bandwidth_m),
                palette: PaletteSpec::default(),
                opacity: 0.85,
                title: None,
            },
        );
    }
    for text in &o.outlines {
        let (geography, labels) = super::extent_text::parse_outline(text)?;
        let existing = spec.layers.iter_mut().find_map(|l| match l {
            LayerSpec::Outline {
                geography: g,
                labels: l,
                ..
            } if *g == geography => Some(l),
            _ => None,
        });
        match existing {
            Some(l) => *l |= labels,
            None => spec.layers.push(LayerSpec::Outline {
                geography,
                colour: "#333333".into(),
                width_mm: 0.35,
                labels,
            }),
        }
    }
    if let Some(extent) = &o.extent {
        spec.extent = extent.clone();
    }
    for (layer, label_field) in &o.points {
        spec.layers.push(LayerSpec::Points {
            layer: layer.clone(),
            symbol: Symbol::Circle,
            size_mm: 2.5,
            colour: "#1f1f1f".into(),
            label_field: label_field.clone(),
            title: None,
        });
    }
    apply_page(spec, o);
    Ok(())
}

fn apply_page(spec: &mut MapSpec, o: &Overrides) {
    if let Some(t) = &o.title {
        spec.title = t.clone();
    }
    if let Some(t) = &o.subtitle {
        spec.subtitle = t.clone();
    }
    if let Some(t) = &o.note {
        spec.note = t.clone();
    }
    if let Some(p) = o.page {
        spec.page.size = p;
    }
    if let Some(l) = o.landscape {
        spec.page.landscape = l;
    }
    if let Some(d) = o.dpi {
        spec.page.dpi = d;
    }
    if let Some((width, height)) = o.pixels {
        spec.page.size = PageSize::Pixels { width, height };
    }
    if let Some(i) = o.inset {
        spec.inset = i;
    }
    if let Some(l) = o.legend {
        spec.legend.show = l;
    }
    if let Some(c) = o.legend_counts {
        spec.legend.counts = c;
    }
    if let Some(a) = o.all_classes {
        spec.legend.all_classes = a;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(&dir.path().join("w.gpkg")).unwrap();
        (dir, ws)
    }

    #[test]
    fn indicator_creates_or_changes_the_choropleth() {
        let (_dir, ws) = empty_workspace();
        let mut spec = MapSpec::default();
        let o = Overrides {
            indicator: Some("imd_score".into()),
            ..Default::default()
        };
        assert!(apply(&ws, &mut spec, &o).is_err(), "needs a geography");
        let o = Overrides {
            geography: Some("lsoa11".into()),
            indicator: Some("imd_score".into()),
            classes: Some(7),
            outlines: vec!["ward17".into()],
            ..Default::default()
        };
        apply(&ws, &mut spec, &o).unwrap();
        assert_eq!(spec.layers.len(), 2);
        let o2 = Overrides {
            indicator: Some("income_score".into()),
            ..Default::default()
        };
        apply(&ws, &mut spec, &o2).unwrap();
        match &spec.layers[0] {
            LayerSpec::Choropleth {
                indicator,
                classification,
                geography,
                ..
            } => {
                assert_eq!(indicator, "income_score");
                assert_eq!(geography, "lsoa11");
                assert_eq!(classification.k, 7);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recipes_round_trip_and_newer_versions_are_refused() {
        let (_dir, ws) = empty_workspace();
        let mut spec = MapSpec::default();
        apply(
            &ws,
            &mut spec,
            &Overrides {
                geography: Some("lsoa11".into()),
                indicator: Some("imd_score".into()),
                hatch: Some(("imd_score".into(), 10.0)),
                ..Default::default()
            },
        )
        .unwrap();
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(parse(&json).unwrap(), spec);
        assert_eq!(parse("{}").unwrap(), MapSpec::default());
        let newer = json.replace("\"version\":1", "\"version\":99");
        assert!(parse(&newer).unwrap_err().contains("newer"));
        assert!(parse("{\"layers\": 3}").unwrap_err().contains("README"));
    }
}
