//! `map`: the bureau's custom maps from the command line, and the options that shape a map
//! (shared with `atlas`).

use super::progress;
use super::shared::{JsonArg, WorkspaceArg, any_case};
use anyhow::{Context, Result};
use clap::Args;
use local_atlas::ops::Workspace;
use local_atlas::ops::classify::Method;
use local_atlas::ops::compare::CompareMethod;
use local_atlas::ops::map::{self, recipe};
use local_atlas::render::spec::{MapSpec, PageSize};
use std::path::PathBuf;

/// Paper sizes on the command line (any case: `--page A4` or `--page a4`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Paper {
    A4,
    A3,
    A2,
}

/// Everything that shapes one map (shared by `map` and `atlas`).
#[derive(Args, Debug, Default)]
pub struct MapOptions {
    /// Start from this saved recipe; the other options override it.
    #[arg(long, conflicts_with = "recipe_file")]
    pub recipe: Option<String>,
    /// Start from a recipe in a JSON file (the format `--save-recipe` stores; see README).
    #[arg(long)]
    pub recipe_file: Option<PathBuf>,
    /// Geography of the choropleth (e.g. lsoa11).
    #[arg(long)]
    pub geography: Option<String>,
    /// Indicator to map (e.g. imd_score); a saved `…_lisa_cluster` or `…_gistar_class`
    /// indicator is drawn as a cluster map with the conventional colours.
    #[arg(long)]
    pub indicator: Option<String>,
    /// Period (default: the latest).
    #[arg(long)]
    pub period: Option<String>,
    /// equal, quantile, jenks, stddev, pretty, maxbreaks, box, percentile, headtail or manual.
    #[arg(long, value_parser = any_case::<Method>)]
    pub method: Option<Method>,
    #[arg(long)]
    pub classes: Option<usize>,
    /// Upper bounds for manual classes, ascending (e.g. 10,20,40); implies --method manual.
    #[arg(long, value_delimiter = ',')]
    pub breaks: Option<Vec<f64>>,
    /// ColorBrewer palette (e.g. YlOrRd, Blues, RdBu); default: by the indicator's polarity.
    #[arg(long)]
    pub palette: Option<String>,
    /// Reverse the palette.
    #[arg(long)]
    pub reverse: bool,
    /// Title; may use {indicator}, {period}, {geography}, {unit}, {date}, {area}.
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub subtitle: Option<String>,
    /// A note printed at the foot of the page.
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long, value_enum, ignore_case = true)]
    pub page: Option<Paper>,
    #[arg(long)]
    pub landscape: bool,
    /// Resolution of PNG output (default 150).
    #[arg(long)]
    pub dpi: Option<f64>,
    /// Exact PNG size in pixels (with --height); the page is then this size at --dpi.
    #[arg(long, requires = "height")]
    pub width: Option<u32>,
    #[arg(long, requires = "width")]
    pub height: Option<u32>,
    /// Draw the boundaries of another geography on top (repeatable), e.g. --outline ward17;
    /// GEOGRAPHY:labels labels each area with its name, e.g. --outline ward17:labels.
    #[arg(long)]
    pub outline: Vec<String>,
    /// The map area: GEOGRAPHY:CODE[,CODE…] (codes or names, e.g. lad16:E08000001 or
    /// lad16:Bolton; other areas are drawn greyed), view:MIN_X,MIN_Y,MAX_X,MAX_Y (British
    /// National Grid metres), or whole.
    #[arg(long)]
    pub extent: Option<String>,
    /// Draw a point layer (repeatable); LAYER or LAYER:FIELD to label points with FIELD.
    #[arg(long)]
    pub points: Vec<String>,
    /// Draw a point layer's kernel density surface under the outlines (repeatable):
    /// LAYER[:BANDWIDTH_M], e.g. burglary:500 (default 500 m; cells a fifth of the bandwidth).
    #[arg(long)]
    pub density: Vec<String>,
    /// Hatch the worst X% of areas by an indicator: INDICATOR:PERCENT, e.g. imd_score:10, or
    /// the most deprived X% nationally by a national rank: INDICATOR:PERCENT:OF, e.g.
    /// imd_rank:10:32844.
    #[arg(long)]
    pub hatch: Option<String>,
    /// Colour the areas by their comparison with a benchmark instead of classes:
    /// BENCHMARK[:METHOD], e.g. E92000001 or E92000001:ci95_99_8 or parent:lad16 (Fingertips'
    /// colours; the legend reads "Better / Similar / Worse than England (95%)").
    #[arg(long)]
    pub compare: Option<String>,
    /// Add a locator inset.
    #[arg(long)]
    pub inset: bool,
    /// Leave the legend out.
    #[arg(long)]
    pub no_legend: bool,
    /// Leave the number of areas per class out of the legend.
    #[arg(long)]
    pub no_counts: bool,
    /// List only the classes that hold at least one area.
    #[arg(long)]
    pub present_classes: bool,
}

impl MapOptions {
    fn overrides(&self, ws: &Workspace) -> Result<recipe::Overrides> {
        let extent = match &self.extent {
            Some(text) => Some(map::extent_text::parse_extent(ws, text)?),
            None => None,
        };
        let (hatch, hatch_of) = match &self.hatch {
            None => (None, None),
            Some(text) => {
                let parts: Vec<&str> = text.split(':').collect();
                let (indicator, percent, of) = match parts.as_slice() {
                    [i, p] => (*i, *p, None),
                    [i, p, n] => (*i, *p, Some(*n)),
                    _ => anyhow::bail!(
                        "--hatch takes INDICATOR:PERCENT (e.g. imd_score:10) or INDICATOR:PERCENT:OF (e.g. imd_rank:10:32844)"
                    ),
                };
                let percent: f64 = percent
                    .parse()
                    .with_context(|| format!("--hatch: '{percent}' is not a percentage"))?;
                let of = match of {
                    Some(n) => Some(n.parse::<f64>().with_context(|| {
                        format!("--hatch: '{n}' is not the size of a national ranking (e.g. 32844)")
                    })?),
                    None => None,
                };
                (Some((indicator.to_string(), percent)), of)
            }
        };
        Ok(recipe::Overrides {
            geography: self.geography.clone(),
            indicator: self.indicator.clone(),
            period: self.period.clone(),
            method: self.method,
            classes: self.classes,
            breaks: self.breaks.clone(),
            palette: self.palette.clone(),
            reverse: self.reverse,
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            note: self.note.clone(),
            page: self.page.map(|p| match p {
                Paper::A4 => PageSize::A4,
                Paper::A3 => PageSize::A3,
                Paper::A2 => PageSize::A2,
            }),
            landscape: self.landscape.then_some(true),
            dpi: self.dpi,
            pixels: self.width.zip(self.height),
            outlines: self.outline.clone(),
            extent,
            points: self
                .points
                .iter()
                .map(|p| match p.split_once(':') {
                    Some((layer, field)) => (layer.to_string(), Some(field.to_string())),
                    None => (p.clone(), None),
                })
                .collect(),
            densities: self
                .density
                .iter()
                .map(|d| match d.split_once(':') {
                    Some((layer, m)) => m
                        .parse::<f64>()
                        .map(|m| (layer.to_string(), m))
                        .with_context(|| {
                            format!(
                                "--density: '{m}' is not a bandwidth in metres (e.g. burglary:500)"
                            )
                        }),
                    None => Ok((d.clone(), 500.0)),
                })
                .collect::<Result<_>>()?,
            hatch,
            hatch_of,
            compare: self.compare.as_deref().map(|c| {
                // parent:lad16[:method] keeps its first colon.
                let (bench, method) = match c.rsplit_once(':') {
                    Some((b, m)) if !b.is_empty() && m.parse::<CompareMethod>().is_ok() => {
                        (b.to_string(), m.to_string())
                    }
                    _ => (c.to_string(), "ci95".to_string()),
                };
                (bench, method)
            }),
            inset: self.inset.then_some(true),
            legend: self.no_legend.then_some(false),
            legend_counts: self.no_counts.then_some(false),
            all_classes: self.present_classes.then_some(false),
        })
    }

    /// The recipe (saved one or default) with the options applied.
    pub fn spec(&self, ws: &Workspace) -> Result<MapSpec> {
        let mut spec = match (&self.recipe, &self.recipe_file) {
            (Some(name), _) => recipe::load(ws, name)?,
            (None, Some(path)) => recipe::read_file(path)?,
            (None, None) => MapSpec::default(),
        };
        recipe::apply(ws, &mut spec, &self.overrides(ws)?)?;
        Ok(spec)
    }
}

#[derive(Args, Debug)]
pub struct MapArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub options: MapOptions,
    #[arg(long)]
    pub out: PathBuf,
    /// Save the map's recipe under this name (re-render it later with --recipe).
    #[arg(long)]
    pub save_recipe: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: MapArgs) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let spec = a.options.spec(&ws)?;
    let spinner = progress::Spinner::start("drawing the map");
    let req = map::MapRequest {
        spec,
        out: a.out.clone(),
        save_recipe: a.save_recipe.clone(),
    };
    let r = map::run(&ws, &req, &spinner)?;
    drop(spinner);
    a.json.emit(&r, || {
        let size = match (r.width_px, r.height_px) {
            (Some(w), Some(h)) => format!("{w}×{h} px"),
            _ => format!("{:.0}×{:.0} mm", r.width_mm, r.height_mm),
        };
        let saved = r
            .saved_recipe
            .as_ref()
            .map(|n| format!("; saved recipe '{n}'"))
            .unwrap_or_default();
        let dropped = match r.dropped_labels.as_slice() {
            [] => String::new(),
            names => format!(
                "\n{} label{} left out for lack of room: {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                shown_names(names)
            ),
        };
        format!(
            "wrote {} ({size}, {} bytes){saved}{dropped}",
            r.out, r.bytes
        )
    })
}

/// Up to eight names, then how many more.
fn shown_names(names: &[String]) -> String {
    let mut text = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 8 {
        text.push_str(&format!(" and {} more", names.len() - 8));
    }
    text
}
