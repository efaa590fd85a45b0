//! Boundary import: a polygon layer becomes a GeoPackage feature table in EPSG:27700 with
//! `area_code`, `area_name` and the original attributes. Invalid rings are reported, never
//! dropped.

use super::indicators::MAX_CODE_CHARS;
use super::session::ImportRun;
use crate::data::crs::{Crs, Transformer};
use crate::data::feature_table::{self, Column, FeatureTable};
use crate::data::polygon_validity::{self, Verdict};
use crate::data::source::{self, AttrValue, SourceLayer};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result};
use geo::{Area, CoordsIter, Geometry, MultiPolygon};
use std::collections::HashMap;
use std::path::Path;

/// The most vertices one boundary feature may have: 5,000,000. Full-resolution coastal
/// boundaries have around 10⁵ per polygon, so this leaves room for fifty times that, while a
/// feature stays within about 80 MB of coordinates (plus the copy made by reprojection and
/// the validity check's segment index, a few hundred MB at most). A feature beyond it is
/// refused before it is reprojected or checked, naming the feature.
pub const MAX_VERTICES_PER_FEATURE: usize = 5_000_000;

/// What to import and how to read it.
#[derive(Debug, Clone, Default)]
pub struct BoundaryOptions {
    pub geography: String,
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    /// Overrides the CRS the file declares (or supplies one when it declares none).
    pub source_crs: Option<Crs>,
    /// For a GeoPackage source: which layer (default: the first).
    pub layer: Option<String>,
    /// The copyright/attribution line printed under maps of this geography (e.g. "Contains
    /// OS data © Crown copyright and database right 2019").
    pub attribution: Option<String>,
}

/// What was imported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoundaryReport {
    pub geography: String,
    pub file: String,
    pub features: usize,
    pub source_crs: String,
    pub code_field: String,
    pub name_field: Option<String>,
    /// Features made of one polygon (a GeoJSON `Polygon`, or a one-part multipolygon).
    pub single_part: usize,
    /// Features made of several polygons.
    pub multi_part: usize,
    pub holes: usize,
    /// Area codes whose geometry is invalid (e.g. self-intersecting rings); kept as they are.
    pub invalid: Vec<String>,
    /// For each invalid area, in the order of `invalid`: the code and what is wrong (e.g.
    /// "E01004910: polygon at index 0 is invalid: exterior ring has a self-intersection").
    pub invalid_reasons: Vec<String>,
    /// Area codes whose validity was not judged: shapes that would need more than
    /// `polygon_validity::MAX_CANDIDATES_PER_SEGMENT` segment comparisons per vertex (built
    /// to defeat the spatial index); imported as they are.
    pub unchecked: Vec<String>,
    pub total_area_m2: f64,
}

/// Reads, checks, reprojects and writes a boundary layer in one transaction.
pub fn import_boundaries(
    ws: &mut Workspace,
    path: &Path,
    opts: &BoundaryOptions,
) -> Result<BoundaryReport> {
    import_boundaries_with(ws, path, opts, &ImportRun::silent())
}

/// [`import_boundaries`] with progress, cancel, and the choice of keeping the result or
/// rolling it back (a trial).
pub fn import_boundaries_with(
    ws: &Workspace,
    path: &Path,
    opts: &BoundaryOptions,
    run: &ImportRun<'_>,
) -> Result<BoundaryReport> {
    feature_table::check_table_name("geography", &opts.geography)?;
    ensure_new_geography(ws, &opts.geography)?;
    run.stage("reading boundaries");
    let layer = source::read_layer_as(path, opts.layer.as_deref(), opts.source_crs)?;
    let crs = opts.source_crs.or(layer.crs).ok_or_else(|| {
        Error::from(
            InputError::new(&layer.file, "the file does not say which coordinate system it uses (no .prj)")
                .hint("pass --source-crs EPSG:27700 (British National Grid) or EPSG:4326 (longitude/latitude)"),
        )
    })?;
    let code_idx = choose_code_field(&layer, opts.code_field.as_deref())?;
    let name_idx = choose_name_field(&layer, opts.name_field.as_deref(), code_idx)?;
    let prepared = prepare_features(&layer, code_idx, name_idx, crs, run)?;
    let report = report(&layer, opts, crs, code_idx, name_idx, &prepared);
    let fields = Fields {
        code: code_idx,
        name: name_idx,
    };
    write(ws, path, opts, &layer, fields, &prepared, &report, run)?;
    Ok(report)
}

fn ensure_new_geography(ws: &Workspace, name: &str) -> Result<()> {
    if name.eq_ignore_ascii_case(crate::data::benchmark::BENCHMARK_GEOGRAPHY) {
        return Err(Error::Invalid(format!(
            "'{name}' is reserved for benchmark areas (England, regions), which have no \
             boundaries; choose another --geography name"
        )));
    }
    let exists: bool = ws.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM atlas_geographies WHERE name = ?1) \
         OR EXISTS(SELECT 1 FROM sqlite_master WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(Error::Invalid(format!(
            "the workspace already has a geography or table named '{name}'; choose another \
             --geography name (e.g. {name}_2)"
        )));
    }
    Ok(())
}

fn fields_list(layer: &SourceLayer) -> String {
    layer.fields.join(", ")
}

/// The code field: the flag, else `area_code`, else the first ONS-style `*CD` field whose
/// values are all present and distinct.
fn choose_code_field(layer: &SourceLayer, flag: Option<&str>) -> Result<usize> {
    if let Some(name) = flag {
        return layer.field_index(name).ok_or_else(|| {
            InputError::new(&layer.file, format!("has no field '{name}'"))
                .hint(format!(
                    "--code-field must be one of: {}",
                    fields_list(layer)
                ))
                .into()
        });
    }
    if let Some(i) = layer.field_index("area_code") {
        return Ok(i);
    }
    let candidates =
        layer.fields.iter().enumerate().filter(|(_, f)| {
            f.to_ascii_uppercase().ends_with("CD") || f.eq_ignore_ascii_case("code")
        });
    for (i, _) in candidates {
        let mut seen = std::collections::HashSet::new();
        let unique = layer.features.iter().all(|f| {
            f.attrs
                .get(i)
                .and_then(AttrValue::as_code)
                .is_some_and(|c| seen.insert(c))
        });
        if unique {
            return Ok(i);
        }
    }
    Err(
        InputError::new(&layer.file, "cannot tell which field holds the area codes")
            .hint(format!("pass --code-field, one of: {}", fields_list(layer)))
            .into(),
    )
}

/// The name field: the flag, else `area_name`, else the `*NM` partner of the code field, else
/// none.
fn choose_name_field(
    layer: &SourceLayer,
    flag: Option<&str>,
    code_idx: usize,
) -> Result<Option<usize>> {
    if let Some(name) = flag {
        return layer.field_index(name).map(Some).ok_or_else(|| {
            InputError::new(&layer.file, format!("has no field '{name}'"))
                .hint(format!(
                    "--name-field must be one of: {}",
                    fields_list(layer)
                ))
                .into()
        });
    }
    if let Some(i) = layer.field_index("area_name") {
        return Ok(Some(i));
    }
    let code = layer
        .fields
        .get(code_idx)
        .map(|s| s.to_ascii_uppercase())
        .unwrap_or_default();
    Ok(code
        .strip_suffix("CD")
        .and_then(|stem| layer.field_index(&format!("{stem}NM"))))
}

struct Prepared {
    code: String,
    name: Option<String>,
    geometry: Geometry<f64>,
    parts: usize,
    holes: usize,
    /// What is wrong with the geometry, if anything.
    problem: Option<String>,
    /// The geometry was too complex to judge within the validity check's budget.
    unchecked: bool,
    area_m2: f64,
}

fn prepare_features(
    layer: &SourceLayer,
    code_idx: usize,
    name_idx: Option<usize>,
    crs: Crs,
    run: &ImportRun<'_>,
) -> Result<Vec<Prepared>> {
    let to_bng = Transformer::new(crs, Crs::Bng)?;
    let code_field = layer.fields.get(code_idx).cloned().unwrap_or_default();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let total = layer.features.len();
    let mut out = Vec::with_capacity(total);
    for (i, f) in layer.features.iter().enumerate() {
        let n = i + 1;
        run.step(n, total)?;
        let err = |msg: String, hint: &str| -> Error {
            InputError::new(&layer.file, format!("feature {n}: {msg}"))
                .column(code_field.clone())
                .hint(hint)
                .into()
        };
        let code = f
            .attrs
            .get(code_idx)
            .and_then(AttrValue::as_code)
            .ok_or_else(|| {
                err(
                    "has no area code".into(),
                    "every boundary needs a code; fill it in or remove the feature",
                )
            })?;
        if code.chars().count() > MAX_CODE_CHARS {
            return Err(err(
                format!(
                    "the area code '{}' is longer than {MAX_CODE_CHARS} characters",
                    crate::error::excerpt(&code)
                ),
                "check --code-field names the column of area codes",
            ));
        }
        if let Some(prev) = first_row.insert(code.clone(), n) {
            return Err(err(
                format!("area code {code} is used again (first at feature {prev})"),
                "area codes must be unique; dissolve or remove the duplicate",
            ));
        }
        let name = name_idx
            .and_then(|j| f.attrs.get(j))
            .and_then(AttrValue::as_code);
        let multi = match &f.geometry {
            Some(Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]),
            Some(Geometry::MultiPolygon(mp)) => mp.clone(),
            Some(_) => {
                return Err(err(
                    format!("{code} is not a polygon"),
                    "boundaries must be polygons; import points with `import points`",
                ));
            }
            None => {
                return Err(err(
                    format!("{code} has no geometry"),
                    "draw or restore its boundary, or remove the feature",
                ));
            }
        };
        let vertices = multi.coords_count();
        if vertices > MAX_VERTICES_PER_FEATURE {
            return Err(err(
                format!(
                    "{code} has {vertices} vertices, more than the {MAX_VERTICES_PER_FEATURE} a \
                     boundary may have"
                ),
                "simplify it first (QGIS: Vector ▸ Geometry Tools ▸ Simplify; mapshaper: \
                 -simplify 10%)",
            ));
        }
        let g = to_bng
            .geometry(&Geometry::MultiPolygon(multi))
            .map_err(|e| {
                err(
                    format!("{code}: {e}"),
                    "check --source-crs matches the coordinates",
                )
            })?;
        let Geometry::MultiPolygon(mp) = g else {
            return Err(err(
                format!("{code}: reprojection changed the geometry type"),
                "report this as a bug",
            ));
        };
        let holes = mp.0.iter().map(|p| p.interiors().len()).sum();
        let verdict = polygon_validity::check_bounded(&mp);
        out.push(Prepared {
            unchecked: verdict == Verdict::TooComplex,
            problem: match verdict {
                Verdict::Invalid(e) => Some(e.to_string()),
                Verdict::Valid | Verdict::TooComplex => None,
            },
            code,
            name,
            area_m2: mp.unsigned_area(),
            holes,
            parts: mp.0.len(),
            geometry: Geometry::MultiPolygon(mp),
        });
    }
    if out.is_empty() {
        return Err(InputError::new(&layer.file, "has no features")
            .hint("check you chose the right file or layer")
            .into());
    }
    Ok(out)
}

fn report(
    layer: &SourceLayer,
    opts: &BoundaryOptions,
    crs: Crs,
    code_idx: usize,
    name_idx: Option<usize>,
    prepared: &[Prepared],
) -> BoundaryReport {
    BoundaryReport {
        geography: opts.geography.clone(),
        file: layer.file.clone(),
        features: prepared.len(),
        source_crs: crs.label(),
        code_field: layer.fields.get(code_idx).cloned().unwrap_or_default(),
        name_field: name_idx.and_then(|i| layer.fields.get(i).cloned()),
        single_part: prepared.iter().filter(|p| p.parts == 1).count(),
        multi_part: prepared.iter().filter(|p| p.parts > 1).count(),
        holes: prepared.iter().map(|p| p.holes).sum(),
        invalid: prepared
            .iter()
            .filter(|p| p.problem.is_some())
            .map(|p| p.code.clone())
            .collect(),
        invalid_reasons: prepared
            .iter()
            .filter_map(|p| Some(format!("{}: {}", p.code, p.problem.as_ref()?)))
            .collect(),
        unchecked: prepared
            .iter()
            .filter(|p| p.unchecked)
            .map(|p| p.code.clone())
            .collect(),
        total_area_m2: prepared.iter().map(|p| p.area_m2).sum(),
    }
}

/// The source fields read as the area code and the area name.
#[derive(Clone, Copy)]
struct Fields {
    code: usize,
    name: Option<usize>,
}

#[allow(clippy::too_many_arguments)]
fn write(
    ws: &Workspace,
    path: &Path,
    opts: &BoundaryOptions,
    layer: &SourceLayer,
    fields_read: Fields,
    prepared: &[Prepared],
    report: &BoundaryReport,
    run: &ImportRun<'_>,
) -> Result<()> {
    let (code_idx, name_idx) = (fields_read.code, fields_read.name);
    // Keep every original attribute except the code/name fields when they already carry the
    // standard names (they are stored as area_code / area_name).
    let keep: Vec<usize> = (0..layer.fields.len())
        .filter(|&i| {
            let standard = layer.fields.get(i).is_some_and(|f| {
                f.eq_ignore_ascii_case("area_code") || f.eq_ignore_ascii_case("area_name")
            });
            !(standard && (i == code_idx || Some(i) == name_idx))
        })
        .collect();
    let fields: Vec<String> = keep
        .iter()
        .filter_map(|&i| layer.fields.get(i).cloned())
        .collect();
    let rows: Vec<Vec<AttrValue>> = layer
        .features
        .iter()
        .map(|f| {
            keep.iter()
                .map(|&i| f.attrs.get(i).cloned().unwrap_or(AttrValue::Null))
                .collect()
        })
        .collect();
    let row_refs: Vec<&[AttrValue]> = rows.iter().map(|r| r.as_slice()).collect();
    let columns: Vec<Column> = feature_table::attribute_columns(
        &layer.file,
        &fields,
        &row_refs,
        &["fid", "geom", "area_code", "area_name"],
    )?;
    let description = format!(
        "Boundaries '{}' imported from {}",
        opts.geography, report.file
    );
    let table = FeatureTable {
        table: &opts.geography,
        identifier: &opts.geography,
        description: &description,
        geometry_type: "MULTIPOLYGON",
        fixed: &[("area_code", "TEXT NOT NULL UNIQUE"), ("area_name", "TEXT")],
        columns: &columns,
    };
    let sha = crate::data::import::sha256_file(path);
    let detail = serde_json::to_string(report).unwrap_or_default();
    run.stage("writing boundaries");
    let total = prepared.len();
    run.write(ws, |tx| {
        feature_table::create(tx, &table)?;
        for (i, (p, attrs)) in prepared.iter().zip(&rows).enumerate() {
            run.step(i + 1, total)?;
            let fixed = [
                AttrValue::Text(p.code.clone()),
                p.name.clone().map(AttrValue::Text).unwrap_or(AttrValue::Null),
            ];
            feature_table::insert_feature(tx, &table, &p.geometry, &fixed, attrs)?;
        }
        feature_table::set_extent(tx, &opts.geography, feature_table::extent(prepared.iter().map(|p| &p.geometry)))?;
        tx.execute(
            "INSERT INTO atlas_geographies (name, table_name, code_field, name_field, source_file, source_crs, imported_at, attribution) \
             VALUES (?1, ?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?6)",
            (&opts.geography, &report.code_field, &report.name_field, &report.file, &report.source_crs, opts.attribution.as_deref().unwrap_or("")),
        )?;
        crate::data::import::log_import(tx, "boundaries", &opts.geography, path, prepared.len(), &sha, &detail)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::source::SourceFeature;
    use geo::{LineString, Polygon};

    fn layer_of(ring: Vec<(f64, f64)>) -> SourceLayer {
        SourceLayer {
            file: "big.geojson".into(),
            fields: vec!["area_code".into()],
            features: vec![SourceFeature {
                attrs: vec![AttrValue::Text("E01000001".into())],
                geometry: Some(Geometry::Polygon(Polygon::new(
                    LineString::from(ring),
                    vec![],
                ))),
            }],
            crs: Some(Crs::Bng),
        }
    }

    #[test]
    fn a_feature_beyond_the_vertex_limit_is_refused_naming_it() {
        let n = MAX_VERTICES_PER_FEATURE + 1;
        let ring: Vec<(f64, f64)> = (0..n).map(|i| (i as f64, (i % 2) as f64)).collect();
        let e = prepare_features(&layer_of(ring), 0, None, Crs::Bng, &ImportRun::silent())
            .err()
            .expect("refused");
        let msg = e.to_string();
        assert!(msg.contains("big.geojson"), "{msg}");
        assert!(
            msg.contains("feature 1") && msg.contains("E01000001"),
            "{msg}"
        );
        assert!(
            msg.contains("5000002 vertices") && msg.contains("simplify"),
            "{msg}"
        );
    }

    #[test]
    fn an_invalid_feature_is_kept_with_its_reason() {
        let bow_tie = vec![(0., 0.), (4., 4.), (4., 0.), (0., 4.)];
        let layer = layer_of(bow_tie);
        let p = prepare_features(&layer, 0, None, Crs::Bng, &ImportRun::silent()).unwrap();
        let r = report(&layer, &BoundaryOptions::default(), Crs::Bng, 0, None, &p);
        assert_eq!(r.invalid, vec!["E01000001"]);
        assert_eq!(
            r.invalid_reasons,
            vec!["E01000001: polygon at index 0 is invalid: exterior ring has a self-intersection"]
        );
    }
}
