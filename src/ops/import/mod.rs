//! Importing a file: the one door both front ends use. A first look (`preview`), a trial that
//! runs the whole import inside a transaction and rolls it back, so the counts and errors are
//! exactly those of the import while the workspace stays byte-for-byte as it was (`trial`,
//! `check`), then the real, all-or-nothing import (`run`). Boundaries, indicators, point
//! layers and lookups, with every option of the command line.

mod report;
mod request;

pub use crate::data::crs::Crs;
pub use crate::data::import::breakdown::Breakdown;
pub use crate::data::import::csv_text::TextEncoding;
pub use crate::data::import::preview::{FileKind, FilePreview, preview};
pub use crate::data::indicator::IndicatorMeta;
pub use report::ImportReport;
pub use request::ImportRequest;

use crate::data::Workspace;
use crate::data::import::boundaries::import_boundaries_with;
use crate::data::import::indicators::import_indicators_with;
use crate::data::import::lookup::import_lookup_with;
use crate::data::import::points::import_points_with;
use crate::data::import::session::ImportRun;
use crate::error::Result;
use crate::feedback::Feedback;

/// Imports for real, in one transaction. Progress (rows or features read and written) goes to
/// `feedback`; when it is cancelled the import stops with `Error::Cancelled` and nothing is
/// written.
pub fn run(ws: &Workspace, req: &ImportRequest, feedback: &dyn Feedback) -> Result<ImportReport> {
    import(ws, req, &ImportRun::keep(feedback))
}

/// Validates the file against the workspace exactly as [`run`] does, returning the same
/// report, and writes nothing: the import runs inside a transaction that is rolled back, so
/// the cost is that of the file, not of the workspace. An error is the one the import would
/// give (`import … --check`).
pub fn check(ws: &Workspace, req: &ImportRequest, feedback: &dyn Feedback) -> Result<ImportReport> {
    import(ws, req, &ImportRun::trial(feedback))
}

/// [`check`] as the app's dialog wants it: codes that match no boundary are counted (see
/// [`ImportReport::unmatched`]) rather than refused, so the user sees how many before
/// choosing to skip them.
pub fn trial(ws: &Workspace, req: &ImportRequest, feedback: &dyn Feedback) -> Result<ImportReport> {
    let req = ImportRequest {
        allow_unmatched: true,
        ..req.clone()
    };
    check(ws, &req, feedback)
}

fn import(ws: &Workspace, req: &ImportRequest, run: &ImportRun<'_>) -> Result<ImportReport> {
    let path = &req.path;
    Ok(match req.kind {
        FileKind::Boundaries => ImportReport::Boundaries(import_boundaries_with(
            ws,
            path,
            &req.boundary_options(),
            run,
        )?),
        FileKind::Indicators => ImportReport::Indicators(import_indicators_with(
            ws,
            path,
            &req.indicator_options(),
            run,
        )?),
        FileKind::Points => {
            ImportReport::Points(import_points_with(ws, path, &req.point_options(), run)?)
        }
        FileKind::Lookup => {
            ImportReport::Lookup(import_lookup_with(ws, path, &req.lookup_options()?, run)?)
        }
    })
}
