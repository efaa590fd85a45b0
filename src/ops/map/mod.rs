//! `map` and `atlas`: render a recipe (`MapSpec`) from the workspace to PNG, SVG or PDF, one
//! map or one page per area of a geography. The same functions serve the CLI and the app.

mod area_cache;
pub mod area_statistics;
pub mod attribution;
pub mod explore;
pub mod extent_text;
pub mod hotspot;
mod load;
pub(crate) use load::density_title;
pub mod names;
pub mod recipe;
mod resolve;
pub(crate) use resolve::union as union_rect;

use crate::data::Workspace;
use crate::data::query;
use crate::error::{Error, Result};
use crate::feedback::Feedback;
use crate::render::input::MapInput;
use crate::render::scene::Scene;
use crate::render::spec::{Extent, LayerSpec, MapSpec, PageSize};
use crate::render::{layout, pdf, raster, svg};
pub use area_cache::AreaCache;
use geo::{Coord, Rect};
use resolve::Focus;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// An output format, from a file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Png,
    Svg,
    Pdf,
}

impl Format {
    /// The format of `path` by its extension (case-insensitive).
    pub fn of(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Self::Png),
            Some("svg") => Ok(Self::Svg),
            Some("pdf") => Ok(Self::Pdf),
            _ => Err(Error::Invalid(format!(
                "{}: the output must end in .png, .svg or .pdf",
                path.display()
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
            Self::Pdf => "pdf",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Format::of(Path::new(&format!("x.{s}")))
            .map_err(|_| format!("'{s}': expected png, svg or pdf"))
    }
}

/// What `map` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct MapResponse {
    pub out: String,
    pub format: Format,
    pub width_mm: f64,
    pub height_mm: f64,
    /// Raster size (PNG only).
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    pub bytes: usize,
    pub saved_recipe: Option<String>,
    /// How many labels found no room (left out, not overlapped), and which.
    pub labels_dropped: usize,
    pub dropped_labels: Vec<String>,
}

/// Today's date (UTC) as ISO 8601, for the `{date}` placeholder.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The focus of a recipe's own extent.
fn focus_of(ws: &Workspace, spec: &MapSpec) -> Result<Focus> {
    Ok(match &spec.extent {
        Extent::Whole => Focus::Whole,
        Extent::Bbox {
            min_x,
            min_y,
            max_x,
            max_y,
        } => {
            let ok = [min_x, min_y, max_x, max_y].iter().all(|v| v.is_finite())
                && min_x < max_x
                && min_y < max_y;
            if !ok {
                return Err(Error::Invalid(format!(
                    "extent box {min_x},{min_y},{max_x},{max_y} must be min_x,min_y,max_x,max_y in British National Grid metres with min < max"
                )));
            }
            Focus::Bbox(Rect::new(
                Coord {
                    x: *min_x,
                    y: *min_y,
                },
                Coord {
                    x: *max_x,
                    y: *max_y,
                },
            ))
        }
        Extent::Areas { geography, codes } => {
            let areas = query::areas(ws, geography)?;
            let wanted: HashSet<String> = codes.iter().cloned().collect();
            let found: Vec<_> = areas.iter().filter(|a| wanted.contains(&a.code)).collect();
            if let Some(missing) = codes.iter().find(|c| !found.iter().any(|a| &a.code == *c)) {
                return Err(Error::Invalid(format!(
                    "extent: area '{missing}' is not in geography '{geography}'"
                )));
            }
            let name = match found.as_slice() {
                [one] => one.name.clone().unwrap_or_else(|| one.code.clone()),
                _ => format!("{} areas", found.len()),
            };
            Focus::Areas {
                geography: geography.clone(),
                polygons: found.iter().map(|a| a.geometry_bng.clone()).collect(),
                code: codes.join(", "),
                codes: wanted,
                name,
            }
        }
    })
}

/// Checks the page of a recipe: resolution 10–2400 dpi, margins 0–100 mm, sizes up to 5 m or
/// 20,000 px a side; and the recipe's limits (text lengths, layers: [`MapSpec::check_limits`]).
fn check_page(spec: &MapSpec) -> Result<()> {
    spec.check_limits().map_err(Error::Invalid)?;
    let page = &spec.page;
    let bad = |what: String| Err(Error::Invalid(format!("page: {what}")));
    if !(page.dpi.is_finite() && (10.0..=2400.0).contains(&page.dpi)) {
        return bad(format!(
            "{} dpi is not usable; use 10 to 2400 (e.g. 150 for print, 96 for screens)",
            page.dpi
        ));
    }
    if !(page.margin_mm.is_finite() && (0.0..=100.0).contains(&page.margin_mm)) {
        return bad(format!(
            "a margin of {} mm is not usable; use 0 to 100",
            page.margin_mm
        ));
    }
    match page.size {
        PageSize::Custom {
            width_mm,
            height_mm,
        } if !(width_mm.is_finite()
            && height_mm.is_finite()
            && width_mm > 0.0
            && height_mm > 0.0
            && width_mm <= 5000.0
            && height_mm <= 5000.0) =>
        {
            bad(format!(
                "{width_mm} × {height_mm} mm is not usable; use sizes up to 5000 mm"
            ))
        }
        PageSize::Pixels { width, height }
            if width == 0 || height == 0 || width > 20_000 || height > 20_000 =>
        {
            bad(format!(
                "{width} × {height} px is not usable; use 1 to 20,000 pixels a side"
            ))
        }
        _ => Ok(()),
    }
}

/// The symbolised layers of `spec` (fills, legends, extent, expanded title): what the layout
/// draws, and what the desktop map colours its areas with, so screen and export agree.
pub fn resolve(ws: &Workspace, spec: &MapSpec) -> Result<MapInput> {
    resolve_with(ws, spec, &mut AreaCache::new(), &crate::feedback::Silent)
}

fn resolve_with(
    ws: &Workspace,
    spec: &MapSpec,
    cache: &mut AreaCache,
    feedback: &dyn Feedback,
) -> Result<MapInput> {
    let loaded = load::load(ws, spec, cache, feedback)?;
    let focus = focus_of(ws, spec)?;
    resolve::page(&loaded, spec, &focus, &today())
}

/// Lays out the map of `spec` (one page).
pub fn scene(ws: &Workspace, spec: &MapSpec) -> Result<Scene> {
    check_page(spec)?;
    Ok(layout::layout(&resolve(ws, spec)?)?)
}

/// Encodes pages in `format` (SVG and PNG take the first page only).
pub fn encode(pages: &[Scene], spec: &MapSpec, format: Format) -> Result<Vec<u8>> {
    encode_with(pages, spec, format, &crate::feedback::Silent)
}

/// [`encode`] reporting the `draw` and `encode` stages; cancelled between them.
fn encode_with(
    pages: &[Scene],
    spec: &MapSpec,
    format: Format,
    feedback: &dyn Feedback,
) -> Result<Vec<u8>> {
    let first = pages
        .first()
        .ok_or_else(|| Error::Invalid("nothing to write: no pages".into()))?;
    stage(feedback, "draw")?;
    let drawn = match format {
        Format::Svg => Drawn::Bytes(svg::to_svg(first).into_bytes()),
        Format::Png => {
            let (w, h) = spec.page.size_px();
            Drawn::Pixels(raster::to_pixmap(first, w, h)?)
        }
        Format::Pdf => Drawn::Bytes(pdf::to_pdf(pages)?),
    };
    stage(feedback, "encode")?;
    Ok(match drawn {
        Drawn::Bytes(bytes) => bytes,
        Drawn::Pixels(pixmap) => raster::pixmap_to_png(pixmap, first.width_mm)?,
    })
}

/// A drawn page: finished bytes (SVG, PDF) or pixels still to compress (PNG).
enum Drawn {
    Bytes(Vec<u8>),
    Pixels(raster::Pixmap),
}

/// Announces stage `name`, then stops with [`Error::Cancelled`] if the user has asked to
/// (during the previous stage or as this one began).
fn stage(feedback: &dyn Feedback, name: &str) -> Result<()> {
    feedback.stage(name);
    if feedback.is_cancelled() {
        return Err(Error::Cancelled);
    }
    Ok(())
}

/// A `map` request: render `spec` to `out` (format from the extension) and optionally save
/// the recipe under `save_recipe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapRequest {
    pub spec: MapSpec,
    pub out: PathBuf,
    #[serde(default)]
    pub save_recipe: Option<String>,
}

/// Renders `req.spec` to `req.out` and optionally saves the recipe. Reports the stages read,
/// layout, draw, encode and write; when cancelled it returns [`Error::Cancelled`] before
/// writing anything (the file is written atomically, so an existing one stays as it was).
pub fn run(ws: &Workspace, req: &MapRequest, feedback: &dyn Feedback) -> Result<MapResponse> {
    let (spec, out) = (&req.spec, req.out.as_path());
    let format = Format::of(out)?;
    if let Some(name) = &req.save_recipe {
        crate::data::recipes::check_name(name)?;
    }
    check_page(spec)?;
    stage(feedback, "read")?;
    let input = resolve_with(ws, spec, &mut AreaCache::new(), feedback)?;
    stage(feedback, "layout")?;
    let page = layout::layout(&input)?;
    let bytes = encode_with(std::slice::from_ref(&page), spec, format, feedback)?;
    stage(feedback, "write")?;
    crate::output_file::write(out, &bytes)?;
    if let Some(name) = &req.save_recipe {
        recipe::save(ws, name, spec)?;
    }
    let (width_px, height_px) = match format {
        Format::Png => {
            let (w, h) = spec.page.size_px();
            (Some(w), Some(h))
        }
        _ => (None, None),
    };
    Ok(MapResponse {
        out: out.display().to_string(),
        format,
        width_mm: page.width_mm,
        height_mm: page.height_mm,
        width_px,
        height_px,
        bytes: bytes.len(),
        saved_recipe: req.save_recipe.clone(),
        labels_dropped: page.dropped_labels.len(),
        dropped_labels: page.dropped_labels.clone(),
    })
}

/// The most pages an atlas makes: 10,000, more than the wards of England (about 7,000); an
/// atlas of more areas (every LSOA of England) should be split, e.g. by district with an
/// extent, as the single PDF keeps every page in memory until it is written.
pub const MAX_PAGES: usize = 10_000;

/// What `atlas` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct AtlasResponse {
    pub geography: String,
    pub pages: usize,
    pub files: Vec<String>,
    pub pdf_single: Option<String>,
    /// The pages that could not be drawn or written (the others were); empty when all were.
    pub failed: Vec<AtlasFailure>,
}

/// One atlas page that could not be drawn or written, and why.
#[derive(Debug, Clone, Serialize)]
pub struct AtlasFailure {
    pub area_code: String,
    /// The file it was to be written to (when writing files).
    pub file: Option<String>,
    pub error: String,
}

/// An atlas request: one page per area of `per`.
#[derive(Debug, Clone)]
pub struct AtlasRequest {
    pub spec: MapSpec,
    pub per: String,
    pub out_dir: PathBuf,
    pub format: Format,
    /// Also (or only, with `files: false`) write every page into one multi-page PDF.
    pub pdf_single: Option<PathBuf>,
    pub files: bool,
}

/// One map per area of `req.per`, zoomed to the area with the other areas greyed; breaks and
/// colours are those of the whole map, so pages compare; legend counts are per page. A page
/// that cannot be drawn or written is reported in [`AtlasResponse::failed`] and the others
/// are still written.
pub fn atlas(ws: &Workspace, req: &AtlasRequest, feedback: &dyn Feedback) -> Result<AtlasResponse> {
    let spec = atlas_spec(&req.spec, &req.per);
    check_page(&spec)?;
    stage(feedback, "read")?;
    let loaded = load::load(ws, &spec, &mut AreaCache::new(), feedback)?;
    let mut areas = query::areas(ws, &req.per)?;
    if areas.len() > MAX_PAGES {
        return Err(Error::Invalid(format!(
            "geography '{}' has {} areas, more than the {MAX_PAGES} pages an atlas makes; use a coarser geography for --per",
            req.per,
            areas.len()
        )));
    }
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    if req.files {
        std::fs::create_dir_all(&req.out_dir).map_err(|e| Error::io(&req.out_dir, e))?;
    }
    let today = today();
    let mut out = AtlasResponse {
        geography: req.per.clone(),
        pages: areas.len(),
        files: Vec::new(),
        pdf_single: req.pdf_single.as_ref().map(|p| p.display().to_string()),
        failed: Vec::new(),
    };
    let mut pages = Vec::new();
    let mut used = HashSet::new();
    feedback.stage(&format!("atlas: {} pages", areas.len()));
    for (i, area) in areas.iter().enumerate() {
        if feedback.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let path = req.files.then(|| {
            let stem = names::unique_stem(
                &names::safe_stem(&area.code, area.name.as_deref()),
                &mut used,
            );
            req.out_dir
                .join(format!("{stem}.{}", req.format.extension()))
        });
        match atlas_page(&loaded, &spec, req, area, &today, path.as_deref()) {
            Ok(page) => {
                out.files.extend(path.map(|p| p.display().to_string()));
                if req.pdf_single.is_some() {
                    pages.push(page);
                }
            }
            Err(e) => out.failed.push(AtlasFailure {
                area_code: area.code.clone(),
                file: path.map(|p| p.display().to_string()),
                error: e.to_string(),
            }),
        }
        feedback.progress(i as u64 + 1, areas.len() as u64);
    }
    if let Some(path) = &req.pdf_single {
        let bytes = encode_with(&pages, &spec, Format::Pdf, feedback)?;
        stage(feedback, "write")?;
        crate::output_file::write(path, &bytes)?;
    }
    Ok(out)
}

/// Lays out the page of one area and writes it to `path` (when writing files).
fn atlas_page(
    loaded: &load::Loaded,
    spec: &MapSpec,
    req: &AtlasRequest,
    area: &query::Area,
    today: &str,
    path: Option<&Path>,
) -> Result<Scene> {
    let focus = Focus::Areas {
        geography: req.per.clone(),
        codes: HashSet::from([area.code.clone()]),
        polygons: vec![area.geometry_bng.clone()],
        name: area.name.clone().unwrap_or_else(|| area.code.clone()),
        code: area.code.clone(),
    };
    let input = resolve::page(loaded, spec, &focus, today)?;
    let page = layout::layout(&input)?;
    if let Some(path) = path {
        let bytes = encode(std::slice::from_ref(&page), spec, req.format)?;
        crate::output_file::write(path, &bytes)?;
    }
    Ok(page)
}

/// The recipe of an atlas page: the area is named in the subtitle unless the recipe already
/// places `{area}` itself; a locator inset is on; the boundaries of the `per` geography are
/// drawn on top (unless the recipe already outlines it), so the page's area stands out.
fn atlas_spec(spec: &MapSpec, per: &str) -> MapSpec {
    let mut spec = spec.clone();
    let outlined = spec
        .layers
        .iter()
        .any(|l| matches!(l, LayerSpec::Outline { geography, .. } if geography == per));
    if !outlined {
        spec.layers.push(LayerSpec::Outline {
            geography: per.to_string(),
            colour: "#000000".into(),
            width_mm: 0.6,
            labels: false,
        });
    }
    if !spec.title.contains("{area}") && !spec.subtitle.contains("{area}") {
        spec.subtitle = if spec.subtitle.is_empty() {
            "{area} ({area_code})".into()
        } else {
            format!("{{area}} ({{area_code}}) · {}", spec.subtitle)
        };
    }
    spec.inset = true;
    spec
}
