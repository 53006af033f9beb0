//! The end-to-end jobs as library calls: load and validate a plan, build
//! the scene, simulate, report, write the outputs. The CLI is a thin shell
//! over these, and tests and benches call them directly.

use std::path::Path;
use std::time::Instant;

use crate::error::{Error, Result, BUG_HINT};
use crate::floorplan::{self, PlanSource};
use crate::geometry::Point2;
use crate::output::{file_stem_for, write_atomic, write_png};
use crate::propagation::engine::{self, Coverage, Progress};
use crate::propagation::{MultiWall, PropagationModel, RayTrace};
use crate::radio::Band;
use crate::render::{self, RenderOptions};
use crate::report::{self, Probe, Report};
use crate::requirement::{Options, Requirement};
use crate::scene::Scene;
use crate::suggest::closest;
use crate::units::Real;

/// Reads, parses and validates a plan, and compiles its scene. With a
/// `band`, APs that name no band take it and APs of other bands are left
/// out, so a dual-band plan can be simulated one band at a time.
pub fn load_scene(path: &Path, band: Option<Band>) -> Result<(PlanSource, Scene)> {
    load_scene_with(path, band, &Options::default())
}

/// [`load_scene`] with the command line's country and DFS choice written
/// into the plan first, so that its APs are checked against them.
pub fn load_scene_with(path: &Path, band: Option<Band>, options: &Options) -> Result<(PlanSource, Scene)> {
    compile_source(floorplan::load(path)?, band, options)
}

/// [`load_scene`] for a plan already parsed (or edited in memory, as
/// `calibrate` does with its trial materials): validates it and compiles
/// its scene.
pub fn scene_from_source(source: PlanSource, band: Option<Band>) -> Result<(PlanSource, Scene)> {
    compile_source(source, band, &Options::default())
}

fn compile_source(mut source: PlanSource, band: Option<Band>, options: &Options) -> Result<(PlanSource, Scene)> {
    if let Some(band) = band {
        source.plan.defaults.band = band;
    }
    options.apply_to_plan(&mut source.plan);
    let materials = floorplan::validate::validate(&source).map_err(|problems| Error::InvalidPlan { problems })?;
    let mut scene = Scene::build(&source, materials);
    if let Some(band) = band {
        scene.aps.retain(|ap| ap.band == band);
    }
    Ok((source, scene))
}

/// Refuses to simulate a plan without APs (it would report 0 % and exit
/// 0): a located error at the top of the file, with a hint to add APs or
/// let `plan` place them. With `band`, the APs of that band are needed.
pub fn require_aps(source: &PlanSource, scene: &Scene, band: Option<Band>) -> Result<()> {
    if !scene.aps.is_empty() {
        return Ok(());
    }
    let (message, hint) = match band {
        Some(band) if !source.plan.aps.is_empty() => (
            format!("the plan has no AP on the {band} band ({} APs on other bands)", source.plan.aps.len()),
            format!("drop --band, or add APs with band = \"{}\"", band.name()),
        ),
        _ => (
            "the plan has no access points: there is nothing to simulate".to_owned(),
            format!(
                "add [[aps]] tables (id, floor, position), or let `wifiplan plan {}` find how many are needed and where",
                source.file
            ),
        ),
    };
    Err(Error::Parse(source.diagnostic("", message, Some(hint))))
}

/// Which propagation model to run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    /// [`MultiWall`].
    MultiWall,
    /// [`RayTrace`] with its parameters.
    RayTrace(RayTrace),
}

impl Model {
    /// The model as a trait object.
    pub fn propagation(&self) -> &dyn PropagationModel {
        match self {
            Model::MultiWall => &MultiWall,
            Model::RayTrace(raytrace) => raytrace,
        }
    }

    /// Parameters recorded in the report.
    pub fn parameters(&self) -> serde_json::Value {
        match self {
            Model::MultiWall => serde_json::json!({
                "paths": "direct",
                "wall_model": "ITU-R P.2040-3 single-layer slab, TE on walls, TM on floor slabs",
                "free_space": "Friis, d >= 0.1 m",
            }),
            Model::RayTrace(raytrace) => raytrace.parameters(),
        }
    }
}

/// A simulation request after the command line has been checked.
#[derive(Clone, Debug)]
pub struct SimulationConfig {
    /// Model.
    pub model: Model,
    /// Grid cell size, m (None: the plan's).
    pub resolution: Option<Real>,
    /// Probe requests as typed (`x,y[,floor]`).
    pub probes: Vec<String>,
    /// List the strongest paths at each probe (ray tracing).
    pub explain_paths: bool,
    /// The command line's requirement and regulatory options.
    pub requirement: Options,
}

/// Everything a simulation produced.
#[derive(Debug)]
pub struct SimulationOutcome {
    /// The scene simulated (after the band filter).
    pub scene: Scene,
    /// The maps.
    pub coverage: Coverage,
    /// The report.
    pub report: Report,
    /// The requirement it was judged by.
    pub requirement: Requirement,
    /// With APs in several bands: the coverage of each band other than the
    /// report's (`coverage` is the report's band), for per-band maps.
    pub other_bands: Vec<(Band, Coverage)>,
}

/// The band a mixed-band plan is judged on: the plan's default band when
/// an AP uses it, else the band with the most APs (ties: the lower).
pub fn primary_band(scene: &Scene) -> Option<Band> {
    if scene.aps.iter().any(|ap| ap.band == scene.settings.band) {
        return Some(scene.settings.band);
    }
    Band::ALL
        .into_iter()
        .filter(|&b| scene.aps.iter().any(|ap| ap.band == b))
        .max_by_key(|&b| (scene.aps.iter().filter(|ap| ap.band == b).count(), std::cmp::Reverse(b)))
}

/// Notes on the APs' channels: outside what is allowed everywhere (no
/// country), or on DFS channels (one note for all of them: a planned
/// stone building may have a dozen).
fn channel_notes(scene: &Scene, requirement: &Requirement) -> Vec<String> {
    let mut notes = Vec::new();
    let mut on_dfs: Vec<String> = Vec::new();
    for ap in &scene.aps {
        match requirement.rules.channel(ap.band, ap.channel, ap.channel_width) {
            None if requirement.rules.code().is_none() => notes.push(format!(
                "AP `{}` is on {} channel {} ({} MHz), which is not allowed in every country: set `country` to check it",
                ap.id, ap.band, ap.channel, ap.channel_width
            )),
            Some(rule) if rule.dfs => on_dfs.push(format!("`{}` ({})", ap.id, ap.channel)),
            _ => {}
        }
    }
    let radar = "must leave the channel when it detects a radar (and waits a minute before using it)";
    match on_dfs.as_slice() {
        [] => {}
        [one] => notes.push(format!("AP {one} is on a DFS channel: it {radar}")),
        many => notes.push(format!("{} APs are on DFS channels, {}: each {radar}", many.len(), many.join(", "))),
    }
    notes
}

/// Parses `x,y[,floor]` into a probe on `scene`.
pub fn parse_probe(scene: &Scene, text: &str) -> Result<Probe> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let usage = || {
        Error::usage(format!(
            "invalid --probe `{text}`\n  hint: write x,y or x,y,FLOOR with x and y in metres, e.g. --probe 3.5,4"
        ))
    };
    if parts.len() < 2 || parts.len() > 3 {
        return Err(usage());
    }
    let x: Real = parts[0].parse().map_err(|_| usage())?;
    let y: Real = parts[1].parse().map_err(|_| usage())?;
    if !x.is_finite() || !y.is_finite() {
        return Err(usage());
    }
    let floor = match parts.get(2) {
        None => 0,
        Some(id) => scene.floor_index(id).ok_or_else(|| {
            let ids: Vec<&str> = scene.floors.iter().map(|f| f.id.as_str()).collect();
            let hint = match closest(id, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("floors: {}", ids.join(", ")),
            };
            Error::usage(format!("--probe `{text}`: unknown floor `{id}`\n  hint: {hint}"))
        })?,
    };
    Ok(Probe { point: Point2::new(x, y), floor })
}

/// Runs a simulation of a loaded scene.
pub fn simulate(
    source: &PlanSource,
    scene: Scene,
    config: &SimulationConfig,
    progress: Progress,
) -> Result<SimulationOutcome> {
    let started = Instant::now();
    let probes = config.probes.iter().map(|p| parse_probe(&scene, p)).collect::<Result<Vec<_>>>()?;
    let resolution = config.resolution.unwrap_or(scene.settings.resolution);
    if !(resolution.is_finite() && (0.01..=10.0).contains(&resolution)) {
        return Err(Error::usage(format!(
            "--resolution {resolution} is out of range\n  hint: give the cell size in metres, between 0.01 and 10"
        )));
    }
    let mut scene = scene;
    let requirement = Requirement::resolve(source, &mut scene, &config.requirement);
    let model = config.model.propagation();
    let coverage = engine::simulate(&scene, model, resolution, progress)?;
    // One band: judged as simulated. Several: each band on its own APs,
    // the report's figures for the primary band.
    let mut bands: Vec<Band> = scene.aps.iter().map(|ap| ap.band).collect();
    bands.sort_unstable();
    bands.dedup();
    let (coverage, band, band_reports, other_bands) = match (bands.len() > 1, primary_band(&scene)) {
        (true, Some(primary)) => {
            let mut reports = Vec::new();
            let mut primary_coverage = None;
            let mut others = Vec::new();
            for &b in &bands {
                let band_cov = report::band_coverage(&scene, &coverage, b);
                let in_play: Vec<bool> = scene.aps.iter().map(|ap| ap.band == b).collect();
                let evaluation = report::evaluate(&scene, &band_cov, &requirement, &in_play);
                reports.push(report::BandReport {
                    band: b.name().to_owned(),
                    ap_count: in_play.iter().filter(|&&p| p).count(),
                    coverage_pct: report::building_coverage(&scene, &band_cov),
                    requirement_met: evaluation.met() && evaluation.capacity_met,
                    floors: evaluation.floors,
                });
                if b == primary {
                    primary_coverage = Some(band_cov);
                } else {
                    others.push((b, band_cov));
                }
            }
            (primary_coverage.unwrap_or(coverage), Some(primary), reports, others)
        }
        _ => (coverage, None, Vec::new(), Vec::new()),
    };
    let in_play: Vec<bool> = scene.aps.iter().map(|ap| band.is_none_or(|b| ap.band == b)).collect();
    let evaluation = report::evaluate(&scene, &coverage, &requirement, &in_play);
    let floors = evaluation.floors.clone();
    let probe_reports = probes
        .iter()
        .map(|probe| {
            let powers = engine::powers_at(&scene, model, probe.floor, probe.point);
            let z = scene.floors[probe.floor].elevation + scene.settings.receiver_height;
            let explain = |ap: usize| {
                MultiWall.breakdown(
                    &scene,
                    &scene.aps[ap],
                    crate::geometry::Point3::new(probe.point.x, probe.point.y, z),
                )
            };
            let mut probe_report = report::probe_report(&scene, probe, &powers, Some(&explain));
            if let (true, Model::RayTrace(raytrace)) = (config.explain_paths, config.model) {
                let receiver = crate::geometry::Point3::new(probe.point.x, probe.point.y, z);
                let paths = (0..scene.aps.len())
                    .flat_map(|ap| {
                        let (records, _) = raytrace.explain(&scene, &scene.aps[ap], probe.floor, receiver);
                        records.into_iter().map(move |record| (ap, record))
                    })
                    .collect();
                probe_report.paths = report::path_reports(&scene, probe.floor, paths);
            }
            probe_report
        })
        .collect();
    let requirement_met = evaluation.met();
    let mut notes = channel_notes(&scene, &requirement);
    if let Some(b) = band {
        notes.insert(
            0,
            format!(
                "the plan has APs in {} bands: storeys and rooms are judged on {b} (the plan's band) with its APs alone; `bands` judges each band on its own",
                bands.len()
            ),
        );
    }
    let regulatory = report::RegulatoryReport {
        country: requirement.rules.code().map(str::to_owned),
        domain: match &requirement.rules {
            crate::regulatory::Rules::Everywhere => "everywhere".to_owned(),
            crate::regulatory::Rules::Country { domain, .. } => domain.name.to_owned(),
        },
        dfs: requirement.dfs,
        note: requirement.rules.note(requirement.dfs),
    };
    let report = Report {
        plan: scene.name.clone(),
        file: source.file.clone(),
        model: model.name().to_owned(),
        model_parameters: config.model.parameters(),
        resolution_m: resolution,
        receiver_height_m: scene.settings.receiver_height,
        threshold_dbm: scene.settings.threshold_dbm,
        target_coverage_pct: scene.settings.target_coverage,
        aps: report::ap_reports(&scene, &evaluation.loads),
        coverage_pct: report::building_coverage(&scene, &coverage),
        requirement_met,
        floors,
        probes: probe_reports,
        run_time_s: crate::units::round2(started.elapsed().as_secs_f64()),
        result: None,
        requirement: requirement.clone(),
        regulatory,
        capacity_met: evaluation.capacity_met,
        band: band.map(|b| b.name().to_owned()),
        bands: band_reports,
        notes,
    };
    Ok(SimulationOutcome { scene, coverage, report, requirement, other_bands })
}

/// A heatmap renderer of [`crate::render`].
type MapRenderer = fn(&Scene, &engine::FloorCoverage, &RenderOptions) -> image::RgbImage;

/// The default output directory of a plan: `out/<file stem>/`.
pub fn default_out_dir(plan_path: &Path) -> std::path::PathBuf {
    let stem = plan_path.file_stem().map_or_else(|| "plan".to_owned(), |s| s.to_string_lossy().into_owned());
    Path::new("out").join(file_stem_for(&stem))
}

/// Optional maps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapOptions {
    /// Also draw `<floor>-classes.png` (good / marginal / poor).
    pub class_map: bool,
}

/// Writes the heatmaps, both reports and `report.html` into `dir`;
/// returns the image names.
pub fn write_outputs(outcome: &SimulationOutcome, dir: &Path, maps: &MapOptions) -> Result<Vec<String>> {
    write_all(outcome, dir, None, maps)
}

/// [`write_outputs`] for `check`: `report.html` also shows the check's
/// verdict and each room's result against the check's requirement.
pub fn write_check_outputs(
    outcome: &SimulationOutcome,
    result: &crate::check::CheckResult,
    dir: &Path,
    maps: &MapOptions,
) -> Result<Vec<String>> {
    write_all(outcome, dir, Some(result), maps)
}

/// The options of one storey's maps: the plan's scale, every AP in its one
/// colour, each room's result under its name, the SINR per room.
pub fn render_options(
    outcome: &SimulationOutcome,
    floors: &[report::FloorReport],
    floor: usize,
    title: String,
    ap_colours: &[render::Rgb],
) -> RenderOptions {
    let scene = &outcome.scene;
    let requirement = &outcome.requirement;
    let mut options = RenderOptions::for_floor(scene, floor, title);
    options.ap_colours = ap_colours.to_vec();
    options.min_sinr_db = requirement.min_sinr_db;
    let storey = scene.floors.get(floor);
    options.room_min_sinr_db =
        (0..storey.map_or(0, |f| f.rooms.len())).map(|r| requirement.room(floor, Some(r)).min_sinr_db).collect();
    let report_floor = storey.and_then(|s| floors.iter().find(|f| f.id == s.id));
    options.room_marks = report_floor.map_or_else(Vec::new, |f| {
        f.rooms
            .iter()
            .map(|room| {
                (!room.excluded).then(|| render::RoomMark {
                    text: if room.meets_target {
                        format!("{:.0} % ok", room.met_pct.floor())
                    } else {
                        format!("{:.0} % — {}", room.met_pct.floor(), room.limited_by.name())
                    },
                    met: room.meets_target,
                })
            })
            .collect()
    });
    options
}

fn write_all(
    outcome: &SimulationOutcome,
    dir: &Path,
    check: Option<&crate::check::CheckResult>,
    map_options: &MapOptions,
) -> Result<Vec<String>> {
    crate::output::create_dir(dir)?;
    let scene = &outcome.scene;
    let model = &outcome.report.model;
    let mut images = Vec::new();
    let ap_colours = render::ap_colours(scene, &outcome.coverage);
    let mixed = outcome.report.band.is_some();
    // The report's band first (files without a band suffix), then the
    // others of a mixed-band plan (`-2.4ghz`, …) with their own verdicts.
    let mut runs: Vec<(Option<Band>, &Coverage, &[report::FloorReport])> =
        vec![(outcome.report.band.as_deref().and_then(Band::from_name), &outcome.coverage, &outcome.report.floors)];
    for (band, coverage) in &outcome.other_bands {
        let floors = outcome.report.bands.iter().find(|b| b.band == band.name()).map_or(&[][..], |b| &b.floors[..]);
        runs.push((Some(*band), coverage, floors));
    }
    for (index, (band, coverage, floors)) in runs.into_iter().enumerate() {
        let band_text = match band {
            Some(b) if mixed => format!(", {b} APs only"),
            _ => {
                let mut b: Vec<&str> = scene.aps.iter().map(|ap| ap.band.name()).collect();
                b.sort_unstable();
                b.dedup();
                if b.is_empty() {
                    String::new()
                } else {
                    format!(", {} GHz", b.join("+"))
                }
            }
        };
        let suffix_band = match band {
            Some(b) if index > 0 => format!("-{}ghz", b.name()),
            _ => String::new(),
        };
        for fc in &coverage.floors {
            let floor = &scene.floors[fc.floor];
            let stem = file_stem_for(&floor.id);
            let mut maps: Vec<(&str, &str, MapRenderer)> = vec![
                ("rssi", "RSSI (best server)", render::rssi_map),
                ("sinr", "SINR", render::sinr_map),
                ("server", "serving AP", render::server_map),
            ];
            if outcome.report.result.is_some() && index == 0 {
                maps.push(("channels", "channels", render::channel_map));
            }
            if map_options.class_map {
                maps.push(("classes", "good / marginal / poor", render::class_map));
            }
            for (suffix, what, draw) in maps {
                let title = format!(
                    "{} — {} — {what}, {model}{band_text}",
                    scene.name,
                    outcome.requirement.storey_title(scene, fc.floor)
                );
                let options = render_options(outcome, floors, fc.floor, title, &ap_colours);
                let image = draw(scene, fc, &options);
                let name = format!("{stem}-{suffix}{suffix_band}.png");
                write_png(&dir.join(&name), &image)?;
                images.push(name);
            }
        }
    }
    write_atomic(&dir.join("report.json"), format!("{}\n", report_json(&outcome.report)).as_bytes())?;
    write_atomic(&dir.join("report.md"), report::markdown(&outcome.report, &images).as_bytes())?;
    let page = crate::html::simulation_page(&outcome.scene, &outcome.coverage, &outcome.report, check);
    write_atomic(&dir.join("report.html"), page.as_bytes())?;
    Ok(images)
}

/// The report as the JSON text written to `report.json` and to stdout.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Everything `plan` produced.
#[derive(Debug)]
pub struct PlanOutcome {
    /// The final simulation of the planned APs (its report carries
    /// `result`).
    pub simulation: SimulationOutcome,
    /// The input plan with the planned APs, for `planned.toml`.
    pub planned: crate::floorplan::FloorPlan,
}

/// Plans the APs of a loaded plan, then simulates the result with the
/// requested model (the search itself uses multiwall).
pub fn plan(
    source: &PlanSource,
    scene: Scene,
    plan_config: &crate::optimize::PlanConfig,
    config: &SimulationConfig,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<PlanOutcome> {
    let started = Instant::now();
    let mut scene = scene;
    let mut plan_config = plan_config.clone();
    plan_config.requirement = Requirement::resolve(source, &mut scene, &config.requirement);
    let planned = crate::optimize::plan(&scene, &plan_config, progress)?;
    let mut final_scene = scene;
    final_scene.aps = planned.aps.clone();
    final_scene.tabulate_slabs();
    progress("simulating the plan");
    let plan_file = crate::optimize::planned_plan(&source.plan, &final_scene, &planned.aps);
    let mut simulation = simulate(source, final_scene, config, &|_, _| {})?;
    for (ap, reasons) in simulation.report.aps.iter_mut().zip(&planned.reasons) {
        ap.needed_for = reasons.clone();
    }
    for ap in planned.aps.iter().filter(|ap| ap.fixed && ap.band != plan_config.band) {
        simulation.report.notes.push(format!(
            "fixed AP `{}` is on {}: it is kept, but serves no {} client, so it counts for nothing in this plan",
            ap.id, ap.band, plan_config.band
        ));
    }
    simulation.report.result = Some(planned.result);
    simulation.report.run_time_s = crate::units::round2(started.elapsed().as_secs_f64());
    Ok(PlanOutcome { simulation, planned: plan_file })
}

/// Writes `plan`'s outputs: heatmaps (channels included), reports and
/// `planned.toml`.
pub fn write_plan_outputs(outcome: &PlanOutcome, dir: &Path, maps: &MapOptions) -> Result<Vec<String>> {
    let images = write_outputs(&outcome.simulation, dir, maps)?;
    let mut planned = outcome.planned.clone();
    crate::antenna::rebase_pattern_paths(planned.aps.iter_mut().filter_map(|ap| ap.antenna.as_mut()), dir);
    let text = crate::floorplan::to_toml(&planned)
        .map_err(|e| Error::internal(format!("internal error: cannot write planned.toml ({e})\n  hint: {BUG_HINT}")))?;
    let header = format!(
        "# Planned by wifiplan from `{}`: {} APs (lower bound {}).\n",
        outcome.simulation.report.file,
        outcome.simulation.report.aps.len(),
        outcome
            .simulation
            .report
            .result
            .as_ref()
            .and_then(|r| r.lower_bound)
            .map_or("none".to_owned(), |b| b.to_string())
    );
    write_atomic(&dir.join("planned.toml"), format!("{header}{text}").as_bytes())?;
    Ok(images)
}
