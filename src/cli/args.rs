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
    /// List the built-in antenna patterns (gain, beamwidths, front-to-back),
    /// or check and list Planet/MSI pattern files.
    Antennas(AntennasArgs),
    /// Compare a candidate plan with a base plan: deltas per storey and room,
    /// difference heatmaps; exit 1 if the candidate regresses.
    Compare(CompareArgs),
    /// Check that plans meet a coverage requirement (exit 1 if not), with a
    /// verdict per room and an optional JUnit report.
    Check(CheckArgs),
    /// Find the fewest APs (placement, channels) that meet every room's
    /// requirement, with a lower bound proving how close to optimal it is.
    /// The plan's fixed APs are kept; `fixed = false` APs may be dropped.
    Plan(PlanArgs),
    /// Turn an architect's drawing (SVG, DXF, PNG/JPEG) into a plan file to
    /// edit.
    Import(ImportArgs),
    /// Fit the plan's wall materials to a site survey (measured RSSI):
    /// writes calibrated.toml, calibration.json/.md and residual maps.
    Calibrate(CalibrateArgs),
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

/// Plan files and where their results go, for commands that run one plan
/// or many.
#[derive(Debug, Args)]
pub struct PlanInputs {
    /// The floor plan file (TOML or JSON); or several, or directories of
    /// them (every *.toml and *.json inside), run in parallel.
    #[arg(required = true, value_name = "PLAN")]
    pub plans: Vec<PathBuf>,
    /// Output directory [default: out/STEM/, STEM the plan file name without
    /// its extension]. With several plans: the parent of one folder per plan
    /// [default: out/].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// With several plans: run only every N-th plan of the sorted list,
    /// starting with the I-th (1-based), e.g. 2/4 for a job array.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// The requirement and the regulatory rules, shared by the commands that
/// judge a plan (the plan's `[defaults]` otherwise).
#[derive(Debug, Args)]
pub struct RequirementArgs {
    /// Requirement preset: voice (-67 dBm, SINR 25 dB), data (-70 dBm,
    /// 20 dB) or iot (-75 dBm, 10 dB) [default: the plan's threshold, 20 dB].
    #[arg(long, value_name = "PRESET")]
    pub requirement: Option<String>,
    /// Minimum SINR at the serving AP, dB (overrides the preset and the
    /// plan's min_sinr_db; rooms may set their own).
    #[arg(long, value_name = "DB")]
    pub min_sinr: Option<f64>,
    /// Most clients one AP may serve [default: the plan's
    /// max_clients_per_ap, else 30].
    #[arg(long, value_name = "N")]
    pub max_clients_per_ap: Option<u32>,
    /// Country whose channel and power rules apply (ISO 3166 alpha-2, e.g.
    /// FR, GB, US; overrides the plan's country).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Let `plan` use DFS (radar detection) channels.
    #[arg(long)]
    pub dfs: bool,
}

/// `wifiplan simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The plans and where their results go.
    #[command(flatten)]
    pub inputs: PlanInputs,
    /// Propagation model and its options.
    #[command(flatten)]
    pub model: ModelArgs,
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
    /// The requirement and the country's rules.
    #[command(flatten)]
    pub requirement: RequirementArgs,
    /// Maps to draw.
    #[command(flatten)]
    pub maps: MapArgs,
    /// Output format and verbosity.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Optional maps.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// Also draw `<floor>-classes.png`: every cell good (meets signal and
    /// SINR), marginal (within 5 dB of the threshold, or the SINR short) or
    /// poor.
    #[arg(long)]
    pub class_map: bool,
}

/// `wifiplan validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Plan files to check, or directories of them (every *.toml and *.json
    /// inside).
    #[arg(required = true, value_name = "PLAN")]
    pub plans: Vec<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    /// Print nothing when a plan is valid.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Output format of `validate`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per valid plan on stdout; problems on stderr as
    /// file:line:column with a hint.
    #[default]
    Text,
    /// Every plan and its problems as one JSON document on stdout.
    Json,
}

/// `wifiplan materials`.
#[derive(Debug, Args)]
pub struct MaterialsArgs {
    /// Also list the user materials of this plan.
    #[arg(long)]
    pub plan: Option<PathBuf>,
}

/// `wifiplan antennas`.
#[derive(Debug, Args)]
pub struct AntennasArgs {
    /// Planet/MSI pattern files (`.msi`, `.pln`) to check and list instead
    /// of the built-in patterns (exit 2, located, if one is malformed).
    pub files: Vec<PathBuf>,
    /// Print this built-in pattern as a Planet/MSI file (gain in dBi, both
    /// cuts every degree), to start a pattern of one's own from.
    #[arg(long, value_name = "NAME", conflicts_with = "files")]
    pub export: Option<String>,
}

/// Propagation model options shared by the commands that simulate.
#[derive(Debug, Args)]
pub struct ModelArgs {
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
    /// Trace no diffraction round door and window jambs, wall ends and
    /// corners (raytrace; on by default).
    #[arg(long)]
    pub no_diffraction: bool,
    /// Trace no diffuse scattering from walls (raytrace; on by default).
    #[arg(long)]
    pub no_scattering: bool,
}

/// `wifiplan plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The plans and where their results go. A plan's fixed APs are kept;
    /// APs marked `fixed = false` are proposals the optimiser may drop.
    #[command(flatten)]
    pub inputs: PlanInputs,
    /// Model of the final check of the planned APs (the search uses
    /// multiwall, a lower bound on the ray-traced signal).
    #[command(flatten)]
    pub model: ModelArgs,
    /// Band of the new APs ("2.4", "5" or "6"; default: the plan's band).
    #[arg(long)]
    pub band: Option<String>,
    /// Channel width of the new APs, MHz.
    #[arg(long, value_parser = ["20", "40", "80"])]
    pub channel_width: Option<String>,
    /// Grid cell size in metres, for the search and the final check
    /// (default: the plan's defaults.resolution).
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Spacing of generated candidate mounting points, m (used when the
    /// plan gives no candidates).
    #[arg(long, default_value_t = crate::optimize::candidates::DEFAULT_SPACING)]
    pub candidate_spacing: f64,
    /// Require two APs above threshold on every counted cell (roaming).
    #[arg(long)]
    pub secondary: bool,
    /// Never place more APs than this (fixed APs included).
    #[arg(long)]
    pub max_aps: Option<usize>,
    /// Lower transmit powers as far as the requirement allows (less
    /// co-channel overlap).
    #[arg(long)]
    pub reduce_power: bool,
    /// Seed of the randomised search: same seed, same plan.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search starts (the first is pure greedy).
    #[arg(long, default_value_t = 12)]
    pub starts: usize,
    /// Stop the search after this many seconds (the result may then depend
    /// on the machine's speed; the report says so).
    #[arg(long, default_value_t = 120.0)]
    pub time_limit: f64,
    /// Make this AP of the plan a proposal the optimiser may move or drop
    /// (as `fixed = false` would); `all` for every AP. Repeatable.
    #[arg(long, value_name = "ID")]
    pub movable: Vec<String>,
    /// Report the signal at an exact point of the planned building. Repeatable.
    #[arg(long, value_name = "X,Y[,FLOOR]")]
    pub probe: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// The requirement and the country's rules.
    #[command(flatten)]
    pub requirement: RequirementArgs,
    /// Maps to draw.
    #[command(flatten)]
    pub maps: MapArgs,
    /// Output format and verbosity.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Model and grid options of `compare` and `check`.
#[derive(Debug, Args)]
pub struct SimulationArgs {
    /// Propagation model and its options.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Simulate only this band ("2.4", "5" or "6"); APs without a band get it.
    #[arg(long)]
    pub band: Option<String>,
    /// Grid cell size in metres (overrides the plans' defaults.resolution).
    #[arg(long)]
    pub resolution: Option<f64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// The requirement and the country's rules.
    #[command(flatten)]
    pub requirement: RequirementArgs,
    /// Maps to draw.
    #[command(flatten)]
    pub maps: MapArgs,
}

/// Output format of `compare`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Markdown tables, fit for a pull-request comment.
    #[default]
    Markdown,
    /// The comparison as JSON (exactly compare.json).
    Json,
}

/// `wifiplan compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The reference plan (e.g. the base branch's version).
    pub base: PathBuf,
    /// The plan judged against it (e.g. the pull request's version).
    pub candidate: PathBuf,
    /// Output directory [default: out/compare-BASE-CANDIDATE/, from the two
    /// file names without their extensions].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Judge median RSSI too: a drop of a room's or storey's median by more
    /// than this is a regression, dB [default: medians are shown, not
    /// judged].
    #[arg(long, value_name = "DB")]
    pub tolerance_db: Option<f64>,
    /// Largest drop of a room's coverage (signal, or signal with SINR)
    /// that is not a regression, percentage points.
    #[arg(long, default_value_t = crate::report::comparison::DEFAULT_TOLERANCE_PCT, value_name = "PCT")]
    pub tolerance_pct: f64,
    /// How many more APs the candidate may have before that is a
    /// regression.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub tolerance_aps: usize,
    /// Model and grid.
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = CompareFormat::Markdown)]
    pub format: CompareFormat,
    /// No progress bar and no note on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `wifiplan check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The floor plan file (TOML or JSON); or several, or directories of
    /// them (every *.toml and *.json inside), checked in parallel.
    #[arg(required = true, value_name = "PLAN")]
    pub plans: Vec<PathBuf>,
    /// Coverage every room must reach at its threshold, % [default: each
    /// room's target from the plan].
    #[arg(long, value_name = "PCT")]
    pub min_coverage: Option<f64>,
    /// Coverage the named room must reach, % (overrides --min-coverage for
    /// it, on every storey). Repeatable.
    #[arg(long, value_name = "NAME=PCT")]
    pub room_min_coverage: Vec<String>,
    /// Most APs a plan may have.
    #[arg(long, value_name = "N")]
    pub max_aps: Option<usize>,
    /// Write a JUnit XML report: one test suite per plan, one test case per
    /// room.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write heatmaps, report.json, report.md, report.html and check.json here
    /// (with several plans: one folder per plan, and summary.json).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// With several plans: check only every N-th plan of the sorted list,
    /// starting with the I-th (1-based), e.g. 2/4 for a job array.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Model and grid.
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Output format and verbosity.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `wifiplan import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The drawing: .svg, .dxf, .png, .jpg or .jpeg.
    pub file: PathBuf,
    /// The plan file to write (TOML, format = 1).
    #[arg(long, short, required_unless_present = "list_layers")]
    pub output: Option<PathBuf>,
    /// SVG/DXF: metres per drawing unit (e.g. 0.001 for a drawing in mm),
    /// overriding the file's own units. PNG/JPEG: pixels per metre.
    #[arg(long, value_name = "M_PER_UNIT")]
    pub scale: Option<f64>,
    /// Storey height, m.
    #[arg(long, default_value_t = 3.0, value_name = "M")]
    pub height: f64,
    /// SVG: stroke colour or class → material, e.g. '#000000=concrete' or
    /// partition=plasterboard. Repeatable.
    #[arg(long, value_name = "COLOR_OR_CLASS=MATERIAL")]
    pub map: Vec<String>,
    /// DXF: layer → material and thickness in m, e.g. MUR:stone_masonry:0.6
    /// or MUR=stone_masonry:0.6. With any, only mapped layers are walls.
    /// Repeatable.
    #[arg(long, value_name = "LAYER=MATERIAL:THICKNESS")]
    pub layer_map: Vec<String>,
    /// DXF: a layer whose entities are doors. Repeatable. Without it, layers
    /// named like doors (DOOR, A-DOOR, PORTES, Tür, …) are door layers.
    #[arg(long, value_name = "NAME")]
    pub door_layer: Vec<String>,
    /// DXF: a layer whose entities are windows. Repeatable. Without it,
    /// layers named like windows (WINDOW, A-GLAZ, FENETRES, …) are.
    #[arg(long, value_name = "NAME")]
    pub window_layer: Vec<String>,
    /// DXF: print the layers with their entity counts and exit.
    #[arg(long)]
    pub list_layers: bool,
    /// Walls shorter than this are dropped, m.
    #[arg(long, default_value_t = 0.05, value_name = "M")]
    pub min_length: f64,
    /// Also draw the walls found over the source's lines (or the scan) into
    /// this PNG, with a metre grid, axes in metres and a legend.
    #[arg(long, value_name = "PNG")]
    pub preview: Option<PathBuf>,
    /// PNG/JPEG: the scale from two pixels a known distance apart, e.g.
    /// 100,50,900,50,20 (instead of --scale PX_PER_M).
    #[arg(long, value_name = "X1,Y1,X2,Y2,METRES")]
    pub calibrate: Option<String>,
    /// PNG/JPEG: a wall thickness class in m and its material, e.g.
    /// 0.3=concrete; each wall takes the nearest class. Repeatable.
    #[arg(long, value_name = "M=MATERIAL")]
    pub thickness_class: Vec<String>,
    /// Overwrite an existing --output, and import drawings that do not look
    /// like a building (walls spanning under 3 m or over 1 km, walls
    /// metres thick, DXF blocks that would become walls).
    #[arg(long)]
    pub force: bool,
}

/// `wifiplan calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The floor plan file (TOML or JSON) whose materials are fitted.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Survey files: CSV with the header x,y,floor,ap,rssi_dbm (metres in
    /// the plan's frame, storey id, AP id, received power in dBm), one row
    /// per measurement.
    #[arg(required = true, value_name = "SURVEY.csv")]
    pub surveys: Vec<PathBuf>,
    /// Output directory [default: out/STEM/, STEM the plan file name
    /// without its extension].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Propagation model (the one simulate will use) and its options.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Fit only this material (repeatable) [default: every material the
    /// survey sees].
    #[arg(long, value_name = "NAME")]
    pub material: Vec<String>,
    /// Cross-validation folds (0: none).
    #[arg(long, default_value_t = crate::calibrate::DEFAULT_FOLDS, value_name = "K")]
    pub folds: usize,
    /// Seed of the cross-validation split: same seed, same folds.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Expected scatter of a survey reading around a good model, dB (the
    /// robust loss's scale: errors beyond 1.345 times it count linearly).
    #[arg(long, default_value_t = crate::calibrate::fit::DEFAULT_SCATTER_DB, value_name = "DB")]
    pub scatter_db: f64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output format and verbosity (json: calibration.json on stdout).
    #[command(flatten)]
    pub output: OutputArgs,
}
