//! Command-line arguments (clap derive). These structs hold only what the
//! user typed; [`super`] turns them into library calls after checking.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Wi-Fi coverage planning: floor plan in, heatmaps, report and AP plan out.
#[derive(Debug, Parser)]
#[command(name = "wifiplan", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Predict the signal of the plan's APs: heatmaps per floor and a report.
    Simulate(SimulateArgs),
    /// Check a plan file and report every problem, located (exit 2 if any).
    Validate(ValidateArgs),
    /// List the built-in materials with their losses at 2.4, 5 and 6 GHz.
    Materials(MaterialsArgs),
}

/// Propagation model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelChoice {
    /// Direct path: free space plus the P.2040 slab loss of everything
    /// crossed (fast; the optimiser's inner loop).
    Multiwall,
    /// Image-method ray tracing: direct, transmitted and reflected paths on
    /// walls, floors, ceilings and vaults.
    Raytrace,
}

/// Output format on stdout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A short human summary.
    #[default]
    Text,
    /// The report as JSON (exactly report.json).
    Json,
}

/// Options shared by commands that print results.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// No progress bar and no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `wifiplan simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The floor plan file (TOML or JSON).
    pub plan: PathBuf,
    /// Output directory [default: out/<plan file stem>/].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Propagation model.
    #[arg(long, value_enum, default_value_t = ModelChoice::Raytrace)]
    pub model: ModelChoice,
    /// Maximum reflections per path (raytrace), 0 to 6.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=6))]
    pub max_reflections: u8,
    /// Sum paths with their phase (fast fading visible at λ/2 resolution)
    /// instead of adding powers (raytrace).
    #[arg(long)]
    pub coherent: bool,
    /// With --probe and raytrace: list the strongest paths at each probe,
    /// with every reflection and the losses of each part.
    #[arg(long)]
    pub paths: bool,
    /// Simulate only this band ("2.4", "5" or "6"); APs without a band get it.
    #[arg(long)]
    pub band: Option<String>,
    /// Grid cell size in metres (overrides the plan's defaults.resolution).
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Report the signal at an exact point: x,y in metres, optionally a floor id
    /// (default: the lowest floor). Repeatable.
    #[arg(long, value_name = "X,Y[,FLOOR]")]
    pub probe: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output format and verbosity.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `wifiplan validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Plan files to check.
    #[arg(required = true)]
    pub plans: Vec<PathBuf>,
    /// Print nothing when a plan is valid.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `wifiplan materials`.
#[derive(Debug, Args)]
pub struct MaterialsArgs {
    /// Also list the user materials of this plan.
    #[arg(long)]
    pub plan: Option<PathBuf>,
}
