//! The CI commands: `compare`, `check`, and `simulate` over many plans.
//!
//! Each handler checks its arguments, calls the library ([`crate::compare`],
//! [`crate::check`], [`crate::many`]) and turns the result into output and
//! an exit code: 0 ok, 1 requirement not met or regression, 2 usage or
//! input error (with many plans: 2 if any plan errored, else 1 if any
//! failed, else 0). Errors of one plan in a many-plans run are printed in
//! plan order after the run, so the output does not depend on timing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::{CheckArgs, CompareArgs, CompareFormat, OutputFormat, SimulateArgs, SimulationArgs};
use super::{parse_band, print_error, progress_bar, set_threads, simulate_config};
use crate::check::{self, CheckResult, JunitSuite, Requirement};
use crate::compare;
use crate::error::{Error, Result};
use crate::many::{self, Finished, PlanStatus, Shard, Summary, SummaryEntry};
use crate::output::{create_dir, file_stem_for, write_atomic};
use crate::pipeline::{self, SimulationConfig};
use crate::radio::Band;
use crate::report::comparison::Tolerances;

/// The simulation request of `compare` and `check`, and the band filter.
fn simulation_config(args: &SimulationArgs) -> Result<(SimulationConfig, Option<Band>)> {
    set_threads(args.threads)?;
    let band = parse_band(args.band.as_deref())?;
    let config = SimulationConfig {
        model: args.model.model(),
        resolution: args.resolution,
        probes: Vec::new(),
        explain_paths: false,
        requirement: args.requirement.options()?,
    };
    Ok((config, band))
}

/// A progress bar counting finished plans.
pub(super) fn plans_bar(quiet: bool, count: usize, verb: &str) -> indicatif::ProgressBar {
    let bar = progress_bar(quiet);
    bar.set_length(count as u64);
    bar.set_message(format!("{verb} {count} plan{}", if count == 1 { "" } else { "s" }));
    bar
}

/// Prints the errors of a many-plans run, in plan order.
pub(super) fn print_plan_errors<T>(results: &[Finished<T>]) {
    for finished in results {
        if let Err(error) = &finished.result {
            print_error(error);
        }
    }
}

/// Writes `summary.json` into `out` and prints the summary (JSON or the
/// table); returns the run's exit code.
pub(super) fn finish_summary(summary: &Summary, out: Option<&Path>, format: OutputFormat, quiet: bool) -> Result<u8> {
    if let Some(out) = out {
        create_dir(out)?;
        write_atomic(&out.join("summary.json"), format!("{}\n", summary.to_json()).as_bytes())?;
    }
    match format {
        OutputFormat::Json => println!("{}", summary.to_json()),
        OutputFormat::Text => {
            print!("{}", summary.table());
            if let (false, Some(out)) = (quiet, out) {
                println!("  wrote one folder per plan and summary.json to {}", out.display());
            }
        }
    }
    Ok(summary.exit_code)
}

/// `simulate` with several plans, a directory or `--shard`: every plan in
/// parallel into `<out>/<plan>/`, then `summary.json` and a table. A plan
/// that fails is reported and the others still run (exit 2 if any failed).
pub(super) fn simulate_many(args: SimulateArgs, shard: Option<Shard>) -> Result<ExitCode> {
    set_threads(args.threads)?;
    let band = parse_band(args.band.as_deref())?;
    let config = simulate_config(&args)?;
    let jobs = many::plan_jobs(&args.inputs.plans, shard)?;
    let out = args.inputs.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    let bar = plans_bar(args.output.quiet, jobs.len(), "simulating");
    let results = many::run_many(
        &jobs,
        |job| {
            let (source, scene) = pipeline::load_scene_with(&job.path, band, &config.requirement)?;
            pipeline::require_aps(&source, &scene, band)?;
            let outcome = pipeline::simulate(&source, scene, &config, &|_, _| {})?;
            pipeline::write_outputs(&outcome, &out.join(&job.folder), &super::maps(&args.maps))?;
            Ok(outcome.report)
        },
        &|done, _| bar.set_position(done as u64),
    );
    bar.finish_and_clear();
    print_plan_errors(&results);
    let entries = results
        .iter()
        .map(|finished| match &finished.result {
            Ok(report) => report_entry(&finished.job, report, PlanStatus::Ok),
            Err(error) => SummaryEntry::error(&finished.job, error),
        })
        .collect();
    let summary = Summary::new("simulate", shard, config.model.propagation().name(), entries);
    let code = finish_summary(&summary, Some(&out), args.output.format, args.output.quiet)?;
    Ok(ExitCode::from(code))
}

/// The summary line of a plan that ran, from its report.
pub(super) fn report_entry(job: &many::PlanJob, report: &crate::report::Report, status: PlanStatus) -> SummaryEntry {
    SummaryEntry {
        file: job.path.display().to_string(),
        folder: Some(job.folder.clone()),
        status,
        plan: Some(report.plan.clone()),
        ap_count: Some(report.aps.len()),
        coverage_pct: Some(report.coverage_pct),
        requirement_met: Some(report.requirement_met),
        failing: report
            .floors
            .iter()
            .flat_map(|f| f.rooms.iter().filter(|r| !r.meets_target).map(move |r| format!("{}/{}", f.id, r.name)))
            .collect(),
        error: None,
    }
}

/// `compare BASE CANDIDATE`.
pub(super) fn compare(args: CompareArgs) -> Result<ExitCode> {
    let (config, band) = simulation_config(&args.simulation)?;
    let tolerances = Tolerances::new(args.tolerance_db, args.tolerance_pct, args.tolerance_aps)?;
    let bar = progress_bar(args.quiet);
    bar.set_message("simulating base and candidate");
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let runs = compare::simulate_pair(&args.base, &args.candidate, band, &config, &progress)?;
    let comparison = compare::compare(&runs, tolerances);
    bar.set_message("drawing the difference maps");
    let out = args.out.clone().unwrap_or_else(|| default_compare_dir(&args.base, &args.candidate));
    compare::write_outputs(&runs, &comparison, &out)?;
    bar.finish_and_clear();
    match args.format {
        CompareFormat::Markdown => print!("{}", compare::markdown(&comparison, false)),
        CompareFormat::Json => println!("{}", comparison.to_json()),
    }
    if !args.quiet {
        eprintln!(
            "wrote {} difference map{}, compare.json, compare.md, report.html and both plans' outputs (base/, candidate/) to {}",
            comparison.images.len(),
            if comparison.images.len() == 1 { "" } else { "s" },
            out.display()
        );
    }
    Ok(ExitCode::from(comparison.exit_code()))
}

/// The default output of `compare`: `out/compare-<base stem>-<candidate stem>/`.
fn default_compare_dir(base: &Path, candidate: &Path) -> PathBuf {
    let stem = |p: &Path| file_stem_for(&p.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned()));
    Path::new("out").join(format!("compare-{}-{}", stem(base), stem(candidate)))
}

/// A checked plan: the verdict, and the `--room-min-coverage` names that
/// matched none of its rooms.
struct Checked {
    result: CheckResult,
    unmatched: Vec<String>,
}

/// Loads, simulates and judges one plan; writes its outputs and
/// `check.json` into `out` if given. With `strict`, an override naming no
/// room of the plan is an error (before the simulation runs).
fn check_one(
    path: &Path,
    band: Option<Band>,
    config: &SimulationConfig,
    requirement: &Requirement,
    out: Option<(&Path, pipeline::MapOptions)>,
    strict: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Checked> {
    let (source, scene) = pipeline::load_scene_with(path, band, &config.requirement)?;
    pipeline::require_aps(&source, &scene, band)?;
    let rooms: Vec<&str> = scene.floors.iter().flat_map(|f| &f.rooms).map(|r| r.name.as_str()).collect();
    let unmatched = requirement.unmatched_rooms(&rooms);
    if let (true, Some(name)) = (strict, unmatched.first()) {
        return Err(Requirement::unmatched_error(name, &source.file, &rooms));
    }
    let outcome = pipeline::simulate(&source, scene, config, progress)?;
    let result = check::evaluate(&outcome.report, requirement);
    if let Some((dir, maps)) = out {
        pipeline::write_check_outputs(&outcome, &result, dir, &maps)?;
        write_atomic(&dir.join("check.json"), format!("{}\n", result.to_json()).as_bytes())?;
    }
    Ok(Checked { result, unmatched })
}

/// `check PLAN... --min-coverage PCT`.
pub(super) fn check(args: CheckArgs) -> Result<ExitCode> {
    let (config, band) = simulation_config(&args.simulation)?;
    let requirement = Requirement::new(args.min_coverage, &args.room_min_coverage, args.max_aps)?;
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    let quiet = args.output.quiet;
    if !many::is_many(&args.plans, shard) {
        let bar = progress_bar(quiet);
        bar.set_message(format!("checking {}", args.plans[0].display()));
        let progress = |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        };
        let out = args.out.as_deref().map(|dir| (dir, super::maps(&args.simulation.maps)));
        let checked = check_one(&args.plans[0], band, &config, &requirement, out, true, &progress)?;
        bar.finish_and_clear();
        if let Some(junit) = &args.junit {
            write_atomic(junit, check::junit_xml(&[JunitSuite::Checked(&checked.result)]).as_bytes())?;
        }
        match args.output.format {
            OutputFormat::Json => println!("{}", checked.result.to_json()),
            OutputFormat::Text => print!("{}", check::verdict_text(&checked.result)),
        }
        return Ok(ExitCode::from(u8::from(!checked.result.met)));
    }

    let jobs = many::plan_jobs(&args.plans, shard)?;
    let bar = plans_bar(quiet, jobs.len(), "checking");
    let out = args.out.as_deref();
    let results = many::run_many(
        &jobs,
        |job| {
            let dir = out.map(|o| o.join(&job.folder));
            let out = dir.as_deref().map(|dir| (dir, super::maps(&args.simulation.maps)));
            check_one(&job.path, band, &config, &requirement, out, false, &|_, _| {})
        },
        &|done, _| bar.set_position(done as u64),
    );
    bar.finish_and_clear();
    print_plan_errors(&results);

    // An override must name a room of at least one plan checked: a typo
    // must not pass silently.
    let checked: Vec<&Checked> = results.iter().filter_map(|f| f.result.as_ref().ok()).collect();
    let mut code = 0;
    for (name, _) in &requirement.room_min {
        let everywhere = checked.iter().all(|c| c.unmatched.contains(name));
        if !checked.is_empty() && everywhere {
            code = 2;
            print_error(&Error::usage(format!(
                "--room-min-coverage: no room named `{name}` in any of the {} plans checked\n  hint: room names are matched exactly, as written in the plans",
                checked.len()
            )));
        }
    }

    if let Some(junit) = &args.junit {
        let messages: Vec<(String, String)> = results
            .iter()
            .map(|f| {
                (f.job.path.display().to_string(), f.result.as_ref().err().map_or_else(String::new, |e| e.to_string()))
            })
            .collect();
        let suites: Vec<JunitSuite> = results
            .iter()
            .zip(&messages)
            .map(|(f, (file, message))| match &f.result {
                Ok(checked) => JunitSuite::Checked(&checked.result),
                Err(_) => JunitSuite::Errored(file, message),
            })
            .collect();
        write_atomic(junit, check::junit_xml(&suites).as_bytes())?;
    }

    if args.output.format == OutputFormat::Text {
        for finished in &results {
            if let Ok(checked) = &finished.result {
                let text = check::verdict_text(&checked.result);
                let mut lines = text.lines();
                if let Some(headline) = lines.next() {
                    println!("{headline}");
                }
                for line in lines.filter(|l| l.trim_start().starts_with("FAIL")) {
                    println!("{line}");
                }
            }
        }
        println!();
    }
    let entries = results
        .iter()
        .map(|finished| match &finished.result {
            Ok(checked) => {
                let status = if checked.result.met { PlanStatus::Ok } else { PlanStatus::Failed };
                let r = &checked.result;
                SummaryEntry {
                    file: finished.job.path.display().to_string(),
                    folder: out.map(|_| finished.job.folder.clone()),
                    status,
                    plan: Some(r.plan.clone()),
                    ap_count: Some(r.ap_count),
                    coverage_pct: Some(r.coverage_pct),
                    requirement_met: Some(r.met),
                    failing: r.failing(),
                    error: None,
                }
            }
            Err(error) => SummaryEntry::error(&finished.job, error),
        })
        .collect();
    let mut summary = Summary::new("check", shard, config.model.propagation().name(), entries);
    summary.exit_code = summary.exit_code.max(code);
    Ok(ExitCode::from(finish_summary(&summary, out, args.output.format, quiet)?))
}
