//! Importing a file the way the app's import dialog does: a first look (`preview`), a trial
//! import into a scratch copy of the workspace that gives the exact counts and errors before
//! anything is written (`trial`), then the real, all-or-nothing import (`run`). The importers
//! are the CLI's (`data::import`), so both front ends accept and refuse the same files.

use crate::data::Workspace;
use crate::data::import::boundaries::{BoundaryOptions, BoundaryReport, import_boundaries};
use crate::data::import::indicators::{IndicatorOptions, IndicatorReport, import_indicators};
use crate::data::import::points::{PointOptions, PointReport, import_points};
pub use crate::data::import::preview::{FileKind, FilePreview, preview};
use crate::error::Result;
use serde::Serialize;
use std::path::PathBuf;

/// What to import, as the dialog's fields hold it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRequest {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Boundaries: the new geography; indicators: the geography the codes belong to; points:
    /// the new layer's name.
    pub target: String,
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    pub wide: bool,
    /// Period of a wide file (or of a long file without a period column).
    pub period: Option<String>,
    pub allow_unmatched: bool,
    pub replace: bool,
}

impl ImportRequest {
    /// The request the preview proposes: its kind, best-matching geography and code column.
    pub fn proposed(p: &FilePreview) -> Self {
        let best = p.matches.first();
        Self {
            path: PathBuf::from(&p.file),
            kind: p.kind,
            target: match p.kind {
                FileKind::Indicators => best.map(|m| m.geography.clone()).unwrap_or_default(),
                _ => p.suggested_name.clone(),
            },
            code_field: best.map(|m| m.column.clone()),
            name_field: None,
            wide: p.wide,
            period: None,
            allow_unmatched: false,
            replace: false,
        }
    }
}

/// What an import did (or would do).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ImportReport {
    Boundaries(BoundaryReport),
    Indicators(IndicatorReport),
    Points(PointReport),
}

impl ImportReport {
    /// One plain-language paragraph for the dialog.
    pub fn summary(&self) -> String {
        match self {
            Self::Boundaries(r) => format!(
                "{} areas as geography '{}' (codes from '{}', names from '{}', {}); {} invalid geometries kept",
                r.features,
                r.geography,
                r.code_field,
                r.name_field.as_deref().unwrap_or("none"),
                r.source_crs,
                r.invalid.len()
            ),
            Self::Indicators(r) => {
                let mut s = format!(
                    "{} matched area codes, {} unmatched{}; {} values of {} indicator(s) ({}) for {} ({} suppressed, {} missing)",
                    r.matched,
                    r.unmatched,
                    if r.unmatched_examples.is_empty() {
                        String::new()
                    } else {
                        format!(" (e.g. {})", r.unmatched_examples.join(", "))
                    },
                    r.values,
                    r.indicators.len(),
                    r.indicators.join(", "),
                    r.periods.join(", "),
                    r.suppressed,
                    r.missing
                );
                if !r.skipped_columns.is_empty() {
                    s.push_str(&format!(
                        "; text columns skipped: {}",
                        r.skipped_columns.join(", ")
                    ));
                }
                s
            }
            Self::Points(r) => format!(
                "{} points as layer '{}' ({})",
                r.features, r.layer, r.source_crs
            ),
        }
    }

    /// Distinct codes that match no boundary (indicators only).
    pub fn unmatched(&self) -> usize {
        match self {
            Self::Indicators(r) => r.unmatched,
            _ => 0,
        }
    }
}

/// Imports for real, in one transaction.
pub fn run(ws: &mut Workspace, req: &ImportRequest) -> Result<ImportReport> {
    Ok(match req.kind {
        FileKind::Boundaries => ImportReport::Boundaries(import_boundaries(
            ws,
            &req.path,
            &BoundaryOptions {
                geography: req.target.clone(),
                code_field: req.code_field.clone(),
                name_field: req.name_field.clone(),
                ..Default::default()
            },
        )?),
        FileKind::Indicators => ImportReport::Indicators(import_indicators(
            ws,
            &req.path,
            &IndicatorOptions {
                geography: req.target.clone(),
                code_field: req.code_field.clone(),
                wide: req.wide,
                period: req.period.clone(),
                allow_unmatched: req.allow_unmatched,
                replace: req.replace,
                ..Default::default()
            },
        )?),
        FileKind::Points => ImportReport::Points(import_points(
            ws,
            &req.path,
            &PointOptions {
                layer: req.target.clone(),
                source_crs: None,
            },
        )?),
    })
}

/// Runs the import on a scratch copy of the workspace (deleted afterwards), so the counts and
/// errors are exactly those of the real import while the workspace stays untouched. Unmatched
/// codes are counted rather than refused.
pub fn trial(ws: &Workspace, req: &ImportRequest) -> Result<ImportReport> {
    let scratch = std::env::temp_dir().join(format!(
        "local-atlas-trial-{}-{}.gpkg",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    ws.copy_to(&scratch)?;
    let result = Workspace::open(&scratch).and_then(|mut copy| {
        let req = ImportRequest {
            allow_unmatched: true,
            ..req.clone()
        };
        run(&mut copy, &req)
    });
    let _ = std::fs::remove_file(&scratch);
    result
}
