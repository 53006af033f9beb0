//! `wifiplan plan`: the minimal AP count, placement and channels.

use std::process::ExitCode;
use std::time::Duration;

use super::args::{OutputFormat, PlanArgs};
use super::{parse_band, set_threads, stage_bar};
use crate::error::{Error, Result};
use crate::optimize::PlanConfig;
use crate::pipeline::{self, SimulationConfig};

/// Runs `plan`: exit 0 when the planned APs meet the requirement, 1 when
/// they cannot (too few `--max-aps`, or rooms no candidate can cover).
pub fn run(args: PlanArgs) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let band = parse_band(args.band.as_deref())?;
    if !(args.time_limit.is_finite() && args.time_limit > 0.0) {
        return Err(Error::usage("--time-limit must be a positive number of seconds"));
    }
    if !(args.candidate_spacing.is_finite() && args.candidate_spacing >= 0.1) {
        return Err(Error::usage("--candidate-spacing must be at least 0.1 m"));
    }
    let (source, scene) = pipeline::load_scene(&args.plan, None)?;
    let resolution = args.resolution.unwrap_or(scene.settings.resolution);
    if !(resolution.is_finite() && (0.01..=10.0).contains(&resolution)) {
        return Err(Error::usage(format!(
            "--resolution {resolution} is out of range\n  hint: give the cell size in metres, between 0.01 and 10"
        )));
    }
    let plan_config = PlanConfig {
        band: band.unwrap_or(scene.settings.band),
        channel_width: args.channel_width.as_deref().map_or(scene.settings.channel_width, |w| w.parse().unwrap_or(20)),
        candidate_spacing: args.candidate_spacing,
        resolution,
        max_clients_per_ap: args.max_clients_per_ap,
        secondary: args.secondary,
        max_aps: args.max_aps,
        starts: args.starts,
        seed: args.seed,
        time_limit: Duration::from_secs_f64(args.time_limit),
        reduce_power: args.reduce_power,
    };
    let config = SimulationConfig {
        model: args.model.model(),
        resolution: Some(resolution),
        probes: args.probe.clone(),
        explain_paths: false,
    };
    let bar = stage_bar(args.output.quiet);
    let progress = |stage: &str| bar.set_message(format!("{}: {stage}", scene.name));
    let outcome = pipeline::plan(&source, scene.clone(), &plan_config, &config, &progress)?;
    bar.finish_and_clear();
    let out_dir = args.out.clone().unwrap_or_else(|| pipeline::default_out_dir(&args.plan));
    let images = pipeline::write_plan_outputs(&outcome, &out_dir)?;
    let report = &outcome.simulation.report;
    let result = report.result.as_ref();
    match args.output.format {
        OutputFormat::Json => println!("{}", pipeline::report_json(report)),
        OutputFormat::Text => {
            if let Some(result) = result {
                let bound =
                    result.lower_bound.map_or_else(|| "none (requirement unreachable)".to_owned(), |b| b.to_string());
                println!(
                    "{}: {} APs ({} fixed), lower bound {bound}{}; {}",
                    report.plan,
                    result.ap_count,
                    result.fixed_aps,
                    if result.optimal { ", proved optimal" } else { "" },
                    if result.requirement_met { "requirement met" } else { "requirement NOT met" }
                );
            }
            print!("{}", crate::report::summary_table(report));
            if !args.output.quiet {
                println!(
                    "  wrote {} images, report.json, report.md and planned.toml to {}",
                    images.len(),
                    out_dir.display()
                );
            }
        }
    }
    let met = result.is_some_and(|r| r.requirement_met) && report.requirement_met;
    Ok(if met { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
