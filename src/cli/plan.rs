//! `wifiplan plan`: the minimal AP count, placement and channels, for one
//! plan or many.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::args::{OutputFormat, PlanArgs};
use super::ci::{finish_summary, plans_bar, print_plan_errors, report_entry};
use super::{parse_band, set_threads, stage_bar};
use crate::error::{Error, Result};
use crate::many::{self, PlanStatus, Shard, Summary, SummaryEntry};
use crate::optimize::PlanConfig;
use crate::pipeline::{self, PlanOutcome, SimulationConfig};
use crate::radio::Band;
use crate::scene::Scene;

/// Runs `plan`: exit 0 when the planned APs meet the requirement, 1 when
/// they cannot (too few `--max-aps`, or rooms no candidate can cover), 2 on
/// errors; with many plans, the worst of them.
pub fn run(args: PlanArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let band = parse_band(args.band.as_deref())?;
    if !(args.time_limit.is_finite() && args.time_limit > 0.0) {
        return Err(Error::usage("--time-limit must be a positive number of seconds"));
    }
    if !(args.candidate_spacing.is_finite() && args.candidate_spacing >= 0.1) {
        return Err(Error::usage("--candidate-spacing must be at least 0.1 m"));
    }
    let shard = args.inputs.shard.as_deref().map(Shard::parse).transpose()?;
    if many::is_many(&args.inputs.plans, shard) {
        return run_many(&args, band, shard);
    }
    let path = &args.inputs.plans[0];
    let bar = stage_bar(args.output.quiet);
    let progress = |stage: &str| bar.set_message(stage.to_owned());
    let outcome = plan_one(&args, band, path, &progress)?;
    bar.finish_and_clear();
    let out_dir = args.inputs.out.clone().unwrap_or_else(|| pipeline::default_out_dir(path));
    let images = pipeline::write_plan_outputs(&outcome, &out_dir, &super::maps(&args.maps))?;
    let report = &outcome.simulation.report;
    match args.output.format {
        OutputFormat::Json => println!("{}", pipeline::report_json(report)),
        OutputFormat::Text => {
            if let Some(result) = &report.result {
                let bound =
                    result.lower_bound.map_or_else(|| "none (requirement unreachable)".to_owned(), |b| b.to_string());
                println!(
                    "{}: {} AP{} ({} fixed), lower bound {bound}{}; {}",
                    report.plan,
                    result.ap_count,
                    if result.ap_count == 1 { "" } else { "s" },
                    result.fixed_aps,
                    if result.optimal { ", proved optimal" } else { "" },
                    if result.requirement_met { "requirement met" } else { "requirement NOT met" }
                );
                if result.time_limit_hit {
                    println!(
                        "  note: the search stopped at its time limit ({} s): on another machine it may find another plan; raise --time-limit for a plan that depends only on the inputs",
                        args.time_limit
                    );
                }
            }
            print!("{}", crate::report::summary_table(report));
            if !args.output.quiet {
                println!(
                    "  wrote {} images, report.json, report.md, report.html and planned.toml to {}",
                    images.len(),
                    out_dir.display()
                );
            }
        }
    }
    Ok(if met(&outcome) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The planned APs meet the requirement, in the search and in the final
/// simulation.
fn met(outcome: &PlanOutcome) -> bool {
    let report = &outcome.simulation.report;
    report.result.as_ref().is_some_and(|r| r.requirement_met) && report.requirement_met
}

/// Plans one file.
fn plan_one(args: &PlanArgs, band: Option<Band>, path: &Path, progress: &(dyn Fn(&str) + Sync)) -> Result<PlanOutcome> {
    let options = args.requirement.options()?;
    let (source, mut scene) = pipeline::load_scene_with(path, None, &options)?;
    mark_movable(&mut scene, &args.movable, &source.file)?;
    let (plan_config, config) = configs(args, band, &scene)?;
    pipeline::plan(&source, scene, &plan_config, &config, progress)
}

/// `--movable ID` (or `all`): those APs become proposals the optimiser may
/// move or drop, as `fixed = false` in the plan would make them.
fn mark_movable(scene: &mut Scene, movable: &[String], file: &str) -> Result<()> {
    for id in movable {
        if id == "all" {
            scene.aps.iter_mut().for_each(|ap| ap.fixed = false);
            continue;
        }
        match scene.aps.iter_mut().find(|ap| &ap.id == id) {
            Some(ap) => ap.fixed = false,
            None => {
                let ids: Vec<&str> = scene.aps.iter().map(|ap| ap.id.as_str()).collect();
                let hint = match crate::suggest::closest(id, ids.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if ids.is_empty() => "the plan has no APs".to_owned(),
                    None => format!("APs: {}, or `all`", ids.join(", ")),
                };
                return Err(Error::usage(format!("--movable: no AP `{id}` in `{file}`\n  hint: {hint}")));
            }
        }
    }
    Ok(())
}

/// The search and final-simulation settings for one scene.
fn configs(args: &PlanArgs, band: Option<Band>, scene: &Scene) -> Result<(PlanConfig, SimulationConfig)> {
    let resolution = args.resolution.unwrap_or(scene.settings.resolution);
    if !(resolution.is_finite() && (0.01..=10.0).contains(&resolution)) {
        return Err(Error::usage(format!(
            "--resolution {resolution} is out of range\n  hint: give the cell size in metres, between 0.01 and 10"
        )));
    }
    let plan_config = PlanConfig {
        band: band.unwrap_or(scene.settings.band),
        channel_width: args
            .channel_width
            .as_deref()
            .and_then(|w| w.parse().ok())
            .unwrap_or(scene.settings.channel_width),
        candidate_spacing: args.candidate_spacing,
        resolution,
        secondary: args.secondary,
        max_aps: args.max_aps,
        starts: args.starts,
        seed: args.seed,
        time_limit: Duration::from_secs_f64(args.time_limit),
        reduce_power: args.reduce_power,
        requirement: crate::requirement::Requirement::default(),
    };
    let config = SimulationConfig {
        model: args.model.model(),
        resolution: Some(resolution),
        probes: args.probe.clone(),
        explain_paths: false,
        requirement: args.requirement.options()?,
    };
    Ok((plan_config, config))
}

/// Several plans: each into `<out>/<plan>/`, then `summary.json`.
fn run_many(args: &PlanArgs, band: Option<Band>, shard: Option<Shard>) -> Result<ExitCode> {
    let jobs = many::plan_jobs(&args.inputs.plans, shard)?;
    let out = args.inputs.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    let bar = plans_bar(args.output.quiet, jobs.len(), "planning");
    let results = many::run_many(
        &jobs,
        |job| {
            let outcome = plan_one(args, band, &job.path, &|_| {})?;
            pipeline::write_plan_outputs(&outcome, &out.join(&job.folder), &super::maps(&args.maps))?;
            Ok(outcome)
        },
        &|done, _| bar.set_position(done as u64),
    );
    bar.finish_and_clear();
    print_plan_errors(&results);
    let entries: Vec<SummaryEntry> = results
        .iter()
        .map(|finished| match &finished.result {
            Ok(outcome) => {
                let status = if met(outcome) { PlanStatus::Ok } else { PlanStatus::Failed };
                report_entry(&finished.job, &outcome.simulation.report, status)
            }
            Err(error) => SummaryEntry::error(&finished.job, error),
        })
        .collect();
    let summary = Summary::new("plan", shard, args.model.model().propagation().name(), entries);
    let code = finish_summary(&summary, Some(&out), args.output.format, args.output.quiet)?;
    Ok(ExitCode::from(code))
}
