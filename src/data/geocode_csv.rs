//! Geocoding a partner's CSV by postcode (`geocode`): every row of the file is written again
//! with its postcode's grid reference, longitude/latitude, LSOA, ward, positional quality and
//! status added, from the workspace's postcode lookup, without importing anything. The file
//! streams in and out (bounded memory); the output is written atomically.

use super::crs::{Crs, Transformer};
use super::import::csv_stream::CsvStream;
use super::import::csv_text::TextEncoding;
use super::postcode::{is_postcode, normalise};
use super::workspace::Workspace;
use crate::error::{Error, Result, excerpt};
use crate::feedback::Feedback;
use std::path::Path;

/// The columns added after the file's own.
pub const ADDED_COLUMNS: [&str; 8] = [
    "easting",
    "northing",
    "longitude",
    "latitude",
    "lsoa11",
    "ward",
    "postcode_quality",
    "postcode_status",
];

/// The most example rows kept per status.
const EXAMPLES: usize = 5;

/// `geocode` options.
#[derive(Debug, Clone, Default)]
pub struct GeocodeOptions {
    /// The column holding the postcodes.
    pub postcode_field: String,
    pub encoding: TextEncoding,
    /// Write text cells exactly as read (no spreadsheet-formula neutralising).
    pub raw: bool,
}

/// What `geocode` did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GeocodeReport {
    pub file: String,
    pub out: String,
    pub rows: usize,
    /// Geocoded to a live postcode.
    pub live: usize,
    /// Geocoded to a terminated postcode's last location (flagged `terminated`).
    pub terminated: usize,
    /// Well-formed postcodes the lookup does not have.
    pub unknown: usize,
    /// Texts that are not postcodes (or empty).
    pub invalid: usize,
    pub terminated_examples: Vec<String>,
    pub unknown_examples: Vec<String>,
    pub invalid_examples: Vec<String>,
}

/// One postcode as looked up.
struct Hit {
    easting: Option<f64>,
    northing: Option<f64>,
    quality: Option<i64>,
    terminated: Option<String>,
    lsoa: Option<String>,
    ward: Option<String>,
}

/// Geocodes `input` into `out` (CSV).
pub fn geocode_csv(
    ws: &Workspace,
    input: &Path,
    out: &Path,
    opts: &GeocodeOptions,
    feedback: &dyn Feedback,
) -> Result<GeocodeReport> {
    let stored: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM atlas_postcodes", [], |r| r.get(0))?;
    if stored == 0 {
        return Err(Error::Invalid(
            "the workspace has no postcode lookup yet: import one first with `local-atlas import postcodes WS.gpkg NSPL.csv` (ONSPD, NSPL or Code-Point Open)".into(),
        ));
    }
    let mut stream = CsvStream::open(input, opts.encoding)?;
    let col = stream
        .columns
        .require(&opts.postcode_field, "--postcode-field")?;
    let to_wgs = Transformer::new(Crs::Bng, Crs::Wgs84)?;
    let mut report = GeocodeReport {
        file: stream.columns.file.clone(),
        out: out.display().to_string(),
        ..Default::default()
    };
    let mut lookup = ws.conn().prepare_cached(
        "SELECT easting, northing, quality, terminated, lsoa, ward FROM atlas_postcodes \
         WHERE postcode = ?1",
    )?;
    let raw = opts.raw;
    crate::output_file::write_with(out, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let mut header: Vec<String> = stream.columns.headers.clone();
        header.extend(ADDED_COLUMNS.iter().map(|c| c.to_string()));
        csv.write_record(&header).map_err(|e| write_error(out, e))?;
        while let Some(line) = stream.next_record()? {
            report.rows += 1;
            let (read, total) = stream.progress();
            feedback.progress(read, total.max(1));
            if feedback.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let text = stream.cell(col).trim().to_string();
            let key = normalise(&text);
            let hit = if is_postcode(&key) {
                lookup
                    .query_row([&key], |r| {
                        Ok(Hit {
                            easting: r.get(0)?,
                            northing: r.get(1)?,
                            quality: r.get(2)?,
                            terminated: r.get(3)?,
                            lsoa: r.get(4)?,
                            ward: r.get(5)?,
                        })
                    })
                    .ok()
            } else {
                None
            };
            let status = tally(&mut report, &hit, is_postcode(&key), line, &text);
            let mut record: Vec<String> = (0..stream.columns.headers.len())
                .map(|i| crate::csv_formulas::text_cell(&stream.cell(i), raw).into_owned())
                .collect();
            record.extend(added(&hit, &to_wgs, status));
            csv.write_record(&record).map_err(|e| write_error(out, e))?;
        }
        csv.flush().map_err(|e| Error::io(out, e))?;
        Ok(())
    })?;
    Ok(report)
}

fn write_error(out: &Path, e: csv::Error) -> Error {
    Error::io(out, std::io::Error::other(e.to_string()))
}

/// Counts the row under its status and keeps the first examples; returns the status.
fn tally(
    r: &mut GeocodeReport,
    hit: &Option<Hit>,
    well_formed: bool,
    line: u64,
    text: &str,
) -> &'static str {
    let example = format!("line {line}: '{}'", excerpt(text));
    let push = |v: &mut Vec<String>| {
        if v.len() < EXAMPLES {
            v.push(example.clone());
        }
    };
    match hit {
        Some(h) if h.terminated.is_some() => {
            r.terminated += 1;
            push(&mut r.terminated_examples);
            "terminated"
        }
        Some(_) => {
            r.live += 1;
            "live"
        }
        None if well_formed => {
            r.unknown += 1;
            push(&mut r.unknown_examples);
            "unknown"
        }
        None => {
            r.invalid += 1;
            push(&mut r.invalid_examples);
            "invalid"
        }
    }
}

/// The added cells of one row.
fn added(hit: &Option<Hit>, to_wgs: &Transformer, status: &str) -> Vec<String> {
    let num =
        |v: Option<f64>, places: usize| v.map(|v| format!("{v:.places$}")).unwrap_or_default();
    let Some(h) = hit else {
        let mut cells = vec![String::new(); ADDED_COLUMNS.len() - 1];
        cells.push(status.to_string());
        return cells;
    };
    let lonlat = match (h.easting, h.northing) {
        (Some(e), Some(n)) => to_wgs.point(e, n).ok(),
        _ => None,
    };
    vec![
        num(h.easting, 0),
        num(h.northing, 0),
        num(lonlat.map(|l| l.0), 6),
        num(lonlat.map(|l| l.1), 6),
        h.lsoa.clone().unwrap_or_default(),
        h.ward.clone().unwrap_or_default(),
        h.quality.map(|q| q.to_string()).unwrap_or_default(),
        status.to_string(),
    ]
}

/// A summary line of the report's problems, for text output: counts and first examples.
pub fn problems_text(r: &GeocodeReport) -> Vec<String> {
    let mut out = Vec::new();
    for (n, what, ex) in [
        (
            r.terminated,
            "terminated postcodes (geocoded to their last location)",
            &r.terminated_examples,
        ),
        (
            r.unknown,
            "postcodes not in the lookup",
            &r.unknown_examples,
        ),
        (
            r.invalid,
            "cells that are not postcodes",
            &r.invalid_examples,
        ),
    ] {
        if n > 0 {
            out.push(format!("{n} {what}, e.g. {}", ex.join("; ")));
        }
    }
    out
}
