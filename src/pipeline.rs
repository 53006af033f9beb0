//! The end-to-end jobs as library calls: load and validate a plan, build
//! the scene, simulate, report, write the outputs. The CLI is a thin shell
//! over these, and tests and benches call them directly.

use std::path::Path;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::floorplan::{self, Band, PlanSource};
use crate::geometry::Point2;
use crate::output::{file_stem_for, write_atomic, write_png};
use crate::propagation::engine::{self, Coverage, Progress};
use crate::propagation::{MultiWall, PropagationModel, RayTrace};
use crate::render::{self, RenderOptions};
use crate::report::{self, Probe, Report};
use crate::scene::Scene;
use crate::suggest::closest;
use crate::units::Real;

/// Reads, parses and validates a plan, and compiles its scene. With a
/// `band`, APs that name no band take it and APs of other bands are left
/// out, so a dual-band plan can be simulated one band at a time.
pub fn load_scene(path: &Path, band: Option<Band>) -> Result<(PlanSource, Scene)> {
    let mut source = floorplan::load(path)?;
    if let Some(band) = band {
        source.plan.defaults.band = band;
    }
    let materials = floorplan::validate::validate(&source).map_err(|problems| Error::InvalidPlan { problems })?;
    let mut scene = Scene::build(&source, materials);
    if let Some(band) = band {
        scene.aps.retain(|ap| ap.band == band);
    }
    Ok((source, scene))
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
    let model = config.model.propagation();
    let coverage = engine::simulate(&scene, model, resolution, progress)?;
    let floors = report::floor_reports(&scene, &coverage);
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
    let requirement_met = floors.iter().all(|f| f.rooms.iter().all(|r| r.meets_target))
        && floors.iter().filter(|f| f.rooms.is_empty()).all(|f| f.coverage_pct >= scene.settings.target_coverage);
    let report = Report {
        plan: scene.name.clone(),
        file: source.file.clone(),
        model: model.name().to_owned(),
        model_parameters: config.model.parameters(),
        resolution_m: resolution,
        receiver_height_m: scene.settings.receiver_height,
        threshold_dbm: scene.settings.threshold_dbm,
        target_coverage_pct: scene.settings.target_coverage,
        aps: report::ap_reports(&scene),
        coverage_pct: report::building_coverage(&scene, &coverage),
        requirement_met,
        floors,
        probes: probe_reports,
        run_time_s: report::round2(started.elapsed().as_secs_f64()),
        result: None,
    };
    Ok(SimulationOutcome { scene, coverage, report })
}

/// A heatmap renderer of [`crate::render`].
type MapRenderer = fn(&Scene, &engine::FloorCoverage, &RenderOptions) -> image::RgbImage;

/// The default output directory of a plan: `out/<file stem>/`.
pub fn default_out_dir(plan_path: &Path) -> std::path::PathBuf {
    let stem = plan_path.file_stem().map_or_else(|| "plan".to_owned(), |s| s.to_string_lossy().into_owned());
    Path::new("out").join(file_stem_for(&stem))
}

/// Writes the heatmaps, both reports and `report.html` into `dir`;
/// returns the image names.
pub fn write_outputs(outcome: &SimulationOutcome, dir: &Path) -> Result<Vec<String>> {
    write_all(outcome, dir, None)
}

/// [`write_outputs`] for `check`: `report.html` also shows the check's
/// verdict and each room's result against the check's requirement.
pub fn write_check_outputs(
    outcome: &SimulationOutcome,
    result: &crate::check::CheckResult,
    dir: &Path,
) -> Result<Vec<String>> {
    write_all(outcome, dir, Some(result))
}

fn write_all(
    outcome: &SimulationOutcome,
    dir: &Path,
    check: Option<&crate::check::CheckResult>,
) -> Result<Vec<String>> {
    crate::output::create_dir(dir)?;
    let scene = &outcome.scene;
    let model = &outcome.report.model;
    let mut images = Vec::new();
    for fc in &outcome.coverage.floors {
        let floor = &scene.floors[fc.floor];
        let stem = file_stem_for(&floor.id);
        let bands: Vec<&str> = {
            let mut b: Vec<&str> = scene.aps.iter().map(|ap| ap.band.name()).collect();
            b.sort_unstable();
            b.dedup();
            b
        };
        let band_text = if bands.is_empty() { String::new() } else { format!(", {} GHz", bands.join("+")) };
        let mut maps: Vec<(&str, &str, MapRenderer)> = vec![
            ("rssi", "RSSI (best server)", render::rssi_map),
            ("sinr", "SINR", render::sinr_map),
            ("server", "serving AP", render::server_map),
        ];
        if outcome.report.result.is_some() {
            maps.push(("channels", "channels", render::channel_map));
        }
        for (suffix, what, draw) in maps {
            let title = format!("{} — {} — {what}, {model}{band_text}", scene.name, floor.id);
            let options = RenderOptions::for_floor(scene, fc.floor, title);
            let image = draw(scene, fc, &options);
            let name = format!("{stem}-{suffix}.png");
            write_png(&dir.join(&name), &image)?;
            images.push(name);
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
    let planned = crate::optimize::plan(&scene, plan_config, progress)?;
    let mut final_scene = scene;
    final_scene.aps = planned.aps.clone();
    final_scene.tabulate_slabs();
    progress("simulating the plan");
    let plan_file = crate::optimize::planned_plan(&source.plan, &final_scene, &planned.aps);
    let mut simulation = simulate(source, final_scene, config, &|_, _| {})?;
    simulation.report.result = Some(planned.result);
    simulation.report.run_time_s = report::round2(started.elapsed().as_secs_f64());
    Ok(PlanOutcome { simulation, planned: plan_file })
}

/// Writes `plan`'s outputs: heatmaps (channels included), reports and
/// `planned.toml`.
pub fn write_plan_outputs(outcome: &PlanOutcome, dir: &Path) -> Result<Vec<String>> {
    let images = write_outputs(&outcome.simulation, dir)?;
    let mut planned = outcome.planned.clone();
    crate::antenna::rebase_pattern_paths(&mut planned, dir);
    let text =
        crate::floorplan::to_toml(&planned).map_err(|e| Error::usage(format!("cannot write planned.toml ({e})")))?;
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
