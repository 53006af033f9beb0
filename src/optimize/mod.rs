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
//! 5. [`channels`]: channels that minimise co-channel overlap, among those
//!    the country allows at the APs' power ([`crate::regulatory`]);
//!    optionally lower powers where cells overlap more than needed.
//! 6. [`sinr`]: where rooms still miss the SINR, the candidate that lifts
//!    the most missing cells is added (while that helps).
//! 7. Each new AP is labelled with what it is needed for: coverage,
//!    capacity or SINR.

pub mod bound;
pub mod candidates;
pub mod channels;
pub mod matrix;
pub mod search;
pub mod sinr;

use std::time::Duration;

use crate::error::Result;
use crate::floorplan::{ApSpec, FloorPlan};
use crate::propagation::engine::{self, Coverage};
use crate::propagation::MultiWall;
use crate::radio::Band;
use crate::report::{NeededFor, PlanResult};
use crate::requirement::Requirement;
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
    /// What every room must reach (thresholds, SINR, clients per AP) and
    /// the country's channel and power rules.
    pub requirement: Requirement,
}

/// The planned APs and how they were found.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The APs: fixed first, then the chosen candidates.
    pub aps: Vec<AccessPoint>,
    /// Per AP (same order): why it is there (`fixed`, `coverage`,
    /// `capacity`, `sinr`).
    pub reasons: Vec<Vec<String>>,
    /// Summary for the report.
    pub result: PlanResult,
}

/// Plans the APs of `scene`: its fixed APs are kept, its other APs
/// (proposals) are offered as candidates like any other point.
pub fn plan(scene: &Scene, config: &PlanConfig, progress: &(dyn Fn(&str) + Sync)) -> Result<Planned> {
    let (eirp_dbm, channel_list) = new_ap_power_and_channels(scene, config)?;
    progress("placing candidates");
    let mut candidate_points = candidates::candidates(scene, config.candidate_spacing);
    candidate_points.extend(
        scene.aps.iter().filter(|ap| !ap.fixed).map(|ap| Candidate { floor: ap.floor, position: ap.position.xy() }),
    );
    let mut scene = scene.clone();
    scene.aps.retain(|ap| ap.fixed);
    let template = template_ap(&scene, config);
    // Candidates radiate at the template's frequency, and the planned APs
    // at their channels' (the SINR step simulates them again and again):
    // tabulate them all, so no slab is computed the slow way.
    let channel_frequencies = channels::choices_for(&config.requirement.rules, config.requirement.dfs, &template)
        .into_iter()
        .map(|channel| crate::radio::centre_frequency(template.band, channel));
    let frequencies: Vec<_> = std::iter::once(template.frequency).chain(channel_frequencies).collect();
    scene.tabulate_slabs_with(&frequencies);
    let scene = &scene;
    progress("computing candidate coverage (multiwall)");
    let matrix =
        CoverageMatrix::build(scene, &candidate_points, &template, scene.settings.ap_height, config.resolution, None)?;
    let rules = Rules {
        coverage_depth: if config.secondary { 2 } else { 1 },
        max_clients_per_ap: config.requirement.max_clients_per_ap,
        max_aps: config.max_aps,
    };
    progress("searching");
    let found = search::search(&matrix, rules, config.seed, config.starts, config.time_limit);
    progress("bounding (LP relaxation)");
    let bound = bound::lower_bound(&matrix, rules.coverage_depth, config.requirement.max_clients_per_ap);

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
    let mut fixed_channel: Vec<bool> = aps.iter().map(|ap| ap.channel_given).collect();

    if config.reduce_power {
        progress("reducing power");
        reduce_power(&matrix, &found.chosen, &mut aps, rules);
    }

    progress("assigning channels");
    let requirement = &config.requirement;
    let choices = |ap: &AccessPoint| channels::choices_for(&requirement.rules, requirement.dfs, ap);
    let mut simulated = simulate_planned(scene, &aps, config.resolution, None)?;
    let mut overlap = overlap_areas(&aps, &simulated);
    channels::assign(&mut aps, &overlap, &fixed_channel, &choices);

    // SINR: where co-channel neighbours leave rooms short, add the
    // candidate (on its best channel) that lifts the most missing cells,
    // while that helps.
    let mut chosen = found.chosen.clone();
    let mut sinr_added: Vec<usize> = Vec::new();
    let mut sinr_met = found.feasible;
    if found.feasible {
        progress("checking SINR");
        let mut shortfall = sinr::shortfall(scene, &aps, &simulated, requirement, config.band);
        // `simulated` was computed before the channels were assigned (and
        // so at the template's frequency); a trial adds one AP to the
        // planned APs as assigned, simulated once here, then to each
        // accepted trial's coverage.
        let mut assigned: Option<Coverage> = None;
        let mut simulated_is_assigned = false;
        while shortfall.missing > 0
            && config.max_aps.is_none_or(|m| aps.len() < m)
            && sinr_added.len() < sinr::MAX_ADDED
        {
            let mut improved = false;
            for (column, channel) in
                sinr::best_additions(scene, &matrix, &chosen, &aps, &simulated, &shortfall, &choices)
            {
                let mut trial = aps.clone();
                let mut ap = matrix.aps[column].clone();
                ap.id = format!("AP-{}-{}", scene.floors[ap.floor].id, counter[ap.floor] + 1);
                ap.channel = channel;
                ap.frequency = crate::radio::centre_frequency(ap.band, channel);
                trial.push(ap);
                let base = if simulated_is_assigned {
                    &simulated
                } else {
                    match &mut assigned {
                        Some(coverage) => &*coverage,
                        None => assigned.insert(simulate_planned(scene, &aps, config.resolution, None)?),
                    }
                };
                let trial_simulated = simulate_planned(scene, &trial, config.resolution, Some(base))?;
                // The others keep their channels: the estimate assumed them.
                let trial_overlap = overlap_areas(&trial, &trial_simulated);
                let trial_shortfall = sinr::shortfall(scene, &trial, &trial_simulated, requirement, config.band);
                if trial_shortfall.missing < shortfall.missing {
                    counter[trial[trial.len() - 1].floor] += 1;
                    aps = trial;
                    simulated = trial_simulated;
                    simulated_is_assigned = true;
                    assigned = None;
                    overlap = trial_overlap;
                    fixed_channel.push(false);
                    chosen.push(column);
                    sinr_added.push(column);
                    shortfall = trial_shortfall;
                    improved = true;
                    break;
                }
            }
            if !improved {
                break;
            }
        }
        sinr_met = shortfall.missing == 0;
    }
    let cochannel_overlap_m2 = crate::units::round2(channels::total_cost(&aps, &overlap));
    let (reasons, needed_for) = reasons(&matrix, rules, &chosen, &sinr_added);

    let (lower_bound, relaxation) = match bound {
        Bound::Value { relaxation, lower_bound } => (Some(lower_bound), Some(crate::units::round2(relaxation))),
        Bound::Infeasible | Bound::Unavailable => (None, None),
    };
    let ap_count = aps.len();
    Ok(Planned {
        aps,
        reasons,
        result: PlanResult {
            ap_count,
            lower_bound,
            relaxation,
            optimal: found.feasible && sinr_met && lower_bound == Some(ap_count),
            requirement_met: found.feasible && sinr_met,
            fixed_aps: matrix.fixed,
            candidates: candidate_points.len(),
            starts: found.starts,
            time_limit_hit: found.time_limit_hit,
            cochannel_overlap_m2,
            seed: config.seed,
            eirp_dbm,
            channels: channel_list,
            needed_for,
        },
    })
}

/// Why each chosen column is there, and the counts: the fewest new APs
/// that meet coverage on their own (greedy over the chosen set, largest
/// gain first) are `coverage`; those added for SINR are `sinr`; the rest
/// are `capacity` (after the search's drop step, each of them is needed to
/// place every client); fixed APs are `fixed`.
fn reasons(
    matrix: &CoverageMatrix,
    rules: Rules,
    chosen: &[usize],
    sinr_added: &[usize],
) -> (Vec<Vec<String>>, NeededFor) {
    let mut state = search::State::new(matrix, rules);
    let pool: Vec<usize> = chosen.iter().copied().filter(|&j| j >= matrix.fixed && !sinr_added.contains(&j)).collect();
    let mut for_coverage: Vec<usize> = Vec::new();
    let mut scratch = vec![0usize; matrix.requirements.len()];
    while state.deficit() > 0 {
        let best = pool
            .iter()
            .copied()
            .filter(|&j| !state.selected[j])
            .map(|j| (j, state.gain(j, &mut scratch)))
            .filter(|&(_, g)| g > 0)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((j, _)) = best else { break };
        state.add(j);
        for_coverage.push(j);
    }
    // Drop any that the others made redundant for coverage.
    for &j in for_coverage.clone().iter().rev() {
        state.remove(j);
        if state.deficit() > 0 {
            state.add(j);
        } else {
            for_coverage.retain(|&k| k != j);
        }
    }
    let mut counts = NeededFor::default();
    let reasons = chosen
        .iter()
        .map(|&j| {
            let why = if j < matrix.fixed {
                "fixed"
            } else if sinr_added.contains(&j) {
                counts.sinr += 1;
                "sinr"
            } else if for_coverage.contains(&j) {
                counts.coverage += 1;
                "coverage"
            } else {
                counts.capacity += 1;
                "capacity"
            };
            vec![why.to_owned()]
        })
        .collect();
    (reasons, counts)
}

/// The e.i.r.p. of new APs and the channels they may use: the plan's
/// power and gain, lowered to the highest limit among the channels the
/// rules allow in the band and width (DFS ones only with `dfs`), and the
/// channels whose limit allows that e.i.r.p.
fn new_ap_power_and_channels(scene: &Scene, config: &PlanConfig) -> Result<(Real, Vec<u32>)> {
    let requirement = &config.requirement;
    let rules = &requirement.rules;
    let allowed = channels::allowed_plan(rules, config.band, config.channel_width, requirement.dfs, Real::NEG_INFINITY);
    if allowed.is_empty() {
        let place = rules.code().map_or_else(|| "every country (no country given)".to_owned(), |c| c.to_owned());
        return Err(crate::error::Error::usage(format!(
            "no {} channel at {} MHz is allowed in {place}{}\n  hint: {}",
            config.band,
            config.channel_width,
            if requirement.dfs { "" } else { " without DFS" },
            if rules.code().is_none() {
                "set `country` in [defaults] or --country (6 GHz rules differ by country)".to_owned()
            } else {
                format!("allowed: {}; add --dfs to use DFS channels", rules.describe(config.band, config.channel_width))
            }
        )));
    }
    let wanted = scene.settings.tx_power_dbm + scene.settings.antenna_gain_dbi;
    let highest = allowed
        .iter()
        .filter_map(|&c| rules.channel(config.band, c, config.channel_width))
        .map(|rule| rule.max_eirp_dbm)
        .fold(Real::NEG_INFINITY, Real::max);
    let eirp = wanted.min(highest);
    let list = channels::allowed_plan(rules, config.band, config.channel_width, requirement.dfs, eirp);
    Ok((eirp, list))
}

/// A new AP as the plan's defaults describe it, on the highest-frequency
/// channel the channel plan may give it: walls lose more and free space
/// costs more at higher frequency, so coverage computed there still holds
/// on whichever channel the AP gets.
fn template_ap(scene: &Scene, config: &PlanConfig) -> AccessPoint {
    let (eirp, list) = new_ap_power_and_channels(scene, config)
        .unwrap_or_else(|_| (scene.settings.tx_power_dbm + scene.settings.antenna_gain_dbi, Vec::new()));
    let channel = list
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
        tx_power_dbm: eirp - scene.settings.antenna_gain_dbi,
        antenna_gain_dbi: scene.settings.antenna_gain_dbi,
        channel_given: false,
        fixed: false,
        antenna: crate::antenna::Antenna::isotropic(scene.settings.antenna_gain_dbi),
    }
}

/// The planned APs simulated with multiwall on the optimiser's grid; with
/// `previous`, the coverage of all but the last of `aps`, only the last is
/// evaluated ([`engine::simulate_one_more`]).
fn simulate_planned(
    scene: &Scene,
    aps: &[AccessPoint],
    resolution: Real,
    previous: Option<&Coverage>,
) -> Result<Coverage> {
    let mut planned = scene.clone();
    planned.aps = aps.to_vec();
    match previous {
        Some(previous) => engine::simulate_one_more(&planned, &MultiWall, resolution, previous),
        None => engine::simulate(&planned, &MultiWall, resolution, &|_, _| {}),
    }
}

/// Area (m²) where both APs of each pair are heard above
/// [`channels::CCA_DBM`], over every storey's free cells.
fn overlap_areas(aps: &[AccessPoint], coverage: &Coverage) -> Vec<Vec<Real>> {
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
    overlap
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
