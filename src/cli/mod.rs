//! The headless command line: parses arguments and calls the library's operations.

pub mod args;
mod map;
mod progress;
mod text;

use anyhow::{Context, Result};
use args::{Cli, Command, ImportCommand};
use local_atlas::analysis::classify::ClassifyOptions;
use local_atlas::data::Workspace;
use local_atlas::data::import::{boundaries, indicators, lookup, points};
use local_atlas::data::query;
use local_atlas::ops;
use serde::Serialize;

/// Runs a sub-command.
pub fn run(cli: Cli) -> Result<()> {
    let Some(command) = cli.command else {
        anyhow::bail!("no command given");
    };
    match command {
        Command::Init { workspace } => {
            Workspace::create(&workspace)?;
            println!("created workspace {}", workspace.display());
        }
        Command::Import(import) => run_import(import)?,
        Command::Aggregate {
            workspace,
            indicator,
            from,
            to,
            weight,
            json,
        } => {
            let mut ws = Workspace::open(&workspace)?;
            let spinner = progress::Spinner::start("aggregating");
            let report = ops::aggregate::run(
                &mut ws,
                &ops::aggregate::AggregateRequest {
                    indicator,
                    from,
                    to,
                    weight,
                },
            )?;
            drop(spinner);
            emit(json, &report, || {
                format!(
                    "aggregated {} from {} to {} ({:?}): {} areas for period(s) {}, {} without a value because a member was missing",
                    report.indicator,
                    report.from,
                    report.to,
                    report.method,
                    report.groups,
                    report.periods.join(", "),
                    report.groups_missing
                )
            })?;
        }
        Command::Info { workspace, json } => {
            let ws = Workspace::open(&workspace)?;
            let info = query::info(&ws)?;
            emit(json, &info, || info_text(&info))?;
        }
        Command::ExportData {
            workspace,
            geography,
            indicator,
            period,
            out,
            json,
        } => {
            let ws = Workspace::open(&workspace)?;
            let report = ops::export::run(
                &ws,
                &ops::export::ExportRequest {
                    geography,
                    indicator,
                    period,
                },
                &out,
            )?;
            emit(json, &report, || {
                format!(
                    "wrote {} ({} areas, {} with a value, period {})",
                    report.file, report.areas, report.with_value, report.period
                )
            })?;
        }
        Command::Classify {
            workspace,
            geography,
            indicator,
            period,
            method,
            classes,
            breaks,
            hinge,
            json,
        } => {
            let ws = Workspace::open(&workspace)?;
            let options = ClassifyOptions {
                method,
                k: classes,
                manual_breaks: breaks.unwrap_or_default(),
                hinge,
                ..Default::default()
            };
            let r = ops::classify::run(
                &ws,
                &ops::classify::ClassifyRequest {
                    geography,
                    indicator,
                    period,
                    options,
                },
            )?;
            emit(json, &r, || text::classify(&r))?;
        }
        Command::Weights {
            workspace,
            geography,
            kind,
            out,
            json,
        } => {
            let ws = Workspace::open(&workspace)?;
            let r = ops::weights::run(
                &ws,
                &ops::weights::WeightsRequest { geography, kind },
                out.as_deref(),
            )?;
            emit(json, &r, || text::weights(&r))?;
        }
        Command::Stats {
            workspace,
            statistic,
            geography,
            indicator,
            period,
            weights,
            permutations,
            seed,
            alpha,
            fdr,
            two_sided,
            save,
            json,
        } => {
            let mut ws = Workspace::open(&workspace)?;
            let mut req = ops::stats::StatsRequest::new(statistic, &geography, &indicator);
            req = ops::stats::StatsRequest {
                period,
                weights,
                permutations,
                seed,
                alpha,
                fdr,
                two_sided,
                save,
                ..req
            };
            let bar = progress::Bar::new();
            let r = ops::stats::run(&mut ws, &req, &bar)?;
            drop(bar);
            emit(json, &r, || text::stats(&r, save))?;
        }
        Command::Index {
            workspace,
            spec,
            save,
            json,
        } => {
            let mut ws = Workspace::open(&workspace)?;
            let spec = ops::index::read_spec(&spec)?;
            let r = ops::index::run(&mut ws, &ops::index::IndexRequest { spec, save })?;
            emit(json, &r, || text::index(&r))?;
        }
        Command::DeprivationAggregate {
            workspace,
            score,
            rank,
            population,
            from,
            to,
            period,
            of,
            save,
            json,
        } => {
            let mut ws = Workspace::open(&workspace)?;
            let r = ops::deprivation::run(
                &mut ws,
                &ops::deprivation::DeprivationRequest {
                    score,
                    rank,
                    population,
                    from,
                    to,
                    period,
                    of,
                    save,
                },
            )?;
            emit(json, &r, || text::deprivation(&r))?;
        }
        Command::Site {
            workspace,
            geography,
            demand,
            period,
            deprived_only,
            deprived_of,
            deprived_multiply,
            demand_points,
            existing,
            candidates,
            reach_m,
            matrix,
            mclp,
            lscp,
            pmedian,
            heuristic,
            work_limit,
            capacity,
            capacity_field,
            out,
            save,
            json,
        } => {
            use local_atlas::analysis::siting::Model;
            let model = match (mclp, lscp, pmedian) {
                (Some(p), _, _) => Model::Mclp { p },
                (_, Some(percent), _) => Model::Lscp { percent },
                (_, _, Some(p)) => Model::Pmedian { p },
                _ => anyhow::bail!("give one of --mclp P, --lscp PERCENT or --pmedian P"),
            };
            let deprived = deprived_only.map(|d| ops::site::Deprived {
                of: deprived_of,
                multiply: deprived_multiply,
                ..d
            });
            let mut ws = Workspace::open(&workspace)?;
            let req = ops::site::SiteRequest {
                geography,
                demand,
                period,
                deprived,
                demand_points,
                existing,
                candidates,
                reach_m,
                matrix,
                model,
                heuristic,
                work_limit,
                capacity,
                capacity_field,
                save,
            };
            let spinner = progress::Spinner::start("siting");
            let r = ops::site::run(&mut ws, &req, out.as_deref(), &local_atlas::ops::Silent)?;
            drop(spinner);
            emit(json, &r, || text::site(&r))?;
        }
        Command::Bench {
            london,
            no_synthetic,
            maps,
            frames,
            england_imd,
            repeat,
            json,
        } => {
            let shared = |rel: &str| {
                let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
                p.is_file().then_some(p)
            };
            let london =
                london.or_else(|| shared("../shared/data/london/london-2011-lsoa-gen20.shp"));
            if frames {
                return bench_frames(london.as_deref(), !no_synthetic, repeat, json);
            }
            let bar = progress::Bar::new();
            let r = if maps {
                let england = england_imd
                    .or_else(|| shared("../shared/data/england_imd2019_lsoa_ranks_deciles.csv"));
                ops::bench_map::run(
                    &ops::sample::seeds_dir(),
                    london.as_deref().zip(england.as_deref()),
                    !no_synthetic,
                    repeat,
                    &bar,
                )?
            } else {
                ops::bench::run(
                    &ops::sample::seeds_dir(),
                    london.as_deref(),
                    !no_synthetic,
                    repeat,
                    &bar,
                )?
            };
            drop(bar);
            emit(json, &r, || text::bench(&r))?;
        }
        Command::Map {
            workspace,
            options,
            out,
            save_recipe,
            json,
        } => map::run_map(workspace, options, out, save_recipe, json)?,
        Command::Atlas {
            workspace,
            options,
            per,
            out,
            format,
            pdf_single,
            json,
        } => map::run_atlas(workspace, options, per, out, format, pdf_single, json)?,
        Command::Sample { dir, seeds } => {
            let dir = dir.unwrap_or_else(ops::sample::default_project_dir);
            let seeds = seeds.unwrap_or_else(ops::sample::seeds_dir);
            let bar = progress::Bar::new();
            let path =
                ops::sample::build(&dir, &seeds, &bar).context("building the sample project")?;
            drop(bar);
            println!("built sample workspace {}", path.display());
        }
        #[cfg(feature = "gui")]
        Command::Gui { workspace } => crate::open_gui(workspace)?,
    }
    Ok(())
}

#[cfg(feature = "gui")]
fn bench_frames(
    london: Option<&std::path::Path>,
    synthetic: bool,
    repeat: usize,
    json: bool,
) -> Result<()> {
    let bar = progress::Bar::new();
    let frames = (repeat * 40).max(40);
    let r =
        local_atlas::ui::bench::frames(&ops::sample::seeds_dir(), london, synthetic, frames, &bar)?;
    drop(bar);
    emit(json, &r, || {
        let mut s = String::from(
            "dataset        areas   vertices  prepare  pan median/p95 (drawn)     zoom median/p95 (drawn)    target\n",
        );
        for f in &r {
            s.push_str(&format!(
                "{:<13} {:>6} {:>10} {:>6.0} ms {:>5.1} / {:>5.1} ms ({:>7}) {:>5.1} / {:>5.1} ms ({:>7}) < {} ms\n",
                f.dataset,
                f.areas,
                f.triangle_vertices,
                f.prepare_ms,
                f.pan_median_ms,
                f.pan_p95_ms,
                f.pan_vertices,
                f.zoom_median_ms,
                f.zoom_p95_ms,
                f.zoom_vertices,
                f.target_ms
            ));
        }
        s.push_str(
            "\nchange → next frame  first explore  palette median/p95 (explore)  classification median/p95  target\n",
        );
        for f in &r {
            s.push_str(&format!(
                "{:<13} {:>4}x {:>10.0} ms {:>8.1} / {:>5.1} ms ({:>5.1}) {:>11.1} / {:>5.1} ms    < {} ms\n",
                f.dataset,
                f.changes,
                f.first_explore_ms,
                f.palette_median_ms,
                f.palette_p95_ms,
                f.palette_explore_median_ms,
                f.classify_median_ms,
                f.classify_p95_ms,
                f.change_target_ms
            ));
        }
        s
    })
}

#[cfg(not(feature = "gui"))]
fn bench_frames(_: Option<&std::path::Path>, _: bool, _: usize, _: bool) -> Result<()> {
    anyhow::bail!("--frames needs the desktop app (build with the default `gui` feature)")
}

fn run_import(import: ImportCommand) -> Result<()> {
    match import {
        ImportCommand::Boundaries {
            files,
            geography,
            code_field,
            name_field,
            source_crs,
            layer,
            attribution,
            json,
        } => {
            let mut ws = Workspace::open(&files.workspace)?;
            let spinner = progress::Spinner::start("importing boundaries");
            let opts = boundaries::BoundaryOptions {
                geography,
                code_field,
                name_field,
                source_crs,
                layer,
                attribution,
            };
            let r = boundaries::import_boundaries(&mut ws, &files.file, &opts)?;
            drop(spinner);
            emit(json, &r, || {
                let mut s = format!(
                    "imported {} areas into '{}' from {} ({} → EPSG:27700; code field {}, name field {}); {} single-part, {} multi-part, {} holes, total area {:.1} km²",
                    r.features,
                    r.geography,
                    r.file,
                    r.source_crs,
                    r.code_field,
                    r.name_field.as_deref().unwrap_or("none"),
                    r.single_part,
                    r.multi_part,
                    r.holes,
                    r.total_area_m2 / 1e6
                );
                if !r.invalid.is_empty() {
                    s.push_str(&format!(
                        "\nwarning: {} area(s) have invalid geometry (kept as they are): {}",
                        r.invalid.len(),
                        r.invalid.join(", ")
                    ));
                }
                s
            })?;
        }
        ImportCommand::Indicators {
            files,
            geography,
            code_field,
            wide,
            columns,
            period,
            metadata,
            allow_unmatched,
            replace,
            encoding,
            json,
        } => {
            let mut ws = Workspace::open(&files.workspace)?;
            let spinner = progress::Spinner::start("importing indicators");
            let opts = indicators::IndicatorOptions {
                geography,
                code_field,
                wide,
                columns,
                period,
                metadata,
                allow_unmatched,
                replace,
                encoding,
            };
            let r = indicators::import_indicators(&mut ws, &files.file, &opts)?;
            drop(spinner);
            emit(json, &r, || {
                let mut s = format!(
                    "imported {} values of {} indicator(s) for '{}' ({} form, period(s) {}): {} ok, {} suppressed, {} missing",
                    r.values,
                    r.indicators.len(),
                    r.geography,
                    r.form,
                    r.periods.join(", "),
                    r.ok,
                    r.suppressed,
                    r.missing
                );
                if !r.skipped_columns.is_empty() {
                    s.push_str(&format!(
                        "\nskipped text column(s): {}",
                        r.skipped_columns.join(", ")
                    ));
                }
                if r.unmatched > 0 {
                    s.push_str(&format!(
                        "\nwarning: {} code(s) match no boundary (e.g. {}); their {} row(s) were skipped",
                        r.unmatched,
                        r.unmatched_examples.join(", "),
                        r.skipped_rows
                    ));
                }
                s
            })?;
        }
        ImportCommand::Lookup {
            files,
            from,
            to,
            from_field,
            to_field,
            json,
        } => {
            let mut ws = Workspace::open(&files.workspace)?;
            let r = lookup::import_lookup(
                &mut ws,
                &files.file,
                &lookup::LookupOptions {
                    from,
                    to,
                    from_field,
                    to_field,
                },
            )?;
            emit(json, &r, || {
                format!(
                    "imported lookup {} → {} ({} → {}): {} areas into {} groups; {} '{}' areas not covered",
                    r.from,
                    r.to,
                    r.from_field,
                    r.to_field,
                    r.rows,
                    r.to_areas,
                    r.from_not_covered,
                    r.from
                )
            })?;
        }
        ImportCommand::Points {
            files,
            layer,
            source_crs,
            json,
        } => {
            let mut ws = Workspace::open(&files.workspace)?;
            let r = points::import_points(
                &mut ws,
                &files.file,
                &points::PointOptions { layer, source_crs },
            )?;
            emit(json, &r, || {
                format!(
                    "imported {} points into layer '{}' ({} → EPSG:27700)",
                    r.features, r.layer, r.source_crs
                )
            })?;
        }
    }
    Ok(())
}

fn emit<T: Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) -> Result<()> {
    use std::io::Write;
    let body = if json {
        serde_json::to_string_pretty(value)?
    } else {
        text()
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{body}") {
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn info_text(info: &query::WorkspaceInfo) -> String {
    let mut s = format!("schema version {}\n\ngeographies:\n", info.schema_version);
    for g in &info.geographies {
        s.push_str(&format!(
            "  {:<16} {:>7} areas  {}\n",
            g.name, g.areas, g.crs
        ));
    }
    s.push_str("\nindicators:\n");
    for i in &info.indicators {
        s.push_str(&format!(
            "  {:<22} {:<14} {:<10} [{}]  {}\n",
            i.code,
            i.theme,
            i.geography,
            i.periods.join(", "),
            i.title
        ));
    }
    s.push_str("\nlayers:\n");
    for l in &info.layers {
        s.push_str(&format!("  {:<16} {:>7} {}\n", l.name, l.features, l.kind));
    }
    s.push_str("\nmap recipes:\n");
    for r in &info.recipes {
        s.push_str(&format!("  {r}\n"));
    }
    s
}
