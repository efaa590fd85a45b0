//! `import postcodes`: a postcode lookup release into the workspace (`ops::postcodes`).

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::import::TextEncoding;
use local_atlas::ops::postcodes::{self, PostcodeFormat, PostcodeReport, PostcodeRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    pub file: PathBuf,
    /// auto (told by the file), onspd, nspl or codepoint.
    #[arg(long, value_enum, default_value = "auto", ignore_case = true)]
    pub format: FormatArg,
    /// The release's name, e.g. "NSPL November 2021" (default: the file name).
    #[arg(long)]
    pub release: Option<String>,
    /// auto (UTF-8, else Windows-1252), utf-8 or windows-1252.
    #[arg(long, default_value = "auto")]
    pub encoding: TextEncoding,
    /// Replace the stored lookup even when this release is older than it (by the latest
    /// introduction or termination month each holds).
    #[arg(long)]
    pub allow_older: bool,
    /// Only check the file: the same import and report, nothing written.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Auto,
    Onspd,
    Nspl,
    Codepoint,
}

pub fn run(a: Args) -> Result<()> {
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = PostcodeRequest {
        path: a.file.clone(),
        format: match a.format {
            FormatArg::Auto => PostcodeFormat::Auto,
            FormatArg::Onspd => PostcodeFormat::Onspd,
            FormatArg::Nspl => PostcodeFormat::Nspl,
            FormatArg::Codepoint => PostcodeFormat::Codepoint,
        },
        release: a.release.clone(),
        encoding: a.encoding,
        allow_older: a.allow_older,
    };
    let bar = progress::Bar::new();
    let report = if a.check {
        postcodes::check(&ws, &req, &bar)
    } else {
        postcodes::run(&ws, &req, &bar)
    };
    drop(bar);
    let report = report?;
    let mut value = serde_json::to_value(&report)?;
    if let (true, Some(fields)) = (a.check, value.as_object_mut()) {
        fields.insert("check".into(), serde_json::Value::Bool(true));
    }
    let check = a.check;
    a.json.emit(&value, || text(&report, check))
}

fn text(r: &PostcodeReport, check: bool) -> String {
    let what = if check {
        "check passed, nothing written: would import"
    } else {
        "imported"
    };
    let replaced = match &r.replaced {
        Some(old) => format!("; replaced '{old}' ({} postcodes)", r.replaced_postcodes),
        None => String::new(),
    };
    format!(
        "{what} {} postcodes of '{}' ({}): {} live, {} terminated, {} without a location{replaced}",
        r.postcodes,
        r.release,
        r.format.as_str(),
        r.live,
        r.terminated,
        r.without_location
    )
}
