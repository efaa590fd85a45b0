//! The headless command line, a dispatch: each command (or group) has its own file with one
//! `Args` struct and one `run`. Commands reach the library through `local_atlas::ops` only
//! (and the renderer's map types), the door the desktop app uses too. The command names,
//! options and `--json` outputs are a contract (README "Command line").

mod aggregate;
mod aggregate_points;
mod area;
mod atlas;
mod bench;
mod bench_national;
mod check;
mod classify;
mod compare;
mod deprivation;
mod derive;
mod export_data;
mod find;
mod funnel;
mod geocode;
mod geography;
#[cfg(feature = "gui")]
mod gui;
mod import;
mod import_postcodes;
mod index;
mod info;
mod init;
mod kde;
mod map;
pub mod progress;
mod sample;
mod shared;
mod site;
mod smooth;
mod stats;
mod text;
mod trend;
mod weights;

use anyhow::Result;
use clap::{Parser, Subcommand};

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
    Init(init::Args),
    /// Import boundaries, indicators, a lookup or a point layer.
    #[command(subcommand)]
    Import(import::Command),
    /// Re-aggregate an indicator to a higher geography through a lookup.
    Aggregate(aggregate::Args),
    /// Count the points of a point layer (events such as burglaries) in each area of a
    /// geography and store the counts as indicators.
    AggregatePoints(aggregate_points::Args),
    /// Show the geographies, indicators and layers of a workspace.
    Info(info::Args),
    /// Find areas (by name or code, in every geography), indicators and postcodes.
    Find(find::Args),
    /// Add each row's postcode location (grid reference, lon/lat, LSOA, ward, quality,
    /// status) to a partner CSV, from the workspace's postcode lookup.
    Geocode(geocode::Args),
    /// Every indicator of one area at its latest period, and the areas it lies in.
    Area(area::Args),
    /// A geography's display name (`geography rename WS NAME --title TEXT`).
    #[command(subcommand)]
    Geography(geography::Command),
    /// Check a whole workspace: SQLite integrity, foreign keys, GeoPackage tables, every
    /// geometry (opening a workspace checks only what takes constant time).
    Check(check::Args),
    /// Export one indicator at one geography as CSV or GeoJSON.
    ExportData(export_data::Args),
    /// Classify an indicator into map classes.
    Classify(classify::Args),
    /// Draw a map (PNG, SVG or PDF by the extension of --out), optionally from a saved recipe.
    Map(map::MapArgs),
    /// One map per area of a geography (e.g. per ward), zoomed to the area, as files and/or
    /// one multi-page PDF.
    Atlas(atlas::Args),
    /// The kernel density surface of a point layer (quartic kernel, per km²): a summary, the
    /// mean per area saved as an indicator, a GeoTIFF or a map.
    Kde(kde::Args),
    /// Build spatial weights and summarise them (optionally write GAL/GWT for GeoDa/PySAL).
    Weights(weights::Args),
    /// Spatial statistics: global Moran's I, local Moran (LISA) or Getis-Ord Gi*.
    Stats(stats::Args),
    /// Compare each area with a benchmark (England, a region, or its parent) by Fingertips'
    /// rules: better, similar, worse (or lower, higher) from confidence intervals.
    Compare(compare::Args),
    /// Derive a proportion, crude rate, DSR or ISR from stored counts and denominators, with
    /// 95% and 99.8% confidence limits.
    Derive(derive::Args),
    /// Fingertips' recent-trend marker of each area over the latest 5 consecutive periods:
    /// increasing / decreasing (and getting better / worse), no significant change.
    Trend(trend::Args),
    /// Funnel-plot data: each area's value against its denominator with the 95% and 99.8%
    /// control limits around the average (proportions, crude rates, standardised ratios).
    Funnel(funnel::Args),
    /// Raw, excess-risk, empirical Bayes or spatial empirical Bayes rates of a count over a
    /// population, saved as an indicator (so LISA can run on smoothed rates).
    Smooth(smooth::Args),
    /// Build a composite index (IMD-style, Townsend, Carstairs or local) from a TOML spec.
    Index(index::Args),
    /// Summarise LSOA deprivation for wards, districts or any groups the IoD way.
    DeprivationAggregate(deprivation::Args),
    /// Service siting: coverage, MCLP, LSCP or p-median.
    Site(site::Args),
    /// Time the analysis core on GM, London and a synthetic 35k tessellation (or, with
    /// --national, whole commands on synthetic national-size data).
    Bench(bench::Args),
    /// (Re)build the Greater Manchester sample project from seeds/.
    Sample(sample::Args),
    /// Open the desktop app on a workspace (default: the sample project).
    #[cfg(feature = "gui")]
    Gui(gui::Args),
}

/// Runs a sub-command.
pub fn run(cli: Cli) -> Result<()> {
    let Some(command) = cli.command else {
        anyhow::bail!("no command given");
    };
    match command {
        Command::Init(a) => init::run(a),
        Command::Import(c) => import::run(c),
        Command::Aggregate(a) => aggregate::run(a),
        Command::AggregatePoints(a) => aggregate_points::run(a),
        Command::Info(a) => info::run(a),
        Command::Find(a) => find::run(a),
        Command::Geocode(a) => geocode::run(a),
        Command::Area(a) => area::run(a),
        Command::Geography(c) => geography::run(c),
        Command::Check(a) => check::run(a),
        Command::ExportData(a) => export_data::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Map(a) => map::run(a),
        Command::Atlas(a) => atlas::run(a),
        Command::Kde(a) => kde::run(a),
        Command::Weights(a) => weights::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Derive(a) => derive::run(a),
        Command::Trend(a) => trend::run(a),
        Command::Funnel(a) => funnel::run(a),
        Command::Smooth(a) => smooth::run(a),
        Command::Index(a) => index::run(a),
        Command::DeprivationAggregate(a) => deprivation::run(a),
        Command::Site(a) => site::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Sample(a) => sample::run(a),
        #[cfg(feature = "gui")]
        Command::Gui(a) => gui::run(a),
    }
}
