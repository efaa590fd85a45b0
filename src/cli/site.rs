//! `site`: service siting (coverage, MCLP, LSCP or p-median).

use super::progress;
use super::shared::{JsonArg, WorkspaceArg};
use super::text;
use anyhow::Result;
use local_atlas::ops::Workspace;
use local_atlas::ops::site::{self, Deprived, Model, PointSource, SiteRequest};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("model").required(true).args(["mclp", "lscp", "pmedian"])))]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    #[arg(long)]
    pub geography: String,
    /// Demand weight indicator (e.g. under-5 population), or `areas` for one per area.
    #[arg(long)]
    pub demand: String,
    #[arg(long)]
    pub period: Option<String>,
    /// Only the X% most deprived areas by an indicator count as demand, e.g. imd_rank:30.
    #[arg(long, value_name = "CODE:PERCENT")]
    pub deprived_only: Option<Deprived>,
    /// With --deprived-only: the indicator is a national rank out of N (deprived when
    /// rank ≤ N·X/100, e.g. 32844), instead of the X% worst areas of the workspace.
    #[arg(long, value_name = "N", requires = "deprived_only")]
    pub deprived_of: Option<f64>,
    /// With --deprived-only: keep all demand but multiply the deprived areas' by FACTOR.
    #[arg(
        long,
        value_name = "FACTOR",
        requires = "deprived_only",
        allow_negative_numbers = true
    )]
    pub deprived_multiply: Option<f64>,
    /// Demand locations (e.g. population-weighted centroids): LAYER:AREA_CODE_FIELD
    /// (default: the areas' centroids).
    #[arg(long, value_name = "LAYER:FIELD")]
    pub demand_points: Option<PointSource>,
    /// Existing services, kept open: LAYER or LAYER:ID_FIELD.
    #[arg(long)]
    pub existing: Option<PointSource>,
    /// Candidate sites: LAYER, LAYER:ID_FIELD, centroids or centroids:GEOGRAPHY.
    #[arg(long, default_value = "centroids")]
    pub candidates: PointSource,
    /// Reach in metres (straight line, BNG), or in the matrix's units with --matrix.
    #[arg(long, default_value_t = 1600.0, allow_negative_numbers = true)]
    pub reach_m: f64,
    /// Travel-time/distance matrix CSV: origin code, site id, minutes or metres.
    #[arg(long)]
    pub matrix: Option<PathBuf>,
    /// Maximal covering: the best P new sites.
    #[arg(long, value_name = "P")]
    pub mclp: Option<usize>,
    /// Set covering: the fewest new sites covering PERCENT% of demand.
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    pub lscp: Option<f64>,
    /// p-median: P new sites minimising demand-weighted distance.
    #[arg(long, value_name = "P")]
    pub pmedian: Option<usize>,
    /// Greedy + interchange only (no branch-and-bound), with the gap to the bound.
    #[arg(long)]
    pub heuristic: bool,
    /// Work budget of the exact search (demand–site evaluations).
    #[arg(long, default_value_t = 2_000_000_000)]
    pub work_limit: u64,
    /// Capacity of every site in demand units (e.g. 800 under-5s), and the default where
    /// --capacity-field is empty. The MCLP and LSCP allocate demand within reach up to the
    /// capacities (an area's demand may be split between sites); the p-median assigns
    /// demand at least cost within them (unserved demand at the penalty).
    #[arg(long, allow_negative_numbers = true)]
    pub capacity: Option<f64>,
    /// Field of the --existing and --candidates point layers holding each site's capacity.
    #[arg(long)]
    pub capacity_field: Option<String>,
    /// Write the sites (.geojson) or the demand areas (.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --out FILE.csv: write codes and site ids exactly as stored, no `'` before a cell
    /// starting with =, +, -, or @ (which a spreadsheet would run as a formula).
    #[arg(long)]
    pub csv_raw: bool,
    /// Save per-area results as indicators NAME_site_status (0 no demand, 1 not covered, 2 covered
    /// by existing sites, 3 newly covered, 4 partly covered), NAME_covered_before and
    /// NAME_covered (share of the demand served), NAME_cost.
    #[arg(long)]
    pub save: Option<String>,
    #[command(flatten)]
    pub json: JsonArg,
}

impl Args {
    /// The model chosen by --mclp, --lscp or --pmedian (clap requires exactly one).
    fn model(&self) -> Result<Model> {
        Ok(match (self.mclp, self.lscp, self.pmedian) {
            (Some(p), _, _) => Model::Mclp { p },
            (_, Some(percent), _) => Model::Lscp { percent },
            (_, _, Some(p)) => Model::Pmedian { p },
            _ => anyhow::bail!("give one of --mclp P, --lscp PERCENT or --pmedian P"),
        })
    }

    fn request(self) -> Result<SiteRequest> {
        let model = self.model()?;
        let deprived = self.deprived_only.map(|d| Deprived {
            of: self.deprived_of,
            multiply: self.deprived_multiply,
            ..d
        });
        Ok(SiteRequest {
            geography: self.geography,
            demand: self.demand,
            period: self.period,
            deprived,
            demand_points: self.demand_points,
            existing: self.existing,
            candidates: self.candidates,
            reach_m: self.reach_m,
            matrix: self.matrix,
            model,
            heuristic: self.heuristic,
            work_limit: self.work_limit,
            capacity: self.capacity,
            capacity_field: self.capacity_field,
            save: self.save,
            out: self.out,
            csv_raw: self.csv_raw,
        })
    }
}

pub fn run(a: Args) -> Result<()> {
    let (path, json) = (a.ws.workspace.clone(), a.json);
    let req = a.request()?;
    let ws = Workspace::open(&path)?;
    let spinner = progress::Spinner::start("siting");
    let r = site::run(&ws, &req, &spinner)?;
    drop(spinner);
    json.emit(&r, || text::site(&r))
}
