//! `geocode`: add each row's postcode location (easting, northing, longitude, latitude, LSOA,
//! ward, quality, status) to a partner CSV, from the workspace's postcode lookup.

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::geocode::{self, GeocodeRequest, problems_text};
use local_atlas::ops::import::TextEncoding;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// The partner's CSV.
    pub file: PathBuf,
    /// The column holding the postcodes (any spelling: "WN1 1AA", "wn11aa").
    #[arg(long)]
    pub postcode_field: String,
    /// The CSV to write: the file's columns, then easting, northing, longitude, latitude,
    /// lsoa11, ward, postcode_quality, postcode_status.
    #[arg(long)]
    pub out: PathBuf,
    /// auto (UTF-8, else Windows-1252), utf-8 or windows-1252.
    #[arg(long, default_value = "auto")]
    pub encoding: TextEncoding,
    /// Write text cells exactly as read (no quote before cells a spreadsheet would run).
    #[arg(long)]
    pub csv_raw: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = GeocodeRequest {
        input: a.file.clone(),
        out: a.out.clone(),
        postcode_field: a.postcode_field.clone(),
        encoding: a.encoding,
        raw: a.csv_raw,
    };
    let bar = progress::Bar::new();
    let r = geocode::run(&ws, &req, &bar);
    drop(bar);
    let r = r?;
    a.json.emit(&r, || {
        let mut lines = vec![format!(
            "wrote {} ({} rows): {} geocoded ({} live, {} terminated), {} unknown, {} invalid",
            r.out,
            r.rows,
            r.live + r.terminated,
            r.live,
            r.terminated,
            r.unknown,
            r.invalid
        )];
        lines.extend(problems_text(&r));
        lines.join("\n")
    })
}
