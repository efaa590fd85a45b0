//! Postcode lookups into the workspace (`import postcodes`): ONS **NSPL** and **ONSPD** (a
//! header row; columns found by name in any case: `pcds`/`pcd2`/`pcd`/`postcode`,
//! `oseast1m`/`osnrth1m` or `long`/`lat`, `osgrdind`, `dointr`/`doterm`, `lsoa11`, `ward`/
//! `osward`, `laua`/`oslaua`, …) and OS **Code-Point Open** (no header row, its documented ten
//! columns). Each postcode is stored once under its key ([`crate::data::postcode::normalise`]),
//! terminated ones with their termination date and last location. The file streams (the whole
//! of GB, about 2.6 million rows, in bounded memory); a new release replaces the table in the
//! import's one transaction, so a failed or cancelled import leaves the old release in place.

use super::csv_stream::CsvStream;
use super::csv_text::TextEncoding;
use super::problems::Problems;
use super::session::ImportRun;
use crate::data::crs::{Crs, Transformer};
use crate::data::postcode::{is_postcode, normalise};
use crate::data::workspace::Workspace;
use crate::error::{Error, InputError, Result, excerpt};
use rusqlite::{OptionalExtension, Transaction};
use std::path::Path;

/// OS Code-Point Open's documented columns (the file has no header row).
pub const CODEPOINT_COLUMNS: [&str; 10] = [
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
];

/// Which product a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostcodeFormat {
    /// Told by the file: no header row of names → Code-Point Open; `oslaua`/`osward` → ONSPD;
    /// `laua`/`ward` → NSPL; otherwise an ONSPD-style extract.
    #[default]
    Auto,
    Onspd,
    Nspl,
    Codepoint,
}

impl PostcodeFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Onspd => "onspd",
            Self::Nspl => "nspl",
            Self::Codepoint => "codepoint",
        }
    }
}

/// `import postcodes` options.
#[derive(Debug, Clone, Default)]
pub struct PostcodeOptions {
    pub format: PostcodeFormat,
    /// The release (e.g. "NSPL November 2021"); default: the file name.
    pub release: Option<String>,
    pub encoding: TextEncoding,
    /// Replace the stored lookup even when this file is older than it (`--allow-older`).
    pub allow_older: bool,
}

/// What a postcode import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PostcodeReport {
    pub file: String,
    pub format: PostcodeFormat,
    pub release: String,
    /// Postcodes stored.
    pub postcodes: usize,
    pub live: usize,
    pub terminated: usize,
    /// Postcodes the file gives no location for (stored, but they geocode to nothing).
    pub without_location: usize,
    /// The month the release is up to date to (YYYYMM): its latest introduction or
    /// termination date; none for a file without dates (Code-Point Open).
    pub as_at: Option<String>,
    /// The release this one replaced, if any, and how many postcodes it had.
    pub replaced: Option<String>,
    pub replaced_postcodes: usize,
    /// The columns read for each field.
    pub columns: Vec<(String, String)>,
}

/// The columns of one file.
struct Columns {
    postcode: usize,
    easting: Option<usize>,
    northing: Option<usize>,
    lon: Option<usize>,
    lat: Option<usize>,
    quality: Option<usize>,
    introduced: Option<usize>,
    terminated: Option<usize>,
    lsoa: Option<usize>,
    ward: Option<usize>,
    district: Option<usize>,
}

/// One postcode as stored.
struct Row {
    key: String,
    shown: String,
    easting: Option<f64>,
    northing: Option<f64>,
    quality: Option<i64>,
    introduced: Option<String>,
    terminated: Option<String>,
    lsoa: Option<String>,
    ward: Option<String>,
    district: Option<String>,
}

/// Imports the postcode lookup at `path`, replacing the workspace's current one.
pub fn import_postcodes_with(
    ws: &Workspace,
    path: &Path,
    opts: &PostcodeOptions,
    run: &ImportRun<'_>,
) -> Result<PostcodeReport> {
    run.stage("reading postcodes");
    let (stream, format) = open(path, opts)?;
    let cols = columns(&stream, format)?;
    let release = opts.release.clone().unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut report = PostcodeReport {
        file: stream.columns.file.clone(),
        format,
        release: release.clone(),
        columns: described(&stream, &cols),
        ..Default::default()
    };
    let to_bng = Transformer::new(Crs::Wgs84, Crs::Bng)?;
    run.stage("importing postcodes");
    run.write(ws, |tx| {
        let (old, old_n, old_as_at) = previous(tx)?;
        tx.execute("DELETE FROM atlas_postcodes", [])?;
        let sha = store(stream, &cols, &to_bng, tx, run, &mut report)?;
        report.as_at = as_at(tx)?;
        refuse_older(
            &report,
            old.as_deref(),
            old_as_at.as_deref(),
            opts.allow_older,
        )?;
        report.replaced = old;
        report.replaced_postcodes = old_n;
        let meta = serde_json::json!({
            "release": release, "format": format.as_str(), "file": report.file,
            "postcodes": report.postcodes, "as_at": report.as_at,
        });
        tx.execute(
            "INSERT INTO atlas_meta (key, value) VALUES ('postcode_release', ?1) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [meta.to_string()],
        )?;
        let detail = serde_json::to_string(&report).unwrap_or_default();
        super::log_import(
            tx,
            "postcodes",
            &release,
            path,
            report.postcodes,
            &sha,
            &detail,
        )?;
        Ok(report)
    })
}

/// Opens the file as the format says, or as it looks (a first line that is a postcode
/// record, not names, is Code-Point Open).
fn open(path: &Path, opts: &PostcodeOptions) -> Result<(CsvStream, PostcodeFormat)> {
    if opts.format == PostcodeFormat::Codepoint {
        let s = CsvStream::open_headerless(path, opts.encoding, &CODEPOINT_COLUMNS)?;
        return Ok((s, PostcodeFormat::Codepoint));
    }
    if opts.format == PostcodeFormat::Auto && first_line_is_a_record(path, opts.encoding)? {
        let s = CsvStream::open_headerless(path, opts.encoding, &CODEPOINT_COLUMNS)?;
        return Ok((s, PostcodeFormat::Codepoint));
    }
    let s = CsvStream::open(path, opts.encoding)?;
    let format = match opts.format {
        PostcodeFormat::Auto if s.columns.find(&["oslaua", "osward"]).is_some() => {
            PostcodeFormat::Onspd
        }
        PostcodeFormat::Auto if s.columns.find(&["laua", "usertype"]).is_some() => {
            PostcodeFormat::Nspl
        }
        PostcodeFormat::Auto => PostcodeFormat::Onspd,
        f => f,
    };
    Ok((s, format))
}

/// Whether the file's first line is a Code-Point record (ten fields, a postcode first) rather
/// than a header row of names.
fn first_line_is_a_record(path: &Path, encoding: TextEncoding) -> Result<bool> {
    let mut s = CsvStream::open_headerless(path, encoding, &CODEPOINT_COLUMNS)?;
    Ok(match s.next_record() {
        Ok(Some(_)) => s.fields() == CODEPOINT_COLUMNS.len() && is_postcode(&normalise(&s.cell(0))),
        _ => false,
    })
}

fn columns(s: &CsvStream, format: PostcodeFormat) -> Result<Columns> {
    let c = &s.columns;
    let find = |names: &[&str]| c.find(names);
    let postcode = find(&["pcds", "pcd2", "pcd", "postcode", "pcd7", "pcd8"]).ok_or_else(|| {
        Error::from(
            InputError::new(&c.file, "has no postcode column")
                .line(1)
                .hint(format!(
                    "a {} file names it pcds, pcd2, pcd or postcode; an OS Code-Point Open file has no header row (pass --format codepoint)",
                    match format {
                        PostcodeFormat::Nspl => "NSPL",
                        _ => "ONSPD",
                    }
                )),
        )
    })?;
    let cols = Columns {
        postcode,
        easting: find(&["oseast1m", "east1m", "eastings", "easting"]),
        northing: find(&["osnrth1m", "north1m", "northings", "northing"]),
        lon: find(&["long", "lon", "longitude", "lng"]),
        lat: find(&["lat", "latitude"]),
        quality: find(&["osgrdind", "positional_quality_indicator", "quality"]),
        introduced: find(&["dointr"]),
        terminated: find(&["doterm"]),
        lsoa: find(&[
            "lsoa11",
            "lsoa11cd",
            "lsoa_code",
            "lsoa21",
            "lsoa21cd",
            "lsoa",
        ]),
        ward: find(&["ward", "osward", "ward_code", "wd17cd", "admin_ward_code"]),
        district: find(&["laua", "oslaua", "la_code", "lad", "admin_district_code"]),
    };
    let located = (cols.easting.is_some() && cols.northing.is_some())
        || (cols.lon.is_some() && cols.lat.is_some());
    if !located {
        return Err(InputError::new(&c.file, "has no location columns")
            .line(1)
            .hint("a postcode lookup needs oseast1m and osnrth1m (eastings and northings) or long and lat")
            .into());
    }
    Ok(cols)
}

/// (field, column) pairs of the columns read, for the report.
fn described(s: &CsvStream, c: &Columns) -> Vec<(String, String)> {
    let name = |i: Option<usize>| i.map(|i| s.columns.column_name(i));
    [
        ("postcode", Some(c.postcode)),
        ("easting", c.easting),
        ("northing", c.northing),
        ("longitude", c.lon),
        ("latitude", c.lat),
        ("quality", c.quality),
        ("introduced", c.introduced),
        ("terminated", c.terminated),
        ("lsoa", c.lsoa),
        ("ward", c.ward),
        ("district", c.district),
    ]
    .into_iter()
    .filter_map(|(f, i)| name(i).map(|n| (f.to_string(), n)))
    .collect()
}

/// The release stored before this import, and its size.
/// The stored release: its name, how many postcodes it has, and the month it is up to date to.
fn previous(tx: &Transaction<'_>) -> Result<(Option<String>, usize, Option<String>)> {
    let meta: Option<String> = tx
        .query_row(
            "SELECT value FROM atlas_meta WHERE key = 'postcode_release'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let meta = meta.and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok());
    let text = |k: &str| {
        meta.as_ref()
            .and_then(|v| v[k].as_str().map(str::to_string))
    };
    let n: i64 = tx.query_row("SELECT COUNT(*) FROM atlas_postcodes", [], |r| r.get(0))?;
    Ok((
        text("release"),
        usize::try_from(n).unwrap_or(0),
        text("as_at"),
    ))
}

/// The latest introduction or termination month (YYYYMM) of the postcodes just stored.
fn as_at(tx: &Transaction<'_>) -> Result<Option<String>> {
    Ok(tx.query_row(
        "SELECT MAX(m) FROM (SELECT MAX(introduced) AS m FROM atlas_postcodes \
         UNION ALL SELECT MAX(terminated) FROM atlas_postcodes)",
        [],
        |r| r.get(0),
    )?)
}

/// A release older than the stored one (by the month each is up to date to) would move
/// postcodes back to where they were and forget newer ones: refused unless asked.
fn refuse_older(
    report: &PostcodeReport,
    old: Option<&str>,
    old_as_at: Option<&str>,
    allow: bool,
) -> Result<()> {
    match (report.as_at.as_deref(), old_as_at) {
        (Some(new), Some(before)) if new < before && !allow => Err(InputError::new(
            &report.file,
            format!(
                "this postcode release is up to date to {new}, older than the workspace's ({}, up to date to {before})",
                old.unwrap_or("the stored release")
            ),
        )
        .hint("import the newer release, or pass --allow-older to replace the stored one with this one anyway")
        .into()),
        _ => Ok(()),
    }
}

/// Streams every record into the table; returns the file's SHA-256. Problems (bad postcodes,
/// coordinates, a postcode given twice) are all reported at the end, and then nothing is kept.
fn store(
    mut stream: CsvStream,
    cols: &Columns,
    to_bng: &Transformer,
    tx: &Transaction<'_>,
    run: &ImportRun<'_>,
    report: &mut PostcodeReport,
) -> Result<String> {
    let mut insert = tx.prepare(
        "INSERT INTO atlas_postcodes (postcode, shown, easting, northing, quality, introduced, \
         terminated, lsoa, ward, district) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut problems = Problems::default();
    let mut n = 0usize;
    while let Some(line) = stream.next_record()? {
        n += 1;
        let (read, total) = stream.progress();
        run.step_stream(n, read, total)?;
        let row = match read_row(&stream, cols, to_bng, line) {
            Ok(r) => r,
            Err(e) => {
                problems.note(e)?;
                continue;
            }
        };
        let done = insert.execute(rusqlite::params![
            row.key,
            row.shown,
            row.easting,
            row.northing,
            row.quality,
            row.introduced,
            row.terminated,
            row.lsoa,
            row.ward,
            row.district
        ]);
        match done {
            Ok(_) => {}
            Err(e) if crate::data::value_batch::is_primary_key_violation(&e) => {
                problems.note(
                    InputError::new(
                        &stream.columns.file,
                        format!("postcode {} is given twice", excerpt(&row.shown)),
                    )
                    .line(line)
                    .column(stream.columns.column_name(cols.postcode))
                    .hint("each postcode may appear once: remove the repeated row")
                    .into(),
                )?;
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        report.postcodes += 1;
        if row.terminated.is_some() {
            report.terminated += 1;
        } else {
            report.live += 1;
        }
        if row.easting.is_none() {
            report.without_location += 1;
        }
    }
    if let Some(e) = problems.into_error(&stream.columns.file, None) {
        return Err(e);
    }
    stream.finish()
}

fn text(s: &CsvStream, col: Option<usize>) -> Option<String> {
    col.map(|c| s.cell(c).trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The current record as a stored postcode.
fn read_row(s: &CsvStream, c: &Columns, to_bng: &Transformer, line: u64) -> Result<Row> {
    let file = &s.columns.file;
    let raw = s.cell(c.postcode);
    let key = normalise(&raw);
    if !is_postcode(&key) {
        return Err(
            InputError::new(file, format!("'{}' is not a postcode", excerpt(raw.trim())))
                .line(line)
                .column(s.columns.column_name(c.postcode))
                .hint("a postcode is an outward code and an inward code, e.g. WN1 1AA")
                .into(),
        );
    }
    let number = |col: Option<usize>| -> Result<Option<f64>> {
        let Some(t) = text(s, col) else {
            return Ok(None);
        };
        t.parse::<f64>().map(Some).map_err(|_| {
            InputError::new(file, format!("'{}' is not a number", excerpt(&t)))
                .line(line)
                .column(s.columns.column_name(col.unwrap_or(0)))
                .hint("coordinates are numbers (eastings and northings in metres, or degrees)")
                .into()
        })
    };
    let (mut easting, mut northing) = (number(c.easting)?, number(c.northing)?);
    // NSPL and ONSPD write 99.999999 / 0 for postcodes without a location.
    if easting.is_none()
        && let (Some(lon), Some(lat)) = (number(c.lon)?, number(c.lat)?)
        && (-9.0..=3.0).contains(&lon)
        && (49.0..=61.5).contains(&lat)
    {
        let (e, n) = to_bng.point(lon, lat)?;
        (easting, northing) = (Some(e), Some(n));
    }
    let located = match (easting, northing) {
        (Some(e), Some(n)) if e == 0.0 && n == 0.0 => None,
        // ONSPD's "no grid reference": 0, 1,000,000 (pre-2021 releases).
        (Some(_), Some(n)) if n >= 1_000_000.0 && c.quality.is_some() => None,
        (Some(e), Some(n)) => {
            let inside = (0.0..=700_000.0).contains(&e) && (0.0..=1_300_000.0).contains(&n);
            if !inside {
                return Err(InputError::new(
                    file,
                    format!("{e}, {n} is not in Great Britain (British National Grid)"),
                )
                .line(line)
                .column(s.columns.column_name(c.easting.unwrap_or(0)))
                .hint("eastings are 0 to 700000 and northings 0 to 1300000 metres")
                .into());
            }
            Some((e, n))
        }
        _ => None,
    };
    let quality = match text(s, c.quality) {
        Some(q) => q.parse::<i64>().ok(),
        None => None,
    };
    Ok(Row {
        shown: crate::data::postcode::spelled(&key),
        key,
        easting: located.map(|l| l.0),
        northing: located.map(|l| l.1),
        quality,
        introduced: text(s, c.introduced),
        terminated: text(s, c.terminated),
        lsoa: text(s, c.lsoa),
        ward: text(s, c.ward),
        district: text(s, c.district),
    })
}
