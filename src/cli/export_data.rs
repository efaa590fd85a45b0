//! `export-data`: one indicator at one geography as CSV or GeoJSON.

use super::shared::{IndicatorArg, JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::disclosure::Override;
use local_atlas::ops::export::{self, ExportRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub of: IndicatorArg,
    #[arg(long)]
    pub out: PathBuf,
    /// Write codes and names exactly as stored: no `'` before a cell starting with =, +, -
    /// or @ (which a spreadsheet would run as a formula). For programs, not spreadsheets.
    #[arg(long)]
    pub csv_raw: bool,
    /// Disclosure control of the indicator's small counts (its metadata `disclosure` rule):
    /// `on` (the default) or `off`, which writes the stored values and needs --reason.
    #[arg(long, value_enum, default_value_t = Control::On, ignore_case = true)]
    pub disclosure: Control,
    /// Why disclosure control is off for this file (logged in the workspace with the file).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

/// `--disclosure on|off`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    On,
    Off,
}

pub fn run(a: Args) -> Result<()> {
    let disclosure_off = match (a.disclosure, a.reason.as_deref()) {
        (Control::Off, Some(reason)) => Some(Override::new(reason)?),
        (Control::Off, None) => Some(Override::new("")?),
        (Control::On, Some(_)) => anyhow::bail!(
            "--reason is for --disclosure off; without it the disclosure rule applies"
        ),
        (Control::On, None) => None,
    };
    let ws = Workspace::open(&a.ws.workspace)?;
    let req = ExportRequest {
        geography: a.of.geography,
        indicator: a.of.indicator,
        period: a.of.period,
        out: a.out,
        csv_raw: a.csv_raw,
        disclosure_off,
    };
    let r = export::run(&ws, &req, &local_atlas::ops::Silent)?;
    a.json.emit(&r, || {
        let mut s = format!(
            "wrote {} ({} areas, {} with a value, period {})",
            r.file, r.areas, r.with_value, r.period
        );
        match r.disclosure.as_str() {
            "none" => {}
            "off" => s.push_str("; disclosure control off (logged in the workspace)"),
            rule => s.push_str(&format!(
                "; disclosure {rule}: {} suppressed, {} more to protect them",
                r.suppressed, r.secondary
            )),
        }
        s
    })
}
