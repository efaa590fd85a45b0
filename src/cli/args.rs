//! The command-line contract (documented in README.md; tests and scripts depend on it).

use clap::{Args, Parser, Subcommand};
use local_atlas::analysis::classify::Method;
use local_atlas::data::crs::Crs;
use local_atlas::data::import::csv_text::TextEncoding;
use local_atlas::ops::indicator_data::WeightsKind;
use local_atlas::ops::site::{Deprived, PointSource};
use local_atlas::ops::stats::Statistic;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "local-atlas",
    version,
    about = "Local Atlas: an offline Local Information System. With no command it opens the desktop app."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an empty workspace (a GeoPackage file).
    Init { workspace: PathBuf },
    /// Import boundaries, indicators, a lookup or a point layer.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Re-aggregate an indicator to a higher geography through a lookup.
    Aggregate {
        workspace: PathBuf,
        #[arg(long)]
        indicator: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Weight indicator for a weighted mean (e.g. population); without it values are summed.
        #[arg(long)]
        weight: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show the geographies, indicators and layers of a workspace.
    Info {
        workspace: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Export one indicator at one geography as CSV or GeoJSON.
    ExportData {
        workspace: PathBuf,
        #[arg(long)]
        geography: String,
        #[arg(long)]
        indicator: String,
        /// Period (default: the latest).
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Classify an indicator into map classes.
    Classify {
        workspace: PathBuf,
        #[arg(long)]
        geography: String,
        #[arg(long)]
        indicator: String,
        #[arg(long)]
        period: Option<String>,
        /// equal, quantile, jenks, stddev, pretty, maxbreaks, box, percentile, headtail or manual.
        #[arg(long, default_value = "quantile")]
        method: Method,
        #[arg(long, default_value_t = 5)]
        classes: usize,
        /// Upper bounds for --method manual, ascending (e.g. 10,20,40).
        #[arg(long, value_delimiter = ',')]
        breaks: Option<Vec<f64>>,
        /// Box map hinge: 1.5 (default) or 3.0.
        #[arg(long, default_value_t = 1.5)]
        hinge: f64,
        #[arg(long)]
        json: bool,
    },
    /// Draw a map (PNG, SVG or PDF by the extension of --out), optionally from a saved recipe.
    Map {
        workspace: PathBuf,
        #[command(flatten)]
        options: super::map::MapOptions,
        #[arg(long)]
        out: PathBuf,
        /// Save the map's recipe under this name (re-render it later with --recipe).
        #[arg(long)]
        save_recipe: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One map per area of a geography (e.g. per ward), zoomed to the area, as files and/or
    /// one multi-page PDF.
    Atlas {
        workspace: PathBuf,
        #[command(flatten)]
        options: super::map::MapOptions,
        /// The geography whose areas get a page each.
        #[arg(long)]
        per: String,
        /// Folder for one file per area.
        #[arg(long)]
        out: Option<PathBuf>,
        /// png, svg or pdf (files in --out).
        #[arg(long, default_value = "png")]
        format: local_atlas::ops::map::Format,
        /// Also write every page into this one PDF.
        #[arg(long)]
        pdf_single: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Build spatial weights and summarise them (optionally write GAL/GWT for GeoDa/PySAL).
    Weights {
        workspace: PathBuf,
        #[arg(long)]
        geography: String,
        /// queen, rook, knn:K or band:METRES.
        #[arg(long, default_value = "queen")]
        kind: WeightsKind,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Spatial statistics: global Moran's I, local Moran (LISA) or Getis-Ord Gi*.
    Stats {
        workspace: PathBuf,
        /// moran, lisa or gistar.
        statistic: Statistic,
        #[arg(long)]
        geography: String,
        #[arg(long)]
        indicator: String,
        #[arg(long)]
        period: Option<String>,
        /// queen, rook, knn:K or band:METRES.
        #[arg(long, default_value = "queen")]
        weights: WeightsKind,
        #[arg(long, default_value_t = 999)]
        permutations: usize,
        #[arg(long, default_value_t = 12345)]
        seed: u64,
        /// Significance level for clusters.
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
        /// Control the false discovery rate (Benjamini–Hochberg, as esda.fdr).
        #[arg(long)]
        fdr: bool,
        /// Two-sided permutation p-values instead of GeoDa's folded one-sided ("directed").
        #[arg(long)]
        two_sided: bool,
        /// Store the per-area results in the workspace as indicators.
        #[arg(long)]
        save: bool,
        #[arg(long)]
        json: bool,
    },
    /// Build a composite index (IMD-style, Townsend, Carstairs or local) from a TOML spec.
    Index {
        workspace: PathBuf,
        /// The index spec (TOML; see README "Deprivation indices and service siting").
        #[arg(long)]
        spec: PathBuf,
        /// Save as indicators NAME_score, NAME_rank, NAME_decile, NAME_quintile (and the
        /// sensitivity results) with the spec as provenance.
        #[arg(long)]
        save: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Summarise LSOA deprivation for wards, districts or any groups the IoD way.
    DeprivationAggregate {
        workspace: PathBuf,
        /// The LSOA score (e.g. imd_score).
        #[arg(long)]
        score: String,
        /// The national rank, 1 = most deprived (default: the score code with _score → _rank).
        #[arg(long)]
        rank: Option<String>,
        /// Population of each LSOA (the weight of the averages and the extent).
        #[arg(long)]
        population: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        period: Option<String>,
        /// Size of the national ranking.
        #[arg(long, default_value_t = 32844.0)]
        of: f64,
        /// Store the measures at the --to geography as indicators.
        #[arg(long)]
        save: bool,
        #[arg(long)]
        json: bool,
    },
    /// Service siting: coverage, MCLP, LSCP or p-median.
    #[command(group(clap::ArgGroup::new("model").required(true).args(["mclp", "lscp", "pmedian"])))]
    Site {
        workspace: PathBuf,
        #[arg(long)]
        geography: String,
        /// Demand weight indicator (e.g. under-5 population), or `areas` for one per area.
        #[arg(long)]
        demand: String,
        #[arg(long)]
        period: Option<String>,
        /// Only the X% most deprived areas by an indicator count as demand, e.g. imd_rank:30.
        #[arg(long, value_name = "CODE:PERCENT")]
        deprived_only: Option<Deprived>,
        /// With --deprived-only: the indicator is a national rank out of N (deprived when
        /// rank ≤ N·X/100, e.g. 32844), instead of the X% worst areas of the workspace.
        #[arg(long, value_name = "N", requires = "deprived_only")]
        deprived_of: Option<f64>,
        /// With --deprived-only: keep all demand but multiply the deprived areas' by FACTOR.
        #[arg(long, value_name = "FACTOR", requires = "deprived_only")]
        deprived_multiply: Option<f64>,
        /// Demand locations (e.g. population-weighted centroids): LAYER:AREA_CODE_FIELD
        /// (default: the areas' centroids).
        #[arg(long, value_name = "LAYER:FIELD")]
        demand_points: Option<PointSource>,
        /// Existing services, kept open: LAYER or LAYER:ID_FIELD.
        #[arg(long)]
        existing: Option<PointSource>,
        /// Candidate sites: LAYER, LAYER:ID_FIELD, centroids or centroids:GEOGRAPHY.
        #[arg(long, default_value = "centroids")]
        candidates: PointSource,
        /// Reach in metres (straight line, BNG), or in the matrix's units with --matrix.
        #[arg(long, default_value_t = 1600.0)]
        reach_m: f64,
        /// Travel-time/distance matrix CSV: origin code, site id, minutes or metres.
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Maximal covering: the best P new sites.
        #[arg(long, value_name = "P")]
        mclp: Option<usize>,
        /// Set covering: the fewest new sites covering PERCENT% of demand.
        #[arg(long, value_name = "PERCENT")]
        lscp: Option<f64>,
        /// p-median: P new sites minimising demand-weighted distance.
        #[arg(long, value_name = "P")]
        pmedian: Option<usize>,
        /// Greedy + interchange only (no branch-and-bound), with the gap to the bound.
        #[arg(long)]
        heuristic: bool,
        /// Work budget of the exact search (demand–site evaluations).
        #[arg(long, default_value_t = 2_000_000_000)]
        work_limit: u64,
        /// Capacity of every site in demand units (e.g. 800 under-5s), and the default where
        /// --capacity-field is empty. The MCLP and LSCP allocate demand within reach up to the
        /// capacities (an area's demand may be split between sites); the p-median assigns
        /// demand at least cost within them (unserved demand at the penalty).
        #[arg(long)]
        capacity: Option<f64>,
        /// Field of the --existing and --candidates point layers holding each site's capacity.
        #[arg(long)]
        capacity_field: Option<String>,
        /// Write the sites (.geojson) or the demand areas (.csv).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Save per-area results as indicators NAME_site_status (0 no demand, 1 not covered, 2 covered
        /// by existing sites, 3 newly covered, 4 partly covered), NAME_covered_before and
        /// NAME_covered (share of the demand served), NAME_cost.
        #[arg(long)]
        save: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Time the analysis core on GM, London and a synthetic 35k tessellation.
    Bench {
        /// The London LSOA shapefile (default: ../shared/data/london/… beside the source tree, if present).
        #[arg(long)]
        london: Option<PathBuf>,
        /// Skip the 35k synthetic tessellation.
        #[arg(long)]
        no_synthetic: bool,
        /// Time the `map` operation (PNG 3000×2000, A3 300 dpi PNG, A3 PDF) instead of the
        /// analysis core.
        #[arg(long)]
        maps: bool,
        /// Time the desktop map's frames while panning and zooming (GM, London, synthetic 35k;
        /// needs the `gui` feature).
        #[arg(long, conflicts_with = "maps")]
        frames: bool,
        /// England IMD 2019 ranks CSV for the London maps (default: ../shared/data/…).
        #[arg(long)]
        england_imd: Option<PathBuf>,
        #[arg(long, default_value_t = 5)]
        repeat: usize,
        #[arg(long)]
        json: bool,
    },
    /// (Re)build the Greater Manchester sample project from seeds/.
    Sample {
        /// Folder to build it in (default: sample_projects/greater-manchester).
        dir: Option<PathBuf>,
        /// Folder holding the seed files (default: seeds/ of this source tree).
        #[arg(long)]
        seeds: Option<PathBuf>,
    },
    /// Open the desktop app on a workspace (default: the sample project).
    #[cfg(feature = "gui")]
    Gui { workspace: Option<PathBuf> },
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s)
        .ok_or_else(|| format!("unsupported CRS '{s}': use EPSG:27700, EPSG:4326 or EPSG:3857"))
}

#[derive(Args, Debug)]
pub struct WsFile {
    pub workspace: PathBuf,
    pub file: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Boundaries from GeoJSON, a shapefile or a GeoPackage layer; stored in EPSG:27700.
    Boundaries {
        #[command(flatten)]
        files: WsFile,
        #[arg(long)]
        geography: String,
        #[arg(long)]
        code_field: Option<String>,
        #[arg(long)]
        name_field: Option<String>,
        /// CRS of the file when it does not say, or says wrongly (e.g. EPSG:27700).
        #[arg(long, value_parser = parse_crs)]
        source_crs: Option<Crs>,
        /// Layer to read from a GeoPackage source (default: the first).
        #[arg(long)]
        layer: Option<String>,
        /// Copyright line printed under maps of this geography, e.g. "Contains OS data ©
        /// Crown copyright and database right 2019".
        #[arg(long)]
        attribution: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Indicator values from CSV, long form (code, indicator, period, value, …) or --wide.
    Indicators {
        #[command(flatten)]
        files: WsFile,
        #[arg(long)]
        geography: String,
        #[arg(long)]
        code_field: Option<String>,
        /// One column per indicator; the column name becomes the indicator code.
        #[arg(long)]
        wide: bool,
        /// With --wide: import only these columns (comma-separated).
        #[arg(long, value_delimiter = ',', requires = "wide")]
        columns: Option<Vec<String>>,
        #[arg(long)]
        period: Option<String>,
        /// Metadata CSV: code, title, theme, definition, unit, decimals, polarity, source, licence, sensitivity.
        #[arg(long)]
        metadata: Option<PathBuf>,
        /// Import even if some area codes match no boundary.
        #[arg(long)]
        allow_unmatched: bool,
        /// Replace values already stored for the same indicator, geography and period.
        #[arg(long)]
        replace: bool,
        /// auto (UTF-8, else Windows-1252), utf-8 or windows-1252.
        #[arg(long, default_value = "auto")]
        encoding: TextEncoding,
        #[arg(long)]
        json: bool,
    },
    /// A best-fit lookup between two geographies (e.g. LSOA → ward).
    Lookup {
        #[command(flatten)]
        files: WsFile,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        from_field: Option<String>,
        #[arg(long)]
        to_field: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A point layer from CSV (easting/northing or longitude/latitude) or GeoJSON.
    Points {
        #[command(flatten)]
        files: WsFile,
        #[arg(long)]
        layer: String,
        #[arg(long, value_parser = parse_crs)]
        source_crs: Option<Crs>,
        #[arg(long)]
        json: bool,
    },
}
