//! `atlas`: one map per area of a geography, as files and/or one multi-page PDF.

use super::map::MapOptions;
use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::map::{self, AtlasRequest, Format};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[command(flatten)]
    pub options: MapOptions,
    /// The geography whose areas get a page each.
    #[arg(long)]
    pub per: String,
    /// Folder for one file per area.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// png, svg or pdf (files in --out).
    #[arg(long, default_value = "png")]
    pub format: Format,
    /// Also write every page into this one PDF.
    #[arg(long)]
    pub pdf_single: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
}

pub fn run(a: Args) -> Result<()> {
    if a.out.is_none() && a.pdf_single.is_none() {
        anyhow::bail!("give --out DIR for one file per area, --pdf-single FILE.pdf, or both");
    }
    if let Some(p) = &a.pdf_single {
        anyhow::ensure!(
            Format::of(p)? == Format::Pdf,
            "--pdf-single must end in .pdf"
        );
    }
    let ws = Workspace::open(&a.ws.workspace)?;
    let spec = a.options.spec(&ws)?;
    let bar = progress::Bar::new();
    let req = AtlasRequest {
        spec,
        per: a.per,
        files: a.out.is_some(),
        out_dir: a.out.unwrap_or_default(),
        format: a.format,
        pdf_single: a.pdf_single,
    };
    let r = map::atlas(&ws, &req, &bar)?;
    drop(bar);
    a.json.emit(&r, || {
        let mut s = format!("{} pages for geography '{}'", r.pages, r.geography);
        if !r.files.is_empty() {
            s.push_str(&format!(
                ", {} files in {}",
                r.files.len(),
                req.out_dir.display()
            ));
        }
        if let Some(p) = &r.pdf_single {
            s.push_str(&format!(", one PDF {p}"));
        }
        for f in &r.failed {
            let file = f.file.as_deref().unwrap_or("the single PDF");
            s.push_str(&format!(
                "\nnot written: area {} ({file}): {}",
                f.area_code, f.error
            ));
        }
        s
    })?;
    if !r.failed.is_empty() {
        anyhow::bail!(
            "{} of {} pages could not be written (listed above); the others were",
            r.failed.len(),
            r.pages
        );
    }
    Ok(())
}
