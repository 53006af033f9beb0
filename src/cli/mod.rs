//! The command-line shell: turns parsed arguments into library calls and
//! results into output and exit codes (0 ok, 1 requirement not met or
//! regression, 2 usage or input error).

pub mod args;
mod calibrate;
mod ci;
mod import;
mod plan;
mod validate;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use args::Cli;
use args::{AntennasArgs, Command, MaterialsArgs, ModelChoice, OutputFormat, SimulateArgs};

use crate::error::{Error, Result};
use crate::floorplan;
use crate::materials::{materials_table_text, MaterialTable};
use crate::pipeline::{self, Model, SimulationConfig};
use crate::propagation::RayTrace;
use crate::radio::Band;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Simulate(args) => simulate(args),
        Command::Validate(args) => validate::run(args),
        Command::Materials(args) => materials(args),
        Command::Antennas(args) => antennas(args),
        Command::Compare(args) => ci::compare(args),
        Command::Check(args) => ci::check(args),
        Command::Plan(args) => plan::run(args),
        Command::Import(args) => import::run(args),
        Command::Calibrate(args) => calibrate::run(args),
    }
}

/// Prints an error the way every command does: the message (already
/// located and with its hint), then `error:` on a line of its own if the
/// message does not carry locations.
pub fn print_error(error: &Error) {
    let mut stderr = std::io::stderr().lock();
    match error {
        Error::InvalidPlan { .. } | Error::Parse(_) => {
            let _ = writeln!(stderr, "{error}");
        }
        _ => {
            let _ = writeln!(stderr, "error: {error}");
        }
    }
}

pub(crate) fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {percent}% ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Sizes rayon's global pool (`--threads`).
pub(crate) fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(threads) = threads {
        if threads == 0 {
            return Err(Error::usage("--threads must be at least 1"));
        }
        // The global pool can only be set once per process; a second call
        // (tests running several commands) keeps the first size.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    }
    Ok(())
}

/// Parses `--band`.
pub(crate) fn parse_band(text: Option<&str>) -> Result<Option<Band>> {
    text.map(|text| {
        Band::from_name(text).ok_or_else(|| Error::usage(format!("unknown --band `{text}`\n  hint: use 2.4, 5 or 6")))
    })
    .transpose()
}

impl args::ModelArgs {
    /// The model these options select.
    pub fn model(&self) -> Model {
        match self.model {
            ModelChoice::Multiwall => Model::MultiWall,
            ModelChoice::Raytrace => Model::RayTrace(RayTrace {
                max_reflections: self.max_reflections as usize,
                coherent: self.coherent,
                diffraction: !self.no_diffraction,
                scattering: !self.no_scattering,
            }),
        }
    }
}

impl args::RequirementArgs {
    /// The checked requirement and regulatory options.
    pub fn options(&self) -> Result<crate::requirement::Options> {
        crate::requirement::Options::new(
            self.requirement.as_deref(),
            self.min_sinr,
            self.max_clients_per_ap,
            self.country.as_deref(),
            self.dfs,
        )
    }
}

/// A progress bar that shows the current stage as its message.
pub(crate) fn stage_bar(quiet: bool) -> ProgressBar {
    let bar = progress_bar(quiet);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// The simulation request of `simulate`.
pub(crate) fn simulate_config(args: &SimulateArgs) -> Result<SimulationConfig> {
    if args.paths && args.model.model != ModelChoice::Raytrace {
        return Err(Error::usage("--paths lists ray-traced paths\n  hint: use it with --model raytrace (the default)"));
    }
    Ok(SimulationConfig {
        model: args.model.model(),
        resolution: args.resolution,
        probes: args.probe.clone(),
        explain_paths: args.paths,
        requirement: args.requirement.options()?,
    })
}

fn simulate(args: SimulateArgs) -> Result<ExitCode> {
    let shard = args.inputs.shard.as_deref().map(crate::many::Shard::parse).transpose()?;
    if crate::many::is_many(&args.inputs.plans, shard) {
        return ci::simulate_many(args, shard);
    }
    set_threads(args.threads)?;
    let band = parse_band(args.band.as_deref())?;
    let config = simulate_config(&args)?;
    let (source, scene) = pipeline::load_scene_with(&args.inputs.plans[0], band, &config.requirement)?;
    pipeline::require_aps(&source, &scene, band)?;
    let bar = progress_bar(args.output.quiet);
    bar.set_message(format!("simulating {}", scene.name));
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let outcome = pipeline::simulate(&source, scene, &config, &progress)?;
    bar.finish_and_clear();
    let out_dir = args.inputs.out.clone().unwrap_or_else(|| pipeline::default_out_dir(&args.inputs.plans[0]));
    let images = pipeline::write_outputs(&outcome, &out_dir, &maps(&args.maps))?;
    match args.output.format {
        OutputFormat::Json => println!("{}", pipeline::report_json(&outcome.report)),
        OutputFormat::Text => {
            print!("{}", crate::report::summary_table(&outcome.report));
            if !args.output.quiet {
                println!(
                    "  wrote {} images, report.json, report.md and report.html to {}",
                    images.len(),
                    out_dir.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The optional maps asked for.
pub(crate) fn maps(args: &args::MapArgs) -> pipeline::MapOptions {
    pipeline::MapOptions { class_map: args.class_map }
}

fn antennas(args: AntennasArgs) -> Result<ExitCode> {
    if let Some(name) = &args.export {
        let pattern = crate::antenna::catalogue::get(name).ok_or_else(|| {
            let known = crate::antenna::catalogue::names().collect::<Vec<_>>().join(", ");
            Error::usage(format!("unknown antenna `{name}`\n  hint: built-in patterns: {known}"))
        })?;
        print!("{}", pattern.to_msi());
        return Ok(ExitCode::SUCCESS);
    }
    let patterns = if args.files.is_empty() {
        crate::antenna::catalogue::all().to_vec()
    } else {
        let mut patterns = Vec::with_capacity(args.files.len());
        for file in &args.files {
            patterns.push(crate::antenna::load_file(file)?);
        }
        patterns
    };
    print!("{}", crate::antenna::antennas_table_text(&patterns));
    Ok(ExitCode::SUCCESS)
}

fn materials(args: MaterialsArgs) -> Result<ExitCode> {
    let table = match &args.plan {
        None => MaterialTable::builtin(),
        Some(path) => {
            let source = floorplan::load(path)?;
            floorplan::validate::validate(&source).map_err(|problems| Error::InvalidPlan { problems })?
        }
    };
    print!("{}", materials_table_text(&table));
    Ok(ExitCode::SUCCESS)
}
