//! ESRI shapefile reading: `.shp` + `.shx` geometry, `.dbf` attributes decoded with the `.cpg`
//! encoding, `.prj` deciding the CRS.

use super::crs::Crs;
use super::source::{AttrValue, SourceFeature, SourceLayer};
use crate::error::{InputError, Result};
use geo::Geometry;
use shapefile::dbase::{self, FieldValue};
use std::path::Path;

/// Reads a shapefile and its sidecar files.
pub fn read_shapefile(path: &Path) -> Result<SourceLayer> {
    let file = path.display().to_string();
    let dbf = path.with_extension("dbf");
    if !dbf.is_file() {
        return Err(InputError::new(
            &file,
            format!("the attribute file {} is missing", dbf.display()),
        )
        .hint("a shapefile needs its .dbf (and .shx, .prj) beside the .shp; copy all of them")
        .into());
    }
    let crs = read_prj(path)?;
    let encoding = read_cpg(path)?;
    let shapes = read_shapes(path, &file)?;
    let (fields, records) = read_dbf(&dbf, encoding)?;
    if records.len() != shapes.len() {
        return Err(InputError::new(
            &file,
            format!(
                "has {} shapes but its .dbf has {} records",
                shapes.len(),
                records.len()
            ),
        )
        .hint("the files do not belong together or one is truncated; export the layer again")
        .into());
    }
    let features = shapes
        .into_iter()
        .zip(records)
        .map(|(geometry, attrs)| SourceFeature { attrs, geometry })
        .collect();
    Ok(SourceLayer {
        file,
        fields,
        features,
        crs,
    })
}

fn read_prj(path: &Path) -> Result<Option<Crs>> {
    let prj = path.with_extension("prj");
    if !prj.is_file() {
        return Ok(None);
    }
    let wkt = read_sidecar(&prj)?;
    match Crs::from_wkt(&wkt) {
        Some(crs) => Ok(Some(crs)),
        None => Err(InputError::new(prj.display(), "unsupported coordinate reference system")
            .hint("reproject the layer to EPSG:27700 (British National Grid) or EPSG:4326 in QGIS, or pass --source-crs if the .prj is wrong")
            .into()),
    }
}

/// The largest `.prj` or `.cpg` read: 64 KiB (a WKT definition is under 2 KB; a code page
/// name a few bytes).
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024;

fn read_sidecar(path: &Path) -> Result<String> {
    let bytes = super::read_limited::read_limited(path, MAX_SIDECAR_BYTES)?;
    String::from_utf8(bytes).map_err(|_| {
        InputError::new(path.display(), "is not text (UTF-8 or ASCII)")
            .hint("write the coordinate system (.prj) or encoding name (.cpg) as plain text, or delete the file")
            .into()
    })
}

fn read_cpg(path: &Path) -> Result<Option<&'static encoding_rs::Encoding>> {
    let cpg = path.with_extension("cpg");
    if !cpg.is_file() {
        return Ok(None);
    }
    let label = read_sidecar(&cpg)?;
    let label = label.trim();
    let normalised = match label.to_ascii_uppercase().as_str() {
        "1252" | "ANSI 1252" => "windows-1252".to_string(),
        "UTF8" | "65001" => "utf-8".to_string(),
        _ => label.to_string(),
    };
    match encoding_rs::Encoding::for_label(normalised.as_bytes()) {
        Some(enc) => Ok(Some(enc)),
        None => Err(
            InputError::new(cpg.display(), format!("unknown text encoding '{label}'"))
                .hint("write the encoding name into the .cpg, e.g. UTF-8 or ISO-8859-1")
                .into(),
        ),
    }
}

/// The fixed header of a `.shp` or `.shx`, in bytes.
const SHAPE_HEADER: u64 = 100;

/// Checks the `.shp` and (when present) `.shx` headers before the shapefile crate reads
/// them: the file code 9994, and a stated length within the real file, so a truncated file
/// is reported as cut short rather than failing part-way with an end-of-file error.
fn check_shape_headers(path: &Path) -> Result<()> {
    for p in [path.to_path_buf(), path.with_extension("shx")] {
        if p != path && !p.is_file() {
            continue;
        }
        let shown = p.display().to_string();
        let damaged = |msg: String| -> crate::error::Error {
            InputError::new(&shown, msg)
                .hint("the file is truncated or damaged; copy or export the layer again")
                .into()
        };
        let len = std::fs::metadata(&p)
            .map_err(|e| InputError::new(&shown, format!("cannot read: {e}")))?
            .len();
        let mut head = [0u8; SHAPE_HEADER as usize];
        let read = std::fs::File::open(&p).and_then(|mut f| {
            use std::io::Read;
            f.read_exact(&mut head)
        });
        if len < SHAPE_HEADER || read.is_err() {
            return Err(damaged(format!(
                "is cut short ({len} bytes; a shapefile part's header alone is 100)"
            )));
        }
        if i32::from_be_bytes([head[0], head[1], head[2], head[3]]) != 9994 {
            return Err(damaged(
                "does not start like a shapefile (file code 9994)".into(),
            ));
        }
        let stated = u64::from(u32::from_be_bytes([head[24], head[25], head[26], head[27]])) * 2;
        if stated > len {
            return Err(damaged(format!(
                "is cut short: its header says {stated} bytes but it has {len}"
            )));
        }
    }
    Ok(())
}

fn read_shapes(path: &Path, file: &str) -> Result<Vec<Option<Geometry<f64>>>> {
    check_shape_headers(path)?;
    let shp_err = |e: shapefile::Error| -> crate::error::Error {
        InputError::new(file, format!("cannot read the shapes: {e}"))
            .hint("the .shp or .shx may be truncated or damaged; export the layer again")
            .into()
    };
    let mut reader = shapefile::ShapeReader::from_path(path).map_err(shp_err)?;
    let mut out = Vec::new();
    for (i, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| {
            crate::error::Error::from(
                InputError::new(file, format!("shape {} cannot be read: {e}", i + 1))
                    .hint("the .shp may be truncated or damaged; export the layer again"),
            )
        })?;
        if matches!(shape, shapefile::Shape::NullShape) {
            out.push(None);
            continue;
        }
        let g = Geometry::<f64>::try_from(shape).map_err(|e| {
            crate::error::Error::from(InputError::new(
                file,
                format!("shape {} has an invalid geometry: {e:?}", i + 1),
            ))
        })?;
        out.push(Some(g));
    }
    Ok(out)
}

fn read_dbf(
    dbf: &Path,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<(Vec<String>, Vec<Vec<AttrValue>>)> {
    let file = dbf.display().to_string();
    let dbf_err = |e: dbase::Error| -> crate::error::Error {
        let text = e.to_string();
        let hint = if text.to_ascii_lowercase().contains("utf") || text.contains("decod") {
            "the text is not in the encoding expected: add or correct the .cpg file (e.g. ISO-8859-1)"
        } else {
            "the .dbf may be truncated or damaged; export the layer again"
        };
        InputError::new(&file, format!("cannot read the attributes: {text}"))
            .hint(hint)
            .into()
    };
    let builder = dbase::ReaderBuilder::new();
    let builder = match encoding {
        Some(enc) => builder.with_encoding(dbase::encoding::EncodingRs::from(enc)),
        None => builder.with_encoding(dbase::encoding::Unicode),
    };
    let header = super::dbf_header::check_dbf(dbf)?;
    super::source::check_cells(&file, header.records as usize, header.fields.len())?;
    let mut reader = builder.open(dbf).map_err(dbf_err)?;
    let fields: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    if fields.len() != header.fields.len() {
        return Err(InputError::new(
            &file,
            format!(
                "its header lists {} fields but {} could be read",
                header.fields.len(),
                fields.len()
            ),
        )
        .hint("the .dbf is damaged; export the layer again")
        .into());
    }
    let mut rows = Vec::new();
    for record in reader.iter_records() {
        let record = record.map_err(|e| {
            let line = rows.len() as u64 + 1;
            let mut err = match dbf_err(e) {
                crate::error::Error::Input(b) => *b,
                other => InputError::new(&file, other.to_string()),
            };
            err.message = format!("record {line}: {}", err.message);
            crate::error::Error::from(err)
        })?;
        let attrs = fields.iter().map(|f| dbf_attr(record.get(f))).collect();
        rows.push(attrs);
    }
    Ok((fields, rows))
}

fn dbf_attr(v: Option<&FieldValue>) -> AttrValue {
    match v {
        Some(FieldValue::Character(Some(s))) => AttrValue::Text(s.trim().to_string()),
        Some(FieldValue::Memo(s)) => AttrValue::Text(s.clone()),
        Some(FieldValue::Numeric(Some(n))) => number_attr(*n),
        Some(FieldValue::Float(Some(n))) => number_attr(f64::from(*n)),
        Some(FieldValue::Double(n)) => number_attr(*n),
        Some(FieldValue::Integer(i)) => AttrValue::Int(i64::from(*i)),
        Some(FieldValue::Currency(c)) => number_attr(*c),
        Some(FieldValue::Logical(Some(b))) => AttrValue::Int(i64::from(*b)),
        Some(FieldValue::Date(Some(d))) => {
            AttrValue::Text(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        _ => AttrValue::Null,
    }
}

fn number_attr(n: f64) -> AttrValue {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        AttrValue::Int(n as i64)
    } else {
        AttrValue::Real(n)
    }
}
