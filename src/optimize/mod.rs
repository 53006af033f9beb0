//! `wifiplan plan`: the fewest APs that meet every room's requirement, with
//! a lower bound that says how close to optimal the answer is.
//!
//! 1. [`candidates`]: mounting points (the plan's, or a grid over required
//!    rooms).
//! 2. [`matrix`]: each candidate's coverage, computed once with the
//!    multiwall model (a lower bound on the ray-traced signal, so a plan
//!    that meets the requirement here meets it under ray tracing too, on the
//!    same grid).
//! 3. [`search`]: seeded randomised greedy + local search (drop, 2-for-1).
//! 4. [`bound`]: the LP relaxation, `⌈LP⌉ ≤ optimum`; the answer is called
//!    optimal only when the count equals it.
//! 5. [`channels`]: channels that minimise co-channel overlap; optionally
//!    lower powers where cells overlap more than needed.

pub mod bound;
pub mod candidates;
pub mod channels;
pub mod matrix;
pub mod search;

use std::time::Duration;

use serde::Serialize;

use crate::error::Result;
use crate::floorplan::{ApSpec, Band, FloorPlan};
use crate::propagation::engine::{self, Coverage};
use crate::propagation::MultiWall;
use crate::scene::{AccessPoint, Scene};
use crate::units::Real;

pub use bound::Bound;
pub use candidates::Candidate;
pub use matrix::CoverageMatrix;
pub use search::{Rules, SearchResult};

/// What `plan` is asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanConfig {
    /// Band of the new APs.
    pub band: Band,
    /// Channel width of the new APs, MHz.
    pub channel_width: u32,
    /// Spacing of generated candidates, m.
    pub candidate_spacing: Real,
    /// Grid cell size for the coverage matrix, m.
    pub resolution: Real,
    /// Client limit per AP.
    pub max_clients_per_ap: u32,
    /// Every counted cell needs two APs above threshold (roaming).
    pub secondary: bool,
    /// Never more APs than this.
    pub max_aps: Option<usize>,
    /// Seeded starts of the search.
    pub starts: usize,
    /// Seed of the search.
    pub seed: u64,
    /// Wall-clock cap on the search.
    pub time_limit: Duration,
    /// Lower transmit powers where coverage allows.
    pub reduce_power: bool,
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
pub struct PlanResult {
    /// APs in the plan (fixed ones included).
    pub ap_count: usize,
    /// ⌈LP relaxation⌉: no set of these candidates meets the requirement
    /// with fewer APs (null when the requirement cannot be met at all).
    pub lower_bound: Option<usize>,
    /// The LP relaxation's value.
    pub relaxation: Option<Real>,
    /// `ap_count == lower_bound`: proved optimal over these candidates.
    pub optimal: bool,
    /// The requirement is met by the chosen APs (multiwall, optimiser grid).
    pub requirement_met: bool,
    /// APs that were in the plan and kept.
    pub fixed_aps: usize,
    /// Candidate mounting points considered.
    pub candidates: usize,
    /// Search starts run.
    pub starts: usize,
    /// The search stopped at the time limit (the result may then depend on
    /// the machine's speed).
    pub time_limit_hit: bool,
    /// Co-channel overlap left after channel assignment, m² (area heard by
    /// two APs above −82 dBm on overlapping channels).
    pub cochannel_overlap_m2: Real,
    /// Seed used.
    pub seed: u64,
}

/// The planned APs and how they were found.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The APs: fixed first, then the chosen candidates.
    pub aps: Vec<AccessPoint>,
    /// Summary for the report.
    pub result: PlanResult,
}

/// Plans the APs of `scene`: its fixed APs are kept, its other APs
/// (proposals) are offered as candidates like any other point.
pub fn plan(scene: &Scene, config: &PlanConfig, progress: &(dyn Fn(&str) + Sync)) -> Result<Planned> {
    progress("placing candidates");
    let mut candidate_points = candidates::candidates(scene, config.candidate_spacing);
    candidate_points.extend(
        scene.aps.iter().filter(|ap| !ap.fixed).map(|ap| Candidate { floor: ap.floor, position: ap.position.xy() }),
    );
    let mut scene = scene.clone();
    scene.aps.retain(|ap| ap.fixed);
    let template = template_ap(&scene, config);
    // Candidates radiate at the template's frequency: tabulate it, so the
    // coverage matrix never computes a slab the slow way.
    scene.tabulate_slabs_with(&[template.frequency]);
    let scene = &scene;
    progress("computing candidate coverage (multiwall)");
    let matrix =
        CoverageMatrix::build(scene, &candidate_points, &template, scene.settings.ap_height, config.resolution, None)?;
    let rules = Rules {
        coverage_depth: if config.secondary { 2 } else { 1 },
        max_clients_per_ap: config.max_clients_per_ap,
        max_aps: config.max_aps,
    };
    progress("searching");
    let found = search::search(&matrix, rules, config.seed, config.starts, config.time_limit);
    progress("bounding (LP relaxation)");
    let bound = bound::lower_bound(&matrix, rules.coverage_depth, config.max_clients_per_ap);

    let mut aps: Vec<AccessPoint> = Vec::new();
    let mut counter = vec![0usize; scene.floors.len()];
    for &j in &found.chosen {
        let mut ap = matrix.aps[j].clone();
        if j >= matrix.fixed {
            counter[ap.floor] += 1;
            ap.id = format!("AP-{}-{}", scene.floors[ap.floor].id, counter[ap.floor]);
        }
        aps.push(ap);
    }
    // Fixed APs keep a channel the plan gave them; the rest are assigned.
    let fixed_channel: Vec<bool> = aps.iter().map(|ap| ap.channel_given).collect();

    if config.reduce_power {
        progress("reducing power");
        reduce_power(&matrix, &found.chosen, &mut aps, rules);
    }

    progress("assigning channels");
    let overlap = overlap_areas(scene, &aps, config.resolution)?;
    channels::assign(&mut aps, &overlap, &fixed_channel);
    let cochannel_overlap_m2 = crate::report::round2(channels::total_cost(&aps, &overlap));

    let (lower_bound, relaxation) = match bound {
        Bound::Value { relaxation, lower_bound } => (Some(lower_bound), Some(crate::report::round2(relaxation))),
        Bound::Infeasible | Bound::Unavailable => (None, None),
    };
    let ap_count = aps.len();
    Ok(Planned {
        aps,
        result: PlanResult {
            ap_count,
            lower_bound,
            relaxation,
            optimal: found.feasible && lower_bound == Some(ap_count),
            requirement_met: found.feasible,
            fixed_aps: matrix.fixed,
            candidates: candidate_points.len(),
            starts: found.starts,
            time_limit_hit: found.time_limit_hit,
            cochannel_overlap_m2,
            seed: config.seed,
        },
    })
}

/// A new AP as the plan's defaults describe it, on the highest-frequency
/// channel the channel plan may give it: walls lose more and free space
/// costs more at higher frequency, so coverage computed there still holds
/// on whichever channel the AP gets.
fn template_ap(scene: &Scene, config: &PlanConfig) -> AccessPoint {
    let channel = channels::channel_plan(config.band, config.channel_width)
        .into_iter()
        .max_by(|a, b| {
            let (fa, fb) =
                (crate::radio::centre_frequency(config.band, *a), crate::radio::centre_frequency(config.band, *b));
            fa.hz().total_cmp(&fb.hz())
        })
        .unwrap_or_else(|| crate::radio::default_channel(config.band));
    AccessPoint {
        id: String::new(),
        floor: 0,
        position: crate::geometry::Point3::origin(),
        band: config.band,
        channel,
        channel_width: config.channel_width,
        frequency: crate::radio::centre_frequency(config.band, channel),
        tx_power_dbm: scene.settings.tx_power_dbm,
        antenna_gain_dbi: scene.settings.antenna_gain_dbi,
        channel_given: false,
        fixed: false,
        antenna: crate::antenna::Antenna::isotropic(scene.settings.antenna_gain_dbi),
    }
}

/// Area (m²) where both APs of each pair are heard above
/// [`channels::CCA_DBM`], over every storey's free cells (multiwall).
fn overlap_areas(scene: &Scene, aps: &[AccessPoint], resolution: Real) -> Result<Vec<Vec<Real>>> {
    let mut planned = scene.clone();
    planned.aps = aps.to_vec();
    let coverage: Coverage = engine::simulate(&planned, &MultiWall, resolution, &|_, _| {})?;
    let n = aps.len();
    let mut overlap = vec![vec![0.0; n]; n];
    for fc in &coverage.floors {
        let area = fc.mask.grid.cell_area();
        let mut heard: Vec<usize> = Vec::with_capacity(n);
        for cell in 0..fc.mask.grid.len() {
            heard.clear();
            heard.extend((0..n).filter(|&a| fc.per_ap[a].values[cell] as Real >= channels::CCA_DBM));
            for (i, &a) in heard.iter().enumerate() {
                for &b in &heard[i + 1..] {
                    overlap[a][b] += area;
                    overlap[b][a] += area;
                }
            }
        }
    }
    Ok(overlap)
}

/// Largest power reduction tried, dB.
const MAX_POWER_REDUCTION_DB: u8 = 10;

/// Lowers each new AP's power in 1 dB steps (at most
/// [`MAX_POWER_REDUCTION_DB`]) while the requirement still holds, in
/// placement order. Exact on the matrix: a column at `P − Δ` covers the
/// cells where its power minus Δ still reaches the threshold.
fn reduce_power(matrix: &CoverageMatrix, chosen: &[usize], aps: &mut [AccessPoint], rules: Rules) {
    let weakened = |column: &[(u32, f32)], step: u8| -> Vec<(u32, f32)> {
        column
            .iter()
            .map(|&(cell, power)| (cell, power - step as f32))
            .filter(|&(cell, power)| {
                power >= matrix.requirements[matrix.cells[cell as usize].requirement].threshold_dbm as f32
            })
            .collect()
    };
    let feasible = |reduced: &CoverageMatrix| {
        let mut state = search::State::new(reduced, rules);
        for &k in chosen.iter().filter(|&&k| k >= reduced.fixed) {
            state.add(k);
        }
        state.feasible()
    };
    let mut reduced = matrix.clone();
    for (position, &j) in chosen.iter().enumerate().filter(|&(_, &j)| j >= matrix.fixed) {
        let mut kept = 0;
        for step in 1..=MAX_POWER_REDUCTION_DB {
            reduced.columns[j] = weakened(&matrix.columns[j], step);
            if !feasible(&reduced) {
                break;
            }
            kept = step;
        }
        reduced.columns[j] = weakened(&matrix.columns[j], kept);
        aps[position].tx_power_dbm -= kept as Real;
    }
}

/// The input plan with its APs replaced by the planned ones: valid for
/// `simulate`, `check` and `compare`.
pub fn planned_plan(plan: &FloorPlan, scene: &Scene, aps: &[AccessPoint]) -> FloorPlan {
    let mut out = plan.clone();
    out.aps = aps
        .iter()
        .map(|ap| {
            let storey = &scene.floors[ap.floor];
            ApSpec {
                id: ap.id.clone(),
                floor: Some(storey.id.clone()),
                position: [round3(ap.position.x), round3(ap.position.y)],
                height: Some(round3(ap.position.z - storey.elevation)),
                band: Some(ap.band),
                channel: Some(ap.channel),
                tx_power_dbm: Some(ap.tx_power_dbm),
                // With a pattern, the gain is the pattern's.
                antenna_gain_dbi: ap.antenna.spec.is_none().then_some(ap.antenna_gain_dbi),
                channel_width: Some(ap.channel_width),
                antenna: ap.antenna.plan_value(),
                azimuth: ap.antenna.spec.as_ref().map(|_| ap.antenna.azimuth_deg),
                downtilt: ap.antenna.spec.as_ref().map(|_| ap.antenna.downtilt_deg),
                fixed: None,
            }
        })
        .collect();
    out
}

fn round3(value: Real) -> Real {
    (value * 1000.0).round() / 1000.0
}
