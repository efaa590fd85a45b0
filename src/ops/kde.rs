//! `kde`: the kernel density surface (quartic kernel, per km²) of a point layer
//! ([`crate::analysis::kde`]), reported as a grid summary, optionally saved as an indicator
//! (the mean density over each area of a geography), written as a GeoTIFF or drawn as a map.

use crate::analysis::kde::{self, DensityGrid, MAX_CELLS};
use crate::data::Workspace;
use crate::data::indicator::{IndicatorKind, IndicatorMeta, Polarity, ValueRow};
use crate::data::query;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::render::spec::{LayerSpec, MapSpec, PaletteSpec};
use geo::{BoundingRect, Coord, Rect};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The period a saved density indicator is stored under.
pub const PERIOD: &str = "kde";

/// A `kde` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KdeRequest {
    /// The point layer.
    pub layer: String,
    pub bandwidth_m: f64,
    pub cell_m: f64,
    /// The grid covers this geography's extent (else the layer's box grown by the bandwidth).
    #[serde(default)]
    pub geography: Option<String>,
    /// Save the mean density per area of `geography` as this indicator.
    #[serde(default)]
    pub save: Option<String>,
    /// A `.tif`/`.tiff` (GeoTIFF of the grid) or `.png` (a map of the surface).
    #[serde(default)]
    pub out: Option<PathBuf>,
}

/// The grid of a surface, without its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridSummary {
    /// Lower-left corner of the grid, BNG metres.
    pub origin_bng: [f64; 2],
    pub cell_m: f64,
    pub cols: usize,
    pub rows: usize,
}

/// The indicator a `kde --save` stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDensity {
    pub indicator: String,
    pub geography: String,
    pub period: String,
    /// Areas given a value (an area off the grid gets none).
    pub areas: usize,
}

/// What `kde` computed and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KdeResponse {
    pub layer: String,
    pub points: usize,
    pub bandwidth_m: f64,
    pub grid: GridSummary,
    /// The highest cell density, per km².
    pub max_per_km2: f64,
    /// The surface integrated over the grid (Σ density × cell area): the number of points when
    /// the grid covers every point's kernel, fewer when kernels reach past the edges.
    pub total: f64,
    pub saved: Option<SavedDensity>,
    pub out: Option<String>,
}

/// A density surface and the number of points it was made from.
#[derive(Debug, Clone)]
pub struct Surface {
    pub grid: DensityGrid,
    pub points: usize,
}

impl Surface {
    /// The highest cell density, per km².
    pub fn max_per_km2(&self) -> f64 {
        self.grid.values.iter().copied().fold(0.0, f64::max)
    }

    /// Σ density × cell area (the density is per km²).
    pub fn total(&self) -> f64 {
        self.grid.values.iter().sum::<f64>() * self.grid.cell_m * self.grid.cell_m / 1e6
    }
}

/// Refuses a bandwidth or cell size that is not a positive number of metres.
pub fn check_sizes(bandwidth_m: f64, cell_m: f64) -> Result<()> {
    if !(bandwidth_m.is_finite() && bandwidth_m > 0.0) {
        return Err(Error::Invalid(format!(
            "the bandwidth {bandwidth_m} m is not usable: give a positive number of metres (e.g. --bandwidth-m 500)"
        )));
    }
    if !(cell_m.is_finite() && cell_m > 0.0) {
        return Err(Error::Invalid(format!(
            "the cell size {cell_m} m is not usable: give a positive number of metres (e.g. --cell-m 100)"
        )));
    }
    Ok(())
}

/// Refuses a grid over `extent_bng` of more than [`MAX_CELLS`] cells, naming a cell size that
/// fits.
fn check_cells(extent_bng: Rect<f64>, cell_m: f64) -> Result<()> {
    let cols = (extent_bng.width() / cell_m).ceil().max(1.0);
    let rows = (extent_bng.height() / cell_m).ceil().max(1.0);
    if cols * rows <= MAX_CELLS as f64 {
        return Ok(());
    }
    // The smallest whole number of metres (rounded up to two significant figures) that fits.
    let mut fit = (extent_bng.width() * extent_bng.height() / MAX_CELLS as f64).sqrt();
    let magnitude = 10f64.powf(fit.log10().floor() - 1.0).max(1.0);
    fit = (fit / magnitude).ceil() * magnitude;
    while ((extent_bng.width() / fit).ceil().max(1.0) * (extent_bng.height() / fit).ceil().max(1.0))
        > MAX_CELLS as f64
    {
        fit += magnitude;
    }
    Err(Error::Invalid(format!(
        "a {cols} × {rows} grid of {cell_m} m cells is more than the {MAX_CELLS} cells allowed: use --cell-m {fit} or larger (or a smaller --geography)"
    )))
}

/// The BNG box covering every area of `geography`.
pub fn geography_extent(ws: &Workspace, geography: &str) -> Result<Rect<f64>> {
    let areas = query::areas(ws, geography)?;
    bounds(areas.iter().filter_map(|a| a.geometry_bng.bounding_rect())).ok_or_else(|| {
        Error::NoAreas {
            geography: geography.to_string(),
        }
    })
}

fn bounds(rects: impl Iterator<Item = Rect<f64>>) -> Option<Rect<f64>> {
    rects.fold(None, |acc, r| crate::ops::map::union_rect(acc, Some(r)))
}

/// The density surface of point layer `layer` over `extent_bng`, or (when `None`) over the
/// layer's bounding box grown by the bandwidth on every side.
pub fn surface(
    ws: &Workspace,
    layer: &str,
    bandwidth_m: f64,
    cell_m: f64,
    extent_bng: Option<Rect<f64>>,
) -> Result<Surface> {
    check_sizes(bandwidth_m, cell_m)?;
    let points: Vec<[f64; 2]> = query::points(ws, layer)?
        .iter()
        .map(|p| [p.x(), p.y()])
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .collect();
    let extent = match extent_bng {
        Some(r) => r,
        None => {
            let b = bounds(points.iter().map(|&p| Rect::new(p, p)))
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "point layer '{layer}' has no points: import some with `local-atlas import points`"
                    ))
                })?;
            Rect::new(
                Coord {
                    x: b.min().x - bandwidth_m,
                    y: b.min().y - bandwidth_m,
                },
                Coord {
                    x: b.max().x + bandwidth_m,
                    y: b.max().y + bandwidth_m,
                },
            )
        }
    };
    check_cells(extent, cell_m)?;
    let grid = kde::kernel_density(&points, None, bandwidth_m, cell_m, extent)?;
    Ok(Surface {
        grid,
        points: points.len(),
    })
}

/// What a `.tif` or `.png` output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutKind {
    GeoTiff,
    Png,
}

fn out_kind(path: &std::path::Path) -> Result<OutKind> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("tif" | "tiff") => Ok(OutKind::GeoTiff),
        Some("png") => Ok(OutKind::Png),
        _ => Err(Error::OutputFormat {
            path: path.display().to_string(),
            expected: "kde writes a GeoTIFF (.tif) of the grid or a map (.png) of the surface",
        }),
    }
}

/// The recipe `kde --out FILE.png` draws: the surface, and the geography's outline over it.
pub fn map_spec(req: &KdeRequest) -> MapSpec {
    let mut layers = vec![LayerSpec::Density {
        layer: req.layer.clone(),
        bandwidth_m: req.bandwidth_m,
        cell_m: req.cell_m,
        palette: PaletteSpec::default(),
        opacity: 0.85,
        title: None,
    }];
    if let Some(g) = &req.geography {
        layers.push(LayerSpec::Outline {
            geography: g.clone(),
            colour: "#333333".into(),
            width_mm: 0.35,
            labels: false,
        });
    }
    MapSpec {
        layers,
        title: crate::ops::map::density_title(&req.layer),
        subtitle: format!(
            "Quartic kernel, bandwidth {} m, {} m cells",
            req.bandwidth_m, req.cell_m
        ),
        ..MapSpec::default()
    }
}

/// Runs `kde`: checks everything asked first (sizes, layer, geography, code, output type), so a
/// refused request writes nothing; then computes, saves and writes.
pub fn run(ws: &Workspace, req: &KdeRequest, feedback: &dyn Feedback) -> Result<KdeResponse> {
    check_sizes(req.bandwidth_m, req.cell_m)?;
    let kind = req.out.as_deref().map(out_kind).transpose()?;
    if req.save.is_some() && req.geography.is_none() {
        return Err(Error::Invalid(
            "--save needs --geography: the mean density is saved for each of its areas".into(),
        ));
    }
    if let Some(code) = &req.save {
        crate::ops::index::check_code(code)?;
    }
    let extent = req
        .geography
        .as_deref()
        .map(|g| geography_extent(ws, g))
        .transpose()?;
    feedback.stage("computing the density surface");
    let surface = surface(ws, &req.layer, req.bandwidth_m, req.cell_m, extent)?;
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    let saved = match (&req.save, &req.geography) {
        (Some(code), Some(geography)) => Some(save(ws, req, code, geography, &surface)?),
        _ => None,
    };
    let out = match (kind, &req.out) {
        (Some(OutKind::GeoTiff), Some(path)) => {
            let g = &surface.grid;
            let bytes = crate::data::geotiff::geotiff_bytes(&crate::data::geotiff::BngGrid {
                origin_bng: g.origin_bng,
                cell_m: g.cell_m,
                cols: g.cols,
                rows: g.rows,
                values: &g.values,
            })?;
            crate::output_file::write(path, &bytes)?;
            Some(path.display().to_string())
        }
        (Some(OutKind::Png), Some(path)) => {
            let map = crate::ops::map::MapRequest {
                spec: map_spec(req),
                out: path.clone(),
                save_recipe: None,
            };
            Some(crate::ops::map::run(ws, &map, feedback)?.out)
        }
        _ => None,
    };
    let g = &surface.grid;
    Ok(KdeResponse {
        layer: req.layer.clone(),
        points: surface.points,
        bandwidth_m: req.bandwidth_m,
        grid: GridSummary {
            origin_bng: g.origin_bng,
            cell_m: g.cell_m,
            cols: g.cols,
            rows: g.rows,
        },
        max_per_km2: surface.max_per_km2(),
        total: surface.total(),
        saved,
        out,
    })
}

/// Saves the mean density over each area of `geography` as indicator `code` (period
/// [`PERIOD`]), replacing an earlier run.
fn save(
    ws: &Workspace,
    req: &KdeRequest,
    code: &str,
    geography: &str,
    surface: &Surface,
) -> Result<SavedDensity> {
    let areas = query::areas(ws, geography)?;
    let polygons: Vec<_> = areas.iter().map(|a| a.geometry_bng.clone()).collect();
    let means = kde::area_density(&surface.grid, &polygons);
    let rows: Vec<ValueRow> = areas
        .iter()
        .zip(&means)
        .map(|(a, v)| ValueRow::computed(code, &a.code, PERIOD, v.is_finite().then_some(*v)))
        .collect();
    let meta = IndicatorMeta {
        code: code.to_string(),
        title: format!(
            "{} density (per km², bandwidth {} m)",
            req.layer, req.bandwidth_m
        ),
        theme: "Density".into(),
        definition: format!(
            "Mean over the area of the kernel density of the points of layer '{}' (quartic kernel, bandwidth {} m, {} m cells), per km²",
            req.layer, req.bandwidth_m, req.cell_m
        ),
        unit: "per km²".into(),
        decimals: 2,
        polarity: Polarity::Neutral,
        source: "Computed by Local Atlas".into(),
        licence: String::new(),
        sensitivity: "public".into(),
        kind: IndicatorKind::Value,
        ..Default::default()
    };
    let g = &surface.grid;
    let provenance = serde_json::json!({
        "tool": format!("local-atlas {}", env!("CARGO_PKG_VERSION")),
        "operation": "kde",
        "kernel": "quartic (biweight): 3/(π h²) (1 − d²/h²)², per km²",
        "layer": req.layer,
        "points": surface.points,
        "bandwidth_m": req.bandwidth_m,
        "cell_m": req.cell_m,
        "grid": { "origin_bng": g.origin_bng, "cols": g.cols, "rows": g.rows },
        "statistic": "mean of the cells whose centres fall in the area",
    })
    .to_string();
    crate::data::derived::save_indicators(ws, geography, &[meta], &rows, &provenance)?;
    Ok(SavedDensity {
        indicator: code.to_string(),
        geography: geography.to_string(),
        period: PERIOD.to_string(),
        areas: means.iter().filter(|v| v.is_finite()).count(),
    })
}

/// A density surface coloured for the screen (the desktop app's "Density surface…").
#[derive(Debug, Clone)]
pub struct DensityImage {
    pub layer: String,
    pub bandwidth_m: f64,
    pub cell_m: f64,
    /// The box the image covers, BNG metres: min x, min y, max x, max y.
    pub extent_bng: [f64; 4],
    pub width_px: u32,
    pub height_px: u32,
    /// Straight RGBA, row 0 at the top.
    pub rgba: Vec<u8>,
    /// The continuous legend (ramp from 0 to the highest density, per km²).
    pub legend: crate::render::input::LegendBlock,
    /// The recipe layer that draws the same surface in an export.
    pub spec: LayerSpec,
}

/// The cell size the app uses for a bandwidth: a fifth of it (smooth at any zoom that shows
/// the kernel), at least 10 m.
pub fn screen_cell_m(bandwidth_m: f64) -> f64 {
    (bandwidth_m / 5.0).max(10.0)
}

/// The density surface of `layer` for the screen, coloured as a map's density layer is (the
/// same loading and symbology as an export).
pub fn density_image(
    ws: &Workspace,
    layer: &str,
    bandwidth_m: f64,
    feedback: &dyn Feedback,
) -> Result<DensityImage> {
    let spec = LayerSpec::Density {
        layer: layer.to_string(),
        bandwidth_m,
        cell_m: screen_cell_m(bandwidth_m),
        palette: PaletteSpec::default(),
        opacity: 0.85,
        title: None,
    };
    let map = MapSpec {
        layers: vec![spec.clone()],
        ..MapSpec::default()
    };
    feedback.stage("computing the density surface");
    let input = crate::ops::map::resolve(ws, &map)?;
    let resolved = input
        .layers
        .into_iter()
        .next()
        .ok_or_else(|| Error::Invalid("no density layer".into()))?;
    let crate::render::input::Features::Raster(r) = resolved.features else {
        return Err(Error::Invalid("not a density layer".into()));
    };
    let legend = resolved
        .legend
        .ok_or_else(|| Error::Invalid("a density layer has a legend".into()))?;
    Ok(DensityImage {
        layer: layer.to_string(),
        bandwidth_m,
        cell_m: screen_cell_m(bandwidth_m),
        extent_bng: [
            r.extent_bng.min().x,
            r.extent_bng.min().y,
            r.extent_bng.max().x,
            r.extent_bng.max().y,
        ],
        width_px: r.width_px,
        height_px: r.height_px,
        rgba: std::sync::Arc::unwrap_or_clone(r.rgba),
        legend,
        spec,
    })
}
