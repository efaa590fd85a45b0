//! What to import: one serialisable request for every kind of file and every option the
//! command line has, filled by the CLI's flags or the app's import dialog.

use super::{Crs, FileKind, FilePreview, TextEncoding};
use crate::data::import::boundaries::BoundaryOptions;
use crate::data::import::indicators::IndicatorOptions;
use crate::data::import::lookup::LookupOptions;
use crate::data::import::points::PointOptions;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What to import, as the dialog's fields or the command's flags hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The file to read.
    pub path: PathBuf,
    pub kind: FileKind,
    /// Boundaries: the new geography; indicators: the geography the codes belong to; points:
    /// the new layer's name; lookup: the geography whose areas are assigned (`--from`).
    pub target: String,
    /// The column holding the codes of `target` (lookup: `--from-field`); none: detected.
    pub code_field: Option<String>,
    /// Boundaries: the column holding the area names; none: detected.
    pub name_field: Option<String>,
    /// Indicators: one column per indicator.
    pub wide: bool,
    /// Indicators, wide form: import only these columns.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Period of a wide file (or of a long file without a period column).
    pub period: Option<String>,
    /// Indicators: the metadata CSV (title, theme, unit, polarity, …).
    #[serde(default)]
    pub metadata: Option<PathBuf>,
    /// Indicators: title, theme, unit and polarity typed for the file's indicators, keyed by
    /// column header (wide) or indicator code (long).
    #[serde(default)]
    pub described: Vec<crate::data::indicator::IndicatorMeta>,
    /// Indicators: the text encoding of the CSV.
    #[serde(default)]
    pub encoding: TextEncoding,
    /// Boundaries and points: the CRS of the file when it does not say, or says wrongly.
    #[serde(default)]
    pub source_crs: Option<Crs>,
    /// Boundaries: the layer to read from a GeoPackage (default: the first).
    #[serde(default)]
    pub source_layer: Option<String>,
    /// Boundaries: the copyright line printed under maps of the geography.
    #[serde(default)]
    pub attribution: Option<String>,
    /// Lookup: the geography the areas are assigned to (`--to`).
    #[serde(default)]
    pub to: String,
    /// Lookup: the column holding the codes of `to`; none: detected.
    #[serde(default)]
    pub to_field: Option<String>,
    /// Indicators: import the rows whose codes match a boundary and skip the others; points
    /// located by postcode: import the rows whose postcode is found and skip the others.
    pub allow_unmatched: bool,
    /// Points: locate each row by the postcode in this column (the workspace's postcode
    /// lookup) instead of coordinate columns.
    #[serde(default)]
    pub postcode_field: Option<String>,
    /// Indicators: take codes that look mistyped for the boundary code they look like.
    #[serde(default)]
    pub fix_codes: bool,
    /// Indicators: data-quality warnings refuse the import.
    #[serde(default)]
    pub strict: bool,
    /// Indicators: replace values already stored for the same indicator, geography and period.
    pub replace: bool,
    /// Indicators: codes whose rows are stored as benchmark areas (beside the well-known ones).
    #[serde(default)]
    pub benchmark_codes: Vec<String>,
    /// Indicators: which rows of a file with breakdown columns (sex, age, category) are kept.
    #[serde(default)]
    pub breakdown: crate::data::import::breakdown::Breakdown,
}

/// The postcode column of a point file that has no coordinate columns (a pharmacy list), if
/// it has one: the import then places its rows by postcode.
fn postcode_column(columns: &[String]) -> Option<String> {
    let has = |names: &[&str]| {
        columns
            .iter()
            .any(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
    };
    let coordinates = has(&[
        "easting",
        "x",
        "eastings",
        "longitude",
        "lon",
        "lng",
        "long",
    ]);
    if coordinates {
        return None;
    }
    columns
        .iter()
        .find(|c| {
            ["postcode", "pcds", "pcd", "post_code", "postal_code"]
                .iter()
                .any(|n| c.eq_ignore_ascii_case(n))
        })
        .cloned()
}

impl ImportRequest {
    /// A request for `path` as `kind` into `target`, every option at its default.
    pub fn new(kind: FileKind, path: impl Into<PathBuf>, target: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            kind,
            target: target.into(),
            code_field: None,
            name_field: None,
            wide: false,
            columns: None,
            period: None,
            metadata: None,
            described: Vec::new(),
            encoding: TextEncoding::Auto,
            source_crs: None,
            source_layer: None,
            attribution: None,
            to: String::new(),
            to_field: None,
            allow_unmatched: false,
            postcode_field: None,
            fix_codes: false,
            strict: false,
            replace: false,
            benchmark_codes: Vec::new(),
            breakdown: Default::default(),
        }
    }

    /// The request the preview proposes: its kind, best-matching geography and code column.
    pub fn proposed(p: &FilePreview) -> Self {
        let best = p.matches.first();
        let target = match p.kind {
            FileKind::Indicators => best.map(|m| m.geography.clone()).unwrap_or_default(),
            _ => p.suggested_name.clone(),
        };
        Self {
            code_field: best.map(|m| m.column.clone()),
            wide: p.wide,
            // Used by a point import only (the dialog may switch the kind to points).
            postcode_field: postcode_column(&p.columns),
            ..Self::new(p.kind, &p.file, target)
        }
    }

    pub(super) fn boundary_options(&self) -> BoundaryOptions {
        BoundaryOptions {
            geography: self.target.clone(),
            code_field: self.code_field.clone(),
            name_field: self.name_field.clone(),
            source_crs: self.source_crs,
            layer: self.source_layer.clone(),
            attribution: self.attribution.clone(),
        }
    }

    pub(super) fn indicator_options(&self) -> IndicatorOptions {
        IndicatorOptions {
            geography: self.target.clone(),
            code_field: self.code_field.clone(),
            wide: self.wide,
            columns: self.columns.clone(),
            period: self.period.clone(),
            described: self.described.clone(),
            fix_codes: self.fix_codes,
            strict: self.strict,
            review: Some(crate::ops::quality::review),
            metadata: self.metadata.clone(),
            allow_unmatched: self.allow_unmatched,
            replace: self.replace,
            encoding: self.encoding,
            benchmark_codes: self.benchmark_codes.clone(),
            breakdown: self.breakdown,
        }
    }

    pub(super) fn point_options(&self) -> PointOptions {
        PointOptions {
            layer: self.target.clone(),
            source_crs: self.source_crs,
            postcode_field: self.postcode_field.clone(),
            allow_unmatched: self.allow_unmatched,
        }
    }

    pub(super) fn lookup_options(&self) -> Result<LookupOptions> {
        if self.to.trim().is_empty() {
            return Err(Error::Invalid(
                "a lookup needs the geography its areas are assigned to (--to, e.g. ward17)".into(),
            ));
        }
        Ok(LookupOptions {
            from: self.target.clone(),
            to: self.to.clone(),
            from_field: self.code_field.clone(),
            to_field: self.to_field.clone(),
        })
    }
}
