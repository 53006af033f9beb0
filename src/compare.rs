//! `compare`: a candidate plan judged against a base plan, for CI.
//!
//! This module owns the comparison of two scenarios: running both
//! ([`simulate_pair`]) on grids that coincide cell for cell, the deltas per
//! building, storey and room ([`compare`]), the verdict against the
//! tolerances, the difference heatmaps ([`render_delta`]), and the
//! Markdown (a pull-request comment) and JSON views ([`markdown`],
//! [`Comparison::to_json`]).
//!
//! # Grids
//!
//! Each plan is simulated on its own grid, exactly as `simulate` would
//! (same cells, so every figure in the comparison is the one a separate
//! `simulate` run reports), at one resolution: `--resolution`, else the
//! plans' own when they agree, else the finer of the two. For the
//! difference map of a storey both runs must sit on one lattice: the base
//! grid, extended to cover the candidate's extent. The base values are
//! copied into it; so are the candidate's when its grid lies on the same
//! lattice (the usual case: the same walls, APs moved), else the candidate
//! storey is evaluated again on the common grid.
//!
//! # Verdict
//!
//! Compared on what both plans share: storeys by id, rooms by name within
//! a storey; the rest is listed, not judged. Both plans are judged by the
//! same requirement ([`crate::requirement`]: the plans' own, or the command
//! line's). The candidate *regresses* when what the requirement judges gets
//! worse:
//! * a non-excluded room (or a storey without rooms) that met the
//!   requirement no longer does (signal, SINR or capacity);
//! * its coverage drops by more than `--tolerance-pct` percentage points:
//!   the signal coverage, or the coverage with SINR;
//! * the candidate has more APs than the base plus `--tolerance-aps`
//!   (default 0);
//! * only with `--tolerance-db`: the median best-server RSSI of a room or
//!   storey drops by more than that (a median 25 dB above the threshold
//!   that falls by 5 dB is no regression a user would notice, so medians
//!   are shown, not judged, by default).
//!
//! Building and storey coverage, the minimum RSSI (one cell, the most
//! sensitive figure) and the serving APs are shown but not judged. A rise
//! beyond the same tolerances, or a room that comes to meet its
//! requirement, is an improvement. Coverage is measured at each plan's own
//! thresholds; a changed threshold is noted.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::geometry::{Aabb2, Point2};
use crate::output::{create_dir, file_stem_for, write_atomic, write_png};
use crate::pipeline::{self, SimulationConfig, SimulationOutcome};
use crate::propagation::engine::{self, CellMask};
use crate::propagation::grid::{CoverageMap, GridSpec};
use crate::propagation::PropagationModel;
use crate::radio::Band;
use crate::render::{scalar_map, ColorScale, RenderOptions};
use crate::report::RoomReport;
use crate::scene::Scene;
use crate::units::{round2, Real};

/// Half-range of the difference colour scale, dB: fixed so that two
/// comparisons' images compare; larger differences are clamped (a 1.2 m
/// stone wall instead of plasterboard is far beyond it anyway).
pub const DELTA_RANGE_DB: f32 = 20.0;

/// Default `--tolerance-pct`: one percentage point, a few cells of a
/// classroom at a 0.25 m grid.
pub const DEFAULT_TOLERANCE_PCT: Real = 1.0;

/// How much worse a candidate may be before it regresses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerances {
    /// Largest allowed drop of a median RSSI, dB; `None` (the default):
    /// medians are shown, not judged.
    pub db: Option<Real>,
    /// Largest allowed drop of a room's coverage, percentage points.
    pub pct: Real,
    /// How many more APs the candidate may have.
    pub aps: usize,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances { db: None, pct: DEFAULT_TOLERANCE_PCT, aps: 0 }
    }
}

impl Tolerances {
    /// Checks command-line tolerances: finite and not negative.
    pub fn new(db: Option<Real>, pct: Real, aps: usize) -> Result<Tolerances> {
        for (option, value, example) in [("--tolerance-db", db.unwrap_or(0.0), "1"), ("--tolerance-pct", pct, "0.5")] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(Error::usage(format!(
                    "{option} {value} must be a number ≥ 0\n  hint: 0 flags any drop, e.g. {option} {example}"
                )));
            }
        }
        Ok(Tolerances { db, pct, aps })
    }
}

/// The difference map of one storey both plans share.
#[derive(Clone, Debug)]
pub struct DeltaMap {
    /// Storey id.
    pub floor: String,
    /// Index of the storey in the base scene.
    pub base_floor: usize,
    /// Index of the storey in the candidate scene.
    pub candidate_floor: usize,
    /// Candidate − base best-server RSSI, dB, on the common grid: `NaN`
    /// inside walls of either plan and outside either grid, 0 where neither
    /// plan has any signal, ±∞ where only one has.
    pub map: CoverageMap,
    /// The candidate storey was evaluated again on the common grid.
    pub recomputed: bool,
}

/// Both plans simulated, with their difference maps.
#[derive(Debug)]
pub struct ComparedRuns {
    /// The base plan's simulation (as `simulate` reports it).
    pub base: SimulationOutcome,
    /// The candidate's.
    pub candidate: SimulationOutcome,
    /// One map per shared storey, in base order.
    pub deltas: Vec<DeltaMap>,
    /// Things the reader should know (resolution chosen, re-evaluation).
    pub notes: Vec<String>,
}

/// Loads both plans, simulates them in parallel at one resolution and
/// computes the difference map of every storey they share.
/// `progress(done, total)` counts cell·AP evaluations of both runs.
pub fn simulate_pair(
    base_path: &Path,
    candidate_path: &Path,
    band: Option<Band>,
    config: &SimulationConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ComparedRuns> {
    let (base_source, base_scene) = pipeline::load_scene(base_path, band)?;
    let (candidate_source, candidate_scene) = pipeline::load_scene(candidate_path, band)?;
    let mut notes = Vec::new();
    let resolution = match config.resolution {
        Some(r) => r,
        None => {
            let (b, c) = (base_scene.settings.resolution, candidate_scene.settings.resolution);
            if b != c {
                notes.push(format!(
                    "the plans ask for different grids ({b} m and {c} m): both were simulated at {} m",
                    b.min(c)
                ));
            }
            b.min(c)
        }
    };
    let config = SimulationConfig { resolution: Some(resolution), probes: Vec::new(), ..config.clone() };
    let counters = [std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicU64::new(0)];
    let totals = [std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicU64::new(0)];
    let report = |side: usize, done: u64, total: u64| {
        use std::sync::atomic::Ordering::Relaxed;
        counters[side].store(done, Relaxed);
        totals[side].store(total, Relaxed);
        let total = totals[0].load(Relaxed) + totals[1].load(Relaxed);
        progress(counters[0].load(Relaxed) + counters[1].load(Relaxed), total);
    };
    let base_progress = |done, total| report(0, done, total);
    let candidate_progress = |done, total| report(1, done, total);
    let (base, candidate) = rayon::join(
        || pipeline::simulate(&base_source, base_scene, &config, &base_progress),
        || pipeline::simulate(&candidate_source, candidate_scene, &config, &candidate_progress),
    );
    let (base, candidate) = (base?, candidate?);
    let model = config.model.propagation();
    let mut deltas = Vec::new();
    for (base_floor, floor) in base.scene.floors.iter().enumerate() {
        let Some(candidate_floor) = candidate.scene.floor_index(&floor.id) else { continue };
        let delta = delta_map(&base, &candidate, base_floor, candidate_floor, model)?;
        if delta.recomputed {
            notes.push(format!(
                "storey `{}`: the plans' grids do not line up, so the candidate was evaluated again on the base grid for the difference map (the tables use each plan's own grid)",
                floor.id
            ));
        }
        deltas.push(delta);
    }
    Ok(ComparedRuns { base, candidate, deltas, notes })
}

/// Where a grid's origin falls on another grid's lattice, in cells.
fn lattice_offset(grid: &GridSpec, on: &GridSpec) -> (Real, Real) {
    ((grid.origin.x - on.origin.x) / on.resolution, (grid.origin.y - on.origin.y) / on.resolution)
}

/// Copies `map` into `target` (same lattice), shifted by whole cells.
fn place(target: &mut CoverageMap, map: &CoverageMap, shift: (i64, i64)) {
    let (w, h) = (target.grid.width as i64, target.grid.height as i64);
    for (row, values) in map.rows().enumerate() {
        let y = row as i64 + shift.1;
        if !(0..h).contains(&y) {
            continue;
        }
        for (column, &value) in values.iter().enumerate() {
            let x = column as i64 + shift.0;
            if (0..w).contains(&x) {
                target.values[(y * w + x) as usize] = value;
            }
        }
    }
}

/// The best-server RSSI of storey `floor` of `outcome` over `grid`
/// (re-evaluating every AP there).
fn rssi_on_grid(
    outcome: &SimulationOutcome,
    floor: usize,
    grid: GridSpec,
    model: &dyn PropagationModel,
) -> Result<CoverageMap> {
    let scene = &outcome.scene;
    let mut storey = scene.floors[floor].clone();
    // Bounds half a cell short of the grid's far edges: `covering` rounds
    // the cell count up, so it gives exactly `grid`.
    let r = grid.resolution;
    storey.bounds = Aabb2::from_points(
        grid.origin,
        Point2::new(grid.origin.x + (grid.width as Real - 0.5) * r, grid.origin.y + (grid.height as Real - 0.5) * r),
    );
    let mask = CellMask::build(&storey, r)?;
    let mut best = CoverageMap::filled(mask.grid, f32::NEG_INFINITY);
    let z = storey.elevation + scene.settings.receiver_height;
    let floors = model.uses_relevance_floor().then(|| engine::relevance_floors(scene, floor, &mask, z));
    for (a, ap) in scene.aps.iter().enumerate() {
        let map = engine::evaluate_map(scene, model, ap, floor, &mask, z, floors.as_ref().map(|f| &f[a][..]));
        for (b, v) in best.values.iter_mut().zip(&map.values) {
            if *v > *b {
                *b = *v;
            }
        }
    }
    for (b, &wall) in best.values.iter_mut().zip(&mask.in_wall) {
        if wall {
            *b = f32::NAN;
        }
    }
    if best.grid.width != grid.width || best.grid.height != grid.height {
        return Err(Error::usage(format!(
            "internal error: the common grid of storey `{}` came out {}×{} instead of {}×{}\n  hint: this is a bug in wifiplan; compare at another --resolution meanwhile",
            storey.id, best.grid.width, best.grid.height, grid.width, grid.height
        )));
    }
    best.grid = grid;
    Ok(best)
}

/// Candidate − base on a common grid for one shared storey.
fn delta_map(
    base: &SimulationOutcome,
    candidate: &SimulationOutcome,
    base_floor: usize,
    candidate_floor: usize,
    model: &dyn PropagationModel,
) -> Result<DeltaMap> {
    let b = &base.coverage.floors[base_floor].rssi;
    let c = &candidate.coverage.floors[candidate_floor].rssi;
    let (gb, gc) = (b.grid, c.grid);
    let (ox, oy) = lattice_offset(&gc, &gb);
    let same_lattice = (gc.resolution - gb.resolution).abs() <= 1e-9 * gb.resolution
        && (ox - ox.round()).abs() < 1e-6
        && (oy - oy.round()).abs() < 1e-6;
    // The base lattice extended to cover the candidate's extent.
    let extent_c = gc.bounds();
    let lo_x = ((ox + 1e-6).floor() as i64).min(0);
    let lo_y = ((oy + 1e-6).floor() as i64).min(0);
    let hi_x = (((extent_c.max.x - gb.origin.x) / gb.resolution - 1e-6).ceil() as i64).max(gb.width as i64);
    let hi_y = (((extent_c.max.y - gb.origin.y) / gb.resolution - 1e-6).ceil() as i64).max(gb.height as i64);
    let common = GridSpec {
        origin: Point2::new(gb.origin.x + lo_x as Real * gb.resolution, gb.origin.y + lo_y as Real * gb.resolution),
        resolution: gb.resolution,
        width: (hi_x - lo_x) as usize,
        height: (hi_y - lo_y) as usize,
    };
    let mut base_values = CoverageMap::filled(common, f32::NAN);
    place(&mut base_values, b, (-lo_x, -lo_y));
    let (candidate_values, recomputed) = if same_lattice {
        let mut values = CoverageMap::filled(common, f32::NAN);
        place(&mut values, c, (ox.round() as i64 - lo_x, oy.round() as i64 - lo_y));
        (values, false)
    } else {
        (rssi_on_grid(candidate, candidate_floor, common, model)?, true)
    };
    let mut map = CoverageMap::filled(common, f32::NAN);
    for ((d, &before), &after) in map.values.iter_mut().zip(&base_values.values).zip(&candidate_values.values) {
        *d = if before.is_nan() || after.is_nan() {
            f32::NAN
        } else if before == after {
            0.0
        } else {
            after - before
        };
    }
    Ok(DeltaMap { floor: base.scene.floors[base_floor].id.clone(), base_floor, candidate_floor, map, recomputed })
}

/// A figure in both plans and its change (candidate − base).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Delta {
    /// Base value.
    pub base: Option<Real>,
    /// Candidate value.
    pub candidate: Option<Real>,
    /// Candidate − base, rounded to 0.01 (null unless both exist).
    pub delta: Option<Real>,
}

impl Delta {
    /// The change from `base` to `candidate`.
    pub fn new(base: Option<Real>, candidate: Option<Real>) -> Delta {
        let delta = match (base, candidate) {
            (Some(b), Some(c)) => Some(round2(c - b)),
            _ => None,
        };
        Delta { base, candidate, delta }
    }

    /// Whether the figure got worse by more than `tolerance` (a value that
    /// disappears counts as worse).
    pub fn drops(&self, tolerance: Real) -> bool {
        match (self.base, self.candidate) {
            (Some(_), None) => true,
            _ => self.delta.is_some_and(|d| d < -tolerance),
        }
    }

    /// Whether it got better by more than `tolerance` (a value that
    /// appears counts as better).
    pub fn rises(&self, tolerance: Real) -> bool {
        match (self.base, self.candidate) {
            (None, Some(_)) => true,
            _ => self.delta.is_some_and(|d| d > tolerance),
        }
    }

    /// Whether both values are the same.
    pub fn is_zero(&self) -> bool {
        self.base == self.candidate
    }
}

/// A count in both plans and its change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CountDelta {
    /// Base count.
    pub base: usize,
    /// Candidate count.
    pub candidate: usize,
    /// Candidate − base.
    pub delta: i64,
}

impl CountDelta {
    /// The change from `base` to `candidate`.
    pub fn new(base: usize, candidate: usize) -> CountDelta {
        CountDelta { base, candidate, delta: candidate as i64 - base as i64 }
    }
}

/// How a room fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomStatus {
    /// A judged figure dropped beyond its tolerance.
    Regressed,
    /// A judged figure rose beyond its tolerance, none dropped.
    Improved,
    /// Changes within the tolerances.
    WithinTolerance,
    /// No change at all.
    Unchanged,
    /// Excluded from the requirement in either plan: not judged.
    Excluded,
}

impl RoomStatus {
    fn label(self) -> &'static str {
        match self {
            RoomStatus::Regressed => "❌ regressed",
            RoomStatus::Improved => "⬆️ improved",
            RoomStatus::WithinTolerance => "within tolerance",
            RoomStatus::Unchanged => "unchanged",
            RoomStatus::Excluded => "excluded",
        }
    }
}

/// The APs serving a room in each plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServingAps {
    /// In the base.
    pub base: Vec<String>,
    /// In the candidate.
    pub candidate: Vec<String>,
}

impl ServingAps {
    /// Whether both plans list the same APs (in any order).
    pub fn same_set(&self) -> bool {
        self.base.len() == self.candidate.len() && self.base.iter().all(|ap| self.candidate.contains(ap))
    }

    /// The candidate's list, with the APs it gained and lost:
    /// `AP1, AP3 (+AP3, −AP2)`.
    pub fn text(&self) -> String {
        let mut text = if self.candidate.is_empty() { "–".to_owned() } else { self.candidate.join(", ") };
        let gained: Vec<String> =
            self.candidate.iter().filter(|ap| !self.base.contains(ap)).map(|ap| format!("+{ap}")).collect();
        let lost: Vec<String> =
            self.base.iter().filter(|ap| !self.candidate.contains(ap)).map(|ap| format!("−{ap}")).collect();
        let changes: Vec<String> = gained.into_iter().chain(lost).collect();
        if !changes.is_empty() {
            text.push_str(&format!(" ({})", changes.join(", ")));
        }
        text
    }
}

/// One room in both plans.
#[derive(Clone, Debug, Serialize)]
pub struct RoomComparison {
    /// Room name.
    pub name: String,
    /// Coverage at the room's threshold, %.
    pub coverage_pct: Delta,
    /// Coverage with the SINR too, %: what the requirement judges.
    pub met_pct: Delta,
    /// The room meets the whole requirement (signal, SINR, capacity) in
    /// the base and in the candidate.
    pub meets_target: [bool; 2],
    /// The part that limits the room in the candidate.
    pub limited_by: crate::requirement::Part,
    /// Median best-server RSSI, dBm (judged only with `--tolerance-db`).
    pub median_dbm: Delta,
    /// Lowest best-server RSSI, dBm (shown, not judged).
    pub min_dbm: Delta,
    /// Serving APs.
    pub serving_aps: ServingAps,
    /// The room's threshold in each plan, dBm.
    pub threshold_dbm: Delta,
    /// Verdict on the room.
    pub status: RoomStatus,
}

/// One storey in both plans.
#[derive(Clone, Debug, Serialize)]
pub struct FloorComparison {
    /// Storey id.
    pub id: String,
    /// Coverage of the storey's required area, %.
    pub coverage_pct: Delta,
    /// Median best-server RSSI over the required area, dBm.
    pub median_dbm: Delta,
    /// Lowest best-server RSSI over the required area, dBm.
    pub min_dbm: Delta,
    /// APs on this storey.
    pub ap_count: CountDelta,
    /// Rooms of both plans, in base order.
    pub rooms: Vec<RoomComparison>,
    /// Rooms only the base has (not compared).
    pub rooms_only_in_base: Vec<String>,
    /// Rooms only the candidate has (not compared).
    pub rooms_only_in_candidate: Vec<String>,
    /// The difference heatmap.
    pub image: String,
}

/// One plan of the pair.
#[derive(Clone, Debug, Serialize)]
pub struct PlanSide {
    /// Plan file.
    pub file: String,
    /// Plan name.
    pub plan: String,
    /// Whole-building coverage, %.
    pub coverage_pct: Real,
    /// Number of APs.
    pub ap_count: usize,
    /// Every required room meets its target.
    pub requirement_met: bool,
}

/// A figure that moved beyond its tolerance.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// `building`, `floor` or `room`.
    pub scope: &'static str,
    /// Storey id (storeys and rooms).
    pub floor: Option<String>,
    /// Room name (rooms).
    pub room: Option<String>,
    /// `coverage_pct` (signal), `met_pct` (signal and SINR), `requirement`
    /// (the room's verdict, values 1 met / 0 not), `ap_count` or
    /// `median_dbm`.
    pub metric: &'static str,
    /// The values and the change.
    #[serde(flatten)]
    pub values: Delta,
    /// The tolerance it exceeded.
    pub tolerance: Real,
    /// For verdicts: what limits the room now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The overall verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Something dropped beyond its tolerance (exit 1).
    Regressed,
    /// Nothing dropped, something rose beyond its tolerance (exit 0).
    Improved,
    /// Nothing moved beyond the tolerances (exit 0).
    Unchanged,
}

/// Everything `compare` reports (`compare.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The reference plan.
    pub base: PlanSide,
    /// The plan judged.
    pub candidate: PlanSide,
    /// Model name.
    pub model: String,
    /// Model parameters.
    pub model_parameters: serde_json::Value,
    /// Grid cell size of both runs, m.
    pub resolution_m: Real,
    /// Tolerances applied.
    pub tolerances: Tolerances,
    /// Overall verdict.
    pub verdict: Verdict,
    /// The candidate regresses (exit code 1).
    pub regressed: bool,
    /// Whole-building coverage, %.
    pub coverage_pct: Delta,
    /// Number of APs.
    pub ap_count: CountDelta,
    /// Non-excluded rooms meeting their target.
    pub rooms_meeting_target: CountDelta,
    /// Storeys of both plans, in base order.
    pub floors: Vec<FloorComparison>,
    /// Storeys only the base has (not compared).
    pub floors_only_in_base: Vec<String>,
    /// Storeys only the candidate has (not compared).
    pub floors_only_in_candidate: Vec<String>,
    /// Figures that dropped beyond their tolerance.
    pub regressions: Vec<Change>,
    /// Figures that rose beyond their tolerance.
    pub improvements: Vec<Change>,
    /// Difference heatmaps, one per shared storey.
    pub images: Vec<String>,
    /// Remarks (different thresholds, grids, …).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Pretty JSON (`compare.json`, `--format json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The process exit code: 1 when the candidate regresses, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.regressed)
    }
}

/// The file name of a storey's difference heatmap.
pub fn delta_image_name(floor: &str) -> String {
    format!("{}-delta.png", file_stem_for(floor))
}

fn side(outcome: &SimulationOutcome) -> PlanSide {
    let r = &outcome.report;
    PlanSide {
        file: r.file.clone(),
        plan: r.plan.clone(),
        coverage_pct: r.coverage_pct,
        ap_count: r.aps.len(),
        requirement_met: r.requirement_met,
    }
}

/// Lowest finite best-server RSSI over a storey's required cells.
fn floor_min(outcome: &SimulationOutcome, floor: usize) -> Option<Real> {
    let fc = &outcome.coverage.floors[floor];
    let min = fc
        .rssi
        .values
        .iter()
        .zip(&fc.mask.required)
        .filter(|(v, &required)| required && v.is_finite())
        .map(|(&v, _)| v)
        .fold(f32::INFINITY, f32::min);
    min.is_finite().then(|| round2(min as Real))
}

fn meeting_target(outcome: &SimulationOutcome) -> usize {
    outcome.report.floors.iter().flat_map(|f| &f.rooms).filter(|r| !r.excluded && r.meets_target).count()
}

fn compare_room(base: &RoomReport, candidate: &RoomReport, tolerances: Tolerances) -> RoomComparison {
    let coverage_pct = Delta::new(Some(base.coverage_pct), Some(candidate.coverage_pct));
    let met_pct = Delta::new(Some(base.met_pct), Some(candidate.met_pct));
    let median_dbm = Delta::new(base.median_dbm, candidate.median_dbm);
    let min_dbm = Delta::new(base.min_dbm, candidate.min_dbm);
    let serving_aps = ServingAps { base: base.serving_aps.clone(), candidate: candidate.serving_aps.clone() };
    let median_drops = tolerances.db.is_some_and(|t| median_dbm.drops(t));
    let median_rises = tolerances.db.is_some_and(|t| median_dbm.rises(t));
    let status = if base.excluded || candidate.excluded {
        RoomStatus::Excluded
    } else if (base.meets_target && !candidate.meets_target)
        || coverage_pct.drops(tolerances.pct)
        || met_pct.drops(tolerances.pct)
        || median_drops
    {
        RoomStatus::Regressed
    } else if (!base.meets_target && candidate.meets_target)
        || coverage_pct.rises(tolerances.pct)
        || met_pct.rises(tolerances.pct)
        || median_rises
    {
        RoomStatus::Improved
    } else if coverage_pct.is_zero()
        && met_pct.is_zero()
        && median_dbm.is_zero()
        && min_dbm.is_zero()
        && serving_aps.same_set()
    {
        RoomStatus::Unchanged
    } else {
        RoomStatus::WithinTolerance
    };
    RoomComparison {
        name: base.name.clone(),
        coverage_pct,
        met_pct,
        meets_target: [base.meets_target, candidate.meets_target],
        limited_by: candidate.limited_by,
        median_dbm,
        min_dbm,
        serving_aps,
        threshold_dbm: Delta::new(Some(base.threshold_dbm), Some(candidate.threshold_dbm)),
        status,
    }
}

/// Records a judged figure among the regressions or improvements.
fn judge(
    changes: (&mut Vec<Change>, &mut Vec<Change>),
    scope: (&'static str, Option<&str>, Option<&str>),
    metric: &'static str,
    values: Delta,
    tolerance: Real,
) {
    let change = Change {
        scope: scope.0,
        floor: scope.1.map(str::to_owned),
        room: scope.2.map(str::to_owned),
        metric,
        values,
        tolerance,
        note: None,
    };
    if values.drops(tolerance) {
        changes.0.push(change);
    } else if values.rises(tolerance) {
        changes.1.push(change);
    }
}

/// A count where more is worse, as a figure where a drop is worse.
fn negated(d: Delta) -> Delta {
    Delta { base: d.base.map(|v| -v), candidate: d.candidate.map(|v| -v), delta: d.delta.map(|v| -v) }
}

/// Records a verdict that flips (met in one plan, not in the other).
fn verdict_change(
    changes: (&mut Vec<Change>, &mut Vec<Change>),
    scope: (&'static str, Option<&str>, Option<&str>),
    met: [bool; 2],
    limited_by: Option<crate::requirement::Part>,
) {
    if met[0] == met[1] {
        return;
    }
    let value = |m: bool| Some(if m { 1.0 } else { 0.0 });
    let change = Change {
        scope: scope.0,
        floor: scope.1.map(str::to_owned),
        room: scope.2.map(str::to_owned),
        metric: "requirement",
        values: Delta::new(value(met[0]), value(met[1])),
        tolerance: 0.0,
        note: limited_by.map(|p| format!("limited by {}", p.name())),
    };
    if met[0] {
        changes.0.push(change);
    } else {
        changes.1.push(change);
    }
}

/// Compares the two runs: deltas, regressions and improvements, verdict.
pub fn compare(runs: &ComparedRuns, tolerances: Tolerances) -> Comparison {
    let (base, candidate) = (&runs.base, &runs.candidate);
    let (br, cr) = (&base.report, &candidate.report);
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    let mut notes = runs.notes.clone();
    // Building and storey coverage are shown; what the requirement judges
    // (rooms, room-less storeys, the AP count) decides.
    let coverage_pct = Delta::new(Some(br.coverage_pct), Some(cr.coverage_pct));
    let aps = Delta::new(Some(br.aps.len() as Real), Some(cr.aps.len() as Real));
    judge(
        (&mut regressions, &mut improvements),
        ("building", None, None),
        "ap_count",
        negated(aps),
        tolerances.aps as Real,
    );
    if br.threshold_dbm != cr.threshold_dbm {
        notes.push(format!(
            "the default threshold changed from {} dBm to {} dBm: coverage is measured at each plan's own threshold",
            br.threshold_dbm, cr.threshold_dbm
        ));
    }

    let mut floors = Vec::new();
    for (bi, bf) in br.floors.iter().enumerate() {
        let Some(ci) = cr.floors.iter().position(|f| f.id == bf.id) else { continue };
        let cf = &cr.floors[ci];
        let floor_coverage = Delta::new(Some(bf.coverage_pct), Some(cf.coverage_pct));
        let floor_median = Delta::new(bf.median_dbm, cf.median_dbm);
        let scope = ("floor", Some(bf.id.as_str()), None);
        if bf.rooms.is_empty() && cf.rooms.is_empty() {
            let floor_met = Delta::new(Some(bf.met_pct), Some(cf.met_pct));
            judge((&mut regressions, &mut improvements), scope, "coverage_pct", floor_coverage, tolerances.pct);
            judge((&mut regressions, &mut improvements), scope, "met_pct", floor_met, tolerances.pct);
            verdict_change(
                (&mut regressions, &mut improvements),
                scope,
                [bf.meets_target, cf.meets_target],
                cf.limited_by,
            );
        }
        if let Some(db) = tolerances.db {
            judge((&mut regressions, &mut improvements), scope, "median_dbm", floor_median, db);
        }
        let mut rooms = Vec::new();
        for room in &bf.rooms {
            let Some(other) = cf.rooms.iter().find(|r| r.name == room.name) else { continue };
            let compared = compare_room(room, other, tolerances);
            if compared.status != RoomStatus::Excluded {
                let scope = ("room", Some(bf.id.as_str()), Some(room.name.as_str()));
                let pair = (&mut regressions, &mut improvements);
                verdict_change(pair, scope, compared.meets_target, Some(compared.limited_by));
                let pair = (&mut regressions, &mut improvements);
                judge(pair, scope, "coverage_pct", compared.coverage_pct, tolerances.pct);
                let pair = (&mut regressions, &mut improvements);
                judge(pair, scope, "met_pct", compared.met_pct, tolerances.pct);
                if let Some(db) = tolerances.db {
                    let pair = (&mut regressions, &mut improvements);
                    judge(pair, scope, "median_dbm", compared.median_dbm, db);
                }
            }
            if room.threshold_dbm != other.threshold_dbm {
                notes.push(format!(
                    "room `{}` on `{}`: threshold changed from {} dBm to {} dBm",
                    room.name, bf.id, room.threshold_dbm, other.threshold_dbm
                ));
            }
            rooms.push(compared);
        }
        let names = |floor: &crate::report::FloorReport, other: &crate::report::FloorReport| -> Vec<String> {
            floor
                .rooms
                .iter()
                .filter(|r| !other.rooms.iter().any(|o| o.name == r.name))
                .map(|r| r.name.clone())
                .collect()
        };
        let ap_on = |r: &crate::report::Report| r.aps.iter().filter(|ap| ap.floor == bf.id).count();
        floors.push(FloorComparison {
            id: bf.id.clone(),
            coverage_pct: floor_coverage,
            median_dbm: floor_median,
            min_dbm: Delta::new(floor_min(base, bi), floor_min(candidate, ci)),
            ap_count: CountDelta::new(ap_on(br), ap_on(cr)),
            rooms,
            rooms_only_in_base: names(bf, cf),
            rooms_only_in_candidate: names(cf, bf),
            image: delta_image_name(&bf.id),
        });
    }
    let only = |a: &crate::report::Report, b: &crate::report::Report| -> Vec<String> {
        a.floors.iter().filter(|f| !b.floors.iter().any(|o| o.id == f.id)).map(|f| f.id.clone()).collect()
    };
    let regressed = !regressions.is_empty();
    let verdict = if regressed {
        Verdict::Regressed
    } else if !improvements.is_empty() {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    };
    Comparison {
        base: side(base),
        candidate: side(candidate),
        model: br.model.clone(),
        model_parameters: br.model_parameters.clone(),
        resolution_m: br.resolution_m,
        tolerances,
        verdict,
        regressed,
        coverage_pct,
        ap_count: CountDelta::new(br.aps.len(), cr.aps.len()),
        rooms_meeting_target: CountDelta::new(meeting_target(base), meeting_target(candidate)),
        images: floors.iter().map(|f| f.image.clone()).collect(),
        floors,
        floors_only_in_base: only(br, cr),
        floors_only_in_candidate: only(cr, br),
        regressions,
        improvements,
        notes,
    }
}

/// The scene drawn under a difference map: the candidate's, with the
/// base's APs that the candidate moved or removed added as `ID (base)`,
/// and the candidate's moved or new APs labelled `(moved)`, `(added)`.
fn render_scene(runs: &ComparedRuns) -> Scene {
    let (base, candidate) = (&runs.base.scene, &runs.candidate.scene);
    let mut scene = candidate.clone();
    let floor_id = |s: &Scene, i: usize| s.floors.get(i).map(|f| f.id.clone());
    let same_place = |a: &crate::scene::AccessPoint, sa: &Scene, b: &crate::scene::AccessPoint, sb: &Scene| {
        floor_id(sa, a.floor) == floor_id(sb, b.floor) && (a.position - b.position).norm() < 0.01
    };
    for ap in &mut scene.aps {
        match base.aps.iter().find(|b| b.id == ap.id) {
            None => ap.id = format!("{} (added)", ap.id),
            Some(b) if !same_place(b, base, ap, candidate) => ap.id = format!("{} (moved)", ap.id),
            Some(_) => {}
        }
    }
    for ap in &base.aps {
        let kept = candidate.aps.iter().any(|c| c.id == ap.id && same_place(ap, base, c, candidate));
        let Some(floor) = floor_id(base, ap.floor).and_then(|id| candidate.floor_index(&id)) else { continue };
        if !kept {
            let mut old = ap.clone();
            old.floor = floor;
            old.id = format!("{} (base)", ap.id);
            scene.aps.push(old);
        }
    }
    scene
}

/// The difference heatmap of one shared storey: candidate − base RSSI on
/// [`ColorScale::delta_db`] (±[`DELTA_RANGE_DB`], blue where the candidate
/// is stronger, red where weaker, white for no change), drawn over the
/// candidate's walls and rooms with both plans' APs.
pub fn render_delta(runs: &ComparedRuns, delta: &DeltaMap) -> image::RgbImage {
    let scene = render_scene(runs);
    render_delta_on(&scene, runs, delta)
}

fn render_delta_on(scene: &Scene, runs: &ComparedRuns, delta: &DeltaMap) -> image::RgbImage {
    let name =
        |file: &str| Path::new(file).file_name().map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
    let title = format!(
        "{} → {} — {} — RSSI change, candidate − base (blue stronger, red weaker), {}",
        name(&runs.base.report.file),
        name(&runs.candidate.report.file),
        delta.floor,
        runs.base.report.model
    );
    let options = RenderOptions::for_floor(scene, delta.candidate_floor, title);
    let scale = ColorScale { label: "RSSI change", ..ColorScale::delta_db(DELTA_RANGE_DB) };
    scalar_map(scene, delta.candidate_floor, &delta.map, &scale, &options)
}

/// Writes everything into `dir`: `<floor>-delta.png` per shared storey,
/// `compare.json`, `compare.md`, `report.html` (both plans and the
/// difference, interactive), and each plan's own outputs (heatmaps,
/// `report.json`, `report.md`, `report.html`) in `base/` and `candidate/`.
pub fn write_outputs(runs: &ComparedRuns, comparison: &Comparison, dir: &Path) -> Result<()> {
    create_dir(dir)?;
    let scene = render_scene(runs);
    let images: Vec<(String, image::RgbImage)> = {
        use rayon::prelude::*;
        runs.deltas.par_iter().map(|d| (delta_image_name(&d.floor), render_delta_on(&scene, runs, d))).collect()
    };
    for (name, image) in &images {
        write_png(&dir.join(name), image)?;
    }
    let (base, candidate) = rayon::join(
        || pipeline::write_outputs(&runs.base, &dir.join("base"), &pipeline::MapOptions::default()),
        || pipeline::write_outputs(&runs.candidate, &dir.join("candidate"), &pipeline::MapOptions::default()),
    );
    base?;
    candidate?;
    write_atomic(&dir.join("compare.json"), format!("{}\n", comparison.to_json()).as_bytes())?;
    write_atomic(&dir.join("compare.md"), markdown(comparison, true).as_bytes())?;
    write_atomic(&dir.join("report.html"), crate::html::comparison_page(runs, comparison).as_bytes())?;
    Ok(())
}

/// A table cell: `|` escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A signed change with one decimal; "0.0" for changes that round to zero.
fn signed(value: Real) -> String {
    if value.abs() < 0.05 {
        "0.0".to_owned()
    } else {
        format!("{value:+.1}")
    }
}

/// `a → b` or just `a` when both are the same, with a unit.
fn pair(d: &Delta, unit: &str) -> String {
    let one = |v: Option<Real>| v.map_or_else(|| "no signal".to_owned(), |v| format!("{v:.1}{unit}"));
    if d.is_zero() {
        one(d.base)
    } else {
        format!("{} → {}", one(d.base), one(d.candidate))
    }
}

/// The change column: bold when judged and beyond the tolerance.
fn change(d: &Delta, tolerance: Option<Real>) -> String {
    let text = match (d.base, d.candidate, d.delta) {
        (_, _, Some(v)) => signed(v),
        (Some(_), None, _) => "lost".to_owned(),
        (None, Some(_), _) => "new".to_owned(),
        _ => "–".to_owned(),
    };
    match tolerance {
        Some(t) if d.drops(t) || d.rises(t) => format!("**{text}**"),
        _ => text,
    }
}

fn count_change(d: &CountDelta) -> String {
    if d.delta == 0 {
        "0".to_owned()
    } else {
        format!("{:+}", d.delta)
    }
}

/// The model in a few words: `raytrace (3 reflections, incoherent)`.
fn model_text(comparison: &Comparison) -> String {
    let p = &comparison.model_parameters;
    match (p.get("max_reflections"), p.get("sum").and_then(|s| s.as_str())) {
        (Some(n), Some(sum)) => format!("{} ({n} reflections, {sum})", comparison.model),
        _ => comparison.model.clone(),
    }
}

/// One bullet per building, storey or room that moved beyond tolerance.
fn change_bullets(md: &mut String, changes: &[Change], limit: usize) {
    let mut groups: Vec<(String, Vec<&Change>)> = Vec::new();
    for change in changes {
        let label = match (&change.floor, &change.room) {
            (Some(floor), Some(room)) => format!("**{}** on `{floor}`", cell(room)),
            (Some(floor), None) => format!("storey `{floor}`"),
            _ => "whole building".to_owned(),
        };
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(change),
            None => groups.push((label, vec![change])),
        }
    }
    for (label, list) in groups.iter().take(limit) {
        let parts: Vec<String> = list
            .iter()
            .map(|c| match c.metric {
                "coverage_pct" => {
                    format!("coverage {} ({} pts)", pair(&c.values, "%"), change(&c.values, None))
                }
                "met_pct" => {
                    format!("coverage with SINR {} ({} pts)", pair(&c.values, "%"), change(&c.values, None))
                }
                "requirement" => {
                    let now = if c.values.candidate == Some(1.0) { "met" } else { "NOT met" };
                    let before = if c.values.base == Some(1.0) { "met" } else { "NOT met" };
                    let why =
                        c.note.as_deref().filter(|_| now == "NOT met").map_or_else(String::new, |n| format!(", {n}"));
                    format!("requirement {before} → **{now}**{why}")
                }
                "ap_count" => {
                    format!("APs {} → {}", -c.values.base.unwrap_or(0.0), -c.values.candidate.unwrap_or(0.0),)
                }
                _ => format!("median {} ({} dB)", pair(&c.values, " dBm"), change(&c.values, None)),
            })
            .collect();
        let _ = writeln!(md, "- {label}: {}", parts.join(", "));
    }
    if groups.len() > limit {
        let _ = writeln!(md, "- … and {} more (see the tables below)", groups.len() - limit);
    }
}

/// Most bullets in each of the regression and improvement lists.
const MAX_BULLETS: usize = 25;

/// The comparison as Markdown, fit for a pull-request comment: verdict,
/// key figures, what regressed and improved, then one table per storey.
/// With `embed_images`, the difference heatmaps are embedded (for
/// `compare.md` beside them); otherwise they are named.
pub fn markdown(comparison: &Comparison, embed_images: bool) -> String {
    let c = comparison;
    let t = c.tolerances;
    let mut md = String::new();
    let headline = match c.verdict {
        Verdict::Regressed => "❌ Wi-Fi coverage regresses",
        Verdict::Improved => "✅ Wi-Fi coverage improves",
        Verdict::Unchanged => "✅ Wi-Fi coverage unchanged (within tolerances)",
    };
    let _ = writeln!(md, "### {headline}\n");
    let _ = writeln!(
        md,
        "`{}` (base) → `{}` (candidate) · {} · {} m grid · tolerances: {} percentage point{} of room coverage, {} more AP{}, {}\n",
        c.base.file,
        c.candidate.file,
        model_text(c),
        c.resolution_m,
        t.pct,
        if t.pct == 1.0 { "" } else { "s" },
        t.aps,
        if t.aps == 1 { "" } else { "s" },
        t.db.map_or_else(|| "median signal shown, not judged".to_owned(), |db| format!("{db} dB of median signal")),
    );
    let _ = writeln!(md, "| | base | candidate | change |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| building covered | {:.1}% | {:.1}% | {} pts |",
        c.coverage_pct.base.unwrap_or(0.0),
        c.coverage_pct.candidate.unwrap_or(0.0),
        change(&c.coverage_pct, None)
    );
    let _ = writeln!(
        md,
        "| rooms meeting their target | {} | {} | {} |",
        c.rooms_meeting_target.base,
        c.rooms_meeting_target.candidate,
        count_change(&c.rooms_meeting_target)
    );
    let _ = writeln!(
        md,
        "| access points | {} | {} | {} |",
        c.ap_count.base,
        c.ap_count.candidate,
        count_change(&c.ap_count)
    );

    if !c.regressions.is_empty() {
        let _ = writeln!(md, "\n**Regressions** (beyond the tolerances):\n");
        change_bullets(&mut md, &c.regressions, MAX_BULLETS);
    }
    if !c.improvements.is_empty() {
        let _ = writeln!(md, "\n**Improvements**:\n");
        change_bullets(&mut md, &c.improvements, MAX_BULLETS);
    }

    for floor in &c.floors {
        let _ = writeln!(
            md,
            "\n#### Storey `{}`: {} covered ({} pts), median {} ({} dB), APs {}\n",
            floor.id,
            pair(&floor.coverage_pct, "%"),
            change(&floor.coverage_pct, None),
            pair(&floor.median_dbm, " dBm"),
            change(&floor.median_dbm, t.db),
            if floor.ap_count.delta == 0 {
                floor.ap_count.base.to_string()
            } else {
                format!("{} → {}", floor.ap_count.base, floor.ap_count.candidate)
            }
        );
        if embed_images {
            let _ = writeln!(md, "![{0}]({0})\n", floor.image);
        }
        if floor.rooms.is_empty() {
            let _ = writeln!(md, "(no rooms in common: the storey's required area is compared above)");
        } else {
            let _ =
                writeln!(md, "| room | coverage | Δ pts | with SINR | Δ pts | median (dBm) | Δ dB | min (dBm) | Δ dB | serving APs | |");
            let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            for room in &floor.rooms {
                let judged = room.status != RoomStatus::Excluded;
                let aps = room.serving_aps.text();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}{} |",
                    cell(&room.name),
                    pair(&room.coverage_pct, "%"),
                    change(&room.coverage_pct, judged.then_some(t.pct)),
                    pair(&room.met_pct, "%"),
                    change(&room.met_pct, judged.then_some(t.pct)),
                    pair(&room.median_dbm, ""),
                    change(&room.median_dbm, t.db.filter(|_| judged)),
                    pair(&room.min_dbm, ""),
                    change(&room.min_dbm, None),
                    cell(&aps),
                    room.status.label(),
                    if judged && !room.meets_target[1] {
                        format!(" (requirement not met: {})", room.limited_by.name())
                    } else {
                        String::new()
                    }
                );
            }
        }
        let list = |names: &[String]| names.iter().map(|n| format!("`{}`", cell(n))).collect::<Vec<_>>().join(", ");
        if !floor.rooms_only_in_base.is_empty() {
            let _ = writeln!(md, "\nRooms only in the base (not compared): {}", list(&floor.rooms_only_in_base));
        }
        if !floor.rooms_only_in_candidate.is_empty() {
            let _ =
                writeln!(md, "\nRooms only in the candidate (not compared): {}", list(&floor.rooms_only_in_candidate));
        }
    }
    let storeys = |ids: &[String]| ids.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if !c.floors_only_in_base.is_empty() {
        let _ = writeln!(md, "\nStoreys only in the base (not compared): {}", storeys(&c.floors_only_in_base));
    }
    if !c.floors_only_in_candidate.is_empty() {
        let _ =
            writeln!(md, "\nStoreys only in the candidate (not compared): {}", storeys(&c.floors_only_in_candidate));
    }
    if !c.notes.is_empty() {
        let _ = writeln!(md, "\nNotes:");
        for note in &c.notes {
            let _ = writeln!(md, "- {note}");
        }
    }
    if !embed_images && !c.images.is_empty() {
        let names: Vec<String> = c.images.iter().map(|i| format!("`{i}`")).collect();
        let _ = writeln!(
            md,
            "\nDifference heatmaps (candidate − base, blue stronger, red weaker): {} in the output folder.",
            names.join(", ")
        );
    }
    let _ = writeln!(
        md,
        "\n<sub>Judged: what the requirement judges — each room's coverage (signal, and signal with SINR), its verdict (signal, SINR, capacity), the AP count; median RSSI only with --tolerance-db. Building and storey coverage, minimum RSSI and serving APs are shown, not judged. Generated by wifiplan compare.</sub>"
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_drop_rise_and_vanish() {
        let d = Delta::new(Some(90.0), Some(88.5));
        assert_eq!(d.delta, Some(-1.5));
        assert!(d.drops(1.0) && !d.drops(2.0) && !d.rises(0.0));
        assert!(Delta::new(Some(-60.0), None).drops(100.0));
        assert!(Delta::new(None, Some(-60.0)).rises(100.0));
        assert!(Delta::new(None, None).is_zero());
        assert!(!Delta::new(Some(1.0), Some(1.0)).drops(0.0));
    }

    #[test]
    fn signed_changes_read_well() {
        assert_eq!(signed(-0.01), "0.0");
        assert_eq!(signed(2.345), "+2.3");
        assert_eq!(signed(-12.0), "-12.0");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn serving_aps_show_gains_and_losses() {
        let aps = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let same = ServingAps { base: aps(&["AP1", "AP2"]), candidate: aps(&["AP2", "AP1"]) };
        assert!(same.same_set());
        assert_eq!(same.text(), "AP2, AP1");
        let changed = ServingAps { base: aps(&["AP1", "AP2"]), candidate: aps(&["AP1", "AP3"]) };
        assert!(!changed.same_set());
        assert_eq!(changed.text(), "AP1, AP3 (+AP3, −AP2)");
        assert_eq!(ServingAps { base: aps(&["AP1"]), candidate: Vec::new() }.text(), "– (−AP1)");
    }

    #[test]
    fn tolerances_must_be_non_negative() {
        assert!(Tolerances::new(Some(-1.0), 1.0, 0).unwrap_err().to_string().contains("hint:"));
        assert!(Tolerances::new(Some(1.0), f64::NAN, 0).is_err());
        assert_eq!(Tolerances::new(None, 0.0, 2).unwrap(), Tolerances { db: None, pct: 0.0, aps: 2 });
    }

    #[test]
    fn place_shifts_by_whole_cells() {
        let grid = |w, h| GridSpec { origin: Point2::new(0.0, 0.0), resolution: 1.0, width: w, height: h };
        let mut target = CoverageMap::filled(grid(4, 3), f32::NAN);
        let source = CoverageMap { grid: grid(2, 2), values: vec![1.0, 2.0, 3.0, 4.0] };
        place(&mut target, &source, (1, 1));
        assert_eq!(target.get(1, 1), 1.0);
        assert_eq!(target.get(2, 2), 4.0);
        assert!(target.get(0, 0).is_nan());
        place(&mut target, &source, (3, 2)); // clipped at the edges
        assert_eq!(target.get(3, 2), 1.0);
    }
}
